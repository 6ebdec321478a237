/* test_pkgtree.c: unit tests for a variant's Debian packages in its root filesystem
 * (src/build/pkgtree.c), over package trees made here: what is taken of a named package, of
 * an architecture-independent one and of a library package; libraries found inside the
 * packages (an absolute symlink included), never on the host; an applet replaced, the
 * skeleton kept; a script without its interpreter left out; a rule's start-up script; and
 * a library no package has, named with its program. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "build/pkgtree.h"
#include "sys/alloc.h"
#include "sys/fs.h"
#define TMP_DIR "tests/tmp/pkgtree"
#include "testutil.h"

static char *root; /* absolute TMP_DIR: the build cache */

static void put(const char *pkg, const char *path, const char *text)
{
	char *file = xasprintf("%s/deb/tree/%s%s", root, pkg, path);
	char *dir = xstrdup(file);
	*strrchr(dir, '/') = '\0';
	assert_int_equal(mkdir_p(dir, 0755), 0);
	assert_int_equal(write_file_atomic(file, text, strlen(text), 0644), 0);
	free(dir);
	free(file);
}

static void put_copy(const char *pkg, const char *path, const char *host, mode_t mode)
{
	char *file = xasprintf("%s/deb/tree/%s%s", root, pkg, path);
	char *dir = xstrdup(file);
	*strrchr(dir, '/') = '\0';
	assert_int_equal(mkdir_p(dir, 0755), 0);
	assert_int_equal(copy_file(host, file, mode), 0);
	free(dir);
	free(file);
}

static void put_link(const char *pkg, const char *path, const char *target)
{
	char *file = xasprintf("%s/deb/tree/%s%s", root, pkg, path);
	char *dir = xstrdup(file);
	*strrchr(dir, '/') = '\0';
	assert_int_equal(mkdir_p(dir, 0755), 0);
	assert_int_equal(symlink(target, file), 0);
	free(dir);
	free(file);
}

/* A package of the set, its tree under the cache. */
static struct package pkg(const char *name, const char *arch, const char *depends)
{
	struct package p = {0};
	p.name = xstrdup(name);
	p.version = xstrdup("1");
	p.arch = xstrdup(arch);
	p.depends = depends ? xstrdup(depends) : NULL;
	p.tree = xasprintf("%s/deb/tree/%s", root, name);
	return p;
}

static void setup_plan(struct plan *plan, const char *named)
{
	config_defaults(plan, root);
	free(plan->cache_dir);
	plan->cache_dir = xstrdup(root);
	plan->ivar[0].packages = xcalloc(1, sizeof(char *));
	plan->ivar[0].packages[0] = xstrdup(named);
	plan->ivar[0].n_packages = 1;
}

/* The image as far as this test needs it: BusyBox with an applet, a skeleton passwd. */
static void base(struct manifest *m)
{
	manifest_init(m);
	assert_int_equal(manifest_add_file(m, "/bin/busybox", 0755, "/bin/true"), 0);
	assert_int_equal(manifest_add_symlink(m, "/sbin/mkfs.x", "../bin/busybox"), 0);
	assert_int_equal(manifest_add_symlink(m, "/sbin/mkfs.y", "../bin/busybox"), 0);
	assert_int_equal(manifest_add_symlink(m, "/bin/sh", "busybox"), 0);
	assert_int_equal(manifest_add_data(m, "/etc/motd", 0644, "skeleton\n", 9), 0);
}

static const struct mf_entry *has(const struct manifest *m, const char *path)
{
	return manifest_find(m, path);
}

static void tree(void **state)
{
	const char *libc = "/lib/x86_64-linux-gnu/libc.so.6";
	const char *ld = "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2";
	struct packages p = {0};
	struct plan plan;
	struct manifest m;
	uint64_t bytes[4];
	const struct mf_entry *e;
	char *want;
	(void)state;
	remove_tree(TMP_DIR);
	put_copy("tool", "/usr/bin/tool", "/usr/bin/true", 0755);
	put("tool", "/usr/share/doc/tool/copyright", "text\n");
	put("tool", "/usr/share/man/man1/tool.1", "man\n");
	put("tool", "/usr/share/tool/data", "data\n");
	put("tool", "/usr/bin/needs-bash", "#!/bin/bash\necho\n");
	put("tool", "/usr/bin/needs-sh", "#!/bin/sh\necho\n");
	put("tool", "/sbin/mkfs.x", "#!/bin/sh\nreal\n");
	put("tool", "/etc/motd", "the package's\n");
	put_copy("libc6", libc, libc, 0644);
	put_copy("libc6", ld, ld, 0755);
	put_link("libc6", "/lib64/ld-linux-x86-64.so.2", ld); /* absolute, as Debian ships it */
	put("libc6", "/usr/lib/x86_64-linux-gnu/gconv/BIG.so", "not needed\n");
	put("libc6", "/usr/share/doc/libc6/copyright", "text\n");
	put("data", "/usr/share/misc/data.ids", "ids\n");
	put("data", "/sbin/mkfs.y", "#!/bin/sh\nnot named\n");
	put_link("tool", "/usr/bin/to-bash", "needs-bash");
	put_copy("other", "/usr/bin/other", "/usr/bin/true", 0755);

	p.n = 4;
	p.v = xcalloc(p.n, sizeof(*p.v));
	p.v[0] = pkg("tool", "amd64", "libc6 (>= 2.34), data");
	p.v[1] = pkg("libc6", "amd64", NULL);
	p.v[2] = pkg("data", "all", NULL);
	p.v[3] = pkg("other", "amd64", "libc6");
	p.arch = "amd64";
	setup_plan(&plan, "tool");
	base(&m);
	assert_int_equal(pkgtree_add(&plan, &p, NULL, &m, bytes), 0);
	assert_non_null(has(&m, "/usr/bin/tool"));
	assert_non_null(has(&m, "/usr/share/tool/data"));
	assert_null(has(&m, "/usr/share/doc/tool/copyright"));
	assert_null(has(&m, "/usr/share/man/man1/tool.1"));
	/* an architecture-independent package it needs: its data */
	assert_non_null(has(&m, "/usr/share/misc/data.ids"));
	/* of the library package, only what the program needs, at the paths ld.so opens */
	e = has(&m, libc);
	assert_non_null(e);
	want = xasprintf("%s%s", p.v[1].tree, libc);
	assert_string_equal(e->source, want);
	free(want);
	e = has(&m, "/lib64/ld-linux-x86-64.so.2");
	assert_non_null(e);
	assert_int_equal(e->type, MF_FILE);
	assert_non_null(strstr(e->source, "/deb/tree/libc6/"));
	assert_null(has(&m, "/usr/lib/x86_64-linux-gnu/gconv/BIG.so"));
	assert_null(has(&m, "/usr/share/doc/libc6/copyright"));
	/* a package the named one does not need */
	assert_null(has(&m, "/usr/bin/other"));
	/* the applet replaced, the skeleton's file kept */
	assert_int_equal(has(&m, "/sbin/mkfs.x")->type, MF_FILE);
	assert_int_equal(has(&m, "/etc/motd")->size, 9);
	/* a package that is only needed does not replace an applet */
	assert_int_equal(has(&m, "/sbin/mkfs.y")->type, MF_SYMLINK);
	/* a script whose interpreter the image lacks is left out, with its links; one it has
	 * is kept */
	assert_null(has(&m, "/usr/bin/needs-bash"));
	assert_null(has(&m, "/usr/bin/to-bash"));
	assert_non_null(has(&m, "/usr/bin/needs-sh"));
	/* what each added */
	assert_true(bytes[0] > 0);
	assert_true(bytes[1] > 0);
	assert_int_equal(bytes[2], 4); /* data.ids; mkfs.y was not taken */
	assert_int_equal(bytes[3], 0);
	manifest_release(&m);

	/* with docs and man kept */
	plan.packages_keep = PACKAGES_KEEP_DOCS | PACKAGES_KEEP_MAN;
	base(&m);
	assert_int_equal(pkgtree_add(&plan, &p, NULL, &m, NULL), 0);
	assert_non_null(has(&m, "/usr/share/doc/tool/copyright"));
	assert_non_null(has(&m, "/usr/share/man/man1/tool.1"));
	assert_null(has(&m, "/usr/share/doc/libc6/copyright")); /* a library package's: never */
	manifest_release(&m);
	config_release(&plan);
	packages_release(&p);
}

/* A library that no fetched package has: the program and the library are named. */
static void missing_library(void **state)
{
	struct packages p = {0};
	struct plan plan;
	struct manifest m;
	struct stderr_capture c;
	char msg[1024];
	(void)state;
	remove_tree(TMP_DIR);
	put_copy("tool", "/usr/bin/tool", "/usr/bin/true", 0755);
	p.n = 1;
	p.v = xcalloc(p.n, sizeof(*p.v));
	p.v[0] = pkg("tool", "amd64", NULL);
	setup_plan(&plan, "tool");
	base(&m);
	stderr_begin(&c);
	assert_int_equal(pkgtree_add(&plan, &p, NULL, &m, NULL), -1);
	stderr_end(&c, msg, sizeof(msg));
	assert_non_null(strstr(msg, "/usr/bin/tool"));
	assert_non_null(strstr(msg, "no package fetched for the image has"));
	manifest_release(&m);
	config_release(&plan);
	packages_release(&p);
}

/* The rule of dropbear-bin: its directory and its start-up script. */
static void rules(void **state)
{
	struct packages p = {0};
	struct plan plan;
	struct manifest m;
	const struct mf_entry *e;
	(void)state;
	remove_tree(TMP_DIR);
	put("dropbear-bin", "/usr/share/dropbear-bin/x", "x\n");
	p.n = 1;
	p.v = xcalloc(p.n, sizeof(*p.v));
	p.v[0] = pkg("dropbear-bin", "amd64", NULL);
	setup_plan(&plan, "dropbear-bin");
	base(&m);
	assert_int_equal(pkgtree_add(&plan, &p, NULL, &m, NULL), 0);
	assert_int_equal(has(&m, "/etc/dropbear")->type, MF_DIR);
	e = has(&m, "/etc/rc.d/pkg/dropbear-bin");
	assert_non_null(e);
	assert_int_equal(e->mode, 0755);
	assert_non_null(strstr((const char *)e->data, "dropbearkey -t ed25519"));
	manifest_release(&m);
	config_release(&plan);
	packages_release(&p);
	remove_tree(TMP_DIR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tree),
		cmocka_unit_test(missing_library),
		cmocka_unit_test(rules),
	};
	char *cwd = getcwd(NULL, 0);
	int ret;
	root = xasprintf("%s/" TMP_DIR, cwd);
	free(cwd);
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	free(root);
	return ret;
}
