/* test_lockfile.c: unit tests for mkdistro.lock (src/build/lockfile.c): its format, and which
 * message each kind of mismatch gets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "build/lockfile.h"
#define TMP_DIR "tests/tmp/lockfile"
#include "testutil.h"

#define SHA_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define SHA_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

static const char text[] = "# a comment\n"
			   "\n"
			   "kernel linux-source-6.1.tar.xz 6.1.192-2 1000 " SHA_A "\n"
			   "busybox my%20busybox.tar.bz2 - 50 " SHA_B "\n"
			   "deb htop_3.2.2-2_amd64.deb 3.2.2-2 152412 " SHA_A "\n";

static void load(struct lockfile *l)
{
	memset(l, 0, sizeof(*l));
	l->path = xstrdup("/p/mkdistro.lock");
	l->exists = 1;
	assert_int_equal(lockfile_parse(l, text, l->path), 0);
}

static void parse(void **state)
{
	struct lockfile l;
	const struct lockfile_pin *p;
	(void)state;
	load(&l);
	assert_int_equal(l.n, 3);
	assert_non_null(lockfile_find(&l, "deb", "htop_3.2.2-2_amd64.deb"));
	p = lockfile_find(&l, "busybox", "my busybox.tar.bz2");
	assert_non_null(p);
	assert_int_equal(p->size, 50);
	assert_int_equal(p->line, 4);
	assert_string_equal(p->version, "-");
	assert_null(lockfile_find(&l, "kernel", "my busybox.tar.bz2"));
	assert_string_equal(lockfile_version(&l, "kernel"), "6.1.192-2");
	assert_null(lockfile_version(&l, "busybox"));
	l.update = 1;
	assert_null(lockfile_version(&l, "kernel")); /* updating takes what there is */
	lockfile_release(&l);
}

/* Each bad line is an error naming where:LINE. */
static void bad_lines(void **state)
{
	static const char *const bad[] = {
		"kernel a.tar - 1\n",                           /* a field short */
		"kernel a.tar - 1 " SHA_A " x\n",               /* one too many */
		"linux a.tar - 1 " SHA_A "\n",                  /* unknown role */
		"kernel a.tar - x1 " SHA_A "\n",                /* size */
		"kernel a.tar - 12x " SHA_A "\n",               /* size */
		"kernel a.tar - 1 " SHA_A "0\n",                /* 65 digits */
		"kernel a.tar - 1 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n",
		"kernel a/b.tar - 1 " SHA_A "\n",               /* a directory */
		"kernel a%zz - 1 " SHA_A "\n",                  /* bad escape */
	};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct lockfile l = {0};
		struct stderr_capture c;
		char msg[512], *t = xasprintf("# x\n%s", bad[i]);
		stderr_begin(&c);
		assert_int_equal(lockfile_parse(&l, t, "L"), -1);
		stderr_end(&c, msg, sizeof(msg));
		if (!strstr(msg, "L:2: not a line of a lock file"))
			fail_msg("line %zu: %s", i, msg);
		lockfile_release(&l);
		free(t);
	}
	{
		struct lockfile l = {0};
		struct stderr_capture c;
		char msg[512];
		stderr_begin(&c);
		assert_int_equal(lockfile_parse(&l, "kernel a - 1 " SHA_A "\nkernel a - 2 " SHA_B "\n", "L"), -1);
		stderr_end(&c, msg, sizeof(msg));
		assert_non_null(strstr(msg, "L:2: kernel 'a' is pinned twice (first on line 1)"));
		lockfile_release(&l);
	}
}

/* Check actual against the loaded lock; the message, or "" when it passes. */
static char *check(const char *role, const char *file, const char *version, uint64_t size,
		   const char *sha, const char *conf_sha)
{
	struct lockfile l;
	struct lockfile_pin a = {.role = (char *)role, .file = (char *)file,
				 .version = (char *)version, .size = size};
	struct stderr_capture c;
	char msg[1024];
	int rc;
	load(&l);
	memcpy(a.sha256, sha, 65);
	stderr_begin(&c);
	rc = lockfile_check(&l, &a, "/src/f", conf_sha, NULL);
	stderr_end(&c, msg, sizeof(msg));
	assert_int_equal(rc, msg[0] ? -1 : 0);
	if (!rc)
		assert_int_equal(l.nfound, 1);
	lockfile_release(&l);
	return xstrdup(msg);
}

static void expect(char *msg, const char *want)
{
	if (!strstr(msg, want))
		fail_msg("'%s' not in: %s", want, msg);
	free(msg);
}

static void passes(char *msg)
{
	if (msg[0])
		fail_msg("refused: %s", msg);
	free(msg);
}

static void mismatches(void **state)
{
	(void)state;
	passes(check("kernel", "linux-source-6.1.tar.xz", "6.1.192-2", 1000, SHA_A, NULL));
	/* same bytes, the version does not matter */
	passes(check("kernel", "linux-source-6.1.tar.xz", "x", 1000, SHA_A, NULL));
	expect(check("kernel", "linux-source-6.1.tar.xz", "6.1.192-2", 1000, SHA_B, NULL),
	       "/p/mkdistro.lock:3: '/src/f' was tampered with: it has the pinned size (1000 bytes) "
	       "but SHA-256 " SHA_B ", not the pinned " SHA_A "; refusing it (restore the original; "
	       "if the new file is trusted, 'mkdistro lock --update' pins it)");
	expect(check("kernel", "linux-source-6.1.tar.xz", "6.1.192-2", 999, SHA_B, NULL),
	       "/p/mkdistro.lock:3: '/src/f' is truncated: 999 bytes, but 1000 bytes (SHA-256 " SHA_A
	       ") are pinned here; refusing it");
	expect(check("kernel", "linux-source-6.1.tar.xz", "6.1.192-2", 1001, SHA_B, NULL),
	       "/p/mkdistro.lock:3: '/src/f' is not the pinned file: 1001 bytes with SHA-256 " SHA_B
	       ", but 1000 bytes with SHA-256 " SHA_A " are pinned here");
	expect(check("kernel", "linux-source-6.1.tar.xz", "6.1.200-1", 999, SHA_B, NULL),
	       "/p/mkdistro.lock:3: '/src/f' is version 6.1.200-1, but version 6.1.192-2 is pinned "
	       "here; to build from it, pin it with 'mkdistro lock --update'");
	expect(check("busybox", "my busybox.tar.bz2", "-", 50, SHA_A, SHA_A),
	       "/p/mkdistro.lock:4: '/src/f' matches the sha256 that mkdistro.conf now sets, but "
	       "SHA-256 " SHA_B " is pinned here");
	expect(check("busybox", "busybox.tar.bz2", "-", 50, SHA_B, NULL),
	       "'/src/f' (the busybox source) is not pinned in /p/mkdistro.lock; if you trust it, "
	       "pin it with 'mkdistro lock --update' (or delete /p/mkdistro.lock to pin every "
	       "source anew)");
	/* a Debian binary package the image takes */
	passes(check("deb", "htop_3.2.2-2_amd64.deb", "3.2.2-2", 152412, SHA_A, NULL));
	expect(check("deb", "htop_3.2.2-2_amd64.deb", "3.2.2-2", 152412, SHA_B, NULL),
	       "/p/mkdistro.lock:5: '/src/f' was tampered with");
	expect(check("deb", "pci.ids_0.0~2023.04.11-1_all.deb", "0.0~2023.04.11-1", 9, SHA_B, NULL),
	       "'/src/f' (a Debian package the image takes) is not pinned in /p/mkdistro.lock; if "
	       "you trust it (apt checked it against the archive's signed index), pin it with "
	       "'mkdistro lock --update'");
}

static void missing(void **state)
{
	struct lockfile l;
	struct stderr_capture c;
	char msg[512];
	(void)state;
	load(&l);
	stderr_begin(&c);
	assert_int_equal(lockfile_check_all_found(&l, "busybox", "/d", "fetch it"), -1);
	stderr_end(&c, msg, sizeof(msg));
	assert_non_null(strstr(msg, "/p/mkdistro.lock:4: '/d/my busybox.tar.bz2', pinned here (50 "
				    "bytes, SHA-256 " SHA_B "), is missing; fetch it"));
	lockfile_release(&l);
}

/* No lock file, or updating: everything passes and is noted; the file written reads back. */
static void write_and_read(void **state)
{
	struct lockfile l, back;
	struct lockfile_pin a = {.role = "busybox", .file = "b b%.tar", .version = "1:2.0", .size = 7};
	char *path = path_join(TMP_DIR, "mkdistro.lock");
	int written;
	(void)state;
	remove_tree(TMP_DIR);
	assert_int_equal(mkdir_p(TMP_DIR, 0755), 0);
	assert_int_equal(lockfile_load(&l, path), 0);
	assert_false(l.exists);
	memcpy(a.sha256, SHA_A, 65);
	assert_int_equal(lockfile_check(&l, &a, "/x", NULL, NULL), 0);
	assert_int_equal(lockfile_save(&l, &written), 0);
	assert_true(written);
	lockfile_release(&l);
	assert_int_equal(lockfile_load(&back, path), 0);
	assert_true(back.exists);
	assert_int_equal(back.n, 1);
	assert_string_equal(back.pins[0].file, "b b%.tar");
	assert_string_equal(back.pins[0].version, "1:2.0");
	assert_int_equal(lockfile_check(&back, &a, "/x", NULL, NULL), 0);
	assert_int_equal(lockfile_save(&back, &written), 0);
	assert_false(written); /* a lock file that exists is only checked */
	lockfile_release(&back);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse),      cmocka_unit_test(bad_lines),
		cmocka_unit_test(mismatches), cmocka_unit_test(missing),
		cmocka_unit_test(write_and_read),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
