/* mkdistro: build a bootable BusyBox live USB stick image from kernel and BusyBox sources.
 *
 * This file is the command line and the pipeline's table of contents; each stage lives in
 * its own module under src/build/ (see ../shared/DESIGN.md and mkdistro.1):
 *
 *   config ─► sources ─► kernels (+ modules, cpio.xz) ─► busyboxes ─► root filesystems
 *          (manifest + libraries) ─► lint ─► initrds (cpio|ext2, gzip; stacked)
 *          ─► stick files + menu
 *          ─► image (MBR+FAT+Syslinux), ISO, report and SBOM, published together
 *
 * Each stage runs once per variant: kernels per [kernel] and [kernel.NAME], the rest per
 * [initrd] and [initrd.NAME] (src/build/config.h).  Every command is a row of commands[]
 * below: its name, its function, whether it reads a project, and its usage text, which
 * serves both its --help and its usage errors.
 *
 * Exit status, for every command: 0 success, 1 failure, 2 a command line not understood,
 * 128+N when stopped by signal N (diff: 1 for images that differ, 2 for trouble, as diff(1)).
 */
#include <ctype.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
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
#include "build/arch.h"
#include "build/build.h"
#include "build/config.h"
#include "build/menuconfig.h"
#include "build/project.h"
#include "build/tools.h"
#include "flash/flash.h"
#include "formats/elfdeps.h"
#include "sys/alloc.h"
#include "sys/fs.h"
#include "sys/interrupt.h"
#include "sys/log.h"
#include "tools/imgdiff.h"
#include "tools/initrdfile.h"

/* What a command returns besides 0 and -1 (a failure, reported). */
#define CMD_USAGE (-2)   /* the command line is wrong (reported): its usage follows; exit 2 */
#define CMD_HELP (-3)    /* -h or --help: its usage on stdout; exit 0 */
#define CMD_TROUBLE (-4) /* diff could not compare (reported): exit 2 */

struct cmd_ctx {
	const char *dir;   /* -C DIR */
	struct plan *plan; /* read before the command runs, for those that need a project */
};

struct command {
	const char *name;
	int (*run)(struct cmd_ctx *c, int argc, char **argv);
	int project; /* reads the project's mkdistro.conf first */
	const char *synopsis; /* after "mkdistro [-C DIR] " */
	const char *summary;  /* one line, for mkdistro --help */
	const char *help;     /* the rest of its --help: what it does, each option */
};

static const struct command *find_command(const char *name);

/* ---- options ---- */

/* Report a command line that is not understood; returns CMD_USAGE, so that its usage
 * follows. */
static int usage_error(const char *fmt, ...) PRINTF_LIKE(1, 2);
static int usage_error(const char *fmt, ...)
{
	va_list ap;
	char *msg;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		die("out of memory");
	va_end(ap);
	error("%s", msg);
	free(msg);
	return CMD_USAGE;
}

/* getopt_long over a command's options (argv[0] is the command; shorts starts with ':'),
 * reporting a bad one in mkdistro's words.  Returns the option's value, -1 at the end of the
 * options, CMD_HELP for -h/--help, or CMD_USAGE (reported). */
static int next_opt(int argc, char **argv, const char *shorts, const struct option *longs)
{
	int c = getopt_long(argc, argv, shorts, longs, NULL);
	const char *arg = argv[optind - 1];
	int is_long = !strncmp(arg, "--", 2);
	if (c == 'h')
		return CMD_HELP;
	if (c == '?' && optopt && !is_long)
		return usage_error("unknown option '-%c'", optopt);
	if (c == '?')
		return usage_error("unknown option '%s'", arg);
	if (c == ':' && is_long)
		return usage_error("option '%s' needs a value", arg);
	if (c == ':')
		return usage_error("option '-%c' needs a value", optopt);
	return c;
}

/* For a command that takes no options but -h: the index of the first operand, or CMD_HELP,
 * or CMD_USAGE (reported). */
static int operands(int argc, char **argv)
{
	static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	int c;
	optind = 1;
	while ((c = next_opt(argc, argv, "+:h", opts)) != -1)
		if (c < 0)
			return c;
	return optind;
}

/* The options of init and ldd, --arch CPU and -h: *a gets the CPU, NULL when not given.
 * Returns the index of the first operand, CMD_HELP, or CMD_USAGE (reported). */
static int arch_operands(int argc, char **argv, const struct arch **a)
{
	static const struct option opts[] = {
		{"arch", required_argument, NULL, 'a'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	int o;
	*a = NULL;
	optind = 1;
	while ((o = next_opt(argc, argv, "+:h", opts)) != -1) {
		if (o < 0)
			return o;
		if (!(*a = arch_find(optarg)))
			return usage_error("--arch takes one of %s, not '%s'", arch_names(), optarg);
	}
	return optind;
}

/* The number of operands from first on, checked against min and max: CMD_USAGE (reported)
 * when out of range, else first (passed through when it is an error already). */
static int count_operands(int argc, char **argv, int first, int min, int max)
{
	if (first < 0)
		return first;
	if (argc - first < min && min == max)
		return usage_error("'%s' takes %d argument%s, not %d", argv[0], min, min == 1 ? "" : "s",
				   argc - first);
	if (argc - first < min)
		return usage_error("'%s' needs at least %d argument%s", argv[0], min, min == 1 ? "" : "s");
	if (argc - first > max)
		return usage_error("unexpected argument '%s'", argv[first + max]);
	return first;
}

/* For a command that takes no options but -h: count_operands over its operands. */
static int want_operands(int argc, char **argv, int min, int max)
{
	return count_operands(argc, argv, operands(argc, argv), min, max);
}

/* ---- build and lint: the pipeline ---- */

/* mkdistro's own peak resident memory (not its children's), in MB. */
static double peak_mb(void)
{
	struct rusage ru;
	return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss / 1024.0 : 0;
}

/* The stages, in order: the table of contents of `mkdistro build`.  Each reads the plan
 * and what the stages before it left in struct build (build.h); only the last publishes. */
static const struct {
	const char *name;
	int (*run)(struct build *);
} stages[] = {
	{"sources", stage_sources}, /* fetched once, checked against mkdistro.lock, unpacked */
	{"kernel", stage_kernels},  /* each kernel variant: bzImage and its packed modules, cached */
	{"busybox", stage_busyboxes}, /* main's BusyBox and each variant's own */
	{"rootfs", stage_rootfs},   /* each initrd variant's tree: skeleton, BusyBox, libraries */
	{"lint", stage_lint},       /* does the image hold what it needs to boot? */
	{"initrd", stage_initrds},  /* each initrd, cpio or ext2, gzip; stacked; modules; budgets */
	{"stick", stage_stick},     /* the kernels, help text and boot menu in the stick tree */
	{"image", stage_image},     /* image, ISO, report and SBOM, published together */
};
#define NSTAGES (sizeof(stages) / sizeof(stages[0]))

/* The host tools a build of this project needs (tools.h). */
static unsigned build_tools(const struct plan *plan)
{
	return TOOLS_BUILD | (plan_musl(plan) ? TOOLS_MUSL : 0);
}

/* Every stage, or with lint_only the stages up to lint (which writes no image). */
static int run_stages(const struct plan *plan, int lint_only)
{
	size_t n = NSTAGES;
	struct build b;
	double start = log_now();
	int ret = -1;

	if (tools_check(build_tools(plan), plan->arch) < 0 || build_preflight(plan) < 0)
		return -1;
	for (size_t i = 0; lint_only && i < NSTAGES; i++)
		if (!strcmp(stages[i].name, "lint"))
			n = i + 1;
	if (build_begin(&b, plan) < 0)
		goto out;
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
		info("mkdistro: done in %.1f s, peak memory %.1f MB: %s/mkdistro.img", log_now() - start,
		     peak_mb(), plan->out_dir);
	ret = 0;
out:
	build_end(&b);
	return ret;
}

static int cmd_build(struct cmd_ctx *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"iso", no_argument, NULL, 'i'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	int o;
	optind = 1;
	while ((o = next_opt(argc, argv, "+:h", opts)) != -1) {
		if (o < 0)
			return o;
		c->plan->iso = 1;
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	return run_stages(c->plan, 0);
}

static int cmd_lint(struct cmd_ctx *c, int argc, char **argv)
{
	int first = want_operands(argc, argv, 0, 0);
	return first < 0 ? first : run_stages(c->plan, 1);
}

static int cmd_lock(struct cmd_ctx *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"update", no_argument, NULL, 'u'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	int o, update = 0;
	optind = 1;
	while ((o = next_opt(argc, argv, "+:h", opts)) != -1) {
		if (o < 0)
			return o;
		update = 1;
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	return tools_check(build_tools(c->plan), c->plan->arch) < 0 ? -1 : build_lock(c->plan, update);
}

static int cmd_menuconfig(struct cmd_ctx *c, int argc, char **argv)
{
	static const struct option opts[] = {{"variant", required_argument, NULL, 'v'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	const char *variant = "main", *what = NULL;
	int o;
	/* "-": --variant may come before or after the tree's name */
	optind = 0;
	while ((o = next_opt(argc, argv, "-:h", opts)) != -1) {
		if (o < 0)
			return o;
		if (o == 1 && what)
			return usage_error("unexpected argument '%s'", optarg);
		if (o == 1)
			what = optarg;
		else
			variant = optarg;
	}
	if (!what)
		return usage_error("say which: kernel or busybox");
	if (strcmp(what, "kernel") && strcmp(what, "busybox"))
		return usage_error("'%s' is neither kernel nor busybox", what);
	return tools_check(build_tools(c->plan), c->plan->arch) < 0 ? -1 : menuconfig_run(c->plan, what, variant);
}

/* ---- run and test ---- */

/* The options of run and test into o; test says which command it is. */
static int boot_options(int argc, char **argv, int test, struct qemu_opts *o, const char **image)
{
	static const struct option opts[] = {
		{"usb", no_argument, NULL, 'u'},           {"label", required_argument, NULL, 'l'},
		{"timeout", required_argument, NULL, 't'}, {"cmd", required_argument, NULL, 'c'},
		{"accel", required_argument, NULL, 'a'},   {"help", no_argument, NULL, 'h'},
		{"image", required_argument, NULL, 'i'},   {"uefi", no_argument, NULL, 'e'},
		{"writable", no_argument, NULL, 'w'},      {"cdrom", no_argument, NULL, 'D'},
		{NULL, 0, NULL, 0},
	};
	int c;
	optind = 1;
	while ((c = next_opt(argc, argv, "+:h", opts)) != -1) {
		char *end;
		long v;
		if (c < 0)
			return c;
		if ((c == 't' || c == 'c') && !test)
			return usage_error("--%s goes with 'mkdistro test'", c == 't' ? "timeout" : "cmd");
		switch (c) {
		case 'u': o->usb = 1; break;
		case 'e': o->uefi = 1; break;
		case 'w': o->writable = 1; break;
		case 'D': o->cdrom = 1; break;
		case 'l': o->label = optarg; break;
		case 'c': o->cmd = optarg; break;
		case 'a': o->accel = optarg; break;
		case 'i': *image = optarg; break;
		case 't':
			v = strtol(optarg, &end, 10);
			if (*end || v <= 0 || v > 86400)
				return usage_error("--timeout takes seconds, from 1 to 86400, not '%s'", optarg);
			o->timeout_s = (unsigned)v;
			break;
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	if (o->usb && o->cdrom)
		return usage_error("--usb and --cdrom cannot go together");
	/* the guest may write: never the build's own image, never a disk of the host */
	if (o->writable && !*image)
		return usage_error("--writable needs --image FILE (a copy): it would change "
				   "out/mkdistro.img");
	return 0;
}

static int boot(struct cmd_ctx *c, int argc, char **argv, int test)
{
	const struct plan *plan = c->plan;
	struct qemu_opts o = {.memory_mb = plan->qemu_memory_mib, .accel = "auto", .arch = plan->arch};
	const char *image = NULL;
	char *img = NULL, *logdir = path_join(plan->out_dir, "log"), *transcript = NULL;
	struct stat st;
	int ret = boot_options(argc, argv, test, &o, &image);

	if (ret < 0)
		goto out;
	ret = -1;
	/* --cdrom boots the build's ISO: its stick image is no CD */
	img = image	  ? xstrdup(image)
	      : o.cdrom ? path_join(plan->out_dir, "mkdistro.iso")
			: path_join(plan->out_dir, "mkdistro.img");
	if (o.writable && stat(img, &st) == 0 && !S_ISREG(st.st_mode)) {
		error("--writable takes a file, not '%s'", img);
		goto out;
	}
	if (tools_check(TOOLS_VM, plan->arch) < 0)
		goto out;
	if (!file_exists(img)) {
		error("'%s' does not exist%s", img,
		      image     ? ""
		      : o.cdrom ? "; set [image] iso = yes in mkdistro.conf and run 'mkdistro build'"
				: "; run 'mkdistro build' first");
		goto out;
	}
	o.image = img;
	if (!test) {
		ret = qemu_run(&o) == 0 ? 0 : -1;
		goto out;
	}
	transcript = path_join(logdir, "test.log");
	if (mkdir_p(logdir, 0755) < 0)
		goto out;
	o.transcript = transcript;
	ret = qemu_test(&o, NULL);
out:
	free(img);
	free(logdir);
	free(transcript);
	return ret;
}

static int cmd_run(struct cmd_ctx *c, int argc, char **argv)
{
	return boot(c, argc, argv, 0);
}

static int cmd_test(struct cmd_ctx *c, int argc, char **argv)
{
	return boot(c, argc, argv, 1);
}

static int cmd_matrix(struct cmd_ctx *c, int argc, char **argv)
{
	int first = want_operands(argc, argv, 0, 0);
	if (first < 0)
		return first;
	/* QEMU, and qemu-img for the VDI cells */
	return tools_check(TOOLS_VM | TOOLS_EXPORT, c->plan->arch) < 0 ? -1 : matrix_run(c->plan, "auto");
}

/* ---- export and flash: the image, to a VM disk or a stick ---- */

static int cmd_export(struct cmd_ctx *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"output", required_argument, NULL, 'o'}, {"image", required_argument, NULL, 'i'},
		{"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
	};
	const char *fmt = NULL, *output = NULL, *image = NULL;
	int o;

	/* "-": the format may come before or after the options; optind 0 makes getopt start
	 * afresh after main's "+" */
	optind = 0;
	while ((o = next_opt(argc, argv, "-:h", opts)) != -1) {
		if (o < 0)
			return o;
		if (o == 1 && fmt)
			return usage_error("unexpected argument '%s'", optarg);
		if (o == 1)
			fmt = optarg;
		else if (o == 'o')
			output = optarg;
		else
			image = optarg;
	}
	if (!fmt)
		return usage_error("say which format: " EXPORT_FORMATS);
	if (!export_format_known(fmt))
		return usage_error("unknown format '%s' (want " EXPORT_FORMATS ")", fmt);
	return tools_check(TOOLS_EXPORT, NULL) < 0 ? -1 : export_run(c->dir, fmt, image, output);
}

static int cmd_flash(struct cmd_ctx *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"yes", no_argument, NULL, 'y'},     {"force", no_argument, NULL, 'f'},
		{"dry-run", no_argument, NULL, 'n'}, {"no-verify", no_argument, NULL, 'N'},
		{"help", no_argument, NULL, 'h'},    {NULL, 0, NULL, 0},
	};
	struct flash_opts o = {0};
	char *img = NULL;
	int opt, ret;

	optind = 1;
	while ((opt = next_opt(argc, argv, "+:ynh", opts)) != -1) {
		if (opt < 0)
			return opt;
		o.yes |= opt == 'y';
		o.force |= opt == 'f';
		o.dry_run |= opt == 'n';
		o.no_verify |= opt == 'N';
	}
	if (argc == optind)
		return usage_error("say which device to write");
	if (argc - optind > 2)
		return usage_error("unexpected argument '%s'", argv[optind + 2]);
	img = argc - optind == 1 ? path_join(c->dir, "out/mkdistro.img") : NULL;
	o.image = img ? img : argv[optind];
	o.device = argv[argc - 1];
	/* flash waits in blocking writes: a signal must break into them (EINTR) to stop it */
	interrupt_init(0);
	ret = flash_run(&o);
	free(img);
	return ret;
}

/* ---- the commands over files: diff, initrd, ldd, init ---- */

static int cmd_diff(struct cmd_ctx *c, int argc, char **argv)
{
	int first = want_operands(argc, argv, 2, 2), r;
	(void)c;
	if (first < 0)
		return first;
	r = imgdiff_run(argv[first], argv[first + 1]);
	return r < 0 ? CMD_TROUBLE : r ? -1 : 0;
}

static int cmd_initrd(struct cmd_ctx *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"level", required_argument, NULL, 'l'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	const char *op[3];
	int o, n = 0, level = 0, pack;
	(void)c;
	/* "-": the options may follow the operands (initrd pack DIR FILE --level N) */
	optind = 0;
	while ((o = next_opt(argc, argv, "-:h", opts)) != -1) {
		char *end;
		long v;
		if (o < 0)
			return o;
		if (o == 1 && n == 3)
			return usage_error("unexpected argument '%s'", optarg);
		if (o == 1) {
			op[n++] = optarg;
			continue;
		}
		v = strtol(optarg, &end, 10);
		if (*end || v < 1 || v > 12)
			return usage_error("--level takes 1 to 12, not '%s'", optarg);
		level = (int)v;
	}
	if (n < 3)
		return usage_error("'initrd' needs pack or unpack and two paths");
	pack = !strcmp(op[0], "pack");
	if (!pack && strcmp(op[0], "unpack"))
		return usage_error("'%s' is neither pack nor unpack", op[0]);
	if (!pack && level)
		return usage_error("--level goes with 'initrd pack'");
	return pack ? initrdfile_pack(op[1], op[2], level) : initrdfile_unpack(op[1], op[2]);
}

static int cmd_ldd(struct cmd_ctx *c, int argc, char **argv)
{
	const struct arch *a;
	int first = count_operands(argc, argv, arch_operands(argc, argv, &a), 1, INT_MAX), ret = 0;
	struct elfdeps d;
	(void)c;
	if (first < 0)
		return first;
	/* another CPU's programs get that CPU's libraries: the cross C library's, as the build
	 * takes them for a dynamic BusyBox */
	if (a && tools_check(TOOLS_LIBC, a) < 0)
		return -1;
	elfdeps_init(&d);
	if (a)
		arch_elfdeps(a, &d);
	for (int i = first; i < argc && !ret; i++)
		ret = elfdeps_add_binary(&d, argv[i]);
	if (!ret)
		elfdeps_print(&d, stdout);
	elfdeps_release(&d);
	return ret;
}

static int cmd_init(struct cmd_ctx *c, int argc, char **argv)
{
	const struct arch *a;
	int first = count_operands(argc, argv, arch_operands(argc, argv, &a), 1, 1);
	(void)c;
	return first < 0 ? first : project_init(argv[first], a);
}

/* ---- help ---- */

static const char global_help[] =
	"Options, before the command:\n"
	"  -C DIR                the project directory (default: .)\n"
	"  -q, --quiet           no progress lines\n"
	"  -h, --help            show this text (mkdistro COMMAND --help: the command's)\n"
	"  -V, --version         show the version\n"
	"\n"
	"The project's mkdistro.conf, kernel.config, busybox.config and rootfs/ say what to\n"
	"build; see mkdistro(1).  Stage logs go to out/log/, the build cache to\n"
	"~/.cache/mkdistro.\n";

static void print_usage(FILE *f, const struct command *cmd);

static int cmd_help(struct cmd_ctx *c, int argc, char **argv)
{
	int first = want_operands(argc, argv, 0, 1);
	const struct command *cmd;
	(void)c;
	if (first < 0)
		return first;
	cmd = argc > first ? find_command(argv[first]) : NULL;
	if (argc > first && !cmd)
		return usage_error("unknown command '%s'", argv[first]);
	print_usage(stdout, cmd);
	return 0;
}

/* ---- the commands ---- */

static const struct command commands[] = {
	{"build", cmd_build, 1, "[-q] build [--iso]",
	 "build out/mkdistro.img and out/stick/ (the default command)",
	 "Also out/report.txt and out/sbom.spdx.json; what is under out/ is replaced only\n"
	 "when the whole build succeeded.\n"
	 "  --iso          also out/mkdistro.iso, a hybrid CD image ([image] iso = yes)\n"},
	{"lint", cmd_lint, 1, "[-q] lint",
	 "check that the image holds what it needs to boot",
	 "Runs the stages up to the root filesystems, then checks the kernels' .config\n"
	 "and the initrds' files as build does; names each problem; writes no image.\n"},
	{"run", cmd_run, 1,
	 "run [--usb|--cdrom] [--uefi] [--writable] [--label L]\n"
	 "         [--accel A] [--image FILE]",
	 "boot the image in QEMU on this terminal (Ctrl-A X quits)",
	 "Boots out/mkdistro.img, or FILE, with the serial console here.\n"
	 "  --usb          as a USB stick on xHCI (default: an IDE disk)\n"
	 "  --cdrom        as an IDE CD-ROM (the default for a .iso); without --image, the\n"
	 "                 build's out/mkdistro.iso ([image] iso = yes)\n"
	 "  --uefi         with UEFI firmware (OVMF) instead of the BIOS\n"
	 "  --writable     let the guest write FILE (needs --image, a copy)\n"
	 "  --label L      the boot label to type at boot: (you type it here)\n"
	 "  --accel A      auto (default), kvm or tcg\n"
	 "  --image FILE   a stick, an ISO, or an exported .vdi, .vmdk or .qcow2\n"},
	{"test", cmd_test, 1,
	 "test [--usb|--cdrom] [--uefi] [--writable] [--label L]\n"
	 "         [--accel A] [--image FILE] [--timeout S] [--cmd CMD]",
	 "boot it headless, run CMD in its shell, print the transcript",
	 "Exits 0 only when the shell answered and CMD exited 0.  The transcript is\n"
	 "also saved to out/log/test.log.\n"
	 "  --label L      type L at the boot: prompt (default: Enter)\n"
	 "  --timeout S    give up after S seconds, 1 to 86400 (default 60)\n"
	 "  --cmd CMD      the shell line to run (default: uname -a; cat /proc/mounts)\n"
	 "  --usb, --cdrom, --uefi, --writable, --accel A, --image FILE: as for run\n"},
	{"export", cmd_export, 0, "export vdi|vmdk|qcow2 [--output FILE] [--image FILE]",
	 "convert the image to a disk for VirtualBox or QEMU",
	 "Writes out/mkdistro.vdi (.vmdk, .qcow2) from out/mkdistro.img; the same\n"
	 "image gives the same bytes.\n"
	 "  --output FILE  write FILE instead (its directory must exist)\n"
	 "  --image FILE   convert FILE instead of out/mkdistro.img\n"},
	{"matrix", cmd_matrix, 1, "matrix",
	 "boot the image from IDE, USB, CD and VDI, with BIOS and UEFI",
	 "Boots out/mkdistro.img and out/mkdistro.iso every way they are meant to\n"
	 "boot, prints the time to a shell for each, and keeps the table in\n"
	 "out/boot-matrix.txt.\n"},
	{"diff", cmd_diff, 0, "diff A.img B.img",
	 "where two stick images differ, down to each initrd member",
	 "Compares the MBR, the FAT, each file, and each member of an initrd that\n"
	 "differs.  Exits 0 when they are identical, 1 when they differ, 2 on trouble,\n"
	 "as diff(1).\n"},
	{"flash", cmd_flash, 0,
	 "flash [--yes] [--force] [--dry-run] [--no-verify]\n"
	 "         [IMAGE] DEVICE",
	 "write the image to a USB stick, safely, and verify it",
	 "Writes out/mkdistro.img, or IMAGE.  Refuses a disk that is not a removable\n"
	 "stick unless told so, shows what DEVICE is, and asks for its name.\n"
	 "  -y, --yes      do not ask for the device's name (every check still runs)\n"
	 "  --force        allow a disk that is not removable/USB/SD, or over 128 GB\n"
	 "  -n, --dry-run  run every check, then stop before writing\n"
	 "  --no-verify    do not read the stick back\n"},
	{"menuconfig", cmd_menuconfig, 1, "menuconfig kernel|busybox [--variant NAME]",
	 "change a configuration in its menuconfig",
	 "The settings changed are written back to kernel.config, busybox.config or\n"
	 "the variant's fragment.\n"
	 "  --variant NAME a [kernel.NAME] or [initrd.NAME] variant (default: main)\n"},
	{"initrd", cmd_initrd, 0,
	 "initrd unpack FILE DIR\n"
	 "       mkdistro initrd pack DIR FILE [--level N]",
	 "take an initrd apart or put it back together, without root",
	 "unpack: a cpio or ext2 initrd (gzip, xz or not) into DIR, new or empty; owners,\n"
	 "device nodes, hard links and times go to DIR/.mkdistro-initrd.\n"
	 "pack: the same bytes back, gzip-compressed when FILE ends in .gz, xz when .xz.\n"
	 "  --level N      (pack) the gzip level, 1 to 12\n"},
	{"lock", cmd_lock, 1, "lock [--update]",
	 "fetch the sources, check them against mkdistro.lock",
	 "Writes mkdistro.lock when the project has none.\n"
	 "  --update       pin the sources as they are now\n"},
	{"init", cmd_init, 0, "init [--arch CPU] DIR",
	 "create a new project directory from the default files",
	 "Writes mkdistro.conf, kernel.config, busybox.config, rootfs/ and syslinux/ (none for\n"
	 "arm64, which GRUB boots) into DIR, which must not hold a project yet.\n"
	 "  --arch CPU     for x86_64 (the default), i686 or arm64: another CPU's project gets\n"
	 "                 the kernel.config and settings of its examples/CPU (docs/arch.md)\n"},
	{"ldd", cmd_ldd, 0, "ldd [--arch CPU] FILE...",
	 "list the shared libraries FILEs need, as found for the image",
	 "Finds them as the build does for an initrd, never running the program: in this\n"
	 "host's library directories, or for --arch a CPU other than this host's, in that\n"
	 "CPU's cross C library.\n"
	 "  --arch CPU     the image's CPU: x86_64, i686 or arm64 (default: this host's)\n"},
	{"help", cmd_help, 0, "help [COMMAND]", "show this text, or a command's", ""},
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

/* A command's usage, or with cmd NULL mkdistro's: every command's synopsis and summary. */
static void print_usage(FILE *f, const struct command *cmd)
{
	if (cmd) {
		fprintf(f, "usage: mkdistro [-C DIR] %s\n\n%c%s.\n%s", cmd->synopsis,
			toupper((unsigned char)cmd->summary[0]), cmd->summary + 1, cmd->help);
		return;
	}
	fputs("usage: mkdistro [-C DIR] [-q] [COMMAND [ARGS]]\n\n"
	      "Build a bootable BusyBox live USB stick image from kernel and BusyBox sources.\n\n"
	      "Commands:\n",
	      f);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-11s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n%s", global_help);
}

/* Read the project when the command needs one, catch signals, run the command, and say
 * how it went as the exit status (the rule at the top of this file). */
static int run_command(const struct command *cmd, const char *dir, int argc, char **argv)
{
	struct plan plan;
	struct cmd_ctx c = {.dir = dir};
	int ret;

	if (cmd->project) {
		if (config_load(&plan, dir) < 0)
			return 1;
		c.plan = &plan;
	}
	/* a signal stops a command between two steps (flash catches them its own way) */
	if (cmd->run != cmd_flash)
		interrupt_init(1);
	ret = cmd->run(&c, argc, argv);
	if (cmd->project)
		config_release(&plan);
	if (ret == CMD_HELP) {
		print_usage(stdout, cmd);
		ret = 0;
	}
	if (fflush(stdout) != 0 || ferror(stdout))
		ret = error_errno("cannot write to standard output");
	if (interrupted()) {
		interrupt_check(); /* says so, unless the command did */
		return 128 + interrupted();
	}
	if (ret == CMD_USAGE) {
		fputc('\n', stderr);
		print_usage(stderr, cmd);
	}
	return ret == 0 ? 0 : ret == CMD_USAGE || ret == CMD_TROUBLE ? 2 : 1;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{"quiet", no_argument, NULL, 'q'},
		{NULL, 0, NULL, 0},
	};
	const char *dir = ".";
	const struct command *cmd;
	char *build[] = {"build", NULL};
	int c;

	/* libarchive converts names through the locale: UTF-8 names in a pax tarball need a
	 * UTF-8 LC_CTYPE (messages stay in English). */
	if (!setlocale(LC_CTYPE, "C.UTF-8"))
		setlocale(LC_CTYPE, "");

	while ((c = next_opt(argc, argv, "+:C:hqV", opts)) != -1) {
		switch (c) {
		case 'C':
			dir = optarg;
			break;
		case 'q':
			log_quiet = 1;
			break;
		case 'V':
			printf("mkdistro %s\n", MKDISTRO_VERSION);
			return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
		case CMD_HELP:
			print_usage(stdout, NULL);
			return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
		default:
			fputc('\n', stderr);
			print_usage(stderr, NULL);
			return 2;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		argc = 1;
		argv = build;
	}
	if (!(cmd = find_command(argv[0]))) {
		error("unknown command '%s' (see mkdistro --help)", argv[0]);
		return 2;
	}
	return run_command(cmd, dir, argc, argv);
}
