/* test_sbom.c: unit tests for src/build/sbom.c, the SPDX 2.3 document: JSON strings, SPDX ids, the
 * rendered document (byte-exact against tests/golden/sbom.spdx.json, reproducible, its
 * namespace from its contents), and Debian copyright files read as SPDX license
 * expressions.  The stage itself (dpkg, the image) is tested end to end by
 * tests/e2e/47-security-sbom.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "build/sbom.h"
#define TMP_DIR "tests/tmp/sbom"
#include "testutil.h"

/* The JSON literal of s. */
static char *json(const char *s)
{
	struct buf b;
	buf_init(&b);
	sbom_json_string(&b, s);
	return buf_detach(&b, NULL);
}

static void json_strings(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{"plain", "\"plain\""},
		{"a \"quoted\" \\ path", "\"a \\\"quoted\\\" \\\\ path\""},
		{"line\nnext\ttab\r", "\"line\\nnext\\ttab\\u000d\""},
		{"\x01\x1f", "\"\\u0001\\u001f\""},
		{"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xa7", "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xa7\""},
		/* not UTF-8: a stray byte, an overlong '/', a surrogate, a sequence cut short */
		{"\xff", "\"\xef\xbf\xbd\""},
		{"\xc0\xaf", "\"\xef\xbf\xbd\xef\xbf\xbd\""},
		{"\xed\xa0\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\""},
		{"x\xe2\x82", "\"x\xef\xbf\xbd\xef\xbf\xbd\""},
		{"", "\"\""},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = json(cases[i].in);
		assert_string_equal(got, cases[i].out);
		free(got);
	}
}

static void ids(void **state)
{
	struct sbom s;
	(void)state;
	sbom_init(&s);
	assert_string_equal(sbom_add(&s, "lib-lib/x86_64-linux-gnu/libc.so.6", "libc.so.6")->id,
			    "lib-lib-x86-64-linux-gnu-libc.so.6");
	/* another path that comes out the same gets a number, so ids stay unique */
	assert_string_equal(sbom_add(&s, "lib-lib/x86-64-linux-gnu/libc.so.6", "libc.so.6")->id,
			    "lib-lib-x86-64-linux-gnu-libc.so.6-2");
	assert_string_equal(sbom_add(&s, "lib-lib/x86_64_linux-gnu/libc.so.6", "libc.so.6")->id,
			    "lib-lib-x86-64-linux-gnu-libc.so.6-3");
	assert_string_equal(sbom_add(&s, "libstdc++.so.6", "libstdc++.so.6")->id, "libstdcplusplus.so.6");
	/* the document's own id is taken */
	assert_string_equal(sbom_add(&s, "DOCUMENT", "x")->id, "DOCUMENT-2");
	assert_string_equal(s.pkgs[0].name, "libc.so.6");
	assert_int_equal(s.n_pkgs, 5);
	sbom_release(&s);
}

/* A small document: an image with a kernel and a library, a LicenseRef. */
static void small(struct sbom *s)
{
	struct sbom_pkg *p;
	sbom_init(s);
	p = sbom_add(s, "image", "mkdistro.img");
	p->file = xstrdup("mkdistro.img");
	p->purpose = "OPERATING_SYSTEM";
	p = sbom_add(s, "linux-main", "linux");
	p->version = xstrdup("6.1.192");
	p->file = xstrdup("/boot/kernel/main.lk");
	p->purpose = "OPERATING_SYSTEM";
	p->license = xstrdup("GPL-2.0-only");
	memcpy(p->sha256, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", 65);
	p->comment = xstrdup("kernel 'main' (bzImage)");
	p = sbom_add(s, "lib-lib/libz.so.1", "libz.so.1");
	p->version = xstrdup("1:1.2.13.dfsg-1");
	p->purpose = "LIBRARY";
	p->license = xstrdup("Zlib AND LicenseRef-zlib1g-Custom");
	p->purl = xstrdup("pkg:deb/debian/zlib1g@1%3A1.2.13.dfsg-1?arch=amd64");
	p->source_info = xstrdup("the build host's /lib/libz.so.1");
	sbom_relate(s, "DOCUMENT", "DESCRIBES", "image");
	sbom_relate(s, "image", "CONTAINS", "linux-main");
	sbom_relate(s, "image", "CONTAINS", "lib-lib-libz.so.1");
	XGROW(s->refs, s->cap_refs, 1);
	s->refs[0].id = xstrdup("LicenseRef-zlib1g-Custom");
	s->refs[0].name = xstrdup("Custom");
	s->refs[0].text = xstrdup("Do \"what\" you like.\n\nThat's all.");
	s->n_refs = 1;
}

static void render(void **state)
{
	struct sbom s;
	struct buf a, b;
	char *ns;
	(void)state;
	buf_init(&a);
	buf_init(&b);
	small(&s);
	sbom_render(&s, "mkdistro-demo", 946684800, "mkdistro-0.1.0", &a);
	golden_check("sbom.spdx.json", a.data, a.len);
	/* the same document, the same bytes */
	sbom_render(&s, "mkdistro-demo", 946684800, "mkdistro-0.1.0", &b);
	assert_string_equal(a.data, b.data);
	assert_non_null(strstr(a.data, "\"created\": \"2000-01-01T00:00:00Z\""));
	/* the namespace follows the contents: another checksum, another namespace */
	ns = xstrndup(strstr(a.data, "\"documentNamespace\""), 140);
	assert_non_null(strstr(ns, "https://mkdistro.invalid/spdx/mkdistro-demo-"));
	s.pkgs[1].sha256[0] = 'f';
	buf_reset(&b);
	sbom_render(&s, "mkdistro-demo", 946684800, "mkdistro-0.1.0", &b);
	assert_null(strstr(b.data, ns));
	/* and so does the time */
	s.pkgs[1].sha256[0] = '0';
	buf_reset(&b);
	sbom_render(&s, "mkdistro-demo", 946684801, "mkdistro-0.1.0", &b);
	assert_null(strstr(b.data, ns));
	assert_non_null(strstr(b.data, "\"created\": \"2000-01-01T00:00:01Z\""));
	free(ns);
	buf_release(&a);
	buf_release(&b);
	sbom_release(&s);
}

/* The expression of a copyright file, and the LicenseRefs it added (id=text;...). */
static char *license_of(const char *text, char **refs)
{
	struct sbom s;
	struct buf r;
	char *lic;
	sbom_init(&s);
	buf_init(&r);
	lic = sbom_debian_license(&s, "pkg", text);
	for (size_t i = 0; i < s.n_refs; i++)
		buf_addf(&r, "%s[%s]=%s;", s.refs[i].id, s.refs[i].name, s.refs[i].text);
	*refs = buf_detach(&r, NULL);
	sbom_release(&s);
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
		/* a choice: alone as it is, among others in parentheses */
		{FORMAT "\nFiles: *\nLicense: GPL-1+ or Artistic\n", "GPL-1.0-or-later OR Artistic-1.0", ""},
		{FORMAT "\nFiles: *\nLicense: GPL-1+ or Artistic\n\nFiles: x\nLicense: Zlib\n",
		 "(GPL-1.0-or-later OR Artistic-1.0) AND Zlib", ""},
		/* DEP-5: "and" before "or", unless a comma closes what comes before */
		{FORMAT "\nFiles: *\nLicense: MIT and ISC or Zlib\n", "MIT AND ISC OR Zlib", ""},
		{FORMAT "\nFiles: *\nLicense: GPL-2 or Artistic-2.0, and BSD-2-clause\n",
		 "(GPL-2.0-only OR Artistic-2.0) AND BSD-2-Clause", ""},
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
		cmocka_unit_test(json_strings),    cmocka_unit_test(ids),
		cmocka_unit_test(render),          cmocka_unit_test(copyright_files),
		cmocka_unit_test(copyright_odd),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
