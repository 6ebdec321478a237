/* spdx.c: an SPDX 2.3 document and its JSON text (see spdx.h).
 * References: the SPDX 2.3 specification (clauses 6, 7, 10, 11) and its JSON schema; RFC 8259
 * (JSON strings) and RFC 3629 (UTF-8); the purl specification (the deb type).
 */
#include "formats/spdx.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sys/alloc.h"
#include "sys/hash.h"

void spdx_init(struct spdx *s)
{
	memset(s, 0, sizeof(*s));
}

void spdx_release(struct spdx *s)
{
	for (size_t i = 0; i < s->n_pkgs; i++) {
		struct spdx_pkg *p = &s->pkgs[i];
		free(p->id);
		free(p->name);
		free(p->version);
		free(p->file);
		free(p->license);
		free(p->source_info);
		free(p->comment);
		free(p->purl);
	}
	for (size_t i = 0; i < s->n_rels; i++) {
		free(s->rels[i].from);
		free(s->rels[i].type);
		free(s->rels[i].to);
	}
	for (size_t i = 0; i < s->n_refs; i++) {
		free(s->refs[i].id);
		free(s->refs[i].name);
		free(s->refs[i].text);
	}
	free(s->pkgs);
	free(s->rels);
	free(s->refs);
	spdx_init(s);
}

char *spdx_idstring(const char *s)
{
	struct buf b;
	buf_init(&b);
	for (; *s; s++) {
		if (isalnum((unsigned char)*s) || *s == '.' || *s == '-')
			buf_add(&b, s, 1);
		else if (*s == '+')
			buf_adds(&b, "plus");
		else
			buf_adds(&b, "-");
	}
	if (!b.len)
		buf_adds(&b, "-");
	return buf_detach(&b, NULL);
}

static int id_taken(const struct spdx *s, const char *id)
{
	for (size_t i = 0; i < s->n_pkgs; i++)
		if (!strcmp(s->pkgs[i].id, id))
			return 1;
	return !strcmp(id, "DOCUMENT");
}

struct spdx_pkg *spdx_add(struct spdx *s, const char *id, const char *name)
{
	char *base = spdx_idstring(id), *cand = xstrdup(base);
	struct spdx_pkg *p;
	for (unsigned k = 2; id_taken(s, cand); k++) {
		free(cand);
		cand = xasprintf("%s-%u", base, k);
	}
	free(base);
	XGROW(s->pkgs, s->cap_pkgs, s->n_pkgs + 1);
	p = &s->pkgs[s->n_pkgs++];
	memset(p, 0, sizeof(*p));
	p->id = cand;
	p->name = xstrdup(name);
	return p;
}

void spdx_relate(struct spdx *s, const char *from, const char *type, const char *to)
{
	struct spdx_rel *r;
	XGROW(s->rels, s->cap_rels, s->n_rels + 1);
	r = &s->rels[s->n_rels++];
	r->from = xstrdup(from);
	r->type = xstrdup(type);
	r->to = xstrdup(to);
}

int spdx_has_licref(const struct spdx *s, const char *id)
{
	for (size_t i = 0; i < s->n_refs; i++)
		if (!strcmp(s->refs[i].id, id))
			return 1;
	return 0;
}

void spdx_licref(struct spdx *s, const char *id, const char *name, const char *text)
{
	struct spdx_licref *r;
	if (spdx_has_licref(s, id))
		return;
	XGROW(s->refs, s->cap_refs, s->n_refs + 1);
	r = &s->refs[s->n_refs++];
	r->id = xstrdup(id);
	r->name = xstrdup(name);
	r->text = xstrdup(text);
}

/* The length of the well-formed UTF-8 sequence at p (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF), or 0. */
static size_t utf8_len(const unsigned char *p)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n;
	if (*p < 0x80)
		return 1;
	if (*p >= 0xc2 && *p <= 0xdf)
		n = 2;
	else if (*p >= 0xe0 && *p <= 0xef)
		n = 3, lo = *p == 0xe0 ? 0xa0 : 0x80, hi = *p == 0xed ? 0x9f : 0xbf;
	else if (*p >= 0xf0 && *p <= 0xf4)
		n = 4, lo = *p == 0xf0 ? 0x90 : 0x80, hi = *p == 0xf4 ? 0x8f : 0xbf;
	else
		return 0;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

void spdx_json_string(struct buf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	buf_adds(out, "\"");
	while (*p) {
		size_t n = utf8_len(p);
		if (*p == '"' || *p == '\\') {
			buf_addf(out, "\\%c", *p);
		} else if (*p == '\n') {
			buf_adds(out, "\\n");
		} else if (*p == '\t') {
			buf_adds(out, "\\t");
		} else if (*p < 0x20) {
			buf_addf(out, "\\u%04x", *p);
		} else if (n) {
			buf_add(out, p, n);
			p += n;
			continue;
		} else {
			buf_adds(out, "\xef\xbf\xbd"); /* U+FFFD, for a byte that is not UTF-8 */
		}
		p++;
	}
	buf_adds(out, "\"");
}

/* A JSON object or array being written, members one a line at indent + 2. */
struct jw {
	struct buf *out;
	int indent, n;
};

static void jw_open(struct jw *w, struct buf *out, int indent, char bracket)
{
	w->out = out;
	w->indent = indent;
	w->n = 0;
	buf_add(out, &bracket, 1);
}

/* The next member: a key (NULL in an array), ready for its value. */
static void jw_next(struct jw *w, const char *key)
{
	buf_addf(w->out, "%s\n%*s", w->n++ ? "," : "", w->indent + 2, "");
	if (key)
		buf_addf(w->out, "\"%s\": ", key);
}

static void jw_str(struct jw *w, const char *key, const char *value)
{
	jw_next(w, key);
	spdx_json_string(w->out, value);
}

static void jw_close(struct jw *w, char bracket)
{
	if (w->n)
		buf_addf(w->out, "\n%*s", w->indent, "");
	buf_add(w->out, &bracket, 1);
}

static void render_pkg(struct buf *out, const struct spdx_pkg *p)
{
	struct jw o, a, c;
	char *id = xasprintf("SPDXRef-%s", p->id);
	const char *lic = p->license ? p->license : "NOASSERTION";
	jw_open(&o, out, 4, '{');
	jw_str(&o, "SPDXID", id);
	jw_str(&o, "name", p->name);
	if (p->version)
		jw_str(&o, "versionInfo", p->version);
	if (p->file)
		jw_str(&o, "packageFileName", p->file);
	if (p->purpose)
		jw_str(&o, "primaryPackagePurpose", p->purpose);
	jw_str(&o, "downloadLocation", "NOASSERTION");
	/* false: the package stands for its one file, and lists none (SPDX 2.3 7.8) */
	jw_next(&o, "filesAnalyzed");
	buf_adds(out, "false");
	if (*p->sha256) {
		jw_next(&o, "checksums");
		jw_open(&a, out, 6, '[');
		jw_next(&a, NULL);
		jw_open(&c, out, 8, '{');
		jw_str(&c, "algorithm", "SHA256");
		jw_str(&c, "checksumValue", p->sha256);
		jw_close(&c, '}');
		jw_close(&a, ']');
	}
	/* what the copyright file declares is concluded too: mkdistro has nothing to add */
	jw_str(&o, "licenseConcluded", lic);
	jw_str(&o, "licenseDeclared", lic);
	jw_str(&o, "copyrightText", "NOASSERTION");
	if (p->source_info)
		jw_str(&o, "sourceInfo", p->source_info);
	if (p->comment)
		jw_str(&o, "comment", p->comment);
	if (p->purl) {
		jw_next(&o, "externalRefs");
		jw_open(&a, out, 6, '[');
		jw_next(&a, NULL);
		jw_open(&c, out, 8, '{');
		jw_str(&c, "referenceCategory", "PACKAGE-MANAGER");
		jw_str(&c, "referenceType", "purl");
		jw_str(&c, "referenceLocator", p->purl);
		jw_close(&c, '}');
		jw_close(&a, ']');
	}
	jw_close(&o, '}');
	free(id);
}

/* creationInfo: when, and by which tool. */
static void render_creation(struct jw *doc, int64_t created, const char *tool)
{
	struct jw ci, arr;
	char when[32], *creator = xasprintf("Tool: %s", tool);
	time_t t = (time_t)created;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	jw_next(doc, "creationInfo");
	jw_open(&ci, doc->out, 2, '{');
	jw_str(&ci, "created", when);
	jw_next(&ci, "creators");
	jw_open(&arr, doc->out, 4, '[');
	jw_str(&arr, NULL, creator);
	jw_close(&arr, ']');
	jw_close(&ci, '}');
	free(creator);
}

static void render_rel(struct buf *out, const struct spdx_rel *r)
{
	struct jw o;
	char *from = xasprintf("SPDXRef-%s", r->from), *to = xasprintf("SPDXRef-%s", r->to);
	jw_open(&o, out, 4, '{');
	jw_str(&o, "spdxElementId", from);
	jw_str(&o, "relationshipType", r->type);
	jw_str(&o, "relatedSpdxElement", to);
	jw_close(&o, '}');
	free(from);
	free(to);
}

static void render_licref(struct buf *out, const struct spdx_licref *r)
{
	struct jw o;
	jw_open(&o, out, 4, '{');
	jw_str(&o, "licenseId", r->id);
	jw_str(&o, "name", r->name);
	jw_str(&o, "extractedText", r->text);
	jw_close(&o, '}');
}

/* The document, with namespace ns (NULL: left out, to be hashed). */
static void render(const struct spdx *s, const char *name, int64_t created, const char *tool,
		   const char *ns, struct buf *out)
{
	struct jw doc, arr;

	jw_open(&doc, out, 0, '{');
	jw_str(&doc, "spdxVersion", "SPDX-2.3");
	jw_str(&doc, "dataLicense", "CC0-1.0");
	jw_str(&doc, "SPDXID", "SPDXRef-DOCUMENT");
	jw_str(&doc, "name", name);
	if (ns)
		jw_str(&doc, "documentNamespace", ns);
	render_creation(&doc, created, tool);
	jw_next(&doc, "packages");
	jw_open(&arr, out, 2, '[');
	for (size_t i = 0; i < s->n_pkgs; i++) {
		jw_next(&arr, NULL);
		render_pkg(out, &s->pkgs[i]);
	}
	jw_close(&arr, ']');
	jw_next(&doc, "relationships");
	jw_open(&arr, out, 2, '[');
	for (size_t i = 0; i < s->n_rels; i++) {
		jw_next(&arr, NULL);
		render_rel(out, &s->rels[i]);
	}
	jw_close(&arr, ']');
	if (s->n_refs) {
		jw_next(&doc, "hasExtractedLicensingInfos");
		jw_open(&arr, out, 2, '[');
		for (size_t i = 0; i < s->n_refs; i++) {
			jw_next(&arr, NULL);
			render_licref(out, &s->refs[i]);
		}
		jw_close(&arr, ']');
	}
	jw_close(&doc, '}');
	buf_adds(out, "\n");
}

void spdx_render(const struct spdx *s, const char *name, int64_t created, const char *tool,
		 struct buf *out)
{
	struct buf draft;
	char sum[65], *ns, *safe = spdx_idstring(name);
	/* A namespace must be unique to the document (SPDX 2.3 6.5): one made from everything
	 * else in it is, and the same document gets the same one, where a UUID from the clock
	 * would make every build's file different. */
	buf_init(&draft);
	render(s, name, created, tool, NULL, &draft);
	sha256_hex(draft.data, draft.len, sum);
	ns = xasprintf("https://mkdistro.invalid/spdx/%s-%s", safe, sum);
	render(s, name, created, tool, ns, out);
	buf_release(&draft);
	free(ns);
	free(safe);
}

/* purl: the version is percent-encoded but for the characters the purl spec leaves as they
 * are. */
char *spdx_deb_purl(const char *name, const char *version, const char *arch)
{
	struct buf b;
	buf_init(&b);
	buf_addf(&b, "pkg:deb/debian/%s@", name);
	for (const unsigned char *p = (const unsigned char *)version; *p; p++)
		if (isalnum(*p) || strchr("._~-", *p))
			buf_add(&b, p, 1);
		else
			buf_addf(&b, "%%%02X", *p);
	buf_addf(&b, "?arch=%s", arch);
	return buf_detach(&b, NULL);
}

