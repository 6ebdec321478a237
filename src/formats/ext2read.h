/* ext2read.h: walk an ext2 image with libext2fs, member by member, as cpio_read does for a
 * cpio archive - so that `mkdistro initrd unpack` needs neither root nor a mount. */
#ifndef MKDISTRO_EXT2READ_H
#define MKDISTRO_EXT2READ_H

#include "formats/cpio.h"

/* Is data an ext2 filesystem (the superblock magic)? */
int ext2read_is_ext2(const void *data, size_t n);
/* The largest file (its size, holes included) mkdistro reads from an image. */
#define EXT2READ_MAX_FILE (1u << 30)

/* Call fn for the root (named ".") and then every inode reachable from it, parents first,
 * names sorted; lost+found is left out, of the ext2 image held in memory (data, n), which
 * messages call name.  The entry's fields are the inode's; a hard-linked file's data comes
 * with its first name only; a file larger than max_file (EXT2READ_MAX_FILE for mkdistro)
 * is an error.  *size_kib gets the filesystem's size.  Returns 0, or -1 (reported, or fn's
 * -1).  Nothing is written: libext2fs reads through an I/O manager over the bytes. */
int ext2read_walk_mem(const void *data, size_t n, const char *name, size_t max_file,
		      int (*fn)(void *ctx, const struct cpio_entry *e), void *ctx, unsigned *size_kib);
#endif
