/* cache.c: content-keyed build cache entries (see cache.h). */
#include "build/cache.h"

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sys/alloc.h"
#include "sys/buf.h"
#include "sys/fs.h"
#include "sys/hash.h"
#include "sys/interrupt.h"
#include "sys/log.h"

#define COMPLETE ".complete"
#define MARK_HEADER "mkdistro cache entry 2\n"

char *cache_entry(const char *cache_dir, const char *kind, const char *key)
{
	char *rel = xasprintf("%s/%s", kind, key);
	char *p = path_join(cache_dir, rel);
	free(rel);
	return p;
}

/* The sums line for each regular file in dir but the mark, sorted by name. */
static int sum_files(const char *dir, struct buf *out)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort), ret = 0;
	if (n < 0)
		return error_errno("cannot read '%s'", dir);
	for (int i = 0; i < n; i++) {
		char *p = path_join(dir, names[i]->d_name);
		char sum[65];
		if (strcmp(names[i]->d_name, COMPLETE) && names[i]->d_name[0] != '.' && !is_dir(p)) {
			if (sha256_file(p, sum) < 0)
				ret = -1;
			else
				buf_addf(out, "%s  %s\n", sum, names[i]->d_name);
		}
		free(p);
		free(names[i]);
	}
	free(names);
	return ret;
}

int cache_complete(const char *entry)
{
	char *mark = path_join(entry, COMPLETE);
	struct buf want, got;
	int ok = 0;
	buf_init(&want);
	buf_init(&got);
	if (!file_exists(mark))
		goto out;
	/* The mark lists every file's SHA-256: a file changed, cut short or missing since is
	 * found here, and the entry is made again rather than used. */
	if (read_file(mark, &want) == 0 && !strncmp(want.data, MARK_HEADER, strlen(MARK_HEADER))) {
		ok = sum_files(entry, &got) == 0 && !strcmp(want.data + strlen(MARK_HEADER), got.data);
	}
	if (!ok) {
		warning("the cache entry '%s' is damaged (its files differ from the sums in %s); "
			"making it again",
			entry, COMPLETE);
		remove_tree(entry);
	}
out:
	buf_release(&want);
	buf_release(&got);
	free(mark);
	return ok;
}

char *cache_begin(const char *entry)
{
	char *tmp = xasprintf("%s.tmp", entry);
	if (remove_tree(tmp) < 0 || mkdir_p(tmp, 0755) < 0) {
		free(tmp);
		return NULL;
	}
	return tmp;
}

int cache_commit(const char *tmp, const char *entry)
{
	char *mark = path_join(tmp, COMPLETE);
	struct buf sums;
	int ret;
	buf_init(&sums);
	buf_adds(&sums, MARK_HEADER);
	ret = sum_files(tmp, &sums);
	if (!ret)
		ret = write_file_atomic(mark, sums.data, sums.len, 0644);
	buf_release(&sums);
	free(mark);
	if (ret < 0)
		return -1;
	/* nothing new enters the cache once mkdistro was told to stop: what was made may be
	 * what the signal cut short */
	if (interrupt_check() < 0)
		return -1;
	if (remove_tree(entry) < 0)
		return -1;
	if (rename(tmp, entry) < 0)
		return error_errno("cannot rename '%s' to '%s'", tmp, entry);
	return 0;
}

char *cache_build_dir(const char *cache_dir, const char *what, const char *id)
{
	char *rel = xasprintf("build/%s-%s", what, id), *p;
	for (char *c = rel + 6; *c; c++)
		if (*c == ' ' || *c == '/' || *c == ':')
			*c = '_';
	p = path_join(cache_dir, rel);
	free(rel);
	return p;
}

int cache_copy_files(const char *dir, const char *from, const char *const files[][2],
		     const unsigned *mode, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *src = path_join(from, files[i][0]);
		char *dst = path_join(dir, files[i][1]);
		int r = copy_file(src, dst, mode[i]);
		free(src);
		free(dst);
		if (r < 0)
			return -1;
	}
	return 0;
}

void cache_touch(const char *entry)
{
	utimensat(AT_FDCWD, entry, NULL, 0);
}

struct used {
	char *path;
	struct timespec t;
};

static int newest_first(const void *a, const void *b)
{
	const struct used *x = a, *y = b;
	if (x->t.tv_sec != y->t.tv_sec)
		return x->t.tv_sec < y->t.tv_sec ? 1 : -1;
	if (x->t.tv_nsec != y->t.tv_nsec)
		return x->t.tv_nsec < y->t.tv_nsec ? 1 : -1;
	return strcmp(x->path, y->path);
}

void cache_prune(const char *cache_dir, const char *kind, size_t keep)
{
	char *dir = path_join(cache_dir, kind);
	DIR *d = opendir(dir);
	struct used *v = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	if (!d) {
		free(dir);
		return;
	}
	while ((de = readdir(d))) {
		struct stat st;
		char *p;
		if (de->d_name[0] == '.' || strchr(de->d_name, '.'))
			continue; /* ".", "..", and <key>.tmp being written */
		p = path_join(dir, de->d_name);
		if (stat(p, &st) < 0 || !S_ISDIR(st.st_mode)) {
			free(p);
			continue;
		}
		XGROW(v, cap, n + 1);
		v[n].path = p;
		v[n++].t = st.st_mtim;
	}
	closedir(d);
	if (n > keep)
		qsort(v, n, sizeof(*v), newest_first);
	for (size_t i = 0; i < n; i++) {
		if (i >= keep)
			remove_tree(v[i].path);
		free(v[i].path);
	}
	free(v);
	free(dir);
}
