/* apt.c: apt-get through a private configuration under the build cache (see apt.h).
 * References: apt-get(8) (update, source, download; -o), apt.conf(5) (Dir::Etc::SourceList,
 * Dir::Etc::SourceParts, Dir::State::Lists, Dir::Cache, Debug::NoLocking), sources.list(5)
 * (the one-line and the deb822 formats).
 */
#include "build/apt.h"

#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "formats/deb822.h"
#include "sys/alloc.h"
#include "sys/fs.h"
#include "sys/log.h"
#include "sys/spawn.h"

static void init_dir(struct apt *a, const char *cache_dir, const char *name, int binary)
{
	static const char *const names[] = {"Dir::Etc::SourceList=%s/sources.list",
					    "Dir::Etc::SourceParts=%s/sources.list.d",
					    "Dir::State::Lists=%s/lists", "Dir::Cache=%s/cache",
					    "Dir::State::status=%s/status"};
	a->dir = path_join(cache_dir, name);
	a->binary = binary;
	for (size_t i = 0; i < APT_DIRS; i++)
		a->opt[i] = xasprintf(names[i], a->dir);
}

void apt_init(struct apt *a, const char *cache_dir)
{
	init_dir(a, cache_dir, "apt", 0);
}

void apt_init_binary(struct apt *a, const char *cache_dir)
{
	init_dir(a, cache_dir, "apt-bin", 1);
}

void apt_release(struct apt *a)
{
	free(a->dir);
	for (size_t i = 0; i < APT_DIRS; i++)
		free(a->opt[i]);
	memset(a, 0, sizeof(*a));
}

int apt_configure(const struct apt *a, const char *etc)
{
	char *partial = path_join(a->dir, "lists/partial");
	char *archives = path_join(a->dir, "cache/archives/partial");
	char *parts = path_join(a->dir, "sources.list.d");
	char *list = path_join(a->dir, "sources.list");
	char *deb822 = path_join(parts, "mkdistro.sources");
	char *status = path_join(a->dir, "status");
	struct buf lines, paras;
	int n = -1;

	buf_init(&lines);
	buf_init(&paras);
	if (mkdir_p(partial, 0755) < 0 || mkdir_p(archives, 0755) < 0 || mkdir_p(parts, 0755) < 0)
		goto out;
	n = apt_twin_lines(etc, a->binary ? "deb" : "deb-src", &lines, &paras);
	if (n > 0 && (write_file_atomic(list, lines.data, lines.len, 0644) < 0 ||
		      write_file_atomic(deb822, paras.data, paras.len, 0644) < 0 ||
		      write_file_atomic(status, "", 0, 0644) < 0))
		n = -1;
out:
	buf_release(&lines);
	buf_release(&paras);
	free(partial);
	free(archives);
	free(parts);
	free(list);
	free(deb822);
	free(status);
	return n;
}

/* "apt-get", the configuration's options (none for the system's), then args: malloc'd,
 * pointing into a and args. */
static const char **apt_argv(const struct apt *a, const char *const *args)
{
	size_t n = 0, k = 0;
	const char **argv;
	while (args[n])
		n++;
	argv = xcalloc(1 + 2 * (APT_DIRS + 1) + n + 1, sizeof(*argv));
	argv[k++] = "apt-get";
	/* the source configuration has no use for a dpkg status of its own */
	for (size_t i = 0; a && i < (a->binary ? APT_DIRS : APT_DIRS - 1); i++) {
		argv[k++] = "-o";
		argv[k++] = a->opt[i];
	}
	if (a) {
		/* no root, so the system's locks cannot be taken, and none is needed: nothing
		 * it writes is the system's */
		argv[k++] = "-o";
		argv[k++] = "Debug::NoLocking=1";
	}
	for (size_t i = 0; i < n; i++)
		argv[k++] = args[i];
	return argv;
}

/* Run apt-get with a's options and args; logged: a failure is reported with the log's last
 * lines. */
static int run_apt(const struct apt *a, const char *const *args, const char *cwd, const char *log,
		   int logged)
{
	const char **argv = apt_argv(a, args);
	struct child c = CHILD_INIT;
	int ret;
	c.argv = argv;
	c.cwd = cwd;
	c.log = log;
	ret = logged ? spawn_run_logged(&c, NULL) : spawn_run(&c);
	free(argv);
	return ret;
}

int apt_get(const struct apt *a, const char *const *args, const char *cwd, const char *log)
{
	return run_apt(a, args, cwd, log, 1);
}

int apt_run(const struct apt *a, const char *const *args, const char *cwd, const char *log)
{
	return run_apt(a, args, cwd, log, 0);
}

int apt_update(const struct apt *a, const char *log)
{
	static const char *const update[] = {"update", NULL};
	return run_apt(a, update, NULL, log, 0);
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

int apt_twins_of_list(const char *text, const char *type, struct buf *out)
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
		buf_addf(out, "%s %s\n", type, line + 4);
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

/* Append a copy of one deb822 paragraph, if it is an enabled, remote "deb" one: every field
 * as it is written (an inline Signed-By key included), but Types: type. */
static int twin_paragraph(const struct deb822_para *para, const char *type, struct buf *out)
{
	const char *types = deb822_get(para, "Types");
	const char *uris = deb822_get(para, "URIs");
	const char *enabled = deb822_get(para, "Enabled");
	size_t n;
	if (!types || !count_words(types, is_deb, &n) || !uris ||
	    count_words(uris, remote_uri, &n) != n || (enabled && !strcasecmp(enabled, "no")))
		return 0;
	for (size_t i = 0; i < para->n; i++) {
		if (strcasecmp(para->f[i].name, "Types"))
			buf_adds(out, para->f[i].raw);
		else
			buf_addf(out, "Types: %s\n", type);
	}
	buf_adds(out, "\n");
	return 1;
}

int apt_twins_of_deb822(const char *text, const char *type, struct buf *out)
{
	struct deb822 d;
	int n = 0;
	deb822_parse(&d, text);
	for (size_t i = 0; i < d.n; i++)
		n += twin_paragraph(&d.v[i], type, out);
	deb822_release(&d);
	return n;
}

/* Read the apt sources file path (see read_sources_file) and append what parse makes of it. */
static int twins_from_file(const char *path, const char *type,
			   int (*parse)(const char *, const char *, struct buf *), struct buf *out)
{
	struct buf b;
	int n = 0;
	buf_init(&b);
	if (read_sources_file(path, &b) == 0)
		n = parse(b.data, type, out);
	buf_release(&b);
	return n;
}

/* The same for each file under etc that matches pattern. */
static int twins_from_files(const char *etc, const char *pattern, const char *type,
			    int (*parse)(const char *, const char *, struct buf *), struct buf *out)
{
	char *full = path_join(etc, pattern);
	glob_t g;
	int n = 0;
	if (glob(full, 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++)
			n += twins_from_file(g.gl_pathv[i], type, parse, out);
		globfree(&g);
	}
	free(full);
	return n;
}

int apt_twin_lines(const char *etc, const char *type, struct buf *list, struct buf *deb822)
{
	char *file = path_join(etc, "sources.list");
	int n = twins_from_file(file, type, apt_twins_of_list, list);
	free(file);
	n += twins_from_files(etc, "sources.list.d/*.list", type, apt_twins_of_list, list);
	n += twins_from_files(etc, "sources.list.d/*.sources", type, apt_twins_of_deb822, deb822);
	return n;
}

int apt_debsrc_lines(const char *etc, struct buf *list, struct buf *deb822)
{
	return apt_twin_lines(etc, "deb-src", list, deb822);
}

int apt_debsrc_of_list(const char *text, struct buf *out)
{
	return apt_twins_of_list(text, "deb-src", out);
}

int apt_debsrc_of_deb822(const char *text, struct buf *out)
{
	return apt_twins_of_deb822(text, "deb-src", out);
}
