"""Compute as methods of Array, ChunkedArray, RecordBatch and Table, against
pyarrow's methods of the same names on the same data: results (values and
types), the class of the result (Array / ChunkedArray / RecordBatch / Table /
Scalar) and the errors."""
import math

import numpy as np
import pyarrow as pa
import pytest

import quiver as qv


def _values(x):
    if isinstance(x, list):
        return [_values(v) for v in x]
    if hasattr(x, "to_pylist"):
        return [("NaN" if isinstance(v, float) and math.isnan(v) else v) for v in x.to_pylist()]
    return x.as_py()


def _kind(x):
    for name in ("Array", "ChunkedArray", "Table", "RecordBatch", "Scalar"):
        if isinstance(x, (getattr(qv, name), getattr(pa, name))):
            return name
    return type(x).__name__


def _both(values, type_=None, chunked=False):
    if chunked:
        half = len(values) // 2
        p = pa.chunked_array([values[:half], values[half:]], type=type_)
    else:
        p = pa.array(values, type=type_)
    return (qv.chunked_array(p) if chunked else qv.array(p)), p


def _same(got, want, what):
    assert _kind(got) == _kind(want), what
    if isinstance(want, list):
        assert [_values(g) for g in got] == [_values(w) for w in want], what
        return
    assert _values(got) == _values(want), what
    if hasattr(want, "type"):
        assert str(got.type) == str(want.type), what


CALLS = [
    ("cast", lambda x, m: x.cast(m.float64())),
    ("filter", lambda x, m: x.filter(m.array([True, False, None, True, False, True]))),
    ("filter emit_null", lambda x, m: x.filter(m.array([True, False, None, True, False, True]),
                                               null_selection_behavior="emit_null")),
    ("take", lambda x, m: x.take(m.array([5, 0, 2]))),
    ("is_null", lambda x, m: x.is_null()),
    ("is_null nan", lambda x, m: x.is_null(nan_is_null=True)),
    ("is_valid", lambda x, m: x.is_valid()),
    ("fill_null", lambda x, m: x.fill_null(0)),
    ("drop_null", lambda x, m: x.drop_null()),
    ("unique", lambda x, m: x.unique()),
    ("value_counts", lambda x, m: x.value_counts()),
    ("index", lambda x, m: x.index(3)),
    ("index absent", lambda x, m: x.index(99)),
    ("index start", lambda x, m: x.index(1, start=2)),
    ("sort", lambda x, m: x.sort()),
    ("sort descending", lambda x, m: x.sort("descending")),
]


@pytest.mark.parametrize("chunked", [False, True], ids=["array", "chunked"])
@pytest.mark.parametrize("name,call", CALLS, ids=[c[0] for c in CALLS])
def test_column_methods_match_pyarrow(name, call, chunked):
    q, p = _both([3, 1, None, 1, 7, 2], pa.int64(), chunked)
    _same(call(q, qv), call(p, pa), name)


@pytest.mark.parametrize("chunked", [False, True], ids=["array", "chunked"])
def test_float_and_string_methods_match_pyarrow(chunked):
    q, p = _both([1.5, float("nan"), None, -2.0], pa.float64(), chunked)
    for call in (lambda x: x.is_nan(), lambda x: x.is_null(nan_is_null=True), lambda x: x.fill_null(9.5),
                 lambda x: x.drop_null()):
        _same(call(q), call(p), "float")
    q, p = _both(["b", None, "a", "b", "c", None], pa.string(), chunked)
    for call in (lambda x: x.unique(), lambda x: x.value_counts(), lambda x: x.index("b"), lambda x: x.sort(),
                 lambda x: x.fill_null("z")):
        _same(call(q), call(p), "string")


def test_sum_is_a_scalar_like_pyarrow():
    q, p = _both([3, 1, None, 2], pa.int64())
    _same(q.sum(), p.sum(), "sum")
    assert repr(q.sum()).replace("quiver", "pyarrow") == repr(p.sum())
    q, p = _both([1.5, None], pa.float64())
    _same(q.sum(), p.sum(), "float sum")


@pytest.mark.parametrize("chunked", [False, True], ids=["array", "chunked"])
def test_dictionary_encode_matches_pyarrow(chunked):
    q, p = _both(["a", "b", None, "a", "c", "b"], pa.string(), chunked)
    got, want = q.dictionary_encode(), p.dictionary_encode()
    assert _kind(got) == _kind(want) and str(got.type) == str(want.type)
    assert got.to_pylist() == want.to_pylist()
    chunks_q = got.chunks if chunked else [got]
    chunks_w = want.chunks if chunked else [want]
    for cq, cw in zip(chunks_q, chunks_w):
        assert cq.indices.to_pylist() == cw.indices.to_pylist()
        assert cq.dictionary.to_pylist() == cw.dictionary.to_pylist()
    assert pa.array(q.dictionary_encode() if not chunked else got.chunk(0)).equals(
        want if not chunked else want.chunk(0))
    again = got if not chunked else got.chunk(0)
    assert again.dictionary_encode() is again  # already encoded: itself, as pyarrow


def test_flatten_list_and_struct_like_pyarrow():
    for values in ([[1, 2], None, [], [3]], [[1], [2, None]]):
        q, p = _both(values, pa.list_(pa.int64()))
        _same(q.flatten(), p.flatten(), "list flatten")
        _same(q.slice(1).flatten(), p.slice(1).flatten(), "sliced list flatten")
        assert q.values.to_pylist() == p.values.to_pylist()
        assert q.slice(1).offsets.to_pylist() == p.slice(1).offsets.to_pylist()
    q, p = _both([{"a": 1, "b": "x"}, None, {"a": None, "b": "z"}],
                 pa.struct([("a", pa.int64()), ("b", pa.string())]))
    _same(q.flatten(), p.flatten(), "struct flatten")
    _same(q.field("b"), p.field("b"), "struct field")
    _same(q.field(0), p.field(0), "struct field by index")
    qc, pc_ = qv.chunked_array(pa.chunked_array([p, p])), pa.chunked_array([p, p])
    _same(qc.flatten(), pc_.flatten(), "chunked struct flatten")
    ql = qv.chunked_array(pa.chunked_array([[[1]]]))
    assert len(ql.flatten()) == len(pa.chunked_array([[[1]]]).flatten()) == 1


def test_take_out_of_range_and_bad_mask_raise():
    q = qv.array([1, 2, 3])
    with pytest.raises(IndexError):
        q.take(qv.array([3]))
    with pytest.raises(qv.ArrowInvalid):
        q.filter(qv.array([True]))


@pytest.mark.parametrize("kind", ["table", "batch"])
def test_table_and_batch_methods_match_pyarrow(kind):
    data = {"k": ["b", "a", None, "a"], "v": [1, None, 3, 4], "f": [0.5, 1.5, 2.5, None]}
    p = pa.table(data) if kind == "table" else pa.record_batch(data)
    q = qv.table(data) if kind == "table" else qv.record_batch(data)
    calls = [
        lambda x, m: x.filter(m.array([True, False, True, True])),
        lambda x, m: x.take(m.array([3, 0])),
        lambda x, m: x.sort_by("v"),
        lambda x, m: x.sort_by([("k", "descending"), ("v", "ascending")]),
        lambda x, m: x.drop_null(),
        lambda x, m: x.cast(m.schema([("k", m.large_string()), ("v", m.float64()), ("f", m.float32())])),
    ]
    for i, call in enumerate(calls):
        got, want = call(q, qv), call(p, pa)
        assert _kind(got) == _kind(want), i
        assert got.to_pydict() == want.to_pydict(), i
        assert [str(t) for t in got.schema.types] == [str(t) for t in want.schema.types], i
    with pytest.raises(ValueError):
        q.cast(qv.schema([("x", qv.int64()), ("v", qv.int64()), ("f", qv.int64())]))


def test_table_group_by_and_column_methods_on_table_columns():
    t = qv.table({"k": ["a", "b", "a"], "v": [1, 2, 3]})
    p = pa.table(t)
    got = t.group_by("k").aggregate([("v", "sum")]).sort_by("k")
    want = p.group_by("k").aggregate([("v", "sum")]).sort_by("k")
    assert got.to_pydict() == want.to_pydict()
    _same(t.column("v").filter(t.column("v").is_valid()), p.column("v").filter(p.column("v").is_valid()), "col")
    _same(t["k"].unique(), p["k"].unique(), "unique of a column")


def test_array_from_pandas_like_pyarrow():
    pd = pytest.importorskip("pandas")
    cases = [
        (pd.Series([1.0, None, 3.0]), {}),
        (pd.Series(["a", None, "c"]), {}),
        (pd.Series([1, 2, 3]), {"type": "int8"}),
        (np.array([1.0, np.nan]), {}),
        (np.array([1, 2, 3]), {"mask": np.array([False, True, False])}),
        (pd.Series(pd.to_datetime(["2020-01-01", None])), {}),
    ]
    for obj, kw in cases:
        want = pa.Array.from_pandas(obj, **{k: (pa.type_for_alias(v) if k == "type" else v) for k, v in kw.items()})
        got = qv.Array.from_pandas(obj, **{k: (qv.type_for(v) if k == "type" else v) for k, v in kw.items()})
        assert isinstance(got, qv.Array)
        assert got.to_pylist() == want.to_pylist() and str(got.type) == str(want.type), (obj, kw)


def test_numpy_asarray_of_arrays_with_nulls_like_pyarrow():
    for values in ([1, None, 3], [1.5, None], [True, None]):
        q, p = qv.array(values), pa.array(values)
        got, want = np.asarray(q), np.asarray(p)
        assert got.dtype == want.dtype and str(got.tolist()) == str(want.tolist())
        c = qv.chunked_array([values, values])
        assert str(np.asarray(c).tolist()) == str(np.asarray(pa.chunked_array([values, values])).tolist())
    with pytest.raises(ValueError):
        np.array(qv.array([1, None]), copy=False)
    view = np.asarray(qv.array([1, 2, 3]))  # no nulls: still the buffer protocol, zero-copy
    assert view.tolist() == [1, 2, 3] and not view.flags.writeable


def test_table_flatten_dictionary_decode_value_lengths_like_pyarrow():
    p = pa.table({"s": pa.array([{"a": 1, "b": {"c": "x"}}, None]), "n": [1, 2]}, metadata={"k": "v"})
    q = qv.table(p)
    got, want = q.flatten(), p.flatten()
    assert pa.table(got).schema.equals(want.schema, check_metadata=True)
    assert got.to_pydict() == want.to_pydict()
    d = pa.array(["a", None, "b", "a"]).dictionary_encode()
    _same(qv.array(d).dictionary_decode(), d.dictionary_decode(), "dictionary_decode")
    for t in (pa.list_(pa.int64()), pa.large_list(pa.int64())):
        lists = pa.array([[1, 2], None, [], [3]], t)
        _same(qv.array(lists).value_lengths(), lists.value_lengths(), "value_lengths")
        _same(qv.array(lists).slice(1).value_lengths(), lists.slice(1).value_lengths(), "sliced value_lengths")
    with pytest.raises(TypeError):
        qv.array([1]).dictionary_decode()
