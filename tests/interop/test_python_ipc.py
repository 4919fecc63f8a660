"""quiver.ipc from Python: streams and files over paths, file objects and
bytes, checked against pyarrow's IPC reader and writer; reading is
zero-copy (arrays point into the bytes or the mapped file).
"""
import gc
import io

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.ipc as paipc
import pytest

import quiver as qv
from conftest import CASES


def _every_type_table():
    return pa.table({name: arr.slice(0, 2) for name, arr in CASES.items()})


def _pa_stream(table, **kw):
    sink = pa.BufferOutputStream()
    with paipc.new_stream(sink, table.schema, **kw) as w:
        w.write_table(table)
    return sink.getvalue().to_pybytes()


def _pa_file(table):
    sink = pa.BufferOutputStream()
    with paipc.new_file(sink, table.schema) as w:
        w.write_table(table)
    return sink.getvalue().to_pybytes()


@pytest.mark.parametrize("compression", [None, "lz4", "zstd"])
def test_quiver_writes_what_pyarrow_reads(compression):
    pt = _every_type_table()
    qt = qv.table(pt)
    stream = qv.ipc.write_stream(qt, compression=compression)
    assert isinstance(stream, memoryview) and stream.readonly
    got = paipc.open_stream(stream).read_all()
    got.validate(full=True)
    assert got.equals(pt)
    file = qv.ipc.write_file(qt, compression=compression)
    assert file[:6] == b"ARROW1"
    assert paipc.open_file(file).read_all().equals(pt)


@pytest.mark.parametrize("compression", [None, "lz4", "zstd"])
def test_quiver_reads_what_pyarrow_writes(compression):
    pt = _every_type_table()
    opts = paipc.IpcWriteOptions(compression=compression)
    qt = qv.ipc.read_stream(_pa_stream(pt, options=opts), full_validation=True)
    assert pa.table(qt).equals(pt)
    qt.validate(full=True)
    assert qv.ipc.read_file(_pa_file(pt)).equals(qt)
    assert qv.ipc.read(_pa_file(pt)).equals(qt)


def test_paths_and_file_objects(tmp_path):
    t = qv.table({"a": [1, 2, None], "s": ["x", None, "zz"]})
    for write, read, name in [(qv.ipc.write_stream, qv.ipc.read_stream, "t.arrows"),
                              (qv.ipc.write_file, qv.ipc.read_file, "t.arrow")]:
        path = tmp_path / name
        assert write(t, path) is None
        assert read(path).equals(t) and read(str(path)).equals(t) and qv.ipc.read(path).equals(t)
        with open(path, "rb") as f:
            assert read(f).equals(t)
        buf = io.BytesIO()
        write(t, buf)
        buf.seek(0)
        assert read(buf).equals(t)
        assert read(path.read_bytes()).equals(t)
    assert paipc.open_file(tmp_path / "t.arrow").read_all().equals(pa.table(t))


def test_accepts_batches_and_foreign_tables():
    b = qv.record_batch({"x": [1.5, None]})
    assert qv.ipc.read_stream(qv.ipc.write_stream(b)).to_pydict() == {"x": [1.5, None]}
    pt = pa.table({"y": ["a", "b"]})
    assert qv.ipc.read_stream(qv.ipc.write_stream(pt)).to_pydict() == {"y": ["a", "b"]}
    assert qv.ipc.read_stream(qv.ipc.write_stream({"z": [1]})).to_pydict() == {"z": [1]}


def test_reading_bytes_is_zero_copy_and_keeps_them_alive():
    data = bytearray(qv.ipc.write_stream(qv.table({"a": list(range(1000)), "s": ["v%d" % i for i in range(1000)]})))
    base = np.frombuffer(data, dtype=np.uint8).ctypes.data
    t = qv.ipc.read_stream(data)
    col = t.column("a").chunk(0)
    assert base <= col.buffer_address(1) < base + len(data)
    del data
    gc.collect()
    assert t.column("s").to_pylist()[-1] == "v999"
    assert duckdb.sql("select sum(a) from t").fetchall() == [(499500,)]


def test_mapped_file_outlives_the_reader(tmp_path):
    path = tmp_path / "big.arrow"
    qv.ipc.write_file(qv.table({"a": list(range(10000))}), path)
    col = qv.ipc.read_file(path).column("a").chunk(0)
    gc.collect()
    assert col[9999].as_py() == 9999
    assert np.asarray(col).sum() == sum(range(10000))


def test_errors_are_exceptions_not_crashes(tmp_path):
    with pytest.raises(qv.ArrowInvalid):
        qv.ipc.read_stream(b"garbage!" * 4)
    good = qv.ipc.write_stream(qv.table({"a": [1, 2, 3]}))
    for cut in (1, 9, len(good) // 2, len(good) - 9):
        with pytest.raises(qv.ArrowException):
            qv.ipc.read_stream(good[:cut])
    with pytest.raises(qv.ArrowException):
        qv.ipc.read_file(good)  # a stream is not a file
    with pytest.raises(FileNotFoundError):
        qv.ipc.read_file(tmp_path / "missing.arrow")
    with pytest.raises(ValueError, match="compression"):
        qv.ipc.write_stream(qv.table({"a": [1]}), compression="gzip")
    with pytest.raises(TypeError):
        qv.ipc.read_stream(12345)
