/* mbr.c: the master boot record sector and the FAT type choice (see mbr.h).
 *
 * Spec: the PC MBR partition table as libfdisk (util-linux, libfdisk/src/dos.c) writes it,
 * including the CHS clamping past cylinder 1023; the FAT limits from Microsoft's FAT
 * specification (fatgen103: FAT12 below 4085 clusters, FAT16 below 65525) and mkfs.fat's
 * automatic choice (dosfstools src/mkfs.fat.c: FAT32 from 512 MiB).
 */
#include "formats/mbr.h"

#include <string.h>

#include "sys/log.h"

#define MBR_SIG_OFFSET 440   /* disk signature, "label-id" in sfdisk */
#define MBR_TABLE_OFFSET 446 /* four 16-byte entries */
#define MBR_HEADS 255
#define MBR_SECTORS 63

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

void mbr_chs(uint32_t lba, uint8_t chs[3])
{
	uint32_t c, h, s;

	/* The highest address CHS can hold; libfdisk uses it for anything past it. */
	if (lba / (MBR_HEADS * MBR_SECTORS) > 1023)
		lba = 1024u * MBR_HEADS * MBR_SECTORS - 1;
	c = lba / (MBR_HEADS * MBR_SECTORS);
	h = lba / MBR_SECTORS % MBR_HEADS;
	s = lba % MBR_SECTORS + 1; /* sectors count from 1 */
	chs[0] = (uint8_t)h;
	chs[1] = (uint8_t)(s | (c >> 2 & 0xc0));
	chs[2] = (uint8_t)c;
}

static int check_parts(const struct mbr_part *parts, size_t nparts)
{
	int bootable = 0;

	if (nparts > 4)
		return error("an MBR holds 4 partitions, not %zu", nparts);
	for (size_t i = 0; i < nparts; i++) {
		const struct mbr_part *p = &parts[i];
		uint64_t end = (uint64_t)p->lba_start + p->lba_count;
		if (!p->lba_count)
			return error("partition %zu has no sectors", i + 1);
		if (!p->lba_start)
			return error("partition %zu starts at sector 0, which is the MBR", i + 1);
		if (!p->type)
			return error("partition %zu has type 0, which marks an unused entry", i + 1);
		if (end > (uint64_t)UINT32_MAX + 1)
			return error("partition %zu ends past sector %u, the MBR limit", i + 1,
				     (unsigned)UINT32_MAX);
		for (size_t j = 0; j < i; j++) {
			const struct mbr_part *q = &parts[j];
			uint64_t qend = (uint64_t)q->lba_start + q->lba_count;
			if (p->lba_start < qend && q->lba_start < end)
				return error("partitions %zu and %zu overlap", j + 1, i + 1);
		}
		if (p->bootable && bootable++)
			return error("more than one partition is marked bootable");
	}
	return 0;
}

int mbr_build(uint8_t sector[MBR_SECTOR_SIZE], const uint8_t *bootcode, size_t bootcode_len,
	      uint32_t disk_signature, const struct mbr_part *parts, size_t nparts)
{
	uint8_t s[MBR_SECTOR_SIZE] = {0};

	if (bootcode_len > MBR_BOOTCODE_MAX)
		return error("MBR boot code of %zu bytes is over the %d that fit", bootcode_len,
			     MBR_BOOTCODE_MAX);
	if (check_parts(parts, nparts) < 0)
		return -1;
	if (bootcode_len)
		memcpy(s, bootcode, bootcode_len);
	put_le32(s + MBR_SIG_OFFSET, disk_signature);
	/* 444-445: zero (0x5a5a would mark the disk copy-protected). */
	for (size_t i = 0; i < nparts; i++) {
		const struct mbr_part *p = &parts[i];
		uint8_t *e = s + MBR_TABLE_OFFSET + 16 * i;
		e[0] = p->bootable ? 0x80 : 0x00; /* status */
		mbr_chs(p->lba_start, e + 1);     /* CHS of the first sector */
		e[4] = p->type;
		mbr_chs(p->lba_start + p->lba_count - 1, e + 5); /* CHS of the last sector */
		put_le32(e + 8, p->lba_start);
		put_le32(e + 12, p->lba_count);
	}
	s[510] = 0x55; /* boot signature */
	s[511] = 0xaa;
	memcpy(sector, s, sizeof(s));
	return 0;
}

int mbr_fat_type(uint64_t bytes, int *fat_bits, uint8_t *part_type)
{
	if (bytes < MBR_FAT_MIN)
		return error("a FAT boot partition of %llu bytes is too small (the least is "
			     "%llu MiB)", (unsigned long long)bytes,
			     (unsigned long long)(MBR_FAT_MIN >> 20));
	if (bytes / MBR_SECTOR_SIZE > UINT32_MAX)
		return error("a partition of %llu bytes is too big for an MBR (2 TiB)",
			     (unsigned long long)bytes);
	if (bytes < MBR_FAT32_FROM) {
		*fat_bits = 16;
		*part_type = MBR_TYPE_FAT16_LBA;
	} else {
		*fat_bits = 32;
		*part_type = MBR_TYPE_FAT32_LBA;
	}
	return 0;
}
