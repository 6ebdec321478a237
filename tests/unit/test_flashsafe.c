/* test_flashsafe.c: unit tests for the rules that refuse a device (src/flash/flashsafe.c), one
 * made-up set of facts per rule, plus the size formatting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "flash/flashsafe.h"

#define MB 1000000ULL
#define IMAGE (64ULL << 20)

/* A removable 16 GB USB stick, sdb, with nothing in use: the one that may be written. */
static struct blkdev stick(void)
{
	static char name[] = "sdb", path[] = "/dev/sdb";
	struct blkdev d;
	memset(&d, 0, sizeof(d));
	d.path = path;
	d.exists = d.is_blk = d.in_sysfs = 1;
	d.mode = S_IFBLK | 0660;
	d.name = d.disk_name = name;
	d.size = 16000 * MB;
	d.removable = 1;
	strcpy(d.bus, "usb");
	return d;
}

static struct blkuse use_sdb1[] = {
	{BLKUSE_MOUNT, (char *)"sdb1", (char *)"/media/stick"},
};
static struct blkuse use_disk[] = {
	{BLKUSE_MOUNT, (char *)"sdb", (char *)"/mnt"},
};
static struct blkuse use_swap[] = {
	{BLKUSE_SWAP, (char *)"sdb2", (char *)"/dev/sdb2"},
};
static struct blkuse use_dm[] = {
	{BLKUSE_HOLDER, (char *)"sdb1", (char *)"dm-0"},
};
static struct blkuse use_root[] = {
	{BLKUSE_MOUNT, (char *)"sdb2", (char *)"/"},
	{BLKUSE_MOUNT, (char *)"sdb1", (char *)"/boot"},
};
static char *crit_root[] = {(char *)"/", (char *)"/boot"};

enum change {
	NONE, MISSING, REGULAR, DIRECTORY, CHARDEV, NOSYSFS, PARTITION, MOUNT_PART, MOUNT_DISK,
	SWAP, HOLDER, ROOT, RO, SMALL, EXACT, IMAGE_ON, IMAGE_BACKS, JUST_LARGE, EMMC, FIXED, FIXED_FORCE, FIXED_MMC, LARGE,
	LARGE_FORCE, LARGE_USB_FORCE, NVME,
};

static const struct {
	enum change change;
	int force;
	int reasons;          /* how many lines */
	const char *expect;   /* in the reasons; NULL: none expected */
} cases[] = {
	{NONE, 0, 0, NULL},
	{MISSING, 0, 1, "does not exist"},
	{REGULAR, 0, 1, "is not a block device (it is a regular file)"},
	{DIRECTORY, 0, 1, "is not a block device (it is a directory)"},
	{CHARDEV, 0, 1, "is not a block device (it is a character device)"},
	{NOSYSFS, 0, 1, "not known to sysfs"},
	{PARTITION, 0, 1, "is a partition of /dev/sdb; give the whole disk, /dev/sdb"},
	{MOUNT_PART, 0, 1, "its partition sdb1 is mounted at /media/stick"},
	{MOUNT_DISK, 0, 1, "is mounted at /mnt"},
	{SWAP, 0, 1, "its partition sdb2 is used as swap (/dev/sdb2)"},
	{HOLDER, 0, 1, "its partition sdb1 is held by dm-0 (device-mapper, LVM or md RAID)"},
	{ROOT, 1, 2, "holds / (the running system)\nholds /boot\n"},
	{RO, 0, 1, "is read-only"},
	{SMALL, 0, 1, "is smaller than the image (67108352 bytes < 67108864 bytes)"},
	{EXACT, 0, 0, NULL},
	{IMAGE_ON, 0, 1, "holds the image file (on a filesystem of its own)"},
	{IMAGE_BACKS, 0, 1, "holds the image file: it is a loop device on the image itself"},
	{JUST_LARGE, 0, 2, "is larger than 128 GB (128000000512 bytes)"},
	{FIXED, 0, 1, "is not removable and not a USB stick or SD card (bus: ata); add --force"},
	{FIXED_FORCE, 1, 0, NULL},
	{FIXED_MMC, 0, 0, NULL},
	{EMMC, 0, 1, "not a USB stick or SD card (bus: mmc, soldered-in eMMC); add --force"},
	{LARGE, 0, 1, "is larger than 128 GB (256 GB), unlike a USB stick; add --force"},
	{LARGE_FORCE, 1, 0, NULL},
	{LARGE_USB_FORCE, 1, 0, NULL},
	{NVME, 0, 2, "(bus: nvme)"},
};

static void apply(struct blkdev *d, enum change c)
{
	static char disk[] = "sdb", part[] = "sdb1";
	switch (c) {
	case NONE: case FIXED_FORCE: case LARGE_USB_FORCE: break;
	case MISSING: d->exists = d->is_blk = d->in_sysfs = 0; break;
	case REGULAR: d->is_blk = 0; d->mode = S_IFREG | 0644; break;
	case DIRECTORY: d->is_blk = 0; d->mode = S_IFDIR | 0755; break;
	case CHARDEV: d->is_blk = 0; d->mode = S_IFCHR | 0666; break;
	case NOSYSFS: d->in_sysfs = 0; break;
	case PARTITION: d->partition = 1; d->name = part; d->disk_name = disk; break;
	case MOUNT_PART: d->uses = use_sdb1; d->n_uses = 1; break;
	case MOUNT_DISK: d->uses = use_disk; d->n_uses = 1; break;
	case SWAP: d->uses = use_swap; d->n_uses = 1; break;
	case HOLDER: d->uses = use_dm; d->n_uses = 1; break;
	case ROOT: d->uses = use_root; d->n_uses = 2; d->critical = crit_root; d->n_critical = 2; break;
	case RO: d->ro = 1; break;
	case SMALL: d->size = IMAGE - 512; break;
	case EXACT: d->size = IMAGE; break;
	case IMAGE_ON: d->holds_image = BLKDEV_IMAGE_ON; break;
	case IMAGE_BACKS: d->holds_image = BLKDEV_IMAGE_BACKS; break;
	case JUST_LARGE: d->size = 128000000512ULL; d->removable = 0; strcpy(d->bus, "virtual"); break;
	case FIXED: d->removable = 0; strcpy(d->bus, "ata"); break;
	case FIXED_MMC: d->removable = 0; strcpy(d->bus, "mmc"); d->sd_card = 1; break;
	case EMMC: d->removable = 0; strcpy(d->bus, "mmc"); break;
	case LARGE: case LARGE_FORCE: d->size = 256000 * MB; break;
	case NVME: d->removable = 0; strcpy(d->bus, "nvme"); d->size = 512000 * MB; break;
	}
	if (c == FIXED_FORCE) {
		d->removable = 0;
		strcpy(d->bus, "ata");
	}
	if (c == LARGE_USB_FORCE)
		d->size = 1000000 * MB;
}

static void test_rules(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct blkdev d = stick();
		struct buf out;
		int n;
		buf_init(&out);
		apply(&d, cases[i].change);
		n = flashsafe_check(&d, IMAGE, cases[i].force, &out);
		if (n != cases[i].reasons || (cases[i].expect && !strstr(out.data, cases[i].expect)))
			fail_msg("case %zu: %d reasons:\n%s", i, n, out.data);
		buf_release(&out);
	}
}

/* Every reason is one line, so each can be printed after "refusing DEVICE: ". */
static void test_one_line_each(void **state)
{
	struct blkdev d = stick();
	struct buf out;
	(void)state;
	buf_init(&out);
	d.uses = use_root;
	d.n_uses = 2;
	d.critical = crit_root;
	d.n_critical = 2;
	d.ro = 1;
	d.removable = 0;
	strcpy(d.bus, "ata");
	d.size = 300000 * MB;
	assert_int_equal(flashsafe_check(&d, IMAGE, 0, &out), 5);
	assert_string_equal(out.data, "holds / (the running system)\nholds /boot\nis read-only\n"
				      "is not removable and not a USB stick or SD card (bus: ata); add "
				      "--force if you are sure\nis larger than 128 GB (300 GB), unlike "
				      "a USB stick; add --force if you are sure\n");
	buf_release(&out);
}

static void test_size(void **state)
{
	char s[32];
	(void)state;
	flashsafe_size(0, s, sizeof(s));
	assert_string_equal(s, "0 bytes");
	flashsafe_size(999, s, sizeof(s));
	assert_string_equal(s, "999 bytes");
	flashsafe_size(64ULL << 20, s, sizeof(s));
	assert_string_equal(s, "67.1 MB");
	flashsafe_size(128000000000ULL, s, sizeof(s));
	assert_string_equal(s, "128 GB");
	flashsafe_size(15931539456ULL, s, sizeof(s));
	assert_string_equal(s, "15.9 GB");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_one_line_each),
		cmocka_unit_test(test_size),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
