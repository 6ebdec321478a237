/* test_kconfig.c: unit tests for Kconfig fragment parsing and checking (src/formats/kconfig.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "formats/kconfig.h"
#define TMP_DIR "tests/tmp/kconfig"
#include "testutil.h"

/* Run f(k, text) with stderr captured into msg. */
static int capture(int (*f)(struct kconfig *, const char *, const char *, int), struct kconfig *k,
		   const char *text, int strict, char *msg, size_t len)
{
	struct stderr_capture c;
	int rc;
	stderr_begin(&c);
	rc = f(k, text, "kernel.config", strict);
	stderr_end(&c, msg, len);
	return rc;
}

static void parse_fragment(void **state)
{
	struct kconfig k;
	struct buf b;
	(void)state;
	kconfig_init(&k);
	assert_int_equal(kconfig_parse(&k,
				       "# a comment\n\nCONFIG_A=y\n  CONFIG_B=m\n# CONFIG_C is not set\n"
				       "CONFIG_D=16384\nCONFIG_E=\"a \\\"quoted\\\" string\"\n"
				       "CONFIG_F=0x1f\nCONFIG_G=-3\r\n",
				       "kernel.config", 1),
			 0);
	assert_int_equal(k.n, 7);
	assert_string_equal(kconfig_get(&k, "A"), "y");
	assert_string_equal(kconfig_get(&k, "B"), "m");
	assert_string_equal(kconfig_get(&k, "C"), "n");
	assert_string_equal(kconfig_get(&k, "D"), "16384");
	assert_string_equal(kconfig_get(&k, "E"), "\"a \\\"quoted\\\" string\"");
	assert_string_equal(kconfig_get(&k, "F"), "0x1f");
	assert_string_equal(kconfig_get(&k, "G"), "-3");
	assert_string_equal(kconfig_get(&k, "ABSENT"), "n");
	assert_int_equal(k.v[0].line, 3);
	assert_int_equal(k.v[2].line, 5);
	buf_init(&b);
	kconfig_render(&k, &b);
	assert_string_equal(b.data, "CONFIG_A=y\nCONFIG_B=m\n# CONFIG_C is not set\nCONFIG_D=16384\n"
				    "CONFIG_E=\"a \\\"quoted\\\" string\"\nCONFIG_F=0x1f\nCONFIG_G=-3\n");
	buf_release(&b);
	kconfig_release(&k);
}

/* A setting appended moves after every other (kbuild_configure: a fragment's choice member
 * is read after the base's and wins) */
static void append_moves_last(void **state)
{
	struct kconfig k;
	struct buf b;
	(void)state;
	kconfig_init(&k);
	assert_int_equal(kconfig_parse(&k, "# CONFIG_M586MMX is not set\nCONFIG_M686=y\nCONFIG_X=y\n",
				       ".config", 0),
			 0);
	kconfig_append(&k, "M586MMX", "y");
	kconfig_append(&k, "NEW", "m");
	kconfig_append(&k, "X", "y");
	buf_init(&b);
	kconfig_render(&k, &b);
	assert_string_equal(b.data, "CONFIG_M686=y\nCONFIG_M586MMX=y\nCONFIG_NEW=m\nCONFIG_X=y\n");
	assert_int_equal(k.n, 4);
	assert_string_equal(kconfig_get(&k, "M586MMX"), "y");
	buf_release(&b);
	kconfig_release(&k);
}

static void bad_fragments(void **state)
{
	static const struct {
		const char *text, *message;
	} cases[] = {
		{"CONFIG_A=y\nCONFIG_B\n", "kernel.config:2: expected CONFIG_NAME=value"},
		{"CONFIG_A=yes\n", "kernel.config:1: bad value 'yes' for CONFIG_A"},
		{"CONFIG_A=\"open\n", "kernel.config:1: bad value"},
		{"CONFIG_A=\"a\"b\"\n", "kernel.config:1: bad value"},
		{"CONFIG_A=\n", "kernel.config:1: bad value ''"},
		{"CONFIG_A=0x\n", "kernel.config:1: bad value '0x'"},
		{"CONFIG_A=y\nCONFIG_A=n\n", "kernel.config:2: CONFIG_A is set twice (first on line 1)"},
		{"CONFIG_A=y\n# CONFIG_A is not set\n", "kernel.config:2: CONFIG_A is set twice"},
		{"A=y\n", "kernel.config:1: expected"},
		{"CONFIG_=y\n", "kernel.config:1: expected"},
		{"# CONFIG_A is not set really\n", NULL}, /* just a comment */
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kconfig k;
		char msg[512];
		int rc;
		kconfig_init(&k);
		rc = capture(kconfig_parse, &k, cases[i].text, 1, msg, sizeof(msg));
		if (cases[i].message) {
			if (rc != -1 || !strstr(msg, cases[i].message))
				fail_msg("case %zu: rc %d, message '%s'", i, rc, msg);
		} else {
			assert_int_equal(rc, 0);
			assert_int_equal(k.n, 0);
		}
		kconfig_release(&k);
	}
}

static void lenient_dotconfig(void **state)
{
	struct kconfig k;
	(void)state;
	kconfig_init(&k);
	/* A .config as Kconfig writes it, with a line we do not understand: skipped. */
	assert_int_equal(kconfig_parse(&k, "#\n# Automatically generated file\n#\nCONFIG_A=y\n"
					   "garbage\nCONFIG_A=m\n",
				       ".config", 0),
			 0);
	assert_string_equal(kconfig_get(&k, "A"), "m");
	kconfig_release(&k);
}

static void check_dropped(void **state)
{
	struct kconfig want, got;
	struct stderr_capture c;
	char msg[2048];
	int bad;
	(void)state;
	kconfig_init(&want);
	kconfig_init(&got);
	assert_int_equal(kconfig_parse(&want, "CONFIG_A=y\nCONFIG_B=y\n# CONFIG_C is not set\n"
					      "CONFIG_D=100\n# CONFIG_E is not set\n",
				       "kernel.config", 1),
			 0);
	assert_int_equal(kconfig_parse(&got, "CONFIG_A=y\n# CONFIG_B is not set\nCONFIG_C=y\n"
					     "CONFIG_D=200\n",
				       ".config", 0),
			 0);
	stderr_begin(&c);
	bad = kconfig_check(&want, &got, "kernel.config", "olddefconfig");
	stderr_end(&c, msg, sizeof(msg));
	assert_int_equal(bad, 3);
	assert_non_null(strstr(msg, "kernel.config:2: CONFIG_B=y was dropped by olddefconfig (it is not set)"));
	assert_non_null(strstr(msg, "kernel.config:3: '# CONFIG_C is not set' was overridden by olddefconfig (it is y)"));
	assert_non_null(strstr(msg, "kernel.config:4: CONFIG_D=100 was dropped by olddefconfig (it is 200)"));
	assert_null(strstr(msg, "CONFIG_E"));
	assert_null(strstr(msg, "CONFIG_A"));
	kconfig_release(&want);
	kconfig_release(&got);
}

/* [kernel] modules = no: =m built in, module support off, lines kept; a fragment with no
 * modules left as it is. */
static void builtin_modules(void **state)
{
	struct kconfig k;
	(void)state;
	kconfig_init(&k);
	assert_int_equal(kconfig_parse(&k, "CONFIG_MODULES=y\nCONFIG_MODULE_UNLOAD=y\nCONFIG_E1000=m\n"
					   "CONFIG_NET=y\n# CONFIG_MODVERSIONS is not set\n",
				       "kernel.config", 1),
			 0);
	assert_int_equal(kconfig_builtin_modules(&k), 3);
	assert_string_equal(kconfig_get(&k, "MODULES"), "n");
	assert_string_equal(kconfig_get(&k, "MODULE_UNLOAD"), "n");
	assert_string_equal(kconfig_get(&k, "E1000"), "y");
	assert_string_equal(kconfig_get(&k, "NET"), "y");
	assert_int_equal(k.v[2].line, 3); /* E1000: still its line, for errors */
	kconfig_release(&k);

	kconfig_init(&k);
	assert_int_equal(kconfig_parse(&k, "CONFIG_NET=y\n", "kernel.config", 1), 0);
	assert_int_equal(kconfig_builtin_modules(&k), 0);
	assert_int_equal(k.n, 1);
	kconfig_release(&k);

	kconfig_init(&k);
	assert_int_equal(kconfig_parse(&k, "CONFIG_X=m\n", "kernel.config", 1), 0);
	assert_int_equal(kconfig_builtin_modules(&k), 1);
	assert_string_equal(kconfig_get(&k, "X"), "y");
	assert_string_equal(kconfig_get(&k, "MODULES"), "n");
	assert_int_equal(k.n, 2);
	kconfig_release(&k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_fragment),
		cmocka_unit_test(append_moves_last),
		cmocka_unit_test(builtin_modules),
		cmocka_unit_test(bad_fragments),
		cmocka_unit_test(lenient_dotconfig),
		cmocka_unit_test(check_dropped),
	};
	return cmocka_run_group_tests_name("kconfig", tests, NULL, NULL);
}
