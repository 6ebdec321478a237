/* debcopyright.c: the license a Debian copyright file declares, as an SPDX expression (see
 * debcopyright.h).  References: Debian's machine-readable copyright format 1.0
 * (https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/, its License
 * specification and short names); SPDX 2.3 Annex D (license expressions) and the SPDX
 * license list (https://spdx.org/licenses/).
 */
#include "formats/debcopyright.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "formats/deb822.h"
#include "sys/alloc.h"
#include "sys/buf.h"

/* DEP-5 short names that SPDX spells otherwise, or that need saying they are SPDX's
 * (https://spdx.org/licenses/); the GNU licenses with numbered versions are worked out in
 * gnu_license.  Compared without regard to case. */
static const struct {
	const char *debian, *spdx;
} license_names[] = {
	{"Expat", "MIT"},          {"MIT", "MIT"},           {"MIT-0", "MIT-0"},
	{"BSD-2-clause", "BSD-2-Clause"}, {"BSD-3-clause", "BSD-3-Clause"},
	{"BSD-4-clause", "BSD-4-Clause"}, {"0BSD", "0BSD"},  {"ISC", "ISC"},
	{"Zlib", "Zlib"},          {"Apache-1.0", "Apache-1.0"}, {"Apache-1.1", "Apache-1.1"},
	{"Apache-2.0", "Apache-2.0"}, {"Artistic", "Artistic-1.0"}, {"Artistic-1.0", "Artistic-1.0"},
	{"Artistic-2.0", "Artistic-2.0"}, {"MPL-1.0", "MPL-1.0"}, {"MPL-1.1", "MPL-1.1"},
	{"MPL-2.0", "MPL-2.0"},    {"CC0", "CC0-1.0"},       {"CC0-1.0", "CC0-1.0"},
	{"CC-BY-3.0", "CC-BY-3.0"}, {"CC-BY-4.0", "CC-BY-4.0"}, {"CC-BY-SA-3.0", "CC-BY-SA-3.0"},
	{"CC-BY-SA-4.0", "CC-BY-SA-4.0"}, {"X11", "X11"},    {"Unlicense", "Unlicense"},
	{"BSL-1.0", "BSL-1.0"},    {"Python-2.0", "Python-2.0"}, {"PSF-2", "PSF-2.0"},
	{"OpenSSL", "OpenSSL"},    {"curl", "curl"},         {"WTFPL", "WTFPL"},
	{"Zope-2.1", "ZPL-2.1"},   {"ZPL-2.1", "ZPL-2.1"},   {"EPL-1.0", "EPL-1.0"},
	{"EPL-2.0", "EPL-2.0"},    {"CDDL-1.0", "CDDL-1.0"}, {"LPPL-1.3c", "LPPL-1.3c"},
	{"bzip2-1.0.6", "bzip2-1.0.6"}, {"Libpng", "Libpng"}, {"libpng-2.0", "libpng-2.0"},
	{"FTL", "FTL"},            {"Unicode-DFS-2016", "Unicode-DFS-2016"},
};

/* GPL-2, GPL-2+, LGPL-2.1+, AGPL-3, GFDL-1.3+ ... as SPDX's GPL-2.0-only, GPL-2.0-or-later,
 * LGPL-2.1-or-later ... (malloc'd), or NULL when name is none of the versions SPDX lists. */
static char *gnu_license(const char *name)
{
	static const struct {
		const char *family, *versions; /* versions: each followed by a space */
	} gnu[] = {
		{"GPL", "1.0 2.0 3.0 "}, {"LGPL", "2.0 2.1 3.0 "}, {"AGPL", "1.0 3.0 "},
		{"GFDL", "1.1 1.2 1.3 "},
	};
	for (size_t i = 0; i < sizeof(gnu) / sizeof(gnu[0]); i++) {
		size_t fl = strlen(gnu[i].family), vl;
		const char *v = name + fl + 1, *plus;
		char ver[8], *key;
		int found;
		if (strncasecmp(name, gnu[i].family, fl) || name[fl] != '-')
			continue;
		vl = strspn(v, "0123456789.");
		plus = v + vl;
		if (!vl || vl > 3 || (*plus && strcmp(plus, "+")))
			return NULL;
		snprintf(ver, sizeof(ver), "%.*s%s", (int)vl, v, memchr(v, '.', vl) ? "" : ".0");
		key = xasprintf("%s ", ver);
		found = strstr(gnu[i].versions, key) != NULL;
		free(key);
		return found ? xasprintf("%s-%s-%s", gnu[i].family, ver, *plus ? "or-later" : "only")
			     : NULL;
	}
	return NULL;
}

/* The License: text for name in the copyright file: a stand-alone License paragraph's, or
 * a Files paragraph's that carries the text; NULL when none does. */
static const char *license_text(const struct deb822 *ps, const char *name)
{
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < ps->n; i++) {
			const char *lic = deb822_get(&ps->v[i], "License"), *nl;
			if (!lic || (pass == 0) != !deb822_get(&ps->v[i], "Files"))
				continue;
			nl = strchr(lic, '\n');
			if (nl && nl[1] && (size_t)(nl - lic) == strlen(name) &&
			    !strncasecmp(lic, name, strlen(name)))
				return nl + 1;
		}
	return NULL;
}

/* The copyright file being read, and the document its LicenseRefs go to. */
struct reading {
	struct spdx *s;
	const char *pkg;
	const struct deb822 *d;
};

/* One license name (maybe "NAME with EXCEPTION exception") as an SPDX id, or a LicenseRef
 * registered in the document (malloc'd). */
static char *license_id(const struct reading *r, const char *name)
{
	char *id, *both;
	const char *text;
	if (!strcasestr(name, " with ")) {
		for (size_t i = 0; i < sizeof(license_names) / sizeof(license_names[0]); i++)
			if (!strcasecmp(name, license_names[i].debian))
				return xstrdup(license_names[i].spdx);
		if ((id = gnu_license(name)))
			return id;
	}
	/* SPDX has no name for it (or for the exception): a LicenseRef of this package's, so
	 * that two packages' texts of one name cannot clash */
	both = xasprintf("%s-%s", r->pkg, name);
	id = spdx_idstring(both);
	free(both);
	both = id;
	id = xasprintf("LicenseRef-%s", both);
	free(both);
	if (spdx_has_licref(r->s, id))
		return id;
	text = license_text(r->d, name);
	if (text) {
		spdx_licref(r->s, id, name, text);
	} else {
		char *why = xasprintf("%s, as /usr/share/doc/%s/copyright names it (it holds no text "
				      "for it)",
				      name, r->pkg);
		spdx_licref(r->s, id, name, why);
		free(why);
	}
	return id;
}

/* A DEP-5 license expression in SPDX's terms: "GPL-2+ or Artistic" is "GPL-2.0-or-later OR
 * Artistic-1.0".  "and" binds more tightly than "or" in both, except that in DEP-5 a comma
 * before the operator closes what comes before it: "A or B, and C" is "(A OR B) AND C".
 * An operator goes out only when a license follows it, so that one at the end, or twice in
 * a row, cannot leave an expression SPDX would refuse.  *has_or: an OR at the top, so that
 * the whole needs parentheses inside an AND. */
static char *expression(const struct reading *r, const char *expr, int *has_or)
{
	struct buf out, term;
	char *copy = xstrdup(expr), *save = NULL;
	const char *pending = NULL; /* the operator before the next license */
	int comma = 0;
	buf_init(&out);
	buf_init(&term);
	*has_or = 0;
	for (char *tok = strtok_r(copy, " \t", &save);; tok = strtok_r(NULL, " \t", &save)) {
		size_t len = tok ? strlen(tok) : 0;
		int op = tok && (!strcasecmp(tok, "or") || !strcasecmp(tok, "and"));
		if ((!tok || op) && term.len) {
			char *id = license_id(r, term.data);
			if (pending) {
				buf_adds(&out, pending);
				*has_or |= pending[1] == 'O';
				pending = NULL;
			}
			buf_adds(&out, id);
			free(id);
			buf_reset(&term);
		}
		if (!tok)
			break;
		if (op && out.len) {
			if (comma && *has_or) {
				char *grouped = xasprintf("(%s)", out.data);
				buf_reset(&out);
				buf_adds(&out, grouped);
				free(grouped);
				*has_or = 0;
			}
			pending = tolower((unsigned char)tok[0]) == 'o' ? " OR " : " AND ";
			comma = 0;
		} else if (!op) {
			comma = len && tok[len - 1] == ',';
			if (comma)
				tok[--len] = '\0';
			if (len)
				buf_addf(&term, "%s%s", term.len ? " " : "", tok);
		}
	}
	buf_release(&term);
	free(copy);
	return buf_detach(&out, NULL);
}

struct term {
	char *expr;
	int has_or;
};

static int by_expr(const void *a, const void *b)
{
	return strcmp(((const struct term *)a)->expr, ((const struct term *)b)->expr);
}

/* Add expr to terms unless it is there; takes expr. */
static void add_term(struct term **terms, size_t *n, size_t *cap, char *expr, int has_or)
{
	for (size_t j = 0; j < *n; j++)
		if (!strcmp((*terms)[j].expr, expr)) {
			free(expr);
			return;
		}
	XGROW(*terms, *cap, *n + 1);
	(*terms)[*n].expr = expr;
	(*terms)[(*n)++].has_or = has_or;
}

/* Add an expression with no OR at its top as its AND-ed parts, each once (a part may be a
 * parenthesised "(A OR B)"): "MIT AND BSD-3-Clause" and "BSD-3-Clause" add up to two
 * licenses, not three.  Takes expr. */
static void add_parts(struct term **terms, size_t *n, size_t *cap, char *expr)
{
	int depth = 0;
	const char *start = expr;
	for (const char *c = expr;; c++) {
		if (*c == '(')
			depth++;
		else if (*c == ')')
			depth--;
		if (!*c || (depth == 0 && !strncmp(c, " AND ", 5))) {
			if (c > start)
				add_term(terms, n, cap, xstrndup(start, (size_t)(c - start)), 0);
			if (!*c)
				break;
			start = c + 5;
			c += 4;
		}
	}
	free(expr);
}

/* Each Files paragraph's license (without any, the header paragraph's), each license once,
 * into terms (of *n). */
static void files_licenses(const struct reading *r, struct term **terms, size_t *n, size_t *cap)
{
	const struct deb822 *d = r->d;
	for (int header = 0; header < 2 && !*n; header++) {
		for (size_t i = header ? 0 : 1; i < (header ? 1 : d->n); i++) {
			const char *lic = deb822_get(&d->v[i], "License");
			char *first, *expr;
			int has_or;
			if (!lic || (!header && !deb822_get(&d->v[i], "Files")))
				continue;
			first = xstrndup(lic, strcspn(lic, "\n"));
			expr = expression(r, first, &has_or);
			free(first);
			if (!*expr)
				free(expr);
			else if (has_or)
				add_term(terms, n, cap, expr, 1);
			else
				add_parts(terms, n, cap, expr);
		}
	}
}

char *debcopyright_license(struct spdx *s, const char *pkg, const char *text)
{
	struct deb822 d;
	struct reading r = {.s = s, .pkg = pkg, .d = &d};
	const char *format;
	struct term *terms = NULL;
	size_t n = 0, cap = 0;
	struct buf out;

	deb822_parse(&d, text);
	format = d.n ? deb822_get(&d.v[0], "Format") : NULL;
	if (format && (strstr(format, "copyright-format/1.0") || strstr(format, "dep5")))
		files_licenses(&r, &terms, &n, &cap);
	deb822_release(&d);
	if (!n)
		return NULL;
	qsort(terms, n, sizeof(*terms), by_expr);
	buf_init(&out);
	for (size_t i = 0; i < n; i++) {
		int wrap = n > 1 && terms[i].has_or;
		buf_addf(&out, "%s%s%s%s", i ? " AND " : "", wrap ? "(" : "", terms[i].expr,
			 wrap ? ")" : "");
		free(terms[i].expr);
	}
	free(terms);
	return buf_detach(&out, NULL);
}
