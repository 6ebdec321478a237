/* ext2write.c: finish an ext2 image made by mke2fs -d (see ext2write.h).
 * References: e2fsprogs' lib/ext2fs/ext2fs.h, misc/create_inode.c (do_mknod_internal,
 * set_inode_extra), debugfs/set_fields.c (how a time goes into an inode past 2038), and
 * the kernel's fs/ext2/inode.c for the two encodings of a device number in i_block. */
#include "formats/ext2write.h"

#include <ext2fs/ext2fs.h>
#include <stdlib.h>
#include <string.h>

#include "sys/alloc.h"
#include "sys/log.h"

struct finishing {
	ext2_filsys fs;
	const char *image;
};

/* A 32-bit time field and the epoch bits of its _extra field (the rest of which holds
 * nanoseconds, left as they are), so that times past 2038 survive. */
static void set_time(__u32 *low, __u32 *extra, int64_t t)
{
	*low = (__u32)t;
	*extra = (*extra & ~(__u32)EXT4_EPOCH_MASK) |
		 ((__u32)((t - (int32_t)t) >> 32) & EXT4_EPOCH_MASK);
}

/* Owner and times of inode ino, and its mode unless mode is 0.  The inode is read and
 * written whole (as large as the image's inodes are), so what mke2fs put beyond the fields
 * set here stays. */
static int set_inode(struct finishing *f, ext2_ino_t ino, const char *path, unsigned mode,
		     unsigned uid, unsigned gid, int64_t t)
{
	struct ext2_inode_large in;
	errcode_t err;

	memset(&in, 0, sizeof(in)); /* an image of 128-byte inodes fills only those */
	err = ext2fs_read_inode2(f->fs, ino, (struct ext2_inode *)&in, sizeof(in), 0);
	if (!err) {
		if (mode)
			in.i_mode = (__u16)mode;
		in.i_uid = (__u16)uid;
		ext2fs_set_i_uid_high(in, uid >> 16);
		in.i_gid = (__u16)gid;
		ext2fs_set_i_gid_high(in, gid >> 16);
		set_time(&in.i_mtime, &in.i_mtime_extra, t);
		set_time(&in.i_atime, &in.i_atime_extra, t);
		set_time(&in.i_ctime, &in.i_ctime_extra, t);
		err = ext2fs_write_inode2(f->fs, ino, (struct ext2_inode *)&in, sizeof(in), 0);
	}
	if (err)
		return error("'%s': cannot set the owner and times of '%s': %s", f->image, path,
			     error_message(err));
	return 0;
}

/* The largest device numbers Linux keeps (12 bits of major, 20 of minor). */
#define MAX_MAJOR 0xfffu
#define MAX_MINOR 0xfffffu

/* Make the device node or FIFO e, of type fmt (LINUX_S_IF*), in its directory: a new inode
 * with one link, found from the directory's group on; *ino gets its number.  Owner, times
 * and permissions are set_inode's. */
static int make_node(struct finishing *f, const struct mf_entry *e, unsigned fmt, ext2_ino_t *ino)
{
	const char *base = strrchr(e->path, '/') + 1;
	char *dirpath = xstrndup(e->path, (size_t)(base - e->path));
	int type = fmt == LINUX_S_IFCHR ? EXT2_FT_CHRDEV : fmt == LINUX_S_IFBLK ? EXT2_FT_BLKDEV
										 : EXT2_FT_FIFO;
	struct ext2_inode in;
	ext2_ino_t dir;
	errcode_t err;
	int ret = 0;

	if (fmt != LINUX_S_IFIFO && (e->major > MAX_MAJOR || e->minor > MAX_MINOR)) {
		ret = error("'%s': device number %u:%u is more than Linux keeps (%u:%u)", e->path,
			    e->major, e->minor, MAX_MAJOR, MAX_MINOR);
		goto out;
	}
	err = ext2fs_namei(f->fs, EXT2_ROOT_INO, EXT2_ROOT_INO, dirpath, &dir);
	if (!err)
		err = ext2fs_new_inode(f->fs, dir, (int)(fmt | e->mode), NULL, ino);
	if (!err) {
		err = ext2fs_link(f->fs, dir, base, *ino, type);
		if (err == EXT2_ET_DIR_NO_SPACE) {
			err = ext2fs_expand_dir(f->fs, dir);
			if (!err)
				err = ext2fs_link(f->fs, dir, base, *ino, type);
		}
	}
	if (err) {
		ret = error("'%s': cannot make '%s': %s", f->image, e->path, error_message(err));
		goto out;
	}
	ext2fs_inode_alloc_stats2(f->fs, *ino, +1, 0);
	memset(&in, 0, sizeof(in));
	in.i_mode = (__u16)fmt;
	in.i_links_count = 1;
	if (fmt != LINUX_S_IFIFO && e->major < 256 && e->minor < 256)
		in.i_block[0] = e->major << 8 | e->minor; /* the old encoding, while it fits */
	else if (fmt != LINUX_S_IFIFO)
		in.i_block[1] = (e->minor & 0xff) | e->major << 8 | (e->minor & ~0xffu) << 12;
	/* the times left 0 are stamped fs->now, and so is the creation time */
	if ((err = ext2fs_write_new_inode(f->fs, *ino, &in)))
		ret = error("'%s': cannot write the inode of '%s': %s", f->image, e->path,
			    error_message(err));
out:
	free(dirpath);
	return ret;
}

static int finish_entry(struct finishing *f, const struct mf_entry *e)
{
	unsigned fmt = e->type == MF_CHR ? LINUX_S_IFCHR : e->type == MF_BLK ? LINUX_S_IFBLK
			 : e->type == MF_FIFO ? LINUX_S_IFIFO : 0;
	ext2_ino_t ino;
	errcode_t err;

	if (fmt) {
		if (make_node(f, e, fmt, &ino) < 0)
			return -1;
	} else if ((err = ext2fs_namei(f->fs, EXT2_ROOT_INO, EXT2_ROOT_INO, e->path, &ino))) {
		return error("'%s': cannot find '%s': %s", f->image, e->path, error_message(err));
	}
	return set_inode(f, ino, e->path, fmt ? fmt | e->mode : 0, e->uid, e->gid, e->mtime);
}

int ext2write_finish(const char *image, const struct manifest *m, int64_t epoch)
{
	struct finishing f = {.image = image};
	errcode_t err;
	int ret = 0;

	initialize_ext2_error_table(); /* for error_message(); added once however often called */
	/* io_options "" (none), so that a '?' in the name is taken as part of it */
	err = ext2fs_open2(image, "", EXT2_FLAG_RW | EXT2_FLAG_64BITS, 0, 0, unix_io_manager,
			   &f.fs);
	if (err)
		return error("cannot open the ext2 image '%s': %s", image, error_message(err));
	/* libext2fs stamps the superblock's write time and a new inode's creation time with
	 * fs->now, or the clock when it is 0; E2FSPROGS_FAKE_TIME sets it the same way */
	f.fs->now = (time_t)epoch;
	if ((err = ext2fs_read_bitmaps(f.fs)))
		ret = error("'%s': cannot read the allocation bitmaps: %s", image, error_message(err));
	if (!ret)
		ret = set_inode(&f, EXT2_ROOT_INO, "/", 0, 0, 0, epoch);
	for (size_t i = 0; i < m->n && !ret; i++)
		ret = finish_entry(&f, &m->v[i]);
	if (ret) {
		ext2fs_free(f.fs); /* the image is half done, and the caller's to throw away */
		return -1;
	}
	if ((err = ext2fs_close_free(&f.fs)))
		return error("cannot write the ext2 image '%s': %s", image, error_message(err));
	return 0;
}
