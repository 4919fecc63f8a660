"""Support for the IPC interop tests (tests/interop/test_ipc_*.py).

quiver is driven from Python through a small C program,
tests/interop/qv_ipc_roundtrip.c, compiled once per test session against
the static library of the build under test ($QV_BUILD_DIR, default
build/release). It reads a stream, a file or an integration JSON file and
writes a stream, a file or JSON, with quiver's writer options and with
zero-copy slicing (which the `quiver` command-line tool does not expose).
When the command-line tool has been built ($QV_BUILD_DIR/tools/quiver),
`quiver convert` is tested too.

pyarrow is the oracle: what quiver writes must read back in pyarrow equal to
what pyarrow itself reads from the same input, and pass
`validate(full=True)`.
"""
import atexit
import decimal
import functools
import os
import pathlib
import shutil
import subprocess
import tempfile

import numpy as np
import pyarrow as pa
import pyarrow.ipc as ipc
import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
INTEROP = REPO / "tests" / "interop"


def build_dir():
    return pathlib.Path(os.environ.get("QV_BUILD_DIR") or REPO / "build" / "release")


def arrow_testing():
    """The arrow-testing checkout: $QV_ARROW_TESTING or ../shared/arrow-testing.
    Set but missing fails (as the C conformance tests do); unset and missing
    skips."""
    env = os.environ.get("QV_ARROW_TESTING")
    path = pathlib.Path(env) if env else (REPO / ".." / "shared" / "arrow-testing").resolve()
    if not path.is_dir():
        if env:
            pytest.fail(f"QV_ARROW_TESTING={env} is set but is not a directory")
        pytest.skip(f"arrow-testing not found at {path} (set QV_ARROW_TESTING)")
    return path


GOLD_SUBDIR = pathlib.Path("data") / "arrow-ipc-stream" / "integration"


def gold_cases():
    """(dir, case) for every gold `generated_<case>.json.gz` that has an
    `.arrow_file` beside it, at collection time. Empty when the data is
    absent (the test that needs it then skips or fails in arrow_testing())."""
    env = os.environ.get("QV_ARROW_TESTING")
    root = pathlib.Path(env) if env else (REPO / ".." / "shared" / "arrow-testing").resolve()
    base = root / GOLD_SUBDIR
    out = []
    if not base.is_dir():
        return out
    for d in sorted(p for p in base.iterdir() if p.is_dir()):
        for j in sorted(d.glob("generated_*.json.gz")):
            case = j.name[len("generated_"):-len(".json.gz")]
            if (d / f"generated_{case}.arrow_file").exists():
                out.append((d.name, case))
    return out


def gold_paths(dirname, case):
    d = arrow_testing() / GOLD_SUBDIR / dirname
    return {
        "json": d / f"generated_{case}.json.gz",
        "file": d / f"generated_{case}.arrow_file",
        "stream": d / f"generated_{case}.stream",
    }


class QuiverError(AssertionError):
    """quiver refused an input or failed to write; the message holds the
    command line and quiver's own diagnosis."""


@functools.lru_cache(maxsize=None)
def roundtrip_tool():
    """Path of the compiled qv_ipc_roundtrip (built once per session)."""
    lib = build_dir() / "libquiver.a"
    if not lib.exists():
        pytest.fail(f"{lib} not found: build quiver first (make build) or set QV_BUILD_DIR")
    cc = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
    if not cc:
        pytest.fail("no C compiler (cc) to build tests/interop/qv_ipc_roundtrip.c")
    out_dir = pathlib.Path(tempfile.mkdtemp(prefix="qv-ipc-interop-"))
    atexit.register(shutil.rmtree, out_dir, True)
    exe = out_dir / "qv_ipc_roundtrip"
    # A sanitizer build of the library (cmake -DQV_SANITIZE=ON) needs the
    # same flags at link time; every run then also checks quiver for memory
    # errors and leaks on these inputs.
    cache = build_dir() / "CMakeCache.txt"
    sanitize = cache.exists() and "QV_SANITIZE:BOOL=ON" in cache.read_text(errors="replace")
    san = ["-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-fno-omit-frame-pointer"] if sanitize else []
    cmd = [cc, "-std=c11", "-D_GNU_SOURCE", "-O1", "-g", "-Wall", "-Wextra", "-Werror", *san,
           f"-I{REPO / 'include'}", str(INTEROP / "qv_ipc_roundtrip.c"), str(lib),
           "-llz4", "-lzstd", "-ljansson", "-lz", "-lm", "-lpthread", "-o", str(exe)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.fail("compiling qv_ipc_roundtrip failed:\n" + " ".join(cmd) + "\n" + proc.stderr)
    return exe


def cli_tool():
    """The `quiver` command-line tool if it has been built, else None."""
    exe = build_dir() / "tools" / "quiver"
    return exe if exe.exists() and os.access(exe, os.X_OK) else None


def run_quiver(src, dst, to="stream", compression=None, alignment=None, slice_=None, chunk=None,
               no_deltas=False, legacy=False, full_validation=False, expect_ok=True):
    """Runs qv_ipc_roundtrip SRC DST with the given options. Raises
    QuiverError (naming the input and quiver's message) when it fails and
    expect_ok; returns the CompletedProcess."""
    cmd = [str(roundtrip_tool()), str(src), str(dst), "--to", to]
    if compression:
        cmd += ["--compression", compression]
    if alignment:
        cmd += ["--alignment", str(alignment)]
    if slice_ is not None:
        cmd += ["--slice", str(slice_[0]), str(slice_[1])]
    if chunk:
        cmd += ["--chunk", str(chunk)]
    if no_deltas:
        cmd.append("--no-deltas")
    if legacy:
        cmd.append("--legacy")
    if full_validation:
        cmd.append("--full-validation")
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if expect_ok and proc.returncode != 0:
        raise QuiverError(f"quiver failed (exit {proc.returncode}) on {src}:\n  {' '.join(cmd)}\n  "
                          + proc.stderr.strip())
    return proc


def run_cli_convert(src, dst, to="stream", compression=None, expect_ok=True):
    """`quiver convert SRC DST --to TO [--compression C]` with the built CLI."""
    exe = cli_tool()
    cmd = [str(exe), "convert", str(src), str(dst), "--to", to]
    if compression:
        cmd += ["--compression", compression]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if expect_ok and proc.returncode != 0:
        raise QuiverError(f"quiver convert failed (exit {proc.returncode}) on {src}:\n  {' '.join(cmd)}\n  "
                          + (proc.stderr.strip() or proc.stdout.strip()))
    return proc


# ---------------------------------------------------------------- pyarrow side

def write_pa(table, path, fmt="stream", compression=None, deltas=False, batches=None):
    """Writes `table` (or the given record batches) with pyarrow."""
    opts = ipc.IpcWriteOptions(compression=compression, emit_dictionary_deltas=deltas)
    new = ipc.new_stream if fmt == "stream" else ipc.new_file
    schema = table.schema if table is not None else batches[0].schema
    with new(str(path), schema, options=opts) as w:
        if batches is not None:
            for b in batches:
                w.write_batch(b)
        else:
            w.write_table(table)


def read_pa_batches(path, fmt):
    """(record batches, reader stats) read by pyarrow from a stream or a
    file, zero-row batches included (Table.to_batches drops them)."""
    data = pa.memory_map(str(path)) if fmt == "file" else pa.OSFile(str(path))
    with data:
        if fmt == "file":
            r = ipc.open_file(data)
            batches = [r.get_batch(i) for i in range(r.num_record_batches)]
        else:
            r = ipc.open_stream(data)
            batches = list(r)
        return batches, r.schema, r.stats


def read_pa(path, fmt):
    """(table, reader stats) read by pyarrow from a stream or a file."""
    batches, schema, stats = read_pa_batches(path, fmt)
    return pa.Table.from_batches(batches, schema=schema), stats


def sniff_format(path):
    with open(path, "rb") as f:
        head = f.read(6)
    return "file" if head == b"ARROW1" else "stream"


def describe_diff(got, want):
    """A short account of where two tables differ, for assertion messages."""
    lines = []
    if got.num_rows != want.num_rows:
        lines.append(f"rows: got {got.num_rows}, want {want.num_rows}")
    if not got.schema.equals(want.schema, check_metadata=False):
        lines.append(f"schema:\n got  {got.schema}\n want {want.schema}")
    else:
        for name, a, b in zip(got.column_names, got.columns, want.columns):
            if not a.equals(b):
                a1, b1 = a.combine_chunks(), b.combine_chunks()
                first = next((i for i in range(min(len(a1), len(b1)))
                              if not a1.slice(i, 1).equals(b1.slice(i, 1))), None)
                if first is None and len(a1) != len(b1):
                    lines.append(f"column {name!r}: lengths {len(a1)} vs {len(b1)}")
                elif first is None:
                    lines.append(f"column {name!r}: same values row by row; chunks differ "
                                 f"(dictionaries?): got {a.num_chunks} chunks, want {b.num_chunks}")
                else:
                    lines.append(f"column {name!r} ({a.type}) differs first at row {first}: "
                                 f"got {a1.slice(first, 1).to_string()} want {b1.slice(first, 1).to_string()}")
    return "\n".join(lines) or "(tables differ in a way describe_diff does not see)"


def _decoded_type(t):
    """`t` with every dictionary replaced by its value type."""
    if pa.types.is_dictionary(t):
        return _decoded_type(t.value_type)
    if pa.types.is_struct(t):
        return pa.struct([f.with_type(_decoded_type(f.type)) for f in t])
    if pa.types.is_list(t):
        return pa.list_(t.value_field.with_type(_decoded_type(t.value_type)))
    if pa.types.is_large_list(t):
        return pa.large_list(t.value_field.with_type(_decoded_type(t.value_type)))
    return t


def decode_dictionaries(table):
    """The table with dictionary-encoded columns decoded (cast to their value
    types), for comparing data whose dictionaries legitimately differ batch
    by batch (a file reader applies every delta before the first batch)."""
    cols = [c.cast(_decoded_type(c.type)) for c in table.columns]
    fields = [f.with_type(_decoded_type(f.type)) for f in table.schema]
    return pa.Table.from_arrays(cols, schema=pa.schema(fields, metadata=table.schema.metadata))


def assert_tables_equal(got, want, check_metadata=True, context=""):
    """`got` (what pyarrow read from quiver's output) equals `want`, is valid
    in full, and keeps schema and field metadata."""
    got.validate(full=True)
    assert got.schema.equals(want.schema, check_metadata=check_metadata), (
        f"{context}\nschema differs:\n got  {got.schema}\n want {want.schema}"
        f"\n got metadata {got.schema.metadata}\n want metadata {want.schema.metadata}")
    assert got.equals(want), f"{context}\n{describe_diff(got, want)}"


# ---------------------------------------------------------------- random tables

class QvTestExtType(pa.ExtensionType):
    """A user-defined (non-canonical) extension type over a struct, with
    serialized parameters, registered so pyarrow rebuilds it on read."""

    def __init__(self, unit="m"):
        self.unit = unit
        super().__init__(pa.struct([("x", pa.float64()), ("y", pa.float64())]), "quiver.test.point")

    def __arrow_ext_serialize__(self):
        return self.unit.encode()

    @classmethod
    def __arrow_ext_deserialize__(cls, storage_type, serialized):
        return cls(serialized.decode())


try:
    pa.register_extension_type(QvTestExtType())
except pa.ArrowKeyError:  # registered already (module imported twice)
    pass

_ALPHABET = list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 _-") + [
    "\u00e9", "\u00df", "\u4e2d", "\U0001F600", "\u0416"]


def _mask(rng, n, null_frac):
    if null_frac <= 0:
        return None
    return pa.array(rng.random(n) < null_frac, pa.bool_())


def _np_mask(m):
    return None if m is None else m.to_numpy(zero_copy_only=False)


def _strings(rng, n, max_len=30):
    lens = rng.integers(0, max_len + 1, n)
    return ["".join(rng.choice(_ALPHABET, int(k))) for k in lens]


def _nulls_into(values, m):
    if m is None:
        return values
    return [None if isnull else v for v, isnull in zip(values, _np_mask(m))]


def _offsets(rng, n, max_len=4, dtype=np.int32):
    lens = rng.integers(0, max_len + 1, n)
    return np.concatenate([[0], np.cumsum(lens)]).astype(dtype)


def _storage_int(t):
    """The integer type a temporal type is stored as (for Array.view)."""
    return pa.int32() if t.bit_width == 32 else pa.int64()


def _child_nulls(field, null_frac):
    return null_frac if field.nullable else 0.0


def random_array(t, n, rng, null_frac=0.2):
    """A random pyarrow array of type `t` and length `n` with about
    `null_frac` nulls (where the type has a validity bitmap)."""
    m = _mask(rng, n, null_frac)
    if pa.types.is_null(t):
        return pa.nulls(n)
    if pa.types.is_boolean(t):
        return pa.array(rng.random(n) < 0.5, t, mask=_np_mask(m))
    if pa.types.is_integer(t):
        info = np.iinfo(t.to_pandas_dtype())
        v = rng.integers(info.min, info.max, n, dtype=t.to_pandas_dtype(), endpoint=True)
        return pa.array(v, t, mask=_np_mask(m))
    if pa.types.is_float16(t):
        return pa.array((rng.standard_normal(n) * 100).astype(np.float16), t, mask=_np_mask(m))
    if pa.types.is_floating(t):
        v = rng.standard_normal(n) * 10.0 ** rng.integers(-30, 30, n)
        return pa.array(v.astype(t.to_pandas_dtype()), t, mask=_np_mask(m))
    if pa.types.is_decimal(t):
        digits = rng.integers(1, t.precision + 1, n)
        vals = []
        for k in digits:
            mag = int("".join(str(int(d)) for d in rng.integers(0, 10, int(k))))
            sign = -1 if rng.random() < 0.5 else 1
            vals.append(decimal.Decimal(sign * mag).scaleb(-t.scale))
        return pa.array(_nulls_into(vals, m), t)
    if pa.types.is_date32(t):
        return pa.array(rng.integers(-719162, 2932896, n, dtype=np.int32), pa.int32(), mask=_np_mask(m)).view(t)
    if pa.types.is_date64(t):
        days = rng.integers(-719162, 2932896, n, dtype=np.int64)
        return pa.array(days * 86400000, pa.int64(), mask=_np_mask(m)).view(t)
    if pa.types.is_time32(t) or pa.types.is_time64(t):
        per_day = 86400 * {"s": 1, "ms": 10**3, "us": 10**6, "ns": 10**9}[t.unit]
        v = rng.integers(0, per_day, n)
        return pa.array(v, _storage_int(t), mask=_np_mask(m)).view(t)
    if pa.types.is_timestamp(t) or pa.types.is_duration(t):
        scale = {"s": 1, "ms": 10**3, "us": 10**6, "ns": 10**9}[t.unit]
        v = rng.integers(-(2**31), 2**31, n, dtype=np.int64) * min(scale, 10**6)
        return pa.array(v, pa.int64(), mask=_np_mask(m)).view(t)
    if t == pa.month_day_nano_interval():
        v = [pa.MonthDayNano([int(a), int(b), int(c)]) for a, b, c in zip(
            rng.integers(-1000, 1000, n), rng.integers(-40, 40, n), rng.integers(-(2**62), 2**62, n))]
        return pa.array(_nulls_into(v, m), t)
    if pa.types.is_fixed_size_binary(t):
        v = [bytes(rng.integers(0, 256, t.byte_width, dtype=np.uint8)) for _ in range(n)]
        return pa.array(_nulls_into(v, m), t)
    if (pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t)):
        return pa.array(_nulls_into(_strings(rng, n), m), t)
    if (pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_binary_view(t)):
        lens = rng.integers(0, 31, n)
        v = [bytes(rng.integers(0, 256, int(k), dtype=np.uint8)) for k in lens]
        return pa.array(_nulls_into(v, m), t)
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        off = _offsets(rng, n, dtype=np.int32 if pa.types.is_list(t) else np.int64)
        child = random_array(t.value_type, int(off[-1]), rng, _child_nulls(t.value_field, null_frac))
        cls = pa.ListArray if pa.types.is_list(t) else pa.LargeListArray
        return cls.from_arrays(pa.array(off), child, type=t, mask=m)
    if pa.types.is_list_view(t) or pa.types.is_large_list_view(t):
        child_len = int(rng.integers(0, 4 * n + 1))
        sizes = rng.integers(0, 5, n)
        sizes = np.minimum(sizes, child_len)
        offs = np.array([rng.integers(0, child_len - s + 1) for s in sizes], dtype=np.int64)
        it = pa.int32() if pa.types.is_list_view(t) else pa.int64()
        child = random_array(t.value_type, child_len, rng, _child_nulls(t.value_field, null_frac))
        cls = pa.ListViewArray if pa.types.is_list_view(t) else pa.LargeListViewArray
        return cls.from_arrays(pa.array(offs, it), pa.array(sizes, it), child, type=t, mask=m)
    if pa.types.is_fixed_size_list(t):
        child = random_array(t.value_type, n * t.list_size, rng, _child_nulls(t.value_field, null_frac))
        return pa.FixedSizeListArray.from_arrays(child, type=t, mask=m)
    if pa.types.is_map(t):
        off = _offsets(rng, n)
        k = int(off[-1])
        if t.keys_sorted:
            keys = pa.array(np.concatenate([np.arange(b - a) for a, b in zip(off[:-1], off[1:])] + [[]])
                            .astype(np.int64)).cast(t.key_type)
        else:
            keys = random_array(t.key_type, k, rng, 0.0)
        items = random_array(t.item_type, k, rng, _child_nulls(t.item_field, null_frac))
        return pa.MapArray.from_arrays(pa.array(off), keys, items, type=t, mask=m)
    if pa.types.is_struct(t):
        children = [random_array(f.type, n, rng, _child_nulls(f, null_frac)) for f in t]
        return pa.StructArray.from_arrays(children, fields=list(t), mask=m)
    if pa.types.is_union(t):
        codes = t.type_codes
        choice = rng.integers(0, t.num_fields, n)
        tids = pa.array(np.array(codes, dtype=np.int8)[choice], pa.int8())
        names = [f.name for f in t]
        if t.mode == "sparse":
            children = [random_array(f.type, n, rng, null_frac) for f in t]
            return pa.UnionArray.from_sparse(tids, children, names, codes)
        counts = [int((choice == i).sum()) for i in range(t.num_fields)]
        offs = np.zeros(n, dtype=np.int32)
        seen = [0] * t.num_fields
        for j, c in enumerate(choice):
            offs[j] = seen[c]
            seen[c] += 1
        children = [random_array(f.type, c, rng, null_frac) for f, c in zip(t, counts)]
        return pa.UnionArray.from_dense(tids, pa.array(offs), children, names, codes)
    if pa.types.is_dictionary(t):
        size = int(rng.integers(1, 12))
        dictionary = random_array(t.value_type, size, rng, 0.1)
        idx = rng.integers(0, size, n)
        indices = pa.array(idx, t.index_type, mask=_np_mask(m))
        return pa.DictionaryArray.from_arrays(indices, dictionary, ordered=t.ordered)
    if pa.types.is_run_end_encoded(t):
        runs = []
        left = n
        while left > 0:
            r = int(rng.integers(1, 6))
            r = min(r, left)
            runs.append(r)
            left -= r
        ends = np.cumsum(runs).astype(t.run_end_type.to_pandas_dtype())
        values = random_array(t.value_type, len(runs), rng, null_frac)
        return pa.RunEndEncodedArray.from_arrays(pa.array(ends, t.run_end_type), values, type=t)
    if isinstance(t, pa.BaseExtensionType):
        if t.extension_name == "arrow.json":
            st = pa.array(_nulls_into([f'{{"k": {int(v)}}}' for v in rng.integers(0, 99, n)], m), t.storage_type)
        elif t.extension_name == "arrow.bool8":
            st = pa.array(rng.integers(0, 2, n, dtype=np.int8), pa.int8(), mask=_np_mask(m))
        else:
            st = random_array(t.storage_type, n, rng, null_frac)
        return pa.ExtensionArray.from_storage(t, st)
    raise NotImplementedError(f"random_array: {t}")


def _dict(value_type, index_type=pa.int32(), ordered=False):
    return pa.dictionary(index_type, value_type, ordered=ordered)


def every_type():
    """{id: pyarrow type}: every type pyarrow can write, flat and nested."""
    types = {
        "null": pa.null(), "bool": pa.bool_(),
        "int8": pa.int8(), "int16": pa.int16(), "int32": pa.int32(), "int64": pa.int64(),
        "uint8": pa.uint8(), "uint16": pa.uint16(), "uint32": pa.uint32(), "uint64": pa.uint64(),
        "float16": pa.float16(), "float32": pa.float32(), "float64": pa.float64(),
        "decimal32": pa.decimal32(7, 2), "decimal64": pa.decimal64(15, 3),
        "decimal128": pa.decimal128(38, 10), "decimal256": pa.decimal256(76, 20),
        "date32": pa.date32(), "date64": pa.date64(),
        "time32s": pa.time32("s"), "time32ms": pa.time32("ms"),
        "time64us": pa.time64("us"), "time64ns": pa.time64("ns"),
        "ts_s": pa.timestamp("s"), "ts_ms_utc": pa.timestamp("ms", "UTC"),
        "ts_us_ny": pa.timestamp("us", "America/New_York"), "ts_ns_offset": pa.timestamp("ns", "+05:30"),
        "dur_s": pa.duration("s"), "dur_ms": pa.duration("ms"),
        "dur_us": pa.duration("us"), "dur_ns": pa.duration("ns"),
        "interval_mdn": pa.month_day_nano_interval(),
        "binary": pa.binary(), "string": pa.string(),
        "large_binary": pa.large_binary(), "large_string": pa.large_string(),
        "binary_view": pa.binary_view(), "string_view": pa.string_view(),
        "fixed_size_binary": pa.binary(5),
        "list": pa.list_(pa.int32()), "large_list": pa.large_list(pa.string()),
        "list_view": pa.list_view(pa.int16()), "large_list_view": pa.large_list_view(pa.float64()),
        "fixed_size_list": pa.list_(pa.int64(), 3),
        "list_list": pa.list_(pa.list_(pa.uint8())),
        "struct": pa.struct([("a", pa.int32()), ("b", pa.string()), ("c", pa.list_(pa.bool_()))]),
        "struct_nonnull_child": pa.struct([pa.field("a", pa.int32(), nullable=False), ("b", pa.float32())]),
        "struct_empty": pa.struct([]),
        "map": pa.map_(pa.string(), pa.int32()),
        "map_sorted": pa.map_(pa.int16(), pa.list_(pa.string()), keys_sorted=True),
        "sparse_union": pa.sparse_union([pa.field("i", pa.int32()), pa.field("s", pa.string()),
                                         pa.field("l", pa.list_(pa.int8()))]),
        "dense_union": pa.dense_union([pa.field("i", pa.int64()), pa.field("s", pa.string_view()),
                                       pa.field("st", pa.struct([("x", pa.float32())]))]),
        "dense_union_codes": pa.dense_union([pa.field("a", pa.int8()), pa.field("b", pa.binary())], [5, 9]),
        "decimal128_neg_scale": pa.decimal128(10, -2),
        "list_named_nonnull_child": pa.list_(pa.field("element", pa.int32(), nullable=False)),
        "struct_child_metadata": pa.struct([pa.field("a", pa.int64(), metadata={"unit": "m"}),
                                            pa.field("b", pa.list_(pa.field("x", pa.utf8(), metadata={"k": "v"})))]),
        "map_nonnull_items": pa.map_(pa.utf8(), pa.field("value", pa.float64(), nullable=False)),
        "fixed_size_list_nonnull": pa.list_(pa.field("v", pa.int8(), nullable=False), 2),
        "dict_string": _dict(pa.string()),
        "dict_uint32_idx": _dict(pa.string(), pa.uint32()),
        "dict_uint64_idx": _dict(pa.int16(), pa.uint64()),
        "dict_int8_idx": _dict(pa.int64(), pa.int8()),
        "dict_uint16_ordered": _dict(pa.string(), pa.uint16(), ordered=True),
        "dict_int64_idx_binary": _dict(pa.binary(), pa.int64()),
        "dict_struct": _dict(pa.struct([("p", pa.int16()), ("q", pa.string())])),
        "dict_list": _dict(pa.list_(pa.int32())),
        "list_dict": pa.list_(_dict(pa.string(), pa.int16())),
        "struct_dict": pa.struct([("d", _dict(pa.string())), ("v", pa.int32())]),
        "ree_int16": pa.run_end_encoded(pa.int16(), pa.string()),
        "ree_int32": pa.run_end_encoded(pa.int32(), pa.float64()),
        "ree_int64": pa.run_end_encoded(pa.int64(), pa.list_(pa.int32())),
        "uuid": pa.uuid(),
        "json": pa.json_(pa.string()),
        "bool8": pa.bool8(),
        "fixed_shape_tensor": pa.fixed_shape_tensor(pa.float32(), [2, 3]),
        "opaque": pa.opaque(pa.binary(), "geometry", "acme"),
        "user_extension": QvTestExtType("km"),
    }
    return types


EVERY_TYPE = every_type()


def random_table(types, n, seed, batches=1, null_frac=0.2, metadata=True):
    """A table with one column per entry of `types` ({name: type}), `n` rows
    cut into `batches` record batches (slices of one array, so dictionaries
    are shared), with schema and field metadata."""
    rng = np.random.default_rng(seed)
    cols, fields = [], []
    for i, (name, t) in enumerate(types.items()):
        cols.append(random_array(t, n, rng, null_frac))
        fmeta = {"qv.field": f"{name}#{i}"} if metadata and i % 3 == 0 else None
        fields.append(pa.field(name, t, nullable=True, metadata=fmeta))
    schema = pa.schema(fields, metadata={"qv.schema": "random", "seed": str(seed)} if metadata else None)
    whole = pa.Table.from_arrays(cols, schema=schema)
    if batches <= 1:
        return pa.Table.from_batches(whole.to_batches(), schema=schema)
    cuts = sorted(set(int(x) for x in rng.integers(0, n + 1, batches - 1)))
    bounds = [0] + cuts + [n]
    parts = [whole.slice(a, b - a).combine_chunks() for a, b in zip(bounds[:-1], bounds[1:])]
    return pa.Table.from_batches([b for p in parts for b in p.to_batches(max_chunksize=None)] or [],
                                 schema=schema)
