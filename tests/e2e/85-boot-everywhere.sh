#!/bin/bash
# Boot everywhere (issue 5): the same build boots with BIOS and UEFI from an IDE disk, a USB
# stick, a CD (the hybrid ISO) and a VDI disk, with a cpio and with an ext2 initrd (the ext2
# one on the tests' small i686 system, lib.sh), and says how long each took
# (out/boot-matrix.txt); the live system finds and mounts its boot medium, or says within the
# time limit that it did not; the persistence partition keeps /etc and /root across a reboot.
# tests/run: parallel (QEMU boots of the shared image, never changed, or of its own)
. "$(dirname "$0")/lib.sh"
T=$MKDISTRO_TEST_TMP/everywhere
P=$T/proj
rm -rf "$T"
mkdir -p "$T"
export MTOOLS_SKIP_CHECK=1

"$MKDISTRO" init "$P" > /dev/null
sed -i 's/^iso = no/iso = yes/; s/^persist = 0/persist = 16/' "$P/mkdistro.conf"
"$MKDISTRO" -C "$P" build > "$T/build.txt" 2>&1
check "build with iso = yes and persist = 16" test $? -eq 0
img=$P/out/mkdistro.img
iso=$P/out/mkdistro.iso
check "the image grew by the persistence partition (80 MiB)" test "$(stat -c %s "$img")" = $((80 << 20))
sfdisk --dump "$img" > "$T/sfdisk.txt" 2>&1
check "partition 2: Linux, 16 MiB after the FAT" contains "$T/sfdisk.txt" 'img2 : start= *131072, size= *32768, type=83'
check "partition 2 is an ext2 labelled persist" bash -c "dd if='$img' bs=1M skip=64 status=none > '$T/persist.img' && dumpe2fs -h '$T/persist.img' 2>/dev/null | grep -q '^Filesystem volume name: *persist'"

# The ISO: El Torito entries for BIOS (ISOLINUX) and UEFI (a FAT image), and hybrid tables
xorriso -indev "$iso" -report_el_torito plain > "$T/eltorito.txt" 2>&1
check "ISO: a BIOS El Torito entry" contains "$T/eltorito.txt" 'El Torito boot img : +1 +BIOS'
check "ISO: an EFI system partition for booting it written to a stick" bash -c "sfdisk --dump '$iso' | grep -q 'type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B'"
check "ISO: its isolinux.cfg finds the medium by the volume label" bash -c \
	"xorriso -osirrox on -indev '$iso' -extract /isolinux/isolinux.cfg '$T/isolinux.cfg' > /dev/null 2>&1 && grep -q 'mkdistro.stick=LABEL=MKDISTRO' '$T/isolinux.cfg'"
check "ISO: its menu has no persistence partition to wait for" bash -c "! grep -q 'mkdistro.persist=' '$T/isolinux.cfg'"

sum=$(sha256sum "$iso" "$img")
"$MKDISTRO" -C "$P" build > "$T/build2.txt" 2>&1
check "build again: the ISO and the image are byte-identical" test "$(sha256sum "$iso" "$img")" = "$sum"

# The live system finds its medium and mounts it read-only at /mnt/boot
boot "the stick is mounted read-only at /mnt/boot" '^/dev/sda1 /mnt/boot vfat ro' \
	--cmd 'cat /proc/mounts; ls /mnt/boot/boot/kernel'
check "the stick's files are there" contains "$T/boot.txt" '^main.lk'
check "rc.S says where the medium is" contains "$T/boot.txt" 'boot medium /dev/sda1 \(UUID=4D4B-4430\) mounted read-only at /mnt/boot'
boot "as a USB stick too" '^/dev/sda1 /mnt/boot vfat ro' --usb --cmd 'cat /proc/mounts'
boot "the CD is mounted read-only at /mnt/boot" '^/dev/sr0 /mnt/boot iso9660 ro' --image "$iso" \
	--cmd 'cat /proc/mounts'
check "the CD boot does not wait for a persistence store" bash -c "! grep -q 'persistence store' '$T/boot.txt'"
boot "--cdrom alone boots the build's ISO" '^/dev/sr0 /mnt/boot iso9660 ro' --cdrom --cmd 'cat /proc/mounts'
boot "no medium: a clear message within the time limit" 'boot medium LABEL=NOPE not found within 2 s' \
	--label 'mm mkdistro.stick=LABEL=NOPE mkdistro.stickwait=2'

# The hybrid ISO written raw to a stick boots too, with BIOS and with UEFI
boot "the ISO boots as a USB stick (BIOS)" '^MKD_OK' --usb --image "$iso" --cmd 'echo MKD_OK'
boot "the ISO boots as a USB stick (UEFI)" '^MKD_OK' --usb --uefi --image "$iso" --cmd 'echo MKD_OK'
check "the ISO under UEFI finds its medium, waits for no persistence store" bash -c \
	"grep -q 'mounted read-only at /mnt/boot' '$T/boot.txt' && ! grep -q 'persistence store' '$T/boot.txt'"

# Persistence: write, reboot, read back (on a copy: --writable lets the guest change it)
cp "$img" "$T/stick.img"
boot "persistence: write /root and /etc" '^/dev/sda2 /mnt/persist ext2' --image "$T/stick.img" --writable \
	--cmd 'echo kept-across-reboots > /root/note; echo mine > /etc/mine; sync; cat /proc/mounts'
boot "persistence: both are there after a reboot" '^kept-across-reboots' --image "$T/stick.img" \
	--writable --cmd 'cat /root/note /etc/mine'
check "persistence: /etc change kept" contains "$T/boot.txt" '^mine'
boot "persistence: a fresh stick has neither" '^fresh' --cmd 'test -e /root/note || echo fresh'

# The boot matrix: BIOS and UEFI x IDE, USB, CD, VDI, for the cpio build, then ext2
matrix() { # FORMAT
	"$MKDISTRO" -C "$P" matrix > "$T/matrix-$1.txt" 2>&1
	local rc=$?
	check "matrix ($1): every cell reached a shell" test $rc -eq 0
	[ $rc -eq 0 ] || tail -n 30 "$T/matrix-$1.txt" | sed 's/^/    /'
}
matrix cpio
# ext2 has no stacked modules initrd: the tests' small system (lib.sh: i686, its kernel and
# BusyBox shared with 84-i686.sh), not a second PC kernel with every driver built in.  The
# matrix keeps its rows per CPU and format: x86_64 cpio, then i686 ext2
small_system "$P"
sed -i 's/^format = cpio/format = ext2/; s/^size = 5000/size = 8000/' "$P/mkdistro.conf"
"$MKDISTRO" -C "$P" build > "$T/build-ext2.txt" 2>&1
check "build with an ext2 initrd" test $? -eq 0
matrix ext2
cat "$P/out/boot-matrix.txt"
check "out/boot-matrix.txt: 14 cells ok with their times" test "$(grep -cE '^(x86_64 +(bios|uefi) +(ide|usb|cd|vdi) +cpio|i686 +(bios|uefi) +(ide|usb|cd|vdi) +ext2) +ok +[0-9.]+ s$' "$P/out/boot-matrix.txt")" = 14
for fw in bios uefi; do
	for m in ide usb cd vdi; do
		for af in x86_64:cpio i686:ext2; do
			a=${af%:*} f=${af#*:}
			if [ $fw-$m = uefi-cd ]; then
				check "matrix: $a $fw $m $f cannot work, and says why" grep -qE "^$a +$fw +$m +$f +n/a +Syslinux's EFI loader cannot boot from a CD" "$P/out/boot-matrix.txt"
			else
				check "matrix: $a $fw $m $f" grep -qE "^$a +$fw +$m +$f +ok " "$P/out/boot-matrix.txt"
			fi
		done
	done
done
# Under UEFI the CD is passed over cleanly (no El Torito EFI entry to crash the firmware)
check "ISO: no El Torito EFI entry" bash -c "! grep -q 'UEFI' '$T/eltorito.txt'"
finish
