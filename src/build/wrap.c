/* wrap.c: ccache and distcc for the kernel and BusyBox builds (see wrap.h).
 * References: ccache(1) (masquerading, CCACHE_PREFIX), distcc(1) (DISTCC_HOSTS, masquerading).
 */
#include "build/wrap.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build/arch.h"
#include "sys/alloc.h"
#include "sys/buf.h"
#include "sys/fs.h"
#include "sys/log.h"

#define CCACHE_DIR_BIN "/usr/lib/ccache"
#define DISTCC_DIR_BIN "/usr/lib/distcc"

/* The hosts as distcc wants them (space-separated), and how many jobs they take. */
static char *hosts(const char *list, unsigned *jobs, unsigned *count)
{
	char *copy = xstrdup(list), *save;
	struct buf out;
	buf_init(&out);
	*jobs = *count = 0;
	for (char *h = strtok_r(copy, ", \t", &save); h; h = strtok_r(NULL, ", \t", &save)) {
		const char *slash = strchr(h, '/');
		unsigned limit = slash ? (unsigned)strtoul(slash + 1, NULL, 10) : 0;
		buf_addf(&out, "%s%s", out.len ? " " : "", h);
		*jobs += limit ? limit : 4;
		(*count)++;
	}
	free(copy);
	return buf_detach(&out, NULL);
}

unsigned wrap_jobs(const struct plan *plan)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned cores = n > 0 ? (unsigned)n : 1, extra = 0, count;
	if (plan->jobs)
		return plan->jobs;
	if (plan->distcc)
		free(hosts(plan->distcc, &extra, &count));
	return cores + extra;
}

int wrap_setup(const struct plan *plan, struct wrap *w)
{
	const char *path = getenv("PATH");
	const char *first = plan->ccache ? CCACHE_DIR_BIN : plan->distcc ? DISTCC_DIR_BIN : NULL;
	size_t n = 0;
	struct buf what;

	memset(w, 0, sizeof(*w));
	w->jobs = wrap_jobs(plan);
	buf_init(&what);
	if (plan->ccache && !file_exists(CCACHE_DIR_BIN "/gcc"))
		return error("[build] ccache = yes, but %s/gcc is missing; install the Debian "
			     "package 'ccache'", CCACHE_DIR_BIN);
	if (plan->distcc && !file_exists(DISTCC_DIR_BIN "/gcc"))
		return error("[build] distcc is set, but %s/gcc is missing; install the Debian "
			     "package 'distcc'", DISTCC_DIR_BIN);
	if (*arch_cross(plan->arch)) {
		/* Debian's ccache and distcc link each compiler they know of in their directory
		 * (update-ccache-symlinks, update-distcc-symlinks), the cross ones too */
		char *cc = xasprintf("%s/%sgcc", first ? first : "", arch_cross(plan->arch));
		int missing = first && !file_exists(cc);
		free(cc);
		if (missing)
			return error("[build] %s: %s/%sgcc is missing; install the Debian package %s, "
				     "then run update-%s-symlinks as root", plan->ccache ? "ccache = yes" : "distcc",
				     first, arch_cross(plan->arch), plan->arch->cross_package,
				     plan->ccache ? "ccache" : "distcc");
	}
	if (first)
		w->env[n++] = xasprintf("PATH=%s:%s", first, path ? path : "/usr/bin:/bin");
	if (plan->ccache) {
		/* Depend mode: no preprocessor run per compile to compute the key, the include
		 * files come from the -MD output Kbuild asks for anyway.  The kernel's headers
		 * make preprocessing costly: a cold kernel build took 547 s without ccache and
		 * 803 s through ccache's default mode on the 2-core VM. */
		w->env[n++] = xstrdup("CCACHE_DEPEND=1");
		buf_adds(&what, "ccache");
	}
	if (plan->distcc) {
		unsigned jobs, count;
		char *list = hosts(plan->distcc, &jobs, &count);
		w->env[n++] = xasprintf("DISTCC_HOSTS=%s", list);
		/* Debian's distcc runs gcc as x86_64-linux-gnu-gcc, and `gcc --version` then says
		 * so: the kernel's CONFIG_CC_VERSION_TEXT would change with distcc on or off,
		 * rebuilding every object and giving another kernel.  The hosts need the same gcc
		 * anyway for the same kernel.  (distcc(1) spells it DISTCC_NO_CROSS_REWRITE; the
		 * program reads this.) */
		w->env[n++] = xstrdup("DISTCC_NO_REWRITE_CROSS=1");
		if (plan->ccache)
			w->env[n++] = xstrdup("CCACHE_PREFIX=distcc");
		buf_addf(&what, "%sdistcc to %u host%s", what.len ? ", " : "", count,
			 count == 1 ? "" : "s");
		free(list);
	}
	w->env[n] = NULL;
	w->what = buf_detach(&what, NULL);
	return 0;
}

void wrap_release(struct wrap *w)
{
	for (size_t i = 0; i < WRAP_MAX_ENV; i++)
		free(w->env[i]);
	free(w->what);
	memset(w, 0, sizeof(*w));
}
