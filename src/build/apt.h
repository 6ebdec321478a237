/* apt.h: Debian's archive through apt-get(8), as an unprivileged user.
 *
 * A private configuration under the build cache (<cache>/apt): its own source lists
 * (Dir::Etc::SourceList, Dir::Etc::SourceParts), package lists (Dir::State::Lists) and
 * downloads (Dir::Cache), and Debug::NoLocking, since the lock files stay the system's.  The
 * system's apt files are read, never edited, and its state is never touched.  The source
 * lists are the deb-src twins of the system's remote deb entries (/etc/apt/sources.list,
 * sources.list.d/ *.list and *.sources), so that the Sources indexes come from the mirrors,
 * proxies and keys the system already trusts.
 *
 * Use: apt_init, apt_configure, apt_update once, then apt_get for each command
 * ("source --download-only PKG", "download PKG"); apt_release.
 */
#ifndef MKDISTRO_APT_H
#define MKDISTRO_APT_H

#include "sys/buf.h"

#define APT_DIRS 4

struct apt {
	char *dir;           /* <cache>/apt: all that apt keeps is under it */
	char *opt[APT_DIRS]; /* its Dir:: settings, as -o values */
};

/* The configuration for the build cache cache_dir (nothing is made yet). */
void apt_init(struct apt *a, const char *cache_dir);
void apt_release(struct apt *a);
/* Make its directories and write its source lists from the system's under etc (normally
 * "/etc/apt").  Returns how many entries they hold: 0 when the system has no remote deb
 * entry (then nothing is written, for the caller to say what it cannot fetch), or -1
 * (reported). */
int apt_configure(const struct apt *a, const char *etc);
/* apt-get update with the configuration, its output appended to log.  Returns its exit
 * status, or -1 (reported).  One repository without a Sources index fails the update but
 * not the others: the caller decides what a failure means. */
int apt_update(const struct apt *a, const char *log);
/* apt-get with the configuration's options (a NULL: the system's configuration) and then
 * args (NULL-terminated), in cwd (NULL: the caller's), its output appended to log.  Returns
 * 0, or -1 reported with the log's last lines. */
int apt_get(const struct apt *a, const char *const *args, const char *cwd, const char *log);

/* deb-src entries for every enabled, remote deb entry of the apt sources under etc: one-line
 * ones appended to list, deb822 ones (copied whole, with Types: deb-src) to deb822.
 * Returns how many. */
int apt_debsrc_lines(const char *etc, struct buf *list, struct buf *deb822);
/* The same for one file's text: the "deb-src" twins of the one-line "deb" entries of a
 * sources.list, or the deb-src paragraphs of a deb822 .sources file, appended to out.
 * Returns how many. */
int apt_debsrc_of_list(const char *text, struct buf *out);
int apt_debsrc_of_deb822(const char *text, struct buf *out);

#endif
