/* hash.h: SHA-256 of a buffer or a file, and MD5 of a file, as lowercase hex. */
#ifndef MKDISTRO_HASH_H
#define MKDISTRO_HASH_H

#include <stddef.h>

/* SHA-256 of a buffer or a file, as 64 lowercase hex digits plus NUL. */
void sha256_hex(const void *data, size_t n, char out[65]);
int sha256_file(const char *path, char out[65]);
/* MD5, only to check files against dpkg's md5sums lists. */
int md5_file(const char *path, char out[33]);

#endif
