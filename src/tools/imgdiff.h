/* imgdiff.h: `mkdistro diff A.img B.img`: where two stick images differ, and in what.
 *
 * Layer by layer, as a user would look: the MBR (boot code, disk signature, partition
 * table), the FAT boot sector (volume id, label), then the files inside the FAT (copied out
 * with mcopy), file by file, and inside each initrd that differs (unpacked as `mkdistro
 * initrd unpack` does) member by member, contents and metadata (owner, mode, times, from
 * the unpacked list).  Bytes that differ outside all of those (the FAT's own tables,
 * directory entries, free space) are counted last.
 */
#ifndef MKDISTRO_IMGDIFF_H
#define MKDISTRO_IMGDIFF_H

/* Print the differences to stdout.  Returns 0 when the images are identical, 1 when they
 * differ, -1 on trouble (reported). */
int imgdiff_run(const char *a, const char *b);

#endif
