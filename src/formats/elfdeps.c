/* elfdeps.c: the shared libraries a set of programs needs, found as ld.so would (see
 * elfdeps.h for the search order).
 *
 * Spec: ld.so(8) and ldconfig(8) (https://man7.org/linux/man-pages/man8/ld.so.8.html), the
 * System V ABI "Dynamic Linking" chapter (Shared Object Dependencies, Substitution
 * Sequences), and what `/lib64/ld-linux-x86-64.so.2 --help` prints on the host for the
 * system directories.  Behaviour that the man pages leave open follows glibc's
 * elf/dl-load.c as documented: an object already loaded answers to its soname and to the
 * same file reached by another path; an empty element of a search path is the current
 * directory; a file of another ELF class or machine is skipped and the search goes on, while
 * a file that is not ELF at all is an error.
 */
#include "formats/elfdeps.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/elf.h"
#include "formats/fileview.h"
#include "formats/ldsoconf.h"
#include "formats/manifest.h"
#include "sys/alloc.h"
#include "sys/buf.h"
#include "sys/log.h"
#include "sys/strvec.h"

/* This host's ELF machine and Debian multiarch triplet: the default target. */
#if defined(__x86_64__) && defined(__LP64__)
const struct elfdeps_target elfdeps_host = {ELF_EM_X86_64, 1, "x86_64-linux-gnu", "x86_64"};
#elif defined(__aarch64__) && defined(__LP64__)
const struct elfdeps_target elfdeps_host = {ELF_EM_AARCH64, 1, "aarch64-linux-gnu", "aarch64"};
#else
#error "elfdeps.c: add this host's ELF machine and multiarch triplet"
#endif
#define TARGET_LITTLE_ENDIAN 1 /* every target so far */

/* Debian's ld.so's built-in search path for target t: /lib/<triplet>, /usr/lib/<triplet>,
 * /lib, /usr/lib.  $LIB is lib/<triplet>. */
#define N_SYSTEM_DIRS 4
static const char *system_dir(const struct elfdeps_target *t, size_t i, char *s, size_t n)
{
	static const char *const fmt[N_SYSTEM_DIRS] = {"/lib/%s", "/usr/lib/%s", "/lib", "/usr/lib"};
	snprintf(s, n, fmt[i], t->triplet);
	return s;
}

#define NONE SIZE_MAX

/* One object in the process image that ld.so would build. */
struct obj {
	char *host;   /* the file on the host */
	char *path;   /* the path ld.so knows it by (l_name): "" for the program */
	char *origin; /* $ORIGIN: the host directory of host (absolute) */
	struct elf_info info;
	dev_t dev;
	ino_t ino;
	size_t loader; /* the object whose DT_NEEDED brought it in, or NONE */
	struct strvec names; /* the names it was requested as */
	int is_interp;
};

/* Resolving one program. */
struct walk {
	struct elfdeps *d;
	const char *binary; /* as given, for messages */
	struct fileview view; /* d->tree, or the host under d->root */
	struct obj *v;      /* v[0] is the program; objects in load order */
	size_t n, cap;
	size_t interp;      /* index of the interpreter in v, or NONE */
	int interp_listed;
	struct elf_dep *deps; /* what this program needs; merged into d on success */
	size_t n_deps, cap_deps;
	struct strvec searched; /* directories tried for the current name, for the message */
};

enum probe {
	PROBE_OK,
	PROBE_ABSENT,     /* cannot be opened, or not a regular file */
	PROBE_OTHER_ARCH, /* ELF, but another class, byte order or machine: skipped */
	PROBE_BAD,        /* not usable at all: an error */
};

/* ---- paths ---- */

/* abs without "", "." and ".." parts, as a path inside the image must be. */
static char *normalise(const char *abs)
{
	struct buf b;
	const char *p = abs;
	buf_init(&b);
	while (*p) {
		const char *s;
		size_t n;
		while (*p == '/')
			p++;
		s = p;
		while (*p && *p != '/')
			p++;
		n = (size_t)(p - s);
		if (n == 0 || (n == 1 && s[0] == '.'))
			continue;
		if (n == 2 && s[0] == '.' && s[1] == '.') {
			char *slash = strrchr(b.data, '/');
			if (slash) {
				b.len = (size_t)(slash - b.data);
				b.data[b.len] = '\0';
			}
			continue;
		}
		buf_add(&b, "/", 1);
		buf_add(&b, s, n);
	}
	if (!b.len)
		buf_adds(&b, "/");
	return buf_detach(&b, NULL);
}

/* Length of the dynamic string token ref at p (just after the '$'), or 0. */
static size_t is_dst(const char *p, const char *ref)
{
	size_t n = strlen(ref);
	if (*p == '{')
		return strncmp(p + 1, ref, n) == 0 && p[1 + n] == '}' ? n + 2 : 0;
	if (strncmp(p, ref, n) != 0 || isalnum((unsigned char)p[n]) || p[n] == '_')
		return 0;
	return n;
}

/* s with $ORIGIN, $LIB and $PLATFORM (or ${...}) replaced; other '$'s stay.  *from_origin
 * says s starts with $ORIGIN, so the result is a host path, not one inside root. */
static char *expand_dst(const struct elfdeps_target *t, const char *s, const char *origin,
			int *from_origin)
{
	struct buf b;
	buf_init(&b);
	*from_origin = 0;
	for (const char *p = s; *p;) {
		size_t n;
		if (*p != '$') {
			buf_add(&b, p++, 1);
		} else if ((n = is_dst(p + 1, "ORIGIN"))) {
			*from_origin |= p == s;
			buf_adds(&b, origin);
			p += 1 + n;
		} else if ((n = is_dst(p + 1, "LIB"))) {
			buf_addf(&b, "lib/%s", t->triplet);
			p += 1 + n;
		} else if ((n = is_dst(p + 1, "PLATFORM"))) {
			buf_adds(&b, t->platform);
			p += 1 + n;
		} else {
			buf_add(&b, p++, 1);
		}
	}
	return buf_detach(&b, NULL);
}

/* ---- reading files ---- */

static void describe_arch(char *s, size_t n, unsigned machine, int class64, int le)
{
	const char *name = elf_machine_name(machine);
	char num[32];
	if (!name) {
		snprintf(num, sizeof(num), "machine %u", machine);
		name = num;
	}
	snprintf(s, n, "%s, %d-bit%s", name, class64 ? 64 : 32,
		 le == TARGET_LITTLE_ENDIAN ? "" : le ? ", little-endian" : ", big-endian");
}

/* Parse size bytes at p into *info, for probe. */
static enum probe probe_data(const struct elfdeps_target *t, const void *p, size_t size,
			     struct elf_info *info, char *why, size_t whylen)
{
	char err[200];
	if (elf_parse(p, size, info, err, sizeof(err)) < 0) {
		if (strcmp(err, "not an ELF file") == 0)
			snprintf(why, whylen, "is not an ELF file");
		else
			snprintf(why, whylen, "is a malformed ELF file: %s", err);
		return PROBE_BAD;
	}
	if (info->class64 != t->class64 || info->little_endian != TARGET_LITTLE_ENDIAN ||
	    info->machine != (unsigned)t->machine) {
		describe_arch(why, whylen, info->machine, info->class64, info->little_endian);
		return PROBE_OTHER_ARCH;
	}
	if (info->type != ELF_ET_DYN && info->type != ELF_ET_EXEC) {
		snprintf(why, whylen, "is not an executable or shared library (ELF type %u)",
			 info->type);
		return PROBE_BAD;
	}
	return PROBE_OK;
}

/* Read and parse host, a host path of the walk's view, into *info (which the caller releases
 * in every case), and say which file it is.  On PROBE_ABSENT errno says why, or why is set;
 * on PROBE_BAD why says what is wrong, as a predicate ("is not an ELF file"); on
 * PROBE_OTHER_ARCH why names the architecture. */
static enum probe probe(const struct walk *w, const char *host, struct elf_info *info,
			dev_t *dev, ino_t *ino, char *why, size_t whylen)
{
	struct fileview_file f;
	enum probe rc = PROBE_BAD;

	memset(info, 0, sizeof(*info));
	why[0] = '\0';
	switch (fileview_open(&w->view, host, &f, why, whylen)) {
	case FILEVIEW_OK:
		*dev = f.dev;
		*ino = f.ino;
		rc = probe_data(w->d->target, f.data, f.size, info, why, whylen);
		fileview_close(&f);
		break;
	case FILEVIEW_ABSENT:
		rc = PROBE_ABSENT;
		break;
	case FILEVIEW_NOT_REGULAR:
		snprintf(why, whylen, "is not a regular file");
		rc = PROBE_ABSENT;
		break;
	case FILEVIEW_UNREADABLE:
		rc = PROBE_BAD;
		break;
	}
	return rc;
}

/* ---- /etc/ld.so.conf, standing in for /etc/ld.so.cache ---- */

/* The directories of /etc/ld.so.conf, read once for all the programs of d. */
static void conf_load(struct elfdeps *d, const struct fileview *v)
{
	if (d->conf_read)
		return;
	d->conf_read = 1;
	/* ld.so reads only the cache, which ldconfig makes from the configuration: an image
	 * with a configuration and no cache searches the system directories alone.  The host
	 * (or a root of its kind) is taken to have run ldconfig. */
	if (d->tree && !manifest_resolve(d->tree, "/etc/ld.so.cache"))
		return;
	ldsoconf_read(&d->conf, v, "/etc/ld.so.conf");
}

static int is_system_dir(const struct elfdeps_target *t, const char *dir)
{
	char s[128];
	for (size_t i = 0; i < N_SYSTEM_DIRS; i++)
		if (strcmp(dir, system_dir(t, i, s, sizeof(s))) == 0)
			return 1;
	return 0;
}

/* ---- the walk over one program ---- */

static void obj_add_name(struct obj *o, const char *name)
{
	for (size_t i = 0; i < o->names.n; i++)
		if (strcmp(o->names.v[i], name) == 0)
			return;
	strvec_push(&o->names, name);
}

/* Append an object; host, path and info are taken over. */
static size_t add_obj(struct walk *w, char *host, char *path, struct elf_info *info, dev_t dev,
		      ino_t ino, size_t loader)
{
	struct obj *o;
	XGROW(w->v, w->cap, w->n + 1);
	o = &w->v[w->n];
	memset(o, 0, sizeof(*o));
	strvec_init(&o->names);
	o->host = host;
	o->path = path;
	o->origin = fileview_dirname(host);
	o->info = *info;
	memset(info, 0, sizeof(*info));
	o->dev = dev;
	o->ino = ino;
	o->loader = loader;
	return w->n++;
}

static void list_dep(struct walk *w, const char *name, const char *host, const char *path,
		     int is_interp)
{
	char *abs = fileview_absolute(path), *image = normalise(abs);
	struct elf_dep *e;
	free(abs);
	for (size_t i = 0; i < w->n_deps; i++) {
		if (strcmp(w->deps[i].image_path, image) == 0) {
			free(image);
			return;
		}
	}
	XGROW(w->deps, w->cap_deps, w->n_deps + 1);
	e = &w->deps[w->n_deps++];
	e->name = xstrdup(name);
	e->host_path = xstrdup(host);
	e->image_path = image;
	e->is_interp = is_interp;
}

static void list_interp(struct walk *w)
{
	const struct obj *o = &w->v[w->interp];
	if (w->interp_listed)
		return;
	w->interp_listed = 1;
	list_dep(w, o->path, o->host, o->path, 1);
}

/* The loaded object that answers to name, as ld.so's _dl_name_match_p plus its soname
 * check: the program only by its soname (its l_name is ""). */
static size_t find_loaded(const struct walk *w, const char *name)
{
	for (size_t i = 0; i < w->n; i++) {
		const struct obj *o = &w->v[i];
		if (i > 0 && strcmp(o->path, name) == 0)
			return i;
		for (size_t k = 0; k < o->names.n; k++)
			if (strcmp(o->names.v[k], name) == 0)
				return i;
		if (o->info.soname && strcmp(o->info.soname, name) == 0)
			return i;
	}
	return NONE;
}

/* Who needs a library, for messages: the program, or a library and the program. */
static char *subject(const struct walk *w, size_t li)
{
	if (li == 0)
		return xasprintf("'%s'", w->binary);
	return xasprintf("'%s' (loaded for '%s')", w->v[li].host, w->binary);
}

/* An object that has been found: the same file as a loaded one is that one (ld.so compares
 * device and inode), otherwise it is loaded.  Takes over host and info. */
static void found(struct walk *w, size_t li, const char *name, char *host, const char *path,
		  struct elf_info *info, dev_t dev, ino_t ino)
{
	size_t i;
	for (i = 0; i < w->n; i++) {
		if (w->v[i].dev == dev && w->v[i].ino == ino) {
			obj_add_name(&w->v[i], name);
			if (i == w->interp)
				list_interp(w);
			free(host);
			elf_info_release(info);
			return;
		}
	}
	i = add_obj(w, host, xstrdup(path), info, dev, ino, li);
	obj_add_name(&w->v[i], name);
	list_dep(w, name, w->v[i].host, w->v[i].path, 0);
}

static void note_searched(struct walk *w, const char *dir)
{
	for (size_t i = 0; i < w->searched.n; i++)
		if (strcmp(w->searched.v[i], dir) == 0)
			return;
	strvec_push(&w->searched, dir);
}

/* The directories searched for the current name, ", "-separated (malloc'd; "" for none). */
static char *searched_list(const struct walk *w)
{
	struct buf dirs;
	buf_init(&dirs);
	for (size_t i = 0; i < w->searched.n; i++)
		buf_addf(&dirs, "%s%s", i ? ", " : "", w->searched.v[i]);
	return buf_detach(&dirs, NULL);
}

/* With keep_going, add to d->missing that object li needs name and lacks it (why: NULL
 * when nothing is there, else what is wrong with what is; with searched, the directories
 * tried) and return 1, so that the caller goes on; without, return 0: the caller reports. */
static int pass_over(struct walk *w, size_t li, const char *name, int is_interp,
		     const char *why, int searched)
{
	struct elfdeps *d = w->d;
	const char *by = li == 0 ? w->binary : w->v[li].host;
	struct elf_missing *e;

	if (!d->keep_going)
		return 0;
	for (size_t i = 0; i < d->n_missing; i++)
		if (d->missing[i].is_interp == is_interp && !strcmp(d->missing[i].name, name) &&
		    !strcmp(d->missing[i].needed_by, by))
			return 1;
	XGROW(d->missing, d->cap_missing, d->n_missing + 1);
	e = &d->missing[d->n_missing++];
	memset(e, 0, sizeof(*e));
	e->name = xstrdup(name);
	e->needed_by = xstrdup(by);
	e->why = why && *why ? xstrdup(why) : NULL;
	e->is_interp = is_interp;
	if (searched)
		e->searched = searched_list(w);
	return 1;
}

/* pass_over for name, whose probe at path gave kind and why. */
static int pass_over_file(struct walk *w, size_t li, const char *name, int is_interp,
			  const char *path, enum probe kind, const char *why)
{
	char *what;
	int rc;
	if (kind == PROBE_ABSENT && !why[0])
		return pass_over(w, li, name, is_interp, NULL, 0);
	if (kind == PROBE_OTHER_ARCH)
		what = xasprintf("'%s' is for another architecture (%s)", path, why);
	else
		what = xasprintf("'%s' %s", path, why);
	rc = pass_over(w, li, name, is_interp, what, 0);
	free(what);
	return rc;
}

/* Try dir/name.  host_dir is the directory on the host, dir as ld.so sees it.  With
 * by_soname (the ld.so.cache stand-in) a file only counts when its soname is name.
 * Returns 1 when found, 0 when not, -1 on error (reported). */
static int try_dir(struct walk *w, size_t li, const char *host_dir, const char *dir,
		   const char *name, int by_soname)
{
	char *host = fileview_join(host_dir, name), *path = fileview_join(dir, name), *who;
	struct elf_info info;
	char why[256];
	dev_t dev = 0;
	ino_t ino = 0;
	int rc = 0;

	note_searched(w, *dir ? dir : ".");
	switch (probe(w, host, &info, &dev, &ino, why, sizeof(why))) {
	case PROBE_OK:
		if (by_soname && info.soname && strcmp(info.soname, name) != 0)
			break;
		found(w, li, name, host, path, &info, dev, ino);
		host = NULL;
		rc = 1;
		break;
	case PROBE_ABSENT:
	case PROBE_OTHER_ARCH:
		break;
	case PROBE_BAD:
		if (pass_over_file(w, li, name, 0, path, PROBE_BAD, why)) {
			rc = 1; /* ld.so stops at such a file too */
			break;
		}
		who = subject(w, li);
		rc = error("%s needs '%s', but '%s' %s", who, name, host, why);
		free(who);
		break;
	}
	elf_info_release(&info);
	free(host);
	free(path);
	return rc;
}

/* Try each directory of a DT_RPATH or DT_RUNPATH list that belongs to object owner. */
static int try_list(struct walk *w, size_t li, size_t owner, const char *list, const char *name)
{
	const char *p = list;
	int rc = 0;
	while (rc == 0) {
		size_t n = strcspn(p, ":");
		char *elem = xstrndup(p, n), *dir, *host_dir;
		int from_origin;
		dir = expand_dst(w->d->target, elem, w->v[owner].origin, &from_origin);
		if (from_origin) {
			host_dir = dir;
			dir = xstrdup(fileview_root_path(&w->view, host_dir));
		} else {
			host_dir = fileview_host_path(&w->view, dir);
		}
		rc = try_dir(w, li, host_dir, dir, name, 0);
		free(elem);
		free(dir);
		free(host_dir);
		if (!p[n])
			break;
		p += n + 1;
	}
	return rc;
}

/* Search for a name without '/', in ld.so's order (see elfdeps.h). */
static int search(struct walk *w, size_t li, const char *name)
{
	int nodeflib = (w->v[li].info.flags_1 & ELF_DF_1_NODEFLIB) != 0;
	char *who, *dirs;
	int rc = 0;

	strvec_clear(&w->searched);
	if (!w->v[li].info.runpath) {
		for (size_t l = li; l != NONE && rc == 0; l = w->v[l].loader)
			if (w->v[l].info.rpath && !w->v[l].info.runpath)
				rc = try_list(w, li, l, w->v[l].info.rpath, name);
	}
	/* LD_LIBRARY_PATH would come here; it belongs to the shell that runs mkdistro, not to
	 * the image, so it is ignored. */
	if (rc == 0 && w->v[li].info.runpath)
		rc = try_list(w, li, li, w->v[li].info.runpath, name);
	conf_load(w->d, &w->view);
	for (size_t i = 0; rc == 0 && i < w->d->conf.dirs.n; i++) {
		const char *dir = w->d->conf.dirs.v[i];
		char *host_dir;
		if (nodeflib && is_system_dir(w->d->target, dir))
			continue;
		host_dir = fileview_host_path(&w->view, dir);
		rc = try_dir(w, li, host_dir, dir, name, 1);
		free(host_dir);
	}
	for (size_t i = 0; rc == 0 && !nodeflib && i < N_SYSTEM_DIRS; i++) {
		char sd[128];
		const char *dir = system_dir(w->d->target, i, sd, sizeof(sd));
		char *host_dir = fileview_host_path(&w->view, dir);
		rc = try_dir(w, li, host_dir, dir, name, 0);
		free(host_dir);
	}
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	if (pass_over(w, li, name, 0, NULL, 1))
		return 0;
	dirs = searched_list(w);
	who = subject(w, li);
	rc = error("%s needs '%s', which is not found (searched: %s)", who, name,
		   *dirs ? dirs : "nothing");
	free(who);
	free(dirs);
	return rc;
}

/* A name with '/' is a path, relative to the current directory when not absolute. */
static int load_path(struct walk *w, size_t li, const char *name, int from_origin)
{
	char *host = from_origin ? xstrdup(name) : fileview_host_path(&w->view, name);
	const char *path = from_origin ? fileview_root_path(&w->view, name) : name;
	struct elf_info info;
	char why[256], *who = subject(w, li);
	dev_t dev = 0;
	ino_t ino = 0;
	int rc = 0;

	switch (probe(w, host, &info, &dev, &ino, why, sizeof(why))) {
	case PROBE_OK:
		found(w, li, name, host, path, &info, dev, ino);
		host = NULL;
		break;
	case PROBE_ABSENT:
		if (!pass_over_file(w, li, name, 0, path, PROBE_ABSENT, why))
			rc = error("%s needs '%s', which is not found", who, name);
		break;
	case PROBE_OTHER_ARCH:
		if (!pass_over_file(w, li, name, 0, path, PROBE_OTHER_ARCH, why))
			rc = error("%s needs '%s', which is for another architecture (%s)", who, name,
				   why);
		break;
	case PROBE_BAD:
		if (!pass_over_file(w, li, name, 0, path, PROBE_BAD, why))
			rc = error("%s needs '%s', but '%s' %s", who, name, host, why);
		break;
	}
	elf_info_release(&info);
	free(host);
	free(who);
	return rc;
}

static int need(struct walk *w, size_t li, const char *raw)
{
	int from_origin, rc = 0;
	char *name = expand_dst(w->d->target, raw, w->v[li].origin, &from_origin);
	size_t i = find_loaded(w, name);
	const char *interp = w->v[0].info.interp;

	if (i != NONE) {
		obj_add_name(&w->v[i], name);
		if (i == w->interp)
			list_interp(w);
	} else if (w->interp == NONE && interp &&
		   !strcmp(name, strrchr(interp, '/') ? strrchr(interp, '/') + 1 : interp)) {
		/* libc needs the interpreter, which keep_going has passed over: once is enough */
	} else if (strchr(name, '/')) {
		rc = load_path(w, li, name, from_origin);
	} else {
		rc = search(w, li, name);
	}
	free(name);
	return rc;
}

static int add_interp(struct walk *w)
{
	const char *interp = w->v[0].info.interp;
	char *host = fileview_host_path(&w->view, interp);
	struct elf_info info;
	char why[256];
	dev_t dev = 0;
	ino_t ino = 0;
	int rc = 0;

	switch (probe(w, host, &info, &dev, &ino, why, sizeof(why))) {
	case PROBE_OK:
		w->interp = add_obj(w, host, xstrdup(interp), &info, dev, ino, NONE);
		obj_add_name(&w->v[w->interp], interp);
		host = NULL;
		break;
	case PROBE_ABSENT:
		if (!pass_over_file(w, 0, interp, 1, interp, PROBE_ABSENT, why))
			rc = error("'%s' needs the interpreter '%s', which is not found", w->binary,
				   interp);
		break;
	case PROBE_OTHER_ARCH:
		if (!pass_over_file(w, 0, interp, 1, interp, PROBE_OTHER_ARCH, why))
			rc = error("'%s' needs the interpreter '%s', which is for another architecture "
				   "(%s)",
				   w->binary, interp, why);
		break;
	case PROBE_BAD:
		if (pass_over_file(w, 0, interp, 1, interp, PROBE_BAD, why))
			break;
		rc = error("'%s' needs the interpreter '%s', but '%s' %s", w->binary, interp, host,
			   why);
		break;
	}
	elf_info_release(&info);
	free(host);
	return rc;
}

static int add_program(struct walk *w)
{
	struct elf_info info;
	char why[256], arch[64];
	dev_t dev = 0;
	ino_t ino = 0;
	int rc = 0;

	switch (probe(w, w->binary, &info, &dev, &ino, why, sizeof(why))) {
	case PROBE_OK:
		add_obj(w, xstrdup(w->binary), xstrdup(""), &info, dev, ino, NONE);
		break;
	case PROBE_ABSENT:
		rc = why[0] ? error("'%s' %s", w->binary, why)
			    : error_errno("cannot open '%s'", w->binary);
		break;
	case PROBE_OTHER_ARCH:
		describe_arch(arch, sizeof(arch), (unsigned)w->d->target->machine, w->d->target->class64,
			      TARGET_LITTLE_ENDIAN);
		rc = error("'%s' is for another architecture (%s), not %s (%s)", w->binary, why,
			   w->d->target == &elfdeps_host ? "this host's" : "the image's", arch);
		break;
	case PROBE_BAD:
		rc = error("'%s' %s", w->binary, why);
		break;
	}
	elf_info_release(&info);
	return rc;
}

static void dep_release(struct elf_dep *e)
{
	free(e->name);
	free(e->host_path);
	free(e->image_path);
}

static void walk_release(struct walk *w)
{
	for (size_t i = 0; i < w->n; i++) {
		struct obj *o = &w->v[i];
		free(o->host);
		free(o->path);
		free(o->origin);
		elf_info_release(&o->info);
		strvec_clear(&o->names);
	}
	free(w->v);
	for (size_t i = 0; i < w->n_deps; i++)
		dep_release(&w->deps[i]);
	free(w->deps);
	strvec_clear(&w->searched);
}

/* Move the program's deps into d, each image path once. */
static void merge(struct elfdeps *d, struct walk *w)
{
	for (size_t i = 0; i < w->n_deps; i++) {
		struct elf_dep *e = &w->deps[i];
		size_t k;
		for (k = 0; k < d->n; k++)
			if (strcmp(d->v[k].image_path, e->image_path) == 0)
				break;
		if (k < d->n) {
			dep_release(e);
			continue;
		}
		XGROW(d->v, d->cap, d->n + 1);
		d->v[d->n++] = *e;
	}
	w->n_deps = 0;
}

int elfdeps_add_binary(struct elfdeps *d, const char *path)
{
	struct walk w = { .d = d, .binary = path, .interp = NONE };
	int rc = -1;

	strvec_init(&w.searched);
	if (d->tree)
		fileview_manifest(&w.view, d->tree);
	else
		fileview_host(&w.view, d->root);
	if (add_program(&w) < 0)
		goto out;
	if (w.v[0].info.interp && add_interp(&w) < 0)
		goto out;
	/* Breadth first, as ld.so's _dl_map_object_deps: the order decides which object
	 * loads a library first, and so whose DT_RPATH applies. */
	for (size_t i = 0; i < w.n; i++) {
		if (w.v[i].is_interp)
			continue;
		for (size_t k = 0; k < w.v[i].info.n_needed; k++)
			if (need(&w, i, w.v[i].info.needed[k]) < 0)
				goto out;
	}
	if (w.interp != NONE)
		list_interp(&w);
	merge(d, &w);
	rc = 0;
out:
	walk_release(&w);
	return rc;
}

void elfdeps_init(struct elfdeps *d)
{
	memset(d, 0, sizeof(*d));
	d->root = "/";
	d->target = &elfdeps_host;
	ldsoconf_init(&d->conf);
}

void elfdeps_release(struct elfdeps *d)
{
	for (size_t i = 0; i < d->n; i++)
		dep_release(&d->v[i]);
	free(d->v);
	for (size_t i = 0; i < d->n_missing; i++) {
		free(d->missing[i].name);
		free(d->missing[i].needed_by);
		free(d->missing[i].searched);
		free(d->missing[i].why);
	}
	free(d->missing);
	ldsoconf_release(&d->conf);
	memset(d, 0, sizeof(*d));
}

void elfdeps_print(const struct elfdeps *d, FILE *f)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct elf_dep *e = &d->v[i];
		if (strcmp(e->name, e->host_path) == 0)
			fprintf(f, "\t%s\n", e->host_path);
		else
			fprintf(f, "\t%s => %s\n", e->name, e->host_path);
	}
}
