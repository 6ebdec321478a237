/* log.c: error and progress messages (see log.h). */
#include "sys/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int log_quiet;
int log_silent;

static void vreport(const char *prefix, const char *fmt, va_list ap, const char *suffix)
{
	if (log_silent) {
		/* formatted all the same, so that a bad argument is still caught under ASan */
		vsnprintf(NULL, 0, fmt, ap);
		return;
	}
	fflush(stdout);
	fputs("mkdistro: ", stderr);
	fputs(prefix, stderr);
	vfprintf(stderr, fmt, ap);
	if (suffix) {
		fputs(": ", stderr);
		fputs(suffix, stderr);
	}
	fputc('\n', stderr);
}

int error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport("", fmt, ap, NULL);
	va_end(ap);
	return -1;
}

int error_errno(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;
	va_start(ap, fmt);
	vreport("", fmt, ap, strerror(saved));
	va_end(ap);
	errno = saved;
	return -1;
}

void warning(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport("warning: ", fmt, ap, NULL);
	va_end(ap);
}

void die(const char *fmt, ...)
{
	va_list ap;
	log_silent = 0; /* the last word, even from a fuzz harness: it is a finding there */
	va_start(ap, fmt);
	vreport("", fmt, ap, NULL);
	va_end(ap);
	exit(1);
}

void info(const char *fmt, ...)
{
	va_list ap;
	if (log_quiet || log_silent)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

double log_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
