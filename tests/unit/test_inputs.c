/* test_inputs.c: unit tests for stage inputs and what changed (src/build/inputs.c), damaged cache
 * entries (src/build/cache.c) and remembered answers (src/build/memo.c). */
#include <setjmp.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "build/cache.h"
#include "build/config.h"
#include "build/inputs.h"
#include "build/memo.h"
#define TMP_DIR "tests/tmp/inputs"
#include "testutil.h"

static void fresh(void)
{
	remove_tree(TMP_DIR);
	assert_int_equal(mkdir_p(TMP_DIR, 0755), 0);
}

static void put(const char *name, const char *text)
{
	char *p = path_join(TMP_DIR, name);
	assert_int_equal(write_file_atomic(p, text, strlen(text), 0644), 0);
	free(p);
}

/* The change from the recorded old inputs to new, as inputs_changes says it. */
static char *changes(const char *old, const char *new)
{
	struct inputs in;
	struct buf why;
	char *rec = path_join(TMP_DIR, "record");
	inputs_init(&in);
	buf_init(&why);
	if (old) {
		buf_adds(&in.text, old);
		assert_int_equal(inputs_save(&in, rec), 0);
	}
	buf_reset(&in.text);
	buf_adds(&in.text, new);
	inputs_changes(&in, rec, &why);
	inputs_release(&in);
	free(rec);
	return buf_detach(&why, NULL);
}

static void check_change(const char *old, const char *new, const char *want)
{
	char *got = changes(old, new);
	struct buf why;
	assert_string_equal(got, want);
	free(got);
	/* the same answer from the texts in memory (what the fuzzer drives) */
	if (old) {
		buf_init(&why);
		inputs_diff(old, new, &why);
		assert_string_equal(why.data, want);
		buf_release(&why);
	}
}

static void what_changed(void **state)
{
	(void)state;
	fresh();
	check_change("a 1\nb 2\n", "a 1\nb 2\n", "");
	check_change("epoch 946684800\n", "epoch 1000000000\n", "epoch changed (946684800 -> 1000000000)");
	/* a setting added to a fragment, one removed, one changed */
	check_change("kernel.config CONFIG_A=y\nkernel.config CONFIG_B=y\n",
		     "kernel.config CONFIG_A=y\nkernel.config CONFIG_B=y\nkernel.config CONFIG_C=y\n",
		     "kernel.config changed (+CONFIG_C=y)");
	check_change("kernel.config CONFIG_A=y\nkernel.config CONFIG_B=y\n",
		     "kernel.config CONFIG_A=y\nkernel.config CONFIG_B=n\n",
		     "kernel.config changed (+CONFIG_B=n, -CONFIG_B=y)");
	/* files: contents by hash, not shown */
	check_change("/etc/motd file 0644 sha256:aa\n/etc/issue file 0644 sha256:bb\n",
		     "/etc/motd file 0644 sha256:cc\n/etc/issue file 0644 sha256:bb\n/etc/new file 0644 "
		     "sha256:dd\n",
		     "/etc/motd changed, /etc/new added");
	check_change("/a file sha256:1\n/b file sha256:2\n", "/a file sha256:1\n", "/b removed");
	/* many names: four, then a count */
	check_change("x 1\n", "a 1\nb 1\nc 1\nd 1\ne 1\nf 1\n",
		     "a added, b added, c added, d added, and 3 more");
	/* many values of one name */
	check_change("f CONFIG_A=y\n", "f CONFIG_A=y\nf CONFIG_B=y\nf CONFIG_C=y\nf CONFIG_D=y\nf CONFIG_E=y\n",
		     "f changed (+CONFIG_B=y, +CONFIG_C=y, +CONFIG_D=y, and 1 more)");
}

static void no_record(void **state)
{
	(void)state;
	fresh();
	check_change(NULL, "a 1\n", "no earlier build recorded");
}

/* A record a user edited, or a crash cut short, is only compared, never trusted: a line of
 * a name alone (once read past its end, taking the next line as its value) and an empty
 * record (once a memcpy from NULL, which `make asan` reports).  Found by
 * tests/fuzz/fuzz_inputs. */
static void damaged_record(void **state)
{
	(void)state;
	fresh();
	check_change("level\nzz 1\n", "level 6\nzz 1\n", "level changed ( -> 6)");
	check_change("a 1\nlevel\nlevel\n", "a 1\nlevel 6\n", "level changed (+6, -, -)");
	check_change("", "level 6\n", "level added");
	check_change("level 6\n", "", "level removed");
}

static void names_and_keys(void **state)
{
	struct inputs a, b;
	char ka[65], kb[65];
	(void)state;
	inputs_init(&a);
	inputs_init(&b);
	/* a space or newline in a name or value cannot make a second line or a false name */
	inputs_add(&a, "my file", "x\ny");
	assert_string_equal(a.text.data, "my_file x y\n");
	inputs_add(&b, "my file", "x\ny");
	inputs_key(&a, ka);
	inputs_key(&b, kb);
	assert_string_equal(ka, kb);
	inputs_add(&b, "epoch", "1");
	inputs_key(&b, kb);
	assert_string_not_equal(ka, kb);
	inputs_release(&a);
	inputs_release(&b);
}

static void tree_and_published(void **state)
{
	struct inputs in;
	char *rec = path_join(TMP_DIR, "rec"), *img = path_join(TMP_DIR, "img");
	(void)state;
	fresh();
	assert_int_equal(mkdir_p(TMP_DIR "/tree/boot", 0755), 0);
	put("tree/boot/a", "A");
	assert_int_equal(symlink("a", TMP_DIR "/tree/boot/l"), 0);
	inputs_init(&in);
	assert_int_equal(inputs_add_tree(&in, TMP_DIR "/tree"), 0);
	assert_string_equal(in.text.data,
			    "/boot dir 0755\n"
			    "/boot/a file 0644 "
			    "sha256:559aead08264d5795d3909718cdd05abd49572e84fe55590eef31a88a08fdffd\n"
			    "/boot/l symlink a\n");
	/* published: the same inputs and the same file, untouched since */
	put("img", "image");
	assert_int_equal(inputs_published(&in, rec, img), 0);
	assert_int_equal(inputs_save_published(&in, rec, img), 0);
	assert_int_equal(inputs_published(&in, rec, img), 1);
	put("img", "image"); /* rewritten: a new file, the same bytes */
	assert_int_equal(inputs_published(&in, rec, img), 0);
	assert_int_equal(inputs_save_published(&in, rec, img), 0);
	inputs_add(&in, "size", "65");
	assert_int_equal(inputs_published(&in, rec, img), 0);
	inputs_release(&in);
	free(rec);
	free(img);
}

/* A complete entry of the files under TMP_DIR, as a stage makes one. */
static int store(const char *entry, const char *const files[][2], const unsigned *modes, size_t n)
{
	char *tmp = cache_begin(entry);
	int ret = tmp && cache_copy_files(tmp, TMP_DIR, files, modes, n) == 0 &&
			  cache_commit(tmp, entry) == 0
		      ? 0
		      : -1;
	free(tmp);
	return ret;
}

static void damaged_entries(void **state)
{
	static const char *const files[][2] = {{"bzImage", "bzImage"}, {"config", "config"}};
	static const unsigned modes[] = {0644, 0644};
	struct plan plan;
	char *entry;
	char msg[512];
	struct stderr_capture c;
	(void)state;
	fresh();
	memset(&plan, 0, sizeof(plan));
	plan.cache_dir = xstrdup(TMP_DIR "/cache");
	put("bzImage", "kernel bytes");
	put("config", "CONFIG_X=y\n");
	entry = cache_entry(plan.cache_dir, "kernel", "k1");
	assert_int_equal(cache_complete(entry), 0); /* not there: not complete, no message */
	assert_int_equal(store(entry, files, modes, 2), 0);
	assert_int_equal(cache_complete(entry), 1);
	/* cut short after it was stored */
	assert_int_equal(truncate(TMP_DIR "/cache/kernel/k1/bzImage", 3), 0);
	stderr_begin(&c);
	assert_int_equal(cache_complete(entry), 0);
	stderr_end(&c, msg, sizeof(msg));
	assert_non_null(strstr(msg, "is damaged"));
	assert_int_equal(file_exists(entry), 0); /* removed, to be made again */
	/* a file missing */
	assert_int_equal(store(entry, files, modes, 2), 0);
	assert_int_equal(unlink(TMP_DIR "/cache/kernel/k1/config"), 0);
	stderr_begin(&c);
	assert_int_equal(cache_complete(entry), 0);
	stderr_end(&c, msg, sizeof(msg));
	/* an entry of an older mkdistro (an empty mark) is not trusted either */
	assert_int_equal(store(entry, files, modes, 2), 0);
	put("cache/kernel/k1/.complete", "");
	stderr_begin(&c);
	assert_int_equal(cache_complete(entry), 0);
	stderr_end(&c, msg, sizeof(msg));
	/* a half-written one (<key>.tmp, never renamed) is not seen at all */
	assert_int_equal(mkdir_p(TMP_DIR "/cache/kernel/k2.tmp", 0755), 0);
	free(entry);
	entry = cache_entry(plan.cache_dir, "kernel", "k2");
	assert_int_equal(cache_complete(entry), 0);
	free(entry);
	free(plan.cache_dir);
}

static void prune(void **state)
{
	struct plan plan;
	(void)state;
	fresh();
	memset(&plan, 0, sizeof(plan));
	plan.cache_dir = xstrdup(TMP_DIR "/cache");
	for (int i = 0; i < 5; i++) {
		char *p = xasprintf(TMP_DIR "/cache/initrd/k%d", i);
		struct timespec t[2] = {{.tv_sec = 1000 + i}, {.tv_sec = 1000 + i}};
		assert_int_equal(mkdir_p(p, 0755), 0);
		assert_int_equal(utimensat(AT_FDCWD, p, t, 0), 0);
		free(p);
	}
	assert_int_equal(mkdir_p(TMP_DIR "/cache/initrd/k9.tmp", 0755), 0);
	cache_touch(TMP_DIR "/cache/initrd/k0"); /* used now: the newest */
	cache_prune(plan.cache_dir, "initrd", 2);
	assert_int_equal(is_dir(TMP_DIR "/cache/initrd/k0"), 1);
	assert_int_equal(is_dir(TMP_DIR "/cache/initrd/k4"), 1);
	assert_int_equal(is_dir(TMP_DIR "/cache/initrd/k3"), 0);
	assert_int_equal(is_dir(TMP_DIR "/cache/initrd/k1"), 0);
	assert_int_equal(is_dir(TMP_DIR "/cache/initrd/k9.tmp"), 1); /* being written: left */
	free(plan.cache_dir);
}

static void memo(void **state)
{
	struct plan plan;
	const char *deps[] = {TMP_DIR "/dep", NULL};
	char *got;
	(void)state;
	fresh();
	memset(&plan, 0, sizeof(plan));
	plan.cache_dir = xstrdup(TMP_DIR "/cache");
	put("dep", "v1");
	assert_null(memo_get(plan.cache_dir, "gcc --version", deps));
	memo_put(plan.cache_dir, "gcc --version", deps, "gcc 12");
	got = memo_get(plan.cache_dir, "gcc --version", deps);
	assert_string_equal(got, "gcc 12");
	free(got);
	assert_null(memo_get(plan.cache_dir, "ld --version", deps)); /* another key */
	put("dep", "v2"); /* the program was replaced: asked again */
	assert_null(memo_get(plan.cache_dir, "gcc --version", deps));
	free(plan.cache_dir);
}

/* A file's SHA-256, read once while it is unchanged (a 140 MB tarball in a no-op build). */
static void memo_sum(void **state)
{
	static const char *const abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
	const char *cache = TMP_DIR "/cache";
	struct stderr_capture c;
	char sum[65], msg[512];
	(void)state;
	fresh();
	put("tarball", "abc");
	stderr_begin(&c);
	assert_int_equal(memo_sha256(cache, TMP_DIR "/tarball", 1, sum), 0);
	stderr_end(&c, msg, sizeof(msg));
	assert_string_equal(sum, abc);
	assert_string_equal(msg, "  hashing " TMP_DIR "/tarball\n");
	/* remembered: not read again, and nothing said */
	memset(sum, '0', 64);
	stderr_begin(&c);
	assert_int_equal(memo_sha256(cache, TMP_DIR "/tarball", 1, sum), 0);
	stderr_end(&c, msg, sizeof(msg));
	assert_string_equal(sum, abc);
	assert_string_equal(msg, "");
	/* changed: read again */
	put("tarball", "abd");
	stderr_begin(&c);
	assert_int_equal(memo_sha256(cache, TMP_DIR "/tarball", 0, sum), 0);
	stderr_end(&c, msg, sizeof(msg));
	assert_string_not_equal(sum, abc);
	assert_string_equal(msg, "");
	/* no cache: read every time, remembered nowhere */
	remove_tree(cache);
	assert_int_equal(memo_sha256(NULL, TMP_DIR "/tarball", 0, sum), 0);
	assert_int_equal(file_exists(cache), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(what_changed),   cmocka_unit_test(no_record),
		cmocka_unit_test(damaged_record),
		cmocka_unit_test(names_and_keys), cmocka_unit_test(tree_and_published),
		cmocka_unit_test(damaged_entries), cmocka_unit_test(prune),
		cmocka_unit_test(memo), cmocka_unit_test(memo_sum),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
