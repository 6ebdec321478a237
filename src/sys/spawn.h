/* spawn.h: child processes, started with posix_spawnp and an argv array.
 *
 * After git's run-command.h and skalibs' cspawn.c: fill a struct child, call spawn_run()
 * (start and wait) or spawn_start()/spawn_wait().  Never a shell string.  A child whose exec
 * fails exits 127; a child killed by signal N reports 128+N.
 */
#ifndef MKDISTRO_SPAWN_H
#define MKDISTRO_SPAWN_H

#include <sys/types.h>

struct child {
	const char *const *argv; /* argv[0] is looked up in $PATH */
	const char *cwd;         /* NULL: the caller's */
	const char *const *env;  /* extra NAME=VALUE entries on top of environ; NULL: none */
	const char *log;         /* stdout and stderr appended to this file; NULL: inherited */
	const char *out;         /* stdout written to this file (truncated) instead; NULL: as log */
	int in_fd;               /* with spawn_start: -1 for /dev/null, or a fd to use as stdin */
	int pipe_io;             /* with spawn_start: give the parent pipes to stdin and stdout+stderr */
	/* with spawn_wait: called with status -1 about 4 times a second while the child runs
	 * (a progress line), then once with its exit status when it has ended; NULL: none */
	void (*tick)(void *ctx, int status);
	void *tick_ctx;
	/* set by spawn_start */
	pid_t pid;
	int to_child;   /* write end of the child's stdin, with pipe_io */
	int from_child; /* read end of the child's stdout+stderr, with pipe_io */
};
#define CHILD_INIT { .in_fd = -1, .pid = -1, .to_child = -1, .from_child = -1 }

/* Start the child.  Returns 0, or -1 with the error reported. */
int spawn_start(struct child *c);
/* Wait for it.  Returns its exit status (0-255, 128+N for signal N), or -1 (reported). */
int spawn_wait(struct child *c);
/* Start and wait; the argv is written to the log first.  Returns the exit status or -1. */
int spawn_run(struct child *c);

/* spawn_run, and when the child fails, report "WHAT failed (exit N); last lines below, full
 * log: LOG" followed by the log's last 20 lines (what NULL: argv[0]).  Returns 0 or -1. */
int spawn_run_logged(struct child *c, const char *what);

/* Run argv with no input and append its stdout and stderr to out.  Returns the exit status,
 * or -1 (reported). */
struct buf;
int spawn_capture(const char *const *argv, struct buf *out);

/* Print the last n lines of a log file to stderr, indented. */
void spawn_tail_log(const char *log, int n);

#endif
