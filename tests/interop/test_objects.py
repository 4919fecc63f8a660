"""The Python objects' API: DataType, Field, Schema, Array, RecordBatch,
Table, ChunkedArray - attributes, indexing, slicing, printing, validation,
equality and errors (never crashes, on bad data included).
"""
import pickle

import numpy as np
import pyarrow as pa
import pytest

import quiver as qv


def test_exception_hierarchy():
    assert issubclass(qv.ArrowInvalid, ValueError) and issubclass(qv.ArrowInvalid, qv.ArrowException)
    assert issubclass(qv.ArrowTypeError, TypeError)
    assert issubclass(qv.ArrowIndexError, IndexError)
    assert issubclass(qv.ArrowKeyError, KeyError)
    assert issubclass(qv.ArrowNotImplementedError, NotImplementedError)
    assert issubclass(qv.ArrowMemoryError, MemoryError)
    assert issubclass(qv.ArrowIOError, OSError)


def test_data_type_attributes():
    t = qv.timestamp("ns", tz="Europe/Paris")
    assert (t.id, t.unit, t.tz, t.bit_width, t.byte_width) == ("timestamp", "ns", "Europe/Paris", 64, 8)
    assert repr(t) == "DataType(timestamp[ns, tz=Europe/Paris])"
    assert qv.timestamp("s").tz is None
    d = qv.decimal128(10, 3)
    assert (d.precision, d.scale, d.byte_width) == (10, 3, 16)
    lt = qv.list_(qv.int16())
    assert lt.value_type == qv.int16() and lt.value_field.name == "item" and lt.num_fields == 1
    st = qv.struct({"a": qv.int8(), "b": qv.string()})
    assert [st.field(i).name for i in range(st.num_fields)] == ["a", "b"]
    assert st.field("b").type == qv.string() and st.field(-1).name == "b"
    with pytest.raises(qv.ArrowKeyError):
        st.field("zz")
    with pytest.raises(IndexError):
        st.field(5)
    m = qv.map_(qv.string(), qv.float64(), keys_sorted=True)
    assert (m.key_type, m.item_type, m.keys_sorted) == (qv.string(), qv.float64(), True)
    dt = qv.dictionary(qv.int8(), qv.string(), ordered=True)
    assert (dt.index_type, dt.value_type, dt.ordered) == (qv.int8(), qv.string(), True)
    u = qv.dense_union([("a", qv.int8()), ("b", qv.bool_())], [4, 2])
    assert (u.mode, u.type_codes) == ("dense", [4, 2])
    r = qv.run_end_encoded(qv.int64(), qv.string())
    assert (r.run_end_type, r.value_type) == (qv.int64(), qv.string())
    e = qv.uuid()
    assert (e.id, e.extension_name, e.storage_type) == ("extension", "arrow.uuid", qv.binary(16))
    assert qv.list_(qv.int8(), 4).list_size == 4


def test_data_type_equality_and_hashing():
    assert qv.int32() == qv.int32() and qv.int32() != qv.int64()
    assert qv.int32() == "int32"
    assert qv.list_(qv.int8()) == qv.list_(qv.int8())
    assert len({qv.int32(), qv.int32(), qv.string()}) == 2
    assert qv.list_(qv.field("a", qv.int8())) != qv.list_(qv.field("b", qv.int8()))


@pytest.mark.parametrize("bad", [
    lambda: qv.decimal128(39, 0), lambda: qv.decimal32(10, 0), lambda: qv.time32("us"),
    lambda: qv.time64("s"), lambda: qv.timestamp("xs"), lambda: qv.fixed_size_binary(-1),
    lambda: qv.dense_union([("a", qv.int8())], [200]), lambda: qv.dictionary(qv.string(), qv.int8()),
    lambda: qv.run_end_encoded(qv.int8(), qv.int8()), lambda: qv.fixed_size_list(qv.int8(), -2),
    lambda: qv.extension_type("arrow.uuid", qv.int8()), lambda: qv.list_("int8"),
    lambda: qv.struct([1]), lambda: qv.field("x", "int8"),
])
def test_bad_type_parameters_raise(bad):
    with pytest.raises((ValueError, TypeError)):
        bad()


def test_field_and_schema():
    f = qv.field("x", qv.int32(), nullable=False, metadata={"k": b"v"})
    assert (f.name, f.type, f.nullable, f.metadata) == ("x", qv.int32(), False, {b"k": b"v"})
    assert str(f) == "x: int32 not null"
    assert f == qv.field("x", qv.int32(), nullable=False)
    assert not f.equals(qv.field("x", qv.int32(), nullable=False), check_metadata=True)
    s = qv.schema([f, ("y", qv.string())], metadata={"a": "b"})
    assert len(s) == 2 and s.names == ["x", "y"] and s.types == [qv.int32(), qv.string()]
    assert s[1].name == "y" and s["x"].nullable is False and s.field(-1).name == "y"
    assert s.get_field_index("y") == 1 and s.get_field_index("nope") == -1
    assert [x.name for x in s] == ["x", "y"]
    assert s.metadata == {b"a": b"b"}
    assert "x: int32 not null" in str(s)
    with pytest.raises(KeyError):
        s["nope"]
    assert pa.schema(s).equals(pa.schema([pa.field("x", pa.int32(), False, {"k": "v"}), ("y", pa.string())],
                                         metadata={"a": "b"}), check_metadata=True)


def test_array_basics():
    a = qv.array([10, None, 30, 40])
    assert len(a) == 4 and a.null_count == 1 and a.offset == 0
    # indexing gives Scalars, as pyarrow: a Python value is never equal to one
    assert a[0].as_py() == 10 and a[1].as_py() is None and a[-1].as_py() == 40
    assert (a[0] == 10) is (pa.array([10])[0] == 10) is False and a[0] == qv.scalar(10)
    with pytest.raises(IndexError):
        a[4]
    with pytest.raises(IndexError):
        a[-5]
    s = a[1:3]
    assert s.to_pylist() == [None, 30] and s.offset == 1 and s.null_count == 1
    assert a[::2].to_pylist() == [10, 30] and a[::-1].to_pylist() == [40, 30, None, 10]
    assert a.slice(2).to_pylist() == [30, 40] and a.slice(1, 100).to_pylist() == [None, 30, 40]
    assert a.slice(10).to_pylist() == []
    assert [v.as_py() for v in a] == [10, None, 30, 40]
    assert a.equals(qv.array([10, None, 30, 40])) and a == qv.array([10, None, 30, 40])
    assert a != qv.array([10, None, 30, 41]) and not a.equals(qv.array([1]))
    assert a.equals(pa.array([10, None, 30, 40]))  # any Arrow array-like
    assert a.diff(qv.array([10, None, 30, 41])) is not None and a.diff(a) is None
    nan = qv.array([float("nan")])
    assert not nan.equals(nan) and nan.equals(nan, nans_equal=True)
    with pytest.raises(TypeError):
        hash(a)


def test_array_printing_uses_the_c_printer():
    a = qv.array([1, None, 3])
    assert str(a) == "[\n  1,\n  null,\n  3\n]"
    assert repr(a).startswith("<quiver.Array type=int64 length=3>\n[")
    nested = qv.array([{"a": [1, 2]}, None])
    assert "-- is_valid" in str(nested)
    b = qv.record_batch({"a": [1, 2], "b": ["x", None]})
    assert repr(b) == 'quiver.RecordBatch\na: int64\nb: string\n----\na: [1,2]\nb: ["x",null]'
    t = qv.table([b, b])
    assert repr(t).startswith("quiver.Table\na: int64\nb: string\n----\na: [[1,2],[1,2]]")


def _bad_utf8():
    return pa.Array.from_buffers(pa.string(), 2, [None, pa.py_buffer(np.array([0, 1, 3], np.int32).tobytes()),
                                                  pa.py_buffer(b"a\xc3\x28")])


def _bad_offsets():
    return pa.Array.from_buffers(pa.string(), 2, [None, pa.py_buffer(np.array([0, 5, 2], np.int32).tobytes()),
                                                  pa.py_buffer(b"hello")])


def _bad_union_code():
    return pa.Array.from_buffers(pa.sparse_union([pa.field("a", pa.int8())]), 2,
                                 [None, pa.py_buffer(b"\x00\x07")], children=[pa.array([1, 2], pa.int8())])


def _bad_dictionary_index():
    return pa.DictionaryArray.from_buffers(pa.dictionary(pa.int8(), pa.string()), 2,
                                           [None, pa.py_buffer(b"\x00\x09")], pa.array(["a"]))


@pytest.mark.parametrize("make, words", [
    (_bad_utf8, "utf-8"), (_bad_offsets, "offset"), (_bad_union_code, "type id"),
    (_bad_dictionary_index, "index"),
])
def test_invalid_foreign_data_raises_instead_of_crashing(make, words):
    try:
        q = qv.array(make())
    except qv.ArrowInvalid as e:  # rejected at import (structure)
        assert words in str(e).lower()
        return
    with pytest.raises(qv.ArrowInvalid) as info:
        q.validate(full=True)
    assert words in str(info.value).lower()
    with pytest.raises(qv.ArrowInvalid):
        q.to_pylist()
    with pytest.raises(qv.ArrowInvalid):
        q[0]
    repr(q)  # never raises: prints what is wrong


def test_record_batch_api():
    b = qv.record_batch({"a": [1, 2, 3], "b": ["x", None, "z"]})
    assert (b.num_rows, b.num_columns, len(b)) == (3, 2, 3)
    assert b.column_names == ["a", "b"] and b.schema.names == ["a", "b"]
    assert b.column("b").to_pylist() == ["x", None, "z"] and b["a"] == b.column(0) and b[-1] == b["b"]
    assert [c.type for c in b.columns] == [qv.int64(), qv.string()]
    assert b.to_pydict() == {"a": [1, 2, 3], "b": ["x", None, "z"]}
    assert b.to_pylist() == [{"a": 1, "b": "x"}, {"a": 2, "b": None}, {"a": 3, "b": "z"}]
    assert b[1:].to_pydict() == {"a": [2, 3], "b": [None, "z"]} and b.slice(1, 1).num_rows == 1
    assert b.equals(qv.record_batch({"a": [1, 2, 3], "b": ["x", None, "z"]}))
    assert b == pa.record_batch({"a": [1, 2, 3], "b": ["x", None, "z"]}) or b.equals(
        pa.record_batch({"a": [1, 2, 3], "b": ["x", None, "z"]}))
    with pytest.raises(KeyError):
        b.column("zz")
    with pytest.raises(IndexError):
        b.column(2)
    b.validate(full=True)
    with pytest.raises(qv.ArrowInvalid, match="length"):
        qv.record_batch({"a": [1, 2], "b": [1]})
    lb = qv.record_batch([qv.array([1]), [2.5]], names=["i", "f"])
    assert lb.schema.types == [qv.int64(), qv.float64()]
    sb = qv.record_batch({"i": [1, 2]}, schema=qv.schema([("i", qv.int8())]))
    assert sb.column("i").type == qv.int8()
    assert qv.record_batch({"a": [1]}, metadata={"m": "1"}).schema.metadata == {b"m": b"1"}
    assert qv.record_batch({}).num_rows == 0


def test_table_and_chunked_array_api():
    b1 = qv.record_batch({"a": [1, 2], "b": ["x", "y"]})
    b2 = qv.record_batch({"a": [3], "b": [None]}, schema=b1.schema)
    t = qv.table([b1, b2])
    assert (t.num_rows, t.num_columns, t.num_batches, len(t)) == (3, 2, 2, 3)
    c = t.column("a")
    assert isinstance(c, qv.ChunkedArray)
    assert (c.num_chunks, len(c), c.type, c.null_count) == (2, 3, qv.int64(), 0)
    assert c.to_pylist() == [1, 2, 3] and c[2].as_py() == 3 and c[-1].as_py() == 3
    assert [v.as_py() for v in c] == [1, 2, 3]
    assert c.chunk(1).to_pylist() == [3] and [x.to_pylist() for x in c.chunks] == [[1, 2], [3]]
    assert c.equals(qv.chunked_array([[1], [2, 3]])) and c == qv.chunked_array([qv.array([1, 2, 3])])
    assert c != qv.chunked_array([[1, 2, 4]])
    assert t["b"].to_pylist() == ["x", "y", None] and t[0] == c
    assert t.to_pydict() == {"a": [1, 2, 3], "b": ["x", "y", None]}
    assert t.to_pylist()[2] == {"a": 3, "b": None}
    s = t.slice(1, 2)
    assert s.to_pydict() == {"a": [2, 3], "b": ["y", None]} and s.num_batches == 2
    assert t[2:].to_pydict() == {"a": [3], "b": [None]} and t.slice(3).num_rows == 0
    assert [x.num_rows for x in t.to_batches()] == [2, 1]
    assert t.equals(qv.table({"a": [1, 2, 3], "b": ["x", "y", None]}))  # batch boundaries do not matter
    assert t == qv.table({"a": [1, 2, 3], "b": ["x", "y", None]})
    assert not t.equals(qv.table({"a": [1, 2, 3], "b": ["x", "y", "z"]}))
    t.validate(full=True)
    with pytest.raises(qv.ArrowInvalid):
        qv.table([b1, qv.record_batch({"z": [1]})])
    assert "ChunkedArray" in repr(c)
    empty = qv.table([], schema=qv.schema([("a", qv.int8())]))
    assert empty.num_rows == 0 and pa.table(empty).schema.names == ["a"]


def test_chunked_array_from_pyarrow():
    pc = pa.chunked_array([[1, 2], [3, None]])
    c = qv.chunked_array(pc)
    assert c.num_chunks == 2 and c.to_pylist() == [1, 2, 3, None]
    with pytest.raises(qv.ArrowInvalid, match="chunks"):
        qv.array(pc)  # two chunks do not make one array
    assert qv.array(pa.chunked_array([[5]])).to_pylist() == [5]
    assert qv.array(pa.chunked_array([], pa.int8())).to_pylist() == []


def test_requested_schema_is_checked():
    a = qv.array(pa.array([1, 2], pa.int64()), type=qv.int64())
    assert a.type == qv.int64()
    a32 = qv.array(pa.array([1, 2], pa.int64()), type=qv.int32())  # pyarrow casts on request
    assert a32.type == qv.int32()
    with pytest.raises(TypeError):
        qv.array([1]).__arrow_c_array__(requested_schema=5)


def test_objects_pickle_through_ipc():
    # Pickling goes through Arrow IPC (issue 11); test_py_pickle.py covers every object.
    assert pickle.loads(pickle.dumps(qv.array([1]))).to_pylist() == [1]


def test_no_pyarrow_needed_at_run_time():
    import subprocess
    import sys
    code = (
        "import sys; sys.modules['pyarrow'] = None; sys.modules['numpy'] = None\n"
        "import quiver as qv\n"
        "t = qv.table({'a': [1, None], 's': ['x', 'y']})\n"
        "assert qv.ipc.read_stream(qv.ipc.write_stream(t)).equals(t)\n"
        "assert qv.array(t.column('a').chunk(0)).to_pylist() == [1, None]\n"
        "assert 'pyarrow' not in [m for m in sys.modules if sys.modules[m] is not None]\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
