/* modules.h: a kernel's loadable modules, from its build to the image.
 *
 * The kernel stage installs them (make modules_install, debug info stripped, modules.dep
 * made by depmod) under its cache entry, and writes there which module each =m symbol of
 * the resolved .config gives (modules_expected: from the source tree's Makefiles, the
 * obj-$(CONFIG_X) lines, kbuildmf.h), and packs lib/modules/RELEASE there as an initrd of
 * their own (modules_pack), which every label of that kernel stacks after its initrd
 * (stick.h).  Lint checks the modules against both lists.
 */
#ifndef MKDISTRO_MODULES_H
#define MKDISTRO_MODULES_H

#include "build/lint.h"
#include "formats/kconfig.h"
#include "formats/manifest.h"

/* Write to path one line "SYMBOL MODULE" for each module that an =m symbol of resolved
 * builds, as the Makefiles (or Kbuild files) of the kernel source tree name them, in each
 * directory that make modules went into (the directories of objdir's modules.order: the
 * shared build tree has others, from other configurations).  Returns 0 or -1 (reported). */
int modules_expected(const char *tree, const char *objdir, const struct kconfig *resolved,
		     const char *path);

/* The module name of a path: "/lib/modules/R/kernel/a/e1000.ko" (or .ko.xz, .ko.gz,
 * .ko.zst) gives "e1000" (malloc'd); NULL for a file that is not a module. */
char *modules_name(const char *path);

/* How many modules (files modules_name names) m holds. */
size_t modules_count(const struct manifest *m);

/* m: the modules directory moddir (lib/modules/RELEASE in the cache) as an initrd holds it,
 * under /lib/modules/RELEASE, stamped epoch.  Returns 0 or -1 (reported). */
int modules_tree(struct manifest *m, const char *moddir, const char *release, long long epoch);

/* The modules initrd: m (modules_tree) as a newc cpio archive compressed with xz (xz.h: what
 * the kernel's initramfs decoder reads), written to path atomically; the cpio's size in
 * *raw.  Why xz, when the root filesystem's initrd is gzip: modules are made once per kernel,
 * not at each rootfs change, and xz holds them in 30 % less than gzip -9 (692 KiB against
 * 905 KiB for the PC kernel's).  The boot loader no longer loads the file (rc.hotplug
 * unpacks it from the stick, stick.h), but it stays an initrd the kernel can read.
 * Returns 0 or -1 (reported). */
int modules_pack(const struct manifest *m, const char *path, size_t *raw);

/* Lint kernel `name`'s modules tree m (modules_tree) against expected (modules_expected's
 * file): each expected module is there, modules.dep lists every module and only modules
 * that are there, with dependencies that are there.  Returns 0, or -1 when a file cannot be
 * read (reported). */
int modules_lint(struct lint *l, const char *name, const struct manifest *m,
		 const char *release, const char *expected);

#endif
