/* unpack.c: safe archive extraction with libarchive (see unpack.h).
 * Reference: libarchive's archive_write_disk(3), "SECURE" extraction flags.
 */
#include "formats/unpack.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sys/alloc.h"
#include "sys/buf.h"
#include "sys/fs.h"
#include "sys/interrupt.h"
#include "sys/log.h"

int unpack_name_is_safe(const char *name)
{
	const char *p = name;
	if (!name || !*name || name[0] == '/')
		return 0;
	while (*p) {
		size_t n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return 0;
		p += n;
		while (*p == '/')
			p++;
	}
	return 1;
}

char *unpack_shown(const char *name)
{
	struct buf b;
	buf_init(&b);
	for (const unsigned char *p = (const unsigned char *)(name ? name : ""); *p; p++) {
		if (*p == '\n')
			buf_adds(&b, "\\n");
		else if (*p == '\t')
			buf_adds(&b, "\\t");
		else if (*p == '\\')
			buf_adds(&b, "\\\\");
		else if (*p < ' ' || *p == 0x7f)
			buf_addf(&b, "\\x%02x", *p);
		else
			buf_add(&b, p, 1);
	}
	return buf_detach(&b, NULL);
}

/* What the members seen so far made: the names (normalized, sorted) of the symlinks, and of
 * the hard links to them, which are symlinks too.  A later member whose name goes through one
 * of them would be written wherever the symlink points.  libarchive refuses that as well
 * (ARCHIVE_EXTRACT_SECURE_SYMLINKS, by looking at the disk), but dpkg-source's tar does not
 * always, and this way every extractor gets the same rule and the same message. */
struct guard {
	const char *archive;
	const char *dest; /* for messages; NULL when only checking */
	char **links;
	size_t n, cap;
};

static void guard_release(struct guard *g)
{
	for (size_t i = 0; i < g->n; i++)
		free(g->links[i]);
	free(g->links);
}

/* name without "." parts, empty parts and trailing slashes: "./a//b/" is "a/b", "./" is "". */
static char *normalize(const char *name)
{
	struct buf b;
	buf_init(&b);
	for (const char *p = name; *p;) {
		size_t n = strcspn(p, "/");
		if (n && !(n == 1 && p[0] == '.')) {
			if (b.len)
				buf_adds(&b, "/");
			buf_add(&b, p, n);
		}
		p += n;
		while (*p == '/')
			p++;
	}
	return buf_detach(&b, NULL);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int is_link(const struct guard *g, const char *path)
{
	return g->n && bsearch(&path, g->links, g->n, sizeof(*g->links), by_name) != NULL;
}

static void add_link(struct guard *g, const char *path)
{
	size_t i = 0;
	if (is_link(g, path))
		return;
	while (i < g->n && strcmp(g->links[i], path) < 0)
		i++;
	XGROW(g->links, g->cap, g->n + 1);
	memmove(g->links + i + 1, g->links + i, (g->n - i) * sizeof(*g->links));
	g->links[i] = xstrdup(path);
	g->n++;
}

/* The first directory part of path (normalized) that is a symlink of the archive, malloc'd,
 * or NULL. */
static char *through_link(const struct guard *g, char *path)
{
	for (char *s = strchr(path, '/'); s && g->n; s = strchr(s + 1, '/')) {
		char *found = NULL;
		*s = '\0';
		if (is_link(g, path))
			found = xstrdup(path);
		*s = '/';
		if (found)
			return found;
	}
	return NULL;
}

/* Where a member would land outside, for messages. */
static char *outside(const struct guard *g)
{
	return g->dest ? xasprintf("'%s'", g->dest) : xstrdup("the directory it is unpacked into");
}

/* Check one member before anything of it is written; then note what it makes.  Returns 0,
 * or -1 with an error naming the archive and the member. */
static int guard_member(struct guard *g, struct archive_entry *e)
{
	const char *name = archive_entry_pathname(e);
	const char *link = archive_entry_hardlink(e);
	unsigned type = archive_entry_filetype(e);
	char *shown = unpack_shown(name), *where = outside(g), *norm = NULL, *via = NULL;
	char *lnorm = NULL, *lshown = NULL;
	int ret = -1;

	if (!name || !*name) {
		error("'%s': a member has no name", g->archive);
		goto out;
	}
	if (name[0] == '/') {
		error("'%s': refusing member '%s': an absolute name would land outside %s", g->archive,
		      shown, where);
		goto out;
	}
	if (!unpack_name_is_safe(name)) {
		error("'%s': refusing member '%s': its '..' would climb out of %s", g->archive, shown,
		      where);
		goto out;
	}
	norm = normalize(name);
	if ((via = through_link(g, norm))) {
		char *vshown = unpack_shown(via);
		error("'%s': refusing member '%s': it goes through '%s', a symlink in the archive, "
		      "and could land outside %s",
		      g->archive, shown, vshown, where);
		free(vshown);
		goto out;
	}
	if (link) {
		lshown = unpack_shown(link);
		if (!unpack_name_is_safe(link)) {
			error("'%s': refusing member '%s', a hard link to '%s': the target is outside %s",
			      g->archive, shown, lshown, where);
			goto out;
		}
		lnorm = normalize(link);
		if ((via = through_link(g, lnorm))) {
			char *vshown = unpack_shown(via);
			error("'%s': refusing member '%s', a hard link to '%s': the target goes through "
			      "'%s', a symlink in the archive",
			      g->archive, shown, lshown, vshown);
			free(vshown);
			goto out;
		}
	} else if (type != AE_IFREG && type != AE_IFDIR && type != AE_IFLNK) {
		const char *what = type == AE_IFCHR   ? "character device"
				   : type == AE_IFBLK ? "block device"
				   : type == AE_IFIFO ? "FIFO"
				   : type == AE_IFSOCK ? "socket"
						       : "file of unknown type";
		error("'%s': refusing member '%s': a %s has no place in a source tree", g->archive,
		      shown, what);
		goto out;
	}
	if (!*norm && (link || type != AE_IFDIR)) {
		error("'%s': refusing member '%s': it would replace %s itself", g->archive, shown,
		      where);
		goto out;
	}
	/* A hard link to a symlink is another symlink (link(2) does not follow it). */
	if (type == AE_IFLNK || (lnorm && is_link(g, lnorm)))
		add_link(g, norm);
	ret = 0;
out:
	free(shown);
	free(where);
	free(norm);
	free(via);
	free(lnorm);
	free(lshown);
	return ret;
}

/* A read error: say "ends early" when libarchive found the archive (or its compression) cut
 * short, so that a truncated download is told apart from other damage.  liblzma says "No
 * progress is possible" (LZMA_BUF_ERROR) when its input ends inside a block. */
static int read_failed(const char *archive, struct archive *in, int opening)
{
	const char *why = archive_error_string(in);
	if (!why)
		why = "unknown error";
	if (strcasestr(why, "truncat") || strcasestr(why, "premature") ||
	    strcasestr(why, "unexpected end") || strcasestr(why, "unexpected eof") ||
	    strcasestr(why, "no progress is possible"))
		return error("'%s' ends early (truncated): %s", archive, why);
	if (opening)
		return error("cannot read '%s': %s", archive, why);
	return error("'%s' is damaged: %s", archive, why);
}

/* Tar only, plain or compressed with gzip, bzip2, xz or zstd: what Debian's source packages,
 * .deb data and kernel.org and busybox.net tarballs use.  libarchive reads some thirty other
 * formats and filters besides (zip, 7z, rar, cab, iso9660, lzma, lzip, lz4, uuencode, and
 * lrzip or grzip through an outside program), each a parser that outside bytes could reach
 * and none a source mkdistro needs; the legacy .lzma filter alone let a 14-byte input decode
 * for seconds under the fuzzer. */
static struct archive *open_archive(const char *archive)
{
	struct archive *in = archive_read_new();
	archive_read_support_filter_gzip(in);
	archive_read_support_filter_bzip2(in);
	archive_read_support_filter_xz(in);
	archive_read_support_filter_zstd(in);
	archive_read_support_format_tar(in);
	if (archive_read_open_filename(in, archive, 1 << 16) != ARCHIVE_OK) {
		const char *why = archive_error_string(in);
		if (why && strcasestr(why, "unrecognized archive format"))
			error("'%s' is not a tar archive mkdistro reads: it takes tar, plain or "
			      "compressed with gzip, bzip2, xz or zstd", archive);
		else
			read_failed(archive, in, 1);
		archive_read_free(in);
		return NULL;
	}
	return in;
}

int unpack_check(const char *archive)
{
	struct guard g = {.archive = archive};
	struct archive *in = open_archive(archive);
	struct archive_entry *e;
	int ret = -1, r;

	if (!in)
		return -1;
	while ((r = archive_read_next_header(in, &e)) == ARCHIVE_OK) {
		if (interrupt_check() < 0 || guard_member(&g, e) < 0)
			goto out;
		if (archive_read_data_skip(in) != ARCHIVE_OK) {
			read_failed(archive, in, 0);
			goto out;
		}
	}
	if (r != ARCHIVE_EOF) {
		read_failed(archive, in, 0);
		goto out;
	}
	ret = 0;
out:
	guard_release(&g);
	archive_read_free(in);
	return ret;
}

/* Report what failed on the disk side for member name of archive. */
static int write_failed(const char *archive, struct archive *out, const char *doing,
			const char *name)
{
	char *shown = unpack_shown(name);
	error("'%s': cannot %s '%s': %s", archive, doing, shown, archive_error_string(out));
	free(shown);
	return -1;
}

/* The member whose header was just read, from in to out, set-id bits dropped. */
static int extract_member(const char *archive, struct archive *in, struct archive *out,
			  struct archive_entry *e)
{
	const char *name = archive_entry_pathname(e);
	const void *block;
	size_t size;
	la_int64_t offset;
	int r;

	archive_entry_set_perm(e, archive_entry_perm(e) & ~(mode_t)(S_ISUID | S_ISGID));
	if (archive_write_header(out, e) != ARCHIVE_OK)
		return write_failed(archive, out, "extract", name);
	while ((r = archive_read_data_block(in, &block, &size, &offset)) == ARCHIVE_OK)
		if (archive_write_data_block(out, block, size, offset) != ARCHIVE_OK)
			return write_failed(archive, out, "write", name);
	if (r != ARCHIVE_EOF)
		return read_failed(archive, in, 0);
	if (archive_write_finish_entry(out) != ARCHIVE_OK)
		return write_failed(archive, out, "finish", name);
	return 0;
}

/* Back to the working directory that cwd (open(".")) holds.  Without one (a working
 * directory that this user cannot search, such as root's checkout for a build run as
 * nobody), to "/": no relative path worked there before either, and mkdistro's are all
 * absolute. */
static void leave(int cwd)
{
	if (cwd >= 0 ? fchdir(cwd) < 0 : chdir("/") < 0)
		die("cannot return to the working directory");
}

/* Extract every member of in into dest, as unpack_archive does; archive names it in
 * messages.  Frees in.  Returns 0 or -1 (reported). */
static int extract_all(const char *archive, struct archive *in, const char *dest)
{
	struct guard g = {.archive = archive, .dest = dest};
	struct archive *out;
	struct archive_entry *e;
	int ret = -1, r, cwd = -1, written = 0, entered = 0;
	const int flags = ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_SECURE_SYMLINKS |
			  ARCHIVE_EXTRACT_SECURE_NODOTDOT | ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS;

	out = archive_write_disk_new();
	archive_write_disk_set_options(out, flags);
	if (mkdir_p(dest, 0755) < 0)
		goto out;
	/* Names stay relative to dest, so that the SECURE checks look only inside it (an
	 * ancestor of dest may well be a symlink, such as a linked home directory). */
	cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (chdir(dest) < 0) {
		error_errno("cannot enter '%s'", dest);
		goto out;
	}
	entered = 1;
	while ((r = archive_read_next_header(in, &e)) == ARCHIVE_OK) {
		/* the kernel's 80,000 members take half a minute: Ctrl-C stops between two */
		if (interrupt_check() < 0 || guard_member(&g, e) < 0 ||
		    extract_member(archive, in, out, e) < 0)
			goto out;
		/* for the tests: a signal once the first member is on disk */
		if (!written++)
			interrupt_fault_point("unpack");
	}
	if (r != ARCHIVE_EOF) {
		read_failed(archive, in, 0);
		goto out;
	}
	if (archive_write_close(out) != ARCHIVE_OK) {
		error("cannot extract '%s': %s", archive, archive_error_string(out));
		goto out;
	}
	ret = 0;
out:
	if (entered)
		leave(cwd);
	if (cwd >= 0)
		close(cwd);
	guard_release(&g);
	archive_read_free(in);
	archive_write_free(out);
	return ret;
}

int unpack_archive(const char *archive, const char *dest)
{
	struct archive *in = open_archive(archive);
	return in ? extract_all(archive, in, dest) : -1;
}

/* ---- a tar inside an ar archive (a .deb's control.tar.* and data.tar.*) ---- */

/* The outer archive, positioned at the member being read: the inner one's source. */
struct outer {
	struct archive *a;
	char data[1 << 16];
};

static la_ssize_t outer_read(struct archive *inner, void *ctx, const void **block)
{
	struct outer *o = ctx;
	la_ssize_t n = archive_read_data(o->a, o->data, sizeof(o->data));
	const char *why = archive_error_string(o->a);
	if (n < 0)
		archive_set_error(inner, EIO, "%s", why ? why : "read error");
	*block = o->data;
	return n;
}

/* Free what open_member opened: inner (may be NULL), then outer. */
static void close_member(struct outer *outer, struct archive *inner)
{
	if (inner)
		archive_read_free(inner);
	archive_read_free(outer->a);
	free(outer);
}

/* The ar archive `ar` opened and positioned at its member named member, and that member
 * opened as a tar (plain or compressed as open_archive takes) in *inner.  label names it in
 * messages, "AR(MEMBER)".  Returns the outer archive, or NULL (reported). */
static struct outer *open_member(const char *ar, const char *member, const char *label,
				  struct archive **inner)
{
	struct outer *outer = xcalloc(1, sizeof(*outer));
	struct archive_entry *e;
	int r;

	outer->a = archive_read_new();
	archive_read_support_format_ar(outer->a);
	if (archive_read_open_filename(outer->a, ar, 1 << 16) != ARCHIVE_OK) {
		read_failed(ar, outer->a, 1);
		close_member(outer, NULL);
		return NULL;
	}
	while ((r = archive_read_next_header(outer->a, &e)) == ARCHIVE_OK &&
	       strcmp(archive_entry_pathname(e), member))
		;
	if (r != ARCHIVE_OK) {
		if (r == ARCHIVE_EOF)
			error("'%s' has no member '%s'", ar, member);
		else
			read_failed(ar, outer->a, 0);
		close_member(outer, NULL);
		return NULL;
	}
	*inner = archive_read_new();
	archive_read_support_filter_gzip(*inner);
	archive_read_support_filter_bzip2(*inner);
	archive_read_support_filter_xz(*inner);
	archive_read_support_filter_zstd(*inner);
	archive_read_support_format_tar(*inner);
	if (archive_read_open(*inner, outer, NULL, outer_read, NULL) != ARCHIVE_OK) {
		read_failed(label, *inner, 1);
		close_member(outer, *inner);
		return NULL;
	}
	return outer;
}

int unpack_ar_member(const char *ar, const char *member, const char *dest)
{
	char *label = xasprintf("%s(%s)", ar, member);
	struct archive *inner = NULL;
	struct outer *outer = open_member(ar, member, label, &inner);
	int ret = outer ? extract_all(label, inner, dest) : -1; /* frees inner */
	if (outer)
		close_member(outer, NULL);
	free(label);
	return ret;
}

/* unpack_ar_file, or with absent_ok, 1 when there is no such file (not reported). */
static int ar_file(const char *ar, const char *member, const char *name, size_t max,
		   struct buf *out, int absent_ok)
{
	char *label = xasprintf("%s(%s)", ar, member);
	struct archive *inner = NULL;
	struct outer *outer = open_member(ar, member, label, &inner);
	struct archive_entry *e;
	int ret = -1, r = ARCHIVE_FATAL;

	if (!outer)
		goto out;
	while ((r = archive_read_next_header(inner, &e)) == ARCHIVE_OK) {
		char *n = normalize(archive_entry_pathname(e));
		int found = !strcmp(n, name);
		free(n);
		if (found)
			break;
	}
	if (r == ARCHIVE_EOF) {
		if (absent_ok)
			ret = 1;
		else
			error("'%s' has no file '%s'", label, name);
	} else if (r != ARCHIVE_OK) {
		read_failed(label, inner, 0);
	} else if (archive_entry_filetype(e) != AE_IFREG || archive_entry_size(e) < 0 ||
		   (uint64_t)archive_entry_size(e) > max) {
		error("'%s': '%s' is not a regular file of at most %zu bytes", label, name, max);
	} else {
		size_t n = (size_t)archive_entry_size(e), start = out->len;
		buf_grow(out, n);
		if (archive_read_data(inner, out->data + start, n) != (la_ssize_t)n) {
			read_failed(label, inner, 0);
		} else {
			buf_setlen(out, start + n);
			ret = 0;
		}
	}
out:
	if (outer)
		close_member(outer, inner);
	free(label);
	return ret;
}

int unpack_ar_file(const char *ar, const char *member, const char *name, size_t max,
		   struct buf *out)
{
	return ar_file(ar, member, name, max, out, 0);
}

int unpack_ar_file_if(const char *ar, const char *member, const char *name, size_t max,
		      struct buf *out)
{
	return ar_file(ar, member, name, max, out, 1);
}
