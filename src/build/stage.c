/* stage.c: the one way a stage's output is cached (see stage.h). */
#include "build/stage.h"

#include <stdlib.h>

#include "build/cache.h"
#include "sys/fs.h"

int stage_cached(const struct plan *plan, const struct stage_cache *sc, const struct inputs *in,
		 char **entry, int *cached)
{
	char key[65], *rec = sc->what ? inputs_record(plan->out_dir, sc->record) : NULL, *tmp = NULL;
	int ret = -1;

	inputs_key(in, key);
	*entry = cache_entry(plan->cache_dir, sc->kind, key);
	*cached = cache_complete(*entry);
	if (*cached) {
		cache_touch(*entry);
		if (rec)
			inputs_announce_reuse(in, rec, sc->what);
	} else {
		if (rec)
			inputs_announce(in, rec, sc->what, NULL);
		if (!(tmp = cache_begin(*entry)))
			goto out;
		if (sc->make(sc->ctx, tmp) < 0 || cache_commit(tmp, *entry) < 0) {
			remove_tree(tmp);
			goto out;
		}
		if (sc->keep)
			cache_prune(plan->cache_dir, sc->kind, sc->keep);
	}
	ret = rec ? inputs_save(in, rec) : 0;
out:
	if (ret < 0) {
		free(*entry);
		*entry = NULL;
	}
	free(tmp);
	free(rec);
	return ret;
}
