/* test_accel.c: unit tests for the accelerator choice (src/boot/accel.c): a name asked for,
 * by argument or by MKDISTRO_ACCEL (which wins, and is said in the reason), an unknown name,
 * "auto" on this host (whatever it picks, with a reason, and marked automatic unless the
 * variable asked for it), and the CPU flags read from /proc/cpuinfo texts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "boot/accel.h"

#define TMP_DIR "tests/tmp/accel"
#include "testutil.h"

static int clear_env(void **state)
{
	(void)state;
	unsetenv("MKDISTRO_ACCEL");
	return 0;
}

static void test_requested(void **state)
{
	struct accel a;
	(void)state;
	assert_int_equal(accel_choose("tcg", &a), 0);
	assert_string_equal(a.name, "tcg");
	assert_string_equal(a.why, "requested");
	assert_false(a.automatic);
	/* an empty variable is no choice */
	setenv("MKDISTRO_ACCEL", "", 1);
	assert_int_equal(accel_choose("tcg", &a), 0);
	assert_string_equal(a.why, "requested");
}

static void test_environment_wins(void **state)
{
	struct accel a;
	(void)state;
	setenv("MKDISTRO_ACCEL", "tcg", 1);
	assert_int_equal(accel_choose("kvm", &a), 0);
	assert_string_equal(a.name, "tcg");
	assert_string_equal(a.why, "MKDISTRO_ACCEL=tcg");
	assert_false(a.automatic);
	assert_int_equal(accel_choose(NULL, &a), 0);
	assert_string_equal(a.name, "tcg");
	/* auto from the variable: what auto finds, but a choice the user made */
	setenv("MKDISTRO_ACCEL", "auto", 1);
	assert_int_equal(accel_choose("tcg", &a), 0);
	assert_true(!strcmp(a.name, "kvm") || !strcmp(a.name, "tcg"));
	assert_false(a.automatic);
}

static void test_unknown(void **state)
{
	struct stderr_capture c;
	struct accel a;
	char msg[512];
	(void)state;
	stderr_begin(&c);
	assert_int_equal(accel_choose("xen", &a), -1);
	stderr_end(&c, msg, sizeof(msg));
	assert_non_null(strstr(msg, "unknown accelerator 'xen' (want auto, kvm or tcg)"));
	setenv("MKDISTRO_ACCEL", "bogus", 1);
	stderr_begin(&c);
	assert_int_equal(accel_choose("tcg", &a), -1);
	stderr_end(&c, msg, sizeof(msg));
	assert_non_null(strstr(msg, "unknown accelerator 'bogus' in MKDISTRO_ACCEL"));
}

/* Whatever this host has, auto picks one of the two, says why, and marks it automatic. */
static void test_auto(void **state)
{
	struct accel a, b;
	(void)state;
	assert_int_equal(accel_choose(NULL, &a), 0);
	assert_int_equal(accel_choose("auto", &b), 0);
	assert_true(!strcmp(a.name, "kvm") || !strcmp(a.name, "tcg"));
	assert_string_equal(a.name, b.name);
	assert_string_equal(a.why, b.why);
	assert_true(a.automatic);
	assert_true(a.why[0] != '\0');
	if (!strcmp(a.name, "kvm"))
		assert_non_null(strstr(a.why, "KVM with kvm_"));
}

static void test_cpuinfo(void **state)
{
	(void)state;
	assert_true(accel_cpuinfo_has_virt("processor\t: 0\nflags\t\t: fpu vme vmx sse\n"));
	assert_true(accel_cpuinfo_has_virt("flags\t: fpu svm\nbugs\t: x\n"));
	assert_true(accel_cpuinfo_has_virt("flags : vmx")); /* no newline at the end */
	assert_false(accel_cpuinfo_has_virt("flags\t\t: fpu vme sse hypervisor\n"));
	/* only the flags lines, and only whole words */
	assert_false(accel_cpuinfo_has_virt("model name\t: vmx svm\nflags\t: vmxx nosvm\n"));
	assert_false(accel_cpuinfo_has_virt(""));
	assert_true(accel_cpuinfo_has_virt("processor\t: 0\nflags\t: fpu\n\nprocessor\t: 1\n"
					   "flags\t: fpu svm\n"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_requested, clear_env),
		cmocka_unit_test_setup(test_environment_wins, clear_env),
		cmocka_unit_test_setup(test_unknown, clear_env),
		cmocka_unit_test_setup(test_auto, clear_env),
		cmocka_unit_test_setup(test_cpuinfo, clear_env),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
