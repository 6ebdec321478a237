/* memo.c: remembered answers (see memo.h). */
#include "build/memo.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sys/alloc.h"
#include "sys/buf.h"
#include "sys/fs.h"
#include "sys/hash.h"
#include "sys/log.h"

#define SEPARATOR "--\n"

static char *memo_path(const char *cache_dir, const char *key)
{
	char sum[65], *rel, *p;
	sha256_hex(key, strlen(key), sum);
	rel = xasprintf("memo/%s", sum);
	p = path_join(cache_dir, rel);
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

char *memo_get(const char *cache_dir, const char *key, const char *const *deps)
{
	char *path = memo_path(cache_dir, key), *answer = NULL;
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

void memo_put(const char *cache_dir, const char *key, const char *const *deps,
	      const char *answer)
{
	char *path = memo_path(cache_dir, key), *dir = path_join(cache_dir, "memo");
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

/* Did the file change between two stats (device, inode, size, modification and change
 * times)? */
static int changed(const struct stat *a, const struct stat *b)
{
	return a->st_dev != b->st_dev || a->st_ino != b->st_ino || a->st_size != b->st_size ||
	       a->st_mtim.tv_sec != b->st_mtim.tv_sec || a->st_mtim.tv_nsec != b->st_mtim.tv_nsec ||
	       a->st_ctim.tv_sec != b->st_ctim.tv_sec || a->st_ctim.tv_nsec != b->st_ctim.tv_nsec;
}

int memo_sha256(const char *cache_dir, const char *path, int say, char out[65])
{
	const char *deps[] = {path, NULL};
	char *key = xasprintf("sha256 1 %s", path);
	char *known = cache_dir ? memo_get(cache_dir, key, deps) : NULL;
	struct stat before, after;
	int ret = -1;

	if (known && strlen(known) == 64 && strspn(known, "0123456789abcdef") == 64) {
		memcpy(out, known, 65);
		ret = 0;
		goto out;
	}
	if (stat(path, &before) < 0) {
		error_errno("cannot read '%s'", path);
		goto out;
	}
	if (say)
		info("  hashing %s", path);
	if (sha256_file(path, out) < 0)
		goto out;
	if (stat(path, &after) < 0 || changed(&before, &after)) {
		error("'%s' changed while it was being hashed", path);
		goto out;
	}
	if (cache_dir)
		memo_put(cache_dir, key, deps, out);
	ret = 0;
out:
	free(key);
	free(known);
	return ret;
}
