/* deb.h: Debian binary packages (.deb) read without dpkg, and without running anything of
 * theirs.
 *
 * Spec: deb(5).  A .deb is an ar archive whose members are, in this order:
 *  - debian-binary: the format version, "2.0\n" (a later 2.x is read the same way);
 *  - control.tar, plain or compressed with gzip, xz or zstd: the control file, the
 *    maintainer scripts and the md5sums;
 *  - data.tar, plain or compressed with gzip, bzip2, xz or zstd: the files to install.
 * Members after these whose name starts with '_' are additions dpkg ignores, and so do we;
 * anything else is refused.  The tars are read with unpack.h's rules (nothing lands outside
 * the destination, no device nodes, no set-id bits).
 */
#ifndef MKDISTRO_DEB_H
#define MKDISTRO_DEB_H

#include "sys/buf.h"

/* The most bytes a control file may have (dpkg's own are a few KiB). */
#define DEB_CONTROL_MAX ((size_t)1 << 20)

struct deb {
	char *path;
	char *control_member; /* "control.tar.xz" and the like */
	char *data_member;    /* "data.tar.xz" and the like */
};

/* Read the layout of the package at path into d (released with deb_release, also after an
 * error).  Returns 0, or -1 (reported, naming the file: not an ar archive, no
 * debian-binary first, a version other than 2.x, a member missing, out of order or
 * unknown, cut short). */
int deb_open(const char *path, struct deb *d);
/* Append the package's control file (deb822 text: Package, Version, Depends...) to out.
 * Returns 0 or -1 (reported). */
int deb_control(const struct deb *d, struct buf *out);
/* Append the control archive's file name ("postinst", "conffiles") to out, if it has one.
 * Returns 0, 1 when it has none, or -1 (reported). */
int deb_control_file(const struct deb *d, const char *name, struct buf *out);
/* Extract the package's files (data.tar) into dest.  Returns 0 or -1 (reported). */
int deb_extract(const struct deb *d, const char *dest);
void deb_release(struct deb *d);

#endif
