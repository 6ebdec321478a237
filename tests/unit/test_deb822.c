/* test_deb822.c: unit tests for the Debian control-style reader (src/formats/deb822.c):
 * fields and paragraphs, continuation lines and " .", comments where apt and DEP-5 put them,
 * names without regard to case, the raw lines kept for a copy, and what is not a field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "formats/deb822.h"
#define TMP_DIR "tests/tmp/deb822"
#include "testutil.h"

/* Every paragraph as "name=value|name=value" lines, for comparing whole parses. */
static char *dump(const char *text)
{
	struct deb822 d;
	struct buf b;
	buf_init(&b);
	deb822_parse(&d, text);
	for (size_t i = 0; i < d.n; i++) {
		for (size_t j = 0; j < d.v[i].n; j++)
			buf_addf(&b, "%s%s=%s", j ? "|" : "", d.v[i].f[j].name, d.v[i].f[j].value);
		buf_adds(&b, "\n");
	}
	deb822_release(&d);
	return buf_detach(&b, NULL);
}

static void paragraphs(void **state)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{"", ""},
		{"\n \n\t\n", ""},
		{"A: 1\nB: 2\n", "A=1|B=2\n"},
		/* the last line needs no newline; white space around a value goes */
		{"A:1\nB: \t2 \t", "A=1|B=2\n"},
		/* blank lines, and lines of white space (spaces, tabs, a CR), end a paragraph; more
		 * than one makes no empty paragraph */
		{"A: 1\n\nB: 2\n \t\nC: 3\n\r\n\n\nD: 4\n", "A=1\nB=2\nC=3\nD=4\n"},
		/* continuation lines, " ." an empty one, each trimmed */
		{"License: GPL-2+\n This program\n .\n\tis free.  \nX: y\n",
		 "License=GPL-2+\nThis program\n\nis free.|X=y\n"},
		{"Signed-By:\n -----BEGIN\n ..\n", "Signed-By=\n-----BEGIN\n..\n"},
		/* comments: between paragraphs, between fields, inside a value */
		{"# top\nA: 1\n# between\nB: 2\n two\n# inside\n three\n\n# alone\n\nC: 3\n",
		 "A=1|B=2\ntwo\nthree\nC=3\n"},
		/* not fields: a line with no ':', a continuation with nothing to continue; neither
		 * ends the field before it */
		{" orphan\nA: 1\nno colon here\n more\n", "A=1\nmore\n"},
		/* the name is everything up to the first ':' */
		{"URIs: http://x/y:z\nOdd name : v\n:empty\n", "URIs=http://x/y:z|Odd name =v|=empty\n"},
		/* CRLF lines */
		{"A: 1\r\n b\r\n\r\nB: 2\r\n", "A=1\nb\nB=2\n"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = dump(cases[i].text);
		if (strcmp(got, cases[i].want))
			fail_msg("case %zu: got '%s', want '%s'", i, got, cases[i].want);
		free(got);
	}
}

static void lookup(void **state)
{
	struct deb822 d;
	char *v;
	(void)state;
	deb822_parse(&d, "Types: deb\ntypes: deb-src\nURIS: a\n b\n\nVersion: 2\n");
	assert_int_equal(d.n, 2);
	/* any case; the first of a name */
	assert_string_equal(deb822_get(&d.v[0], "TYPES"), "deb");
	assert_string_equal(deb822_get(&d.v[0], "uris"), "a\nb");
	assert_null(deb822_get(&d.v[0], "Version"));
	assert_null(deb822_get(&d.v[0], "Type"));
	/* deb822_first: the first paragraph that has it, the first line of its value */
	v = deb822_first(&d, "Version");
	assert_string_equal(v, "2");
	free(v);
	v = deb822_first(&d, "uris");
	assert_string_equal(v, "a");
	free(v);
	assert_null(deb822_first(&d, "Missing"));
	deb822_release(&d);
	assert_int_equal(d.n, 0);
	/* a signed .dsc: the signature's header is a paragraph of its own */
	deb822_parse(&d, "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nFormat: 3.0 (quilt)\n"
			 "Source: busybox\nVersion: 1:1.35.0-4\n\n-----BEGIN PGP SIGNATURE-----\n\n"
			 "iQIzBAEBCAAdFiEE\n-----END PGP SIGNATURE-----\n");
	v = deb822_first(&d, "Version");
	assert_string_equal(v, "1:1.35.0-4");
	free(v);
	deb822_release(&d);
}

/* Each field keeps its lines as written, comments left out, every line ending in "\n". */
static void raw_lines(void **state)
{
	struct deb822 d;
	(void)state;
	deb822_parse(&d, "Types: deb\nSigned-By:\n -----BEGIN PGP\n .\n# a comment\n\tabc \n"
			 "junk\nSuites:  x  ");
	assert_int_equal(d.n, 1);
	assert_int_equal(d.v[0].n, 3);
	assert_string_equal(d.v[0].f[0].raw, "Types: deb\n");
	assert_string_equal(d.v[0].f[1].raw, "Signed-By:\n -----BEGIN PGP\n .\n\tabc \n");
	assert_string_equal(d.v[0].f[1].value, "\n-----BEGIN PGP\n\nabc");
	assert_string_equal(d.v[0].f[2].raw, "Suites:  x  \n");
	deb822_release(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(paragraphs),
		cmocka_unit_test(lookup),
		cmocka_unit_test(raw_lines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
