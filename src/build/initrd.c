/* initrd.c: the initrd writers (see initrd.h).
 * References: Documentation/admin-guide/initrd.rst, Documentation/driver-api/early-userspace/
 * buffer-format.rst.
 */
#include "build/initrd.h"

#include <string.h>

#include "build/arch.h"
#include "build/ext2image.h"
#include "formats/cpio.h"
#include "formats/gz.h"
#include "sys/buf.h"
#include "sys/fs.h"
#include "sys/hash.h"

/* Compress raw and write it to out_path atomically, noting both sizes. */
static int write_gzip(const struct plan *plan, const struct buf *raw, const char *out_path,
		      struct initrd_stats *st)
{
	struct buf gz;
	int ret;
	buf_init(&gz);
	ret = gz_compress(raw->data, raw->len, plan->gzip_level, &gz);
	if (!ret)
		ret = write_file_atomic(out_path, gz.data, gz.len, 0644);
	if (!ret) {
		st->raw = raw->len;
		st->compressed = gz.len;
	}
	buf_release(&gz);
	return ret;
}

static int write_cpio(const struct plan *plan, const struct manifest *m, const char *out_path,
		      struct initrd_stats *st)
{
	struct buf raw;
	int ret;
	buf_init(&raw);
	ret = cpio_write_manifest(m, cpio_sink_buf, &raw);
	if (!ret)
		ret = write_gzip(plan, &raw, out_path, st);
	buf_release(&raw);
	return ret;
}

static int write_ext2(const struct plan *plan, const struct manifest *m, const char *workdir,
		      const char *log, const char *out_path, struct initrd_stats *st)
{
	const struct ext2image_params p = {
		.size_kib = plan->initrd_size_kib,
		.epoch = plan->epoch,
		.uuid = EXT2IMAGE_UUID,
		.workdir = workdir,
		.log = log,
	};
	struct buf raw;
	int ret;
	buf_init(&raw);
	ret = ext2image_write(&p, m, &raw, &st->need_kib);
	if (!ret)
		ret = write_gzip(plan, &raw, out_path, st);
	buf_release(&raw);
	return ret;
}

int initrd_write(const struct plan *plan, const struct manifest *m, const char *workdir,
		 const char *log, const char *out_path, struct initrd_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->entries = m->n;
	if (mkdir_p(workdir, 0755) < 0)
		return -1;
	if (plan->initrd_format == INITRD_EXT2)
		return write_ext2(plan, m, workdir, log, out_path, st);
	return write_cpio(plan, m, out_path, st);
}

int initrd_inputs(const struct plan *plan, const struct manifest *m, struct inputs *in)
{
	int ext2 = plan->initrd_format == INITRD_EXT2;
	inputs_add(in, "stage", "initrd 2");
	inputs_add(in, "arch", "%s", plan->arch->name);
	inputs_add(in, "format", "%s", ext2 ? "ext2" : "cpio");
	inputs_add(in, "level", "%d", plan->gzip_level);
	if (ext2)
		inputs_add(in, "size", "%u KiB", plan->initrd_size_kib);
	if (inputs_add_self(in) < 0 || (ext2 && inputs_add_tool(in, "mke2fs") < 0))
		return -1;
	for (size_t i = 0; i < m->n; i++) {
		const struct mf_entry *e = &m->v[i];
		char sum[65];
		switch (e->type) {
		case MF_DIR:
			inputs_add(in, e->path, "dir %04o %u:%u %lld", e->mode, e->uid, e->gid,
				   (long long)e->mtime);
			break;
		case MF_FILE:
			if (e->link_to)
				inputs_add(in, e->path, "link %04o %u:%u %lld %s", e->mode, e->uid, e->gid,
					   (long long)e->mtime, e->link_to);
			else {
				if (e->source && sha256_file(e->source, sum) < 0)
					return -1;
				if (!e->source)
					sha256_hex(e->data, e->size, sum);
				inputs_add(in, e->path, "file %04o %u:%u %lld sha256:%s", e->mode, e->uid,
					   e->gid, (long long)e->mtime, sum);
			}
			break;
		case MF_SYMLINK:
			inputs_add(in, e->path, "symlink %u:%u %lld %s", e->uid, e->gid, (long long)e->mtime,
				   e->target);
			break;
		case MF_CHR:
		case MF_BLK:
		case MF_FIFO:
			inputs_add(in, e->path, "%s %04o %u:%u %lld %u:%u",
				   e->type == MF_CHR ? "chr" : e->type == MF_BLK ? "blk" : "fifo", e->mode,
				   e->uid, e->gid, (long long)e->mtime, e->major, e->minor);
			break;
		}
	}
	return 0;
}
