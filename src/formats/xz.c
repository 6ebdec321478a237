/* xz.c: xz compression and decompression with liblzma (see xz.h).
 *
 * Spec: the .xz file format: a 12-byte stream header (magic FD 37 7A 58 5A 00, the stream
 * flags with the check type), blocks, an index, and a 12-byte footer ending in "YZ".
 */
#include "formats/xz.h"

#include <lzma.h>
#include <stdint.h>
#include <string.h>

/* The decoder's memory ceiling: xz_compress's dictionaries are at most 4 MiB, xz -9's 64. */
#define XZ_MEMLIMIT ((uint64_t)256 << 20)

/* The dictionary for n bytes: the smallest power of two at least n (a larger one compresses
 * no better), from 4 KiB (LZMA_DICT_SIZE_MIN) to 4 MiB, where the encoder needs 45 MB
 * (about 11 times the dictionary), within mkdistro's 64 MB; preset 9's own is 64 MiB. */
static uint32_t dict_for(size_t n)
{
	uint32_t d = LZMA_DICT_SIZE_MIN;
	while (d < n && d < ((uint32_t)4 << 20))
		d <<= 1;
	return d;
}

int xz_compress(const void *in, size_t n, struct buf *out)
{
	static const uint8_t empty[1];
	lzma_options_lzma opt;
	lzma_filter filters[2];
	size_t bound = lzma_stream_buffer_bound(n), pos = 0;
	lzma_ret r;

	if (lzma_lzma_preset(&opt, 9))
		return error("xz: liblzma has no preset 9");
	opt.dict_size = dict_for(n);
	filters[0] = (lzma_filter){.id = LZMA_FILTER_LZMA2, .options = &opt};
	filters[1] = (lzma_filter){.id = LZMA_VLI_UNKNOWN};
	if (!bound)
		return error("xz: %zu bytes is too much to compress", n);
	buf_grow(out, bound);
	r = lzma_stream_buffer_encode(filters, LZMA_CHECK_CRC32, NULL, n ? in : empty, n,
				      (uint8_t *)out->data + out->len, &pos, bound);
	if (r != LZMA_OK) {
		buf_setlen(out, out->len);
		return error("xz compression of %zu bytes failed (liblzma error %d)", n, (int)r);
	}
	buf_setlen(out, out->len + pos);
	return 0;
}

int xz_is_xz(const void *data, size_t n)
{
	static const unsigned char magic[6] = {0xfd, '7', 'z', 'X', 'Z', 0};
	return n >= 12 && !memcmp(data, magic, sizeof(magic));
}

/* What liblzma's code r means, for a message. */
static const char *why(lzma_ret r)
{
	switch (r) {
	case LZMA_FORMAT_ERROR:
		return "not xz data";
	case LZMA_OPTIONS_ERROR:
		return "options this liblzma does not support";
	case LZMA_DATA_ERROR:
		return "damaged data";
	case LZMA_BUF_ERROR:
		return "truncated data";
	case LZMA_MEM_ERROR:
		return "out of memory";
	case LZMA_MEMLIMIT_ERROR:
		return "a dictionary larger than 256 MiB";
	default:
		return "an error";
	}
}

int xz_decompress(const void *in, size_t n, size_t max, struct buf *out)
{
	lzma_stream s = LZMA_STREAM_INIT;
	size_t start = out->len;
	int over = 0;
	lzma_ret r = lzma_stream_decoder(&s, XZ_MEMLIMIT, LZMA_CONCATENATED);

	if (r != LZMA_OK)
		return error("xz: cannot start the decoder (liblzma error %d)", (int)r);
	s.next_in = in;
	s.avail_in = n;
	do {
		/* one byte more than max may come out: that one says the data is too big */
		size_t room = max + 1 - (out->len - start);
		if (room > ((size_t)1 << 20))
			room = (size_t)1 << 20;
		buf_grow(out, room);
		s.next_out = (uint8_t *)out->data + out->len;
		s.avail_out = room;
		r = lzma_code(&s, s.avail_in ? LZMA_RUN : LZMA_FINISH);
		buf_setlen(out, out->len + (room - s.avail_out));
		over = out->len - start > max;
	} while (r == LZMA_OK && !over);
	lzma_end(&s);
	if (r == LZMA_STREAM_END && !over)
		return 0;
	buf_setlen(out, start);
	if (over)
		return error("xz: more than %zu bytes of output", max);
	return error("xz: %s", why(r));
}
