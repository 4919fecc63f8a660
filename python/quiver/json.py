"""JSON Lines reading and writing with pyarrow.json's names.

``read_json(input_file, read_options=None, parse_options=None)`` reads a
path, bytes (or any buffer) or a file-like object of JSON objects, one per
row, into a Table, inferring types as pyarrow.json.read_json does (int64
promoted to float64, null to anything; ISO date-times to timestamp[s];
objects to structs and arrays to lists, up to 64 levels deep); a column whose JSON
kinds conflict raises ArrowInvalid naming the line, the column and the
path. ``ParseOptions(explicit_schema=..., unexpected_field_behavior=
"infer" | "ignore" | "error")`` fixes types. ``write_json(data,
output_file=None)`` writes one JSON object per row (pyarrow, polars and
duckdb read it back) and returns the bytes when no output is given::

    import quiver as qv
    t = qv.json.read_json("events.jsonl")
    qv.json.write_json(t, "copy.jsonl")

``use_threads``, ``block_size`` and ``newlines_in_values`` are accepted;
objects may always span lines. Bounds: ``ReadOptions(max_depth=64,
max_line_length=64 MiB, max_input_size=1 GiB)``; max_depth is at most 64.
"""
import os

from . import _quiver

__all__ = ["ReadOptions", "ParseOptions", "read_json", "write_json"]


class ReadOptions:
    """pyarrow.json.ReadOptions (use_threads, block_size: accepted) plus
    quiver's bounds (0 or None: the default)."""

    def __init__(self, use_threads=True, block_size=None, max_depth=None, max_line_length=None, max_input_size=None):
        self.use_threads = use_threads
        self.block_size = block_size
        self.max_depth = max_depth
        self.max_line_length = max_line_length
        self.max_input_size = max_input_size


class ParseOptions:
    """pyarrow.json.ParseOptions: explicit_schema, unexpected_field_behavior."""

    def __init__(self, explicit_schema=None, newlines_in_values=False, unexpected_field_behavior="infer"):
        if unexpected_field_behavior not in ("infer", "ignore", "error"):
            raise ValueError("unexpected_field_behavior must be 'infer', 'ignore' or 'error', not %r"
                             % (unexpected_field_behavior,))
        self.explicit_schema = explicit_schema
        self.newlines_in_values = newlines_in_values
        self.unexpected_field_behavior = unexpected_field_behavior


def _as_schema(schema):
    if schema is None:
        return None
    from .ipc import _as_schema as ipc_schema

    return ipc_schema(schema)


def read_json(input_file, read_options=None, parse_options=None, memory_pool=None):
    """read_json(input_file, read_options=None, parse_options=None) -> Table"""
    ro = read_options or ReadOptions()
    po = parse_options or ParseOptions()
    if isinstance(input_file, (str, os.PathLike)):
        source, is_path = os.fsencode(input_file), True
    elif hasattr(input_file, "read") and not isinstance(input_file, (bytes, bytearray, memoryview)):
        source, is_path = input_file.read(), False
    else:
        source, is_path = input_file, False
    return _quiver._jsonl_read(source, is_path, _as_schema(po.explicit_schema), po.unexpected_field_behavior,
                               int(ro.max_depth or 0), int(ro.max_line_length or 0), int(ro.max_input_size or 0))


def write_json(data, output_file=None):
    """write_json(data, output_file=None) -> bytes or None: JSON Lines of a
    Table, RecordBatch or anything quiver.table() accepts. A path is written
    atomically; a file-like object gets the bytes; None returns them."""
    from .ipc import _as_table

    t = _as_table(data)
    if isinstance(output_file, (str, os.PathLike)):
        _quiver._jsonl_write(t, os.fsencode(output_file))
        return None
    text = _quiver._jsonl_write(t, None)
    if output_file is None:
        return text
    output_file.write(text)
    return None
