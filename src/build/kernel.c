/* kernel.c: the kernel stage (see kernel.h). */
#include "build/kernel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "build/arch.h"
#include "build/cache.h"
#include "build/inputs.h"
#include "build/kbuild.h"
#include "build/modules.h"
#include "build/stage.h"
#include "build/wrap.h"
#include "formats/kconfig.h"
#include "sys/alloc.h"
#include "sys/buf.h"
#include "sys/fs.h"
#include "sys/log.h"

void kernel_out_release(struct kernel_out *k)
{
	free(k->bzimage);
	free(k->config);
	free(k->release);
	free(k->modules);
	free(k->expected);
	free(k->modules_initrd);
	memset(k, 0, sizeof(*k));
}

static char *read_trimmed(const char *path)
{
	struct buf b;
	buf_init(&b);
	if (read_file(path, &b) < 0) {
		buf_release(&b);
		return NULL;
	}
	while (b.len && (b.data[b.len - 1] == '\n' || b.data[b.len - 1] == ' '))
		b.data[--b.len] = '\0';
	return buf_detach(&b, NULL);
}

/* Read and parse one fragment into k (later settings win).  Returns 0 or -1 (reported). */
static int read_fragment(struct kconfig *k, const char *path)
{
	struct buf text;
	struct kconfig one;
	int ret;
	buf_init(&text);
	kconfig_init(&one);
	ret = read_file(path, &text);
	if (!ret)
		ret = kconfig_parse(&one, text.data, path, 1);
	if (!ret)
		kconfig_merge(k, &one);
	kconfig_release(&one);
	buf_release(&text);
	return ret;
}

/* Kbuild's `cmd` macro that starts no shell for an empty command, from the tree's own
 * definition (kbuild.h); NULL when the tree defines it in a way kbuild.c does not know (then
 * make gets no override). */
static char *cmd_skipping_empty(const char *tree)
{
	char *path = path_join(tree, "scripts/Kbuild.include");
	struct buf text;
	char *cmd = NULL;
	buf_init(&text);
	if (read_text_file(path, &text) == 0)
		cmd = kbuild_cmd_skipping_empty(text.data);
	buf_release(&text);
	free(path);
	return cmd;
}

/* The kernel's Kbuild settings, and the strings they point at. */
struct kernel_kbuild {
	struct kbuild k;
	char stamp[64];
	char arch[32], cross[80];
	const char *env[4];
	const char *vars[10];
};

static void setup(struct kernel_kbuild *kk, const struct plan *plan, const struct kvariant *v,
		  const struct source *src, const char *objdir, const char *log,
		  const struct kconfig *frag)
{
	time_t t = (time_t)plan->epoch;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(kk->stamp, sizeof(kk->stamp), "KBUILD_BUILD_TIMESTAMP=%a %b %e %H:%M:%S UTC %Y",
		 &tm);
	kk->env[0] = kk->stamp;
	kk->env[1] = "KBUILD_BUILD_USER=mkdistro";
	kk->env[2] = "KBUILD_BUILD_HOST=mkdistro";
	kk->env[3] = NULL;
	snprintf(kk->arch, sizeof(kk->arch), "ARCH=%s", plan->arch->kernel_arch);
	snprintf(kk->cross, sizeof(kk->cross), "CROSS_COMPILE=%s", arch_cross(plan->arch));
	memset(kk->vars, 0, sizeof(kk->vars)); /* make_kernel adds more (add_var) */
	kk->vars[0] = kk->arch;
	if (*arch_cross(plan->arch))
		kk->vars[1] = kk->cross;
	kk->k = (struct kbuild){
		.what = "kernel",
		.tree = src->tree,
		.objdir = objdir,
		.log = log,
		.vars = kk->vars,
		.env = kk->env,
		.base = plan->kernel_base,
		.update = "olddefconfig",
		.fragment = frag,
		.fragment_path = v->fragment ? v->fragment : v->config ? v->config : plan->kernel_config,
		.jobs = wrap_jobs(plan),
	};
}

int kernel_menuconfig(const struct plan *plan, const struct kvariant *v, const struct source *src,
		      const char *log)
{
	struct kconfig frag;
	struct kernel_kbuild kk;
	char *objdir = kbuild_tree(plan, "kernel", src->id);
	const char *to = v->fragment ? v->fragment : v->config ? v->config : plan->kernel_config;
	int ret = -1;
	kconfig_init(&frag);
	if (read_fragment(&frag, v->config ? v->config : plan->kernel_config) < 0 ||
	    (v->fragment && read_fragment(&frag, v->fragment) < 0))
		goto out;
	setup(&kk, plan, v, src, objdir, log, &frag);
	ret = kbuild_menuconfig(&kk.k, to);
	if (ret >= 0)
		info("mkdistro: %d setting%s written to %s", ret, ret == 1 ? "" : "s", to);
out:
	kconfig_release(&frag);
	free(objdir);
	return ret < 0 ? -1 : 0;
}

/* The host's depmod (kmod), in PATH or in the sbin directories a user's PATH may lack;
 * NULL when there is none (malloc'd). */
static char *find_depmod(void)
{
	static const char *const sbin[] = {"/usr/sbin/depmod", "/sbin/depmod"};
	char *path = which("depmod");
	for (size_t i = 0; !path && i < sizeof(sbin) / sizeof(sbin[0]); i++)
		if (access(sbin[i], X_OK) == 0)
			path = xstrdup(sbin[i]);
	return path;
}

/* Everything that goes into the variant's kernel. */
static int kernel_inputs(const struct plan *plan, const struct source *src,
			 const struct kconfig *frag, struct inputs *in)
{
	const char *toolchain = kbuild_toolchain(plan);
	if (!toolchain)
		return -1;
	inputs_add(in, "stage", "kernel 5");
	inputs_add(in, "source", "%s", src->id);
	inputs_add(in, "base", "%s", plan->kernel_base);
	inputs_add(in, "arch", "%s", plan->arch->name);
	inputs_add(in, "epoch", "%lld", (long long)plan->epoch);
	inputs_add(in, "toolchain", "%s", toolchain);
	kbuild_inputs(frag, "kernel.config", in);
	/* depmod writes the modules' modules.dep and modules.alias */
	if (!strcmp(kconfig_get(frag, "MODULES"), "y")) {
		char *depmod = find_depmod();
		int ret = depmod ? inputs_add_file(in, "depmod", depmod) : -1;
		free(depmod);
		if (ret < 0)
			return error("[kernel] modules = yes needs depmod (Debian package kmod)");
	}
	return 0;
}

/* What make_kernel needs. */
struct kernel_job {
	const struct plan *plan;
	const struct kvariant *v;
	const struct source *src;
	const struct kconfig *frag;
	const char *log;
};

/* The files under lib/modules/RELEASE that only kmod reads (BusyBox's modprobe, lsmod and
 * modinfo read the text ones), and the links back into the build tree. */
static int trim_modules(const char *moddir)
{
	static const char *const drop[] = {"build", "source", "modules.dep.bin",
					   "modules.alias.bin", "modules.symbols.bin",
					   "modules.builtin.bin", "modules.builtin.alias.bin",
					   "modules.builtin.modinfo"};
	for (size_t i = 0; i < sizeof(drop) / sizeof(drop[0]); i++) {
		char *p = path_join(moddir, drop[i]);
		int ret = remove_tree(p);
		free(p);
		if (ret < 0)
			return -1;
	}
	return 0;
}

/* make modules_install into dir/modules (stripped, modules.dep made by the host's depmod),
 * then trim it.  Returns 0 or -1 (reported). */
static int install_modules(struct kernel_kbuild *kk, const char *dir, const char *objdir)
{
	const char *targets[] = {"modules_install", NULL};
	char *depmod = find_depmod(), *path = path_join(dir, "modules");
	char *var_path = xasprintf("INSTALL_MOD_PATH=%s", path);
	char *var_depmod = depmod ? xasprintf("DEPMOD=%s", depmod) : NULL;
	char *rel = path_join(objdir, "include/config/kernel.release"), *release = read_trimmed(rel);
	char *moddir = release ? xasprintf("%s/lib/modules/%s", path, release) : NULL;
	size_t n = 1;
	int ret = -1;

	while (kk->vars[n])
		n++;
	kk->vars[n] = var_path;
	/* symbols that no relocation needs go too: 10 % of the modules' bytes */
	kk->vars[n + 1] = "INSTALL_MOD_STRIP=--strip-unneeded";
	kk->vars[n + 2] = var_depmod;
	if (!depmod)
		error("[kernel] modules = yes needs depmod (Debian package kmod)");
	else if (!release)
		error("%s: cannot read the kernel release", rel);
	else if (kbuild_make(&kk->k, targets) == 0)
		ret = trim_modules(moddir);
	kk->vars[n] = NULL;
	free(depmod);
	free(path);
	free(var_path);
	free(var_depmod);
	free(rel);
	free(release);
	free(moddir);
	return ret;
}

/* With modules: which module each =m symbol gives (dir/modules.expected), and the modules
 * initrd (dir/modules.cpio.xz, its cpio's size in dir/modules.raw).  Returns 0 or -1
 * (reported). */
static int pack_modules(const struct kernel_job *j, const char *dir, const char *objdir,
			const struct kconfig *resolved)
{
	char *expected = path_join(dir, "modules.expected"), *rel = path_join(dir, "release");
	char *release = read_trimmed(rel), *moddir = NULL;
	char *initrd = path_join(dir, "modules.cpio.xz"), *rawfile = path_join(dir, "modules.raw");
	struct manifest m;
	size_t raw = 0;
	int ret = modules_expected(j->src->tree, objdir, resolved, expected);

	manifest_init(&m);
	if (!ret && !release)
		ret = error("%s: cannot read the kernel release", rel);
	if (!ret) {
		moddir = xasprintf("%s/modules/lib/modules/%s", dir, release);
		ret = modules_tree(&m, moddir, release, j->plan->epoch);
	}
	if (!ret)
		ret = modules_pack(&m, initrd, &raw);
	if (!ret) {
		char *text = xasprintf("%zu\n", raw);
		ret = write_file_atomic(rawfile, text, strlen(text), 0644);
		free(text);
	}
	manifest_release(&m);
	free(expected);
	free(rel);
	free(release);
	free(moddir);
	free(initrd);
	free(rawfile);
	return ret;
}

/* Add make variable v (may be NULL: nothing) after the others. */
static void add_var(struct kernel_kbuild *kk, const char *v)
{
	size_t n = 0;
	while (kk->vars[n])
		n++;
	kk->vars[n] = v;
}

/* Configure and build the kernel in the source's shared build tree, then copy bzImage, the
 * resolved .config and the release into dir (stage.h); with CONFIG_MODULES, the modules too,
 * installed under dir/modules and packed (pack_modules). */
static int make_kernel(void *ctx, const char *dir)
{
	const struct kernel_job *j = ctx;
	const char *const files[][2] = {{j->plan->arch->kernel_image, "bzImage"},
					{".config", "config"},
					{"include/config/kernel.release", "release"}};
	static const unsigned modes[] = {0644, 0644, 0644};
	const char *targets[] = {j->plan->arch->kernel_target, NULL, NULL};
	int modules;
	char *objdir = kbuild_tree(j->plan, "kernel", j->src->id);
	char *cmd = NULL;
	char *version = NULL;
	struct kernel_kbuild kk;
	struct kconfig resolved;
	struct wrap w = {0};
	int ret = -1;

	kconfig_init(&resolved);
	if (wrap_setup(j->plan, &w) < 0)
		goto out;
	setup(&kk, j->plan, j->v, j->src, objdir, j->log, j->frag);
	kk.k.wrap = &w;
	kk.k.jobs = w.jobs;
	if (kbuild_configure(&kk.k, &resolved) < 0)
		goto out;
	/* Two savings per object, neither of which changes a byte of the kernel.  Kbuild's
	 * per-object scripts/check-local-export (nm and awk over each object, 0.1 s, more than
	 * a ccache hit) only catches an exported static symbol, a mistake in the kernel's own
	 * sources that writes nothing; a released kernel has none to find (and without
	 * modules, EXPORT_SYMBOL expands to nothing at all).  And most lines of a C file's rule
	 * have an empty command, for each of which Kbuild's `cmd` starts a shell. */
	modules = !strcmp(kconfig_get(&resolved, "MODULES"), "y");
	if (modules)
		targets[1] = "modules";
	add_var(&kk, "cmd_check_local_export=");
	cmd = cmd_skipping_empty(j->src->tree);
	add_var(&kk, cmd);
	/* Kbuild numbers each link (#N in uname -v and the banner) from the build tree's
	 * .version, so a kernel's bytes would depend on what the shared tree linked before.
	 * Without the file the link is #1, as in a cold tree.  (KBUILD_BUILD_VERSION=1 is not
	 * the same: 6.1 then also writes it into init/version.o's weak banner, where a cold
	 * tree's has none.) */
	version = path_join(objdir, ".version");
	if (remove_tree(version) < 0)
		goto out;
	info("  make -j%u %s%s%s%s%s (a cold build takes a few minutes; log: %s)", kk.k.jobs,
	     targets[0], modules ? " modules" : "", *w.what ? " (" : "", w.what, *w.what ? ")" : "", j->log);
	if (kbuild_compile(&kk.k, targets, "vmlinux") == 0 &&
	    (!modules || install_modules(&kk, dir, objdir) == 0))
		ret = cache_copy_files(dir, objdir, files, modes, 3);
	if (!ret && modules)
		ret = pack_modules(j, dir, objdir, &resolved);
out:
	kconfig_release(&resolved);
	wrap_release(&w);
	free(objdir);
	free(cmd);
	free(version);
	return ret;
}

int kernel_build(const struct plan *plan, const struct kvariant *v, const struct source *src,
		 const char *log, struct kernel_out *out)
{
	struct kconfig frag;
	struct inputs in;
	char *what = xasprintf("kernel %s", v->name), *record = xasprintf("kernel-%s", v->name);
	struct kernel_job job = {plan, v, src, &frag, log};
	struct stage_cache sc = {.kind = "kernel", .what = what, .record = record,
				 .make = make_kernel, .ctx = &job};
	char *entry = NULL, *rel;
	int ret = -1;

	memset(out, 0, sizeof(*out));
	kconfig_init(&frag);
	inputs_init(&in);
	/* A variant's own config, or main's plus the variant's fragment. */
	if (read_fragment(&frag, v->config ? v->config : plan->kernel_config) < 0 ||
	    (v->fragment && read_fragment(&frag, v->fragment) < 0))
		goto out;
	/* [kernel] modules = no: every module built in instead (a fragment with none keeps
	 * its kernel's cache key) */
	if (!plan->kernel_modules)
		kconfig_builtin_modules(&frag);
	if (kernel_inputs(plan, src, &frag, &in) < 0 ||
	    stage_cached(plan, &sc, &in, &entry, &out->cached) < 0)
		goto out;
	out->bzimage = path_join(entry, "bzImage");
	out->config = path_join(entry, "config");
	rel = path_join(entry, "release");
	out->release = read_trimmed(rel);
	free(rel);
	if (out->release) {
		out->modules = xasprintf("%s/modules/lib/modules/%s", entry, out->release);
		out->expected = path_join(entry, "modules.expected");
		out->modules_initrd = path_join(entry, "modules.cpio.xz");
		if (!is_dir(out->modules)) {
			free(out->modules);
			free(out->expected);
			free(out->modules_initrd);
			out->modules = out->expected = out->modules_initrd = NULL;
		}
	}
	ret = out->release ? 0 : -1;
	if (!ret && out->modules) {
		char *rawfile = path_join(entry, "modules.raw"), *raw = read_trimmed(rawfile);
		unsigned long long n;
		if (!raw || sscanf(raw, "%llu", &n) != 1)
			ret = error("%s: cannot read the modules' size", rawfile);
		else
			out->modules_raw = (size_t)n;
		free(rawfile);
		free(raw);
	}
out:
	kconfig_release(&frag);
	inputs_release(&in);
	free(entry);
	free(what);
	free(record);
	return ret;
}
