/* fuzz_termesc.c: the terminal escape stripper (src/formats/termesc.c) on any bytes, as QEMU's
 * serial line delivers them: in reads of any length, cut anywhere in a sequence.
 *
 * The input is stripped in one read and again in reads whose lengths come from its own
 * bytes; both must give the same text.  What comes out holds no ESC, carriage return or
 * other control character but newline and tab, and is never longer than what went in.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "formats/termesc.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	fuzz_init(0);
	return 0;
}

/* Strip data in reads of 1 to 16 bytes, each length taken from the byte a read starts at. */
static size_t strip_in_pieces(const char *data, size_t size, char *out)
{
	struct termesc t;
	size_t k = 0;
	termesc_init(&t);
	for (size_t at = 0; at < size;) {
		size_t n = 1 + (unsigned char)data[at] % 16;
		if (n > size - at)
			n = size - at;
		k += termesc_strip(&t, data + at, n, out + k);
		at += n;
	}
	return k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	char *whole = xmalloc(size ? size : 1), *pieces = xmalloc(size ? size : 1);
	struct termesc t;
	size_t k, k2;

	termesc_init(&t);
	k = termesc_strip(&t, in, size, whole);
	assert(k <= size);
	for (size_t i = 0; i < k; i++) {
		unsigned char c = (unsigned char)whole[i];
		assert(c == '\n' || c == '\t' || (c >= 0x20 && c != 0x7f));
	}
	k2 = strip_in_pieces(in, size, pieces);
	assert(k2 == k && !memcmp(whole, pieces, k));
	free(whole);
	free(pieces);
	return 0;
}
