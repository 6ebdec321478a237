/* fuzz_debdeps.c: the closure over fetched packages (src/formats/debdeps.c) on any set of
 * control paragraphs: the relationship fields come from the archive's packages.
 *
 * Each paragraph is a package (Package, Architecture, Depends, Pre-Depends, Provides); the
 * names of the first paragraph's Depends are the roots.  The names read from a field are
 * never empty and hold no separator; a closure that succeeds takes a package of each root's
 * name (when the set has one), and one that fails says why.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "formats/deb822.h"
#include "formats/debdeps.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	fuzz_init(0);
	return 0;
}

static void check_names(const char *field)
{
	char **v;
	size_t n = debdeps_names(field, &v);
	for (size_t i = 0; i < n; i++) {
		assert(v[i][0] && !strpbrk(v[i], " \t\n,|([<:"));
		for (size_t j = 0; j < i; j++)
			assert(strcmp(v[i], v[j]));
	}
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	if (n)
		free(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	struct deb822 d;
	struct debpkg *set;
	unsigned char *need;
	char **roots = NULL, *why = NULL;
	size_t nroots = 0;

	deb822_parse(&d, text);
	set = calloc(d.n ? d.n : 1, sizeof(*set));
	need = calloc(d.n ? d.n : 1, 1);
	assert(set && need);
	for (size_t i = 0; i < d.n; i++) {
		const char *name = deb822_get(&d.v[i], "Package");
		set[i] = (struct debpkg){name ? name : "", deb822_get(&d.v[i], "Architecture"),
					 deb822_get(&d.v[i], "Depends"),
					 deb822_get(&d.v[i], "Pre-Depends"),
					 deb822_get(&d.v[i], "Provides")};
		if (set[i].depends)
			check_names(set[i].depends);
	}
	if (d.n && set[0].depends)
		nroots = debdeps_names(set[0].depends, &roots);
	if (debdeps_closure(set, d.n, (const char *const *)roots, nroots, need, &why) == 0) {
		assert(!why);
		/* a root that is a package's name: one package of that name is taken (the set may
		 * have two) */
		for (size_t r = 0; r < nroots; r++) {
			int named = 0, taken = 0;
			for (size_t i = 0; i < d.n; i++)
				if (!strcmp(set[i].name, roots[r])) {
					named = 1;
					taken |= need[i];
				}
			assert(!named || taken);
		}
	} else {
		assert(why && *why);
	}
	for (size_t r = 0; r < nroots; r++)
		free(roots[r]);
	if (nroots)
		free(roots);
	free(why);
	free(need);
	free(set);
	deb822_release(&d);
	free(text);
	return 0;
}
