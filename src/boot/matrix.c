/* matrix.c: boot the image in every firmware x medium cell (see matrix.h). */
#include "boot/matrix.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot/export.h"
#include "boot/qemu.h"
#include "build/arch.h"
#include "sys/alloc.h"
#include "sys/buf.h"
#include "sys/fs.h"
#include "sys/log.h"

#define CMD "echo MATRIX_$((6 * 7)); grep -c . /proc/mounts"

struct cell {
	const char *firmware, *medium;
	int ok;
	double secs;
	const char *na; /* why this cell cannot work, instead of a boot */
};

/* Syslinux's EFI loader cannot boot from optical media (see iso.h), so the ISO has no El
 * Torito EFI entry; it boots UEFI only written to a stick (the usb cells of the ISO are in
 * tests/e2e/85-boot-everywhere.sh). */
#define NA_UEFI_CD "n/a: Syslinux's EFI loader cannot boot from a CD"
/* A CPU without BIOS boot (arm64): UEFI only, no ISO (isolinux is the PC's), and its
 * machine's plain disk is a virtio one, not IDE */
#define NA_NO_BIOS "n/a: no BIOS on this CPU; it boots with UEFI"
#define NA_NO_ISO "n/a: no ISO for this CPU (isolinux is the PC's)"

#define HEADER_FORMAT "%-6s %-8s %-6s %-6s %-6s %s\n"

size_t matrix_table_without(const char *table, const char *arch, const char *format,
			    struct buf *out)
{
	struct buf old;
	char *line, *save = NULL;
	size_t kept = 0;
	buf_init(&old);
	buf_addf(out, HEADER_FORMAT, "arch", "firmware", "medium", "initrd", "result", "shell after");
	if (!file_exists(table) || read_file(table, &old) < 0) {
		buf_release(&old);
		return 0;
	}
	for (line = strtok_r(old.data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char ar[16], fw[16], med[16], fmt[16];
		if (sscanf(line, "%15s %15s %15s %15s", ar, fw, med, fmt) == 4 && arch_find(ar) &&
		    (strcmp(ar, arch) || strcmp(fmt, format))) {
			buf_addf(out, "%s\n", line);
			kept++;
		}
	}
	buf_release(&old);
	return kept;
}

/* Boot each cell that can work; the ones that fail are reported.  Returns how many. */
static size_t boot_cells(const struct plan *plan, const char *accel, const char *img,
			 const char *iso, const char *vdi, const char *logdir, struct cell *cells)
{
	static const char *const firmwares[] = {"bios", "uefi"};
	static const char *const media[] = {"ide", "usb", "cd", "vdi"};
	const char *format = plan->initrd_format == INITRD_EXT2 ? "ext2" : "cpio";
	size_t n = 0, failed = 0;
	for (size_t f = 0; f < 2; f++) {
		for (size_t m = 0; m < 4; m++, n++) {
			struct qemu_opts o = {
				.memory_mb = plan->qemu_memory_mib, .accel = accel, .arch = plan->arch};
			struct cell *c = &cells[n];
			char *tlog;
			c->firmware = firmwares[f];
			c->medium = m == 0 && !plan->arch->bios ? "virtio" : media[m];
			c->na = !plan->arch->bios ? (f == 0 ? NA_NO_BIOS : m == 2 ? NA_NO_ISO : NULL)
				: f == 1 && m == 2 ? NA_UEFI_CD
						   : NULL;
			c->ok = 0;
			c->secs = -1;
			if (c->na)
				continue;
			o.uefi = f == 1;
			o.usb = m == 1;
			o.cdrom = m == 2;
			o.image = m == 2 ? iso : m == 3 ? vdi : img;
			o.timeout_s = 180;
			o.cmd = CMD;
			o.quiet = 1;
			tlog = xasprintf("%s/matrix-%s-%s.log", logdir, c->firmware, c->medium);
			o.transcript = tlog;
			info("matrix: %s, %s, %s initrd", c->firmware, c->medium, format);
			c->ok = qemu_test(&o, &c->secs) == 0;
			if (!c->ok) {
				error("matrix: %s from %s (%s initrd) did not reach a shell; transcript in %s",
				      c->firmware, c->medium, format, tlog);
				failed++;
			}
			free(tlog);
		}
	}
	return failed;
}

int matrix_run(const struct plan *plan, const char *accel)
{
	const char *format = plan->initrd_format == INITRD_EXT2 ? "ext2" : "cpio";
	char *img = path_join(plan->out_dir, "mkdistro.img");
	char *iso = path_join(plan->out_dir, "mkdistro.iso");
	char *work = path_join(plan->out_dir, ".matrix");
	char *vdi = path_join(work, "mkdistro.vdi");
	char *logdir = path_join(plan->out_dir, "log");
	char *log = path_join(logdir, "matrix.log");
	char *table = path_join(plan->out_dir, "boot-matrix.txt");
	struct cell cells[8];
	struct buf text;
	size_t n = 8, failed, na = 0;
	int ret = -1;

	buf_init(&text);
	if (!file_exists(img) || (plan->arch->bios && !file_exists(iso))) {
		error("'%s' and '%s' are needed; run 'mkdistro build --iso' first", img, iso);
		goto out;
	}
	if (mkdir_p(work, 0755) < 0 || mkdir_p(logdir, 0755) < 0 ||
	    export_image(img, "vdi", vdi, log) < 0)
		goto out;
	failed = boot_cells(plan, accel, img, iso, vdi, logdir, cells);
	matrix_table_without(table, plan->arch->name, format, &text);
	for (size_t i = 0; i < n; i++) {
		buf_addf(&text, "%-6s %-8s %-6s %-6s %-6s ", plan->arch->name, cells[i].firmware,
			 cells[i].medium, format,
			 cells[i].na ? "n/a" : cells[i].ok ? "ok" : "FAIL");
		if (cells[i].na)
			buf_addf(&text, "%s\n", cells[i].na + 5), na++;
		else if (cells[i].secs >= 0)
			buf_addf(&text, "%.1f s\n", cells[i].secs);
		else
			buf_adds(&text, "-\n");
	}
	fputs(text.data, stdout);
	if (write_file_atomic(table, text.data, text.len, 0644) < 0)
		goto out;
	info("matrix: %zu of %zu cells reached a shell, %zu cannot work; table in %s",
	     n - na - failed, n - na, na, table);
	ret = failed ? -1 : 0;
out:
	remove_tree(work);
	buf_release(&text);
	free(img);
	free(iso);
	free(work);
	free(vdi);
	free(logdir);
	free(log);
	free(table);
	return ret;
}
