#!/bin/bash
# make install, then the installed mkdistro used outside its repository.
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
"$T/prefix/bin/mkdistro" init "$T/newproj" > "$T/again.txt" 2>&1
check "init refuses to overwrite a project" bash -c "test $? -ne 0 && grep -q 'already holds a project' '$T/again.txt'"
"$T/prefix/bin/mkdistro" --help > "$T/help.txt"
check "--help names every command" bash -c "for c in build run test matrix diff flash export lint menuconfig initrd init ldd; do grep -q \"^  \$c\" '$T/help.txt' || exit 1; done"
check "the man page documents every mkdistro.conf section" bash -c "for s in system kernel busybox rootfs initrd image boot build qemu; do grep -q \"^\\.B \\[\$s\\]\" '$T/prefix/share/man/man1/mkdistro.1' || exit 1; done"
finish
