/* ext2image.h: an ext2 image of a manifest, without root and without a mount.
 *
 * The manifest is laid out as a directory tree in scratch space, `mke2fs -d` copies it into
 * a new filesystem (run with E2FSPROGS_FAKE_TIME, so that its own stamps are the epoch),
 * and ext2write_finish() gives it the owners, times and device nodes of the manifest.  The
 * same manifest and parameters give the same bytes.
 * References: mke2fs(8) (-d, -E root_owner and hash_seed, E2FSPROGS_FAKE_TIME).
 */
#ifndef MKDISTRO_EXT2IMAGE_H
#define MKDISTRO_EXT2IMAGE_H

#include <stdint.h>

#include "formats/manifest.h"
#include "sys/buf.h"

/* The UUID (and directory hash seed) of mkdistro's ext2 initrds: fixed, for the same bytes
 * every time. */
#define EXT2IMAGE_UUID "6d6b6469-7374-726f-2d69-6e6974726400"

struct ext2image_params {
	unsigned size_kib;   /* the image's size */
	int64_t epoch;       /* the root's times, and every time mke2fs and libext2fs stamp */
	const char *uuid;    /* the filesystem's UUID, also its directory hash seed */
	const char *workdir; /* scratch space (made when missing): the tree and the image */
	const char *log;     /* mke2fs's output is appended to this file */
};

/* Append the image of m (sorted) to image.  When the tree does not fit in p->size_kib, the
 * smallest size it fits in (to about 16 KiB) is looked for, reported as the [initrd] size
 * to set, and put in *need_kib.  Returns 0 or -1 (reported). */
int ext2image_write(const struct ext2image_params *p, const struct manifest *m,
		    struct buf *image, unsigned *need_kib);

#endif
