/* test_fs.c: unit tests for read_file (src/sys/fs.c), which sizes its buffer by the file's
 * size and must read all of a file whatever that says: empty, around 64 KiB, large, a /proc
 * file that says 0 bytes, and appended to a buffer that holds something already. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define TMP_DIR "tests/tmp/util"
#include "testutil.h"

/* Write n bytes of a pattern to TMP_DIR/f and read them back, after prefix. */
static void round_trip(size_t n, const char *prefix)
{
	char *data = xmalloc(n + 1);
	struct buf b;
	for (size_t i = 0; i < n; i++)
		data[i] = (char)('a' + i % 23);
	assert_int_equal(write_file_atomic(TMP_DIR "/f", data, n, 0644), 0);
	buf_init(&b);
	buf_adds(&b, prefix);
	assert_int_equal(read_file(TMP_DIR "/f", &b), 0);
	assert_int_equal(b.len, strlen(prefix) + n);
	assert_memory_equal(b.data, prefix, strlen(prefix));
	assert_memory_equal(b.data + strlen(prefix), data, n);
	assert_int_equal(b.data[b.len], '\0');
	if (!*prefix && n < 4096)
		assert_true(b.cap <= 8192); /* sized by the file, not 128 KiB */
	buf_release(&b);
	free(data);
}

static void sizes(void **state)
{
	const size_t n[] = {0, 1, 63, 64, 4095, 65535, 65536, 65537, 131071, 131072, 300001};
	(void)state;
	remove_tree(TMP_DIR);
	assert_int_equal(mkdir_p(TMP_DIR, 0755), 0);
	for (size_t i = 0; i < sizeof(n) / sizeof(n[0]); i++) {
		round_trip(n[i], "");
		round_trip(n[i], "before:");
	}
	remove_tree(TMP_DIR);
}

/* /proc files say 0 bytes and hold more. */
static void proc_file(void **state)
{
	struct buf b;
	(void)state;
	buf_init(&b);
	assert_int_equal(read_file("/proc/self/status", &b), 0);
	assert_true(b.len > 100);
	assert_non_null(strstr(b.data, "\nPid:"));
	assert_int_equal(strlen(b.data), b.len);
	buf_release(&b);
}

/* file_starts_with: the magic of an ELF file, and what is too short or not there. */
static void starts_with(void **state)
{
	(void)state;
	assert_true(file_starts_with("/bin/true", "\177ELF", 4));
	assert_false(file_starts_with("/bin/true", "\177ELX", 4));
	assert_int_equal(mkdir_p(TMP_DIR, 0755), 0);
	assert_int_equal(write_file_atomic(TMP_DIR "/short", "\177E", 2, 0644), 0);
	assert_false(file_starts_with(TMP_DIR "/short", "\177ELF", 4));
	assert_false(file_starts_with(TMP_DIR "/none", "\177ELF", 4));
	remove_tree(TMP_DIR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sizes),
		cmocka_unit_test(proc_file),
		cmocka_unit_test(starts_with),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
