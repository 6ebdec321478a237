#!/bin/sh
# /etc/rc.d/rc.S: system start-up, run once by init (::sysinit: in /etc/inittab).

PATH=/sbin:/bin:/usr/sbin:/usr/bin
export PATH

# Mount everything in /etc/fstab except network filesystems.  BusyBox's mount -a skips a
# mount point that is already in use (the kernel mounts /dev itself on an ext2 ramdisk).
/bin/mount -a -t nonfs
# Pseudo-terminals (an SSH login, script(1)) on /dev/pts, which devtmpfs does not make
mkdir -p /dev/pts && mount -t devpts -o mode=0620,ptmxmode=0666 devpts /dev/pts 2> /dev/null

# Messages from the kernel stay on the console only at warning level and above
[ -w /proc/sys/kernel/printk ] && echo 4 > /proc/sys/kernel/printk

/bin/hostname -F /etc/hostname

# The boot medium, found by the FAT volume id the boot menu passes (mkdistro.stick=UUID=...)
# and mounted read-only at /mnt/boot; with mkdistro.persist=UUID=..., the stick's ext2
# partition keeps /etc and /root across reboots (written through at once: -o sync).  USB
# sticks appear late, so both are waited for (mkdistro.stickwait=SECONDS, default 15).
stick=
persist=
wait=15
set -f # the command line is split into words, never expanded as file names
read -r cmdline < /proc/cmdline # (the shell's own read: each program started costs time)
for arg in $cmdline; do
	case "$arg" in
	mkdistro.stick=*) stick=${arg#mkdistro.stick=} ;;
	mkdistro.persist=*) persist=${arg#mkdistro.persist=} ;;
	mkdistro.stickwait=*) wait=${arg#mkdistro.stickwait=} ;;
	esac
done
set +f
case "$wait" in '' | *[!0-9]*) echo "mkdistro: mkdistro.stickwait=$wait is not a number of seconds; waiting 15 s"; wait=15 ;; esac
# waitfs SPEC: print the device with that LABEL= or UUID=, waiting up to $wait seconds.
# blkid asks the disks first, the CD drives after: an empty one takes 0.1 s to answer.
waitfs() {
	tries=$((wait * 4))
	want="${1%%=*}=\"${1#*=}\""
	while :; do
		disks=
		while read -r _ _ _ name; do
			case "$name" in sr* | ram* | loop* | name | '') ;; *) disks="$disks /dev/$name" ;; esac
		done < /proc/partitions
		for set in "$disks" /dev/sr*; do
			[ -n "$set" ] || continue
			# a line: /dev/sda1: LABEL="MKDISTRO" UUID="4D4B-4430" TYPE="vfat"
			blkid $set | while IFS= read -r line; do
				case " ${line#*:} " in *" $want "*) echo "${line%%:*}" && exit 1 ;; esac
			done || return 0
		done
		[ "$tries" -gt 0 ] || return 0
		tries=$((tries - 1))
		usleep 250000
	done
}
if [ -n "$stick" ]; then
	mkdir -p /mnt/boot
	dev=$(waitfs "$stick")
	if [ -z "$dev" ]; then
		echo "mkdistro: boot medium $stick not found within $wait s; /mnt/boot is empty"
	elif mount -o ro "$dev" /mnt/boot; then
		echo "mkdistro: boot medium $dev ($stick) mounted read-only at /mnt/boot"
	else
		echo "mkdistro: boot medium $dev ($stick) found, but it does not mount; /mnt/boot is empty"
	fi
fi
if [ -n "$persist" ]; then
	mkdir -p /mnt/persist
	dev=$(waitfs "$persist")
	if [ -z "$dev" ]; then
		echo "mkdistro: persistence store $persist not found within $wait s; changes will be lost"
	elif ! mount -t ext2 -o sync "$dev" /mnt/persist; then
		echo "mkdistro: persistence store $dev does not mount; changes will be lost"
	else
		for d in etc root; do
			# The first boot seeds the store from the initrd, into a new directory that
			# takes the real name only when the copy is whole (a full store keeps none).
			if [ ! -d "/mnt/persist/$d" ]; then
				rm -rf "/mnt/persist/$d.new"
				if ! { mkdir "/mnt/persist/$d.new" && cp -a "/$d/." "/mnt/persist/$d.new/" &&
					mv "/mnt/persist/$d.new" "/mnt/persist/$d"; }; then
					rm -rf "/mnt/persist/$d.new"
					echo "mkdistro: cannot copy /$d to the persistence store; /$d is not kept"
					continue
				fi
			fi
			mount -o bind "/mnt/persist/$d" "/$d" && echo "mkdistro: /$d persists on $dev"
		done
	fi
fi
# The PC's disks get this boot's fstab lines (a persistent /etc still has the last PC's)
if grep -q ' # rc.disk$' /etc/fstab; then
	grep -v ' # rc.disk$' /etc/fstab > /etc/fstab.new && mv /etc/fstab.new /etc/fstab
fi

# Drivers, the network and the disks: rc.hotplug, in the background at the lowest priority,
# so that the shell waits for none of them.  (A kernel without networking has no lo.)
ip link set lo up 2> /dev/null
nice -n 19 /etc/rc.d/rc.hotplug > /dev/null 2>&1 < /dev/null &

# What the image's Debian packages need at start-up (mkdistro's rules, docs/packages.md),
# such as an SSH host key made on this stick
for f in /etc/rc.d/pkg/*; do
	[ -x "$f" ] && "$f"
done

read -r _ _ release _ < /proc/version
while read -r _ dir type _; do
	[ "$dir" = / ] && root=$type
done < /proc/mounts
echo "mkdistro: Linux $release up; root filesystem is $root"
