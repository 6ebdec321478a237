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
# tiny_kernel DIR: the project in DIR builds the small kernel of examples/tiny (no
# networking, no modules) instead of the default PC kernel.  For the tests whose subject is
# how mkdistro builds (caches, interrupts, distcc, menuconfig, build history, the ext2
# format), not the PC kernel: that small kernel builds in a quarter of the time, is built
# cold once into the tests' cache and ccache, and is taken from there after.
tiny_kernel() {
	cp "$(dirname "${BASH_SOURCE[0]}")/../../examples/tiny/kernel.config" "$1/kernel.config"
}
# tiny_project DIR: a copy of the shared project in DIR with the small kernel (tiny_kernel),
# built (the small kernel from the tests' cache after the first time).  Else not ok, and 1.
tiny_project() {
	need_project || return 1
	rm -rf "$1" && cp -a "$PROJ" "$1" && tiny_kernel "$1" || { not_ok "copy $PROJ to $1"; return 1; }
	if ! "$MKDISTRO" -C "$1" build > "$1.build.txt" 2>&1; then
		not_ok "the shared project with the small kernel builds ($1)"
		tail -n 20 "$1.build.txt" | sed 's/^/    /'
		return 1
	fi
	tiny_compiled "$1.build.txt"
}
# tiny_compiled LOG: when the build in LOG compiled the small kernel through the tests'
# ccache, say so for 14-ccache.sh, which needs its compiles there
tiny_compiled() {
	if grep -Eq '^  make -j[0-9]+ bzImage \(ccache\)' "$1"; then
		touch "$MKDISTRO_TEST_TMP/tiny-kernel-compiled"
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
