/* debcopyright.h: the license a Debian copyright file declares, as an SPDX license
 * expression.  The file is machine-readable when its first paragraph's Format: names
 * copyright-format 1.0 (DEP-5, https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/);
 * other copyright files are free text, and declare nothing that can be read.
 *
 * DEP-5's short names become SPDX's (GPL-2+ is GPL-2.0-or-later, Expat is MIT, ...; the SPDX
 * license list, https://spdx.org/licenses/), its "or"/"and" SPDX's OR/AND, keeping DEP-5's
 * reading that a comma before the operator closes what comes before it ("A or B, and C" is
 * "(A OR B) AND C").  Pure: text in.
 */
#ifndef MKDISTRO_DEBCOPYRIGHT_H
#define MKDISTRO_DEBCOPYRIGHT_H

#include "formats/spdx.h"

/* The license that the copyright file text of Debian package pkg declares, as an SPDX
 * expression (malloc'd): the License: of each Files: paragraph (without any, the header
 * paragraph's), each once, sorted, joined with AND.  A name SPDX does not have (or one with
 * an exception) becomes LicenseRef-PKG-NAME, added to s with the text of its License
 * paragraph, or a line that says /usr/share/doc/PKG/copyright holds none.  NULL when the file
 * is not machine-readable or names no license. */
char *debcopyright_license(struct spdx *s, const char *pkg, const char *text);

#endif
