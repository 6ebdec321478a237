#!/bin/bash
# The kernel's and BusyBox's bytes do not depend on what their build tree built before.  Each
# source has one build tree in the cache (<cache>/build/), shared by every configuration, so
# this is the way a user meets it: the default project (A) in a fresh cache, then another
# configuration (B: a kernel.config change and a busybox.config change) in the same cache,
# then A again with the cache's kernel and BusyBox entries removed, so that the trees that
# built B build A.  The kernel, BusyBox and the whole image must be byte-identical to the
# first A's.  (Kbuild numbers the kernels a tree links, #N in uname -v: mkdistro has every
# link numbered #1, as a fresh tree's first.)
#
# The fresh cache is made at the tests' cache path, the shared cache moved aside meanwhile and
# put back at the end: the ccache that test 10's cold build filled names the source and build
# trees by their absolute paths, and serves the compiles only at that path.  The unpacked
# sources are the shared cache's, hard-linked (a build only reads them; copied where links
# cannot be made), not unpacked again.
. "$(dirname "$0")/lib.sh"
T=$MKDISTRO_TEST_TMP/build-history
aside=$MKDISTRO_TEST_TMP/cache.aside-build-history
C=$MKDISTRO_CACHE
case "$C" in
"$MKDISTRO_TEST_TMP"/*) ;;
*) echo "not ok - MKDISTRO_CACHE ($C) is not the tests' own cache; not moving it"; exit 1 ;;
esac
# A run cut short left the shared cache aside: put it back before anything else
if [ -d "$aside" ]; then
	rm -rf "$C" && mv "$aside" "$C" || { echo "not ok - cannot put $aside back as $C"; exit 1; }
fi
rm -rf "$T"
mkdir -p "$T"
if [ -d "$C" ]; then
	mv "$C" "$aside" || { echo "not ok - cannot move $C aside"; exit 1; }
	trap 'rm -rf "$C" && mv "$aside" "$C"' EXIT
	trap 'exit 130' INT TERM HUP
fi
mkdir -p "$C"
if [ -d "$aside/src" ] && ! cp -al "$aside/src" "$C/src" 2> /dev/null; then
	rm -rf "$C/src" && cp -a "$aside/src" "$C/src"
fi
export MTOOLS_SKIP_CHECK=1
start=$SECONDS

for p in a b; do
	"$MKDISTRO" init "$T/$p" > "$T/init-$p.txt" 2>&1 && sed -i 's/^ccache = no$/ccache = yes/' "$T/$p/mkdistro.conf"
done
# the small kernel: the subject is the shared build tree, not the PC kernel
tiny_kernel "$T/a" && tiny_kernel "$T/b"
printf '\nCONFIG_LOCALVERSION="-b"\nCONFIG_NLS_CODEPAGE_850=y\n' >> "$T/b/kernel.config"
printf '\n# CONFIG_CAL is not set\n' >> "$T/b/busybox.config"

# build LOG PROJECT NAME: build PROJECT (output in $T/LOG.txt); ok when it built its own
# kernel and BusyBox
build() {
	"$MKDISTRO" -C "$T/$2" build > "$T/$1.txt" 2>&1
	local rc=$?
	if [ $rc -eq 0 ] && grep -Eq '^  make -j[0-9]+ bzImage' "$T/$1.txt" &&
		grep -Eq '^  make -j[0-9]+ busybox' "$T/$1.txt"; then
		ok "$3: built, with its own kernel and BusyBox"
	else
		not_ok "$3: built, with its own kernel and BusyBox (exit $rc)"
		tail -n 20 "$T/$1.txt" | sed 's/^/    /'
	fi
}
# keep DIR: A's kernel, BusyBox (the cache's one entry) and image, copied into DIR
keep() {
	local bb=("$C"/busybox/*/busybox)
	mkdir -p "$1"
	[ ${#bb[@]} -eq 1 ] || echo "  ${#bb[@]} BusyBox entries in $C/busybox, not one"
	cp "${bb[0]}" "$T/a/out/stick/boot/kernel/main.lk" "$T/a/out/mkdistro.img" "$1/"
}
# uname -v of a bzImage, from its setup header
kernel_version() { strings "$1" | grep -o -m 1 '#[0-9]* .*'; }

build a1 a "A in a fresh cache"
keep "$T/a1"
build b b "B (kernel.config and busybox.config changed) in the same cache"
check "one kernel build tree and one BusyBox build tree served both" \
	test "$(ls -d "$C"/build/kernel-* "$C"/build/busybox-* | wc -l)" -eq 2
check "B's kernel is another" bash -c "! cmp -s '$T/a1/main.lk' '$T/b/out/stick/boot/kernel/main.lk'"
rm -rf "$C"/kernel/* "$C"/busybox/*
build a2 a "A again, its kernel and BusyBox entries removed"
keep "$T/a2"
check "byte-identical kernel: A in a fresh cache, and A after B" cmp "$T/a1/main.lk" "$T/a2/main.lk"
echo "# uname -v: '$(kernel_version "$T/a1/main.lk")', then '$(kernel_version "$T/a2/main.lk")'"
check "byte-identical BusyBox" cmp "$T/a1/busybox" "$T/a2/busybox"
check "byte-identical image" cmp "$T/a1/mkdistro.img" "$T/a2/mkdistro.img"
echo "# three builds (A fresh, B, A again): $((SECONDS - start)) s"
finish
