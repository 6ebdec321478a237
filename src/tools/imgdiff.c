/* imgdiff.c: where two stick images differ (see imgdiff.h). */
#include "tools/imgdiff.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build/image.h"
#include "sys/alloc.h"
#include "sys/buf.h"
#include "sys/fs.h"
#include "sys/hash.h"
#include "sys/log.h"
#include "tools/initrdfile.h"

struct side {
	const char *img;
	char *dir;                 /* the FAT's files, copied out */
	uint64_t size, part_off;   /* image size; the first partition's offset */
	unsigned char mbr[512], bs[512];
};

struct diff {
	const char *work;
	int n;      /* differences printed */
	int seq;    /* for unpack directories */
};

static int read_at(int fd, const char *path, uint64_t off, unsigned char *buf, size_t n)
{
	if (pread(fd, buf, n, (off_t)off) != (ssize_t)n)
		return error("cannot read %zu bytes at %" PRIu64 " of '%s'", n, off, path);
	return 0;
}

/* Read the MBR and the FAT boot sector, and copy the FAT's files out. */
static int load_side(struct side *s, const char *work, const char *tag)
{
	struct stat st;
	int fd = open(s->img, O_RDONLY | O_CLOEXEC), ret = -1;
	if (fd < 0)
		return error_errno("cannot open '%s'", s->img);
	if (fstat(fd, &st) < 0 || read_at(fd, s->img, 0, s->mbr, 512) < 0)
		goto out;
	s->size = (uint64_t)st.st_size;
	if (s->mbr[510] != 0x55 || s->mbr[511] != 0xaa) {
		error("'%s' is not a disk image (no boot signature)", s->img);
		goto out;
	}
	s->part_off = (uint64_t)(s->mbr[454] | s->mbr[455] << 8 | s->mbr[456] << 16 |
				 (uint32_t)s->mbr[457] << 24) * 512;
	if (!s->part_off || s->part_off + 512 > s->size) {
		error("'%s' has no first partition to read", s->img);
		goto out;
	}
	if (read_at(fd, s->img, s->part_off, s->bs, 512) < 0)
		goto out;
	s->dir = path_join(work, tag);
	if (mkdir_p(s->dir, 0755) < 0)
		goto out;
	{
		char *fat = xasprintf("%s@@%" PRIu64, s->img, s->part_off);
		char *to = xasprintf("%s/", s->dir);
		char *log = path_join(work, "mtools.log");
		const char *argv[] = {"mcopy", "-s", "-n", "-m", "-i", fat, "::/", to, NULL};
		ret = image_run(NULL, argv, log);
		free(fat);
		free(to);
		free(log);
	}
out:
	close(fd);
	return ret;
}

static void say(struct diff *d, const char *fmt, ...) PRINTF_LIKE(2, 3);
static void say(struct diff *d, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	d->n++;
}

static void compare_sectors(struct diff *d, const struct side *a, const struct side *b)
{
	if (a->size != b->size)
		say(d, "size: %" PRIu64 " bytes in A, %" PRIu64 " in B", a->size, b->size);
	if (memcmp(a->mbr, b->mbr, 440))
		say(d, "MBR: the boot code differs");
	if (memcmp(a->mbr + 440, b->mbr + 440, 4))
		say(d, "MBR: disk signature %02x%02x%02x%02x in A, %02x%02x%02x%02x in B", a->mbr[443],
		    a->mbr[442], a->mbr[441], a->mbr[440], b->mbr[443], b->mbr[442], b->mbr[441],
		    b->mbr[440]);
	if (memcmp(a->mbr + 446, b->mbr + 446, 64))
		say(d, "MBR: the partition table differs");
	if (memcmp(a->bs, b->bs, 512)) {
		/* FAT12/16 keep the volume id at 0x27 and the label at 0x2b; FAT32 at 0x43/0x47 */
		int fat32 = a->bs[0x16] == 0 && a->bs[0x17] == 0;
		size_t id = fat32 ? 0x43 : 0x27, label = fat32 ? 0x47 : 0x2b;
		if (memcmp(a->bs + id, b->bs + id, 4))
			say(d, "FAT: volume id %02X%02X-%02X%02X in A, %02X%02X-%02X%02X in B",
			    a->bs[id + 3], a->bs[id + 2], a->bs[id + 1], a->bs[id], b->bs[id + 3],
			    b->bs[id + 2], b->bs[id + 1], b->bs[id]);
		if (memcmp(a->bs + label, b->bs + label, 11))
			say(d, "FAT: label '%.11s' in A, '%.11s' in B", (const char *)a->bs + label,
			    (const char *)b->bs + label);
		if (!memcmp(a->bs + id, b->bs + id, 4) && !memcmp(a->bs + label, b->bs + label, 11))
			say(d, "FAT: the boot sector differs");
	}
}

static int by_name(const struct dirent **x, const struct dirent **y)
{
	return strcmp((*x)->d_name, (*y)->d_name);
}

static int list_dir(const char *dir, struct dirent ***names)
{
	int n = scandir(dir, names, NULL, by_name);
	if (n < 0 && errno == ENOENT) {
		*names = NULL;
		return 0;
	}
	return n;
}

static int same_file(const char *x, const char *y, off_t *sx, off_t *sy)
{
	char hx[65], hy[65];
	struct stat a, b;
	if (stat(x, &a) < 0 || stat(y, &b) < 0)
		return 0;
	*sx = a.st_size;
	*sy = b.st_size;
	if (a.st_size != b.st_size || sha256_file(x, hx) < 0 || sha256_file(y, hy) < 0)
		return 0;
	return !strcmp(hx, hy);
}

/* An initrd's list: "TYPE PATH MODE UID GID MTIME INO NLINK [TARGET]"; the metadata to
 * compare is everything but the inode number, which shifts when a member is added. */
struct meta {
	char *path, *fields, *type;
};

static int by_path(const void *x, const void *y)
{
	return strcmp(((const struct meta *)x)->path, ((const struct meta *)y)->path);
}

static struct meta *read_list(const char *file, size_t *n)
{
	struct buf text;
	struct meta *m = NULL;
	size_t cap = 0;
	char *save = NULL;
	*n = 0;
	buf_init(&text);
	if (read_file(file, &text) < 0) {
		buf_release(&text);
		return NULL;
	}
	for (char *l = strtok_r(text.data, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *tok[9] = {0}, *s2 = NULL, *copy = xstrdup(l);
		int k = 0;
		struct buf f;
		for (char *t = strtok_r(copy, " ", &s2); t && k < 9; t = strtok_r(NULL, " ", &s2))
			tok[k++] = t;
		if (l[0] == '#' || k < 8) {
			free(copy);
			continue;
		}
		buf_init(&f);
		buf_addf(&f, "%s %s uid %s gid %s mtime %s links %s", tok[0], tok[2], tok[3], tok[4],
			 tok[5], tok[7]);
		if (k > 8)
			buf_addf(&f, " -> %s", tok[8]);
		XGROW(m, cap, *n + 1);
		m[*n].path = xstrdup(tok[1]);
		m[*n].type = xstrdup(tok[0]);
		m[(*n)++].fields = buf_detach(&f, NULL);
		free(copy);
	}
	buf_release(&text);
	if (*n)
		qsort(m, *n, sizeof(*m), by_path);
	return m;
}

static void free_list(struct meta *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(m[i].path);
		free(m[i].fields);
		free(m[i].type);
	}
	free(m);
}

/* Owners, modes, times and links that differ, and device nodes and FIFOs (which live only
 * in the list) that only one side has. */
static void compare_lists(struct diff *d, const char *la, const char *lb, const char *prefix)
{
	size_t na, nb, i = 0, j = 0;
	struct meta *a = read_list(la, &na), *b = read_list(lb, &nb);
	while (i < na || j < nb) {
		int c = i == na ? 1 : j == nb ? -1 : strcmp(a[i].path, b[j].path);
		if (c < 0) {
			if (strcmp(a[i].type, "file") && strcmp(a[i].type, "dir") && strcmp(a[i].type, "slink"))
				say(d, "%s%s: only in A (%s)", prefix, a[i].path, a[i].fields);
			i++;
		} else if (c > 0) {
			if (strcmp(b[j].type, "file") && strcmp(b[j].type, "dir") && strcmp(b[j].type, "slink"))
				say(d, "%s%s: only in B (%s)", prefix, b[j].path, b[j].fields);
			j++;
		} else {
			if (strcmp(a[i].fields, b[j].fields))
				say(d, "%s%s: %s in A, %s in B", prefix, a[i].path, a[i].fields, b[j].fields);
			i++;
			j++;
		}
	}
	free_list(a, na);
	free_list(b, nb);
}

static int diff_tree(struct diff *d, const char *da, const char *db, const char *rel,
		     const char *prefix, int in_initrd);

/* Two initrds that differ: unpack both and compare member by member. */
static int diff_initrd(struct diff *d, const char *fa, const char *fb, const char *rel)
{
	char *ua = xasprintf("%s/initrd-a-%d", d->work, d->seq);
	char *ub = xasprintf("%s/initrd-b-%d", d->work, d->seq++);
	char *prefix = xasprintf("  %s: ", rel);
	int ret = -1;
	if (initrdfile_unpack(fa, ua) == 0 && initrdfile_unpack(fb, ub) == 0) {
		char *la = path_join(ua, INITRDFILE_LIST), *lb = path_join(ub, INITRDFILE_LIST);
		ret = diff_tree(d, ua, ub, "", prefix, 1);
		compare_lists(d, la, lb, prefix);
		free(la);
		free(lb);
	}
	free(ua);
	free(ub);
	free(prefix);
	return ret;
}

/* An initrd of the stick: boot/initrd/NAME.gz, or a kernel's modules, NAME.xz. */
static int is_initrd(const char *rel)
{
	size_t n = strlen(rel);
	return !strncmp(rel, "boot/initrd/", 12) && n > 3 &&
	       (!strcmp(rel + n - 3, ".gz") || !strcmp(rel + n - 3, ".xz"));
}

static int diff_entry(struct diff *d, const char *pa, const char *pb, const char *rel,
		      const char *prefix, int in_initrd)
{
	struct stat sa, sb;
	off_t za = 0, zb = 0;
	if (lstat(pa, &sa) < 0 || lstat(pb, &sb) < 0)
		return error_errno("cannot stat '%s'", rel);
	if ((sa.st_mode & S_IFMT) != (sb.st_mode & S_IFMT)) {
		say(d, "%s%s: a different kind of file in A and B", prefix, rel);
	} else if (S_ISDIR(sa.st_mode)) {
		return diff_tree(d, pa, pb, rel, prefix, in_initrd);
	} else if (S_ISLNK(sa.st_mode)) {
		char ta[4096], tb[4096];
		ssize_t la = readlink(pa, ta, sizeof(ta) - 1), lb = readlink(pb, tb, sizeof(tb) - 1);
		ta[la > 0 ? la : 0] = '\0';
		tb[lb > 0 ? lb : 0] = '\0';
		if (strcmp(ta, tb))
			say(d, "%s%s: a link to '%s' in A, to '%s' in B", prefix, rel, ta, tb);
	} else if (!same_file(pa, pb, &za, &zb)) {
		say(d, "%s%s: differs (%lld bytes in A, %lld in B)", prefix, rel, (long long)za,
		    (long long)zb);
		if (!in_initrd && is_initrd(rel))
			return diff_initrd(d, pa, pb, rel);
	}
	return 0;
}

/* Walk both trees in name order. */
static int diff_tree(struct diff *d, const char *da, const char *db, const char *rel,
		     const char *prefix, int in_initrd)
{
	struct dirent **na, **nb;
	int ca = list_dir(da, &na), cb = list_dir(db, &nb), i = 0, j = 0, ret = 0;
	if (ca < 0 || cb < 0)
		ret = error_errno("cannot read '%s'", ca < 0 ? da : db);
	while (!ret && (i < ca || j < cb)) {
		const char *x = i < ca ? na[i]->d_name : NULL, *y = j < cb ? nb[j]->d_name : NULL;
		int c = !x ? 1 : !y ? -1 : strcmp(x, y);
		const char *name = c <= 0 ? x : y;
		char *sub = *rel ? xasprintf("%s/%s", rel, name) : xstrdup(name);
		if (!strcmp(name, ".") || !strcmp(name, "..") || (in_initrd && !*rel && !strcmp(name, INITRDFILE_LIST))) {
			/* not a member */
		} else if (c < 0) {
			say(d, "%s%s: only in A", prefix, sub);
		} else if (c > 0) {
			say(d, "%s%s: only in B", prefix, sub);
		} else {
			char *pa = path_join(da, name), *pb = path_join(db, name);
			ret = diff_entry(d, pa, pb, sub, prefix, in_initrd);
			free(pa);
			free(pb);
		}
		free(sub);
		i += c <= 0;
		j += c >= 0;
	}
	for (int k = 0; k < ca; k++)
		free(na[k]);
	for (int k = 0; k < cb; k++)
		free(nb[k]);
	free(na);
	free(nb);
	return ret;
}

/* Bytes that differ anywhere: the count and the first offset. */
static int count_bytes(const char *a, const char *b, uint64_t *n, uint64_t *first)
{
	FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
	unsigned char x[65536], y[65536];
	uint64_t off = 0;
	int ret = 0;
	*n = 0;
	*first = UINT64_MAX;
	if (!fa || !fb) {
		ret = error_errno("cannot read '%s'", fa ? b : a);
		goto out;
	}
	for (;;) {
		size_t ra = fread(x, 1, sizeof(x), fa), rb = fread(y, 1, sizeof(y), fb);
		size_t m = ra < rb ? ra : rb;
		for (size_t i = 0; i < m; i++)
			if (x[i] != y[i]) {
				if (*first == UINT64_MAX)
					*first = off + i;
				(*n)++;
			}
		*n += (ra > rb ? ra - rb : rb - ra);
		off += m;
		if (ra < sizeof(x) || rb < sizeof(y))
			break;
	}
out:
	if (fa)
		fclose(fa);
	if (fb)
		fclose(fb);
	return ret;
}

int imgdiff_run(const char *a, const char *b)
{
	char *work = NULL;
	struct side sa = {.img = a}, sb = {.img = b};
	struct diff d = {0};
	uint64_t nbytes = 0, first = 0;
	int ret = -1;

	if (count_bytes(a, b, &nbytes, &first) < 0)
		goto out_free;
	if (!nbytes) {
		printf("identical: %s and %s\n", a, b);
		ret = 0;
		goto out_free;
	}
	if (!(work = temp_dir_make("diff")))
		goto out_free;
	d.work = work;
	if (load_side(&sa, work, "a") < 0 || load_side(&sb, work, "b") < 0)
		goto out;
	printf("A: %s\nB: %s\n", a, b);
	compare_sectors(&d, &sa, &sb);
	if (diff_tree(&d, sa.dir, sb.dir, "", "", 0) < 0)
		goto out;
	printf("%" PRIu64 " bytes differ, the first at offset %" PRIu64 "%s\n", nbytes, first,
	       d.n ? "" : ": not in any file, so in the FAT's own tables or directory entries");
	ret = 1;
out:
	remove_tree(work);
out_free:
	free(sa.dir);
	free(sb.dir);
	free(work);
	return ret;
}
