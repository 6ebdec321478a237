/* initrdfile.c: unpack and pack initrds without root (see initrdfile.h).  The list's text
 * form is formats/mflist.h's; an ext2 initrd is read by formats/ext2read.h and written by
 * build/ext2image.h, as the build writes one.
 */
#include "tools/initrdfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build/ext2image.h"
#include "formats/cpio.h"
#include "formats/ext2read.h"
#include "formats/gz.h"
#include "formats/xz.h"
#include "formats/manifest.h"
#include "formats/mflist.h"
#include "formats/unpack.h"
#include "sys/alloc.h"
#include "sys/buf.h"
#include "sys/fs.h"
#include "sys/log.h"

/* The epoch of an ext2 initrd whose list has no root line: a project's default [build]
 * epoch, 2000-01-01 00:00:00 UTC. */
#define DEFAULT_EPOCH 946684800

/* No part of path (below dir) may be a symlink: writing through it could leave dir. */
static int through_symlink(const char *dir, const char *path)
{
	char *p = xstrdup(path);
	int bad = 0;
	for (char *s = strchr(p, '/'); s && !bad; s = strchr(s + 1, '/')) {
		struct stat st;
		*s = '\0';
		char *full = path_join(dir, p);
		bad = lstat(full, &st) == 0 && S_ISLNK(st.st_mode);
		free(full);
		*s = '/';
	}
	free(p);
	return bad;
}

/* ---- unpack ---- */

struct unpacking {
	const char *dir, *file;
	struct mflist list;
	/* hard links: the first path of each (ino, dev) with nlink > 1 */
	struct link {
		uint32_t ino, maj, min;
		char *path;
	} *links;
	size_t nlinks, cap;
};

/* May member e, named name (without its leading "./"), be written under u->dir?  Returns 0,
 * or -1 (reported). */
static int check_member(const struct unpacking *u, const struct cpio_entry *e, const char *name)
{
	const char *why;
	char *shown;
	int ret;
	if (!strcmp(name, "."))
		return 0;
	/* Checked against the disk as it is now: a symlink made by an earlier member cannot be
	 * replaced later (every member is created exclusively). */
	why = name[0] == '/' ? "an absolute name would land outside"
	      : !unpack_name_is_safe(name) ? "its '..' would climb out of"
	      : through_symlink(u->dir, name) ? "it goes through a symlink, and could land outside"
	      /* the list could hold it (escaped), but no cpio writer takes it back, and in a
	       * listing it passes for two names */
	      : strchr(name, '\n') ? "a newline in a name has no place in"
				   : NULL;
	if (why) {
		shown = unpack_shown(e->name);
		ret = error("'%s': refusing member '%s': %s '%s'", u->file, shown, why, u->dir);
		free(shown);
		return ret;
	}
	/* The list is written last, as LIST.tmp renamed to LIST: a member by either name would
	 * be overwritten, or, as a symlink, have the list written wherever it points. */
	if (!strcmp(name, INITRDFILE_LIST) || !strcmp(name, INITRDFILE_LIST ".tmp"))
		return error("'%s': refusing member '%s': unpack writes its own list there", u->file,
			     e->name);
	return 0;
}

/* The list's type for a member of mode type (S_IF*), a hard link to an earlier one when
 * linked; -1 for a type the list has none for. */
static int item_type(unsigned type, int linked)
{
	switch (type) {
	case S_IFDIR:
		return MFLIST_DIR;
	case S_IFREG:
		return linked ? MFLIST_LINK : MFLIST_FILE;
	case S_IFLNK:
		return MFLIST_SLINK;
	case S_IFCHR:
		return MFLIST_CHR;
	case S_IFBLK:
		return MFLIST_BLK;
	case S_IFIFO:
		return MFLIST_FIFO;
	case S_IFSOCK:
		return MFLIST_SOCK;
	default:
		return -1;
	}
}

/* The first name of the hard-linked file e, when an earlier member was one; else NULL. */
static const struct link *first_link(const struct unpacking *u, const struct cpio_entry *e)
{
	const struct link *first = NULL;
	if ((e->mode & S_IFMT) != S_IFREG || e->nlink < 2)
		return NULL;
	for (size_t i = 0; i < u->nlinks; i++)
		if (u->links[i].ino == e->ino && u->links[i].maj == e->devmajor &&
		    u->links[i].min == e->devminor)
			first = &u->links[i];
	return first;
}

/* A regular file: a new one at full, or another name of first, whose data newc keeps on
 * the last name (so it is written through the first). */
static int extract_file(struct unpacking *u, const struct cpio_entry *e, const char *name,
			const char *full, const struct link *first)
{
	int fd, ret = 0;
	if (first) {
		char *target = path_join(u->dir, first->path);
		if (link(target, full) < 0)
			ret = error_errno("cannot link '%s'", full);
		else if (e->size) {
			fd = open(target, O_WRONLY | O_TRUNC | O_CLOEXEC);
			if (fd < 0 || write_all(fd, e->data, e->size) < 0)
				ret = error_errno("cannot write '%s'", target);
			if (fd >= 0)
				close(fd);
		}
		free(target);
	} else {
		fd = open(full, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0)
			return error_errno("cannot create '%s'", full);
		if (write_all(fd, e->data, e->size) < 0)
			ret = error_errno("cannot write '%s'", full);
		close(fd);
		if (!ret && e->nlink > 1) {
			XGROW(u->links, u->cap, u->nlinks + 1);
			u->links[u->nlinks++] =
				(struct link){e->ino, e->devmajor, e->devminor, xstrdup(name)};
		}
	}
	if (!ret && chmod(full, e->mode & 07777) < 0)
		ret = error_errno("cannot set the mode of '%s'", full);
	return ret;
}

/* Put member e on disk at full, as far as a user without root can: directories, files and
 * symlinks (with their times, but for directories: see fix_dirs); device nodes, FIFOs and
 * sockets live in the list only. */
static int extract(struct unpacking *u, const struct cpio_entry *e, const struct mflist_item *it,
		   const char *full, const struct link *first)
{
	struct timespec ts[2] = {{.tv_sec = e->mtime}, {.tv_sec = e->mtime}};
	int ret = 0;
	switch (it->type) {
	case MFLIST_DIR:
		if (mkdir(full, 0700) < 0 && !(errno == EEXIST && !strcmp(it->path, ".")))
			ret = error_errno("cannot create '%s'", full);
		return ret;
	case MFLIST_FILE:
	case MFLIST_LINK:
		ret = extract_file(u, e, it->path, full, first);
		break;
	case MFLIST_SLINK:
		if (symlink(it->target, full) < 0)
			ret = error_errno("cannot create symlink '%s'", full);
		break;
	default:
		return 0;
	}
	if (!ret)
		utimensat(AT_FDCWD, full, ts, AT_SYMLINK_NOFOLLOW);
	return ret;
}

static int unpack_member(void *ctx, const struct cpio_entry *e)
{
	struct unpacking *u = ctx;
	const char *name = e->name;
	const struct link *first;
	struct mflist_item it;
	char *full;
	int type, ret;

	while (name[0] == '.' && name[1] == '/')
		name += 2;
	if (!*name)
		name = "."; /* "./" */
	if (check_member(u, e, name) < 0)
		return -1;
	first = first_link(u, e);
	if ((type = item_type(e->mode & S_IFMT, first != NULL)) < 0) {
		char *shown = unpack_shown(e->name);
		ret = error("'%s': member '%s' has an unknown file type (mode %o)", u->file, shown,
			    e->mode);
		free(shown);
		return ret;
	}
	it = (struct mflist_item){.type = (enum mflist_type)type, .path = xstrdup(name),
				  .mode = e->mode & 07777, .uid = e->uid, .gid = e->gid,
				  .mtime = e->mtime, .ino = e->ino, .nlink = e->nlink};
	if (first)
		it.target = xstrdup(first->path);
	else if (type == MFLIST_SLINK)
		it.target = xstrndup((const char *)e->data, e->size);
	if (type == MFLIST_CHR || type == MFLIST_BLK) {
		it.major = e->rdevmajor;
		it.minor = e->rdevminor;
	}
	full = strcmp(name, ".") ? path_join(u->dir, name) : xstrdup(u->dir);
	ret = extract(u, e, &it, full, first);
	mflist_add(&u->list, &it);
	free(full);
	return ret;
}

/* The gzip level that made raw from data.  The header's XFL narrows it (libdeflate writes 4
 * for level 1, 2 for 8 to 12, 0 between), then each candidate is tried, the likeliest first
 * (6, mkdistro's default; 9, gzip -9), until one gives the same bytes.  A file another gzip
 * made may match none: the likeliest level then, and a round trip gives other bytes. */
static int find_level(const struct buf *raw, const struct buf *data)
{
	static const int fast[] = {1}, middle[] = {6, 5, 7, 4, 3, 2},
			 slow[] = {9, 8, 10, 11, 12};
	unsigned char xfl = raw->len > 8 ? (unsigned char)raw->data[8] : 0;
	const int *try = xfl == 4 ? fast : xfl == 2 ? slow : middle;
	size_t n = xfl == 4 ? 1 : xfl == 2 ? 5 : 6;
	for (size_t i = 0; i < n; i++) {
		struct buf gz;
		int same;
		buf_init(&gz);
		same = gz_compress(data->data, data->len, try[i], &gz) == 0 && gz.len == raw->len &&
		       !memcmp(gz.data, raw->data, gz.len);
		buf_release(&gz);
		if (same)
			return try[i];
	}
	return try[0];
}

/* The file's bytes, uncompressed when it is gzip or xz (a kernel's modules.xz); level gets
 * the gzip level to pack with again (see find_level), 0 for none. */
static int read_initrd(const char *file, struct buf *out, int *level)
{
	struct buf raw;
	int ret = 0;
	buf_init(&raw);
	if (read_file(file, &raw) < 0) {
		buf_release(&raw);
		return -1;
	}
	*level = 0;
	if (gz_is_gzip(raw.data, raw.len)) {
		if (gz_decompress(raw.data, raw.len, out) < 0)
			ret = error("'%s': the gzip data is damaged", file);
		else
			*level = find_level(&raw, out);
	} else if (xz_is_xz(raw.data, raw.len)) {
		if (xz_decompress(raw.data, raw.len, XZ_MAX_OUTPUT, out) < 0)
			ret = error("'%s': the xz data is damaged", file);
	} else {
		buf_add(out, raw.data, raw.len);
	}
	buf_release(&raw);
	return ret;
}

/* dir, empty or made.  Returns 0 or -1 (reported). */
static int empty_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int empty = 1;
	if (!d)
		return mkdir_p(dir, 0755);
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			empty = 0;
	closedir(d);
	return empty ? 0 : error("'%s' is not empty; unpack into a new directory", dir);
}

/* Directories last, deepest first: their modes (a read-only one would have stopped the
 * writes into it) and times (writing into one changes its time).  The list has them. */
static int fix_dirs(struct unpacking *u)
{
	int ret = 0;
	for (size_t i = u->list.n; i-- > 0 && !ret;) {
		const struct mflist_item *it = &u->list.v[i];
		char *full;
		struct timespec ts[2] = {{.tv_sec = it->mtime}, {.tv_sec = it->mtime}};
		if (it->type != MFLIST_DIR)
			continue;
		full = strcmp(it->path, ".") ? path_join(u->dir, it->path) : xstrdup(u->dir);
		if (chmod(full, it->mode) < 0 || utimensat(AT_FDCWD, full, ts, 0) < 0)
			ret = error_errno("cannot set the mode and time of '%s'", full);
		free(full);
	}
	return ret;
}

/* The members of data (a cpio archive or an ext2 image) into u, and the list's pad or ext2
 * size.  Returns 0 or -1 (reported). */
static int unpack_members(struct unpacking *u, const struct buf *data)
{
	char err[256] = "";
	if (ext2read_is_ext2(data->data, data->len))
		/* read where it lies, gunzipped, in memory: no temporary copy */
		return ext2read_walk_mem(data->data, data->len, u->file, EXT2READ_MAX_FILE,
					 unpack_member, u, &u->list.ext2_kib);
	if (cpio_read(data->data, data->len, unpack_member, u, err, sizeof(err), &u->list.pad) < 0) {
		if (err[0])
			error("'%s' is neither a cpio archive nor an ext2 filesystem mkdistro can read: %s",
			      u->file, err);
		return -1;
	}
	return 0;
}

int initrdfile_unpack(const char *file, const char *dir)
{
	struct unpacking u = {.dir = dir, .file = file};
	struct buf data, text;
	char *listpath = path_join(dir, INITRDFILE_LIST);
	int ret = -1;

	buf_init(&data);
	buf_init(&text);
	mflist_init(&u.list);
	if (read_initrd(file, &data, &u.list.level) < 0 || empty_dir(dir) < 0 ||
	    unpack_members(&u, &data) < 0)
		goto out;
	mflist_render(&u.list, file, &text);
	ret = write_file_atomic(listpath, text.data, text.len, 0644);
	if (!ret)
		ret = fix_dirs(&u);
out:
	for (size_t i = 0; i < u.nlinks; i++)
		free(u.links[i].path);
	free(u.links);
	mflist_release(&u.list);
	buf_release(&text);
	buf_release(&data);
	free(listpath);
	return ret;
}

/* ---- pack ---- */

/* Call fn for every directory, file and symlink under dir/rel that the list lacks, parents
 * first, in name order; anything else there is an error. */
static int walk_unlisted(const struct mflist *l, const char *dir, const char *rel,
			 int (*fn)(void *ctx, const char *rel, const char *full, const struct stat *st),
			 void *ctx)
{
	char *full = rel[0] ? path_join(dir, rel) : xstrdup(dir);
	struct dirent **names;
	int n = scandir(full, &names, NULL, alphasort), ret = 0;
	if (n < 0) {
		ret = error_errno("cannot read '%s'", full);
		free(full);
		return ret;
	}
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		char *r, *f;
		struct stat st;
		if (ret || !strcmp(name, ".") || !strcmp(name, "..") ||
		    (!rel[0] && !strcmp(name, INITRDFILE_LIST)))
			continue;
		r = rel[0] ? xasprintf("%s/%s", rel, name) : xstrdup(name);
		f = path_join(dir, r);
		if (lstat(f, &st) < 0)
			ret = error_errno("cannot stat '%s'", f);
		else if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode))
			ret = error("'%s': only directories, files and symlinks can be added (add "
				    "device nodes to %s)",
				    f, INITRDFILE_LIST);
		else if (!mflist_find(l, r))
			ret = fn(ctx, r, f, &st);
		if (!ret && S_ISDIR(st.st_mode))
			ret = walk_unlisted(l, dir, r, fn, ctx);
		free(r);
		free(f);
	}
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(full);
	return ret;
}

/* What a symlink points at, into b.  Returns 0 or -1 (reported). */
static int read_link(const char *path, struct buf *b)
{
	char target[4096];
	ssize_t len = readlink(path, target, sizeof(target));
	if (len < 0)
		return error_errno("cannot read link '%s'", path);
	buf_add(b, target, (size_t)len);
	return 0;
}

/* A listed path must stay inside dir.  Returns 0 or -1 (reported). */
static int check_listed(const char *dir, const struct mflist_item *it)
{
	if (strcmp(it->path, ".") &&
	    (!unpack_name_is_safe(it->path) || through_symlink(dir, it->path)))
		return error("%s/%s:%d: path '%s' is outside the directory", dir, INITRDFILE_LIST,
			     it->line, it->path);
	return 0;
}

/* Write data to file: gzip-compressed at level when file ends in .gz (0: the list's level,
 * else 6), xz-compressed as a kernel's modules initrd is when it ends in .xz.  Returns 0 or -1
 * (reported). */
static int write_output(const char *file, const struct buf *data, int level, const struct mflist *l)
{
	size_t n = strlen(file);
	int gz = n > 3 && !strcmp(file + n - 3, ".gz"), xz = n > 3 && !strcmp(file + n - 3, ".xz");
	struct buf z;
	int ret;
	if (!gz && !xz)
		return write_file_atomic(file, data->data, data->len, 0644);
	buf_init(&z);
	if (xz)
		ret = xz_compress(data->data, data->len, &z);
	else
		ret = gz_compress(data->data, data->len, level ? level : l->level > 0 ? l->level : 6, &z);
	if (!ret)
		ret = write_file_atomic(file, z.data, z.len, 0644);
	buf_release(&z);
	return ret;
}

/* -- cpio -- */

struct packing {
	const char *dir;
	struct cpio_writer w;
	uint32_t next_ino;
	const struct mflist *l;
};

/* A new member for cpio: owned by root, mode and time from the disk, an inode number after
 * the listed ones. */
static int pack_new(void *ctx, const char *rel, const char *full, const struct stat *st)
{
	struct packing *pk = ctx;
	struct buf data;
	int ret = 0;
	buf_init(&data);
	if (S_ISREG(st->st_mode))
		ret = read_file(full, &data);
	else if (S_ISLNK(st->st_mode))
		ret = read_link(full, &data);
	if (!ret) {
		pk->w.next_ino = pk->next_ino++;
		ret = cpio_write_entry(&pk->w, rel, st->st_mode & (S_IFMT | 07777), 0, 0,
				       S_ISDIR(st->st_mode) ? 2 : 1, (uint32_t)st->st_mtime, 0, 0,
				       data.data, data.len);
	}
	buf_release(&data);
	return ret;
}

/* Does a hard link to path come later in the list than index i? */
static int later_link(const struct mflist *l, size_t i, const char *first)
{
	for (size_t j = i + 1; j < l->n; j++)
		if (l->v[j].type == MFLIST_LINK && !strcmp(l->v[j].target, first))
			return 1;
	return 0;
}

/* The S_IF* type of listed item i and its data from full into data: 0, or 1 when it is
 * no longer there as what the list says (left out), or -1 (reported). */
static int listed_data(const struct packing *pk, size_t i, const char *full, unsigned *type,
		       struct buf *data)
{
	const struct mflist_item *it = &pk->l->v[i];
	struct stat st;
	switch (it->type) {
	case MFLIST_CHR:
	case MFLIST_BLK:
	case MFLIST_FIFO:
	case MFLIST_SOCK:
		*type = it->type == MFLIST_CHR ? S_IFCHR : it->type == MFLIST_BLK ? S_IFBLK
			: it->type == MFLIST_FIFO ? S_IFIFO : S_IFSOCK;
		return 0;
	default:
		break;
	}
	if (lstat(full, &st) < 0)
		return 1; /* removed from the directory: left out */
	if (it->type == MFLIST_DIR) {
		*type = S_IFDIR;
		return S_ISDIR(st.st_mode) ? 0 : 1;
	}
	if (it->type == MFLIST_SLINK) {
		char target[4096];
		ssize_t len = readlink(full, target, sizeof(target));
		*type = S_IFLNK;
		if (len < 0)
			return 1;
		buf_add(data, target, (size_t)len);
		return 0;
	}
	*type = S_IFREG;
	if (!S_ISREG(st.st_mode))
		return 1;
	/* newc keeps a hard-linked file's data on its last link */
	if (later_link(pk->l, i, it->type == MFLIST_LINK ? it->target : it->path))
		return 0;
	return read_file(full, data) < 0 ? -1 : 0;
}

static int pack_listed(struct packing *pk, size_t i)
{
	const struct mflist_item *it = &pk->l->v[i];
	char *full;
	struct buf data;
	unsigned type = 0;
	int ret;

	if (check_listed(pk->dir, it) < 0)
		return -1;
	full = strcmp(it->path, ".") ? path_join(pk->dir, it->path) : xstrdup(pk->dir);
	buf_init(&data);
	ret = listed_data(pk, i, full, &type, &data);
	if (ret == 0) {
		pk->w.next_ino = it->ino;
		ret = cpio_write_entry(&pk->w, it->path, type | it->mode, it->uid, it->gid, it->nlink,
				       it->mtime, it->major, it->minor, data.data, data.len);
	}
	buf_release(&data);
	free(full);
	return ret < 0 ? -1 : 0;
}

/* The cpio archive of dir as the list l says (not an ext2 one), padding included, into out. */
static int pack_cpio(const char *dir, const struct mflist *l, struct buf *out)
{
	struct packing pk = {.dir = dir, .l = l, .next_ino = 1};
	cpio_writer_init(&pk.w, cpio_sink_buf, out);
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].ino >= pk.next_ino)
			pk.next_ino = l->v[i].ino + 1;
	for (size_t i = 0; i < l->n; i++)
		if (pack_listed(&pk, i) < 0)
			return -1;
	if (walk_unlisted(l, dir, "", pack_new, &pk) < 0 || cpio_write_trailer(&pk.w) < 0)
		return -1;
	buf_grow(out, l->pad);
	memset(out->data + out->len, 0, l->pad);
	buf_setlen(out, out->len + l->pad);
	return 0;
}

/* -- ext2 -- */

/* A new entry for ext2: owned by root, mode and time from the disk. */
static int add_new(void *ctx, const char *rel, const char *full, const struct stat *st)
{
	struct manifest *m = ctx;
	char *img = xasprintf("/%s", rel);
	struct buf target;
	int ret;
	buf_init(&target);
	if (S_ISDIR(st->st_mode))
		ret = manifest_add_dir(m, img, st->st_mode & 07777);
	else if (S_ISREG(st->st_mode))
		ret = manifest_add_file(m, img, st->st_mode & 07777, full);
	else if ((ret = read_link(full, &target)) == 0)
		ret = manifest_add_symlink(m, img, target.data);
	if (!ret)
		manifest_find(m, img)->mtime = st->st_mtime;
	buf_release(&target);
	free(img);
	return ret;
}

/* Listed item it (not the root) as the manifest entry img, its contents from full: 0, or 1
 * when it is no longer there as what the list says (left out), or -1 (reported). */
static int add_listed_entry(struct manifest *m, const struct mflist_item *it, const char *full,
			    const char *img)
{
	struct stat s;
	char target[4096];
	ssize_t len;
	if (it->type == MFLIST_LINK) {
		char *first = xasprintf("/%s", it->target);
		int r = lstat(full, &s) < 0 ? 1 : manifest_add_hardlink(m, img, it->mode, first);
		free(first);
		return r;
	}
	if (it->type == MFLIST_CHR || it->type == MFLIST_BLK || it->type == MFLIST_FIFO)
		return manifest_add_node(m, img, it->type == MFLIST_CHR ? MF_CHR
						 : it->type == MFLIST_BLK ? MF_BLK : MF_FIFO,
					 it->mode, it->major, it->minor);
	if (lstat(full, &s) < 0)
		return 1; /* removed: left out */
	if (it->type == MFLIST_DIR)
		return S_ISDIR(s.st_mode) ? manifest_add_dir(m, img, it->mode) : 1;
	if (it->type == MFLIST_SLINK) {
		if ((len = readlink(full, target, sizeof(target) - 1)) < 0)
			return 1;
		target[len] = '\0';
		return manifest_add_symlink(m, img, target);
	}
	return S_ISREG(s.st_mode) ? manifest_add_file(m, img, it->mode, full) : 1;
}

/* Listed item it into m, with its owner and time from the list.  Returns 0 or -1. */
static int add_listed(struct manifest *m, const char *dir, const struct mflist_item *it)
{
	char *full, *img;
	int r;
	if (it->type == MFLIST_SOCK)
		return error("%s/%s:%d: sockets cannot be packed into an ext2 initrd", dir,
			     INITRDFILE_LIST, it->line);
	if (check_listed(dir, it) < 0)
		return -1;
	full = path_join(dir, it->path);
	img = xasprintf("/%s", it->path);
	r = add_listed_entry(m, it, full, img);
	if (r == 0) {
		struct mf_entry *e = manifest_find(m, img);
		e->uid = it->uid;
		e->gid = it->gid;
		e->mtime = it->mtime;
	}
	free(full);
	free(img);
	return r < 0 ? -1 : 0;
}

/* An ext2 initrd again: the list and the directory as a manifest, written the way the build
 * writes one (build/ext2image.h), with the list's size and the root's time as its epoch. */
static int pack_ext2(const char *dir, const struct mflist *l, const char *file, int level)
{
	struct manifest m;
	struct ext2image_params p = {.size_kib = l->ext2_kib, .epoch = DEFAULT_EPOCH,
				     .uuid = EXT2IMAGE_UUID};
	struct buf image;
	char *work = NULL, *log = NULL;
	unsigned need_kib;
	int ret = -1;

	manifest_init(&m);
	buf_init(&image);
	if (!(work = temp_dir_make("pack")))
		goto out;
	for (size_t i = 0; i < l->n; i++) {
		if (!strcmp(l->v[i].path, "."))
			p.epoch = l->v[i].mtime;
		else if (add_listed(&m, dir, &l->v[i]) < 0)
			goto out;
	}
	if (walk_unlisted(l, dir, "", add_new, &m) < 0)
		goto out;
	manifest_sort(&m);
	p.workdir = work;
	p.log = log = path_join(work, "pack.log");
	if (ext2image_write(&p, &m, &image, &need_kib) < 0 ||
	    write_output(file, &image, level, l) < 0)
		goto out;
	ret = 0;
out:
	if (work)
		remove_tree(work);
	free(work);
	free(log);
	manifest_release(&m);
	buf_release(&image);
	return ret;
}

int initrdfile_cpio(const char *dir, const char *text, const char *where, struct buf *out)
{
	struct mflist l;
	int ret = mflist_parse(&l, text, where);
	if (!ret && l.ext2_kib)
		ret = error("%s: the list is of an ext2 initrd", where);
	else if (!ret)
		ret = pack_cpio(dir, &l, out);
	mflist_release(&l);
	return ret;
}

int initrdfile_pack(const char *dir, const char *file, int level)
{
	char *listpath = path_join(dir, INITRDFILE_LIST);
	struct mflist l;
	struct buf text, out;
	int ret = -1;

	mflist_init(&l);
	buf_init(&text);
	buf_init(&out);
	if (!is_dir(dir)) {
		error("'%s' is not a directory", dir);
		goto out;
	}
	if (file_exists(listpath) &&
	    (read_file(listpath, &text) < 0 || mflist_parse(&l, text.data, listpath) < 0))
		goto out;
	if (l.ext2_kib)
		ret = pack_ext2(dir, &l, file, level);
	else if (pack_cpio(dir, &l, &out) == 0)
		ret = write_output(file, &out, level, &l);
out:
	mflist_release(&l);
	buf_release(&text);
	buf_release(&out);
	free(listpath);
	return ret;
}
