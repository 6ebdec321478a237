/* fuzz_ini.c: the INI reader (src/formats/ini.c) on any text.
 *
 * ini_parse() takes a C string, as config_load() hands it the file: the input is cut at its
 * first NUL byte.  Each entry must be what ini.h promises: in the order of the text, on a
 * line the text has, with no line end in any string, a key with no '=' or ':' and no white
 * space at its ends, a value with none at its end.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "formats/ini.h"
#include "fuzz.h"

struct state {
	int lines;     /* in the text */
	int last_line; /* of the entry before */
};

static int is_space(char c)
{
	return c && strchr(" \t\n\v\f\r", c);
}

static int check(void *ctx, const struct ini_entry *e)
{
	struct state *s = ctx;
	assert(e->line > s->last_line && e->line <= s->lines);
	s->last_line = e->line;
	assert(e->section && !strchr(e->section, '\n') && !strchr(e->section, ']'));
	assert(!e->key == !e->value);
	if (e->key) {
		size_t k = strlen(e->key), v = strlen(e->value);
		assert(!strpbrk(e->key, "=:\n") && !strpbrk(e->value, "\n"));
		assert(!k || (!is_space(e->key[0]) && !is_space(e->key[k - 1])));
		assert(!v || !is_space(e->value[v - 1]));
	}
	return 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	fuzz_init(0);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	struct state s = {1, 0};
	for (const char *p = text; (p = strchr(p, '\n')); p++)
		s.lines++;
	ini_parse(text, "fuzz.ini", check, &s);
	free(text);
	return 0;
}
