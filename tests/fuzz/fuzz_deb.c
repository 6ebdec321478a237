/* fuzz_deb.c: the Debian package reader (src/formats/deb.c, the ar member readers of
 * src/formats/unpack.c, over libarchive) on any file: the ar layout, debian-binary, the
 * control file, and a data.tar whose members try to leave the directory, damaged or cut
 * short.
 *
 * As in fuzz_unpack, nothing may appear outside the destination directory.
 */
#include <assert.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "formats/deb.h"
#include "fuzz.h"

static char *input, *dest;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	fuzz_init(1);
	input = fuzz_path("in.deb");
	dest = fuzz_path("dest");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct deb d;
	struct buf control;
	buf_init(&control);
	fuzz_write(input, data, size);
	if (deb_open(input, &d) == 0) {
		if (deb_control(&d, &control) == 0)
			assert(control.len <= DEB_CONTROL_MAX);
		deb_extract(&d, dest);
	}
	deb_release(&d);
	buf_release(&control);
	fuzz_check_scratch((const char *const[]){"in.deb", "dest", NULL});
	remove_tree(dest);
	return 0;
}
