/* cpio.c: cpio "newc" archive writer for the initramfs (see cpio.h).
 *
 * Spec: Linux Documentation/driver-api/early-userspace/buffer-format.rst; the layout of each
 * member is
 *
 *	cpio_file    := ALGN(4) + cpio_header + filename + "\0" + ALGN(4) + data
 *	cpio_trailer := ALGN(4) + cpio_header + "TRAILER!!!\0" + ALGN(4)
 *
 * and the header is 13 eight-digit hex fields after the six-byte magic, as below.
 */
#include "formats/cpio.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sys/buf.h"
#include "sys/fs.h"
#include "sys/log.h"

#define CPIO_HEADER_LEN 110 /* 6 + 13 * 8 */
#define CPIO_TRAILER "TRAILER!!!"

void cpio_writer_init(struct cpio_writer *w, cpio_sink sink, void *ctx)
{
	w->sink = sink;
	w->ctx = ctx;
	w->offset = 0;
	w->next_ino = 1;
}

static int put(struct cpio_writer *w, const void *data, size_t n)
{
	if (!n)
		return 0;
	if (w->sink(w->ctx, data, n) < 0)
		return -1;
	w->offset += n;
	return 0;
}

/* NUL bytes up to the next multiple of 4 (ALGN(4) in buffer-format.rst). */
static int pad4(struct cpio_writer *w)
{
	static const char zeros[4];
	return put(w, zeros, (4 - (w->offset & 3)) & 3);
}

struct cpio_header {
	uint32_t ino, mode, uid, gid, nlink, mtime, filesize;
	uint32_t rdevmajor, rdevminor, namesize;
};

static int put_header(struct cpio_writer *w, const struct cpio_header *h)
{
	char hdr[CPIO_HEADER_LEN + 1];
	int len = snprintf(hdr, sizeof(hdr),
			   "%s%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
			   "070701",     /* c_magic: "newc", no checksum ("070702" is "crc") */
			   h->ino,       /* c_ino: inode number; with c_maj/c_min it keys the
					    kernel's hard-link table when c_nlink > 1 */
			   h->mode,      /* c_mode: file type (S_IFMT) and permissions, as st_mode */
			   h->uid,       /* c_uid: owner */
			   h->gid,       /* c_gid: group */
			   h->nlink,     /* c_nlink: number of links */
			   h->mtime,     /* c_mtime: seconds since the epoch (32 bits) */
			   h->filesize,  /* c_filesize: bytes of data; 0 unless file or symlink */
			   0u,           /* c_maj: device holding the file; only for hard links */
			   0u,           /* c_min: likewise; one synthetic device, so 0:0 */
			   h->rdevmajor, /* c_rmaj: major of a character or block device node */
			   h->rdevminor, /* c_rmin: minor of a character or block device node */
			   h->namesize,  /* c_namesize: length of the name including its NUL */
			   0u);          /* c_chksum: sum of the data bytes for "070702"; else 0 */
	if (len != CPIO_HEADER_LEN)
		return error("internal error: cpio header of %d bytes", len);
	return put(w, hdr, CPIO_HEADER_LEN);
}

/* The name for an error message: newlines shown as "\n", cut short past 100 bytes;
 * malloc'd. */
static char *printable(const char *name)
{
	struct buf b;
	size_t n = 0;
	char *s;
	buf_init(&b);
	for (const char *p = name; *p; p++) {
		if (++n > 100) {
			buf_adds(&b, "...");
			break;
		}
		if (*p == '\n')
			buf_adds(&b, "\\n");
		else
			buf_add(&b, p, 1);
	}
	s = buf_detach(&b, NULL);

	return s;
}

static int check_name(const char *name)
{
	char *shown;
	const char *why = NULL;
	int ret = 0;

	if (!name || !*name)
		return error("cannot store an empty name in a cpio archive");
	if (name[0] == '/')
		why = "names in the archive must not start with '/'";
	else if (strchr(name, '\n'))
		why = "name has a newline";
	else if (!strcmp(name, CPIO_TRAILER))
		why = "that name marks the end of the archive";
	else if (strlen(name) >= PATH_MAX)
		why = "name too long for the kernel (PATH_MAX)";
	if (why) {
		shown = printable(name);
		ret = error("cannot store '%s' in a cpio archive: %s", shown, why);
		free(shown);
	}
	return ret;
}

/* Whether a file of this type carries data, or a device number. */
static int check_type(const char *name, uint32_t mode, uint32_t rdevmajor, uint32_t rdevminor,
		      const void *data, size_t size)
{
	uint32_t fmt = mode & S_IFMT;
	int has_data = fmt == S_IFREG || fmt == S_IFLNK;
	int has_rdev = fmt == S_IFCHR || fmt == S_IFBLK;

	if (!has_data && !has_rdev && fmt != S_IFDIR && fmt != S_IFIFO && fmt != S_IFSOCK)
		return error("cannot store '%s' in a cpio archive: unknown file type %#o", name,
			     (unsigned)fmt);
	if (mode & ~(uint32_t)(S_IFMT | 07777))
		return error("cannot store '%s' in a cpio archive: bad mode %#o", name,
			     (unsigned)mode);
	if (!has_data && size)
		return error("cannot store '%s' in a cpio archive: only files and symlinks have "
			     "contents", name);
	if (!has_rdev && (rdevmajor || rdevminor))
		return error("cannot store '%s' in a cpio archive: only device nodes have a "
			     "device number", name);
	if (size && !data)
		return error("internal error: no data for '%s'", name);
	if (size > UINT32_MAX)
		return error("cannot store '%s' in a cpio archive: %zu bytes is over the "
			     "format's 4 GiB limit", name, size);
	if (fmt == S_IFLNK && !size)
		return error("cannot store '%s' in a cpio archive: empty symlink target", name);
	if (fmt == S_IFLNK && (size >= PATH_MAX || memchr(data, '\0', size)))
		return error("cannot store '%s' in a cpio archive: bad symlink target", name);
	return 0;
}

int cpio_write_entry(struct cpio_writer *w, const char *name, uint32_t mode, uint32_t uid,
		     uint32_t gid, uint32_t nlink, uint32_t mtime, uint32_t rdevmajor,
		     uint32_t rdevminor, const void *data, size_t size)
{
	struct cpio_header h;

	if (check_name(name) < 0 ||
	    check_type(name, mode, rdevmajor, rdevminor, data, size) < 0)
		return -1;
	h.ino = w->next_ino++;
	h.mode = mode;
	h.uid = uid;
	h.gid = gid;
	h.nlink = nlink;
	h.mtime = mtime;
	h.filesize = (uint32_t)size;
	h.rdevmajor = rdevmajor;
	h.rdevminor = rdevminor;
	h.namesize = (uint32_t)strlen(name) + 1;
	if (pad4(w) < 0 || put_header(w, &h) < 0 || put(w, name, h.namesize) < 0 ||
	    pad4(w) < 0 || put(w, data, size) < 0 || pad4(w) < 0)
		return -1;
	return 0;
}

int cpio_write_trailer(struct cpio_writer *w)
{
	/* As cpio(1) and gen_init_cpio write it: everything 0 but c_nlink and the name. */
	struct cpio_header h = { .nlink = 1, .namesize = sizeof(CPIO_TRAILER) };

	if (pad4(w) < 0 || put_header(w, &h) < 0 || put(w, CPIO_TRAILER, h.namesize) < 0 ||
	    pad4(w) < 0)
		return -1;
	return 0;
}

static uint32_t clamp_mtime(int64_t t)
{
	if (t < 0)
		return 0;
	if (t > (int64_t)UINT32_MAX)
		return UINT32_MAX;
	return (uint32_t)t;
}

static int write_one(struct cpio_writer *w, const struct mf_entry *e, struct buf *contents)
{
	const char *name = e->path;
	const void *data = NULL;
	size_t size = 0;
	uint32_t fmt, nlink = 1, rmaj = 0, rmin = 0;

	if (name[0] != '/')
		return error("internal error: manifest path '%s' is not absolute", name);
	name++;
	switch (e->type) {
	case MF_DIR:
		fmt = S_IFDIR;
		nlink = 2;
		break;
	case MF_FILE:
		fmt = S_IFREG;
		if (e->source) {
			buf_reset(contents);
			if (read_file(e->source, contents) < 0)
				return -1;
			data = contents->data;
			size = contents->len;
		} else {
			data = e->data;
			size = e->size;
		}
		break;
	case MF_SYMLINK:
		fmt = S_IFLNK;
		data = e->target;
		size = e->target ? strlen(e->target) : 0;
		break;
	case MF_CHR:
	case MF_BLK:
		fmt = e->type == MF_CHR ? S_IFCHR : S_IFBLK;
		rmaj = e->major;
		rmin = e->minor;
		break;
	case MF_FIFO:
		fmt = S_IFIFO;
		break;
	default:
		return error("internal error: '%s' has unknown manifest type %d", e->path,
			     (int)e->type);
	}
	return cpio_write_entry(w, name, fmt | (e->mode & 07777), e->uid, e->gid, nlink,
				clamp_mtime(e->mtime), rmaj, rmin, data, size);
}

int cpio_write_manifest(const struct manifest *m, cpio_sink sink, void *ctx)
{
	struct cpio_writer w;
	struct buf contents;
	int ret = 0;

	cpio_writer_init(&w, sink, ctx);
	buf_init(&contents);
	for (size_t i = 0; i < m->n && !ret; i++) {
		if (m->v[i].link_to)
			ret = error("'%s': hard links in a manifest are for ext2 initrds only",
				    m->v[i].path);
		else
			ret = write_one(&w, &m->v[i], &contents);
	}
	if (!ret)
		ret = cpio_write_trailer(&w);
	buf_release(&contents);
	return ret;
}

int cpio_sink_buf(void *ctx, const void *data, size_t n)
{
	buf_add(ctx, data, n);
	return 0;
}

/* Eight hex digits of a header field; -1 when they are not. */
static int64_t hex8(const unsigned char *p)
{
	uint32_t v = 0;
	for (int i = 0; i < 8; i++) {
		unsigned c = p[i], d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		v = v << 4 | d;
	}
	return v;
}

/* The header at off (off + CPIO_HEADER_LEN <= n checked) into e, with its name and data
 * checked against the archive's end; *next gets the offset after its data.  Returns 0, or
 * -1 with the reason in err. */
static int read_header(const unsigned char *p, size_t n, size_t off, struct cpio_entry *e,
		       size_t *next, char *err, size_t errlen)
{
	uint32_t f[13];
	size_t name_end, data_off;
	if (memcmp(p + off, "070701", 6) && memcmp(p + off, "070702", 6)) {
		snprintf(err, errlen, "not a newc cpio header at byte %zu", off);
		return -1;
	}
	for (int i = 0; i < 13; i++) {
		int64_t v = hex8(p + off + 6 + 8 * i);
		if (v < 0) {
			snprintf(err, errlen, "bad hex digits in the header at byte %zu", off);
			return -1;
		}
		f[i] = (uint32_t)v;
	}
	*e = (struct cpio_entry){.offset = off, .ino = f[0], .mode = f[1], .uid = f[2], .gid = f[3],
				 .nlink = f[4], .mtime = f[5], .size = f[6], .devmajor = f[7],
				 .devminor = f[8], .rdevmajor = f[9], .rdevminor = f[10]};
	/* f[11]: c_namesize, with its NUL; f[12]: c_chksum */
	if (f[11] == 0 || f[11] > n - off - CPIO_HEADER_LEN) {
		snprintf(err, errlen, "name past the end of the archive at byte %zu", off);
		return -1;
	}
	name_end = off + CPIO_HEADER_LEN + f[11];
	if (p[name_end - 1] != 0 || memchr(p + off + CPIO_HEADER_LEN, 0, f[11] - 1)) {
		snprintf(err, errlen, "name not ended by one NUL at byte %zu", off);
		return -1;
	}
	e->name = (const char *)p + off + CPIO_HEADER_LEN;
	data_off = (name_end + 3) & ~(size_t)3;
	if (data_off > n || e->size > n - data_off) {
		snprintf(err, errlen, "'%.100s': data past the end of the archive", e->name);
		return -1;
	}
	e->data = p + data_off;
	*next = (data_off + e->size + 3) & ~(size_t)3;
	if (*next > n)
		*next = n;
	return 0;
}

int cpio_read(const void *data, size_t n, int (*fn)(void *ctx, const struct cpio_entry *e),
	      void *ctx, char *err, size_t errlen, size_t *trailing)
{
	const unsigned char *p = data;
	size_t off = 0, members = 0;
	int archives = 0;

	for (;;) {
		struct cpio_entry e;
		/* Between archives (and at the end): NUL padding. */
		size_t z = off;
		while (z < n && p[z] == 0)
			z++;
		if (z == n && archives && !members) {
			if (trailing)
				*trailing = n - off;
			return 0;
		}
		if (z == n) {
			snprintf(err, errlen, "the archive ends without its TRAILER!!! entry");
			return -1;
		}
		off = z;
		if (n - off < CPIO_HEADER_LEN) {
			snprintf(err, errlen, "truncated header at byte %zu", off);
			return -1;
		}
		if (read_header(p, n, off, &e, &off, err, errlen) < 0)
			return -1;
		if (!strcmp(e.name, CPIO_TRAILER)) {
			archives++;
			members = 0;
			continue;
		}
		members++;
		if (fn(ctx, &e) < 0)
			return -1;
	}
}
