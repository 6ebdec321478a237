/* test_progress.c: unit tests for the compile's progress line (src/build/progress.c): the
 * count of Kbuild's compile lines, the first-time guess, the record of earlier builds, the
 * line's text, and a real child that writes a log as make does, watched through spawn_wait's
 * tick, whose count is recorded and then expected by the next build of the same
 * configuration.
 *
 * Run from the repository root.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "build/progress.h"
#include "sys/buf.h"
#include "sys/log.h"

#define TMP_DIR "tests/tmp/progress"
#include "testutil.h"

static void count(void **state)
{
	(void)state;
	const char *log = "$ make -C/src O=/obj -j2 bzImage\n"
			  "  SYNC    include/config/auto.conf.cmd\n"
			  "  HOSTCC  scripts/basic/fixdep\n"
			  "  CC      init/main.o\n"
			  "  CC [M]  fs/fat/inode.o\n"
			  "  AS      arch/x86/entry/entry_64.o\n"
			  "  AR      init/built-in.a\n"
			  "  CC      kernel/bounds.s\n"
			  "  LD      vmlinux.o\n"
			  "init/main.c:12: warning: CC something.o\n"
			  "  CC      kernel/fork.o"; /* not finished: not counted */
	assert_int_equal(progress_count(log, strlen(log)), 3);
	assert_int_equal(progress_count("", 0), 0);
}

static void guess(void **state)
{
	(void)state;
	const char *config = "#\n# Automatically generated file\n#\nCONFIG_A=y\nCONFIG_B=m\n"
			     "# CONFIG_C is not set\nCONFIG_D=\"y\"\nCONFIG_E=16\nCONFIG_F=y\n";
	assert_int_equal(progress_guess(config, "kernel"), 6); /* 2 "=y" and 1 "=m", 2 each */
	assert_int_equal(progress_guess(config, "busybox"), 156); /* 155 + 3 on / 2 */
	struct buf big;
	buf_init(&big);
	for (int i = 0; i < 600; i++)
		buf_addf(&big, "CONFIG_S%d=y\n", i);
	assert_int_equal(progress_guess(big.data, "kernel"), 1200);
	buf_release(&big);
}

static void record(void **state)
{
	(void)state;
	struct buf out;
	unsigned o = 0, s = 0;
	buf_init(&out);
	progress_record(NULL, "k1", 100, 60, &out);
	assert_string_equal(out.data, "k1 100 60\n");
	assert_int_equal(progress_recorded(out.data, "k1", &o, &s), 0);
	assert_int_equal(o, 100);
	assert_int_equal(s, 60);
	assert_int_equal(progress_recorded(out.data, "k", &o, &s), -1);
	assert_int_equal(progress_recorded(NULL, "k1", &o, &s), -1);

	/* the key's line is replaced and moves last; the others stay, in order */
	const char *old = "k1 100 60\nk2 5 1\ngarbage\nk3 7 2\n";
	buf_reset(&out);
	progress_record(old, "k1", 120, 70, &out);
	assert_string_equal(out.data, "k2 5 1\ngarbage\nk3 7 2\nk1 120 70\n");
	assert_int_equal(progress_recorded(out.data, "k1", &o, &s), 0);
	assert_int_equal(o, 120);

	/* at most 16 lines: the oldest go */
	struct buf many;
	buf_init(&many);
	for (int i = 0; i < 20; i++)
		buf_addf(&many, "key%02d %d 1\n", i, i);
	buf_reset(&out);
	progress_record(many.data, "new", 1, 1, &out);
	int lines = 0;
	for (const char *p = out.data; *p; p++)
		lines += *p == '\n';
	assert_int_equal(lines, 16);
	assert_int_equal(progress_recorded(out.data, "key04", &o, &s), -1);
	assert_int_equal(progress_recorded(out.data, "key05", &o, &s), 0);
	assert_int_equal(progress_recorded(out.data, "new", &o, &s), 0);
	buf_release(&many);
	buf_release(&out);
}

static void format(void **state)
{
	(void)state;
	struct progress p = {.what = "kernel", .total = 1000, .last_s = 100};
	struct buf out;
	buf_init(&out);
	/* with a recorded build: the part of its time that the objects left took */
	p.done = 5;
	progress_format(&p, 10, &out);
	assert_string_equal(out.data, "  kernel: 5/1000 objects, 0%, 0:10 elapsed, about 1:40 left");
	buf_reset(&out);
	p.done = 500;
	progress_format(&p, 80, &out);
	assert_string_equal(out.data, "  kernel: 500/1000 objects, 50%, 1:20 elapsed, about 0:50 left");
	/* without one: the rate so far */
	buf_reset(&out);
	p.last_s = 0;
	progress_format(&p, 60, &out);
	assert_string_equal(out.data, "  kernel: 500/1000 objects, 50%, 1:00 elapsed, about 1:00 left");
	/* a guess, said as such; no time left before there is a rate */
	buf_reset(&out);
	p.guessed = 1;
	p.last_s = 0;
	p.done = 20;
	progress_format(&p, 3, &out);
	assert_string_equal(out.data, "  kernel: 20/~1000 objects (guessed), 2%, 0:03 elapsed, "
				      "time left not known yet");
	/* past the total: 99 %, finishing */
	buf_reset(&out);
	p.guessed = 0;
	p.done = 1200;
	progress_format(&p, 600.4, &out);
	assert_string_equal(out.data, "  kernel: 1200/1000 objects, 99%, 10:00 elapsed, finishing");
	/* a rebuild of a built tree: no total */
	buf_reset(&out);
	p.total = 0;
	p.done = 37;
	progress_format(&p, 12, &out);
	assert_string_equal(out.data,
			    "  kernel: 37 objects compiled (a rebuild of a built tree), 0:12 elapsed");
	buf_release(&out);
}

/* A "make" that appends n compile lines to the log, a few at a time. */
static int fake_make(const char *log, int n, const char *objdir, int finish)
{
	char *script = xasprintf("for i in $(seq %d); do echo \"  CC      dir/f$i.o\"; "
				 "echo \"  AR      dir/built-in.a\"; [ $((i %% 4)) = 0 ] && sleep 0.1; "
				 "done >> '%s'; %s",
				 n, log, finish ? "true" : "exit 3");
	const char *argv[] = {"sh", "-c", script, NULL};
	const char *targets[] = {"bzImage", NULL};
	struct progress p;
	struct child c = CHILD_INIT;
	int rc;
	progress_start(&p, "kernel", objdir, log, targets, "vmlinux");
	c.argv = argv;
	c.tick = progress_tick;
	c.tick_ctx = &p;
	rc = spawn_start(&c) < 0 ? -1 : spawn_wait(&c);
	progress_release(&p);
	free(script);
	return rc;
}

static void watched(void **state)
{
	(void)state;
	char *objdir = path_join(TMP_DIR, "obj"), *log = path_join(TMP_DIR, "make.log");
	char *config = path_join(objdir, ".config"), *rec = path_join(TMP_DIR, "obj.objects");
	const char *targets[] = {"bzImage", NULL};
	struct progress p;
	struct buf text;
	unsigned o = 0, s = 0;

	log_quiet = 1;
	buf_init(&text);
	remove_tree(TMP_DIR);
	assert_int_equal(mkdir_p(objdir, 0755), 0);
	assert_int_equal(write_file_atomic(config, "CONFIG_A=y\n", 11, 0644), 0);
	assert_int_equal(write_file_atomic(log, "$ configure\n  CC      scripts/x.o\n", 34, 0644), 0);

	/* the first time: a guess */
	progress_start(&p, "kernel", objdir, log, targets, "vmlinux");
	assert_int_equal(p.guessed, 1);
	assert_int_equal(p.cold, 1);
	progress_tick(&p, 1); /* (a failed make: nothing recorded) */
	progress_release(&p);
	assert_false(file_exists(rec));

	/* a failed make records nothing */
	assert_int_equal(fake_make(log, 9, objdir, 0), 3);
	assert_false(file_exists(rec));
	/* a finished one records its 12 compiles (not the configure's line before it) */
	assert_int_equal(fake_make(log, 12, objdir, 1), 0);
	assert_int_equal(read_text_file(rec, &text), 0);
	progress_start(&p, "kernel", objdir, log, targets, "vmlinux");
	assert_int_equal(progress_recorded(text.data, p.key, &o, &s), 0);
	assert_int_equal(o, 12);
	/* the next cold build of the same configuration expects 12, not a guess */
	assert_int_equal(p.guessed, 0);
	assert_int_equal(p.total, 12);
	progress_tick(&p, 130);
	progress_release(&p);
	/* another target list is another configuration */
	const char *other[] = {"bzImage", "modules", NULL};
	progress_start(&p, "kernel", objdir, log, other, "vmlinux");
	assert_int_equal(p.guessed, 1);
	progress_tick(&p, 130);
	progress_release(&p);
	/* a built tree (its product there): a partial rebuild, no total, nothing recorded */
	char *product = path_join(objdir, "vmlinux");
	assert_int_equal(write_file_atomic(product, "", 0, 0644), 0);
	progress_start(&p, "kernel", objdir, log, targets, "vmlinux");
	assert_int_equal(p.cold, 0);
	assert_int_equal(p.total, 0);
	progress_tick(&p, 130);
	progress_release(&p);
	assert_int_equal(fake_make(log, 3, objdir, 1), 0);
	buf_reset(&text);
	assert_int_equal(read_text_file(rec, &text), 0);
	assert_int_equal(progress_recorded(text.data, p.key, &o, &s), 0);
	assert_int_equal(o, 12);
	/* a cold tree that an interrupted build had begun compiles less: the count stays */
	assert_int_equal(remove_tree(product), 0);
	assert_int_equal(fake_make(log, 5, objdir, 1), 0);
	buf_reset(&text);
	assert_int_equal(read_text_file(rec, &text), 0);
	assert_int_equal(progress_recorded(text.data, p.key, &o, &s), 0);
	assert_int_equal(o, 12);

	buf_release(&text);
	free(product);
	free(objdir);
	free(log);
	free(config);
	free(rec);
	remove_tree(TMP_DIR);
}

/* A guess that was too low grows when passed, and the plain line (not a terminal) says so;
 * the last line names the first guess. */
static void grows(void **state)
{
	(void)state;
	char *objdir = path_join(TMP_DIR, "obj"), *log = path_join(TMP_DIR, "make.log");
	char *config = path_join(objdir, ".config");
	const char *targets[] = {"bzImage", NULL};
	struct stderr_capture c;
	struct progress p;
	struct buf lines;
	char msg[4096];

	remove_tree(TMP_DIR);
	buf_init(&lines);
	assert_int_equal(mkdir_p(objdir, 0755), 0);
	assert_int_equal(write_file_atomic(config, "CONFIG_A=y\nCONFIG_B=y\n", 22, 0644), 0);
	assert_int_equal(write_file_atomic(log, "", 0, 0644), 0);
	log_quiet = 0;
	progress_start(&p, "kernel", objdir, log, targets, "vmlinux");
	assert_int_equal(p.total, 4);
	p.tty = 0;      /* (the test's stderr may be a terminal) */
	p.t0 -= 75;     /* 1:15 ago */
	p.last -= 20;   /* the last line over 15 s ago */
	for (int i = 0; i < 8; i++)
		buf_addf(&lines, "  CC      f%d.o\n", i);
	assert_int_equal(write_file_atomic(log, lines.data, lines.len, 0644), 0);
	stderr_begin(&c);
	progress_tick(&p, -1);
	progress_tick(&p, 0);
	progress_release(&p);
	stderr_end(&c, msg, sizeof(msg));
	log_quiet = 1;
	assert_non_null(strstr(msg, "  kernel: 8/~10 objects (guessed), 80%, 1:15 elapsed, time left not known yet\n"));
	assert_non_null(strstr(msg, "  kernel: 8 objects compiled in 1:15 (guessed 4)\n"));
	assert_null(strchr(msg, '\r'));
	buf_release(&lines);
	free(objdir);
	free(log);
	free(config);
	remove_tree(TMP_DIR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(count),    cmocka_unit_test(guess),   cmocka_unit_test(record),
		cmocka_unit_test(format),   cmocka_unit_test(watched), cmocka_unit_test(grows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
