/* tools.h: the host programs and files a command needs, and the Debian package of each, so
 * that a missing one is named with the package to install before any work starts.
 */
#ifndef MKDISTRO_TOOLS_H
#define MKDISTRO_TOOLS_H

enum tools_need {
	TOOLS_BUILD = 1,  /* build, lint, lock, menuconfig: compilers, Kbuild's helpers, mkfs.fat,
			   * mtools, dpkg and apt; the CPU's loader tools: syslinux and its EFI
			   * loader, or grub-mkimage */
	TOOLS_VM = 2,     /* run, test, matrix: the CPU's QEMU (qemu-system-x86_64, ...) */
	TOOLS_EXPORT = 4, /* export: qemu-img */
	TOOLS_MUSL = 8,   /* with TOOLS_BUILD when [busybox] libc = musl: musl-gcc */
	TOOLS_LIBC = 16,  /* ldd --arch: the CPU's C library, the cross one for another CPU */
};

struct arch;

/* Check every program (in PATH) and file of the sets in need for a project of CPU a,
 * reporting each missing one with its package: "'mkfs.fat' is not found in PATH; install
 * the Debian package 'dosfstools' (apt-get install dosfstools)".  a NULL: what every CPU
 * needs (export's qemu-img).  Returns 0, or -1 when any is missing. */
int tools_check(unsigned need, const struct arch *a);

#endif
