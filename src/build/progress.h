/* progress.h: the live line of a compile (the kernel's, BusyBox's), while make writes its
 * log: objects done of the total, percent, the time so far and the time left.
 *
 * The objects are Kbuild's quiet output lines ("  CC      init/main.o", "  AS ...") read
 * from the log as it grows.  The total is what the last cold build of the same tree (the
 * O= directory) with the same configuration compiled, kept beside the tree in
 * <objdir>.objects; the first time it is a guess from the configuration, said as such.  A
 * tree that a build finished before (its product is there) is rebuilt in part: then there is
 * no total, only the objects compiled.  On a terminal, one line redrawn in place; elsewhere
 * (a pipe, CI, a log), a plain line PROGRESS_PLAIN_FIRST seconds in and then every
 * PROGRESS_PLAIN_EVERY seconds; nothing with -q.
 */
#ifndef MKDISTRO_PROGRESS_H
#define MKDISTRO_PROGRESS_H

#include <stddef.h>
#include <sys/types.h>

#include "sys/buf.h"

#define PROGRESS_PLAIN_FIRST 5
#define PROGRESS_PLAIN_EVERY 15

struct progress {
	const char *what;  /* "kernel", "BusyBox" */
	const char *log;   /* the log make appends to */
	char *record;      /* <objdir>.objects */
	char key[65];      /* sha256 of the .config and the targets */
	off_t off;         /* how far the log has been read */
	struct buf tail;   /* an unfinished last line */
	unsigned done;     /* objects compiled in this run */
	unsigned total;    /* 0: none (a partial rebuild); a guess grows when passed */
	unsigned first_total; /* the total at the start, for the last line */
	unsigned last_s;   /* seconds the recorded build took, or 0 */
	int guessed;       /* total is a guess from the configuration */
	int cold;          /* the tree had no finished build: record this one */
	int on, tty, shown; /* printing at all; on a terminal; a line is on the terminal */
	double t0, last;
};

/* Before make: what, the O= tree, its log, the make targets, and product, the file (relative
 * to objdir) that a finished build leaves there ("vmlinux", "busybox_unstripped").  Prints
 * nothing yet. */
void progress_start(struct progress *p, const char *what, const char *objdir, const char *log,
		    const char *const *targets, const char *product);
/* struct child's tick: while make runs (status -1), read the log's new lines and redraw or
 * print; when it has ended, clear the line (on a terminal), say how many objects in how long
 * (when a line was shown), and when it succeeded on a cold tree, record the count for next
 * time. */
void progress_tick(void *p, int status);
/* What progress_start allocated (whether make ran or not). */
void progress_release(struct progress *p);

/* The pure parts, for the unit tests. */
/* Kbuild compile lines among the complete lines of text (up to its last newline). */
unsigned progress_count(const char *text, size_t len);
/* A guess of the compile lines from a .config's text: for what "kernel" or "BusyBox". */
unsigned progress_guess(const char *config, const char *what);
/* The entry for key in a record's text ("KEY OBJECTS SECONDS" lines): 0 and its values, or -1. */
int progress_recorded(const char *text, const char *key, unsigned *objects, unsigned *seconds);
/* text with key's entry set to objects and seconds (a new last line; older lines for other
 * keys kept, at most 16 in all), into out. */
void progress_record(const char *text, const char *key, unsigned objects, unsigned seconds,
		     struct buf *out);
/* The line for done objects at elapsed seconds, into out (no newline). */
void progress_format(const struct progress *p, double elapsed, struct buf *out);

#endif
