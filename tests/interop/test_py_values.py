"""Python values in and out of quiver against pyarrow on the same inputs
(issue 11, item 2): nanoseconds kept by to_pylist / indexing the way
pyarrow's as_py keeps them, integer inference up to uint64 and pyarrow's
exception classes for out-of-range integers.
"""
import datetime
import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import quiver as qv

NANOS = [1577880000000005001, None, -1000, 0, -1, 2**63 - 1, -(2**63) + 1, 1577880000000005000]


@pytest.mark.parametrize("tz", [None, "UTC", "Europe/Paris", "+05:30"])
def test_timestamp_ns_to_pylist_is_pandas_timestamp_like_pyarrow(tz):
    # (pandas cannot shift INT64_MAX ns into a zone east of UTC, for pyarrow either)
    p = pa.array(NANOS if tz in (None, "UTC") else NANOS[:5], pa.timestamp("ns", tz=tz))
    q = qv.array(p)
    got, want = q.to_pylist(), p.to_pylist()
    assert got == want
    for g, w in zip(got, want):
        assert type(g) is type(w)
        if w is not None:
            assert g.value == w.value  # every nanosecond kept
            assert str(g) == str(w)
    assert q[0].as_py() == p[0].as_py() and q[0].as_py().nanosecond == 1 and q[0].value == p[0].value


def test_duration_ns_to_pylist_is_pandas_timedelta_like_pyarrow():
    p = pa.array(NANOS, pa.duration("ns"))
    q = qv.array(p)
    got, want = q.to_pylist(), p.to_pylist()
    assert [type(v) for v in got] == [type(v) for v in want]
    assert [None if v is None else v.value for v in got] == [None if v is None else v.value for v in want]
    assert q[0].as_py() == pd.Timedelta(1577880000000005001, unit="ns") and q[0].value == p[0].value


def test_nanoseconds_in_nested_values_and_tables():
    p = pa.table({"l": pa.array([[5001, None]], pa.list_(pa.timestamp("ns"))),
                  "s": pa.array([{"d": 7}], pa.struct([("d", pa.duration("ns"))]))})
    assert qv.table(p).to_pylist() == p.to_pylist()
    assert qv.table(p).to_pydict() == p.to_pydict()


def test_nanoseconds_round_trip_through_pandas_values():
    p = pa.array(NANOS, pa.timestamp("ns"))
    q = qv.array(p)
    back = qv.array(q.to_pylist(), qv.timestamp("ns"))
    assert back.equals(q)


def test_time64_ns_never_truncates():
    """pyarrow (with pandas) returns datetime.time(1, 2, 3, 4) for 3723000004001 ns, dropping
    the last nanosecond; quiver refuses instead, and converts whole microseconds."""
    exact = pa.array([3723000004000, None], pa.time64("ns"))
    assert qv.array(exact).to_pylist() == exact.to_pylist() == [datetime.time(1, 2, 3, 4), None]
    with pytest.raises(ValueError, match="not a whole number of microseconds"):
        qv.array(pa.array([3723000004001], pa.time64("ns"))).to_pylist()


_WITHOUT_PANDAS = textwrap.dedent("""
    import sys, datetime, json
    sys.modules["pandas"] = None  # import pandas raises ImportError, as when it is not installed
    import quiver as qv
    out = {}
    ts = qv.array([1577880000000005000, None], qv.timestamp("ns"))
    out["ts_whole"] = repr(ts.to_pylist())
    d = qv.array([5000, -3000], qv.duration("ns"))
    out["dur_whole"] = repr(d.to_pylist())
    for name, arr in [("ts_inexact", qv.array([1577880000000005001], qv.timestamp("ns", tz="UTC"))),
                      ("dur_inexact", qv.array([5001], qv.duration("ns")))]:
        try:
            arr.to_pylist()
            out[name] = "no error"
        except ValueError as e:
            out[name] = "ValueError: " + str(e)
    print(json.dumps(out))
""")


def test_without_pandas_whole_microseconds_convert_and_others_raise():
    """pyarrow's rule without pandas: datetime/timedelta when no nanosecond is lost, else
    ValueError; checked in a child process where `import pandas` fails."""
    import json

    r = subprocess.run([sys.executable, "-c", _WITHOUT_PANDAS], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["ts_whole"] == repr([datetime.datetime(2020, 1, 1, 12, 0, 0, 5), None])
    assert out["dur_whole"] == repr([datetime.timedelta(microseconds=5), datetime.timedelta(microseconds=-3)])
    assert out["ts_inexact"].startswith("ValueError: timestamp[ns] value 1577880000000005001 is not a whole")
    assert "pandas" in out["ts_inexact"]
    assert out["dur_inexact"].startswith("ValueError: duration[ns] value 5001 is not a whole")


# ---------------------------------------------------------------- integers


@pytest.mark.parametrize("values", [[2**63], [2**63, None, 1], [2**64 - 1, 0], [[2**63], [1]],
                                    [{"a": 2**63}, {"a": 5}], [np.uint64(2**63)]])
def test_ints_above_int64_infer_uint64(values):
    """pyarrow 26 raises OverflowError for Python ints above INT64_MAX (it infers uint64 only
    from numpy.uint64 scalars); quiver infers uint64 when no value is negative, and the values
    match pyarrow's given that type."""
    q = qv.array(values)
    assert "uint64" in str(q.type)
    p = pa.array(values, pa.field(q.type).type)  # pyarrow, told the type quiver inferred
    assert q.to_pylist() == p.to_pylist()
    assert pa.array(q).equals(p)


def test_int64_range_still_infers_int64():
    for values in ([2**63 - 1, -(2**63)], [1, -1], [np.int64(-5), 3]):
        q, p = qv.array(values), pa.array(values)
        assert q.type == qv.int64() and str(p.type) == "int64"
        assert q.to_pylist() == p.to_pylist()


@pytest.mark.parametrize("values", [[2**64], [-1, 2**63], [2**63, -1], [-(2**63) - 1], [[-1], [2**63]]])
def test_ints_fitting_no_64_bit_type_raise_overflow_like_pyarrow(values):
    with pytest.raises(OverflowError):
        pa.array(values)
    with pytest.raises(OverflowError):
        qv.array(values)


@pytest.mark.parametrize("value, type_name", [
    (300, "int8"), (-200, "int8"), (2**40, "int32"), (70000, "uint16"), (300, "uint8"), (2**40, "uint32"),
    (-1, "uint8"), (-1, "uint32"), (-1, "uint64"), (2**63, "int64"), (2**64, "uint64"), (-(2**63) - 1, "int64"),
    (2**70, "uint32"), (-(2**70), "int16"), (2**63, "uint32"),
])
def test_out_of_range_for_a_given_type_raises_pyarrows_class(value, type_name):
    with pytest.raises(Exception) as want:
        pa.array([value], getattr(pa, type_name)())
    with pytest.raises(Exception) as got:
        qv.array([value], getattr(qv, type_name)())
    # ArrowInvalid (a ValueError) for a value that fits a C 64-bit integer, else OverflowError
    assert isinstance(got.value, OverflowError) == isinstance(want.value, OverflowError), (want.value, got.value)
    assert isinstance(got.value, ValueError) == isinstance(want.value, ValueError), (want.value, got.value)
    assert "row 0" in str(got.value) and type_name in str(got.value)
