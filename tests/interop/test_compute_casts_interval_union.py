"""quiver.compute.cast of intervals and unions against pyarrow.compute.cast.

pyarrow casts a month_day_nano interval or a union only to its own type
(and null to an interval, but not to a union, a run-end encoded array or a
list view); every other pair is ArrowNotImplementedError. quiver must give
the same array where pyarrow gives one and refuse where pyarrow refuses,
for top-level and nested (list, struct, dictionary) forms, sliced, empty
and all-null inputs. Two differences are left (docs/compute.md): pyarrow
casts an empty list, struct or dictionary array even when its values' cast
is unsupported, where quiver refuses the pair whatever the length; and a
dictionary whose values cannot be cast is ArrowInvalid in pyarrow,
ArrowNotImplementedError in quiver. (pyarrow has no month or day_time interval type in
Python, so those have no oracle here.)
"""
import random

import pyarrow as pa
import pyarrow.compute as pc
import pytest

import quiver as qv
import quiver.compute as qc
from test_compute_elementwise import check, variants

SEEDS = [1, 2]
MDN = pa.month_day_nano_interval()


def random_mdn(rng, n=60):
    return pa.array([None if rng.random() < 0.15 else
                     pa.MonthDayNano([rng.randint(-500, 500), rng.randint(-40, 40), rng.randint(-10**15, 10**15)])
                     for _ in range(n)], MDN)


def random_sparse(rng, n=60):
    codes = pa.array([rng.randrange(2) for _ in range(n)], pa.int8())
    ints = pa.array([None if rng.random() < 0.2 else rng.randint(-99, 99) for _ in range(n)], pa.int32())
    strs = pa.array([None if rng.random() < 0.2 else "s%d" % rng.randrange(1000) for _ in range(n)])
    return pa.UnionArray.from_sparse(codes, [ints, strs], ["i", "s"])


def random_dense(rng, n=60):
    codes = [rng.randrange(2) for _ in range(n)]
    ints = pa.array([None if rng.random() < 0.2 else rng.randint(-99, 99) for c in codes if c == 0], pa.int32())
    strs = pa.array([None if rng.random() < 0.2 else "s%d" % rng.randrange(1000) for c in codes if c == 1])
    seen = [0, 0]
    offsets = []
    for c in codes:
        offsets.append(seen[c])
        seen[c] += 1
    return pa.UnionArray.from_dense(pa.array(codes, pa.int8()), pa.array(offsets, pa.int32()), [ints, strs], ["i", "s"])


def targets_for(t):
    """The source's own type, near misses of it, and unrelated types."""
    out = [t, pa.int64(), pa.int32(), pa.float64(), pa.string(), pa.large_string(), pa.binary(), pa.bool_(),
           pa.duration("ns"), pa.struct([("i", pa.int32())]), pa.list_(pa.int32()), MDN,
           pa.sparse_union([pa.field("i", pa.int32()), pa.field("s", pa.string())]),
           pa.dense_union([pa.field("i", pa.int32()), pa.field("s", pa.string())]),
           pa.sparse_union([pa.field("i", pa.int64()), pa.field("s", pa.large_string())]),
           pa.dense_union([pa.field("x", pa.int32()), pa.field("y", pa.string())])]
    return out


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("kind", ["mdn", "sparse", "dense"])
def test_interval_and_union_sources(seed, kind):
    rng = random.Random(seed)
    base = {"mdn": random_mdn, "sparse": random_sparse, "dense": random_dense}[kind](rng)
    for name, arr in variants(base):
        if name == "allnull" and kind != "mdn":
            continue  # pyarrow builds no all-null union with pa.nulls
        for dst in targets_for(base.type):
            for safe in (True, False):
                check("cast", arr, dst, safe=safe)


@pytest.mark.parametrize("seed", SEEDS)
def test_nested_intervals_and_unions(seed):
    rng = random.Random(seed)
    mdn = random_mdn(rng, 40)
    offsets = pa.array([0, 3, 3, 10, 25, 40], pa.int32())
    lists = pa.ListArray.from_arrays(offsets, mdn)
    union_lists = pa.ListArray.from_arrays(offsets, random_sparse(rng, 40))
    structs = pa.StructArray.from_arrays([mdn, random_dense(rng, 40)], ["m", "u"])
    dict_mdn = pa.DictionaryArray.from_arrays(pa.array([0, 2, None, 1, 0], pa.int8()), mdn.slice(0, 3))
    cases = [
        (lists, [pa.large_list(MDN), pa.list_(MDN), pa.list_(pa.int64()), pa.large_list(pa.string())]),
        (union_lists, [pa.large_list(union_lists.type.value_type), pa.list_(pa.int32())]),
        (structs, [structs.type, pa.struct([("m", MDN), ("u", pa.int32())]),
                   pa.struct([("m", pa.string()), ("u", structs.type.field("u").type)])]),
        (dict_mdn, [MDN, pa.dictionary(pa.int16(), MDN)]),
    ]
    for arr, dsts in cases:
        for name, v in variants(arr):
            if name == "empty":
                continue  # pyarrow casts any empty list, struct or dictionary (docs/compute.md)
            for dst in dsts:
                check("cast", v, dst)


def test_dictionary_of_intervals_to_unsupported_refused():
    """pyarrow says ArrowInvalid ("incompatible with dictionary type") where
    quiver says ArrowNotImplementedError: both refuse (docs/compute.md)."""
    mdn = random_mdn(random.Random(3), 10)
    arr = pa.DictionaryArray.from_arrays(pa.array([0, 2, None, 1, 0], pa.int8()), mdn.slice(0, 3))
    for dst in (pa.string(), pa.int64(), pa.binary()):
        with pytest.raises(pa.ArrowInvalid):
            pc.cast(arr, dst)
        with pytest.raises(NotImplementedError):
            qc.cast(qv.array(arr), dst)


@pytest.mark.parametrize("dst", [MDN, pa.sparse_union([pa.field("i", pa.int32())]),
                                 pa.dense_union([pa.field("i", pa.int32())]),
                                 pa.run_end_encoded(pa.int32(), pa.int8()), pa.list_view(pa.int8()),
                                 pa.large_list_view(pa.int8()), pa.list_(pa.sparse_union([pa.field("i", pa.int32())]))],
                         ids=str)
def test_null_to_interval_union_and_views(dst):
    for n in (0, 3):
        check("cast", pa.nulls(n), dst)
