/* sbom.c: out/sbom.spdx.json, the image's SPDX 2.3 software bill of materials (see sbom.h):
 * what the image holds, gathered into a document (formats/spdx.h), the host's files named by
 * their Debian packages (dpkg.h) and licensed by their copyright files (formats/debcopyright.h).
 * References: the SPDX 2.3 specification, clause 11 (relationships: DESCRIBES, CONTAINS,
 * GENERATED_FROM) and 7.24 (primaryPackagePurpose).
 */
#include "build/sbom.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "build/dpkg.h"
#include "build/image.h"
#include "build/inputs.h"
#include "build/iso.h"
#include "build/memo.h"
#include "build/packages.h"
#include "build/stick.h"
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

/* A source tarball pinned in mkdistro.conf: its name, the version its top Makefile says,
 * the pinned SHA-256 (in lowercase, as SPDX wants it). */
static void pinned_tarball(struct spdx_pkg *p, const char *section, const char *path,
			   const char *sha256, const char *tree)
{
	p->file = xstrdup(base_name(path));
	p->version = makefile_version(tree);
	snprintf(p->sha256, sizeof(p->sha256), "%s", sha256);
	for (char *c = p->sha256; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	p->source_info = xasprintf("the tarball [%s] source names, pinned by [%s] sha256", section,
				   section);
}

/* A file of kernel variant i's on the stick (rel, under it), on every medium, made from
 * linux-source: package id, named name, GPL-2.0-only, the kernel's release, the file's
 * SHA-256.  Takes source_info and comment (malloc'd).  Returns 0 or -1 (reported). */
static int add_kernel_file(struct gather *g, size_t i, const char *id, const char *name,
			   const char *rel, char *source_info, char *comment)
{
	char *file = path_join(g->in->stick, rel);
	struct spdx_pkg *p = spdx_add(g->s, id, name);
	int ret = -1;

	p->version = xstrdup(g->in->kernels[i].out.release);
	p->file = xasprintf("/%s", rel);
	p->purpose = "OPERATING_SYSTEM";
	p->license = xstrdup("GPL-2.0-only");
	p->source_info = source_info;
	p->comment = comment;
	if (sha256_file(file, p->sha256) == 0) {
		on_media(g, id);
		spdx_relate(g->s, id, "GENERATED_FROM", "linux-source");
		ret = 0;
	}
	free(file);
	return ret;
}

/* Kernel variant i, and its modules initrd when it has modules (stick.h). */
static int add_kernel(struct gather *g, size_t i)
{
	const struct plan *plan = g->plan;
	const struct kvariant *v = &plan->kvar[i];
	char *rel = xasprintf("boot/kernel/%s.lk", v->name), *id = xasprintf("linux-%s", v->name);
	char *mods = stick_modules_name(plan, v);
	char *mrel = xasprintf("boot/initrd/%s", mods), *mid = xasprintf("linux-%s-modules", v->name);
	int ret = add_kernel_file(
		g, i, id, "linux", rel,
		xasprintf("built by mkdistro from %s, %s plus %s%s%s", g->in->kernel_source->id,
			  plan->kernel_base, v->config ? base_name(v->config) : "kernel.config",
			  v->fragment ? " and " : "", v->fragment ? base_name(v->fragment) : ""),
		xasprintf("kernel '%s' (bzImage)", v->name));
	if (!ret && g->in->kernels[i].out.modules)
		ret = add_kernel_file(g, i, mid, "linux-modules", mrel,
				      xasprintf("the modules of kernel '%s', built and installed with "
						"it by mkdistro (modules.dep by depmod)", v->name),
				      xasprintf("a cpio initrd that the labels of kernel '%s' load "
						"after theirs", v->name));
	free(rel);
	free(id);
	free(mods);
	free(mrel);
	free(mid);
	return ret;
}

/* debian:linux-source-X: the installed tarball, or the package that apt-get download
 * fetched and that was unpacked (the tarball is not kept).  NULL on error (reported). */
static struct spdx_pkg *debian_kernel_source(struct gather *g)
{
	const char *pkg = g->plan->kernel_source + 7, *id = g->in->kernel_source->id;
	const char *ver = strchr(id, ' ');
	char *tarball = xasprintf("/usr/src/%s.tar.xz", pkg);
	struct spdx_pkg *p;

	if (file_exists(tarball)) {
		p = host_pkg(g, "linux-source", "linux", tarball, "the build host's tarball", 1);
		p->file = xstrdup(base_name(tarball));
		if (memo_sha256(g->plan->cache_dir, tarball, 0, p->sha256) < 0)
			p = NULL;
	} else {
		p = spdx_add(g->s, "linux-source", "linux");
		p->file = xstrdup(base_name(tarball));
		p->source_info = xasprintf("Debian package %s, fetched with apt-get download "
					   "(the tarball is not kept, so it has no checksum here)",
					   id);
		if (ver)
			p->purl = spdx_deb_purl(pkg, ver + 1, "all");
	}
	if (p && ver)
		p->version = xstrdup(ver + 1);
	free(tarball);
	return p;
}

/* The kernels, and the source they were built from. */
static int add_kernels(struct gather *g)
{
	const struct plan *plan = g->plan;
	struct spdx_pkg *p;

	for (size_t i = 0; i < plan->n_kvar; i++)
		if (add_kernel(g, i) < 0)
			return -1;
	if (!strncmp(plan->kernel_source, "debian:", 7)) {
		if (!(p = debian_kernel_source(g)))
			return -1;
	} else {
		p = spdx_add(g->s, "linux-source", "linux");
		pinned_tarball(p, "kernel", plan->kernel_source, plan->kernel_sha256,
			       g->in->kernel_source->tree);
	}
	p->purpose = "SOURCE";
	p->license = xstrdup("GPL-2.0-only");
	return 0;
}

/* debian:busybox: the source package by its .dsc, whose version it names. */
static void debian_busybox_source(struct gather *g, struct spdx_pkg *p)
{
	const struct source *src = g->in->busybox_source;
	/* beside the unpacked tree */
	const char *slash = strrchr(src->tree, '/');
	char *dir = slash ? xstrndup(src->tree, (size_t)(slash - src->tree)) : xstrdup(src->tree);
	char *dsc = sources_dsc(dir);
	struct buf text;
	buf_init(&text);
	if (dsc && read_file(dsc, &text) == 0) {
		struct deb822 d;
		deb822_parse(&d, text.data);
		p->version = deb822_first(&d, "Version");
		deb822_release(&d);
		if (sha256_file(dsc, p->sha256) < 0)
			*p->sha256 = '\0';
		p->file = xstrdup(base_name(dsc));
	}
	if (p->version)
		p->purl = spdx_deb_purl(g->plan->busybox_source + 7, p->version, "source");
	p->source_info = xasprintf("Debian's source package %s (apt-get source); its .dsc "
				   "lists the SHA-256 of its tarballs",
				   src->id);
	buf_release(&text);
	free(dsc);
	free(dir);
}

static void add_busybox_source(struct gather *g)
{
	const struct plan *plan = g->plan;
	struct spdx_pkg *p = spdx_add(g->s, "busybox-source", "busybox");
	p->purpose = "SOURCE";
	p->license = xstrdup("GPL-2.0-only");
	if (!strncmp(plan->busybox_source, "debian:", 7))
		debian_busybox_source(g, p);
	else
		pinned_tarball(p, "busybox", plan->busybox_source, plan->busybox_sha256,
			       g->in->busybox_source->tree);
}

/* The initrd files, on every medium. */
static int add_initrd_files(struct gather *g)
{
	const struct plan *plan = g->plan;
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
			return -1;
	}
	return 0;
}

/* Each BusyBox built (main's, and a variant's with a busybox_config of its own), made from
 * busybox-source. */
static int add_busyboxes(struct gather *g)
{
	const struct plan *plan = g->plan;
	for (size_t i = 0; i < plan->n_ivar; i++) {
		char *id;
		struct spdx_pkg *p;
		int r;
		if (!g->in->initrds[i].own_busybox)
			continue;
		id = xasprintf("busybox-%s", plan->ivar[i].name);
		p = spdx_add(g->s, id, "busybox");
		p->version = makefile_version(g->in->busybox_source->tree);
		p->file = xstrdup("/bin/busybox");
		p->purpose = "APPLICATION";
		p->license = xstrdup("GPL-2.0-only");
		p->source_info = xasprintf("built by mkdistro from %s, %s plus %s (%s%s)",
					   g->in->busybox_source->id, plan->busybox_base,
					   base_name(i ? plan->ivar[i].busybox_config : plan->busybox_config),
					   plan->busybox_static ? "static" : "dynamic",
					   plan_musl(plan) ? ", linked with Debian's musl" : "");
		r = sha256_file(g->in->initrds[i].busybox.binary, p->sha256);
		if (r == 0)
			spdx_relate(g->s, id, "GENERATED_FROM", "busybox-source");
		free(id);
		if (r < 0)
			return -1;
	}
	add_busybox_source(g);
	return 0;
}

/* A file of the image's that came from the host: a library (stripped) or an extra binary. */
struct hostfile {
	const char *path;   /* in the image */
	const char *source; /* the file the initrd holds, which came from the host */
	int stripped;
	char *id;
};

struct hostfiles {
	struct hostfile *v;
	size_t n, cap;
};

static void hostfiles_release(struct hostfiles *h)
{
	for (size_t j = 0; j < h->n; j++)
		free(h->v[j].id);
	free(h->v);
}

static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct hostfile *)a)->path, ((const struct hostfile *)b)->path);
}

/* What initrd i's file holds: its whole tree, or a stacked one's additions. */
static const struct manifest *initrd_files(const struct sbom_in *in, size_t i)
{
	return in->initrds[i].v->stack ? &in->initrds[i].added : &in->initrds[i].tree;
}

/* The libraries (their copies in the cache's lib/) and the variants' extra binaries in the
 * initrds, each path once, in path order. */
static void find_hostfiles(struct gather *g, struct hostfiles *h)
{
	const struct plan *plan = g->plan;
	char *libdir = path_join(plan->cache_dir, "lib/");
	for (size_t i = 0; i < plan->n_ivar; i++) {
		const struct manifest *m = initrd_files(g->in, i);
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
			for (j = 0; j < h->n && strcmp(h->v[j].path, e->path); j++)
				;
			if (j < h->n)
				continue;
			XGROW(h->v, h->cap, h->n + 1);
			h->v[h->n++] = (struct hostfile){.path = e->path, .source = e->source, .stripped = lib};
		}
	}
	qsort(h->v, h->n, sizeof(*h->v), by_path);
	free(libdir);
}

/* A package for each host file, its dpkg questions pending. */
static int add_hostfiles(struct gather *g, struct hostfiles *h)
{
	for (size_t j = 0; j < h->n; j++) {
		struct hostfile *f = &h->v[j];
		/* a library's host file is the path ld.so would open, which is its image path */
		const char *host = f->stripped ? f->path : f->source;
		char *how = f->stripped ? xasprintf("the build host's %s, debug info stripped "
						    "(objcopy --strip-debug)",
						    host)
					: xasprintf("the build host's %s, as it is", host);
		char *id = xasprintf("%s-%s", f->stripped ? "lib" : "bin", f->path + 1);
		struct spdx_pkg *p = host_pkg(g, id, base_name(f->path), host, how, 0);
		p->file = xstrdup(f->path);
		p->purpose = f->stripped ? "LIBRARY" : "APPLICATION";
		f->id = xstrdup(p->id);
		free(how);
		free(id);
		if (sha256_file(f->source, p->sha256) < 0)
			return -1;
	}
	return 0;
}

/* What each initrd file holds: its BusyBox and its host files. */
static void relate_initrds(struct gather *g, const struct hostfiles *h)
{
	const struct plan *plan = g->plan;
	for (size_t i = 0; i < plan->n_ivar; i++) {
		const struct manifest *m = initrd_files(g->in, i);
		char *id = xasprintf("initrd-%s", plan->ivar[i].name);
		if (manifest_find(m, "/bin/busybox")) {
			char *bb = xasprintf("busybox-%s", plan->ivar[i].busybox_config ? plan->ivar[i].name
										 : plan->ivar[0].name);
			spdx_relate(g->s, id, "CONTAINS", bb);
			free(bb);
		}
		for (size_t j = 0; j < h->n; j++)
			if (manifest_find(m, h->v[j].path))
				spdx_relate(g->s, id, "CONTAINS", h->v[j].id);
		free(id);
	}
}

/* The Debian packages that put something in an initrd, and which initrds they are in. */
static void add_debs(struct gather *g)
{
	const struct packages *pk = g->in->pkgs;
	const struct plan *plan = g->plan;
	for (size_t k = 0; pk && k < pk->n; k++) {
		const struct package *d = &pk->v[k];
		char *id = xasprintf("deb-%s", d->name);
		struct spdx_pkg *p = NULL;
		for (size_t i = 0; i < plan->n_ivar; i++) {
			const uint64_t *bytes = g->in->initrds[i].pkg_bytes;
			char *initrd;
			if (!bytes || !bytes[k])
				continue;
			if (!p) {
				p = spdx_add(g->s, id, d->name);
				p->version = xstrdup(d->version);
				p->file = xstrdup(d->file);
				memcpy(p->sha256, d->sha256, sizeof(p->sha256));
				p->purl = spdx_deb_purl(d->name, d->version, d->arch);
				p->license = d->copyright ? debcopyright_license(g->s, d->name, d->copyright)
							  : NULL;
				p->source_info = xasprintf("Debian binary package %s %s (%s), fetched with "
							   "apt-get (checked against the archive's signed "
							   "index) and pinned in mkdistro.lock; read, not "
							   "installed", d->name, d->version, d->arch);
			}
			initrd = xasprintf("initrd-%s", plan->ivar[i].name);
			spdx_relate(g->s, initrd, "CONTAINS", id);
			free(initrd);
		}
		free(id);
	}
}

/* The initrds; in each, its BusyBox, the libraries and the extra binaries, and the Debian
 * packages. */
static int add_initrds(struct gather *g)
{
	struct hostfiles h = {0};
	int ret = -1;
	if (add_initrd_files(g) < 0 || add_busyboxes(g) < 0)
		return -1;
	add_debs(g);
	find_hostfiles(g, &h);
	if (add_hostfiles(g, &h) == 0) {
		relate_initrds(g, &h);
		ret = 0;
	}
	hostfiles_release(&h);
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

/* The build host's Syslinux files that went onto the stick. */
struct host_syslinux {
	char *mbr, *installer, *efi, *e64;
};

static void host_syslinux_release(struct host_syslinux *h)
{
	free(h->mbr);
	free(h->installer);
	free(h->efi);
	free(h->e64);
}

static int find_host_syslinux(const struct arch *a, struct host_syslinux *h)
{
	h->mbr = image_find_mbr_bin();
	h->installer = which("syslinux");
	if (!h->mbr || !h->installer || image_efi_loader_files(a, &h->efi, &h->e64) < 0)
		return h->installer ? -1 : error("'syslinux' is not found in PATH");
	return 0;
}

/* On the stick: the MBR code, what `syslinux --install` wrote into the FAT (read back into
 * dir: ldlinux.sys is patched with its own location as it is installed, and the installer
 * carries its own ldlinux.c32), the EFI loader. */
/* The SPDX id of the stick's EFI loader, made by loader: syslinux-bootx64.efi,
 * syslinux-bootia32.efi, grub-bootaa64.efi. */
static char *efi_spdx_id(const char *loader, const struct arch *a)
{
	char *id = xasprintf("%s-%s", loader, a->efi_name);
	for (char *c = id; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	return id;
}

static int add_stick_syslinux(struct gather *g, const struct host_syslinux *h, const char *dir)
{
	char *fat = xasprintf("%s@@%llu", g->in->image, (unsigned long long)IMAGE_PART_LBA * 512);
	char *sys = path_join(dir, "ldlinux.sys"), *c32 = path_join(dir, "ldlinux.c32");
	const struct arch *a = g->plan->arch;
	char *efi_rel = xasprintf("%s/%s", IMAGE_EFI_DIR, a->efi_name);
	char *ldl_rel = xasprintf("%s/%s", IMAGE_EFI_DIR, a->efi_ldlinux_name);
	char *efi_at = xasprintf("/%s", efi_rel), *ldl_at = xasprintf("/%s", ldl_rel);
	char *bootx64 = path_join(g->in->stick, efi_rel), *ldl64 = path_join(g->in->stick, ldl_rel);
	char *efi_id = efi_spdx_id("syslinux", a);
	char *ldl_id = xasprintf("syslinux-%s", a->efi_ldlinux_name);
	char *ldl_how = xasprintf("the build host's %s", a->efi_ldlinux_name);
	const char *mcopy[] = {"mcopy", "-n", "-i", fat, "::" IMAGE_SYSLINUX_DIR "/ldlinux.sys",
			       "::" IMAGE_SYSLINUX_DIR "/ldlinux.c32", dir, NULL};
	int ret = remove_tree(dir) < 0 || mkdir_p(dir, 0755) < 0 ||
			  image_run(g->plan, mcopy, g->in->log) < 0 ||
			  add_syslinux_file(g, "syslinux-mbr", "mbr.bin", h->mbr, h->mbr,
					    "the boot code in the image's master boot record (its "
					    "first 440 bytes): the build host's mbr.bin",
					    0) < 0 ||
			  add_syslinux_file(g, "syslinux-ldlinux.sys", IMAGE_SYSLINUX_DIR "/ldlinux.sys",
					    sys, h->installer,
					    "written into the FAT by the build host's syslinux "
					    "--install, which carries it and patches in its place "
					    "on the disk",
					    0) < 0 ||
			  add_syslinux_file(g, "syslinux-ldlinux.c32", IMAGE_SYSLINUX_DIR "/ldlinux.c32",
					    c32, h->installer,
					    "written into the FAT by the build host's syslinux --install",
					    0) < 0 ||
			  add_syslinux_file(g, efi_id, efi_at, bootx64, h->efi,
					    a->elf.class64 ? "the build host's 64-bit EFI loader, syslinux.efi"
							   : "the build host's 32-bit EFI loader, syslinux.efi",
					    0) < 0 ||
			  add_syslinux_file(g, ldl_id, ldl_at, ldl64, h->e64, ldl_how, 0) < 0
		      ? -1
		      : 0;
	/* label hd's chain loader and its libraries, copied as they are */
	for (size_t i = 0; i < IMAGE_N_CHAIN && ret == 0; i++) {
		const char *name = image_chain_files[i];
		char *host = image_find_chain_file(name);
		char *id = xasprintf("syslinux-%s", name);
		char *at = xasprintf(IMAGE_SYSLINUX_DIR "/%s", name);
		char *file = path_join(g->in->stick, at);
		ret = host && add_syslinux_file(g, id, at, file, host,
						"the build host's BIOS module, for label hd", 0) == 0
			      ? 0
			      : -1;
		free(host);
		free(id);
		free(at);
		free(file);
	}
	free(fat);
	free(sys);
	free(c32);
	free(bootx64);
	free(ldl64);
	free(efi_rel);
	free(ldl_rel);
	free(efi_at);
	free(ldl_at);
	free(efi_id);
	free(ldl_id);
	free(ldl_how);
	return ret;
}

/* In the ISO: the stick's EFI files and its boot/ tree (label hd's modules), and ISOLINUX's
 * own, with its copy of those modules. */
static int add_iso_syslinux(struct gather *g)
{
	char *efi_id = efi_spdx_id("syslinux", g->plan->arch);
	char *ldl_id = xasprintf("syslinux-%s", g->plan->arch->efi_ldlinux_name);
	spdx_relate(g->s, "iso", "CONTAINS", efi_id);
	spdx_relate(g->s, "iso", "CONTAINS", ldl_id);
	free(efi_id);
	free(ldl_id);
	for (size_t i = 0; i < IMAGE_N_CHAIN; i++) {
		const char *name = image_chain_files[i];
		char *id = xasprintf("syslinux-%s", name), *iso_id = xasprintf("syslinux-isolinux-%s", name);
		char *at = xasprintf("/isolinux/%s", name), *host = image_find_chain_file(name);
		int bad = !host || add_syslinux_file(g, iso_id, at, host, host,
						     "the build host's BIOS module, for ISOLINUX's label hd",
						     1) < 0;
		spdx_relate(g->s, "iso", "CONTAINS", id);
		free(id);
		free(iso_id);
		free(at);
		free(host);
		if (bad)
			return -1;
	}
	return add_syslinux_file(g, "syslinux-isolinux.bin", "/isolinux/isolinux.bin",
				 ISO_ISOLINUX_DIR "/isolinux.bin", ISO_ISOLINUX_DIR "/isolinux.bin",
				 "the build host's isolinux.bin, as it is before xorriso writes the "
				 "boot information table into the ISO's copy",
				 1) < 0 ||
			       add_syslinux_file(g, "syslinux-isolinux-ldlinux.c32",
						 "/isolinux/ldlinux.c32", ISO_LDLINUX_C32,
						 ISO_LDLINUX_C32, "the build host's ldlinux.c32", 1) < 0 ||
			       add_syslinux_file(g, "syslinux-isohdpfx.bin", "isohdpfx.bin",
						 ISO_ISOLINUX_DIR "/isohdpfx.bin",
						 ISO_ISOLINUX_DIR "/isohdpfx.bin",
						 "the ISO's hybrid MBR boot code: the build host's "
						 "isohdpfx.bin",
						 1) < 0
		       ? -1
		       : 0;
}

/* Syslinux's files: on the stick, and in the ISO. */
static int add_syslinux(struct gather *g)
{
	struct host_syslinux h = {0};
	char *dir = path_join(g->in->work, "sbom-syslinux");
	int ret = find_host_syslinux(g->plan->arch, &h) < 0 || add_stick_syslinux(g, &h, dir) < 0 ||
			  (g->plan->iso && add_iso_syslinux(g) < 0)
		      ? -1
		      : 0;
	remove_tree(dir);
	host_syslinux_release(&h);
	free(dir);
	return ret;
}

/* GRUB's core image, where the CPU boots through GRUB (build/grub.h). */
static int add_grub(struct gather *g)
{
	const struct arch *a = g->plan->arch;
	char *at = xasprintf("/%s/%s", IMAGE_EFI_DIR, a->efi_name);
	char *file = xasprintf("%s%s", g->in->stick, at), *tool = which("grub-mkimage");
	char *id = efi_spdx_id("grub", a), *pid;
	char *how = xasprintf("made by the build host's grub-mkimage from the %s modules of "
			      "Debian's %s (%s), pinned in mkdistro.lock as the loader",
			      a->grub_platform, a->grub_package, a->debian);
	struct spdx_pkg *p;
	int ret;
	p = host_pkg(g, id, "grub", tool ? tool : "grub-mkimage", how, 1);
	p->file = xstrdup(at);
	p->purpose = "FILE";
	p->license = xstrdup("GPL-3.0-or-later");
	ret = sha256_file(file, p->sha256);
	pid = xstrdup(p->id);
	spdx_relate(g->s, "image", "CONTAINS", pid);
	free(pid);
	free(at);
	free(file);
	free(tool);
	free(id);
	free(how);
	return ret;
}

static int gather(const struct plan *plan, const struct sbom_in *in, struct spdx *s)
{
	struct gather g = {.plan = plan, .in = in, .s = s};
	int ret = add_media(&g) < 0 || add_kernels(&g) < 0 || add_initrds(&g) < 0 ||
			  (plan->arch->grub_platform ? add_grub(&g) : add_syslinux(&g)) < 0
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
	char *path = path_join(plan->out_dir, "sbom.spdx.json"), *rec = inputs_record(plan->out_dir, "sbom");
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
	inputs_add(key, "stage", "sbom 3");
	inputs_add(key, "tool", "%s", in->tool);
	inputs_add(key, "name", "%s", name);
	inputs_add(key, "epoch", "%lld", (long long)plan->epoch);
	inputs_add(key, "image", "%s", in->image_key);
	if (in->iso_key)
		inputs_add(key, "iso", "%s", in->iso_key);
	inputs_add(key, "kernel.source", "%s", in->kernel_source->id);
	inputs_add(key, "busybox.source", "%s", in->busybox_source->id);
	for (size_t k = 0; in->pkgs && k < in->pkgs->n; k++)
		inputs_add(key, "deb", "%s", in->pkgs->v[k].sha256);
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
