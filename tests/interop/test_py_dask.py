"""A Dask distributed cluster (two worker processes, loopback only)
computing over quiver tables shipped by pickle (issue 11, item 3): tables
go to the workers (scatter), results come back as quiver tables, and the
values agree with pyarrow computing the same on the same tables. Every wait
is bounded; the cluster has no dashboard and binds 127.0.0.1 only.
"""
import pickle

import pyarrow as pa
import pytest

import quiver as qv

distributed = pytest.importorskip("distributed")

TIMEOUT = 120  # seconds, for every wait on the cluster


def _column_sum(table, name):
    return sum(v for v in table.column(name).to_pylist() if v is not None)


def _summarise(table):
    """Runs in a worker: a small quiver table built from the shipped one."""
    import quiver as qv_worker

    return qv_worker.table({"rows": [table.num_rows], "x_sum": [_column_sum(table, "x")],
                            "nulls": [table.column("y").null_count],
                            "longest": [max(len(s) for s in table.column("s").to_pylist() if s is not None)]})


def _concat_and_slice(tables):
    import quiver as qv_worker

    return qv_worker.concat_tables(tables).slice(5, 250)


def _worker_pid():
    import os

    return os.getpid()


def _tables():
    return [qv.table({"x": list(range(i * 1000, i * 1000 + 1000)), "y": [None if k % 7 == 0 else k for k in range(1000)],
                      "s": ["v%d" % (k * i) for k in range(1000)]}) for i in range(6)]


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, host="127.0.0.1",
                                  dashboard_address=None, scheduler_port=0, silence_logs=40) as cluster:
        with distributed.Client(cluster, timeout=TIMEOUT) as c:
            c.wait_for_workers(2, timeout=TIMEOUT)
            yield c


def test_cluster_runs_two_worker_processes(client):
    import os

    pids = set(client.run(_worker_pid).values())
    assert len(pids) == 2 and os.getpid() not in pids
    assert all(addr.startswith("tcp://127.0.0.1:") for addr in client.scheduler_info()["workers"])


def test_workers_compute_over_scattered_quiver_tables(client):
    tables = _tables()
    shipped = client.scatter(tables)
    results = client.gather(client.map(_summarise, shipped), errors="raise")
    assert all(isinstance(r, qv.Table) for r in results)
    want = [{"rows": [t.num_rows], "x_sum": [_column_sum(pa.table(t), "x")], "nulls": [pa.table(t).column("y").null_count],
             "longest": [max(len(s) for s in pa.table(t).column("s").to_pylist() if s is not None)]} for t in tables]
    assert [r.to_pydict() for r in results] == want
    # the computations ran in the worker processes
    who = client.who_has(shipped)
    assert len({w for ws in who.values() for w in ws}) == 2


def test_tables_come_back_whole(client):
    tables = _tables()
    future = client.submit(_concat_and_slice, tables, pure=False)
    got = future.result(timeout=TIMEOUT)
    want = pa.concat_tables([pa.table(t) for t in tables]).slice(5, 250)
    assert isinstance(got, qv.Table)
    assert pa.table(got).equals(want)
    assert got.schema.equals(tables[0].schema)


def test_dask_delayed_graph_on_the_cluster(client):
    import dask

    tables = _tables()
    parts = [dask.delayed(_summarise)(t) for t in tables]
    total = dask.delayed(lambda rs: sum(r.column("x_sum").to_pylist()[0] for r in rs))(parts)
    got = client.compute(total).result(timeout=TIMEOUT)
    assert got == sum(_column_sum(pa.table(t), "x") for t in tables)


def test_every_object_kind_crosses_the_cluster(client):
    t = _tables()[0]
    objects = [t, t.to_batches()[0], t.column("s"), t.column("y").chunk(0).slice(3, 10), t.schema,
               t.schema.field("s"), qv.timestamp("ns", tz="UTC")]
    back = client.gather(client.map(lambda o: pickle.loads(pickle.dumps(o, protocol=5)), objects, pure=False))
    for a, b in zip(objects, back):
        assert type(a) is type(b)
        assert a == b or a.equals(b)


def test_dask_serializes_tables_with_out_of_band_buffers():
    """Dask's own serializer pickles with protocol 5: the table's Arrow IPC stream is a
    separate frame, not bytes copied into the pickle."""
    from distributed.protocol import deserialize, serialize

    t = qv.table({"a": list(range(10000))})
    header, frames = serialize(t)
    assert header["serializer"] == "pickle"
    sizes = sorted(len(memoryview(f)) for f in frames)
    assert len(frames) == 2 and sizes[0] < 1000 and sizes[1] > 80000
    assert deserialize(header, frames).equals(t)
