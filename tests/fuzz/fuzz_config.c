/* fuzz_config.c: the mkdistro.conf parser (src/build/config.c, over formats/ini.c) on any text.
 *
 * config_parse_text() takes a C string, as config_load() hands it the file: the input is
 * cut at its first NUL byte.  On success the plan must hold what config.h promises.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "build/config.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	fuzz_init(0);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	struct plan plan;

	config_defaults(&plan, "/proj");
	if (config_parse_text(&plan, "mkdistro.conf", text) == 0) {
		assert(plan.n_kvar >= 1 && plan.n_ivar >= 1);
		assert(plan.n_kvar + plan.n_ivar + plan.n_labels <= 64 + 2);
		assert(plan.gzip_level >= 1 && plan.gzip_level <= 12);
		assert(strlen(plan.fat_label) >= 1 && strlen(plan.fat_label) <= 11);
		for (size_t i = 1; i < plan.n_kvar; i++)
			assert(!plan.kvar[i].fragment != !plan.kvar[i].config);
		for (size_t i = 0; i < plan.n_labels; i++)
			assert(plan.labels[i].append);
		for (const char *c = plan.boot_append; *c; c++)
			assert((unsigned char)*c >= 0x20);
	}
	config_release(&plan);
	free(text);
	return 0;
}
