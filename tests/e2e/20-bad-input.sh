#!/bin/bash
# Bad input: each case gives a clear error (file:line where there is one), a non-zero exit,
# and leaves the previous out/mkdistro.img intact.  Runs after 10-build-boot.sh, whose
# project and image it reuses.
. "$(dirname "$0")/lib.sh"
T=$MKDISTRO_TEST_TMP/bad-input
P=$MKDISTRO_TEST_TMP/proj
B=$T/proj
rm -rf "$T"
mkdir -p "$T"
if [ ! -f "$P/out/mkdistro.img" ]; then
	not_ok "needs the image built by 10-build-boot.sh"
	finish
fi
cp -a "$P" "$B"
sed -i 's/^format = ext2/format = cpio/; s/^size = 8000/size = 5000/' "$B/mkdistro.conf"
img=$B/out/mkdistro.img
sum=$(sha256sum < "$img")
good_conf=$(cat "$B/mkdistro.conf")
good_kconf=$(cat "$B/kernel.config")
good_bconf=$(cat "$B/busybox.config")

# expect_fail NAME PATTERN [ENV...]: the build fails, says PATTERN, keeps the image
expect_fail() {
	local name=$1 pattern=$2
	shift 2
	env "$@" "$MKDISTRO" -C "$B" build > "$T/out.txt" 2>&1
	local rc=$?
	if [ $rc -ne 0 ] && grep -Eq -- "$pattern" "$T/out.txt" && [ "$(sha256sum < "$img")" = "$sum" ]; then
		ok "$name"
	else
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
conf '[image]' 'size = 64' '' '[image]' 'size = 128'
expect_fail "config: key set twice" "mkdistro.conf:5: key 'size' is set twice \(first on line 2\)"
conf 'size = 64'
expect_fail "config: key outside a section" "mkdistro.conf:1: 'size' is outside any section"
conf '[image' 'size = 64'
expect_fail "config: syntax error" "mkdistro.conf:1: syntax error"
conf '[initrd]' 'format = squashfs'
expect_fail "config: bad initrd format" "mkdistro.conf:2: 'format' must be cpio or ext2, not 'squashfs'"
conf '[busybox]' 'static = maybe'
expect_fail "config: bad yes/no" "mkdistro.conf:2: 'static' must be yes or no, not 'maybe'"
conf '[boot]' "append = $(printf 'x%.0s' $(seq 1 300))"
expect_fail "config: line too long" "mkdistro.conf:2: line too long"
conf '[kernel]' 'source = /nonexistent/linux.tar.xz'
expect_fail "config: tarball without sha256" "set \[kernel\] sha256"
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

"$MKDISTRO" -C "$B" frobnicate > "$T/out.txt" 2>&1
check "unknown command: exit 2 and a hint" bash -c "test $? -eq 2 && grep -q \"unknown command 'frobnicate'\" '$T/out.txt'"
"$MKDISTRO" -C "$T/nowhere" build > "$T/out.txt" 2>&1
check "missing project directory" bash -c "test $? -ne 0 && grep -q 'does not exist' '$T/out.txt'"
"$MKDISTRO" -C "$B" test --timeout abc > "$T/out.txt" 2>&1
check "test --timeout takes seconds" bash -c "test $? -ne 0 && grep -q 'timeout takes seconds' '$T/out.txt'"
finish
