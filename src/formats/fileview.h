/* fileview.h: the files of a root filesystem, read one way whether it is on the host (a
 * directory that stands for "/", or "/" itself) or listed in an image's manifest.
 *
 * A view answers what the ELF dependency walk (elfdeps.h) and the ld.so.conf reader
 * (ldsoconf.h) ask of a root filesystem: the bytes at a path, which file a path is (so
 * that one file reached by two paths is known as one, as ld.so compares device and inode),
 * and which paths match a glob(7) pattern.
 *
 * Two kinds of path meet here.  A root path is one as a program in the root filesystem
 * sees it: /lib/x86_64-linux-gnu/libc.so.6.  A host path is what the view opens: on the
 * host, the root path under the root directory (/tmp/root/lib/...; the same path when root
 * is "/"), or any other host path (a program given from elsewhere, a directory reached
 * through $ORIGIN); in a manifest, the path in the image itself, its symlinks followed
 * inside the image (manifest_resolve), never on the host.  fileview_host_path() and
 * fileview_root_path() turn one into the other.
 */
#ifndef MKDISTRO_FILEVIEW_H
#define MKDISTRO_FILEVIEW_H

#include <stddef.h>
#include <sys/types.h>

struct manifest;
struct strvec;
struct fileview;

enum fileview_status {
	FILEVIEW_OK,
	FILEVIEW_ABSENT,      /* nothing that opens: err says why (ENOENT: nothing there) */
	FILEVIEW_NOT_REGULAR, /* something that is not a regular file (directory, device...) */
	FILEVIEW_UNREADABLE,  /* a file that cannot be read: why says so, err says why */
};

/* A file opened by fileview_open, its bytes in memory until fileview_close. */
struct fileview_file {
	const unsigned char *data;
	size_t size;
	/* Which file it is: on the host its device and inode; in a manifest 0 and its entry's
	 * place in the list, counted from 1 (a hard link is the entry it links to). */
	dev_t dev;
	ino_t ino;
	int err; /* the errno of FILEVIEW_ABSENT and FILEVIEW_UNREADABLE */
	/* private */
	void *map;
	size_t map_size;
};

struct fileview_ops {
	enum fileview_status (*open)(const struct fileview *v, const char *path,
				     struct fileview_file *f, char *why, size_t whylen);
	void (*glob)(const struct fileview *v, const char *pattern, struct strvec *paths);
};

struct fileview {
	const struct fileview_ops *ops;
	const char *root;   /* the host directory for "/" (not owned), root_len bytes of it:
			     * without trailing slashes, or "/" */
	size_t root_len;
	const struct manifest *tree; /* the manifest view's list (not owned) */
};

/* A view of the host's files, with root (NULL: "/") standing for "/"; root is not copied.
 * Absolute symlinks under root still point at the host. */
void fileview_host(struct fileview *v, const char *root);
/* A view of the files listed in m (not copied); a file's bytes are its entry's data, or
 * read from its host source. */
void fileview_manifest(struct fileview *v, const struct manifest *m);

/* Open a host path of the view (see above) and read it: FILEVIEW_OK with *f to be closed,
 * or what else it found (f->err, and errno, set for FILEVIEW_ABSENT and
 * FILEVIEW_UNREADABLE; nothing to close).  With FILEVIEW_UNREADABLE,
 * why (whylen bytes) says what went wrong as a predicate: "cannot be read from 'SOURCE':
 * REASON" (a manifest entry's host file) or "cannot be read: REASON". */
enum fileview_status fileview_open(const struct fileview *v, const char *path,
				   struct fileview_file *f, char *why, size_t whylen);
void fileview_close(struct fileview_file *f);

/* Append to paths the host paths that match pattern (a host path with glob(7) wildcards),
 * sorted bytewise; none when nothing matches.  In a manifest only the paths as listed
 * match: a directory reached through a symlink is not searched. */
void fileview_glob(const struct fileview *v, const char *pattern, struct strvec *paths);

/* The host path of a root path: under root when absolute (malloc'd). */
char *fileview_host_path(const struct fileview *v, const char *path);
/* The root path of a host path: without root when under it (a pointer into path, or "/"). */
const char *fileview_root_path(const struct fileview *v, const char *path);

/* Paths as ld.so builds them, for either kind (malloc'd):
 * fileview_join: dir + "/" + name, trailing slashes of dir dropped (but "/" kept), and an
 *   empty dir meaning the current directory (name alone);
 * fileview_absolute: p from the current directory when relative;
 * fileview_dirname: the directory of p, absolute: what ld.so takes as an object's $ORIGIN. */
char *fileview_join(const char *dir, const char *name);
char *fileview_absolute(const char *p);
char *fileview_dirname(const char *p);

#endif
