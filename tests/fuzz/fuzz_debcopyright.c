/* fuzz_debcopyright.c: Debian copyright files read as SPDX license expressions
 * (src/formats/debcopyright.c): a package's /usr/share/doc/PKG/copyright is whatever its
 * maintainer wrote.
 *
 * The input is the file's text, after a Format: line of copyright-format 1.0 when it has
 * none (so that the fuzzer spends its time past that check).  An expression, when there is
 * one, is not empty, has no operator at either end and balanced parentheses, and every
 * LicenseRef it names is in the document, with an id SPDX allows.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "formats/debcopyright.h"
#include "fuzz.h"

#define FORMAT "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	fuzz_init(0);
	return 0;
}

static void check_expression(const struct spdx *s, const char *expr)
{
	size_t len = strlen(expr);
	int depth = 0;
	assert(len && expr[0] != ' ' && expr[len - 1] != ' ');
	for (const char *p = expr; *p; p++) {
		depth += (*p == '(') - (*p == ')');
		assert(depth >= 0);
	}
	assert(depth == 0);
	for (const char *w = expr; *w; w += strspn(w, " ()")) {
		size_t n = strcspn(w, " ()");
		char *word = xstrndup(w, n);
		assert(strncmp(word, "LicenseRef-", 11) || spdx_has_licref(s, word));
		free(word);
		w += n;
	}
	for (size_t i = 0; i < s->n_refs; i++) {
		const char *id = s->refs[i].id;
		assert(!strncmp(id, "LicenseRef-", 11) && id[11]);
		assert(strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-") ==
		       strlen(id));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size), *full, *lic;
	struct spdx s;

	full = strstr(text, "Format:") ? xstrdup(text) : xasprintf(FORMAT "%s", text);
	spdx_init(&s);
	lic = debcopyright_license(&s, "pkg", full);
	if (lic)
		check_expression(&s, lic);
	free(lic);
	spdx_release(&s);
	free(full);
	free(text);
	return 0;
}
