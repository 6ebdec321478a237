/* interrupt.h: Ctrl-C, kill and hang-up turned into an orderly stop.
 *
 * Without a handler, SIGINT or SIGTERM would end mkdistro at once, leaving its temporary
 * files (out/.work, cache entries being written as NAME.tmp) where they were.  With
 * interrupt_init(), the signal is remembered and passed on to the programs mkdistro runs
 * (make, qemu, mtools), which then stop; their failure unwinds the stage as any failure
 * does, removing what it had begun, and the build stops before its next stage.  Outputs
 * are only ever published by a rename, so an interrupted build leaves the last image as it
 * was.  main() then exits 128 + the signal's number, as a shell reports a killed program.
 * A second signal ends mkdistro at once, as if there were no handler.
 */
#ifndef MKDISTRO_INTERRUPT_H
#define MKDISTRO_INTERRUPT_H

#include <sys/types.h>

/* Catch SIGINT, SIGTERM and SIGHUP from now on.  restart: system calls the signal breaks
 * into go on (SA_RESTART); 0 for code that waits in blocking calls and must see EINTR to
 * stop (flash's writes). */
void interrupt_init(int restart);
/* The signal that came (SIGINT, ...), or 0. */
int interrupted(void);
/* -1, reported once as "interrupted by SIGINT", when a signal came; else 0. */
int interrupt_check(void);
/* A fault point, for the test build only (MKDISTRO_TESTING, make tests/mkdistro-test): when
 * the environment has MKDISTRO_FAULT=NAME (or NAME:TERM, NAME:HUP), the program sends itself
 * SIGINT (SIGTERM, SIGHUP) here, at the point named NAME: the start of a build stage (its
 * name), "publish", just before the new image replaces the old, or "unpack", once an
 * archive's first member is extracted.  In the installed program it is nothing at all. */
#ifdef MKDISTRO_TESTING
void interrupt_fault_point(const char *name);
#else
static inline void interrupt_fault_point(const char *name)
{
	(void)name;
}
#endif
/* Pass signals on to pid while it runs (spawn.c calls these). */
void interrupt_add_child(pid_t pid);
void interrupt_remove_child(pid_t pid);

#endif
