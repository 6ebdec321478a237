#!/bin/bash
# The command line, the same rule for every command (mkdistro(1), EXIT STATUS): 0 success,
# 1 failure, 2 a command line not understood (its usage on stderr after the reason), 128+N
# when stopped by signal N; -h and --help print that command's own usage on stdout.  Needs
# no kernel: a new project, and commands stopped before any work.
. "$(dirname "$0")/lib.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
T=$MKDISTRO_TEST_TMP/cli
P=$T/proj
rm -rf "$T"
mkdir -p "$T"
cd "$T" || exit 1 # a command line taken wrong (init -h) makes nothing in the checkout
"$MKDISTRO" init "$P" > /dev/null || { not_ok "init makes a project for the checks"; finish; }

# cli NAME EXIT STDERR ARGS...: mkdistro -C $P ARGS exits EXIT and its stderr matches STDERR
# (grep -E; "" for empty); for exit 2 the command's usage follows the reason.
cli() {
	local name=$1 want=$2 err=$3
	shift 3
	"$MKDISTRO" -C "$P" "$@" > "$T/out" 2> "$T/err" < /dev/null
	local rc=$?
	local ok=1
	[ "$rc" -eq "$want" ] || ok=0
	if [ -z "$err" ]; then [ ! -s "$T/err" ] || ok=0; else grep -Eq -- "$err" "$T/err" || ok=0; fi
	if [ "$want" -eq 2 ] && [ -n "${usage_of:-}" ]; then
		grep -q "^usage: mkdistro \[-C DIR\] .*$usage_of" "$T/err" || ok=0
	fi
	if [ $ok -eq 1 ]; then ok "$name: exit $want"; else
		not_ok "$name: exit $rc, want $want"
		sed 's/^/    /' "$T/err" | head -n 8
	fi
}

# Each command's own usage, for -h and --help, on stdout, exit 0.
for cmd in build lint run test export matrix diff flash menuconfig initrd lock init ldd help; do
	for h in -h --help; do
		"$MKDISTRO" -C "$P" "$cmd" "$h" > "$T/out" 2> "$T/err"
		rc=$?
		check "$cmd $h: its own usage on stdout, exit 0" bash -c \
			"[ $rc -eq 0 ] && [ ! -s '$T/err' ] && head -n 1 '$T/out' | grep -Eq '^usage: mkdistro \[-C DIR\] (\[-q\] )?$cmd( |\$)'"
	done
	usage_of=$cmd cli "$cmd --bogus" 2 "^mkdistro: unknown option '--bogus'" "$cmd" --bogus
done
check "help COMMAND is COMMAND --help" bash -c \
	"cmp <('$MKDISTRO' help flash) <('$MKDISTRO' flash --help)"
check "mkdistro --help lists every command" bash -c \
	"for c in build lint run test export matrix diff flash menuconfig initrd lock init ldd help; do
		'$MKDISTRO' --help | grep -Eq \"^  \$c +[a-z]\" || exit 1; done"

# Usage errors: exit 2, the reason, then the command's usage.
usage_of=init cli "init without DIR" 2 "'init' takes 1 argument, not 0" init
usage_of=init cli "init with two" 2 "unexpected argument 'b'" init a b
usage_of=init cli "init --arch of a CPU mkdistro has no row for" 2 "--arch takes one of x86_64, i686, arm64, not 'sparc'" init --arch sparc "$T/sparc"
check "it makes nothing" test ! -e "$T/sparc"
usage_of=ldd cli "ldd without FILE" 2 "'ldd' needs at least 1 argument" ldd
usage_of=ldd cli "ldd --arch without FILE" 2 "'ldd' needs at least 1 argument" ldd --arch i686
usage_of=ldd cli "ldd --arch of a CPU mkdistro has no row for" 2 "--arch takes one of x86_64, i686, arm64, not 'sparc'" ldd --arch sparc /bin/true
usage_of=diff cli "diff with one image" 2 "'diff' takes 2 arguments, not 1" diff a
usage_of=initrd cli "initrd without a verb" 2 "needs pack or unpack" initrd
usage_of=initrd cli "initrd with another verb" 2 "'list' is neither pack nor unpack" initrd list a b
usage_of=initrd cli "initrd unpack --level" 2 "--level goes with 'initrd pack'" initrd unpack a b --level 3
usage_of=initrd cli "initrd pack --level 13" 2 "--level takes 1 to 12, not '13'" initrd pack a b --level 13
usage_of=menuconfig cli "menuconfig without a tree" 2 "say which: kernel or busybox" menuconfig
usage_of=menuconfig cli "menuconfig of another tree" 2 "'uboot' is neither kernel nor busybox" menuconfig uboot
usage_of=menuconfig cli "menuconfig --variant without a name" 2 "option '--variant' needs a value" menuconfig kernel --variant
usage_of=run cli "run --label without a label" 2 "option '--label' needs a value" run --label
usage_of=run cli "run --cmd" 2 "--cmd goes with 'mkdistro test'" run --cmd true
usage_of=test cli "test --timeout 0" 2 "--timeout takes seconds, from 1 to 86400, not '0'" test --timeout 0
usage_of=test cli "test --usb --cdrom" 2 "--usb and --cdrom cannot go together" test --usb --cdrom
usage_of=test cli "test --writable without --image" 2 "--writable needs --image" test --writable
usage_of=test cli "test with an operand" 2 "unexpected argument 'x'" test x
usage_of=export cli "export without a format" 2 "say which format" export
usage_of=export cli "export of an unknown format" 2 "unknown format 'vhd'" export vhd
usage_of=export cli "export of two formats" 2 "unexpected argument 'vmdk'" export vdi vmdk
usage_of=flash cli "flash without a device" 2 "say which device to write" flash
usage_of=flash cli "flash with three operands" 2 "unexpected argument 'c'" flash a b c
usage_of=build cli "build with an operand" 2 "unexpected argument 'x'" build x
usage_of=build cli "build --iso=yes" 2 "unknown option '--iso=yes'" build --iso=yes
usage_of=lint cli "lint with an operand" 2 "unexpected argument 'x'" lint x
usage_of=matrix cli "matrix with an operand" 2 "unexpected argument 'x'" matrix x
usage_of=lock cli "lock with an operand" 2 "unexpected argument 'x'" lock x
usage_of=help cli "help of no such command" 2 "unknown command 'frob'" help frob
usage_of="" cli "an unknown command" 2 "unknown command 'frob'" frob
usage_of="" cli "an unknown global option" 2 "unknown option '-Z'" -Z build

# Failures: exit 1, the reason, no usage.
usage_of="" cli "a project directory that does not exist" 1 "project directory '/nonexistent' does not exist" -C /nonexistent build
cli "ldd of a missing file" 1 "/nonexistent" ldd /nonexistent
cli "ldd of a file that is not ELF" 1 "not an ELF file" ldd "$P/mkdistro.conf"
cli "initrd unpack of a missing file" 1 "/nonexistent" initrd unpack /nonexistent "$T/x"
cli "test of an image that does not exist" 1 "does not exist" test --image "$T/none.img"
cli "test --cdrom with no ISO built" 1 "mkdistro.iso' does not exist; set \[image\] iso = yes" test --cdrom
cli "export of an image that does not exist" 1 "does not exist" export vdi --image "$T/none.img"
cli "init over an existing project" 1 "." init "$P"
# a failed init leaves nothing of the project behind (the default busybox.config a directory)
mkdir -p "$T/data/busybox.config" && cp -a "$root/mkdistro.conf" "$root/kernel.config" "$root/rootfs" "$root/syslinux" "$T/data/"
MKDISTRO_DATADIR=$T/data cli "init that fails on a default file" 1 "cannot read '$T/data/busybox.config'" init "$T/failed"
check "it leaves no directory" test ! -e "$T/failed"
mkdir -p "$T/had" && touch "$T/had/keep"
MKDISTRO_DATADIR=$T/data cli "init that fails, into a directory that was there" 1 "busybox.config" init "$T/had"
check "it leaves the directory as it was" test "$(ls -A "$T/had")" = keep
check "a failure prints no usage" bash -c "! grep -q '^usage:' '$T/err'"
cli "menuconfig of a variant that does not exist" 1 "no kernel variant 'nope'" menuconfig kernel --variant nope
# diff, as diff(1): 1 when the images differ, 2 when they cannot be compared
cli "diff of files that are not there" 2 "/nonexistent" diff /nonexistent /nonexistent2
check "diff trouble prints no usage" bash -c "! grep -q '^usage:' '$T/err'"

# Success: --version, help, init.
cli "--version" 0 "" --version
check "--version says the version" grep -Eq '^mkdistro [0-9]+\.[0-9]+\.[0-9]+$' "$T/out"
cli "help" 0 "" help
cli "init of a new directory" 0 "created project" init "$T/second"
check "it is the default project, with syslinux/" bash -c \
	"cmp -s '$T/second/mkdistro.conf' '$root/mkdistro.conf' && cmp -s '$T/second/kernel.config' '$root/kernel.config' && test -d '$T/second/syslinux'"
cli "init --arch x86_64: the same project" 0 "created project" init --arch x86_64 "$T/x86"
check "it is the default project too" diff -r "$T/second" "$T/x86"
# another CPU's project (built and booted in 83-arm64 and 84-i686)
cli "init --arch arm64" 0 "created project .* for arm64 from .* and examples/arm64" init --arch arm64 "$T/arm"
check "it has examples/arm64's kernel.config and settings, and no syslinux/" bash -c \
	"cmp -s '$T/arm/kernel.config' '$root/examples/arm64/kernel.config' && grep -qx 'arch = arm64' '$T/arm/mkdistro.conf' &&
	 grep -qx 'address = off' '$T/arm/mkdistro.conf' && test ! -e '$T/arm/syslinux'"
cli "ldd --arch x86_64 of a host program" 0 "" ldd --arch x86_64 /bin/true
check "it finds what ldd without --arch finds, libc.so.6 among them" bash -c \
	"grep -q 'libc.so.6 => ' '$T/out' && '$MKDISTRO' ldd /bin/true | cmp -s - '$T/out'"

# Signals (128 + their number) are checked where a command can be caught mid-work:
# 18-interrupt.sh (build, lock) and 80-flash.sh (flash).
finish
