/* build.h: the stages of `mkdistro build`, and the state they pass along.
 *
 * mkdistro.c runs them in order (its stage table is the pipeline's table of contents).  Each
 * stage reads the plan and what earlier stages left in struct build, adds its own results,
 * and appends a one-line summary for the progress line.  Everything is made in out/.work;
 * the last stage publishes it all in one step (publish.h), so a failed build leaves out/ as
 * the last build left it.
 */
#ifndef MKDISTRO_BUILD_H
#define MKDISTRO_BUILD_H

#include "build/busybox.h"
#include "build/config.h"
#include "build/initrd.h"
#include "build/kernel.h"
#include "build/packages.h"
#include "build/sources.h"
#include "formats/manifest.h"
#include "sys/buf.h"

#define MKDISTRO_VERSION "0.1.0" /* for --version, and the SBOM's creator */

/* What the stages make of one kernel variant. */
struct build_kernel {
	const struct kvariant *v;
	struct kernel_out out;
	struct manifest modules;    /* with modules: lib/modules/RELEASE, as its initrd holds it */
	struct initrd_stats mod_st; /* that initrd (stick_modules_name), when there are modules */
};

/* What the stages make of one initrd variant. */
struct build_initrd {
	const struct ivariant *v;
	struct busybox_out busybox; /* its own, or a copy of main's paths */
	int own_busybox;            /* built for it: main, or a variant with busybox_config */
	struct manifest tree;       /* the root filesystem as it is at boot */
	struct manifest added;      /* stacked: what its file holds, the part main lacks */
	struct initrd_stats st;     /* the file on the stick */
	uint64_t *pkg_bytes;        /* what each of build.pkgs added to its tree, in bytes */
};

struct build {
	const struct plan *plan;
	char *logdir, *work, *stick; /* out/log, out/.work, and the new stick tree in it */
	struct source ksrc, bsrc;
	struct packages pkgs; /* the Debian packages the variants take (packages.h) */
	struct package grub;  /* GRUB's modules, where the CPU boots through GRUB (grub.h) */
	struct build_kernel *kernels; /* one per plan->kvar */
	struct build_initrd *initrds; /* one per plan->ivar */
	struct buf summary;           /* the current stage's progress line */
	int project_lock, cache_lock;
};

/* What can be checked of the inputs in a moment (the menu, every fragment's syntax, the
 * variants' overlays and binaries, the skeleton), so that a mistake is not found only after
 * minutes of kernel build.  Returns 0 or -1 (reported). */
int build_preflight(const struct plan *plan);
/* Take the project's lock (failing at once when another build holds it) and the cache's
 * (waiting), finish what a crash left half published (publish.h), and make a fresh
 * out/.work.  Returns 0 or -1 (reported); build_end in any case. */
int build_begin(struct build *b, const struct plan *plan);
void build_end(struct build *b);
/* `mkdistro lock`: fetch both sources and check them against mkdistro.lock, writing it when
 * missing; with update, pin them as they are now.  Prints what it did.  Returns 0 or -1
 * (reported). */
int build_lock(const struct plan *plan, int update);
/* The path of a stage's log, out/log/NAME.log, emptied (malloc'd). */
char *build_log(const struct build *b, const char *name);
/* What the size report needs of each initrd written: one per variant (malloc'd). */
struct report_initrd;
struct report_initrd *build_report_initrds(const struct build *b);

int stage_sources(struct build *b);   /* kernel and BusyBox sources, Debian packages, GRUB */
int stage_kernels(struct build *b);   /* every kernel variant */
int stage_busyboxes(struct build *b); /* main's BusyBox and each variant's own */
int stage_rootfs(struct build *b);    /* every initrd variant's tree */
int stage_lint(struct build *b);      /* the kernels' .config and the trees checked (lint.h) */
int stage_initrds(struct build *b);   /* every initrd, stacked or whole; budgets */
int stage_stick(struct build *b);     /* kernels and the boot menu in the stick tree */
int stage_image(struct build *b);     /* the image, the ISO, the report and the SBOM, made and
				       * published with the stick tree (outputs.c) */

#endif
