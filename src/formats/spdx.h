/* spdx.h: an SPDX 2.3 document of packages, their relationships and the licenses they name
 * that SPDX has no id for, rendered as SPDX's JSON (https://spdx.github.io/spdx-spec/v2.3/:
 * clauses 6 document creation, 7 packages, 10 other licensing information, 11
 * relationships; its JSON schema), with package URLs for Debian packages (the purl
 * specification, https://github.com/package-url/purl-spec, type deb).
 *
 * Every package stands for one file and lists none (filesAnalyzed false), with the file's
 * SHA-256 when it has one; what a package declares is what it concludes.  The rendering is
 * reproducible: the same document gives the same bytes, and its documentNamespace ends in
 * the SHA-256 of the rest of the text, so that it is unique to the document without a clock
 * or a random UUID.  Every string is escaped so that the text always parses as JSON.
 * Pure: builds and renders into buffers.
 */
#ifndef MKDISTRO_SPDX_H
#define MKDISTRO_SPDX_H

#include <stddef.h>
#include <stdint.h>

#include "sys/buf.h"

struct spdx_pkg {
	char *id;           /* the SPDXID without "SPDXRef-" */
	char *name;
	char *version;      /* versionInfo, or NULL */
	char *file;         /* packageFileName, or NULL */
	const char *purpose; /* primaryPackagePurpose (APPLICATION, LIBRARY, ...), or NULL */
	char sha256[65];    /* "" when there is no checksum */
	char *license;      /* an SPDX license expression, or NULL for NOASSERTION */
	char *source_info;  /* or NULL */
	char *comment;      /* or NULL */
	char *purl;         /* a purl, or NULL */
};

struct spdx_rel {
	char *from, *type, *to; /* SPDXIDs without "SPDXRef-", and the relationship type */
};

/* A LicenseRef- license that a package's expression names, with its text. */
struct spdx_licref {
	char *id; /* "LicenseRef-..." */
	char *name;
	char *text;
};

struct spdx {
	struct spdx_pkg *pkgs;
	size_t n_pkgs, cap_pkgs;
	struct spdx_rel *rels;
	size_t n_rels, cap_rels;
	struct spdx_licref *refs;
	size_t n_refs, cap_refs;
};

void spdx_init(struct spdx *s);
void spdx_release(struct spdx *s);
/* A new package whose SPDXID is "SPDXRef-" + spdx_idstring(id) ("-2", "-3" ... is added to
 * an id already taken); name is copied.  The other fields are NULL or empty for the caller
 * to fill (with malloc'd strings). */
struct spdx_pkg *spdx_add(struct spdx *s, const char *id, const char *name);
/* from TYPE to, by SPDXIDs without "SPDXRef-" (as spdx_add's pkg->id). */
void spdx_relate(struct spdx *s, const char *from, const char *type, const char *to);
/* Add the LicenseRef id (with "LicenseRef-") with its name and text, all copied, unless the
 * document has it already. */
void spdx_licref(struct spdx *s, const char *id, const char *name, const char *text);
/* Whether the document has the LicenseRef id. */
int spdx_has_licref(const struct spdx *s, const char *id);

/* s in the characters an SPDX idstring may hold, [A-Za-z0-9.-] (malloc'd): '+' becomes
 * "plus" (GPL-2+ and GPL-2 stay apart), anything else '-'; "" becomes "-". */
char *spdx_idstring(const char *s);

/* The SPDX 2.3 JSON text of s: document name, creation time (seconds since 1970, UTC),
 * the creator tool ("mkdistro-0.1.0"); the namespace is https://mkdistro.invalid/spdx/NAME-
 * followed by the SHA-256 of the document rendered without it. */
void spdx_render(const struct spdx *s, const char *name, int64_t created, const char *tool,
		 struct buf *out);

/* A JSON string literal of s, quotes included: '"', '\' and control characters escaped,
 * bytes that are not UTF-8 replaced by U+FFFD, so that the document always parses. */
void spdx_json_string(struct buf *out, const char *s);

/* The purl of a Debian package, pkg:deb/debian/NAME@VERSION?arch=ARCH (malloc'd), the
 * version percent-encoded (a Debian version's '+' and ':' are not left as they are). */
char *spdx_deb_purl(const char *name, const char *version, const char *arch);

#endif
