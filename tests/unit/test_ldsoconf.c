/* test_ldsoconf.c: unit tests for the ld.so.conf reader (src/formats/ldsoconf.c).  Each
 * configuration is written twice, as files under a host root and as a manifest, and read
 * through both file views: the directories, in their order, must come out the same.  The
 * syntax (comments, include patterns, hwcap, "=TYPE", trailing slashes, relative
 * directories), files included again by other names (a fuzzer-found hang: each file is read
 * once), the depth limit, and files that are missing, not files, or unreadable.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "formats/fileview.h"
#include "formats/ldsoconf.h"
#include "formats/manifest.h"

#define TMP_DIR "tests/tmp/ldsoconf"
#include "testutil.h"
#include "fakeroot.h"

static void put(struct fakeroot *f, const char *path, const char *text)
{
	fakeroot_put(f, path, text, strlen(text));
}

/* Read /etc/ld.so.conf through view v; the directories, ", "-joined, into out; what went
 * to stderr into msg. */
static void read_conf(const struct fileview *v, char *out, size_t outlen, char *msg,
		      size_t msglen)
{
	struct ldsoconf c;
	struct stderr_capture cap;
	size_t k = 0;
	ldsoconf_init(&c);
	stderr_begin(&cap);
	ldsoconf_read(&c, v, "/etc/ld.so.conf");
	stderr_end(&cap, msg, msglen);
	out[0] = '\0';
	for (size_t i = 0; i < c.dirs.n; i++)
		k += (size_t)snprintf(out + k, outlen - k, "%s%s", i ? ", " : "", c.dirs.v[i]);
	assert_true(k < outlen);
	ldsoconf_release(&c);
}

/* Both views give the directories want; each view's messages must contain warn (NULL:
 * there must be none), with the host's root left out of them. */
static void expect_dirs(struct fakeroot *f, const char *want, const char *warn)
{
	char got[2048], msg[4096];
	for (int host = 0; host < 2; host++) {
		struct fileview v;
		if (host)
			fileview_host(&v, f->root);
		else
			fileview_manifest(&v, &f->m);
		read_conf(&v, got, sizeof(got), msg, sizeof(msg));
		if (strcmp(got, want))
			fail_msg("%s view: got '%s', want '%s'", host ? "host" : "manifest", got, want);
		if (!warn && msg[0])
			fail_msg("%s view: unexpected messages: %s", host ? "host" : "manifest", msg);
		if (warn) {
			/* the messages name host paths: strip the root to compare */
			char *at;
			while (host && (at = strstr(msg, f->root)))
				memmove(at, at + strlen(f->root), strlen(at + strlen(f->root)) + 1);
			if (!strstr(msg, warn))
				fail_msg("%s view: '%s' not in the messages: %s", host ? "host" : "manifest",
					 warn, msg);
		}
	}
}

static void test_syntax(void **state)
{
	struct fakeroot *f = *state;
	put(f, "/etc/ld.so.conf",
	    "# comment\n"
	    "include ld.so.conf.d/*.conf\n"
	    "   /opt/conf1/ # trailing comment and slash\n"
	    "/opt/typed=libc5\n"
	    "relative/ignored\n"
	    "hwcap 0 nosegneg\n"
	    "HWCAP\tx\n"
	    "include\n"
	    "/opt/confa\n"
	    "/opt/last");
	put(f, "/etc/ld.so.conf.d/a.conf", "/opt/confa\n\n   \n");
	put(f, "/etc/ld.so.conf.d/b.conf", "include\t/etc/ld.so.conf.d/nested/*.conf  other/*.conf\n");
	put(f, "/etc/ld.so.conf.d/nested/c.conf", "/opt/nested\n/\n//\n");
	put(f, "/etc/ld.so.conf.d/other/d.conf", "/opt/other\n");
	put(f, "/etc/ld.so.conf.d/.hidden.conf", "/opt/hidden\n");
	put(f, "/etc/ld.so.conf.d/x.notconf", "/opt/notconf\n");
	/* a NUL ends its line for the parser */
	fakeroot_put(f, "/etc/ld.so.conf.d/z.conf", "/opt/z\0garbage\n/opt/after\n", 25);
	expect_dirs(f, "/opt/confa, /opt/nested, /, /opt/other, /opt/z, /opt/after, /opt/conf1, "
		       "/opt/typed, /opt/last", NULL);
}

/* Regression (fuzz_elfdeps, a timeout): includes that reach the same files again and again,
 * by other names too (./x.conf), were each read again, down to the depth limit: with four
 * includes a level, 4^16 readings.  Each file is read once.  alarm(): a hang fails. */
static void test_reincluded(void **state)
{
	struct fakeroot *f = *state;
	put(f, "/etc/ld.so.conf", "include ld.so.conf.d/*.conf\n/opt/top\n");
	put(f, "/etc/ld.so.conf.d/x.conf",
	    "include x.conf ./x.conf .//x.conf y.conf\n"
	    "include /etc/ld.so.conf /etc/ld.so.conf.d/../ld.so.conf\n/opt/x\n");
	put(f, "/etc/ld.so.conf.d/y.conf", "include x.conf ./y.conf ././x.conf\n/opt/y\n");
	alarm(20);
	expect_dirs(f, "/opt/y, /opt/x, /opt/top", NULL);
	alarm(0);
}

/* A chain of includes, each file a new one, is followed 16 deep and no further. */
static void test_depth_limit(void **state)
{
	struct fakeroot *f = *state;
	char path[64], text[128], want[1024] = "";
	for (int i = 0; i <= 18; i++) {
		snprintf(path, sizeof(path), i ? "/etc/chain/%02d.conf" : "/etc/ld.so.conf", i);
		snprintf(text, sizeof(text), "/opt/d%02d\ninclude /etc/chain/%02d.conf\n", i, i + 1);
		put(f, path, text);
		if (i <= 16)
			snprintf(want + strlen(want), sizeof(want) - strlen(want), "%s/opt/d%02d",
				 i ? ", " : "", i);
	}
	expect_dirs(f, want, "warning: '/etc/chain/17.conf': includes nested too deeply, ignored");
}

/* Missing files and ones that are not files are passed over in silence, as ldconfig does;
 * a file that cannot be read is warned about. */
static void test_missing_and_unreadable(void **state)
{
	struct fakeroot *f = *state;
	char *dir = xasprintf("%s/etc/ld.so.conf.d/dir.conf", f->root);
	expect_dirs(f, "", NULL); /* no /etc/ld.so.conf at all */
	put(f, "/etc/ld.so.conf", "include ld.so.conf.d/*.conf /etc/none.conf\n/opt/a\n");
	assert_int_equal(mkdir_p(dir, 0755), 0);
	assert_int_equal(manifest_add_dir(&f->m, "/etc/ld.so.conf.d/dir.conf", 0755), 0);
	expect_dirs(f, "/opt/a", NULL);
	free(dir);
}

/* An image's file whose host source cannot be read: a warning, and the rest is read. */
static void test_unreadable_source(void **state)
{
	struct fakeroot *f = *state;
	struct fileview v;
	char got[256], msg[1024];
	assert_int_equal(manifest_add_data(&f->m, "/etc/ld.so.conf", 0644,
					   "include ld.so.conf.d/*\n/opt/a\n", 30), 0);
	assert_int_equal(manifest_add_file(&f->m, "/etc/ld.so.conf.d/bad", 0644,
					   "/etc/passwd/not-a-dir"), 0);
	fileview_manifest(&v, &f->m);
	read_conf(&v, got, sizeof(got), msg, sizeof(msg));
	assert_string_equal(got, "/opt/a");
	assert_non_null(strstr(msg, "warning: cannot read '/etc/ld.so.conf.d/bad': Not a directory"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_syntax, fakeroot_setup, fakeroot_teardown),
		cmocka_unit_test_setup_teardown(test_reincluded, fakeroot_setup, fakeroot_teardown),
		cmocka_unit_test_setup_teardown(test_depth_limit, fakeroot_setup, fakeroot_teardown),
		cmocka_unit_test_setup_teardown(test_missing_and_unreadable, fakeroot_setup, fakeroot_teardown),
		cmocka_unit_test_setup_teardown(test_unreadable_source, fakeroot_setup, fakeroot_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
