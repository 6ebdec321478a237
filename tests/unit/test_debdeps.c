/* test_debdeps.c: unit tests for the closure over a fetched set of Debian packages
 * (src/formats/debdeps.c): the names of a relationship field, alternatives, Provides,
 * Pre-Depends, what is left out, and the errors that name the package. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "formats/debdeps.h"
#define TMP_DIR "tests/tmp/debdeps"
#include "testutil.h"

/* The names of field, joined with spaces. */
static char *names_of(const char *field)
{
	char **v;
	size_t n = debdeps_names(field, &v);
	struct buf b;
	buf_init(&b);
	for (size_t i = 0; i < n; i++) {
		buf_addf(&b, "%s%s", i ? " " : "", v[i]);
		free(v[i]);
	}
	free(v);
	return buf_detach(&b, NULL);
}

static void names(void **state)
{
	static const struct {
		const char *field, *want;
	} cases[] = {
		{"", ""},
		{"libc6 (>= 2.34)", "libc6"},
		{"libc6 (>= 2.34), libtinfo6 (>= 6)", "libc6 libtinfo6"},
		{"default-mta | mail-transport-agent", "default-mta mail-transport-agent"},
		{"python3:any (>= 3.7~), perl:native", "python3 perl"},
		{"foo [amd64] <!nocheck>, bar", "foo bar"},
		{" a,\n b (<< 2)\n | c ,a", "a b c"},
		{"x (= 1:2.0-1+b1)|y", "x y"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = names_of(cases[i].field);
		assert_string_equal(got, cases[i].want);
		free(got);
	}
}

/* A set like apt's for htop, e2fsprogs and a mail program, and the marks a closure makes. */
static const struct debpkg set[] = {
	{"libc6", "amd64", "libgcc-s1", NULL, NULL},
	{"libgcc-s1", "amd64", "gcc-12-base (= 12.2.0-14), libc6 (>= 2.35)", NULL, NULL},
	{"gcc-12-base", "amd64", NULL, NULL, NULL},
	{"libtinfo6", "amd64", "libc6 (>= 2.34)", NULL, NULL},
	{"htop", "amd64", "libc6 (>= 2.34), libtinfo6 (>= 6)", NULL, NULL},
	{"e2fsprogs", "amd64", "logsave", "libblkid1, libc6", NULL},
	{"logsave", "amd64", "libc6", NULL, NULL},
	{"libblkid1", "amd64", "libc6", NULL, NULL},
	{"mailx", "amd64", "default-mta | mail-transport-agent, libc6", NULL, NULL},
	{"exim4-daemon-light", "amd64", "libc6", NULL, "mail-transport-agent"},
	{"pci.ids", "all", NULL, NULL, NULL},
};
#define N (sizeof(set) / sizeof(set[0]))

static char *closure(const char *const *roots, size_t nroots, char **why)
{
	unsigned char need[N] = {0};
	struct buf b;
	buf_init(&b);
	if (debdeps_closure(set, N, roots, nroots, need, why) < 0) {
		buf_release(&b);
		return NULL;
	}
	for (size_t i = 0; i < N; i++)
		if (need[i])
			buf_addf(&b, "%s%s", b.len ? " " : "", set[i].name);
	return buf_detach(&b, NULL);
}

static void closures(void **state)
{
	static const char *const htop[] = {"htop"};
	static const char *const e2fs[] = {"e2fsprogs"};
	static const char *const mail[] = {"mailx"};
	static const char *const two[] = {"htop", "pci.ids"};
	char *why = NULL, *got;
	(void)state;
	got = closure(htop, 1, &why);
	assert_string_equal(got, "libc6 libgcc-s1 gcc-12-base libtinfo6 htop");
	free(got);
	/* Pre-Depends count */
	got = closure(e2fs, 1, &why);
	assert_string_equal(got, "libc6 libgcc-s1 gcc-12-base e2fsprogs logsave libblkid1");
	free(got);
	/* the first alternative is missing, the second is provided by a package */
	got = closure(mail, 1, &why);
	assert_string_equal(got, "libc6 libgcc-s1 gcc-12-base mailx exim4-daemon-light");
	free(got);
	got = closure(two, 2, &why);
	assert_string_equal(got, "libc6 libgcc-s1 gcc-12-base libtinfo6 htop pci.ids");
	free(got);
	assert_null(why);
}

static void errors(void **state)
{
	static const char *const absent[] = {"htop", "nosuch"};
	static const struct debpkg broken[] = {
		{"a", "amd64", "b, c | d", NULL, NULL},
		{"b", "amd64", NULL, NULL, NULL},
	};
	static const char *const a[] = {"a"};
	unsigned char need[2] = {0};
	char *why = NULL;
	(void)state;
	assert_null(closure(absent, 2, &why));
	assert_string_equal(why, "package nosuch is not among the packages fetched");
	free(why);
	assert_int_equal(debdeps_closure(broken, 2, a, 1, need, &why), -1);
	assert_string_equal(why, "package a needs c, which is not among the packages fetched");
	free(why);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names),
		cmocka_unit_test(closures),
		cmocka_unit_test(errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
