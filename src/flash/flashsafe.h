/* flashsafe.h: whether a device may be overwritten with an image, and why not.
 *
 * Pure policy over the facts blkdev_inspect() gathered: no I/O, so every rule is unit
 * tested with made-up facts (tests/unit/test_flashsafe.c).  The rules are issue 4's: never
 * a partition, a disk in use (mounted, swap, device-mapper/md/LVM holders), the disk of the
 * running system or of the image file, a read-only or too small device; a disk that is not
 * a removable one, a USB stick or an SD card (not eMMC), or one over 128 GB, only with --force.
 */
#ifndef MKDISTRO_FLASHSAFE_H
#define MKDISTRO_FLASHSAFE_H

#include <stdint.h>

#include "flash/blkdev.h"
#include "sys/buf.h"

/* Disks larger than this (bytes) are rarely USB sticks: --force is needed. */
#define FLASHSAFE_LARGE 128000000000ULL

/* Append one line per reason to refuse d to out ("is a partition of /dev/sdb; ..."), each
 * to be read after the device's name.  force: the user gave --force.  Returns the number of
 * reasons; 0 means it may be written. */
int flashsafe_check(const struct blkdev *d, uint64_t image_size, int force, struct buf *out);

/* Format a byte count for people: "67.1 MB", "128 GB" (powers of 1000, as disks are sold). */
void flashsafe_size(uint64_t bytes, char *out, size_t len);

#endif
