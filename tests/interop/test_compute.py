"""quiver's compute kernels against pyarrow.compute, the oracle.

Each case writes a seeded random table as an IPC stream (with several
batches, so quiver sees a chunked column), runs one kernel through the C
driver tests/interop/qv_compute_driver.c (built by CMake beside the tests),
reads its IPC output back and compares with pyarrow.compute on the same
rows. --slice makes quiver's kernels see arrays with non-zero offsets.
"""
import math
import os
import random
import subprocess

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.ipc as ipc
import pytest

from ipc_support import build_dir

NUMERIC = [pa.int8(), pa.int16(), pa.int32(), pa.int64(),
           pa.uint8(), pa.uint16(), pa.uint32(), pa.uint64(),
           pa.float32(), pa.float64()]
SEEDS = [1, 2, 3, 4]
LENGTHS = [0, 1, 7, 64, 65, 300, 1000]


def driver():
    exe = build_dir() / "qv_compute_driver"
    if not exe.exists():
        pytest.fail(f"{exe} not found: build quiver first (make build) or set QV_BUILD_DIR")
    return exe


def write_table(path, table, max_chunksize=None):
    with ipc.new_stream(str(path), table.schema) as w:
        w.write_table(table, max_chunksize=max_chunksize)


def run(args, expect_ok=True):
    proc = subprocess.run([str(driver()), *map(str, args)], capture_output=True, text=True, timeout=60)
    if expect_ok and proc.returncode != 0:
        raise AssertionError(f"{' '.join(map(str, args))}: {proc.stderr}")
    return proc


def read_table(path):
    with ipc.open_stream(str(path)) as r:
        return r.read_all()


def random_values(rng, typ, n, null_p):
    """n random Python values of `typ`, some None; small enough that int64
    sums do not overflow (pyarrow's sum wraps where quiver reports)."""
    out = []
    for _ in range(n):
        if rng.random() < null_p:
            out.append(None)
        elif pa.types.is_boolean(typ):
            out.append(rng.random() < 0.5)
        elif pa.types.is_floating(typ):
            r = rng.random()
            if r < 0.03:
                out.append(float("nan"))
            elif r < 0.05:
                out.append(rng.choice([0.0, -0.0, float("inf"), float("-inf")]))
            else:
                out.append(rng.uniform(-1e6, 1e6))
        else:
            info_bits = typ.bit_width
            if pa.types.is_signed_integer(typ):
                lo, hi = -(1 << (info_bits - 1)), (1 << (info_bits - 1)) - 1
                if info_bits == 64:
                    lo, hi = -(1 << 50), 1 << 50
            else:
                lo, hi = 0, (1 << info_bits) - 1
                if info_bits == 64:
                    hi = 1 << 52
            out.append(rng.choice([lo, hi]) if rng.random() < 0.05 else rng.randint(lo, hi))
    return out


def same_value(got, want, approx):
    if want is None or got is None:
        return got is None and want is None
    if isinstance(want, float):
        if math.isnan(want):
            return math.isnan(got)
        if approx:
            return math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-6)
    return got == want


def oracle(kernel, col):
    if kernel == "min_max":
        r = pc.min_max(col)
        return {"min": r["min"], "max": r["max"]}
    if kernel.startswith("count_"):
        mode = {"count_valid": "only_valid", "count_null": "only_null", "count_all": "all"}[kernel]
        return {"result": pc.count(col, mode=mode)}
    return {"result": getattr(pc, kernel)(col)}


def check_aggregate(tmp_path, kernel, table, slice_=None):
    src, out = tmp_path / "in.arrows", tmp_path / "out.arrows"
    write_table(src, table, max_chunksize=97)
    args = [kernel, src, out]
    rows = table
    if slice_ is not None:
        args += ["--slice", slice_[0], slice_[1]]
        rows = table.slice(slice_[0], slice_[1])
    run(args)
    got = read_table(out)
    for name, want in oracle(kernel, rows.column(0)).items():
        g = got.column(name)[0]
        approx = kernel in ("sum", "mean")
        assert same_value(g.as_py(), want.as_py(), approx), (kernel, name, g, want, rows.column(0).type)
        if not (kernel == "sum" and pa.types.is_floating(rows.column(0).type)):
            assert g.type == want.type, (kernel, name, g.type, want.type)


@pytest.mark.parametrize("typ", NUMERIC, ids=str)
@pytest.mark.parametrize("kernel", ["sum", "mean", "min", "max", "min_max", "count_valid", "count_null", "count_all"])
def test_numeric_aggregates_match_pyarrow(tmp_path, typ, kernel):
    for seed in SEEDS:
        rng = random.Random(seed * 1000 + typ.bit_width)
        for n in LENGTHS:
            null_p = rng.choice([0.0, 0.2, 1.0])
            table = pa.table({"x": pa.array(random_values(rng, typ, n, null_p), typ)})
            check_aggregate(tmp_path, kernel, table)
            if n > 10:
                check_aggregate(tmp_path, kernel, table, slice_=(rng.randint(1, 9), n - 10))


@pytest.mark.parametrize("kernel", ["sum", "mean", "min", "max", "min_max", "any", "all", "count_valid", "count_null"])
def test_bool_aggregates_match_pyarrow(tmp_path, kernel):
    for seed in SEEDS:
        rng = random.Random(seed)
        for n in LENGTHS:
            null_p = rng.choice([0.0, 0.3, 1.0])
            table = pa.table({"x": pa.array(random_values(rng, pa.bool_(), n, null_p), pa.bool_())})
            check_aggregate(tmp_path, kernel, table)
            if n > 10:
                check_aggregate(tmp_path, kernel, table, slice_=(3, n - 5))


def test_int64_sum_overflow_is_an_error_naming_the_row(tmp_path):
    src, out = tmp_path / "in.arrows", tmp_path / "out.arrows"
    values = [1, 2**62, 2**62, 5]
    write_table(src, pa.table({"x": pa.array(values, pa.int64())}))
    proc = run(["sum", src, out], expect_ok=False)
    assert proc.returncode == 1
    assert "QV_ERR_OVERFLOW" in proc.stderr and "row 2" in proc.stderr
    assert sum(values) > 2**63 - 1  # the exact sum indeed does not fit


SELECTION_TYPES = {
    "int32": pa.int32(),
    "float64": pa.float64(),
    "bool": pa.bool_(),
    "string": pa.string(),
    "large_binary": pa.large_binary(),
    "timestamp": pa.timestamp("us", "UTC"),
    "decimal128": pa.decimal128(20, 3),
    "fixed_size_binary": pa.binary(3),
    "list": pa.list_(pa.int32()),
    "large_list": pa.large_list(pa.string()),
    "struct": pa.struct([("a", pa.int16()), ("b", pa.string())]),
}


def same_table(got, want):
    """Equal schemas and values, NaN equal to NaN (Table.equals says a NaN
    differs from itself, and random floats include NaNs)."""
    def plain(v):
        return "NaN" if isinstance(v, float) and math.isnan(v) else v
    assert got.schema.equals(want.schema), (got.schema, want.schema)
    assert got.num_rows == want.num_rows
    for name in want.column_names:
        g = [plain(v) for v in got.column(name).to_pylist()]
        w = [plain(v) for v in want.column(name).to_pylist()]
        assert g == w, name
    return True


def random_of(rng, name, typ):
    if name in ("int32", "float64", "bool"):
        return random_values(rng, typ, 1, 0.0)[0]
    if name == "string":
        return "".join(rng.choice("abcé") for _ in range(rng.randint(0, 6)))
    if name == "large_binary":
        return bytes(rng.randint(0, 255) for _ in range(rng.randint(0, 5)))
    if name == "timestamp":
        return rng.randint(-10**15, 10**15)
    if name == "decimal128":
        import decimal
        return decimal.Decimal(rng.randint(-10**15, 10**15)).scaleb(-3)
    if name == "fixed_size_binary":
        return bytes(rng.randint(0, 255) for _ in range(3))
    if name == "list":
        return [rng.randint(-5, 5) if rng.random() > 0.1 else None for _ in range(rng.randint(0, 4))]
    if name == "large_list":
        return [rng.choice(["x", "yy", None]) for _ in range(rng.randint(0, 3))]
    return {"a": rng.randint(-100, 100), "b": rng.choice(["p", "q", None])}


def random_table(rng, n):
    cols = {}
    for name, typ in SELECTION_TYPES.items():
        vals = [None if rng.random() < 0.2 else random_of(rng, name, typ) for _ in range(n)]
        cols[name] = pa.array(vals, typ)
    words = pa.array([rng.choice(["red", "green", None, "blue"]) for _ in range(n)], pa.string())
    cols["dictionary"] = words.dictionary_encode()
    return pa.table(cols)


@pytest.mark.parametrize("seed", SEEDS)
def test_take_matches_pyarrow(tmp_path, seed):
    rng = random.Random(seed)
    src, arg, out = tmp_path / "in.arrows", tmp_path / "idx.arrows", tmp_path / "out.arrows"
    for n in [0, 1, 40, 200]:
        table = random_table(rng, n)
        write_table(src, table, max_chunksize=33)
        for sliced in (False, True):
            rows = table.slice(5, n - 10) if sliced and n > 10 else table
            m = rows.num_rows
            k = rng.randint(0, 2 * m + 1)
            idx_type = rng.choice([pa.int32(), pa.int64()])
            indices = pa.array([None if rng.random() < 0.1 else rng.randrange(m) for _ in range(k)] if m else [],
                               idx_type)
            write_table(arg, pa.table({"i": indices}))
            args = ["take", src, arg, out] + (["--slice", 5, n - 10] if rows is not table else [])
            run(args)
            assert same_table(read_table(out), rows.take(indices)), (seed, n, sliced)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("nulls", ["drop", "emit_null"])
def test_filter_matches_pyarrow(tmp_path, seed, nulls):
    rng = random.Random(seed)
    src, arg, out = tmp_path / "in.arrows", tmp_path / "mask.arrows", tmp_path / "out.arrows"
    for n in [0, 1, 40, 200]:
        table = random_table(rng, n)
        write_table(src, table, max_chunksize=33)
        for sliced in (False, True):
            rows = table.slice(3, n - 7) if sliced and n > 7 else table
            p = rng.choice([0.01, 0.5, 0.99])
            mask = pa.array([None if rng.random() < 0.1 else rng.random() < p for _ in range(rows.num_rows)], pa.bool_())
            write_table(arg, pa.table({"m": mask}))
            args = ["filter", src, arg, out] + (["--slice", 3, n - 7] if rows is not table else [])
            if nulls == "emit_null":
                args.append("--emit-null")
            run(args)
            want = pc.filter(rows, mask, null_selection_behavior=nulls)
            assert same_table(read_table(out), want), (seed, n, sliced)


def test_take_out_of_range_names_the_row(tmp_path):
    src, arg, out = tmp_path / "in.arrows", tmp_path / "idx.arrows", tmp_path / "out.arrows"
    write_table(src, pa.table({"x": pa.array([1, 2, 3], pa.int32())}))
    write_table(arg, pa.table({"i": pa.array([0, 2, 3], pa.int64())}))
    proc = run(["take", src, arg, out], expect_ok=False)
    assert proc.returncode == 1
    assert "QV_ERR_OUT_OF_RANGE" in proc.stderr and "row 2" in proc.stderr
    with pytest.raises(IndexError):
        pa.table({"x": pa.array([1, 2, 3], pa.int32())}).take(pa.array([0, 2, 3]))


SORT_TYPES = NUMERIC + [pa.string(), pa.large_binary()]  # pyarrow cannot sort views


def random_keys(rng, typ, n):
    if pa.types.is_string(typ):
        return [None if rng.random() < 0.15 else "".join(rng.choice("abé") for _ in range(rng.randint(0, 4)))
                for _ in range(n)]
    if pa.types.is_large_binary(typ):
        return [None if rng.random() < 0.15 else bytes(rng.choice(b"\x00a\xff") for _ in range(rng.randint(0, 3)))
                for _ in range(n)]
    # few distinct values, so stability is exercised
    vals = random_values(rng, typ, n, 0.15)
    return [v if v is None or rng.random() < 0.5 else (vals[0] if vals and vals[0] is not None else v) for v in vals]


@pytest.mark.parametrize("typ", SORT_TYPES, ids=str)
def test_sort_indices_matches_pyarrow(tmp_path, typ):
    src, out = tmp_path / "in.arrows", tmp_path / "out.arrows"
    for seed in SEEDS:
        rng = random.Random(seed)
        for n in [0, 1, 30, 300]:
            table = pa.table({"x": pa.array(random_keys(rng, typ, n), typ)})
            write_table(src, table, max_chunksize=64)
            for order in ("ascending", "descending"):
                for placement in ("at_end", "at_start"):
                    args = ["sort_indices", src, out]
                    rows = table
                    if n > 10:
                        args += ["--slice", 4, n - 8]
                        rows = table.slice(4, n - 8)
                    if order == "descending":
                        args.append("--descending")
                    if placement == "at_start":
                        args.append("--nulls-first")
                    run(args)
                    got = read_table(out).column("indices")
                    want = pc.sort_indices(rows.column(0), sort_keys=[("x", order, placement)])
                    assert got.type == pa.uint64()
                    assert got.to_pylist() == want.to_pylist(), (seed, n, order, placement)


ELEMENTWISE = ["equal", "not_equal", "less", "less_equal", "greater", "greater_equal",
               "add", "subtract", "multiply", "add_checked", "subtract_checked", "multiply_checked"]


def full_range_values(rng, typ, n, null_p):
    """Values anywhere in the type's range (arithmetic wraps and overflows)."""
    if pa.types.is_floating(typ):
        return random_values(rng, typ, n, null_p)
    bits = typ.bit_width
    lo, hi = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if pa.types.is_signed_integer(typ) else (0, (1 << bits) - 1)
    small = rng.random() < 0.5  # half the cases stay small, so checked kernels also succeed
    out = []
    for _ in range(n):
        if rng.random() < null_p:
            out.append(None)
        elif small:
            out.append(rng.randint(max(lo, -20), min(hi, 20)))
        else:
            out.append(rng.choice([lo, hi, rng.randint(lo, hi)]))
    return out


def plain_list(arr):
    return ["NaN" if isinstance(v, float) and math.isnan(v) else v for v in arr.to_pylist()]


@pytest.mark.parametrize("typ", NUMERIC, ids=str)
@pytest.mark.parametrize("name", ELEMENTWISE)
def test_elementwise_matches_pyarrow(tmp_path, typ, name):
    src, out = tmp_path / "in.arrows", tmp_path / "out.arrows"
    for seed in SEEDS:
        rng = random.Random(seed * 7 + typ.bit_width)
        n = rng.choice([0, 5, 70, 200])
        left = pa.array(full_range_values(rng, typ, n, 0.15), typ)
        right = pa.array(full_range_values(rng, typ, n, 0.15), typ)
        table = pa.table({"l": left, "r": right})
        write_table(src, table, max_chunksize=50)
        scalar = full_range_values(rng, typ, 1, 0.0)[0]
        for form in ("array", "scalar", "sliced"):
            args = ["elementwise", name, src, out]
            l, r = left, right
            if form == "scalar":
                if isinstance(scalar, float) and not math.isfinite(scalar):
                    continue
                args += ["--scalar", repr(scalar)]
                r = pa.scalar(scalar, typ)
            elif form == "sliced":
                if n < 10:
                    continue
                args += ["--slice", 3, n - 6]
                l, r = left.slice(3, n - 6), right.slice(3, n - 6)
            try:
                want = getattr(pc, name)(l, r)
            except pa.ArrowInvalid as e:
                assert "overflow" in str(e)
                proc = run(args, expect_ok=False)
                assert proc.returncode == 1 and "QV_ERR_OVERFLOW" in proc.stderr and "row" in proc.stderr, proc.stderr
                continue
            run(args)
            got = read_table(out).column("result")
            assert got.type == want.type, (got.type, want.type)
            assert plain_list(got) == plain_list(want), (seed, form)


def encoded_table(rng, n):
    """Layouts pyarrow.compute cannot take or filter itself (string_view,
    dense union, run-end encoded): checked against Python lists instead."""
    words = [None if rng.random() < 0.2 else "w" * rng.randint(0, 20) for _ in range(n)]
    codes = [rng.randint(0, 1) for _ in range(n)]
    ints = [rng.randint(-9, 9) for _ in range(n)]
    strs = [rng.choice(["p", "qq"]) for _ in range(n)]
    offsets = list(range(n))
    union = pa.UnionArray.from_dense(pa.array(codes, pa.int8()), pa.array(offsets, pa.int32()),
                                     [pa.array(ints, pa.int32()), pa.array(strs, pa.string())], ["i", "s"])
    run_values = [rng.choice([1, 2, None]) for _ in range(n)]
    ends = sorted(set(rng.randint(1, n) for _ in range(max(n // 4, 1))) | {n}) if n else []
    ree = pa.RunEndEncodedArray.from_arrays(pa.array(ends, pa.int32()),
                                            pa.array([run_values[e - 1] for e in ends], pa.int64()))
    return pa.table({"view": pa.array(words, pa.string_view()), "union": union, "ree": ree})


@pytest.mark.parametrize("seed", SEEDS)
def test_take_and_filter_views_unions_run_ends(tmp_path, seed):
    rng = random.Random(seed)
    src, arg, out = tmp_path / "in.arrows", tmp_path / "arg.arrows", tmp_path / "out.arrows"
    for n in [0, 1, 50]:
        table = encoded_table(rng, n)
        write_table(src, table)
        cols = {name: table.column(name).to_pylist() for name in table.column_names}
        indices = [None if rng.random() < 0.1 else rng.randrange(n) for _ in range(rng.randint(0, 2 * n))] if n else []
        write_table(arg, pa.table({"i": pa.array(indices, pa.int64())}))
        run(["take", src, arg, out])
        got = read_table(out)
        assert got.schema.equals(table.schema)
        for name, vals in cols.items():
            assert got.column(name).to_pylist() == [None if i is None else vals[i] for i in indices], name
        mask = [None if rng.random() < 0.1 else rng.random() < 0.5 for _ in range(n)]
        write_table(arg, pa.table({"m": pa.array(mask, pa.bool_())}))
        run(["filter", src, arg, out, "--emit-null"])
        got = read_table(out)
        for name, vals in cols.items():
            want = [None if m is None else v for v, m in zip(vals, mask) if m is None or m]
            assert got.column(name).to_pylist() == want, name
