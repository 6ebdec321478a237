/* sources.h: the kernel and BusyBox source trees, fetched once into the cache, checked,
 * and unpacked safely.  No root needed.
 *
 * A source is "debian:PACKAGE" or a tarball path with a pinned SHA-256 (mkdistro.conf).
 *  - debian:linux-source-6.1: /usr/src/linux-source-6.1.tar.xz when the package is installed
 *    (checked against dpkg's md5sums), else `apt-get download` (checked by apt against the
 *    signed archive index), with the tarball taken out of the .deb by libarchive
 *    (`dpkg-deb --fsys-tarfile`, not `dpkg-deb -x`).
 *  - debian:busybox: `apt-get source --download-only` through a private apt configuration
 *    under the cache (deb-src lines derived from the system's deb lines; the system's apt
 *    files are never edited), which checks the signed Sources index; the tarballs' members are
 *    checked (unpack_check) before dpkg-source extracts them and applies Debian's patches.
 *    Fetched once: the unpacked tree is kept under the cache, beside the package's files.
 * With a lock file that pins a Debian version, that version is fetched (pkg=VERSION).
 * Tarballs are unpacked with unpack_archive (unpack.h).
 */
#ifndef MKDISTRO_SOURCES_H
#define MKDISTRO_SOURCES_H

#include "build/config.h"
#include "sys/buf.h"

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
/* deb-src entries for every enabled, remote deb entry of the apt sources under etc
 * (normally "/etc/apt"): one-line ones appended to list, deb822 ones (copied whole, with
 * Types: deb-src) to deb822.  Returns how many. */
int sources_debsrc_lines(const char *etc, struct buf *list, struct buf *deb822);
/* The same for one file's text: the "deb-src" twins of the one-line "deb" entries of a
 * sources.list, or the deb-src paragraphs of a deb822 .sources file, appended to out.
 * Returns how many. */
int sources_debsrc_of_list(const char *text, struct buf *out);
int sources_debsrc_of_deb822(const char *text, struct buf *out);

#endif
