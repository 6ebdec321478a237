/* mbr.h: the classic PC master boot record, and the FAT type for the boot partition.
 *
 * Spec: the IBM PC MBR layout as util-linux (libfdisk's dos label) and Syslinux's mbr.bin
 * read it: boot code at 0..439, the 32-bit disk signature at 440, two zero bytes, four
 * 16-byte partition entries at 446, and 0x55 0xAA at 510.  Each entry: status (0x80 active),
 * first CHS (3 bytes), type, last CHS (3 bytes), first LBA and sector count (little-endian
 * 32-bit).  Sectors are 512 bytes.
 */
#ifndef MKDISTRO_MBR_H
#define MKDISTRO_MBR_H

#include <stddef.h>
#include <stdint.h>

#define MBR_SECTOR_SIZE 512
#define MBR_BOOTCODE_MAX 440

/* Partition type bytes. */
#define MBR_TYPE_FAT16_LBA 0x0e /* "W95 FAT16 (LBA)" */
#define MBR_TYPE_FAT32_LBA 0x0c /* "W95 FAT32 (LBA)" */
#define MBR_TYPE_LINUX 0x83     /* "Linux" */

struct mbr_part {
	uint8_t bootable; /* nonzero: status 0x80, the partition the boot code loads */
	uint8_t type;     /* e.g. MBR_TYPE_FAT16_LBA; 0 means "empty" and is refused */
	uint32_t lba_start;
	uint32_t lba_count;
};

/*
 * Fill sector with an MBR: bootcode (bootcode_len <= 440 bytes; may be NULL when 0) and zeros
 * up to 440, the disk signature, and parts as entries 1..nparts (the rest empty).  Refused
 * with a reported error, leaving sector untouched: boot code over 440 bytes, more than 4
 * partitions, a partition at LBA 0 (the MBR itself), of length 0, of type 0, or past the
 * 32-bit LBA range, overlapping partitions, and more than one bootable partition (MBR boot
 * code such as Syslinux's loads the first active one and some BIOSes reject the disk).
 * Returns 0 or -1.
 */
int mbr_build(uint8_t sector[MBR_SECTOR_SIZE], const uint8_t *bootcode, size_t bootcode_len,
	      uint32_t disk_signature, const struct mbr_part *parts, size_t nparts);

/*
 * The CHS address of lba in a partition entry, for the usual 255 heads x 63 sectors
 * geometry: chs[0] = head, chs[1] = sector (1-63) | (cylinder bits 8-9) << 6,
 * chs[2] = cylinder bits 0-7.  Past cylinder 1023 the address is clamped to 1023/254/63
 * (fe ff ff), as fdisk and sfdisk write it; BIOSes then use the LBA fields.
 */
void mbr_chs(uint32_t lba, uint8_t chs[3]);

/*
 * Choose the FAT variant and partition type for a FAT partition of bytes bytes, the way
 * mkfs.fat (dosfstools 4.x) chooses when not told: FAT32 from 512 MiB, else FAT16.  So the
 * caller may run mkfs.fat with or without -F and get the same.
 *
 * - FAT16 (type 0x0e) below 512 MiB.  FAT16 needs 4085 to 65524 clusters; mkfs.fat starts
 *   at 2 KiB clusters, so it reaches 4085 clusters only at about 8 MiB and below that picks
 *   FAT12.  We refuse under 16 MiB (MBR_FAT_MIN) rather than get near that edge; a stick
 *   holding a kernel and an initramfs is bigger anyway.
 * - FAT32 (type 0x0c) from 512 MiB.  FAT16 allows at most 65524 clusters, so it would need
 *   16 KiB clusters from 512 MiB and 32 KiB from 1 GiB, and cannot pass 2 GiB with standard
 *   cluster sizes.  FAT32 needs 65525 clusters or more; mkfs.fat uses 4 KiB clusters at this
 *   size, which gives that from 256 MiB, so 512 MiB leaves margin.
 * - Up to 2 TiB - 512 bytes: an MBR counts sectors in 32 bits.
 *
 * The "LBA" types tell DOS-lineage code to read the partition by LBA (INT 13h extensions),
 * never by CHS: a USB stick's CHS geometry is whatever the BIOS makes up (Syslinux's
 * doc/usbkey.txt), so its CHS fields cannot be relied on.  Returns 0, or -1 with the error
 * reported.
 */
#define MBR_FAT_MIN ((uint64_t)16 << 20)
#define MBR_FAT32_FROM ((uint64_t)512 << 20)
int mbr_fat_type(uint64_t bytes, int *fat_bits, uint8_t *part_type);

#endif
