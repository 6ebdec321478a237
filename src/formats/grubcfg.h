/* grubcfg.h: GRUB's configuration file (grub.cfg) for the stick's boot: prompt, where
 * Syslinux has no loader (arm64).
 *
 * The same menu as syslinux.cfg (formats/bootmenu.h), and it works the same on a serial line:
 * the labels are listed, the default boots when the time runs out, and a label typed at the
 * boot: prompt boots that label; "hd" leaves GRUB (exit), so that the firmware tries its next
 * boot entry.  One difference: GRUB's sleep can be cut short by Esc alone (any other key is
 * read and dropped), so the prompt comes on Esc (or F4), or at once when there is no
 * timeout.  And "hd": GRUB 2.06's exit returns to the
 * firmware's boot manager (on AAVMF its front page), where the next device is chosen.
 *
 * Spec: the GRUB 2.06 manual, "Shell-like scripting" (if, while, [ ], variables, single
 * quotes) and the commands echo (-n), sleep (--interruptible: Esc returns non-zero), read
 * (a line into a variable, its characters echoed), linux, initrd (several files, loaded one
 * after another as one initrd), boot and exit.
 */
#ifndef MKDISTRO_GRUBCFG_H
#define MKDISTRO_GRUBCFG_H

#include "formats/bootmenu.h"
#include "sys/buf.h"

/* What the menu says while it waits: a boot test that has a label to type presses Esc when
 * it sees this (boot/qemu.c). */
#define GRUBCFG_ESC_HINT "press Esc or F4 to type a boot label"

/*
 * Append the grub.cfg text for menu to out.  menu's checks are bootmenu_render's (its serial
 * port and display file are Syslinux's and not used here: GRUB talks through the firmware's
 * console); further refused: a single quote in kernel arguments (each argument is quoted
 * '...' for GRUB's shell).  The same menu gives the same bytes.  Returns 0 or -1 (reported),
 * leaving out unchanged.
 */
int grubcfg_render(const struct boot_menu *menu, struct buf *out);

#endif
