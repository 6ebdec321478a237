/* kbuild.h: drive a Kconfig/Kbuild source tree (the kernel's, or BusyBox's, which uses the
 * same build system): out-of-tree configuration from a base target plus a fragment, checked,
 * then make targets.  Every child's output goes to the stage's log.
 */
#ifndef MKDISTRO_KBUILD_H
#define MKDISTRO_KBUILD_H

#include "kconfig.h"

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
};

/* base, then .config += fragment, then update; then check that every fragment setting
 * survived.  Returns 0, or -1 with each dropped setting named as path:line. */
int kbuild_configure(const struct kbuild *k);
/* Configure, then run `make menuconfig` on this terminal, then write what the user changed
 * into the fragment file write_to: a setting already there is edited in place, the others
 * are appended under a comment.  The result is the smallest fragment that gives the same
 * .config on the same base: only what differs from before menuconfig.  Returns the number
 * of settings written, or -1 (reported). */
int kbuild_menuconfig(const struct kbuild *k, const char *write_to);
/* make -jN targets...  Returns 0, or -1 with the log's last lines shown. */
int kbuild_make(const struct kbuild *k, const char *const *targets);

#endif
