#!/bin/bash
# The network, with no command typed (issue 17): the default image booted with each NIC a PC
# or a hypervisor has, one boot each, under TCG.  Each boot: the guest gets a DHCP lease on
# its own, the NIC's driver and IPv6 were loaded on their own (lsmod), the interface has
# an IPv6 link-local address, and a file fetched from a test
# HTTP server on this machine has the right SHA-256.
#
# Nothing leaves this machine: QEMU's user networking with restrict=on, and the test server
# on 127.0.0.1, reached from the guest only through a guestfwd rule (10.0.2.100:80).  The
# guest fetches by address; no name is looked up.
# tests/run: parallel (QEMU boots of the shared image, never changed, or of its own)
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
T=$MKDISTRO_TEST_TMP/pc-network
rm -rf "$T"
mkdir -p "$T/www"
need_project || finish

# The test server: a file of random bytes, served on a free port of 127.0.0.1
head -c 300000 /dev/urandom > "$T/www/blob"
want=$(sha256sum < "$T/www/blob" | cut -d' ' -f1)
python3 -m http.server --bind 127.0.0.1 --directory "$T/www" 0 > "$T/server.txt" 2>&1 &
server=$!
trap 'kill $server 2> /dev/null' EXIT
port=
for _ in $(seq 50); do
	port=$(sed -n 's/.*port \([0-9]*\).*/\1/p' "$T/server.txt" | head -n 1)
	[ -n "$port" ] && break
	sleep 0.1
done
check "the test server listens on 127.0.0.1" test -n "$port"
netdev="user,id=n0,restrict=on,guestfwd=tcp:10.0.2.100:80-tcp:127.0.0.1:$port"

# nic NAME DRIVER QEMU-DEVICE...: boot with that NIC, then check the lease, the driver and
# the fetch (the interface is eth0, or usb0 for a USB NIC whose address is a local one)
nic() {
	local name=$1 driver=$2 log=$T/$1
	shift 2
	python3 "$here/guest.py" --image "$PROJ/out/mkdistro.img" --log "$log.serial" \
		--qemu=-netdev --qemu "$netdev" "$@" \
		--until 'cat /run/net.*' \
		--run 'lsmod' \
		--run 'i=0; until ip -6 addr | grep -q "scope link" || [ $i -ge 100 ]; do usleep 100000; i=$((i + 1)); done; ip -6 addr' \
		--run 'wget -q -O - http://10.0.2.100/blob | sha256sum' > "$log.txt" 2>&1
	local rc=$?
	if [ $rc -eq 0 ] && contains "$log.txt" '^10\.0\.2\.15/24$'; then
		ok "$name: a DHCP lease with no command typed (10.0.2.15/24)"
	else
		not_ok "$name: a DHCP lease with no command typed (exit $rc)"
		tail -n 30 "$log.txt" | sed 's/^/    /'
		return
	fi
	check "$name: driver $driver loaded on its own" contains "$log.txt" "^$driver "
	# IPv6 is a module that rc.hotplug loads before the NIC's driver: the interface has its
	# link-local address, and lo its ::1, as when it was built in (the link-local one once
	# the link is ready, which for virtio-net can come after the DHCP lease: waited for,
	# up to 10 s)
	check "$name: IPv6 loaded on its own, with a link-local address and ::1" bash -c \
		"grep -q '^ipv6 ' '$log.txt' && grep -Eq '^ +inet6 fe80::[0-9a-f:]+/64 scope link' '$log.txt' && grep -Eq '^ +inet6 ::1/128 scope host' '$log.txt'"
	check "$name: the file from the test server has the right SHA-256" \
		contains "$log.txt" "^$want  -\$"
}

nic e1000 e1000 --qemu=-device --qemu e1000,netdev=n0
nic e1000e e1000e --qemu=-device --qemu e1000e,netdev=n0
nic rtl8139 8139cp --qemu=-device --qemu rtl8139,netdev=n0
nic virtio-net-pci virtio_net --qemu=-device --qemu virtio-net-pci,netdev=n0
nic vmxnet3 vmxnet3 --qemu=-device --qemu vmxnet3,netdev=n0
nic pcnet pcnet32 --qemu=-device --qemu pcnet,netdev=n0
nic ne2k_pci ne2k_pci --qemu=-device --qemu ne2k_pci,netdev=n0
nic usb-net cdc_ether --qemu=-device --qemu qemu-xhci --qemu=-device --qemu usb-net,netdev=n0

# What our udhcpc script does with a lease that has routers, DNS servers and a domain
# (QEMU's DHCP server sends neither with restrict=on); and no server listens in the image,
# whatever the network.
python3 "$here/guest.py" --image "$PROJ/out/mkdistro.img" --log "$T/script.serial" \
	--qemu=-netdev --qemu "$netdev" --qemu=-device --qemu e1000,netdev=n0 \
	--until 'cat /run/net.*' \
	--run 'interface=eth0 ip=10.0.2.16 mask=24 router="10.0.2.2 10.0.2.1" dns="10.0.2.3 10.0.2.4" domain=example.test /usr/share/udhcpc/default.script bound' \
	--run 'ip -4 addr show eth0; ip route; cat /etc/resolv.conf /run/net.eth0' \
	--run 'netstat -ltnu' \
	--run 'for a in ip ping ping6 wget nc nslookup ntpd; do command -v $a || exit 1; done' > "$T/script.txt" 2>&1
check "udhcpc's script: the address from the lease, in place of the old one" bash -c \
	"grep -q 'inet 10.0.2.16/24' '$T/script.txt' && ! grep -q 'inet 10.0.2.15/' '$T/script.txt'"
check "udhcpc's script: a default route through each router, the first first" bash -c \
	"grep -q '^default via 10.0.2.2 dev eth0 *$' '$T/script.txt' && grep -q '^default via 10.0.2.1 dev eth0 *metric 1' '$T/script.txt'"
check "udhcpc's script: /etc/resolv.conf with the domain and both servers" bash -c \
	"grep -q '^search example.test' '$T/script.txt' && grep -q '^nameserver 10.0.2.3' '$T/script.txt' && grep -q '^nameserver 10.0.2.4' '$T/script.txt'"
check "BusyBox gives ip, ping, ping6, wget, nc, nslookup and ntpd" bash -c \
	"sed -n '/^== run: for a in/,/^== exit/p' '$T/script.txt' | grep -q '^== exit 0'"
check "with the network up, nothing listens (netstat -ltnu)" bash -c \
	"grep -q '^== run: netstat' '$T/script.txt' && grep -q '^== exit 0' '$T/script.txt' && ! grep -q LISTEN '$T/script.txt'"

# A fixed address, and off, from the kernel command line
python3 "$here/guest.py" --image "$PROJ/out/mkdistro.img" --log "$T/static.serial" \
	--label 'mm mkdistro.net=10.0.2.50/24,10.0.2.2,10.0.2.3' \
	--qemu=-netdev --qemu "$netdev" --qemu=-device --qemu e1000,netdev=n0 \
	--until 'cat /run/net.*' --run 'ip -4 addr show eth0; ip route; cat /etc/resolv.conf' \
	--run 'wget -q -O - http://10.0.2.100/blob | sha256sum' > "$T/static.txt" 2>&1
check "mkdistro.net=IP/PREFIX,GATEWAY,DNS: that address, route and DNS server" bash -c \
	"grep -q 'inet 10.0.2.50/24' '$T/static.txt' && grep -q '^default via 10.0.2.2 dev eth0' '$T/static.txt' && grep -q '^nameserver 10.0.2.3' '$T/static.txt'"
check "mkdistro.net=IP/...: the file from the test server" contains "$T/static.txt" "^$want  -\$"
python3 "$here/guest.py" --image "$PROJ/out/mkdistro.img" --log "$T/off.serial" \
	--label 'mm mkdistro.net=off' \
	--qemu=-netdev --qemu "$netdev" --qemu=-device --qemu e1000,netdev=n0 \
	--until 'lsmod | grep -q ^e1000' --run 'sleep 3; ip -4 addr show eth0; ls /run' > "$T/off.txt" 2>&1
check "mkdistro.net=off: the driver is loaded, eth0 gets no address and no DHCP client runs" bash -c \
	"grep -q '^== exit 0' '$T/off.txt' && ! grep -q 'inet ' '$T/off.txt' && ! grep -q 'udhcpc' '$T/off.txt'"
# modprobe.blacklist= keeps a module from loading on its own; the user can still load it,
# and modinfo reads the compressed module
python3 "$here/guest.py" --image "$PROJ/out/mkdistro.img" --log "$T/blacklist.serial" \
	--label 'mm modprobe.blacklist=e1000' \
	--qemu=-netdev --qemu "$netdev" --qemu=-device --qemu e1000,netdev=n0 \
	--run 'sleep 8; lsmod; ls /sys/class/net' \
	--run 'modinfo e1000' --run 'modprobe e1000 && lsmod && ls /sys/class/net' > "$T/blacklist.txt" 2>&1
sed -n '/^== run: sleep 8; lsmod; ls/,/^== exit/p' "$T/blacklist.txt" > "$T/blacklist-before.txt"
check "modprobe.blacklist=e1000: e1000 not loaded on its own, no eth0" bash -c \
	"grep -q '^== exit 0' '$T/blacklist-before.txt' && ! grep -q '^e1000 ' '$T/blacklist-before.txt' && ! grep -q 'eth0' '$T/blacklist-before.txt'"
check "modinfo finds the module and reads it" bash -c \
	"grep -Eq '^filename: +/lib/modules/[^/]+/kernel/drivers/net/ethernet/intel/e1000/e1000\.ko$' '$T/blacklist.txt' && grep -q '^description: .*PRO/1000' '$T/blacklist.txt'"
check "modprobe e1000 by hand loads it, and eth0 appears" bash -c \
	"sed -n '/^== run: modprobe e1000/,/^== exit/p' '$T/blacklist.txt' | grep -q '^e1000 ' && grep -q '^== exit 0' '$T/blacklist.txt'"
finish
