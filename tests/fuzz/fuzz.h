/* fuzz.h: helpers shared by the libFuzzer harnesses (header-only: each harness is one
 * program, built by `make fuzz` with clang -fsanitize=fuzzer,address,undefined).
 *
 * Every harness calls fuzz_init() from LLVMFuzzerInitialize: mkdistro's messages are
 * dropped (log_silent; a harness sees millions of bad inputs, each with its error), and
 * harnesses whose parser reads a file get a scratch directory on a tmpfs, removed at exit.
 *
 * Harnesses that need several files take them from one input cut by fuzz_split(): parts
 * separated by the line FUZZ_SEP, each "NAME\n" then its bytes.  The separator is text so
 * that a seed can be written by hand, and short so that the fuzzer finds it by mutation.
 */
#ifndef MKDISTRO_FUZZ_H
#define MKDISTRO_FUZZ_H

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "formats/manifest.h"
#include "sys/alloc.h"
#include "sys/fs.h"
#include "sys/log.h"

#define FUZZ_SEP "\n--\n"
#define FUZZ_MAX_PARTS 16

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The scratch directory: $TMPDIR, else /dev/shm (a tmpfs, so the writes cost no disk). */
static char fuzz_dir[4096];

static void fuzz_cleanup(void)
{
	if (fuzz_dir[0]) {
		log_silent = 1;
		remove_tree(fuzz_dir);
	}
}

static inline void fuzz_init(int want_dir)
{
	const char *tmp = getenv("TMPDIR");
	log_silent = 1;
	if (!want_dir)
		return;
	snprintf(fuzz_dir, sizeof(fuzz_dir), "%s/mkdistro-fuzz-XXXXXX",
		 tmp && *tmp ? tmp : "/dev/shm");
	if (!mkdtemp(fuzz_dir)) {
		fprintf(stderr, "fuzz: cannot make '%s': %s\n", fuzz_dir, strerror(errno));
		abort();
	}
	atexit(fuzz_cleanup);
}

/* fuzz_dir/rel, malloc'd. */
static inline char *fuzz_path(const char *rel)
{
	return path_join(fuzz_dir, rel);
}

/* Write data to path, or abort: the harness's own failure, not a finding. */
static inline void fuzz_write(const char *path, const void *data, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write_all(fd, data, n) < 0) {
		fprintf(stderr, "fuzz: cannot write '%s': %s\n", path, strerror(errno));
		abort();
	}
	close(fd);
}

/* A NUL-terminated copy of data (the text parsers take C strings). */
static inline char *fuzz_text(const uint8_t *data, size_t n)
{
	char *s = xmalloc(n + 1);
	memcpy(s, data, n);
	s[n] = '\0';
	return s;
}

struct fuzz_part {
	char *name;           /* the first line, NUL-terminated (owned by the parts) */
	const uint8_t *data;  /* the rest, up to the next separator (points into the input) */
	size_t size;
};

struct fuzz_parts {
	struct fuzz_part v[FUZZ_MAX_PARTS];
	size_t n;
};

/* Cut data into parts (see the top of this file).  A part with no newline is all name. */
static inline void fuzz_split(const uint8_t *data, size_t size, struct fuzz_parts *p)
{
	const size_t sep = strlen(FUZZ_SEP);
	size_t at = 0;
	p->n = 0;
	while (at <= size && p->n < FUZZ_MAX_PARTS) {
		const uint8_t *s = data + at, *end, *nl;
		size_t n = size - at, len;
		end = memmem(s, n, FUZZ_SEP, sep);
		len = end ? (size_t)(end - s) : n;
		nl = memchr(s, '\n', len);
		p->v[p->n].name = xstrndup((const char *)s, nl ? (size_t)(nl - s) : len);
		p->v[p->n].data = nl ? nl + 1 : s + len;
		p->v[p->n].size = nl ? len - (size_t)(nl + 1 - s) : 0;
		p->n++;
		if (!end)
			break;
		at += len + sep;
	}
}

static inline void fuzz_parts_release(struct fuzz_parts *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i].name);
	p->n = 0;
}

/* Add part p to a root filesystem tree, by its name line:
 *   /PATH             a file holding the part's bytes, mode 0755
 *   /PATH f MODE      the same with that mode (octal)
 *   /PATH -> TARGET   a symlink
 *   /PATH d           a directory
 *   /PATH c|b MAJ MIN a character or block device
 *   /PATH p           a FIFO
 * Returns what manifest_add_* returned, or -1 for a name line of no kind.  When a file
 * was added and file is not NULL, *file gets its path (malloc'd), for the harness to take
 * as a program. */
static inline int fuzz_add_entry(struct manifest *m, const struct fuzz_part *p, char **file)
{
	char *line = xstrdup(p->name), *save = NULL, *path, *kind, *a, *b;
	int rc = -1, is_file = 0;
	path = strtok_r(line, " ", &save);
	kind = path ? strtok_r(NULL, " ", &save) : NULL;
	a = kind ? strtok_r(NULL, " ", &save) : NULL;
	b = a ? strtok_r(NULL, " ", &save) : NULL;
	if (!path)
		;
	else if (!kind || (!strcmp(kind, "f") && a)) {
		rc = manifest_add_data(m, path, a ? (unsigned)strtoul(a, NULL, 8) & 07777 : 0755,
				       p->data, p->size);
		is_file = 1;
	} else if (!strcmp(kind, "->") && a) {
		/* the target is the rest of the line, spaces and all */
		rc = manifest_add_symlink(m, path, strstr(p->name, " -> ") + 4);
	} else if (!strcmp(kind, "d")) {
		rc = manifest_add_dir(m, path, 0755);
	} else if ((!strcmp(kind, "c") || !strcmp(kind, "b")) && a && b) {
		rc = manifest_add_node(m, path, kind[0] == 'c' ? MF_CHR : MF_BLK, 0600,
				       (unsigned)strtoul(a, NULL, 10), (unsigned)strtoul(b, NULL, 10));
	} else if (!strcmp(kind, "p")) {
		rc = manifest_add_node(m, path, MF_FIFO, 0600, 0, 0);
	}
	if (file)
		*file = rc == 0 && is_file ? xstrdup(path) : NULL;
	free(line);
	return rc;
}

/* Abort when fuzz_dir holds anything but the names in allowed (NULL-terminated): an
 * extractor wrote outside its destination. */
static inline void fuzz_check_scratch(const char *const *allowed)
{
	DIR *d = opendir(fuzz_dir);
	struct dirent *de;
	assert(d);
	while ((de = readdir(d))) {
		const char *n = de->d_name;
		int ok = !strcmp(n, ".") || !strcmp(n, "..");
		for (size_t i = 0; allowed[i] && !ok; i++)
			ok = !strcmp(n, allowed[i]);
		if (!ok) {
			fprintf(stderr, "fuzz: '%s/%s' was written outside the destination\n",
				fuzz_dir, n);
			abort();
		}
	}
	closedir(d);
}

#endif
