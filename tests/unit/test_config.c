/* test_config.c: unit tests for mkdistro.conf parsing (src/build/config.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "build/arch.h"
#include "build/config.h"
#define TMP_DIR "tests/tmp/config"
#include "testutil.h"

/* Parse text with defaults for /proj; the result of config_parse_text. */
static int parse(struct plan *p, const char *text)
{
	config_defaults(p, "/proj");
	return config_parse_text(p, "mkdistro.conf", text);
}

/* Parse, capturing what error() prints to stderr. */
static int parse_err(struct plan *p, const char *text, char *msg, size_t len)
{
	struct stderr_capture c;
	int rc;
	stderr_begin(&c);
	rc = parse(p, text);
	stderr_end(&c, msg, len);
	return rc;
}

static void defaults(void **state)
{
	struct plan p;
	(void)state;
	assert_int_equal(parse(&p, ""), 0);
	assert_string_equal(p.hostname, "mkdistro");
	assert_string_equal(p.kernel_source, "debian:linux-source-6.1");
	assert_string_equal(p.kernel_config, "/proj/kernel.config");
	assert_string_equal(p.kernel_base, "tinyconfig");
	assert_string_equal(p.busybox_source, "debian:busybox");
	assert_int_equal(p.busybox_static, 1);
	assert_int_equal(p.initrd_format, INITRD_CPIO);
	assert_int_equal(p.initrd_size_kib, 5000);
	assert_int_equal(p.image_size_mib, 64);
	assert_string_equal(p.boot_default, "mm");
	assert_int_equal(p.boot_timeout, 50);
	assert_int_equal(p.serial_baud, 115200);
	assert_string_equal(p.out_dir, "/proj/out");
	assert_int_equal(p.kernel_modules, 1);
	assert_string_equal(p.net_address, "dhcp");
	assert_string_equal(p.arch->name, "x86_64");
	assert_string_equal(p.busybox_base, "defconfig");
	assert_string_equal(p.busybox_libc, "glibc");
	assert_int_equal(plan_musl(&p), 0);
	config_release(&p);
	assert_int_equal(parse(&p, "[busybox]\nlibc = musl\n"), 0);
	assert_int_equal(plan_musl(&p), 1);
	config_release(&p);
}

/* [system] arch names a row of arch.c's table; [busybox] base is defconfig or allnoconfig. */
static void arch_and_base(void **state)
{
	struct plan p;
	(void)state;
	assert_int_equal(parse(&p, "[system]\narch = i686\n[busybox]\nbase = allnoconfig\n"), 0);
	assert_string_equal(p.arch->name, "i686");
	assert_string_equal(p.arch->kernel_arch, "i386");
	assert_string_equal(p.arch->debian, "i386");
	assert_int_equal(p.arch->elf.machine, 3);
	assert_int_equal(p.arch->elf.class64, 0);
	assert_string_equal(p.busybox_base, "allnoconfig");
	config_release(&p);
	assert_int_equal(parse(&p, "[system]\narch = x86_64\n"), 0);
	assert_ptr_equal(p.arch, arch_default());
	assert_string_equal(arch_cross(p.arch), "");
	config_release(&p);
	assert_non_null(arch_find("i686"));
	assert_string_equal(arch_cross(arch_find("i686")), "i686-linux-gnu-");
	assert_null(arch_find("i386"));
	/* arm64: GRUB instead of Syslinux, no BIOS, its own serial console by default */
	assert_int_equal(parse(&p, "[system]\narch = arm64\n"), 0);
	assert_string_equal(p.arch->kernel_arch, "arm64");
	assert_string_equal(p.arch->kernel_target, "Image");
	assert_int_equal(p.arch->elf.machine, 183);
	assert_int_equal(p.arch->bios, 0);
	assert_null(p.arch->efi_loader);
	assert_string_equal(p.arch->grub_package, "grub-efi-arm64-bin");
	assert_string_equal(p.boot_append, "console=ttyAMA0");
	config_release(&p);
	assert_int_equal(parse(&p, "[system]\narch = arm64\n[boot]\nappend = console=ttyS0 quiet\n"), 0);
	assert_string_equal(p.boot_append, "console=ttyS0 quiet");
	config_release(&p);
	assert_string_equal(arch_cross(arch_find("arm64")), "aarch64-linux-gnu-");
	assert_int_equal(arch_native(arch_find("arm64")), 0);
	assert_int_equal(arch_native(arch_find("i686")), 1);
}

/* [network] address's good values; modules default to no with ext2, and are there when
 * asked for (rc.hotplug unpacks them from the stick). */
static void network_and_modules(void **state)
{
	static const char *const good[] = {"off", "dhcp", "192.168.1.5/24", "10.0.0.2/8,10.0.0.1",
					   "10.0.0.2/8,10.0.0.1,10.0.0.53", "10.0.0.2/32,,10.0.0.53"};
	struct plan p;
	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		char *text = xasprintf("[network]\naddress = %s\n", good[i]);
		assert_int_equal(parse(&p, text), 0);
		assert_string_equal(p.net_address, good[i]);
		config_release(&p);
		free(text);
	}
	assert_int_equal(parse(&p, "[initrd]\nformat = ext2\n"), 0);
	assert_int_equal(p.kernel_modules, 0);
	config_release(&p);
	assert_int_equal(parse(&p, "[kernel]\nmodules = no\n"), 0);
	assert_int_equal(p.kernel_modules, 0);
	config_release(&p);
	assert_int_equal(parse(&p, "[initrd]\nformat = ext2\n[kernel]\nmodules = yes\n"), 0);
	assert_int_equal(p.kernel_modules, 1);
	config_release(&p);
}

static void values(void **state)
{
	struct plan p;
	(void)state;
	assert_int_equal(parse(&p, "# comment\n; another\n[system]\nhostname = box-1\n"
				   "[busybox]\nstatic = no\nconfig = cfg/bb.config\n"
				   "[initrd]\nformat = ext2\nsize = 8192 ; KiB\n"
				   "[image]\nsize = 128\nlabel = LIVE_1\nvolume_id = DEADBEEF\n"
				   "[boot]\nappend = console=ttyS0\n  quiet\n"
				   "[build]\ncache = /var/cache/x\n"),
			 0);
	assert_string_equal(p.hostname, "box-1");
	assert_int_equal(p.busybox_static, 0);
	assert_string_equal(p.busybox_config, "/proj/cfg/bb.config");
	assert_int_equal(p.initrd_format, INITRD_EXT2);
	assert_int_equal(p.initrd_size_kib, 8192);
	assert_int_equal(p.image_size_mib, 128);
	assert_string_equal(p.fat_label, "LIVE_1");
	assert_int_equal(p.volume_id, 0xdeadbeef);
	assert_string_equal(p.boot_append, "console=ttyS0 quiet");
	assert_string_equal(p.cache_dir, "/var/cache/x");
	config_release(&p);
}

struct bad {
	const char *text;
	const char *message;
};

static const struct bad bad_inputs[] = {
	{"[image]\nsize = lots\n", "mkdistro.conf:2: 'size' must be a whole number from 32 to"},
	{"[image]\nsize = 16\n", "mkdistro.conf:2: 'size' must be a whole number from 32"},
	{"[image]\nsize = -1\n", "mkdistro.conf:2: 'size' must be"},
	{"[image]\nsize = 99999999999999999999\n", "mkdistro.conf:2: 'size' must be"},
	{"[image]\ncolour = blue\n", "mkdistro.conf:2: unknown key 'colour' in section [image]"},
	{"\n\n[nope]\n", "mkdistro.conf:3: unknown section '[nope]'"},
	{"hostname = x\n", "mkdistro.conf:1: 'hostname' is outside any section"},
	{"[system]\nhostname = a\n\nhostname = b\n",
	 "mkdistro.conf:4: key 'hostname' is set twice (first on line 2)"},
	{"[system]\nhostname = a b\n", "mkdistro.conf:2: 'hostname' must be 1 to 63"},
	{"[image\n", "mkdistro.conf:1: syntax error"},
	{"[image]\njust words\n", "mkdistro.conf:2: syntax error"},
	{"[busybox]\nstatic = perhaps\n", "mkdistro.conf:2: 'static' must be yes or no"},
	{"[initrd]\nformat = zip\n", "mkdistro.conf:2: 'format' must be cpio or ext2, not 'zip'"},
	{"[system]\narch = arm64\n[image]\niso = yes\n",
	 "mkdistro.conf:4: [image] iso = yes: an ISO boots through Syslinux's isolinux, which arm64 "
	 "has not; boot the stick image (out/mkdistro.img) with UEFI"},
	{"[system]\narch = sparc\n", "mkdistro.conf:2: 'arch' must be one of x86_64, i686, arm64, not 'sparc'"},
	{"[busybox]\nbase = tinyconfig\n",
	 "mkdistro.conf:2: [busybox] base must be defconfig or allnoconfig, not 'tinyconfig'"},
	{"[initrd]\nlevel = 13\n", "mkdistro.conf:2: 'level' must be a whole number from 1 to 12"},
	{"[image]\nvolume_id = xyz\n", "mkdistro.conf:2: 'volume_id' must be up to 8 hex digits"},
	{"[image]\nlabel = toolonglabel1\n", "mkdistro.conf:2: 'label' must be 1 to 11 characters"},
	{"[image]\nlabel = lower\n", "mkdistro.conf:2: 'label' may hold only A-Z"},
	{"[kernel]\nbase = defconfig\n", "[kernel] base must be tinyconfig or allnoconfig"},
	{"[busybox]\nlibc = uclibc\n", "mkdistro.conf:2: [busybox] libc must be glibc or musl, not 'uclibc'"},
	{"[boot]\nmodules = ram\n", "mkdistro.conf:2: [boot] modules must be stick or initrd, not 'ram'"},
	{"[busybox]\nlibc = musl\nstatic = no\n",
	 "mkdistro.conf:2: [busybox] libc = musl needs static = yes"},
	{"[system]\narch = i686\n[busybox]\nlibc = musl\n",
	 "mkdistro.conf:4: [busybox] libc = musl is for arch = x86_64 only"},
	{"[kernel]\nsource = /x/linux.tar.xz\n", "set [kernel] sha256"},
	{"[busybox]\nsource = bb.tar.bz2\n", "set [busybox] sha256"},
	{"[boot]\ntimeout = 40000\n", "mkdistro.conf:2: 'timeout' must be a whole number from 0"},
	{"[boot]\ndefault = a b\n", "mkdistro.conf:2: 'default' must be 1 to 32"},
	{"[kernel]\nconfig =\n", "mkdistro.conf:2: 'config' needs a path"},
	{"[boot]\nappend = a\n[image]\nsize = 64\n[boot]\n  append = b\n",
	 "mkdistro.conf:5: section '[boot]' appears twice (first on line 1)"},
	{"[image]\nsize = 64\nsize = 65\n", "mkdistro.conf:3: key 'size' is set twice (first on line 2)"},
	{"[initrd]\nformat = ext2\n[kernel]\nmodules = yes\n[boot]\nmodules = initrd\n",
	 "mkdistro.conf:6: [boot] modules = initrd needs [initrd] format = cpio"},
	{"[kernel]\nmodules = some\n", "mkdistro.conf:2: 'modules' must be yes or no"},
	{"[network]\naddress = auto\n", "mkdistro.conf:2: [network] address 'auto' must be dhcp, off"},
	{"[network]\naddress = 10.0.0.300/24\n", "mkdistro.conf:2: [network] address '10.0.0.300/24' must"},
	{"[network]\naddress = 10.0.0.3/33\n", "needs a prefix length of 1 to 32"},
	{"[network]\naddress = 10.0.0.3/\n", "needs a prefix length of 1 to 32"},
	{"[network]\naddress = 10.0.0.3/24x\n", "needs a prefix length of 1 to 32"},
	{"[network]\naddress = 10.0.0.3/24,gw\n", "has a GATEWAY that is not an IPv4 address"},
	{"[network]\naddress = 10.0.0.3/24,10.0.0.1,8.8.8\n", "has a DNS server that is not"},
	{"[network]\naddress = 10.0.0.3/24,10.0.0.1,10.0.0.1,x\n", "has a DNS server that is not"},
	{"[network]\naddress = dhcp; rm -rf /\n", "must be dhcp, off, or IP/PREFIX"},
};

static void bad(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_inputs) / sizeof(bad_inputs[0]); i++) {
		struct plan p;
		char msg[1024];
		int rc = parse_err(&p, bad_inputs[i].text, msg, sizeof(msg));
		if (rc != -1 || !strstr(msg, bad_inputs[i].message))
			fail_msg("input %zu: rc %d, message '%s', expected '%s'", i, rc, msg,
				 bad_inputs[i].message);
		assert_non_null(strstr(msg, "mkdistro: "));
		config_release(&p);
	}
}

/* A line of any length is read whole. */
static void long_line(void **state)
{
	struct plan p;
	char text[512];
	(void)state;
	snprintf(text, sizeof(text), "[boot]\nappend = %0300d\n", 1);
	assert_int_equal(parse(&p, text), 0);
	assert_int_equal(strlen(p.boot_append), 300);
	config_release(&p);
}

/* The INI rules of formats/ini.h, as mkdistro.conf meets them. */
static void ini_rules(void **state)
{
	struct plan p;
	(void)state;
	/* CRLF line ends, ':' for '=', a comment after ';', '#' kept, no final newline */
	assert_int_equal(parse(&p, "[system]\r\nhostname: box ; the name\r\n[boot]\r\n"
				   "append = a=b #c\r\n  d ; e"),
			 0);
	assert_string_equal(p.hostname, "box");
	assert_string_equal(p.boot_append, "a=b #c d ; e");
	config_release(&p);
	/* an indented header is a header */
	assert_int_equal(parse(&p, "[boot]\nappend = a\n  [image]\nsize = 128\n"), 0);
	assert_string_equal(p.boot_append, "a");
	assert_int_equal(p.image_size_mib, 128);
	config_release(&p);
}

/* A file with a NUL byte is refused before it is parsed. */
static void nul_byte(void **state)
{
	struct plan p;
	struct stderr_capture c;
	char msg[1024];
	(void)state;
	assert_int_equal(mkdir_p(TMP_DIR "/nul", 0755), 0);
	assert_int_equal(write_file_atomic(TMP_DIR "/nul/mkdistro.conf", "[image]\nsize = 64\0\n", 18,
					   0644),
			 0);
	stderr_begin(&c);
	assert_int_equal(config_load(&p, TMP_DIR "/nul"), -1);
	stderr_end(&c, msg, sizeof(msg));
	assert_non_null(strstr(msg, "/nul/mkdistro.conf:2: a NUL byte"));
	config_release(&p);
}

static void variants(void **state)
{
	struct plan p;
	(void)state;
	assert_int_equal(parse(&p, "[kernel.custom]\nfragment = extra.config\n"
				   "[kernel.own]\nconfig = /abs/own.config\n"
				   "[initrd.custom]\noverlay = o1 /abs/o2\nbinaries = /usr/bin/a\n"
				   "  /usr/bin/b\nstack = yes\nbudget = 3000\n"
				   "[initrd.bb]\nbusybox_config = bb2.config\n"
				   "[label.cc]\nappend = quiet\n[boot]\ndefault = cc\n"),
			 0);
	assert_int_equal(p.n_kvar, 3);
	assert_string_equal(p.kvar[0].name, "main");
	assert_string_equal(p.kvar[0].config, "/proj/kernel.config");
	assert_string_equal(p.kvar[1].name, "custom");
	assert_string_equal(p.kvar[1].fragment, "/proj/extra.config");
	assert_null(p.kvar[1].config);
	assert_string_equal(p.kvar[2].config, "/abs/own.config");
	assert_int_equal(p.kvar[1].line, 1);
	assert_int_equal(p.n_ivar, 3);
	assert_string_equal(p.ivar[0].name, "main");
	assert_string_equal(p.ivar[1].name, "custom");
	assert_int_equal(p.ivar[1].n_overlays, 2);
	assert_string_equal(p.ivar[1].overlays[0], "/proj/o1");
	assert_string_equal(p.ivar[1].overlays[1], "/abs/o2");
	assert_int_equal(p.ivar[1].n_binaries, 2);
	assert_string_equal(p.ivar[1].binaries[1], "/usr/bin/b");
	assert_int_equal(p.ivar[1].binaries_line, 7);
	assert_int_equal(p.ivar[1].stack, 1);
	assert_int_equal(p.ivar[1].budget_kib, 3000);
	assert_string_equal(p.ivar[2].busybox_config, "/proj/bb2.config");
	assert_int_equal(p.n_labels, 1);
	assert_string_equal(p.labels[0].name, "cc");
	assert_string_equal(p.labels[0].append, "quiet");
	assert_int_equal(p.default_line, 16);
	config_release(&p);
}

static const struct bad bad_variants[] = {
	{"[kernel.main]\nfragment = x\n", "mkdistro.conf:2: [kernel.main] is not needed"},
	{"[kernel.Big]\nfragment = x\n", "mkdistro.conf:2: bad name in '[kernel.Big]'"},
	{"[kernel.x]\ncolour = red\n", "mkdistro.conf:2: unknown key 'colour' in section [kernel.x]"},
	{"[kernel.x]\nfragment = a\nconfig = b\n", "mkdistro.conf:1: [kernel.x] needs either"},
	{"[kernel.x]\nfragment = a\nfragment = b\n", "mkdistro.conf:3: key 'fragment' is set twice"},
	{"[initrd.x]\nstack = yes\n", "mkdistro.conf:1: [initrd.x] adds nothing to main"},
	{"[initrd.x]\noverlay = o\nstack = maybe\n", "mkdistro.conf:3: 'stack' must be yes or no"},
	{"[initrd.x]\noverlay = o\nbudget = big\n", "mkdistro.conf:3: 'budget' must be a size in KiB"},
	{"[initrd]\nformat = ext2\n[initrd.x]\noverlay = o\nstack = yes\n",
	 "mkdistro.conf:5: 'stack' needs [initrd] format = cpio"},
	{"[label.mc]\nkernel = x\n", "mkdistro.conf:2: unknown key 'kernel' in section [label.mc]"},
	{"[kernel.]\nfragment = x\n", "bad name in '[kernel.]'"},
};

/* [rootfs] packages for main (copied to ivar[0]), [initrd.NAME] packages, [packages] keep. */
static void packages(void **state)
{
	struct plan p;
	char msg[1024];
	(void)state;
	assert_int_equal(parse(&p, "[rootfs]\npackages = pciutils  htop\tpciutils\n"
				   "[packages]\nkeep = docs man\n"
				   "[initrd.tools]\npackages = e2fsprogs dropbear-bin libstdc++6 pci.ids\n"),
			 0);
	assert_int_equal(p.n_packages, 2);
	assert_int_equal(p.ivar[0].n_packages, 2);
	assert_string_equal(p.ivar[0].packages[0], "pciutils");
	assert_string_equal(p.ivar[0].packages[1], "htop");
	assert_int_equal(p.ivar[0].packages_line, 2);
	assert_int_equal(p.packages_keep, PACKAGES_KEEP_DOCS | PACKAGES_KEEP_MAN);
	assert_int_equal(p.ivar[1].n_packages, 4);
	assert_string_equal(p.ivar[1].packages[2], "libstdc++6");
	assert_int_equal(p.ivar[1].packages_line, 6);
	config_release(&p);
	/* a variant with packages alone adds something */
	assert_int_equal(parse(&p, "[initrd.t]\npackages = htop\n"), 0);
	assert_int_equal(p.ivar[0].n_packages, 0);
	config_release(&p);
	assert_int_equal(parse_err(&p, "[initrd.t]\npackages = htop Bad_Name\n", msg, sizeof(msg)), -1);
	assert_non_null(strstr(msg, "mkdistro.conf:2: 'packages': 'Bad_Name' is not a Debian package name"));
	config_release(&p);
	assert_int_equal(parse_err(&p, "[rootfs]\npackages = x\n", msg, sizeof(msg)), -1);
	assert_non_null(strstr(msg, "'x' is not a Debian package name"));
	config_release(&p);
	assert_int_equal(parse_err(&p, "[packages]\nkeep = docs manpages\n", msg, sizeof(msg)), -1);
	assert_non_null(strstr(msg, "mkdistro.conf:2: 'keep' may hold docs, man, info and locale, not 'manpages'"));
	config_release(&p);
}

static void bad_variant_sections(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_variants) / sizeof(bad_variants[0]); i++) {
		struct plan p;
		char msg[1024];
		int rc = parse_err(&p, bad_variants[i].text, msg, sizeof(msg));
		if (rc != -1 || !strstr(msg, bad_variants[i].message))
			fail_msg("input %zu: rc %d, message '%s', expected '%s'", i, rc, msg,
				 bad_variants[i].message);
		config_release(&p);
	}
}

/* The key table: one row a key, each default a value the key takes. */
static void key_table(void **state)
{
	/* a key a variant needs besides the one under test */
	static const char *const needs[][2] = {
		{"kernel.NAME", "fragment = f"},
		{"initrd.NAME", "overlay = o"},
		{"label.NAME", "append = a"},
	};
	const struct config_key *k, *j;
	(void)state;
	for (size_t i = 0; (k = config_key(i)); i++) {
		struct plan p;
		struct buf text;
		const char *dot = strchr(k->section, '.');
		assert_non_null(k->meaning);
		for (size_t n = 0; n < i; n++) {
			j = config_key(n);
			if (!strcmp(j->section, k->section) && !strcmp(j->name, k->name))
				fail_msg("[%s] %s is in the table twice", k->section, k->name);
		}
		if (!k->def)
			continue;
		buf_init(&text);
		if (dot)
			buf_addf(&text, "[%.*s.x]\n", (int)(dot - k->section), k->section);
		else
			buf_addf(&text, "[%s]\n", k->section);
		buf_addf(&text, "%s = %s\n", k->name, k->def);
		for (size_t n = 0; n < sizeof(needs) / sizeof(needs[0]); n++)
			if (!strcmp(needs[n][0], k->section) &&
			    strncmp(needs[n][1], k->name, strlen(k->name)))
				buf_addf(&text, "%s\n", needs[n][1]);
		if (parse(&p, text.data) != 0)
			fail_msg("the default of [%s] %s is not a value it takes:\n%s", k->section,
				 k->name, text.data);
		config_release(&p);
		buf_release(&text);
	}
}

/* The keys documented in man page text (the CONFIGURATION section's ".B [section] key, key"
 * lines, font changes dropped), as "section key\n" lines. */
static void man_keys(const char *man, struct buf *out)
{
	const char *p = strstr(man, "\n.SH CONFIGURATION\n"), *end;
	assert_non_null(p);
	if (!(end = strstr(p + 1, "\n.SH ")))
		end = p + strlen(p);
	for (; p && p < end; p = strchr(p + 1, '\n')) {
		char line[512], *w = line, *keys, *save = NULL;
		const char *c = p + 1;
		if (strncmp(c, ".B [", 4))
			continue;
		for (c += 3; *c && *c != '\n' && w < line + sizeof(line) - 1; c++) {
			if (c[0] == '\\' && c[1] == 'f' && c[2]) {
				c += 2;
				continue;
			}
			*w++ = *c;
		}
		*w = '\0';
		keys = strchr(line, ']');
		assert_non_null(keys);
		*keys++ = '\0';
		for (char *k = strtok_r(keys, ", ", &save); k; k = strtok_r(NULL, ", ", &save))
			buf_addf(out, "%s %s\n", line + 1, k);
	}
}

/* The rows of a Markdown table "| section | key | default | meaning |", as
 * "section key\tdefault\n" lines. */
static void doc_keys(const char *md, struct buf *out)
{
	for (const char *p = md; *p; p += strcspn(p, "\n"), p += *p == '\n') {
		const char *cell[3], *end[3], *c = p;
		size_t n;
		if (*p != '|')
			continue;
		for (n = 0; n < 3 && (c = strchr(c + 1, '|')) && c < p + strcspn(p, "\n"); n++) {
			cell[n] = n ? end[n - 1] + 1 : p + 1;
			end[n] = c;
		}
		if (n < 3)
			continue;
		for (size_t i = 0; i < 3; i++) {
			while (cell[i] < end[i] && *cell[i] == ' ')
				cell[i]++;
			while (end[i] > cell[i] && end[i][-1] == ' ')
				end[i]--;
		}
		if (!strncmp(cell[0], "section", 7) || *cell[0] == '-')
			continue;
		buf_addf(out, "%.*s %.*s\t%.*s\n", (int)(end[0] - cell[0]), cell[0],
			 (int)(end[1] - cell[1]), cell[1], (int)(end[2] - cell[2]), cell[2]);
	}
}

/* Whether the table has key name in section. */
static int is_key(const char *section, const char *name)
{
	const struct config_key *k;
	for (size_t i = 0; (k = config_key(i)); i++)
		if (!strcmp(k->section, section) && !strcmp(k->name, name))
			return 1;
	return 0;
}

/* To missing, each line "SECTION KEY..." of list (each after a '\n') that is no key. */
static void unknown_keys(const char *list, const char *file, struct buf *missing)
{
	for (const char *p = list; (p = strchr(p, '\n')) && p[1]; p++) {
		char section[256], name[256];
		if (sscanf(p + 1, "%255s %255[^\t\n]", section, name) == 2 && !is_key(section, name))
			buf_addf(missing, "%s has [%s] %s, which is no key\n", file, section, name);
	}
}

/* Every key is in mkdistro(1) and in docs/configuration.md, with its default there; neither
 * has a key the code does not. */
static void keys_documented(void **state)
{
	struct buf man, md, in_man, in_md, missing;
	const struct config_key *k;
	(void)state;
	buf_init(&man);
	buf_init(&md);
	buf_init(&in_man);
	buf_init(&in_md);
	buf_init(&missing);
	assert_int_equal(read_text_file("mkdistro.1", &man), 0);
	assert_int_equal(read_text_file("docs/configuration.md", &md), 0);
	buf_adds(&in_man, "\n");
	buf_adds(&in_md, "\n");
	man_keys(man.data, &in_man);
	doc_keys(md.data, &in_md);
	for (size_t i = 0; (k = config_key(i)); i++) {
		char *line = xasprintf("\n%s %s\n", k->section, k->name);
		char *row = xasprintf("\n%s %s\t", k->section, k->name);
		char *want = k->def ? xasprintf("`%s`\n", k->def) : xstrdup("none\n");
		const char *at = strstr(in_md.data, row);
		if (!strstr(in_man.data, line))
			buf_addf(&missing, "mkdistro.1 has no [%s] %s\n", k->section, k->name);
		if (!at)
			buf_addf(&missing, "docs/configuration.md has no row for [%s] %s\n", k->section,
				 k->name);
		else if (strncmp(at + strlen(row), want, strlen(want)))
			buf_addf(&missing, "docs/configuration.md: the default of [%s] %s is %.*s\n",
				 k->section, k->name, (int)strlen(want) - 1, want);
		free(line);
		free(row);
		free(want);
	}
	unknown_keys(in_man.data, "mkdistro.1", &missing);
	unknown_keys(in_md.data, "docs/configuration.md", &missing);
	if (missing.len)
		fail_msg("%s", missing.data);
	buf_release(&man);
	buf_release(&md);
	buf_release(&in_man);
	buf_release(&in_md);
	buf_release(&missing);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults),
		cmocka_unit_test(arch_and_base),
		cmocka_unit_test(values),
		cmocka_unit_test(network_and_modules),
		cmocka_unit_test(bad),
		cmocka_unit_test(long_line),
		cmocka_unit_test(ini_rules),
		cmocka_unit_test(nul_byte),
		cmocka_unit_test(variants),
		cmocka_unit_test(packages),
		cmocka_unit_test(bad_variant_sections),
		cmocka_unit_test(key_table),
		cmocka_unit_test(keys_documented),
	};
	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
