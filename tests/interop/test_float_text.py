"""Float text in quiver's CSV and JSON Lines writers: the shortest digits
that read back (print/shortest.c), checked on seeded random bit patterns of
every exponent, subnormals, powers of two and hard cases against pyarrow's
CSV writer (the oracle: the same text) and against Python's repr (the same
digits and exponent, wherever pyarrow agrees with repr)."""
import decimal
import io
import json
import math
import struct

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

import quiver as qv
import quiver.csv  # noqa: F401  (submodule)
import quiver.json  # noqa: F401  (submodule)


def _doubles(seed, n):
    rng = np.random.default_rng(seed)
    bits = rng.integers(0, 1 << 63, n, dtype=np.uint64) | (rng.integers(0, 2, n, dtype=np.uint64) << np.uint64(63))
    v = bits.view(np.float64)
    v = v[np.isfinite(v)]
    special = [5e-324, 1e-323, 2.2250738585072014e-308, 2.225073858507201e-308, 1.7976931348623157e308,
               1e23, 9007199254740993.0, 0.1, 0.3, 2 / 3, 1e21, 1e-7, 123.456, 1e16, 5.960464477539063e-08]
    special += [math.ldexp(1.0, e) for e in range(-1074, 1024)]
    special += [struct.unpack("<d", struct.pack("<Q", c))[0] for c in range(1, 300)]
    return np.concatenate([v, np.array(special), -np.array(special)])


def _floats(seed, n):
    rng = np.random.default_rng(seed)
    v = rng.integers(0, 1 << 32, n, dtype=np.uint64).astype(np.uint32).view(np.float32)
    return v[np.isfinite(v)]


def _csv_lines(table, writer):
    buf = io.BytesIO()
    writer(table, buf)
    return buf.getvalue().decode().splitlines()[1:]


def _digits(text):
    """(digits, exponent) of a decimal text, trailing zeros dropped."""
    return decimal.Decimal(text).normalize().as_tuple()


@pytest.mark.parametrize("seed", [1, 2])
def test_csv_doubles_match_pyarrow_and_repr(seed):
    v = _doubles(seed, 100_000)
    table = pa.table({"x": pa.array(v, pa.float64())})
    ours = _csv_lines(qv.table(table), qv.csv.write_csv)
    theirs = _csv_lines(table, pacsv.write_csv)
    assert len(ours) == len(theirs) == len(v)
    bad = [(float(x), o, t) for x, o, t in zip(v, ours, theirs) if o != t]
    assert not bad, f"{len(bad)} differ from pyarrow, first: {bad[:5]}"
    checked = 0
    for x, o, t in zip(v, ours, theirs):
        if _digits(repr(float(x))) == _digits(t):  # where pyarrow agrees with repr
            assert _digits(o) == _digits(repr(float(x))), (x, o)
            checked += 1
    assert checked >= len(v) * 0.99


@pytest.mark.parametrize("seed", [3])
def test_csv_floats_match_pyarrow(seed):
    v = _floats(seed, 100_000)
    table = pa.table({"x": pa.array(v, pa.float32())})
    ours = _csv_lines(qv.table(table), qv.csv.write_csv)
    theirs = _csv_lines(table, pacsv.write_csv)
    bad = [(float(x), o, t) for x, o, t in zip(v, ours, theirs) if o != t]
    assert not bad, f"{len(bad)} differ from pyarrow, first: {bad[:5]}"
    for x, o in zip(v, ours):  # the shortest that reads back as the float
        assert np.float32(o) == x and len(_digits(o).digits) <= len(_digits(str(np.float32(x))).digits), (x, o)


def test_jsonl_doubles_are_repr_digits():
    v = _doubles(4, 50_000)
    table = qv.table(pa.table({"x": pa.array(v, pa.float64())}))
    lines = qv.json.write_json(table).decode().splitlines()
    assert len(lines) == len(v)
    for x, line in zip(v, lines):
        text = line[len('{"x":'):-1]
        assert json.loads(line)["x"] == x
        assert _digits(text) == _digits(repr(float(x))), (x, line)
