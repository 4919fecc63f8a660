"""Compute as methods of Array, ChunkedArray, RecordBatch and Table, as pyarrow has them.

Each method calls a ``quiver.compute`` kernel (C code); this module only
keeps pyarrow's shapes: a ChunkedArray gives a ChunkedArray (chunk by chunk
where the kernel is element-wise), a RecordBatch a RecordBatch, ``index``
and ``sum`` a Scalar, ``unique`` and ``value_counts`` an Array. The C types
reach these functions through ``quiver._methods`` (``qvpy_delegate``).
"""
from . import _quiver


def _qv():
    import quiver

    return quiver


def _chunked(x):
    return isinstance(x, _quiver.ChunkedArray)


def _per_chunk(self, fn):
    """fn applied to every chunk of a ChunkedArray (its chunking kept), or to the Array."""
    if not _chunked(self):
        return fn(self)
    chunks = [fn(c) for c in self.chunks]
    if chunks:
        return _quiver._chunked_array(chunks, chunks[0].type)
    empty = fn(_qv().array([], self.type))
    return _quiver._chunked_array([], empty.type)


def _whole(self, result):
    """A whole-column kernel's Array result, as a one-chunk ChunkedArray when self is chunked."""
    if _chunked(self):
        return _quiver._chunked_array([result], result.type)
    return result


def column_cast(self, target_type=None, safe=None, options=None, memory_pool=None):
    from ._compute_elementwise import cast

    return _per_chunk(self, lambda a: cast(a, target_type, safe=safe, options=options))


def column_filter(self, mask, null_selection_behavior="drop"):
    from ._compute_relational import filter

    return _whole(self, filter(self, mask, null_selection_behavior))


def column_take(self, indices):
    from ._compute_relational import take

    return _whole(self, take(self, indices))


def column_is_null(self, *, nan_is_null=False):
    from ._compute_elementwise import is_null

    return _per_chunk(self, lambda a: is_null(a, nan_is_null=nan_is_null))


def column_is_valid(self):
    from ._compute_elementwise import is_valid

    return _per_chunk(self, is_valid)


def column_is_nan(self):
    from ._compute_elementwise import is_nan

    return _per_chunk(self, is_nan)


def column_fill_null(self, fill_value):
    from ._compute_elementwise import fill_null

    return _per_chunk(self, lambda a: fill_null(a, fill_value))


def column_drop_null(self):
    return _per_chunk(self, lambda a: column_filter(a, column_is_valid(a)))


def column_unique(self):
    from ._compute_relational import unique

    return unique(self)


def column_value_counts(self):
    from ._compute_relational import value_counts

    return value_counts(self)


def column_dictionary_encode(self, null_encoding="mask"):
    """Indices into one dictionary of the distinct non-null values in first-seen order (every
    chunk of a ChunkedArray shares it, as in pyarrow); nulls are null indices ("mask") or an
    entry of the dictionary ("encode")."""
    from ._compute_relational import index_in, unique

    if null_encoding not in ("mask", "encode"):
        raise ValueError("null_encoding must be 'mask' or 'encode', not %r" % (null_encoding,))
    if self.type.id == "dictionary":
        return self
    dictionary = unique(self)
    if null_encoding == "mask":
        dictionary = column_drop_null(dictionary)

    def encode(a):
        indices = _quiver._cast(index_in(a, dictionary, skip_nulls=False), _qv().int32(), True)
        return _quiver._dictionary_array(indices, dictionary, False)

    return _per_chunk(self, encode)


def column_index(self, value, start=None, end=None, *, memory_pool=None):
    """Position of the first slot equal to `value` in [start, end), or -1 (an Int64Scalar)."""
    from ._scalars import Scalar, scalar

    n = len(self)
    start = 0 if start is None else max(0, start + n if start < 0 else start)
    end = n if end is None else min(n, end + n if end < 0 else end)
    if isinstance(value, Scalar):
        value = value.as_py()
    found = -1
    if start < end:
        from ._compute_elementwise import equal

        window = self.slice(start, end - start)
        matches = equal(window, value)
        flags = matches.to_pylist()
        hit = next((k for k, v in enumerate(flags) if v), None)
        found = -1 if hit is None else start + hit
    return scalar(found, _qv().int64())


def column_sum(self, **kwargs):
    from ._compute_relational import sum

    return sum(self, **kwargs)


def column_sort(self, order="ascending", **kwargs):
    from ._compute_relational import sort_indices, take

    indices = sort_indices(self, order=order, **kwargs)
    return _whole(self, take(self, indices))


def _struct_fields(array):
    """The fields of a struct Array sliced to it, null where the struct slot is null (pyarrow's
    StructArray.flatten)."""
    from ._compute_elementwise import if_else

    fields = [array.field(i) for i in range(array.type.num_fields)]
    if array.null_count == 0:
        return fields
    valid = column_is_valid(array)
    return [if_else(valid, f, None) for f in fields]


def column_flatten(self):
    """ListArray.flatten: the values of the valid slots; StructArray.flatten: one Array per
    field; ChunkedArray.flatten: one ChunkedArray per struct field ([self] otherwise)."""
    t = self.type
    if _chunked(self):
        if t.id != "struct":
            return [self]
        per_chunk = [_struct_fields(c) for c in self.chunks]
        return [_quiver._chunked_array([fields[i] for fields in per_chunk], t.field(i).type)
                for i in range(t.num_fields)]
    if t.id == "struct":
        return _struct_fields(self)
    if t.id in ("list", "large_list", "list_view", "large_list_view", "fixed_size_list", "map"):
        return _list_flatten(self)
    raise _quiver.ArrowNotImplementedError("flatten() of a %s array (a list or struct array flattens)" % t)


def array_dictionary_decode(self):
    """DictionaryArray.dictionary_decode: the values the indices point at (a cast to the value type)."""
    if self.type.id != "dictionary":
        raise TypeError("dictionary_decode() needs a dictionary array, not %s" % self.type)
    return _quiver._cast(self, self.type.value_type, True)


def array_value_lengths(self):
    """ListArray.value_lengths: each list's length (int32, int64 for large lists), null for null lists."""
    from ._scalars import _list_range

    t = self.type
    if t.id not in ("list", "large_list", "list_view", "large_list_view", "fixed_size_list", "map"):
        raise TypeError("value_lengths() needs a list array, not %s" % t)
    qv = _qv()
    valid = self.is_valid().to_pylist() if self.null_count else [True] * len(self)
    lengths = [(_list_range(self, i)[1] if valid[i] else None) for i in range(len(self))]
    return qv.array(lengths, qv.int64() if t.id in ("large_list", "large_list_view") else qv.int32())


def table_flatten(self):
    """Table.flatten: every struct column replaced by its fields, named
    "parent.child" (one level, as pyarrow), parent nulls applied to the children."""
    qv = _qv()
    fields, columns = [], []
    for f, column in zip(self.schema, self.columns):
        if f.type.id != "struct":
            fields.append(f)
            columns.append(column)
            continue
        children = column_flatten(column)
        for i, child in enumerate(children):
            sub = f.type.field(i)
            fields.append(qv.field("%s.%s" % (f.name, sub.name), sub.type, sub.nullable or f.nullable, sub.metadata))
            columns.append(child)
    schema = qv.schema(fields, metadata=self.schema.metadata)
    return _same_kind(self, columns, schema)


def _list_flatten(array):
    from ._scalars import _list_range

    values = array.values
    pieces = []
    valid = array.is_valid().to_pylist() if array.null_count else None
    for i in range(len(array)):
        if valid is not None and not valid[i]:
            continue
        start, length = _list_range(array, i)
        if length == 0:
            continue
        if pieces and pieces[-1][0] + pieces[-1][1] == start:
            pieces[-1] = (pieces[-1][0], pieces[-1][1] + length)  # contiguous: one slice
        else:
            pieces.append((start, length))
    slices = [values.slice(s, n) for s, n in pieces]
    if not slices:
        return values.slice(0, 0)
    if len(slices) == 1:
        return slices[0]
    return _qv().concat_arrays(slices)


# ---------------------------------------------------------------- Array attributes


def array_field(self, i):
    """StructArray.field(i or name): the child sliced to the array (parent nulls not applied)."""
    t = self.type
    if t.id != "struct":
        raise TypeError("field() needs a struct array, not %s" % t)
    names = [t.field(k).name for k in range(t.num_fields)]
    if isinstance(i, str):
        if names.count(i) != 1:
            raise KeyError(i)
        i = names.index(i)
    position = i + len(names) if i < 0 else i
    if not 0 <= position < len(names):
        raise IndexError("index out of bounds")
    return self.children[position].slice(self.offset, len(self))


def array_values(self):
    if self.type.id not in ("list", "large_list", "list_view", "large_list_view", "fixed_size_list", "map"):
        raise AttributeError("'quiver.Array' of type %s has no attribute 'values'" % self.type)
    return self.children[0]


def array_offsets(self):
    t = self.type
    if t.id not in ("list", "large_list", "map"):
        raise AttributeError("'quiver.Array' of type %s has no attribute 'offsets'" % t)
    qv = _qv()
    offset_type = qv.int64() if t.id == "large_list" else qv.int32()
    n = self.offset + len(self) + 1
    whole = _quiver._array_from_buffers(offset_type, n, 0, None, self.buffers()[1])
    return whole.slice(self.offset, len(self) + 1)


def array_indices(self):
    t = self.type
    if t.id != "dictionary":
        raise AttributeError("'quiver.Array' of type %s has no attribute 'indices'" % t)
    buffers = self.buffers()
    n = self.offset + len(self)
    whole = _quiver._array_from_buffers(t.index_type, n, -1, buffers[0], buffers[1])
    return whole.slice(self.offset, len(self))


def array_from_pandas(cls, obj, mask=None, type=None, safe=True, memory_pool=None):
    """Array.from_pandas(obj, mask=None, type=None): a pandas Series / Index / numpy array as an
    Array with pandas' null semantics (NaN and None are nulls), through pandas' own Arrow export
    for pandas objects; `mask` (True = null) adds nulls, `type` casts."""
    qv = _qv()
    import numpy as np

    if hasattr(obj, "__arrow_c_stream__"):
        result = qv.chunked_array(obj).combine_chunks()
    else:
        values = np.asarray(obj)
        if values.dtype.kind == "f":
            mask = np.isnan(values) if mask is None else (np.asarray(mask) | np.isnan(values))
        elif values.dtype.kind == "O":
            values = values.tolist()
            values = [None if (isinstance(v, float) and v != v) else v for v in values]
        result = qv.array(values)
    if type is not None:
        target = type if isinstance(type, _quiver.DataType) else qv.type_for(type)
        if not result.type.equals(target):
            result = column_cast(result, target, safe=safe)
    if mask is not None:
        from ._compute_elementwise import if_else

        result = if_else(qv.array(np.asarray(mask, dtype=bool)), None, result)
    return result


# ---------------------------------------------------------------- Table / RecordBatch


def _same_kind(self, columns, schema):
    if isinstance(self, _quiver.RecordBatch):
        return _quiver.RecordBatch.from_arrays(columns, schema=schema)
    return _quiver.Table.from_arrays(columns, schema=schema)


def table_drop_null(self):
    """The rows in which no column holds a null."""
    from ._compute_elementwise import and_

    if self.num_columns == 0:
        return self
    keep = None
    for column in self.columns:
        valid = column_is_valid(column)
        valid = valid.combine_chunks() if _chunked(valid) else valid
        keep = valid if keep is None else and_(keep, valid)
    from ._compute_relational import filter

    return filter(self, keep)


def table_cast(self, target_schema, safe=None, options=None):
    """Every column cast to the type of the target schema's field of the same position."""
    qv = _qv()
    if not isinstance(target_schema, _quiver.Schema):
        target_schema = qv.schema(target_schema)
    if self.schema.names != target_schema.names:
        raise ValueError("Target schema's field names are not matching the table's field names: %r, %r"
                         % (self.schema.names, target_schema.names))
    columns = [column_cast(c, f.type, safe=safe, options=options) for c, f in zip(self.columns, target_schema)]
    return _same_kind(self, columns, target_schema)
