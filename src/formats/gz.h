/* gz.h: gzip compression and decompression of whole buffers, with libdeflate.
 *
 * Spec: RFC 1952 (the gzip member format) around RFC 1951 (DEFLATE).  The compressor writes
 * one member with no file name, MTIME 0 and OS 255 ("unknown"), so the same input and level
 * give the same bytes with a given libdeflate (different libdeflate versions may choose
 * different DEFLATE blocks; the header stays the same).
 */
#ifndef MKDISTRO_GZ_H
#define MKDISTRO_GZ_H

#include <stddef.h>

#include "sys/buf.h"

/* Most bytes gz_decompress() produces before it gives up (a zip bomb, or not our data). */
#define GZ_MAX_OUTPUT ((size_t)1 << 30)

/*
 * Append the gzip of in[0..n) to out.  level is libdeflate's scale: 1 (fastest) to 12
 * (smallest); 6 is gzip's default, 9 is gzip -9.  Returns 0, or -1 with the error reported
 * and out unchanged.
 */
int gz_compress(const void *in, size_t n, int level, struct buf *out);

/* 1 if data starts like a gzip member (ID1 ID2 and CM = 8, deflate), else 0. */
int gz_is_gzip(const void *data, size_t n);

/*
 * Append the decompressed contents of in[0..n) to out.  The input is one or more gzip
 * members, decompressed in sequence and concatenated (as gzip -d does and as the kernel
 * reads an initramfs); runs of NUL bytes between or after members are skipped, as the
 * initramfs grammar allows them.  Anything else after a member is an error, as are a bad
 * CRC or length, and more than GZ_MAX_OUTPUT (1 GiB) bytes of output.  Returns 0, or -1 with the
 * error reported and out unchanged.
 */
int gz_decompress(const void *in, size_t n, struct buf *out);
/* As gz_decompress(), with at most max bytes of output instead of GZ_MAX_OUTPUT. */
int gz_decompress_max(const void *in, size_t n, size_t max, struct buf *out);

#endif
