"""Scalars against pyarrow's on the same data: array[i], chunked[i],
table.column(j)[i] and iteration give Scalars of pyarrow's class names, with
the same as_py(), is_valid, type, .value, repr/str (the module name aside),
equality and hashing; nested scalars (list, map, struct, dictionary, run-end
encoded, union) behave as containers the way pyarrow's do; quiver.scalar()
and Scalar.cast as pyarrow.scalar() and pyarrow's Scalar.cast."""
import datetime
import math
import pickle

import pyarrow as pa
import pytest

import quiver as qv
from conftest import CASES, variants


def _repr(scalar):
    return repr(scalar).replace("<quiver.", "<pyarrow.", 1)


def _same_value(got, want):
    if isinstance(want, float) and math.isnan(want):
        return isinstance(got, float) and math.isnan(got)
    return got == want


def _pyarrow_values(arr):
    try:
        return [s.as_py() for s in arr]
    except (ValueError, KeyError):
        return None


@pytest.mark.parametrize("name", sorted(CASES))
def test_scalars_of_every_type_match_pyarrow(name):
    for label, p in variants(CASES[name]):
        q = qv.array(p)
        want_values = _pyarrow_values(p)
        if want_values is None:
            continue  # pyarrow cannot build Python objects for this type
        got = list(q)
        assert len(got) == len(p)
        for i, (g, w) in enumerate(zip(got, p)):
            where = "%s %s [%d]" % (name, label, i)
            assert isinstance(g, qv.Scalar), where
            assert type(g).__name__ == type(w).__name__, where
            assert g.is_valid == w.is_valid, where
            assert str(g.type) == str(w.type) or name.startswith(("uuid", "json", "bool8")), where
            assert _same_value(g.as_py(), w.as_py()), where
            assert _repr(q[i]) == repr(w), where
            assert str(q[i]) == str(w), where
            if hasattr(w, "value") and not isinstance(w, (pa.DictionaryScalar, pa.UnionScalar,
                                                         pa.RunEndEncodedScalar, pa.ExtensionScalar)):
                assert _same_value(g.value, w.value), where


@pytest.mark.parametrize("name", ["dictionary<string>", "dictionary<int64, int8 idx>"])
def test_dictionary_scalar_index_value_dictionary(name):
    p = CASES[name]
    q = qv.array(p)
    for i in range(len(p)):
        g, w = q[i], p[i]
        assert g.index.as_py() == w.index.as_py() and type(g.index).__name__ == type(w.index).__name__
        assert (g.value is None) == (w.value is None)
        if w.value is not None:
            assert g.value.as_py() == w.value.as_py() and type(g.value).__name__ == type(w.value).__name__
        assert g.dictionary.to_pylist() == w.dictionary.to_pylist()


def test_list_scalars_are_sequences_of_scalars():
    p = CASES["list<int32>"]
    q = qv.array(p)
    for i in range(len(p)):
        g, w = q[i], p[i]
        if w.values is None:
            assert g.values is None
            with pytest.raises(TypeError):
                len(w)
            with pytest.raises(TypeError):
                len(g)
            continue
        assert len(g) == len(w) and g.values.to_pylist() == w.values.to_pylist()
        assert [x.as_py() for x in g] == [x.as_py() for x in w]
        assert [_repr(x) for x in g] == [repr(x) for x in w]
        if len(w):
            assert g[-1].as_py() == w[-1].as_py()
    nested = qv.array(CASES["list<list<int16>>"])
    assert nested[0][1][1].as_py() == CASES["list<list<int16>>"][0][1][1].as_py() == 3
    fixed = qv.array(CASES["fixed_size_list<float64>[2]"])
    assert [x.as_py() for x in fixed[2]] == [x.as_py() for x in CASES["fixed_size_list<float64>[2]"][2]]


def test_map_and_struct_scalars_are_mappings():
    pm, qm = CASES["map<string, int32>"], qv.array(CASES["map<string, int32>"])
    assert list(qm[0]) == list(pm[0]) == [("a", 1), ("b", None)]
    assert qm[0]["a"].as_py() == pm[0]["a"].as_py() == 1 and len(qm[0]) == len(pm[0])
    assert qm[0].keys() == list(pm[0].keys())
    assert qm[0].as_py(maps_as_pydicts="strict") == pm[0].as_py(maps_as_pydicts="strict")
    ps, qs = CASES["struct"], qv.array(CASES["struct"])
    assert list(qs[0]) == list(ps[0]) == ["a", "b"] and len(qs[0]) == len(ps[0])
    assert qs[0]["b"].as_py() == ps[0]["b"].as_py() and qs[0][0].as_py() == ps[0][0].as_py()
    assert _repr(qs[0]["a"]) == repr(ps[0]["a"])
    assert [(k, v.as_py()) for k, v in qs[0].items()] == [(k, v.as_py()) for k, v in ps[0].items()]
    assert ("a" in qs[0]) and ("zz" not in qs[0])
    with pytest.raises(KeyError):
        qs[0]["zz"]
    with pytest.raises(KeyError):
        ps[0]["zz"]
    with pytest.raises(IndexError):
        qs[0][5]
    nested = qv.array(CASES["struct<list, struct>"])
    assert nested[0]["s"]["x"].as_py() is True and [v.as_py() for v in nested[0]["l"]] == [1, 2]


def test_run_end_encoded_and_union_values():
    for name in ("ree<int32, string>", "sparse_union", "dense_union"):
        p, q = CASES[name], qv.array(CASES[name])
        for i in range(len(p)):
            assert q[i].is_valid == p[i].is_valid, (name, i)
            g, w = q[i].value, p[i].value
            assert (g is None) == (w is None), (name, i)  # a null union slot has no value
            if w is not None:
                assert g.as_py() == w.as_py() and type(g).__name__ == type(w).__name__, (name, i)
            if name != "ree<int32, string>":
                assert q[i].type_code == p[i].type_code


def test_extension_scalars_value_is_the_storage_scalar():
    for name in ("uuid", "json", "bool8"):
        p, q = CASES[name], qv.array(CASES[name])
        for i in range(len(p)):
            w, g = p[i].value, q[i].value
            assert (g is None) == (w is None), (name, i)
            if w is not None:
                assert g.as_py() == w.as_py() and type(g).__name__ == type(w).__name__, (name, i)


def test_equality_and_hashing_follow_pyarrow():
    a, p = qv.array([1, 2, None, 1]), pa.array([1, 2, None, 1])
    assert (a[0] == a[3]) is (p[0] == p[3]) is True
    assert (a[0] == a[1]) is (p[0] == p[1]) is False
    assert (a[2] == qv.scalar(None, qv.int64())) is (p[2] == pa.scalar(None, pa.int64())) is True
    # a Python value is never equal to a scalar; the type is part of the value
    assert (a[0] == 1) is (p[0] == 1) is False
    assert (a[0] == qv.scalar(1, qv.int32())) is (p[0] == pa.scalar(1, pa.int32())) is False
    nan_q, nan_p = qv.scalar(float("nan")), pa.scalar(float("nan"))
    assert (nan_q == nan_q) is (nan_p == nan_p) is False
    assert hash(a[0]) == hash(a[3]) == hash(qv.scalar(1))
    assert len({a[0], a[3], a[1]}) == len({p[0], p[3], p[1]}) == 2
    lists = qv.array([[1, 2], [1, 2]])
    assert lists[0] == lists[1] and hash(lists[0]) == hash(lists[1])
    assert qv.scalar(1) != qv.scalar(2) and not (qv.scalar(1) != qv.scalar(1))
    # pyarrow scalars are always true, whatever their value
    assert bool(a[2]) is bool(p[2]) is True and bool(qv.scalar(0)) is bool(pa.scalar(0)) is True


def test_scalar_factory_and_cast_match_pyarrow():
    for value, t in [(1, None), (1.5, None), ("x", None), (b"y", None), (True, None), (None, None),
                     (datetime.date(2020, 1, 2), None), (datetime.datetime(2020, 1, 2, 3, 4, 5), None),
                     (datetime.timedelta(seconds=3), None), ([1, None], None), ({"a": 1}, None),
                     (7, "int8"), (None, "string"), (2.5, "float32")]:
        q = qv.scalar(value, type=None if t is None else qv.type_for(t))
        w = pa.scalar(value, type=None if t is None else pa.type_for_alias(t))
        assert type(q).__name__ == type(w).__name__ and str(q.type) == str(w.type), value
        assert q.as_py() == w.as_py() and _repr(q) == repr(w), value
    assert qv.scalar(qv.scalar(3)) == qv.scalar(3)
    c = qv.scalar(3).cast(qv.float64())
    assert _repr(c) == repr(pa.scalar(3).cast(pa.float64()))
    assert qv.scalar("12").cast(qv.int32()).as_py() == pa.scalar("12").cast(pa.int32()).as_py() == 12
    with pytest.raises(qv.ArrowInvalid):
        qv.scalar(300).cast(qv.int8())
    with pytest.raises(TypeError):
        qv.Scalar()


def test_chunked_and_table_columns_give_scalars():
    t = qv.table({"a": [1, 2, 3], "s": ["x", None, "z"]})
    t = qv.concat_tables([t, t.slice(1)])
    w = pa.table(t)
    for j in range(t.num_columns):
        col, want = t.column(j), w.column(j)
        assert [_repr(s) for s in col] == [repr(s) for s in want]
        assert _repr(col[3]) == repr(want[3]) and _repr(col[-1]) == repr(want[-1])
        assert _repr(t.column(j)[4]) == repr(w.column(j)[4])
    with pytest.raises(IndexError):
        t.column(0)[5]


def test_scalars_pickle_and_keep_their_type():
    for s in (qv.scalar(1, qv.int16()), qv.array([[1, 2]])[0], qv.scalar(None, qv.string()),
              qv.array(CASES["dictionary<string>"])[3]):
        back = pickle.loads(pickle.dumps(s))
        assert back == s and type(back) is type(s)


def test_timestamp_value_is_the_stored_integer():
    p = CASES["timestamp[ns]"]
    q = qv.array(p)
    assert [s.value for s in q] == [s.value for s in p]
    for name in ("date32", "date64", "time32[ms]", "time64[ns]", "duration[us]"):
        assert [s.value for s in qv.array(CASES[name])] == [s.value for s in CASES[name]], name


def test_compute_aggregations_return_scalars():
    import pyarrow.compute as pc

    import quiver.compute as qc

    a, p = qv.array([3, 1, None, 2]), pa.array([3, 1, None, 2])
    for fn in ("sum", "min", "max", "mean", "count"):
        assert _repr(getattr(qc, fn)(a)) == repr(getattr(pc, fn)(p)), fn
    mm_q, mm_p = qc.min_max(a), pc.min_max(p)
    assert type(mm_q).__name__ == "StructScalar" and mm_q.as_py() == mm_p.as_py()
    assert mm_q["min"].as_py() == 1 and _repr(mm_q) == repr(mm_p)


# ---- scalars built in C (python/src/scalar_object.c)


def test_as_py_arguments_are_checked_as_pyarrow():
    for m in (qv, pa):
        s = m.array([1])[0]
        with pytest.raises(TypeError, match=r"as_py\(\) takes exactly 0 positional arguments \(1 given\)"):
            s.as_py(1)
        with pytest.raises(TypeError, match="unexpected keyword argument 'foo'"):
            s.as_py(foo=1)
        assert s.as_py(maps_as_pydicts=None) == 1
    m_q = qv.array(CASES["map<string, int32>"])
    m_p = CASES["map<string, int32>"]
    for mode in ("lossy", "strict", None):
        assert [s.as_py(maps_as_pydicts=mode) for s in m_q] == [s.as_py(maps_as_pydicts=mode) for s in m_p], mode


def test_scalars_cannot_be_built_empty_or_edited():
    s = qv.array([1, 2])[1]
    with pytest.raises(TypeError, match="Do not call Int64Scalar's constructor directly"):
        type(s)()
    with pytest.raises(TypeError, match="Do not call Int64Scalar's constructor directly"):
        type(s).__new__(type(s))  # pyarrow builds an empty scalar here, whose repr crashes
    with pytest.raises(TypeError):
        object.__new__(type(s))
    with pytest.raises(AttributeError):
        s.extra = 1
    with pytest.raises(AttributeError):
        s._array = qv.array([5])
    assert s.as_py() == 2 and s._index == 1


def test_scalar_outlives_its_array_and_caches_its_value():
    import gc

    values = ["slot-%d" % i * 10 for i in range(5)]
    a = qv.array(values)
    scalars = [a[4], a[-1]] + list(a)
    del a
    gc.collect()
    assert [s.as_py() for s in scalars] == [values[4], values[4]] + values
    s = scalars[0]
    assert s.as_py() is s.as_py()  # converted once


def test_every_scalar_class_comes_from_the_c_base():
    for name in sorted(CASES):
        q = qv.array(CASES[name])
        if len(q) == 0:
            continue
        got = [type(s) for s in q] + [type(q[0]), type(qv.chunked_array([q])[0])]
        want = type(CASES[name][0]).__name__
        assert all(issubclass(c, qv.Scalar) and c.__name__ == want for c in got), name


def test_iteration_validates_every_chunk_before_the_first_scalar():
    good = pa.array([1, 2, 3], pa.int32())
    backwards = pa.array([0, 300, 5, 9], pa.int32()).buffers()[1]  # structurally valid, fully invalid
    bad = pa.Array.from_buffers(pa.string(), 3, [None, backwards, pa.py_buffer(b"x" * 9)])
    c = qv.chunked_array([qv.array(good).cast(qv.string()), qv.array(bad)])
    with pytest.raises(qv.ArrowInvalid):
        iter(c)
    with pytest.raises(qv.ArrowInvalid):
        iter(qv.array(bad))
    with pytest.raises(qv.ArrowInvalid):
        qv.array(bad)[0]
