/* test_publish.c: unit tests for publishing out/ in one step (src/build/publish.c): files and
 * a directory replaced, a name dropped, the list of moves gone afterwards; a commit cut short
 * by a crash finished by publish_recover, whatever step it stopped at; a missing output
 * refused before anything moves. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "build/publish.h"
#define TMP_DIR "tests/tmp/publish"
#define OUT TMP_DIR "/out"
#define WORK TMP_DIR "/out/.work"
#include "testutil.h"

static void put(const char *path, const char *text)
{
	assert_int_equal(write_file_atomic(path, text, strlen(text), 0644), 0);
}

static void expect(const char *path, const char *text)
{
	struct buf b;
	buf_init(&b);
	assert_int_equal(read_file(path, &b), 0);
	assert_string_equal(b.data, text);
	buf_release(&b);
}

/* out/ as the last build left it, and the new outputs in out/.work. */
static void setup_dirs(void)
{
	remove_tree(TMP_DIR);
	assert_int_equal(mkdir_p(OUT "/stick/boot", 0755), 0);
	assert_int_equal(mkdir_p(WORK "/stick/boot", 0755), 0);
	put(OUT "/mkdistro.img", "old image");
	put(OUT "/mkdistro.iso", "old iso");
	put(OUT "/stick/boot/main.lk", "old kernel");
	put(OUT "/stick/old-only", "gone after");
	put(OUT "/report.txt", "old report");
	put(WORK "/mkdistro.img", "new image");
	put(WORK "/stick/boot/main.lk", "new kernel");
	put(WORK "/report.txt", "new report");
}

static void plan_moves(struct publish *p)
{
	publish_init(p, OUT);
	publish_add(p, "mkdistro.img", WORK "/mkdistro.img");
	publish_drop(p, "mkdistro.iso");
	publish_add(p, "stick", WORK "/stick");
	publish_add(p, "report.txt", WORK "/report.txt");
	publish_add(p, "sbom.spdx.json", WORK "/sbom.spdx.json");
	put(WORK "/sbom.spdx.json", "new sbom");
}

static void all_new(void)
{
	expect(OUT "/mkdistro.img", "new image");
	expect(OUT "/stick/boot/main.lk", "new kernel");
	expect(OUT "/report.txt", "new report");
	expect(OUT "/sbom.spdx.json", "new sbom");
	assert_int_equal(file_exists(OUT "/stick/old-only"), 0);
	assert_int_equal(file_exists(OUT "/mkdistro.iso"), 0);
	assert_int_equal(file_exists(OUT "/.publish"), 0);
}

static void commit(void **state)
{
	struct publish p;
	(void)state;
	setup_dirs();
	plan_moves(&p);
	assert_int_equal(publish_commit(&p), 0);
	all_new();
	/* the old tree was exchanged into the work directory, to go with it */
	expect(WORK "/stick/boot/main.lk", "old kernel");
	publish_release(&p);
	/* nothing to recover afterwards */
	assert_int_equal(publish_recover(OUT), 0);
	all_new();
}

/* The list of moves of p, as publish_commit writes it to out/.publish. */
static void write_list(struct publish *p)
{
	struct buf text;
	buf_init(&text);
	buf_adds(&text, "mkdistro publish 1\n");
	for (size_t i = 0; i < p->n; i++) {
		struct stat st;
		if (p->v[i].from) {
			assert_int_equal(lstat(p->v[i].from, &st), 0);
			buf_addf(&text, "move %llu ", (unsigned long long)st.st_ino);
			buf_add_field(&text, p->v[i].from);
			buf_adds(&text, " ");
		} else {
			buf_adds(&text, "drop ");
		}
		buf_add_field(&text, p->v[i].name);
		buf_adds(&text, "\n");
	}
	assert_int_equal(write_file_atomic(OUT "/.publish", text.data, text.len, 0644), 0);
	buf_release(&text);
}

/* A crash after the list was written and the first k moves were done: recovery finishes
 * the rest. */
static void recover_after(int k)
{
	struct publish p, first;
	struct stderr_capture c;
	char msg[1024];
	setup_dirs();
	plan_moves(&p);
	publish_init(&first, OUT);
	for (size_t i = 0; i < p.n && (int)i < k; i++) {
		if (p.v[i].from)
			publish_add(&first, p.v[i].name, p.v[i].from);
		else
			publish_drop(&first, p.v[i].name);
	}
	write_list(&p);
	assert_int_equal(rename(OUT "/.publish", TMP_DIR "/list"), 0);
	assert_int_equal(publish_commit(&first), 0); /* the k moves, its own list gone after */
	assert_int_equal(rename(TMP_DIR "/list", OUT "/.publish"), 0);
	stderr_begin(&c);
	assert_int_equal(publish_recover(OUT), 0);
	stderr_end(&c, msg, sizeof(msg));
	assert_non_null(strstr(msg, "finishing what the last build began to publish"));
	all_new();
	publish_release(&first);
	publish_release(&p);
}

static void recover(void **state)
{
	(void)state;
	for (int k = 0; k <= 5; k++)
		recover_after(k);
}

static void missing_output(void **state)
{
	struct publish p;
	struct stderr_capture c;
	char msg[1024];
	(void)state;
	setup_dirs();
	publish_init(&p, OUT);
	publish_add(&p, "mkdistro.img", WORK "/mkdistro.img");
	publish_add(&p, "report.svg", WORK "/report.svg"); /* never made */
	stderr_begin(&c);
	assert_int_equal(publish_commit(&p), -1);
	stderr_end(&c, msg, sizeof(msg));
	assert_non_null(strstr(msg, "report.svg"));
	/* nothing moved, no list left */
	expect(OUT "/mkdistro.img", "old image");
	assert_int_equal(file_exists(OUT "/.publish"), 0);
	publish_release(&p);
}

static void bad_list(void **state)
{
	struct stderr_capture c;
	char msg[1024];
	(void)state;
	setup_dirs();
	put(OUT "/.publish", "mkdistro publish 1\nmove x y\n");
	stderr_begin(&c);
	assert_int_equal(publish_recover(OUT), -1);
	stderr_end(&c, msg, sizeof(msg));
	assert_non_null(strstr(msg, "/.publish:2: not a move mkdistro wrote"));
	expect(OUT "/mkdistro.img", "old image");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(commit),
		cmocka_unit_test(recover),
		cmocka_unit_test(missing_output),
		cmocka_unit_test(bad_list),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
