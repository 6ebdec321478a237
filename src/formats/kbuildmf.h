/* kbuildmf.h: which objects a kernel Makefile (or Kbuild file) builds for which Kconfig
 * symbol, read from its `obj-$(CONFIG_X) += a.o dir/` lines.
 *
 * An object named there is a module of its own when X is =m (a.o gives a.ko); a directory
 * is descended into, where its own Makefile names its objects.  Lines continued with a
 * backslash are joined, and '#' starts a comment.  Only these plain assignments (+=, :=, =)
 * are read; lines that build names with make functions, and lines inside make conditionals
 * (ifdef, ifndef, ifeq, ifneq: what they build depends on more than X), are passed over.
 * Documentation/kbuild/makefiles.rst, "Loadable module goals - obj-m".
 */
#ifndef MKDISTRO_KBUILDMF_H
#define MKDISTRO_KBUILDMF_H

#include <stddef.h>

/* Called for each object: symbol without CONFIG_, the object's name without directory or
 * ".o" (both NUL-terminated, valid during the call). */
typedef void (*kbuildmf_fn)(void *ctx, const char *symbol, const char *object);

/* Call fn for each `obj-$(CONFIG_X)` object of the text (len bytes). */
void kbuildmf_objects(const char *text, size_t len, kbuildmf_fn fn, void *ctx);

#endif
