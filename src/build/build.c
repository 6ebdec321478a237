/* build.c: a build's state from begin to end, and the stages up to the stick tree (see
 * build.h; the last stage, which publishes, is in outputs.c). */
#include "build/build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build/arch.h"
#include "build/grub.h"
#include "build/image.h"
#include "build/lint.h"
#include "build/lockfile.h"
#include "build/password.h"
#include "build/publish.h"
#include "build/report.h"
#include "build/modules.h"
#include "build/rootfs.h"
#include "build/stage.h"
#include "build/stick.h"
#include "formats/kconfig.h"
#include "sys/alloc.h"
#include "sys/fs.h"
#include "sys/lock.h"
#include "sys/log.h"

#define INITRDS_KEPT 32 /* initrds kept in the cache */

char *build_log(const struct build *b, const char *name)
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

/* ---- sources ---- */

/* Both sources, each file checked against lock before anything of it is unpacked and noted
 * in it; then the lock file written when it was missing (or updating).  *written: 1 when it
 * was. */
static int fetch_sources(struct build *b, struct lockfile *lock, int *written)
{
	char *log = build_log(b, "sources");
	int ret = sources_get(b->plan, "kernel", lock, log, &b->ksrc) < 0 ||
			  sources_get(b->plan, "busybox", lock, log, &b->bsrc) < 0 ||
			  packages_get(b->plan, lock, log, &b->pkgs) < 0 ||
			  (b->plan->arch->grub_platform && grub_fetch(b->plan, lock, log, &b->grub) < 0) ||
			  lockfile_save(lock, written) < 0
		  ? -1
		  : 0;
	free(log);
	return ret;
}

/* "4 source files and 30 Debian packages", of the files this run met (static). */
static const char *pinned_what(const struct lockfile *lock)
{
	static char text[96];
	size_t debs = 0;
	for (size_t i = 0; i < lock->nfound; i++)
		debs += !strcmp(lock->found[i].role, "deb") || !strcmp(lock->found[i].role, GRUB_ROLE);
	if (debs)
		snprintf(text, sizeof(text), "%zu source files and %zu Debian package%s",
			 lock->nfound - debs, debs, debs == 1 ? "" : "s");
	else
		snprintf(text, sizeof(text), "%zu source files", lock->nfound);
	return text;
}

int stage_sources(struct build *b)
{
	char *path = path_join(b->plan->dir, LOCKFILE_NAME);
	struct lockfile lock;
	int written = 0;
	/* a project without a lock file gets it now, from the sources as first fetched */
	int ret = lockfile_load(&lock, path) < 0 || fetch_sources(b, &lock, &written) < 0 ? -1 : 0;
	if (written)
		info("  pinned %s in %s (keep it with the project)", pinned_what(&lock), path);
	if (!ret)
		buf_addf(&b->summary, "%s; %s", b->ksrc.id, b->bsrc.id);
	if (!ret && b->pkgs.n)
		buf_addf(&b->summary, "; %zu Debian packages (%s)", b->pkgs.n,
			 b->pkgs.fetched ? "fetched" : "from the cache, as mkdistro.lock pins them");
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
			printf("%s: pinned %s (%s; %s)\n", path, pinned_what(&lock), b.ksrc.id,
			       b.bsrc.id);
		else
			printf("%s: all %s match (%s; %s)\n", path, pinned_what(&lock), b.ksrc.id,
			       b.bsrc.id);
		ret = 0;
	}
	build_end(&b);
out:
	lockfile_release(&lock);
	free(path);
	return ret;
}

/* ---- kernels, BusyBoxes, root filesystems, lint ---- */

int stage_kernels(struct build *b)
{
	char *log = build_log(b, "kernel");
	int ret = 0;
	for (size_t i = 0; i < b->plan->n_kvar && !ret; i++) {
		struct build_kernel *k = &b->kernels[i];
		ret = kernel_build(b->plan, k->v, &b->ksrc, log, &k->out);
		if (ret)
			break;
		log_note(log, k->out.cached ? "reused the cached kernel" : "built", k->out.bzimage);
		buf_addf(&b->summary, "%s%s %s%s", i ? ", " : "", k->v->name, k->out.release,
			 k->out.cached ? " (cached)" : "");
		if (k->out.modules) {
			ret = modules_tree(&k->modules, k->out.modules, k->out.release, b->plan->epoch);
			buf_addf(&b->summary, " with %zu modules", modules_count(&k->modules));
		}
	}
	free(log);
	return ret;
}

int stage_busyboxes(struct build *b)
{
	const struct plan *plan = b->plan;
	char *log = build_log(b, "busybox");
	int ret = 0;
	for (size_t i = 0; i < plan->n_ivar && !ret; i++) {
		struct build_initrd *r = &b->initrds[i];
		const char *config = i ? r->v->busybox_config : plan->busybox_config;
		if (!config) {
			r->busybox.binary = xstrdup(b->initrds[0].busybox.binary);
			r->busybox.links = xstrdup(b->initrds[0].busybox.links);
			continue;
		}
		r->own_busybox = 1;
		ret = busybox_build(plan, config, &b->bsrc, log, &r->busybox);
		if (ret)
			break;
		log_note(log, r->busybox.cached ? "reused the cached BusyBox" : "built", r->busybox.binary);
		buf_addf(&b->summary, "%s%s %s%s%s", i ? ", " : "", r->v->name,
			 plan->busybox_static ? "static" : "dynamic",
			 plan_musl(plan) ? ", musl" : "",
			 r->busybox.cached ? " (cached)" : "");
	}
	if (!ret)
		buf_addf(&b->summary, "; %s", b->bsrc.id);
	free(log);
	return ret;
}

int stage_rootfs(struct build *b)
{
	char *log = build_log(b, "rootfs");
	int ret = 0;
	for (size_t i = 0; i < b->plan->n_ivar && !ret; i++) {
		struct build_initrd *r = &b->initrds[i];
		struct rootfs_in in = {
			.busybox = r->busybox.binary,
			.busybox_links = r->busybox.links,
			.log = log,
			.variant = i ? r->v : NULL,
			.packages = &b->pkgs,
		};
		free(r->pkg_bytes);
		r->pkg_bytes = xcalloc(b->pkgs.n ? b->pkgs.n : 1, sizeof(*r->pkg_bytes));
		in.pkg_bytes = r->pkg_bytes;
		ret = rootfs_build(b->plan, &in, &r->tree);
		if (!ret)
			buf_addf(&b->summary, "%s%s %zu entries", i ? ", " : "", r->v->name, r->tree.n);
	}
	free(log);
	return ret;
}

int stage_lint(struct build *b)
{
	const struct plan *plan = b->plan;
	const char **configs = xcalloc(plan->n_kvar, sizeof(*configs));
	const struct manifest **trees = xcalloc(plan->n_ivar, sizeof(*trees));
	struct lint_modules *mods = xcalloc(plan->n_kvar, sizeof(*mods));
	int ret;
	for (size_t i = 0; i < plan->n_kvar; i++) {
		const struct build_kernel *k = &b->kernels[i];
		configs[i] = k->out.config;
		if (k->out.modules)
			mods[i] = (struct lint_modules){&k->modules, k->out.release, k->out.expected};
	}
	for (size_t i = 0; i < plan->n_ivar; i++)
		trees[i] = &b->initrds[i].tree;
	ret = lint_image(plan, configs, trees, mods, &b->summary);
	free(configs);
	free(trees);
	free(mods);
	return ret;
}

/* ---- initrds ---- */

/* What make_initrd needs. */
struct initrd_job {
	const struct plan *plan;
	const struct manifest *m;
	const char *work, *log;
};

/* The initrd of a tree, and its size before compression, into dir (stage.h). */
static int make_initrd(void *ctx, const char *dir)
{
	const struct initrd_job *j = ctx;
	char *gz = path_join(dir, "initrd.gz"), *stats = path_join(dir, "stats");
	struct initrd_stats st;
	struct buf text;
	int ret;
	buf_init(&text);
	ret = initrd_write(j->plan, j->m, j->work, j->log, gz, &st);
	if (!ret) {
		buf_addf(&text, "raw %zu\n", st.raw);
		ret = write_file_atomic(stats, text.data, text.len, 0644);
	}
	buf_release(&text);
	free(gz);
	free(stats);
	return ret;
}

/* The initrd of m, from the cache entry for its inputs (made first when missing), copied to
 * file unless that is NULL; its sizes in *st.  name: the variant, whose rebuild is announced
 * and whose inputs are recorded; NULL for neither. */
static int write_initrd(struct build *b, const struct manifest *m,
			const char *file, struct initrd_stats *st, const char *name, const char *log)
{
	struct initrd_job job = {b->plan, m, b->work, log};
	char *what = name ? xasprintf("initrd %s", name) : NULL;
	char *record = name ? xasprintf("initrd-%s", name) : NULL;
	struct stage_cache sc = {.kind = "initrd", .what = what, .record = record,
				 .keep = INITRDS_KEPT, .make = make_initrd, .ctx = &job};
	char *entry = NULL, *gz = NULL, *stats = NULL;
	unsigned long long raw;
	struct inputs in;
	struct buf text;
	struct stat sb;
	int ret = -1;

	memset(st, 0, sizeof(*st));
	inputs_init(&in);
	buf_init(&text);
	if (initrd_inputs(b->plan, m, &in) < 0 || stage_cached(b->plan, &sc, &in, &entry, &st->cached) < 0)
		goto out;
	gz = path_join(entry, "initrd.gz");
	stats = path_join(entry, "stats");
	if (read_file(stats, &text) < 0 || sscanf(text.data, "raw %llu", &raw) != 1 ||
	    stat(gz, &sb) < 0 || (file && copy_file(gz, file, 0644) < 0))
		goto out;
	st->entries = m->n;
	st->raw = (size_t)raw;
	st->compressed = (size_t)sb.st_size;
	ret = 0;
out:
	inputs_release(&in);
	buf_release(&text);
	free(entry);
	free(gz);
	free(stats);
	free(what);
	free(record);
	return ret;
}

/* A stacked variant: only what it adds to main goes in its file; the whole would-be initrd
 * is made too (into the cache), to say what stacking saves. */
static int write_stacked(struct build *b, struct build_initrd *r, const char *file, const char *log)
{
	struct initrd_stats whole;
	int ret = write_initrd(b, &r->tree, NULL, &whole, NULL, log);
	if (!ret)
		ret = rootfs_diff(&b->initrds[0].tree, &r->tree, &r->added);
	if (!ret)
		ret = write_initrd(b, &r->added, file, &r->st, r->v->name, log);
	if (!ret)
		buf_addf(&b->summary, "%s %zu KiB stacked on main (%zu entries; %zu KiB saved)%s",
			 r->v->name, (r->st.compressed + 1023) / 1024, r->added.n,
			 (whole.compressed - r->st.compressed) / 1024, r->st.cached ? " (cached)" : "");
	return ret;
}

/* What the report needs of each initrd written (malloc'd, one per variant). */
struct report_initrd *build_report_initrds(const struct build *b)
{
	struct report_initrd *r = xcalloc(b->plan->n_ivar, sizeof(*r));
	for (size_t i = 0; i < b->plan->n_ivar; i++) {
		const struct build_initrd *in = &b->initrds[i];
		r[i].name = in->v->name;
		r[i].m = in->v->stack ? &in->added : &in->tree;
		r[i].raw = in->st.raw;
		r[i].gz = in->st.compressed;
		r[i].stacked = in->v->stack;
		r[i].budget_kib = in->v->budget_kib;
		r[i].budget_line = in->v->budget_line;
		r[i].pkgs = &b->pkgs;
		r[i].pkg_bytes = in->pkg_bytes;
	}
	return r;
}

/* A kernel's modules as an xz cpio of their own on the stick (stick.h), which every label of
 * that kernel names for rc.hotplug to unpack: the kernel stage packed it once (modules_pack), so a change of the
 * root filesystem neither reads nor compresses them again; here it is only copied. */
static int write_modules(struct build *b, struct build_kernel *k, const char *dir)
{
	char *name = stick_modules_name(b->plan, k->v), *file = path_join(dir, name);
	struct stat sb;
	int ret = copy_file(k->out.modules_initrd, file, 0644);
	if (!ret && stat(file, &sb) < 0)
		ret = error_errno("%s", file);
	if (!ret) {
		k->mod_st = (struct initrd_stats){.entries = k->modules.n, .raw = k->out.modules_raw,
						  .compressed = (size_t)sb.st_size,
						  .cached = k->out.cached};
		buf_addf(&b->summary, ", %.*s cpio %zu KiB, xz %zu KiB", (int)(strlen(name) - 3), name,
			 (k->mod_st.raw + 1023) / 1024, (k->mod_st.compressed + 1023) / 1024);
	}
	free(name);
	free(file);
	return ret;
}

int stage_initrds(struct build *b)
{
	const struct plan *plan = b->plan;
	char *log = build_log(b, "initrd"), *dir = path_join(b->stick, "boot/initrd");
	int ret = mkdir_p(dir, 0755);
	for (size_t i = 0; i < plan->n_ivar && !ret; i++) {
		struct build_initrd *r = &b->initrds[i];
		char *file = xasprintf("%s/%s.gz", dir, r->v->name);
		if (i)
			buf_adds(&b->summary, ", ");
		if (r->v->stack)
			ret = write_stacked(b, r, file, log);
		else if (!(ret = write_initrd(b, &r->tree, file, &r->st, r->v->name, log)))
			buf_addf(&b->summary, "%s %s %zu KiB, gzip %zu KiB%s", r->v->name,
				 plan->initrd_format == INITRD_EXT2 ? "ext2" : "cpio",
				 (r->st.raw + 1023) / 1024, (r->st.compressed + 1023) / 1024,
				 r->st.cached ? " (cached)" : "");
		free(file);
	}
	for (size_t i = 0; i < plan->n_kvar && !ret; i++)
		if (b->kernels[i].out.modules)
			ret = write_modules(b, &b->kernels[i], dir);
	if (!ret) {
		struct report_initrd *r = build_report_initrds(b);
		ret = report_check_budgets(plan, r, plan->n_ivar);
		free(r);
	}
	free(dir);
	free(log);
	return ret;
}

/* ---- the stick tree ---- */

/* The kernels, as boot/kernel/NAME.lk. */
static int copy_kernels(const struct build *b)
{
	char *dir = path_join(b->stick, "boot/kernel");
	int ret = mkdir_p(dir, 0755);
	for (size_t i = 0; i < b->plan->n_kvar && !ret; i++) {
		char *to = xasprintf("%s/%s.lk", dir, b->kernels[i].v->name);
		ret = copy_file(b->kernels[i].out.bzimage, to, 0644);
		free(to);
	}
	free(dir);
	return ret;
}

/* The GRUB stick (CPUs without Syslinux): EFI/BOOT/<efi_name> and grub.cfg beside it. */
static int grub_stick(struct build *b)
{
	char *edir = path_join(b->stick, IMAGE_EFI_DIR), *cfg = path_join(edir, "grub.cfg");
	char *log = build_log(b, "stick");
	struct buf text;
	int ret;
	buf_init(&text);
	ret = stick_menu(b->plan, b->stick, NULL, STICK_FAT, &text) < 0 ||
			      grub_make_loader(b->plan, &b->grub, edir, log) < 0 ||
			      write_file_atomic(cfg, text.data, text.len, 0644) < 0
		      ? -1
		      : 0;
	buf_release(&text);
	free(edir);
	free(cfg);
	free(log);
	return ret;
}

/* The Syslinux stick (the PC's CPUs): one menu for both loaders (but for label hd: chain.c32
 * for the BIOS, LOCALBOOT for EFI, stick.h), BIOS Syslinux reading
 * /boot/syslinux and the EFI one /EFI/BOOT, with the project's boot.txt when it has one. */
static int syslinux_stick(struct build *b)
{
	const struct plan *plan = b->plan;
	char *sdir = path_join(b->stick, IMAGE_SYSLINUX_DIR);
	char *cfg = path_join(sdir, "syslinux.cfg");
	char *help_src = path_join(plan->dir, "syslinux/boot.txt");
	char *help_dst = path_join(sdir, "boot.txt");
	char *edir = path_join(b->stick, IMAGE_EFI_DIR);
	char *ecfg = path_join(edir, "syslinux.cfg");
	int has_help = file_exists(help_src), ret;
	const char *help = has_help ? IMAGE_SYSLINUX_DIR "/boot.txt" : NULL;
	struct buf text, etext;

	buf_init(&text);
	buf_init(&etext);
	ret = mkdir_p(sdir, 0755) < 0 || (has_help && copy_file(help_src, help_dst, 0644) < 0) ||
			      stick_menu(plan, b->stick, help, STICK_FAT, &text) < 0 ||
			      write_file_atomic(cfg, text.data, text.len, 0644) < 0 ||
			      image_copy_chain(sdir) < 0 || image_copy_efi_loader(plan->arch, edir) < 0 ||
			      stick_menu(plan, b->stick, help, STICK_FAT_EFI, &etext) < 0 ||
			      write_file_atomic(ecfg, etext.data, etext.len, 0644) < 0
		      ? -1
		      : 0;
	buf_release(&text);
	buf_release(&etext);
	free(sdir);
	free(cfg);
	free(help_src);
	free(help_dst);
	free(edir);
	free(ecfg);
	return ret;
}

int stage_stick(struct build *b)
{
	const struct plan *plan = b->plan;
	if (copy_kernels(b) < 0 || (plan->arch->grub_platform ? grub_stick(b) : syslinux_stick(b)) < 0)
		return -1;
	buf_addf(&b->summary, "%zu kernel%s, %zu initrd%s, %zu boot labels", plan->n_kvar,
		 plan->n_kvar == 1 ? "" : "s", plan->n_ivar, plan->n_ivar == 1 ? "" : "s",
		 plan->n_kvar * plan->n_ivar + 1);
	return 0;
}

/* ---- before and around the stages ---- */

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

int build_preflight(const struct plan *plan)
{
	struct buf menu;
	int ret;
	buf_init(&menu);
	ret = stick_menu(plan, NULL, NULL, STICK_FAT, &menu);
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

/* One build per project at a time (failing at once), and one per cache (waiting: the
 * build trees are shared). */
static int take_locks(struct build *b)
{
	char *pl = path_join(b->plan->out_dir, ".lock"), *cl = path_join(b->plan->cache_dir, "lock");
	b->project_lock = lock_file(pl, 0, "this project");
	if (b->project_lock >= 0)
		b->cache_lock = lock_file(cl, 1, "the build cache");
	free(pl);
	free(cl);
	return b->cache_lock < 0 ? -1 : 0;
}

int build_begin(struct build *b, const struct plan *plan)
{
	memset(b, 0, sizeof(*b));
	b->plan = plan;
	b->project_lock = b->cache_lock = -1;
	buf_init(&b->summary);
	b->kernels = xcalloc(plan->n_kvar, sizeof(*b->kernels));
	b->initrds = xcalloc(plan->n_ivar, sizeof(*b->initrds));
	for (size_t i = 0; i < plan->n_kvar; i++)
		b->kernels[i].v = &plan->kvar[i];
	for (size_t i = 0; i < plan->n_ivar; i++) {
		b->initrds[i].v = &plan->ivar[i];
		manifest_init(&b->initrds[i].tree);
		manifest_init(&b->initrds[i].added);
	}
	b->logdir = path_join(plan->out_dir, "log");
	b->work = path_join(plan->out_dir, ".work");
	b->stick = path_join(b->work, "stick");
	if (mkdir_p(plan->out_dir, 0755) < 0 || mkdir_p(plan->cache_dir, 0755) < 0 ||
	    take_locks(b) < 0)
		return -1;
	/* what a crash left half published is finished before the work directory goes */
	if (publish_recover(plan->out_dir) < 0 || mkdir_p(b->logdir, 0755) < 0 ||
	    remove_tree(b->work) < 0 || mkdir_p(b->work, 0755) < 0)
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
	for (size_t i = 0; b->kernels && i < plan->n_kvar; i++) {
		kernel_out_release(&b->kernels[i].out);
		manifest_release(&b->kernels[i].modules);
	}
	for (size_t i = 0; b->initrds && i < plan->n_ivar; i++) {
		busybox_out_release(&b->initrds[i].busybox);
		manifest_release(&b->initrds[i].tree);
		manifest_release(&b->initrds[i].added);
		free(b->initrds[i].pkg_bytes);
	}
	packages_release(&b->pkgs);
	packages_release_one(&b->grub);
	free(b->kernels);
	free(b->initrds);
	source_release(&b->ksrc);
	source_release(&b->bsrc);
	buf_release(&b->summary);
	free(b->logdir);
	free(b->work);
	free(b->stick);
	memset(b, 0, sizeof(*b));
}
