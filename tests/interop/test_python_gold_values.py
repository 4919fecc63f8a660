"""Every gold IPC file of arrow-testing through quiver's Python conversions
(to_pylist, to_pydict, indexing), compared with pyarrow's to_pylist of the
same file.

Why: zero-length ranges read from IPC have empty buffers that the reader
leaves absent (include/quiver/array.h, "Empty buffers"); to_pylist's typed
fast paths once dereferenced them and crashed the interpreter on an empty
batch, a list of empty lists and several gold files. Running every gold
file (and the minimal cases below) through every conversion keeps that
fixed for every type.

Comparison rule, column by column: where pyarrow converts a column, quiver
gives an equal list; where quiver raises, it raises a Python exception and
pyarrow also refuses (its to_pylist raises or its full validation fails:
old gold files hold decimals wider than their precision). Nanosecond
timestamps and durations are left out of the value comparison because
pyarrow turns them into pandas objects (NaT, Timestamp) when pandas is
installed; quiver's values for them are still converted and type-checked.
"""
import datetime
import os
import sys

import pyarrow as pa
import pyarrow.ipc as paipc
import pytest

import quiver as qv

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ipc_support as S  # noqa: E402


def _gold_files():
    """(id, path, format) of every `.stream` and `.arrow_file` of the gold
    integration folders, at collection time."""
    env = os.environ.get("QV_ARROW_TESTING")
    root = (S.REPO / ".." / "shared" / "arrow-testing").resolve() if not env else S.pathlib.Path(env)
    base = root / S.GOLD_SUBDIR
    out = []
    if base.is_dir():
        for d in sorted(p for p in base.iterdir() if p.is_dir()):
            for f in sorted(d.iterdir()):
                if f.suffix in (".stream", ".arrow_file"):
                    out.append((f"{d.name}/{f.name}", f, "stream" if f.suffix == ".stream" else "file"))
    return out


GOLD = _gold_files()


def test_gold_files_found():
    root = S.arrow_testing()
    assert len(GOLD) >= 100, f"expected the gold .stream/.arrow_file files under {root / S.GOLD_SUBDIR}"


def _pyarrow_table(path, fmt):
    src = pa.memory_map(str(path))
    return (paipc.open_stream(src) if fmt == "stream" else paipc.open_file(src)).read_all()


def _pandas_typed(t):
    return (pa.types.is_timestamp(t) or pa.types.is_duration(t)) and t.unit == "ns"


def _sub_microsecond_times(column):
    """time64[ns] values that are not whole microseconds: pyarrow (with pandas) drops the
    nanoseconds making datetime.time, quiver raises ValueError instead."""
    if column.type != pa.time64("ns"):
        return False
    raw = column.cast(pa.int64()).to_pylist()
    return any(v is not None and v % 1000 for v in raw)


def _pyarrow_refuses(column):
    try:
        column.validate(full=True)
        column.to_pylist()
    except (pa.ArrowInvalid, ValueError, OverflowError, KeyError, TypeError):
        return True
    return False


@pytest.mark.parametrize("path, fmt", [g[1:] for g in GOLD], ids=[g[0] for g in GOLD])
def test_gold_file_values_match_pyarrow(path, fmt):
    q = qv.ipc.read_file(str(path)) if fmt == "file" else qv.ipc.read_stream(str(path))
    want = _pyarrow_table(path, fmt)
    assert q.num_rows == want.num_rows and q.column_names == want.column_names
    for i, name in enumerate(want.column_names):
        ptype = want.schema.field(i).type
        try:
            got = q.column(i).to_pylist()
        except (qv.ArrowInvalid, OverflowError, ValueError) as e:
            if _sub_microsecond_times(want.column(i)):
                continue  # quiver refuses what pyarrow truncates silently (docs/python.md)
            assert _pyarrow_refuses(want.column(i)), f"{path.name} column {name} ({ptype}): quiver raised {e!r}"
            continue
        assert len(got) == want.num_rows
        if _pandas_typed(ptype):  # pandas.Timestamp / Timedelta on both sides, nanoseconds included
            assert [type(v) for v in got] == [type(v) for v in want.column(i).to_pylist()], name
        try:
            expected = want.column(i).to_pylist()
        except (KeyError, ValueError, OverflowError):
            continue  # pyarrow cannot build Python objects for this type (month/day_time intervals)
        assert got == expected, f"{path.name} column {name} ({ptype})"
        # Indexing and iteration go through the slot-by-slot path.
        chunks = q.column(i).chunks
        flat = [v.as_py() for c in chunks for v in (c[k] for k in range(len(c)))]
        assert flat == expected, f"{path.name} column {name} ({ptype}) by index"
    # Whole-table conversions: refuse cleanly or agree with the columns.
    try:
        rows = q.to_pylist()
        d = q.to_pydict()
    except (qv.ArrowInvalid, OverflowError, ValueError):
        return
    assert len(rows) == q.num_rows and list(d) == list(dict.fromkeys(q.column_names))


def _stream(table_or_batches, schema=None):
    sink = pa.BufferOutputStream()
    batches = table_or_batches if isinstance(table_or_batches, list) else None
    sch = schema if schema is not None else table_or_batches.schema
    with paipc.new_stream(sink, sch) as w:
        if batches is None:
            w.write_table(table_or_batches)
        else:
            for b in batches:
                w.write_batch(b)
    return sink.getvalue().to_pybytes()


EMPTY_TYPES = [pa.int32(), pa.int64(), pa.float64(), pa.bool_(), pa.string(), pa.large_string(), pa.int8(),
               pa.uint64(), pa.float16(), pa.float32(), pa.decimal128(10, 2), pa.date32(), pa.timestamp("us"),
               pa.binary(), pa.binary_view(), pa.string_view(), pa.list_(pa.int64()), pa.struct([("a", pa.int32())])]


@pytest.mark.parametrize("type_", EMPTY_TYPES, ids=str)
def test_zero_row_batch_from_ipc(type_):
    schema = pa.schema([("a", type_)])
    empty = pa.record_batch([pa.array([], type_)], schema=schema)
    q = qv.ipc.read_stream(_stream([empty], schema))
    assert q.num_rows == 0
    assert q.column(0).chunk(0).to_pylist() == []
    assert q.to_pydict() == {"a": []} and q.to_pylist() == []
    assert list(q.column(0).chunk(0)) == []


@pytest.mark.parametrize("item", [pa.int32(), pa.int64(), pa.float64(), pa.string(), pa.bool_()], ids=str)
def test_lists_of_empty_lists_from_ipc(item):
    for values in ([[], []], [[], None, []], [None]):
        arr = pa.array(values, pa.list_(item))
        q = qv.ipc.read_stream(_stream(pa.table({"l": arr})))
        assert q.to_pydict() == {"l": values}
        assert q.column(0).chunk(0)[0].as_py() == values[0]
        big = pa.array(values, pa.large_list(item))
        assert qv.ipc.read_stream(_stream(pa.table({"l": big}))).to_pydict() == {"l": values}


def test_empty_struct_children_and_map_from_ipc():
    t = pa.table({
        "s": pa.array([], pa.struct([("x", pa.float64()), ("y", pa.list_(pa.int32()))])),
        "m": pa.array([], pa.map_(pa.string(), pa.int64())),
        "d": pa.array([], pa.string()).dictionary_encode(),
    })
    assert qv.ipc.read_stream(_stream(t)).to_pydict() == {"s": [], "m": [], "d": []}
    maps = pa.array([[], None, []], pa.map_(pa.string(), pa.int64()))
    assert qv.ipc.read_stream(_stream(pa.table({"m": maps}))).to_pydict() == {"m": [[], None, []]}


def test_empty_array_buffer_protocol_and_buffers():
    q = qv.ipc.read_stream(_stream([pa.record_batch([pa.array([], pa.int64())], names=["a"])],
                                   pa.schema([("a", pa.int64())])))
    a = q.column(0).chunk(0)
    assert bytes(memoryview(a)) == b"" and memoryview(a).format == "q"
    assert all(b is None or b.size == 0 for b in a.buffers())
    assert a.equals(qv.array([], type=qv.int64())) and str(a) == str(qv.array([], type=qv.int64()))


@pytest.mark.parametrize("type_", [pa.duration("us"), pa.duration("ns"), pa.timestamp("us"), pa.timestamp("ns"),
                                   pa.timestamp("us", tz="UTC"), pa.duration("s"), pa.timestamp("ms")], ids=str)
def test_extreme_temporal_values_raise_cleanly(type_):
    """INT64_MIN and INT64_MAX microseconds: splitting them into days once
    overflowed (days * 86400000000, undefined behaviour that UBSan reports
    on the gold duration file; scripts/asan-pytest.sh). They are out of
    Python's range: an exception, and the neighbours that fit convert."""
    lo, hi = -(2 ** 63), 2 ** 63 - 1
    factor = {"s": 10 ** 6, "ms": 1000, "us": 1}
    for v in (lo, hi, lo + 1, hi - 1):
        a = qv.array(pa.array([v], type_))
        if type_.unit == "ns":  # pandas.Timestamp / Timedelta (NaT for INT64_MIN), as pyarrow's as_py
            want = pa.array([v], type_).to_pylist()
            got = a.to_pylist()
            assert [type(x) for x in got] == [type(x) for x in want]
            assert str(got) == str(want)
            continue
        us = v * factor[type_.unit] if type_.unit in factor else v // 1000
        expected = None
        if lo <= us <= hi:
            delta = datetime.timedelta(microseconds=us)
            if pa.types.is_duration(type_):
                expected = delta
            else:
                try:
                    expected = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc if type_.tz else None) + delta
                except OverflowError:
                    expected = None
        if expected is None:
            with pytest.raises((OverflowError, ValueError)):
                a.to_pylist()
        else:
            assert a.to_pylist() == [expected]
    ok = qv.array(pa.array([-86_400_000_000 * 3 - 1, 86_400_000_000 * 3 + 1], pa.duration("us")))
    assert ok.to_pylist() == [datetime.timedelta(microseconds=-86_400_000_000 * 3 - 1),
                              datetime.timedelta(microseconds=86_400_000_000 * 3 + 1)]
