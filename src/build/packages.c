/* packages.c: Debian binary packages fetched, pinned, cached and read (see packages.h).
 * References: apt-get(8) (install --download-only, --no-install-recommends), apt.conf(5)
 * (APT::Architecture, Dir::Cache::archives), deb(5), Debian Policy 7 (relationships).
 */
#include "build/packages.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build/apt.h"
#include "build/arch.h"
#include "build/lockfile.h"
#include "build/memo.h"
#include "build/pkgrules.h"
#include "formats/deb.h"
#include "formats/deb822.h"
#include "formats/debdeps.h"
#include "sys/alloc.h"
#include "sys/buf.h"
#include "sys/fs.h"
#include "sys/log.h"
#include "sys/strvec.h"

#define RULE_ROUNDS 4 /* rules that bring packages that have rules that bring packages... */

static int has(const struct strvec *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (!strcmp(sv->v[i], s))
			return 1;
	return 0;
}

static void add_once(struct strvec *sv, const char *s)
{
	if (!has(sv, s))
		strvec_push(sv, s);
}

/* The package name of a .deb file name: up to the first '_' (malloc'd). */
static char *name_of_file(const char *file)
{
	return xstrndup(file, strcspn(file, "_"));
}

/* Where mkdistro.conf names package name: "mkdistro.conf:LINE: [SECTION] packages" (malloc'd),
 * or the configuration file alone when no variant names it (a rule brought it). */
static char *where_named(const struct plan *plan, const char *name)
{
	for (size_t i = 0; i < plan->n_ivar; i++) {
		const struct ivariant *v = &plan->ivar[i];
		for (size_t j = 0; j < v->n_packages; j++)
			if (!strcmp(v->packages[j], name)) {
				if (i == 0)
					return xasprintf("%s:%d: [rootfs] packages", plan->conf_path,
							 v->packages_line);
				return xasprintf("%s:%d: [initrd.%s] packages", plan->conf_path,
						 v->packages_line, v->name);
			}
	}
	return xasprintf("%s: a rule of mkdistro (docs/packages.md)", plan->conf_path);
}

/* ---- fetching ---- */

/* What apt said of a name it could not give, as an error with the config line.  Returns -1,
 * or 0 when the log names nothing it knows. */
static int apt_refusal(const struct plan *plan, const char *log, const char *arch)
{
	static const struct {
		const char *before, *after, *what;
	} says[] = {
		{"E: Unable to locate package ", "\n", "is not a package of the archive"},
		{"E: Package '", "' has no installation candidate", "has no installation candidate"},
		{"E: Version '", "' was not found", "is not in the archive at the pinned version"},
	};
	struct buf b;
	int ret = 0;
	buf_init(&b);
	if (read_file(log, &b) < 0) {
		buf_release(&b);
		return 0;
	}
	for (size_t i = 0; i < sizeof(says) / sizeof(says[0]) && !ret; i++) {
		const char *s = b.data, *hit = NULL, *p;
		while ((p = strstr(s, says[i].before))) /* the last run's */
			hit = p, s = p + 1;
		if (!hit)
			continue;
		hit += strlen(says[i].before);
		char *name = xstrndup(hit, strcspn(hit, i == 0 ? "\n" : "'"));
		if (i == 2) { /* Version 'V' for 'NAME' was not found */
			const char *f = strstr(hit, "' for '");
			free(name);
			name = f ? xstrndup(f + 7, strcspn(f + 7, "'")) : xstrdup("?");
		}
		name[strcspn(name, ":=")] = '\0';
		char *where = where_named(plan, name);
		ret = error("%s: '%s' %s for %s (apt-get's words are in %s)%s", where, name,
			    says[i].what, arch, log,
			    i == 2 ? "; mkdistro lock --update pins what the archive has now" : "");
		free(where);
		free(name);
	}
	buf_release(&b);
	return ret;
}

/* The private apt configuration, set to fetch arch's packages into a directory. */
struct fetch {
	struct apt apt;
	char *archopt, *archesopt; /* -o values: APT::Architecture(s)=arch */
};

/* Set f up from the host's sources for arch, and empty dir with mkdir (dir/mk, a path below
 * it or dir itself) made; what names the packages in the error when there is no archive.
 * Returns 0, or -1 (reported); fetch_release(f) in both cases. */
static int fetch_init(struct fetch *f, const struct plan *plan, const char *arch, const char *dir,
		      const char *mk, const char *what)
{
	int n;

	apt_init_binary(&f->apt, plan->cache_dir);
	f->archopt = xasprintf("APT::Architecture=%s", arch);
	f->archesopt = xasprintf("APT::Architectures=%s", arch);
	if ((n = apt_configure(&f->apt, "/etc/apt")) < 0)
		return -1;
	if (n == 0)
		return error("no Debian archive ('deb' entry) in /etc/apt/sources.list or "
			     "sources.list.d: cannot fetch %s", what);
	return remove_tree(dir) < 0 || mkdir_p(mk, 0755) < 0 ? -1 : 0;
}

/* apt-get update for f's architecture; a failure is only warned about (the lists may do). */
static void fetch_update(struct fetch *f, const char *log)
{
	const char *update[] = {"-o", f->archopt, "-o", f->archesopt, "update", NULL};
	if (apt_run(&f->apt, update, NULL, log) != 0)
		warning("apt-get update reported errors (see %s); trying the download anyway", log);
}

static void fetch_release(struct fetch *f)
{
	apt_release(&f->apt);
	free(f->archopt);
	free(f->archesopt);
}

/* apt-get install --download-only of names (NAME or NAME=VERSION) into the empty directory
 * dir, after apt-get update unless *updated (which it sets).  Returns 0 or -1 (reported). */
static int download(const struct plan *plan, const struct strvec *names, const char *arch,
		    const char *dir, const char *log, int *updated)
{
	struct fetch f;
	struct strvec args;
	char *archives = xasprintf("Dir::Cache::archives=%s", dir);
	char *partial = path_join(dir, "partial");
	int ret = -1;

	strvec_init(&args);
	if (fetch_init(&f, plan, arch, dir, partial, "the packages mkdistro.conf names") < 0)
		goto out;
	info("  fetching %zu package%s and what %s need%s with apt-get (private apt configuration "
	     "in %s)", names->n, names->n == 1 ? "" : "s", names->n == 1 ? "it" : "they",
	     names->n == 1 ? "s" : "", f.apt.dir);
	if (!*updated)
		fetch_update(&f, log);
	*updated = 1;
	strvec_pushl(&args, "-o", archives, "-o", f.archopt, "-o", f.archesopt, "-q", "-y",
		     "--no-install-recommends", "install", "--download-only", NULL);
	for (size_t i = 0; i < names->n; i++)
		strvec_push(&args, names->v[i]);
	if (apt_run(&f.apt, args.v, NULL, log) != 0) {
		if (apt_refusal(plan, log, arch) == 0)
			error("apt-get could not fetch the packages (see %s)", log);
		goto out;
	}
	ret = 0;
out:
	strvec_clear(&args);
	fetch_release(&f);
	free(archives);
	free(partial);
	return ret;
}

/* The .deb files in dir, sorted (malloc'd names). */
static int deb_files(const char *dir, struct strvec *files)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);
	if (n < 0)
		return error_errno("cannot read '%s'", dir);
	for (int i = 0; i < n; i++) {
		size_t len = strlen(names[i]->d_name);
		if (len > 4 && !strcmp(names[i]->d_name + len - 4, ".deb"))
			strvec_push(files, names[i]->d_name);
		free(names[i]);
	}
	free(names);
	return 0;
}

/* Fetch names into <cache>/deb: each pinned one at its pinned version.  updated: as for
 * download. */
static int fetch(const struct plan *plan, const struct lockfile *lock, const struct strvec *roots,
		 const char *arch, const char *debdir, const char *log, int *updated,
		 struct strvec *files)
{
	char *tmp = path_join(debdir, "fetch.tmp");
	struct strvec names;
	int ret = -1;
	strvec_init(&names);
	for (size_t i = 0; i < roots->n; i++) {
		const char *version = NULL;
		for (size_t j = 0; lock && j < lock->n && !version; j++) {
			char *name = name_of_file(lock->pins[j].file);
			if (!strcmp(lock->pins[j].role, "deb") && !strcmp(name, roots->v[i]) &&
			    !lock->update)
				version = lock->pins[j].version;
			free(name);
		}
		if (version)
			strvec_pushf(&names, "%s=%s", roots->v[i], version);
		else
			strvec_push(&names, roots->v[i]);
	}
	if (download(plan, &names, arch, tmp, log, updated) < 0 || deb_files(tmp, files) < 0)
		goto out;
	for (size_t i = 0; i < files->n; i++) {
		char *from = path_join(tmp, files->v[i]), *to = path_join(debdir, files->v[i]);
		int rc = rename(from, to);
		if (rc < 0)
			error_errno("cannot move '%s' to '%s'", from, to);
		free(from);
		free(to);
		if (rc < 0)
			goto out;
	}
	ret = 0;
out:
	remove_tree(tmp);
	free(tmp);
	strvec_clear(&names);
	return ret;
}

/* When the lock pins every root and the cache holds every pinned file: those files (and 1);
 * else 0. */
static int from_lock(const struct lockfile *lock, const struct strvec *roots, const char *debdir,
		     struct strvec *files)
{
	struct strvec pinned;
	int ok = lock && lock->exists && !lock->update;
	strvec_init(&pinned);
	for (size_t i = 0; ok && i < lock->n; i++) {
		const struct lockfile_pin *p = &lock->pins[i];
		char *path, *name;
		if (strcmp(p->role, "deb"))
			continue;
		path = path_join(debdir, p->file);
		ok = file_exists(path);
		free(path);
		name = name_of_file(p->file);
		add_once(&pinned, name);
		free(name);
		if (ok)
			strvec_push(files, p->file);
	}
	for (size_t i = 0; ok && i < roots->n; i++)
		ok = has(&pinned, roots->v[i]);
	strvec_clear(&pinned);
	if (!ok)
		strvec_clear(files);
	return ok;
}

/* ---- reading ---- */

/* Does this maintainer script add users or groups? */
static int script_adds_users(const char *text)
{
	static const char *const words[] = {"adduser", "useradd", "addgroup", "groupadd",
					    "systemd-sysusers"};
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strstr(text, words[i]))
			return 1;
	return 0;
}

/* The package's files, extracted once to <debdir>/tree/SHA256. */
static int extract(const struct deb *d, const char *debdir, struct package *p)
{
	char *name = xasprintf("tree/%s", p->sha256);
	char *tmp;
	int ret = 0;
	p->tree = path_join(debdir, name);
	free(name);
	if (is_dir(p->tree))
		return 0;
	tmp = xasprintf("%s.tmp", p->tree);
	if (remove_tree(tmp) < 0 || mkdir_p(tmp, 0755) < 0 || deb_extract(d, tmp) < 0)
		ret = -1;
	else if (rename(tmp, p->tree) < 0)
		ret = error_errno("cannot rename '%s' to '%s'", tmp, p->tree);
	if (ret)
		remove_tree(tmp);
	free(tmp);
	return ret;
}

static char *field(const struct deb822_para *para, const char *name)
{
	const char *v = deb822_get(para, name);
	return v ? xstrdup(v) : NULL;
}

/* Read the control file and the maintainer scripts of p->deb. */
static int read_control(const struct deb *d, struct package *p)
{
	static const char *const scripts[] = {"preinst", "postinst"};
	struct buf b;
	struct deb822 c;
	int ret = -1;
	buf_init(&b);
	if (deb_control(d, &b) < 0)
		goto out;
	deb822_parse(&c, b.data);
	if (c.n) {
		p->name = field(&c.v[0], "Package");
		p->version = field(&c.v[0], "Version");
		p->arch = field(&c.v[0], "Architecture");
		p->depends = field(&c.v[0], "Depends");
		p->pre_depends = field(&c.v[0], "Pre-Depends");
		p->provides = field(&c.v[0], "Provides");
	}
	deb822_release(&c);
	if (!p->name || !p->version || !p->arch) {
		error("'%s': its control file has no Package, Version or Architecture", p->deb);
		goto out;
	}
	for (size_t i = 0; i < sizeof(scripts) / sizeof(scripts[0]); i++) {
		int rc;
		buf_setlen(&b, 0);
		if ((rc = deb_control_file(d, scripts[i], &b)) < 0)
			goto out;
		if (rc == 0 && script_adds_users(b.data))
			p->adds_users = 1;
	}
	ret = 0;
out:
	buf_release(&b);
	return ret;
}

/* The version in a .deb file's name (NAME_VERSION_ARCH.deb, an epoch's ':' as %3a), malloc'd;
 * "-" when the name is not of that form. */
static char *version_of_file(const char *file)
{
	const char *a = strchr(file, '_'), *b = a ? strchr(a + 1, '_') : NULL;
	struct buf v;
	if (!b)
		return xstrdup("-");
	buf_init(&v);
	for (const char *c = a + 1; c < b; c++) {
		if (!strncasecmp(c, "%3a", 3)) {
			buf_adds(&v, ":");
			c += 2;
		} else {
			buf_add(&v, c, 1);
		}
	}
	return buf_detach(&v, NULL);
}

/* One .deb of the cache: checked against its pin (before anything of it is read), read, its
 * files extracted. */
static int load(const struct plan *plan, struct lockfile *lock, const char *debdir,
		const char *file, const char *role, struct package *p)
{
	struct lockfile_pin actual = {.role = (char *)role};
	struct deb d = {0};
	struct stat st;
	char *hint, *copyright, *version = version_of_file(file);
	struct buf b;
	int ret = -1;

	p->file = xstrdup(file);
	p->deb = path_join(debdir, file);
	if (stat(p->deb, &st) < 0) {
		free(version);
		return error_errno("cannot stat '%s'", p->deb);
	}
	p->size = (uint64_t)st.st_size;
	if (memo_sha256(plan->cache_dir, p->deb, 0, p->sha256) < 0) {
		free(version);
		return -1;
	}
	actual.file = p->file;
	actual.version = version;
	actual.size = p->size;
	memcpy(actual.sha256, p->sha256, 65);
	hint = xasprintf("delete '%s' so that it is fetched again", p->deb);
	ret = lock ? lockfile_check(lock, &actual, p->deb, NULL, hint) : 0;
	free(hint);
	if (ret < 0 || (ret = deb_open(p->deb, &d)) < 0 || (ret = read_control(&d, p)) < 0)
		goto out;
	if (strcmp(p->version, version)) {
		ret = error("'%s' holds version %s of %s, not the version its name says", p->deb,
			    p->version, p->name);
		goto out;
	}
	if ((ret = extract(&d, debdir, p)) < 0)
		goto out;
	buf_init(&b);
	copyright = xasprintf("%s/usr/share/doc/%s/copyright", p->tree, p->name);
	if (file_exists(copyright) && read_file(copyright, &b) == 0)
		p->copyright = buf_detach(&b, NULL);
	buf_release(&b);
	free(copyright);
out:
	free(version);
	deb_release(&d);
	return ret;
}

static void package_release(struct package *p)
{
	free(p->name);
	free(p->version);
	free(p->arch);
	free(p->file);
	free(p->deb);
	free(p->tree);
	free(p->depends);
	free(p->pre_depends);
	free(p->provides);
	free(p->copyright);
}

void packages_release(struct packages *p)
{
	for (size_t i = 0; i < p->n; i++)
		package_release(&p->v[i]);
	free(p->v);
	memset(p, 0, sizeof(*p));
}

const struct package *packages_find(const struct packages *p, const char *name)
{
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->v[i].name, name))
			return &p->v[i];
	return NULL;
}

/* Add to roots what the rule of package name brings. */
static void add_brought(const char *name, struct strvec *roots)
{
	const struct pkgrule *r = pkgrule_find(name);
	char *copy, *save = NULL;
	if (!r || !r->brings)
		return;
	copy = xstrdup(r->brings);
	for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save))
		add_once(roots, t);
	free(copy);
}

/* Add the packages the rules of the set's packages bring; returns how many were new. */
static size_t rule_roots(const struct packages *p, struct strvec *roots)
{
	size_t before = roots->n;
	for (size_t i = 0; i < p->n; i++)
		add_brought(p->v[i].name, roots);
	return roots->n - before;
}

/* A package named in mkdistro.conf that adds users in its maintainer scripts, with no rule:
 * an error.  (What it needs, such as adduser itself, is not asked: its scripts serve its
 * own installation.) */
static int check_rules(const struct plan *plan, const struct packages *p,
		       const struct strvec *roots)
{
	for (size_t i = 0; i < p->n; i++) {
		const struct package *k = &p->v[i];
		if (k->adds_users && has(roots, k->name) && !pkgrule_find(k->name)) {
			char *where = where_named(plan, k->name);
			error("%s: package %s adds users or groups in its maintainer scripts, which "
			      "mkdistro does not run, and mkdistro has no rule for it yet (the rules are "
			      "listed in docs/packages.md); its programs would not find them", where,
			      k->name);
			free(where);
			return -1;
		}
	}
	return 0;
}

/* Load files (their names in debdir) into out. */
static int load_all(const struct plan *plan, struct lockfile *lock, const char *debdir,
		    const struct strvec *files, struct packages *out)
{
	packages_release(out);
	out->arch = plan->arch->debian;
	out->v = xcalloc(files->n ? files->n : 1, sizeof(*out->v));
	for (size_t i = 0; i < files->n; i++) {
		out->n++;
		if (load(plan, lock, debdir, files->v[i], "deb", &out->v[i]) < 0)
			return -1;
	}
	return 0;
}

int packages_get(const struct plan *plan, struct lockfile *lock, const char *log,
		 struct packages *out)
{
	char *debdir = path_join(plan->cache_dir, "deb");
	struct strvec roots, files, want;
	int ret = -1, fetched = 0;

	memset(out, 0, sizeof(*out));
	strvec_init(&want);
	out->arch = plan->arch->debian;
	strvec_init(&roots);
	strvec_init(&files);
	for (size_t i = 0; i < plan->n_ivar; i++)
		for (size_t j = 0; j < plan->ivar[i].n_packages; j++)
			add_once(&roots, plan->ivar[i].packages[j]);
	if (!roots.n) {
		ret = 0;
		goto out;
	}
	if (mkdir_p(debdir, 0755) < 0)
		goto out;
	/* Fetch the roots; then, as long as the rules of what came bring packages that did not
	 * come, those (and what they need) too */
	for (size_t i = 0; i < roots.n; i++)
		strvec_push(&want, roots.v[i]);
	for (int round = 0; round < RULE_ROUNDS && want.n; round++) {
		struct strvec got;
		size_t before;
		strvec_init(&got);
		if (from_lock(lock, &roots, debdir, &got)) {
			strvec_clear(&files);
		} else if (fetch(plan, lock, &want, out->arch, debdir, log, &fetched, &got) < 0) {
			strvec_clear(&got);
			goto out;
		}
		for (size_t i = 0; i < got.n; i++)
			add_once(&files, got.v[i]);
		strvec_clear(&got);
		if (load_all(plan, lock, debdir, &files, out) < 0)
			goto out;
		before = roots.n;
		rule_roots(out, &roots);
		strvec_clear(&want);
		for (size_t i = before; i < roots.n; i++)
			if (!packages_find(out, roots.v[i]))
				strvec_push(&want, roots.v[i]);
	}
	out->fetched = fetched;
	ret = check_rules(plan, out, &roots);
out:
	strvec_clear(&roots);
	strvec_clear(&files);
	strvec_clear(&want);
	free(debdir);
	return ret;
}

/* ---- one variant's share ---- */

int packages_of_variant(const struct plan *plan, const struct packages *p,
			const struct ivariant *v, unsigned char *need, unsigned char *root)
{
	struct debpkg *set = xcalloc(p->n ? p->n : 1, sizeof(*set));
	struct strvec roots;
	char *why = NULL;
	int ret = 0;

	strvec_init(&roots);
	for (size_t j = 0; j < plan->ivar[0].n_packages; j++)
		add_once(&roots, plan->ivar[0].packages[j]);
	for (size_t j = 0; v && v != &plan->ivar[0] && j < v->n_packages; j++)
		add_once(&roots, v->packages[j]);
	for (size_t i = 0; i < p->n; i++)
		set[i] = (struct debpkg){p->v[i].name, p->v[i].arch, p->v[i].depends,
					 p->v[i].pre_depends, p->v[i].provides};
	memset(need, 0, p->n);
	memset(root, 0, p->n);
	/* the closure, then what the rules of its packages bring, until nothing is new */
	for (size_t before = (size_t)-1; ret == 0 && before != roots.n;) {
		before = roots.n;
		if (debdeps_closure(set, p->n, roots.v, roots.n, need, &why) < 0) {
			ret = error("%s (run with the network, or mkdistro lock --update)", why);
			break;
		}
		for (size_t i = 0; i < p->n; i++)
			if (need[i])
				add_brought(p->v[i].name, &roots);
	}
	for (size_t i = 0; i < p->n; i++)
		root[i] = need[i] && has(&roots, p->v[i].name);
	free(why);
	free(set);
	strvec_clear(&roots);
	return ret;
}

/* ---- one package alone ---- */

/* apt-get download of spec (NAME or NAME=VERSION) for arch into the empty directory dir;
 * the file's name (malloc'd), or NULL (reported). */
static char *download_one(const struct plan *plan, const char *spec, const char *arch,
			  const char *dir, const char *log)
{
	struct fetch f;
	struct strvec files;
	char *what = xasprintf("'%s'", spec), *file = NULL;

	strvec_init(&files);
	if (fetch_init(&f, plan, arch, dir, dir, what) < 0)
		goto out;
	const char *get[] = {"-o", f.archopt, "-o", f.archesopt, "-q", "download", spec, NULL};
	info("  fetching %s for %s with apt-get download (private apt configuration in %s)", spec,
	     arch, f.apt.dir);
	fetch_update(&f, log);
	if (apt_get(&f.apt, get, dir, log) < 0 || deb_files(dir, &files) < 0)
		goto out;
	if (files.n != 1)
		error("apt-get download %s left %zu .deb files in '%s', not one", spec, files.n, dir);
	else
		file = xstrdup(files.v[0]);
out:
	strvec_clear(&files);
	fetch_release(&f);
	free(what);
	return file;
}

int packages_get_one(const struct plan *plan, struct lockfile *lock, const char *role,
		     const char *name, const char *log, struct package *out)
{
	char *debdir = path_join(plan->cache_dir, "deb"), *file = NULL, *spec = NULL;
	char *tmp = path_join(debdir, "fetch-one.tmp");
	int ret = -1;

	memset(out, 0, sizeof(*out));
	if (mkdir_p(debdir, 0755) < 0)
		goto out;
	/* the pinned file, when the cache has it */
	for (size_t i = 0; lock && !lock->update && i < lock->n && !spec; i++) {
		const struct lockfile_pin *pin = &lock->pins[i];
		char *pinned = name_of_file(pin->file), *path = path_join(debdir, pin->file);
		if (!strcmp(pin->role, role) && !strcmp(pinned, name)) {
			spec = xasprintf("%s=%s", name, pin->version);
			if (file_exists(path))
				file = xstrdup(pin->file);
		}
		free(pinned);
		free(path);
	}
	if (!file) {
		char *got = download_one(plan, spec ? spec : name, plan->arch->debian, tmp, log);
		char *from = got ? path_join(tmp, got) : NULL, *to = got ? path_join(debdir, got) : NULL;
		if (got && rename(from, to) < 0)
			error_errno("cannot move '%s' to '%s'", from, to);
		else
			file = got ? xstrdup(got) : NULL;
		free(got);
		free(from);
		free(to);
		remove_tree(tmp);
		if (!file)
			goto out;
	}
	ret = load(plan, lock, debdir, file, role, out);
out:
	free(debdir);
	free(tmp);
	free(file);
	free(spec);
	return ret;
}

void packages_release_one(struct package *p)
{
	package_release(p);
	memset(p, 0, sizeof(*p));
}
