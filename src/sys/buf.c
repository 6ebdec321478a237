/* buf.c: a growable byte buffer (see buf.h). */
#include "sys/buf.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sys/alloc.h"

/* As git's strbuf_slopbuf: an empty buffer points here and owns no memory. */
static char slop[1];

void buf_init(struct buf *b)
{
	b->data = slop;
	b->len = b->cap = 0;
}

void buf_release(struct buf *b)
{
	if (b->cap)
		free(b->data);
	buf_init(b);
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->cap)
		b->data[0] = '\0';
}

void buf_grow(struct buf *b, size_t extra)
{
	size_t need = b->len + extra + 1, cap = b->cap ? b->cap : 64;
	if (need <= b->cap)
		return;
	while (cap < need)
		cap *= 2;
	if (b->cap) {
		b->data = xrealloc(b->data, cap);
	} else {
		b->data = xmalloc(cap);
		b->data[0] = '\0';
	}
	b->cap = cap;
}

void buf_setlen(struct buf *b, size_t len)
{
	if (!b->cap && !len)
		return;
	if (!b->cap || len >= b->cap)
		die("internal error: buf_setlen past the buffer");
	b->len = len;
	b->data[len] = '\0';
}

void buf_add(struct buf *b, const void *data, size_t n)
{
	buf_grow(b, n);
	memcpy(b->data + b->len, data, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;
	buf_grow(b, 64);
	va_start(ap, fmt);
	n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		die("bad format string");
	if ((size_t)n >= b->cap - b->len) {
		buf_grow(b, (size_t)n);
		va_start(ap, fmt);
		vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

char *buf_detach(struct buf *b, size_t *len)
{
	char *d;
	buf_grow(b, 0); /* an empty buffer still gives a malloc'd "" */
	d = b->data;
	if (len)
		*len = b->len;
	buf_init(b);
	return d;
}

void buf_add_field(struct buf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c <= ' ' || c == '%' || c == 0x7f)
			buf_addf(b, "%%%02x", c);
		else
			buf_add(b, s, 1);
	}
}

int field_unescape(char *s)
{
	char *o = s;
	for (; *s; s++) {
		if (*s != '%') {
			*o++ = *s;
			continue;
		}
		if (!isxdigit((unsigned char)s[1]) || !isxdigit((unsigned char)s[2]))
			return -1;
		char hex[3] = {s[1], s[2], 0};
		*o++ = (char)strtoul(hex, NULL, 16);
		s += 2;
	}
	*o = '\0';
	return 0;
}
