#!/usr/bin/env python3
"""Write a newc cpio archive for the tests: craft-cpio.py OUT ENTRY...

Each ENTRY is TYPE:NAME[:ARG]: dir:NAME, file:NAME:CONTENT, slink:NAME:TARGET,
hard:NAME:INO:NLINK:CONTENT (a hard-link member with that inode number), trailer:
(a TRAILER!!! member here, in the middle), namesize:NAME:SIZE (a file whose header claims a
name of SIZE bytes, SIZE in hex).  In NAME, the two characters \\n stand for a newline.
Unlike cpio(1) it writes any name it is given, '..' and '/' included, which is the point."""
import sys

def member(name, mode, data=b"", ino=1, nlink=1, namesize=None):
    name_b = name.encode() + b"\0"
    size = len(name_b) if namesize is None else namesize
    fields = [ino, mode, 0, 0, nlink, 946684800, len(data), 0, 0, 0, 0, size, 0]
    out = b"070701" + b"".join(b"%08X" % f for f in fields) + name_b
    out += b"\0" * (-len(out) % 4) + data
    return out + b"\0" * (-len(out) % 4)

def main():
    out, ino = b"", 100
    for spec in sys.argv[2:]:
        kind, name, *rest = spec.split(":", 2)
        name = name.replace("\\n", "\n")
        ino += 1
        if kind == "dir":
            out += member(name, 0o40755, ino=ino, nlink=2)
        elif kind == "file":
            out += member(name, 0o100644, rest[0].encode(), ino=ino)
        elif kind == "slink":
            out += member(name, 0o120777, rest[0].encode(), ino=ino)
        elif kind == "hard":
            h_ino, nlink, content = rest[0].split(":", 2)
            out += member(name, 0o100644, content.encode(), ino=int(h_ino), nlink=int(nlink))
        elif kind == "trailer":
            out += member("TRAILER!!!", 0, ino=0)
        elif kind == "namesize":
            out += member(name, 0o100644, b"x", ino=ino, namesize=int(rest[0], 16))
        else:
            sys.exit("craft-cpio.py: unknown entry type '%s'" % kind)
    out += member("TRAILER!!!", 0, ino=0)
    open(sys.argv[1], "wb").write(out)

main()
