/* config.c: mkdistro.conf, an INI file read with libinih (https://github.com/benhoyt/inih).
 *
 * libinih is driven through ini_parse_stream() with our own line reader, so that the handler
 * knows the line it is on (Debian builds the library without INI_HANDLER_LINENO) and can
 * tell a continuation line from a repeated key.
 */
#include "build/config.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build/password.h"
#include "sys/alloc.h"
#include "sys/buf.h"
#include "sys/fs.h"
#include "sys/log.h"

/* K_SOURCE: "debian:PACKAGE" as it is, or a path (made absolute like K_PATH). */
enum key_type { K_STR, K_PATH, K_BOOL, K_UINT, K_FORMAT, K_HEX32, K_LABEL, K_SOURCE, K_HOSTS };

struct key {
	const char *section, *name;
	enum key_type type;
	size_t offset;
	unsigned min, max;
};

#define P(field) offsetof(struct plan, field)
static const struct key keys[] = {
	{"system", "hostname", K_LABEL, P(hostname), 1, 63},
	{"system", "root_password_hash", K_STR, P(root_password_hash), 0, 0},
	{"system", "root_password_file", K_PATH, P(root_password_file), 0, 0},
	{"kernel", "source", K_SOURCE, P(kernel_source), 0, 0},
	{"kernel", "sha256", K_STR, P(kernel_sha256), 0, 0},
	{"kernel", "config", K_PATH, P(kernel_config), 0, 0},
	{"kernel", "base", K_STR, P(kernel_base), 0, 0},
	{"busybox", "source", K_SOURCE, P(busybox_source), 0, 0},
	{"busybox", "sha256", K_STR, P(busybox_sha256), 0, 0},
	{"busybox", "config", K_PATH, P(busybox_config), 0, 0},
	{"busybox", "static", K_BOOL, P(busybox_static), 0, 0},
	{"rootfs", "skeleton", K_PATH, P(rootfs_dir), 0, 0},
	{"initrd", "format", K_FORMAT, P(initrd_format), 0, 0},
	{"initrd", "size", K_UINT, P(initrd_size_kib), 64, 4u << 20},
	{"initrd", "level", K_UINT, P(gzip_level), 1, 12},
	{"initrd", "budget", K_UINT, P(initrd_budget_kib), 0, 4u << 20},
	{"image", "size", K_UINT, P(image_size_mib), 32, 1u << 20},
	{"image", "label", K_STR, P(fat_label), 0, 0},
	{"image", "volume_id", K_HEX32, P(volume_id), 0, 0},
	{"image", "iso", K_BOOL, P(iso), 0, 0},
	{"image", "persist", K_UINT, P(persist_mib), 0, 1u << 20},
	{"boot", "default", K_LABEL, P(boot_default), 1, 32},
	{"boot", "prompt", K_BOOL, P(boot_prompt), 0, 0},
	{"boot", "timeout", K_UINT, P(boot_timeout), 0, 35996},
	{"boot", "append", K_STR, P(boot_append), 0, 0},
	{"boot", "serial", K_UINT, P(serial_baud), 0, 921600},
	{"build", "jobs", K_UINT, P(jobs), 0, 1024},
	{"build", "cache", K_PATH, P(cache_dir), 0, 0},
	{"build", "ccache", K_BOOL, P(ccache), 0, 0},
	{"build", "distcc", K_HOSTS, P(distcc), 0, 0},
	{"build", "epoch", K_UINT, P(epoch), 0, UINT_MAX},
	{"qemu", "memory", K_UINT, P(qemu_memory_mib), 32, 65536},
};
#undef P
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

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

void config_defaults(struct plan *plan, const char *dir)
{
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	char *cwd = xgetcwd();

	memset(plan, 0, sizeof(*plan));
	plan->dir = abs_path(cwd, dir);
	free(cwd);
	{
		char *real = realpath(plan->dir, NULL);
		if (real) {
			free(plan->dir);
			plan->dir = real;
		}
	}
	plan->conf_path = path_join(plan->dir, "mkdistro.conf");
	plan->out_dir = path_join(plan->dir, "out");
	if (xdg && xdg[0] == '/')
		plan->cache_dir = path_join(xdg, "mkdistro");
	else if (home && *home)
		plan->cache_dir = path_join(home, ".cache/mkdistro");
	else
		plan->cache_dir = path_join(plan->dir, ".cache");
	plan->hostname = xstrdup("mkdistro");
	plan->kernel_source = xstrdup("debian:linux-source-6.1");
	plan->kernel_config = path_join(plan->dir, "kernel.config");
	plan->kernel_base = xstrdup("tinyconfig");
	plan->busybox_source = xstrdup("debian:busybox");
	plan->busybox_config = path_join(plan->dir, "busybox.config");
	plan->rootfs_dir = path_join(plan->dir, "rootfs");
	plan->initrd_format = INITRD_CPIO;
	plan->initrd_size_kib = 5000;
	plan->gzip_level = 6;
	plan->image_size_mib = 64;
	plan->fat_label = xstrdup("MKDISTRO");
	plan->volume_id = 0x4d4b4430;
	plan->boot_default = xstrdup("mm");
	plan->boot_prompt = 1;
	plan->boot_timeout = 50;
	plan->boot_append = xstrdup("console=tty0 console=ttyS0,115200");
	plan->serial_baud = 115200;
	plan->epoch = 946684800; /* 2000-01-01 00:00:00 UTC */
	plan->qemu_memory_mib = 256;
	XGROW(plan->kvar, plan->kvar_cap, 1);
	memset(plan->kvar, 0, sizeof(*plan->kvar));
	plan->kvar[0].name = xstrdup("main");
	plan->n_kvar = 1;
	XGROW(plan->ivar, plan->ivar_cap, 1);
	memset(plan->ivar, 0, sizeof(*plan->ivar));
	plan->ivar[0].name = xstrdup("main");
	plan->n_ivar = 1;
}

void config_release(struct plan *plan)
{
	for (size_t i = 0; i < NKEYS; i++) {
		if (keys[i].type == K_STR || keys[i].type == K_PATH || keys[i].type == K_LABEL ||
		    keys[i].type == K_SOURCE || keys[i].type == K_HOSTS) {
			char **s = (char **)((char *)plan + keys[i].offset);
			free(*s);
		}
	}
	for (size_t i = 0; i < plan->n_kvar; i++) {
		free(plan->kvar[i].name);
		free(plan->kvar[i].fragment);
		free(plan->kvar[i].config);
	}
	for (size_t i = 0; i < plan->n_ivar; i++) {
		struct ivariant *v = &plan->ivar[i];
		free(v->name);
		for (size_t j = 0; j < v->n_overlays; j++)
			free(v->overlays[j]);
		for (size_t j = 0; j < v->n_binaries; j++)
			free(v->binaries[j]);
		free(v->overlays);
		free(v->binaries);
		free(v->busybox_config);
	}
	for (size_t i = 0; i < plan->n_labels; i++) {
		free(plan->labels[i].name);
		free(plan->labels[i].append);
	}
	free(plan->kvar);
	free(plan->ivar);
	free(plan->labels);
	free(plan->dir);
	free(plan->conf_path);
	free(plan->out_dir);
	memset(plan, 0, sizeof(*plan));
}

struct parse {
	struct plan *plan;
	const char *path;
	const char *text; /* what is left to read */
	int line;         /* number of the line just read */
	int continuation; /* the line just read starts with white space */
	int section_line; /* of the last [section] header */
	struct buf sections; /* "line name\n" of each [section] header so far */
	char **last;      /* the value the previous line set, which an indented line continues */
	int line_too_long;
	int error_line;
	char *error;
	int seen[NKEYS];
	int seen_line[NKEYS];
	char *value[NKEYS]; /* raw values, joined across continuation lines */
	/* Raw values of the variants' keys, by variant and slot (see variant_key), joined
	 * across continuation lines, and their lines.  For kernel and initrd variants index 0
	 * is main, which has no section of its own. */
	char *vraw[64][2], *iraw[64][5], *lraw[64][1];
	int vline[64][2], iline[64][5], lline[64][1];
};

static int fail(struct parse *p, int line, const char *fmt, ...) PRINTF_LIKE(3, 4);

/* inih calls the handler only for keys, so an unknown but empty section is caught here. */
static void check_section_line(struct parse *p, const char *line, size_t n)
{
	const char *end;
	while (n && (*line == ' ' || *line == '\t'))
		line++, n--;
	if (!n || *line != '[' || !(end = memchr(line, ']', n)))
		return;
	p->section_line = p->line;
	p->last = NULL;
	/* A section split in two is most likely a copy-and-paste mistake, and which of its
	 * values wins would not be clear to a reader. */
	for (const char *s = p->sections.data; s && *s; s = strchr(s, '\n') + 1) {
		const char *name = strchr(s, ' ') + 1;
		if (strcspn(name, "\n") == (size_t)(end - line - 1) &&
		    !strncmp(name, line + 1, (size_t)(end - line - 1))) {
			fail(p, p->line, "section '%.*s' appears twice (first on line %d); put its "
			     "keys together", (int)(end - line + 1), line, atoi(s));
			break;
		}
	}
	buf_addf(&p->sections, "%d %.*s\n", p->line, (int)(end - line - 1), line + 1);
	for (size_t i = 0; i < NKEYS; i++)
		if (strlen(keys[i].section) == (size_t)(end - line - 1) &&
		    !strncmp(keys[i].section, line + 1, (size_t)(end - line - 1)))
			return;
	if (!strncmp(line + 1, "kernel.", 7) || !strncmp(line + 1, "initrd.", 7) ||
	    !strncmp(line + 1, "label.", 6))
		return; /* a variant: checked by variant_key() */
	fail(p, p->line, "unknown section '%.*s'", (int)(end - line + 1), line);
}

static char *reader(char *str, int num, void *stream)
{
	struct parse *p = stream;
	size_t n;
	if (!*p->text)
		return NULL;
	n = strcspn(p->text, "\n");
	if (n >= (size_t)num - 1) {
		/* inih reads lines of at most INI_MAX_LINE bytes; a longer one would be cut. */
		if (!p->line_too_long)
			p->line_too_long = p->line + 1;
		n = (size_t)num - 2;
	}
	p->line++;
	p->continuation = p->text[0] == ' ' || p->text[0] == '\t';
	check_section_line(p, p->text, n);
	memcpy(str, p->text, n);
	str[n] = '\n';
	str[n + 1] = '\0';
	p->text += strcspn(p->text, "\n");
	if (*p->text == '\n')
		p->text++;
	return str;
}

/* Keep the first error only; returns 0 so that the handler can return it to inih. */
static int fail(struct parse *p, int line, const char *fmt, ...)
{
	va_list ap;
	if (p->error)
		return 0;
	va_start(ap, fmt);
	if (vasprintf(&p->error, fmt, ap) < 0)
		die("out of memory");
	va_end(ap);
	p->error_line = line;
	return 0;
}

/* Variant sections.  Keys of [kernel.NAME], [initrd.NAME] and [label.NAME], by slot. */
static const char *const kernel_keys[] = {"fragment", "config", NULL};
static const char *const initrd_keys[] = {"overlay", "binaries", "busybox_config", "stack",
					  "budget", NULL};
static const char *const label_keys[] = {"append", NULL};

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

/* The index of variant name in v (of n, element size sz, name first), or n. */
static size_t find_named(const void *v, size_t n, size_t sz, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(*(char *const *)((const char *)v + i * sz), name))
			return i;
	return n;
}

/* The index of the entry called name in *v (*n of them, each sz bytes, the name first and
 * its section line at line_off); a missing one is added, unless total variants are already
 * 64 ((size_t)-1 then). */
static size_t named_entry(void **v, size_t *n, size_t *cap, size_t sz, size_t line_off,
			  const char *name, int line, size_t total)
{
	size_t idx = find_named(*v, *n, sz, name);
	char *e;
	if (idx < *n)
		return idx;
	if (total >= 64)
		return (size_t)-1;
	xgrow(v, cap, *n + 1, sz);
	e = (char *)*v + idx * sz;
	memset(e, 0, sz);
	*(char **)e = xstrdup(name);
	*(int *)(e + line_off) = line;
	(*n)++;
	return idx;
}

static int variant_key(struct parse *p, const char *section, const char *name, const char *value)
{
	struct plan *pl = p->plan;
	int kind = section[0]; /* 'k', 'i' or 'l' */
	const char *vname = strchr(section, '.') + 1;
	const char *const *names = kind == 'k' ? kernel_keys : kind == 'i' ? initrd_keys : label_keys;
	size_t slot, idx, total = pl->n_kvar + pl->n_ivar + pl->n_labels;
	char **raw;
	int *lines;

	if (!variant_name_ok(vname, kind == 'l' ? 32 : 24))
		return fail(p, p->line, "bad name in '[%s]': use lowercase letters, digits, '-' "
					"and '_', starting with a letter or digit",
			    section);
	if (kind != 'l' && !strcmp(vname, "main"))
		return fail(p, p->line, "[%s] is not needed: the main %s is [%.6s]", section,
			    kind == 'k' ? "kernel" : "initrd", section);
	for (slot = 0; names[slot] && strcmp(names[slot], name); slot++)
		;
	if (!names[slot])
		return fail(p, p->line, "unknown key '%s' in section [%s]", name, section);
	if (kind == 'k')
		idx = named_entry((void **)&pl->kvar, &pl->n_kvar, &pl->kvar_cap, sizeof(*pl->kvar),
				  offsetof(struct kvariant, line), vname, p->section_line, total);
	else if (kind == 'i')
		idx = named_entry((void **)&pl->ivar, &pl->n_ivar, &pl->ivar_cap, sizeof(*pl->ivar),
				  offsetof(struct ivariant, line), vname, p->section_line, total);
	else
		idx = named_entry((void **)&pl->labels, &pl->n_labels, &pl->labels_cap,
				  sizeof(*pl->labels), offsetof(struct label_append, line), vname,
				  p->section_line, total);
	if (idx == (size_t)-1)
		return fail(p, p->line, "too many variants (64 at most)");
	raw = kind == 'k' ? p->vraw[idx] : kind == 'i' ? p->iraw[idx] : p->lraw[idx];
	lines = kind == 'k' ? p->vline[idx] : kind == 'i' ? p->iline[idx] : p->lline[idx];
	if (raw[slot] && p->continuation && p->last == &raw[slot]) {
		char *joined = xasprintf("%s %s", raw[slot], value);
		free(raw[slot]);
		raw[slot] = joined;
		return 1;
	}
	if (raw[slot])
		return fail(p, p->line, "key '%s' is set twice (first on line %d)", name, lines[slot]);
	raw[slot] = xstrdup(value);
	lines[slot] = p->line;
	p->last = &raw[slot];
	return 1;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
	struct parse *p = user;
	size_t i;
	int section_known = 0;
	if (!strncmp(section, "kernel.", 7) || !strncmp(section, "initrd.", 7) ||
	    !strncmp(section, "label.", 6))
		return variant_key(p, section, name, value);
	for (i = 0; i < NKEYS; i++) {
		if (strcmp(keys[i].section, section))
			continue;
		section_known = 1;
		if (!strcmp(keys[i].name, name))
			break;
	}
	if (!*section)
		return fail(p, p->line, "'%s' is outside any section (add e.g. [image] above it)",
			    name);
	if (!section_known)
		return 0; /* reported by check_section_line() */
	if (i == NKEYS)
		return fail(p, p->line, "unknown key '%s' in section [%s]", name, section);
	if (p->seen[i] && p->continuation && p->last == &p->value[i]) {
		char *joined = xasprintf("%s %s", p->value[i], value);
		free(p->value[i]);
		p->value[i] = joined;
		return 1;
	}
	if (p->seen[i]) {
		return fail(p, p->line, "key '%s' is set twice (first on line %d)", name,
			    p->seen_line[i]);
	}
	p->seen[i] = 1;
	p->seen_line[i] = p->line;
	p->value[i] = xstrdup(value);
	p->last = &p->value[i];
	return 1;
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

/* Check and store one value. */
static int apply(struct parse *p, size_t i)
{
	const struct key *k = &keys[i];
	const char *v = p->value[i];
	void *field = (char *)p->plan + k->offset;
	int line = p->seen_line[i];
	unsigned long long n;

	switch (k->type) {
	case K_SOURCE:
		if (!*v)
			return fail(p, line, "'%s' needs debian:PACKAGE or a tarball path", k->name);
		free(*(char **)field);
		*(char **)field = strncmp(v, "debian:", 7) ? abs_path(p->plan->dir, v) : xstrdup(v);
		return 1;
	case K_HOSTS: {
		/* distcc hosts: HOST[:PORT][/LIMIT], separated by commas or spaces */
		char *list = xstrdup(v);
		size_t count = 0;
		char *save;
		for (char *h = strtok_r(list, ", \t", &save); h; h = strtok_r(NULL, ", \t", &save), count++)
			if (strspn(h, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_:/[]@") !=
			    strlen(h)) {
				int r = fail(p, line, "'%s' must be host names (HOST[:PORT][/LIMIT]) "
						      "separated by commas, not '%s'",
					     k->name, h);
				free(list);
				return r;
			}
		free(list);
		free(*(char **)field);
		*(char **)field = count ? xstrdup(v) : NULL;
		return 1;
	}
	case K_STR:
	case K_PATH:
	case K_LABEL:
		if (k->type == K_LABEL &&
		    (!is_label(v) || strlen(v) < k->min || strlen(v) > k->max))
			return fail(p, line, "'%s' must be %u to %u letters, digits, '-' or '_', not '%s'",
				    k->name, k->min, k->max, v);
		if (k->type == K_PATH && !*v)
			return fail(p, line, "'%s' needs a path", k->name);
		free(*(char **)field);
		*(char **)field = k->type == K_PATH ? abs_path(p->plan->dir, v) : xstrdup(v);
		return 1;
	case K_BOOL:
		if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "on"))
			*(int *)field = 1;
		else if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0") || !strcmp(v, "off"))
			*(int *)field = 0;
		else
			return fail(p, line, "'%s' must be yes or no, not '%s'", k->name, v);
		return 1;
	case K_UINT:
		if (parse_uint(v, &n) < 0 || n < k->min || n > k->max)
			return fail(p, line, "'%s' must be a whole number from %u to %u, not '%s'",
				    k->name, k->min, k->max, v);
		if (k->offset == offsetof(struct plan, epoch))
			p->plan->epoch = (int64_t)n;
		else
			*(unsigned *)field = (unsigned)n;
		return 1;
	case K_FORMAT:
		if (!strcmp(v, "cpio"))
			p->plan->initrd_format = INITRD_CPIO;
		else if (!strcmp(v, "ext2"))
			p->plan->initrd_format = INITRD_EXT2;
		else
			return fail(p, line, "'%s' must be cpio or ext2, not '%s'", k->name, v);
		return 1;
	case K_HEX32: {
		char *end;
		unsigned long x;
		errno = 0;
		x = strtoul(v, &end, 16);
		if (!isxdigit((unsigned char)*v) || *end || errno || x > 0xffffffffUL)
			return fail(p, line, "'%s' must be up to 8 hex digits, not '%s'", k->name, v);
		p->plan->volume_id = (uint32_t)x;
		return 1;
	}
	}
	return 1;
}

/* Split a space-separated list of paths into absolute paths. */
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

/* Turn the variants' raw values into the plan; main gets [kernel] config and [initrd] budget. */
static void finish_variants(struct parse *p)
{
	struct plan *pl = p->plan;
	unsigned long long n;
	pl->kvar[0].config = xstrdup(pl->kernel_config);
	for (size_t i = 0; i < NKEYS; i++)
		if (!strcmp(keys[i].section, "boot") && !strcmp(keys[i].name, "default"))
			pl->default_line = p->seen_line[i];
	pl->ivar[0].budget_kib = pl->initrd_budget_kib;
	for (size_t i = 0; i < NKEYS; i++)
		if (!strcmp(keys[i].section, "initrd") && !strcmp(keys[i].name, "budget"))
			pl->ivar[0].budget_line = p->seen_line[i];
	for (size_t i = 1; i < pl->n_kvar; i++) {
		struct kvariant *k = &pl->kvar[i];
		char **raw = p->vraw[i];
		if (!raw[0] == !raw[1]) {
			fail(p, k->line, "[kernel.%s] needs either 'fragment' (added to [kernel] config) "
					 "or 'config' (a fragment of its own)",
			     k->name);
			return;
		}
		if (raw[0])
			k->fragment = abs_path(pl->dir, raw[0]);
		else
			k->config = abs_path(pl->dir, raw[1]);
	}
	for (size_t i = 1; i < pl->n_ivar; i++) {
		struct ivariant *v = &pl->ivar[i];
		char **raw = p->iraw[i];
		if (raw[0]) {
			v->overlays = split_paths(pl->dir, raw[0], &v->n_overlays);
			v->overlay_line = p->iline[i][0];
		}
		if (raw[1]) {
			v->binaries = split_paths(pl->dir, raw[1], &v->n_binaries);
			v->binaries_line = p->iline[i][1];
		}
		if (raw[2])
			v->busybox_config = abs_path(pl->dir, raw[2]);
		if (raw[3]) {
			if (!strcmp(raw[3], "yes"))
				v->stack = 1;
			else if (strcmp(raw[3], "no")) {
				fail(p, p->iline[i][3], "'stack' must be yes or no, not '%s'", raw[3]);
				return;
			}
		}
		if (raw[4]) {
			if (parse_uint(raw[4], &n) < 0 || n > (4u << 20)) {
				fail(p, p->iline[i][4], "'budget' must be a size in KiB, not '%s'", raw[4]);
				return;
			}
			v->budget_kib = (unsigned)n;
			v->budget_line = p->iline[i][4];
		}
		if (!raw[0] && !raw[1] && !raw[2]) {
			fail(p, v->line, "[initrd.%s] adds nothing to main: set overlay, binaries or "
					 "busybox_config",
			     v->name);
			return;
		}
		if (v->stack && pl->initrd_format != INITRD_CPIO) {
			fail(p, p->iline[i][3], "'stack' needs [initrd] format = cpio (the kernel "
						"loads only one ext2 ramdisk)");
			return;
		}
	}
	for (size_t i = 0; i < pl->n_labels; i++) {
		if (!p->lraw[i][0]) {
			fail(p, pl->labels[i].line, "[label.%s] needs 'append'", pl->labels[i].name);
			return;
		}
		pl->labels[i].append = xstrdup(p->lraw[i][0]);
	}
}

/* The line key name of [system] was set on, or 0. */
static int system_line(const struct parse *p, const char *name)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (!strcmp(keys[i].section, "system") && !strcmp(keys[i].name, name))
			return p->seen_line[i];
	return 0;
}

/* Root's password: one way or the other, and a hash that the image's login can check (the
 * file is read at build time, see password.h). */
static void check_password(struct parse *p)
{
	const struct plan *pl = p->plan;
	int hash_line = system_line(p, "root_password_hash");
	int file_line = system_line(p, "root_password_file");
	const char *why;
	if (pl->root_password_hash && pl->root_password_file)
		fail(p, hash_line > file_line ? hash_line : file_line,
		     "set root_password_hash or root_password_file, not both");
	else if (pl->root_password_hash && (why = password_hash_problem(pl->root_password_hash)))
		fail(p, hash_line, "'root_password_hash' %s", why);
}

/* Rules that span keys or need more than a range. */
static void check_plan(struct parse *p)
{
	struct plan *pl = p->plan;
	size_t i;
	for (i = 0; i < NKEYS; i++)
		if (!strcmp(keys[i].name, "label") && p->seen[i])
			break;
	if (strlen(pl->fat_label) > 11 || !*pl->fat_label)
		fail(p, i < NKEYS ? p->seen_line[i] : 0, "'label' must be 1 to 11 characters, not '%s'",
		     pl->fat_label);
	for (const char *c = pl->fat_label; *c; c++)
		if (!isupper((unsigned char)*c) && !isdigit((unsigned char)*c) && *c != '_' && *c != '-')
			fail(p, i < NKEYS ? p->seen_line[i] : 0,
			     "'label' may hold only A-Z, 0-9, '-' and '_', not '%s'",
		     pl->fat_label);
	if (strcmp(pl->kernel_base, "tinyconfig") && strcmp(pl->kernel_base, "allnoconfig"))
		fail(p, 0, "[kernel] base must be tinyconfig or allnoconfig, not '%s'",
		     pl->kernel_base);
	if (strncmp(pl->kernel_source, "debian:", 7) && !pl->kernel_sha256)
		fail(p, 0, "[kernel] source '%s' is a tarball: set [kernel] sha256 to its SHA-256",
		     pl->kernel_source);
	if (strncmp(pl->busybox_source, "debian:", 7) && !pl->busybox_sha256)
		fail(p, 0, "[busybox] source '%s' is a tarball: set [busybox] sha256 to its SHA-256",
		     pl->busybox_source);
	for (const char *c = pl->boot_append; *c; c++)
		if (*c == '\n' || (unsigned char)*c < 0x20)
			fail(p, 0, "[boot] append has a control character");
	check_password(p);
}

int config_parse_text(struct plan *plan, const char *path, const char *text)
{
	struct parse p;
	int rc, ret = 0;
	memset(&p, 0, sizeof(p));
	p.plan = plan;
	p.path = path;
	p.text = text;
	buf_init(&p.sections);
	rc = ini_parse_stream(reader, &p, handler, &p);
	if (p.line_too_long && (!p.error_line || p.line_too_long <= p.error_line)) {
		free(p.error);
		p.error = xstrdup("line too long (at most 198 characters; continue a long value on "
				  "an indented next line)");
		p.error_line = p.line_too_long;
	}
	/* inih returns the first line it could not use: the handler's first error, or a line
	 * that is not INI at all (which comes first when it is earlier). */
	if (rc > 0 && (!p.error || rc < p.error_line)) {
		free(p.error);
		p.error = xstrdup("syntax error (expected [section] or key = value)");
		p.error_line = rc;
	}
	for (size_t i = 0; i < NKEYS && !p.error; i++)
		if (p.seen[i])
			apply(&p, i);
	if (!p.error)
		finish_variants(&p);
	if (!p.error)
		check_plan(&p);
	if (p.error) {
		if (p.error_line)
			error("%s:%d: %s", path, p.error_line, p.error);
		else
			error("%s: %s", path, p.error);
		ret = -1;
	}
	free(p.error);
	buf_release(&p.sections);
	for (size_t i = 0; i < NKEYS; i++)
		free(p.value[i]);
	for (size_t i = 0; i < 64; i++) {
		for (size_t j = 0; j < 2; j++)
			free(p.vraw[i][j]);
		for (size_t j = 0; j < 5; j++)
			free(p.iraw[i][j]);
		free(p.lraw[i][0]);
	}
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
		free(plan->cache_dir);
		plan->cache_dir = abs_path(cwd, env);
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
