/* hd-disk.S: the boot sector of the "PC's own disk" that tests/e2e/81-hd-label.sh gives
 * QEMU as its second disk.  Started at 0000:7C00 with the BIOS drive number in DL, it
 * writes "mkdistro test disk: booted as BIOS drive 0xNN" to COM1 (port 0x3f8, which QEMU's
 * serial line passes on whatever its speed) and halts.  Assembled with GNU as (--32, 16-bit
 * code), then objcopy -O binary: 512 bytes ending in the 55 AA signature. */
	.code16
	.globl _start
_start:
	cli
	cld
	xor %ax, %ax
	mov %ax, %ds
	mov %ax, %ss
	mov $0x7c00, %sp
	mov %dl, %bl
	mov $0x3f8, %dx
	mov $(0x7c00 + msg - _start), %si
1:	lodsb
	test %al, %al
	jz 2f
	out %al, %dx
	jmp 1b
2:	mov %bl, %al
	shr $4, %al
	call hex
	mov %bl, %al
	and $0xf, %al
	call hex
	mov $'\r', %al
	out %al, %dx
	mov $'\n', %al
	out %al, %dx
3:	hlt
	jmp 3b
/* the hex digit of AL (0 to 15) to COM1 */
hex:	add $'0', %al
	cmp $'9', %al
	jbe 4f
	add $7, %al
4:	out %al, %dx
	ret
msg:	.asciz "mkdistro test disk: booted as BIOS drive 0x"
	.org 510
	.byte 0x55, 0xaa
