/* strvec.c: a NULL-terminated array of owned strings (see strvec.h). */
#include "sys/strvec.h"

#include <stdarg.h>
#include <stdlib.h>

#include "sys/alloc.h"

/* What an empty strvec points at, so that v is a valid argv before the first push. */
static const char *empty_strvec[1];

void strvec_init(struct strvec *sv)
{
	sv->v = empty_strvec;
	sv->n = 0;
	sv->alloc = 0;
}

/* Take over s (malloc'd) as the last string. */
static const char *push_owned(struct strvec *sv, char *s)
{
	if (sv->v == empty_strvec)
		sv->v = NULL;
	XGROW(sv->v, sv->alloc, sv->n + 2);
	sv->v[sv->n++] = s;
	sv->v[sv->n] = NULL;
	return s;
}

const char *strvec_push(struct strvec *sv, const char *s)
{
	return push_owned(sv, xstrdup(s));
}

const char *strvec_pushf(struct strvec *sv, const char *fmt, ...)
{
	va_list ap;
	char *s;
	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	return push_owned(sv, s);
}

void strvec_pushl(struct strvec *sv, ...)
{
	va_list ap;
	const char *s;
	va_start(ap, sv);
	while ((s = va_arg(ap, const char *)))
		strvec_push(sv, s);
	va_end(ap);
}

void strvec_clear(struct strvec *sv)
{
	if (sv->v != empty_strvec) {
		for (size_t i = 0; i < sv->n; i++)
			free((char *)sv->v[i]);
		free(sv->v);
	}
	strvec_init(sv);
}
