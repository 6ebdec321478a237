/* elf.c: read the dynamic-linking facts of an ELF file held in memory (see elf.h).
 *
 * Spec: System V ABI, "Object File Format" (ELF header, program header) and "Dynamic
 * Linking" (PT_INTERP, PT_DYNAMIC, DT_*) chapters, gABI 4.1 and the 2013 draft
 * (https://refspecs.linuxfoundation.org/elf/gabi4+/contents.html); PN_XNUM from the gABI's
 * "Extended program header numbering"; DT_FLAGS_1 and DT_RUNPATH as in glibc's <elf.h>.
 *
 * Every number read from the file is untrusted.  Offsets and sizes are 64-bit and only
 * compared in the form `off <= size && len <= size - off`, which cannot overflow.  All loops
 * run over counts already proved to fit inside the buffer.  Field offsets are written out by
 * hand rather than taken from the host's <elf.h>, so the reader does not depend on the host's
 * byte order or word size.
 */
#include "formats/elf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sys/alloc.h"
#include "sys/log.h"

/* Constants from the gABI. */
enum {
	EI_NIDENT = 16,
	EI_CLASS = 4,
	EI_DATA = 5,
	EI_VERSION = 6,
	ELFCLASS32 = 1,
	ELFCLASS64 = 2,
	ELFDATA2LSB = 1,
	ELFDATA2MSB = 2,
	EV_CURRENT = 1,
	PN_XNUM = 0xffff,
	PT_LOAD = 1,
	PT_DYNAMIC = 2,
	PT_INTERP = 3,
	DT_NULL = 0,
	DT_NEEDED = 1,
	DT_STRTAB = 5,
	DT_STRSZ = 10,
	DT_SONAME = 14,
	DT_RPATH = 15,
	DT_RUNPATH = 29,
};
#define DT_FLAGS_1 0x6ffffffbu

/* The buffer, and how to read its multi-byte fields. */
struct rd {
	const unsigned char *p;
	size_t size;
	int c64; /* ELFCLASS64 */
	int le;  /* ELFDATA2LSB */
};

/* One program header, widened to 64 bits. */
struct phdr {
	uint32_t type;
	uint64_t offset, vaddr, filesz;
};

/* What the dynamic section says, before the strings are read. */
struct dyn {
	uint64_t off, n;                 /* file offset of the entries, and how many up to DT_NULL */
	uint64_t strtab, strsz;          /* DT_STRTAB (a virtual address) and DT_STRSZ */
	int has_strtab, has_strsz;
	uint64_t soname, rpath, runpath; /* string table offsets */
	int has_soname, has_rpath, has_runpath;
	size_t n_needed;
	const unsigned char *str;        /* the string table, once located */
};

PRINTF_LIKE(3, 4)
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	if (!err || !errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* off and len lie inside the buffer.  Never overflows. */
static int in_buf(const struct rd *r, uint64_t off, uint64_t len)
{
	return off <= r->size && len <= r->size - off;
}

/* Readers of fields whose bounds the caller has checked. */
static uint64_t get_n(const struct rd *r, uint64_t off, unsigned n)
{
	const unsigned char *q = r->p + off;
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)q[r->le ? i : n - 1 - i] << (8 * i);
	return v;
}

static unsigned get16(const struct rd *r, uint64_t off)
{
	return (unsigned)get_n(r, off, 2);
}

static uint32_t get32(const struct rd *r, uint64_t off)
{
	return (uint32_t)get_n(r, off, 4);
}

/* An Elf32_Addr/Off/Word or Elf64_Addr/Off/Xword, by class. */
static uint64_t get_word(const struct rd *r, uint64_t off)
{
	return get_n(r, off, r->c64 ? 8 : 4);
}

static void read_phdr(const struct rd *r, uint64_t at, struct phdr *ph)
{
	ph->type = get32(r, at);
	if (r->c64) {
		ph->offset = get_word(r, at + 8);
		ph->vaddr = get_word(r, at + 16);
		ph->filesz = get_word(r, at + 32);
	} else {
		ph->offset = get_word(r, at + 4);
		ph->vaddr = get_word(r, at + 8);
		ph->filesz = get_word(r, at + 16);
	}
}

/* With e_phnum == PN_XNUM the real count is in sh_info of section header 0. */
static int xnum_phnum(const struct rd *r, uint64_t shoff, unsigned shentsize, uint64_t *phnum,
		      char *err, size_t errlen)
{
	uint64_t shsize = r->c64 ? 64 : 40;
	if (shoff == 0 || shentsize < shsize || !in_buf(r, shoff, shsize))
		return fail(err, errlen, "e_phnum is PN_XNUM but section header 0 is missing");
	*phnum = get32(r, shoff + (r->c64 ? 44 : 28));
	return 0;
}

static int read_interp(const struct rd *r, const struct phdr *ph, struct elf_info *out,
		       char *err, size_t errlen)
{
	const unsigned char *s, *nul;
	if (!in_buf(r, ph->offset, ph->filesz))
		return fail(err, errlen, "interpreter path past end of file");
	s = r->p + ph->offset;
	nul = ph->filesz ? memchr(s, '\0', ph->filesz) : NULL;
	if (!nul)
		return fail(err, errlen, "unterminated interpreter path");
	if (nul == s)
		return fail(err, errlen, "empty interpreter path");
	out->interp = xstrndup((const char *)s, (size_t)(nul - s));
	return 0;
}

/* First pass over the dynamic section: find DT_NULL, the string table and the counts. */
static int scan_dynamic(const struct rd *r, const struct phdr *ph, struct dyn *dy,
			struct elf_info *out, char *err, size_t errlen)
{
	uint64_t entsize = r->c64 ? 16 : 8, max, i;
	int terminated = 0;

	if (!in_buf(r, ph->offset, ph->filesz))
		return fail(err, errlen, "dynamic section past end of file");
	dy->off = ph->offset;
	max = ph->filesz / entsize;
	for (i = 0; i < max; i++) {
		uint64_t at = dy->off + i * entsize;
		uint64_t tag = get_word(r, at), val = get_word(r, at + entsize / 2);
		if (tag == DT_NULL) {
			terminated = 1;
			break;
		}
		switch (tag) {
		case DT_NEEDED:
			dy->n_needed++;
			break;
		case DT_STRTAB:
			dy->strtab = val;
			dy->has_strtab = 1;
			break;
		case DT_STRSZ:
			dy->strsz = val;
			dy->has_strsz = 1;
			break;
		case DT_SONAME:
			dy->soname = val;
			dy->has_soname = 1;
			break;
		case DT_RPATH:
			dy->rpath = val;
			dy->has_rpath = 1;
			break;
		case DT_RUNPATH:
			dy->runpath = val;
			dy->has_runpath = 1;
			break;
		case DT_FLAGS_1:
			out->flags_1 = val;
			break;
		}
	}
	if (!terminated)
		return fail(err, errlen, "dynamic section has no DT_NULL terminator");
	dy->n = i;
	return 0;
}

/* DT_STRTAB is a virtual address: find the PT_LOAD segment whose file image holds it. */
static int locate_strtab(const struct rd *r, uint64_t phoff, unsigned phentsize, uint64_t phnum,
			 struct dyn *dy, char *err, size_t errlen)
{
	for (uint64_t i = 0; i < phnum; i++) {
		struct phdr ph;
		uint64_t delta, off;
		read_phdr(r, phoff + i * phentsize, &ph);
		if (ph.type != PT_LOAD || dy->strtab < ph.vaddr || dy->strtab - ph.vaddr >= ph.filesz)
			continue;
		delta = dy->strtab - ph.vaddr;
		if (ph.offset > r->size || delta > r->size - ph.offset)
			return fail(err, errlen, "string table past end of file");
		off = ph.offset + delta;
		if (!in_buf(r, off, dy->strsz))
			return fail(err, errlen, "string table past end of file");
		if (dy->strsz > ph.filesz - delta)
			return fail(err, errlen, "string table runs past the end of its segment");
		dy->str = r->p + off;
		return 0;
	}
	return fail(err, errlen, "string table address 0x%llx is not in a loadable segment",
		    (unsigned long long)dy->strtab);
}

/* A copy of the string at offset off in the string table, for the tag named what. */
static int get_string(const struct dyn *dy, uint64_t off, const char *what, char **res,
		      char *err, size_t errlen)
{
	const unsigned char *nul;
	if (off >= dy->strsz)
		return fail(err, errlen, "%s string offset %llu past end of string table (%llu bytes)",
			    what, (unsigned long long)off, (unsigned long long)dy->strsz);
	nul = memchr(dy->str + off, '\0', (size_t)(dy->strsz - off));
	if (!nul)
		return fail(err, errlen, "unterminated string table entry");
	if (nul == dy->str + off)
		return fail(err, errlen, "empty %s string", what);
	*res = xstrndup((const char *)dy->str + off, (size_t)(nul - (dy->str + off)));
	return 0;
}

static int read_dynamic(const struct rd *r, const struct phdr *dynph, uint64_t phoff,
			unsigned phentsize, uint64_t phnum, struct elf_info *out, char *err,
			size_t errlen)
{
	struct dyn dy = { 0 };
	uint64_t entsize = r->c64 ? 16 : 8;

	if (scan_dynamic(r, dynph, &dy, out, err, errlen) < 0)
		return -1;
	if (!dy.n_needed && !dy.has_soname && !dy.has_rpath && !dy.has_runpath)
		return 0;
	if (!dy.has_strtab)
		return fail(err, errlen, "dynamic section has no DT_STRTAB");
	if (!dy.has_strsz)
		return fail(err, errlen, "dynamic section has no DT_STRSZ");
	if (locate_strtab(r, phoff, phentsize, phnum, &dy, err, errlen) < 0)
		return -1;

	if (dy.has_soname && get_string(&dy, dy.soname, "DT_SONAME", &out->soname, err, errlen) < 0)
		return -1;
	if (dy.has_rpath && get_string(&dy, dy.rpath, "DT_RPATH", &out->rpath, err, errlen) < 0)
		return -1;
	if (dy.has_runpath &&
	    get_string(&dy, dy.runpath, "DT_RUNPATH", &out->runpath, err, errlen) < 0)
		return -1;
	if (!dy.n_needed)
		return 0;
	out->needed = xcalloc(dy.n_needed, sizeof(*out->needed));
	for (uint64_t i = 0; i < dy.n; i++) {
		uint64_t at = dy.off + i * entsize;
		if (get_word(r, at) != DT_NEEDED)
			continue;
		if (get_string(&dy, get_word(r, at + entsize / 2), "DT_NEEDED",
			       &out->needed[out->n_needed], err, errlen) < 0)
			return -1;
		out->n_needed++;
	}
	return 0;
}

static int parse(const void *data, size_t size, struct elf_info *out, char *err, size_t errlen)
{
	struct rd r = { .p = data, .size = size };
	uint64_t phoff, shoff, phnum, phsize;
	unsigned phentsize, shentsize, version;
	struct phdr interp = { 0 }, dynamic = { 0 };
	int n_interp = 0, n_dynamic = 0;

	if (!data || size < 4 || memcmp(data, "\177ELF", 4) != 0)
		return fail(err, errlen, "not an ELF file");
	if (size < EI_NIDENT)
		return fail(err, errlen, "truncated ELF header");
	if (r.p[EI_CLASS] != ELFCLASS32 && r.p[EI_CLASS] != ELFCLASS64)
		return fail(err, errlen, "unknown ELF class %u", r.p[EI_CLASS]);
	if (r.p[EI_DATA] != ELFDATA2LSB && r.p[EI_DATA] != ELFDATA2MSB)
		return fail(err, errlen, "unknown ELF data encoding %u", r.p[EI_DATA]);
	if (r.p[EI_VERSION] != EV_CURRENT)
		return fail(err, errlen, "unknown ELF version %u", r.p[EI_VERSION]);
	r.c64 = r.p[EI_CLASS] == ELFCLASS64;
	r.le = r.p[EI_DATA] == ELFDATA2LSB;
	if (size < (r.c64 ? 64u : 52u))
		return fail(err, errlen, "truncated ELF header");

	out->class64 = r.c64;
	out->little_endian = r.le;
	out->type = get16(&r, 16);
	out->machine = get16(&r, 18);
	version = get32(&r, 20);
	if (version != EV_CURRENT)
		return fail(err, errlen, "unknown ELF version %u", version);
	phoff = get_word(&r, r.c64 ? 32 : 28);
	shoff = get_word(&r, r.c64 ? 40 : 32);
	phentsize = get16(&r, r.c64 ? 54 : 42);
	phnum = get16(&r, r.c64 ? 56 : 44);
	shentsize = get16(&r, r.c64 ? 58 : 46);
	phsize = r.c64 ? 56 : 32;

	if (phnum == PN_XNUM && xnum_phnum(&r, shoff, shentsize, &phnum, err, errlen) < 0)
		return -1;
	if (phnum == 0)
		return 0; /* no program headers: nothing is loaded, nothing is needed */
	if (phentsize < phsize)
		return fail(err, errlen, "bad program header entry size %u", phentsize);
	if (phoff == 0)
		return fail(err, errlen, "program header table at offset 0");
	if (phoff >= size)
		return fail(err, errlen, "program header table past end of file");
	/* phnum < 2^32 and phentsize < 2^16, so the product fits in 64 bits */
	if (!in_buf(&r, phoff, phnum * phentsize))
		return fail(err, errlen, "truncated program header table");

	for (uint64_t i = 0; i < phnum; i++) {
		struct phdr ph;
		read_phdr(&r, phoff + i * phentsize, &ph);
		if (ph.type == PT_INTERP) {
			interp = ph;
			n_interp++;
		} else if (ph.type == PT_DYNAMIC) {
			dynamic = ph;
			n_dynamic++;
		}
	}
	if (n_interp > 1)
		return fail(err, errlen, "more than one PT_INTERP segment");
	if (n_dynamic > 1)
		return fail(err, errlen, "more than one PT_DYNAMIC segment");
	if (n_interp && read_interp(&r, &interp, out, err, errlen) < 0)
		return -1;
	if (n_dynamic && read_dynamic(&r, &dynamic, phoff, phentsize, phnum, out, err, errlen) < 0)
		return -1;
	return 0;
}

int elf_parse(const void *data, size_t size, struct elf_info *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	if (err && errlen)
		err[0] = '\0';
	if (parse(data, size, out, err, errlen) == 0)
		return 0;
	elf_info_release(out);
	return -1;
}

void elf_info_release(struct elf_info *info)
{
	free(info->interp);
	for (size_t i = 0; i < info->n_needed; i++)
		free(info->needed[i]);
	free(info->needed);
	free(info->rpath);
	free(info->runpath);
	free(info->soname);
	memset(info, 0, sizeof(*info));
}

const char *elf_machine_name(unsigned machine)
{
	/* The names file(1) prints, so a message matches what the user sees there. */
	static const struct {
		unsigned machine;
		const char *name;
	} names[] = {
		{ 2, "SPARC" },
		{ 3, "i386" },
		{ 8, "MIPS" },
		{ 20, "PowerPC" },
		{ 21, "64-bit PowerPC" },
		{ 22, "IBM S/390" },
		{ 40, "ARM" },
		{ 43, "SPARC V9" },
		{ 50, "IA-64" },
		{ 62, "x86-64" },
		{ 183, "AArch64" },
		{ 243, "UCB RISC-V" },
		{ 258, "LoongArch" },
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].machine == machine)
			return names[i].name;
	return NULL;
}
