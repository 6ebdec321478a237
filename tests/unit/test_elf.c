/* test_elf.c: unit tests for src/formats/elf.c (the ELF reader) and src/formats/elfdeps.c (the library
 * resolver).
 *
 * The reader is tested on ELF images built here, byte by byte, after the System V gABI
 * layouts: valid ELF64/ELF32 in both byte orders, then malformed ones, each of which must be
 * refused with its own reason and without a read outside the buffer (each image is copied
 * into a buffer of exactly its size, so `make asan` catches overreads), then every prefix
 * and every single-byte corruption of a valid image.  The resolver is tested on a fake root
 * of such images (search order, ld.so.conf includes, RPATH/RUNPATH rules, $ORIGIN, skipping
 * other architectures, errors) and on real host programs; tests/e2e/ldd.sh compares it with
 * ldd on many more.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "formats/elf.h"
#include "formats/elfdeps.h"
#include "sys/alloc.h"
#include "sys/buf.h"
#include "sys/fs.h"

#define VBASE 0x10000u
#define DT_NEEDED 1
#define DT_STRTAB 5
#define DT_STRSZ 10
#define DT_SONAME 14
#define DT_RPATH 15
#define DT_DEBUG 21
#define DT_RUNPATH 29
#define DT_FLAGS_1 0x6ffffffbu
#define PT_LOAD 1
#define PT_DYNAMIC 2
#define PT_INTERP 3
#define EM_PPC64 21
#define EM_MIPS 8

/* ---- building ELF images ---- */

struct spec {
	int c64, le;
	unsigned machine, type;
	const char *interp;
	const char *needed[6];
	const char *rpath, *runpath, *soname;
	uint64_t flags_1;
	int dynamic; /* emit a PT_DYNAMIC segment */
};

struct image {
	unsigned char b[4096];
	size_t size;
	int c64, le;
	size_t phoff, phentsize;
	size_t load_ph, interp_ph, dyn_ph; /* file offsets of those program headers */
	size_t str_off, str_size;
	size_t dyn_off, dyn_n;
	size_t e_strtab, e_strsz, e_needed0, e_null; /* file offsets of those dynamic entries */
	size_t s_needed0;                           /* string offset of needed[0] */
};

static void put(struct image *im, size_t off, uint64_t v, unsigned n)
{
	assert_true(off + n <= sizeof(im->b));
	for (unsigned i = 0; i < n; i++)
		im->b[off + (im->le ? i : n - 1 - i)] = (unsigned char)(v >> (8 * i));
}

static void put_word(struct image *im, size_t off, uint64_t v)
{
	put(im, off, v, im->c64 ? 8 : 4);
}

static void set_ph(struct image *im, size_t ph, uint32_t type, uint64_t off, uint64_t filesz)
{
	put(im, ph, type, 4);
	if (im->c64) {
		put(im, ph + 4, 4, 4);             /* p_flags: PF_R */
		put(im, ph + 8, off, 8);           /* p_offset */
		put(im, ph + 16, VBASE + off, 8);  /* p_vaddr */
		put(im, ph + 24, VBASE + off, 8);  /* p_paddr */
		put(im, ph + 32, filesz, 8);       /* p_filesz */
		put(im, ph + 40, filesz, 8);       /* p_memsz */
		put(im, ph + 48, 8, 8);            /* p_align */
	} else {
		put(im, ph + 4, off, 4);
		put(im, ph + 8, VBASE + off, 4);
		put(im, ph + 12, VBASE + off, 4);
		put(im, ph + 16, filesz, 4);
		put(im, ph + 20, filesz, 4);
		put(im, ph + 24, 4, 4);
		put(im, ph + 28, 4, 4);
	}
}

static void ph_set_offset(struct image *im, size_t ph, uint64_t v)
{
	put_word(im, ph + (im->c64 ? 8 : 4), v);
}

static void ph_set_filesz(struct image *im, size_t ph, uint64_t v)
{
	put_word(im, ph + (im->c64 ? 32 : 16), v);
}

static void dyn_set(struct image *im, size_t entry, uint64_t tag, uint64_t val)
{
	put_word(im, entry, tag);
	put_word(im, entry + (im->c64 ? 8 : 4), val);
}

static size_t add_str(struct image *im, const char *s)
{
	size_t at = im->str_size, n = strlen(s) + 1;
	memcpy(im->b + im->str_off + at, s, n);
	im->str_size += n;
	return at;
}

static void build(struct image *im, const struct spec *sp)
{
	size_t ehsize = sp->c64 ? 64 : 52, w = sp->c64 ? 8 : 4, nph = 1, off, entsize = 2 * w;
	size_t s_rpath = 0, s_runpath = 0, s_soname = 0, s_needed[6] = { 0 }, n_needed = 0;

	memset(im, 0, sizeof(*im));
	im->c64 = sp->c64;
	im->le = sp->le;
	im->phentsize = sp->c64 ? 56 : 32;
	nph += sp->interp != NULL;
	nph += sp->dynamic != 0;
	im->phoff = ehsize;
	im->load_ph = im->phoff;
	off = im->phoff + im->phentsize;
	if (sp->interp) {
		im->interp_ph = off;
		off += im->phentsize;
	}
	if (sp->dynamic) {
		im->dyn_ph = off;
		off += im->phentsize;
	}
	if (sp->interp) {
		size_t n = strlen(sp->interp) + 1;
		memcpy(im->b + off, sp->interp, n);
		set_ph(im, im->interp_ph, PT_INTERP, off, n);
		off += n;
	}
	if (sp->dynamic) {
		im->str_off = off;
		add_str(im, "");
		for (; n_needed < 6 && sp->needed[n_needed]; n_needed++)
			s_needed[n_needed] = add_str(im, sp->needed[n_needed]);
		if (sp->rpath)
			s_rpath = add_str(im, sp->rpath);
		if (sp->runpath)
			s_runpath = add_str(im, sp->runpath);
		if (sp->soname)
			s_soname = add_str(im, sp->soname);
		im->s_needed0 = s_needed[0];
		off = (im->str_off + im->str_size + 7) & ~(size_t)7;
		im->dyn_off = off;
		for (size_t i = 0; i < n_needed; i++, off += entsize) {
			if (i == 0)
				im->e_needed0 = off;
			dyn_set(im, off, DT_NEEDED, s_needed[i]);
		}
		if (sp->rpath) {
			dyn_set(im, off, DT_RPATH, s_rpath);
			off += entsize;
		}
		if (sp->runpath) {
			dyn_set(im, off, DT_RUNPATH, s_runpath);
			off += entsize;
		}
		if (sp->soname) {
			dyn_set(im, off, DT_SONAME, s_soname);
			off += entsize;
		}
		if (sp->flags_1) {
			dyn_set(im, off, DT_FLAGS_1, sp->flags_1);
			off += entsize;
		}
		im->e_strtab = off;
		dyn_set(im, off, DT_STRTAB, VBASE + im->str_off);
		off += entsize;
		im->e_strsz = off;
		dyn_set(im, off, DT_STRSZ, im->str_size);
		off += entsize;
		im->e_null = off;
		dyn_set(im, off, 0, 0);
		off += entsize;
		im->dyn_n = (off - im->dyn_off) / entsize;
		set_ph(im, im->dyn_ph, PT_DYNAMIC, im->dyn_off, off - im->dyn_off);
	}
	im->size = off;
	set_ph(im, im->load_ph, PT_LOAD, 0, im->size);

	memcpy(im->b, "\177ELF", 4);
	im->b[4] = sp->c64 ? 2 : 1;
	im->b[5] = sp->le ? 1 : 2;
	im->b[6] = 1;
	put(im, 16, sp->type, 2);
	put(im, 18, sp->machine, 2);
	put(im, 20, 1, 4);
	put_word(im, sp->c64 ? 32 : 28, im->phoff);
	put(im, sp->c64 ? 52 : 40, ehsize, 2);
	put(im, sp->c64 ? 54 : 42, im->phentsize, 2);
	put(im, sp->c64 ? 56 : 44, nph, 2);
	put(im, sp->c64 ? 58 : 46, sp->c64 ? 64 : 40, 2);
}

static void eh_set_phoff(struct image *im, uint64_t v)
{
	put_word(im, im->c64 ? 32 : 28, v);
}

static void eh_set16(struct image *im, size_t off64, size_t off32, unsigned v)
{
	put(im, im->c64 ? off64 : off32, v, 2);
}

/* A typical x86-64 program: interpreter, three libraries, RUNPATH. */
static const struct spec prog64 = {
	.c64 = 1,
	.le = 1,
	.machine = ELF_EM_X86_64,
	.type = ELF_ET_DYN,
	.interp = "/lib64/ld-linux-x86-64.so.2",
	.needed = { "libfoo.so.1", "libbar.so.2", "libc.so.6" },
	.runpath = "$ORIGIN/../lib:/opt/x",
	.soname = "prog.so",
	.flags_1 = ELF_DF_1_NODEFLIB,
	.dynamic = 1,
};

/* Parse from a buffer of exactly len bytes, so a read past the end is an ASan error. */
static int parse_n(const struct image *im, size_t len, struct elf_info *info, char *err,
		   size_t errlen)
{
	unsigned char *copy = xmalloc(len);
	int rc;
	memcpy(copy, im->b, len);
	rc = elf_parse(copy, len, info, err, errlen);
	free(copy);
	return rc;
}

/* The image must be refused with a reason containing want, leaving info zeroed. */
static void expect_error(const struct image *im, const char *want)
{
	struct elf_info info, zero;
	char err[200];
	memset(&zero, 0, sizeof(zero));
	assert_int_equal(parse_n(im, im->size, &info, err, sizeof(err)), -1);
	if (!strstr(err, want))
		fail_msg("error '%s' does not contain '%s'", err, want);
	assert_memory_equal(&info, &zero, sizeof(info));
}

/* ---- the reader: valid files ---- */

static void test_elf64_program(void **state)
{
	struct image im;
	struct elf_info info;
	char err[200];
	(void)state;
	build(&im, &prog64);
	assert_int_equal(parse_n(&im, im.size, &info, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(info.class64, 1);
	assert_int_equal(info.little_endian, 1);
	assert_int_equal(info.machine, ELF_EM_X86_64);
	assert_int_equal(info.type, ELF_ET_DYN);
	assert_string_equal(info.interp, "/lib64/ld-linux-x86-64.so.2");
	assert_int_equal(info.n_needed, 3);
	assert_string_equal(info.needed[0], "libfoo.so.1");
	assert_string_equal(info.needed[1], "libbar.so.2");
	assert_string_equal(info.needed[2], "libc.so.6");
	assert_string_equal(info.runpath, "$ORIGIN/../lib:/opt/x");
	assert_null(info.rpath);
	assert_string_equal(info.soname, "prog.so");
	assert_int_equal(info.flags_1, ELF_DF_1_NODEFLIB);
	elf_info_release(&info);
	assert_null(info.needed);
	elf_info_release(&info); /* twice is harmless */
}

static void test_elf32_little_endian(void **state)
{
	struct spec sp = { .c64 = 0, .le = 1, .machine = ELF_EM_386, .type = ELF_ET_EXEC,
			   .interp = "/lib/ld-linux.so.2", .needed = { "libc.so.6" },
			   .rpath = "/opt/rp", .dynamic = 1 };
	struct image im;
	struct elf_info info;
	(void)state;
	build(&im, &sp);
	assert_int_equal(parse_n(&im, im.size, &info, NULL, 0), 0);
	assert_int_equal(info.class64, 0);
	assert_int_equal(info.little_endian, 1);
	assert_int_equal(info.machine, ELF_EM_386);
	assert_int_equal(info.type, ELF_ET_EXEC);
	assert_string_equal(info.interp, "/lib/ld-linux.so.2");
	assert_int_equal(info.n_needed, 1);
	assert_string_equal(info.needed[0], "libc.so.6");
	assert_string_equal(info.rpath, "/opt/rp");
	assert_null(info.runpath);
	assert_null(info.soname);
	elf_info_release(&info);
}

static void test_big_endian(void **state)
{
	struct spec sp64 = { .c64 = 1, .le = 0, .machine = EM_PPC64, .type = ELF_ET_DYN,
			     .needed = { "libz.so.1", "libc.so.6" }, .soname = "libbe.so.1",
			     .dynamic = 1 };
	struct spec sp32 = { .c64 = 0, .le = 0, .machine = EM_MIPS, .type = ELF_ET_EXEC,
			     .interp = "/lib/ld.so.1", .needed = { "libc.so.6" }, .dynamic = 1 };
	struct image im;
	struct elf_info info;
	(void)state;
	build(&im, &sp64);
	assert_int_equal(parse_n(&im, im.size, &info, NULL, 0), 0);
	assert_int_equal(info.little_endian, 0);
	assert_int_equal(info.class64, 1);
	assert_int_equal(info.machine, EM_PPC64);
	assert_int_equal(info.n_needed, 2);
	assert_string_equal(info.needed[1], "libc.so.6");
	assert_string_equal(info.soname, "libbe.so.1");
	assert_null(info.interp);
	elf_info_release(&info);

	build(&im, &sp32);
	assert_int_equal(parse_n(&im, im.size, &info, NULL, 0), 0);
	assert_int_equal(info.little_endian, 0);
	assert_int_equal(info.class64, 0);
	assert_int_equal(info.machine, EM_MIPS);
	assert_string_equal(info.interp, "/lib/ld.so.1");
	assert_string_equal(info.needed[0], "libc.so.6");
	elf_info_release(&info);
}

static void test_static_and_headerless(void **state)
{
	struct spec sp = { .c64 = 1, .le = 1, .machine = ELF_EM_X86_64, .type = ELF_ET_EXEC };
	struct image im;
	struct elf_info info;
	(void)state;
	build(&im, &sp); /* one PT_LOAD, no PT_INTERP, no PT_DYNAMIC */
	assert_int_equal(parse_n(&im, im.size, &info, NULL, 0), 0);
	assert_null(info.interp);
	assert_int_equal(info.n_needed, 0);
	assert_null(info.needed);
	elf_info_release(&info);

	eh_set16(&im, 56, 44, 0); /* e_phnum 0: nothing loaded, e.g. a relocatable file */
	eh_set_phoff(&im, 0);
	assert_int_equal(parse_n(&im, im.size, &info, NULL, 0), 0);
	assert_int_equal(info.n_needed, 0);
	elf_info_release(&info);

	/* a dynamic section with only DT_NULL needs no string table */
	sp.dynamic = 1;
	build(&im, &sp);
	dyn_set(&im, im.e_strtab, 0, 0);
	assert_int_equal(parse_n(&im, im.size, &info, NULL, 0), 0);
	assert_int_equal(info.n_needed, 0);
	elf_info_release(&info);
}

static void test_pn_xnum(void **state)
{
	struct image im;
	struct elf_info info;
	size_t sh;
	(void)state;
	build(&im, &prog64);
	/* e_phnum = PN_XNUM: the count (3) is in section header 0's sh_info */
	sh = (im.size + 7) & ~(size_t)7;
	memset(im.b + sh, 0, 64);
	put(&im, sh + 44, 3, 4);
	put_word(&im, 40, sh); /* e_shoff */
	eh_set16(&im, 56, 44, 0xffff);
	im.size = sh + 64;
	assert_int_equal(parse_n(&im, im.size, &info, NULL, 0), 0);
	assert_int_equal(info.n_needed, 3);
	elf_info_release(&info);

	put_word(&im, 40, 0);
	expect_error(&im, "PN_XNUM");
	put_word(&im, 40, im.size - 10); /* section header 0 cut off */
	expect_error(&im, "PN_XNUM");
}

/* ---- the reader: malformed files ---- */

static void test_not_elf(void **state)
{
	static const char text[] = "#!/bin/sh\necho hello\n";
	struct elf_info info;
	char err[64];
	(void)state;
	assert_int_equal(elf_parse(text, sizeof(text) - 1, &info, err, sizeof(err)), -1);
	assert_string_equal(err, "not an ELF file");
	assert_int_equal(elf_parse("\177EL", 3, &info, err, sizeof(err)), -1);
	assert_string_equal(err, "not an ELF file");
	assert_int_equal(elf_parse(NULL, 0, &info, err, sizeof(err)), -1);
	assert_string_equal(err, "not an ELF file");
	/* a short err buffer is still NUL-terminated */
	assert_int_equal(elf_parse(text, 4, &info, err, 5), -1);
	assert_string_equal(err, "not ");
}

static void test_truncated_header(void **state)
{
	struct image im;
	(void)state;
	build(&im, &prog64);
	im.size = 10;
	expect_error(&im, "truncated ELF header");
	im.size = 63; /* ELF64 header is 64 bytes */
	expect_error(&im, "truncated ELF header");
}

static void test_bad_ident(void **state)
{
	struct image im;
	(void)state;
	build(&im, &prog64);
	im.b[4] = 3;
	expect_error(&im, "unknown ELF class 3");
	build(&im, &prog64);
	im.b[5] = 0;
	expect_error(&im, "unknown ELF data encoding 0");
	build(&im, &prog64);
	im.b[6] = 2;
	expect_error(&im, "unknown ELF version 2");
	build(&im, &prog64);
	put(&im, 20, 0, 4); /* e_version */
	expect_error(&im, "unknown ELF version 0");
}

static void test_phoff_past_end(void **state)
{
	struct image im;
	(void)state;
	build(&im, &prog64);
	eh_set_phoff(&im, im.size + 100);
	expect_error(&im, "program header table past end of file");
	eh_set_phoff(&im, UINT64_MAX - 8); /* would wrap around if added carelessly */
	expect_error(&im, "program header table past end of file");
	eh_set_phoff(&im, im.size - 8);
	expect_error(&im, "truncated program header table");
	eh_set_phoff(&im, 0);
	expect_error(&im, "program header table at offset 0");
}

static void test_huge_phnum(void **state)
{
	struct image im;
	(void)state;
	build(&im, &prog64);
	eh_set16(&im, 56, 44, 0xfffe);
	expect_error(&im, "truncated program header table");
}

static void test_bad_phentsize(void **state)
{
	struct image im;
	(void)state;
	build(&im, &prog64);
	eh_set16(&im, 54, 42, 0);
	expect_error(&im, "bad program header entry size 0");
	eh_set16(&im, 54, 42, 55);
	expect_error(&im, "bad program header entry size 55");
	eh_set16(&im, 54, 42, 0xffff);
	expect_error(&im, "truncated program header table");
}

static void test_bad_interp(void **state)
{
	struct image im;
	(void)state;
	build(&im, &prog64);
	ph_set_filesz(&im, im.interp_ph, strlen(prog64.interp)); /* the NUL left out */
	expect_error(&im, "unterminated interpreter path");
	build(&im, &prog64);
	ph_set_offset(&im, im.interp_ph, im.size - 4);
	expect_error(&im, "interpreter path past end of file");
	build(&im, &prog64);
	ph_set_filesz(&im, im.interp_ph, 0);
	expect_error(&im, "unterminated interpreter path");
	build(&im, &prog64);
	im.b[im.size] = 0;
	put(&im, im.interp_ph, PT_INTERP, 4);
	put(&im, im.dyn_ph, PT_INTERP, 4); /* two of them */
	expect_error(&im, "more than one PT_INTERP");
}

static void test_dynamic_past_end(void **state)
{
	struct image im;
	(void)state;
	build(&im, &prog64);
	ph_set_offset(&im, im.dyn_ph, im.size + 16);
	expect_error(&im, "dynamic section past end of file");
	ph_set_offset(&im, im.dyn_ph, UINT64_MAX - 15);
	expect_error(&im, "dynamic section past end of file");
	build(&im, &prog64);
	ph_set_filesz(&im, im.dyn_ph, im.size); /* starts inside, runs off the end */
	expect_error(&im, "dynamic section past end of file");
	build(&im, &prog64);
	put(&im, im.interp_ph, PT_DYNAMIC, 4);
	expect_error(&im, "more than one PT_DYNAMIC");
}

static void test_dynamic_without_null(void **state)
{
	struct image im;
	(void)state;
	build(&im, &prog64);
	dyn_set(&im, im.e_null, DT_DEBUG, 0);
	expect_error(&im, "no DT_NULL terminator");
	/* a DT_NULL just past the segment's end does not count */
	build(&im, &prog64);
	ph_set_filesz(&im, im.dyn_ph, (im.dyn_n - 1) * 16);
	expect_error(&im, "no DT_NULL terminator");
	/* an empty dynamic segment */
	build(&im, &prog64);
	ph_set_filesz(&im, im.dyn_ph, 15);
	expect_error(&im, "no DT_NULL terminator");
}

static void test_strtab_missing(void **state)
{
	struct image im;
	(void)state;
	build(&im, &prog64);
	dyn_set(&im, im.e_strtab, DT_DEBUG, 0);
	expect_error(&im, "no DT_STRTAB");
	build(&im, &prog64);
	dyn_set(&im, im.e_strsz, DT_DEBUG, 0);
	expect_error(&im, "no DT_STRSZ");
}

static void test_strtab_past_end(void **state)
{
	struct image im;
	(void)state;
	build(&im, &prog64);
	dyn_set(&im, im.e_strsz, DT_STRSZ, (uint64_t)1 << 40);
	expect_error(&im, "string table past end of file");
	dyn_set(&im, im.e_strsz, DT_STRSZ, UINT64_MAX);
	expect_error(&im, "string table past end of file");
	/* the PT_LOAD claims more file than there is */
	build(&im, &prog64);
	ph_set_offset(&im, im.load_ph, UINT64_MAX - 100);
	expect_error(&im, "string table past end of file");
	/* inside the file, but past its segment */
	build(&im, &prog64);
	ph_set_filesz(&im, im.load_ph, im.str_off + 2);
	expect_error(&im, "string table runs past the end of its segment");
	/* an address no segment maps */
	build(&im, &prog64);
	dyn_set(&im, im.e_strtab, DT_STRTAB, 0x7000000);
	expect_error(&im, "string table address 0x7000000 is not in a loadable segment");
	build(&im, &prog64);
	put(&im, im.load_ph, 6, 4); /* PT_PHDR instead of PT_LOAD */
	expect_error(&im, "not in a loadable segment");
}

static void test_string_offset_past_strtab(void **state)
{
	struct image im;
	(void)state;
	build(&im, &prog64);
	dyn_set(&im, im.e_needed0, DT_NEEDED, im.str_size);
	expect_error(&im, "DT_NEEDED string offset");
	dyn_set(&im, im.e_needed0, DT_NEEDED, UINT64_MAX);
	expect_error(&im, "past end of string table");
	build(&im, &prog64);
	dyn_set(&im, im.e_needed0, DT_NEEDED, 0); /* the empty string */
	expect_error(&im, "empty DT_NEEDED string");
}

static void test_unterminated_string(void **state)
{
	struct image im;
	(void)state;
	build(&im, &prog64);
	/* the table ends one byte early: the last string (the soname) loses its NUL */
	dyn_set(&im, im.e_strsz, DT_STRSZ, im.str_size - 1);
	expect_error(&im, "unterminated string table entry");
	/* the NUL of a needed name overwritten, and nothing after it in the table */
	build(&im, &prog64);
	memset(im.b + im.str_off + im.s_needed0, 'x', im.str_size - im.s_needed0);
	expect_error(&im, "unterminated string table entry");
}

/* Every prefix, and every byte set to 0x00, 0x7f, 0x80 or 0xff in turn: never a crash
 * or a read outside the buffer, and a failure always says why. */
static void test_mutations(void **state)
{
	static const unsigned char vals[] = { 0x00, 0x7f, 0x80, 0xff };
	struct spec sp32 = prog64;
	struct image im, orig;
	struct elf_info info;
	char err[200];
	(void)state;
	sp32.c64 = 0;
	sp32.le = 0;
	for (int s = 0; s < 2; s++) {
		build(&orig, s ? &sp32 : &prog64);
		for (size_t len = 0; len < orig.size; len++) {
			if (parse_n(&orig, len, &info, err, sizeof(err)) < 0)
				assert_true(err[0] != '\0');
			elf_info_release(&info);
		}
		for (size_t i = 0; i < orig.size; i++) {
			for (size_t v = 0; v < sizeof(vals); v++) {
				im = orig;
				im.b[i] = vals[v];
				if (parse_n(&im, im.size, &info, err, sizeof(err)) < 0)
					assert_true(err[0] != '\0');
				elf_info_release(&info);
			}
		}
	}
}

static void test_machine_names(void **state)
{
	(void)state;
	assert_string_equal(elf_machine_name(ELF_EM_X86_64), "x86-64");
	assert_string_equal(elf_machine_name(ELF_EM_AARCH64), "AArch64");
	assert_null(elf_machine_name(65535));
}

static void test_host_ls(void **state)
{
	struct buf b;
	struct elf_info info;
	char err[200];
	int has_libc = 0;
	(void)state;
	buf_init(&b);
	assert_int_equal(read_file("/bin/ls", &b), 0);
	assert_int_equal(elf_parse(b.data, b.len, &info, err, sizeof(err)), 0);
	assert_int_equal(info.machine, ELF_EM_X86_64);
	assert_string_equal(info.interp, "/lib64/ld-linux-x86-64.so.2");
	for (size_t i = 0; i < info.n_needed; i++)
		has_libc |= strcmp(info.needed[i], "libc.so.6") == 0;
	assert_true(has_libc);
	elf_info_release(&info);
	buf_release(&b);
}

/* ---- the resolver, on a fake root ---- */

struct fixture {
	char root[64];
	struct elfdeps d;
};

static int setup_root(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	snprintf(f->root, sizeof(f->root), "/tmp/test_elf.XXXXXX");
	if (!mkdtemp(f->root))
		return -1;
	elfdeps_init(&f->d);
	f->d.root = f->root;
	*state = f;
	return 0;
}

static int teardown_root(void **state)
{
	struct fixture *f = *state;
	elfdeps_release(&f->d);
	remove_tree(f->root);
	free(f);
	return 0;
}

static char *rooted(const struct fixture *f, const char *path)
{
	return xasprintf("%s%s", f->root, path);
}

static void write_raw(const struct fixture *f, const char *path, const void *data, size_t n)
{
	char *full = rooted(f, path), *dir = xstrdup(full);
	*strrchr(dir, '/') = '\0';
	assert_int_equal(mkdir_p(dir, 0755), 0);
	assert_int_equal(write_file_atomic(full, data, n, 0755), 0);
	free(dir);
	free(full);
}

static void write_text(const struct fixture *f, const char *path, const char *text)
{
	write_raw(f, path, text, strlen(text));
}

/* An x86-64 shared object (or program, with an interpreter) at path under the root. */
static void write_obj(const struct fixture *f, const char *path, struct spec sp)
{
	struct image im;
	if (!sp.machine) {
		sp.c64 = 1;
		sp.le = 1;
		sp.machine = ELF_EM_X86_64;
	}
	sp.type = ELF_ET_DYN;
	sp.dynamic = 1;
	build(&im, &sp);
	write_raw(f, path, im.b, im.size);
}

/* The standard base: an interpreter and a libc in the first system directory. */
static void write_base(const struct fixture *f)
{
	write_obj(f, "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
		  (struct spec){ .soname = "ld-linux-x86-64.so.2" });
	write_obj(f, "/lib/x86_64-linux-gnu/libc.so.6",
		  (struct spec){ .soname = "libc.so.6", .needed = { "ld-linux-x86-64.so.2" } });
	write_obj(f, "/lib64/ld-linux-x86-64.so.2",
		  (struct spec){ .soname = "ld-linux-x86-64.so.2" });
}

static const struct elf_dep *find_dep(const struct elfdeps *d, const char *name)
{
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->v[i].name, name) == 0)
			return &d->v[i];
	return NULL;
}

/* name must be in d, at image path image, read from host path root + host. */
static void expect_dep_at(const struct fixture *f, const char *name, const char *image,
			  const char *host)
{
	const struct elf_dep *e = find_dep(&f->d, name);
	char *want_host = rooted(f, host);
	if (!e)
		fail_msg("'%s' not among the dependencies", name);
	assert_string_equal(e->image_path, image);
	assert_string_equal(e->host_path, want_host);
	assert_int_equal(access(e->host_path, R_OK), 0);
	free(want_host);
}

static void expect_dep(const struct fixture *f, const char *name, const char *image)
{
	expect_dep_at(f, name, image, image);
}

/* elfdeps_add_binary with stderr captured; returns the message (empty when none). */
static char *add_capturing(struct fixture *f, const char *path, int *rc)
{
	FILE *tmp = tmpfile();
	int saved = dup(2);
	struct buf b;
	char chunk[512];
	size_t n;
	assert_non_null(tmp);
	fflush(stderr);
	dup2(fileno(tmp), 2);
	*rc = elfdeps_add_binary(&f->d, path);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	buf_init(&b);
	while ((n = fread(chunk, 1, sizeof(chunk), tmp)) > 0)
		buf_add(&b, chunk, n);
	fclose(tmp);
	{
		char *msg = buf_detach(&b, NULL);

		return msg;
	}
}

static void add_ok(struct fixture *f, const char *image_path)
{
	char *path = rooted(f, image_path);
	int rc;
	char *msg = add_capturing(f, path, &rc);
	if (rc != 0)
		fail_msg("elfdeps_add_binary('%s') failed: %s", path, msg);
	free(msg);
	free(path);
}

/* Adding must fail, leave d as it was, and say want. */
static void add_fails(struct fixture *f, const char *image_path, const char *want)
{
	char *path = rooted(f, image_path), *msg;
	size_t n = f->d.n;
	int rc;
	msg = add_capturing(f, path, &rc);
	assert_int_equal(rc, -1);
	if (!strstr(msg, want))
		fail_msg("message '%s' does not contain '%s'", msg, want);
	assert_int_equal(f->d.n, n);
	free(msg);
	free(path);
}

static void test_resolve_basic(void **state)
{
	struct fixture *f = *state;
	write_base(f);
	write_obj(f, "/usr/bin/prog",
		  (struct spec){ .interp = "/lib64/ld-linux-x86-64.so.2", .needed = { "libc.so.6" } });
	add_ok(f, "/usr/bin/prog");
	/* libc's DT_NEEDED ld-linux-x86-64.so.2 is the interpreter, by its soname */
	assert_int_equal(f->d.n, 2);
	expect_dep(f, "libc.so.6", "/lib/x86_64-linux-gnu/libc.so.6");
	expect_dep(f, "/lib64/ld-linux-x86-64.so.2", "/lib64/ld-linux-x86-64.so.2");
	assert_true(find_dep(&f->d, "/lib64/ld-linux-x86-64.so.2")->is_interp);
	assert_false(find_dep(&f->d, "libc.so.6")->is_interp);

	/* a second program needing the same: nothing new */
	write_obj(f, "/usr/bin/prog2",
		  (struct spec){ .interp = "/lib64/ld-linux-x86-64.so.2", .needed = { "libc.so.6" } });
	add_ok(f, "/usr/bin/prog2");
	assert_int_equal(f->d.n, 2);
}

/* DT_NEEDED loops end: libraries that need each other, one that needs itself by its soname
 * and by a path through a symlink back to its own directory, and a program that needs a
 * library that needs the program.  Each object is loaded once, as ld.so does (the known
 * trap of an ELF dependency walk; tests/fuzz/corpus/elfdeps/ has the same shapes). */
static void test_resolve_needed_loops(void **state)
{
	struct fixture *f = *state;
	char *link;
	write_base(f);
	write_obj(f, "/usr/lib/liba.so", (struct spec){ .soname = "liba.so",
							 .needed = { "libb.so", "liba.so" } });
	write_obj(f, "/usr/lib/libb.so",
		  (struct spec){ .soname = "libb.so",
				 .needed = { "liba.so", "$ORIGIN/self/self/libb.so", "prog.so" } });
	link = rooted(f, "/usr/lib/self");
	assert_int_equal(symlink(".", link), 0);
	free(link);
	write_obj(f, "/usr/bin/prog",
		  (struct spec){ .interp = "/lib64/ld-linux-x86-64.so.2", .soname = "prog.so",
				 .needed = { "liba.so", "libc.so.6" }, .runpath = "/usr/lib" });
	add_ok(f, "/usr/bin/prog");
	assert_int_equal(f->d.n, 4);
	expect_dep(f, "liba.so", "/usr/lib/liba.so");
	expect_dep(f, "libb.so", "/usr/lib/libb.so");
	expect_dep(f, "libc.so.6", "/lib/x86_64-linux-gnu/libc.so.6");
}

static void test_resolve_ld_so_conf(void **state)
{
	struct fixture *f = *state;
	struct spec i386 = { .c64 = 0, .le = 1, .machine = ELF_EM_386, .soname = "libx.so.1" };
	write_base(f);
	write_text(f, "/etc/ld.so.conf",
		   "# comment\n"
		   "include ld.so.conf.d/*.conf\n"
		   "   /opt/conf1/ # trailing comment and slash\n"
		   "/opt/typed=libc5\n"
		   "relative/ignored\n"
		   "hwcap 0 nosegneg\n");
	write_text(f, "/etc/ld.so.conf.d/a.conf", "/opt/confa\n");
	write_text(f, "/etc/ld.so.conf.d/b.conf", "include\t/etc/ld.so.conf.d/nested/*.conf\n");
	write_text(f, "/etc/ld.so.conf.d/nested/c.conf", "/opt/nested\n");
	write_text(f, "/etc/ld.so.conf.d/loop.conf", "include loop.conf\n");
	/* libq in two conf directories: the one listed first wins (a.conf comes before
	 * the line after the include) */
	write_obj(f, "/opt/conf1/libq.so.1", (struct spec){ .soname = "libq.so.1" });
	write_obj(f, "/opt/confa/libq.so.1", (struct spec){ .soname = "libq.so.1" });
	write_obj(f, "/opt/nested/libn.so.1", (struct spec){ .soname = "libn.so.1" });
	write_obj(f, "/opt/typed/libt.so.1", (struct spec){ .soname = "libt.so.1" });
	/* libx: 32-bit in the conf directory is skipped, the system one is used */
	write_obj(f, "/opt/confa/libx.so.1", i386);
	write_obj(f, "/usr/lib/x86_64-linux-gnu/libx.so.1", (struct spec){ .soname = "libx.so.1" });
	/* libs: in the conf directory under another soname, so not "in the cache" */
	write_obj(f, "/opt/confa/libs.so.1", (struct spec){ .soname = "libother.so.1" });
	write_obj(f, "/usr/lib/libs.so.1", (struct spec){ .soname = "libother.so.1" });
	/* libc in a conf directory comes before the system one, as ld.so.cache would */
	write_obj(f, "/usr/bin/prog",
		  (struct spec){ .interp = "/lib64/ld-linux-x86-64.so.2",
				 .needed = { "libq.so.1", "libn.so.1", "libt.so.1", "libx.so.1",
					     "libs.so.1", "libc.so.6" } });
	add_ok(f, "/usr/bin/prog");
	expect_dep(f, "libq.so.1", "/opt/confa/libq.so.1");
	expect_dep(f, "libn.so.1", "/opt/nested/libn.so.1");
	expect_dep(f, "libt.so.1", "/opt/typed/libt.so.1");
	expect_dep(f, "libx.so.1", "/usr/lib/x86_64-linux-gnu/libx.so.1");
	expect_dep(f, "libs.so.1", "/usr/lib/libs.so.1");
	expect_dep(f, "libc.so.6", "/lib/x86_64-linux-gnu/libc.so.6");
	assert_int_equal(f->d.n, 7);
}

/* Regression (fuzz_elfdeps, a timeout): includes that reach the same files again and again,
 * by other names too (./x.conf), were each read again, down to the depth limit: with four
 * includes a level, 4^16 readings.  Each file is read once (the directories read are
 * checked in test_ldsoconf.c); here, the search through them.  alarm(): a hang fails. */
static void test_resolve_ld_so_conf_reincluded(void **state)
{
	struct fixture *f = *state;
	write_base(f);
	write_text(f, "/etc/ld.so.conf", "include ld.so.conf.d/*.conf\n/opt/top\n");
	write_text(f, "/etc/ld.so.conf.d/x.conf",
		   "include x.conf ./x.conf .//x.conf y.conf\n"
		   "include /etc/ld.so.conf /etc/ld.so.conf.d/../ld.so.conf\n/opt/x\n");
	write_text(f, "/etc/ld.so.conf.d/y.conf", "include x.conf ./y.conf ././x.conf\n/opt/y\n");
	write_obj(f, "/opt/y/liby.so.1", (struct spec){ .soname = "liby.so.1" });
	write_obj(f, "/usr/bin/prog", (struct spec){ .interp = "/lib64/ld-linux-x86-64.so.2",
						    .needed = { "liby.so.1", "libc.so.6" } });
	alarm(20);
	add_ok(f, "/usr/bin/prog");
	alarm(0);
	expect_dep(f, "liby.so.1", "/opt/y/liby.so.1");
}

static void test_resolve_rpath_runpath(void **state)
{
	struct fixture *f = *state;
	write_base(f);
	for (int i = 0; i < 2; i++) {
		const char *dir = i ? "/lib/x86_64-linux-gnu" : "/opt/rp";
		char *a = xasprintf("%s/libdeep.so.1", dir), *b = xasprintf("%s/libdeep2.so.1", dir);
		write_obj(f, a, (struct spec){ .soname = "libdeep.so.1" });
		write_obj(f, b, (struct spec){ .soname = "libdeep2.so.1" });
		free(a);
		free(b);
	}
	/* libm1 has no search path: its loader's DT_RPATH applies to what it needs */
	write_obj(f, "/lib/x86_64-linux-gnu/libm1.so.1",
		  (struct spec){ .soname = "libm1.so.1", .needed = { "libdeep.so.1" } });
	/* libr has DT_RUNPATH: the DT_RPATH chain is not used for its needs */
	write_obj(f, "/opt/rp/libr.so.1",
		  (struct spec){ .soname = "libr.so.1", .runpath = "/opt/none",
				 .needed = { "libdeep2.so.1" } });
	write_obj(f, "/usr/bin/prog",
		  (struct spec){ .interp = "/lib64/ld-linux-x86-64.so.2", .rpath = "/opt/none:/opt/rp/",
				 .needed = { "libm1.so.1", "libr.so.1", "libc.so.6" } });
	add_ok(f, "/usr/bin/prog");
	expect_dep(f, "libm1.so.1", "/lib/x86_64-linux-gnu/libm1.so.1");
	expect_dep(f, "libdeep.so.1", "/opt/rp/libdeep.so.1");
	expect_dep(f, "libr.so.1", "/opt/rp/libr.so.1");
	expect_dep(f, "libdeep2.so.1", "/lib/x86_64-linux-gnu/libdeep2.so.1");
	assert_int_equal(f->d.n, 6);
}

/* The DT_RPATH chain runs through every loader up to the program, and libraries load
 * breadth first: a name the program needs is found by the program's rules even when a
 * library listed before it would have found it elsewhere. */
static void test_resolve_load_order(void **state)
{
	struct fixture *f = *state;
	write_base(f);
	write_obj(f, "/opt/a/libz.so.1", (struct spec){ .soname = "libz.so.1" });
	write_obj(f, "/opt/a/libc2.so.1", (struct spec){ .soname = "libc2.so.1" });
	write_obj(f, "/lib/x86_64-linux-gnu/libz.so.1", (struct spec){ .soname = "libz.so.1" });
	write_obj(f, "/lib/x86_64-linux-gnu/libc2.so.1", (struct spec){ .soname = "libc2.so.1" });
	/* libA has DT_RPATH /opt/a; libB (found there) has none, so libA's applies to it */
	write_obj(f, "/lib/x86_64-linux-gnu/libA.so.1",
		  (struct spec){ .soname = "libA.so.1", .rpath = "/opt/a",
				 .needed = { "libB.so.1", "libz.so.1" } });
	write_obj(f, "/opt/a/libB.so.1", (struct spec){ .soname = "libB.so.1", .needed = { "libc2.so.1" } });
	write_obj(f, "/usr/bin/prog",
		  (struct spec){ .interp = "/lib64/ld-linux-x86-64.so.2", .rpath = "/opt/none",
				 .needed = { "libA.so.1", "libz.so.1" } });
	add_ok(f, "/usr/bin/prog");
	expect_dep(f, "libA.so.1", "/lib/x86_64-linux-gnu/libA.so.1");
	expect_dep(f, "libB.so.1", "/opt/a/libB.so.1");
	expect_dep(f, "libc2.so.1", "/opt/a/libc2.so.1");
	expect_dep(f, "libz.so.1", "/lib/x86_64-linux-gnu/libz.so.1");
	assert_int_equal(f->d.n, 5);
}

static void test_resolve_runpath_not_inherited(void **state)
{
	struct fixture *f = *state;
	write_base(f);
	write_obj(f, "/opt/run/libm2.so.1",
		  (struct spec){ .soname = "libm2.so.1", .needed = { "libonlyrun.so.1" } });
	write_obj(f, "/opt/run/libonlyrun.so.1", (struct spec){ .soname = "libonlyrun.so.1" });
	write_obj(f, "/usr/bin/prog",
		  (struct spec){ .interp = "/lib64/ld-linux-x86-64.so.2", .runpath = "/opt/run",
				 .needed = { "libm2.so.1", "libc.so.6" } });
	add_fails(f, "/usr/bin/prog", "needs 'libonlyrun.so.1', which is not found (searched: ");
	assert_int_equal(f->d.n, 0);

	/* with DT_RUNPATH, the program's own DT_RPATH is ignored too */
	write_obj(f, "/opt/rp/libdeep.so.1", (struct spec){ .soname = "libdeep.so.1" });
	write_obj(f, "/lib/x86_64-linux-gnu/libdeep.so.1", (struct spec){ .soname = "libdeep.so.1" });
	write_obj(f, "/usr/bin/prog3",
		  (struct spec){ .interp = "/lib64/ld-linux-x86-64.so.2", .rpath = "/opt/rp",
				 .runpath = "/opt/run", .needed = { "libdeep.so.1" } });
	add_ok(f, "/usr/bin/prog3");
	expect_dep(f, "libdeep.so.1", "/lib/x86_64-linux-gnu/libdeep.so.1");

	/* ... and so it is for what its libraries need, further down */
	elfdeps_release(&f->d);
	elfdeps_init(&f->d);
	f->d.root = f->root;
	write_obj(f, "/lib/x86_64-linux-gnu/libm1.so.1",
		  (struct spec){ .soname = "libm1.so.1", .needed = { "libdeep.so.1" } });
	write_obj(f, "/usr/bin/prog4",
		  (struct spec){ .interp = "/lib64/ld-linux-x86-64.so.2", .rpath = "/opt/rp",
				 .runpath = "/opt/run", .needed = { "libm1.so.1" } });
	add_ok(f, "/usr/bin/prog4");
	expect_dep(f, "libdeep.so.1", "/lib/x86_64-linux-gnu/libdeep.so.1");
}

static void test_resolve_origin(void **state)
{
	struct fixture *f = *state;
	const struct elf_dep *e;
	char *host;
	write_base(f);
	write_obj(f, "/app/lib/libapp.so.1",
		  (struct spec){ .soname = "libapp.so.1", .runpath = "${ORIGIN}",
				 .needed = { "libsib.so.1" } });
	write_obj(f, "/app/lib/libsib.so.1", (struct spec){ .soname = "libsib.so.1" });
	write_obj(f, "/app/plugins/libpath.so", (struct spec){ .soname = "libpath.so" });
	write_obj(f, "/opt/lib/x86_64-linux-gnu/libdl2.so.1", (struct spec){ .soname = "libdl2.so.1" });
	write_obj(f, "/app/bin/tool",
		  (struct spec){ .interp = "/lib64/ld-linux-x86-64.so.2",
				 .runpath = "$ORIGIN/../lib:/opt/$LIB",
				 .needed = { "libapp.so.1", "$ORIGIN/../plugins/libpath.so",
					     "libdl2.so.1" } });
	add_ok(f, "/app/bin/tool");
	/* ld.so prints the path as built, ".." and all; the image path is normalised */
	expect_dep_at(f, "libapp.so.1", "/app/lib/libapp.so.1", "/app/bin/../lib/libapp.so.1");
	expect_dep_at(f, "libsib.so.1", "/app/lib/libsib.so.1", "/app/bin/../lib/libsib.so.1");
	expect_dep(f, "libdl2.so.1", "/opt/lib/x86_64-linux-gnu/libdl2.so.1");
	host = rooted(f, "/app/bin/../plugins/libpath.so");
	e = find_dep(&f->d, host);
	if (!e)
		fail_msg("'%s' not among the dependencies", host);
	assert_string_equal(e->image_path, "/app/plugins/libpath.so");
	free(host);
}

static void test_resolve_same_file_twice(void **state)
{
	struct fixture *f = *state;
	char *target, *link;
	write_base(f);
	/* libdup.so (no soname) reached as libdup.so and, through a symlink, as
	 * libdup-alias.so: one object, as ld.so compares device and inode */
	write_obj(f, "/usr/lib/libdup.so", (struct spec){ 0 });
	target = xstrdup("libdup.so");
	link = rooted(f, "/usr/lib/libdup-alias.so");
	assert_int_equal(symlink(target, link), 0);
	write_obj(f, "/usr/bin/prog",
		  (struct spec){ .interp = "/lib64/ld-linux-x86-64.so.2",
				 .needed = { "libdup.so", "libdup-alias.so" } });
	add_ok(f, "/usr/bin/prog");
	assert_non_null(find_dep(&f->d, "libdup.so"));
	assert_null(find_dep(&f->d, "libdup-alias.so"));
	assert_int_equal(f->d.n, 2);
	free(target);
	free(link);
}

static void test_resolve_nodeflib(void **state)
{
	struct fixture *f = *state;
	write_base(f);
	write_obj(f, "/usr/bin/prog",
		  (struct spec){ .interp = "/lib64/ld-linux-x86-64.so.2", .needed = { "libc.so.6" },
				 .flags_1 = ELF_DF_1_NODEFLIB });
	add_fails(f, "/usr/bin/prog", "needs 'libc.so.6', which is not found (searched: nothing)");
}

/* keep_going: what is missing is listed, and the rest still found. */
static void test_resolve_keep_going(void **state)
{
	struct fixture *f = *state;
	char *prog = rooted(f, "/usr/bin/prog"), *half = rooted(f, "/lib/x86_64-linux-gnu/libhalf.so.1");
	char *msg;
	int rc;
	write_base(f);
	write_obj(f, "/lib/x86_64-linux-gnu/libhalf.so.1",
		  (struct spec){ .soname = "libhalf.so.1", .needed = { "libgone.so.9", "libc.so.6" } });
	write_text(f, "/lib/x86_64-linux-gnu/libtext.so.1", "INPUT(-lfoo)\n");
	write_obj(f, "/usr/bin/prog",
		  (struct spec){ .interp = "/lib64/ld-linux-x86-64.so.2",
				 .needed = { "libgone.so.1", "libhalf.so.1", "libtext.so.1", "libc.so.6" } });
	write_obj(f, "/usr/bin/nointerp",
		  (struct spec){ .interp = "/lib/ld-nowhere.so.2", .needed = { "libc.so.6" } });
	f->d.keep_going = 1;
	msg = add_capturing(f, prog, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(msg, "");
	free(msg);
	assert_non_null(find_dep(&f->d, "libc.so.6"));
	assert_non_null(find_dep(&f->d, "libhalf.so.1"));
	assert_null(find_dep(&f->d, "libgone.so.1"));
	assert_int_equal(f->d.n_missing, 3);
	assert_string_equal(f->d.missing[0].name, "libgone.so.1");
	assert_string_equal(f->d.missing[0].needed_by, prog);
	assert_string_equal(f->d.missing[0].searched,
			    "/lib/x86_64-linux-gnu, /usr/lib/x86_64-linux-gnu, /lib, /usr/lib");
	assert_null(f->d.missing[0].why);
	assert_string_equal(f->d.missing[1].name, "libtext.so.1");
	assert_string_equal(f->d.missing[1].why, "'/lib/x86_64-linux-gnu/libtext.so.1' is not an ELF file");
	assert_string_equal(f->d.missing[2].name, "libgone.so.9");
	assert_string_equal(f->d.missing[2].needed_by, half);
	/* each once, across calls */
	msg = add_capturing(f, prog, &rc);
	free(msg);
	assert_int_equal(f->d.n_missing, 3);
	free(prog);
	prog = rooted(f, "/usr/bin/nointerp");
	msg = add_capturing(f, prog, &rc);
	assert_int_equal(rc, 0);
	free(msg);
	assert_int_equal(f->d.n_missing, 4);
	assert_string_equal(f->d.missing[3].name, "/lib/ld-nowhere.so.2");
	assert_true(f->d.missing[3].is_interp);
	free(prog);
	free(half);
}

/* Another CPU's image (build/arch.h's i686 row): its ELF machine and class, its multiarch
 * directories, $LIB and $PLATFORM; the host's x86-64 files are passed over, and an x86-64
 * program is refused. */
static void test_resolve_target(void **state)
{
	struct fixture *f = *state;
	static const struct elfdeps_target i386 = {ELF_EM_386, 0, "i386-linux-gnu", "i686"};
	struct spec lib = {.c64 = 0, .le = 1, .machine = ELF_EM_386};
	write_base(f);
	f->d.target = &i386;
	lib.soname = "ld-linux.so.2";
	write_obj(f, "/lib/ld-linux.so.2", lib);
	lib.soname = "libc.so.6";
	write_obj(f, "/lib/i386-linux-gnu/libc.so.6", lib);
	/* an x86-64 libm first in the search, the i386 one after it */
	write_obj(f, "/lib/i386-linux-gnu/libm.so.6", (struct spec){.soname = "libm.so.6"});
	lib.soname = "libm.so.6";
	write_obj(f, "/usr/lib/libm.so.6", lib);
	lib.soname = "libplat.so.1";
	write_obj(f, "/opt/i686/lib/i386-linux-gnu/libplat.so.1", lib);
	lib.soname = NULL;
	lib.interp = "/lib/ld-linux.so.2";
	lib.needed[0] = "libc.so.6";
	lib.needed[1] = "libm.so.6";
	lib.needed[2] = "libplat.so.1";
	lib.runpath = "/opt/$PLATFORM/$LIB";
	write_obj(f, "/bin/prog32", lib);
	add_ok(f, "/bin/prog32");
	expect_dep(f, "libc.so.6", "/lib/i386-linux-gnu/libc.so.6");
	expect_dep(f, "libm.so.6", "/usr/lib/libm.so.6");
	expect_dep(f, "libplat.so.1", "/opt/i686/lib/i386-linux-gnu/libplat.so.1");
	write_obj(f, "/bin/prog64", (struct spec){.interp = "/lib64/ld-linux-x86-64.so.2",
						   .needed = {"libc.so.6"}});
	add_fails(f, "/bin/prog64",
		  "is for another architecture (x86-64, 64-bit), not the image's (i386, 32-bit)");
}

static void test_resolve_errors(void **state)
{
	struct fixture *f = *state;
	struct spec arm = { .c64 = 1, .le = 1, .machine = ELF_EM_AARCH64,
			    .interp = "/lib/ld-linux-aarch64.so.1", .needed = { "libc.so.6" } };
	write_base(f);
	write_text(f, "/usr/bin/script", "#!/bin/sh\n");
	add_fails(f, "/usr/bin/script", "is not an ELF file");
	add_fails(f, "/usr/bin/missing", "cannot open");
	add_fails(f, "/usr", "is not a regular file");

	write_obj(f, "/usr/bin/arm", arm);
	add_fails(f, "/usr/bin/arm",
		  "is for another architecture (AArch64, 64-bit), not this host's (x86-64, 64-bit)");

	write_obj(f, "/usr/bin/nointerp",
		  (struct spec){ .interp = "/lib/ld-nowhere.so.2", .needed = { "libc.so.6" } });
	add_fails(f, "/usr/bin/nointerp", "needs the interpreter '/lib/ld-nowhere.so.2', which is not found");

	/* a file that is not ELF where a library is looked for stops ld.so, and us */
	write_text(f, "/lib/x86_64-linux-gnu/libtext.so.1", "INPUT(-lfoo)\n");
	write_obj(f, "/usr/bin/prog",
		  (struct spec){ .interp = "/lib64/ld-linux-x86-64.so.2",
				 .needed = { "libc.so.6", "libtext.so.1" } });
	add_fails(f, "/usr/bin/prog", "libtext.so.1' is not an ELF file");

	/* a library's own missing dependency names both */
	write_obj(f, "/lib/x86_64-linux-gnu/libhalf.so.1",
		  (struct spec){ .soname = "libhalf.so.1", .needed = { "libgone.so.9" } });
	write_obj(f, "/usr/bin/prog2",
		  (struct spec){ .interp = "/lib64/ld-linux-x86-64.so.2", .needed = { "libhalf.so.1" } });
	add_fails(f, "/usr/bin/prog2", "libhalf.so.1' (loaded for '");
	add_fails(f, "/usr/bin/prog2", "needs 'libgone.so.9', which is not found");
	assert_int_equal(f->d.n, 0);
}

/* ---- the resolver, on the host ---- */

static void test_host_ls_deps(void **state)
{
	static const char *const want[] = { "libselinux.so.1", "libc.so.6", "libpcre2-8.so.0",
					    "/lib64/ld-linux-x86-64.so.2" };
	struct elfdeps d;
	char *out = NULL;
	size_t outlen = 0;
	FILE *mem;
	(void)state;
	elfdeps_init(&d);
	d.root = "/";
	assert_int_equal(elfdeps_add_binary(&d, "/bin/ls"), 0);
	assert_int_equal(d.n, 4);
	for (size_t i = 0; i < 4; i++) {
		const struct elf_dep *e = find_dep(&d, want[i]);
		if (!e)
			fail_msg("/bin/ls: '%s' not found among its dependencies", want[i]);
		assert_string_equal(e->host_path, e->image_path);
		assert_int_equal(access(e->host_path, R_OK), 0);
	}
	mem = open_memstream(&out, &outlen);
	assert_non_null(mem);
	elfdeps_print(&d, mem);
	fclose(mem);
	assert_non_null(strstr(out, "\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6\n"));
	assert_non_null(strstr(out, "\t/lib64/ld-linux-x86-64.so.2\n"));
	free(out);
	elfdeps_release(&d);
}

static void test_host_qemu_deps(void **state)
{
	struct elfdeps d;
	int interps = 0;
	(void)state;
	elfdeps_init(&d);
	d.root = "/";
	assert_int_equal(elfdeps_add_binary(&d, "/usr/bin/qemu-system-x86_64"), 0);
	assert_true(d.n >= 30);
	assert_non_null(find_dep(&d, "libglib-2.0.so.0"));
	assert_non_null(find_dep(&d, "libc.so.6"));
	for (size_t i = 0; i < d.n; i++) {
		interps += d.v[i].is_interp;
		assert_int_equal(access(d.v[i].host_path, R_OK), 0);
		for (size_t k = 0; k < i; k++)
			assert_string_not_equal(d.v[i].image_path, d.v[k].image_path);
	}
	assert_int_equal(interps, 1);
	/* adding /bin/ls as well brings only what qemu did not need */
	{
		size_t n = d.n;
		assert_int_equal(elfdeps_add_binary(&d, "/bin/ls"), 0);
		assert_true(d.n <= n + 1); /* at most libselinux is new */
	}
	elfdeps_release(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_elf64_program),
		cmocka_unit_test(test_elf32_little_endian),
		cmocka_unit_test(test_big_endian),
		cmocka_unit_test(test_static_and_headerless),
		cmocka_unit_test(test_pn_xnum),
		cmocka_unit_test(test_not_elf),
		cmocka_unit_test(test_truncated_header),
		cmocka_unit_test(test_bad_ident),
		cmocka_unit_test(test_phoff_past_end),
		cmocka_unit_test(test_huge_phnum),
		cmocka_unit_test(test_bad_phentsize),
		cmocka_unit_test(test_bad_interp),
		cmocka_unit_test(test_dynamic_past_end),
		cmocka_unit_test(test_dynamic_without_null),
		cmocka_unit_test(test_strtab_missing),
		cmocka_unit_test(test_strtab_past_end),
		cmocka_unit_test(test_string_offset_past_strtab),
		cmocka_unit_test(test_unterminated_string),
		cmocka_unit_test(test_mutations),
		cmocka_unit_test(test_machine_names),
		cmocka_unit_test(test_host_ls),
		cmocka_unit_test_setup_teardown(test_resolve_basic, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(test_resolve_needed_loops, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(test_resolve_ld_so_conf, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(test_resolve_ld_so_conf_reincluded, setup_root,
						teardown_root),
		cmocka_unit_test_setup_teardown(test_resolve_rpath_runpath, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(test_resolve_load_order, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(test_resolve_runpath_not_inherited, setup_root,
						teardown_root),
		cmocka_unit_test_setup_teardown(test_resolve_origin, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(test_resolve_same_file_twice, setup_root,
						teardown_root),
		cmocka_unit_test_setup_teardown(test_resolve_nodeflib, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(test_resolve_errors, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(test_resolve_target, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(test_resolve_keep_going, setup_root, teardown_root),
		cmocka_unit_test(test_host_ls_deps),
		cmocka_unit_test(test_host_qemu_deps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
