/* fuzz_initrd_list.c: `mkdistro initrd pack` (src/tools/initrdfile.c) reading any
 * DIR/.mkdistro-initrd list: header lines, member lines with their fields, %-escapes, hard
 * links, device nodes, and paths that try to leave DIR.
 *
 * DIR holds a few fixed members (a directory, a file, a symlink) that list lines can name.
 * The list is given as text to initrdfile_cpio, pack's own work in memory (initrdfile_pack
 * only reads the list from DIR first, and gzips and writes the archive after); what it
 * makes must read back as a cpio archive.  A list with an "ext2 KIB" line must be refused:
 * packing one runs mke2fs, which initrdfile_pack does and this harness does not.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "formats/cpio.h"
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

/* The size the list's last line "ext2 KIB" gives, as parse_list() reads it (fields split at
 * spaces, exactly two), or 0: a list of an ext2 initrd when not 0. */
static unsigned long ext2_kib(const char *text)
{
	char *copy = xstrdup(text), *save = NULL;
	unsigned long kib = 0;
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *s2 = NULL, *f[3] = {0};
		f[0] = strtok_r(line, " ", &s2);
		f[1] = f[0] ? strtok_r(NULL, " ", &s2) : NULL;
		f[2] = f[1] ? strtok_r(NULL, " ", &s2) : NULL;
		if (f[0] && f[0][0] != '#' && !strcmp(f[0], "ext2") && f[1] && !f[2])
			kib = (unsigned)strtoul(f[1], NULL, 10);
	}
	free(copy);
	return kib;
}

static int member(void *ctx, const struct cpio_entry *e)
{
	(void)ctx, (void)e;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	struct buf out;
	char err[256];
	int rc;

	buf_init(&out);
	rc = initrdfile_cpio(dir, text, list, &out);
	if (ext2_kib(text))
		assert(rc == -1);
	if (rc == 0)
		assert(cpio_read(out.data, out.len, member, NULL, err, sizeof(err), NULL) == 0);
	buf_release(&out);
	free(text);
	return 0;
}
