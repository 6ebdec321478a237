#!/bin/bash
# mkdistro menuconfig: the kernel's real menuconfig, driven in tmux as a person would (search
# for a symbol, jump to it, switch it on, leave and save); the change is written back to
# kernel.config, and the next build's kernel has it.
. "$(dirname "$0")/lib.sh"
T=$MKDISTRO_TEST_TMP/menuconfig
P=$T/proj
rm -rf "$T"
mkdir -p "$T"
"$MKDISTRO" init "$P" > /dev/null 2>&1
small_system "$P" # the small system (lib.sh): the subject is menuconfig
before=$(cat "$P/kernel.config")
s=mkdistro-test-$$
screen() { tmux capture-pane -t "$s" -p; }
# wait_for TEXT SECONDS: until the screen shows TEXT
wait_for() {
	for _ in $(seq $(($2 * 2))); do
		screen | grep -qF -- "$1" && return 0
		sleep 0.5
	done
	echo "  '$1' did not appear; the screen:"
	screen | sed 's/^/    /'
	return 1
}
tmux new-session -d -s "$s" -x 120 -y 40 \
	"MKDISTRO_CACHE='$MKDISTRO_CACHE' '$MKDISTRO' -C '$P' menuconfig kernel 2> '$T/out.txt'; echo EXIT=\$? >> '$T/out.txt'; sleep 30"
check "menuconfig opens the kernel's configuration menu" wait_for "Kernel Configuration" 300
tmux send-keys -t "$s" "/"
sleep 1
tmux send-keys -t "$s" "IKCONFIG_PROC" Enter
check "its search finds IKCONFIG" wait_for "Kernel .config support (IKCONFIG [=n])" 20
tmux send-keys -t "$s" "1"
sleep 1
tmux send-keys -t "$s" "y"
check "IKCONFIG switched on" wait_for "[*] Kernel .config support" 20
for _ in 1 2 3 4 5; do
	screen | grep -q "save your new configuration" && break
	tmux send-keys -t "$s" Escape Escape
	sleep 1.5
done
check "leaving asks to save" wait_for "save your new configuration" 10
tmux send-keys -t "$s" Enter
for _ in $(seq 60); do grep -q '^EXIT=' "$T/out.txt" 2>/dev/null && break; sleep 1; done
tmux kill-session -t "$s" 2>/dev/null
check "menuconfig exits 0 and says what it wrote" bash -c "grep -q '^EXIT=0' '$T/out.txt' && grep -q '1 setting written to .*kernel.config' '$T/out.txt'"
check "kernel.config keeps its lines and gains CONFIG_IKCONFIG=y" bash -c \
	"diff <(printf '%s\n' \"\$1\") <(head -n \$(printf '%s\n' \"\$1\" | wc -l) '$P/kernel.config') && tail -n 1 '$P/kernel.config' | grep -qx 'CONFIG_IKCONFIG=y'" _ "$before"
"$MKDISTRO" -C "$P" build > "$T/build.txt" 2>&1
check "the next build succeeds" test $? -eq 0
cfg=$(sed -n 's/^mkdistro: .*: \(.*\)\/bzImage$/\1\/config/p' "$P/out/log/kernel.log" | tail -n 1)
check "and its kernel has CONFIG_IKCONFIG=y" grep -qx 'CONFIG_IKCONFIG=y' "$cfg"
finish
