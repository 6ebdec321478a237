/* fuzz_kconfig.c: the Kconfig fragment and .config parser (src/formats/kconfig.c) on any text.
 *
 * Parsed strictly (a fragment) and leniently (a generated .config).  What parses must
 * survive a round trip: rendered as .config lines and parsed again, every setting comes back
 * with the same value, and kconfig_check() finds nothing dropped.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "formats/kconfig.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	fuzz_init(0);
	return 0;
}

static void round_trip(const struct kconfig *k)
{
	struct kconfig again;
	struct buf text;

	buf_init(&text);
	kconfig_render(k, &text);
	kconfig_init(&again);
	assert(kconfig_parse(&again, text.data, "rendered", 1) == 0);
	assert(again.n == k->n);
	for (size_t i = 0; i < k->n; i++)
		assert(!strcmp(kconfig_get(&again, k->v[i].name), k->v[i].value));
	assert(kconfig_check(k, &again, "fuzz", "the round trip") == 0);
	kconfig_release(&again);
	buf_release(&text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	struct kconfig strict, lax, merged;

	kconfig_init(&strict);
	kconfig_init(&lax);
	kconfig_init(&merged);
	if (kconfig_parse(&strict, text, "fragment", 1) == 0)
		round_trip(&strict);
	assert(kconfig_parse(&lax, text, ".config", 0) == 0);
	round_trip(&lax);
	/* the fragment over the .config, as a build checks it */
	kconfig_merge(&merged, &lax);
	kconfig_merge(&merged, &strict);
	kconfig_check(&strict, &merged, "fragment", "the merge");
	kconfig_release(&strict);
	kconfig_release(&lax);
	kconfig_release(&merged);
	free(text);
	return 0;
}
