#!/bin/bash
# The compile's progress line (issue 20): BusyBox compiled cold on a terminal (a pty from
# script(1)) shows one line redrawn in place, objects done of a total, percent, the time so
# far and the time left; the first build of a configuration says its total is a guess, and
# the count it made is kept beside the build tree (<cache>/build/TREE.objects), so that the
# next cold build of the same configuration expects that count.  -q shows nothing.  The
# plain line of a build that is not on a terminal is 14-ccache's check (its kernel compile
# is long enough for one).  On the tests' small system (i686), in a cache of its own that
# has the kernel from the tests' cache, so that BusyBox's tree starts cold each time; its
# compiles come from the tests' ccache.
. "$(dirname "$0")/lib.sh"
T=$MKDISTRO_TEST_TMP/progress
rm -rf "$T"
mkdir -p "$T/p"
P=$T/p
C=$T/cache
arch_example i686 "$P"

# the small kernel from the tests' cache (built there once), BusyBox cold in a cache of its own
"$MKDISTRO" -C "$P" -q build > "$T/first.txt" 2>&1
check "the small system builds in the tests' cache" test $? -eq 0
mkdir -p "$C"
cp -a "$MKDISTRO_CACHE/kernel" "$C/"
ln -s "$MKDISTRO_CACHE/src" "$C/src"

# cold_build NAME [OPTION]: BusyBox compiled in an empty build tree, on a terminal
cold_build() {
	local name=$1
	shift
	# (the trees, not their records beside them)
	find "$C/build" -mindepth 1 -maxdepth 1 -type d -exec rm -rf {} + 2> /dev/null
	rm -rf "$C/busybox" "$P/out"
	MKDISTRO_CACHE=$C script -qfec "'$MKDISTRO' -C '$P' $* build" /dev/null > "$T/$name.raw" 2>&1
	local rc=$?
	# each redraw on a line of its own: the pty's CR LF as LF, the erase codes dropped
	sed -e 's/\r$//' -e 's/\x1b\[K//g' "$T/$name.raw" | tr '\r' '\n' > "$T/$name.txt"
	check "$name: the build passes" test $rc -eq 0
}

cold_build guess
check "guess: BusyBox was compiled" contains "$T/guess.txt" '^  make -j[0-9]+ busybox'
check "guess: a live line, redrawn in place (carriage return, erase to the end of the line)" \
	grep -aqE $'\r  busybox: [0-9]+/~[0-9]+ objects .*\e\\[K' "$T/guess.raw"
check "guess: it says the total is a guess, and that the time left is not known at first" \
	contains "$T/guess.txt" '^  busybox: [0-9]+/~[0-9]+ objects \(guessed\), [0-9]+%, [0-9]+:[0-9]{2} elapsed, (time left not known yet|about [0-9]+:[0-9]{2} left|finishing)'
n=$(sed -n 's/^  busybox: \([0-9]*\) objects compiled in [0-9]*:[0-9]* (guessed [0-9]*)$/\1/p' "$T/guess.txt")
check "guess: the last line says how many objects in how long (${n:-none})" test -n "$n"
record=$(ls "$C"/build/busybox-i686-*.objects 2> /dev/null)
check "the count is kept beside the build tree" bash -c "[ -n '$record' ] && grep -Eq '^[0-9a-f]{64} $n [0-9]+\$' '$record'"
echo "# BusyBox: $n objects; the record: $(cat "$record" 2> /dev/null)"

cold_build expected
check "expected: the next cold build expects the count of the last one" \
	contains "$T/expected.txt" "^  busybox: [0-9]+/$n objects, [0-9]+%, [0-9]+:[0-9]{2} elapsed"
check "expected: and says so at the end" \
	contains "$T/expected.txt" "^  busybox: $n objects compiled in [0-9]+:[0-9]{2} \(expected $n\)\$"

cold_build quiet -q
check "quiet: -q shows no progress line" bash -c "! grep -aq 'objects' '$T/quiet.raw'"
check "quiet: BusyBox was compiled all the same" bash -c "ls '$C'/build/busybox-i686-*/busybox_unstripped > /dev/null"
finish
