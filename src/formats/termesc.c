/* termesc.c: escape sequences and control characters out of a terminal's byte stream (see
 * termesc.h; ECMA-48 5th edition, sections 5.3 to 5.6).
 */
#include "formats/termesc.h"

void termesc_init(struct termesc *t)
{
	t->state = TERMESC_TEXT;
}

size_t termesc_strip(struct termesc *t, const char *in, size_t n, char *out)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];
		switch (t->state) {
		case TERMESC_TEXT:
			if (c == 0x1b)
				t->state = TERMESC_ESC;
			else if (c == '\n' || c == '\t' || (c >= 0x20 && c != 0x7f))
				out[k++] = (char)c;
			break;
		case TERMESC_ESC:
			if (c == '[')
				t->state = TERMESC_CSI;
			else if (c == ']' || c == 'P' || c == '_' || c == '^' || c == 'X')
				t->state = TERMESC_STR; /* OSC, DCS, APC, PM, SOS */
			else if (c >= 0x20 && c <= 0x2f)
				t->state = TERMESC_ESC_INTER;
			else
				t->state = c == 0x1b ? TERMESC_ESC : TERMESC_TEXT;
			break;
		case TERMESC_ESC_INTER:
			if (c < 0x20 || c > 0x2f)
				t->state = TERMESC_TEXT;
			break;
		case TERMESC_CSI:
			/* parameters 0x30-0x3f, intermediates 0x20-0x2f, final 0x40-0x7e */
			if (c >= 0x40 && c <= 0x7e)
				t->state = TERMESC_TEXT;
			else if (c == 0x1b)
				t->state = TERMESC_ESC;
			else if (c == '\n') {
				out[k++] = '\n';
				t->state = TERMESC_TEXT;
			}
			break;
		case TERMESC_STR:
			if (c == 0x07)
				t->state = TERMESC_TEXT;
			else if (c == 0x1b)
				t->state = TERMESC_STR_ESC;
			break;
		case TERMESC_STR_ESC:
			t->state = c == '\\' ? TERMESC_TEXT : TERMESC_STR;
			break;
		}
	}
	return k;
}
