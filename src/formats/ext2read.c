/* ext2read.c: read an ext2 image's tree with libext2fs (see ext2read.h).
 * References: e2fsprogs' lib/ext2fs (ext2fs_open, ext2fs_dir_iterate2, ext2fs_file_read),
 * and the ext2 on-disk format for device numbers in i_block[0] (old) or i_block[1] (new). */
#include "formats/ext2read.h"

#include <ext2fs/ext2fs.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "sys/alloc.h"
#include "sys/buf.h"
#include "sys/log.h"

int ext2read_is_ext2(const void *data, size_t n)
{
	const unsigned char *p = data;
	return n > 1082 && p[1080] == 0x53 && p[1081] == 0xef;
}

struct name {
	char *name;
	ext2_ino_t ino;
};

struct names {
	struct name *v;
	size_t n, cap;
	int bad; /* an entry's name is one ext2 does not allow */
};

static int collect(ext2_ino_t dir, int entry, struct ext2_dir_entry *d, int offset, int blocksize,
		   char *buf, void *priv)
{
	struct names *ns = priv;
	int len = ext2fs_dirent_name_len(d);
	(void)dir, (void)entry, (void)offset, (void)blocksize, (void)buf;
	if ((len == 1 && d->name[0] == '.') || (len == 2 && d->name[0] == '.' && d->name[1] == '.'))
		return 0;
	/* empty, or with a '/' or a NUL: it would be taken for the directory itself, or for a
	 * path, or for another entry's name */
	if (!len || memchr(d->name, '/', (size_t)len) || memchr(d->name, '\0', (size_t)len)) {
		ns->bad = 1;
		return DIRENT_ABORT;
	}
	XGROW(ns->v, ns->cap, ns->n + 1);
	ns->v[ns->n].name = xstrndup(d->name, (size_t)len);
	ns->v[ns->n++].ino = d->inode;
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct name *)a)->name, ((const struct name *)b)->name);
}

struct walk {
	ext2_filsys fs;
	const char *image;
	size_t max_file;
	int (*fn)(void *, const struct cpio_entry *);
	void *ctx;
	ext2_ino_t *seen; /* hard-linked files already given */
	size_t nseen, cap;
	ext2_ino_t *dirs; /* directories already read */
	size_t ndirs, capdirs;
	int depth;
};

static int emit(struct walk *w, const char *path, ext2_ino_t ino, int *is_dir)
{
	struct ext2_inode inode;
	struct cpio_entry e;
	struct buf data;
	unsigned type;
	errcode_t err;
	int ret;

	if ((err = ext2fs_read_inode(w->fs, ino, &inode)))
		return error("'%s': cannot read inode %u: %s", w->image, ino, error_message(err));
	memset(&e, 0, sizeof(e));
	buf_init(&data);
	type = inode.i_mode & 0170000;
	e.name = path;
	e.ino = ino;
	e.mode = inode.i_mode;
	e.uid = inode_uid(inode);
	e.gid = inode_gid(inode);
	e.nlink = inode.i_links_count;
	e.mtime = inode.i_mtime;
	*is_dir = type == 0040000;
	if (type == 0100000 || (type == 0120000 && !ext2fs_is_fast_symlink(&inode))) {
		int again = 0;
		for (size_t i = 0; i < w->nseen && type == 0100000; i++)
			again |= w->seen[i] == ino;
		if (!again) {
			ext2_file_t f;
			unsigned got = 0;
			size_t size = EXT2_I_SIZE(&inode);
			if (size > w->max_file)
				return error("'%s': '%s' is too large", w->image, path);
			buf_grow(&data, size);
			if (!(err = ext2fs_file_open(w->fs, ino, 0, &f))) {
				/* closed whatever the read gave, or the handle leaks */
				errcode_t cerr;
				err = ext2fs_file_read(f, data.data, (unsigned)size, &got);
				cerr = ext2fs_file_close(f);
				err = err ? err : cerr;
			}
			if (err || got != size) {
				buf_release(&data);
				return error("'%s': cannot read '%s': %s", w->image, path,
					     err ? error_message(err) : "short read");
			}
			buf_setlen(&data, size);
			if (e.nlink > 1 && type == 0100000) {
				XGROW(w->seen, w->cap, w->nseen + 1);
				w->seen[w->nseen++] = ino;
			}
		}
	} else if (type == 0120000) {
		buf_add(&data, (const char *)inode.i_block, EXT2_I_SIZE(&inode));
	} else if (type == 0020000 || type == 0060000) {
		if (inode.i_block[0]) {
			e.rdevmajor = (inode.i_block[0] >> 8) & 255;
			e.rdevminor = inode.i_block[0] & 255;
		} else {
			e.rdevmajor = (inode.i_block[1] & 0xfff00) >> 8;
			e.rdevminor = (inode.i_block[1] & 0xff) | ((inode.i_block[1] >> 12) & 0xfff00);
		}
	}
	e.data = (const unsigned char *)data.data;
	e.size = data.len;
	ret = w->fn(w->ctx, &e);
	buf_release(&data);
	return ret;
}

static int visit(struct walk *w, ext2_ino_t dir, const char *prefix)
{
	struct names ns = {0};
	errcode_t err;
	int ret = 0;
	/* A directory has one name.  One under a second name (only a damaged or crafted image
	 * has that) would be read again with everything below it: a chain of them doubles the
	 * walk at each level, and a loop goes round until the depth limit. */
	for (size_t i = 0; i < w->ndirs; i++)
		if (w->dirs[i] == dir)
			return error("'%s': '%s' is a second name of directory inode %u", w->image,
				     prefix, dir);
	XGROW(w->dirs, w->capdirs, w->ndirs + 1);
	w->dirs[w->ndirs++] = dir;
	if (++w->depth > 256)
		return error("'%s': directories nested too deep", w->image);
	if ((err = ext2fs_dir_iterate2(w->fs, dir, 0, NULL, collect, &ns)))
		ret = error("'%s': cannot read directory '%s': %s", w->image, prefix,
			    error_message(err));
	else if (ns.bad)
		ret = error("'%s': directory '%s' has an entry whose name is empty or holds a '/' "
			    "or a NUL", w->image, *prefix ? prefix : ".");
	if (ns.n)
		qsort(ns.v, ns.n, sizeof(*ns.v), by_name);
	for (size_t i = 0; i < ns.n && !ret; i++) {
		char *path;
		int is_dir;
		if (!*prefix && !strcmp(ns.v[i].name, "lost+found"))
			continue;
		path = *prefix ? xasprintf("%s/%s", prefix, ns.v[i].name) : xstrdup(ns.v[i].name);
		ret = emit(w, path, ns.v[i].ino, &is_dir);
		if (!ret && is_dir)
			ret = visit(w, ns.v[i].ino, path);
		free(path);
	}
	for (size_t i = 0; i < ns.n; i++)
		free(ns.v[i].name);
	free(ns.v);
	w->depth--;
	return ret;
}

/* ---- an io manager over an image in memory ----
 * libext2fs reads through an io manager; e2fsprogs' own ones read files or devices.  This
 * one reads the caller's bytes, so an initrd needs no temporary copy on disk.  Read-only:
 * ext2fs_open is called without EXT2_FLAG_RW, and a write is an error all the same. */

struct mem_image {
	const unsigned char *data;
	size_t size;
};

/* The image ext2read_walk_mem is opening, for mem_open (the manager's open gets only a
 * name); NULL otherwise. */
static const struct mem_image *mem_opening;

static struct struct_io_manager mem_manager;

static errcode_t mem_open(const char *name, int flags, io_channel *channel)
{
	io_channel io;
	if (!mem_opening)
		return EXT2_ET_BAD_DEVICE_NAME;
	if (flags & IO_FLAG_RW)
		return EXT2_ET_RO_UNSUPP_FEATURE;
	io = xcalloc(1, sizeof(*io));
	io->magic = EXT2_ET_MAGIC_IO_CHANNEL;
	io->manager = &mem_manager;
	io->name = xstrdup(name);
	io->block_size = 1024;
	io->refcount = 1;
	io->private_data = (void *)mem_opening;
	*channel = io;
	return 0;
}

static errcode_t mem_close(io_channel io)
{
	free(io->name);
	free(io);
	return 0;
}

static errcode_t mem_set_blksize(io_channel io, int blksize)
{
	if (blksize <= 0)
		return EXT2_ET_INVALID_ARGUMENT;
	io->block_size = blksize;
	return 0;
}

/* count blocks from block on (or -count bytes); what lies past the image's end reads as
 * zeros, and is a short read, as a file's would be. */
static errcode_t mem_read_blk64(io_channel io, unsigned long long block, int count, void *out)
{
	const struct mem_image *m = io->private_data;
	unsigned long long bs = (unsigned long long)io->block_size, size, at, have;
	size = count < 0 ? (unsigned long long)-(long long)count : (unsigned long long)count * bs;
	if (block > ULLONG_MAX / bs)
		return EXT2_ET_SHORT_READ;
	at = block * bs;
	have = at < m->size ? m->size - at : 0;
	if (have > size)
		have = size;
	if (have)
		memcpy(out, m->data + at, (size_t)have);
	memset((unsigned char *)out + have, 0, (size_t)(size - have));
	return have < size ? EXT2_ET_SHORT_READ : 0;
}

static errcode_t mem_read_blk(io_channel io, unsigned long block, int count, void *out)
{
	return mem_read_blk64(io, block, count, out);
}

static errcode_t mem_write_blk(io_channel io, unsigned long block, int count, const void *in)
{
	(void)io, (void)block, (void)count, (void)in;
	return EXT2_ET_RO_UNSUPP_FEATURE;
}

static errcode_t mem_write_blk64(io_channel io, unsigned long long block, int count,
				 const void *in)
{
	(void)io, (void)block, (void)count, (void)in;
	return EXT2_ET_RO_UNSUPP_FEATURE;
}

static errcode_t mem_write_byte(io_channel io, unsigned long offset, int count, const void *in)
{
	(void)io, (void)offset, (void)count, (void)in;
	return EXT2_ET_RO_UNSUPP_FEATURE;
}

static errcode_t mem_flush(io_channel io)
{
	(void)io;
	return 0;
}

static errcode_t mem_set_option(io_channel io, const char *option, const char *arg)
{
	(void)io, (void)option, (void)arg;
	return EXT2_ET_INVALID_ARGUMENT;
}

static struct struct_io_manager mem_manager = {
	.magic = EXT2_ET_MAGIC_IO_MANAGER,
	.name = "mkdistro memory I/O manager",
	.open = mem_open,
	.close = mem_close,
	.set_blksize = mem_set_blksize,
	.read_blk = mem_read_blk,
	.write_blk = mem_write_blk,
	.flush = mem_flush,
	.write_byte = mem_write_byte,
	.set_option = mem_set_option,
	.read_blk64 = mem_read_blk64,
	.write_blk64 = mem_write_blk64,
};

int ext2read_walk_mem(const void *data, size_t n, const char *name, size_t max_file,
		      int (*fn)(void *ctx, const struct cpio_entry *e), void *ctx, unsigned *size_kib)
{
	struct mem_image m = {.data = data, .size = n};
	struct walk w = {.image = name, .max_file = max_file, .fn = fn, .ctx = ctx};
	errcode_t err;
	int ret, is_dir;

	initialize_ext2_error_table(); /* libext2fs's messages for its error codes */
	/* not the file's name: ext2fs_open takes what follows a '?' in it for I/O options */
	mem_opening = &m;
	err = ext2fs_open("memory", 0, 0, 0, &mem_manager, &w.fs);
	mem_opening = NULL;
	if (err)
		return error("'%s' is not an ext2 filesystem mkdistro can read: %s", name,
			     error_message(err));
	*size_kib = (unsigned)(ext2fs_blocks_count(w.fs->super) * (EXT2_BLOCK_SIZE(w.fs->super) / 1024));
	ret = emit(&w, ".", EXT2_ROOT_INO, &is_dir);
	if (!ret)
		ret = visit(&w, EXT2_ROOT_INO, "");
	ext2fs_close_free(&w.fs);
	free(w.seen);
	free(w.dirs);
	return ret;
}
