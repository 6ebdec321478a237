/* packages.h: Debian binary packages for the image ([rootfs] packages, [initrd.NAME]
 * packages), fetched without root and read, never installed.
 *
 * Fetching: apt-get install --download-only through the private binary configuration
 * (apt.h: its own lists and an empty dpkg status, so the named packages come with every
 * package they need), for the image's architecture, without Recommends, into an empty
 * directory; apt checks each file against the archive's signed index.  Each .deb then goes
 * to <cache>/deb/FILE, is pinned in mkdistro.lock (ROLE deb, lockfile.h) and is checked
 * against its pin on every build: tampered, truncated or unpinned files are refused by name.
 * When the lock pins every named package and the cache holds every pinned file, nothing is
 * fetched: apt is not run, and the build works offline.
 *
 * Reading: each .deb's control file (formats/deb.h) gives its name, version and
 * relationships; its files are extracted once (unpack.h's rules) to <cache>/deb/tree/SHA256;
 * its copyright file gives the license for the SBOM.  Maintainer scripts never run; what a
 * package needs of them (users, state made at boot, data an Essential package holds) are
 * the rules of pkgrules.h.
 */
#ifndef MKDISTRO_PACKAGES_H
#define MKDISTRO_PACKAGES_H

#include <stddef.h>
#include <stdint.h>

#include "build/config.h"

struct lockfile;

struct package {
	char *name, *version, *arch;
	char *file;     /* as the archive names it: NAME_VERSION_ARCH.deb, an epoch's ':' as %3a */
	char *deb;      /* <cache>/deb/FILE */
	char *tree;     /* <cache>/deb/tree/SHA256: its files */
	char sha256[65];
	uint64_t size;  /* of the .deb */
	char *depends, *pre_depends, *provides; /* control fields, or NULL */
	char *copyright; /* the text of its /usr/share/doc/NAME/copyright, or NULL */
	int adds_users; /* its maintainer scripts add users or groups */
};

struct packages {
	struct package *v;
	size_t n;
	const char *arch; /* Debian's name of the image's architecture: "amd64" */
	int fetched;      /* apt ran (else everything came from the cache and the lock) */
};

/* Every package the plan's variants name, with what they need and what the rules add
 * (pkgrules.h), checked against lock (noted in it for lockfile_save; NULL: no checks).
 * Progress and apt's output go to log.  A name the archive does not have is an error with
 * its mkdistro.conf line.  Returns 0 or -1 (reported). */
int packages_get(const struct plan *plan, struct lockfile *lock, const char *log,
		 struct packages *out);
void packages_release(struct packages *p);
/* Which packages initrd variant v takes (main's and its own, with what they need and what
 * the rules add): need[] gets 1 for each (p->n entries), and root[] 1 for those named in
 * mkdistro.conf or brought by a rule.  Returns 0 or -1 (reported). */
int packages_of_variant(const struct plan *plan, const struct packages *p,
			const struct ivariant *v, unsigned char *need, unsigned char *root);
/* The package called name, or NULL. */
const struct package *packages_find(const struct packages *p, const char *name);
/* Package name alone, without what it needs (apt-get download), for the image's CPU: a
 * package the build uses but the image does not hold (GRUB's modules, for the boot loader).
 * Pinned in lock under role (not "deb"), fetched only when the cache lacks the pinned file,
 * checked, read and extracted as packages_get's are.  Returns 0 or -1 (reported). */
int packages_get_one(const struct plan *plan, struct lockfile *lock, const char *role,
		     const char *name, const char *log, struct package *out);
void packages_release_one(struct package *p);

#endif
