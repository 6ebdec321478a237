/* fuzz_unpack.c: the source tarball extractor (src/formats/unpack.c, over libarchive) on any file:
 * tar in any compression, member names, symlinks and hard links that try to leave the
 * directory, and damaged or cut-short archives.
 *
 * Checked without writing (unpack_check), then extracted into the scratch tmpfs; as in
 * fuzz_initrd_unpack, nothing may appear outside the destination directory.
 */
#include <assert.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "formats/unpack.h"
#include "fuzz.h"

static char *input, *dest;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	fuzz_init(1);
	input = fuzz_path("in.tar");
	dest = fuzz_path("dest");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *name = fuzz_text(data, size < 64 ? size : 64);
	fuzz_write(input, data, size);
	unpack_check(input);
	unpack_archive(input, dest);
	fuzz_check_scratch((const char *const[]){"in.tar", "dest", NULL});
	remove_tree(dest);
	/* and the name check on its own, on the input's first bytes */
	if (unpack_name_is_safe(name))
		assert(name[0] != '/' && !strstr(name, "/../") && strncmp(name, "../", 3));
	free(name);
	return 0;
}
