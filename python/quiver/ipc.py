"""Arrow IPC streams (``.arrows``) and files (``.arrow``, Feather V2) for quiver.

Reading is zero-copy: paths are memory-mapped, and tables read from bytes
(or any bytes-like object, or a quiver.Buffer) view that memory, which stays
alive as long as any array read from it. Writing to a path is atomic (a
temporary file renamed into place)::

    import quiver as qv
    data = qv.ipc.write_stream(table)            # bytes
    t = qv.ipc.read_stream(data)                 # zero-copy view of `data`
    qv.ipc.write_file(table, "out.arrow", compression="zstd")
    t = qv.ipc.read_file("out.arrow")            # mmap'd

``source`` may be a path (str or os.PathLike), a bytes-like object, a
quiver.Buffer, or a binary file object (read to its end). ``sink`` may be a
path, a binary file object (written at its position), or None to get bytes.
``data`` is a quiver Table or RecordBatch, or anything ``quiver.table()``
accepts (a pyarrow Table, a polars DataFrame, a dict of lists...).
Errors raise ArrowInvalid / ArrowIOError... with quiver's message (byte
offset, message number, field).
"""
import os

from . import _quiver

__all__ = ["read_stream", "read_file", "read", "write_stream", "write_file"]


def _read(source, fmt, full_validation):
    if isinstance(source, (str, os.PathLike)):
        return _quiver._ipc_read_path(os.fsencode(source), fmt, full_validation)
    if hasattr(source, "read") and not isinstance(source, (bytes, bytearray, memoryview)):
        source = source.read()
    return _quiver._ipc_read_buffer(source, fmt, full_validation)


def read_stream(source, full_validation=False):
    """read_stream(source, full_validation=False) -> Table: reads an IPC stream.

    Arrays are validated structurally while reading; full_validation=True also
    checks every value (UTF-8, offsets, dictionary indices...) up front.
    """
    return _read(source, "stream", full_validation)


def read_file(source, full_validation=False):
    """read_file(source, full_validation=False) -> Table: reads an IPC file (ARROW1 ... ARROW1)."""
    return _read(source, "file", full_validation)


def read(source, full_validation=False):
    """read(source, full_validation=False) -> Table: a stream or a file, detected from its first bytes."""
    return _read(source, None, full_validation)


def _as_table(data):
    from . import Table, table

    return data if isinstance(data, Table) else table(data)


def _write(data, sink, fmt, compression, compression_level, alignment):
    t = _as_table(data)
    if isinstance(sink, (str, os.PathLike)):
        _quiver._ipc_write(t, fmt, os.fsencode(sink), compression, compression_level, alignment)
        return None
    out = _quiver._ipc_write(t, fmt, None, compression, compression_level, alignment)
    if sink is None:
        return out
    sink.write(out)
    return None


def write_stream(data, sink=None, compression=None, compression_level=0, alignment=64):
    """write_stream(data, sink=None, compression=None, compression_level=0, alignment=64)

    Writes ``data`` as an IPC stream (schema, batches, end-of-stream marker).
    Returns a read-only memoryview over the written bytes (no copy; bytes(m)
    copies) when ``sink`` is None. compression: None, "lz4" or "zstd".
    """
    return _write(data, sink, "stream", compression, compression_level, alignment)


def write_file(data, sink=None, compression=None, compression_level=0, alignment=64):
    """write_file(data, sink=None, compression=None, compression_level=0, alignment=64)

    Writes ``data`` as an IPC file (random-access format with a footer).
    Returns a read-only memoryview (no copy) when ``sink`` is None.
    """
    return _write(data, sink, "file", compression, compression_level, alignment)
