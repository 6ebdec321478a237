/* project.c: `mkdistro init` (see project.h). */
#include "build/project.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build/rootfs.h"
#include "formats/manifest.h"
#include "sys/alloc.h"
#include "sys/fs.h"
#include "sys/log.h"

#ifndef MKDISTRO_DATADIR
#define MKDISTRO_DATADIR "/usr/local/share/mkdistro"
#endif

/* Where the default project files are: MKDISTRO_DATADIR, the directory of this program
 * when it runs from its source tree, or the installed data directory. */
static char *data_dir(void)
{
	const char *env = getenv("MKDISTRO_DATADIR");
	char self[4096];
	ssize_t n;
	if (env && *env)
		return xstrdup(env);
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		char *slash, *conf, *kconf;
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash)
			*slash = '\0';
		conf = path_join(self, "mkdistro.conf");
		kconf = path_join(self, "kernel.config");
		int here = file_exists(conf) && file_exists(kconf);
		free(conf);
		free(kconf);
		if (here)
			return xstrdup(self);
	}
	return xstrdup(MKDISTRO_DATADIR);
}

static int copy_tree(const char *from, const char *to)
{
	struct manifest m;
	int ret;
	manifest_init(&m);
	ret = rootfs_add_tree(&m, from, "/");
	for (size_t i = 0; i < m.n && !ret; i++) {
		const struct mf_entry *e = &m.v[i];
		char *p = path_join(to, e->path);
		if (e->type == MF_DIR)
			ret = mkdir_p(p, 0755);
		else if (e->type == MF_FILE)
			ret = copy_file(e->source, p, e->mode);
		else if (e->type == MF_SYMLINK && symlink(e->target, p) < 0)
			ret = error_errno("cannot create symlink '%s'", p);
		free(p);
	}
	manifest_release(&m);
	return ret;
}

int project_init(const char *dir)
{
	/* mkdistro.conf last: a project is complete once it is there. */
	static const char *const files[] = {"kernel.config", "busybox.config", "mkdistro.conf"};
	static const char *const trees[] = {"rootfs", "syslinux"};
	char *data = data_dir();
	int ret = -1;

	for (size_t i = 0; i < 5; i++) {
		char *p = path_join(dir, i < 3 ? files[i] : trees[i - 3]);
		int taken = file_exists(p);
		if (taken)
			error("'%s' already holds a project ('%s' exists); not overwriting it", dir, p);
		free(p);
		if (taken)
			goto out;
	}
	for (size_t i = 0; i < 3; i++) {
		char *p = path_join(data, files[i]);
		int ok = file_exists(p);
		free(p);
		if (!ok) {
			error("the default project files are not in '%s' (set MKDISTRO_DATADIR or run "
			      "'make install')",
			      data);
			goto out;
		}
	}
	if (mkdir_p(dir, 0755) < 0)
		goto out;
	for (size_t i = 0; i < 2; i++) {
		char *from = path_join(data, trees[i]);
		char *to = path_join(dir, trees[i]);
		int r = mkdir_p(to, 0755) < 0 ? -1 : copy_tree(from, to);
		free(from);
		free(to);
		if (r < 0)
			goto out;
	}
	for (size_t i = 0; i < 3; i++) {
		char *from = path_join(data, files[i]);
		char *to = path_join(dir, files[i]);
		int r = copy_file(from, to, 0644);
		free(from);
		free(to);
		if (r < 0)
			goto out;
	}
	info("mkdistro: created project '%s' from %s; next: mkdistro -C %s build", dir, data, dir);
	ret = 0;
out:
	free(data);
	return ret;
}
