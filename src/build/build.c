/* build.c: the stages of `mkdistro build` (see build.h). */
#include "build/build.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build/cache.h"
#include "build/image.h"
#include "build/inputs.h"
#include "build/iso.h"
#include "build/lint.h"
#include "build/lockfile.h"
#include "build/password.h"
#include "build/report.h"
#include "build/rootfs.h"
#include "build/sbom.h"
#include "build/stick.h"
#include "formats/kconfig.h"
#include "sys/alloc.h"
#include "sys/fs.h"
#include "sys/interrupt.h"

static char *stage_log(struct build *b, const char *name)
{
	char *file = xasprintf("%s.log", name);
	char *p = path_join(b->logdir, file);
	free(file);
	unlink(p);
	return p;
}

/* A line in a stage's log, so that a cached stage's log says where its result came from. */
static void log_note(const char *log, const char *what, const char *path)
{
	FILE *f = fopen(log, "a");
	if (f) {
		fprintf(f, "mkdistro: %s: %s\n", what, path);
		fclose(f);
	}
}

/* Both sources, each file checked against lock before anything of it is unpacked and noted
 * in it; then the lock file written when it was missing (or updating).  *written: 1 when it
 * was. */
static int fetch_sources(struct build *b, struct lockfile *lock, int *written)
{
	char *log = stage_log(b, "sources");
	int ret = sources_get(b->plan, "kernel", lock, log, &b->ksrc) < 0 ||
			  sources_get(b->plan, "busybox", lock, log, &b->bsrc) < 0 ||
			  lockfile_save(lock, written) < 0
		  ? -1
		  : 0;
	free(log);
	return ret;
}

int stage_sources(struct build *b)
{
	char *path = path_join(b->plan->dir, LOCKFILE_NAME);
	struct lockfile lock;
	int written = 0;
	/* a project without a lock file gets it now, from the sources as first fetched */
	int ret = lockfile_load(&lock, path) < 0 || fetch_sources(b, &lock, &written) < 0 ? -1 : 0;
	if (written)
		info("  pinned %zu source files in %s (keep it with the project)", lock.nfound, path);
	if (!ret)
		buf_addf(&b->summary, "%s; %s", b->ksrc.id, b->bsrc.id);
	lockfile_release(&lock);
	free(path);
	return ret;
}

int build_lock(const struct plan *plan, int update)
{
	struct lockfile lock = {0};
	struct build b;
	char *path = path_join(plan->dir, LOCKFILE_NAME);
	int written = 0, ret = -1;

	if (update) {
		/* it replaces the whole file: one that does not even parse is no obstacle */
		lock.path = xstrdup(path);
		lock.update = 1;
	} else if (lockfile_load(&lock, path) < 0) {
		goto out;
	}
	if (build_begin(&b, plan) == 0 && fetch_sources(&b, &lock, &written) == 0) {
		if (written)
			printf("%s: pinned %zu source files (%s; %s)\n", path, lock.nfound, b.ksrc.id,
			       b.bsrc.id);
		else
			printf("%s: all %zu source files match (%s; %s)\n", path, lock.nfound,
			       b.ksrc.id, b.bsrc.id);
		ret = 0;
	}
	build_end(&b);
out:
	lockfile_release(&lock);
	free(path);
	return ret;
}

/* Every kernel variant. */
int stage_kernels(struct build *b)
{
	const struct plan *plan = b->plan;
	char *log = stage_log(b, "kernel");
	int ret = 0;
	for (size_t i = 0; i < plan->n_kvar && !ret; i++) {
		struct kernel_out *k = &b->k[i];
		ret = kernel_build(plan, &plan->kvar[i], &b->ksrc, log, k);
		if (!ret) {
			log_note(log, k->cached ? "reused the cached kernel" : "built", k->bzimage);
			buf_addf(&b->summary, "%s%s %s%s", i ? ", " : "", plan->kvar[i].name, k->release,
				 k->cached ? " (cached)" : "");
		}
	}
	free(log);
	return ret;
}

/* Main's BusyBox, and each initrd variant's own. */
int stage_busyboxes(struct build *b)
{
	const struct plan *plan = b->plan;
	char *log = stage_log(b, "busybox");
	int ret = 0;
	for (size_t i = 0; i < plan->n_ivar && !ret; i++) {
		const char *config = i ? plan->ivar[i].busybox_config : plan->busybox_config;
		struct busybox_out *bb = &b->bb[i];
		if (!config) {
			bb->binary = xstrdup(b->bb[0].binary);
			bb->links = xstrdup(b->bb[0].links);
			continue;
		}
		ret = busybox_build(plan, config, &b->bsrc, log, bb);
		if (!ret) {
			log_note(log, bb->cached ? "reused the cached BusyBox" : "built", bb->binary);
			buf_addf(&b->summary, "%s%s %s%s", i ? ", " : "", plan->ivar[i].name,
				 plan->busybox_static ? "static" : "dynamic", bb->cached ? " (cached)" : "");
		}
	}
	if (!ret)
		buf_addf(&b->summary, "; %s", b->bsrc.id);
	free(log);
	return ret;
}

/* The root filesystem of every initrd variant. */
int stage_rootfs(struct build *b)
{
	const struct plan *plan = b->plan;
	char *log = stage_log(b, "rootfs");
	int ret = 0;
	for (size_t i = 0; i < plan->n_ivar && !ret; i++) {
		struct rootfs_in in = {
			.busybox = b->bb[i].binary,
			.busybox_links = b->bb[i].links,
			.log = log,
			.variant = i ? &plan->ivar[i] : NULL,
		};
		ret = rootfs_build(plan, &in, &b->m[i]);
		if (!ret)
			buf_addf(&b->summary, "%s%s %zu entries", i ? ", " : "", plan->ivar[i].name,
				 b->m[i].n);
	}
	free(log);
	return ret;
}

/* Each kernel's .config and each initrd's tree against what the image needs to boot. */
int stage_lint(struct build *b)
{
	const char **configs = xcalloc(b->plan->n_kvar, sizeof(*configs));
	int ret;
	for (size_t i = 0; i < b->plan->n_kvar; i++)
		configs[i] = b->k[i].config;
	ret = lint_image(b->plan, configs, b->m, &b->summary);
	free(configs);
	return ret;
}

/* What the report needs of each initrd written. */
static struct report_initrd *initrd_reports(struct build *b)
{
	const struct plan *plan = b->plan;
	struct report_initrd *r = xcalloc(plan->n_ivar, sizeof(*r));
	for (size_t i = 0; i < plan->n_ivar; i++) {
		const struct ivariant *v = &plan->ivar[i];
		r[i].name = v->name;
		r[i].m = v->stack ? &b->added[i] : &b->m[i];
		r[i].raw = b->st[i].raw;
		r[i].gz = b->st[i].compressed;
		r[i].stacked = v->stack;
		r[i].budget_kib = v->budget_kib;
		r[i].budget_line = v->budget_line;
	}
	return r;
}

/* out/report.txt and out/report.svg. */
static int write_report(struct build *b)
{
	const struct plan *plan = b->plan;
	struct report_initrd *r = initrd_reports(b);
	struct report_kernel *k = xcalloc(plan->n_kvar, sizeof(*k));
	struct buf txt, svg;
	char *tp = path_join(plan->out_dir, "report.txt");
	char *sp = path_join(plan->out_dir, "report.svg");
	int ret;
	buf_init(&txt);
	buf_init(&svg);
	for (size_t i = 0; i < plan->n_kvar; i++) {
		struct stat st;
		k[i].name = plan->kvar[i].name;
		k[i].size = stat(b->k[i].bzimage, &st) == 0 ? (uint64_t)st.st_size : 0;
	}
	ret = report_render(plan, k, plan->n_kvar, r, plan->n_ivar, &txt, &svg);
	if (!ret)
		ret = write_file_atomic(tp, txt.data, txt.len, 0644);
	if (!ret)
		ret = write_file_atomic(sp, svg.data, svg.len, 0644);
	buf_release(&txt);
	buf_release(&svg);
	free(tp);
	free(sp);
	free(r);
	free(k);
	return ret;
}

#define INITRDS_KEPT 32 /* initrds kept in the cache */

/* Write m as an initrd to file, or copy the one made from the same inputs from the cache.
 * name: the variant, whose inputs are recorded and whose rebuild is announced; NULL for
 * neither. */
static int write_initrd(struct build *b, const struct manifest *m, const char *file,
			struct initrd_stats *st, const char *name, const char *log)
{
	const struct plan *plan = b->plan;
	struct inputs in;
	char key[65], *entry = NULL, *gz = NULL, *stats = NULL, *tmp = NULL;
	char *record = name ? xasprintf("initrd-%s", name) : NULL;
	char *rec = record ? inputs_record(plan, record) : NULL;
	struct buf text;
	int ret;

	inputs_init(&in);
	buf_init(&text);
	ret = initrd_inputs(plan, m, &in);
	if (ret)
		goto out;
	inputs_key(&in, key);
	entry = cache_entry(plan, "initrd", key);
	gz = path_join(entry, "initrd.gz");
	stats = path_join(entry, "stats");
	if (cache_complete(entry)) {
		unsigned long long raw = 0;
		struct stat sb;
		memset(st, 0, sizeof(*st));
		st->entries = m->n;
		ret = read_file(stats, &text) < 0 || sscanf(text.data, "raw %llu", &raw) != 1 ||
				      stat(gz, &sb) < 0 || copy_file(gz, file, 0644) < 0
			      ? -1
			      : 0;
		st->raw = (size_t)raw;
		st->compressed = (size_t)sb.st_size;
		st->cached = 1;
		cache_touch(entry);
		if (name) {
			char *what = xasprintf("initrd %s", name);
			inputs_announce_reuse(&in, rec, what);
			free(what);
		}
	} else {
		if (name) {
			char *what = xasprintf("initrd %s", name);
			inputs_announce(&in, rec, what, NULL);
			free(what);
		}
		ret = initrd_write(plan, m, b->work, log, file, st);
		if (!ret && !(tmp = cache_begin(entry)))
			ret = -1;
		if (!ret) {
			char *to = path_join(tmp, "initrd.gz"), *sto = path_join(tmp, "stats");
			buf_addf(&text, "raw %zu\n", st->raw);
			ret = copy_file(file, to, 0644) < 0 ||
					      write_file_atomic(sto, text.data, text.len, 0644) < 0 ||
					      cache_commit(tmp, entry) < 0
				      ? -1
				      : 0;
			if (ret)
				remove_tree(tmp);
			free(to);
			free(sto);
			cache_prune(plan, "initrd", INITRDS_KEPT);
		}
	}
	if (!ret && rec)
		ret = inputs_save(&in, rec);
out:
	inputs_release(&in);
	buf_release(&text);
	free(entry);
	free(gz);
	free(stats);
	free(tmp);
	free(record);
	free(rec);
	return ret;
}

/* Every initrd variant, gzip-compressed, into the new stick tree; a stacked one holds only
 * what it adds to main.  Each must be within its budget. */
int stage_initrds(struct build *b)
{
	const struct plan *plan = b->plan;
	char *log = stage_log(b, "initrd");
	char *dir = path_join(b->stick, "boot/initrd");
	int ret = mkdir_p(dir, 0755);
	for (size_t i = 0; i < plan->n_ivar && !ret; i++) {
		const struct ivariant *v = &plan->ivar[i];
		char *file = xasprintf("%s/%s.gz", dir, v->name);
		struct initrd_stats *st = &b->st[i], full;
		if (v->stack) {
			/* What the whole variant would take, to report the saving. */
			char *whole = xasprintf("%s/whole-%s.gz", b->work, v->name);
			struct manifest *add = &b->added[i];
			ret = write_initrd(b, &b->m[i], whole, &full, NULL, log);
			if (!ret)
				ret = rootfs_diff(&b->m[0], &b->m[i], add);
			if (!ret)
				ret = write_initrd(b, add, file, st, v->name, log);
			if (!ret)
				buf_addf(&b->summary, "%s%s %zu KiB stacked on main (%zu entries; %zu KiB "
						      "saved)%s",
					 i ? ", " : "", v->name, (st->compressed + 1023) / 1024, add->n,
					 (full.compressed - st->compressed) / 1024, st->cached ? " (cached)" : "");
			unlink(whole);
			free(whole);
		} else {
			ret = write_initrd(b, &b->m[i], file, st, v->name, log);
			if (!ret)
				buf_addf(&b->summary, "%s%s %s %zu KiB, gzip %zu KiB%s", i ? ", " : "",
					 v->name, plan->initrd_format == INITRD_EXT2 ? "ext2" : "cpio",
					 (st->raw + 1023) / 1024, (st->compressed + 1023) / 1024,
					 st->cached ? " (cached)" : "");
		}
		free(file);
	}
	if (!ret) {
		struct report_initrd *r = initrd_reports(b);
		ret = report_check_budgets(plan, r, plan->n_ivar);
		free(r);
	}
	free(dir);
	free(log);
	return ret;
}

/* The kernels, the help text and the boot menu, into the new stick tree. */
int stage_stick(struct build *b)
{
	const struct plan *plan = b->plan;
	char *kdir = path_join(b->stick, "boot/kernel");
	char *sdir = path_join(b->stick, IMAGE_SYSLINUX_DIR);
	char *cfg = path_join(sdir, "syslinux.cfg");
	char *help_src = path_join(plan->dir, "syslinux/boot.txt");
	char *help_dst = path_join(sdir, "boot.txt");
	char *edir = path_join(b->stick, IMAGE_EFI_DIR);
	char *ecfg = path_join(edir, "syslinux.cfg");
	struct buf text;
	int has_help = file_exists(help_src), ret = -1;

	buf_init(&text);
	if (mkdir_p(kdir, 0755) < 0 || mkdir_p(sdir, 0755) < 0)
		goto out;
	for (size_t i = 0; i < plan->n_kvar; i++) {
		char *name = xasprintf("%s.lk", plan->kvar[i].name);
		char *to = path_join(kdir, name);
		int r = copy_file(b->k[i].bzimage, to, 0644);
		free(name);
		free(to);
		if (r < 0)
			goto out;
	}
	if (has_help && copy_file(help_src, help_dst, 0644) < 0)
		goto out;
	/* One menu for both: BIOS Syslinux reads /boot/syslinux, the EFI one /EFI/BOOT */
	if (stick_menu(plan, has_help ? IMAGE_SYSLINUX_DIR "/boot.txt" : NULL, STICK_FAT, &text) < 0 ||
	    write_file_atomic(cfg, text.data, text.len, 0644) < 0 ||
	    image_copy_efi_loader(edir) < 0 || write_file_atomic(ecfg, text.data, text.len, 0644) < 0)
		goto out;
	buf_addf(&b->summary, "%zu kernel%s, %zu initrd%s, %zu boot labels", plan->n_kvar,
		 plan->n_kvar == 1 ? "" : "s", plan->n_ivar, plan->n_ivar == 1 ? "" : "s",
		 plan->n_kvar * plan->n_ivar + 1);
	ret = 0;
out:
	buf_release(&text);
	free(kdir);
	free(sdir);
	free(cfg);
	free(help_src);
	free(help_dst);
	free(edir);
	free(ecfg);
	return ret;
}

/* Move the new image into place with one rename, then the stick tree beside it. */
static int publish(struct build *b, int img_same, int iso_same)
{
	const struct plan *plan = b->plan;
	char *stick = path_join(plan->out_dir, "stick");
	char *old = path_join(b->work, "stick.old");
	char *img = path_join(plan->out_dir, "mkdistro.img");
	char *iso = path_join(plan->out_dir, "mkdistro.iso");
	int ret = -1, had_stick = file_exists(stick);
	interrupt_fault_point("publish");
	if (interrupt_check() < 0) /* told to stop: the last image stays */
		goto out;
	if (!img_same && rename(b->img, img) < 0) {
		error_errno("cannot rename '%s' to '%s'", b->img, img);
		goto out;
	}
	if (plan->iso && !iso_same && rename(b->iso, iso) < 0) {
		error_errno("cannot rename '%s' to '%s'", b->iso, iso);
		goto out;
	}
	if (!plan->iso && unlink(iso) < 0 && errno != ENOENT) {
		error_errno("cannot remove the old '%s' (this build makes no ISO)", iso);
		goto out;
	}
	fsync_parent(img);
	if (had_stick && rename(stick, old) < 0) {
		error_errno("cannot move '%s' aside", stick);
		goto out;
	}
	if (rename(b->stick, stick) < 0) {
		error_errno("cannot rename '%s' to '%s'", b->stick, stick);
		if (had_stick && rename(old, stick) < 0)
			error_errno("cannot put '%s' back", stick);
		goto out;
	}
	ret = 0;
out:
	free(stick);
	free(old);
	free(img);
	free(iso);
	return ret;
}

/* The SBOM of the image and stick tree about to be published: img is the new image, or
 * out/mkdistro.img when that is unchanged. */
static int make_sbom(struct build *b, const struct inputs *img_in, const struct inputs *iso_in,
		     const char *img, const char *log, struct sbom_doc *doc)
{
	const struct plan *plan = b->plan;
	const struct manifest **trees = xcalloc(plan->n_ivar, sizeof(*trees));
	char img_key[65], iso_key[65];
	struct sbom_in in = {
		.kernel_source = &b->ksrc,
		.busybox_source = &b->bsrc,
		.kernels = b->k,
		.busyboxes = b->bb,
		.initrds = trees,
		.stick = b->stick,
		.image = img,
		.image_key = img_key,
		.iso_key = iso_in ? iso_key : NULL,
		.work = b->work,
		.log = log,
		.tool = "mkdistro-" MKDISTRO_VERSION,
	};
	int ret;
	for (size_t i = 0; i < plan->n_ivar; i++)
		trees[i] = plan->ivar[i].stack ? &b->added[i] : &b->m[i];
	inputs_key(img_in, img_key);
	if (iso_in)
		inputs_key(iso_in, iso_key);
	ret = sbom_make(plan, &in, doc);
	free(trees);
	return ret;
}

/* Make the image (and the ISO) unless out/ holds the one made from the same inputs.
 * Returns 1 when it does, 0 when made, -1 on error (reported). */
static int make_one(struct build *b, struct inputs *in, const char *name, const char *out,
		    const char *tmp, const char *log)
{
	const struct plan *plan = b->plan;
	char *rec = inputs_record(plan, name), *isowork = path_join(b->work, "iso");
	char *same = xasprintf("out/%s was changed or removed since the last build", strrchr(out, '/') + 1);
	int iso = !strcmp(name, "iso"), ret;
	ret = (iso ? iso_inputs(plan, b->stick, in) : image_inputs(plan, b->stick, in)) < 0 ? -1 : 0;
	if (!ret && inputs_published(in, rec, out))
		ret = 1;
	else if (!ret) {
		inputs_announce(in, rec, iso ? "ISO" : "image", same);
		ret = iso ? iso_build(plan, b->stick, isowork, tmp, log) : image_build(plan, b->stick, tmp, log);
		if (!ret && iso) /* image_build syncs its image; xorriso does not */
			ret = fsync_path(tmp);
	}
	free(rec);
	free(isowork);
	free(same);
	return ret;
}

int stage_image(struct build *b)
{
	const struct plan *plan = b->plan;
	char *log = stage_log(b, "image");
	char *img = path_join(plan->out_dir, "mkdistro.img"), *iso = path_join(plan->out_dir, "mkdistro.iso");
	char *img_rec = inputs_record(plan, "image"), *iso_rec = inputs_record(plan, "iso");
	struct inputs img_in, iso_in;
	struct sbom_doc sbom;
	int img_same, iso_same = 0, ret;

	inputs_init(&img_in);
	inputs_init(&iso_in);
	sbom_doc_init(&sbom);
	ret = img_same = make_one(b, &img_in, "image", img, b->img, log);
	if (ret >= 0 && plan->iso)
		ret = iso_same = make_one(b, &iso_in, "iso", iso, b->iso, log);
	/* the SBOM before anything is published: when it cannot be made, out/ stays as it was */
	if (ret >= 0 && make_sbom(b, &img_in, plan->iso ? &iso_in : NULL, img_same ? img : b->img,
				  log, &sbom) < 0)
		ret = -1;
	if (ret >= 0)
		ret = publish(b, img_same, iso_same);
	/* what out/ now holds, for the next build to compare with */
	if (!ret)
		ret = inputs_save_published(&img_in, img_rec, img);
	if (!ret && plan->iso)
		ret = inputs_save_published(&iso_in, iso_rec, iso);
	if (!ret)
		ret = write_report(b);
	if (!ret)
		ret = sbom_publish(plan, &sbom);
	if (!ret)
		buf_addf(&b->summary, "out/mkdistro.img, %u MiB%s%s%s; sizes in out/report.txt; SBOM "
				      "in out/sbom.spdx.json%s",
			 plan->image_size_mib, img_same ? " (unchanged)" : "",
			 plan->iso ? ", and out/mkdistro.iso" : "", iso_same ? " (unchanged)" : "",
			 sbom.unchanged ? " (unchanged)" : "");
	inputs_release(&img_in);
	inputs_release(&iso_in);
	sbom_doc_release(&sbom);
	free(img);
	free(iso);
	free(img_rec);
	free(iso_rec);
	free(log);
	return ret;
}

/* A Kconfig fragment that parses (path:line for the first bad line). */
static int check_fragment(const char *path)
{
	struct buf text;
	struct kconfig k;
	int ret;
	buf_init(&text);
	kconfig_init(&k);
	ret = read_text_file(path, &text);
	if (!ret)
		ret = kconfig_parse(&k, text.data, path, 1);
	kconfig_release(&k);
	buf_release(&text);
	return ret;
}

/* Everything about the inputs that can be checked in a moment, so that a mistake is not
 * found only after minutes of kernel build. */
int build_preflight(const struct plan *plan)
{
	struct buf menu;
	int ret;
	buf_init(&menu);
	ret = stick_menu(plan, NULL, STICK_FAT, &menu);
	buf_release(&menu);
	for (size_t i = 0; i < plan->n_kvar && !ret; i++) {
		const struct kvariant *v = &plan->kvar[i];
		ret = check_fragment(v->config ? v->config : plan->kernel_config);
		if (!ret && v->fragment)
			ret = check_fragment(v->fragment);
	}
	if (!ret)
		ret = check_fragment(plan->busybox_config);
	for (size_t i = 1; i < plan->n_ivar && !ret; i++) {
		ret = rootfs_check_variant(plan, &plan->ivar[i]);
		if (!ret && plan->ivar[i].busybox_config)
			ret = check_fragment(plan->ivar[i].busybox_config);
	}
	if (!ret && !is_dir(plan->rootfs_dir))
		ret = error("rootfs skeleton '%s' is not a directory", plan->rootfs_dir);
	if (!ret)
		ret = password_check_file(plan);
	return ret;
}

int build_begin(struct build *b, const struct plan *plan)
{
	char *pl, *cl;
	memset(b, 0, sizeof(*b));
	b->plan = plan;
	b->project_lock = b->cache_lock = -1;
	buf_init(&b->summary);
	b->k = xcalloc(plan->n_kvar, sizeof(*b->k));
	b->bb = xcalloc(plan->n_ivar, sizeof(*b->bb));
	b->m = xcalloc(plan->n_ivar, sizeof(*b->m));
	b->added = xcalloc(plan->n_ivar, sizeof(*b->added));
	b->st = xcalloc(plan->n_ivar, sizeof(*b->st));
	for (size_t i = 0; i < plan->n_ivar; i++) {
		manifest_init(&b->m[i]);
		manifest_init(&b->added[i]);
	}
	b->logdir = path_join(plan->out_dir, "log");
	b->work = path_join(plan->out_dir, ".work");
	b->stick = path_join(b->work, "stick");
	b->img = path_join(b->work, "mkdistro.img");
	b->iso = path_join(b->work, "mkdistro.iso");
	/* One build per project at a time, and one per cache (the build trees are shared). */
	if (mkdir_p(plan->out_dir, 0755) < 0 || mkdir_p(plan->cache_dir, 0755) < 0)
		return -1;
	pl = path_join(plan->out_dir, ".lock");
	cl = path_join(plan->cache_dir, "lock");
	b->project_lock = cache_lock(pl, 0, "this project");
	if (b->project_lock >= 0)
		b->cache_lock = cache_lock(cl, 1, "the build cache");
	free(pl);
	free(cl);
	if (b->cache_lock < 0)
		return -1;
	if (mkdir_p(b->logdir, 0755) < 0 || remove_tree(b->work) < 0 || mkdir_p(b->work, 0755) < 0)
		return -1;
	return 0;
}

void build_end(struct build *b)
{
	const struct plan *plan = b->plan;
	if (b->cache_lock >= 0) {
		remove_tree(b->work);
		close(b->cache_lock);
	}
	if (b->project_lock >= 0)
		close(b->project_lock);
	for (size_t i = 0; i < plan->n_kvar; i++)
		kernel_out_release(&b->k[i]);
	for (size_t i = 0; i < plan->n_ivar; i++) {
		busybox_out_release(&b->bb[i]);
		manifest_release(&b->m[i]);
		manifest_release(&b->added[i]);
	}
	free(b->k);
	free(b->bb);
	free(b->m);
	free(b->added);
	free(b->st);
	source_release(&b->ksrc);
	source_release(&b->bsrc);
	buf_release(&b->summary);
	free(b->logdir);
	free(b->work);
	free(b->stick);
	free(b->img);
	free(b->iso);
	memset(b, 0, sizeof(*b));
}
