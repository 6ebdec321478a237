/* mflist.h: the initrd list, the manifest's text form (DIR/.mkdistro-initrd of `mkdistro
 * initrd unpack` and `pack`).
 *
 * It holds what a user without root cannot put on disk: owners, device nodes, FIFOs, hard
 * links, times, inode numbers and the member order.  One line per member, in archive order:
 *
 *   TYPE PATH MODE UID GID MTIME INO NLINK [TARGET | MAJOR MINOR | LINK]
 *
 * TYPE is dir, file, slink (TARGET), nod-c or nod-b (MAJOR MINOR), fifo, sock, or link (a
 * hard link to the earlier member LINK); PATH is as stored ("." for the root); MODE is the
 * permission bits in octal (at most 07777: the type is TYPE's); the other numbers are
 * decimal.  PATH, TARGET and LINK are written with buf_add_field() (space, '%', control
 * characters and DEL as %XX), and are never empty nor hold a NUL (%00).  Header lines: "gzip LEVEL" or "gzip none", "pad N" (cpio: NUL
 * bytes after the trailer), "ext2 KIB" (an ext2 initrd of that size).  Lines starting with
 * '#' and empty lines are skipped.
 *
 * Pure: text in, structs out, and back.
 */
#ifndef MKDISTRO_MFLIST_H
#define MKDISTRO_MFLIST_H

#include <stddef.h>

#include "sys/buf.h"

enum mflist_type {
	MFLIST_DIR,
	MFLIST_FILE,
	MFLIST_LINK, /* a hard link: target is the first name's path */
	MFLIST_SLINK, /* a symlink: target is where it points */
	MFLIST_CHR,
	MFLIST_BLK,
	MFLIST_FIFO,
	MFLIST_SOCK,
};

struct mflist_item {
	enum mflist_type type;
	char *path; /* as stored, "." for the root */
	unsigned mode, uid, gid, mtime, ino, nlink;
	char *target;          /* MFLIST_SLINK, MFLIST_LINK; else NULL */
	unsigned major, minor; /* MFLIST_CHR, MFLIST_BLK */
	int line;              /* the line it was read from, for messages (0: not read) */
};

/* The most NUL bytes a list may ask for after the trailer.  What unpack finds there is a
 * few hundred bytes (cpio(1) fills its last 512-byte block); a list that asks for more is
 * damaged, and pack would fill memory with it. */
#define MFLIST_MAX_PAD (64 << 20)

struct mflist {
	struct mflist_item *v;
	size_t n, cap;
	int level;         /* gzip level; 0: none; -1: the list does not say */
	size_t pad;        /* cpio: NUL bytes after the trailer */
	unsigned ext2_kib; /* an ext2 initrd of this size; 0: a cpio archive */
};

void mflist_init(struct mflist *l);
void mflist_release(struct mflist *l);

/* Append item to l, taking ownership of its path and target. */
void mflist_add(struct mflist *l, const struct mflist_item *item);
/* The first item whose path is path, or NULL. */
const struct mflist_item *mflist_find(const struct mflist *l, const char *path);

/* Parse text into l (initialised here; released on error).  where names the list in
 * messages ("where:LINE: ..."): a line that is not one of the list's is an error, and so is
 * a "pad" of more than MFLIST_MAX_PAD.  Returns 0 or -1 (reported). */
int mflist_parse(struct mflist *l, const char *text, const char *where);

/* Append l as text to out: a comment naming what it was unpacked from (from, a newline in
 * it as %0a), the gzip line, the items, then "ext2 KIB" (when ext2_kib) or "pad N".
 * mflist_parse() reads it back to the same list (but for pad, which an ext2 list has not). */
void mflist_render(const struct mflist *l, const char *from, struct buf *out);

/* TYPE as the list spells it. */
const char *mflist_type_name(enum mflist_type type);

#endif
