/* fuzz_deb822.c: the Debian control-style reader (src/formats/deb822.c) on any text: apt's
 * .sources files, copyright files and .dsc files all come from outside.
 *
 * What it reads must hold together: every field has a name without ':' or a newline that a
 * field line can start with, a value of as many lines as its raw lines, and raw lines that
 * end in "\n"; deb822_get finds a field of that name in its paragraph.  And the raw lines
 * are enough: the paragraphs written out again from them, a blank line between, read back
 * as the same fields.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "formats/deb822.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	fuzz_init(0);
	return 0;
}

static size_t lines(const char *s)
{
	size_t n = 1;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void check_field(const struct deb822_para *p, const struct deb822_field *f)
{
	size_t rl = strlen(f->raw);
	assert(!strchr(f->name, ':') && !strchr(f->name, '\n'));
	assert(f->name[0] != ' ' && f->name[0] != '\t' && f->name[0] != '#');
	assert(!strncmp(f->raw, f->name, strlen(f->name)) && f->raw[strlen(f->name)] == ':');
	assert(rl && f->raw[rl - 1] == '\n');
	assert(lines(f->value) == lines(f->raw) - 1);
	assert(deb822_get(p, f->name) != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	struct deb822 d, again;
	struct buf out;

	buf_init(&out);
	deb822_parse(&d, text);
	for (size_t i = 0; i < d.n; i++) {
		assert(d.v[i].n > 0);
		for (size_t j = 0; j < d.v[i].n; j++) {
			check_field(&d.v[i], &d.v[i].f[j]);
			buf_adds(&out, d.v[i].f[j].raw);
		}
		buf_adds(&out, "\n");
	}
	deb822_parse(&again, out.data);
	assert(again.n == d.n);
	for (size_t i = 0; i < d.n; i++) {
		assert(again.v[i].n == d.v[i].n);
		for (size_t j = 0; j < d.v[i].n; j++) {
			assert(!strcmp(again.v[i].f[j].name, d.v[i].f[j].name));
			assert(!strcmp(again.v[i].f[j].value, d.v[i].f[j].value));
			assert(!strcmp(again.v[i].f[j].raw, d.v[i].f[j].raw));
		}
	}
	free(deb822_first(&d, "Version"));
	deb822_release(&again);
	deb822_release(&d);
	buf_release(&out);
	free(text);
	return 0;
}
