/* fuzz_ext2.c: the ext2 initrd reader (src/ext2read.c, over libext2fs) on any image.
 *
 * libext2fs reads a file, so the image goes to the scratch tmpfs.  Its first 1024 bytes
 * (the boot block, which ext2 leaves alone) are not in the input, and the image is padded
 * with zeros (sparsely) to 1 MiB: so a seed holds only the superblock onwards, and the
 * fuzzer's bytes go to the structures that matter.  Every member's data is read in full,
 * and a member's name must not be empty.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "ext2read.h"
#include "fuzz.h"

#define BOOT_BLOCK 1024
#define IMAGE_SIZE (1u << 20)

static char *image;

static int member(void *ctx, const struct cpio_entry *e)
{
	uint32_t *sum = ctx;
	assert(e->name && e->name[0]);
	assert(strlen(e->name) < 65536);
	/* memchr, which ASan checks as one range: a byte loop here, instrumented, costs more
	 * than the reader on a big sparse file */
	*sum += memchr(e->data, 1, e->size) != NULL;
	return 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	fuzz_init(1);
	image = fuzz_path("ext2.img");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *head = xcalloc(1, BOOT_BLOCK + size);
	uint32_t sum = 0;
	unsigned kib = 0;

	memcpy(head + BOOT_BLOCK, data, size);
	fuzz_write(image, head, BOOT_BLOCK + size);
	if (BOOT_BLOCK + size < IMAGE_SIZE && truncate(image, IMAGE_SIZE) < 0)
		abort();
	if (ext2read_is_ext2(head, BOOT_BLOCK + size))
		ext2read_walk(image, member, &sum, &kib);
	free(head);
	return 0;
}
