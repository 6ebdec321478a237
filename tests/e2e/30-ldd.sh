#!/bin/bash
# tests/e2e/30-ldd.sh: `mkdistro ldd` must find the same libraries as the host's ldd.
#
#   MKDISTRO=./mkdistro tests/e2e/30-ldd.sh [BINARY...]
#
# mkdistro resolves shared libraries by reading ELF headers (src/formats/elfdeps.c); ldd(1) asks
# the real ld.so.  For each binary the two lists, as "name => path" lines (addresses and
# linux-vdso dropped, whitespace normalised), must be the same set.  When ldd reports a
# library "not found", mkdistro must fail and name that library; when ldd calls the binary
# static, mkdistro must print nothing.  Finally all the binaries go to one `mkdistro ldd`,
# whose paths must be the union of ldd's.  Exit 0 only when everything agrees.
#
# Without arguments the binaries are those below: REQUIRED ones come from packages mkdistro
# itself depends on, so a missing one is a failure; OPTIONAL ones are compared when present
# and cover cases the required ones do not (a private RUNPATH, $ORIGIN).
set -euo pipefail
export LC_ALL=C

MKDISTRO=${MKDISTRO:-./mkdistro}
REQUIRED=(
	/bin/ls                      # the common case
	/usr/bin/expr                # DT_RUNPATH=/usr/lib/x86_64-linux-gnu: paths under /usr/lib
	/usr/bin/qemu-system-x86_64  # ~50 libraries, deep
	/usr/sbin/mke2fs
	/usr/bin/xz
	/usr/bin/openssl
	/sbin/ldconfig               # static-pie: nothing needed
)
OPTIONAL=(
	/usr/bin/python3
	/usr/bin/git
	/usr/bin/journalctl          # DT_RUNPATH to a private directory
	/usr/bin/man                 # DT_RUNPATH to /usr/lib/man-db
	/usr/bin/java                # DT_RPATH=$ORIGIN/../lib: ldd finds no libjli.so
)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ ! -x "$MKDISTRO" ]; then
	echo "ldd.sh: no mkdistro at '$MKDISTRO' (set MKDISTRO)" >&2
	exit 1
fi
command -v ldd >/dev/null || { echo "ldd.sh: ldd is not installed (libc-bin)" >&2; exit 1; }

bins=()
if [ $# -gt 0 ]; then
	bins=("$@")
else
	for b in "${REQUIRED[@]}"; do
		if [ ! -e "$b" ]; then
			echo "not ok - $b is missing; install its package (see scripts/install-deps)" >&2
			exit 1
		fi
		bins+=("$b")
	done
	for b in "${OPTIONAL[@]}"; do
		if [ -e "$b" ]; then bins+=("$b"); else echo "note: $b not present, not compared"; fi
	done
fi

# ldd-style lines on stdin -> sorted "name => path" / "path" lines.
normalise() {
	sed -E 's/^[[:space:]]+//; s/[[:space:]]+\(0x[0-9a-f]+\)$//; s/[[:space:]]+/ /g; s/ $//' |
		grep -Ev '^(linux-vdso|linux-gate)\.so\.[0-9]+$|^$|^statically linked$' | sort -u || true
}

failed=0
ok_bins=()
: >"$tmp/union.want"
for b in "${bins[@]}"; do
	if [ ! -e "$b" ]; then
		echo "not ok - $b: no such file"
		failed=1
		continue
	fi
	set +e
	ldd "$b" >"$tmp/ldd.raw" 2>&1
	ldd_rc=$?
	"$MKDISTRO" ldd "$b" >"$tmp/mk.raw" 2>"$tmp/mk.err"
	mk_rc=$?
	set -e
	normalise <"$tmp/ldd.raw" >"$tmp/want"
	normalise <"$tmp/mk.raw" >"$tmp/got"

	if grep -qE 'not a dynamic executable|statically linked' "$tmp/ldd.raw"; then
		if [ $mk_rc -ne 0 ] || [ -s "$tmp/got" ]; then
			echo "not ok - $b is static, but mkdistro ldd (exit $mk_rc) printed:"
			cat "$tmp/mk.raw" "$tmp/mk.err"
			failed=1
		else
			echo "ok - ldd agrees: $b (static)"
			ok_bins+=("$b")
		fi
		continue
	fi
	if [ $ldd_rc -ne 0 ]; then
		echo "not ok - ldd $b failed (exit $ldd_rc):"
		cat "$tmp/ldd.raw"
		failed=1
		continue
	fi
	missing=$(sed -nE 's/^[[:space:]]*([^[:space:]]+) => not found$/\1/p' "$tmp/ldd.raw")
	if [ -n "$missing" ]; then
		# ld.so stops at the first library it cannot find; mkdistro too, so it names one.
		if [ $mk_rc -eq 0 ]; then
			echo "not ok - ldd finds no $(echo $missing), but mkdistro ldd $b succeeded"
			failed=1
		elif ! grep -qE "needs '($(echo "$missing" | paste -sd'|'))', which is not found" \
			"$tmp/mk.err"; then
			echo "not ok - ldd finds no $(echo $missing); mkdistro ldd $b said instead:"
			cat "$tmp/mk.err"
			failed=1
		else
			echo "ok - ldd agrees: $b (not found: $(echo $missing))"
		fi
		continue
	fi
	if [ $mk_rc -ne 0 ]; then
		echo "not ok - mkdistro ldd $b failed (exit $mk_rc):"
		cat "$tmp/mk.err"
		failed=1
		continue
	fi
	if ! diff -u --label "ldd $b" --label "mkdistro ldd $b" "$tmp/want" "$tmp/got"; then
		echo "not ok - $b: mkdistro ldd and ldd differ (diff above)"
		failed=1
		continue
	fi
	echo "ok - ldd agrees: $b ($(wc -l <"$tmp/got") objects)"
	ok_bins+=("$b")
	sed -E 's/^.* => //' "$tmp/want" >>"$tmp/union.want"
done

# All at once: every path once, the union of what ldd found for each.
if [ ${#ok_bins[@]} -gt 1 ]; then
	sort -u -o "$tmp/union.want" "$tmp/union.want"
	if ! "$MKDISTRO" ldd "${ok_bins[@]}" >"$tmp/union.raw" 2>"$tmp/union.err"; then
		echo "not ok - mkdistro ldd ${ok_bins[*]} failed:"
		cat "$tmp/union.err"
		failed=1
	else
		normalise <"$tmp/union.raw" | sed -E 's/^.* => //' >"$tmp/union.got"
		if [ "$(sort "$tmp/union.got" | uniq -d)" != "" ]; then
			echo "not ok - mkdistro ldd of several binaries lists a path twice:"
			sort "$tmp/union.got" | uniq -d
			failed=1
		elif ! diff -u --label "union of ldd" --label "mkdistro ldd (all)" \
			"$tmp/union.want" <(sort -u "$tmp/union.got"); then
			echo "not ok - mkdistro ldd of all binaries is not the union of ldd's"
			failed=1
		else
			echo "ok - ldd agrees: all ${#ok_bins[@]} binaries at once ($(wc -l <"$tmp/union.got") paths)"
		fi
	fi
fi

if [ $failed -ne 0 ]; then
	echo "ldd.sh: FAILED"
	exit 1
fi
echo "ldd.sh: all agree"
