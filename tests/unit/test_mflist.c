/* test_mflist.c: unit tests for the initrd list's text form (src/formats/mflist.c): every
 * kind of line rendered as expected and read back, the header lines, and each line that is
 * not one of the list's refused with its file:line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "formats/mflist.h"
#define TMP_DIR "tests/tmp/mflist"
#include "testutil.h"

/* One item of each type; names with a space, a '%', a newline, a tab and non-ASCII bytes. */
static const char every_type[] =
	"# mkdistro initrd list 1: unpacked from initrd%0aname.gz\n"
	"gzip 9\n"
	"dir . 0755 0 0 946684800 1 4\n"
	"dir with%20space 0700 1000 100 946684801 2 2\n"
	"file with%20space/a%25b 4755 0 0 946684800 3 2\n"
	"link hard%0alink 4755 0 0 946684800 3 2 with%20space/a%25b\n"
	"slink sh 0777 0 0 946684800 4 1 bin/busybox%09x\n"
	"nod-c dev/console 0600 0 5 946684800 5 1 5 1\n"
	"nod-b dev/big 0660 0 6 4294967295 6 1 300 1000\n"
	"fifo caf\xc3\xa9 0644 70000 70001 0 7 1\n"
	"sock dev/log 0666 0 0 946684800 8 1\n"
	"pad 512\n";

static void add(struct mflist *l, enum mflist_type type, const char *path, unsigned mode,
		unsigned uid, unsigned gid, unsigned mtime, unsigned ino, unsigned nlink,
		const char *target, unsigned major, unsigned minor)
{
	struct mflist_item it = {.type = type, .path = xstrdup(path), .mode = mode, .uid = uid,
				 .gid = gid, .mtime = mtime, .ino = ino, .nlink = nlink,
				 .target = target ? xstrdup(target) : NULL, .major = major,
				 .minor = minor};
	mflist_add(l, &it);
}

static void render(void **state)
{
	struct mflist l;
	struct buf b;
	(void)state;
	mflist_init(&l);
	l.level = 9;
	l.pad = 512;
	add(&l, MFLIST_DIR, ".", 0755, 0, 0, 946684800, 1, 4, NULL, 0, 0);
	add(&l, MFLIST_DIR, "with space", 0700, 1000, 100, 946684801, 2, 2, NULL, 0, 0);
	add(&l, MFLIST_FILE, "with space/a%b", 04755, 0, 0, 946684800, 3, 2, NULL, 0, 0);
	add(&l, MFLIST_LINK, "hard\nlink", 04755, 0, 0, 946684800, 3, 2, "with space/a%b", 0, 0);
	add(&l, MFLIST_SLINK, "sh", 0777, 0, 0, 946684800, 4, 1, "bin/busybox\tx", 0, 0);
	add(&l, MFLIST_CHR, "dev/console", 0600, 0, 5, 946684800, 5, 1, NULL, 5, 1);
	add(&l, MFLIST_BLK, "dev/big", 0660, 0, 6, 4294967295u, 6, 1, NULL, 300, 1000);
	add(&l, MFLIST_FIFO, "caf\xc3\xa9", 0644, 70000, 70001, 0, 7, 1, NULL, 0, 0);
	add(&l, MFLIST_SOCK, "dev/log", 0666, 0, 0, 946684800, 8, 1, NULL, 0, 0);
	buf_init(&b);
	mflist_render(&l, "initrd\nname.gz", &b);
	assert_string_equal(b.data, every_type);

	/* an ext2 list ends with its size, not a pad; no gzip is "none" */
	buf_reset(&b);
	mflist_release(&l);
	l.level = 0;
	l.ext2_kib = 4096;
	add(&l, MFLIST_DIR, ".", 0755, 0, 0, 1, 2, 3, NULL, 0, 0);
	mflist_render(&l, "x", &b);
	assert_string_equal(b.data, "# mkdistro initrd list 1: unpacked from x\ngzip none\n"
				    "dir . 0755 0 0 1 2 3\next2 4096\n");
	mflist_release(&l);
	buf_release(&b);
}

static void parse(void **state)
{
	struct mflist l;
	const struct mflist_item *it;
	struct buf b;
	(void)state;
	assert_int_equal(mflist_parse(&l, every_type, "list"), 0);
	assert_int_equal(l.n, 9);
	assert_int_equal(l.level, 9);
	assert_int_equal(l.pad, 512);
	assert_int_equal(l.ext2_kib, 0);
	it = mflist_find(&l, "hard\nlink");
	assert_non_null(it);
	assert_int_equal(it->type, MFLIST_LINK);
	assert_string_equal(it->target, "with space/a%b");
	assert_int_equal(it->mode, 04755);
	assert_int_equal(it->ino, 3);
	assert_int_equal(it->line, 6);
	it = mflist_find(&l, "dev/big");
	assert_int_equal(it->type, MFLIST_BLK);
	assert_int_equal(it->major, 300);
	assert_int_equal(it->minor, 1000);
	assert_int_equal(it->mtime, 4294967295u);
	it = mflist_find(&l, "caf\xc3\xa9");
	assert_int_equal(it->type, MFLIST_FIFO);
	assert_int_equal(it->uid, 70000);
	assert_int_equal(it->gid, 70001);
	assert_string_equal(mflist_find(&l, "sh")->target, "bin/busybox\tx");
	assert_null(mflist_find(&l, "nothere"));
	/* and back to the same text */
	buf_init(&b);
	mflist_render(&l, "initrd\nname.gz", &b);
	assert_string_equal(b.data, every_type);
	buf_release(&b);
	mflist_release(&l);
}

/* Headers: a list may say nothing of gzip (-1), "none" (0); comments and empty lines count
 * as lines; the last "ext2" line wins. */
static void headers(void **state)
{
	struct mflist l;
	(void)state;
	assert_int_equal(mflist_parse(&l, "", "list"), 0);
	assert_int_equal(l.n, 0);
	assert_int_equal(l.level, -1);
	mflist_release(&l);
	assert_int_equal(mflist_parse(&l, "# a comment\n\ngzip none\next2 100\next2 4096\n"
					  "dir . 0755 0 0 0 1 2", "list"), 0);
	assert_int_equal(l.level, 0);
	assert_int_equal(l.ext2_kib, 4096);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.v[0].line, 6);
	mflist_release(&l);
}

/* Each line that is not one of the list's is refused, naming the list and the line. */
static void refused(void **state)
{
	static const struct {
		const char *text, *msg;
	} cases[] = {
		{"gzip 6\nbogus x 0755 0 0 0 1 1\n", "list:2: not a line of an initrd list"},
		{"dir x 0755 0 0 0 1\n", "list:1: not a line of an initrd list"},
		{"dir x 0755 0 0 0 1 1 extra\n", "list:1: not a line of an initrd list"},
		{"nod-c x 0600 0 0 0 1 1 5 1 extra\n", "list:1: not a line of an initrd list"},
		{"slink x 0777 0 0 0 1 1\n", "list:1: not a line of an initrd list"},
		/* MODE with a type: pack would OR them into another type */
		{"dir bin 0100755 0 0 0 2 2\n", "list:1: not a line of an initrd list"},
		{"file a%zz 0644 0 0 0 1 1\n", "list:1: not a line of an initrd list"},
		/* a name cut short by a NUL, or none at all */
		{"file a%00b 0644 0 0 0 1 1\n", "list:1: not a line of an initrd list"},
		{"file %00 0644 0 0 0 1 1\n", "list:1: not a line of an initrd list"},
		{"slink x 0777 0 0 0 1 1 %00\n", "list:1: not a line of an initrd list"},
		{"  \n", "list:1: not a line of an initrd list"},
		{"\n\npad 99999999999\n", "list:3: 'pad 99999999999' is more than 64 MiB of padding"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct stderr_capture c;
		struct mflist l;
		char msg[512], want[512];
		int rc;
		stderr_begin(&c);
		rc = mflist_parse(&l, cases[i].text, "list");
		stderr_end(&c, msg, sizeof(msg));
		snprintf(want, sizeof(want), "mkdistro: %s\n", cases[i].msg);
		assert_int_equal(rc, -1);
		assert_string_equal(msg, want);
		assert_int_equal(l.n, 0);
		assert_null(l.v);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(render),
		cmocka_unit_test(parse),
		cmocka_unit_test(headers),
		cmocka_unit_test(refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
