/* kbuild.c: configure and build a Kconfig/Kbuild tree out of tree (see kbuild.h).
 * References: Documentation/kbuild/kconfig.rst (olddefconfig, fragments as in
 * scripts/kconfig/merge_config.sh), Documentation/kbuild/kbuild.rst (O=, KBUILD_BUILD_*).
 */
#include "kbuild.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "spawn.h"
#include "util.h"

/* in_fd: stdin for make, or -1 for /dev/null. */
static int make(const struct kbuild *k, const char *const *targets, int parallel, int in_fd)
{
	const char *argv[64];
	char *dir = xasprintf("-C%s", k->tree);
	char *obj = xasprintf("O=%s", k->objdir);
	char *jobs = xasprintf("-j%u", k->jobs ? k->jobs : 1);
	struct child c = CHILD_INIT;
	size_t n = 0;
	char *what;
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
	c.in_fd = in_fd;
	what = xasprintf("%s: make %s", k->what, targets[0]);
	rc = spawn_run_logged(&c, what);
	free(what);
	free(dir);
	free(obj);
	free(jobs);
	return rc == 0 ? 0 : -1;
}

int kbuild_make(const struct kbuild *k, const char *const *targets)
{
	return make(k, targets, 1, -1);
}

/* A file of empty lines, open for reading: Enter for every question. */
static int answer_defaults(const char *objdir)
{
	char *path = path_join(objdir, ".mkdistro-enter");
	char lines[4096];
	int fd;
	memset(lines, '\n', sizeof(lines));
	if (write_file_atomic(path, lines, sizeof(lines), 0644) < 0)
		fd = -1;
	else if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		error_errno("cannot open '%s'", path);
	free(path);
	return fd;
}

int kbuild_configure(const struct kbuild *k)
{
	char *config = path_join(k->objdir, ".config");
	struct buf b;
	struct kconfig got, base_cfg;
	int ret = -1, bad, answers = -1;
	const char *base[] = {k->base, NULL};
	const char *update[] = {k->update, NULL};

	buf_init(&b);
	kconfig_init(&got);
	kconfig_init(&base_cfg);
	if (mkdir_p(k->objdir, 0755) < 0 || make(k, base, 0, -1) < 0)
		goto out;
	/* Merge in place: each fragment setting replaces the base's line for that symbol.
	 * (The kernel's Kconfig would also take a second, later line, but BusyBox's older one
	 * calls that "trying to reassign symbol" and loses the whole configuration.) */
	if (read_file(config, &b) < 0 || kconfig_parse(&base_cfg, b.data, config, 0) < 0)
		goto out;
	for (size_t i = 0; i < k->fragment->n; i++)
		kconfig_set(&base_cfg, k->fragment->v[i].name, k->fragment->v[i].value);
	buf_reset(&b);
	buf_addf(&b, "# base: make %s; then the settings of %s\n", k->base, k->fragment_path);
	kconfig_render(&base_cfg, &b);
	if (write_file_atomic(config, b.data, b.len, 0644) < 0)
		goto out;
	/* BusyBox's oldconfig asks about symbols the merge made visible; Enter takes the
	 * default, as `yes "" | make oldconfig` would. */
	answers = answer_defaults(k->objdir);
	if (answers < 0 || make(k, update, 0, answers) < 0)
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
	if (answers >= 0)
		close(answers);
	kconfig_release(&got);
	kconfig_release(&base_cfg);
	buf_release(&b);
	free(config);
	return ret;
}
