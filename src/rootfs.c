/* rootfs.c: the root filesystem manifest (see rootfs.h). */
#include "rootfs.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elfdeps.h"
#include "spawn.h"
#include "util.h"

static const struct {
	const char *path;
	unsigned mode;
} dirs[] = {
	{"/bin", 0755},     {"/sbin", 0755},     {"/etc", 0755},     {"/etc/rc.d", 0755},
	{"/lib", 0755},     {"/dev", 0755},      {"/proc", 0555},    {"/sys", 0555},
	{"/tmp", 01777},    {"/root", 0700},     {"/mnt", 0755},     {"/home", 0755},
	{"/run", 0755},     {"/var", 0755},      {"/var/log", 0755}, {"/var/run", 0755},
	{"/var/tmp", 01777}, {"/usr", 0755},     {"/usr/bin", 0755}, {"/usr/sbin", 0755},
	{"/usr/lib", 0755},
};

char *rootfs_relative_link(const char *link, const char *target)
{
	struct buf b;
	const char *l = link, *t = target;
	/* Skip the directories both share. */
	for (;;) {
		const char *ls = strchr(l + 1, '/'), *ts = strchr(t + 1, '/');
		if (!ls || !ts || ls - l != ts - t || strncmp(l, t, (size_t)(ls - l)))
			break;
		l = ls;
		t = ts;
	}
	buf_init(&b);
	for (const char *s = strchr(l + 1, '/'); s; s = strchr(s + 1, '/'))
		buf_adds(&b, "../");
	buf_adds(&b, t + 1);
	return buf_detach(&b, NULL);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

int rootfs_add_tree(struct manifest *m, const char *host_dir, const char *prefix)
{
	struct dirent **names;
	int n = scandir(host_dir, &names, NULL, by_name), ret = 0;
	if (n < 0)
		return error_errno("cannot read '%s'", host_dir);
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		char *host, *path;
		struct stat st;
		if (ret || !strcmp(name, ".") || !strcmp(name, "..") || !strcmp(name, ".gitkeep"))
			continue;
		host = path_join(host_dir, name);
		path = path_join(prefix, name);
		if (strchr(name, '\n')) {
			ret = error("'%s': a file name with a newline cannot go in the image", host);
		} else if (lstat(host, &st) < 0) {
			ret = error_errno("cannot stat '%s'", host);
		} else if (S_ISDIR(st.st_mode)) {
			ret = manifest_add_dir(m, path, 0755);
			if (!ret)
				ret = rootfs_add_tree(m, host, path);
		} else if (S_ISREG(st.st_mode)) {
			ret = manifest_add_file(m, path, (st.st_mode & 0111) ? 0755 : 0644, host);
		} else if (S_ISLNK(st.st_mode)) {
			char target[4096];
			ssize_t len = readlink(host, target, sizeof(target) - 1);
			if (len < 0) {
				ret = error_errno("cannot read link '%s'", host);
			} else {
				target[len] = '\0';
				ret = manifest_add_symlink(m, path, target);
			}
		} else {
			ret = error("'%s': only directories, files and symlinks can be copied into the "
				    "image (add device nodes to the manifest instead)",
				    host);
		}
		free(host);
		free(path);
	}
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return ret;
}

/* A symlink to /bin/busybox for each applet in busybox.links. */
static int add_applets(struct manifest *m, const char *links)
{
	struct buf b;
	int ret = 0, count = 0;
	buf_init(&b);
	if (read_file(links, &b) < 0) {
		buf_release(&b);
		return -1;
	}
	for (char *line = strtok(b.data, "\n"); line && !ret; line = strtok(NULL, "\n")) {
		char *target;
		if (!*line || !strcmp(line, "/bin/busybox"))
			continue;
		if (line[0] != '/') {
			ret = error("%s: '%s' is not an absolute path", links, line);
			break;
		}
		target = rootfs_relative_link(line, "/bin/busybox");
		ret = manifest_add_symlink(m, line, target);
		free(target);
		count++;
	}
	if (!ret && count == 0)
		ret = error("%s lists no applets", links);
	buf_release(&b);
	return ret;
}

static int is_elf(const char *path)
{
	unsigned char magic[4];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;
	if (fd < 0)
		return 0;
	n = read(fd, magic, 4);
	close(fd);
	return n == 4 && !memcmp(magic, "\177ELF", 4);
}

/* Every library the ELF files in m need, stripped of debug info into workdir.  A host file
 * reached by two paths (on a usr-merged host /lib/x86_64-linux-gnu/libc.so.6 and
 * /usr/lib/x86_64-linux-gnu/libc.so.6 are one file) is copied once; the other path becomes
 * a symlink to it. */
static int add_libraries(struct manifest *m, const struct rootfs_in *in)
{
	struct elfdeps d;
	struct stat *seen = NULL;
	int ret = -1;
	size_t nfiles = m->n;
	elfdeps_init(&d);
	for (size_t i = 0; i < nfiles; i++) {
		const struct mf_entry *e = &m->v[i];
		if (e->type == MF_FILE && e->source && (e->mode & 0111) && is_elf(e->source) &&
		    elfdeps_add_binary(&d, e->source) < 0)
			goto out;
	}
	seen = xcalloc(d.n ? d.n : 1, sizeof(*seen));
	for (size_t i = 0; i < d.n; i++) {
		const struct elf_dep *dep = &d.v[i];
		char *out, *name;
		const char *argv[] = {"objcopy", "--strip-debug", dep->host_path, NULL, NULL};
		struct child c = CHILD_INIT;
		size_t j;
		int rc;

		if (stat(dep->host_path, &seen[i]) < 0) {
			error_errno("cannot stat '%s'", dep->host_path);
			goto out;
		}
		for (j = 0; j < i; j++)
			if (seen[j].st_dev == seen[i].st_dev && seen[j].st_ino == seen[i].st_ino)
				break;
		if (j < i) {
			char *target = rootfs_relative_link(dep->image_path, d.v[j].image_path);
			rc = manifest_add_symlink(m, dep->image_path, target);
			free(target);
			if (rc < 0)
				goto out;
			continue;
		}
		/* Numbered, so that two libraries with one name in two directories stay apart. */
		name = xasprintf("%03zu-%s", i, strrchr(dep->image_path, '/') + 1);
		out = path_join(in->workdir, name);
		free(name);
		argv[3] = out;
		c.argv = argv;
		c.log = in->log;
		if (spawn_run_logged(&c, NULL) < 0) {
			free(out);
			goto out;
		}
		rc = manifest_add_file(m, dep->image_path, 0755, out);
		free(out);
		if (rc < 0)
			goto out;
	}
	ret = 0;
out:
	free(seen);
	elfdeps_release(&d);
	return ret;
}

int rootfs_build(const struct plan *plan, const struct rootfs_in *in, struct manifest *m)
{
	char *hostname;
	int ret;

	m->mtime = plan->epoch;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (manifest_add_dir(m, dirs[i].path, dirs[i].mode) < 0)
			return -1;
	if (manifest_add_file(m, "/bin/busybox", 0755, in->busybox) < 0 ||
	    add_applets(m, in->busybox_links) < 0)
		return -1;
	if (!is_dir(plan->rootfs_dir))
		return error("rootfs skeleton '%s' is not a directory", plan->rootfs_dir);
	if (rootfs_add_tree(m, plan->rootfs_dir, "/") < 0)
		return -1;

	hostname = xasprintf("%s\n", plan->hostname);
	ret = manifest_add_data(m, "/etc/hostname", 0644, hostname, strlen(hostname));
	free(hostname);
	if (ret < 0)
		return -1;
	if (!manifest_find(m, "/etc/mtab") && manifest_add_symlink(m, "/etc/mtab", "/proc/mounts") < 0)
		return -1;
	/* The kernel runs /init from an initramfs, and /sbin/init from a mounted root. */
	if (!manifest_find(m, "/init") && manifest_add_symlink(m, "/init", "sbin/init") < 0)
		return -1;
	if (manifest_add_node(m, "/dev/console", MF_CHR, 0600, 5, 1) < 0 ||
	    manifest_add_node(m, "/dev/null", MF_CHR, 0666, 1, 3) < 0)
		return -1;
	if (mkdir_p(in->workdir, 0755) < 0 || add_libraries(m, in) < 0)
		return -1;
	manifest_sort(m);
	return 0;
}
