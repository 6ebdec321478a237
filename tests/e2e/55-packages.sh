#!/bin/bash
# Debian's archive as the image's extension repository (issue 18): an initrd variant with
# e2fsprogs, pciutils, htop, dropbear-bin and tcpdump, fetched through the private apt configuration,
# pinned in mkdistro.lock, read (never installed) and booted in QEMU: lspci names the
# devices, mke2fs and e2fsck work on a RAM disk, tcpdump captures as the user a rule makes
# for it, htop draws on a pseudo-terminal, and the
# image's own dropbear takes an SSH login by key from this machine through a hostfwd on
# 127.0.0.1.  Then: a rebuild with no apt at all (the cache and the lock), a tampered and a
# truncated cached .deb, a package the archive does not have, a package that needs a rule
# mkdistro does not have, and a variant with e2fsprogs alone that holds only its files and
# libraries.
#
# Nothing leaves this machine from the guest: QEMU's user networking with restrict=on, and
# only a hostfwd rule from 127.0.0.1.  (The build fetches from the Debian archive that
# apt is configured with, as every build of a Debian source does.)
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
T=$MKDISTRO_TEST_TMP/packages
rm -rf "$T"
mkdir -p "$T"
need_project || finish
P=$T/p
cp -a "$PROJ" "$P" && rm -rf "$P/out"
export MTOOLS_SKIP_CHECK=1

# The login key, in an overlay of the variant
ssh-keygen -q -t ed25519 -N '' -C mkdistro-test -f "$T/key"
mkdir -p "$P/overlay/root/.ssh"
cp "$T/key.pub" "$P/overlay/root/.ssh/authorized_keys"
cat >> "$P/mkdistro.conf" << 'EOF'

[initrd.tools]
packages = e2fsprogs pciutils htop dropbear-bin tcpdump
overlay = overlay

[initrd.e2fs]
packages = e2fsprogs
stack = yes
EOF

# The project's lock pins its sources; packages are new to it: refused until pinned
"$MKDISTRO" -C "$P" build > "$T/unpinned.txt" 2>&1
check "packages the lock does not pin are refused" test $? -ne 0
check "... saying so, and how to pin them" contains "$T/unpinned.txt" \
	"\.deb' \(a Debian package the image takes\) is not pinned in .*mkdistro\.lock; .*mkdistro lock --update"
"$MKDISTRO" -C "$P" lock --update > "$T/lock.txt" 2>&1
check "mkdistro lock --update pins them" test $? -eq 0
"$MKDISTRO" -C "$P" build > "$T/build.txt" 2>&1
rc=$?
check "build with packages" test $rc -eq 0
[ $rc -eq 0 ] || { tail -n 20 "$T/build.txt" | sed 's/^/    /'; finish; }
lock=$P/mkdistro.lock
ndeb=$(grep -c '^deb ' "$lock")
echo "# $ndeb .deb files pinned"
check "the lock pins the packages and what they need ($ndeb)" test "$ndeb" -ge 20
for p in e2fsprogs pciutils htop dropbear-bin libc6 pci.ids ncurses-base; do
	check "the lock pins $p" contains "$lock" "^deb ${p//./\\.}_[^ ]*\.deb "
done
check "every pinned .deb is in the build cache" bash -c "
	grep '^deb ' '$lock' | while read -r _ f _ _ sum; do
		f=\$(printf '%b' \"\${f//%/\\\\x}\")
		echo \"\$sum  $MKDISTRO_CACHE/deb/\$f\"
	done | sha256sum --quiet -c -"

# What the image holds
img=$P/out/mkdistro.img
"$MKDISTRO" initrd unpack "$P/out/stick/boot/initrd/tools.gz" "$T/tools" > /dev/null 2>&1
check "the variant's initrd unpacks" test -x "$T/tools/bin/busybox"
for f in /sbin/mke2fs /sbin/e2fsck /usr/bin/lspci /usr/bin/htop /usr/sbin/dropbear \
	/usr/share/misc/pci.ids /lib/terminfo/x/xterm /lib/terminfo/v/vt100 \
	/lib/x86_64-linux-gnu/libc.so.6 /lib64/ld-linux-x86-64.so.2 \
	/lib/x86_64-linux-gnu/libext2fs.so.2 /etc/rc.d/pkg/dropbear-bin; do
	check "the image has $f" test -e "$T/tools$f"
done
check "no documentation, man pages or locales" bash -c "! ls -d '$T/tools/usr/share/doc' \
	'$T/tools/usr/share/man' '$T/tools/usr/share/locale' 2> /dev/null | grep -q ."
check "no SSH host key in the image (it is made at start-up)" bash -c \
	"! find '$T/tools/etc' -name '*host_key*' | grep -q ."
# libc is the fetched package's, not the build host's
libc6=$(ls "$MKDISTRO_CACHE"/deb/libc6_*.deb | head -n 1)
dpkg-deb --fsys-tarfile "$libc6" | tar -xO ./lib/x86_64-linux-gnu/libc.so.6 > "$T/libc.so.6"
check "libc.so.6 is the one of $(basename "$libc6")" cmp -s "$T/libc.so.6" "$T/tools/lib/x86_64-linux-gnu/libc.so.6"
check "the build said which scripts it left out (bash is not in the image)" \
	contains "$T/build.txt" "left out [0-9]+ scripts whose interpreter the image lacks .*/bin/bash for /sbin/e2scrub"
check "tcpdump's user and group, from mkdistro's rule" bash -c \
	"grep -q '^tcpdump:x:101:101:' '$T/tools/etc/passwd' && grep -q '^tcpdump:x:101:' '$T/tools/etc/group' && grep -q '^root:x:0:0:' '$T/tools/etc/passwd'"
check "BusyBox's addgroup applet is kept (adduser, which tcpdump needs, is perl: left out)" \
	bash -c "test \"\$(readlink '$T/tools/usr/sbin/addgroup')\" = ../../bin/busybox"

# The report and the SBOM
rep=$P/out/report.txt
check "the report lists what each package added" contains "$rep" '^ +[0-9]+ bytes +[0-9.]+ KiB  htop 3\.'
check "... libraries counted to their package" contains "$rep" '^ +[0-9]+ bytes +[0-9.]+ KiB  libc6 2\.'
htop_deb=$(ls "$MKDISTRO_CACHE"/deb/htop_*.deb | head -n 1)
htop_sum=$(sha256sum < "$htop_deb" | cut -c1-64)
python3 - "$P/out/sbom.spdx.json" "$htop_sum" > "$T/sbom.txt" 2>&1 << 'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
p = {x["SPDXID"]: x for x in d["packages"]}
h = p["SPDXRef-deb-htop"]
assert h["name"] == "htop" and h["versionInfo"].startswith("3."), h
assert h["checksums"][0]["checksumValue"] == sys.argv[2], h["checksums"]
assert h["licenseDeclared"] == "GPL-2.0-or-later", h["licenseDeclared"]
assert h["packageFileName"].startswith("htop_") and h["packageFileName"].endswith(".deb")
assert any(r["relatedSpdxElement"] == "SPDXRef-deb-htop" and r["spdxElementId"] == "SPDXRef-initrd-tools"
           and r["relationshipType"] == "CONTAINS" for r in d["relationships"])
print("ok", len([k for k in p if k.startswith("SPDXRef-deb-")]))
EOF
check "the SBOM has htop: version, the .deb's SHA-256, its license, in initrd tools" contains "$T/sbom.txt" '^ok'

# e2fsprogs alone (stacked: only what it adds to main): its own files and its libraries
"$MKDISTRO" initrd unpack "$P/out/stick/boot/initrd/e2fs.gz" "$T/e2fs" > /dev/null 2>&1
e2deb=$(ls "$MKDISTRO_CACHE"/deb/e2fsprogs_*.deb | head -n 1)
dpkg-deb -c "$e2deb" | awk '{ print $6 }' | sed 's|^\./|/|; s| ->.*||' > "$T/e2fs-files.txt"
(cd "$T/e2fs" && find . -type f -o -type l) | sed 's|^\./|/|' | sort > "$T/e2fs-has.txt"
grep -vxF -f "$T/e2fs-files.txt" "$T/e2fs-has.txt" |
	grep -v '^/\.mkdistro-initrd$\|^/lib64/ld-linux-x86-64\.so\.2$' > "$T/e2fs-other.txt"
check "the e2fsprogs variant holds e2fsprogs' files, and besides them only libraries" \
	bash -c "! grep -v '^/\(usr/\)\?lib/x86_64-linux-gnu/lib[^/]*\.so\.[0-9.]*$' '$T/e2fs-other.txt'"
check "... no pci.ids, terminfo or libcrypto in it" bash -c \
	"! grep -q 'pci.ids\|terminfo\|libcrypto' '$T/e2fs-has.txt'"
echo "# e2fsprogs alone adds $(wc -l < "$T/e2fs-has.txt") files ($(grep -c '\.so' "$T/e2fs-other.txt") libraries)," \
	"$(stat -c %s "$P/out/stick/boot/initrd/e2fs.gz") bytes of gzip"

# Booted: lspci, mke2fs and e2fsck, htop on a pseudo-terminal, and an SSH login by key
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
rm -f "$T/known_hosts" "$T/ssh.txt"
(
	for _ in $(seq 90); do
		if ssh -i "$T/key" -p "$port" -o BatchMode=yes -o ConnectTimeout=5 \
			-o StrictHostKeyChecking=accept-new -o UserKnownHostsFile="$T/known_hosts" \
			root@127.0.0.1 'echo "login: $(id -un) on $(hostname)"; touch /tmp/ssh-done' \
			> "$T/ssh.txt" 2> "$T/ssh.err"; then
			exit 0
		fi
		sleep 2
	done
	exit 1
) &
sshloop=$!
python3 "$here/guest.py" --image "$img" --label mt --log "$T/serial.txt" --step-timeout 200 \
	--qemu=-netdev --qemu "user,id=n0,restrict=on,hostfwd=tcp:127.0.0.1:$port-:22" \
	--qemu=-device --qemu e1000,netdev=n0 \
	--run 'lspci' \
	--run 'mke2fs -q -F /dev/ram0 && e2fsck -f -n /dev/ram0' \
	--run 'TERM=xterm timeout 6 script -q -c htop /tmp/htop.txt > /dev/null; grep -c "Tasks:" /tmp/htop.txt' \
	--run 'tcpdump -i lo -n -c 2 icmp > /tmp/td.txt 2>&1 & sleep 2; ps -o user,args | grep "[t]cpdump -i"; ping -c 3 127.0.0.1 > /dev/null; wait; cat /tmp/td.txt' \
	--run 'dropbearkey -y -f /etc/dropbear/dropbear_ed25519_host_key | grep "^ssh-ed25519"' \
	--run 'dropbear -s -p 22' \
	--until 'test -e /tmp/ssh-done' > "$T/guest.txt" 2>&1
rc=$?
kill "$sshloop" 2> /dev/null
wait "$sshloop" 2> /dev/null
check "the variant boots and every step passed (exit $rc)" test $rc -eq 0
[ $rc -eq 0 ] || tail -n 30 "$T/guest.txt" | sed 's/^/    /'
check "lspci names QEMU's devices (it found pci.ids)" contains "$T/guest.txt" \
	'^00:01\.1 IDE interface: Intel Corporation 82371SB PIIX3 IDE'
check "mke2fs formats a RAM disk and e2fsck -f passes" contains "$T/guest.txt" \
	'^/dev/ram0: 11/[0-9]+ files'
check "tcpdump captures, as the user tcpdump once the capture is open (the rule's user)" \
	bash -c "grep -q '^tcpdump *tcpdump -i lo' '$T/guest.txt' && grep -q '^2 packets captured' '$T/guest.txt'"
check "htop draws its screen on a pseudo-terminal (it found terminfo)" \
	bash -c "awk '/^== run: TERM=xterm/ { on = 1; next } on && /^== exit/ { exit } on' '$T/guest.txt' | grep -qx '[1-9][0-9]*'"
check "an SSH login by key to the image's dropbear, through 127.0.0.1:$port" \
	contains "$T/ssh.txt" '^login: root on mkdistro$'
guestkey=$(sed -n 's/^\(ssh-ed25519 [A-Za-z0-9+/=]*\).*/\1/p' "$T/guest.txt" | head -n 1)
check "the host key the login met is the one made at start-up" \
	bash -c "test -n '$guestkey' && grep -qF '$guestkey' '$T/known_hosts'"

# No network: a second build from the cache and the lock reaches the same image, and apt is
# not run (an apt-get first in PATH that fails and says it was run)
sum=$(sha256sum < "$img")
mkdir -p "$T/noapt"
printf '#!/bin/sh\necho "apt-get was run: $*" >> "%s/apt-ran"\nexit 1\n' "$T" > "$T/noapt/apt-get"
chmod +x "$T/noapt/apt-get"
rm -rf "$P/out"
PATH="$T/noapt:$PATH" http_proxy=http://127.0.0.1:9 "$MKDISTRO" -C "$P" build > "$T/offline.txt" 2>&1
check "a build with no apt and no network" test $? -eq 0
check "... took the packages from the cache, as the lock pins them" contains "$T/offline.txt" \
	"$ndeb Debian packages \(from the cache, as mkdistro.lock pins them\)"
check "... did not run apt-get" test ! -e "$T/apt-ran"
check "... and made the same image, byte for byte" test "$(sha256sum < "$img")" = "$sum"

# A tampered and a truncated cached .deb: refused by name, the image kept
cp "$htop_deb" "$T/htop.deb"
printf 'X' | dd of="$htop_deb" bs=1 seek=4000 conv=notrunc 2> /dev/null
"$MKDISTRO" -C "$P" build > "$T/tampered.txt" 2>&1
check "a tampered cached .deb is refused" test $? -ne 0
check "... by its name" contains "$T/tampered.txt" "mkdistro\.lock:[0-9]+: '.*/$(basename "$htop_deb")' was tampered with"
head -c 100000 "$T/htop.deb" > "$htop_deb"
"$MKDISTRO" -C "$P" build > "$T/truncated.txt" 2>&1
check "a truncated cached .deb is refused" test $? -ne 0
check "... by its name" contains "$T/truncated.txt" "'.*/$(basename "$htop_deb")' is truncated"
cp "$T/htop.deb" "$htop_deb"
check "the image is kept" test "$(sha256sum < "$img")" = "$sum"
"$MKDISTRO" -C "$P" build > "$T/restored.txt" 2>&1
check "the pinned file back: the build passes" test $? -eq 0

# Main's packages ([rootfs] packages) with a dynamic BusyBox: every initrd has them, and libc,
# which BusyBox and the packages both need, is there once: the package's
cp -a "$P" "$T/main" && rm -rf "$T/main/out"
sed -i 's/^static = yes$/static = no/; s/^skeleton = rootfs$/&\npackages = pciutils/' "$T/main/mkdistro.conf"
"$MKDISTRO" -C "$T/main" build > "$T/main.txt" 2>&1
check "[rootfs] packages, with a dynamic BusyBox: built" test $? -eq 0
"$MKDISTRO" initrd unpack "$T/main/out/stick/boot/initrd/main.gz" "$T/main-root" > /dev/null 2>&1
check "main's initrd has lspci and pci.ids" test -x "$T/main-root/usr/bin/lspci" -a -s "$T/main-root/usr/share/misc/pci.ids"
check "BusyBox is dynamic there" bash -c "readelf -l '$T/main-root/bin/busybox' | grep -q 'Requesting program interpreter'"
check "libc.so.6 is stored once, the package's" \
	bash -c "test \$(find '$T/main-root' -name 'libc.so.6*' | wc -l) -eq 1 && cmp -s '$T/libc.so.6' '$T/main-root/lib/x86_64-linux-gnu/libc.so.6'"
check "the variant has main's packages too" bash -c "$MKDISTRO initrd unpack '$T/main/out/stick/boot/initrd/tools.gz' '$T/main-tools' > /dev/null 2>&1 && test -x '$T/main-tools/usr/bin/lspci'"

# A package the archive does not have: the config line
cp -a "$P" "$T/bad" && rm -rf "$T/bad/out"
printf '\n[initrd.bad]\npackages = mkdistro-no-such-package\n' >> "$T/bad/mkdistro.conf"
line=$(grep -n '^packages = mkdistro-no-such-package' "$T/bad/mkdistro.conf" | cut -d: -f1)
"$MKDISTRO" -C "$T/bad" build > "$T/nosuch.txt" 2>&1
check "a package the archive does not have fails the build" test $? -ne 0
check "... naming mkdistro.conf:$line and the package" contains "$T/nosuch.txt" \
	"mkdistro\.conf:$line: \[initrd\.bad\] packages: 'mkdistro-no-such-package' is not a package of the archive for amd64"
# A name with no installation candidate (a virtual package, which apt will not choose for us)
sed -i 's/^packages = mkdistro-no-such-package/packages = mail-transport-agent/' "$T/bad/mkdistro.conf"
"$MKDISTRO" -C "$T/bad" build > "$T/nocandidate.txt" 2>&1
check "a package with no installation candidate fails the build" test $? -ne 0
check "... naming mkdistro.conf:$line, the package and the architecture" contains "$T/nocandidate.txt" \
	"mkdistro\.conf:$line: \[initrd\.bad\] packages: 'mail-transport-agent' has no installation candidate for amd64"
# A package that adds a user in its maintainer scripts (uuid-runtime: uuidd), with no rule
sed -i 's/^packages = mail-transport-agent/packages = uuid-runtime/' "$T/bad/mkdistro.conf"
rm -f "$T/bad/mkdistro.lock"
"$MKDISTRO" -C "$T/bad" build > "$T/norule.txt" 2>&1
check "a package that needs a rule mkdistro lacks fails the build" test $? -ne 0
check "... saying so, with its config line" contains "$T/norule.txt" \
	"mkdistro\.conf:$line: \[initrd\.bad\] packages: package uuid-runtime adds users or groups in its maintainer scripts.*no rule for it yet"
finish
