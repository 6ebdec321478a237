/* testutil.h: helpers shared by the cmocka unit tests (header-only: each test is one
 * program).  Include after <cmocka.h>; define TMP_DIR (scratch for this test) first. */
#ifndef MKDISTRO_TESTUTIL_H
#define MKDISTRO_TESTUTIL_H

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sys/alloc.h"
#include "sys/buf.h"
#include "sys/fs.h"
#include "sys/spawn.h"

#ifndef GOLDEN_DIR
#define GOLDEN_DIR "tests/golden"
#endif

/* Binary goldens (an archive, a boot sector) are kept as text, GOLDEN_DIR/NAME.hex: two
 * lowercase hex digits a byte, 32 bytes a line, so that the tree holds no binary outputs and
 * a change shows in a diff. */
static inline char *golden_path(const char *name)
{
	char *hex = xasprintf("%s/%s.hex", GOLDEN_DIR, name);
	if (file_exists(hex))
		return hex;
	free(hex);
	return path_join(GOLDEN_DIR, name);
}

/* Read golden NAME (decoded from NAME.hex when that is how it is kept) into b. */
static inline void golden_read(const char *name, struct buf *b)
{
	char *path = golden_path(name);
	size_t n = strlen(path);
	struct buf text;
	buf_init(&text);
	assert_int_equal(read_file(path, &text), 0);
	if (n > 4 && !strcmp(path + n - 4, ".hex")) {
		unsigned v;
		for (const char *p = text.data; *p; p++) {
			if (*p == '\n')
				continue;
			assert_int_equal(sscanf(p, "%2x", &v), 1);
			buf_add(b, &(char){(char)v}, 1);
			p++;
		}
	} else {
		buf_add(b, text.data, text.len);
	}
	buf_release(&text);
	free(path);
}

/* Write data as golden NAME, as NAME.hex when it holds a NUL byte. */
static inline void golden_write(const char *name, const void *data, size_t n)
{
	char *path;
	struct buf out;
	buf_init(&out);
	if (memchr(data, 0, n)) {
		path = xasprintf("%s/%s.hex", GOLDEN_DIR, name);
		for (size_t i = 0; i < n; i++)
			buf_addf(&out, "%02x%s", ((const unsigned char *)data)[i],
				 i % 32 == 31 || i + 1 == n ? "\n" : "");
	} else {
		path = path_join(GOLDEN_DIR, name);
		buf_add(&out, data, n);
	}
	assert_int_equal(write_file_atomic(path, out.data, out.len, 0644), 0);
	fprintf(stderr, "updated %s\n", path);
	buf_release(&out);
	free(path);
}

/* Compare data with golden NAME, or rewrite it under MKDISTRO_UPDATE_GOLDEN=1.  On a
 * mismatch the actual bytes are left in TMP_DIR/name for cmp(1). */
static inline void golden_check(const char *name, const void *data, size_t n)
{
	const char *update = getenv("MKDISTRO_UPDATE_GOLDEN");
	struct buf want;

	buf_init(&want);
	if (update && !strcmp(update, "1"))
		golden_write(name, data, n);
	golden_read(name, &want);
	if (want.len != n || memcmp(want.data, data, n)) {
		char *actual = path_join(TMP_DIR, name);
		size_t i = 0;
		while (i < n && i < want.len && ((const char *)data)[i] == want.data[i])
			i++;
		mkdir_p(TMP_DIR, 0755);
		write_file_atomic(actual, data, n, 0644);
		fail_msg("%s differs from golden %s at byte %zu (%zu bytes, golden %zu)", actual, name,
			 i, n, want.len);
	}
	buf_release(&want);
}

/* Send stderr to a temporary file until stderr_end(), which puts what was written into msg. */
struct stderr_capture {
	FILE *tmp;
	int saved;
};

static inline void stderr_begin(struct stderr_capture *c)
{
	c->tmp = tmpfile();
	assert_non_null(c->tmp);
	fflush(stderr);
	c->saved = dup(2);
	dup2(fileno(c->tmp), 2);
}

static inline void stderr_end(struct stderr_capture *c, char *msg, size_t len)
{
	size_t n;
	fflush(stderr);
	dup2(c->saved, 2);
	close(c->saved);
	rewind(c->tmp);
	n = fread(msg, 1, len - 1, c->tmp);
	msg[n] = '\0';
	fclose(c->tmp);
}

/* Deterministic test data for the compressors: n random bytes, or (text) word runs that
 * compress well. */
static inline void test_fill(struct buf *b, size_t n, int text)
{
	static const char *const words[] = {"busybox ", "kernel ", "initramfs ", "cpio\n",
					    "syslinux ", "/dev/console ", "0000 "};
	uint64_t x = 0x9e3779b97f4a7c15u;
	buf_reset(b);
	while (b->len < n) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		if (text) {
			const char *w = words[x % 7];
			size_t len = strlen(w);
			buf_add(b, w, len < n - b->len ? len : n - b->len);
		} else {
			char c = (char)(x >> 24);
			buf_add(b, &c, 1);
		}
	}
}

/* Run the tool argv (a gzip, an xz, a cpio) with the environment env (NULL: ours), stdin
 * from file in and stdout to file out: its exit status. */
static inline int test_run_tool(const char *const *argv, const char *const *env, const char *in,
				const char *out)
{
	struct child c = CHILD_INIT;
	int ret, fd = open(in, O_RDONLY | O_CLOEXEC);

	assert_true(fd >= 0);
	c.argv = argv;
	c.env = env;
	c.in_fd = fd;
	c.out = out;
	ret = spawn_run(&c);
	close(fd);
	return ret;
}

#endif
