#!/bin/bash
# Bad input: each case gives a clear error (file:line where there is one), a non-zero exit,
# and leaves the previous out/mkdistro.img intact.  On a copy of the shared project (lib.sh),
# built.
. "$(dirname "$0")/lib.sh"
T=$MKDISTRO_TEST_TMP/bad-input
B=$T/proj
rm -rf "$T"
mkdir -p "$T"
need_project || finish
cp -a "$PROJ" "$B"
img=$B/out/mkdistro.img
sum=$(sha256sum < "$img")
good_conf=$(cat "$B/mkdistro.conf")
good_kconf=$(cat "$B/kernel.config")
good_bconf=$(cat "$B/busybox.config")

# Everything in the project but out/, with sizes and times: nothing there may change
outside() { find "$B" -path "$B/out" -prune -o -printf '%P %y %s %T@\n' | sort; }
# expect_fail NAME PATTERN [ENV...]: the build fails, says PATTERN, keeps the image, and
# writes nothing outside out/
expect_fail() {
	local name=$1 pattern=$2 before
	shift 2
	before=$(outside)
	env "$@" "$MKDISTRO" -C "$B" build > "$T/out.txt" 2>&1
	local rc=$?
	if [ $rc -ne 0 ] && grep -Eq -- "$pattern" "$T/out.txt" && [ "$(sha256sum < "$img")" = "$sum" ] &&
		[ "$(outside)" = "$before" ]; then
		ok "$name"
	else
		[ "$(outside)" = "$before" ] || { echo "  written outside out/:"; diff <(echo "$before") <(outside) | sed 's/^/    /'; }
		not_ok "$name (exit $rc)"
		sed 's/^/    /' "$T/out.txt" | tail -n 8
	fi
	printf '%s\n' "$good_conf" > "$B/mkdistro.conf"
	printf '%s\n' "$good_kconf" > "$B/kernel.config"
	printf '%s\n' "$good_bconf" > "$B/busybox.config"
}
conf() { printf '%s\n' "$@" > "$B/mkdistro.conf"; }

conf '[image]' 'size = lots'
expect_fail "config: a number that is not" "mkdistro.conf:2: 'size' must be a whole number from 32 to"
conf '[image]' 'colour = blue'
expect_fail "config: unknown key" "mkdistro.conf:2: unknown key 'colour' in section \[image\]"
conf '[imaeg]' 'size = 64'
expect_fail "config: unknown section" "mkdistro.conf:1: unknown section '\[imaeg\]'"
conf '[image]' 'size = 64' 'size = 128'
expect_fail "config: key set twice" "mkdistro.conf:3: key 'size' is set twice \(first on line 2\)"
conf '[image]' 'size = 64' '' '[boot]' 'timeout = 5' '[image]' 'label = X'
expect_fail "config: a section twice" "mkdistro.conf:6: section '\[image\]' appears twice \(first on line 1\); put its keys together"
conf 'size = 64'
expect_fail "config: key outside a section" "mkdistro.conf:1: 'size' is outside any section"
conf '[image' 'size = 64'
expect_fail "config: syntax error" "mkdistro.conf:1: syntax error"
conf '[initrd]' 'format = squashfs'
expect_fail "config: bad initrd format" "mkdistro.conf:2: 'format' must be cpio or ext2, not 'squashfs'"
conf '[busybox]' 'static = maybe'
expect_fail "config: bad yes/no" "mkdistro.conf:2: 'static' must be yes or no, not 'maybe'"
conf '[boot]' "timeout = $(printf '9%.0s' $(seq 1 300))"
expect_fail "config: a long line is read whole" "mkdistro.conf:2: 'timeout' must be a whole number from 0 to 35996, not '9{300}'"
conf '[kernel]' 'source = /nonexistent/linux.tar.xz'
expect_fail "config: tarball without sha256" "set \[kernel\] sha256"
printf '[image]\nsize = 64\0garbage\n' > "$B/mkdistro.conf"
expect_fail "config: a NUL byte (binary garbage)" "mkdistro.conf:2: a NUL byte: this is not a text file"
conf '[qemu]' 'memory = 256 # MB'
expect_fail "config: a comment after a value" "mkdistro.conf:2: 'memory' must be a whole number from 32 to 65536, not '256 # MB'"
conf '[image]' 'volume_id = xyz'
expect_fail "config: a volume id that is not hex" "mkdistro.conf:2: 'volume_id' must be up to 8 hex digits, not 'xyz'"
conf '[system]' 'hostname = a b/c'
expect_fail "config: a bad host name" "mkdistro.conf:2: 'hostname' must be 1 to 63 letters"
conf '[kernel.x]' 'fragment = nope.config'
expect_fail "config: a variant's missing fragment" "cannot open '.*nope.config': No such file"
conf '[initrd.x]' 'overlay = nowhere'
expect_fail "config: a variant's missing overlay" "nowhere"
conf '[label.zz]' 'append = quiet'
expect_fail "config: a label that is not in the menu" "zz"
conf '[kernel]' 'config = missing.config'
expect_fail "config: missing kernel.config" "cannot open '.*missing.config': No such file"
conf '[rootfs]' 'skeleton = nowhere'
expect_fail "config: missing rootfs skeleton" "rootfs skeleton '.*nowhere' is not a directory"

printf 'CONFIG_PRINTK=y\nCONFIG_TTY\n' > "$B/kernel.config"
expect_fail "kernel.config: malformed line" "kernel.config:2: expected CONFIG_NAME=value"
printf 'CONFIG_PRINTK=y\nCONFIG_PRINTK=n\n' > "$B/kernel.config"
expect_fail "kernel.config: symbol set twice" "kernel.config:2: CONFIG_PRINTK is set twice"
printf 'CONFIG_PRINTK=yes\n' > "$B/kernel.config"
expect_fail "kernel.config: bad value" "kernel.config:1: bad value 'yes' for CONFIG_PRINTK"
printf '%s\nCONFIG_DRM_BOCHS=y\n' "$good_kconf" > "$B/kernel.config"
expect_fail "kernel.config: a symbol Kconfig drops is named" \
	"kernel.config:$(($(printf '%s\n' "$good_kconf" | wc -l) + 1)): CONFIG_DRM_BOCHS=y was dropped by olddefconfig"
printf 'CONFIG_PRINTK=y\nCONFIG_TTY=y\0\n' > "$B/kernel.config"
expect_fail "kernel.config: a NUL byte" "kernel.config:2: "
printf '%s\nCONFIG_NOT_A_REAL_SYMBOL=y\n' "$good_kconf" > "$B/kernel.config"
expect_fail "kernel.config: an unknown symbol is named" \
	"kernel.config:$(($(printf '%s\n' "$good_kconf" | wc -l) + 1)): CONFIG_NOT_A_REAL_SYMBOL=y was dropped by olddefconfig \(it is not set\)"
printf '%s\n# CONFIG_TTY is not set\n' "$good_kconf" > "$B/kernel.config"
expect_fail "kernel.config: a contradiction (set, then not set)" "kernel.config:[0-9]+: CONFIG_TTY is set twice"
printf 'CONFIG_ASH=y\nASH_JOB_CONTROL=y\n' > "$B/busybox.config"
expect_fail "busybox.config: malformed line" "busybox.config:2: expected CONFIG_NAME=value"
printf '%s\nCONFIG_NO_SUCH_APPLET=y\n' "$good_bconf" > "$B/busybox.config"
expect_fail "busybox.config: an unknown symbol is named" \
	"busybox.config:$(($(printf '%s\n' "$good_bconf" | wc -l) + 1)): CONFIG_NO_SUCH_APPLET=y was dropped by oldconfig"

expect_fail "a build cache path the kernel build cannot take" \
	"the build cache '/tmp/a b' has a space" MKDISTRO_CACHE="/tmp/a b"
mkdir -p "$T/emptybin"
expect_fail "a missing host tool names its Debian package" \
	"'make' is not found in PATH; install the Debian package 'make'" PATH="$T/emptybin"
ln -s /nonexistent "$B/rootfs/etc/dangling"
mkfifo "$B/rootfs/etc/fifo"
expect_fail "a FIFO in the skeleton is refused" "only directories, files and symlinks"
rm -f "$B/rootfs/etc/dangling" "$B/rootfs/etc/fifo"
ln -s ../../../../etc/shadow "$B/rootfs/etc/host-shadow"
expect_fail "a symlink in the skeleton that climbs out of the image is refused" \
	"rootfs/etc/host-shadow': the symlink's target '../../../../etc/shadow' climbs above the image's root"
rm -f "$B/rootfs/etc/host-shadow"
touch "$B/rootfs/etc/two
lines"
expect_fail "a file name with a newline is refused" "a file name with a newline cannot go in the image"
rm -f "$B/rootfs/etc/two"?lines
touch "$B/rootfs/TRAILER!!!"
expect_fail "a file named TRAILER!!! (the cpio end marker) is refused" "cannot store 'TRAILER!!!' in a cpio archive"
rm -f "$B/rootfs/TRAILER!!!"

# Extra binaries (an initrd variant's binaries): not ELF, cut short, for another machine,
# needing a library the host does not have
xconf() { printf '%s\n\n[initrd.x]\nbinaries = %s\n' "$good_conf" "$1" > "$B/mkdistro.conf"; }
printf '#!/bin/sh\necho hi\n' > "$T/script"
xconf "$T/script"
expect_fail "a binary that is not ELF" "binaries: '$T/script' is not an ELF binary"
head -c 100 /bin/true > "$T/cut"
xconf "$T/cut"
expect_fail "an ELF binary cut short" "binaries: '$T/cut' is not an ELF binary \(truncated"
cp /bin/true "$T/other-arch"
printf '\xb7\x00' | dd of="$T/other-arch" bs=1 seek=18 conv=notrunc status=none # e_machine: AArch64
xconf "$T/other-arch"
expect_fail "an ELF binary for another machine" "other-arch.*(AArch64|aarch64|machine|architecture)"
printf 'int f(void) { return 1; }\n' > "$T/libgone.c"
printf 'int f(void); int main(void) { return f(); }\n' > "$T/needs.c"
gcc -shared -fPIC -o "$T/libgone.so" "$T/libgone.c" && gcc -o "$T/needs" "$T/needs.c" -L"$T" -lgone &&
	rm "$T/libgone.so"
xconf "$T/needs"
expect_fail "a binary that needs a library the host lacks" "libgone.so"

"$MKDISTRO" -C "$B" frobnicate > "$T/out.txt" 2>&1
check "unknown command: exit 2 and a hint" bash -c "test $? -eq 2 && grep -q \"unknown command 'frobnicate'\" '$T/out.txt'"
"$MKDISTRO" -C "$T/nowhere" build > "$T/out.txt" 2>&1
check "missing project directory" bash -c "test $? -ne 0 && grep -q 'does not exist' '$T/out.txt'"
"$MKDISTRO" -C "$B" test --timeout abc > "$T/out.txt" 2>&1
check "test --timeout takes seconds" bash -c "test $? -ne 0 && grep -q 'timeout takes seconds' '$T/out.txt'"
finish
