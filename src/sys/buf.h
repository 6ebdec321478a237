/* buf.h: a growable byte buffer, after git's strbuf: buf_init/buf_release, always
 * NUL-terminated so that it can hold text.
 */
#ifndef MKDISTRO_BUF_H
#define MKDISTRO_BUF_H

#include <stddef.h>

#include "sys/log.h"

struct buf {
	char *data; /* NUL-terminated; never NULL after buf_init (an empty buffer owns no memory) */
	size_t len;
	size_t cap;
};
void buf_init(struct buf *b);
void buf_release(struct buf *b);
void buf_reset(struct buf *b);
/* Make room for extra more bytes (plus the NUL) without changing the contents. */
void buf_grow(struct buf *b, size_t extra);
/* Set the length after writing into the room buf_grow made (len < cap). */
void buf_setlen(struct buf *b, size_t len);
void buf_add(struct buf *b, const void *data, size_t n);
void buf_adds(struct buf *b, const char *s);
void buf_addf(struct buf *b, const char *fmt, ...) PRINTF_LIKE(2, 3);
/* Take the data out (malloc'd, the caller frees it); the buffer is left empty, owning no
 * memory, so it needs no buf_release (though one does no harm). */
char *buf_detach(struct buf *b, size_t *len);

/* A name as one field of a line of space-separated fields: bytes up to and including space,
 * '%' and DEL written as %XX. */
void buf_add_field(struct buf *b, const char *s);
/* Undo buf_add_field() in place; -1 on a bad escape. */
int field_unescape(char *s);

#endif
