/* memo.c: remembered answers (see memo.h). */
#include "build/memo.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sys/alloc.h"
#include "sys/buf.h"
#include "sys/fs.h"
#include "sys/hash.h"

#define SEPARATOR "--\n"

static char *memo_path(const struct plan *plan, const char *key)
{
	char sum[65], *rel, *p;
	sha256_hex(key, strlen(key), sum);
	rel = xasprintf("memo/%s", sum);
	p = path_join(plan->cache_dir, rel);
	free(rel);
	return p;
}

/* The deps' identities and the key, as the memo's first lines. */
static void header(const char *key, const char *const *deps, struct buf *out)
{
	buf_addf(out, "key %s\n", key);
	for (const char *const *d = deps; d && *d; d++) {
		struct stat st;
		if (stat(*d, &st) < 0)
			buf_addf(out, "%s missing\n", *d);
		else
			buf_addf(out, "%s %llu %llu %lld %lld.%09ld %lld.%09ld\n", *d,
				 (unsigned long long)st.st_dev, (unsigned long long)st.st_ino,
				 (long long)st.st_size, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
				 (long long)st.st_ctim.tv_sec, st.st_ctim.tv_nsec);
	}
	buf_adds(out, SEPARATOR);
}

char *memo_get(const struct plan *plan, const char *key, const char *const *deps)
{
	char *path = memo_path(plan, key), *answer = NULL;
	struct buf want, got;
	buf_init(&want);
	buf_init(&got);
	header(key, deps, &want);
	if (file_exists(path) && read_file(path, &got) == 0 && got.len >= want.len &&
	    !memcmp(got.data, want.data, want.len))
		answer = xstrdup(got.data + want.len);
	buf_release(&want);
	buf_release(&got);
	free(path);
	return answer;
}

void memo_put(const struct plan *plan, const char *key, const char *const *deps,
	      const char *answer)
{
	char *path = memo_path(plan, key), *dir = path_join(plan->cache_dir, "memo");
	struct buf text;
	buf_init(&text);
	header(key, deps, &text);
	buf_adds(&text, answer);
	if (mkdir_p(dir, 0755) == 0)
		write_file_atomic(path, text.data, text.len, 0644);
	buf_release(&text);
	free(path);
	free(dir);
}
