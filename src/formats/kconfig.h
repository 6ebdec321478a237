/* kconfig.h: Kconfig fragments and .config files, as text.
 *
 * The format is the kernel's (Documentation/kbuild/kconfig.rst): lines
 * `CONFIG_NAME=value` (y, m, a number, a hex number or a "quoted string") or
 * `# CONFIG_NAME is not set`; other `#` lines and blank lines are comments.  BusyBox uses
 * the same format.  Pure: parses and compares text it is given.
 */
#ifndef MKDISTRO_KCONFIG_H
#define MKDISTRO_KCONFIG_H

#include <stddef.h>

#include "sys/buf.h"

struct kconfig_sym {
	char *name;  /* without the CONFIG_ prefix */
	char *value; /* "y", "m", "n" (is not set), a number or a quoted string */
	int line;
	const char *path; /* the file it came from (not owned: the caller keeps it), or NULL */
};

struct kconfig {
	struct kconfig_sym *v;
	size_t n, cap;
};

void kconfig_init(struct kconfig *k);
void kconfig_release(struct kconfig *k);
/* Parse text read from path (named in errors as path:line).  strict: refuse any line that is
 * not a setting, a `# ... is not set` line, a comment or blank, and a symbol set twice; not
 * strict (a generated .config): skip what is not a setting.  Returns 0 or -1 (reported). */
int kconfig_parse(struct kconfig *k, const char *text, const char *path, int strict);
/* The value of name (without CONFIG_), "n" when absent. */
const char *kconfig_get(const struct kconfig *k, const char *name);
/* Set name to value, replacing an earlier setting. */
void kconfig_set(struct kconfig *k, const char *name, const char *value);
/* Set name to value after every other setting: an earlier setting of it is removed, so that
 * a tool reading the file in order (Kconfig) meets this one last. */
void kconfig_append(struct kconfig *k, const char *name, const char *value);
/* Set every setting of src in dst (later wins), keeping where each came from. */
void kconfig_merge(struct kconfig *dst, const struct kconfig *src);
/* A fragment without loadable modules: each =m becomes =y, MODULES and the settings of
 * module support itself (MODULE_*, MODVERSIONS) are turned off, each in place (errors still
 * name its line).  A fragment that asks for none of them is left as it is.  Returns how
 * many settings changed. */
size_t kconfig_builtin_modules(struct kconfig *k);
/* Append the settings as .config lines. */
void kconfig_render(const struct kconfig *k, struct buf *out);
/* Check that every setting of want has the same value in got (the .config Kconfig wrote).
 * Each one that does not is reported as "path:line: CONFIG_X=y was dropped by Kconfig ..."
 * with what it became (path: the setting's own, else the one given).  Returns the number
 * of such settings. */
int kconfig_check(const struct kconfig *want, const struct kconfig *got, const char *path,
		  const char *what);

#endif
