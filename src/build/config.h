/* config.h: the plan, read once from mkdistro.conf and then read-only.
 *
 * mkdistro.conf is an INI file (the rules are in formats/ini.h).  Every key has a built-in
 * default, so a project needs no mkdistro.conf at all; an unknown section or key, a repeated
 * key or a bad value is an error reported as "mkdistro.conf:LINE: message".  The keys are one
 * table, config_key(), which the reader works from; mkdistro.1 and docs/configuration.md
 * describe them, and tests/unit/test_config.c fails when either leaves one out.
 */
#ifndef MKDISTRO_CONFIG_H
#define MKDISTRO_CONFIG_H

#include <stddef.h>
#include <stdint.h>

enum initrd_format { INITRD_CPIO, INITRD_EXT2 };

/* What [packages] keep keeps of a package's files that are left out by default. */
enum {
	PACKAGES_KEEP_DOCS = 1,   /* /usr/share/doc */
	PACKAGES_KEEP_MAN = 2,    /* /usr/share/man */
	PACKAGES_KEEP_INFO = 4,   /* /usr/share/info */
	PACKAGES_KEEP_LOCALE = 8, /* /usr/share/locale */
};
/* The bit of a keep word ("docs"), or 0. */
unsigned config_keep_bit(const char *word);

/* A kernel variant: main is [kernel]; [kernel.NAME] is main's fragment plus `fragment`, or
 * `config`, a fragment of its own.  Built to boot/kernel/NAME.lk. */
struct arch;

struct kvariant {
	char *name;
	char *fragment; /* absolute path, or NULL */
	char *config;   /* absolute path, or NULL (main: [kernel] config) */
	int line;       /* of its section in mkdistro.conf (0 for main) */
};

/* An initrd variant: main is the rootfs; [initrd.NAME] adds overlay directories, extra host
 * binaries (with their libraries) and optionally its own BusyBox.  Built to
 * boot/initrd/NAME.gz; with `stack`, only what it adds to main (loaded after main.gz). */
struct ivariant {
	char *name;
	char **overlays; /* absolute paths */
	size_t n_overlays;
	char **binaries; /* host paths */
	size_t n_binaries;
	char *busybox_config; /* absolute path, or NULL: main's BusyBox */
	int stack;
	unsigned budget_kib; /* 0: no size budget */
	char **packages; /* Debian binary packages, by name ([rootfs] packages for main) */
	size_t n_packages;
	int line, overlay_line, binaries_line, budget_line, packages_line;
};

/* Extra kernel arguments for one boot label ([label.NAME] append). */
struct label_append {
	char *name;
	char *append;
	int line;
};

struct plan {
	char *dir;       /* project directory, absolute */
	char *conf_path; /* its mkdistro.conf (need not exist) */
	char *out_dir;   /* <dir>/out */
	char *cache_dir; /* build cache: [build] cache, $MKDISTRO_CACHE, $XDG_CACHE_HOME/mkdistro */

	char *hostname;
	const struct arch *arch; /* [system] arch: the CPU the image is for */
	char *root_password_hash; /* [system] root_password_hash: a crypt(3) hash, or NULL */
	char *root_password_file; /* [system] root_password_file: absolute path, or NULL */

	char *kernel_source; /* "debian:PACKAGE" or a tarball path */
	char *kernel_sha256; /* required for a tarball */
	char *kernel_config; /* Kconfig fragment, absolute path */
	char *kernel_base;   /* tinyconfig or allnoconfig */
	int kernel_modules;  /* [kernel] modules: =m symbols stay modules (else built in) */

	char *busybox_source; /* "debian:busybox" or a tarball path */
	char *busybox_sha256;
	char *busybox_config; /* absolute path */
	char *busybox_base;   /* defconfig or allnoconfig: what the config goes over */
	int busybox_static;
	char *busybox_libc;   /* glibc, or musl (static, built with Debian's musl-gcc) */

	char *rootfs_dir; /* skeleton, absolute path */
	char **packages;  /* [rootfs] packages (copied to ivar[0]) */
	size_t n_packages;
	int packages_line;
	unsigned packages_keep; /* [packages] keep: PACKAGES_KEEP_* bits */

	enum initrd_format initrd_format;
	unsigned initrd_size_kib; /* ext2 only */
	int gzip_level;           /* 1..12 (libdeflate; 9 is gzip -9, 12 is smaller) */

	unsigned image_size_mib;
	int iso;                 /* [image] iso: also write out/mkdistro.iso */
	unsigned persist_mib;    /* [image] persist: an ext2 partition after the FAT one, 0: none */
	char *fat_label;
	uint32_t volume_id;

	char *boot_default;
	int boot_prompt;
	unsigned boot_timeout; /* tenths of a second */
	char *boot_append;
	unsigned serial_baud; /* 0: no SERIAL line */
	char *boot_modules;   /* stick (rc.hotplug unpacks them from the medium) or initrd */

	unsigned jobs; /* 0: one per core, plus each distcc host's share */
	int ccache;    /* [build] ccache: compile the kernel and BusyBox through ccache */
	char *distcc;  /* [build] distcc: hosts, separated by commas or spaces; NULL: none */
	int64_t epoch; /* timestamps in the image: SOURCE_DATE_EPOCH, else [build] epoch */

	char *net_address; /* [network] address: dhcp, off or IP/PREFIX,GATEWAY,DNS */

	unsigned qemu_memory_mib;

	/* Variants, main first (kvar[0], ivar[0]), then in the order of mkdistro.conf. */
	struct kvariant *kvar;
	size_t n_kvar;
	struct ivariant *ivar;
	size_t n_ivar;
	struct label_append *labels;
	size_t n_labels;
	size_t kvar_cap, ivar_cap, labels_cap;
	unsigned initrd_budget_kib; /* [initrd] budget, main's (copied to ivar[0]) */
	int default_line; /* of [boot] default, 0 when not set */
};

/* What a key's value is, and how it is checked. */
enum config_type {
	CONFIG_TEXT,    /* taken as it is */
	CONFIG_NAME,    /* min to max letters, digits, '-' or '_' */
	CONFIG_PATH,    /* at least min characters; made absolute from the project directory,
			 * "~/" from $HOME */
	CONFIG_PATHS,   /* paths separated by spaces or tabs, each made absolute */
	CONFIG_SOURCE,  /* debian:PACKAGE, or a tarball path (made absolute) */
	CONFIG_HOSTS,   /* distcc hosts, HOST[:PORT][/LIMIT], separated by commas or spaces */
	CONFIG_BOOL,    /* yes, true, on or 1; no, false, off or 0 */
	CONFIG_YESNO,   /* yes or no */
	CONFIG_UINT,    /* a whole number from min to max */
	CONFIG_KIB,     /* a size in KiB, from min to max */
	CONFIG_SECONDS, /* seconds since 1970, from min to max */
	CONFIG_FORMAT,  /* cpio or ext2 */
	CONFIG_HEX32,   /* up to 8 hex digits */
	CONFIG_PACKAGES, /* Debian package names, separated by spaces or tabs */
	CONFIG_KEEP,    /* words of docs, man, info, locale (what packages keep) */
	CONFIG_ARCH,    /* a row of build/arch.h's table, by name */
};

/* A key of mkdistro.conf. */
struct config_key {
	const char *section; /* "image"; a variant's: "kernel.NAME", "initrd.NAME", "label.NAME" */
	const char *name;
	enum config_type type;
	unsigned min, max;   /* see the type */
	const char *def;     /* the default, as mkdistro.conf would spell it; NULL: none */
	const char *meaning; /* one line */
};

/* The i-th key (from 0), in the order the documentation lists them; NULL after the last. */
const struct config_key *config_key(size_t i);

/* Fill plan with the defaults for project dir, then read dir/mkdistro.conf if it exists.
 * Returns 0, or -1 with the error reported (file:line where there is one). */
int config_load(struct plan *plan, const char *dir);
/* Parse conf text as if read from path (for tests).  Returns 0 or -1 (reported). */
int config_parse_text(struct plan *plan, const char *path, const char *text);
void config_defaults(struct plan *plan, const char *dir);
void config_release(struct plan *plan);
/* [busybox] libc = musl */
int plan_musl(const struct plan *plan);
/* [boot] modules = initrd: the labels load each kernel's modules as a second initrd, as
 * before issue 20, instead of naming them for rc.hotplug (stick.h). */
int plan_modules_initrd(const struct plan *plan);

#endif
