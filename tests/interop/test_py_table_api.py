"""The pyarrow-shaped Table / RecordBatch API of quiver (issue 11, item 2).

Every behaviour runs the same call on a pyarrow object and on the quiver
object built from the same data, and compares results (as pyarrow tables,
through the PyCapsule protocol) or, for errors, the exception's builtin class
(KeyError, IndexError, ValueError...). pyarrow is the oracle throughout.
"""
import pyarrow as pa
import pytest

import quiver as qv


def _data():
    return {"a": [1, 2, None, 4], "b": ["w", "x", None, "z"], "c": [1.5, None, 2.5, 3.5]}


@pytest.fixture(params=["table", "batch", "chunked_table"])
def pair(request):
    """(pyarrow object, quiver object) holding the same rows."""
    if request.param == "table":
        return pa.table(_data()), qv.table(_data())
    if request.param == "batch":
        return pa.record_batch(_data()), qv.record_batch(_data())
    p = pa.table(_data())
    p = pa.concat_tables([p.slice(0, 1), p.slice(1, 3)])
    return p, qv.Table.from_batches([qv.record_batch(b) for b in p.to_batches()])


def same(q, p):
    """quiver result equals the pyarrow one (data, schema and class family)."""
    if isinstance(p, pa.Table):
        assert isinstance(q, qv.Table)
        assert pa.table(q).equals(p)
    elif isinstance(p, pa.RecordBatch):
        assert isinstance(q, qv.RecordBatch)
        assert pa.record_batch(q).equals(p)
    elif isinstance(p, pa.ChunkedArray):
        assert isinstance(q, qv.ChunkedArray)
        assert pa.chunked_array(q).equals(p)
    elif isinstance(p, pa.Array):
        assert isinstance(q, qv.Array)
        assert pa.array(q).equals(p)
    elif isinstance(p, pa.Field):
        assert isinstance(q, qv.Field)
        assert pa.field(q).equals(p)
    else:
        assert q == p


def same_error(fq, fp):
    """Both calls fail, with exceptions of the same builtin family."""
    with pytest.raises(Exception) as ep:
        fp()
    with pytest.raises(Exception) as eq:
        fq()
    for base in (KeyError, IndexError, TypeError, ValueError, NotImplementedError):
        if isinstance(ep.value, base):
            assert isinstance(eq.value, base), (eq.value, ep.value)
            return
    raise AssertionError("unexpected pyarrow exception %r" % ep.value)


def test_sizes(pair):
    p, q = pair
    assert q.shape == p.shape
    assert (q.num_rows, q.num_columns, len(q)) == (p.num_rows, p.num_columns, len(p))
    assert q.nbytes == p.nbytes
    assert q.slice(1, 2).nbytes == p.slice(1, 2).nbytes


def test_nbytes_of_arrays_matches_pyarrow():
    for values, t in [([1, None, 3], pa.int64()), (["a", "bb", None], pa.string()), ([True, None], pa.bool_()),
                      ([[1, 2], None, [3]], pa.list_(pa.int32())), ([b"x", b"yz"], pa.large_binary())]:
        p = pa.array(values, t)
        q = qv.array(p)
        assert q.nbytes == p.nbytes, t
        assert q.slice(1).nbytes == p.slice(1).nbytes, t


def test_column_lookup(pair):
    p, q = pair
    for key in ["a", "c", 0, 2, -1]:
        same(q.column(key), p.column(key))
        same(q[key], p[key])
        same(q.field(key), p.field(key))
    for bad in ["zz", 3, -4]:
        same_error(lambda: q.column(bad), lambda: p.column(bad))
        same_error(lambda: q[bad], lambda: p[bad])
        same_error(lambda: q.field(bad), lambda: p.field(bad))


def test_iter_len_contains(pair):
    p, q = pair
    assert [pa.array(c) if isinstance(c, qv.Array) else pa.chunked_array(c) for c in q] == list(p)
    # pyarrow has no __contains__ (`in` walks the columns); quiver answers by column name
    assert "a" in q and "zz" not in q and 1 not in q
    assert ("a" in q) == ("a" in p.column_names)


def test_select(pair):
    p, q = pair
    for cols in (["c", "a"], [2, 0], ["a", "a"], []):
        same(q.select(cols), p.select(cols))
    same_error(lambda: q.select(["zz"]), lambda: p.select(["zz"]))
    same_error(lambda: q.select([7]), lambda: p.select([7]))


def test_drop_and_rename(pair):
    p, q = pair
    same(q.drop_columns("a"), p.drop_columns("a"))
    same(q.drop_columns(["a", "c"]), p.drop_columns(["a", "c"]))
    same_error(lambda: q.drop_columns(["zz"]), lambda: p.drop_columns(["zz"]))
    same(q.rename_columns(["x", "y", "z"]), p.rename_columns(["x", "y", "z"]))
    same(q.rename_columns({"b": "B"}), p.rename_columns({"b": "B"}))
    same_error(lambda: q.rename_columns(["x"]), lambda: p.rename_columns(["x"]))
    same_error(lambda: q.rename_columns({"zz": "x"}), lambda: p.rename_columns({"zz": "x"}))


def test_add_set_remove(pair):
    p, q = pair
    values = [10, 20, 30, 40]
    same(q.append_column("d", qv.array(values)), p.append_column("d", pa.array(values)))
    same(q.append_column(qv.field("d", qv.int8()), qv.array(values, qv.int8())),
         p.append_column(pa.field("d", pa.int8()), pa.array(values, pa.int8())))
    same(q.add_column(0, "d", qv.array(values)), p.add_column(0, "d", pa.array(values)))
    same(q.set_column(1, "d", qv.array(values)), p.set_column(1, "d", pa.array(values)))
    same(q.remove_column(1), p.remove_column(1))
    if isinstance(p, pa.Table):
        same(q.append_column("d", qv.chunked_array([[10], [20, 30, 40]])),
             p.append_column("d", pa.chunked_array([[10], [20, 30, 40]])))
        same(q.append_column("d", [[10, 20], [30, 40]]), p.append_column("d", [[10, 20], [30, 40]]))
    else:
        same(q.append_column("d", values), p.append_column("d", values))
    same_error(lambda: q.append_column("d", qv.array([1])), lambda: p.append_column("d", pa.array([1])))
    for i in (9, -1):
        same_error(lambda: q.add_column(i, "d", qv.array(values)), lambda: p.add_column(i, "d", pa.array(values)))
        same_error(lambda: q.set_column(i, "d", qv.array(values)), lambda: p.set_column(i, "d", pa.array(values)))
        same_error(lambda: q.remove_column(i), lambda: p.remove_column(i))


def test_edits_share_buffers():
    q = qv.table({"a": list(range(100)), "b": [str(i) for i in range(100)]})
    address = q.column("a").chunk(0).buffer_address(1)
    for edited in (q.select(["b", "a"]), q.drop_columns("b"), q.rename_columns(["x", "y"]),
                   q.append_column("c", qv.array([0] * 100)), q.remove_column(1)):
        col = edited.column(edited.schema.names.index("a") if "a" in edited else 0)
        assert col.chunk(0).buffer_address(1) == address


def test_slice_and_combine(pair):
    p, q = pair
    for off, n in [(0, 4), (1, 2), (3, None), (4, None), (2, 100)]:
        same(q.slice(off, n), p.slice(off, n))
    if isinstance(p, pa.Table):
        same(q.combine_chunks(), p.combine_chunks())
        assert q.combine_chunks().num_batches == 1
        assert [pa.record_batch(b) for b in q.to_batches()] == p.to_batches()
        assert pa.table(q.to_reader(max_chunksize=3)).equals(p)
        assert [b.num_rows for b in q.to_reader(max_chunksize=3)] == [b.num_rows for b in p.to_reader(max_chunksize=3)]
        assert q.to_reader().read_all().equals(q)


@pytest.mark.parametrize("cls", ["Table", "RecordBatch"])
def test_constructors(cls):
    Q, P = getattr(qv, cls), getattr(pa, cls)
    same(Q.from_pydict(_data()), P.from_pydict(_data()))
    schema_p = pa.schema([("a", pa.int32()), ("b", pa.string())])
    schema_q = qv.schema([("a", qv.int32()), ("b", qv.string())])
    same(Q.from_pydict({"a": [1, 2], "b": ["x", None]}, schema=schema_q),
         P.from_pydict({"a": [1, 2], "b": ["x", None]}, schema=schema_p))
    rows = [{"a": 1, "b": "x"}, {"a": None, "b": "y"}, {"b": "z", "c": 3}]
    same(Q.from_pylist(rows), P.from_pylist(rows))
    same(Q.from_pylist(rows, schema=schema_q), P.from_pylist(rows, schema=schema_p))
    same(Q.from_arrays([qv.array([1, 2]), qv.array(["x", "y"])], names=["a", "b"]),
         P.from_arrays([pa.array([1, 2]), pa.array(["x", "y"])], names=["a", "b"]))
    same(Q.from_arrays([qv.array([1, 2], qv.int32()), qv.array(["x", "y"])], schema=schema_q),
         P.from_arrays([pa.array([1, 2], pa.int32()), pa.array(["x", "y"])], schema=schema_p))
    same_error(lambda: Q.from_arrays([qv.array([1])], names=["a", "b"]),
               lambda: P.from_arrays([pa.array([1])], names=["a", "b"]))
    same_error(lambda: Q.from_arrays([qv.array([1])]), lambda: P.from_arrays([pa.array([1])]))
    same_error(lambda: Q.from_arrays([qv.array([1]), qv.array([1, 2])], names=["a", "b"]),
               lambda: P.from_arrays([pa.array([1]), pa.array([1, 2])], names=["a", "b"]))


def test_table_from_chunked_arrays_and_batches():
    pc = pa.chunked_array([[1, 2], [3]])
    qc = qv.chunked_array([[1, 2], [3]])
    same(qv.Table.from_arrays([qc, qv.array(["x", "y", "z"])], names=["a", "b"]),
         pa.Table.from_arrays([pc, pa.array(["x", "y", "z"])], names=["a", "b"]))
    pb = pa.record_batch(_data())
    qb = qv.record_batch(_data())
    same(qv.Table.from_batches([qb, qb]), pa.Table.from_batches([pb, pb]))
    same(qv.Table.from_batches([], schema=qb.schema), pa.Table.from_batches([], schema=pb.schema))
    same_error(lambda: qv.Table.from_batches([]), lambda: pa.Table.from_batches([]))


def test_concat_tables_and_arrays():
    p = pa.table(_data())
    q = qv.table(_data())
    same(qv.concat_tables([q, q.slice(1, 2), q]), pa.concat_tables([p, p.slice(1, 2), p]))
    assert qv.concat_tables([q, q]).num_batches == 2
    same_error(lambda: qv.concat_tables([q, q.select(["b", "a", "c"])]),
               lambda: pa.concat_tables([p, p.select(["b", "a", "c"])]))
    same_error(lambda: qv.concat_tables([]), lambda: pa.concat_tables([]))
    for values in ([[1, None], [3]], [["a"], [None, "bc"], []], [[[1], None], [[2, 3]]]):
        same(qv.concat_arrays([qv.array(v, qv.type_for(pa.array(values[0] + values[1]).type)) for v in values]),
             pa.concat_arrays([pa.array(v, pa.array(values[0] + values[1]).type) for v in values]))
    same(qv.concat_arrays([qv.array([1, 2, 3]).slice(1), qv.array([4])]),
         pa.concat_arrays([pa.array([1, 2, 3]).slice(1), pa.array([4])]))
    same_error(lambda: qv.concat_arrays([qv.array([1]), qv.array(["a"])]),
               lambda: pa.concat_arrays([pa.array([1]), pa.array(["a"])]))
    same_error(lambda: qv.concat_arrays([]), lambda: pa.concat_arrays([]))


def test_chunked_array_api():
    p = pa.chunked_array([[1, None], [], [3, 4]])
    q = qv.chunked_array([qv.array([1, None]), qv.array([], qv.int64()), qv.array([3, 4])])
    assert (q.num_chunks, len(q), q.length(), q.null_count) == (p.num_chunks, len(p), p.length(), p.null_count)
    assert q.type == qv.type_for(p.type)
    assert q.to_pylist() == p.to_pylist()
    assert [c.to_pylist() for c in q.chunks] == [c.to_pylist() for c in p.chunks]
    same(q.combine_chunks(), p.combine_chunks())
    assert q.nbytes == p.nbytes
    # __arrow_c_stream__: pyarrow imports the chunks as they are, zero-copy
    imported = pa.chunked_array(q)
    assert imported.equals(p) and imported.num_chunks == 3
    assert imported.chunk(2).buffers()[1].address == q.chunk(2).buffer_address(1)
    same(qv.chunked_array([], qv.string()).combine_chunks(), pa.chunked_array([], pa.string()).combine_chunks())


def test_chunked_stream_outlives_the_object():
    q = qv.chunked_array([["a", None], ["b"]])
    capsule = q.__arrow_c_stream__()
    del q
    import gc

    gc.collect()

    class Holder:
        def __arrow_c_stream__(self, requested_schema=None):
            return capsule

    assert pa.chunked_array(Holder()).to_pylist() == ["a", None, "b"]


def test_stubs_declare_the_public_api():
    import ast
    import os

    stub_dir = os.path.dirname(qv.__file__)
    declared = {}
    for name in ("__init__.pyi", "ipc.pyi"):
        with open(os.path.join(stub_dir, name)) as f:
            for node in ast.parse(f.read()).body:
                if isinstance(node, ast.ClassDef):
                    names = declared.setdefault(node.name, set())
                    names.update(n.name for n in node.body if isinstance(n, ast.FunctionDef))
                    names.update(n.target.id for n in node.body if isinstance(n, ast.AnnAssign))
                elif isinstance(node, ast.FunctionDef):
                    declared.setdefault("", set()).add(node.name)
    for cls in (qv.Table, qv.RecordBatch, qv.ChunkedArray, qv.Array):
        public = {n for n in dir(cls) if not n.startswith("_")}
        missing = public - declared[cls.__name__]
        assert not missing, (cls.__name__, missing)
    for fn in ("concat_tables", "concat_arrays"):
        assert fn in declared[""]
    for cls in ("RecordBatchReader", "RecordBatchFileReader"):
        public = {n for n in dir(getattr(qv.ipc, cls)) if not n.startswith("_")}
        assert not public - declared[cls], (cls, public - declared[cls])


def test_private_primitives_check_indices_in_c():
    """The C library, not only the Python layer, refuses out-of-range positions."""
    from quiver import _quiver

    t = qv.table(_data())
    b = t.to_batches()[0]
    for obj in (t, b):
        with pytest.raises(IndexError):
            _quiver._select(obj, [0, 3])
        with pytest.raises(IndexError):
            _quiver._select(obj, [-1])
        with pytest.raises(qv.ArrowException):
            _quiver._remove_column(obj, 7)
        with pytest.raises(KeyError):
            _quiver._drop_columns(obj, ["nope"])
        with pytest.raises(qv.ArrowException):
            _quiver._rename_columns(obj, ["x"])
    with pytest.raises(qv.ArrowException):
        _quiver._add_column(t, 9, qv.field("x", qv.int64()), qv.chunked_array([[1, 2, 3, 4]]), False)
    with pytest.raises(qv.ArrowException):
        _quiver._add_column(b, 0, qv.field("x", qv.int64()), qv.array([1]), False)
    with pytest.raises(qv.ArrowException):
        _quiver._add_column(b, 0, qv.field("x", qv.string()), qv.array([1, 2, 3, 4]), False)
