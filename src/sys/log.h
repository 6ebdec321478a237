/* log.h: messages to the user.
 *
 * Style after git's usage.c: error() prints "mkdistro: <message>" to stderr and returns -1,
 * so callers write `return error("cannot open '%s'", path);`.  Messages are lowercase with no
 * full stop.  die() is only for mkdistro.c and the x-allocation wrappers.
 */
#ifndef MKDISTRO_LOG_H
#define MKDISTRO_LOG_H

#define PRINTF_LIKE(a, b) __attribute__((format(printf, a, b)))

/* Print "mkdistro: <msg>" and return -1. */
int error(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* As error(), with ": <strerror(errno)>" appended (errno as it was on entry). */
int error_errno(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* Print "mkdistro: warning: <msg>". */
void warning(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* Print "mkdistro: <msg>" and exit(1). */
_Noreturn void die(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* A progress line on stderr, unless quiet (log_quiet = 1). */
void info(const char *fmt, ...) PRINTF_LIKE(1, 2);

extern int log_quiet;
/* Drop the messages of error(), error_errno(), warning() and info() (they still return
 * as they would); die() still prints.  For the fuzz harnesses (tests/fuzz/), which feed a
 * parser millions of bad inputs. */
extern int log_silent;
/* Monotonic seconds, for stage timings. */
double log_now(void);

#endif
