/* fakeroot.h: a root filesystem made twice for the unit tests of code that reads one
 * through a file view (fileview.h): as files under a scratch directory of the host, and as
 * a manifest.  Header-only, like testutil.h (include that first).
 *
 *	cmocka_unit_test_setup_teardown(test_x, fakeroot_setup, fakeroot_teardown)
 *	struct fakeroot *r = *state;
 *	fakeroot_put(r, "/etc/ld.so.conf", "/opt/a\n", 7);
 */
#ifndef MKDISTRO_FAKEROOT_H
#define MKDISTRO_FAKEROOT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/manifest.h"
#include "sys/alloc.h"
#include "sys/fs.h"

struct fakeroot {
	char root[64]; /* the host directory that stands for "/" */
	struct manifest m;
};

static inline int fakeroot_setup(void **state)
{
	struct fakeroot *r = xcalloc(1, sizeof(*r));
	snprintf(r->root, sizeof(r->root), "/tmp/mkdistro-fakeroot.XXXXXX");
	if (!mkdtemp(r->root))
		return -1;
	manifest_init(&r->m);
	*state = r;
	return 0;
}

static inline int fakeroot_teardown(void **state)
{
	struct fakeroot *r = *state;
	manifest_release(&r->m);
	remove_tree(r->root);
	free(r);
	return 0;
}

/* The host path of path, a path in the root (malloc'd). */
static inline char *fakeroot_path(const struct fakeroot *r, const char *path)
{
	return xasprintf("%s%s", r->root, path);
}

/* A file of n bytes at path, on the host (its directories made) and in the manifest. */
static inline void fakeroot_put(struct fakeroot *r, const char *path, const void *data, size_t n)
{
	char *full = fakeroot_path(r, path), *dir = xstrdup(full);
	*strrchr(dir, '/') = '\0';
	assert_int_equal(mkdir_p(dir, 0755), 0);
	assert_int_equal(write_file_atomic(full, data, n, 0644), 0);
	assert_int_equal(manifest_add_data(&r->m, path, 0644, data, n), 0);
	free(dir);
	free(full);
}

#endif
