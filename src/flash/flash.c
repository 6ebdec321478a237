/* flash.c: check, confirm, open, write and verify (see flash.h). */
#include "flash/flash.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/fs.h>
#include <linux/major.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "flash/blkdev.h"
#include "flash/flashio.h"
#include "flash/flashsafe.h"
#include "sys/alloc.h"
#include "sys/buf.h"
#include "sys/log.h"
#include "sys/spawn.h"

/* Open the image and check it looks like a disk image.  Returns the fd or -1 (reported). */
static int open_image(const char *path, uint64_t *size)
{
	unsigned char mbr[512];
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return error_errno("cannot open the image '%s'; nothing was written", path);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return error("the image '%s' is not a regular file; nothing was written", path);
	}
	if (st.st_size < 512 || pread(fd, mbr, sizeof(mbr), 0) != (ssize_t)sizeof(mbr) ||
	    mbr[510] != 0x55 || mbr[511] != 0xaa) {
		close(fd);
		return error("'%s' is not a disk image (no boot signature 55 AA at byte 510); "
			     "nothing was written",
			     path);
	}
	*size = (uint64_t)st.st_size;
	return fd;
}

static void refuse_lines(const char *dev, const char *reasons)
{
	const char *p = reasons;
	while (*p) {
		const char *nl = strchr(p, '\n');
		int len = (int)(nl ? nl - p : (ptrdiff_t)strlen(p));
		error("refusing %s: %.*s", dev, len, p);
		p += len + (nl != NULL);
	}
}

static int refuse(const char *dev, const char *reasons)
{
	refuse_lines(dev, reasons);
	return error("nothing was written to %s", dev);
}

/* A string from the device, with anything unprintable shown as '?'. */
static const char *shown(const char *s, char *out, size_t len)
{
	size_t i;
	if (!s)
		return "(unknown)";
	for (i = 0; s[i] && i + 1 < len; i++)
		out[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	out[i] = '\0';
	return out;
}

static void describe(const struct blkdev *d, const char *image, uint64_t img_size)
{
	char size[32], isize[32], t[128];
	flashsafe_size(d->size, size, sizeof(size));
	flashsafe_size(img_size, isize, sizeof(isize));
	fprintf(stderr, "mkdistro: about to write %s (%s) to %s:\n", image, isize, d->path);
	fprintf(stderr, "  device   /dev/%s (%u:%u)\n", d->name, major(d->rdev), minor(d->rdev));
	fprintf(stderr, "  vendor   %s\n", shown(d->vendor, t, sizeof(t)));
	if (d->backing_file)
		fprintf(stderr, "  model    loop device on %s\n", d->backing_file);
	else
		fprintf(stderr, "  model    %s\n", shown(d->model, t, sizeof(t)));
	fprintf(stderr, "  serial   %s\n", shown(d->serial, t, sizeof(t)));
	fprintf(stderr, "  size     %s (%" PRIu64 " bytes)\n", size, d->size);
	fprintf(stderr, "  bus      %s, %s\n", d->bus, d->removable ? "removable" : "not removable");
}

/* The user types the device's name; anything else, or end of input, stops. */
static int confirm(const struct blkdev *d)
{
	char *line = NULL, *full = xasprintf("/dev/%s", d->name);
	size_t cap = 0;
	ssize_t n;
	int ok;
	fprintf(stderr, "Everything on %s will be lost.  Type its name (%s) to go on: ", d->name,
		d->name);
	fflush(stderr);
	n = getline(&line, &cap, stdin);
	if (n > 0 && line[n - 1] == '\n')
		line[--n] = '\0';
	ok = n > 0 && (!strcmp(line, d->name) || !strcmp(line, full) || !strcmp(line, d->path));
	if (n < 0)
		fputc('\n', stderr);
	free(line);
	free(full);
	return ok ? 0 : error("confirmation did not match: nothing was written to %s", d->path);
}

/* The same disk as when it was checked: its sequence number (new at every plug-in, so a
 * stick swapped for another disk that got the same name and number is caught), identity
 * and size, and still nothing to refuse it for. */
static int recheck(const struct blkdev *d, const char *image, uint64_t img_size, int force,
		   int fd)
{
	struct blkdev now;
	struct buf why;
	uint64_t seq = 0;
	int ret = -1;
	buf_init(&why);
	if (blkdev_inspect(&now, d->path, image) < 0)
		goto out;
#ifdef BLKGETDISKSEQ
	if (d->diskseq && ioctl(fd, BLKGETDISKSEQ, &seq) == 0 && seq != d->diskseq) {
		error("refusing %s: the device changed between check and open (disk sequence "
		      "%llu, was %llu)", d->path, (unsigned long long)seq, (unsigned long long)d->diskseq);
		goto out;
	}
#else
	(void)fd;
	(void)seq;
#endif
	if (now.rdev != d->rdev || now.diskseq != d->diskseq || now.size != d->size ||
	    (d->serial && (!now.serial || strcmp(now.serial, d->serial))) ||
	    (d->backing_file && (!now.backing_file || strcmp(now.backing_file, d->backing_file)))) {
		error("refusing %s: the device changed between check and open", d->path);
		goto out;
	}
	if (flashsafe_check(&now, img_size, force, &why) > 0) {
		refuse_lines(d->path, why.data);
		goto out;
	}
	ret = 0;
out:
	blkdev_release(&now);
	buf_release(&why);
	return ret;
}

/* Open the device exclusively and check it is the one that was checked, and big enough
 * and writable by its own account.  Returns the fd, or -1 (reported, nothing written). */
static int open_device(const struct blkdev *d, struct flashio *f, const struct flash_opts *o)
{
	int dry_run = o->dry_run;
	int flags = (dry_run ? O_RDONLY : O_RDWR) | O_EXCL | O_CLOEXEC;
	uint64_t size = 0, padded;
	int fd, ro = 0, ssz = 0;
	struct stat st;

	f->direct = 1;
	fd = open(d->path, flags | O_DIRECT);
	if (fd < 0 && errno == EINVAL) {
		f->direct = 0;
		fd = open(d->path, flags);
	}
	if (fd < 0) {
		int err = errno;
		if (err == EBUSY)
			error("refusing %s: it is busy: another program has it open exclusively (a "
			      "mount, swap, device-mapper or a partitioning tool)", d->path);
		else if (err == EROFS)
			error("refusing %s: it is read-only", d->path);
		else if (err == EACCES || err == EPERM)
			error("cannot open %s: %s (writing a disk needs root, or membership of its "
			      "group, usually 'disk')", d->path, strerror(err));
		else
			error("cannot open %s: %s", d->path, strerror(err));
		return error("nothing was written to %s", d->path);
	}
	if (fstat(fd, &st) < 0 || !S_ISBLK(st.st_mode) || st.st_rdev != d->rdev) {
		error("refusing %s: the device changed between check and open (it was %u:%u)",
		      d->path, major(d->rdev), minor(d->rdev));
		goto fail;
	}
	if (ioctl(fd, BLKGETSIZE64, &size) < 0 || ioctl(fd, BLKSSZGET, &ssz) < 0 ||
	    ioctl(fd, BLKROGET, &ro) < 0) {
		error_errno("refusing %s: cannot read its size", d->path);
		goto fail;
	}
	if (ssz != 512) {
		/* the image's partition table counts 512-byte sectors: on a disk of 4096-byte
		 * sectors its partition would be looked for 8 times further in */
		error("refusing %s: it has %d-byte sectors, and the image is laid out for 512-byte "
		      "ones", d->path, ssz);
		goto fail;
	}
	f->sector = 512;
	padded = (f->img_size + f->sector - 1) / f->sector * f->sector;
	if (ro) {
		error("refusing %s: it is read-only", d->path);
		goto fail;
	}
	if (size < padded) {
		error("refusing %s: it is smaller than the image (%" PRIu64 " < %" PRIu64 " bytes)",
		      d->path, size, padded);
		goto fail;
	}
	f->dev_size = size / 512 * 512;
	if (recheck(d, o->image, f->img_size, o->force, fd) < 0)
		goto fail;
	return fd;
fail:
	close(fd);
	return error("nothing was written to %s", d->path);
}

/* "67.1 MB<verb> in 0.31 s (216 MB/s)" */
static void rate(char *out, size_t len, uint64_t bytes, const char *verb, double s)
{
	char sz[32];
	flashsafe_size(bytes, sz, sizeof(sz));
	snprintf(out, len, "%s%s in %.2f s (%.0f MB/s)", sz, verb, s,
		 s > 0 ? (double)bytes / s / 1e6 : 0.0);
}

/* ---- test hooks: in the test build only (MKDISTRO_TESTING) ----
 *
 * The MKDISTRO_TEST_* variables (blkdev.h's fixtures, flashio.h's faults, and a command run
 * before the open) work only when the target is a loop device, so that a variable left set
 * by accident cannot change what a real disk looks like.  The installed program has none of
 * this code: there test_hooks() is 0 and test_before_open() nothing. */
#ifdef MKDISTRO_TESTING
/* Whether the hooks are on for device; turns blkdev's fixtures on with them. */
static int test_hooks(const char *device)
{
	extern char **environ;
	struct stat st;
	int set = 0, on = 0;
	for (char **e = environ; *e; e++)
		set |= !strncmp(*e, "MKDISTRO_TEST_", 14);
	if (set && stat(device, &st) == 0 && S_ISBLK(st.st_mode) && major(st.st_rdev) == LOOP_MAJOR)
		on = 1;
	else if (set)
		warning("ignoring the MKDISTRO_TEST_* variables: they are for tests on loop devices");
	blkdev_allow_test_tables(on);
	return on;
}

/* Tests swap the device here, between the checks and the open. */
static void test_before_open(int hooks)
{
	const char *cmd = hooks ? getenv("MKDISTRO_TEST_BEFORE_OPEN") : NULL;
	if (cmd && *cmd) {
		const char *argv[] = {"sh", "-c", cmd, NULL};
		struct child c = CHILD_INIT;
		c.argv = argv;
		spawn_run(&c);
	}
}
#else
static int test_hooks(const char *device)
{
	(void)device;
	return 0;
}

static void test_before_open(int hooks)
{
	(void)hooks;
}
#endif

int flash_run(const struct flash_opts *o)
{
	struct flashio f = {.img_fd = -1, .dev_fd = -1, .dev_path = o->device};
	struct blkdev d;
	struct buf why;
	char line[96];
	int ret = -1;

	buf_init(&why);
	memset(&d, 0, sizeof(d));
	f.test_hooks = test_hooks(o->device);
	if ((f.img_fd = open_image(o->image, &f.img_size)) < 0)
		goto out;
	if (blkdev_inspect(&d, o->device, o->image) < 0) {
		error("nothing was written to %s", o->device);
		goto out;
	}
	if (flashsafe_check(&d, f.img_size, o->force, &why) > 0) {
		refuse(o->device, why.data);
		goto out;
	}
	if (!o->yes || !log_quiet)
		describe(&d, o->image, f.img_size);
	if (!o->dry_run && !o->yes && confirm(&d) < 0)
		goto out;
	test_before_open(f.test_hooks);
	if ((f.dev_fd = open_device(&d, &f, o)) < 0)
		goto out;
	if (o->dry_run) {
		info("dry run: every check passed; nothing was written");
		ret = 0;
		goto out;
	}
	f.progress = !log_quiet && isatty(STDERR_FILENO);
	if ((ret = flashio_write(&f)) < 0)
		goto out;
	rate(line, sizeof(line), f.img_size, "", f.write_s);
	info("wrote %s", line);
	if (o->no_verify) {
		info("not verified (--no-verify)");
	} else {
		if ((ret = flashio_verify(&f)) < 0)
			goto out;
		rate(line, sizeof(line), f.img_size, " read back", f.verify_s);
		info("verified: sha256 %s matches (%s)", f.sha256, line);
	}
	/* Let the kernel see the new partition table (it fails harmlessly where it cannot). */
	ioctl(f.dev_fd, BLKRRPART, 0);
	if (close(f.dev_fd) < 0) {
		f.dev_fd = -1;
		ret = error_errno("closing %s failed", o->device);
		goto out;
	}
	f.dev_fd = -1;
	info("done: %s holds %s; the stick can be removed now", o->device, o->image);
	ret = 0;
out:
	if (f.dev_fd >= 0)
		close(f.dev_fd);
	if (f.img_fd >= 0)
		close(f.img_fd);
	blkdev_release(&d);
	buf_release(&why);
	return ret;
}
