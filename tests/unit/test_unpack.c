/* test_unpack.c: unit tests for safe extraction (src/formats/unpack.c).  Each archive is crafted here
 * with libarchive's writer, which writes any name it is given ("..", "/" and all), as .tar,
 * .tar.gz or .tar.xz; every bad one must be refused with an error that names the archive, the
 * member and the reason, and must leave nothing outside the target directory. */
#include <setjmp.h>
#include <dirent.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <cmocka.h>

#include "formats/unpack.h"
#define TMP_DIR "tests/tmp/unpack"
#include "testutil.h"

/* The target is TMP_DIR/box/dest: anything else that appears in TMP_DIR/box, or in ABS_DIR,
 * got out.  TMP_DIR/victim is a file outside that a hard link could reach. */
#define BOX TMP_DIR "/box"
#define DEST BOX "/dest"
#define VICTIM TMP_DIR "/victim"
static char abs_dir[64];

/* A member: TYPE is d (directory), f (file, ARG its contents), l (symlink to ARG), h (hard
 * link to ARG), c (character device), b (block device), p (FIFO); mode 0 for the usual. */
struct member {
	char type;
	const char *name, *arg;
	unsigned mode;
};

/* Write members to TMP_DIR/name, compressed as its extension says. */
static char *craft(const char *name, const struct member *m, size_t n)
{
	char *path = path_join(TMP_DIR, name);
	struct archive *a = archive_write_new();
	size_t len = strlen(name);
	if (len > 4 && !strcmp(name + len - 4, ".zip"))
		assert_int_equal(archive_write_set_format_zip(a), ARCHIVE_OK);
	else if (len > 5 && !strcmp(name + len - 5, ".cpio"))
		assert_int_equal(archive_write_set_format_cpio_newc(a), ARCHIVE_OK);
	else
		assert_int_equal(archive_write_set_format_pax_restricted(a), ARCHIVE_OK);
	if (len > 3 && !strcmp(name + len - 3, ".gz"))
		assert_int_equal(archive_write_add_filter_gzip(a), ARCHIVE_OK);
	else if (len > 3 && !strcmp(name + len - 3, ".xz"))
		assert_int_equal(archive_write_add_filter_xz(a), ARCHIVE_OK);
	else if (len > 4 && !strcmp(name + len - 4, ".bz2"))
		assert_int_equal(archive_write_add_filter_bzip2(a), ARCHIVE_OK);
	else if (len > 4 && !strcmp(name + len - 4, ".zst"))
		assert_int_equal(archive_write_add_filter_zstd(a), ARCHIVE_OK);
	else if (len > 5 && !strcmp(name + len - 5, ".lzma"))
		assert_int_equal(archive_write_add_filter_lzma(a), ARCHIVE_OK);
	assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
	for (size_t i = 0; i < n; i++) {
		struct archive_entry *e = archive_entry_new();
		size_t size = m[i].type == 'f' ? strlen(m[i].arg) : 0;
		unsigned type = m[i].type == 'd'   ? AE_IFDIR
				: m[i].type == 'l' ? AE_IFLNK
				: m[i].type == 'c' ? AE_IFCHR
				: m[i].type == 'b' ? AE_IFBLK
				: m[i].type == 'p' ? AE_IFIFO
						   : AE_IFREG;
		archive_entry_set_pathname(e, m[i].name);
		archive_entry_set_filetype(e, type);
		archive_entry_set_perm(e, m[i].mode ? m[i].mode : type == AE_IFDIR ? 0755 : 0644);
		archive_entry_set_mtime(e, 946684800, 0);
		archive_entry_set_size(e, (la_int64_t)size);
		if (m[i].type == 'l')
			archive_entry_set_symlink(e, m[i].arg);
		if (m[i].type == 'h')
			archive_entry_set_hardlink(e, m[i].arg);
		if (m[i].type == 'c' || m[i].type == 'b')
			archive_entry_set_rdev(e, makedev(8, 0));
		assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
		if (size)
			assert_int_equal(archive_write_data(a, m[i].arg, size), (la_ssize_t)size);
		archive_entry_free(e);
	}
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	return path;
}

static int setup(void **state)
{
	(void)state;
	snprintf(abs_dir, sizeof(abs_dir), "/tmp/mkdistro-unpack-test-%ld", (long)getpid());
	remove_tree(TMP_DIR);
	assert_int_equal(mkdir_p(TMP_DIR, 0755), 0);
	assert_int_equal(write_file_atomic(VICTIM, "safe", 4, 0644), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	remove_tree(abs_dir);
	return 0;
}

/* Nothing but dest in BOX, nothing in abs_dir, the victim untouched. */
static void nothing_outside(const char *archive)
{
	DIR *d = opendir(BOX);
	struct dirent *de;
	struct buf v;
	assert_non_null(d);
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") && strcmp(de->d_name, "dest"))
			fail_msg("%s: '%s' was written outside the target", archive, de->d_name);
	closedir(d);
	if ((d = opendir(abs_dir))) { /* may exist (empty) as a symlink's target */
		while ((de = readdir(d)))
			if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
				fail_msg("%s: '%s/%s' was written", archive, abs_dir, de->d_name);
		closedir(d);
	} else if (file_exists(abs_dir)) {
		fail_msg("%s: '%s' was written", archive, abs_dir);
	}
	buf_init(&v);
	assert_int_equal(read_file(VICTIM, &v), 0);
	if (strcmp(v.data, "safe"))
		fail_msg("%s: the file outside was overwritten", archive);
	buf_release(&v);
}

/* Unpacking must fail with a message holding each of the NULL-terminated strings, and the
 * archive's path; unpack_check must refuse it the same way, and nothing may be outside. */
static void refused(const char *name, const struct member *m, size_t n, ...)
{
	char *archive = craft(name, m, n);
	char msg[2048], msg2[2048];
	struct stderr_capture c;
	va_list ap;
	int rc;

	remove_tree(BOX);
	assert_int_equal(mkdir_p(BOX, 0755), 0);
	stderr_begin(&c);
	rc = unpack_archive(archive, DEST);
	stderr_end(&c, msg, sizeof(msg));
	if (rc != -1)
		fail_msg("%s: unpacked without an error", name);
	nothing_outside(name);
	if (!strstr(msg, archive))
		fail_msg("%s: the message does not name the archive: %s", name, msg);
	stderr_begin(&c);
	rc = unpack_check(archive);
	stderr_end(&c, msg2, sizeof(msg2));
	if (rc != -1)
		fail_msg("%s: unpack_check let it pass", name);
	nothing_outside(name);
	va_start(ap, n);
	for (const char *want; (want = va_arg(ap, const char *));) {
		if (!strstr(msg, want))
			fail_msg("%s: '%s' not in the message: %s", name, want, msg);
		if (!strstr(msg2, want) && !strstr(want, "'" DEST "'"))
			fail_msg("%s: '%s' not in unpack_check's message: %s", name, want, msg2);
	}
	va_end(ap);
	free(archive);
}

#define N(a) (sizeof(a) / sizeof(a[0]))

static void absolute(void **state)
{
	char evil[128];
	(void)state;
	snprintf(evil, sizeof(evil), "%s/evil", abs_dir);
	const struct member m[] = {{'d', "top", 0, 0}, {'f', evil, "x", 0}};
	refused("absolute.tar", m, N(m), evil, "an absolute name would land outside '" DEST "'",
		NULL);
}

static void dotdot(void **state)
{
	const struct member m[] = {{'f', "../evil", "x", 0}};
	(void)state;
	refused("dotdot.tar.gz", m, N(m), "refusing member '../evil': its '..' would climb out of",
		NULL);
}

static void deep_dotdot(void **state)
{
	const struct member m[] = {{'d', "a", 0, 0}, {'d', "a/b", 0, 0}, {'d', "a/b/c", 0, 0},
				   {'f', "a/b/c/../../../../evil", "x", 0}};
	(void)state;
	refused("deep-dotdot.tar.xz", m, N(m), "'a/b/c/../../../../evil'", "'..'", NULL);
}

static void dotdot_in_dir(void **state)
{
	const struct member m[] = {{'d', "top/", 0, 0}, {'d', "top/../../evil/", 0, 0}};
	(void)state;
	refused("dotdot-dir.tar", m, N(m), "'top/../../evil/'", "'..'", NULL);
}

static void file_through_symlink(void **state)
{
	const struct member m[] = {{'l', "l", "..", 0}, {'f', "l/evil", "x", 0}};
	(void)state;
	refused("symlink-file.tar.gz", m, N(m),
		"refusing member 'l/evil': it goes through 'l', a symlink in the archive", NULL);
}

static void file_through_absolute_symlink(void **state)
{
	const struct member m[] = {{'l', "l", abs_dir, 0}, {'f', "l/evil", "x", 0}};
	(void)state;
	mkdir_p(abs_dir, 0755); /* the symlink points at an existing directory */
	refused("symlink-abs.tar.xz", m, N(m), "'l/evil'", "goes through 'l'", NULL);
	remove_tree(abs_dir);
}

static void dir_through_symlink(void **state)
{
	const struct member m[] = {{'d', "top", 0, 0},
				   {'l', "top/l", "../..", 0},
				   {'d', "top/l/sub", 0, 0},
				   {'f', "top/l/sub/evil", "x", 0}};
	(void)state;
	refused("symlink-dir.tar", m, N(m), "refusing member 'top/l/sub", "goes through 'top/l'",
		NULL);
}

/* Spelt differently ("./a//l/evil"), the name still goes through "a/l". */
static void odd_spelling_through_symlink(void **state)
{
	const struct member m[] = {{'d', "./a/", 0, 0}, {'l', "./a/l", "../../", 0},
				   {'f', "./a//l/evil", "x", 0}};
	(void)state;
	refused("symlink-spelling.tar.gz", m, N(m), "'./a//l/evil'", "goes through 'a/l'", NULL);
}

/* A symlink replaced by a directory of the same name is still not a way through. */
static void symlink_then_dir(void **state)
{
	const struct member m[] = {{'l', "l", "..", 0}, {'d', "l", 0, 0}, {'f', "l/evil", "x", 0}};
	(void)state;
	refused("symlink-then-dir.tar", m, N(m), "'l/evil'", "goes through 'l'", NULL);
}

static void hardlink_absolute(void **state)
{
	const struct member m[] = {{'h', "h", "/etc/passwd", 0}, {'f', "h", "pwned", 0}};
	(void)state;
	refused("hardlink-abs.tar", m, N(m),
		"refusing member 'h', a hard link to '/etc/passwd': the target is outside", NULL);
}

static void hardlink_dotdot(void **state)
{
	const struct member m[] = {{'h', "h", "../../victim", 0}, {'f', "h", "pwned", 0}};
	(void)state;
	refused("hardlink-dotdot.tar.xz", m, N(m), "a hard link to '../../victim'", NULL);
}

static void hardlink_through_symlink(void **state)
{
	const struct member m[] = {{'l', "l", "../..", 0}, {'h', "h", "l/victim", 0},
				   {'f', "h", "pwned", 0}};
	(void)state;
	refused("hardlink-symlink.tar.gz", m, N(m),
		"'h', a hard link to 'l/victim': the target goes through 'l'", NULL);
}

/* A hard link to a symlink is a symlink: nothing may go through it either. */
static void hardlink_to_symlink(void **state)
{
	const struct member m[] = {{'l', "l", "../..", 0}, {'h', "h", "l", 0},
				   {'f', "h/victim", "pwned", 0}};
	(void)state;
	refused("hardlink-to-symlink.tar", m, N(m), "'h/victim'", "goes through 'h'", NULL);
}

static void device_nodes(void **state)
{
	const struct member c[] = {{'d', "dev", 0, 0}, {'c', "dev/sda", 0, 0666}};
	const struct member b[] = {{'b', "sda", 0, 0666}};
	const struct member p[] = {{'p', "fifo", 0, 0}};
	(void)state;
	refused("chardev.tar", c, N(c), "'dev/sda': a character device has no place", NULL);
	refused("blockdev.tar.xz", b, N(b), "'sda': a block device", NULL);
	refused("fifo.tar.gz", p, N(p), "'fifo': a FIFO", NULL);
}

static void replace_root(void **state)
{
	const struct member m[] = {{'l', "./", "/tmp", 0}};
	(void)state;
	refused("replace-root.tar", m, N(m), "refusing member './': it would replace", NULL);
}

/* A name that would forge a line (or drive the terminal) is shown escaped. */
static void shown_escaped(void **state)
{
	char evil[160];
	(void)state;
	snprintf(evil, sizeof(evil), "%s/x\nmkdistro: all fine\x1b[2J", abs_dir);
	const struct member m[] = {{'f', evil, "x", 0}};
	refused("newline.tar", m, N(m), "x\\nmkdistro: all fine\\x1b[2J", NULL);
	char *s = unpack_shown("a\tb\\c\x7f");
	assert_string_equal(s, "a\\tb\\\\c\\x7f");
	free(s);
}

/* A file of n bytes. */
static char *big(size_t n)
{
	char *s = xmalloc(n + 1);
	for (size_t i = 0; i < n; i++)
		s[i] = (char)('a' + (i * 7919 % 26)); /* not too compressible */
	s[n] = '\0';
	return s;
}

/* Cut an archive to part of its size. */
static void truncated_one(const char *name, size_t keep_num, size_t keep_den)
{
	char *data = big(200000);
	const struct member m[] = {{'d', "top", 0, 0}, {'f', "top/big", data, 0},
				   {'f', "top/after", "x", 0}};
	char *archive = craft(name, m, N(m));
	char msg[1024];
	struct stat st;
	struct stderr_capture c;
	int rc;
	assert_int_equal(stat(archive, &st), 0);
	assert_int_equal(truncate(archive, st.st_size * (off_t)keep_num / (off_t)keep_den), 0);
	remove_tree(BOX);
	stderr_begin(&c);
	rc = unpack_archive(archive, DEST);
	stderr_end(&c, msg, sizeof(msg));
	assert_int_equal(rc, -1);
	if (!strstr(msg, archive) || !strstr(msg, "ends early (truncated)"))
		fail_msg("%s: not reported as truncated: %s", name, msg);
	stderr_begin(&c);
	rc = unpack_check(archive);
	stderr_end(&c, msg, sizeof(msg));
	assert_int_equal(rc, -1);
	if (!strstr(msg, "ends early (truncated)"))
		fail_msg("%s: unpack_check did not report it as truncated: %s", name, msg);
	free(archive);
	free(data);
}

static void truncated(void **state)
{
	(void)state;
	truncated_one("truncated.tar", 1, 2);
	truncated_one("truncated.tar.gz", 1, 2);
	truncated_one("truncated.tar.xz", 1, 2);
	truncated_one("truncated-end.tar", 9, 10); /* cut in the end-of-archive blocks */
}

static void damaged(void **state)
{
	char *path = path_join(TMP_DIR, "junk.tar.gz");
	char msg[1024];
	struct stderr_capture c;
	(void)state;
	/* a gzip header, then bytes that are no deflate stream */
	assert_int_equal(write_file_atomic(path, "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03garbage!garbage!",
					   26, 0644),
			 0);
	stderr_begin(&c);
	assert_int_equal(unpack_archive(path, DEST), -1);
	stderr_end(&c, msg, sizeof(msg));
	assert_non_null(strstr(msg, path));
	free(path);
}

/* What a real source tarball holds unpacks, as it was: files, directories, a hard link, a
 * symlink pointing outside (stored, not followed), "./" names; set-user-ID bits dropped. */
static void good(void **state)
{
	const struct member m[] = {
		{'d', "./pkg-1.0/", 0, 0},
		{'f', "./pkg-1.0/Makefile", "all:\n", 0},
		{'d', "pkg-1.0/src", 0, 0},
		{'f', "pkg-1.0/src/a.c", "int a;\n", 0},
		{'h', "pkg-1.0/src/b.c", "pkg-1.0/src/a.c", 0},
		{'l', "pkg-1.0/up", "../../..", 0},
		{'l', "pkg-1.0/abs", "/etc", 0},
		{'l', "pkg-1.0/inc", "src", 0},
		{'f', "pkg-1.0/tool", "#!/bin/sh\n", 04755},
		{'f', "pkg-1.0/up-not-through", "x", 0}, /* "up" is a prefix of the name, not a part */
	};
	const char *names[] = {"good.tar", "good.tar.gz", "good.tar.xz", "good.tar.bz2",
			       "good.tar.zst"};
	(void)state;
	for (size_t i = 0; i < N(names); i++) {
		char *archive = craft(names[i], m, N(m));
		struct stat a, b;
		char target[64] = "";
		remove_tree(BOX);
		assert_int_equal(unpack_check(archive), 0);
		assert_false(file_exists(BOX)); /* checking writes nothing */
		assert_int_equal(unpack_archive(archive, DEST), 0);
		assert_int_equal(stat(DEST "/pkg-1.0/src/a.c", &a), 0);
		assert_int_equal(stat(DEST "/pkg-1.0/src/b.c", &b), 0);
		assert_int_equal(a.st_ino, b.st_ino);
		assert_true(readlink(DEST "/pkg-1.0/up", target, sizeof(target) - 1) > 0);
		assert_string_equal(target, "../../..");
		assert_int_equal(stat(DEST "/pkg-1.0/tool", &a), 0);
		assert_int_equal(a.st_mode & 07777, 0755);
		nothing_outside(names[i]);
		free(archive);
	}
}

/* Tar in the four compressions above and nothing else: a harmless tree as a zip, a cpio
 * archive or a .tar.lzma is refused before anything is read, and says what is read. */
static void other_formats(void **state)
{
	const struct member m[] = {{'f', "pkg-1.0/a", "a\n", 0}};
	(void)state;
	refused("other.zip", m, N(m), "is not a tar archive mkdistro reads", "gzip, bzip2, xz or zstd",
		NULL);
	refused("other.cpio", m, N(m), "is not a tar archive mkdistro reads", NULL);
	refused("other.tar.lzma", m, N(m), "is not a tar archive mkdistro reads", NULL);
}

static void names(void **state)
{
	(void)state;
	assert_true(unpack_name_is_safe("a/b"));
	assert_true(unpack_name_is_safe("./a/..b/c.."));
	assert_false(unpack_name_is_safe(""));
	assert_false(unpack_name_is_safe("/a"));
	assert_false(unpack_name_is_safe(".."));
	assert_false(unpack_name_is_safe("a/../b"));
	assert_false(unpack_name_is_safe("a//..//"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(absolute),
		cmocka_unit_test(dotdot),
		cmocka_unit_test(deep_dotdot),
		cmocka_unit_test(dotdot_in_dir),
		cmocka_unit_test(file_through_symlink),
		cmocka_unit_test(file_through_absolute_symlink),
		cmocka_unit_test(dir_through_symlink),
		cmocka_unit_test(odd_spelling_through_symlink),
		cmocka_unit_test(symlink_then_dir),
		cmocka_unit_test(hardlink_absolute),
		cmocka_unit_test(hardlink_dotdot),
		cmocka_unit_test(hardlink_through_symlink),
		cmocka_unit_test(hardlink_to_symlink),
		cmocka_unit_test(device_nodes),
		cmocka_unit_test(replace_root),
		cmocka_unit_test(shown_escaped),
		cmocka_unit_test(truncated),
		cmocka_unit_test(damaged),
		cmocka_unit_test(good),
		cmocka_unit_test(other_formats),
		cmocka_unit_test(names),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
