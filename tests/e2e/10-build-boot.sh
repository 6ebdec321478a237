#!/bin/bash
# End to end: a new project from `mkdistro init`, built from the real kernel and BusyBox
# sources, checked from the outside, and booted in QEMU (TCG) from an IDE disk and as a USB
# stick, with a cpio initrd and with an ext2 one.  The project is the tests' shared one
# (lib.sh: the default plus `ccache = yes`), made anew here and left built for the tests that
# read it; on a fresh checkout this first, cold kernel build fills the tests' ccache, and its
# time is kept for 14-ccache.sh.  The ext2 builds work on a copy.
. "$(dirname "$0")/lib.sh"
T=$MKDISTRO_TEST_TMP/build-boot
P=$PROJ
rm -rf "$T" "$P"
mkdir -p "$T"
export MTOOLS_SKIP_CHECK=1

check "init creates a project, with ccache on" default_project "$P"
check "the project has the default files" test -f "$P/mkdistro.conf" -a -f "$P/kernel.config" \
	-a -f "$P/busybox.config" -a -x "$P/rootfs/etc/rc.d/rc.S" -a -f "$P/rootfs/etc/inittab"

"$MKDISTRO" -C "$P" build 2>&1 | tee "$T/build.txt"
check "build from sources (cpio initrd)" test "${PIPESTATUS[0]}" -eq 0
check "progress: one line per stage with its time" contains "$T/build.txt" '^\[8/8\] image .*\([0-9.]+ s\)$'
img=$P/out/mkdistro.img
check "image is 64 MiB" test "$(stat -c %s "$img" 2>/dev/null)" = $((64 << 20))
check "stage logs in out/log" test -s "$P/out/log/kernel.log" -a -s "$P/out/log/busybox.log" -a -s "$P/out/log/image.log"

# The stick, read with the tools a user would use
sfdisk --dump "$img" > "$T/sfdisk.txt" 2>&1
check "MBR: one bootable FAT16 (LBA) partition at 1 MiB" \
	contains "$T/sfdisk.txt" 'img1 : start= *2048, size= *129024, type=e, bootable'
check "MBR boot code is Syslinux's mbr.bin" \
	cmp -n 440 "$img" /usr/lib/syslinux/mbr/mbr.bin
mdir -i "$img@@1M" -/ -a -b ::/ > "$T/files.txt" 2>&1
for f in boot/kernel/main.lk boot/initrd/main.gz boot/syslinux/syslinux.cfg \
	boot/syslinux/ldlinux.sys boot/syslinux/ldlinux.c32 boot/syslinux/chain.c32 \
	boot/syslinux/libcom32.c32 boot/syslinux/libutil.c32 EFI/BOOT/BOOTX64.EFI \
	EFI/BOOT/ldlinux.e64 EFI/BOOT/syslinux.cfg; do
	check "stick has /$f" contains "$T/files.txt" "^::/$f\$"
done
check "UEFI and BIOS menus are the same but for label hd" cmp \
	<(mtype -i "$img@@1M" ::/EFI/BOOT/syslinux.cfg | sed '/^LABEL hd$/,$d') \
	<(mtype -i "$img@@1M" ::/boot/syslinux/syslinux.cfg | sed '/^LABEL hd$/,$d')
check "BOOTX64.EFI is Syslinux's x86-64 EFI loader" cmp <(mtype -i "$img@@1M" ::/EFI/BOOT/BOOTX64.EFI) \
	/usr/lib/SYSLINUX.EFI/efi64/syslinux.efi
check "stick files match out/stick" cmp <(mtype -i "$img@@1M" ::/boot/initrd/main.gz) \
	"$P/out/stick/boot/initrd/main.gz"
mtype -i "$img@@1M" ::/boot/syslinux/syslinux.cfg > "$T/syslinux.cfg" 2>&1
check "syslinux.cfg: serial console" contains "$T/syslinux.cfg" '^SERIAL 0 115200'
check "syslinux.cfg: default mm" contains "$T/syslinux.cfg" '^DEFAULT mm'
check "syslinux.cfg: label hd = chain.c32 hd1 swap (the PC's own disk), last" bash -c \
	"sed -n '/^LABEL hd\$/,\$p' '$T/syslinux.cfg' | tr '\n' '|' | grep -qx 'LABEL hd|  COM32 chain.c32|  APPEND hd1 swap|'"
check "the EFI syslinux.cfg: label hd = LOCALBOOT 0x80 (back to the firmware), last" bash -c \
	"mtype -i '$img@@1M' ::/EFI/BOOT/syslinux.cfg | sed -n '/^LABEL hd\$/,\$p' | tr '\n' '|' | grep -qx 'LABEL hd|  LOCALBOOT 0x80|'"
check "fsck.fat finds the FAT clean" bash -c "dd if='$img' of='$T/part.img' bs=1M skip=1 status=none && fsck.fat -n '$T/part.img' > '$T/fsck.txt' 2>&1"

# The initrd: gzip with no name or time, a sorted newc archive owned by root
initrd=$P/out/stick/boot/initrd/main.gz
check "gzip header has no name and no time" test "$(od -An -tx1 -N8 "$initrd" | tr -d ' ')" = 1f8b080000000000
zcat "$initrd" > "$T/initrd.cpio"
cpio -itv --quiet < "$T/initrd.cpio" > "$T/cpio.txt" 2>&1
check "every cpio entry is owned by root" bash -c "! awk '\$3 != \"root\" || \$4 != \"root\"' '$T/cpio.txt' | grep ."
check "cpio has /init, busybox, applets, inittab" bash -c "grep -q ' init -> sbin/init\$' '$T/cpio.txt' && grep -q ' bin/busybox\$' '$T/cpio.txt' && grep -q ' bin/ls -> busybox\$' '$T/cpio.txt' && grep -q ' etc/inittab\$' '$T/cpio.txt'"
check "cpio has the device nodes" bash -c "grep -q '^crw------- .* 5, *1 .* dev/console\$' '$T/cpio.txt'"
mkdir -p "$T/root"
(cd "$T/root" && cpio -id --quiet --no-absolute-filenames < "$T/initrd.cpio" 2>/dev/null)
# BusyBox is static by default: no libraries, by ldd's count and by mkdistro's (those of
# dynamic programs are checked in 30-ldd, and 50-variants' strace)
check "busybox is static (ldd: not a dynamic executable)" bash -c "ldd '$T/root/bin/busybox' 2>&1 | grep -q 'not a dynamic executable'"
check "mkdistro ldd: busybox needs no library" bash -c "! '$MKDISTRO' ldd '$T/root/bin/busybox' | grep -q '=>'"
check "the initrd holds no shared library" bash -c "! find '$T/root' -name '*.so*' | grep -q ."
# The modules: a cpio of their own on the stick, which each label names for rc.hotplug to
# unpack after the shell is up; the boot loader loads main.gz alone
check "syslinux.cfg: each label loads main.gz alone" bash -c \
	"grep -q '^  INITRD /boot/initrd/main.gz\$' '$T/syslinux.cfg' && ! grep -q 'INITRD.*modules' '$T/syslinux.cfg'"
check "syslinux.cfg: each label names modules.xz (mkdistro.modules=)" contains "$T/syslinux.cfg" \
	'^  APPEND .* mkdistro\.modules=/boot/initrd/modules\.xz( |$)'
check "modules.xz holds the modules and modules.dep" bash -c \
	"xz -dc '$P/out/stick/boot/initrd/modules.xz' | cpio -it --quiet 2> /dev/null > '$T/modules.txt' && grep -q '^lib/modules/[^/]*/modules.dep$' '$T/modules.txt' && grep -q 'kernel/drivers/net/ethernet/intel/e1000/e1000.ko$' '$T/modules.txt'"
check "modules.xz: one stream, CRC32 (the check the kernel reads), a 4 MiB dictionary" bash -c \
	"xz --robot -lvv '$P/out/stick/boot/initrd/modules.xz' | grep -P '^totals\t1\t1\t.*\tCRC32\t' && xz --robot -lvv '$P/out/stick/boot/initrd/modules.xz' | grep -q 'dict=4MiB'"
check "mkdistro initrd unpack reads modules.xz" bash -c \
	"rm -rf '$T/modules-unpacked' && '$MKDISTRO' initrd unpack '$P/out/stick/boot/initrd/modules.xz' '$T/modules-unpacked' > /dev/null && test -s '$T/modules-unpacked/lib/modules/'*/modules.dep"
check "and packs it back byte for byte" bash -c \
	"'$MKDISTRO' initrd pack '$T/modules-unpacked' '$T/modules-again.xz' && cmp '$T/modules-again.xz' '$P/out/stick/boot/initrd/modules.xz'"
# the boot protocol's setup header: setup_sects at 0x1f1, payload_offset at 0x248; zstd's
# frame magic is 28 B5 2F FD
check "the kernel's payload is zstd-compressed (CONFIG_KERNEL_ZSTD)" python3 -c '
import struct, sys
k = open(sys.argv[1], "rb").read()
at = (k[0x1f1] + 1) * 512 + struct.unpack_from("<I", k, 0x248)[0]
sys.exit(k[at:at + 4] != bytes.fromhex("28b52ffd"))' "$P/out/stick/boot/kernel/main.lk"

# Boots
# (rc.hotplug unpacks the modules in the background: the command waits up to 30 s for them,
# and for its staging directory to go)
boot "cpio initrd boots from an IDE disk to a shell" '^rootfs / rootfs ' \
	--cmd 'cat /proc/mounts; i=0; while { [ ! -e /lib/modules/$(uname -r)/modules.dep ] || [ -e /lib/modules/.new ]; } && [ $i -lt 300 ]; do usleep 100000; i=$((i + 1)); done; ls /lib/modules/*/modules.dep /lib/modules/*/kernel/drivers/net/ethernet/intel/e1000/e1000.ko; ls -d /lib/modules/.new; hostname'
check "the shell ran commands (hostname, the modules rc.hotplug unpacked from the stick)" bash -c "grep -q '^mkdistro\$' '$T/boot-cpio_initrd_boots_from_an_IDE_disk_to_a_shell.txt' && grep -q '^/lib/modules/.*/modules.dep' '$T/boot-cpio_initrd_boots_from_an_IDE_disk_to_a_shell.txt' && grep -q '^/lib/modules/.*/e1000.ko' '$T/boot-cpio_initrd_boots_from_an_IDE_disk_to_a_shell.txt'"
check "and left no half-unpacked directory (/lib/modules/.new)" contains "$T/boot-cpio_initrd_boots_from_an_IDE_disk_to_a_shell.txt" \
	'/lib/modules/.new: No such file or directory'
check "time to shell is reported" contains "$T/boot.txt" 'shell after [0-9.]+ s'
boot "cpio initrd boots as a USB stick (xHCI)" '^rootfs / rootfs ' --usb
boot "label mm typed at boot: boots" '^rootfs / rootfs ' --label mm
# a modules file that is not on the stick: the boot goes on, and the console says why no
# module will load
boot "label mm with a modules file that is not on the stick boots" '^rootfs / rootfs ' \
	--label 'mm mkdistro.modules=/boot/initrd/nothere.xz' \
	--cmd 'cat /proc/mounts; i=0; until dmesg | grep -q "nothere.xz is not" || [ $i -ge 300 ]; do usleep 100000; i=$((i + 1)); done; dmesg | grep "mkdistro: "; ls /lib/modules; hostname'
check "and says the modules file is not there" contains "$T/boot.txt" \
	'mkdistro: /mnt/boot/boot/initrd/nothere.xz is not there; no module will load'
check "and unpacks nothing" contains "$T/boot.txt" 'ls: /lib/modules: No such file or directory'
# UEFI (OVMF): the same stick, through \EFI\BOOT\BOOTX64.EFI and the kernel's EFI stub
boot "UEFI: cpio initrd boots from an IDE disk" '^rootfs / rootfs ' --uefi \
	--cmd 'cat /proc/mounts; ls /sys/firmware/efi'
check "UEFI: the kernel saw EFI firmware (/sys/firmware/efi)" contains "$T/boot.txt" '^systab|runtime|efivars|config_table'
boot "UEFI: cpio initrd boots as a USB stick (xHCI)" '^rootfs / rootfs ' --uefi --usb
boot "UEFI: label mm typed at boot: boots" '^rootfs / rootfs ' --uefi --label mm
"$MKDISTRO" -C "$P" test --timeout 120 --cmd 'false' > "$T/false.txt" 2>&1
check "a failing command fails the test" test $? -ne 0

# ext2, on a copy (the shared project stays as built): first too small (a clear error naming
# the size it needs, old image kept), then right
cp -a "$P" "$T/ext2"
P=$T/ext2
# ext2 has no stacked modules initrd, so its kernel has every driver built in: the tests'
# small system (tests/e2e/lib.sh, small_system: i686, the small kernel and BusyBox that
# 84-i686.sh and the tests of how mkdistro builds share) keeps that second kernel build short
small_system "$P"
img=$P/out/mkdistro.img
initrd=$P/out/stick/boot/initrd/main.gz
sum=$(sha256sum < "$img")
sed -i 's/^format = cpio/format = ext2/; s/^size = 5000/size = 1000/' "$P/mkdistro.conf"
"$MKDISTRO" -C "$P" build > "$T/small.txt" 2>&1
check "ext2 initrd too small: build fails" test $? -ne 0
small_compiled "$T/small.txt"
check "ext2 too small: the error names the size needed" contains "$T/small.txt" 'needs about [0-9]+ KiB, but \[initrd\] size is 1000 KiB'
check "ext2 too small: the previous image is intact" test "$(sha256sum < "$img")" = "$sum"
need=$(sed -n 's/.*needs about \([0-9]*\) KiB.*/\1/p' "$T/small.txt")
echo "# the default tree needs ${need:-?} KiB as ext2"
sed -i "s/^size = 1000/size = 8000/" "$P/mkdistro.conf"
"$MKDISTRO" -C "$P" build > "$T/ext2.txt" 2>&1
check "build with an ext2 initrd" test $? -eq 0
check "ext2 initrd is a gzip-compressed ext2 filesystem" bash -c "zcat '$initrd' > '$T/ext2.img' && dumpe2fs -h '$T/ext2.img' 2>/dev/null | grep -q '^Filesystem magic number: *0xEF53'"
check "ext2: every inode owned by root" bash -c "for d in / /bin /sbin /etc /etc/rc.d /dev /lib64 /lib/x86_64-linux-gnu /usr/bin /root /tmp; do debugfs -R \"ls -l \$d\" '$T/ext2.img' 2>/dev/null; done | awk 'NF > 5 && (\$4 != 0 || \$5 != 0) { bad = 1 } END { exit bad }'"
debugfs -R "stat /etc/inittab" "$T/ext2.img" > "$T/inittab.txt" 2>&1
check "ext2: inode times are the epoch (2000-01-01)" grep -q 'mtime: 0x386d4380' "$T/inittab.txt"
debugfs -R "stat /dev/console" "$T/ext2.img" > "$T/console.txt" 2>&1
check "ext2: /dev/console is a character device 5:1, mode 0600" bash -c "grep -q 'Type: character special' '$T/console.txt' && grep -Eq 'Device major/minor number: 0*5:0*1 ' '$T/console.txt' && grep -q 'Mode:  0600' '$T/console.txt'"
boot "ext2 initrd boots from an IDE disk (root=/dev/ram0)" '^/dev/root / ext2 '
boot "ext2 initrd boots as a USB stick" '^/dev/root / ext2 ' --usb
boot "UEFI: ext2 initrd boots as a USB stick" '^/dev/root / ext2 ' --uefi --usb
finish
