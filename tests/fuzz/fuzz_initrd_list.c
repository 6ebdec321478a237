/* fuzz_initrd_list.c: `mkdistro initrd pack` (src/initrdfile.c) reading any
 * DIR/.mkdistro-initrd list: header lines, member lines with their fields, %-escapes, hard
 * links, device nodes, and paths that try to leave DIR.
 *
 * DIR holds a few fixed members (a directory, a file, a symlink) that list lines can name.
 * The archive goes to out.gz when the input's length is odd, else to out.cpio, so both
 * writers run; what pack writes must read back as an archive.  A list with an "ext2 KIB"
 * line is skipped: packing it runs mke2fs.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "cpio.h"
#include "fuzz.h"
#include "gz.h"
#include "initrdfile.h"

static char *dir, *list, *out_cpio, *out_gz;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char *p;
	(void)argc, (void)argv;
	fuzz_init(1);
	dir = fuzz_path("dir");
	list = path_join(dir, INITRDFILE_LIST);
	out_cpio = fuzz_path("out.cpio");
	out_gz = fuzz_path("out.gz");
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

/* Is there a line "ext2 X", as parse_list() reads it (fields split at spaces)? */
static int has_ext2(const char *text)
{
	char *copy = xstrdup(text), *save = NULL;
	int found = 0;
	for (char *line = strtok_r(copy, "\n", &save); line && !found;
	     line = strtok_r(NULL, "\n", &save)) {
		char *s2 = NULL, *f0 = strtok_r(line, " ", &s2);
		found = f0 && !strcmp(f0, "ext2") && strtok_r(NULL, " ", &s2);
	}
	free(copy);
	return found;
}

static int member(void *ctx, const struct cpio_entry *e)
{
	(void)ctx, (void)e;
	return 0;
}

/* What pack wrote must read back as a cpio archive. */
static void check(const char *out)
{
	struct buf raw, plain;
	char err[256];
	size_t n = strlen(out);
	buf_init(&raw);
	buf_init(&plain);
	assert(read_file(out, &raw) == 0);
	if (!strcmp(out + n - 3, ".gz"))
		assert(gz_decompress(raw.data, raw.len, &plain) == 0);
	else
		buf_add(&plain, raw.data, raw.len);
	assert(cpio_read(plain.data, plain.len, member, NULL, err, sizeof(err), NULL) == 0);
	buf_release(&raw);
	buf_release(&plain);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	const char *out = size % 2 ? out_gz : out_cpio;
	if (!has_ext2(text)) {
		fuzz_write(list, data, size);
		if (initrdfile_pack(dir, out, 0) == 0)
			check(out);
		unlink(out);
	}
	free(text);
	return 0;
}
