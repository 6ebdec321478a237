/* publish.c: out/ changes in one step (see publish.h).
 * References: rename(2), renameat2(2) (RENAME_EXCHANGE), sigprocmask(2).
 */
#include "build/publish.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sys/alloc.h"
#include "sys/buf.h"
#include "sys/fs.h"
#include "sys/log.h"

#define JOURNAL ".publish"
#define JOURNAL_HEADER "mkdistro publish 1\n"

void publish_init(struct publish *p, const char *out_dir)
{
	memset(p, 0, sizeof(*p));
	p->out_dir = xstrdup(out_dir);
}

void publish_release(struct publish *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].from);
		free(p->v[i].name);
	}
	free(p->v);
	free(p->out_dir);
	memset(p, 0, sizeof(*p));
}

static void add(struct publish *p, const char *name, const char *from, ino_t ino)
{
	XGROW(p->v, p->cap, p->n + 1);
	p->v[p->n].name = xstrdup(name);
	p->v[p->n].from = from ? xstrdup(from) : NULL;
	p->v[p->n++].ino = ino;
}

void publish_add(struct publish *p, const char *name, const char *from)
{
	add(p, name, from, 0);
}

void publish_drop(struct publish *p, const char *name)
{
	add(p, name, NULL, 0);
}

/* "move INO FROM NAME" or "drop NAME", one line each, after the header. */
static void render(const struct publish *p, struct buf *out)
{
	buf_adds(out, JOURNAL_HEADER);
	for (size_t i = 0; i < p->n; i++) {
		const struct publish_move *m = &p->v[i];
		if (m->from) {
			buf_addf(out, "move %llu ", (unsigned long long)m->ino);
			buf_add_field(out, m->from);
			buf_adds(out, " ");
		} else {
			buf_adds(out, "drop ");
		}
		buf_add_field(out, m->name);
		buf_adds(out, "\n");
	}
}

/* The journal's text back into p (moves appended).  Returns 0 or -1 (reported). */
static int parse(struct publish *p, char *text, const char *path)
{
	int line = 1;
	if (strncmp(text, JOURNAL_HEADER, strlen(JOURNAL_HEADER)))
		return error("%s: not a list of moves mkdistro wrote", path);
	text += strlen(JOURNAL_HEADER);
	for (char *save = NULL, *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char from[4096], name[4096];
		unsigned long long ino;
		line++;
		if (sscanf(l, "move %llu %4095s %4095s", &ino, from, name) == 3 &&
		    field_unescape(from) == 0 && field_unescape(name) == 0)
			add(p, name, from, (ino_t)ino);
		else if (sscanf(l, "drop %4095s", name) == 1 && field_unescape(name) == 0)
			add(p, name, NULL, 0);
		else
			return error("%s:%d: not a move mkdistro wrote", path, line);
	}
	return 0;
}

/* Put m's output at its name: a file with one rename, a directory over a directory with
 * one exchange (the old tree is left at m->from, to be removed with the work directory).
 * Done already when the name holds m's inode.  Returns 0 or -1 (reported). */
static int move(const char *out_dir, const struct publish_move *m)
{
	char *to = path_join(out_dir, m->name);
	struct stat from_st, to_st;
	int has_to = lstat(to, &to_st) == 0, ret = 0;

	if (has_to && to_st.st_ino == m->ino)
		goto out;
	if (lstat(m->from, &from_st) < 0 || from_st.st_ino != m->ino) {
		ret = error("cannot publish '%s': '%s' is gone", to, m->from);
		goto out;
	}
	if (has_to && S_ISDIR(to_st.st_mode) && S_ISDIR(from_st.st_mode)) {
		if (renameat2(AT_FDCWD, m->from, AT_FDCWD, to, RENAME_EXCHANGE) == 0)
			goto out;
		/* a file system without the exchange: the old tree goes aside first */
		if (errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP) {
			ret = error_errno("cannot exchange '%s' and '%s'", m->from, to);
			goto out;
		}
		if (remove_tree(to) < 0) {
			ret = -1;
			goto out;
		}
	}
	if (rename(m->from, to) < 0)
		ret = error_errno("cannot rename '%s' to '%s'", m->from, to);
out:
	free(to);
	return ret;
}

/* Every move and removal of p, in order; then out/ synced. */
static int apply(const struct publish *p)
{
	int ret = 0;
	for (size_t i = 0; i < p->n && !ret; i++) {
		const struct publish_move *m = &p->v[i];
		if (m->from) {
			ret = move(p->out_dir, m);
		} else {
			char *to = path_join(p->out_dir, m->name);
			ret = remove_tree(to);
			free(to);
		}
	}
	if (!ret)
		ret = fsync_path(p->out_dir);
	return ret;
}

/* Remove the journal, durably: the moves it lists are done. */
static int forget(const char *out_dir, const char *journal)
{
	if (unlink(journal) < 0 && errno != ENOENT)
		return error_errno("cannot remove '%s'", journal);
	return fsync_path(out_dir);
}

int publish_commit(struct publish *p)
{
	char *journal = path_join(p->out_dir, JOURNAL);
	sigset_t hold, old;
	struct buf text;
	int ret = 0;

	buf_init(&text);
	for (size_t i = 0; i < p->n && !ret; i++) {
		struct stat st;
		if (!p->v[i].from)
			continue;
		if (lstat(p->v[i].from, &st) < 0)
			ret = error_errno("cannot publish '%s'", p->v[i].from);
		p->v[i].ino = st.st_ino;
	}
	if (!ret) {
		render(p, &text);
		ret = write_file_atomic(journal, text.data, text.len, 0644);
	}
	if (!ret) {
		sigemptyset(&hold);
		sigaddset(&hold, SIGINT);
		sigaddset(&hold, SIGTERM);
		sigaddset(&hold, SIGHUP);
		sigprocmask(SIG_BLOCK, &hold, &old);
		ret = apply(p);
		if (!ret)
			ret = forget(p->out_dir, journal);
		sigprocmask(SIG_SETMASK, &old, NULL);
	}
	buf_release(&text);
	free(journal);
	return ret;
}

int publish_recover(const char *out_dir)
{
	char *journal = path_join(out_dir, JOURNAL);
	struct publish p;
	struct buf text;
	int ret = 0;

	publish_init(&p, out_dir);
	buf_init(&text);
	if (file_exists(journal)) {
		info("mkdistro: finishing what the last build began to publish (%s)", journal);
		ret = read_text_file(journal, &text) < 0 || parse(&p, text.data, journal) < 0 ||
				      apply(&p) < 0 || forget(out_dir, journal) < 0
			      ? -1
			      : 0;
	}
	buf_release(&text);
	publish_release(&p);
	free(journal);
	return ret;
}
