#!/bin/bash
# mkdistro initrd unpack/pack: lossless, byte-identical round trips of mkdistro's own
# initrds (gzip and plain), a cpio(1) archive with hard links, device nodes and a FIFO made
# by root, and refusal of every member that would land outside the directory.  The initrds
# are the shared project's (lib.sh, cpio) and that of a copy built with an ext2 one.
. "$(dirname "$0")/lib.sh"
T=$MKDISTRO_TEST_TMP/initrd-tools
craft=$(dirname "$0")/craft-cpio.py
rm -rf "$T"
mkdir -p "$T"
need_project || finish
main=$PROJ/out/stick/boot/initrd/main.gz

# mkdistro's own initrd, gzip-compressed: unpack, pack, the same bytes
"$MKDISTRO" initrd unpack "$main" "$T/main" > "$T/out.txt" 2>&1
check "unpack main.gz" test $? -eq 0
check "unpacked files and symlinks are there" test -x "$T/main/bin/busybox" -a -L "$T/main/init" -a -f "$T/main/etc/inittab"
check "device nodes, owners and times are in the list" bash -c "grep -q '^nod-c dev/console 0600 0 0 946684800 [0-9]* 1 5 1\$' '$T/main/.mkdistro-initrd'"
check "times are restored on disk" test "$(stat -c %Y "$T/main/etc/inittab")" = 946684800
"$MKDISTRO" initrd pack "$T/main" "$T/main.gz" > "$T/out.txt" 2>&1
check "pack it again" test $? -eq 0
check "round trip of main.gz is byte-identical" cmp "$main" "$T/main.gz"
zcat "$main" > "$T/main.cpio"
"$MKDISTRO" initrd unpack "$T/main.cpio" "$T/plain" > /dev/null 2>&1 &&
	"$MKDISTRO" initrd pack "$T/plain" "$T/plain.cpio" > /dev/null 2>&1
check "round trip of an uncompressed cpio is byte-identical" cmp "$T/main.cpio" "$T/plain.cpio"
# Other gzip levels: unpack finds the level that made the file, pack uses it again
for level in 1 4 9 12; do
	"$MKDISTRO" initrd pack "$T/plain" "$T/l$level.gz" --level $level > /dev/null 2>&1 &&
		"$MKDISTRO" initrd unpack "$T/l$level.gz" "$T/l$level" > /dev/null 2>&1 &&
		"$MKDISTRO" initrd pack "$T/l$level" "$T/l$level-again.gz" > /dev/null 2>&1
	check "round trip of a level $level initrd is byte-identical ($(grep '^gzip' "$T/l$level/.mkdistro-initrd"))" \
		cmp "$T/l$level.gz" "$T/l$level-again.gz"
done

# An ext2 initrd (as 10-build-boot.sh builds one): the same, through libext2fs
cp -a "$PROJ" "$T/ext2proj"
small_system "$T/ext2proj" # the small system: ext2 has no modules initrd (lib.sh)
sed -i 's/^format = cpio$/format = ext2/; s/^size = 5000$/size = 8000/' "$T/ext2proj/mkdistro.conf"
"$MKDISTRO" -C "$T/ext2proj" build > "$T/ext2build.txt" 2>&1
rc=$?
check "a copy of the project builds with an ext2 initrd" test $rc -eq 0 -a -n "$(grep '^format = ext2$' "$T/ext2proj/mkdistro.conf")"
[ $rc -eq 0 ] || tail -n 15 "$T/ext2build.txt" | sed 's/^/    /'
ext2=$T/ext2proj/out/stick/boot/initrd/main.gz
"$MKDISTRO" initrd unpack "$ext2" "$T/ext2" > "$T/out.txt" 2>&1
check "unpack an ext2 initrd without root or a mount" bash -c "test $? -eq 0 && grep -q '^ext2 [0-9]*\$' '$T/ext2/.mkdistro-initrd' && test -x '$T/ext2/bin/busybox'"
check "ext2: device nodes and owners are in the list" bash -c "grep -q '^nod-c dev/console 0600 0 0 946684800 [0-9]* 1 5 1\$' '$T/ext2/.mkdistro-initrd'"
"$MKDISTRO" initrd pack "$T/ext2" "$T/ext2.gz" > "$T/out.txt" 2>&1
check "round trip of an ext2 main.gz is byte-identical" cmp "$ext2" "$T/ext2.gz"
echo added > "$T/ext2/etc/added"
ln -s added "$T/ext2/etc/added-link"
"$MKDISTRO" initrd pack "$T/ext2" "$T/ext2-added.img" > "$T/out.txt" 2>&1
check "ext2 pack takes new files (uncompressed output), owned by root" bash -c \
	"test $? -eq 0 && debugfs -R 'cat /etc/added' '$T/ext2-added.img' 2>/dev/null | grep -qx added && debugfs -R 'stat /etc/added' '$T/ext2-added.img' 2>/dev/null | grep -q 'User: *0 *Group: *0' && debugfs -R 'stat /etc/added-link' '$T/ext2-added.img' 2>/dev/null | grep -q 'Type: symlink'"

# Names that a debugfs script could not quote ('"', '\') pack into ext2 like any other
echo quoted > "$T/ext2/etc/a \"quoted\\name\""
printf '%s\n' 'nod-c dev/"tty" 0620 0 5 946684800 9001 1 4 1' 'fifo dev/back\slash%20fifo 0600 0 0 946684800 9002 1' >> "$T/ext2/.mkdistro-initrd"
"$MKDISTRO" initrd pack "$T/ext2" "$T/ext2-names.img" > "$T/out.txt" 2>&1
check "ext2 pack takes names with quotes and backslashes" test $? -eq 0
check "and e2fsck finds the image clean" bash -c "e2fsck -fn '$T/ext2-names.img' > '$T/fsck.txt' 2>&1"
debugfs -R 'ls -l /dev' "$T/ext2-names.img" > "$T/names.txt" 2>/dev/null
debugfs -R 'ls -l /etc' "$T/ext2-names.img" >> "$T/names.txt" 2>/dev/null
check "debugfs lists them with their types" bash -c "grep -Eq '^ *[0-9]+ +20620 .* \"tty\"\$' '$T/names.txt' && grep -Eq '^ *[0-9]+ +10600 .* back.*slash fifo\$' '$T/names.txt' && grep -Eq '^ *[0-9]+ +100644 .* 0 +0 +7 .* a \"quoted.*name\"\$' '$T/names.txt'"
"$MKDISTRO" initrd unpack "$T/ext2-names.img" "$T/names" > "$T/out.txt" 2>&1
check "and unpack lists them again" bash -c "grep -q '^nod-c dev/\"tty\" 0620 0 5 946684800 [0-9]* 1 4 1\$' '$T/names/.mkdistro-initrd' && grep -q '^fifo dev/back\\\\slash%20fifo 0600 0 0 946684800 ' '$T/names/.mkdistro-initrd' && test \"\$(cat '$T/names/etc/a \"quoted\\name\"')\" = quoted"

# Changes in the directory are packed: an edited file, a new one, a removed one
echo "changed" > "$T/main/etc/motd"
rm "$T/main/etc/shells"
"$MKDISTRO" initrd pack "$T/main" "$T/edited.gz" > /dev/null 2>&1
zcat "$T/edited.gz" | cpio -itv --quiet > "$T/edited.txt" 2>/dev/null
check "pack takes new and removed files, new ones owned by root" bash -c "grep -q 'root *root .* etc/motd\$' '$T/edited.txt' && ! grep -q ' etc/shells\$' '$T/edited.txt' && grep -q '^crw------- .* 5, *1 .* dev/console\$' '$T/edited.txt'"

# A cpio(1) archive made by root: hard links, a FIFO, a device node, odd names
S=$T/src
mkdir -p "$S/d" "$S/with space"
echo hello > "$S/d/a"
ln "$S/d/a" "$S/d/b"
ln "$S/d/a" "$S/c"
mkfifo "$S/fifo"
mknod "$S/null" c 1 3
echo x > "$S/with space/f%1"
chown 12:34 "$S/c"
touch -d @1234567890 "$S/d/a"
(cd "$S" && find . | LC_ALL=C sort | cpio -o -H newc --quiet > "$T/foreign.cpio")
"$MKDISTRO" initrd unpack "$T/foreign.cpio" "$T/f1" > "$T/out.txt" 2>&1
check "unpack a cpio(1) archive with hard links, a FIFO and a device node" test $? -eq 0
check "hard links are hard links on disk" test "$(stat -c %i "$T/f1/d/a")" = "$(stat -c %i "$T/f1/c")" -a "$(cat "$T/f1/d/b")" = hello
"$MKDISTRO" initrd pack "$T/f1" "$T/f1.cpio" > /dev/null 2>&1
"$MKDISTRO" initrd unpack "$T/f1.cpio" "$T/f2" > /dev/null 2>&1
check "unpack, pack, unpack: the same list (nothing lost)" diff <(tail -n +2 "$T/f1/.mkdistro-initrd") <(tail -n +2 "$T/f2/.mkdistro-initrd")
cpio -itv --quiet < "$T/foreign.cpio" | awk '{ $4 = $4; print $1, $2, $3, $4, $5, $NF }' | sort > "$T/l1.txt" 2>/dev/null
cpio -itv --quiet < "$T/f1.cpio" | awk '{ $4 = $4; print $1, $2, $3, $4, $5, $NF }' | sort > "$T/l2.txt" 2>/dev/null
check "cpio(1) lists the same members, modes, links, owners and sizes" diff "$T/l1.txt" "$T/l2.txt"
(mkdir -p "$T/x" && cd "$T/x" && cpio -id --quiet < "$T/f1.cpio" 2>/dev/null)
check "cpio(1) extracts the packed hard links as one file" test "$(stat -c %i "$T/x/d/a")" = "$(stat -c %i "$T/x/c")" -a "$(cat "$T/x/c")" = hello

# The same tree as an ext2 filesystem (mke2fs -d, as root, keeps owners and hard links)
truncate -s 4M "$T/foreign.ext2"
mke2fs -q -F -t ext2 -d "$S" "$T/foreign.ext2" > /dev/null 2>&1
"$MKDISTRO" initrd unpack "$T/foreign.ext2" "$T/g1" > "$T/out.txt" 2>&1
check "unpack an ext2 image with hard links, a FIFO, a device node and owners" bash -c \
	"test $? -eq 0 && grep -q '^file c 0644 12 34 1234567890 [0-9]* 3\$' '$T/g1/.mkdistro-initrd' && grep -q '^link d/a .* c\$' '$T/g1/.mkdistro-initrd' && grep -q '^fifo fifo ' '$T/g1/.mkdistro-initrd' && grep -Eq '^nod-c null 06[46]4 0 0 [0-9]+ [0-9]+ 1 1 3\$' '$T/g1/.mkdistro-initrd'"
"$MKDISTRO" initrd pack "$T/g1" "$T/g1.ext2" > "$T/out.txt" 2>&1
check "pack it back into ext2" test $? -eq 0
"$MKDISTRO" initrd unpack "$T/g1.ext2" "$T/g2" > /dev/null 2>&1
check "ext2 unpack, pack, unpack: the same list but inode numbers (nothing lost)" diff \
	<(tail -n +2 "$T/g1/.mkdistro-initrd" | awk '{ $7 = ""; print }') <(tail -n +2 "$T/g2/.mkdistro-initrd" | awk '{ $7 = ""; print }')
check "the packed ext2 keeps the hard links (3 names, one inode)" bash -c "debugfs -R 'stat /c' '$T/g1.ext2' 2>/dev/null | grep -q 'Links: 3'"

# Escapes: each refused, nothing written outside
evil() { # NAME ENTRY...: unpacking must fail and leave $T/outside absent
	local name=$1
	shift
	rm -rf "$T/e" "$T/outside" "/tmp/mkdistro-escape-$$"
	python3 "$craft" "$T/evil.cpio" "$@"
	"$MKDISTRO" initrd unpack "$T/evil.cpio" "$T/e" > "$T/out.txt" 2>&1
	local rc=$?
	if [ $rc -ne 0 ] && grep -q "refusing member" "$T/out.txt" && [ ! -e "$T/outside" ] && [ ! -e "/tmp/mkdistro-escape-$$" ]; then
		ok "refused: $name"
	else
		not_ok "refused: $name (exit $rc)"
		sed 's/^/    /' "$T/out.txt"
	fi
}
evil "a name with .." "file:../outside:x"
evil "a name with .. deeper" "dir:a" "file:a/../../outside:x"
evil "an absolute name" "file:/tmp/mkdistro-escape-$$:x"
evil "a file through a symlink to outside" "slink:l:$T" "file:l/outside:x"
evil "a directory through a symlink" "slink:l:.." "dir:l/outside"
evil "a hard link through a symlink" "hard:a:7:2:" "slink:l:$T" "hard:l/outside:7:2:x"
python3 "$craft" "$T/ok.cpio" "dir:a" "slink:a/up:../.." "file:a/b:fine"
"$MKDISTRO" initrd unpack "$T/ok.cpio" "$T/ok" > "$T/out.txt" 2>&1
check "a symlink pointing outside is kept as a symlink (not followed)" bash -c "test -L '$T/ok/a/up' && test \"\$(cat '$T/ok/a/b')\" = fine"
printf 'not a cpio archive' > "$T/junk"
"$MKDISTRO" initrd unpack "$T/junk" "$T/j" > "$T/out.txt" 2>&1
check "a file that is not cpio is an error" bash -c "test $? -ne 0 && grep -q 'neither a cpio archive nor an ext2 filesystem' '$T/out.txt'"
head -c 3000 "$T/main.cpio" > "$T/short.cpio"
"$MKDISTRO" initrd unpack "$T/short.cpio" "$T/s" > "$T/out.txt" 2>&1
check "a truncated archive is an error" bash -c "test $? -ne 0 && grep -Eq 'past the end|truncated|without its TRAILER' '$T/out.txt'"
"$MKDISTRO" initrd unpack "$main" "$T/main" > "$T/out.txt" 2>&1
check "unpack refuses a directory that is not empty" bash -c "test $? -ne 0 && grep -q 'is not empty' '$T/out.txt'"
finish
