#!/bin/bash
# Crafted archives through the two ways mkdistro extracts one: a source tarball
# (`[kernel] source = FILE.tar.gz`, unpacked in the build's sources stage) and an initrd
# (`mkdistro initrd unpack`).  Every archive that would write outside its directory is
# refused with an error naming the archive and the member, the build stops before any
# compile, and nothing appears outside.  Stands alone: it needs no earlier test.  (The unit
# test tests/unit/test_unpack.c crafts many more tarballs, with libarchive's writer.)
. "$(dirname "$0")/lib.sh"
T=$MKDISTRO_TEST_TMP/archives
P=$T/p
craft=$(dirname "$0")/craft-cpio.py
rm -rf "$T" "/tmp/mkdistro-escape-$$"
mkdir -p "$T"
# Its own cache: the crafted sources are unpacked into it (and never get further)
export MKDISTRO_CACHE=$T/cache
"$MKDISTRO" init "$P" > /dev/null 2>&1

# tar_craft OUT SPEC...: a tar archive (compressed as OUT's extension says) written by
# python3's tarfile, which stores any name: dir:NAME, file:NAME:CONTENT, slink:NAME:TARGET,
# hard:NAME:TARGET, chr:NAME, random:NAME:SIZE (SIZE random bytes)
tar_craft() {
	python3 - "$@" <<'EOF'
import io, os, sys, tarfile
out, specs = sys.argv[1], sys.argv[2:]
mode = "w:gz" if out.endswith(".gz") else "w:xz" if out.endswith(".xz") else "w"
with tarfile.open(out, mode, format=tarfile.PAX_FORMAT) as t:
    for spec in specs:
        kind, name, *rest = spec.split(":", 2)
        i = tarfile.TarInfo(name)
        i.mtime = 946684800
        data = b""
        if kind == "dir":
            i.type, i.mode = tarfile.DIRTYPE, 0o755
        elif kind == "file":
            data = rest[0].encode()
            i.size, i.mode = len(data), 0o644
        elif kind == "slink":
            i.type, i.linkname = tarfile.SYMTYPE, rest[0]
        elif kind == "hard":
            i.type, i.linkname = tarfile.LNKTYPE, rest[0]
        elif kind == "random":
            data = os.urandom(int(rest[0]))
            i.size, i.mode = len(data), 0o644
        elif kind == "chr":
            i.type, i.devmajor, i.devminor, i.mode = tarfile.CHRTYPE, 8, 0, 0o666
        t.addfile(i, io.BytesIO(data))
EOF
}

# sources KERNEL BUSYBOX: the project builds from these tarballs, pinned in mkdistro.conf
sources() {
	printf '[kernel]\nsource = %s\nsha256 = %s\n\n[busybox]\nsource = %s\nsha256 = %s\n' \
		"$1" "$(sha256sum < "$1" | cut -d' ' -f1)" "$2" "$(sha256sum < "$2" | cut -d' ' -f1)" \
		> "$P/mkdistro.conf"
	rm -f "$P/mkdistro.lock"
}

tar_craft "$T/linux-ok.tar.gz" "dir:linux-ok" "file:linux-ok/README:fine"
tar_craft "$T/busybox-ok.tar.xz" "dir:busybox-ok" "file:busybox-ok/README:fine"

# evil_source NAME FILE PATTERN: FILE as the kernel's (or for busybox-*, BusyBox's) source
# is refused in the sources stage, saying PATTERN and naming FILE; no later stage runs and
# nothing is written outside
evil_source() {
	local name=$1 file=$2 pattern=$3
	rm -rf "$T/outside" "/tmp/mkdistro-escape-$$"
	case $(basename "$file") in
	busybox-*) sources "$T/linux-ok.tar.gz" "$file" ;;
	*) sources "$file" "$T/busybox-ok.tar.xz" ;;
	esac
	"$MKDISTRO" -C "$P" build > "$T/out.txt" 2>&1
	local rc=$?
	if [ $rc -ne 0 ] && grep -Fq -- "'$file'" "$T/out.txt" && grep -Eq -- "$pattern" "$T/out.txt" &&
		! grep -q '^\[[0-9]/8\]' "$T/out.txt" && [ ! -e "$T/outside" ] &&
		[ ! -e "/tmp/mkdistro-escape-$$" ] && [ ! -e "$P/mkdistro.lock" ]; then
		ok "source refused: $name"
	else
		not_ok "source refused: $name (exit $rc)"
		sed 's/^/    /' "$T/out.txt" | tail -n 8
	fi
}

# The sources stage unpacks into $MKDISTRO_CACHE/src/tarball-*.tmp; "../../../../outside"
# from a top directory in it is $T/outside.
tar_craft "$T/linux-sym.tar.gz" "dir:linux" "slink:linux/l:../../../.." "file:linux/l/outside:x"
evil_source "symlink, then a file through it (.tar.gz)" "$T/linux-sym.tar.gz" \
	"refusing member 'linux/l/outside': it goes through 'linux/l', a symlink in the archive"
tar_craft "$T/linux-hard.tar.xz" "dir:linux" "hard:linux/h:../../../victim" "file:linux/h:pwned"
echo safe > "$T/victim"
evil_source "hard link out of the tree (.tar.xz)" "$T/linux-hard.tar.xz" \
	"refusing member 'linux/h', a hard link to '../../../victim': the target is outside"
check "the file the hard link pointed at is untouched" test "$(cat "$T/victim")" = safe
tar_craft "$T/linux-abs.tar" "dir:linux" "file:/tmp/mkdistro-escape-$$:x"
evil_source "absolute name (.tar)" "$T/linux-abs.tar" \
	"refusing member '/tmp/mkdistro-escape-$$': an absolute name would land outside"
tar_craft "$T/busybox-dotdot.tar.gz" "dir:busybox" "file:busybox/../../../../outside:x"
evil_source "'..' in BusyBox's tarball (.tar.gz)" "$T/busybox-dotdot.tar.gz" \
	"refusing member 'busybox/../../../../outside': its '..' would climb out of"
tar_craft "$T/linux-dev.tar" "dir:linux" "chr:linux/sda"
evil_source "a device node (.tar)" "$T/linux-dev.tar" \
	"refusing member 'linux/sda': a character device has no place in a source tree"
tar_craft "$T/linux-cut.tar.gz" "dir:linux" "random:linux/big:300000"
head -c 100000 "$T/linux-cut.tar.gz" > "$T/linux-short.tar.gz"
evil_source "a tarball cut short (.tar.gz, first fetch)" "$T/linux-short.tar.gz" "ends early \(truncated\)"
check "no half-unpacked tree is left in the cache" bash -c "! ls -d '$MKDISTRO_CACHE'/src/*.tmp 2> /dev/null | grep -q ."

# A kernel from a .deb (debian:PACKAGE, not installed, as apt-get download leaves it in the
# cache): its data tarball is unpacked with the same checks (not by dpkg-deb -x)
mkdir -p "$T/deb" "$MKDISTRO_CACHE/download"
printf '2.0\n' > "$T/deb/debian-binary"
printf 'Package: linux-source-evil\nVersion: 1.0\nArchitecture: all\nMaintainer: t <t@example.org>\nDescription: evil\n' > "$T/deb/control"
tar -C "$T/deb" -czf "$T/deb/control.tar.gz" ./control
tar_craft "$T/deb/data.tar.xz" "dir:./usr" "slink:./usr/src:../../../../.." "file:./usr/src/outside:x"
(cd "$T/deb" && ar rc "$MKDISTRO_CACHE/download/linux-source-evil_1.0_all.deb" debian-binary control.tar.gz data.tar.xz)
printf '[kernel]\nsource = debian:linux-source-evil\n' > "$P/mkdistro.conf"
rm -rf "$T/outside"
"$MKDISTRO" -C "$P" build > "$T/out.txt" 2>&1
check "a .deb whose files go through a symlink is refused" bash -c \
	"test $? -ne 0 && grep -q \"refusing member './usr/src/outside': it goes through 'usr/src', a symlink\" '$T/out.txt' && test ! -e '$T/outside'"

# Initrds (cpio): `mkdistro initrd unpack` into $T/e; $T/outside must never appear
evil_cpio() { # NAME PATTERN ENTRY...
	local name=$1 pattern=$2
	shift 2
	rm -rf "$T/e" "$T/outside" "/tmp/mkdistro-escape-$$"
	python3 "$craft" "$T/evil.cpio" "$@"
	[ -n "${CUT:-}" ] && truncate -s "$CUT" "$T/evil.cpio"
	"$MKDISTRO" initrd unpack "$T/evil.cpio" "$T/e" > "$T/out.txt" 2>&1
	local rc=$?
	if [ $rc -ne 0 ] && grep -Fq "'$T/evil.cpio'" "$T/out.txt" && grep -Eq -- "$pattern" "$T/out.txt" &&
		[ ! -e "$T/outside" ] && [ ! -e "/tmp/mkdistro-escape-$$" ]; then
		ok "initrd refused: $name"
	else
		not_ok "initrd refused: $name (exit $rc)"
		sed 's/^/    /' "$T/out.txt"
	fi
}
evil_cpio "a hard link named out of the tree" "refusing member '../outside': its '..' would climb out of" \
	"hard:a:7:2:" "hard:../outside:7:2:x"
evil_cpio "a symlink, then a file through it" "refusing member 'l/outside': it goes through a symlink" \
	"slink:l:$T" "file:l/outside:x"
evil_cpio "an absolute name" "refusing member '/tmp/mkdistro-escape-$$': an absolute name" \
	"file:/tmp/mkdistro-escape-$$:x"
evil_cpio "a name with .." "refusing member '../outside'" "file:../outside:x"
evil_cpio "a name with a deep .." "refusing member 'a/b/c/../../../../outside'" \
	"dir:a" "dir:a/b" "dir:a/b/c" "file:a/b/c/../../../../outside:x"
evil_cpio "a name with a newline (shown escaped)" "refusing member 'x\\\\nmkdistro-ok': a newline" \
	"file:x\\nmkdistro-ok:y"
evil_cpio "an escape after a TRAILER!!! in the middle" "refusing member '../outside'" \
	"file:a:x" "trailer:" "file:../outside:x"
evil_cpio "a huge name size" "name past the end of the archive" \
	"file:a:x" "namesize:b:FFFFFFF0"
CUT=200 evil_cpio "an archive cut short in a member's data" "data past the end of the archive" \
	"file:a:$(printf 'x%.0s' $(seq 1 400))"
evil_cpio "a directory through a symlink to outside" "goes through a symlink" \
	"slink:l:.." "dir:l/outside"

# The same, harmless: a TRAILER!!! in the middle starts a second archive, as for the kernel
python3 "$craft" "$T/two.cpio" "file:a:x" "trailer:" "file:b:y"
rm -rf "$T/two"
"$MKDISTRO" initrd unpack "$T/two.cpio" "$T/two" > "$T/out.txt" 2>&1
check "an archive after a TRAILER!!! is unpacked too, as the kernel would" test -f "$T/two/a" -a -f "$T/two/b"
rm -rf "/tmp/mkdistro-escape-$$"
finish
