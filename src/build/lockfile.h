/* lockfile.h: mkdistro.lock, the source files a project builds from, pinned by SHA-256.
 *
 * The build writes it when it first fetches the sources (the project has no lock file yet),
 * and from then on checks every source file against it before anything is unpacked; a file
 * that does not match stops the build.  Like Cargo.lock, it belongs in the project's version
 * control: whoever builds the project later, on any machine, builds from the same bytes.
 * `mkdistro lock --update` pins what is there now (after a deliberate change of source).
 *
 * Format: plain text, '#' comments, one line per source file:
 *   ROLE FILE VERSION SIZE SHA-256
 * ROLE is kernel, busybox, deb (a Debian binary package the image takes, packages.h) or
 * loader (the Debian package a boot loader is made from: GRUB's modules, build/grub.h);
 * FILE the file's name without its directory (%-escaped: space,
 * '%' and control characters as %XX); VERSION the Debian version it came from, or "-"; SIZE
 * in bytes; SHA-256 in 64 lowercase hex digits.  A source can have several files (a Debian
 * source package: its .dsc and tarballs); a pin is found by ROLE and FILE.
 */
#ifndef MKDISTRO_LOCKFILE_H
#define MKDISTRO_LOCKFILE_H

#include <stddef.h>
#include <stdint.h>

#include "sys/buf.h"

#define LOCKFILE_NAME "mkdistro.lock"

struct lockfile_pin {
	char *role;    /* "kernel", "busybox", "deb" */
	char *file;    /* the name, without directory */
	char *version; /* Debian version, "-" for none */
	uint64_t size;
	char sha256[65];
	int line; /* in the lock file; 0 when not read from it */
};

struct lockfile {
	char *path;
	int exists; /* the file was there when loaded */
	int update; /* mkdistro lock --update: check nothing, pin what is found */
	struct lockfile_pin *pins; /* as read */
	size_t n, cap;
	struct lockfile_pin *found; /* the files met by this run, in order */
	size_t nfound, fcap;
};

/* Read path; a missing file is no error (exists = 0).  Returns 0 or -1 (reported, as
 * PATH:LINE for a bad line). */
int lockfile_load(struct lockfile *l, const char *path);
/* Parse the text of a lock file into l (pins appended); where names it in errors.  Pure. */
int lockfile_parse(struct lockfile *l, const char *text, const char *where);
void lockfile_release(struct lockfile *l);
/* The pin of role's file, or NULL. */
const struct lockfile_pin *lockfile_find(const struct lockfile *l, const char *role,
					 const char *file);
/* The Debian version role's files are pinned at (so that the same one is fetched), or NULL
 * (none pinned, or updating). */
const char *lockfile_version(const struct lockfile *l, const char *role);

/*
 * Check the source file at path, which is actual (role, file name, version, size, SHA-256),
 * against its pin, and note it as found.  conf_sha256: the SHA-256 mkdistro.conf pins the
 * file at, or NULL; restore: how to get the pinned file back ("apt-get install --reinstall
 * linux-source-6.1=VERSION"), or NULL for "restore the original".  With no lock file, or when updating, everything
 * passes.  Otherwise an error, naming the file and the lock file's line, tells apart:
 *   unpinned   no pin for it (a new source): "is not pinned in"
 *   version    another Debian version than the pinned one: "is version V, but ... pins V'"
 *   re-pinned  the file matches mkdistro.conf's sha256, not the lock: "matches ... sha256"
 *   tampered   the pinned size, another SHA-256: "was tampered with"
 *   truncated  smaller than pinned: "is truncated"
 *   changed    larger than pinned, another SHA-256: "is not the pinned file"
 * and says what to do.  Returns 0 or -1.
 */
int lockfile_check(struct lockfile *l, const struct lockfile_pin *actual, const char *path,
		   const char *conf_sha256, const char *restore);
/* The file at path, pinned as (role, file), is missing: an error that says where it is
 * pinned, if it is, and hint (what to do; may be NULL).  Returns -1. */
int lockfile_missing(const struct lockfile *l, const char *role, const char *file,
		     const char *path, const char *hint);
/* Every pin of role that this run did not meet is missing from dir, where role's files are
 * (a Debian source package lost a file): an error naming the first, with hint.  Returns 0
 * or -1. */
int lockfile_check_all_found(const struct lockfile *l, const char *role, const char *dir,
			     const char *hint);
/* Write the lock file, atomically, from the files found, when there was none (or when
 * updating).  *written gets 1 when it was written.  Returns 0 or -1 (reported). */
int lockfile_save(struct lockfile *l, int *written);
/* The lock file's text for pins (header comment included).  Pure. */
void lockfile_render(const struct lockfile_pin *pins, size_t n, struct buf *out);

#endif
