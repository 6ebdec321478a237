/* menuconfig.h: `mkdistro menuconfig kernel|busybox [--variant NAME]`.
 *
 * Configures the variant's tree as a build would (the sources checked against
 * mkdistro.lock first), opens the real menuconfig on this terminal, and writes the settings
 * the user changed back into the variant's fragment file (kernel.h, busybox.h).  Holds the
 * project's and the cache's locks meanwhile, as a build does.
 */
#ifndef MKDISTRO_MENUCONFIG_H
#define MKDISTRO_MENUCONFIG_H

#include "build/config.h"

/* what: "kernel" or "busybox"; variant: a [kernel.NAME] or [initrd.NAME] name, or "main".
 * Returns 0 or -1 (reported). */
int menuconfig_run(const struct plan *plan, const char *what, const char *variant);

#endif
