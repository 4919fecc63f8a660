"""Pickling every quiver object through Arrow IPC (issue 11, item 2), with
protocol 5 out-of-band buffers, and a multiprocessing pool computing over
quiver tables shipped by pickle. pyarrow is the oracle for the values.
"""
import multiprocessing
import pickle

import pyarrow as pa
import pytest

import quiver as qv


def _table():
    return qv.table({"a": [1, None, 3], "s": ["x", None, "zz"], "l": [[1, 2], None, []]},
                    metadata={b"k": b"v"})


def _objects():
    t = _table()
    return [
        qv.int32(), qv.list_(qv.field("x", qv.timestamp("ns", tz="UTC"))),
        qv.dictionary(qv.int8(), qv.string()),
        qv.field("f", qv.decimal128(10, 2), nullable=False, metadata={b"a": b"b"}),
        t.schema, t.column("s").chunk(0), t.column("l").chunk(0).slice(1), t.column("a"),
        qv.chunked_array([[1, 2], [], [3]]), t.to_batches()[0], t, qv.concat_tables([t, t]),
        qv.chunked_array([], qv.string()),
    ]


def _same(a, b):
    if isinstance(a, (qv.DataType, qv.Field, qv.Schema)):
        return a.equals(b, check_metadata=True) if not isinstance(a, qv.DataType) else a == b
    if isinstance(a, qv.Table):
        return a.equals(b, check_metadata=True)
    return a.equals(b)


@pytest.mark.parametrize("protocol", [2, 4, 5])
def test_every_object_round_trips(protocol):
    for obj in _objects():
        back = pickle.loads(pickle.dumps(obj, protocol=protocol))
        assert type(back) is type(obj)
        assert _same(obj, back), obj


def test_round_trip_matches_pyarrow():
    t = _table()
    assert pa.table(pickle.loads(pickle.dumps(t))).equals(pickle.loads(pickle.dumps(pa.table(t))),
                                                          check_metadata=True)


def test_protocol_5_ships_the_ipc_stream_out_of_band():
    t = qv.table({"a": list(range(10000))})
    buffers = []
    data = pickle.dumps(t, protocol=5, buffer_callback=buffers.append)
    assert len(buffers) == 1
    assert len(data) < 1000  # the values are not in the pickle itself
    assert buffers[0].raw().nbytes > 80000
    back = pickle.loads(data, buffers=buffers)
    assert back.equals(t)
    # the restored table views the out-of-band buffer: no copy on loading
    view = buffers[0].raw()
    address = back.column("a").chunk(0).buffer_address(1)
    base = qv.ipc.read_stream(view).column("a").chunk(0).buffer_address(1)
    assert address == base


def _sum_column(payload):
    table, name = payload
    return sum(v for v in table.column(name).to_pylist() if v is not None), table.num_rows


def test_multiprocessing_pool_over_pickled_tables():
    tables = [qv.table({"x": list(range(i * 100, i * 100 + 100)), "y": [None] * 100}) for i in range(6)]
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(2) as pool:
        results = pool.map_async(_sum_column, [(t, "x") for t in tables]).get(timeout=120)
    expected = [_sum_column((pa.table(t), "x")) for t in tables]
    assert results == expected
