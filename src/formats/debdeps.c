/* debdeps.c: a closure over a fixed set of Debian packages (see debdeps.h).
 * Reference: Debian Policy 7.1 (relationship syntax) and 7.5 (Provides).
 */
#include "formats/debdeps.h"

#include <stdlib.h>
#include <string.h>

#include "sys/alloc.h"

/* The name that starts at s (white space skipped), up to a space, '(', '[', '<', ':', ',' or
 * '|'; *end gets where the alternative ends (at ',' '|' or the end).  malloc'd, or NULL for
 * an empty one. */
static char *alt_name(const char *s, const char **end)
{
	size_t len;
	char *name;
	s += strspn(s, " \t\n");
	len = strcspn(s, " \t\n([<:,|");
	name = len ? xstrndup(s, len) : NULL;
	*end = s + strcspn(s, ",|");
	return name;
}

/* Call each(name, ctx) for every alternative of every group of field, with the group's
 * number; stop when it returns nonzero, and return that. */
static int each_alt(const char *field, int (*each)(const char *name, size_t group, void *ctx),
		    void *ctx)
{
	size_t group = 0;
	const char *s = field;
	int r = 0;
	while (s && *s && !r) {
		const char *end;
		char *name = alt_name(s, &end);
		if (name)
			r = each(name, group, ctx);
		free(name);
		if (*end == ',')
			group++;
		s = *end ? end + 1 : end;
	}
	return r;
}

struct names {
	char **v;
	size_t n, cap;
};

static int add_name(const char *name, size_t group, void *ctx)
{
	struct names *ns = ctx;
	(void)group;
	for (size_t i = 0; i < ns->n; i++)
		if (!strcmp(ns->v[i], name))
			return 0;
	XGROW(ns->v, ns->cap, ns->n + 1);
	ns->v[ns->n++] = xstrdup(name);
	return 0;
}

size_t debdeps_names(const char *field, char ***names)
{
	struct names ns = {NULL, 0, 0};
	each_alt(field, add_name, &ns);
	*names = ns.v;
	return ns.n;
}

/* Does package p provide name (its Provides field, versions aside)? */
static int provides(const struct debpkg *p, const char *name)
{
	char **v;
	size_t n = p->provides ? debdeps_names(p->provides, &v) : 0;
	int yes = 0;
	for (size_t i = 0; i < n; i++) {
		yes |= !strcmp(v[i], name);
		free(v[i]);
	}
	if (n)
		free(v);
	return yes;
}

/* The package of set called name, else one that provides it; n when none. */
static size_t find(const struct debpkg *set, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(set[i].name, name))
			return i;
	for (size_t i = 0; i < n; i++)
		if (provides(&set[i], name))
			return i;
	return n;
}

/* The walk over one package's groups: the first alternative of each group that the set
 * holds. */
struct walk {
	const struct debpkg *set;
	size_t n;
	size_t *queue, nq;
	unsigned char *need;
	size_t group;       /* the group being read */
	int group_done;     /* an alternative of it was found */
	char *first_alt;    /* the group's first alternative, for the message */
	const char *needer; /* the package whose field this is */
	char *why;
};

static void take(struct walk *w, size_t i)
{
	if (!w->need[i]) {
		w->need[i] = 1;
		w->queue[w->nq++] = i;
	}
}

/* The group before the current one ended: it must have been satisfied. */
static int end_group(struct walk *w)
{
	if (w->first_alt && !w->group_done)
		w->why = xasprintf("package %s needs %s, which is not among the packages fetched",
				   w->needer, w->first_alt);
	free(w->first_alt);
	w->first_alt = NULL;
	w->group_done = 0;
	return w->why ? -1 : 0;
}

static int visit_alt(const char *name, size_t group, void *ctx)
{
	struct walk *w = ctx;
	size_t i;
	if (group != w->group) {
		if (end_group(w) < 0)
			return -1;
		w->group = group;
	}
	if (!w->first_alt)
		w->first_alt = xstrdup(name);
	if (w->group_done)
		return 0;
	if ((i = find(w->set, w->n, name)) < w->n) {
		take(w, i);
		w->group_done = 1;
	}
	return 0;
}

static int walk_field(struct walk *w, const char *field, const char *needer)
{
	if (!field)
		return 0;
	w->group = 0;
	w->group_done = 0;
	w->needer = needer;
	if (each_alt(field, visit_alt, w) < 0)
		return -1;
	return end_group(w);
}

int debdeps_closure(const struct debpkg *set, size_t n, const char *const *roots, size_t nroots,
		    unsigned char *need, char **why)
{
	struct walk w = {set, n, xcalloc(n ? n : 1, sizeof(size_t)), 0, need, 0, 0, NULL, NULL, NULL};
	int ret = 0;
	*why = NULL;
	for (size_t r = 0; r < nroots && !w.why; r++) {
		size_t i = find(set, n, roots[r]);
		if (i == n)
			w.why = xasprintf("package %s is not among the packages fetched", roots[r]);
		else
			take(&w, i);
	}
	for (size_t q = 0; q < w.nq && !w.why; q++) {
		const struct debpkg *p = &set[w.queue[q]];
		if (walk_field(&w, p->pre_depends, p->name) == 0)
			walk_field(&w, p->depends, p->name);
	}
	if (w.why) {
		*why = w.why;
		ret = -1;
	}
	free(w.first_alt);
	free(w.queue);
	return ret;
}
