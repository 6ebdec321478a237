#!/bin/bash
# What a build puts in out/ becomes visible together or not at all (src/build/publish.h):
#  - the files a build replaces cannot make it publish one output without the others: with
#    the temporary names an earlier mkdistro wrote beside them blocked, a build still gives
#    an image, a stick tree, a report and an SBOM that describe each other;
#  - a build that fails after the image is made (here the ISO) publishes nothing: image,
#    stick tree, report and SBOM stay the last build's;
#  - a commit a crash cut short (the list out/.publish left behind) is finished by the next
#    build before it does anything else.
# Works on a copy of the shared project (lib.sh: its kernel and BusyBox are in the cache).
. "$(dirname "$0")/lib.sh"
T=$MKDISTRO_TEST_TMP/publish
P=$T/p
rm -rf "$T"
mkdir -p "$T/bin"
need_project || finish
cp -a "$PROJ" "$P"
rm -rf "$P/out"
sha() { sha256sum < "$1" | cut -c1-64; }
build() {
	"$MKDISTRO" -C "$P" build "${@:2}" > "$T/$1.txt" 2>&1
	local rc=$?
	[ $rc -eq 0 ] || sed 's/^/    /' "$T/$1.txt" | tail -n 20
	return $rc
}
# the SBOM's checksum of a file on the stick
sbom_sum() { python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
for p in d["packages"]:
    if p.get("packageFileName") == sys.argv[2]:
        print(p["checksums"][0]["checksumValue"])' "$P/out/sbom.spdx.json" "$1"; }
# out/ describes one build: the initrd in the image is the one in out/stick, which the SBOM
# names by its bytes and the report by its size
consistent() {
	local initrd=$P/out/stick/boot/initrd/main.gz
	MTOOLS_SKIP_CHECK=1 mtype -i "$P/out/mkdistro.img@@1M" ::/boot/initrd/main.gz | cmp -s - "$initrd" &&
		[ "$(sbom_sum /boot/initrd/main.gz)" = "$(sha "$initrd")" ] &&
		grep -Eq "^initrd main +$(stat -c %s "$initrd") bytes" "$P/out/report.txt"
}
state() { sha256sum "$P/out/mkdistro.img" "$P/out/stick/boot/initrd/main.gz" "$P/out/report.txt" "$P/out/sbom.spdx.json"; }
# every one of the four differs from the state given (a new build published all of them)
all_new() {
	local old new
	while read -r old _ && read -r new _ <&3; do
		[ "$old" != "$new" ] || return 1
	done <<< "$1" 3<<< "$(state)"
}

check "first build" build first
check "out/ describes one build" consistent

# The names mkdistro once wrote report and SBOM through, blocked: the build does not need
# them; before publishing was one step, the image went out and the SBOM failed after it
mkdir "$P/out/sbom.spdx.json.tmp" "$P/out/report.txt.tmp" "$P/out/report.svg.tmp"
echo "publish $(date +%s.%N)" > "$P/rootfs/etc/publish-test"
before=$(state)
check "a build with the old temporary names blocked" build blocked
check "it published a new image, stick tree, report and SBOM" all_new "$before"
check "out/ still describes one build" consistent
rmdir "$P/out/sbom.spdx.json.tmp" "$P/out/report.txt.tmp" "$P/out/report.svg.tmp"

# A failure after the image was made: the ISO's xorriso fails; nothing is published
cat > "$T/bin/xorriso" << 'EOF'
#!/bin/sh
echo "xorriso: a failure made by tests/e2e/19-publish.sh" >&2
exit 3
EOF
chmod +x "$T/bin/xorriso"
echo "publish $(date +%s.%N)" > "$P/rootfs/etc/publish-test"
before=$(state)
PATH=$T/bin:$PATH "$MKDISTRO" -C "$P" build --iso > "$T/iso-fails.txt" 2>&1
rc=$?
check "the ISO failing fails the build (exit 1)" test $rc -eq 1
check "the image was made before it failed" grep -q '^  image: rebuilding' "$T/iso-fails.txt"
check "nothing was published: image, stick, report and SBOM are the last build's" test "$before" = "$(state)"
check "no ISO appeared, nothing is left to finish" bash -c "[ ! -e '$P/out/mkdistro.iso' ] && [ ! -e '$P/out/.publish' ] && [ ! -e '$P/out/.work' ]"
check "out/ still describes one build" consistent

# A commit cut short: out/.publish lists a move not done yet; the next build does it first
check "a build to start from" build again
mkdir -p "$P/out/.work"
echo "published late" > "$P/out/.work/late.txt"
ino=$(stat -c %i "$P/out/.work/late.txt")
printf 'mkdistro publish 1\nmove %s %s late.txt\n' "$ino" "$P/out/.work/late.txt" > "$P/out/.publish"
check "the next build" build recover
check "it says it finished the last commit" contains "$T/recover.txt" "finishing what the last build began to publish"
check "the move was done, and the list removed" bash -c "[ \"\$(cat '$P/out/late.txt')\" = 'published late' ] && [ ! -e '$P/out/.publish' ]"
check "out/ still describes one build" consistent
finish
