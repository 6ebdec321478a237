/* rootfs.h: the contents of the root filesystem, as a manifest.
 *
 * The standard directories; BusyBox at /bin/busybox with a symlink for every applet its
 * build listed (busybox.links); the skeleton directory (rootfs/, copied as is, so it can
 * replace anything above); generated files (/etc/hostname, /etc/network.conf, /etc/mtab, /init); the device
 * nodes /dev/console and /dev/null; and every shared library the ELF files in the tree
 * need (resolved from their headers, copied with debug info stripped, the ELF interpreter
 * at its PT_INTERP path).  Everything is owned by root and stamped with the plan's epoch.
 *
 * The standard directories keep their modes (/tmp and /var/tmp 1777, /root 0700, /proc and
 * /sys 0555) when the skeleton or an overlay has a directory of the same name.  With a root
 * password ([system] root_password_*, password.h) /etc/shadow holds its hash; /etc/shadow
 * and /etc/gshadow are made root's alone (0600) whatever they came from.
 */
#ifndef MKDISTRO_ROOTFS_H
#define MKDISTRO_ROOTFS_H

#include <stdint.h>

#include "build/config.h"
#include "formats/manifest.h"

struct packages;

struct rootfs_in {
	const char *busybox;      /* the BusyBox binary */
	const char *busybox_links; /* its busybox.links */
	const char *log;          /* objcopy's output */
	const struct ivariant *variant; /* overlays and extra binaries, or NULL (main) */
	const struct packages *packages; /* the Debian packages fetched, or NULL (pkgtree.h) */
	uint64_t *pkg_bytes;            /* gets what each of them added, or NULL */
};

/* Fill m: the common tree, then the variant's overlays (in order, each over the last) and
 * binaries (at their host paths), then the libraries of every ELF file.  Returns 0 or -1
 * (reported; a variant's bad binary or overlay as mkdistro.conf:LINE). */
int rootfs_build(const struct plan *plan, const struct rootfs_in *in, struct manifest *m);
/* Add a host directory tree under prefix (e.g. "/") to m: directories 0755 (one already in
 * m keeps its mode), files 0644 or 0755 (by their x bit, so the umask of a checkout does not
 * matter), symlinks as they are.  Returns 0 or -1 (reported). */
int rootfs_add_tree(struct manifest *m, const char *host_dir, const char *prefix);
/* Check a variant's overlays (directories) and binaries (x86-64 ELF files), naming the
 * mkdistro.conf line of a bad one.  Returns 0 or -1 (reported). */
int rootfs_check_variant(const struct plan *plan, const struct ivariant *v);
/* The entries of m that base lacks or has otherwise (type, mode, owner, target, device or
 * contents), for an initrd stacked on base's.  Returns 0 or -1 (reported). */
int rootfs_diff(const struct manifest *base, const struct manifest *m, struct manifest *out);
/* The relative symlink target that points from link to target, both absolute image paths
 * ("/usr/bin/awk", "/bin/busybox" gives "../../bin/busybox").  malloc'd. */
char *rootfs_relative_link(const char *link, const char *target);

#endif
