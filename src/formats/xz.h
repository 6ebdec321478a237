/* xz.h: xz compression and decompression of whole buffers, with liblzma.
 *
 * Spec: the .xz file format (tukaani.org/xz/xz-file-format.txt).  The compressor writes what
 * the kernel's own decoder (lib/xz, for an initramfs) reads: one stream, LZMA2 alone (no BCJ
 * filter), a CRC32 check (Documentation/staging/xz.rst: the kernel checks CRC32 or nothing),
 * and a dictionary no larger than the input rounded up to a power of two and at most 4 MiB,
 * so that the kernel allocates what the data needs rather than preset 9's 64 MiB (and the
 * encoder at most 45 MB).  liblzma's single-threaded
 * encoder gives the same bytes for the same input and liblzma version.
 */
#ifndef MKDISTRO_XZ_H
#define MKDISTRO_XZ_H

#include <stddef.h>

#include "sys/buf.h"

/* Most bytes xz_decompress() produces before it gives up (a bomb, or not our data). */
#define XZ_MAX_OUTPUT ((size_t)1 << 30)

/* Append the xz of in[0..n) to out, at preset 9.  Returns 0, or -1 with the error reported
 * and out unchanged. */
int xz_compress(const void *in, size_t n, struct buf *out);

/* 1 if data starts with the xz stream header magic (FD 37 7A 58 5A 00), else 0. */
int xz_is_xz(const void *data, size_t n);

/* Append the decompressed contents of in[0..n) to out: one or more streams, concatenated,
 * with stream padding between and after them (as xz -d and the kernel read them).  Damaged
 * data, a bad check and more than max bytes of output are errors.  Returns 0, or -1 with the
 * error reported and out unchanged. */
int xz_decompress(const void *in, size_t n, size_t max, struct buf *out);

#endif
