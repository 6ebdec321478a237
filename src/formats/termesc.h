/* termesc.h: the text in a terminal's byte stream, without its escape sequences and control
 * characters: what a person would read on the serial console, for matching and transcripts.
 *
 * Spec: ECMA-48 (5th edition, 1991), "Control functions for coded character sets": a CSI
 * sequence is ESC [ then parameter bytes 0x30-0x3f, intermediate bytes 0x20-0x2f and one
 * final byte 0x40-0x7e; OSC, DCS, APC, PM and SOS (ESC ] P _ ^ X) open a control string that
 * ends at ST (ESC \) or, as xterm also accepts, BEL; any other ESC sequence is ESC, its
 * intermediate bytes 0x20-0x2f (such as the "(" of the charset selection ESC ( B), then one
 * final byte.  Firmware and boot loaders draw on the serial line with these (OVMF, GRUB,
 * Syslinux's menu).
 *
 * Kept: newline, tab and printable bytes (0x20-0x7e, and bytes >= 0x80 so that UTF-8 text
 * passes); dropped: carriage returns, other C0 controls and DEL.  A newline inside a CSI
 * sequence ends the sequence and is kept, so that a broken sequence cannot swallow lines.
 * A sequence may be split across calls: the state carries it over.
 */
#ifndef MKDISTRO_TERMESC_H
#define MKDISTRO_TERMESC_H

#include <stddef.h>

struct termesc {
	/* private: where in a sequence the last byte left us */
	enum {
		TERMESC_TEXT,
		TERMESC_ESC,       /* after ESC */
		TERMESC_ESC_INTER, /* ESC and intermediate bytes, waiting for the final byte */
		TERMESC_CSI,       /* ESC [ and parameters */
		TERMESC_STR,       /* a control string, up to BEL or ESC \ */
		TERMESC_STR_ESC,   /* ESC inside a control string: \ ends it */
	} state;
};

void termesc_init(struct termesc *t);

/* Copy the n bytes at in to out, without escape sequences and control characters (see
 * above); out needs room for n bytes and may not overlap in.  Returns the bytes written. */
size_t termesc_strip(struct termesc *t, const char *in, size_t n, char *out);

#endif
