#!/usr/bin/env python3
"""guest.py: boot a stick image in QEMU (TCG) with extra devices and drive its shell.

The e2e tests that need more than `mkdistro test` gives (a NIC, a second disk, a device
plugged in through the QEMU monitor after the shell is up) use this.  It boots IMAGE with
the serial line on a pipe, presses Enter at Syslinux's boot: prompt, waits for the shell,
then runs the steps in order:

  --run CMD             run CMD in the guest's shell; the step fails when CMD exits non-zero
  --until CMD           run CMD every second until it exits 0 (fails after --step-timeout)
  --monitor CMD         send CMD to the QEMU monitor (device_add, drive_add, ...)

With --expect REGEX there is no shell: after the label, it waits for REGEX on the serial
line, prints `== expected after N s` and stops QEMU (exit 0), or exits 1 without it.

Everything the guest prints goes to --log.  Each step's output is printed as
`== STEP: CMD` then its lines, then `== exit N`.  Exit status: 0 when every step passed,
1 when one failed (the later ones are not run), 2 on bad usage.  After the steps the guest
is powered off with `poweroff`, so that its file systems are unmounted cleanly, and QEMU's
exit is waited for.

The guest reaches nothing but this machine: the tests give QEMU user networking with
restrict=on and guestfwd rules (see the tests that use this), never a bridge or a tap.
"""
import argparse
import os
import re
import select
import socket
import subprocess
import sys
import tempfile
import time

PROMPT = re.compile(rb"[#$] $")
DONE = re.compile(rb"__mkdistro_rc=(\d+)__")


class Guest:
    def __init__(self, argv, log, timeout):
        self.log = open(log, "wb")
        self.buf = b""
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        self.timeout = timeout

    def read_until(self, pattern, timeout):
        """Read the serial line until pattern matches what came since the last match; return
        the match, or None on timeout or QEMU's exit."""
        end = time.monotonic() + timeout
        while True:
            m = pattern.search(self.buf)
            if m:
                out = self.buf[:m.end()]
                self.buf = self.buf[m.end():]
                return m, out
            left = end - time.monotonic()
            if left <= 0:
                return None, self.buf
            r, _, _ = select.select([self.proc.stdout], [], [], min(left, 1.0))
            if r:
                data = os.read(self.proc.stdout.fileno(), 65536)
                if not data:
                    return None, self.buf
                self.log.write(data)
                self.log.flush()
                self.buf += data

    def send(self, text):
        self.proc.stdin.write(text.encode())
        self.proc.stdin.flush()

    def run(self, cmd, timeout):
        """Run cmd in the shell; return (exit status or None, output)."""
        # The marker is printed, not typed: the echo of the typed line does not match DONE.
        self.send(cmd + "; echo __mkdistro_rc=$?__\r")
        m, out = self.read_until(DONE, timeout)
        self.read_until(PROMPT, 5)
        if not m:
            return None, out
        return int(m.group(1)), out[:m.start()]


def monitor(sock_path, cmd):
    """Send one command to the QEMU monitor (human protocol) and return its answer."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sock_path)
    s.settimeout(10)
    data = b""
    while not data.endswith(b"(qemu) "):
        data += s.recv(4096)
    s.sendall(cmd.encode() + b"\n")
    answer = b""
    end = time.monotonic() + 10
    while time.monotonic() < end:
        try:
            chunk = s.recv(4096)
        except socket.timeout:
            break
        if not chunk:
            break
        answer += chunk
        if answer.endswith(b"(qemu) "):
            break
    s.close()
    return answer.decode(errors="replace")


class Step(argparse.Action):
    def __call__(self, parser, ns, value, option=None):
        ns.steps.append((option.lstrip("-"), value))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--image", required=True,
                    help="the stick image (snapshot=on: the guest's writes are dropped)")
    ap.add_argument("--machine", default="pc", help="pc or q35")
    ap.add_argument("--uefi", action="store_true", help="boot with OVMF")
    ap.add_argument("--usb", action="store_true", help="the stick on xHCI, not IDE")
    ap.add_argument("--cdrom", action="store_true", help="IMAGE is an ISO, booted as a CD")
    ap.add_argument("--memory", default="512")
    ap.add_argument("--label", default="", help="what to type at boot: (default: Enter)")
    ap.add_argument("--qemu", action="append", default=[], help="one more QEMU argument")
    ap.add_argument("--expect", help="wait for this on the serial line after the label, not a shell")
    ap.add_argument("--log", required=True, help="the guest's whole serial output")
    ap.add_argument("--boot-timeout", type=float, default=240)
    ap.add_argument("--step-timeout", type=float, default=120)
    ap.set_defaults(steps=[])
    for opt in ("--run", "--until", "--monitor"):
        ap.add_argument(opt, action=Step, metavar="CMD")
    a = ap.parse_args()

    mon = os.path.join(tempfile.mkdtemp(prefix="guest-"), "monitor")
    argv = ["qemu-system-x86_64", "-accel", "tcg", "-M", a.machine, "-m", a.memory,
            "-no-reboot", "-display", "none", "-net", "none",
            "-serial", "stdio", "-monitor", "unix:%s,server=on,wait=off" % mon]
    if a.uefi:
        argv += ["-drive", "if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd",
                 "-drive", "if=pflash,format=raw,snapshot=on,file=/usr/share/OVMF/OVMF_VARS_4M.fd"]
    if a.cdrom:
        argv += ["-drive", "file=%s,format=raw,media=cdrom,if=ide,index=2,readonly=on" % a.image,
                 "-boot", "d"]
    elif a.usb:
        argv += ["-drive", "file=%s,format=raw,if=none,id=stick,snapshot=on" % a.image,
                 "-device", "qemu-xhci,id=xhci",
                 "-device", "usb-storage,bus=xhci.0,drive=stick,bootindex=0"]
    elif a.machine == "q35":
        # q35's disks are on AHCI; the stick is the first
        argv += ["-drive", "file=%s,format=raw,if=none,id=stick,snapshot=on" % a.image,
                 "-device", "ide-hd,drive=stick,bus=ide.0,bootindex=0"]
    else:
        argv += ["-drive", "file=%s,format=raw,if=ide,index=0,snapshot=on" % a.image]
    argv += a.qemu
    print("== qemu: " + " ".join(argv), flush=True)
    g = Guest(argv, a.log, a.boot_timeout)
    start = time.monotonic()
    m, _ = g.read_until(re.compile(rb"boot: "), a.boot_timeout)
    if not m:
        print("== no boot: prompt within %d s" % a.boot_timeout)
        g.proc.kill()
        return 1
    g.send(a.label + "\r")
    if a.expect:
        m, _ = g.read_until(re.compile(a.expect.encode()), a.boot_timeout)
        g.proc.kill()
        g.proc.wait()
        if not m:
            print("== no %r within %d s" % (a.expect, a.boot_timeout))
            return 1
        print("== expected after %.1f s: %s" % (time.monotonic() - start, m.group(0).decode(errors="replace")), flush=True)
        return 0
    # rc.S's last line, then the shell's prompt
    m, _ = g.read_until(re.compile(rb"mkdistro: Linux .* up;.*\n"), a.boot_timeout)
    if m:
        g.send("\r")
        m, _ = g.read_until(PROMPT, 60)
    if not m:
        print("== no shell within %d s" % a.boot_timeout)
        g.proc.kill()
        return 1
    print("== shell after %.1f s" % (time.monotonic() - start), flush=True)
    rc = 0
    for kind, cmd in a.steps:
        print("== %s: %s" % (kind, cmd), flush=True)
        if kind == "monitor":
            print(monitor(mon, cmd).replace("\r", ""), flush=True)
            continue
        end = time.monotonic() + a.step_timeout
        while True:
            status, out = g.run(cmd, max(end - time.monotonic(), 1))
            if kind == "run" or status == 0 or time.monotonic() >= end:
                break
            time.sleep(1)
        sys.stdout.write(out.decode(errors="replace").replace("\r", ""))
        print("\n== exit %s" % status, flush=True)
        if status != 0:
            rc = 1
            break
    g.send("poweroff\r")
    try:
        g.read_until(re.compile(rb"reboot: Power down"), 60)
        g.proc.wait(30)
    except subprocess.TimeoutExpired:
        g.proc.kill()
        rc = 1
        print("== the guest did not power off")
    return rc


if __name__ == "__main__":
    sys.exit(main())
