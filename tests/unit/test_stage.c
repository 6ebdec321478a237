/* test_stage.c: unit tests for the one way a stage's output is cached (src/build/stage.c):
 * made once and then reused, made again when an input changes (and saying which), the
 * inputs recorded in out/.state, pruning, and a failed make leaving nothing behind. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "build/cache.h"
#include "build/stage.h"
#include "sys/spawn.h"
#define TMP_DIR "tests/tmp/stage"
#include "testutil.h"

/* A stage that writes "out" holding its text, counting how often it ran. */
struct fake {
	const char *text;
	int runs;
	int fail;
};

static int make_fake(void *ctx, const char *dir)
{
	struct fake *f = ctx;
	char *out = path_join(dir, "out");
	int ret;
	f->runs++;
	ret = write_file_atomic(out, f->text, strlen(f->text), 0644);
	free(out);
	return f->fail ? error("the fake stage failed") : ret;
}

static void plan_here(struct plan *plan)
{
	remove_tree(TMP_DIR);
	assert_int_equal(mkdir_p(TMP_DIR, 0755), 0);
	memset(plan, 0, sizeof(*plan));
	plan->cache_dir = xstrdup(TMP_DIR "/cache");
	plan->out_dir = xstrdup(TMP_DIR "/out");
}

static void plan_done(struct plan *plan)
{
	free(plan->cache_dir);
	free(plan->out_dir);
}

/* Run the fake stage for inputs "value VALUE"; returns what it said on stderr in msg. */
static int run(struct plan *plan, struct stage_cache *sc, const char *value, char **entry,
	       int *cached, char *msg, size_t len)
{
	struct stderr_capture c;
	struct inputs in;
	int rc;
	inputs_init(&in);
	inputs_add(&in, "value", "%s", value);
	stderr_begin(&c);
	rc = stage_cached(plan, sc, &in, entry, cached);
	stderr_end(&c, msg, len);
	inputs_release(&in);
	return rc;
}

static void made_then_reused(void **state)
{
	struct plan plan;
	struct fake f = {"first", 0, 0};
	struct stage_cache sc = {.kind = "fake", .what = "fake main", .record = "fake-main",
				 .make = make_fake, .ctx = &f};
	char *entry = NULL, msg[1024], *out;
	struct buf text;
	int cached = -1;
	(void)state;
	plan_here(&plan);
	buf_init(&text);

	assert_int_equal(run(&plan, &sc, "1", &entry, &cached, msg, sizeof(msg)), 0);
	assert_int_equal(f.runs, 1);
	assert_int_equal(cached, 0);
	assert_string_equal(msg, "  fake main: building (no earlier build of this project recorded)\n");
	assert_int_equal(cache_complete(entry), 1);
	out = path_join(entry, "out");
	assert_int_equal(read_file(out, &text), 0);
	assert_string_equal(text.data, "first");
	assert_int_equal(file_exists(TMP_DIR "/out/.state/fake-main"), 1);
	free(out);
	free(entry);

	/* the same inputs: the entry, not another run, and nothing said */
	assert_int_equal(run(&plan, &sc, "1", &entry, &cached, msg, sizeof(msg)), 0);
	assert_int_equal(f.runs, 1);
	assert_int_equal(cached, 1);
	assert_string_equal(msg, "");
	free(entry);

	/* another input: made again, saying what changed */
	assert_int_equal(run(&plan, &sc, "2", &entry, &cached, msg, sizeof(msg)), 0);
	assert_int_equal(f.runs, 2);
	assert_int_equal(cached, 0);
	assert_string_equal(msg, "  fake main: rebuilding: value changed (1 -> 2)\n");
	free(entry);

	/* back to the first: from the cache, saying so */
	assert_int_equal(run(&plan, &sc, "1", &entry, &cached, msg, sizeof(msg)), 0);
	assert_int_equal(f.runs, 2);
	assert_int_equal(cached, 1);
	assert_string_equal(msg, "  fake main: value changed (2 -> 1); made before, taken from the cache\n");
	free(entry);
	buf_release(&text);
	plan_done(&plan);
}

static void failure_leaves_nothing(void **state)
{
	struct plan plan;
	struct fake f = {"x", 0, 1};
	struct stage_cache sc = {.kind = "fake", .what = "fake main", .record = "fake-main",
				 .make = make_fake, .ctx = &f};
	char *entry = (char *)"unset", msg[1024];
	int cached;
	(void)state;
	plan_here(&plan);
	assert_int_equal(run(&plan, &sc, "1", &entry, &cached, msg, sizeof(msg)), -1);
	assert_null(entry);
	assert_non_null(strstr(msg, "mkdistro: the fake stage failed"));
	/* no entry, no half-made <key>.tmp, no record */
	assert_int_equal(rmdir(TMP_DIR "/cache/fake"), 0);
	assert_int_equal(file_exists(TMP_DIR "/out/.state/fake-main"), 0);
	plan_done(&plan);
}

static void quiet_and_pruned(void **state)
{
	struct plan plan;
	struct fake f = {"x", 0, 0};
	struct stage_cache sc = {.kind = "lib", .keep = 2, .make = make_fake, .ctx = &f};
	char *entry, msg[1024];
	int cached;
	size_t n = 0;
	(void)state;
	plan_here(&plan);
	for (int i = 0; i < 4; i++) {
		char value[8];
		snprintf(value, sizeof(value), "%d", i);
		assert_int_equal(run(&plan, &sc, value, &entry, &cached, msg, sizeof(msg)), 0);
		assert_string_equal(msg, ""); /* no what: nothing said, no record */
		free(entry);
	}
	assert_int_equal(f.runs, 4);
	assert_int_equal(is_dir(TMP_DIR "/out/.state"), 0);
	{
		struct buf names;
		const char *argv[] = {"ls", TMP_DIR "/cache/lib", NULL};
		buf_init(&names);
		assert_int_equal(spawn_capture(argv, &names), 0);
		for (const char *p = names.data; *p; p++)
			n += *p == '\n';
		buf_release(&names);
	}
	assert_int_equal(n, 2); /* kept: the two most recently used */
	plan_done(&plan);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(made_then_reused),
		cmocka_unit_test(failure_leaves_nothing),
		cmocka_unit_test(quiet_and_pruned),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
