/* cache.c: content-keyed build cache entries (see cache.h). */
#include "cache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <stdlib.h>
#include <unistd.h>

#include "util.h"

char *cache_entry(const struct plan *plan, const char *kind, const char *key)
{
	char *rel = xasprintf("%s/%s", kind, key);
	char *p = path_join(plan->cache_dir, rel);
	free(rel);
	return p;
}

int cache_complete(const char *entry)
{
	char *mark = path_join(entry, ".complete");
	int ok = file_exists(mark);
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
	char *mark = path_join(tmp, ".complete");
	int ret = write_file_atomic(mark, "", 0, 0644);
	free(mark);
	if (ret < 0)
		return -1;
	if (remove_tree(entry) < 0)
		return -1;
	if (rename(tmp, entry) < 0)
		return error_errno("cannot rename '%s' to '%s'", tmp, entry);
	return 0;
}

char *cache_build_dir(const struct plan *plan, const char *what, const char *id)
{
	char *rel = xasprintf("build/%s-%s", what, id), *p;
	for (char *c = rel + 6; *c; c++)
		if (*c == ' ' || *c == '/' || *c == ':')
			*c = '_';
	p = path_join(plan->cache_dir, rel);
	free(rel);
	return p;
}

int cache_store(const char *entry, const char *dir, const char *const files[][2],
		const unsigned *mode, size_t n)
{
	char *tmp = cache_begin(entry);
	int ret = -1;
	if (!tmp)
		return -1;
	for (size_t i = 0; i < n; i++) {
		char *from = path_join(dir, files[i][0]);
		char *to = path_join(tmp, files[i][1]);
		int r = copy_file(from, to, mode[i]);
		free(from);
		free(to);
		if (r < 0)
			goto out;
	}
	ret = cache_commit(tmp, entry);
out:
	if (ret)
		remove_tree(tmp);
	free(tmp);
	return ret;
}

int cache_lock(const char *path, int wait, const char *who)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return error_errno("cannot open the lock '%s'", path);
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return fd;
	if (errno != EWOULDBLOCK) {
		error_errno("cannot lock '%s'", path);
		close(fd);
		return -1;
	}
	if (!wait) {
		close(fd);
		return error("another mkdistro build is using %s (lock: %s)", who, path);
	}
	info("mkdistro: waiting for another mkdistro build using %s (lock: %s)", who, path);
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			error_errno("cannot lock '%s'", path);
			close(fd);
			return -1;
		}
	}
	return fd;
}

unsigned cache_jobs(const struct plan *plan)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	if (plan->jobs)
		return plan->jobs;
	return n > 0 ? (unsigned)n : 1;
}
