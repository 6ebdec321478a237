/* test_mbr.c: unit tests for the MBR writer and the FAT type choice (src/formats/mbr.c).
 *
 * The partition table is checked three ways: byte-exact against tests/golden/mbr.bin; read
 * back by sfdisk --dump (start, size, type, bootable, disk id); and its CHS fields read by
 * fdisk -x, against values worked out by hand below.  mbr_fat_type() is checked against
 * what mkfs.fat picks on its own for files of the boundary sizes.  The tools run with
 * posix_spawn; a missing one fails the test.
 *
 * Run from the repository root.  MKDISTRO_UPDATE_GOLDEN=1 rewrites the golden file.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "formats/mbr.h"
#include "sys/buf.h"
#include "sys/fs.h"
#include "sys/spawn.h"

#define TMP_DIR "tests/tmp/mbr"
#include "testutil.h"

#define DISK_ID 0x4d4b4453u

/* The golden table: a bootable 15 MiB FAT16 partition at 1 MiB, and a Linux partition that
 * runs past the CHS limit (cylinder 1023), so its end CHS is clamped. */
static const struct mbr_part golden_parts[] = {
	{1, MBR_TYPE_FAT16_LBA, 2048, 30720},
	{0, 0x83, 32768, 20000000},
};

static void test_chs(void **state)
{
	/* Worked by hand for 255 heads x 63 sectors (16065 sectors a cylinder):
	 * c = lba / 16065, h = lba / 63 % 255, s = lba % 63 + 1;
	 * bytes: h, s | (c >> 8) << 6, c & 0xff. */
	static const struct {
		uint32_t lba;
		uint8_t chs[3];
	} cases[] = {
		{0, {0, 1, 0}},                 /* 0/0/1 */
		{62, {0, 63, 0}},               /* 0/0/63 */
		{63, {1, 1, 0}},                /* 0/1/1 */
		{2048, {32, 33, 0}},            /* 0/32/33 */
		{16064, {254, 63, 0}},          /* 0/254/63 */
		{16065, {0, 1, 1}},             /* 1/0/1 */
		{255 * 16065, {0, 1, 255}},     /* 255/0/1 */
		{256 * 16065, {0, 0x41, 0}},    /* 256/0/1: cylinder bit 8 in the sector byte */
		{1023 * 16065, {0, 0xc1, 0xff}}, /* 1023/0/1 */
		{16450559, {254, 0xff, 0xff}},  /* 1023/254/63, the last CHS address */
		{16450560, {254, 0xff, 0xff}},  /* 1024/0/1: clamped */
		{UINT32_MAX, {254, 0xff, 0xff}},
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t chs[3] = {0xaa, 0xaa, 0xaa};
		mbr_chs(cases[i].lba, chs);
		assert_memory_equal(chs, cases[i].chs, 3);
	}
}

static void test_golden(void **state)
{
	uint8_t s[512];
	(void)state;

	assert_int_equal(mbr_build(s, NULL, 0, DISK_ID, golden_parts, 2), 0);
	golden_check("mbr.bin", s, sizeof(s));
}

static void test_layout(void **state)
{
	/* The entry bytes, field by field, from the spec in mbr.h. */
	static const uint8_t entry1[16] = {
		0x80,                   /* active */
		32, 33, 0,              /* first CHS 0/32/33 */
		0x0e,                   /* type */
		10, 8, 2,               /* last CHS 2/10/8 (lba 32767) */
		0x00, 0x08, 0x00, 0x00, /* lba 2048 */
		0x00, 0x78, 0x00, 0x00, /* 30720 sectors */
	};
	static const uint8_t entry2[16] = {
		0x00, 10, 9, 2, 0x83, 254, 0xff, 0xff,
		0x00, 0x80, 0x00, 0x00, /* lba 32768 */
		0x00, 0x2d, 0x31, 0x01, /* 20000000 sectors */
	};
	uint8_t code[440], s[512];
	(void)state;

	memset(code, 0x90, sizeof(code));
	assert_int_equal(mbr_build(s, code, sizeof(code), DISK_ID, golden_parts, 2), 0);
	assert_memory_equal(s, code, 440);
	assert_memory_equal(s + 440, "SDKM", 4); /* 0x4d4b4453 little-endian */
	assert_int_equal(s[444], 0);
	assert_int_equal(s[445], 0);
	assert_memory_equal(s + 446, entry1, 16);
	assert_memory_equal(s + 462, entry2, 16);
	for (int i = 478; i < 510; i++)
		assert_int_equal(s[i], 0);
	assert_int_equal(s[510], 0x55);
	assert_int_equal(s[511], 0xaa);

	/* Short boot code: the rest of the 440 bytes is zero. */
	assert_int_equal(mbr_build(s, code, 3, 0, NULL, 0), 0);
	assert_memory_equal(s, code, 3);
	for (int i = 3; i < 510; i++)
		assert_int_equal(s[i], 0);
}

static int run_tool(const char *const *argv, const char *out)
{
	static const char *const env[] = {"LC_ALL=C", NULL};
	struct child c = CHILD_INIT;
	c.argv = argv;
	c.env = env;
	c.out = out;
	return spawn_run(&c);
}

/* A sparse disk image of the given size with the sector at its start. */
static void write_image(const char *path, const uint8_t sector[512], uint64_t bytes)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	if (sector)
		assert_int_equal(write_all(fd, sector, 512), 0);
	assert_int_equal(ftruncate(fd, (off_t)bytes), 0);
	assert_int_equal(close(fd), 0);
}

static void test_sfdisk(void **state)
{
	static const char *const dump[] = {"sfdisk", "--dump", TMP_DIR "/disk.img", NULL};
	static const char want[] =
		"label: dos\n"
		"label-id: 0x4d4b4453\n"
		"device: " TMP_DIR "/disk.img\n"
		"unit: sectors\n"
		"sector-size: 512\n"
		"\n" TMP_DIR "/disk.img1 : start=        2048, size=       30720, type=e, bootable\n"
		TMP_DIR "/disk.img2 : start=       32768, size=    20000000, type=83\n";
	uint8_t s[512];
	struct buf got;
	(void)state;

	assert_int_equal(mkdir_p(TMP_DIR, 0755), 0);
	assert_int_equal(mbr_build(s, NULL, 0, DISK_ID, golden_parts, 2), 0);
	write_image(TMP_DIR "/disk.img", s, (uint64_t)(32768 + 20000000) * 512);
	assert_int_equal(run_tool(dump, TMP_DIR "/sfdisk.txt"), 0);
	buf_init(&got);
	assert_int_equal(read_file(TMP_DIR "/sfdisk.txt", &got), 0);
	assert_string_equal(got.data, want);
	buf_release(&got);
	unlink(TMP_DIR "/disk.img"); /* sparse, but 10 GB to ls and backups */
}

static void test_fdisk_chs(void **state)
{
	static const char *const list[] = {"fdisk", "-x", TMP_DIR "/disk.img", NULL};
	/* start and end C/H/S of both partitions, as fdisk prints them */
	static const unsigned want[2][6] = {{0, 32, 33, 2, 10, 8}, {2, 10, 9, 1023, 254, 63}};
	uint8_t s[512];
	struct buf got;
	int part = 0;
	(void)state;

	assert_int_equal(mkdir_p(TMP_DIR, 0755), 0);
	assert_int_equal(mbr_build(s, NULL, 0, DISK_ID, golden_parts, 2), 0);
	write_image(TMP_DIR "/disk.img", s, (uint64_t)(32768 + 20000000) * 512);
	assert_int_equal(run_tool(list, TMP_DIR "/fdisk.txt"), 0);
	buf_init(&got);
	assert_int_equal(read_file(TMP_DIR "/fdisk.txt", &got), 0);
	/* Partition lines start with the image name; their C/H/S columns are the words with
	 * two slashes (the Type column has spaces, so count from the words, not columns). */
	for (char *line = strtok(got.data, "\n"); line; line = strtok(NULL, "\n")) {
		unsigned v[6];
		int n = 0;
		if (strncmp(line, TMP_DIR "/disk.img", strlen(TMP_DIR "/disk.img")))
			continue;
		for (char *w = line; *w; w += strcspn(w, " "), w += strspn(w, " ")) {
			unsigned a, b, c;
			int len = -1;
			if (sscanf(w, "%u/%u/%u%n", &a, &b, &c, &len) == 3 &&
			    (w[len] == ' ' || w[len] == '\0') && n < 6) {
				v[n++] = a;
				v[n++] = b;
				v[n++] = c;
			}
		}
		assert_true(part < 2);
		assert_int_equal(n, 6);
		assert_memory_equal(v, want[part], sizeof(v));
		part++;
	}
	assert_int_equal(part, 2);
	buf_release(&got);
	unlink(TMP_DIR "/disk.img");
}

/* mbr_build must fail and leave the sector alone. */
static void expect_fail(const uint8_t *code, size_t code_len, const struct mbr_part *p,
			size_t n)
{
	uint8_t s[512], before[512];
	memset(s, 0xa5, sizeof(s));
	memcpy(before, s, sizeof(s));
	assert_int_equal(mbr_build(s, code, code_len, DISK_ID, p, n), -1);
	assert_memory_equal(s, before, sizeof(s));
}

static void test_errors(void **state)
{
	uint8_t code[441] = {0};
	struct mbr_part p[5] = {
		{0, 0x0c, 2048, 2048},
		{0, 0x83, 4096, 2048},
		{0, 0x83, 6144, 2048},
		{0, 0x83, 8192, 2048},
		{0, 0x83, 10240, 2048},
	};
	uint8_t s[512];
	(void)state;

	expect_fail(code, 441, NULL, 0);  /* boot code too long */
	assert_int_equal(mbr_build(s, code, 440, 0, NULL, 0), 0);
	expect_fail(NULL, 0, p, 5);       /* five partitions */
	assert_int_equal(mbr_build(s, NULL, 0, 0, p, 4), 0);

	p[1].lba_start = 0;                /* over the MBR */
	expect_fail(NULL, 0, p, 2);
	p[1].lba_start = 4096;
	p[1].lba_count = 0;                /* empty */
	expect_fail(NULL, 0, p, 2);
	p[1].lba_count = 2048;
	p[1].type = 0;                     /* type 0 is "unused" */
	expect_fail(NULL, 0, p, 2);
	p[1].type = 0x83;
	p[1].lba_start = 4095;             /* overlaps the last sector of partition 1 */
	expect_fail(NULL, 0, p, 2);
	p[1].lba_start = 1;                /* overlaps from below */
	p[1].lba_count = 4096;
	expect_fail(NULL, 0, p, 2);
	p[1].lba_count = 2048;             /* by just the first sector of partition 1 */
	expect_fail(NULL, 0, p, 2);
	p[1].lba_count = 2047;             /* ends just before it: fine */
	assert_int_equal(mbr_build(s, NULL, 0, 0, p, 2), 0);
	p[1].lba_start = 2048;             /* the same */
	p[1].lba_count = 2048;
	expect_fail(NULL, 0, p, 2);
	p[1].lba_start = 1024;             /* encloses partition 1 */
	p[1].lba_count = 8192;
	expect_fail(NULL, 0, p, 2);
	p[1].lba_start = 4096;             /* adjacent is fine */
	p[1].lba_count = 2048;
	assert_int_equal(mbr_build(s, NULL, 0, 0, p, 2), 0);

	p[0].bootable = p[1].bootable = 1; /* two active partitions */
	expect_fail(NULL, 0, p, 2);
	p[1].bootable = 0;
	assert_int_equal(mbr_build(s, NULL, 0, 0, p, 2), 0);

	p[1].lba_start = UINT32_MAX;       /* past 32-bit LBA */
	p[1].lba_count = 2;
	expect_fail(NULL, 0, p, 2);
	p[1].lba_count = 1;                /* the very last sector is fine */
	assert_int_equal(mbr_build(s, NULL, 0, 0, p, 2), 0);
}

static void test_fat_type(void **state)
{
	static const struct {
		uint64_t bytes;
		int ret, bits;
		uint8_t type;
	} cases[] = {
		{0, -1, 0, 0},
		{(16 << 20) - 512, -1, 0, 0},
		{16 << 20, 0, 16, 0x0e},
		{(512ull << 20) - 512, 0, 16, 0x0e},
		{512ull << 20, 0, 32, 0x0c},
		{64ull << 30, 0, 32, 0x0c},
		{(uint64_t)UINT32_MAX * 512, 0, 32, 0x0c},
		{(uint64_t)UINT32_MAX * 512 + 512, -1, 0, 0},
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int bits = -7;
		uint8_t type = 0xee;
		assert_int_equal(mbr_fat_type(cases[i].bytes, &bits, &type), cases[i].ret);
		if (cases[i].ret == 0) {
			assert_int_equal(bits, cases[i].bits);
			assert_int_equal(type, cases[i].type);
		}
	}
}

/* mkfs.fat, left to choose, must choose as mbr_fat_type() does at the edges. */
static void test_fat_type_mkfs(void **state)
{
	static const uint64_t sizes[] = {16 << 20, (512ull << 20) - (1 << 20), 512ull << 20};
	static const char *const mkfs[] = {"mkfs.fat", TMP_DIR "/fat.img", NULL};
	(void)state;

	assert_int_equal(mkdir_p(TMP_DIR, 0755), 0);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		int bits, fd;
		uint8_t type;
		char bs[512];
		assert_int_equal(mbr_fat_type(sizes[i], &bits, &type), 0);
		write_image(TMP_DIR "/fat.img", NULL, sizes[i]);
		assert_int_equal(run_tool(mkfs, TMP_DIR "/mkfs.log"), 0);
		fd = open(TMP_DIR "/fat.img", O_RDONLY | O_CLOEXEC);
		assert_true(fd >= 0);
		assert_int_equal(read(fd, bs, sizeof(bs)), sizeof(bs));
		close(fd);
		/* The file system type string: offset 54 for FAT12/16, 82 for FAT32. */
		if (bits == 16)
			assert_memory_equal(bs + 54, "FAT16   ", 8);
		else
			assert_memory_equal(bs + 82, "FAT32   ", 8);
	}
	unlink(TMP_DIR "/fat.img");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chs),
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_sfdisk),
		cmocka_unit_test(test_fdisk_chs),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_fat_type),
		cmocka_unit_test(test_fat_type_mkfs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
