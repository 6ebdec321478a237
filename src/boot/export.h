/* export.h: `mkdistro export`: convert the stick image to a disk image that VirtualBox and
 * QEMU boot: VDI, VMDK or qcow2.
 *
 * qemu-img converts (qemu-img(1), "convert"); the VMDK is monolithicSparse, one file with its
 * descriptor inside, the default subformat and one VirtualBox reads.  The result appears
 * only when it is complete: qemu-img writes OUT.tmp/NAME, a directory, so that the VMDK's
 * descriptor names its extent NAME and not a temporary name; the file is synced, renamed to
 * OUT and the directory removed.  A failed export leaves any previous OUT as it was.
 *
 * The same image gives the same bytes.  qcow2 does by itself; VDI and VMDK get random numbers
 * from qemu-img, which are replaced with numbers taken from the image's SHA-256: the VDI's
 * creation and modification UUIDs, and the VMDK's content ID (see export.c).
 */
#ifndef MKDISTRO_EXPORT_H
#define MKDISTRO_EXPORT_H

/* For messages. */
#define EXPORT_FORMATS "vdi, vmdk or qcow2"

/* 1 when fmt is "vdi", "vmdk" or "qcow2", else 0. */
int export_format_known(const char *fmt);

/* Convert image (a raw disk image: a file or a block device) to fmt, written to out.
 * qemu-img's command line and output are appended to log (NULL: its output goes to stderr).
 * Prints a progress line with out and its size.  Returns 0, or -1 (reported; out is then as
 * it was, and no temporary file is left). */
int export_image(const char *image, const char *fmt, const char *out, const char *log);

/* `mkdistro export`: image (NULL: DIR/out/mkdistro.img) to output (NULL:
 * DIR/out/mkdistro.FMT), with qemu-img's output in DIR/out/log/export.log when DIR/out
 * exists (else on stderr).  Returns 0 or -1 (reported). */
int export_run(const char *dir, const char *fmt, const char *image, const char *output);

#endif
