/* build.h: the stages of `mkdistro build`, and the state they pass along.
 *
 * mkdistro.c runs them in order (its stage table is the pipeline's table of contents).  Each
 * stage reads the plan and what earlier stages left in struct build, adds its own results,
 * and appends a one-line summary for the progress line.  Everything is built in
 * out/.work; only stage_image publishes, with one rename, so a failed build leaves the
 * previous out/mkdistro.img as it was.
 */
#ifndef MKDISTRO_BUILD_H
#define MKDISTRO_BUILD_H

#include "build/busybox.h"
#include "build/config.h"
#include "build/initrd.h"
#include "build/kernel.h"
#include "build/sources.h"
#include "formats/manifest.h"
#include "sys/buf.h"

#define MKDISTRO_VERSION "0.1.0" /* for --version, and the SBOM's creator */

struct build {
	const struct plan *plan;
	char *logdir, *work, *stick, *img, *iso;
	struct source ksrc, bsrc;
	struct kernel_out *k;    /* per kernel variant */
	struct busybox_out *bb;  /* per initrd variant (a copy of main's paths when it has none) */
	struct manifest *m;      /* per initrd variant */
	struct manifest *added;  /* per initrd variant: what a stacked one holds */
	struct initrd_stats *st; /* per initrd variant: the file written */
	struct buf summary;      /* the current stage's progress line */
	int project_lock, cache_lock;
};

/* What can be checked of the inputs in a moment (the menu, every fragment's syntax, the
 * variants' overlays and binaries, the skeleton), so that a mistake is not found only after
 * minutes of kernel build.  Returns 0 or -1 (reported). */
int build_preflight(const struct plan *plan);
/* Take the project's lock (failing at once when another build holds it) and the cache's
 * (waiting), and make a fresh out/.work.  Returns 0 or -1 (reported); build_end in any case. */
int build_begin(struct build *b, const struct plan *plan);
void build_end(struct build *b);
/* `mkdistro lock`: fetch both sources and check them against mkdistro.lock, writing it when
 * missing; with update, pin them as they are now.  Prints what it did.  Returns 0 or -1
 * (reported). */
int build_lock(const struct plan *plan, int update);

int stage_sources(struct build *b);   /* kernel and BusyBox sources */
int stage_kernels(struct build *b);   /* every kernel variant */
int stage_busyboxes(struct build *b); /* main's BusyBox and each variant's own */
int stage_rootfs(struct build *b);    /* every initrd variant's manifest */
int stage_lint(struct build *b);      /* the kernels' .config and the trees checked (lint.h) */
int stage_initrds(struct build *b);   /* every initrd, stacked or whole; budgets */
int stage_stick(struct build *b);     /* kernels and the boot menu in the stick tree */
int stage_image(struct build *b);     /* the image, published with the stick tree, the report
				       * and the SBOM (sbom.h) */

#endif
