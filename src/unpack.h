/* unpack.h: extract an archive (tar in any compression libarchive reads) into a directory,
 * refusing anything that would land outside it: absolute paths, ".." parts, hard links
 * out of the tree, and writing through symlinks (libarchive's ARCHIVE_EXTRACT_SECURE_*).
 * Owners are not restored, so no root is needed.
 */
#ifndef MKDISTRO_UNPACK_H
#define MKDISTRO_UNPACK_H

/* Extract archive into dest (created if missing).  Returns 0 or -1 (reported). */
int unpack_archive(const char *archive, const char *dest);
/* Is this archive member name safe to extract: relative, no ".." part?  Pure. */
int unpack_name_is_safe(const char *name);

#endif
