/* elf.h: read the dynamic-linking facts of an ELF file held in memory.
 *
 * Implements the parts of the System V ABI (gABI, "Object File Format" and "Dynamic
 * Linking" chapters, https://refspecs.linuxfoundation.org/elf/gabi4+/contents.html) that
 * decide which shared libraries a program loads: the ELF header, the program header table,
 * PT_INTERP, and the PT_DYNAMIC entries DT_NEEDED, DT_RPATH, DT_RUNPATH, DT_SONAME and
 * DT_FLAGS_1, with their strings read from DT_STRTAB.  ELF32 and ELF64, either byte order.
 *
 * The parser is pure: no I/O, no messages, no globals, so it can be fuzzed.  Every offset
 * and size read from the file is checked against the buffer before use; a malformed file
 * gets -1 and a lowercase reason, never a read outside the buffer.  Section headers are not
 * needed (a stripped file may not have usable ones), except to find the real program header
 * count when e_phnum is PN_XNUM.
 */
#ifndef MKDISTRO_ELF_H
#define MKDISTRO_ELF_H

#include <stddef.h>
#include <stdint.h>

/* e_machine values that callers name in messages; the full list is in the gABI. */
#define ELF_EM_386 3
#define ELF_EM_X86_64 62
#define ELF_EM_AARCH64 183

/* e_type values. */
#define ELF_ET_REL 1
#define ELF_ET_EXEC 2
#define ELF_ET_DYN 3
#define ELF_ET_CORE 4

/* DT_FLAGS_1 bit: search neither ld.so.cache nor the default directories for this
 * object's dependencies. */
#define ELF_DF_1_NODEFLIB 0x800

struct elf_info {
	int class64;       /* 1 for ELFCLASS64, 0 for ELFCLASS32 */
	int little_endian; /* 1 for ELFDATA2LSB, 0 for ELFDATA2MSB */
	unsigned machine;  /* e_machine */
	unsigned type;     /* e_type */
	char *interp;      /* PT_INTERP path, or NULL */
	char **needed;     /* DT_NEEDED names, in the order of the dynamic section */
	size_t n_needed;
	char *rpath;       /* DT_RPATH, or NULL; kept even when DT_RUNPATH is present */
	char *runpath;     /* DT_RUNPATH, or NULL */
	char *soname;      /* DT_SONAME, or NULL */
	uint64_t flags_1;  /* DT_FLAGS_1, or 0 */
};

/* Parse size bytes at data.  Returns 0 with *out filled (strings are copies, owned by *out),
 * or -1 with *out zeroed and a lowercase reason in err (at most errlen bytes, always
 * NUL-terminated; err may be NULL).  The reason is exactly "not an ELF file" when the magic
 * number is wrong.  A file with no PT_DYNAMIC (static, or relocatable) parses with no
 * needed libraries.  When one tag appears more than once, the last one counts (as in
 * ld.so); DT_NEEDED entries all count. */
int elf_parse(const void *data, size_t size, struct elf_info *out, char *err, size_t errlen);

/* Free what elf_parse allocated and zero *info.  Safe on a zeroed struct. */
void elf_info_release(struct elf_info *info);

/* A human name for an e_machine value ("x86-64", "i386", "AArch64", the names src/build/arch.c
 * gives its CPUs), or NULL when unknown. */
const char *elf_machine_name(unsigned machine);

#endif
