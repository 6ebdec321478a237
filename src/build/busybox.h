/* busybox.h: the BusyBox stage: busybox.config over defconfig (plus CONFIG_STATIC from
 * mkdistro.conf), built out of tree; the binary and its applet list (busybox.links, written
 * by BusyBox's own build from its configuration) are kept in the build cache.
 */
#ifndef MKDISTRO_BUSYBOX_H
#define MKDISTRO_BUSYBOX_H

#include "build/config.h"
#include "build/sources.h"

struct busybox_out {
	char *binary; /* in the cache */
	char *links;  /* busybox.links: one installed path per line, e.g. /bin/ls */
	char *config;
	int cached;
};

/* config: the BusyBox fragment to build (busybox.config, or a variant's own). */
int busybox_build(const struct plan *plan, const char *config, const struct source *src,
		  const char *log, struct busybox_out *out);
void busybox_out_release(struct busybox_out *b);
/* Configure as a build would, open BusyBox's menuconfig on this terminal, then write what
 * changed back into config.  Returns 0 or -1 (reported). */
int busybox_menuconfig(const struct plan *plan, const char *config, const struct source *src,
		       const char *log);

#endif
