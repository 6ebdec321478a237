/* matrix.h: `mkdistro matrix`: boot the built image every way it is meant to boot.
 *
 * {BIOS (SeaBIOS), UEFI (OVMF)} x {IDE disk, USB stick on xHCI, CD (the ISO), VDI disk}, each
 * cell booted headless in QEMU to a shell that runs a command (qemu_test), with the time
 * from power-on to the shell.  The cells use out/mkdistro.img, out/mkdistro.iso (so the
 * build needs [image] iso = yes, or build --iso) and a VDI exported from the image.  The
 * rows for the project's initrd format replace those of an earlier run; rows of the other
 * format are kept, so a cpio build and an ext2 build together fill the whole table in
 * out/boot-matrix.txt.
 */
#ifndef MKDISTRO_MATRIX_H
#define MKDISTRO_MATRIX_H

#include <stddef.h>

#include "build/config.h"
#include "sys/buf.h"

/* Boot every cell, print the table and save it.  accel: as for accel_choose.  Returns 0
 * when every cell reached the shell, else -1 (the failing cells reported). */
int matrix_run(const struct plan *plan, const char *accel);

/* The table at path (out/boot-matrix.txt) without the rows of CPU arch ("x86_64", "i686")
 * and initrd format ("cpio", "ext2"), header first, into out; a build whose image changed
 * keeps only these, since the others describe an image that is gone.  Rows of a table
 * written before the arch column are dropped.  Returns how many rows were kept (0 also when
 * there is no table). */
size_t matrix_table_without(const char *table, const char *arch, const char *format,
			    struct buf *out);

#endif
