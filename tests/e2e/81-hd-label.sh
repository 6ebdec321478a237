#!/bin/bash
# Label hd, typed at boot: of the shared project's image, boots the PC's own disk.  BIOS:
# the stick is drive 0x80 and the PC's disk (QEMU's second IDE disk) 0x81, which Syslinux's
# chain.c32 boots as drive 0x80 (hd1 swap); that disk's boot sector (hd-disk.S, assembled
# here) says on the serial line which drive it was started as.  UEFI: the EFI Syslinux hands
# the machine back to the firmware (LOCALBOOT), whose boot manager goes on to its next boot
# entry.  Before, hd was LOCALBOOT 0x80 everywhere, which Syslinux 6.04 answered on this
# BIOS with "Boot error", and no test had ever typed it.
# tests/run: parallel (QEMU boots of the shared image, never changed, or of its own copy)
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
T=$MKDISTRO_TEST_TMP/hd-label
rm -rf "$T"
mkdir -p "$T"
need_project || finish

as --32 -o "$T/disk.o" "$here/hd-disk.S" && objcopy -O binary -j .text "$T/disk.o" "$T/mbr.bin" &&
	truncate -s 1M "$T/disk.img" && dd if="$T/mbr.bin" of="$T/disk.img" conv=notrunc status=none
check "the PC's disk: a 512-byte boot sector that names its BIOS drive on the serial line" \
	test "$(stat -c %s "$T/mbr.bin" 2> /dev/null)" = 512

python3 "$here/guest.py" --image "$PROJ/out/mkdistro.img" --log "$T/bios.serial" --label hd \
	--boot-timeout 60 --qemu=-drive --qemu "file=$T/disk.img,format=raw,if=ide,index=1,snapshot=on" \
	--expect 'booted as BIOS drive 0x[0-9A-F]+' > "$T/bios.txt" 2>&1
check "BIOS: label hd boots the PC's own disk" contains "$T/bios.serial" 'mkdistro test disk: booted as BIOS drive 0x'
check "and as drive 0x80, where a PC's own system expects to be (chain.c32 swap)" \
	contains "$T/bios.serial" 'booted as BIOS drive 0x80'

# (mkdistro test, which reads OVMF's screen on the serial line, on a copy of the project:
# it writes its log into out/log)
cp -a "$PROJ" "$T/proj"
"$MKDISTRO" -C "$T/proj" test --uefi --label hd --timeout 30 > "$T/uefi.txt" 2>&1
check "UEFI: label hd hands the machine back to the firmware, which starts its next boot entry" \
	bash -c "sed -n '/boot: hd/,\$p' '$T/uefi.txt' | grep -Eq 'boot: hd.*BdsDxe|^BdsDxe: starting Boot0'"
finish
