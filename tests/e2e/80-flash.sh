#!/bin/bash
# mkdistro flash: every refusal leaves the target byte-identical (read back with O_DIRECT);
# a loop device dressed up as a USB stick by a fake /sys (flash-fixture.sh) gets the image,
# verified, its stale GPT backup wiped; injected faults (EIO, a pulled stick, a stall, a
# corrupted byte, Ctrl-C, a device that shrinks) all end in failure, never in "done:"; and the
# flashed loop device boots in QEMU as a USB stick.  The fixtures and faults (MKDISTRO_TEST_*)
# exist only in the test build, which this test runs; the program as installed ignores
# every one of them.  Needs root and loop devices; the real disk behind / is only ever
# given to --dry-run.
. "$(dirname "$0")/lib.sh"
fixture=$(dirname "$0")/flash-fixture.sh
T=$MKDISTRO_TEST_TMP/flash
P=$PROJ
export MTOOLS_SKIP_CHECK=1
exec < /dev/null # the tool must never find a terminal or a stray answer on stdin
M=1048576

if [ "$(id -u)" != 0 ] || ! losetup -f > /dev/null 2>&1; then
	not_ok "needs root and loop devices"
	finish
fi
need_testbuild || finish
need_project || finish
# the program as installed, for the checks that it has no test hooks; the test build for
# everything else
INSTALLED=$MKDISTRO
MKDISTRO=$MKDISTRO_TESTBUILD

# Mounts, swaps and loop devices left by a run that died, then a clean directory
stale() {
	findmnt -rn -o TARGET | grep "^$T/" | sort -r | while read -r m; do umount -l "$m"; done
	losetup -n -O NAME,BACK-FILE | while read -r d back; do
		case "$back" in "$T"/*)
			swapoff "$d" "$d"p* 2> /dev/null
			losetup -d "$d"
			;;
		esac
	done
}
stale 2> /dev/null
rm -rf "$T"
mkdir -p "$T/log" "$T/mnt"

# Every loop device, mount, swap and process made here goes away at exit, even on failure
loops=()
pids=()
cleanup() {
	local p d
	for p in "${pids[@]}"; do kill "$p" 2> /dev/null; done
	wait 2> /dev/null
	while mountpoint -q "$T/mnt"; do umount "$T/mnt" || break; done
	for d in "${loops[@]}"; do
		swapoff "$d" "$d"p* 2> /dev/null
		losetup -d "$d" 2> /dev/null
	done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# mkloop VAR FILE SIZE [losetup options]: a loop device over FILE, first made SIZE bytes
# (sparse) unless SIZE is -
mkloop() {
	local var=$1 file=$2 size=$3 d
	shift 3
	[ "$size" = - ] || truncate -s "$size" "$file"
	d=$(losetup -f --show "$@" "$file") || return 1
	loops+=("$d")
	partx -u "$d" 2> /dev/null # the partition nodes appear now, not some time later
	printf -v "$var" %s "$d"
}
# unloop DEV: detach it now
unloop() {
	local d keep=()
	losetup -d "$1"
	for d in "${loops[@]}"; do [ "$d" = "$1" ] || keep+=("$d"); done
	loops=("${keep[@]}")
}
# fx NAME DEV [KEY=VALUE...]: a fresh fake /sys with DEV in it; prints the variable to set
fx() {
	local dir=$T/sys/$1
	shift
	rm -rf "$dir"
	bash "$fixture" "$dir" "$@" || echo "  fixture $dir failed" >&2
	echo "MKDISTRO_TEST_SYSFS=$dir"
}
# random DEV: fill it with random bytes, so that nothing passes by being zero already
random() { dd if=/dev/urandom of="$1" bs=1M oflag=direct status=none 2> /dev/null; sync; }
# region DEV OFFSET LENGTH: sha256 of those bytes (sector-aligned), read past the page cache
region() { dd if="$1" bs=64K iflag=direct,skip_bytes,count_bytes skip="$2" count="$3" status=none | sha256sum; }
# bytes DEV OFFSET LENGTH: those bytes
bytes() { dd if="$1" bs=64K iflag=skip_bytes,count_bytes skip="$2" count="$3" status=none; }

# state WATCH...: what each watched thing holds now: a block device is hashed whole (or its
# first N bytes for DEV@N) with O_DIRECT, after sync, so that a write still in some page
# cache or on the disk shows; a file is hashed; a directory listed; a missing path "absent";
# a device that cannot be opened here (not even by root, in some sandboxes) "unreadable"
state() {
	local w p n
	sync
	for w; do
		p=${w%@*} n=
		[ "$p" != "$w" ] && n=${w##*@}
		if [ -b "$p" ] && ! dd if="$p" of=/dev/null count=1 status=none 2> /dev/null; then
			echo "unreadable"
		elif [ -b "$p" ] && [ -n "$n" ]; then
			region "$p" 0 "$n"
		elif [ -b "$p" ]; then
			dd if="$p" bs=1M iflag=direct status=none | sha256sum
		elif [ -f "$p" ]; then
			sha256sum < "$p"
		elif [ -d "$p" ]; then
			ls -laR --full-time "$p" | sha256sum
		elif [ -e "$p" ]; then
			stat -L -c '%F %t:%T %s %Y' "$p"
		else
			echo "absent"
		fi
	done
}

# mkd LOG [MKDISTRO_TEST_*=VALUE...] ARGS...: mkdistro ARGS with those variables, its output in
# $out (kept as $T/log/LOG.txt), exit status in $rc, seconds taken in $secs.  A hang is
# killed after 100 s (and fails every check that wants a quick end).
mkd() {
	local log=$1 envs=() t0
	shift
	while [[ ${1:-} == MKDISTRO_TEST_*=* ]]; do
		envs+=("$1")
		shift
	done
	out=$T/log/${log//[^A-Za-z0-9.-]/_}.txt
	t0=$(date +%s.%N)
	env "${envs[@]}" timeout -k 5 100 "$MKDISTRO" "$@" > "$out" 2>&1
	rc=$?
	secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
}
show() { sed 's/^/    /' "$out" | tail -n 15; }
has() { grep -qF -- "$1" "$out"; }

# refuse NAME PHRASE WATCH... -- [VAR=VALUE...] ARGS...: `mkdistro ARGS` must refuse (exit 1)
# with PHRASE (a fixed string) and say that nothing was written ($nowrite, if set, is how it
# says so; empty: it need not); and every WATCH must read the same afterwards: 0 bytes
# written.  stdin is the caller's (/dev/null unless piped).
refuse() {
	local name=$1 phrase=$2 watch=() before after said=${nowrite-nothing was written to}
	shift 2
	while [ "$1" != -- ]; do
		watch+=("$1")
		shift
	done
	shift
	before=$(state "${watch[@]}")
	mkd "refuse-$name" "$@"
	after=$(state "${watch[@]}")
	if [ $rc -eq 1 ] && has "$phrase" && { [ -z "$said" ] || has "$said"; } && ! has "done: "; then
		ok "refuse: $name"
	else
		not_ok "refuse: $name (exit $rc; wants '$phrase')"
		show
	fi
	check "$name: 0 bytes written" test "$before" = "$after"
}
# passes NAME PHRASE WATCH... -- [VAR=VALUE...] ARGS...: a dry run that must pass (exit 0,
# PHRASE) and leave every WATCH as it was
passes() {
	local name=$1 phrase=$2 watch=() before after
	shift 2
	while [ "$1" != -- ]; do
		watch+=("$1")
		shift
	done
	shift
	before=$(state "${watch[@]}")
	mkd "pass-$name" "$@"
	after=$(state "${watch[@]}")
	if [ $rc -eq 0 ] && has "$phrase" && [ "$before" = "$after" ]; then
		ok "$name"
	else
		not_ok "$name (exit $rc; wants '$phrase' and nothing written)"
		show
	fi
}
dry='dry run: every check passed; nothing was written'

# Images: 8 MiB of random bytes with the boot signature (most cases), the same without it,
# and one of 8 MiB + 100 bytes (written padded to a sector)
img=$T/small.img
head -c $((8 * M)) /dev/urandom > "$img"
printf '\x55\xaa' | dd of="$img" bs=1 seek=510 conv=notrunc status=none
head -c $((8 * M)) /dev/urandom > "$T/nosig.img"
printf '\x00\x00' | dd of="$T/nosig.img" bs=1 seek=510 conv=notrunc status=none
odd=$T/odd.img
{ cat "$img"; head -c 100 /dev/urandom; } > "$odd"

# The sticks, random bytes (a write of zeros shows too): A, 32 MiB with one partition;
# B, 16 MiB with no partition table
head -c $((32 * M)) /dev/urandom > "$T/a.raw"
echo 'start=2048, type=83' | sfdisk -q "$T/a.raw" > /dev/null 2>&1
head -c $((16 * M)) /dev/urandom > "$T/b.raw"
mkloop A "$T/a.raw" - -P
mkloop B "$T/b.raw" -
Ap1=${A:-}p1
if [ ! -b "${A:-}" ] || [ ! -b "$Ap1" ] || [ ! -b "${B:-}" ]; then
	not_ok "loop devices for the sticks (A=${A:-} B=${B:-})"
	finish
fi
a=${A#/dev/} b=${B#/dev/}
usbA=$(fx usb-a "$A")
usbB=$(fx usb-b "$B")
check "the fixture makes A a USB stick with its partition" test -L "$T/sys/usb-a/dev/block/$(cat "/sys/class/block/$a/dev")" \
	-a -f "$T/sys/usb-a/dev/block/$(cat "/sys/class/block/$a/${a}p1/dev")/partition"

# Usage errors: exit 2, nothing written
mkd usage-none flash
check "flash without a device: usage error (exit 2)" test $rc -eq 2
before=$(state "$A")
mkd usage-option "$usbA" flash --yes --bogus "$img" "$A"
check "flash with an unknown option: usage error (exit 2)" test $rc -eq 2
mkd usage-three "$usbA" flash --yes "$img" "$A" "$B"
check "flash with three operands: usage error (exit 2)" test $rc -eq 2
check "usage errors: 0 bytes written" test "$before" = "$(state "$A")"

# Refusals: what DEVICE is
truncate -s $((16 * M)) "$T/file.raw"
ln -s file.raw "$T/file-link"
ln -s nosuch "$T/dangling"
ln -s "$Ap1" "$T/part-link"
ln -s "$A" "$T/stick-a"
mkdir "$T/dir"
echo keep > "$T/dir/keep"
refuse "device path does not exist" 'does not exist' "$T/nosuch" -- "$usbA" flash --yes "$img" "$T/nosuch"
refuse "a dangling symlink" 'does not exist' "$T/nosuch" -- "$usbA" flash --yes "$img" "$T/dangling"
refuse "a regular file" 'not a block device' "$T/file.raw" -- "$usbA" flash --yes "$img" "$T/file.raw"
refuse "a symlink to a regular file" 'not a block device' "$T/file.raw" -- "$usbA" flash --yes "$img" "$T/file-link"
refuse "a directory" 'not a block device' "$T/dir" -- "$usbA" flash --yes "$img" "$T/dir"
refuse "a character device (/dev/null)" 'not a block device' /dev/null -- "$usbA" flash --yes "$img" /dev/null
refuse "a partition" 'is a partition of' "$A" -- "$usbA" flash --yes "$img" "$Ap1"
refuse "a symlink to a partition" 'is a partition of' "$A" -- "$usbA" flash --yes "$img" "$T/part-link"
refuse "a partition, real sysfs" 'is a partition of' "$A" -- flash --yes --force "$img" "$Ap1"

# Refusals: the image (before DEVICE is looked at, so "nothing was written" need not name it)
nowrite='nothing was written' refuse "the image does not exist" 'missing.img' "$A" -- \
	"$usbA" flash --yes "$T/missing.img" "$A"
nowrite='nothing was written' refuse "an image without a boot signature" 'is not a disk image (no boot signature' \
	"$A" "$T/nosig.img" -- \
	"$usbA" flash --yes "$T/nosig.img" "$A"

# Refusals: the confirmation (no --yes)
echo "$b" | refuse "another device's name typed" 'confirmation did not match' "$A" -- "$usbA" flash "$img" "$A"
echo yes | refuse "'yes' typed" 'confirmation did not match' "$A" -- "$usbA" flash "$img" "$A"
echo "${a}p1" | refuse "a partition's name typed" 'confirmation did not match' "$A" -- "$usbA" flash "$img" "$A"
refuse "stdin at end of file without --yes" 'confirmation did not match' "$A" -- "$usbA" flash "$img" "$A"
check "the confirmation shows the stick (vendor, model)" bash -c "grep -q 'Generic' '$out' && grep -q 'Flash Disk' '$out'"

# Refusals: size and kind of disk
mkloop C1 "$T/c1.raw" $((8 * M - 512))
refuse "one sector smaller than the image" 'smaller than the image' "$C1" -- "$(fx c1 "$C1")" flash --yes "$img" "$C1"
unloop "$C1"
refuse "larger than 128 GB" 'larger than 128 GB' "$A" -- "$(fx big "$A" size=250000001)" flash --yes "$img" "$A"
check "the 128 GB refusal names --force" has '--force'
refuse "a loop device (not removable, not USB)" 'not removable and not a USB stick or SD card' "$A" -- flash --yes "$img" "$A"
check "the not-removable refusal names --force" has 'add --force'
refuse "an ATA disk, not removable" 'not removable and not a USB stick or SD card' "$A" -- \
	"$(fx ata "$A" bus=ata removable=0)" flash --yes "$img" "$A"
refuse "read-only in sysfs" 'read-only' "$A" -- "$(fx ro "$A" ro=1)" flash --yes "$img" "$A"
mkloop R "$T/r.raw" 16M -r
refuse "a read-only loop device (BLKROGET, sysfs says rw)" 'read-only' "$R" -- "$(fx ro-loop "$R")" flash --yes "$img" "$R"
unloop "$R"
refuse "held on the disk (dm)" 'held by' "$A" -- "$(fx held "$A" holder=dm-0)" flash --yes "$img" "$A"
refuse "held on a partition (dm)" 'held by' "$A" -- "$(fx pheld "$A" partholder=dm-1)" flash --yes "$img" "$A"

# Refusals: in use.  The mounts are read-only: a read-write ext2 rewrites its superblock a
# few seconds after the mount, which would look like a write by the tool.
mkfs.ext2 -q -F "$B"
mount -o ro "$B" "$T/mnt"
refuse "the whole device mounted" 'mounted at' "$B" -- "$usbB" flash --yes "$img" "$B"
umount "$T/mnt"
mkdir "$T/fsroot"
cp "$img" "$T/fsroot/stick.img"
mkfs.ext2 -q -F -d "$T/fsroot" "$Ap1"
mount -o ro "$Ap1" "$T/mnt"
refuse "a partition mounted" 'mounted at' "$A" -- "$usbA" flash --yes "$img" "$A"
refuse "the image lives on the stick" 'holds the image' "$A" "$T/mnt/stick.img" -- "$usbA" flash --yes "$T/mnt/stick.img" "$A"
umount "$T/mnt"
mkloop L "$img" -
refuse "a loop device backed by the image" 'holds the image' "$L" "$img" -- flash --yes --force "$img" "$L"
unloop "$L"
# A swap area is hashed up to its header only: the kernel may page into the rest any time
mkswap -q "$Ap1" > /dev/null
swapon -p -2 "$Ap1"
refuse "swap on a partition" 'used as swap' "$A@$((M + 4096))" -- "$usbA" flash --yes "$img" "$A"
swapoff "$Ap1"
mkswap -q "$B" > /dev/null
swapon -p -2 "$B"
refuse "swap on the whole device" 'used as swap' "$B@4096" -- "$usbB" flash --yes "$img" "$B"
swapoff "$B"
printf 'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n%s\tpartition\t31740\t\t0\t\t-2\n' "$Ap1" > "$T/swaps"
refuse "swap on a partition, as /proc/swaps says" 'used as swap' "$A" -- MKDISTRO_TEST_SWAPS="$T/swaps" "$usbA" flash --yes "$img" "$A"
python3 -c 'import os, sys, time
os.open(sys.argv[1], os.O_RDONLY | os.O_EXCL)
open(sys.argv[2], "w").close()
time.sleep(60)' "$B" "$T/held" &
pids+=($!)
for _ in $(seq 100); do [ -e "$T/held" ] && break; sleep 0.1; done
refuse "busy (another process has it open O_EXCL)" 'busy' "$B" -- "$usbB" flash --yes "$img" "$B"
kill "${pids[-1]}"
wait "${pids[-1]}" 2> /dev/null
# The symlink given points at B for the checks, then at A when the tool opens it
both=$(fx both "$A")
bash "$fixture" "$T/sys/both" "$B"
ln -s "$B" "$T/stick"
refuse "another device swapped in between check and open" 'changed between check and open' "$A" "$B" -- \
	"$both" MKDISTRO_TEST_BEFORE_OPEN="ln -sfn $A $T/stick" flash --yes "$img" "$T/stick"

# Refusals: the disk of the running system (mountinfo fixtures; A plays the system disk)
ma=$(cat "/sys/class/block/$a/dev")
mp=$(cat "/sys/class/block/$a/${a}p1/dev")
mi() { # NAME LINE...: a mountinfo file with the real / and these lines; prints the variable
	local f=$T/mountinfo-$1
	shift
	printf '%s\n' "$(awk '$5 == "/"' /proc/self/mountinfo | head -n 1)" "$@" > "$f"
	echo "MKDISTRO_TEST_MOUNTINFO=$f"
}
printf '26 1 %s / / rw,relatime - ext4 %s rw\n' "$ma" "$A" > "$T/mountinfo-root"
refuse "/ on the stick" 'holds /' "$A" -- "$usbA" MKDISTRO_TEST_MOUNTINFO="$T/mountinfo-root" flash --yes "$img" "$A"
refuse "/boot on its partition" 'holds /boot' "$A" -- "$usbA" \
	"$(mi boot "40 26 $mp / /boot rw,relatime - ext2 $Ap1 rw")" flash --yes "$img" "$A"
refuse "/usr on its partition" 'holds /usr' "$A" -- "$usbA" \
	"$(mi usr "41 26 $mp / /usr rw,relatime - ext4 $Ap1 rw")" flash --yes "$img" "$A"
refuse "/home on the disk" 'holds /home' "$A" -- "$usbA" \
	"$(mi home "42 26 $ma / /home rw,relatime - ext4 $A rw")" flash --yes "$img" "$A"
refuse "a partition mounted at /media/stick (mountinfo)" 'mounted at' "$A" -- "$usbA" \
	"$(mi media "43 26 $mp / /media/stick rw,relatime - vfat $Ap1 rw")" flash --yes "$img" "$A"
# The real system disk, with every belt on: --dry-run, no --yes (stdin at EOF) and a fault
# that fails the first write; only its first MiB is hashed (it is large)
root=$(awk '$5 == "/" { print $3; exit }' /proc/self/mountinfo)
rootdev=/dev/$(basename "$(readlink -f "/sys/dev/block/$root")")
if [ -b "$rootdev" ] && [ ! -e "/sys/dev/block/$root/partition" ]; then
	[ "$(state "$rootdev@512")" = unreadable ] &&
		echo "# $rootdev cannot be opened here, even by root: its 0-bytes check is a formality"
	refuse "the disk behind / ($rootdev), dry run" 'holds /' "$rootdev@$M" -- MKDISTRO_TEST_FLASH_FAULT=eio@0 \
		flash --dry-run --force "$img" "$rootdev"
	check "the system disk is not passed by the dry run" bash -c "! grep -qF '$dry' '$out'"
else
	not_ok "the disk behind / ($root) is a whole disk in /dev"
fi

# Dry runs that pass: nothing written, exit 0
passes "dry run: a USB stick" "$dry" "$A" -- "$usbA" flash --dry-run --yes "$img" "$A"
passes "dry run: --force lets a loop device through" "$dry" "$A" -- flash --dry-run --yes --force "$img" "$A"
passes "dry run: --force lets a 200 GB disk through" "$dry" "$A" -- "$(fx huge "$A" size=400000000)" \
	flash --dry-run --yes --force "$img" "$A"
passes "dry run: exactly 128 GB needs no --force" "$dry" "$A" -- "$(fx edge "$A" size=250000000)" \
	flash --dry-run --yes "$img" "$A"
passes "dry run: USB, not removable: no --force needed" "$dry" "$A" -- "$(fx usb-fixed "$A" removable=0)" \
	flash --dry-run --yes "$img" "$A"
passes "dry run: an SD card (mmc), not removable: no --force needed" "$dry" "$A" -- \
	"$(fx mmc "$A" bus=mmc removable=0)" flash --dry-run --yes "$img" "$A"
refuse "soldered-in eMMC on the mmc bus, without --force" 'soldered-in eMMC); add --force' "$A" -- \
	"$(fx emmc "$A" bus=emmc removable=0)" flash --yes "$img" "$A"
passes "dry run: a symlink to the stick" "$dry" "$A" -- "$usbA" flash --dry-run --yes "$img" "$T/stick-a"
mkloop C1 "$T/c1.raw" $((8 * M))
passes "dry run: a device exactly the image's size" "$dry" "$C1" -- "$(fx c1 "$C1")" flash --dry-run --yes "$img" "$C1"
unloop "$C1"

# Writes: the small image on B, confirmed by typing the name or the path
random "$B"
echo "$b" | mkd typed-name "$usbB" flash "$img" "$B"
check "typed the kernel name: exit 0" test $rc -eq 0
check "typed the kernel name: the image is on the stick" cmp -n $((8 * M)) "$img" "$B"
random "$B"
echo "$B" | mkd typed-path "$usbB" flash "$img" "$B"
check "typed the path: exit 0" test $rc -eq 0
check "typed the path: the image is on the stick" cmp -n $((8 * M)) "$img" "$B"
random "$B"
mkd no-verify "$usbB" flash --yes --no-verify "$img" "$B"
check "--no-verify: exit 0, says 'not verified (--no-verify)'" bash -c "test $rc -eq 0 && grep -qF 'not verified (--no-verify)' '$out' && ! grep -q 'verified: sha256' '$out'"
check "--no-verify: the image is on the stick" cmp -n $((8 * M)) "$img" "$B"
passes "dry run after a write: the stick stays as it is" "$dry" "$B" -- "$usbB" flash --dry-run --yes "$odd" "$B"
# 8 MiB + 100 bytes onto a device of exactly 8 MiB + 512: fits once padded, padding is zeros
mkloop C1 "$T/c1.raw" $((8 * M + 512))
random "$C1"
mkd odd "$(fx c1 "$C1")" flash --yes "$odd" "$C1"
check "an image of 8 MiB + 100 bytes onto 8 MiB + 512: exit 0" test $rc -eq 0
check "the odd-sized image is on the stick" cmp -n $((8 * M + 100)) "$odd" "$C1"
check "the odd-sized image is padded with 412 zeros" cmp -n 412 <(bytes "$C1" $((8 * M + 100)) 412) /dev/zero
unloop "$C1"

# Faults on B (MKDISTRO_TEST_FLASH_FAULT): a failure is exit 1 and never "done:"
fault() { # NAME PHRASE [VAR=VALUE...]: the flash of B fails (exit 1) with PHRASE
	local name=$1 phrase=$2
	shift 2
	random "$B"
	mkd "fault-$name" "$usbB" "$@" flash --yes "$img" "$B"
	if [ $rc -eq 1 ] && has "$phrase" && ! has "done: "; then ok "fault: $name"; else
		not_ok "fault: $name (exit $rc, $secs s; wants '$phrase')"
		show
	fi
}
for at in 0 511 $M $((4 * M + 12345)) $((8 * M - 1)); do
	fault "corrupt@$at caught by the verify" 'verify failed' MKDISTRO_TEST_FLASH_FAULT="corrupt@$at"
done
fault "eio@4M mid-write" 'failed at byte' MKDISTRO_TEST_FLASH_FAULT="eio@$((4 * M))"
# The partition table is wiped first and written last: a stick left unfinished looks blank
check "eio@4M: the unfinished stick's first MiB is zeros" \
	cmp <(dd if="$B" bs=64K iflag=direct count=16 status=none) <(head -c $M /dev/zero)
fault "eio@0 on the first write" 'failed at byte' MKDISTRO_TEST_FLASH_FAULT="eio@0"
fault "enodev@4M (stick pulled)" 'mkdistro: ' MKDISTRO_TEST_FLASH_FAULT="enodev@$((4 * M))"
fault "readeio@4M in the verify" 'mkdistro: ' MKDISTRO_TEST_FLASH_FAULT="readeio@$((4 * M))"
fault "stall@4M: the watchdog" 'no progress' MKDISTRO_TEST_FLASH_FAULT="stall@$((4 * M))"
check "stall: over within 30 s ($secs s)" awk -v s="$secs" 'BEGIN { exit !(s < 30) }'
# The device shrinks to 4 MiB under the tool (the backing file cut, the loop told)
fault "the device shrinks to 4 MiB at 2 MiB" 'mkdistro: ' MKDISTRO_TEST_FLASH_FAULT="exec@$((2 * M))" \
	MKDISTRO_TEST_FLASH_EXEC="truncate -s 4M $T/b.raw && losetup -c $B"
check "shrink: never says verified" bash -c "! grep -q 'verified: sha256' '$out'"
truncate -s $((16 * M)) "$T/b.raw"
losetup -c "$B"
random "$B"
# Not root and not in the disk's group: the checks pass, the open is refused, said plainly
before=$(state "$B")
env "$usbB" setpriv --reuid=65534 --regid=65534 --clear-groups "$MKDISTRO" flash --yes "$img" "$B" \
	> "$T/log/nobody.txt" 2>&1
rc=$?
check "not root: exit 1, 'needs root, or membership of its group'" bash -c \
	"[ $rc -eq 1 ] && grep -q 'writing a disk needs root, or membership of its group' '$T/log/nobody.txt'"
check "not root: 0 bytes written" test "$before" = "$(state "$B")"
mkd short "$usbB" MKDISTRO_TEST_FLASH_FAULT="short@0,short@$((4 * M)),short@$((8 * M - 1))" flash --yes "$img" "$B"
check "short writes: carried on, exit 0 and verified" bash -c "test $rc -eq 0 && grep -Eq 'verified: sha256 [0-9a-f]{64} matches' '$out'"
check "short writes: the image is on the stick" cmp -n $((8 * M)) "$img" "$B"
# exit 128 + the signal's number, as for every command (mkdistro(1), EXIT STATUS)
for sig in INT:130 TERM:143 HUP:129; do
	want=${sig#*:}
	sig=${sig%:*}
	random "$B"
	mkd "sig$sig" "$usbB" MKDISTRO_TEST_FLASH_FAULT="exec@$((4 * M))" MKDISTRO_TEST_FLASH_EXEC="kill -$sig \$PPID" \
		flash --yes "$img" "$B"
	check "SIG$sig mid-write: exit $want, 'interrupted by SIG$sig', within 30 s ($secs s)" bash -c \
		"test $rc -eq $want && grep -q 'interrupted by SIG$sig' '$out' && grep -q 'stopped writing' '$out' && ! grep -q 'done: ' '$out' && awk 'BEGIN { exit !($secs < 30) }'"
done

# The program as installed has no test hooks: with every MKDISTRO_TEST_* variable set it
# looks at the real /sys, /proc/self/mountinfo and /proc/swaps, runs no command, and injects
# no fault (the test build honours each of these on a loop device, as the checks above show)
random "$B"
env "$usbB" "$INSTALLED" flash --dry-run --yes "$img" "$B" > "$T/log/installed-sysfs.txt" 2>&1
rc=$?
check "installed: MKDISTRO_TEST_SYSFS is ignored (a loop device is refused: not removable)" bash -c \
	"test $rc -eq 1 && grep -q 'not removable and not a USB stick or SD card' '$T/log/installed-sysfs.txt'"
printf '26 1 %s / / rw,relatime - ext4 %s rw\n' "$(cat "/sys/class/block/$b/dev")" "$B" > "$T/mountinfo-b"
printf 'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n%s\tpartition\t15996\t\t0\t\t-2\n' "$B" > "$T/swaps-b"
# installed NAME VAR=VALUE...: the installed program flashes B (--force: a loop device) with
# those variables set, and succeeds, verified, the image on the stick, saying nothing of them
installed() {
	local name=$1 log=$T/log/installed-$1.txt
	shift
	random "$B"
	env "$@" "$INSTALLED" flash --yes --force "$img" "$B" > "$log" 2>&1
	rc=$?
	check "installed: $name: the flash succeeds and verifies" bash -c \
		"test $rc -eq 0 && grep -Eq 'verified: sha256 [0-9a-f]{64} matches' '$log' && cmp -s -n $((8 * M)) '$img' '$B' && ! grep -q MKDISTRO_TEST_ '$log'"
	[ $rc -eq 0 ] || sed 's/^/    /' "$log" | tail -n 8
}
rm -f "$T/before-open-ran" "$T/exec-ran"
installed "commands" "$usbB" MKDISTRO_TEST_BEFORE_OPEN="touch $T/before-open-ran" \
	MKDISTRO_TEST_FLASH_FAULT="exec@0" MKDISTRO_TEST_FLASH_EXEC="touch $T/exec-ran"
check "installed: no command from MKDISTRO_TEST_BEFORE_OPEN or MKDISTRO_TEST_FLASH_EXEC ran" \
	test ! -e "$T/before-open-ran" -a ! -e "$T/exec-ran"
installed "tables and faults" MKDISTRO_TEST_MOUNTINFO="$T/mountinfo-b" MKDISTRO_TEST_SWAPS="$T/swaps-b" \
	MKDISTRO_TEST_FLASH_FAULT="eio@$M,corrupt@$((2 * M)),stall@$((4 * M))"

# The real image on C (80 MiB): random bytes past the image, then a GPT whose backup header
# sits in the last sector; the flash must wipe that and leave the bytes in between alone
real=$P/out/mkdistro.img
if [ -f "$real" ]; then
	size=$(stat -c %s "$real")
	csize=$((size + 16 * M))
	truncate -s $csize "$T/c.raw"
	dd if=/dev/urandom of="$T/c.raw" bs=1M seek=$((size / M)) count=15 conv=notrunc status=none
	echo 'label: gpt' | sfdisk -q "$T/c.raw" > /dev/null 2>&1
	mkloop C "$T/c.raw" -
	usbC=$(fx usb-c "$C")
	check "C has a GPT backup header in its last sector" test "$(bytes "$C" $((csize - 512)) 8)" = "EFI PART"
	between=$(region "$C" "$size" $((csize - size - M)))
	passes "dry run: the project's image by default (-C)" "$dry" "$C" -- "$usbC" -C "$P" flash --dry-run --yes "$C"
	mkd real "$usbC" flash --yes "$real" "$C"
	check "flash the real image: exit 0" test $rc -eq 0
	check "the stick holds the image" cmp -n "$size" "$real" "$C"
	check "says what it wrote and how fast" grep -Eq 'wrote [0-9.]+ [kMG]?B in [0-9.]+ s' "$out"
	check "verified: sha256 of the image" grep -q "verified: sha256 $(sha256sum < "$real" | cut -d' ' -f1) matches" "$out"
	check "done: names the device and the image" grep -qF "done: $C holds $real" "$out"
	check "the last MiB (stale GPT backup) is zeros" cmp <(region "$C" $((csize - M)) $M) <(head -c $M /dev/zero | sha256sum)
	check "the bytes between the image and the last MiB are untouched" test "$between" = "$(region "$C" "$size" $((csize - size - M)))"
	check "sfdisk finds no GPT any more" bash -c "! sfdisk -d '$C' 2> /dev/null | grep -q 'label: gpt'"

	# It boots: QEMU with the loop device as a USB stick (the same check as 10-build-boot.sh)
	"$MKDISTRO" -C "$P" test --usb --image "$C" --timeout 120 --cmd 'echo $((6 * 7))' > "$T/boot.txt" 2>&1
	rc=$?
	if [ $rc -eq 0 ] && contains "$T/boot.txt" '^42' && contains "$T/boot.txt" 'shell after [0-9.]+ s'; then
		ok "the flashed loop device boots as a USB stick to a shell"
	else
		not_ok "the flashed loop device boots as a USB stick to a shell (exit $rc)"
		tail -n 25 "$T/boot.txt" | sed 's/^/    /'
	fi
fi
finish
