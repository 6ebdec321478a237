/* cpio.h: a writer for cpio "newc" archives, the format the Linux kernel unpacks as an
 * initramfs.
 *
 * Spec: Linux Documentation/driver-api/early-userspace/buffer-format.rst (the "newc" header,
 * magic 070701, with c_chksum 0), modelled on the kernel's usr/gen_init_cpio.c.  The bytes go
 * to a sink the caller hands in, so this module does no I/O of its own except reading the
 * host files an MF_FILE manifest entry names.
 *
 * Padding is counted from the first byte written through the writer, so the stream a sink
 * receives must itself start on a 4-byte boundary of whatever holds it (the kernel aligns
 * relative to the start of each archive it unpacks; a fresh buffer or file is fine).  The
 * archive ends with the trailer padded to 4 bytes, as the grammar in buffer-format.rst asks;
 * it is not padded to 512 bytes the way cpio(1) and gen_init_cpio do, because nothing that
 * reads an initramfs needs that.
 */
#ifndef MKDISTRO_CPIO_H
#define MKDISTRO_CPIO_H

#include <stddef.h>
#include <stdint.h>

#include "formats/manifest.h"

/* Takes n bytes of archive.  Returns 0, or -1 with the error already reported. */
typedef int (*cpio_sink)(void *ctx, const void *data, size_t n);

struct cpio_writer {
	cpio_sink sink;
	void *ctx;
	uint64_t offset;   /* bytes written so far, for the 4-byte alignment */
	uint32_t next_ino; /* inode number for the next entry; starts at 1 */
};

void cpio_writer_init(struct cpio_writer *w, cpio_sink sink, void *ctx);

/*
 * Write one entry: header, name, padding, data, padding.
 *
 * name is as stored in the archive: relative, no leading '/' ("bin/busybox").  mode carries
 * the S_IFMT file type bits as well as the permissions.  data/size is the file contents for a
 * regular file and the target (no NUL) for a symlink; it must be empty for everything else.
 * rdevmajor/rdevminor are only for character and block devices and must be 0 otherwise.
 * Inode numbers are handed out in order from 1, so the same calls give the same bytes.
 *
 * Refused with a reported error: an empty name, a leading '/', a newline in the name, the
 * name "TRAILER!!!" (it would end the archive early), a name of PATH_MAX bytes or more (the
 * kernel skips those), an unknown file type, contents over 4 GiB - 1 (c_filesize is 32 bits),
 * an empty symlink target, and contents or rdev for a type that has none.
 * Returns 0 or -1.
 */
int cpio_write_entry(struct cpio_writer *w, const char *name, uint32_t mode, uint32_t uid,
		     uint32_t gid, uint32_t nlink, uint32_t mtime, uint32_t rdevmajor,
		     uint32_t rdevminor, const void *data, size_t size);

/* Write the "TRAILER!!!" end-of-archive entry.  Returns 0 or -1. */
int cpio_write_trailer(struct cpio_writer *w);

/*
 * Write every entry of m in list order (the caller sorts; parents must come before their
 * children for the kernel to create them), then the trailer.  Names lose their leading '/';
 * uid, gid, permissions and mtime come from the entry (mtime clamped to 0..UINT32_MAX);
 * directories get nlink 2, everything else 1 (so the kernel never takes two entries for hard
 * links of one another); MF_FILE contents come from e->data, or are read from the host file
 * e->source.  Returns 0, or -1 with the error reported; on error the sink may already hold
 * part of the archive.
 */
int cpio_write_manifest(const struct manifest *m, cpio_sink sink, void *ctx);

/* One member of an archive being read: the header fields as stored, the name, and the data
 * (pointing into the archive). */
struct cpio_entry {
	const char *name;
	uint32_t ino, mode, uid, gid, nlink, mtime, devmajor, devminor, rdevmajor, rdevminor;
	const unsigned char *data;
	size_t size;
	size_t offset; /* of the header in the archive */
};

/* Read a newc archive (070701 or 070702), or several one after another as the kernel takes
 * them, calling fn for each member but the trailers; fn returns 0, or -1 to stop.  Pure: on a
 * malformed archive returns -1 with a lowercase message in err ("truncated header at byte
 * 1234", ...); returns fn's -1 as is.  *end gets the offset after the last trailer, and
 * *trailing the number of NUL bytes after it (may be NULL). */
int cpio_read(const void *data, size_t n, int (*fn)(void *ctx, const struct cpio_entry *e),
	      void *ctx, char *err, size_t errlen, size_t *trailing);

/* A sink that appends to a struct buf (ctx is the struct buf *).  Never fails. */
int cpio_sink_buf(void *ctx, const void *data, size_t n);

#endif
