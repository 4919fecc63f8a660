"""numpy in and out of quiver arrays, without copying where the layouts agree.

In (``quiver.array(ndarray)``): numeric arrays are viewed zero-copy (the
array holds a buffer export of the ndarray, which stays alive); datetime64 /
timedelta64 become timestamp / duration of the same unit (zero-copy, through
an int64 view); bool arrays are bit-packed (a copy: Arrow booleans are bits);
a masked array's mask, and NaT, become the validity bitmap (nulls). Non-contiguous or
byte-swapped arrays are copied once into native contiguous order first.

Out (``Array.to_numpy(zero_copy_only=True)``): numeric, timestamp and
duration arrays without nulls are viewed zero-copy (read-only); anything
else raises ArrowInvalid, as pyarrow does, unless ``zero_copy_only=False``:
then nulls become NaN / NaT (integers widen to float64), dates become
datetime64[D] / [ms], list-likes object arrays of numpy arrays, dictionary
and run-end encoded arrays are decoded, and other types become an object
array of Python values.
"""
from . import _quiver

_UNITS = ("s", "ms", "us", "ns")
_INTEGER_OR_FLOAT = {
    "i1": "int8", "i2": "int16", "i4": "int32", "i8": "int64",
    "u1": "uint8", "u2": "uint16", "u4": "uint32", "u8": "uint64",
    "f2": "float16", "f4": "float32", "f8": "float64",
}


def is_ndarray(obj):
    try:
        import numpy as np
    except ImportError:
        return False
    return isinstance(obj, np.ndarray)


def _type_of(np, dtype):
    import quiver as qv

    if dtype.kind in "mM":
        unit, count = np.datetime_data(dtype)
        if unit not in _UNITS or count != 1:
            raise _quiver.ArrowNotImplementedError("%s: only s, ms, us and ns units map to Arrow" % dtype)
        return qv.timestamp(unit) if dtype.kind == "M" else qv.duration(unit)
    if dtype.kind == "b":
        return qv.bool_()
    name = _INTEGER_OR_FLOAT.get("%s%d" % (dtype.kind, dtype.itemsize))
    if name is None:
        return None
    return qv.type_for(name)


def array_from_ndarray(obj, type=None):
    """quiver.Array over a 1-d ndarray (zero-copy for numeric and temporal dtypes), or None when the
    dtype has no fixed-width Arrow equivalent (the caller converts the values instead)."""
    import numpy as np

    if obj.ndim != 1:
        raise _quiver.ArrowInvalid("only 1-dimensional arrays can be converted, not %d-dimensional" % obj.ndim)
    natural = _type_of(np, obj.dtype)
    if natural is None or (type is not None and type != natural):
        return None
    mask = None
    if isinstance(obj, np.ma.MaskedArray):
        mask = np.ma.getmaskarray(obj)
        obj = obj.data
    if obj.dtype.kind in "mM" and len(obj):
        nat = np.isnat(obj)  # NaT is null, as pyarrow reads it
        if nat.any():
            mask = nat if mask is None else (mask | nat)
    if not obj.dtype.isnative:
        obj = obj.astype(obj.dtype.newbyteorder("="))
    obj = np.ascontiguousarray(obj)  # no copy when already contiguous
    validity, null_count = None, 0
    if mask is not None and mask.any():
        null_count = int(mask.sum())
        validity = np.packbits(~mask, bitorder="little")
    if obj.dtype.kind == "b":
        values = np.packbits(obj, bitorder="little")
    elif obj.dtype.kind in "mM":
        values = obj.view(np.int64)
    else:
        values = obj
    return _quiver._array_from_buffers(natural, len(obj), null_count, validity, values)


def _numpy_dtype(np, t):
    """The numpy dtype an Arrow type's values become, or None (object)."""
    if t.id == "timestamp":
        return np.dtype("datetime64[%s]" % t.unit)
    if t.id == "duration":
        return np.dtype("timedelta64[%s]" % t.unit)
    if t.id == "date32":
        return np.dtype("datetime64[D]")
    if t.id == "date64":
        return np.dtype("datetime64[ms]")
    if t.id in _INTEGER_OR_FLOAT.values():
        return np.dtype(t.id)
    return None


# storage dtype of the types whose buffer 1 numpy reads directly
_STORAGE = {"timestamp": "int64", "duration": "int64", "date32": "int32", "date64": "int64"}
# a numpy view needs the same bytes: date32 (int32 days) and date64 are converted, as pyarrow does
_VIEWABLE_TEMPORAL = ("timestamp", "duration")
_LIST_LIKE = ("list", "large_list", "list_view", "large_list_view", "fixed_size_list")


def _refuse_copy(why):
    raise _quiver.ArrowInvalid("cannot convert the array to numpy without a copy: %s (zero_copy_only=True)" % why)


def _storage_values(np, array, storage):
    """The len(array) values of buffer 1 as a numpy view (nulls hold whatever the buffer holds)."""
    n, off = len(array), array.offset
    if n == 0:
        out = np.empty(0, dtype=storage)
        out.flags.writeable = False  # read-only like every view of Arrow data
        return out
    raw = np.frombuffer(memoryview(array.buffers()[1]).cast("B"), dtype=np.uint8)
    width = np.dtype(storage).itemsize
    if len(raw) < (off + n) * width:
        raise _quiver.ArrowInvalid("array data buffer holds %d bytes, fewer than its %d slots need"
                                   % (len(raw), off + n))
    return raw[off * width:(off + n) * width].view(storage)


def _null_mask(np, array):
    """Boolean numpy array, True where a slot is null."""
    n, off = len(array), array.offset
    validity = array.buffers()[0] if array.num_buffers else None
    if validity is None or array.null_count == 0:
        return np.zeros(n, dtype=bool)
    bits = np.unpackbits(np.frombuffer(memoryview(validity).cast("B"), dtype=np.uint8), bitorder="little")
    if len(bits) < off + n:
        raise _quiver.ArrowInvalid("array validity bitmap is shorter than its %d slots" % (off + n))
    return bits[off:off + n] == 0


def _list_ranges(array):
    """(start, length) into the child of every slot of a list-like array."""
    t, n, off = array.type, len(array), array.offset
    if t.id == "fixed_size_list":
        size = t.list_size
        return [((off + i) * size, size) for i in range(n)]
    code = "i" if t.id in ("list", "list_view") else "q"
    offsets = memoryview(array.buffers()[1]).cast("B").cast(code)
    if t.id in ("list", "large_list"):
        return [(offsets[off + i], offsets[off + i + 1] - offsets[off + i]) for i in range(n)]
    sizes = memoryview(array.buffers()[2]).cast("B").cast(code)
    return [(offsets[off + i], sizes[off + i]) for i in range(n)]


def array_to_numpy(self, zero_copy_only=True, writable=False):
    """pyarrow's Array.to_numpy: a read-only view for numeric and timestamp/duration arrays
    without nulls; otherwise (zero_copy_only=False only) a new array: nulls as NaN (integers
    widen to float64) or NaT, date32/date64 as datetime64[D]/[ms], bool unpacked (object with
    None when there are nulls), list-likes as an object array of numpy arrays, dictionary and
    run-end encoded arrays decoded, other types as an object array of Python values."""
    import numpy as np

    if zero_copy_only and writable:
        raise _quiver.ArrowInvalid("cannot return a writable array when asking for zero-copy (zero_copy_only=True, "
                                   "writable=True)")
    t = self.type
    dtype = _numpy_dtype(np, t)
    nulls = self.null_count
    viewable = dtype is not None and (t.id in _VIEWABLE_TEMPORAL or dtype.kind in "iuf")
    if viewable and nulls == 0:
        out = _storage_values(np, self, _STORAGE.get(t.id, dtype)).view(dtype)
        return out.copy() if writable else out
    if zero_copy_only:
        if t.id == "bool":
            _refuse_copy("boolean values are bits in Arrow and bytes in numpy")
        if viewable:
            _refuse_copy("it has %d nulls" % nulls)
        _refuse_copy("its type %s needs a conversion" % t)
    if dtype is not None:
        mask = _null_mask(np, self)
        values = _storage_values(np, self, _STORAGE.get(t.id, dtype))
        if dtype.kind in "mM":
            out = values.astype("int64").view(dtype) if t.id == "date32" else values.astype(dtype, copy=True)
            out[mask] = np.array("NaT", dtype=dtype)
            return out
        if nulls == 0:
            return values.copy()
        out = values.astype(dtype if dtype.kind == "f" else np.float64)
        out[mask] = np.nan
        return out
    if t.id == "bool" and nulls == 0:
        return np.array(self.to_pylist(), dtype=bool)
    if t.id in _LIST_LIKE:
        # the child values the slots span, converted once; each slot a slice of them (one
        # dtype for all slots, as pyarrow's conversion of the flattened values)
        ranges = _list_ranges(self)
        child = self.children[0]
        for i, (start, length) in enumerate(ranges):
            if start < 0 or length < 0 or start + length > len(child):
                raise _quiver.ArrowInvalid("slot %d of the list array refers outside its %d child values"
                                           % (i, len(child)))
        lo = min((s for s, _ in ranges), default=0)
        hi = max((s + n for s, n in ranges), default=0)
        values = array_to_numpy(child.slice(lo, hi - lo), zero_copy_only=False)
        out = np.empty(len(self), dtype=object)
        mask = _null_mask(np, self)
        for i, (start, length) in enumerate(ranges):
            if not mask[i]:
                out[i] = values[start - lo:start - lo + length]
        return out
    if t.id in ("dictionary", "run_end_encoded"):
        import quiver as qv

        return array_to_numpy(qv.array(self.to_pylist(), t.value_type), zero_copy_only=False)
    out = np.empty(len(self), dtype=object)
    out[:] = self.to_pylist()
    return out


def chunked_to_numpy(self, zero_copy_only=False):
    import numpy as np

    chunks = self.chunks
    if len(chunks) == 1:
        return array_to_numpy(chunks[0], zero_copy_only=zero_copy_only)
    if zero_copy_only:
        raise _quiver.ArrowInvalid("cannot convert a ChunkedArray of %d chunks to numpy without a copy" % len(chunks))
    if not chunks:
        dtype = _numpy_dtype(np, self.type)
        return np.empty(0, dtype=dtype if dtype is not None else object)
    return np.concatenate([array_to_numpy(c, zero_copy_only=False) for c in chunks])
