/* hash.c: SHA-256 and MD5 with OpenSSL's EVP interface (see hash.h). */
#include "sys/hash.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <unistd.h>

#include "sys/log.h"

static void hex(const unsigned char *md, unsigned n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (unsigned i = 0; i < n; i++) {
		out[2 * i] = digits[md[i] >> 4];
		out[2 * i + 1] = digits[md[i] & 15];
	}
	out[2 * n] = '\0';
}

void sha256_hex(const void *data, size_t n, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned len = 0;
	if (!EVP_Digest(data, n, md, &len, EVP_sha256(), NULL))
		die("sha256 failed");
	hex(md, len, out);
}

/* Stream a file through a digest, into hex. */
static int digest_file(const char *path, const EVP_MD *type, char *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned len = 0;
	static unsigned char chunk[1 << 16];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	EVP_MD_CTX *ctx;
	if (fd < 0)
		return error_errno("cannot open '%s'", path);
	ctx = EVP_MD_CTX_new();
	if (!ctx || !EVP_DigestInit_ex(ctx, type, NULL))
		die("digest failed");
	for (;;) {
		ssize_t r = read(fd, chunk, sizeof(chunk));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			error_errno("cannot read '%s'", path);
			EVP_MD_CTX_free(ctx);
			close(fd);
			return -1;
		}
		if (r == 0)
			break;
		EVP_DigestUpdate(ctx, chunk, (size_t)r);
	}
	EVP_DigestFinal_ex(ctx, md, &len);
	EVP_MD_CTX_free(ctx);
	close(fd);
	hex(md, len, out);
	return 0;
}

int sha256_file(const char *path, char out[65])
{
	return digest_file(path, EVP_sha256(), out);
}

int md5_file(const char *path, char out[33])
{
	return digest_file(path, EVP_md5(), out);
}
