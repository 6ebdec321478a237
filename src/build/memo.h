/* memo.h: answers of slow queries (dpkg-query, gcc --version), remembered in the build cache
 * while the files they come from are unchanged.
 *
 * A memo is <cache>/memo/<SHA-256 of its key>: the identity (device, inode, size,
 * modification and change times) of each file it depends on, then the answer.  Installing
 * or upgrading a package rewrites /var/lib/dpkg/status and the package's files, so a memo
 * that depends on them is not used after that.
 */
#ifndef MKDISTRO_MEMO_H
#define MKDISTRO_MEMO_H


/* The answer remembered under key while each of deps (NULL-terminated) is as it was, or
 * NULL (malloc'd). */
char *memo_get(const char *cache_dir, const char *key, const char *const *deps);
/* Remember answer under key, with the deps as they are now.  Errors are ignored: a memo
 * that cannot be written is asked again next time. */
void memo_put(const char *cache_dir, const char *key, const char *const *deps,
	      const char *answer);
/* The SHA-256 of the file at path, remembered under its identity: a 140 MB source tarball
 * is read again only when it changed (cache_dir NULL: read now, and not remembered).  say:
 * print "  hashing PATH" when it is read.  A file that changes while it is read is an error
 * (a sum remembered for the new identity would vouch for bytes never read).  Returns 0 or -1
 * (reported). */
int memo_sha256(const char *cache_dir, const char *path, int say, char out[65]);

#endif
