/* project.c: `mkdistro init` (see project.h). */
#include "build/project.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build/arch.h"
#include "build/rootfs.h"
#include "formats/ini.h"
#include "formats/manifest.h"
#include "sys/alloc.h"
#include "sys/buf.h"
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

/* The settings of an example's mkdistro.conf that init carries over: every key but those
 * that name the example's own files (init copies those into the project instead). */
struct carried {
	const char *path;  /* the example's */
	const char *text;  /* its text, for the comments above each key */
	char *conf;        /* the template, each setting applied to it; NULL after an error */
	struct buf keys;   /* "[system] arch, [kernel] modules": what it set, for the header */
};

/* The comment lines right above line (1-based) of text, "" when none; malloc'd. */
static char *comment_above(const char *text, int line)
{
	const char *start = text, *p = text;
	struct buf b;
	int n = 1;
	buf_init(&b);
	/* find the first of the comment lines that end right before line */
	for (; *p && n < line; n++) {
		const char *end = p + strcspn(p, "\n");
		const char *t = p + strspn(p, " \t");
		if (*t != '#' && *t != ';')
			start = *end ? end + 1 : end;
		p = *end ? end + 1 : end;
	}
	buf_add(&b, start, (size_t)(p - start));
	while (b.len && (b.data[b.len - 1] == '\n' || b.data[b.len - 1] == '\r'))
		buf_setlen(&b, b.len - 1);
	return buf_detach(&b, NULL);
}

/* Set key in c->conf, with comment (or NULL); where names the setting in messages. */
static int set_key(struct carried *c, const char *where, const char *section, const char *key,
		   const char *value, const char *comment)
{
	char *conf = ini_set(c->conf, where, section, key, value, comment);
	free(c->conf);
	c->conf = conf;
	if (!conf)
		return -1;
	buf_addf(&c->keys, "%s[%s] %s", c->keys.len ? ", " : "", section, key);
	return 0;
}

static int carry(void *ctx, const struct ini_entry *e)
{
	struct carried *c = ctx;
	if (!e->key || (!strcmp(e->section, "kernel") && !strcmp(e->key, "config")) ||
	    (!strcmp(e->section, "busybox") && !strcmp(e->key, "config")) ||
	    (!strcmp(e->section, "rootfs") && !strcmp(e->key, "skeleton")))
		return 0;
	char *comment = comment_above(c->text, e->line);
	char *where = xasprintf("%s:%d", c->path, e->line);
	int r = set_key(c, where, e->section, e->key, e->value, *comment ? comment : NULL);
	free(where);
	free(comment);
	return r;
}

/* text (taken, freed) as comment lines of at most 90 columns, "# " first, each ending in
 * '\n'; malloc'd. */
static char *comment_lines(char *text)
{
	struct buf b;
	size_t col = 0;
	buf_init(&b);
	for (const char *w = text + strspn(text, " "); *w; w += strspn(w, " ")) {
		size_t n = strcspn(w, " ");
		if (col && col + 1 + n > 90) {
			buf_adds(&b, "\n");
			col = 0;
		}
		buf_adds(&b, col ? " " : "# ");
		buf_add(&b, w, n);
		col += n + 2 - (col != 0);
		w += n;
	}
	buf_adds(&b, "\n");
	free(text);
	return buf_detach(&b, NULL);
}

static int any_entry(void *ctx, const struct ini_entry *e)
{
	(void)ctx;
	(void)e;
	return 0;
}

/* mkdistro.conf for a project of CPU a: the default one with, where a has one, its serial
 * console, then the settings of a's example project (examples/CPU/mkdistro.conf), which
 * win; NULL after an error (reported). */
static char *arch_conf(const char *data, const char *example, const struct arch *a)
{
	char *tpath = path_join(data, "mkdistro.conf"), *epath = path_join(example, "mkdistro.conf");
	char *conf = NULL;
	struct buf t, e;
	struct carried c = {epath, NULL, NULL, {0}};
	buf_init(&t);
	buf_init(&e);
	buf_init(&c.keys);
	if (read_text_file(tpath, &t) < 0 || read_text_file(epath, &e) < 0 ||
	    ini_parse(t.data, tpath, any_entry, NULL) < 0)
		goto out;
	/* the header below goes first: a byte order mark would then be text */
	c.conf = xstrdup(t.data + (strncmp(t.data, "\xef\xbb\xbf", 3) ? 0 : 3));
	c.text = e.data;
	if (a->console) {
		char *append = xasprintf("console=%s", a->console);
		int r = set_key(&c, tpath, "boot", "append", append, NULL);
		free(append);
		if (r < 0)
			goto out;
	}
	if (ini_parse(e.data, epath, carry, &c) < 0)
		goto out;
	char *header = comment_lines(xasprintf("Made by `mkdistro init --arch %s`: mkdistro's "
					       "default project with these settings for %s, from "
					       "examples/%s (docs/arch.md): %s.",
					       a->name, a->name, a->name,
					       c.keys.len ? c.keys.data : "none"));
	conf = xasprintf("%s%s", header, c.conf);
	free(header);
out:
	free(c.conf);
	buf_release(&c.keys);
	buf_release(&t);
	buf_release(&e);
	free(tpath);
	free(epath);
	return conf;
}

/* mkdistro.conf last: a project is complete once it is there. */
static const char *const files[] = {"kernel.config", "busybox.config", "mkdistro.conf"};
static const char *const trees[] = {"rootfs", "syslinux"};

/* The path in dir of the i-th of the 5 things a project holds: files, then trees. */
static char *project_entry(const char *dir, size_t i)
{
	return path_join(dir, i < 3 ? files[i] : trees[i - 3]);
}

int project_init(const char *dir, const struct arch *a)
{
	char *data = data_dir(), *example = NULL, *conf = NULL;
	/* a CPU Syslinux does not boot (arm64: GRUB) needs no syslinux/ */
	size_t ntrees = !a || a->efi_loader ? 2 : 1;
	int ret = -1, made_dir = 0, started = 0;

	for (size_t i = 0; i < 5; i++) {
		char *p = project_entry(dir, i);
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
	/* Another CPU than the default: its example's kernel.config and settings */
	if (a && a != arch_default()) {
		char *dirs = path_join(data, "examples");
		example = path_join(dirs, a->name);
		free(dirs);
		for (size_t i = 0; i < 3; i += 2) {
			char *p = path_join(example, files[i]);
			int ok = file_exists(p);
			if (!ok)
				error("'%s' is missing: the starting project for %s is examples/%s (set "
				      "MKDISTRO_DATADIR or run 'make install')",
				      p, a->name, a->name);
			free(p);
			if (!ok)
				goto out;
		}
		if (!(conf = arch_conf(data, example, a)))
			goto out;
	}
	made_dir = !file_exists(dir);
	if (mkdir_p(dir, 0755) < 0)
		goto out;
	started = 1;
	for (size_t i = 0; i < ntrees; i++) {
		char *from = path_join(data, trees[i]);
		char *to = path_join(dir, trees[i]);
		int r = mkdir_p(to, 0755) < 0 ? -1 : copy_tree(from, to);
		free(from);
		free(to);
		if (r < 0)
			goto out;
	}
	for (size_t i = 0; i < 3; i++) {
		char *from = path_join(i == 0 && example ? example : data, files[i]);
		char *to = path_join(dir, files[i]);
		int r = i == 2 && conf ? write_file_atomic(to, conf, strlen(conf), 0644)
				       : copy_file(from, to, 0644);
		free(from);
		free(to);
		if (r < 0)
			goto out;
	}
	if (example)
		info("mkdistro: created project '%s' for %s from %s and examples/%s; next: mkdistro "
		     "-C %s build",
		     dir, a->name, data, a->name, dir);
	else
		info("mkdistro: created project '%s' from %s; next: mkdistro -C %s build", dir, data,
		     dir);
	ret = 0;
out:
	/* a failed init leaves no half-made project behind, which the next would refuse */
	if (ret < 0 && started && made_dir)
		remove_tree(dir);
	else if (ret < 0 && started)
		for (size_t i = 0; i < 5; i++) {
			char *p = project_entry(dir, i);
			remove_tree(p);
			free(p);
		}
	free(conf);
	free(example);
	free(data);
	return ret;
}
