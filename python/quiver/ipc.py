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


# ---------------------------------------------------------------- batch by batch

__all__ += ["new_stream", "new_file", "open_stream", "open_file", "RecordBatchReader", "RecordBatchStreamWriter",
            "RecordBatchFileWriter", "RecordBatchStreamReader", "RecordBatchFileReader"]


def _as_schema(schema):
    from . import Schema
    from . import schema as make_schema

    return schema if isinstance(schema, Schema) else make_schema(schema)


class _SocketSink:
    """A connected socket as a writer's file object: every chunk goes out whole (sendall)."""

    def __init__(self, sock):
        self.write = sock.sendall


class _Writer:
    """Writes record batches one at a time (pyarrow's RecordBatchStreamWriter / RecordBatchFileWriter).

    ``sink`` is a path, a binary file object (``write`` is called as bytes are produced), a
    connected socket (``sendall``) or None (the bytes are returned by ``close()`` / kept in ``getvalue()``). Use as a context
    manager: leaving the block closes the writer (end-of-stream marker, file footer); a path
    appears only when the writer is closed successfully.
    """

    _format = "stream"

    def __init__(self, sink, schema, compression=None, compression_level=0, alignment=64):
        self.schema = _as_schema(schema)
        if isinstance(sink, (str, os.PathLike)):
            target = os.fsencode(sink)
        elif sink is None:
            target = None
        elif hasattr(sink, "write"):
            target = sink
        elif hasattr(sink, "sendall"):
            target = _SocketSink(sink)
        else:
            raise TypeError("sink must be a path, a binary file object, a socket or None, not %s"
                            % type(sink).__name__)
        self._cap = _quiver._ipc_writer_open(target, self._format, self.schema, compression, compression_level,
                                             alignment)
        self._value = None

    def write_batch(self, batch):
        """write_batch(batch): one RecordBatch (its schema must equal the writer's)."""
        _quiver._ipc_writer_write(self._cap, batch)

    def write_table(self, table, max_chunksize=None):
        """write_table(table, max_chunksize=None): every batch of a Table (re-chunked if max_chunksize)."""
        if max_chunksize is not None:
            for batch in table.to_reader(max_chunksize=max_chunksize):
                self.write_batch(batch)
            return
        _quiver._ipc_writer_write(self._cap, table)

    def write(self, table_or_batch):
        """write(table_or_batch)"""
        from . import RecordBatch

        if isinstance(table_or_batch, RecordBatch):
            self.write_batch(table_or_batch)
        else:
            self.write_table(table_or_batch)

    def close(self):
        """close(): writes the end (EOS marker; file footer). Returns the bytes for a None sink."""
        if self._cap is None:
            return self._value
        cap, self._cap = self._cap, None
        self._value = _quiver._ipc_writer_close(cap)
        return self._value

    def getvalue(self):
        """The bytes written (a memoryview, no copy), for a writer opened with sink=None, once closed."""
        return self._value

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.close()
        else:
            self._cap = None  # abandon: a path writer removes its temporary file


class RecordBatchStreamWriter(_Writer):
    _format = "stream"


class RecordBatchFileWriter(_Writer):
    _format = "file"


def new_stream(sink, schema, compression=None, compression_level=0, alignment=64):
    """new_stream(sink, schema, ...) -> RecordBatchStreamWriter"""
    return RecordBatchStreamWriter(sink, schema, compression, compression_level, alignment)


def new_file(sink, schema, compression=None, compression_level=0, alignment=64):
    """new_file(sink, schema, ...) -> RecordBatchFileWriter"""
    return RecordBatchFileWriter(sink, schema, compression, compression_level, alignment)


class RecordBatchReader:
    """Record batches in order, read once (pyarrow's RecordBatchReader).

    Iterate for batches, ``read_next_batch()`` (StopIteration at the end), ``read_all()``
    for a Table of the rest; ``__arrow_c_stream__`` hands the remaining batches to another
    library (pyarrow, polars, duckdb...) without copying.
    """

    def __init__(self, schema, next_batch):
        self._schema = schema
        self._next = next_batch

    @classmethod
    def from_batches(cls, schema, batches):
        """from_batches(schema, batches) -> RecordBatchReader over an iterable of RecordBatches."""
        it = iter(batches)
        return cls(_as_schema(schema), lambda: next(it, None))

    @property
    def schema(self):
        return self._schema

    def read_next_batch(self):
        batch = self._next() if self._next is not None else None
        if batch is None:
            self._next = None
            raise StopIteration
        return batch

    def __iter__(self):
        return self

    def __next__(self):
        return self.read_next_batch()

    def read_all(self):
        """read_all() -> Table of the batches not read yet."""
        from . import Table

        return Table.from_batches(list(self), schema=self._schema)

    def __arrow_c_stream__(self, requested_schema=None):
        return self.read_all().__arrow_c_stream__(requested_schema)

    def close(self):
        self._next = None

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        self.close()


def _reader_source(source):
    """(source for _ipc_reader_open, fd): paths are read into memory, file objects read
    to their end, sockets read incrementally through their file descriptor."""
    if isinstance(source, (str, os.PathLike)):
        return _quiver._ipc_read_path_buffer(os.fsencode(source)), -1
    if hasattr(source, "recv") and hasattr(source, "fileno"):
        fd = source.fileno()
        if fd < 0:
            raise ValueError("I/O operation on a closed socket")
        return None, fd
    if hasattr(source, "read") and not isinstance(source, (bytes, bytearray, memoryview)):
        return source.read(), -1
    return source, -1


class RecordBatchStreamReader(RecordBatchReader):
    """Reads an IPC stream batch by batch (from a path, bytes, a file object or a socket)."""

    def __init__(self, source, full_validation=False, require_eos=False, max_decompressed_size=None,
                 max_total_decompressed_size=None):
        data, fd = _reader_source(source)
        self._source = source  # a socket must outlive the reader
        self._cap = _quiver._ipc_reader_open(data, "stream", fd, bool(full_validation), bool(require_eos),
                                             _max_size(max_decompressed_size, "max_decompressed_size"),
                                             _max_size(max_total_decompressed_size, "max_total_decompressed_size"))
        cap = self._cap
        super().__init__(_quiver._ipc_reader_schema(cap), lambda: _quiver._ipc_reader_next(cap))

    def close(self):
        super().close()
        self._cap = None


class RecordBatchFileReader:
    """Random access to the batches of an IPC file (from a path, bytes or a file object)."""

    def __init__(self, source, full_validation=False, max_decompressed_size=None, max_total_decompressed_size=None):
        data, fd = _reader_source(source)
        if fd >= 0:
            raise ValueError("an IPC file needs random access: pass its path, bytes or a file object")
        self._cap = _quiver._ipc_reader_open(data, "file", -1, bool(full_validation), False,
                                             _max_size(max_decompressed_size, "max_decompressed_size"),
                                             _max_size(max_total_decompressed_size, "max_total_decompressed_size"))
        self.schema = _quiver._ipc_reader_schema(self._cap)

    @property
    def num_record_batches(self):
        return _quiver._ipc_reader_num_batches(self._cap)

    def get_batch(self, i):
        """get_batch(i) -> RecordBatch; ArrowInvalid (a ValueError, as pyarrow) when i is out of range."""
        n = self.num_record_batches
        if not 0 <= i < n:
            raise _quiver.ArrowInvalid("Batch number %d out of range (the file has %d batches)" % (i, n))
        return _quiver._ipc_reader_get_batch(self._cap, i)

    get_record_batch = get_batch

    def __iter__(self):
        return (self.get_batch(i) for i in range(self.num_record_batches))

    def read_all(self):
        """read_all() -> Table of every batch."""
        from . import Table

        return Table.from_batches(list(self), schema=self.schema)

    def to_reader(self):
        return RecordBatchReader.from_batches(self.schema, iter(self))

    def __arrow_c_stream__(self, requested_schema=None):
        return self.read_all().__arrow_c_stream__(requested_schema)

    def close(self):
        self._cap = None

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        self.close()


def open_stream(source, **options):
    """open_stream(source, full_validation=False, require_eos=False, ...) -> RecordBatchStreamReader"""
    return RecordBatchStreamReader(source, **options)


def open_file(source, **options):
    """open_file(source, full_validation=False, ...) -> RecordBatchFileReader"""
    return RecordBatchFileReader(source, **options)
