/* unpack.h: extract an archive (tar in any compression libarchive reads) into a directory,
 * refusing anything that would land outside it.  Owners are not restored, so no root is
 * needed, and set-user-ID and set-group-ID bits are dropped (a source tree needs none, and a
 * build as root would otherwise leave set-user-ID root files in the cache).
 *
 * Each member is checked before anything of it is written, and the first bad one stops the
 * extraction with an error that names the archive and the member:
 *  - an absolute name, or a ".." part;
 *  - a name that goes through a symlink made by an earlier member (a symlink itself may point
 *    anywhere: it is stored, never followed), or through a hard link to such a symlink;
 *  - a hard link whose target is absolute, has a ".." part or goes through such a symlink;
 *  - a device node, FIFO or socket (a source tree has none; as root they would be made);
 *  - a member that is not a directory but would replace the directory itself (".").
 * libarchive's own ARCHIVE_EXTRACT_SECURE_* checks stay on behind these.
 * Reference: libarchive's archive_read(3), archive_write_disk(3), archive_entry(3).
 */
#ifndef MKDISTRO_UNPACK_H
#define MKDISTRO_UNPACK_H

#include <stddef.h>

#include "sys/buf.h"

/* Extract archive into dest (created if missing).  Returns 0 or -1 (reported).  A damaged
 * archive, and one that ends early (cut short), is an error too; on any error dest may hold
 * the members before the bad one, all inside it. */
int unpack_archive(const char *archive, const char *dest);
/* As unpack_archive, for the tar (plain or compressed) that is the member named member of
 * the ar archive ar: a Debian package's data.tar.* (deb(5)).  Messages name it
 * "AR(MEMBER)".  Returns 0 or -1 (reported). */
int unpack_ar_member(const char *ar, const char *member, const char *dest);
/* Append to out the contents of the regular file name ("./control" or "control": "." parts
 * do not count) in that tar, of at most max bytes: a package's control file.  Returns 0 or -1
 * (reported: no such member or file, not a regular file, too big, damaged). */
int unpack_ar_file(const char *ar, const char *member, const char *name, size_t max,
		   struct buf *out);
/* The same, but a tar without that file is no error: 1 (not reported). */
int unpack_ar_file_if(const char *ar, const char *member, const char *name, size_t max,
		      struct buf *out);
/* Read the archive's members, with the checks of unpack_archive, writing nothing: for an
 * archive that another tool extracts (dpkg-source's tar).  Returns 0 or -1 (reported). */
int unpack_check(const char *archive);
/* Is this archive member name safe to extract: relative, no ".." part?  Pure. */
int unpack_name_is_safe(const char *name);
/* name as it can be shown in a message: control characters and backslashes as C escapes
 * (\n, \x1b, \\), so that a crafted name can neither fake lines nor drive the terminal.
 * malloc'd. */
char *unpack_shown(const char *name);

#endif
