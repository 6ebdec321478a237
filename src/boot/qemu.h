/* qemu.h: boot a stick image in QEMU, interactively or as a headless test.
 *
 * The image is attached as an IDE disk, or as a USB stick (usb-storage on an xHCI
 * controller, with a bootindex so SeaBIOS boots it), always with -snapshot so the image
 * file is never changed.  The test drives the first serial port: it answers Syslinux's
 * "boot:" prompt, waits until a shell answers, runs one command and reads its exit status,
 * then ends the VM with `reboot -f` (QEMU runs with -no-reboot, so a reboot is an exit).
 *
 * The guest needs: Syslinux with `SERIAL 0 115200` and `PROMPT 1` (the prompt is the only
 * thing Syslinux shows on the serial line), a kernel with `console=ttyS0`, and a shell on
 * that console (BusyBox init `::respawn:-/bin/sh`, or cttyhack).
 */
#ifndef MKDISTRO_QEMU_H
#define MKDISTRO_QEMU_H

struct arch;

struct qemu_opts {
	const char *image;      /* the stick image: raw (MBR + FAT), or as mkdistro export wrote it */
	const char *format;     /* QEMU's name for image's format; NULL: from its name's suffix,
	                         * .vdi, .vmdk or .qcow2, else "raw" */
	int usb;                /* attach as a USB stick on xHCI instead of an IDE disk */
	int uefi;               /* boot with UEFI firmware (OVMF) instead of SeaBIOS's BIOS */
	int cdrom;              /* attach as an IDE CD-ROM (the default for a .iso without usb) */
	int writable;           /* let the guest write the image (no -snapshot), e.g. to test
	                         * the persistence store; UEFI variables stay read-only */
	const char *accel;      /* "auto" (or NULL): KVM when it really works, else TCG; "kvm";
	                         * "tcg"; see accel_choose in accel.h */
	unsigned memory_mb;     /* 0: 256 */
	const char *label;      /* typed at Syslinux's boot: prompt; NULL: just Enter (the DEFAULT) */
	unsigned timeout_s;     /* qemu_test: overall limit from power-on to the command's end; 0: 60 */
	const char *cmd;        /* qemu_test: one shell line, run as `CMD; echo MARKER=$?`, so
	                         * it must not end in & or a comment; NULL: "uname -a; cat
	                         * /proc/mounts" */
	const char *transcript; /* qemu_test: also save the transcript to this file; NULL: don't */
	int quiet;              /* qemu_test: no transcript on stdout (errors still reported) */
	const struct arch *arch; /* the CPU to emulate: its QEMU binary, CPU model and UEFI
	                         * firmware (build/arch.h); NULL: x86_64 */
};

/* Boot the image with the serial console on this terminal, as with -nographic but
 * without SeaBIOS echoing the boot loader's screen: Ctrl-A X quits, Ctrl-A C is QEMU's
 * monitor, Ctrl-C goes to the guest, and `reboot` in the guest also quits.  The user
 * types at the boot: prompt (o->label is only suggested); timeout_s, cmd and transcript
 * are not used.  Returns QEMU's exit status (0-255, 128+N for signal N), or -1 if it
 * could not be started (reported). */
int qemu_run(const struct qemu_opts *o);

/* Boot the image headless and run o->cmd in the guest's shell.  The transcript (serial
 * output without terminal escape sequences and carriage returns) goes to stdout as it
 * arrives, then a line "shell after 2.41 s; command exited 0".  Returns 0 only when the
 * shell answered and the command exited 0; otherwise -1 with the reason reported (time
 * limit, with the last lines seen; QEMU not starting or exiting early; a kernel panic; the
 * label not booting; the command's non-zero status).  QEMU is always reaped, killed if it
 * must be.  *seconds_to_shell (may be NULL) gets the time from starting QEMU to the shell's
 * first answer, or a negative value when there was none.
 *
 * When "auto" chose KVM (accel.h), a KVM boot that fails ("KVM internal error") or shows
 * nothing on the serial line for 10 s is retried once with TCG, with a warning. */
int qemu_test(const struct qemu_opts *o, double *seconds_to_shell);

#endif
