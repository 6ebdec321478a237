/* image.h: the stick image: an MBR with Syslinux's boot code and one active FAT partition
 * (1 MiB aligned), made by mkfs.fat, filled with mtools, and made bootable by syslinux's
 * installer (ldlinux.sys, ldlinux.c32) - all on an image file, with no root, mount or loop
 * device.
 */
#ifndef MKDISTRO_IMAGE_H
#define MKDISTRO_IMAGE_H

#include "build/arch.h"
#include "build/config.h"
#include "build/inputs.h"

#define IMAGE_PART_LBA 2048u /* the partition starts at 1 MiB */
#define IMAGE_SYSLINUX_DIR "/boot/syslinux"
/* UEFI firmware starts \EFI\BOOT\BOOTX64.EFI from a FAT partition (UEFI 2.x, 3.5.1.1,
 * removable media); Syslinux's EFI loader reads ldlinux.e64 and syslinux.cfg beside it. */
#define IMAGE_EFI_DIR "EFI/BOOT"

/* Write the image to img (a temporary name the caller renames) from the files under
 * stick_dir, which must hold IMAGE_SYSLINUX_DIR/syslinux.cfg.  Returns 0 or -1 (reported). */
int image_build(const struct plan *plan, const char *stick_dir, const char *img, const char *log);
/* Everything image_build's image is made from: the stick tree, the [image] settings, the
 * tools and Syslinux's MBR code, and mkdistro itself.  Returns 0 or -1 (reported). */
int image_inputs(const struct plan *plan, const char *stick_dir, struct inputs *in);
/* The file with Syslinux's MBR boot code (malloc'd), or NULL (reported, naming the package). */
char *image_find_mbr_bin(void);

/* Run a FAT or image tool (mkfs.fat, mtools, syslinux, xorriso), its output to log:
 * SOURCE_DATE_EPOCH from the plan (plan may be NULL: none), and TZ=UTC, since mtools stamps
 * FAT times in local time, which has no zone: the same image in every time zone.
 * Returns 0, or -1 with the log's tail reported. */
int image_run(const struct plan *plan, const char *const *argv, const char *log);

/* Copy host into the FAT image fat as target ("::/dir/name"), replacing it, stamped with
 * the plan's epoch (mcopy -m keeps the host file's time, which is set first). */
int image_put(const struct plan *plan, const char *fat, const char *host, const char *target,
	      const char *log);

/* Copy the BIOS Syslinux's chain.c32, with the libcom32.c32 and libutil.c32 it needs
 * (syslinux-common), into dir, which exists: label hd chain-boots the PC's own disk with it
 * (formats/bootmenu.h, BOOTMENU_HD_CHAIN_SECOND).  Returns 0 or -1 (reported, naming the package). */
int image_copy_chain(const char *dir);
/* Those three files' names, and where the build host has one of them (malloc'd), or NULL
 * (reported, naming the package). */
#define IMAGE_N_CHAIN 3
extern const char *const image_chain_files[IMAGE_N_CHAIN];
char *image_find_chain_file(const char *name);

/* Copy Syslinux's EFI loader for CPU a (syslinux-efi: efi64/syslinux.efi as BOOTX64.EFI,
 * efi32/syslinux.efi as BOOTIA32.EFI) and its ldlinux.e64 or .e32 (syslinux-common) into
 * dir.  Returns 0, or -1 (reported, naming the Debian package to install). */
int image_copy_efi_loader(const struct arch *a, const char *dir);
/* The host files image_copy_efi_loader copies: Syslinux's EFI loader and its ldlinux
 * (malloc'd).  Returns 0, or -1 (reported, naming the Debian package) with both NULL. */
int image_efi_loader_files(const struct arch *a, char **loader, char **ldlinux);

/* The persistence partition's ext2 UUID, made from the volume id. */
void image_persist_uuid(const struct plan *plan, char out[37]);

/* A FAT filesystem image file just big enough for the stick tree, with the stick's label
 * and volume id: the UEFI boot image of the ISO.  Returns 0 or -1 (reported). */
int image_efi_fat(const struct plan *plan, const char *stick_dir, const char *file, const char *log);

#endif
