"""Arrow IPC streams (``.arrows``) and files (``.arrow``, Feather V2) for quiver.

Reading bytes is zero-copy: tables read from bytes (or any bytes-like
object, or a quiver.Buffer) view that memory, which stays alive as long as
any array read from it. Paths are read into memory once (read(2), no
mapping) unless ``memory_map=True``. Writing to a path is atomic (a
temporary file renamed into place)::

    import quiver as qv
    data = qv.ipc.write_stream(table)            # bytes
    t = qv.ipc.read_stream(data)                 # zero-copy view of `data`
    qv.ipc.write_file(table, "out.arrow", compression="zstd")
    t = qv.ipc.read_file("out.arrow")            # read into memory
    t = qv.ipc.read_file("big.arrow", memory_map=True)  # zero-copy, see below

``source`` may be a path (str or os.PathLike), a bytes-like object, a
quiver.Buffer, or a binary file object (read to its end). ``sink`` may be a
path, a binary file object (written at its position), or None to get bytes.
``data`` is a quiver Table or RecordBatch, or anything ``quiver.table()``
accepts (a pyarrow Table, a polars DataFrame, a dict of lists...).
Errors raise ArrowInvalid / ArrowIOError... with quiver's message (byte
offset, message number, field).

Reader options (keyword arguments of every reader):

``full_validation`` (default False)
    Arrays are always validated structurally while reading; True also checks
    every value (UTF-8, offsets, dictionary indices...) up front. Without it,
    values are checked the first time Python reads them.
``require_eos`` (default False, streams)
    A stream may legally end at a message boundary without its end-of-stream
    marker, but that is also what a producer that died between two messages
    leaves behind. True makes such a stream an error (ArrowInvalid naming the
    missing marker) instead of a shorter table.
``max_decompressed_size`` (default None: 4 GiB)
    Most bytes one compressed message may decompress to; a message claiming
    more is an error before anything is allocated.
``max_total_decompressed_size`` (default None: 64 GiB)
    Most bytes decompression may produce over the whole input, all messages
    together: bounds the work a small compressed input can cause.
``memory_map`` (default False, paths only)
    False: the file is read into memory (one copy) and the table owns that
    copy. True: the file is memory-mapped and the table's arrays point into
    the mapping (no copy, pages loaded on demand). **Hazard:** if another
    process truncates or rewrites the file while any array read from it is
    alive, touching that data kills the whole interpreter with SIGBUS (no
    exception can be raised), even long after the read returned. Map only
    files that nothing else will modify.
"""
import os

from . import _quiver

__all__ = ["read_stream", "read_file", "read", "write_stream", "write_file"]


def _max_size(value, name):
    if value is None:
        return 0
    value = int(value)
    if value <= 0:
        raise ValueError("%s must be positive (or None for the default), not %d" % (name, value))
    return value


def _read(source, fmt, full_validation, require_eos, max_decompressed_size, memory_map, max_total_decompressed_size):
    cap = _max_size(max_decompressed_size, "max_decompressed_size")
    total = _max_size(max_total_decompressed_size, "max_total_decompressed_size")
    if isinstance(source, (str, os.PathLike)):
        return _quiver._ipc_read_path(os.fsencode(source), fmt, bool(full_validation), bool(require_eos), cap,
                                      bool(memory_map), total)
    if memory_map:
        raise ValueError("memory_map=True needs a path, not %s" % type(source).__name__)
    if hasattr(source, "read") and not isinstance(source, (bytes, bytearray, memoryview)):
        source = source.read()
    return _quiver._ipc_read_buffer(source, fmt, bool(full_validation), bool(require_eos), cap, total)


def read_stream(source, full_validation=False, require_eos=False, max_decompressed_size=None, memory_map=False,
                max_total_decompressed_size=None):
    """read_stream(source, full_validation=False, require_eos=False, max_decompressed_size=None,
    memory_map=False, max_total_decompressed_size=None) -> Table: reads an IPC stream.

    See the module documentation for the options; memory_map=True maps a
    path instead of reading it (zero-copy, but a later truncation of the file
    by another process kills the interpreter with SIGBUS).
    """
    return _read(source, "stream", full_validation, require_eos, max_decompressed_size, memory_map,
                 max_total_decompressed_size)


def read_file(source, full_validation=False, max_decompressed_size=None, memory_map=False,
              max_total_decompressed_size=None):
    """read_file(source, full_validation=False, max_decompressed_size=None, memory_map=False,
    max_total_decompressed_size=None) -> Table: reads an IPC file (ARROW1 ... ARROW1).

    See the module documentation for the options; memory_map=True maps a
    path instead of reading it (zero-copy, but a later truncation of the file
    by another process kills the interpreter with SIGBUS).
    """
    return _read(source, "file", full_validation, False, max_decompressed_size, memory_map,
                 max_total_decompressed_size)


def read(source, full_validation=False, require_eos=False, max_decompressed_size=None, memory_map=False,
         max_total_decompressed_size=None):
    """read(source, full_validation=False, require_eos=False, max_decompressed_size=None, memory_map=False,
    max_total_decompressed_size=None) -> Table: a stream or a file, detected from its first bytes
    (require_eos applies to streams).

    See the module documentation for the options and the SIGBUS hazard of memory_map=True.
    """
    return _read(source, None, full_validation, require_eos, max_decompressed_size, memory_map,
                 max_total_decompressed_size)


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
