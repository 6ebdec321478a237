#!/usr/bin/env python3
"""Read and add files in the root directory of an exFAT image, for the tests: no root, no
mount, no FUSE, just the file (as `mkfs.exfat FILE` makes it).

  exfat.py ls IMG              the root directory's names, one a line (directories end in /)
  exfat.py get IMG NAME        root-directory file NAME (case-insensitive) on stdout
  exfat.py put IMG NAME SRC    add NAME with SRC's contents (a file NAME there is replaced)

Written from Microsoft's public exFAT specification (the boot sector, the FAT, the
allocation bitmap, the up-case table, and the File, Stream Extension and File Name
directory entries).  Only the root directory, and only an image with one FAT (no TexFAT).
`get` follows FAT chains and NoFatChain (contiguous) files alike, and a root directory of
any number of clusters, as the Linux exfat driver may leave them; `put` takes the lowest
free clusters, written NoFatChain when they are contiguous and as a FAT chain when not, and
grows the root directory by a cluster when it is full."""
import os
import struct
import sys
import time

EOC = 0xFFFFFFFF  # end of a cluster chain
# directory entry types (the InUse bit, 0x80, set)
END, BITMAP, UPCASE, FILE, STREAM, NAME = 0x00, 0x81, 0x82, 0x85, 0xC0, 0xC1
ALLOC_POSSIBLE, NO_FAT_CHAIN = 0x01, 0x02  # Stream Extension GeneralSecondaryFlags
ATTR_DIRECTORY, ATTR_ARCHIVE = 0x10, 0x20
BAD_NAME_CHARS = set('"*/:<>?\\|') | {chr(c) for c in range(0x20)}


class Error(Exception):
    """What is wrong, for the message on stderr (exit 1)."""


def chksum16(data, skip=()):
    """The specification's rotate-and-add 16-bit checksum (SetChecksum, NameHash)."""
    s = 0
    for i, b in enumerate(data):
        if i not in skip:
            s = (((s & 1) << 15) + (s >> 1) + b) & 0xFFFF
    return s


def set_checksum(entries):
    """SetChecksum of a directory entry set: every byte but the field itself."""
    return chksum16(entries, skip=(2, 3))


def timestamp(t):
    """A time (seconds since the epoch, UTC) as an exFAT timestamp and its 10 ms increment."""
    tm = time.gmtime(t)
    year = min(max(tm.tm_year, 1980), 2107)
    stamp = ((year - 1980) << 25 | tm.tm_mon << 21 | tm.tm_mday << 16
             | tm.tm_hour << 11 | tm.tm_min << 5 | tm.tm_sec // 2)
    return stamp, (tm.tm_sec % 2) * 100


class Volume:
    """An exFAT image: its geometry, its root directory's clusters, the allocation bitmap
    (in memory until flush) and the up-case table."""

    def __init__(self, path, writable=False):
        self.f = open(path, "r+b" if writable else "rb")
        boot = self.f.read(512)
        if len(boot) < 512 or boot[3:11] != b"EXFAT   " or boot[510:512] != b"\x55\xAA":
            raise Error("%s: not an exFAT file system" % path)
        (self.fat_offset, self.fat_length, self.heap_offset, self.cluster_count,
         self.root_cluster) = struct.unpack_from("<5I", boot, 80)
        sector_shift, cluster_shift, nfats = boot[108], boot[109], boot[110]
        if not 9 <= sector_shift <= 12 or sector_shift + cluster_shift > 25:
            raise Error("%s: bad sector or cluster size in the boot sector" % path)
        if nfats != 1:
            raise Error("%s: %d FATs (TexFAT) are not supported" % (path, nfats))
        self.sector = 1 << sector_shift
        self.cluster = self.sector << cluster_shift
        self.percent_in_use = boot[112]
        self.root = self.chain(self.root_cluster)
        self._find_system_files()

    # --- clusters and the FAT
    def valid(self, c):
        return 2 <= c < self.cluster_count + 2

    def fat_get(self, c):
        self.f.seek(self.fat_offset * self.sector + 4 * c)
        return struct.unpack("<I", self.f.read(4))[0]

    def fat_set(self, c, value):
        self.f.seek(self.fat_offset * self.sector + 4 * c)
        self.f.write(struct.pack("<I", value))

    def chain(self, first, length=None, no_fat_chain=False):
        """The clusters of a file: LENGTH bytes from FIRST, contiguous when NO_FAT_CHAIN;
        else FIRST's FAT chain (all of it when LENGTH is None, as for a directory)."""
        if first == 0 or length == 0:
            return []
        need = None if length is None else -(-length // self.cluster)
        if no_fat_chain:
            if not (self.valid(first) and self.valid(first + need - 1)):
                raise Error("a NoFatChain file beyond the cluster heap (%d+%d)" % (first, need))
            return list(range(first, first + need))
        out, c = [], first
        while c != EOC and (need is None or len(out) < need):
            # a loop or a bad entry would read forever or off the heap
            if not self.valid(c) or len(out) > self.cluster_count:
                raise Error("a broken FAT chain (cluster %#x after %d)" % (c, len(out)))
            out.append(c)
            c = self.fat_get(c)
        if need is not None and len(out) < need:
            raise Error("a FAT chain shorter than its file (%d of %d clusters)" % (len(out), need))
        return out

    def offset(self, c):
        return (self.heap_offset * self.sector) + (c - 2) * self.cluster

    def read(self, clusters, length=None):
        data = bytearray()
        for c in clusters:
            self.f.seek(self.offset(c))
            data += self.f.read(self.cluster)
        return bytes(data if length is None else data[:length])

    def write(self, clusters, data):
        for i, c in enumerate(clusters):
            self.f.seek(self.offset(c))
            self.f.write(data[i * self.cluster:(i + 1) * self.cluster])

    # --- the root directory
    def entry(self, i):
        """Root directory entry I (32 bytes)."""
        c, off = divmod(32 * i, self.cluster)
        self.f.seek(self.offset(self.root[c]) + off)
        return self.f.read(32)

    def set_entry(self, i, data):
        c, off = divmod(32 * i, self.cluster)
        self.f.seek(self.offset(self.root[c]) + off)
        self.f.write(data)

    def entry_count(self):
        return len(self.root) * self.cluster // 32

    def _find_system_files(self):
        self.bitmap_entry = self.upcase_entry = None
        for i in range(self.entry_count()):
            e = self.entry(i)
            if e[0] == END:
                break
            if e[0] == BITMAP and e[1] & 1 == 0:
                self.bitmap_entry = i
            elif e[0] == UPCASE:
                self.upcase_entry = i
        if self.bitmap_entry is None or self.upcase_entry is None:
            raise Error("no allocation bitmap or up-case table in the root directory")
        first, length = struct.unpack_from("<IQ", self.entry(self.bitmap_entry), 20)
        self.bitmap_clusters = self.chain(first, length)
        self.bitmap = bytearray(self.read(self.bitmap_clusters, length))
        first, length = struct.unpack_from("<IQ", self.entry(self.upcase_entry), 20)
        self.upcase = self._expand_upcase(self.read(self.chain(first, length), length))

    @staticmethod
    def _expand_upcase(data):
        """The up-case table as a list indexed by character.  The stored table may be
        compressed: 0xFFFF followed by N stands for N characters that map to themselves."""
        words = struct.unpack("<%dH" % (len(data) // 2), data[:len(data) // 2 * 2])
        table, i = [], 0
        while i < len(words) and len(table) < 0x10000:
            if words[i] == 0xFFFF and i + 1 < len(words):
                table.extend(range(len(table), len(table) + words[i + 1]))
                i += 2
            else:
                table.append(words[i])
                i += 1
        return table

    def up(self, name):
        """NAME up-cased with the volume's table (characters past its end map to themselves)."""
        return [self.upcase[u] if u < len(self.upcase) else u for u in utf16(name)]

    def name_hash(self, name):
        return chksum16(b"".join(struct.pack("<H", u) for u in self.up(name)))

    def files(self):
        """The root directory's entry sets: (first entry, entry count, name, File entry,
        Stream Extension entry).  Sets that are not whole or fail their checksum are skipped."""
        n, i = self.entry_count(), 0
        while i < n:
            e = self.entry(i)
            if e[0] == END:
                break
            if e[0] != FILE or e[1] < 2 or i + e[1] >= n:
                i += 1
                continue
            count = e[1] + 1
            entries = [self.entry(i + k) for k in range(count)]
            stream = entries[1]
            name_len = stream[3]
            names = entries[2:2 + -(-name_len // 15)]
            if (stream[0] != STREAM or len(names) * 15 < name_len
                    or any(x[0] != NAME for x in names)
                    or set_checksum(b"".join(entries)) != struct.unpack_from("<H", e, 2)[0]):
                i += 1
                continue
            name = b"".join(x[2:32] for x in names)[:2 * name_len].decode("utf-16-le", "replace")
            yield i, count, name, e, stream
            i += count

    def find(self, name):
        want = self.up(name)
        for f in self.files():
            if self.up(f[2]) == want:
                return f
        return None

    def file_clusters(self, stream):
        flags, = struct.unpack_from("<B", stream, 1)
        first, length = struct.unpack_from("<IQ", stream, 20)
        if not flags & ALLOC_POSSIBLE:
            return []
        return self.chain(first, length, flags & NO_FAT_CHAIN)

    # --- allocation
    def in_use(self, c):
        return self.bitmap[(c - 2) >> 3] >> ((c - 2) & 7) & 1

    def used(self):
        return int.from_bytes(self.bitmap, "little").bit_count()

    def mark(self, c, used):
        if used:
            self.bitmap[(c - 2) >> 3] |= 1 << ((c - 2) & 7)
        else:
            self.bitmap[(c - 2) >> 3] &= ~(1 << ((c - 2) & 7)) & 0xFF

    def allocate(self, n):
        """The N lowest free clusters, marked in use."""
        out = []
        for c in range(2, self.cluster_count + 2):
            if len(out) == n:
                break
            if not self.in_use(c):
                out.append(c)
        if len(out) < n:
            raise Error("no room: %d clusters wanted, %d free" % (n, len(out)))
        for c in out:
            self.mark(c, True)
        return out

    def link(self, clusters):
        """Write CLUSTERS as a FAT chain."""
        for a, b in zip(clusters, clusters[1:] + [EOC]):
            self.fat_set(a, b)

    def free_slots(self, count):
        """The first of COUNT unused root-directory entries in a row; when there are none,
        the root directory is grown by zeroed clusters, linked in the FAT."""
        n, run = self.entry_count(), 0
        for i in range(n):
            t = self.entry(i)[0]
            if t == END:
                run += n - i  # this entry and every one after it are unused
                break
            run = 0 if t & 0x80 else run + 1
            if run == count:
                return i - count + 1
        start = n - run  # the unused entries at the end, if any, and new ones after them
        while self.entry_count() - start < count:
            c = self.allocate(1)
            self.write(c, bytes(self.cluster))
            self.root += c
            self.link(self.root)
        return start

    def remove(self, first, count, stream):
        """Delete an entry set and free its clusters."""
        for c in self.file_clusters(stream):
            self.mark(c, False)
            if not stream[1] & NO_FAT_CHAIN:
                self.fat_set(c, 0)
        for k in range(count):
            e = self.entry(first + k)
            self.set_entry(first + k, bytes([e[0] & 0x7F]) + e[1:])

    def flush(self):
        """Write the allocation bitmap back, and PercentInUse (not in the boot checksum)."""
        self.write(self.bitmap_clusters, bytes(self.bitmap))
        if self.percent_in_use != 0xFF:  # 0xFF: not kept
            self.f.seek(112)
            self.f.write(bytes([self.used() * 100 // self.cluster_count]))
        self.f.flush()


def utf16(name):
    """NAME as UTF-16 code units."""
    b = name.encode("utf-16-le")
    return list(struct.unpack("<%dH" % (len(b) // 2), b))


def check_name(name):
    """Fail unless NAME can be an exFAT file name."""
    if not 1 <= len(utf16(name)) <= 255:
        raise Error("'%s': a name has 1 to 255 characters" % name)
    bad = BAD_NAME_CHARS & set(name)
    if bad:
        raise Error("'%s': exFAT names cannot hold %r" % (name, "".join(sorted(bad))))


def entry_set(vol, name, first, length, no_fat_chain):
    """The File, Stream Extension and File Name entries of a new file."""
    units = utf16(name)
    nnames = -(-len(units) // 15)
    # SOURCE_DATE_EPOCH (the tests set it) makes the same image from the same files
    stamp, ms10 = timestamp(int(os.environ.get("SOURCE_DATE_EPOCH") or time.time()))
    utc = 0x80  # OffsetValid, offset 0: the times are UTC
    primary = struct.pack("<BBHHH3I5B7x", FILE, 1 + nnames, 0, ATTR_ARCHIVE, 0,
                          stamp, stamp, stamp, ms10, ms10, utc, utc, utc)
    flags = ALLOC_POSSIBLE | (NO_FAT_CHAIN if no_fat_chain else 0)
    stream = struct.pack("<BBBBHHQ4xIQ", STREAM, flags, 0, len(units), vol.name_hash(name), 0,
                         length, first, length)
    names = b""
    for k in range(nnames):
        part = units[15 * k:15 * (k + 1)]
        part += [0] * (15 - len(part))
        names += struct.pack("<BB15H", NAME, 0, *part)
    entries = bytearray(primary + stream + names)
    struct.pack_into("<H", entries, 2, set_checksum(entries))
    return bytes(entries)


def put(path, name, src):
    check_name(name)
    with open(src, "rb") as f:
        data = f.read()
    vol = Volume(path, writable=True)
    old = vol.find(name)
    if old and old[3][4] & ATTR_DIRECTORY:
        raise Error("%s: '%s' is a directory" % (path, name))
    # room for the data is checked before anything is changed (a cluster more for the
    # directory, when it must grow, is not)
    need = -(-len(data) // vol.cluster)
    free = vol.cluster_count - vol.used() + (len(vol.file_clusters(old[4])) if old else 0)
    if need > free:
        raise Error("%s: no room for %s (%d clusters, %d free)" % (path, src, need, free))
    if old:
        vol.remove(old[0], old[1], old[4])
    entries = -(-len(utf16(name)) // 15) + 2
    # the directory first: growing it takes a cluster that the file must not also take
    slot = vol.free_slots(entries)
    clusters = vol.allocate(need)
    vol.write(clusters, data + bytes(-len(data) % vol.cluster))
    # contiguous clusters need no FAT chain (NoFatChain), as the Linux driver writes them
    contiguous = bool(clusters) and clusters[-1] - clusters[0] == len(clusters) - 1
    if clusters and not contiguous:
        vol.link(clusters)
    es = entry_set(vol, name, clusters[0] if clusters else 0, len(data), contiguous)
    for k in range(entries):
        vol.set_entry(slot + k, es[32 * k:32 * (k + 1)])
    vol.flush()


def get(path, name):
    vol = Volume(path)
    found = vol.find(name)
    if not found:
        raise Error("%s: no '%s' in the root directory" % (path, name))
    _, _, _, primary, stream = found
    if primary[4] & ATTR_DIRECTORY:
        raise Error("%s: '%s' is a directory" % (path, name))
    valid, = struct.unpack_from("<Q", stream, 8)
    length, = struct.unpack_from("<Q", stream, 24)
    data = vol.read(vol.file_clusters(stream), min(valid, length))
    # past ValidDataLength a file reads as zeros
    sys.stdout.buffer.write(data + bytes(length - len(data)))


def ls(path):
    vol = Volume(path)
    for _, _, name, primary, _ in vol.files():
        print(name + ("/" if primary[4] & ATTR_DIRECTORY else ""))


USAGE = "usage: exfat.py ls IMG | get IMG NAME | put IMG NAME SRCFILE"


def main(argv):
    verbs = {"ls": (ls, 2), "get": (get, 3), "put": (put, 4)}
    if len(argv) < 2 or argv[1] not in verbs or len(argv) != verbs[argv[1]][1] + 1:
        print(USAGE, file=sys.stderr)
        return 2
    try:
        verbs[argv[1]][0](*argv[2:])
    except (Error, OSError, UnicodeError, ValueError) as e:
        print("exfat.py: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
