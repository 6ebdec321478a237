/* debdeps.h: which of a set of Debian binary packages a few of them need, from their control
 * files alone.
 *
 * apt chooses the set (every package the named ones need, as the archive has them); this
 * walks it again offline, for each initrd variant's own names, so that a build from the cache
 * and the lock needs no apt.  Spec: Debian Policy 7.1 (the syntax of relationship fields:
 * "a (>= 1) | b:any, c") and 7.5 (virtual packages, Provides).  Pre-Depends and Depends
 * count; Recommends and Suggests do not (the image is built with --no-install-recommends).
 * For each comma-separated group the first alternative that the set holds, by name or by
 * Provides, is taken: the set came from apt, which took one of them.  Versions are not
 * compared: the set holds one version of each package.
 */
#ifndef MKDISTRO_DEBDEPS_H
#define MKDISTRO_DEBDEPS_H

#include <stddef.h>

struct debpkg {
	const char *name;
	const char *arch;        /* "amd64", "all" */
	const char *depends;     /* Pre-Depends and Depends, or NULL */
	const char *pre_depends; /* may be NULL */
	const char *provides;    /* may be NULL */
};

/* The package names of one relationship field, alternatives flattened: each name once, in
 * order, without versions, architecture qualifiers (":any") or restrictions ("[amd64]",
 * "<!nocheck>").  names gets malloc'd strings (free each, then the array).  Returns how
 * many. */
size_t debdeps_names(const char *field, char ***names);

/* Mark in need[] (n entries, zeroed by the caller or holding earlier marks) every package of
 * set that the roots need, the roots included.  A root that is not in set, or a group that
 * no package of the set satisfies, is an error: *why gets a message (malloc'd) naming the
 * package and what it needs, and -1 is returned.  Returns 0. */
int debdeps_closure(const struct debpkg *set, size_t n, const char *const *roots, size_t nroots,
		    unsigned char *need, char **why);

#endif
