/* test_tools.c: unit tests for the host tools check (src/build/tools.c): each CPU is asked
 * for its own loader tools and its own QEMU, each named with its Debian package.  PATH is
 * set to an empty directory, so that every program is missing and reported.
 *
 * Run from the repository root.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "build/arch.h"
#include "build/tools.h"

#define TMP_DIR "tests/tmp/tools"
#include "testutil.h"

static char msg[8192];

/* tools_check(need, CPU) with nothing in PATH: its result, its messages in msg */
static int check_empty_path(unsigned need, const char *cpu)
{
	struct stderr_capture c;
	char *old = getenv("PATH") ? xstrdup(getenv("PATH")) : NULL;
	int ret;
	remove_tree(TMP_DIR);
	assert_int_equal(mkdir_p(TMP_DIR, 0755), 0);
	setenv("PATH", TMP_DIR, 1);
	stderr_begin(&c);
	ret = tools_check(need, cpu ? arch_find(cpu) : NULL);
	stderr_end(&c, msg, sizeof(msg));
	if (old)
		setenv("PATH", old, 1);
	free(old);
	return ret;
}

static void build_tools(void **state)
{
	(void)state;
	assert_int_equal(check_empty_path(TOOLS_BUILD, "x86_64"), -1);
	assert_non_null(strstr(msg, "'mkfs.fat' is not found in PATH; install the Debian package "
				    "'dosfstools' (apt-get install dosfstools)"));
	assert_non_null(strstr(msg, "'syslinux' is not found in PATH; install the Debian package 'syslinux'"));
	assert_null(strstr(msg, "grub-mkimage"));
	/* arm64 boots through GRUB: no Syslinux asked for, grub-mkimage instead */
	assert_int_equal(check_empty_path(TOOLS_BUILD, "arm64"), -1);
	assert_non_null(strstr(msg, "'grub-mkimage' is not found in PATH; install the Debian "
				    "package 'grub-common'"));
	assert_null(strstr(msg, "syslinux"));
	assert_non_null(strstr(msg, "'mkfs.fat'"));
}

static void qemu(void **state)
{
	(void)state;
	assert_int_equal(check_empty_path(TOOLS_VM, "x86_64"), -1);
	assert_non_null(strstr(msg, "'qemu-system-x86_64' is not found in PATH; install the Debian "
				    "package 'qemu-system-x86'"));
	assert_int_equal(check_empty_path(TOOLS_VM, "i686"), -1);
	assert_non_null(strstr(msg, "'qemu-system-i386'"));
	assert_int_equal(check_empty_path(TOOLS_VM, "arm64"), -1);
	assert_non_null(strstr(msg, "'qemu-system-aarch64' is not found in PATH; install the Debian "
				    "package 'qemu-system-arm'"));
	assert_null(strstr(msg, "x86_64"));
	/* export's qemu-img: any CPU */
	assert_int_equal(check_empty_path(TOOLS_EXPORT, NULL), -1);
	assert_non_null(strstr(msg, "'qemu-img' is not found in PATH; install the Debian package 'qemu-utils'"));
	assert_null(strstr(msg, "qemu-system"));
	/* with the real PATH, every tool of this machine is there */
	assert_int_equal(tools_check(TOOLS_VM | TOOLS_EXPORT, arch_find("arm64")), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(build_tools),
		cmocka_unit_test(qemu),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
