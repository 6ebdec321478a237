/* inputs.c: a stage's inputs as text, its key, and what changed (see inputs.h). */
#include "build/inputs.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>
#include "sys/alloc.h"
#include "sys/fs.h"
#include "sys/hash.h"

#define MAX_NAMES 4   /* names listed in a change */
#define MAX_DETAILS 3 /* values shown for one name */

void inputs_init(struct inputs *in)
{
	buf_init(&in->text);
}

void inputs_release(struct inputs *in)
{
	buf_release(&in->text);
}

void inputs_add(struct inputs *in, const char *name, const char *fmt, ...)
{
	va_list ap;
	char *value;
	va_start(ap, fmt);
	if (vasprintf(&value, fmt, ap) < 0)
		die("out of memory");
	va_end(ap);
	/* one line each: a newline in a value would make a second, nameless one */
	for (char *c = value; *c; c++)
		if (*c == '\n')
			*c = ' ';
	for (const char *c = name; *c; c++)
		buf_add(&in->text, *c == ' ' || *c == '\n' ? "_" : c, 1);
	buf_addf(&in->text, " %s\n", value);
	free(value);
}

int inputs_add_file(struct inputs *in, const char *name, const char *path)
{
	char sum[65];
	if (sha256_file(path, sum) < 0)
		return -1;
	inputs_add(in, name, "sha256:%s", sum);
	return 0;
}

int inputs_add_self(struct inputs *in)
{
	static char sum[65];
	if (!*sum && sha256_file("/proc/self/exe", sum) < 0)
		return -1;
	inputs_add(in, "mkdistro", "sha256:%s", sum);
	return 0;
}

int inputs_add_tool(struct inputs *in, const char *tool)
{
	char *path = which(tool);
	int ret;
	if (!path)
		return error("'%s' is not found in PATH", tool);
	ret = inputs_add_file(in, tool, path);
	free(path);
	return ret;
}

static int add_dir(struct inputs *in, const char *root, const char *rel)
{
	char *dir = path_join(root, rel);
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort), ret = 0;
	if (n < 0) {
		error_errno("cannot read '%s'", dir);
		free(dir);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		char *r = xasprintf("%s/%s", rel, name), *p = path_join(root, r);
		struct stat st;
		char sum[65], target[4096];
		ssize_t len;
		if (!strcmp(name, ".") || !strcmp(name, "..") || ret) {
			/* skipped */
		} else if (lstat(p, &st) < 0) {
			ret = error_errno("cannot stat '%s'", p);
		} else if (S_ISDIR(st.st_mode)) {
			inputs_add(in, r, "dir %04o", (unsigned)st.st_mode & 07777);
			ret = add_dir(in, root, r);
		} else if (S_ISLNK(st.st_mode)) {
			len = readlink(p, target, sizeof(target) - 1);
			if (len < 0)
				ret = error_errno("cannot read the link '%s'", p);
			else
				inputs_add(in, r, "symlink %.*s", (int)len, target);
		} else if (sha256_file(p, sum) < 0) {
			ret = -1;
		} else {
			inputs_add(in, r, "file %04o sha256:%s", (unsigned)st.st_mode & 07777, sum);
		}
		free(r);
		free(p);
		free(names[i]);
	}
	free(names);
	free(dir);
	return ret;
}

int inputs_add_tree(struct inputs *in, const char *dir)
{
	return add_dir(in, dir, "");
}

void inputs_key(const struct inputs *in, char key[65])
{
	sha256_hex(in->text.data, in->text.len, key);
}

char *inputs_record(const char *out_dir, const char *what)
{
	char *rel = xasprintf(".state/%s", what);
	char *p = path_join(out_dir, rel);
	free(rel);
	return p;
}

/* The text's lines, split in place (text is modified). */
struct lines {
	char **v;
	size_t n, cap;
};

static void split(char *text, struct lines *l)
{
	for (char *line = text; *line;) {
		char *end = strchr(line, '\n');
		if (end)
			*end = '\0';
		XGROW(l->v, l->cap, l->n + 1);
		l->v[l->n++] = line;
		line = end ? end + 1 : line + strlen(line);
	}
}

static int cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static size_t name_len(const char *line)
{
	const char *sp = strchr(line, ' ');
	return sp ? (size_t)(sp - line) : strlen(line);
}

static int same_name(const char *a, const char *b)
{
	size_t n = name_len(a);
	return n == name_len(b) && !strncmp(a, b, n);
}

/* What follows the name of a line: "" for a line of a name alone, which a damaged record
 * may hold. */
static const char *value_of(const char *line, size_t name_len)
{
	return line[name_len] ? line + name_len + 1 : line + name_len;
}

/* Lines of l with name, and how many. */
static size_t count_name(const struct lines *l, const char *name)
{
	size_t n = 0;
	for (size_t i = 0; i < l->n; i++)
		n += same_name(l->v[i], name);
	return n;
}

/* One changed name: "NAME added", "NAME removed", or "NAME changed" with the values when
 * they say something (not a hash). */
static void describe(struct buf *why, const char *name, const struct lines *old,
		     const struct lines *new, const struct lines *gone, const struct lines *came)
{
	size_t n = name_len(name), in_old = count_name(old, name), in_new = count_name(new, name);
	size_t details = 0, shown = 0;
	buf_add(why, name, n);
	if (!in_old) {
		buf_adds(why, " added");
		return;
	}
	if (!in_new) {
		buf_adds(why, " removed");
		return;
	}
	buf_adds(why, " changed");
	if (strstr(name, "sha256:"))
		return;
	details = count_name(gone, name) + count_name(came, name);
	if (in_old == 1 && in_new == 1) {
		/* one value each: old -> new */
		const char *a = NULL, *b = NULL;
		for (size_t i = 0; i < gone->n; i++)
			if (same_name(gone->v[i], name))
				a = value_of(gone->v[i], n);
		for (size_t i = 0; i < came->n; i++)
			if (same_name(came->v[i], name))
				b = value_of(came->v[i], n);
		if (a && b && strlen(a) < 48 && strlen(b) < 48 && !strstr(b, "sha256:"))
			buf_addf(why, " (%s -> %s)", a, b);
		return;
	}
	buf_adds(why, " (");
	for (size_t i = 0; i < came->n && shown < MAX_DETAILS; i++)
		if (same_name(came->v[i], name))
			buf_addf(why, "%s+%s", shown++ ? ", " : "", value_of(came->v[i], n));
	for (size_t i = 0; i < gone->n && shown < MAX_DETAILS; i++)
		if (same_name(gone->v[i], name))
			buf_addf(why, "%s-%s", shown++ ? ", " : "", value_of(gone->v[i], n));
	if (details > shown)
		buf_addf(why, ", and %zu more", details - shown);
	buf_adds(why, ")");
}

void inputs_changes(const struct inputs *in, const char *record, struct buf *why)
{
	struct buf old_text;
	buf_init(&old_text);
	buf_reset(why);
	if (!file_exists(record) || read_file(record, &old_text) < 0)
		buf_adds(why, "no earlier build recorded");
	else
		inputs_diff(old_text.data, in->text.data, why);
	buf_release(&old_text);
}

void inputs_diff(const char *old_text, const char *new_text, struct buf *why)
{
	char *old_copy = xstrdup(old_text), *new_copy = xstrdup(new_text);
	struct lines old = {0}, new = {0}, so = {0}, sn = {0}, gone = {0}, came = {0}, names = {0};
	size_t i = 0, j = 0;

	buf_reset(why);
	if (!strcmp(old_copy, new_copy))
		goto out;
	split(old_copy, &old);
	split(new_copy, &new);
	/* Sorted copies, merged: lines only in the old text are gone, only in the new came. */
	so.v = xcalloc(old.n + 1, sizeof(char *));
	sn.v = xcalloc(new.n + 1, sizeof(char *));
	/* an empty text has no array, and memcpy's may not be NULL even for no bytes */
	if (old.n)
		memcpy(so.v, old.v, old.n * sizeof(char *));
	if (new.n)
		memcpy(sn.v, new.v, new.n * sizeof(char *));
	so.n = old.n;
	sn.n = new.n;
	qsort(so.v, so.n, sizeof(char *), cmp_line);
	qsort(sn.v, sn.n, sizeof(char *), cmp_line);
	while (i < so.n || j < sn.n) {
		int c = i == so.n ? 1 : j == sn.n ? -1 : strcmp(so.v[i], sn.v[j]);
		struct lines *to = c < 0 ? &gone : &came;
		if (!c) {
			i++;
			j++;
			continue;
		}
		XGROW(to->v, to->cap, to->n + 1);
		to->v[to->n++] = c < 0 ? so.v[i++] : sn.v[j++];
	}
	/* The changed names, in the order of the new text, then the removed ones. */
	for (size_t k = 0; k < new.n + old.n; k++) {
		const char *line = k < new.n ? new.v[k] : old.v[k - new.n];
		int changed = 0, listed = 0;
		for (size_t m = 0; m < gone.n && !changed; m++)
			changed = same_name(gone.v[m], line);
		for (size_t m = 0; m < came.n && !changed; m++)
			changed = same_name(came.v[m], line);
		for (size_t m = 0; m < names.n && !listed; m++)
			listed = same_name(names.v[m], line);
		if (changed && !listed) {
			XGROW(names.v, names.cap, names.n + 1);
			names.v[names.n++] = (char *)line;
		}
	}
	for (size_t k = 0; k < names.n && k < MAX_NAMES; k++) {
		if (k)
			buf_adds(why, ", ");
		describe(why, names.v[k], &old, &new, &gone, &came);
	}
	if (names.n > MAX_NAMES)
		buf_addf(why, ", and %zu more", names.n - MAX_NAMES);
out:
	free(old.v);
	free(new.v);
	free(so.v);
	free(sn.v);
	free(gone.v);
	free(came.v);
	free(names.v);
	free(new_copy);
	free(old_copy);
}

int inputs_save(const struct inputs *in, const char *record)
{
	char *dir = xstrdup(record), *slash = strrchr(dir, '/');
	struct buf old;
	int ret = 0;
	buf_init(&old);
	/* unchanged: no write (and no fsync) */
	if (file_exists(record) && read_file(record, &old) == 0 && !strcmp(old.data, in->text.data))
		goto out;
	if (slash)
		*slash = '\0';
	ret = slash && mkdir_p(dir, 0755) < 0 ? -1
					       : write_file_atomic(record, in->text.data, in->text.len, 0644);
out:
	buf_release(&old);
	free(dir);
	return ret;
}

void inputs_announce(const struct inputs *in, const char *record, const char *what,
		     const char *same)
{
	struct buf why;
	buf_init(&why);
	inputs_changes(in, record, &why);
	if (!strcmp(why.data, "no earlier build recorded"))
		info("  %s: building (no earlier build of this project recorded)", what);
	else if (!why.len)
		info("  %s: rebuilding (%s)", what,
		     same ? same : "the same inputs as the last build, no longer in the cache");
	else
		info("  %s: rebuilding: %s", what, why.data);
	buf_release(&why);
}

/* The identity of the file at path, as one line; NULL when it does not exist. */
static char *identity(const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return NULL;
	return xasprintf("%llu %llu %lld %lld.%09ld %lld.%09ld\n", (unsigned long long)st.st_dev,
			 (unsigned long long)st.st_ino, (long long)st.st_size,
			 (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec, (long long)st.st_ctim.tv_sec,
			 st.st_ctim.tv_nsec);
}

int inputs_published(const struct inputs *in, const char *record, const char *path)
{
	char *file = xasprintf("%s.file", record), *now = identity(path);
	struct buf old, id;
	int same = 0;
	buf_init(&old);
	buf_init(&id);
	if (now && file_exists(record) && file_exists(file) && read_file(record, &old) == 0 &&
	    read_file(file, &id) == 0)
		same = !strcmp(old.data, in->text.data) && !strcmp(id.data, now);
	buf_release(&old);
	buf_release(&id);
	free(file);
	free(now);
	return same;
}

int inputs_save_published(const struct inputs *in, const char *record, const char *path)
{
	char *file = xasprintf("%s.file", record), *now = identity(path);
	int ret = -1;
	if (!now)
		error_errno("cannot stat '%s'", path);
	else if (inputs_save(in, record) == 0) {
		struct inputs id = {{0}};
		buf_init(&id.text);
		buf_adds(&id.text, now);
		ret = inputs_save(&id, file);
		inputs_release(&id);
	}
	free(file);
	free(now);
	return ret;
}

void inputs_announce_reuse(const struct inputs *in, const char *record, const char *what)
{
	struct buf why;
	buf_init(&why);
	inputs_changes(in, record, &why);
	if (why.len && strcmp(why.data, "no earlier build recorded"))
		info("  %s: %s; made before, taken from the cache", what, why.data);
	buf_release(&why);
}
