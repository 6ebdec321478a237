/* publish.h: what a build makes under out/ becomes visible together, or not at all.
 *
 * A build writes every output (the image, the ISO, the stick tree, the report, the SBOM, the
 * boot matrix's rows) under out/.work while it runs, so that a failure anywhere before the
 * end leaves out/ exactly as the last build left it.  publish_commit() then moves them into
 * out/ in one step:
 *   1. the list of moves is written to out/.publish and synced;
 *   2. with SIGINT, SIGTERM and SIGHUP held, each output replaces its name in out/ with one
 *      rename (a directory with renameat2's RENAME_EXCHANGE, so that out/stick never goes
 *      missing), and names this build no longer makes are removed;
 *   3. out/ is synced and out/.publish removed.
 * Renames do not fail for want of space, and the signals wait until the step is over.  Only
 * a crash (power cut, SIGKILL) can stop it half way; then out/.publish is left behind, and
 * the next build (build_begin) calls publish_recover(), which finishes the moves from the
 * list before anything else, so out/ never stays half old and half new.  Each move is
 * known done by the inode now at its name, which the list records.
 */
#ifndef MKDISTRO_PUBLISH_H
#define MKDISTRO_PUBLISH_H

#include <stddef.h>
#include <sys/types.h>

struct publish_move {
	char *from; /* under the work directory; NULL: remove name */
	char *name; /* under out/ */
	ino_t ino;  /* from's inode, set by publish_commit */
};

struct publish {
	char *out_dir;
	struct publish_move *v;
	size_t n, cap;
};

void publish_init(struct publish *p, const char *out_dir);
void publish_release(struct publish *p);
/* out/name is to become from, a file or a directory on out/'s file system. */
void publish_add(struct publish *p, const char *name, const char *from);
/* out/name is to go (when it is there): this build makes none. */
void publish_drop(struct publish *p, const char *name);
/* Do every move and removal, as above.  Returns 0, or -1 (reported) when one could not be
 * done; out/.publish then stays for publish_recover. */
int publish_commit(struct publish *p);
/* Finish a commit a crash cut short: the moves listed in out_dir/.publish whose output is
 * still at its work path.  Returns 0 (also when there is nothing to finish), or -1
 * (reported). */
int publish_recover(const char *out_dir);

#endif
