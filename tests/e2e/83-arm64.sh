#!/bin/bash
# tests/run: background
# arm64 (issue 19): examples/arm64's project ([system] arch = arm64) with the tests' small
# arm64 kernel and small BusyBox (tests/e2e/small/), the kernel built with ARCH=arm64 and
# Debian's aarch64-linux-gnu-gcc, BusyBox cross-built static.  Syslinux has no arm64 loader:
# the stick boots through GRUB, its core image made by the host's grub-mkimage from Debian's
# arm64 GRUB package (fetched through the private apt configuration and pinned in the lock),
# with the same labels typed at a boot: prompt (after Esc).  Checked from the outside (ELF
# machines, the Image's EFI stub, the stick's files, the MBR, the lock, the SBOM), booted
# under TCG with qemu-system-aarch64 -M virt and AAVMF (UEFI) from a virtio disk and a USB
# stick on xHCI, every cell of the boot matrix, a rebuild byte for byte, the ELF checks, a
# stacked initrd variant, a kernel variant and an ext2 initrd, `mkdistro run` on a terminal,
# the same project from `mkdistro init --arch arm64`, and `mkdistro ldd --arch arm64`.
# It runs beside the other tests (tests/run: background), so it shares no state with them:
# a build cache and a ccache of its own (14-ccache moves the tests' cache aside and hands the
# tests' ccache to nobody), and a project of its own.
export MKDISTRO_CACHE=${MKDISTRO_TEST_TMP:?}/cache-arm64 CCACHE_DIR=$MKDISTRO_TEST_TMP/ccache-arm64
. "$(dirname "$0")/lib.sh"
T=$MKDISTRO_TEST_TMP/arch-arm64
P=$T/p
rm -rf "$T"
mkdir -p "$P"
export MTOOLS_SKIP_CHECK=1

# examples/arm64's mkdistro.conf, the tests' small kernel and BusyBox, ccache (lib.sh)
arch_example arm64 "$P"

"$MKDISTRO" -C "$P" build > "$T/build.txt" 2>&1
rc=$?
sed 's/^/    /' "$T/build.txt" | grep -E '^    \[|make -j|mkdistro:|fetching'
check "build for arm64" test $rc -eq 0
entry=$(sed -n 's/^mkdistro: \(built\|reused the cached kernel\): \(.*\)\/bzImage$/\2/p' "$P/out/log/kernel.log" | tail -n 1)
check "the kernel is an arm64 one from aarch64-linux-gnu-gcc, with the EFI stub" bash -c \
	"grep -qx CONFIG_ARM64=y '$entry/config' && grep -qx CONFIG_EFI_STUB=y '$entry/config' && grep -q '^CONFIG_CC_VERSION_TEXT=\"aarch64-linux-gnu-gcc' '$entry/config'"
if grep -q '^\$ .* make .* Image' "$P/out/log/kernel.log"; then
	check "the kernel's make ran with ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-" \
		contains "$P/out/log/kernel.log" 'ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- '
fi
# (when this run built them: else an earlier test did, into the tests' cache)
if ! grep -q '^mkdistro: reused the cached BusyBox' "$P/out/log/busybox.log"; then
	check "BusyBox's make ran with CROSS_COMPILE=aarch64-linux-gnu-" \
		contains "$P/out/log/busybox.log" 'CROSS_COMPILE=aarch64-linux-gnu-'
fi
img=$P/out/mkdistro.img
kernel=$P/out/stick/boot/kernel/main.lk
# arm64's boot protocol (Documentation/arm64/booting.rst): the Image header's magic
# "ARM\x64" at 0x38; with the EFI stub the file is also a PE/COFF program ("MZ" first)
check "the kernel is an arm64 Image that is also an EFI program" python3 -c '
import sys
k = open(sys.argv[1], "rb").read(64)
sys.exit(0 if k[0x38:0x3c] == b"ARM\x64" and k[0:2] == b"MZ" else 1)' "$kernel"

mkdir -p "$T/root"
zcat "$P/out/stick/boot/initrd/main.gz" | (cd "$T/root" && cpio -id --quiet --no-absolute-filenames 2> /dev/null)
file -L "$T/root/bin/busybox" > "$T/file.txt" 2>&1
check "BusyBox is an arm64 program, static" contains "$T/file.txt" 'ELF 64-bit LSB executable, ARM aarch64.*statically linked'
check "lint passed" contains "$T/build.txt" '^\[5/8\] lint .*all passed'
# the same project from `mkdistro init --arch arm64`: no syslinux/, the PL011 console
init_arch arm64 "$P" "$T" no
ldd_arch arm64 aarch64-linux-gnu ld-linux-aarch64.so.1 "$T"
check "it appends console=ttyAMA0" grep -qx 'append = console=ttyAMA0' "$T/init/mkdistro.conf"

# The stick: GRUB as the firmware's default loader, its menu beside it; no Syslinux
mdir -i "$img@@1M" -/ -a -b ::/ > "$T/files.txt" 2>&1
check "stick has /EFI/BOOT/BOOTAA64.EFI and grub.cfg" bash -c \
	"grep -qx '::/EFI/BOOT/BOOTAA64.EFI' '$T/files.txt' && grep -qx '::/EFI/BOOT/grub.cfg' '$T/files.txt'"
check "no Syslinux on an arm64 stick" bash -c "! grep -Eq 'syslinux|ldlinux|BOOTX64' '$T/files.txt'"
mtype -i "$img@@1M" ::/EFI/BOOT/BOOTAA64.EFI > "$T/bootaa64.efi"
check "BOOTAA64.EFI is a PE32+ program for AArch64 (machine 0xaa64)" python3 -c '
import struct, sys
b = open(sys.argv[1], "rb").read()
pe = struct.unpack_from("<I", b, 0x3c)[0]
sys.exit(0 if b[:2] == b"MZ" and b[pe:pe + 4] == b"PE\0\0" and struct.unpack_from("<H", b, pe + 4)[0] == 0xaa64 else 1)' "$T/bootaa64.efi"
mtype -i "$img@@1M" ::/EFI/BOOT/grub.cfg > "$T/grub.cfg"
check "grub.cfg: the labels, the default, the hd exit" bash -c \
	"grep -q \"^echo 'boot labels: mm hd'\" '$T/grub.cfg' && grep -q 'if sleep --interruptible 5; then set label=mm; fi' '$T/grub.cfg' && grep -q 'if \[ \"\$label\" = hd \]; then exit; fi' '$T/grub.cfg'"
check "grub.cfg: the kernel's arguments name the PL011 console" grep -q "linux /boot/kernel/main.lk 'console=ttyAMA0'" "$T/grub.cfg"
check "the MBR has no boot code (no BIOS on arm64), and its partition table" python3 -c '
import sys
b = open(sys.argv[1], "rb").read(512)
sys.exit(0 if b[:440] == bytes(440) and b[510:512] == b"\x55\xaa" and b[450] in (0x0b, 0x0c, 0x06, 0x0e) else 1)' "$img"
check "mkdistro.lock pins GRUB's arm64 package as the loader" \
	grep -Eq '^loader grub-efi-arm64-bin_[^ ]+_arm64\.deb [^ ]+ [0-9]+ [0-9a-f]{64}$' "$P/mkdistro.lock"
check "the SBOM names the GRUB loader" contains "$P/out/sbom.spdx.json" '"SPDXRef-grub-bootaa64.efi"'

# Boots under TCG: the default (a virtio disk), a label typed at GRUB's boot:, a USB stick
boot "UEFI, virtio disk: uname -m is aarch64, a program from the initrd runs" \
	'^aarch64$' --cmd 'uname -m; md5sum /bin/busybox; test -d /sys/firmware/efi && echo efi-yes'
check "the program's output" contains "$T/boot.txt" '^[0-9a-f]{32}  /bin/busybox'
check "the kernel runs on UEFI" contains "$T/boot.txt" '^efi-yes'
check "the boot went through GRUB's menu" contains "$T/boot.txt" 'boot labels: mm hd'
boot "UEFI, USB stick on xHCI, label mm typed at boot: the stick is found and mounted" \
	'^stick-vfat$' --usb --label mm --cmd 'uname -m; grep -q " vfat " /proc/mounts && echo stick-vfat'
check "the label was typed at GRUB's boot: prompt" contains "$T/boot.txt" 'boot: mm'
# label hd: GRUB's exit (minicmd) hands the machine back to the firmware, whose boot
# manager comes up (AAVMF's front page, UiApp); no shell, so the boot itself fails
"$MKDISTRO" -C "$P" test --label hd --timeout 25 > "$T/hd.txt" 2>&1
check "label hd typed at GRUB's boot: goes back to the firmware's boot manager" bash -c \
	"grep -q '^boot: hd' '$T/hd.txt' && grep -q 'BdsDxe: starting Boot0000 \"UiApp\"' '$T/hd.txt' && ! grep -q \"can't find command\" '$T/hd.txt'"
# `mkdistro run` on a terminal (term.py): the serial line is the terminal, a shell comes, and
# the guest's poweroff ends the run with status 0
check "mkdistro run on a terminal: a shell on arm64, and poweroff ends it" \
	python3 "$(cd "$(dirname "$0")" && pwd)/term.py" --log "$T/run.txt" \
	--expect 'root@mkdistro:~# ' 240 'a shell' \
	--type 'echo M=$(uname -m); poweroff -f' --expect 'M=aarch64' 60 'uname -m: aarch64' \
	--exit 0 60 -- "$MKDISTRO" -C "$P" run --accel tcg

# The boot matrix: UEFI from virtio, USB and VDI; BIOS and CD cannot work, and say why
cpu_matrix "$P" "$T" arm64 "uefi +(virtio|usb|vdi)" 3
check "out/boot-matrix.txt: the BIOS and CD cells are n/a, with why" bash -c \
	"test \"\$(grep -cE '^arm64 +bios .* n/a +no BIOS on this CPU' '$P/out/boot-matrix.txt')\" = 4 && grep -qE '^arm64 +uefi +cd .* n/a +no ISO' '$P/out/boot-matrix.txt'"

# The same project again, from its cache entries, in a fresh out/ (GRUB's core image too)
cpu_rebuild "$P" "$T"

# A stacked initrd variant: GRUB's menu grows as Syslinux's does (mm mc hd), and label mc,
# typed at GRUB's boot:, loads both initrds (GRUB's initrd line with two files)
cp -a "$P" "$T/var"
mkdir -p "$T/var/extra/etc"
echo custom-arm64 > "$T/var/extra/etc/variant"
printf '\n[initrd.custom]\noverlay = extra\nstack = yes\n' >> "$T/var/mkdistro.conf"
"$MKDISTRO" -C "$T/var" build > "$T/var.txt" 2>&1
check "an arm64 project with a stacked initrd variant builds" test $? -eq 0
mtype -i "$T/var/out/mkdistro.img@@1M" ::/EFI/BOOT/grub.cfg > "$T/var-grub.cfg"
check "its grub.cfg has the labels mm mc hd, mc with both initrds" bash -c \
	"grep -q \"^echo 'boot labels: mm mc hd'\" '$T/var-grub.cfg' && grep -q '^    initrd /boot/initrd/main.gz /boot/initrd/custom.gz$' '$T/var-grub.cfg'"
P=$T/var boot "label mc typed at GRUB's boot: boots the stacked initrd" '^custom-arm64$' \
	--label mc --cmd 'cat /etc/variant; uname -m'

# A kernel variant: the small kernel again with a local version of its own, built for arm64
# (its objects mostly from the arm64 ccache), its labels in GRUB's menu (mm vm hd), and
# label vm, typed at GRUB's boot:, boots it
cp -a "$P" "$T/kvar" && rm -rf "$T/kvar/out"
printf 'CONFIG_LOCALVERSION="-v"\n' > "$T/kvar/v.config"
printf '\n[kernel.v]\nfragment = v.config\n' >> "$T/kvar/mkdistro.conf"
"$MKDISTRO" -C "$T/kvar" build > "$T/kvar.txt" 2>&1
check "an arm64 project with a kernel variant builds" test $? -eq 0
check "the variant kernel is an arm64 Image too" python3 -c '
import sys
k = open(sys.argv[1], "rb").read(64)
sys.exit(0 if k[0x38:0x3c] == b"ARM\x64" and k[0:2] == b"MZ" else 1)' "$T/kvar/out/stick/boot/kernel/v.lk"
mtype -i "$T/kvar/out/mkdistro.img@@1M" ::/EFI/BOOT/grub.cfg > "$T/kvar-grub.cfg"
check "its grub.cfg has the labels mm vm hd, vm with the variant kernel" bash -c \
	"grep -q \"^echo 'boot labels: mm vm hd'\" '$T/kvar-grub.cfg' && grep -q \"linux /boot/kernel/v.lk 'console=ttyAMA0'\" '$T/kvar-grub.cfg'"
P=$T/kvar boot "label vm typed at GRUB's boot: boots the variant kernel" '^6\.1\.[0-9]+-v$' \
	--label vm --cmd 'uname -r; uname -m'

# An ext2 initrd (on the kernel's RAM disk) instead of cpio: built and booted
cp -a "$P" "$T/ext2" && rm -rf "$T/ext2/out"
printf '\n[initrd]\nformat = ext2\nsize = 8000\n' >> "$T/ext2/mkdistro.conf"
"$MKDISTRO" -C "$T/ext2" build > "$T/ext2.txt" 2>&1
check "an arm64 project with an ext2 initrd builds" test $? -eq 0
check "its initrd is an ext2 file system, gzip-compressed" bash -c \
	"zcat '$T/ext2/out/stick/boot/initrd/main.gz' | file - | grep -q 'ext2 filesystem'"
P=$T/ext2 boot "the ext2 initrd boots on arm64: / is the RAM disk" '^/dev/root / ext2 ' \
	--cmd 'grep " / " /proc/mounts; uname -m'

# Debian's arm64 packages ([rootfs] packages): fetched for arm64 through the private apt
# configuration, pinned, and run: tree is dynamic, so its libc and loader come from
# Debian's arm64 libc6, and they are AArch64 programs
cp -a "$P" "$T/pkg" && rm -rf "$T/pkg/out" "$T/pkg/mkdistro.lock"
sed -i "s|^skeleton = .*|&\npackages = tree|" "$T/pkg/mkdistro.conf"
"$MKDISTRO" -C "$T/pkg" build > "$T/pkg.txt" 2>&1
check "an arm64 project with packages = tree builds" test $? -eq 0
check "the lock pins tree and libc6 for arm64" bash -c \
	"grep -Eq '^deb +tree_[^ ]*_arm64\.deb ' '$T/pkg/mkdistro.lock' && grep -Eq '^deb +libc6_[^ ]*_arm64\.deb ' '$T/pkg/mkdistro.lock'"
"$MKDISTRO" initrd unpack "$T/pkg/out/stick/boot/initrd/main.gz" "$T/pkg-root" > /dev/null 2>&1
file -L "$T/pkg-root/usr/bin/tree" "$T/pkg-root/lib/aarch64-linux-gnu/libc.so.6" \
	"$T/pkg-root/lib/ld-linux-aarch64.so.1" > "$T/pkg-file.txt" 2>&1
check "tree, libc.so.6 and ld-linux-aarch64.so.1 in the initrd are AArch64 programs" \
	test "$(grep -c 'ELF 64-bit LSB .*ARM aarch64' "$T/pkg-file.txt")" = 3
P=$T/pkg boot "the package's program runs on arm64" '^tree v[0-9]' --cmd 'tree --version'

# export vmdk (VirtualBox and UTM on arm64 hosts boot UEFI disks): the exported disk boots
"$MKDISTRO" -C "$P" export vmdk > "$T/vmdk.txt" 2>&1
check "export vmdk" bash -c "[ $? -eq 0 ] && qemu-img info '$P/out/mkdistro.vmdk' | grep -q '^file format: vmdk'"
boot "the vmdk boots on arm64" '^aarch64$' --image "$P/out/mkdistro.vmdk" --cmd 'uname -m'

# ELF checks: an x86-64 program named as a binary is refused, file:line, the image kept
cpu_refuses_x86_64 "$P" "$T" arm64 AArch64
# and in an overlay: the library search refuses it
cpu_overlay_refuses_x86_64 "$P" "$T" "AArch64, 64-bit"
# An ISO needs isolinux, which arm64 has not: a clear error at its line
cp -a "$P" "$T/iso"
printf '\n[image]\niso = yes\n' >> "$T/iso/mkdistro.conf"
"$MKDISTRO" -C "$T/iso" build > "$T/iso.txt" 2>&1
rc=$?
check "iso = yes on arm64 is refused, at its line" bash -c \
	"test $rc -ne 0 && grep -Eq 'mkdistro.conf:[0-9]+: \[image\] iso = yes: an ISO boots through Syslinux.s isolinux, which arm64 has not' '$T/iso.txt'"
finish
