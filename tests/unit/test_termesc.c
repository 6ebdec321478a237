/* test_termesc.c: unit tests for the terminal escape stripper (src/formats/termesc.c): each
 * kind of ECMA-48 sequence that firmware and boot loaders send (CSI with parameters and
 * intermediates, OSC ended by BEL or ST, DCS, charset selection, two-byte escapes), the
 * control characters (carriage return, BEL, DEL), and every sequence cut at every byte
 * into two reads, which must give the same text as one read.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "formats/termesc.h"

/* What in gives, in one read from a fresh state; the result is static. */
static const char *strip(const char *in)
{
	static char out[512];
	struct termesc t;
	size_t n = strlen(in), k;
	assert_true(n < sizeof(out));
	termesc_init(&t);
	k = termesc_strip(&t, in, n, out);
	assert_true(k <= n);
	out[k] = '\0';
	return out;
}

static const struct {
	const char *in, *want;
} cases[] = {
	{ "plain text\n", "plain text\n" },
	/* CSI: parameters, a private marker, intermediates, the final byte */
	{ "\x1b[0m\x1b[1;37;40mBdsDxe\x1b[2J\x1b[H", "BdsDxe" },
	{ "a\x1b[?25lb\x1b[?25hc", "abc" },
	{ "\x1b[1 qx", "x" },
	{ "\x1b[01;01H\x1b[=3h\x1b[=7lSeaBIOS", "SeaBIOS" },
	/* OSC ended by BEL and by ST (ESC \), DCS, APC, PM, SOS */
	{ "\x1b]0;title\x07prompt", "prompt" },
	{ "\x1b]2;title\x1b\\prompt", "prompt" },
	{ "\x1bPq#0;2;0;0;0\x1b\\ok", "ok" },
	{ "\x1b_apc\x07\x1b^pm\x07\x1bXsos\x1b\\ok", "ok" },
	/* ESC inside a control string that is not ST does not end it */
	{ "\x1b]0;a\x1b" "b\x07ok", "ok" },
	/* charset selection and other escapes with intermediates; two-byte escapes */
	{ "\x1b(Bboot:\x1b)0 ", "boot: " },
	{ "\x1b#8x\x1b" "7\x1b" "8\x1b" "cy", "xy" },
	/* ESC ESC: the second starts the sequence */
	{ "\x1b\x1b[31mred", "red" },
	/* carriage returns and other controls go; newline and tab stay */
	{ "Loading\r\n\tkernel\x07\x08\x7f\r\n", "Loading\n\tkernel\n" },
	/* bytes above 0x7f pass, so UTF-8 text is kept */
	{ "\xe2\x94\x80 caf\xc3\xa9", "\xe2\x94\x80 caf\xc3\xa9" },
	/* a newline ends a broken CSI and is kept, so lines are not swallowed */
	{ "\x1b[12\nnext line\n", "\nnext line\n" },
	/* an ESC at the very end waits for the next read */
	{ "text\x1b", "text" },
};

static void test_sequences(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = strip(cases[i].in);
		if (strcmp(got, cases[i].want))
			fail_msg("case %zu: got '%s', want '%s'", i, got, cases[i].want);
	}
}

/* Every case cut at every byte into two reads gives what one read gives: the state carries
 * a half-read sequence over. */
static void test_split_reads(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *in = cases[i].in;
		size_t n = strlen(in);
		for (size_t cut = 0; cut <= n; cut++) {
			char out[512];
			struct termesc t;
			size_t k;
			termesc_init(&t);
			k = termesc_strip(&t, in, cut, out);
			k += termesc_strip(&t, in + cut, n - cut, out + k);
			out[k] = '\0';
			if (strcmp(out, cases[i].want))
				fail_msg("case %zu cut at %zu: got '%s', want '%s'", i, cut, out,
					 cases[i].want);
		}
	}
}

/* A state left inside a sequence eats the start of the next read until the sequence ends;
 * termesc_init starts over. */
static void test_state_carried(void **state)
{
	struct termesc t;
	char out[64];
	size_t k;
	(void)state;
	termesc_init(&t);
	k = termesc_strip(&t, "\x1b]0;long title", 14, out);
	assert_int_equal(k, 0);
	k = termesc_strip(&t, " still\x07 shown", 13, out);
	assert_int_equal(k, 6);
	assert_memory_equal(out, " shown", 6);
	termesc_strip(&t, "\x1b[", 2, out);
	termesc_init(&t);
	k = termesc_strip(&t, "31m", 3, out);
	assert_int_equal(k, 3);
	assert_memory_equal(out, "31m", 3);
}

/* NUL bytes are control characters too, and the length counts, not a terminator. */
static void test_nul_bytes(void **state)
{
	struct termesc t;
	char out[8];
	(void)state;
	termesc_init(&t);
	assert_int_equal(termesc_strip(&t, "a\0b\0", 4, out), 2);
	assert_memory_equal(out, "ab", 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sequences),
		cmocka_unit_test(test_split_reads),
		cmocka_unit_test(test_state_carried),
		cmocka_unit_test(test_nul_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
