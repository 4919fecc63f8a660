"""quiver.ipc.new_stream / new_file / open_stream / open_file: batch-by-batch
IPC writers and readers (issue 11, item 2), checked against pyarrow.ipc
reading what quiver writes and quiver reading what pyarrow writes, over
paths, file objects, bytes and sockets.
"""
import io
import socket
import threading

import pyarrow as pa
import pytest

import quiver as qv


def _batches():
    t = qv.table({"a": [1, None, 3, 4, 5], "s": ["x", "yy", None, "", "z"]})
    return t.schema, [t.slice(0, 2).combine_chunks().to_batches()[0], t.slice(2).combine_chunks().to_batches()[0]]


def _pa_table():
    schema, batches = _batches()
    return pa.Table.from_batches([pa.record_batch(b) for b in batches])


@pytest.mark.parametrize("fmt", ["stream", "file"])
@pytest.mark.parametrize("sink_kind", ["none", "bytesio", "path"])
def test_writers_are_read_by_pyarrow(fmt, sink_kind, tmp_path):
    schema, batches = _batches()
    new = qv.ipc.new_stream if fmt == "stream" else qv.ipc.new_file
    path = tmp_path / ("out." + fmt)
    sink = {"none": None, "bytesio": io.BytesIO(), "path": str(path)}[sink_kind]
    with new(sink, schema) as w:
        for b in batches:
            w.write_batch(b)
    data = {"none": lambda: bytes(w.getvalue()), "bytesio": lambda: sink.getvalue(),
            "path": lambda: path.read_bytes()}[sink_kind]()
    reader = pa.ipc.open_stream(data) if fmt == "stream" else pa.ipc.open_file(data)
    got = reader.read_all()
    assert got.equals(_pa_table())
    assert [b.num_rows for b in got.to_batches()] == [2, 3]


def test_path_writer_appears_only_when_closed(tmp_path):
    schema, batches = _batches()
    path = tmp_path / "x.arrows"
    with pytest.raises(RuntimeError):
        with qv.ipc.new_stream(str(path), schema) as w:
            w.write_batch(batches[0])
            raise RuntimeError("abandon")
    assert not path.exists()


def test_writer_rejects_a_batch_of_another_schema():
    schema, _ = _batches()
    other = qv.record_batch({"b": [1.0]})
    w = qv.ipc.new_stream(None, schema)
    with pytest.raises(qv.ArrowException):
        w.write_batch(other)


@pytest.mark.parametrize("source_kind", ["bytes", "bytesio", "path"])
def test_stream_reader_reads_pyarrow(source_kind, tmp_path):
    expected = _pa_table()
    sink = io.BytesIO()
    with pa.ipc.new_stream(sink, expected.schema) as w:
        for b in expected.to_batches():
            w.write_batch(b)
    data = sink.getvalue()
    path = tmp_path / "in.arrows"
    path.write_bytes(data)
    source = {"bytes": data, "bytesio": io.BytesIO(data), "path": str(path)}[source_kind]
    with qv.ipc.open_stream(source) as r:
        assert pa.schema(r.schema).equals(expected.schema)
        first = next(r)
        assert pa.record_batch(first).equals(expected.to_batches()[0])
        rest = r.read_all()  # the batches not read yet
    assert pa.table(rest).equals(expected.slice(2))
    assert pa.table(qv.ipc.open_stream(data)).equals(expected)  # RecordBatchReader.__arrow_c_stream__


@pytest.mark.parametrize("source_kind", ["bytes", "bytesio", "path"])
def test_file_reader_random_access(source_kind, tmp_path):
    expected = _pa_table()
    sink = io.BytesIO()
    with pa.ipc.new_file(sink, expected.schema) as w:
        for b in expected.to_batches():
            w.write_batch(b)
    data = sink.getvalue()
    path = tmp_path / "in.arrow"
    path.write_bytes(data)
    source = {"bytes": data, "bytesio": io.BytesIO(data), "path": str(path)}[source_kind]
    p = pa.ipc.open_file(data)
    with qv.ipc.open_file(source) as r:
        assert r.num_record_batches == p.num_record_batches == 2
        for i in (1, 0):
            assert pa.record_batch(r.get_batch(i)).equals(p.get_batch(i))
        for bad in (2, -1):
            with pytest.raises(ValueError):
                p.get_batch(bad)
            with pytest.raises(ValueError):
                r.get_batch(bad)
        assert pa.table(r.read_all()).equals(p.read_all())
        assert [b.num_rows for b in r] == [2, 3]


def test_stream_over_a_socket():
    schema, batches = _batches()
    left, right = socket.socketpair()

    def send():
        with left.makefile("wb") as f, qv.ipc.new_stream(f, schema) as w:
            for b in batches:
                w.write_batch(b)
        left.close()

    sender = threading.Thread(target=send)
    sender.start()
    try:
        with qv.ipc.open_stream(right) as r:
            got = [b.num_rows for b in r]
    finally:
        sender.join(timeout=30)
        right.close()
    assert got == [2, 3]


def test_bad_input_is_an_error_not_a_crash():
    with pytest.raises(qv.ArrowException):
        qv.ipc.open_stream(b"\xff\xff\xff\xff\x10\x00\x00\x00garbage!garbage!")
    with pytest.raises(qv.ArrowException):
        qv.ipc.open_file(b"not an arrow file at all")
    with pytest.raises(FileNotFoundError):
        qv.ipc.open_stream("/nonexistent/x.arrows")


def test_record_batch_reader_from_batches():
    schema, batches = _batches()
    r = qv.RecordBatchReader.from_batches(schema, batches)
    assert pa.RecordBatchReader.from_stream(r).read_all().equals(_pa_table())
