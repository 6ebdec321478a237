/* initrd.h: write the root filesystem manifest as a gzip-compressed initrd.
 *
 *  - cpio (the default): a newc archive written by mkdistro itself (sorted, owners 0:0,
 *    fixed times), which the kernel unpacks into its rootfs (an initramfs).
 *  - ext2: the classic ramdisk, loaded into /dev/ram0 with root=/dev/ram0, made by
 *    ext2image.h (mke2fs -d, then libext2fs for owners, times and device nodes) with the
 *    plan's [initrd] size and epoch.
 */
#ifndef MKDISTRO_INITRD_H
#define MKDISTRO_INITRD_H

#include <stddef.h>

#include "build/config.h"
#include "build/inputs.h"
#include "formats/manifest.h"

struct initrd_stats {
	size_t entries;
	size_t raw;        /* bytes before compression */
	size_t compressed; /* bytes written */
	unsigned need_kib; /* ext2: the smallest size the tree fits in, when it does not fit */
	int cached;        /* copied from the build cache, not written */
};

/* Write m (sorted) to out_path atomically, in the plan's [initrd] format.  workdir is
 * scratch space; log gets the tools' output.  Returns 0 or -1 (reported; for an ext2 tree
 * that does not fit, naming the size it needs). */
int initrd_write(const struct plan *plan, const struct manifest *m, const char *workdir,
		 const char *log, const char *out_path, struct initrd_stats *st);

/* Everything initrd_write's file is made from: each entry of m (contents by SHA-256), the
 * [initrd] settings, mke2fs for ext2, and mkdistro itself.  Returns 0 or -1 (reported). */
int initrd_inputs(const struct plan *plan, const struct manifest *m, struct inputs *in);

#endif
