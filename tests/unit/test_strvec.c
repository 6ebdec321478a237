/* test_strvec.c: unit tests for the string vector (src/sys/strvec.c): it stays
 * NULL-terminated from init on, owns copies of what is pushed, grows past its first
 * allocation, and is empty and usable again after strvec_clear.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sys/strvec.h"

static void test_empty(void **state)
{
	struct strvec a;
	(void)state;
	strvec_init(&a);
	assert_non_null(a.v);
	assert_null(a.v[0]);
	assert_int_equal(a.n, 0);
	strvec_clear(&a); /* clearing an empty one frees nothing */
	assert_non_null(a.v);
	assert_null(a.v[0]);
}

static void test_push_copies(void **state)
{
	struct strvec a;
	char word[] = "-accel";
	const char *got;
	(void)state;
	strvec_init(&a);
	got = strvec_push(&a, word);
	word[1] = 'X';
	assert_string_equal(got, "-accel");
	assert_string_equal(a.v[0], "-accel");
	assert_ptr_equal(a.v[0], got);
	assert_null(a.v[1]);
	got = strvec_pushf(&a, "%u MiB, %s", 256u, "tcg");
	assert_string_equal(got, "256 MiB, tcg");
	assert_int_equal(a.n, 2);
	assert_null(a.v[2]);
	strvec_clear(&a);
	assert_int_equal(a.n, 0);
	assert_null(a.v[0]);
}

static void test_pushl_and_growth(void **state)
{
	struct strvec a;
	char name[16];
	(void)state;
	strvec_init(&a);
	strvec_pushl(&a, "qemu", "-m", "256", NULL);
	strvec_pushl(&a, NULL);
	assert_int_equal(a.n, 3);
	assert_string_equal(a.v[0], "qemu");
	assert_string_equal(a.v[2], "256");
	for (int i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "arg%d", i);
		strvec_push(&a, name);
		assert_null(a.v[a.n]);
	}
	assert_int_equal(a.n, 103);
	assert_string_equal(a.v[1], "-m");
	assert_string_equal(a.v[102], "arg99");
	strvec_clear(&a);
	/* usable again after clearing */
	strvec_push(&a, "again");
	assert_int_equal(a.n, 1);
	assert_string_equal(a.v[0], "again");
	assert_null(a.v[1]);
	strvec_clear(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_push_copies),
		cmocka_unit_test(test_pushl_and_growth),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
