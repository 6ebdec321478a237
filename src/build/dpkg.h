/* dpkg.h: what the build host's package database says (dpkg-query(1), /var/lib/dpkg): which
 * package installed a file, at which version, and whether an installed file is still the
 * one the package shipped.
 *
 * dpkg-query reads the whole database (-S reads every package's file list, half a second
 * here), so its answers are remembered in the build cache (memo.h) while
 * /var/lib/dpkg/status is unchanged: installing, upgrading or removing a package rewrites it.
 */
#ifndef MKDISTRO_DPKG_H
#define MKDISTRO_DPKG_H

#include <stddef.h>

#include "build/config.h"

/* The Debian package that installed a host file. */
struct dpkg_owner {
	char *pkg; /* without its architecture; NULL when no package owns the file */
	char *version, *arch;
};

void dpkg_owner_release(struct dpkg_owner *o);

/* The package of each of the n host paths into out[i] (all NULL for a file no package
 * owns).  A usr-merged host has one file at /lib/x and /usr/lib/x, and a symlink and its
 * target are one file too, but dpkg knows each by the one path its package ships it at:
 * each spelling is asked.  Returns 0, or -1 when dpkg-query cannot be run (nothing
 * reported: out is all NULL, for the caller to say what it lacks). */
int dpkg_owners(const struct plan *plan, char *const *paths, size_t n, struct dpkg_owner *out);

/* The version of pkg (malloc'd) when dpkg has it installed and its file is there; NULL
 * otherwise.  Remembered while the package database and file are unchanged. */
char *dpkg_installed(const struct plan *plan, const char *pkg, const char *file);

/* Check an installed package's file against the MD5 sum dpkg recorded for it when the
 * package was installed (/var/lib/dpkg/info/PKG.md5sums).  Returns 0 or -1 (reported:
 * another sum says to reinstall the package). */
int dpkg_check_md5(const char *pkg, const char *file);

#endif
