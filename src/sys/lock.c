/* lock.c: one process at a time, by flock (see lock.h). */
#include "sys/lock.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "sys/interrupt.h"
#include "sys/log.h"

int lock_file(const char *path, int wait, const char *who)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return error_errno("cannot open the lock '%s'", path);
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return fd;
	if (errno != EWOULDBLOCK) {
		error_errno("cannot lock '%s'", path);
		close(fd);
		return -1;
	}
	if (!wait) {
		close(fd);
		return error("another mkdistro build is using %s (lock: %s)", who, path);
	}
	info("mkdistro: waiting for another mkdistro build using %s (lock: %s)", who, path);
	/* polled, so that Ctrl-C still stops the wait (flock would be restarted) */
	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		struct timespec t = {0, 100 * 1000 * 1000};
		if ((errno != EWOULDBLOCK && errno != EINTR) || interrupt_check() < 0) {
			if (!interrupted())
				error_errno("cannot lock '%s'", path);
			close(fd);
			return -1;
		}
		nanosleep(&t, NULL);
	}
	return fd;
}
