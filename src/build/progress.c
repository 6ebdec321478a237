/* progress.c: the live line of a compile (see progress.h).
 * Kbuild's quiet output: scripts/Makefile.build's quiet_cmd_cc_o_c "CC $(quiet_modtag) $@"
 * and quiet_cmd_as_o_S "AS $(quiet_modtag) $@", printed as "  CC      path.o" (modules:
 * "  CC [M]  path.o").  BusyBox's Kbuild prints the same.
 */
#include "build/progress.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "sys/alloc.h"
#include "sys/fs.h"
#include "sys/hash.h"
#include "sys/log.h"

#define RECORD_KEEP 16

/* One line (without its newline): a compile of an object? */
static int compile_line(const char *l, size_t n)
{
	if (n < 6 || l[0] != ' ' || l[1] != ' ')
		return 0;
	if (strncmp(l + 2, "CC ", 3) && strncmp(l + 2, "AS ", 3))
		return 0;
	return n > 2 && l[n - 2] == '.' && l[n - 1] == 'o';
}

unsigned progress_count(const char *text, size_t len)
{
	unsigned n = 0;
	const char *p = text, *end = text + len;
	for (;;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			return n;
		n += (unsigned)compile_line(p, (size_t)(nl - p));
		p = nl + 1;
	}
}

unsigned progress_guess(const char *config, const char *what)
{
	/* Settings that are on, scaled by what cold builds of each tree compiled.  Kernel:
	 * about 2 objects a setting: the tests' small arm64 kernel, 572 on and about 1100
	 * objects; the tests' small i686 kernel, 527 and 1108; the default PC kernel, 841
	 * (57 of them modules) and 1658.  BusyBox: the tests' small one, 80 on and 193
	 * objects (libbb's are there whatever is on); the default one, 871 on (most of them
	 * FEATURE_ options) and 570. */
	unsigned y = 0, m = 0;
	for (const char *p = config; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		if (n > 9 && !strncmp(p, "CONFIG_", 7) && p[n - 2] == '=') {
			y += p[n - 1] == 'y';
			m += p[n - 1] == 'm';
		}
		p += n + (nl != NULL);
	}
	return strcmp(what, "kernel") ? 155 + (y + m) / 2 : 2 * (y + m);
}

int progress_recorded(const char *text, const char *key, unsigned *objects, unsigned *seconds)
{
	size_t klen = strlen(key);
	int found = -1;
	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		unsigned o, s;
		if (!strncmp(p, key, klen) && p[klen] == ' ' &&
		    sscanf(p + klen + 1, "%u %u", &o, &s) == 2) {
			*objects = o;
			*seconds = s;
			found = 0; /* the last line for the key wins */
		}
		p = nl ? nl + 1 : NULL;
	}
	return found;
}

void progress_record(const char *text, const char *key, unsigned objects, unsigned seconds,
		     struct buf *out)
{
	size_t klen = strlen(key), lines = 0, skip;
	const char *p;
	/* the other keys' lines, the oldest dropped past RECORD_KEEP - 1 */
	for (p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		lines += strncmp(p, key, klen) != 0;
	skip = lines >= RECORD_KEEP ? lines - (RECORD_KEEP - 1) : 0;
	for (p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		if (strncmp(p, key, klen) && n > 0) {
			if (skip)
				skip--;
			else {
				buf_add(out, p, n);
				buf_adds(out, "\n");
			}
		}
		p = nl ? nl + 1 : NULL;
	}
	buf_addf(out, "%s %u %u\n", key, objects, seconds);
}

static void add_time(struct buf *out, double s)
{
	unsigned t = s > 0 ? (unsigned)(s + 0.5) : 0;
	buf_addf(out, "%u:%02u", t / 60, t % 60);
}

void progress_format(const struct progress *p, double elapsed, struct buf *out)
{
	buf_addf(out, "  %s: ", p->what);
	if (!p->total) {
		buf_addf(out, "%u objects compiled (a rebuild of a built tree), ", p->done);
		add_time(out, elapsed);
		buf_adds(out, " elapsed");
		return;
	}
	unsigned pct = p->done >= p->total ? 99 : (unsigned)((double)p->done * 100 / p->total);
	buf_addf(out, "%u/%s%u objects%s, %u%%, ", p->done, p->guessed ? "~" : "", p->total,
		 p->guessed ? " (guessed)" : "", pct);
	add_time(out, elapsed);
	buf_adds(out, " elapsed, ");
	/* The time left: with a recorded build of this configuration, the part of its time
	 * that its objects left took (the first objects of a kernel go slower than the rest,
	 * so the rate so far overestimates for a long while: on the small i686 kernel, 35 %
	 * at 8 % done, against 12 % at most for this); else the rate so far, once it means
	 * something. */
	if (p->done >= p->total)
		buf_adds(out, "finishing");
	else if (p->last_s && !p->guessed) {
		buf_adds(out, "about ");
		add_time(out, (double)p->last_s * (p->total - p->done) / p->total);
		buf_adds(out, " left");
	} else if (p->done >= 10 && p->done * 20 >= p->total) {
		buf_adds(out, "about ");
		add_time(out, elapsed * (p->total - p->done) / p->done);
		buf_adds(out, " left");
	} else {
		buf_adds(out, "time left not known yet");
	}
}

void progress_start(struct progress *p, const char *what, const char *objdir, const char *log,
		    const char *const *targets, const char *product)
{
	struct buf text;
	char *config = path_join(objdir, ".config"), *prod = path_join(objdir, product);

	memset(p, 0, sizeof(*p));
	buf_init(&p->tail);
	buf_init(&text);
	p->what = what;
	p->log = log;
	p->record = xasprintf("%s.objects", objdir);
	p->t0 = p->last = log_now();
	p->on = !log_quiet;
	p->tty = isatty(STDERR_FILENO);
	p->cold = !file_exists(prod);
	/* the log so far is the configure's: count from its end */
	int fd = open(log, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		off_t end = lseek(fd, 0, SEEK_END);
		p->off = end > 0 ? end : 0;
		close(fd);
	}
	if (read_text_file(config, &text) == 0) {
		if (p->cold) {
			p->total = progress_guess(text.data, what);
			p->guessed = 1;
		}
		for (const char *const *t = targets; *t; t++)
			buf_addf(&text, "\ntarget %s", *t);
		sha256_hex(text.data, text.len, p->key);
		if (p->cold && file_exists(p->record)) {
			struct buf rec;
			unsigned objects, seconds;
			buf_init(&rec);
			if (read_text_file(p->record, &rec) == 0 &&
			    progress_recorded(rec.data, p->key, &objects, &seconds) == 0 && objects) {
				p->total = objects;
				p->last_s = seconds;
				p->guessed = 0;
			}
			buf_release(&rec);
		}
	} else {
		p->cold = 0; /* no configuration to key a record by */
	}
	p->first_total = p->total;
	buf_release(&text);
	free(config);
	free(prod);
}

static void read_log(struct progress *p)
{
	char chunk[65536];
	ssize_t n;
	int fd = open(p->log, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (lseek(fd, p->off, SEEK_SET) == p->off) {
		while ((n = read(fd, chunk, sizeof(chunk))) > 0) {
			p->off += n;
			buf_add(&p->tail, chunk, (size_t)n);
		}
	}
	close(fd);
	char *nl = p->tail.len ? memrchr(p->tail.data, '\n', p->tail.len) : NULL;
	if (nl) {
		size_t used = (size_t)(nl - p->tail.data) + 1;
		p->done += progress_count(p->tail.data, used);
		memmove(p->tail.data, p->tail.data + used, p->tail.len - used);
		buf_setlen(&p->tail, p->tail.len - used);
	}
}

static void show(struct progress *p, double now)
{
	struct buf line;
	buf_init(&line);
	progress_format(p, now - p->t0, &line);
	if (p->tty) {
		/* one terminal line, or the redraw would leave the wrapped part behind */
		struct winsize ws;
		if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1 && line.len >= ws.ws_col)
			buf_setlen(&line, ws.ws_col - 1u);
		fprintf(stderr, "\r%s\033[K", line.data);
	}
	else
		fprintf(stderr, "%s\n", line.data);
	p->shown = 1;
	p->last = now;
	buf_release(&line);
}

static void finish(struct progress *p, int status)
{
	double secs = log_now() - p->t0;
	read_log(p);
	if (p->on && p->tty && p->shown)
		fputs("\r\033[K", stderr);
	if (p->on && p->shown && status == 0) {
		struct buf line;
		buf_init(&line);
		buf_addf(&line, "  %s: %u objects compiled in ", p->what, p->done);
		add_time(&line, secs);
		if (p->cold && p->first_total)
			buf_addf(&line, " (%s %u)", p->guessed ? "guessed" : "expected", p->first_total);
		fprintf(stderr, "%s\n", line.data);
		buf_release(&line);
	}
	if (status == 0 && p->cold && p->key[0] && p->done) {
		struct buf old, rec;
		buf_init(&old);
		buf_init(&rec);
		if (file_exists(p->record))
			read_text_file(p->record, &old);
		/* the larger count: a cold tree that an interrupted build had begun compiles less */
		unsigned was = 0, was_s = 0;
		if (progress_recorded(old.data, p->key, &was, &was_s) < 0 || was < p->done)
			was = p->done;
		progress_record(old.data, p->key, was, (unsigned)(secs + 0.5), &rec);
		if (write_file_atomic(p->record, rec.data, rec.len, 0644) < 0)
			warning("the object count is not kept for the next build's progress line");
		buf_release(&old);
		buf_release(&rec);
	}
}

void progress_release(struct progress *p)
{
	buf_release(&p->tail);
	free(p->record);
	p->record = NULL;
}

void progress_tick(void *ctx, int status)
{
	struct progress *p = ctx;
	double now = log_now();
	if (status >= 0) {
		finish(p, status);
		return;
	}
	if (!p->on)
		return;
	if (p->tty ? now - p->last < 0.5
		   : now - p->last < (p->shown ? PROGRESS_PLAIN_EVERY : PROGRESS_PLAIN_FIRST))
		return;
	read_log(p);
	/* a guess that was too low grows, so that the line does not stand at 99 % */
	if (p->guessed && p->done >= p->total)
		p->total = p->done + p->done / 8 + 1;
	show(p, now);
}
