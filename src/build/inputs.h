/* inputs.h: what a stage's output is made from, written down as lines of text.
 *
 * Each line is "NAME VALUE", NAME without spaces: "source linux-source-6.1 6.1.192-2",
 * "kernel.config CONFIG_PRINTK=y", "/etc/motd file 0644 0:0 <sha256>".  The SHA-256 of the
 * text is the stage's cache key, so the text must name everything that goes into the
 * output.  A build keeps the text of each stage under out/.state/; the next build compares
 * its own with it to say which inputs changed.
 */
#ifndef MKDISTRO_INPUTS_H
#define MKDISTRO_INPUTS_H

#include "sys/buf.h"
#include "sys/log.h"

struct inputs {
	struct buf text;
};

void inputs_init(struct inputs *in);
void inputs_release(struct inputs *in);
/* One line "name value". */
void inputs_add(struct inputs *in, const char *name, const char *fmt, ...) PRINTF_LIKE(3, 4);
/* "name sha256:<contents' SHA-256>".  Returns 0 or -1 (reported). */
int inputs_add_file(struct inputs *in, const char *name, const char *path);
/* "mkdistro sha256:<this program's>": for the stages whose output mkdistro writes itself,
 * so that a new mkdistro makes them again.  Returns 0 or -1 (reported). */
int inputs_add_self(struct inputs *in);
/* "TOOL sha256:<the program's>", the program found in PATH.  Returns 0 or -1 (reported). */
int inputs_add_tool(struct inputs *in, const char *tool);
/* Every file, directory and symlink under dir, sorted: "/boot/x file sha256:...",
 * "/boot dir", "/a symlink TARGET".  Returns 0 or -1 (reported). */
int inputs_add_tree(struct inputs *in, const char *dir);
/* The cache key: SHA-256 of the text. */
void inputs_key(const struct inputs *in, char key[65]);

/* out/.state/<what> (malloc'd). */
char *inputs_record(const char *out_dir, const char *what);
/* Set why to what changed since the text saved in record, e.g. "kernel.config changed
 * (+CONFIG_PRINTK_TIME=y)" or "/etc/motd changed, /etc/issue added"; at most 4 names, then
 * "and N more".  "no earlier build recorded" when there is no record; "" when the texts are
 * the same. */
void inputs_changes(const struct inputs *in, const char *record, struct buf *why);
/* The same, between two texts in memory ("" when they are the same). */
void inputs_diff(const char *old_text, const char *new_text, struct buf *why);
/* Say on stderr that what is being made and why: "  kernel main: rebuilding: kernel.config
 * changed (+CONFIG_PRINTK_TIME=y)", "  initrd main: rebuilding: /etc/motd changed", or that
 * there is no earlier build; same: why, when the inputs are the last build's (NULL: they
 * are no longer in the cache). */
void inputs_announce(const struct inputs *in, const char *record, const char *what,
		     const char *same);
/* Say on stderr, when the inputs changed since the record, that what was made from them
 * before and comes from the cache: "  initrd main: level changed (9 -> 6); made before,
 * taken from the cache".  Nothing when unchanged or unrecorded. */
void inputs_announce_reuse(const struct inputs *in, const char *record, const char *what);
/* Save the text as the record (atomically).  Returns 0 or -1 (reported). */
int inputs_save(const struct inputs *in, const char *record);

/* Is path what the last build published from these inputs: the text equals the record's,
 * and path is the same file, unchanged since (device, inode, size, modification and change
 * times, kept in record.file)? */
int inputs_published(const struct inputs *in, const char *record, const char *path);
/* After publishing path: save the inputs, and path's identity.  Returns 0 or -1 (reported). */
int inputs_save_published(const struct inputs *in, const char *record, const char *path);

#endif
