/* test_grubcfg.c: unit tests for the grub.cfg generator (src/formats/grubcfg.c).
 *
 * The full menu (the one test_bootmenu.c renders for Syslinux) is compared byte for byte with
 * tests/golden/grub.cfg; the timeouts and the refusals on their own.  Whether GRUB runs the
 * text as meant is tests/e2e/83-arm64.sh's part (a real GRUB under QEMU).
 *
 * Run from the repository root.  MKDISTRO_UPDATE_GOLDEN=1 rewrites the golden file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "formats/grubcfg.h"
#include "sys/buf.h"

#define TMP_DIR "tests/tmp/grubcfg"
#include "testutil.h"

static const struct boot_label labels[] = {
	{"mm", "/boot/kernel/main.lk", "/boot/initrd/main.gz",
	 "console=ttyAMA0 mkdistro.stick=UUID=4D4B-4430"},
	{"mc", "/boot/kernel/main.lk", "/boot/initrd/main.gz,/boot/initrd/custom.gz",
	 "console=ttyAMA0  rdinit=/bin/sh x=\"a;b\" $y"},
	{"cm", "/boot/kernel/custom.lk", NULL, NULL},
};

static struct boot_menu menu(void)
{
	struct boot_menu m = {
		.labels = labels,
		.n = 3,
		.default_label = "mc",
		.prompt = 1,
		.timeout = 45,
		.serial = -1,
		.hd = BOOTMENU_HD_LOCALBOOT,
	};
	return m;
}

static void golden(void **state)
{
	struct boot_menu m = menu();
	struct buf out;
	(void)state;
	buf_init(&out);
	assert_int_equal(grubcfg_render(&m, &out), 0);
	golden_check("grub.cfg", out.data, out.len);
	/* tenths of a second round up to whole ones; Esc brings the prompt */
	assert_non_null(strstr(out.data, "if sleep --interruptible 5; then set label=mc; fi\n"));
	assert_non_null(strstr(out.data, GRUBCFG_ESC_HINT));
	/* every argument quoted for GRUB's shell, and no "boot:" outside the prompt */
	assert_non_null(strstr(out.data, "linux /boot/kernel/main.lk 'console=ttyAMA0' 'rdinit=/bin/sh' "
					 "'x=\"a;b\"' '$y'\n"));
	assert_non_null(strstr(out.data, "initrd /boot/initrd/main.gz /boot/initrd/custom.gz\n"));
	assert_ptr_equal(strstr(out.data, "boot:"), strstr(out.data, "boot: '"));
	buf_release(&out);
}

/* No timeout: the prompt at once; the default when Enter alone is typed. */
static void no_timeout(void **state)
{
	struct boot_menu m = menu();
	struct buf out;
	(void)state;
	m.timeout = 0;
	m.default_label = NULL;
	buf_init(&out);
	assert_int_equal(grubcfg_render(&m, &out), 0);
	assert_null(strstr(out.data, "sleep"));
	assert_non_null(strstr(out.data, "if [ -z \"$label\" ]; then set label=mm; fi\n"));
	buf_release(&out);
}

static void refused(void **state)
{
	static const struct boot_label quote[] = {{"mm", "/boot/kernel/main.lk", NULL, "a='b'"}};
	static const struct boot_label space[] = {{"mm", "/boot/kernel/ma in.lk", NULL, NULL}};
	struct boot_menu m = menu();
	struct buf out;
	char msg[512];
	struct stderr_capture c;
	(void)state;
	buf_init(&out);
	buf_adds(&out, "kept");
	m.labels = quote;
	m.n = 1;
	m.default_label = NULL;
	stderr_begin(&c);
	assert_int_equal(grubcfg_render(&m, &out), -1);
	stderr_end(&c, msg, sizeof(msg));
	assert_non_null(strstr(msg, "boot label 'mm': the kernel arguments have a single quote"));
	m.labels = space;
	stderr_begin(&c);
	assert_int_equal(grubcfg_render(&m, &out), -1);
	stderr_end(&c, msg, sizeof(msg));
	assert_non_null(strstr(msg, "has a space"));
	assert_string_equal(out.data, "kept");
	buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(golden),
		cmocka_unit_test(no_timeout),
		cmocka_unit_test(refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
