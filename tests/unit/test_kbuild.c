/* test_kbuild.c: unit tests for the Kbuild `cmd` macro that skips empty commands
 * (kbuild_cmd_skipping_empty, src/build/kbuild.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "build/kbuild.h"

/* The definition in Linux 6.1's scripts/Kbuild.include, with its neighbours */
static const char linux61[] =
	"# print and execute commands\n"
	"cmd = @set -e; $(echo-cmd) $($(quiet)redirect) $(delete-on-interrupt) $(cmd_$(1))\n"
	"\n"
	"###\n"
	"# if_changed      - execute command if any prerequisite is newer than\n";

static void wraps_the_tree_definition(void **state)
{
	char *cmd;
	(void)state;
	cmd = kbuild_cmd_skipping_empty(linux61);
	assert_non_null(cmd);
	assert_string_equal(cmd, "cmd=@$(if $(cmd_$(1)),set -e; $(echo-cmd) $($(quiet)redirect) "
				 "$(delete-on-interrupt) $(cmd_$(1)))");
	free(cmd);
	/* BusyBox's older form; first line of the file, trailing blanks dropped */
	cmd = kbuild_cmd_skipping_empty("cmd = @$(echo-cmd) $(cmd_$(1))  \nx = 1\n");
	assert_non_null(cmd);
	assert_string_equal(cmd, "cmd=@$(if $(cmd_$(1)),$(echo-cmd) $(cmd_$(1)))");
	free(cmd);
}

static void leaves_unknown_definitions_alone(void **state)
{
	static const char *const unknown[] = {
		"",
		"echo-cmd = @$(cmd_$(1))\n",                              /* not at a line's start */
		"# cmd = @set -e; $(cmd_$(1))\n",                          /* a comment */
		"cmd = @$(if $(cmd_$(1)),set -e; $(cmd_$(1)),:)\n",       /* already conditional */
		"cmd = @set -e; \\\n\t$(cmd_$(1))\n",                      /* continued */
		"cmd = @set -e; $(cmd_$(1)) # run it\n",                   /* trailing comment */
		"cmd = @set -e, $(cmd_$(1))\n",                            /* a bare comma */
		"cmd = @set -e; $(cmd_$(1)))\n",                           /* unbalanced */
		"cmd = @set -e; $(cmd_$(1)\n",                             /* unbalanced */
		"cmd = @set -e; $(cmd_x)\n",                               /* not $(cmd_$(1)) */
		"cmd = @\n",                                               /* empty */
		"cmd = @set -e; $(cmd_$(1))\ncmd = @$(cmd_$(1))\n",        /* defined twice */
		"cmd := @set -e; $(cmd_$(1))\n",                           /* another flavour */
	};
	(void)state;
	for (size_t i = 0; i < sizeof(unknown) / sizeof(*unknown); i++) {
		char *cmd = kbuild_cmd_skipping_empty(unknown[i]);
		if (cmd)
			fail_msg("'%s' gave '%s'", unknown[i], cmd);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(wraps_the_tree_definition),
		cmocka_unit_test(leaves_unknown_definitions_alone),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
