/* bootmenu.c: syslinux.cfg generation (see bootmenu.h).
 *
 * Spec: syslinux.cfg(5) from Syslinux 6.04 (doc/syslinux.cfg.txt).  Points that shape the
 * checks below: a label ends at the first white space or non-printable character; SERIAL
 * "should be the first directive in the configuration file"; TIMEOUT is in tenths of a
 * second and 0 disables it; INITRD takes a comma-separated list, and only the last
 * effective initrd= (which INITRD adds to the command line) is used.
 */
#include "formats/bootmenu.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "sys/alloc.h"

#define HD_LABEL "hd"
#define TIMEOUT_MAX 35996u /* "just below one hour" in the old syslinux.doc */

static int has_ctrl(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

static int is_label_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

static int check_name(size_t i, const char *name)
{
	if (!name || !*name)
		return error("boot label %zu has no name", i + 1);
	if (has_ctrl(name))
		return error("boot label %zu: the name has a newline or other control character",
			     i + 1);
	for (const char *p = name; *p; p++)
		if (!is_label_char(*p))
			return error("boot label '%s': a name may only have letters, digits, "
				     "'_' and '-'", name);
	return 0;
}

/* A file name on the stick: Syslinux splits at white space, so none may be in it.  label
 * is the label it belongs to, or NULL for a global one. */
static int check_file(const char *label, const char *what, const char *s, size_t len)
{
	char *where = label ? xasprintf("boot label '%s'", label) : xstrdup("boot menu");
	int ret = 0;

	if (!len)
		ret = error("%s: empty %s", where, what);
	for (size_t i = 0; i < len && !ret; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f)
			ret = error("%s: the %s has a newline or other control character", where,
				    what);
		else if (c == ' ')
			ret = error("%s: the %s '%.*s' has a space", where, what, (int)len, s);
	}
	free(where);
	return ret;
}

/* Whether the kernel arguments already name an initrd (a word starting "initrd="). */
static int has_initrd_arg(const char *append)
{
	for (const char *p = append; (p = strstr(p, "initrd=")); p++)
		if (p == append || p[-1] == ' ')
			return 1;
	return 0;
}

static int check_label(const struct boot_label *l)
{
	if (!l->kernel)
		return error("boot label '%s' has no kernel", l->name);
	if (check_file(l->name, "kernel", l->kernel, strlen(l->kernel)) < 0)
		return -1;
	if (l->initrd) {
		const char *p = l->initrd;
		for (;;) {
			size_t n = strcspn(p, ",");
			if (check_file(l->name, "initrd", p, n) < 0)
				return -1;
			if (!p[n])
				break;
			p += n + 1;
		}
	}
	if (l->append && has_ctrl(l->append))
		return error("boot label '%s': the kernel arguments have a newline or other "
			     "control character", l->name);
	if (l->append && l->initrd && has_initrd_arg(l->append))
		return error("boot label '%s': both an initrd and 'initrd=' in the kernel "
			     "arguments; only one would be used", l->name);
	return 0;
}

/* Label hd's lines, by enum bootmenu_hd. */
static const char *const hd_lines[] = {
	[BOOTMENU_HD_LOCALBOOT] = "  LOCALBOOT 0x80\n",
	[BOOTMENU_HD_CHAIN_FIRST] = "  COM32 chain.c32\n  APPEND hd0\n",
	[BOOTMENU_HD_CHAIN_SECOND] = "  COM32 chain.c32\n  APPEND hd1 swap\n",
};

static int check_menu(const struct boot_menu *menu)
{
	const size_t n = menu->n;

	if (!n && !menu->hd)
		return error("the boot menu has nothing to boot");
	for (size_t i = 0; i < n; i++) {
		const struct boot_label *l = &menu->labels[i];
		if (check_name(i, l->name) < 0)
			return -1;
		if (menu->hd && !strcasecmp(l->name, HD_LABEL))
			return error("boot label '%s' clashes with the local boot label '%s'",
				     l->name, HD_LABEL);
		for (size_t j = 0; j < i; j++) {
			const char *other = menu->labels[j].name;
			if (!strcmp(other, l->name))
				return error("boot label '%s' is there twice", l->name);
			if (!strcasecmp(other, l->name))
				return error("boot labels '%s' and '%s' differ only in case", other,
					     l->name);
		}
		if (check_label(l) < 0)
			return -1;
	}
	if (menu->default_label) {
		const char *d = menu->default_label;
		int found = menu->hd && !strcmp(d, HD_LABEL);
		if (has_ctrl(d))
			return error("the default boot label has a newline or other control "
				     "character");
		for (size_t i = 0; i < n && !found; i++)
			found = !strcmp(menu->labels[i].name, d);
		if (!found)
			return error("the default boot label '%s' is not in the menu", d);
	}
	if (menu->timeout > TIMEOUT_MAX)
		return error("boot timeout %u is over Syslinux's %u (tenths of a second)",
			     menu->timeout, TIMEOUT_MAX);
	if (menu->serial != -1 && (menu->serial < 0 || (menu->serial > 3 && menu->serial < 0x100) ||
				   menu->serial > 0xffff))
		return error("serial port %d is neither 0-3 nor an I/O address", menu->serial);
	if (menu->serial != -1 && menu->baud && (menu->baud > 115200 || 115200 % menu->baud))
		return error("serial speed %u is not 115200 divided by a whole number",
			     menu->baud);
	if (menu->display &&
	    check_file(NULL, "display file", menu->display, strlen(menu->display)) < 0)
		return -1;
	return 0;
}

int bootmenu_check(const struct boot_menu *menu)
{
	return check_menu(menu);
}

const char *bootmenu_default(const struct boot_menu *menu)
{
	return menu->default_label ? menu->default_label : menu->n ? menu->labels[0].name : HD_LABEL;
}

int bootmenu_render(const struct boot_menu *menu, struct buf *out)
{
	struct buf b;
	const char *def;

	if (check_menu(menu) < 0)
		return -1;
	def = bootmenu_default(menu);

	buf_init(&b);
	if (menu->serial != -1) {
		buf_addf(&b, menu->serial > 3 ? "SERIAL %#x" : "SERIAL %d", menu->serial);
		if (menu->baud)
			buf_addf(&b, " %u", menu->baud);
		buf_adds(&b, "\n");
	}
	buf_adds(&b, "# generated by mkdistro\n");
	buf_addf(&b, "DEFAULT %s\n", def);
	buf_addf(&b, "PROMPT %d\n", menu->prompt ? 1 : 0);
	buf_addf(&b, "TIMEOUT %u\n", menu->timeout);
	if (menu->display)
		buf_addf(&b, "DISPLAY %s\nF1 %s\n", menu->display, menu->display);
	for (size_t i = 0; i < menu->n; i++) {
		const struct boot_label *l = &menu->labels[i];
		buf_addf(&b, "\nLABEL %s\n", l->name);
		buf_addf(&b, "  LINUX %s\n", l->kernel);
		if (l->initrd)
			buf_addf(&b, "  INITRD %s\n", l->initrd);
		if (l->append && *l->append)
			buf_addf(&b, "  APPEND %s\n", l->append);
	}
	if (menu->hd)
		buf_addf(&b, "\nLABEL " HD_LABEL "\n%s", hd_lines[menu->hd]);
	buf_add(out, b.data, b.len);
	buf_release(&b);
	return 0;
}
