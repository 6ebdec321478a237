/* ldsoconf.c: /etc/ld.so.conf and its includes, read as ldconfig reads them (see
 * ldsoconf.h).
 *
 * Spec: ldconfig(8) (https://man7.org/linux/man-pages/man8/ldconfig.8.html), and the
 * configuration Debian ships: an include of every .conf file in /etc/ld.so.conf.d.
 */
#include "formats/ldsoconf.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "formats/fileview.h"
#include "sys/alloc.h"
#include "sys/log.h"

/* ldconfig has no limit, but an include loop would never end: stop at this depth. */
#define MAX_DEPTH 16

/* One reading of the configuration.  Each file is read once, whatever name it is included
 * by: includes that reach the same files again by other names would otherwise be read
 * (includes per level ^ depth) times. */
struct conf_walk {
	struct ldsoconf *c;
	const struct fileview *v;
	struct conf_id {
		dev_t dev;
		ino_t ino;
	} *seen; /* each file read, as the view identifies it */
	size_t n_seen, cap_seen;
};

static void conf_parse(struct conf_walk *w, const char *file, int depth);

void ldsoconf_init(struct ldsoconf *c)
{
	strvec_init(&c->dirs);
}

void ldsoconf_release(struct ldsoconf *c)
{
	strvec_clear(&c->dirs);
}

static void conf_add(struct ldsoconf *c, const char *dir)
{
	for (size_t i = 0; i < c->dirs.n; i++)
		if (strcmp(c->dirs.v[i], dir) == 0)
			return; /* ldconfig: "given more than once" */
	strvec_push(&c->dirs, dir);
}

/* Whether the file f was read already in this walk; remembers it if not. */
static int conf_seen(struct conf_walk *w, const struct fileview_file *f)
{
	for (size_t i = 0; i < w->n_seen; i++)
		if (w->seen[i].dev == f->dev && w->seen[i].ino == f->ino)
			return 1;
	XGROW(w->seen, w->cap_seen, w->n_seen + 1);
	w->seen[w->n_seen++] = (struct conf_id){ f->dev, f->ino };
	return 0;
}

/* "include PATTERN...": each glob, relative ones to the including file's directory, read
 * in sorted order. */
static void conf_include(struct conf_walk *w, const char *file, const char *args, int depth)
{
	for (const char *p = args + strspn(args, " \t"); *p; p += strspn(p, " \t")) {
		size_t n = strcspn(p, " \t");
		char *pat = xstrndup(p, n), *full, *dir;
		struct strvec files;
		p += n;
		if (pat[0] == '/') {
			full = fileview_host_path(w->v, pat);
		} else {
			dir = fileview_dirname(file);
			full = fileview_join(dir, pat);
			free(dir);
		}
		strvec_init(&files);
		fileview_glob(w->v, full, &files);
		for (size_t i = 0; i < files.n; i++)
			conf_parse(w, files.v[i], depth + 1);
		strvec_clear(&files);
		free(full);
		free(pat);
	}
}

/* One line of file, which it may change. */
static void conf_line(struct conf_walk *w, const char *file, char *line, int depth)
{
	char *p = line, *end;
	*strchrnul(p, '#') = '\0';
	while (isspace((unsigned char)*p))
		p++;
	end = p + strlen(p);
	while (end > p && isspace((unsigned char)end[-1]))
		*--end = '\0';
	if (!*p)
		return;
	if (strncmp(p, "include", 7) == 0 && isblank((unsigned char)p[7])) {
		conf_include(w, file, p + 8, depth);
		return;
	}
	if (strncasecmp(p, "hwcap", 5) == 0 && isblank((unsigned char)p[5]))
		return;
	*strchrnul(p, '=') = '\0';
	end = p + strlen(p);
	while (end > p + 1 && (end[-1] == '/' || isspace((unsigned char)end[-1])))
		*--end = '\0';
	if (p[0] == '/') /* ldconfig refuses relative directories */
		conf_add(w->c, p);
}

/* Read one configuration file, a host path of the view. */
static void conf_parse(struct conf_walk *w, const char *file, int depth)
{
	struct fileview_file f;
	char why[256];

	if (depth > MAX_DEPTH) {
		warning("'%s': includes nested too deeply, ignored", file);
		return;
	}
	switch (fileview_open(w->v, file, &f, why, sizeof(why))) {
	case FILEVIEW_OK:
		break;
	case FILEVIEW_ABSENT:
	case FILEVIEW_UNREADABLE:
		if (f.err != ENOENT)
			warning("cannot read '%s': %s", file, strerror(f.err));
		return;
	case FILEVIEW_NOT_REGULAR:
		return;
	}
	if (!conf_seen(w, &f)) {
		const char *s = (const char *)f.data, *end = s + f.size;
		while (s < end) {
			const char *nl = memchr(s, '\n', (size_t)(end - s));
			size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
			/* a NUL ends the line for the parser, as it would in ldconfig's getline */
			char *line = xstrndup(s, n);
			conf_line(w, file, line, depth);
			free(line);
			s += n + 1;
		}
	}
	fileview_close(&f);
}

void ldsoconf_read(struct ldsoconf *c, const struct fileview *v, const char *path)
{
	struct conf_walk w = { .c = c, .v = v };
	char *file = fileview_host_path(v, path);
	conf_parse(&w, file, 0);
	free(file);
	free(w.seen);
}
