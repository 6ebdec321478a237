#!/bin/bash
# Incremental builds (issue 6): each stage is keyed by all its inputs, a rebuild says what
# it redid and which input changed, a build with nothing changed redoes nothing, the same
# inputs give the same bytes again, and a damaged cache entry is found and made again.
# Works on a copy of the shared project (lib.sh: its kernel and BusyBox are in the cache).
. "$(dirname "$0")/lib.sh"
T=$MKDISTRO_TEST_TMP/incremental
P=$T/p
rm -rf "$T"
mkdir -p "$T"
need_project || finish
cp -a "$PROJ" "$P"
rm -rf "$P/out"
sed -i 's/^level = .*/level = 6/' "$P/mkdistro.conf" # the default, written out
sha() { sha256sum < "$1" | cut -c1-64; }
# build NAME: mkdistro build into $T/NAME.txt
build() {
	"$MKDISTRO" -C "$P" build > "$T/$1.txt" 2>&1
	local rc=$?
	[ $rc -eq 0 ] || sed 's/^/    /' "$T/$1.txt" | tail -n 20
	return $rc
}
lacks() { ! grep -Eq -- "$2" "$1" || { echo "  '$2' found in $1:"; grep -E -- "$2" "$1" | sed 's/^/    /'; return 1; }; }
img=$P/out/mkdistro.img

check "first build of the copy" build first
check "kernel and BusyBox come from the cache" bash -c "grep -Eq '^\[2/8\] kernel .*\(cached\)' '$T/first.txt' && grep -Eq '^\[3/8\] busybox .*\(cached\)' '$T/first.txt'"
check "an image with no record in out/ is built, and says so" contains "$T/first.txt" '^  image: building \(no earlier build of this project recorded\)'
first=$(sha "$img")

# Nothing changed: nothing is redone, and out/mkdistro.img is the same file, untouched
before=$(stat -c '%i %Y %Z' "$img")
check "no-op build" build noop
check "no-op: no make, nothing rebuilt" lacks "$T/noop.txt" 'make -j|rebuilding|building \('
check "no-op: the initrd from the cache, the image unchanged" bash -c "grep -Eq '^\[6/8\] initrd .*\(cached\)' '$T/noop.txt' && grep -Eq '^\[8/8\] image .*\(unchanged\)' '$T/noop.txt'"
check "no-op: out/mkdistro.img not rewritten" test "$(stat -c '%i %Y %Z' "$img")" = "$before"

# One rootfs file changed: the initrd and the image are made again, and say why
cp -p "$P/rootfs/etc/profile" "$T/profile.orig"
echo "# changed by 12-incremental at $(date +%s.%N)" >> "$P/rootfs/etc/profile"
check "build after a rootfs change" build rootfs
check "rootfs change: the initrd says which file" contains "$T/rootfs.txt" '^  initrd main: rebuilding: /etc/profile changed$'
check "rootfs change: the image says which stick file" contains "$T/rootfs.txt" '^  image: rebuilding: /boot/initrd/main.gz changed$'
check "rootfs change: no make" lacks "$T/rootfs.txt" 'make -j'
check "rootfs change: a new image" test "$(sha "$img")" != "$first"

# Back to the first contents: the first initrd comes from the cache, the image is the first one
cp -p "$T/profile.orig" "$P/rootfs/etc/profile"
check "build after undoing the change" build undo
check "undo: the earlier initrd is reused" contains "$T/undo.txt" '^\[6/8\] initrd .*\(cached\)'
check "undo: and says what changed back" contains "$T/undo.txt" '^  initrd main: /etc/profile changed; made before, taken from the cache$'
check "undo: byte-identical to the first image" test "$(sha "$img")" = "$first"

# A setting: named, with its old and new value
sed -i 's/^level = 6$/level = 9/' "$P/mkdistro.conf"
check "build with [initrd] level = 9" build level
check "setting change: named with both values" contains "$T/level.txt" '^  initrd main: (rebuilding: level changed \(6 -> 9\)|level changed \(6 -> 9\); made before, taken from the cache)$'
sed -i 's/^level = 9$/level = 6/' "$P/mkdistro.conf"
check "build with level 6 again" build level6
check "level 6 again: the same image as the first" test "$(sha "$img")" = "$first"

# The cache survives rm -rf out, and serves another project directory
rm -rf "$P/out"
check "build after rm -rf out" build rmout
check "after rm -rf out: kernel, BusyBox and initrd from the cache" bash -c "grep -Eq '^\[2/8\] kernel .*\(cached\)' '$T/rmout.txt' && grep -Eq '^\[3/8\] busybox .*\(cached\)' '$T/rmout.txt' && grep -Eq '^\[6/8\] initrd .*\(cached\)' '$T/rmout.txt'"
check "after rm -rf out: the same image" test "$(sha "$img")" = "$first"
cp -a "$P" "$T/other project"
rm -rf "$T/other project/out"
"$MKDISTRO" -C "$T/other project" build > "$T/other.txt" 2>&1
check "another directory shares the cache: nothing but the image is made" bash -c "[ $? -eq 0 ] && ! grep -q 'make -j' '$T/other.txt' && grep -Eq '^\[6/8\] initrd .*\(cached\)' '$T/other.txt'"
check "another directory: the same image" test "$(sha "$T/other project/out/mkdistro.img")" = "$first"

# Damaged cache entries are found by their sums, reported, and made again
# (an entry's key is the SHA-256 of the inputs recorded in out/.state)
entry=$MKDISTRO_CACHE/initrd/$(sha "$P/out/.state/initrd-main")
check "the initrd's cache entry is keyed by its recorded inputs" cmp "$entry/initrd.gz" "$P/out/stick/boot/initrd/main.gz"
truncate -s 1000 "$entry/initrd.gz"
check "build with a cut-short initrd in the cache" build damaged
check "damaged initrd: reported" contains "$T/damaged.txt" "the cache entry '$entry' is damaged"
check "damaged initrd: made again, saying why" contains "$T/damaged.txt" '^  initrd main: rebuilding \(the same inputs as the last build, no longer in the cache\)$'
check "damaged initrd: the image is the same as before" bash -c "grep -Eq '^\[8/8\] image .*\(unchanged\)' '$T/damaged.txt' && [ \"\$(sha256sum < '$img' | cut -c1-64)\" = '$first' ]"
bb=$(sed -n 's/^mkdistro: reused the cached BusyBox: //p' "$P/out/log/busybox.log" | head -n 1)
check "the BusyBox cache entry is named in its log" test -f "$bb"
bbsha=$(sha "$bb")
printf 'x' >> "$bb"
check "build with a changed BusyBox in the cache" build damaged-bb
check "damaged BusyBox: reported and rebuilt" bash -c "grep -q 'is damaged' '$T/damaged-bb.txt' && grep -q '^  BusyBox (main): rebuilding' '$T/damaged-bb.txt' && grep -q 'make -j[0-9]* busybox' '$T/damaged-bb.txt'"
check "damaged BusyBox: the rebuilt binary is byte-identical" test "$(sha "$bb")" = "$bbsha"
check "damaged BusyBox: the same image" test "$(sha "$img")" = "$first"

# The records a rerun is explained from
check "out/.state holds each stage's inputs" test -s "$P/out/.state/kernel-main" -a -s "$P/out/.state/busybox-main" -a -s "$P/out/.state/initrd-main" -a -s "$P/out/.state/image"
check "the kernel's inputs name the toolchain and each kernel.config line" bash -c "grep -q '^toolchain gcc' '$P/out/.state/kernel-main' && grep -q '^kernel.config CONFIG_' '$P/out/.state/kernel-main'"
finish
