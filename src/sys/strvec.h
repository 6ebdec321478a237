/* strvec.h: a NULL-terminated array of strings that owns them, after git's strvec.h: an
 * argv built by pushing, not by slots counted by index.
 *
 *	struct strvec a;
 *	strvec_init(&a);
 *	strvec_pushl(&a, "qemu-system-x86_64", "-m", NULL);
 *	strvec_pushf(&a, "%u", mib);
 *	child.argv = a.v;
 *	...
 *	strvec_clear(&a);
 *
 * Every push copies its string; v stays NULL-terminated after every call, so it can go to
 * posix_spawn as it is.  Allocation failure exits (alloc.h).
 */
#ifndef MKDISTRO_STRVEC_H
#define MKDISTRO_STRVEC_H

#include <stddef.h>

#include "sys/log.h"

struct strvec {
	const char **v; /* n strings, then NULL; never NULL after strvec_init */
	size_t n;
	size_t alloc;   /* room in v, 0 while v is the shared empty array */
};

void strvec_init(struct strvec *sv);
/* Append a copy of s; returns the copy. */
const char *strvec_push(struct strvec *sv, const char *s);
/* Append a formatted string; returns it. */
const char *strvec_pushf(struct strvec *sv, const char *fmt, ...) PRINTF_LIKE(2, 3);
/* Append each argument up to the NULL that ends the list. */
void strvec_pushl(struct strvec *sv, ...) __attribute__((sentinel));
/* Free the strings and the array; sv is left empty, as after strvec_init. */
void strvec_clear(struct strvec *sv);

#endif
