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
#else
#define HOST_ARCH ""
#endif

const char *arch_cross(const struct arch *a)
{
	return strcmp(a->name, HOST_ARCH) ? a->cross : "";
}

