/* pkgtree.c: a variant's Debian packages in its root filesystem (see pkgtree.h). */
#include "build/pkgtree.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build/arch.h"
#include "build/pkgrules.h"
#include "build/rootfs.h"
#include "formats/elfdeps.h"
#include "sys/alloc.h"
#include "sys/buf.h"
#include "sys/fs.h"
#include "sys/log.h"
#include "sys/strvec.h"

/* Left out of every package: what only Debian's own tools read, and systemd's units (the
 * image's init is BusyBox's). */
static const char *const never[] = {"/usr/share/lintian", "/usr/share/bug", "/lib/systemd",
				    "/usr/lib/systemd"};
/* Left out unless [packages] keep names them, by bit. */
static const struct {
	unsigned bit;
	const char *dir;
} optional[] = {
	{PACKAGES_KEEP_DOCS, "/usr/share/doc"},
	{PACKAGES_KEEP_MAN, "/usr/share/man"},
	{PACKAGES_KEEP_INFO, "/usr/share/info"},
	{PACKAGES_KEEP_LOCALE, "/usr/share/locale"},
};

static int under(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	return !strncmp(path, dir, n) && (path[n] == '/' || !path[n]);
}

static int left_out(const char *path, unsigned keep)
{
	for (size_t i = 0; i < sizeof(never) / sizeof(never[0]); i++)
		if (under(path, never[i]))
			return 1;
	for (size_t i = 0; i < sizeof(optional) / sizeof(optional[0]); i++)
		if (!(keep & optional[i].bit) && under(path, optional[i].dir))
			return 1;
	return 0;
}

static char *trees_dir(const struct plan *plan)
{
	return path_join(plan->cache_dir, "deb/tree/");
}

int pkgtree_is_package_file(const struct plan *plan, const char *source)
{
	char *dir = trees_dir(plan);
	int yes = source && !strncmp(source, dir, strlen(dir));
	free(dir);
	return yes;
}

/* The package whose tree holds source, or p->n. */
static size_t owner(const struct packages *p, const char *source)
{
	for (size_t i = 0; source && i < p->n; i++) {
		size_t n = strlen(p->v[i].tree);
		if (!strncmp(source, p->v[i].tree, n) && source[n] == '/')
			return i;
	}
	return p->n;
}

static uint64_t size_of(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
}

static int is_elf(const char *path)
{
	return file_starts_with(path, "ELF", 4);
}

/* May a package's entry take the place of what m has at its path?  Nothing there, or
 * another package's file; and for a package named in mkdistro.conf, a BusyBox applet (an
 * architecture-independent package that one needs, such as adduser, leaves them be). */
static int may_replace(const struct plan *plan, const struct mf_entry *old, int named)
{
	if (!old)
		return 1;
	if (old->type == MF_SYMLINK)
		return named && strstr(old->target, "busybox") != NULL;
	return old->type == MF_FILE && pkgtree_is_package_file(plan, old->source);
}

/* A script whose interpreter neither m nor taken has: its "#!" path (malloc'd), else NULL. */
static char *lacks_interpreter(const char *source, const struct manifest *m,
			       const struct manifest *taken)
{
	char head[256], *interp = NULL;
	int fd = open(source, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, head, sizeof(head) - 1);
	if (fd >= 0)
		close(fd);
	if (n < 3 || head[0] != '#' || head[1] != '!')
		return NULL;
	head[n] = '\0';
	{
		char *s = head + 2 + strspn(head + 2, " \t");
		size_t len = strcspn(s, " \t\r\n");
		if (len && s[0] == '/') {
			s[len] = '\0';
			if (!manifest_resolve(m, s) && !manifest_resolve(taken, s))
				interp = xstrdup(s);
		}
	}
	return interp;
}

/* All of one package's files (but those left out) into m; bytes += their size.  A script
 * whose interpreter the image will not have (bash, perl: Essential packages, which no
 * Depends names) is left out, and said in skipped, and so are the package's symlinks to it.
 * named: the package is named in mkdistro.conf (or brought by a rule). */
static int add_package(const struct plan *plan, const struct package *k, int named,
		       struct manifest *m, const struct manifest *taken, uint64_t *bytes,
		       struct strvec *skipped)
{
	struct manifest pm;
	int ret = 0;
	manifest_init(&pm);
	if (rootfs_add_tree(&pm, k->tree, "/") < 0) {
		manifest_release(&pm);
		return error("package %s: its files cannot go into the image", k->name);
	}
	for (size_t i = 0; i < pm.n && !ret; i++) {
		const struct mf_entry *e = &pm.v[i];
		const struct mf_entry *old = manifest_find(m, e->path);
		if (left_out(e->path, plan->packages_keep))
			continue;
		if (e->type == MF_DIR) {
			if (!old)
				ret = manifest_add_dir(m, e->path, e->mode);
			continue;
		}
		if (!may_replace(plan, old, named))
			continue; /* the skeleton's, or an applet */
		if (e->type == MF_SYMLINK) {
			const struct mf_entry *to = manifest_resolve(taken, e->path);
			char *interp = to && to->type == MF_FILE && to->source
					       ? lacks_interpreter(to->source, m, taken)
					       : NULL;
			if (!interp)
				ret = manifest_add_symlink(m, e->path, e->target);
			free(interp);
		} else {
			char *interp = lacks_interpreter(e->source, m, taken);
			if (interp) {
				strvec_push(skipped, interp);
				strvec_push(skipped, e->path);
				free(interp);
				continue;
			}
			ret = manifest_add_file(m, e->path, e->mode, e->source);
			*bytes += size_of(e->source);
		}
	}
	manifest_release(&pm);
	return ret;
}

/* Say which scripts were left out (pairs of interpreter and path in skipped), by
 * interpreter, the first few of each named. */
static void say_skipped(const char *initrd, const struct strvec *skipped)
{
	struct buf b;
	buf_init(&b);
	for (size_t i = 0; i + 1 < skipped->n; i += 2) {
		size_t n = 0, shown = 0, j;
		for (j = 0; j < i && strcmp(skipped->v[j], skipped->v[i]); j += 2)
			;
		if (j < i)
			continue; /* this interpreter was said */
		buf_addf(&b, "%s%s for ", b.len ? "; " : "", skipped->v[i]);
		for (j = i; j + 1 < skipped->n; j += 2) {
			if (strcmp(skipped->v[j], skipped->v[i]))
				continue;
			if (shown < 3)
				buf_addf(&b, "%s%s", shown++ ? ", " : "", skipped->v[j + 1]);
			n++;
		}
		if (n > shown)
			buf_addf(&b, " and %zu more", n - shown);
	}
	if (b.len)
		info("  initrd '%s': left out %zu scripts whose interpreter the image lacks (add its "
		     "package to have them): %s", initrd, skipped->n / 2, b.data);
	buf_release(&b);
}

/* Every ELF file m has from a package: the libraries it needs, found in avail (all the
 * variant's packages), copied into m where ld.so opens them. */
static int add_libraries(const struct plan *plan, const struct packages *p,
			 const struct manifest *avail, struct manifest *m, uint64_t *bytes)
{
	struct elfdeps d;
	int ret = -1;
	size_t n = m->n;
	elfdeps_init(&d);
	d.target = &plan->arch->elf;
	d.tree = avail;
	d.keep_going = 1;
	for (size_t i = 0; i < n; i++) {
		const struct mf_entry *e = &m->v[i];
		if (e->type == MF_FILE && pkgtree_is_package_file(plan, e->source) &&
		    ((e->mode & 0111) || strstr(e->path, ".so")) && is_elf(e->source) &&
		    elfdeps_add_binary(&d, e->path) < 0)
			goto out;
	}
	if (d.n_missing) {
		const struct elf_missing *x = &d.missing[0];
		if (x->why)
			error("%s needs '%s', but what the packages have there %s", x->needed_by,
			      x->name, x->why);
		else
			error("%s needs '%s', which no package fetched for the image has%s%s%s",
			      x->needed_by, x->name, x->searched ? " (searched: " : "",
			      x->searched ? x->searched : "", x->searched ? ")" : "");
		goto out;
	}
	for (size_t i = 0; i < d.n; i++) {
		const struct mf_entry *e = manifest_resolve(avail, d.v[i].host_path);
		size_t k;
		if (!e || e->type != MF_FILE || !e->source) {
			error("'%s' is not a file of the packages", d.v[i].host_path);
			goto out;
		}
		if (manifest_add_file(m, d.v[i].image_path, 0755, e->source) < 0)
			goto out;
		if (bytes && (k = owner(p, e->source)) < p->n)
			bytes[k] += size_of(e->source);
	}
	ret = 0;
out:
	elfdeps_release(&d);
	return ret;
}

/* The text m has at path (a file from the skeleton or made in memory), appended to b. */
static int entry_text(const struct manifest *m, const char *path, struct buf *b)
{
	const struct mf_entry *e = manifest_find(m, path);
	return e && e->type == MF_FILE ? manifest_entry_read(e, b) : 0;
}

/* Does text have a line whose first field (up to ':') is the name line's n bytes? */
static int has_name(const char *text, const char *line, size_t n)
{
	for (const char *s = text; s && *s;) {
		if (!strncmp(s, line, n) && s[n] == ':')
			return 1;
		if ((s = strchr(s, '\n')))
			s++;
	}
	return 0;
}

/* Append the lines of add that path lacks (by their first field, the name). */
static int add_lines(struct manifest *m, const char *path, const char *add)
{
	struct buf b;
	int ret;
	buf_init(&b);
	if (entry_text(m, path, &b) < 0) {
		buf_release(&b);
		return -1;
	}
	if (b.len && b.data[b.len - 1] != '\n')
		buf_adds(&b, "\n");
	for (const char *line = add; *line;) {
		size_t len = strcspn(line, "\n"), name = strcspn(line, ":\n");
		if (!has_name(b.len ? b.data : "", line, name)) {
			buf_add(&b, line, len);
			buf_adds(&b, "\n");
		}
		line += len + (line[len] == '\n');
	}
	ret = manifest_add_data(m, path, 0644, b.data, b.len);
	buf_release(&b);
	return ret;
}

/* What the rule of package k says. */
static int apply_rule(const struct pkgrule *r, struct manifest *m)
{
	int ret = 0;
	if (r->dirs) {
		char *copy = xstrdup(r->dirs), *save = NULL;
		for (char *t = strtok_r(copy, " ", &save); t && !ret; t = strtok_r(NULL, " ", &save))
			if (!manifest_find(m, t))
				ret = manifest_add_dir(m, t, 0755);
		free(copy);
	}
	if (!ret && r->passwd)
		ret = add_lines(m, "/etc/passwd", r->passwd);
	if (!ret && r->group)
		ret = add_lines(m, "/etc/group", r->group);
	if (!ret && r->boot) {
		char *path = xasprintf("/etc/rc.d/pkg/%s", r->package);
		char *text = xasprintf("#!/bin/sh\n%s", r->boot);
		ret = manifest_add_data(m, path, 0755, text, strlen(text));
		free(text);
		free(path);
	}
	return ret;
}

int pkgtree_add(const struct plan *plan, const struct packages *p, const struct ivariant *v,
		struct manifest *m, uint64_t *bytes)
{
	unsigned char *need, *root, *data = NULL;
	uint64_t *own = NULL;
	struct manifest avail, taken;
	struct strvec skipped;
	int ret = -1;

	if (!p || !p->n)
		return 0;
	need = xcalloc(p->n, 1);
	root = xcalloc(p->n, 1);
	if (!bytes)
		bytes = own = xcalloc(p->n, sizeof(*bytes));
	memset(bytes, 0, p->n * sizeof(*bytes));
	manifest_init(&avail);
	manifest_init(&taken);
	strvec_init(&skipped);
	if (packages_of_variant(plan, p, v ? v : &plan->ivar[0], need, root) < 0)
		goto out;
	/* all files: of root[] (named) and of the architecture-independent packages they need
	 * (data[]); of every package they need (need[]), the libraries */
	data = xcalloc(p->n, 1);
	for (size_t i = 0; i < p->n; i++) {
		if (need[i] && rootfs_add_tree(&avail, p->v[i].tree, "/") < 0)
			goto out;
		data[i] = need[i] && !root[i] && !strcmp(p->v[i].arch, "all");
		if ((root[i] || data[i]) && rootfs_add_tree(&taken, p->v[i].tree, "/") < 0)
			goto out;
	}
	for (size_t i = 0; i < p->n; i++)
		if ((root[i] || data[i]) &&
		    add_package(plan, &p->v[i], root[i], m, &taken, &bytes[i], &skipped) < 0)
			goto out;
	say_skipped(v ? v->name : "main", &skipped);
	if (add_libraries(plan, p, &avail, m, bytes) < 0)
		goto out;
	for (size_t i = 0; i < p->n; i++) {
		const struct pkgrule *r = need[i] ? pkgrule_find(p->v[i].name) : NULL;
		if (r && apply_rule(r, m) < 0)
			goto out;
	}
	ret = 0;
out:
	manifest_release(&avail);
	manifest_release(&taken);
	strvec_clear(&skipped);
	free(data);
	free(need);
	free(root);
	free(own);
	return ret;
}
