/* kernel.h: the kernel stage: kernel.config on tinyconfig/allnoconfig for x86_64, then
 * bzImage, kept in the build cache under a key of everything that goes into it.
 */
#ifndef MKDISTRO_KERNEL_H
#define MKDISTRO_KERNEL_H

#include "build/config.h"
#include "build/sources.h"

struct kernel_out {
	char *bzimage; /* in the cache */
	char *config;  /* the resolved .config */
	char *release; /* e.g. "6.1.158" */
	char *modules; /* with CONFIG_MODULES: lib/modules/RELEASE in the cache, else NULL */
	char *expected; /* with modules: the module of each =m symbol (modules.h), else NULL */
	char *modules_initrd; /* with modules: their initrd (modules_pack), else NULL */
	size_t modules_raw;   /* and the size of its cpio archive */
	int cached;    /* 1 when nothing was built */
};

/* Read and check the variant's fragments (a bad line is reported as path:line), then reuse
 * the cached kernel for these inputs or build it.  Returns 0 or -1 (reported). */
int kernel_build(const struct plan *plan, const struct kvariant *v, const struct source *src,
		 const char *log, struct kernel_out *out);
void kernel_out_release(struct kernel_out *k);
/* Configure the variant as a build would, open the kernel's menuconfig on this terminal,
 * then write what changed back into the variant's fragment file (its `fragment`, its
 * `config`, or kernel.config for main).  Returns 0 or -1 (reported). */
int kernel_menuconfig(const struct plan *plan, const struct kvariant *v, const struct source *src,
		      const char *log);

#endif
