/* wrap.h: the compiler wrappers of the kernel and BusyBox builds, ccache and distcc, and
 * the number of make jobs.
 *
 * Both wrappers go in front of gcc through their masquerade directories (/usr/lib/ccache
 * and /usr/lib/distcc hold symlinks named gcc), put first in PATH.  make's command lines
 * stay "gcc ...": Kbuild rebuilds every object whose command line changed, so CC="ccache
 * gcc" would rebuild the whole tree each time the setting is turned on or off.  With both,
 * ccache runs first and hands what it misses to distcc (CCACHE_PREFIX).  Neither changes
 * what is built, so neither is part of a cache key.
 */
#ifndef MKDISTRO_WRAP_H
#define MKDISTRO_WRAP_H

#include "build/config.h"

#define WRAP_MAX_ENV 8

struct wrap {
	char *env[WRAP_MAX_ENV]; /* NAME=VALUE for make, NULL-terminated */
	unsigned jobs;
	char *what;              /* "ccache, distcc to 2 hosts", or "" */
};

/* Set up the wrappers [build] asks for, checking that they are installed.  Returns 0 or -1
 * (reported, naming the package). */
int wrap_setup(const struct plan *plan, struct wrap *w);
void wrap_release(struct wrap *w);
/* make -j: [build] jobs, else one per core plus, for each distcc host, its /LIMIT (4 when
 * not given). */
unsigned wrap_jobs(const struct plan *plan);

#endif
