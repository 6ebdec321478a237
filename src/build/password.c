/* password.c: root's password hash for /etc/shadow (see password.h).
 * References: crypt(5) and crypt_rn(3) (libxcrypt), shadow(5), BusyBox 1.35's
 * libbb/pw_encrypt.c and libbb/pw_encrypt_sha.c (what the image's login can check).
 */
#include "build/password.h"

#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build/memo.h"
#include "sys/alloc.h"
#include "sys/hash.h"

/* crypt's base-64 alphabet: salts and hashes are made of these */
static const char b64[] = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

static size_t b64_span(const char *s)
{
	return strspn(s, b64);
}

const char *password_hash_problem(const char *hash)
{
	const char *p = hash, *salt;
	size_t n, want;

	if (!*hash)
		return "is empty";
	if (!strncmp(hash, "$y$", 3) || !strncmp(hash, "$gy$", 4) || !strncmp(hash, "$7$", 3))
		return "is a yescrypt or scrypt hash, which the image's BusyBox login cannot check: "
		       "use a SHA-512 one ($6$, as mkpasswd -m sha-512 makes)";
	if (!strncmp(hash, "$2", 2))
		return "is a bcrypt hash, which the image's BusyBox login cannot check: use a "
		       "SHA-512 one ($6$, as mkpasswd -m sha-512 makes)";
	if (!strncmp(hash, "$1$", 3) || hash[0] != '$')
		return "is an MD5 or DES hash, which takes too little time to crack: use a SHA-512 "
		       "one ($6$, as mkpasswd -m sha-512 makes)";
	if (strncmp(hash, "$5$", 3) && strncmp(hash, "$6$", 3))
		return "is not a crypt(3) SHA-512 hash ($6$SALT$HASH, as mkpasswd -m sha-512 makes)";
	want = hash[1] == '5' ? 43 : 86;
	p += 3;
	if (!strncmp(p, "rounds=", 7)) {
		char *end;
		unsigned long r;
		errno = 0;
		r = strtoul(p + 7, &end, 10);
		if (p[7] < '0' || p[7] > '9' || errno || *end != '$' || r < 1000 || r > 999999999)
			return "has a bad rounds= (from 1000 to 999999999)";
		p = end + 1;
	}
	salt = p;
	n = b64_span(salt);
	if (n < 1 || n > 16 || salt[n] != '$')
		return "has a bad salt (1 to 16 characters of ./0-9A-Za-z, then '$')";
	p = salt + n + 1;
	n = b64_span(p);
	if (n != want || p[n])
		return hash[1] == '5' ? "is cut short or too long (the hash after the salt is 43 "
					"characters of ./0-9A-Za-z)"
				      : "is cut short or too long (the hash after the salt is 86 "
					"characters of ./0-9A-Za-z)";
	return NULL;
}

void password_salt(const struct plan *plan, char out[17])
{
	struct buf seed;
	unsigned char sum[32];
	char hex[65];
	buf_init(&seed);
	/* versioned, so that a change of recipe is a change of salt rather than a clash */
	buf_addf(&seed, "mkdistro root_password_file salt 1\n%s\n%08x\n", plan->hostname,
		 plan->volume_id);
	sha256_hex(seed.data, seed.len, hex);
	for (int i = 0; i < 32; i++)
		sscanf(hex + 2 * i, "%2hhx", &sum[i]);
	/* 16 characters of 6 bits: the first 96 bits of the sum */
	for (int i = 0; i < 16; i++) {
		int bit = 6 * i;
		unsigned v = ((unsigned)sum[bit / 8] << 8 | sum[bit / 8 + 1]) >> (10 - bit % 8);
		out[i] = b64[v & 63];
	}
	out[16] = '\0';
	buf_release(&seed);
}

char *password_crypt(const char *password, const char *salt, unsigned rounds)
{
	struct crypt_data *cd = xcalloc(1, sizeof(*cd));
	char *setting = xasprintf("$6$rounds=%u$%s", rounds, salt), *out = NULL;
	const char *h = crypt_rn(password, setting, cd, (int)sizeof(*cd));
	if (h && !strncmp(h, "$6$", 3) && !password_hash_problem(h))
		out = xstrdup(h);
	else
		error("crypt(3) cannot make a SHA-512 hash (%s)", h ? "it gave something else" : strerror(errno));
	explicit_bzero(cd, sizeof(*cd));
	free(cd);
	free(setting);
	return out;
}

int password_read_file(const char *path, char **password)
{
	/* read into a fixed buffer: a growing one would leave copies of the password behind */
	char text[PASSWORD_MAX + 2];
	size_t got = 0, len;
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY), ret = -1;

	*password = NULL;
	if (fd < 0)
		return error_errno("cannot open the root password file '%s'", path);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return error("the root password file '%s' is not a regular file", path);
	}
	while (got < sizeof(text)) {
		ssize_t r = read(fd, text + got, sizeof(text) - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			error_errno("cannot read the root password file '%s'", path);
			goto out;
		}
		if (r == 0)
			break;
		got += (size_t)r;
		if (memchr(text, '\n', got))
			break;
	}
	for (len = 0; len < got && text[len] != '\n'; len++)
		;
	if (len && text[len - 1] == '\r')
		len--;
	if (len > PASSWORD_MAX)
		error("the password in '%s' is longer than %d bytes", path, PASSWORD_MAX);
	else if (!len)
		error("the root password file '%s' has no password on its first line", path);
	else if (memchr(text, '\0', len))
		error("the password in '%s' has a NUL byte", path);
	else {
		*password = xstrndup(text, len);
		ret = 0;
	}
out:
	explicit_bzero(text, sizeof(text));
	close(fd);
	return ret;
}

/* Is path (resolved) inside dir (resolved)? */
static int inside(const char *path, const char *dir)
{
	char *d = realpath(dir, NULL);
	size_t n = d ? strlen(d) : 0;
	int in = d && !strncmp(path, d, n) && (path[n] == '/' || (n == 1 && d[0] == '/'));
	free(d);
	return in;
}

int password_check_file(const struct plan *plan)
{
	const char *file = plan->root_password_file;
	char *real, *pw = NULL;
	struct stat st;
	int ret = 0;

	if (!file)
		return 0;
	if (!(real = realpath(file, NULL)))
		return error_errno("[system] root_password_file: cannot open '%s'", file);
	if (inside(real, plan->rootfs_dir))
		ret = error("[system] root_password_file '%s' is inside the skeleton '%s': it would be "
			    "copied into the image in clear; keep it outside",
			    file, plan->rootfs_dir);
	for (size_t i = 1; i < plan->n_ivar && !ret; i++)
		for (size_t j = 0; j < plan->ivar[i].n_overlays && !ret; j++)
			if (inside(real, plan->ivar[i].overlays[j]))
				ret = error("[system] root_password_file '%s' is inside [initrd.%s]'s "
					    "overlay '%s': it would be copied into the image in clear; "
					    "keep it outside",
					    file, plan->ivar[i].name, plan->ivar[i].overlays[j]);
	if (!ret)
		ret = password_read_file(file, &pw);
	if (!ret && stat(real, &st) == 0 && (st.st_mode & 077))
		warning("the root password file '%s' can be read by other users (mode %04o); "
			"chmod 600 it",
			file, (unsigned)st.st_mode & 07777);
	if (pw) {
		explicit_bzero(pw, strlen(pw));
		free(pw);
	}
	free(real);
	return ret;
}

int password_root_hash(const struct plan *plan, char **hash)
{
	char salt[17], *key, *pw = NULL;
	const char *problem;
	struct stat st;

	*hash = NULL;
	if (plan->root_password_hash) {
		if ((problem = password_hash_problem(plan->root_password_hash)))
			return error("[system] root_password_hash %s", problem);
		*hash = xstrdup(plan->root_password_hash);
		return 0;
	}
	if (!plan->root_password_file)
		return 0;
	if (stat(plan->root_password_file, &st) < 0)
		return error_errno("[system] root_password_file: cannot open '%s'",
				   plan->root_password_file);
	password_salt(plan, salt);
	/* The memo is keyed by the file's identity (a rewrite changes its change time), not by
	 * its contents or size: the cache holds nothing that tells the password, or its length,
	 * faster than the hash does. */
	key = xasprintf("root-password 1 $6$rounds=%u$%s %s %llu %llu %lld.%09ld %lld.%09ld",
			PASSWORD_ROUNDS, salt, plan->root_password_file,
			(unsigned long long)st.st_dev, (unsigned long long)st.st_ino,
			(long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec, (long long)st.st_ctim.tv_sec,
			st.st_ctim.tv_nsec);
	*hash = memo_get(plan->cache_dir, key, NULL);
	if (*hash && password_hash_problem(*hash)) {
		free(*hash);
		*hash = NULL;
	}
	if (!*hash && password_read_file(plan->root_password_file, &pw) == 0) {
		*hash = password_crypt(pw, salt, PASSWORD_ROUNDS);
		explicit_bzero(pw, strlen(pw));
		free(pw);
		if (*hash)
			memo_put(plan->cache_dir, key, NULL, *hash);
	}
	free(key);
	return *hash ? 0 : -1;
}

void password_shadow(const char *hash, int64_t epoch, const char *old, struct buf *out)
{
	/* shadow(5): name:password:last change (days since 1970):min:max:warn:inactive:expire: */
	buf_addf(out, "root:%s:%lld:0:99999:7:::\n", hash, (long long)(epoch / 86400));
	for (const char *line = old; line && *line;) {
		size_t n = strcspn(line, "\n");
		if (n && strncmp(line, "root:", 5)) {
			buf_add(out, line, n);
			buf_adds(out, "\n");
		}
		line += n + (line[n] == '\n');
	}
}
