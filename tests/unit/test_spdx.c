/* test_spdx.c: unit tests for src/formats/spdx.c, the SPDX 2.3 document: JSON strings, SPDX
 * ids, LicenseRefs, Debian purls, and the rendered document (byte-exact against
 * tests/golden/sbom.spdx.json, reproducible, its namespace from its contents). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "formats/spdx.h"
#define TMP_DIR "tests/tmp/spdx"
#include "testutil.h"

/* The JSON literal of s. */
static char *json(const char *s)
{
	struct buf b;
	buf_init(&b);
	spdx_json_string(&b, s);
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
	struct spdx s;
	(void)state;
	spdx_init(&s);
	assert_string_equal(spdx_add(&s, "lib-lib/x86_64-linux-gnu/libc.so.6", "libc.so.6")->id,
			    "lib-lib-x86-64-linux-gnu-libc.so.6");
	/* another path that comes out the same gets a number, so ids stay unique */
	assert_string_equal(spdx_add(&s, "lib-lib/x86-64-linux-gnu/libc.so.6", "libc.so.6")->id,
			    "lib-lib-x86-64-linux-gnu-libc.so.6-2");
	assert_string_equal(spdx_add(&s, "lib-lib/x86_64_linux-gnu/libc.so.6", "libc.so.6")->id,
			    "lib-lib-x86-64-linux-gnu-libc.so.6-3");
	assert_string_equal(spdx_add(&s, "libstdc++.so.6", "libstdc++.so.6")->id, "libstdcplusplus.so.6");
	/* the document's own id is taken */
	assert_string_equal(spdx_add(&s, "DOCUMENT", "x")->id, "DOCUMENT-2");
	assert_string_equal(s.pkgs[0].name, "libc.so.6");
	assert_int_equal(s.n_pkgs, 5);
	spdx_release(&s);
}

/* A small document: an image with a kernel and a library, a LicenseRef. */
static void small(struct spdx *s)
{
	struct spdx_pkg *p;
	spdx_init(s);
	p = spdx_add(s, "image", "mkdistro.img");
	p->file = xstrdup("mkdistro.img");
	p->purpose = "OPERATING_SYSTEM";
	p = spdx_add(s, "linux-main", "linux");
	p->version = xstrdup("6.1.192");
	p->file = xstrdup("/boot/kernel/main.lk");
	p->purpose = "OPERATING_SYSTEM";
	p->license = xstrdup("GPL-2.0-only");
	memcpy(p->sha256, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", 65);
	p->comment = xstrdup("kernel 'main' (bzImage)");
	p = spdx_add(s, "lib-lib/libz.so.1", "libz.so.1");
	p->version = xstrdup("1:1.2.13.dfsg-1");
	p->purpose = "LIBRARY";
	p->license = xstrdup("Zlib AND LicenseRef-zlib1g-Custom");
	p->purl = xstrdup("pkg:deb/debian/zlib1g@1%3A1.2.13.dfsg-1?arch=amd64");
	p->source_info = xstrdup("the build host's /lib/libz.so.1");
	spdx_relate(s, "DOCUMENT", "DESCRIBES", "image");
	spdx_relate(s, "image", "CONTAINS", "linux-main");
	spdx_relate(s, "image", "CONTAINS", "lib-lib-libz.so.1");
	spdx_licref(s, "LicenseRef-zlib1g-Custom", "Custom", "Do \"what\" you like.\n\nThat's all.");
	/* a LicenseRef is there once */
	spdx_licref(s, "LicenseRef-zlib1g-Custom", "Custom", "another text");
}

static void render(void **state)
{
	struct spdx s;
	struct buf a, b;
	char *ns;
	(void)state;
	buf_init(&a);
	buf_init(&b);
	small(&s);
	spdx_render(&s, "mkdistro-demo", 946684800, "mkdistro-0.1.0", &a);
	golden_check("sbom.spdx.json", a.data, a.len);
	/* the same document, the same bytes */
	spdx_render(&s, "mkdistro-demo", 946684800, "mkdistro-0.1.0", &b);
	assert_string_equal(a.data, b.data);
	assert_non_null(strstr(a.data, "\"created\": \"2000-01-01T00:00:00Z\""));
	/* the namespace follows the contents: another checksum, another namespace */
	ns = xstrndup(strstr(a.data, "\"documentNamespace\""), 140);
	assert_non_null(strstr(ns, "https://mkdistro.invalid/spdx/mkdistro-demo-"));
	s.pkgs[1].sha256[0] = 'f';
	buf_reset(&b);
	spdx_render(&s, "mkdistro-demo", 946684800, "mkdistro-0.1.0", &b);
	assert_null(strstr(b.data, ns));
	/* and so does the time */
	s.pkgs[1].sha256[0] = '0';
	buf_reset(&b);
	spdx_render(&s, "mkdistro-demo", 946684801, "mkdistro-0.1.0", &b);
	assert_null(strstr(b.data, ns));
	assert_non_null(strstr(b.data, "\"created\": \"2000-01-01T00:00:01Z\""));
	free(ns);
	buf_release(&a);
	buf_release(&b);
	spdx_release(&s);
}

static void licrefs(void **state)
{
	struct spdx s;
	(void)state;
	spdx_init(&s);
	assert_false(spdx_has_licref(&s, "LicenseRef-a"));
	spdx_licref(&s, "LicenseRef-a", "A", "text a");
	spdx_licref(&s, "LicenseRef-b", "B", "text b");
	spdx_licref(&s, "LicenseRef-a", "A2", "text a2");
	assert_true(spdx_has_licref(&s, "LicenseRef-a"));
	assert_false(spdx_has_licref(&s, "LicenseRef-A"));
	assert_int_equal(s.n_refs, 2);
	assert_string_equal(s.refs[0].name, "A");
	assert_string_equal(s.refs[0].text, "text a");
	assert_string_equal(s.refs[1].id, "LicenseRef-b");
	spdx_release(&s);
	assert_int_equal(s.n_refs, 0);
}

static void purls(void **state)
{
	static const struct {
		const char *name, *version, *arch, *purl;
	} cases[] = {
		{"libc6", "2.36-9+deb12u4", "amd64", "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64"},
		{"zlib1g", "1:1.2.13.dfsg-1", "amd64", "pkg:deb/debian/zlib1g@1%3A1.2.13.dfsg-1?arch=amd64"},
		{"busybox", "1:1.35.0-4~bpo1", "source", "pkg:deb/debian/busybox@1%3A1.35.0-4~bpo1?arch=source"},
		{"x", "a b/c", "all", "pkg:deb/debian/x@a%20b%2Fc?arch=all"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = spdx_deb_purl(cases[i].name, cases[i].version, cases[i].arch);
		assert_string_equal(got, cases[i].purl);
		free(got);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(json_strings), cmocka_unit_test(ids),    cmocka_unit_test(licrefs),
		cmocka_unit_test(purls),        cmocka_unit_test(render),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
