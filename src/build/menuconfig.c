/* menuconfig.c: `mkdistro menuconfig` (see menuconfig.h). */
#include "build/menuconfig.h"

#include <stdlib.h>
#include <string.h>

#include "build/build.h"
#include "build/busybox.h"
#include "build/kernel.h"
#include "build/lockfile.h"
#include "build/sources.h"
#include "sys/alloc.h"
#include "sys/fs.h"
#include "sys/log.h"

/* The variant's BusyBox fragment: main's busybox.config, or a variant's own busybox_config.
 * NULL (reported) when there is no such variant or it has no BusyBox of its own. */
static const char *busybox_fragment(const struct plan *plan, const char *variant)
{
	size_t i;
	for (i = 0; i < plan->n_ivar && strcmp(plan->ivar[i].name, variant); i++)
		;
	if (i == plan->n_ivar) {
		error("no initrd variant '%s' in %s", variant, plan->conf_path);
		return NULL;
	}
	if (i && !plan->ivar[i].busybox_config) {
		error("[initrd.%s] has no busybox_config of its own: it uses %s (mkdistro "
		      "menuconfig busybox)",
		      variant, plan->busybox_config);
		return NULL;
	}
	return i ? plan->ivar[i].busybox_config : plan->busybox_config;
}

static const struct kvariant *kernel_variant(const struct plan *plan, const char *variant)
{
	for (size_t i = 0; i < plan->n_kvar; i++)
		if (!strcmp(plan->kvar[i].name, variant))
			return &plan->kvar[i];
	error("no kernel variant '%s' in %s", variant, plan->conf_path);
	return NULL;
}

int menuconfig_run(const struct plan *plan, const char *what, const char *variant)
{
	int kernel = !strcmp(what, "kernel");
	const struct kvariant *kv = kernel ? kernel_variant(plan, variant) : NULL;
	const char *bbconfig = kernel ? NULL : busybox_fragment(plan, variant);
	struct lockfile lock = {0};
	struct source src = {0};
	struct build b;
	char *lockpath = path_join(plan->dir, LOCKFILE_NAME), *log = NULL;
	int ret = -1;

	if (!kv && !bbconfig)
		goto out;
	/* the locks a build holds, since it uses the same build trees */
	if (build_begin(&b, plan) == 0) {
		log = build_log(&b, "menuconfig");
		/* the source is checked against the lock, which only build writes (it fetches both) */
		if (lockfile_load(&lock, lockpath) == 0 && sources_get(plan, what, &lock, log, &src) == 0)
			ret = kernel ? kernel_menuconfig(plan, kv, &src, log)
				     : busybox_menuconfig(plan, bbconfig, &src, log);
	}
	build_end(&b);
out:
	source_release(&src);
	lockfile_release(&lock);
	free(lockpath);
	free(log);
	return ret;
}
