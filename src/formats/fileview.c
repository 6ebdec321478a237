/* fileview.c: a root filesystem's files on the host or in a manifest (see fileview.h).
 *
 * Host files are opened with O_NONBLOCK, so that a FIFO where a file is looked for cannot
 * hang the reader, and mapped rather than read: ELF headers are read where they lie.
 */
#include "formats/fileview.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "formats/manifest.h"
#include "sys/alloc.h"
#include "sys/strvec.h"

/* Set f->err and errno to err, and return status. */
static enum fileview_status failed(struct fileview_file *f, enum fileview_status status, int err)
{
	f->err = err;
	errno = err;
	return status;
}

/* Open and map the host file at path into f; its identity is left to the caller.  st gets
 * what fstat says.  Nothing that opens is FILEVIEW_ABSENT. */
static enum fileview_status map_host_file(const char *path, struct fileview_file *f,
					  struct stat *st, char *why, size_t whylen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK), err;
	if (fd < 0)
		return failed(f, FILEVIEW_ABSENT, errno);
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) {
		close(fd);
		return FILEVIEW_NOT_REGULAR;
	}
	if (st->st_size > 0) {
		f->map = mmap(NULL, (size_t)st->st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (f->map == MAP_FAILED) {
			err = errno;
			f->map = NULL;
			snprintf(why, whylen, "cannot be read: %s", strerror(err));
			close(fd);
			return failed(f, FILEVIEW_UNREADABLE, err);
		}
		f->map_size = (size_t)st->st_size;
	}
	close(fd);
	f->data = f->map;
	f->size = f->map_size;
	return FILEVIEW_OK;
}

/* ---- the host ---- */

static enum fileview_status host_open(const struct fileview *v, const char *path,
				      struct fileview_file *f, char *why, size_t whylen)
{
	struct stat st;
	enum fileview_status rc = map_host_file(path, f, &st, why, whylen);
	(void)v;
	if (rc == FILEVIEW_OK) {
		f->dev = st.st_dev;
		f->ino = st.st_ino;
	}
	return rc;
}

static void host_glob(const struct fileview *v, const char *pattern, struct strvec *paths)
{
	glob_t g;
	(void)v;
	if (glob(pattern, 0, NULL, &g) != 0)
		return;
	for (size_t i = 0; i < g.gl_pathc; i++)
		strvec_push(paths, g.gl_pathv[i]);
	globfree(&g);
}

static const struct fileview_ops host_ops = { host_open, host_glob };

void fileview_host(struct fileview *v, const char *root)
{
	size_t n = root ? strlen(root) : 0;
	while (n > 1 && root[n - 1] == '/')
		n--;
	memset(v, 0, sizeof(*v));
	v->ops = &host_ops;
	v->root = n ? root : "/";
	v->root_len = n ? n : 1;
}

/* ---- a manifest ---- */

static enum fileview_status manifest_open(const struct fileview *v, const char *path,
					  struct fileview_file *f, char *why, size_t whylen)
{
	const struct mf_entry *e = manifest_resolve(v->tree, path);
	struct stat st;
	enum fileview_status rc;

	if (!e)
		return failed(f, FILEVIEW_ABSENT, ENOENT);
	if (e->type != MF_FILE)
		return FILEVIEW_NOT_REGULAR;
	f->dev = 0;
	f->ino = (ino_t)(e - v->tree->v) + 1;
	if (!e->source) {
		f->data = e->data;
		f->size = e->size;
		return FILEVIEW_OK;
	}
	rc = map_host_file(e->source, f, &st, why, whylen);
	if (rc == FILEVIEW_ABSENT) {
		/* the image lists the file: that it cannot be read is ours to say */
		snprintf(why, whylen, "cannot be read from '%s': %s", e->source, strerror(f->err));
		return failed(f, FILEVIEW_UNREADABLE, f->err);
	}
	return rc;
}

static int by_string(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void manifest_glob(const struct fileview *v, const char *pattern, struct strvec *paths)
{
	const struct manifest *m = v->tree;
	size_t first = paths->n;
	for (size_t i = 0; i < m->n; i++)
		if (fnmatch(pattern, m->v[i].path, FNM_PATHNAME | FNM_PERIOD) == 0)
			strvec_push(paths, m->v[i].path);
	if (paths->n > first)
		qsort(paths->v + first, paths->n - first, sizeof(*paths->v), by_string);
}

static const struct fileview_ops manifest_ops = { manifest_open, manifest_glob };

void fileview_manifest(struct fileview *v, const struct manifest *m)
{
	memset(v, 0, sizeof(*v));
	v->ops = &manifest_ops;
	v->root = "/";
	v->root_len = 1;
	v->tree = m;
}

/* ---- either ---- */

enum fileview_status fileview_open(const struct fileview *v, const char *path,
				   struct fileview_file *f, char *why, size_t whylen)
{
	memset(f, 0, sizeof(*f));
	return v->ops->open(v, path, f, why, whylen);
}

void fileview_close(struct fileview_file *f)
{
	if (f->map)
		munmap(f->map, f->map_size);
	memset(f, 0, sizeof(*f));
}

void fileview_glob(const struct fileview *v, const char *pattern, struct strvec *paths)
{
	v->ops->glob(v, pattern, paths);
}

static int is_root(const struct fileview *v)
{
	return v->root_len == 1 && v->root[0] == '/';
}

char *fileview_host_path(const struct fileview *v, const char *path)
{
	if (is_root(v) || path[0] != '/')
		return xstrdup(path);
	return xasprintf("%.*s%s", (int)v->root_len, v->root, path);
}

const char *fileview_root_path(const struct fileview *v, const char *path)
{
	size_t n = v->root_len;
	if (is_root(v) || strncmp(path, v->root, n) != 0)
		return path;
	if (path[n] == '/')
		return path + n;
	return path[n] ? path : "/";
}

char *fileview_join(const char *dir, const char *name)
{
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (n == 0)
		return xstrdup(name);
	if (dir[n - 1] == '/')
		return xasprintf("%.*s%s", (int)n, dir, name);
	return xasprintf("%.*s/%s", (int)n, dir, name);
}

char *fileview_absolute(const char *p)
{
	char *cwd, *res;
	if (p[0] == '/')
		return xstrdup(p);
	cwd = get_current_dir_name();
	if (!cwd)
		return xstrdup(p);
	res = fileview_join(cwd, p);
	free(cwd);
	return res;
}

char *fileview_dirname(const char *p)
{
	char *abs = fileview_absolute(p), *slash = strrchr(abs, '/');
	if (slash == abs)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	return abs;
}
