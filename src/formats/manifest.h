/* manifest.h: the root filesystem as a list of entries.
 *
 * In the spirit of the kernel's usr/gen_init_cpio list (file/dir/nod/slink): owners, device
 * nodes and timestamps live in the list, so no stage needs root, mknod or a mount, and the
 * archive writers produce the same bytes for the same list.
 *
 * Paths are absolute inside the image ("/bin/busybox"), normalised: no trailing slash, no
 * "//", no "." or ".." parts.  The root "/" itself is implied and never listed.  Adding a
 * path that is already listed replaces the entry (so overlays win), except that adding a
 * directory over a directory only updates its mode.  Parents are created as 0755
 * directories when missing.
 */
#ifndef MKDISTRO_MANIFEST_H
#define MKDISTRO_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

enum mf_type {
	MF_DIR,
	MF_FILE,    /* contents from a host file (source) or from memory (data) */
	MF_SYMLINK, /* target */
	MF_CHR,     /* character device: major, minor */
	MF_BLK,     /* block device: major, minor */
	MF_FIFO,
};

struct mf_entry {
	char *path;
	enum mf_type type;
	unsigned mode; /* permission bits, 07777 */
	unsigned uid, gid;
	int64_t mtime;
	char *source;        /* MF_FILE: host file to read, or NULL when data is set */
	unsigned char *data; /* MF_FILE: contents in memory (owned) */
	size_t size;         /* MF_FILE with data: its length */
	char *target;        /* MF_SYMLINK */
	char *link_to;       /* MF_FILE: a hard link to this earlier entry's path, instead of
			      * contents (ext2 initrds only; the build itself makes none) */
	unsigned major, minor;
};

struct manifest {
	struct mf_entry *v;
	size_t n, cap;
	int64_t mtime; /* given to every entry added from now on (default 0) */
};

void manifest_init(struct manifest *m);
void manifest_release(struct manifest *m);

/* Each returns 0, or -1 with the error reported (a path that is not absolute or does not
 * normalise, or whose parent is listed as something other than a directory).  Owners are 0:0. */
int manifest_add_dir(struct manifest *m, const char *path, unsigned mode);
int manifest_add_file(struct manifest *m, const char *path, unsigned mode, const char *source);
int manifest_add_data(struct manifest *m, const char *path, unsigned mode, const void *data,
		      size_t size);
int manifest_add_symlink(struct manifest *m, const char *path, const char *target);
int manifest_add_node(struct manifest *m, const char *path, enum mf_type type, unsigned mode,
		      unsigned major, unsigned minor);

/* A hard link at path to the file entry link_to (listed before it).  Returns 0 or -1. */
int manifest_add_hardlink(struct manifest *m, const char *path, unsigned mode, const char *link_to);
/* The whole contents of file entry e (its source on the host, or its data), appended to b.
 * Returns 0 or -1 (reported). */
struct buf;
int manifest_entry_read(const struct mf_entry *e, struct buf *b);
/* The entry for path, or NULL. */
struct mf_entry *manifest_find(const struct manifest *m, const char *path);
/* The entry that path leads to in the image, as the booted kernel would find it: symlinks
 * followed inside m in every component (a relative target from the link's directory, an
 * absolute one from the image's root; never on the host), "." and ".." taken as they come,
 * and a hard link taken to the file it links to.  NULL when something on the way is
 * missing, a component before the last is not a directory, or more than 40 symlinks are
 * followed (a loop); also for "/" itself, which has no entry. */
struct mf_entry *manifest_resolve(const struct manifest *m, const char *path);
/* Sort by path, bytewise; parents come before their children. */
void manifest_sort(struct manifest *m);
/* Normalise path into a malloc'd string; NULL when it is not absolute or has "..". */
char *manifest_normalise(const char *path);

#endif
