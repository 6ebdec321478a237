/* grub.h: GRUB as the stick's UEFI loader on the CPUs Syslinux has no loader for (arm64).
 *
 * EFI/BOOT/<efi_name> (BOOTAA64.EFI), the path a UEFI firmware boots from removable media,
 * is a GRUB core image made by the host's grub-mkimage (Debian's grub-common) from the
 * modules of the CPU's GRUB package (grub-efi-arm64-bin, fetched for that architecture by
 * packages_get_one and pinned in mkdistro.lock as the "loader").  Its prefix is /EFI/BOOT on
 * the partition it was loaded from, so it reads EFI/BOOT/grub.cfg beside it: the boot menu
 * (formats/grubcfg.h).  Why GRUB and not systemd-boot: GRUB's configuration is a script, so
 * the menu keeps Syslinux's boot: prompt, where a label is typed (on a serial line too);
 * systemd-boot chooses its entries with the arrow keys.
 */
#ifndef MKDISTRO_GRUB_H
#define MKDISTRO_GRUB_H

#include "build/config.h"
#include "build/packages.h"

/* The lock file's role of the package the loader is made from. */
#define GRUB_ROLE "loader"

/* The GRUB modules built into the core image: the MBR partition and its FAT, the menu's
 * script (normal: if, while; test: [ ]; true; echo, sleep, read), the Linux loader, and
 * minicmd for exit (label hd: back to the firmware's boot manager). */
#define GRUB_MODULES \
	"part_msdos", "fat", "normal", "test", "true", "echo", "sleep", "read", "linux", "minicmd"

/* Fetch the CPU's GRUB package (plan->arch->grub_package) into out.  Returns 0 or -1
 * (reported). */
int grub_fetch(const struct plan *plan, struct lockfile *lock, const char *log,
	       struct package *out);
/* Write the core image as efi_dir/<efi_name> from the package's modules, with grub-mkimage
 * (its output appended to log).  Returns 0 or -1 (reported: a missing grub-mkimage names the
 * package to install). */
int grub_make_loader(const struct plan *plan, const struct package *grub, const char *efi_dir,
		     const char *log);

#endif
