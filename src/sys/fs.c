/* fs.c: files and directories (see fs.h). */
#include "sys/fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sys/alloc.h"
#include "sys/interrupt.h"

int read_file(const char *path, struct buf *b)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	size_t step = 65536;
	if (fd < 0)
		return error_errno("cannot open '%s'", path);
	/* a file's size first, so that a small one is not given 128 KiB, nor a large one a
	 * reallocation per 64 KiB; then more room only once the room there is is full */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= 0 &&
	    (unsigned long long)st.st_size < SIZE_MAX / 2)
		step = (size_t)st.st_size + 1;
	for (;;) {
		if (b->cap <= b->len + 1) {
			buf_grow(b, step);
			step = 65536;
		}
		ssize_t n = read(fd, b->data + b->len, b->cap - b->len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			error_errno("cannot read '%s'", path);
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		b->len += (size_t)n;
	}
	b->data[b->len] = '\0';
	close(fd);
	return 0;
}

int read_text_file(const char *path, struct buf *b)
{
	const char *nul;
	int line = 1;
	if (read_file(path, b) < 0)
		return -1;
	if (!(nul = memchr(b->data, '\0', b->len)))
		return 0;
	for (const char *c = b->data; c < nul; c++)
		line += *c == '\n';
	return error("%s:%d: a NUL byte: this is not a text file", path, line);
}

int write_all(int fd, const void *data, size_t n)
{
	const char *p = data;
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int fsync_path(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret = 0;
	if (fd < 0 || fsync(fd) < 0)
		ret = error_errno("cannot sync '%s'", path);
	if (fd >= 0)
		close(fd);
	return ret;
}

int fsync_parent(const char *path)
{
	char *copy = xstrdup(path);
	int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(copy);
	if (fd < 0)
		return -1;
	fsync(fd);
	close(fd);
	return 0;
}

int write_file_atomic(const char *path, const void *data, size_t n, mode_t mode)
{
	char *tmp = xasprintf("%s.tmp", path);
	int ret = -1;
	/* never through a symlink someone left at that name */
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0) {
		error_errno("cannot create '%s'", tmp);
		goto out;
	}
	if (write_all(fd, data, n) < 0 || fsync(fd) < 0) {
		error_errno("cannot write '%s'", tmp);
		close(fd);
		unlink(tmp);
		goto out;
	}
	if (close(fd) < 0) {
		error_errno("cannot write '%s'", tmp);
		unlink(tmp);
		goto out;
	}
	/* no file is replaced once mkdistro was told to stop */
	if (interrupt_check() < 0 || rename(tmp, path) < 0) {
		if (!interrupted())
			error_errno("cannot rename '%s' to '%s'", tmp, path);
		unlink(tmp);
		goto out;
	}
	fsync_parent(path);
	ret = 0;
out:
	free(tmp);
	return ret;
}

int copy_file(const char *src, const char *dst, mode_t mode)
{
	struct buf b;
	int ret;
	buf_init(&b);
	ret = read_file(src, &b);
	if (!ret)
		ret = write_file_atomic(dst, b.data, b.len, mode);
	buf_release(&b);
	return ret;
}

char *temp_dir_make(const char *what)
{
	const char *tmp = getenv("TMPDIR");
	char *dir = xasprintf("%s/mkdistro-%s.XXXXXX", tmp && *tmp ? tmp : "/tmp", what);
	if (!mkdtemp(dir)) {
		error_errno("cannot make a directory like '%s'", dir);
		free(dir);
		return NULL;
	}
	return dir;
}

int mkdir_p(const char *path, mode_t mode)
{
	char *p = xstrdup(path);
	int ret = 0;
	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST) {
			ret = error_errno("cannot create directory '%s'", p);
			break;
		}
		*s = c;
		if (!c)
			break;
	}
	if (!ret && !is_dir(path))
		ret = error("'%s' exists and is not a directory", path);
	free(p);
	return ret;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if ((flag == FTW_DP ? rmdir(path) : unlink(path)) < 0 && errno != ENOENT)
		return error_errno("cannot remove '%s'", path);
	return 0;
}

int remove_tree(const char *path)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : error_errno("cannot stat '%s'", path);
	if (!S_ISDIR(st.st_mode))
		return unlink(path) < 0 ? error_errno("cannot remove '%s'", path) : 0;
	return nftw(path, remove_one, 32, FTW_DEPTH | FTW_PHYS) ? -1 : 0;
}

int file_exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

int is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

char *path_join(const char *a, const char *b)
{
	size_t la = strlen(a);
	while (la > 1 && a[la - 1] == '/')
		la--;
	while (*b == '/')
		b++;
	return xasprintf("%.*s/%s", (int)la, a, b);
}

char *which(const char *prog)
{
	const char *path = getenv("PATH");
	if (strchr(prog, '/'))
		return access(prog, X_OK) == 0 ? xstrdup(prog) : NULL;
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin";
	while (*path) {
		const char *end = strchr(path, ':');
		size_t n = end ? (size_t)(end - path) : strlen(path);
		char *dir = n ? xstrndup(path, n) : xstrdup(".");
		char *cand = path_join(dir, prog);
		free(dir);
		if (access(cand, X_OK) == 0 && !is_dir(cand))
			return cand;
		free(cand);
		path += n;
		if (*path == ':')
			path++;
	}
	return NULL;
}

int file_starts_with(const char *path, const void *magic, size_t n)
{
	unsigned char head[64];
	int fd;
	ssize_t got;
	if (n > sizeof(head) || (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	got = read(fd, head, n);
	close(fd);
	return got == (ssize_t)n && !memcmp(head, magic, n);
}
