/* stage.h: the one way a stage's output is cached.
 *
 * A cached stage writes down what its output is made from (inputs.h); the SHA-256 of that
 * text is its key in the build cache (cache.h).  stage_cached() does the rest, the same for
 * every stage (kernels, BusyBoxes, stripped libraries, initrds):
 *   1. look the key up: a complete entry is reused (and marked used, for pruning);
 *   2. else say why it is made ("kernel main: rebuilding: kernel.config changed ..."), let
 *      the stage make its output in a fresh <entry>.tmp, and commit that as the entry;
 *   3. prune the kind to its most recently used entries, when it keeps only some;
 *   4. keep the inputs in out/.state, for the next build to say what changed.
 * The stage then reads its output from the entry, whichever way it came.
 */
#ifndef MKDISTRO_STAGE_H
#define MKDISTRO_STAGE_H

#include <stddef.h>

#include "build/config.h"
#include "build/inputs.h"

struct stage_cache {
	const char *kind;   /* the cache's directory of this stage: "kernel", "initrd", ... */
	const char *what;   /* "kernel main", for the lines that say why it is made or taken
			     * from the cache; NULL: say nothing, keep no record */
	const char *record; /* its out/.state name ("kernel-main"); with what */
	size_t keep;        /* entries of kind kept, the most recently used; 0: all */
	/* Write the output into dir, an empty directory that becomes the entry.  Returns 0 or
	 * -1 (reported). */
	int (*make)(void *ctx, const char *dir);
	void *ctx;
};

/* Find or make the entry for the inputs in.  *entry gets its path (malloc'd), *cached 1 when
 * it was there already.  Returns 0 or -1 (reported; nothing is left in the cache). */
int stage_cached(const struct plan *plan, const struct stage_cache *sc, const struct inputs *in,
		 char **entry, int *cached);

#endif
