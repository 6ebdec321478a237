/* image.h: the stick image: an MBR with Syslinux's boot code and one active FAT partition
 * (1 MiB aligned), made by mkfs.fat, filled with mtools, and made bootable by syslinux's
 * installer (ldlinux.sys, ldlinux.c32) - all on an image file, with no root, mount or loop
 * device.
 */
#ifndef MKDISTRO_IMAGE_H
#define MKDISTRO_IMAGE_H

#include "config.h"

#define IMAGE_PART_LBA 2048u /* the partition starts at 1 MiB */
#define IMAGE_SYSLINUX_DIR "/boot/syslinux"

/* Write the image to img (a temporary name the caller renames) from the files under
 * stick_dir, which must hold IMAGE_SYSLINUX_DIR/syslinux.cfg.  Returns 0 or -1 (reported). */
int image_build(const struct plan *plan, const char *stick_dir, const char *img, const char *log);
/* The file with Syslinux's MBR boot code (malloc'd), or NULL (reported, naming the package). */
char *image_find_mbr_bin(void);

#endif
