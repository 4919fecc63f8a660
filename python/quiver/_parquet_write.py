"""Writing Parquet files with quiver (re-exported by quiver.parquet).

write_table takes pyarrow.parquet.write_table's names; the file is written by
quiver's C writer (every Arrow type Parquet can hold, ARROW:schema stored so
pyarrow restores the Arrow types, atomic when `where` is a path).
"""
import os

from . import _quiver

__all__ = ["write_table"]

_PAGE_VERSIONS = {"1.0": 1, "2.0": 2, 1: 1, 2: 2, "1": 1, "2": 2}

# qv_parquet_encoding numbers (parquet_writer.h), by pyarrow's names.
_ENCODINGS = {"PLAIN": 1, "DELTA_BINARY_PACKED": 2, "DELTA_LENGTH_BYTE_ARRAY": 3, "DELTA_BYTE_ARRAY": 4,
              "BYTE_STREAM_SPLIT": 5, "RLE": 6}
# pyarrow's bloom filter defaults (ndv is capped at each chunk's length).
_BLOOM_NDV = 1048576
_BLOOM_FPP = 0.05


def _encoding(name):
    try:
        return _ENCODINGS[str(name).upper()]
    except KeyError:
        raise ValueError("unsupported column encoding %r (one of %s)" % (name, ", ".join(sorted(_ENCODINGS))))


def _column_options(use_dictionary, use_byte_stream_split, column_encoding, bloom_filter_options):
    """(global encoding, use_byte_stream_split, use_dictionary, per-column tuples) for the C writer."""
    columns = []
    encoding = 0
    if column_encoding is not None:
        if use_dictionary is not False:
            raise ValueError("column_encoding requires use_dictionary=False (as in pyarrow)")
        if use_byte_stream_split:
            raise ValueError("column_encoding cannot be combined with use_byte_stream_split (as in pyarrow)")
        if isinstance(column_encoding, dict):
            columns += [(str(k), _encoding(v), 0, False, 0.0, 0) for k, v in column_encoding.items()]
        else:
            encoding = _encoding(column_encoding)
    bss = False
    if isinstance(use_byte_stream_split, (list, tuple)):
        columns += [(str(k), _ENCODINGS["BYTE_STREAM_SPLIT"], 0, False, 0.0, 0) for k in use_byte_stream_split]
    else:
        bss = bool(use_byte_stream_split)
    dictionary = use_dictionary
    if isinstance(use_dictionary, (list, tuple)):
        dictionary = False
        columns += [(str(k), 0, 1, False, 0.0, 0) for k in use_dictionary]
    elif not isinstance(use_dictionary, bool):
        raise TypeError("use_dictionary must be a bool or a list of column names")
    for k, v in (bloom_filter_options or {}).items():
        if v is False:
            continue
        spec = {} if v is True else dict(v)
        unknown = set(spec) - {"ndv", "fpp"}
        if unknown:
            raise ValueError("bloom_filter_options[%r]: unknown keys %s" % (k, sorted(unknown)))
        ndv = int(spec.get("ndv", _BLOOM_NDV))
        fpp = float(spec.get("fpp", _BLOOM_FPP))
        if ndv <= 0:
            raise ValueError("bloom_filter_options[%r]: ndv must be positive" % (k,))
        if not 0.0 < fpp < 1.0:
            raise ValueError("bloom_filter_options[%r]: fpp must be between 0 and 1" % (k,))
        columns.append((str(k), 0, 0, True, fpp, ndv))
    return encoding, bss, dictionary, columns


def _as_table(data):
    from . import Table, table

    return data if isinstance(data, Table) else table(data)


def _size(value, default, name):
    if value is None:
        return default
    value = int(value)
    if value <= 0:
        raise ValueError("%s must be positive, not %d" % (name, value))
    return value


def write_table(table, where, row_group_size=None, version="2.6", use_dictionary=True, compression="snappy",
                write_statistics=True, use_deprecated_int96_timestamps=None, coerce_timestamps=None,
                allow_truncated_timestamps=False, data_page_size=None, flavor=None, filesystem=None,
                compression_level=None, use_byte_stream_split=False, column_encoding=None,
                data_page_version="1.0", use_compliant_nested_type=True, encryption_properties=None,
                write_batch_size=None, dictionary_pagesize_limit=None, store_schema=True,
                write_page_index=False, write_page_checksum=False, sorting_columns=None,
                store_decimal_as_integer=False, statistics_truncate_length=64, bloom_filter_options=None,
                **kwargs):
    """write_table(table, where, row_group_size=None, use_dictionary=True, compression='snappy', ...)

    Writes `table` (a quiver Table, or anything quiver.table() accepts) as a
    Parquet file to `where`: a path (written atomically: a temporary renamed
    into place) or a binary file-like object. Options follow
    pyarrow.parquet.write_table: compression 'none', 'snappy', 'gzip',
    'brotli', 'zstd' or 'lz4' (LZ4_RAW) with compression_level;
    use_dictionary (bool); data_page_version '1.0' or '2.0'; row_group_size
    (rows); data_page_size and dictionary_pagesize_limit (bytes);
    write_statistics (bool); store_schema (the ARROW:schema key);
    store_decimal_as_integer (decimals up to precision 18 as INT32/INT64);
    use_dictionary and use_byte_stream_split (bool or list of columns);
    column_encoding (a name or {column: name}: PLAIN, DELTA_BINARY_PACKED,
    DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY, BYTE_STREAM_SPLIT, RLE);
    write_page_index (ColumnIndex and OffsetIndex); write_page_checksum
    (page CRC32); bloom_filter_options ({column: True or {"ndv", "fpp"}}).
    Options quiver does not implement raise NotImplementedError when set.
    """
    unsupported = {
        "use_deprecated_int96_timestamps": bool(use_deprecated_int96_timestamps),
        "coerce_timestamps": coerce_timestamps is not None,
        "flavor": flavor is not None,
        "filesystem": filesystem is not None,
        "use_compliant_nested_type": not use_compliant_nested_type,
        "encryption_properties": encryption_properties is not None,
        "sorting_columns": sorting_columns is not None,
    }
    unsupported.update({k: True for k in kwargs})
    used = sorted(k for k, v in unsupported.items() if v)
    if used:
        raise NotImplementedError("quiver's Parquet writer does not support: " + ", ".join(used))
    encoding, bss, dictionary, columns = _column_options(use_dictionary, use_byte_stream_split, column_encoding,
                                                         bloom_filter_options)
    if not isinstance(write_statistics, bool):
        raise NotImplementedError("write_statistics must be True or False (per-column lists are not supported)")
    if compression is not None and not isinstance(compression, str):
        raise NotImplementedError("compression must be one codec name (per-column dicts are not supported)")
    if data_page_version not in _PAGE_VERSIONS:
        raise ValueError("data_page_version must be '1.0' or '2.0', not %r" % (data_page_version,))
    t = _as_table(table)
    args = (
        compression if compression is not None else "none",
        int(compression_level or 0),
        dictionary,
        _PAGE_VERSIONS[data_page_version],
        _size(row_group_size, 1 << 20, "row_group_size"),
        _size(data_page_size, 1 << 20, "data_page_size"),
        _size(dictionary_pagesize_limit, 1 << 20, "dictionary_pagesize_limit"),
        write_statistics,
        bool(store_schema),
        int(statistics_truncate_length or 0),
        bool(store_decimal_as_integer),
        bool(write_page_index),
        bool(write_page_checksum),
        encoding,
        bss,
        columns,
    )
    if isinstance(where, (str, os.PathLike)):
        _quiver._parquet_write(t, os.fsencode(where), *args)
        return None
    data = _quiver._parquet_write(t, None, *args)
    where.write(data)
    return None
