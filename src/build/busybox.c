/* busybox.c: the BusyBox stage (see busybox.h).
 * BusyBox uses the kernel's Kconfig/Kbuild (out-of-tree with O=, .config fragments); its
 * Kconfig predates olddefconfig, so `oldconfig` completes the merged .config (every symbol
 * is already set by defconfig or allnoconfig, so it asks nothing; stdin is /dev/null
 * regardless).
 */
#include "build/busybox.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build/arch.h"
#include "build/cache.h"
#include "build/dpkg.h"
#include "build/inputs.h"
#include "build/kbuild.h"
#include "build/stage.h"
#include "build/wrap.h"
#include "formats/kconfig.h"
#include "sys/alloc.h"
#include "sys/buf.h"
#include "sys/fs.h"
#include "sys/log.h"

void busybox_out_release(struct busybox_out *b)
{
	free(b->binary);
	free(b->links);
	free(b->config);
	memset(b, 0, sizeof(*b));
}

/* [busybox] libc = musl: Debian's musl-gcc sees only musl's headers, and BusyBox also
 * includes the kernel's (linux/, asm/).  <cache>/musl-include has linux, asm, asm-generic
 * and mtd, linked to linux-libc-dev's.  Returns the directory (to be freed), or NULL
 * (reported). */
static char *musl_headers(const struct plan *plan)
{
	static const char *const links[][2] = {
		{"linux", "/usr/include/linux"},
		{"asm", "/usr/include/x86_64-linux-gnu/asm"},
		{"asm-generic", "/usr/include/asm-generic"},
		{"mtd", "/usr/include/mtd"},
	};
	char *dir = path_join(plan->cache_dir, "musl-include");
	if (mkdir_p(dir, 0755) < 0)
		goto fail;
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		char *at = path_join(dir, links[i][0]);
		int r = 0;
		if (!file_exists(links[i][1]))
			r = error("'%s' is missing; install the Debian package 'linux-libc-dev' "
				  "(BusyBox with musl uses the kernel's headers)", links[i][1]);
		else if (!file_exists(at) && symlink(links[i][1], at) < 0 && errno != EEXIST)
			r = error_errno("cannot link '%s' to '%s'", at, links[i][1]);
		free(at);
		if (r < 0)
			goto fail;
	}
	return dir;
fail:
	free(dir);
	return NULL;
}

/* BusyBox's Kbuild settings, and the strings they point at. */
struct busybox_kbuild {
	struct kbuild k;
	char epoch[48];
	char cross[80];
	char *cflags; /* musl: EXTRA_CFLAGS=-isystem <cache>/musl-include */
	const char *env[3];
	const char *vars[4];
};

static void busybox_kbuild_release(struct busybox_kbuild *bk)
{
	free(bk->cflags);
	bk->cflags = NULL;
}

/* The build tree: one per source, CPU and C library. */
static char *busybox_tree(const struct plan *plan, const struct source *src)
{
	return kbuild_tree(plan, plan_musl(plan) ? "busybox-musl" : "busybox", src->id);
}

/* Returns 0, or -1 (reported); busybox_kbuild_release() either way. */
static int setup(struct busybox_kbuild *bk, const struct plan *plan, const char *config,
		 const struct source *src, const char *objdir, const char *log,
		 const struct kconfig *frag)
{
	size_t n = 0;
	memset(bk, 0, sizeof(*bk));
	snprintf(bk->epoch, sizeof(bk->epoch), "SOURCE_DATE_EPOCH=%lld", (long long)plan->epoch);
	bk->env[0] = bk->epoch;
	bk->env[1] = "KCONFIG_NOTIMESTAMP=1";
	bk->env[2] = NULL;
	snprintf(bk->cross, sizeof(bk->cross), "CROSS_COMPILE=%s", arch_cross(plan->arch));
	if (*arch_cross(plan->arch))
		bk->vars[n++] = bk->cross;
	if (plan_musl(plan)) {
		char *inc = musl_headers(plan);
		if (!inc)
			return -1;
		bk->cflags = xasprintf("EXTRA_CFLAGS=-isystem %s", inc);
		free(inc);
		bk->vars[n++] = "CC=musl-gcc";
		bk->vars[n++] = bk->cflags;
	}
	bk->vars[n] = NULL;
	bk->k = (struct kbuild){
		.what = "busybox",
		.tree = src->tree,
		.objdir = objdir,
		.log = log,
		.env = bk->env,
		.vars = bk->vars,
		.base = plan->busybox_base,
		.update = "oldconfig",
		.fragment = frag,
		.fragment_path = config,
		.jobs = wrap_jobs(plan),
	};
	return 0;
}

/* The fragment in config, with [busybox] static deciding CONFIG_STATIC. */
static int read_config(const struct plan *plan, const char *config, struct kconfig *frag)
{
	struct buf text;
	int ret;
	buf_init(&text);
	ret = read_file(config, &text);
	if (!ret)
		ret = kconfig_parse(frag, text.data, config, 1);
	buf_release(&text);
	if (!ret)
		kconfig_set(frag, "STATIC", plan->busybox_static ? "y" : "n");
	return ret;
}

int busybox_menuconfig(const struct plan *plan, const char *config, const struct source *src,
		       const char *log)
{
	struct kconfig frag;
	struct busybox_kbuild bk = {0};
	char *objdir = busybox_tree(plan, src);
	int ret = -1;
	kconfig_init(&frag);
	if (read_config(plan, config, &frag) == 0 &&
	    setup(&bk, plan, config, src, objdir, log, &frag) == 0) {
		ret = kbuild_menuconfig(&bk.k, config);
		if (ret >= 0)
			info("mkdistro: %d setting%s written to %s", ret, ret == 1 ? "" : "s", config);
	}
	busybox_kbuild_release(&bk);
	kconfig_release(&frag);
	free(objdir);
	return ret < 0 ? -1 : 0;
}

/* Everything that goes into a BusyBox binary. */
static int busybox_inputs(const struct plan *plan, const struct source *src,
			  const struct kconfig *frag, struct inputs *in)
{
	const char *toolchain = kbuild_toolchain(plan);
	if (!toolchain)
		return -1;
	inputs_add(in, "stage", "busybox 2");
	inputs_add(in, "source", "%s", src->id);
	inputs_add(in, "base", "%s", plan->busybox_base);
	inputs_add(in, "arch", "%s", plan->arch->name);
	inputs_add(in, "epoch", "%lld", (long long)plan->epoch);
	inputs_add(in, "toolchain", "%s", toolchain);
	if (plan_musl(plan)) {
		/* musl-gcc's libc.a is linked in: its version is an input */
		char *v = dpkg_installed(plan, "musl-dev", "/usr/lib/x86_64-linux-musl/libc.a");
		if (!v)
			return error("musl is not installed; install the Debian package 'musl-tools' "
				     "([busybox] libc = musl)");
		inputs_add(in, "libc", "musl %s", v);
		free(v);
	}
	kbuild_inputs(frag, "mkdistro.conf", in);
	return 0;
}

/* The record's name: busybox-main, or the variant file's name with '/' made '-'. */
static char *record_name(const struct plan *plan, const char *config)
{
	size_t n = strlen(plan->dir);
	char *name;
	if (!strcmp(config, plan->busybox_config))
		return xstrdup("busybox-main");
	name = xasprintf("busybox-%s", !strncmp(config, plan->dir, n) && config[n] == '/' ? config + n + 1 : config);
	for (char *c = name; *c; c++)
		if (*c == '/')
			*c = '-';
	return name;
}

/* What make_busybox needs. */
struct busybox_job {
	const struct plan *plan;
	const char *config;
	const struct source *src;
	const struct kconfig *frag;
	const char *log;
};

/* Configure and build BusyBox in the source's shared build tree, then copy the binary, its
 * applet list and the resolved .config into dir (stage.h). */
static int make_busybox(void *ctx, const char *dir)
{
	static const char *const files[][2] = {
		{"busybox", "busybox"}, {"busybox.links", "busybox.links"}, {".config", "config"}};
	static const unsigned modes[] = {0755, 0644, 0644};
	const struct busybox_job *j = ctx;
	const char *targets[] = {"busybox", "busybox.links", NULL};
	char *objdir = busybox_tree(j->plan, j->src);
	struct busybox_kbuild bk = {0};
	struct wrap w = {0};
	int ret = -1;

	if (wrap_setup(j->plan, &w) < 0 ||
	    setup(&bk, j->plan, j->config, j->src, objdir, j->log, j->frag) < 0)
		goto out;
	bk.k.wrap = &w;
	bk.k.jobs = w.jobs;
	if (kbuild_configure(&bk.k, NULL) < 0)
		goto out;
	info("  make -j%u busybox%s%s%s (log: %s)", bk.k.jobs, *w.what ? " (" : "", w.what,
	     *w.what ? ")" : "", j->log);
	if (kbuild_compile(&bk.k, targets, "busybox_unstripped") == 0)
		ret = cache_copy_files(dir, objdir, files, modes, 3);
out:
	busybox_kbuild_release(&bk);
	wrap_release(&w);
	free(objdir);
	return ret;
}

int busybox_build(const struct plan *plan, const char *config, const struct source *src,
		  const char *log, struct busybox_out *out)
{
	struct kconfig frag;
	struct inputs in;
	char *record = record_name(plan, config), *what = xasprintf("BusyBox (%s)", record + 8);
	struct busybox_job job = {plan, config, src, &frag, log};
	struct stage_cache sc = {.kind = "busybox", .what = what, .record = record,
				 .make = make_busybox, .ctx = &job};
	char *entry = NULL;
	int ret = -1;

	memset(out, 0, sizeof(*out));
	kconfig_init(&frag);
	inputs_init(&in);
	/* mkdistro.conf's [busybox] static decides, whatever the fragment says. */
	if (read_config(plan, config, &frag) < 0 || busybox_inputs(plan, src, &frag, &in) < 0 ||
	    stage_cached(plan, &sc, &in, &entry, &out->cached) < 0)
		goto out;
	out->binary = path_join(entry, "busybox");
	out->links = path_join(entry, "busybox.links");
	out->config = path_join(entry, "config");
	ret = 0;
out:
	kconfig_release(&frag);
	inputs_release(&in);
	free(entry);
	free(record);
	free(what);
	return ret;
}
