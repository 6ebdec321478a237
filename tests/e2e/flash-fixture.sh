#!/bin/bash
# flash-fixture.sh DIR DEVICE [KEY=VALUE...]: add a real block device (a loop device) to a
# fake /sys tree in DIR, for MKDISTRO_TEST_SYSFS, so that `mkdistro flash` sees it as a USB
# stick (or as whatever the keys say).  Its partitions come along with their real MAJ:MIN, so
# the mounts, swaps and open(2) the tool sees stay the real ones; only sysfs is made up.
# Call it again with another DEVICE to put several devices in one tree.
#
#   bus=usb|mmc|emmc|ata|virtual   where the disk hangs (default usb; mmc is an SD card,
#                             emmc a soldered-in eMMC on the same bus)
#   removable=0|1             default 1
#   ro=0|1                    the disk's ro attribute (default 0, whatever the device is)
#   size=SECTORS              the disk's size attribute (default the real size)
#   holder=NAME               a holder of the disk (as dm-0 is of an LVM physical volume)
#   partholder=NAME           a holder of its first partition
#   vendor=S model=S          SCSI vendor and model (default "Generic " and "Flash Disk      ")
#
# The disk keeps its kernel name (loop3, loop3p1), so the name typed to confirm is the same
# whether the tool takes it from /dev or from sysfs.
set -eu
if [ $# -lt 2 ]; then
	echo "usage: $0 DIR DEVICE [bus=usb|mmc|emmc|ata|virtual] [removable=0|1] [ro=0|1] [size=N] [holder=N] [partholder=N]" >&2
	exit 2
fi
dir=$1 dev=$2
shift 2
bus=usb removable=1 ro=0 size='' holder='' partholder='' vendor="Generic " model="Flash Disk      "
for kv in "$@"; do
	case "$kv" in
	bus=* | removable=* | ro=* | size=* | holder=* | partholder=* | vendor=* | model=*)
		declare "$kv" ;;
	*) echo "$0: unknown setting '$kv'" >&2; exit 2 ;;
	esac
done

name=$(basename "$(readlink -f "$dev")")
real=/sys/class/block/$name
if [ ! -e "$real/dev" ] || [ -e "$real/partition" ]; then
	echo "$0: $dev is not a whole disk" >&2
	exit 1
fi
# One SCSI host, USB port and so on per device, so that devices can share a tree
k=$(($(cut -d: -f2 < "$real/dev") + 10))
mkdir -p "$dir/dev/block" "$dir/class/block"
case "$bus" in
usb)
	port=$dir/devices/pci0000:00/0000:00:14.0/usb2/2-$k
	sdev=$port/2-$k:1.0/host$k/target$k:0:0/$k:0:0:0
	mkdir -p "$sdev"
	echo "MKD$k" > "$port/serial"
	echo "Generic" > "$port/manufacturer"
	echo "Mass Storage Device" > "$port/product"
	;;
mmc | emmc)
	sdev=$dir/devices/pci0000:00/0000:00:1e.6/mmc_host/mmc$k/mmc$k:0001
	mkdir -p "$sdev"
	echo "SD16G" > "$sdev/name"
	# an SD card says SD; soldered-in eMMC says MMC
	if [ "$bus" = mmc ]; then echo SD > "$sdev/type"; else echo MMC > "$sdev/type"; fi
	;;
ata)
	sdev=$dir/devices/pci0000:00/0000:00:1f.2/ata$k/host$k/target$k:0:0/$k:0:0:0
	mkdir -p "$sdev"
	vendor="ATA     " model="Samsung SSD 870 "
	;;
virtual) sdev= ;;
*) echo "$0: unknown bus '$bus'" >&2; exit 2 ;;
esac
if [ -n "$sdev" ]; then
	blk=$sdev/block/$name
	if [ "$bus" != mmc ] && [ "$bus" != emmc ]; then
		printf '%s\n' "$vendor" > "$sdev/vendor"
		printf '%s\n' "$model" > "$sdev/model"
	fi
else
	blk=$dir/devices/virtual/block/$name
fi

# node DIR REALDIR: the attributes every block device has
node() {
	mkdir -p "$1/holders"
	cat "$2/dev" > "$1/dev"
	echo "${ro}" > "$1/ro"
	ln -sfn "$(realpath -m --relative-to="$dir/dev/block" "$1")" "$dir/dev/block/$(cat "$2/dev")"
	ln -sfn "$(realpath -m --relative-to="$dir/class/block" "$1")" "$dir/class/block/$(basename "$1")"
}
# hold NODE NAME: NAME (a dm device) holds NODE
hold() {
	mkdir -p "$dir/devices/virtual/block/$2/slaves"
	echo "253:${2##*-}" > "$dir/devices/virtual/block/$2/dev"
	ln -sr "$dir/devices/virtual/block/$2" "$1/holders/$2"
	ln -sr "$1" "$dir/devices/virtual/block/$2/slaves/$(basename "$1")"
}

node "$blk" "$real"
echo "${size:-$(cat "$real/size")}" > "$blk/size"
echo "$removable" > "$blk/removable"
[ -n "$sdev" ] && ln -sr "$sdev" "$blk/device"
if [ -z "$sdev" ] && [ -e "$real/loop/backing_file" ]; then
	mkdir -p "$blk/loop"
	cat "$real/loop/backing_file" > "$blk/loop/backing_file"
fi
[ -n "$holder" ] && hold "$blk" "$holder"
first=1
for p in "$real/$name"*/; do
	[ -e "$p/partition" ] || continue
	p=${p%/}
	pd=$blk/$(basename "$p")
	node "$pd" "$p"
	cat "$p/size" > "$pd/size"
	cat "$p/start" > "$pd/start"
	cat "$p/partition" > "$pd/partition"
	[ -n "$partholder" ] && [ $first = 1 ] && hold "$pd" "$partholder"
	first=0
done
exit 0
