/* password.h: root's password in the image's /etc/shadow, from [system] root_password_hash
 * (a crypt(3) hash, used as it is) or [system] root_password_file (read at build time and
 * hashed here).
 *
 * Only a hash is ever kept: in the image, in out/.state (which holds the SHA-256 of the
 * /etc/shadow text, among the initrd's inputs) and in the build cache.  The plaintext lives in
 * memory only while it is hashed, and is wiped after.
 *
 * The method is SHA-crypt with SHA-512 ("$6$", Ulrich Drepper's "Unix crypt using SHA-256 and
 * SHA-512", https://www.akkadia.org/drepper/SHA-crypt.txt), made with libxcrypt's crypt_rn.
 * Not yescrypt, the stronger default of Debian 12's passwd: the image's login is BusyBox
 * 1.35's, whose own crypt (CONFIG_USE_BB_CRYPT, on in defconfig) checks DES, MD5 ("$1$") and
 * SHA-crypt ("$5$", "$6$") and nothing else, so a yescrypt or bcrypt hash would lock root out.
 * Slowness makes up part of the difference: PASSWORD_ROUNDS, not crypt's default of 5000.
 *
 * A random salt would make every build a different image.  The salt of root_password_file is
 * made instead from the project's hostname and FAT volume id, which are in the image anyway:
 * never from the password, since a salt derived from it would be a fast test of guesses next
 * to the slow hash.  So two images with the same hostname, volume id and password have the
 * same hash; root_password_hash, made once with a random salt (mkpasswd -m sha-512), avoids
 * that and stays reproducible.
 */
#ifndef MKDISTRO_PASSWORD_H
#define MKDISTRO_PASSWORD_H

#include <stdint.h>

#include "build/config.h"
#include "sys/buf.h"

#define PASSWORD_ROUNDS 100000u /* SHA-crypt rounds for root_password_file */
#define PASSWORD_MAX 512         /* bytes in a password (libxcrypt's CRYPT_MAX_PASSPHRASE_SIZE) */

/* Why hash cannot be root's password hash in the image, as a phrase to follow the key's name
 * ("is a yescrypt hash ..."), or NULL when it can: "$5$" or "$6$", optional "rounds=N$"
 * (1000 to 999999999), a salt of 1 to 16 characters of [./0-9A-Za-z], "$", and the hash of
 * 43 or 86 such characters. */
const char *password_hash_problem(const char *hash);

/* The salt for root_password_file: 16 characters of [./0-9A-Za-z] from the SHA-256 of the
 * plan's hostname and volume id. */
void password_salt(const struct plan *plan, char out[17]);

/* The SHA-512 crypt hash of password with salt and rounds (malloc'd), or NULL (reported). */
char *password_crypt(const char *password, const char *salt, unsigned rounds);

/* The password in path: its first line, without the line end.  Returns 0 and a malloc'd
 * string that the caller wipes (explicit_bzero) and frees, or -1 (reported: missing,
 * unreadable, empty, a NUL byte, longer than PASSWORD_MAX). */
int password_read_file(const char *path, char **password);

/* Check [system] root_password_file before the build: a readable regular file with a
 * password in it, and not inside the skeleton or a variant's overlay (it would be copied
 * into the image in clear).  A file other users can read is a warning.  Returns 0 when no
 * file is set or it is fine, -1 (reported) otherwise. */
int password_check_file(const struct plan *plan);

/* Root's hash for the plan: root_password_hash, or root_password_file hashed with
 * password_salt and PASSWORD_ROUNDS (remembered in the cache while the file is unchanged, so
 * that a build with nothing changed does not spend the rounds again), or NULL when neither
 * is set.  Returns 0, or -1 (reported). */
int password_root_hash(const struct plan *plan, char **hash);

/* /etc/shadow for root with hash: "root:HASH:DAYS:0:99999:7:::", DAYS the epoch's day (the
 * last change, from the epoch, not the clock), then every line of old (another /etc/shadow,
 * or NULL) that is not root's. */
void password_shadow(const char *hash, int64_t epoch, const char *old, struct buf *out);

#endif
