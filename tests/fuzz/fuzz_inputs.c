/* fuzz_inputs.c: the rebuild explanations of src/build/inputs.c (inputs_diff, which
 * inputs_changes runs on the record a previous build left in out/.state/: a file a user may
 * have edited, cut short or damaged), in memory: reading the record is read_file's job.
 *
 * The input's first part (see fuzz_split) is the record, the second the new inputs' text.
 * The same text on both sides must give no explanation.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "build/inputs.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_parts p;
	struct buf why;
	char *old, *new;

	fuzz_split(data, size, &p);
	old = fuzz_text(p.n >= 1 ? p.v[0].data : data, p.n >= 1 ? p.v[0].size : 0);
	new = fuzz_text(p.n >= 2 ? p.v[1].data : data, p.n >= 2 ? p.v[1].size : 0);
	buf_init(&why);
	inputs_diff(old, new, &why);
	assert(strlen(why.data) == why.len);
	inputs_diff(new, new, &why);
	assert(why.len == 0);
	buf_release(&why);
	free(old);
	free(new);
	fuzz_parts_release(&p);
	return 0;
}
