"""Selection, sorting, aggregation and grouping kernels of quiver.compute (see compute.py).

Names, argument order and options follow ``pyarrow.compute``; the work is
done by libquiver's C kernels (python/src/compute_relational.c). Chunked
arrays are combined into one array first; tables are handled column by
column. Aggregations return quiver Scalars (quiver/_scalars.py) as pyarrow
returns its scalars; ``min_max`` and ``first_last`` a StructScalar.
"""
import builtins as _builtins

from . import _quiver
from ._scalars import Scalar, scalar as _scalar

__all__ = [
    "Scalar", "sum", "mean", "min", "max", "min_max", "product", "variance", "stddev",
    "count", "count_distinct", "any", "all", "first", "last", "first_last",
    "take", "filter", "array_take", "array_filter",
    "sort_indices", "select_k_unstable", "rank", "SortOptions",
    "unique", "value_counts", "is_in", "index_in", "group_by",
]

_COUNT_MODES = {"only_valid": 0, "only_null": 1, "all": 2}
_GROUP_OPS = {"sum": 0, "min": 1, "max": 2, "mean": 3, "count": 4, "count_all": 5, "count_distinct": 6,
              "first": 7, "last": 8, "list": 9, "distinct": 10}
_TIEBREAKERS = {"min": 0, "max": 1, "first": 2, "dense": 3}


def _qv():
    import quiver
    return quiver


def _array(obj):
    """A quiver Array from an Array, ChunkedArray, Arrow C producer or list."""
    if isinstance(obj, _quiver.Array):
        return obj
    if isinstance(obj, _quiver.ChunkedArray):
        return obj.combine_chunks()
    if hasattr(obj, "__arrow_c_stream__") and not hasattr(obj, "__arrow_c_array__"):
        return _qv().chunked_array(obj).combine_chunks()
    return _qv().array(obj)


def _is_table(obj):
    return isinstance(obj, (_quiver.Table, _quiver.RecordBatch))


def _mode(mode):
    try:
        return _COUNT_MODES[mode]
    except KeyError:
        raise ValueError("mode must be one of %s, not %r" % (sorted(_COUNT_MODES), mode)) from None


def _scalar_of(value, type):
    """The aggregation result `value` (a Python value) as a quiver Scalar of `type`."""
    return _scalar(value, type)


def _struct_scalar(parts):
    """A StructScalar of named Scalars (min_max, first_last), as pyarrow returns them."""
    qv = _qv()
    t = qv.struct([(name, part.type) for name, part in parts])
    return qv.array([{name: part.as_py() for name, part in parts}], t)[0]


def _result_type(name, in_type):
    qv = _qv()
    text = str(in_type)
    if name in ("mean", "variance", "stddev"):
        return qv.float64()
    if name in ("count", "count_distinct"):
        return qv.int64()
    if name in ("any", "all"):
        return qv.bool_()
    if name in ("sum", "product"):
        if text.startswith("uint") or text == "bool":
            return qv.uint64()
        if text.startswith("int"):
            return qv.int64()
        return qv.float64()
    return in_type


def _aggregate(name, array, ddof=0, mode="only_valid", skip_nulls=True, min_count=1):
    a = _array(array)
    value = _quiver._cr_aggregate(name, a, ddof, _mode(mode))
    if not skip_nulls and a.null_count > 0 and name not in ("count", "count_distinct"):
        value = None
    elif name in ("sum", "product", "mean") and min_count != 1:
        valid = len(a) - a.null_count
        if valid < min_count:
            value = None
        elif valid == 0 and name == "sum":
            value = 0
        elif valid == 0 and name == "product":
            value = 1
    return _scalar_of(value, _result_type(name, a.type))


def sum(array, /, *, skip_nulls=True, min_count=1, options=None, memory_pool=None):
    return _aggregate("sum", array, skip_nulls=skip_nulls, min_count=min_count)


def mean(array, /, *, skip_nulls=True, min_count=1, options=None, memory_pool=None):
    return _aggregate("mean", array, skip_nulls=skip_nulls, min_count=min_count)


def product(array, /, *, skip_nulls=True, min_count=1, options=None, memory_pool=None):
    return _aggregate("product", array, skip_nulls=skip_nulls, min_count=min_count)


_NUMERIC_PREFIXES = ("int", "uint", "float", "double", "halffloat", "bool", "null")


def _extreme(name, array, skip_nulls):
    """min/max: numbers through the aggregation kernel; other ordered types
    (temporal, decimal, strings, binary) as the first row of a one-row
    select_k, so the value comes back as the Python object pyarrow gives."""
    a = _array(array)
    if str(a.type).startswith(_NUMERIC_PREFIXES):
        return _aggregate(name, a, skip_nulls=skip_nulls)
    if not skip_nulls and a.null_count > 0:
        return _scalar_of(None, a.type)
    rows = _quiver._cr_select_k([(a, name == "max", False)], 1)
    if not len(rows):
        return _scalar_of(None, a.type)
    return a[_quiver._array_value(rows, 0)]


def min(array, /, *, skip_nulls=True, min_count=1, options=None, memory_pool=None):
    return _extreme("min", array, skip_nulls)


def max(array, /, *, skip_nulls=True, min_count=1, options=None, memory_pool=None):
    return _extreme("max", array, skip_nulls)


def min_max(array, /, *, skip_nulls=True, min_count=1, options=None, memory_pool=None):
    lo = _extreme("min", array, skip_nulls)
    hi = _extreme("max", array, skip_nulls)
    return _struct_scalar([("min", lo), ("max", hi)])


def variance(array, /, *, ddof=0, skip_nulls=True, min_count=0, options=None, memory_pool=None):
    return _aggregate("variance", array, ddof=ddof, skip_nulls=skip_nulls)


def stddev(array, /, *, ddof=0, skip_nulls=True, min_count=0, options=None, memory_pool=None):
    return _aggregate("stddev", array, ddof=ddof, skip_nulls=skip_nulls)


def any(array, /, *, skip_nulls=True, min_count=1, options=None, memory_pool=None):
    return _aggregate("any", array, skip_nulls=skip_nulls)


def all(array, /, *, skip_nulls=True, min_count=1, options=None, memory_pool=None):
    return _aggregate("all", array, skip_nulls=skip_nulls)


def count(array, /, mode="only_valid", *, options=None, memory_pool=None):
    return _aggregate("count", array, mode=mode)


def count_distinct(array, /, mode="only_valid", *, options=None, memory_pool=None):
    return _aggregate("count_distinct", array, mode=mode)


def _first_last(array, last, skip_nulls):
    a = _array(array)
    if not skip_nulls:
        row = len(a) - 1 if last else 0
        return a[row] if len(a) else _scalar_of(None, a.type)
    row = _quiver._cr_first_last(a, last)
    return a[row] if row >= 0 else _scalar_of(None, a.type)


def first(array, /, *, skip_nulls=True, min_count=1, options=None, memory_pool=None):
    return _first_last(array, False, skip_nulls)


def last(array, /, *, skip_nulls=True, min_count=1, options=None, memory_pool=None):
    return _first_last(array, True, skip_nulls)


def first_last(array, /, *, skip_nulls=True, min_count=1, options=None, memory_pool=None):
    f, l = _first_last(array, False, skip_nulls), _first_last(array, True, skip_nulls)
    return _struct_scalar([("first", f), ("last", l)])


# ---- selection ----

def _table_from_columns(table, columns):
    """A Table, or a RecordBatch when `table` is one, of `columns` under table's schema."""
    return type(table).from_arrays(columns, schema=table.schema)


def _indices(indices):
    idx = _array(indices)
    text = str(idx.type)
    if text not in ("int32", "int64", "uint64"):  # uint64 is read as int64 by _cr_take
        qv = _qv()
        values = idx.to_pylist()
        idx = qv.array(values, type=qv.int64())
    return idx


def take(data, indices, /, *, boundscheck=True, options=None, memory_pool=None):
    idx = _indices(indices)
    if _is_table(data):
        cols = [_quiver._cr_take(_array(data.column(i)), idx) for i in range(data.num_columns)]
        if not cols:
            return data.slice(0, 0) if len(idx) == 0 else data
        return _table_from_columns(data, cols)
    return _quiver._cr_take(_array(data), idx)


array_take = take


def filter(data, mask, /, null_selection_behavior="drop", *, options=None, memory_pool=None):
    if null_selection_behavior not in ("drop", "emit_null"):
        raise ValueError("null_selection_behavior must be 'drop' or 'emit_null'")
    emit = null_selection_behavior == "emit_null"
    m = _array(mask)
    if _is_table(data):
        cols = [_quiver._cr_filter(_array(data.column(i)), m, emit) for i in range(data.num_columns)]
        return _table_from_columns(data, cols)
    return _quiver._cr_filter(_array(data), m, emit)


array_filter = filter


# ---- sorting ----

class SortOptions:
    """sort_keys and null_placement, as pyarrow.compute.SortOptions."""

    def __init__(self, sort_keys=(), *, null_placement="at_end"):
        self.sort_keys = sort_keys
        self.null_placement = null_placement


def _order(order):
    if order not in ("ascending", "descending"):
        raise ValueError('order must be "ascending" or "descending", not %r' % (order,))
    return order == "descending"


def _placement(placement):
    if placement not in ("at_start", "at_end"):
        raise ValueError('null_placement must be "at_start" or "at_end", not %r' % (placement,))
    return placement == "at_start"


def _sort_keys(data, sort_keys, order, null_placement):
    """(array, descending, nulls_first) per key."""
    if _is_table(data):
        if not sort_keys:
            raise ValueError("Must specify one or more sort keys")
        keys = []
        for key in sort_keys:
            if isinstance(key, str):
                name, direction, placement = key, "ascending", null_placement
            else:
                name, direction = key[0], key[1]
                placement = key[2] if len(key) > 2 else null_placement
            keys.append((_array(data.column(name)), _order(direction), _placement(placement)))
        return keys
    direction = order
    if sort_keys:
        first_key = sort_keys[0]
        direction = first_key if isinstance(first_key, str) and first_key in ("ascending", "descending") \
            else first_key[1]
    return [(_array(data), _order(direction), _placement(null_placement))]


def sort_indices(data, /, order="ascending", *, sort_keys=(), null_placement="at_end", options=None,
                 memory_pool=None):
    if options is not None:
        sort_keys, null_placement = options.sort_keys, options.null_placement
    if isinstance(order, (list, tuple)):
        sort_keys, order = order, "ascending"
    return _quiver._cr_select_k(_sort_keys(data, sort_keys, order, null_placement), -1)


def select_k_unstable(data, /, k, sort_keys=(), *, options=None, memory_pool=None):
    if options is not None:
        k, sort_keys = options.k, options.sort_keys
    if k is None or k < 0:
        raise ValueError("select_k_unstable needs a non-negative k")
    if not sort_keys:
        raise ValueError("select_k_unstable needs sort_keys")
    return _quiver._cr_select_k(_sort_keys(data, sort_keys, "ascending", "at_end"), k)


def rank(input, /, sort_keys="ascending", *, null_placement="at_end", tiebreaker="first", options=None,
         memory_pool=None):
    if tiebreaker not in _TIEBREAKERS:
        raise ValueError("tiebreaker must be one of %s" % sorted(_TIEBREAKERS))
    direction = sort_keys if isinstance(sort_keys, str) else sort_keys[0][1]
    return _quiver._cr_rank(_array(input), _order(direction), _placement(null_placement), _TIEBREAKERS[tiebreaker])


# ---- hashing ----

def unique(array, /, *, memory_pool=None):
    return _quiver._cr_hash("unique", _array(array))


def value_counts(array, /, *, memory_pool=None):
    return _quiver._cr_hash("value_counts", _array(array))


def _value_set(value_set, options):
    if options is not None:
        return options.value_set, options.skip_nulls
    if value_set is None:
        raise ValueError("is_in / index_in need a value_set")
    return value_set, None


def is_in(values, /, value_set=None, *, skip_nulls=False, options=None, memory_pool=None):
    vs, sn = _value_set(value_set, options)
    return _quiver._cr_hash("is_in", _array(values), _array(vs), skip_nulls if sn is None else sn)


def index_in(values, /, value_set=None, *, skip_nulls=False, options=None, memory_pool=None):
    vs, sn = _value_set(value_set, options)
    return _quiver._cr_hash("index_in", _array(values), _array(vs), skip_nulls if sn is None else sn)


# ---- group-by ----

class TableGroupBy:
    """``table.group_by(keys).aggregate([(column, op[, options]), ...])``, as pyarrow."""

    def __init__(self, table, keys, use_threads=True):
        self._table = table
        self.keys = [keys] if isinstance(keys, str) else list(keys)

    def aggregate(self, aggregations):
        t = self._table
        key_arrays = [_array(t.column(k)) for k in self.keys]
        specs, names = [], list(self.keys)
        for agg in aggregations:
            column, op = agg[0], agg[1]
            opts = agg[2] if len(agg) > 2 else None
            op = op[5:] if op.startswith("hash_") else op
            if op not in _GROUP_OPS:
                raise ValueError("unknown aggregation %r (one of %s)" % (op, sorted(_GROUP_OPS)))
            mode = getattr(opts, "mode", None) or "only_valid"
            if isinstance(column, (list, tuple)) and len(column) == 0:
                values, name = None, op
            else:
                col = column[0] if isinstance(column, (list, tuple)) else column
                values, name = _array(t.column(col)), "%s_%s" % (col, op)
            if values is None and op != "count_all":
                raise ValueError("aggregation %r needs a column" % op)
            if op == "count_all":
                values, mode = None, "all"
            specs.append((values, _GROUP_OPS[op], _mode(mode)))
            names.append(name)
        if not key_arrays:
            raise ValueError("group_by needs at least one key")
        columns = _quiver._cr_group_by(key_arrays, specs)
        return _qv().Table.from_arrays(columns, names=names)


def group_by(table, keys, use_threads=True):
    return TableGroupBy(table, keys, use_threads)


class _CountOptions:
    def __init__(self, mode="only_valid"):
        self.mode = mode


def _table_sort_by(table, sorting, **kwargs):
    keys = [(sorting, "ascending")] if isinstance(sorting, str) else sorting
    return take(table, sort_indices(table, sort_keys=keys, **kwargs))
