/* ext2write.h: finish an ext2 image with libext2fs, from the manifest it was made of.
 *
 * `mke2fs -d` copies a directory tree into a new filesystem without root, but it gives every
 * inode the builder's owner and the tree's own times, and a tree made without root holds no
 * device nodes.  ext2write_finish() then gives the image what the manifest says, in place,
 * as e2fsprogs' misc/create_inode.c and debugfs' mknod and set_inode_field do.
 * References: e2fsprogs' lib/ext2fs (ext2fs_open2, ext2fs_namei, ext2fs_new_inode,
 * ext2fs_link, ext2fs_write_inode2), the ext2 on-disk format for device numbers.
 */
#ifndef MKDISTRO_EXT2WRITE_H
#define MKDISTRO_EXT2WRITE_H

#include <stdint.h>

#include "formats/manifest.h"

/* In the ext2 image in the file image, made from m (sorted) by mke2fs -d, and so holding
 * its directories, files and symlinks:
 *  - the root: owner 0:0, every time epoch;
 *  - each entry of m, in order: its device node or FIFO made first (in its directory, as
 *    e2fsprogs makes one: the next free inode from the directory's group, the directory
 *    grown when full), then its owner, its times (all three: mtime) and, for a node, its
 *    mode;
 *  - what libext2fs stamps with the clock is stamped with epoch instead: the superblock's
 *    write time and a new inode's creation time (an epoch of 0 leaves them to the clock, as
 *    E2FSPROGS_FAKE_TIME=0 does for mke2fs).
 * Any byte allowed in an ext2 name may be in a path.  Returns 0, or -1 (reported, naming
 * image; the image is then half done). */
int ext2write_finish(const char *image, const struct manifest *m, int64_t epoch);

#endif
