"""repr/str/to_string of Table, RecordBatch, ChunkedArray and Array laid out
as pyarrow lays them out (issue 11, item 2): every row of small tables
(a list column of 5 rows was elided), pyarrow's windows on big ones (5
values per table chunk, 10 per batch column and array, 2 list slots and 2
chunks at each end, nothing hidden unless more than 2 x window + 1), the
schema with pyarrow's "child i," lines, "----", and "..." past 10 columns.
pyarrow's text with "pyarrow." read as "quiver." is the expected text.

Not compared: map, struct, union and dictionary columns in the single-line
form (pyarrow dumps their layout there, "keys:[..]values:[..]"; quiver
writes values, "[{key: "k", value: 1}]"), and element_size_limit (quiver
does not shorten long strings; docs/python.md lists both).
"""
import pyarrow as pa
import pytest

import quiver as qv


def _same_text(p, q):
    assert str(q) == str(p).replace("pyarrow.", "quiver."), "\n%s\n--- quiver:\n%s" % (p, q)


def _tables():
    return {
        "5 lists and 5 strings": pa.table({"l": [[1, 2], [3], None, [], [4, 5, 6]], "s": list("abcde"),
                                           "a": [1, None, 3, 4, 5]}),
        "6 lists": pa.table({"l": [[1]] * 6}),
        "11 values": pa.table({"a": list(range(11))}),
        "12 values": pa.table({"a": list(range(12))}),
        "21 values": pa.table({"a": list(range(21)), "f": [i / 3 for i in range(21)]}),
        "22 values": pa.table({"a": list(range(22)), "s": ["v%d" % i for i in range(22)]}),
        "long lists": pa.table({"l": [list(range(11)), list(range(12)), list(range(30))]}),
        "list of large_list": pa.table({"l": pa.array([[[1, 2]], None], pa.list_(pa.large_list(pa.int32())))}),
        "5 chunks": pa.Table.from_batches([pa.record_batch({"a": [i, None]}) for i in range(5)]),
        "6 chunks": pa.Table.from_batches([pa.record_batch({"a": [i]}) for i in range(6)]),
        "11 columns": pa.table({str(i): [i] for i in range(11)}),
        "10 columns": pa.table({str(i): [i] for i in range(10)}),
        "no batches": pa.Table.from_batches([], pa.schema([("a", pa.int64())])),
        "not null and nested schema": pa.table(
            {"n": pa.array([1], pa.int8()), "m": pa.array([[("k", 1)]], pa.map_(pa.string(), pa.int64())),
             "s": pa.array([{"x": [1]}])},
            schema=pa.schema([pa.field("n", pa.int8(), nullable=False),
                              pa.field("m", pa.map_(pa.string(), pa.int64())),
                              pa.field("s", pa.struct([("x", pa.list_(pa.int64()))]))],
                             metadata={"k": "v"})),
        "temporal and decimals": pa.table({"t": pa.array([0, None, 86400], pa.timestamp("s")),
                                           "d": pa.array([1, 2, None], pa.decimal128(5, 2))}),
    }


_LAYOUT_DUMPS = ("map", "struct", "dense_union", "sparse_union", "dictionary")


@pytest.mark.parametrize("name", list(_tables()))
def test_table_and_batch_print_as_pyarrow(name):
    p = _tables()[name]
    q = qv.table(p)
    if any(f.type.id in _LAYOUT_DUMPS for f in q.schema):
        # the header and schema lines agree; the values are quiver's logical form
        assert str(q).split("\n----\n")[0] == str(p).split("\n----\n")[0].replace("pyarrow.", "quiver.")
        assert "m: [[[{key: \"k\", value: 1}]]]" in str(q)
        return
    _same_text(p, q)
    assert repr(q) == str(q) == q.to_string(preview_cols=10)
    assert q.to_string() == p.to_string().replace("pyarrow.", "quiver.")
    for b in p.to_batches():
        _same_text(b, qv.record_batch(b))


def test_five_list_rows_are_all_printed():
    q = qv.table({"l": [[1, 2], [3], None, [], [4, 5, 6]]})
    assert str(q).endswith("\nl: [[[1,2],[3],null,[],[4,5,6]]]")
    assert "..." not in str(q.to_batches()[0])
    assert "..." not in str(q.column("l").chunk(0))


@pytest.mark.parametrize("name", list(_tables()))
def test_columns_print_as_pyarrow(name):
    p = _tables()[name]
    q = qv.table(p)
    for i, f in enumerate(q.schema):
        if f.type.id in _LAYOUT_DUMPS:
            continue
        _same_text(p.column(i), q.column(i))
        for kw in ({"skip_new_lines": True}, {"window": 1, "container_window": 1}, {"indent": 3}):
            assert q.column(i).to_string(**kw) == p.column(i).to_string(**kw), kw
        for pc, qc in zip(p.column(i).chunks, q.column(i).chunks):
            _same_text(pc, qc)
            # (pyarrow 26's Array.to_string ignores its container_window argument; quiver honours it)
            for kw in ({"skip_new_lines": True}, {"window": 2}, {"top_level_indent": 4}, {"indent": 4}):
                assert qc.to_string(**kw) == pc.to_string(**kw), kw


@pytest.mark.parametrize("n", [0, 1, 20, 21, 22, 100])
def test_long_arrays_use_pyarrows_window(n):
    p = pa.array(range(n))
    _same_text(p, qv.array(p))
    c = pa.chunked_array([range(n), range(n // 2)], pa.int64())
    _same_text(c, qv.chunked_array(c))


def test_chunked_array_shapes():
    for p in (pa.chunked_array([], pa.int64()), pa.chunked_array([[], [1]], pa.int64()),
              pa.chunked_array([[i] for i in range(6)]), pa.chunked_array([["a", None]] * 5)):
        _same_text(p, qv.chunked_array(p))
    q = qv.chunked_array([[1], [2]])
    assert repr(q) == "<quiver.ChunkedArray type=int64 length=2 chunks=2>\n" + str(q)


def test_schema_to_string_matches_pyarrow():
    s = pa.schema([pa.field("a", pa.int32(), nullable=False, metadata={"x": "y"}),
                   pa.field("s", pa.struct([("x", pa.list_(pa.int8())), ("y", pa.string())])),
                   pa.field("r", pa.run_end_encoded(pa.int32(), pa.string()))], metadata={"k": "v"})
    q = qv.schema(s)
    for kw in ({}, {"show_field_metadata": False}, {"show_schema_metadata": False},
               {"show_field_metadata": False, "show_schema_metadata": False}):
        assert q.to_string(**kw) == s.to_string(**kw), kw


@pytest.mark.parametrize("n", [0, 60, 66, 67, 68, 69, 70, 300])
def test_long_metadata_values_are_cut_as_pyarrow_cuts_them(n):
    s = pa.schema([pa.field("a", pa.int8(), metadata={"f": "x" * n}), pa.field("b", pa.struct([("c", pa.int8())]))],
                  metadata={"k": "v" * n, "pandas": "\u00e9" * n})
    q = qv.schema(s)
    assert q.to_string() == s.to_string()
    assert q.to_string(truncate_metadata=False) == s.to_string(truncate_metadata=False)
    t = pa.table({"a": pa.array([1], pa.int8()), "b": [{"c": 1}]}, schema=s)
    assert qv.table(t).to_string(show_metadata=True) == t.to_string(show_metadata=True).replace("pyarrow.", "quiver.")


def test_bad_window_is_refused():
    with pytest.raises(ValueError):
        qv.array([1]).to_string(window=-1)
    with pytest.raises(ValueError):
        qv.chunked_array([[1]]).to_string(container_window=-2)
