/* fuzz_debsrc.c: the apt sources readers of src/sources.c (sources_debsrc_lines): one-line
 * sources.list entries and deb822 .sources paragraphs, from which the BusyBox stage makes
 * its deb-src lines.
 *
 * The first part of the input (see fuzz_split) is etc/sources.list, the second
 * etc/sources.list.d/x.sources, the third etc/sources.list.d/y.list.  Every deb-src line
 * made must start with "deb-src ", and every paragraph must say "Types: deb-src".
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "sources.h"

static char *etc;
static char *files[3];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	fuzz_init(1);
	etc = fuzz_path("etc");
	files[0] = path_join(etc, "sources.list");
	files[1] = path_join(etc, "sources.list.d/x.sources");
	files[2] = path_join(etc, "sources.list.d/y.list");
	assert(mkdir_p(fuzz_dir, 0755) == 0);
	{
		char *d = path_join(etc, "sources.list.d");
		assert(mkdir_p(d, 0755) == 0);
		free(d);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_parts p;
	struct buf list, deb822;
	int n;

	fuzz_split(data, size, &p);
	for (size_t i = 0; i < 3; i++) {
		/* the name line is part of the file too: it may be an entry */
		if (i < p.n)
			fuzz_write(files[i], p.v[i].name, strlen(p.v[i].name));
		else
			unlink(files[i]);
		if (i < p.n && p.v[i].size) {
			int fd = open(files[i], O_WRONLY | O_APPEND | O_CLOEXEC);
			assert(fd >= 0);
			assert(write_all(fd, "\n", 1) == 0 && write_all(fd, p.v[i].data, p.v[i].size) == 0);
			close(fd);
		}
	}
	buf_init(&list);
	buf_init(&deb822);
	n = sources_debsrc_lines(etc, &list, &deb822);
	assert(n >= 0);
	for (const char *l = list.data; *l; l = strchr(l, '\n') + 1)
		assert(!strncmp(l, "deb-src ", 8) && strchr(l, '\n'));
	if (deb822.len)
		assert(strstr(deb822.data, "Types: deb-src\n"));
	buf_release(&list);
	buf_release(&deb822);
	fuzz_parts_release(&p);
	return 0;
}
