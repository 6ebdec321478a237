/* fuzz_initrd_unpack.c: `mkdistro initrd unpack` (src/tools/initrdfile.c) on any file: gzip or
 * not, a cpio archive or an ext2 image, and the members' names, types, links and modes.
 *
 * Besides the sanitizers, the harness checks the promise of initrdfile.h that no member
 * lands outside DIR: after each unpack, the scratch directory must hold only the input and
 * DIR.  An archive that unpacks is packed again (not when it was ext2: that runs mke2fs).
 */
#include <assert.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "tools/initrdfile.h"

static char *input, *dir, *list, *again;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	fuzz_init(1);
	input = fuzz_path("initrd");
	dir = fuzz_path("dir");
	list = path_join(dir, INITRDFILE_LIST);
	again = fuzz_path("again.cpio");
	return 0;
}

/* Nothing but the input and DIR (and the repacked archive) in the scratch directory. */
static void check_scratch(void)
{
	DIR *d = opendir(fuzz_dir);
	struct dirent *de;
	assert(d);
	while ((de = readdir(d))) {
		const char *n = de->d_name;
		if (strcmp(n, ".") && strcmp(n, "..") && strcmp(n, "initrd") && strcmp(n, "dir") &&
		    strcmp(n, "again.cpio")) {
			fprintf(stderr, "fuzz: '%s/%s' was written outside the unpack directory\n",
				fuzz_dir, n);
			abort();
		}
	}
	closedir(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_write(input, data, size);
	if (initrdfile_unpack(input, dir) == 0) {
		struct buf text;
		buf_init(&text);
		assert(read_file(list, &text) == 0);
		if (!strstr(text.data, "\next2 "))
			initrdfile_pack(dir, again, 0);
		buf_release(&text);
	}
	check_scratch();
	remove_tree(dir);
	unlink(again);
	return 0;
}
