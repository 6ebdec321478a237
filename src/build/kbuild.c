/* kbuild.c: configure and build a Kconfig/Kbuild tree out of tree (see kbuild.h).
 * References: Documentation/kbuild/kconfig.rst (olddefconfig, fragments as in
 * scripts/kconfig/merge_config.sh), Documentation/kbuild/kbuild.rst (O=, KBUILD_BUILD_*).
 */
#include "build/kbuild.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build/arch.h"
#include "build/cache.h"
#include "build/memo.h"
#include "build/progress.h"
#include "sys/alloc.h"
#include "sys/buf.h"
#include "sys/fs.h"
#include "sys/log.h"
#include "sys/spawn.h"

/* in_fd: stdin for make, or -1 for /dev/null; prog: a progress line to keep, or NULL. */
static int make(const struct kbuild *k, const char *const *targets, int parallel, int in_fd,
		struct progress *prog)
{
	const char *argv[64], *env[24];
	size_t n_env = 0;
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
	/* the wrappers' PATH comes after k->env, so that it wins */
	for (const char *const *e = k->env; e && *e && n_env < 16; e++)
		env[n_env++] = *e;
	for (size_t i = 0; parallel && k->wrap && k->wrap->env[i] && n_env < 23; i++)
		env[n_env++] = k->wrap->env[i];
	env[n_env] = NULL;
	c.argv = argv;
	c.env = env;
	c.log = k->log;
	c.in_fd = in_fd;
	if (prog) {
		c.tick = progress_tick;
		c.tick_ctx = prog;
	}
	what = xasprintf("%s: make %s", k->what, targets[0]);
	rc = spawn_run_logged(&c, what);
	free(what);
	free(dir);
	free(obj);
	free(jobs);
	return rc == 0 ? 0 : -1;
}

/* Rewrite fragment text: lines setting a changed symbol take its new value; the rest of
 * changed is appended. */
static void write_back(struct buf *out, const char *text, const struct kconfig *changed)
{
	int *done = xcalloc(changed->n ? changed->n : 1, sizeof(*done));
	for (const char *line = text; *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		struct kconfig one;
		kconfig_init(&one);
		char *copy = xstrndup(line, len);
		kconfig_parse(&one, copy, "", 0);
		free(copy);
		if (one.n == 1) {
			for (size_t i = 0; i < changed->n; i++) {
				if (strcmp(changed->v[i].name, one.v[0].name))
					continue;
				struct kconfig just = {.v = &changed->v[i], .n = 1};
				kconfig_render(&just, out);
				done[i] = 1;
				len = 0;
			}
		}
		if (len || one.n != 1) {
			buf_add(out, line, len);
			buf_adds(out, "\n");
		}
		kconfig_release(&one);
		line = end ? end + 1 : line + strlen(line);
	}
	for (size_t i = 0, first = 1; i < changed->n; i++) {
		if (done[i])
			continue;
		if (first)
			buf_adds(out, "\n# changed with mkdistro menuconfig\n");
		first = 0;
		struct kconfig just = {.v = &changed->v[i], .n = 1};
		kconfig_render(&just, out);
	}
	free(done);
}

int kbuild_menuconfig(const struct kbuild *k, const char *write_to)
{
	char *config = path_join(k->objdir, ".config");
	struct kconfig before, after, changed;
	struct buf text, out;
	int ret = -1;

	kconfig_init(&before);
	kconfig_init(&after);
	kconfig_init(&changed);
	buf_init(&text);
	buf_init(&out);
	if (kbuild_configure(k, &before) < 0)
		goto out;
	{
		const char *targets[] = {"menuconfig", NULL};
		char *dir = xasprintf("-C%s", k->tree);
		char *obj = xasprintf("O=%s", k->objdir);
		const char *argv[16] = {"make", dir, obj};
		size_t n = 3;
		struct child c = CHILD_INIT;
		int rc;
		for (const char *const *v = k->vars; v && *v && n < 12; v++)
			argv[n++] = *v;
		argv[n++] = targets[0];
		c.argv = argv;
		c.env = k->env;
		c.in_fd = 0; /* the terminal: stdin, stdout and stderr are all the user's */
		rc = spawn_run(&c);
		free(dir);
		free(obj);
		if (rc != 0) {
			if (rc > 0)
				error("%s: make menuconfig failed (exit %d)", k->what, rc);
			goto out;
		}
	}
	buf_reset(&text);
	if (read_file(config, &text) < 0 || kconfig_parse(&after, text.data, config, 0) < 0)
		goto out;
	for (size_t i = 0; i < after.n; i++)
		if (strcmp(kconfig_get(&before, after.v[i].name), after.v[i].value))
			kconfig_set(&changed, after.v[i].name, after.v[i].value);
	for (size_t i = 0; i < before.n; i++)
		if (!strcmp(kconfig_get(&after, before.v[i].name), "n") &&
		    strcmp(before.v[i].value, "n"))
			kconfig_set(&changed, before.v[i].name, "n");
	buf_reset(&text);
	if (file_exists(write_to) && read_file(write_to, &text) < 0)
		goto out;
	write_back(&out, text.data, &changed);
	if (write_file_atomic(write_to, out.data, out.len, 0644) < 0)
		goto out;
	ret = (int)changed.n;
out:
	kconfig_release(&before);
	kconfig_release(&after);
	kconfig_release(&changed);
	buf_release(&text);
	buf_release(&out);
	free(config);
	return ret;
}

char *kbuild_tree(const struct plan *plan, const char *what, const char *id)
{
	char *kind, *dir;
	if (plan->arch == arch_default())
		return cache_build_dir(plan->cache_dir, what, id);
	kind = xasprintf("%s-%s", what, plan->arch->name);
	dir = cache_build_dir(plan->cache_dir, kind, id);
	free(kind);
	return dir;
}

const char *kbuild_toolchain(const struct plan *plan)
{
	/* one per CPU a run builds for (a run has one; the unit tests more) */
	static struct {
		const struct arch *arch;
		char *id;
	} known[4];
	static const char *const tools[][2] = {{"gcc", "--version"}, {"ld", "--version"}};
	const char *path = getenv("PATH"), *cross = arch_cross(plan->arch);
	char *key = xasprintf("toolchain 1 PATH=%s%s%s", path ? path : "", *cross ? " " : "", cross);
	char *real[2] = {NULL, NULL}, *names[2] = {NULL, NULL}, *id = NULL;
	const char *deps[] = {"/var/lib/dpkg/status", NULL, NULL, NULL};
	size_t slot = 0;
	struct buf all;
	while (slot < sizeof(known) / sizeof(known[0]) - 1 && known[slot].arch &&
	       known[slot].arch != plan->arch)
		slot++;
	if (known[slot].arch == plan->arch && known[slot].id)
		goto out;
	/* gcc --version and ld --version take a few tens of ms: remembered while the programs
	 * (and the package database) are unchanged */
	for (size_t i = 0; i < 2; i++) {
		char *p;
		names[i] = xasprintf("%s%s", cross, tools[i][0]);
		p = which(names[i]);
		real[i] = p ? realpath(p, NULL) : NULL;
		deps[i + 1] = real[i] ? real[i] : "/nonexistent";
		free(p);
	}
	if (*cross && !real[0]) {
		error("[system] arch = %s needs the cross compiler %sgcc; install the Debian packages "
		      "%s and %s (scripts/install-deps --arch %s)", plan->arch->name, cross,
		      plan->arch->cross_package, plan->arch->sysroot_package, plan->arch->name);
		goto out;
	}
	if ((id = memo_get(plan->cache_dir, key, deps)))
		goto keep;
	buf_init(&all);
	for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]); i++) {
		const char *argv[] = {names[i], tools[i][1], NULL};
		struct buf o;
		buf_init(&o);
		if (spawn_capture(argv, &o) != 0) {
			error("cannot run '%s %s' to identify the toolchain", names[i], tools[i][1]);
			buf_release(&o);
			buf_release(&all);
			goto out;
		}
		buf_addf(&all, "%s%.*s", i ? "; " : "", (int)strcspn(o.data, "\n"), o.data);
		buf_release(&o);
	}
	id = buf_detach(&all, NULL);
	memo_put(plan->cache_dir, key, deps, id);
keep:
	free(known[slot].id);
	known[slot].arch = plan->arch;
	known[slot].id = id;
out:
	free(key);
	for (size_t i = 0; i < 2; i++) {
		free(real[i]);
		free(names[i]);
	}
	return known[slot].arch == plan->arch ? known[slot].id : NULL;
}

void kbuild_inputs(const struct kconfig *frag, const char *fallback, struct inputs *in)
{
	for (size_t i = 0; i < frag->n; i++) {
		const struct kconfig_sym *s = &frag->v[i];
		const char *name = s->path ? s->path : fallback, *slash = strrchr(name, '/');
		inputs_add(in, slash ? slash + 1 : name, "CONFIG_%s=%s", s->name, s->value);
	}
}

char *kbuild_cmd_skipping_empty(const char *text)
{
	static const char def[] = "cmd = @";
	const char *at = text, *rest, *end;
	int depth = 0, lines = 0;
	for (const char *p = text; (p = strstr(p, def)); p++)
		if (p == text || p[-1] == '\n') {
			at = p;
			lines++;
		}
	if (lines != 1)
		return NULL;
	rest = at + sizeof(def) - 1;
	end = rest + strcspn(rest, "\n");
	while (end > rest && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	/* A continued line, a comment, a macro already conditional, or one that does not run
	 * $(cmd_$(1)): not the definition this knows */
	if (end == rest || end[-1] == '\\' || memchr(rest, '#', (size_t)(end - rest)) ||
	    !memmem(rest, (size_t)(end - rest), "$(cmd_$(1))", 11) ||
	    memmem(rest, (size_t)(end - rest), "$(if", 4))
		return NULL;
	/* A comma outside parentheses would end $(if)'s second argument early */
	for (const char *p = rest; p < end; p++) {
		depth += (*p == '(') - (*p == ')');
		if (depth < 0 || (*p == ',' && depth == 0))
			return NULL;
	}
	if (depth)
		return NULL;
	return xasprintf("cmd=@$(if $(cmd_$(1)),%.*s)", (int)(end - rest), rest);
}

int kbuild_make(const struct kbuild *k, const char *const *targets)
{
	return make(k, targets, 1, -1, NULL);
}

int kbuild_compile(const struct kbuild *k, const char *const *targets, const char *product)
{
	struct progress prog;
	int ret;
	progress_start(&prog, k->what, k->objdir, k->log, targets, product);
	ret = make(k, targets, 1, -1, &prog);
	progress_release(&prog);
	return ret;
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

int kbuild_configure(const struct kbuild *k, struct kconfig *resolved)
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
	if (mkdir_p(k->objdir, 0755) < 0 || make(k, base, 0, -1, NULL) < 0)
		goto out;
	/* Merge: each fragment setting replaces the base's line for that symbol and moves after
	 * the base's lines, as the kernel's merge_config.sh has it.  Kconfig reads the file in
	 * order, and of two members of a choice set to y the later wins: the fragment's
	 * (CONFIG_M586MMX over tinyconfig's CONFIG_M686).  A symbol appears once: the kernel's
	 * Kconfig would take a second line, but BusyBox's older one calls that "trying to
	 * reassign symbol" and loses the whole configuration. */
	if (read_file(config, &b) < 0 || kconfig_parse(&base_cfg, b.data, config, 0) < 0)
		goto out;
	for (size_t i = 0; i < k->fragment->n; i++)
		kconfig_append(&base_cfg, k->fragment->v[i].name, k->fragment->v[i].value);
	buf_reset(&b);
	buf_addf(&b, "# base: make %s; then the settings of %s\n", k->base, k->fragment_path);
	kconfig_render(&base_cfg, &b);
	if (write_file_atomic(config, b.data, b.len, 0644) < 0)
		goto out;
	/* BusyBox's oldconfig asks about symbols the merge made visible; Enter takes the
	 * default, as `yes "" | make oldconfig` would. */
	answers = answer_defaults(k->objdir);
	if (answers < 0 || make(k, update, 0, answers, NULL) < 0)
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
	if (resolved) {
		kconfig_release(resolved);
		*resolved = got;
		kconfig_init(&got);
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
