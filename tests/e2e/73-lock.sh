#!/bin/bash
# mkdistro.lock: the first build pins the sources; later builds check them before unpacking,
# hash a file again only when it changed, and refuse a tampered, truncated, changed, missing
# or unpinned source, each with its own message, a non-zero exit and the previous
# out/mkdistro.img untouched.
#
# Part 1 stands alone: small local tarballs as sources (a kernel "tree" without a Makefile,
# so that the build, once past the sources, stops at once in the kernel stage; nothing is
# compiled).  Part 2 uses the real Debian sources of the shared project (lib.sh), on a copy,
# with every stage cached, and tampers with the lock file's pins instead of the system's
# files.
. "$(dirname "$0")/lib.sh"
T=$MKDISTRO_TEST_TMP/lock
P=$T/p
rm -rf "$T"
mkdir -p "$T"

# tgz OUT DIR TEXT: a tarball holding DIR/README with TEXT
tgz() {
	mkdir -p "$T/mk/$2"
	printf '%s\n' "$3" > "$T/mk/$2/README"
	tar -C "$T/mk" --owner=0 --group=0 --mtime=@946684800 -caf "$1" "$2"
	rm -rf "$T/mk"
}
sha() { sha256sum < "$1" | cut -d' ' -f1; }
conf() { # KERNEL BUSYBOX
	printf '[kernel]\nsource = %s\nsha256 = %s\n\n[busybox]\nsource = %s\nsha256 = %s\n' \
		"$1" "$(sha "$1")" "$2" "$(sha "$2")" > "$P/mkdistro.conf"
}

# ---- Part 1: local tarballs, its own cache ----
(
export MKDISTRO_CACHE=$T/cache
"$MKDISTRO" init "$P" > /dev/null 2>&1
K=$T/linux-fake.tar.gz
B=$T/busybox-fake.tar.xz
tgz "$K" linux-fake "not a kernel"
tgz "$B" busybox-fake "not busybox"
conf "$K" "$B"
mkdir -p "$P/out"
head -c 65536 /dev/urandom > "$P/out/mkdistro.img" # the "previous image"
img=$(sha "$P/out/mkdistro.img")

# build: runs the build, its output in $T/out.txt; past: did it get past the sources?
build() { "$MKDISTRO" -C "$P" build > "$T/out.txt" 2>&1; }
past_sources() { grep -q '^\[1/8\] sources' "$T/out.txt"; }

build
check "first build: the sources pass and the lock is written" bash -c \
	"grep -q '^\[1/8\] sources' '$T/out.txt' && grep -q 'pinned 2 source files in $P/mkdistro.lock' '$T/out.txt'"
check "the lock pins each tarball: role, name, version, size, SHA-256" bash -c \
	"grep -qx 'kernel linux-fake.tar.gz - $(stat -c %s "$K") $(sha "$K")' '$P/mkdistro.lock' &&
	 grep -qx 'busybox busybox-fake.tar.xz - $(stat -c %s "$B") $(sha "$B")' '$P/mkdistro.lock'"
check "the build stopped in the kernel stage (a tree with no Makefile), not earlier" \
	contains "$T/out.txt" "kernel: make tinyconfig failed"
check "the sources were hashed once" test "$(grep -c '^  hashing ' "$T/out.txt")" = 2
cp "$P/mkdistro.lock" "$T/lock.good"
build
check "second build: checked without hashing again" bash -c \
	"grep -q '^\[1/8\] sources' '$T/out.txt' && ! grep -q 'hashing' '$T/out.txt'"
check "the lock is not rewritten" cmp "$P/mkdistro.lock" "$T/lock.good"
touch "$K"
build
check "a file touched since is hashed again (and passes)" bash -c \
	"grep -q '^  hashing $K' '$T/out.txt' && grep -q '^\[1/8\] sources' '$T/out.txt'"

# refused NAME PATTERN: the build fails in the sources stage, saying PATTERN, and the
# previous image is untouched; then the original tarballs and conf are put back
cp "$K" "$T/k.orig"
cp "$B" "$T/b.orig"
refused() {
	build
	local rc=$?
	if [ $rc -ne 0 ] && ! past_sources && grep -Eq -- "$2" "$T/out.txt" &&
		[ "$(sha "$P/out/mkdistro.img")" = "$img" ]; then
		ok "refused: $1"
	else
		not_ok "refused: $1 (exit $rc)"
		sed 's/^/    /' "$T/out.txt" | tail -n 6
	fi
	cp "$T/k.orig" "$K"
	cp "$T/b.orig" "$B"
	cp "$T/lock.good" "$P/mkdistro.lock"
	conf "$K" "$B"
}

# tampered: one byte changed, same size (a new file renamed over the old, as a download is)
python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[len(b) // 2] ^= 1; open(sys.argv[2], "wb").write(b)' "$K" "$T/k.new"
mv "$T/k.new" "$K"
refused "tampered (same size, another SHA-256)" \
	"$P/mkdistro.lock:6: '$K' was tampered with: it has the pinned size \($(stat -c %s "$K") bytes\) but SHA-256 [0-9a-f]{64}, not the pinned $(sha "$T/k.orig"); refusing it"
truncate -s 20 "$B"
refused "truncated (smaller than pinned)" \
	"$P/mkdistro.lock:7: '$B' is truncated: 20 bytes, but $(stat -c %s "$T/b.orig") bytes \(SHA-256 $(sha "$T/b.orig")\) are pinned here"
cat "$T/b.orig" "$T/b.orig" > "$B"
refused "changed (larger, another SHA-256)" "$P/mkdistro.lock:7: '$B' is not the pinned file"
rm "$K"
refused "missing" "$P/mkdistro.lock:6: '$K', pinned here \([0-9]+ bytes, SHA-256 $(sha "$T/k.orig")\), is missing"
tgz "$T/linux-other.tar.gz" linux-other "another kernel"
conf "$T/linux-other.tar.gz" "$B"
refused "unpinned (a new source): says how to accept it" \
	"'$T/linux-other.tar.gz' \(the kernel source\) is not pinned in $P/mkdistro.lock; if you trust it, pin it with 'mkdistro lock --update'"
tgz "$K" linux-fake "a new release, pinned in mkdistro.conf"
conf "$K" "$B"
refused "a new SHA-256 in mkdistro.conf is not enough: the lock pins the old one" \
	"$P/mkdistro.lock:6: '$K' matches the sha256 that mkdistro.conf now sets, but SHA-256 $(sha "$T/k.orig") is pinned here; to build from it, pin it with 'mkdistro lock --update'"
echo "kernel linux-fake.tar.gz - 12" >> "$P/mkdistro.lock"
refused "a malformed lock file names its line" "$P/mkdistro.lock:8: not a line of a lock file"
printf 'kernel %s - 1 %s\n' "$(basename "$K")" "$(sha "$K")" >> "$P/mkdistro.lock"
refused "a source pinned twice" "$P/mkdistro.lock:8: kernel 'linux-fake.tar.gz' is pinned twice \(first on line 6\)"
build
check "with the originals back, the build passes the sources again" past_sources

# Accepting a change: mkdistro lock --update pins the new source; mkdistro lock checks
conf "$T/linux-other.tar.gz" "$B"
"$MKDISTRO" -C "$P" lock > "$T/out.txt" 2>&1
check "mkdistro lock refuses the unpinned source too" bash -c "test $? -ne 0 && grep -q 'is not pinned in' '$T/out.txt'"
"$MKDISTRO" -C "$P" lock --update > "$T/out.txt" 2>&1
check "mkdistro lock --update pins it" bash -c \
	"test $? -eq 0 && grep -q 'pinned 2 source files' '$T/out.txt' && grep -q '^kernel linux-other.tar.gz - [0-9]* $(sha "$T/linux-other.tar.gz")\$' '$P/mkdistro.lock' && ! grep -q linux-fake '$P/mkdistro.lock'"
build
check "then the build passes the sources" past_sources
"$MKDISTRO" -C "$P" lock > "$T/out.txt" 2>&1
check "mkdistro lock: all match" bash -c "test $? -eq 0 && grep -q 'all 2 source files match' '$T/out.txt'"
"$MKDISTRO" -C "$P" lock --frobnicate > "$T/out.txt" 2>&1
check "mkdistro lock: a bad argument is a usage error" bash -c "test $? -eq 2 && grep -q '^usage: mkdistro \\[-C DIR\\] lock' '$T/out.txt'"
echo garbage >> "$P/mkdistro.lock"
"$MKDISTRO" -C "$P" lock --update > "$T/out.txt" 2>&1
check "mkdistro lock --update replaces a lock file that does not parse" bash -c \
	"test $? -eq 0 && ! grep -q garbage '$P/mkdistro.lock'"
check "the previous image is still the same after all that" test "$(sha "$P/out/mkdistro.img")" = "$img"

# A kernel from a .deb (debian:PACKAGE that is not installed, as apt-get download leaves it
# in the cache): the tarball inside it is pinned, with the package's version
deb() { # VERSION TEXT: linux-source-fake_VERSION_all.deb in the cache's download directory
	local d=$T/deb
	rm -rf "$d"
	mkdir -p "$d/DEBIAN" "$d/usr/src"
	tgz "$d/usr/src/linux-source-fake.tar.xz" linux-fake "$2"
	printf 'Package: linux-source-fake\nVersion: %s\nArchitecture: all\nMaintainer: t <t@example.org>\nDescription: not a kernel\n' \
		"$1" > "$d/DEBIAN/control"
	mkdir -p "$MKDISTRO_CACHE/download"
	rm -f "$MKDISTRO_CACHE"/download/linux-source-fake_*
	dpkg-deb --root-owner-group --build "$d" "$MKDISTRO_CACHE/download/linux-source-fake_$1_all.deb" > /dev/null
	cp "$d/usr/src/linux-source-fake.tar.xz" "$T/inner.tar.xz"
	rm -rf "$d"
}
deb 1.0-1 "kernel one"
printf '[kernel]\nsource = debian:linux-source-fake\n\n[busybox]\nsource = %s\nsha256 = %s\n' "$B" "$(sha "$B")" > "$P/mkdistro.conf"
rm "$P/mkdistro.lock"
build
check "a .deb's tarball is pinned with the package's version" bash -c \
	"grep -q '^\[1/8\] sources  linux-source-fake 1.0-1;' '$T/out.txt' && grep -qx 'kernel linux-source-fake.tar.xz 1.0-1 $(stat -c %s "$T/inner.tar.xz") $(sha "$T/inner.tar.xz")' '$P/mkdistro.lock'"
build
check "the next build takes its sum from the memo (not out of the .deb again)" bash -c \
	"grep -q '^\[1/8\] sources' '$T/out.txt' && ! grep -q hashing '$T/out.txt'"
deb 1.0-2 "kernel two"
build
check "a pinned version that cannot be had is an error that says so" bash -c \
	"! grep -q '^\[1/8\]' '$T/out.txt' && grep -q 'linux-source-fake 1.0-1 is pinned in mkdistro.lock; if the archive no longer has it' '$T/out.txt'"
"$MKDISTRO" -C "$P" lock --update > "$T/out.txt" 2>&1
check "lock --update takes the version there is" bash -c \
	"test $? -eq 0 && grep -q '^kernel linux-source-fake.tar.xz 1.0-2 ' '$P/mkdistro.lock'"
exit $fails
) || fails=$((fails + $?))

# ---- Part 2: the real Debian sources, every stage cached ----
need_project || finish
Q=$T/real
cp -a "$PROJ" "$Q"
rm -f "$Q/mkdistro.lock"
"$MKDISTRO" -C "$Q" build > "$T/out.txt" 2>&1
check "a Debian-sourced project: the build passes and pins kernel and BusyBox" bash -c \
	"test $? -eq 0 && grep -Eq '^kernel linux-source-[0-9.]+\.tar\.xz [^ ]+ [0-9]+ [0-9a-f]{64}\$' '$Q/mkdistro.lock' &&
	 grep -Eq '^busybox busybox_[^ ]+\.dsc [^ ]+ [0-9]+ [0-9a-f]{64}\$' '$Q/mkdistro.lock' &&
	 grep -Eq '^busybox busybox_[^ ]+\.orig\.tar\.[a-z0-9]+ ' '$Q/mkdistro.lock'"
check "nothing was compiled" bash -c "! grep -q 'make -j[0-9]* \(bzImage\|busybox\)' '$T/out.txt'"
cp "$Q/mkdistro.lock" "$T/real.lock"
img=$(sha "$Q/out/mkdistro.img")
start=$(date +%s.%N)
"$MKDISTRO" -C "$Q" build > "$T/out.txt" 2>&1
took=$(echo "$(date +%s.%N) - $start" | bc)
check "a no-op build checks the sources without hashing them ($took s)" bash -c \
	"test $? -eq 0 && ! grep -q hashing '$T/out.txt' && grep -q '(unchanged)' '$T/out.txt'"

# real_refused NAME AWK PATTERN: the lock edited by the awk program AWK (fields: ROLE FILE
# VERSION SIZE SHA-256) makes the build fail with PATTERN, and keeps the image
real_refused() {
	awk "$2" "$T/real.lock" > "$Q/mkdistro.lock"
	"$MKDISTRO" -C "$Q" build > "$T/out.txt" 2>&1
	local rc=$?
	if [ $rc -ne 0 ] && grep -Eq -- "$3" "$T/out.txt" && [ "$(sha "$Q/out/mkdistro.img")" = "$img" ]; then
		ok "Debian sources refused: $1"
	else
		not_ok "Debian sources refused: $1 (exit $rc)"
		sed 's/^/    /' "$T/out.txt" | tail -n 6
	fi
	cp "$T/real.lock" "$Q/mkdistro.lock"
}
# The system's files are left alone: the pins are changed instead, which the check cannot
# tell from the files having changed.
other='function other(s) { return (substr(s, 1, 1) == "0" ? "1" : "0") substr(s, 2) }'
real_refused "the kernel tarball differs from its pin (tampered)" \
	"$other"' $1 == "kernel" { $5 = other($5) } { print }' \
	"mkdistro.lock:[0-9]+: '/usr/src/linux-source-[0-9.]+\.tar\.xz' was tampered with: .*apt-get install --reinstall linux-source-[0-9.]+=[^ ]+; if the new file"
real_refused "the BusyBox .dsc is smaller than pinned (truncated)" \
	'$2 ~ /\.dsc$/ { $4 = $4 + 1; $5 = "0" substr($5, 2) } { print }' \
	"mkdistro.lock:[0-9]+: '.*/src/debian-busybox/busybox_[^']*\.dsc' is truncated: .*remove '.*/src/debian-busybox' to fetch busybox again"
real_refused "another Debian version is pinned" \
	"$other"' $1 == "kernel" { $3 = "0.0-pinned"; $5 = other($5) } { print }' \
	"'/usr/src/linux-source-[0-9.]+\.tar\.xz' is version [^ ]+, but version 0.0-pinned is pinned here; to build from it, pin it with 'mkdistro lock --update' \(or get the pinned one: apt-get install --reinstall linux-source-[0-9.]+=0.0-pinned\)"
real_refused "BusyBox's tarball is not pinned" '!/\.orig\.tar/' \
	"busybox_[^']*\.orig\.tar\.[a-z0-9]+' \(the busybox source\) is not pinned in .*mkdistro.lock"
"$MKDISTRO" -C "$Q" build > "$T/out.txt" 2>&1
check "with the lock as written, the build passes (image unchanged)" bash -c \
	"test $? -eq 0 && test \"\$(sha256sum < '$Q/out/mkdistro.img' | cut -d' ' -f1)\" = $img"
finish
