#!/bin/bash
# tests/run: parallel
# Another CPU (issue 19): examples/i686's project ([system] arch = i686) with the tests' small
# kernel and BusyBox (tests/e2e/small/: the kernel without the drivers only real PCs need,
# BusyBox over allnoconfig), the kernel built with ARCH=i386 and Debian's i686-linux-gnu-gcc,
# BusyBox (over allnoconfig) cross-built static and then dynamic, its libraries from the
# cross C library.  Checked from the outside (ELF machines, the boot
# protocol's flags, the stick's 32-bit EFI loader, the SBOM), booted under TCG with
# qemu-system-i386 -cpu pentium3 (BIOS) and OVMF ia32 (32-bit UEFI), every cell of the boot
# matrix, and the ELF checks: an x86-64 program is refused as a binary and by lint.
. "$(dirname "$0")/lib.sh"
T=$MKDISTRO_TEST_TMP/arch-i686
P=$T/p
rm -rf "$T"
mkdir -p "$P"
export MTOOLS_SKIP_CHECK=1

# examples/i686's mkdistro.conf, the tests' small kernel and BusyBox, ccache (lib.sh), an
# ISO for the matrix
arch_example i686 "$P"
printf '\n[image]\niso = yes\n' >> "$P/mkdistro.conf"

"$MKDISTRO" -C "$P" build > "$T/build.txt" 2>&1
rc=$?
sed 's/^/    /' "$T/build.txt" | grep -E '^    \[|make -j|mkdistro:'
check "build for i686" test $rc -eq 0
# the same project from `mkdistro init --arch i686`, with the ISO this one adds
init_arch i686 "$P" "$T" yes 's/^iso = no$/iso = yes/'
ldd_arch i686 i686-linux-gnu ld-linux.so.2 "$T"
# the kernel's cache entry (built now, or by an earlier run): its resolved .config
entry=$(sed -n 's/^mkdistro: \(built\|reused the cached kernel\): \(.*\)\/bzImage$/\2/p' "$P/out/log/kernel.log" | tail -n 1)
check "the kernel is an i386 one for the Pentium Pro and later, from i686-linux-gnu-gcc" bash -c \
	"grep -qx CONFIG_X86_32=y '$entry/config' && grep -qx CONFIG_M686=y '$entry/config' && grep -q '^CONFIG_CC_VERSION_TEXT=\"i686-linux-gnu-gcc' '$entry/config'"
# kernel.config's CONFIG_KERNEL_GZIP=y: a choice member before tinyconfig's CONFIG_KERNEL_XZ,
# kept because the fragment's settings are written after the base's
check "the fragment's member of a Kconfig choice wins over the base's (gzip, not xz)" bash -c \
	"grep -qx CONFIG_KERNEL_GZIP=y '$entry/config' && grep -qx '# CONFIG_KERNEL_XZ is not set' '$entry/config'"
if grep -q '^\$ .* make .*bzImage' "$P/out/log/kernel.log"; then
	check "the kernel's make ran with ARCH=i386 CROSS_COMPILE=i686-linux-gnu-" \
		contains "$P/out/log/kernel.log" 'ARCH=i386 CROSS_COMPILE=i686-linux-gnu- '
fi
# (when this run built them: else an earlier test did, into the tests' cache)
if ! grep -q '^mkdistro: reused the cached BusyBox' "$P/out/log/busybox.log"; then
	check "BusyBox's make ran with CROSS_COMPILE=i686-linux-gnu-" \
		contains "$P/out/log/busybox.log" 'CROSS_COMPILE=i686-linux-gnu-'
fi
img=$P/out/mkdistro.img
kernel=$P/out/stick/boot/kernel/main.lk
# The x86 boot protocol's xloadflags (0x236): bit 0, a 64-bit entry point, only a 64-bit
# kernel has; bit 2, the EFI handover entry for 32-bit firmware, this one must have
check "the kernel is a 32-bit bzImage with the 32-bit EFI handover entry" python3 -c '
import sys
k = open(sys.argv[1], "rb").read()
assert k[0x202:0x206] == b"HdrS", "no boot protocol header"
x = k[0x236]
sys.exit(0 if not x & 1 and x & 4 else 1)' "$kernel"

# The initrd: BusyBox for i386, static
mkdir -p "$T/root"
zcat "$P/out/stick/boot/initrd/main.gz" | (cd "$T/root" && cpio -id --quiet --no-absolute-filenames 2> /dev/null)
file -L "$T/root/bin/busybox" > "$T/file.txt" 2>&1
check "BusyBox is an i386 program, static" contains "$T/file.txt" 'ELF 32-bit LSB executable, Intel 80386.*statically linked'
check "the small BusyBox has the applets of its fragment, and not defconfig's" bash -c \
	"test -L '$T/root/bin/uname' && test -L '$T/root/sbin/mdev' && ! test -e '$T/root/usr/bin/wget'"
check "lint passed" contains "$T/build.txt" '^\[5/8\] lint .*all passed'

# The stick: Syslinux's 32-bit EFI loader as the firmware's default, no 64-bit one
mdir -i "$img@@1M" -/ -a -b ::/ > "$T/files.txt" 2>&1
check "stick has /EFI/BOOT/BOOTIA32.EFI and ldlinux.e32" bash -c \
	"grep -qx '::/EFI/BOOT/BOOTIA32.EFI' '$T/files.txt' && grep -qx '::/EFI/BOOT/ldlinux.e32' '$T/files.txt'"
check "no BOOTX64.EFI (a 64-bit loader cannot start this kernel)" bash -c \
	"! grep -q 'BOOTX64.EFI\|ldlinux.e64' '$T/files.txt'"
check "BOOTIA32.EFI is Syslinux's efi32 loader" cmp <(mtype -i "$img@@1M" ::/EFI/BOOT/BOOTIA32.EFI) \
	/usr/lib/SYSLINUX.EFI/efi32/syslinux.efi
check "BIOS boot: Syslinux's ldlinux.sys as for x86_64" contains "$T/files.txt" '^::/boot/syslinux/ldlinux.sys$'
check "the SBOM names the 32-bit loader" contains "$P/out/sbom.spdx.json" '"SPDXRef-syslinux-bootia32.efi"'
check "the size report lists the kernel and main.gz" bash -c \
	"grep -q '^kernel main' '$P/out/report.txt' && grep -q 'main.gz' '$P/out/report.txt'"

# Boots: BIOS with a Pentium III, a program from the initrd; 32-bit UEFI
boot "BIOS, pentium3, IDE: uname -m is i686, a program from the initrd runs" \
	'^i686$' --cmd 'uname -m; grep -m1 "model name" /proc/cpuinfo; md5sum /bin/busybox'
check "QEMU's CPU was the Pentium III" contains "$T/boot.txt" 'model name.*Pentium III'
check "the program's output" contains "$T/boot.txt" '^[0-9a-f]{32}  /bin/busybox'
boot "32-bit UEFI (OVMF ia32), USB stick: the kernel runs on EFI firmware" \
	'^efi-yes$' --uefi --usb --cmd 'test -d /sys/firmware/efi && echo efi-yes'

# The boot matrix: one row per firmware and medium, for i686
cpu_matrix "$P" "$T" i686 "(bios|uefi) +(ide|usb|cd|vdi)" 7

# The same project again, from its cache entries, in a fresh out/
cpu_rebuild "$P" "$T"

# ELF checks.  An x86-64 program named as a binary is refused, file:line, the image kept
cpu_refuses_x86_64 "$P" "$T" i686 i386
# An x86-64 program in an overlay: the library search refuses it (and lint would)
cpu_overlay_refuses_x86_64 "$P" "$T" "i386, 32-bit"

# A dynamic BusyBox: its libraries come from the cross C library, never from the host
cp -a "$P" "$T/dyn"
sed -i 's/^\[busybox\]$/[busybox]\nstatic = no/' "$T/dyn/mkdistro.conf"
"$MKDISTRO" -C "$T/dyn" build > "$T/dyn.txt" 2>&1
check "a dynamic i686 BusyBox builds" test $? -eq 0
rm -rf "$T/droot" && mkdir -p "$T/droot"
zcat "$T/dyn/out/stick/boot/initrd/main.gz" | (cd "$T/droot" && cpio -id --quiet --no-absolute-filenames 2> /dev/null)
check "its libc is the i386 one of /usr/i686-linux-gnu" bash -c \
	"file -L '$T/droot/lib/libc.so.6' | grep -q 'ELF 32-bit LSB shared object, Intel 80386' && file -L '$T/droot/lib/ld-linux.so.2' | grep -q 'Intel 80386'"
check "and no x86-64 file is in the image" bash -c \
	"test -f '$T/droot/bin/busybox' && ! find '$T/droot' -type f -exec file {} + | grep -q 'x86-64'"
P=$T/dyn
boot "the dynamic i686 BusyBox boots (BIOS)" '^i686$' --cmd 'uname -m'
finish
