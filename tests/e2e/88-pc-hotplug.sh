#!/bin/bash
# Hotplug (issue 17): a USB stick and a USB NIC plugged in through the QEMU monitor after the
# shell is up get their drivers, the stick's partitions their fstab lines (one of them is
# mounted and read), and the NIC a DHCP lease; unplugging the stick takes its lines away.
# User networking with restrict=on; nothing leaves this machine.
# tests/run: parallel (QEMU boots of the shared image, never changed, or of its own)
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
. "$here/disks.sh"
T=$MKDISTRO_TEST_TMP/pc-hotplug
rm -rf "$T"
mkdir -p "$T"
need_project || finish
export MTOOLS_SKIP_CHECK=1
make_pc_disk "$T/stick.img" "$T/parts" > "$T/make.txt" 2>&1
check "a USB stick with ext4, NTFS, exFAT and vfat partitions" test $? -eq 0

python3 "$here/guest.py" --image "$PROJ/out/mkdistro.img" --log "$T/hotplug.serial" \
	--qemu=-device --qemu qemu-xhci,id=xhci --qemu=-netdev --qemu user,id=n0,restrict=on \
	--run 'lsmod; grep -c "# rc.disk$" /etc/fstab; ls /sys/class/net' \
	--monitor "drive_add 0 if=none,id=d1,format=raw,file=$T/stick.img" \
	--monitor 'device_add usb-storage,bus=xhci.0,drive=d1,id=stick' \
	--monitor 'device_add usb-net,bus=xhci.0,netdev=n0,id=nic' \
	--until '[ "$(grep -c "# rc.disk$" /etc/fstab)" -ge 4 ]' \
	--until 'cat /run/net.*' \
	--run 'lsmod; cat /etc/fstab' \
	--run 'mount /mnt/sdb1 && cat /mnt/sdb1/known.txt && umount /mnt/sdb1' \
	--monitor 'device_del stick' \
	--until '! grep -q "^/dev/sdb" /etc/fstab' > "$T/hotplug.txt" 2>&1
rc=$?
check "the guest ran every step and powered off (exit $rc)" test $rc -eq 0
sed -n '/^== run: lsmod; grep/,/^== exit/p' "$T/hotplug.txt" > "$T/before.txt"
check "before: no USB NIC driver, no disk lines (the stick is the boot medium), no eth0" bash -c \
	"! grep -q '^cdc_ether' '$T/before.txt' && grep -qx 0 '$T/before.txt' && ! grep -q '^eth0' '$T/before.txt'"
check "the USB NIC got its driver (cdc_ether) on its own" contains "$T/hotplug.txt" '^cdc_ether '
check "the USB NIC got a DHCP lease" contains "$T/hotplug.txt" '^10\.0\.2\.15/24$'
check "the USB stick's 4 partitions got their noauto lines" bash -c \
	"[ \$(grep -Ec '^/dev/sdb[1-4]	/mnt/sdb[1-4]	(ext4|ntfs3|exfat|vfat)	noauto' '$T/hotplug.txt') -eq 4 ]"
check "mount /mnt/sdb1 reads the stick's known file" contains "$T/hotplug.txt" '^mkdistro known file on ext4'
check "unplugged: its lines are gone" bash -c "grep -q '^== until: ! grep' '$T/hotplug.txt' && [ $rc -eq 0 ]"

# The modules with an ext2 ramdisk ([kernel] modules = yes asked for; the default there is
# no): rc.hotplug unpacks them into a tmpfs of their own on /lib/modules, since the ramdisk
# has a fixed size, and they load (IPv6 is one).  A copy of the shared project, the same
# kernel from the tests' cache.
P=$T/ext2
cp -a "$PROJ" "$P"
sed -i -e 's/^format = cpio$/format = ext2/' -e 's/^size = 5000$/size = 8000/' \
	-e 's/^base = tinyconfig$/&\nmodules = yes/' "$P/mkdistro.conf"
"$MKDISTRO" -C "$P" build > "$T/ext2-build.txt" 2>&1
rc=$?
check "an ext2 project with modules = yes builds, the kernel from the cache, with its modules" bash -c \
	"test $rc -eq 0 && grep -q '^\[2/8\] kernel .*(cached) with [0-9]* modules' '$T/ext2-build.txt'"
check "its labels name the modules file, and root=/dev/ram0" \
	grep -q 'mkdistro.modules=/boot/initrd/modules.xz root=/dev/ram0 rw ramdisk_size=8000$' \
	"$P/out/stick/boot/syslinux/syslinux.cfg"
boot "ext2 with modules: rc.hotplug unpacks them into a tmpfs, and IPv6 loads" \
	'^ipv6 .*== modules tmpfs' --cmd 'for i in $(seq 100); do grep -q "^ipv6 " /proc/modules && break; sleep 0.2; done
grep " / " /proc/mounts; grep -o "^ipv6 " /proc/modules | tr "\n" " "; echo "== $(grep " /lib/modules " /proc/mounts | cut -d" " -f1,3)"'
check "the root is still the ext2 ramdisk" contains "$T/boot.txt" '^/dev/root / ext2 '
finish
