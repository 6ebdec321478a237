/* kbuild.h: drive a Kconfig/Kbuild source tree (the kernel's, or BusyBox's, which uses the
 * same build system): out-of-tree configuration from a base target plus a fragment, checked,
 * then make targets.  Every child's output goes to the stage's log.
 */
#ifndef MKDISTRO_KBUILD_H
#define MKDISTRO_KBUILD_H

#include "build/config.h"
#include "build/inputs.h"
#include "build/wrap.h"
#include "formats/kconfig.h"

struct kbuild {
	const char *what;             /* "kernel" or "busybox", for messages */
	const char *tree;             /* source tree */
	const char *objdir;           /* O= build directory */
	const char *log;              /* stage log */
	const char *const *vars;      /* extra make variables, e.g. "ARCH=x86_64"; NULL-terminated */
	const char *const *env;       /* extra environment; NULL-terminated or NULL */
	const char *base;             /* make target that writes the base .config */
	const char *update;           /* make target that completes it: olddefconfig, oldconfig */
	const struct kconfig *fragment;
	const char *fragment_path;    /* named in errors */
	unsigned jobs;
	const struct wrap *wrap;      /* compiler wrappers for the builds (not configure); or NULL */
};

/* base, then .config += fragment, then update; then check that every fragment setting
 * survived.  Returns 0, or -1 with each dropped setting named as path:line.  When resolved is
 * not NULL (an initialised kconfig), it gets the resulting .config. */
int kbuild_configure(const struct kbuild *k, struct kconfig *resolved);
/* Configure, then run `make menuconfig` on this terminal, then write what the user changed
 * into the fragment file write_to: a setting already there is edited in place, the others
 * are appended under a comment.  The result is the smallest fragment that gives the same
 * .config on the same base: only what differs from before menuconfig.  Returns the number
 * of settings written, or -1 (reported). */
int kbuild_menuconfig(const struct kbuild *k, const char *write_to);
/* The toolchain make runs, as "gcc (Debian 12.2.0-14) 12.2.0; GNU ld (GNU Binutils for
 * Debian) 2.40": one of the inputs of every Kbuild stage.  Asked once per run, and remembered
 * (memo.h); NULL when gcc cannot be run (reported). */
const char *kbuild_toolchain(const struct plan *plan);
/* Each setting of frag as an input line named by the file it came from, without its
 * directory ("kernel.config CONFIG_PRINTK=y"), or by fallback when it came from none: the
 * same settings in another project directory give the same key. */
void kbuild_inputs(const struct kconfig *frag, const char *fallback, struct inputs *in);
/* Kbuild's `cmd` macro (scripts/Kbuild.include: "cmd = @set -e; ... $(cmd_$(1))") starts a
 * shell for every line of a rule, even a line whose command is empty; in the kernel, most of
 * a C file's lines are.  Given the text of a tree's Kbuild.include, the same macro that runs
 * nothing when the command is empty, as a make variable: "cmd=@$(if $(cmd_$(1)),set -e; ...)".
 * NULL when the tree defines `cmd` in a way this does not know (then leave it alone). */
char *kbuild_cmd_skipping_empty(const char *include_text);
/* The shared build tree of source id for what ("kernel", "busybox") in the cache: the one
 * of cache.h for the plan's CPU if it is the default one (x86_64), else one per CPU beside
 * it, "kernel-i686-..." (malloc'd). */
char *kbuild_tree(const struct plan *plan, const char *what, const char *id);
/* make -jN targets...  Returns 0, or -1 with the log's last lines shown. */
int kbuild_make(const struct kbuild *k, const char *const *targets);
/* The same for the targets that compile the tree, with a progress line (build/progress.h);
 * product is the file a finished build leaves in the O= tree ("vmlinux"). */
int kbuild_compile(const struct kbuild *k, const char *const *targets, const char *product);

#endif
