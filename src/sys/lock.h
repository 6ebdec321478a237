/* lock.h: one mkdistro at a time per project and per build cache, by flock(2) on a file.
 *
 * The lock lasts as long as the returned file descriptor stays open, and ends with the
 * process however it ends, so a crash never leaves a stale lock behind.
 */
#ifndef MKDISTRO_LOCK_H
#define MKDISTRO_LOCK_H

/* Take path's lock (the file is created if missing).  wait: block until it is free, saying
 * so, and polling so that Ctrl-C still stops the wait; else fail at once, naming the lock
 * and who: "another mkdistro build is using WHO".  Returns the fd, or -1 (reported). */
int lock_file(const char *path, int wait, const char *who);

#endif
