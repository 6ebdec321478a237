/* bootmenu.h: the Syslinux configuration file (syslinux.cfg) for the stick's boot: prompt.
 *
 * Spec: syslinux.cfg(5) (doc/syslinux.cfg.txt in Syslinux 6.x; the "Config" page of the
 * Syslinux wiki): SERIAL, DEFAULT, PROMPT, TIMEOUT, DISPLAY, F1, LABEL with LINUX, INITRD,
 * APPEND, and LOCALBOOT.  Only the plain boot: prompt is used, no menu.c32 module, so the
 * file works the same on the VGA console and on a serial line.
 */
#ifndef MKDISTRO_BOOTMENU_H
#define MKDISTRO_BOOTMENU_H

#include <stddef.h>

#include "sys/buf.h"

struct boot_label {
	const char *name;   /* typed at boot:; [A-Za-z0-9_-]+ */
	const char *kernel; /* path on the stick, e.g. /boot/kernel/main.lk */
	const char *initrd; /* e.g. /boot/initrd/main.gz, or a comma list, or NULL */
	const char *append; /* kernel arguments, or NULL */
};

/* What label "hd" does, if the menu has it. */
enum {
	BOOTMENU_HD_NONE,      /* no label hd */
	BOOTMENU_HD_LOCALBOOT, /* LOCALBOOT 0x80: ISOLINUX from a CD (where the PC's first disk
				  is 0x80), and the EFI Syslinux (where any LOCALBOOT hands the
				  machine back to the firmware's next boot entry) */
	BOOTMENU_HD_CHAIN,     /* COM32 chain.c32, APPEND hd1 swap: a BIOS booting from a stick
				  makes the stick drive 0x80 and the PC's own disk 0x81, which
				  chain.c32 boots as 0x80 (Syslinux 6.04's LOCALBOOT fails there
				  with "Boot error": tests/e2e/89-hd-label.sh).  It needs chain.c32,
				  libcom32.c32 and libutil.c32 beside ldlinux.c32. */
};

struct boot_menu {
	const struct boot_label *labels;
	size_t n;
	const char *default_label; /* a label's name, "hd", or NULL for the first label */
	int prompt;                /* 1: always show boot:; 0: only with Shift/Alt held */
	unsigned timeout;          /* tenths of a second at boot: before the default; 0 waits
				      for ever; at most 35996 (the old syslinux.doc limit) */
	int serial;                /* -1: none; 0-3: the BIOS's COM1-COM4; or an I/O port
				      address 0x100-0xffff (e.g. 0x3f8) */
	unsigned baud;             /* serial speed, a divisor of 115200; 0: Syslinux's 9600 */
	int localboot_hd;          /* LABEL hd, the PC's own disk: one of BOOTMENU_HD_* */
	const char *display;       /* file shown before boot: and on F1, or NULL */
};

/*
 * Append the syslinux.cfg text for menu to out: SERIAL first (Syslinux asks for it to be
 * the first directive, so the serial line sees everything after it), then DEFAULT, PROMPT,
 * TIMEOUT, DISPLAY and F1, then one LABEL block per label in order, then "hd".  The same
 * menu gives the same bytes.
 *
 * Refused with a reported error, leaving out unchanged: a label name that is empty or has
 * anything but [A-Za-z0-9_-]; two labels whose names differ only in case, or a label named
 * "hd" with localboot_hd (Syslinux would quietly use the first); a default that names no
 * label; nothing to boot (no labels and no "hd"); a missing kernel; a newline or other control character in any
 * field; white space in a file name; an empty part in an initrd list; "initrd=" in append
 * when initrd is set too (only one of them would take effect); a bad serial port or baud
 * rate; a timeout over 35996.  Returns 0 or -1.
 *
 * Label "hd" comes last, as localboot_hd says (BOOTMENU_HD_*).
 */
int bootmenu_render(const struct boot_menu *menu, struct buf *out);
/* The checks of bootmenu_render alone (for another loader's menu, formats/grubcfg.h).
 * Returns 0 or -1 (reported). */
int bootmenu_check(const struct boot_menu *menu);
/* The label the menu boots when nobody types one. */
const char *bootmenu_default(const struct boot_menu *menu);

#endif
