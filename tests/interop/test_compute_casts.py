"""quiver.compute.cast for decimals and float16 against pyarrow.compute.cast.

Seeded random inputs with nulls, a slice at an offset, the empty and the
all-null array, and edge values (precision limits, ties at the target
scale, NaN and infinities, the float16 range). Where pyarrow itself is
wrong (its safe float16 -> integer check reads the raw bits) the oracle is
the same cast through float32, which holds every float16 value exactly.
"""
import decimal
import random

import numpy as np
import pyarrow as pa
import pytest

import quiver as qv
import quiver.compute as qc
from test_compute_elementwise import check, same, variants

decimal.getcontext().prec = 100  # the values below have up to 76 digits
SEEDS = [1, 2, 3]
INTS = [pa.int8(), pa.int16(), pa.int32(), pa.int64(), pa.uint8(), pa.uint16(), pa.uint32(), pa.uint64()]


def random_decimals(rng, t, n=120):
    out = []
    for _ in range(n):
        r = rng.random()
        if r < 0.15:
            out.append(None)
            continue
        digits = rng.choice([1, 2, 3, t.precision // 2 or 1, t.precision])
        if r < 0.25:
            v = 10 ** t.precision - 1  # the largest the precision holds
        elif r < 0.3:
            v = 0
        else:
            v = rng.randrange(10 ** digits)
        if rng.random() < 0.5:
            v = -v
        out.append(decimal.Decimal(v).scaleb(-t.scale))
    return pa.array(out, t)


DECIMALS = [pa.decimal128(10, 2), pa.decimal128(38, 10), pa.decimal128(5, 0), pa.decimal256(40, 5),
            pa.decimal256(76, 0), pa.decimal64(12, 3), pa.decimal32(7, 2), pa.decimal128(20, -2)]
DEC_TARGETS = [pa.decimal128(10, 2), pa.decimal128(12, 4), pa.decimal128(10, 1), pa.decimal128(6, 2),
               pa.decimal128(38, 0), pa.decimal256(76, 20), pa.decimal64(18, 2), pa.decimal32(9, 3),
               pa.decimal128(20, -1)]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("src", DECIMALS, ids=str)
def test_decimal_sources(seed, src):
    rng = random.Random(seed)
    base = random_decimals(rng, src)
    for _, arr in variants(base):
        for dst in DEC_TARGETS + INTS + [pa.float32(), pa.float64(), pa.string(), pa.large_string(),
                                         pa.string_view(), pa.binary(), pa.bool_(), pa.float16()]:
            for safe in (True, False):
                if not safe and (pa.types.is_decimal(dst) or pa.types.is_integer(dst)):
                    # Unsafe casts wrap out-of-range values; pyarrow wraps in its own intermediate widths,
                    # so compare only values that fit the target.
                    continue
                check("cast", arr, dst, safe=safe)


@pytest.mark.parametrize("seed", SEEDS)
def test_decimal_unsafe_truncation(seed):
    rng = random.Random(seed)
    src = pa.decimal128(12, 4)
    base = pa.array([None if rng.random() < 0.1 else decimal.Decimal(rng.randrange(-10**8, 10**8)).scaleb(-4)
                     for _ in range(150)], src)
    for _, arr in variants(base):
        for dst in [pa.decimal128(12, 1), pa.decimal128(20, 0), pa.decimal64(18, 2), pa.int32(), pa.int64(),
                    pa.int16(), pa.uint16()]:
            check("cast", arr, dst, safe=False)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("src", INTS, ids=str)
def test_integers_to_decimal(seed, src):
    rng = random.Random(seed)
    lo, hi = (-(2 ** (src.bit_width - 1)), 2 ** (src.bit_width - 1) - 1) if pa.types.is_signed_integer(src) \
        else (0, 2 ** src.bit_width - 1)
    vals = [None if rng.random() < 0.15 else rng.choice([lo, hi, 0, rng.randint(lo, hi)]) for _ in range(100)]
    base = pa.array(vals, src)
    for _, arr in variants(base):
        for dst in [pa.decimal128(38, 0), pa.decimal128(38, 10), pa.decimal128(20, 0), pa.decimal128(19, 0),
                    pa.decimal128(10, 0), pa.decimal256(76, 50), pa.decimal32(9, 0), pa.decimal64(18, 4),
                    pa.decimal128(38, -2)]:
            check("cast", arr, dst)
            check("cast", arr, dst, safe=False)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("src", [pa.float32(), pa.float64()], ids=str)
def test_floats_to_decimal(seed, src):
    rng = random.Random(seed)
    edge = [0.125, 0.375, -2.5, 1.005, 0.1, 1e30, 1e-10, 99999999.4, 150.0, 250.0, -0.0, float("nan"),
            float("inf"), float("-inf"), 1e300, 5e-324, 123456.789]
    vals = [None if rng.random() < 0.1 else
            rng.choice(edge) if rng.random() < 0.4 else rng.uniform(-1e6, 1e6) for _ in range(150)]
    base = pa.array(vals, src)
    for _, arr in variants(base):
        for dst in [pa.decimal128(12, 2), pa.decimal128(38, 2), pa.decimal128(8, 0), pa.decimal256(76, 30),
                    pa.decimal128(10, -2), pa.decimal128(18, 6), pa.decimal128(9, 4)]:
            check("cast", arr, dst)
            check("cast", arr, dst, safe=False)
        # pyarrow converts floats to decimal32/64 in float arithmetic (5e-324 gives 16384 as decimal64):
        # quiver's exact result is the decimal128 one, narrowed.
        for dst in [pa.decimal64(18, 6), pa.decimal32(9, 4)]:
            try:
                want = pa.compute.cast(arr, pa.decimal128(dst.precision, dst.scale)).cast(dst)
            except pa.ArrowInvalid:
                with pytest.raises(ValueError):
                    qc.cast(qv.array(arr), dst)
                continue
            assert same(qc.cast(qv.array(arr), dst), want)[0]


@pytest.mark.parametrize("seed", SEEDS)
def test_strings_to_decimal(seed):
    rng = random.Random(seed)
    for src in DECIMALS[:4]:
        texts = random_decimals(rng, src).cast(pa.string())
        for _, arr in variants(texts):
            for dst in [pa.decimal128(38, 10), pa.decimal128(10, 2), pa.decimal256(50, 5)]:
                check("cast", arr, dst)
                check("cast", arr.cast(pa.large_string()), dst)
    junk = ["", " 1", "1 ", "+5", ".5", "5.", "-0", "1e3", "1E-2", "1.23E-2", "e3", "1e", "1.2.3", "--1", "0x10",
            "nan", "1_0", "1,5", "1E400", "00001.50000", "-.5"]
    for s in junk:
        for safe in (True, False):
            check("cast", pa.array([s, None]), pa.decimal128(20, 2), safe=safe)


def test_decimal_text_forms():
    vals = ["1E-37", "1.5E-7", "0.0000015", "-0.0000001", "0E-10"]
    check("cast", pa.array([decimal.Decimal(v) for v in vals], pa.decimal128(38, 37)), pa.string())
    for v in ["0", "5E+3", "-5E+3", "12345E+3"]:
        check("cast", pa.array([decimal.Decimal(v)], pa.decimal128(38, -3)), pa.string())


# ---------------------------------------------------------------- float16

def random_halves(rng, n=150):
    bits = [rng.randrange(1 << 16) for _ in range(n)]
    vals = np.array(bits, dtype=np.uint16).view(np.float16)
    mask = np.array([rng.random() < 0.1 for _ in range(n)])
    return pa.array(vals, pa.float16(), mask=mask)


@pytest.mark.parametrize("seed", SEEDS)
def test_float16_sources(seed):
    rng = random.Random(seed)
    base = random_halves(rng)
    for _, arr in variants(base):
        for dst in [pa.float32(), pa.float64(), pa.string(), pa.large_string()]:
            check("cast", arr, dst)
        # pyarrow's safe float16 -> integer check reads the raw bits: the oracle goes through float32.
        for dst in INTS:
            want_exc = None
            try:
                want = arr.cast(pa.float32()).cast(dst)
            except pa.ArrowInvalid as e:
                want_exc = e
            if want_exc is None:
                assert same(qc.cast(qv.array(arr), dst), want)[0]
            else:
                with pytest.raises(ValueError):
                    qc.cast(qv.array(arr), dst)
        whole = pa.array(np.array([1, -2, 300, 0, 2048, -65504], dtype=np.float16), pa.float16())
        for dst in [pa.int32(), pa.int64(), pa.float32()]:
            check("cast", whole, dst, safe=False)


@pytest.mark.parametrize("seed", SEEDS)
def test_float16_targets(seed):
    rng = random.Random(seed)
    edge = [65504.0, 65519.0, 65520.0, 1e10, 1e-8, 6e-8, 3.14159, float("nan"), -0.0, 2049.0, 1e-5, float("-inf")]
    floats = pa.array([None if rng.random() < 0.1 else rng.choice(edge) if rng.random() < 0.3 else
                       rng.uniform(-70000, 70000) for _ in range(150)])
    for _, arr in variants(floats):
        for src in [pa.float64(), pa.float32()]:
            check("cast", arr.cast(src), pa.float16())
            check("cast", arr.cast(src), pa.float16(), safe=False)
    for src in INTS:
        small = pa.array([None if rng.random() < 0.1 else rng.randint(0, 100) for _ in range(100)], src)
        check("cast", small, pa.float16())
        lo = -(2 ** (src.bit_width - 1)) if pa.types.is_signed_integer(src) else 0
        hi = 2 ** (src.bit_width - 1) - 1 if pa.types.is_signed_integer(src) else 2 ** src.bit_width - 1
        wide = pa.array([rng.randint(lo, hi) for _ in range(100)], src)
        check("cast", wide, pa.float16(), safe=False)
    check("cast", pa.array(["1.5", "70000", "-0", "nan", None]), pa.float16())
    check("cast", pa.array(["abc"]), pa.float16())
    check("cast", pa.array([True, None]), pa.float16())
    with pytest.raises(ValueError, match="row 1"):
        qc.cast(qv.array(pa.array([1, 4097], pa.int32())), pa.float16())


# ---------------------------------------------------------------- dictionary encoding

@pytest.mark.parametrize("seed", SEEDS)
def test_dictionary_encode_casts(seed):
    rng = random.Random(seed)
    words = pa.array([None if rng.random() < 0.15 else rng.choice(["a", "bb", "", "ccc", "é"]) for _ in range(100)])
    for _, arr in variants(words):
        for src in [pa.string(), pa.large_string(), pa.binary(), pa.large_binary()]:
            for dst in [pa.dictionary(pa.int32(), pa.string()), pa.dictionary(pa.int8(), pa.large_string()),
                        pa.dictionary(pa.uint16(), pa.binary()), pa.dictionary(pa.int64(), pa.large_binary())]:
                check_dictionary(arr.cast(src), dst)
    check_dictionary(pa.array([str(i) for i in range(300)]), pa.dictionary(pa.int8(), pa.string()))
    check_dictionary(pa.array(["1", "2", None, "1"]).dictionary_encode(), pa.dictionary(pa.int8(), pa.int32()))
    check_dictionary(pa.array(["1", "x"]).dictionary_encode(), pa.dictionary(pa.int8(), pa.int32()))
    check_dictionary(pa.nulls(3), pa.dictionary(pa.int32(), pa.string()))
    # Beyond pyarrow: any hashable type encodes; decoding gives the input back.
    ints = pa.array([3, 1, None, 3, 2**40])
    enc = qc.cast(qv.array(ints), pa.dictionary(pa.int32(), pa.int64()))
    assert same(qc.cast(enc, pa.int64()), ints)[0]
    assert len(pa.array(enc).dictionary) == 3


def check_dictionary(arr, dst):
    """The encoded array decodes to pyarrow's, with pyarrow's dictionary and indices."""
    try:
        want = pa.compute.cast(arr, dst)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as e:
        with pytest.raises((ValueError, NotImplementedError)):
            qc.cast(qv.array(arr), dst)
        return e
    got = pa.array(qc.cast(qv.array(arr), dst))
    assert got.type == want.type
    assert got.indices.to_pylist() == want.indices.to_pylist()
    assert got.dictionary.to_pylist() == want.dictionary.to_pylist()


# ---------------------------------------------------------------- nested

def random_lists(rng, t, n=80):
    vals = []
    for _ in range(n):
        if rng.random() < 0.15:
            vals.append(None)
        else:
            vals.append([None if rng.random() < 0.1 else rng.randint(-200, 200) for _ in range(rng.randint(0, 4))])
    return pa.array(vals, t)


@pytest.mark.parametrize("seed", SEEDS)
def test_list_casts(seed):
    rng = random.Random(seed)
    base = random_lists(rng, pa.list_(pa.int32()))
    for _, arr in variants(base):
        for src in [pa.list_(pa.int32()), pa.large_list(pa.int32())]:
            for dst in [pa.list_(pa.int64()), pa.list_(pa.int8()), pa.large_list(pa.string()),
                        pa.list_(pa.float64()), pa.list_(pa.field("x", pa.int16())), pa.list_(pa.int32(), 2),
                        pa.list_view(pa.int64()), pa.large_list_view(pa.string())]:
                for safe in (True, False):
                    check_nested(arr.cast(src), dst, safe)
    pairs = pa.array([None if rng.random() < 0.2 else [rng.randint(0, 9), rng.randint(0, 9)] for _ in range(50)],
                     pa.list_(pa.int32(), 2))
    for _, arr in variants(pairs):
        for dst in [pa.list_(pa.int64()), pa.large_list(pa.string()), pa.list_(pa.float64(), 2),
                    pa.list_(pa.float64(), 3), pa.list_view(pa.int8())]:
            check_nested(arr, dst, True)
    views = pa.ListViewArray.from_arrays(pa.array([2, 0, 0, 1]), pa.array([2, 2, 1, 0]), pa.array([10, 11, 12, 13]))
    check_nested(views, pa.list_(pa.int64()), True)
    check_nested(views.slice(1), pa.large_list_view(pa.string()), True)


def check_nested(arr, dst, safe):
    """cast agrees with pyarrow; where pyarrow has no kernel (list views) or a wrong one (list_view
    sources: pyarrow drops values), the oracle is the row-by-row Python value cast element-wise."""
    if pa.types.is_list_view(dst) or pa.types.is_large_list_view(dst) or pa.types.is_list_view(arr.type) or \
            pa.types.is_large_list_view(arr.type):
        item = dst.value_type
        try:
            want = pa.array([None if v is None else pa.array(v, arr.type.value_type).cast(item, safe=safe).to_pylist()
                             for v in arr.to_pylist()], pa.list_(item))
        except pa.ArrowInvalid:
            with pytest.raises(ValueError):
                qc.cast(qv.array(arr), dst, safe=safe)
            return
        got = pa.array(qc.cast(qv.array(arr), dst, safe=safe))
        assert got.type == dst
        assert got.to_pylist() == want.to_pylist()
        return
    check("cast", arr, dst, safe=safe)


@pytest.mark.parametrize("seed", SEEDS)
def test_struct_and_map_casts(seed):
    rng = random.Random(seed)
    n = 60
    a = pa.array([None if rng.random() < 0.1 else rng.randint(-300, 300) for _ in range(n)], pa.int32())
    b = pa.array([None if rng.random() < 0.1 else rng.choice(["x", "yy", ""]) for _ in range(n)])
    mask = pa.array([rng.random() < 0.15 for _ in range(n)])
    s = pa.StructArray.from_arrays([a, b], names=["a", "b"], mask=mask)
    for _, arr in variants(s):
        for dst in [pa.struct([("a", pa.int64()), ("b", pa.large_string())]), pa.struct([("a", pa.int8())]),
                    pa.struct([("b", pa.string())]), pa.struct([("b", pa.string()), ("a", pa.int32())]),
                    pa.struct([("a", pa.int32()), ("c", pa.string())]), pa.struct([("x", pa.int32())]),
                    pa.struct([pa.field("a", pa.int32(), nullable=False), ("b", pa.string())]),
                    pa.struct([("a", pa.int32()), pa.field("c", pa.string(), nullable=False)]), pa.struct([])]:
            for safe in (True, False):
                check("cast", arr, dst, safe=safe)
    m = pa.array([None if rng.random() < 0.15 else [(rng.choice("kjl"), rng.randint(-200, 200))
                                                     for _ in range(rng.randint(0, 3))] for _ in range(n)],
                 pa.map_(pa.string(), pa.int32()))
    for _, arr in variants(m):
        for dst in [pa.map_(pa.large_string(), pa.int64()), pa.map_(pa.string(), pa.int8()),
                    pa.list_(pa.struct([("key", pa.string()), ("value", pa.int32())])),
                    pa.list_(pa.struct([("k", pa.string()), ("v", pa.float64())]))]:
            check("cast", arr, dst)
    check("cast", pa.array([[{"key": "a", "value": 1}]], pa.list_(pa.struct([("key", pa.string()),
                                                                             ("value", pa.int32())]))),
          pa.map_(pa.string(), pa.int64()))


def test_fixed_size_binary_targets():
    for src in [pa.array(["a", None, "bcd"]), pa.array(["ab", None, "cd"], pa.string_view()),
                pa.array([b"a", None], pa.binary_view()), pa.array([b"ab", None], pa.binary(2)),
                pa.array([b"xy", b"zz"], pa.large_binary())]:
        for _, arr in variants(src):
            for dst in [pa.binary(2), pa.binary(1), pa.binary(3), pa.string(), pa.binary_view()]:
                check("cast", arr, dst)


# ---------------------------------------------------------------- float -> string

@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("src", [pa.float32(), pa.float64()], ids=str)
def test_floats_to_string_text(seed, src):
    """The text of every float equals pyarrow's cast: the shortest digits
    (as float32 for float32), plain notation for exponents in [-6, 10),
    'nan', 'inf', '-0'; random bit patterns, short decimals, and the edges."""
    rng = np.random.default_rng(seed)
    bits = rng.integers(0, 2**63, 3000, dtype=np.int64).view(np.float64)
    bits = np.where(rng.random(3000) < 0.5, -bits, bits)
    prices = np.round(rng.random(2000) * 1000, 2)
    scaled = rng.standard_normal(2000) * 10.0 ** rng.integers(-12, 12, 2000)
    edge = np.array([1e16, 1e-7, 0.1, np.nan, np.inf, -np.inf, -0.0, 0.0, 2.0**-24, 5e-324,
                     1.7976931348623157e308, 1e21, 1e22, 123456789.125, 9999999999.0, 1e10, 1e-6, 1.5e-7,
                     0.3, 2 / 3, 1e23, 9007199254740993.0, 3.4028234663852886e38, 1e-45])
    with np.errstate(over="ignore", invalid="ignore"):
        values = np.concatenate([edge, bits, prices, scaled]).astype(src.to_pandas_dtype())
    mask = rng.random(len(values)) < 0.05
    base = pa.array(values, src, mask=mask)
    for _, arr in variants(base):
        for dst in [pa.string(), pa.large_string()]:
            check("cast", arr, dst)
