/* fs.h: files and directories: whole-file reads, atomic writes, trees, paths.
 *
 * Errors are reported where they happen (log.h) and -1 returned, unless a function says
 * otherwise.
 */
#ifndef MKDISTRO_FS_H
#define MKDISTRO_FS_H

#include <stddef.h>
#include <sys/types.h>

#include "sys/buf.h"

/* Read a whole file into b (appending).  Returns 0, or -1 with the error reported. */
int read_file(const char *path, struct buf *b);
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
/* Does the file at path start with the n bytes of magic?  0 when it cannot be read. */
int file_starts_with(const char *path, const void *magic, size_t n);
/* Join two path parts with one '/'. */
char *path_join(const char *a, const char *b);
/* Find an executable in $PATH; returns a malloc'd path or NULL. */
char *which(const char *prog);

#endif
