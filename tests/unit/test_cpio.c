/* test_cpio.c: unit tests for the newc cpio writer (src/formats/cpio.c).
 *
 * Spec under test: Linux Documentation/driver-api/early-userspace/buffer-format.rst.
 * Three independent checks of the same small archive: byte-exact against
 * tests/golden/small.cpio.hex; parsed back here by a reader written from the spec, not from
 * cpio.c; and listed and extracted by GNU cpio(1), run with posix_spawn (src/sys/spawn.c) so a
 * missing or disagreeing cpio fails the test.
 *
 * Run from the repository root.  MKDISTRO_UPDATE_GOLDEN=1 rewrites the golden file instead
 * of comparing with it; review the diff before committing one.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "formats/cpio.h"
#include "formats/manifest.h"
#include "sys/alloc.h"
#include "sys/buf.h"
#include "sys/fs.h"
#include "sys/spawn.h"

#define TMP_DIR "tests/tmp/cpio"
#include "testutil.h"

#define MTIME 1000000000 /* 2001-09-09 01:46:40 UTC */
#define MOTD "hello, world\n"

/* The fixed manifest of tests/golden/small.cpio.hex: a directory, a file with data, a symlink
 * and the console device, with their parents, sorted. */
static void small_manifest(struct manifest *m)
{
	struct mf_entry *e;

	manifest_init(m);
	m->mtime = MTIME;
	assert_int_equal(manifest_add_dir(m, "/dev", 0755), 0);
	assert_int_equal(manifest_add_node(m, "/dev/console", MF_CHR, 0600, 5, 1), 0);
	assert_int_equal(manifest_add_data(m, "/etc/motd", 0644, MOTD, strlen(MOTD)), 0);
	assert_int_equal(manifest_add_symlink(m, "/bin/sh", "busybox"), 0);
	e = manifest_find(m, "/etc/motd");
	assert_non_null(e);
	e->uid = 1000;
	e->gid = 100;
	manifest_sort(m);
}

static void small_archive(struct buf *out)
{
	struct manifest m;
	small_manifest(&m);
	assert_int_equal(cpio_write_manifest(&m, cpio_sink_buf, out), 0);
	manifest_release(&m);
}

/* ---- a newc reader, from buffer-format.rst ---- */

struct rec {
	uint32_t ino, mode, uid, gid, nlink, mtime, filesize, maj, min, rmaj, rmin, namesize,
		chksum;
	const char *name;
	const char *data;
};

static uint32_t hex8(const char *p)
{
	uint32_t v = 0;
	for (int i = 0; i < 8; i++) {
		char c = p[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			fail_msg("bad hex digit '%c' in a cpio header", c);
		v = v << 4 | (uint32_t)d;
	}
	return v;
}

/* Parse the record at *off and move *off past it (and its padding). */
static void parse_rec(const struct buf *b, size_t *off, struct rec *r)
{
	const char *h = b->data + *off;
	uint32_t *fields[] = {&r->ino, &r->mode, &r->uid, &r->gid, &r->nlink, &r->mtime,
			      &r->filesize, &r->maj, &r->min, &r->rmaj, &r->rmin, &r->namesize,
			      &r->chksum};

	assert_int_equal(*off % 4, 0);
	assert_true(*off + 110 <= b->len);
	assert_memory_equal(h, "070701", 6);
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		*fields[i] = hex8(h + 6 + 8 * i);
	r->name = h + 110;
	assert_true(r->namesize >= 1);
	assert_true(*off + 110 + r->namesize <= b->len);
	assert_int_equal(r->name[r->namesize - 1], '\0');
	assert_int_equal(strlen(r->name), r->namesize - 1);
	*off += 110 + r->namesize;
	while (*off % 4) {
		assert_true(*off < b->len);
		assert_int_equal(b->data[(*off)++], '\0');
	}
	r->data = b->data + *off;
	assert_true(*off + r->filesize <= b->len);
	*off += r->filesize;
	while (*off % 4) {
		assert_true(*off < b->len);
		assert_int_equal(b->data[(*off)++], '\0');
	}
}

static void test_golden_small(void **state)
{
	struct buf b;
	(void)state;
	buf_init(&b);
	small_archive(&b);
	golden_check("small.cpio", b.data, b.len);
	buf_release(&b);
}

static void test_parse_back(void **state)
{
	static const struct {
		const char *name;
		uint32_t mode, uid, gid, nlink, rmaj, rmin;
		const char *data;
	} want[] = {
		{"bin", 040755, 0, 0, 2, 0, 0, ""},
		{"bin/sh", 0120777, 0, 0, 1, 0, 0, "busybox"},
		{"dev", 040755, 0, 0, 2, 0, 0, ""},
		{"dev/console", 020600, 0, 0, 1, 5, 1, ""},
		{"etc", 040755, 0, 0, 2, 0, 0, ""},
		{"etc/motd", 0100644, 1000, 100, 1, 0, 0, MOTD},
	};
	struct buf b;
	size_t off = 0;
	struct rec r;
	(void)state;

	buf_init(&b);
	small_archive(&b);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		parse_rec(&b, &off, &r);
		assert_string_equal(r.name, want[i].name);
		assert_int_equal(r.ino, i + 1);
		assert_int_equal(r.mode, want[i].mode);
		assert_int_equal(r.uid, want[i].uid);
		assert_int_equal(r.gid, want[i].gid);
		assert_int_equal(r.nlink, want[i].nlink);
		assert_int_equal(r.mtime, MTIME);
		assert_int_equal(r.filesize, strlen(want[i].data));
		assert_memory_equal(r.data, want[i].data, r.filesize);
		assert_int_equal(r.maj, 0);
		assert_int_equal(r.min, 0);
		assert_int_equal(r.rmaj, want[i].rmaj);
		assert_int_equal(r.rmin, want[i].rmin);
		assert_int_equal(r.chksum, 0);
	}
	parse_rec(&b, &off, &r);
	assert_string_equal(r.name, "TRAILER!!!");
	assert_int_equal(r.ino, 0);
	assert_int_equal(r.mode, 0);
	assert_int_equal(r.nlink, 1);
	assert_int_equal(r.filesize, 0);
	assert_int_equal(off, b.len);
	buf_release(&b);
}

/* ---- GNU cpio(1) as a second reader ---- */

static const char *const cpio_env[] = {"TZ=UTC", "LC_ALL=C", NULL};

static void test_cpio_tool(void **state)
{
	/* GNU cpio 2.13 -itvn: numeric owners, dates in UTC as "Mon DD  YYYY" when older than
	 * six months.  Written by hand from the manifest above, not captured from a run. */
	static const char want_list[] =
		"drwxr-xr-x   2 0        0               0 Sep  9  2001 bin\n"
		"lrwxrwxrwx   1 0        0               7 Sep  9  2001 bin/sh -> busybox\n"
		"drwxr-xr-x   2 0        0               0 Sep  9  2001 dev\n"
		"crw-------   1 0        0          5,   1 Sep  9  2001 dev/console\n"
		"drwxr-xr-x   2 0        0               0 Sep  9  2001 etc\n"
		"-rw-r--r--   1 1000     100            13 Sep  9  2001 etc/motd\n";
	static const char *const list[] = {"cpio", "-itvn", "--quiet", NULL};
	static const char *const extract[] = {"cpio", "-i", "--quiet", "--to-stdout", "etc/motd",
					      NULL};
	struct buf b, got;
	(void)state;

	assert_int_equal(mkdir_p(TMP_DIR, 0755), 0);
	buf_init(&b);
	buf_init(&got);
	small_archive(&b);
	assert_int_equal(write_file_atomic(TMP_DIR "/small.cpio", b.data, b.len, 0644), 0);

	assert_int_equal(test_run_tool(list, cpio_env, TMP_DIR "/small.cpio", TMP_DIR "/small.list"), 0);
	assert_int_equal(read_file(TMP_DIR "/small.list", &got), 0);
	assert_string_equal(got.data, want_list);

	buf_reset(&got);
	assert_int_equal(test_run_tool(extract, cpio_env, TMP_DIR "/small.cpio", TMP_DIR "/motd"), 0);
	assert_int_equal(read_file(TMP_DIR "/motd", &got), 0);
	assert_string_equal(got.data, MOTD);
	buf_release(&b);
	buf_release(&got);
}

/* ---- the writer's own rules ---- */

static void test_file_from_source(void **state)
{
	static const char content[] = "#!/bin/sh\necho from a host file\n";
	struct manifest m;
	struct buf b;
	size_t off = 0;
	struct rec r;
	(void)state;

	assert_int_equal(mkdir_p(TMP_DIR, 0755), 0);
	assert_int_equal(write_file_atomic(TMP_DIR "/init", content, strlen(content), 0644), 0);
	manifest_init(&m);
	assert_int_equal(manifest_add_file(&m, "/init", 0755, TMP_DIR "/init"), 0);
	buf_init(&b);
	assert_int_equal(cpio_write_manifest(&m, cpio_sink_buf, &b), 0);
	parse_rec(&b, &off, &r);
	assert_string_equal(r.name, "init");
	assert_int_equal(r.mode, 0100755);
	assert_int_equal(r.filesize, strlen(content));
	assert_memory_equal(r.data, content, strlen(content));
	parse_rec(&b, &off, &r);
	assert_string_equal(r.name, "TRAILER!!!");

	/* A source that is gone is an error (reported by read_file, naming the file). */
	buf_reset(&b);
	assert_int_equal(manifest_add_file(&m, "/gone", 0644, TMP_DIR "/no-such-file"), 0);
	assert_int_equal(cpio_write_manifest(&m, cpio_sink_buf, &b), -1);
	manifest_release(&m);
	buf_release(&b);
}

static void test_bad_names(void **state)
{
	struct cpio_writer w;
	struct manifest m;
	struct buf b;
	(void)state;

	buf_init(&b);
	cpio_writer_init(&w, cpio_sink_buf, &b);
	assert_int_equal(cpio_write_entry(&w, "a\nb", 0100644, 0, 0, 1, 0, 0, 0, "x", 1), -1);
	assert_int_equal(cpio_write_entry(&w, "TRAILER!!!", 0100644, 0, 0, 1, 0, 0, 0, "", 0), -1);
	assert_int_equal(cpio_write_entry(&w, "/etc", 040755, 0, 0, 2, 0, 0, 0, NULL, 0), -1);
	assert_int_equal(cpio_write_entry(&w, "", 040755, 0, 0, 2, 0, 0, 0, NULL, 0), -1);
	{
		char *longname = xmalloc(4097);
		memset(longname, 'a', 4096);
		longname[4096] = '\0';
		assert_int_equal(cpio_write_entry(&w, longname, 040755, 0, 0, 2, 0, 0, 0, NULL, 0),
				 -1);
		longname[4095] = '\0'; /* 4095 + NUL = PATH_MAX: the longest the kernel takes */
		assert_int_equal(cpio_write_entry(&w, longname, 040755, 0, 0, 2, 0, 0, 0, NULL, 0),
				 0);
		free(longname);
	}
	assert_int_equal(w.next_ino, 2); /* refused entries take no inode number */

	/* The same refusals through a manifest. */
	manifest_init(&m);
	assert_int_equal(manifest_add_dir(&m, "/TRAILER!!!", 0755), 0);
	buf_reset(&b);
	assert_int_equal(cpio_write_manifest(&m, cpio_sink_buf, &b), -1);
	manifest_release(&m);
	manifest_init(&m);
	assert_int_equal(manifest_add_data(&m, "/etc/x\ny", 0644, "", 0), 0);
	buf_reset(&b);
	assert_int_equal(cpio_write_manifest(&m, cpio_sink_buf, &b), -1);
	/* The parent was fine and went out before the error; the bad name did not. */
	assert_null(memmem(b.data, b.len, "x\ny", 3));
	manifest_release(&m);
	buf_release(&b);
}

static void test_bad_types(void **state)
{
	struct cpio_writer w;
	struct buf b;
	(void)state;

	buf_init(&b);
	cpio_writer_init(&w, cpio_sink_buf, &b);
	/* no type bits */
	assert_int_equal(cpio_write_entry(&w, "a", 0644, 0, 0, 1, 0, 0, 0, NULL, 0), -1);
	/* contents on a directory, a device, a fifo */
	assert_int_equal(cpio_write_entry(&w, "d", 040755, 0, 0, 2, 0, 0, 0, "x", 1), -1);
	assert_int_equal(cpio_write_entry(&w, "c", 020600, 0, 0, 1, 0, 5, 1, "x", 1), -1);
	assert_int_equal(cpio_write_entry(&w, "p", 010644, 0, 0, 1, 0, 0, 0, "x", 1), -1);
	/* a device number on a regular file */
	assert_int_equal(cpio_write_entry(&w, "f", 0100644, 0, 0, 1, 0, 1, 3, NULL, 0), -1);
	/* empty symlink, or one with a NUL in the target */
	assert_int_equal(cpio_write_entry(&w, "l", 0120777, 0, 0, 1, 0, 0, 0, "", 0), -1);
	assert_int_equal(cpio_write_entry(&w, "l", 0120777, 0, 0, 1, 0, 0, 0, "a\0b", 3), -1);
	/* stray mode bits */
	assert_int_equal(cpio_write_entry(&w, "f", 0300644, 0, 0, 1, 0, 0, 0, NULL, 0), -1);
	assert_int_equal(b.len, 0);
	assert_int_equal(w.offset, 0);
	/* and the good ones */
	assert_int_equal(cpio_write_entry(&w, "b", 060660, 0, 6, 1, 0, 8, 0, NULL, 0), 0);
	assert_int_equal(cpio_write_entry(&w, "s", 0140755, 0, 0, 1, 0, 0, 0, NULL, 0), 0);
	assert_int_equal(cpio_write_entry(&w, "e", 0100644, 0, 0, 1, 0, 0, 0, NULL, 0), 0);
	assert_int_equal(w.offset, b.len);
	buf_release(&b);
}

static void test_alignment(void **state)
{
	static const char data[] = "0123456789";
	struct cpio_writer w;
	struct buf b;
	size_t off = 0;
	struct rec r;
	char name[16];
	(void)state;

	buf_init(&b);
	cpio_writer_init(&w, cpio_sink_buf, &b);
	/* Every name length mod 4 against every data length mod 4. */
	for (size_t nl = 1; nl <= 8; nl++) {
		for (size_t dl = 0; dl <= 7; dl++) {
			memset(name, 'n', nl);
			name[nl] = '\0';
			assert_int_equal(cpio_write_entry(&w, name, 0100600, 0, 0, 1, 0, 0, 0, data,
							  dl),
					 0);
		}
	}
	assert_int_equal(cpio_write_trailer(&w), 0);
	assert_int_equal(b.len % 4, 0);
	assert_int_equal(w.offset, b.len);
	for (size_t nl = 1; nl <= 8; nl++) {
		for (size_t dl = 0; dl <= 7; dl++) {
			parse_rec(&b, &off, &r);
			assert_int_equal(strlen(r.name), nl);
			assert_int_equal(r.filesize, dl);
			assert_memory_equal(r.data, data, dl);
			assert_int_equal(r.ino, 1 + (nl - 1) * 8 + dl);
		}
	}
	parse_rec(&b, &off, &r);
	assert_string_equal(r.name, "TRAILER!!!");
	assert_int_equal(off, b.len);
	buf_release(&b);
}

static void test_mtime_clamp(void **state)
{
	struct manifest m;
	struct buf b;
	size_t off = 0;
	struct rec r;
	(void)state;

	manifest_init(&m);
	m.mtime = -5;
	assert_int_equal(manifest_add_dir(&m, "/old", 0700), 0);
	m.mtime = (int64_t)1 << 40;
	assert_int_equal(manifest_add_dir(&m, "/new", 0700), 0);
	m.mtime = 4000000000; /* past 2038, still 32 bits unsigned */
	assert_int_equal(manifest_add_node(&m, "/fifo", MF_FIFO, 0644, 0, 0), 0);
	assert_int_equal(manifest_add_node(&m, "/blk", MF_BLK, 0640, 8, 1), 0);
	buf_init(&b);
	assert_int_equal(cpio_write_manifest(&m, cpio_sink_buf, &b), 0);
	parse_rec(&b, &off, &r);
	assert_string_equal(r.name, "old");
	assert_int_equal(r.mtime, 0);
	assert_int_equal(r.mode, 040700);
	parse_rec(&b, &off, &r);
	assert_string_equal(r.name, "new");
	assert_int_equal(r.mtime, UINT32_MAX);
	parse_rec(&b, &off, &r);
	assert_string_equal(r.name, "fifo");
	assert_int_equal(r.mtime, 4000000000u);
	assert_int_equal(r.mode, 010644);
	assert_int_equal(r.nlink, 1);
	parse_rec(&b, &off, &r);
	assert_string_equal(r.name, "blk");
	assert_int_equal(r.mode, 060640);
	assert_int_equal(r.rmaj, 8);
	assert_int_equal(r.rmin, 1);
	manifest_release(&m);
	buf_release(&b);
}

static int failing_sink(void *ctx, const void *data, size_t n)
{
	int *budget = ctx;
	(void)data;
	if ((size_t)*budget < n)
		return -1; /* quietly: it runs hundreds of times */
	*budget -= (int)n;
	return 0;
}

static void test_sink_failure(void **state)
{
	struct manifest m;
	struct buf whole;
	int budget;
	(void)state;

	buf_init(&whole);
	small_archive(&whole);
	small_manifest(&m);
	/* A sink that fails after every possible number of bytes: at a header, in a name, at
	 * padding, in data, at the trailer.  Each must make the whole write fail. */
	for (budget = 0; (size_t)budget < whole.len; budget++) {
		int left = budget;
		assert_int_equal(cpio_write_manifest(&m, failing_sink, &left), -1);
	}
	budget = (int)whole.len;
	assert_int_equal(cpio_write_manifest(&m, failing_sink, &budget), 0);
	assert_int_equal(budget, 0);
	manifest_release(&m);
	buf_release(&whole);
}

static void test_deterministic(void **state)
{
	struct buf a, b;
	(void)state;
	buf_init(&a);
	buf_init(&b);
	small_archive(&a);
	small_archive(&b);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.data, b.data, a.len);
	buf_release(&a);
	buf_release(&b);
}

/* cpio_read: the golden archive read back member by member, and damaged archives refused. */
struct seen {
	char names[8][32];
	uint32_t modes[8];
	int n;
};

static int collect(void *ctx, const struct cpio_entry *e)
{
	struct seen *s = ctx;
	if (s->n < 8) {
		snprintf(s->names[s->n], sizeof(s->names[0]), "%s", e->name);
		s->modes[s->n] = e->mode;
	}
	s->n++;
	return 0;
}

static void test_read_back(void **state)
{
	struct buf b;
	struct seen s = {0};
	char err[128];
	size_t pad = 99;
	(void)state;
	buf_init(&b);
	golden_read("small.cpio", &b);
	assert_int_equal(cpio_read(b.data, b.len, collect, &s, err, sizeof(err), &pad), 0);
	assert_true(s.n >= 3);
	assert_int_equal(pad, 0);
	for (int i = 0; i < s.n && i < 8; i++)
		assert_true(s.names[i][0] != '/');
	/* Every prefix short of the whole archive is refused, with a reason. */
	for (size_t cut = 0; cut < b.len; cut += 7) {
		struct seen t = {0};
		err[0] = '\0';
		assert_int_equal(cpio_read(b.data, cut, collect, &t, err, sizeof(err), NULL), -1);
		assert_true(err[0] != '\0');
	}
	/* A damaged hex digit in the first header */
	b.data[10] = 'g';
	assert_int_equal(cpio_read(b.data, b.len, collect, &s, err, sizeof(err), NULL), -1);
	assert_non_null(strstr(err, "bad hex digits"));
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_back),
		cmocka_unit_test(test_golden_small),
		cmocka_unit_test(test_parse_back),
		cmocka_unit_test(test_cpio_tool),
		cmocka_unit_test(test_file_from_source),
		cmocka_unit_test(test_bad_names),
		cmocka_unit_test(test_bad_types),
		cmocka_unit_test(test_alignment),
		cmocka_unit_test(test_mtime_clamp),
		cmocka_unit_test(test_sink_failure),
		cmocka_unit_test(test_deterministic),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
