/* modules.c: a kernel's modules, from its build to the image (see modules.h). */
#include "build/modules.h"

#include <stdlib.h>
#include <string.h>

#include "build/rootfs.h"
#include "formats/cpio.h"
#include "formats/kbuildmf.h"
#include "formats/xz.h"
#include "sys/alloc.h"
#include "sys/buf.h"
#include "sys/fs.h"
#include "sys/log.h"
#include "sys/strvec.h"

/* What the Makefile reading collects: the =m symbols, and "SYMBOL MODULE" for each found. */
struct wanted {
	struct strvec symbols;
	struct strvec lines;
};

static void on_object(void *ctx, const char *symbol, const char *object)
{
	struct wanted *w = ctx;
	for (size_t i = 0; i < w->symbols.n; i++)
		if (!strcmp(w->symbols.v[i], symbol)) {
			strvec_pushf(&w->lines, "%s %s", symbol, object);
			return;
		}
}

static int by_text(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The directories of the modules that objdir's modules.order lists (the build's own, made
 * anew by each `make modules`), sorted, each once. */
static int module_dirs(const char *objdir, struct strvec *dirs)
{
	char *path = path_join(objdir, "modules.order");
	struct buf text;
	int ret;
	buf_init(&text);
	ret = read_file(path, &text);
	for (char *line = text.data, *end; !ret && *line; line = end + 1) {
		char *slash;
		end = strchr(line, '\n');
		if (!end)
			break;
		*end = '\0';
		if ((slash = strrchr(line, '/')))
			strvec_pushf(dirs, "%.*s", (int)(slash - line), line);
	}
	qsort(dirs->v, dirs->n, sizeof(*dirs->v), by_text);
	free(path);
	buf_release(&text);
	return ret;
}

int modules_expected(const char *tree, const char *objdir, const struct kconfig *resolved,
		     const char *path)
{
	static const char *const names[] = {"Makefile", "Kbuild"};
	struct wanted w;
	struct strvec dirs;
	struct buf out;
	int ret;
	strvec_init(&w.symbols);
	strvec_init(&w.lines);
	strvec_init(&dirs);
	buf_init(&out);
	for (size_t i = 0; i < resolved->n; i++)
		if (!strcmp(resolved->v[i].value, "m"))
			strvec_push(&w.symbols, resolved->v[i].name);
	ret = module_dirs(objdir, &dirs);
	for (size_t i = 0; i < dirs.n && !ret; i++) {
		if (i && !strcmp(dirs.v[i], dirs.v[i - 1]))
			continue;
		for (size_t j = 0; j < 2 && !ret; j++) {
			char *mk = xasprintf("%s/%s/%s", tree, dirs.v[i], names[j]);
			struct buf text;
			buf_init(&text);
			if (file_exists(mk) && !(ret = read_file(mk, &text)))
				kbuildmf_objects(text.data, text.len, on_object, &w);
			buf_release(&text);
			free(mk);
		}
	}
	if (!ret) {
		qsort(w.lines.v, w.lines.n, sizeof(*w.lines.v), by_text);
		for (size_t i = 0; i < w.lines.n; i++)
			if (!i || strcmp(w.lines.v[i], w.lines.v[i - 1]))
				buf_addf(&out, "%s\n", w.lines.v[i]);
		ret = write_file_atomic(path, out.data, out.len, 0644);
	}
	strvec_clear(&w.symbols);
	strvec_clear(&w.lines);
	strvec_clear(&dirs);
	buf_release(&out);
	return ret;
}

int modules_tree(struct manifest *m, const char *moddir, const char *release, long long epoch)
{
	char *prefix = xasprintf("/lib/modules/%s", release);
	int ret;
	manifest_init(m);
	m->mtime = epoch;
	ret = manifest_add_dir(m, "/lib", 0755);
	if (!ret)
		ret = manifest_add_dir(m, "/lib/modules", 0755);
	if (!ret)
		ret = manifest_add_dir(m, prefix, 0755);
	if (!ret)
		ret = rootfs_add_tree(m, moddir, prefix);
	if (!ret)
		manifest_sort(m);
	free(prefix);
	return ret;
}

int modules_pack(const struct manifest *m, const char *path, size_t *raw)
{
	struct buf cpio, xz;
	int ret;
	buf_init(&cpio);
	buf_init(&xz);
	ret = cpio_write_manifest(m, cpio_sink_buf, &cpio);
	if (!ret)
		ret = xz_compress(cpio.data, cpio.len, &xz);
	if (!ret)
		ret = write_file_atomic(path, xz.data, xz.len, 0644);
	*raw = cpio.len;
	buf_release(&cpio);
	buf_release(&xz);
	return ret;
}

char *modules_name(const char *path)
{
	static const char *const ends[] = {".ko", ".ko.xz", ".ko.gz", ".ko.zst"};
	const char *base = strrchr(path, '/');
	size_t n;
	base = base ? base + 1 : path;
	n = strlen(base);
	for (size_t i = 0; i < sizeof(ends) / sizeof(ends[0]); i++) {
		size_t e = strlen(ends[i]);
		if (n > e && !strcmp(base + n - e, ends[i]))
			return xstrndup(base, n - e);
	}
	return NULL;
}

size_t modules_count(const struct manifest *m)
{
	size_t n = 0;
	for (size_t i = 0; i < m->n; i++) {
		char *name = m->v[i].type == MF_FILE ? modules_name(m->v[i].path) : NULL;
		n += name != NULL;
		free(name);
	}
	return n;
}


/* Each module named in expected is in m. */
static int check_expected(struct lint *l, const char *name, const struct manifest *m,
			  const char *expected)
{
	struct buf text;
	struct strvec have;
	int ret;
	buf_init(&text);
	strvec_init(&have);
	for (size_t i = 0; i < m->n; i++) {
		char *n = m->v[i].type == MF_FILE ? modules_name(m->v[i].path) : NULL;
		if (n)
			strvec_push(&have, n);
		free(n);
	}
	ret = read_file(expected, &text);
	for (char *line = text.data, *end; !ret && *line; line = end + 1) {
		char *sp;
		size_t j = 0;
		end = strchr(line, '\n');
		if (!end)
			break;
		*end = '\0';
		sp = strchr(line, ' ');
		if (!sp)
			continue;
		while (j < have.n && strcmp(have.v[j], sp + 1))
			j++;
		l->checks++;
		if (j == have.n)
			lint_finding(l, "kernel '%s': CONFIG_%.*s=m, but its module %s.ko is not in the "
				     "modules initrd", name, (int)(sp - line), line, sp + 1);
	}
	strvec_clear(&have);
	buf_release(&text);
	return ret;
}

/* "kernel/x.ko" of modules.dep, as a path of m. */
static const struct mf_entry *dep_entry(const struct manifest *m, const char *release,
					const char *rel)
{
	char *path = xasprintf("/lib/modules/%s/%s", release, rel);
	const struct mf_entry *e = manifest_find(m, path);
	free(path);
	return e && e->type == MF_FILE ? e : NULL;
}

/* modules.dep lists each module of m once, and only modules of m, with dependencies in m. */
static int check_dep(struct lint *l, const char *name, const struct manifest *m,
		     const char *release)
{
	char *path = xasprintf("/lib/modules/%s/modules.dep", release);
	const struct mf_entry *dep = manifest_find(m, path);
	size_t listed = 0, modules = 0;
	struct buf text;
	int ret = 0;
	buf_init(&text);
	l->checks++;
	if (!dep || dep->type != MF_FILE) {
		lint_finding(l, "kernel '%s': %s is missing: modprobe cannot load anything", name, path);
		goto out;
	}
	ret = manifest_entry_read(dep, &text);
	for (char *line = text.data, *end; !ret && *line; line = end + 1) {
		char *colon, *tok, *save;
		end = strchr(line, '\n');
		if (!end)
			break;
		*end = '\0';
		if (!(colon = strchr(line, ':')))
			continue;
		*colon = '\0';
		listed++;
		l->checks++;
		if (!dep_entry(m, release, line))
			lint_finding(l, "kernel '%s': modules.dep lists %s, which is not in the modules "
				     "initrd", name, line);
		for (tok = strtok_r(colon + 1, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
			l->checks++;
			if (!dep_entry(m, release, tok))
				lint_finding(l, "kernel '%s': %s needs %s (modules.dep), which is not in "
					     "the modules initrd", name, line, tok);
		}
	}
	modules = modules_count(m);
	l->checks++;
	if (!ret && listed != modules)
		lint_finding(l, "kernel '%s': modules.dep lists %zu modules, the modules initrd holds "
			     "%zu: depmod's index does not match", name, listed, modules);
out:
	buf_release(&text);
	free(path);
	return ret;
}

int modules_lint(struct lint *l, const char *name, const struct manifest *m,
		 const char *release, const char *expected)
{
	if (check_expected(l, name, m, expected) < 0)
		return -1;
	return check_dep(l, name, m, release);
}
