/* ini.h: INI text, as mkdistro.conf is written, read line by line into sections and keys.
 *
 * There is no one INI standard.  These are the rules of libinih
 * (https://github.com/benhoyt/inih) as Debian builds it, with line numbers, without its
 * limit on the length of a line, and with an indented [NAME] line a section header:
 *
 *   - Lines end at '\n'; white space (space, tab, CR, VT, FF) at either end of a line is
 *     dropped, so CRLF line ends read as LF.  A UTF-8 byte order mark at the start is skipped.
 *   - A blank line, or one whose first character (after white space) is '#' or ';', is a
 *     comment.
 *   - On a header's or a key's line, a ';' after white space starts a comment that runs to
 *     the end of the line; a '#' is part of the text.
 *   - `[NAME]` starts section NAME: the text between the '[' and the first ']', taken as it
 *     is (spaces and all); what follows the ']' on the line is ignored.  Keys before the first
 *     section are in section "".
 *   - `KEY = VALUE` (or `KEY: VALUE`) sets a key: KEY is the text before the first '=' or
 *     ':', VALUE the rest, each without white space at its ends; an empty VALUE is a value.
 *   - A line that starts with a space or a tab, after a key, continues that key's value: its
 *     text (white space at its ends dropped, nothing taken as a comment) is added to the
 *     value with one space between.
 *   - Any other line (a '[' with no ']' before a comment, a line with no '=' or ':' before
 *     one) is a syntax error.
 *
 * Pure: reads the text it is given, reports a syntax error with error().
 */
#ifndef MKDISTRO_INI_H
#define MKDISTRO_INI_H

/* A section header or a key, as ini_parse() hands it over. */
struct ini_entry {
	const char *section; /* the section it is in (or, for a header, starts) */
	const char *key;     /* NULL: this is the [section] header itself */
	const char *value;   /* the key's value, its continuation lines joined; NULL for a header */
	int line;            /* of the header, or of the key's own line */
};

/* Called for each entry in the order of the text; non-zero stops the reading. */
typedef int ini_fn(void *ctx, const struct ini_entry *e);

/* Read text (named path in messages), calling fn with each section header and each key.  A
 * key is handed over once its continuation lines are read, so before the line after them.
 * The strings are valid during the call only.  Returns 0; what fn returned, when not 0 (the
 * reading stops there); or -1 for a syntax error, reported as "path:LINE: syntax error ...",
 * where the reading stops. */
int ini_parse(const char *text, const char *path, ini_fn *fn, void *ctx);

/* text with section's key set to value, a new malloc'd text: the key's first line in the
 * section (and its continuation lines) replaced by `key = value`; else that line added
 * right after the section's first header, after comment (lines that start with '#', or
 * NULL); else the section added at the end with it (section "", the keys before the first
 * header: the line comes first).  Every other line is kept as it is.  NULL, reported, for a
 * syntax error in text (as ini_parse() reports it), or a value that would not read back as
 * itself: one with a newline, a ';' after white space, or white space at either end. */
char *ini_set(const char *text, const char *path, const char *section, const char *key,
	      const char *value, const char *comment);

#endif
