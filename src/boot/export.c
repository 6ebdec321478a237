/* export.c: convert the stick image with qemu-img, then make the result reproducible (see
 * export.h).
 *
 * References:
 *   qemu-img(1), "convert": -f raw -O vdi|vmdk|qcow2, and -o subformat=monolithicSparse for
 *     vmdk.  QEMU reads a name with a ':' before any '/' as PROTOCOL:... (path_has_protocol()
 *     in its block.c), so such a relative name is passed as "./NAME".
 *   VirtualBox, src/VBox/Storage/VDICore.h: VDIPREHEADER (64 bytes of text, the signature
 *     0xbeda107f, the version 0x00010001), then VDIHEADER1PLUS, whose uuidCreate and
 *     uuidModify are bytes 392-407 and 408-423 of the file.  An RTUUID keeps its first three
 *     fields little-endian.  VDI.cpp's vdiValidateHeader() requires both to be non-null.
 *   VMware, "Virtual Disk Format 1.1": the SparseExtentHeader (magic "KDMV"; descriptorOffset
 *     and descriptorSize, in sectors, at bytes 28 and 36) and the descriptor's "CID=" line,
 *     the 32-bit content ID in hex.
 *   RFC 9562, 5.8: UUID version 8, for UUIDs made by a method of one's own.
 */
#include "boot/export.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sys/alloc.h"
#include "sys/buf.h"
#include "sys/fs.h"
#include "sys/hash.h"
#include "sys/log.h"
#include "sys/spawn.h"

#define VDI_SIGNATURE 0xbeda107fu
#define VDI_VERSION_1_1 0x00010001u
#define VDI_HEADER1_SIZE 0x170u /* sizeof(VDIHEADER1), the smallest v1.1 header */
#define VDI_UUIDS 392           /* uuidCreate, then uuidModify */
#define VMDK_DESC_MAX 1024u     /* sectors; qemu-img writes 20 */

static const char *const formats[] = {"vdi", "vmdk", "qcow2"};

int export_format_known(const char *fmt)
{
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (!strcmp(fmt, formats[i]))
			return 1;
	return 0;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* The image's SHA-256: the source of the numbers qemu-img would make up. */
static int image_seed(const char *image, uint8_t seed[32])
{
	char hex[65];
	if (sha256_file(image, hex) < 0)
		return -1;
	for (int i = 0; i < 32; i++) {
		unsigned v = 0;
		sscanf(hex + 2 * i, "%2x", &v);
		seed[i] = (uint8_t)v;
	}
	return 0;
}

/* The VDI's creation and modification UUIDs: the seed's two halves, as version 8 UUIDs. */
static int fix_vdi(int fd, const char *path, const uint8_t seed[32])
{
	uint8_t h[VDI_UUIDS], id[32];
	if (pread(fd, h, sizeof(h), 0) != (ssize_t)sizeof(h) || le32(h + 64) != VDI_SIGNATURE ||
	    le32(h + 68) != VDI_VERSION_1_1 || le32(h + 72) < VDI_HEADER1_SIZE)
		return error("qemu-img wrote '%s', which is not a VDI 1.1 image", path);
	memcpy(id, seed, sizeof(id));
	for (int i = 0; i < 32; i += 16) {
		/* the version is the top of time_hi_and_version, stored little-endian */
		id[i + 7] = (uint8_t)((id[i + 7] & 0x0f) | 0x80);
		id[i + 8] = (uint8_t)((id[i + 8] & 0x3f) | 0x80); /* variant 10 */
	}
	if (pwrite(fd, id, sizeof(id), VDI_UUIDS) != (ssize_t)sizeof(id))
		return error_errno("cannot write '%s'", path);
	return 0;
}

/* The VMDK's content ID: the seed's first 4 bytes, in the embedded descriptor's CID= line. */
static int fix_vmdk(int fd, const char *path, const uint8_t seed[32])
{
	uint8_t h[44];
	uint64_t off, len;
	uint32_t cid = (uint32_t)seed[0] << 24 | (uint32_t)seed[1] << 16 | (uint32_t)seed[2] << 8 | seed[3];
	char *desc = NULL, *line, *end;
	struct buf b;
	int ret = -1;

	if (pread(fd, h, sizeof(h), 0) != (ssize_t)sizeof(h) || memcmp(h, "KDMV", 4))
		return error("qemu-img wrote '%s', which is not a sparse VMDK", path);
	off = le64(h + 28);
	len = le64(h + 36);
	if (!off || !len || len > VMDK_DESC_MAX)
		return error("qemu-img wrote '%s' without an embedded descriptor", path);
	off *= 512;
	len *= 512;
	buf_init(&b);
	desc = xcalloc(1, len + 1); /* the text ends at its first NUL */
	if (pread(fd, desc, len, (off_t)off) != (ssize_t)len) {
		error_errno("cannot read '%s'", path);
		goto out;
	}
	line = !strncmp(desc, "CID=", 4) ? desc : strstr(desc, "\nCID=");
	if (!line) {
		error("qemu-img wrote '%s' without a CID= line in its descriptor", path);
		goto out;
	}
	if (*line == '\n')
		line++;
	end = line + 4 + strspn(line + 4, "0123456789abcdefABCDEF");
	buf_add(&b, desc, (size_t)(line - desc));
	buf_addf(&b, "CID=%08" PRIx32, cid);
	buf_adds(&b, end);
	if (b.len >= len) {
		error("no room for the CID= line in '%s'", path);
		goto out;
	}
	memset(desc, 0, len);
	memcpy(desc, b.data, b.len);
	if (pwrite(fd, desc, len, (off_t)off) != (ssize_t)len) {
		error_errno("cannot write '%s'", path);
		goto out;
	}
	ret = 0;
out:
	buf_release(&b);
	free(desc);
	return ret;
}

/* path as qemu-img must be given it to take it for a file name. */
static char *qemu_name(const char *path)
{
	return path[strcspn(path, ":/")] == ':' ? xasprintf("./%s", path) : xstrdup(path);
}

/* Check the image: a file or block device with an MBR boot signature, not out itself.
 * Sets *size.  Returns 0 or -1 (reported). */
static int check_image(const char *image, const char *out, off_t *size)
{
	unsigned char mbr[512];
	struct stat st, st_out;
	int fd = open(image, O_RDONLY | O_CLOEXEC), ret = -1;

	if (fd < 0)
		return error_errno("cannot open the image '%s'", image);
	if (fstat(fd, &st) < 0 || (*size = lseek(fd, 0, SEEK_END)) < 0) {
		error_errno("cannot read '%s'", image);
	} else if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
		error("cannot export '%s': not a file or block device", image);
	} else if (pread(fd, mbr, sizeof(mbr), 0) != (ssize_t)sizeof(mbr) || mbr[510] != 0x55 ||
		   mbr[511] != 0xaa) {
		error("'%s' is not a raw disk image (no boot signature 55 AA at byte 510)", image);
	} else if (stat(out, &st_out) == 0 && st_out.st_dev == st.st_dev &&
		   st_out.st_ino == st.st_ino) {
		error("'%s' is the image itself; export to another file", out);
	} else {
		ret = 0;
	}
	close(fd);
	return ret;
}

/* An empty OUT.tmp for qemu-img to write in.  An export that was killed leaves OUT.tmp/NAME;
 * anything more there is not ours, and stays. */
static int fresh_tmpdir(const char *tmpdir, const char *tmp)
{
	if (is_dir(tmpdir))
		unlink(tmp);
	if (rmdir(tmpdir) < 0 && errno != ENOENT)
		return error_errno("cannot remove '%s', left by an earlier export", tmpdir);
	if (mkdir(tmpdir, 0755) < 0)
		return error_errno("cannot create '%s'", tmpdir);
	return 0;
}

/* qemu-img's file made reproducible (its random numbers replaced, from seed) and synced;
 * *st gets its size. */
static int finish_file(const char *tmp, const char *fmt, const uint8_t seed[32], struct stat *st)
{
	int fd = open(tmp, O_RDWR | O_CLOEXEC), ret = -1;
	if (fd < 0)
		return error_errno("cannot open '%s'", tmp);
	if ((!strcmp(fmt, "vdi") && fix_vdi(fd, tmp, seed) < 0) ||
	    (!strcmp(fmt, "vmdk") && fix_vmdk(fd, tmp, seed) < 0))
		goto out;
	if (fsync(fd) < 0 || fstat(fd, st) < 0) {
		error_errno("cannot write '%s'", tmp);
		goto out;
	}
	ret = 0;
out:
	if (close(fd) < 0 && !ret)
		ret = error_errno("cannot write '%s'", tmp);
	return ret;
}

/* qemu-img convert from src to dst in fmt. */
static int convert(const char *src, const char *dst, const char *fmt, const char *log)
{
	/* a VMDK is one file with its descriptor inside: the default, said so that it stays so */
	int vmdk = !strcmp(fmt, "vmdk");
	const char *argv[] = {"qemu-img", "convert", "-f", "raw", "-O", fmt,
			      vmdk ? "-o" : src, vmdk ? "subformat=monolithicSparse" : dst,
			      vmdk ? src : NULL, vmdk ? dst : NULL, NULL};
	struct child c = CHILD_INIT;
	c.argv = argv;
	c.log = log;
	return spawn_run_logged(&c, "qemu-img convert");
}

int export_image(const char *image, const char *fmt, const char *out, const char *log)
{
	const char *name = strrchr(out, '/') ? strrchr(out, '/') + 1 : out;
	char *tmpdir = xasprintf("%s.tmp", out), *tmp = path_join(tmpdir, name);
	char *src = qemu_name(image), *dst = qemu_name(tmp);
	struct stat st;
	uint8_t seed[32];
	double t0 = log_now();
	off_t disk = 0;
	int made = 0, ret = -1;

	if (!export_format_known(fmt)) {
		error("unknown format '%s' (want " EXPORT_FORMATS ")", fmt);
		goto out;
	}
	if (!*name || !strcmp(name, ".") || !strcmp(name, "..") || is_dir(out)) {
		error("cannot export to '%s': it is a directory; name a file", out);
		goto out;
	}
	if (check_image(image, out, &disk) < 0 ||
	    (strcmp(fmt, "qcow2") && image_seed(image, seed) < 0) || fresh_tmpdir(tmpdir, tmp) < 0)
		goto out;
	made = 1;
	if (convert(src, dst, fmt, log) < 0 || finish_file(tmp, fmt, seed, &st) < 0)
		goto out;
	if (rename(tmp, out) < 0) {
		error_errno("cannot rename '%s' to '%s'", tmp, out);
		goto out;
	}
	fsync_parent(out);
	info("mkdistro: exported %s (%s, %.1f MiB file for a %.1f MiB disk) in %.1f s", out, fmt,
	     (double)st.st_size / (1 << 20), (double)disk / (1 << 20), log_now() - t0);
	ret = 0;
out:
	if (made) {
		unlink(tmp); /* gone after the rename */
		rmdir(tmpdir);
	}
	free(tmpdir);
	free(tmp);
	free(src);
	free(dst);
	return ret;
}

int export_run(const char *dir, const char *fmt, const char *image, const char *output)
{
	char *outdir = path_join(dir, "out"), *logdir = path_join(outdir, "log");
	char *img = image ? xstrdup(image) : path_join(outdir, "mkdistro.img");
	char *out = output ? xstrdup(output) : xasprintf("%s/mkdistro.%s", outdir, fmt);
	char *log = NULL;
	int ret = -1;

	if (!file_exists(img)) {
		error("'%s' does not exist%s", img, image ? "" : "; run 'mkdistro build' first");
		goto out;
	}
	/* a project keeps the log with the others; elsewhere qemu-img speaks on stderr */
	if (is_dir(outdir)) {
		log = path_join(logdir, "export.log");
		if (mkdir_p(logdir, 0755) < 0)
			goto out;
		unlink(log);
	}
	ret = export_image(img, fmt, out, log);
out:
	free(outdir);
	free(logdir);
	free(img);
	free(out);
	free(log);
	return ret;
}
