#!/bin/bash
# Reproducible outputs: the same inputs give byte-identical initrds, stick images and ISOs,
# whatever the project's directory, umask, time zone and locale (issue 6, in part: the
# kernel and BusyBox come from the shared build cache here, so this checks the assembly,
# not the kernel build itself).
. "$(dirname "$0")/lib.sh"
T=$MKDISTRO_TEST_TMP/reproducible
rm -rf "$T"
mkdir -p "$T"

"$MKDISTRO" init "$T/a" > /dev/null
"$MKDISTRO" init "$T/second dir" > /dev/null
(umask 022 && TZ=UTC LC_ALL=C "$MKDISTRO" -C "$T/a" build --iso) > "$T/a.txt" 2>&1
check "build in $T/a (umask 022, TZ=UTC, LC_ALL=C)" test $? -eq 0
(umask 077 && TZ=Pacific/Kiritimati LC_ALL=C.UTF-8 "$MKDISTRO" -C "$T/second dir" build --iso) > "$T/b.txt" 2>&1
check "build in '$T/second dir' (umask 077, TZ=UTC+14, LC_ALL=C.UTF-8)" test $? -eq 0
for f in stick/boot/kernel/main.lk stick/boot/initrd/main.gz stick/boot/syslinux/syslinux.cfg \
	stick/EFI/BOOT/syslinux.cfg mkdistro.img mkdistro.iso; do
	check "byte-identical: out/$f" cmp "$T/a/out/$f" "$T/second dir/out/$f"
done
echo "# image sha256 $(sha256sum < "$T/a/out/mkdistro.img" | cut -c1-64)"
finish
