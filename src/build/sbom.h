/* sbom.h: out/sbom.spdx.json, what the image is made of, as an SPDX 2.3 JSON document
 * (the document and its text: formats/spdx.h).
 *
 * One SPDX package for each thing in the image, each with the SHA-256 of its file as it is
 * there (its packageFileName), so that the document can be checked against the image:
 *   - the image itself, which the document DESCRIBES, and which CONTAINS the rest;
 *   - each kernel (linux, GPL-2.0-only, its version the kernel release), GENERATED_FROM its
 *     source (the Debian package's tarball or the pinned one, with its SHA-256 when the
 *     tarball is at hand);
 *   - each initrd, which CONTAINS its BusyBox (busybox, GPL-2.0-only, GENERATED_FROM its
 *     source), the libraries copied into it (debug info stripped; the SHA-256 is the
 *     stripped file's) and a variant's extra binaries;
 *   - Syslinux's files (syslinux, GPL-2.0-or-later): the MBR boot code, ldlinux.sys and
 *     ldlinux.c32 as `syslinux --install` wrote them into the FAT (read back from the image),
 *     the EFI loader and ldlinux.e64, and ISOLINUX's files in the ISO.
 * Each Debian package fetched for the image ([rootfs] packages, packages.h) that put something
 * in an initrd is an SPDX package of its own: its name, version, .deb file and that file's
 * SHA-256 (as mkdistro.lock pins it), a purl, and the license its copyright file declares.
 * A file that a Debian package installed on the build host gets that package's name and
 * version (dpkg-query -S, then -W) as a purl and in sourceInfo, and the license its
 * /usr/share/doc/PACKAGE/copyright declares when that file is machine-readable (DEP-5,
 * copyright-format 1.0), else NOASSERTION.
 *
 * Reproducible: the creation time is the plan's epoch (SOURCE_DATE_EPOCH or [build] epoch),
 * the documentNamespace is made from the rest of the document (spdx.h), packages come in a
 * fixed order, and no path of the project or the cache appears.  The dpkg answers are kept in
 * the cache (memo.h) while /var/lib/dpkg/status is unchanged; the whole document is made
 * again only when its inputs (the image's, the sources, the package database) changed or
 * the file did, so a build with nothing changed neither asks dpkg nor rewrites it.
 */
#ifndef MKDISTRO_SBOM_H
#define MKDISTRO_SBOM_H

#include "build/build.h"
#include "build/busybox.h"
#include "build/config.h"
#include "build/inputs.h"
#include "build/kernel.h"
#include "build/sources.h"
#include "formats/manifest.h"
#include "sys/buf.h"

struct sbom_in {
	const struct source *kernel_source, *busybox_source;
	const struct build_kernel *kernels; /* one per plan->kvar */
	const struct build_initrd *initrds; /* one per plan->ivar: its BusyBox, and what its file
					     * holds (a stacked one only its additions) */
	const struct packages *pkgs;        /* the Debian packages fetched (packages.h) */
	const char *stick;     /* the stick tree about to be published */
	const char *image;     /* the image about to be published (or out/mkdistro.img, unchanged) */
	const char *image_key; /* the image's inputs key (inputs.h); and the ISO's, or NULL */
	const char *iso_key;
	const char *work;      /* scratch directory */
	const char *log;       /* the image stage's log, for the tools run */
	const char *tool;      /* "mkdistro-VERSION", the creator */
};

/* A document made, waiting to be published with the image. */
struct sbom_doc {
	struct buf text;
	struct inputs key; /* what it is made from, for out/.state/sbom */
	int unchanged;     /* out/sbom.spdx.json already is it: nothing to write */
};

void sbom_doc_init(struct sbom_doc *doc);
void sbom_doc_release(struct sbom_doc *doc);
/* Make the document for the image and stick tree in, before they are published, so that a
 * failure here leaves out/ as it was; or find that out/sbom.spdx.json is what the last build
 * wrote from the same inputs (doc->unchanged).  Writes nothing in out/.  Returns 0 or -1
 * (reported). */
int sbom_make(const struct plan *plan, const struct sbom_in *in, struct sbom_doc *doc);
#endif
