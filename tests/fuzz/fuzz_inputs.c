/* fuzz_inputs.c: the rebuild explanations of src/inputs.c (inputs_changes), which read
 * the record a previous build left in out/.state/: a file a user may have edited, cut
 * short or damaged.
 *
 * The input's first part (see fuzz_split) is the record, the second the new inputs' text.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "inputs.h"

static char *record;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	fuzz_init(1);
	record = fuzz_path("record");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_parts p;
	struct inputs in;
	struct buf why;

	fuzz_split(data, size, &p);
	inputs_init(&in);
	buf_init(&why);
	if (p.n >= 1)
		fuzz_write(record, p.v[0].data, p.v[0].size);
	if (p.n >= 2)
		buf_add(&in.text, p.v[1].data, p.v[1].size);
	inputs_changes(&in, record, &why);
	assert(strlen(why.data) == why.len);
	buf_release(&why);
	inputs_release(&in);
	fuzz_parts_release(&p);
	return 0;
}
