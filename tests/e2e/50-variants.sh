#!/bin/bash
# Variants and the full boot menu: the example project (examples/custom) with a custom
# kernel and a custom, stacked initrd.  Every label in the generated menu boots, typed at
# the boot: prompt, and shows the right kernel (uname -r) and the right initrd (a marker
# file from the overlay, and a program added as an extra binary, with its libraries).  On the
# tests' small system (lib.sh: i686, its small kernel and BusyBox): the kernels are the small
# one and a custom one on top of it, and the extra binary is a small i386 program compiled
# here with i686-linux-gnu-gcc, dynamically linked (its libraries come from the cross C
# library).
. "$(dirname "$0")/lib.sh"
T=$MKDISTRO_TEST_TMP/variants
P=$T/proj
repo=$PWD
rm -rf "$T"
mkdir -p "$T"
cp -a "$repo/examples/custom" "$P"
sed -i "s|\.\./\.\./|$repo/|" "$P/mkdistro.conf"
# the tests' small system (lib.sh): the subject is the variants, and the custom kernel is
# then a small rebuild of the small kernel, not of the PC kernel and its modules
sed -i -e "s|^config = $repo/kernel.config$|config = $repo/tests/e2e/small/i686/kernel.config|" \
	-e "s|^config = $repo/busybox.config$|config = $repo/tests/e2e/small/busybox.config\nbase = allnoconfig|" "$P/mkdistro.conf"
# the extra binary: an i386 program, dynamically linked
bin=$T/bin/hello-i686
mkdir -p "$T/bin"
printf '#include <stdio.h>\nint main(void) { printf("hello-i686 1.0, %%u-bit\\n", (unsigned)sizeof(void *) * 8); return 0; }\n' > "$T/hello.c"
i686-linux-gnu-gcc -O2 -o "$bin" "$T/hello.c"
check "an i386 program to add: $(file -b "$bin" | cut -d, -f1-2)" bash -c "file -b '$bin' | grep -q '^ELF 32-bit LSB .*Intel 80386.*dynamically linked'"
sed -i "s|^binaries = /usr/bin/strace$|binaries = $bin|" "$P/mkdistro.conf"
# through the tests' ccache, as the shared project (lib.sh), for i686
printf '\n[build]\nccache = yes\n\n[system]\narch = i686\n' >> "$P/mkdistro.conf"
check "the project is the small system's, with the program as its binary" bash -c \
	"grep -qx 'binaries = $bin' '$P/mkdistro.conf' && grep -qx 'base = allnoconfig' '$P/mkdistro.conf' && grep -q '^config = .*/small/i686/kernel.config' '$P/mkdistro.conf'"

"$MKDISTRO" -C "$P" build > "$T/build.txt" 2>&1
rc=$?
check "build the example with variants" test $rc -eq 0
[ $rc -eq 0 ] || sed 's/^/    /' "$T/build.txt" | tail -n 20
check "a custom kernel is built" contains "$T/build.txt" 'kernel +main 6\.1\.[0-9]+.*, custom 6\.1\.[0-9]+-custom'
check "the stacked initrd reports the bytes it saves" contains "$T/build.txt" 'custom [0-9]+ KiB stacked on main \([0-9]+ entries; [0-9]+ KiB saved\)'
S=$P/out/stick
check "kernels and initrds land as boot/kernel/NAME.lk and boot/initrd/NAME.gz" \
	test -f "$S/boot/kernel/main.lk" -a -f "$S/boot/kernel/custom.lk" -a -f "$S/boot/initrd/main.gz" -a -f "$S/boot/initrd/custom.gz"
# what stacking saves: main's BusyBox and the rest of its tree, which custom would repeat
saved=$(sed -n 's/.*custom [0-9]* KiB stacked on main ([0-9]* entries; \([0-9]*\) KiB saved).*/\1/p' "$T/build.txt")
check "stacking saves more than half of main.gz (${saved:-?} KiB)" \
	test "${saved:-0}" -gt $(($(stat -c %s "$S/boot/initrd/main.gz") / 2048))
zcat "$S/boot/initrd/custom.gz" | cpio -it --quiet > "$T/custom.txt" 2>/dev/null
check "the stacked initrd has the overlay, the program and its i386 libraries, not BusyBox" bash -c \
	"grep -qx etc/variant '$T/custom.txt' && grep -qx '${bin#/}' '$T/custom.txt' && grep -qx lib/ld-linux.so.2 '$T/custom.txt' && grep -qx lib/libc.so.6 '$T/custom.txt' && ! grep -qx bin/busybox '$T/custom.txt'"
cfg=$S/boot/syslinux/syslinux.cfg
labels=$(awk '/^LABEL/ { print $2 }' "$cfg" | tr '\n' ' ')
check "the menu is exactly mm mc cm cc hd ($labels)" test "$labels" = "mm mc cm cc hd "
check "stacked labels load main.gz,custom.gz" contains "$cfg" 'INITRD /boot/initrd/main.gz,/boot/initrd/custom.gz'
check "a label's own kernel arguments" bash -c "awk '/^LABEL cc/ { on = 1 } on && /APPEND/ { print; exit }' '$cfg' | grep -q 'loglevel=4'"

# The size report adds up: parts to the uncompressed initrd, sizes to the files on the stick
R=$P/out/report.txt
check "out/report.txt and out/report.svg are written" test -s "$R" -a -s "$P/out/report.svg"
check "report.svg is well-formed SVG" python3 -c "import sys, xml.dom.minidom as m; d = m.parse(sys.argv[1]); assert d.documentElement.tagName == 'svg'" "$P/out/report.svg"
for v in main custom; do
	check "report: kernel $v size is boot/kernel/$v.lk's" test 		"$(awk -v v=$v '$1 == "kernel" && $2 == v { print $3 }' "$R")" = "$(stat -c %s "$S/boot/kernel/$v.lk")"
	check "report: initrd $v size is boot/initrd/$v.gz's" test 		"$(awk -v v=$v '$1 == "initrd" && $2 == v { print $3 }' "$R")" = "$(stat -c %s "$S/boot/initrd/$v.gz")"
	raw=$(awk -v v=$v '$1 == "initrd" { on = ($2 == v) } on && $1 == "uncompressed:" { print $2 }' "$R")
	sum=$(awk -v v=$v '$1 == "initrd" { on = ($2 == v) } on && $1 ~ /^[0-9]+$/ && $2 == "bytes" { s += $1 } END { print s }' "$R")
	check "report: the parts of initrd $v add up to its uncompressed size ($sum = $raw)" test "$sum" = "$raw"
	check "report: initrd $v uncompressed size is the real one" test "$raw" = "$(zcat "$S/boot/initrd/$v.gz" | wc -c)"
done
check "report names the biggest parts (libc, busybox, the program)" bash -c "grep -q 'libc.so.6\$' '$R' && grep -q '/bin/busybox\$' '$R' && grep -q '/hello-i686\$' '$R'"

# Every label boots and shows its kernel and initrd
for l in mm mc cm cc; do
	"$MKDISTRO" -C "$P" test --timeout 120 --label "$l" \
		--cmd 'echo "kernel=$(uname -r) initrd=$(cat /etc/variant 2>/dev/null || echo main)"; if [ -x '"$bin"' ]; then '"$bin"'; fi' \
		> "$T/boot-$l.txt" 2>&1
	rc=$?
	k=main
	[ "${l:0:1}" = c ] && k=custom
	i=main
	[ "${l:1:1}" = c ] && i=custom
	if [ "$k" = custom ]; then kre='6\.1\.[0-9]+-custom'; else kre='6\.1\.[0-9]+'; fi
	if [ $rc -eq 0 ] && grep -Eq "^kernel=$kre initrd=$i\$" "$T/boot-$l.txt"; then
		ok "label $l boots the $k kernel with the $i initrd"
	else
		not_ok "label $l boots the $k kernel with the $i initrd (exit $rc)"
		tail -n 15 "$T/boot-$l.txt" | sed 's/^/    /'
	fi
done
check "the i386 program, an extra binary, runs in the custom initrd" contains "$T/boot-cc.txt" '^hello-i686 1\.0, 32-bit'
check "hd is in the menu" contains "$cfg" '^LABEL hd'

# An initrd variant with a BusyBox of its own (main's settings less awk)
O=$T/own-busybox
cp -a "$P" "$O"
rm -rf "$O/out"
sed 's/^CONFIG_AWK=y$/# CONFIG_AWK is not set/' "$repo/tests/e2e/small/busybox.config" > "$O/small-busybox.config"
printf '\n[initrd.small]\nbusybox_config = small-busybox.config\n' >> "$O/mkdistro.conf"
"$MKDISTRO" -C "$O" build > "$T/own.txt" 2>&1
check "an initrd variant with its own busybox.config builds" test $? -eq 0
zcat "$O/out/stick/boot/initrd/small.gz" | cpio -it --quiet > "$T/small.txt" 2>/dev/null
zcat "$O/out/stick/boot/initrd/main.gz" | cpio -it --quiet > "$T/main.txt" 2>/dev/null
check "its BusyBox has no awk, main's has" bash -c "! grep -qx usr/bin/awk '$T/small.txt' && grep -qx bin/busybox '$T/small.txt' && grep -qx usr/bin/awk '$T/main.txt'"
check "the menu grows to every pair (mm mc ms cm cc cs hd)" test \
	"$(awk '/^LABEL/ { print $2 }' "$O/out/stick/boot/syslinux/syslinux.cfg" | tr '\n' ' ')" = "mm mc ms cm cc cs hd "

# Errors
B=$T/bad
expect_fail() { # NAME PATTERN: build fails saying PATTERN
	"$MKDISTRO" -C "$B" build > "$T/out.txt" 2>&1
	local rc=$?
	if [ $rc -ne 0 ] && grep -Eq -- "$2" "$T/out.txt"; then ok "$1"; else
		not_ok "$1 (exit $rc)"
		sed 's/^/    /' "$T/out.txt" | tail -n 5
	fi
}
reset_bad() { rm -rf "$B"; cp -a "$P" "$B"; rm -rf "$B/out"; }
reset_bad
printf '\n[kernel.cool]\nfragment = custom-kernel.config\n' >> "$B/mkdistro.conf"
expect_fail "two kernel variants with one initial are named" "kernel variants 'custom' and 'cool' both start with 'c'"
reset_bad
sed -i 's|^binaries = .*|binaries = /usr/bin/no-such-program|' "$B/mkdistro.conf"
expect_fail "a missing extra binary is an error with file:line" "mkdistro.conf:[0-9]+: \[initrd.custom\] binaries: '/usr/bin/no-such-program' does not exist"
reset_bad
sed -i 's|^binaries = .*|binaries = /etc/passwd|' "$B/mkdistro.conf"
expect_fail "an extra binary that is not ELF is refused" "'/etc/passwd' is not an ELF binary"
reset_bad
cp /bin/true "$T/arm-true"
printf '\xb7\x00' | dd of="$T/arm-true" bs=1 seek=18 conv=notrunc status=none
sed -i "s|^binaries = .*|binaries = $T/arm-true|" "$B/mkdistro.conf"
expect_fail "an extra binary for another architecture is refused" "is for another architecture \(AArch64"
reset_bad
sed -i 's|^default = mm|default = xy|' "$B/mkdistro.conf"
expect_fail "a default that is no label" "mkdistro.conf:[0-9]+: \[boot\] default 'xy' is not a boot label"
reset_bad
printf '\n[label.zz]\nappend = quiet\n' >> "$B/mkdistro.conf"
expect_fail "a [label.NAME] for no label" "\[label.zz\] names no boot label"
reset_bad
sed -i 's|^overlay = overlay|overlay = nowhere|' "$B/mkdistro.conf"
expect_fail "a missing overlay directory" "\[initrd.custom\] overlay '.*nowhere' is not a directory"
reset_bad
sed -i 's|^stack = yes|stack = yes\nbudget = 100|' "$B/mkdistro.conf"
sum=$(sha256sum < "$P/out/mkdistro.img")
expect_fail "an initrd over its budget fails the build, naming what is over" \
	"mkdistro.conf:[0-9]+: initrd 'custom' is [0-9]+ KiB, over its budget of 100 KiB by [0-9]+ KiB; its biggest parts \(uncompressed\): /lib/libc.so.6"
check "a build over budget writes no image" test ! -e "$B/out/mkdistro.img"
reset_bad
sed -i 's|^stack = yes|stack = yes\nbudget = 5000|' "$B/mkdistro.conf"
"$MKDISTRO" -C "$B" build > "$T/out.txt" 2>&1
check "an initrd within its budget builds" bash -c "test $? -eq 0 && grep -q 'budget 5000 KiB: within' '$B/out/report.txt'"
finish
