"""Zero-copy, proven by buffer addresses.

The address of every buffer pyarrow reports equals the address quiver
reports, in both directions and after slicing, and numpy sees quiver's own
memory through the buffer protocol.
"""
import numpy as np
import pyarrow as pa
import pytest

import quiver as qv
from conftest import CASES


def _addresses(pa_arr):
    return [b.address if b is not None else None for b in pa_arr.buffers()]


def _qv_addresses(q):
    return [b.address if b is not None else None for b in q.buffers()]


FLAT = ["int8", "int64", "uint32", "float64", "float16", "bool", "decimal128", "date32", "timestamp[us, UTC]",
        "duration[ns]", "binary", "string", "large_string", "fixed_size_binary", "month_day_nano"]


@pytest.mark.parametrize("name", FLAT)
def test_pyarrow_to_quiver_shares_buffers(name):
    arr = CASES[name]
    for a in (arr, arr.slice(1)):
        q = qv.array(a)
        pa_addr = _addresses(a)
        assert _qv_addresses(q) == pa_addr
        assert [q.buffer_address(i) for i in range(q.num_buffers)] == [x or 0 for x in pa_addr]


@pytest.mark.parametrize("name", FLAT)
def test_quiver_to_pyarrow_shares_buffers(name):
    q = qv.array(CASES[name].to_pylist(), type=qv.type_for(CASES[name].type))
    for s in (q, q[1:]):
        p = pa.array(s)
        assert _addresses(p) == _qv_addresses(s)
        assert p.offset == s.offset


def test_views_share_variadic_buffers():
    arr = CASES["string_view"]
    q = qv.array(arr)
    # pyarrow lists validity, views, then the variadic data buffers
    assert _qv_addresses(q) == _addresses(arr)
    back = pa.array(q)
    assert _addresses(back) == _addresses(arr)


def test_nested_children_share_buffers():
    arr = CASES["list<int32>"]
    q = qv.array(arr)
    assert q.buffer_address(1) == arr.buffers()[1].address  # offsets
    assert q.children[0].buffer_address(1) == arr.values.buffers()[1].address
    s = CASES["struct"]
    qs = qv.array(s)
    assert qs.children[1].buffer_address(2) == s.field(1).buffers()[2].address


def test_round_trip_keeps_the_original_memory():
    arr = pa.array(["x" * 100, None, "y"] * 1000)
    back = pa.array(qv.array(pa.array(qv.array(arr))))
    assert _addresses(back) == _addresses(arr)


def test_record_batch_and_table_columns_share_buffers():
    t = pa.table({"a": pa.array(range(100)), "b": pa.array([str(i) for i in range(100)])})
    qt = qv.table(t)
    assert qt.column("a").chunk(0).buffer_address(1) == t.column("a").chunk(0).buffers()[1].address
    back = pa.table(qt)
    assert back.column("b").chunk(0).buffers()[2].address == t.column("b").chunk(0).buffers()[2].address
    qb = qv.record_batch({"x": qv.array([1.0, 2.0])})
    pb = pa.record_batch(qb)
    assert pb.column(0).buffers()[1].address == qb.column("x").buffer_address(1)


@pytest.mark.parametrize("type_, np_dtype", [
    (qv.int8(), np.int8), (qv.uint16(), np.uint16), (qv.int32(), np.int32), (qv.int64(), np.int64),
    (qv.uint64(), np.uint64), (qv.float16(), np.float16), (qv.float32(), np.float32), (qv.float64(), np.float64),
    (qv.timestamp("us"), np.int64), (qv.date32(), np.int32), (qv.duration("ms"), np.int64),
])
def test_numpy_asarray_is_zero_copy(type_, np_dtype):
    q = qv.array([1, 2, 3, 4], type=type_)  # temporal types take raw ints too
    n = np.asarray(q)
    assert n.dtype == np_dtype
    assert n.tolist() == [1, 2, 3, 4]
    assert n.ctypes.data == q.buffer_address(1)
    assert not n.flags.writeable
    s = q[1:3]
    ns = np.asarray(s)
    assert ns.tolist() == [2, 3]
    assert ns.ctypes.data == q.buffer_address(1) + ns.itemsize


def test_buffer_protocol_refused_for_nulls_and_non_primitive():
    with pytest.raises(BufferError, match="nulls"):
        memoryview(qv.array([1, None]))
    with pytest.raises(BufferError):
        memoryview(qv.array(["a"]))
    with pytest.raises(BufferError):
        memoryview(qv.array([True]))
    # numpy then asks __array__, which converts as pyarrow's does (nulls as NaN)
    got = np.asarray(qv.array([1, None]), dtype=object).tolist()
    assert str(got) == str(np.asarray(pa.array([1, None]), dtype=object).tolist()) == "[1.0, nan]"
    m = memoryview(qv.array([1, 2], type=qv.int16()))
    assert m.format == "h" and m.readonly and m.tolist() == [1, 2]
    assert memoryview(qv.array([], type=qv.int32())).tolist() == []


def test_buffer_objects():
    q = qv.array(["ab", None, "c"])
    bufs = q.buffers()
    assert len(bufs) == 3
    assert bytes(memoryview(bufs[2]))[:3] == b"abc"
    assert bufs[2].to_pybytes()[:3] == b"abc"
    assert bufs[1].size >= 16 and len(bufs[1]) == bufs[1].size
    assert np.frombuffer(bufs[1], dtype=np.int32)[:4].tolist() == [0, 2, 2, 3]
    assert "quiver.Buffer" in repr(bufs[0])
    with pytest.raises(qv.ArrowIndexError):
        q.buffer_address(3)
