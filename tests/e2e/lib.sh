# tests/e2e/lib.sh: helpers for the end-to-end tests (sourced).
# Each check prints "ok - NAME" or "not ok - NAME"; tests/run counts them.
set -u
# The tests keep their own build cache (a fresh clone builds the kernel once, cold).
export MKDISTRO_CACHE="${MKDISTRO_CACHE:-$MKDISTRO_TEST_TMP/cache}"
: "${MKDISTRO:?}" "${MKDISTRO_TEST_TMP:?}"
export SOURCE_DATE_EPOCH=946684800
# and their own ccache (test 10's cold build fills it; 14-ccache.sh rebuilds from it)
export CCACHE_DIR="${CCACHE_DIR:-$MKDISTRO_TEST_TMP/ccache}"
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
