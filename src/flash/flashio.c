/* flashio.c: write an image to a block device and verify it (see flashio.h). */
#include "flash/flashio.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/fs.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "sys/alloc.h"
#include "sys/interrupt.h"
#include "sys/log.h"
#include "sys/spawn.h"

/* ---- the watchdog ---- */

static struct {
	pthread_mutex_t mu;
	pthread_cond_t cond;
	pthread_t thread;
	int running, stop;
	unsigned limit_s;
	const char *dev, *what;
	atomic_llong last_ms;
	atomic_ullong pos;
} wd = {.mu = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void wd_progress(uint64_t pos)
{
	atomic_store(&wd.pos, pos);
	atomic_store(&wd.last_ms, now_ms());
}

static void *wd_main(void *arg)
{
	long long woke = now_ms();
	(void)arg;
	pthread_mutex_lock(&wd.mu);
	while (!wd.stop) {
		struct timespec ts;
		long long t;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 250 * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&wd.cond, &wd.mu, &ts);
		t = now_ms();
		if (t - woke > 2000)
			wd_progress(atomic_load(&wd.pos)); /* the process was stopped (Ctrl-Z): not the stick's fault */
		woke = t;
		if (!wd.stop && t - atomic_load(&wd.last_ms) > (long long)wd.limit_s * 1000) {
			/* The I/O thread may be stuck in the kernel: say why and end the process. */
			char msg[512];
			int n = snprintf(msg, sizeof(msg),
					 "\nmkdistro: no progress for %u s %s %s at byte %llu: the stick "
					 "may have been pulled out, or has failed; %s\n",
					 wd.limit_s, wd.what, wd.dev,
					 (unsigned long long)atomic_load(&wd.pos),
					 strcmp(wd.what, "verifying") ? "it does not hold a usable image"
								      : "the image was not verified");
			/* write(2), not stdio: the I/O thread may hold stderr's lock */
			if (n > 0 && write(STDERR_FILENO, msg, (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1) < 0)
				n = 0;
			_exit(1);
		}
	}
	pthread_mutex_unlock(&wd.mu);
	return NULL;
}

static void wd_start(struct flashio *f, const char *what)
{
	sigset_t all, old;
	wd.limit_s = f->stall_s ? f->stall_s : 20;
	wd.dev = f->dev_path;
	wd.what = what;
	wd.stop = 0;
	wd_progress(0);
	/* Signals go to the I/O thread, whose blocking calls they interrupt. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	wd.running = pthread_create(&wd.thread, NULL, wd_main, NULL) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

static void wd_stop(void)
{
	if (!wd.running)
		return;
	pthread_mutex_lock(&wd.mu);
	wd.stop = 1;
	pthread_cond_signal(&wd.cond);
	pthread_mutex_unlock(&wd.mu);
	pthread_join(wd.thread, NULL);
	wd.running = 0;
}

/* ---- progress ---- */

static int bar_open; /* a progress line is on the terminal, without its newline */

/* End the progress line before a message, so the message starts on a line of its own. */
static void bar_break(void)
{
	int saved = errno;
	if (bar_open) {
		fputs("\r\033[K", stderr);
		bar_open = 0;
	}
	errno = saved;
}

struct progress {
	const char *what;
	uint64_t total, done;
	double t0, last;
	int on;
};

static void progress_show(struct progress *p, int end)
{
	double now = log_now(), el = now - p->t0;
	double rate = el > 0 ? (double)p->done / el : 0;
	int width = 24, fill = p->total ? (int)((double)p->done * width / (double)p->total) : width;
	char bar[32];

	if (!p->on || (!end && now - p->last < 0.1))
		return;
	p->last = now;
	memset(bar, '#', (size_t)fill);
	memset(bar + fill, '.', (size_t)(width - fill));
	bar[width] = '\0';
	fprintf(stderr, "\r%-9s [%s] %3d%%  %.1f/%.1f MB  %.0f MB/s", p->what, bar,
		p->total ? (int)(p->done * 100 / p->total) : 100, (double)p->done / 1e6,
		(double)p->total / 1e6, rate / 1e6);
	if (!end && rate > 0) {
		unsigned eta = (unsigned)((double)(p->total - p->done) / rate + 0.5);
		fprintf(stderr, "  ETA %u:%02u", eta / 60, eta % 60);
	}
	fputs(end ? "\033[K\n" : "\033[K", stderr);
	bar_open = !end;
}

/* ---- faults: in the test build only (MKDISTRO_TESTING) ----
 *
 * MKDISTRO_TEST_FLASH_FAULT=KIND@OFFSET[,KIND@OFFSET...], OFFSET a byte of the image:
 *   eio      the write that covers OFFSET fails with EIO
 *   enodev   from OFFSET on, every write, read and fsync fails with ENODEV (a pulled stick)
 *   short    the write that covers OFFSET writes only half of its sectors
 *   stall    the write that covers OFFSET hangs (until a signal, or the watchdog)
 *   corrupt  after the write and before the verify, the byte at OFFSET is flipped on the
 *            device itself
 *   readeio  the verify read that covers OFFSET fails with EIO
 *   exec     when the write reaches OFFSET, `sh -c "$MKDISTRO_TEST_FLASH_EXEC"` runs
 * The installed program has none of this: there no fault ever fires.
 */
enum fault_kind { F_EIO, F_ENODEV, F_SHORT, F_STALL, F_CORRUPT, F_READEIO, F_EXEC };

#ifdef MKDISTRO_TESTING
static const char *const fault_names[] = {"eio",     "enodev",  "short", "stall",
					  "corrupt", "readeio", "exec"};
struct fault {
	enum fault_kind kind;
	uint64_t at;
	int fired;
};
static struct fault faults[16];
static size_t n_faults;

static int fault_parse(int hooks)
{
	const char *spec = hooks ? getenv("MKDISTRO_TEST_FLASH_FAULT") : NULL;
	char *copy, *save = NULL;
	int ret = 0;

	n_faults = 0;
	if (!spec || !*spec)
		return 0;
	copy = xstrdup(spec);
	for (char *t = strtok_r(copy, ",", &save); t && !ret; t = strtok_r(NULL, ",", &save)) {
		char *at = strchr(t, '@'), *end;
		size_t k;
		if (at)
			*at++ = '\0';
		for (k = 0; k < sizeof(fault_names) / sizeof(fault_names[0]); k++)
			if (!strcmp(t, fault_names[k]))
				break;
		if (!at || k == sizeof(fault_names) / sizeof(fault_names[0]) ||
		    n_faults == sizeof(faults) / sizeof(faults[0])) {
			ret = error("MKDISTRO_TEST_FLASH_FAULT: cannot use '%s'", t);
			break;
		}
		faults[n_faults] = (struct fault){(enum fault_kind)k, strtoull(at, &end, 0), 0};
		if (*end || !*at)
			ret = error("MKDISTRO_TEST_FLASH_FAULT: bad offset '%s'", at);
		n_faults++;
	}
	free(copy);
	return ret;
}

/* Whether an unfired fault of that kind lies in [off, off + n); it fires (once). */
static int fault_hit(enum fault_kind kind, uint64_t off, size_t n)
{
	for (size_t i = 0; i < n_faults; i++)
		if (faults[i].kind == kind && !faults[i].fired && faults[i].at >= off &&
		    faults[i].at - off < n) {
			faults[i].fired = 1;
			return 1;
		}
	return 0;
}

/* Whether the stick counts as pulled out for I/O ending past off + n. */
static int fault_pulled(uint64_t off, size_t n)
{
	for (size_t i = 0; i < n_faults; i++)
		if (faults[i].kind == F_ENODEV && faults[i].at < off + n)
			return 1;
	return 0;
}

/* The exec fault, once a write reaches its offset (end: where the write ends). */
static void fault_exec(uint64_t end)
{
	if (fault_hit(F_EXEC, 0, end)) {
		const char *cmd = getenv("MKDISTRO_TEST_FLASH_EXEC");
		const char *argv[] = {"sh", "-c", cmd ? cmd : "", NULL};
		struct child c = CHILD_INIT;
		c.argv = argv;
		spawn_run(&c);
	}
}

/* Flip the bytes that corrupt faults name, on the device itself. */
static int fault_corrupt(struct flashio *f, char *b)
{
	for (size_t i = 0; i < n_faults; i++) {
		uint64_t at = faults[i].at, sec = at / f->sector * f->sector;
		if (faults[i].kind != F_CORRUPT)
			continue;
		if (pread(f->dev_fd, b, f->sector, (off_t)sec) != (ssize_t)f->sector)
			return bar_break(), error_errno("test fault: cannot read byte %" PRIu64, at);
		b[at - sec] ^= 0x5a;
		if (pwrite(f->dev_fd, b, f->sector, (off_t)sec) != (ssize_t)f->sector ||
		    fsync(f->dev_fd) < 0)
			return bar_break(), error_errno("test fault: cannot change byte %" PRIu64, at);
	}
	return 0;
}
#else
static int fault_parse(int hooks)
{
	(void)hooks;
	return 0;
}

static int fault_hit(enum fault_kind kind, uint64_t off, size_t n)
{
	(void)kind, (void)off, (void)n;
	return 0;
}

static int fault_pulled(uint64_t off, size_t n)
{
	(void)off, (void)n;
	return 0;
}

static void fault_exec(uint64_t end)
{
	(void)end;
}

static int fault_corrupt(struct flashio *f, char *b)
{
	(void)f, (void)b;
	return 0;
}
#endif

/* ---- I/O ---- */

/* Told to stop (interrupt.h): say where, and what that leaves on the stick. */
static int stopped(struct flashio *f, const char *doing, uint64_t pos)
{
	int verifying = !strcmp(doing, "verifying");
	bar_break();
	interrupt_check();
	return error("stopped %s %s at byte %" PRIu64 " of %" PRIu64 "; %s", doing, f->dev_path,
		     pos, f->img_size,
		     verifying ? "the image was written in full, but not verified"
			       : "the stick does not hold a usable image");
}

static const char *hint(int err)
{
	return err == ENODEV || err == ENXIO || err == EIO || err == ENOSPC
		       ? " (was the stick pulled out?)"
		       : "";
}

/* Read n bytes of the image at off into b, zeros past its end. */
static int read_image(struct flashio *f, char *b, uint64_t off, size_t n)
{
	size_t got = 0;
	while (got < n && off + got < f->img_size) {
		ssize_t r = pread(f->img_fd, b + got, n - got, (off_t)(off + got));
		if (r < 0 && errno == EINTR && !interrupted())
			continue;
		if (r < 0)
			return bar_break(), error_errno("cannot read the image at byte %" PRIu64, off + got);
		if (r == 0)
			return bar_break(), error("the image got shorter while it was being written (%" PRIu64
				     " bytes, not %" PRIu64 ")",
				     off + got, f->img_size);
		got += (size_t)r;
	}
	memset(b + got, 0, n - got);
	return 0;
}

/* pwrite(2), through the faults */
static ssize_t fault_pwrite(struct flashio *f, const char *b, size_t n, uint64_t off)
{
	fault_exec(off + n);
	if (fault_pulled(off, n)) {
		errno = ENODEV;
		return -1;
	}
	if (fault_hit(F_EIO, off, n)) {
		errno = EIO;
		return -1;
	}
	if (fault_hit(F_STALL, off, n)) {
		while (!interrupted())
			pause();
		errno = EINTR;
		return -1;
	}
	if (n > f->sector && fault_hit(F_SHORT, off, n))
		n = n / 2 / f->sector * f->sector;
	return pwrite(f->dev_fd, b, n, (off_t)off);
}

static int dev_write(struct flashio *f, const char *b, size_t n, uint64_t off, struct progress *p)
{
	size_t done = 0;
	while (done < n) {
		ssize_t w;
		if (interrupted())
			return stopped(f, "writing", off + done);
		w = fault_pwrite(f, b + done, n - done, off + done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			int err = errno;
			return bar_break(), error("writing %s failed at byte %" PRIu64 ": %s%s; the stick does not "
				     "hold a usable image",
				     f->dev_path, off + done, strerror(err), hint(err));
		}
		if (w == 0)
			return bar_break(), error("writing %s failed at byte %" PRIu64 ": the device ended there "
				     "(was the stick pulled out?); it does not hold a usable image",
				     f->dev_path, off + done);
		done += (size_t)w;
		wd_progress(off + done);
		if (p) {
			p->done += (uint64_t)w;
			progress_show(p, 0);
		}
	}
	return 0;
}

static int dev_sync(struct flashio *f, uint64_t pos)
{
	int r;
	if (fault_pulled(pos, 0)) {
		errno = ENODEV;
		r = -1;
	} else {
		r = fsync(f->dev_fd);
	}
	if (r < 0 && errno == EINTR && interrupted())
		return stopped(f, "flushing", pos);
	if (r < 0) {
		int err = errno;
		return bar_break(), error("flushing %s failed: %s%s; the stick does not hold a usable image",
			     f->dev_path, strerror(err), hint(err));
	}
	wd_progress(pos);
	return 0;
}

/* A step's fsync runs in a thread of its own while the next chunks are written; the next
 * step (or the end) waits for it, so at most one is outstanding. */
struct bg_sync {
	pthread_t thread;
	int fd, err, running;
	uint64_t pos;
};

static void *bg_sync_main(void *arg)
{
	struct bg_sync *s = arg;
	s->err = fsync(s->fd) < 0 ? errno : 0;
	return NULL;
}

/* Wait for the outstanding flush, if any, and report its error. */
static int bg_sync_join(struct flashio *f, struct bg_sync *s)
{
	int err;
	if (s->running) {
		pthread_join(s->thread, NULL);
		s->running = 0;
	}
	err = s->err;
	s->err = 0;
	if (!err) {
		if (s->pos)
			wd_progress(s->pos);
		return 0;
	}
	return bar_break(), error("flushing %s failed: %s%s; the stick does not hold a usable image",
		     f->dev_path, strerror(err), hint(err));
}

static void bg_sync_start(struct flashio *f, struct bg_sync *s, uint64_t pos)
{
	sigset_t all, old;
	s->fd = f->dev_fd;
	s->pos = pos;
	if (fault_pulled(pos, 0)) {
		s->err = ENODEV;
		s->running = 0;
		return;
	}
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	s->running = pthread_create(&s->thread, NULL, bg_sync_main, s) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!s->running)
		s->err = fsync(s->fd) < 0 ? errno : 0; /* no thread: flush here */
}

static char *chunk_alloc(void)
{
	void *p = NULL;
	if (posix_memalign(&p, 4096, FLASHIO_CHUNK))
		die("out of memory");
	return p;
}

static uint64_t padded_size(const struct flashio *f)
{
	return (f->img_size + f->sector - 1) / f->sector * f->sector;
}

int flashio_write(struct flashio *f)
{
	uint64_t padded = padded_size(f), head = padded < FLASHIO_HEAD ? padded : FLASHIO_HEAD;
	uint64_t off, synced = 0;
	struct progress p = {"writing", padded, 0, log_now(), 0, f->progress};
	struct bg_sync bg = {0};
	char *b = chunk_alloc();
	int ret = -1;

	if (fault_parse(f->test_hooks) < 0)
		goto out;
	posix_fadvise(f->img_fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	wd_start(f, "writing");
	/* 1. the partition table goes first, so an unfinished stick looks blank */
	memset(b, 0, head);
	if ((ret = dev_write(f, b, head, 0, NULL)) < 0)
		goto out;
	/* 2. the rest of the image */
	p.done = 0;
	for (off = head; off < padded; off += FLASHIO_CHUNK) {
		size_t n = padded - off < FLASHIO_CHUNK ? (size_t)(padded - off) : FLASHIO_CHUNK;
		if ((ret = read_image(f, b, off, n)) < 0)
			goto out;
		/* the next chunks come in from the image while this one goes out */
		posix_fadvise(f->img_fd, (off_t)(off + n), 2 * FLASHIO_CHUNK, POSIX_FADV_WILLNEED);
		if ((ret = dev_write(f, b, n, off, &p)) < 0)
			goto out;
		if (off + n - synced >= FLASHIO_SYNC_STEP) {
			if ((ret = bg_sync_join(f, &bg)) < 0)
				goto out;
			bg_sync_start(f, &bg, off + n);
			synced = off + n;
		}
	}
	if ((ret = bg_sync_join(f, &bg)) < 0)
		goto out;
	/* 3. a stale GPT backup header in the device's last MiB */
	if (f->dev_size > padded) {
		uint64_t tail = f->dev_size > FLASHIO_HEAD ? f->dev_size - FLASHIO_HEAD : 0;
		tail = tail / f->sector * f->sector;
		if (tail < padded)
			tail = padded;
		memset(b, 0, FLASHIO_CHUNK);
		if ((ret = dev_write(f, b, (size_t)(f->dev_size - tail), tail, NULL)) < 0)
			goto out;
	}
	/* 4. the partition table and boot code, last, once everything else is on the stick */
	if ((synced < padded || f->dev_size > padded) && (ret = dev_sync(f, padded)) < 0)
		goto out;
	if ((ret = read_image(f, b, 0, head)) < 0 ||
	    (ret = dev_write(f, b, head, 0, &p)) < 0 || (ret = dev_sync(f, padded)) < 0)
		goto out;
	p.done = padded;
	progress_show(&p, 1);
	f->write_s = log_now() - p.t0;
	ret = 0;
out:
	if (bg.running)
		pthread_join(bg.thread, NULL);
	wd_stop();
	bar_break();
	free(b);
	return ret;
}

static int dev_read(struct flashio *f, char *b, size_t n, uint64_t off)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r;
		if (interrupted())
			return stopped(f, "verifying", off + got);
		if (fault_pulled(off + got, n - got)) {
			errno = ENODEV;
			r = -1;
		} else if (fault_hit(F_READEIO, off + got, n - got)) {
			errno = EIO;
			r = -1;
		} else {
			r = pread(f->dev_fd, b + got, n - got, (off_t)(off + got));
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			int err = r < 0 ? errno : 0;
			return bar_break(), error("verify failed: reading %s back failed at byte %" PRIu64 ": %s%s",
				     f->dev_path, off + got, r < 0 ? strerror(err) : "the device ended",
				     hint(err));
		}
		got += (size_t)r;
		wd_progress(off + got);
	}
	return 0;
}

static void hex(const unsigned char *md, char out[65])
{
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

int flashio_verify(struct flashio *f)
{
	uint64_t padded = padded_size(f), off, diff = UINT64_MAX;
	struct progress p = {"verifying", padded, 0, log_now(), 0, f->progress};
	char *db = chunk_alloc(), *ib = chunk_alloc();
	EVP_MD_CTX *dc = EVP_MD_CTX_new(), *ic = EVP_MD_CTX_new();
	unsigned char dmd[EVP_MAX_MD_SIZE], imd[EVP_MAX_MD_SIZE];
	char dhex[65], ihex[65];
	int ret = -1;

	if (!dc || !ic || !EVP_DigestInit_ex(dc, EVP_sha256(), NULL) ||
	    !EVP_DigestInit_ex(ic, EVP_sha256(), NULL))
		die("sha256 failed");
	if (fault_corrupt(f, db) < 0)
		goto out;
	if (!f->direct) {
		/* no O_DIRECT: drop the cached copy so the reads reach the device */
		ioctl(f->dev_fd, BLKFLSBUF, 0);
		posix_fadvise(f->dev_fd, 0, 0, POSIX_FADV_DONTNEED);
	}
	wd_start(f, "verifying");
	for (off = 0; off < padded; off += FLASHIO_CHUNK) {
		size_t n = padded - off < FLASHIO_CHUNK ? (size_t)(padded - off) : FLASHIO_CHUNK;
		size_t data = f->img_size - off < n ? (size_t)(f->img_size - off) : n;
		posix_fadvise(f->img_fd, (off_t)off, 2 * FLASHIO_CHUNK, POSIX_FADV_WILLNEED);
		if ((ret = dev_read(f, db, n, off)) < 0 || (ret = read_image(f, ib, off, n)) < 0)
			goto out;
		EVP_DigestUpdate(dc, db, data);
		EVP_DigestUpdate(ic, ib, data);
		if (diff == UINT64_MAX && memcmp(db, ib, n))
			for (size_t i = 0; i < n && diff == UINT64_MAX; i++)
				if (db[i] != ib[i])
					diff = off + i;
		p.done += n;
		progress_show(&p, 0);
	}
	EVP_DigestFinal_ex(dc, dmd, NULL);
	EVP_DigestFinal_ex(ic, imd, NULL);
	hex(dmd, dhex);
	hex(imd, ihex);
	progress_show(&p, 1);
	f->verify_s = log_now() - p.t0;
	if (diff != UINT64_MAX || strcmp(dhex, ihex)) {
		bar_break();
		ret = error("verify failed: %s does not hold the image: byte %" PRIu64
			    " differs (sha256 %s read back, %s in the image)",
			    f->dev_path, diff, dhex, ihex);
		goto out;
	}
	memcpy(f->sha256, ihex, sizeof(ihex));
	ret = 0;
out:
	wd_stop();
	EVP_MD_CTX_free(dc);
	EVP_MD_CTX_free(ic);
	free(db);
	free(ib);
	return ret;
}
