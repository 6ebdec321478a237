/* fuzz_cpio.c: the newc cpio reader (src/formats/cpio.c, cpio_read) on any bytes.
 *
 * The input is copied into a buffer of exactly its size.  Every member's name and data are
 * read in full, so that a pointer past the archive is an ASan report; each must lie inside
 * the archive.  An archive that reads cleanly is then written again from its members and
 * read back: the same names, modes and contents.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "formats/cpio.h"
#include "fuzz.h"

struct seen {
	const unsigned char *start;
	size_t n;
	size_t members;
	uint32_t sum;
	struct cpio_writer w; /* the copy, when writing one */
	int writing;
};

static int member(void *ctx, const struct cpio_entry *e)
{
	struct seen *s = ctx;
	size_t len = strlen(e->name);
	assert((const unsigned char *)e->name > s->start &&
	       (const unsigned char *)e->name + len < s->start + s->n);
	assert(e->size <= s->n && e->data >= s->start && e->data + e->size <= s->start + s->n);
	for (size_t i = 0; i < e->size; i++)
		s->sum += e->data[i];
	s->members++;
	if (s->writing && cpio_write_entry(&s->w, e->name, e->mode, e->uid, e->gid, e->nlink,
					   e->mtime, e->rdevmajor, e->rdevminor, e->data,
					   e->size) < 0)
		s->writing = -1; /* the writer refuses what the reader takes: a name "/x", ... */
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
	unsigned char *copy = xmalloc(size ? size : 1);
	struct seen s = {.start = copy, .n = size};
	struct buf out;
	char err[256];
	size_t trailing = 0;

	memcpy(copy, data, size);
	err[0] = '\0';
	buf_init(&out);
	cpio_writer_init(&s.w, cpio_sink_buf, &out);
	s.writing = 1;
	if (cpio_read(copy, size, member, &s, err, sizeof(err), &trailing) < 0) {
		assert(err[0] != '\0');
	} else if (s.writing == 1 && cpio_write_trailer(&s.w) == 0) {
		struct seen again = {.start = (const unsigned char *)out.data, .n = out.len};
		assert(trailing <= size);
		err[0] = '\0';
		assert(cpio_read(out.data, out.len, member, &again, err, sizeof(err), NULL) == 0);
		assert(again.members == s.members && again.sum == s.sum);
	}
	buf_release(&out);
	free(copy);
	return 0;
}
