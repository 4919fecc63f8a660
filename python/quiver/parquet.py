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
by top-level field name or dotted path ("a.b": read_table returns column
"b", ParquetFile.read keeps struct "a" with child "b", as pyarrow).
filters= takes pyarrow's DNF; row groups whose statistics rule it out are
skipped. read_dictionary= and binary_type= are pyarrow's options. The
file is memory-mapped while open (use_pread=True reads column chunks with
pread instead); arrays read from PLAIN uncompressed pages of fixed-width
values may share the mapping's pages, so do not truncate or rewrite the
file while a ParquetFile or such arrays are alive.
Errors raise quiver's ArrowInvalid / ArrowNotImplementedError / OSError
with a message naming the column, page and byte offset.
"""
import datetime
import os
import sys

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


_BINARY_TYPES = {"binary": 0, "string": 0, "utf8": 0, "large_binary": 1, "large_string": 1, "large_utf8": 1,
                 "binary_view": 2, "string_view": 2}

# qv_parquet_compare_op
_EQ, _NE, _LT, _LE, _GT, _GE = range(6)
_OPS = {"=": _EQ, "==": _EQ, "!=": _NE, "<": _LT, "<=": _LE, ">": _GT, ">=": _GE}


def _binary_type_code(t):
    if t is None:
        return 0
    key = t if isinstance(t, str) else str(t)
    if key not in _BINARY_TYPES:
        raise ValueError("binary_type must be binary, large_binary or binary_view (got %r)" % (t,))
    return _BINARY_TYPES[key]


def _normalize_filters(filters):
    """DNF as pyarrow takes it: a list of (column, op, value) tuples (one
    AND), or a list of such lists (an OR of ANDs)."""
    if filters is None:
        return None
    if not isinstance(filters, (list, tuple)) or len(filters) == 0:
        raise TypeError("filters must be a non-empty list of (column, op, value) tuples or a list of such lists "
                        "(expressions are not supported)")
    dnf = [filters] if isinstance(filters[0], tuple) else filters
    out = []
    for conj in dnf:
        terms = []
        for term in conj:
            if not isinstance(term, (tuple, list)) or len(term) != 3:
                raise TypeError("a filter term must be (column, op, value), got %r" % (term,))
            name, op, value = term
            op = op.lower() if isinstance(op, str) else op
            if op not in _OPS and op not in ("in", "not in"):
                raise ValueError('"%s" is not a valid operator in predicates.' % (op,))
            if op in ("in", "not in"):
                value = list(value)  # read once: row groups are judged and rows filtered on the same set
            terms.append((name, op, value))
        out.append(terms)
    return out


class ParquetFile:
    """An open Parquet file (the footer read, row groups read on demand).

    read_dictionary: leaf column paths whose string/binary values are read as
    dictionary arrays (pyarrow's option). binary_type: "binary_view" (or
    quiver.binary_view()) reads string/binary columns as views,
    "large_binary" as large types, when the file stores no ARROW:schema.
    use_pread: read column chunks with pread instead of mapping the file."""

    def __init__(self, source, *, read_dictionary=None, binary_type=None, verify_crc=True,
                 ignore_arrow_schema=False, use_pread=False):
        rd = None if read_dictionary is None else [str(c) for c in read_dictionary]
        self._cap = _quiver._parquet_open(os.fsencode(source), not verify_crc, bool(ignore_arrow_schema), rd,
                                          _binary_type_code(binary_type), bool(use_pread))
        self._metadata = None
        self._paths = None
        self.last_row_groups_skipped = 0

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

    def _leaf_paths(self):
        if self._paths is None:
            self._paths = _quiver._parquet_column_paths(self._cap)
        return self._paths

    def _selection(self, columns):
        """(fields, leaves): whole top-level fields when every column names
        one, otherwise leaf columns (a dotted path selects the leaves under
        it, as pyarrow's ParquetFile.read)."""
        if columns is None:
            return None, None
        names = self.schema_arrow.names
        if all(isinstance(c, int) or c in names for c in columns):
            out = []
            for c in columns:
                i = c if isinstance(c, int) else names.index(c)
                if i not in out:
                    out.append(i)
            return out, None
        paths = self._leaf_paths()
        leaves = []
        for c in columns:
            prefix = names[c] if isinstance(c, int) else c
            hits = [i for i, p in enumerate(paths) if p == prefix or p.startswith(prefix + ".")]
            if not hits:
                raise KeyError("column %r is not in the file (fields: %s)" % (c, ", ".join(names)))
            leaves.extend(h for h in hits if h not in leaves)
        return None, leaves

    def _leaf_type(self, path):
        parts = path.split(".")
        try:
            t = self.schema_arrow.field(parts[0]).type
            for part in parts[1:]:
                t = t.field(part).type
        except (KeyError, IndexError, TypeError, AttributeError):
            return None
        return t

    def _predicate(self, name, op, value):
        """(column, op, constant) for the statistics, or None when the
        constant's meaning is not the column's stored value."""
        try:
            col = _quiver._parquet_column_index(self._cap, name)
        except KeyError:
            raise KeyError("filter column %r is not a leaf column of the file" % (name,)) from None
        t = self._leaf_type(name)
        kind = str(t) if t is not None else ""
        if isinstance(value, bool):
            return (col, op, value) if kind == "bool" else None
        if isinstance(value, (int, float)):
            numeric = kind.startswith(("int", "uint", "float", "double", "halffloat")) and kind != "halffloat"
            return (col, op, value) if numeric else None
        if isinstance(value, str):
            return (col, op, value.encode("utf-8")) if kind in ("string", "large_string", "string_view") else None
        if isinstance(value, bytes):
            return (col, op, value) if kind in ("binary", "large_binary", "binary_view") else None
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime) and kind == "date32[day]":
            return (col, op, (value - datetime.date(1970, 1, 1)).days)
        return None

    def _may_match(self, g, conj):
        preds = []
        for name, op, value in conj:
            if op in _OPS:
                p = self._predicate(name, _OPS[op], value)
                if p is not None:
                    preds.append(p)
            elif op == "in":
                alts = [self._predicate(name, _EQ, v) for v in value]
                if all(a is not None for a in alts) and not any(
                        _quiver._parquet_row_group_may_match(self._cap, g, [a]) for a in alts):
                    return False
        return _quiver._parquet_row_group_may_match(self._cap, g, preds)

    def row_groups_matching(self, filters, row_groups=None):
        """The row groups (of row_groups, default all) whose statistics do
        not rule out the DNF filters."""
        dnf = _normalize_filters(filters)
        groups = range(self.num_row_groups) if row_groups is None else row_groups
        if dnf is None:
            return list(groups)
        return [g for g in groups if any(self._may_match(g, conj) for conj in dnf)]

    def _scan(self, row_groups, columns, filters):
        dnf = _normalize_filters(filters)
        groups = None if row_groups is None else [int(g) for g in row_groups]
        if dnf is not None:
            kept = self.row_groups_matching(dnf, groups)
            self.last_row_groups_skipped = len(groups if groups is not None else range(self.num_row_groups)) - len(kept)
            groups = kept
            if columns is not None:
                extra = [n for conj in dnf for n, _, _ in conj]
                columns = list(columns) + [n for n in extra if n not in columns]
        fields, leaves = self._selection(columns)
        table, skipped = _quiver._parquet_scan(self._cap, groups, leaves, fields, None)
        if dnf is not None:
            table = _filter_rows(table, dnf)
        else:
            self.last_row_groups_skipped = skipped
        return table

    def read(self, columns=None, use_threads=True, use_pandas_metadata=False, *, filters=None):
        """The file (or its selected columns; a dotted path keeps the struct
        children under it). filters (quiver's extension): DNF as in
        read_table; the row groups skipped are in last_row_groups_skipped."""
        t = self._scan(None, columns, filters)
        return t if filters is None or columns is None else t.select(_top_names(self, columns, t))

    def read_row_groups(self, row_groups, columns=None, use_threads=True, use_pandas_metadata=False):
        return self._scan(list(row_groups), columns, None)

    def read_row_group(self, i, columns=None, use_threads=True, use_pandas_metadata=False):
        fields, leaves = self._selection(columns)
        if leaves is None:
            return _quiver._parquet_read_row_group(self._cap, int(i), fields)
        n = self.num_row_groups
        if not -n <= int(i) < n:
            raise IndexError("row group %d out of range (%d row groups)" % (int(i), n))
        reader = _quiver._parquet_batch_reader(self._cap, [int(i) % n], leaves, None, None)
        return _quiver._parquet_batch_reader_next(reader)

    def iter_batches(self, batch_size=None, row_groups=None, columns=None, use_threads=True,
                     use_pandas_metadata=False, *, filters=None):
        """Yields RecordBatches, reading one row group at a time (memory holds
        one row group's selected column chunks and the batch handed out);
        batch_size splits them further. filters (quiver's extension) skips
        the row groups whose statistics rule the DNF out (rows are not
        filtered)."""
        fields, leaves = self._selection(columns)
        groups = None if row_groups is None else [int(g) for g in row_groups]
        if filters is not None:
            groups = self.row_groups_matching(filters, groups)
        reader = _quiver._parquet_batch_reader(self._cap, groups, leaves, fields, None)
        while True:
            b = _quiver._parquet_batch_reader_next(reader)
            if b is None:
                return
            if batch_size is None or b.num_rows <= batch_size:
                yield b
                continue
            for off in range(0, b.num_rows, batch_size):
                yield b.slice(off, batch_size)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _qv():
    return sys.modules["quiver"]


def _top_names(pf, columns, table):
    names = []
    for c in columns:
        top = c if c in table.column_names else pf.schema_arrow.names[c] if isinstance(c, int) else c.split(".")[0]
        if top not in names:
            names.append(top)
    return names


def _column_at(table, path):
    """The column at a dotted path through struct fields (pyarrow's
    dataset semantics for read_table(columns=["a.b"]))."""
    parts = path.split(".")
    col = table.column(parts[0])
    for part in parts[1:]:
        t = col.type
        if t.id != "struct":
            raise _qv().ArrowInvalid("No match for FieldRef %r in %s" % (path, table.schema))
        names = [t.field(i).name for i in range(t.num_fields)]
        if part not in names:
            raise _qv().ArrowInvalid("No match for FieldRef %r in %s" % (path, table.schema))
        k = names.index(part)
        col = _qv().chunked_array([c.children[k].slice(c.offset, len(c)) for c in col.chunks], type=t.field(k).type)
    return col


def _filter_rows(table, dnf):
    """Keeps the rows where the DNF holds (Kleene logic, nulls dropped, as a
    pyarrow dataset filter)."""
    import quiver.compute as pc
    fns = {"=": pc.equal, "==": pc.equal, "!=": pc.not_equal, "<": pc.less, "<=": pc.less_equal,
           ">": pc.greater, ">=": pc.greater_equal}
    mask = None
    for conj in dnf:
        cm = None
        for name, op, value in conj:
            col = table.column(name) if name in table.column_names else _column_at(table, name)
            if op in fns:
                m = fns[op](col, value)
            else:
                m = pc.is_in(col, value_set=_qv().array(list(value), type=col.type if str(col.type).find("dictionary") < 0
                                                     else col.type.value_type))
                if op == "not in":
                    m = pc.invert(m)
            cm = m if cm is None else pc.and_kleene(cm, m)
        mask = cm if mask is None else pc.or_kleene(mask, cm)
    return table.filter(mask)


def read_table(source, columns=None, *, filters=None, read_dictionary=None, binary_type=None, use_threads=True,
               verify_crc=True, ignore_arrow_schema=False, use_pread=False, **_ignored):
    """Reads a Parquet file into a quiver Table of one batch per row group.

    columns: top-level names, or dotted paths through structs, which come
    back as columns named by their last part (pyarrow's read_table).
    filters: DNF (a list of (column, op, value) tuples, or a list of such
    lists); row groups whose statistics rule it out are not read, and the
    rows read are filtered. read_dictionary, binary_type: as ParquetFile."""
    pf = ParquetFile(source, read_dictionary=read_dictionary, binary_type=binary_type, verify_crc=verify_crc,
                     ignore_arrow_schema=ignore_arrow_schema, use_pread=use_pread)
    if columns is None:
        return pf._scan(None, None, filters)
    names = pf.schema_arrow.names
    tops = []
    for c in columns:
        top = c if (isinstance(c, int) or c in names) else c.split(".")[0]
        if isinstance(top, str) and top not in names:
            raise _qv().ArrowInvalid("No match for FieldRef %r in %s" % (c, pf.schema_arrow))
        if top not in tops:
            tops.append(top)
    table = pf._scan(None, tops, filters)
    if all(isinstance(c, int) or c in names for c in columns):
        return table.select([names[c] if isinstance(c, int) else c for c in columns])
    arrays = [table.column(c) if c in names else _column_at(table, c) for c in columns]
    out = [c if c in names else c.split(".")[-1] for c in columns]
    return _qv().Table.from_arrays(arrays, names=out)


def read_metadata(source):
    return ParquetFile(source).metadata


def read_schema(source):
    return ParquetFile(source).schema_arrow
