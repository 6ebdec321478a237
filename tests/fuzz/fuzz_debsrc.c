/* fuzz_debsrc.c: the apt sources readers of src/build/apt.c: one-line sources.list entries
 * (apt_debsrc_of_list) and deb822 .sources paragraphs (apt_debsrc_of_deb822), from which
 * the private apt configuration gets its deb-src lines.  They read text, so nothing is written:
 * apt_debsrc_lines only globs the files under /etc/apt and hands each one's text here.
 *
 * The first part of the input (see fuzz_split) is a sources.list, the second a .sources
 * file, the third a .list file again; each part's name line is part of its text.  Every
 * deb-src line made must start with "deb-src ", and every paragraph must say
 * "Types: deb-src".
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "build/apt.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	fuzz_init(0);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_parts p;
	struct buf list, deb822, text;
	int n = 0;

	fuzz_split(data, size, &p);
	buf_init(&list);
	buf_init(&deb822);
	buf_init(&text);
	for (size_t i = 0; i < p.n && i < 3; i++) {
		buf_reset(&text);
		buf_adds(&text, p.v[i].name);
		if (p.v[i].size) {
			buf_adds(&text, "\n");
			buf_add(&text, p.v[i].data, p.v[i].size);
		}
		if (i == 1)
			n += apt_debsrc_of_deb822(text.data, &deb822);
		else
			n += apt_debsrc_of_list(text.data, &list);
	}
	assert(n >= 0);
	for (const char *l = list.data; l && *l; l = strchr(l, '\n') + 1)
		assert(!strncmp(l, "deb-src ", 8) && strchr(l, '\n'));
	if (deb822.len)
		assert(strstr(deb822.data, "Types: deb-src\n"));
	buf_release(&list);
	buf_release(&deb822);
	buf_release(&text);
	fuzz_parts_release(&p);
	return 0;
}
