/* test_debcopyright.c: unit tests for src/formats/debcopyright.c: Debian copyright files
 * read as SPDX license expressions, with the LicenseRefs they add to the document. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "formats/debcopyright.h"
#define TMP_DIR "tests/tmp/debcopyright"
#include "testutil.h"

/* The expression of a copyright file, and the LicenseRefs it added (id=text;...). */
static char *license_of(const char *text, char **refs)
{
	struct spdx s;
	struct buf r;
	char *lic;
	spdx_init(&s);
	buf_init(&r);
	lic = debcopyright_license(&s, "pkg", text);
	for (size_t i = 0; i < s.n_refs; i++)
		buf_addf(&r, "%s[%s]=%s;", s.refs[i].id, s.refs[i].name, s.refs[i].text);
	*refs = buf_detach(&r, NULL);
	spdx_release(&s);
	return lic;
}

#define FORMAT "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"

static void copyright_files(void **state)
{
	static const struct {
		const char *text, *license, *refs;
	} cases[] = {
		/* not machine-readable: nothing to go by */
		{"This is the Debian prepackaged version of the GNU C Library.\n\nLicense: LGPL\n",
		 NULL, ""},
		{FORMAT "Upstream-Name: x\n", NULL, ""},
		/* each Files paragraph's license, in SPDX's names, sorted, once each */
		{FORMAT "Upstream-Name: x\n\nFiles: *\nCopyright: 2020 A\nLicense: GPL-2+\n\n"
			"Files: lib/*\nCopyright: 2020 B\nLicense: Expat\n\n"
			"Files: doc/*\nLicense: GPL-2+\n\n"
			"License: GPL-2+\n This program is free software...\n .\n On Debian ...\n",
		 "GPL-2.0-or-later AND MIT", ""},
		{FORMAT "\nFiles: *\nLicense: LGPL-2.1\n\nFiles: a\nLicense: GPL-3\n\nFiles: b\n"
			"License: AGPL-3+\n\nFiles: c\nLicense: GFDL-1.3+\n\nFiles: d\nLicense: bsd-3-CLAUSE\n",
		 "AGPL-3.0-or-later AND BSD-3-Clause AND GFDL-1.3-or-later AND GPL-3.0-only AND "
		 "LGPL-2.1-only",
		 ""},
		/* licenses AND-ed in one paragraph count one by one: each once in all */
		{FORMAT "\nFiles: *\nLicense: MIT\n\nFiles: a\nLicense: MIT and BSD-3-clause\n\n"
			"Files: b\nLicense: ISC and BSD-2-clause and BSD-3-clause\n\n"
			"Files: c\nLicense: GPL-2 or Artistic-2.0, and MIT\n\nFiles: d\nLicense: ISC\n",
		 "(GPL-2.0-only OR Artistic-2.0) AND BSD-2-Clause AND BSD-3-Clause AND ISC AND MIT", ""},
		/* a choice: alone as it is, among others in parentheses */
		{FORMAT "\nFiles: *\nLicense: GPL-1+ or Artistic\n", "GPL-1.0-or-later OR Artistic-1.0", ""},
		{FORMAT "\nFiles: *\nLicense: GPL-1+ or Artistic\n\nFiles: x\nLicense: Zlib\n",
		 "(GPL-1.0-or-later OR Artistic-1.0) AND Zlib", ""},
		/* DEP-5: "and" before "or", unless a comma closes what comes before */
		{FORMAT "\nFiles: *\nLicense: MIT and ISC or Zlib\n", "MIT AND ISC OR Zlib", ""},
		{FORMAT "\nFiles: *\nLicense: GPL-2 or Artistic-2.0, and BSD-2-clause\n",
		 "(GPL-2.0-only OR Artistic-2.0) AND BSD-2-Clause", ""},
		/* an operator with no license after it is dropped, whether at the end or twice */
		{FORMAT "\nFiles: *\nLicense: GFDL-1.3 and and ISC or\n", "GFDL-1.3-only AND ISC", ""},
		{FORMAT "\nFiles: *\nLicense: or GPL-2 or\n\nFiles: x\nLicense: Zlib\n",
		 "GPL-2.0-only AND Zlib", ""},
		/* names SPDX does not have: a LicenseRef of the package's, with the text */
		{FORMAT "\nFiles: *\nLicense: Custom-1\n\nLicense: Custom-1\n Do what\n you like.\n",
		 "LicenseRef-pkg-Custom-1", "LicenseRef-pkg-Custom-1[Custom-1]=Do what\nyou like.;"},
		{FORMAT "\nFiles: *\nLicense: GPL-2+ with OpenSSL exception\n This program ...\n",
		 "LicenseRef-pkg-GPL-2plus-with-OpenSSL-exception",
		 "LicenseRef-pkg-GPL-2plus-with-OpenSSL-exception[GPL-2+ with OpenSSL exception]=This "
		 "program ...;"},
		{FORMAT "\nFiles: *\nLicense: GPL-4\n",
		 "LicenseRef-pkg-GPL-4",
		 "LicenseRef-pkg-GPL-4[GPL-4]=GPL-4, as /usr/share/doc/pkg/copyright names it (it holds "
		 "no text for it);"},
		/* no Files paragraph with a license: the header's */
		{FORMAT "License: BSD-3-clause\n", "BSD-3-Clause", ""},
		/* comments and blank lines of white space */
		{"# a comment\n" FORMAT "\t \nFiles: *\n# another\nLicense: ISC\n", "ISC", ""},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *refs, *lic = license_of(cases[i].text, &refs);
		if (!cases[i].license ? lic != NULL : !lic || strcmp(lic, cases[i].license))
			fail_msg("case %zu: got '%s', want '%s'", i, lic ? lic : "(null)",
				 cases[i].license ? cases[i].license : "(null)");
		assert_string_equal(refs, cases[i].refs);
		free(lic);
		free(refs);
	}
}

/* Unterminated, odd and empty input does no harm. */
static void copyright_odd(void **state)
{
	static const char *const texts[] = {
		"", "\n\n\n", FORMAT, FORMAT "Files: *\nLicense:", FORMAT "Files: *\nLicense: or\n",
		FORMAT "Files: *\nLicense: GPL-2 or\n", FORMAT "  continuation first\nFiles: *\n",
		FORMAT "Files: *\nLicense: ,\n", FORMAT "Files *\nLicense GPL\n",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		char *refs, *lic = license_of(texts[i], &refs);
		if (lic && !*lic)
			fail_msg("text %zu: an empty expression", i);
		free(lic);
		free(refs);
	}
	{
		char *refs, *lic = license_of(FORMAT "Files: *\nLicense: GPL-2 or\n", &refs);
		assert_string_equal(lic, "GPL-2.0-only");
		free(lic);
		free(refs);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(copyright_files),
		cmocka_unit_test(copyright_odd),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
