/* lint.c: does the image hold what it needs to boot? (see lint.h)
 *
 * Sources for the rules: the kernel's init/main.c (which program it starts: rdinit=, /init,
 * init=, /sbin/init) and init/do_mounts_rd.c (ext2 initrds on /dev/ram0),
 * Documentation/admin-guide/kernel-parameters.txt (console=), fs/binfmt_script.c (a #!
 * line is read from the first 256 bytes), fs/fat/inode.c (vfat's default codepage 437 and
 * iocharset iso8859-1), and BusyBox's init/init.c (inittab lines id:runlevels:action:process,
 * a process with shell characters run by /bin/sh -c, the built-in table without an inittab).
 */
#include "build/lint.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build/arch.h"
#include "build/modules.h"

#include "formats/elf.h"
#include "formats/elfdeps.h"
#include "sys/alloc.h"
#include "sys/fs.h"

/* ---- findings ---- */

void lint_init(struct lint *l)
{
	memset(l, 0, sizeof(*l));
	buf_init(&l->findings);
}

void lint_release(struct lint *l)
{
	buf_release(&l->findings);
	memset(l, 0, sizeof(*l));
}

void lint_finding(struct lint *l, const char *fmt, ...)
{
	va_list ap;
	char *line;
	size_t n;
	va_start(ap, fmt);
	if (vasprintf(&line, fmt, ap) < 0)
		die("out of memory");
	va_end(ap);
	n = strlen(line);
	for (const char *p = l->findings.data; *p; p = strchr(p, '\n') + 1) {
		if (!strncmp(p, line, n) && p[n] == '\n') {
			free(line);
			return;
		}
	}
	buf_addf(&l->findings, "%s\n", line);
	l->failed++;
	free(line);
}

/* ---- the kernel ---- */

enum when {
	ALWAYS,
	EXT2,       /* the initrd is an ext2 ramdisk */
	SERIAL,     /* the kernel arguments name an 8250 serial console (console=ttyS...) */
	PL011,      /* they name an Arm PL011 serial console (console=ttyAMA...) */
	VT,         /* they name a virtual terminal (console=tty0, tty1, ...) */
	NO_CONSOLE, /* they name none of these */
};

/* What the image needs of every kernel: a symbol, or several separated by '|' of which any
 * one will do, built in; on the CPUs named (a space-separated list of [system] arch
 * values), or on every one (NULL). */
static const struct kernel_rule {
	const char *symbols;
	const char *why;
	enum when when;
	const char *arches;
} kernel_rules[] = {
	{"BLK_DEV_INITRD", "the root filesystem is an initrd", ALWAYS, NULL},
	{"RD_GZIP", "the initrd is gzip-compressed", ALWAYS, NULL},
	{"BLK_DEV_RAM", "the ext2 initrd is loaded into a RAM disk (root=/dev/ram0)", EXT2, NULL},
	/* ext4's driver takes ext2 file systems when there is no ext2 driver (PC kernels) */
	{"EXT2_FS|EXT4_USE_FOR_EXT2", "the initrd is an ext2 filesystem", EXT2, NULL},
	{"EXT2_FS|EXT4_FS", "ext4's driver mounts the ext2 initrd only when it is built in", EXT2, NULL},
	{"DEVTMPFS", "the root filesystem has no /dev beyond console and null", ALWAYS, NULL},
	{"BINFMT_ELF", "BusyBox is an ELF program", ALWAYS, NULL},
	{"BINFMT_SCRIPT", "the start-up file /etc/rc.d/rc.S is a #! script", ALWAYS, NULL},
	{"SERIAL_8250_CONSOLE", "the kernel arguments say ", SERIAL, NULL},
	{"SERIAL_AMBA_PL011_CONSOLE", "the kernel arguments say ", PL011, NULL},
	{"VT_CONSOLE", "the kernel arguments say ", VT, NULL},
	{"SERIAL_8250_CONSOLE|SERIAL_AMBA_PL011_CONSOLE|VT_CONSOLE",
	 "init needs a console, and the kernel arguments name none", NO_CONSOLE, NULL},
	{"USB_STORAGE", "the image boots from a USB stick", ALWAYS, NULL},
	{"USB_XHCI_HCD|USB_EHCI_HCD|USB_OHCI_HCD|USB_UHCI_HCD",
	 "a USB stick needs a USB host controller driver", ALWAYS, NULL},
	{"ATA", "the image boots from an IDE or SATA disk", ALWAYS, "x86_64 i686"},
	{"ATA_PIIX|SATA_AHCI|ATA_GENERIC", "an IDE or SATA disk needs a controller driver", ALWAYS,
	 "x86_64 i686"},
	{"VIRTIO_BLK", "the image boots from a virtio disk (arm64 virtual machines)", ALWAYS, "arm64"},
	{"VIRTIO_PCI", "the virtio disk is a PCI device", ALWAYS, "arm64"},
	{"EFI_STUB", "the stick boots through UEFI: the kernel is an EFI program", ALWAYS, "arm64"},
	{"ACPI", "arm64 UEFI firmware describes the CPUs, interrupts and timers in ACPI tables",
	 ALWAYS, "arm64"},
	{"BLK_DEV_SD", "USB sticks and ATA disks are SCSI disks (sd)", ALWAYS, NULL},
	{"MSDOS_PARTITION", "the stick has an MBR partition table", ALWAYS, NULL},
	{"VFAT_FS", "the stick's partition is FAT, mounted as vfat", ALWAYS, NULL},
	{"NLS_CODEPAGE_437", "vfat mounts with codepage 437 unless told otherwise", ALWAYS, NULL},
	{"NLS_ISO8859_1", "vfat mounts with iocharset iso8859-1 unless told otherwise", ALWAYS, NULL},
	{"64BIT", "BusyBox and its libraries are x86-64 programs", ALWAYS, "x86_64"},
	{"X86_32", "BusyBox and its libraries are i386 programs ([system] arch = i686)", ALWAYS, "i686"},
};

/* The rule r applies to the image's CPU. */
static int for_arch(const struct kernel_rule *r, const struct arch *a)
{
	size_t n = strlen(a->name);
	for (const char *p = r->arches; p && *p; p += strcspn(p, " "), p += strspn(p, " "))
		if (!strncmp(p, a->name, n) && (p[n] == ' ' || !p[n]))
			return 1;
	return !r->arches;
}

/* The console= argument in args that names a serial line (serial 1: an 8250's, ttyS; 2: a
 * PL011's, ttyAMA) or a virtual terminal (serial 0), the last of each, as the whole
 * argument, or NULL. */
static char *console_arg(const char *args, int serial)
{
	char *found = NULL;
	for (const char *p = args; *p;) {
		size_t n;
		p += strspn(p, " \t");
		n = strcspn(p, " \t");
		if (n > 8 && !strncmp(p, "console=", 8)) {
			const char *name = p + 8;
			size_t len = strcspn(name, ", \t");
			int is_serial = len > 4 && !strncmp(name, serial == 2 ? "ttyAMA" : "ttyS",
							    serial == 2 ? 6 : 4);
			int is_vt = len >= 3 && !strncmp(name, "tty", 3) &&
				    strspn(name + 3, "0123456789") == len - 3;
			if (serial ? is_serial : is_vt) {
				free(found);
				found = xstrndup(p, n);
			}
		}
		p += n;
	}
	return found;
}

/* The kernel arguments of kernel variant kv's boot labels: [boot] append, and the append of
 * each [label.NAME] whose kernel it is. */
static char *kernel_args(const struct plan *plan, size_t kv)
{
	struct buf b;
	buf_init(&b);
	buf_adds(&b, plan->boot_append);
	for (size_t i = 0; i < plan->n_labels; i++)
		if (plan->labels[i].name[0] == plan->kvar[kv].name[0])
			buf_addf(&b, " %s", plan->labels[i].append);
	return buf_detach(&b, NULL);
}

void lint_kernel(struct lint *l, const struct plan *plan, size_t kv, const struct kconfig *config)
{
	const char *name = plan->kvar[kv].name;
	char *args = kernel_args(plan, kv);
	char *serial = console_arg(args, 1), *pl011 = console_arg(args, 2), *vt = console_arg(args, 0);

	for (size_t i = 0; i < sizeof(kernel_rules) / sizeof(kernel_rules[0]); i++) {
		const struct kernel_rule *r = &kernel_rules[i];
		const char *because = "";
		struct buf set, modules;
		int ok = 0, n = 0;

		if (!for_arch(r, plan->arch))
			continue;
		switch (r->when) {
		case ALWAYS:
			break;
		case EXT2:
			if (plan->initrd_format != INITRD_EXT2)
				continue;
			break;
		case SERIAL:
			if (!serial)
				continue;
			because = serial;
			break;
		case PL011:
			if (!pl011)
				continue;
			because = pl011;
			break;
		case VT:
			if (!vt)
				continue;
			because = vt;
			break;
		case NO_CONSOLE:
			if (serial || pl011 || vt)
				continue;
			break;
		}
		l->checks++;
		buf_init(&set);
		buf_init(&modules);
		for (const char *s = r->symbols; *s && !ok; n++) {
			size_t len = strcspn(s, "|");
			char *sym = xstrndup(s, len);
			const char *v = kconfig_get(config, sym);
			ok = !strcmp(v, "y");
			buf_addf(&set, "%sCONFIG_%s", n ? ", " : "", sym);
			if (!strcmp(v, "m"))
				buf_addf(&modules, "%sCONFIG_%s=m", modules.len ? ", " : "", sym);
			free(sym);
			s += len + (s[len] == '|');
		}
		if (!ok && n == 1)
			lint_finding(l, "kernel '%s': %s %s: %s%s", name, set.data,
				modules.len ? "is a module (=m), and the image loads none" : "is not set",
				r->why, because);
		else if (!ok)
			lint_finding(l, "kernel '%s': none of %s is set%s%s%s: %s%s", name, set.data,
				modules.len ? " (" : "", modules.data,
				modules.len ? " is a module, and the image loads none)" : "", r->why,
				because);
		buf_release(&set);
		buf_release(&modules);
	}
	free(args);
	free(serial);
	free(pl011);
	free(vt);
}

/* ---- the root filesystem ---- */

/* What the kernel reads of a file to start it (BINPRM_BUF_SIZE). */
#define HEAD_SIZE 256

/* Up to n bytes from the start of a file entry.  Returns how many, or -1 (reported). */
static ssize_t read_head(const struct mf_entry *e, char *out, size_t n)
{
	ssize_t got = 0;
	int fd;
	if (!e->source) {
		got = (ssize_t)(e->size < n ? e->size : n);
		if (got)
			memcpy(out, e->data, (size_t)got);
		return got;
	}
	fd = open(e->source, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return error_errno("cannot open '%s' (for %s)", e->source, e->path);
	while ((size_t)got < n) {
		ssize_t r = read(fd, out + got, n - (size_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			error_errno("cannot read '%s' (for %s)", e->source, e->path);
			close(fd);
			return -1;
		}
		if (r == 0)
			break;
		got += r;
	}
	close(fd);
	return got;
}


static const char *type_name(enum mf_type t)
{
	switch (t) {
	case MF_DIR:
		return "a directory";
	case MF_FILE:
		return "a file";
	case MF_SYMLINK:
		return "a symlink";
	case MF_CHR:
		return "a character device";
	case MF_BLK:
		return "a block device";
	case MF_FIFO:
		return "a FIFO";
	}
	return "something else";
}

/* Can the kernel start path in the image?  *why is NULL when it can, else what is wrong, as
 * a predicate ("is missing"); malloc'd.  Returns 0, or -1 when the file cannot be read
 * (reported). */
static int exec_problem(const struct manifest *m, const char *path, char **why)
{
	const struct mf_entry *e = manifest_resolve(m, path);
	char head[4];
	ssize_t n;

	*why = NULL;
	if (!e) {
		char *norm = manifest_normalise(path);
		const struct mf_entry *link = norm ? manifest_find(m, norm) : NULL;
		if (link && link->type == MF_SYMLINK)
			*why = xasprintf("is a symlink to '%s', which leads nowhere in the image",
					 link->target);
		else
			*why = xstrdup("is missing");
		free(norm);
		return 0;
	}
	if (e->type != MF_FILE) {
		*why = xasprintf("is %s, not a program", type_name(e->type));
		return 0;
	}
	if (!(e->mode & 0111)) {
		*why = xasprintf("is not executable (mode %04o)", e->mode);
		return 0;
	}
	n = read_head(e, head, sizeof(head));
	if (n < 0)
		return -1;
	if (!(n == 4 && !memcmp(head, "\177ELF", 4)) && !(n >= 2 && !memcmp(head, "#!", 2)))
		*why = xstrdup("is neither an ELF program nor a #! script");
	return 0;
}

/* The value of the last key= argument in args (before a "--", after which the arguments
 * are init's), or NULL; malloc'd. */
static char *arg_value(const char *args, const char *key)
{
	size_t klen = strlen(key);
	char *value = NULL;
	for (const char *p = args; *p;) {
		size_t n;
		p += strspn(p, " \t");
		n = strcspn(p, " \t");
		if (n == 2 && !strncmp(p, "--", 2))
			break;
		if (n > klen && !strncmp(p, key, klen)) {
			free(value);
			value = xstrndup(p + klen, n - klen);
		}
		p += n;
	}
	return value;
}

/* BusyBox runs a process with any of these through /bin/sh -c. */
#define SHELL_CHARS "~`!$^&*()=|\\{}[];\"'<>?"
/* BusyBox init's PATH, for a process named without a '/'. */
static const char *const init_path[] = {"/sbin", "/usr/sbin", "/bin", "/usr/bin"};

static const char *const inittab_actions[] = {"sysinit",    "wait",     "once",    "respawn",
					      "askfirst",   "ctrlaltdel", "shutdown", "restart"};

/* The shells a console line may start directly (their basenames). */
static const char *const shells[] = {"sh", "ash", "hush", "bash", "dash", "ksh", "mksh", "zsh"};

/* The shell that an inittab process starts straight away, with no login before it: the
 * program, or cttyhack's argument, when it is a shell (malloc'd), else NULL.  A process with
 * shell characters goes through /bin/sh -c, which runs a command, not a prompt. */
static char *console_shell(const char *process)
{
	const char *p = process + strspn(process, " \t");
	size_t n = strcspn(p, " \t\r");
	const char *base;
	if (strpbrk(p, SHELL_CHARS))
		return NULL;
	base = memrchr(p, '/', n);
	base = base ? base + 1 : p;
	if ((size_t)(p + n - base) == 8 && !strncmp(base, "cttyhack", 8)) {
		p += n;
		p += strspn(p, " \t");
		n = strcspn(p, " \t\r");
		base = memrchr(p, '/', n);
		base = base ? base + 1 : p;
	}
	for (size_t i = 0; n && i < sizeof(shells) / sizeof(shells[0]); i++)
		if ((size_t)(p + n - base) == strlen(shells[i]) && !strncmp(base, shells[i], strlen(shells[i])))
			return xstrndup(p, n);
	return NULL;
}

/* Each line of /etc/inittab, as BusyBox init reads it, and the program each starts.  With
 * password set (the image has a root password), a line that starts a shell directly is a
 * finding: that console would let anyone in without it. */
static int check_inittab(struct lint *l, const char *variant, const struct manifest *m,
			 const struct mf_entry *tab, int password)
{
	struct buf text;
	int lineno = 0, ret = 0;
	buf_init(&text);
	if (manifest_entry_read(tab, &text) < 0) {
		buf_release(&text);
		return -1;
	}
	for (char *line = text.data, *next; line && !ret; line = next) {
		char *f[4], *p, *prog, *why = NULL;
		size_t i, k;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		*strchrnul(line, '#') = '\0';
		if (!line[strspn(line, " \t\r")])
			continue;
		l->checks++;
		f[0] = line;
		for (i = 1; i < 4 && (p = strchr(f[i - 1], ':')); i++) {
			*p = '\0';
			f[i] = p + 1;
		}
		for (k = 0; i == 4 && k < sizeof(inittab_actions) / sizeof(inittab_actions[0]); k++)
			if (!strcmp(f[2], inittab_actions[k]))
				break;
		if (i < 4 || k == sizeof(inittab_actions) / sizeof(inittab_actions[0])) {
			lint_finding(l, "initrd '%s': /etc/inittab:%d: not id:runlevels:action:process with "
				   "a known action (BusyBox init skips the line)",
				variant, lineno);
			continue;
		}
		p = f[3] + (f[3][0] == '-');
		p += strspn(p, " \t");
		if (!*p)
			continue;
		if (password && (prog = console_shell(p))) {
			lint_finding(l, "initrd '%s': /etc/inittab line %d starts a shell (%s) without "
				   "login: anyone at that console is root without the root password; "
				   "start /etc/rc.d/rc.console (as the default rootfs/etc/inittab does) "
				   "or /bin/login instead",
				variant, lineno, prog);
			free(prog);
		}
		prog = strpbrk(p, SHELL_CHARS) ? xstrdup("/bin/sh") : xstrndup(p, strcspn(p, " \t\r"));
		for (k = 0; !strchr(prog, '/') && k < sizeof(init_path) / sizeof(init_path[0]); k++) {
			char *full = path_join(init_path[k], prog);
			if (manifest_resolve(m, full)) {
				free(prog);
				prog = full;
				break;
			}
			free(full);
		}
		if (!strchr(prog, '/'))
			why = xstrdup("is not found in /sbin, /usr/sbin, /bin or /usr/bin");
		else
			ret = exec_problem(m, prog, &why);
		if (why)
			lint_finding(l, "initrd '%s': %s (started by /etc/inittab line %d) %s", variant, prog,
				lineno, why);
		free(why);
		free(prog);
	}
	buf_release(&text);
	return ret;
}

/* Does the image have a root password ([system] root_password_hash or _file)? */
static int has_password(const struct plan *plan)
{
	return plan->root_password_hash || plan->root_password_file;
}

/* The program the kernel starts, /dev/console, and BusyBox init's /etc/inittab. */
static int check_init(struct lint *l, const struct plan *plan, const char *variant,
		      const struct manifest *m)
{
	int ext2 = plan->initrd_format == INITRD_EXT2;
	char *init = arg_value(plan->boot_append, ext2 ? "init=" : "rdinit=");
	char *skel = path_join(plan->rootfs_dir, "etc/inittab"), *why = NULL;
	const struct mf_entry *e, *busybox = manifest_resolve(m, "/bin/busybox");
	int ret;

	if (!init)
		init = xstrdup(ext2 ? "/sbin/init" : "/init");
	l->checks++;
	ret = exec_problem(m, init, &why);
	if (why)
		lint_finding(l, "initrd '%s': %s %s: the kernel starts it from %s", variant, init, why,
			ext2 ? "an ext2 initrd (root=/dev/ram0)" : "a cpio initrd");
	free(why);

	l->checks++;
	e = manifest_resolve(m, "/dev/console");
	if (!e)
		lint_finding(l, "initrd '%s': /dev/console is missing: the kernel opens it for init's "
			   "input and output",
			variant);
	else if (e->type != MF_CHR || e->major != 5 || e->minor != 1)
		lint_finding(l, "initrd '%s': /dev/console is %s, not the console device (character 5:1)",
			variant, e->type == MF_CHR ? "another character device" : type_name(e->type));

	/* BusyBox init without an inittab runs a built-in table (/etc/init.d/rcS, shells on
	 * tty1-4): fine for BusyBox, wrong for a project whose skeleton has its own table. */
	e = manifest_resolve(m, init);
	if (!ret && e && busybox && e == busybox) {
		const struct mf_entry *tab = manifest_resolve(m, "/etc/inittab");
		if (file_exists(skel)) {
			l->checks++;
			if (!tab || tab->type != MF_FILE)
				lint_finding(l, "initrd '%s': /etc/inittab %s: the skeleton has one, and "
					   "without it BusyBox init runs its built-in table "
					   "(/etc/init.d/rcS)",
					variant, tab ? "is not a file" : "is missing");
		}
		if (tab && tab->type == MF_FILE)
			ret = check_inittab(l, variant, m, tab, has_password(plan));
	}
	free(init);
	free(skel);
	return ret;
}

/* Every executable ELF file is for the image's CPU, and each dynamically linked program (one with
 * an interpreter; libc.so.6 is one too) finds its interpreter and libraries in the tree, as
 * elfdeps finds them.  A shared library is checked as part of the programs that load it,
 * where the interpreter answers to its soname, as in ld.so; on its own, libm.so.6 would
 * seem to miss the ld-linux-x86-64.so.2 it names. */
static int check_elf(struct lint *l, const struct plan *plan, const char *variant,
		     const struct manifest *m)
{
	const struct elfdeps_target *t = &plan->arch->elf;
	struct elfdeps d;
	int ret = 0;

	elfdeps_init(&d);
	d.target = t;
	d.tree = m;
	d.keep_going = 1;
	for (size_t i = 0; i < m->n && !ret; i++) {
		const struct mf_entry *e = &m->v[i];
		struct elf_info info;
		struct buf b;
		char head[4], err[200];
		ssize_t n;

		if (e->type != MF_FILE || e->link_to || !(e->mode & 0111))
			continue;
		n = read_head(e, head, sizeof(head));
		if (n < 0) {
			ret = -1;
			break;
		}
		if (n < 4 || memcmp(head, "\177ELF", 4))
			continue;
		l->checks++;
		buf_init(&b);
		ret = manifest_entry_read(e, &b);
		if (!ret && elf_parse(b.data, b.len, &info, err, sizeof(err)) < 0) {
			lint_finding(l, "initrd '%s': %s is a malformed ELF file: %s", variant, e->path, err);
		} else if (!ret) {
			if (info.machine != (unsigned)t->machine || info.class64 != t->class64)
				lint_finding(l, "initrd '%s': %s is for another architecture (%s, %d-bit), "
					   "not %s",
					variant, e->path,
					elf_machine_name(info.machine) ? elf_machine_name(info.machine)
									: "unknown",
					info.class64 ? 64 : 32, plan->arch->elf_name);
			else if (info.type != ELF_ET_EXEC && info.type != ELF_ET_DYN)
				lint_finding(l, "initrd '%s': %s is executable, but not an ELF program or "
					   "library (ELF type %u)",
					variant, e->path, info.type);
			else if (info.interp)
				ret = elfdeps_add_binary(&d, e->path);
			elf_info_release(&info);
		}
		buf_release(&b);
	}
	for (size_t i = 0; i < d.n_missing && !ret; i++) {
		const struct elf_missing *x = &d.missing[i];
		char *what = x->is_interp ? xasprintf("%s (the ELF interpreter of %s)", x->name,
						      x->needed_by)
					  : xasprintf("%s (needed by %s)", x->name, x->needed_by);
		if (x->why)
			lint_finding(l, "initrd '%s': %s: %s", variant, what, x->why);
		else if (x->searched)
			lint_finding(l, "initrd '%s': %s is not found (searched %s)", variant, what,
				x->searched[0] ? x->searched : "nothing");
		else
			lint_finding(l, "initrd '%s': %s is missing", variant, what);
		free(what);
	}
	elfdeps_release(&d);
	return ret;
}

/* Every executable #! script: its interpreter. */
static int check_scripts(struct lint *l, const char *variant, const struct manifest *m)
{
	for (size_t i = 0; i < m->n; i++) {
		const struct mf_entry *e = &m->v[i];
		char head[HEAD_SIZE + 1], *interp, *why = NULL;
		const char *p;
		ssize_t n;
		int rc;

		if (e->type != MF_FILE || e->link_to || !(e->mode & 0111))
			continue;
		n = read_head(e, head, HEAD_SIZE);
		if (n < 0)
			return -1;
		if (n < 2 || memcmp(head, "#!", 2))
			continue;
		head[n] = '\0';
		l->checks++;
		p = head + 2 + strspn(head + 2, " \t");
		interp = xstrndup(p, strcspn(p, " \t\n"));
		if (!*interp) {
			lint_finding(l, "initrd '%s': %s has no interpreter on its #! line", variant, e->path);
			free(interp);
			continue;
		}
		if (interp[0] != '/') { /* relative to the directory init runs in, "/" */
			char *abs = path_join("/", interp);
			free(interp);
			interp = abs;
		}
		rc = exec_problem(m, interp, &why);
		if (why)
			lint_finding(l, "initrd '%s': %s (the interpreter of %s) %s", variant, interp, e->path,
				why);
		free(why);
		free(interp);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* Programs a start-up script cannot do without, checked when the script names them (those
 * marked modules only when a kernel has modules). */
static const struct {
	int modules;
	const char *script, *word, *program, *why;
} script_needs[] = {
	{0, "/etc/rc.d/rc.S", "blkid", "/sbin/blkid",
	 "rc.S finds the boot medium with it (BusyBox's CONFIG_BLKID): without it every boot waits "
	 "for it in vain (mkdistro.stickwait, 15 s) and /mnt/boot stays empty"},
	{1, "/etc/rc.d/rc.hotplug", "unxz", "/usr/bin/unxz",
	 "rc.hotplug unpacks the kernel's modules with it (BusyBox's CONFIG_UNXZ): without it no "
	 "module loads"},
	{1, "/etc/rc.d/rc.hotplug", "cpio", "/bin/cpio",
	 "rc.hotplug unpacks the kernel's modules with it (BusyBox's CONFIG_CPIO): without it no "
	 "module loads"},
};

static int check_script_needs(struct lint *l, const char *variant, const struct manifest *m,
			      int modules)
{
	for (size_t i = 0; i < sizeof(script_needs) / sizeof(script_needs[0]); i++) {
		const struct mf_entry *e = manifest_resolve(m, script_needs[i].script);
		struct buf text;
		char *why = NULL;
		int rc, named;
		if (script_needs[i].modules != modules || !e || e->type != MF_FILE)
			continue;
		buf_init(&text);
		rc = manifest_entry_read(e, &text);
		named = !rc && strstr(text.data, script_needs[i].word);
		buf_release(&text);
		if (rc < 0)
			return -1;
		if (!named)
			continue;
		l->checks++;
		rc = exec_problem(m, script_needs[i].program, &why);
		if (why)
			lint_finding(l, "initrd '%s': %s %s: %s", variant, script_needs[i].program, why,
				     script_needs[i].why);
		free(why);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* With modules, the boot loader does not load them (stick.h; unless [boot] modules = initrd,
 * which lint_image checks before calling this): a start-up script must unpack
 * them from the boot medium, so some file under /etc must read mkdistro.modules=.  A tree
 * from before that (its own copy of an older rc.hotplug) would boot with no driver module. */
static int check_modules_unpacked(struct lint *l, const char *variant, const struct manifest *m)
{
	int found = 0;
	l->checks++;
	for (size_t i = 0; i < m->n && !found; i++) {
		const struct mf_entry *e = &m->v[i];
		struct buf text;
		if (e->type != MF_FILE || strncmp(e->path, "/etc/", 5))
			continue;
		buf_init(&text);
		if (manifest_entry_read(e, &text) < 0) {
			buf_release(&text);
			return -1;
		}
		found = text.len && memmem(text.data, text.len, "mkdistro.modules=", 17);
		buf_release(&text);
	}
	if (!found)
		lint_finding(l, "initrd '%s': no start-up script under /etc reads mkdistro.modules=, so "
			   "the kernel's modules would never be unpacked and no driver module would "
			   "load; the boot loader no longer loads them, rc.hotplug does: copy "
			   "/etc/rc.d/rc.hotplug from mkdistro's rootfs/ (or set [kernel] modules = no)",
			variant);
	return 0;
}

/* Directories whose mode the live system relies on, when the tree has them. */
static const struct {
	const char *path;
	unsigned mode;
	const char *why;
} dir_modes[] = {
	{"/tmp", 01777, "anyone may make files there and only remove their own"},
	{"/var/tmp", 01777, "anyone may make files there and only remove their own"},
	{"/root", 0700, "root's home is root's alone"},
};

/* The modes of /tmp, /root and /etc/shadow; and with a root password, what makes it count:
 * /etc/passwd sends login to /etc/shadow for root, and /bin/login is there to ask for it (the
 * consoles are checked with /etc/inittab). */
static int check_security(struct lint *l, const struct plan *plan, const char *variant,
			  const struct manifest *m)
{
	const struct mf_entry *e;
	int ret = 0;

	for (size_t i = 0; i < sizeof(dir_modes) / sizeof(dir_modes[0]); i++) {
		if (!(e = manifest_find(m, dir_modes[i].path)))
			continue;
		l->checks++;
		if (e->type != MF_DIR)
			lint_finding(l, "initrd '%s': %s is %s, not a directory: %s", variant,
				dir_modes[i].path, type_name(e->type), dir_modes[i].why);
		else if (e->mode != dir_modes[i].mode)
			lint_finding(l, "initrd '%s': %s has mode %04o, not %04o: %s", variant,
				dir_modes[i].path, e->mode, dir_modes[i].mode, dir_modes[i].why);
	}
	if ((e = manifest_find(m, "/etc/shadow")) && e->type == MF_FILE) {
		l->checks++;
		if (e->mode & 077)
			lint_finding(l, "initrd '%s': /etc/shadow has mode %04o: other users can read the "
				   "password hashes in it",
				variant, e->mode);
	}
	if (!has_password(plan))
		return 0;

	l->checks += 2;
	e = manifest_resolve(m, "/etc/passwd");
	if (!e || e->type != MF_FILE) {
		lint_finding(l, "initrd '%s': /etc/passwd %s: login cannot find root, whose password "
			   "[system] sets",
			variant, e ? "is not a file" : "is missing");
	} else {
		struct buf text;
		const char *line;
		buf_init(&text);
		ret = manifest_entry_read(e, &text);
		for (line = text.data; !ret && *line && strncmp(line, "root:", 5);)
			line += strcspn(line, "\n") + (line[strcspn(line, "\n")] == '\n');
		if (!ret && !*line) {
			lint_finding(l, "initrd '%s': /etc/passwd has no line for root, whose password "
				   "[system] sets",
				variant);
		} else if (!ret) {
			/* BusyBox reads /etc/shadow only for a password field of "x" or "*" */
			size_t n = strcspn(line + 5, ":\n");
			if (n != 1 || (line[5] != 'x' && line[5] != '*'))
				lint_finding(l, "initrd '%s': /etc/passwd gives root the password field "
					   "'%.*s', not 'x': login never reads the hash [system] puts in "
					   "/etc/shadow",
					variant, (int)n, line + 5);
		}
		buf_release(&text);
	}
	if (!ret) {
		char *why = NULL;
		ret = exec_problem(m, "/bin/login", &why);
		if (why)
			lint_finding(l, "initrd '%s': /bin/login %s: with a root password, the consoles ask "
				   "for it through login (BusyBox's CONFIG_LOGIN)",
				variant, why);
		free(why);
	}
	return ret;
}

int lint_rootfs(struct lint *l, const struct plan *plan, size_t iv, const struct manifest *m)
{
	const char *variant = plan->ivar[iv].name;
	if (check_init(l, plan, variant, m) < 0 || check_elf(l, plan, variant, m) < 0 ||
	    check_scripts(l, variant, m) < 0 || check_script_needs(l, variant, m, 0) < 0 ||
	    check_security(l, plan, variant, m) < 0)
		return -1;
	return 0;
}

/* ---- the stage ---- */

int lint_image(const struct plan *plan, const char *const *kernel_configs,
	       const struct manifest *const *trees, const struct lint_modules *modules,
	       struct buf *summary)
{
	struct lint l;
	int ret = 0;

	lint_init(&l);
	for (size_t k = 0; k < plan->n_kvar && !ret; k++) {
		struct buf text;
		struct kconfig config;
		buf_init(&text);
		kconfig_init(&config);
		ret = read_file(kernel_configs[k], &text);
		if (!ret)
			ret = kconfig_parse(&config, text.data, kernel_configs[k], 0);
		if (!ret)
			lint_kernel(&l, plan, k, &config);
		if (!ret && modules[k].tree)
			ret = modules_lint(&l, plan->kvar[k].name, modules[k].tree, modules[k].release,
					   modules[k].expected);
		kconfig_release(&config);
		buf_release(&text);
	}
	/* modules the boot loader does not load: a start-up script must unpack them */
	int unpacked = 0;
	for (size_t k = 0; k < plan->n_kvar; k++)
		unpacked |= modules[k].tree != NULL && !plan_modules_initrd(plan);
	for (size_t i = 0; i < plan->n_ivar && !ret; i++) {
		ret = lint_rootfs(&l, plan, i, trees[i]);
		if (!ret && unpacked &&
		    (ret = check_modules_unpacked(&l, plan->ivar[i].name, trees[i])) == 0)
			ret = check_script_needs(&l, plan->ivar[i].name, trees[i], 1);
	}
	if (!ret && l.failed) {
		for (char *p = l.findings.data, *end; *p; p = end + 1) {
			end = strchr(p, '\n');
			error("lint: %.*s", (int)(end - p), p);
		}
		ret = error("lint: %u of %u checks failed", l.failed, l.checks);
	} else if (!ret) {
		buf_addf(summary, "%u checks, all passed", l.checks);
	}
	lint_release(&l);
	return ret;
}
