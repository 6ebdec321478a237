/* test_lint.c: unit tests for src/build/lint.c (does the image hold what it needs to boot?).
 *
 * The kernel rules run on crafted .config text: a good one passes, and each rule, broken
 * alone, gives its one line.  The root filesystem rules run on small manifests of real host
 * files: /bin/true stands for BusyBox (a dynamic x86-64 program needing libc.so.6 and
 * /lib64/ld-linux-x86-64.so.2), with and without its libraries in the tree.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "build/config.h"
#include "build/lint.h"
#include "formats/elf.h"
#include "formats/kconfig.h"
#include "formats/manifest.h"
#define TMP_DIR "tests/tmp/lint"
#include "testutil.h"

#define LIBC "/lib/x86_64-linux-gnu/libc.so.6"
#define LDSO "/lib64/ld-linux-x86-64.so.2"

/* ---- helpers ---- */

/* A plan for a project in TMP_DIR/proj, whose skeleton has an /etc/inittab when
 * skeleton_inittab; then mkdistro.conf text over the defaults. */
static void plan_for(struct plan *p, const char *conf, int skeleton_inittab)
{
	char *etc = path_join(TMP_DIR, "proj/rootfs/etc");
	char *tab = path_join(etc, "inittab");
	assert_int_equal(mkdir_p(etc, 0755), 0);
	if (skeleton_inittab)
		assert_int_equal(write_file_atomic(tab, "::sysinit:/etc/rc.d/rc.S\n", 25, 0644), 0);
	else
		unlink(tab);
	config_defaults(p, TMP_DIR "/proj");
	assert_int_equal(config_parse_text(p, "mkdistro.conf", conf), 0);
	free(etc);
	free(tab);
}

/* Every line of findings, for messages. */
static void expect_none(const struct lint *l)
{
	if (l->failed)
		fail_msg("expected no findings, got %u:\n%s", l->failed, l->findings.data);
	assert_string_equal(l->findings.data, "");
}

/* The findings are exactly the one line want. */
static void expect_one(const struct lint *l, const char *want)
{
	if (l->failed != 1 || strcmp(l->findings.data, want) != 0 ||
	    l->findings.data[strlen(want)] != '\0')
		fail_msg("expected the one finding\n  %s\ngot %u:\n%s", want, l->failed,
			 l->findings.data);
}

/* The findings include the line want. */
static void expect_line(const struct lint *l, const char *want)
{
	size_t n = strlen(want);
	for (const char *p = l->findings.data; *p; p = strchr(p, '\n') + 1)
		if (!strncmp(p, want, n) && p[n] == '\n')
			return;
	fail_msg("expected the finding\n  %s\ngot %u:\n%s", want, l->failed, l->findings.data);
}

/* ---- the kernel ---- */

/* What the default kernel.config gives, as Kconfig writes a .config. */
static const char good_config[] =
	"#\n# Automatically generated file; DO NOT EDIT.\n#\n"
	"CONFIG_64BIT=y\n"
	"CONFIG_BLK_DEV_INITRD=y\n"
	"CONFIG_RD_GZIP=y\n"
	"# CONFIG_RD_BZIP2 is not set\n"
	"CONFIG_BLK_DEV_RAM=y\n"
	"CONFIG_EXT2_FS=y\n"
	"CONFIG_EXT4_FS=y\n"
	"CONFIG_DEVTMPFS=y\n"
	"CONFIG_BINFMT_ELF=y\n"
	"CONFIG_BINFMT_SCRIPT=y\n"
	"CONFIG_SERIAL_8250=y\n"
	"CONFIG_SERIAL_8250_CONSOLE=y\n"
	"CONFIG_VT=y\n"
	"CONFIG_VT_CONSOLE=y\n"
	"CONFIG_USB_STORAGE=y\n"
	"CONFIG_USB_XHCI_HCD=y\n"
	"CONFIG_USB_EHCI_HCD=y\n"
	"# CONFIG_USB_OHCI_HCD is not set\n"
	"CONFIG_ATA=y\n"
	"CONFIG_ATA_PIIX=y\n"
	"CONFIG_SATA_AHCI=y\n"
	"CONFIG_BLK_DEV_SD=y\n"
	"CONFIG_MSDOS_PARTITION=y\n"
	"CONFIG_VFAT_FS=y\n"
	"CONFIG_FAT_DEFAULT_CODEPAGE=437\n"
	"CONFIG_FAT_DEFAULT_IOCHARSET=\"iso8859-1\"\n"
	"CONFIG_NLS_CODEPAGE_437=y\n"
	"CONFIG_NLS_ISO8859_1=y\n";

/* Lint kernel main of a plan from conf, on good_config with edits ("SYM=value" or
 * "SYM=" to drop it, NULL-terminated). */
static void lint_config(struct lint *l, const char *conf, const char *const *edits)
{
	struct plan p;
	struct kconfig k;
	kconfig_init(&k);
	assert_int_equal(kconfig_parse(&k, good_config, ".config", 0), 0);
	for (size_t i = 0; edits && edits[i]; i++) {
		const char *eq = strchr(edits[i], '=');
		char *name = xstrndup(edits[i], (size_t)(eq - edits[i]));
		kconfig_set(&k, name, eq[1] ? eq + 1 : "n");
		free(name);
	}
	plan_for(&p, conf, 1);
	lint_init(l);
	lint_kernel(l, &p, 0, &k);
	kconfig_release(&k);
	config_release(&p);
}

static void kernel_good(void **state)
{
	struct lint l;
	(void)state;
	lint_config(&l, "", NULL);
	expect_none(&l);
	assert_int_equal(l.checks, 17); /* 15 always, and the two consoles the arguments name */
	lint_release(&l);
	lint_config(&l, "[initrd]\nformat = ext2\n", NULL);
	expect_none(&l);
	assert_int_equal(l.checks, 20);
	lint_release(&l);
	/* a PC kernel: no ext2 driver, ext4's built in and taking ext2 file systems */
	static const char *ext4[] = {"EXT2_FS=", "EXT4_USE_FOR_EXT2=y", NULL};
	lint_config(&l, "[initrd]\nformat = ext2\n", ext4);
	expect_none(&l);
	lint_release(&l);
	/* but not as a module */
	static const char *ext4m[] = {"EXT2_FS=", "EXT4_USE_FOR_EXT2=y", "EXT4_FS=m", NULL};
	lint_config(&l, "[initrd]\nformat = ext2\n", ext4m);
	expect_one(&l, "kernel 'main': none of CONFIG_EXT2_FS, CONFIG_EXT4_FS is set (CONFIG_EXT4_FS=m "
		       "is a module, and the image loads none): ext4's driver mounts the ext2 initrd "
		       "only when it is built in\n");
	lint_release(&l);
}

/* Each rule broken alone gives its own line, naming the symbol, the variant and why. */
static void kernel_each_rule(void **state)
{
	static const struct {
		const char *conf, *edit, *want;
	} cases[] = {
		{"", "BLK_DEV_INITRD=",
		 "kernel 'main': CONFIG_BLK_DEV_INITRD is not set: the root filesystem is an initrd\n"},
		{"", "RD_GZIP=", "kernel 'main': CONFIG_RD_GZIP is not set: the initrd is gzip-compressed\n"},
		{"", "RD_GZIP=m",
		 "kernel 'main': CONFIG_RD_GZIP is a module (=m), and the image loads none: the initrd "
		 "is gzip-compressed\n"},
		{"[initrd]\nformat = ext2\n", "BLK_DEV_RAM=",
		 "kernel 'main': CONFIG_BLK_DEV_RAM is not set: the ext2 initrd is loaded into a RAM "
		 "disk (root=/dev/ram0)\n"},
		{"[initrd]\nformat = ext2\n", "EXT2_FS=",
		 "kernel 'main': none of CONFIG_EXT2_FS, CONFIG_EXT4_USE_FOR_EXT2 is set: the initrd is "
		 "an ext2 filesystem\n"},
		{"", "DEVTMPFS=",
		 "kernel 'main': CONFIG_DEVTMPFS is not set: the root filesystem has no /dev beyond "
		 "console and null\n"},
		{"", "BINFMT_ELF=", "kernel 'main': CONFIG_BINFMT_ELF is not set: BusyBox is an ELF program\n"},
		{"", "BINFMT_SCRIPT=",
		 "kernel 'main': CONFIG_BINFMT_SCRIPT is not set: the start-up file /etc/rc.d/rc.S is a "
		 "#! script\n"},
		{"", "SERIAL_8250_CONSOLE=",
		 "kernel 'main': CONFIG_SERIAL_8250_CONSOLE is not set: the kernel arguments say "
		 "console=ttyS0,115200\n"},
		{"", "VT_CONSOLE=",
		 "kernel 'main': CONFIG_VT_CONSOLE is not set: the kernel arguments say console=tty0\n"},
		{"", "USB_STORAGE=",
		 "kernel 'main': CONFIG_USB_STORAGE is not set: the image boots from a USB stick\n"},
		{"", "ATA=", "kernel 'main': CONFIG_ATA is not set: the image boots from an IDE or SATA disk\n"},
		{"", "BLK_DEV_SD=",
		 "kernel 'main': CONFIG_BLK_DEV_SD is not set: USB sticks and ATA disks are SCSI disks "
		 "(sd)\n"},
		{"", "MSDOS_PARTITION=",
		 "kernel 'main': CONFIG_MSDOS_PARTITION is not set: the stick has an MBR partition "
		 "table\n"},
		{"", "VFAT_FS=",
		 "kernel 'main': CONFIG_VFAT_FS is not set: the stick's partition is FAT, mounted as "
		 "vfat\n"},
		{"", "NLS_CODEPAGE_437=",
		 "kernel 'main': CONFIG_NLS_CODEPAGE_437 is not set: vfat mounts with codepage 437 "
		 "unless told otherwise\n"},
		{"", "NLS_ISO8859_1=",
		 "kernel 'main': CONFIG_NLS_ISO8859_1 is not set: vfat mounts with iocharset "
		 "iso8859-1 unless told otherwise\n"},
		{"", "64BIT=",
		 "kernel 'main': CONFIG_64BIT is not set: BusyBox and its libraries are x86-64 "
		 "programs\n"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *edits[] = {cases[i].edit, NULL};
		struct lint l;
		lint_config(&l, cases[i].conf, edits);
		expect_one(&l, cases[i].want);
		lint_release(&l);
	}
}

/* Rules with a choice of symbols: one is enough, none is one line naming them all. */
static void kernel_choices(void **state)
{
	static const char *const one_hcd[] = {"USB_XHCI_HCD=", "USB_UHCI_HCD=y", "USB_EHCI_HCD=m",
					      NULL};
	static const char *const no_hcd[] = {"USB_XHCI_HCD=", "USB_EHCI_HCD=m", NULL};
	static const char *const no_ata[] = {"ATA_PIIX=", "SATA_AHCI=", NULL};
	static const char *const generic[] = {"ATA_PIIX=", "SATA_AHCI=", "ATA_GENERIC=y", NULL};
	struct lint l;
	(void)state;
	lint_config(&l, "", one_hcd);
	expect_none(&l);
	lint_release(&l);
	lint_config(&l, "", no_hcd);
	expect_one(&l, "kernel 'main': none of CONFIG_USB_XHCI_HCD, CONFIG_USB_EHCI_HCD, "
		       "CONFIG_USB_OHCI_HCD, CONFIG_USB_UHCI_HCD is set (CONFIG_USB_EHCI_HCD=m is a "
		       "module, and the image loads none): a USB stick needs a USB host controller "
		       "driver\n");
	lint_release(&l);
	lint_config(&l, "", no_ata);
	expect_one(&l, "kernel 'main': none of CONFIG_ATA_PIIX, CONFIG_SATA_AHCI, CONFIG_ATA_GENERIC "
		       "is set: an IDE or SATA disk needs a controller driver\n");
	lint_release(&l);
	lint_config(&l, "", generic);
	expect_none(&l);
	lint_release(&l);
}

/* The consoles needed follow the kernel arguments: [boot] append and the labels' own. */
static void kernel_consoles(void **state)
{
	static const char *const no_serial[] = {"SERIAL_8250_CONSOLE=", NULL};
	static const char *const no_vt[] = {"VT_CONSOLE=", NULL};
	static const char *const neither[] = {"SERIAL_8250_CONSOLE=", "VT_CONSOLE=", NULL};
	struct lint l;
	(void)state;
	/* only the VGA console named: the serial one may go */
	lint_config(&l, "[boot]\nappend = console=tty0 quiet\n", no_serial);
	expect_none(&l);
	assert_int_equal(l.checks, 16);
	lint_release(&l);
	lint_config(&l, "[boot]\nappend = console=tty1\n", no_vt);
	expect_one(&l, "kernel 'main': CONFIG_VT_CONSOLE is not set: the kernel arguments say "
		       "console=tty1\n");
	lint_release(&l);
	/* none named: either will do, but one is needed */
	lint_config(&l, "[boot]\nappend = quiet\n", no_vt);
	expect_none(&l);
	lint_release(&l);
	lint_config(&l, "[boot]\nappend = quiet\n", neither);
	expect_one(&l, "kernel 'main': none of CONFIG_SERIAL_8250_CONSOLE, "
		       "CONFIG_SERIAL_AMBA_PL011_CONSOLE, CONFIG_VT_CONSOLE is set: init needs a "
		       "console, and the kernel arguments name none\n");
	lint_release(&l);
	/* a console named only by one label of this kernel counts */
	lint_config(&l, "[boot]\nappend = console=tty0\n[label.mm]\nappend = console=ttyS1,9600\n",
		    no_serial);
	expect_one(&l, "kernel 'main': CONFIG_SERIAL_8250_CONSOLE is not set: the kernel arguments "
		       "say console=ttyS1,9600\n");
	lint_release(&l);
}

/* arm64: the rules of its CPU (PL011 console, virtio disk, the EFI stub), not the PC's
 * (ATA, 64BIT of x86-64) */
static void kernel_arm64(void **state)
{
	static const char *const arm64[] = {"64BIT=", "ATA=", "ATA_PIIX=", "SERIAL_8250_CONSOLE=",
					    "VT_CONSOLE=", "SERIAL_AMBA_PL011_CONSOLE=y",
					    "VIRTIO_BLK=y", "VIRTIO_PCI=y", "EFI_STUB=y", "ACPI=y",
					    NULL};
	static const char *const no_stub[] = {"64BIT=", "ATA=", "SERIAL_8250_CONSOLE=", "VT_CONSOLE=",
					      "SERIAL_AMBA_PL011_CONSOLE=y", "VIRTIO_BLK=y",
					      "VIRTIO_PCI=y", "ACPI=y", NULL};
	static const char *const no_pl011[] = {"64BIT=", "ATA=", "VIRTIO_BLK=y", "VIRTIO_PCI=y",
					       "EFI_STUB=y", "ACPI=y", NULL};
	struct lint l;
	(void)state;
	/* the default append of arm64 is console=ttyAMA0 */
	lint_config(&l, "[system]\narch = arm64\n", arm64);
	expect_none(&l);
	lint_release(&l);
	lint_config(&l, "[system]\narch = arm64\n", no_stub);
	expect_one(&l, "kernel 'main': CONFIG_EFI_STUB is not set: the stick boots through UEFI: "
		       "the kernel is an EFI program\n");
	lint_release(&l);
	lint_config(&l, "[system]\narch = arm64\n", no_pl011);
	expect_one(&l, "kernel 'main': CONFIG_SERIAL_AMBA_PL011_CONSOLE is not set: the kernel "
		       "arguments say console=ttyAMA0\n");
	lint_release(&l);
	/* x86's rules still hold on x86 */
	lint_config(&l, "", arm64);
	expect_line(&l, "kernel 'main': CONFIG_ATA is not set: the image boots from an IDE or SATA disk");
	lint_release(&l);
}

/* A variant is named in its lines. */
static void kernel_variant_named(void **state)
{
	struct plan p;
	struct kconfig k;
	struct lint l;
	(void)state;
	kconfig_init(&k);
	assert_int_equal(kconfig_parse(&k, good_config, ".config", 0), 0);
	kconfig_set(&k, "RD_GZIP", "n");
	plan_for(&p, "[kernel.custom]\nfragment = /dev/null\n", 1);
	assert_int_equal(p.n_kvar, 2);
	lint_init(&l);
	lint_kernel(&l, &p, 1, &k);
	expect_one(&l, "kernel 'custom': CONFIG_RD_GZIP is not set: the initrd is gzip-compressed\n");
	lint_release(&l);
	kconfig_release(&k);
	config_release(&p);
}

/* ---- the root filesystem ---- */

static const char inittab[] = "# BusyBox init\n"
			      "::sysinit:/etc/rc.d/rc.S\n"
			      "::respawn:/bin/cttyhack /bin/sh -l\n"
			      "tty1::askfirst:-/bin/sh\n"
			      "::ctrlaltdel:reboot\n"
			      "::shutdown:/bin/umount -a -r\n"
			      "::shutdown:echo bye > /dev/console\n";

static const char rc_s[] = "#!/bin/sh\n/bin/mount -av -t nonfs\n";

/* Leave out of the tree: a path, or NULL. */
static const char *omit;

static void add_file(struct manifest *m, const char *path, unsigned mode, const char *source)
{
	if (!omit || strcmp(omit, path))
		assert_int_equal(manifest_add_file(m, path, mode, source), 0);
}

static void add_data(struct manifest *m, const char *path, unsigned mode, const char *text)
{
	if (!omit || strcmp(omit, path))
		assert_int_equal(manifest_add_data(m, path, mode, text, strlen(text)), 0);
}

static void add_link(struct manifest *m, const char *path, const char *target)
{
	if (!omit || strcmp(omit, path))
		assert_int_equal(manifest_add_symlink(m, path, target), 0);
}

/* A tree like the build's, with /bin/true as BusyBox, less omit. */
static void good_tree(struct manifest *m)
{
	manifest_init(m);
	add_file(m, "/bin/busybox", 0755, "/bin/true");
	add_link(m, "/bin/sh", "busybox");
	add_link(m, "/bin/mount", "busybox");
	add_link(m, "/bin/umount", "busybox");
	add_link(m, "/bin/cttyhack", "busybox");
	add_link(m, "/bin/echo", "busybox");
	add_link(m, "/sbin/reboot", "../bin/busybox");
	add_link(m, "/sbin/init", "../bin/busybox");
	add_link(m, "/init", "sbin/init");
	add_data(m, "/etc/inittab", 0644, inittab);
	add_data(m, "/etc/rc.d/rc.S", 0755, rc_s);
	add_data(m, "/etc/profile", 0644, "PS1='# '\n");
	add_file(m, LIBC, 0755, LIBC);
	add_file(m, LDSO, 0755, LDSO);
	if (!omit || strcmp(omit, "/dev/console"))
		assert_int_equal(manifest_add_node(m, "/dev/console", MF_CHR, 0600, 5, 1), 0);
	assert_int_equal(manifest_add_node(m, "/dev/null", MF_CHR, 0666, 1, 3), 0);
}

/* Lint the tree as initrd main of a plan from conf; returns lint_rootfs's result. */
static int lint_tree(struct lint *l, const struct manifest *m, const char *conf, int skeleton_inittab)
{
	struct plan p;
	int rc;
	plan_for(&p, conf, skeleton_inittab);
	lint_init(l);
	rc = lint_rootfs(l, &p, 0, m);
	config_release(&p);
	return rc;
}

static void rootfs_good(void **state)
{
	struct manifest m;
	struct lint l;
	(void)state;
	omit = NULL;
	good_tree(&m);
	assert_int_equal(lint_tree(&l, &m, "", 1), 0);
	expect_none(&l);
	/* init, console, inittab and its 6 lines, 3 ELF files, 1 script */
	assert_int_equal(l.checks, 13);
	lint_release(&l);
	assert_int_equal(lint_tree(&l, &m, "[initrd]\nformat = ext2\n", 1), 0);
	expect_none(&l);
	lint_release(&l);
	manifest_release(&m);
}

/* Each part left out of the tree alone gives its own line. */
static void rootfs_each_missing(void **state)
{
	static const struct {
		const char *omit, *conf, *want;
	} cases[] = {
		{LIBC, "",
		 "initrd 'main': libc.so.6 (needed by /bin/busybox) is not found (searched "
		 "/lib/x86_64-linux-gnu, /usr/lib/x86_64-linux-gnu, /lib, /usr/lib)\n"},
		{"/init", "", "initrd 'main': /init is missing: the kernel starts it from a cpio initrd\n"},
		{"/sbin/init", "",
		 "initrd 'main': /init is a symlink to 'sbin/init', which leads nowhere in the image: "
		 "the kernel starts it from a cpio initrd\n"},
		{"/dev/console", "",
		 "initrd 'main': /dev/console is missing: the kernel opens it for init's input and "
		 "output\n"},
		{"/etc/inittab", "",
		 "initrd 'main': /etc/inittab is missing: the skeleton has one, and without it BusyBox "
		 "init runs its built-in table (/etc/init.d/rcS)\n"},
		{"/bin/cttyhack", "",
		 "initrd 'main': /bin/cttyhack (started by /etc/inittab line 3) is missing\n"},
		{"/sbin/reboot", "",
		 "initrd 'main': reboot (started by /etc/inittab line 5) is not found in /sbin, "
		 "/usr/sbin, /bin or /usr/bin\n"},
		{"/etc/rc.d/rc.S", "",
		 "initrd 'main': /etc/rc.d/rc.S (started by /etc/inittab line 2) is missing\n"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct manifest m;
		struct lint l;
		omit = cases[i].omit;
		good_tree(&m);
		assert_int_equal(lint_tree(&l, &m, cases[i].conf, 1), 0);
		expect_one(&l, cases[i].want);
		lint_release(&l);
		manifest_release(&m);
	}
	omit = NULL;
}

/* Without its interpreter, no ELF program runs: each one that names it is said. */
static void rootfs_no_interpreter(void **state)
{
	struct manifest m;
	struct lint l;
	(void)state;
	omit = LDSO;
	good_tree(&m);
	omit = NULL;
	assert_int_equal(lint_tree(&l, &m, "", 1), 0);
	expect_line(&l, "initrd 'main': " LDSO " (the ELF interpreter of /bin/busybox) is missing");
	expect_line(&l, "initrd 'main': " LDSO " (the ELF interpreter of " LIBC ") is missing");
	assert_int_equal(l.failed, 2); /* libc's DT_NEEDED on it is not said again */
	lint_release(&l);

	/* there, but not a program */
	add_data(&m, LDSO, 0755, "not ELF\n");
	assert_int_equal(lint_tree(&l, &m, "", 1), 0);
	expect_line(&l, "initrd 'main': " LDSO " (the ELF interpreter of /bin/busybox): '" LDSO
			"' is not an ELF file");
	lint_release(&l);
	manifest_release(&m);
}

/* The tree is searched as ld.so searches the image: symlinks inside it, and ld.so.conf
 * when there is a cache for ld.so to read. */
static void rootfs_library_search(void **state)
{
	struct manifest m;
	struct lint l;
	(void)state;
	omit = LIBC;
	good_tree(&m);
	omit = NULL;
	/* outside the default directories: found only through the image's ld.so.conf */
	assert_int_equal(manifest_add_file(&m, "/opt/lib/libc.so.6", 0755, LIBC), 0);
	assert_int_equal(lint_tree(&l, &m, "", 1), 0);
	expect_line(&l, "initrd 'main': libc.so.6 (needed by /bin/busybox) is not found (searched "
			"/lib/x86_64-linux-gnu, /usr/lib/x86_64-linux-gnu, /lib, /usr/lib)");
	lint_release(&l);
	add_data(&m, "/etc/ld.so.conf", 0644, "include ld.so.conf.d/*.conf\n");
	add_data(&m, "/etc/ld.so.conf.d/opt.conf", 0644, "/opt/lib\n");
	/* without a cache made from it, ld.so never reads the configuration */
	assert_int_equal(lint_tree(&l, &m, "", 1), 0);
	expect_line(&l, "initrd 'main': libc.so.6 (needed by /bin/busybox) is not found (searched "
			"/lib/x86_64-linux-gnu, /usr/lib/x86_64-linux-gnu, /lib, /usr/lib)");
	lint_release(&l);
	add_data(&m, "/etc/ld.so.cache", 0644, "ld.so-1.7.0");
	assert_int_equal(lint_tree(&l, &m, "", 1), 0);
	expect_none(&l);
	lint_release(&l);
	manifest_release(&m);

	/* through a directory symlink of the image, absolute: from the image's root, not the
	 * host's (on the host /lib64 holds the real ld.so) */
	omit = LDSO;
	good_tree(&m);
	omit = NULL;
	assert_int_equal(manifest_add_symlink(&m, "/lib64", "/usr/lib64"), 0);
	assert_int_equal(lint_tree(&l, &m, "", 1), 0);
	expect_line(&l, "initrd 'main': " LDSO " (the ELF interpreter of /bin/busybox) is missing");
	lint_release(&l);
	assert_int_equal(manifest_add_file(&m, "/usr/lib64/ld-linux-x86-64.so.2", 0755, LDSO), 0);
	assert_int_equal(lint_tree(&l, &m, "", 1), 0);
	expect_none(&l);
	lint_release(&l);
	manifest_release(&m);
}

/* The program the kernel starts. */
static void rootfs_init(void **state)
{
	struct manifest m;
	struct lint l;
	(void)state;
	omit = NULL;
	good_tree(&m);
	/* ext2: the kernel runs /sbin/init of the mounted root */
	add_data(&m, "/sbin/init", 0644, "#!/bin/sh\n");
	assert_int_equal(lint_tree(&l, &m, "[initrd]\nformat = ext2\n", 1), 0);
	expect_line(&l, "initrd 'main': /sbin/init is not executable (mode 0644): the kernel starts "
			"it from an ext2 initrd (root=/dev/ram0)");
	lint_release(&l);
	add_data(&m, "/sbin/init", 0755, "echo hi\n");
	assert_int_equal(lint_tree(&l, &m, "", 1), 0);
	expect_line(&l, "initrd 'main': /init is neither an ELF program nor a #! script: the kernel "
			"starts it from a cpio initrd");
	lint_release(&l);
	manifest_release(&m);

	/* rdinit= and init= name another program */
	omit = "/init";
	good_tree(&m);
	omit = NULL;
	assert_int_equal(lint_tree(&l, &m, "[boot]\nappend = console=ttyS0 rdinit=/sbin/init\n", 1), 0);
	expect_none(&l);
	lint_release(&l);
	assert_int_equal(lint_tree(&l, &m, "[boot]\nappend = rdinit=/bin/init -- rdinit=/init\n", 1), 0);
	expect_one(&l, "initrd 'main': /bin/init is missing: the kernel starts it from a cpio "
		       "initrd\n");
	lint_release(&l);
	assert_int_equal(lint_tree(&l, &m, "[initrd]\nformat = ext2\n[boot]\nappend = init=/etc\n", 1),
			 0);
	expect_line(&l, "initrd 'main': /etc is a directory, not a program: the kernel starts it "
			"from an ext2 initrd (root=/dev/ram0)");
	lint_release(&l);
	/* a symlink loop leads nowhere */
	assert_int_equal(manifest_add_symlink(&m, "/init", "/init"), 0);
	assert_int_equal(lint_tree(&l, &m, "", 1), 0);
	expect_one(&l, "initrd 'main': /init is a symlink to '/init', which leads nowhere in the "
		       "image: the kernel starts it from a cpio initrd\n");
	lint_release(&l);
	manifest_release(&m);
}

static void rootfs_console_and_inittab(void **state)
{
	struct manifest m;
	struct lint l;
	(void)state;
	omit = NULL;
	good_tree(&m);
	assert_int_equal(manifest_add_node(&m, "/dev/console", MF_CHR, 0600, 4, 64), 0);
	assert_int_equal(lint_tree(&l, &m, "", 1), 0);
	expect_one(&l, "initrd 'main': /dev/console is another character device, not the console "
		       "device (character 5:1)\n");
	lint_release(&l);
	add_data(&m, "/dev/console", 0600, "x");
	assert_int_equal(lint_tree(&l, &m, "", 1), 0);
	expect_one(&l, "initrd 'main': /dev/console is a file, not the console device (character "
		       "5:1)\n");
	lint_release(&l);
	manifest_release(&m);

	/* no inittab: only a finding when the skeleton has one */
	omit = "/etc/inittab";
	good_tree(&m);
	omit = NULL;
	assert_int_equal(lint_tree(&l, &m, "", 0), 0);
	expect_none(&l);
	lint_release(&l);
	/* ... or when init is not BusyBox */
	add_data(&m, "/sbin/init", 0755, "#!/bin/sh\nexec sh\n");
	assert_int_equal(lint_tree(&l, &m, "", 1), 0);
	expect_none(&l);
	lint_release(&l);
	manifest_release(&m);

	/* a line BusyBox init cannot read, and a process run through /bin/sh -c */
	good_tree(&m);
	add_data(&m, "/etc/inittab", 0644,
		 "::sysinit:/etc/rc.d/rc.S\n::bogus:/bin/sh\nno colons\n::once:ls > /tmp/x\n");
	assert_int_equal(lint_tree(&l, &m, "", 1), 0);
	expect_line(&l, "initrd 'main': /etc/inittab:2: not id:runlevels:action:process with a known "
			"action (BusyBox init skips the line)");
	expect_line(&l, "initrd 'main': /etc/inittab:3: not id:runlevels:action:process with a known "
			"action (BusyBox init skips the line)");
	assert_int_equal(l.failed, 2);
	lint_release(&l);
	omit = "/bin/sh";
	manifest_release(&m);
	good_tree(&m);
	omit = NULL;
	add_data(&m, "/etc/inittab", 0644, "::once:ls > /tmp/x\n");
	add_data(&m, "/etc/rc.d/rc.S", 0755, "#!/bin/busybox sh\n");
	assert_int_equal(lint_tree(&l, &m, "", 1), 0);
	expect_one(&l, "initrd 'main': /bin/sh (started by /etc/inittab line 1) is missing\n");
	lint_release(&l);
	manifest_release(&m);
}

/* Every executable #! script: its interpreter. */
static void rootfs_scripts(void **state)
{
	struct manifest m;
	struct lint l;
	(void)state;
	omit = NULL;
	good_tree(&m);
	add_data(&m, "/etc/rc.d/rc.S", 0755, "#! /bin/bash -e\n");
	add_data(&m, "/usr/bin/hello", 0755, "#!/usr/bin/awk -f\n");
	add_data(&m, "/usr/bin/noexec", 0644, "#!/usr/bin/perl\n");
	add_data(&m, "/usr/bin/empty", 0755, "#!\n");
	add_data(&m, "/usr/bin/data", 0755, "#!/etc/profile\n");
	assert_int_equal(lint_tree(&l, &m, "", 1), 0);
	expect_line(&l, "initrd 'main': /bin/bash (the interpreter of /etc/rc.d/rc.S) is missing");
	expect_line(&l, "initrd 'main': /usr/bin/awk (the interpreter of /usr/bin/hello) is missing");
	expect_line(&l, "initrd 'main': /usr/bin/empty has no interpreter on its #! line");
	expect_line(&l, "initrd 'main': /etc/profile (the interpreter of /usr/bin/data) is not "
			"executable (mode 0644)");
	assert_int_equal(l.failed, 4); /* a script that is not executable is not run */
	lint_release(&l);
	manifest_release(&m);
}

/* rc.S that finds the boot medium with blkid needs /sbin/blkid; one that does not, does not. */
static void rootfs_blkid(void **state)
{
	struct manifest m;
	struct lint l;
	(void)state;
	omit = NULL;
	good_tree(&m);
	add_data(&m, "/etc/rc.d/rc.S", 0755, "#!/bin/sh\ndev=$(blkid /dev/sda1)\n");
	assert_int_equal(lint_tree(&l, &m, "", 1), 0);
	expect_line(&l, "initrd 'main': /sbin/blkid is missing: rc.S finds the boot medium with "
			"it (BusyBox's CONFIG_BLKID): without it every boot waits for it in vain "
			"(mkdistro.stickwait, 15 s) and /mnt/boot stays empty");
	assert_int_equal(l.failed, 1);
	lint_release(&l);
	add_link(&m, "/sbin/blkid", "../bin/busybox");
	assert_int_equal(lint_tree(&l, &m, "", 1), 0);
	expect_none(&l);
	assert_int_equal(l.checks, 14);
	lint_release(&l);
	manifest_release(&m);
}

/* What rootfs_build would have refused still gets a clear line, not a crash. */
static void rootfs_odd_elf(void **state)
{
	struct manifest m;
	struct lint l;
	(void)state;
	omit = NULL;
	good_tree(&m);
	add_data(&m, "/usr/bin/broken", 0755, "\177ELF\2\1\1");
	assert_int_equal(lint_tree(&l, &m, "", 1), 0);
	assert_int_equal(l.failed, 1);
	assert_non_null(strstr(l.findings.data, "initrd 'main': /usr/bin/broken is a malformed ELF file: "));
	lint_release(&l);
	manifest_release(&m);
}

/* A library's own missing library names the library.  mawk (Debian's required awk) needs
 * libm.so.6, which needs libc.so.6 in turn. */
static void rootfs_library_of_library(void **state)
{
	struct manifest m;
	struct lint l;
	struct buf b;
	struct elf_info info;
	int has_libm = 0;
	(void)state;
	buf_init(&b);
	assert_int_equal(read_file("/usr/bin/mawk", &b), 0);
	assert_int_equal(elf_parse(b.data, b.len, &info, NULL, 0), 0);
	for (size_t i = 0; i < info.n_needed; i++)
		has_libm |= !strcmp(info.needed[i], "libm.so.6");
	assert_true(has_libm);
	elf_info_release(&info);
	buf_release(&b);

	omit = LIBC;
	good_tree(&m);
	omit = NULL;
	add_file(&m, "/usr/bin/awk", 0755, "/usr/bin/mawk");
	add_file(&m, "/lib/x86_64-linux-gnu/libm.so.6", 0755, "/lib/x86_64-linux-gnu/libm.so.6");
	assert_int_equal(lint_tree(&l, &m, "", 1), 0);
	expect_line(&l, "initrd 'main': libc.so.6 (needed by /bin/busybox) is not found (searched "
			"/lib/x86_64-linux-gnu, /usr/lib/x86_64-linux-gnu, /lib, /usr/lib)");
	expect_line(&l, "initrd 'main': libc.so.6 (needed by /usr/bin/awk) is not found (searched "
			"/lib/x86_64-linux-gnu, /usr/lib/x86_64-linux-gnu, /lib, /usr/lib)");
	expect_line(&l, "initrd 'main': libc.so.6 (needed by /lib/x86_64-linux-gnu/libm.so.6) is not "
			"found (searched /lib/x86_64-linux-gnu, /usr/lib/x86_64-linux-gnu, /lib, "
			"/usr/lib)");
	assert_int_equal(l.failed, 3);
	lint_release(&l);
	/* with libc there, all is found, libm's need of ld-linux-x86-64.so.2 included */
	add_file(&m, LIBC, 0755, LIBC);
	assert_int_equal(lint_tree(&l, &m, "", 1), 0);
	expect_none(&l);
	lint_release(&l);
	manifest_release(&m);
}

/* /tmp, /var/tmp and /root, when there, have the modes the live system relies on; /etc/shadow
 * is root's alone. */
static void rootfs_modes(void **state)
{
	struct manifest m;
	struct lint l;
	(void)state;
	omit = NULL;
	good_tree(&m);
	assert_int_equal(manifest_add_dir(&m, "/tmp", 01777), 0);
	assert_int_equal(manifest_add_dir(&m, "/var/tmp", 01777), 0);
	assert_int_equal(manifest_add_dir(&m, "/root", 0700), 0);
	add_data(&m, "/etc/shadow", 0600, "root:*:1::::::\n");
	assert_int_equal(lint_tree(&l, &m, "", 1), 0);
	expect_none(&l);
	assert_int_equal(l.checks, 13 + 4);
	lint_release(&l);
	assert_int_equal(manifest_add_dir(&m, "/tmp", 0755), 0);
	assert_int_equal(manifest_add_dir(&m, "/root", 0755), 0);
	add_data(&m, "/etc/shadow", 0644, "root:*:1::::::\n");
	add_link(&m, "/var/tmp", "/tmp");
	assert_int_equal(lint_tree(&l, &m, "", 1), 0);
	expect_line(&l, "initrd 'main': /tmp has mode 0755, not 1777: anyone may make files there "
			"and only remove their own");
	expect_line(&l, "initrd 'main': /var/tmp is a symlink, not a directory: anyone may make "
			"files there and only remove their own");
	expect_line(&l, "initrd 'main': /root has mode 0755, not 0700: root's home is root's alone");
	expect_line(&l, "initrd 'main': /etc/shadow has mode 0644: other users can read the password "
			"hashes in it");
	assert_int_equal(l.failed, 4);
	lint_release(&l);
	manifest_release(&m);
}

/* With a root password: login is there, /etc/passwd sends it to /etc/shadow, and no console
 * gets a shell without it. */
static void rootfs_password(void **state)
{
	static const char hash[] = "[system]\nroot_password_hash = $6$saltstring$svn8UoSVapNtMuq1uk"
				   "KS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS3"
				   "5inz1\n";
	static const char guarded[] = "::sysinit:/etc/rc.d/rc.S\n"
				      "::respawn:/bin/cttyhack /etc/rc.d/rc.console\n"
				      "tty1::askfirst:/etc/rc.d/rc.console\n"
				      "ttyS1::respawn:/sbin/getty -L 115200 ttyS1 vt100\n"
				      "::shutdown:echo bye > /dev/console\n";
	struct manifest m;
	struct lint l;
	(void)state;
	omit = NULL;
	/* the old inittab: two shells straight on consoles */
	good_tree(&m);
	add_data(&m, "/etc/passwd", 0644, "root:x:0:0:root:/root:/bin/sh\n");
	add_data(&m, "/etc/shadow", 0600, "root:$6$x:1::::::\n");
	assert_int_equal(lint_tree(&l, &m, hash, 1), 0);
	expect_line(&l, "initrd 'main': /etc/inittab line 3 starts a shell (/bin/sh) without login: "
			"anyone at that console is root without the root password; start "
			"/etc/rc.d/rc.console (as the default rootfs/etc/inittab does) or /bin/login "
			"instead");
	expect_line(&l, "initrd 'main': /etc/inittab line 4 starts a shell (/bin/sh) without login: "
			"anyone at that console is root without the root password; start "
			"/etc/rc.d/rc.console (as the default rootfs/etc/inittab does) or /bin/login "
			"instead");
	expect_line(&l, "initrd 'main': /bin/login is missing: with a root password, the consoles "
			"ask for it through login (BusyBox's CONFIG_LOGIN)");
	assert_int_equal(l.failed, 3);
	lint_release(&l);
	/* without a password the same tree is fine */
	assert_int_equal(lint_tree(&l, &m, "", 1), 0);
	expect_none(&l);
	lint_release(&l);
	manifest_release(&m);

	/* the new inittab, login, and root in /etc/passwd with "x" */
	good_tree(&m);
	add_data(&m, "/etc/inittab", 0644, guarded);
	add_data(&m, "/etc/rc.d/rc.console", 0755, "#!/bin/sh\n[ -s /etc/shadow ] && exec /bin/login\n");
	add_link(&m, "/bin/login", "busybox");
	add_link(&m, "/sbin/getty", "../bin/busybox");
	add_data(&m, "/etc/passwd", 0644, "daemon:x:1:1::/:/bin/false\nroot:x:0:0:root:/root:/bin/sh\n");
	add_data(&m, "/etc/shadow", 0600, "root:$6$x:1::::::\n");
	assert_int_equal(lint_tree(&l, &m, hash, 1), 0);
	expect_none(&l);
	lint_release(&l);
	assert_int_equal(lint_tree(&l, &m, "[system]\nroot_password_file = pw\n", 1), 0);
	expect_none(&l);
	lint_release(&l);
	/* a password field of its own in /etc/passwd; or no root at all */
	add_data(&m, "/etc/passwd", 0644, "root::0:0:root:/root:/bin/sh\n");
	assert_int_equal(lint_tree(&l, &m, hash, 1), 0);
	expect_one(&l, "initrd 'main': /etc/passwd gives root the password field '', not 'x': login "
		       "never reads the hash [system] puts in /etc/shadow\n");
	lint_release(&l);
	add_data(&m, "/etc/passwd", 0644, "daemon:x:1:1::/:/bin/false");
	assert_int_equal(lint_tree(&l, &m, hash, 1), 0);
	expect_one(&l, "initrd 'main': /etc/passwd has no line for root, whose password [system] "
		       "sets\n");
	lint_release(&l);
	manifest_release(&m);
}

/* lint_image of one kernel and one tree, its stderr in msg; returns its result. */
static int image_lint(const struct plan *p, const char *cfg, const struct manifest *m,
		      const struct lint_modules *mods, struct buf *summary, char *msg, size_t len)
{
	const char *configs[] = {cfg};
	const struct manifest *trees[] = {m};
	struct stderr_capture c;
	int rc;
	stderr_begin(&c);
	rc = lint_image(p, configs, trees, mods, summary);
	stderr_end(&c, msg, len);
	return rc;
}

/* With a kernel that has modules, the boot loader does not load them: a file under /etc
 * must read mkdistro.modules=, and rc.hotplug, which does, needs unxz and cpio. */
static void image_modules(void **state)
{
	struct plan p;
	struct manifest m, mods_tree;
	struct buf summary;
	char *cfg = path_join(TMP_DIR, "config"), *expected = path_join(TMP_DIR, "expected");
	char msg[4096];
	const char *configs[] = {cfg};
	const struct manifest *trees[] = {&m};
	struct lint_modules mods[1];
	int rc;
	(void)state;
	plan_for(&p, "", 1);
	omit = NULL;
	good_tree(&m);
	manifest_init(&mods_tree);
	assert_int_equal(manifest_add_dir(&mods_tree, "/lib/modules/6.1.0", 0755), 0);
	add_data(&mods_tree, "/lib/modules/6.1.0/modules.dep", 0644, "");
	manifest_sort(&mods_tree);
	mods[0] = (struct lint_modules){&mods_tree, "6.1.0", expected};
	buf_init(&summary);
	assert_int_equal(write_file_atomic(cfg, good_config, strlen(good_config), 0644), 0);
	assert_int_equal(write_file_atomic(expected, "", 0, 0644), 0);

	rc = image_lint(&p, cfg, &m, mods, &summary, msg, sizeof(msg));
	assert_int_equal(rc, -1);
	assert_string_equal(msg, "mkdistro: lint: initrd 'main': no start-up script under /etc reads "
				 "mkdistro.modules=, so the kernel's modules would never be unpacked "
				 "and no driver module would load; the boot loader no longer loads "
				 "them, rc.hotplug does: copy /etc/rc.d/rc.hotplug from mkdistro's "
				 "rootfs/ (or set [kernel] modules = no)\n"
				 "mkdistro: lint: 1 of 33 checks failed\n");

	/* [boot] modules = initrd: the boot loader loads them, so no script needs to */
	{
		struct plan q;
		plan_for(&q, "[boot]\nmodules = initrd\n", 1);
		rc = image_lint(&q, cfg, &m, mods, &summary, msg, sizeof(msg));
		assert_int_equal(rc, 0);
		assert_string_equal(summary.data, "32 checks, all passed");
		buf_reset(&summary);
		config_release(&q);
	}

	add_data(&m, "/etc/rc.d/rc.hotplug", 0755,
		 "#!/bin/sh\ncase $arg in mkdistro.modules=*) ;; esac\nunxz -c \"$f\" | cpio -i -d\n");
	rc = image_lint(&p, cfg, &m, mods, &summary, msg, sizeof(msg));
	assert_int_equal(rc, -1);
	assert_non_null(strstr(msg, "initrd 'main': /usr/bin/unxz is missing: rc.hotplug unpacks the "
				    "kernel's modules with it (BusyBox's CONFIG_UNXZ)"));
	assert_non_null(strstr(msg, "initrd 'main': /bin/cpio is missing: rc.hotplug unpacks the "
				    "kernel's modules with it (BusyBox's CONFIG_CPIO)"));
	assert_non_null(strstr(msg, "lint: 2 of 36 checks failed\n"));

	add_link(&m, "/usr/bin/unxz", "../../bin/busybox");
	add_link(&m, "/bin/cpio", "busybox");
	rc = image_lint(&p, cfg, &m, mods, &summary, msg, sizeof(msg));
	assert_int_equal(rc, 0);
	assert_string_equal(msg, "");
	assert_string_equal(summary.data, "36 checks, all passed");

	/* without modules, neither rule applies */
	mods[0].tree = NULL;
	buf_reset(&summary);
	omit = NULL;
	assert_int_equal(lint_image(&p, configs, trees, mods, &summary), 0);
	assert_string_equal(summary.data, "31 checks, all passed");
	buf_release(&summary);
	manifest_release(&m);
	manifest_release(&mods_tree);
	config_release(&p);
	free(cfg);
	free(expected);
}

/* lint_image: the findings as errors, then the count; or the summary. */
static void image_all(void **state)
{
	struct plan p;
	struct manifest m;
	struct buf summary;
	char *cfg = path_join(TMP_DIR, "config"), msg[4096];
	const struct lint_modules mods[1] = {{0}};
	int rc;
	(void)state;
	plan_for(&p, "", 1);
	omit = NULL;
	good_tree(&m);
	buf_init(&summary);
	assert_int_equal(write_file_atomic(cfg, good_config, strlen(good_config), 0644), 0);
	rc = image_lint(&p, cfg, &m, mods, &summary, msg, sizeof(msg));
	assert_int_equal(rc, 0);
	assert_string_equal(msg, "");
	assert_string_equal(summary.data, "30 checks, all passed");

	buf_reset(&summary);
	assert_int_equal(write_file_atomic(cfg, good_config, strlen(good_config) - 23, 0644), 0);
	add_data(&m, "/etc/rc.d/rc.S", 0755, "#!/bin/ash\n");
	rc = image_lint(&p, cfg, &m, mods, &summary, msg, sizeof(msg));
	assert_int_equal(rc, -1);
	assert_string_equal(summary.data, "");
	assert_string_equal(msg, "mkdistro: lint: kernel 'main': CONFIG_NLS_ISO8859_1 is not set: vfat "
				 "mounts with iocharset iso8859-1 unless told otherwise\n"
				 "mkdistro: lint: initrd 'main': /bin/ash (the interpreter of "
				 "/etc/rc.d/rc.S) is missing\n"
				 "mkdistro: lint: 2 of 30 checks failed\n");

	/* a .config that cannot be read is an error, not a finding */
	unlink(cfg);
	rc = image_lint(&p, cfg, &m, mods, &summary, msg, sizeof(msg));
	assert_int_equal(rc, -1);
	assert_non_null(strstr(msg, "tests/tmp/lint/config"));
	buf_release(&summary);
	manifest_release(&m);
	config_release(&p);
	free(cfg);
}

/* manifest_resolve, which the root filesystem checks stand on. */
static void resolve(void **state)
{
	struct manifest m;
	(void)state;
	manifest_init(&m);
	assert_int_equal(manifest_add_file(&m, "/usr/lib/a", 0644, "/dev/null"), 0);
	assert_int_equal(manifest_add_symlink(&m, "/lib", "usr/lib"), 0);
	assert_int_equal(manifest_add_symlink(&m, "/usr/lib/b", "../lib/./a"), 0);
	assert_int_equal(manifest_add_symlink(&m, "/abs", "/lib/b"), 0);
	assert_int_equal(manifest_add_symlink(&m, "/loop1", "loop2"), 0);
	assert_int_equal(manifest_add_symlink(&m, "/loop2", "/loop1"), 0);
	assert_int_equal(manifest_add_symlink(&m, "/up", "../../../usr"), 0);
	assert_int_equal(manifest_add_hardlink(&m, "/usr/hard", 0644, "/usr/lib/a"), 0);
	assert_int_equal(manifest_add_symlink(&m, "/file-as-dir", "usr/lib/a/x"), 0);
	struct mf_entry *a = manifest_find(&m, "/usr/lib/a");
	assert_ptr_equal(manifest_resolve(&m, "/usr/lib/a"), a);
	assert_ptr_equal(manifest_resolve(&m, "/lib/a"), a);
	assert_ptr_equal(manifest_resolve(&m, "/lib/b"), a);
	assert_ptr_equal(manifest_resolve(&m, "/abs"), a);
	assert_ptr_equal(manifest_resolve(&m, "//usr/./lib/../lib/a"), a);
	assert_ptr_equal(manifest_resolve(&m, "/up/lib/a"), a); /* ".." stops at the root */
	assert_ptr_equal(manifest_resolve(&m, "/usr/hard"), a);
	assert_ptr_equal(manifest_resolve(&m, "/lib"), manifest_find(&m, "/usr/lib"));
	assert_null(manifest_resolve(&m, "/loop1"));
	assert_null(manifest_resolve(&m, "/usr/lib/a/x"));
	assert_null(manifest_resolve(&m, "/file-as-dir"));
	assert_null(manifest_resolve(&m, "/nothing"));
	assert_null(manifest_resolve(&m, "/"));
	assert_null(manifest_resolve(&m, "relative"));
	manifest_release(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kernel_good),
		cmocka_unit_test(kernel_each_rule),
		cmocka_unit_test(kernel_choices),
		cmocka_unit_test(kernel_consoles),
		cmocka_unit_test(kernel_arm64),
		cmocka_unit_test(kernel_variant_named),
		cmocka_unit_test(rootfs_good),
		cmocka_unit_test(rootfs_each_missing),
		cmocka_unit_test(rootfs_no_interpreter),
		cmocka_unit_test(rootfs_library_search),
		cmocka_unit_test(rootfs_init),
		cmocka_unit_test(rootfs_console_and_inittab),
		cmocka_unit_test(rootfs_scripts),
		cmocka_unit_test(rootfs_blkid),
		cmocka_unit_test(rootfs_odd_elf),
		cmocka_unit_test(rootfs_library_of_library),
		cmocka_unit_test(rootfs_modes),
		cmocka_unit_test(rootfs_password),
		cmocka_unit_test(image_all),
		cmocka_unit_test(image_modules),
		cmocka_unit_test(resolve),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
