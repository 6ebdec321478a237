/* arch.c: the table of CPUs (see arch.h).
 * Only the table: no other module is linked in (boot/qemu.c's test harness uses it alone).
 * References: the kernel's Documentation/kbuild/kbuild.rst (ARCH, CROSS_COMPILE), Debian's
 * multiarch triplets (https://wiki.debian.org/Multiarch/Tuples), Syslinux's efi32 and efi64
 * loaders (syslinux-efi), QEMU's system emulators and Debian's OVMF/AAVMF firmware.
 */
#include "build/arch.h"

#include <stdio.h>
#include <string.h>

#include "formats/elf.h"

static const struct arch table[] = {
	{
		.name = "x86_64",
		.debian = "amd64",
		.uname = "x86_64",
		.kernel_arch = "x86_64",
		.kernel_image = "arch/x86/boot/bzImage",
		.kernel_target = "bzImage",
		.cross = "x86_64-linux-gnu-",
		.cross_package = "gcc-x86-64-linux-gnu",
		.sysroot = "/usr/x86_64-linux-gnu",
		.sysroot_package = "libc6-dev-amd64-cross",
		.elf = {ELF_EM_X86_64, 1, "x86_64-linux-gnu", "x86_64"},
		.elf_name = "x86-64",
		.efi_name = "BOOTX64.EFI",
		.efi_loader = "efi64/syslinux.efi",
		.efi_ldlinux = "efi64/ldlinux.e64",
		.efi_ldlinux_name = "ldlinux.e64",
		.bios = 1,
		.qemu = "qemu-system-x86_64",
		.qemu_package = "qemu-system-x86",
		.ovmf_code = "/usr/share/OVMF/OVMF_CODE_4M.fd",
		.ovmf_vars = "/usr/share/OVMF/OVMF_VARS_4M.fd",
		.ovmf_package = "ovmf",
	},
	{
		/* The i686 baseline of Debian's i386 userland (cmov): a Pentium Pro or later.
		 * The kernel's own processor family is kernel.config's (CONFIG_M686,
		 * CONFIG_MPENTIUMIII, CONFIG_M586MMX, ...). */
		.name = "i686",
		.debian = "i386",
		.uname = "i686",
		.kernel_arch = "i386",
		.kernel_image = "arch/x86/boot/bzImage",
		.kernel_target = "bzImage",
		.cross = "i686-linux-gnu-",
		.cross_package = "gcc-i686-linux-gnu",
		.sysroot = "/usr/i686-linux-gnu",
		.sysroot_package = "libc6-dev-i386-cross",
		.elf = {ELF_EM_386, 0, "i386-linux-gnu", "i686"},
		.elf_name = "i386",
		.efi_name = "BOOTIA32.EFI",
		.efi_loader = "efi32/syslinux.efi",
		.efi_ldlinux = "efi32/ldlinux.e32",
		.efi_ldlinux_name = "ldlinux.e32",
		.bios = 1,
		.qemu = "qemu-system-i386",
		.qemu_package = "qemu-system-x86",
		.qemu_cpu = "pentium3",
		.ovmf_code = "/usr/share/OVMF/OVMF32_CODE_4M.secboot.fd",
		.ovmf_vars = "/usr/share/OVMF/OVMF32_VARS_4M.fd",
		.ovmf_package = "ovmf-ia32",
		.uefi_machine = "q35,smm=on",
		.uefi_secure_flash = 1,
	},
	{
		/* 64-bit Arm with UEFI: QEMU's virt machine, VirtualBox and UTM on Apple silicon,
		 * cloud VMs, boards with UEFI firmware.  Syslinux has no arm64 loader: the
		 * stick boots through GRUB (EFI/BOOT/BOOTAA64.EFI), and the kernel's Image is an
		 * EFI program itself (CONFIG_EFI_STUB). */
		.name = "arm64",
		.debian = "arm64",
		.uname = "aarch64",
		.kernel_arch = "arm64",
		.kernel_image = "arch/arm64/boot/Image",
		.kernel_target = "Image",
		.cross = "aarch64-linux-gnu-",
		.cross_package = "gcc-aarch64-linux-gnu",
		.sysroot = "/usr/aarch64-linux-gnu",
		.sysroot_package = "libc6-dev-arm64-cross",
		.elf = {ELF_EM_AARCH64, 1, "aarch64-linux-gnu", "aarch64"},
		.elf_name = "AArch64",
		.efi_name = "BOOTAA64.EFI",
		.grub_platform = "arm64-efi",
		.grub_package = "grub-efi-arm64-bin",
		.bios = 0,
		.qemu = "qemu-system-aarch64",
		.qemu_package = "qemu-system-arm",
		.qemu_cpu = "cortex-a57",
		.machine = "virt",
		.qemu_boot = "menu=on,splash-time=0",
		.console = "ttyAMA0",
		.ovmf_code = "/usr/share/AAVMF/AAVMF_CODE.fd",
		.ovmf_vars = "/usr/share/AAVMF/AAVMF_VARS.fd",
		.ovmf_package = "qemu-efi-aarch64",
	},
};
#define N_ARCH (sizeof(table) / sizeof(table[0]))

const struct arch *arch_find(const char *name)
{
	for (size_t i = 0; i < N_ARCH; i++)
		if (!strcmp(table[i].name, name))
			return &table[i];
	return NULL;
}

const struct arch *arch_default(void)
{
	return &table[0];
}

const char *arch_names(void)
{
	static char names[64];
	if (!names[0])
		for (size_t i = 0; i < N_ARCH; i++)
			snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
				 i ? ", " : "", table[i].name);
	return names;
}

/* The row this host's own compiler builds for. */
#if defined(__x86_64__) && defined(__LP64__)
#define HOST_ARCH "x86_64"
#elif defined(__i386__)
#define HOST_ARCH "i686"
#elif defined(__aarch64__)
#define HOST_ARCH "arm64"
#else
#define HOST_ARCH ""
#endif

const char *arch_cross(const struct arch *a)
{
	return strcmp(a->name, HOST_ARCH) ? a->cross : "";
}

void arch_elfdeps(const struct arch *a, struct elfdeps *d)
{
	d->target = &a->elf;
	if (*arch_cross(a))
		d->root = a->sysroot;
}

int arch_native(const struct arch *a)
{
	return !strcmp(a->name, HOST_ARCH) ||
	       (!strcmp(HOST_ARCH, "x86_64") && !strcmp(a->name, "i686"));
}

