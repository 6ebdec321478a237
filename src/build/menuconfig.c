/* menuconfig.c: `mkdistro menuconfig` (see menuconfig.h). */
#include "build/menuconfig.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build/busybox.h"
#include "build/cache.h"
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
	struct source src = {0};
	struct lockfile lock = {0};
	char *lockpath = path_join(plan->dir, LOCKFILE_NAME);
	char *logdir = path_join(plan->out_dir, "log");
	char *log = path_join(logdir, "menuconfig.log");
	char *pl = path_join(plan->out_dir, ".lock"), *cl = path_join(plan->cache_dir, "lock");
	int ret = -1, lock1 = -1, lock2 = -1;

	if ((!kv && !bbconfig) || mkdir_p(logdir, 0755) < 0 || mkdir_p(plan->cache_dir, 0755) < 0)
		goto out;
	lock1 = cache_lock(pl, 0, "this project");
	if (lock1 < 0 || (lock2 = cache_lock(cl, 1, "the build cache")) < 0)
		goto out;
	unlink(log);
	/* the source is checked against the lock, which only build writes (it fetches both) */
	if (lockfile_load(&lock, lockpath) < 0 || sources_get(plan, what, &lock, log, &src) < 0)
		goto out;
	ret = kernel ? kernel_menuconfig(plan, kv, &src, log)
		     : busybox_menuconfig(plan, bbconfig, &src, log);
out:
	if (lock2 >= 0)
		close(lock2);
	if (lock1 >= 0)
		close(lock1);
	source_release(&src);
	lockfile_release(&lock);
	free(lockpath);
	free(logdir);
	free(log);
	free(pl);
	free(cl);
	return ret;
}
