#!/usr/bin/env python3
"""Writes the hand-written regression seeds of tests/corpus/cdata_format
and tests/corpus/json (replayed by tests/fuzz/test_corpus_replay.c).

usage: tests/corpus/hand_seeds.py   (from anywhere; rewrites the seed files)

Each seed is named for what it exercises, valid-* or invalid-*, so a
replay failure says which input broke. The replay asserts only that each
target keeps its oracle (fuzz/README.md); a seed's name documents intent.
Standard library only.
"""
import gzip
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "fuzz"))
import seeds  # noqa: E402  (FORMATS: the fuzzer's valid format seeds)


def write(target, name, data):
    d = os.path.join(HERE, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# Single-letter formats by type name; elsewhere an upper-case format letter
# is spelt "big-x" so that no two seed names differ only in case.
LETTERS = {"n": "null", "b": "bool", "c": "int8", "C": "uint8", "s": "int16", "S": "uint16", "i": "int32",
           "I": "uint32", "l": "int64", "L": "uint64", "e": "float16", "f": "float32", "g": "float64",
           "z": "binary", "Z": "large-binary", "u": "utf8", "U": "large-utf8"}


def slug(fmt):
    text = fmt.decode()
    if text in LETTERS:
        return LETTERS[text]
    out = []
    head, colon, params = text.partition(":")  # parameters (a time zone) only lower-cased
    for ch in head + colon + params.lower().replace("+", "plus"):
        if ch.isupper():
            out.append("big-" + ch.lower())
        else:
            out.append(ch if ch.isalnum() else {"+": "nested-", ":": "_", ",": "_"}.get(ch, "-"))
    return "".join(out)


def format_seed(flags, kids, fmt):
    return bytes([flags, len(kids)]) + kids + fmt


# Formats the parser must reject (with flags 0): malformed parameters,
# unknown letters, nested formats without the children they need.
BAD_FORMATS = [
    ("empty", b"", b""),
    ("unknown-letter", b"", b"X"),
    ("decimal-no-params", b"", b"d:"),
    ("decimal-precision-0", b"", b"d:0,2"),
    ("decimal-bad-width", b"", b"d:10,2,48"),
    ("decimal-trailing-junk", b"", b"d:10,2x"),
    ("fixed-binary-negative", b"", b"w:-1"),
    ("fixed-binary-no-width", b"", b"w:"),
    ("fixed-list-no-child", b"", b"+w:3"),
    ("fixed-list-zero-size", b"\x00", b"+w:0"),
    ("list-no-child", b"", b"+l"),
    ("map-entries-one-field", b"\x0a", b"+m"),
    ("map-entries-int32", b"\x00", b"+m"),
    ("ree-values-only", b"\x03", b"+r"),
    ("ree-float-run-ends", b"\x08\x03", b"+r"),
    ("union-ids-fewer-than-children", b"\x00\x03", b"+us:0"),
    ("union-id-128", b"\x00", b"+ud:128"),
    ("union-duplicate-ids", b"\x00\x03", b"+us:1,1"),
    ("timestamp-no-colon", b"", b"tsu"),
    ("time-bad-unit", b"", b"ttx"),
    ("duration-bad-unit", b"", b"tDx"),
    ("interval-bad-unit", b"", b"tix"),
    ("date-bad-unit", b"", b"tdx"),
    ("view-bad-letter", b"", b"vx"),
    ("primitive-with-child", b"\x00", b"i"),
    ("trailing-char", b"", b"ii"),
]


def cdata_format():
    for kids, fmt in seeds.FORMATS:
        write("cdata_format", "valid-" + slug(fmt) + ("-%dkids" % len(kids) if kids else ""),
              format_seed(0, kids, fmt))
    # flag 4 (ARROW_FLAG_MAP_KEYS_SORTED) and flag 1 (DICTIONARY_ORDERED) ride along
    write("cdata_format", "valid-map-keys-sorted", format_seed(4, b"\x04", b"+m"))
    write("cdata_format", "valid-int32-ordered-flag", format_seed(1, b"", b"i"))
    for name, kids, fmt in BAD_FORMATS:
        write("cdata_format", "invalid-" + name, format_seed(0, kids, fmt))


def field(name, typ, children=(), nullable=True, **extra):
    f = {"name": name, "nullable": nullable, "type": typ, "children": list(children)}
    f.update(extra)
    return f


INT32 = {"name": "int", "isSigned": True, "bitWidth": 32}
INT64 = {"name": "int", "isSigned": True, "bitWidth": 64}
UTF8 = {"name": "utf8"}


def doc(fields, batches, dictionaries=None):
    d = {"schema": {"fields": fields}, "batches": batches}
    if dictionaries is not None:
        d["dictionaries"] = dictionaries
    return json.dumps(d).encode()


PRIMITIVES = doc(
    [field("i", INT32), field("s", UTF8), field("f", {"name": "floatingpoint", "precision": "DOUBLE"}),
     field("b", {"name": "bool"})],
    [{"count": 3, "columns": [
        {"name": "i", "count": 3, "VALIDITY": [1, 0, 1], "DATA": [-7, 0, 2147483647]},
        {"name": "s", "count": 3, "VALIDITY": [1, 1, 0], "OFFSET": [0, 3, 5, 5], "DATA": ["abc", "\u00e9", ""]},
        {"name": "f", "count": 3, "VALIDITY": [1, 1, 1], "DATA": [1.5, -0.0, 1e300]},
        {"name": "b", "count": 3, "VALIDITY": [1, 1, 1], "DATA": [True, False, True]}]},
     {"count": 0, "columns": [
         {"name": "i", "count": 0, "VALIDITY": [], "DATA": []},
         {"name": "s", "count": 0, "VALIDITY": [], "OFFSET": [0], "DATA": []},
         {"name": "f", "count": 0, "VALIDITY": [], "DATA": []},
         {"name": "b", "count": 0, "VALIDITY": [], "DATA": []}]}])

NESTED = doc(
    [field("l", {"name": "list"}, [field("item", INT64)]),
     field("st", {"name": "struct"}, [field("a", {"name": "bool"}), field("t", {"name": "timestamp", "unit": "MICROSECOND", "timezone": "UTC"})]),
     field("r", {"name": "runendencoded"}, [field("run_ends", INT32, nullable=False), field("values", UTF8)]),
     field("d", {"name": "decimal", "precision": 10, "scale": 2, "bitWidth": 128})],
    [{"count": 2, "columns": [
        {"name": "l", "count": 2, "VALIDITY": [1, 1], "OFFSET": [0, 2, 2],
         "children": [{"name": "item", "count": 2, "VALIDITY": [1, 0], "DATA": ["9223372036854775807", "0"]}]},
        {"name": "st", "count": 2, "VALIDITY": [1, 0], "children": [
            {"name": "a", "count": 2, "VALIDITY": [1, 1], "DATA": [True, False]},
            {"name": "t", "count": 2, "VALIDITY": [1, 1], "DATA": ["1700000000000000", "-1"]}]},
        {"name": "r", "count": 2, "children": [
            {"name": "run_ends", "count": 1, "VALIDITY": [1], "DATA": [2]},
            {"name": "values", "count": 1, "VALIDITY": [1], "OFFSET": [0, 1], "DATA": ["z"]}]},
        {"name": "d", "count": 2, "VALIDITY": [1, 1], "DATA": ["12345", "-99999999"]}]}])

DICTIONARY = doc(
    [field("c", UTF8, dictionary={"id": 0, "indexType": {"name": "int", "isSigned": True, "bitWidth": 16},
                                  "isOrdered": False})],
    [{"count": 3, "columns": [{"name": "c", "count": 3, "VALIDITY": [1, 1, 0], "DATA": [1, 0, 0]}]}],
    [{"id": 0, "data": {"count": 2, "columns": [
        {"name": "DICT0", "count": 2, "VALIDITY": [1, 1], "OFFSET": [0, 2, 5], "DATA": ["no", "yes"]}]}}])

VIEWS = doc(
    [field("sv", {"name": "utf8view"})],
    [{"count": 2, "columns": [{"name": "sv", "count": 2, "VALIDITY": [1, 1], "VIEWS": [
        {"SIZE": 2, "INLINED": "hi"},
        {"SIZE": 14, "PREFIX_HEX": "61626364", "BUFFER_INDEX": 0, "OFFSET": 0}],
        "VARIADIC_DATA_BUFFERS": ["6162636465666768696A6B6C6D6E"]}]}])

NO_BATCHES = doc([field("i", INT32)], [])


def json_corpus():
    write("json", "valid-primitives-with-nulls-and-empty-batch", PRIMITIVES)
    write("json", "valid-list-struct-ree-decimal", NESTED)
    write("json", "valid-dictionary-int16-indices", DICTIONARY)
    write("json", "valid-utf8view-inline-and-buffer", VIEWS)
    write("json", "valid-schema-without-batches", NO_BATCHES)
    write("json", "valid-primitives-gzip", gzip.compress(PRIMITIVES, mtime=0))
    # Rejected by the reader, or read but not fully valid: each must fail cleanly.
    write("json", "invalid-truncated-document", PRIMITIVES[: len(PRIMITIVES) // 2])
    write("json", "invalid-not-json", b"ARROW1\x00\x00garbage")
    write("json", "invalid-no-schema", b'{"batches":[]}')
    write("json", "invalid-unknown-type-name", doc([field("x", {"name": "nosuchtype"})], []))
    write("json", "invalid-data-shorter-than-count", doc(
        [field("i", INT32)], [{"count": 3, "columns": [{"name": "i", "count": 3, "VALIDITY": [1, 1, 1], "DATA": [1]}]}]))
    write("json", "invalid-int32-out-of-range", doc(
        [field("i", INT32)], [{"count": 1, "columns": [{"name": "i", "count": 1, "VALIDITY": [1], "DATA": [4294967296]}]}]))
    write("json", "invalid-offsets-backwards", doc(
        [field("s", UTF8)], [{"count": 2, "columns": [
            {"name": "s", "count": 2, "VALIDITY": [1, 1], "OFFSET": [0, 3, 1], "DATA": ["abc", ""]}]}]))
    write("json", "invalid-dictionary-id-missing", doc(
        [field("c", UTF8, dictionary={"id": 3})],
        [{"count": 1, "columns": [{"name": "c", "count": 1, "VALIDITY": [1], "DATA": [0]}]}], []))
    write("json", "invalid-fewer-columns-than-fields", doc(
        [field("i", INT32), field("s", UTF8)],
        [{"count": 1, "columns": [{"name": "i", "count": 1, "VALIDITY": [1], "DATA": [1]}]}]))
    write("json", "invalid-gzip-corrupt", gzip.compress(PRIMITIVES, mtime=0)[:40] + b"\x00" * 16)


def main():
    for t in ("cdata_format", "json"):
        d = os.path.join(HERE, t)
        if os.path.isdir(d):
            for name in os.listdir(d):
                if name.startswith(("valid-", "invalid-")):
                    os.remove(os.path.join(d, name))
    cdata_format()
    json_corpus()
    for t in ("cdata_format", "json"):
        print("hand_seeds: %-13s %3d files" % (t, len(os.listdir(os.path.join(HERE, t)))))


if __name__ == "__main__":
    main()
