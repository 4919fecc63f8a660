"""Release semantics of the C Data Interface, counted in a C producer.

quiver._quiver._testing_counting_array / _testing_counting_stream are tiny
producers written in C whose release callbacks increment counters. Whatever
quiver does with imported data - slicing, re-exporting to pyarrow, polars
or duckdb, dropping references in any order, failing an import - each
producer structure must be released exactly once, and only when the last
user is gone.
"""
import gc

import duckdb
import polars as pl
import pyarrow as pa
import pytest

import quiver as qv
from quiver import _quiver


class ArrayProducer:
    def __init__(self, n=10):
        self.caps = _quiver._testing_counting_array(n)

    def __arrow_c_array__(self, requested_schema=None):
        return self.caps


class StreamProducer:
    def __init__(self, batches=3, rows=4):
        self.cap = _quiver._testing_counting_stream(batches, rows)

    def __arrow_c_stream__(self, requested_schema=None):
        return self.cap


class Counts:
    """Release counts since construction."""

    def __init__(self):
        gc.collect()
        self.base = _quiver._testing_release_counts()

    def __call__(self):
        gc.collect()
        now = _quiver._testing_release_counts()
        return {k: now[k] - self.base[k] for k in now}


def test_imported_array_released_once_after_slices_and_exports():
    counts = Counts()
    a = qv.array(ArrayProducer(10))
    assert counts() == {"schema": 1, "array": 0, "stream": 0}  # schema consumed at import
    s1 = a[2:7]
    s2 = s1.slice(1, 2)
    p = pa.array(s2)  # re-export to pyarrow
    caps = s1.__arrow_c_array__()  # an export nobody consumes
    del a
    assert counts()["array"] == 0
    del s1, caps
    assert counts()["array"] == 0
    assert p.to_pylist() == [3, 4]
    del s2
    assert counts()["array"] == 0
    del p
    assert counts() == {"schema": 1, "array": 1, "stream": 0}


def test_released_once_when_the_consumer_dies_first():
    counts = Counts()
    a = qv.array(ArrayProducer(5))
    p = pa.array(a)
    df = pl.DataFrame({"x": pl.Series(a)})
    del p
    assert counts()["array"] == 0
    del a
    assert counts()["array"] == 0
    assert df["x"].to_list() == [0, 1, 2, 3, 4]
    del df
    assert counts()["array"] == 1


def test_unconsumed_producer_capsules_are_released_by_gc():
    counts = Counts()
    producer = ArrayProducer(3)
    del producer
    assert counts() == {"schema": 1, "array": 1, "stream": 0}
    s = StreamProducer()
    del s
    assert counts()["stream"] == 1


def test_failed_import_still_releases_exactly_once():
    counts = Counts()
    # a plain int32 array is not a record batch: schema import fails
    with pytest.raises(qv.ArrowInvalid):
        qv.record_batch(ArrayProducer(4))
    assert counts() == {"schema": 1, "array": 1, "stream": 0}
    # a capsule can be consumed only once
    producer = ArrayProducer(4)
    first = qv.array(producer)
    with pytest.raises(qv.ArrowInvalid, match="released"):
        qv.array(producer)
    del first, producer
    assert counts() == {"schema": 2, "array": 2, "stream": 0}


def test_stream_released_after_reading_and_batches_when_unused():
    counts = Counts()
    t = qv.table(StreamProducer(batches=3, rows=4))
    c = counts()
    assert c["stream"] == 1 and c["array"] == 0
    assert t.num_batches == 3
    assert t.column("x").to_pylist() == list(range(12))
    first = t.to_batches()[0].slice(1, 2)
    del t
    assert counts()["array"] == 2  # batches 2 and 3
    assert first.to_pydict() == {"x": [1, 2]}
    del first
    assert counts() == {"schema": 1, "array": 3, "stream": 1}


def _duckdb_sum(t):
    # duckdb finds `t` through this frame's locals (a frame that dies on
    # return: in Python < 3.13 a snapshot of f_locals lives as long as the frame)
    return duckdb.sql("select sum(x) from t").fetchall()


def test_duckdb_reading_a_quiver_table_of_foreign_data():
    counts = Counts()
    t = qv.table(StreamProducer(batches=2, rows=5))
    assert _duckdb_sum(t) == [(45,)]
    pt = pa.table(t)
    del t
    assert counts()["array"] == 0
    assert pt.column("x").to_pylist() == list(range(10))
    del pt
    assert counts()["array"] == 2


def test_exported_quiver_data_outlives_quiver_objects():
    q = qv.array(["a" * 50, None, "b"])
    addr = q.buffer_address(2)
    p = pa.array(q)
    del q
    gc.collect()
    assert p.to_pylist() == ["a" * 50, None, "b"]
    assert p.buffers()[2].address == addr
    stream_holder = qv.table({"x": [1, 2]}).__arrow_c_stream__()
    gc.collect()
    reader = pa.RecordBatchReader._import_from_c_capsule(stream_holder)
    assert reader.read_all().to_pydict() == {"x": [1, 2]}
