/* pkgtree.h: an initrd variant's Debian packages in its root filesystem.
 *
 * What goes in:
 *  - the packages named in mkdistro.conf (main's and the variant's), those a rule brings, and
 *    the architecture-independent ones they need (data: pci.ids, terminfo): all their files,
 *    but not /usr/share/doc, man, info and locale unless [packages] keep says so;
 *  - of the other packages they need (libraries): only the shared libraries that the ELF
 *    files taken need, found as ld.so would find them (formats/elfdeps.h) inside the tree of
 *    the packages (never on the host), each copied where ld.so opens it;
 *  - what the rules say (pkgrules.h): directories, users and groups, start-up scripts.
 * A package's file takes the place of a BusyBox applet of the same path (e2fsprogs' mke2fs
 * over BusyBox's); the skeleton's files win over a package's, and the overlays of a variant
 * come after the packages.  A library that no fetched package has is an error naming the
 * program and the library.
 */
#ifndef MKDISTRO_PKGTREE_H
#define MKDISTRO_PKGTREE_H

#include <stdint.h>

#include "build/config.h"
#include "build/packages.h"
#include "formats/manifest.h"

/* Add variant v's packages (v NULL: main's) to m.  bytes (p->n entries, or NULL) gets what
 * each package added, in bytes of file contents.  Returns 0 or -1 (reported). */
int pkgtree_add(const struct plan *plan, const struct packages *p, const struct ivariant *v,
		struct manifest *m, uint64_t *bytes);
/* Is the host file source one of a package's files (in the cache's package trees)? */
int pkgtree_is_package_file(const struct plan *plan, const char *source);

#endif
