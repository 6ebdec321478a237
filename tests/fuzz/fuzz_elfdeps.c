/* fuzz_elfdeps.c: the library resolver (src/formats/elfdeps.c) over a root filesystem tree made
 * from the input, as `mkdistro lint` runs it: ELF headers, DT_NEEDED chains and loops,
 * RPATH/RUNPATH with $ORIGIN, symlinks in the tree, /etc/ld.so.conf and its includes (the
 * manifest file view, fileview.c, and the configuration reader, ldsoconf.c).
 *
 * The input is cut by fuzz_split() into parts, each an entry of the tree (see
 * fuzz_add_entry: a file, symlink, directory or device node).  The first file is the
 * program.  It is resolved twice: with keep_going (what is missing
 * collected) and without (the first missing library an error).
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/elfdeps.h"
#include "formats/manifest.h"
#include "fuzz.h"

static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	fuzz_init(0);
	devnull = fopen("/dev/null", "w");
	return 0;
}

/* Build the tree; returns the program's path (malloc'd), or NULL. */
static char *make_tree(const struct fuzz_parts *p, struct manifest *m)
{
	char *prog = NULL, *file;
	for (size_t i = 0; i < p->n; i++) {
		fuzz_add_entry(m, &p->v[i], &file);
		if (!prog)
			prog = file;
		else
			free(file);
	}
	return prog;
}

static void resolve(const struct manifest *m, const char *prog, int keep_going)
{
	struct elfdeps d;
	int rc;
	elfdeps_init(&d);
	d.tree = m;
	d.keep_going = keep_going;
	rc = elfdeps_add_binary(&d, prog);
	if (rc == 0) {
		elfdeps_print(&d, devnull);
		for (size_t i = 0; i < d.n; i++)
			assert(d.v[i].image_path[0] == '/');
	} else {
		assert(d.n == 0);
	}
	elfdeps_release(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_parts p;
	struct manifest m;
	char *prog;

	fuzz_split(data, size, &p);
	manifest_init(&m);
	prog = make_tree(&p, &m);
	if (prog) {
		resolve(&m, prog, 1);
		resolve(&m, prog, 0);
	}
	free(prog);
	manifest_release(&m);
	fuzz_parts_release(&p);
	return 0;
}
