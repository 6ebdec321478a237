#!/bin/bash
# Label hd, typed at boot:, boots the PC's own disk instead.  The PC's disk is a boot sector
# assembled here (hd-disk.S) that names, on the serial line, the BIOS drive it was started
# as.  BIOS, from the stick (the shared project's image): the stick is drive 0x80 and the
# PC's disk (QEMU's second IDE disk) 0x81, which chain.c32 starts as 0x80 (hd1 swap).  BIOS,
# from the ISO on a CD: the PC's disk is 0x80 (chain.c32 hd0).  UEFI: the EFI Syslinux hands
# the machine back to the firmware (LOCALBOOT), which starts its next boot entry.
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

said='mkdistro test disk: booted as BIOS drive 0x[0-9A-F]{2}\r?\n'
python3 "$here/guest.py" --image "$PROJ/out/mkdistro.img" --log "$T/bios.serial" --label hd \
	--boot-timeout 60 --qemu=-drive --qemu "file=$T/disk.img,format=raw,if=ide,index=1,snapshot=on" \
	--expect "$said" > "$T/bios.txt" 2>&1
check "BIOS, the stick: label hd boots the PC's own disk" contains "$T/bios.txt" '^== expected after'
check "as drive 0x80, where a PC's own system expects to be (chain.c32 hd1 swap)" \
	contains "$T/bios.serial" 'booted as BIOS drive 0x80'

# the ISO, from a copy of the project (mkdistro test below writes into out/log too)
cp -a "$PROJ" "$T/proj"
sed -i 's/^iso = no/iso = yes/' "$T/proj/mkdistro.conf"
"$MKDISTRO" -C "$T/proj" build > "$T/iso-build.txt" 2>&1
check "the project's ISO builds" test $? -eq 0
python3 "$here/guest.py" --cdrom --image "$T/proj/out/mkdistro.iso" --log "$T/cd.serial" --label hd \
	--boot-timeout 60 --qemu=-drive --qemu "file=$T/disk.img,format=raw,if=ide,index=0,snapshot=on" \
	--expect "$said" > "$T/cd.txt" 2>&1
check "BIOS, the ISO on a CD: label hd boots the PC's first disk, drive 0x80 (chain.c32 hd0)" \
	contains "$T/cd.serial" 'booted as BIOS drive 0x80'

# UEFI (mkdistro test reads OVMF's screen on the serial line): the firmware starts a boot
# entry after hd that is not the stick's
"$MKDISTRO" -C "$T/proj" test --uefi --label hd --timeout 30 > "$T/uefi.txt" 2>&1
check "UEFI: label hd hands the machine back to the firmware, which starts its next boot entry" \
	python3 - "$T/uefi.txt" << 'PY'
import re, sys
t = open(sys.argv[1], errors="replace").read()
before, _, after = t.partition("boot: hd")
stick = re.findall(r"BdsDxe: starting (Boot[0-9A-F]{4})", before)
nxt = re.findall(r"BdsDxe: starting (Boot[0-9A-F]{4})", after)
sys.exit(0 if stick and nxt and nxt[0] != stick[-1] else 1)
PY
finish
