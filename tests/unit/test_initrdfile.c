/* test_initrdfile.c: unit tests for `mkdistro initrd unpack` and `pack` (src/tools/initrdfile.c)
 * on damaged and hostile input: the archives and lists tests/fuzz/ found trouble with; and
 * the round trip of an ext2 initrd, byte for byte.  The round trips of real initrds are
 * tested end to end (tests/e2e/70-initrd-tools.sh). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "formats/cpio.h"
#include "formats/gz.h"
#include "tools/initrdfile.h"
#define TMP_DIR "tests/tmp/initrdfile"
#include "testutil.h"

static void fresh(void)
{
	remove_tree(TMP_DIR);
	assert_int_equal(mkdir_p(TMP_DIR, 0755), 0);
}

/* TMP_DIR/name: a newc archive of one member, then the trailer. */
static char *one_member(const char *name, uint32_t mode, const char *data)
{
	char *path = path_join(TMP_DIR, name[0] == '.' ? "archive.cpio" : name);
	struct cpio_writer w;
	struct buf b;
	buf_init(&b);
	cpio_writer_init(&w, cpio_sink_buf, &b);
	assert_int_equal(cpio_write_entry(&w, name, mode, 0, 0, 1, 0, 0, 0, data, strlen(data)), 0);
	assert_int_equal(cpio_write_trailer(&w), 0);
	assert_int_equal(write_file_atomic(path, b.data, b.len, 0644), 0);
	buf_release(&b);
	return path;
}

/* Unpack writes its list as DIR/.mkdistro-initrd.tmp, renamed to DIR/.mkdistro-initrd: a
 * member by either name was overwritten, and a symlink by the .tmp name had the list
 * written wherever it pointed, outside DIR (found by tests/fuzz/fuzz_initrd_unpack). */
static void unpack_list_names(void **state)
{
	struct stderr_capture c;
	char msg[512], *archive;
	(void)state;
	fresh();
	archive = one_member(INITRDFILE_LIST ".tmp", 0120777, "../outside");
	stderr_begin(&c);
	assert_int_equal(initrdfile_unpack(archive, TMP_DIR "/dir"), -1);
	stderr_end(&c, msg, sizeof(msg));
	assert_non_null(strstr(msg, "refusing member '.mkdistro-initrd.tmp': unpack writes its "
				    "own list there"));
	assert_false(file_exists(TMP_DIR "/outside"));
	free(archive);

	fresh();
	archive = one_member(INITRDFILE_LIST, 0100644, "a file of the archive\n");
	stderr_begin(&c);
	assert_int_equal(initrdfile_unpack(archive, TMP_DIR "/dir"), -1);
	stderr_end(&c, msg, sizeof(msg));
	assert_non_null(strstr(msg, "refusing member '.mkdistro-initrd'"));
	free(archive);
}

/* pack: DIR holding only the list text. */
static int pack(const char *list, const char *out)
{
	assert_int_equal(mkdir_p(TMP_DIR "/dir", 0755), 0);
	assert_int_equal(write_file_atomic(TMP_DIR "/dir/" INITRDFILE_LIST, list, strlen(list),
					   0644), 0);
	return initrdfile_pack(TMP_DIR "/dir", out, 0);
}

/* "pad N" asks for N NUL bytes after the trailer: pack once added them one at a time, for
 * any N, so that a damaged list filled memory for minutes (found by
 * tests/fuzz/fuzz_initrd_list).  Now at most 64 MiB, added at once. */
static void pack_pad(void **state)
{
	struct stderr_capture c;
	char msg[512];
	struct buf b;
	(void)state;
	fresh();
	assert_int_equal(pack("gzip none\npad 5\n", TMP_DIR "/out.cpio"), 0);
	buf_init(&b);
	assert_int_equal(read_file(TMP_DIR "/out.cpio", &b), 0);
	assert_true(b.len > 5 + 120);
	/* the trailer's name, its NUL and 3 bytes to the 4-byte boundary, then the 5 */
	assert_memory_equal(b.data + b.len - 19, "TRAILER!!!\0\0\0\0\0\0\0\0\0", 19);
	buf_release(&b);

	stderr_begin(&c);
	assert_int_equal(pack("gzip none\npad 99999999999\n", TMP_DIR "/big.cpio"), -1);
	stderr_end(&c, msg, sizeof(msg));
	assert_non_null(strstr(msg, INITRDFILE_LIST ":2: 'pad 99999999999' is more than 64 MiB "
				    "of padding"));
	assert_false(file_exists(TMP_DIR "/big.cpio"));
}

/* MODE in the list is permission bits: pack ORs them into the type, so "dir bin 0100755"
 * once went into the archive as a socket (S_IFDIR | S_IFREG), without a word. */
static void pack_mode_with_type(void **state)
{
	struct stderr_capture c;
	char msg[512];
	(void)state;
	fresh();
	stderr_begin(&c);
	assert_int_equal(pack("gzip none\ndir bin 0100755 0 0 0 2 2\n", TMP_DIR "/out.cpio"), -1);
	stderr_end(&c, msg, sizeof(msg));
	assert_non_null(strstr(msg, INITRDFILE_LIST ":2: not a line of an initrd list"));
	assert_int_equal(pack("gzip none\ndir bin 7777 0 0 0 2 2\n", TMP_DIR "/out.cpio"), 0);
}

/* initrdfile_cpio is pack's work in memory: the same bytes initrdfile_pack writes to a
 * .cpio, from the list's text; a list of an ext2 initrd is refused, naming the list. */
static void cpio_in_memory(void **state)
{
	const char *list = "gzip none\npad 3\ndir . 0755 0 0 946684800 1 2\n"
			   "nod-c dev/console 0600 0 0 946684800 2 1 5 1\n";
	struct stderr_capture c;
	struct buf file, mem;
	char msg[512];
	(void)state;
	fresh();
	assert_int_equal(pack(list, TMP_DIR "/out.cpio"), 0);
	buf_init(&file);
	buf_init(&mem);
	assert_int_equal(read_file(TMP_DIR "/out.cpio", &file), 0);
	assert_int_equal(initrdfile_cpio(TMP_DIR "/dir", list, "the list", &mem), 0);
	assert_int_equal(mem.len, file.len);
	assert_memory_equal(mem.data, file.data, file.len);
	assert_non_null(memmem(mem.data, mem.len, "dev/console", 11));
	buf_reset(&mem);
	stderr_begin(&c);
	assert_int_equal(initrdfile_cpio(TMP_DIR "/dir", "ext2 4096\n", "the list", &mem), -1);
	stderr_end(&c, msg, sizeof(msg));
	assert_non_null(strstr(msg, "the list: the list is of an ext2 initrd"));
	buf_release(&file);
	buf_release(&mem);
}

/* Packing an ext2 initrd works in a directory under $TMPDIR (then /tmp), not always /tmp. */
static void pack_ext2_tmpdir(void **state)
{
	struct stderr_capture c;
	char msg[512];
	(void)state;
	fresh();
	setenv("TMPDIR", TMP_DIR "/no/such/dir", 1);
	stderr_begin(&c);
	assert_int_equal(pack("ext2 64\n", TMP_DIR "/out.img"), -1);
	stderr_end(&c, msg, sizeof(msg));
	unsetenv("TMPDIR");
	assert_non_null(strstr(msg, "cannot make a directory like '" TMP_DIR
				    "/no/such/dir/mkdistro-pack."));
	assert_false(file_exists(TMP_DIR "/out.img"));
}

/* TMP_DIR/name: the golden ext2 initrd of test_ext2image.c, gunzipped. */
static char *golden_ext2(const char *name)
{
	char *path = path_join(TMP_DIR, name);
	struct buf gz, img;
	buf_init(&gz);
	buf_init(&img);
	golden_read("initrd.ext2.gz", &gz);
	assert_int_equal(gz_decompress(gz.data, gz.len, &img), 0);
	assert_int_equal(write_file_atomic(path, img.data, img.len, 0644), 0);
	buf_release(&gz);
	buf_release(&img);
	return path;
}

/* An ext2 initrd unpacked and packed again is the same bytes: its list says everything
 * that mke2fs -d and the finishing with libext2fs make it from. */
static void ext2_round_trip(void **state)
{
	struct buf a, b;
	char *img;
	(void)state;
	fresh();
	img = golden_ext2("golden.img");
	assert_int_equal(initrdfile_unpack(img, TMP_DIR "/dir"), 0);
	assert_int_equal(initrdfile_pack(TMP_DIR "/dir", TMP_DIR "/again.img", 0), 0);
	buf_init(&a);
	buf_init(&b);
	assert_int_equal(read_file(img, &a), 0);
	assert_int_equal(read_file(TMP_DIR "/again.img", &b), 0);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.data, b.data, a.len);
	buf_release(&a);
	buf_release(&b);
	free(img);
}

/* Names with '"' and '\' (which a script of debugfs commands cannot quote) pack into ext2,
 * listed and added, and unpack again to the same list. */
static void ext2_any_name(void **state)
{
	const char *list = "gzip none\n"
			   "dir . 0755 0 0 946684800 2 3\n"
			   "dir dev 0755 0 0 946684800 12 2\n"
			   "nod-c dev/\"tty\" 0620 0 5 946684800 13 1 4 1\n"
			   "fifo dev/back\\slash%20fifo 0600 0 0 946684800 14 1\n"
			   "ext2 1024\n";
	struct buf text;
	char *again;
	(void)state;
	fresh();
	assert_int_equal(mkdir_p(TMP_DIR "/dir/dev", 0755), 0);
	assert_int_equal(write_file_atomic(TMP_DIR "/dir/a \"quoted\\name\"", "x\n", 2, 0644), 0);
	assert_int_equal(pack(list, TMP_DIR "/out.img"), 0);
	assert_int_equal(initrdfile_unpack(TMP_DIR "/out.img", TMP_DIR "/again"), 0);
	buf_init(&text);
	assert_int_equal(read_file(TMP_DIR "/again/" INITRDFILE_LIST, &text), 0);
	again = strchr(text.data, '\n') + 1; /* past the comment naming the file */
	assert_non_null(strstr(again, "\nfile a%20\"quoted\\name\" 0644 0 0 "));
	assert_non_null(strstr(again, "\ndir dev 0755 0 0 946684800 "));
	assert_non_null(strstr(again, "\nnod-c dev/\"tty\" 0620 0 5 946684800 "));
	assert_non_null(strstr(again, "\nfifo dev/back\\slash%20fifo 0600 0 0 946684800 "));
	assert_non_null(strstr(again, "\next2 1024\n"));
	buf_release(&text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(unpack_list_names),
		cmocka_unit_test(pack_pad),
		cmocka_unit_test(pack_mode_with_type),
		cmocka_unit_test(cpio_in_memory),
		cmocka_unit_test(pack_ext2_tmpdir),
		cmocka_unit_test(ext2_round_trip),
		cmocka_unit_test(ext2_any_name),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
