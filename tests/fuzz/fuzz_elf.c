/* fuzz_elf.c: the ELF reader (src/formats/elf.c) on any bytes.
 *
 * The input is copied into a buffer of exactly its size, so that a read one byte past the
 * end is an ASan report.  Beyond "no crash", the contract of elf.h is checked: a failure
 * leaves *out zeroed with a reason, a success gives non-empty strings.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "formats/elf.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	fuzz_init(0);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *copy = xmalloc(size ? size : 1);
	struct elf_info info, zero;
	char err[200];

	memcpy(copy, data, size);
	memset(&zero, 0, sizeof(zero));
	if (elf_parse(copy, size, &info, err, sizeof(err)) < 0) {
		assert(err[0] != '\0');
		assert(!memcmp(&info, &zero, sizeof(info)));
	} else {
		assert(!info.interp || info.interp[0]);
		for (size_t i = 0; i < info.n_needed; i++)
			assert(info.needed[i] && info.needed[i][0]);
		assert(!info.soname || info.soname[0]);
		elf_machine_name(info.machine);
	}
	elf_info_release(&info);
	/* a NULL err is allowed too */
	if (elf_parse(copy, size, &info, NULL, 0) == 0)
		elf_info_release(&info);
	free(copy);
	return 0;
}
