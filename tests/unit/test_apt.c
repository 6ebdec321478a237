/* test_apt.c: unit tests for src/build/apt.c, apt-get through a private configuration: the
 * deb-src lines made from the system's apt sources (one-line sources.list entries, deb822
 * .sources paragraphs, and an /etc/apt tree), the configuration's files and directories, and
 * the apt-get command lines, run against a stand-in apt-get that records them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "build/apt.h"
#define TMP_DIR "tests/tmp/apt"
#include "testutil.h"

/* Each remote "deb" line gets a "deb-src" twin, options kept; deb-src, commented, cdrom:,
 * file: and copy: lines get none. */
static void one_line(void **state)
{
	const char *text = "# deb http://commented.example/ bookworm main\n"
			   "deb http://deb.debian.org/debian bookworm main\n"
			   "  deb\t[signed-by=/k.gpg arch=amd64] https://a.example/ x y\n"
			   "deb-src http://deb.debian.org/debian bookworm main\n"
			   "deb cdrom:[Debian 12]/ bookworm main\n"
			   "deb [trusted=yes] file:/srv/repo ./\n"
			   "deb copy:/srv/repo ./\n"
			   "debx http://no.example/ a\n"
			   "deb http://security.debian.org/ bookworm-security main";
	struct buf out;
	(void)state;
	buf_init(&out);
	assert_int_equal(apt_debsrc_of_list(text, &out), 3);
	assert_string_equal(out.data,
			    "deb-src http://deb.debian.org/debian bookworm main\n"
			    "deb-src [signed-by=/k.gpg arch=amd64] https://a.example/ x y\n"
			    "deb-src http://security.debian.org/ bookworm-security main\n");
	buf_reset(&out);
	assert_int_equal(apt_twins_of_list(text, "deb", &out), 3);
	assert_string_equal(out.data,
			    "deb http://deb.debian.org/debian bookworm main\n"
			    "deb [signed-by=/k.gpg arch=amd64] https://a.example/ x y\n"
			    "deb http://security.debian.org/ bookworm-security main\n");
	buf_reset(&out);
	assert_int_equal(apt_debsrc_of_list("", &out), 0);
	assert_int_equal(out.len, 0);
	buf_release(&out);
}

/* An enabled, remote paragraph with Types: deb is copied whole with Types: deb-src; a
 * disabled one, a deb-src-only one, a local one and one without URIs are not. */
static void deb822(void **state)
{
	const char *text = "Types: deb\n"
			   "URIs: http://deb.debian.org/debian\n"
			   "Suites: bookworm bookworm-updates\n"
			   "Components: main\n"
			   "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n"
			   "\n"
			   "# a comment between paragraphs\n"
			   "Types: deb\n"
			   "URIs: http://off.example/\n"
			   "Enabled: no\n"
			   "\n"
			   "Types: deb-src\n"
			   "URIs: http://src.example/\n"
			   "\n"
			   "Types: deb\n"
			   "URIs: file:/srv/repo\n"
			   "\n"
			   "Types: deb\n"
			   "Suites: nowhere\n"
			   "\n"
			   "types: deb deb-src\n"
			   "uris: https://both.example/\n"
			   "suites: s";
	struct buf out;
	(void)state;
	buf_init(&out);
	assert_int_equal(apt_debsrc_of_deb822(text, &out), 2);
	assert_string_equal(out.data,
			    "Types: deb-src\n"
			    "URIs: http://deb.debian.org/debian\n"
			    "Suites: bookworm bookworm-updates\n"
			    "Components: main\n"
			    "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n"
			    "\n"
			    "Types: deb-src\n"
			    "uris: https://both.example/\n"
			    "suites: s\n"
			    "\n");
	buf_release(&out);
}

/* Folded fields: every URI counts, however the list is folded; a key inline in Signed-By is
 * copied line by line as written, with the comment inside it left out. */
static void deb822_folded(void **state)
{
	const char *text = "Types: deb\n"
			   "URIs: http://a.example/\n"
			   " file:/srv/local\n"
			   "\n"
			   "Types:\n"
			   " deb-src deb\n"
			   "URIs: http://k.example/\n"
			   "Signed-By:\n"
			   " -----BEGIN PGP PUBLIC KEY BLOCK-----\n"
			   " .\n"
			   "# a comment\n"
			   "\tmQINBGPL\n"
			   " -----END PGP PUBLIC KEY BLOCK-----\n"
			   "Enabled: yes\n";
	struct buf out;
	(void)state;
	buf_init(&out);
	assert_int_equal(apt_debsrc_of_deb822(text, &out), 1);
	assert_string_equal(out.data,
			    "Types: deb-src\n"
			    "URIs: http://k.example/\n"
			    "Signed-By:\n"
			    " -----BEGIN PGP PUBLIC KEY BLOCK-----\n"
			    " .\n"
			    "\tmQINBGPL\n"
			    " -----END PGP PUBLIC KEY BLOCK-----\n"
			    "Enabled: yes\n"
			    "\n");
	buf_release(&out);
}

/* apt_debsrc_lines reads sources.list, sources.list.d/ *.list and *.sources, and no
 * other file there; a missing sources.list is nothing. */
static void from_tree(void **state)
{
	struct buf list, d822;
	(void)state;
	remove_tree(TMP_DIR);
	assert_int_equal(mkdir_p(TMP_DIR "/etc/sources.list.d", 0755), 0);
	assert_int_equal(write_file_atomic(TMP_DIR "/etc/sources.list.d/a.list",
					   "deb http://a.example/ a main\n", 29, 0644), 0);
	assert_int_equal(write_file_atomic(TMP_DIR "/etc/sources.list.d/b.sources",
					   "Types: deb\nURIs: http://b.example/\n", 35, 0644), 0);
	assert_int_equal(write_file_atomic(TMP_DIR "/etc/sources.list.d/c.list.save",
					   "deb http://c.example/ c main\n", 29, 0644), 0);
	buf_init(&list);
	buf_init(&d822);
	assert_int_equal(apt_debsrc_lines(TMP_DIR "/etc", &list, &d822), 2);
	assert_string_equal(list.data, "deb-src http://a.example/ a main\n");
	assert_string_equal(d822.data, "Types: deb-src\nURIs: http://b.example/\n\n");
	assert_int_equal(write_file_atomic(TMP_DIR "/etc/sources.list",
					   "deb http://main.example/ m main\n", 32, 0644), 0);
	buf_reset(&list);
	buf_reset(&d822);
	assert_int_equal(apt_debsrc_lines(TMP_DIR "/etc", &list, &d822), 3);
	assert_string_equal(list.data, "deb-src http://main.example/ m main\n"
				       "deb-src http://a.example/ a main\n");
	buf_release(&list);
	buf_release(&d822);
	remove_tree(TMP_DIR);
}

/* A stand-in apt-get in dir/bin that writes its working directory and its arguments, one a
 * line, to dir/args, and exits with the status in dir/status (dir absolute: the child runs
 * elsewhere). */
static void fake_apt_get(const char *dir)
{
	char *script = xasprintf("#!/bin/sh\n"
				 "{ pwd; for a; do echo \"$a\"; done; } > '%s/args'\n"
				 "exit $(cat '%s/status')\n",
				 dir, dir);
	char *bin = path_join(dir, "bin"), *prog = path_join(dir, "bin/apt-get");
	assert_int_equal(mkdir_p(bin, 0755), 0);
	assert_int_equal(write_file_atomic(prog, script, strlen(script), 0755), 0);
	free(script);
	free(bin);
	free(prog);
}

/* The stand-in's last record is want (which this frees). */
static void expect_args(char *want)
{
	struct buf b;
	buf_init(&b);
	assert_int_equal(read_file(TMP_DIR "/args", &b), 0);
	assert_string_equal(b.data, want);
	buf_release(&b);
	free(want);
}

/* The configuration: its directories and source lists under the cache, and the options
 * every apt-get command is given, in order. */
static void configuration(void **state)
{
	const char *path = getenv("PATH");
	char *saved = xstrdup(path ? path : "/usr/bin:/bin"), *cwd = getcwd(NULL, 0), *want;
	char *root = xasprintf("%s/" TMP_DIR, cwd), *log = xasprintf("%s/log", root);
	char *newpath = xasprintf("%s/bin:%s", root, saved);
	const char *source[] = {"source", "--download-only", "busybox=1:1.35.0-4", NULL};
	const char *download[] = {"download", "linux-source-6.1", NULL};
	struct stderr_capture c;
	char msg[1024];
	struct buf b;
	struct apt a;
	(void)state;
	remove_tree(TMP_DIR);
	buf_init(&b);
	assert_int_equal(mkdir_p(TMP_DIR "/etc/sources.list.d", 0755), 0);
	apt_init(&a, root);
	/* no remote deb entry: nothing is written */
	assert_int_equal(apt_configure(&a, TMP_DIR "/etc"), 0);
	assert_false(file_exists(TMP_DIR "/apt/sources.list"));
	assert_int_equal(write_file_atomic(TMP_DIR "/etc/sources.list",
					   "deb http://main.example/ m main\n", 32, 0644), 0);
	assert_int_equal(apt_configure(&a, TMP_DIR "/etc"), 1);
	assert_int_equal(read_file(TMP_DIR "/apt/sources.list", &b), 0);
	assert_string_equal(b.data, "deb-src http://main.example/ m main\n");
	assert_true(file_exists(TMP_DIR "/apt/sources.list.d/mkdistro.sources"));
	assert_true(is_dir(TMP_DIR "/apt/lists/partial"));
	assert_true(is_dir(TMP_DIR "/apt/cache/archives/partial"));

	fake_apt_get(root);
	setenv("PATH", newpath, 1);
	assert_int_equal(write_file_atomic(TMP_DIR "/status", "0\n", 2, 0644), 0);
	assert_int_equal(apt_get(&a, source, a.dir, log), 0);
	want = xasprintf("%s/apt\n"
			 "-o\nDir::Etc::SourceList=%s/apt/sources.list\n"
			 "-o\nDir::Etc::SourceParts=%s/apt/sources.list.d\n"
			 "-o\nDir::State::Lists=%s/apt/lists\n"
			 "-o\nDir::Cache=%s/apt/cache\n"
			 "-o\nDebug::NoLocking=1\n"
			 "source\n--download-only\nbusybox=1:1.35.0-4\n",
			 root, root, root, root, root);
	expect_args(want);
	/* the system's configuration */
	assert_int_equal(apt_get(NULL, download, root, log), 0);
	expect_args(xasprintf("%s\ndownload\nlinux-source-6.1\n", root));
	/* apt-get update: its status, for the caller to judge; apt_get reports a failure */
	assert_int_equal(write_file_atomic(TMP_DIR "/status", "100\n", 4, 0644), 0);
	assert_int_equal(apt_update(&a, log), 100);
	expect_args(xasprintf("%s\n-o\nDir::Etc::SourceList=%s/apt/sources.list\n"
			      "-o\nDir::Etc::SourceParts=%s/apt/sources.list.d\n"
			      "-o\nDir::State::Lists=%s/apt/lists\n-o\nDir::Cache=%s/apt/cache\n"
			      "-o\nDebug::NoLocking=1\nupdate\n",
			      cwd, root, root, root, root));
	stderr_begin(&c);
	assert_int_equal(apt_get(&a, download, NULL, log), -1);
	stderr_end(&c, msg, sizeof(msg));
	assert_non_null(strstr(msg, "apt-get failed (exit 100)"));
	/* apt_run: the status, not reported */
	stderr_begin(&c);
	assert_int_equal(apt_run(&a, download, NULL, log), 100);
	stderr_end(&c, msg, sizeof(msg));
	assert_string_equal(msg, "");
	apt_release(&a);

	/* The binary configuration: "deb" lists of its own, and an empty dpkg status that every
	 * command is given */
	apt_init_binary(&a, root);
	assert_int_equal(apt_configure(&a, TMP_DIR "/etc"), 1);
	buf_reset(&b);
	assert_int_equal(read_file(TMP_DIR "/apt-bin/sources.list", &b), 0);
	assert_string_equal(b.data, "deb http://main.example/ m main\n");
	assert_true(file_exists(TMP_DIR "/apt-bin/status"));
	assert_int_equal(write_file_atomic(TMP_DIR "/status", "0\n", 2, 0644), 0);
	assert_int_equal(apt_run(&a, download, NULL, log), 0);
	expect_args(xasprintf("%s\n-o\nDir::Etc::SourceList=%s/apt-bin/sources.list\n"
			      "-o\nDir::Etc::SourceParts=%s/apt-bin/sources.list.d\n"
			      "-o\nDir::State::Lists=%s/apt-bin/lists\n-o\nDir::Cache=%s/apt-bin/cache\n"
			      "-o\nDir::State::status=%s/apt-bin/status\n"
			      "-o\nDebug::NoLocking=1\ndownload\nlinux-source-6.1\n",
			      cwd, root, root, root, root, root));

	setenv("PATH", saved, 1);
	apt_release(&a);
	buf_release(&b);
	free(newpath);
	free(saved);
	free(root);
	free(log);
	free(cwd);
	remove_tree(TMP_DIR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_line),
		cmocka_unit_test(deb822),
		cmocka_unit_test(deb822_folded),
		cmocka_unit_test(from_tree),
		cmocka_unit_test(configuration),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
