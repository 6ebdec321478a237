/* sources.c: fetch, check and unpack the kernel and BusyBox sources (see sources.h).
 * References: apt-get(8) (download, source, -o Dir::*), sources.list(5) one-line and deb822
 * formats, dpkg-deb(1), dpkg-query(1).
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

/* Unpack archive as cache entry dir (atomically: dir.tmp, then rename) and record id. */
static int unpack_entry(const char *archive, const char *dir, const char *id)
{
	char *tmp = xasprintf("%s.tmp", dir);
	char *idfile = path_join(tmp, ".mkdistro-id");
	int ret = -1;
	if (remove_tree(tmp) < 0 || mkdir_p(tmp, 0755) < 0)
		goto out;
	if (unpack_archive(archive, tmp) < 0)
		goto out;
	if (write_file_atomic(idfile, id, strlen(id), 0644) < 0)
		goto out;
	if (rename(tmp, dir) < 0) {
		error_errno("cannot rename '%s' to '%s'", tmp, dir);
		goto out;
	}
	ret = 0;
out:
	if (ret)
		remove_tree(tmp);
	free(tmp);
	free(idfile);
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
static int same_identity(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	       a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* The size and SHA-256 of the file at path, into p.  With use_memo, the sum is remembered
 * (memo.h) with the file's identity and read again only when that changed: a build with
 * nothing changed must not read a 140 MB tarball to check it.  Returns 0 or -1 (reported). */
static int file_sum(const struct plan *plan, const char *path, int use_memo,
		    struct lockfile_pin *p)
{
	const char *deps[] = {path, NULL};
	char *key = xasprintf("sha256 1 %s", path), *known = NULL;
	struct stat before, after;
	int ret = -1;

	if (stat(path, &before) < 0) {
		error_errno("cannot read '%s'", path);
		goto out;
	}
	if (!S_ISREG(before.st_mode)) {
		error("source '%s' is not a regular file", path);
		goto out;
	}
	p->size = (uint64_t)before.st_size;
	if (use_memo && (known = memo_get(plan, key, deps)) && strlen(known) == 64) {
		memcpy(p->sha256, known, 65);
		ret = 0;
		goto out;
	}
	info("  hashing %s", path);
	if (sha256_file(path, p->sha256) < 0)
		goto out;
	/* A sum remembered for the identity after a change would vouch for the new bytes. */
	if (stat(path, &after) < 0 || !same_identity(&before, &after)) {
		error("'%s' changed while it was being hashed", path);
		goto out;
	}
	if (use_memo)
		memo_put(plan, key, deps, p->sha256);
	ret = 0;
out:
	free(key);
	free(known);
	return ret;
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
	const char *download[] = {"apt-get", "download", spec, NULL};
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
	if (run(download, dl, log) < 0) {
		if (pinned)
			error("%s %s is pinned in %s; if the archive no longer has it, 'mkdistro lock "
			      "--update' pins the version it has",
			      pkg, pinned, LOCKFILE_NAME);
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

/* debian:linux-source-X: the installed tarball, or one fetched with apt-get download.  The
 * tarball (the same bytes either way) is what the lock pins. */
static int kernel_from_debian(const struct plan *plan, const char *pkg, struct lockfile *lock,
			      const char *log, struct source *out)
{
	char *srcdir = path_join(plan->cache_dir, "src");
	char *dl = path_join(plan->cache_dir, "download");
	char *tarball = xasprintf("/usr/src/%s.tar.xz", pkg);
	char *name = xasprintf("%s.tar.xz", pkg);
	char *version = NULL, *dir = NULL, *deb = NULL, *xdir = NULL, *s = NULL;
	char *shown = NULL, *restore = NULL, *inner_key = NULL, *inner = NULL;
	struct lockfile_pin actual = {.role = "kernel", .file = name};
	int ret = -1, installed;

	if (mkdir_p(srcdir, 0755) < 0 || mkdir_p(dl, 0755) < 0)
		goto out;
	version = dpkg_installed(plan, pkg, tarball);
	installed = version != NULL;
	if (installed) {
		shown = xstrdup(tarball);
		restore = xasprintf("apt-get install --reinstall %s=%s", pkg,
				    lockfile_version(lock, "kernel") ? lockfile_version(lock, "kernel")
								     : version);
		if (file_sum(plan, tarball, 1, &actual) < 0)
			goto out;
	} else {
		/* Not installed: fetch the .deb (apt checks it against the signed index). */
		const char *inner_deps[2] = {NULL, NULL};
		if (!(deb = fetch_deb(pkg, lockfile_version(lock, "kernel"), dl, log)))
			goto out;
		const char *field[] = {"dpkg-deb", "-f", deb, "Version", NULL};
		version = capture(field, dl);
		if (!version) {
			error("'%s' is not a readable Debian package", deb);
			goto out;
		}
		shown = xasprintf("%s (usr/src/%s in it)", deb, name);
		restore = xasprintf("remove '%s' to download it again", deb);
		xdir = xasprintf("%s/%s-x", dl, pkg);
		/* The tarball's sum is remembered with the .deb's identity, so that it is taken
		 * out of the .deb again only when that changed. */
		inner_key = xasprintf("deb member sha256 1 %s", name);
		inner_deps[0] = deb;
		inner = memo_get(plan, inner_key, inner_deps);
		if (!inner || sscanf(inner, "%" SCNu64 " %64s", &actual.size, actual.sha256) != 2 ||
		    strlen(actual.sha256) != 64) {
			char *t = xasprintf("%s/usr/src/%s", xdir, name);
			int r = extract_deb(deb, xdir, log) < 0 || file_sum(plan, t, 0, &actual) < 0;
			free(t);
			if (r)
				goto out;
			free(inner);
			inner = xasprintf("%" PRIu64 " %s", actual.size, actual.sha256);
			memo_put(plan, inner_key, inner_deps, inner);
		}
		free(tarball);
		tarball = xasprintf("%s/usr/src/%s", xdir, name);
	}
	actual.version = version;
	if (lockfile_check(lock, &actual, shown, NULL, restore) < 0)
		goto out;
	out->id = xasprintf("%s %s", pkg, version);
	s = slug(out->id);
	dir = path_join(srcdir, s);
	if (!is_dir(dir)) {
		if (!installed) {
			/* taken out again when the sum came from the memo, and checked again */
			struct lockfile_pin again = actual;
			if (!file_exists(tarball) &&
			    (extract_deb(deb, xdir, log) < 0 || file_sum(plan, tarball, 0, &again) < 0))
				goto out;
			if (strcmp(again.sha256, actual.sha256)) {
				error("'%s' no longer holds the tarball checked (SHA-256 %s, now %s); "
				      "%s",
				      shown, actual.sha256, again.sha256, restore);
				goto out;
			}
		} else if (dpkg_check_md5(pkg, tarball) < 0) {
			goto out;
		}
		info("  unpacking %s", tarball);
		if (unpack_entry(tarball, dir, out->id) < 0)
			goto out;
	}
	out->tree = single_subdir(dir);
	ret = out->tree ? 0 : -1;
out:
	if (xdir)
		remove_tree(xdir);
	free(srcdir);
	free(dl);
	free(tarball);
	free(name);
	free(version);
	free(dir);
	free(deb);
	free(xdir);
	free(s);
	free(shown);
	free(restore);
	free(inner_key);
	free(inner);
	return ret;
}

/* A repository apt can fetch source indexes from over the network: not a CD, not a local
 * directory (which rarely has a Sources index, and would fail the whole update). */
static int remote_uri(const char *uri)
{
	return strncmp(uri, "cdrom:", 6) && strncmp(uri, "file:", 5) && strncmp(uri, "copy:", 5);
}

/* Read an apt sources file; a missing one is nothing, an unreadable one a warning. */
static int read_sources_file(const char *path, struct buf *b)
{
	if (!file_exists(path))
		return -1;
	if (access(path, R_OK) < 0) {
		warning("cannot read '%s'; its repositories are left out", path);
		return -1;
	}
	return read_file(path, b);
}

int sources_debsrc_of_list(const char *text, struct buf *out)
{
	char *copy = xstrdup(text), *save = NULL;
	int n = 0;
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		const char *uri;
		while (*line == ' ' || *line == '\t')
			line++;
		if (strncmp(line, "deb ", 4) && strncmp(line, "deb\t", 4))
			continue;
		uri = line + 4;
		uri += strspn(uri, " \t");
		if (*uri == '[' && strchr(uri, ']'))
			uri = strchr(uri, ']') + 1 + strspn(strchr(uri, ']') + 1, " \t");
		if (!remote_uri(uri))
			continue;
		buf_addf(out, "deb-src %s\n", line + 4);
		n++;
	}
	free(copy);
	return n;
}

static int is_deb(const char *type)
{
	return !strcmp(type, "deb");
}

/* How many of the words of list (white space between them) test holds for; *n: how many
 * words there are. */
static size_t count_words(const char *list, int (*test)(const char *), size_t *n)
{
	char *copy = xstrdup(list), *save = NULL;
	size_t yes = 0;
	*n = 0;
	for (char *w = strtok_r(copy, " \t\n", &save); w; w = strtok_r(NULL, " \t\n", &save), (*n)++)
		yes += test(w) != 0;
	free(copy);
	return yes;
}

/* Append a deb-src copy of one deb822 paragraph, if it is an enabled, remote "deb" one:
 * every field as it is written (an inline Signed-By key included), but Types: deb-src. */
static int debsrc_paragraph(const struct deb822_para *para, struct buf *out)
{
	const char *types = deb822_get(para, "Types");
	const char *uris = deb822_get(para, "URIs");
	const char *enabled = deb822_get(para, "Enabled");
	size_t n;
	if (!types || !count_words(types, is_deb, &n) || !uris ||
	    count_words(uris, remote_uri, &n) != n || (enabled && !strcasecmp(enabled, "no")))
		return 0;
	for (size_t i = 0; i < para->n; i++)
		buf_adds(out, strcasecmp(para->f[i].name, "Types") ? para->f[i].raw : "Types: deb-src\n");
	buf_adds(out, "\n");
	return 1;
}

int sources_debsrc_of_deb822(const char *text, struct buf *out)
{
	struct deb822 d;
	int n = 0;
	deb822_parse(&d, text);
	for (size_t i = 0; i < d.n; i++)
		n += debsrc_paragraph(&d.v[i], out);
	deb822_release(&d);
	return n;
}

/* Read the apt sources file path (see read_sources_file) and append what parse makes of it. */
static int debsrc_from_file(const char *path, int (*parse)(const char *, struct buf *),
			    struct buf *out)
{
	struct buf b;
	int n = 0;
	buf_init(&b);
	if (read_sources_file(path, &b) == 0)
		n = parse(b.data, out);
	buf_release(&b);
	return n;
}

int sources_debsrc_lines(const char *etc, struct buf *list, struct buf *deb822)
{
	char *file = path_join(etc, "sources.list");
	char *pattern;
	glob_t g;
	int n = debsrc_from_file(file, sources_debsrc_of_list, list);
	free(file);
	pattern = path_join(etc, "sources.list.d/*.list");
	if (glob(pattern, 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++)
			n += debsrc_from_file(g.gl_pathv[i], sources_debsrc_of_list, list);
		globfree(&g);
	}
	free(pattern);
	pattern = path_join(etc, "sources.list.d/*.sources");
	if (glob(pattern, 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++)
			n += debsrc_from_file(g.gl_pathv[i], sources_debsrc_of_deb822, deb822);
		globfree(&g);
	}
	free(pattern);
	return n;
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

/* The Version field of the one .dsc in dir (with its epoch, which the file's name leaves
 * out, and which apt-get source PKG=VERSION needs), malloc'd; "-" when there is none. */
static char *dsc_version(const char *dir)
{
	char *pattern = path_join(dir, "*.dsc"), *version = NULL;
	struct buf b;
	glob_t g;
	buf_init(&b);
	if (glob(pattern, 0, NULL, &g) == 0) {
		if (g.gl_pathc == 1 && read_file(g.gl_pathv[0], &b) == 0) {
			struct deb822 d;
			deb822_parse(&d, b.data);
			version = deb822_first(&d, "Version");
			deb822_release(&d);
		}
		globfree(&g);
	}
	buf_release(&b);
	free(pattern);
	if (version)
		version[strcspn(version, " \t")] = '\0';
	if (!version || !*version) {
		free(version);
		version = xstrdup("-");
	}
	return version;
}

/* debian:PACKAGE with apt-get source, through a private apt configuration.  The package is
 * downloaded only; its files are checked against the lock and its tarballs' members (unpack.h)
 * before dpkg-source extracts them and applies Debian's patches. */
static int busybox_from_debian(const struct plan *plan, const char *pkg, struct lockfile *lock,
			       const char *log, struct source *out)
{
	char *apt = path_join(plan->cache_dir, "apt");
	char *list = path_join(apt, "sources.list");
	char *lists = path_join(apt, "lists");
	char *partial = path_join(apt, "lists/partial");
	char *cache = path_join(apt, "cache");
	char *archives = path_join(apt, "cache/archives/partial");
	char *s = slug(pkg);
	char *name = xasprintf("src/debian-%s", s);
	char *dir = path_join(plan->cache_dir, name);
	char *tmp = xasprintf("%s.tmp", dir);
	char *parts = path_join(apt, "sources.list.d");
	char *deb822 = path_join(parts, "mkdistro.sources");
	char *o_list = xasprintf("Dir::Etc::SourceList=%s", list);
	char *o_parts = xasprintf("Dir::Etc::SourceParts=%s", parts);
	char *o_lists = xasprintf("Dir::State::Lists=%s", lists);
	char *o_cache = xasprintf("Dir::Cache=%s", cache);
	const char *pinned = lockfile_version(lock, "busybox");
	char *spec = pinned ? xasprintf("%s=%s", pkg, pinned) : xstrdup(pkg);
	char *restore = xasprintf("remove '%s' to fetch %s again", dir, pkg);
	char *idfile = NULL, *dsc = NULL, *version = NULL;
	struct buf b, b822;
	glob_t g;
	int ret = -1;

	buf_init(&b);
	buf_init(&b822);
	out->id = entry_id(dir);
	if (out->id) {
		version = dsc_version(dir);
		if (check_package_files(plan, lock, dir, version, 1, restore) < 0)
			goto out;
		goto found;
	}
	info("  fetching %s with apt-get source (private apt configuration in %s)", spec, apt);
	free(restore);
	restore = xstrdup("apt-get source fetched it just now: check the Debian mirror or proxy "
			  "that /etc/apt names");
	if (mkdir_p(partial, 0755) < 0 || mkdir_p(archives, 0755) < 0 || mkdir_p(parts, 0755) < 0)
		goto out;
	if (sources_debsrc_lines("/etc/apt", &b, &b822) == 0) {
		error("no Debian archive ('deb' entry) in /etc/apt/sources.list or sources.list.d: "
		      "cannot fetch %s; set [busybox] source to a tarball and sha256",
		      pkg);
		goto out;
	}
	if (write_file_atomic(list, b.data, b.len, 0644) < 0 ||
	    write_file_atomic(deb822, b822.data, b822.len, 0644) < 0)
		goto out;
	{
		const char *update[] = {"apt-get", "-o", o_list, "-o", o_parts, "-o", o_lists, "-o",
					o_cache, "-o", "Debug::NoLocking=1", "update", NULL};
		const char *source[] = {"apt-get", "-o", o_list, "-o", o_parts, "-o", o_lists, "-o",
					o_cache, "-o", "Debug::NoLocking=1", "source", "--download-only",
					spec, NULL};
		struct child c = CHILD_INIT;
		if (remove_tree(tmp) < 0 || mkdir_p(tmp, 0755) < 0)
			goto out;
		/* One repository without a Sources index fails the update but not the others;
		 * apt-get source says whether the package can be had. */
		c.argv = update;
		c.log = log;
		if (spawn_run(&c) != 0)
			warning("apt-get update reported errors (see %s); trying apt-get source anyway",
				log);
		if (run(source, tmp, log) < 0) {
			if (pinned)
				error("%s %s is pinned in %s; if the archive no longer has it, 'mkdistro "
				      "lock --update' pins the version it has",
				      pkg, pinned, LOCKFILE_NAME);
			goto out;
		}
	}
	{
		char *pattern = path_join(tmp, "*.dsc");
		int rc = glob(pattern, 0, NULL, &g);
		free(pattern);
		if (rc != 0 || g.gl_pathc != 1) {
			if (rc == 0)
				globfree(&g);
			error("apt-get source %s did not leave one .dsc file in '%s'", spec, tmp);
			goto out;
		}
		dsc = xstrdup(g.gl_pathv[0]);
		globfree(&g);
		out->id = xstrndup(base_name(dsc), strlen(base_name(dsc)) - 4);
	}
	/* Before anything is extracted: the files are the pinned ones, and no member of their
	 * tarballs would land outside the tree (dpkg-source's tar is not trusted with that). */
	version = dsc_version(tmp);
	if (check_package_files(plan, lock, tmp, version, 0, restore) < 0)
		goto out;
	{
		char *pattern = path_join(tmp, "*.tar*");
		int rc = glob(pattern, 0, NULL, &g);
		free(pattern);
		for (size_t i = 0; rc == 0 && i < g.gl_pathc; i++) {
			size_t len = strlen(g.gl_pathv[i]);
			if (len > 4 && (!strcmp(g.gl_pathv[i] + len - 4, ".asc") ||
					!strcmp(g.gl_pathv[i] + len - 4, ".sig")))
				continue; /* an upstream signature */
			if (unpack_check(g.gl_pathv[i]) < 0) {
				globfree(&g);
				goto out;
			}
		}
		if (rc == 0)
			globfree(&g);
	}
	{
		const char *extract[] = {"dpkg-source", "-x", base_name(dsc), NULL};
		if (run(extract, tmp, log) < 0)
			goto out;
	}
	idfile = path_join(tmp, ".mkdistro-id");
	if (write_file_atomic(idfile, out->id, strlen(out->id), 0644) < 0)
		goto out;
	if (rename(tmp, dir) < 0) {
		error_errno("cannot rename '%s' to '%s'", tmp, dir);
		goto out;
	}
found:
	out->tree = single_subdir(dir);
	ret = out->tree ? 0 : -1;
out:
	if (ret)
		remove_tree(tmp);
	buf_release(&b);
	free(apt);
	free(list);
	free(lists);
	free(partial);
	free(cache);
	free(archives);
	free(s);
	free(name);
	free(dir);
	free(tmp);
	free(o_list);
	free(o_parts);
	free(o_lists);
	free(parts);
	free(deb822);
	buf_release(&b822);
	free(o_cache);
	free(idfile);
	free(dsc);
	free(version);
	free(spec);
	free(restore);
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
