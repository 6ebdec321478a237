/* fuzz_initrd_list.c: the initrd list (src/formats/mflist.c), DIR/.mkdistro-initrd of
 * `mkdistro initrd pack`, read from any text: header lines, member lines with their fields,
 * %-escapes, hard links, device nodes, and paths that try to leave DIR.
 *
 * A list that parses must render and parse back to the same list (the pad aside when it is
 * of an ext2 initrd: its text has no pad line).  Then it is packed as pack would
 * (src/tools/initrdfile.c), in memory, from DIR, which holds a few fixed members (a
 * directory, a file, a symlink) that list lines can name: what that makes must read back as
 * a cpio archive.  A list of an ext2 initrd must be refused there: packing one runs mke2fs,
 * which initrdfile_pack does and this harness does not.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "formats/cpio.h"
#include "formats/mflist.h"
#include "fuzz.h"
#include "tools/initrdfile.h"

static char *dir, *list;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char *p;
	(void)argc, (void)argv;
	fuzz_init(1);
	dir = fuzz_path("dir");
	list = path_join(dir, INITRDFILE_LIST);
	p = path_join(dir, "bin");
	assert(mkdir_p(p, 0755) == 0);
	free(p);
	p = path_join(dir, "bin/sh");
	fuzz_write(p, "#!/bin/sh\n", 10);
	free(p);
	p = path_join(dir, "sh");
	assert(symlink("bin/sh", p) == 0);
	free(p);
	return 0;
}

static int same_string(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* Rendered and parsed again, l is itself. */
static void round_trip(const struct mflist *l)
{
	struct mflist again;
	struct buf text;
	buf_init(&text);
	mflist_render(l, "fuzz", &text);
	assert(mflist_parse(&again, text.data, "rendered") == 0);
	assert(again.n == l->n && again.level == l->level && again.ext2_kib == l->ext2_kib);
	assert(l->ext2_kib || again.pad == l->pad);
	for (size_t i = 0; i < l->n; i++) {
		const struct mflist_item *a = &l->v[i], *b = &again.v[i];
		assert(a->type == b->type && same_string(a->path, b->path) &&
		       same_string(a->target, b->target));
		assert(a->mode == b->mode && a->uid == b->uid && a->gid == b->gid &&
		       a->mtime == b->mtime && a->ino == b->ino && a->nlink == b->nlink &&
		       a->major == b->major && a->minor == b->minor);
	}
	mflist_release(&again);
	buf_release(&text);
}

static int member(void *ctx, const struct cpio_entry *e)
{
	(void)ctx, (void)e;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	struct mflist l;
	struct buf out;
	char err[256];
	int parsed, rc;

	parsed = mflist_parse(&l, text, list) == 0;
	if (parsed)
		round_trip(&l);
	buf_init(&out);
	rc = initrdfile_cpio(dir, text, list, &out);
	if (!parsed || l.ext2_kib)
		assert(rc == -1);
	if (rc == 0)
		assert(cpio_read(out.data, out.len, member, NULL, err, sizeof(err), NULL) == 0);
	buf_release(&out);
	mflist_release(&l);
	free(text);
	return 0;
}
