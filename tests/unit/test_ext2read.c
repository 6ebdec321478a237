/* test_ext2read.c: unit tests for the ext2 initrd reader (src/formats/ext2read.c) on damaged and
 * crafted images.  The images are seeds of tests/fuzz/corpus/ext2/, kept as fuzz_ext2
 * takes them: without their first 1024 bytes (the boot block) and their trailing zeros. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "formats/ext2read.h"
#define TMP_DIR "tests/tmp/ext2read"
#include "testutil.h"

#define SEEDS "tests/fuzz/corpus/ext2/"

/* TMP_DIR/name.img: the seed name made whole again (a boot block, then zeros to 64 KiB). */
static char *image(const char *name)
{
	char *seed = xasprintf(SEEDS "%s", name), *img = xasprintf(TMP_DIR "/%s.img", name);
	struct buf b;
	buf_init(&b);
	buf_grow(&b, 1024);
	memset(b.data, 0, 1024);
	buf_setlen(&b, 1024);
	assert_int_equal(read_file(seed, &b), 0);
	assert_true(b.len <= 64 << 10);
	buf_grow(&b, (64 << 10) - b.len);
	memset(b.data + b.len, 0, (64 << 10) - b.len);
	buf_setlen(&b, 64 << 10);
	assert_int_equal(mkdir_p(TMP_DIR, 0755), 0);
	assert_int_equal(write_file_atomic(img, b.data, b.len, 0644), 0);
	assert_true(ext2read_is_ext2(b.data, b.len));
	buf_release(&b);
	free(seed);
	return img;
}

/* Set 32 bits at off of the image file img (little-endian, as ext2 keeps them). */
static void poke32(const char *img, size_t off, uint32_t v)
{
	struct buf b;
	buf_init(&b);
	assert_int_equal(read_file(img, &b), 0);
	assert_true(off + 4 <= b.len);
	for (int i = 0; i < 4; i++)
		b.data[off + i] = (char)(v >> (8 * i));
	assert_int_equal(write_file_atomic(img, b.data, b.len, 0644), 0);
	buf_release(&b);
}

static uint32_t peek32(const char *img, size_t off)
{
	struct buf b;
	uint32_t v = 0;
	buf_init(&b);
	assert_int_equal(read_file(img, &b), 0);
	for (int i = 0; i < 4; i++)
		v |= (uint32_t)(unsigned char)b.data[off + i] << (8 * i);
	buf_release(&b);
	return v;
}

static int count(void *ctx, const struct cpio_entry *e)
{
	(void)e;
	(*(int *)ctx)++;
	return 0;
}

/* Walk the image file img, counting members, as `initrd unpack` walks one: in memory. */
static int walk(const char *img, int *n, unsigned *kib)
{
	struct buf b;
	int ret;
	buf_init(&b);
	assert_int_equal(read_file(img, &b), 0);
	ret = ext2read_walk_mem(b.data, b.len, img, EXT2READ_MAX_FILE, count, n, kib);
	buf_release(&b);
	return ret;
}

/* Every member of a good image: the root, etc, etc/motd, motd, console, fifo, hard. */
static void good(void **state)
{
	char *img = image("tiny");
	unsigned kib = 0;
	int n = 0;
	(void)state;
	assert_int_equal(walk(img, &n, &kib), 0);
	assert_int_equal(n, 7);
	assert_int_equal(kib, 64);
	free(img);
}

/* A directory under a second name (a/b/d is also a/b/e, a/b is also a/c) was read again
 * with all below it, so that a chain of them doubled the walk at each level: 256 KiB made
 * `mkdistro initrd unpack` write millions of directories.  Now the second name is an
 * error, before anything under it is read. */
static void dir_linked_twice(void **state)
{
	struct stderr_capture c;
	char msg[512], *img = image("dir-linked-twice");
	unsigned kib = 0;
	int n = 0;
	(void)state;
	stderr_begin(&c);
	assert_int_equal(walk(img, &n, &kib), -1);
	stderr_end(&c, msg, sizeof(msg));
	assert_non_null(strstr(msg, "'a/b/e' is a second name of directory inode"));
	assert_int_equal(n, 5); /* ., a, a/b, a/b/d, a/b/e */
	free(img);
}

/* A file whose block lies outside the filesystem: an error naming it, and (under `make
 * asan`) no leak: the file was left open when the read failed (found by
 * tests/fuzz/fuzz_ext2). */
static void unreadable_file(void **state)
{
	struct stderr_capture c;
	char msg[512], *img = image("tiny");
	/* 1 KiB blocks: the group descriptor in block 2, its bg_inode_table at offset 8; the
	 * inode of etc/motd is 12, 128 bytes each, i_block[0] at offset 40 */
	size_t table = (size_t)peek32(img, 2048 + 8) * 1024;
	unsigned kib = 0;
	int n = 0;
	(void)state;
	assert_int_equal(peek32(img, table + 11 * 128 + 4), 6); /* i_size: "hello\n" */
	poke32(img, table + 11 * 128 + 40, 1000000);
	stderr_begin(&c);
	assert_int_equal(walk(img, &n, &kib), -1);
	stderr_end(&c, msg, sizeof(msg));
	assert_non_null(strstr(msg, "cannot read 'etc/motd'"));
	free(img);
}

/* The offset in img of the name of the root directory's entry name (found by its bytes). */
static size_t root_entry(const char *img, const char *name)
{
	size_t table = (size_t)peek32(img, 2048 + 8) * 1024;
	size_t block = (size_t)peek32(img, table + 1 * 128 + 40) * 1024, n = strlen(name);
	struct buf b;
	buf_init(&b);
	assert_int_equal(read_file(img, &b), 0);
	for (size_t at = block; at + 8 + n <= block + 1024; at++) {
		if ((unsigned char)b.data[at + 6] == n && !memcmp(b.data + at + 8, name, n)) {
			buf_release(&b);
			return at + 8;
		}
	}
	fail_msg("no entry '%s' in the root directory of %s", name, img);
	return 0;
}

/* Names ext2 does not allow: an empty one was given as "", which `initrd unpack` takes for
 * the directory itself; one with a '/' as a path (found by tests/fuzz/fuzz_ext2). */
static void bad_names(void **state)
{
	struct stderr_capture c;
	char msg[512], *img;
	unsigned kib = 0;
	size_t at;
	int n = 0;
	(void)state;
	img = image("tiny");
	at = root_entry(img, "motd");
	poke32(img, at - 4, peek32(img, at - 4) & 0xff00ffffu); /* name_len 0 */
	stderr_begin(&c);
	assert_int_equal(walk(img, &n, &kib), -1);
	stderr_end(&c, msg, sizeof(msg));
	assert_non_null(strstr(msg, "directory '.' has an entry whose name is empty or holds a '/'"));
	free(img);

	img = image("tiny");
	at = root_entry(img, "motd");
	poke32(img, at, peek32(img, at) ^ ('t' ^ '/') << 16); /* "mo/d" */
	stderr_begin(&c);
	assert_int_equal(walk(img, &n, &kib), -1);
	stderr_end(&c, msg, sizeof(msg));
	assert_non_null(strstr(msg, "has an entry whose name is empty or holds a '/'"));
	free(img);
}

/* In memory, as `initrd unpack` reads a (gunzipped) image: the same walk as from the file,
 * messages call it by the name given, and a file larger than max_file is an error. */
static void in_memory(void **state)
{
	struct stderr_capture c;
	char msg[512], *img = image("tiny");
	unsigned kib = 0;
	struct buf b;
	int n = 0;
	(void)state;
	buf_init(&b);
	assert_int_equal(read_file(img, &b), 0);
	assert_int_equal(ext2read_walk_mem(b.data, b.len, "initrd?.gz", 6, count, &n, &kib), 0);
	assert_int_equal(n, 7);
	assert_int_equal(kib, 64);
	n = 0;
	stderr_begin(&c);
	assert_int_equal(ext2read_walk_mem(b.data, b.len, "initrd.gz", 5, count, &n, &kib), -1);
	stderr_end(&c, msg, sizeof(msg));
	assert_non_null(strstr(msg, "'initrd.gz': 'etc/motd' is too large"));
	/* cut short: what lies past the end reads as zeros, and is an error, not a crash */
	stderr_begin(&c);
	assert_int_equal(ext2read_walk_mem(b.data, 4096, "cut.img", 6, count, &n, &kib), -1);
	stderr_end(&c, msg, sizeof(msg));
	assert_non_null(strstr(msg, "'cut.img'"));
	buf_release(&b);
	free(img);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good),
		cmocka_unit_test(dir_linked_twice),
		cmocka_unit_test(unreadable_file),
		cmocka_unit_test(bad_names),
		cmocka_unit_test(in_memory),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
