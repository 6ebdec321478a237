/* test_password.c: unit tests for src/build/password.c (root's password in /etc/shadow) and the
 * [system] root_password_hash and root_password_file keys of src/build/config.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "build/config.h"
#include "build/password.h"
#define TMP_DIR "tests/tmp/password"
#include "testutil.h"

/* From the SHA-crypt specification's tests (Drepper, "Unix crypt using SHA-256 and SHA-512") */
#define SPEC_HASH                                                                                 \
	"$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8v" \
	"OuZeHBy/YTBmSK6H9qs/y3RnOaw5v."
#define SHA256_HASH "$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZF4hWcA.6"

static void fresh(void)
{
	remove_tree(TMP_DIR);
	assert_int_equal(mkdir_p(TMP_DIR "/proj/rootfs/etc", 0755), 0);
}

static void hash_forms(void **state)
{
	static const struct {
		const char *hash;
		const char *problem; /* the start of what is wrong, or NULL */
	} cases[] = {
		{SPEC_HASH, NULL},
		{SHA256_HASH, NULL},
		{"$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCo"
		 "EOfaS35inz1",
		 NULL},
		{"", "is empty"},
		{"$y$j9T$F5Jx5fExrKuPp53xLKQ..1$X3DX6M94c7o.9agCG9G317fhZg9SqC.5i5rd.RhAtQ7", "is a yescrypt"},
		{"$2b$12$abcdefghijklmnopqrstuv", "is a bcrypt"},
		{"$1$salt$qJH7.N4xYta3aEG/dfqo/0", "is an MD5 or DES"},
		{"abJnggxhB/yWI", "is an MD5 or DES"},
		{"!", "is an MD5 or DES"},
		{"$7$x", "is a yescrypt or scrypt"},
		{"$3$x", "is not a crypt(3) SHA-512"},
		{"$6$rounds=999$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8v"
		 "OuZeHBy/YTBmSK6H9qs/y3RnOaw5v.",
		 "has a bad rounds="},
		{"$6$rounds=x$s$h", "has a bad rounds="},
		{"$6$$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.",
		 "has a bad salt"},
		{"$6$saltstringsaltstr$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6"
		 "H9qs/y3RnOaw5v.",
		 "has a bad salt"},
		{"$6$salt:x$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnO"
		 "aw5v.",
		 "has a bad salt"},
		/* cut short, one too many, something after it */
		{"$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8v"
		 "OuZeHBy/YTBmSK6H9qs/y3RnOaw5v",
		 "is cut short"},
		{SPEC_HASH "x", "is cut short"},
		{SPEC_HASH ":", "is cut short"},
		{SHA256_HASH "\n", "is cut short"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *why = password_hash_problem(cases[i].hash);
		if (!cases[i].problem ? why != NULL
				      : !why || strncmp(why, cases[i].problem, strlen(cases[i].problem)))
			fail_msg("case %zu '%s': got '%s', want '%s'", i, cases[i].hash,
				 why ? why : "(fine)", cases[i].problem ? cases[i].problem : "(fine)");
	}
}

static void crypt_and_salt(void **state)
{
	struct plan p;
	char a[17], b[17], *h;
	(void)state;
	fresh();
	/* libxcrypt agrees with the specification (and so with BusyBox's login, which does too) */
	h = password_crypt("Hello world!", "saltstringsaltst", 10000);
	assert_string_equal(h, SPEC_HASH);
	free(h);
	h = password_crypt("x", "abc", PASSWORD_ROUNDS);
	assert_non_null(h);
	assert_int_equal(strncmp(h, "$6$rounds=100000$abc$", 21), 0);
	assert_null(password_hash_problem(h));
	free(h);
	/* the salt: 16 characters of crypt's alphabet, from the hostname and volume id only */
	config_defaults(&p, TMP_DIR "/proj");
	password_salt(&p, a);
	assert_int_equal(strlen(a), 16);
	assert_int_equal(strspn(a, "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"), 16);
	password_salt(&p, b);
	assert_string_equal(a, b);
	free(p.hostname);
	p.hostname = xstrdup("other");
	password_salt(&p, b);
	assert_string_not_equal(a, b);
	free(p.hostname);
	p.hostname = xstrdup("mkdistro");
	p.volume_id = 1;
	password_salt(&p, b);
	assert_string_not_equal(a, b);
	config_release(&p);
}

static char *write_pw(const char *text, size_t n)
{
	char *path = path_join(TMP_DIR, "pw");
	assert_int_equal(write_file_atomic(path, text, n, 0600), 0);
	return path;
}

static void read_file_rules(void **state)
{
	struct stderr_capture c;
	char msg[512], *pw, *path, big[PASSWORD_MAX + 10];
	(void)state;
	fresh();
	path = write_pw("secret\nsecond line\n", 19);
	assert_int_equal(password_read_file(path, &pw), 0);
	assert_string_equal(pw, "secret");
	free(pw);
	free(path);
	path = write_pw("with spaces \r\n", 14);
	assert_int_equal(password_read_file(path, &pw), 0);
	assert_string_equal(pw, "with spaces ");
	free(pw);
	free(path);
	path = write_pw("no newline", 10);
	assert_int_equal(password_read_file(path, &pw), 0);
	assert_string_equal(pw, "no newline");
	free(pw);
	free(path);
	memset(big, 'a', sizeof(big));
	big[PASSWORD_MAX] = '\n';
	path = write_pw(big, PASSWORD_MAX + 1);
	assert_int_equal(password_read_file(path, &pw), 0);
	assert_int_equal(strlen(pw), PASSWORD_MAX);
	free(pw);
	free(path);

	path = write_pw(big, PASSWORD_MAX + 2);
	stderr_begin(&c);
	assert_int_equal(password_read_file(path, &pw), 0);
	stderr_end(&c, msg, sizeof(msg));
	free(pw);
	free(path);
	big[PASSWORD_MAX] = 'a';
	path = write_pw(big, sizeof(big));
	stderr_begin(&c);
	assert_int_equal(password_read_file(path, &pw), -1);
	stderr_end(&c, msg, sizeof(msg));
	assert_null(pw);
	assert_non_null(strstr(msg, "is longer than 512 bytes"));
	free(path);
	path = write_pw("\nsecret\n", 8);
	stderr_begin(&c);
	assert_int_equal(password_read_file(path, &pw), -1);
	stderr_end(&c, msg, sizeof(msg));
	assert_non_null(strstr(msg, "has no password on its first line"));
	free(path);
	path = write_pw("a\0b\n", 4);
	stderr_begin(&c);
	assert_int_equal(password_read_file(path, &pw), -1);
	stderr_end(&c, msg, sizeof(msg));
	assert_non_null(strstr(msg, "has a NUL byte"));
	free(path);
	stderr_begin(&c);
	assert_int_equal(password_read_file(TMP_DIR, &pw), -1);
	assert_int_equal(password_read_file(TMP_DIR "/missing", &pw), -1);
	stderr_end(&c, msg, sizeof(msg));
	assert_non_null(strstr(msg, "is not a regular file"));
	assert_non_null(strstr(msg, "cannot open the root password file"));
}

static void shadow_text(void **state)
{
	struct buf b;
	(void)state;
	buf_init(&b);
	password_shadow(SPEC_HASH, 946684800, NULL, &b);
	assert_string_equal(b.data, "root:" SPEC_HASH ":10957:0:99999:7:::\n");
	/* another shadow file's users stay; its root line gives way */
	buf_reset(&b);
	password_shadow("$5$s$h", 86400 * 3 + 5, "root:*:1::::::\nbob:!:2:0:99999:7:::\n\nalice:x:3::::::", &b);
	assert_string_equal(b.data, "root:$5$s$h:3:0:99999:7:::\nbob:!:2:0:99999:7:::\nalice:x:3::::::\n");
	buf_release(&b);
}

/* config_parse_text's error for conf text, or "" when it parses. */
static char *conf_error(const char *conf)
{
	struct plan p;
	struct stderr_capture c;
	char msg[1024];
	int rc;
	config_defaults(&p, TMP_DIR "/proj");
	stderr_begin(&c);
	rc = config_parse_text(&p, "mkdistro.conf", conf);
	stderr_end(&c, msg, sizeof(msg));
	config_release(&p);
	assert_true(rc == 0 ? !*msg : !!*msg);
	return xstrdup(msg);
}

static void config_keys(void **state)
{
	static const struct {
		const char *conf, *error;
	} cases[] = {
		{"[system]\nroot_password_hash = " SPEC_HASH "\n", ""},
		{"[system]\nroot_password_file = secret.txt\n", ""},
		{"[system]\nroot_password_hash = $y$j9T$F5Jx5fExrKuPp53xLKQ..1$X3DX6M94c7o.9agCG9G317fhZ"
		 "g9SqC.5i5rd.RhAtQ7\n",
		 "mkdistro: mkdistro.conf:2: 'root_password_hash' is a yescrypt or scrypt hash, which the "
		 "image's BusyBox login cannot check: use a SHA-512 one ($6$, as mkpasswd -m sha-512 "
		 "makes)\n"},
		{"[system]\nhostname = x\nroot_password_hash =\n",
		 "mkdistro: mkdistro.conf:3: 'root_password_hash' is empty\n"},
		{"[system]\nroot_password_file = a\n\nroot_password_hash = " SPEC_HASH "\n",
		 "mkdistro: mkdistro.conf:4: set root_password_hash or root_password_file, not both\n"},
		{"[system]\nroot_password_file =\n", "mkdistro: mkdistro.conf:2: 'root_password_file' needs a path\n"},
	};
	(void)state;
	fresh();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *msg = conf_error(cases[i].conf);
		assert_string_equal(msg, cases[i].error);
		free(msg);
	}
	{
		struct plan p;
		config_defaults(&p, TMP_DIR "/proj");
		assert_int_equal(config_parse_text(&p, "mkdistro.conf", "[system]\nroot_password_file = "
								      "secret.txt\n"),
				 0);
		assert_non_null(strstr(p.root_password_file, "/tests/tmp/password/proj/secret.txt"));
		assert_null(p.root_password_hash);
		config_release(&p);
	}
}

/* The file is checked before the build; the hash is made once and then remembered. */
static void root_hash(void **state)
{
	struct plan p;
	struct stderr_capture c;
	char msg[1024], salt[17], *h1, *h2, *h3;
	const char *conf = "[system]\nroot_password_file = pw\n[build]\ncache = cache\n";
	char *pw = path_join(TMP_DIR, "proj/pw");
	(void)state;
	fresh();
	config_defaults(&p, TMP_DIR "/proj");
	assert_int_equal(config_parse_text(&p, "mkdistro.conf", conf), 0);
	assert_int_equal(write_file_atomic(pw, "Hello world!\n", 13, 0600), 0);
	assert_int_equal(password_check_file(&p), 0);
	assert_int_equal(password_root_hash(&p, &h1), 0);
	password_salt(&p, salt);
	h2 = password_crypt("Hello world!", salt, PASSWORD_ROUNDS);
	assert_string_equal(h1, h2);
	/* remembered: the cache has the hash (and no password), and gives it back */
	assert_int_equal(password_root_hash(&p, &h3), 0);
	assert_string_equal(h1, h3);
	free(h2);
	free(h3);
	{
		char *cmd = xasprintf("grep -rqs 'Hello world' %s/proj/cache", TMP_DIR);
		assert_int_not_equal(system(cmd), 0);
		free(cmd);
		cmd = xasprintf("grep -rqsF '%s' %s/proj/cache/memo", h1, TMP_DIR);
		assert_int_equal(system(cmd), 0);
		free(cmd);
	}
	/* a new password is a new hash */
	assert_int_equal(write_file_atomic(pw, "Hello world?\n", 13, 0600), 0);
	assert_int_equal(password_root_hash(&p, &h2), 0);
	assert_string_not_equal(h1, h2);
	free(h1);
	free(h2);
	/* readable by others: a warning */
	chmod(pw, 0644);
	stderr_begin(&c);
	assert_int_equal(password_check_file(&p), 0);
	stderr_end(&c, msg, sizeof(msg));
	assert_non_null(strstr(msg, "warning: the root password file"));
	assert_non_null(strstr(msg, "can be read by other users (mode 0644); chmod 600 it"));
	config_release(&p);

	/* in the skeleton it would be copied into the image: an error */
	config_defaults(&p, TMP_DIR "/proj");
	assert_int_equal(config_parse_text(&p, "mkdistro.conf", "[system]\nroot_password_file = "
							      "rootfs/etc/pw\n"),
			 0);
	assert_int_equal(write_file_atomic(TMP_DIR "/proj/rootfs/etc/pw", "x\n", 2, 0600), 0);
	stderr_begin(&c);
	assert_int_equal(password_check_file(&p), -1);
	stderr_end(&c, msg, sizeof(msg));
	assert_non_null(strstr(msg, "is inside the skeleton"));
	assert_non_null(strstr(msg, "it would be copied into the image in clear"));
	config_release(&p);

	/* neither key: no hash */
	config_defaults(&p, TMP_DIR "/proj");
	assert_int_equal(password_check_file(&p), 0);
	assert_int_equal(password_root_hash(&p, &h1), 0);
	assert_null(h1);
	config_release(&p);
	free(pw);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hash_forms),      cmocka_unit_test(crypt_and_salt),
		cmocka_unit_test(read_file_rules), cmocka_unit_test(shadow_text),
		cmocka_unit_test(config_keys),     cmocka_unit_test(root_hash),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
