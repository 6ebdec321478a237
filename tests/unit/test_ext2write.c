/* test_ext2write.c: unit tests for finishing an ext2 image with libext2fs
 * (src/formats/ext2write.c): device nodes and FIFOs made in a directory (grown when full),
 * owners and times as the manifest says, the clock's stamps the epoch, any name; read back
 * with src/formats/ext2read.c and libext2fs, and checked by e2fsck -fn (run with
 * posix_spawn: a missing e2fsprogs fails the test). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <ext2fs/ext2fs.h>

#include "formats/ext2read.h"
#include "formats/ext2write.h"
#include "sys/spawn.h"
#define TMP_DIR "tests/tmp/ext2write"
#include "testutil.h"

#define IMG TMP_DIR "/test.img"
#define EPOCH 1234567890

/* Run argv with its output in TMP_DIR/log; its exit status. */
static int run(const char *const *argv)
{
	struct child c = CHILD_INIT;
	c.argv = argv;
	c.log = TMP_DIR "/log";
	return spawn_run(&c);
}

/* IMG: a fresh ext2 filesystem of 1 MiB with nothing in it but its root and lost+found,
 * its inodes of inode_size bytes. */
static void fresh_image(const char *inode_size)
{
	const char *argv[] = {"mke2fs", "-q", "-F", "-t", "ext2", "-b", "1024", "-I", inode_size,
			      IMG, "1024", NULL};
	remove_tree(TMP_DIR);
	assert_int_equal(mkdir_p(TMP_DIR, 0755), 0);
	assert_int_equal(run(argv), 0);
}

static void fsck_clean(void)
{
	const char *argv[] = {"e2fsck", "-fn", IMG, NULL};
	assert_int_equal(run(argv), 0);
}

/* What ext2read gives for IMG: every member as a line "PATH MODE UID GID MTIME MAJ:MIN". */
static int member(void *ctx, const struct cpio_entry *e)
{
	buf_addf(ctx, "%s %o %u %u %u %u:%u\n", e->name, e->mode, e->uid, e->gid, e->mtime,
		 e->rdevmajor, e->rdevminor);
	return 0;
}

static void members(struct buf *out)
{
	struct buf img;
	unsigned kib;
	buf_init(&img);
	assert_int_equal(read_file(IMG, &img), 0);
	assert_int_equal(ext2read_walk_mem(img.data, img.len, IMG, EXT2READ_MAX_FILE, member, out,
					   &kib), 0);
	assert_int_equal(kib, 1024);
	buf_release(&img);
}

/* The inode at path in IMG, read with libext2fs. */
static void inode_of(const char *path, struct ext2_inode_large *in)
{
	ext2_filsys fs;
	ext2_ino_t ino;
	assert_int_equal(ext2fs_open(IMG, 0, 0, 0, unix_io_manager, &fs), 0);
	assert_int_equal(ext2fs_namei(fs, EXT2_ROOT_INO, EXT2_ROOT_INO, path, &ino), 0);
	assert_int_equal(ext2fs_read_inode2(fs, ino, (struct ext2_inode *)in, sizeof(*in), 0), 0);
	ext2fs_close_free(&fs);
}

static void add_node(struct manifest *m, const char *path, enum mf_type type, unsigned mode,
		     unsigned major, unsigned minor, unsigned uid, unsigned gid, int64_t mtime)
{
	struct mf_entry *e;
	assert_int_equal(manifest_add_node(m, path, type, mode, major, minor), 0);
	e = manifest_find(m, path);
	e->uid = uid;
	e->gid = gid;
	e->mtime = mtime;
}

/* Nodes of every kind and odd names, owners and times from the manifest, the root 0:0 at
 * the epoch; more names than the root directory's first block holds. */
static void nodes(void **state)
{
	struct manifest m;
	struct buf got;
	struct ext2_inode_large in;
	char name[32];
	(void)state;
	fresh_image("256");
	manifest_init(&m);
	add_node(&m, "/console", MF_CHR, 0600, 5, 1, 0, 0, EPOCH);
	add_node(&m, "/sda", MF_BLK, 0660, 8, 0, 0, 6, 1);
	add_node(&m, "/big", MF_CHR, 0640, 300, 1000, 12, 34, EPOCH);
	add_node(&m, "/largest", MF_BLK, 0600, 4095, 1048575, 0, 0, EPOCH);
	add_node(&m, "/initctl", MF_FIFO, 0622, 0, 0, 70000, 70001, 3000000000);
	add_node(&m, "/a\"quote", MF_CHR, 0600, 1, 3, 0, 0, EPOCH);
	add_node(&m, "/back\\slash", MF_FIFO, 0600, 0, 0, 0, 0, EPOCH);
	add_node(&m, "/with space", MF_BLK, 04755, 7, 0, 0, 0, EPOCH);
	add_node(&m, "/new\nline", MF_FIFO, 0600, 0, 0, 0, 0, EPOCH);
	for (int i = 0; i < 60; i++) {
		snprintf(name, sizeof(name), "/many-fifos-%03d", i);
		add_node(&m, name, MF_FIFO, 0600, 0, 0, 0, 0, EPOCH);
	}
	manifest_sort(&m);
	assert_int_equal(ext2write_finish(IMG, &m, EPOCH), 0);
	manifest_release(&m);

	buf_init(&got);
	members(&got);
	assert_non_null(strstr(got.data, ". 40755 0 0 1234567890 0:0\n"));
	assert_non_null(strstr(got.data, "\nconsole 20600 0 0 1234567890 5:1\n"));
	assert_non_null(strstr(got.data, "\nsda 60660 0 6 1 8:0\n"));
	assert_non_null(strstr(got.data, "\nbig 20640 12 34 1234567890 300:1000\n"));
	assert_non_null(strstr(got.data, "\nlargest 60600 0 0 1234567890 4095:1048575\n"));
	assert_non_null(strstr(got.data, "\ninitctl 10622 70000 70001 3000000000 0:0\n"));
	assert_non_null(strstr(got.data, "\na\"quote 20600 0 0 1234567890 1:3\n"));
	assert_non_null(strstr(got.data, "\nback\\slash 10600 0 0 1234567890 0:0\n"));
	assert_non_null(strstr(got.data, "\nwith space 64755 0 0 1234567890 7:0\n"));
	assert_non_null(strstr(got.data, "\nnew\nline 10600 0 0 1234567890 0:0\n"));
	assert_non_null(strstr(got.data, "\nmany-fifos-059 10600 0 0 1234567890 0:0\n"));
	buf_release(&got);

	/* a time past 2038 keeps its epoch bits; a new inode's creation time is the epoch */
	inode_of("/initctl", &in);
	assert_int_equal(in.i_mtime, (uint32_t)3000000000u);
	assert_int_equal(in.i_mtime_extra & EXT4_EPOCH_MASK, 1);
	assert_int_equal(in.i_ctime_extra & EXT4_EPOCH_MASK, 1);
	assert_int_equal(in.i_crtime, EPOCH);
	inode_of("/", &in);
	assert_true(in.i_size > 1024); /* the root directory grew */
	fsck_clean();
}

/* The superblock's write time is the epoch, not the clock; in an image of the old 128-byte
 * inodes too (no creation time, no epoch bits: times end in 2106). */
static void superblock_time(void **state)
{
	struct manifest m;
	struct buf img, got;
	(void)state;
	fresh_image("128");
	manifest_init(&m);
	add_node(&m, "/null", MF_CHR, 0666, 1, 3, 0, 0, EPOCH);
	add_node(&m, "/late", MF_FIFO, 0600, 0, 0, 1, 2, 4000000000);
	assert_int_equal(ext2write_finish(IMG, &m, EPOCH), 0);
	manifest_release(&m);
	buf_init(&got);
	members(&got);
	assert_string_equal(got.data, ". 40755 0 0 1234567890 0:0\n"
				      "late 10600 1 2 4000000000 0:0\n"
				      "null 20666 0 0 1234567890 1:3\n");
	buf_release(&got);
	fsck_clean();
	buf_init(&img);
	assert_int_equal(read_file(IMG, &img), 0);
	/* s_wtime: 48 bytes into the superblock, which starts at 1024, little-endian */
	assert_int_equal((unsigned char)img.data[1024 + 48] | (unsigned char)img.data[1024 + 49] << 8 |
			 (unsigned char)img.data[1024 + 50] << 16 |
			 (uint32_t)(unsigned char)img.data[1024 + 51] << 24,
			 EPOCH);
	buf_release(&img);
}

/* Each error names what failed, once. */
static void errors(void **state)
{
	struct stderr_capture c;
	struct manifest m;
	char msg[512];
	int rc;
	(void)state;
	fresh_image("256");
	manifest_init(&m);
	assert_int_equal(manifest_add_data(&m, "/etc/passwd", 0644, "x", 1), 0);
	stderr_begin(&c);
	rc = ext2write_finish(IMG, &m, EPOCH);
	stderr_end(&c, msg, sizeof(msg));
	assert_int_equal(rc, -1);
	assert_string_equal(msg, "mkdistro: '" IMG "': cannot find '/etc': File not found by "
				 "ext2_lookup\n");
	manifest_release(&m);

	manifest_init(&m);
	add_node(&m, "/huge", MF_CHR, 0600, 4096, 0, 0, 0, EPOCH);
	stderr_begin(&c);
	rc = ext2write_finish(IMG, &m, EPOCH);
	stderr_end(&c, msg, sizeof(msg));
	assert_int_equal(rc, -1);
	assert_string_equal(msg, "mkdistro: '/huge': device number 4096:0 is more than Linux "
				 "keeps (4095:1048575)\n");

	assert_int_equal(write_file_atomic(TMP_DIR "/not.img", "junk", 4, 0644), 0);
	stderr_begin(&c);
	rc = ext2write_finish(TMP_DIR "/not.img", &m, EPOCH);
	stderr_end(&c, msg, sizeof(msg));
	assert_int_equal(rc, -1);
	assert_non_null(strstr(msg, "mkdistro: cannot open the ext2 image '" TMP_DIR "/not.img': "));
	manifest_release(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nodes),
		cmocka_unit_test(superblock_time),
		cmocka_unit_test(errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
