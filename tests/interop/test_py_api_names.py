"""The names issue 11 lists for Table, RecordBatch and ChunkedArray, walked
one by one against pyarrow on the same data: each exists, takes pyarrow's
arguments (by keyword too) and returns pyarrow's kind of object with the
same values. (test_py_table_api.py covers the editing methods in depth.)
"""
import warnings

import pyarrow as pa
import pytest

import quiver as qv


def _pair():
    p = pa.concat_tables([pa.table({"a": [1, 2, 3], "s": ["x", None, "z"],
                                    "m": pa.array([[("k", 1)], None, [("k", 2), ("j", 3)]],
                                                  pa.map_(pa.string(), pa.int64()))})] * 2)
    return p, qv.table(p)


KIND = {pa.Table: qv.Table, pa.RecordBatch: qv.RecordBatch, pa.ChunkedArray: qv.ChunkedArray, pa.Schema: qv.Schema,
        pa.Field: qv.Field, pa.DataType: qv.DataType, tuple: tuple, int: int, list: list, dict: dict, bool: bool}


def _kind(obj):
    for pk, qk in KIND.items():
        if isinstance(obj, pk):
            return qk
    if isinstance(obj, pa.Array):
        return qv.Array
    return type(obj)


def _plain(obj):
    if hasattr(obj, "to_pylist"):
        return obj.to_pylist()
    if isinstance(obj, (list, tuple)):
        return [_plain(o) for o in obj]
    if hasattr(obj, "nullable"):  # a Field
        return obj.name, str(obj.type), obj.nullable
    return obj if not hasattr(obj, "names") else list(obj.names)


CALLS = [
    ("from_pydict", lambda m, cls: cls.from_pydict({"a": [1, 2]}, metadata={"k": "v"})),
    ("from_pylist", lambda m, cls: cls.from_pylist([{"a": 1}, {"b": "x"}])),
    ("from_arrays", lambda m, cls: cls.from_arrays([m.array([1, 2])], names=["a"])),
    ("select", lambda m, t: t.select(["s", 0])),
    ("drop_columns", lambda m, t: t.drop_columns("s")),
    ("rename_columns", lambda m, t: t.rename_columns({"a": "b"})),
    ("append_column", lambda m, t: t.append_column("n", m.array(list(range(t.num_rows))))),
    ("add_column", lambda m, t: t.add_column(0, m.field("n", m.int64()), m.array(list(range(t.num_rows))))),
    ("set_column", lambda m, t: t.set_column(1, "n", m.array(list(range(t.num_rows))))),
    ("remove_column", lambda m, t: t.remove_column(0)),
    ("column", lambda m, t: t.column("s")),
    ("column by index", lambda m, t: t.column(-1)),
    ("field", lambda m, t: t.field("m")),
    ("shape", lambda m, t: t.shape),
    ("num_rows", lambda m, t: t.num_rows),
    ("num_columns", lambda m, t: t.num_columns),
    ("nbytes", lambda m, t: t.nbytes),
    ("slice", lambda m, t: t.slice(offset=1, length=3)),
    ("head by slicing", lambda m, t: t[:2]),
    ("tail by slicing", lambda m, t: t[-2:]),
    ("__getitem__ name", lambda m, t: t["a"]),
    ("__getitem__ index", lambda m, t: t[1]),
    ("__len__", lambda m, t: len(t)),
    ("schema", lambda m, t: t.schema),
    ("column_names", lambda m, t: t.column_names),
    ("columns", lambda m, t: t.columns),
    ("itercolumns", lambda m, t: list(t.itercolumns())),
    ("to_pydict", lambda m, t: t.to_pydict()),
    ("to_pylist", lambda m, t: t.to_pylist()),
    ("to_pylist maps lossy", lambda m, t: t.to_pylist(maps_as_pydicts="lossy")),
    ("to_pydict maps strict", lambda m, t: t.to_pydict(maps_as_pydicts="strict")),
    ("equals", lambda m, t: t.equals(t, check_metadata=True)),
    ("validate", lambda m, t: t.validate()),
    ("validate full", lambda m, t: t.validate(full=True)),
]
TABLE_ONLY = [
    ("from_batches", lambda m, cls, t: cls.from_batches(t.to_batches(), schema=t.schema)),
    ("combine_chunks", lambda m, cls, t: t.combine_chunks()),
    ("to_batches", lambda m, cls, t: t.to_batches()),
    ("to_batches max_chunksize", lambda m, cls, t: t.to_batches(max_chunksize=2)),
    ("to_reader", lambda m, cls, t: t.to_reader(max_chunksize=4).read_all()),
    ("concat_tables", lambda m, cls, t: m.concat_tables([t, t.slice(1)])),
]


@pytest.mark.parametrize("name, call", CALLS, ids=[c[0] for c in CALLS])
@pytest.mark.parametrize("kind", ["Table", "RecordBatch"])
def test_table_and_batch_names_against_pyarrow(kind, name, call):
    p, q = _pair()
    if kind == "RecordBatch":
        p, q = p.combine_chunks().to_batches()[0], q.combine_chunks().to_batches()[0]
    cls_arg = name.startswith("from_")
    want = call(pa, getattr(pa, kind) if cls_arg else p)
    got = call(qv, getattr(qv, kind) if cls_arg else q)
    assert _kind(got) is _kind(want), (type(got), type(want))
    if isinstance(want, (pa.Table, pa.RecordBatch)):
        assert (pa.table(got) if kind == "Table" else pa.record_batch(got)).equals(want, check_metadata=True)
    elif want is not None:
        assert _plain(got) == _plain(want)


@pytest.mark.parametrize("name, call", TABLE_ONLY, ids=[c[0] for c in TABLE_ONLY])
def test_table_only_names_against_pyarrow(name, call):
    p, q = _pair()
    want, got = call(pa, pa.Table, p), call(qv, qv.Table, q)
    assert _kind(got) is _kind(want)
    if isinstance(want, list):
        assert [b.num_rows for b in got] == [b.num_rows for b in want]
        assert [pa.record_batch(b) for b in got] == want
    else:
        assert pa.table(got).equals(want)


def test_iteration_and_membership():
    """pyarrow tables are not iterable and have no __contains__; the issue asks quiver for
    both: iteration yields the columns, `in` tests the names."""
    _, q = _pair()
    assert [c.to_pylist() for c in q] == [c.to_pylist() for c in q.columns]
    assert "a" in q and "zz" not in q and 0 not in q
    b = q.to_batches()[0]
    assert [type(c) for c in b] == [qv.Array] * 3 and "m" in b


CHUNKED_CALLS = [
    ("chunks", lambda c: c.chunks),
    ("iterchunks", lambda c: list(c.iterchunks())),
    ("chunk", lambda c: c.chunk(1)),
    ("num_chunks", lambda c: c.num_chunks),
    ("combine_chunks", lambda c: c.combine_chunks()),
    ("to_pylist", lambda c: c.to_pylist()),
    ("type", lambda c: c.type),
    ("length", lambda c: c.length()),
    ("__len__", lambda c: len(c)),
    ("null_count", lambda c: c.null_count),
    ("nbytes", lambda c: c.nbytes),
    ("slice", lambda c: c.slice(2, 3)),
    ("slice past the end", lambda c: c.slice(5, 100)),
    ("slice to the end", lambda c: c.slice(1)),
    ("__getitem__ slice", lambda c: c[1:5]),
    ("__getitem__ step", lambda c: c[::2]),
    ("equals", lambda c: c.equals(c)),
    ("validate", lambda c: c.validate(full=True)),
    ("to_numpy", lambda c: str(c.to_numpy().tolist())),  # [1.0, nan, ...]: str compares the NaN
]


@pytest.mark.parametrize("name, call", CHUNKED_CALLS, ids=[c[0] for c in CHUNKED_CALLS])
def test_chunked_array_names_against_pyarrow(name, call):
    p = pa.chunked_array([[1, None, 3], [], [4, 5], [6]])
    q = qv.chunked_array(p)
    want, got = call(p), call(q)
    assert _kind(got) is _kind(want), (type(got), type(want))
    assert _plain(got) == _plain(want) if not isinstance(want, pa.DataType) else got == qv.type_for(want)


def test_chunked_slices_share_the_buffers():
    q = qv.chunked_array([[1, 2, 3], [4, 5, 6]])
    s = q[2:5]
    assert isinstance(s, qv.ChunkedArray) and s.to_pylist() == [3, 4, 5]
    assert [c.buffer_address(1) for c in s.chunks] == [c.buffer_address(1) for c in q.chunks]
    with pytest.raises(IndexError):
        q.slice(-1)
    with pytest.raises(IndexError):
        pa.chunked_array([[1]]).slice(-1)


def test_chunked_arrow_c_stream_reaches_pyarrow():
    q = qv.chunked_array([[1, None], [3]])
    assert pa.chunked_array(q).to_pylist() == [1, None, 3]
    assert pa.chunked_array(q).num_chunks == 2


def test_maps_as_pydicts_matches_pyarrow():
    p = pa.array([[("a", 1), ("a", 2)], None, [("b", 3)]], pa.map_(pa.string(), pa.int64()))  # a duplicate key
    nested = pa.array([{"m": [("k", [1])]}, None], pa.struct([("m", pa.map_(pa.string(), pa.list_(pa.int8())))]))
    for arr in (p, nested, pa.array([[[("k", 1)]], []], pa.list_(pa.map_(pa.string(), pa.int32())))):
        q = qv.array(arr)
        assert q.to_pylist() == arr.to_pylist()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert q.to_pylist(maps_as_pydicts="lossy") == arr.to_pylist(maps_as_pydicts="lossy")
        if arr is not p:
            assert q.to_pylist(maps_as_pydicts="strict") == arr.to_pylist(maps_as_pydicts="strict")
    q = qv.array(p)
    with pytest.raises(KeyError):
        p.to_pylist(maps_as_pydicts="strict")
    with pytest.raises(KeyError, match="duplicate key"):
        q.to_pylist(maps_as_pydicts="strict")
    with pytest.warns(UserWarning):
        q.to_pylist(maps_as_pydicts="lossy")
    with pytest.raises(ValueError):
        q.to_pylist(maps_as_pydicts="sometimes")


def test_validate_defaults_to_the_cheap_checks_as_pyarrow():
    """validate() checks the structure only (pyarrow's full=False default); full=True reads
    the values: a string array with invalid UTF-8 passes the first and fails the second."""
    bad = pa.Array.from_buffers(pa.string(), 1, [None, pa.py_buffer(b"\x00\x00\x00\x00\x02\x00\x00\x00"),
                                                 pa.py_buffer(b"\xff\xfe")])
    bad.validate()
    with pytest.raises(pa.ArrowInvalid):
        bad.validate(full=True)
    q = qv.array(bad)
    q.validate()
    with pytest.raises(qv.ArrowInvalid):
        q.validate(full=True)
