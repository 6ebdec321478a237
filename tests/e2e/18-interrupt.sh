#!/bin/bash
# Interrupts and faults (issue 7): SIGINT, SIGTERM or SIGHUP at each stage leaves no
# partial output, no temporary file and no held lock, the last image stays as it was, and
# the next build succeeds and is correct; a source tarball interrupted while it unpacks
# leaves no cache entry.  A kernel build killed while make runs takes its
# make with it; a second build of the same project meanwhile fails at once, naming the
# lock; a full output disk (a small tmpfs over out/) is a clear error that keeps the last
# image.  On a copy of the shared project (lib.sh: kernel and BusyBox in the cache).
#
# The fast stages (a tenth of a second each) cannot be hit by timing: in the test build
# ($MKDISTRO_TESTBUILD), MKDISTRO_FAULT=NAME makes mkdistro send itself the signal at the
# start of stage NAME, or at "publish", just before the new image would replace the old
# (interrupt.h).  Everything else runs the program as installed ($MKDISTRO).
. "$(dirname "$0")/lib.sh"
T=$MKDISTRO_TEST_TMP/interrupt
P=$T/p
rm -rf "$T"
mkdir -p "$T"
need_testbuild || finish
# the small system (lib.sh): what is interrupted is the kernel stage, not a PC kernel
small_project "$P" || finish
sha() { sha256sum < "$1" | cut -c1-64; }
img=$P/out/mkdistro.img
# Temporary files anywhere in out/ or the cache, and a work directory left in out/
leftovers() {
	find "$P/out" "$MKDISTRO_CACHE" -name '*.tmp' 2>/dev/null
	[ ! -e "$P/out/.work" ] || echo "$P/out/.work"
}
clean() {
	local l
	l=$(leftovers)
	[ -z "$l" ] || { echo "  left behind:"; echo "$l" | sed 's/^/    /'; return 1; }
}

"$MKDISTRO" -C "$P" build > "$T/first.txt" 2>&1
check "a first build of the copy" test $? -eq 0
img0=$(sha "$img")

# Each stage, with a rootfs change so that the stages after rootfs have work to do
n=0
for point in sources kernel busybox rootfs lint initrd stick image publish; do
	case $((n % 3)) in 0) sig=INT code=130 ;; 1) sig=TERM code=143 ;; 2) sig=HUP code=129 ;; esac
	n=$((n + 1))
	echo "$point $sig" > "$P/rootfs/etc/interrupted"
	MKDISTRO_FAULT=$point:$sig "$MKDISTRO_TESTBUILD" -C "$P" build > "$T/$point.txt" 2>&1
	rc=$?
	if [ $rc -eq $code ] && contains "$T/$point.txt" "^mkdistro: interrupted by SIG$sig\$" &&
		test "$(sha "$img")" = "$img0" && clean; then
		ok "SIG$sig at $point: exit $code, the last image intact, nothing left behind"
	else
		not_ok "SIG$sig at $point: exit $rc (want $code)"
		sed 's/^/    /' "$T/$point.txt" | tail -n 8
	fi
done
check "an interrupted stage is not reported done" bash -c "! grep -q '^\[6/8\] initrd' '$T/initrd.txt' && ! grep -q '^\[8/8\] image' '$T/publish.txt'"

# A kernel build killed while make runs: SIGTERM to mkdistro alone is passed on to make
v=-intr$$ # a version no earlier run built, so that the kernel is not in the cache
echo "CONFIG_LOCALVERSION=\"$v\"" >> "$P/kernel.config"
"$MKDISTRO" -C "$P" build > "$T/kernel-kill.txt" 2>&1 &
pid=$!
for _ in $(seq 600); do grep -q 'make -j[0-9]* bzImage' "$T/kernel-kill.txt" && break; sleep 0.1; done
sleep 3
objdir=$MKDISTRO_CACHE/build/kernel-
check "make is running under mkdistro" bash -c "pgrep -f '^make .*O=$objdir' > /dev/null"
start=$SECONDS
"$MKDISTRO" -C "$P" build > "$T/second.txt" 2>&1
rc=$?
check "a second build of the project meanwhile fails at once ($((SECONDS - start)) s), naming the lock" \
	bash -c "test $rc -ne 0 && test $((SECONDS - start)) -lt 5 && grep -q 'another mkdistro build is using this project (lock: $P/out/.lock)' '$T/second.txt'"
kill -TERM $pid
wait $pid
rc=$?
check "SIGTERM during make: exit 143" test $rc -eq 143
sleep 1
check "no make is left running" bash -c "! pgrep -f '^make .*O=$objdir'"
check "the kernel stage says it was interrupted, with no make log tail" bash -c \
	"grep -q '^mkdistro: interrupted by SIGTERM\$' '$T/kernel-kill.txt' && ! grep -q 'failed (exit' '$T/kernel-kill.txt'"
check "after the kill: the last image intact, nothing left behind" bash -c "test '$(sha "$img")' = '$img0' && test -z \"\$(find '$P/out' '$MKDISTRO_CACHE' -name '*.tmp')\" && test ! -e '$P/out/.work'"

# A full disk: out/ on a tmpfs with too little room for the new files (a mount namespace of
# this test's own, so nothing stays mounted)
echo "disk full" > "$P/rootfs/etc/interrupted"
used=$(du -sk "$P/out" | cut -f1)
if [ "$(id -u)" = 0 ]; then ns=(unshare --mount); else ns=(unshare --mount --map-root-user); fi
"${ns[@]}" bash -c '
	set -e
	cp -a "$1/out" "$2/saved"
	mount -t tmpfs -o size=$(( $3 + 1024 ))k mkdistro-full "$1/out"
	cp -a "$2/saved/." "$1/out/"
	set +e
	"$MKDISTRO" -C "$1" build > "$2/full.txt" 2>&1
	echo $? > "$2/full.rc"
	sha256sum < "$1/out/mkdistro.img" | cut -c1-64 > "$2/full.sha"
	{ find "$1/out" -name "*.tmp"; [ ! -e "$1/out/.work" ] || echo "$1/out/.work"; } > "$2/full.left"
	df -k "$1/out" | tail -n 1 > "$2/full.df"
' full "$P" "$T" "$used" > "$T/ns.txt" 2>&1
check "the tmpfs was mounted in a namespace of the test's own" test -s "$T/full.df"
check "a full disk fails the build, exit 1" test "$(cat "$T/full.rc" 2>/dev/null)" = 1
check "it says the disk is full, naming the file" contains "$T/full.txt" "No space left on device"
check "the last image is intact on the full disk" test "$(cat "$T/full.sha" 2>/dev/null)" = "$img0"
check "nothing left behind on the full disk" test -f "$T/full.left" -a ! -s "$T/full.left"

# A source tarball being unpacked into the cache (BusyBox's own upstream tarball, which the
# cache holds, as a tarball source): SIGINT once its first member is on disk
Q=$T/q
bbtar=$(ls "$MKDISTRO_CACHE"/src/debian-busybox/busybox_*.orig.tar.* 2>/dev/null | head -n 1)
cp -a "$P" "$Q" && rm -rf "$Q/out"
cp "$bbtar" "$T/bb.tar.bz2"
bbsha=$(sha "$T/bb.tar.bz2")
bbentry=$MKDISTRO_CACHE/src/tarball-${bbsha:0:16}
rm -rf "$bbentry" "$bbentry.tmp"
sed -i "s|^source = debian:busybox|source = $T/bb.tar.bz2\nsha256 = $bbsha|" "$Q/mkdistro.conf"
lock0=$(sha "$Q/mkdistro.lock")
MKDISTRO_FAULT=unpack "$MKDISTRO_TESTBUILD" -C "$Q" lock --update > "$T/unpack.txt" 2>&1
rc=$?
if [ $rc -eq 130 ] && contains "$T/unpack.txt" "^mkdistro: interrupted by SIGINT\$" &&
	contains "$T/unpack.txt" "unpacking $T/bb.tar.bz2" && test ! -e "$bbentry" &&
	test ! -e "$bbentry.tmp" && test "$(sha "$Q/mkdistro.lock")" = "$lock0"; then
	ok "SIGINT while a source tarball unpacks: exit 130, no cache entry or .tmp, the lock unchanged"
else
	not_ok "SIGINT while a source tarball unpacks: exit $rc (want 130)"
	sed 's/^/    /' "$T/unpack.txt" | tail -n 8
	ls -d "$bbentry"* 2>/dev/null | sed 's/^/    left: /'
fi
"$MKDISTRO" -C "$Q" lock --update > "$T/unpack2.txt" 2>&1
rc=$?
check "the next run unpacks it whole, and pins it" bash -c "test $rc -eq 0 && test -f '$bbentry/.mkdistro-id' && test -d '$bbentry/$(tar -tjf "$T/bb.tar.bz2" | head -n 1 | cut -d/ -f1)' && test ! -e '$bbentry.tmp' && grep -q '$bbsha' '$Q/mkdistro.lock'"
rm -rf "$bbentry" "$Q"

# The next build, with every change made above, succeeds and is right
"$MKDISTRO" -C "$P" build > "$T/last.txt" 2>&1
rc=$?
[ $rc -eq 0 ] || sed 's/^/    /' "$T/last.txt" | tail -n 15
check "the next build succeeds" test $rc -eq 0
check "its kernel has the new version" contains "$T/last.txt" "^\\[2/8\\] kernel +main [0-9.]+$v "
"$MKDISTRO" initrd unpack "$P/out/stick/boot/initrd/main.gz" "$T/initrd" > /dev/null 2>&1
check "its initrd has the last rootfs change" test "$(cat "$T/initrd/etc/interrupted" 2>/dev/null)" = "disk full"
check "a new image replaced the old" test "$(sha "$img")" != "$img0"
check "nothing left behind" clean
boot "the new image boots to a shell" "Linux version 6\\.1\\.[0-9]+$v " --cmd 'cat /etc/interrupted'
check "the booted system has the last rootfs change" contains "$T/boot.txt" '^disk full'
finish
