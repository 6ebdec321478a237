/* kbuildmf.c: the objects of a kernel Makefile (see kbuildmf.h). */
#include "formats/kbuildmf.h"

#include <ctype.h>
#include <string.h>

#include "sys/buf.h"

static int is_symbol_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* Does line s (blanks skipped) start with directive d followed by a blank or its end? */
static int directive(const char *s, const char *d)
{
	size_t n = strlen(d);
	return !strncmp(s, d, n) && (s[n] == '\0' || s[n] == ' ' || s[n] == '\t');
}

/* One logical line (continuations joined, comment cut); *depth counts the make
 * conditionals (ifdef, ifndef, ifeq, ifneq ... endif) it is in. */
static void one_line(const char *s, int *depth, kbuildmf_fn fn, void *ctx)
{
	static const char head[] = "obj-$(CONFIG_";
	const char *sym, *p;
	char symbol[128];
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	if (directive(s, "ifdef") || directive(s, "ifndef") || directive(s, "ifeq") ||
	    directive(s, "ifneq")) {
		++*depth;
		return;
	}
	if (directive(s, "endif")) {
		*depth -= *depth > 0;
		return;
	}
	if (*depth || strncmp(s, head, sizeof(head) - 1))
		return;
	sym = s + sizeof(head) - 1;
	for (p = sym; is_symbol_char(*p); p++)
		;
	n = (size_t)(p - sym);
	if (*p != ')' || n == 0 || n >= sizeof(symbol))
		return;
	memcpy(symbol, sym, n);
	symbol[n] = '\0';
	p++;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '+' || *p == ':')
		p++;
	if (*p != '=')
		return;
	p++;
	for (;;) {
		const char *w, *base;
		char object[256];
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		for (w = p; *p && *p != ' ' && *p != '\t'; p++)
			;
		n = (size_t)(p - w);
		if (n < 3 || n >= sizeof(object) || w[n - 2] != '.' || w[n - 1] != 'o' ||
		    memchr(w, '$', n))
			continue;
		base = w;
		for (const char *q = w; q < w + n; q++)
			if (*q == '/')
				base = q + 1;
		n = (size_t)(w + n - 2 - base);
		if (n == 0)
			continue;
		memcpy(object, base, n);
		object[n] = '\0';
		fn(ctx, symbol, object);
	}
}

void kbuildmf_objects(const char *text, size_t len, kbuildmf_fn fn, void *ctx)
{
	struct buf line;
	int depth = 0;
	buf_init(&line);
	for (size_t i = 0; i < len;) {
		const char *start = text + i, *nl = memchr(start, '\n', len - i);
		size_t n = nl ? (size_t)(nl - start) : len - i;
		const char *hash = memchr(start, '#', n);
		size_t keep = hash ? (size_t)(hash - start) : n;
		i += n + (nl != NULL);
		if (!hash && keep && start[keep - 1] == '\\') {
			buf_add(&line, start, keep - 1);
			buf_adds(&line, " ");
			continue;
		}
		buf_add(&line, start, keep);
		one_line(line.data, &depth, fn, ctx);
		buf_reset(&line);
	}
	buf_release(&line);
}
