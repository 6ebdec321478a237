/* test_fileview.c: unit tests for the file views (src/formats/fileview.c): the host's files
 * under a root directory and the files of a manifest answer the same questions the same way
 * (bytes, which file a path is, glob), and differ only where they must (symlinks followed
 * on the host or in the image; an unreadable source is the manifest's fault); paths map
 * between the root filesystem and the host; ld.so's way of joining paths.
 */
#include <errno.h>
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

#include "formats/fileview.h"
#include "formats/manifest.h"
#include "sys/strvec.h"

#define TMP_DIR "tests/tmp/fileview"
#include "testutil.h"
#include "fakeroot.h"

/* The same small tree on the host under root and in the manifest: /lib/a holds "hello",
 * /lib/empty nothing, /lib/d is a directory, /lib/s a symlink to a, /etc/b.conf and
 * /etc/a.conf hold their names, /etc/.hidden.conf is hidden, /etc/sub/c.conf is nested. */
static void make_tree(struct fakeroot *f)
{
	static const char *const files[][2] = {
		{ "/lib/a", "hello" },           { "/lib/empty", "" },
		{ "/etc/b.conf", "b" },          { "/etc/a.conf", "a" },
		{ "/etc/.hidden.conf", "hidden" }, { "/etc/sub/c.conf", "c" },
	};
	char *p;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		fakeroot_put(f, files[i][0], files[i][1], strlen(files[i][1]));
	p = fakeroot_path(f, "/lib/d");
	assert_int_equal(mkdir_p(p, 0755), 0);
	free(p);
	assert_int_equal(manifest_add_dir(&f->m, "/lib/d", 0755), 0);
	p = fakeroot_path(f, "/lib/s");
	assert_int_equal(symlink("a", p), 0);
	free(p);
	assert_int_equal(manifest_add_symlink(&f->m, "/lib/s", "a"), 0);
}

/* Open path (a root path) in v and expect status; with FILEVIEW_OK, the bytes want. */
static void expect_open(const struct fileview *v, const char *path, enum fileview_status want,
			const char *bytes, struct fileview_file *f)
{
	char *host = fileview_host_path(v, path), why[256] = "";
	enum fileview_status got = fileview_open(v, host, f, why, sizeof(why));
	if (got != want)
		fail_msg("'%s': status %d, want %d (%s)", host, got, want, why);
	if (want == FILEVIEW_OK) {
		assert_int_equal(f->size, strlen(bytes));
		assert_memory_equal(f->data, bytes, f->size);
	}
	free(host);
}

/* What both views must say alike about the tree. */
static void check_view(const struct fileview *v)
{
	struct fileview_file a, s, e, other;
	struct strvec g;

	expect_open(v, "/lib/a", FILEVIEW_OK, "hello", &a);
	expect_open(v, "/lib/s", FILEVIEW_OK, "hello", &s);
	expect_open(v, "/lib/empty", FILEVIEW_OK, "", &e);
	expect_open(v, "/etc/b.conf", FILEVIEW_OK, "b", &other);
	/* a file reached by a symlink is the same file; another file is another */
	assert_true(a.dev == s.dev && a.ino == s.ino);
	assert_false(a.dev == other.dev && a.ino == other.ino);
	fileview_close(&a);
	fileview_close(&s);
	fileview_close(&e);
	fileview_close(&other);
	assert_null(a.data);

	expect_open(v, "/lib/d", FILEVIEW_NOT_REGULAR, NULL, &a);
	expect_open(v, "/lib/none", FILEVIEW_ABSENT, NULL, &a);
	assert_int_equal(a.err, ENOENT);
	assert_int_equal(errno, ENOENT);
	expect_open(v, "/lib/a/under-a-file", FILEVIEW_ABSENT, NULL, &a);

	/* glob: sorted; '*' neither crosses '/' nor matches a leading '.' */
	strvec_init(&g);
	{
		char *pat = fileview_host_path(v, "/etc/*.conf");
		fileview_glob(v, pat, &g);
		free(pat);
	}
	assert_int_equal(g.n, 2);
	assert_string_equal(fileview_root_path(v, g.v[0]), "/etc/a.conf");
	assert_string_equal(fileview_root_path(v, g.v[1]), "/etc/b.conf");
	{
		char *pat = fileview_host_path(v, "/nowhere/*");
		fileview_glob(v, pat, &g); /* appends nothing */
		free(pat);
	}
	assert_int_equal(g.n, 2);
	strvec_clear(&g);
}

static void test_host(void **state)
{
	struct fakeroot *f = *state;
	struct fileview v;
	char *fifo = fakeroot_path(f, "/lib/fifo"), *slashed = xasprintf("%s//", f->root);
	struct fileview_file file;

	make_tree(f);
	fileview_host(&v, slashed); /* trailing slashes do not count */
	check_view(&v);
	/* a FIFO is not read (which would hang) */
	assert_int_equal(mkfifo(fifo, 0600), 0);
	expect_open(&v, "/lib/fifo", FILEVIEW_NOT_REGULAR, NULL, &file);
	free(fifo);
	free(slashed);
}

static void test_manifest(void **state)
{
	struct fakeroot *f = *state;
	struct fileview v;
	struct fileview_file a, l;
	char *src = fakeroot_path(f, "/lib/a"), why[256];

	make_tree(f);
	fileview_manifest(&v, &f->m);
	check_view(&v);

	/* a file read from its host source; a hard link is the file it links to */
	assert_int_equal(manifest_add_file(&f->m, "/usr/src-file", 0644, src), 0);
	assert_int_equal(manifest_add_hardlink(&f->m, "/usr/hard", 0644, "/usr/src-file"), 0);
	expect_open(&v, "/usr/src-file", FILEVIEW_OK, "hello", &a);
	expect_open(&v, "/usr/hard", FILEVIEW_OK, "hello", &l);
	assert_true(a.dev == l.dev && a.ino == l.ino);
	fileview_close(&a);
	fileview_close(&l);
	/* symlinks are followed in the image, never on the host */
	assert_int_equal(manifest_add_symlink(&f->m, "/abs", "/lib/a"), 0);
	assert_int_equal(manifest_add_symlink(&f->m, "/host", src), 0);
	expect_open(&v, "/abs", FILEVIEW_OK, "hello", &a);
	fileview_close(&a);
	expect_open(&v, "/host", FILEVIEW_ABSENT, NULL, &a);
	/* an entry whose source cannot be read is the manifest's fault, not an absence */
	assert_int_equal(manifest_add_file(&f->m, "/usr/gone", 0644, "/nonexistent/x"), 0);
	assert_int_equal(fileview_open(&v, "/usr/gone", &a, why, sizeof(why)), FILEVIEW_UNREADABLE);
	assert_string_equal(why, "cannot be read from '/nonexistent/x': No such file or directory");
	assert_int_equal(a.err, ENOENT);
	free(src);
}

/* In a manifest, glob sees only the paths as listed: not through a symlinked directory. */
static void test_manifest_glob_listed_only(void **state)
{
	struct fakeroot *f = *state;
	struct fileview v;
	struct strvec g;
	make_tree(f);
	assert_int_equal(manifest_add_symlink(&f->m, "/conf", "etc"), 0);
	fileview_manifest(&v, &f->m);
	strvec_init(&g);
	fileview_glob(&v, "/conf/*.conf", &g);
	assert_int_equal(g.n, 0);
	fileview_glob(&v, "/etc/*/*.conf", &g);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.v[0], "/etc/sub/c.conf");
	strvec_clear(&g);
}

static void test_paths(void **state)
{
	struct fileview v;
	char *s;
	(void)state;
	fileview_host(&v, "/r/oot/");
	s = fileview_host_path(&v, "/lib/x");
	assert_string_equal(s, "/r/oot/lib/x");
	free(s);
	s = fileview_host_path(&v, "rel/x"); /* relative: as it is */
	assert_string_equal(s, "rel/x");
	free(s);
	assert_string_equal(fileview_root_path(&v, "/r/oot/lib/x"), "/lib/x");
	assert_string_equal(fileview_root_path(&v, "/r/oot"), "/");
	assert_string_equal(fileview_root_path(&v, "/r/ootx/lib"), "/r/ootx/lib");
	assert_string_equal(fileview_root_path(&v, "/elsewhere"), "/elsewhere");
	for (int i = 0; i < 3; i++) {
		/* "/", "" and NULL are the host's own root: paths stay as they are */
		fileview_host(&v, i == 0 ? "/" : i == 1 ? "" : NULL);
		s = fileview_host_path(&v, "/lib/x");
		assert_string_equal(s, "/lib/x");
		free(s);
		assert_string_equal(fileview_root_path(&v, "/lib/x"), "/lib/x");
	}
	fileview_manifest(&v, NULL);
	s = fileview_host_path(&v, "/lib/x");
	assert_string_equal(s, "/lib/x");
	free(s);
}

static void test_join_dirname(void **state)
{
	static const char *const join[][3] = {
		{ "/usr/lib", "libc.so.6", "/usr/lib/libc.so.6" },
		{ "/usr/lib//", "x", "/usr/lib/x" },
		{ "/", "x", "/x" },
		{ "//", "x", "/x" },
		{ "", "x", "x" }, /* an empty search path element: the current directory */
		{ "rel", "x", "rel/x" },
	};
	static const char *const dirname[][2] = {
		{ "/usr/bin/prog", "/usr/bin" },
		{ "/prog", "/" },
		{ "/app/bin/../lib/x", "/app/bin/../lib" },
	};
	char *s, *cwd = get_current_dir_name(), *want;
	(void)state;
	for (size_t i = 0; i < sizeof(join) / sizeof(join[0]); i++) {
		s = fileview_join(join[i][0], join[i][1]);
		assert_string_equal(s, join[i][2]);
		free(s);
	}
	for (size_t i = 0; i < sizeof(dirname) / sizeof(dirname[0]); i++) {
		s = fileview_dirname(dirname[i][0]);
		assert_string_equal(s, dirname[i][1]);
		free(s);
	}
	/* relative paths from the current directory */
	s = fileview_dirname("bin/prog");
	want = xasprintf("%s/bin", cwd);
	assert_string_equal(s, want);
	free(s);
	free(want);
	s = fileview_absolute("x");
	want = xasprintf("%s/x", cwd);
	assert_string_equal(s, want);
	free(s);
	free(want);
	free(cwd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_host, fakeroot_setup, fakeroot_teardown),
		cmocka_unit_test_setup_teardown(test_manifest, fakeroot_setup, fakeroot_teardown),
		cmocka_unit_test_setup_teardown(test_manifest_glob_listed_only, fakeroot_setup,
						fakeroot_teardown),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_join_dirname),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
