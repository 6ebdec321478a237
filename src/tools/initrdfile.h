/* initrdfile.h: `mkdistro initrd unpack FILE DIR` and `mkdistro initrd pack DIR FILE`.
 *
 * Unpack writes the directories, files and symlinks of a cpio or ext2 initrd (gzip, xz or not)
 * under DIR, and everything a user without root cannot put on disk - owners, device nodes,
 * FIFOs, hard links, times, inode numbers, the member order - into DIR/.mkdistro-initrd, a
 * text list (formats/mflist.h).  Pack reads DIR back with that list, so that unpacking and
 * packing an archive mkdistro wrote gives the same bytes; files added to DIR are packed too
 * (owned by root, their mode and time from disk), and files removed are left out.  A member
 * that would land outside DIR - an absolute name, "..", or a path through a symlink - is
 * refused.  An ext2 initrd is read with libext2fs and packed as the build writes one
 * (build/ext2image.h), at the list's size, its root's time the epoch.
 */
#ifndef MKDISTRO_INITRDFILE_H
#define MKDISTRO_INITRDFILE_H

#define INITRDFILE_LIST ".mkdistro-initrd"

/* Returns 0 or -1 (reported).  DIR must not exist or be empty. */
int initrdfile_unpack(const char *file, const char *dir);
/* level: gzip level when file ends in .gz (0: the list's, else 9).  Returns 0 or -1. */
int initrdfile_pack(const char *dir, const char *file, int level);
/* Pack's own work, in memory: the cpio archive (uncompressed, padding included) of DIR as the
 * list text says, appended to out; where names the list in messages.  A list of an ext2
 * initrd is refused.  Returns 0 or -1 (reported). */
struct buf;
int initrdfile_cpio(const char *dir, const char *text, const char *where, struct buf *out);

#endif
