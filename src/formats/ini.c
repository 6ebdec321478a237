/* ini.c: INI text read line by line (the rules are in ini.h). */
#include "formats/ini.h"

#include <string.h>

#include "sys/buf.h"
#include "sys/log.h"

/* What is being read: the section, and the key whose value later lines may continue. */
struct reader {
	const char *path;
	ini_fn *fn;
	void *ctx;
	struct buf section;
	struct buf key, value;
	int key_line; /* 0: no key to continue */
};

/* isspace() in the C locale, whatever the program's locale is. */
static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static void trim(const char **s, const char **e)
{
	while (*s < *e && is_space(**s))
		(*s)++;
	while (*e > *s && is_space((*e)[-1]))
		(*e)--;
}

/* The first of the characters stop in [s, e), or a comment: a ';' after white space; else e. */
static const char *find_stop(const char *s, const char *e, const char *stop)
{
	int after_space = 0;
	for (; s < e; s++) {
		if (strchr(stop, *s) || (after_space && *s == ';'))
			break;
		after_space = is_space(*s);
	}
	return s;
}

static void set(struct buf *b, const char *s, const char *e)
{
	buf_reset(b);
	buf_add(b, s, (size_t)(e - s));
}

/* Hand over the key read so far, if any. */
static int flush_key(struct reader *r)
{
	struct ini_entry e = {r->section.data, r->key.data, r->value.data, r->key_line};
	if (!r->key_line)
		return 0;
	r->key_line = 0;
	return r->fn(r->ctx, &e);
}

/* A `KEY = VALUE` line [s, e), white space dropped; -1 when it is not one. */
static int key_line(struct reader *r, const char *s, const char *e, int line)
{
	const char *sep = find_stop(s, e, "=:"), *k = s, *ke = sep, *v, *ve;
	if (sep == e || *sep == ';')
		return -1;
	v = sep + 1;
	ve = find_stop(v, e, "");
	trim(&k, &ke);
	trim(&v, &ve);
	set(&r->key, k, ke);
	set(&r->value, v, ve);
	r->key_line = line;
	return 0;
}

/* One line [s, e), without its '\n'. */
static int one_line(struct reader *r, const char *s, const char *e, int line)
{
	int indented = s < e && (*s == ' ' || *s == '\t'), rc;
	const char *close;
	trim(&s, &e);
	if (s == e || *s == '#' || *s == ';')
		return 0;
	if (*s == '[' && *(close = find_stop(s + 1, e, "]")) == ']') {
		struct ini_entry h = {NULL, NULL, NULL, line};
		if ((rc = flush_key(r)))
			return rc;
		set(&r->section, s + 1, close);
		h.section = r->section.data;
		return r->fn(r->ctx, &h);
	}
	if (indented && r->key_line) {
		buf_add(&r->value, " ", 1);
		buf_add(&r->value, s, (size_t)(e - s));
		return 0;
	}
	if ((rc = flush_key(r)))
		return rc;
	if (*s != '[' && key_line(r, s, e, line) == 0)
		return 0;
	return error("%s:%d: syntax error (expected [section] or key = value)", r->path, line);
}

int ini_parse(const char *text, const char *path, ini_fn *fn, void *ctx)
{
	struct reader r = {path, fn, ctx, {0}, {0}, {0}, 0};
	const char *p = text;
	int line = 0, rc = 0;

	buf_init(&r.section);
	buf_init(&r.key);
	buf_init(&r.value);
	if (!strncmp(p, "\xef\xbb\xbf", 3))
		p += 3;
	while (*p && !rc) {
		const char *end = p + strcspn(p, "\n");
		rc = one_line(&r, p, end, ++line);
		p = *end ? end + 1 : end;
	}
	if (!rc)
		rc = flush_key(&r);
	buf_release(&r.section);
	buf_release(&r.key);
	buf_release(&r.value);
	return rc;
}

/* Where ini_set() finds the section and the key. */
struct place {
	const char *section, *key;
	int header, key_line; /* the first of each, 0: none */
};

static int find_place(void *ctx, const struct ini_entry *e)
{
	struct place *p = ctx;
	if (strcmp(e->section, p->section))
		return 0;
	if (!e->key && !p->header)
		p->header = e->line;
	else if (e->key && !strcmp(e->key, p->key) && !p->key_line)
		p->key_line = e->line;
	return 0;
}

/* Is the line [s, e) one that continues a key's value: indented, with text that is not a
 * comment or a header (a '[' with a ']' before any comment), as one_line() reads it? */
static int continues(const char *s, const char *e)
{
	int indented = s < e && (*s == ' ' || *s == '\t');
	trim(&s, &e);
	return indented && s < e && *s != '#' && *s != ';' &&
	       !(*s == '[' && *find_stop(s + 1, e, "]") == ']');
}

/* Is the line [s, e) blank or a comment? */
static int is_comment(const char *s, const char *e)
{
	trim(&s, &e);
	return s == e || *s == '#' || *s == ';';
}

char *ini_set(const char *text, const char *path, const char *section, const char *key,
	      const char *value, const char *comment)
{
	struct place p = {section, key, 0, 0};
	struct buf out;
	const char *s = text;
	int line = 0, dropping = 0;

	/* a value that would not read back as itself */
	for (const char *v = value; *v; v++)
		if (*v == '\n' || (*v == ';' && v > value && is_space(v[-1])) ||
		    (v == value && is_space(*v)) || (!v[1] && is_space(*v))) {
			error("%s: [%s] %s: the value '%s' would not read back as written", path,
			      section, key, value);
			return NULL;
		}
	if (ini_parse(text, path, find_place, &p) < 0)
		return NULL;
	buf_init(&out);
	if (!strncmp(s, "\xef\xbb\xbf", 3)) {
		buf_add(&out, s, 3);
		s += 3;
	}
	/* a key before the first header that is not there yet: first */
	if (!*section && !p.key_line)
		buf_addf(&out, "%s%s%s = %s\n", comment ? comment : "", comment ? "\n" : "", key,
			 value);
	while (*s) {
		const char *end = s + strcspn(s, "\n"), *next = *end ? end + 1 : end;
		/* a line written here ends as the line it replaces or follows does */
		const char *eol = end > s && end[-1] == '\r' ? "\r\n" : "\n";
		line++;
		if (dropping && continues(s, end)) {
			s = next;
			continue;
		}
		/* the parser reads a continuation line after blank and comment lines too */
		if (dropping && !is_comment(s, end))
			dropping = 0;
		if (line == p.key_line) {
			buf_addf(&out, "%s = %s%s", key, value, eol);
			dropping = 1;
			s = next;
			continue;
		}
		buf_add(&out, s, (size_t)(next - s));
		if (!*end && s < end)
			buf_adds(&out, "\n");
		if (line == p.header && !p.key_line)
			buf_addf(&out, "%s%s%s = %s%s", comment ? comment : "", comment ? eol : "", key,
				 value, eol);
		s = next;
	}
	if (*section && !p.header)
		buf_addf(&out, "\n[%s]\n%s%s%s = %s\n", section, comment ? comment : "",
			 comment ? "\n" : "", key, value);
	return buf_detach(&out, NULL);
}
