/* bootmenu.h: the Syslinux configuration file (syslinux.cfg) for the stick's boot: prompt.
 *
 * Spec: syslinux.cfg(5) (doc/syslinux.cfg.txt in Syslinux 6.x; the "Config" page of the
 * Syslinux wiki): SERIAL, DEFAULT, PROMPT, TIMEOUT, DISPLAY, F1, LABEL with LINUX, INITRD,
 * APPEND, and LOCALBOOT or COM32 (chain.c32: Syslinux's doc/chain.txt, hdN and swap).
 * Only the plain boot: prompt is used, no menu.c32 module, so the
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

/* What label "hd" does, if the menu has it: boot the PC's own disk instead. */
enum bootmenu_hd {
	BOOTMENU_HD_NONE,         /* no label hd */
	BOOTMENU_HD_LOCALBOOT,    /* LOCALBOOT 0x80, for the EFI Syslinux, which answers any
				     LOCALBOOT by handing the machine back to the firmware's next
				     boot entry */
	BOOTMENU_HD_CHAIN_FIRST,  /* COM32 chain.c32, APPEND hd0: ISOLINUX from a CD, where the
				     PC's first disk is BIOS drive 0x80 */
	BOOTMENU_HD_CHAIN_SECOND, /* COM32 chain.c32, APPEND hd1 swap: a BIOS that boots a stick
				     makes it drive 0x80 and the PC's first disk 0x81, which
				     chain.c32 starts as 0x80 (the BIOS Syslinux's LOCALBOOT stops
				     at "Boot error" under SeaBIOS) */
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
	enum bootmenu_hd hd;       /* label hd, last, or none */
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
 * "hd" when the menu has hd (Syslinux would quietly use the first); a default that names no
 * label; nothing to boot (no labels and no "hd"); a missing kernel; a newline or other control character in any
 * field; white space in a file name; an empty part in an initrd list; "initrd=" in append
 * when initrd is set too (only one of them would take effect); a bad serial port or baud
 * rate; a timeout over 35996.  Returns 0 or -1.
 *
 * chain.c32 (Syslinux's doc/chain.txt: hdN, swap) needs libcom32.c32 and libutil.c32 beside
 * it, in the loader's directory.
 */
int bootmenu_render(const struct boot_menu *menu, struct buf *out);
/* The checks of bootmenu_render alone (for another loader's menu, formats/grubcfg.h).
 * Returns 0 or -1 (reported). */
int bootmenu_check(const struct boot_menu *menu);
/* The label the menu boots when nobody types one. */
const char *bootmenu_default(const struct boot_menu *menu);

#endif
