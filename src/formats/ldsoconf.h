/* ldsoconf.h: the library directories that /etc/ld.so.conf lists, read as ldconfig(8) reads
 * it, through a file view (fileview.h) of the host or of an image.
 *
 * ld.so itself reads only /etc/ld.so.cache, which ldconfig makes from the directories of
 * the configuration; the directories in their order stand in for the cache here.  The
 * format (ldconfig(8), and glibc's elf/ldconfig.c as documented there): '#' starts a
 * comment; a line is "include PATTERN..." (glob patterns, relative ones from the including
 * file's directory, each file read in sorted order), "hwcap ..." (obsolete, ignored), or a
 * directory, from which an old "=TYPE" suffix and trailing slashes are dropped; a relative
 * directory is refused.  A directory given again is kept where it first came.
 *
 * Each file is read once, whatever name it is included by, so that a file that includes
 * itself or its includer ends; includes nested deeper than 16 are ignored with a warning.
 * A file that is missing or not a regular file is passed over in silence; one that cannot
 * be read draws a warning.  Nothing here is an error: ldconfig goes on too.
 */
#ifndef MKDISTRO_LDSOCONF_H
#define MKDISTRO_LDSOCONF_H

#include "sys/strvec.h"

struct fileview;

struct ldsoconf {
	struct strvec dirs; /* root paths, absolute, each once, in the order listed */
};

void ldsoconf_init(struct ldsoconf *c);
void ldsoconf_release(struct ldsoconf *c);

/* Read the configuration file at path (a root path, such as "/etc/ld.so.conf") in view v,
 * with what it includes, and add its directories to c. */
void ldsoconf_read(struct ldsoconf *c, const struct fileview *v, const char *path);

#endif
