#!/bin/bash
# The default image boots to a shell with BIOS and with UEFI, on QEMU's i440FX PC (-M pc)
# and on its Q35 (-M q35, where the stick is on AHCI), under TCG (issue 17).
# tests/run: parallel (QEMU boots of the shared image, never changed, or of its own)
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
T=$MKDISTRO_TEST_TMP/pc-machines
rm -rf "$T"
mkdir -p "$T"
need_project || finish
for fw in bios uefi; do
	for m in pc q35; do
		python3 "$here/guest.py" --image "$PROJ/out/mkdistro.img" --log "$T/$fw-$m.serial" \
			--machine "$m" $([ $fw = uefi ] && echo --uefi) \
			--run 'echo MKD_$((6 * 7)); cat /proc/cmdline' > "$T/$fw-$m.txt" 2>&1
		rc=$?
		if [ $rc -eq 0 ] && contains "$T/$fw-$m.txt" '^MKD_42'; then
			ok "$fw, -M $m: a shell ($(sed -n 's/^== shell after //p' "$T/$fw-$m.txt"))"
		else
			not_ok "$fw, -M $m: a shell (exit $rc)"
			tail -n 20 "$T/$fw-$m.txt" | sed 's/^/    /'
		fi
	done
done
finish
