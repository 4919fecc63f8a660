"""apache-arrow (JS) reads what quiver writes.

tests/interop/js holds a pinned apache-arrow dependency and read_ipc.mjs,
which reads a stream or a file and prints a JSON summary (schema, rows,
values). Its dependency tree is locked (package-lock.json, committed): the
first test to need it runs `npm ci` there once when node_modules does not
hold exactly the locked versions (node_modules is git-ignored and reused). quiver's uncompressed streams and
files of primitive, string, nested and dictionary columns must summarise to
what the original pyarrow table says. Skipped only when node is missing.
"""
import functools
import json
import math
import os
import shutil
import subprocess
import sys

import pyarrow as pa
import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ipc_support as S  # noqa: E402

JS_DIR = S.INTEROP / "js"

JS_TYPES = [
    "null", "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "float32", "float64",
    "string", "large_string", "string_view", "binary", "large_binary", "binary_view", "fixed_size_binary",
    "list", "large_list", "list_list", "fixed_size_list", "struct", "map",
    "dict_string", "dict_int8_idx", "dict_uint16_ordered", "list_dict", "struct_dict",
]


@functools.lru_cache(maxsize=None)
def _node():
    node = shutil.which("node")
    if node is None:
        return None
    lock_path = JS_DIR / "package-lock.json"
    if not lock_path.exists():
        pytest.fail(f"{lock_path} is missing: the JS dependencies must be locked (npm install --package-lock-only)")
    locked = json.loads(lock_path.read_text())["packages"]
    if not _installed_as_locked(locked):
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("node is installed but npm is not: cannot install apache-arrow for tests/interop/js")
        proc = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=JS_DIR,
                              capture_output=True, text=True, timeout=600)
        if proc.returncode != 0:
            pytest.fail(f"npm ci in {JS_DIR} failed:\n{proc.stdout}\n{proc.stderr}")
        if not _installed_as_locked(locked):
            pytest.fail(f"npm ci in {JS_DIR} did not install the locked versions")
    return node


def _installed_as_locked(locked):
    """Does node_modules hold every package of the lock file at its locked version?"""
    for path, entry in locked.items():
        if not path:
            continue
        pkg = JS_DIR / path / "package.json"
        if not pkg.exists() or json.loads(pkg.read_text()).get("version") != entry.get("version"):
            return False
    return True


@pytest.fixture
def node():
    exe = _node()
    if exe is None:
        pytest.skip("node is not installed: the apache-arrow (JS) interop tests need node and npm")
    return exe


def read_js(node, *paths, rows=None):
    """read_ipc.mjs's summary of one path, or a list of them for several."""
    cmd = [node, str(JS_DIR / "read_ipc.mjs")] + [str(p) for p in paths]
    if rows is not None:
        cmd += ["--rows", str(rows)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, f"apache-arrow JS failed to read {' '.join(map(str, paths))}:\n{proc.stderr}"
    # JS prints large doubles without an exponent (2.3e20 as 230000000000000000000);
    # parse every JSON number as a float so they compare equal to pyarrow's
    # doubles (32-bit and smaller integers are exact as floats; 64-bit ones
    # come as strings).
    return json.loads(proc.stdout, parse_int=float)


def js_value(v, t):
    """A pyarrow (to_pylist) value in read_ipc.mjs's normal form."""
    if v is None:
        return None
    if isinstance(t, pa.ExtensionType):
        t = t.storage_type
    if pa.types.is_dictionary(t):
        return js_value(v, t.value_type)
    if pa.types.is_integer(t):
        return str(v) if t.bit_width == 64 else v
    if pa.types.is_floating(t):
        return v if math.isfinite(v) else ("NaN" if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity"))
    if pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_binary_view(t) \
            or pa.types.is_fixed_size_binary(t):
        return v.hex()
    if pa.types.is_map(t):
        return [[js_value(k, t.key_type), js_value(x, t.item_type)] for k, x in v]
    if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_fixed_size_list(t):
        return [js_value(x, t.value_type) for x in v]
    if pa.types.is_struct(t):
        return {f.name: js_value(v[f.name], f.type) for f in t}
    return v


def expected_summary(table):
    cols = {}
    for f, col in zip(table.schema, table.columns):
        cols[f.name] = {"nullCount": col.null_count, "values": [js_value(v, f.type) for v in col.to_pylist()]}
    return {
        "numRows": table.num_rows,
        "metadata": {k.decode(): v.decode() for k, v in (table.schema.metadata or {}).items()},
        "fields": [(f.name, f.nullable, {k.decode(): v.decode() for k, v in (f.metadata or {}).items()})
                   for f in table.schema],
        "columns": cols,
    }


def assert_js_matches(js, table, fmt, context):
    want = expected_summary(table)
    assert js["format"] == fmt, f"{context}: JS saw a {js['format']}"
    assert js["numRows"] == want["numRows"], context
    assert js["metadata"] == want["metadata"], context
    got_fields = [(f["name"], f["nullable"], f["metadata"]) for f in js["fields"]]
    assert got_fields == want["fields"], context
    for name, w in want["columns"].items():
        g = js["columns"][name]
        ftype = next(f["type"] for f in js["fields"] if f["name"] == name)
        assert g["nullCount"] == w["nullCount"], f"{context}: column {name} ({ftype}) null count"
        for i, (a, b) in enumerate(zip(g["values"], w["values"])):
            assert a == b, f"{context}: column {name} ({ftype}) row {i}: JS {a!r}, pyarrow {b!r}"
        assert len(g["values"]) == len(w["values"]), f"{context}: column {name} length"


VARIANTS = [
    ("stream", dict(to="stream"), None, None),
    ("file", dict(to="file"), None, None),
    ("stream-align8", dict(to="stream", alignment=8), None, None),
    ("file-sliced-chunked", dict(to="file"), (5, 70), 9),
    ("stream-sliced", dict(to="stream"), (17, 40), None),
]


@pytest.mark.parametrize("variant", VARIANTS, ids=[v[0] for v in VARIANTS])
def test_js_reads_quiver(node, variant, tmp_path):
    vid, qv_opts, qv_slice, qv_chunk = variant
    table = S.random_table({t: S.EVERY_TYPE[t] for t in JS_TYPES}, 120, 31, batches=3)
    src = tmp_path / "in.arrows"
    S.write_pa(table, src, "stream", "zstd")
    fmt = qv_opts["to"]
    out = tmp_path / ("out.arrow" if fmt == "file" else "out.arrows")
    S.run_quiver(src, out, slice_=qv_slice, chunk=qv_chunk, **qv_opts)
    want = table.slice(*qv_slice) if qv_slice else table
    js = read_js(node, out)
    assert_js_matches(js, want, fmt, f"JS, variant {vid}")
    if qv_chunk:
        assert js["batchRows"] and max(js["batchRows"]) <= qv_chunk, js["batchRows"]


def _per_type_table(type_id):
    return S.random_table({"c": S.EVERY_TYPE[type_id]}, 25, 300 + JS_TYPES.index(type_id), batches=2)


@pytest.fixture(scope="module")
def per_type_js(tmp_path_factory):
    """quiver's stream and file of a sliced one-column table per type, all
    read by a single node process: {(type_id, fmt): summary or exception}."""
    exe = _node()
    if exe is None:
        pytest.skip("node is not installed: the apache-arrow (JS) interop tests need node and npm")
    d = tmp_path_factory.mktemp("js-per-type")
    outs, results = {}, {}
    for type_id in JS_TYPES:
        src = d / f"{type_id}.in.arrows"
        S.write_pa(_per_type_table(type_id), src)
        for fmt in ("stream", "file"):
            out = d / f"{type_id}.out.{fmt}"
            try:
                S.run_quiver(src, out, to=fmt, slice_=(1, 22))
                outs[(type_id, fmt)] = out
            except S.QuiverError as e:
                results[(type_id, fmt)] = e
    try:
        summaries = read_js(exe, *outs.values())
        results.update(zip(outs, summaries))
    except AssertionError:  # one file broke the batch: read them one by one to tell which
        for key, out in outs.items():
            try:
                results[key] = read_js(exe, out)
            except AssertionError as e:
                results[key] = e
    return results


@pytest.mark.parametrize("fmt", ["stream", "file"])
@pytest.mark.parametrize("type_id", JS_TYPES)
def test_js_reads_quiver_per_type(per_type_js, type_id, fmt):
    """One type at a time (sliced), so a failure names the type."""
    js = per_type_js[(type_id, fmt)]
    if isinstance(js, Exception):
        raise js
    assert_js_matches(js, _per_type_table(type_id).slice(1, 22), fmt, f"JS {type_id} {fmt}")


def test_js_dictionary_deltas_and_replacements(node, tmp_path):
    """A string dictionary that grows (deltas) and then changes (replacement)
    in quiver's stream; growth only (deltas) in quiver's file."""
    schema = pa.schema([("d", pa.dictionary(pa.int32(), pa.string()))])
    dicts = [["a", "b"], ["a", "b", "c"], ["a", "b", "c", "d", "e"], ["x", "y"]]
    batches = []
    for i, d in enumerate(dicts):
        idx = pa.array([j % len(d) for j in range(i, i + 6)], pa.int32(), mask=[j == 2 for j in range(6)])
        batches.append(pa.record_batch([pa.DictionaryArray.from_arrays(idx, pa.array(d))], schema=schema))
    src = tmp_path / "in.arrows"
    S.write_pa(None, src, "stream", deltas=True, batches=batches)
    out = tmp_path / "out.arrows"
    S.run_quiver(src, out, to="stream")
    _, st = S.read_pa(out, "stream")
    assert (st.num_dictionary_deltas, st.num_replaced_dictionaries) == (2, 1), st
    want = pa.Table.from_batches(batches, schema=schema)
    js = read_js(node, out)
    assert js["batchRows"] == [6, 6, 6, 6]
    assert_js_matches(js, want, "stream", "JS dictionary deltas + replacement")

    src2 = tmp_path / "grow.arrows"
    S.write_pa(None, src2, "stream", deltas=True, batches=batches[:3])
    fout = tmp_path / "out.arrow"
    S.run_quiver(src2, fout, to="file")
    assert_js_matches(read_js(node, fout), pa.Table.from_batches(batches[:3], schema=schema), "file",
                      "JS dictionary deltas in a file")


def test_js_empty_stream_and_file(node, tmp_path):
    schema = pa.schema([pa.field("a", pa.int64(), nullable=False), ("s", pa.string())],
                       metadata={"k": "v"})
    src = tmp_path / "in.arrows"
    S.write_pa(None, src, "stream", batches=[pa.RecordBatch.from_pylist([], schema=schema)])
    outs = {}
    for fmt in ("stream", "file"):
        outs[fmt] = tmp_path / f"out.{fmt}"
        S.run_quiver(src, outs[fmt], to=fmt)
    for fmt, js in zip(outs, read_js(node, *outs.values())):
        assert js["format"] == fmt and js["numRows"] == 0 and js["metadata"] == {"k": "v"}
        assert [(f["name"], f["nullable"]) for f in js["fields"]] == [("a", False), ("s", True)]
