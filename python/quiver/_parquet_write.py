"""Writing Parquet files with quiver (re-exported by quiver.parquet).

write_table takes pyarrow.parquet.write_table's names; the file is written by
quiver's C writer (every Arrow type Parquet can hold, ARROW:schema stored so
pyarrow restores the Arrow types, atomic when `where` is a path).
"""
import os

from . import _quiver

__all__ = ["write_table"]

_PAGE_VERSIONS = {"1.0": 1, "2.0": 2, 1: 1, 2: 2, "1": 1, "2": 2}


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
                store_decimal_as_integer=False, statistics_truncate_length=64, **kwargs):
    """write_table(table, where, row_group_size=None, use_dictionary=True, compression='snappy', ...)

    Writes `table` (a quiver Table, or anything quiver.table() accepts) as a
    Parquet file to `where`: a path (written atomically: a temporary renamed
    into place) or a binary file-like object. Options follow
    pyarrow.parquet.write_table: compression 'none', 'snappy', 'gzip',
    'brotli', 'zstd' or 'lz4' (LZ4_RAW) with compression_level;
    use_dictionary (bool); data_page_version '1.0' or '2.0'; row_group_size
    (rows); data_page_size and dictionary_pagesize_limit (bytes);
    write_statistics (bool); store_schema (the ARROW:schema key);
    store_decimal_as_integer (decimals up to precision 18 as INT32/INT64).
    Options quiver does not implement raise NotImplementedError when set.
    """
    unsupported = {
        "use_deprecated_int96_timestamps": bool(use_deprecated_int96_timestamps),
        "coerce_timestamps": coerce_timestamps is not None,
        "flavor": flavor is not None,
        "filesystem": filesystem is not None,
        "use_byte_stream_split": bool(use_byte_stream_split),
        "column_encoding": column_encoding is not None,
        "use_compliant_nested_type": not use_compliant_nested_type,
        "encryption_properties": encryption_properties is not None,
        "write_page_index": bool(write_page_index),
        "write_page_checksum": bool(write_page_checksum),
        "sorting_columns": sorting_columns is not None,
    }
    unsupported.update({k: True for k in kwargs})
    used = sorted(k for k, v in unsupported.items() if v)
    if used:
        raise NotImplementedError("quiver's Parquet writer does not support: " + ", ".join(used))
    if not isinstance(use_dictionary, bool):
        raise NotImplementedError("use_dictionary must be True or False (per-column lists are not supported)")
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
        use_dictionary,
        _PAGE_VERSIONS[data_page_version],
        _size(row_group_size, 1 << 20, "row_group_size"),
        _size(data_page_size, 1 << 20, "data_page_size"),
        _size(dictionary_pagesize_limit, 1 << 20, "dictionary_pagesize_limit"),
        write_statistics,
        bool(store_schema),
        int(statistics_truncate_length or 0),
        bool(store_decimal_as_integer),
    )
    if isinstance(where, (str, os.PathLike)):
        _quiver._parquet_write(t, os.fsencode(where), *args)
        return None
    data = _quiver._parquet_write(t, None, *args)
    where.write(data)
    return None
