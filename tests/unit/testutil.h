/* testutil.h: helpers shared by the cmocka unit tests (header-only: each test is one
 * program).  Include after <cmocka.h>; define TMP_DIR (scratch for this test) first. */
#ifndef MKDISTRO_TESTUTIL_H
#define MKDISTRO_TESTUTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

#ifndef GOLDEN_DIR
#define GOLDEN_DIR "tests/golden"
#endif

/* Compare data with GOLDEN_DIR/name, or rewrite it under MKDISTRO_UPDATE_GOLDEN=1.  On a
 * mismatch the actual bytes are left in TMP_DIR/name for cmp(1). */
static inline void golden_check(const char *name, const void *data, size_t n)
{
	char *path = path_join(GOLDEN_DIR, name);
	const char *update = getenv("MKDISTRO_UPDATE_GOLDEN");
	struct buf want;

	buf_init(&want);
	if (update && !strcmp(update, "1")) {
		assert_int_equal(write_file_atomic(path, data, n, 0644), 0);
		fprintf(stderr, "updated %s\n", path);
	}
	assert_int_equal(read_file(path, &want), 0);
	if (want.len != n || memcmp(want.data, data, n)) {
		char *actual = path_join(TMP_DIR, name);
		size_t i = 0;
		while (i < n && i < want.len && ((const char *)data)[i] == want.data[i])
			i++;
		mkdir_p(TMP_DIR, 0755);
		write_file_atomic(actual, data, n, 0644);
		fail_msg("%s differs from %s at byte %zu (%zu bytes, golden %zu)", actual, path, i,
			 n, want.len);
	}
	buf_release(&want);
	free(path);
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

#endif
