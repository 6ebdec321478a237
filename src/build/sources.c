/* sources.c: fetch, check and unpack the kernel and BusyBox sources (see sources.h).
 * References: apt-get(8) (download, source), dpkg-deb(1) (--fsys-tarfile, -f), dpkg-source(1)
 * (-x), the Debian source control file (.dsc, Debian Policy 5.4).
 */
#include "build/sources.h"

#include <ctype.h>
#include <dirent.h>
#include <glob.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build/apt.h"
#include "build/dpkg.h"
#include "build/lockfile.h"
#include "build/memo.h"
#include "formats/deb822.h"
#include "formats/unpack.h"
#include "sys/alloc.h"
#include "sys/buf.h"
#include "sys/fs.h"
#include "sys/hash.h"
#include "sys/log.h"
#include "sys/spawn.h"

void source_release(struct source *s)
{
	free(s->id);
	free(s->tree);
	s->id = s->tree = NULL;
}

/* Run argv in cwd with output to log; returns 0 or -1 (reported, naming the log). */
static int run(const char *const *argv, const char *cwd, const char *log)
{
	struct child c = CHILD_INIT;
	c.argv = argv;
	c.cwd = cwd;
	c.log = log;
	return spawn_run_logged(&c, NULL);
}

/* The pinned version of pkg could not be fetched: say how to move on. */
static void pinned_gone(const char *pkg, const char *pinned)
{
	error("%s %s is pinned in %s; if the archive no longer has it, 'mkdistro lock --update' "
	      "pins the version it has",
	      pkg, pinned, LOCKFILE_NAME);
}

/* Run argv and return its trimmed standard output (malloc'd), or NULL when it fails. */
static char *capture(const char *const *argv, const char *tmpdir)
{
	struct child c = CHILD_INIT;
	struct buf b;
	char *out = path_join(tmpdir, "capture.out");
	char *err = path_join(tmpdir, "capture.err");
	char *ret = NULL;
	c.argv = argv;
	c.out = out;
	c.log = err;
	unlink(err);
	if (spawn_run(&c) == 0) {
		buf_init(&b);
		if (read_file(out, &b) == 0) {
			while (b.len && isspace((unsigned char)b.data[b.len - 1]))
				b.data[--b.len] = '\0';
			ret = buf_detach(&b, NULL);
		}
		buf_release(&b);
	}
	unlink(out);
	unlink(err);
	free(out);
	free(err);
	return ret;
}

/* The one directory inside dir (a source archive's top directory). */
static char *single_subdir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char *found = NULL;
	int n = 0;
	if (!d) {
		error_errno("cannot read '%s'", dir);
		return NULL;
	}
	while ((de = readdir(d))) {
		char *p;
		if (de->d_name[0] == '.')
			continue;
		p = path_join(dir, de->d_name);
		if (is_dir(p) && n++ == 0)
			found = p;
		else
			free(p);
	}
	closedir(d);
	if (n != 1) {
		error("expected one top directory in '%s', found %d", dir, n);
		free(found);
		return NULL;
	}
	return found;
}

/* Replace every character that is not safe in a file name. */
static char *slug(const char *s)
{
	char *r = xstrdup(s);
	for (char *p = r; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '.' && *p != '-' && *p != '_')
			*p = '_';
	return r;
}

/* The source tree made in tmp becomes the cache entry dir, with what it was made from
 * recorded as id. */
static int seal_entry(const char *tmp, const char *dir, const char *id)
{
	char *idfile = path_join(tmp, ".mkdistro-id");
	int ret = write_file_atomic(idfile, id, strlen(id), 0644);
	if (!ret && rename(tmp, dir) < 0)
		ret = error_errno("cannot rename '%s' to '%s'", tmp, dir);
	free(idfile);
	return ret;
}

/* Unpack archive as cache entry dir (atomically: dir.tmp, then rename) and record id. */
static int unpack_entry(const char *archive, const char *dir, const char *id)
{
	char *tmp = xasprintf("%s.tmp", dir);
	int ret = remove_tree(tmp) < 0 || mkdir_p(tmp, 0755) < 0 || unpack_archive(archive, tmp) < 0 ||
			  seal_entry(tmp, dir, id) < 0
		  ? -1
		  : 0;
	if (ret)
		remove_tree(tmp);
	free(tmp);
	return ret;
}

/* A complete cache entry: its id (malloc'd) or NULL. */
static char *entry_id(const char *dir)
{
	char *idfile = path_join(dir, ".mkdistro-id");
	struct buf b;
	char *id = NULL;
	if (file_exists(idfile)) {
		buf_init(&b);
		if (read_file(idfile, &b) == 0)
			id = buf_detach(&b, NULL);
		buf_release(&b);
	}
	free(idfile);
	return id;
}

/* Same file, same identity: device, inode, size, modification and change times. */
/* The size and SHA-256 of the file at path, into p.  With use_memo, the sum is remembered
 * with the file's identity and read again only when that changed (memo_sha256): a build with
 * nothing changed must not read a 140 MB tarball to check it.  Returns 0 or -1 (reported). */
static int file_sum(const struct plan *plan, const char *path, int use_memo,
		    struct lockfile_pin *p)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return error_errno("cannot read '%s'", path);
	if (!S_ISREG(st.st_mode))
		return error("source '%s' is not a regular file", path);
	p->size = (uint64_t)st.st_size;
	return memo_sha256(use_memo ? plan->cache_dir : NULL, path, 1, p->sha256);
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* The files of a .deb, unpacked into xdir: dpkg-deb only streams its data tarball out, and
 * unpack_archive extracts that with its checks (dpkg-deb -x would write whatever the package
 * names). */
static int extract_deb(const char *deb, const char *xdir, const char *log)
{
	char *tar = xasprintf("%s.tar", xdir);
	const char *argv[] = {"dpkg-deb", "--fsys-tarfile", deb, NULL};
	struct child c = CHILD_INIT;
	int ret = -1;
	c.argv = argv;
	c.out = tar;
	c.log = log;
	if (remove_tree(xdir) < 0)
		goto out;
	if (spawn_run(&c) != 0) {
		error("dpkg-deb --fsys-tarfile '%s' failed; see %s", deb, log);
		goto out;
	}
	ret = unpack_archive(tar, xdir);
out:
	unlink(tar);
	free(tar);
	return ret;
}

/* The .deb of pkg in dl (at the pinned version, if any), fetched with apt-get download when
 * missing; malloc'd, or NULL (reported). */
static char *fetch_deb(const char *pkg, const char *pinned, const char *dl, const char *log)
{
	/* apt-get download names the file PKG_VERSION_ARCH.deb, an epoch's ':' as "%3a" */
	struct buf v;
	char *pattern, *spec = pinned ? xasprintf("%s=%s", pkg, pinned) : xstrdup(pkg), *deb = NULL;
	const char *download[] = {"download", spec, NULL};
	glob_t g;
	buf_init(&v);
	for (const char *p = pinned ? pinned : "*"; *p; p++)
		if (*p == ':')
			buf_adds(&v, "%3a");
		else
			buf_add(&v, p, 1);
	pattern = xasprintf("%s/%s_%s_*.deb", dl, pkg, v.data);
	if (glob(pattern, 0, NULL, &g) == 0) {
		deb = xstrdup(g.gl_pathv[g.gl_pathc - 1]);
		globfree(&g);
		goto out;
	}
	info("  fetching %s with apt-get download", spec);
	/* a binary package: the system's own configuration has its deb lines */
	if (apt_get(NULL, download, dl, log) < 0) {
		if (pinned)
			pinned_gone(pkg, pinned);
		goto out;
	}
	if (glob(pattern, 0, NULL, &g) != 0 || g.gl_pathc == 0) {
		error("apt-get download %s left no .deb in '%s'", spec, dl);
		goto out;
	}
	deb = xstrdup(g.gl_pathv[g.gl_pathc - 1]);
	globfree(&g);
out:
	buf_release(&v);
	free(pattern);
	free(spec);
	return deb;
}

/* The kernel source tarball of debian:linux-source-X, as the lock pins it: the installed
 * /usr/src/PACKAGE.tar.xz, or the same bytes in a .deb fetched with apt-get download. */
struct kernel_tarball {
	char *path;    /* the tarball; in a .deb, where it is (or would be) taken out to */
	char *name;    /* its name, PACKAGE.tar.xz */
	char *version; /* the package's */
	char *deb;     /* the .deb, or NULL when the package is installed */
	char *xdir;    /* where the .deb's files are taken out, removed with the struct */
	char *shown;   /* the tarball, as messages name it */
	char *restore; /* how to get the pinned one back */
	struct lockfile_pin actual;
};

static void kernel_tarball_init(struct kernel_tarball *t, const char *pkg)
{
	memset(t, 0, sizeof(*t));
	t->path = xasprintf("/usr/src/%s.tar.xz", pkg);
	t->name = xasprintf("%s.tar.xz", pkg);
	t->actual.role = "kernel";
	t->actual.file = t->name;
}

static void kernel_tarball_release(struct kernel_tarball *t)
{
	if (t->xdir)
		remove_tree(t->xdir);
	free(t->path);
	free(t->name);
	free(t->version);
	free(t->deb);
	free(t->xdir);
	free(t->shown);
	free(t->restore);
}

/* The installed package's tarball, when it is installed: 1, 0 (not installed) or -1. */
static int installed_tarball(const struct plan *plan, const char *pkg, struct lockfile *lock,
			     struct kernel_tarball *t)
{
	const char *pinned = lockfile_version(lock, "kernel");
	if (!(t->version = dpkg_installed(plan, pkg, t->path)))
		return 0;
	t->shown = xstrdup(t->path);
	t->restore = xasprintf("apt-get install --reinstall %s=%s", pkg, pinned ? pinned : t->version);
	return file_sum(plan, t->path, 1, &t->actual) < 0 ? -1 : 1;
}

/* Not installed: the tarball in the .deb, fetched into dl (apt checks it against the signed
 * index).  Its sum is remembered with the .deb's identity, so that it is taken out of the
 * .deb again only when that changed.  Returns 0 or -1 (reported). */
static int deb_tarball(const struct plan *plan, const char *pkg, struct lockfile *lock,
		       const char *dl, const char *log, struct kernel_tarball *t)
{
	const char *field[] = {"dpkg-deb", "-f", NULL, "Version", NULL};
	const char *deps[2] = {NULL, NULL};
	char *key = xasprintf("deb member sha256 1 %s", t->name), *known = NULL;
	int ret = -1;

	if (!(t->deb = fetch_deb(pkg, lockfile_version(lock, "kernel"), dl, log)))
		goto out;
	field[2] = deps[0] = t->deb;
	if (!(t->version = capture(field, dl))) {
		error("'%s' is not a readable Debian package", t->deb);
		goto out;
	}
	t->shown = xasprintf("%s (usr/src/%s in it)", t->deb, t->name);
	t->restore = xasprintf("remove '%s' to download it again", t->deb);
	t->xdir = xasprintf("%s/%s-x", dl, pkg);
	free(t->path);
	t->path = xasprintf("%s/usr/src/%s", t->xdir, t->name);
	known = memo_get(plan->cache_dir, key, deps);
	if (!known || sscanf(known, "%" SCNu64 " %64s", &t->actual.size, t->actual.sha256) != 2 ||
	    strlen(t->actual.sha256) != 64) {
		if (extract_deb(t->deb, t->xdir, log) < 0 || file_sum(plan, t->path, 0, &t->actual) < 0)
			goto out;
		free(known);
		known = xasprintf("%" PRIu64 " %s", t->actual.size, t->actual.sha256);
		memo_put(plan->cache_dir, key, deps, known);
	}
	ret = 0;
out:
	free(key);
	free(known);
	return ret;
}

/* Unpack the tarball checked into the cache entry dir as id: a .deb's is taken out again
 * when its sum came from the memo, and checked again; an installed one is checked against
 * dpkg's md5sums. */
static int unpack_kernel(const struct plan *plan, const char *pkg, const struct kernel_tarball *t,
			 const char *dir, const char *id, const char *log)
{
	if (t->deb) {
		struct lockfile_pin again = t->actual;
		if (!file_exists(t->path) &&
		    (extract_deb(t->deb, t->xdir, log) < 0 || file_sum(plan, t->path, 0, &again) < 0))
			return -1;
		if (strcmp(again.sha256, t->actual.sha256))
			return error("'%s' no longer holds the tarball checked (SHA-256 %s, now %s); %s",
				     t->shown, t->actual.sha256, again.sha256, t->restore);
	} else if (dpkg_check_md5(pkg, t->path) < 0) {
		return -1;
	}
	info("  unpacking %s", t->path);
	return unpack_entry(t->path, dir, id);
}

/* debian:linux-source-X: the installed tarball, or one fetched with apt-get download.  The
 * tarball (the same bytes either way) is what the lock pins. */
static int kernel_from_debian(const struct plan *plan, const char *pkg, struct lockfile *lock,
			      const char *log, struct source *out)
{
	char *srcdir = path_join(plan->cache_dir, "src");
	char *dl = path_join(plan->cache_dir, "download");
	char *dir = NULL, *s = NULL;
	struct kernel_tarball t;
	int ret = -1, found;

	kernel_tarball_init(&t, pkg);
	if (mkdir_p(srcdir, 0755) < 0 || mkdir_p(dl, 0755) < 0)
		goto out;
	if ((found = installed_tarball(plan, pkg, lock, &t)) < 0 ||
	    (!found && deb_tarball(plan, pkg, lock, dl, log, &t) < 0))
		goto out;
	t.actual.version = t.version;
	if (lockfile_check(lock, &t.actual, t.shown, NULL, t.restore) < 0)
		goto out;
	out->id = xasprintf("%s %s", pkg, t.version);
	s = slug(out->id);
	dir = path_join(srcdir, s);
	if (!is_dir(dir) && unpack_kernel(plan, pkg, &t, dir, out->id, log) < 0)
		goto out;
	out->tree = single_subdir(dir);
	ret = out->tree ? 0 : -1;
out:
	kernel_tarball_release(&t);
	free(srcdir);
	free(dl);
	free(dir);
	free(s);
	return ret;
}

/* Name order, whatever the locale (alphasort follows LC_COLLATE): the first mismatch
 * reported is the same everywhere. */
static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* Check each file of a Debian source package in dir (the .dsc and the tarballs it lists; the
 * unpacked tree and dot files are not the package's) against the lock, and that none the lock
 * pins is missing. */
static int check_package_files(const struct plan *plan, struct lockfile *lock, const char *dir,
			       const char *version, int use_memo, const char *restore)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, by_name), ret = 0;
	if (n < 0)
		return error_errno("cannot read '%s'", dir);
	for (int i = 0; i < n; i++) {
		char *path = path_join(dir, names[i]->d_name);
		struct lockfile_pin actual = {.role = "busybox", .file = names[i]->d_name,
					      .version = (char *)version};
		struct stat st;
		if (!ret && names[i]->d_name[0] != '.' && lstat(path, &st) == 0 && S_ISREG(st.st_mode))
			ret = file_sum(plan, path, use_memo, &actual) < 0 ||
					      lockfile_check(lock, &actual, path, NULL, restore) < 0
				      ? -1
				      : 0;
		free(path);
	}
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (!ret)
		ret = lockfile_check_all_found(lock, "busybox", dir, restore);
	return ret;
}

char *sources_dsc(const char *dir)
{
	char *pattern = path_join(dir, "*.dsc"), *dsc = NULL;
	glob_t g;
	if (glob(pattern, 0, NULL, &g) == 0) {
		if (g.gl_pathc == 1)
			dsc = xstrdup(g.gl_pathv[0]);
		globfree(&g);
	}
	free(pattern);
	return dsc;
}

/* The Version field of the one .dsc in dir (with its epoch, which the file's name leaves
 * out, and which apt-get source PKG=VERSION needs), malloc'd; "-" when there is none. */
static char *dsc_version(const char *dir)
{
	char *dsc = sources_dsc(dir), *version = NULL;
	struct buf b;
	buf_init(&b);
	if (dsc && read_file(dsc, &b) == 0) {
		struct deb822 d;
		deb822_parse(&d, b.data);
		version = deb822_first(&d, "Version");
		deb822_release(&d);
	}
	buf_release(&b);
	free(dsc);
	if (version)
		version[strcspn(version, " \t")] = '\0';
	if (!version || !*version) {
		free(version);
		version = xstrdup("-");
	}
	return version;
}

/* Download the source package spec (PACKAGE or PACKAGE=VERSION) into tmp with apt-get
 * source, through the private apt configuration.  Returns 0 or -1 (reported). */
static int download_source(const struct plan *plan, const char *pkg, const char *spec,
			   const char *pinned, const char *tmp, const char *log)
{
	const char *source[] = {"source", "--download-only", spec, NULL};
	struct apt apt;
	int n, ret = -1;

	apt_init(&apt, plan->cache_dir);
	info("  fetching %s with apt-get source (private apt configuration in %s)", spec, apt.dir);
	if ((n = apt_configure(&apt, "/etc/apt")) < 0)
		goto out;
	if (n == 0) {
		error("no Debian archive ('deb' entry) in /etc/apt/sources.list or sources.list.d: "
		      "cannot fetch %s; set [busybox] source to a tarball and sha256",
		      pkg);
		goto out;
	}
	if (remove_tree(tmp) < 0 || mkdir_p(tmp, 0755) < 0)
		goto out;
	/* apt-get source says whether the package can be had */
	if (apt_update(&apt, log) != 0)
		warning("apt-get update reported errors (see %s); trying apt-get source anyway", log);
	if (apt_get(&apt, source, tmp, log) < 0) {
		if (pinned)
			pinned_gone(pkg, pinned);
		goto out;
	}
	ret = 0;
out:
	apt_release(&apt);
	return ret;
}

/* No member of the package's tarballs in dir would land outside the tree (unpack.h):
 * dpkg-source's tar is not trusted with that.  Returns 0 or -1 (reported). */
static int check_tarballs(const char *dir)
{
	char *pattern = path_join(dir, "*.tar*");
	glob_t g;
	int ret = 0, rc = glob(pattern, 0, NULL, &g);
	free(pattern);
	for (size_t i = 0; rc == 0 && i < g.gl_pathc && ret == 0; i++) {
		size_t len = strlen(g.gl_pathv[i]);
		if (len > 4 && (!strcmp(g.gl_pathv[i] + len - 4, ".asc") ||
				!strcmp(g.gl_pathv[i] + len - 4, ".sig")))
			continue; /* an upstream signature */
		ret = unpack_check(g.gl_pathv[i]);
	}
	if (rc == 0)
		globfree(&g);
	return ret;
}

/* Extract the source package of dsc in tmp (dpkg-source applies Debian's patches), and make
 * tmp the cache entry dir, as id.  Returns 0 or -1 (reported). */
static int extract_source(const char *tmp, const char *dsc, const char *dir, const char *id,
			  const char *log)
{
	const char *extract[] = {"dpkg-source", "-x", base_name(dsc), NULL};
	return run(extract, tmp, log) < 0 ? -1 : seal_entry(tmp, dir, id);
}

/* Fetch debian:PACKAGE into the cache entry dir (made in tmp first), as out->id: downloaded
 * only, its files checked against the lock and its tarballs' members before anything is
 * extracted.  Returns 0 or -1 (reported). */
static int fetch_source(const struct plan *plan, const char *pkg, struct lockfile *lock,
			const char *dir, const char *tmp, const char *log, struct source *out)
{
	const char *pinned = lockfile_version(lock, "busybox");
	char *spec = pinned ? xasprintf("%s=%s", pkg, pinned) : xstrdup(pkg);
	char *dsc = NULL, *version = NULL;
	const char *restore = "apt-get source fetched it just now: check the Debian mirror or proxy "
			      "that /etc/apt names";
	int ret = -1;

	if (download_source(plan, pkg, spec, pinned, tmp, log) < 0)
		goto out;
	if (!(dsc = sources_dsc(tmp))) {
		error("apt-get source %s did not leave one .dsc file in '%s'", spec, tmp);
		goto out;
	}
	out->id = xstrndup(base_name(dsc), strlen(base_name(dsc)) - 4);
	version = dsc_version(tmp);
	if (check_package_files(plan, lock, tmp, version, 0, restore) < 0 || check_tarballs(tmp) < 0 ||
	    extract_source(tmp, dsc, dir, out->id, log) < 0)
		goto out;
	ret = 0;
out:
	free(spec);
	free(dsc);
	free(version);
	return ret;
}

/* debian:PACKAGE with apt-get source, through a private apt configuration (apt.h), fetched
 * once: a cache entry already there has its files checked against the lock again. */
static int busybox_from_debian(const struct plan *plan, const char *pkg, struct lockfile *lock,
			       const char *log, struct source *out)
{
	char *s = slug(pkg), *name = xasprintf("src/debian-%s", s);
	char *dir = path_join(plan->cache_dir, name), *tmp = xasprintf("%s.tmp", dir);
	int ret = -1;

	if ((out->id = entry_id(dir))) {
		char *version = dsc_version(dir);
		char *restore = xasprintf("remove '%s' to fetch %s again", dir, pkg);
		ret = check_package_files(plan, lock, dir, version, 1, restore);
		free(version);
		free(restore);
	} else {
		ret = fetch_source(plan, pkg, lock, dir, tmp, log, out);
	}
	if (ret == 0) {
		out->tree = single_subdir(dir);
		ret = out->tree ? 0 : -1;
	}
	if (ret)
		remove_tree(tmp);
	free(s);
	free(name);
	free(dir);
	free(tmp);
	return ret;
}

/* A tarball pinned by its SHA-256, in mkdistro.conf and in the lock. */
static int from_tarball(const struct plan *plan, const char *role, const char *path,
			const char *sha, struct lockfile *lock, struct source *out)
{
	struct lockfile_pin actual = {.role = (char *)role, .file = (char *)base_name(path),
				      .version = "-"};
	char *name, *dir;
	int ret = -1;
	if (!file_exists(path)) {
		if (lock->exists && lockfile_find(lock, role, actual.file))
			return lockfile_missing(lock, role, actual.file, path, NULL);
		return error("source tarball '%s' does not exist", path);
	}
	if (file_sum(plan, path, 1, &actual) < 0)
		return -1;
	/* the lock first: it can tell a tampered file from a truncated one */
	if (lockfile_check(lock, &actual, path, sha, NULL) < 0)
		return -1;
	if (strcasecmp(actual.sha256, sha))
		return error("source tarball '%s' has SHA-256 %s, but mkdistro.conf pins %s: refusing "
			     "it",
			     path, actual.sha256, sha);
	out->id = xasprintf("sha256:%s", actual.sha256);
	name = xasprintf("src/tarball-%.16s", actual.sha256);
	dir = path_join(plan->cache_dir, name);
	if (!is_dir(dir)) {
		info("  unpacking %s", path);
		if (unpack_entry(path, dir, out->id) < 0)
			goto out;
	}
	out->tree = single_subdir(dir);
	ret = out->tree ? 0 : -1;
out:
	free(name);
	free(dir);
	return ret;
}

int sources_get(const struct plan *plan, const char *what, struct lockfile *lock, const char *log,
		struct source *out)
{
	int kernel = !strcmp(what, "kernel"), ret;
	const char *src = kernel ? plan->kernel_source : plan->busybox_source;
	const char *sha = kernel ? plan->kernel_sha256 : plan->busybox_sha256;
	struct lockfile none = {0};
	memset(out, 0, sizeof(*out));
	if (!lock)
		lock = &none;
	if (!strncmp(src, "debian:", 7))
		ret = kernel ? kernel_from_debian(plan, src + 7, lock, log, out)
			     : busybox_from_debian(plan, src + 7, lock, log, out);
	else
		ret = from_tarball(plan, what, src, sha, lock, out);
	lockfile_release(&none);
	return ret;
}
