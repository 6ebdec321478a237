/* pkgrules.h: what a packaged program needs that its package does not give when it is only
 * read, not installed: small rules, one per package, listed in docs/packages.md.
 *
 * A Debian package can rely on things no Depends names (an Essential package's data, such
 * as ncurses-base's terminfo) and on its maintainer scripts, which mkdistro never runs
 * (users and groups, state made on the machine: an SSH host key).  A rule says, for one
 * package:
 *  - brings: packages the image needs with it (fetched, and all their files taken);
 *  - dirs: directories the image needs;
 *  - passwd, group: lines added to /etc/passwd and /etc/group;
 *  - boot: a shell script run by rc.S at every start-up, before the shell (generated state:
 *    made on the running stick, never at build time, so two sticks never share it), as
 *    /etc/rc.d/pkg/NAME.
 * A package whose maintainer scripts add users or groups and that has no rule is an error
 * that says so, rather than an image whose program fails at run time.
 */
#ifndef MKDISTRO_PKGRULES_H
#define MKDISTRO_PKGRULES_H

struct pkgrule {
	const char *package;
	const char *brings; /* package names, space-separated, or NULL */
	const char *dirs;   /* absolute paths, space-separated, or NULL */
	const char *passwd; /* lines for /etc/passwd, or NULL */
	const char *group;  /* lines for /etc/group, or NULL */
	const char *boot;   /* a shell script, or NULL */
	const char *why;    /* one line, for the docs and the log */
};

/* The rule for package name, or NULL. */
const struct pkgrule *pkgrule_find(const char *name);
/* The i-th rule (from 0), NULL after the last. */
const struct pkgrule *pkgrule_at(unsigned i);

#endif
