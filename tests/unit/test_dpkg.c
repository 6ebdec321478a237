/* test_dpkg.c: unit tests for src/build/dpkg.c, against the build host's own package
 * database (a Debian system, as mkdistro needs): the package that owns a file under each of
 * its spellings, installed versions, answers remembered while the database is unchanged, and
 * dpkg's MD5 sums.  dpkg's own /usr/bin/dpkg is the file every such host has. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "build/dpkg.h"
#define TMP_DIR "tests/tmp/dpkg"
#include "testutil.h"

static struct plan plan;

static int setup(void **state)
{
	(void)state;
	remove_tree(TMP_DIR);
	memset(&plan, 0, sizeof(plan));
	plan.cache_dir = xstrdup(TMP_DIR "/cache");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(plan.cache_dir);
	remove_tree(TMP_DIR);
	return 0;
}

static void owners(void **state)
{
	/* as shipped; through the usr-merge symlink /bin; through a symlink of its own; none */
	char *paths[] = {"/usr/bin/dpkg", "/bin/dpkg", TMP_DIR "/link", "/nonexistent/mkdistro"};
	struct dpkg_owner out[4];
	char *version = dpkg_installed(&plan, "dpkg", "/usr/bin/dpkg");
	const char *path = getenv("PATH");
	char *saved = xstrdup(path ? path : "/usr/bin:/bin");
	struct stderr_capture c;
	char msg[512];
	(void)state;
	assert_non_null(version);
	assert_int_equal(mkdir_p(TMP_DIR, 0755), 0);
	assert_int_equal(symlink("/usr/bin/dpkg", TMP_DIR "/link"), 0);
	for (int round = 0; round < 2; round++) {
		/* the second time dpkg-query cannot be run: the answers come from the memo */
		if (round)
			setenv("PATH", "/nonexistent", 1);
		assert_int_equal(dpkg_owners(&plan, paths, 4, out), 0);
		for (int i = 0; i < 3; i++) {
			assert_string_equal(out[i].pkg, "dpkg");
			assert_string_equal(out[i].version, version);
			assert_non_null(out[i].arch);
			dpkg_owner_release(&out[i]);
		}
		assert_null(out[3].pkg);
		assert_null(out[3].version);
	}
	/* another question is not in the memo */
	stderr_begin(&c);
	assert_int_equal(dpkg_owners(&plan, paths, 1, out), -1);
	stderr_end(&c, msg, sizeof(msg));
	assert_non_null(strstr(msg, "cannot run 'dpkg-query'"));
	assert_null(out[0].pkg);
	setenv("PATH", saved, 1);
	free(saved);
	free(version);
}

static void installed(void **state)
{
	char *v;
	(void)state;
	assert_null(dpkg_installed(&plan, "mkdistro-no-such-package", "/usr/bin/dpkg"));
	/* installed, but the file asked about is not there */
	assert_null(dpkg_installed(&plan, "dpkg", "/nonexistent/mkdistro"));
	v = dpkg_installed(&plan, "dpkg", "/usr/bin/dpkg");
	assert_non_null(v);
	assert_true(*v && !strchr(v, ' ') && !strchr(v, '\n'));
	free(v);
}

static void md5sums(void **state)
{
	struct stderr_capture c;
	char msg[512];
	(void)state;
	assert_int_equal(dpkg_check_md5("dpkg", "/usr/bin/dpkg"), 0);
	stderr_begin(&c);
	assert_int_equal(dpkg_check_md5("dpkg", "/nonexistent/mkdistro"), -1);
	stderr_end(&c, msg, sizeof(msg));
	assert_non_null(strstr(msg, "'/nonexistent/mkdistro' is not listed in /var/lib/dpkg/info/dpkg.md5sums"));
	stderr_begin(&c);
	assert_int_equal(dpkg_check_md5("mkdistro-no-such-package", "/usr/bin/dpkg"), -1);
	stderr_end(&c, msg, sizeof(msg));
	assert_non_null(strstr(msg, "mkdistro-no-such-package.md5sums"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(owners),
		cmocka_unit_test(installed),
		cmocka_unit_test(md5sums),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
