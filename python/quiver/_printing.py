"""str/repr/to_string of Array, ChunkedArray, RecordBatch and Table, laid
out as pyarrow lays them out (its defaults, its windows, its structure).

The values themselves are formatted by the C printer (src/print, through
``_quiver._array_text``); this file only assembles the pieces pyarrow
assembles in Python or in its C++ PrettyPrint for chunked arrays:

* ``Array``: multi-line, head and tail of ``window=10`` values
  (``container_window=2`` for the slots of list-likes), nothing hidden
  unless more than 2 x window + 1 slots are there.
* ``ChunkedArray``: ``[`` / chunks indented by 2 / ``]``, ``window=5``
  values per chunk, the first and last ``container_window=2`` chunks with a
  ``...,`` line between.
* ``RecordBatch``/``Table``: ``quiver.<class>``, the schema as pyarrow's
  ``Schema.to_string`` writes it (nested types followed by ``child i,``
  lines), ``----``, then ``name: <column.to_string(skip_new_lines=True)>``
  for the first ``preview_cols=10`` columns and ``...`` when more exist.

repr() never raises on invalid data: it shows ``<invalid: reason>``
instead of the values.
"""
from . import _quiver


def _indent_lines(text, n):
    if n <= 0:
        return text
    pad = " " * n
    return "\n".join(pad + line if line else line for line in text.split("\n"))


def _check_window(name, value):
    value = int(value)
    if value < 0:
        raise ValueError("%s must be >= 0, not %d" % (name, value))
    return value


def array_to_string(self, *, indent=2, top_level_indent=0, window=10, container_window=2, skip_new_lines=False):
    """to_string(*, indent=2, top_level_indent=0, window=10, container_window=2, skip_new_lines=False) -> str

    The multi-line text of str(array), or its single-line form ("[1,2,null]") with
    skip_new_lines=True; at most `window` values at each end (`container_window` for the
    slots of list-likes)."""
    text = _quiver._array_text(self, _check_window("window", window), _check_window("container_window",
                                                                                   container_window),
                               int(indent), bool(skip_new_lines))
    return text if skip_new_lines else _indent_lines(text, int(top_level_indent))


def chunked_to_string(self, *, indent=0, window=5, container_window=2, skip_new_lines=False):
    """to_string(*, indent=0, window=5, container_window=2, skip_new_lines=False) -> str

    pyarrow's layout: the chunks inside one pair of brackets, at most `window` values at each
    end of a chunk and the first and last `container_window` chunks."""
    window = _check_window("window", window)
    container_window = _check_window("container_window", container_window)
    chunks = self.chunks
    n = len(chunks)
    pieces = []
    for i, chunk in enumerate(chunks):
        if container_window <= i < n - container_window:
            if i == container_window:
                pieces.append(None)  # the "..." standing for the hidden chunks
            continue
        pieces.append(_quiver._array_text(chunk, window, container_window, 2, bool(skip_new_lines)))
    if skip_new_lines:
        return "[" + ",".join("..." if p is None else p for p in pieces) + "]"
    lines = ["..." if p is None else _indent_lines(p, 2) for p in pieces]
    # "...," too: the hidden chunks are never the last ones; no chunks: an empty line
    body = ",\n".join(lines) if lines else ""
    return _indent_lines("[\n" + body + "\n]", int(indent))


def _type_lines(t, depth, show_metadata, truncate):
    """pyarrow's "child i, name: type" lines under a nested type."""
    lines = []
    n = t.num_fields if t.id != "dictionary" else 0
    for i in range(n):
        f = t.field(i)
        lines.append(" " * (2 + 4 * depth) + "child %d, %s" % (i, _field_text(f)))
        lines.extend(_type_lines(f.type, depth + 1, show_metadata, truncate))
        if show_metadata:
            lines.extend(_metadata_lines(f.metadata, " " * (2 + 4 * depth) + "-- field metadata --", truncate))
    return lines


def _field_text(f):
    return "%s: %s%s" % (f.name, f.type, "" if f.nullable else " not null")


# pyarrow cuts a metadata line at this many bytes: "key: '<value>' + <bytes left out>"
_METADATA_LINE_BYTES = 73
# and, not truncating, at this many (its element_size_limit)
_ELEMENT_BYTES = 100


def _metadata_lines(metadata, title, truncate):
    if not metadata:
        return []
    indent = title[:len(title) - len(title.lstrip())]
    out = [title]
    for k, v in metadata.items():
        k = k if isinstance(k, bytes) else str(k).encode()
        v = v if isinstance(v, bytes) else str(v).encode()
        if truncate:
            keep = _METADATA_LINE_BYTES - len(indent) - len(k) - 3
            shown, rest = (v[:keep], b" + %d" % (len(v) - keep)) if len(v) > keep >= 0 else (v, b"")
            line = b"%s: '%s'%s" % (k, shown, rest)
        else:  # whole, but a line past 100 bytes still ends with pyarrow's "(... N chars omitted)"
            line = b"%s: '%s'" % (k, v)
            if len(line) > _ELEMENT_BYTES:
                line = line[:_ELEMENT_BYTES] + b" (... %d chars omitted)" % (len(line) - _ELEMENT_BYTES)
        out.append(indent + line.decode("utf-8", "replace"))
    return out


def schema_to_string(schema, show_field_metadata=True, show_schema_metadata=True, truncate_metadata=True):
    """Schema.to_string(show_field_metadata=True, show_schema_metadata=True, truncate_metadata=True) -> str,
    as pyarrow writes it."""
    lines = []
    for f in (schema.field(i) for i in range(len(schema.names))):
        lines.append(_field_text(f))
        lines.extend(_type_lines(f.type, 0, show_field_metadata, truncate_metadata))
        if show_field_metadata:
            lines.extend(_metadata_lines(f.metadata, "  -- field metadata --", truncate_metadata))
    if show_schema_metadata:
        lines.extend(_metadata_lines(schema.metadata, "-- schema metadata --", truncate_metadata))
    return "\n".join(lines)


def tabular_to_string(self, *, show_metadata=False, preview_cols=0):
    """to_string(*, show_metadata=False, preview_cols=0) -> str

    The class name and schema; with preview_cols, "----" and the values of the first
    preview_cols columns on one line each (as pyarrow's Table/RecordBatch.to_string)."""
    title = "quiver.%s\n%s" % (type(self).__name__, schema_to_string(self.schema, show_metadata, show_metadata))
    pieces = [title.rstrip("\n")]
    if preview_cols:
        pieces.append("----")
        names = self.column_names
        for i in range(min(len(names), preview_cols)):
            pieces.append("%s: %s" % (names[i], self.column(i).to_string(indent=0, skip_new_lines=True)))
        if preview_cols < len(names):
            pieces.append("...")
    return "\n".join(pieces)


def _never_raising(render, fallback_title):
    try:
        return render()
    except _quiver.ArrowException as e:
        return "%s\n<invalid: %s>" % (fallback_title, e)


def tabular_repr(self):
    return _never_raising(lambda: tabular_to_string(self, preview_cols=10), "quiver.%s" % type(self).__name__)


def chunked_str(self):
    return _never_raising(lambda: chunked_to_string(self), "")


def chunked_repr(self):
    head = "<quiver.ChunkedArray type=%s length=%d chunks=%d>" % (self.type, len(self), self.num_chunks)
    return head + "\n" + chunked_str(self).lstrip("\n")
