/* kbuild.c: configure and build a Kconfig/Kbuild tree out of tree (see kbuild.h).
 * References: Documentation/kbuild/kconfig.rst (olddefconfig, fragments as in
 * scripts/kconfig/merge_config.sh), Documentation/kbuild/kbuild.rst (O=, KBUILD_BUILD_*).
 */
#include "kbuild.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spawn.h"
#include "util.h"

static int make(const struct kbuild *k, const char *const *targets, int parallel)
{
	const char *argv[64];
	char *dir = xasprintf("-C%s", k->tree);
	char *obj = xasprintf("O=%s", k->objdir);
	char *jobs = xasprintf("-j%u", k->jobs ? k->jobs : 1);
	struct child c = CHILD_INIT;
	size_t n = 0;
	int rc;

	argv[n++] = "make";
	argv[n++] = dir;
	argv[n++] = obj;
	if (parallel)
		argv[n++] = jobs;
	for (const char *const *v = k->vars; v && *v && n < 40; v++)
		argv[n++] = *v;
	for (const char *const *t = targets; *t && n < 63; t++)
		argv[n++] = *t;
	argv[n] = NULL;
	c.argv = argv;
	c.env = k->env;
	c.log = k->log;
	rc = spawn_run(&c);
	if (rc > 0) {
		error("%s: make %s failed (exit %d); last lines below, full log: %s", k->what,
		      targets[0], rc, k->log);
		spawn_tail_log(k->log, 20);
	}
	free(dir);
	free(obj);
	free(jobs);
	return rc == 0 ? 0 : -1;
}

int kbuild_make(const struct kbuild *k, const char *const *targets)
{
	return make(k, targets, 1);
}

int kbuild_configure(const struct kbuild *k)
{
	char *config = path_join(k->objdir, ".config");
	struct buf b;
	struct kconfig got;
	int ret = -1, bad;
	const char *base[] = {k->base, NULL};
	const char *update[] = {k->update, NULL};

	buf_init(&b);
	kconfig_init(&got);
	if (mkdir_p(k->objdir, 0755) < 0 || make(k, base, 0) < 0)
		goto out;
	if (read_file(config, &b) < 0)
		goto out;
	/* Later settings win in a .config, as scripts/kconfig/merge_config.sh relies on. */
	buf_addf(&b, "\n# mkdistro: settings from %s\n", k->fragment_path);
	kconfig_render(k->fragment, &b);
	if (write_file_atomic(config, b.data, b.len, 0644) < 0)
		goto out;
	if (make(k, update, 0) < 0)
		goto out;
	buf_reset(&b);
	if (read_file(config, &b) < 0 || kconfig_parse(&got, b.data, config, 0) < 0)
		goto out;
	bad = kconfig_check(k->fragment, &got, k->fragment_path, k->update);
	if (bad) {
		error("%s: %d setting%s of %s did not survive 'make %s' (see above)", k->what, bad,
		      bad == 1 ? "" : "s", k->fragment_path, k->update);
		goto out;
	}
	ret = 0;
out:
	kconfig_release(&got);
	buf_release(&b);
	free(config);
	return ret;
}
