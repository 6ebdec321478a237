/* test_ext2image.c: unit tests for the ext2 image of a manifest (src/build/ext2image.c):
 * mke2fs -d and then libext2fs, run for real (a missing e2fsprogs fails the test).
 *
 * The golden, tests/golden/initrd.ext2.gz.hex, is the image of golden_manifest() below, 300
 * KiB at epoch 946684800, as mkdistro wrote it when a debugfs script finished the image
 * (owners, times, device nodes), gzip-compressed.  It pins that finishing with libext2fs
 * gives the same bytes: the same inode numbers for the nodes, the same directory blocks, the
 * same times and the same superblock write time.  It was made with e2fsprogs 1.47.0 and its
 * /etc/mke2fs.conf (Debian bookworm's); another mke2fs may lay a filesystem out otherwise,
 * and then this test fails with it.  MKDISTRO_UPDATE_GOLDEN=1 rewrites it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "build/ext2image.h"
#include "formats/ext2read.h"
#include "formats/gz.h"
#include "sys/spawn.h"
#define TMP_DIR "tests/tmp/ext2image"
#include "testutil.h"

#define EPOCH 946684800

static struct ext2image_params params(unsigned size_kib)
{
	remove_tree(TMP_DIR);
	assert_int_equal(mkdir_p(TMP_DIR, 0755), 0);
	return (struct ext2image_params){.size_kib = size_kib, .epoch = EPOCH,
					 .uuid = EXT2IMAGE_UUID, .workdir = TMP_DIR "/work",
					 .log = TMP_DIR "/log"};
}

/* Every kind of entry, owners other than root, a time other than the epoch, a set-user-ID
 * file, a directory name with a space. */
static void golden_manifest(struct manifest *m)
{
	static const char busybox[] = "#!/bin/sh\necho busybox\n";
	static const char passwd[] = "root:x:0:0:root:/root:/bin/sh\n"
				     "user:x:1000:1000::/home/user with space:/bin/sh\n";
	static const char shadow[] = "root:*:1::::::\n";
	static const char profile[] = "PS1='$ '\n";
	char big[3000];
	struct mf_entry *e;
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7 + i / 13);
	manifest_init(m);
	m->mtime = EPOCH;
	assert_int_equal(manifest_add_dir(m, "/bin", 0755), 0);
	assert_int_equal(manifest_add_data(m, "/bin/busybox", 04755, busybox, sizeof(busybox) - 1), 0);
	assert_int_equal(manifest_add_hardlink(m, "/bin/sh", 04755, "/bin/busybox"), 0);
	assert_int_equal(manifest_add_symlink(m, "/init", "bin/busybox"), 0);
	assert_int_equal(manifest_add_node(m, "/dev/console", MF_CHR, 0600, 5, 1), 0);
	assert_int_equal(manifest_add_node(m, "/dev/ram0", MF_BLK, 0660, 1, 0), 0);
	assert_int_equal(manifest_add_node(m, "/dev/big", MF_CHR, 0600, 300, 1000), 0);
	assert_int_equal(manifest_add_node(m, "/dev/initctl", MF_FIFO, 0600, 0, 0), 0);
	assert_int_equal(manifest_add_data(m, "/etc/passwd", 0644, passwd, sizeof(passwd) - 1), 0);
	assert_int_equal(manifest_add_data(m, "/etc/shadow", 0640, shadow, sizeof(shadow) - 1), 0);
	manifest_find(m, "/etc/shadow")->gid = 42;
	assert_int_equal(manifest_add_dir(m, "/home/user with space", 0700), 0);
	assert_int_equal(manifest_add_data(m, "/home/user with space/.profile", 0644, profile,
					   sizeof(profile) - 1), 0);
	e = manifest_find(m, "/home/user with space");
	e->uid = e->gid = 1000;
	e = manifest_find(m, "/home/user with space/.profile");
	e->uid = e->gid = 1000;
	e->mtime = 1700000000;
	assert_int_equal(manifest_add_data(m, "/var/big", 0600, big, sizeof(big)), 0);
	e = manifest_find(m, "/var/big");
	e->uid = 70000;
	e->gid = 70001;
	manifest_sort(m);
}

static void fsck_clean(const struct buf *image)
{
	const char *argv[] = {"e2fsck", "-fn", TMP_DIR "/check.img", NULL};
	struct child c = CHILD_INIT;
	assert_int_equal(write_file_atomic(TMP_DIR "/check.img", image->data, image->len, 0644), 0);
	c.argv = argv;
	c.log = TMP_DIR "/fsck.log";
	assert_int_equal(spawn_run(&c), 0);
}

/* The golden's bytes, gunzipped, against image (or the golden rewritten from it). */
static void golden_check_gz(const char *name, const struct buf *image)
{
	const char *update = getenv("MKDISTRO_UPDATE_GOLDEN");
	struct buf gz, want;
	size_t i = 0;
	buf_init(&gz);
	buf_init(&want);
	if (update && !strcmp(update, "1")) {
		assert_int_equal(gz_compress(image->data, image->len, 9, &gz), 0);
		golden_write(name, gz.data, gz.len);
		buf_reset(&gz);
	}
	golden_read(name, &gz);
	assert_int_equal(gz_decompress(gz.data, gz.len, &want), 0);
	while (i < image->len && i < want.len && image->data[i] == want.data[i])
		i++;
	if (i != image->len || i != want.len) {
		write_file_atomic(TMP_DIR "/actual.img", image->data, image->len, 0644);
		fail_msg(TMP_DIR "/actual.img differs from golden %s at byte %zu (%zu bytes, golden "
			 "%zu)", name, i, image->len, want.len);
	}
	buf_release(&gz);
	buf_release(&want);
}

static void golden(void **state)
{
	struct ext2image_params p = params(300);
	struct manifest m;
	struct buf image;
	unsigned need = 1;
	(void)state;
	golden_manifest(&m);
	buf_init(&image);
	assert_int_equal(ext2image_write(&p, &m, &image, &need), 0);
	assert_int_equal(need, 0);
	assert_int_equal(image.len, 300 * 1024);
	golden_check_gz("initrd.ext2.gz", &image);
	fsck_clean(&image);
	/* the scratch space is left empty */
	assert_false(file_exists(TMP_DIR "/work/ext2-root"));
	assert_false(file_exists(TMP_DIR "/work/initrd.ext2"));
	buf_release(&image);
	manifest_release(&m);
}

static int member(void *ctx, const struct cpio_entry *e)
{
	buf_addf(ctx, "%s %o %u:%u %u %u:%u %zu\n", e->name, e->mode, e->uid, e->gid, e->mtime,
		 e->rdevmajor, e->rdevminor, e->size);
	return 0;
}

/* Names that a script of debugfs commands cannot quote ('"', '\', a newline) go in like
 * any other, as files, directories and nodes. */
static void any_name(void **state)
{
	struct ext2image_params p = params(1024);
	struct manifest m;
	struct buf image, got;
	unsigned kib;
	(void)state;
	manifest_init(&m);
	m.mtime = EPOCH;
	assert_int_equal(manifest_add_data(&m, "/a \"quoted\" name", 0644, "q\n", 2), 0);
	assert_int_equal(manifest_add_data(&m, "/back\\slash\\dir/f", 0600, "b\n", 2), 0);
	assert_int_equal(manifest_add_data(&m, "/new\nline", 0644, "n\n", 2), 0);
	assert_int_equal(manifest_add_symlink(&m, "/link \"to\"", "a \"quoted\" name"), 0);
	assert_int_equal(manifest_add_node(&m, "/dev/\"tty\"", MF_CHR, 0620, 4, 1), 0);
	assert_int_equal(manifest_add_node(&m, "/dev/sd\\a", MF_BLK, 0660, 8, 0), 0);
	assert_int_equal(manifest_add_node(&m, "/dev/fi fo\n", MF_FIFO, 0600, 0, 0), 0);
	manifest_find(&m, "/dev/\"tty\"")->gid = 5;
	manifest_sort(&m);
	buf_init(&image);
	buf_init(&got);
	assert_int_equal(ext2image_write(&p, &m, &image, &kib), 0);
	assert_int_equal(ext2read_walk_mem(image.data, image.len, "image", EXT2READ_MAX_FILE, member,
					   &got, &kib), 0);
	assert_string_equal(got.data, ". 40755 0:0 946684800 0:0 0\n"
				      "a \"quoted\" name 100644 0:0 946684800 0:0 2\n"
				      "back\\slash\\dir 40755 0:0 946684800 0:0 0\n"
				      "back\\slash\\dir/f 100600 0:0 946684800 0:0 2\n"
				      "dev 40755 0:0 946684800 0:0 0\n"
				      "dev/\"tty\" 20620 0:5 946684800 4:1 0\n"
				      "dev/fi fo\n 10600 0:0 946684800 0:0 0\n"
				      "dev/sd\\a 60660 0:0 946684800 8:0 0\n"
				      "link \"to\" 120777 0:0 946684800 0:0 15\n"
				      "new\nline 100644 0:0 946684800 0:0 2\n");
	fsck_clean(&image);
	buf_release(&image);
	buf_release(&got);
	manifest_release(&m);
}

/* A tree too large for the size: the size mke2fs -d needs for it is found and named, as
 * [initrd] size. */
static void too_small(void **state)
{
	struct ext2image_params p = params(64);
	struct stderr_capture c;
	struct manifest m;
	struct buf image;
	char msg[512], want[512];
	unsigned need = 0;
	int rc;
	(void)state;
	golden_manifest(&m);
	buf_init(&image);
	stderr_begin(&c);
	rc = ext2image_write(&p, &m, &image, &need);
	stderr_end(&c, msg, sizeof(msg));
	assert_int_equal(rc, -1);
	assert_true(need > 64 && need <= 300);
	snprintf(want, sizeof(want),
		 "mkdistro: initrd: the root filesystem needs about %u KiB, but [initrd] size is 64 "
		 "KiB; set size = %u or more in mkdistro.conf\n",
		 need, need);
	assert_string_equal(msg, want);
	assert_int_equal(image.len, 0);
	buf_release(&image);
	manifest_release(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(golden),
		cmocka_unit_test(any_name),
		cmocka_unit_test(too_small),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
