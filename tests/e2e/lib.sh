# tests/e2e/lib.sh: helpers for the end-to-end tests (sourced).
# Each check prints "ok - NAME" or "not ok - NAME"; tests/run counts them.  Each test runs
# on its own: what it needs from another (the shared project) it gets from need_project.
set -u
: "${MKDISTRO:?}" "${MKDISTRO_TEST_TMP:?}"
# The tests keep their own build cache (a fresh clone builds the kernel once, cold).
export MKDISTRO_CACHE="${MKDISTRO_CACHE:-$MKDISTRO_TEST_TMP/cache}"
export SOURCE_DATE_EPOCH=946684800
# and their own ccache (the first, cold kernel build fills it; 14-ccache.sh rebuilds from it)
export CCACHE_DIR="${CCACHE_DIR:-$MKDISTRO_TEST_TMP/ccache}"
# The test build (make test-build): the program with its fault points and test fixtures
# (MKDISTRO_FAULT, MKDISTRO_TEST_*), which the installed one has none of.  Only the tests
# that inject faults run it; the others run $MKDISTRO.
export MKDISTRO_TESTBUILD="${MKDISTRO_TESTBUILD:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/tests/mkdistro-test}"
# The shared project: the default one (mkdistro init) with ccache = yes, built by
# need_project.  Tests read it, and change only copies of it (cp -a).
PROJ=$MKDISTRO_TEST_TMP/proj
fails=0

ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; fails=$((fails + 1)); }
# check NAME COMMAND...: ok when COMMAND succeeds
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name"; fi
}
# contains FILE PATTERN (grep -E)
contains() { grep -Eq -- "$2" "$1" || { echo "  '$2' not found in $1:"; sed 's/^/    /' "$1" | tail -n 15; return 1; }; }
finish() { exit $((fails > 0)); }
# kernel_seconds FILE: the kernel stage's time in a build's progress ("[2/8] kernel ... (N s)")
kernel_seconds() { sed -n 's/^\[2\/8\] kernel .*(\([0-9.]*\) s)$/\1/p' "$1"; }
# runnable_by USER: USER can run $MKDISTRO (every directory above it searchable), else say why
runnable_by() {
	setpriv --reuid="$1" --regid="$(id -gn "$1")" --clear-groups test -x "$MKDISTRO" && return 0
	echo "  $1 cannot run $MKDISTRO: a directory above it is not searchable by others" \
		"(chmod o+x it; mktemp -d makes mode 0700)"
	return 1
}
# boot NAME EXPECT ARGS...: `mkdistro -C $P test ARGS` reaches a shell and its transcript
# matches EXPECT (grep -E); the transcript is kept as $T/boot.txt and $T/boot-NAME.txt
boot() {
	local name=$1 expect=$2
	shift 2
	"$MKDISTRO" -C "$P" test --timeout 180 "$@" > "$T/boot.txt" 2>&1
	local rc=$?
	cp "$T/boot.txt" "$T/boot-${name//[ \/]/_}.txt"
	if [ $rc -eq 0 ] && contains "$T/boot.txt" "$expect"; then ok "$name"; else
		not_ok "$name (exit $rc)"
		tail -n 25 "$T/boot.txt" | sed 's/^/    /'
	fi
}
# need_testbuild: the test build is there; else not ok, saying how to make it, and 1
need_testbuild() {
	[ -x "$MKDISTRO_TESTBUILD" ] && return 0
	not_ok "the test build $MKDISTRO_TESTBUILD is there (make test-build)"
	return 1
}
# default_project DIR: a new project in DIR as the shared one is made (mkdistro init, then
# ccache on, so that a cold kernel build fills the tests' ccache)
default_project() {
	"$MKDISTRO" init "$1" && sed -i 's/^ccache = no$/ccache = yes/' "$1/mkdistro.conf" &&
		grep -q '^ccache = yes$' "$1/mkdistro.conf"
}
# small_system DIR: the project in DIR builds the tests' small system instead of the default
# PC one: [system] arch = i686, the small kernel of tests/e2e/small/i686 (no networking, no
# modules) and the small BusyBox of tests/e2e/small (over allnoconfig).  For the tests whose
# subject is how mkdistro builds (caches, interrupts, distcc, menuconfig, the ext2 format),
# not the PC.  84-i686.sh boots the same kernel and BusyBox, so a fresh checkout builds one
# small kernel, cold, once, into the tests' cache and ccache, and every test after takes it
# from there (a second CPU's kernel is cheaper shared than a second x86_64 one: issue 19).
small_system() {
	local small
	small=$(dirname "${BASH_SOURCE[0]}")/small
	cp "$small/i686/kernel.config" "$1/kernel.config" && cp "$small/busybox.config" "$1/busybox.config" &&
		sed -i -e 's/^\[system\]$/&\narch = i686/' \
			-e 's/^config = busybox.config$/&\nbase = allnoconfig/' "$1/mkdistro.conf" &&
		grep -qx 'arch = i686' "$1/mkdistro.conf" && grep -qx 'base = allnoconfig' "$1/mkdistro.conf"
}
# arch_example CPU DIR: a project in DIR from examples/CPU's mkdistro.conf with the tests'
# small kernel for CPU and small BusyBox (tests/e2e/small/), the repository's root
# filesystem, ccache; checked (ok/not ok), and 1 when it is not right
arch_example() {
	local root
	root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
	cp "$root/examples/$1/mkdistro.conf" "$2/" && cp "$root/tests/e2e/small/$1/kernel.config" "$2/" &&
		cp "$root/tests/e2e/small/busybox.config" "$2/" &&
		sed -i -e 's|^config = ../../busybox.config$|config = busybox.config\nbase = allnoconfig|' \
			-e "s|^skeleton = ../../rootfs\$|skeleton = $root/rootfs|" "$2/mkdistro.conf" &&
		printf '\n[build]\nccache = yes\n' >> "$2/mkdistro.conf"
	check "the project names arch = $1 and the small BusyBox" bash -c \
		"grep -qx 'arch = $1' '$2/mkdistro.conf' && grep -qx 'base = allnoconfig' '$2/mkdistro.conf' && grep -qx 'skeleton = $root/rootfs' '$2/mkdistro.conf'"
}
# init_arch CPU P T SYSLINUX [SED]: `mkdistro init --arch CPU` makes the default project with
# examples/CPU's kernel.config and settings, and syslinux/ (its boot.txt) when SYSLINUX is
# yes; with the tests' small kernel and BusyBox in it (as arch_example put them in P), no
# boot.txt (P has none) and SED applied to its mkdistro.conf for what P adds, it builds from
# the cache the image P built, byte for byte
init_arch() {
	local root d=$3/init rc
	root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
	"$MKDISTRO" init --arch "$1" "$d" > "$3/init.txt" 2>&1
	check "init --arch $1: arch = $1, examples/$1's kernel.config, syslinux/: $4" bash -c \
		"grep -qx 'arch = $1' '$d/mkdistro.conf' && cmp -s '$root/examples/$1/kernel.config' '$d/kernel.config' &&
		 test \"\$(test -d '$d/syslinux' && echo yes || echo no)\" = $4"
	rm -rf "$d/syslinux"
	cp "$root/tests/e2e/small/$1/kernel.config" "$root/tests/e2e/small/busybox.config" "$d/" &&
		sed -i -e 's|^config = busybox.config$|&\nbase = allnoconfig|' ${5:+-e "$5"} "$d/mkdistro.conf"
	"$MKDISTRO" -C "$d" build > "$3/init-build.txt" 2>&1
	rc=$?
	check "that project, with the small kernel and BusyBox, builds from the cache" bash -c \
		"test $rc -eq 0 && grep -q '^\[2/8\] kernel .*(cached)' '$3/init-build.txt' && grep -q '^\[3/8\] busybox .*(cached)' '$3/init-build.txt'"
	check "its image is examples/$1's, byte for byte" cmp "$2/out/mkdistro.img" "$d/out/mkdistro.img"
}
# ldd_arch CPU TRIPLET LOADER T: a dynamic program built with TRIPLET-gcc: `mkdistro ldd
# --arch CPU` finds its libc.so.6 and LOADER in the cross C library, /usr/TRIPLET/lib, and
# plain `mkdistro ldd` calls it another CPU's
ldd_arch() {
	printf 'int main(void) { return 0; }\n' > "$4/hello.c"
	"$2-gcc" -o "$4/hello" "$4/hello.c" || { not_ok "$2-gcc builds a dynamic program"; return 1; }
	"$MKDISTRO" ldd --arch "$1" "$4/hello" > "$4/ldd.txt" 2>&1
	check "ldd --arch $1: libc.so.6 and $3 from /usr/$2/lib" bash -c \
		"grep -qx '	libc.so.6 => /usr/$2/lib/libc.so.6' '$4/ldd.txt' && grep -q '$3 => /usr/$2/lib/$3\$' '$4/ldd.txt'"
	"$MKDISTRO" ldd "$4/hello" > "$4/ldd-host.txt" 2>&1
	check "ldd without --arch: the program is for another architecture than this host's" bash -c \
		"test $? -eq 1 && grep -q 'is for another architecture .*not this host' '$4/ldd-host.txt'"
}
# small_project DIR: a copy of the shared project in DIR with the small system
# (small_system), built (from the tests' cache after the first time).  Else not ok, and 1.
small_project() {
	need_project || return 1
	rm -rf "$1" && cp -a "$PROJ" "$1" && small_system "$1" || { not_ok "copy $PROJ to $1 with the small system"; return 1; }
	if ! "$MKDISTRO" -C "$1" build > "$1.build.txt" 2>&1; then
		not_ok "the shared project with the small system builds ($1)"
		tail -n 20 "$1.build.txt" | sed 's/^/    /'
		return 1
	fi
	small_compiled "$1.build.txt"
}
# small_compiled LOG: when the build in LOG compiled the small kernel through the tests'
# ccache, say so for 14-ccache.sh, which needs its compiles there
small_compiled() {
	if grep -Eq '^  make -j[0-9]+ bzImage \(ccache\)' "$1"; then
		touch "$MKDISTRO_TEST_TMP/small-kernel-compiled"
	fi
}
# need_project: $PROJ is the default project, built and current.  It is made anew when it is
# missing or differs from a new default project (the defaults changed, or an older run left
# another), then built: a no-op when it is current, seconds when the kernel and BusyBox are in
# the tests' cache, and once, cold, when they are not.  Else not ok, and 1.
# Tests that run side by side (tests/run: parallel) take turns here (flock).
need_project() {
	local lock ret
	exec {lock}> "$MKDISTRO_TEST_TMP/proj.lock"
	flock "$lock"
	need_project_locked
	ret=$?
	exec {lock}>&-
	return $ret
}
need_project_locked() {
	local fresh=$MKDISTRO_TEST_TMP/proj.new log=$MKDISTRO_TEST_TMP/proj.build.txt t0=$SECONDS
	rm -rf "$fresh"
	if ! default_project "$fresh" > "$log" 2>&1; then
		not_ok "the shared project: mkdistro init $fresh"
		sed 's/^/    /' "$log"
		return 1
	fi
	if ! diff -r -q -x out -x mkdistro.lock "$fresh" "$PROJ" > /dev/null 2>&1; then
		rm -rf "$PROJ"
		mv "$fresh" "$PROJ"
		echo "# the shared project: made anew in $PROJ"
	fi
	rm -rf "$fresh"
	[ -f "$PROJ/out/mkdistro.img" ] ||
		echo "# the shared project: building it (a kernel not in the cache takes minutes); log: $log"
	if ! "$MKDISTRO" -C "$PROJ" build > "$log" 2>&1; then
		not_ok "the shared project builds ($PROJ)"
		tail -n 20 "$log" | sed 's/^/    /'
		return 1
	fi
	echo "# the shared project: built, current ($((SECONDS - t0)) s)"
}

# The checks that every CPU's test (83-arm64, 84-i686) makes alike, on its project P and its
# scratch directory T.
# cpu_matrix P T CPU CELLS N: mkdistro matrix reaches a shell in every cell that can work, and
# out/boot-matrix.txt has N rows "CPU FIRMWARE MEDIUM cpio ok SECONDS s" matching the
# extended regular expression CELLS ("(bios|uefi) +(ide|usb)").
cpu_matrix() {
	"$MKDISTRO" -C "$1" matrix > "$2/matrix.txt" 2>&1
	check "matrix: every cell that can work reached a shell" test $? -eq 0
	cat "$1/out/boot-matrix.txt"
	check "out/boot-matrix.txt: $5 $3 cells ok with their times" \
		test "$(grep -cE "^$3 +$4 +cpio +ok +[0-9.]+ s\$" "$1/out/boot-matrix.txt")" = "$5"
}
# cpu_rebuild P T: the project built again from its cache entries into a fresh out/ gives the
# same image, byte for byte
cpu_rebuild() {
	cp "$1/out/mkdistro.img" "$2/first.img"
	rm -rf "$1/out"
	"$MKDISTRO" -C "$1" -q build > "$2/again.txt" 2>&1
	check "built again from the cache: the image is byte-identical" cmp "$2/first.img" "$1/out/mkdistro.img"
}
# cpu_refuses_x86_64 P T CPU MACHINE: the host's x86-64 /bin/true named as a binary of a
# copy of P (in T/bin) is refused at its file:line, as not MACHINE ([system] arch = CPU), and
# the copy's previous image stays
cpu_refuses_x86_64() {
	local sum line
	sum=$(sha256sum < "$1/out/mkdistro.img")
	rm -rf "$2/bin"
	cp -a "$1" "$2/bin"
	printf '\n[initrd.x]\nbinaries = /bin/true\n' >> "$2/bin/mkdistro.conf"
	line=$(grep -n '^binaries = /bin/true$' "$2/bin/mkdistro.conf" | cut -d: -f1)
	"$MKDISTRO" -C "$2/bin" build > "$2/bin.txt" 2>&1
	check "an x86-64 binary in an $3 image: the build fails" test $? -ne 0
	check "and says where and why" contains "$2/bin.txt" \
		"mkdistro.conf:$line: \[initrd.x\] binaries: '/bin/true' is for another architecture \(x86-64, 64-bit\), not $4 \(\[system\] arch = $3\)"
	check "the previous image is intact" test "$(sha256sum < "$2/bin/out/mkdistro.img")" = "$sum"
}
# cpu_overlay_refuses_x86_64 P T IMAGE: the host's x86-64 /bin/true in an overlay of a copy
# of P (in T/ovl) fails the build in the library search, named, as not IMAGE's machine
# ("i386, 32-bit")
cpu_overlay_refuses_x86_64() {
	rm -rf "$2/ovl"
	cp -a "$1" "$2/ovl"
	mkdir -p "$2/ovl/extra/usr/bin"
	cp /bin/true "$2/ovl/extra/usr/bin/true64"
	printf '\n[initrd.x]\noverlay = extra\n' >> "$2/ovl/mkdistro.conf"
	"$MKDISTRO" -C "$2/ovl" build > "$2/ovl.txt" 2>&1
	check "an x86-64 program in an overlay: the build fails" test $? -ne 0
	check "and names it and the CPU" contains "$2/ovl.txt" \
		"/usr/bin/true64' is for another architecture \(x86-64, 64-bit\), not the image's \($3\)"
}
