#!/bin/bash
# tests/run: background
# The floppy-sized profile (issue 20): examples/tiny, built as it is shipped (its kernel,
# its BusyBox over allnoconfig linked with musl, the project's rootfs).  Its payload, the
# kernel and the initrd its boot label loads, fits a 1.44 MB floppy (1,474,560 bytes), the
# size report says so and what each part costs, and it boots under TCG to a shell on the
# serial line with the boot medium mounted.  Also: lint refuses an rc.S that finds the boot
# medium with blkid when BusyBox has none.  It runs beside the other tests (tests/run:
# background), with a build cache of its own, since its kernel is a cold build of its own.
export MKDISTRO_CACHE=${MKDISTRO_TEST_TMP:?}/cache-floppy CCACHE_DIR=$MKDISTRO_TEST_TMP/ccache-floppy
. "$(dirname "$0")/lib.sh"
SRC=$(cd "$(dirname "$0")/../.." && pwd)
T=$MKDISTRO_TEST_TMP/floppy
# the example as shipped, beside the rootfs its skeleton = ../../rootfs names
P=$T/examples/tiny
rm -rf "$T"
mkdir -p "$T/examples"
cp -a "$SRC/examples/tiny" "$T/examples/" && cp -a "$SRC/rootfs" "$T/"
rm -rf "$P/out" "$P/mkdistro.lock"
export MTOOLS_SKIP_CHECK=1
FLOPPY=1474560

"$MKDISTRO" -C "$P" build > "$T/build.txt" 2>&1
rc=$?
sed 's/^/    /' "$T/build.txt" | grep -E '^    \[|make -j|mkdistro:'
check "examples/tiny builds" test $rc -eq 0
check "its BusyBox is static and linked with musl" contains "$T/build.txt" '^\[3/8\] busybox +main static, musl'
if grep -q '^\$ .*make .* busybox' "$P/out/log/busybox.log"; then
	check "BusyBox's make ran with musl-gcc and the kernel's headers" \
		contains "$P/out/log/busybox.log" "CC=musl-gcc EXTRA_CFLAGS='-isystem .*/musl-include'"
fi
"$MKDISTRO" initrd unpack "$P/out/stick/boot/initrd/main.gz" "$T/tree" > /dev/null 2>&1
check "the initrd's BusyBox is a static x86-64 program (no program interpreter)" bash -c \
	"readelf -h '$T/tree/bin/busybox' | grep -q 'Advanced Micro Devices X86-64' && ! readelf -l '$T/tree/bin/busybox' | grep -q INTERP"
check "the initrd has blkid (rc.S finds the boot medium with it)" test -L "$T/tree/sbin/blkid"

# The payload: what the default label loads
label=$(sed -n 's/^DEFAULT //p' "$P/out/stick/boot/syslinux/syslinux.cfg")
files=$(awk -v l="$label" '$1 == "LABEL" { on = ($2 == l) } on && ($1 == "LINUX" || $1 == "INITRD") { print $2 }' \
	"$P/out/stick/boot/syslinux/syslinux.cfg" | tr ',' ' ')
bytes=0
for f in $files; do bytes=$((bytes + $(stat -c %s "$P/out/stick$f"))); done
echo "    label $label loads$(for f in $files; do printf ' %s (%s bytes)' "$f" "$(stat -c %s "$P/out/stick$f")"; done): $bytes bytes"
check "the default label loads one kernel and one initrd" test "$(echo $files | wc -w)" = 2
check "its payload fits a 1.44 MB floppy ($bytes of $FLOPPY bytes)" test "$bytes" -le $FLOPPY
check "the size report says so, with the bytes to spare" \
	contains "$P/out/report.txt" "^fits a 1\\.44 MB floppy \\($FLOPPY bytes\\), $((FLOPPY - bytes)) bytes to spare$"
check "the size report gives the kernel's and BusyBox's cost" bash -c \
	"grep -qE '^kernel main +[0-9]+ bytes' '$P/out/report.txt' && grep -qE '^ +[0-9]+ bytes .* /bin/busybox$' '$P/out/report.txt'"
check "the SBOM says BusyBox is linked with musl" contains "$P/out/sbom.spdx.json" 'static, linked with Debian.s musl'
check "the kernel is xz, without SMP, ACPI or networking" bash -c "
	entry=\$(sed -n 's/^mkdistro: \\(built\\|reused the cached kernel\\): \\(.*\\)\\/bzImage\$/\\2/p' '$P/out/log/kernel.log' | tail -n 1)
	grep -qx CONFIG_KERNEL_XZ=y \"\$entry/config\" && ! grep -qx 'CONFIG_SMP=y' \"\$entry/config\" &&
	! grep -qx 'CONFIG_ACPI=y' \"\$entry/config\" && ! grep -qx 'CONFIG_NET=y' \"\$entry/config\""

# A shell on the serial line, under TCG, with the boot medium found and mounted
boot "boots under TCG to a shell on the serial line, the stick at /mnt/boot" \
	'^/dev/sda1 /mnt/boot vfat ro' --accel tcg --cmd 'grep /mnt/boot /proc/mounts; uname -m'
check "the boot says where the stick is" contains "$T/boot.txt" 'mkdistro: boot medium /dev/sda1 \(UUID=4D4B-4430\) mounted read-only at /mnt/boot'
check "a rescue kit: vi, fdisk, tar and dd are there" bash -c "cd '$T/tree' && for a in vi fdisk tar dd; do
	ls bin/\$a sbin/\$a usr/bin/\$a usr/sbin/\$a 2> /dev/null | grep -q . || { echo \"  no \$a\"; exit 1; }; done"

# Lint: the same project with a BusyBox that has no blkid is refused, saying why
Q=$T/examples/noblkid
cp -a "$P" "$Q" && rm -rf "$Q/out"
sed -i '/^CONFIG_BLKID=y$/d' "$Q/busybox.config"
"$MKDISTRO" -C "$Q" build > "$T/noblkid.txt" 2>&1
rc=$?
sed 's/^/    /' "$T/noblkid.txt" | grep -E 'blkid|lint' | head -n 5
check "a BusyBox without blkid is refused by lint" test $rc -ne 0
check "lint says rc.S needs /sbin/blkid to find the boot medium" \
	contains "$T/noblkid.txt" "/sbin/blkid is missing: rc.S finds the boot medium with it \\(BusyBox's CONFIG_BLKID\\)"
finish
