#!/bin/bash
# The rule of the layers (DESIGN.md): a module includes headers of its own layer and the
# layers below, never above.  sys/ is the ground (1), formats/ pure code over buffers (2),
# build/, boot/, flash/ and tools/ the stages and commands (3), mkdistro.c the top (4).  So
# nothing in formats/ can see the plan, the configuration or a stage.  Every project header
# is named with its folder ("formats/cpio.h"), so the folder says the layer.
# Prints "not ok - layers: FILE: ..." for each file that breaks the rule, naming the includes,
# or one "ok" line when every file keeps it.
set -u
cd "$(dirname "$0")/../.."

layer() {
	case "$1" in
	src/sys/*) echo 1 ;;
	src/formats/*) echo 2 ;;
	src/build/* | src/boot/* | src/flash/* | src/tools/*) echo 3 ;;
	mkdistro.c) echo 4 ;;
	*) echo 0 ;;
	esac
}

fails=0
files=0
for f in mkdistro.c src/*/*.[ch]; do
	mine=$(layer "$f")
	bad=""
	if [ "$mine" -eq 0 ]; then
		bad="$f is in no layer's folder (src/sys, formats, build, boot, flash, tools)"
	fi
	while IFS= read -r inc; do
		[ -n "$inc" ] || continue
		theirs=$(layer "src/$inc")
		if [ "$theirs" -eq 0 ]; then
			bad="$bad${bad:+; }includes \"$inc\", which names no layer's folder"
		elif [ "$theirs" -gt "$mine" ]; then
			bad="$bad${bad:+; }includes \"$inc\" (layer $theirs) from layer $mine"
		fi
	done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f")
	files=$((files + 1))
	if [ -n "$bad" ]; then
		echo "not ok - layers: $f: $bad"
		fails=$((fails + 1))
	fi
done
[ "$fails" -eq 0 ] && echo "ok - layers: all $files files include only their own layer and those below"
exit $((fails > 0))
