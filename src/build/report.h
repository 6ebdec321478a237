/* report.h: what each part of the stick costs, as out/report.txt and out/report.svg.
 *
 * For every kernel its size, and its modules (each one, in its stacked initrd); for every
 * initrd its size on the stick (gzip) and before
 * compression, and inside it the biggest files (BusyBox, libc, extra binaries, overlay
 * files) with the rest grouped so that the parts add up exactly to the uncompressed size:
 * other files, symlinks, and the archive's own overhead (cpio headers, names and padding,
 * or the ext2 filesystem's metadata and free space); then the Debian packages it takes, each
 * with the bytes of files and libraries it added.  Budgets ([initrd] budget,
 * [initrd.NAME] budget, in KiB of gzip) are checked here.
 */
#ifndef MKDISTRO_REPORT_H
#define MKDISTRO_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "build/config.h"
#include "formats/manifest.h"
#include "sys/buf.h"

struct packages;

struct report_initrd {
	const char *name;
	const struct manifest *m; /* what the file holds (for a stacked one, only its additions) */
	uint64_t raw, gz;
	int stacked;
	unsigned budget_kib;
	int budget_line;
	const struct packages *pkgs; /* the Debian packages fetched, or NULL */
	const uint64_t *pkg_bytes;   /* what each added to this initrd's tree (0: not in it) */
};

struct report_kernel {
	const char *name;
	uint64_t size;
	/* its modules initrd, when it has modules: the tree, the file's name (stick.h) and
	 * sizes; every module is listed */
	const struct manifest *modules;
	const char *modules_name;
	uint64_t modules_raw, modules_packed;
};

struct report_part {
	char *label; /* a path in the image, or a group such as "412 symlinks" */
	uint64_t bytes;
};

/* The parts of one initrd, biggest first, at most top files named; they add up to raw.
 * Returns 0 or -1 (reported: a file that cannot be read). */
int report_parts(const struct manifest *m, uint64_t raw, int ext2, size_t top,
		 struct report_part **parts, size_t *n);
void report_parts_free(struct report_part *parts, size_t n);

/* Render the text and the SVG. */
int report_render(const struct plan *plan, const struct report_kernel *k, size_t nk,
		  const struct report_initrd *r, size_t nr, struct buf *txt, struct buf *svg);

/* Every initrd within its budget?  Reports each one over (naming its biggest parts) and
 * returns -1, else 0. */
int report_check_budgets(const struct plan *plan, const struct report_initrd *r, size_t nr);

#endif
