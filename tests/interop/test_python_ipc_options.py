"""quiver.ipc reader options that guard against untrusted or changing input:
require_eos (silent short reads), max_decompressed_size (decompression
bombs), memory_map (files truncated under a mapping), and the error for
files that are not Arrow IPC at all.
"""
import os
import signal
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pyarrow as pa
import pyarrow.ipc as paipc
import pytest

import quiver as qv


def _stream_with_boundaries(n_batches=3, rows=100):
    """A pyarrow stream of n batches and the byte offset of the message
    boundary after each batch (the last one is where the end-of-stream
    marker starts)."""
    sink = pa.BufferOutputStream()
    schema = pa.schema([("a", pa.int64()), ("s", pa.string())])
    w = paipc.new_stream(sink, schema)
    bounds = []
    for b in range(n_batches):
        w.write_batch(pa.record_batch([pa.array(range(b * rows, (b + 1) * rows)),
                                       pa.array([f"v{i}" for i in range(rows)])], schema=schema))
        bounds.append(sink.tell())
    w.close()
    data = sink.getvalue().to_pybytes()
    assert data[bounds[-1]:] == b"\xff\xff\xff\xff\x00\x00\x00\x00"
    return data, bounds


def test_stream_cut_at_a_message_boundary_reads_short_by_default():
    data, bounds = _stream_with_boundaries()
    for k, cut in enumerate(bounds, start=1):
        t = qv.ipc.read_stream(data[:cut])
        assert t.num_rows == 100 * k  # legal per the spec, hence the option below
        assert qv.ipc.read(data[:cut]).num_rows == 100 * k


def test_require_eos_rejects_a_stream_cut_at_a_message_boundary(tmp_path):
    data, bounds = _stream_with_boundaries()
    for cut in bounds:
        with pytest.raises(qv.ArrowInvalid, match="end-of-stream marker"):
            qv.ipc.read_stream(data[:cut], require_eos=True)
        with pytest.raises(qv.ArrowInvalid, match="end-of-stream"):
            qv.ipc.read(data[:cut], require_eos=True)
    path = tmp_path / "cut.arrows"
    path.write_bytes(data[:bounds[1]])
    for mapped in (False, True):
        with pytest.raises(qv.ArrowInvalid, match="end-of-stream marker"):
            qv.ipc.read_stream(path, require_eos=True, memory_map=mapped)
        assert qv.ipc.read_stream(path, memory_map=mapped).num_rows == 200
    # A complete stream passes, and the table is whole.
    assert qv.ipc.read_stream(data, require_eos=True).num_rows == 300
    # Files have a footer instead; read_file has no such option.
    with pytest.raises(TypeError):
        qv.ipc.read_file(data, require_eos=True)


def test_max_decompressed_size_caps_each_message():
    t = pa.table({"z": np.zeros(1 << 18, dtype=np.int64)})  # 2 MiB of zeros: compresses to almost nothing
    sink = pa.BufferOutputStream()
    with paipc.new_stream(sink, t.schema, options=paipc.IpcWriteOptions(compression="zstd")) as w:
        w.write_table(t)
    data = sink.getvalue().to_pybytes()
    assert len(data) < 100_000
    with pytest.raises(qv.ArrowException, match="max_decompressed_size"):
        qv.ipc.read_stream(data, max_decompressed_size=1 << 20)
    with pytest.raises(qv.ArrowException, match="max_decompressed_size"):
        qv.ipc.read(data, max_decompressed_size=1 << 20)
    assert qv.ipc.read_stream(data, max_decompressed_size=4 << 20).num_rows == 1 << 18
    assert qv.ipc.read_stream(data).num_rows == 1 << 18  # default: 4 GiB per message
    qfile = bytes(qv.ipc.write_file(qv.ipc.read_stream(data), compression="zstd"))
    with pytest.raises(qv.ArrowException, match="max_decompressed_size"):
        qv.ipc.read_file(qfile, max_decompressed_size=1000)
    for bad in (0, -1):
        with pytest.raises(ValueError, match="max_decompressed_size"):
            qv.ipc.read_stream(data, max_decompressed_size=bad)


def _write_sample(path, n=50_000):
    qv.ipc.write_file(qv.table({"a": list(range(n)), "s": [f"row{i}" for i in range(n)]}), path)


def test_reading_a_path_survives_truncation_of_the_file(tmp_path):
    """The default reads the file into memory: a later truncation (another
    process rewriting the file) cannot fault the table. This test used to
    kill the interpreter with SIGBUS, when paths were always mapped."""
    path = tmp_path / "data.arrow"
    _write_sample(path)
    t = qv.ipc.read_file(path)
    s = qv.ipc.read(path)
    os.truncate(path, 0)
    with open(path, "wb") as f:
        f.write(b"rewritten")
    col = t.column("a").chunk(0)
    assert np.asarray(col).sum() == sum(range(50_000))
    assert t.column("s").to_pylist()[-1] == "row49999"
    assert s.to_pydict()["a"][:3] == [0, 1, 2]
    assert str(t.column("s").chunk(0)).startswith("[")


def test_memory_map_is_zero_copy_and_its_hazard_is_real(tmp_path):
    """memory_map=True maps the file (no copy): the documented price is that
    truncating the file under a live table kills the process with SIGBUS.
    Run in a child process so the test itself survives."""
    path = tmp_path / "data.arrow"
    _write_sample(path)
    t = qv.ipc.read_file(path, memory_map=True)
    assert t.column("a").to_pylist()[-1] == 49_999
    with pytest.raises(ValueError, match="memory_map"):
        qv.ipc.read_file(path.read_bytes(), memory_map=True)
    child = textwrap.dedent(f"""
        import os, numpy as np, quiver as qv
        t = qv.ipc.read_file({str(path)!r}, memory_map=True)
        os.truncate({str(path)!r}, 0)
        print(np.asarray(t.column("a").chunk(0)).sum())
    """)
    proc = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, timeout=60)
    # Under AddressSanitizer (scripts/asan-pytest.sh) the fault is reported
    # by ASan ("BUS on unknown address") instead of the bare signal.
    assert proc.returncode == -signal.SIGBUS or "BUS on unknown address" in proc.stderr, \
        (proc.returncode, proc.stdout, proc.stderr[-2000:])


def test_memory_map_docs_name_the_hazard():
    for f in (qv.ipc.read_stream, qv.ipc.read_file, qv.ipc.read):
        assert "SIGBUS" in f.__doc__ and "memory_map" in f.__doc__
    assert "SIGBUS" in qv.ipc.__doc__
    stub = os.path.join(os.path.dirname(qv.ipc.__file__), "ipc.pyi")
    with open(stub) as f:
        assert "SIGBUS" in f.read()


def _foreign_files(tmp_path):
    import pyarrow.feather as feather
    import pyarrow.parquet as pq

    t = pa.table({"a": [1, 2, 3], "b": ["x", "y", "z"]})
    pq.write_table(t, tmp_path / "t.parquet")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        feather.write_feather(t, tmp_path / "t.feather", version=1)
    (tmp_path / "t.csv").write_text("a,b\n1,x\n2,y\n3,z\n")
    return [(tmp_path / "t.parquet", ("parquet",)), (tmp_path / "t.feather", ("feather v1",)),
            (tmp_path / "t.csv", ("csv", "text"))]


def test_foreign_formats_are_named_in_the_error(tmp_path):
    """A Parquet, Feather v1 or CSV file handed to the IPC readers is
    refused with an error that names what it looks like, not an absurd
    metadata length."""
    for path, words in _foreign_files(tmp_path):
        for read in (lambda: qv.ipc.read(path), lambda: qv.ipc.read_stream(path),
                     lambda: qv.ipc.read(path.read_bytes()), lambda: qv.ipc.read(path, memory_map=True),
                     lambda: qv.ipc.read_stream(path.read_bytes())):
            with pytest.raises(qv.ArrowException) as info:
                read()
            msg = str(info.value).lower()
            assert any(w in msg for w in words), f"{path.name}: {info.value}"
        # The file reader checks the ARROW1 magic first: its message says the
        # input is not an Arrow IPC file (naming the format is welcome too).
        for mapped in (False, True):
            with pytest.raises(qv.ArrowException) as info:
                qv.ipc.read_file(path, memory_map=mapped)
            msg = str(info.value).lower()
            assert "arrow ipc file" in msg or any(w in msg for w in words), f"{path.name}: {info.value}"


def test_reading_a_growing_buffer_path_and_a_fifo(tmp_path):
    """Paths are read to EOF, whatever fstat said: a FIFO (no size) and a
    stream larger than the first read both come back whole."""
    import threading

    big = qv.table({"a": list(range(300_000)), "s": ["x" * (i % 50) for i in range(300_000)]})
    data = bytes(qv.ipc.write_stream(big))
    fifo = tmp_path / "pipe.arrows"
    os.mkfifo(fifo)

    def feed():
        with open(fifo, "wb") as f:
            f.write(data)

    t = threading.Thread(target=feed)
    t.start()
    try:
        got = qv.ipc.read_stream(fifo)
    finally:
        t.join(timeout=60)
    assert got.num_rows == 300_000 and got.equals(big)
    plain = tmp_path / "plain.arrows"
    plain.write_bytes(data)
    assert qv.ipc.read_stream(plain).equals(big) and qv.ipc.read(plain, memory_map=True).equals(big)


def test_max_total_decompressed_size_caps_the_whole_input():
    """Three batches of 2 MiB each: every message is under a 4 MiB per-message
    cap, but together they pass a 5 MiB total cap."""
    t = pa.table({"z": np.zeros(1 << 18, dtype=np.int64)})
    sink = pa.BufferOutputStream()
    with paipc.new_stream(sink, t.schema, options=paipc.IpcWriteOptions(compression="zstd")) as w:
        for _ in range(3):
            w.write_table(t)
    data = sink.getvalue().to_pybytes()
    assert qv.ipc.read_stream(data, max_decompressed_size=4 << 20).num_rows == 3 << 18
    with pytest.raises(qv.ArrowException, match="max_total_decompressed_size"):
        qv.ipc.read_stream(data, max_decompressed_size=4 << 20, max_total_decompressed_size=5 << 20)
    with pytest.raises(qv.ArrowException, match="max_total_decompressed_size"):
        qv.ipc.read(data, max_total_decompressed_size=5 << 20)
    assert qv.ipc.read_stream(data, max_total_decompressed_size=7 << 20).num_rows == 3 << 18
    with pytest.raises(ValueError, match="max_total_decompressed_size"):
        qv.ipc.read_stream(data, max_total_decompressed_size=0)
