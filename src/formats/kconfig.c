/* kconfig.c: Kconfig fragment and .config text (see kconfig.h). */
#include "formats/kconfig.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "sys/alloc.h"

void kconfig_init(struct kconfig *k)
{
	memset(k, 0, sizeof(*k));
}

void kconfig_release(struct kconfig *k)
{
	for (size_t i = 0; i < k->n; i++) {
		free(k->v[i].name);
		free(k->v[i].value);
	}
	free(k->v);
	kconfig_init(k);
}

static struct kconfig_sym *find(const struct kconfig *k, const char *name)
{
	for (size_t i = 0; i < k->n; i++)
		if (!strcmp(k->v[i].name, name))
			return &k->v[i];
	return NULL;
}

const char *kconfig_get(const struct kconfig *k, const char *name)
{
	struct kconfig_sym *s = find(k, name);
	return s ? s->value : "n";
}

static void set_line(struct kconfig *k, const char *name, size_t nlen, const char *value,
		     size_t vlen, int line, const char *path)
{
	char *n = xstrndup(name, nlen);
	struct kconfig_sym *s = find(k, n);
	if (!s) {
		XGROW(k->v, k->cap, k->n + 1);
		s = &k->v[k->n++];
		s->name = n;
	} else {
		free(n);
		free(s->value);
	}
	s->value = xstrndup(value, vlen);
	s->line = line;
	s->path = path;
}

/* A setting of module support itself, which needs MODULES. */
static int module_support(const char *name)
{
	return !strncmp(name, "MODULE_", 7) || !strcmp(name, "MODVERSIONS");
}

size_t kconfig_builtin_modules(struct kconfig *k)
{
	size_t changed = 0;
	for (size_t i = 0; i < k->n; i++) {
		struct kconfig_sym *s = &k->v[i];
		const char *to = !strcmp(s->value, "m") ? "y"
				 : (module_support(s->name) || !strcmp(s->name, "MODULES")) &&
						   strcmp(s->value, "n")
					   ? "n"
					   : NULL;
		if (to) {
			free(s->value);
			s->value = xstrdup(to);
			changed++;
		}
	}
	if (changed && !find(k, "MODULES"))
		kconfig_set(k, "MODULES", "n");
	return changed;
}

void kconfig_set(struct kconfig *k, const char *name, const char *value)
{
	set_line(k, name, strlen(name), value, strlen(value), 0, NULL);
}

void kconfig_append(struct kconfig *k, const char *name, const char *value)
{
	struct kconfig_sym *s = find(k, name);
	if (s) {
		size_t i = (size_t)(s - k->v);
		free(s->name);
		free(s->value);
		memmove(&k->v[i], &k->v[i + 1], (k->n - i - 1) * sizeof(k->v[0]));
		k->n--;
	}
	kconfig_set(k, name, value);
}

static size_t symbol_len(const char *s)
{
	size_t n = 0;
	while (isalnum((unsigned char)s[n]) || s[n] == '_')
		n++;
	return n;
}

/* A value as Kconfig writes it: y, m, a (hex) number or a complete quoted string. */
static int valid_value(const char *v, size_t n)
{
	if (n == 1 && (v[0] == 'y' || v[0] == 'm' || v[0] == 'n'))
		return 1;
	if (n >= 2 && v[0] == '"') {
		for (size_t i = 1; i < n - 1; i++) {
			if (v[i] == '\\' && i + 1 < n - 1)
				i++;
			else if (v[i] == '"')
				return 0;
		}
		return v[n - 1] == '"';
	}
	size_t i = (v[0] == '-') ? 1 : 0;
	if (n > i + 2 && v[i] == '0' && (v[i + 1] == 'x' || v[i + 1] == 'X')) {
		for (i += 2; i < n; i++)
			if (!isxdigit((unsigned char)v[i]))
				return 0;
		return 1;
	}
	if (i == n)
		return 0;
	for (; i < n; i++)
		if (!isdigit((unsigned char)v[i]))
			return 0;
	return 1;
}

int kconfig_parse(struct kconfig *k, const char *text, const char *path, int strict)
{
	int line = 0;
	const char *p = text;
	while (*p) {
		const char *end = strchr(p, '\n');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		const char *s = p;
		size_t n;
		line++;
		while (len && (p[len - 1] == '\r' || p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		while (s < p + len && (*s == ' ' || *s == '\t'))
			s++;
		if (!strncmp(s, "# CONFIG_", 9) && (n = symbol_len(s + 9)) &&
		    (size_t)(p + len - (s + 9 + n)) == 11 && !strncmp(s + 9 + n, " is not set", 11)) {
			char *name = xstrndup(s + 9, n);
			struct kconfig_sym *dup = find(k, name);
			free(name);
			if (strict && dup)
				return error("%s:%d: CONFIG_%.*s is set twice (first on line %d)", path,
					     line, (int)n, s + 9, dup->line);
			set_line(k, s + 9, n, "n", 1, line, path);
		} else if (s == p + len || *s == '#') {
			/* blank or comment */
		} else if (!strncmp(s, "CONFIG_", 7) && (n = symbol_len(s + 7)) && s[7 + n] == '=') {
			const char *v = s + 8 + n;
			size_t vlen = (size_t)(p + len - v);
			char *name = xstrndup(s + 7, n);
			struct kconfig_sym *dup = find(k, name);
			free(name);
			if (strict && dup)
				return error("%s:%d: CONFIG_%.*s is set twice (first on line %d)", path,
					     line, (int)n, s + 7, dup->line);
			if (!valid_value(v, vlen)) {
				if (strict)
					return error("%s:%d: bad value '%.*s' for CONFIG_%.*s (expected y, "
						     "m, a number or a \"quoted string\")",
						     path, line, (int)vlen, v, (int)n, s + 7);
			} else {
				set_line(k, s + 7, n, v, vlen, line, path);
			}
		} else if (strict) {
			return error("%s:%d: expected CONFIG_NAME=value or '# CONFIG_NAME is not set', "
				     "not '%.*s'",
				     path, line, (int)(p + len - s), s);
		}
		p = end ? end + 1 : p + strlen(p);
	}
	return 0;
}

void kconfig_merge(struct kconfig *dst, const struct kconfig *src)
{
	for (size_t i = 0; i < src->n; i++) {
		const struct kconfig_sym *s = &src->v[i];
		set_line(dst, s->name, strlen(s->name), s->value, strlen(s->value), s->line, s->path);
	}
}

void kconfig_render(const struct kconfig *k, struct buf *out)
{
	for (size_t i = 0; i < k->n; i++) {
		if (!strcmp(k->v[i].value, "n"))
			buf_addf(out, "# CONFIG_%s is not set\n", k->v[i].name);
		else
			buf_addf(out, "CONFIG_%s=%s\n", k->v[i].name, k->v[i].value);
	}
}

int kconfig_check(const struct kconfig *want, const struct kconfig *got, const char *path,
		  const char *what)
{
	int bad = 0;
	for (size_t i = 0; i < want->n; i++) {
		const struct kconfig_sym *w = &want->v[i];
		const char *g = kconfig_get(got, w->name);
		const char *where = w->path ? w->path : path;
		if (!strcmp(w->value, g))
			continue;
		bad++;
		if (!strcmp(w->value, "n"))
			error("%s:%d: '# CONFIG_%s is not set' was overridden by %s (it is %s): "
			      "something selects it",
			      where, w->line, w->name, what, g);
		else
			error("%s:%d: CONFIG_%s=%s was dropped by %s (it is %s): a dependency is "
			      "missing or the symbol does not exist",
			      where, w->line, w->name, w->value, what,
			      strcmp(g, "n") ? g : "not set");
	}
	return bad;
}
