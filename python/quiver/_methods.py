"""Argument handling of quiver's pyarrow-shaped Table/RecordBatch methods.

The C types delegate these methods here (python/src/editing.c,
``qvpy_delegate``): this module turns names into indices, values into arrays
and checks arguments the way pyarrow does, then calls the C library through
the ``_quiver._select`` / ``_drop_columns`` / ... primitives, which return new
objects sharing the inputs' buffers. Nothing here copies column data.
"""
import io
import pickle

from . import _quiver
from ._printing import (  # noqa: F401  (looked up by name from the C types)
    array_to_string, chunked_repr, chunked_str, chunked_to_string, schema_to_string, tabular_repr,
    tabular_to_string)

_MISSING = object()


def _qv():
    import quiver

    return quiver


def _is_table(obj):
    return isinstance(obj, _quiver.Table)


# ---------------------------------------------------------------- building


def _batch_or_table(cls, batch):
    if cls is _quiver.RecordBatch or issubclass(cls, _quiver.RecordBatch):
        return batch
    return _quiver._table_from_batches([batch], batch.schema)


def table_from_pydict(cls, mapping, schema=None, metadata=None):
    qv = _qv()
    if schema is not None:
        schema = _as_schema(schema)
        missing = [f.name for f in schema if f.name not in mapping]
        if missing:
            raise KeyError(missing[0])
    batch = qv.record_batch(dict(mapping), schema=schema, metadata=metadata)
    return _batch_or_table(cls, batch)


batch_from_pydict = table_from_pydict


def table_from_pylist(cls, rows, schema=None, metadata=None):
    if schema is not None:
        schema = _as_schema(schema)
        names = schema.names
    else:
        names = list(rows[0].keys()) if len(rows) else []
    columns = {name: [row.get(name) for row in rows] for name in names}
    return table_from_pydict(cls, columns, schema=schema, metadata=metadata)


batch_from_pylist = table_from_pylist


class _RequestedStream:
    """Hands `source`'s Arrow stream over with `schema` as the requested schema (the way pyarrow
    asks a producer for a schema)."""

    def __init__(self, source, schema):
        self._source, self._schema = source, schema

    def __arrow_c_stream__(self, requested_schema=None):
        return self._source.__arrow_c_stream__(self._schema.__arrow_c_schema__())


def _without_index_metadata(table):
    """pyarrow's pandas metadata for preserve_index=False: no index columns, no column index."""
    import json

    metadata = dict(table.schema.metadata or {})
    if b"pandas" not in metadata:
        return table
    pandas_metadata = json.loads(metadata[b"pandas"])
    pandas_metadata["index_columns"] = []
    pandas_metadata["column_indexes"] = []
    metadata[b"pandas"] = json.dumps(pandas_metadata).encode("utf8")
    return table.replace_schema_metadata(metadata)


def table_from_pandas(cls, df, schema=None, preserve_index=None, nthreads=None, columns=None):
    """from_pandas(df, schema=None, preserve_index=None, nthreads=None, columns=None)

    A Table (or RecordBatch) of a pandas DataFrame through its Arrow stream
    (``__arrow_c_stream__``), so types, the index and the pandas metadata
    come out as pyarrow's ``from_pandas`` makes them. ``preserve_index=None``
    keeps a non-range index as a column (``__index_level_0__``) and a range
    index as metadata, ``True`` keeps every index as columns, ``False`` drops
    it. ``schema`` is requested from the DataFrame's stream (pandas converts
    to it) and the result cast to it where the stream did not.
    """
    if columns is not None:
        df = df[list(columns)]
    if preserve_index is True:
        import pandas as pd

        if isinstance(df.index, pd.RangeIndex):  # stored as a column then, as pyarrow does
            df = df.set_axis(pd.Index(list(df.index), name=df.index.name, dtype="int64"), axis=0)
    elif preserve_index is False:
        df = df.reset_index(drop=True)
    if schema is not None:
        schema = _as_schema(schema)
        t = _quiver._import_table(_RequestedStream(df, schema))
        if not t.schema.equals(schema):
            t = t.cast(schema)
    else:
        t = _quiver._import_table(df)
        if preserve_index is False:
            t = _without_index_metadata(t)
    if cls is _quiver.RecordBatch or issubclass(cls, _quiver.RecordBatch):
        batches = t.combine_chunks().to_batches()
        return batches[0] if batches else t.schema.empty_table().to_batches()[0]
    return t


batch_from_pandas = table_from_pandas


def _as_schema(schema):
    if isinstance(schema, _quiver.Schema):
        return schema
    return _qv().schema(schema)


def _as_column(values, type=None):
    """An Array or ChunkedArray from an Array, ChunkedArray, a list of values or
    an Arrow PyCapsule producer."""
    qv = _qv()
    if isinstance(values, (_quiver.Array, _quiver.ChunkedArray)):
        return values
    if hasattr(values, "__arrow_c_stream__") and not hasattr(values, "__arrow_c_array__"):
        return qv.chunked_array(values)
    return qv.array(values, type)


def table_from_arrays(cls, arrays, names=None, schema=None, metadata=None):
    qv = _qv()
    if schema is None:
        if names is None:
            raise ValueError("Must pass names or schema when constructing Table or RecordBatch.")
        names = list(names)
        if len(names) != len(arrays):
            raise ValueError("Length of names (%d) does not match length of arrays (%d)" % (len(names), len(arrays)))
        columns = [_as_column(a) for a in arrays]
        schema = qv.schema([qv.field(n, c.type) for n, c in zip(names, columns)], metadata=metadata)
    else:
        schema = _as_schema(schema)
        if names is not None:
            raise ValueError("Cannot pass both schema and names")
        if len(schema) != len(arrays):
            raise ValueError("Schema and number of arrays unequal")
        columns = [_as_column(a, f.type) for a, f in zip(arrays, schema)]
    is_batch = cls is _quiver.RecordBatch or issubclass(cls, _quiver.RecordBatch)
    if is_batch or all(isinstance(c, _quiver.Array) for c in columns):
        if is_batch and any(isinstance(c, _quiver.ChunkedArray) for c in columns):
            columns = [c.combine_chunks() if isinstance(c, _quiver.ChunkedArray) else c for c in columns]
        batch = _quiver._batch_from_arrays(columns, schema)
        return batch if is_batch else _quiver._table_from_batches([batch], schema)
    chunked = [c if isinstance(c, _quiver.ChunkedArray) else qv.chunked_array([c]) for c in columns]
    return _quiver._table_from_columns(schema, chunked)


batch_from_arrays = table_from_arrays


def table_from_batches(cls, batches, schema=None):
    batches = list(batches)
    if not batches and schema is None:
        raise ValueError("Must pass schema, or at least one RecordBatch")
    return _quiver._table_from_batches(batches, _as_schema(schema) if schema is not None else None)


def concat_tables(tables, promote_options="none"):
    """concat_tables(tables, promote_options="none") -> Table: the batches of every table, in order (zero-copy).

    Every schema must equal the first one; promote_options other than "none" are not supported.
    """
    if promote_options != "none":
        raise _quiver.ArrowNotImplementedError("concat_tables: promote_options=%r is not supported" % (promote_options,))
    tables = list(tables)
    if not tables:
        raise _quiver.ArrowInvalid("Must pass at least one table")
    for i, t in enumerate(tables[1:], 1):
        if isinstance(t, _quiver.Table) and not t.schema.equals(tables[0].schema):
            # pyarrow's class (ArrowInvalid) for a schema mismatch
            raise _quiver.ArrowInvalid("Schema at index %d was different:\n%s\nvs\n%s" % (i, tables[0].schema, t.schema))
    return _quiver._concat("table", tables)


def concat_arrays(arrays):
    """concat_arrays(arrays) -> Array: one array holding the values of every array (copies the values)."""
    arrays = [a if isinstance(a, _quiver.Array) else _qv().array(a) for a in arrays]
    if not arrays:
        raise _quiver.ArrowInvalid("Must pass at least one array")
    for a in arrays[1:]:
        if a.type != arrays[0].type:
            # pyarrow's class (ArrowInvalid) for a type mismatch
            raise _quiver.ArrowInvalid("arrays to be concatenated must be identically typed, but %s and %s were "
                                       "encountered." % (arrays[0].type, a.type))
    return _quiver._concat("array", arrays)


# ---------------------------------------------------------------- columns


def _index(obj, key):
    """Position of a column given by name or index, as pyarrow's column lookup."""
    names = obj.schema.names
    if isinstance(key, str):
        if names.count(key) != 1:
            raise KeyError('Field "%s" does not exist in schema' % key)
        return names.index(key)
    i = int(key)
    if i < 0:
        i += len(names)
    if not 0 <= i < len(names):
        raise IndexError("index out of bounds")
    return i


def field(self, i):
    return self.schema.field(_index(self, i))


def select(self, columns):
    return _quiver._select(self, [_index(self, c) for c in columns])


def drop_columns(self, columns):
    if isinstance(columns, str):
        columns = [columns]
    columns = list(columns)
    for name in columns:
        if name not in self.schema.names:
            raise KeyError("Column '%s' not found" % name)
    return _quiver._drop_columns(self, columns)


def rename_columns(self, names):
    current = self.schema.names
    if isinstance(names, dict):
        for old in names:
            if old not in current:
                raise KeyError("Column '%s' not found" % old)
        names = [names.get(n, n) for n in current]
    names = list(names)
    if len(names) != len(current):
        raise _quiver.ArrowInvalid("tried to rename a table of %d columns but only %d names were provided"
                                   % (len(current), len(names)))
    renamed = _quiver._rename_columns(self, names)
    # pyarrow's rename_columns builds its schema from the fields alone: the schema metadata goes
    return renamed.replace_schema_metadata(None) if renamed.schema.metadata else renamed


def _field_and_column(self, field_, column):
    qv = _qv()
    if _is_table(self) and isinstance(column, (list, tuple)):
        column = qv.chunked_array(column, field_.type if isinstance(field_, _quiver.Field) else None)
    if isinstance(field_, _quiver.Field):
        column = _as_column(column, field_.type)
    else:
        column = _as_column(column)
        field_ = qv.field(field_, column.type)
    if _is_table(self):
        if isinstance(column, _quiver.Array):
            column = qv.chunked_array([column])
    elif isinstance(column, _quiver.ChunkedArray):
        column = column.combine_chunks()
    if len(column) != self.num_rows:
        raise _quiver.ArrowInvalid("Added column's length must match table's length. Expected length %d but got "
                                   "length %d" % (self.num_rows, len(column)))
    return field_, column


def _position(self, i, limit, what):
    i = int(i)
    if not 0 <= i < limit:
        raise _quiver.ArrowInvalid("Invalid column index to %s field." % what)
    return i


def add_column(self, i, field_, column):
    i = _position(self, i, self.num_columns + 1, "add")
    field_, column = _field_and_column(self, field_, column)
    return _quiver._add_column(self, i, field_, column, False)


def append_column(self, field_, column):
    return add_column(self, self.num_columns, field_, column)


def set_column(self, i, field_, column):
    i = _position(self, i, self.num_columns, "set")
    field_, column = _field_and_column(self, field_, column)
    return _quiver._add_column(self, i, field_, column, True)


def remove_column(self, i):
    return _quiver._remove_column(self, _position(self, i, self.num_columns, "remove"))


def combine_chunks(self):
    return _quiver._combine_chunks(self)


def shape(self):
    return (self.num_rows, self.num_columns)


def iter_columns(self):
    return iter(self.columns)


def contains(self, name):
    """``name in table``: whether a column has that name (pyarrow has no __contains__)."""
    return isinstance(name, str) and name in self.schema.names


def nbytes(self):
    return sum(_array_nbytes(c) for col in self.columns
               for c in (col.chunks if isinstance(col, _quiver.ChunkedArray) else [col]))


def to_reader(self, max_chunksize=None):
    from .ipc import RecordBatchReader

    batches = self.to_batches()
    if max_chunksize is not None:
        if max_chunksize <= 0:
            raise ValueError("max_chunksize must be positive")
        batches = [b.slice(o, max_chunksize) for b in batches for o in range(0, b.num_rows, max_chunksize)]
    return RecordBatchReader.from_batches(self.schema, batches)


# ---------------------------------------------------------------- nbytes as pyarrow counts it

_OFFSET_WIDTH = {"string": 4, "binary": 4, "large_string": 8, "large_binary": 8}
_LIST_WIDTH = {"list": 4, "large_list": 8, "map": 4}


def _offsets(array, width):
    buf = array.buffers()[1]
    view = memoryview(buf).cast("B").cast("i" if width == 4 else "q")
    return view[array.offset], view[array.offset + len(array)]


def _array_nbytes(array):
    """Bytes referenced by the rows of `array`, counted the way pyarrow's nbytes does."""
    t = array.type
    n = len(array)
    total = 0
    if t.id not in ("null", "dense_union", "sparse_union", "run_end_encoded") and array.num_buffers \
            and array.buffers()[0] is not None:
        total += (array.offset + n + 7) // 8 - array.offset // 8
    if t.id == "bool":
        return total + ((array.offset + n + 7) // 8 - array.offset // 8)
    if t.id in _OFFSET_WIDTH:
        w = _OFFSET_WIDTH[t.id]
        if n == 0:
            return total
        lo, hi = _offsets(array, w)
        return total + n * w + (hi - lo)
    if t.id in _LIST_WIDTH:
        w = _LIST_WIDTH[t.id]
        if n == 0:
            return total
        lo, hi = _offsets(array, w)
        return total + n * w + _array_nbytes(array.children[0].slice(lo, hi - lo))
    if t.id == "struct":
        return total + sum(_array_nbytes(c.slice(array.offset, n)) for c in array.children)
    if t.bit_width > 0 and t.bit_width % 8 == 0 and not array.children:
        return total + n * (t.bit_width // 8)
    # other layouts: every buffer, whole
    return sum(b.size for b in array.buffers() if b is not None) + sum(_array_nbytes(c) for c in array.children)


def array_nbytes(self):
    return _array_nbytes(self)


def chunked_nbytes(self):
    return sum(_array_nbytes(c) for c in self.chunks)


# ---------------------------------------------------------------- pickling through Arrow IPC


def _ipc_bytes(table, protocol):
    from . import ipc

    data = ipc.write_stream(table)
    if protocol >= 5:
        return pickle.PickleBuffer(data)
    return bytes(data)


def _read_one(data):
    from . import ipc

    return ipc.read_stream(data)


def _restore_table(data):
    return _read_one(data)


def _restore_batch(data):
    t = _read_one(data)
    return t.combine_chunks().to_batches()[0] if t.num_batches != 1 else t.to_batches()[0]


def _restore_chunked(data):
    return _read_one(data).column(0)


def _restore_array(data):
    return _restore_chunked(data).combine_chunks()


def _restore_schema(data):
    return _read_one(data).schema


def _restore_field(data):
    return _read_one(data).schema.field(0)


def _restore_type(data):
    return _read_one(data).schema.field(0).type


def reduce_ex(self, protocol=2):
    """Pickle support: every object travels as an Arrow IPC stream; with protocol 5
    the stream is handed to pickle as an out-of-band PickleBuffer (not copied into
    the pickle)."""
    qv = _qv()
    if isinstance(self, _quiver.Table):
        return _restore_table, (_ipc_bytes(self, protocol),)
    if isinstance(self, _quiver.RecordBatch):
        return _restore_batch, (_ipc_bytes(self, protocol),)
    if isinstance(self, _quiver.ChunkedArray):
        t = table_from_arrays(_quiver.Table, [self], names=[""])
        return _restore_chunked, (_ipc_bytes(t, protocol),)
    if isinstance(self, _quiver.Array):
        return _restore_array, (_ipc_bytes(qv.table({"": self}), protocol),)
    if isinstance(self, _quiver.Schema):
        empty = _quiver._table_from_batches([], self)
        return _restore_schema, (_ipc_bytes(empty, protocol),)
    if isinstance(self, _quiver.Field):
        empty = _quiver._table_from_batches([], qv.schema([self]))
        return _restore_field, (_ipc_bytes(empty, protocol),)
    if isinstance(self, _quiver.DataType):
        empty = _quiver._table_from_batches([], qv.schema([qv.field("", self)]))
        return _restore_type, (_ipc_bytes(empty, protocol),)
    raise TypeError("cannot pickle %s" % type(self).__name__)


# ---------------------------------------------------------------- ChunkedArray


def chunked_length(self):
    return len(self)


# ---------------------------------------------------------------- numpy (quiver/_numpy.py)


def array_to_numpy(self, zero_copy_only=True, writable=False):
    from ._numpy import array_to_numpy as convert

    return convert(self, zero_copy_only=zero_copy_only, writable=writable)


def chunked_to_numpy(self, zero_copy_only=False):
    from ._numpy import chunked_to_numpy as convert

    return convert(self, zero_copy_only=zero_copy_only)


def column_dunder_array(self, dtype=None, copy=None):
    """numpy's __array__ protocol, as pyarrow's: numpy asks it when the buffer protocol is refused
    (nulls, non-primitive types); copy=False insists on a view, copy=True on a copy."""
    import numpy as np

    if copy is False:
        try:
            values = self.to_numpy(zero_copy_only=True)
        except _quiver.ArrowInvalid:
            raise ValueError("Unable to avoid a copy while creating a numpy array as requested.") from None
        return np.array(values, dtype=dtype, copy=False)
    values = self.to_numpy(zero_copy_only=False)
    if copy is True and self.null_count == 0 and values.dtype.kind in "iuf":
        return np.array(values, dtype=dtype, copy=True)
    return values if dtype is None else np.asarray(values, dtype=dtype)


# ---------------------------------------------------------------- pandas


def _pandas():
    import pandas as pd

    return pd


def _mapped_dtype(types_mapper, column):
    """types_mapper(pyarrow type of `column`) -> a pandas dtype or None, as pyarrow calls it.
    The mapper (pandas.ArrowDtype, a dict's .get, ...) speaks pyarrow types, so pyarrow is
    imported here, and only when a types_mapper is given."""
    import pyarrow as pa

    return types_mapper(pa.field(column.type).type)


def _pyarrow_column(column):
    """The column as a pyarrow (Chunked)Array over the same buffers (C Data Interface)."""
    import pyarrow as pa

    return pa.chunked_array(column) if isinstance(column, _quiver.ChunkedArray) else pa.array(column)


def _series(pd, column, types_mapper):
    if types_mapper is not None:
        dtype = _mapped_dtype(types_mapper, column)
        if dtype is not None:
            # the extension dtype builds its array from the Arrow data, as in pyarrow's to_pandas;
            # pandas.ArrowDtype keeps the buffers (zero-copy)
            return pd.Series(dtype.__from_arrow__(_pyarrow_column(column)), dtype=dtype, copy=False)
    if hasattr(pd.Series, "from_arrow"):
        return pd.Series.from_arrow(column)
    return pd.Series(_series_values(column))


def to_pandas(self, types_mapper=None):
    """Table/RecordBatch.to_pandas(types_mapper=None): a pandas DataFrame with pandas' own
    conversion of the Arrow data (pandas.DataFrame.from_arrow over __arrow_c_stream__, the
    dtypes pyarrow's to_pandas gives); types_mapper(pyarrow.DataType) -> pandas dtype or None
    chooses an extension dtype per column, as in pyarrow (types_mapper=pandas.ArrowDtype keeps
    every column in Arrow memory without copying)."""
    pd = _pandas()
    if types_mapper is None and hasattr(pd.DataFrame, "from_arrow"):
        return pd.DataFrame.from_arrow(self)
    if types_mapper is None:
        data = [pd.Series(_series_values(col)) for col in self.columns]
    else:
        data = [_series(pd, col, types_mapper) for col in self.columns]
    frame = pd.concat(data, axis=1) if data else pd.DataFrame(index=pd.RangeIndex(self.num_rows))
    frame.columns = list(self.column_names)
    return _restore_pandas_index(pd, frame, self)


def _restore_pandas_index(pd, frame, table):
    """The index the ``pandas`` schema metadata describes (pyarrow's from_pandas writes it): index
    columns become the index under their pandas names, a range index is rebuilt from its bounds
    (a plain RangeIndex when the table no longer has that many rows)."""
    import json

    raw = (table.schema.metadata or {}).get(b"pandas")
    if raw is None:
        return frame
    try:
        meta = json.loads(raw)
        entries = list(meta.get("index_columns", []))
        pandas_names = {c.get("field_name"): c.get("name") for c in meta.get("columns", [])}
    except (ValueError, TypeError, AttributeError):
        return frame  # metadata some other writer made: leave the frame as it is
    columns = [e for e in entries if isinstance(e, str)]
    if columns and all(c in frame.columns for c in columns):
        frame = frame.set_index(columns)
        frame.index.names = [pandas_names.get(c) for c in columns]
    elif len(entries) == 1 and isinstance(entries[0], dict) and entries[0].get("kind") == "range":
        r = entries[0]
        index = pd.RangeIndex(r.get("start", 0), r.get("stop", 0), r.get("step", 1), name=r.get("name"))
        frame.index = index if len(index) == len(frame) else pd.RangeIndex(len(frame))
    return frame


def _series_values(column):
    return column.to_numpy(zero_copy_only=False)


def column_to_pandas(self, types_mapper=None):
    """Array/ChunkedArray.to_pandas(types_mapper=None): a pandas Series (pandas.Series.from_arrow
    when available); types_mapper as in Table.to_pandas."""
    return _series(_pandas(), self, types_mapper)


# ---------------------------------------------------------------- maps_as_pydicts (to_pylist / to_pydict)

_MAPS_MODES = (None, "lossy", "strict")


def _has_map(t):
    if t.id == "map":
        return True
    if t.id == "extension":
        return _has_map(t.storage_type)
    if t.id in ("dictionary", "run_end_encoded"):
        return _has_map(t.value_type)
    return any(_has_map(t.field(i).type) for i in range(t.num_fields))


def _map_values(value, t, mode):
    """`value` (as to_pylist gives it for type t) with every map as a dict, as pyarrow's
    maps_as_pydicts: 'lossy' keeps the last of duplicate keys (with a warning), 'strict'
    raises KeyError on them."""
    if value is None:
        return None
    if t.id == "map":
        out = {}
        for k, v in value:
            if k in out:
                if mode == "strict":
                    raise KeyError("Converting to Python dictionary is not supported in strict mode when duplicate "
                                   "keys are present (duplicate key was '%s')." % (k,))
                import warnings

                warnings.warn("Encountered key '%s' which was already encountered." % (k,), stacklevel=4)
            out[k] = _map_values(v, t.item_type, mode)
        return out
    if t.id == "extension":
        return _map_values(value, t.storage_type, mode)
    if t.id in ("dictionary", "run_end_encoded"):
        return _map_values(value, t.value_type, mode)
    if t.id == "struct":
        return {f.name: _map_values(value.get(f.name), f.type, mode)
                for f in (t.field(i) for i in range(t.num_fields))}
    if t.id in ("list", "large_list", "list_view", "large_list_view", "fixed_size_list"):
        return [_map_values(v, t.value_type, mode) for v in value]
    return value  # unions: the value's own type is not known here; left as it is


def apply_maps_as_pydicts(self, result, mode):
    """Called by the C to_pylist / to_pydict with their result when maps_as_pydicts is not None."""
    if mode not in _MAPS_MODES:
        raise ValueError("Invalid value for 'maps_as_pydicts': valid values are 'lossy', 'strict' or `None` (default)")
    if mode is None:
        return result
    if isinstance(self, (_quiver.Table, _quiver.RecordBatch)):
        fields = [f for f in self.schema if _has_map(f.type)]
        if not fields:
            return result
        if isinstance(result, dict):  # to_pydict
            for f in fields:
                result[f.name] = [_map_values(v, f.type, mode) for v in result[f.name]]
            return result
        for row in result:  # to_pylist
            for f in fields:
                row[f.name] = _map_values(row[f.name], f.type, mode)
        return result
    if not _has_map(self.type):
        return result
    return [_map_values(v, self.type, mode) for v in result]


# ---------------------------------------------------------------- slicing and iteration


def table_to_batches(self, max_chunksize=None):
    """to_batches(max_chunksize=None) -> list of RecordBatch (zero-copy; batches longer than
    max_chunksize are cut into slices)."""
    batches = self._to_batches()
    if max_chunksize is None:
        return batches
    max_chunksize = int(max_chunksize)
    if max_chunksize <= 0:
        raise ValueError("'max_chunksize' should be strictly positive")
    return [b.slice(o, max_chunksize) for b in batches for o in range(0, b.num_rows, max_chunksize)]


def chunked_slice(self, offset=0, length=None):
    """slice(offset=0, length=None) -> ChunkedArray sharing the chunks' buffers."""
    offset = int(offset)
    if offset < 0:
        raise IndexError("Offset must be non-negative")
    n = len(self)
    end = n if length is None else min(n, offset + max(int(length), 0))
    pieces, pos = [], 0
    for chunk in self.chunks:
        lo, hi = max(offset, pos), min(end, pos + len(chunk))
        if hi > lo:
            pieces.append(chunk.slice(lo - pos, hi - lo))
        pos += len(chunk)
    return _quiver._chunked_array(pieces, self.type)


def chunked_getitem_slice(self, key):
    """chunked[start:stop:step] -> ChunkedArray (a zero-copy slice when step is 1)."""
    start, stop, step = key.indices(len(self))
    if step == 1:
        return chunked_slice(self, start, max(stop - start, 0))
    values = self.to_pylist()[key]
    return _quiver._chunked_array([_qv().array(values, self.type)], self.type)


def iterchunks(self):
    return iter(self.chunks)


def itercolumns(self):
    return iter(self.columns)


# ---- relational compute on tables (quiver._compute_relational does the work) ----

def table_filter(self, mask, null_selection_behavior="drop"):
    from ._compute_relational import filter
    return filter(self, mask, null_selection_behavior)


def table_take(self, indices):
    from ._compute_relational import take
    return take(self, indices)


def table_sort_by(self, sorting, **kwargs):
    from ._compute_relational import _table_sort_by
    return _table_sort_by(self, sorting, **kwargs)


def table_group_by(self, keys, use_threads=True):
    from ._compute_relational import group_by
    return group_by(self, keys, use_threads)


# ---- scalars, compute as methods and metadata editing (looked up by name from the C types) ----
from ._compute_methods import (  # noqa: E402,F401
    array_dictionary_decode, array_field, array_from_pandas, array_indices, array_value_lengths, table_flatten, array_offsets, array_values, column_cast, column_dictionary_encode,
    column_drop_null, column_fill_null, column_filter, column_flatten, column_index, column_is_nan, column_is_null,
    column_is_valid, column_sort, column_sum, column_take, column_unique, column_value_counts, table_cast,
    table_drop_null)
from ._metadata import (  # noqa: E402,F401
    field_remove_metadata, field_with_metadata, field_with_name, field_with_nullable, field_with_type,
    replace_schema_metadata, schema_append, schema_pandas_metadata, schema_empty_table, schema_get_all_field_indices, schema_insert,
    schema_remove, schema_remove_metadata, schema_set, schema_with_metadata)
