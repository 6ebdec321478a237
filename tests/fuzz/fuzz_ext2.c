/* fuzz_ext2.c: the ext2 initrd reader (src/formats/ext2read.c, over libext2fs) on any image, in
 * memory (ext2read_walk_mem, as `mkdistro initrd unpack` reads one).
 *
 * The image's first 1024 bytes (the boot block, which ext2 leaves alone) are not in the
 * input, and the image is padded with zeros to 1 MiB: so a seed holds only the superblock
 * onwards, and the fuzzer's bytes go to the structures that matter.  Every member's data is
 * read in full, and a member's name must not be empty.  A file may be as large as the image
 * (holes included), not 1 GiB as for mkdistro: the same code, with a bound that keeps
 * reading sparse files of made-up sizes from taking all the fuzzer's time.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "formats/ext2read.h"
#include "fuzz.h"

#define BOOT_BLOCK 1024
#define IMAGE_SIZE (1u << 20)

/* The image, kept between runs: only the bytes the last input wrote are cleared. */
static unsigned char *image;
static size_t image_cap, image_used;

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
	fuzz_init(0);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n = BOOT_BLOCK + size < IMAGE_SIZE ? IMAGE_SIZE : BOOT_BLOCK + size;
	uint32_t sum = 0;
	unsigned kib = 0;

	if (n > image_cap) {
		free(image);
		image = xcalloc(1, n);
		image_cap = n;
	} else {
		memset(image + BOOT_BLOCK, 0, image_used);
	}
	memcpy(image + BOOT_BLOCK, data, size);
	image_used = size;
	if (ext2read_is_ext2(image, n))
		ext2read_walk_mem(image, n, "ext2.img", IMAGE_SIZE, member, &sum, &kib);
	return 0;
}
