"""quiver.compute's relational kernels against pyarrow.compute, the oracle.

Seeded random inputs of every type each kernel accepts, with nulls, sliced
(non-zero offsets), empty and all-null, plus the edge values (NaN, -0.0,
the integer extremes). quiver gets the same arrays through the Arrow C data
interface (zero-copy) and its answers come back as Python values.
"""
import math
import random
import warnings

import pyarrow as pa
import pyarrow.compute as pc
import pytest

import quiver as qv
import quiver.compute as qc

SEEDS = [1, 2, 3]

INT_TYPES = [pa.int8(), pa.int16(), pa.int32(), pa.int64(), pa.uint8(), pa.uint16(), pa.uint32(), pa.uint64()]
FLOAT_TYPES = [pa.float32(), pa.float64()]
HASHABLE = INT_TYPES + FLOAT_TYPES + [
    pa.bool_(), pa.string(), pa.large_string(), pa.binary(), pa.large_binary(), pa.string_view(),
    pa.date32(), pa.timestamp("us"), pa.timestamp("ms", "UTC"), pa.duration("s"), pa.time64("ns"),
    pa.decimal128(12, 3), pa.binary(3),
]
SORTABLE = INT_TYPES + FLOAT_TYPES + [
    pa.bool_(), pa.string(), pa.large_string(), pa.binary(), pa.string_view(), pa.date32(),
    pa.timestamp("us"), pa.decimal128(12, 3), pa.decimal256(40, 2),
]


def _random_value(rng, typ, pool):
    """A value of typ, drawn from a small pool so hashes and sorts see repeats."""
    if pool is not None and rng.random() < 0.7:
        return rng.choice(pool)
    if pa.types.is_boolean(typ):
        return rng.random() < 0.5
    if pa.types.is_integer(typ):
        info_bits = typ.bit_width
        if pa.types.is_signed_integer(typ):
            lo, hi = -(2 ** (info_bits - 1)), 2 ** (info_bits - 1) - 1
        else:
            lo, hi = 0, 2 ** info_bits - 1
        return rng.choice([lo, hi, 0, rng.randint(lo, hi), rng.randint(-50, 50) if lo < 0 else rng.randint(0, 50)])
    if pa.types.is_floating(typ):
        return rng.choice([math.nan, -0.0, 0.0, math.inf, -math.inf, rng.uniform(-100, 100), float(rng.randint(-5, 5))])
    if pa.types.is_fixed_size_binary(typ):
        return bytes(rng.randrange(3) for _ in range(typ.byte_width))
    if pa.types.is_binary(typ) or pa.types.is_large_binary(typ):
        return bytes(rng.randrange(256) for _ in range(rng.randint(0, 20)))
    if pa.types.is_string(typ) or pa.types.is_large_string(typ) or pa.types.is_string_view(typ):
        return "".join(rng.choice("abcxyzé") for _ in range(rng.randint(0, 18)))
    if pa.types.is_decimal(typ):
        import decimal
        return decimal.Decimal(rng.randint(-10 ** 8, 10 ** 8)).scaleb(-typ.scale)
    if pa.types.is_date32(typ):
        return rng.randint(-1000, 30000)
    if pa.types.is_time64(typ):  # whole microseconds: quiver's to_pylist refuses to drop nanoseconds
        return rng.randint(0, 86400 * 10 ** 6 - 1) * 1000
    if pa.types.is_timestamp(typ) or pa.types.is_duration(typ):
        return rng.randint(0, 10 ** 12)
    raise AssertionError(typ)


def random_array(rng, typ, n, null_p=0.2):
    pool = [_random_value(rng, typ, None) for _ in range(5)]
    values = [None if rng.random() < null_p else _random_value(rng, typ, pool) for _ in range(n)]
    if pa.types.is_date32(typ) or pa.types.is_timestamp(typ) or pa.types.is_duration(typ) or pa.types.is_time64(typ):
        storage = pa.int32() if pa.types.is_date32(typ) else pa.int64()
        return pa.array(values, storage).cast(typ)
    return pa.array(values, typ)


def variants(rng, typ):
    """(label, pyarrow array) inputs: random, sliced, empty, all-null."""
    base = random_array(rng, typ, 120)
    yield "random", base
    yield "sliced", base.slice(7, 90)
    yield "empty", random_array(rng, typ, 0)
    yield "all-null", pa.array([None] * 9, typ)


def same_values(a, b, zero_sign=True):
    """Lists equal, NaN equal to NaN and -0.0 told from 0.0 (unless not zero_sign)."""
    if len(a) != len(b):
        return False
    for x, y in zip(a, b):
        if isinstance(x, float) and isinstance(y, float):
            if math.isnan(x) and math.isnan(y):
                continue
            if x != y or (zero_sign and math.copysign(1, x) != math.copysign(1, y)):
                return False
        elif isinstance(x, dict) and isinstance(y, dict):
            if x.keys() != y.keys() or not all(same_values([x[k]], [y[k]]) for k in x):
                return False
        elif isinstance(x, list) and isinstance(y, list):
            if not same_values(x, y):
                return False
        elif x != y:
            return False
    return True


def q(arr):
    return qv.array(arr)


def oracle(arr):
    """What pyarrow computes on: string_view as string (pyarrow 26 has no
    string_view kernel for most of these functions, and reads a null
    string_view as '' in unique/value_counts)."""
    return arr.cast(pa.string()) if pa.types.is_string_view(arr.type) else arr


# ---------------------------------------------------------------- hashing

@pytest.mark.parametrize("typ", HASHABLE, ids=str)
@pytest.mark.parametrize("seed", SEEDS)
def test_unique_value_counts_count_distinct(typ, seed):
    rng = random.Random(seed)
    for label, arr in variants(rng, typ):
        got = qc.unique(q(arr)).to_pylist()
        want = pc.unique(oracle(arr)).to_pylist()
        assert same_values(got, want), (label, got, want)
        got_vc = qc.value_counts(q(arr)).to_pylist()
        want_vc = pc.value_counts(oracle(arr)).to_pylist()
        assert same_values(got_vc, want_vc), (label, got_vc, want_vc)
        for mode in ("only_valid", "only_null", "all"):
            assert qc.count_distinct(q(arr), mode=mode).as_py() == pc.count_distinct(oracle(arr), mode=mode).as_py(), \
                (label, mode)


@pytest.mark.parametrize("typ", HASHABLE, ids=str)
@pytest.mark.parametrize("seed", SEEDS)
def test_is_in_index_in(typ, seed):
    rng = random.Random(seed)
    for label, arr in variants(rng, typ):
        for value_set in (random_array(rng, typ, 6, 0.3), random_array(rng, typ, 0), arr.slice(0, 4)):
            for skip in (False, True):
                got = qc.is_in(q(arr), value_set=q(value_set), skip_nulls=skip).to_pylist()
                want = pc.is_in(oracle(arr), value_set=oracle(value_set), skip_nulls=skip).to_pylist()
                assert got == want, (label, skip)
                got = qc.index_in(q(arr), value_set=q(value_set), skip_nulls=skip).to_pylist()
                want = pc.index_in(oracle(arr), value_set=oracle(value_set), skip_nulls=skip).to_pylist()
                assert got == want, (label, skip)


def test_is_in_type_mismatch_is_a_type_error():
    with pytest.raises(TypeError):
        qc.is_in(qv.array([1, 2]), value_set=qv.array(["a"]))


# ---------------------------------------------------------------- sorting

@pytest.mark.parametrize("typ", SORTABLE, ids=str)
@pytest.mark.parametrize("seed", SEEDS)
def test_sort_indices_and_rank(typ, seed):
    rng = random.Random(seed)
    for label, arr in variants(rng, typ):
        for order in ("ascending", "descending"):
            for placement in ("at_start", "at_end"):
                got = qc.sort_indices(q(arr), order, null_placement=placement).to_pylist()
                want = pc.sort_indices(oracle(arr), sort_keys=[("x", order, placement)]).to_pylist()
                assert got == want, (label, order, placement)
                for tie in ("min", "max", "first", "dense"):
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore", FutureWarning)
                        want_rank = pc.rank(oracle(arr), order, null_placement=placement, tiebreaker=tie).to_pylist()
                    got_rank = qc.rank(q(arr), order, null_placement=placement, tiebreaker=tie).to_pylist()
                    assert got_rank == want_rank, (label, order, placement, tie)


@pytest.mark.parametrize("seed", SEEDS)
def test_sort_table_several_keys(seed):
    rng = random.Random(seed)
    n = 200
    t = pa.table({
        "a": random_array(rng, pa.int8(), n, 0.1),
        "b": random_array(rng, pa.string(), n, 0.2),
        "c": random_array(rng, pa.float64(), n, 0.2),
    })
    qt = qv.table(t)
    for keys in ([("a", "ascending"), ("b", "descending")],
                 [("c", "descending", "at_start"), ("a", "ascending", "at_end"), ("b", "ascending")],
                 [("b", "ascending", "at_start")]):
        want = pc.sort_indices(t, sort_keys=keys).to_pylist()
        got = qc.sort_indices(qt, sort_keys=keys).to_pylist()
        assert got == want, keys
        assert qt.sort_by(keys).to_pydict() == t.sort_by(keys).to_pydict() or \
            same_values(list(qt.sort_by(keys).to_pydict()["c"]), list(t.sort_by(keys).to_pydict()["c"]))


@pytest.mark.parametrize("typ", [pa.int64(), pa.float64(), pa.string()], ids=str)
def test_select_k_unstable_values(typ):
    rng = random.Random(5)
    arr = random_array(rng, typ, 300, 0.1)
    for k in (0, 1, 10, 400):
        for order in ("ascending", "descending"):
            want = pc.select_k_unstable(arr, k, sort_keys=[("x", order)])
            got = qc.select_k_unstable(q(arr), k, sort_keys=[("x", order)])
            # unstable: ties (-0.0 and 0.0 among them) may come in any order
            assert same_values(arr.take(pa.array(got)).to_pylist(), arr.take(want).to_pylist(), zero_sign=False), \
                (k, order)


# ---------------------------------------------------------------- aggregation

@pytest.mark.parametrize("typ", INT_TYPES + FLOAT_TYPES, ids=str)
@pytest.mark.parametrize("seed", SEEDS)
def test_scalar_aggregates(typ, seed):
    rng = random.Random(seed)
    for label, arr in variants(rng, typ):
        if pa.types.is_integer(typ):  # keep products and sums in range: small values
            arr = pa.array([None if v is None else v % 7 for v in arr.to_pylist()], typ)
        for name in ("min", "max", "mean", "variance", "stddev", "first", "last", "count"):
            got = getattr(qc, name)(q(arr)).as_py()
            want = getattr(pc, name)(arr).as_py()
            if isinstance(want, float) and got is not None:
                assert math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-9) or (math.isnan(got) and math.isnan(want)), \
                    (label, name, got, want)
            else:
                assert got == want, (label, name, got, want)
        got = qc.min_max(q(arr)).as_py()
        want = pc.min_max(arr).as_py()
        assert same_values([got], [want]), (label, got, want)
        got, want = qc.variance(q(arr), ddof=1).as_py(), pc.variance(arr, ddof=1).as_py()
        assert (got is None and want is None) or math.isclose(got, want, rel_tol=1e-9) or \
            (math.isnan(got) and math.isnan(want)), (label, got, want)
        if pa.types.is_integer(typ) and len(arr) - arr.null_count < 12:
            assert qc.product(q(arr)).as_py() == pc.product(arr).as_py(), label


@pytest.mark.parametrize("typ", [pa.date32(), pa.timestamp("us"), pa.timestamp("ms", "UTC"), pa.time64("ns"),
                                 pa.decimal128(12, 3), pa.string(), pa.large_binary(), pa.binary(3)], ids=str)
@pytest.mark.parametrize("seed", SEEDS)
def test_min_max_ordered_types(typ, seed):
    rng = random.Random(seed)
    for label, arr in variants(rng, typ):
        assert qc.min(q(arr)).as_py() == pc.min(arr).as_py(), label
        assert qc.max(q(arr)).as_py() == pc.max(arr).as_py(), label
        assert qc.min_max(q(arr)).as_py() == pc.min_max(arr).as_py(), label


# ---------------------------------------------------------------- group-by

GROUP_KEY_TYPES = [pa.int64(), pa.int8(), pa.uint32(), pa.string(), pa.large_binary(), pa.bool_(), pa.date32(),
                   pa.decimal128(12, 3), pa.float64(), pa.timestamp("us")]


def _canonical(d, key_names):
    """Rows sorted by their keys, and distinct lists sorted: pyarrow's group
    order (and the order inside its distinct lists) follows its hash
    table's internals, quiver's is first appearance."""
    names = list(d)
    rows = list(zip(*[d[n] for n in names]))
    rows.sort(key=lambda r: repr([r[names.index(k)] for k in key_names]))
    out = {n: [r[i] for r in rows] for i, n in enumerate(names)}
    for n in names:
        if n.endswith("_distinct") and not n.endswith("_count_distinct"):
            out[n] = [None if v is None else sorted(v, key=repr) for v in out[n]]
    return out


def compare_group_by(t, keys, aggs):
    key_names = [keys] if isinstance(keys, str) else list(keys)
    want = t.group_by(keys, use_threads=False).aggregate(aggs)
    got = qv.table(t).group_by(keys).aggregate(aggs)
    assert got.column_names == want.column_names
    gd, wd = _canonical(got.to_pydict(), key_names), _canonical(want.to_pydict(), key_names)
    for name in want.column_names:
        g, w = gd[name], wd[name]
        if name.endswith("_mean") or name.endswith("_sum") and pa.types.is_floating(want.schema.field(name).type):
            assert len(g) == len(w)
            for x, y in zip(g, w):
                assert (x is None and y is None) or math.isclose(x, y, rel_tol=1e-9) or \
                    (math.isnan(x) and math.isnan(y)), (name, g, w)
        else:
            assert same_values(g, w), (name, g, w)


@pytest.mark.parametrize("key_type", GROUP_KEY_TYPES, ids=str)
@pytest.mark.parametrize("seed", SEEDS)
def test_group_by_every_aggregate(key_type, seed):
    rng = random.Random(seed)
    n = 150
    t = pa.table({
        "k": random_array(rng, key_type, n, 0.15),
        "v": pa.array([None if rng.random() < 0.2 else rng.randint(-100, 100) for _ in range(n)], pa.int64()),
        "f": random_array(rng, pa.float64(), n, 0.2),
        "s": random_array(rng, pa.string(), n, 0.2),
    })
    aggs = [("v", "sum"), ("v", "min"), ("v", "max"), ("v", "mean"), ("v", "count"), ("v", "count_distinct"),
            ("v", "first"), ("v", "last"), ("v", "list"), ("v", "distinct"), ("f", "min"), ("f", "max"),
            ("s", "first"), ("s", "last"), ("s", "count_distinct"), ("s", "list"), ([], "count_all")]
    compare_group_by(t, "k", aggs)
    compare_group_by(t.slice(11, 100), "k", aggs)
    compare_group_by(t.slice(0, 0), "k", [("v", "sum"), ("v", "count")])


def test_group_by_two_keys_and_all_null():
    rng = random.Random(9)
    n = 200
    t = pa.table({
        "a": random_array(rng, pa.int16(), n, 0.2),
        "b": random_array(rng, pa.string(), n, 0.2),
        "v": random_array(rng, pa.float32(), n, 0.2),
        "z": pa.array([None] * n, pa.int32()),
    })
    compare_group_by(t, ["a", "b"], [("v", "min"), ("v", "max"), ("z", "sum"), ("z", "count"), ("z", "first")])
    compare_group_by(t, ["b", "a"], [("v", "count"), ([], "count_all")])


# ------------------------------------------- large inputs: folded, two-thread and radix paths

LARGE = 150_000  # above the row count from which quiver splits the work over two threads


def _large_keys(kind, n, seed):
    import numpy as np
    rng = np.random.default_rng(seed)
    nulls = rng.random(n) < 0.05
    if kind == "int64-small-range":  # directly indexed keys, negatives among them
        return pa.array(rng.integers(-300, 700, n), mask=nulls)
    if kind == "int64-wide":  # hashed keys
        return pa.array(rng.integers(-(2 ** 62), 2 ** 62, n) // 1000 * 1000 % (2 ** 40), pa.int64())
    if kind == "int8":
        return pa.array(rng.integers(-128, 128, n).astype(np.int8), mask=nulls)
    if kind == "string":
        pool = pa.array(["k%d" % i if i % 5 else "a key longer than sixteen bytes %d" % i for i in range(1000)])
        return pool.take(pa.array(rng.integers(0, 1000, n)))
    if kind == "string-nulls":
        pool = pa.array(["k%d" % i for i in range(1000)] + [None])
        return pool.take(pa.array(rng.integers(0, 1001, n)))
    if kind == "float64-nan":
        vals = rng.integers(0, 50, n).astype(np.float64)
        vals[rng.random(n) < 0.1] = np.nan
        vals[rng.random(n) < 0.05] = -0.0
        return pa.array(vals, mask=nulls)
    if kind == "one-group":
        return pa.array(np.full(n, 7, dtype=np.int64))
    if kind == "all-null":
        return pa.nulls(n, pa.int64())
    raise AssertionError(kind)


LARGE_KEY_KINDS = ["int64-small-range", "int64-wide", "int8", "string", "string-nulls", "float64-nan", "one-group",
                   "all-null"]


@pytest.mark.parametrize("kind", LARGE_KEY_KINDS)
def test_group_by_large_folded(kind):
    import numpy as np
    rng = np.random.default_rng(4)
    n = LARGE
    t = pa.table({
        "k": _large_keys(kind, n, 5),
        "v": pa.array(rng.integers(-1000, 1000, n), mask=rng.random(n) < 0.1),
        "f": pa.array(rng.integers(-50, 50, n).astype(np.float64)),
    })
    aggs = [("v", "sum"), ("v", "min"), ("v", "max"), ("v", "mean"), ("v", "count"), ("f", "sum"), ("f", "max"),
            ([], "count_all")]
    compare_group_by(t, "k", aggs)
    compare_group_by(t.slice(1001, n - 3000), "k", aggs)


def test_group_by_large_dictionary_keys():
    t = pa.table({"k": _large_keys("string-nulls", LARGE, 6).dictionary_encode(),
                  "v": pa.array(range(LARGE), pa.int64())})
    got = qv.table(t).group_by("k").aggregate([("v", "sum")])
    assert str(got.schema.field("k").type).startswith("dictionary"), got.schema  # the key keeps its type
    compare_group_by(t, "k", [("v", "sum"), ("v", "count")])
    compare_group_by(t, "k", [("v", "sum"), ("v", "first")])  # the row-by-row path too


@pytest.mark.parametrize("kind", ["int64-small-range", "int64-wide", "int8", "string-nulls", "float64-nan",
                                  "all-null"])
def test_sort_indices_large_radix(kind):
    arr = _large_keys(kind, LARGE, 8)
    if kind == "int64-wide":
        import numpy as np
        arr = pa.array(np.random.default_rng(3).integers(-(2 ** 63), 2 ** 63 - 1, LARGE, dtype=np.int64))
    for sub in (arr, arr.slice(17, LARGE - 40)):
        for order in ("ascending", "descending"):
            for placement in ("at_end", "at_start"):
                want = pc.sort_indices(sub, sort_keys=[("x", order, placement)]).to_pylist()
                got = qc.sort_indices(q(sub), order, null_placement=placement).to_pylist()
                assert got == want, (kind, order, placement)


# ---------------------------------------------------------------- selection

SELECT_TYPES = HASHABLE + [pa.list_(pa.int32()), pa.struct([("x", pa.int32()), ("y", pa.string())]),
                           pa.dictionary(pa.int8(), pa.string())]


def nested_array(rng, typ, n):
    if pa.types.is_list(typ):
        return pa.array([None if rng.random() < 0.2 else [rng.randint(0, 9) for _ in range(rng.randint(0, 3))]
                         for _ in range(n)], typ)
    if pa.types.is_struct(typ):
        return pa.array([None if rng.random() < 0.2 else {"x": rng.randint(0, 9), "y": rng.choice(["p", "q", None])}
                         for _ in range(n)], typ)
    return pa.array([None if rng.random() < 0.2 else rng.choice("abc") for _ in range(n)]).dictionary_encode()


@pytest.mark.parametrize("typ", SELECT_TYPES, ids=str)
@pytest.mark.parametrize("seed", SEEDS)
def test_take_filter_every_type(typ, seed):
    rng = random.Random(seed)
    n = 80
    arr = nested_array(rng, typ, n) if pa.types.is_nested(typ) or pa.types.is_dictionary(typ) \
        else random_array(rng, typ, n)
    arr = arr.slice(3, 70)
    idx = pa.array([None if rng.random() < 0.1 else rng.randrange(len(arr)) for _ in range(50)], pa.int64())
    mask = pa.array([None if rng.random() < 0.1 else rng.random() < 0.5 for _ in range(len(arr))])
    assert same_values(qc.take(q(arr), q(idx)).to_pylist(), pc.take(oracle(arr), idx).to_pylist())
    for behaviour in ("drop", "emit_null"):
        got = qc.filter(q(arr), q(mask), null_selection_behavior=behaviour).to_pylist()
        want = pc.filter(oracle(arr), mask, null_selection_behavior=behaviour).to_pylist()
        assert same_values(got, want), behaviour
    with pytest.raises(IndexError):
        qc.take(q(arr), qv.array([0, len(arr)]))


def test_table_filter_take():
    t = pa.table({"a": [1, 2, None, 4], "b": ["w", None, "y", "z"]})
    qt = qv.table(t)
    mask = pa.array([True, None, False, True])
    assert qt.filter(q(mask)).to_pydict() == t.filter(mask).to_pydict()
    assert qt.take([3, 0]).to_pydict() == t.take([3, 0]).to_pydict()
