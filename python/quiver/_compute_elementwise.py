"""Element-wise kernels of quiver.compute (see compute.py).

Names, argument order and options follow ``pyarrow.compute``. Arguments may
be quiver Arrays, ChunkedArrays (combined, giving a ChunkedArray), any Arrow
array-like (imported zero-copy), or Python scalars, which broadcast. Mixed
numeric types are first cast to their common type as pyarrow does (a Python
int is an int64, a float a float64; any float input makes the result the
widest float among the float inputs; signed and unsigned integers meet in a
signed type wide enough for both, at most int64). The work is done by
libquiver's C kernels (``quiver._quiver._*``).
"""
import datetime as _dt
import decimal as _decimal

from . import _quiver

__all__ = [
    "cast",
    "add", "add_checked", "subtract", "subtract_checked", "multiply", "multiply_checked",
    "divide", "divide_checked", "power", "power_checked", "negate", "negate_checked", "abs", "abs_checked",
    "equal", "not_equal", "less", "less_equal", "greater", "greater_equal",
    "and_", "or_", "xor", "and_not", "and_kleene", "or_kleene", "and_not_kleene", "invert",
    "is_null", "is_valid", "is_nan", "true_unless_null", "if_else", "coalesce", "fill_null",
    "utf8_length", "binary_length", "utf8_upper", "utf8_lower", "ascii_upper", "ascii_lower",
    "utf8_capitalize", "utf8_title", "utf8_swapcase", "ascii_capitalize", "ascii_title", "ascii_swapcase",
    "utf8_is_alnum", "utf8_is_alpha", "utf8_is_decimal", "utf8_is_digit", "utf8_is_lower", "utf8_is_numeric",
    "utf8_is_printable", "utf8_is_space", "utf8_is_title", "utf8_is_upper", "ascii_is_alnum", "ascii_is_alpha",
    "ascii_is_decimal", "ascii_is_lower", "ascii_is_printable", "ascii_is_space", "ascii_is_title",
    "ascii_is_upper", "string_is_ascii",
    "starts_with", "ends_with", "match_substring", "match_like", "find_substring", "replace_substring",
    "split_pattern", "match_substring_regex", "count_substring_regex", "replace_substring_regex", "extract_regex",
    "split_pattern_regex", "utf8_trim", "utf8_ltrim", "utf8_rtrim", "utf8_trim_whitespace", "utf8_ltrim_whitespace",
    "utf8_rtrim_whitespace", "utf8_slice_codeunits",
    "year", "quarter", "month", "day", "day_of_week", "day_of_year", "hour", "minute", "second", "millisecond",
    "microsecond", "nanosecond",
]

_CMP = {"equal": 0, "not_equal": 1, "less": 2, "less_equal": 3, "greater": 4, "greater_equal": 5}
_SWAPPED = {"equal": "equal", "not_equal": "not_equal", "less": "greater", "less_equal": "greater_equal",
            "greater": "less", "greater_equal": "less_equal"}
_ARITH = {"add": 0, "subtract": 1, "multiply": 2, "divide": 3, "power": 4}
_BOOL = {"and": 0, "or": 1, "xor": 2, "and_not": 3, "and_kleene": 4, "or_kleene": 5, "and_not_kleene": 6}

_INTS = {"int8": (True, 8), "int16": (True, 16), "int32": (True, 32), "int64": (True, 64),
         "uint8": (False, 8), "uint16": (False, 16), "uint32": (False, 32), "uint64": (False, 64)}
_FLOATS = {"float16": 16, "halffloat": 16, "float": 32, "float32": 32, "double": 64, "float64": 64}


def _qv():
    import quiver
    return quiver


def _resolve_type(t):
    """A quiver DataType from a DataType, a type name ("int64") or a pyarrow type."""
    if isinstance(t, _quiver.DataType):
        return t
    return _qv().type_for(t)


def _is_chunked(x):
    return isinstance(x, _quiver.ChunkedArray)


def _is_arraylike(x):
    return isinstance(x, (_quiver.Array, _quiver.ChunkedArray)) or hasattr(x, "__arrow_c_array__") or \
        hasattr(x, "__arrow_c_stream__")


def _to_array(x):
    if isinstance(x, _quiver.Array):
        return x
    if _is_chunked(x):
        return x.combine_chunks()
    if hasattr(x, "__arrow_c_stream__") and not hasattr(x, "__arrow_c_array__"):
        return _qv().chunked_array(x).combine_chunks()
    return _qv().array(x)


def _scalar_value(x):
    """A pyarrow-like Scalar (has .as_py) becomes its Python value."""
    if hasattr(x, "as_py") and not _is_arraylike(x):
        return x.as_py()
    return x


def _python_scalar_type(v):
    qv = _qv()
    if isinstance(v, bool):
        return qv.bool_()
    if isinstance(v, int):
        return qv.int64()
    if isinstance(v, float):
        return qv.float64()
    if isinstance(v, str):
        return qv.string()
    if isinstance(v, (bytes, bytearray)):
        return qv.binary()
    if isinstance(v, _dt.datetime):
        return qv.timestamp("us", tz="UTC" if v.tzinfo is not None else None)
    if isinstance(v, _dt.date):
        return qv.date32()
    if isinstance(v, _dt.timedelta):
        return qv.duration("us")
    if isinstance(v, _decimal.Decimal):
        return None
    return None


def _common_numeric(types):
    """pyarrow's implicit cast target for numeric arguments, or None."""
    names = [str(t) for t in types]
    if not all(n in _INTS or n in _FLOATS for n in names):
        return None
    qv = _qv()
    floats = [_FLOATS[n] for n in names if n in _FLOATS]
    if floats:
        return {16: qv.float16(), 32: qv.float32(), 64: qv.float64()}[max(max(floats), 32)]
    signed = [_INTS[n][1] for n in names if _INTS[n][0]]
    unsigned = [_INTS[n][1] for n in names if not _INTS[n][0]]
    if not signed:
        return getattr(qv, "uint%d" % max(unsigned))()
    width = max(signed)
    if unsigned:
        width = max(width, min(64, 2 * max(unsigned)))
    return getattr(qv, "int%d" % width)()


class _Args:
    """Arguments as Arrays; scalars as length-1 Arrays flagged for broadcast."""

    def __init__(self, values, numeric=False, scalar_like=None):
        self.chunked = any(_is_chunked(v) for v in values)
        values = [_scalar_value(v) for v in values]
        arrays = [_to_array(v) if _is_arraylike(v) else None for v in values]
        if not any(a is not None for a in arrays):
            raise TypeError("at least one argument must be an array")
        self.length = next(len(a) for a in arrays if a is not None)
        ref = next(a for a in arrays if a is not None)
        qv = _qv()
        for i, v in enumerate(values):
            if arrays[i] is not None:
                continue
            if v is None:
                arrays[i] = qv.array([None], type=ref.type if scalar_like is None else scalar_like)
                continue
            t = _python_scalar_type(v)
            if numeric and isinstance(v, _dt.datetime) and str(ref.type).startswith("timestamp["):
                t = qv.timestamp("us", tz=ref.type.tz)  # pyarrow's scalar type; the finer unit wins
                arrays[i] = qv.array([v], type=t)
                continue
            if not numeric or t is None or str(t) not in _INTS and str(t) not in _FLOATS:
                # Same type as the array beside it (strings, dates, comparisons of numbers).
                target = ref.type if scalar_like is None else scalar_like
                try:
                    arrays[i] = qv.array([v], type=target)
                    continue
                except (TypeError, ValueError, OverflowError):
                    if t is None:
                        raise
            arrays[i] = qv.array([v], type=t)
        self.scalar = [not _is_arraylike(values[i]) for i in range(len(values))]
        if numeric:
            common = _common_numeric([a.type for a in arrays])
            if common is not None:
                arrays = [a if a.type == common else _quiver._cast(a, common, True) for a in arrays]
        self.arrays = arrays

    def wrap(self, result):
        if self.chunked:
            return _qv().chunked_array([result], type=result.type)
        return result

    def broadcast(self, i):
        """Argument i as a full-length array."""
        a = self.arrays[i]
        if self.scalar[i] and self.length != 1:
            return _quiver._repeat(a, self.length)
        return a


def cast(arr, target_type=None, safe=None, options=None, memory_pool=None):
    """Cast array values to another data type (pyarrow.compute.cast).

    safe=True (the default) raises ArrowInvalid naming the row when a value
    would overflow, be truncated, or is not valid UTF-8; safe=False converts
    anyway (integers wrap, floats saturate, units truncate).
    """
    if options is not None:
        target_type = getattr(options, "target_type", target_type)
        if safe is None and hasattr(options, "allow_int_overflow"):
            safe = not options.allow_int_overflow
    if target_type is None:
        raise ValueError("cast() missing the target_type")
    to = _resolve_type(target_type)
    args = _Args([arr])
    return args.wrap(_quiver._cast(args.arrays[0], to, True if safe is None else bool(safe)))


def _array_cast(self, target_type=None, safe=None, options=None, memory_pool=None):
    return cast(self, target_type, safe=safe, options=options)


# ---------------------------------------------------------------- arithmetic

def _arith(name, checked, x, y):
    args = _Args([x, y], numeric=True)
    a, b = args.arrays
    if args.scalar[0] and not args.scalar[1]:
        a = args.broadcast(0)
    return args.wrap(_quiver._arith(_ARITH[name], checked, a, b, args.scalar[1] and not args.scalar[0]))


def _make_arith(name, checked):
    def fn(x, y, /, *, memory_pool=None):
        return _arith(name, checked, x, y)
    fn.__name__ = name + ("_checked" if checked else "")
    fn.__doc__ = "pyarrow.compute.%s: element-wise, nulls propagate%s." % (
        fn.__name__, "; raises ArrowInvalid naming the row on overflow" if checked else "")
    return fn


add, add_checked = _make_arith("add", False), _make_arith("add", True)
subtract, subtract_checked = _make_arith("subtract", False), _make_arith("subtract", True)
multiply, multiply_checked = _make_arith("multiply", False), _make_arith("multiply", True)
divide, divide_checked = _make_arith("divide", False), _make_arith("divide", True)
power, power_checked = _make_arith("power", False), _make_arith("power", True)


def _unary(which, checked, x):
    args = _Args([x])
    return args.wrap(_quiver._unary(which, checked, args.arrays[0]))


def negate(x, /, *, memory_pool=None):
    """Element-wise negation; integers wrap (MIN stays MIN)."""
    return _unary(0, False, x)


def negate_checked(x, /, *, memory_pool=None):
    """Element-wise negation; ArrowInvalid on overflow."""
    return _unary(0, True, x)


def abs(x, /, *, memory_pool=None):  # noqa: A001 (pyarrow's name)
    """Element-wise absolute value; integers wrap (MIN stays MIN)."""
    return _unary(1, False, x)


def abs_checked(x, /, *, memory_pool=None):
    """Element-wise absolute value; ArrowInvalid on overflow."""
    return _unary(1, True, x)


# ---------------------------------------------------------------- comparisons

def _compare(name, x, y):
    args = _Args([x, y], numeric=True)
    a, b = args.arrays
    if args.scalar[0] and not args.scalar[1]:
        return args.wrap(_quiver._compare(_CMP[_SWAPPED[name]], b, a, True))
    return args.wrap(_quiver._compare(_CMP[name], a, b, args.scalar[1]))


def _make_compare(name):
    def fn(x, y, /, *, memory_pool=None):
        return _compare(name, x, y)
    fn.__name__ = name
    fn.__doc__ = "pyarrow.compute.%s: bool result, null where either side is null." % name
    return fn


equal, not_equal = _make_compare("equal"), _make_compare("not_equal")
less, less_equal = _make_compare("less"), _make_compare("less_equal")
greater, greater_equal = _make_compare("greater"), _make_compare("greater_equal")


# ---------------------------------------------------------------- boolean logic

def _boolean(name, x, y):
    args = _Args([x, y], scalar_like=_qv().bool_())
    return args.wrap(_quiver._boolean(_BOOL[name], args.broadcast(0), args.broadcast(1)))


def _make_boolean(name, pyname):
    def fn(x, y, /, *, memory_pool=None):
        return _boolean(name, x, y)
    fn.__name__ = pyname
    fn.__doc__ = "pyarrow.compute.%s on bool arrays." % pyname
    return fn


and_ = _make_boolean("and", "and_")
or_ = _make_boolean("or", "or_")
xor = _make_boolean("xor", "xor")
and_not = _make_boolean("and_not", "and_not")
and_kleene = _make_boolean("and_kleene", "and_kleene")
or_kleene = _make_boolean("or_kleene", "or_kleene")
and_not_kleene = _make_boolean("and_not_kleene", "and_not_kleene")


def invert(x, /, *, memory_pool=None):
    """Logical not; null stays null."""
    return _unary(2, False, x)


def is_null(x, /, *, nan_is_null=False, options=None, memory_pool=None):
    """True where the slot is null (or NaN with nan_is_null=True); never null."""
    if options is not None:
        nan_is_null = getattr(options, "nan_is_null", nan_is_null)
    return _unary(4 if nan_is_null else 3, False, x)


def is_valid(x, /, *, memory_pool=None):
    """True where the slot is not null; never null."""
    return _unary(5, False, x)


def is_nan(x, /, *, memory_pool=None):
    """True where a float is NaN; null where the input is null."""
    return _unary(6, False, x)


def true_unless_null(x, /, *, memory_pool=None):
    """True where the slot is valid, null where it is null."""
    valid = is_valid(x)
    return if_else(valid, True, None) if len(valid) else valid


# ---------------------------------------------------------------- choosing

def _value_args(values):
    """Value arguments cast to one type: numeric promotion, else the first array's type."""
    args = _Args(values, numeric=True)
    stamps = [a.type for a in args.arrays if str(a.type).startswith("timestamp[")]
    if len(stamps) == len(args.arrays) and len({t.tz is None for t in stamps}) == 1:
        finest = max(stamps, key=lambda t: ["s", "ms", "us", "ns"].index(t.unit))
        args.arrays = [a if a.type == finest else _quiver._cast(a, finest, True) for a in args.arrays]
    ref = next(a.type for a, s in zip(args.arrays, args.scalar) if not s) if not all(args.scalar) else \
        args.arrays[0].type
    arrays = []
    for a in args.arrays:
        if a.type != ref and str(a.type) == "null":
            a = _quiver._cast(a, ref, True)
        arrays.append(a)
    args.arrays = arrays
    return args


def if_else(cond, left, right, /, *, memory_pool=None):
    """left where cond is true, right where false, null where cond is null."""
    qv = _qv()
    cond = _scalar_value(cond)
    if not _is_arraylike(cond):
        cond = qv.array([cond], type=qv.bool_())
    else:
        cond = _to_array(cond)
    values = _value_args([left, right])
    chunked = values.chunked or _is_chunked(cond)
    out = _quiver._if_else(cond, values.arrays[0], values.arrays[1])  # length-1 arguments broadcast in C
    return qv.chunked_array([out], type=out.type) if chunked else out


def coalesce(*values, memory_pool=None):
    """The first non-null value of each row among the arguments."""
    args = _value_args(list(values))
    return args.wrap(_quiver._coalesce(args.arrays))  # length-1 arguments broadcast in C


def fill_null(values, fill_value):
    """values with every null replaced by fill_value (a scalar or an array),
    which is cast to values' type first, as pyarrow does."""
    args = _Args([values, fill_value])
    a, fill = args.arrays
    if fill.type != a.type:
        fill = _quiver._cast(fill, a.type, True)
    return args.wrap(_quiver._coalesce([a, fill]))


# ---------------------------------------------------------------- operators

def _operator(name, a, b):
    fn = globals().get(name)
    if fn is None:
        return NotImplemented
    return fn(a, b)


def _unary_operator(name, a):
    return globals()[name](a)


# ---------------------------------------------------------------- strings

def _bytes(pattern):
    return pattern.encode("utf-8") if isinstance(pattern, str) else bytes(pattern)


def _strings(fn, x, *rest):
    args = _Args([x])
    return args.wrap(fn(args.arrays[0], *rest))


def utf8_length(strings, /, *, memory_pool=None):
    """Code points per value (int32; int64 for large_string)."""
    return _strings(lambda a: _quiver._str_unary(0, a), strings)


def binary_length(strings, /, *, memory_pool=None):
    """Bytes per value (int32; int64 for the large types)."""
    return _strings(lambda a: _quiver._str_unary(1, a), strings)


def _case_function(which, name, doc):
    def fn(strings, /, *, memory_pool=None):
        return _strings(lambda a: _quiver._str_unary(which, a), strings)
    fn.__name__ = name
    fn.__doc__ = doc
    return fn


utf8_upper = _case_function(2, "utf8_upper", "Upper case by Unicode's simple case mapping (utf8proc), as pyarrow.")
utf8_lower = _case_function(3, "utf8_lower", "Lower case by Unicode's simple case mapping (utf8proc), as pyarrow.")
ascii_upper = _case_function(4, "ascii_upper", "ASCII letters to upper case; other bytes unchanged.")
ascii_lower = _case_function(5, "ascii_lower", "ASCII letters to lower case; other bytes unchanged.")
utf8_capitalize = _case_function(6, "utf8_capitalize", "The first code point upper case, the rest lower case.")
utf8_title = _case_function(7, "utf8_title", "Each word's first cased code point upper case, the rest lower case.")
utf8_swapcase = _case_function(8, "utf8_swapcase", "Lower case code points to upper case and upper to lower.")
ascii_capitalize = _case_function(9, "ascii_capitalize", "utf8_capitalize for ASCII letters only.")
ascii_title = _case_function(10, "ascii_title", "utf8_title for ASCII letters only.")
ascii_swapcase = _case_function(11, "ascii_swapcase", "utf8_swapcase for ASCII letters only.")

_PREDICATES = ["utf8_is_alnum", "utf8_is_alpha", "utf8_is_decimal", "utf8_is_digit", "utf8_is_lower",
               "utf8_is_numeric", "utf8_is_printable", "utf8_is_space", "utf8_is_title", "utf8_is_upper",
               "ascii_is_alnum", "ascii_is_alpha", "ascii_is_decimal", "ascii_is_lower", "ascii_is_printable",
               "ascii_is_space", "ascii_is_title", "ascii_is_upper", "string_is_ascii"]


def _make_predicate(which, name):
    def fn(strings, /, *, memory_pool=None):
        return _strings(lambda a: _quiver._str_predicate(which, a), strings)
    fn.__name__ = name
    fn.__doc__ = "pyarrow.compute.%s: bool per value (Python's str.is* rules), null where the input is." % name
    return fn


for _i, _name in enumerate(_PREDICATES):
    globals()[_name] = _make_predicate(_i, _name)
del _i, _name


def _pattern_option(pattern, options):
    if options is not None:
        return options.pattern, getattr(options, "ignore_case", False)
    return pattern, None


def _matcher(op, name):
    def fn(strings, /, pattern=None, *, ignore_case=False, options=None, memory_pool=None):
        pat, ic = _pattern_option(pattern, options)
        if pat is None:
            raise TypeError("%s() missing the pattern" % name)
        return _strings(lambda a: _quiver._str_match(op, a, _bytes(pat), bool(ignore_case if ic is None else ic)),
                        strings)
    fn.__name__ = name
    fn.__doc__ = "pyarrow.compute.%s on plain bytes (ignore_case folds ASCII)." % name
    return fn


starts_with = _matcher(0, "starts_with")
ends_with = _matcher(1, "ends_with")
match_substring = _matcher(2, "match_substring")
match_like = _matcher(3, "match_like")
find_substring = _matcher(4, "find_substring")


def replace_substring(strings, /, pattern, replacement, *, max_replacements=None, options=None, memory_pool=None):
    """Replaces occurrences of pattern (all, or the first max_replacements)."""
    if options is not None:
        pattern, replacement = options.pattern, options.replacement
        max_replacements = options.max_replacements
    m = -1 if max_replacements is None else int(max_replacements)
    return _strings(lambda a: _quiver._replace_substring(a, _bytes(pattern), _bytes(replacement), m), strings)


def split_pattern(strings, /, pattern, *, max_splits=None, reverse=False, options=None, memory_pool=None):
    """A list of the pieces between occurrences of pattern."""
    if options is not None:
        pattern, max_splits, reverse = options.pattern, options.max_splits, options.reverse
    if reverse and max_splits is not None:
        raise NotImplementedError("split_pattern: reverse=True with max_splits is not supported")
    m = -1 if max_splits is None else int(max_splits)
    return _strings(lambda a: _quiver._split_pattern(a, _bytes(pattern), m), strings)


def _regex(op, strings, pattern, ignore_case=False, replacement=b"", max_count=None):
    m = -1 if max_count is None else int(max_count)
    return _strings(lambda a: _quiver._regex(op, a, _bytes(pattern), bool(ignore_case), _bytes(replacement), m),
                    strings)


def match_substring_regex(strings, /, pattern=None, *, ignore_case=False, options=None, memory_pool=None):
    """True where the value contains a match of the regular expression
    (PCRE2 syntax, a superset of pyarrow's RE2; see docs/compute.md)."""
    pat, ic = _pattern_option(pattern, options)
    if pat is None:
        raise TypeError("match_substring_regex() missing the pattern")
    return _regex(0, strings, pat, ignore_case if ic is None else ic)


def count_substring_regex(strings, /, pattern=None, *, ignore_case=False, options=None, memory_pool=None):
    """The number of matches of the regular expression in each value."""
    pat, ic = _pattern_option(pattern, options)
    if pat is None:
        raise TypeError("count_substring_regex() missing the pattern")
    return _regex(1, strings, pat, ignore_case if ic is None else ic)


def replace_substring_regex(strings, /, pattern, replacement, *, max_replacements=None, options=None,
                            memory_pool=None):
    """Replaces matches (all, or the first max_replacements); \\1 in the
    replacement inserts group 1, as RE2's rewrite strings."""
    if options is not None:
        pattern, replacement = options.pattern, options.replacement
        max_replacements = options.max_replacements
    return _regex(2, strings, pattern, False, replacement, max_replacements)


def extract_regex(strings, /, pattern=None, *, options=None, memory_pool=None):
    """A struct of the named groups of the first match; null where none."""
    if options is not None:
        pattern = options.pattern
    if pattern is None:
        raise TypeError("extract_regex() missing the pattern")
    return _regex(3, strings, pattern)


def split_pattern_regex(strings, /, pattern, *, max_splits=None, reverse=False, options=None, memory_pool=None):
    """A list of the pieces between matches of the regular expression."""
    if options is not None:
        pattern, max_splits, reverse = options.pattern, options.max_splits, options.reverse
    if reverse:
        raise NotImplementedError("split_pattern_regex: cannot split in reverse with a regex (as pyarrow)")
    return _regex(4, strings, pattern, False, b"", max_splits)


def _trimmer(side, name, whitespace):
    if whitespace:
        def fn(strings, /, *, memory_pool=None):
            return _strings(lambda a: _quiver._trim(a, side, None), strings)
    else:
        def fn(strings, /, characters, *, options=None, memory_pool=None):
            chars = options.characters if options is not None else characters
            return _strings(lambda a: _quiver._trim(a, side, _bytes(chars)), strings)
    fn.__name__ = name
    fn.__doc__ = "pyarrow.compute.%s." % name
    return fn


utf8_trim = _trimmer(0, "utf8_trim", False)
utf8_ltrim = _trimmer(1, "utf8_ltrim", False)
utf8_rtrim = _trimmer(2, "utf8_rtrim", False)
utf8_trim_whitespace = _trimmer(0, "utf8_trim_whitespace", True)
utf8_ltrim_whitespace = _trimmer(1, "utf8_ltrim_whitespace", True)
utf8_rtrim_whitespace = _trimmer(2, "utf8_rtrim_whitespace", True)


def utf8_slice_codeunits(strings, /, start, stop=None, step=1, *, options=None, memory_pool=None):
    """Code points [start, stop) by step, with Python slice semantics."""
    if options is not None:
        start, stop, step = options.start, options.stop, options.step
    if stop is None:
        stop = 2**63 - 1 if step > 0 else -(2**63)
    return _strings(lambda a: _quiver._slice_codeunits(a, int(start), int(stop), int(step)), strings)


# ---------------------------------------------------------------- temporal

_FIELDS = ["year", "quarter", "month", "day", "day_of_week", "day_of_year", "hour", "minute", "second",
           "millisecond", "microsecond", "nanosecond"]


def _make_field(index, name):
    if name == "day_of_week":
        def fn(values, /, *, count_from_zero=True, week_start=1, options=None, memory_pool=None):
            if options is not None:
                count_from_zero, week_start = options.count_from_zero, options.week_start
            if not 1 <= week_start <= 7:
                raise ValueError("week_start must follow 1 <= week_start <= 7, got %d" % week_start)
            out = _strings(lambda a: _quiver._temporal_field(index, a), values)  # Monday = 0
            if week_start != 1 or not count_from_zero:
                out = _weekday_shift(add(out, (8 - week_start) % 7), count_from_zero)
            return out
    else:
        def fn(values, /, *, memory_pool=None):
            return _strings(lambda a: _quiver._temporal_field(index, a), values)
    fn.__name__ = name
    fn.__doc__ = "pyarrow.compute.%s: int64, from the local time of zoned timestamps." % name
    return fn


def _weekday_shift(shifted, count_from_zero):
    """(day + shift) mod 7, plus 1 when counting from one."""
    wrapped = if_else(greater_equal(shifted, 7), subtract(shifted, 7), shifted)
    return add(wrapped, 0 if count_from_zero else 1)


for _i, _name in enumerate(_FIELDS):
    globals()[_name] = _make_field(_i, _name)
del _i, _name


_TEMPORAL_UNITS = ["s", "ms", "us", "ns"]


def _temporal_arith(name, checked, x, y):
    """timestamp/date +- duration, timestamp - timestamp, through int64 arithmetic."""
    qv = _qv()
    args = _Args([x, y])
    a, b = args.arrays
    ta, tb = str(a.type), str(b.type)
    if ta.startswith("date32") and tb.startswith("duration["):
        a = _quiver._cast(a, qv.timestamp(b.type.unit), True)
        ta = str(a.type)
    if ta.startswith("timestamp[") and (tb.startswith("duration[") or (name == "subtract" and tb.startswith("timestamp["))):
        unit = max(a.type.unit, b.type.unit, key=_TEMPORAL_UNITS.index)
        ra = qv.timestamp(unit, tz=a.type.tz)
        a = _quiver._cast(a, ra, True)
        b = _quiver._cast(b, qv.timestamp(unit, tz=b.type.tz) if tb.startswith("timestamp[") else qv.duration(unit),
                          True)
        ia, ib = _quiver._cast(a, qv.int64(), True), _quiver._cast(b, qv.int64(), True)
        scalar = args.scalar[1] and not args.scalar[0]
        if args.scalar[0] and not scalar:
            ia = _quiver._repeat(ia, args.length)
        r = _quiver._arith(_ARITH[name], checked, ia, ib, scalar)
        result_type = qv.duration(unit) if tb.startswith("timestamp[") else ra
        return args.wrap(_quiver._cast(r, result_type, True))
    return None


def _with_temporal(fn, name, checked):
    def wrapped(x, y, /, *, memory_pool=None):
        xs, ys = str(getattr(x, "type", "")), str(getattr(y, "type", ""))
        if name in ("add", "subtract") and (xs.startswith(("timestamp[", "date32")) or
                                            ys.startswith(("timestamp[", "date32"))):
            r = _temporal_arith(name, checked, x, y)
            if r is not None:
                return r
        return fn(x, y)
    wrapped.__name__ = fn.__name__
    wrapped.__doc__ = fn.__doc__ + " Timestamps and dates take durations (and timestamps subtract)."
    return wrapped


add, add_checked = _with_temporal(add, "add", False), _with_temporal(add_checked, "add", True)
subtract = _with_temporal(subtract, "subtract", False)
subtract_checked = _with_temporal(subtract_checked, "subtract", True)
