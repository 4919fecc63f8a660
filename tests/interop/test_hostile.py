"""Hostile arrays through every Python method: an exception, never a crash.

Each case is structurally plausible (the right buffers, the right counts)
but breaks a content rule that a careless consumer would trust: offsets
that go backwards or past the data, run ends out of order, dictionary
indices and union type ids out of range, views that point past their data
buffers. The arrays are built with pyarrow's Array.from_buffers and reach
quiver through the C Data interface (zero-copy, only structurally checked),
exactly as hostile data from any producer would.

Every Python method must then either return a correct answer or raise a
quiver exception (ArrowInvalid naming the problem); to_pylist, indexing and
full validation must raise; repr() never raises (it says "<invalid: ...>").
The cases run in child processes, so a crash (SIGSEGV, an abort) fails that
case by name instead of killing the test run (a child that dies is replaced
by a new one for the cases after it).
"""
import json
import os
import subprocess
import sys

import numpy as np
import pyarrow as pa
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))


def _i32(*v):
    return pa.py_buffer(np.array(v, np.int32).tobytes())


def _i64(*v):
    return pa.py_buffer(np.array(v, np.int64).tobytes())


def _i8(*v):
    return pa.py_buffer(np.array(v, np.int8).tobytes())


def _bits(*flags):
    return pa.py_buffer(np.packbits(np.array(flags, np.uint8), bitorder="little").tobytes())


def _view(size, prefix=b"", buffer_index=0, offset=0, inline=b""):
    if size <= 12:
        return np.int32(size).tobytes() + inline.ljust(12, b"\0")
    return (np.int32(size).tobytes() + prefix.ljust(4, b"\0")[:4] + np.int32(buffer_index).tobytes()
            + np.int32(offset).tobytes())


def _views(*views):
    return pa.py_buffer(b"".join(views))


DATA9 = pa.py_buffer(b"abcdefghi")
INTS4 = pa.array([1, 2, 3, 4], pa.int32())


def _map_entries(n):
    return pa.StructArray.from_arrays([pa.array([f"k{i}" for i in range(n)]), pa.array(range(n), pa.int32())],
                                      fields=[pa.field("key", pa.string(), nullable=False),
                                              pa.field("value", pa.int32())])


CASES = {
    # variable-size binary and string
    "utf8_offsets_backwards": lambda: pa.Array.from_buffers(pa.string(), 3, [None, _i32(0, 300, 5, 9), DATA9]),
    "utf8_offsets_backwards_with_nulls": lambda: pa.Array.from_buffers(
        pa.string(), 3, [_bits(1, 0, 1), _i32(0, 7, 2, 9), DATA9], null_count=1),
    "utf8_offset_near_int32_min": lambda: pa.Array.from_buffers(
        pa.string(), 3, [None, _i32(0, -(2 ** 31) + 1, 5, 9), DATA9]),
    "binary_offsets_past_data": lambda: pa.Array.from_buffers(pa.binary(), 2, [None, _i32(0, 1000, 9), DATA9]),
    "large_utf8_offsets_backwards": lambda: pa.Array.from_buffers(
        pa.large_string(), 3, [None, _i64(0, 7, 2, 9), DATA9]),
    "large_binary_offset_near_int64_max": lambda: pa.Array.from_buffers(
        pa.large_binary(), 2, [None, _i64(0, 2 ** 63 - 2, 9), DATA9]),
    # lists and maps
    "list_offsets_backwards": lambda: pa.Array.from_buffers(
        pa.list_(pa.int32()), 3, [None, _i32(0, 4, 1, 4)], children=[INTS4]),
    "list_offsets_past_child": lambda: pa.Array.from_buffers(
        pa.list_(pa.int32()), 3, [None, _i32(0, 2, 100, 4)], children=[INTS4]),
    "large_list_offsets_backwards": lambda: pa.Array.from_buffers(
        pa.large_list(pa.int32()), 3, [None, _i64(0, 3, 1, 4)], children=[INTS4]),
    "map_offsets_backwards": lambda: pa.Array.from_buffers(
        pa.map_(pa.string(), pa.int32()), 3, [None, _i32(0, 3, 1, 4)], children=[_map_entries(4)]),
    "list_view_past_child": lambda: pa.Array.from_buffers(
        pa.list_view(pa.int32()), 2, [None, _i32(0, 50), _i32(2, 10)], children=[INTS4]),
    "list_view_negative_offset": lambda: pa.Array.from_buffers(
        pa.list_view(pa.int32()), 2, [None, _i32(0, -3), _i32(2, 2)], children=[INTS4]),
    # run-end encoded
    "ree_run_ends_unsorted": lambda: pa.Array.from_buffers(
        pa.run_end_encoded(pa.int32(), pa.string()), 5, [None],
        children=[pa.array([3, 1, 5], pa.int32()), pa.array(["a", "b", "c"])]),
    "ree_run_ends_negative": lambda: pa.Array.from_buffers(
        pa.run_end_encoded(pa.int16(), pa.int64()), 5, [None],
        children=[pa.array([-4, 2, 5], pa.int16()), pa.array([1, 2, 3], pa.int64())]),
    # dictionaries
    "dictionary_index_out_of_range": lambda: pa.DictionaryArray.from_buffers(
        pa.dictionary(pa.int8(), pa.string()), 2, [None, _i8(0, 9)], pa.array(["a"])),
    "dictionary_index_negative": lambda: pa.DictionaryArray.from_buffers(
        pa.dictionary(pa.int32(), pa.int64()), 2, [None, _i32(0, -3)], pa.array([7], pa.int64())),
    "dictionary_index_int64_huge": lambda: pa.DictionaryArray.from_buffers(
        pa.dictionary(pa.int64(), pa.string()), 2, [None, _i64(0, 2 ** 62)], pa.array(["a"])),
    # unions
    "sparse_union_type_id_out_of_range": lambda: pa.Array.from_buffers(
        pa.sparse_union([pa.field("a", pa.int8())]), 2, [None, _i8(0, 7)], children=[pa.array([1, 2], pa.int8())]),
    "sparse_union_negative_type_id": lambda: pa.Array.from_buffers(
        pa.sparse_union([pa.field("a", pa.int8()), pa.field("b", pa.string())]), 2, [None, _i8(1, -1)],
        children=[pa.array([1, 2], pa.int8()), pa.array(["x", "y"])]),
    "dense_union_offset_out_of_range": lambda: pa.Array.from_buffers(
        pa.dense_union([pa.field("a", pa.int64())]), 2, [None, _i8(0, 0), _i32(0, 100)],
        children=[pa.array([1, 2], pa.int64())]),
    "dense_union_negative_offset": lambda: pa.Array.from_buffers(
        pa.dense_union([pa.field("a", pa.string())]), 2, [None, _i8(0, 0), _i32(0, -5)],
        children=[pa.array(["x", "y"])]),
    # views
    "string_view_offset_past_buffer": lambda: pa.Array.from_buffers(
        pa.string_view(), 2, [None, _views(_view(3, inline=b"abc"), _view(20, b"abcd", 0, 1000)),
                              pa.py_buffer(b"abcdefghijklmnopqrstuvwxyz")]),
    "binary_view_bad_buffer_index": lambda: pa.Array.from_buffers(
        pa.binary_view(), 1, [None, _views(_view(16, b"abcd", 3, 0)), pa.py_buffer(b"x" * 32)]),
    "string_view_negative_size": lambda: pa.Array.from_buffers(
        pa.string_view(), 1, [None, _views(_view(-5, inline=b"abc"))]),
    "binary_view_size_past_buffer_end": lambda: pa.Array.from_buffers(
        pa.binary_view(), 1, [None, _views(_view(2 ** 31 - 1, b"abcd", 0, 8)), pa.py_buffer(b"y" * 32)]),
    # nested: a hostile child inside a struct and a list
    "struct_of_hostile_utf8": lambda: pa.StructArray.from_arrays(
        [pa.Array.from_buffers(pa.string(), 3, [None, _i32(0, 300, 5, 9), DATA9]), pa.array([1, 2, 3])],
        names=["s", "i"]),
    "list_of_bad_dictionary": lambda: pa.Array.from_buffers(
        pa.list_(pa.dictionary(pa.int8(), pa.string())), 1, [None, _i32(0, 2)],
        children=[pa.DictionaryArray.from_buffers(pa.dictionary(pa.int8(), pa.string()), 2, [None, _i8(0, 50)],
                                                  pa.array(["a"]))]),
}


class _Exporter:
    """Hands out another object's C Data capsules (a foreign producer)."""

    def __init__(self, inner):
        self.inner = inner

    def __arrow_c_array__(self, requested_schema=None):
        return self.inner.__arrow_c_array__(requested_schema)


def _refusal_or_text(qv, text):
    """A ChunkedArray prints each chunk, saying <invalid: ...> for a chunk
    that cannot be printed: that counts as refusing."""
    if "<invalid:" in text:
        raise qv.ArrowInvalid("printed " + text[:200])
    return text


def _outcome(fn):
    try:
        r = fn()
        return "ok", r
    except Exception as e:  # noqa: BLE001 - the child reports every class by name
        return f"{type(e).__module__}.{type(e).__name__}: {str(e)[:300]}", None


def _parquet_bytes(table):
    import io

    from quiver._parquet_write import write_table

    buf = io.BytesIO()
    write_table(table, buf)
    return len(buf.getvalue())


def run_cases(names):
    """In the child: each case in turn, announced by "START name" and
    reported by "RESULT name {json}" (flushed, so a crash leaves the name)."""
    for name in names:
        print("START " + name, flush=True)
        print(f"RESULT {name} " + json.dumps(run_case(name)), flush=True)


def run_case(name):
    """Every Python method on the hostile array: {operation: "ok" or
    "module.Class: message"}."""
    import quiver as qv

    out = {}
    pa_arr = CASES[name]()
    res, q = _outcome(lambda: qv.array(pa_arr))
    out["import"] = res
    if q is not None:
        ops = {
            "validate_structure": lambda: q.validate(full=False),
            "validate_full": lambda: q.validate(full=True),
            "to_pylist": q.to_pylist,
            "getitem_last": lambda: q[len(q) - 1],
            "iterate": lambda: list(q),
            "str": lambda: str(q),
            "repr": lambda: repr(q),
            "equals_self": lambda: q.equals(q),
            "eq_self": lambda: q == q,
            "equals_slice": lambda: q.equals(q.slice(1)),
            "diff_self": lambda: q.diff(q),
            "null_count": lambda: q.null_count,
            "slice_to_pylist": lambda: q.slice(1).to_pylist(),
            "slice_str": lambda: str(q.slice(1)),
            "c_array_export": lambda: q.__arrow_c_array__(),
            "c_array_reimport_to_pylist": lambda: qv.array(_Exporter(q)).to_pylist(),
            "pyarrow_import_and_validate": lambda: pa.array(q).validate(full=True),
        }
        for op, fn in ops.items():
            out[op], _ = _outcome(fn)
        res, batch = _outcome(lambda: qv.record_batch({"c": q}))
        out["record_batch"] = res
        if batch is not None:
            table = qv.table(batch)
            for op, fn in {
                "batch_to_pydict": batch.to_pydict,
                "batch_to_pylist": batch.to_pylist,
                "batch_repr": lambda: repr(batch),
                "table_to_pydict": table.to_pydict,
                "table_repr": lambda: repr(table),
                "table_equals_self": lambda: table.equals(table),
                "table_validate_full": lambda: table.validate(full=True),
                "chunked_to_pylist": lambda: table.column(0).to_pylist(),
                "chunked_str": lambda: _refusal_or_text(qv, str(table.column(0))),
                "ipc_write_stream": lambda: qv.ipc.write_stream(batch),
                "ipc_write_file": lambda: qv.ipc.write_file(batch),
                "ipc_roundtrip_to_pydict": lambda: qv.ipc.read_stream(qv.ipc.write_stream(batch)).to_pydict(),
                "parquet_write": lambda: _parquet_bytes(table),
            }.items():
                out[op], _ = _outcome(fn)
    return out


# Operations that must refuse a hostile array (they read every value).
MUST_RAISE = {"validate_full", "to_pylist", "iterate", "c_array_reimport_to_pylist", "batch_to_pydict", "batch_to_pylist", "table_to_pydict",
              "table_validate_full", "chunked_to_pylist"}
# Printing must not make values up: a run-end encoded array whose run ends
# are out of order or negative has no honest decoding, so str() refuses it
# (the structure-dump forms used for bad unions and dictionary indices show
# the raw buffers, which is honest).
STR_MUST_RAISE = {"ree_run_ends_unsorted", "ree_run_ends_negative"}
# The bad offsets of these lie under null slots only: the non-null values
# are well defined, so writing them to Parquet is a correct answer.
PARQUET_MAY_SUCCEED = {"utf8_offsets_backwards_with_nulls"}
# Operations that must never raise: repr says what is wrong instead.
MUST_SUCCEED = {"repr", "batch_repr", "table_repr", "c_array_export"}


@pytest.fixture(scope="module")
def outcomes():
    """{case: result dict, or the text of the crash that killed its child}."""
    results, todo = {}, sorted(CASES)
    while todo:
        code = f"import sys; sys.path.insert(0, {HERE!r}); import test_hostile as H; H.run_cases({todo!r})"
        env = dict(os.environ, PYTHONFAULTHANDLER="1")
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600, env=env)
        current = None
        for line in proc.stdout.splitlines():
            if line.startswith("START "):
                current = line[len("START "):]
            elif line.startswith("RESULT "):
                name, _, payload = line[len("RESULT "):].partition(" ")
                results[name] = json.loads(payload)
                current = None
        if proc.returncode == 0 and current is None:
            break
        crashed = current if current is not None else todo[0]
        results[crashed] = f"the child died (status {proc.returncode}) in this case:\n{proc.stderr[-3000:]}"
        todo = todo[todo.index(crashed) + 1:]
    return results


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_array_gives_exceptions_not_crashes(name, outcomes):
    out = outcomes.get(name)
    assert isinstance(out, dict), f"{name}: {out}"
    if out["import"] != "ok":
        assert out["import"].startswith("quiver."), f"{name}: import failed oddly: {out['import']}"
        return
    problems = []
    for op, res in out.items():
        if op in MUST_RAISE and not res.startswith("quiver.ArrowInvalid"):
            problems.append(f"{op} must raise quiver.ArrowInvalid, got {res}")
        elif op in MUST_SUCCEED and res != "ok":
            problems.append(f"{op} must not raise, got {res}")
        elif res != "ok" and not (res.startswith("quiver.") or res.startswith("pyarrow.lib.Arrow")):
            problems.append(f"{op} raised a non-quiver exception: {res}")
    # The Parquet writer reads every value: a hostile array is refused
    # (ArrowInvalid naming column and row) or its type is not writable at all.
    pw = out.get("parquet_write", "")
    if pw == "ok" and name in PARQUET_MAY_SUCCEED:
        pass
    elif not (pw.startswith("quiver.ArrowInvalid") or pw.startswith("quiver.ArrowNotImplementedError")):
        problems.append(f"parquet_write must raise ArrowInvalid or ArrowNotImplementedError, got {pw}")
    elif pw.startswith("quiver.ArrowInvalid") and "column 'c" not in pw:
        problems.append(f"parquet_write must name the column, got {pw}")
    if name in STR_MUST_RAISE:
        for op in ("str", "slice_str", "chunked_str"):
            if not out[op].startswith("quiver.ArrowInvalid"):
                problems.append(f"{op} must raise quiver.ArrowInvalid (no made-up values), got {out[op]}")
    assert not problems, f"{name}:\n  " + "\n  ".join(problems)


def _structurally_invalid():
    """Arrays that break the layout itself (children too short for their
    parent), which C Data cannot stop a producer from handing over. Built
    with nanoarrow, which can skip its own validation."""
    import nanoarrow as na

    ints2 = na.c_array([1, 2], na.int32())
    return {
        "struct_child_too_short": na.c_array_from_buffers(
            na.struct({"a": na.int32()}), 5, [None], children=[ints2], validation_level="none"),
        "fixed_size_list_child_too_short": na.c_array_from_buffers(
            na.fixed_size_list(na.int32(), 2), 4, [None], children=[ints2], validation_level="none"),
        "struct_in_struct_child_too_short": na.c_array_from_buffers(
            na.struct({"s": na.struct({"a": na.int32()})}), 3, [None],
            children=[na.c_array_from_buffers(na.struct({"a": na.int32()}), 3, [None], children=[ints2],
                                              validation_level="none")], validation_level="none"),
    }


def test_structurally_invalid_arrays_are_refused_at_import():
    """Every C consumer behind the Python methods (printing, comparison, the
    IPC writer) is memory-safe only on structurally valid arrays, so quiver
    checks the structure when it imports, before any method can run. (It
    once imported such arrays and wrote them to IPC, reading past the
    child.)"""
    import quiver as qv

    for name, arr in _structurally_invalid().items():
        with pytest.raises(qv.ArrowInvalid, match="length"):
            qv.array(arr)
        with pytest.raises(qv.ArrowInvalid, match="length"):
            qv.array(_Exporter(arr))
