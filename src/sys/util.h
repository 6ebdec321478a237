/* util.h: allocation that succeeds or exits, a growable byte buffer, and file helpers.
 *
 * The x prefix (after toybox's lib/xwrap.c) means "succeeds or dies".  struct buf follows
 * git's strbuf: buf_init/buf_release, always NUL-terminated so it can hold text.
 */
#ifndef MKDISTRO_UTIL_H
#define MKDISTRO_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sys/log.h"

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* Grow *v (of *cap elements of size) so it holds at least need elements. */
void xgrow(void **v, size_t *cap, size_t need, size_t size);
#define XGROW(v, cap, need) xgrow((void **)&(v), &(cap), (need), sizeof(*(v)))

struct buf {
	char *data; /* NUL-terminated; never NULL after buf_init (an empty buffer owns no memory) */
	size_t len;
	size_t cap;
};
void buf_init(struct buf *b);
void buf_release(struct buf *b);
void buf_reset(struct buf *b);
/* Make room for extra more bytes (plus the NUL) without changing the contents. */
void buf_grow(struct buf *b, size_t extra);
/* Set the length after writing into the room buf_grow made (len < cap). */
void buf_setlen(struct buf *b, size_t len);
void buf_add(struct buf *b, const void *data, size_t n);
void buf_adds(struct buf *b, const char *s);
void buf_addf(struct buf *b, const char *fmt, ...) PRINTF_LIKE(2, 3);
/* Take the data out (malloc'd, the caller frees it); the buffer is left empty, owning no
 * memory, so it needs no buf_release (though one does no harm). */
char *buf_detach(struct buf *b, size_t *len);

/* Read a whole file into b (appending).  Returns 0, or -1 with the error reported. */
int read_file(const char *path, struct buf *b);
/* A name as one field of a line of space-separated fields: bytes up to and including space,
 * '%' and DEL written as %XX. */
void buf_add_field(struct buf *b, const char *s);
/* Undo buf_add_field() in place; -1 on a bad escape. */
int field_unescape(char *s);
/* read_file() for a text file: a NUL byte, after which a parser of C strings would see
 * nothing, is an error naming path:line.  Returns 0 or -1 (reported). */
int read_text_file(const char *path, struct buf *b);
/* Write data to path atomically: path.tmp, fsync, rename.  Returns 0 or -1 (reported). */
int write_file_atomic(const char *path, const void *data, size_t n, mode_t mode);
/* Write all of n bytes to fd.  Returns 0 or -1 with errno set (not reported). */
int write_all(int fd, const void *data, size_t n);
/* Copy a file's contents (not its metadata) to dst, atomically.  Returns 0 or -1 (reported). */
int copy_file(const char *src, const char *dst, mode_t mode);
/* mkdir -p.  Returns 0 or -1 (reported). */
int mkdir_p(const char *path, mode_t mode);
/* A new private directory $TMPDIR/mkdistro-WHAT.XXXXXX (/tmp without TMPDIR), malloc'd; NULL
 * when it cannot be made (reported). */
char *temp_dir_make(const char *what);
/* rm -rf; a missing path is not an error.  Returns 0 or -1 (reported). */
int remove_tree(const char *path);
/* fsync the directory that holds path, so a rename in it is durable. */
int fsync_parent(const char *path);
/* fsync the file at path, before it is renamed into place.  Returns 0 or -1 (reported). */
int fsync_path(const char *path);
int file_exists(const char *path);
int is_dir(const char *path);
/* Join two path parts with one '/'. */
char *path_join(const char *a, const char *b);
/* Find an executable in $PATH; returns a malloc'd path or NULL. */
char *which(const char *prog);

/* SHA-256 of a buffer or a file, as 64 lowercase hex digits plus NUL. */
void sha256_hex(const void *data, size_t n, char out[65]);
int sha256_file(const char *path, char out[65]);
/* MD5, only to check files against dpkg's md5sums lists. */
int md5_file(const char *path, char out[33]);

#endif
