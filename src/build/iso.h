/* iso.h: the hybrid CD image, out/mkdistro.iso.
 *
 * One file that boots three ways: as a CD on BIOS (El Torito, ISOLINUX), and written raw
 * to a stick on BIOS (xorriso's isohybrid MBR from isohdpfx.bin, then ISOLINUX) and on UEFI
 * (an EFI system partition appended after the ISO: a small FAT image with Syslinux's EFI
 * loader, the kernels and initrds, since syslinux.efi reads only FAT).
 *
 * Not as a CD on UEFI: Syslinux's EFI loader cannot boot from optical media (it stops the
 * firmware with an invalid-opcode exception in OVMF; the Syslinux list says as much, e.g.
 * syslinux.org/archives/2015-April/023381.html), so there is no El Torito EFI entry for
 * firmware to trip over.
 * References: xorrisofs(1) (-b, -isohybrid-mbr, -append_partition, --modification-date),
 * Syslinux's doc/isolinux.txt, the El Torito specification.
 */
#ifndef MKDISTRO_ISO_H
#define MKDISTRO_ISO_H

#include "build/config.h"
#include "build/inputs.h"

/* ISOLINUX (Debian's isolinux: isolinux.bin, and isohdpfx.bin, the isohybrid MBR), and the
 * BIOS ldlinux.c32 (syslinux-common) beside it in the ISO's /isolinux */
#define ISO_ISOLINUX_DIR "/usr/lib/ISOLINUX"
#define ISO_LDLINUX_C32 "/usr/lib/syslinux/modules/bios/ldlinux.c32"

/* Build the ISO from the stick tree (the stick's boot/ files and boot menu), working in
 * work (a fresh directory of its own), writing iso.  The menu is the stick's, but it finds
 * the medium by the ISO's volume label instead of the FAT volume id.  Tool output goes to
 * log.  Returns 0 or -1 (reported). */
int iso_build(const struct plan *plan, const char *stick_dir, const char *work, const char *iso,
	      const char *log);
/* Everything the ISO is made from (the stick tree, its menu, the tools and ISOLINUX's
 * files, mkdistro itself).  Returns 0 or -1 (reported). */
int iso_inputs(const struct plan *plan, const char *stick_dir, struct inputs *in);

#endif
