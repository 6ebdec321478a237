/* ext2image.c: an ext2 image of a manifest with mke2fs -d and libext2fs (see ext2image.h).
 * References: mke2fs(8), Documentation/admin-guide/initrd.rst. */
#include "build/ext2image.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "formats/ext2write.h"
#include "sys/alloc.h"
#include "sys/fs.h"
#include "sys/interrupt.h"
#include "sys/log.h"
#include "sys/spawn.h"

/* A file of the tree: its contents from the host file or from memory.  b is scratch. */
static int stage_file(const struct mf_entry *e, const char *p, struct buf *b)
{
	int fd, ret = 0;
	buf_reset(b);
	if (e->source && read_file(e->source, b) < 0)
		return -1;
	if (!e->source)
		buf_add(b, e->data, e->size);
	fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return error_errno("cannot create '%s'", p);
	if (write_all(fd, b->data, b->len) < 0)
		ret = error_errno("cannot write '%s'", p);
	if (close(fd) < 0 && !ret)
		ret = error_errno("cannot write '%s'", p);
	return ret;
}

/* Entry e under root.  Device nodes and FIFOs are left to ext2write_finish() (making them
 * here would need root).  b is scratch. */
static int stage_entry(const struct mf_entry *e, const char *root, struct buf *b)
{
	char *p = path_join(root, e->path), *first;
	int ret = 0;
	switch (e->type) {
	case MF_DIR:
		if (mkdir(p, 0755) < 0)
			ret = error_errno("cannot create '%s'", p);
		break;
	case MF_FILE:
		if (!e->link_to) {
			ret = stage_file(e, p, b);
			break;
		}
		/* mke2fs -d keeps hard links as hard links */
		first = path_join(root, e->link_to);
		if (link(first, p) < 0)
			ret = error_errno("cannot link '%s'", p);
		free(first);
		break;
	case MF_SYMLINK:
		if (symlink(e->target, p) < 0)
			ret = error_errno("cannot create symlink '%s'", p);
		break;
	default:
		break;
	}
	free(p);
	return ret;
}

/* Lay the manifest out as a real directory tree for mke2fs -d. */
static int stage_tree(const struct manifest *m, const char *root)
{
	struct buf b;
	int ret = 0;
	buf_init(&b);
	if (remove_tree(root) < 0 || mkdir_p(root, 0755) < 0)
		ret = -1;
	for (size_t i = 0; i < m->n && !ret; i++)
		ret = stage_entry(&m->v[i], root, &b);
	/* Modes and times last, deepest first, so that writing into a directory does not
	 * change its time after it was set. */
	for (size_t i = m->n; i-- > 0 && !ret;) {
		const struct mf_entry *e = &m->v[i];
		char *p = path_join(root, e->path);
		struct timespec ts[2] = {{.tv_sec = e->mtime}, {.tv_sec = e->mtime}};
		if (e->type == MF_DIR || e->type == MF_FILE) {
			if (chmod(p, e->mode) < 0)
				ret = error_errno("cannot set the mode of '%s'", p);
		}
		if (!ret && e->type <= MF_SYMLINK &&
		    utimensat(AT_FDCWD, p, ts, AT_SYMLINK_NOFOLLOW) < 0)
			ret = error_errno("cannot set the time of '%s'", p);
		free(p);
	}
	buf_release(&b);
	return ret;
}

/* Run c with its output in cap (read into out), then appended to the log.  Returns the
 * exit status, or -1 (reported). */
static int run_captured(struct child *c, const char *cap, const char *log, struct buf *out)
{
	int rc;
	unlink(cap);
	c->log = cap;
	rc = spawn_run(c);
	buf_reset(out);
	if (file_exists(cap) && read_file(cap, out) == 0) {
		FILE *f = fopen(log, "a");
		if (f) {
			fwrite(out->data, 1, out->len, f);
			fclose(f);
		}
	}
	unlink(cap);
	/* stopped because mkdistro was told to stop: that is the error to report */
	return rc > 0 && interrupted() ? interrupt_check() : rc;
}

/* mke2fs -d root into a fresh file img of size_kib.  Returns 0, 1 when the tree does not
 * fit, or -1 (reported). */
static int make_ext2(const struct ext2image_params *p, const char *root, const char *img,
		     unsigned size_kib)
{
	char size[32];
	char *fake = xasprintf("E2FSPROGS_FAKE_TIME=%lld", (long long)p->epoch);
	char *ext = xasprintf("root_owner=0:0,hash_seed=%s", p->uuid);
	const char *env[] = {fake, NULL};
	const char *argv[] = {"mke2fs", "-q", "-F", "-t", "ext2", "-b", "1024", "-m", "0", "-L",
			      "initrd", "-U", p->uuid, "-E", ext, "-d", root, img, size, NULL};
	struct child c = CHILD_INIT;
	char *cap = xasprintf("%s.out", img);
	struct buf said;
	int fd, rc;

	snprintf(size, sizeof(size), "%u", size_kib);
	unlink(img);
	fd = open(img, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || ftruncate(fd, (off_t)size_kib * 1024) < 0) {
		rc = error_errno("cannot create '%s'", img);
		if (fd >= 0)
			close(fd);
		goto out;
	}
	close(fd);
	c.argv = argv;
	c.env = env;
	buf_init(&said);
	rc = run_captured(&c, cap, p->log, &said);
	if (rc > 0 && (strstr(said.data, "Could not allocate") || strstr(said.data, "No space left") ||
		       strstr(said.data, "Not enough space") || strstr(said.data, "too small")))
		rc = 1; /* the tree does not fit */
	else if (rc > 0)
		rc = error("mke2fs failed (exit %d): %s; full log: %s", rc, said.data, p->log);
	buf_release(&said);
out:
	free(fake);
	free(ext);
	free(cap);
	return rc;
}

/* The tree does not fit in p->size_kib: find the smallest size it fits in (to within 16
 * KiB), into *need_kib, and report it.  Returns -1. */
static int report_needed_size(const struct ext2image_params *p, const char *root, const char *img,
		       unsigned *need_kib)
{
	const unsigned max = 4u << 20; /* [initrd] size's limit */
	unsigned lo = p->size_kib, hi = lo * 2 < max ? lo * 2 : max;
	int rc;
	while ((rc = make_ext2(p, root, img, hi)) == 1 && hi < max) {
		lo = hi;
		hi = hi * 2 < max ? hi * 2 : max;
	}
	if (rc < 0)
		return -1;
	if (rc == 1)
		return error("initrd: the root filesystem does not fit in an ext2 image of %u KiB, "
			     "the largest [initrd] size; see %s",
			     max, p->log);
	while (hi - lo > 16) {
		unsigned mid = lo + (hi - lo) / 2;
		rc = make_ext2(p, root, img, mid);
		if (rc < 0)
			return -1;
		if (rc == 0)
			hi = mid;
		else
			lo = mid;
	}
	*need_kib = hi;
	return error("initrd: the root filesystem needs about %u KiB, but [initrd] size is %u KiB; "
		     "set size = %u or more in mkdistro.conf",
		     hi, p->size_kib, hi);
}

int ext2image_write(const struct ext2image_params *p, const struct manifest *m,
		    struct buf *image, unsigned *need_kib)
{
	char *root = path_join(p->workdir, "ext2-root");
	char *img = path_join(p->workdir, "initrd.ext2");
	int ret = -1, rc;

	*need_kib = 0;
	if (mkdir_p(p->workdir, 0755) < 0 || stage_tree(m, root) < 0)
		goto out;
	rc = make_ext2(p, root, img, p->size_kib);
	if (rc == 1)
		report_needed_size(p, root, img, need_kib);
	if (rc != 0)
		goto out;
	if (ext2write_finish(img, m, p->epoch) < 0 || read_file(img, image) < 0)
		goto out;
	ret = 0;
out:
	remove_tree(root);
	unlink(img);
	free(root);
	free(img);
	return ret;
}
