"""Round trips through the C Data Interface, for every type.

pyarrow -> quiver -> pyarrow must give back an equal, valid array (full
validation on both sides), and quiver -> pyarrow -> quiver likewise, for the
full array, slices with a non-zero offset, and empty slices.
"""
import datetime

import pyarrow as pa
import pytest

import quiver as qv
from conftest import CASES, variants


def test_pyarrow_to_quiver_to_pyarrow(pa_case):
    name, arr = pa_case
    for vname, a in variants(arr):
        q = qv.array(a)
        q.validate(full=True)
        assert len(q) == len(a), vname
        assert q.offset == a.offset, vname
        assert str(q.type) == str(a.type) or name in ("uuid", "json", "bool8"), (vname, q.type, a.type)
        assert q.null_count == a.null_count, vname
        back = pa.array(q)
        back.validate(full=True)
        assert back.type == a.type, vname
        assert back.equals(a), (vname, back, a)
        assert q.to_pylist() == a.to_pylist(), vname


def test_quiver_to_pyarrow_to_quiver(pa_case):
    name, arr = pa_case
    t = qv.type_for(arr.type)
    built = qv.array(arr.to_pylist(), type=t)
    built.validate(full=True)
    for vname, q in [("full", built), ("sliced", built[1:]), ("empty", built[:0]),
                     ("middle", built.slice(1, max(len(built) - 2, 0)))]:
        p = pa.array(q)
        p.validate(full=True)
        assert p.to_pylist() == q.to_pylist(), vname
        again = qv.array(p)
        again.validate(full=True)
        assert again.equals(q), (vname, again.diff(q))
        assert again == q
        assert again.to_pylist() == q.to_pylist()


def test_types_round_trip_through_c_schema(pa_case):
    _, arr = pa_case
    t = qv.type_for(arr.type)
    assert pa.DataType._import_from_c_capsule(t.__arrow_c_schema__()) == arr.type
    assert qv.type_for(pa.DataType._import_from_c_capsule(t.__arrow_c_schema__())) == t


@pytest.mark.parametrize("type_, values", [
    (qv.month_interval(), [1, None, -12, 0]),
    (qv.day_time_interval(), [(1, 1000), None, (-3, 5)]),
    (qv.month_day_nano_interval(), [(1, 2, 3), None, (-1, 0, 10**12)]),
])
def test_intervals_quiver_to_quiver(type_, values):
    # pyarrow cannot wrap month and day_time interval arrays in Python objects,
    # so these go quiver -> C Data -> quiver.
    q = qv.array(values, type=type_)
    assert q.to_pylist() == values

    class Holder:
        def __arrow_c_array__(self, requested_schema=None):
            return q.__arrow_c_array__()

    again = qv.array(Holder())
    again.validate(full=True)
    assert again.type == type_
    assert again.equals(q)
    assert again[1:].to_pylist() == values[1:]


def test_record_batch_round_trip_every_type():
    pa_batch = pa.record_batch({name: arr.slice(0, 2) for name, arr in CASES.items()})
    q = qv.record_batch(pa_batch)
    q.validate(full=True)
    assert q.num_columns == pa_batch.num_columns
    assert q.column_names == pa_batch.schema.names
    back = pa.record_batch(q)
    assert back.equals(pa_batch)
    for offset, length in [(0, 0), (1, 1), (2, 0)]:
        sliced = pa_batch.slice(offset, length)
        assert pa.record_batch(qv.record_batch(sliced)).equals(sliced)
        assert pa.record_batch(q.slice(offset, length)).equals(sliced)


def test_table_round_trip_keeps_batches():
    b1 = pa.record_batch({"i": [1, 2], "s": ["a", None]})
    b2 = pa.record_batch({"i": [None], "s": ["c"]}, schema=b1.schema)
    pt = pa.Table.from_batches([b1, b2, b1.slice(1)])
    qt = qv.table(pt)
    qt.validate(full=True)
    assert qt.num_rows == 4
    assert qt.num_batches == 3
    assert qt.to_pydict() == pt.to_pydict()
    back = pa.table(qt)
    assert back.equals(pt)
    assert [b.num_rows for b in back.to_batches()] == [2, 1, 1]
    empty = pt.schema.empty_table()
    assert pa.table(qv.table(empty)).equals(empty)


def test_schema_and_field_metadata_round_trip():
    schema = pa.schema(
        [pa.field("a", pa.int32(), nullable=False, metadata={"k": "v"}),
         pa.field("b", pa.list_(pa.field("elem", pa.string(), nullable=False)))],
        metadata={"origin": "test", "bin": b"\x00\x01"},
    )
    q = qv.schema(schema)
    assert q.names == ["a", "b"]
    assert q.field("a").nullable is False
    assert q.field("a").metadata == {b"k": b"v"}
    assert q.metadata == {b"origin": b"test", b"bin": b"\x00\x01"}
    assert q.field("b").type.value_field.name == "elem"
    back = pa.schema(q)
    assert back.equals(schema, check_metadata=True)
    qf = qv.field(schema.field("a"))
    assert pa.field(qf).equals(schema.field("a"), check_metadata=True)


def test_extension_type_metadata_round_trip():
    t = qv.extension_type("my.ext", qv.int16(), b'{"unit": "m"}')
    q = qv.array([1, None, 3], type=t)
    assert q.type.extension_name == "my.ext"
    assert q.type.extension_metadata == b'{"unit": "m"}'
    # pyarrow does not know "my.ext": it keeps int16 storage and the extension
    # keys as field metadata, which quiver turns back into the extension type.
    back = pa.record_batch(qv.record_batch({"x": q}))
    assert back.schema.field("x").metadata[b"ARROW:extension:name"] == b"my.ext"
    again = qv.record_batch(back).column("x")
    assert again.type == t
    assert again.to_pylist() == [1, None, 3]


def test_timestamp_values_are_aware_in_their_zone():
    arr = CASES["timestamp[ms, Paris]"]
    v = qv.array(arr)[0].as_py()
    assert v.utcoffset() == datetime.timedelta(hours=2)
    assert v == datetime.datetime(2020, 6, 1, tzinfo=datetime.timezone.utc)
    assert qv.array(CASES["timestamp[s, +05:30]"])[0].as_py().utcoffset() == datetime.timedelta(hours=5, minutes=30)
