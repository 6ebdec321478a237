/* test_xz.c: unit tests for xz compression and decompression (src/formats/xz.c).
 *
 * Spec under test: the .xz file format.  The stream header is checked against the format's
 * field values (magic, then the check type: 1 = CRC32, the one the kernel's decoder checks),
 * and the dictionary against what `xz --list` reports; xz(1), run with posix_spawn, checks
 * interoperability both ways, so a missing xz fails the test.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "formats/xz.h"
#include "sys/buf.h"
#include "sys/fs.h"
#include "sys/spawn.h"

#define TMP_DIR "tests/tmp/xz"
#include "testutil.h"

static void test_header(void **state)
{
	/* magic FD 37 7A 58 5A 00, stream flags 00 01 (CRC32); footer ends in "YZ" */
	static const unsigned char want[8] = {0xfd, '7', 'z', 'X', 'Z', 0, 0, 1};
	struct buf out;
	(void)state;
	buf_init(&out);
	assert_int_equal(xz_compress("hello", 5, &out), 0);
	assert_true(out.len > 24);
	assert_memory_equal(out.data, want, sizeof(want));
	assert_memory_equal(out.data + out.len - 2, "YZ", 2);
	assert_true(xz_is_xz(out.data, out.len));
	assert_false(xz_is_xz("hello, world", 12));
	assert_false(xz_is_xz(out.data, 11));
	buf_release(&out);
}

static void test_roundtrip(void **state)
{
	static const size_t sizes[] = {0, 1, 100, 65539, 3 << 20};
	struct buf in, z, out;
	(void)state;

	buf_init(&in);
	buf_init(&z);
	buf_init(&out);
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		for (int text = 0; text <= 1; text++) {
			test_fill(&in, sizes[s], text);
			buf_reset(&z);
			buf_adds(&z, "prefix"); /* appended after what is there */
			assert_int_equal(xz_compress(in.data, in.len, &z), 0);
			assert_memory_equal(z.data, "prefix", 6);
			buf_reset(&out);
			buf_adds(&out, "before");
			assert_int_equal(xz_decompress(z.data + 6, z.len - 6, XZ_MAX_OUTPUT, &out), 0);
			assert_int_equal(out.len, 6 + in.len);
			assert_memory_equal(out.data, "before", 6);
			assert_memory_equal(out.data + 6, in.data, in.len);
			assert_int_equal(out.data[out.len], '\0');
		}
	}
	buf_release(&in);
	buf_release(&z);
	buf_release(&out);
}

static void test_deterministic(void **state)
{
	struct buf in, a, b;
	(void)state;
	buf_init(&in);
	buf_init(&a);
	buf_init(&b);
	test_fill(&in, 200000, 1);
	assert_int_equal(xz_compress(in.data, in.len, &a), 0);
	assert_int_equal(xz_compress(in.data, in.len, &b), 0);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.data, b.data, a.len);
	buf_release(&in);
	buf_release(&a);
	buf_release(&b);
}

/* xz(1) reads ours, and reports its check and dictionary; we read xz(1)'s, two streams
 * concatenated with padding between them. */
static void test_xz_tool(void **state)
{
	static const char *const unxz[] = {"xz", "-dc", NULL};
	static const char *const list[] = {"xz", "--robot", "--list", "-vv", TMP_DIR "/ours.xz", NULL};
	static const char *const xz9[] = {"xz", "-c", "-9", "--check=crc64", NULL};
	static const char zeros[8];
	struct buf in, z, out;
	(void)state;

	assert_int_equal(mkdir_p(TMP_DIR, 0755), 0);
	buf_init(&in);
	buf_init(&z);
	buf_init(&out);
	test_fill(&in, 300000, 1);
	assert_int_equal(write_file_atomic(TMP_DIR "/data", in.data, in.len, 0644), 0);

	assert_int_equal(xz_compress(in.data, in.len, &z), 0);
	assert_int_equal(write_file_atomic(TMP_DIR "/ours.xz", z.data, z.len, 0644), 0);
	assert_int_equal(test_run_tool(unxz, NULL, TMP_DIR "/ours.xz", TMP_DIR "/back"), 0);
	assert_int_equal(read_file(TMP_DIR "/back", &out), 0);
	assert_int_equal(out.len, in.len);
	assert_memory_equal(out.data, in.data, in.len);
	/* CRC32, and a dictionary of 512 KiB: 300000 bytes rounded up, not preset 9's 64 MiB */
	buf_reset(&out);
	assert_int_equal(test_run_tool(list, NULL, "/dev/null", TMP_DIR "/list"), 0);
	assert_int_equal(read_file(TMP_DIR "/list", &out), 0);
	assert_non_null(strstr(out.data, "\tCRC32\t"));
	assert_non_null(strstr(out.data, "--lzma2=dict=512KiB"));
	/* and at most 4 MiB, for 5 MiB of input */
	test_fill(&in, 5 << 20, 1);
	buf_reset(&z);
	assert_int_equal(xz_compress(in.data, in.len, &z), 0);
	assert_int_equal(write_file_atomic(TMP_DIR "/ours.xz", z.data, z.len, 0644), 0);
	buf_reset(&out);
	assert_int_equal(test_run_tool(list, NULL, "/dev/null", TMP_DIR "/list"), 0);
	assert_int_equal(read_file(TMP_DIR "/list", &out), 0);
	assert_non_null(strstr(out.data, "--lzma2=dict=4MiB"));
	test_fill(&in, 300000, 1);

	assert_int_equal(test_run_tool(xz9, NULL, TMP_DIR "/data", TMP_DIR "/theirs.xz"), 0);
	buf_reset(&z);
	assert_int_equal(read_file(TMP_DIR "/theirs.xz", &z), 0);
	buf_add(&z, zeros, 4); /* stream padding: a multiple of four NULs */
	{
		size_t one = z.len;
		buf_add(&z, z.data, one);
	}
	buf_reset(&out);
	assert_int_equal(xz_decompress(z.data, z.len, XZ_MAX_OUTPUT, &out), 0);
	assert_int_equal(out.len, 2 * in.len);
	assert_memory_equal(out.data, in.data, in.len);
	assert_memory_equal(out.data + in.len, in.data, in.len);
	buf_release(&in);
	buf_release(&z);
	buf_release(&out);
}

/* xz_decompress must fail and leave out as it was. */
static void expect_fail(const void *in, size_t n, size_t max)
{
	struct buf out;
	buf_init(&out);
	buf_adds(&out, "keep");
	assert_int_equal(xz_decompress(in, n, max, &out), -1);
	assert_int_equal(out.len, 4);
	assert_string_equal(out.data, "keep");
	buf_release(&out);
}

static void test_bad_input(void **state)
{
	static const char zeros[64];
	struct buf in, z, bad;
	(void)state;

	buf_init(&in);
	buf_init(&z);
	buf_init(&bad);
	test_fill(&in, 50000, 1);
	assert_int_equal(xz_compress(in.data, in.len, &z), 0);

	expect_fail("", 0, XZ_MAX_OUTPUT);
	expect_fail("hello, world, this is not xz", 28, XZ_MAX_OUTPUT);
	expect_fail(zeros, sizeof(zeros), XZ_MAX_OUTPUT);
	/* cut short, anywhere */
	for (size_t cut = 1; cut < z.len; cut += z.len / 7)
		expect_fail(z.data, cut, XZ_MAX_OUTPUT);
	expect_fail(z.data, z.len - 1, XZ_MAX_OUTPUT);
	/* a damaged byte in the block header, and in the data */
	for (size_t at = 0; at < 2; at++) {
		buf_reset(&bad);
		buf_add(&bad, z.data, z.len);
		bad.data[at ? z.len / 2 : 12 + 3] ^= 0x55;
		expect_fail(bad.data, bad.len, XZ_MAX_OUTPUT);
	}
	/* garbage after a good stream */
	buf_reset(&bad);
	buf_add(&bad, z.data, z.len);
	buf_adds(&bad, "trailing garbage");
	expect_fail(bad.data, bad.len, XZ_MAX_OUTPUT);
	/* the output cap: one byte short fails, the exact size passes */
	expect_fail(z.data, z.len, in.len - 1);
	buf_reset(&bad);
	assert_int_equal(xz_decompress(z.data, z.len, in.len, &bad), 0);
	assert_int_equal(bad.len, in.len);
	buf_release(&in);
	buf_release(&z);
	buf_release(&bad);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_xz_tool),
		cmocka_unit_test(test_bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
