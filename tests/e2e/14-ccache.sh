#!/bin/bash
# ccache, an unprivileged build, and a kernel built twice (issue 6).  The tests' whole build
# cache is removed (rm -rf) and the shared project (lib.sh, with ccache = yes) is built again
# by an unprivileged user, at the same cache path, from the ccache that the first, cold
# kernel build filled.  The kernel must be compiled from ccache, and the kernel, BusyBox and
# image must be byte-identical to root's.
#
# How much time ccache saves is a speed target: bench/run checks it (a cold and a
# ccache-warm build in one run, against issue 6's 0.3), as every speed target is checked, and
# not a timed test here, which fails when the machine is busy.  The ratio is printed.
. "$(dirname "$0")/lib.sh"
T=$MKDISTRO_TEST_TMP/ccache-test
rm -rf "$T"
mkdir -p "$T"
sha() { sha256sum < "$1" | cut -c1-64; }
user=nobody
group=$(id -gn "$user")
# The cache is removed whole: only ever the tests' own
case "$MKDISTRO_CACHE" in
"$MKDISTRO_TEST_TMP"/*) ;;
*) echo "not ok - MKDISTRO_CACHE ($MKDISTRO_CACHE) is not the tests' own cache; not removing it"; exit 1 ;;
esac
need_project || finish
P=$PROJ

# A ccache that holds this kernel's compiles at this cache path, and the cold build's time:
# kept by the first, cold build (10-build-boot.sh or need_project); when the kernel came
# from the cache instead, a cold build here with an empty ccache fills it
if [ ! -s "$MKDISTRO_TEST_TMP/kernel-cold-seconds" ]; then
	echo "# no cold kernel build recorded: a cold build with an empty ccache first"
	rm -rf "$MKDISTRO_CACHE" "$CCACHE_DIR"
	"$MKDISTRO" -C "$P" build > "$T/cold.txt" 2>&1
	check "cold build with an empty ccache" test $? -eq 0
	kernel_seconds "$T/cold.txt" > "$MKDISTRO_TEST_TMP/kernel-cold-seconds"
fi
cold=$(cat "$MKDISTRO_TEST_TMP/kernel-cold-seconds")
echo "# cold kernel build (ccache empty): $cold s"
check "root's build is current" "$MKDISTRO" -C "$P" -q build
kernel0=$(sha "$P/out/stick/boot/kernel/main.lk")
busybox0=$(sha "$(sed -n 's/^mkdistro: .*BusyBox: //p;s/^mkdistro: built: \(.*busybox\)$/\1/p' "$P/out/log/busybox.log" | head -n 1)")
img0=$(sha "$P/out/mkdistro.img")

# The same project, as an unprivileged user, into an empty cache at the same path
cp -a "$P" "$T/p"
rm -rf "$T/p/out" "$MKDISTRO_CACHE"
mkdir -p "$MKDISTRO_CACHE" "$T/home" "$CCACHE_DIR"
chown -R "$user:$group" "$T/p" "$MKDISTRO_CACHE" "$T/home" "$CCACHE_DIR"
as_user() { setpriv --reuid="$user" --regid="$group" --clear-groups env HOME="$T/home" "$@"; }
check "the unprivileged user is not root" test "$(as_user id -u)" != 0
if ! runnable_by "$user"; then
	not_ok "$user can run $MKDISTRO"
	finish
fi
as_user ccache --zero-stats > /dev/null
as_user "$MKDISTRO" -C "$T/p" build > "$T/warm.txt" 2>&1
rc=$?
sed 's/^/    /' "$T/warm.txt"
check "build as $user after rm -rf of the build cache" test $rc -eq 0
check "the kernel was built (not taken from a cache entry)" contains "$T/warm.txt" '^  make -j[0-9]+ bzImage( modules)? \(ccache\)'
warm=$(kernel_seconds "$T/warm.txt")
as_user ccache --show-stats > "$T/stats.txt" 2>&1
sed 's/^/    /' "$T/stats.txt"
hits=$(sed -n 's/^ *Hits: *\([0-9]*\).*/\1/p' "$T/stats.txt" | head -n 1)
misses=$(sed -n 's/^ *Misses: *\([0-9]*\).*/\1/p' "$T/stats.txt" | head -n 1)
# all but a few of the compiles (at most 1 %) are hits
check "ccache served the compiles (hits: ${hits:-none}, misses: ${misses:-none})" \
	awk -v h="${hits:-0}" -v m="${misses:-1}" 'BEGIN { exit !(h > 100 && m <= 0.01 * (h + m)) }'
ratio=$(awk -v w="$warm" -v c="$cold" 'BEGIN { if (c > 0) printf "%.2f", w / c; else print "?" }')
echo "# ccache-warm kernel build: $warm s; cold: $cold s; ratio $ratio (not checked here: bench/run checks issue 6's 0.30)"
check "the kernel built twice (root, then $user from ccache) is byte-identical" \
	test "$(sha "$T/p/out/stick/boot/kernel/main.lk")" = "$kernel0"
bb=$(sed -n 's/^mkdistro: built: \(.*busybox\)$/\1/p;s/^mkdistro: .*BusyBox: //p' "$T/p/out/log/busybox.log" | head -n 1)
check "BusyBox built again is byte-identical" test -n "$bb" -a "$(sha "$bb")" = "$busybox0"
check "the image built by $user is byte-identical to root's" test "$(sha "$T/p/out/mkdistro.img")" = "$img0"
# The QEMU boot test as the unprivileged user too (issue 7: no root to build or boot-test)
as_user "$MKDISTRO" -C "$T/p" test --timeout 180 --cmd 'id -u' > "$T/boot.txt" 2>&1
rc=$?
[ $rc -eq 0 ] || tail -n 20 "$T/boot.txt" | sed 's/^/    /'
check "$user boots the image it built in QEMU to a shell" test $rc -eq 0
check "the files $user made in the cache are its own" test "$(stat -c %U "$MKDISTRO_CACHE/kernel")" = "$user"
finish
