"""quiver: Apache Arrow in C, for Python.

A thin CPython extension over libquiver (a C11 Arrow implementation). Arrays,
record batches and tables are immutable and exchange data with pyarrow,
polars, duckdb, nanoarrow and any other library speaking the Arrow PyCapsule
protocol without copying::

    import quiver as qv
    arr = qv.array([1, 2, None])                 # type inferred: int64
    arr.to_pylist()                              # [1, 2, None]
    t = qv.table({"a": [1, 2], "b": ["x", "y"]})
    import pyarrow as pa, polars as pl
    pa.table(t); pl.DataFrame(t)                 # zero-copy, via __arrow_c_stream__
    qv.table(pa.table({"a": [1]}))               # zero-copy the other way

Type factories follow pyarrow's names (``int32()``, ``list_()``,
``timestamp("ms", tz="UTC")``, ...). Errors from the C library are raised as
``ArrowInvalid`` (a ``ValueError``) and friends, carrying quiver's message.
"""
from . import _quiver
from ._quiver import (  # noqa: F401
    Array,
    ArrowException,
    ArrowIndexError,
    ArrowInvalid,
    ArrowIOError,
    ArrowKeyError,
    ArrowMemoryError,
    ArrowNotImplementedError,
    ArrowTypeError,
    Buffer,
    ChunkedArray,
    DataType,
    Field,
    RecordBatch,
    Schema,
    Table,
)

__version__ = "0.1.0"

__all__ = [
    "Array", "ArrowException", "ArrowIndexError", "ArrowInvalid", "ArrowIOError", "ArrowKeyError",
    "ArrowMemoryError", "ArrowNotImplementedError", "ArrowTypeError", "Buffer", "ChunkedArray", "DataType",
    "Field", "RecordBatch", "Schema", "Table",
    "array", "chunked_array", "record_batch", "table", "field", "schema", "type_for",
    "null", "bool_", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "float16", "float32", "float64", "halffloat", "float_", "double",
    "string", "utf8", "large_string", "large_utf8", "string_view", "utf8_view",
    "binary", "large_binary", "binary_view", "fixed_size_binary",
    "decimal32", "decimal64", "decimal128", "decimal256",
    "date32", "date64", "time32", "time64", "timestamp", "duration",
    "month_interval", "day_time_interval", "month_day_nano_interval",
    "list_", "large_list", "list_view", "large_list_view", "fixed_size_list",
    "struct", "map_", "dictionary", "sparse_union", "dense_union", "union", "run_end_encoded",
    "extension_type", "uuid", "json_", "bool8", "ipc", "concat_tables", "concat_arrays", "RecordBatchReader",
]

# ---------------------------------------------------------------- types


def _simple(name, doc):
    def factory():
        return _quiver._type_by_name(name)

    factory.__name__ = name
    factory.__doc__ = doc
    return factory


null = _simple("null", "null() -> DataType: the null type (every value is null).")
bool_ = _simple("bool", "bool_() -> DataType: boolean (bit-packed).")
int8 = _simple("int8", "int8() -> DataType")
int16 = _simple("int16", "int16() -> DataType")
int32 = _simple("int32", "int32() -> DataType")
int64 = _simple("int64", "int64() -> DataType")
uint8 = _simple("uint8", "uint8() -> DataType")
uint16 = _simple("uint16", "uint16() -> DataType")
uint32 = _simple("uint32", "uint32() -> DataType")
uint64 = _simple("uint64", "uint64() -> DataType")
float16 = _simple("float16", "float16() -> DataType: IEEE half precision.")
float32 = _simple("float32", "float32() -> DataType")
float64 = _simple("float64", "float64() -> DataType")
halffloat, float_, double = float16, float32, float64
string = _simple("string", "string() -> DataType: UTF-8 text with int32 offsets.")
large_string = _simple("large_string", "large_string() -> DataType: UTF-8 text with int64 offsets.")
string_view = _simple("string_view", "string_view() -> DataType: UTF-8 text as 16-byte views.")
utf8, large_utf8, utf8_view = string, large_string, string_view
large_binary = _simple("large_binary", "large_binary() -> DataType: bytes with int64 offsets.")
binary_view = _simple("binary_view", "binary_view() -> DataType: bytes as 16-byte views.")
date32 = _simple("date32", "date32() -> DataType: days since 1970-01-01 (int32).")
date64 = _simple("date64", "date64() -> DataType: milliseconds since 1970-01-01 (int64, whole days).")
month_interval = _simple("interval_months", "month_interval() -> DataType: int32 months.")
day_time_interval = _simple("interval_day_time", "day_time_interval() -> DataType: (days, milliseconds).")
month_day_nano_interval = _simple(
    "interval_month_day_nano", "month_day_nano_interval() -> DataType: (months, days, nanoseconds).")


def binary(length=-1):
    """binary(length=-1) -> DataType: variable-size bytes, or fixed_size_binary(length) if length >= 0."""
    if length is not None and length >= 0:
        return _quiver._fixed_size_binary(length)
    return _quiver._type_by_name("binary")


def fixed_size_binary(byte_width):
    """fixed_size_binary(byte_width) -> DataType"""
    return _quiver._fixed_size_binary(byte_width)


def decimal32(precision, scale=0):
    """decimal32(precision, scale=0) -> DataType (precision 1..9)."""
    return _quiver._decimal(32, precision, scale)


def decimal64(precision, scale=0):
    """decimal64(precision, scale=0) -> DataType (precision 1..18)."""
    return _quiver._decimal(64, precision, scale)


def decimal128(precision, scale=0):
    """decimal128(precision, scale=0) -> DataType (precision 1..38)."""
    return _quiver._decimal(128, precision, scale)


def decimal256(precision, scale=0):
    """decimal256(precision, scale=0) -> DataType (precision 1..76)."""
    return _quiver._decimal(256, precision, scale)


def time32(unit):
    """time32(unit) -> DataType: time of day in 's' or 'ms' (int32)."""
    return _quiver._temporal("time32", unit)


def time64(unit):
    """time64(unit) -> DataType: time of day in 'us' or 'ns' (int64)."""
    return _quiver._temporal("time64", unit)


def timestamp(unit, tz=None):
    """timestamp(unit, tz=None) -> DataType: int64 since the epoch in 's', 'ms', 'us' or 'ns'.

    tz is an Olson name ("Europe/Paris"), "UTC" or a fixed offset ("+05:30"); None for naive.
    """
    return _quiver._temporal("timestamp", unit, tz)


def duration(unit):
    """duration(unit) -> DataType: int64 elapsed time in 's', 'ms', 'us' or 'ns'."""
    return _quiver._temporal("duration", unit)


def _item(value_type):
    if isinstance(value_type, (DataType, Field)):
        return value_type
    raise TypeError("value_type must be a quiver.DataType or quiver.Field, not %s" % type(value_type).__name__)


def list_(value_type, list_size=-1):
    """list_(value_type, list_size=-1) -> DataType: list<item: value_type> (int32 offsets).

    value_type may be a DataType or a Field (to name the child); a list_size >= 0 makes a
    fixed_size_list.
    """
    if list_size is not None and list_size >= 0:
        return _quiver._list("fixed_size_list", _item(value_type), list_size)
    return _quiver._list("list", _item(value_type))


def large_list(value_type):
    """large_list(value_type) -> DataType: list with int64 offsets."""
    return _quiver._list("large_list", _item(value_type))


def list_view(value_type):
    """list_view(value_type) -> DataType: list view (int32 offsets and sizes)."""
    return _quiver._list("list_view", _item(value_type))


def large_list_view(value_type):
    """large_list_view(value_type) -> DataType: list view (int64 offsets and sizes)."""
    return _quiver._list("large_list_view", _item(value_type))


def fixed_size_list(value_type, list_size):
    """fixed_size_list(value_type, list_size) -> DataType"""
    return _quiver._list("fixed_size_list", _item(value_type), list_size)


def _fields(fields):
    if isinstance(fields, dict):
        fields = list(fields.items())
    out = []
    for f in fields:
        if isinstance(f, Field):
            out.append(f)
        elif isinstance(f, tuple) and len(f) == 2:
            out.append(field(f[0], f[1]))
        else:
            raise TypeError("expected a quiver.Field or a (name, DataType) tuple, got %r" % (f,))
    return out


def struct(fields):
    """struct(fields) -> DataType: fields are Fields, (name, type) tuples or a {name: type} dict."""
    return _quiver._struct(_fields(fields))


def map_(key_type, item_type, keys_sorted=False):
    """map_(key_type, item_type, keys_sorted=False) -> DataType: map<key, value>."""
    return _quiver._map(key_type, item_type, bool(keys_sorted))


def dictionary(index_type, value_type, ordered=False):
    """dictionary(index_type, value_type, ordered=False) -> DataType: dictionary-encoded values."""
    return _quiver._dictionary(index_type, value_type, bool(ordered))


def sparse_union(child_fields, type_codes=None):
    """sparse_union(child_fields, type_codes=None) -> DataType"""
    return _quiver._union("sparse", _fields(child_fields), type_codes)


def dense_union(child_fields, type_codes=None):
    """dense_union(child_fields, type_codes=None) -> DataType"""
    return _quiver._union("dense", _fields(child_fields), type_codes)


def union(child_fields, mode, type_codes=None):
    """union(child_fields, mode, type_codes=None) -> DataType; mode is 'sparse' or 'dense'."""
    return _quiver._union(mode, _fields(child_fields), type_codes)


def run_end_encoded(run_end_type, value_type):
    """run_end_encoded(run_end_type, value_type) -> DataType; run ends int16, int32 or int64."""
    return _quiver._run_end_encoded(run_end_type, value_type)


def extension_type(name, storage_type, metadata=b""):
    """extension_type(name, storage_type, metadata=b"") -> DataType: an Arrow extension type.

    Exported through the C Data Interface as the storage type with the
    ARROW:extension:name / ARROW:extension:metadata field metadata.
    """
    if isinstance(metadata, str):
        metadata = metadata.encode()
    return _quiver._extension(name, storage_type, bytes(metadata))


def uuid():
    """uuid() -> DataType: the canonical arrow.uuid extension (fixed_size_binary(16))."""
    return extension_type("arrow.uuid", fixed_size_binary(16))


def json_(storage_type=None):
    """json_(storage_type=string()) -> DataType: the canonical arrow.json extension."""
    return extension_type("arrow.json", storage_type if storage_type is not None else string())


def bool8():
    """bool8() -> DataType: the canonical arrow.bool8 extension (int8)."""
    return extension_type("arrow.bool8", int8())


def field(name, type=None, nullable=True, metadata=None):
    """field(name, type, nullable=True, metadata=None) -> Field

    Also field(obj) for any object with __arrow_c_schema__ (e.g. a pyarrow.Field).
    """
    if type is None and hasattr(name, "__arrow_c_schema__"):
        return _quiver._import_field(name)
    return _quiver._field(name, type, nullable, metadata)


def schema(fields, metadata=None):
    """schema(fields, metadata=None) -> Schema

    fields: Fields, (name, type) tuples or a {name: type} dict; or any object with
    __arrow_c_schema__ describing a struct (e.g. a pyarrow.Schema).
    """
    if hasattr(fields, "__arrow_c_schema__") and not isinstance(fields, (list, tuple, dict)):
        return _quiver._import_schema(fields)
    return _quiver._schema(_fields(fields), metadata)


_TYPE_ALIASES = {"double": "float64", "float": "float32", "halffloat": "float16", "utf8": "string",
                 "large_utf8": "large_string", "utf8_view": "string_view", "bool_": "bool", "str": "string",
                 "bytes": "binary", "month_interval": "interval_months", "day_time_interval": "interval_day_time",
                 "month_day_nano_interval": "interval_month_day_nano"}


def type_for(obj):
    """type_for(obj) -> DataType

    obj is a DataType, the name of a parameterless type ("int32", "string",
    "double", ...), or any object with __arrow_c_schema__ (e.g. a pyarrow.DataType).
    """
    if isinstance(obj, DataType):
        return obj
    if isinstance(obj, str):
        return _quiver._type_by_name(_TYPE_ALIASES.get(obj, obj))
    if not hasattr(obj, "__arrow_c_schema__"):
        raise TypeError("expected a quiver.DataType, a type name or an object with __arrow_c_schema__, not %s"
                        % type(obj).__name__)
    return _quiver._import_type(obj)


# ---------------------------------------------------------------- data

_NUMPY_KINDS = {
    "b": "bool", "i1": "int8", "i2": "int16", "i4": "int32", "i8": "int64",
    "u1": "uint8", "u2": "uint16", "u4": "uint32", "u8": "uint64",
    "f2": "float16", "f4": "float32", "f8": "float64",
}


def _is_numpy(obj):
    module = type(obj).__module__
    return (module == "numpy" or module.startswith("numpy.")) and hasattr(obj, "dtype") and hasattr(obj, "tolist")


def _numpy_type(obj):
    dtype = obj.dtype
    key = "b" if dtype.kind == "b" else "%s%d" % (dtype.kind, dtype.itemsize)
    name = _NUMPY_KINDS.get(key)
    return _quiver._type_by_name(name) if name else None


def array(obj, type=None):
    """array(obj, type=None) -> Array

    obj is either
      * any object with ``__arrow_c_array__`` or ``__arrow_c_stream__`` (pyarrow,
        polars, nanoarrow, quiver...): imported zero-copy; a given type is passed to
        the producer as ``requested_schema`` and must match what it returns;
      * a sequence of Python values (None is null). Without ``type`` the type is
        inferred: bool, int -> int64, float -> float64, str -> string, bytes ->
        binary, list -> list<...>, dict -> struct, datetime -> timestamp[us],
        date -> date32, time -> time64[us], timedelta -> duration[us],
        Decimal -> decimal128(p, s).
    """
    if isinstance(obj, Array) and type is None:
        return obj
    if type is not None and not isinstance(type, DataType):
        type = type_for(type)
    if hasattr(obj, "__arrow_c_array__") or hasattr(obj, "__arrow_c_stream__"):
        return _quiver._import_array(obj, type)
    if _is_numpy(obj):
        from ._numpy import array_from_ndarray, is_ndarray

        if is_ndarray(obj):
            converted = array_from_ndarray(obj, type)
            if converted is not None:
                return converted
        if type is None:
            type = _numpy_type(obj)
        obj = obj.tolist()
    return _quiver._array_from_pylist(obj, type)


def chunked_array(obj, type=None):
    """chunked_array(obj, type=None) -> ChunkedArray

    obj is a list of Arrays (or of value lists), or any object with
    ``__arrow_c_stream__`` (e.g. a pyarrow.ChunkedArray or a polars Series), whose
    chunks are imported zero-copy.
    """
    if hasattr(obj, "__arrow_c_stream__") and not isinstance(obj, (list, tuple)):
        t, chunks = _quiver._import_chunked(obj)
        return _quiver._chunked_array(chunks, t)
    obj = list(obj)
    chunks = [c if isinstance(c, Array) else array(c, type) for c in obj]
    if type is None:
        if not chunks:
            raise ArrowInvalid("chunked_array of no chunks needs a type")
        # as pyarrow: an empty (or all-None) list of values takes the type the others infer
        inferred = [c.type for c in chunks if c.type != null()]
        type = inferred[0] if inferred else chunks[0].type
        chunks = [c if isinstance(v, Array) or c.type == type else array(v, type) for c, v in zip(chunks, obj)]
    return _quiver._chunked_array(chunks, type)


def _columns_from_mapping(mapping):
    names, arrays = [], []
    for name, values in mapping.items():
        if not isinstance(name, str):
            raise TypeError("column names must be str, not %s" % type(name).__name__)
        names.append(name)
        arrays.append(values if isinstance(values, Array) else array(values))
    return names, arrays


def record_batch(data, names=None, schema=None, metadata=None):
    """record_batch(data, names=None, schema=None, metadata=None) -> RecordBatch

    data is
      * a dict {name: Array or list of values};
      * a list of Arrays (or value lists) with ``names`` or ``schema``;
      * any object with ``__arrow_c_array__`` (a struct array, e.g. a
        pyarrow.RecordBatch) or ``__arrow_c_stream__`` of at most one batch
        (imported zero-copy).
    """
    if isinstance(data, RecordBatch):
        return data
    if isinstance(data, dict):
        if schema is not None:
            arrays = [_coerce_column(data[f.name], f.type) for f in schema]
            return _quiver._batch_from_arrays(arrays, schema)
        names, arrays = _columns_from_mapping(data)
        return _quiver._batch_from_arrays(arrays, names, metadata)
    if isinstance(data, (list, tuple)):
        if schema is not None:
            arrays = [_coerce_column(c, f.type) for c, f in zip(data, schema)]
            if len(arrays) != len(schema):
                raise ArrowInvalid("%d columns for a schema of %d fields" % (len(data), len(schema)))
            return _quiver._batch_from_arrays(arrays, schema)
        if names is None:
            raise ArrowInvalid("record_batch(list of arrays) needs names= or schema=")
        arrays = [c if isinstance(c, Array) else array(c) for c in data]
        return _quiver._batch_from_arrays(arrays, list(names), metadata)
    if hasattr(data, "__arrow_c_array__") or hasattr(data, "__arrow_c_stream__"):
        return _quiver._import_batch(data)
    raise TypeError("cannot make a RecordBatch from %s" % type(data).__name__)


def _coerce_column(values, t):
    if isinstance(values, Array):
        return values
    return array(values, t)


def table(data, names=None, schema=None, metadata=None):
    """table(data, names=None, schema=None, metadata=None) -> Table

    data is
      * a dict {name: Array or list of values}, or a list of Arrays with names/schema
        (one record batch);
      * a list of RecordBatches (sharing a schema);
      * a pandas DataFrame (``Table.from_pandas(data, schema=schema)``, as pyarrow);
      * any object with ``__arrow_c_stream__`` (pyarrow Table, polars DataFrame,
        duckdb relation, ...) or ``__arrow_c_array__`` (imported zero-copy).

    A ``schema`` given with a stream or array producer is the schema of the
    result: the data is cast to it where the producer's types differ, as
    pyarrow does; ``names`` and ``metadata`` are refused there.
    """
    if isinstance(data, Table) and schema is None:
        return data
    if isinstance(data, (list, tuple)) and all(isinstance(b, RecordBatch) for b in data) and \
            (data or schema is not None):
        return _quiver._table_from_batches(list(data), schema)
    if isinstance(data, (dict, list, tuple)):
        batch = record_batch(data, names=names, schema=schema, metadata=metadata)
        return _quiver._table_from_batches([batch], batch.schema)
    if _is_pandas_frame(data):  # as pyarrow: the DataFrame's index and pandas metadata, schema honoured
        if names is not None or metadata is not None:
            raise ValueError("The 'names' and 'metadata' arguments are not valid when passing a pandas DataFrame")
        return Table.from_pandas(data, schema=schema)
    if hasattr(data, "__arrow_c_stream__") or hasattr(data, "__arrow_c_array__"):
        if names is not None or metadata is not None:
            raise ValueError("The 'names' and 'metadata' arguments are not valid when using Arrow PyCapsule Interface")
        t = _quiver._import_table(data)
        if schema is not None and not t.schema.equals(schema):
            # as pyarrow: the producer's data cast to the schema asked for (ArrowInvalid if it cannot be)
            t = t.cast(schema)
        return t
    raise TypeError("cannot make a Table from %s" % type(data).__name__)


def _is_pandas_frame(obj):
    cls = type(obj)
    return cls.__name__ == "DataFrame" and cls.__module__.split(".")[0] == "pandas"


from . import ipc  # noqa: E402  (quiver.ipc: read/write Arrow IPC streams and files)
from . import shm  # noqa: E402,F401  (quiver.shm: zero-copy sharing between processes on one host)
from . import csv  # noqa: E402,F401  (quiver.csv: read_csv/open_csv/write_csv, pyarrow's names)
from . import json  # noqa: E402,F401  (quiver.json: read_json/write_json, JSON Lines)
from ._methods import concat_arrays, concat_tables  # noqa: E402,F401
from ._scalars import *  # noqa: E402,F401,F403  (Scalar, Int64Scalar, ..., scalar: pyarrow's names)
from ._scalars import __all__ as _scalar_names  # noqa: E402

__all__ += _scalar_names
from .ipc import RecordBatchReader  # noqa: E402,F401
