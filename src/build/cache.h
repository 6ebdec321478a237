/* cache.h: the build cache, content-keyed entries shared by all projects of a user.
 *
 * An entry is a directory <cache>/<kind>/<key>/ that is complete only when it holds the
 * file ".complete", which lists the SHA-256 of each of its files; it is made in <key>.tmp
 * and renamed into place, so a half-written entry is never used, and a file damaged since is
 * found by its sum.
 */
#ifndef MKDISTRO_CACHE_H
#define MKDISTRO_CACHE_H

#include <stddef.h>


/* The entry's path (malloc'd). */
char *cache_entry(const char *cache_dir, const char *kind, const char *key);
/* Is the entry complete, and are its files as they were stored (SHA-256 sums in its mark)?
 * A damaged entry is reported, removed, and 0 returned, so that it is made again. */
int cache_complete(const char *entry);
/* Start an entry: an empty <entry>.tmp directory (malloc'd path), or NULL (reported). */
char *cache_begin(const char *entry);
/* Mark tmp complete and move it to entry.  Returns 0 or -1 (reported). */
int cache_commit(const char *tmp, const char *entry);
/* The out-of-tree build directory for a source: <cache>/build/<what>-<id>, with the
 * characters of id that are awkward in a path replaced.  malloc'd. */
char *cache_build_dir(const char *cache_dir, const char *what, const char *id);
/* Copy files from the directory from into dir (an entry being made): files[i][0] is the
 * name in from, files[i][1] the name in dir, mode[i] its mode.  Returns 0 or -1 (reported). */
int cache_copy_files(const char *dir, const char *from, const char *const files[][2],
		     const unsigned *mode, size_t n);
/* Mark the entry used now (its directory's time), for cache_prune. */
void cache_touch(const char *entry);
/* Keep the keep most recently used entries of kind, removing the others.  For the small,
 * quick to remake kinds (initrds), whose entries would otherwise pile up with every edit. */
void cache_prune(const char *cache_dir, const char *kind, size_t keep);
#endif
