"""Shared fixtures for quiver's Python interop tests.

pyarrow is the oracle: CASES builds one pyarrow array per Arrow type (nested
ones included), each with nulls where the type allows them. Every test that
walks "every type" uses CASES, plus sliced and empty variants of each.
(pyarrow cannot wrap month_interval and day_time_interval arrays in Python
objects; those two are covered quiver-to-quiver in test_roundtrip.py.)
"""
import datetime
import decimal

import numpy as np
import pyarrow as pa
import pytest


D = decimal.Decimal


def _cases():
    utc = datetime.timezone.utc
    dt = datetime.datetime
    cases = {
        "null": pa.array([None, None, None], pa.null()),
        "bool": pa.array([True, False, None, True, False, True, True, False, True, None]),
        "int8": pa.array([1, -128, None, 127], pa.int8()),
        "int16": pa.array([1, -32768, None, 32767], pa.int16()),
        "int32": pa.array([1, -(2**31), None, 2**31 - 1], pa.int32()),
        "int64": pa.array([1, -(2**63), None, 2**63 - 1], pa.int64()),
        "uint8": pa.array([1, 0, None, 255], pa.uint8()),
        "uint16": pa.array([1, 0, None, 65535], pa.uint16()),
        "uint32": pa.array([1, 0, None, 2**32 - 1], pa.uint32()),
        "uint64": pa.array([1, 0, None, 2**64 - 1], pa.uint64()),
        "float16": pa.array(np.array([1.5, -0.0, 65504, np.inf], dtype=np.float16)),
        "float32": pa.array([1.5, None, -2.25, float("inf")], pa.float32()),
        "float64": pa.array([1.5, None, -2.25e300, 5e-324], pa.float64()),
        "decimal32": pa.array([D("1.23"), None, D("-9999999.99")], pa.decimal32(9, 2)),
        "decimal64": pa.array([D("1.23"), None, D("-9999999999999999.99")], pa.decimal64(18, 2)),
        "decimal128": pa.array([D("1.23"), None, D("-" + "9" * 36 + ".99")], pa.decimal128(38, 2)),
        "decimal256": pa.array([D("1.23"), None, D("-" + "9" * 70 + ".99")], pa.decimal256(72, 2)),
        "date32": pa.array([datetime.date(2020, 1, 1), None, datetime.date(1, 1, 1), datetime.date(9999, 12, 31)]),
        "date64": pa.array([datetime.date(2020, 1, 1), None, datetime.date(1969, 12, 31)], pa.date64()),
        "time32[s]": pa.array([datetime.time(1, 2, 3), None, datetime.time(23, 59, 59)], pa.time32("s")),
        "time32[ms]": pa.array([datetime.time(1, 2, 3, 4000), None], pa.time32("ms")),
        "time64[us]": pa.array([datetime.time(1, 2, 3, 4), None], pa.time64("us")),
        "time64[ns]": pa.array([3723000004000, None], pa.time64("ns")),
        "timestamp[s]": pa.array([dt(2020, 1, 1, 12), None, dt(1900, 5, 6)], pa.timestamp("s")),
        "timestamp[ms]": pa.array([dt(2020, 1, 1, 12, 0, 0, 5000), None], pa.timestamp("ms")),
        "timestamp[us]": pa.array([dt(2020, 1, 1, 12, 0, 0, 5), None, dt(1950, 1, 1)], pa.timestamp("us")),
        "timestamp[ns]": pa.array([1577880000000005000, None, -1000], pa.timestamp("ns")),
        "timestamp[us, UTC]": pa.array([dt(2020, 1, 1, tzinfo=utc), None], pa.timestamp("us", tz="UTC")),
        "timestamp[ms, Paris]": pa.array([dt(2020, 6, 1, tzinfo=utc), None], pa.timestamp("ms", tz="Europe/Paris")),
        "timestamp[s, +05:30]": pa.array([dt(2020, 6, 1, tzinfo=utc), None], pa.timestamp("s", tz="+05:30")),
        "duration[s]": pa.array([datetime.timedelta(seconds=5), None, datetime.timedelta(days=-3)], pa.duration("s")),
        "duration[ms]": pa.array([datetime.timedelta(milliseconds=5), None], pa.duration("ms")),
        "duration[us]": pa.array([datetime.timedelta(microseconds=-5), None], pa.duration("us")),
        "duration[ns]": pa.array([5000, None, -7000], pa.duration("ns")),
        "month_day_nano": pa.array([(1, 2, 3), None, (-1, -2, -3000)], pa.month_day_nano_interval()),
        "binary": pa.array([b"abc", None, b"", b"\x00\xff"]),
        "string": pa.array(["abc", None, "", "h\u00e9llo \U0001F600"]),
        "large_binary": pa.array([b"abc", None, b""], pa.large_binary()),
        "large_string": pa.array(["abc", None, ""], pa.large_string()),
        "binary_view": pa.array([b"short", None, b"a much longer value than twelve bytes"], pa.binary_view()),
        "string_view": pa.array(["short", None, "a much longer value than twelve bytes", ""], pa.string_view()),
        "fixed_size_binary": pa.array([b"abcd", None, b"\x00\x00\x00\x01"], pa.binary(4)),
        "list<int32>": pa.array([[1, 2], None, [], [None, 4]], pa.list_(pa.int32())),
        "large_list<string>": pa.array([["a"], None, [], ["b", None]], pa.large_list(pa.string())),
        "list_view<int64>": pa.array([[1, 2], None, [], [3]], pa.list_view(pa.int64())),
        "large_list_view<int8>": pa.array([[1], None, [2, 3]], pa.large_list_view(pa.int8())),
        "fixed_size_list<float64>[2]": pa.array([[1.0, 2.0], None, [None, 4.0]], pa.list_(pa.float64(), 2)),
        "list<list<int16>>": pa.array([[[1], [2, 3]], None, [[]], [None]], pa.list_(pa.list_(pa.int16()))),
        "struct": pa.array([{"a": 1, "b": "x"}, None, {"a": None, "b": "z"}],
                           pa.struct([("a", pa.int32()), ("b", pa.string())])),
        "struct<list, struct>": pa.array(
            [{"l": [1, 2], "s": {"x": True}}, {"l": None, "s": None}, None],
            pa.struct([("l", pa.list_(pa.int64())), ("s", pa.struct([("x", pa.bool_())]))])),
        "map<string, int32>": pa.array([[("a", 1), ("b", None)], None, []], pa.map_(pa.string(), pa.int32())),
        "dictionary<string>": pa.array(["a", "b", None, "a", "c"]).dictionary_encode(),
        "dictionary<int64, int8 idx>": pa.DictionaryArray.from_arrays(
            pa.array([0, 1, None, 1], pa.int8()), pa.array([10, 20], pa.int64())),
        "ree<int32, string>": pa.RunEndEncodedArray.from_arrays(
            pa.array([2, 3, 6], pa.int32()), pa.array(["a", None, "b"])),
        "ree<int16, int64>": pa.RunEndEncodedArray.from_arrays(
            pa.array([1, 4], pa.int16()), pa.array([7, 8], pa.int64())),
        "sparse_union": pa.UnionArray.from_sparse(
            pa.array([0, 1, 0, 1], pa.int8()),
            [pa.array([1, None, 3, 4]), pa.array(["a", "b", None, "d"])], ["i", "s"]),
        "dense_union": pa.UnionArray.from_dense(
            pa.array([0, 5, 0, 5], pa.int8()), pa.array([0, 0, 1, 1], pa.int32()),
            [pa.array([1, None]), pa.array(["a", "b"])], ["i", "s"], [0, 5]),
        "uuid": pa.array([b"0123456789abcdef", None], pa.uuid()),
        "json": pa.array(['{"a": 1}', None], pa.json_()),
        "bool8": pa.array([1, 0, None], pa.bool8()),
    }
    return cases


CASES = _cases()


@pytest.fixture(params=sorted(CASES), ids=sorted(CASES))
def pa_case(request):
    """(name, pyarrow array) for every type."""
    return request.param, CASES[request.param]


def variants(arr):
    """The array itself, sliced (non-zero offset) when long enough, and empty."""
    out = [("full", arr), ("empty", arr.slice(0, 0))]
    if len(arr) >= 2:
        out.append(("sliced", arr.slice(1)))
        out.append(("middle", arr.slice(1, max(len(arr) - 2, 0))))
    return out
