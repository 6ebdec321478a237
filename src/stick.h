/* stick.h: the boot menu of the stick, generated from the variants.
 *
 * One label per kernel x initrd pair, named by the variants' initials: main and custom give
 * exactly mm, mc, cm and cc (kernel first), plus hd (LOCALBOOT 0x80).  Label NAME boots
 * /boot/kernel/<kernel>.lk with /boot/initrd/<initrd>.gz (for a stacked initrd,
 * main.gz,<initrd>.gz) and [boot] append, the ext2 ramdisk arguments when the initrd is ext2,
 * and [label.NAME] append.
 */
#ifndef MKDISTRO_STICK_H
#define MKDISTRO_STICK_H

#include "config.h"
#include "util.h"

/* The syslinux.cfg text for plan.  display: a help file on the stick, or NULL.  Returns 0, or
 * -1 (reported: two variants with one initial, naming both; a [boot] default or a
 * [label.NAME] that names no label; whatever bootmenu_render refuses). */
int stick_menu(const struct plan *plan, const char *display, struct buf *out);

#endif
