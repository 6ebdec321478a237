/* blkdev.h: what the system says about a block device, before anything writes to it.
 *
 * Facts come from sysfs (Documentation/ABI/stable/sysfs-block in the kernel tree:
 * /sys/dev/block/MAJ:MIN links to the device's directory, with size in 512-byte sectors,
 * ro, removable, holders/, partition, and a device/ link to the bus device), from
 * /proc/self/mountinfo and /proc/swaps (read with libmount), and from stat().  Nothing is
 * opened for writing here; flashsafe.c turns the facts into refusals.
 *
 * The test build (MKDISTRO_TESTING) can point the reads elsewhere: MKDISTRO_TEST_SYSFS (a
 * directory used instead of /sys), MKDISTRO_TEST_MOUNTINFO and MKDISTRO_TEST_SWAPS (files
 * used instead of the /proc ones).  The installed program reads only the system's tables.
 */
#ifndef MKDISTRO_BLKDEV_H
#define MKDISTRO_BLKDEV_H

#include <stdint.h>
#include <sys/types.h>

enum { BLKDEV_IMAGE_ON = 1, BLKDEV_IMAGE_BACKS = 2 };

enum blkuse_kind { BLKUSE_MOUNT, BLKUSE_SWAP, BLKUSE_HOLDER };

/* One way the disk, or one of its partitions, is in use. */
struct blkuse {
	enum blkuse_kind kind;
	char *part;   /* kernel name of the disk or partition in use ("sdb", "sdb1") */
	char *detail; /* the mount point, the swap area's path, or the holder's name ("dm-0") */
};

struct blkdev {
	char *path;       /* as the user gave it */
	char *real;       /* with symlinks resolved; NULL when it does not exist */
	int exists, is_blk;
	mode_t mode;      /* st_mode of the resolved path */
	dev_t rdev;       /* device number of the node (with is_blk) */
	int in_sysfs;     /* the sysfs facts below were found */
	char *name;       /* kernel name, "loop3" or "sdb1" */
	int partition;    /* a partition: disk_name and disk are its whole disk */
	char *disk_name;  /* kernel name of the whole disk (the device's own name for a disk) */
	dev_t disk;
	uint64_t size;    /* bytes, from sysfs */
	int ro, removable;
	char bus[16];     /* "usb", "mmc", "virtual", "nvme", "ata", "virtio", "scsi", "other" */
	int sd_card;      /* on the mmc bus, an SD card (device/type "SD"), not soldered eMMC */
	uint64_t diskseq; /* the disk's sequence number (new at every plug-in), 0 if unknown */
	char *vendor, *model, *serial; /* NULL when sysfs does not say */
	char *backing_file;            /* a loop device's backing file, else NULL */
	struct blkuse *uses;
	size_t n_uses, cap_uses;
	char **critical;  /* the mount points among /, /boot, /usr, /home that live on the disk */
	size_t n_critical, cap_critical;
	int holds_image;  /* BLKDEV_IMAGE_ON: the image file lives on this disk;
	                   * BLKDEV_IMAGE_BACKS: it is this loop device's backing file */
};

#ifdef MKDISTRO_TESTING
/* Let MKDISTRO_TEST_SYSFS, MKDISTRO_TEST_MOUNTINFO and MKDISTRO_TEST_SWAPS replace the
 * system's tables (off by default; flash allows it only for loop devices). */
void blkdev_allow_test_tables(int allow);
#endif

/* Gather the facts about path (which may be anything: a missing path or a regular file is
 * described, not an error).  image (may be NULL) is the file about to be written, to find
 * out whether it lives on that disk.  Returns 0, or -1 (reported) when the system's tables
 * cannot be read. */
int blkdev_inspect(struct blkdev *d, const char *path, const char *image);
void blkdev_release(struct blkdev *d);

/* The whole disk that holds device number dev (dev itself for a disk), from sysfs.
 * Returns 0 with *disk set, or -1 when sysfs does not know dev (not reported). */
int blkdev_disk_of(dev_t dev, dev_t *disk);

#endif
