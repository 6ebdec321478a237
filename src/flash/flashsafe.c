/* flashsafe.c: the rules that decide whether a device may be flashed (see flashsafe.h). */
#include "flash/flashsafe.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

void flashsafe_size(uint64_t bytes, char *out, size_t len)
{
	static const char *const units[] = {"bytes", "kB", "MB", "GB", "TB", "PB"};
	double v = (double)bytes;
	size_t u = 0;
	while (v >= 1000 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1000;
		u++;
	}
	if (!u)
		snprintf(out, len, "%" PRIu64 " bytes", bytes);
	else
		snprintf(out, len, v < 100 ? "%.1f %s" : "%.0f %s", v, units[u]);
}

static const char *kind_of(mode_t m)
{
	return S_ISREG(m)   ? "a regular file"
	       : S_ISDIR(m) ? "a directory"
	       : S_ISCHR(m) ? "a character device"
	       : S_ISFIFO(m) ? "a pipe"
	       : S_ISSOCK(m) ? "a socket"
			     : "not a device";
}

static int is_critical(const struct blkdev *d, const char *mountpoint)
{
	for (size_t i = 0; i < d->n_critical; i++)
		if (!strcmp(d->critical[i], mountpoint))
			return 1;
	return 0;
}

/* "mounted at /mnt" for the disk itself, "its partition sdb1 is mounted at /mnt" for one
 * of its partitions. */
static void add_use(const struct blkdev *d, const struct blkuse *u, struct buf *out)
{
	static const char *const verb[] = {"is mounted at", "is used as swap", "is held by"};
	const char *tail = u->kind == BLKUSE_SWAP     ? " (%s)"
			   : u->kind == BLKUSE_HOLDER ? " %s (device-mapper, LVM or md RAID)"
						      : " %s";
	if (strcmp(u->part, d->disk_name))
		buf_addf(out, "its partition %s ", u->part);
	buf_adds(out, verb[u->kind]);
	buf_addf(out, tail, u->detail);
	buf_adds(out, "\n");
}

int flashsafe_check(const struct blkdev *d, uint64_t image_size, int force, struct buf *out)
{
	size_t start = out->len;
	int n = 0;
	char a[32], b[32];

	if (!d->exists) {
		buf_adds(out, "does not exist\n");
		return 1;
	}
	if (!d->is_blk) {
		buf_addf(out, "is not a block device (it is %s)\n", kind_of(d->mode));
		return 1;
	}
	if (!d->in_sysfs) {
		buf_adds(out, "is not known to sysfs, so it cannot be checked\n");
		return 1;
	}
	if (d->partition)
		buf_addf(out, "is a partition of /dev/%s; give the whole disk, /dev/%s\n", d->disk_name,
			 d->disk_name);
	if (d->holds_image == BLKDEV_IMAGE_ON)
		buf_adds(out, "holds the image file (on a filesystem of its own)\n");
	else if (d->holds_image)
		buf_adds(out, "holds the image file: it is a loop device on the image itself\n");
	for (size_t i = 0; i < d->n_critical; i++)
		buf_addf(out, "holds %s%s\n", d->critical[i],
			 !strcmp(d->critical[i], "/") ? " (the running system)" : "");
	for (size_t i = 0; i < d->n_uses; i++)
		if (d->uses[i].kind != BLKUSE_MOUNT || !is_critical(d, d->uses[i].detail))
			add_use(d, &d->uses[i], out);
	if (d->ro)
		buf_adds(out, "is read-only\n");
	if (d->size < image_size) {
		flashsafe_size(d->size, a, sizeof(a));
		flashsafe_size(image_size, b, sizeof(b));
		if (!strcmp(a, b)) {
			snprintf(a, sizeof(a), "%" PRIu64 " bytes", d->size);
			snprintf(b, sizeof(b), "%" PRIu64 " bytes", image_size);
		}
		buf_addf(out, "is smaller than the image (%s < %s)\n", a, b);
	}
	if (!force && !d->removable && strcmp(d->bus, "usb") && !(d->sd_card && !strcmp(d->bus, "mmc")))
		buf_addf(out, "is not removable and not a USB stick or SD card (bus: %s%s); add "
			      "--force if you are sure\n",
			 d->bus, !strcmp(d->bus, "mmc") ? ", soldered-in eMMC" : "");
	if (!force && d->size > FLASHSAFE_LARGE) {
		flashsafe_size(d->size, a, sizeof(a));
		if (!strcmp(a, "128 GB"))
			snprintf(a, sizeof(a), "%" PRIu64 " bytes", d->size);
		buf_addf(out, "is larger than 128 GB (%s), unlike a USB stick; add --force if you "
			      "are sure\n", a);
	}
	for (size_t i = start; i < out->len; i++)
		n += out->data[i] == '\n';
	return n;
}
