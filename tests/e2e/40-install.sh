#!/bin/bash
# make install, then the installed mkdistro used outside its repository.  The program as
# built and as installed has no test hooks: no MKDISTRO_TEST_ or MKDISTRO_FAULT in it, and
# setting MKDISTRO_FAULT changes nothing (the test build, tests/mkdistro-test, has them).
. "$(dirname "$0")/lib.sh"
T=$MKDISTRO_TEST_TMP/install
repo=$PWD
rm -rf "$T"
mkdir -p "$T/src"
git -C "$repo" ls-files -z | (cd "$repo" && xargs -0 tar -cf -) | tar -xf - -C "$T/src"
make -s -C "$T/src" install PREFIX="$T/prefix" > "$T/make.txt" 2>&1
check "make install (PREFIX)" test $? -eq 0
check "installs the program, the man page and the default project files" \
	test -x "$T/prefix/bin/mkdistro" -a -f "$T/prefix/share/man/man1/mkdistro.1" \
	-a -f "$T/prefix/share/mkdistro/mkdistro.conf" -a -f "$T/prefix/share/mkdistro/kernel.config" \
	-a -f "$T/prefix/share/mkdistro/busybox.config" -a -x "$T/prefix/share/mkdistro/rootfs/etc/rc.d/rc.S"
make -s -C "$T/src" install PREFIX=/usr DESTDIR="$T/dest" > "$T/make2.txt" 2>&1
check "make install (DESTDIR)" test -x "$T/dest/usr/bin/mkdistro" -a -f "$T/dest/usr/share/mkdistro/kernel.config"
(cd "$T" && env -u MKDISTRO_DATADIR "$T/prefix/bin/mkdistro" init newproj > "$T/init.txt" 2>&1)
check "the installed mkdistro's init works outside the repository" \
	test -f "$T/newproj/mkdistro.conf" -a -x "$T/newproj/rootfs/etc/rc.d/rc.S"
check "init copies the default project exactly" diff -r "$repo/rootfs" "$T/newproj/rootfs"
(cd "$T" && env -u MKDISTRO_DATADIR "$T/prefix/bin/mkdistro" init --arch arm64 armproj > "$T/init-arm.txt" 2>&1)
check "the installed mkdistro's init --arch arm64 takes examples/arm64's kernel.config" bash -c \
	"cmp -s '$repo/examples/arm64/kernel.config' '$T/armproj/kernel.config' && grep -qx 'arch = arm64' '$T/armproj/mkdistro.conf'"
"$T/prefix/bin/mkdistro" init "$T/newproj" > "$T/again.txt" 2>&1
check "init refuses to overwrite a project" bash -c "test $? -ne 0 && grep -q 'already holds a project' '$T/again.txt'"
"$T/prefix/bin/mkdistro" --help > "$T/help.txt"
check "--help names every command" bash -c "for c in build run test matrix diff flash export lint menuconfig initrd init ldd; do grep -q \"^  \$c\" '$T/help.txt' || exit 1; done"
check "the man page documents every mkdistro.conf section" bash -c "for s in system kernel busybox rootfs initrd image boot build qemu; do grep -q \"^\\.B \\[\$s\\]\" '$T/prefix/share/man/man1/mkdistro.1' || exit 1; done"

# No test hooks in the program as built or installed; the test build has them, so that the
# search is seen to find them
hooks() { test -x "$1" && ! strings "$1" | grep -E 'MKDISTRO_(TEST_|FAULT)'; }
check "$MKDISTRO holds no MKDISTRO_TEST_ or MKDISTRO_FAULT" hooks "$MKDISTRO"
check "the installed mkdistro holds none either" hooks "$T/prefix/bin/mkdistro"
if need_testbuild; then
	check "the test build holds them" bash -c "strings '$MKDISTRO_TESTBUILD' | grep -q MKDISTRO_TEST_FLASH_FAULT && strings '$MKDISTRO_TESTBUILD' | grep -q MKDISTRO_FAULT"
fi
# and MKDISTRO_FAULT changes nothing: each build (a rootfs change each time, so that there is
# a new image to publish) goes through the stage it names
need_project || finish
cp -a "$PROJ" "$T/p"
for point in kernel publish:TERM; do
	sum=$(sha256sum < "$T/p/out/mkdistro.img")
	echo "$point" > "$T/p/rootfs/etc/fault-point"
	MKDISTRO_FAULT=$point "$T/prefix/bin/mkdistro" -C "$T/p" build > "$T/fault.txt" 2>&1
	rc=$?
	check "the installed mkdistro ignores MKDISTRO_FAULT=$point: the build publishes a new image" \
		test $rc -eq 0 -a "$(sha256sum < "$T/p/out/mkdistro.img")" != "$sum"
	[ $rc -eq 0 ] || sed 's/^/    /' "$T/fault.txt" | tail -n 8
done
if [ -x "$MKDISTRO_TESTBUILD" ]; then
	echo "kernel, test build" > "$T/p/rootfs/etc/fault-point"
	MKDISTRO_FAULT=kernel "$MKDISTRO_TESTBUILD" -C "$T/p" build > "$T/fault.txt" 2>&1
	check "the test build stops there (exit 130)" test $? -eq 130
fi
finish
