#!/bin/bash
# distcc, and a kernel.config change (issue 6): a distccd started here on 127.0.0.1 compiles
# the part of the kernel that a new CONFIG_LOCALVERSION makes stale; the build says that
# kernel.config changed and which setting, rebuilds the kernel and not BusyBox, and the
# kernel it makes carries the new version.  On a copy of the shared project (lib.sh), with
# the small system (i686).
. "$(dirname "$0")/lib.sh"
T=$MKDISTRO_TEST_TMP/distcc
rm -rf "$T"
mkdir -p "$T"
P=$T/p
# with out/.state: the last build's inputs; the small system (its subject is distcc; lib.sh),
# cross-compiled: i686-linux-gnu-gcc through distcc
small_project "$P" || finish
user=nobody
port=$((20000 + $$ % 10000))

# distccd as an unprivileged user, on loopback only, its log here
: > "$T/distccd.log"
chown "$user" "$T/distccd.log"
distccd --daemon --user "$user" --listen 127.0.0.1 --allow 127.0.0.1 --port "$port" \
	--jobs 2 --log-file "$T/distccd.log" --log-level info
check "distccd started on 127.0.0.1:$port" test $? -eq 0
trap 'pkill -f -- "distccd .*--port $port "' EXIT
for _ in $(seq 50); do pgrep -f -- "distccd .*--port $port " > /dev/null && break; sleep 0.1; done

# in the project's [build] section (a second [build] would be refused)
sed -i "s|^ccache = yes$|ccache = no\ndistcc = 127.0.0.1:$port/2|" "$P/mkdistro.conf"
check "the project's [build] section sets distcc" grep -q "^distcc = 127.0.0.1:$port/2$" "$P/mkdistro.conf"
# a version no earlier run built, so that the kernel is not in the cache
v=-distcc$$
echo "CONFIG_LOCALVERSION=\"$v\"" >> "$P/kernel.config"
"$MKDISTRO" -C "$P" build > "$T/build.txt" 2>&1
rc=$?
sed 's/^/    /' "$T/build.txt"
check "build with distcc after a kernel.config change" test $rc -eq 0
check "it says kernel.config changed, and the setting" contains "$T/build.txt" "^  kernel main: rebuilding: kernel.config changed \\(\\+CONFIG_LOCALVERSION=\"$v\"\\)\$"
check "make -j scaled for the host (2 cores + 2), through distcc" contains "$T/build.txt" "^  make -j$(($(nproc) + 2)) bzImage \(distcc to 1 host\)"
check "the kernel carries the new version" contains "$T/build.txt" "^\\[2/8\\] kernel +main [0-9.]+$v "
check "BusyBox is not rebuilt" contains "$T/build.txt" '^\[3/8\] busybox .*\(cached\)'
n=$(grep -c 'COMPILE_OK' "$T/distccd.log")
grep 'COMPILE_OK' "$T/distccd.log" | head -n 5 | sed 's/^/    /'
check "distccd compiled part of the kernel ($n files)" test "$n" -gt 0
# A new version makes a few objects stale; distcc must not change what the kernel's Kconfig
# sees of the compiler (Debian's distcc renames gcc, and CONFIG_CC_VERSION_TEXT with it),
# which would make every object stale and give another kernel
check "only the objects the version touches were compiled ($n, under 100)" test "$n" -lt 100
check "among them a kernel source file" grep -Eq 'COMPILE_OK .*(init/version|\.c)' "$T/distccd.log"
check "distccd served 127.0.0.1 only" bash -c "! grep 'connection from' '$T/distccd.log' | grep -vq 'from 127.0.0.1'"
finish
