/* test_gz.c: unit tests for gzip compression and decompression (src/formats/gz.c).
 *
 * Spec under test: RFC 1952.  The header bytes are checked against the RFC's field values
 * (not against a stored file: compressed bytes may change between libdeflate versions, the
 * header may not); the trailer against the well-known CRC-32 of "hello".  gzip(1), run with
 * posix_spawn, checks interoperability both ways, so a missing gzip fails the test.
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

#include "formats/gz.h"
#include "sys/buf.h"
#include "sys/fs.h"
#include "sys/spawn.h"

#define TMP_DIR "tests/tmp/gz"
#include "testutil.h"

static void test_header(void **state)
{
	static const struct {
		int level;
		unsigned char xfl; /* RFC 1952: 2 = slowest/best, 4 = fastest */
	} cases[] = {{1, 4}, {2, 0}, {6, 0}, {7, 0}, {8, 2}, {9, 2}, {12, 2}};
	/* CRC-32 of "hello" is 0x3610a686; ISIZE 5; both little-endian. */
	static const unsigned char trailer[8] = {0x86, 0xa6, 0x10, 0x36, 5, 0, 0, 0};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const unsigned char want[10] = {
			0x1f, 0x8b,             /* ID1, ID2 */
			8,                      /* CM: deflate */
			0,                      /* FLG: no name, comment, extra, header CRC */
			0, 0, 0, 0,             /* MTIME: none */
			cases[i].xfl,           /* XFL */
			0xff,                   /* OS: unknown */
		};
		struct buf out;
		buf_init(&out);
		assert_int_equal(gz_compress("hello", 5, cases[i].level, &out), 0);
		assert_true(out.len > 18);
		assert_memory_equal(out.data, want, sizeof(want));
		assert_memory_equal(out.data + out.len - 8, trailer, 8);
		assert_true(gz_is_gzip(out.data, out.len));
		buf_release(&out);
	}
}

static void test_roundtrip(void **state)
{
	static const size_t sizes[] = {0, 1, 100, 65539, 3 << 20};
	static const int levels[] = {1, 6, 12};
	struct buf in, z, out;
	(void)state;

	buf_init(&in);
	buf_init(&z);
	buf_init(&out);
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		for (int text = 0; text <= 1; text++) {
			test_fill(&in, sizes[s], text);
			for (size_t l = 0; l < sizeof(levels) / sizeof(levels[0]); l++) {
				if (sizes[s] > 65539 && levels[l] == 12)
					continue; /* slow, and level 12 is covered at smaller sizes */
				buf_reset(&z);
				buf_adds(&z, "prefix"); /* appended after what is there */
				assert_int_equal(gz_compress(in.data, in.len, levels[l], &z), 0);
				assert_memory_equal(z.data, "prefix", 6);
				buf_reset(&out);
				buf_adds(&out, "before");
				assert_int_equal(gz_decompress(z.data + 6, z.len - 6, &out), 0);
				assert_int_equal(out.len, 6 + in.len);
				assert_memory_equal(out.data, "before", 6);
				assert_memory_equal(out.data + 6, in.data, in.len);
				assert_int_equal(out.data[out.len], '\0');
			}
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
	assert_int_equal(gz_compress(in.data, in.len, 9, &a), 0);
	assert_int_equal(gz_compress(in.data, in.len, 9, &b), 0);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.data, b.data, a.len);
	buf_release(&in);
	buf_release(&a);
	buf_release(&b);
}

static void test_gzip_tool(void **state)
{
	static const char *const gunzip[] = {"gzip", "-dc", NULL};
	/* gzip -c on a named file stores FNAME and MTIME: header fields we must skip. */
	static const char *const gzip_named[] = {"gzip", "-c", "-9", TMP_DIR "/data", NULL};
	struct buf in, z, out;
	(void)state;

	assert_int_equal(mkdir_p(TMP_DIR, 0755), 0);
	buf_init(&in);
	buf_init(&z);
	buf_init(&out);
	test_fill(&in, 300000, 1);
	assert_int_equal(write_file_atomic(TMP_DIR "/data", in.data, in.len, 0644), 0);

	/* ours -> gzip(1) */
	assert_int_equal(gz_compress(in.data, in.len, 6, &z), 0);
	assert_int_equal(write_file_atomic(TMP_DIR "/ours.gz", z.data, z.len, 0644), 0);
	assert_int_equal(test_run_tool(gunzip, NULL, TMP_DIR "/ours.gz", TMP_DIR "/ours.out"), 0);
	assert_int_equal(read_file(TMP_DIR "/ours.out", &out), 0);
	assert_int_equal(out.len, in.len);
	assert_memory_equal(out.data, in.data, in.len);

	/* gzip(1) -> ours */
	buf_reset(&z);
	buf_reset(&out);
	assert_int_equal(test_run_tool(gzip_named, NULL, "/dev/null", TMP_DIR "/theirs.gz"), 0);
	assert_int_equal(read_file(TMP_DIR "/theirs.gz", &z), 0);
	assert_true(z.data[3] & 0x08); /* FLG.FNAME is set, so the test means something */
	assert_int_equal(gz_decompress(z.data, z.len, &out), 0);
	assert_int_equal(out.len, in.len);
	assert_memory_equal(out.data, in.data, in.len);
	buf_release(&in);
	buf_release(&z);
	buf_release(&out);
}

static void test_multi_member(void **state)
{
	static const char zeros[8];
	struct buf a, b, z, out;
	(void)state;

	buf_init(&a);
	buf_init(&b);
	buf_init(&z);
	buf_init(&out);
	/* The first member is much bigger than the second, whose ISIZE ends the input: the
	 * size hint is wrong for the first and the output has to grow. */
	test_fill(&a, 2 << 20, 1);
	test_fill(&b, 1000, 0);
	assert_int_equal(gz_compress(a.data, a.len, 6, &z), 0);
	buf_add(&z, zeros, 7); /* NUL padding between members, as in an initramfs */
	assert_int_equal(gz_compress(b.data, b.len, 1, &z), 0);
	assert_int_equal(gz_compress("", 0, 6, &z), 0); /* an empty member */
	buf_add(&z, zeros, 3);                          /* and after the last */
	assert_int_equal(gz_decompress(z.data, z.len, &out), 0);
	assert_int_equal(out.len, a.len + b.len);
	assert_memory_equal(out.data, a.data, a.len);
	assert_memory_equal(out.data + a.len, b.data, b.len);

	/* Small first, big second: the hint is far too big for the first member. */
	buf_reset(&z);
	buf_reset(&out);
	assert_int_equal(gz_compress(b.data, b.len, 6, &z), 0);
	assert_int_equal(gz_compress(a.data, a.len, 6, &z), 0);
	assert_int_equal(gz_decompress(z.data, z.len, &out), 0);
	assert_int_equal(out.len, a.len + b.len);
	assert_memory_equal(out.data, b.data, b.len);
	assert_memory_equal(out.data + b.len, a.data, a.len);
	buf_release(&a);
	buf_release(&b);
	buf_release(&z);
	buf_release(&out);
}

/* gz_decompress must fail and leave out as it was. */
static void expect_fail(const void *in, size_t n)
{
	struct buf out;
	buf_init(&out);
	buf_adds(&out, "keep");
	assert_int_equal(gz_decompress(in, n, &out), -1);
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
	assert_int_equal(gz_compress(in.data, in.len, 6, &z), 0);

	expect_fail("", 0);
	expect_fail("hello, world, this is not gzip", 30);
	expect_fail(zeros, sizeof(zeros));
	/* cut short, anywhere */
	for (size_t cut = 1; cut < z.len; cut += z.len / 7)
		expect_fail(z.data, cut);
	expect_fail(z.data, z.len - 1);
	/* bad CRC, bad ISIZE, bad deflate data */
	for (size_t at = 0; at < 3; at++) {
		size_t pos[] = {z.len - 8, z.len - 2, z.len / 2};
		buf_reset(&bad);
		buf_add(&bad, z.data, z.len);
		bad.data[pos[at]] ^= 0x55;
		expect_fail(bad.data, bad.len);
	}
	/* garbage after a good member */
	buf_reset(&bad);
	buf_add(&bad, z.data, z.len);
	buf_adds(&bad, "trailing garbage");
	expect_fail(bad.data, bad.len);
	/* a member with an unknown method (CM 7) */
	buf_reset(&bad);
	buf_add(&bad, z.data, z.len);
	bad.data[2] = 7;
	expect_fail(bad.data, bad.len);
	buf_release(&in);
	buf_release(&z);
	buf_release(&bad);
}

static void test_output_cap(void **state)
{
	struct buf in, z, out;
	(void)state;

	buf_init(&in);
	buf_init(&z);
	buf_init(&out);
	/* 10 MiB of zeros shrinks to about 10 KiB: a small zip bomb. */
	while (in.len < (10u << 20))
		buf_add(&in, (char[4096]){0}, 4096);
	assert_int_equal(gz_compress(in.data, in.len, 9, &z), 0);
	assert_true(z.len < 64 * 1024);
	buf_adds(&out, "keep");
	assert_int_equal(gz_decompress_max(z.data, z.len, in.len - 1, &out), -1);
	assert_string_equal(out.data, "keep");
	assert_int_equal(gz_decompress_max(z.data, z.len, in.len, &out), 0);
	assert_int_equal(out.len, 4 + in.len);

	/* The cap is on the total, across members. */
	buf_reset(&z);
	buf_reset(&out);
	assert_int_equal(gz_compress(in.data, 100, 6, &z), 0);
	assert_int_equal(gz_compress(in.data, 100, 6, &z), 0);
	assert_int_equal(gz_decompress_max(z.data, z.len, 150, &out), -1);
	assert_int_equal(out.len, 0);
	assert_int_equal(gz_decompress_max(z.data, z.len, 200, &out), 0);
	assert_int_equal(out.len, 200);
	buf_release(&in);
	buf_release(&z);
	buf_release(&out);
}

static void test_is_gzip(void **state)
{
	static const unsigned char good[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
	unsigned char bad[10];
	(void)state;

	assert_true(gz_is_gzip(good, sizeof(good)));
	assert_false(gz_is_gzip(good, 9));
	assert_false(gz_is_gzip(NULL, 0));
	memcpy(bad, good, 10);
	bad[2] = 0; /* stored (CM 0) is not a gzip method */
	assert_false(gz_is_gzip(bad, 10));
	bad[2] = 7; /* nor is anything but 8 */
	assert_false(gz_is_gzip(bad, 10));
	bad[2] = 9;
	assert_false(gz_is_gzip(bad, 10));
	memcpy(bad, good, 10);
	bad[0] = 0x1e;
	assert_false(gz_is_gzip(bad, 10));
	memcpy(bad, good, 10);
	bad[1] = 0x9e; /* old "pack" magic 1f 9e */
	assert_false(gz_is_gzip(bad, 10));
	assert_false(gz_is_gzip("070701", 6));
}

static void test_level_range(void **state)
{
	struct buf out;
	(void)state;
	buf_init(&out);
	buf_adds(&out, "keep");
	assert_int_equal(gz_compress("x", 1, 0, &out), -1);
	assert_int_equal(gz_compress("x", 1, 13, &out), -1);
	assert_int_equal(gz_compress("x", 1, -1, &out), -1);
	assert_string_equal(out.data, "keep");
	buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_gzip_tool),
		cmocka_unit_test(test_multi_member),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_output_cap),
		cmocka_unit_test(test_is_gzip),
		cmocka_unit_test(test_level_range),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
