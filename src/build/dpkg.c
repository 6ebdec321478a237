/* dpkg.c: questions to the build host's package database (see dpkg.h).
 * References: dpkg-query(1) (-S, -W, --showformat, the Status field), dpkg(1) (the
 * /var/lib/dpkg/info/PACKAGE.md5sums files).
 */
#include "build/dpkg.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build/memo.h"
#include "sys/alloc.h"
#include "sys/buf.h"
#include "sys/fs.h"
#include "sys/hash.h"
#include "sys/log.h"
#include "sys/spawn.h"

#define DPKG_STATUS "/var/lib/dpkg/status"

void dpkg_owner_release(struct dpkg_owner *o)
{
	free(o->pkg);
	free(o->version);
	free(o->arch);
	memset(o, 0, sizeof(*o));
}

/* A list of strings, each once. */
struct words {
	char **v;
	size_t n, cap;
};

/* Add s unless it is there; takes s (NULL: nothing). */
static void words_add(struct words *w, char *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < w->n; i++)
		if (!strcmp(w->v[i], s)) {
			free(s);
			return;
		}
	XGROW(w->v, w->cap, w->n + 1);
	w->v[w->n++] = s;
}

static void words_release(struct words *w)
{
	for (size_t i = 0; i < w->n; i++)
		free(w->v[i]);
	free(w->v);
	memset(w, 0, sizeof(*w));
}

/* On a usr-merged host /lib/x and /usr/lib/x are one file, but dpkg knows each file by the
 * one path its package ships it at: the other spelling (malloc'd), or NULL. */
static char *usrmerge_alias(const char *p)
{
	static const char *const dirs[] = {"/bin/", "/sbin/", "/lib/", "/lib32/", "/lib64/", "/libx32/"};
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		size_t n = strlen(dirs[i]);
		if (!strncmp(p, "/usr", 4) && !strncmp(p + 4, dirs[i], n))
			return xstrdup(p + 4);
		if (!strncmp(p, dirs[i], n))
			return xasprintf("/usr%s", p);
	}
	return NULL;
}

/* The path's spellings to ask dpkg about: as given, the other usr-merge spelling, the
 * file it resolves to and that one's other spelling. */
static void spellings(const char *path, struct words *w)
{
	char *real = realpath(path, NULL);
	words_add(w, xstrdup(path));
	words_add(w, usrmerge_alias(path));
	if (real) {
		words_add(w, usrmerge_alias(real));
		words_add(w, real);
	}
}

/* Run dpkg-query with opts (NULL-terminated) and then the words of args, its output appended
 * to out.  Exit 1 (some path or package is not known) is an answer too: its complaints on
 * stderr match no line the callers look for.  Returns 0, or -1 when it cannot be run. */
static int query(const char *const *opts, const struct words *args, struct buf *out)
{
	size_t n = 0, k = 0;
	const char **argv;
	int ret;
	while (opts[n])
		n++;
	argv = xcalloc(n + args->n + 2, sizeof(*argv));
	argv[k++] = "dpkg-query";
	for (size_t i = 0; i < n; i++)
		argv[k++] = opts[i];
	for (size_t i = 0; i < args->n; i++)
		argv[k++] = args->v[i];
	ret = spawn_capture(argv, out) < 0 ? -1 : 0;
	free(argv);
	return ret;
}

/* The package that installed path by dpkg-query -S's output ("pkg[:arch][, pkg2...]: /path"
 * for each path found, and "diversion by ..." lines): the first, with its architecture when
 * it has one (malloc'd), or NULL. */
static char *owner_in(const char *out, const char *path)
{
	struct words mine = {0};
	char *owner = NULL;
	spellings(path, &mine);
	for (size_t k = 0; k < mine.n && !owner; k++)
		for (const char *line = out; *line && !owner;) {
			size_t len = strcspn(line, "\n"), pl = strlen(mine.v[k]);
			if (strncmp(line, "diversion ", 10) && len > pl + 2 &&
			    !strncmp(line + len - pl - 2, ": ", 2) &&
			    !strncmp(line + len - pl, mine.v[k], pl)) {
				size_t first = strcspn(line, ",");
				size_t sep = (size_t)(strstr(line, ": ") - line);
				owner = xstrndup(line, first < sep ? first : sep);
			}
			line += len + (line[len] == '\n');
		}
	words_release(&mine);
	return owner;
}

/* Append owner's ("pkg" or "pkg:arch") line of dpkg-query -W's output out
 * ("PACKAGE\tVERSION\tARCH" lines), if it has one. */
static void add_version_line(const char *out, const char *owner, struct buf *answer)
{
	size_t wl = strcspn(owner, ":");
	const char *arch = owner[wl] ? owner + wl + 1 : NULL;
	for (const char *line = out; *line;) {
		size_t len = strcspn(line, "\n");
		const char *t1 = memchr(line, '\t', len);
		const char *t2 = t1 ? memchr(t1 + 1, '\t', (size_t)(line + len - t1 - 1)) : NULL;
		if (t2 && (size_t)(t1 - line) == wl && !strncmp(line, owner, wl) &&
		    (!arch || ((size_t)(line + len - t2 - 1) == strlen(arch) &&
			       !strncmp(t2 + 1, arch, strlen(arch))))) {
			buf_add(answer, line, len);
			return;
		}
		line += len + (line[len] == '\n');
	}
}

/* Ask dpkg which packages installed paths, and their versions: one line per path,
 * "PACKAGE\tVERSION\tARCH" or empty.  Returns 0, or -1 when dpkg-query cannot be run. */
static int ask_dpkg(char *const *paths, size_t n, struct buf *answer)
{
	static const char *const search[] = {"-S", NULL};
	static const char *const show[] = {"-W", "-f=${Package}\\t${Version}\\t${Architecture}\\n",
					   NULL};
	struct words cand = {0}, pkgs = {0};
	char **owner = xcalloc(n ? n : 1, sizeof(*owner));
	struct buf out;
	int ret = -1;

	buf_init(&out);
	for (size_t i = 0; i < n; i++)
		spellings(paths[i], &cand);
	if (query(search, &cand, &out) < 0)
		goto out;
	for (size_t i = 0; i < n; i++)
		if ((owner[i] = owner_in(out.data, paths[i])))
			words_add(&pkgs, xstrdup(owner[i]));
	buf_reset(&out);
	if (pkgs.n && query(show, &pkgs, &out) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		if (owner[i])
			add_version_line(out.data, owner[i], answer);
		buf_adds(answer, "\n");
	}
	ret = 0;
out:
	for (size_t i = 0; i < n; i++)
		free(owner[i]);
	free(owner);
	words_release(&cand);
	words_release(&pkgs);
	buf_release(&out);
	return ret;
}

int dpkg_owners(const struct plan *plan, char *const *paths, size_t n, struct dpkg_owner *out)
{
	const char *deps[] = {DPKG_STATUS, NULL};
	struct buf key, answer;
	char *memo;
	size_t i = 0;
	int ret = 0;

	memset(out, 0, n * sizeof(*out));
	if (!n)
		return 0;
	buf_init(&key);
	buf_init(&answer);
	buf_adds(&key, "sbom dpkg 1");
	for (size_t k = 0; k < n; k++)
		buf_addf(&key, "\n%s", paths[k]);
	if ((memo = memo_get(plan->cache_dir, key.data, deps))) {
		buf_adds(&answer, memo);
		free(memo);
	} else if (ask_dpkg(paths, n, &answer) == 0) {
		memo_put(plan->cache_dir, key.data, deps, answer.data);
	} else {
		ret = -1;
	}
	for (const char *line = answer.data; *line && i < n; i++) {
		size_t len = strcspn(line, "\n");
		char *l = xstrndup(line, len), *save = NULL;
		char *pkg = strtok_r(l, "\t", &save), *ver = strtok_r(NULL, "\t", &save);
		char *arch = strtok_r(NULL, "\t", &save);
		if (pkg && ver && arch) {
			out[i].pkg = xstrdup(pkg);
			out[i].version = xstrdup(ver);
			out[i].arch = xstrdup(arch);
		}
		free(l);
		line += len + (line[len] == '\n');
	}
	buf_release(&key);
	buf_release(&answer);
	return ret;
}

char *dpkg_installed(const struct plan *plan, const char *pkg, const char *file)
{
	static const char installed[] = " ok installed ";
	const char *argv[] = {"dpkg-query", "-W", "-f=${Status} ${Version}", pkg, NULL};
	const char *deps[] = {DPKG_STATUS, file, NULL};
	char *key = xasprintf("dpkg-query 1 %s", pkg), *status = memo_get(plan->cache_dir, key, deps);
	char *version = NULL;

	if (!status) {
		struct buf out;
		buf_init(&out);
		if (spawn_capture(argv, &out) == 0) {
			while (out.len && isspace((unsigned char)out.data[out.len - 1]))
				buf_setlen(&out, out.len - 1);
			status = buf_detach(&out, NULL);
			/* only an installed package's answer is remembered, so that one installed
			 * later is seen */
			if (strstr(status, installed))
				memo_put(plan->cache_dir, key, deps, status);
		}
		buf_release(&out);
	}
	/* "install ok installed VERSION", or "hold ok installed VERSION" */
	if (status && strstr(status, installed) && file_exists(file))
		version = xstrdup(strstr(status, installed) + strlen(installed));
	free(status);
	free(key);
	return version;
}

int dpkg_check_md5(const char *pkg, const char *file)
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
