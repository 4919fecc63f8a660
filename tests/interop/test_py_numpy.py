"""numpy in and out of quiver without copying (issue 11, item 2): zero-copy
is asserted by buffer addresses, values and types against pyarrow's
conversion of the same ndarray.
"""
import gc

import numpy as np
import pyarrow as pa
import pytest

import quiver as qv

NUMERIC = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float16", "float32", "float64"]


@pytest.mark.parametrize("dtype", NUMERIC)
def test_numeric_in_is_zero_copy(dtype):
    values = np.arange(7).astype(dtype)
    q = qv.array(values)
    p = pa.array(values)
    assert q.type == qv.type_for(p.type)
    assert q.buffer_address(1) == values.ctypes.data
    assert pa.array(q).equals(p)


def test_array_keeps_the_ndarray_alive():
    values = np.arange(1000, dtype=np.int64)
    address = values.ctypes.data
    q = qv.array(values)
    del values
    gc.collect()
    assert q.buffer_address(1) == address
    assert q.to_pylist() == list(range(1000))


@pytest.mark.parametrize("kind", ["datetime64", "timedelta64"])
@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
def test_temporal_in_keeps_the_unit(kind, unit):
    values = np.array([0, 1, 1700000000, -5], dtype="int64").view("%s[%s]" % (kind, unit))
    values[2] = np.array("NaT", dtype=values.dtype)
    q = qv.array(values)
    p = pa.array(values)
    assert q.type == qv.type_for(p.type)
    assert q.buffer_address(1) == values.ctypes.data
    assert q.null_count == p.null_count == 1
    assert pa.array(q).equals(p)


def test_bool_in_is_bit_packed():
    values = np.array([True, False, True, True, False, False, False, True, True])
    assert pa.array(qv.array(values)).equals(pa.array(values))


def test_masked_array_in_as_nulls():
    values = np.ma.masked_array([1.5, 2.5, 3.5, 4.5], mask=[False, True, False, True])
    q = qv.array(values)
    p = pa.array(values)
    assert q.null_count == 2
    assert pa.array(q).equals(p)
    assert q.buffer_address(1) == values.data.ctypes.data


def test_strided_and_byte_swapped_in():
    strided = np.arange(20, dtype=np.int32)[::3]
    assert pa.array(qv.array(strided)).equals(pa.array(strided))
    swapped = np.array([1, 256, -2], dtype=">i4")  # pyarrow refuses these; quiver copies to native order
    assert qv.array(swapped).to_pylist() == [1, 256, -2]


@pytest.mark.parametrize("dtype", NUMERIC)
def test_numeric_out_is_zero_copy(dtype):
    q = qv.array(pa.array(np.arange(5).astype(dtype)))
    out = q.to_numpy()
    expected = pa.array(q).to_numpy()
    assert out.dtype == expected.dtype
    assert np.array_equal(out, expected)
    assert out.ctypes.data == q.buffer_address(1) + q.offset * out.itemsize
    assert not out.flags.writeable


def test_sliced_out_is_zero_copy():
    q = qv.array(list(range(10))).slice(3, 4)
    out = q.to_numpy()
    assert out.tolist() == [3, 4, 5, 6]
    assert out.ctypes.data == q.buffer_address(1) + 3 * 8


@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
def test_temporal_out(unit):
    for p in (pa.array([1, 2, 3], pa.timestamp(unit)), pa.array([1, -2], pa.duration(unit))):
        q = qv.array(p)
        out = q.to_numpy()
        expected = p.to_numpy()
        assert out.dtype == expected.dtype
        assert np.array_equal(out, expected)
        assert out.ctypes.data == q.buffer_address(1)


def test_nulls_and_other_types_need_a_copy():
    for p in (pa.array([1, None, 3]), pa.array([1.5, None]), pa.array([True, False]), pa.array(["a", None]),
              pa.array([1, None], pa.timestamp("ms"))):
        q = qv.array(p)
        with pytest.raises(ValueError):
            p.to_numpy(zero_copy_only=True)
        with pytest.raises(ValueError):
            q.to_numpy(zero_copy_only=True)
        got = q.to_numpy(zero_copy_only=False)
        expected = p.to_numpy(zero_copy_only=False)
        assert got.dtype == expected.dtype, p.type
        if expected.dtype.kind in "fmM":
            assert np.array_equal(got, expected, equal_nan=True)
        else:
            assert got.tolist() == expected.tolist()


def test_chunked_array_to_numpy():
    p = pa.chunked_array([[1, 2], [3]])
    q = qv.chunked_array(p)
    assert np.array_equal(q.to_numpy(), p.to_numpy())
    single = qv.chunked_array([qv.array([1, 2, 3])])
    assert single.to_numpy().ctypes.data == single.chunk(0).buffer_address(1)


def test_quiver_module_imports_without_numpy_and_pyarrow():
    import subprocess
    import sys

    code = ("import sys; sys.modules['pyarrow'] = None; sys.modules['numpy'] = None\n"
            "import quiver as qv\n"
            "t = qv.table({'a': [1, 2]})\n"
            "assert t.append_column('b', qv.array([3, 4])).num_columns == 2\n")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_short_or_lying_buffers_are_refused():
    """The private primitive behind quiver.array(ndarray) validates what it wraps:
    a buffer shorter than `length` values, or a null count the bitmap does not
    have, is an error, never a read past the end."""
    from quiver import _quiver

    with pytest.raises(qv.ArrowInvalid):
        _quiver._array_from_buffers(qv.int64(), 100, 0, None, b"12345678")
    with pytest.raises(qv.ArrowInvalid):
        _quiver._array_from_buffers(qv.int8(), 16, 3, b"\xff", bytes(16))
    with pytest.raises(qv.ArrowInvalid):
        _quiver._array_from_buffers(qv.int8(), -1, 0, None, b"")


# ---------------------------------------------------------------- to_numpy against pyarrow, every type

# Where quiver differs on purpose (docs/python.md): pyarrow decodes dictionaries even with
# zero_copy_only=True (quiver says a copy is needed); structs hold numpy arrays for nested lists
# in pyarrow, Python lists in quiver; extension arrays give pyarrow's storage values (bytes for
# uuid, bool for bool8), quiver's Python values (uuid.UUID); month_day_nano gives pandas
# DateOffset objects in pyarrow, (months, days, nanoseconds) tuples in quiver; unions are
# NotImplemented in pyarrow, Python values in quiver.
_OWN_WAY = ("dictionary", "struct", "uuid", "bool8", "json", "month_day_nano", "union", "time64[ns]")


def _same_values(got, want):
    if want.dtype.kind in "fmM":
        return np.array_equal(got, want, equal_nan=True)
    if want.dtype == object:
        return len(got) == len(want) and all(_same_item(g, w) for g, w in zip(got, want))
    return np.array_equal(got, want)


def _same_item(g, w):
    if g is None or w is None:
        return g is None and w is None
    if isinstance(w, np.ndarray):
        return isinstance(g, np.ndarray) and g.dtype == w.dtype and _same_values(g, w)
    return not isinstance(g, np.ndarray) and g == w


from conftest import variants  # noqa: E402


def test_to_numpy_matches_pyarrow_for_every_type(pa_case):
    name, p_full = pa_case
    if any(word in name for word in _OWN_WAY):
        pytest.skip("quiver converts %s its own way (docs/python.md)" % name)
    for variant, p in variants(p_full):
        q = qv.array(p)
        try:
            want = p.to_numpy(zero_copy_only=True)
        except (pa.ArrowInvalid, ValueError):
            with pytest.raises(qv.ArrowInvalid):
                q.to_numpy(zero_copy_only=True)
        else:
            got = q.to_numpy(zero_copy_only=True)
            assert got.dtype == want.dtype and _same_values(got, want), (name, variant)
            assert not got.flags.writeable
            if len(q):
                assert got.ctypes.data == q.buffer_address(1) + q.offset * got.itemsize, (name, variant)
        want = p.to_numpy(zero_copy_only=False)
        if "list_view" in name and p.offset:
            # pyarrow 26 turns every slot of a sliced list view into None; the unsliced
            # conversion, sliced, is the answer
            want = p_full.to_numpy(zero_copy_only=False)[p.offset:p.offset + len(p)]
        got = q.to_numpy(zero_copy_only=False)
        assert got.dtype == want.dtype, (name, variant, got.dtype, want.dtype)
        assert _same_values(got, want), (name, variant, got[:4], want[:4])


def test_writable_asks_for_a_copy():
    p = pa.array([1, 2, 3])
    q = qv.array(p)
    with pytest.raises(ValueError):
        p.to_numpy(zero_copy_only=True, writable=True)
    with pytest.raises(ValueError):
        q.to_numpy(zero_copy_only=True, writable=True)
    out = q.to_numpy(zero_copy_only=False, writable=True)
    assert out.flags.writeable and out.ctypes.data != q.buffer_address(1)
    out[0] = 99
    assert q.to_pylist() == [1, 2, 3]


def test_dates_become_datetime64_as_in_pyarrow():
    import datetime

    for p in (pa.array([datetime.date(2020, 1, 1), None, datetime.date(1, 1, 1)]),
              pa.array([datetime.date(1969, 12, 31), None], pa.date64())):
        q = qv.array(p)
        with pytest.raises(qv.ArrowInvalid):
            q.to_numpy(zero_copy_only=True)
        got, want = q.to_numpy(zero_copy_only=False), p.to_numpy(zero_copy_only=False)
        assert got.dtype == want.dtype and np.array_equal(got, want, equal_nan=True)


def test_list_values_are_numpy_slices_of_one_child_conversion():
    p = pa.array([[1, 2], None, [None, 4], []], pa.list_(pa.int32()))
    got, want = qv.array(p).to_numpy(zero_copy_only=False), p.to_numpy(zero_copy_only=False)
    assert got[1] is None and want[1] is None
    for g, w in zip(got[[0, 2, 3]], want[[0, 2, 3]]):
        assert g.dtype == w.dtype == np.float64 and np.array_equal(g, w, equal_nan=True)
