/* alloc.h: allocation that succeeds or exits.
 *
 * The x prefix (after toybox's lib/xwrap.c) means "succeeds or dies": out of memory, the
 * program says so and exits 1.
 */
#ifndef MKDISTRO_ALLOC_H
#define MKDISTRO_ALLOC_H

#include <stdarg.h>
#include <stddef.h>

#include "sys/log.h"

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) PRINTF_LIKE(1, 2);
char *xvasprintf(const char *fmt, va_list ap) PRINTF_LIKE(1, 0);
/* Grow *v (of *cap elements of size) so it holds at least need elements. */
void xgrow(void **v, size_t *cap, size_t need, size_t size);
#define XGROW(v, cap, need) xgrow((void **)&(v), &(cap), (need), sizeof(*(v)))

#endif
