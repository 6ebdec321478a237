/* test_ini.c: unit tests for the INI reader (src/formats/ini.c), one rule of ini.h at a time.
 *
 * Each case is text in and what the reader hands over, written out one entry a line:
 * "LINE [SECTION]" for a header, "LINE [SECTION] KEY=VALUE" for a key, and the message of
 * a syntax error last.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "formats/ini.h"
#define TMP_DIR "tests/tmp/ini"
#include "testutil.h"

struct seen {
	struct buf out;
	int stop_at; /* stop (return 7) at the entry of this line; 0: never */
};

static int collect(void *ctx, const struct ini_entry *e)
{
	struct seen *s = ctx;
	if (e->key)
		buf_addf(&s->out, "%d [%s] %s=%s\n", e->line, e->section, e->key, e->value);
	else
		buf_addf(&s->out, "%d [%s]\n", e->line, e->section);
	assert_true(!e->key == !e->value);
	return e->line == s->stop_at ? 7 : 0;
}

/* Read text; its entries and any message, as above, in a string to free; *rc what
 * ini_parse returned. */
static char *read_ini(const char *text, int stop_at, int *rc)
{
	struct seen s = {{0}, stop_at};
	struct stderr_capture c;
	char msg[1024];
	buf_init(&s.out);
	stderr_begin(&c);
	*rc = ini_parse(text, "t.ini", collect, &s);
	stderr_end(&c, msg, sizeof(msg));
	buf_adds(&s.out, msg);
	return buf_detach(&s.out, NULL);
}

struct ini_case {
	const char *text;
	const char *want;
};

static void check_cases(const struct ini_case *cases, size_t n, int want_rc)
{
	for (size_t i = 0; i < n; i++) {
		int rc;
		char *got = read_ini(cases[i].text, 0, &rc);
		if (rc != want_rc || strcmp(got, cases[i].want))
			fail_msg("case %zu: rc %d, got\n%s\nwanted\n%s", i, rc, got, cases[i].want);
		free(got);
	}
}

#define CHECK(cases, rc) check_cases(cases, sizeof(cases) / sizeof(cases[0]), rc)

static void sections_and_keys(void **state)
{
	static const struct ini_case cases[] = {
		{"", ""},
		{"\n\n", ""},
		{"[a]\nk = v\n[b]\nj=w\n", "1 [a]\n2 [a] k=v\n3 [b]\n4 [b] j=w\n"},
		/* before any header: section "" */
		{"k = v\n[a]\n", "1 [] k=v\n2 [a]\n"},
		/* a header is the text up to the first ']', spaces and all; the rest is ignored */
		{"[ a b ]\n", "1 [ a b ]\n"},
		{"[a] x = y\n", "1 [a]\n"},
		{"[a]b]\n", "1 [a]\n"},
		{"[]\n", "1 []\n"},
		{"  [a]\n", "1 [a]\n"},
		/* KEY: VALUE too; the first '=' or ':' ends the key */
		{"k: v\n", "1 [] k=v\n"},
		{"append = console=ttyS0,115200 a=b\n", "1 [] append=console=ttyS0,115200 a=b\n"},
		{"url: http://x = y\n", "1 [] url=http://x = y\n"},
		{"a b = c d\n", "1 [] a b=c d\n"},
		/* an empty value, an empty key */
		{"k =\n", "1 [] k=\n"},
		{"k=\n= v\n", "1 [] k=\n2 [] =v\n"},
		/* no final newline; CRLF line ends */
		{"[a]\nk = v", "1 [a]\n2 [a] k=v\n"},
		{"[a]\r\nk = v\r\n  w\r\n", "1 [a]\n2 [a] k=v w\n"},
		/* a UTF-8 byte order mark */
		{"\xef\xbb\xbf[a]\nk = v\n", "1 [a]\n2 [a] k=v\n"},
	};
	(void)state;
	CHECK(cases, 0);
}

static void comments(void **state)
{
	static const struct ini_case cases[] = {
		{"# c\n; c\n  # indented\n\t; too\n[a]\n", "5 [a]\n"},
		/* '#' after a value is part of it */
		{"k = v # not a comment\n", "1 [] k=v # not a comment\n"},
		{"k = #1\n", "1 [] k=#1\n"},
		/* ';' after white space starts a comment; not otherwise */
		{"k = v ; KiB\n", "1 [] k=v\n"},
		{"k = v\t; KiB\n", "1 [] k=v\n"},
		{"k = v;w\n", "1 [] k=v;w\n"},
		{"k =;w\n", "1 [] k=;w\n"},
		{"k = ;w\n", "1 [] k=\n"},
		{"[a] ; c\n", "1 [a]\n"},
		/* a comment between a key and its continuation */
		{"k = a\n# c\n  b\n", "1 [] k=a b\n"},
	};
	(void)state;
	CHECK(cases, 0);
}

static void continuation(void **state)
{
	static const struct ini_case cases[] = {
		/* spaces or tabs, blank lines between: joined with one space */
		{"[a]\nk = one\n  two\n\ttwo b\n\n   three  \nj = x\n",
		 "1 [a]\n2 [a] k=one two two b three\n7 [a] j=x\n"},
		/* the text is taken whole: no comment in it */
		{"k = a\n  b ; c\n", "1 [] k=a b ; c\n"},
		/* an empty value continued */
		{"k =\n  b\n", "1 [] k= b\n"},
		/* an indented key right after a header is a key */
		{"[a]\n  k = v\n", "1 [a]\n2 [a] k=v\n"},
		/* an indented key after a key continues it */
		{"k = 1\n  j = 2\n", "1 [] k=1 j = 2\n"},
		/* an indented header is a header */
		{"[a]\nk = v\n  [b]\nj = w\n", "1 [a]\n2 [a] k=v\n3 [b]\n4 [b] j=w\n"},
		/* a '[' with no ']' continues a value */
		{"k = v\n  [b\n", "1 [] k=v [b\n"},
		/* other white space does not indent (it is dropped) */
		{"k = v\n\vj = w\n", "1 [] k=v\n2 [] j=w\n"},
	};
	(void)state;
	CHECK(cases, 0);
}

static void syntax_errors(void **state)
{
	static const struct ini_case cases[] = {
		{"[a\n", "mkdistro: t.ini:1: syntax error (expected [section] or key = value)\n"},
		{"[a]\njust words\n", "1 [a]\nmkdistro: t.ini:2: syntax error (expected [section] or key = value)\n"},
		/* an indented line with nothing to continue */
		{"  x\n", "mkdistro: t.ini:1: syntax error (expected [section] or key = value)\n"},
		{"[a]\n  x\n", "1 [a]\nmkdistro: t.ini:2: syntax error (expected [section] or key = value)\n"},
		/* a comment in the key */
		{"a ;b = c\n", "mkdistro: t.ini:1: syntax error (expected [section] or key = value)\n"},
		{"[a ;b]\n", "mkdistro: t.ini:1: syntax error (expected [section] or key = value)\n"},
		/* the key before it, continuation and all, is handed over first */
		{"k = v\n  w\nbad\nj = x\n",
		 "1 [] k=v w\nmkdistro: t.ini:3: syntax error (expected [section] or key = value)\n"},
		{"\r\n[a\r\n", "mkdistro: t.ini:2: syntax error (expected [section] or key = value)\n"},
	};
	(void)state;
	CHECK(cases, -1);
}

/* No limit on the length of a line. */
static void long_lines(void **state)
{
	const size_t n = 100000;
	char *text = xmalloc(n + 16), *want = xmalloc(n + 32), *got;
	int rc;
	(void)state;
	memcpy(text, "[a]\nk = ", 8);
	memset(text + 8, 'x', n);
	strcpy(text + 8 + n, "\n  y\n");
	memcpy(want, "1 [a]\n2 [a] k=", 14);
	memset(want + 14, 'x', n);
	strcpy(want + 14 + n, " y\n");
	got = read_ini(text, 0, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(got, want);
	free(got);
	free(want);
	free(text);
}

/* What fn returns stops the reading and is returned. */
static void stop(void **state)
{
	int rc;
	char *got = read_ini("[a]\nk = v\nj = w\n[b]\n", 2, &rc);
	(void)state;
	assert_int_equal(rc, 7);
	assert_string_equal(got, "1 [a]\n2 [a] k=v\n");
	free(got);
	/* the header is handed over, and nothing after it */
	got = read_ini("[a]\n[b]\nbad\n", 1, &rc);
	assert_int_equal(rc, 7);
	assert_string_equal(got, "1 [a]\n");
	free(got);
	/* the last key, handed over at the end */
	got = read_ini("[a]\nk = v\n  w", 2, &rc);
	assert_int_equal(rc, 7);
	assert_string_equal(got, "1 [a]\n2 [a] k=v w\n");
	free(got);
}

/* ini_set: a key replaced where the section sets it, else added under the section's header,
 * else the section added; every other line as it was. */
static void set_key(void **state)
{
	static const struct {
		const char *text, *section, *key, *value, *comment, *want;
	} cases[] = {
		/* replaced in place, its comment and its neighbours kept */
		{"# top\n[a]\n# why\nk = 1 ; old\nj = 2\n", "a", "k", "3", "# new",
		 "# top\n[a]\n# why\nk = 3\nj = 2\n"},
		/* only in its own section */
		{"[b]\nk = 1\n[a]\nk = 2\n", "a", "k", "3", NULL, "[b]\nk = 1\n[a]\nk = 3\n"},
		/* its continuation lines go, past a comment between them; the next key stays */
		{"[a]\nk = 1\n  2\n# c\n\t3\nj = 4\n  5\n", "a", "k", "x", NULL,
		 "[a]\nk = x\n# c\nj = 4\n  5\n"},
		/* added after the header, with the comment */
		{"[a]\n# about j\nj = 2\n", "a", "k", "1", "# why k",
		 "[a]\n# why k\nk = 1\n# about j\nj = 2\n"},
		/* a section that is not there comes last; a last line without '\n' gets one */
		{"[a]\nj = 2", "net", "address", "off", "# none",
		 "[a]\nj = 2\n\n[net]\n# none\naddress = off\n"},
		/* a commented-out key is a comment, not the key */
		{"[a]\n# k = 1\n", "a", "k", "2", NULL, "[a]\nk = 2\n# k = 1\n"},
		/* the keys before the first header: replaced once, or added first */
		{"k = 1\n[a]\nk = 2\n", "", "k", "3", NULL, "k = 3\n[a]\nk = 2\n"},
		{"# c\n[a]\n", "", "k", "3", "# why", "# why\nk = 3\n# c\n[a]\n"},
		/* a header or a key as the last line, without '\n' */
		{"[a]", "a", "k", "1", NULL, "[a]\nk = 1\n"},
		{"[a]\nk = 1", "a", "k", "2", NULL, "[a]\nk = 2\n"},
		/* a byte order mark stays first; a line written ends as its neighbour does (CRLF) */
		{"\xef\xbb\xbf[a]\r\nk = 1\r\nj = 2\r\n", "a", "k", "3", NULL,
		 "\xef\xbb\xbf[a]\r\nk = 3\r\nj = 2\r\n"},
		{"[a]\r\nj = 2\r\n", "a", "k", "1", "# c", "[a]\r\n# c\r\nk = 1\r\nj = 2\r\n"},
		/* an indented header is a header, not a continuation line; "  [x" without ']' is one */
		{"[a]\nk = 1\n  [b]\nj = 2\n", "a", "k", "3", NULL, "[a]\nk = 3\n  [b]\nj = 2\n"},
		{"[a]\nk = 1\n  [x\nj = 2\n", "a", "k", "3", NULL, "[a]\nk = 3\nj = 2\n"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = ini_set(cases[i].text, "t.ini", cases[i].section, cases[i].key,
				    cases[i].value, cases[i].comment);
		assert_non_null(got);
		assert_string_equal(got, cases[i].want);
		free(got);
	}
	/* what would not read back as written: NULL, reported */
	static const char *const bad[] = {"a\n[b]", "a ; b", " a", "a\t"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct stderr_capture b;
		char m[256];
		stderr_begin(&b);
		char *g = ini_set("[a]\n", "t.ini", "a", "k", bad[i], NULL);
		stderr_end(&b, m, sizeof(m));
		assert_null(g);
		assert_non_null(strstr(m, "t.ini: [a] k: the value"));
	}
	/* a ';' after no white space is text */
	char *semi = ini_set("[a]\n", "t.ini", "a", "k", "a;b", NULL);
	assert_string_equal(semi, "[a]\nk = a;b\n");
	free(semi);
	/* a syntax error: NULL, reported with the file and line */
	struct stderr_capture c;
	char msg[256];
	stderr_begin(&c);
	char *got = ini_set("[a]\nbad\n", "t.ini", "a", "k", "v", NULL);
	stderr_end(&c, msg, sizeof(msg));
	assert_null(got);
	assert_non_null(strstr(msg, "t.ini:2: syntax error"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sections_and_keys),
		cmocka_unit_test(comments),
		cmocka_unit_test(continuation),
		cmocka_unit_test(syntax_errors),
		cmocka_unit_test(long_lines),
		cmocka_unit_test(stop),
		cmocka_unit_test(set_key),
	};
	return cmocka_run_group_tests_name("ini", tests, NULL, NULL);
}
