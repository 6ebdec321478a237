/* rootfs.c: the root filesystem manifest (see rootfs.h). */
#include "build/rootfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build/arch.h"
#include "build/cache.h"
#include "build/inputs.h"
#include "build/kbuild.h"
#include "build/stage.h"
#include "build/password.h"
#include "formats/elf.h"
#include "build/pkgtree.h"
#include "formats/elfdeps.h"
#include "sys/alloc.h"
#include "sys/buf.h"
#include "sys/fs.h"
#include "sys/log.h"
#include "sys/spawn.h"

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

/* Does a relative symlink target, read from the directory of path in the image, climb
 * above the image's root ("../../../etc/shadow" from /etc)?  The kernel would stop at /,
 * so the link would point at some other file than the one its author meant: most likely a
 * path on the build machine, copied in by mistake. */
static int climbs_out(const char *path, const char *target)
{
	int depth = -1; /* the components of path, less its own name */
	if (*target == '/')
		return 0;
	for (const char *p = path; *p;) {
		while (*p == '/')
			p++;
		if (*p)
			depth++;
		while (*p && *p != '/')
			p++;
	}
	for (const char *t = target; *t;) {
		size_t n = strcspn(t, "/");
		if (n == 2 && !strncmp(t, "..", 2)) {
			if (--depth < 0)
				return 1;
		} else if (n && !(n == 1 && *t == '.')) {
			depth++;
		}
		t += n;
		while (*t == '/')
			t++;
	}
	return 0;
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
			/* A directory already listed keeps its mode: a skeleton's root/ or tmp/ (say,
			 * for a .profile) must not make /root 0755 or take /tmp's sticky bit. */
			char *norm = manifest_normalise(path);
			const struct mf_entry *e = norm ? manifest_find(m, norm) : NULL;
			ret = e && e->type == MF_DIR ? 0 : manifest_add_dir(m, path, 0755);
			free(norm);
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
				if (climbs_out(path, target))
					ret = error("'%s': the symlink's target '%s' climbs above the image's "
						    "root; give a path inside the image (absolute, or fewer '..')",
						    host, target);
				else
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
	return file_starts_with(path, "ELF", 4);
}

#define LIBS_KEPT 64 /* stripped libraries kept in the cache */

/* What make_stripped needs. */
struct strip_job {
	const char *host, *log, *objcopy;
};

/* objcopy --strip-debug of the host file into dir/lib (stage.h); the image's CPU's objcopy. */
static int make_stripped(void *ctx, const char *dir)
{
	const struct strip_job *j = ctx;
	char *to = path_join(dir, "lib");
	const char *argv[] = {j->objcopy, "--strip-debug", j->host, to, NULL};
	struct child c = CHILD_INIT;
	int ret;
	c.argv = argv;
	c.log = j->log;
	ret = spawn_run_logged(&c, NULL);
	free(to);
	return ret;
}

/* host stripped of debug info: the cache's copy for its contents, or made now with objcopy
 * into the cache.  Returns the path (malloc'd), or NULL (reported). */
static char *stripped(const struct plan *plan, const char *host, const char *log)
{
	char *objcopy = xasprintf("%sobjcopy", arch_cross(plan->arch));
	struct strip_job job = {host, log, objcopy};
	struct stage_cache sc = {.kind = "lib", .keep = LIBS_KEPT, .make = make_stripped, .ctx = &job};
	const char *toolchain = kbuild_toolchain(plan);
	struct inputs in;
	char *entry = NULL, *file = NULL;
	int cached;

	inputs_init(&in);
	inputs_add(&in, "stage", "strip 1");
	inputs_add(&in, "toolchain", "%s", toolchain ? toolchain : "");
	if (toolchain && inputs_add_tool(&in, objcopy) == 0 && inputs_add_file(&in, "lib", host) == 0 &&
	    stage_cached(plan, &sc, &in, &entry, &cached) == 0)
		file = path_join(entry, "lib");
	inputs_release(&in);
	free(entry);
	free(objcopy);
	return file;
}

/* Every library the ELF files in m need, stripped of debug info (kept in the cache): the
 * host's for a host CPU's image, else those of the cross C library's root.  A host
 * file reached by two paths (on a usr-merged host /lib/x86_64-linux-gnu/libc.so.6 and
 * /usr/lib/x86_64-linux-gnu/libc.so.6 are one file) is added once; the other path becomes
 * a symlink to it. */
static int add_libraries(const struct plan *plan, struct manifest *m, const struct rootfs_in *in)
{
	struct elfdeps d;
	struct stat *seen = NULL;
	int ret = -1;
	size_t nfiles = m->n;
	elfdeps_init(&d);
	arch_elfdeps(plan->arch, &d);
	for (size_t i = 0; i < nfiles; i++) {
		const struct mf_entry *e = &m->v[i];
		/* a package's programs have their libraries from the packages (pkgtree.h) */
		if (e->type == MF_FILE && e->source && (e->mode & 0111) &&
		    !pkgtree_is_package_file(plan, e->source) && is_elf(e->source) &&
		    elfdeps_add_binary(&d, e->source) < 0)
			goto out;
	}
	seen = xcalloc(d.n ? d.n : 1, sizeof(*seen));
	for (size_t i = 0; i < d.n; i++) {
		const struct elf_dep *dep = &d.v[i];
		char *out;
		size_t j;
		int rc;

		const struct mf_entry *had = manifest_find(m, dep->image_path);
		if (had && had->type == MF_FILE && pkgtree_is_package_file(plan, had->source))
			continue; /* a package's copy of the library: stored once */
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
		if (!(out = stripped(plan, dep->host_path, in->log)))
			goto out;
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

/* A binary for the image must be an ELF file for its CPU. */
static int check_binary(const struct plan *plan, const struct ivariant *v, const char *path)
{
	struct buf b;
	struct elf_info info;
	char err[200];
	int ret = 0;
	struct stat st;
	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return error("%s:%d: [initrd.%s] binaries: '%s' %s", plan->conf_path, v->binaries_line,
			     v->name, path, errno == ENOENT ? "does not exist" : "is not a file");
	buf_init(&b);
	if (read_file(path, &b) < 0) {
		buf_release(&b);
		return -1;
	}
	if (elf_parse(b.data, b.len, &info, err, sizeof(err)) < 0)
		ret = error("%s:%d: [initrd.%s] binaries: '%s' is not an ELF binary (%s)",
			    plan->conf_path, v->binaries_line, v->name, path, err);
	else if (info.machine != (unsigned)plan->arch->elf.machine ||
		 info.class64 != plan->arch->elf.class64)
		ret = error("%s:%d: [initrd.%s] binaries: '%s' is for another architecture (%s, "
			    "%d-bit), not %s ([system] arch = %s)",
			    plan->conf_path, v->binaries_line, v->name, path,
			    elf_machine_name(info.machine), info.class64 ? 64 : 32,
			    plan->arch->elf_name, plan->arch->name);
	if (!ret)
		elf_info_release(&info);
	buf_release(&b);
	return ret;
}

int rootfs_check_variant(const struct plan *plan, const struct ivariant *v)
{
	for (size_t i = 0; i < v->n_overlays; i++)
		if (!is_dir(v->overlays[i]))
			return error("%s:%d: [initrd.%s] overlay '%s' is not a directory", plan->conf_path,
				     v->overlay_line, v->name, v->overlays[i]);
	for (size_t i = 0; i < v->n_binaries; i++)
		if (check_binary(plan, v, v->binaries[i]) < 0)
			return -1;
	return 0;
}

/* A variant's overlays and binaries. */
static int add_variant(const struct plan *plan, const struct ivariant *v, struct manifest *m)
{
	if (rootfs_check_variant(plan, v) < 0)
		return -1;
	for (size_t i = 0; i < v->n_overlays; i++)
		if (rootfs_add_tree(m, v->overlays[i], "/") < 0)
			return -1;
	for (size_t i = 0; i < v->n_binaries; i++)
		if (manifest_add_file(m, v->binaries[i], 0755, v->binaries[i]) < 0)
			return -1;
	return 0;
}

/* Do two file entries hold the same bytes? */
static int same_contents(const struct mf_entry *a, const struct mf_entry *b)
{
	struct buf x, y;
	int same;
	if (a->source && b->source && !strcmp(a->source, b->source))
		return 1;
	buf_init(&x);
	buf_init(&y);
	if (a->source ? read_file(a->source, &x) < 0 : (buf_add(&x, a->data, a->size), 0))
		same = -1;
	else if (b->source ? read_file(b->source, &y) < 0 : (buf_add(&y, b->data, b->size), 0))
		same = -1;
	else
		same = x.len == y.len && !memcmp(x.data, y.data, x.len);
	buf_release(&x);
	buf_release(&y);
	return same;
}

int rootfs_diff(const struct manifest *base, const struct manifest *m, struct manifest *out)
{
	out->mtime = m->mtime;
	for (size_t i = 0; i < m->n; i++) {
		const struct mf_entry *e = &m->v[i], *b = manifest_find(base, e->path);
		int r = 0;
		if (b && b->type == e->type && b->mode == e->mode && b->uid == e->uid &&
		    b->gid == e->gid && b->major == e->major && b->minor == e->minor &&
		    (e->type != MF_SYMLINK || !strcmp(b->target, e->target))) {
			if (e->type != MF_FILE)
				continue;
			r = same_contents(b, e);
			if (r < 0)
				return -1;
			if (r)
				continue;
		}
		/* Parents as in m, shortest first: the kernel sets a directory's mode each time an
		 * archive names it, so a made-up 0755 would change /root or /tmp. */
		for (const char *s = strchr(e->path + 1, '/'); s && !r; s = strchr(s + 1, '/')) {
			char *parent = xstrndup(e->path, (size_t)(s - e->path));
			const struct mf_entry *pe = manifest_find(m, parent);
			if (!manifest_find(out, parent))
				r = manifest_add_dir(out, parent, pe ? pe->mode : 0755);
			free(parent);
		}
		if (r < 0)
			return -1;
		switch (e->type) {
		case MF_DIR:
			r = manifest_add_dir(out, e->path, e->mode);
			break;
		case MF_FILE:
			r = e->source ? manifest_add_file(out, e->path, e->mode, e->source)
				      : manifest_add_data(out, e->path, e->mode, e->data, e->size);
			break;
		case MF_SYMLINK:
			r = manifest_add_symlink(out, e->path, e->target);
			break;
		default:
			r = manifest_add_node(out, e->path, e->type, e->mode, e->major, e->minor);
			break;
		}
		if (r < 0)
			return -1;
	}
	manifest_sort(out);
	return 0;
}

/* With a root password ([system] root_password_*), /etc/shadow holds its hash for root,
 * after any other users' lines of a shadow file the skeleton or an overlay brought. */
static int add_shadow(const struct plan *plan, struct manifest *m)
{
	const struct mf_entry *old = manifest_find(m, "/etc/shadow");
	struct buf was, text;
	char *hash;
	int ret = password_root_hash(plan, &hash);
	if (ret < 0 || !hash)
		return ret;
	buf_init(&was);
	buf_init(&text);
	if (old && old->type == MF_FILE && old->source)
		ret = read_file(old->source, &was);
	else if (old && old->type == MF_FILE && old->data)
		buf_add(&was, old->data, old->size);
	if (!ret) {
		password_shadow(hash, plan->epoch, was.data, &text);
		ret = manifest_add_data(m, "/etc/shadow", 0600, text.data, text.len);
	}
	buf_release(&was);
	buf_release(&text);
	free(hash);
	return ret;
}

/* Files only root may read, whatever mode a skeleton's copy got (rootfs_add_tree gives
 * every file 0644 or 0755): password hashes. */
static void private_files(struct manifest *m)
{
	static const char *const paths[] = {"/etc/shadow", "/etc/gshadow"};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		struct mf_entry *e = manifest_find(m, paths[i]);
		if (e && e->type == MF_FILE)
			e->mode &= 0600;
	}
}

int rootfs_build(const struct plan *plan, const struct rootfs_in *in, struct manifest *m)
{
	char *hostname, *network;
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
	/* [network] address, for /etc/rc.d/rc.net (config.c checked that it is dhcp, off or
	 * IP/PREFIX,GATEWAY,DNS, so it needs no quoting) */
	network = xasprintf("# [network] address of mkdistro.conf; mkdistro.net= on the kernel "
			    "command line wins\nNET=%s\n", plan->net_address);
	ret = manifest_add_data(m, "/etc/network.conf", 0644, network, strlen(network));
	free(network);
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
	/* the packages before a variant's overlays, which can replace their files */
	if (in->packages && pkgtree_add(plan, in->packages, in->variant, m, in->pkg_bytes) < 0)
		return -1;
	if (in->variant && add_variant(plan, in->variant, m) < 0)
		return -1;
	if (add_shadow(plan, m) < 0)
		return -1;
	private_files(m);
	if (add_libraries(plan, m, in) < 0)
		return -1;
	manifest_sort(m);
	return 0;
}
