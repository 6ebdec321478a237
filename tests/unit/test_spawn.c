/* test_spawn.c: unit tests for src/sys/spawn.c's log of a command: the "$ " line is the
 * command as a shell runs it again (bench/run replays the kernel's and BusyBox's make
 * commands from it), with words that need it quoted: spaces, $(...), quotes, empty values.
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

#include "sys/buf.h"
#include "sys/fs.h"
#include "sys/spawn.h"

#define TMP_DIR "tests/tmp/spawn"
#include "testutil.h"

/* A child that prints its environment's two words and its arguments; the log's "$ " line,
 * run again by sh, prints the same. */
static void logged_line_replays(void **state)
{
	(void)state;
	const char *env[] = {"STAMP=Sat Jan  1 00:00:00 UTC 2000", "EMPTY=", "PLAIN=a,b:c/d", NULL};
	const char *argv[] = {"sh", "-c", "printf '<%s>' \"$STAMP\" \"$EMPTY\" \"$PLAIN\" \"$@\"", "sh",
			      "cmd=@$(if $(x),set -e; $(y))", "it's", "", "O=/a b/c", "plain", NULL};
	char *log, *again, *cmd;
	struct buf text, text2;
	struct child c = CHILD_INIT;
	assert_int_equal(mkdir_p(TMP_DIR, 0755), 0);
	log = path_join(TMP_DIR, "run.log");
	again = path_join(TMP_DIR, "again.log");
	unlink(log);
	unlink(again);
	c.argv = argv;
	c.env = env;
	c.log = log;
	assert_int_equal(spawn_run(&c), 0);
	buf_init(&text);
	assert_int_equal(read_file(log, &text), 0);
	/* the first line is the command, the rest what it printed */
	char *nl = strchr(text.data, '\n');
	assert_non_null(nl);
	*nl = '\0';
	assert_true(!strncmp(text.data, "$ STAMP='Sat Jan  1 00:00:00 UTC 2000' EMPTY='' "
					 "PLAIN=a,b:c/d sh -c ", 58));
	cmd = xasprintf("%s > %s", text.data + 2, again);
	assert_int_equal(system(cmd), 0);
	buf_init(&text2);
	assert_int_equal(read_file(again, &text2), 0);
	assert_string_equal(text2.data, nl + 1);
	assert_string_equal(text2.data, "<Sat Jan  1 00:00:00 UTC 2000><><a,b:c/d>"
					"<cmd=@$(if $(x),set -e; $(y))><it's><><O=/a b/c><plain>");
	buf_release(&text);
	buf_release(&text2);
	free(cmd);
	free(log);
	free(again);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(logged_line_replays),
	};
	return cmocka_run_group_tests_name("spawn", tests, NULL, NULL);
}
