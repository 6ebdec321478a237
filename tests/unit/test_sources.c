/* test_sources.c: unit tests for the deb-src lines the BusyBox stage makes from the system's
 * apt sources (src/build/sources.c): one-line sources.list entries, deb822 .sources paragraphs,
 * and sources_debsrc_lines, which reads them from an /etc/apt tree. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "build/sources.h"
#define TMP_DIR "tests/tmp/sources"
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
	assert_int_equal(sources_debsrc_of_list(text, &out), 3);
	assert_string_equal(out.data,
			    "deb-src http://deb.debian.org/debian bookworm main\n"
			    "deb-src [signed-by=/k.gpg arch=amd64] https://a.example/ x y\n"
			    "deb-src http://security.debian.org/ bookworm-security main\n");
	buf_reset(&out);
	assert_int_equal(sources_debsrc_of_list("", &out), 0);
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
	assert_int_equal(sources_debsrc_of_deb822(text, &out), 2);
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
	assert_int_equal(sources_debsrc_of_deb822(text, &out), 1);
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

/* sources_debsrc_lines reads sources.list, sources.list.d/ *.list and *.sources, and no
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
	assert_int_equal(sources_debsrc_lines(TMP_DIR "/etc", &list, &d822), 2);
	assert_string_equal(list.data, "deb-src http://a.example/ a main\n");
	assert_string_equal(d822.data, "Types: deb-src\nURIs: http://b.example/\n\n");
	assert_int_equal(write_file_atomic(TMP_DIR "/etc/sources.list",
					   "deb http://main.example/ m main\n", 32, 0644), 0);
	buf_reset(&list);
	buf_reset(&d822);
	assert_int_equal(sources_debsrc_lines(TMP_DIR "/etc", &list, &d822), 3);
	assert_string_equal(list.data, "deb-src http://main.example/ m main\n"
				       "deb-src http://a.example/ a main\n");
	buf_release(&list);
	buf_release(&d822);
	remove_tree(TMP_DIR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_line),
		cmocka_unit_test(deb822),
		cmocka_unit_test(deb822_folded),
		cmocka_unit_test(from_tree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
