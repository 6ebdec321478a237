/* test_stick.c: unit tests for the boot menu generated from the variants (src/build/stick.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "build/config.h"
#include "build/stick.h"
#include "sys/fs.h"
#define TMP_DIR "tests/tmp/stick"
#include "testutil.h"

/* Render the menu for a config text; rc of stick_menu, stderr in msg. */
static int menu(const char *conf, struct buf *out, char *msg, size_t len)
{
	struct plan p;
	struct stderr_capture c;
	int rc;
	config_defaults(&p, "/proj");
	assert_int_equal(config_parse_text(&p, "/proj/mkdistro.conf", conf), 0);
	stderr_begin(&c);
	rc = stick_menu(&p, NULL, NULL, STICK_FAT, out);
	stderr_end(&c, msg, len);
	config_release(&p);
	return rc;
}

/* The label names, space-separated. */
static void label_names(const char *cfg, char *names, size_t len)
{
	names[0] = '\0';
	for (const char *l = strstr(cfg, "LABEL "); l; l = strstr(l + 1, "\nLABEL ")) {
		const char *n = strstr(l, "LABEL ") + 6;
		strncat(names, n, strcspn(n, "\n"));
		strncat(names, " ", len - strlen(names) - 1);
	}
}

static void main_only(void **state)
{
	struct buf b;
	char msg[512], names[128];
	(void)state;
	buf_init(&b);
	assert_int_equal(menu("", &b, msg, sizeof(msg)), 0);
	label_names(b.data, names, sizeof(names));
	assert_string_equal(names, "mm hd ");
	assert_non_null(strstr(b.data, "LINUX /boot/kernel/main.lk\n  INITRD /boot/initrd/main.gz\n"));
	buf_release(&b);
}

static void four_labels(void **state)
{
	struct buf b;
	char msg[512], names[128];
	(void)state;
	buf_init(&b);
	assert_int_equal(menu("[kernel.custom]\nfragment = c.config\n[initrd.custom]\noverlay = o\n"
			      "stack = yes\n[label.cm]\nappend = quiet\n[boot]\ndefault = cc\n",
			      &b, msg, sizeof(msg)),
			 0);
	label_names(b.data, names, sizeof(names));
	assert_string_equal(names, "mm mc cm cc hd ");
	assert_non_null(strstr(b.data, "DEFAULT cc\n"));
	assert_non_null(strstr(b.data, "LABEL mc\n  LINUX /boot/kernel/main.lk\n"
				       "  INITRD /boot/initrd/main.gz,/boot/initrd/custom.gz\n"));
	assert_non_null(strstr(b.data, "LABEL cm\n  LINUX /boot/kernel/custom.lk\n"
				       "  INITRD /boot/initrd/main.gz\n"
				       "  APPEND console=tty0 console=ttyS0,115200 mkdistro.stick=UUID=4D4B-4430 quiet\n"));
	buf_release(&b);
}

static void ext2_arguments(void **state)
{
	struct buf b;
	char msg[512];
	(void)state;
	buf_init(&b);
	assert_int_equal(menu("[initrd]\nformat = ext2\nsize = 6000\n", &b, msg, sizeof(msg)), 0);
	assert_non_null(strstr(b.data, "APPEND console=tty0 console=ttyS0,115200 mkdistro.stick=UUID=4D4B-4430 root=/dev/ram0 rw "
				       "ramdisk_size=6000\n"));
	buf_release(&b);
}

/* A kernel's modules on the stick are named for rc.hotplug (mkdistro.modules=), after the
 * medium, and never loaded by the boot loader; a kernel without them gets no argument. */
static void modules_argument(void **state)
{
	struct plan p;
	struct buf b;
	char *dir = TMP_DIR "/stick/boot/initrd";
	(void)state;
	buf_init(&b);
	assert_int_equal(mkdir_p(dir, 0755), 0);
	assert_int_equal(write_file_atomic(TMP_DIR "/stick/boot/initrd/modules-custom.xz", "x", 1,
					   0644), 0);
	unlink(TMP_DIR "/stick/boot/initrd/modules.xz");
	config_defaults(&p, "/proj");
	assert_int_equal(config_parse_text(&p, "/proj/mkdistro.conf",
					   "[kernel.custom]\nfragment = c.config\n[label.cm]\nappend = quiet\n"),
			 0);
	assert_int_equal(stick_menu(&p, TMP_DIR "/stick", NULL, STICK_FAT, &b), 0);
	assert_non_null(strstr(b.data, "LABEL mm\n  LINUX /boot/kernel/main.lk\n"
				       "  INITRD /boot/initrd/main.gz\n"
				       "  APPEND console=tty0 console=ttyS0,115200 mkdistro.stick=UUID=4D4B-4430\n"));
	assert_non_null(strstr(b.data, "LABEL cm\n  LINUX /boot/kernel/custom.lk\n"
				       "  INITRD /boot/initrd/main.gz\n"
				       "  APPEND console=tty0 console=ttyS0,115200 mkdistro.stick=UUID=4D4B-4430 "
				       "mkdistro.modules=/boot/initrd/modules-custom.xz quiet\n"));
	buf_reset(&b);
	assert_int_equal(write_file_atomic(TMP_DIR "/stick/boot/initrd/modules.xz", "x", 1, 0644), 0);
	assert_int_equal(stick_menu(&p, TMP_DIR "/stick", NULL, STICK_FAT, &b), 0);
	assert_non_null(strstr(b.data, "  INITRD /boot/initrd/main.gz\n"
				       "  APPEND console=tty0 console=ttyS0,115200 mkdistro.stick=UUID=4D4B-4430 "
				       "mkdistro.modules=/boot/initrd/modules.xz\n"));
	assert_null(strstr(b.data, ".xz,"));
	config_release(&p);

	/* [boot] modules = initrd: the boot loader loads them after the initrd, as before */
	buf_reset(&b);
	config_defaults(&p, "/proj");
	assert_int_equal(config_parse_text(&p, "/proj/mkdistro.conf", "[boot]\nmodules = initrd\n"), 0);
	assert_int_equal(stick_menu(&p, TMP_DIR "/stick", NULL, STICK_FAT, &b), 0);
	assert_non_null(strstr(b.data, "  INITRD /boot/initrd/main.gz,/boot/initrd/modules.xz\n"
				       "  APPEND console=tty0 console=ttyS0,115200 mkdistro.stick=UUID=4D4B-4430\n"));
	assert_null(strstr(b.data, "mkdistro.modules="));
	config_release(&p);
	buf_release(&b);
}

/* The stick's menu names its FAT and persistence partition; the ISO's, its label only. */
static void medium_arguments(void **state)
{
	struct plan p;
	struct buf fat, iso;
	(void)state;
	buf_init(&fat);
	buf_init(&iso);
	config_defaults(&p, "/proj");
	assert_int_equal(config_parse_text(&p, "/proj/mkdistro.conf", "[image]\npersist = 16\n"), 0);
	assert_int_equal(stick_menu(&p, NULL, NULL, STICK_FAT, &fat), 0);
	assert_int_equal(stick_menu(&p, NULL, NULL, STICK_ISO, &iso), 0);
	assert_non_null(strstr(fat.data, "APPEND console=tty0 console=ttyS0,115200 "
					 "mkdistro.stick=UUID=4D4B-4430 mkdistro.persist=UUID=4d4b4430-"));
	assert_non_null(strstr(iso.data, "APPEND console=tty0 console=ttyS0,115200 "
					 "mkdistro.stick=LABEL=MKDISTRO\n"));
	assert_null(strstr(iso.data, "mkdistro.persist="));
	/* label hd: chain.c32 for the BIOS (the stick's second disk, a CD's first), LOCALBOOT
	 * for the EFI Syslinux; each EFI menu finds the medium as its BIOS menu does */
	assert_non_null(strstr(fat.data, "\nLABEL hd\n  COM32 chain.c32\n  APPEND hd1 swap\n"));
	assert_non_null(strstr(iso.data, "\nLABEL hd\n  COM32 chain.c32\n  APPEND hd0\n"));
	buf_release(&fat);
	buf_release(&iso);
	buf_init(&fat);
	buf_init(&iso);
	assert_int_equal(stick_menu(&p, NULL, NULL, STICK_FAT_EFI, &fat), 0);
	assert_int_equal(stick_menu(&p, NULL, NULL, STICK_ISO_EFI, &iso), 0);
	assert_non_null(strstr(fat.data, "mkdistro.persist=UUID=4d4b4430-"));
	assert_non_null(strstr(iso.data, "mkdistro.stick=LABEL=MKDISTRO\n"));
	assert_non_null(strstr(fat.data, "\nLABEL hd\n  LOCALBOOT 0x80\n"));
	assert_non_null(strstr(iso.data, "\nLABEL hd\n  LOCALBOOT 0x80\n"));
	config_release(&p);
	buf_release(&fat);
	buf_release(&iso);
}

static void errors(void **state)
{
	static const struct {
		const char *conf, *message;
	} cases[] = {
		{"[kernel.custom]\nfragment = a\n[kernel.cool]\nfragment = b\n",
		 "/proj/mkdistro.conf:3: kernel variants 'custom' and 'cool' both start with 'c'"},
		{"[initrd.debug]\noverlay = o\n[initrd.dev]\noverlay = p\n",
		 "initrd variants 'debug' and 'dev' both start with 'd'"},
		{"[kernel.hard]\nfragment = a\n[initrd.dbg]\noverlay = o\n",
		 "kernel 'hard' with initrd 'dbg' would be label 'hd'"},
		{"[boot]\ndefault = mc\n", "/proj/mkdistro.conf:2: [boot] default 'mc' is not a boot label"},
		{"[label.xy]\nappend = a\n", "/proj/mkdistro.conf:1: [label.xy] names no boot label"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct buf b;
		char msg[512];
		int rc;
		buf_init(&b);
		rc = menu(cases[i].conf, &b, msg, sizeof(msg));
		if (rc != -1 || !strstr(msg, cases[i].message))
			fail_msg("case %zu: rc %d, message '%s'", i, rc, msg);
		buf_release(&b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(main_only),
		cmocka_unit_test(four_labels),
		cmocka_unit_test(ext2_arguments),
		cmocka_unit_test(medium_arguments),
		cmocka_unit_test(modules_argument),
		cmocka_unit_test(errors),
	};
	return cmocka_run_group_tests_name("stick", tests, NULL, NULL);
}
