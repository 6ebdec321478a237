/* initrd.c: the initrd writers (see initrd.h).
 * References: Documentation/admin-guide/initrd.rst, mke2fs(8) (-d, -E root_owner,
 * E2FSPROGS_FAKE_TIME), debugfs(8) (set_inode_field, mknod).
 */
#include "build/initrd.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "formats/cpio.h"
#include "formats/gz.h"
#include "sys/alloc.h"
#include "sys/buf.h"
#include "sys/fs.h"
#include "sys/hash.h"
#include "sys/interrupt.h"
#include "sys/log.h"
#include "sys/spawn.h"

/* Compress raw and write it to out_path atomically, noting both sizes. */
static int write_gzip(const struct plan *plan, const struct buf *raw, const char *out_path,
		      struct initrd_stats *st)
{
	struct buf gz;
	int ret;
	buf_init(&gz);
	ret = gz_compress(raw->data, raw->len, plan->gzip_level, &gz);
	if (!ret)
		ret = write_file_atomic(out_path, gz.data, gz.len, 0644);
	if (!ret) {
		st->raw = raw->len;
		st->compressed = gz.len;
	}
	buf_release(&gz);
	return ret;
}

static int write_cpio(const struct plan *plan, const struct manifest *m, const char *out_path,
		      struct initrd_stats *st)
{
	struct buf raw;
	int ret;
	buf_init(&raw);
	ret = cpio_write_manifest(m, cpio_sink_buf, &raw);
	if (!ret)
		ret = write_gzip(plan, &raw, out_path, st);
	buf_release(&raw);
	return ret;
}

/* Lay the manifest out as a real directory tree for mke2fs -d.  Device nodes and FIFOs are
 * left to debugfs (making them here would need root). */
static int stage_tree(const struct manifest *m, const char *root)
{
	struct buf b;
	int ret = 0;
	buf_init(&b);
	if (remove_tree(root) < 0 || mkdir_p(root, 0755) < 0)
		ret = -1;
	for (size_t i = 0; i < m->n && !ret; i++) {
		const struct mf_entry *e = &m->v[i];
		char *p = path_join(root, e->path);
		switch (e->type) {
		case MF_DIR:
			if (mkdir(p, 0755) < 0)
				ret = error_errno("cannot create '%s'", p);
			break;
		case MF_FILE:
			if (e->link_to) {
				/* mke2fs -d keeps hard links as hard links */
				char *first = path_join(root, e->link_to);
				if (link(first, p) < 0)
					ret = error_errno("cannot link '%s'", p);
				free(first);
				break;
			}
			buf_reset(&b);
			if (e->source) {
				if (read_file(e->source, &b) < 0) {
					ret = -1;
					break;
				}
			} else {
				buf_add(&b, e->data, e->size);
			}
			{
				int fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
				if (fd < 0) {
					ret = error_errno("cannot create '%s'", p);
				} else if (write_all(fd, b.data, b.len) < 0) {
					ret = error_errno("cannot write '%s'", p);
					close(fd);
				} else if (close(fd) < 0) {
					ret = error_errno("cannot write '%s'", p);
				}
			}
			break;
		case MF_SYMLINK:
			if (symlink(e->target, p) < 0)
				ret = error_errno("cannot create symlink '%s'", p);
			break;
		default:
			break;
		}
		free(p);
	}
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

/* Run c with its output in cap (read into out), then appended to the stage log.  Returns
 * the exit status, or -1 (reported). */
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

/* mke2fs -d into a fresh file of size_kib.  Returns 0, 1 when the tree does not fit, or -1
 * (reported). */
static int make_ext2(const struct plan *plan, const char *root, const char *img, unsigned size_kib,
		     const char *log)
{
	char size[32];
	char *fake = xasprintf("E2FSPROGS_FAKE_TIME=%lld", (long long)plan->epoch);
	const char *uuid = "6d6b6469-7374-726f-2d69-6e6974726400";
	char *ext = xasprintf("root_owner=0:0,hash_seed=%s", uuid);
	const char *env[] = {fake, NULL};
	const char *argv[] = {"mke2fs", "-q", "-F", "-t", "ext2", "-b", "1024", "-m", "0", "-L",
			      "initrd", "-U", uuid, "-E", ext, "-d", root, img, size, NULL};
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
	rc = run_captured(&c, cap, log, &said);
	if (rc > 0 && (strstr(said.data, "Could not allocate") || strstr(said.data, "No space left") ||
		       strstr(said.data, "Not enough space") || strstr(said.data, "too small")))
		rc = 1; /* the tree does not fit */
	else if (rc > 0)
		rc = error("mke2fs failed (exit %d): %s; full log: %s", rc, said.data, log);
	buf_release(&said);
out:
	free(fake);
	free(ext);
	free(cap);
	return rc;
}

/* debugfs commands: owners 0:0, every time the epoch, device nodes. */
static int fix_inodes(const struct plan *plan, const struct manifest *m, const char *img,
		      const char *script, const char *log)
{
	struct buf b;
	const char *argv[] = {"debugfs", "-w", "-f", script, img, NULL};
	struct child c = CHILD_INIT;
	long long t = (long long)plan->epoch;
	char *cap = xasprintf("%s.out", script);
	char *fake = NULL;
	const char *env[] = {NULL, NULL};
	int rc;

	buf_init(&b);
	/* debugfs reads a time as YYYYMMDDhhmmss, or @seconds */
	buf_addf(&b, "sif / uid 0\nsif / gid 0\nsif / mtime @%lld\nsif / atime @%lld\nsif / ctime @%lld\n",
		 t, t, t);
	for (size_t i = 0; i < m->n; i++) {
		const struct mf_entry *e = &m->v[i];
		if (strpbrk(e->path, "\"\\\n")) {
			buf_release(&b);
			free(cap);
			return error("'%s': names with double quotes, backslashes or newlines cannot "
				     "go in an ext2 initrd (use the cpio format)",
				     e->path);
		}
		if (e->type == MF_CHR || e->type == MF_BLK || e->type == MF_FIFO) {
			unsigned fmt = e->type == MF_CHR ? 020000 : e->type == MF_BLK ? 060000 : 010000;
			/* debugfs's mknod makes its node in the current directory */
			const char *base = strrchr(e->path, '/') + 1;
			buf_addf(&b, "cd \"%.*s\"\n", (int)(base - e->path), e->path);
			if (e->type == MF_FIFO)
				buf_addf(&b, "mknod \"%s\" p\n", base);
			else
				buf_addf(&b, "mknod \"%s\" %c %u %u\n", base, e->type == MF_CHR ? 'c' : 'b',
					 e->major, e->minor);
			buf_adds(&b, "cd /\n");
			buf_addf(&b, "sif \"%s\" mode 0%o\n", e->path, fmt | e->mode);
		}
		buf_addf(&b, "sif \"%s\" uid %u\nsif \"%s\" gid %u\n", e->path, e->uid, e->path, e->gid);
		buf_addf(&b, "sif \"%s\" mtime @%lld\nsif \"%s\" atime @%lld\nsif \"%s\" ctime @%lld\n",
			 e->path,
			 (long long)e->mtime, e->path, (long long)e->mtime, e->path,
			 (long long)e->mtime);
	}
	rc = write_file_atomic(script, b.data, b.len, 0644);
	if (rc < 0) {
		buf_release(&b);
		return -1;
	}
	/* The superblock's write time too comes from the epoch, not the clock. */
	fake = xasprintf("E2FSPROGS_FAKE_TIME=%lld", t);
	env[0] = fake;
	c.env = env;
	/* debugfs exits 0 even when a command fails, so read what it said: anything but its
	 * banner ("debugfs 1.47.0 (5-Feb-2023)"), its echo of each command ("debugfs: sif ...")
	 * and the logged command line is an error (such as "mknod: ..."). */
	c.argv = argv;
	rc = run_captured(&c, cap, log, &b);
	if (rc == 0) {
		for (char *line = strtok(b.data, "\n"); line; line = strtok(NULL, "\n")) {
			if (!strncmp(line, "debugfs", 7) || !strncmp(line, "$ ", 2) ||
			    !strncmp(line, "Allocated inode:", 16))
				continue; /* its banner and chatter, its echo of each command, our log line */
			rc = error("debugfs could not finish the ext2 initrd: %s; full log: %s", line, log);
			break;
		}
	} else if (rc > 0) {
		rc = error("debugfs failed (exit %d); see %s", rc, log);
	}
	buf_release(&b);
	free(cap);
	free(fake);
	return rc;
}

static int write_ext2(const struct plan *plan, const struct manifest *m, const char *workdir,
		      const char *log, const char *out_path, struct initrd_stats *st)
{
	char *root = path_join(workdir, "ext2-root");
	char *img = path_join(workdir, "initrd.ext2");
	char *script = path_join(workdir, "debugfs.cmd");
	struct buf raw;
	int ret = -1, rc;

	buf_init(&raw);
	if (stage_tree(m, root) < 0)
		goto out;
	rc = make_ext2(plan, root, img, plan->initrd_size_kib, log);
	if (rc < 0)
		goto out;
	if (rc == 1) {
		/* Too small: find the smallest size that works, to name it. */
		const unsigned max = 4u << 20; /* [initrd] size's limit */
		unsigned lo = plan->initrd_size_kib, hi = lo * 2 < max ? lo * 2 : max;
		while ((rc = make_ext2(plan, root, img, hi, log)) == 1 && hi < max) {
			lo = hi;
			hi = hi * 2 < max ? hi * 2 : max;
		}
		if (rc < 0)
			goto out;
		if (rc == 1) {
			error("initrd: the root filesystem does not fit in an ext2 image of %u KiB, the "
			      "largest [initrd] size; see %s",
			      max, log);
			goto out;
		}
		while (hi - lo > 16) {
			unsigned mid = lo + (hi - lo) / 2;
			rc = make_ext2(plan, root, img, mid, log);
			if (rc < 0)
				goto out;
			if (rc == 0)
				hi = mid;
			else
				lo = mid;
		}
		st->need_kib = hi;
		error("initrd: the root filesystem needs about %u KiB, but [initrd] size is %u KiB; "
		      "set size = %u or more in mkdistro.conf",
		      hi, plan->initrd_size_kib, hi);
		goto out;
	}
	if (fix_inodes(plan, m, img, script, log) < 0)
		goto out;
	if (read_file(img, &raw) < 0 || write_gzip(plan, &raw, out_path, st) < 0)
		goto out;
	ret = 0;
out:
	remove_tree(root);
	unlink(img);
	unlink(script);
	buf_release(&raw);
	free(root);
	free(img);
	free(script);
	return ret;
}

int initrd_write(const struct plan *plan, const struct manifest *m, const char *workdir,
		 const char *log, const char *out_path, struct initrd_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->entries = m->n;
	if (mkdir_p(workdir, 0755) < 0)
		return -1;
	if (plan->initrd_format == INITRD_EXT2)
		return write_ext2(plan, m, workdir, log, out_path, st);
	return write_cpio(plan, m, out_path, st);
}

int initrd_inputs(const struct plan *plan, const struct manifest *m, struct inputs *in)
{
	int ext2 = plan->initrd_format == INITRD_EXT2;
	inputs_add(in, "stage", "initrd 2");
	inputs_add(in, "format", "%s", ext2 ? "ext2" : "cpio");
	inputs_add(in, "level", "%d", plan->gzip_level);
	if (ext2)
		inputs_add(in, "size", "%u KiB", plan->initrd_size_kib);
	if (inputs_add_self(in) < 0 || (ext2 && (inputs_add_tool(in, "mke2fs") < 0 ||
						  inputs_add_tool(in, "debugfs") < 0)))
		return -1;
	for (size_t i = 0; i < m->n; i++) {
		const struct mf_entry *e = &m->v[i];
		char sum[65];
		switch (e->type) {
		case MF_DIR:
			inputs_add(in, e->path, "dir %04o %u:%u %lld", e->mode, e->uid, e->gid,
				   (long long)e->mtime);
			break;
		case MF_FILE:
			if (e->link_to)
				inputs_add(in, e->path, "link %04o %u:%u %lld %s", e->mode, e->uid, e->gid,
					   (long long)e->mtime, e->link_to);
			else {
				if (e->source && sha256_file(e->source, sum) < 0)
					return -1;
				if (!e->source)
					sha256_hex(e->data, e->size, sum);
				inputs_add(in, e->path, "file %04o %u:%u %lld sha256:%s", e->mode, e->uid,
					   e->gid, (long long)e->mtime, sum);
			}
			break;
		case MF_SYMLINK:
			inputs_add(in, e->path, "symlink %u:%u %lld %s", e->uid, e->gid, (long long)e->mtime,
				   e->target);
			break;
		case MF_CHR:
		case MF_BLK:
		case MF_FIFO:
			inputs_add(in, e->path, "%s %04o %u:%u %lld %u:%u",
				   e->type == MF_CHR ? "chr" : e->type == MF_BLK ? "blk" : "fifo", e->mode,
				   e->uid, e->gid, (long long)e->mtime, e->major, e->minor);
			break;
		}
	}
	return 0;
}
