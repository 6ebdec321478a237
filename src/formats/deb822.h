/* deb822.h: Debian control-style text, paragraphs of "Name: value" fields: apt's .sources
 * files (sources.list(5), deb822 style), machine-readable copyright files (copyright-format
 * 1.0, DEP-5) and source package .dsc files.  The syntax is Debian Policy 5.1 and deb822(5).
 *
 *  - A field starts on a line that does not start with white space, its name everything up
 *    to the first ':' (kept as written), its value the rest of the line.
 *  - A line that starts with a space or tab continues the value of the field before it; a
 *    continuation line of just " ." stands for an empty line (Policy 5.6.13).
 *  - A line of nothing but white space ends a paragraph.
 *  - A line that starts with '#' is a comment wherever it stands, between fields or inside a
 *    value (apt reads them so, and DEP-5 files carry them); it is left out.
 *  - What is none of these (a line without ':', a continuation line before the first field)
 *    is left out: it does not end a field, so that the lines after it still continue it.
 * Field names are compared without regard to case.  Pure: text in, no I/O.
 */
#ifndef MKDISTRO_DEB822_H
#define MKDISTRO_DEB822_H

#include <stddef.h>

struct deb822_field {
	char *name;  /* as written: not trimmed, no ':' */
	char *value; /* the first line's value, then "\n" and each continuation line's, each
		      * trimmed of white space at both ends ("" for a " ." line) */
	char *raw;   /* the field's lines as they were written (comments left out), each ending
		      * in "\n": a program that copies a paragraph keeps its bytes */
};

struct deb822_para {
	struct deb822_field *f;
	size_t n, cap;
};

struct deb822 {
	struct deb822_para *v;
	size_t n, cap;
};

/* Split text into d's paragraphs (d need not be initialised; deb822_release frees it).  Any
 * text parses: what is not a field is left out, as above. */
void deb822_parse(struct deb822 *d, const char *text);
void deb822_release(struct deb822 *d);
/* The value of the paragraph's first field called name, or NULL. */
const char *deb822_get(const struct deb822_para *p, const char *name);
/* The first line of name's value in the first paragraph that has the field (malloc'd), or
 * NULL: for the one-paragraph files whose paragraph need not be the first, such as a signed
 * .dsc (the signature's header is a paragraph before it). */
char *deb822_first(const struct deb822 *d, const char *name);

#endif
