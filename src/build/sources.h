/* sources.h: the kernel and BusyBox source trees, fetched once into the cache, checked,
 * and unpacked safely.  No root needed.
 *
 * A source is "debian:PACKAGE" or a tarball path with a pinned SHA-256 (mkdistro.conf).
 *  - debian:linux-source-6.1: /usr/src/linux-source-6.1.tar.xz when the package is installed
 *    (checked against dpkg's md5sums), else `apt-get download` (checked by apt against the
 *    signed archive index), with the tarball taken out of the .deb by libarchive
 *    (`dpkg-deb --fsys-tarfile`, not `dpkg-deb -x`).
 *  - debian:busybox: `apt-get source --download-only` through a private apt configuration
 *    under the cache (apt.h), which checks the signed Sources index; the tarballs' members are
 *    checked (unpack_check) before dpkg-source extracts them and applies Debian's patches.
 *    Fetched once: the unpacked tree is kept under the cache, beside the package's files.
 * With a lock file that pins a Debian version, that version is fetched (pkg=VERSION).
 * Tarballs are unpacked with unpack_archive (unpack.h).
 */
#ifndef MKDISTRO_SOURCES_H
#define MKDISTRO_SOURCES_H

#include "build/config.h"

struct source {
	char *id;   /* what the tree was made from: "linux-source-6.1 6.1.158-1", "sha256:..." */
	char *tree; /* the unpacked source tree (top directory with the Makefile) */
};

/* what: "kernel" or "busybox".  Progress and child output go to log.  Every source file is
 * checked against lock (lockfile.h) before anything of it is unpacked, and noted in it for
 * lockfile_save; NULL: no checks.  A file's SHA-256 is remembered with its identity (memo.h),
 * so that it is read again only when it changed.  Returns 0 or -1. */
struct lockfile;
int sources_get(const struct plan *plan, const char *what, struct lockfile *lock,
		const char *log, struct source *out);
void source_release(struct source *s);
/* The one .dsc file in dir (a Debian source package's, as apt-get source leaves it),
 * malloc'd, or NULL when there is none or more than one. */
char *sources_dsc(const char *dir);

#endif
