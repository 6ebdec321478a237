#!/usr/bin/env python3
"""term.py: run a command on a terminal of its own and type at it as a person would.

`mkdistro run` behaves differently on a terminal (the serial line is the terminal, raw, and
the guest's poweroff ends it), so the tests that check it need a pseudo-terminal, not a pipe.

  term.py --log FILE [--secret TEXT] STEP... -- COMMAND [ARG...]

The steps run in order:

  --expect REGEX SECONDS WHAT   wait for REGEX in what came since the last match
  --type TEXT                   wait 0.5 s, then type TEXT and Return
  --exit STATUS SECONDS         wait for COMMAND to exit with STATUS

A step that fails prints `  not seen: WHAT` (or the exit status that came) and ends the run:
COMMAND is sent SIGTERM and term.py exits 1.  With --secret, it also fails when TEXT shows
in the output (a password echoed).  Everything COMMAND printed goes to --log.
"""
import argparse
import os
import pty
import re
import select
import signal
import sys
import time


class Steps(argparse.Action):
    """Keep --expect, --type and --exit in the order given."""

    def __call__(self, parser, ns, values, option):
        ns.steps.append((option, values))


def main():
    ap = argparse.ArgumentParser(description="run COMMAND on a pseudo-terminal and type at it")
    ap.add_argument("--log", required=True)
    ap.add_argument("--secret")
    ap.add_argument("--expect", nargs=3, action=Steps, metavar=("REGEX", "SECONDS", "WHAT"))
    ap.add_argument("--type", nargs=1, action=Steps, metavar="TEXT")
    ap.add_argument("--exit", nargs=2, action=Steps, metavar=("STATUS", "SECONDS"))
    ap.add_argument("command", nargs="+")
    ap.set_defaults(steps=[])
    args = ap.parse_args()

    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(args.command[0], args.command)
    seen, mark, status = b"", 0, None

    def read(seconds):
        nonlocal seen
        if select.select([fd], [], [], seconds)[0]:
            try:
                data = os.read(fd, 4096)
            except OSError:  # the command has exited and its terminal closed
                data = b""
            seen += data
            return bool(data)
        return True

    def expect(pattern, seconds):
        # what was read already first: two steps' output can come in one read
        nonlocal mark
        end = time.monotonic() + seconds
        while True:
            m = re.search(pattern.encode(), seen[mark:])
            if m:
                mark += m.end()
                return True
            if time.monotonic() >= end or not read(0.5):
                return False

    def wait_exit(seconds):
        nonlocal status
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            done, st = os.waitpid(pid, os.WNOHANG)
            if done:
                status = os.waitstatus_to_exitcode(st)
                return
            read(0.2)

    ok = True
    for option, values in args.steps:
        if option == "--type":
            time.sleep(0.5)  # login turns echo off just after its prompt: type after that
            os.write(fd, values[0].encode() + b"\r")
        elif option == "--expect":
            if not expect(values[0], float(values[1])):
                print("  not seen: %s" % values[2])
                ok = False
        else:
            wait_exit(float(values[1]))
            if status != int(values[0]):
                print("  exit status %s, not %s" % (status, values[0]))
                ok = False
        if not ok:
            break
    if status is None:
        try:
            os.kill(pid, signal.SIGTERM)
        except OSError:
            pass
        wait_exit(30)
    while select.select([fd], [], [], 0)[0] and read(0):  # the rest, for the log
        pass
    with open(args.log, "wb") as f:
        f.write(seen)
    if args.secret and args.secret.encode() in seen:
        print("  %r was echoed" % args.secret)
        ok = False
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
