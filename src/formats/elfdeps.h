/* elfdeps.h: the shared libraries a set of programs needs, found as ld.so would find them.
 *
 * Implements the library search of glibc's dynamic linker as documented in ld.so(8) and
 * the System V ABI "Dynamic Linking" chapter (Shared Object Dependencies, Substitution
 * Sequences), by reading ELF headers with elf.h: nothing is run, so the programs need not be
 * for a working host and a hostile binary cannot act.  For each DT_NEEDED name, in ld.so's
 * breadth-first load order:
 *   1. an object already loaded for this program that answers to the name (by the name it
 *      was requested as, its path, or its DT_SONAME), the interpreter included;
 *   2. a name containing '/' is a path, used as it is;
 *   3. DT_RPATH of the object that needs it, then of the object that loaded that one, and
 *      so on up to the program, unless the needing object has DT_RUNPATH (an object's own
 *      DT_RPATH is ignored when it has DT_RUNPATH);
 *   4. LD_LIBRARY_PATH is ignored: it describes the shell running mkdistro, not the image;
 *   5. DT_RUNPATH of the object that needs it (and only of that one);
 *   6. the directories of /etc/ld.so.conf, standing in for /etc/ld.so.cache (a file only
 *      counts when its DT_SONAME is the name, as ldconfig files it under its soname);
 *   7. the system directories, /lib/<triplet>, /usr/lib/<triplet>, /lib, /usr/lib.
 * Steps 6 and 7 are left out for objects marked DF_1_NODEFLIB.  A file of another ELF class
 * or machine is passed over, as ld.so does.  $ORIGIN, $LIB and $PLATFORM are expanded in
 * search paths and in DT_NEEDED; the program's $ORIGIN is the directory of the path as
 * given (as when ldd runs it through ld.so), not of the symlink's target, so the result
 * holds for a program copied into the image under that path.  The glibc-hwcaps and legacy
 * hwcap subdirectories are not searched: the image may boot on a CPU other than the host's,
 * and the baseline library runs on every one.
 *
 * The same search runs inside a root filesystem manifest (tree), to check that the image
 * itself holds what each of its programs needs (see lint.h): paths are then paths in the
 * image, found through its own symlinks, and what cannot be found can be collected
 * (keep_going) rather than ending the walk at the first.  Either way the files are read
 * through a file view (fileview.h), and /etc/ld.so.conf by ldsoconf.h.
 */
#ifndef MKDISTRO_ELFDEPS_H
#define MKDISTRO_ELFDEPS_H

#include <stddef.h>
#include <stdio.h>

#include "formats/ldsoconf.h"

struct elf_dep {
	char *name;       /* the DT_NEEDED name ($ORIGIN etc. expanded), or the PT_INTERP path */
	char *host_path;  /* the file to copy: the path ld.so opens and ldd prints, such as
			   * /lib/x86_64-linux-gnu/libc.so.6 or /lib64/ld-linux-x86-64.so.2;
			   * under root when root is not "/" */
	char *image_path; /* where it goes in the image: host_path without root, lexically
			   * normalised (no "." or ".." parts), absolute; for the interpreter,
			   * the PT_INTERP path */
	int is_interp;
};

/* A dependency that keep_going passed over. */
struct elf_missing {
	char *name;      /* the PT_INTERP path, or the DT_NEEDED name ($ORIGIN etc. expanded) */
	char *needed_by; /* the program, or the library that needs it (as in error messages) */
	char *searched;  /* the directories searched, ", "-separated; NULL for a path */
	char *why;       /* NULL: nothing there; else what is wrong with what is there, as a
			  * predicate: "is not an ELF file", "is for another architecture (...)" */
	int is_interp;
};

struct manifest;

/* The machine the programs are for: what ld.so on it would load and search. */
struct elfdeps_target {
	int machine;          /* ELF e_machine: 62 x86-64, 3 i386, 183 AArch64 */
	int class64;          /* 1: ELFCLASS64 */
	const char *triplet;  /* Debian's multiarch triplet: /lib/<triplet>, $LIB */
	const char *platform; /* $PLATFORM */
};
/* This host's: the default. */
extern const struct elfdeps_target elfdeps_host;

struct elfdeps {
	struct elf_dep *v; /* every dependency found so far, each image_path once */
	size_t n, cap;
	/* When set, every path (the program's, search directories, /etc/ld.so.conf, PT_INTERP)
	 * is one inside this manifest, resolved with manifest_resolve and read from the entry's
	 * source or data; root is not used, and host_path is the image path.  A hard link or a
	 * second path to one entry is the same object, as the same inode is to ld.so.  The
	 * tree's /etc/ld.so.conf counts only when the tree also has an /etc/ld.so.cache (made
	 * from it, presumably): without one, ld.so in the image never reads the configuration.
	 * Not owned; set before the first elfdeps_add_binary. */
	const struct manifest *tree;
	/* When set, an interpreter or library that is not found, or cannot be used, is added
	 * to missing (each name and needed_by once) and the walk goes on without it, instead of
	 * failing the call. */
	int keep_going;
	struct elf_missing *missing;
	size_t n_missing, cap_missing;
	/* The host directory that stands for "/" in every lookup: search directories,
	 * /etc/ld.so.conf, PT_INTERP, absolute DT_NEEDED paths.  elfdeps_init sets it to
	 * "/"; change it before the first elfdeps_add_binary.  Not owned.
	 * Absolute symlinks under it still point at the host. */
	const char *root;
	/* The programs' machine; elfdeps_init sets it to this host's (elfdeps_host).  A file
	 * for another machine is passed over when found in a search, an error when named. */
	const struct elfdeps_target *target;
	/* private: the directories of /etc/ld.so.conf, read on first use */
	struct ldsoconf conf;
	int conf_read;
};

void elfdeps_init(struct elfdeps *d);
void elfdeps_release(struct elfdeps *d);

/* Add what the program or shared library at path needs: its interpreter and its libraries,
 * recursively; each image path is added once across calls.  A static program adds nothing.
 * Returns 0, or -1 with the error reported: the file is unreadable, not ELF, malformed, for
 * another architecture than the target, not an executable or shared library, or (unless
 * keep_going) one of its libraries or its interpreter cannot be found.  On error d is
 * unchanged. */
int elfdeps_add_binary(struct elfdeps *d, const char *path);

/* Print the dependencies in ldd's format, one per line, without load addresses:
 * "\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6", or "\t/lib64/ld-linux-x86-64.so.2" when
 * the name is the path (the interpreter, or a DT_NEEDED path). */
void elfdeps_print(const struct elfdeps *d, FILE *f);

#endif
