/* deb822.c: Debian control-style paragraphs of fields (see deb822.h).
 * References: Debian Policy 5.1 (syntax of control files), deb822(5), sources.list(5).
 */
#include "formats/deb822.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sys/alloc.h"
#include "sys/buf.h"

/* The field being read: its value and lines grow until the next field or paragraph. */
struct reader {
	struct deb822 *d;
	struct deb822_para *para; /* NULL between paragraphs */
	struct buf value, raw;
	int open; /* a field is being read */
};

/* Hand the field being read to its paragraph. */
static void close_field(struct reader *r)
{
	struct deb822_field *f;
	if (!r->open)
		return;
	f = &r->para->f[r->para->n - 1];
	f->value = buf_detach(&r->value, NULL);
	f->raw = buf_detach(&r->raw, NULL);
	r->open = 0;
}

/* s[0..*len) without the white space at both ends. */
static const char *trim(const char *s, size_t *len)
{
	while (*len && isspace((unsigned char)*s))
		s++, (*len)--;
	while (*len && isspace((unsigned char)s[*len - 1]))
		(*len)--;
	return s;
}

static void start_field(struct reader *r, const char *line, size_t n, const char *colon)
{
	struct deb822_field *f;
	size_t len = (size_t)(line + n - colon - 1);
	const char *v = trim(colon + 1, &len);
	close_field(r);
	if (!r->para) {
		XGROW(r->d->v, r->d->cap, r->d->n + 1);
		r->para = &r->d->v[r->d->n++];
		memset(r->para, 0, sizeof(*r->para));
	}
	XGROW(r->para->f, r->para->cap, r->para->n + 1);
	f = &r->para->f[r->para->n++];
	memset(f, 0, sizeof(*f));
	f->name = xstrndup(line, (size_t)(colon - line));
	buf_add(&r->value, v, len);
	buf_add(&r->raw, line, n);
	buf_adds(&r->raw, "\n");
	r->open = 1;
}

static void continue_field(struct reader *r, const char *line, size_t n)
{
	size_t len = n;
	const char *v = trim(line, &len);
	if (!r->open)
		return;
	buf_adds(&r->value, "\n");
	if (len != 1 || *v != '.')
		buf_add(&r->value, v, len);
	buf_add(&r->raw, line, n);
	buf_adds(&r->raw, "\n");
}

void deb822_parse(struct deb822 *d, const char *text)
{
	struct reader r = {.d = d};
	memset(d, 0, sizeof(*d));
	buf_init(&r.value);
	buf_init(&r.raw);
	for (const char *line = text; *line;) {
		size_t n = strcspn(line, "\n"), blank = n;
		const char *colon = memchr(line, ':', n);
		trim(line, &blank);
		if (!blank) {
			close_field(&r);
			r.para = NULL;
		} else if (line[0] == '#') {
			/* a comment */
		} else if (line[0] == ' ' || line[0] == '\t') {
			continue_field(&r, line, n);
		} else if (colon) {
			start_field(&r, line, n, colon);
		}
		line += n + (line[n] == '\n');
	}
	close_field(&r);
	buf_release(&r.value);
	buf_release(&r.raw);
}

void deb822_release(struct deb822 *d)
{
	for (size_t i = 0; i < d->n; i++) {
		for (size_t j = 0; j < d->v[i].n; j++) {
			free(d->v[i].f[j].name);
			free(d->v[i].f[j].value);
			free(d->v[i].f[j].raw);
		}
		free(d->v[i].f);
	}
	free(d->v);
	memset(d, 0, sizeof(*d));
}

const char *deb822_get(const struct deb822_para *p, const char *name)
{
	for (size_t i = 0; i < p->n; i++)
		if (!strcasecmp(p->f[i].name, name))
			return p->f[i].value;
	return NULL;
}

char *deb822_first(const struct deb822 *d, const char *name)
{
	for (size_t i = 0; i < d->n; i++) {
		const char *v = deb822_get(&d->v[i], name);
		if (v)
			return xstrndup(v, strcspn(v, "\n"));
	}
	return NULL;
}
