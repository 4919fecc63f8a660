"""Scalars: one slot of an array, shaped like pyarrow's Scalar classes.

``array[i]``, iteration over an Array or ChunkedArray, ``quiver.scalar()``
and the aggregations of ``quiver.compute`` give a :class:`Scalar`. A scalar
is a view of slot ``i`` of an immutable quiver Array (nothing is copied);
its Python value comes from the C converter that to_pylist uses, so
``as_py()`` equals ``array.to_pylist()[i]``. Building a scalar and
``as_py`` run no Python code: the layout is the C base ``_ScalarBase``
(python/src/scalar_object.c), which finds the class in ``_CLASS_BY_ID``.
The class follows the type as in pyarrow (``Int64Scalar``, ``StringScalar``, ``ListScalar``,
``StructScalar``, ``DictionaryScalar``, ...), and so do equality (type and
value must match; a Python value is never equal to a scalar), hashing,
``repr``/``str``, ``.value`` (the raw integer of temporal types, the
decoded Scalar of dictionary, run-end encoded, union and extension types),
and the container protocols of list, map and struct scalars.
"""
import collections as _collections
import collections.abc as _abc
import datetime as _dt

from . import _quiver

def _qv():
    import quiver

    return quiver


class Scalar(_quiver._ScalarBase):
    """The value of one slot of an Arrow array (pyarrow.Scalar's interface).

    The instance layout (``_array``, ``_index`` and the cached value) and
    ``as_py`` are C (python/src/scalar_object.c), so ``array[i]`` and
    iteration build scalars without running Python code."""

    __slots__ = ()

    def __init__(self, *args, **kwargs):
        raise TypeError("Do not call %s's constructor directly, use quiver.scalar() or array[i] instead."
                        % type(self).__name__)

    @classmethod
    def _wrap(cls, array, index):
        return _quiver._new_scalar(cls, array, index)

    # ---- pyarrow's Scalar interface (as_py(*, maps_as_pydicts=None), type and is_valid are the C base's)

    def equals(self, other):
        if not isinstance(other, Scalar):
            raise TypeError("Argument 'other' has incorrect type (expected quiver.Scalar, got %s)"
                            % type(other).__name__)
        if not self.type.equals(other.type) or self.is_valid != other.is_valid:
            return False
        return not self.is_valid or self._slot().equals(other._slot())

    def cast(self, target_type=None, safe=None, options=None, memory_pool=None):
        from ._compute_elementwise import cast

        return _wrap(cast(self._slot(), target_type, safe=safe, options=options), 0)

    def validate(self, *, full=False):
        self._slot().validate(full=full)

    def __eq__(self, other):
        try:
            return self.equals(other)
        except TypeError:
            return NotImplemented

    def __hash__(self):
        return hash((str(self.type), _hashable(self.as_py())))

    def __repr__(self):
        return "<quiver.%s: %r>" % (type(self).__name__, self.as_py())

    def __str__(self):
        return str(self.as_py())

    def __reduce__(self):
        return _wrap, (self._slot(), 0)

    # ---- helpers

    def _slot(self):
        """A length-1 Array of this slot (a zero-copy slice)."""
        return self._array.slice(self._index, 1)


def _hashable(value):
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, dict):
        return tuple((k, _hashable(v)) for k, v in value.items())
    if isinstance(value, tuple):
        return tuple(_hashable(v) for v in value)
    return value


class NullScalar(Scalar):
    __slots__ = ()


class BooleanScalar(Scalar):
    __slots__ = ()


def _int_class(name):
    return type(name, (Scalar,), {"__slots__": ()})


Int8Scalar, Int16Scalar, Int32Scalar, Int64Scalar = (_int_class("Int%dScalar" % w) for w in (8, 16, 32, 64))
UInt8Scalar, UInt16Scalar, UInt32Scalar, UInt64Scalar = (_int_class("UInt%dScalar" % w) for w in (8, 16, 32, 64))
HalfFloatScalar = _int_class("HalfFloatScalar")
FloatScalar = _int_class("FloatScalar")
DoubleScalar = _int_class("DoubleScalar")
Decimal32Scalar, Decimal64Scalar, Decimal128Scalar, Decimal256Scalar = (
    _int_class("Decimal%dScalar" % w) for w in (32, 64, 128, 256))
MonthIntervalScalar = _int_class("MonthIntervalScalar")
DayTimeIntervalScalar = _int_class("DayTimeIntervalScalar")


class _RawValueScalar(Scalar):
    """Temporal scalars: ``.value`` is the stored integer (days, units since the epoch or midnight)."""

    __slots__ = ()
    _format = "q"

    @property
    def value(self):
        if not self.is_valid:
            return None
        a = self._array
        data = memoryview(a.buffers()[1]).cast("B").cast(self._format)
        return data[a.offset + self._index]


class Date32Scalar(_RawValueScalar):
    __slots__ = ()
    _format = "i"


class Date64Scalar(_RawValueScalar):
    __slots__ = ()


class Time32Scalar(_RawValueScalar):
    __slots__ = ()
    _format = "i"


class Time64Scalar(_RawValueScalar):
    __slots__ = ()


class DurationScalar(_RawValueScalar):
    __slots__ = ()


_FRACTION_DIGITS = {"s": 0, "ms": 3, "us": 6, "ns": 9}
_PER_SECOND = {"s": 1, "ms": 1000, "us": 1000000, "ns": 1000000000}


class TimestampScalar(_RawValueScalar):
    __slots__ = ()

    def __repr__(self):
        return "<quiver.%s: %r>" % (type(self).__name__, _timestamp_text(self))


def _timestamp_text(s):
    """pyarrow's repr text of a timestamp: ISO 8601 with the unit's fraction digits, and the
    UTC offset when the type has a time zone (wall time in that zone)."""
    value = s.value
    if value is None:
        return "None"
    unit, tz = s.type.unit, s.type.tz
    seconds, fraction = divmod(value, _PER_SECOND[unit])
    moment = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc) + _dt.timedelta(seconds=seconds)
    if tz:
        moment = moment.astimezone(_tzinfo(tz))
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    digits = _FRACTION_DIGITS[unit]
    if digits:
        text += ".%0*d" % (digits, fraction)
    if tz:
        text += moment.strftime("%z")
    return text


def _tzinfo(tz):
    if tz.upper() == "UTC":
        return _dt.timezone.utc
    if tz[:1] in "+-" and ":" in tz:
        sign = -1 if tz[0] == "-" else 1
        hours, minutes = tz[1:].split(":")
        return _dt.timezone(sign * _dt.timedelta(hours=int(hours), minutes=int(minutes)))
    import zoneinfo

    return zoneinfo.ZoneInfo(tz)


MonthDayNano = _collections.namedtuple("MonthDayNano", ["months", "days", "nanoseconds"])
MonthDayNano.__doc__ = "An interval of months, days and nanoseconds (pyarrow.MonthDayNano's fields)."


class MonthDayNanoIntervalScalar(Scalar):
    __slots__ = ()

    def as_py(self, *, maps_as_pydicts=None):
        value = Scalar.as_py(self)
        return None if value is None else MonthDayNano(*value)

    @property
    def value(self):
        return self.as_py()


class BinaryScalar(Scalar):
    __slots__ = ()


class LargeBinaryScalar(BinaryScalar):
    __slots__ = ()


class FixedSizeBinaryScalar(BinaryScalar):
    __slots__ = ()


class BinaryViewScalar(BinaryScalar):
    __slots__ = ()


class StringScalar(BinaryScalar):
    __slots__ = ()


class LargeStringScalar(StringScalar):
    __slots__ = ()


class StringViewScalar(StringScalar):
    __slots__ = ()


# ---------------------------------------------------------------- nested


def _list_range(array, i):
    """(start, length) of list slot i in array.values (the unsliced child)."""
    t = array.type
    slot = array.offset + i
    if t.id == "fixed_size_list":
        return slot * t.list_size, t.list_size
    wide = t.id in ("large_list", "large_list_view")
    view = memoryview(array.buffers()[1]).cast("B").cast("q" if wide else "i")
    if t.id in ("list_view", "large_list_view"):
        sizes = memoryview(array.buffers()[2]).cast("B").cast("q" if wide else "i")
        return view[slot], sizes[slot]
    return view[slot], view[slot + 1] - view[slot]


class ListScalar(Scalar, _abc.Sequence):
    __slots__ = ()

    @property
    def values(self):
        """The list's values as an Array (None for a null list)."""
        if not self.is_valid:
            return None
        start, length = _list_range(self._array, self._index)
        return self._array.values.slice(start, length)

    def __len__(self):
        values = self.values
        if values is None:
            raise TypeError("object of type 'NoneType' has no len()")
        return len(values)

    def __getitem__(self, i):
        values = self.values
        if values is None:
            raise IndexError(i)
        return values[i]

    def __iter__(self):
        values = self.values
        return iter(values) if values is not None else iter(())


class FixedSizeListScalar(ListScalar):
    __slots__ = ()


class LargeListScalar(ListScalar):
    __slots__ = ()


class ListViewScalar(ListScalar):
    __slots__ = ()


class LargeListViewScalar(ListScalar):
    __slots__ = ()


class MapScalar(ListScalar, _abc.Mapping):
    """A map slot: iteration gives (key, value) tuples of Python values, as pyarrow."""

    __slots__ = ()

    def _entries(self):
        values = self.values
        if values is None:
            return None, None
        return values.field(0), values.field(1)

    def __getitem__(self, i):
        keys, items = self._entries()
        if keys is None:
            raise IndexError(i) if isinstance(i, int) else KeyError(i)
        if isinstance(i, (str, bytes)):
            found = [k for k in range(len(keys)) if keys[k].as_py() == i]
            if not found:
                raise KeyError(i)
            return items[found[0]]
        return (keys[i], items[i])

    def __iter__(self):
        keys, items = self._entries()
        if keys is None:
            return iter(())
        return iter(list(zip(keys.to_pylist(), items.to_pylist())))

    def keys(self):
        keys, _ = self._entries()
        return [] if keys is None else keys.to_pylist()

    def items(self):
        return list(iter(self))

    def as_py(self, *, maps_as_pydicts=None):
        return Scalar.as_py(self, maps_as_pydicts=maps_as_pydicts)


class StructScalar(Scalar, _abc.Mapping):
    """A struct slot: a mapping of field name to the field's Scalar, as pyarrow."""

    __slots__ = ()

    def _names(self):
        t = self.type
        return [t.field(i).name for i in range(t.num_fields)]

    def __len__(self):
        return self.type.num_fields

    def __iter__(self):
        return iter(self._names())

    def __contains__(self, key):
        return key in self._names()

    def __getitem__(self, key):
        names = self._names()
        if isinstance(key, (str, bytes)):
            name = key.decode() if isinstance(key, bytes) else key
            if names.count(name) != 1:
                raise KeyError(key)
            position = names.index(name)
        elif isinstance(key, int):
            position = key + len(names) if key < 0 else key
            if not 0 <= position < len(names):
                raise IndexError(key)
        else:
            raise TypeError("Expected integer or string index")
        child = self._array.children[position]
        return _wrap(child, self._array.offset + self._index)

    def items(self):
        return [(name, self[i]) for i, name in enumerate(self._names())]

    def _pairs(self):
        if not self.is_valid:
            return None
        return [(name, self[i].as_py()) for i, name in enumerate(self._names())]

    def __repr__(self):
        return "<quiver.%s: %r>" % (type(self).__name__, self._pairs())

    def __str__(self):
        return str(self._pairs())


class DictionaryScalar(Scalar):
    __slots__ = ()

    @property
    def index(self):
        """The slot's index into the dictionary (a Scalar of the index type)."""
        return self._array.indices[self._index]

    @property
    def value(self):
        """The dictionary value the slot refers to (a Scalar; a null one for a null slot)."""
        if not self.is_valid:
            return scalar(None, self.type.value_type)
        return self._array.dictionary[self.index.as_py()]

    @property
    def dictionary(self):
        return self._array.dictionary


class RunEndEncodedScalar(Scalar):
    __slots__ = ()

    @property
    def is_valid(self):
        return self.as_py() is not None

    @property
    def value(self):
        from ._compute_elementwise import cast

        return _wrap(cast(self._slot(), self.type.value_type), 0)


class UnionScalar(Scalar):
    __slots__ = ()

    @property
    def is_valid(self):
        return self.as_py() is not None

    @property
    def type_code(self):
        a = self._array
        return memoryview(a.buffers()[0]).cast("B").cast("b")[a.offset + self._index]

    @property
    def value(self):
        """The Scalar of the child the slot selects (None when that value is null, as pyarrow)."""
        if not self.is_valid:
            return None
        a, t = self._array, self._array.type
        code = self.type_code
        child = list(t.type_codes).index(code)
        if t.id == "dense_union":
            row = memoryview(a.buffers()[1]).cast("B").cast("i")[a.offset + self._index]
        else:
            row = a.offset + self._index
        return _wrap(a.children[child], row)


class ExtensionScalar(Scalar):
    __slots__ = ()

    @property
    def value(self):
        """The storage value (a Scalar of the storage type), None for a null slot."""
        if not self.is_valid:
            return None
        storage = self.type.storage_type
        a = self._array
        if a.num_buffers == 2 and storage.bit_width > 0:  # fixed width: the same buffers, read as storage
            buffers = a.buffers()
            whole = _quiver._array_from_buffers(storage, a.offset + len(a), -1, buffers[0], buffers[1])
            return _wrap(whole, a.offset + self._index)
        return scalar(self.as_py(), storage)  # variable width (arrow.json): the Python value is the storage value


class UuidScalar(ExtensionScalar):
    __slots__ = ()


class JsonScalar(ExtensionScalar):
    __slots__ = ()


class Bool8Scalar(ExtensionScalar):
    __slots__ = ()


_EXTENSION_CLASSES = {"arrow.uuid": UuidScalar, "arrow.json": JsonScalar, "arrow.bool8": Bool8Scalar}


_CLASS_BY_ID = {
    "null": NullScalar, "bool": BooleanScalar,
    "int8": Int8Scalar, "int16": Int16Scalar, "int32": Int32Scalar, "int64": Int64Scalar,
    "uint8": UInt8Scalar, "uint16": UInt16Scalar, "uint32": UInt32Scalar, "uint64": UInt64Scalar,
    "float16": HalfFloatScalar, "float32": FloatScalar, "float64": DoubleScalar,
    "decimal32": Decimal32Scalar, "decimal64": Decimal64Scalar, "decimal128": Decimal128Scalar,
    "decimal256": Decimal256Scalar,
    "date32": Date32Scalar, "date64": Date64Scalar, "time32": Time32Scalar, "time64": Time64Scalar,
    "timestamp": TimestampScalar, "duration": DurationScalar,
    "interval_months": MonthIntervalScalar, "interval_day_time": DayTimeIntervalScalar,
    "interval_month_day_nano": MonthDayNanoIntervalScalar,
    "binary": BinaryScalar, "string": StringScalar, "large_binary": LargeBinaryScalar,
    "large_string": LargeStringScalar, "binary_view": BinaryViewScalar, "string_view": StringViewScalar,
    "fixed_size_binary": FixedSizeBinaryScalar,
    "list": ListScalar, "large_list": LargeListScalar, "list_view": ListViewScalar,
    "large_list_view": LargeListViewScalar, "fixed_size_list": FixedSizeListScalar,
    "struct": StructScalar, "map": MapScalar, "sparse_union": UnionScalar, "dense_union": UnionScalar,
    "dictionary": DictionaryScalar, "run_end_encoded": RunEndEncodedScalar, "extension": ExtensionScalar,
}

__all__ = ["Scalar", "scalar", "MonthDayNano"] + sorted({cls.__name__ for cls in _CLASS_BY_ID.values()} |
                                        {cls.__name__ for cls in _EXTENSION_CLASSES.values()})


def _wrap(array, index):
    """The Scalar of slot `index` of `array` (0 <= index < len(array))."""
    t = array.type
    if t.id == "extension":
        return _EXTENSION_CLASSES.get(t.extension_name, ExtensionScalar)._wrap(array, index)
    return _CLASS_BY_ID[t.id]._wrap(array, index)


def scalar(value, type=None, *, from_pandas=None, memory_pool=None):
    """scalar(value, type=None) -> Scalar: a Python value (or a Scalar) as an Arrow scalar,
    its type inferred as quiver.array infers it unless given."""
    if isinstance(value, Scalar):
        return value if type is None else value.cast(type)
    return _wrap(_qv().array([value], type), 0)


# ---- the C types build scalars themselves (python/src/scalar_object.c): array[i] and iteration
# look classes up in _CLASS_BY_ID by type id name, and call _wrap for extension types.
