#!/bin/bash
# The PC's own disks, ready but untouched (issue 17): the default image booted with a second
# disk on each controller a PC has (AHCI on q35, NVMe, virtio-blk, virtio-scsi, an SD card on
# sdhci-pci, a USB stick), one boot each, under TCG.  The disk is made on this machine
# without mounting (disks.sh): ext4, NTFS, exFAT and vfat partitions, each with known.txt.
# In the guest every partition has its noauto fstab line (nothing is mounted on its own),
# mounts with `mount /mnt/NAME`, reads known.txt and writes written.txt; after the guest
# powers off, each file system passes its own checker and written.txt reads back.
# tests/run: parallel (QEMU boots of the shared image, never changed, or of its own)
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
. "$here/disks.sh"
T=$MKDISTRO_TEST_TMP/pc-disks
rm -rf "$T"
mkdir -p "$T"
need_project || finish
export MTOOLS_SKIP_CHECK=1

make_pc_disk "$T/pc.img" "$T/parts" > "$T/make.txt" 2>&1
check "a PC disk with ext4, NTFS, exFAT and vfat partitions, made without mounting" test $? -eq 0

# In the guest: wait until the 4 partitions have their lines (the stick, mounted at
# /mnt/boot, gets none); then for each
# line whose device is not mounted: mount it by its mount point, read known.txt, write
# written.txt, unmount.
wait_lines='[ "$(grep -c "# rc.disk$" /etc/fstab)" -ge 4 ]'
use_disks='grep "# rc.disk$" /etc/fstab | while read -r dev mnt type opts rest; do
grep -q "^$dev " /proc/mounts && continue
mount "$mnt" || { echo "cannot mount $mnt"; continue; }
if [ -f "$mnt/known.txt" ]; then t=$(sed -n "s/^mkdistro known file on //p" "$mnt/known.txt"); echo "known $type $opts $t";
echo "written by the guest on $t" > "$mnt/written.txt" && echo "wrote $t"; fi
umount "$mnt"; done'

# disk NAME QEMU-ARG...: boot with a copy of the PC disk attached as NAME says
disk() {
	local name=$1 log=$T/$1
	shift
	cp "$T/pc.img" "$T/$name.img"
	python3 "$here/guest.py" --image "$PROJ/out/mkdistro.img" --log "$log.serial" "$@" \
		--until "$wait_lines" --run 'cat /proc/mounts' --run 'cat /etc/fstab; ls /mnt' \
		--run "$use_disks" > "$log.txt" 2>&1
	local rc=$?
	check "$name: the guest booted, found the disk and powered off (exit $rc)" test $rc -eq 0
	check "$name: nothing of the disk was mounted on its own" bash -c \
		"! sed -n '/^== run: cat .proc.mounts/,/^== exit/p' '$log.txt' | grep -Eq '^/dev/(sd[b-z]|nvme|vd|mmcblk)'"
	check "$name: 4 noauto fstab lines with their file system types" bash -c \
		"[ \$(grep -Ec '^/dev/[a-z0-9]+	/mnt/[a-z0-9]+	(ext4|ntfs3|exfat|vfat)	noauto	0 0 # rc.disk' '$log.txt') -ge 4 ]"
	for t in ext4:ext4 ntfs3:ntfs exfat:exfat vfat:vfat; do
		check "$name: mount /mnt/NAME (${t%%:*}) reads known.txt and writes written.txt" bash -c \
			"grep -q '^known ${t%%:*} noauto ${t#*:}' '$log.txt' && grep -q '^wrote ${t#*:}' '$log.txt'"
	done
	# not through a pipe: its not_ok lines count in this shell
	check_pc_disk "$T/$name.img" "$T/$name.parts" > "$log.check" 2>&1
	sed "s/^\(not \)\{0,1\}ok - /&$name: /" "$log.check"
}

drive() { echo "file=$T/$1.img,format=raw,if=none,id=d1"; }
disk ahci --machine q35 --qemu=-drive --qemu "$(drive ahci)" --qemu=-device --qemu ide-hd,drive=d1,bus=ide.1
disk nvme --qemu=-drive --qemu "$(drive nvme)" --qemu=-device --qemu nvme,drive=d1,serial=mkdistro1
disk virtio-blk --qemu=-drive --qemu "$(drive virtio-blk)" --qemu=-device --qemu virtio-blk-pci,drive=d1
disk virtio-scsi --qemu=-drive --qemu "$(drive virtio-scsi)" --qemu=-device --qemu virtio-scsi-pci,id=scsi \
	--qemu=-device --qemu scsi-hd,drive=d1,bus=scsi.0
disk sdcard --qemu=-drive --qemu "$(drive sdcard)" --qemu=-device --qemu sdhci-pci --qemu=-device --qemu sd-card,drive=d1
disk usb --qemu=-drive --qemu "$(drive usb)" --qemu=-device --qemu qemu-xhci --qemu=-device --qemu usb-storage,drive=d1
finish
