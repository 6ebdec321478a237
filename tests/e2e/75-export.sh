#!/bin/bash
# End to end: `mkdistro export` converts the stick image of a copy of the shared project
# (lib.sh) to VDI, VMDK and qcow2, into its out/.  Each is checked with qemu-img (format,
# size, consistency, the same disk as the raw image), exported again to see the same bytes,
# and booted in QEMU.  Bad input, an output directory that is missing or not writable, and a
# conversion that fails halfway each give an error and leave no partial file, and the
# previous export intact.
. "$(dirname "$0")/lib.sh"
T=$MKDISTRO_TEST_TMP/export
P=$T/proj
img=$P/out/mkdistro.img
rm -rf "$T"
mkdir -p "$T"
need_project || finish
cp -a "$PROJ" "$P"
img_sum=$(sha256sum < "$img")
hash=$(sha256sum < "$img" | cut -c1-64)

# mkd NAME ARGS...: run mkdistro, output to $T/NAME.txt, exit status in $rc
mkd() {
	local name=$1
	shift
	"$MKDISTRO" "$@" > "$T/$name.txt" 2>&1
	rc=$?
}
# only DIR NAME: DIR holds NAME and nothing else (no temporary left beside it)
only() { test "$(ls -A "$1")" = "$2"; }

check "--help names export" bash -c "'$MKDISTRO' --help | grep -q '^  export  '"
check "export --help gives its usage" bash -c "'$MKDISTRO' export --help | grep -q '^usage: mkdistro \[-C DIR\] export vdi|vmdk|qcow2 '"
check "the man page documents export" grep -q '^\.B export vdi' "$(dirname "$0")/../../mkdistro.1"

# ---- each format: converted, checked by qemu-img, the same bytes twice ----
mkdir -p "$T/again"
for fmt in vdi vmdk qcow2; do
	out=$P/out/mkdistro.$fmt
	rm -rf "$out" "$out.tmp"
	mkd "export-$fmt" -C "$P" export "$fmt"
	check "$fmt: export exits 0" test $rc -eq 0
	check "$fmt: the progress line names the file and its size" contains "$T/export-$fmt.txt" \
		"^mkdistro: exported $out \\($fmt, [0-9.]+ MiB file for a 64\\.0 MiB disk\\) in [0-9.]+ s\$"
	check "$fmt: no temporary left" test ! -e "$out.tmp"
	check "$fmt: qemu-img's output is in out/log/export.log" contains "$P/out/log/export.log" \
		"^\\$ qemu-img convert -f raw -O $fmt "
	qemu-img info "$out" > "$T/info-$fmt.txt" 2>&1
	check "$fmt: qemu-img info says file format $fmt" contains "$T/info-$fmt.txt" "^file format: $fmt\$"
	check "$fmt: qemu-img info says virtual size 64 MiB" contains "$T/info-$fmt.txt" \
		'^virtual size: 64 MiB \(67108864 bytes\)$'
	qemu-img check -f "$fmt" "$out" > "$T/check-$fmt.txt" 2>&1
	check "$fmt: qemu-img check finds no errors" test $? -eq 0
	qemu-img compare -f raw -F "$fmt" "$img" "$out" > "$T/compare-$fmt.txt" 2>&1
	check "$fmt: qemu-img compare: identical to the raw image" \
		bash -c "[ $? -eq 0 ] && grep -q '^Images are identical' '$T/compare-$fmt.txt'"
	mkd "again-$fmt" -C "$P" export "$fmt" --output "$T/again/mkdistro.$fmt"
	check "$fmt: exported again, byte for byte the same" cmp "$out" "$T/again/mkdistro.$fmt"
done
check "the raw image is unchanged" test "$(sha256sum < "$img")" = "$img_sum"

# What qemu-img would make up at random comes from the image's SHA-256 instead.
uuid8() { # 32 hex digits -> the same with RFC 9562 version 8 and variant bits (RTUUID layout)
	printf '%s%02x%02x%s' "${1:0:14}" $((0x${1:14:2} & 0x0f | 0x80)) $((0x${1:16:2} & 0x3f | 0x80)) "${1:18}"
}
vdi_uuids() { od -An -tx1 -j 392 -N 32 "$1" | tr -d ' \n'; }
check "vdi: creation and modification UUIDs from the image's SHA-256 (version 8)" \
	test "$(vdi_uuids "$P/out/mkdistro.vdi")" = "$(uuid8 "${hash:0:32}")$(uuid8 "${hash:32:32}")"
vmdk=$P/out/mkdistro.vmdk
desc_at=$(od -An -tu8 -j 28 -N 8 "$vmdk" | tr -d ' ')
desc_len=$(od -An -tu8 -j 36 -N 8 "$vmdk" | tr -d ' ')
dd if="$vmdk" bs=512 skip="$desc_at" count="$desc_len" status=none | tr -d '\0' > "$T/descriptor.txt"
check "vmdk: content ID (CID) from the image's SHA-256" contains "$T/descriptor.txt" "^CID=${hash:0:8}\$"
check "vmdk: monolithicSparse" contains "$T/descriptor.txt" '^createType="monolithicSparse"$'
check "vmdk: the extent is named mkdistro.vmdk, not a temporary name" \
	contains "$T/descriptor.txt" '^RW 131072 SPARSE "mkdistro.vmdk"$'
cp "$img" "$T/other.img"
printf '\001\002\003\004' | dd of="$T/other.img" bs=1 seek=440 conv=notrunc status=none # disk signature
mkd other -C "$P" export vdi --image "$T/other.img" --output "$T/other.vdi"
check "another image gets other VDI UUIDs" \
	bash -c "[ $rc -eq 0 ] && [ '$(vdi_uuids "$T/other.vdi")' != '$(vdi_uuids "$P/out/mkdistro.vdi")' ]"
(cd "$T" && "$MKDISTRO" -C "$P" export qcow2 --output 'a:b.qcow2' > "$T/colon.txt" 2>&1)
check "a relative output name with a colon is a file name to qemu-img" \
	bash -c "[ $? -eq 0 ] && qemu-img info -f qcow2 '$T/a:b.qcow2' > /dev/null"

# ---- bad input ----
mkd bad-format -C "$P" export vhd
check "unknown format: usage error (exit 2)" test $rc -eq 2
check "unknown format: the error names the formats" contains "$T/bad-format.txt" \
	"^mkdistro: unknown format 'vhd' \\(want vdi, vmdk or qcow2\\)\$"
check "unknown format: nothing written" test ! -e "$P/out/mkdistro.vhd" -a ! -e "$P/out/mkdistro.vhd.tmp"
mkd no-format -C "$P" export
check "no format: usage error (exit 2)" bash -c "[ $rc -eq 2 ] && grep -q '^usage: mkdistro \\[-C DIR\\] export' '$T/no-format.txt'"
mkd two-formats -C "$P" export vdi qcow2
check "two formats: usage error (exit 2)" test $rc -eq 2
mkd bad-option -C "$P" export vdi --bogus
check "unknown option: usage error (exit 2)" test $rc -eq 2

mkd missing -C "$P" export vdi --image "$T/nonexistent.img" --output "$T/missing.vdi"
check "missing image: exit 1" test $rc -eq 1
check "missing image: the error names it" contains "$T/missing.txt" "^mkdistro: '$T/nonexistent.img' does not exist\$"
check "missing image: no output file" test ! -e "$T/missing.vdi" -a ! -e "$T/missing.vdi.tmp"
mkdir -p "$T/noproj"
mkd missing-default -C "$T/noproj" export vdi
check "no built image: exit 1, says to build first" bash -c "[ $rc -eq 1 ] && grep -q \"^mkdistro: '$T/noproj/out/mkdistro.img' does not exist; run 'mkdistro build' first\$\" '$T/missing-default.txt'"
check "no built image: nothing written" only "$T/noproj" ""

mkd not-raw -C "$P" export vmdk --image "$P/out/mkdistro.vdi" --output "$T/not-raw.vmdk"
check "a VDI given as the image: exit 1, not a raw disk image" bash -c "[ $rc -eq 1 ] && grep -q 'is not a raw disk image' '$T/not-raw.txt'"
check "a VDI given as the image: no output file" test ! -e "$T/not-raw.vmdk" -a ! -e "$T/not-raw.vmdk.tmp"
mkdir -p "$T/self"
cp "$img" "$T/self/stick.img"
mkd self -C "$P" export vdi --image "$T/self/stick.img" --output "$T/self/stick.img"
check "output is the image itself: exit 1, refused" bash -c "[ $rc -eq 1 ] && grep -q 'is the image itself' '$T/self.txt'"
check "output is the image itself: the image is intact" test "$(sha256sum < "$T/self/stick.img")" = "$img_sum"
check "output is the image itself: nothing beside it" only "$T/self" stick.img
mkd output-dir -C "$P" export vdi --output "$T/again"
check "output is a directory: exit 1" bash -c "[ $rc -eq 1 ] && grep -q 'is a directory' '$T/output-dir.txt'"

mkd nodir -C "$P" export vdi --output "$T/nodir/mkdistro.vdi"
check "output directory missing: exit 1" test $rc -eq 1
check "output directory missing: the error says so" contains "$T/nodir.txt" \
	"^mkdistro: cannot create '$T/nodir/mkdistro.vdi.tmp': No such file or directory\$"
check "output directory missing: nothing created" test ! -e "$T/nodir"

# Not writable: as nobody when root, whom permissions do not stop.
mkdir -p "$T/ro"
cp "$P/out/mkdistro.vdi" "$T/ro/mkdistro.vdi"
cp "$img" "$T/ro.img"
chmod 644 "$T/ro.img"
chmod 555 "$T/ro"
prev=$(sha256sum < "$T/ro/mkdistro.vdi")
as_user=()
[ "$(id -u)" -eq 0 ] && as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
"${as_user[@]}" "$MKDISTRO" -C "$T/noproj" export vdi --image "$T/ro.img" --output "$T/ro/mkdistro.vdi" > "$T/ro.txt" 2>&1
rc=$?
check "output directory not writable: exit 1" test $rc -eq 1
check "output directory not writable: the error says so" contains "$T/ro.txt" \
	"^mkdistro: cannot create '$T/ro/mkdistro.vdi.tmp': Permission denied\$"
check "output directory not writable: the previous export is intact" test "$(sha256sum < "$T/ro/mkdistro.vdi")" = "$prev"
check "output directory not writable: nothing beside it" only "$T/ro" mkdistro.vdi
chmod 755 "$T/ro"

# qemu-img fails halfway: a 2 MiB file size limit (the VDI is about 5 MiB)
for fmt in vdi vmdk qcow2; do
	mkdir -p "$T/full-$fmt"
	cp "$P/out/mkdistro.$fmt" "$T/full-$fmt/mkdistro.$fmt"
	prev=$(sha256sum < "$T/full-$fmt/mkdistro.$fmt")
	(ulimit -f 2048 && exec "$MKDISTRO" -C "$P" export "$fmt" --output "$T/full-$fmt/mkdistro.$fmt") > "$T/full-$fmt.txt" 2>&1
	rc=$?
	check "$fmt: conversion fails halfway: exit 1, with qemu-img's error" bash -c "[ $rc -eq 1 ] && grep -q '^mkdistro: qemu-img convert failed (exit 1)' '$T/full-$fmt.txt' && grep -q 'File too large' '$T/full-$fmt.txt'"
	check "$fmt: conversion fails halfway: the previous export is intact" test "$(sha256sum < "$T/full-$fmt/mkdistro.$fmt")" = "$prev"
	check "$fmt: conversion fails halfway: nothing beside it" only "$T/full-$fmt" "mkdistro.$fmt"
done

# What a killed export leaves (OUT.tmp/NAME) is cleared; anything else there is not touched.
mkdir -p "$T/killed/mkdistro.qcow2.tmp"
echo partial > "$T/killed/mkdistro.qcow2.tmp/mkdistro.qcow2"
mkd killed -C "$P" export qcow2 --output "$T/killed/mkdistro.qcow2"
check "a killed export's leftover is cleared" bash -c "[ $rc -eq 0 ] && [ \"\$(ls -A '$T/killed')\" = mkdistro.qcow2 ] && cmp -s '$T/killed/mkdistro.qcow2' '$P/out/mkdistro.qcow2'"
mkdir -p "$T/inway/mkdistro.qcow2.tmp"
echo mine > "$T/inway/mkdistro.qcow2.tmp/notes.txt"
mkd inway -C "$P" export qcow2 --output "$T/inway/mkdistro.qcow2"
check "something else in the way of the temporary: exit 1, left alone" bash -c "[ $rc -eq 1 ] && grep -q 'left by an earlier export' '$T/inway.txt' && [ \"\$(cat '$T/inway/mkdistro.qcow2.tmp/notes.txt')\" = mine ] && [ ! -e '$T/inway/mkdistro.qcow2' ]"

# ---- boots: QEMU takes the format from the name; raw would not boot a VDI ----
boot() { # NAME FILE [ARGS...]
	local name=$1 file=$2
	shift 2
	"$MKDISTRO" -C "$P" test --image "$file" --timeout 120 --cmd 'echo $((6 * 7))' "$@" > "$T/boot-$name.txt" 2>&1
	local rc=$?
	if [ $rc -eq 0 ] && grep -q '^42$' "$T/boot-$name.txt" && grep -q 'command exited 0' "$T/boot-$name.txt"; then
		ok "$name boots to a shell"
	else
		not_ok "$name boots to a shell (exit $rc)"
		tail -n 25 "$T/boot-$name.txt" | sed 's/^/    /'
	fi
}
boot "vdi (IDE)" "$P/out/mkdistro.vdi"
boot "vdi (USB stick)" "$P/out/mkdistro.vdi" --usb
boot "vmdk (IDE)" "$P/out/mkdistro.vmdk"
boot "qcow2 (IDE)" "$P/out/mkdistro.qcow2"
check "booting left the exports unchanged (-snapshot)" bash -c "cmp -s '$P/out/mkdistro.vdi' '$T/again/mkdistro.vdi' && cmp -s '$P/out/mkdistro.qcow2' '$T/again/mkdistro.qcow2'"
finish
