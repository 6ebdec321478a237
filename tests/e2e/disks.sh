# tests/e2e/disks.sh: a PC disk with one partition of each file system a guest should read
# and write (sourced, after lib.sh).  All of it on plain files: no root, mount, loop device
# or FUSE.  Each file system is made in a file of its own, written into the disk image at
# its partition's offset, and taken out of it again to be checked.
#
#   make_pc_disk IMG WORKDIR    the disk: MBR, 1 ext4, 2 NTFS, 3 exFAT, 4 vfat (FAT16),
#                               each with known.txt = "mkdistro known file on TYPE\n"
#   check_pc_disk IMG WORKDIR   each file system checked by its own checker, and its
#                               written.txt read back ("written by the guest on TYPE")
#
# The guest needs drivers for all four (ext4, ntfs3, exfat, vfat).  Sizes in sectors of 512
# bytes (sfdisk's on a plain file).

# The partitions, in order, and their MBR type ids (07 is both NTFS and exFAT; 0e FAT16 LBA)
PC_DISK_TYPES=(ext4 ntfs exfat vfat)
PC_DISK_IDS=(83 07 07 0e)
PC_DISK_EXFAT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/exfat.py
# Without lib.sh, its two helpers (without its count of failures)
declare -F ok > /dev/null || ok() { echo "ok - $*"; }
declare -F not_ok > /dev/null || not_ok() { echo "not ok - $*"; }

# pc_disk_run CMD...: CMD, quietly; when it fails, say so with its output (indented)
pc_disk_run() {
	local out
	out=$("$@" 2>&1) && return 0
	echo "  failed: $*"
	printf '%s\n' "$out" | sed 's/^/    /'
	return 1
}

# pc_disk_part IMG N: partition N's start and size, from IMG's partition table
pc_disk_part() {
	sfdisk --dump "$1" 2> /dev/null | awk -F ' : ' -v dev="$1$2" '$1 == dev {
		start = $2; sub(/.*start= */, "", start); sub(/,.*/, "", start)
		size = $2; sub(/.*size= */, "", size); sub(/,.*/, "", size)
		print start, size }'
}

# pc_disk_extract IMG N FILE: partition N of IMG copied out to FILE
pc_disk_extract() {
	local start size
	read -r start size < <(pc_disk_part "$1" "$2")
	[ -n "$size" ] || { echo "  $1 has no partition $2"; return 1; }
	pc_disk_run dd if="$1" of="$3" bs=1M iflag=skip_bytes,count_bytes \
		skip=$((start * 512)) count=$((size * 512))
}

# pc_disk_insert IMG N FILE: FILE written into IMG over partition N
pc_disk_insert() {
	local start size
	read -r start size < <(pc_disk_part "$1" "$2")
	[ -n "$size" ] || { echo "  $1 has no partition $2"; return 1; }
	pc_disk_run dd if="$3" of="$1" bs=1M oflag=seek_bytes seek=$((start * 512)) conv=notrunc
}

# pc_disk_mkfs TYPE FILE START DIR: file system TYPE in FILE (already of its size), for a
# partition at sector START, holding DIR's one file, known.txt
pc_disk_mkfs() {
	local type=$1 fs=$2 start=$3 dir=$4
	case "$type" in
	ext4) pc_disk_run mke2fs -q -F -t ext4 -I 256 -L ext4 -E root_owner=0:0 -d "$dir" "$fs" ;;
	ntfs)
		# the partition's place and a geometry in the boot sector, as on a real disk
		pc_disk_run mkntfs -F -Q -q -L ntfs -s 512 -p "$start" -H 255 -S 63 "$fs" &&
			pc_disk_run ntfscp "$fs" "$dir/known.txt" known.txt ;;
	exfat)
		pc_disk_run mkfs.exfat -L exfat "$fs" &&
			pc_disk_run "$PC_DISK_EXFAT" put "$fs" known.txt "$dir/known.txt" ;;
	vfat)
		pc_disk_run mkfs.fat -F 16 -n VFAT -h "$start" "$fs" &&
			pc_disk_run env MTOOLS_SKIP_CHECK=1 mcopy -i "$fs" "$dir/known.txt" ::/known.txt ;;
	esac
}

# make_pc_disk IMG WORKDIR: IMG, a 128 MiB disk with an MBR and 4 primary partitions, ext4,
# NTFS, exFAT and vfat, each holding known.txt; the file systems are made in WORKDIR
make_pc_disk() {
	local img=$1 work=$2 i type start size
	mkdir -p "$work" || return 1
	rm -f "$img"
	truncate -s 128M "$img" || return 1
	# a fixed disk identifier, for the same disk every time
	pc_disk_run sfdisk "$img" <<-EOF || return 1
		label: dos
		label-id: 0x6d6b6473
		unit: sectors

		start=2048, size=32MiB, type=${PC_DISK_IDS[0]}
		size=32MiB, type=${PC_DISK_IDS[1]}
		size=32MiB, type=${PC_DISK_IDS[2]}
		type=${PC_DISK_IDS[3]}
	EOF
	for i in "${!PC_DISK_TYPES[@]}"; do
		type=${PC_DISK_TYPES[$i]}
		read -r start size < <(pc_disk_part "$img" $((i + 1)))
		rm -rf "${work:?}/$type.d" "$work/$type.img"
		mkdir -p "$work/$type.d"
		printf 'mkdistro known file on %s\n' "$type" > "$work/$type.d/known.txt"
		[ -n "$size" ] && truncate -s $((size * 512)) "$work/$type.img" &&
			pc_disk_mkfs "$type" "$work/$type.img" "$start" "$work/$type.d" &&
			pc_disk_insert "$img" $((i + 1)) "$work/$type.img" ||
			{ echo "  make_pc_disk: partition $((i + 1)), $type, not made"; return 1; }
	done
}

# pc_disk_fsck TYPE FILE: TYPE's own checker on FILE, read-only
pc_disk_fsck() {
	case "$1" in
	ext4) e2fsck -fn "$2" ;;
	ntfs) ntfsfix -n "$2" ;;
	exfat) fsck.exfat -n "$2" ;;
	vfat) fsck.fat -n "$2" ;;
	esac
}

# pc_disk_cat TYPE FILE NAME: file NAME from the root of file system TYPE in FILE
pc_disk_cat() {
	case "$1" in
	ext4) debugfs -R "cat /$3" "$2" ;;
	ntfs) ntfscat "$2" "$3" ;;
	exfat) "$PC_DISK_EXFAT" get "$2" "$3" ;;
	vfat) MTOOLS_SKIP_CHECK=1 mtype -i "$2" "::/$3" ;;
	esac
}

# check_pc_disk IMG WORKDIR: each partition of a disk from make_pc_disk, copied out to
# WORKDIR, is clean for its checker and has written.txt = "written by the guest on TYPE"
# (a newline after it or not); an ok or not ok line for each, and 1 when any failed
check_pc_disk() {
	local img=$1 work=$2 i type fs want out got failed=0
	mkdir -p "$work" || return 1
	for i in "${!PC_DISK_TYPES[@]}"; do
		type=${PC_DISK_TYPES[$i]}
		fs=$work/$type.back.img
		if ! pc_disk_extract "$img" $((i + 1)) "$fs"; then
			not_ok "$type: partition $((i + 1)) copied out of $img"
			failed=1
			continue
		fi
		if pc_disk_fsck "$type" "$fs" > "$work/$type.fsck.txt" 2>&1; then
			ok "$type fsck clean"
		else
			not_ok "$type fsck finds errors (exit $?)"
			sed 's/^/    /' "$work/$type.fsck.txt"
			failed=1
		fi
		want="written by the guest on $type"
		out=$work/$type.written.txt
		pc_disk_cat "$type" "$fs" written.txt > "$out" 2> "$work/$type.cat.txt"
		if cmp -s "$out" <(printf '%s' "$want") || cmp -s "$out" <(printf '%s\n' "$want"); then
			ok "$type written.txt reads back: $want"
		else
			# what was read, on one line: its start, newlines as \n, other controls as ^X
			got=$(head -c 200 "$out" | cat -v; echo .)
			got=${got%.}
			not_ok "$type written.txt reads back: \"${got//$'\n'/\\n}\" (want \"$want\")"
			# debugfs says its version on stderr every time
			grep -v '^debugfs [0-9]' "$work/$type.cat.txt" | sed 's/^/    /'
			failed=1
		fi
	done
	return $failed
}
