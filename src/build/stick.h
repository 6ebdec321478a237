/* stick.h: the boot menu of the stick, generated from the variants.
 *
 * One label per kernel x initrd pair, named by the variants' initials: main and custom give
 * exactly mm, mc, cm and cc (kernel first), plus hd (the PC's own disk: bootmenu.h,
 * BOOTMENU_HD_*; GRUB's exit on CPUs without Syslinux).  Label NAME boots
 * /boot/kernel/<kernel>.lk with /boot/initrd/<initrd>.gz (for a stacked initrd,
 * main.gz,<initrd>.gz) and [boot] append, how rc.S finds the medium, the kernel's modules
 * file on it when it has modules (mkdistro.modules=, unpacked by rc.hotplug: the boot loader
 * does not read them; with [boot] modules = initrd it does, after the initrds, as before
 * issue 20), the ext2 ramdisk arguments when the initrd is ext2, and [label.NAME] append.
 */
#ifndef MKDISTRO_STICK_H
#define MKDISTRO_STICK_H

#include "build/config.h"
#include "sys/buf.h"

/* Where the menu boots from, which decides how rc.S is told to find the medium, and which
 * Syslinux reads it, which decides what label hd does (bootmenu.h, BOOTMENU_HD_*): two bits. */
enum stick_medium {
	STICK_FAT = 0, /* the stick: by its FAT volume id, and the persistence partition if any */
	STICK_ISO = 1, /* the ISO: by its volume label (a CD has no FAT), and no persistence */
	STICK_EFI = 2, /* with either: the EFI Syslinux's menu (hd: LOCALBOOT, not chain.c32) */
	STICK_FAT_EFI = STICK_FAT | STICK_EFI,
	STICK_ISO_EFI = STICK_ISO | STICK_EFI,
};

/* The file name of kernel variant v's modules in boot/initrd (modules.h), an xz cpio that
 * also works as a stacked initrd: "modules.xz"
 * for main, "modules-NAME.xz" for the others (malloc'd). */
char *stick_modules_name(const struct plan *plan, const struct kvariant *v);
/* The syslinux.cfg text for plan.  display: a help file on the stick, or NULL.  stick_dir:
 * the stick tree, where a kernel's modules (stick_modules_name), when there, are named by
 * each of its labels (mkdistro.modules=, or in INITRD); NULL: none is.  Returns 0, or
 * -1 (reported: two variants with one initial, naming both; a [boot] default or a
 * [label.NAME] that names no label; whatever bootmenu_render refuses). */
int stick_menu(const struct plan *plan, const char *stick_dir, const char *display,
	       enum stick_medium medium, struct buf *out);

#endif
