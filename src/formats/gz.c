/* gz.c: gzip compression and decompression with libdeflate (see gz.h).
 *
 * Spec: RFC 1952.  A member is a 10-byte header (ID1 0x1f, ID2 0x8b, CM 8, FLG, MTIME[4],
 * XFL, OS), optional fields, the DEFLATE data, then CRC32 and ISIZE (the input length mod
 * 2^32), both little-endian.  libdeflate parses the header, checks CRC32 and ISIZE, and
 * reports how many input bytes a member took, which is what lets us walk several members.
 */
#include "formats/gz.h"

#include <libdeflate.h>
#include <string.h>

int gz_compress(const void *in, size_t n, int level, struct buf *out)
{
	static const char empty[1];
	struct libdeflate_compressor *c;
	size_t bound, got;

	if (level < 1 || level > 12)
		return error("gzip level %d is out of range (1 to 12)", level);
	c = libdeflate_alloc_compressor(level);
	if (!c)
		die("out of memory (gzip compressor)");
	bound = libdeflate_gzip_compress_bound(c, n);
	buf_grow(out, bound);
	got = libdeflate_gzip_compress(c, n ? in : empty, n, out->data + out->len, bound);
	libdeflate_free_compressor(c);
	if (!got) {
		buf_setlen(out, out->len);
		return error("gzip compression of %zu bytes failed", n);
	}
	buf_setlen(out, out->len + got);
	return 0;
}

int gz_is_gzip(const void *data, size_t n)
{
	const unsigned char *p = data;
	/* ID1, ID2, and CM 8 (deflate, the only method RFC 1952 defines). */
	return n >= 10 && p[0] == 0x1f && p[1] == 0x8b && p[2] == 8;
}

static size_t le32(const unsigned char *p)
{
	return (size_t)p[0] | (size_t)p[1] << 8 | (size_t)p[2] << 16 | (size_t)p[3] << 24;
}

/*
 * Decompress the member at in[0..n) (n may run past it) onto out, allowing at most room
 * output bytes (max is the caller's whole limit, for the message).  Sets *used to the
 * member's length.  Returns 0 or -1 (reported).
 *
 * The output size is unknown up front.  ISIZE at the end of the input is a hint: right for a
 * single member under 4 GiB, wrong for the first of several, and anything at all for
 * corrupt data; so it is only the first guess, never more than DEFLATE can expand to (at
 * best 258 bytes for one 1-bit length code plus one 1-bit distance code: 1032 per input
 * byte) nor more than room, and on LIBDEFLATE_INSUFFICIENT_SPACE we double and retry.
 */
static int member(struct libdeflate_decompressor *d, const unsigned char *in, size_t n,
		  size_t offset, struct buf *out, size_t room, size_t max, size_t *used)
{
	size_t limit = n > room / 1032 ? room : n * 1032;
	size_t guess = n >= 18 ? le32(in + n - 4) : 0;
	size_t avail;

	if (!guess || guess > limit)
		guess = n > limit / 4 ? limit : n * 4;
	avail = guess;
	for (;;) {
		size_t got = 0;
		enum libdeflate_result r;

		buf_grow(out, avail);
		r = libdeflate_gzip_decompress_ex(d, in, n, out->data + out->len, avail, used,
						  &got);
		if (r == LIBDEFLATE_SUCCESS) {
			buf_setlen(out, out->len + got);
			return 0;
		}
		if (r != LIBDEFLATE_INSUFFICIENT_SPACE)
			return error("gzip data is corrupt (member at byte %zu)", offset);
		if (avail >= limit) {
			if (limit == room)
				return error("gzip data expands to more than the %zu bytes allowed "
					     "(member at byte %zu)", max, offset);
			return error("gzip data is corrupt (member at byte %zu)", offset);
		}
		avail = avail > limit / 2 ? limit : avail * 2;
	}
}

int gz_decompress(const void *in, size_t n, struct buf *out)
{
	return gz_decompress_max(in, n, GZ_MAX_OUTPUT, out);
}

int gz_decompress_max(const void *in, size_t n, size_t max, struct buf *out)
{
	const unsigned char *p = in;
	size_t start = out->len, pos = 0, members = 0;
	struct libdeflate_decompressor *d;
	int ret = -1;

	d = libdeflate_alloc_decompressor();
	if (!d)
		die("out of memory (gzip decompressor)");
	for (;;) {
		size_t used = 0;
		while (pos < n && p[pos] == 0)
			pos++;
		if (pos == n)
			break;
		if (!gz_is_gzip(p + pos, n - pos)) {
			if (members)
				error("unexpected data after gzip member (at byte %zu)", pos);
			else
				error("not gzip data");
			goto out;
		}
		if (member(d, p + pos, n - pos, pos, out, max - (out->len - start), max,
			   &used) < 0)
			goto out;
		pos += used;
		members++;
	}
	if (!members) {
		error("no gzip data");
		goto out;
	}
	ret = 0;
out:
	if (ret < 0)
		buf_setlen(out, start);
	libdeflate_free_decompressor(d);
	return ret;
}
