/* blkdev.c: the facts about a block device, from sysfs, mountinfo, /proc/swaps and stat().
 * See blkdev.h; the sysfs layout is the kernel's Documentation/ABI/stable/sysfs-block.
 */
#include "flash/blkdev.h"

#include <dirent.h>
#include <errno.h>
#include <libmount/libmount.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "sys/alloc.h"
#include "sys/fs.h"
#include "sys/log.h"

/* The system's tables, and in the test build the fixtures that may stand in for them. */
enum table { TABLE_SYSFS, TABLE_MOUNTINFO, TABLE_SWAPS };
static const char *const table_real[] = {"/sys", "/proc/self/mountinfo", "/proc/swaps"};

#ifdef MKDISTRO_TESTING
static const char *const table_env[] = {"MKDISTRO_TEST_SYSFS", "MKDISTRO_TEST_MOUNTINFO",
					"MKDISTRO_TEST_SWAPS"};
static int test_tables;

void blkdev_allow_test_tables(int allow)
{
	test_tables = allow;
}

static const char *table_path(enum table t)
{
	const char *p = test_tables ? getenv(table_env[t]) : NULL;
	return p && *p ? p : table_real[t];
}
#else
static const char *table_path(enum table t)
{
	return table_real[t];
}
#endif

static const char *sysfs_root(void)
{
	return table_path(TABLE_SYSFS);
}

/* The sysfs directory of device number dev, resolved (malloc'd), or NULL. */
static char *sysfs_dir_of(dev_t dev)
{
	char *link = xasprintf("%s/dev/block/%u:%u", sysfs_root(), major(dev), minor(dev));
	char *dir = realpath(link, NULL);
	free(link);
	return dir;
}

/* Read a one-line sysfs attribute dir/name, trimmed; malloc'd, or NULL when absent. */
static char *read_attr(const char *dir, const char *name)
{
	char *path = path_join(dir, name);
	char line[512];
	FILE *f = fopen(path, "r");
	char *s = NULL;
	free(path);
	if (!f)
		return NULL;
	if (fgets(line, sizeof(line), f)) {
		size_t a = strspn(line, " \t"), n = strlen(line);
		while (n > a && strchr(" \t\r\n", line[n - 1]))
			n--;
		if (n > a)
			s = xstrndup(line + a, n - a);
	}
	fclose(f);
	return s;
}

static int attr_dev(const char *dir, dev_t *dev)
{
	char *s = read_attr(dir, "dev");
	unsigned ma, mi;
	char extra;
	int ok = s && sscanf(s, "%u:%u%c", &ma, &mi, &extra) == 2;
	free(s);
	if (ok)
		*dev = makedev(ma, mi);
	return ok ? 0 : -1;
}

static int attr_flag(const char *dir, const char *name)
{
	char *s = read_attr(dir, name);
	int v = s && !strcmp(s, "1");
	free(s);
	return v;
}

/* A numeric attribute, 0 when absent. */
static uint64_t attr_u64(const char *dir, const char *name)
{
	char *s = read_attr(dir, name);
	uint64_t v = s ? strtoull(s, NULL, 10) : 0;
	free(s);
	return v;
}

static int has_attr(const char *dir, const char *name)
{
	char *p = path_join(dir, name);
	int v = access(p, F_OK) == 0;
	free(p);
	return v;
}

static char *parent_dir(const char *dir)
{
	const char *slash = strrchr(dir, '/');
	return xstrndup(dir, slash && slash > dir ? (size_t)(slash - dir) : 1);
}

int blkdev_disk_of(dev_t dev, dev_t *disk)
{
	char *dir = sysfs_dir_of(dev), *up;
	int ret = 0;
	if (!dir)
		return -1;
	if (!has_attr(dir, "partition")) {
		*disk = dev;
	} else {
		up = parent_dir(dir);
		ret = attr_dev(up, disk);
		free(up);
	}
	free(dir);
	return ret;
}

/* The kernel name of device number dev (malloc'd): its sysfs directory's name. */
static char *dev_name(dev_t dev)
{
	char *dir = sysfs_dir_of(dev), *name;
	if (!dir)
		return xasprintf("%u:%u", major(dev), minor(dev));
	name = xstrdup(strrchr(dir, '/') + 1);
	free(dir);
	return name;
}

static void add_use(struct blkdev *d, enum blkuse_kind kind, const char *part, const char *detail)
{
	XGROW(d->uses, d->cap_uses, d->n_uses + 1);
	d->uses[d->n_uses++] = (struct blkuse){kind, xstrdup(part), xstrdup(detail)};
}

/* The bus, from the device's place in the sysfs tree (the part after the sysfs root). */
static void find_bus(struct blkdev *d, const char *dir)
{
	static const struct {
		const char *needle, *bus;
	} buses[] = {
		{"/usb", "usb"},   {"/mmc", "mmc"},     {"/virtual/", "virtual"}, {"/nvme", "nvme"},
		{"/ata", "ata"},   {"virtio", "virtio"}, {"/host", "scsi"},
	};
	size_t rootlen = strlen(sysfs_root());
	const char *rel = strncmp(dir, sysfs_root(), rootlen) ? dir : dir + rootlen;
	snprintf(d->bus, sizeof(d->bus), "other");
	for (size_t i = 0; i < sizeof(buses) / sizeof(buses[0]); i++)
		if (strstr(rel, buses[i].needle)) {
			snprintf(d->bus, sizeof(d->bus), "%s", buses[i].bus);
			return;
		}
}

/* Vendor, model and serial: the SCSI/NVMe/MMC device's attributes, and for USB the USB
 * device (the nearest directory above with a serial). */
static void find_identity(struct blkdev *d, const char *dir)
{
	char *dev = path_join(dir, "device");
	char *up = xstrdup(dir);
	size_t rootlen = strlen(sysfs_root());

	d->vendor = read_attr(dev, "vendor");
	d->model = read_attr(dev, "model");
	if (!d->model)
		d->model = read_attr(dev, "name"); /* MMC */
	d->serial = read_attr(dev, "serial");
	/* the USB device is the nearest directory above with an idVendor: its serial, if any,
	 * is the stick's (not the root hub's, further up) */
	while (strlen(up) > rootlen + 1 && !d->serial && !has_attr(up, "idVendor")) {
		char *next = parent_dir(up);
		free(up);
		up = next;
		if (has_attr(up, "serial") || has_attr(up, "idVendor")) {
			d->serial = read_attr(up, "serial");
			if (!d->vendor)
				d->vendor = read_attr(up, "manufacturer");
			if (!d->model)
				d->model = read_attr(up, "product");
		}
	}
	free(up);
	free(dev);
}

/* The holders of the disk's directory and of each partition's, and the partitions. */
static void scan_holders(struct blkdev *d, const char *diskdir, const char *name)
{
	char *hdir = path_join(diskdir, "holders");
	DIR *h = opendir(hdir);
	struct dirent *e;
	if (h) {
		while ((e = readdir(h)))
			if (e->d_name[0] != '.')
				add_use(d, BLKUSE_HOLDER, name, e->d_name);
		closedir(h);
	}
	free(hdir);
}

static void scan_partitions(struct blkdev *d, const char *diskdir)
{
	DIR *dir = opendir(diskdir);
	struct dirent *e;
	scan_holders(d, diskdir, d->disk_name);
	if (!dir)
		return;
	while ((e = readdir(dir))) {
		char *sub;
		if (e->d_name[0] == '.')
			continue;
		sub = path_join(diskdir, e->d_name);
		if (has_attr(sub, "partition"))
			scan_holders(d, sub, e->d_name);
		free(sub);
	}
	closedir(dir);
}

static int on_disk(const struct blkdev *d, dev_t dev)
{
	dev_t disk;
	return blkdev_disk_of(dev, &disk) == 0 && disk == d->disk;
}

/* Mounts whose filesystem lives on the disk: by the device number mountinfo gives, or for
 * filesystems with anonymous numbers (btrfs), by the source's device node. */
static int scan_mounts(struct blkdev *d)
{
	static const char *const critical[] = {"/", "/boot", "/usr", "/home"};
	const char *path = table_path(TABLE_MOUNTINFO);
	struct libmnt_table *tb = mnt_new_table_from_file(path);
	struct libmnt_iter *it;
	struct libmnt_fs *fs;
	if (!tb)
		return error("cannot read the mount table '%s'", path);
	it = mnt_new_iter(MNT_ITER_FORWARD);
	while (mnt_table_next_fs(tb, it, &fs) == 0) {
		dev_t dev = mnt_fs_get_devno(fs);
		const char *src = mnt_fs_get_srcpath(fs), *target = mnt_fs_get_target(fs);
		struct stat st;
		if ((!dev || !major(dev)) && src && !strncmp(src, "/dev/", 5) && stat(src, &st) == 0 &&
		    S_ISBLK(st.st_mode))
			dev = st.st_rdev;
		if (!dev || !target || !on_disk(d, dev))
			continue;
		char *name = dev_name(dev);
		add_use(d, BLKUSE_MOUNT, name, target);
		free(name);
		for (size_t i = 0; i < sizeof(critical) / sizeof(critical[0]); i++)
			if (!strcmp(target, critical[i])) {
				XGROW(d->critical, d->cap_critical, d->n_critical + 1);
				d->critical[d->n_critical++] = xstrdup(target);
			}
	}
	mnt_free_iter(it);
	mnt_unref_table(tb);
	return 0;
}

/* Swap areas on the disk: a partition or the disk itself, or a swap file on one. */
static int scan_swaps(struct blkdev *d)
{
	const char *path = table_path(TABLE_SWAPS);
	struct libmnt_table *tb;
	struct libmnt_iter *it;
	struct libmnt_fs *fs;
	if (access(path, F_OK) < 0 && errno == ENOENT)
		return 0; /* a kernel without swap support */
	tb = mnt_new_table();
	if (!tb || mnt_table_parse_swaps(tb, path) < 0) {
		mnt_unref_table(tb);
		return error("cannot read the swap table '%s'", path);
	}
	it = mnt_new_iter(MNT_ITER_FORWARD);
	while (mnt_table_next_fs(tb, it, &fs) == 0) {
		const char *src = mnt_fs_get_srcpath(fs);
		struct stat st;
		dev_t dev;
		if (!src || stat(src, &st) < 0)
			continue;
		dev = S_ISBLK(st.st_mode) ? st.st_rdev : st.st_dev;
		if (on_disk(d, dev)) {
			char *name = dev_name(dev);
			add_use(d, BLKUSE_SWAP, name, src);
			free(name);
		}
	}
	mnt_free_iter(it);
	mnt_unref_table(tb);
	return 0;
}

/* Whether the image lives on the disk, or is the loop device's backing file. */
static void find_image(struct blkdev *d, const char *image)
{
	struct stat im, bf;
	if (!image || stat(image, &im) < 0)
		return;
	if (on_disk(d, im.st_dev))
		d->holds_image = BLKDEV_IMAGE_ON;
	if (d->backing_file && stat(d->backing_file, &bf) == 0 && bf.st_dev == im.st_dev &&
	    bf.st_ino == im.st_ino)
		d->holds_image = BLKDEV_IMAGE_BACKS;
}

int blkdev_inspect(struct blkdev *d, const char *path, const char *image)
{
	struct stat st;
	char *dir = NULL, *diskdir = NULL, *loopdir;
	int ret = 0;

	memset(d, 0, sizeof(*d));
	d->path = xstrdup(path);
	if (stat(path, &st) < 0)
		return errno == ENOENT || errno == ENOTDIR ? 0 : error_errno("cannot stat '%s'", path);
	d->exists = 1;
	d->real = realpath(path, NULL);
	d->mode = st.st_mode;
	d->is_blk = S_ISBLK(st.st_mode);
	if (!d->is_blk)
		return 0;
	d->rdev = st.st_rdev;
	dir = sysfs_dir_of(d->rdev);
	if (!dir)
		return 0;
	d->in_sysfs = 1;
	d->name = xstrdup(strrchr(dir, '/') + 1);
	d->partition = has_attr(dir, "partition");
	diskdir = d->partition ? parent_dir(dir) : xstrdup(dir);
	d->disk_name = xstrdup(strrchr(diskdir, '/') + 1);
	if (attr_dev(diskdir, &d->disk) < 0)
		d->disk = d->rdev;
	d->size = attr_u64(dir, "size") * 512;
	d->ro = attr_flag(dir, "ro");
	d->removable = attr_flag(diskdir, "removable");
	d->diskseq = attr_u64(diskdir, "diskseq");
	find_bus(d, diskdir);
	find_identity(d, diskdir);
	if (!strcmp(d->bus, "mmc")) {
		char *dev = path_join(diskdir, "device");
		char *type = read_attr(dev, "type");
		d->sd_card = type && !strcmp(type, "SD");
		free(type);
		free(dev);
	}
	loopdir = path_join(diskdir, "loop");
	d->backing_file = read_attr(loopdir, "backing_file");
	free(loopdir);
	scan_partitions(d, diskdir);
	if (scan_mounts(d) < 0 || scan_swaps(d) < 0)
		ret = -1;
	find_image(d, image);
	free(dir);
	free(diskdir);
	return ret;
}

void blkdev_release(struct blkdev *d)
{
	for (size_t i = 0; i < d->n_uses; i++) {
		free(d->uses[i].part);
		free(d->uses[i].detail);
	}
	for (size_t i = 0; i < d->n_critical; i++)
		free(d->critical[i]);
	free(d->critical);
	free(d->uses);
	free(d->path);
	free(d->real);
	free(d->name);
	free(d->disk_name);
	free(d->vendor);
	free(d->model);
	free(d->serial);
	free(d->backing_file);
	memset(d, 0, sizeof(*d));
}
