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
	fuzz_check_scratch((const char *const[]){"initrd", "dir", "again.cpio", NULL});
	remove_tree(dir);
	unlink(again);
	return 0;
}
