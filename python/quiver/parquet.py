"""Reading Parquet files with quiver, with pyarrow.parquet's names.

::

    import quiver.parquet as pq
    t = pq.read_table("data.parquet", columns=["id", "name"])
    f = pq.ParquetFile("data.parquet")
    f.schema_arrow, f.num_row_groups, f.metadata.num_rows
    batch = f.read_row_group(0)
    for batch in f.iter_batches():      # one row group at a time
        ...

Types are mapped as pyarrow maps them; when the file stores pyarrow's
ARROW:schema, the stored Arrow types are restored where the data allows
(time zones, durations, large types, extension types). Column selection is
by top-level field name (a dotted path selects its top-level field). The
file is memory-mapped while open: do not truncate or rewrite it while a
ParquetFile is alive (arrays read from it hold no reference to the file).
Errors raise quiver's ArrowInvalid / ArrowNotImplementedError / OSError
with a message naming the column, page and byte offset.
"""
import os

from . import _quiver
from ._parquet_write import write_table  # noqa: F401  (the writer, pyarrow.parquet.write_table's names)

__all__ = ["read_table", "write_table", "ParquetFile", "FileMetaData"]


class ColumnChunkMetaData:
    """One column chunk of a row group: path, codec, sizes, statistics."""

    def __init__(self, d):
        self.path_in_schema = d["path_in_schema"]
        self.physical_type = _PHYSICAL[d["physical_type"]] if 0 <= d["physical_type"] < len(_PHYSICAL) else str(
            d["physical_type"])
        self.compression = d["compression"]
        self.num_values = d["num_values"]
        self.total_compressed_size = d["total_compressed_size"]
        self.total_uncompressed_size = d["total_uncompressed_size"]
        s = d["statistics"]
        self.is_stats_set = s is not None
        self.statistics = s  # dict: null_count, distinct_count, min, max (PLAIN bytes) when present

    def __repr__(self):
        return "<ColumnChunkMetaData %s %s %s>" % (self.path_in_schema, self.physical_type, self.compression)


_PHYSICAL = ["BOOLEAN", "INT32", "INT64", "INT96", "FLOAT", "DOUBLE", "BYTE_ARRAY", "FIXED_LEN_BYTE_ARRAY"]


class RowGroupMetaData:
    def __init__(self, d):
        self.num_rows = d["num_rows"]
        self._columns = [ColumnChunkMetaData(c) for c in d["columns"]]
        self.num_columns = len(self._columns)

    def column(self, i):
        return self._columns[i]


class FileMetaData:
    """The footer: row counts, created_by, key-value metadata, row groups."""

    def __init__(self, d):
        self.num_rows = d["num_rows"]
        self.num_row_groups = d["num_row_groups"]
        self.num_columns = d["num_columns"]
        self.format_version = d["format_version"]
        self.created_by = d["created_by"]
        self.metadata = d["key_value_metadata"] or None
        self._groups = [RowGroupMetaData(g) for g in d["row_groups"]]

    def row_group(self, i):
        return self._groups[i]

    def __repr__(self):
        return "<quiver.parquet.FileMetaData rows=%d row_groups=%d columns=%d>" % (
            self.num_rows, self.num_row_groups, self.num_columns)


class ParquetFile:
    """An open Parquet file (the footer read, row groups read on demand)."""

    def __init__(self, source, *, verify_crc=True, ignore_arrow_schema=False):
        self._cap = _quiver._parquet_open(os.fsencode(source), not verify_crc, bool(ignore_arrow_schema))
        self._metadata = None

    @property
    def schema_arrow(self):
        return _quiver._parquet_schema(self._cap)

    @property
    def metadata(self):
        if self._metadata is None:
            self._metadata = FileMetaData(_quiver._parquet_metadata(self._cap))
        return self._metadata

    @property
    def num_row_groups(self):
        return self.metadata.num_row_groups

    def _field_indices(self, columns):
        if columns is None:
            return None
        names = self.schema_arrow.names
        out = []
        for c in columns:
            top = c.split(".", 1)[0] if isinstance(c, str) and c not in names else c
            if isinstance(top, int):
                out.append(top)
                continue
            try:
                i = names.index(top)
            except ValueError:
                raise KeyError("column %r is not in the file (fields: %s)" % (c, ", ".join(names))) from None
            if i not in out:
                out.append(i)
        return out

    def read(self, columns=None):
        return _quiver._parquet_read(self._cap, None, self._field_indices(columns))

    def read_row_groups(self, row_groups, columns=None):
        return _quiver._parquet_read(self._cap, list(row_groups), self._field_indices(columns))

    def read_row_group(self, i, columns=None):
        return _quiver._parquet_read_row_group(self._cap, int(i), self._field_indices(columns))

    def iter_batches(self, batch_size=None, row_groups=None, columns=None):
        """Yields RecordBatches, reading one row group at a time (memory holds
        one row group's selected columns); batch_size splits them further."""
        fields = self._field_indices(columns)
        groups = range(self.num_row_groups) if row_groups is None else row_groups
        for g in groups:
            b = _quiver._parquet_read_row_group(self._cap, int(g), fields)
            if batch_size is None or b.num_rows <= batch_size:
                yield b
                continue
            for off in range(0, b.num_rows, batch_size):
                yield b.slice(off, batch_size)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def read_table(source, columns=None, *, verify_crc=True, ignore_arrow_schema=False):
    """Reads a whole Parquet file (or its selected top-level columns) into a
    quiver Table of one batch per row group."""
    return ParquetFile(source, verify_crc=verify_crc, ignore_arrow_schema=ignore_arrow_schema).read(columns)


def read_metadata(source):
    return ParquetFile(source).metadata


def read_schema(source):
    return ParquetFile(source).schema_arrow
