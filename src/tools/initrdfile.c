/* initrdfile.c: unpack and pack cpio initrds without root (see initrdfile.h).
 *
 * The list has one line per member, in archive order:
 *   TYPE PATH MODE UID GID MTIME INO NLINK [TARGET | MAJOR MINOR | LINK]
 * TYPE is dir, file, slink (TARGET), nod-c or nod-b (MAJOR MINOR), fifo, sock, or link (a
 * hard link to the earlier member LINK); PATH is as stored ("." for the root); strings are
 * %-escaped (space, %, control characters).  Header lines: "gzip LEVEL|none", "pad N"
 * (cpio: NUL bytes after the trailer), "ext2 KIB" (an ext2 initrd of that size).
 */
#include "tools/initrdfile.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build/config.h"
#include "build/initrd.h"
#include "formats/cpio.h"
#include "formats/ext2read.h"
#include "formats/gz.h"
#include "formats/manifest.h"
#include "formats/unpack.h"
#include "sys/alloc.h"
#include "sys/buf.h"
#include "sys/fs.h"
#include "sys/log.h"

/* ---- the list ---- */

struct item {
	char type[8];
	char *path;
	unsigned mode, uid, gid, mtime, ino, nlink;
	char *target;         /* slink: target; link: the first path */
	unsigned major, minor; /* nod-c, nod-b */
	int line;
};

struct list {
	struct item *v;
	size_t n, cap;
	int level; /* gzip level, 0 for none */
	size_t pad;
	unsigned ext2_kib; /* an ext2 initrd of this size; 0 for cpio */
};

static void list_release(struct list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].path);
		free(l->v[i].target);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* The most NUL bytes a list may ask for after the trailer.  What unpack finds there is a
 * few hundred bytes (cpio(1) fills its last 512-byte block); a list that asks for more is
 * damaged, and pack would fill memory with it. */
#define MAX_PAD (64 << 20)

static int parse_list(char *text, const char *where, struct list *l)
{
	int line = 0;
	memset(l, 0, sizeof(*l));
	l->level = -1;
	for (char *s = text, *end; *s; s = end) {
		char *f[10];
		int nf = 0;
		end = strchr(s, '\n');
		end = end ? (*end = '\0', end + 1) : s + strlen(s);
		line++;
		if (*s == '#' || !*s)
			continue;
		for (char *t = strtok(s, " "); t && nf < 10; t = strtok(NULL, " "))
			f[nf++] = t;
		if (nf == 2 && !strcmp(f[0], "gzip")) {
			l->level = strcmp(f[1], "none") ? atoi(f[1]) : 0;
			continue;
		}
		if (nf == 2 && !strcmp(f[0], "pad")) {
			l->pad = strtoul(f[1], NULL, 10);
			if (l->pad > MAX_PAD) {
				list_release(l);
				return error("%s:%d: 'pad %s' is more than %d MiB of padding", where, line,
					     f[1], MAX_PAD >> 20);
			}
			continue;
		}
		if (nf == 2 && !strcmp(f[0], "ext2")) {
			l->ext2_kib = (unsigned)strtoul(f[1], NULL, 10);
			continue;
		}
		struct item it = {.line = line};
		int need = 8;
		if (nf >= 1 && (!strcmp(f[0], "slink") || !strcmp(f[0], "link")))
			need = 9;
		else if (nf >= 1 && (!strcmp(f[0], "nod-c") || !strcmp(f[0], "nod-b")))
			need = 10;
		else if (nf >= 1 && strcmp(f[0], "dir") && strcmp(f[0], "file") && strcmp(f[0], "fifo") &&
			 strcmp(f[0], "sock"))
			need = -1;
		/* MODE is permission bits only: the type is TYPE's, and pack would OR them */
		if (need < 0 || nf != need || strlen(f[0]) >= sizeof(it.type) ||
		    field_unescape(f[1]) < 0 || (need == 9 && field_unescape(f[8]) < 0) ||
		    strtoul(f[2], NULL, 8) > 07777) {
			list_release(l);
			return error("%s:%d: not a line of an initrd list", where, line);
		}
		strcpy(it.type, f[0]);
		it.path = xstrdup(f[1]);
		it.mode = (unsigned)strtoul(f[2], NULL, 8);
		it.uid = (unsigned)strtoul(f[3], NULL, 10);
		it.gid = (unsigned)strtoul(f[4], NULL, 10);
		it.mtime = (unsigned)strtoul(f[5], NULL, 10);
		it.ino = (unsigned)strtoul(f[6], NULL, 10);
		it.nlink = (unsigned)strtoul(f[7], NULL, 10);
		if (need == 9)
			it.target = xstrdup(f[8]);
		if (need == 10) {
			it.major = (unsigned)strtoul(f[8], NULL, 10);
			it.minor = (unsigned)strtoul(f[9], NULL, 10);
		}
		XGROW(l->v, l->cap, l->n + 1);
		l->v[l->n++] = it;
	}
	return 0;
}

/* ---- unpack ---- */

struct unpacking {
	const char *dir, *file;
	struct buf list;
	/* hard links: the first path of each (ino, dev) with nlink > 1 */
	struct link {
		uint32_t ino, maj, min;
		char *path;
	} *links;
	size_t nlinks, cap;
};

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

static int unpack_member(void *ctx, const struct cpio_entry *e)
{
	struct unpacking *u = ctx;
	const char *name = e->name;
	unsigned type = e->mode & S_IFMT;
	const char *tag;
	char *full;
	struct link *first = NULL;
	int ret = 0;

	while (name[0] == '.' && name[1] == '/')
		name += 2;
	if (!*name)
		name = "."; /* "./" */
	if (strcmp(name, ".")) {
		/* Checked against the disk as it is now: a symlink made by an earlier member
		 * cannot be replaced later (every member is created exclusively). */
		const char *why = name[0] == '/' ? "an absolute name would land outside"
				  : !unpack_name_is_safe(name) ? "its '..' would climb out of"
				  : through_symlink(u->dir, name)
				      ? "it goes through a symlink, and could land outside"
				  /* the list could hold it (escaped), but no cpio writer takes it
				   * back, and in a listing it passes for two names */
				  : strchr(name, '\n') ? "a newline in a name has no place in"
							: NULL;
		if (why) {
			char *shown = unpack_shown(e->name);
			ret = error("'%s': refusing member '%s': %s '%s'", u->file, shown, why, u->dir);
			free(shown);
			return ret;
		}
	}
	/* The list is written last, as LIST.tmp renamed to LIST: a member by either name would
	 * be overwritten, or, as a symlink, have the list written wherever it points. */
	if (!strcmp(name, INITRDFILE_LIST) || !strcmp(name, INITRDFILE_LIST ".tmp"))
		return error("'%s': refusing member '%s': unpack writes its own list there", u->file,
			     e->name);
	if (type == S_IFREG && e->nlink > 1) {
		for (size_t i = 0; i < u->nlinks; i++)
			if (u->links[i].ino == e->ino && u->links[i].maj == e->devmajor &&
			    u->links[i].min == e->devminor)
				first = &u->links[i];
	}
	tag = type == S_IFDIR ? "dir" : type == S_IFREG ? (first ? "link" : "file")
	      : type == S_IFLNK ? "slink" : type == S_IFCHR ? "nod-c" : type == S_IFBLK ? "nod-b"
	      : type == S_IFIFO ? "fifo" : type == S_IFSOCK ? "sock" : NULL;
	if (!tag) {
		char *shown = unpack_shown(e->name);
		ret = error("'%s': member '%s' has an unknown file type (mode %o)", u->file, shown,
			    e->mode);
		free(shown);
		return ret;
	}
	buf_addf(&u->list, "%s ", tag);
	buf_add_field(&u->list, name);
	buf_addf(&u->list, " %04o %u %u %u %u %u", e->mode & 07777, e->uid, e->gid, e->mtime, e->ino,
		 e->nlink);
	full = strcmp(name, ".") ? path_join(u->dir, name) : xstrdup(u->dir);
	switch (type) {
	case S_IFDIR:
		if (mkdir(full, 0700) < 0 && !(errno == EEXIST && !strcmp(name, ".")))
			ret = error_errno("cannot create '%s'", full);
		break;
	case S_IFREG:
		if (first) {
			buf_adds(&u->list, " ");
			buf_add_field(&u->list, first->path);
			/* newc keeps the data on the last link: write it through the first. */
			char *target = path_join(u->dir, first->path);
			if (link(target, full) < 0)
				ret = error_errno("cannot link '%s'", full);
			else if (e->size) {
				int fd = open(target, O_WRONLY | O_TRUNC | O_CLOEXEC);
				if (fd < 0 || write_all(fd, e->data, e->size) < 0)
					ret = error_errno("cannot write '%s'", target);
				if (fd >= 0)
					close(fd);
			}
			free(target);
		} else {
			int fd = open(full, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
			if (fd < 0)
				ret = error_errno("cannot create '%s'", full);
			else {
				if (write_all(fd, e->data, e->size) < 0)
					ret = error_errno("cannot write '%s'", full);
				close(fd);
			}
			if (!ret && e->nlink > 1) {
				XGROW(u->links, u->cap, u->nlinks + 1);
				u->links[u->nlinks++] = (struct link){e->ino, e->devmajor, e->devminor,
								      xstrdup(name)};
			}
		}
		if (!ret && chmod(full, e->mode & 07777) < 0)
			ret = error_errno("cannot set the mode of '%s'", full);
		break;
	case S_IFLNK: {
		char *target = xstrndup((const char *)e->data, e->size);
		buf_adds(&u->list, " ");
		buf_add_field(&u->list, target);
		if (symlink(target, full) < 0)
			ret = error_errno("cannot create symlink '%s'", full);
		free(target);
		break;
	}
	case S_IFCHR:
	case S_IFBLK:
		buf_addf(&u->list, " %u %u", e->rdevmajor, e->rdevminor);
		break;
	default:
		break; /* FIFOs and sockets live in the list only */
	}
	buf_adds(&u->list, "\n");
	if (!ret && type != S_IFDIR && type != S_IFCHR && type != S_IFBLK && type != S_IFIFO &&
	    type != S_IFSOCK) {
		struct timespec ts[2] = {{.tv_sec = e->mtime}, {.tv_sec = e->mtime}};
		utimensat(AT_FDCWD, full, ts, AT_SYMLINK_NOFOLLOW);
	}
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

/* The file's bytes, gunzipped when it is gzip; level gets the gzip level to pack with again
 * (see find_level), 0 for none. */
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
	} else {
		buf_add(out, raw.data, raw.len);
	}
	buf_release(&raw);
	return ret;
}

/* Directories last, deepest first: their modes (a read-only one would have stopped the
 * writes into it) and times (writing into one changes its time).  The list has them. */
static int fix_dirs(struct unpacking *u)
{
	struct list l;
	int ret = parse_list(u->list.data, "(new list)", &l);
	for (size_t i = l.n; i-- > 0 && !ret;) {
		const struct item *it = &l.v[i];
		char *full;
		struct timespec ts[2] = {{.tv_sec = it->mtime}, {.tv_sec = it->mtime}};
		if (strcmp(it->type, "dir"))
			continue;
		full = strcmp(it->path, ".") ? path_join(u->dir, it->path) : xstrdup(u->dir);
		if (chmod(full, it->mode) < 0 || utimensat(AT_FDCWD, full, ts, 0) < 0)
			ret = error_errno("cannot set the mode and time of '%s'", full);
		free(full);
	}
	list_release(&l);
	return ret;
}

int initrdfile_unpack(const char *file, const char *dir)
{
	struct unpacking u = {.dir = dir, .file = file};
	struct buf data;
	char err[256], *listpath = path_join(dir, INITRDFILE_LIST);
	size_t pad = 0;
	int level, ret = -1, ext2;
	DIR *d;

	buf_init(&data);
	buf_init(&u.list);
	if (read_initrd(file, &data, &level) < 0)
		goto out;
	ext2 = ext2read_is_ext2(data.data, data.len);
	if ((d = opendir(dir))) {
		struct dirent *de;
		int empty = 1;
		while ((de = readdir(d)))
			if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
				empty = 0;
		closedir(d);
		if (!empty) {
			error("'%s' is not empty; unpack into a new directory", dir);
			goto out;
		}
	} else if (mkdir_p(dir, 0755) < 0) {
		goto out;
	}
	buf_addf(&u.list, "# mkdistro initrd list 1: unpacked from %s\n", file);
	if (level)
		buf_addf(&u.list, "gzip %d\n", level);
	else
		buf_adds(&u.list, "gzip none\n");
	if (ext2) {
		/* read where it lies, gunzipped, in memory: no temporary copy */
		unsigned size_kib = 0;
		if (ext2read_walk_mem(data.data, data.len, file, EXT2READ_MAX_FILE, unpack_member, &u,
				      &size_kib) < 0)
			goto out;
		buf_addf(&u.list, "ext2 %u\n", size_kib);
	} else {
		err[0] = '\0';
		if (cpio_read(data.data, data.len, unpack_member, &u, err, sizeof(err), &pad) < 0) {
			if (err[0])
				error("'%s' is neither a cpio archive nor an ext2 filesystem mkdistro can "
				      "read: %s",
				      file, err);
			goto out;
		}
		buf_addf(&u.list, "pad %zu\n", pad);
	}
	ret = write_file_atomic(listpath, u.list.data, u.list.len, 0644);
	if (!ret)
		ret = fix_dirs(&u);
out:
	for (size_t i = 0; i < u.nlinks; i++)
		free(u.links[i].path);
	free(u.links);
	buf_release(&u.list);
	buf_release(&data);
	free(listpath);
	return ret;
}

/* ---- pack ---- */

struct packing {
	const char *dir;
	struct cpio_writer w;
	uint32_t next_ino;
	struct list *l;
};

static int listed(const struct list *l, const char *path)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].path, path))
			return 1;
	return 0;
}

/* Call fn for every directory, file and symlink under dir/rel that the list lacks, parents
 * first, in name order; anything else there is an error. */
static int walk_unlisted(const struct list *l, const char *dir, const char *rel,
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
		else if (!listed(l, r))
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
static int later_link(const struct list *l, size_t i, const char *first)
{
	for (size_t j = i + 1; j < l->n; j++)
		if (!strcmp(l->v[j].type, "link") && !strcmp(l->v[j].target, first))
			return 1;
	return 0;
}

static int pack_listed(struct packing *pk, size_t i)
{
	const struct item *it = &pk->l->v[i];
	const char *first = !strcmp(it->type, "link") ? it->target : it->path;
	char *full;
	struct stat st;
	struct buf data;
	unsigned type;
	int ret = 0;

	if (strcmp(it->path, ".") &&
	    (!unpack_name_is_safe(it->path) || through_symlink(pk->dir, it->path)))
		return error("%s/%s:%d: path '%s' is outside the directory", pk->dir, INITRDFILE_LIST,
			     it->line, it->path);
	full = strcmp(it->path, ".") ? path_join(pk->dir, it->path) : xstrdup(pk->dir);
	buf_init(&data);
	if (!strcmp(it->type, "nod-c") || !strcmp(it->type, "nod-b") || !strcmp(it->type, "fifo") ||
	    !strcmp(it->type, "sock")) {
		type = it->type[4] == 'c' ? S_IFCHR : it->type[4] == 'b' ? S_IFBLK
		       : it->type[0] == 'f' ? S_IFIFO : S_IFSOCK;
	} else if (lstat(full, &st) < 0) {
		goto out; /* removed from the directory: left out */
	} else if (!strcmp(it->type, "dir")) {
		type = S_IFDIR;
		if (!S_ISDIR(st.st_mode))
			goto out;
	} else if (!strcmp(it->type, "slink")) {
		char target[4096];
		ssize_t len = readlink(full, target, sizeof(target));
		type = S_IFLNK;
		if (len < 0)
			goto out;
		buf_add(&data, target, (size_t)len);
	} else {
		type = S_IFREG;
		if (!S_ISREG(st.st_mode))
			goto out;
		/* newc keeps a hard-linked file's data on its last link */
		if (!later_link(pk->l, i, first) && (ret = read_file(full, &data)) < 0)
			goto out;
	}
	pk->w.next_ino = it->ino;
	ret = cpio_write_entry(&pk->w, it->path, type | it->mode, it->uid, it->gid, it->nlink,
			       it->mtime, it->major, it->minor, data.data, data.len);
out:
	buf_release(&data);
	free(full);
	return ret;
}

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

/* An ext2 initrd again: the list and the directory as a manifest, written the way the build
 * writes one (mke2fs -d, then debugfs for owners, times and device nodes). */
static int pack_ext2(const char *dir, const struct list *l, const char *file, int level)
{
	struct manifest m;
	struct plan plan;
	struct initrd_stats st;
	char *work = NULL;
	char *log = NULL, *gzfile = NULL;
	size_t n = strlen(file);
	int gz = n > 3 && !strcmp(file + n - 3, ".gz"), ret = -1;

	manifest_init(&m);
	config_defaults(&plan, "/");
	if (!(work = temp_dir_make("pack")))
		goto out;
	for (size_t i = 0; i < l->n; i++) {
		const struct item *it = &l->v[i];
		char *full, *img;
		struct stat s;
		int r = 0;
		if (!strcmp(it->path, ".")) {
			plan.epoch = it->mtime;
			continue;
		}
		if (!strcmp(it->type, "sock")) {
			error("%s/%s:%d: sockets cannot be packed into an ext2 initrd", dir,
			      INITRDFILE_LIST, it->line);
			goto out;
		}
		if (!unpack_name_is_safe(it->path) || through_symlink(dir, it->path)) {
			error("%s/%s:%d: path '%s' is outside the directory", dir, INITRDFILE_LIST,
			      it->line, it->path);
			goto out;
		}
		full = path_join(dir, it->path);
		img = xasprintf("/%s", it->path);
		if (!strcmp(it->type, "link")) {
			char *first = xasprintf("/%s", it->target);
			r = lstat(full, &s) < 0 ? 1 : manifest_add_hardlink(&m, img, it->mode, first);
			free(first);
		} else if (!strcmp(it->type, "nod-c") || !strcmp(it->type, "nod-b") || !strcmp(it->type, "fifo"))
			r = manifest_add_node(&m, img, it->type[4] == 'c' ? MF_CHR : it->type[4] == 'b' ? MF_BLK : MF_FIFO,
					      it->mode, it->major, it->minor);
		else if (lstat(full, &s) < 0)
			r = 1; /* removed: left out */
		else if (!strcmp(it->type, "dir"))
			r = S_ISDIR(s.st_mode) ? manifest_add_dir(&m, img, it->mode) : 1;
		else if (!strcmp(it->type, "slink")) {
			char target[4096];
			ssize_t len = readlink(full, target, sizeof(target) - 1);
			if (len >= 0) {
				target[len] = '\0';
				r = manifest_add_symlink(&m, img, target);
			} else
				r = 1;
		} else
			r = S_ISREG(s.st_mode) ? manifest_add_file(&m, img, it->mode, full) : 1;
		if (r == 0) {
			struct mf_entry *e = manifest_find(&m, img);
			e->uid = it->uid;
			e->gid = it->gid;
			e->mtime = it->mtime;
		}
		free(full);
		free(img);
		if (r < 0)
			goto out;
	}
	if (walk_unlisted(l, dir, "", add_new, &m) < 0)
		goto out;
	manifest_sort(&m);
	plan.initrd_format = INITRD_EXT2;
	plan.initrd_size_kib = l->ext2_kib;
	plan.gzip_level = level ? level : l->level > 0 ? l->level : 6;
	log = path_join(work, "pack.log");
	gzfile = gz ? xstrdup(file) : path_join(work, "initrd.gz");
	if (initrd_write(&plan, &m, work, log, gzfile, &st) < 0)
		goto out;
	if (!gz) {
		struct buf in, raw;
		buf_init(&in);
		buf_init(&raw);
		ret = read_file(gzfile, &in);
		if (!ret)
			ret = gz_decompress(in.data, in.len, &raw);
		if (!ret)
			ret = write_file_atomic(file, raw.data, raw.len, 0644);
		buf_release(&in);
		buf_release(&raw);
		if (ret < 0)
			goto out;
	}
	ret = 0;
out:
	if (work)
		remove_tree(work);
	free(work);
	manifest_release(&m);
	config_release(&plan);
	free(log);
	free(gzfile);
	return ret;
}

/* The cpio archive of dir as the list l says (not an ext2 one), padding included, into out. */
static int pack_cpio(const char *dir, struct list *l, struct buf *out)
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

int initrdfile_cpio(const char *dir, const char *text, const char *where, struct buf *out)
{
	char *copy = xstrdup(text);
	struct list l;
	int ret = parse_list(copy, where, &l);
	if (!ret && l.ext2_kib)
		ret = error("%s: the list is of an ext2 initrd", where);
	else if (!ret)
		ret = pack_cpio(dir, &l, out);
	list_release(&l);
	free(copy);
	return ret;
}

int initrdfile_pack(const char *dir, const char *file, int level)
{
	char *listpath = path_join(dir, INITRDFILE_LIST);
	struct list l = {.level = -1};
	struct buf text, out, gz;
	size_t n = strlen(file);
	int ret = -1;

	buf_init(&text);
	buf_init(&out);
	buf_init(&gz);
	if (!is_dir(dir)) {
		error("'%s' is not a directory", dir);
		goto out;
	}
	if (file_exists(listpath) &&
	    (read_file(listpath, &text) < 0 || parse_list(text.data, listpath, &l) < 0))
		goto out;
	if (l.ext2_kib) {
		ret = pack_ext2(dir, &l, file, level);
		goto out;
	}
	if (pack_cpio(dir, &l, &out) < 0)
		goto out;
	if (n > 3 && !strcmp(file + n - 3, ".gz")) {
		if (!level)
			level = l.level > 0 ? l.level : 6;
		if (gz_compress(out.data, out.len, level, &gz) < 0)
			goto out;
		ret = write_file_atomic(file, gz.data, gz.len, 0644);
	} else {
		ret = write_file_atomic(file, out.data, out.len, 0644);
	}
out:
	list_release(&l);
	buf_release(&text);
	buf_release(&out);
	buf_release(&gz);
	free(listpath);
	return ret;
}
