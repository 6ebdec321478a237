/* sources.c: fetch, check and unpack the kernel and BusyBox sources (see sources.h).
 * References: apt-get(8) (download, source, -o Dir::*), sources.list(5) one-line and deb822
 * formats, dpkg-deb(1), dpkg-query(1).
 */
#include "sources.h"

#include <ctype.h>
#include <dirent.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "memo.h"
#include "spawn.h"
#include "unpack.h"
#include "util.h"

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

/* Check an installed package's file against dpkg's md5sums list. */
static int check_dpkg_md5(const char *pkg, const char *file)
{
	char *list = xasprintf("/var/lib/dpkg/info/%s.md5sums", pkg);
	struct buf b;
	char sum[33] = "";
	const char *rel = file + 1;
	int ret = -1;
	buf_init(&b);
	if (read_file(list, &b) < 0)
		goto out;
	for (char *line = b.data; line && *line;) {
		char *end = strchr(line, '\n');
		if (end)
			*end = '\0';
		if (strlen(line) > 34 && !strcmp(line + 34, rel)) {
			if (md5_file(file, sum) < 0)
				goto out;
			if (strncmp(line, sum, 32)) {
				error("'%s' does not match dpkg's checksum: reinstall %s", file, pkg);
				goto out;
			}
			ret = 0;
			goto out;
		}
		line = end ? end + 1 : NULL;
	}
	error("'%s' is not listed in %s", file, list);
out:
	buf_release(&b);
	free(list);
	return ret;
}

/* debian:linux-source-X: the installed tarball, or one fetched with apt-get download. */
static int kernel_from_debian(const struct plan *plan, const char *pkg, const char *log,
			      struct source *out)
{
	char *srcdir = path_join(plan->cache_dir, "src");
	char *dl = path_join(plan->cache_dir, "download");
	char *tarball = xasprintf("/usr/src/%s.tar.xz", pkg);
	char *version = NULL, *status = NULL, *dir = NULL, *deb = NULL, *xdir = NULL, *s = NULL;
	int ret = -1, installed;
	const char *query[] = {"dpkg-query", "-W", "-f=${Status} ${Version}", pkg, NULL};
	const char *memo_deps[] = {"/var/lib/dpkg/status", tarball, NULL};
	char *memo_key = xasprintf("dpkg-query 1 %s", pkg);

	if (mkdir_p(srcdir, 0755) < 0 || mkdir_p(dl, 0755) < 0)
		goto out;
	/* dpkg-query takes a few tens of ms: its answer is remembered while the package
	 * database and the tarball are unchanged */
	status = memo_get(plan, memo_key, memo_deps);
	if (!status && (status = capture(query, dl)) && strstr(status, " ok installed "))
		memo_put(plan, memo_key, memo_deps, status);
	/* "install ok installed VERSION", or "hold ok installed VERSION" */
	installed = status && strstr(status, " ok installed ") && file_exists(tarball);
	if (installed) {
		version = xstrdup(strstr(status, " ok installed ") + 14);
	} else {
		/* Not installed: fetch the .deb (apt checks it against the signed index). */
		const char *download[] = {"apt-get", "download", pkg, NULL};
		glob_t g;
		char *pattern = xasprintf("%s/%s_*.deb", dl, pkg);
		info("  fetching %s with apt-get download", pkg);
		if (glob(pattern, 0, NULL, &g) != 0 && run(download, dl, log) < 0) {
			free(pattern);
			goto out;
		}
		globfree(&g);
		if (glob(pattern, 0, NULL, &g) != 0 || g.gl_pathc == 0) {
			error("apt-get download %s left no .deb in '%s'", pkg, dl);
			free(pattern);
			goto out;
		}
		deb = xstrdup(g.gl_pathv[g.gl_pathc - 1]);
		globfree(&g);
		free(pattern);
		const char *field[] = {"dpkg-deb", "-f", deb, "Version", NULL};
		version = capture(field, dl);
		if (!version) {
			error("'%s' is not a readable Debian package", deb);
			goto out;
		}
	}
	out->id = xasprintf("%s %s", pkg, version);
	s = slug(out->id);
	dir = path_join(srcdir, s);
	if (!is_dir(dir)) {
		if (!installed) {
			xdir = xasprintf("%s/%s-x", dl, pkg);
			const char *extract[] = {"dpkg-deb", "-x", deb, xdir, NULL};
			if (remove_tree(xdir) < 0 || run(extract, NULL, log) < 0)
				goto out;
			free(tarball);
			tarball = xasprintf("%s/usr/src/%s.tar.xz", xdir, pkg);
		} else if (check_dpkg_md5(pkg, tarball) < 0) {
			goto out;
		}
		info("  unpacking %s", tarball);
		if (unpack_entry(tarball, dir, out->id) < 0)
			goto out;
		if (xdir)
			remove_tree(xdir);
	}
	out->tree = single_subdir(dir);
	ret = out->tree ? 0 : -1;
out:
	free(memo_key);
	free(srcdir);
	free(dl);
	free(tarball);
	free(version);
	free(status);
	free(dir);
	free(deb);
	free(xdir);
	free(s);
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

/* Append "deb-src" twins of the one-line "deb" entries in a sources.list file. */
static int debsrc_from_list(const char *path, struct buf *out)
{
	struct buf b;
	int n = 0;
	buf_init(&b);
	if (read_sources_file(path, &b) == 0) {
		for (char *line = strtok(b.data, "\n"); line; line = strtok(NULL, "\n")) {
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
	}
	buf_release(&b);
	return n;
}

/* The value of field in a deb822 paragraph (NULL when absent), malloc'd. */
static char *deb822_field(const char *para, const char *field)
{
	size_t fl = strlen(field);
	for (const char *line = para; line && *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		if (len > fl && !strncasecmp(line, field, fl) && line[fl] == ':') {
			const char *v = line + fl + 1;
			while (*v == ' ' || *v == '\t')
				v++;
			return xstrndup(v, (size_t)(line + len - v));
		}
		line = end ? end + 1 : NULL;
	}
	return NULL;
}

/* Append a deb-src copy of one deb822 paragraph, if it is an enabled, remote "deb" one:
 * every field as it is (an inline Signed-By key included), but Types: deb-src. */
static int debsrc_paragraph(const char *para, struct buf *out)
{
	char *types = deb822_field(para, "Types");
	char *uris = deb822_field(para, "URIs");
	char *enabled = deb822_field(para, "Enabled");
	int is_deb = 0, ok = 1;
	char *save = NULL;
	if (types)
		for (char *t = strtok_r(types, " \t", &save); t; t = strtok_r(NULL, " \t", &save))
			is_deb |= !strcmp(t, "deb");
	if (uris)
		for (char *u = strtok_r(uris, " \t", &save); u; u = strtok_r(NULL, " \t", &save))
			ok &= remote_uri(u);
	ok &= is_deb && uris && (!enabled || strcasecmp(enabled, "no"));
	if (ok) {
		for (const char *line = para; *line;) {
			const char *end = strchr(line, '\n');
			size_t len = end ? (size_t)(end - line) + 1 : strlen(line);
			if (!strncasecmp(line, "Types:", 6))
				buf_adds(out, "Types: deb-src\n");
			else
				buf_add(out, line, len);
			line += len;
		}
		buf_adds(out, "\n");
	}
	free(types);
	free(uris);
	free(enabled);
	return ok;
}

/* Append the deb-src paragraphs for a deb822 .sources file. */
static int debsrc_from_deb822(const char *path, struct buf *out)
{
	struct buf b, para;
	int n = 0;
	buf_init(&b);
	buf_init(&para);
	if (read_sources_file(path, &b) < 0)
		goto out;
	for (char *p = b.data;;) {
		char *end = strchr(p, '\n');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		int blank = strspn(p, " \t") == len;
		if (!blank && p[0] != '#') {
			buf_add(&para, p, len);
			buf_add(&para, "\n", 1);
		}
		if ((blank || !end) && para.len) {
			n += debsrc_paragraph(para.data, out);
			buf_reset(&para);
		}
		if (!end)
			break;
		p = end + 1;
	}
out:
	buf_release(&b);
	buf_release(&para);
	return n;
}

int sources_debsrc_lines(const char *etc, struct buf *list, struct buf *deb822)
{
	char *file = path_join(etc, "sources.list");
	char *pattern;
	glob_t g;
	int n = debsrc_from_list(file, list);
	free(file);
	pattern = path_join(etc, "sources.list.d/*.list");
	if (glob(pattern, 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++)
			n += debsrc_from_list(g.gl_pathv[i], list);
		globfree(&g);
	}
	free(pattern);
	pattern = path_join(etc, "sources.list.d/*.sources");
	if (glob(pattern, 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++)
			n += debsrc_from_deb822(g.gl_pathv[i], deb822);
		globfree(&g);
	}
	free(pattern);
	return n;
}

/* debian:PACKAGE with apt-get source, through a private apt configuration. */
static int busybox_from_debian(const struct plan *plan, const char *pkg, const char *log,
			       struct source *out)
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
	char *idfile = NULL;
	struct buf b, b822;
	glob_t g;
	int ret = -1;

	buf_init(&b);
	buf_init(&b822);
	out->id = entry_id(dir);
	if (out->id)
		goto found;
	info("  fetching %s with apt-get source (private apt configuration in %s)", pkg, apt);
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
					o_cache, "-o", "Debug::NoLocking=1", "source", pkg, NULL};
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
		if (run(source, tmp, log) < 0)
			goto out;
	}
	{
		char *pattern = path_join(tmp, "*.dsc");
		int rc = glob(pattern, 0, NULL, &g);
		free(pattern);
		if (rc != 0 || g.gl_pathc != 1) {
			if (rc == 0)
				globfree(&g);
			error("apt-get source %s did not leave one .dsc file in '%s'", pkg, tmp);
			goto out;
		}
		char *base = strrchr(g.gl_pathv[0], '/') + 1;
		out->id = xstrndup(base, strlen(base) - 4);
		globfree(&g);
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
	return ret;
}

/* A tarball pinned by its SHA-256. */
static int from_tarball(const struct plan *plan, const char *path, const char *sha,
			struct source *out)
{
	char sum[65];
	char *name, *dir;
	int ret = -1;
	if (!file_exists(path))
		return error("source tarball '%s' does not exist", path);
	if (sha256_file(path, sum) < 0)
		return -1;
	if (strcasecmp(sum, sha))
		return error("source tarball '%s' has SHA-256 %s, but mkdistro.conf pins %s: refusing "
			     "it",
			     path, sum, sha);
	out->id = xasprintf("sha256:%s", sum);
	name = xasprintf("src/tarball-%.16s", sum);
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

int sources_get(const struct plan *plan, const char *what, const char *log, struct source *out)
{
	int kernel = !strcmp(what, "kernel");
	const char *src = kernel ? plan->kernel_source : plan->busybox_source;
	const char *sha = kernel ? plan->kernel_sha256 : plan->busybox_sha256;
	memset(out, 0, sizeof(*out));
	if (!strncmp(src, "debian:", 7)) {
		if (kernel)
			return kernel_from_debian(plan, src + 7, log, out);
		return busybox_from_debian(plan, src + 7, log, out);
	}
	return from_tarball(plan, src, sha, out);
}
