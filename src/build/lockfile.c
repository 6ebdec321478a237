/* lockfile.c: mkdistro.lock, source files pinned by SHA-256 (see lockfile.h). */
#include "build/lockfile.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "sys/alloc.h"
#include "sys/fs.h"

#define UPDATE_HINT "'mkdistro lock --update'"

static void pin_release(struct lockfile_pin *p)
{
	free(p->role);
	free(p->file);
	free(p->version);
}

void lockfile_release(struct lockfile *l)
{
	for (size_t i = 0; i < l->n; i++)
		pin_release(&l->pins[i]);
	for (size_t i = 0; i < l->nfound; i++)
		pin_release(&l->found[i]);
	free(l->pins);
	free(l->found);
	free(l->path);
	memset(l, 0, sizeof(*l));
}

static int is_sha256(const char *s)
{
	size_t i = 0;
	while (s[i] && (isdigit((unsigned char)s[i]) || (s[i] >= 'a' && s[i] <= 'f')))
		i++;
	return i == 64 && !s[i];
}

int lockfile_parse(struct lockfile *l, const char *text, const char *where)
{
	char *copy = xstrdup(text), *save = NULL;
	int line = 0, ret = 0;
	for (char *s = copy, *end; *s && !ret; s = end) {
		char *f[6], *num_end;
		int nf = 0;
		unsigned long long size;
		end = strchr(s, '\n');
		end = end ? (*end = '\0', end + 1) : s + strlen(s);
		line++;
		s += strspn(s, " \t");
		if (*s == '#' || !*s)
			continue;
		for (char *t = strtok_r(s, " \t", &save); t; t = strtok_r(NULL, " \t", &save))
			f[nf < 6 ? nf : 5] = t, nf++;
		if (nf != 5 ||
		    (strcmp(f[0], "kernel") && strcmp(f[0], "busybox") && strcmp(f[0], "deb") &&
		     strcmp(f[0], "loader")) ||
		    field_unescape(f[1]) < 0 || field_unescape(f[2]) < 0 || !*f[1] ||
		    strchr(f[1], '/') || !isdigit((unsigned char)*f[3]) ||
		    (size = strtoull(f[3], &num_end, 10), *num_end) || !is_sha256(f[4])) {
			ret = error("%s:%d: not a line of a lock file (ROLE FILE VERSION SIZE SHA-256, "
				    "ROLE kernel, busybox, deb or loader)",
				    where, line);
			break;
		}
		for (size_t i = 0; i < l->n; i++)
			if (!strcmp(l->pins[i].role, f[0]) && !strcmp(l->pins[i].file, f[1]))
				ret = error("%s:%d: %s '%s' is pinned twice (first on line %d)", where,
					    line, f[0], f[1], l->pins[i].line);
		if (ret)
			break;
		XGROW(l->pins, l->cap, l->n + 1);
		l->pins[l->n] = (struct lockfile_pin){
			.role = xstrdup(f[0]),
			.file = xstrdup(f[1]),
			.version = xstrdup(f[2]),
			.size = size,
			.line = line,
		};
		memcpy(l->pins[l->n].sha256, f[4], 65);
		l->n++;
	}
	free(copy);
	return ret;
}

int lockfile_load(struct lockfile *l, const char *path)
{
	struct buf b;
	int ret = 0;
	memset(l, 0, sizeof(*l));
	l->path = xstrdup(path);
	if (!file_exists(path))
		return 0;
	l->exists = 1;
	buf_init(&b);
	ret = read_file(path, &b);
	if (!ret)
		ret = lockfile_parse(l, b.data, path);
	buf_release(&b);
	return ret;
}

const struct lockfile_pin *lockfile_find(const struct lockfile *l, const char *role,
					 const char *file)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->pins[i].role, role) && !strcmp(l->pins[i].file, file))
			return &l->pins[i];
	return NULL;
}

const char *lockfile_version(const struct lockfile *l, const char *role)
{
	if (l->update)
		return NULL;
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->pins[i].role, role) && strcmp(l->pins[i].version, "-"))
			return l->pins[i].version;
	return NULL;
}

static void note_found(struct lockfile *l, const struct lockfile_pin *p)
{
	for (size_t i = 0; i < l->nfound; i++)
		if (!strcmp(l->found[i].role, p->role) && !strcmp(l->found[i].file, p->file))
			return;
	XGROW(l->found, l->fcap, l->nfound + 1);
	l->found[l->nfound] = (struct lockfile_pin){
		.role = xstrdup(p->role),
		.file = xstrdup(p->file),
		.version = xstrdup(p->version && *p->version ? p->version : "-"),
		.size = p->size,
	};
	memcpy(l->found[l->nfound].sha256, p->sha256, 65);
	l->nfound++;
}

int lockfile_check(struct lockfile *l, const struct lockfile_pin *actual, const char *path,
		   const char *conf_sha256, const char *restore)
{
	const struct lockfile_pin *pin;
	const char *v = actual->version && *actual->version ? actual->version : "-";
	char *todo;
	int ret;

	if (!l->exists || l->update) {
		note_found(l, actual);
		return 0;
	}
	pin = lockfile_find(l, actual->role, actual->file);
	if (!pin && (!strcmp(actual->role, "deb") || !strcmp(actual->role, "loader")))
		return error("'%s' (a Debian package the %s) is not pinned in %s; if you "
			     "trust it (apt checked it against the archive's signed index), pin it with "
			     UPDATE_HINT " (or delete %s to pin everything anew)",
			     path, strcmp(actual->role, "deb") ? "boot loader is made from" : "image takes",
			     l->path, l->path);
	if (!pin)
		return error("'%s' (the %s source) is not pinned in %s; if you trust it, pin it with "
			     UPDATE_HINT " (or delete %s to pin every source anew)",
			     path, actual->role, l->path, l->path);
	if (pin->size == actual->size && !strcmp(pin->sha256, actual->sha256)) {
		note_found(l, actual);
		return 0;
	}
	/* A file that is simply another release is not called damaged: say which. */
	if (strcmp(v, "-") && strcmp(pin->version, "-") && strcmp(v, pin->version))
		return error("%s:%d: '%s' is version %s, but version %s is pinned here; to build from "
			     "it, pin it with " UPDATE_HINT "%s%s%s",
			     l->path, pin->line, path, v, pin->version,
			     restore ? " (or get the pinned one: " : "", restore ? restore : "",
			     restore ? ")" : "");
	if (conf_sha256 && !strcasecmp(conf_sha256, actual->sha256))
		return error("%s:%d: '%s' matches the sha256 that mkdistro.conf now sets, but SHA-256 "
			     "%s is pinned here; to build from it, pin it with " UPDATE_HINT,
			     l->path, pin->line, path, pin->sha256);
	todo = xasprintf("%s; if the new file is trusted, " UPDATE_HINT " pins it",
			 restore ? restore : "restore the original");
	if (actual->size == pin->size)
		ret = error("%s:%d: '%s' was tampered with: it has the pinned size (%" PRIu64 " bytes) "
			    "but SHA-256 %s, not the pinned %s; refusing it (%s)",
			    l->path, pin->line, path, actual->size, actual->sha256, pin->sha256, todo);
	else if (actual->size < pin->size)
		ret = error("%s:%d: '%s' is truncated: %" PRIu64 " bytes, but %" PRIu64 " bytes "
			    "(SHA-256 %s) are pinned here; refusing it (%s)",
			    l->path, pin->line, path, actual->size, pin->size, pin->sha256, todo);
	else
		ret = error("%s:%d: '%s' is not the pinned file: %" PRIu64 " bytes with SHA-256 %s, "
			    "but %" PRIu64 " bytes with SHA-256 %s are pinned here; refusing it (%s)",
			    l->path, pin->line, path, actual->size, actual->sha256, pin->size,
			    pin->sha256, todo);
	free(todo);
	return ret;
}

int lockfile_missing(const struct lockfile *l, const char *role, const char *file,
		     const char *path, const char *hint)
{
	const struct lockfile_pin *pin = l->exists ? lockfile_find(l, role, file) : NULL;
	if (pin)
		return error("%s:%d: '%s', pinned here (%" PRIu64 " bytes, SHA-256 %s), is missing%s%s",
			     l->path, pin->line, path, pin->size, pin->sha256, hint ? "; " : "",
			     hint ? hint : "");
	return error("'%s' is missing%s%s", path, hint ? "; " : "", hint ? hint : "");
}

int lockfile_check_all_found(const struct lockfile *l, const char *role, const char *dir,
			     const char *hint)
{
	if (!l->exists || l->update)
		return 0;
	for (size_t i = 0; i < l->n; i++) {
		const struct lockfile_pin *p = &l->pins[i];
		int met = 0;
		if (strcmp(p->role, role))
			continue;
		for (size_t j = 0; j < l->nfound && !met; j++)
			met = !strcmp(l->found[j].role, role) && !strcmp(l->found[j].file, p->file);
		if (!met) {
			char *path = path_join(dir, p->file);
			lockfile_missing(l, role, p->file, path, hint);
			free(path);
			return -1;
		}
	}
	return 0;
}

void lockfile_render(const struct lockfile_pin *pins, size_t n, struct buf *out)
{
	buf_adds(out, "# mkdistro.lock: the source files this project is built from, pinned by "
		      "SHA-256.\n"
		      "# mkdistro writes it on the first fetch and checks every source against it "
		      "before\n"
		      "# unpacking.  Keep it with the project (commit it).  After a deliberate change "
		      "of\n"
		      "# source: mkdistro lock --update.\n"
		      "# ROLE FILE VERSION SIZE SHA-256\n");
	for (size_t i = 0; i < n; i++) {
		buf_addf(out, "%s ", pins[i].role);
		buf_add_field(out, pins[i].file);
		buf_adds(out, " ");
		buf_add_field(out, pins[i].version);
		buf_addf(out, " %" PRIu64 " %s\n", pins[i].size, pins[i].sha256);
	}
}

int lockfile_save(struct lockfile *l, int *written)
{
	struct buf text;
	int ret = 0;
	*written = 0;
	if (l->exists && !l->update)
		return 0;
	buf_init(&text);
	lockfile_render(l->found, l->nfound, &text);
	ret = write_file_atomic(l->path, text.data, text.len, 0644);
	if (!ret)
		*written = 1;
	buf_release(&text);
	return ret;
}
