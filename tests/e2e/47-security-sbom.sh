#!/bin/bash
# End to end: the image's own security (issue 7, item 7) and its SBOM (item 8).
#
# A project of its own from `mkdistro init` (the default kernel.config and busybox.config, so
# the kernel and BusyBox come from the tests' cache that 10-build-boot.sh filled), with a
# skeleton that has root/ and tmp/ of its own:
#   - what the default image allows: nothing in inittab, rc.S or the hotplug scripts that
#     serves the network, no /etc/shadow, a shell on the console without a password; /tmp 1777
#     and /root 0700 in the initrd, whatever the skeleton;
#   - out/sbom.spdx.json: SPDX 2.3 JSON that names linux, busybox, syslinux and every library
#     in the initrd, each SHA-256 that of the file in the image; made again byte for byte,
#     in another directory too; not rewritten by a build with nothing changed;
#   - [system] root_password_file and root_password_hash: /etc/shadow (0600) with a SHA-512
#     crypt hash that checks, the password nowhere in out/ or the cache's memos, the same
#     image twice; and what is refused (yescrypt, both keys, a file in the skeleton, a
#     console that would give a shell without login);
#   - one boot in QEMU of the default image: a root shell with no login, nothing listening.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
T=$MKDISTRO_TEST_TMP/security-sbom
P=$T/proj
rm -rf "$T"
mkdir -p "$T"
export MTOOLS_SKIP_CHECK=1
sha() { sha256sum < "$1" | cut -c1-64; }
lacks() { ! grep -Eq -- "$2" "$1" || { echo "  '$2' found in $1:"; grep -E -- "$2" "$1" | sed 's/^/    /' | head -n 5; return 1; }; }
# build NAME [DIR]: mkdistro build into $T/NAME.txt, its wall time in $T/NAME.time
build() {
	local start end rc
	start=$(date +%s.%N)
	"$MKDISTRO" -C "${2:-$P}" build > "$T/$1.txt" 2>&1
	rc=$?
	end=$(date +%s.%N)
	echo "$start $end" | awk '{ printf "%.2f\n", $2 - $1 }' > "$T/$1.time"
	[ $rc -eq 0 ] || sed 's/^/    /' "$T/$1.txt" | tail -n 20
	return $rc
}
# unpack NAME [DIR]: the project's main initrd into $T/NAME
unpack() {
	rm -rf "${T:?}/$1"
	"$MKDISTRO" initrd unpack "${2:-$P}/out/stick/boot/initrd/main.gz" "$T/$1" > "$T/$1.txt" 2>&1
}
# member DIR TYPE PATH MODE: the unpacked initrd's list says PATH is TYPE with MODE, root's
member() {
	grep -Eq "^$2 $3 $4 0 0 " "$T/$1/.mkdistro-initrd" || {
		echo "  no '$2 $3 $4 0 0' in $T/$1/.mkdistro-initrd:"
		grep -E " $3 " "$T/$1/.mkdistro-initrd" | sed 's/^/    /'
		return 1
	}
}

check "init creates a project" "$MKDISTRO" init "$P"
[ -f "$P/mkdistro.conf" ] || finish
# BusyBox linked against glibc's shared libraries, so that the SBOM has libraries to name
sed -i 's/^static = yes$/static = no/' "$P/mkdistro.conf"
# A skeleton with its own root/ and tmp/ (a .profile, a note): their modes must not follow
mkdir -p "$P/rootfs/root" "$P/rootfs/tmp"
echo 'echo welcome' > "$P/rootfs/root/.profile"
echo 'scratch space' > "$P/rootfs/tmp/README"

# ---- what the default live image allows ----
daemons='telnetd|httpd|inetd|ftpd|tftpd|udhcpd|dhcpd|dropbear|sshd|ntpd|nc|netcat|dnsd|fakeidentd'
check "inittab, rc.S, rc.console, mdev.conf and the scripts it runs start no network service" bash -c \
	"! grep -Ewq '$daemons' '$P/rootfs/etc/inittab' '$P/rootfs/etc/rc.d/rc.S' '$P/rootfs/etc/rc.d/rc.console' '$P/rootfs/etc/mdev.conf' '$P/rootfs/etc/rc.d/rc.net' '$P/rootfs/etc/rc.d/rc.disk' '$P/rootfs/etc/rc.d/rc.hotplug' '$P/rootfs/usr/share/udhcpc/default.script'"
check "the default skeleton has no /etc/shadow" test ! -e "$P/rootfs/etc/shadow"
check "the consoles run rc.console, which asks for a password only when there is one" bash -c \
	"grep -q '^::respawn:/bin/cttyhack /etc/rc.d/rc.console$' '$P/rootfs/etc/inittab' &&
	 grep -q '^tty1::askfirst:/etc/rc.d/rc.console$' '$P/rootfs/etc/inittab' &&
	 grep -q 'exec /bin/login' '$P/rootfs/etc/rc.d/rc.console' && test -x '$P/rootfs/etc/rc.d/rc.console'"

check "build the default project (BusyBox dynamic)" build first
check "the kernel comes from the cache" bash -c "grep -Eq '^\[2/8\] kernel .*\(cached\)' '$T/first.txt'"
check "the build names the SBOM" contains "$T/first.txt" '^\[8/8\] image .*; SBOM in out/sbom\.spdx\.json \('
check "unpack the initrd" unpack u1
check "/tmp is 1777 in the initrd (the skeleton's tmp/ notwithstanding)" member u1 dir tmp 1777
check "/var/tmp is 1777 in the initrd" member u1 dir var/tmp 1777
check "/root is 0700 in the initrd (the skeleton's root/ notwithstanding)" member u1 dir root 0700
check "the skeleton's files are there" test -f "$T/u1/root/.profile" -a -f "$T/u1/tmp/README"
check "no /etc/shadow without a password" test ! -e "$T/u1/etc/shadow"
check "root's password field is 'x'" grep -q '^root:x:0:0:' "$T/u1/etc/passwd"

# ---- the SBOM ----
S=$P/out/sbom.spdx.json
check "out/sbom.spdx.json is there" test -s "$S"
check "it is JSON (python3 -m json.tool)" bash -c "python3 -m json.tool '$S' > /dev/null"
check "no temporary left beside it" test ! -e "$S.tmp"
# sbom-check.py SBOM INITRD-DIR STICK IMAGE: the document against the image, one line per problem
cat > "$T/sbom-check.py" <<'EOF'
import hashlib, json, os, re, subprocess, sys
sbom, tree, stick, image = sys.argv[1:5]
d = json.load(open(sbom))
bad = []
def sha(path):
    return hashlib.sha256(open(path, 'rb').read()).hexdigest()
# SPDX 2.3 (its JSON schema): the required fields, and the values of the enumerations
for k in ('spdxVersion', 'dataLicense', 'SPDXID', 'name', 'documentNamespace', 'creationInfo'):
    if k not in d: bad.append('document lacks ' + k)
if d.get('spdxVersion') != 'SPDX-2.3' or d.get('dataLicense') != 'CC0-1.0' or d.get('SPDXID') != 'SPDXRef-DOCUMENT':
    bad.append('not an SPDX-2.3 document header')
ci = d.get('creationInfo', {})
if ci.get('created') != '2000-01-01T00:00:00Z': bad.append('created is %r, not the epoch' % ci.get('created'))
if not ci.get('creators') or not ci['creators'][0].startswith('Tool: mkdistro-'): bad.append('creators %r' % ci.get('creators'))
text = open(sbom).read()
draft = ''.join(l for l in text.splitlines(True) if '"documentNamespace"' not in l)
if not d.get('documentNamespace', '').endswith('-' + hashlib.sha256(draft.encode()).hexdigest()):
    bad.append('the namespace is not the SHA-256 of the rest')
purposes = {'OTHER', 'INSTALL', 'ARCHIVE', 'FIRMWARE', 'APPLICATION', 'FRAMEWORK', 'LIBRARY', 'CONTAINER', 'SOURCE', 'DEVICE', 'OPERATING_SYSTEM', 'FILE'}
pkgs = d.get('packages', [])
ids = [p.get('SPDXID') for p in pkgs]
if len(ids) != len(set(ids)): bad.append('SPDXIDs repeat')
for p in pkgs:
    for k in ('SPDXID', 'name', 'downloadLocation', 'licenseDeclared', 'licenseConcluded'):
        if k not in p: bad.append('%s lacks %s' % (p.get('SPDXID'), k))
    if not re.fullmatch(r'SPDXRef-[A-Za-z0-9.-]+', p.get('SPDXID', '')): bad.append('bad SPDXID %r' % p.get('SPDXID'))
    if 'primaryPackagePurpose' in p and p['primaryPackagePurpose'] not in purposes: bad.append('bad purpose ' + p['primaryPackagePurpose'])
    if p.get('filesAnalyzed') is not False: bad.append('%s: filesAnalyzed is not false' % p.get('SPDXID'))
    for c in p.get('checksums', []):
        if c.get('algorithm') != 'SHA256' or not re.fullmatch('[0-9a-f]{64}', c.get('checksumValue', '')): bad.append('%s: bad checksum' % p.get('SPDXID'))
    for r in p.get('externalRefs', []):
        if r.get('referenceCategory') != 'PACKAGE-MANAGER' or r.get('referenceType') != 'purl' or not r.get('referenceLocator', '').startswith('pkg:deb/debian/'):
            bad.append('%s: bad external ref %r' % (p.get('SPDXID'), r))
rels = set()
for r in d.get('relationships', []):
    if r.get('relationshipType') not in ('DESCRIBES', 'CONTAINS', 'GENERATED_FROM'): bad.append('relationship type %r' % r.get('relationshipType'))
    for k in ('spdxElementId', 'relatedSpdxElement'):
        if r.get(k) not in ids and r.get(k) != 'SPDXRef-DOCUMENT': bad.append('relationship names %r' % r.get(k))
    rels.add((r.get('spdxElementId'), r.get('relationshipType'), r.get('relatedSpdxElement')))
if ('SPDXRef-DOCUMENT', 'DESCRIBES', 'SPDXRef-image') not in rels: bad.append('the document does not describe the image')
by = {}
for p in pkgs: by.setdefault(p.get('name'), []).append(p)
def one(name, file):
    for p in by.get(name, []):
        if p.get('packageFileName') == file: return p
    bad.append('no %s package for %s' % (name, file))
    return {}
def digest(p):
    return (p.get('checksums') or [{}])[0].get('checksumValue')
# linux: the kernel on the stick, made from one source
k = one('linux', '/boot/kernel/main.lk')
if k and (digest(k) != sha(stick + '/boot/kernel/main.lk') or k.get('licenseDeclared') != 'GPL-2.0-only' or not k.get('versionInfo')):
    bad.append('linux: %r' % k)
if k and ('SPDXRef-image', 'CONTAINS', k['SPDXID']) not in rels: bad.append('the image does not contain linux')
src = [p for p in by.get('linux', []) if p.get('primaryPackagePurpose') == 'SOURCE']
if len(src) != 1 or not k or (k['SPDXID'], 'GENERATED_FROM', src[0]['SPDXID']) not in rels:
    bad.append('linux is not generated from one source')
elif os.path.exists('/usr/src/' + src[0].get('packageFileName', '-')) and digest(src[0]) != sha('/usr/src/' + src[0]['packageFileName']):
    bad.append('the kernel source tarball\'s SHA-256 is not the tarball\'s')
# the initrd, and busybox in it
i = one('initrd', '/boot/initrd/main.gz')
if i and digest(i) != sha(stick + '/boot/initrd/main.gz'): bad.append('initrd: wrong SHA-256')
b = one('busybox', '/bin/busybox')
if b and (digest(b) != sha(tree + '/bin/busybox') or b.get('licenseDeclared') != 'GPL-2.0-only' or not b.get('versionInfo')):
    bad.append('busybox: %r' % b)
if i and b and (i['SPDXID'], 'CONTAINS', b['SPDXID']) not in rels: bad.append('the initrd does not contain busybox')
# the kernel's modules: their initrd, made from the kernel's source
m = one('linux-modules', '/boot/initrd/modules.xz')
if m and (digest(m) != sha(stick + '/boot/initrd/modules.xz') or m.get('licenseDeclared') != 'GPL-2.0-only' or not m.get('versionInfo')):
    bad.append('linux-modules: %r' % m)
if m and ('SPDXRef-image', 'CONTAINS', m['SPDXID']) not in rels: bad.append('the image does not contain the modules')
if m and src and (m['SPDXID'], 'GENERATED_FROM', src[0]['SPDXID']) not in rels: bad.append('the modules are not generated from the kernel source')
# every library in the initrd: named, its SHA-256 the file's, with a version and its Debian package
libs = 0
for dirpath, dirs, files in os.walk(tree):
    for f in files:
        path = os.path.join(dirpath, f)
        rel = '/' + os.path.relpath(path, tree)
        if os.path.islink(path) or '.so' not in f or open(path, 'rb').read(4) != b'\x7fELF': continue
        libs += 1
        p = one(f, rel)
        if not p: continue
        if digest(p) != sha(path): bad.append('%s: SHA-256 %s is not the file\'s' % (rel, digest(p)))
        if not p.get('versionInfo') or not p.get('externalRefs'): bad.append('%s: no version or Debian package' % rel)
        if i and (i['SPDXID'], 'CONTAINS', p['SPDXID']) not in rels: bad.append('the initrd does not contain ' + rel)
if libs < 3: bad.append('only %d libraries in the initrd' % libs)
# syslinux: its files, as they are on the stick
sl = {p.get('packageFileName'): p for p in by.get('syslinux', [])}
for f in ('/EFI/BOOT/BOOTX64.EFI', '/EFI/BOOT/ldlinux.e64', '/boot/syslinux/chain.c32',
          '/boot/syslinux/libcom32.c32', '/boot/syslinux/libutil.c32'):
    if f not in sl or digest(sl[f]) != sha(stick + f): bad.append('syslinux ' + f)
for f in ('/boot/syslinux/ldlinux.sys', '/boot/syslinux/ldlinux.c32'):
    got = subprocess.run(['mtype', '-i', image + '@@1048576', '::' + f], capture_output=True).stdout
    if f not in sl or not got or digest(sl[f]) != hashlib.sha256(got).hexdigest(): bad.append('syslinux ' + f)
if 'mbr.bin' not in sl or digest(sl['mbr.bin']) != hashlib.sha256(open(image, 'rb').read(440)).hexdigest():
    bad.append('syslinux mbr.bin is not the MBR boot code')
for p in by.get('syslinux', []):
    if p.get('licenseDeclared') != 'GPL-2.0-or-later' or not p.get('versionInfo'): bad.append('syslinux %r' % p)
for line in bad: print(line)
print('# %d packages (%d libraries in the initrd), %d relationships' % (len(pkgs), libs, len(rels)))
sys.exit(1 if bad else 0)
EOF
sbom_check() {
	python3 "$T/sbom-check.py" "$S" "$T/$1" "$P/out/stick" "$P/out/mkdistro.img" > "$T/sbom-$1.txt" 2>&1 ||
		{ sed 's/^/    /' "$T/sbom-$1.txt" | head -n 20; return 1; }
}
check "SBOM: SPDX 2.3; linux, busybox, syslinux and each library of the initrd with its file's SHA-256" sbom_check u1
grep '^#' "$T/sbom-u1.txt"

cp -p "$S" "$T/sbom.first"
before=$(stat -c '%i %Y %Z' "$S")
check "no-op build" build noop
echo "# no-op build: $(cat "$T/noop.time") s"
check "no-op: the SBOM is unchanged, and says so" contains "$T/noop.txt" 'SBOM in out/sbom\.spdx\.json \(unchanged\)'
check "no-op: out/sbom.spdx.json not rewritten" test "$(stat -c '%i %Y %Z' "$S")" = "$before"
check "no-op: nothing rebuilt" lacks "$T/noop.txt" 'make -j|rebuilding|building \('
rm "$S"
check "build after removing the SBOM" build again
check "the same SBOM, byte for byte" cmp "$S" "$T/sbom.first"
cp -a "$P" "$T/other dir"
rm -rf "$T/other dir/out"
check "the project copied to another directory, built from scratch" build other "$T/other dir"
check "the same SBOM from another directory" cmp "$T/other dir/out/sbom.spdx.json" "$T/sbom.first"

# ---- a root password from a file ----
pw='e2e Secret-47'
printf '%s\n' "$pw" > "$T/pw"
chmod 600 "$T/pw"
sed -i "s|^hostname = .*|&\nroot_password_file = $T/pw|" "$P/mkdistro.conf"
check "mkdistro.conf sets root_password_file" grep -q "^root_password_file = $T/pw$" "$P/mkdistro.conf"
check "build with the password file" build pwfile
check "the initrd is made again, the kernel is not" bash -c \
	"grep -q '^  initrd main: rebuilding' '$T/pwfile.txt' && grep -Eq '^\[2/8\] kernel .*\(cached\)' '$T/pwfile.txt'"
check "unpack the initrd with the password" unpack u2
check "/etc/shadow is there, root's alone (0600)" member u2 file etc/shadow 0600
check "/etc/shadow holds root's SHA-512 crypt hash, 100000 rounds" grep -Eq \
	'^root:\$6\$rounds=100000\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}:10957:0:99999:7:::$' "$T/u2/etc/shadow"
check "the hash is of the password (crypt(3))" python3 -W ignore -c "
import crypt, sys
h = open('$T/u2/etc/shadow').read().split(':')[1]
sys.exit(crypt.crypt('$pw', h) != h or crypt.crypt('wrong', h) == h)"
check "the password is nowhere in out/" bash -c "! grep -rqaF '$pw' '$P/out'"
check "nor in the initrd" bash -c "! zcat '$P/out/stick/boot/initrd/main.gz' | grep -qaF '$pw'"
check "nor in the cache's remembered answers" bash -c "! grep -rqaF '$pw' '$MKDISTRO_CACHE/memo'"
check "out/.state has the SHA-256 of /etc/shadow, not the hash" bash -c \
	"grep -q '^/etc/shadow file 0600 0:0 [0-9]* sha256:' '$P/out/.state/initrd-main' && ! grep -qF '\$6\$' '$P/out/.state/initrd-main'"
check "the SBOM is made again, and still matches the image" sbom_check u2
cp -p "$P/out/stick/boot/initrd/main.gz" "$T/pw-initrd.gz"
touch "$T/pw"
check "build after touching the password file" build pwagain
check "the same password gives the same initrd (salt from the hostname and volume id)" \
	cmp "$P/out/stick/boot/initrd/main.gz" "$T/pw-initrd.gz"
cp "$P/out/mkdistro.img" "$T/pw.img"

# ---- a hash given as it is ----
hash=$(python3 -W ignore -c "import crypt; print(crypt.crypt('$pw', '\$6\$mkdistroE2Esalt'))")
sed -i "s|^root_password_file = .*|root_password_hash = $hash|" "$P/mkdistro.conf"
check "build with root_password_hash" build pwhash
check "unpack the initrd with the hash" unpack u3
check "/etc/shadow holds that hash" grep -qxF "root:$hash:10957:0:99999:7:::" "$T/u3/etc/shadow"

# ---- refused ----
img=$(sha "$P/out/mkdistro.img")
cp "$P/mkdistro.conf" "$T/good.conf"
yes='$y$j9T$F5Jx5fExrKuPp53xLKQ..1$X3DX6M94c7o.9agCG9G317fhZg9SqC.5i5rd.RhAtQ7'
sed -i "s|^root_password_hash = .*|root_password_hash = $yes|" "$P/mkdistro.conf"
line=$(grep -n '^root_password_hash' "$P/mkdistro.conf" | cut -d: -f1)
"$MKDISTRO" -C "$P" build > "$T/yescrypt.txt" 2>&1
check "a yescrypt hash is refused (exit 1)" test $? -eq 1
check "naming its line, and why" contains "$T/yescrypt.txt" \
	"^mkdistro: $P/mkdistro.conf:$line: 'root_password_hash' is a yescrypt or scrypt hash, which the image's BusyBox login cannot check"
sed "s|^root_password_hash = .*|&\nroot_password_file = $T/pw|" "$T/good.conf" > "$P/mkdistro.conf"
"$MKDISTRO" -C "$P" build > "$T/both.txt" 2>&1
check "both keys are refused" bash -c "[ $? -eq 1 ] && grep -q 'set root_password_hash or root_password_file, not both$' '$T/both.txt'"
sed -i '/^root_password_hash = /d; s|^root_password_file = .*|root_password_file = rootfs/etc/pw|' "$P/mkdistro.conf"
cp "$T/pw" "$P/rootfs/etc/pw"
"$MKDISTRO" -C "$P" build > "$T/inskel.txt" 2>&1
check "a password file inside the skeleton is refused" bash -c "[ $? -eq 1 ] && grep -q 'it would be copied into the image in clear' '$T/inskel.txt'"
rm "$P/rootfs/etc/pw"
check "the image is left as it was" test "$(sha "$P/out/mkdistro.img")" = "$img"
# The inittab of a project made before rc.console (a shell straight on the console) with a
# password: lint fails
sed -i "s|^root_password_file = .*|root_password_file = $T/pw|" "$P/mkdistro.conf"
sed -i 's|/etc/rc.d/rc.console|/bin/sh -l|' "$P/rootfs/etc/inittab"
"$MKDISTRO" -C "$P" lint > "$T/lint.txt" 2>&1
check "lint: a console shell with a root password fails" test $? -eq 1
check "lint names the inittab line that gives a shell without login" contains "$T/lint.txt" \
	"^mkdistro: lint: initrd 'main': /etc/inittab line [0-9]+ starts a shell \(/bin/sh\) without login: anyone at that console is root"

# ---- booted: what the default image allows ----
"$MKDISTRO" -C "$T/other dir" test --timeout 180 \
	--cmd 'echo uid=$(id -u); ls -ld /root; netstat -ltnu; echo daemons=$(ps | grep -Ec "[t]elnetd|[h]ttpd|[i]netd|[u]dhcpd|[d]ropbear")' \
	> "$T/boot.txt" 2>&1
check "the default image boots to a root shell with no login" bash -c "[ $? -eq 0 ] && grep -q '^uid=0' '$T/boot.txt'"
check "/root is drwx------ on the running system" contains "$T/boot.txt" '^drwx------ +[0-9]+ root +root .* /root'
check "nothing listens on the running system (netstat -ltnu)" bash -c \
	"grep -q '^Active Internet connections (only servers)' '$T/boot.txt' && ! grep -q LISTEN '$T/boot.txt'"
check "no network daemon runs" contains "$T/boot.txt" '^daemons=0'

# ---- booted with the password file's hash: the console asks for it ----
# on a terminal of its own (term.py), typed at as a person would: root and a wrong password
# (refused), then the right one
check "the image with a password: login refuses a wrong one and lets root in with the right one" \
	python3 "$here/term.py" --log "$T/login.txt" --secret "$pw" \
	--expect 'mkdistro login: ' 180 'the console asks to log in, not a shell' \
	--type root --expect 'Password: ' 30 'login asks for the password' \
	--type 'not the password' --expect 'Login incorrect' 90 'a wrong password is refused' \
	--expect 'mkdistro login: ' 90 'login asks again' \
	--type root --expect 'Password: ' 30 'login asks for the password again' \
	--type "$pw" --expect 'root@mkdistro:~# ' 90 'the right password gives root a shell' \
	--type 'echo uid=$(id -u); reboot -f' --expect 'uid=0' 30 "the shell is root's" \
	-- "$MKDISTRO" -C "$P" run --accel tcg --image "$T/pw.img"
finish
