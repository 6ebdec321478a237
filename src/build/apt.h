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

#define APT_DIRS 5

struct apt {
	char *dir;           /* <cache>/apt (sources) or <cache>/apt-bin (binary packages) */
	char *opt[APT_DIRS]; /* its Dir:: settings, as -o values (the last, Dir::State::status,
			      * for binary packages only) */
	int binary;          /* its lists are "deb" entries, not "deb-src" */
};

/* The configuration for the build cache cache_dir (nothing is made yet): apt_init for
 * source packages, apt_init_binary for binary ones.  The two keep their lists apart, so
 * that a project without packages never fetches the (larger) Packages indexes.  The binary
 * one has a dpkg status file of its own, empty (Dir::State::status): to it nothing is
 * installed, so `install --download-only` fetches a package with every package it needs. */
void apt_init(struct apt *a, const char *cache_dir);
void apt_init_binary(struct apt *a, const char *cache_dir);
void apt_release(struct apt *a);
/* Make its directories and write its source lists from the system's under etc (normally
 * "/etc/apt"): the twins, of a's type, of the system's remote deb entries.  Returns how many
 * entries they hold: 0 when the system has no remote deb entry (then nothing is written,
 * for the caller to say what it cannot fetch), or -1 (reported). */
int apt_configure(const struct apt *a, const char *etc);
/* apt-get update with the configuration, its output appended to log.  Returns its exit
 * status, or -1 (reported).  One repository without a Sources index fails the update but
 * not the others: the caller decides what a failure means. */
int apt_update(const struct apt *a, const char *log);
/* apt-get with the configuration's options (a NULL: the system's configuration) and then
 * args (NULL-terminated), in cwd (NULL: the caller's), its output appended to log.  Returns
 * 0, or -1 reported with the log's last lines. */
int apt_get(const struct apt *a, const char *const *args, const char *cwd, const char *log);
/* The same, but a failure is not reported: returns apt-get's exit status (or -1), for the
 * caller to read the log and say what failed. */
int apt_run(const struct apt *a, const char *const *args, const char *cwd, const char *log);

/* Entries of type ("deb-src" or "deb") for every enabled, remote deb entry of the apt
 * sources under etc: one-line ones appended to list, deb822 ones (copied whole, with Types:
 * TYPE) to deb822.  Returns how many. */
int apt_twin_lines(const char *etc, const char *type, struct buf *list, struct buf *deb822);
/* The same for one file's text: the twins of the one-line "deb" entries of a sources.list,
 * or the paragraphs of a deb822 .sources file, appended to out.  Returns how many. */
int apt_twins_of_list(const char *text, const char *type, struct buf *out);
int apt_twins_of_deb822(const char *text, const char *type, struct buf *out);
/* The deb-src ones (type "deb-src"). */
int apt_debsrc_lines(const char *etc, struct buf *list, struct buf *deb822);
int apt_debsrc_of_list(const char *text, struct buf *out);
int apt_debsrc_of_deb822(const char *text, struct buf *out);

#endif
