/* stick.c: the boot menu from the variants (see stick.h). */
#include "build/stick.h"

#include <stdlib.h>
#include <string.h>

#include "build/image.h"
#include "build/arch.h"
#include "formats/bootmenu.h"
#include "formats/grubcfg.h"
#include "sys/alloc.h"
#include "sys/buf.h"
#include "sys/fs.h"
#include "sys/log.h"

/* Two variants of one kind with the same initial would give two labels one name. */
static int check_initials(const struct plan *plan)
{
	for (size_t i = 0; i < plan->n_kvar; i++)
		for (size_t j = 0; j < i; j++)
			if (plan->kvar[i].name[0] == plan->kvar[j].name[0])
				return error("%s:%d: kernel variants '%s' and '%s' both start with '%c'; "
					     "boot labels are named by initials, so rename one",
					     plan->conf_path, plan->kvar[i].line, plan->kvar[j].name,
					     plan->kvar[i].name, plan->kvar[i].name[0]);
	for (size_t i = 0; i < plan->n_ivar; i++)
		for (size_t j = 0; j < i; j++)
			if (plan->ivar[i].name[0] == plan->ivar[j].name[0])
				return error("%s:%d: initrd variants '%s' and '%s' both start with '%c'; "
					     "boot labels are named by initials, so rename one",
					     plan->conf_path, plan->ivar[i].line, plan->ivar[j].name,
					     plan->ivar[i].name, plan->ivar[i].name[0]);
	for (size_t i = 0; i < plan->n_kvar; i++)
		for (size_t j = 0; j < plan->n_ivar; j++)
			if (plan->kvar[i].name[0] == 'h' && plan->ivar[j].name[0] == 'd')
				return error("%s:%d: kernel '%s' with initrd '%s' would be label 'hd', "
					     "which boots the hard disk; rename one",
					     plan->conf_path,
					     plan->kvar[i].line ? plan->kvar[i].line : plan->ivar[j].line,
					     plan->kvar[i].name, plan->ivar[j].name);
	return 0;
}

/* One label's kernel arguments: [boot] append, how rc.S finds the medium, where rc.hotplug
 * finds the kernel's modules on it, the ext2 ramdisk's, and the label's own [label.NAME]
 * append. */
static char *label_append(const struct plan *plan, const char *name, enum stick_medium medium,
			  const char *modules)
{
	struct buf a;
	buf_init(&a);
	buf_adds(&a, plan->boot_append);
	/* rc.S finds the stick by its FAT volume id, as blkid shows it */
	if (medium & STICK_ISO)
		buf_addf(&a, " mkdistro.stick=LABEL=%s", plan->fat_label);
	else
		buf_addf(&a, " mkdistro.stick=UUID=%04X-%04X", plan->volume_id >> 16,
			 plan->volume_id & 0xffff);
	if (plan->persist_mib && !(medium & STICK_ISO)) {
		char uuid[37];
		image_persist_uuid(plan, uuid);
		buf_addf(&a, " mkdistro.persist=UUID=%s", uuid);
	}
	buf_adds(&a, modules);
	if (plan->initrd_format == INITRD_EXT2)
		buf_addf(&a, " root=/dev/ram0 rw ramdisk_size=%u", plan->initrd_size_kib);
	for (size_t l = 0; l < plan->n_labels; l++)
		if (!strcmp(plan->labels[l].name, name))
			buf_addf(&a, " %s", plan->labels[l].append);
	return buf_detach(&a, NULL);
}

static int has_label(const struct boot_label *labels, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(labels[i].name, name))
			return 1;
	return 0;
}

/* Every [label.NAME] and [boot] default must name a label (or hd, for the default). */
static int check_names(const struct plan *plan, const struct boot_label *labels, size_t n)
{
	for (size_t l = 0; l < plan->n_labels; l++)
		if (!has_label(labels, n, plan->labels[l].name))
			return error("%s:%d: [label.%s] names no boot label (labels are the initials of a "
				     "kernel and an initrd variant, e.g. mm)",
				     plan->conf_path, plan->labels[l].line, plan->labels[l].name);
	if (!has_label(labels, n, plan->boot_default) && strcmp(plan->boot_default, "hd"))
		return error("%s:%d: [boot] default '%s' is not a boot label", plan->conf_path,
			     plan->default_line, plan->boot_default);
	return 0;
}

static void labels_free(struct boot_label *labels, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free((char *)labels[i].name);
		free((char *)labels[i].kernel);
		free((char *)labels[i].initrd);
		free((char *)labels[i].append);
	}
	free(labels);
}

char *stick_modules_name(const struct plan *plan, const struct kvariant *v)
{
	return v == &plan->kvar[0] ? xstrdup("modules.xz") : xasprintf("modules-%s.xz", v->name);
}

/* "/boot/initrd/NAME" when kernel v's modules are in stick_dir, else NULL (malloc'd). */
static char *modules_file(const struct plan *plan, const struct kvariant *v, const char *stick_dir)
{
	char *name = stick_modules_name(plan, v);
	char *host = stick_dir ? xasprintf("%s/boot/initrd/%s", stick_dir, name) : NULL;
	char *ret = host && file_exists(host) ? xasprintf("/boot/initrd/%s", name) : NULL;
	free(name);
	free(host);
	return ret;
}

int stick_menu(const struct plan *plan, const char *stick_dir, const char *display,
	       enum stick_medium medium, struct buf *out)
{
	size_t n = plan->n_kvar * plan->n_ivar, k = 0;
	struct boot_label *labels = xcalloc(n, sizeof(*labels));
	int ret = -1;

	if (check_initials(plan) < 0)
		goto out;
	for (size_t i = 0; i < plan->n_kvar; i++) {
		/* the modules go on the INITRD line ([boot] modules = initrd) or, for rc.hotplug,
		 * on the kernel's command line */
		char *file = modules_file(plan, &plan->kvar[i], stick_dir);
		int initrd = file && plan_modules_initrd(plan);
		char *stacked = initrd ? xasprintf(",%s", file) : xstrdup("");
		char *mods = file && !initrd ? xasprintf(" mkdistro.modules=%s", file) : xstrdup("");
		for (size_t j = 0; j < plan->n_ivar; j++, k++) {
			const struct ivariant *iv = &plan->ivar[j];
			char *name = xasprintf("%c%c", plan->kvar[i].name[0], iv->name[0]);
			labels[k].name = name;
			labels[k].kernel = xasprintf("/boot/kernel/%s.lk", plan->kvar[i].name);
			labels[k].initrd = iv->stack
				? xasprintf("/boot/initrd/main.gz,/boot/initrd/%s.gz%s", iv->name, stacked)
				: xasprintf("/boot/initrd/%s.gz%s", iv->name, stacked);
			labels[k].append = label_append(plan, name, medium, mods);
		}
		free(file);
		free(mods);
		free(stacked);
	}
	if (check_names(plan, labels, n) == 0) {
		struct boot_menu menu = {
			.labels = labels,
			.n = n,
			.default_label = plan->boot_default,
			.prompt = plan->boot_prompt,
			.timeout = plan->boot_timeout,
			.serial = plan->serial_baud ? 0 : -1,
			.baud = plan->serial_baud,
			.hd = medium & STICK_EFI   ? BOOTMENU_HD_LOCALBOOT
			      : medium & STICK_ISO ? BOOTMENU_HD_CHAIN_FIRST
						   : BOOTMENU_HD_CHAIN_SECOND,
			.display = display,
		};
		ret = plan->arch->grub_platform ? grubcfg_render(&menu, out)
						: bootmenu_render(&menu, out);
	}
out:
	labels_free(labels, n);
	return ret;
}
