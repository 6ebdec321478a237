/* iso.c: the hybrid CD image (see iso.h). */
#include "build/iso.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "build/arch.h"
#include "build/image.h"
#include "build/stick.h"
#include "sys/alloc.h"
#include "sys/buf.h"
#include "sys/fs.h"
#include "sys/hash.h"
#include "sys/log.h"
#include "sys/spawn.h"


/* The EFI partition's copy of the menu, made the ISO's too (mcopy -o over the stick's). */
static int efi_menu(const struct plan *plan, const char *work, const char *efi, const char *menu,
		    const char *log)
{
	char *cfg = path_join(work, "efi-syslinux.cfg");
	int ret = write_file_atomic(cfg, menu, strlen(menu), 0644) < 0 ||
			  image_put(plan, efi, cfg, "::/" IMAGE_EFI_DIR "/syslinux.cfg", log) < 0
		      ? -1
		      : 0;
	free(cfg);
	return ret;
}

static int copy_into(const char *src, const char *dir, const char *name)
{
	char *to = path_join(dir, name);
	int ret = copy_file(src, to, 0644);
	free(to);
	return ret;
}

int iso_build(const struct plan *plan, const char *stick_dir, const char *work, const char *iso,
	      const char *log)
{
	char *tree = path_join(work, "tree"), *isolinux = path_join(work, "tree/isolinux");
	char *efi = path_join(work, "efi.img"), *help = NULL, *cfg = NULL;
	const char *display;
	struct buf menu, emenu;
	char *boot = path_join(stick_dir, "boot");
	char date[32];
	struct tm tm;
	time_t t = (time_t)plan->epoch;
	char *xorriso = which("xorriso");
	int have_xorriso = xorriso != NULL, ret = -1;

	buf_init(&menu);
	buf_init(&emenu);
	free(xorriso);
	if (!have_xorriso)
		error("'xorriso' is not found in PATH; install the Debian package 'xorriso'");
	else if (!file_exists(ISO_ISOLINUX_DIR "/isolinux.bin"))
		error("ISOLINUX was not found (" ISO_ISOLINUX_DIR "/isolinux.bin); install the Debian "
		      "package 'isolinux'");
	else if (mkdir_p(isolinux, 0755) == 0 &&
		 copy_into(ISO_ISOLINUX_DIR "/isolinux.bin", isolinux, "isolinux.bin") == 0 &&
		 copy_into(ISO_LDLINUX_C32, isolinux, "ldlinux.c32") == 0 &&
		 image_copy_chain(isolinux) == 0)
		ret = 0;
	if (ret < 0)
		goto out;
	ret = -1;
	help = path_join(stick_dir, IMAGE_SYSLINUX_DIR "/boot.txt");
	cfg = path_join(isolinux, "isolinux.cfg");
	display = file_exists(help) ? IMAGE_SYSLINUX_DIR "/boot.txt" : NULL;
	if (stick_menu(plan, stick_dir, display, STICK_ISO, &menu) < 0 ||
	    stick_menu(plan, stick_dir, display, STICK_ISO_EFI, &emenu) < 0 ||
	    write_file_atomic(cfg, menu.data, menu.len, 0644) < 0)
		goto out;
	/* the menu's DISPLAY names /boot/syslinux/boot.txt: the whole boot/ tree comes along */
	{
		const char *cp[] = {"cp", "-R", boot, tree, NULL};
		struct child c = CHILD_INIT;
		c.argv = cp;
		c.log = log;
		if (spawn_run_logged(&c, "copying the stick's files for the ISO") < 0)
			goto out;
	}
	if (image_efi_fat(plan, stick_dir, efi, log) < 0 || efi_menu(plan, work, efi, emenu.data, log) < 0)
		goto out;
	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%Y%m%d%H%M%S00", &tm);
	{
		char *moddate = xasprintf("--modification-date=%s", date);
		const char *argv[] = {
			"xorriso", "-as", "mkisofs", "-o", iso, "-V", plan->fat_label, "-r", "-J",
			"-isohybrid-mbr", ISO_ISOLINUX_DIR "/isohdpfx.bin",
			"-c", "isolinux/boot.cat", "-b", "isolinux/isolinux.bin", "-no-emul-boot",
			"-boot-load-size", "4", "-boot-info-table",
			"-append_partition", "2", "0xef", efi, "-appended_part_as_gpt",
			moddate, "--set_all_file_dates", date, tree, NULL,
		};
		ret = image_run(plan, argv, log);
		free(moddate);
	}
out:
	free(tree);
	free(isolinux);
	free(efi);
	free(help);
	buf_release(&menu);
	buf_release(&emenu);
	free(cfg);
	free(boot);
	return ret;
}

int iso_inputs(const struct plan *plan, const char *stick_dir, struct inputs *in)
{
	struct buf menu;
	char *help = path_join(stick_dir, IMAGE_SYSLINUX_DIR "/boot.txt");
	char sum[65];
	int ret;
	buf_init(&menu);
	inputs_add(in, "stage", "iso 2");
	inputs_add(in, "arch", "%s", plan->arch->name);
	inputs_add(in, "label", "%s", plan->fat_label);
	inputs_add(in, "volume_id", "%08x", plan->volume_id);
	inputs_add(in, "epoch", "%lld", (long long)plan->epoch);
	ret = stick_menu(plan, stick_dir, file_exists(help) ? IMAGE_SYSLINUX_DIR "/boot.txt" : NULL, STICK_ISO,
			 &menu);
	if (!ret) {
		sha256_hex(menu.data, menu.len, sum);
		inputs_add(in, "menu", "sha256:%s", sum);
		ret = inputs_add_self(in) < 0 || inputs_add_tool(in, "xorriso") < 0 ||
				      inputs_add_tool(in, "mkfs.fat") < 0 || inputs_add_tool(in, "mcopy") < 0 ||
				      inputs_add_file(in, "isolinux.bin", ISO_ISOLINUX_DIR "/isolinux.bin") < 0 ||
				      inputs_add_file(in, "isohdpfx.bin", ISO_ISOLINUX_DIR "/isohdpfx.bin") < 0 ||
				      inputs_add_file(in, "ldlinux.c32", ISO_LDLINUX_C32) < 0 ||
				      inputs_add_tree(in, stick_dir) < 0
			      ? -1
			      : 0;
	}
	buf_release(&menu);
	free(help);
	return ret;
}
