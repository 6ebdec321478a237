/* sbom.c: out/sbom.spdx.json, the image's SPDX 2.3 software bill of materials (see sbom.h):
 * what the image holds, gathered into a document (formats/spdx.h), the host's files named by
 * their Debian packages (dpkg.h) and licensed by their copyright files (formats/debcopyright.h).
 * References: the SPDX 2.3 specification, clause 11 (relationships: DESCRIBES, CONTAINS,
 * GENERATED_FROM) and 7.24 (primaryPackagePurpose).
 */
#include "build/sbom.h"

#include <ctype.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "build/dpkg.h"
#include "build/image.h"
#include "build/inputs.h"
#include "build/iso.h"
#include "build/memo.h"
#include "formats/debcopyright.h"
#include "formats/deb822.h"
#include "formats/spdx.h"
#include "sys/alloc.h"
#include "sys/fs.h"
#include "sys/hash.h"

/* ---- the parts of the image ---- */

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/* "1.35.0" from the VERSION, PATCHLEVEL, SUBLEVEL and EXTRAVERSION lines of a Kbuild tree's
 * top Makefile (the kernel's and BusyBox's), or NULL (malloc'd). */
static char *makefile_version(const char *tree)
{
	static const char *const names[] = {"VERSION", "PATCHLEVEL", "SUBLEVEL", "EXTRAVERSION"};
	char *mk = path_join(tree, "Makefile"), *parts[4] = {0}, *ret = NULL;
	struct buf b;
	buf_init(&b);
	if (read_file(mk, &b) == 0) {
		for (const char *line = b.data; *line;) {
			size_t len = strcspn(line, "\n");
			for (size_t i = 0; i < 4; i++) {
				size_t nl = strlen(names[i]);
				const char *v = line + nl;
				if (parts[i] || strncmp(line, names[i], nl))
					continue;
				v += strspn(v, " \t");
				if (*v != '=')
					continue;
				v++;
				v += strspn(v, " \t");
				parts[i] = xstrndup(v, (size_t)(line + len - v));
			}
			line += len + (line[len] == '\n');
		}
	}
	if (parts[0] && parts[1] && parts[2] && *parts[0])
		ret = xasprintf("%s.%s.%s%s", parts[0], parts[1], parts[2], parts[3] ? parts[3] : "");
	for (size_t i = 0; i < 4; i++)
		free(parts[i]);
	buf_release(&b);
	free(mk);
	return ret;
}

/* The SHA-256 of a big file that only a package upgrade changes (a kernel source tarball
 * is 140 MB), remembered while the file is unchanged. */
static int sha256_remembered(const struct plan *plan, const char *path, char out[65])
{
	const char *deps[] = {path, NULL};
	char *key = xasprintf("sha256 1 %s", path), *sum = memo_get(plan, key, deps);
	int ret = 0;
	if (sum && strlen(sum) == 64 && strspn(sum, "0123456789abcdef") == 64)
		memcpy(out, sum, 65);
	else if ((ret = sha256_file(path, out)) == 0)
		memo_put(plan, key, deps, out);
	free(sum);
	free(key);
	return ret;
}

/* A package whose file came from the build host, waiting for dpkg's answer. */
struct pending {
	size_t pkg;       /* index in the document */
	char *host;       /* the host file */
	char *how;        /* sourceInfo, to which the Debian package is added */
	int own_license;  /* keep the package's license rather than the copyright file's */
};

struct gather {
	const struct plan *plan;
	const struct sbom_in *in;
	struct spdx *s;
	struct pending *p;
	size_t n_p, cap_p;
};

/* A package for a file taken from the host: dpkg fills in version, purl and license. */
static struct spdx_pkg *host_pkg(struct gather *g, const char *id, const char *name,
				 const char *host, const char *how, int own_license)
{
	struct spdx_pkg *pkg = spdx_add(g->s, id, name);
	struct pending *p;
	XGROW(g->p, g->cap_p, g->n_p + 1);
	p = &g->p[g->n_p++];
	p->pkg = g->s->n_pkgs - 1;
	p->host = xstrdup(host);
	p->how = xstrdup(how);
	p->own_license = own_license;
	return pkg;
}

/* The license /usr/share/doc/PKG/copyright declares, or NULL. */
static char *copyright_license(struct spdx *s, const char *pkg)
{
	char *file = xasprintf("/usr/share/doc/%s/copyright", pkg), *lic = NULL;
	struct buf text;
	buf_init(&text);
	if (file_exists(file) && read_file(file, &text) == 0)
		lic = debcopyright_license(s, pkg, text.data);
	buf_release(&text);
	free(file);
	return lic;
}

/* Ask dpkg about every pending host file at once, and complete their packages. */
static void resolve_pending(struct gather *g)
{
	char **paths = xcalloc(g->n_p ? g->n_p : 1, sizeof(*paths));
	struct dpkg_owner *debs = xcalloc(g->n_p ? g->n_p : 1, sizeof(*debs));
	for (size_t i = 0; i < g->n_p; i++)
		paths[i] = g->p[i].host;
	if (dpkg_owners(g->plan, paths, g->n_p, debs) < 0)
		warning("dpkg-query could not be run: the SBOM names no Debian packages");
	for (size_t i = 0; i < g->n_p; i++) {
		struct spdx_pkg *pkg = &g->s->pkgs[g->p[i].pkg];
		const struct dpkg_owner *d = &debs[i];
		if (d->pkg) {
			if (!pkg->version)
				pkg->version = xstrdup(d->version);
			pkg->purl = spdx_deb_purl(d->pkg, d->version, d->arch);
			pkg->source_info = xasprintf("%s (Debian package %s %s, %s)", g->p[i].how,
						     d->pkg, d->version, d->arch);
			if (!g->p[i].own_license)
				pkg->license = copyright_license(g->s, d->pkg);
		} else {
			pkg->source_info = xasprintf("%s (no Debian package owns it)", g->p[i].how);
		}
		free(g->p[i].host);
		free(g->p[i].how);
	}
	for (size_t i = 0; i < g->n_p; i++)
		dpkg_owner_release(&debs[i]);
	free(debs);
	free(paths);
	free(g->p);
	g->p = NULL;
	g->n_p = g->cap_p = 0;
}

/* The image and the ISO, and what their FAT holds at the top: kernels and initrds. */
static int add_media(struct gather *g)
{
	const struct plan *plan = g->plan;
	struct spdx_pkg *p = spdx_add(g->s, "image", "mkdistro.img");
	p->file = xstrdup("mkdistro.img");
	p->purpose = "OPERATING_SYSTEM";
	p->comment = xasprintf("the live system '%s' on a stick image: an MBR and a FAT partition "
			       "with Syslinux, the kernels in /boot/kernel and the initrds in "
			       "/boot/initrd",
			       plan->hostname);
	spdx_relate(g->s, "DOCUMENT", "DESCRIBES", "image");
	if (plan->iso) {
		p = spdx_add(g->s, "iso", "mkdistro.iso");
		p->file = xstrdup("mkdistro.iso");
		p->purpose = "OPERATING_SYSTEM";
		p->comment = xstrdup("the same system as a hybrid ISO 9660 image (ISOLINUX, and an EFI "
				     "partition with the stick's files)");
		spdx_relate(g->s, "DOCUMENT", "DESCRIBES", "iso");
	}
	return 0;
}

/* Relate every medium (the image, and the ISO) to id. */
static void on_media(struct gather *g, const char *id)
{
	spdx_relate(g->s, "image", "CONTAINS", id);
	if (g->plan->iso)
		spdx_relate(g->s, "iso", "CONTAINS", id);
}

static int add_kernels(struct gather *g)
{
	const struct plan *plan = g->plan;
	const struct source *src = g->in->kernel_source;
	struct spdx_pkg *p;
	char *id;
	int debian = !strncmp(plan->kernel_source, "debian:", 7);

	for (size_t i = 0; i < plan->n_kvar; i++) {
		char *rel = xasprintf("boot/kernel/%s.lk", plan->kvar[i].name);
		char *file = path_join(g->in->stick, rel);
		id = xasprintf("linux-%s", plan->kvar[i].name);
		p = spdx_add(g->s, id, "linux");
		p->version = xstrdup(g->in->kernels[i].release);
		p->file = xasprintf("/%s", rel);
		p->purpose = "OPERATING_SYSTEM";
		p->license = xstrdup("GPL-2.0-only");
		p->source_info = xasprintf("built by mkdistro from %s, %s plus %s%s%s", src->id,
					   plan->kernel_base, plan->kvar[i].config ? base_name(plan->kvar[i].config) : "kernel.config",
					   plan->kvar[i].fragment ? " and " : "",
					   plan->kvar[i].fragment ? base_name(plan->kvar[i].fragment) : "");
		p->comment = xasprintf("kernel '%s' (bzImage)", plan->kvar[i].name);
		if (sha256_file(file, p->sha256) < 0) {
			free(rel);
			free(file);
			free(id);
			return -1;
		}
		on_media(g, id);
		spdx_relate(g->s, id, "GENERATED_FROM", "linux-source");
		free(rel);
		free(file);
		free(id);
	}
	if (debian) {
		const char *pkg = plan->kernel_source + 7;
		char *tarball = xasprintf("/usr/src/%s.tar.xz", pkg);
		const char *ver = strchr(src->id, ' ');
		if (file_exists(tarball)) {
			p = host_pkg(g, "linux-source", "linux", tarball, "the build host's tarball", 1);
			p->file = xstrdup(base_name(tarball));
			if (sha256_remembered(plan, tarball, p->sha256) < 0) {
				free(tarball);
				return -1;
			}
		} else {
			/* fetched with apt-get download and unpacked: the tarball is not kept */
			p = spdx_add(g->s, "linux-source", "linux");
			p->file = xstrdup(base_name(tarball));
			p->source_info = xasprintf("Debian package %s, fetched with apt-get download "
						   "(the tarball is not kept, so it has no checksum here)",
						   src->id);
			if (ver)
				p->purl = spdx_deb_purl(pkg, ver + 1, "all");
		}
		if (ver)
			p->version = xstrdup(ver + 1);
		free(tarball);
	} else {
		p = spdx_add(g->s, "linux-source", "linux");
		p->file = xstrdup(base_name(plan->kernel_source));
		p->version = makefile_version(src->tree);
		snprintf(p->sha256, sizeof(p->sha256), "%s", plan->kernel_sha256);
		for (char *c = p->sha256; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		p->source_info = xstrdup("the tarball [kernel] source names, pinned by [kernel] sha256");
	}
	p->purpose = "SOURCE";
	p->license = xstrdup("GPL-2.0-only");
	return 0;
}

/* The Debian source package's .dsc beside the unpacked tree, or NULL (malloc'd). */
static char *find_dsc(const char *tree)
{
	char *dir = xstrdup(tree), *slash = strrchr(dir, '/'), *pattern, *ret = NULL;
	glob_t gl;
	if (slash)
		*slash = '\0';
	pattern = path_join(dir, "*.dsc");
	if (glob(pattern, 0, NULL, &gl) == 0) {
		if (gl.gl_pathc == 1)
			ret = xstrdup(gl.gl_pathv[0]);
		globfree(&gl);
	}
	free(pattern);
	free(dir);
	return ret;
}

static int add_busybox_source(struct gather *g)
{
	const struct plan *plan = g->plan;
	const struct source *src = g->in->busybox_source;
	struct spdx_pkg *p = spdx_add(g->s, "busybox-source", "busybox");
	p->purpose = "SOURCE";
	p->license = xstrdup("GPL-2.0-only");
	if (!strncmp(plan->busybox_source, "debian:", 7)) {
		char *dsc = find_dsc(src->tree);
		struct buf text;
		struct deb822 ps;
		buf_init(&text);
		if (dsc && read_file(dsc, &text) == 0) {
			deb822_parse(&ps, text.data);
			p->version = deb822_first(&ps, "Version");
			deb822_release(&ps);
			if (sha256_file(dsc, p->sha256) < 0)
				*p->sha256 = '\0';
			p->file = xstrdup(base_name(dsc));
		}
		if (p->version)
			p->purl = spdx_deb_purl(plan->busybox_source + 7, p->version, "source");
		p->source_info = xasprintf("Debian's source package %s (apt-get source); its .dsc "
					   "lists the SHA-256 of its tarballs",
					   src->id);
		buf_release(&text);
		free(dsc);
	} else {
		p->file = xstrdup(base_name(plan->busybox_source));
		p->version = makefile_version(src->tree);
		snprintf(p->sha256, sizeof(p->sha256), "%s", plan->busybox_sha256);
		for (char *c = p->sha256; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		p->source_info = xstrdup("the tarball [busybox] source names, pinned by [busybox] "
					 "sha256");
	}
	return 0;
}

/* A file of the image's that came from the host: a library (stripped) or an extra binary. */
struct hostfile {
	const char *path;   /* in the image */
	const char *source; /* the file the initrd holds */
	const char *host;   /* the host file it came from */
	int stripped;
	char *id;
};

static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct hostfile *)a)->path, ((const struct hostfile *)b)->path);
}

/* The initrds; in each, its BusyBox, the libraries and the extra binaries. */
static int add_initrds(struct gather *g)
{
	const struct plan *plan = g->plan;
	char *libdir = path_join(plan->cache_dir, "lib/");
	struct hostfile *hf = NULL;
	size_t n_hf = 0, cap_hf = 0;
	int ret = -1;

	for (size_t i = 0; i < plan->n_ivar; i++) {
		const struct ivariant *v = &plan->ivar[i];
		char *rel = xasprintf("boot/initrd/%s.gz", v->name);
		char *file = path_join(g->in->stick, rel), *id = xasprintf("initrd-%s", v->name);
		struct spdx_pkg *p = spdx_add(g->s, id, "initrd");
		int r;
		p->file = xasprintf("/%s", rel);
		p->purpose = "ARCHIVE";
		p->comment = xasprintf("initrd '%s': the root filesystem, a gzip-compressed %s%s",
				       v->name,
				       plan->initrd_format == INITRD_EXT2 ? "ext2 image" : "cpio archive",
				       v->stack ? ", stacked on main's: only what it adds" : "");
		r = sha256_file(file, p->sha256);
		on_media(g, id);
		free(rel);
		free(file);
		free(id);
		if (r < 0)
			goto out;
	}
	for (size_t i = 0; i < plan->n_ivar; i++) {
		const struct busybox_out *bb = &g->in->busyboxes[i];
		char *id;
		struct spdx_pkg *p;
		if (i && !plan->ivar[i].busybox_config)
			continue;
		id = xasprintf("busybox-%s", plan->ivar[i].name);
		p = spdx_add(g->s, id, "busybox");
		p->version = makefile_version(g->in->busybox_source->tree);
		p->file = xstrdup("/bin/busybox");
		p->purpose = "APPLICATION";
		p->license = xstrdup("GPL-2.0-only");
		p->source_info = xasprintf("built by mkdistro from %s, defconfig plus %s (%s)",
					   g->in->busybox_source->id,
					   base_name(i ? plan->ivar[i].busybox_config : plan->busybox_config),
					   plan->busybox_static ? "static" : "dynamic");
		if (sha256_file(bb->binary, p->sha256) < 0) {
			free(id);
			goto out;
		}
		spdx_relate(g->s, id, "GENERATED_FROM", "busybox-source");
		free(id);
	}
	if (add_busybox_source(g) < 0)
		goto out;

	/* Libraries (their copies in the cache's lib/) and binaries, each path once */
	for (size_t i = 0; i < plan->n_ivar; i++) {
		const struct manifest *m = g->in->initrds[i];
		const struct ivariant *v = &plan->ivar[i];
		for (size_t k = 0; k < m->n; k++) {
			const struct mf_entry *e = &m->v[k];
			int lib = e->type == MF_FILE && e->source && !strncmp(e->source, libdir, strlen(libdir));
			int bin = 0;
			size_t j;
			for (j = 0; !lib && e->type == MF_FILE && e->source && j < v->n_binaries; j++)
				bin |= !strcmp(v->binaries[j], e->path) && !strcmp(e->source, e->path);
			if (!lib && !bin)
				continue;
			for (j = 0; j < n_hf && strcmp(hf[j].path, e->path); j++)
				;
			if (j < n_hf)
				continue;
			XGROW(hf, cap_hf, n_hf + 1);
			hf[n_hf].path = e->path;
			hf[n_hf].source = e->source;
			hf[n_hf].host = e->source;
			hf[n_hf].stripped = lib;
			hf[n_hf].id = NULL;
			n_hf++;
		}
	}
	qsort(hf, n_hf, sizeof(*hf), by_path);
	for (size_t j = 0; j < n_hf; j++) {
		/* a library's host file is the path ld.so would open, which is its image path */
		char *host = xstrdup(hf[j].stripped ? hf[j].path : hf[j].host);
		char *how = hf[j].stripped ? xasprintf("the build host's %s, debug info stripped "
						       "(objcopy --strip-debug)",
						       host)
					   : xasprintf("the build host's %s, as it is", host);
		char *id = xasprintf("%s-%s", hf[j].stripped ? "lib" : "bin", hf[j].path + 1);
		struct spdx_pkg *p = host_pkg(g, id, base_name(hf[j].path), host, how, 0);
		p->file = xstrdup(hf[j].path);
		p->purpose = hf[j].stripped ? "LIBRARY" : "APPLICATION";
		hf[j].id = xstrdup(p->id);
		free(host);
		free(how);
		free(id);
		if (sha256_file(hf[j].source, p->sha256) < 0)
			goto out;
	}
	/* what each initrd file holds */
	for (size_t i = 0; i < plan->n_ivar; i++) {
		const struct manifest *m = g->in->initrds[i];
		char *id = xasprintf("initrd-%s", plan->ivar[i].name);
		if (manifest_find(m, "/bin/busybox")) {
			char *bb = xasprintf("busybox-%s", plan->ivar[i].busybox_config ? plan->ivar[i].name
										 : plan->ivar[0].name);
			spdx_relate(g->s, id, "CONTAINS", bb);
			free(bb);
		}
		for (size_t j = 0; j < n_hf; j++)
			if (manifest_find(m, hf[j].path))
				spdx_relate(g->s, id, "CONTAINS", hf[j].id);
		free(id);
	}
	ret = 0;
out:
	for (size_t j = 0; j < n_hf; j++)
		free(hf[j].id);
	free(hf);
	free(libdir);
	return ret;
}

/* One of Syslinux's files on a medium: its SHA-256 as there (from file), its origin. */
static int add_syslinux_file(struct gather *g, const char *id, const char *where,
			     const char *file, const char *host, const char *how, int iso)
{
	struct spdx_pkg *p = host_pkg(g, id, "syslinux", host, how, 1);
	char *pid;
	p->file = xstrdup(where);
	p->purpose = "FILE";
	p->license = xstrdup("GPL-2.0-or-later");
	if (sha256_file(file, p->sha256) < 0)
		return -1;
	pid = xstrdup(p->id);
	spdx_relate(g->s, iso ? "iso" : "image", "CONTAINS", pid);
	free(pid);
	return 0;
}

/* Syslinux's files: the MBR code, what `syslinux --install` wrote into the FAT (read back
 * from the image: ldlinux.sys is patched with its own location as it is installed, and the
 * installer carries its own ldlinux.c32), the EFI loader; and in the ISO, ISOLINUX's. */
static int add_syslinux(struct gather *g)
{
	const struct plan *plan = g->plan;
	char *mbr = image_find_mbr_bin(), *installer = which("syslinux"), *efi = NULL, *e64 = NULL;
	char *dir = path_join(g->in->work, "sbom-syslinux");
	char *fat = xasprintf("%s@@%llu", g->in->image, (unsigned long long)IMAGE_PART_LBA * 512);
	char *sys = path_join(dir, "ldlinux.sys"), *c32 = path_join(dir, "ldlinux.c32");
	char *bootx64 = path_join(g->in->stick, IMAGE_EFI_DIR "/BOOTX64.EFI");
	char *ldl64 = path_join(g->in->stick, IMAGE_EFI_DIR "/ldlinux.e64");
	const char *mcopy[] = {"mcopy", "-n", "-i", fat, "::" IMAGE_SYSLINUX_DIR "/ldlinux.sys",
			       "::" IMAGE_SYSLINUX_DIR "/ldlinux.c32", dir, NULL};
	int ret = -1;

	if (!mbr || !installer || image_efi_loader_files(&efi, &e64) < 0) {
		if (!installer)
			error("'syslinux' is not found in PATH");
		goto out;
	}
	if (remove_tree(dir) < 0 || mkdir_p(dir, 0755) < 0 || image_run(plan, mcopy, g->in->log) < 0)
		goto out;
	if (add_syslinux_file(g, "syslinux-mbr", "mbr.bin", mbr, mbr,
			      "the boot code in the image's master boot record (its first 440 "
			      "bytes): the build host's mbr.bin",
			      0) < 0 ||
	    add_syslinux_file(g, "syslinux-ldlinux.sys", IMAGE_SYSLINUX_DIR "/ldlinux.sys", sys,
			      installer,
			      "written into the FAT by the build host's syslinux --install, which "
			      "carries it and patches in its place on the disk",
			      0) < 0 ||
	    add_syslinux_file(g, "syslinux-ldlinux.c32", IMAGE_SYSLINUX_DIR "/ldlinux.c32", c32,
			      installer, "written into the FAT by the build host's syslinux --install",
			      0) < 0 ||
	    add_syslinux_file(g, "syslinux-bootx64.efi", "/" IMAGE_EFI_DIR "/BOOTX64.EFI", bootx64,
			      efi, "the build host's 64-bit EFI loader, syslinux.efi", 0) < 0 ||
	    add_syslinux_file(g, "syslinux-ldlinux.e64", "/" IMAGE_EFI_DIR "/ldlinux.e64", ldl64, e64,
			      "the build host's ldlinux.e64", 0) < 0)
		goto out;
	if (plan->iso) {
		spdx_relate(g->s, "iso", "CONTAINS", "syslinux-bootx64.efi");
		spdx_relate(g->s, "iso", "CONTAINS", "syslinux-ldlinux.e64");
		if (add_syslinux_file(g, "syslinux-isolinux.bin", "/isolinux/isolinux.bin",
				      ISO_ISOLINUX_DIR "/isolinux.bin", ISO_ISOLINUX_DIR "/isolinux.bin",
				      "the build host's isolinux.bin, as it is before xorriso writes the "
				      "boot information table into the ISO's copy",
				      1) < 0 ||
		    add_syslinux_file(g, "syslinux-isolinux-ldlinux.c32", "/isolinux/ldlinux.c32",
				      ISO_LDLINUX_C32, ISO_LDLINUX_C32, "the build host's ldlinux.c32",
				      1) < 0 ||
		    add_syslinux_file(g, "syslinux-isohdpfx.bin", "isohdpfx.bin",
				      ISO_ISOLINUX_DIR "/isohdpfx.bin", ISO_ISOLINUX_DIR "/isohdpfx.bin",
				      "the ISO's hybrid MBR boot code: the build host's isohdpfx.bin",
				      1) < 0)
			goto out;
	}
	ret = 0;
out:
	remove_tree(dir);
	free(mbr);
	free(installer);
	free(efi);
	free(e64);
	free(dir);
	free(fat);
	free(sys);
	free(c32);
	free(bootx64);
	free(ldl64);
	return ret;
}

static int gather(const struct plan *plan, const struct sbom_in *in, struct spdx *s)
{
	struct gather g = {.plan = plan, .in = in, .s = s};
	int ret = add_media(&g) < 0 || add_kernels(&g) < 0 || add_initrds(&g) < 0 ||
			  add_syslinux(&g) < 0
		      ? -1
		      : 0;
	if (!ret)
		resolve_pending(&g);
	for (size_t i = 0; i < g.n_p; i++) {
		free(g.p[i].host);
		free(g.p[i].how);
	}
	free(g.p);
	return ret;
}

void sbom_doc_init(struct sbom_doc *doc)
{
	buf_init(&doc->text);
	inputs_init(&doc->key);
	doc->unchanged = 0;
}

void sbom_doc_release(struct sbom_doc *doc)
{
	buf_release(&doc->text);
	inputs_release(&doc->key);
}

int sbom_make(const struct plan *plan, const struct sbom_in *in, struct sbom_doc *doc)
{
	char *path = path_join(plan->out_dir, "sbom.spdx.json"), *rec = inputs_record(plan, "sbom");
	char *name = xasprintf("mkdistro-%s", plan->hostname);
	struct inputs *key = &doc->key;
	struct spdx s;
	struct stat st;
	int ret = -1;

	spdx_init(&s);
	doc->unchanged = 0;
	/* Everything the document is made from, in short: the image's inputs name every file
	 * on the stick (kernels, initrds, Syslinux's) and the tools; the package database
	 * decides the rest. */
	inputs_add(key, "stage", "sbom 1");
	inputs_add(key, "tool", "%s", in->tool);
	inputs_add(key, "name", "%s", name);
	inputs_add(key, "epoch", "%lld", (long long)plan->epoch);
	inputs_add(key, "image", "%s", in->image_key);
	if (in->iso_key)
		inputs_add(key, "iso", "%s", in->iso_key);
	inputs_add(key, "kernel.source", "%s", in->kernel_source->id);
	inputs_add(key, "busybox.source", "%s", in->busybox_source->id);
	if (stat("/var/lib/dpkg/status", &st) == 0)
		inputs_add(key, "dpkg", "%llu %llu %lld %lld.%09ld %lld.%09ld",
			   (unsigned long long)st.st_dev, (unsigned long long)st.st_ino,
			   (long long)st.st_size, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
			   (long long)st.st_ctim.tv_sec, st.st_ctim.tv_nsec);
	if (inputs_add_self(key) < 0)
		goto out;
	if (inputs_published(key, rec, path)) {
		doc->unchanged = 1;
		ret = 0;
		goto out;
	}
	if (gather(plan, in, &s) < 0)
		goto out;
	spdx_render(&s, name, plan->epoch, in->tool, &doc->text);
	ret = 0;
out:
	spdx_release(&s);
	free(path);
	free(rec);
	free(name);
	return ret;
}

int sbom_publish(const struct plan *plan, const struct sbom_doc *doc)
{
	char *path = path_join(plan->out_dir, "sbom.spdx.json"), *rec = inputs_record(plan, "sbom");
	int ret = doc->unchanged || (write_file_atomic(path, doc->text.data, doc->text.len, 0644) == 0 &&
				     inputs_save_published(&doc->key, rec, path) == 0)
			  ? 0
			  : -1;
	free(path);
	free(rec);
	return ret;
}
