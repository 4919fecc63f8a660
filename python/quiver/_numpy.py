"""numpy in and out of quiver arrays, without copying where the layouts agree.

In (``quiver.array(ndarray)``): numeric arrays are viewed zero-copy (the
array holds a buffer export of the ndarray, which stays alive); datetime64 /
timedelta64 become timestamp / duration of the same unit (zero-copy, through
an int64 view); bool arrays are bit-packed (a copy: Arrow booleans are bits);
a masked array's mask, and NaT, become the validity bitmap (nulls). Non-contiguous or
byte-swapped arrays are copied once into native contiguous order first.

Out (``Array.to_numpy(zero_copy_only=True)``): numeric and temporal arrays
without nulls are viewed zero-copy (read-only); with ``zero_copy_only=False``
nulls become NaN / NaT (integers widen to float64, as pyarrow does) and other
types are converted (bool unpacked, others as an object array of Python values).
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
    if t.id == "timestamp":
        return np.dtype("datetime64[%s]" % t.unit)
    if t.id == "duration":
        return np.dtype("timedelta64[%s]" % t.unit)
    if t.id in _INTEGER_OR_FLOAT.values():
        return np.dtype(t.id)
    return None


def array_to_numpy(self, zero_copy_only=True, writable=False):
    import numpy as np

    t = self.type
    dtype = _numpy_dtype(np, t)
    nulls = self.null_count
    if dtype is not None and nulls == 0 and not writable:
        out = np.frombuffer(memoryview(self), dtype=np.dtype(t.id) if dtype.kind not in "mM" else np.int64)
        return out.view(dtype) if dtype.kind in "mM" else out
    if zero_copy_only:
        why = "it has nulls" if dtype is not None and nulls else (
            "writable=True asks for a copy" if dtype is not None else "its type %s has no numpy equivalent" % t)
        raise _quiver.ArrowInvalid("cannot convert the array to numpy without a copy: %s (zero_copy_only=True)" % why)
    if dtype is not None:
        if nulls == 0:
            return np.array(np.frombuffer(memoryview(self), dtype=np.dtype(t.id) if dtype.kind not in "mM"
                                          else np.int64)).view(dtype)
        values = self.to_pylist()
        if dtype.kind in "mM":
            ints = np.frombuffer(memoryview(_fill_nulls(self)), dtype=np.int64).copy()
            out = ints.view(dtype)
            out[[v is None for v in values]] = np.datetime64("NaT") if dtype.kind == "M" else np.timedelta64("NaT")
            return out
        target = dtype if dtype.kind == "f" else np.dtype("float64")
        return np.array([np.nan if v is None else v for v in values], dtype=target)
    if t.id == "bool" and nulls == 0:
        return np.array(self.to_pylist(), dtype=bool)
    out = np.empty(len(self), dtype=object)
    out[:] = self.to_pylist()
    return out


def _fill_nulls(array):
    """The same values with nulls as 0 (so their storage can be viewed)."""
    import quiver as qv

    values = array.to_pylist()
    ints = [0 if v is None else v for v in values]
    return qv.array(ints, array.type)


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
