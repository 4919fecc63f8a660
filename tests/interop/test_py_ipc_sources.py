"""quiver.ipc readers and writers over sockets and file objects, with
pyarrow on the other end (issue 11, item 2): pyarrow writes, quiver reads
and the other way round, over socket.socketpair() (loopback, in-process),
real files opened by open(), and pyarrow's own NativeFile streams. Every
socket test is bounded: a watchdog shuts the sockets down after WATCHDOG
seconds, which ends any blocked read with end-of-stream.
"""
import contextlib
import socket
import threading

import pyarrow as pa
import pyarrow.ipc as paipc
import pytest

import quiver as qv

WATCHDOG = 60


def _pa_batches():
    schema = pa.schema([("a", pa.int64()), ("s", pa.string()), ("l", pa.list_(pa.float64()))])
    batches = [pa.record_batch({"a": list(range(i * 10, i * 10 + 10)), "s": ["r%d" % k if k % 3 else None for k in range(10)],
                                "l": [[k / 2] * (k % 4) for k in range(10)]}, schema=schema) for i in range(4)]
    return schema, batches


@contextlib.contextmanager
def _socketpair():
    left, right = socket.socketpair()
    timer = threading.Timer(WATCHDOG, lambda: [s.shutdown(socket.SHUT_RDWR) for s in (left, right)])
    timer.start()
    try:
        yield left, right
    finally:
        timer.cancel()
        left.close()
        right.close()


def _in_thread(fn):
    errors = []

    def run():
        try:
            fn()
        except BaseException as e:  # noqa: BLE001 - reported to the test below
            errors.append(e)

    t = threading.Thread(target=run)
    t.start()
    return t, errors


def _finish(thread, errors):
    thread.join(timeout=WATCHDOG)
    assert not thread.is_alive(), "the other end did not finish"
    if errors:
        raise errors[0]


def test_quiver_reads_a_pyarrow_stream_from_a_socket_batch_by_batch():
    schema, batches = _pa_batches()
    with _socketpair() as (left, right):
        first_read = threading.Event()

        def send():
            with left.makefile("wb") as f, paipc.new_stream(f, schema) as w:
                w.write_batch(batches[0])
                f.flush()
                # the reader has the first batch before the writer goes on: reading is incremental
                assert first_read.wait(WATCHDOG)
                for b in batches[1:]:
                    w.write_batch(b)
            left.shutdown(socket.SHUT_WR)

        thread, errors = _in_thread(send)
        with qv.ipc.open_stream(right) as r:
            assert pa.schema(r.schema).equals(schema)
            got = [r.read_next_batch()]
            first_read.set()
            got += list(r)
        _finish(thread, errors)
    assert pa.Table.from_batches([pa.record_batch(b) for b in got]).equals(pa.Table.from_batches(batches))


@pytest.mark.parametrize("sink_kind", ["socket", "makefile"])
@pytest.mark.parametrize("fmt", ["stream", "file"])
def test_pyarrow_reads_what_quiver_writes_to_a_socket(sink_kind, fmt):
    schema, batches = _pa_batches()
    qschema = qv.schema(schema)
    with _socketpair() as (left, right):

        def send():
            sink = left if sink_kind == "socket" else left.makefile("wb")
            new = qv.ipc.new_stream if fmt == "stream" else qv.ipc.new_file
            with new(sink, qschema) as w:
                for b in batches:
                    w.write_batch(qv.record_batch(b))
            if sink is not left:
                sink.close()
            left.shutdown(socket.SHUT_WR)

        thread, errors = _in_thread(send)
        with right.makefile("rb") as f:
            if fmt == "stream":
                got = paipc.open_stream(f).read_all()
            else:
                got = paipc.open_file(pa.BufferReader(f.read())).read_all()
        _finish(thread, errors)
    assert got.equals(pa.Table.from_batches(batches))


def test_socket_end_of_stream_without_marker_and_garbage():
    schema, batches = _pa_batches()
    with _socketpair() as (left, right):
        sink = pa.BufferOutputStream()
        with paipc.new_stream(sink, schema) as w:
            w.write_batch(batches[0])
        whole = sink.getvalue().to_pybytes()
        left.sendall(whole[:-8])  # everything but the end-of-stream marker
        left.shutdown(socket.SHUT_WR)
        with qv.ipc.open_stream(right) as r:
            assert [b.num_rows for b in r] == [10]
    with _socketpair() as (left, right):
        left.sendall(whole[:len(whole) // 2])  # cut inside the batch
        left.shutdown(socket.SHUT_WR)
        with pytest.raises(qv.ArrowException):
            with qv.ipc.open_stream(right, require_eos=True) as r:
                list(r)
    with _socketpair() as (left, right):
        left.sendall(whole[:-8])
        left.shutdown(socket.SHUT_WR)
        with pytest.raises(qv.ArrowException):  # require_eos: a stream must end with the marker
            with qv.ipc.open_stream(right, require_eos=True) as r:
                list(r)


@pytest.mark.parametrize("fmt", ["stream", "file"])
def test_real_files_opened_by_open(fmt, tmp_path):
    schema, batches = _pa_batches()
    path = tmp_path / ("x.arrows" if fmt == "stream" else "x.arrow")
    new = qv.ipc.new_stream if fmt == "stream" else qv.ipc.new_file
    with open(path, "wb") as f, new(f, qv.schema(schema)) as w:
        for b in batches:
            w.write_batch(qv.record_batch(b))
    want = pa.Table.from_batches(batches)
    opened = paipc.open_stream(pa.memory_map(str(path))) if fmt == "stream" else paipc.open_file(pa.memory_map(str(path)))
    assert opened.read_all().equals(want)
    # and pyarrow's file read back by quiver through a file object
    pa_path = tmp_path / ("p.arrows" if fmt == "stream" else "p.arrow")
    with pa.OSFile(str(pa_path), "wb") as sink:
        with (paipc.new_stream if fmt == "stream" else paipc.new_file)(sink, schema) as w:
            for b in batches:
                w.write_batch(b)
    with open(pa_path, "rb") as f:
        reader = qv.ipc.open_stream(f) if fmt == "stream" else qv.ipc.open_file(f)
        with reader as r:
            if fmt == "file":
                assert r.num_record_batches == 4
                assert pa.record_batch(r.get_batch(3)).equals(batches[3])
            assert pa.table(r.read_all()).equals(want)


def test_pyarrow_native_files_as_sink_and_source():
    schema, batches = _pa_batches()
    sink = pa.BufferOutputStream()
    with qv.ipc.new_stream(sink, qv.schema(schema)) as w:
        for b in batches:
            w.write_batch(qv.record_batch(b))
    buf = sink.getvalue()
    assert paipc.open_stream(buf).read_all().equals(pa.Table.from_batches(batches))
    with qv.ipc.open_stream(pa.BufferReader(buf)) as r:
        assert pa.table(r.read_all()).equals(pa.Table.from_batches(batches))


def test_file_format_needs_random_access_not_a_socket():
    with _socketpair() as (left, right):
        with pytest.raises(ValueError, match="random access"):
            qv.ipc.open_file(right)


def test_a_closed_socket_is_an_error_not_a_hang():
    left, right = socket.socketpair()
    left.close()
    right.close()
    with pytest.raises(ValueError, match="closed socket"):
        qv.ipc.open_stream(right)
