/* config.c: mkdistro.conf into the plan.
 *
 * formats/ini.c reads the text; this file knows the keys.  Every key, a variant section's
 * too, is a row of keys[]: its section and name, its type and range, its default and where
 * its value goes.  Reading is in three steps, so that an error is the one a reader of the
 * file expects first:
 *   1. each section and key as the file has it, in order: unknown names, a section or a key
 *      given twice, bad variant names (the first such error stops the reading);
 *   2. the values of the main sections, in the order of the table;
 *   3. the variants (kernels, then initrds, then labels), then the rules that span keys.
 */
#include "build/config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build/arch.h"
#include "build/password.h"
#include "formats/ini.h"
#include "sys/alloc.h"
#include "sys/buf.h"
#include "sys/fs.h"
#include "sys/log.h"

/* A row of the table: what the documentation shows, and where the value goes. */
struct key {
	struct config_key doc;
	size_t offset;       /* of the value in struct plan, or in the variant's struct */
	size_t count_offset; /* CONFIG_PATHS: of the number of paths (a size_t) */
	size_t line_offset;  /* of the line it was set on (an int), or 0: not kept */
};

#define P(field) offsetof(struct plan, field)
#define KV(field) offsetof(struct kvariant, field)
#define IV(field) offsetof(struct ivariant, field)
#define LA(field) offsetof(struct label_append, field)
static const struct key keys[] = {
	{{"system", "hostname", CONFIG_NAME, 1, 63, "mkdistro", "the image's host name"},
	 .offset = P(hostname)},
	{{"system", "arch", CONFIG_ARCH, 0, 0, "x86_64",
	  "the CPU the image is for: x86_64, i686 (32-bit PCs) or arm64 (UEFI only); another "
	  "CPU than the host's is built with a cross compiler"},
	 .offset = P(arch)},
	{{"system", "root_password_hash", CONFIG_TEXT, 0, 0, NULL,
	  "root's password as a crypt(3) SHA-512 hash"},
	 .offset = P(root_password_hash)},
	{{"system", "root_password_file", CONFIG_PATH, 1, 0, NULL,
	  "or a file whose first line is root's password, hashed at build time"},
	 .offset = P(root_password_file)},
	{{"kernel", "source", CONFIG_SOURCE, 0, 0, "debian:linux-source-6.1",
	  "debian:PACKAGE, or the path of a kernel tarball"},
	 .offset = P(kernel_source)},
	{{"kernel", "sha256", CONFIG_TEXT, 0, 0, NULL, "the SHA-256 of the kernel tarball"},
	 .offset = P(kernel_sha256)},
	{{"kernel", "config", CONFIG_PATH, 1, 0, "kernel.config", "the kernel's Kconfig fragment"},
	 .offset = P(kernel_config)},
	{{"kernel", "base", CONFIG_TEXT, 0, 0, "tinyconfig",
	  "what the fragment goes over: tinyconfig or allnoconfig"},
	 .offset = P(kernel_base)},
	{{"kernel", "modules", CONFIG_BOOL, 0, 0, "yes",
	  "yes: the fragment's =m drivers are modules, loaded by their devices; no: built in "
	  "(the default with [initrd] format = ext2, where yes needs [boot] modules = stick)"},
	 .offset = P(kernel_modules)},
	{{"busybox", "source", CONFIG_SOURCE, 0, 0, "debian:busybox",
	  "debian:busybox, or the path of a BusyBox tarball"},
	 .offset = P(busybox_source)},
	{{"busybox", "sha256", CONFIG_TEXT, 0, 0, NULL, "the SHA-256 of the BusyBox tarball"},
	 .offset = P(busybox_sha256)},
	{{"busybox", "config", CONFIG_PATH, 1, 0, "busybox.config",
	  "BusyBox's Kconfig fragment, over defconfig"},
	 .offset = P(busybox_config)},
	{{"busybox", "base", CONFIG_TEXT, 0, 0, "defconfig",
	  "what the fragment goes over: defconfig (every applet) or allnoconfig (only the "
	  "fragment's)"},
	 .offset = P(busybox_base)},
	{{"busybox", "static", CONFIG_BOOL, 0, 0, "yes",
	  "yes for a static BusyBox, no for one with glibc's shared libraries"},
	 .offset = P(busybox_static)},
	{{"busybox", "libc", CONFIG_TEXT, 0, 0, "glibc",
	  "the C library a static BusyBox is linked with: glibc, or musl (a quarter of the size; "
	  "Debian's musl-tools, x86_64 only)"},
	 .offset = P(busybox_libc)},
	{{"rootfs", "skeleton", CONFIG_PATH, 1, 0, "rootfs",
	  "the tree copied into every root filesystem"},
	 .offset = P(rootfs_dir)},
	{{"rootfs", "packages", CONFIG_PACKAGES, 0, 0, NULL,
	  "Debian packages whose files go into the image, with the libraries they need"},
	 .offset = P(packages), .count_offset = P(n_packages), .line_offset = P(packages_line)},
	{{"packages", "keep", CONFIG_KEEP, 0, 0, NULL,
	  "what packages keep that is left out by default: docs, man, info, locale"},
	 .offset = P(packages_keep)},
	{{"initrd", "format", CONFIG_FORMAT, 0, 0, "cpio", "cpio (an initramfs) or ext2 (a ramdisk)"},
	 .offset = P(initrd_format)},
	{{"initrd", "size", CONFIG_UINT, 64, 4u << 20, "5000", "the ext2 ramdisk's size in KiB"},
	 .offset = P(initrd_size_kib)},
	{{"initrd", "level", CONFIG_UINT, 1, 12, "6", "the gzip level (libdeflate's: 12 is smallest)"},
	 .offset = P(gzip_level)},
	{{"initrd", "budget", CONFIG_UINT, 0, 4u << 20, NULL,
	  "fail the build when main.gz is over this many KiB"},
	 .offset = P(initrd_budget_kib)},
	{{"image", "size", CONFIG_UINT, 32, 1u << 20, "64", "the stick image in MiB"},
	 .offset = P(image_size_mib)},
	{{"image", "label", CONFIG_TEXT, 0, 0, "MKDISTRO", "the FAT volume label"},
	 .offset = P(fat_label)},
	{{"image", "volume_id", CONFIG_HEX32, 0, 0, "4d4b4430", "the FAT volume id, in hex"},
	 .offset = P(volume_id)},
	{{"image", "iso", CONFIG_BOOL, 0, 0, "no", "yes to write out/mkdistro.iso too"},
	 .offset = P(iso)},
	{{"image", "persist", CONFIG_UINT, 0, 1u << 20, "0",
	  "MiB of an ext2 partition after the FAT one that keeps /etc and /root; 0: none"},
	 .offset = P(persist_mib)},
	{{"boot", "default", CONFIG_NAME, 1, 32, "mm", "the label that boots by default"},
	 .offset = P(boot_default), .line_offset = P(default_line)},
	{{"boot", "prompt", CONFIG_BOOL, 0, 0, "yes", "show the boot: prompt"},
	 .offset = P(boot_prompt)},
	{{"boot", "timeout", CONFIG_UINT, 0, 35996, "50",
	  "tenths of a second before the default boots"},
	 .offset = P(boot_timeout)},
	{{"boot", "append", CONFIG_TEXT, 0, 0, "console=tty0 console=ttyS0,115200",
	  "the kernel's arguments"},
	 .offset = P(boot_append)},
	{{"boot", "serial", CONFIG_UINT, 0, 921600, "115200",
	  "the speed of Syslinux's SERIAL 0; 0: no serial line"},
	 .offset = P(serial_baud)},
	{{"boot", "modules", CONFIG_TEXT, 0, 0, "stick",
	  "where a kernel's modules come from: stick (rc.hotplug unpacks them from the boot medium "
	  "after the shell is up) or initrd (the boot loader loads them as a second initrd)"},
	 .offset = P(boot_modules)},
	{{"build", "jobs", CONFIG_UINT, 0, 1024, "0",
	  "make -j; 0: one per core, plus each distcc host's share"},
	 .offset = P(jobs)},
	{{"build", "cache", CONFIG_PATH, 1, 0, "~/.cache/mkdistro",
	  "the build cache ($XDG_CACHE_HOME/mkdistro when that is set)"},
	 .offset = P(cache_dir)},
	{{"build", "ccache", CONFIG_BOOL, 0, 0, "no", "compile the kernel and BusyBox through ccache"},
	 .offset = P(ccache)},
	{{"build", "distcc", CONFIG_HOSTS, 0, 0, NULL, "compile on these hosts too"},
	 .offset = P(distcc)},
	{{"build", "epoch", CONFIG_SECONDS, 0, UINT_MAX, "946684800",
	  "the time stamped on files in the image"},
	 .offset = P(epoch)},
	{{"network", "address", CONFIG_TEXT, 0, 0, "dhcp",
	  "the live system's wired network: dhcp, off, or IP/PREFIX,GATEWAY,DNS"},
	 .offset = P(net_address)},
	{{"qemu", "memory", CONFIG_UINT, 32, 65536, "256", "MiB for run and test"},
	 .offset = P(qemu_memory_mib)},
	{{"kernel.NAME", "fragment", CONFIG_PATH, 0, 0, NULL,
	  "a kernel variant: this fragment added to [kernel] config"},
	 .offset = KV(fragment)},
	{{"kernel.NAME", "config", CONFIG_PATH, 0, 0, NULL,
	  "a kernel variant: a fragment of its own instead"},
	 .offset = KV(config)},
	{{"initrd.NAME", "overlay", CONFIG_PATHS, 0, 0, NULL,
	  "directories laid over main's root filesystem, in order"},
	 .offset = IV(overlays), .count_offset = IV(n_overlays),
	 .line_offset = IV(overlay_line)},
	{{"initrd.NAME", "binaries", CONFIG_PATHS, 0, 0, NULL,
	  "host programs to add, with every library they need"},
	 .offset = IV(binaries), .count_offset = IV(n_binaries),
	 .line_offset = IV(binaries_line)},
	{{"initrd.NAME", "packages", CONFIG_PACKAGES, 0, 0, NULL,
	  "Debian packages to add (with main's), with the libraries they need"},
	 .offset = IV(packages), .count_offset = IV(n_packages),
	 .line_offset = IV(packages_line)},
	{{"initrd.NAME", "busybox_config", CONFIG_PATH, 0, 0, NULL,
	  "a BusyBox of its own, built from this fragment"},
	 .offset = IV(busybox_config)},
	{{"initrd.NAME", "stack", CONFIG_YESNO, 0, 0, "no",
	  "yes: only what it adds to main, loaded after main.gz (cpio only)"},
	 .offset = IV(stack)},
	{{"initrd.NAME", "budget", CONFIG_KIB, 0, 4u << 20, NULL,
	  "fail the build when it is over this many KiB"},
	 .offset = IV(budget_kib), .line_offset = IV(budget_line)},
	{{"label.NAME", "append", CONFIG_TEXT, 0, 0, NULL,
	  "extra kernel arguments for one boot label"},
	 .offset = LA(append)},
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

const struct config_key *config_key(size_t i)
{
	return i < NKEYS ? &keys[i].doc : NULL;
}

/* A key as the file gives it: its value (continuation lines joined) and its line. */
struct setting {
	char *value; /* NULL: not set */
	int line;
};

struct parse;
struct variant_read;

/* A kind of variant section, and the list of the plan its variants go to. */
struct kind {
	const char *section;  /* as keys[] names it: "kernel.NAME" */
	size_t prefix_len;    /* of "kernel." */
	size_t max_name;
	const char *main;     /* the main section ("[kernel.main] is not needed"), or NULL */
	size_t list, count, cap, size, line; /* offsets in struct plan, size and line of an entry */
	/* The rules that span its keys, for v stored at entry; 0 or -1 (reported). */
	int (*check)(struct parse *p, const struct variant_read *v, const void *entry);
};

/* A variant section as read: [kernel.NAME], [initrd.NAME] or [label.NAME]. */
struct variant_read {
	const struct kind *kind;
	char *name;
	int line;                  /* of its [section] header */
	struct setting set[NKEYS]; /* by row of keys[]; only its kind's are used */
};

/* A [section] header seen so far. */
struct header {
	char *name;
	int line;
};

struct parse {
	struct plan *plan;
	int error_line;
	char *error;
	struct header *headers;
	size_t n_headers, headers_cap;
	struct setting main[NKEYS]; /* by row of keys[]: the main sections' keys */
	struct variant_read *vars;  /* in the order of their first key */
	size_t n_vars, vars_cap;
};

/* Keep the first error only (the one a reader of the file meets first); returns -1. */
static int fail(struct parse *p, int line, const char *fmt, ...) PRINTF_LIKE(3, 4);
static int fail(struct parse *p, int line, const char *fmt, ...)
{
	va_list ap;
	if (p->error)
		return -1;
	va_start(ap, fmt);
	if (vasprintf(&p->error, fmt, ap) < 0)
		die("out of memory");
	va_end(ap);
	p->error_line = line;
	return -1;
}

static char *xgetcwd(void)
{
	char *d = getcwd(NULL, 0);
	if (!d)
		die("cannot get the current directory");
	return d;
}

static char *abs_path(const char *dir, const char *p)
{
	if (p[0] == '/')
		return xstrdup(p);
	if (p[0] == '~' && p[1] == '/' && getenv("HOME"))
		return path_join(getenv("HOME"), p + 2);
	return path_join(dir, p);
}

/* Split a list of paths separated by spaces or tabs into absolute paths. */
static char **split_paths(const char *dir, const char *list, size_t *n)
{
	char *copy = xstrdup(list), *save = NULL;
	char **v = NULL;
	size_t cap = 0;
	*n = 0;
	for (char *t = strtok_r(copy, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
		XGROW(v, cap, *n + 1);
		v[(*n)++] = abs_path(dir, t);
	}
	free(copy);
	return v;
}

static int parse_uint(const char *s, unsigned long long *v)
{
	char *end;
	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno || *end ? -1 : 0;
}

static int is_label(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_')
			return 0;
	return 1;
}

/* distcc hosts: HOST[:PORT][/LIMIT], separated by commas or white space.  The first that is
 * not one (malloc'd), or NULL; *count gets how many there are. */
static char *bad_host(const char *v, size_t *count)
{
	char *list = xstrdup(v), *save, *bad = NULL;
	*count = 0;
	for (char *h = strtok_r(list, ", \t", &save); h && !bad; h = strtok_r(NULL, ", \t", &save)) {
		if (strspn(h, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_:/[]@") !=
		    strlen(h))
			bad = xstrdup(h);
		(*count)++;
	}
	free(list);
	return bad;
}

/* A Debian package name (Debian Policy 5.6.1): lowercase letters, digits, '+', '-' and '.',
 * at least two, starting with a letter or digit. */
static int is_package_name(const char *s)
{
	size_t n = strlen(s);
	if (n < 2 || !(islower((unsigned char)s[0]) || isdigit((unsigned char)s[0])))
		return 0;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789+-.") == n;
}

/* Split a list of package names; the first that is not one (malloc'd), or NULL. */
static char *split_packages(const char *list, char ***v, size_t *n)
{
	char *copy = xstrdup(list), *save = NULL, *bad = NULL;
	size_t cap = 0;
	*v = NULL;
	*n = 0;
	for (char *t = strtok_r(copy, " \t", &save); t && !bad; t = strtok_r(NULL, " \t", &save)) {
		if (!is_package_name(t)) {
			bad = xstrdup(t);
			break;
		}
		for (size_t i = 0; i < *n; i++)
			if (!strcmp((*v)[i], t))
				goto next;
		XGROW(*v, cap, *n + 1);
		(*v)[(*n)++] = xstrdup(t);
	next:;
	}
	free(copy);
	if (bad) {
		for (size_t i = 0; i < *n; i++)
			free((*v)[i]);
		free(*v);
		*v = NULL;
		*n = 0;
	}
	return bad;
}

unsigned config_keep_bit(const char *w)
{
	static const char *const words[] = {"docs", "man", "info", "locale"};
	for (unsigned i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcmp(w, words[i]))
			return 1u << i;
	return 0;
}

/* Up to 8 hex digits; -1 for anything else. */
static int parse_hex32(const char *v, uint32_t *x)
{
	char *end;
	unsigned long n;
	errno = 0;
	n = strtoul(v, &end, 16);
	if (!isxdigit((unsigned char)*v) || *end || errno || n > 0xffffffffUL)
		return -1;
	*x = (uint32_t)n;
	return 0;
}

/* The yes/no words of CONFIG_BOOL: 1, 0, or -1 for neither. */
static int bool_word(const char *v)
{
	if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "on"))
		return 1;
	if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0") || !strcmp(v, "off"))
		return 0;
	return -1;
}

static void set_string(void *field, char *s)
{
	free(*(char **)field);
	*(char **)field = s;
}

/* Check value v of key k and store it in the struct at base (the plan, or a variant's),
 * relative paths from dir.  Returns NULL, or what is wrong with v (malloc'd). */
static char *store(const struct key *k, void *base, const char *v, const char *dir)
{
	const struct config_key *d = &k->doc;
	void *field = (char *)base + k->offset;
	unsigned long long n;
	size_t count;
	int b;

	switch (d->type) {
	case CONFIG_TEXT:
		set_string(field, xstrdup(v));
		return NULL;
	case CONFIG_NAME:
		if (!is_label(v) || strlen(v) < d->min || strlen(v) > d->max)
			return xasprintf("'%s' must be %u to %u letters, digits, '-' or '_', not '%s'",
					 d->name, d->min, d->max, v);
		set_string(field, xstrdup(v));
		return NULL;
	case CONFIG_PATH:
		if (strlen(v) < d->min)
			return xasprintf("'%s' needs a path", d->name);
		set_string(field, abs_path(dir, v));
		return NULL;
	case CONFIG_PATHS:
		*(char ***)field = split_paths(dir, v, (size_t *)((char *)base + k->count_offset));
		return NULL;
	case CONFIG_SOURCE:
		if (!*v)
			return xasprintf("'%s' needs debian:PACKAGE or a tarball path", d->name);
		set_string(field, strncmp(v, "debian:", 7) ? abs_path(dir, v) : xstrdup(v));
		return NULL;
	case CONFIG_HOSTS: {
		char *bad = bad_host(v, &count);
		if (bad) {
			char *why = xasprintf("'%s' must be host names (HOST[:PORT][/LIMIT]) separated "
					      "by commas, not '%s'", d->name, bad);
			free(bad);
			return why;
		}
		set_string(field, count ? xstrdup(v) : NULL);
		return NULL;
	}
	case CONFIG_BOOL:
	case CONFIG_YESNO:
		b = bool_word(v);
		if (b < 0 || (d->type == CONFIG_YESNO && strcmp(v, "yes") && strcmp(v, "no")))
			return xasprintf("'%s' must be yes or no, not '%s'", d->name, v);
		*(int *)field = b;
		return NULL;
	case CONFIG_UINT:
	case CONFIG_SECONDS:
		if (parse_uint(v, &n) < 0 || n < d->min || n > d->max)
			return xasprintf("'%s' must be a whole number from %u to %u, not '%s'", d->name,
					 d->min, d->max, v);
		if (d->type == CONFIG_SECONDS)
			*(int64_t *)field = (int64_t)n;
		else
			*(unsigned *)field = (unsigned)n;
		return NULL;
	case CONFIG_KIB:
		if (parse_uint(v, &n) < 0 || n < d->min || n > d->max)
			return xasprintf("'%s' must be a size in KiB, not '%s'", d->name, v);
		*(unsigned *)field = (unsigned)n;
		return NULL;
	case CONFIG_FORMAT:
		if (strcmp(v, "cpio") && strcmp(v, "ext2"))
			return xasprintf("'%s' must be cpio or ext2, not '%s'", d->name, v);
		*(enum initrd_format *)field = strcmp(v, "cpio") ? INITRD_EXT2 : INITRD_CPIO;
		return NULL;
	case CONFIG_ARCH:
		if (!(*(const struct arch **)field = arch_find(v)))
			return xasprintf("'%s' must be one of %s, not '%s'", d->name, arch_names(), v);
		return NULL;
	case CONFIG_HEX32:
		if (parse_hex32(v, field) < 0)
			return xasprintf("'%s' must be up to 8 hex digits, not '%s'", d->name, v);
		return NULL;
	case CONFIG_PACKAGES: {
		char *bad = split_packages(v, (char ***)field, (size_t *)((char *)base + k->count_offset));
		char *why = NULL;
		if (bad)
			why = xasprintf("'%s': '%s' is not a Debian package name (lowercase letters, "
					"digits, '+', '-' and '.')", d->name, bad);
		free(bad);
		return why;
	}
	case CONFIG_KEEP: {
		char *copy = xstrdup(v), *save = NULL, *why = NULL;
		unsigned bits = 0;
		for (char *t = strtok_r(copy, " \t", &save); t && !why; t = strtok_r(NULL, " \t", &save))
			if (!config_keep_bit(t))
				why = xasprintf("'%s' may hold docs, man, info and locale, not '%s'",
						d->name, t);
			else
				bits |= config_keep_bit(t);
		free(copy);
		if (!why)
			*(unsigned *)field = bits;
		return why;
	}
	}
	return NULL;
}

/* Store setting s of key k at base; 0 or -1 (reported). */
static int apply(struct parse *p, const struct key *k, void *base, const struct setting *s)
{
	char *why = store(k, base, s->value, p->plan->dir);
	if (why) {
		fail(p, s->line, "%s", why);
		free(why);
		return -1;
	}
	if (k->line_offset)
		*(int *)((char *)base + k->line_offset) = s->line;
	return 0;
}

/* Free what key k stored in the struct at base. */
static void release_value(const struct key *k, void *base)
{
	void *field = (char *)base + k->offset;
	switch (k->doc.type) {
	case CONFIG_TEXT:
	case CONFIG_NAME:
	case CONFIG_PATH:
	case CONFIG_SOURCE:
	case CONFIG_HOSTS:
		free(*(char **)field);
		break;
	case CONFIG_PATHS:
	case CONFIG_PACKAGES: {
		char **v = *(char ***)field;
		size_t n = *(size_t *)((char *)base + k->count_offset);
		for (size_t i = 0; i < n; i++)
			free(v[i]);
		free(v);
		break;
	}
	default:
		break;
	}
}

/* The row of keys[] for key name in section, or NKEYS. */
static size_t find_key(const char *section, const char *name)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (!strcmp(keys[i].doc.section, section) && !strcmp(keys[i].doc.name, name))
			return i;
	return NKEYS;
}

static int check_kernel(struct parse *p, const struct variant_read *v, const void *entry);
static int check_initrd(struct parse *p, const struct variant_read *v, const void *entry);
static int check_label(struct parse *p, const struct variant_read *v, const void *entry);

/* The variant kinds, in the order their rules are checked. */
#define LIST(list, count, cap, type) P(list), P(count), P(cap), sizeof(type), offsetof(type, line)
static const struct kind kinds[] = {
	{"kernel.NAME", 7, 24, "kernel", LIST(kvar, n_kvar, kvar_cap, struct kvariant), check_kernel},
	{"initrd.NAME", 7, 24, "initrd", LIST(ivar, n_ivar, ivar_cap, struct ivariant), check_initrd},
	{"label.NAME", 6, 32, NULL, LIST(labels, n_labels, labels_cap, struct label_append),
	 check_label},
};
#undef LIST
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))
#define MAX_VARIANTS 64 /* main kernel and main initrd included */

/* The kind of variant that section is, or NULL. */
static const struct kind *kind_of(const char *section)
{
	for (size_t i = 0; i < NKINDS; i++)
		if (!strncmp(section, kinds[i].section, kinds[i].prefix_len))
			return &kinds[i];
	return NULL;
}

/* Add a variant called name (of its section on line) to the plan's list of kind k; returns
 * the new entry, zeroed but for its name and line. */
static void *add_variant(struct plan *pl, const struct kind *k, const char *name, int line)
{
	void **list = (void **)((char *)pl + k->list);
	size_t *n = (size_t *)((char *)pl + k->count);
	char *e;
	xgrow(list, (size_t *)((char *)pl + k->cap), *n + 1, k->size);
	e = (char *)*list + (*n)++ * k->size;
	memset(e, 0, k->size);
	*(char **)e = xstrdup(name); /* every variant struct starts with its name */
	*(int *)(e + k->line) = line;
	return e;
}

/* The setting of key name of variant v. */
static const struct setting *vset(const struct variant_read *v, const char *name)
{
	return &v->set[find_key(v->kind->section, name)];
}

void config_defaults(struct plan *plan, const char *dir)
{
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	char *cwd = xgetcwd(), *real;

	memset(plan, 0, sizeof(*plan));
	plan->dir = abs_path(cwd, dir);
	free(cwd);
	if ((real = realpath(plan->dir, NULL))) {
		free(plan->dir);
		plan->dir = real;
	}
	plan->conf_path = path_join(plan->dir, "mkdistro.conf");
	plan->out_dir = path_join(plan->dir, "out");
	/* The defaults are values as a file would give them (test_config checks each). */
	for (size_t i = 0; i < NKEYS; i++)
		if (keys[i].doc.def && !kind_of(keys[i].doc.section))
			free(store(&keys[i], plan, keys[i].doc.def, plan->dir));
	/* The cache's default depends on the environment; the table has the usual case. */
	if (xdg && xdg[0] == '/')
		set_string(&plan->cache_dir, path_join(xdg, "mkdistro"));
	else if (home && *home)
		set_string(&plan->cache_dir, path_join(home, ".cache/mkdistro"));
	else
		set_string(&plan->cache_dir, path_join(plan->dir, ".cache"));
	add_variant(plan, &kinds[0], "main", 0);
	add_variant(plan, &kinds[1], "main", 0);
}

void config_release(struct plan *plan)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (!kind_of(keys[i].doc.section))
			release_value(&keys[i], plan);
	for (size_t k = 0; k < NKINDS; k++) {
		char *list = *(char **)((char *)plan + kinds[k].list);
		size_t n = *(size_t *)((char *)plan + kinds[k].count);
		for (size_t j = 0; j < n; j++) {
			char *e = list + j * kinds[k].size;
			free(*(char **)e);
			for (size_t i = 0; i < NKEYS; i++)
				if (kind_of(keys[i].doc.section) == &kinds[k])
					release_value(&keys[i], e);
		}
		free(list);
	}
	free(plan->dir);
	free(plan->conf_path);
	free(plan->out_dir);
	memset(plan, 0, sizeof(*plan));
}

/* Step 1: a [section] header. */
static int section_header(struct parse *p, const char *name, int line)
{
	/* A section split in two is most likely a copy-and-paste mistake, and which of its
	 * values wins would not be clear to a reader. */
	for (size_t i = 0; i < p->n_headers; i++)
		if (!strcmp(p->headers[i].name, name))
			return fail(p, line, "section '[%s]' appears twice (first on line %d); put "
				    "its keys together", name, p->headers[i].line);
	XGROW(p->headers, p->headers_cap, p->n_headers + 1);
	p->headers[p->n_headers++] = (struct header){xstrdup(name), line};
	if (kind_of(name))
		return 0; /* its name is checked with its first key, in variant_key() */
	for (size_t i = 0; i < NKEYS; i++)
		if (!strcmp(keys[i].doc.section, name))
			return 0;
	return fail(p, line, "unknown section '[%s]'", name);
}

/* Step 1: a key goes to its setting s, unless it was set before. */
static int set_once(struct parse *p, struct setting *s, const struct ini_entry *e)
{
	if (s->value)
		return fail(p, e->line, "key '%s' is set twice (first on line %d)", e->key, s->line);
	s->value = xstrdup(e->value);
	s->line = e->line;
	return 0;
}

static int variant_name_ok(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (!n || n > max || (!islower((unsigned char)s[0]) && !isdigit((unsigned char)s[0])))
		return 0;
	for (; *s; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '-' && *s != '_')
			return 0;
	return 1;
}

/* The variant of kind k called name, added (from its header on line) if it is new; NULL when
 * there are too many (reported). */
static struct variant_read *variant(struct parse *p, const struct kind *k, const char *name,
				    int line)
{
	struct variant_read *v;
	for (size_t i = 0; i < p->n_vars; i++)
		if (p->vars[i].kind == k && !strcmp(p->vars[i].name, name))
			return &p->vars[i];
	if (p->n_vars + 2 >= MAX_VARIANTS) {
		fail(p, line, "too many variants (%d at most)", MAX_VARIANTS);
		return NULL;
	}
	XGROW(p->vars, p->vars_cap, p->n_vars + 1);
	v = &p->vars[p->n_vars++];
	memset(v, 0, sizeof(*v));
	v->kind = k;
	v->name = xstrdup(name);
	v->line = p->n_headers ? p->headers[p->n_headers - 1].line : 0;
	return v;
}

/* Step 1: a key of [kernel.NAME], [initrd.NAME] or [label.NAME]. */
static int variant_key(struct parse *p, const struct kind *k, const struct ini_entry *e)
{
	const char *name = e->section + k->prefix_len;
	size_t i;
	struct variant_read *v;

	if (!variant_name_ok(name, k->max_name))
		return fail(p, e->line, "bad name in '[%s]': use lowercase letters, digits, '-' "
			    "and '_', starting with a letter or digit", e->section);
	if (k->main && !strcmp(name, "main"))
		return fail(p, e->line, "[%s] is not needed: the main %s is [%s]", e->section,
			    k->main, k->main);
	if ((i = find_key(k->section, e->key)) == NKEYS)
		return fail(p, e->line, "unknown key '%s' in section [%s]", e->key, e->section);
	if (!(v = variant(p, k, name, e->line)))
		return -1;
	return set_once(p, &v->set[i], e);
}

/* Step 1, for each entry formats/ini.c reads. */
static int read_entry(void *ctx, const struct ini_entry *e)
{
	struct parse *p = ctx;
	const struct kind *k;
	size_t i;

	if (!e->key)
		return section_header(p, e->section, e->line);
	if ((k = kind_of(e->section)))
		return variant_key(p, k, e);
	if (!*e->section)
		return fail(p, e->line, "'%s' is outside any section (add e.g. [image] above it)",
			    e->key);
	if ((i = find_key(e->section, e->key)) == NKEYS)
		return fail(p, e->line, "unknown key '%s' in section [%s]", e->key, e->section);
	return set_once(p, &p->main[i], e);
}

/* Step 3: a kernel variant takes main's fragment and adds its own, or has one of its own. */
static int check_kernel(struct parse *p, const struct variant_read *v, const void *entry)
{
	(void)entry;
	if (!vset(v, "fragment")->value == !vset(v, "config")->value)
		return fail(p, v->line, "[kernel.%s] needs either 'fragment' (added to [kernel] "
			    "config) or 'config' (a fragment of its own)", v->name);
	return 0;
}

static int check_initrd(struct parse *p, const struct variant_read *v, const void *entry)
{
	const struct ivariant *iv = entry;
	if (!vset(v, "overlay")->value && !vset(v, "binaries")->value &&
	    !vset(v, "busybox_config")->value && !vset(v, "packages")->value)
		return fail(p, v->line, "[initrd.%s] adds nothing to main: set overlay, binaries, "
			    "packages or busybox_config", v->name);
	if (iv->stack && p->plan->initrd_format != INITRD_CPIO)
		return fail(p, vset(v, "stack")->line, "'stack' needs [initrd] format = cpio (the "
			    "kernel loads only one ext2 ramdisk)");
	return 0;
}

static int check_label(struct parse *p, const struct variant_read *v, const void *entry)
{
	(void)entry;
	if (!vset(v, "append")->value)
		return fail(p, v->line, "[label.%s] needs 'append'", v->name);
	return 0;
}

/* Step 2: the main sections' values, in the order of the table. */
static int apply_main(struct parse *p)
{
	struct plan *pl = p->plan;
	for (size_t i = 0; i < NKEYS; i++)
		if (p->main[i].value && apply(p, &keys[i], pl, &p->main[i]) < 0)
			return -1;
	/* the main kernel and initrd take [kernel] config and [initrd] budget */
	pl->kvar[0].config = xstrdup(pl->kernel_config);
	pl->ivar[0].budget_kib = pl->initrd_budget_kib;
	pl->ivar[0].budget_line = p->main[find_key("initrd", "budget")].line;
	pl->ivar[0].packages = xcalloc(pl->n_packages ? pl->n_packages : 1, sizeof(char *));
	for (size_t i = 0; i < pl->n_packages; i++)
		pl->ivar[0].packages[i] = xstrdup(pl->packages[i]);
	pl->ivar[0].n_packages = pl->n_packages;
	pl->ivar[0].packages_line = pl->packages_line;
	return 0;
}

/* Step 3: the variants into the plan, kind by kind. */
static int apply_variants(struct parse *p)
{
	for (const struct kind *k = kinds; k < kinds + NKINDS; k++) {
		for (size_t j = 0; j < p->n_vars; j++) {
			const struct variant_read *v = &p->vars[j];
			void *entry;
			if (v->kind != k)
				continue;
			entry = add_variant(p->plan, k, v->name, v->line);
			for (size_t i = 0; i < NKEYS; i++)
				if (v->set[i].value && kind_of(keys[i].doc.section) == k &&
				    apply(p, &keys[i], entry, &v->set[i]) < 0)
					return -1;
			if (k->check(p, v, entry) < 0)
				return -1;
		}
	}
	return 0;
}

/* Root's password: one way or the other, and a hash that the image's login can check (the
 * file is read at build time, see password.h). */
static void check_password(struct parse *p)
{
	const struct plan *pl = p->plan;
	int hash_line = p->main[find_key("system", "root_password_hash")].line;
	int file_line = p->main[find_key("system", "root_password_file")].line;
	const char *why;
	if (pl->root_password_hash && pl->root_password_file)
		fail(p, hash_line > file_line ? hash_line : file_line,
		     "set root_password_hash or root_password_file, not both");
	else if (pl->root_password_hash && (why = password_hash_problem(pl->root_password_hash)))
		fail(p, hash_line, "'root_password_hash' %s", why);
}

/* An IPv4 address (a.b.c.d) in the n bytes at s. */
static int is_ipv4(const char *s, size_t n)
{
	char text[INET_ADDRSTRLEN];
	struct in_addr a;
	if (n == 0 || n >= sizeof(text))
		return 0;
	memcpy(text, s, n);
	text[n] = '\0';
	return inet_pton(AF_INET, text, &a) == 1;
}

/* NULL when v is a [network] address rc.S understands (dhcp, off, IP/PREFIX[,GATEWAY[,DNS]]),
 * else why not. */
static const char *net_address_problem(const char *v)
{
	const char *slash = strchr(v, '/'), *c1, *c2, *end;
	unsigned long prefix;
	if (!strcmp(v, "dhcp") || !strcmp(v, "off"))
		return NULL;
	if (!slash || !is_ipv4(v, (size_t)(slash - v)))
		return "must be dhcp, off, or IP/PREFIX,GATEWAY,DNS (e.g. 192.168.1.5/24,192.168.1.1,"
		       "192.168.1.1)";
	errno = 0;
	prefix = strtoul(slash + 1, (char **)&end, 10);
	if (end == slash + 1 || errno || prefix < 1 || prefix > 32 || (*end && *end != ','))
		return "needs a prefix length of 1 to 32 after the '/'";
	if (!*end)
		return NULL;
	c1 = end + 1;
	c2 = strchr(c1, ',');
	if ((c2 ? c2 > c1 : *c1 != '\0') && !is_ipv4(c1, c2 ? (size_t)(c2 - c1) : strlen(c1)))
		return "has a GATEWAY that is not an IPv4 address";
	if (c2 && c2[1] && (strchr(c2 + 1, ',') || !is_ipv4(c2 + 1, strlen(c2 + 1))))
		return "has a DNS server that is not an IPv4 address";
	return NULL;
}

/* Step 3: rules that span keys or need more than a range. */
static void check_plan(struct parse *p)
{
	struct plan *pl = p->plan;
	const char *why = net_address_problem(pl->net_address);
	if (why)
		fail(p, p->main[find_key("network", "address")].line, "[network] address '%s' %s",
		     pl->net_address, why);
	/* With ext2 the modules are built in unless asked for: the classic ramdisk is a
	 * self-contained root.  Asked for, rc.hotplug unpacks them from the stick ([boot]
	 * modules = stick) into a tmpfs of their own; the kernel cannot load them as a cpio
	 * initrd stacked after an ext2 ramdisk ([boot] modules = initrd). */
	if (pl->initrd_format == INITRD_EXT2 && pl->kernel_modules) {
		const struct setting *m = &p->main[find_key("kernel", "modules")];
		if (m->value && plan_modules_initrd(pl))
			fail(p, p->main[find_key("boot", "modules")].line,
			     "[boot] modules = initrd needs [initrd] format = cpio: the kernel cannot "
			     "load the modules as a cpio initrd stacked after an ext2 ramdisk; set "
			     "[boot] modules = stick (rc.hotplug unpacks them from the stick)");
		if (!m->value)
			pl->kernel_modules = 0;
	}
	int label_line = p->main[find_key("image", "label")].line;
	if (strlen(pl->fat_label) > 11 || !*pl->fat_label)
		fail(p, label_line, "'label' must be 1 to 11 characters, not '%s'", pl->fat_label);
	for (const char *c = pl->fat_label; *c; c++)
		if (!isupper((unsigned char)*c) && !isdigit((unsigned char)*c) && *c != '_' && *c != '-')
			fail(p, label_line, "'label' may hold only A-Z, 0-9, '-' and '_', not '%s'",
			     pl->fat_label);
	if (strcmp(pl->kernel_base, "tinyconfig") && strcmp(pl->kernel_base, "allnoconfig"))
		fail(p, 0, "[kernel] base must be tinyconfig or allnoconfig, not '%s'",
		     pl->kernel_base);
	if (strcmp(pl->busybox_base, "defconfig") && strcmp(pl->busybox_base, "allnoconfig"))
		fail(p, p->main[find_key("busybox", "base")].line,
		     "[busybox] base must be defconfig or allnoconfig, not '%s'", pl->busybox_base);
	if (strcmp(pl->boot_modules, "stick") && strcmp(pl->boot_modules, "initrd"))
		fail(p, p->main[find_key("boot", "modules")].line,
		     "[boot] modules must be stick or initrd, not '%s'", pl->boot_modules);
	if (strcmp(pl->busybox_libc, "glibc") && strcmp(pl->busybox_libc, "musl"))
		fail(p, p->main[find_key("busybox", "libc")].line,
		     "[busybox] libc must be glibc or musl, not '%s'", pl->busybox_libc);
	else if (plan_musl(pl) && !pl->busybox_static)
		fail(p, p->main[find_key("busybox", "libc")].line,
		     "[busybox] libc = musl needs static = yes (the initrd has no musl loader)");
	else if (plan_musl(pl) && pl->arch != arch_default())
		fail(p, p->main[find_key("busybox", "libc")].line,
		     "[busybox] libc = musl is for arch = %s only: Debian's musl-gcc makes programs "
		     "for the machine it runs on", arch_default()->name);
	if (strncmp(pl->kernel_source, "debian:", 7) && !pl->kernel_sha256)
		fail(p, 0, "[kernel] source '%s' is a tarball: set [kernel] sha256 to its SHA-256",
		     pl->kernel_source);
	if (strncmp(pl->busybox_source, "debian:", 7) && !pl->busybox_sha256)
		fail(p, 0, "[busybox] source '%s' is a tarball: set [busybox] sha256 to its SHA-256",
		     pl->busybox_source);
	for (const char *c = pl->boot_append; *c; c++)
		if (*c == '\n' || (unsigned char)*c < 0x20)
			fail(p, 0, "[boot] append has a control character");
	/* A CPU without BIOS boot (arm64) boots the stick through UEFI and GRUB: the ISO's
	 * isolinux is the PC's; and its serial console, when append is the default, is its own */
	if (pl->iso && !pl->arch->bios)
		fail(p, p->main[find_key("image", "iso")].line,
		     "[image] iso = yes: an ISO boots through Syslinux's isolinux, which %s has not; "
		     "boot the stick image (out/mkdistro.img) with UEFI",
		     pl->arch->name);
	if (pl->arch->console && !p->main[find_key("boot", "append")].value) {
		free(pl->boot_append);
		pl->boot_append = xasprintf("console=%s", pl->arch->console);
	}
	check_password(p);
}

static void parse_release(struct parse *p)
{
	free(p->error);
	for (size_t i = 0; i < p->n_headers; i++)
		free(p->headers[i].name);
	free(p->headers);
	for (size_t i = 0; i < NKEYS; i++)
		free(p->main[i].value);
	for (size_t j = 0; j < p->n_vars; j++) {
		free(p->vars[j].name);
		for (size_t i = 0; i < NKEYS; i++)
			free(p->vars[j].set[i].value);
	}
	free(p->vars);
}

int config_parse_text(struct plan *plan, const char *path, const char *text)
{
	struct parse p;
	int ret = 0;

	memset(&p, 0, sizeof(p));
	p.plan = plan;
	/* ini_parse reports a syntax error itself; the other errors are kept in p */
	if (ini_parse(text, path, read_entry, &p) != 0 || apply_main(&p) < 0 ||
	    apply_variants(&p) < 0)
		ret = -1;
	else
		check_plan(&p);
	if (p.error) {
		if (p.error_line)
			error("%s:%d: %s", path, p.error_line, p.error);
		else
			error("%s: %s", path, p.error);
		ret = -1;
	}
	parse_release(&p);
	return ret;
}

int config_load(struct plan *plan, const char *dir)
{
	struct buf b;
	const char *env;
	int ret = 0;

	config_defaults(plan, dir);
	if (!is_dir(plan->dir))
		return error("project directory '%s' does not exist", plan->dir);
	buf_init(&b);
	if (file_exists(plan->conf_path)) {
		if (read_text_file(plan->conf_path, &b) < 0 ||
		    config_parse_text(plan, plan->conf_path, b.data) < 0)
			ret = -1;
	}
	buf_release(&b);
	env = getenv("MKDISTRO_CACHE");
	if (env && *env) {
		char *cwd = xgetcwd();
		set_string(&plan->cache_dir, abs_path(cwd, env));
		free(cwd);
	}
	/* The kernel's Makefile refuses a build directory with a space or a colon, and make
	 * mangles '$' and '#'; say so now rather than after the sources are fetched. */
	if (strpbrk(plan->cache_dir, " :$#\t\n"))
		return error("the build cache '%s' has a space, ':', '$' or '#', which the kernel's "
			     "build cannot take; set MKDISTRO_CACHE or [build] cache to another place",
			     plan->cache_dir);
	env = getenv("SOURCE_DATE_EPOCH");
	if (env && *env) {
		unsigned long long n;
		if (parse_uint(env, &n) < 0 || n > UINT_MAX)
			return error("SOURCE_DATE_EPOCH must be a whole number of seconds, not '%s'", env);
		plan->epoch = (int64_t)n;
	}
	return ret;
}

int plan_musl(const struct plan *plan)
{
	return plan->busybox_libc && !strcmp(plan->busybox_libc, "musl");
}

int plan_modules_initrd(const struct plan *plan)
{
	return plan->boot_modules && !strcmp(plan->boot_modules, "initrd");
}
