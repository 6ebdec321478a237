/* mflist.c: the initrd list's text form (see mflist.h). */
#include "formats/mflist.h"

#include <stdlib.h>
#include <string.h>

#include "sys/alloc.h"
#include "sys/log.h"

static const char *const type_names[] = {
	[MFLIST_DIR] = "dir",	  [MFLIST_FILE] = "file",  [MFLIST_LINK] = "link",
	[MFLIST_SLINK] = "slink", [MFLIST_CHR] = "nod-c",  [MFLIST_BLK] = "nod-b",
	[MFLIST_FIFO] = "fifo",	  [MFLIST_SOCK] = "sock",
};

const char *mflist_type_name(enum mflist_type type)
{
	return type_names[type];
}

void mflist_init(struct mflist *l)
{
	memset(l, 0, sizeof(*l));
	l->level = -1;
}

void mflist_release(struct mflist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].path);
		free(l->v[i].target);
	}
	free(l->v);
	mflist_init(l);
}

void mflist_add(struct mflist *l, const struct mflist_item *item)
{
	XGROW(l->v, l->cap, l->n + 1);
	l->v[l->n++] = *item;
}

const struct mflist_item *mflist_find(const struct mflist *l, const char *path)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].path, path))
			return &l->v[i];
	return NULL;
}

/* A line has at most this many fields (a device node's). */
#define MAX_FIELDS 10

/* A header line (f[0] is gzip, pad or ext2, with one value): 1 when it was one, 0 when
 * not, -1 (reported) when its value is refused. */
static int parse_header(struct mflist *l, char **f, int nf, const char *where, int line)
{
	if (nf != 2)
		return 0;
	if (!strcmp(f[0], "gzip")) {
		l->level = strcmp(f[1], "none") ? atoi(f[1]) : 0;
	} else if (!strcmp(f[0], "pad")) {
		l->pad = strtoul(f[1], NULL, 10);
		if (l->pad > MFLIST_MAX_PAD)
			return error("%s:%d: 'pad %s' is more than %d MiB of padding", where, line, f[1],
				     MFLIST_MAX_PAD >> 20);
	} else if (!strcmp(f[0], "ext2")) {
		l->ext2_kib = (unsigned)strtoul(f[1], NULL, 10);
	} else {
		return 0;
	}
	return 1;
}

/* Unescape the name field f in place: 1, or 0 when it is not one (a bad escape; a NUL,
 * which would cut the name short; nothing). */
static int name_field(char *f)
{
	return !strstr(f, "%00") && field_unescape(f) == 0 && *f;
}

/* The member line f[0..nf) into it (path and target unescaped in place, then copied).
 * Returns 0, or -1 when it is not a line of the list (not reported). */
static int parse_item(char **f, int nf, struct mflist_item *it)
{
	int type = -1, need;
	if (nf < 1)
		return -1;
	for (size_t t = 0; t < sizeof(type_names) / sizeof(*type_names); t++)
		if (!strcmp(f[0], type_names[t]))
			type = (int)t;
	if (type < 0)
		return -1;
	need = type == MFLIST_SLINK || type == MFLIST_LINK ? 9
	       : type == MFLIST_CHR || type == MFLIST_BLK  ? 10
							    : 8;
	/* MODE is permission bits only: the type is TYPE's, and pack would OR them */
	if (nf != need || !name_field(f[1]) || (need == 9 && !name_field(f[8])) ||
	    strtoul(f[2], NULL, 8) > 07777)
		return -1;
	it->type = (enum mflist_type)type;
	it->path = xstrdup(f[1]);
	it->mode = (unsigned)strtoul(f[2], NULL, 8);
	it->uid = (unsigned)strtoul(f[3], NULL, 10);
	it->gid = (unsigned)strtoul(f[4], NULL, 10);
	it->mtime = (unsigned)strtoul(f[5], NULL, 10);
	it->ino = (unsigned)strtoul(f[6], NULL, 10);
	it->nlink = (unsigned)strtoul(f[7], NULL, 10);
	if (need == 9)
		it->target = xstrdup(f[8]);
	if (need == 10) {
		it->major = (unsigned)strtoul(f[8], NULL, 10);
		it->minor = (unsigned)strtoul(f[9], NULL, 10);
	}
	return 0;
}

int mflist_parse(struct mflist *l, const char *text, const char *where)
{
	char *copy = xstrdup(text);
	int line = 0, ret = 0;

	mflist_init(l);
	for (char *s = copy, *end; *s && !ret; s = end) {
		char *f[MAX_FIELDS + 1];
		int nf = 0, rc;
		struct mflist_item it = {.line = ++line};
		end = strchr(s, '\n');
		end = end ? (*end = '\0', end + 1) : s + strlen(s);
		if (*s == '#' || !*s)
			continue;
		/* one more than a line may have, to tell a line with too many */
		for (char *t = strtok(s, " "); t && nf <= MAX_FIELDS; t = strtok(NULL, " "))
			f[nf++] = t;
		rc = parse_header(l, f, nf, where, line);
		if (rc < 0)
			ret = -1;
		else if (!rc && parse_item(f, nf, &it) < 0)
			ret = error("%s:%d: not a line of an initrd list", where, line);
		else if (!rc)
			mflist_add(l, &it);
	}
	free(copy);
	if (ret)
		mflist_release(l);
	return ret;
}

void mflist_render(const struct mflist *l, const char *from, struct buf *out)
{
	buf_adds(out, "# mkdistro initrd list 1: unpacked from ");
	/* a newline in the name would end the comment, and the rest be read as a line */
	for (const char *s = from; *s; s++) {
		if (*s == '\n')
			buf_adds(out, "%0a");
		else
			buf_add(out, s, 1);
	}
	buf_adds(out, "\n");
	if (l->level)
		buf_addf(out, "gzip %d\n", l->level);
	else
		buf_adds(out, "gzip none\n");
	for (size_t i = 0; i < l->n; i++) {
		const struct mflist_item *it = &l->v[i];
		buf_addf(out, "%s ", type_names[it->type]);
		buf_add_field(out, it->path);
		buf_addf(out, " %04o %u %u %u %u %u", it->mode, it->uid, it->gid, it->mtime, it->ino,
			 it->nlink);
		if (it->type == MFLIST_LINK || it->type == MFLIST_SLINK) {
			buf_adds(out, " ");
			buf_add_field(out, it->target);
		} else if (it->type == MFLIST_CHR || it->type == MFLIST_BLK) {
			buf_addf(out, " %u %u", it->major, it->minor);
		}
		buf_adds(out, "\n");
	}
	if (l->ext2_kib)
		buf_addf(out, "ext2 %u\n", l->ext2_kib);
	else
		buf_addf(out, "pad %zu\n", l->pad);
}
