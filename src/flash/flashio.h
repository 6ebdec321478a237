/* flashio.h: write an image to an opened block device, then read it back and compare.
 *
 * The write goes in large aligned O_DIRECT writes (FLASHIO_CHUNK), with an fsync every
 * FLASHIO_SYNC_STEP bytes so that Ctrl-C, or a stick that stops answering, is noticed
 * promptly instead of after a long flush (O_DIRECT leaves little in the page cache, but a
 * stick's own write cache, or a loop device's backing file, can hold a lot).  While one
 * chunk is written the kernel already reads the next from the image (POSIX_FADV_WILLNEED).  The order keeps a half-written stick from
 * looking like a good one:
 *   1. the first MiB (partition table, boot code) is zeroed;
 *   2. the image after its first MiB is written;
 *   3. the device's last MiB, when it lies past the image, is zeroed: a GPT keeps its backup
 *      header there, and a stale one makes firmware and tools see the old partitions;
 *   4. the image's first MiB is written, last.
 * The image is padded with zeros to a whole number of sectors.  Verify reads everything
 * back through O_DIRECT (bypassing the page cache) and compares SHA-256 sums.
 *
 * A watchdog ends the process (exit 1, with a message) when no I/O completes for stall_s
 * seconds, since a stick pulled out mid-write can otherwise hang.  SIGINT, SIGTERM and SIGHUP
 * stop the work between two writes.
 *
 * The test build (MKDISTRO_TESTING) injects faults with
 * MKDISTRO_TEST_FLASH_FAULT=KIND@OFFSET[,...] (offsets in bytes of the image; kinds eio,
 * enodev, short, stall, corrupt, readeio, exec), in the spirit of git's GIT_TEST_*
 * variables; see the faults section of flashio.c.  The installed program has no faults.
 */
#ifndef MKDISTRO_FLASHIO_H
#define MKDISTRO_FLASHIO_H

#include <stdint.h>

#define FLASHIO_CHUNK (4u << 20)
#define FLASHIO_SYNC_STEP (256u << 20)
#define FLASHIO_HEAD (1u << 20)

struct flashio {
	int img_fd;
	uint64_t img_size;
	int dev_fd;            /* opened O_RDWR, with O_DIRECT when direct */
	int direct;            /* dev_fd has O_DIRECT */
	const char *dev_path;  /* for messages */
	uint64_t dev_size;     /* bytes */
	unsigned sector;       /* logical sector size: writes are multiples of it */
	int progress;          /* draw a progress bar on stderr */
	unsigned stall_s;      /* watchdog limit; 0: 20 */
	int test_hooks;        /* honour MKDISTRO_TEST_FLASH_FAULT (test build, loop devices) */
	/* results */
	double write_s, verify_s;
	char sha256[65];       /* of the image, after a successful verify */
};

/* Write the image (steps 1-4 above).  Returns 0 or -1 (reported).  A signal caught by
 * interrupt.h (initialised without SA_RESTART, so that a blocking write returns EINTR)
 * stops it between two writes. */
int flashio_write(struct flashio *f);

/* Read the device back and compare it with the image.  Returns 0 when they match, or -1
 * (reported: the first differing byte, the read error, or a signal). */
int flashio_verify(struct flashio *f);

#endif
