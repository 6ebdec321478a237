/* flash.h: `mkdistro flash`: write a stick image to a USB stick, safely, and verify it.
 *
 * The steps: check the image (a file with an MBR boot signature); gather the device's facts
 * (blkdev.h) and refuse it for any of flashsafe.h's reasons, having written nothing; show
 * vendor, model, serial, size and bus and have the user type the device's name (unless
 * yes); open it with O_EXCL (EBUSY ends the flash) and check, by device number, that it
 * is still the device that was checked, and its real size and read-only flag; write and
 * verify (flashio.h).
 */
#ifndef MKDISTRO_FLASH_H
#define MKDISTRO_FLASH_H

struct flash_opts {
	const char *image;  /* the stick image */
	const char *device; /* the whole disk to overwrite; symlinks are followed */
	int yes;            /* do not ask for the device's name */
	int force;          /* allow a disk that is not removable/USB/SD, or over 128 GB */
	int dry_run;        /* every check, then stop before writing */
	int no_verify;      /* do not read the device back */
};

/* Returns 0 (flashed and verified, or a dry run that passed) or -1 (refused, failed or
 * stopped by a signal: reported, with "nothing was written" when that is so).  The caller
 * has caught the signals with interrupt_init(0) (interrupt.h). */
int flash_run(const struct flash_opts *o);

#endif
