"""Arrays quiver builds from Python values equal the ones pyarrow builds.

For every type in CASES the values are the oracle array's to_pylist(); the
array quiver builds with the same type must equal the array pyarrow builds
from those values (or the oracle itself where pyarrow cannot build that type
from Python values, e.g. unions and run-end encoded arrays). Type inference
follows pyarrow's for the common Python types. Bad values raise, naming the
row; they never crash.
"""
import datetime
import decimal
import uuid
import zoneinfo

import numpy as np
import pyarrow as pa
import pytest

import quiver as qv
from conftest import CASES

D = decimal.Decimal


def test_build_from_values_matches_pyarrow(pa_case):
    name, arr = pa_case
    values = arr.to_pylist()
    q = qv.array(values, type=qv.type_for(arr.type))
    q.validate(full=True)
    try:
        ref = pa.array(values, type=arr.type)
    except (pa.ArrowException, TypeError, ValueError):
        ref = arr  # pyarrow cannot build this type from Python values
    assert pa.array(q).equals(ref), (name, q, ref)
    assert q.to_pylist() == values


INFERENCE = {
    "ints": [1, None, -5, 2**62],
    "floats": [1.5, None, float("inf")],
    "ints and floats": [1, 2.5, None],
    "bools": [True, None, False],
    "strings": ["a", None, "\u00e9\U0001F600"],
    "bytes": [b"a", None, b"\x00"],
    "nones": [None, None],
    "empty": [],
    "lists": [[1, 2], None, [], [None]],
    "nested lists": [[[1.5]], [[], None]],
    "empty lists": [[], []],
    "dicts": [{"a": 1, "b": "x"}, None, {"b": "y", "c": [True]}],
    "dates": [datetime.date(2020, 1, 2), None],
    "naive datetimes": [datetime.datetime(2020, 1, 2, 3, 4, 5, 6), None],
    "utc datetimes": [datetime.datetime(2020, 1, 2, tzinfo=datetime.timezone.utc), None],
    "zoned datetimes": [datetime.datetime(2020, 1, 2, tzinfo=zoneinfo.ZoneInfo("Asia/Tokyo"))],
    "offset datetimes": [datetime.datetime(2020, 1, 2, tzinfo=datetime.timezone(datetime.timedelta(hours=-3)))],
    "times": [datetime.time(1, 2, 3, 4), None],
    "timedeltas": [datetime.timedelta(days=1, microseconds=5), None],
    "decimals": [D("1.25"), None, D("-123.5")],
    "small decimals": [D("0.001"), D("0.5")],
    "wide decimals": [D("1" * 40 + ".5")],
    "tuples": [(1, 2), (3,)],
    "uuids": [uuid.UUID(int=7), None],
}


@pytest.mark.parametrize("name", sorted(INFERENCE))
def test_type_inference_matches_pyarrow(name):
    values = INFERENCE[name]
    q = qv.array(values)
    p = pa.array(values)
    assert str(q.type) == str(p.type) or name == "uuids", (q.type, p.type)
    assert pa.array(q).equals(p), (q, p)
    assert q.to_pylist() == p.to_pylist()


def test_month_day_nano_inference():
    values = pa.array([(1, 2, 3)], pa.month_day_nano_interval()).to_pylist()
    assert qv.array(values).type == qv.month_day_nano_interval()


@pytest.mark.parametrize("factory, pa_type", [
    (qv.null(), pa.null()), (qv.bool_(), pa.bool_()), (qv.int8(), pa.int8()), (qv.uint64(), pa.uint64()),
    (qv.float16(), pa.float16()), (qv.float64(), pa.float64()), (qv.string(), pa.string()),
    (qv.large_string(), pa.large_string()), (qv.string_view(), pa.string_view()), (qv.binary(), pa.binary()),
    (qv.binary(3), pa.binary(3)), (qv.large_binary(), pa.large_binary()), (qv.binary_view(), pa.binary_view()),
    (qv.decimal32(5, 2), pa.decimal32(5, 2)), (qv.decimal128(38, 0), pa.decimal128(38, 0)),
    (qv.decimal256(40, -2), pa.decimal256(40, -2)),
    (qv.date32(), pa.date32()), (qv.date64(), pa.date64()), (qv.time32("ms"), pa.time32("ms")),
    (qv.time64("ns"), pa.time64("ns")), (qv.timestamp("us"), pa.timestamp("us")),
    (qv.timestamp("ms", tz="UTC"), pa.timestamp("ms", tz="UTC")), (qv.duration("s"), pa.duration("s")),
    (qv.month_day_nano_interval(), pa.month_day_nano_interval()),
    (qv.list_(qv.int32()), pa.list_(pa.int32())), (qv.list_(qv.int32(), 3), pa.list_(pa.int32(), 3)),
    (qv.large_list(qv.string()), pa.large_list(pa.string())), (qv.list_view(qv.int8()), pa.list_view(pa.int8())),
    (qv.large_list_view(qv.int8()), pa.large_list_view(pa.int8())),
    (qv.list_(qv.field("x", qv.int64(), nullable=False)), pa.list_(pa.field("x", pa.int64(), nullable=False))),
    (qv.struct([("a", qv.int32()), qv.field("b", qv.string(), nullable=False)]),
     pa.struct([("a", pa.int32()), pa.field("b", pa.string(), nullable=False)])),
    (qv.map_(qv.string(), qv.int64()), pa.map_(pa.string(), pa.int64())),
    (qv.map_(qv.int8(), qv.int8(), keys_sorted=True), pa.map_(pa.int8(), pa.int8(), keys_sorted=True)),
    (qv.dictionary(qv.int16(), qv.string()), pa.dictionary(pa.int16(), pa.string())),
    (qv.dictionary(qv.int8(), qv.int64(), ordered=True), pa.dictionary(pa.int8(), pa.int64(), ordered=True)),
    (qv.sparse_union([("i", qv.int32()), ("s", qv.string())]),
     pa.sparse_union([pa.field("i", pa.int32()), pa.field("s", pa.string())])),
    (qv.dense_union([("i", qv.int32()), ("s", qv.string())], [3, 7]),
     pa.dense_union([pa.field("i", pa.int32()), pa.field("s", pa.string())], [3, 7])),
    (qv.run_end_encoded(qv.int32(), qv.float64()), pa.run_end_encoded(pa.int32(), pa.float64())),
    (qv.uuid(), pa.uuid()), (qv.json_(), pa.json_()), (qv.bool8(), pa.bool8()),
])
def test_type_factories_match_pyarrow(factory, pa_type):
    assert qv.type_for(pa_type) == factory
    assert pa.DataType._import_from_c_capsule(factory.__arrow_c_schema__()) == pa_type
    if not isinstance(pa_type, pa.BaseExtensionType):
        assert str(factory) == str(pa_type)


def test_explicit_types_build_like_pyarrow():
    cases = [
        ([1, None, 3], pa.int8()), ([1.5, None], pa.float32()), ([0.5, -2.0, None], pa.float16()),
        ([D("1.5"), 2, None], pa.decimal128(10, 3)), ([D("1.5")], pa.decimal32(3, 1)),
        ([D("-1.5")], pa.decimal64(12, 1)), ([D("1E+3"), D("0.0")], pa.decimal256(50, 2)),
        (["a", "bb", None], pa.large_string()), (["x" * 20, "y"], pa.string_view()),
        ([b"x" * 20, None], pa.binary_view()), (["abc"], pa.binary()),
        ([[1], [2, 3], None], pa.large_list(pa.int64())), ([[1, 2], None], pa.list_(pa.int8(), 2)),
        ([{"k": 1}, [("a", None)], None], pa.map_(pa.string(), pa.int32())),
        ([{"a": "y", "b": 2}, {"b": 3}, None], pa.struct([("a", pa.string()), ("b", pa.int64())])),
        ([("x", 1), None], pa.struct([("a", pa.string()), ("b", pa.int64())])),
        ([datetime.datetime(2020, 1, 1, 12, tzinfo=datetime.timezone(datetime.timedelta(hours=2))), None],
         pa.timestamp("s", tz="UTC")),
        ([datetime.datetime(2020, 1, 1, 12)], pa.timestamp("ns", tz="America/New_York")),
        ([datetime.date(2000, 2, 29), 5], pa.date32()), ([datetime.date(2000, 2, 29)], pa.date64()),
        ([datetime.time(23, 59, 59, 999999)], pa.time64("ns")),
        ([datetime.timedelta(seconds=-1.5)], pa.duration("ms")),
        (["a", "b", "a", None], pa.dictionary(pa.int8(), pa.string())),
        ([3, 1, 3, None], pa.dictionary(pa.int32(), pa.int64())),
        ([uuid.UUID(int=1), b"0123456789abcdef"], pa.uuid()),
    ]
    for values, pa_type in cases:
        q = qv.array(values, type=qv.type_for(pa_type))
        q.validate(full=True)
        assert pa.array(q).equals(pa.array(values, type=pa_type)), (values, pa_type)


def test_run_end_encoded_builds_runs():
    values = [1, 1, 1, None, None, 2, 1, 1]
    q = qv.array(values, type=qv.run_end_encoded(qv.int16(), qv.int64()))
    p = pa.array(q)
    assert p.run_ends.to_pylist() == [3, 5, 6, 8]
    assert p.values.to_pylist() == [1, None, 2, 1]
    assert q.to_pylist() == values
    assert q[2:6].to_pylist() == values[2:6]


def test_unions_pick_the_member_by_value_kind():
    t = qv.sparse_union([("i", qv.int64()), ("s", qv.string()), ("f", qv.float64())])
    q = qv.array([1, "a", 2.5, None], type=t)
    p = pa.array(q)
    assert p.type_codes.to_pylist()[:3] == [0, 1, 2]
    assert q.to_pylist() == [1, "a", 2.5, None]
    d = qv.array([b"x", 3], type=qv.dense_union([("b", qv.binary()), ("n", qv.int8())], [5, 9]))
    assert pa.array(d).type_codes.to_pylist() == [5, 9]
    with pytest.raises(TypeError):
        qv.array([[1]], type=t)


def test_numpy_input():
    q = qv.array(np.arange(5, dtype=np.int32))
    assert q.type == qv.int32() and q.to_pylist() == [0, 1, 2, 3, 4]
    assert qv.array(np.array([1.5, 2.5], dtype=np.float32)).type == qv.float32()
    assert qv.array(np.array([True, False])).type == qv.bool_()
    assert qv.array([np.int64(3), np.float64(1.5)]).to_pylist() == [3.0, 1.5]


@pytest.mark.parametrize("values, type_, exc, words", [
    ([1, "a"], None, qv.ArrowInvalid, "mix of int, str"),
    ([object()], None, qv.ArrowInvalid, "cannot infer"),
    ([300], qv.int8(), qv.ArrowInvalid, "row 0"),  # fits a C int64: pyarrow's ArrowInvalid
    ([1, -1], qv.uint32(), OverflowError, "row 1"),
    ([2**64], qv.uint64(), OverflowError, "out of range"),
    ([1, "x"], qv.int64(), qv.ArrowTypeError, "row 1"),
    ([1.5], qv.int64(), TypeError, "expected an int"),
    (["x"], qv.float64(), TypeError, "expected a float"),
    ([D("1.234")], qv.decimal128(5, 2), qv.ArrowInvalid, "digits after the point"),
    ([D("123456")], qv.decimal128(5, 0), qv.ArrowInvalid, "precision 5"),
    ([D("NaN")], qv.decimal128(5, 0), qv.ArrowInvalid, "non-finite"),
    ([b"abc"], qv.binary(4), qv.ArrowInvalid, "3 bytes"),
    ([b"\xff"], qv.string(), ValueError, "utf-8"),
    ([[1, 2, 3]], qv.list_(qv.int8(), 2), qv.ArrowInvalid, "fixed_size_list"),
    ([{"k": 1}], qv.struct([("a", qv.int8()), ("b", qv.int8())]), None, None),
    ([(1,)], qv.struct([("a", qv.int8()), ("b", qv.int8())]), qv.ArrowInvalid, "2 fields"),
    ([{None: 1}], qv.map_(qv.string(), qv.int8()), qv.ArrowInvalid, "map keys"),
    ([1], qv.null(), TypeError, "None"),
    ([datetime.datetime(2020, 1, 1), datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc)], None,
     qv.ArrowInvalid, "naive and time-zone-aware"),
    ("abc", None, TypeError, "sequence"),
    ([1, 2], 5, TypeError, "type name"),
    ([1, 2], "int99", qv.ArrowInvalid, "int99"),
])
def test_bad_values_raise_with_context(values, type_, exc, words):
    if exc is None:
        assert qv.array(values, type=type_).to_pylist() == [{"a": None, "b": None}]
        return
    with pytest.raises(exc) as info:
        qv.array(values, type=type_)
    if words:
        assert words.lower() in str(info.value).lower()


def test_type_names_are_accepted():
    assert qv.array([1, 2], type="int8").type == qv.int8()
    assert qv.array([1.5], type="double").type == qv.float64()
    assert qv.array(["a"], type="utf8").type == qv.string()


def test_deep_nesting_is_refused_not_crashing():
    v = 1
    for _ in range(200):
        v = [v]
    with pytest.raises(qv.ArrowInvalid, match="nested deeper"):
        qv.array([v])
