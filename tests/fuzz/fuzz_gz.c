/* fuzz_gz.c: the gzip reader (src/formats/gz.c) on any bytes: members one after another, NUL
 * padding between them, corrupt headers, CRCs and lengths, and data that expands far.
 *
 * Decompressed with a small output limit as well as the default one, so that the limit
 * and the buffer growth around it are exercised without the fuzzer spending its time in
 * memset.  What decompresses is compressed again and must come back the same.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "formats/gz.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	fuzz_init(0);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *copy = xmalloc(size ? size : 1);
	struct buf out, small, again, back;
	int rc;

	memcpy(copy, data, size);
	buf_init(&out);
	buf_init(&small);
	buf_adds(&small, "kept"); /* gz appends: what was there must stay, on error too */
	rc = gz_decompress_max(copy, size, 4096, &small);
	assert(small.len >= 4 && !memcmp(small.data, "kept", 4));
	assert(rc < 0 ? small.len == 4 : small.len <= 4 + 4096);
	gz_is_gzip(copy, size);
	if (gz_decompress(copy, size, &out) == 0) {
		assert(rc < 0 || (small.len - 4 == out.len && !memcmp(small.data + 4, out.data, out.len)));
		buf_init(&again);
		buf_init(&back);
		assert(gz_compress(out.data, out.len, 1, &again) == 0);
		assert(gz_decompress(again.data, again.len, &back) == 0);
		assert(back.len == out.len && !memcmp(back.data, out.data, out.len));
		buf_release(&again);
		buf_release(&back);
	} else {
		assert(out.len == 0 && rc < 0);
	}
	buf_release(&out);
	buf_release(&small);
	free(copy);
	return 0;
}
