/* test_deb.c: unit tests for reading Debian binary packages (src/formats/deb.c, and the ar
 * member readers of src/formats/unpack.c).
 *
 * Spec under test: deb(5).  The packages are made here by dpkg-deb(1) itself, with each
 * compression it writes, so that what is read is what Debian's tools make; the broken ones
 * are put together with ar(1) and Python's tarfile (members out of order, an unknown
 * version, a member that climbs out of the destination, a file cut short).  A missing
 * dpkg-deb, ar or python3 fails the test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "formats/deb.h"
#include "formats/unpack.h"
#include "sys/alloc.h"
#include "sys/buf.h"
#include "sys/fs.h"
#include "sys/spawn.h"

#define TMP_DIR "tests/tmp/deb"
#include "testutil.h"

static const char control[] = "Package: hello\n"
			      "Version: 1.0-1\n"
			      "Architecture: amd64\n"
			      "Maintainer: Nobody <nobody@example.org>\n"
			      "Description: a test package\n";

/* Run argv (output to TMP_DIR/tool.log): 0 when it exits 0. */
static int run(const char *const *argv)
{
	return test_run_tool(argv, NULL, "/dev/null", TMP_DIR "/tool.log");
}

static void put(const char *path, const char *text, mode_t mode)
{
	char *dir = xstrdup(path);
	*strrchr(dir, '/') = '\0';
	assert_int_equal(mkdir_p(dir, 0755), 0);
	assert_int_equal(write_file_atomic(path, text, strlen(text), mode), 0);
	free(dir);
}

/* TMP_DIR/NAME.deb, built by dpkg-deb with compression z from a tree with a control file,
 * a program and a symlink to it. */
static char *make_deb(const char *name, const char *z)
{
	char *root = xasprintf("%s/%s.root", TMP_DIR, name), *deb = xasprintf("%s/%s.deb", TMP_DIR, name);
	char *p = path_join(root, "DEBIAN/control"), *zopt = xasprintf("-Z%s", z);
	const char *const argv[] = {"dpkg-deb", "--root-owner-group", zopt, "--build", root, deb, NULL};
	free(p);
	assert_int_equal(remove_tree(root), 0);
	p = path_join(root, "DEBIAN/control");
	put(p, control, 0644);
	free(p);
	p = path_join(root, "usr/bin/hello");
	put(p, "#!/bin/sh\necho hello\n", 0755);
	free(p);
	p = path_join(root, "usr/bin/hi");
	assert_int_equal(symlink("hello", p), 0);
	free(p);
	assert_int_equal(run(argv), 0);
	free(root);
	free(zopt);
	return deb;
}

static void test_read(void **state)
{
	static const char *const z[] = {"xz", "gzip", "zstd", "none"};
	static const char *const data[] = {"data.tar.xz", "data.tar.gz", "data.tar.zst", "data.tar"};
	(void)state;
	assert_int_equal(mkdir_p(TMP_DIR, 0755), 0);
	for (size_t i = 0; i < sizeof(z) / sizeof(z[0]); i++) {
		char *deb = make_deb(z[i], z[i]), *dest = xasprintf("%s/%s.out", TMP_DIR, z[i]);
		char *hello = path_join(dest, "usr/bin/hello"), *hi = path_join(dest, "usr/bin/hi");
		char target[16] = "";
		struct deb d;
		struct buf b;
		struct stat st;
		buf_init(&b);
		assert_int_equal(remove_tree(dest), 0);
		assert_int_equal(deb_open(deb, &d), 0);
		assert_string_equal(d.data_member, data[i]);
		assert_non_null(d.control_member);
		assert_int_equal(deb_control(&d, &b), 0);
		assert_string_equal(b.data, control);
		assert_int_equal(deb_extract(&d, dest), 0);
		buf_reset(&b);
		assert_int_equal(read_file(hello, &b), 0);
		assert_string_equal(b.data, "#!/bin/sh\necho hello\n");
		assert_int_equal(stat(hello, &st), 0);
		assert_int_equal(st.st_mode & 07777, 0755);
		assert_true(readlink(hi, target, sizeof(target) - 1) == 5);
		assert_string_equal(target, "hello");
		/* nothing of the control tar lands in dest */
		free(hello);
		hello = path_join(dest, "control");
		assert_false(file_exists(hello));
		deb_release(&d);
		buf_release(&b);
		free(deb);
		free(dest);
		free(hello);
		free(hi);
	}
}

/* deb_open(path) must fail, saying want. */
static void expect_open_fails(const char *path, const char *want)
{
	struct stderr_capture c;
	char msg[1024];
	struct deb d;
	stderr_begin(&c);
	assert_int_equal(deb_open(path, &d), -1);
	stderr_end(&c, msg, sizeof(msg));
	deb_release(&d);
	if (!strstr(msg, want))
		fail_msg("'%s' not in: %s", want, msg);
}

static void test_bad_layout(void **state)
{
	char *deb;
	(void)state;
	assert_int_equal(mkdir_p(TMP_DIR, 0755), 0);
	deb = make_deb("parts", "xz");
	{
		/* its three members, to put together again in other ways */
		const char *const x[] = {"sh", "-c", "cd " TMP_DIR " && rm -rf parts && mkdir parts && "
				      "cd parts && ar x ../parts.deb && printf '3.0\\n' > v3 && "
				      "ar rc ../order.deb control.tar.xz debian-binary data.tar.xz && "
				      "cp debian-binary d && cp v3 debian-binary && "
				      "ar rc ../v3.deb debian-binary control.tar.xz data.tar.xz && "
				      "cp d debian-binary && ar rc ../short.deb debian-binary control.tar.xz && "
				      "cp data.tar.xz extra && "
				      "ar rc ../extra.deb debian-binary control.tar.xz data.tar.xz extra",
				      NULL};
		assert_int_equal(run(x), 0);
	}
	put(TMP_DIR "/text.deb", "Package: hello\n", 0644);
	expect_open_fails(TMP_DIR "/text.deb", "is not a Debian package (an ar archive)");
	expect_open_fails(TMP_DIR "/order.deb",
			  "member 1 is 'control.tar.xz', where deb(5) has debian-binary");
	expect_open_fails(TMP_DIR "/v3.deb", "debian-binary says '3.0', not a 2.x package");
	expect_open_fails(TMP_DIR "/short.deb", "ends after 2 members");
	expect_open_fails(TMP_DIR "/extra.deb", "an unknown member 'extra' after data.tar");
	expect_open_fails(TMP_DIR "/missing.deb", "missing.deb");
	free(deb);
}

static void test_cut_short(void **state)
{
	char *deb, *at;
	struct buf b;
	(void)state;
	assert_int_equal(mkdir_p(TMP_DIR, 0755), 0);
	deb = make_deb("cut", "gzip");
	buf_init(&b);
	assert_int_equal(read_file(deb, &b), 0);
	/* the last 20 bytes of data.tar.gz gone */
	assert_int_equal(write_file_atomic(TMP_DIR "/cut20.deb", b.data, b.len - 20, 0644), 0);
	expect_open_fails(TMP_DIR "/cut20.deb", "cut20.deb' is damaged or cut short: Truncated input");
	/* cut inside data.tar.gz's member header (ar(5): the name is its first field) */
	at = memmem(b.data, b.len, "data.tar.gz", 11);
	assert_non_null(at);
	assert_int_equal(
		write_file_atomic(TMP_DIR "/cut2.deb", b.data, (size_t)(at - b.data) + 10, 0644), 0);
	expect_open_fails(TMP_DIR "/cut2.deb", "ends after 2 members");
	buf_release(&b);
	free(deb);
}

/* A data.tar with a member that climbs out of the destination is refused, as in a source. */
static void test_unsafe_member(void **state)
{
	const char *const x[] = {
		"sh", "-c",
		"cd " TMP_DIR " && rm -rf evil && mkdir evil && cd evil && printf '2.0\\n' > debian-binary && "
		"python3 -c 'import io, tarfile\n"
		"for name, members in ((\"control.tar.gz\", [\"./control\"]),\n"
		"                      (\"data.tar.gz\", [\"./usr/\", \"../escaped\"])):\n"
		"    with tarfile.open(name, \"w:gz\") as t:\n"
		"        for m in members:\n"
		"            i = tarfile.TarInfo(m)\n"
		"            if m.endswith(\"/\"):\n"
		"                i.type = tarfile.DIRTYPE\n"
		"                t.addfile(i)\n"
		"            else:\n"
		"                i.size = 5\n"
		"                t.addfile(i, io.BytesIO(b\"data\\n\"))\n"
		"' && ar rc ../evil.deb debian-binary control.tar.gz data.tar.gz",
		NULL};
	struct stderr_capture c;
	char msg[1024];
	struct deb d;
	(void)state;
	assert_int_equal(mkdir_p(TMP_DIR, 0755), 0);
	assert_int_equal(run(x), 0);
	assert_int_equal(deb_open(TMP_DIR "/evil.deb", &d), 0);
	stderr_begin(&c);
	assert_int_equal(deb_extract(&d, TMP_DIR "/evil.out"), -1);
	stderr_end(&c, msg, sizeof(msg));
	assert_non_null(strstr(msg, "evil.deb(data.tar.gz)"));
	assert_non_null(strstr(msg, "escaped"));
	assert_false(file_exists(TMP_DIR "/escaped"));
	deb_release(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_bad_layout),
		cmocka_unit_test(test_cut_short),
		cmocka_unit_test(test_unsafe_member),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
