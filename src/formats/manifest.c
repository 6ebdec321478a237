/* manifest.c: the root filesystem entry list (see manifest.h). */
#include "formats/manifest.h"

#include <stdlib.h>
#include <string.h>

#include "sys/alloc.h"
#include "sys/buf.h"
#include "sys/fs.h"
#include "sys/log.h"

void manifest_init(struct manifest *m)
{
	memset(m, 0, sizeof(*m));
}

static void entry_clear(struct mf_entry *e)
{
	free(e->path);
	free(e->source);
	free(e->data);
	free(e->target);
	free(e->link_to);
	memset(e, 0, sizeof(*e));
}

void manifest_release(struct manifest *m)
{
	for (size_t i = 0; i < m->n; i++)
		entry_clear(&m->v[i]);
	free(m->v);
	manifest_init(m);
}

char *manifest_normalise(const char *path)
{
	struct buf b;
	const char *p = path;
	if (!path || path[0] != '/')
		return NULL;
	buf_init(&b);
	while (*p) {
		size_t n;
		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (n == 0)
			break;
		if (n == 1 && p[0] == '.') {
			p += n;
			continue;
		}
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			buf_release(&b);
			return NULL;
		}
		buf_add(&b, "/", 1);
		buf_add(&b, p, n);
		p += n;
	}
	if (!b.len)
		buf_add(&b, "/", 1);
	return buf_detach(&b, NULL);
}

struct mf_entry *manifest_find(const struct manifest *m, const char *path)
{
	for (size_t i = m->n; i-- > 0;)
		if (!strcmp(m->v[i].path, path))
			return &m->v[i];
	return NULL;
}

/* As the kernel's MAXSYMLINKS. */
#define MAX_SYMLINKS 40

struct mf_entry *manifest_resolve(const struct manifest *m, const char *path)
{
	struct buf cur, rest;
	struct mf_entry *e = NULL;
	int links = 0;

	if (!path || path[0] != '/')
		return NULL;
	buf_init(&cur);  /* the part resolved so far, without symlinks: "" is the root */
	buf_init(&rest); /* what is left to walk */
	buf_adds(&rest, path);
	for (;;) {
		const char *p = rest.data;
		size_t n;
		char *comp;
		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (n == 0)
			break;
		comp = xstrndup(p, n);
		p += n;
		while (*p == '/')
			p++;
		if (!strcmp(comp, ".")) {
			free(comp);
		} else if (!strcmp(comp, "..")) {
			char *slash = strrchr(cur.data, '/');
			buf_setlen(&cur, slash ? (size_t)(slash - cur.data) : 0);
			free(comp);
			e = cur.len ? manifest_find(m, cur.data) : NULL;
		} else {
			size_t len = cur.len;
			buf_addf(&cur, "/%s", comp);
			free(comp);
			e = manifest_find(m, cur.data);
			if (e && e->type == MF_SYMLINK) {
				char *left = xasprintf("%s/%s", e->target, p);
				if (++links > MAX_SYMLINKS) {
					free(left);
					e = NULL;
					break;
				}
				/* The link's directory stays, or the walk starts again from the root. */
				buf_setlen(&cur, e->target[0] == '/' ? 0 : len);
				buf_reset(&rest);
				buf_adds(&rest, left);
				free(left);
				e = NULL;
				continue;
			}
			if (!e || (*p && e->type != MF_DIR)) {
				e = NULL;
				break;
			}
		}
		/* Move past the component. */
		memmove(rest.data, p, strlen(p) + 1);
		rest.len = strlen(rest.data);
	}
	if (e && e->type == MF_FILE && e->link_to)
		e = manifest_find(m, e->link_to);
	buf_release(&cur);
	buf_release(&rest);
	return e;
}

/* Make sure every parent of path is a directory entry. */
static int add_parents(struct manifest *m, const char *path)
{
	char *p = xstrdup(path);
	int ret = 0;
	for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
		struct mf_entry *e;
		*s = '\0';
		e = manifest_find(m, p);
		if (e && e->type != MF_DIR) {
			ret = error("cannot add '%s': '%s' is not a directory in the image", path, p);
			break;
		}
		if (!e) {
			XGROW(m->v, m->cap, m->n + 1);
			e = &m->v[m->n++];
			memset(e, 0, sizeof(*e));
			e->path = xstrdup(p);
			e->type = MF_DIR;
			e->mode = 0755;
			e->mtime = m->mtime;
		}
		*s = '/';
	}
	free(p);
	return ret;
}

/* A fresh entry for path (replacing any listed one), or NULL (reported). */
static struct mf_entry *new_entry(struct manifest *m, const char *path, enum mf_type type,
				  unsigned mode)
{
	char *norm = manifest_normalise(path);
	struct mf_entry *e;
	if (!norm || !strcmp(norm, "/")) {
		error("bad path in the image: '%s'", path);
		free(norm);
		return NULL;
	}
	if (add_parents(m, norm) < 0) {
		free(norm);
		return NULL;
	}
	e = manifest_find(m, norm);
	if (e) {
		entry_clear(e);
	} else {
		XGROW(m->v, m->cap, m->n + 1);
		e = &m->v[m->n++];
		memset(e, 0, sizeof(*e));
	}
	e->path = norm;
	e->type = type;
	e->mode = mode & 07777;
	e->mtime = m->mtime;
	return e;
}

int manifest_add_dir(struct manifest *m, const char *path, unsigned mode)
{
	char *norm = manifest_normalise(path);
	struct mf_entry *e = norm ? manifest_find(m, norm) : NULL;
	free(norm);
	if (e && e->type == MF_DIR) {
		e->mode = mode & 07777;
		return 0;
	}
	return new_entry(m, path, MF_DIR, mode) ? 0 : -1;
}

int manifest_add_file(struct manifest *m, const char *path, unsigned mode, const char *source)
{
	struct mf_entry *e = new_entry(m, path, MF_FILE, mode);
	if (!e)
		return -1;
	e->source = xstrdup(source);
	return 0;
}

int manifest_add_data(struct manifest *m, const char *path, unsigned mode, const void *data,
		      size_t size)
{
	struct mf_entry *e = new_entry(m, path, MF_FILE, mode);
	if (!e)
		return -1;
	e->data = xmalloc(size);
	memcpy(e->data, data, size);
	e->size = size;
	return 0;
}

int manifest_add_hardlink(struct manifest *m, const char *path, unsigned mode, const char *link_to)
{
	char *norm = manifest_normalise(link_to);
	struct mf_entry *first = norm ? manifest_find(m, norm) : NULL, *e;
	if (!first || first->type != MF_FILE) {
		free(norm);
		return error("cannot add hard link '%s': '%s' is not a file listed before it", path,
			     link_to);
	}
	e = new_entry(m, path, MF_FILE, mode);
	if (!e) {
		free(norm);
		return -1;
	}
	e->link_to = norm;
	return 0;
}

int manifest_add_symlink(struct manifest *m, const char *path, const char *target)
{
	struct mf_entry *e;
	if (!*target)
		return error("empty symlink target for '%s'", path);
	e = new_entry(m, path, MF_SYMLINK, 0777);
	if (!e)
		return -1;
	e->target = xstrdup(target);
	return 0;
}

int manifest_add_node(struct manifest *m, const char *path, enum mf_type type, unsigned mode,
		      unsigned major, unsigned minor)
{
	struct mf_entry *e;
	if (type != MF_CHR && type != MF_BLK && type != MF_FIFO)
		return error("'%s' is not a device node type", path);
	e = new_entry(m, path, type, mode);
	if (!e)
		return -1;
	e->major = major;
	e->minor = minor;
	return 0;
}

static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct mf_entry *)a)->path, ((const struct mf_entry *)b)->path);
}

void manifest_sort(struct manifest *m)
{
	if (m->n) /* an empty manifest has no array, and qsort's may not be NULL */
		qsort(m->v, m->n, sizeof(*m->v), by_path);
}

int manifest_entry_read(const struct mf_entry *e, struct buf *b)
{
	if (e->source)
		return read_file(e->source, b);
	buf_add(b, e->data, e->size);
	return 0;
}
