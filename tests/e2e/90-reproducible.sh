#!/bin/bash
# Reproducible outputs: the same inputs give byte-identical initrds, stick images and ISOs,
# whatever the project's directory, user (root, or an unprivileged one), umask, time zone and
# locale.  The kernel and BusyBox come from the build cache here, copied into B's (that they
# are the same bytes whoever builds them, and whatever their build tree built before, is
# 14-ccache.sh's check); B has a cache of its own for everything after
# them, so that B's libraries, initrd and image are its own work, not A's reused.
. "$(dirname "$0")/lib.sh"
T=$MKDISTRO_TEST_TMP/reproducible
rm -rf "$T"
mkdir -p "$T"

"$MKDISTRO" init "$T/a" > /dev/null
"$MKDISTRO" init "$T/second dir" > /dev/null
(umask 022 && TZ=UTC LC_ALL=C "$MKDISTRO" -C "$T/a" build --iso) > "$T/a.txt" 2>&1
check "build in $T/a (umask 022, TZ=UTC, LC_ALL=C)" test $? -eq 0
CB=$T/cache-b
mkdir -p "$CB"
cp -a "$MKDISTRO_CACHE/kernel" "$MKDISTRO_CACHE/busybox" "$CB/"
ln -s "$MKDISTRO_CACHE/src" "$CB/src"
ln -s "$MKDISTRO_CACHE/build" "$CB/build"
chown -R nobody "$CB" "$T/second dir"
runnable_by nobody || not_ok "nobody can run $MKDISTRO"
(umask 077 && setpriv --reuid=nobody --regid="$(id -gn nobody)" --clear-groups env HOME=/nonexistent \
	MKDISTRO_CACHE="$CB" TZ=Pacific/Kiritimati LC_ALL=C.UTF-8 "$MKDISTRO" -C "$T/second dir" build --iso) > "$T/b.txt" 2>&1
check "build in '$T/second dir' as nobody (umask 077, TZ=UTC+14, LC_ALL=C.UTF-8)" test $? -eq 0
check "B made its own initrd and image" bash -c "grep -q '^  initrd main: building' '$T/b.txt' && grep -q '^  image: building' '$T/b.txt'"
for f in stick/boot/kernel/main.lk stick/boot/initrd/main.gz stick/boot/syslinux/syslinux.cfg \
	stick/EFI/BOOT/syslinux.cfg mkdistro.img mkdistro.iso; do
	check "byte-identical: out/$f" cmp "$T/a/out/$f" "$T/second dir/out/$f"
done
echo "# image sha256 $(sha256sum < "$T/a/out/mkdistro.img" | cut -c1-64)"

# mkdistro diff: identical, then where two images differ and in what
"$MKDISTRO" diff "$T/a/out/mkdistro.img" "$T/second dir/out/mkdistro.img" > "$T/diff0.txt" 2>&1
check "diff of identical images: exit 0, 'identical'" bash -c "[ $? -eq 0 ] && grep -q '^identical' '$T/diff0.txt'"
b="$T/second dir"
echo "built by the test" > "$b/rootfs/etc/motd"
chmod 0755 "$b/rootfs/etc/profile"
sed -i 's/^volume_id = 4d4b4430/volume_id = 12345678/' "$b/mkdistro.conf"
"$MKDISTRO" -C "$b" build > "$T/b2.txt" 2>&1
check "build B again with a new file, a mode and a volume id" test $? -eq 0
"$MKDISTRO" diff "$T/a/out/mkdistro.img" "$b/out/mkdistro.img" > "$T/diff1.txt" 2>&1
rc=$?
sed 's/^/    /' "$T/diff1.txt"
check "diff: exit 1 when the images differ" test $rc -eq 1
check "diff: the FAT volume id" contains "$T/diff1.txt" '^FAT: volume id 4D4B-4430 in A, 1234-5678 in B$'
check "diff: the MBR disk signature" contains "$T/diff1.txt" '^MBR: disk signature 4d4b4430 in A, 12345678 in B$'
check "diff: the initrd, then the new file inside it" contains "$T/diff1.txt" '^  boot/initrd/main.gz: etc/motd: only in B$'
check "diff: a mode inside the initrd" contains "$T/diff1.txt" '^  boot/initrd/main.gz: etc/profile: file 0644 .* in A, file 0755 .* in B$'
check "diff: the menu file" contains "$T/diff1.txt" '^boot/syslinux/syslinux.cfg: differs'
check "diff: the kernel is the same (not listed)" bash -c "! grep -q 'boot/kernel' '$T/diff1.txt'"
"$MKDISTRO" diff "$T/a/out/mkdistro.img" "$T/missing.img" > "$T/diff2.txt" 2>&1
check "diff: a missing image is trouble, exit 2" test $? -eq 2
finish
