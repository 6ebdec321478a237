#!/bin/bash
# mkdistro itself under valgrind (issue 7): a build whose every stage after the kernel does
# real work (a new file in the skeleton, so the initrd is not in the cache; out/ removed, so
# the stick and image are made anew), then lint, initrd unpack and pack, and diff.  Any
# memory error, or memory lost for good, fails.  The kernel and BusyBox come from the cache
# (valgrind follows mkdistro, not make: --trace-children=no).
. "$(dirname "$0")/lib.sh"
T=$MKDISTRO_TEST_TMP/valgrind
P=$T/p
rm -rf "$T"
mkdir -p "$T"
need_project || finish
cp -a "$PROJ" "$P"
rm -rf "$P/out"
echo "valgrind $$ $(date +%s.%N)" > "$P/rootfs/etc/valgrind"
# vg NAME WANT ARGS...: mkdistro ARGS under valgrind, exiting WANT
vg() {
	local name=$1 want=$2
	shift 2
	valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
		--trace-children=no "$MKDISTRO" "$@" > "$T/$name.txt" 2>&1
	local rc=$?
	if [ $rc -eq "$want" ] && ! grep -q '^==[0-9]*==' "$T/$name.txt"; then
		ok "valgrind: mkdistro $* (no errors, nothing lost)"
	else
		not_ok "valgrind: mkdistro $* (exit $rc)"
		grep -A12 '^==[0-9]*==' "$T/$name.txt" | head -n 40 | sed 's/^/    /'
		tail -n 5 "$T/$name.txt" | sed 's/^/    /'
	fi
}
vg build 0 -C "$P" build
check "the build made the initrd and image anew" bash -c "grep -q 'initrd main: building' '$T/build.txt' && test -s '$P/out/mkdistro.img'"
vg lint 0 -C "$P" lint
vg unpack 0 initrd unpack "$P/out/stick/boot/initrd/main.gz" "$T/unpacked"
vg pack 0 initrd pack "$T/unpacked" "$T/main.gz"
# the images differ (the new file): exit 1, as diff(1)
vg diff 1 diff "$PROJ/out/mkdistro.img" "$P/out/mkdistro.img"
finish
