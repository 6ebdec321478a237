#!/bin/bash
# The QEMU module (src/boot/qemu.c) on its own: a stick made here by hand (sfdisk, mkfs.fat,
# mcopy, syslinux) from a kernel and an initrd, driven by a small test program that calls
# qemu_test() and accel_choose() directly (linked with the CPU table, build/arch.c, that
# qemu.c picks the emulator by).  Checks the paths that the build-and-boot test does not: a
# bogus label, a time limit, the exit status of a command, the transcript.
# About 30 s with TCG.
#
# Kernel and initrd: MKDISTRO_TEST_KERNEL / MKDISTRO_TEST_INITRD, by default those of the
# shared project (lib.sh), with its cpio initrd.  The initrd must give a shell on the serial
# console.
. "$(dirname "$0")/lib.sh"
SRC=$(cd "$(dirname "$0")/../.." && pwd)
T=$MKDISTRO_TEST_TMP/qemu-harness
rm -rf "$T"
mkdir -p "$T"
export MTOOLS_SKIP_CHECK=1 MKDISTRO_ACCEL=tcg
if [ -z "${MKDISTRO_TEST_KERNEL:-}" ] || [ -z "${MKDISTRO_TEST_INITRD:-}" ]; then
	need_project || finish
fi
K=${MKDISTRO_TEST_KERNEL:-$PROJ/out/stick/boot/kernel/main.lk}
I=${MKDISTRO_TEST_INITRD:-$PROJ/out/stick/boot/initrd/main.gz}
if [ ! -f "$K" ] || [ ! -f "$I" ]; then
	not_ok "needs a kernel and an initrd ($K, $I)"
	finish
fi

# The stick: one bootable FAT16 partition at 1 MiB, Syslinux with a serial boot: prompt.
img=$T/stick.img
cat > "$T/syslinux.cfg" <<'EOF'
SERIAL 0 115200
PROMPT 1
TIMEOUT 50
DEFAULT mm
LABEL mm
  LINUX /boot/kernel/main.lk
  INITRD /boot/initrd/main.gz
  APPEND console=tty0 console=ttyS0,115200
LABEL other
  LINUX /boot/kernel/main.lk
  INITRD /boot/initrd/main.gz
  APPEND console=tty0 console=ttyS0,115200 mkdtest=other
EOF
if truncate -s 64M "$img" &&
	echo 'start=2048, type=e, bootable' | sfdisk -q "$img" &&
	dd if=/usr/lib/syslinux/mbr/mbr.bin of="$img" bs=440 count=1 conv=notrunc status=none &&
	mkfs.fat --offset 2048 -h 2048 -F 16 "$img" $(((64 - 1) * 1024)) > /dev/null &&
	mmd -i "$img@@1M" ::/boot ::/boot/kernel ::/boot/initrd ::/boot/syslinux &&
	mcopy -i "$img@@1M" "$K" ::/boot/kernel/main.lk &&
	mcopy -i "$img@@1M" "$I" ::/boot/initrd/main.gz &&
	mcopy -i "$img@@1M" "$T/syslinux.cfg" ::/boot/syslinux/syslinux.cfg &&
	syslinux --offset 1048576 --install --directory /boot/syslinux "$img"; then
	ok "a stick made by hand"
else
	not_ok "a stick made by hand"
	finish
fi
sum=$(sha256sum < "$img")

# The test program: qemu-harness test IMAGE [usb] [label=L] [cmd=C] [timeout=S] [tr=FILE]
#                   qemu-harness accel WANT
cat > "$T/harness.c" <<'EOF'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "boot/accel.h"
#include "boot/qemu.h"
int main(int argc, char **argv)
{
	struct qemu_opts o = { .accel = "auto" };
	double t = 0;
	int r;
	if (argc >= 3 && !strcmp(argv[1], "accel")) {
		struct accel a;
		r = accel_choose(argv[2], &a);
		if (r == 0)
			printf("accel %s (%s)\n", a.name, a.why);
		return r ? 1 : 0;
	}
	if (argc < 3 || strcmp(argv[1], "test"))
		return 2;
	o.image = argv[2];
	for (int i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "usb"))
			o.usb = 1;
		else if (!strncmp(argv[i], "label=", 6))
			o.label = argv[i] + 6;
		else if (!strncmp(argv[i], "cmd=", 4))
			o.cmd = argv[i] + 4;
		else if (!strncmp(argv[i], "timeout=", 8))
			o.timeout_s = (unsigned)atoi(argv[i] + 8);
		else if (!strncmp(argv[i], "tr=", 3))
			o.transcript = argv[i] + 3;
		else
			return 2;
	}
	r = qemu_test(&o, &t);
	printf("harness: qemu_test=%d seconds_to_shell=%.2f\n", r, t);
	return r == 0 ? 0 : 1;
}
EOF
H=$T/qemu-harness
check "the test program builds" ${CC:-cc} -std=c17 -D_GNU_SOURCE -Wall -Wextra -Wshadow -O1 \
	-iquote "$SRC/src" -o "$H" "$T/harness.c" "$SRC/src/boot/qemu.c" "$SRC/src/boot/accel.c" \
	"$SRC/src/formats/termesc.c" "$SRC/src/sys/strvec.c" "$SRC/src/sys/spawn.c" \
	"$SRC/src/sys/log.c" "$SRC/src/sys/fs.c" "$SRC/src/sys/buf.c" "$SRC/src/sys/alloc.c" \
	"$SRC/src/sys/hash.c" "$SRC/src/sys/interrupt.c" "$SRC/src/build/arch.c" -lcrypto
[ -x "$H" ] || finish

# run NAME EXPECT_RC PATTERN MAX_SECONDS ARGS...: exit status, output and time all as expected
run() {
	local name=$1 want=$2 pattern=$3 max=$4
	shift 4
	local t0=$SECONDS
	"$H" test "$img" "$@" > "$T/out.txt" 2>&1
	local rc=$? took=$((SECONDS - t0))
	cp "$T/out.txt" "$T/out-${name//[^a-zA-Z0-9]/_}.txt"
	if [ $rc -eq "$want" ] && grep -Eq -- "$pattern" "$T/out.txt" && [ $took -le "$max" ]; then
		ok "$name (${took} s)"
	else
		not_ok "$name (exit $rc, ${took} s)"
		tail -n 15 "$T/out.txt" | sed 's/^/    /'
	fi
}

run "IDE, default label and command: shell, exit 0" 0 \
	'^shell after [0-9.]+ s; command exited 0$' 60 tr="$T/transcript.txt"
check "stdout has the command's output" contains "$T/out.txt" '^rootfs / rootfs '
check "seconds_to_shell is given" contains "$T/out.txt" 'qemu_test=0 seconds_to_shell=[0-9]+\.[0-9]+$'
check "the transcript file has the command's output" contains "$T/transcript.txt" '^rootfs / rootfs '
check "the transcript has no escape sequences or carriage returns" \
	bash -c "! grep -q \$'[\\x1b\\r]' '$T/transcript.txt' '$T/out.txt'"
run "USB stick, label typed at boot:" 0 'command exited 0$' 60 usb label=other \
	cmd='grep -q mkdtest=other /proc/cmdline'
run "the exit status of the command is reported" 1 "command '\\(exit 3\\)' exited 3" 60 \
	cmd='(exit 3)'
run "a bogus label fails at once" 1 "did not boot label 'nosuch'" 15 label=nosuch
# 3 s ends it while booting or (on a fast machine) while the command sleeps
run "the time limit is kept" 1 'timed out after 3 s waiting for' 8 timeout=3 cmd='sleep 600'
check "no QEMU left running on the stick" bash -c "! pgrep -f -- '[f]ile=$img' > /dev/null"
check "the image is unchanged (-snapshot)" test "$(sha256sum < "$img")" = "$sum"

# scripts/boot-breakdown (where a boot's time goes, issue 20) on the shared project's image:
# every phase seen, the phases adding up to the whole, the kernel's clock on its lines, and
# the slowest initcalls named from the kernel's System.map
map=$(ls "$MKDISTRO_CACHE"/build/kernel-linux-*/System.map 2> /dev/null | head -n 1)
python3 "$SRC/scripts/boot-breakdown" "$PROJ/out/mkdistro.img" --initcalls --system-map "$map" \
	--transcript "$T/breakdown-lines.txt" > "$T/breakdown.txt" 2>&1
rc=$?
sed 's/^/    /' "$T/breakdown.txt"
check "boot-breakdown: the shared image's boot in its phases" bash -c "[ $rc -eq 0 ] && \
	test \$(grep -cE '^(firmware and Syslinux|loading the kernel|loading the initrds|decompressing, setup|the kernel.s start|rc.S and the shell) +[0-9]+\.[0-9]{2} +[0-9]+%\$' '$T/breakdown.txt') = 6"
check "boot-breakdown: the phases add up to power-on to shell" awk '
	/^power-on to shell/ { total = $NF }
	/%$/ { sum += $(NF - 1) }
	END { exit !(total > 0 && sum > total - 0.05 && sum < total + 0.05) }' "$T/breakdown.txt"
check "boot-breakdown: the kernel's lines carry its clock (printk.time=1)" \
	grep -qE '^ *[0-9.]+ \[ *[0-9]+\.[0-9]{6}\] Run /init as init process' "$T/breakdown-lines.txt"
check "boot-breakdown: the slowest initcalls, by name" bash -c \
	"grep -A3 '^slowest initcalls' '$T/breakdown.txt' | grep -qE '^ +[0-9]+\.[0-9] ms  [a-z_][a-z_0-9]*\$'"

# With `quiet` neither Syslinux nor the kernel prints its lines: the phases they would have
# ended are shown as not seen, their time in the next phase, and the whole is still there
python3 "$SRC/scripts/boot-breakdown" "$PROJ/out/mkdistro.img" --append quiet > "$T/breakdown-quiet.txt" 2>&1
rc=$?
sed 's/^/    /' "$T/breakdown-quiet.txt"
check "boot-breakdown --append quiet: the unseen phases are said to be in the next one" bash -c "[ $rc -eq 0 ] && \
	grep -qE '^loading the kernel +- +\(not seen: in the next phase\)' '$T/breakdown-quiet.txt' && \
	grep -qE '^rc.S and the shell +[0-9]+\.[0-9]{2} ' '$T/breakdown-quiet.txt' && \
	grep -qE '^power-on to shell +[0-9]+\.[0-9]{2}\$' '$T/breakdown-quiet.txt'"

check "MKDISTRO_ACCEL=tcg picks TCG" bash -c "'$H' accel kvm | grep -q '^accel tcg (MKDISTRO_ACCEL=tcg)'"
MKDISTRO_ACCEL=bogus "$H" accel auto > "$T/accel.txt" 2>&1
check "an unknown accelerator is an error" test $? -ne 0
check "the error names it" contains "$T/accel.txt" "unknown accelerator 'bogus'"
finish
