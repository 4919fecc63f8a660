"""Editing fields, schemas and schema metadata, against pyarrow's methods of
the same names: the resulting schema (names, types, nullability, metadata),
that tables keep their column buffers, and pyarrow's errors."""
import pyarrow as pa
import pytest

import quiver as qv


def _schema_pair():
    fields = [("a", "int64", True, {"doc": "first"}), ("b", "string", False, None), ("a", "float64", True, None)]
    p = pa.schema([pa.field(n, pa.type_for_alias(t), nb, md) for n, t, nb, md in fields], metadata={"k": "v"})
    q = qv.schema([qv.field(n, qv.type_for(t), nb, md) for n, t, nb, md in fields], metadata={"k": "v"})
    return q, p


def _same_schema(got, want):
    back = pa.schema(got)
    assert back.equals(want, check_metadata=True), (back, want)
    assert got.metadata == want.metadata
    assert [f.metadata for f in got] == [f.metadata for f in want]


def test_schema_editing_matches_pyarrow():
    q, p = _schema_pair()
    qf, pf = qv.field("c", qv.int8()), pa.field("c", pa.int8())
    _same_schema(q.with_metadata({"x": "y"}), p.with_metadata({"x": "y"}))
    _same_schema(q.with_metadata({b"x": b"y"}), p.with_metadata({b"x": b"y"}))
    _same_schema(q.remove_metadata(), p.remove_metadata())
    _same_schema(q.append(qf), p.append(pf))
    _same_schema(q.insert(0, qf), p.insert(0, pf))
    _same_schema(q.insert(3, qf), p.insert(3, pf))
    _same_schema(q.remove(1), p.remove(1))
    _same_schema(q.set(2, qf), p.set(2, pf))
    assert q.get_all_field_indices("a") == p.get_all_field_indices("a") == [0, 2]
    assert q.get_all_field_indices("zz") == p.get_all_field_indices("zz") == []
    assert q.get_field_index("b") == p.get_field_index("b") == 1
    assert q.get_field_index("a") == p.get_field_index("a") == -1  # duplicated: -1, as pyarrow
    assert q.names == p.names and [str(t) for t in q.types] == [str(t) for t in p.types]
    assert q.field("b").nullable is p.field("b").nullable is False


@pytest.mark.parametrize("call,message", [
    (lambda s, m: s.insert(4, m.field("c", m.int8())), "Invalid column index to add field."),
    (lambda s, m: s.insert(-1, m.field("c", m.int8())), "Invalid column index to add field."),
    (lambda s, m: s.remove(3), "Invalid column index to remove field."),
    # (pyarrow 26 appends on set(len(schema), f), an off-by-one quiver does not copy: index 4 here)
    (lambda s, m: s.set(4, m.field("c", m.int8())), "Invalid column index to set field."),
])
def test_schema_editing_errors_match_pyarrow(call, message):
    q, p = _schema_pair()
    with pytest.raises(pa.ArrowInvalid, match=message):
        call(p, pa)
    with pytest.raises(qv.ArrowInvalid, match=message):
        call(q, qv)


def test_schema_editing_refuses_non_fields_like_pyarrow():
    q, p = _schema_pair()
    with pytest.raises(TypeError):
        p.append(("c", pa.int8()))
    with pytest.raises(TypeError):
        q.append(("c", qv.int8()))


def test_empty_table_matches_pyarrow():
    q, p = _schema_pair()
    got, want = q.empty_table(), p.empty_table()
    assert isinstance(got, qv.Table) and got.num_rows == 0
    assert pa.table(got).equals(want, check_metadata=True)
    assert str(got).replace("quiver", "pyarrow") == str(want)


def test_field_editing_matches_pyarrow():
    q = qv.field("a", qv.int64(), True, {"doc": "x"})
    p = pa.field("a", pa.int64(), True, {"doc": "x"})
    for call in (lambda f, m: f.with_name("b"), lambda f, m: f.with_type(m.string()),
                 lambda f, m: f.with_nullable(False), lambda f, m: f.with_metadata({"n": "1"}),
                 lambda f, m: f.remove_metadata()):
        got, want = call(q, qv), call(p, pa)
        assert pa.field(got).equals(want, check_metadata=True), (got, want)
        assert got.metadata == want.metadata
    with pytest.raises(TypeError):
        p.with_type("int16")
    with pytest.raises(TypeError):
        q.with_type("int16")


@pytest.mark.parametrize("kind", ["table", "batch"])
def test_replace_schema_metadata_keeps_the_columns(kind):
    data = {"a": [1, 2], "b": ["x", None]}
    q = qv.table(data, metadata={"old": "1"}) if kind == "table" else qv.record_batch(data, metadata={"old": "1"})
    p = pa.table(data, metadata={"old": "1"}) if kind == "table" else pa.record_batch(data, metadata={"old": "1"})
    for md in ({"new": "2"}, None, {}):
        got, want = q.replace_schema_metadata(md), p.replace_schema_metadata(md)
        assert type(got) is type(q)
        # quiver keeps no empty metadata: {} reads back as None (docs/python.md)
        assert got.schema.metadata == (want.schema.metadata or None)
        assert got.to_pydict() == want.to_pydict()
    got = q.replace_schema_metadata()
    assert got.schema.metadata == p.replace_schema_metadata().schema.metadata is None
    a_before = (q.column(0).chunk(0) if kind == "table" else q.column(0)).buffer_address(1)
    a_after = (got.column(0).chunk(0) if kind == "table" else got.column(0)).buffer_address(1)
    assert a_before == a_after  # the same buffers: nothing copied


@pytest.mark.parametrize("kind", ["table", "batch"])
def test_schema_metadata_through_column_editing_follows_pyarrow(kind):
    # pyarrow keeps the schema metadata through every column edit but rename_columns
    def make(m):
        data = {"a": [1], "b": [2]}
        return m.table(data, metadata={"k": "v"}) if kind == "table" else m.record_batch(data, metadata={"k": "v"})

    edits = [lambda t, m: t.append_column("c", m.array([3])), lambda t, m: t.set_column(0, "z", m.array([3])),
             lambda t, m: t.rename_columns({"a": "x"}), lambda t, m: t.rename_columns(["x", "y"]),
             lambda t, m: t.drop_columns(["a"]), lambda t, m: t.remove_column(0), lambda t, m: t.select(["b"]),
             lambda t, m: t.add_column(0, m.field("q", m.bool_()), m.array([True]))]
    for i, edit in enumerate(edits):
        assert edit(make(qv), qv).schema.metadata == edit(make(pa), pa).schema.metadata, i


def test_pandas_metadata_like_pyarrow():
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"a": [1, 2]}, index=pd.Index(["x", "y"], name="k"))
    assert qv.Table.from_pandas(df).schema.pandas_metadata == pa.Table.from_pandas(df).schema.pandas_metadata
    assert qv.schema([("a", qv.int8())]).pandas_metadata is pa.schema([("a", pa.int8())]).pandas_metadata is None
