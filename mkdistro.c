/* mkdistro: build a bootable BusyBox live USB stick image from kernel and BusyBox sources.
 *
 * This file is the command line and the pipeline's table of contents; each stage lives in
 * its own module under src/ (see ../shared/DESIGN.md and mkdistro.1):
 *
 *   config ─► sources ─► kernels ─► busyboxes ─► root filesystems (manifest + libraries)
 *          ─► initrds (cpio|ext2, gzip; stacked) ─► stick files + menu ─► image (MBR+FAT+Syslinux)
 *          ─► out/report.txt and the SBOM, out/sbom.spdx.json (with the image, src/build/sbom.h)
 *
 * Each stage runs once per variant: kernels per [kernel] and [kernel.NAME], the rest per
 * [initrd] and [initrd.NAME] (see src/build/config.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boot/export.h"
#include "boot/matrix.h"
#include "boot/qemu.h"
#include "build/build.h"
#include "build/busybox.h"
#include "build/cache.h"
#include "build/config.h"
#include "build/kernel.h"
#include "build/lockfile.h"
#include "build/project.h"
#include "build/sources.h"
#include "flash/flash.h"
#include "flash/flashio.h"
#include "formats/elfdeps.h"
#include "sys/alloc.h"
#include "sys/buf.h"
#include "sys/fs.h"
#include "sys/interrupt.h"
#include "sys/log.h"
#include "tools/imgdiff.h"
#include "tools/initrdfile.h"

#define NSTAGES 8
#define USAGE (-3) /* a command's usage error: exit 2 */

static const char usage_text[] =
	"usage: mkdistro [-C DIR] [-q] [COMMAND [ARGS]]\n"
	"\n"
	"Build a bootable BusyBox live USB stick image from kernel and BusyBox sources.\n"
	"\n"
	"Commands:\n"
	"  build [--iso]         build out/mkdistro.img and out/stick/ (the default command);\n"
	"                        with --iso (or [image] iso = yes) also out/mkdistro.iso\n"
	"  lint                  check the kernels' .config and the initrds' files against what\n"
	"                        the image needs to boot (build runs it too); writes no image\n"
	"  run [--usb|--cdrom] [--uefi] [--label L] [--accel A] [--image FILE]\n"
	"                        boot out/mkdistro.img (or FILE) in QEMU on this terminal\n"
	"                        (Ctrl-A X quits)\n"
	"  test [--usb|--cdrom] [--uefi] [--label L] [--timeout S] [--cmd CMD] [--accel A]\n"
	"       [--image FILE] [--writable]\n"
	"                        boot it headless, run CMD in its shell, print the transcript\n"
	"  export vdi|vmdk|qcow2 [--output FILE] [--image FILE]\n"
	"                        convert out/mkdistro.img (or FILE) to a disk image for\n"
	"                        VirtualBox or QEMU: out/mkdistro.vdi (.vmdk, .qcow2) or FILE\n"
	"  matrix                boot the built image from IDE, USB, CD (the ISO) and VDI, each\n"
	"                        with BIOS and UEFI; the table goes to out/boot-matrix.txt\n"
	"  diff A.img B.img      where two stick images differ: MBR, FAT, each file, and each\n"
	"                        initrd member (contents, owner, mode, time)\n"
	"  flash [--yes] [--force] [--dry-run] [--no-verify] [IMAGE] DEVICE\n"
	"                        write out/mkdistro.img (or IMAGE) to a USB stick, after\n"
	"                        safety checks and a typed confirmation, then verify it\n"
	"  menuconfig kernel|busybox [--variant NAME]\n"
	"                        change a configuration in its menuconfig; the changes are\n"
	"                        written back to kernel.config, busybox.config or the variant's\n"
	"  initrd unpack FILE DIR\n"
	"                        unpack a cpio initrd (gzip or not) without root; owners, device\n"
	"                        nodes, hard links and times go to DIR/.mkdistro-initrd\n"
	"  initrd pack DIR FILE [--level N]\n"
	"                        pack it again (gzip when FILE ends in .gz)\n"
	"  lock [--update]       fetch the sources and check them against mkdistro.lock (written\n"
	"                        when missing); with --update pin them as they are now\n"
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
static const struct tool build_files[] = {
	{"/usr/include/libelf.h", "libelf-dev"},
	{"/usr/include/openssl/ssl.h", "libssl-dev"},
	{"/usr/lib/SYSLINUX.EFI/efi64/syslinux.efi", "syslinux-efi"},
};
static const struct tool vm_tools[] = {
	{"qemu-system-x86_64", "qemu-system-x86"},
};
static const struct tool export_tools[] = {
	{"qemu-img", "qemu-utils"},
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

/* mkdistro's own peak resident memory (not its children's), in MB. */
static double peak_mb(void)
{
	struct rusage ru;
	return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss / 1024.0 : 0;
}

/* The whole build, or with lint_only the stages up to lint (which writes no image). */
static int cmd_build(const struct plan *plan, int lint_only)
{
	static const struct {
		const char *name;
		int (*run)(struct build *);
	} stages[NSTAGES] = {
		{"sources", stage_sources}, {"kernel", stage_kernels}, {"busybox", stage_busyboxes},
		{"rootfs", stage_rootfs},   {"lint", stage_lint},      {"initrd", stage_initrds},
		{"stick", stage_stick},     {"image", stage_image},
	};
	size_t n = NSTAGES;
	struct build b;
	double start = log_now();
	int ret = -1;

	if (check_tools(build_tools, sizeof(build_tools) / sizeof(build_tools[0]), 0) < 0 ||
	    check_tools(build_files, sizeof(build_files) / sizeof(build_files[0]), 1) < 0 ||
	    build_preflight(plan) < 0)
		return -1;
	for (size_t i = 0; lint_only && i < NSTAGES; i++)
		if (!strcmp(stages[i].name, "lint"))
			n = i + 1;
	if (build_begin(&b, plan) == 0) {
		info("mkdistro: building %s (cache: %s)", plan->dir, plan->cache_dir);
		for (size_t i = 0; i < n; i++) {
			double t0 = log_now();
			buf_reset(&b.summary);
			interrupt_fault_point(stages[i].name);
			if (stages[i].run(&b) < 0 || interrupt_check() < 0)
				goto out;
			info("[%zu/%zu] %-8s %s (%.1f s)", i + 1, n, stages[i].name, b.summary.data,
			     log_now() - t0);
		}
		if (lint_only)
			printf("lint: %s\n", b.summary.data);
		else
			info("mkdistro: done in %.1f s, peak memory %.1f MB: %s/mkdistro.img",
			     log_now() - start, peak_mb(), plan->out_dir);
		ret = 0;
	}
out:
	build_end(&b);
	return ret;
}

/* ---- menuconfig ---- */

static int cmd_menuconfig(const struct plan *plan, int argc, char **argv)
{
	const char *variant = "main", *what = argc > 1 ? argv[1] : "";
	struct source src = {0};
	struct lockfile lock = {0};
	char *lockpath = path_join(plan->dir, LOCKFILE_NAME);
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
	    check_tools(build_files, sizeof(build_files) / sizeof(build_files[0]), 1) < 0 ||
	    mkdir_p(logdir, 0755) < 0 || mkdir_p(plan->cache_dir, 0755) < 0)
		goto out;
	lock1 = cache_lock(pl, 0, "this project");
	if (lock1 < 0 || (lock2 = cache_lock(cl, 1, "the build cache")) < 0)
		goto out;
	unlink(log);
	/* the source is checked against the lock, which only build writes (it fetches both) */
	if (lockfile_load(&lock, lockpath) < 0)
		goto out;
	if (kernel) {
		for (i = 0; i < plan->n_kvar && strcmp(plan->kvar[i].name, variant); i++)
			;
		if (i == plan->n_kvar) {
			error("no kernel variant '%s' in %s", variant, plan->conf_path);
			goto out;
		}
		if (sources_get(plan, "kernel", &lock, log, &src) == 0)
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
		if (sources_get(plan, "busybox", &lock, log, &src) == 0)
			ret = busybox_menuconfig(plan, i ? plan->ivar[i].busybox_config : plan->busybox_config,
						 &src, log);
	}
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

/* ---- lock ---- */

/* Fetch the sources and check them against mkdistro.lock (written when missing), or with
 * --update pin them as they are now. */
static int cmd_lock(const struct plan *plan, int argc, char **argv)
{
	struct lockfile lock;
	struct build b;
	char *path = path_join(plan->dir, LOCKFILE_NAME), *log = NULL;
	int update = argc == 2 && !strcmp(argv[1], "--update"), written = 0, ret = -1;

	if (argc > 1 + update) {
		free(path);
		error("usage: mkdistro lock [--update]");
		return USAGE;
	}
	if (check_tools(build_tools, sizeof(build_tools) / sizeof(build_tools[0]), 0) < 0) {
		free(path);
		return -1;
	}
	if (update) {
		/* it replaces the whole file: one that does not even parse is no obstacle */
		memset(&lock, 0, sizeof(lock));
		lock.path = xstrdup(path);
		lock.update = 1;
	} else if (lockfile_load(&lock, path) < 0) {
		lockfile_release(&lock);
		free(path);
		return -1;
	}
	if (build_begin(&b, plan) == 0) {
		log = path_join(b.logdir, "sources.log");
		unlink(log);
		if (sources_get(plan, "kernel", &lock, log, &b.ksrc) == 0 &&
		    sources_get(plan, "busybox", &lock, log, &b.bsrc) == 0 &&
		    lockfile_save(&lock, &written) == 0) {
			if (written)
				printf("%s: pinned %zu source files (%s; %s)\n", path, lock.nfound,
				       b.ksrc.id, b.bsrc.id);
			else
				printf("%s: all %zu source files match (%s; %s)\n", path, lock.nfound,
				       b.ksrc.id, b.bsrc.id);
			ret = 0;
		}
	}
	build_end(&b);
	lockfile_release(&lock);
	free(path);
	free(log);
	return ret;
}

/* ---- run and test ---- */

static int cmd_boot(const struct plan *plan, int argc, char **argv, int test)
{
	static const struct option opts[] = {
		{"usb", no_argument, NULL, 'u'},       {"label", required_argument, NULL, 'l'},
		{"timeout", required_argument, NULL, 't'}, {"cmd", required_argument, NULL, 'c'},
		{"accel", required_argument, NULL, 'a'}, {"help", no_argument, NULL, 'h'},
		{"image", required_argument, NULL, 'i'}, {"uefi", no_argument, NULL, 'e'},
		{"writable", no_argument, NULL, 'w'}, {"cdrom", no_argument, NULL, 'D'},
		{NULL, 0, NULL, 0},
	};
	struct qemu_opts o = {.memory_mb = plan->qemu_memory_mib, .accel = "auto"};
	char *img = path_join(plan->out_dir, "mkdistro.img");
	char *transcript = NULL;
	int c, ret = -1, given = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'u':
			o.usb = 1;
			break;
		case 'e':
			o.uefi = 1;
			break;
		case 'w':
			o.writable = 1;
			break;
		case 'D':
			o.cdrom = 1;
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
		case 'i':
			free(img);
			img = xstrdup(optarg);
			given = 1;
			break;
		case 'h':
			fputs(usage_text, stdout);
			ret = 0;
			goto out;
		default:
			error("usage: mkdistro %s [--usb|--cdrom] [--uefi] [--writable] [--label L] [--accel auto|kvm|tcg]%s",
			      test ? "test" : "run", test ? " [--timeout S] [--cmd CMD] [--image FILE]" : " [--image FILE]");
			goto out;
		}
	}
	if (optind < argc) {
		error("unexpected argument '%s'", argv[optind]);
		goto out;
	}
	if (o.writable) {
		struct stat st;
		/* the guest may write: never the build's own image, never a disk of the host */
		if (!given) {
			error("--writable needs --image FILE (a copy): it would change out/mkdistro.img");
			goto out;
		}
		if (stat(img, &st) == 0 && !S_ISREG(st.st_mode)) {
			error("--writable takes a file, not '%s'", img);
			goto out;
		}
	}
	if (o.usb && o.cdrom) {
		error("--usb and --cdrom cannot go together");
		goto out;
	}
	if (check_tools(vm_tools, 1, 0) < 0)
		goto out;
	if (!file_exists(img)) {
		error("'%s' does not exist%s", img, given ? "" : "; run 'mkdistro build' first");
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

/* ---- flash ---- */

static int cmd_flash(const char *dir, int argc, char **argv)
{
	static const struct option opts[] = {
		{"yes", no_argument, NULL, 'y'},       {"force", no_argument, NULL, 'f'},
		{"dry-run", no_argument, NULL, 'n'},   {"no-verify", no_argument, NULL, 'N'},
		{"help", no_argument, NULL, 'h'},      {NULL, 0, NULL, 0},
	};
	struct flash_opts o = {0};
	char *img = NULL;
	int c, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+ynh", opts, NULL)) != -1) {
		switch (c) {
		case 'y':
			o.yes = 1;
			break;
		case 'f':
			o.force = 1;
			break;
		case 'n':
			o.dry_run = 1;
			break;
		case 'N':
			o.no_verify = 1;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			error("usage: mkdistro flash [--yes] [--force] [--dry-run] [--no-verify] "
			      "[IMAGE] DEVICE");
			return USAGE;
		}
	}
	if (argc - optind == 1) {
		img = path_join(dir, "out/mkdistro.img");
		o.image = img;
		o.device = argv[optind];
	} else if (argc - optind == 2) {
		o.image = argv[optind];
		o.device = argv[optind + 1];
	} else {
		error("usage: mkdistro flash [--yes] [--force] [--dry-run] [--no-verify] "
		      "[IMAGE] DEVICE");
		return USAGE;
	}
	ret = flash_run(&o);
	free(img);
	return ret;
}

/* ---- export ---- */

static int cmd_export(const char *dir, int argc, char **argv)
{
	static const struct option opts[] = {
		{"output", required_argument, NULL, 'o'}, {"image", required_argument, NULL, 'i'},
		{"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
	};
	static const char usage[] = "usage: mkdistro export vdi|vmdk|qcow2 [--output FILE] [--image FILE]";
	const char *fmt = NULL, *output = NULL, *image = NULL;
	char *outdir = path_join(dir, "out"), *img = NULL, *out = NULL, *logdir = NULL, *log = NULL;
	int c, ret = USAGE;

	/* "-": the format may come before or after the options (POSIXLY_CORRECT or not);
	 * optind 0 makes getopt read that again after main's "+" */
	optind = 0;
	while ((c = getopt_long(argc, argv, "-h", opts, NULL)) != -1) {
		switch (c) {
		case 1:
			if (fmt) {
				error("unexpected argument '%s'", optarg);
				goto out;
			}
			fmt = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 'i':
			image = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			ret = 0;
			goto out;
		default:
			error("%s", usage);
			goto out;
		}
	}
	if (!fmt) {
		error("%s", usage);
		goto out;
	}
	if (!export_format_known(fmt)) {
		error("unknown format '%s' (want " EXPORT_FORMATS ")", fmt);
		goto out;
	}
	ret = -1;
	if (check_tools(export_tools, sizeof(export_tools) / sizeof(export_tools[0]), 0) < 0)
		goto out;
	img = image ? xstrdup(image) : path_join(outdir, "mkdistro.img");
	if (!file_exists(img)) {
		error("'%s' does not exist%s", img, image ? "" : "; run 'mkdistro build' first");
		goto out;
	}
	out = output ? xstrdup(output) : xasprintf("%s/mkdistro.%s", outdir, fmt);
	/* a project keeps the log with the others; elsewhere qemu-img speaks on stderr */
	if (is_dir(outdir)) {
		logdir = path_join(outdir, "log");
		log = path_join(logdir, "export.log");
		if (mkdir_p(logdir, 0755) < 0)
			goto out;
		unlink(log);
	}
	ret = export_image(img, fmt, out, log);
out:
	free(outdir);
	free(img);
	free(out);
	free(logdir);
	free(log);
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
		ret = argc == 2 ? project_init(argv[1]) : error("usage: mkdistro init DIR");
	else if (!strcmp(cmd, "ldd"))
		ret = cmd_ldd(argc, argv);
	else if (!strcmp(cmd, "initrd"))
		ret = cmd_initrd(argc, argv);
	else if (!strcmp(cmd, "flash"))
		ret = cmd_flash(dir, argc, argv);
	else if (!strcmp(cmd, "diff")) {
		/* as diff(1): 0 identical, 1 different, 2 trouble */
		int r = argc == 3 ? imgdiff_run(argv[1], argv[2])
				  : (error("usage: mkdistro diff A.img B.img"), -1);
		ret = r < 0 ? USAGE : r ? -1 : 0;
	}
	else if (!strcmp(cmd, "export"))
		ret = cmd_export(dir, argc, argv);
	else if (!strcmp(cmd, "build") || !strcmp(cmd, "run") || !strcmp(cmd, "test") ||
		 !strcmp(cmd, "menuconfig") || !strcmp(cmd, "lint") || !strcmp(cmd, "matrix") ||
		 !strcmp(cmd, "lock")) {
		int iso = !strcmp(cmd, "build") && argc == 2 && !strcmp(argv[1], "--iso");
		if ((!strcmp(cmd, "build") || !strcmp(cmd, "lint")) && argc > 1 + iso) {
			error("unexpected argument '%s' (see mkdistro --help)", argv[1 + iso]);
			return 2;
		}
		if (config_load(&plan, dir) < 0)
			return 1;
		/* a signal stops these between two steps (flash has its own handling) */
		interrupt_init();
		plan.iso |= iso;
		if (!strcmp(cmd, "build") || !strcmp(cmd, "lint"))
			ret = cmd_build(&plan, !strcmp(cmd, "lint"));
		else if (!strcmp(cmd, "menuconfig"))
			ret = cmd_menuconfig(&plan, argc, argv);
		else if (!strcmp(cmd, "lock"))
			ret = cmd_lock(&plan, argc, argv);
		else if (!strcmp(cmd, "matrix"))
			ret = argc == 1 ? matrix_run(&plan, "auto") : (error("usage: mkdistro matrix"), USAGE);
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
	if (interrupt_check() < 0) /* as a shell reports a program a signal ended */
		return 128 + interrupted();
	return ret == FLASHIO_INTERRUPTED ? 130 : ret == USAGE ? 2 : ret < 0 ? 1 : 0;
}
