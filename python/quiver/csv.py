"""CSV reading and writing with pyarrow.csv's names.

``read_csv(input_file, read_options=None, parse_options=None,
convert_options=None)`` reads a path, bytes (or any buffer) or a file-like
object into a Table, inferring each column's type from all its values the
way pyarrow does (null, int64, bool, float64, date32, timestamp, string);
``open_csv`` streams the same inputs batch by batch with bounded memory
(one batch per block of ``block_size`` bytes; types inferred from the
first blocks, a later value that does not fit is an ArrowInvalid naming
its line and column, as with pyarrow); ``write_csv(data, output_file,
write_options=None)`` writes a path or a file-like object::

    import quiver as qv
    t = qv.csv.read_csv("data.csv",
                        parse_options=qv.csv.ParseOptions(delimiter=";"),
                        convert_options=qv.csv.ConvertOptions(null_values=["-"]))
    qv.csv.write_csv(t, "out.csv")

The option classes take pyarrow's names. read_csv parses its whole input
in memory (1 GiB at most unless ``ReadOptions(max_input_size=...)``);
``use_threads=False`` parses on one thread; ``block_size`` sets the
blocks (and open_csv's batches); ``ConvertOptions(column_types=...)``
fixes column types (a dict or a list of (name, type), quiver or pyarrow
types). Options quiver does not implement yet (``include_columns``,
``escape_char``, ``strings_can_be_null``...) raise NotImplementedError
when set instead of being silently ignored. Errors raise ArrowInvalid
naming the line and column.
"""
import os

from . import _quiver

__all__ = ["ReadOptions", "ParseOptions", "ConvertOptions", "WriteOptions", "read_csv", "open_csv", "write_csv",
           "CSVStreamingReader"]


def _unsupported(name, value, default):
    if value != default:
        raise NotImplementedError("quiver.csv: %s=%r is not supported yet" % (name, value))


class ReadOptions:
    """pyarrow.csv.ReadOptions: use_threads, block_size, skip_rows,
    column_names, autogenerate_column_names; quiver's own max_input_size
    (read_csv) and max_record_size (open_csv: the longest record, 64 MiB
    by default, which bounds what a malformed input can take)."""

    def __init__(self, use_threads=True, block_size=None, skip_rows=0, skip_rows_after_names=0, column_names=None,
                 autogenerate_column_names=False, encoding="utf8", max_input_size=None, max_record_size=None):
        _unsupported("skip_rows_after_names", skip_rows_after_names, 0)
        if encoding.replace("-", "").lower() not in ("utf8",):
            raise NotImplementedError("quiver.csv reads UTF-8 only, not %r" % encoding)
        self.use_threads = use_threads
        self.block_size = block_size
        self.skip_rows = int(skip_rows)
        self.skip_rows_after_names = skip_rows_after_names
        self.column_names = list(column_names) if column_names is not None else None
        self.autogenerate_column_names = bool(autogenerate_column_names)
        self.encoding = encoding
        self.max_input_size = max_input_size
        self.max_record_size = max_record_size


class ParseOptions:
    """pyarrow.csv.ParseOptions: delimiter, quote_char (False: no quoting),
    invalid_row_handler (any handler is taken as one that skips)."""

    def __init__(self, delimiter=",", quote_char='"', double_quote=True, escape_char=False, newlines_in_values=False,
                 ignore_empty_lines=True, invalid_row_handler=None):
        _unsupported("double_quote", double_quote, True)
        _unsupported("escape_char", escape_char, False)
        _unsupported("ignore_empty_lines", ignore_empty_lines, True)
        self.delimiter = delimiter
        self.quote_char = quote_char
        self.double_quote = double_quote
        self.escape_char = escape_char
        self.newlines_in_values = newlines_in_values  # quoted line breaks are always accepted
        self.ignore_empty_lines = ignore_empty_lines
        self.invalid_row_handler = invalid_row_handler


class ConvertOptions:
    """pyarrow.csv.ConvertOptions: column_types, null_values, true_values,
    false_values, check_utf8 (always on)."""

    def __init__(self, check_utf8=True, column_types=None, null_values=None, true_values=None, false_values=None,
                 decimal_point=".", strings_can_be_null=False, quoted_strings_can_be_null=True,
                 include_columns=None, include_missing_columns=False, auto_dict_encode=False,
                 auto_dict_max_cardinality=None, timestamp_parsers=None):
        _unsupported("decimal_point", decimal_point, ".")
        _unsupported("strings_can_be_null", strings_can_be_null, False)
        # quiver reads a quoted "" like an unquoted one (null outside string
        # columns); pyarrow's False makes such a column string instead
        _unsupported("quoted_strings_can_be_null", quoted_strings_can_be_null, True)
        _unsupported("include_columns", include_columns or None, None)
        _unsupported("include_missing_columns", include_missing_columns, False)
        _unsupported("auto_dict_encode", auto_dict_encode, False)
        _unsupported("timestamp_parsers", timestamp_parsers or None, None)
        self.check_utf8 = check_utf8
        self.column_types = column_types
        self.null_values = list(null_values) if null_values is not None else None
        self.true_values = list(true_values) if true_values is not None else None
        self.false_values = list(false_values) if false_values is not None else None
        self.decimal_point = decimal_point
        self.strings_can_be_null = strings_can_be_null
        self.quoted_strings_can_be_null = quoted_strings_can_be_null
        self.include_columns = include_columns
        self.include_missing_columns = include_missing_columns
        self.auto_dict_encode = auto_dict_encode
        self.auto_dict_max_cardinality = auto_dict_max_cardinality
        self.timestamp_parsers = timestamp_parsers


class WriteOptions:
    """pyarrow.csv.WriteOptions: include_header, delimiter (batch_size:
    accepted; quoting_style 'needed' only)."""

    def __init__(self, include_header=True, batch_size=1024, delimiter=",", quoting_style="needed"):
        _unsupported("quoting_style", quoting_style, "needed")
        self.include_header = bool(include_header)
        self.batch_size = batch_size
        self.delimiter = delimiter
        self.quoting_style = quoting_style


def _source(input_file):
    """(bytes path, True) or (buffer, False)."""
    if isinstance(input_file, (str, os.PathLike)):
        return os.fsencode(input_file), True
    if hasattr(input_file, "read") and not isinstance(input_file, (bytes, bytearray, memoryview)):
        return input_file.read(), False
    return input_file, False


def _column_types(column_types):
    """[(name, quiver.DataType)] from a dict or a list of pairs (pyarrow or quiver types), or None."""
    if not column_types:
        return None
    from . import type_for

    pairs = column_types.items() if hasattr(column_types, "items") else column_types
    out = []
    for pair in pairs:
        if hasattr(pair, "name") and hasattr(pair, "type"):  # a Field (a pyarrow.Schema iterates as fields)
            name, t = pair.name, pair.type
        else:
            name, t = pair
        out.append((str(name), type_for(t)))
    return out


def _options(ro, po, co):
    # As in pyarrow: given column names mean the first record is data.
    no_header = ro.autogenerate_column_names or ro.column_names is not None
    quote = None if po.quote_char is False else po.quote_char
    return (po.delimiter, quote, no_header, ro.column_names, ro.skip_rows, co.null_values, co.true_values,
            co.false_values, po.invalid_row_handler is not None, int(ro.max_input_size or 0),
            int(ro.block_size or 0), 0 if ro.use_threads else 1, _column_types(co.column_types),
            int(getattr(ro, "max_record_size", None) or 0))


def read_csv(input_file, read_options=None, parse_options=None, convert_options=None, memory_pool=None):
    """read_csv(input_file, read_options=None, parse_options=None, convert_options=None) -> Table"""
    ro = read_options or ReadOptions()
    po = parse_options or ParseOptions()
    co = convert_options or ConvertOptions()
    source, is_path = _source(input_file)
    return _quiver._csv_read(source, is_path, _options(ro, po, co))


class CSVStreamingReader:
    """The batches of a CSV input, parsed a few blocks at a time (memory
    stays about 2 x threads x block_size plus the longest record). Iterate,
    or read_next_batch / read_all; ``schema`` is known from the first
    blocks; ``__arrow_c_stream__`` hands the remaining batches to another
    library (pyarrow, polars, duckdb...) without reading ahead."""

    def __init__(self, cap, keep=None):
        self._cap = cap
        self._keep = keep  # a file object must outlive the reader
        self._schema = _quiver._csv_reader_schema(cap)

    @property
    def schema(self):
        return self._schema

    def read_next_batch(self):
        batch = _quiver._csv_reader_next(self._cap) if self._cap is not None else None
        if batch is None:
            raise StopIteration("the CSV input has no more batches")
        return batch

    def __iter__(self):
        return self

    def __next__(self):
        batch = _quiver._csv_reader_next(self._cap) if self._cap is not None else None
        if batch is None:
            raise StopIteration
        return batch

    def read_all(self):
        """read_all() -> Table of the batches not read yet."""
        from . import Table

        return Table.from_batches(list(self), schema=self._schema)

    def read_pandas(self, **kwargs):
        return self.read_all().to_pandas(**kwargs)

    def __arrow_c_stream__(self, requested_schema=None):
        if self._cap is None:
            raise ValueError("the CSV reader is closed")
        return _quiver._csv_reader_export(self._cap, requested_schema)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def close(self):
        if self._cap is not None:
            _quiver._csv_reader_close(self._cap)
            self._cap = None


def open_csv(input_file, read_options=None, parse_options=None, convert_options=None, memory_pool=None):
    """open_csv(input_file, read_options=None, parse_options=None, convert_options=None) -> CSVStreamingReader

    input_file: a path, a bytes-like object, or a binary file-like object
    (a pipe, sys.stdin.buffer, an io.BytesIO...), read as the batches are
    asked for."""
    ro = read_options or ReadOptions()
    po = parse_options or ParseOptions()
    co = convert_options or ConvertOptions()
    opts = _options(ro, po, co)
    if isinstance(input_file, (str, os.PathLike)):
        return CSVStreamingReader(_quiver._csv_reader_open(os.fsencode(input_file), "path", opts))
    if hasattr(input_file, "read") and not isinstance(input_file, (bytes, bytearray, memoryview)):
        return CSVStreamingReader(_quiver._csv_reader_open(input_file, "file", opts), input_file)
    return CSVStreamingReader(_quiver._csv_reader_open(input_file, "buffer", opts), input_file)


def write_csv(data, output_file, write_options=None, memory_pool=None):
    """write_csv(data, output_file, write_options=None): data is a Table,
    RecordBatch or anything quiver.table() accepts; output_file a path or a
    binary file-like object. A path is written atomically."""
    from .ipc import _as_table

    wo = write_options or WriteOptions()
    t = _as_table(data)
    if isinstance(output_file, (str, os.PathLike)):
        _quiver._csv_write(t, os.fsencode(output_file), wo.delimiter, wo.include_header)
        return
    output_file.write(_quiver._csv_write(t, None, wo.delimiter, wo.include_header))
