/* test_sources.c: unit tests for src/build/sources.c: a source tarball pinned by its SHA-256
 * (refused when missing or another file, unpacked once into the cache, its sum remembered),
 * and the .dsc of a Debian source package.  The Debian sources themselves (apt-get, dpkg)
 * are tested end to end by tests/e2e/72-archives.sh and 73-lock.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "build/sources.h"
#include "sys/hash.h"
#include "sys/spawn.h"
#define TMP_DIR "tests/tmp/sources"
#include "testutil.h"

static void put(const char *path, const char *text)
{
	assert_int_equal(write_file_atomic(path, text, strlen(text), 0644), 0);
}

static void dsc(void **state)
{
	char *got;
	(void)state;
	remove_tree(TMP_DIR);
	assert_int_equal(mkdir_p(TMP_DIR "/pkg", 0755), 0);
	assert_null(sources_dsc(TMP_DIR "/pkg"));
	assert_null(sources_dsc(TMP_DIR "/nonexistent"));
	put(TMP_DIR "/pkg/busybox_1.35.0-4.dsc", "Version: 1:1.35.0-4\n");
	put(TMP_DIR "/pkg/busybox_1.35.0.orig.tar.bz2", "");
	got = sources_dsc(TMP_DIR "/pkg");
	assert_string_equal(got, TMP_DIR "/pkg/busybox_1.35.0-4.dsc");
	free(got);
	/* two: which one is the package's is not for a guess */
	put(TMP_DIR "/pkg/busybox_1.36.1-1.dsc", "Version: 1:1.36.1-1\n");
	assert_null(sources_dsc(TMP_DIR "/pkg"));
	remove_tree(TMP_DIR);
}

/* sources_get for the kernel from path, its messages into msg. */
static int get(struct plan *plan, struct source *out, char *msg, size_t len)
{
	struct stderr_capture c;
	int rc;
	stderr_begin(&c);
	rc = sources_get(plan, "kernel", NULL, TMP_DIR "/log", out);
	stderr_end(&c, msg, len);
	return rc;
}

static void tarball(void **state)
{
	const char *tar[] = {"tar", "-C", TMP_DIR "/mk", "-czf", TMP_DIR "/linux-x.tar.gz", "linux-x",
			     NULL};
	struct child c = CHILD_INIT;
	struct plan plan;
	struct source out;
	char sum[65], upper[65], msg[1024], *want;
	(void)state;
	remove_tree(TMP_DIR);
	assert_int_equal(mkdir_p(TMP_DIR "/mk/linux-x", 0755), 0);
	put(TMP_DIR "/mk/linux-x/Makefile", "VERSION = 6\n");
	c.argv = tar;
	assert_int_equal(spawn_run(&c), 0);
	assert_int_equal(sha256_file(TMP_DIR "/linux-x.tar.gz", sum), 0);
	for (size_t i = 0; i < sizeof(upper); i++)
		upper[i] = (char)(sum[i] >= 'a' && sum[i] <= 'f' ? sum[i] - 'a' + 'A' : sum[i]);
	memset(&plan, 0, sizeof(plan));
	plan.cache_dir = xstrdup(TMP_DIR "/cache");
	plan.kernel_source = xstrdup(TMP_DIR "/linux-x.tar.gz");
	plan.kernel_sha256 = upper; /* compared without regard to case */

	/* first: hashed, unpacked into the cache */
	assert_int_equal(get(&plan, &out, msg, sizeof(msg)), 0);
	assert_non_null(strstr(msg, "hashing " TMP_DIR "/linux-x.tar.gz"));
	assert_non_null(strstr(msg, "unpacking " TMP_DIR "/linux-x.tar.gz"));
	want = xasprintf("sha256:%s", sum);
	assert_string_equal(out.id, want);
	free(want);
	want = xasprintf(TMP_DIR "/cache/src/tarball-%.16s/linux-x", sum);
	assert_string_equal(out.tree, want);
	free(want);
	assert_true(file_exists(out.tree));
	source_release(&out);
	/* again: the sum remembered, the tree there */
	assert_int_equal(get(&plan, &out, msg, sizeof(msg)), 0);
	assert_string_equal(msg, "");
	source_release(&out);
	/* another file than the one pinned */
	plan.kernel_sha256 = "0000000000000000000000000000000000000000000000000000000000000000";
	assert_int_equal(get(&plan, &out, msg, sizeof(msg)), -1);
	assert_non_null(strstr(msg, "but mkdistro.conf pins 0000000000000000000000000000000000000000"
				    "000000000000000000000000: refusing it"));
	source_release(&out);
	/* none */
	assert_int_equal(unlink(TMP_DIR "/linux-x.tar.gz"), 0);
	assert_int_equal(get(&plan, &out, msg, sizeof(msg)), -1);
	assert_non_null(strstr(msg, "source tarball '" TMP_DIR "/linux-x.tar.gz' does not exist"));
	source_release(&out);
	free(plan.cache_dir);
	free(plan.kernel_source);
	remove_tree(TMP_DIR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dsc),
		cmocka_unit_test(tarball),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
