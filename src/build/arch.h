/* arch.h: the CPUs an image can be built for, one row each: what the kernel's Kbuild, the
 * cross toolchain, Debian's archive, the ELF checks, the boot loader and QEMU call it.
 *
 * [system] arch names a row (x86_64 by default).  Every stage that depends on the CPU reads
 * its row, so adding a CPU is adding a row; the cache keys name the row, so each CPU's
 * kernels, BusyBoxes and initrds are cached apart.
 */
#ifndef MKDISTRO_ARCH_H
#define MKDISTRO_ARCH_H

#include "formats/elfdeps.h"

struct arch {
	const char *name;        /* [system] arch: x86_64, i686, arm64 */
	const char *debian;      /* Debian's architecture: amd64, i386, arm64 */
	const char *uname;       /* what `uname -m` says on it: x86_64, i686, aarch64 */
	const char *kernel_arch; /* Kbuild's ARCH=: x86_64, i386, arm64 */
	const char *kernel_image; /* the boot image, in the build tree */
	const char *kernel_target; /* make target that writes it */
	const char *cross;       /* CROSS_COMPILE= when the host is not this CPU: "i686-linux-gnu-" */
	const char *cross_package; /* the Debian package of the cross compiler */
	const char *sysroot;     /* the cross C library's root, for a dynamic BusyBox */
	const char *sysroot_package;
	struct elfdeps_target elf; /* ELF machine, class, multiarch triplet, $PLATFORM */
	const char *elf_name;    /* in messages: "x86-64", "i386", "AArch64" */
	/* UEFI: the loader as the firmware's default (EFI/BOOT/<efi_name>) and Syslinux's
	 * ldlinux module beside it; NULL when Syslinux has none for this CPU */
	const char *efi_name, *efi_loader, *efi_ldlinux, *efi_ldlinux_name;
	/* Where Syslinux has no loader for the CPU (efi_loader NULL): GRUB, made by the host's
	 * grub-mkimage for this platform from the modules of the Debian package named, fetched
	 * for the CPU's architecture through the project's apt configuration */
	const char *grub_platform, *grub_package;
	int bios;                /* Syslinux's BIOS boot works on it */
	const char *qemu;        /* the QEMU binary that runs it, and its Debian package */
	const char *qemu_package;
	const char *qemu_cpu;    /* -cpu, or NULL for QEMU's default */
	const char *machine;     /* -machine, always (NULL: QEMU's default PC) */
	/* -boot, or NULL: for AAVMF, menu=on,splash-time=0 ends its hidden 5-second wait for a
	 * key before the first boot entry (it shows nothing on the serial line meanwhile) */
	const char *qemu_boot;
	/* the serial console in [boot] append's default, when not the PC's ttyS0 */
	const char *console;
	const char *ovmf_code, *ovmf_vars, *ovmf_package; /* its UEFI firmware in QEMU */
	/* the machine that firmware needs, or NULL for QEMU's default: Debian's only ia32 OVMF
	 * is the Secure Boot build, which runs only on q35 with SMM and a secure flash */
	const char *uefi_machine;
	int uefi_secure_flash;
};

/* The row named name, or NULL. */
const struct arch *arch_find(const char *name);
/* The default row (x86_64). */
const struct arch *arch_default(void);
/* The names of every row, "x86_64, i686, arm64", for messages and --help. */
const char *arch_names(void);
/* The prefix of the tools that build for a (CROSS_COMPILE), "" when the host runs a's
 * programs natively. */
const char *arch_cross(const struct arch *a);
/* Point d (after elfdeps_init) at CPU a's programs: their ELF machine, and for a CPU this
 * host builds for with a cross compiler, its cross C library as the root of every lookup. */
void arch_elfdeps(const struct arch *a, struct elfdeps *d);
/* Whether this host's CPU runs a's programs itself, so that KVM can run a's machine
 * (x86_64 runs i686's too); else QEMU emulates it (TCG). */
int arch_native(const struct arch *a);

#endif
