/* mkdistro: build a bootable BusyBox live USB stick image from kernel and BusyBox sources.
 *
 * This file is the command line and the pipeline's table of contents; each stage lives in
 * its own module under src/ (see ../shared/DESIGN.md and mkdistro.1):
 *
 *   config ─► sources ─► kernels ─► busyboxes ─► root filesystems (manifest + libraries)
 *          ─► initrds (cpio|ext2, gzip; stacked) ─► stick files + menu ─► image (MBR+FAT+Syslinux)
 *
 * Each stage runs once per variant: kernels per [kernel] and [kernel.NAME], the rest per
 * [initrd] and [initrd.NAME] (see src/config.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/busybox.h"
#include "src/cache.h"
#include "src/config.h"
#include "src/elfdeps.h"
#include "src/image.h"
#include "src/initrd.h"
#include "src/initrdfile.h"
#include "src/kconfig.h"
#include "src/kernel.h"
#include "src/manifest.h"
#include "src/qemu.h"
#include "src/report.h"
#include "src/rootfs.h"
#include "src/sources.h"
#include "src/stick.h"
#include "src/util.h"

#ifndef MKDISTRO_DATADIR
#define MKDISTRO_DATADIR "/usr/local/share/mkdistro"
#endif
#define MKDISTRO_VERSION "0.1.0"
#define NSTAGES 7

static const char usage_text[] =
	"usage: mkdistro [-C DIR] [-q] [COMMAND [ARGS]]\n"
	"\n"
	"Build a bootable BusyBox live USB stick image from kernel and BusyBox sources.\n"
	"\n"
	"Commands:\n"
	"  build                 build out/mkdistro.img and out/stick/ (the default command)\n"
	"  run [--usb] [--label L] [--accel A]\n"
	"                        boot out/mkdistro.img in QEMU on this terminal (Ctrl-A X quits)\n"
	"  test [--usb] [--label L] [--timeout S] [--cmd CMD] [--accel A]\n"
	"                        boot it headless, run CMD in its shell, print the transcript\n"
	"  menuconfig kernel|busybox [--variant NAME]\n"
	"                        change a configuration in its menuconfig; the changes are\n"
	"                        written back to kernel.config, busybox.config or the variant's\n"
	"  initrd unpack FILE DIR\n"
	"                        unpack a cpio initrd (gzip or not) without root; owners, device\n"
	"                        nodes, hard links and times go to DIR/.mkdistro-initrd\n"
	"  initrd pack DIR FILE [--level N]\n"
	"                        pack it again (gzip when FILE ends in .gz)\n"
	"  init DIR              create a new project directory from the default files\n"
	"  ldd FILE...           list the shared libraries FILEs need, as found for the image\n"
	"  help                  show this text\n"
	"\n"
	"Options:\n"
	"  -C DIR                the project directory (default: .)\n"
	"  -q, --quiet           no progress lines\n"
	"  -h, --help            show this text\n"
	"  -V, --version         show the version\n"
	"\n"
	"The project's mkdistro.conf, kernel.config, busybox.config and rootfs/ say what to build;\n"
	"see mkdistro(1).  Stage logs go to out/log/, the build cache to ~/.cache/mkdistro.\n";

/* Host tools and the Debian packages that provide them. */
struct tool {
	const char *name, *package;
};

static const struct tool build_tools[] = {
	{"make", "make"},         {"gcc", "gcc"},           {"flex", "flex"},
	{"bison", "bison"},       {"bc", "bc"},             {"perl", "perl"},
	{"objcopy", "binutils"},  {"mke2fs", "e2fsprogs"},  {"debugfs", "e2fsprogs"},
	{"mkfs.fat", "dosfstools"}, {"mmd", "mtools"},      {"mcopy", "mtools"},
	{"syslinux", "syslinux"}, {"dpkg-query", "dpkg"},   {"dpkg-deb", "dpkg"},
	{"apt-get", "apt"},       {"dpkg-source", "dpkg-dev"}, {"bzip2", "bzip2"},
	{"xz", "xz-utils"},
};
static const struct tool build_headers[] = {
	{"/usr/include/libelf.h", "libelf-dev"},
	{"/usr/include/openssl/ssl.h", "libssl-dev"},
};
static const struct tool vm_tools[] = {
	{"qemu-system-x86_64", "qemu-system-x86"},
};

static int check_tools(const struct tool *t, size_t n, int headers)
{
	int missing = 0;
	for (size_t i = 0; i < n; i++) {
		char *p = headers ? (file_exists(t[i].name) ? xstrdup(t[i].name) : NULL) : which(t[i].name);
		if (!p) {
			error("'%s' is %s; install the Debian package '%s' (apt-get install %s)", t[i].name,
			      headers ? "missing" : "not found in PATH", t[i].package, t[i].package);
			missing++;
		}
		free(p);
	}
	return missing ? -1 : 0;
}

/* ---- build ---- */

struct build {
	const struct plan *plan;
	char *logdir, *work, *stick, *img;
	double t0;
	int stage;
	struct source ksrc, bsrc;
	struct kernel_out *k;   /* per kernel variant */
	struct busybox_out *bb; /* per initrd variant (a copy of main's paths when it has none) */
	struct manifest *m;     /* per initrd variant */
	struct manifest *added; /* per initrd variant: what a stacked one holds */
	struct initrd_stats *st; /* per initrd variant: the file written */
	struct buf summary;
};

static char *stage_log(struct build *b, const char *name)
{
	char *file = xasprintf("%s.log", name);
	char *p = path_join(b->logdir, file);
	free(file);
	unlink(p);
	return p;
}

/* A line in a stage's log, so that a cached stage's log says where its result came from. */
static void log_note(const char *log, const char *what, const char *path)
{
	FILE *f = fopen(log, "a");
	if (f) {
		fprintf(f, "mkdistro: %s: %s\n", what, path);
		fclose(f);
	}
}

static void stage_begin(struct build *b)
{
	b->stage++;
	b->t0 = log_now();
	buf_reset(&b->summary);
}

static void stage_done(struct build *b, const char *name)
{
	info("[%d/%d] %-8s %s (%.1f s)", b->stage, NSTAGES, name, b->summary.data, log_now() - b->t0);
}

static int stage_sources(struct build *b)
{
	char *log = stage_log(b, "sources");
	int ret = sources_get(b->plan, "kernel", log, &b->ksrc) < 0 ||
			  sources_get(b->plan, "busybox", log, &b->bsrc) < 0
		  ? -1
		  : 0;
	if (!ret)
		buf_addf(&b->summary, "%s; %s", b->ksrc.id, b->bsrc.id);
	free(log);
	return ret;
}

/* Every kernel variant. */
static int stage_kernels(struct build *b)
{
	const struct plan *plan = b->plan;
	char *log = stage_log(b, "kernel");
	int ret = 0;
	for (size_t i = 0; i < plan->n_kvar && !ret; i++) {
		struct kernel_out *k = &b->k[i];
		ret = kernel_build(plan, &plan->kvar[i], &b->ksrc, log, k);
		if (!ret) {
			log_note(log, k->cached ? "reused the cached kernel" : "built", k->bzimage);
			buf_addf(&b->summary, "%s%s %s%s", i ? ", " : "", plan->kvar[i].name, k->release,
				 k->cached ? " (cached)" : "");
		}
	}
	free(log);
	return ret;
}

/* Main's BusyBox, and each initrd variant's own. */
static int stage_busyboxes(struct build *b)
{
	const struct plan *plan = b->plan;
	char *log = stage_log(b, "busybox");
	int ret = 0;
	for (size_t i = 0; i < plan->n_ivar && !ret; i++) {
		const char *config = i ? plan->ivar[i].busybox_config : plan->busybox_config;
		struct busybox_out *bb = &b->bb[i];
		if (!config) {
			bb->binary = xstrdup(b->bb[0].binary);
			bb->links = xstrdup(b->bb[0].links);
			continue;
		}
		ret = busybox_build(plan, config, &b->bsrc, log, bb);
		if (!ret) {
			log_note(log, bb->cached ? "reused the cached BusyBox" : "built", bb->binary);
			buf_addf(&b->summary, "%s%s %s%s", i ? ", " : "", plan->ivar[i].name,
				 plan->busybox_static ? "static" : "dynamic", bb->cached ? " (cached)" : "");
		}
	}
	if (!ret)
		buf_addf(&b->summary, "; %s", b->bsrc.id);
	free(log);
	return ret;
}

/* The root filesystem of every initrd variant. */
static int stage_rootfs(struct build *b)
{
	const struct plan *plan = b->plan;
	char *log = stage_log(b, "rootfs");
	int ret = 0;
	for (size_t i = 0; i < plan->n_ivar && !ret; i++) {
		char *name = xasprintf("lib-%s", plan->ivar[i].name);
		char *libs = path_join(b->work, name);
		struct rootfs_in in = {
			.busybox = b->bb[i].binary,
			.busybox_links = b->bb[i].links,
			.workdir = libs,
			.log = log,
			.variant = i ? &plan->ivar[i] : NULL,
		};
		ret = rootfs_build(plan, &in, &b->m[i]);
		if (!ret)
			buf_addf(&b->summary, "%s%s %zu entries", i ? ", " : "", plan->ivar[i].name,
				 b->m[i].n);
		free(name);
		free(libs);
	}
	free(log);
	return ret;
}

/* What the report needs of each initrd written. */
static struct report_initrd *initrd_reports(struct build *b)
{
	const struct plan *plan = b->plan;
	struct report_initrd *r = xcalloc(plan->n_ivar, sizeof(*r));
	for (size_t i = 0; i < plan->n_ivar; i++) {
		const struct ivariant *v = &plan->ivar[i];
		r[i].name = v->name;
		r[i].m = v->stack ? &b->added[i] : &b->m[i];
		r[i].raw = b->st[i].raw;
		r[i].gz = b->st[i].compressed;
		r[i].stacked = v->stack;
		r[i].budget_kib = v->budget_kib;
		r[i].budget_line = v->budget_line;
	}
	return r;
}

/* out/report.txt and out/report.svg. */
static int write_report(struct build *b)
{
	const struct plan *plan = b->plan;
	struct report_initrd *r = initrd_reports(b);
	struct report_kernel *k = xcalloc(plan->n_kvar, sizeof(*k));
	struct buf txt, svg;
	char *tp = path_join(plan->out_dir, "report.txt");
	char *sp = path_join(plan->out_dir, "report.svg");
	int ret;
	buf_init(&txt);
	buf_init(&svg);
	for (size_t i = 0; i < plan->n_kvar; i++) {
		struct stat st;
		k[i].name = plan->kvar[i].name;
		k[i].size = stat(b->k[i].bzimage, &st) == 0 ? (uint64_t)st.st_size : 0;
	}
	ret = report_render(plan, k, plan->n_kvar, r, plan->n_ivar, &txt, &svg);
	if (!ret)
		ret = write_file_atomic(tp, txt.data, txt.len, 0644);
	if (!ret)
		ret = write_file_atomic(sp, svg.data, svg.len, 0644);
	buf_release(&txt);
	buf_release(&svg);
	free(tp);
	free(sp);
	free(r);
	free(k);
	return ret;
}

/* Every initrd variant, gzip-compressed, into the new stick tree; a stacked one holds only
 * what it adds to main.  Each must be within its budget. */
static int stage_initrds(struct build *b)
{
	const struct plan *plan = b->plan;
	char *log = stage_log(b, "initrd");
	char *dir = path_join(b->stick, "boot/initrd");
	int ret = mkdir_p(dir, 0755);
	for (size_t i = 0; i < plan->n_ivar && !ret; i++) {
		const struct ivariant *v = &plan->ivar[i];
		char *file = xasprintf("%s/%s.gz", dir, v->name);
		struct initrd_stats *st = &b->st[i], full;
		if (v->stack) {
			/* What the whole variant would take, to report the saving. */
			char *whole = xasprintf("%s/whole-%s.gz", b->work, v->name);
			struct manifest *add = &b->added[i];
			ret = initrd_write(plan, &b->m[i], b->work, log, whole, &full);
			if (!ret)
				ret = rootfs_diff(&b->m[0], &b->m[i], add);
			if (!ret)
				ret = initrd_write(plan, add, b->work, log, file, st);
			if (!ret)
				buf_addf(&b->summary, "%s%s %zu KiB stacked on main (%zu entries; %zu KiB "
						      "saved)",
					 i ? ", " : "", v->name, (st->compressed + 1023) / 1024, add->n,
					 (full.compressed - st->compressed) / 1024);
			unlink(whole);
			free(whole);
		} else {
			ret = initrd_write(plan, &b->m[i], b->work, log, file, st);
			if (!ret)
				buf_addf(&b->summary, "%s%s %s %zu KiB, gzip %zu KiB", i ? ", " : "",
					 v->name, plan->initrd_format == INITRD_EXT2 ? "ext2" : "cpio",
					 (st->raw + 1023) / 1024, (st->compressed + 1023) / 1024);
		}
		free(file);
	}
	if (!ret) {
		struct report_initrd *r = initrd_reports(b);
		ret = report_check_budgets(plan, r, plan->n_ivar);
		free(r);
	}
	free(dir);
	free(log);
	return ret;
}

/* The kernels, the help text and the boot menu, into the new stick tree. */
static int stage_stick(struct build *b)
{
	const struct plan *plan = b->plan;
	char *kdir = path_join(b->stick, "boot/kernel");
	char *sdir = path_join(b->stick, IMAGE_SYSLINUX_DIR);
	char *cfg = path_join(sdir, "syslinux.cfg");
	char *help_src = path_join(plan->dir, "syslinux/boot.txt");
	char *help_dst = path_join(sdir, "boot.txt");
	struct buf text;
	int has_help = file_exists(help_src), ret = -1;

	buf_init(&text);
	if (mkdir_p(kdir, 0755) < 0 || mkdir_p(sdir, 0755) < 0)
		goto out;
	for (size_t i = 0; i < plan->n_kvar; i++) {
		char *name = xasprintf("%s.lk", plan->kvar[i].name);
		char *to = path_join(kdir, name);
		int r = copy_file(b->k[i].bzimage, to, 0644);
		free(name);
		free(to);
		if (r < 0)
			goto out;
	}
	if (has_help && copy_file(help_src, help_dst, 0644) < 0)
		goto out;
	if (stick_menu(plan, has_help ? IMAGE_SYSLINUX_DIR "/boot.txt" : NULL, &text) < 0 ||
	    write_file_atomic(cfg, text.data, text.len, 0644) < 0)
		goto out;
	buf_addf(&b->summary, "%zu kernel%s, %zu initrd%s, %zu boot labels", plan->n_kvar,
		 plan->n_kvar == 1 ? "" : "s", plan->n_ivar, plan->n_ivar == 1 ? "" : "s",
		 plan->n_kvar * plan->n_ivar + 1);
	ret = 0;
out:
	buf_release(&text);
	free(kdir);
	free(sdir);
	free(cfg);
	free(help_src);
	free(help_dst);
	return ret;
}

/* Move the new image into place with one rename, then the stick tree beside it. */
static int publish(struct build *b)
{
	const struct plan *plan = b->plan;
	char *stick = path_join(plan->out_dir, "stick");
	char *old = path_join(b->work, "stick.old");
	char *img = path_join(plan->out_dir, "mkdistro.img");
	int ret = -1, had_stick = file_exists(stick);
	if (rename(b->img, img) < 0) {
		error_errno("cannot rename '%s' to '%s'", b->img, img);
		goto out;
	}
	fsync_parent(img);
	if (had_stick && rename(stick, old) < 0) {
		error_errno("cannot move '%s' aside", stick);
		goto out;
	}
	if (rename(b->stick, stick) < 0) {
		error_errno("cannot rename '%s' to '%s'", b->stick, stick);
		if (had_stick && rename(old, stick) < 0)
			error_errno("cannot put '%s' back", stick);
		goto out;
	}
	ret = 0;
out:
	free(stick);
	free(old);
	free(img);
	return ret;
}

static int stage_image(struct build *b)
{
	char *log = stage_log(b, "image");
	int ret = image_build(b->plan, b->stick, b->img, log) < 0 || publish(b) < 0 ? -1 : 0;
	if (!ret)
		ret = write_report(b);
	if (!ret)
		buf_addf(&b->summary, "out/mkdistro.img, %u MiB; sizes in out/report.txt",
			 b->plan->image_size_mib);
	free(log);
	return ret;
}

/* A Kconfig fragment that parses (path:line for the first bad line). */
static int check_fragment(const char *path)
{
	struct buf text;
	struct kconfig k;
	int ret;
	buf_init(&text);
	kconfig_init(&k);
	ret = read_file(path, &text);
	if (!ret)
		ret = kconfig_parse(&k, text.data, path, 1);
	kconfig_release(&k);
	buf_release(&text);
	return ret;
}

/* Everything about the inputs that can be checked in a moment, so that a mistake is not
 * found only after minutes of kernel build. */
static int preflight(const struct plan *plan)
{
	struct buf menu;
	int ret;
	buf_init(&menu);
	ret = stick_menu(plan, NULL, &menu);
	buf_release(&menu);
	for (size_t i = 0; i < plan->n_kvar && !ret; i++) {
		const struct kvariant *v = &plan->kvar[i];
		ret = check_fragment(v->config ? v->config : plan->kernel_config);
		if (!ret && v->fragment)
			ret = check_fragment(v->fragment);
	}
	if (!ret)
		ret = check_fragment(plan->busybox_config);
	for (size_t i = 1; i < plan->n_ivar && !ret; i++) {
		ret = rootfs_check_variant(plan, &plan->ivar[i]);
		if (!ret && plan->ivar[i].busybox_config)
			ret = check_fragment(plan->ivar[i].busybox_config);
	}
	if (!ret && !is_dir(plan->rootfs_dir))
		ret = error("rootfs skeleton '%s' is not a directory", plan->rootfs_dir);
	return ret;
}

static int cmd_build(const struct plan *plan)
{
	static const struct {
		const char *name;
		int (*run)(struct build *);
	} stages[NSTAGES] = {
		{"sources", stage_sources}, {"kernel", stage_kernels}, {"busybox", stage_busyboxes},
		{"rootfs", stage_rootfs},   {"initrd", stage_initrds}, {"stick", stage_stick},
		{"image", stage_image},
	};
	struct build b = {.plan = plan};
	double start = log_now();
	int ret = -1, project_lock = -1, cache_lock_fd = -1;

	if (check_tools(build_tools, sizeof(build_tools) / sizeof(build_tools[0]), 0) < 0 ||
	    check_tools(build_headers, sizeof(build_headers) / sizeof(build_headers[0]), 1) < 0 ||
	    preflight(plan) < 0)
		return -1;
	buf_init(&b.summary);
	b.k = xcalloc(plan->n_kvar, sizeof(*b.k));
	b.bb = xcalloc(plan->n_ivar, sizeof(*b.bb));
	b.m = xcalloc(plan->n_ivar, sizeof(*b.m));
	b.added = xcalloc(plan->n_ivar, sizeof(*b.added));
	b.st = xcalloc(plan->n_ivar, sizeof(*b.st));
	for (size_t i = 0; i < plan->n_ivar; i++) {
		manifest_init(&b.m[i]);
		manifest_init(&b.added[i]);
	}
	b.logdir = path_join(plan->out_dir, "log");
	b.work = path_join(plan->out_dir, ".work");
	b.stick = path_join(b.work, "stick");
	b.img = path_join(b.work, "mkdistro.img");
	/* One build per project at a time, and one per cache (the build trees are shared). */
	if (mkdir_p(plan->out_dir, 0755) < 0 || mkdir_p(plan->cache_dir, 0755) < 0)
		goto out;
	{
		char *pl = path_join(plan->out_dir, ".lock"), *cl = path_join(plan->cache_dir, "lock");
		project_lock = cache_lock(pl, 0, "this project");
		if (project_lock >= 0)
			cache_lock_fd = cache_lock(cl, 1, "the build cache");
		free(pl);
		free(cl);
		if (cache_lock_fd < 0)
			goto out;
	}
	if (mkdir_p(b.logdir, 0755) < 0 || remove_tree(b.work) < 0 || mkdir_p(b.work, 0755) < 0)
		goto out;
	info("mkdistro: building %s (cache: %s)", plan->dir, plan->cache_dir);
	for (size_t i = 0; i < NSTAGES; i++) {
		stage_begin(&b);
		if (stages[i].run(&b) < 0)
			goto out;
		stage_done(&b, stages[i].name);
	}
	info("mkdistro: done in %.1f s: %s/mkdistro.img", log_now() - start, plan->out_dir);
	ret = 0;
out:
	if (cache_lock_fd >= 0)
		remove_tree(b.work);
	if (cache_lock_fd >= 0)
		close(cache_lock_fd);
	if (project_lock >= 0)
		close(project_lock);
	for (size_t i = 0; i < plan->n_kvar; i++)
		kernel_out_release(&b.k[i]);
	for (size_t i = 0; i < plan->n_ivar; i++) {
		busybox_out_release(&b.bb[i]);
		manifest_release(&b.m[i]);
		manifest_release(&b.added[i]);
	}
	free(b.k);
	free(b.bb);
	free(b.m);
	free(b.added);
	free(b.st);
	source_release(&b.ksrc);
	source_release(&b.bsrc);
	buf_release(&b.summary);
	free(b.logdir);
	free(b.work);
	free(b.stick);
	free(b.img);
	return ret;
}

/* ---- menuconfig ---- */

static int cmd_menuconfig(const struct plan *plan, int argc, char **argv)
{
	const char *variant = "main", *what = argc > 1 ? argv[1] : "";
	struct source src = {0};
	char *logdir = path_join(plan->out_dir, "log");
	char *log = path_join(logdir, "menuconfig.log");
	char *pl = path_join(plan->out_dir, ".lock"), *cl = path_join(plan->cache_dir, "lock");
	int kernel = !strcmp(what, "kernel"), ret = -1, lock1 = -1, lock2 = -1;
	size_t i;

	if (argc == 4 && !strcmp(argv[2], "--variant"))
		variant = argv[3];
	else if (argc != 2)
		what = "";
	if (!kernel && strcmp(what, "busybox")) {
		error("usage: mkdistro menuconfig kernel|busybox [--variant NAME]");
		goto out;
	}
	if (check_tools(build_tools, sizeof(build_tools) / sizeof(build_tools[0]), 0) < 0 ||
	    check_tools(build_headers, sizeof(build_headers) / sizeof(build_headers[0]), 1) < 0 ||
	    mkdir_p(logdir, 0755) < 0 || mkdir_p(plan->cache_dir, 0755) < 0)
		goto out;
	lock1 = cache_lock(pl, 0, "this project");
	if (lock1 < 0 || (lock2 = cache_lock(cl, 1, "the build cache")) < 0)
		goto out;
	unlink(log);
	if (kernel) {
		for (i = 0; i < plan->n_kvar && strcmp(plan->kvar[i].name, variant); i++)
			;
		if (i == plan->n_kvar) {
			error("no kernel variant '%s' in %s", variant, plan->conf_path);
			goto out;
		}
		if (sources_get(plan, "kernel", log, &src) == 0)
			ret = kernel_menuconfig(plan, &plan->kvar[i], &src, log);
	} else {
		for (i = 0; i < plan->n_ivar && strcmp(plan->ivar[i].name, variant); i++)
			;
		if (i == plan->n_ivar) {
			error("no initrd variant '%s' in %s", variant, plan->conf_path);
			goto out;
		}
		if (i && !plan->ivar[i].busybox_config) {
			error("[initrd.%s] has no busybox_config of its own: it uses %s (mkdistro "
			      "menuconfig busybox)",
			      variant, plan->busybox_config);
			goto out;
		}
		if (sources_get(plan, "busybox", log, &src) == 0)
			ret = busybox_menuconfig(plan, i ? plan->ivar[i].busybox_config : plan->busybox_config,
						 &src, log);
	}
out:
	if (lock2 >= 0)
		close(lock2);
	if (lock1 >= 0)
		close(lock1);
	source_release(&src);
	free(logdir);
	free(log);
	free(pl);
	free(cl);
	return ret;
}

/* ---- run and test ---- */

static int cmd_boot(const struct plan *plan, int argc, char **argv, int test)
{
	static const struct option opts[] = {
		{"usb", no_argument, NULL, 'u'},       {"label", required_argument, NULL, 'l'},
		{"timeout", required_argument, NULL, 't'}, {"cmd", required_argument, NULL, 'c'},
		{"accel", required_argument, NULL, 'a'}, {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct qemu_opts o = {.memory_mb = plan->qemu_memory_mib, .accel = "auto"};
	char *img = path_join(plan->out_dir, "mkdistro.img");
	char *transcript = NULL;
	int c, ret = -1;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'u':
			o.usb = 1;
			break;
		case 'l':
			o.label = optarg;
			break;
		case 't': {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (!test) {
				error("--timeout goes with 'mkdistro test'");
				goto out;
			}
			if (*end || v <= 0 || v > 86400) {
				error("--timeout takes seconds, from 1 to 86400, not '%s'", optarg);
				goto out;
			}
			o.timeout_s = (unsigned)v;
			break;
		}
		case 'c':
			if (!test) {
				error("--cmd goes with 'mkdistro test'");
				goto out;
			}
			o.cmd = optarg;
			break;
		case 'a':
			o.accel = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			ret = 0;
			goto out;
		default:
			error("usage: mkdistro %s [--usb] [--label L] [--accel auto|kvm|tcg]%s",
			      test ? "test" : "run", test ? " [--timeout S] [--cmd CMD]" : "");
			goto out;
		}
	}
	if (optind < argc) {
		error("unexpected argument '%s'", argv[optind]);
		goto out;
	}
	if (check_tools(vm_tools, 1, 0) < 0)
		goto out;
	if (!file_exists(img)) {
		error("'%s' does not exist; run 'mkdistro build' first", img);
		goto out;
	}
	o.image = img;
	if (test) {
		char *logdir = path_join(plan->out_dir, "log");
		transcript = path_join(logdir, "test.log");
		mkdir_p(logdir, 0755);
		free(logdir);
		o.transcript = transcript;
		ret = qemu_test(&o, NULL);
	} else {
		ret = qemu_run(&o) == 0 ? 0 : -1;
	}
out:
	free(img);
	free(transcript);
	return ret;
}

/* ---- init ---- */

/* Where the default project files are: MKDISTRO_DATADIR, the directory of this program
 * when it runs from its source tree, or the installed data directory. */
static char *data_dir(void)
{
	const char *env = getenv("MKDISTRO_DATADIR");
	char self[4096];
	ssize_t n;
	if (env && *env)
		return xstrdup(env);
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		char *slash, *conf, *kconf;
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash)
			*slash = '\0';
		conf = path_join(self, "mkdistro.conf");
		kconf = path_join(self, "kernel.config");
		int here = file_exists(conf) && file_exists(kconf);
		free(conf);
		free(kconf);
		if (here)
			return xstrdup(self);
	}
	return xstrdup(MKDISTRO_DATADIR);
}

static int copy_tree(const char *from, const char *to)
{
	struct manifest m;
	int ret;
	manifest_init(&m);
	ret = rootfs_add_tree(&m, from, "/");
	for (size_t i = 0; i < m.n && !ret; i++) {
		const struct mf_entry *e = &m.v[i];
		char *p = path_join(to, e->path);
		if (e->type == MF_DIR)
			ret = mkdir_p(p, 0755);
		else if (e->type == MF_FILE)
			ret = copy_file(e->source, p, e->mode);
		else if (e->type == MF_SYMLINK && symlink(e->target, p) < 0)
			ret = error_errno("cannot create symlink '%s'", p);
		free(p);
	}
	manifest_release(&m);
	return ret;
}

static int cmd_init(const char *dir)
{
	/* mkdistro.conf last: a project is complete once it is there. */
	static const char *const files[] = {"kernel.config", "busybox.config", "mkdistro.conf"};
	static const char *const trees[] = {"rootfs", "syslinux"};
	char *data = data_dir();
	int ret = -1;

	for (size_t i = 0; i < 5; i++) {
		char *p = path_join(dir, i < 3 ? files[i] : trees[i - 3]);
		int taken = file_exists(p);
		if (taken)
			error("'%s' already holds a project ('%s' exists); not overwriting it", dir, p);
		free(p);
		if (taken)
			goto out;
	}
	for (size_t i = 0; i < 3; i++) {
		char *p = path_join(data, files[i]);
		int ok = file_exists(p);
		free(p);
		if (!ok) {
			error("the default project files are not in '%s' (set MKDISTRO_DATADIR or run "
			      "'make install')",
			      data);
			goto out;
		}
	}
	if (mkdir_p(dir, 0755) < 0)
		goto out;
	for (size_t i = 0; i < 2; i++) {
		char *from = path_join(data, trees[i]);
		char *to = path_join(dir, trees[i]);
		int r = mkdir_p(to, 0755) < 0 ? -1 : copy_tree(from, to);
		free(from);
		free(to);
		if (r < 0)
			goto out;
	}
	for (size_t i = 0; i < 3; i++) {
		char *from = path_join(data, files[i]);
		char *to = path_join(dir, files[i]);
		int r = copy_file(from, to, 0644);
		free(from);
		free(to);
		if (r < 0)
			goto out;
	}
	info("mkdistro: created project '%s' from %s; next: mkdistro -C %s build", dir, data, dir);
	ret = 0;
out:
	free(data);
	return ret;
}

/* ---- initrd unpack and pack ---- */

static int cmd_initrd(int argc, char **argv)
{
	int level = 0;
	if (argc == 6 && !strcmp(argv[1], "pack") && !strcmp(argv[4], "--level")) {
		char *end;
		long v = strtol(argv[5], &end, 10);
		if (*end || v < 1 || v > 12)
			return error("--level takes 1 to 12, not '%s'", argv[5]);
		level = (int)v;
		argc = 4;
	}
	if (argc == 4 && !strcmp(argv[1], "unpack"))
		return initrdfile_unpack(argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "pack"))
		return initrdfile_pack(argv[2], argv[3], level);
	return error("usage: mkdistro initrd unpack FILE DIR | mkdistro initrd pack DIR FILE "
		     "[--level N]");
}

/* ---- ldd ---- */

static int cmd_ldd(int argc, char **argv)
{
	struct elfdeps d;
	int ret = 0;
	if (argc < 2)
		return error("usage: mkdistro ldd FILE...");
	elfdeps_init(&d);
	for (int i = 1; i < argc && !ret; i++)
		ret = elfdeps_add_binary(&d, argv[i]);
	if (!ret)
		elfdeps_print(&d, stdout);
	elfdeps_release(&d);
	return ret;
}

/* ---- main ---- */

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{"quiet", no_argument, NULL, 'q'},
		{NULL, 0, NULL, 0},
	};
	const char *dir = ".";
	const char *cmd = "build";
	struct plan plan;
	int c, ret;

	/* libarchive converts names through the locale: UTF-8 names in a pax tarball need a
	 * UTF-8 LC_CTYPE (messages stay in English). */
	if (!setlocale(LC_CTYPE, "C.UTF-8"))
		setlocale(LC_CTYPE, "");

	while ((c = getopt_long(argc, argv, "+C:hqV", opts, NULL)) != -1) {
		switch (c) {
		case 'C':
			dir = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		case 'q':
			log_quiet = 1;
			break;
		case 'V':
			printf("mkdistro %s\n", MKDISTRO_VERSION);
			return 0;
		default:
			fputs(usage_text, stderr);
			return 2;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 0)
		cmd = argv[0];

	if (!strcmp(cmd, "help"))
		ret = fputs(usage_text, stdout) < 0 ? -1 : 0;
	else if (!strcmp(cmd, "init"))
		ret = argc == 2 ? cmd_init(argv[1]) : error("usage: mkdistro init DIR");
	else if (!strcmp(cmd, "ldd"))
		ret = cmd_ldd(argc, argv);
	else if (!strcmp(cmd, "initrd"))
		ret = cmd_initrd(argc, argv);
	else if (!strcmp(cmd, "build") || !strcmp(cmd, "run") || !strcmp(cmd, "test") ||
		 !strcmp(cmd, "menuconfig")) {
		if (!strcmp(cmd, "build") && argc > 1) {
			error("unexpected argument '%s' (see mkdistro --help)", argv[1]);
			return 2;
		}
		if (config_load(&plan, dir) < 0)
			return 1;
		if (!strcmp(cmd, "build"))
			ret = cmd_build(&plan);
		else if (!strcmp(cmd, "menuconfig"))
			ret = cmd_menuconfig(&plan, argc, argv);
		else
			ret = cmd_boot(&plan, argc, argv, !strcmp(cmd, "test"));
		config_release(&plan);
	} else {
		error("unknown command '%s' (see mkdistro --help)", cmd);
		return 2;
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		error_errno("cannot write to standard output");
		return 1;
	}
	return ret < 0 ? 1 : 0;
}
