#!/bin/sh
# /etc/rc.d/rc.S: system start-up, run once by init (::sysinit: in /etc/inittab).

PATH=/sbin:/bin:/usr/sbin:/usr/bin
export PATH

# Mount everything in /etc/fstab except network filesystems.  BusyBox's mount -a skips a
# mount point that is already in use (the kernel mounts /dev itself on an ext2 ramdisk).
/bin/mount -a -t nonfs

# Messages from the kernel stay on the console only at warning level and above
[ -w /proc/sys/kernel/printk ] && echo 4 > /proc/sys/kernel/printk

/bin/hostname -F /etc/hostname
echo "mkdistro: $(uname -sr) up; root filesystem is $(awk '$2 == "/" { print $3 }' /proc/mounts | tail -n 1)"
