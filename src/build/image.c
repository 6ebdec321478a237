/* image.c: assemble the stick image (see image.h).
 * References: syslinux(1) (--offset, --install, --directory), mkfs.fat(8) (--offset, -h),
 * mtools(1) (the image@@offset file syntax), Syslinux's doc/mbr.txt.
 */
#include "build/image.h"

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "formats/mbr.h"
#include "sys/alloc.h"
#include "sys/buf.h"
#include "sys/fs.h"
#include "sys/log.h"
#include "sys/spawn.h"

char *image_find_mbr_bin(void)
{
	static const char *const candidates[] = {
		"/usr/lib/syslinux/mbr/mbr.bin",
		"/usr/lib/SYSLINUX/mbr.bin",
		"/usr/share/syslinux/mbr.bin",
	};
	for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++)
		if (file_exists(candidates[i]))
			return xstrdup(candidates[i]);
	error("Syslinux's mbr.bin was not found (looked in /usr/lib/syslinux/mbr); install the "
	      "Debian package 'syslinux-common'");
	return NULL;
}

/* The first of the candidates that exists (malloc'd), or NULL with an error naming pkg. */
static char *find_one(const char *const *candidates, size_t n, const char *what, const char *pkg)
{
	for (size_t i = 0; i < n; i++)
		if (file_exists(candidates[i]))
			return xstrdup(candidates[i]);
	error("Syslinux's %s was not found (looked in %s); install the Debian package '%s'", what,
	      candidates[0], pkg);
	return NULL;
}

int image_efi_loader_files(const struct arch *a, char **loader, char **ldlinux)
{
	char *efi[2], *ldl[2];
	*loader = *ldlinux = NULL;
	if (!a->efi_loader)
		return error("Syslinux has no UEFI loader for %s", a->name);
	efi[0] = xasprintf("/usr/lib/SYSLINUX.EFI/%s", a->efi_loader);
	efi[1] = xasprintf("/usr/share/syslinux/%s", a->efi_loader);
	ldl[0] = xasprintf("/usr/lib/syslinux/modules/%s", a->efi_ldlinux);
	ldl[1] = xasprintf("/usr/share/syslinux/%s", a->efi_ldlinux);
	*loader = find_one((const char *const *)efi, 2, "EFI loader syslinux.efi", "syslinux-efi");
	*ldlinux = *loader ? find_one((const char *const *)ldl, 2, a->efi_ldlinux_name,
				      "syslinux-common")
			   : NULL;
	for (size_t i = 0; i < 2; i++) {
		free(efi[i]);
		free(ldl[i]);
	}
	if (*ldlinux)
		return 0;
	free(*loader);
	*loader = NULL;
	return -1;
}

int image_copy_efi_loader(const struct arch *a, const char *dir)
{
	char *loader, *ldlinux;
	char *to1 = path_join(dir, a->efi_name), *to2 = path_join(dir, a->efi_ldlinux_name);
	int ret = image_efi_loader_files(a, &loader, &ldlinux) == 0 && mkdir_p(dir, 0755) == 0 &&
			  copy_file(loader, to1, 0644) == 0 && copy_file(ldlinux, to2, 0644) == 0
		      ? 0
		      : -1;
	free(loader);
	free(ldlinux);
	free(to1);
	free(to2);
	return ret;
}

const char *const image_chain_files[IMAGE_N_CHAIN] = {"chain.c32", "libcom32.c32", "libutil.c32"};

char *image_find_chain_file(const char *name)
{
	char *where[2] = {xasprintf("/usr/lib/syslinux/modules/bios/%s", name),
			  xasprintf("/usr/share/syslinux/%s", name)};
	char *found = find_one((const char *const *)where, 2, name, "syslinux-common");
	free(where[0]);
	free(where[1]);
	return found;
}

int image_copy_chain(const char *dir)
{
	int ret = 0;
	for (size_t i = 0; i < IMAGE_N_CHAIN && ret == 0; i++) {
		char *from = image_find_chain_file(image_chain_files[i]);
		char *to = path_join(dir, image_chain_files[i]);
		ret = from && copy_file(from, to, 0644) == 0 ? 0 : -1;
		free(from);
		free(to);
	}
	return ret;
}

int image_run(const struct plan *plan, const char *const *argv, const char *log)
{
	char *epoch = plan ? xasprintf("SOURCE_DATE_EPOCH=%lld", (long long)plan->epoch) : NULL;
	const char *env[] = {"MTOOLS_SKIP_CHECK=1", "TZ=UTC", epoch, NULL};
	struct child c = CHILD_INIT;
	int rc;
	c.argv = argv;
	c.env = env;
	c.log = log;
	rc = spawn_run_logged(&c, NULL);
	free(epoch);
	return rc;
}

int image_put(const struct plan *plan, const char *fat, const char *host, const char *target,
	      const char *log)
{
	const char *mcopy[] = {"mcopy", "-o", "-m", "-i", fat, host, target, NULL};
	struct timespec ts[2] = {{.tv_sec = (time_t)plan->epoch}, {.tv_sec = (time_t)plan->epoch}};
	if (utimensat(AT_FDCWD, host, ts, 0) < 0)
		return error_errno("cannot set the time of '%s'", host);
	return image_run(plan, mcopy, log);
}

/* The MBR: Syslinux's boot code (none when the CPU has no BIOS boot: its UEFI firmware
 * reads the partition table alone), one active FAT partition up to fat_end, and the
 * persistence partition after it when persist is not 0. */
static int write_mbr(const char *img, int bios, uint64_t fat_end, uint64_t persist,
		     uint8_t part_type, uint32_t disk_sig)
{
	char *mbr_bin = bios ? image_find_mbr_bin() : NULL;
	struct buf code;
	uint8_t sector[MBR_SECTOR_SIZE];
	uint64_t total = fat_end + persist;
	struct mbr_part part[2] = {
		{
			.bootable = 1,
			.type = part_type,
			.lba_start = IMAGE_PART_LBA,
			.lba_count = (uint32_t)(fat_end / 512 - IMAGE_PART_LBA),
		},
		{
			.type = MBR_TYPE_LINUX,
			.lba_start = (uint32_t)(fat_end / 512),
			.lba_count = (uint32_t)(persist / 512),
		},
	};
	int fd, ret = -1;

	if (bios && !mbr_bin)
		return -1;
	buf_init(&code);
	if (bios && read_file(mbr_bin, &code) < 0)
		goto out;
	if (mbr_build(sector, (const uint8_t *)code.data, code.len, disk_sig, part, persist ? 2 : 1) < 0)
		goto out;
	fd = open(img, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		error_errno("cannot create '%s'", img);
		goto out;
	}
	if (ftruncate(fd, (off_t)total) < 0 || write_all(fd, sector, sizeof(sector)) < 0) {
		error_errno("cannot write '%s'", img);
		close(fd);
		goto out;
	}
	if (close(fd) < 0) {
		error_errno("cannot write '%s'", img);
		goto out;
	}
	ret = 0;
out:
	buf_release(&code);
	free(mbr_bin);
	return ret;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* A growing NULL-terminated argv of malloc'd strings after a fixed head. */
struct args {
	const char **v;
	char **owned;
	size_t n, cap, head, n_owned, cap_owned;
};

static void args_add(struct args *a, const char *s, int own)
{
	XGROW(a->v, a->cap, a->n + 2);
	a->v[a->n++] = s;
	a->v[a->n] = NULL;
	if (own) {
		XGROW(a->owned, a->cap_owned, a->n_owned + 1);
		a->owned[a->n_owned++] = (char *)s;
	}
}

static void args_release(struct args *a)
{
	for (size_t i = 0; i < a->n_owned; i++)
		free(a->owned[i]);
	free(a->owned);
	free(a->v);
	memset(a, 0, sizeof(*a));
}

/* The entries directly in dir, in name order, added to a: with files set, its files (host
 * paths, each stamped with the plan's epoch, since mcopy -m keeps the host file's time);
 * else the names of its subdirectories. */
static int list(const struct plan *plan, const char *dir, struct args *a, int files)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, by_name), ret = 0;
	if (n < 0)
		return error_errno("cannot read '%s'", dir);
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		char *host = path_join(dir, name);
		struct timespec ts[2] = {{.tv_sec = (time_t)plan->epoch}, {.tv_sec = (time_t)plan->epoch}};
		if (ret || name[0] == '.' || is_dir(host) != !files) {
			free(host);
		} else if (!files) {
			args_add(a, xstrdup(name), 1);
			free(host);
		} else {
			if (utimensat(AT_FDCWD, host, ts, 0) < 0)
				ret = error_errno("cannot set the time of '%s'", host);
			args_add(a, host, 1);
		}
	}
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return ret;
}

/* mmd arguments for every directory under dir (at rel in the FAT), parents first. */
static int add_dirs(const struct plan *plan, const char *dir, const char *rel, struct args *mmd)
{
	struct args subs = {0};
	int ret = list(plan, dir, &subs, 0);
	for (size_t i = 0; !ret && i < subs.n; i++) {
		char *host = path_join(dir, subs.v[i]), *sub = xasprintf("%s/%s", rel, subs.v[i]);
		args_add(mmd, xasprintf("::%s", sub), 1);
		ret = add_dirs(plan, host, sub, mmd);
		free(host);
		free(sub);
	}
	args_release(&subs);
	return ret;
}

/* The files under dir into the FAT at rel: one mcopy for each directory's files. */
static int copy_files(const struct plan *plan, const char *fat, const char *dir, const char *rel,
		      const char *log)
{
	const char *head[] = {"mcopy", "-o", "-m", "-i", fat};
	struct args a = {0}, subs = {0};
	char *target = xasprintf("::%s/", rel);
	int ret;
	for (size_t i = 0; i < 5; i++)
		args_add(&a, head[i], 0);
	ret = list(plan, dir, &a, 1);
	if (!ret && a.n > 5) {
		args_add(&a, target, 0);
		ret = image_run(plan, a.v, log);
	}
	if (!ret)
		ret = list(plan, dir, &subs, 0);
	for (size_t i = 0; !ret && i < subs.n; i++) {
		char *host = path_join(dir, subs.v[i]), *sub = xasprintf("%s/%s", rel, subs.v[i]);
		ret = copy_files(plan, fat, host, sub, log);
		free(host);
		free(sub);
	}
	args_release(&a);
	args_release(&subs);
	free(target);
	return ret;
}

/* The tree under dir into the FAT at rel: every directory with one mmd (parents first),
 * then the files, one mcopy per directory; all in name order, so that the same tree gives
 * the same FAT. */
static int copy_tree(const struct plan *plan, const char *fat, const char *dir, const char *rel,
		     const char *log)
{
	const char *head[] = {"mmd", "-i", fat};
	struct args a = {0};
	int ret;
	for (size_t i = 0; i < 3; i++)
		args_add(&a, head[i], 0);
	ret = add_dirs(plan, dir, rel, &a);
	if (!ret && a.n > 3)
		ret = image_run(plan, a.v, log);
	args_release(&a);
	return ret ? ret : copy_files(plan, fat, dir, rel, log);
}

static uint64_t tree_bytes;
static int add_size(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)path;
	(void)ftw;
	if (type == FTW_F)
		tree_bytes += ((uint64_t)st->st_size + 4095) / 4096 * 4096;
	return 0;
}

int image_efi_fat(const struct plan *plan, const char *stick_dir, const char *file, const char *log)
{
	char kib[32], volid[16];
	const char *mkfs[] = {"mkfs.fat", "--invariant", "-C", "-n", plan->fat_label, "-i", volid,
			      file, kib, NULL};
	tree_bytes = 0;
	if (nftw(stick_dir, add_size, 16, FTW_PHYS) < 0)
		return error_errno("cannot read '%s'", stick_dir);
	/* the files, plus room for the FAT, directories and cluster slack */
	snprintf(kib, sizeof(kib), "%llu", (unsigned long long)(tree_bytes / 1024 * 11 / 10 + 1024));
	snprintf(volid, sizeof(volid), "%08x", plan->volume_id);
	unlink(file);
	return image_run(plan, mkfs, log) < 0 || copy_tree(plan, file, stick_dir, "", log) < 0 ? -1 : 0;
}

void image_persist_uuid(const struct plan *plan, char out[37])
{
	snprintf(out, 37, "%08x-7065-4273-8973-74656e636521", plan->volume_id);
}

/* The persistence store: an empty ext2 filesystem labelled "persist" in the partition
 * after the FAT one, reproducible like the ext2 initrds (fixed UUID, hash seed, time). */
static int make_persist(const struct plan *plan, const char *img, uint64_t offset, const char *log)
{
	char uuid[37];
	char *fake = xasprintf("E2FSPROGS_FAKE_TIME=%lld", (long long)plan->epoch);
	char *ext, *size = xasprintf("%uk", plan->persist_mib * 1024);
	struct child c = CHILD_INIT;
	int ret;
	image_persist_uuid(plan, uuid);
	ext = xasprintf("offset=%llu,root_owner=0:0,hash_seed=%s", (unsigned long long)offset, uuid);
	{
		const char *argv[] = {"mke2fs", "-q", "-F", "-t", "ext2", "-m", "0", "-L", "persist",
				      "-U", uuid, "-E", ext, img, size, NULL};
		const char *env[] = {fake, NULL};
		c.argv = argv;
		c.env = env;
		c.log = log;
		ret = spawn_run_logged(&c, "mke2fs (the persistence partition)");
	}
	free(fake);
	free(ext);
	free(size);
	return ret;
}

int image_build(const struct plan *plan, const char *stick_dir, const char *img, const char *log)
{
	uint64_t total = (uint64_t)plan->image_size_mib << 20;
	uint64_t part_bytes = total - (uint64_t)IMAGE_PART_LBA * 512;
	char offset_lba[16], offset_bytes[32], kib[32], fat_arg[8], volid[16];
	char *fat = xasprintf("%s@@%llu", img, (unsigned long long)IMAGE_PART_LBA * 512);
	int fat_bits, ret = -1;
	uint8_t part_type;

	if (mbr_fat_type(part_bytes, &fat_bits, &part_type) < 0)
		goto out;
	snprintf(offset_lba, sizeof(offset_lba), "%u", IMAGE_PART_LBA);
	snprintf(offset_bytes, sizeof(offset_bytes), "%llu", (unsigned long long)IMAGE_PART_LBA * 512);
	snprintf(kib, sizeof(kib), "%llu", (unsigned long long)(part_bytes / 1024));
	snprintf(fat_arg, sizeof(fat_arg), "%d", fat_bits);
	snprintf(volid, sizeof(volid), "%08x", plan->volume_id);
	if (write_mbr(img, plan->arch->bios, total, (uint64_t)plan->persist_mib << 20, part_type,
		      plan->volume_id) < 0 ||
	    (plan->persist_mib && make_persist(plan, img, total, log) < 0))
		goto out;
	{
		/* -h: hidden sectors before the partition, which the boot sector records. */
		/* --invariant: fixed times in the boot sector and label; -i still sets the id. */
		const char *mkfs[] = {"mkfs.fat", "--invariant", "--offset", offset_lba, "-h", offset_lba, "-F",
				      fat_arg, "-n", plan->fat_label, "-i", volid, img, kib, NULL};
		const char *syslinux[] = {"syslinux", "--offset", offset_bytes, "--install",
					  "--directory", IMAGE_SYSLINUX_DIR, img, NULL};
		/* Syslinux for BIOS boot, on the CPUs that have it */
		if (image_run(plan, mkfs, log) < 0 || copy_tree(plan, fat, stick_dir, "", log) < 0 ||
		    (plan->arch->bios && image_run(plan, syslinux, log) < 0))
			goto out;
	}
	if (fsync_path(img) < 0)
		goto out;
	ret = 0;
out:
	free(fat);
	return ret;
}

int image_inputs(const struct plan *plan, const char *stick_dir, struct inputs *in)
{
	int bios = plan->arch->bios; /* the MBR's boot code and syslinux --install */
	char *mbr = bios ? image_find_mbr_bin() : NULL;
	int ret;
	if (bios && !mbr)
		return -1;
	inputs_add(in, "stage", "image 2");
	inputs_add(in, "arch", "%s", plan->arch->name);
	inputs_add(in, "size", "%u MiB", plan->image_size_mib);
	inputs_add(in, "label", "%s", plan->fat_label);
	inputs_add(in, "volume_id", "%08x", plan->volume_id);
	inputs_add(in, "persist", "%u MiB", plan->persist_mib);
	inputs_add(in, "epoch", "%lld", (long long)plan->epoch);
	ret = inputs_add_self(in) < 0 || (bios && inputs_add_file(in, "mbr.bin", mbr) < 0) ||
			      inputs_add_tool(in, "mkfs.fat") < 0 || inputs_add_tool(in, "mcopy") < 0 ||
			      (bios && inputs_add_tool(in, "syslinux") < 0) ||
			      (plan->persist_mib && inputs_add_tool(in, "mke2fs") < 0) ||
			      inputs_add_tree(in, stick_dir) < 0
		      ? -1
		      : 0;
	free(mbr);
	return ret;
}
