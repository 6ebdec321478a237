#!/bin/bash
# End to end: `mkdistro lint` on the shared project (lib.sh; every stage it needs is cached,
# so it takes seconds), then on a copy with initrd variants broken on the root filesystem side:
# lint names each problem, and a build fails before it writes anything, leaving the previous
# image as it was.  The kernel-side rules are unit-tested (tests/unit/test_lint.c): breaking
# kernel.config here would rebuild the kernel.
. "$(dirname "$0")/lib.sh"
T=$MKDISTRO_TEST_TMP/lint-e2e
P=$PROJ
B=$T/proj
rm -rf "$T"
mkdir -p "$T"
need_project || finish
sum() { sha256sum "$1" | cut -d' ' -f1; }

"$MKDISTRO" -C "$P" lint > "$T/ok.out" 2> "$T/ok.err"
rc=$?
check "lint of the built project exits 0" test $rc -eq 0
[ $rc -eq 0 ] || sed 's/^/    /' "$T/ok.err" | tail -n 15
check "lint says all checks passed" contains "$T/ok.out" '^lint: [0-9]+ checks, all passed$'
check "lint runs the stages up to itself, and no further" bash -c \
	"grep -Eq '^\[4/5\] rootfs ' '$T/ok.err' && grep -Eq '^\[5/5\] lint +[0-9]+ checks, all passed' '$T/ok.err'"
check "lint reuses the cached kernel and BusyBox" contains "$T/ok.err" '^\[2/5\] kernel .*\(cached\)'
"$MKDISTRO" -q -C "$P" lint > "$T/quiet.out" 2> "$T/quiet.err"
check "lint -q prints the one line" bash -c "[ \$(wc -l < '$T/quiet.out') -eq 1 ] && [ ! -s '$T/quiet.err' ]"
"$MKDISTRO" -C "$P" lint extra > /dev/null 2> "$T/usage.err"
check "lint takes no arguments (exit 2)" test $? -eq 2

# A copy whose variants break the root filesystem: a /sbin/init that is not executable, a
# script whose interpreter is not in the image, an inittab that starts a missing program
cp -a "$P" "$B"
mkdir -p "$B/noinit/sbin" "$B/script/usr/bin" "$B/script/etc"
echo 'not a program' > "$B/noinit/sbin/init"
chmod 644 "$B/noinit/sbin/init"
printf '#!/bin/bash\necho hello\n' > "$B/script/usr/bin/hello"
chmod 755 "$B/script/usr/bin/hello"
{ cat "$B/rootfs/etc/inittab"; echo '::once:/usr/bin/missing-tool --now'; } > "$B/script/etc/inittab"
lines=$(wc -l < "$B/script/etc/inittab")
# and an rc.hotplug of before the boot loader stopped loading the modules (it never unpacks
# them from the stick)
mkdir -p "$B/oldhotplug/etc/rc.d"
printf '#!/bin/sh\nmdev -d || exit 0\nfind /sys/devices -name modalias | xargs cat | sort -u | xargs modprobe -a -b -q\n' \
	> "$B/oldhotplug/etc/rc.d/rc.hotplug"
chmod 755 "$B/oldhotplug/etc/rc.d/rc.hotplug"
# (cpio, as the shared project has it: a stacked initrd needs it, and the kernel starts /init)
check "the copy's initrd is cpio" grep -q '^format = cpio$' "$B/mkdistro.conf"
printf '\n[initrd.noinit]\noverlay = noinit\n\n[initrd.script]\noverlay = script\nstack = yes\n' \
	>> "$B/mkdistro.conf"
printf '\n[initrd.oldhotplug]\noverlay = oldhotplug\n' >> "$B/mkdistro.conf"
img=$(sum "$B/out/mkdistro.img")
menu=$(sum "$B/out/stick/boot/syslinux/syslinux.cfg")

"$MKDISTRO" -C "$B" lint > "$T/bad.out" 2> "$T/bad.err"
check "lint of the broken copy exits 1" test $? -eq 1
check "lint names the init that is not executable" contains "$T/bad.err" \
	"^mkdistro: lint: initrd 'noinit': /init is not executable \(mode 0644\): the kernel starts it from a cpio initrd$"
check "lint names the missing script interpreter" contains "$T/bad.err" \
	"^mkdistro: lint: initrd 'script': /bin/bash \(the interpreter of /usr/bin/hello\) is missing$"
check "lint names the program inittab starts that is missing" contains "$T/bad.err" \
	"^mkdistro: lint: initrd 'script': /usr/bin/missing-tool \(started by /etc/inittab line $lines\) is missing$"
check "lint names an rc.hotplug that would never unpack the modules" contains "$T/bad.err" \
	"^mkdistro: lint: initrd 'oldhotplug': no start-up script under /etc reads mkdistro.modules=, so the kernel's modules would never be unpacked"
check "lint counts what failed" contains "$T/bad.err" '^mkdistro: lint: 4 of [0-9]+ checks failed$'
check "main's tree and the kernel pass" bash -c "! grep -q \"initrd 'main'\|kernel 'main'\" '$T/bad.err'"
check "lint prints no all-passed line" test ! -s "$T/bad.out"

"$MKDISTRO" -C "$B" build > "$T/build.txt" 2>&1
check "build of the broken copy fails" test $? -ne 0
check "build stops after the root filesystems" bash -c \
	"grep -Eq '^\[4/8\] rootfs ' '$T/build.txt' && ! grep -Eq '^\[5/8\]' '$T/build.txt'"
check "build prints lint's findings" contains "$T/build.txt" \
	"^mkdistro: lint: initrd 'noinit': /init is not executable"
check "the previous image is left as it was" test "$(sum "$B/out/mkdistro.img")" = "$img"
check "and the previous stick tree" test "$(sum "$B/out/stick/boot/syslinux/syslinux.cfg")" = "$menu" \
	-a ! -e "$B/out/stick/boot/initrd/noinit.gz"

# The old rc.hotplug is fine when the boot loader loads the modules ([boot] modules = initrd)
{ sed 's/^modules = stick$/modules = initrd/' "$P/mkdistro.conf"; printf '\n[initrd.oldhotplug]\noverlay = oldhotplug\n'; } \
	> "$B/mkdistro.conf"
"$MKDISTRO" -C "$B" lint > "$T/initrd.out" 2> "$T/initrd.err"
rc=$?
check "with [boot] modules = initrd, the old rc.hotplug passes lint" bash -c \
	"[ $rc -eq 0 ] && grep -q '^modules = initrd$' '$B/mkdistro.conf' && grep -Eq '^lint: [0-9]+ checks, all passed$' '$T/initrd.out'"

# Mended, the copy builds, with lint as stage 5 of 8
cp "$P/mkdistro.conf" "$B/mkdistro.conf"
"$MKDISTRO" -C "$B" build > "$T/good.txt" 2>&1
rc=$?
check "the mended copy builds" test $rc -eq 0
[ $rc -eq 0 ] || sed 's/^/    /' "$T/good.txt" | tail -n 15
check "build runs lint as stage 5 of 8" contains "$T/good.txt" '^\[5/8\] lint +[0-9]+ checks, all passed \([0-9.]+ s\)$'
check "and then writes the image" contains "$T/good.txt" '^\[8/8\] image '
finish
