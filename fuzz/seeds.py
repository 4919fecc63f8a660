#!/usr/bin/env python3
"""Writes the seed corpora of quiver's fuzz targets.

usage: fuzz/seeds.py OUT_DIR [ARROW_TESTING_DIR]

OUT_DIR/<target>/seed-<sha1> for every target, from the arrow-testing gold
files (data/arrow-ipc-stream/integration/*/): the Message flatbuffer of
every message of every .stream (framing stripped: 0xFFFFFFFF, int32 length,
then that many bytes; the legacy pre-0.15 framing too) and every
.arrow_file footer for `flatbuf`; whole .stream / .arrow_file files for
`ipc_stream` / `ipc_file`; the decompressed .json.gz for `json`. The C Data
targets get hand-written seeds, hostile_array one program per type. Seeds are
named by content, so running this
again adds nothing twice; the fuzzer's own finds in the same folders stay.
Standard library only.
"""
import gzip
import hashlib
import os
import random
import struct
import sys


def put(out, target, data):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, "seed-" + hashlib.sha1(data).hexdigest())
    if not os.path.exists(path):
        with open(path, "wb") as f:
            f.write(data)


def body_length(meta):
    """Message.bodyLength (slot 3) of a Message flatbuffer, 0 if absent."""
    try:
        root = struct.unpack_from("<I", meta, 0)[0]
        vt = root - struct.unpack_from("<i", meta, root)[0]
        vt_size = struct.unpack_from("<H", meta, vt)[0]
        if vt_size <= 4 + 2 * 3:
            return 0
        fo = struct.unpack_from("<H", meta, vt + 4 + 2 * 3)[0]
        return struct.unpack_from("<q", meta, root + fo)[0] if fo else 0
    except struct.error:
        return 0


def messages(data):
    """The Message flatbuffers of an IPC stream."""
    pos = 0
    while pos + 4 <= len(data):
        (n,) = struct.unpack_from("<i", data, pos)
        pos += 4
        if n == -1:  # continuation marker, then the length
            if pos + 4 > len(data):
                return
            (n,) = struct.unpack_from("<i", data, pos)
            pos += 4
        if n <= 0 or pos + n > len(data):
            return
        meta = data[pos:pos + n]
        yield meta
        pos += n + max(0, body_length(meta))


def footer(data):
    if len(data) < 18 or data[-6:] != b"ARROW1":
        return None
    (n,) = struct.unpack_from("<i", data, len(data) - 10)
    if n <= 0 or n > len(data) - 10:
        return None
    return data[len(data) - 10 - n:len(data) - 10]


# Byte 0 flags, byte 1 child count, then one menu byte per child
# (fuzz_cdata_format.c: 0 int32, 1 int16 run_ends, 2 int64, 3 utf8,
# 4 map entries, 5 empty struct, 6 null, 7 list, 8 float64, 9 int8).
FORMATS = [
    (b"", b"n"), (b"", b"b"), (b"", b"c"), (b"", b"C"), (b"", b"s"), (b"", b"S"), (b"", b"i"), (b"", b"I"),
    (b"", b"l"), (b"", b"L"), (b"", b"e"), (b"", b"f"), (b"", b"g"), (b"", b"z"), (b"", b"Z"), (b"", b"u"),
    (b"", b"U"), (b"", b"vz"), (b"", b"vu"), (b"", b"d:10,2"), (b"", b"d:38,10,128"), (b"", b"d:9,2,32"),
    (b"", b"d:18,4,64"), (b"", b"d:76,38,256"), (b"", b"w:16"), (b"", b"tdD"), (b"", b"tdm"), (b"", b"tts"),
    (b"", b"ttm"), (b"", b"ttu"), (b"", b"ttn"), (b"", b"tss:"), (b"", b"tsm:UTC"),
    (b"", b"tsu:America/New_York"), (b"", b"tsn:+07:30"), (b"", b"tDs"), (b"", b"tDm"), (b"", b"tDu"),
    (b"", b"tDn"), (b"", b"tiM"), (b"", b"tiD"), (b"", b"tin"), (b"\x00", b"+l"), (b"\x07", b"+L"),
    (b"\x03", b"+vl"), (b"\x00", b"+vL"), (b"\x00", b"+w:3"), (b"\x00\x03\x08", b"+s"), (b"", b"+s"),
    (b"\x04", b"+m"), (b"\x01\x03", b"+r"), (b"\x00\x03", b"+us:0,1"), (b"\x00\x03\x06", b"+ud:5,7,127"),
    (b"", b"+us:"),
]


def cdata_seeds(out):
    for kids, fmt in FORMATS:
        put(out, "cdata_format", bytes([0, len(kids)]) + kids + fmt)
        put(out, "cdata_format", bytes([4, len(kids)]) + kids + fmt)
    # cdata_import: an import mode, a menu choice, then a fixed pseudo-random tail.
    for mode in range(3):
        for choice in range(100):
            rnd = random.Random(mode * 1000 + choice)
            put(out, "cdata_import", bytes([mode, choice]) + bytes(rnd.randrange(256) for _ in range(96)))


def hostile_seeds(out):
    """hostile_array (fuzz_hostile_build.c): byte 0 < 128 picks a leaf type
    (byte 1 % 33), byte 0 >= 128 a nested kind (byte 0 % 12); the rest
    drives lengths, buffers and contents, here pseudo-random."""
    for leaf in range(33):
        for variant in range(3):
            rnd = random.Random(leaf * 10 + variant)
            put(out, "hostile_array", bytes([0, leaf]) + bytes(rnd.randrange(256) for _ in range(160)))
    for kind in range(12):
        pick = next(p for p in range(128, 256) if p % 12 == kind)
        for variant in range(6):
            rnd = random.Random(1000 + kind * 10 + variant)
            put(out, "hostile_array", bytes([pick]) + bytes(rnd.randrange(256) for _ in range(400)))


def parquet_seeds(out):
    """parquet: every parquet-testing data/ and bad_data/ file up to 256 KiB
    ($QV_PARQUET_TESTING, else ../shared/parquet-testing)."""
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.environ.get("QV_PARQUET_TESTING", os.path.join(here, "..", "..", "shared", "parquet-testing"))
    for sub in ("data", "bad_data"):
        base = os.path.join(root, sub)
        for dirpath, _, names in os.walk(base):
            for name in sorted(names):
                path = os.path.join(dirpath, name)
                if ".parquet" in name and os.path.getsize(path) <= 256 * 1024:
                    with open(path, "rb") as f:
                        put(out, "parquet", f.read())


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    here = os.path.dirname(os.path.abspath(__file__))
    testing = sys.argv[2] if len(sys.argv) > 2 else os.environ.get(
        "QV_ARROW_TESTING", os.path.join(here, "..", "..", "shared", "arrow-testing"))
    gold = os.path.join(testing, "data", "arrow-ipc-stream", "integration")
    if not os.path.isdir(gold):
        print("seeds: no gold files at %s; C Data seeds only" % gold, file=sys.stderr)
    else:
        for d in sorted(os.listdir(gold)):
            for name in sorted(os.listdir(os.path.join(gold, d))):
                path = os.path.join(gold, d, name)
                with open(path, "rb") as f:
                    data = f.read()
                if name.endswith(".stream"):
                    put(out, "ipc_stream", data)
                    for meta in messages(data):
                        put(out, "flatbuf", meta)
                elif name.endswith(".arrow_file"):
                    put(out, "ipc_file", data)
                    ft = footer(data)
                    if ft is not None:
                        put(out, "flatbuf", ft)
                elif name.endswith(".json.gz"):
                    put(out, "json", gzip.decompress(data))
    cdata_seeds(out)
    hostile_seeds(out)
    parquet_seeds(out)
    for t in sorted(os.listdir(out)):
        print("seeds: %-13s %5d files" % (t, len(os.listdir(os.path.join(out, t)))))


if __name__ == "__main__":
    main()
