"""pyarrow writes, quiver reads and writes back, pyarrow compares.

Random tables of every type pyarrow can write (ipc_support.EVERY_TYPE: flat,
nested, dictionaries, run-end encoded, unions, views, extension types), with
nulls, several batches, slices (written sliced by pyarrow, or re-sliced by
quiver), compression (lz4/zstd on either side), streams and files. The
table pyarrow reads back from quiver's output must equal the original
(`Table.equals`, schema and field metadata included) and pass
`validate(full=True)`.
"""
import os
import sys

import numpy as np
import pyarrow as pa
import pyarrow.ipc as ipc
import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ipc_support as S  # noqa: E402

N = 61
TYPE_IDS = sorted(S.EVERY_TYPE)

# (id, pyarrow format, pyarrow compression, pyarrow-side slice,
#  quiver options, quiver-side slice, quiver chunk)
VARIANTS = [
    ("pa-stream/qv-stream", "stream", None, None, dict(to="stream", full_validation=True), None, None),
    ("pa-file/qv-file", "file", None, None, dict(to="file"), None, None),
    ("pa-stream-lz4/qv-file-zstd", "stream", "lz4", None,
     dict(to="file", compression="zstd", full_validation=True), None, None),
    ("pa-file-zstd/qv-stream-lz4", "file", "zstd", None, dict(to="stream", compression="lz4"), None, None),
    ("pa-sliced-stream/qv-stream", "stream", None, (3, N - 10), dict(to="stream", full_validation=True),
     None, None),
    ("pa-sliced-file-lz4/qv-file", "file", "lz4", (7, 20), dict(to="file"), None, None),
    ("pa-stream/qv-slice", "stream", None, None, dict(to="stream"), (5, 37), None),
    ("pa-file/qv-file-chunk9-lz4-align8", "file", None, None,
     dict(to="file", compression="lz4", alignment=8), None, 9),
    ("pa-stream-zstd/qv-slice-chunk11-zstd-align8", "stream", "zstd", None,
     dict(to="stream", compression="zstd", alignment=8), (7, 40), 11),
    ("pa-sliced-stream/qv-slice-file-chunk4", "stream", None, (2, 50), dict(to="file"), (1, 30), 4),
]


def _roundtrip(table, tmp_path, pa_fmt, pa_comp, qv_opts, qv_slice=None, qv_chunk=None, batches=None):
    src = tmp_path / ("in.arrow" if pa_fmt == "file" else "in.arrows")
    S.write_pa(table, src, pa_fmt, pa_comp, batches=batches)
    out = tmp_path / ("out.arrow" if qv_opts["to"] == "file" else "out.arrows")
    S.run_quiver(src, out, slice_=qv_slice, chunk=qv_chunk, **qv_opts)
    return S.read_pa(out, qv_opts["to"])


@pytest.mark.parametrize("variant", VARIANTS, ids=[v[0] for v in VARIANTS])
@pytest.mark.parametrize("type_id", TYPE_IDS)
def test_every_type(type_id, variant, tmp_path):
    vid, pa_fmt, pa_comp, pa_slice, qv_opts, qv_slice, qv_chunk = variant
    seed = 1000 + TYPE_IDS.index(type_id)
    table = S.random_table({"c": S.EVERY_TYPE[type_id], "i": pa.int32()}, N, seed, batches=3)
    if pa_slice is not None:
        table = table.slice(*pa_slice)
    got, _ = _roundtrip(table, tmp_path, pa_fmt, pa_comp, qv_opts, qv_slice, qv_chunk)
    want = table.slice(*qv_slice) if qv_slice is not None else table
    S.assert_tables_equal(got, want, context=f"type {type_id} ({S.EVERY_TYPE[type_id]}), variant {vid}")


@pytest.mark.parametrize("fmt,comp", [("stream", None), ("file", "zstd"), ("stream", "lz4"), ("file", None)])
def test_all_types_one_table(fmt, comp, tmp_path):
    """Every type side by side in one table of several batches."""
    table = S.random_table(S.EVERY_TYPE, 200, 7, batches=4)
    got, _ = _roundtrip(table, tmp_path, fmt, comp, dict(to=fmt, compression=comp))
    S.assert_tables_equal(got, table, context=f"all types, {fmt} {comp}")
    got, _ = _roundtrip(table, tmp_path, fmt, comp, dict(to="file" if fmt == "stream" else "stream"),
                        qv_slice=(13, 150), qv_chunk=17)
    S.assert_tables_equal(got, table.slice(13, 150), context=f"all types, {fmt} {comp}, sliced")


@pytest.mark.parametrize("seed", range(8))
def test_random_schemas(seed, tmp_path):
    """Random subsets of the types, random null rates, row and batch counts,
    formats and compressions."""
    rng = np.random.default_rng(seed)
    k = int(rng.integers(1, 12))
    names = [TYPE_IDS[i] for i in rng.choice(len(TYPE_IDS), k, replace=False)]
    n = int(rng.integers(0, 300))
    table = S.random_table({nm: S.EVERY_TYPE[nm] for nm in names}, n, seed,
                           batches=int(rng.integers(1, 6)), null_frac=float(rng.choice([0.0, 0.05, 0.5, 1.0])))
    pa_fmt = str(rng.choice(["stream", "file"]))
    pa_comp = [None, "lz4", "zstd"][int(rng.integers(0, 3))]
    qv_fmt = str(rng.choice(["stream", "file"]))
    qv_comp = [None, "lz4", "zstd"][int(rng.integers(0, 3))]
    got, _ = _roundtrip(table, tmp_path, pa_fmt, pa_comp, dict(to=qv_fmt, compression=qv_comp,
                                                             alignment=int(rng.choice([8, 64]))))
    S.assert_tables_equal(got, table, context=f"seed {seed}: {names}, {n} rows, "
                          f"pa {pa_fmt}/{pa_comp} -> qv {qv_fmt}/{qv_comp}")


def test_large_compressible(tmp_path):
    """100,000 rows of compressible data: compression really shrinks it."""
    n = 100_000
    rng = np.random.default_rng(3)
    table = pa.table({
        "small_ints": pa.array(rng.integers(0, 10, n), pa.int64()),
        "words": pa.array(rng.choice(["alpha", "beta", "gamma", None], n)),
        "f": pa.array(np.repeat(rng.standard_normal(n // 100), 100)),
    })
    src = tmp_path / "in.arrows"
    S.write_pa(table, src)
    sizes = {}
    for comp in (None, "lz4", "zstd"):
        out = tmp_path / f"out-{comp}.arrows"
        S.run_quiver(src, out, to="stream", compression=comp)
        sizes[comp] = out.stat().st_size
        got, _ = S.read_pa(out, "stream")
        S.assert_tables_equal(got, table, context=f"large, {comp}")
    assert sizes["lz4"] < sizes[None] / 2 and sizes["zstd"] < sizes[None] / 2, sizes


def test_float_special_values_bit_exact(tmp_path):
    """NaN (with payloads), signed zeros, infinities and subnormals survive
    bit for bit (Table.equals cannot see NaN payloads)."""
    bits64 = np.array([0x7FF8000000000000, 0x7FF0000000000001, 0xFFF8000000000123, 0x8000000000000000,
                       0, 0x7FF0000000000000, 0xFFF0000000000000, 1, 0x000FFFFFFFFFFFFF], dtype=np.uint64)
    bits32 = np.array([0x7FC00000, 0x7F800001, 0x80000000, 0x7F800000, 1], dtype=np.uint32)
    bits16 = np.array([0x7E00, 0x7C01, 0x8000, 0x7C00, 1], dtype=np.uint16)
    table = pa.table({
        "f64": pa.array(bits64.view(np.float64)),
        "f32": pa.array(np.resize(bits32, 9).view(np.float32)),
        "f16": pa.array(np.resize(bits16, 9).view(np.float16)),
    })
    for fmt, comp in (("stream", None), ("file", "zstd")):
        got, _ = _roundtrip(table, tmp_path, fmt, None, dict(to=fmt, compression=comp))
        for name, dt in (("f64", np.uint64), ("f32", np.uint32), ("f16", np.uint16)):
            a = got.column(name).combine_chunks().to_numpy(zero_copy_only=False).view(dt)
            b = table.column(name).combine_chunks().to_numpy(zero_copy_only=False).view(dt)
            assert list(a) == list(b), f"{name} ({fmt}, {comp}): {a} != {b}"


def test_empty_and_zero_row_batches(tmp_path):
    schema = pa.schema([("a", pa.int64()), ("s", pa.string()), ("d", pa.dictionary(pa.int8(), pa.string())),
                        ("l", pa.list_(pa.float32()))])
    empty = schema.empty_table()
    for fmt in ("stream", "file"):
        # Schema only, no batches.
        got, _ = _roundtrip(empty, tmp_path, fmt, None, dict(to=fmt), batches=[])
        assert got.num_rows == 0 and got.schema.equals(schema) and got.to_batches() == []
        # One zero-row batch.
        b0 = pa.RecordBatch.from_pylist([], schema=schema)
        _roundtrip(None, tmp_path, fmt, None, dict(to=fmt), batches=[b0, b0])
        got, got_schema, _ = S.read_pa_batches(tmp_path / f"out.{'arrow' if fmt == 'file' else 'arrows'}", fmt)
        assert got_schema.equals(schema)
        assert [b.num_rows for b in got] == [0, 0]
        for b in got:
            b.validate(full=True)


@pytest.mark.parametrize("fmt", ["stream", "file"])
def test_zero_columns(fmt, tmp_path):
    """Batches with rows but no columns keep their lengths."""
    b = pa.RecordBatch.from_struct_array(pa.array([{}] * 5, pa.struct([])))
    b2 = pa.RecordBatch.from_struct_array(pa.array([{}] * 3, pa.struct([])))
    _roundtrip(None, tmp_path, fmt, None, dict(to=fmt), batches=[b, b2])
    got, schema, _ = S.read_pa_batches(tmp_path / f"out.{'arrow' if fmt == 'file' else 'arrows'}", fmt)
    assert len(schema) == 0
    assert [x.num_rows for x in got] == [5, 3]


def test_batch_custom_metadata(tmp_path):
    """Message-level custom_metadata of each record batch is kept."""
    table = S.random_table({"x": pa.int32(), "s": pa.string()}, 30, 5, batches=1)
    b = table.to_batches()[0]
    src = tmp_path / "in.arrows"
    metas = [{"batch": "0", "k": "v"}, None, {"batch": "2"}]
    with ipc.new_stream(str(src), table.schema) as w:
        for m in metas:
            w.write_batch(b, custom_metadata=m)
    for fmt in ("stream", "file"):
        out = tmp_path / f"out.{fmt}"
        S.run_quiver(src, out, to=fmt)
        with pa.OSFile(str(out)) as f:
            if fmt == "stream":
                r = ipc.open_stream(f)
                got = [r.read_next_batch_with_custom_metadata() for _ in metas]
            else:
                r = ipc.open_file(f)
                got = [r.get_batch_with_custom_metadata(i) for i in range(r.num_record_batches)]
        assert len(got) == 3
        for (batch, meta), want in zip(got, metas):
            assert batch.equals(b)
            if want is None:
                assert meta is None or len(meta) == 0, f"{fmt}: unexpected metadata {meta}"
            else:
                assert meta is not None and {k.decode(): v.decode() for k, v in meta.items()} == want, (
                    f"{fmt}: batch metadata {meta}, want {want}")


def test_legacy_and_v4_input(tmp_path):
    """Pre-0.15 framing (no continuation marker) and metadata V4, as pyarrow
    still writes them on request, are read; quiver can write legacy framing
    too and pyarrow reads it."""
    types = {k: S.EVERY_TYPE[k] for k in ("int64", "string", "list", "struct", "dict_string", "decimal128")}
    table = S.random_table(types, 40, 11, batches=2)
    src = tmp_path / "legacy.arrows"
    opts = ipc.IpcWriteOptions(use_legacy_format=True, metadata_version=ipc.MetadataVersion.V4)
    with ipc.new_stream(str(src), table.schema, options=opts) as w:
        w.write_table(table)
    assert open(src, "rb").read(4) != b"\xff\xff\xff\xff"
    out = tmp_path / "out.arrows"
    S.run_quiver(src, out, to="stream")
    got, _ = S.read_pa(out, "stream")
    S.assert_tables_equal(got, table, context="legacy V4 input")
    out2 = tmp_path / "out-legacy.arrows"
    S.run_quiver(src, out2, to="stream", legacy=True)
    raw = open(out2, "rb").read()
    assert raw[:4] != b"\xff\xff\xff\xff" and raw[-4:] == b"\x00\x00\x00\x00"
    got, _ = S.read_pa(out2, "stream")
    S.assert_tables_equal(got, table, context="legacy output")


def _edge_tables():
    inner = pa.DictionaryArray.from_arrays(pa.array([0, 1, 0, 1, 1]), pa.array(["p", "q"]))
    lst = pa.ListArray.from_arrays(pa.array([0, 2, 5], pa.int32()), inner)
    ree = pa.RunEndEncodedArray.from_arrays(pa.array([3, 6, 10], pa.int32()), pa.array(["a", None, "c"]))
    return {
        # type code 127, the largest allowed
        "union_code_127": pa.table({"u": pa.UnionArray.from_sparse(
            pa.array([0, 127, 0, 127], pa.int8()), [pa.array([1, 2, 3, 4]), pa.array(["a", "b", None, "d"])],
            ["x", "y"], [0, 127])}),
        # a dictionary whose values hold another dictionary
        "dict_of_list_of_dict": pa.table({"d": pa.DictionaryArray.from_arrays(
            pa.array([1, 0, None, 1], pa.int8()), lst)}),
        # struct children with different offsets of their own
        "struct_child_offsets": pa.table({"s": pa.StructArray.from_arrays(
            [pa.array(range(10)).slice(3, 4), pa.array([str(i) for i in range(10)]).slice(5, 4)],
            names=["i", "s"])}),
        # run-end encoded, sliced by quiver at and inside run boundaries below
        "ree_runs": pa.table({"r": ree}),
        # the same dictionary column twice
        "two_dict_fields": pa.table({"a": inner, "b": inner}),
    }


EDGE = _edge_tables()
EDGE_SLICES = [None, (1, 1), (2, 2), (3, 1), (0, 3)]


@pytest.mark.parametrize("qv_slice", EDGE_SLICES, ids=[str(x) for x in EDGE_SLICES])
@pytest.mark.parametrize("name", sorted(EDGE))
def test_edge_layouts(name, qv_slice, tmp_path):
    table = EDGE[name]
    want = table.slice(*qv_slice) if qv_slice else table
    for fmt, comp in (("stream", None), ("file", "zstd")):
        got, _ = _roundtrip(table, tmp_path, "stream", None, dict(to=fmt, compression=comp), qv_slice=qv_slice)
        S.assert_tables_equal(got, want, context=f"edge {name}, slice {qv_slice}, {fmt}")


def _nested_lists(depth):
    t, v = pa.int32(), 1
    for _ in range(depth):
        t, v = pa.list_(t), [v]
    return pa.table({"c": pa.array([v, None], t)})


# pyarrow writes and reads up to 63 nested lists (its recursion limit is 64);
# quiver reads and writes them too.
@pytest.mark.parametrize("depth", [10, 40, 60, 63])
def test_deep_nesting(depth, tmp_path):
    table = _nested_lists(depth)
    got, _ = _roundtrip(table, tmp_path, "stream", None, dict(to="stream"))
    S.assert_tables_equal(got, table, context=f"{depth} nested lists")


# ------------------------------------------------------------ dictionaries


def _dict_batches(schema, dicts, n=6, seed=0):
    """One batch per dictionary in `dicts`, indices drawn from it."""
    rng = np.random.default_rng(seed)
    out = []
    for d in dicts:
        idx = pa.array(rng.integers(0, len(d), n), pa.int32(), mask=rng.random(n) < 0.2)
        out.append(pa.record_batch([pa.DictionaryArray.from_arrays(idx, pa.array(d, pa.string()))], schema=schema))
    return out


DELTA_DICTS = [["a", "b"], ["a", "b", "c", "d"], ["a", "b", "c", "d"], ["a", "b", "c", "d", "e"]]
REPLACE_DICTS = [["x", "y"], ["z"], ["z", "w"]]


def _write_dict_stream(path, schema, batches, deltas):
    S.write_pa(None, path, "stream", deltas=deltas, batches=batches)


def _expected(batches, schema):
    return pa.Table.from_batches(batches, schema=schema)


@pytest.mark.parametrize("comp", [None, "zstd"])
def test_dictionary_deltas(comp, tmp_path):
    """A growing dictionary: pyarrow sends deltas; quiver reads them and
    sends deltas too (or replacements when asked not to)."""
    schema = pa.schema([("d", pa.dictionary(pa.int32(), pa.string()))])
    batches = _dict_batches(schema, DELTA_DICTS)
    src = tmp_path / "in.arrows"
    _write_dict_stream(src, schema, batches, deltas=True)
    _, st = S.read_pa(src, "stream")
    assert st.num_dictionary_deltas == 2
    want = _expected(batches, schema)

    out = tmp_path / "out.arrows"
    S.run_quiver(src, out, to="stream", compression=comp)
    got, st = S.read_pa(out, "stream")
    S.assert_tables_equal(got, want, context="deltas stream")
    assert (st.num_dictionary_batches, st.num_dictionary_deltas, st.num_replaced_dictionaries) == (3, 2, 0), st

    S.run_quiver(src, out, to="stream", compression=comp, no_deltas=True)
    got, st = S.read_pa(out, "stream")
    S.assert_tables_equal(got, want, context="deltas disabled")
    assert (st.num_dictionary_deltas, st.num_replaced_dictionaries) == (0, 2), st

    # pyarrow's own file with deltas, read by quiver.
    pfile = tmp_path / "pyarrow-deltas.arrow"
    S.write_pa(None, pfile, "file", comp, deltas=True, batches=batches)
    S.run_quiver(pfile, out, to="stream")
    got, st = S.read_pa(out, "stream")
    assert S.decode_dictionaries(got).equals(S.decode_dictionaries(want)), "pyarrow file with deltas"

    fout = tmp_path / "out.arrow"
    S.run_quiver(src, fout, to="file", compression=comp)
    got, st = S.read_pa(fout, "file")
    # A file reader applies every delta up front: each batch sees the final
    # dictionary, so compare the decoded values.
    got.validate(full=True)
    assert got.schema.equals(want.schema)
    assert S.decode_dictionaries(got).equals(S.decode_dictionaries(want)), "deltas file"
    assert got.column("d").chunk(0).dictionary.to_pylist() == DELTA_DICTS[-1]
    assert st.num_dictionary_deltas == 2, st


def test_dictionary_replacements(tmp_path):
    """A dictionary that changes without extending: a replacement in a
    stream; a file cannot carry it, and quiver says so."""
    schema = pa.schema([("d", pa.dictionary(pa.int32(), pa.string()))])
    batches = _dict_batches(schema, REPLACE_DICTS, seed=1)
    src = tmp_path / "in.arrows"
    _write_dict_stream(src, schema, batches, deltas=False)
    want = _expected(batches, schema)
    out = tmp_path / "out.arrows"
    S.run_quiver(src, out, to="stream")
    got, st = S.read_pa(out, "stream")
    S.assert_tables_equal(got, want, context="replacements")
    # [x,y] -> [z] is a replacement; [z] -> [z,w] is a delta.
    assert (st.num_dictionary_deltas, st.num_replaced_dictionaries) == (1, 1), st

    fout = tmp_path / "out.arrow"
    proc = S.run_quiver(src, fout, to="file", expect_ok=False)
    assert proc.returncode == 1, proc
    assert "dictionar" in proc.stderr.lower(), proc.stderr
    assert not fout.exists(), "a failed file write must leave no output behind"


def test_nested_dictionary_deltas(tmp_path):
    """Deltas of a dictionary inside a list and of one shared by two fields."""
    dt = pa.dictionary(pa.int16(), pa.string())
    schema = pa.schema([("l", pa.list_(dt)), ("s", pa.struct([("d", dt)]))])
    batches = []
    rng = np.random.default_rng(9)
    for d in DELTA_DICTS:
        dictionary = pa.array(d)
        idx = pa.array(rng.integers(0, len(d), 12), pa.int16())
        darr = pa.DictionaryArray.from_arrays(idx, dictionary)
        lst = pa.ListArray.from_arrays(pa.array([0, 3, 3, 7, 12], pa.int32()), darr)
        st = pa.StructArray.from_arrays([darr.slice(0, 4)], names=["d"])
        batches.append(pa.record_batch([lst, st], schema=schema))
    src = tmp_path / "in.arrows"
    _write_dict_stream(src, schema, batches, deltas=True)
    want = _expected(batches, schema)
    for fmt in ("stream", "file"):
        out = tmp_path / f"out.{fmt}"
        S.run_quiver(src, out, to=fmt)
        got, st = S.read_pa(out, fmt)
        if fmt == "stream":
            S.assert_tables_equal(got, want, context=f"nested deltas {fmt}")
        else:  # every delta applied before the first batch (see above)
            got.validate(full=True)
            assert got.schema.equals(want.schema)
            assert S.decode_dictionaries(got).equals(S.decode_dictionaries(want)), "nested deltas file"
        assert st.num_dictionary_deltas >= 2, st


def test_quiver_reads_pyarrow_compressed_dictionaries(tmp_path):
    """Dictionary batches are compressed too."""
    schema = pa.schema([("d", pa.dictionary(pa.int32(), pa.string()))])
    batches = _dict_batches(schema, DELTA_DICTS, n=200)
    for comp in ("lz4", "zstd"):
        src = tmp_path / f"in-{comp}.arrows"
        with ipc.new_stream(str(src), schema,
                            options=ipc.IpcWriteOptions(compression=comp, emit_dictionary_deltas=True)) as w:
            for b in batches:
                w.write_batch(b)
        out = tmp_path / f"out-{comp}.arrows"
        S.run_quiver(src, out, to="stream", compression=comp)
        got, _ = S.read_pa(out, "stream")
        S.assert_tables_equal(got, _expected(batches, schema), context=f"compressed dictionaries {comp}")


# ------------------------------------------------------------ quiver's bytes


def _messages(raw):
    """(start, metadata length incl. prefix, body length, type) of every
    message of a stream, walked with pyarrow's message reader, then the
    EOS marker."""
    r = pa.BufferReader(raw)
    out = []
    while True:
        pos = r.tell()
        if raw[pos:pos + 8] == b"\xff\xff\xff\xff\x00\x00\x00\x00":
            assert pos + 8 == len(raw), f"{len(raw) - pos - 8} bytes after the EOS marker"
            return out
        assert raw[pos:pos + 4] == b"\xff\xff\xff\xff", f"no continuation marker at byte {pos}"
        meta_len = 8 + int.from_bytes(raw[pos + 4:pos + 8], "little")
        msg = ipc.read_message(r)
        out.append((pos, meta_len, msg.body.size if msg.body is not None else 0, msg.type))


@pytest.mark.parametrize("alignment", [8, 64])
def test_stream_framing(alignment, tmp_path):
    """quiver's messages start, and their bodies start and end, on the
    chosen alignment; the stream ends with the EOS marker."""
    table = S.random_table({k: S.EVERY_TYPE[k] for k in ("int8", "string", "binary_view", "dict_string")},
                           33, 2, batches=2)
    src = tmp_path / "in.arrows"
    S.write_pa(table, src)
    out = tmp_path / "out.arrows"
    S.run_quiver(src, out, to="stream", alignment=alignment)
    msgs = _messages(out.read_bytes())
    assert [m[3] for m in msgs] == ["schema", "dictionary", "record batch", "record batch"], msgs
    for start, meta_len, body_len, kind in msgs:
        assert start % alignment == 0, f"{kind} message at byte {start} not {alignment}-aligned"
        assert (start + meta_len) % alignment == 0, f"{kind} body at byte {start + meta_len} not aligned"
        assert body_len % alignment == 0, f"{kind} body length {body_len} not a multiple of {alignment}"
    got, _ = S.read_pa(out, "stream")
    S.assert_tables_equal(got, table, context=f"alignment {alignment}")


# ------------------------------------------------------------ the quiver CLI


@pytest.mark.parametrize("type_id", TYPE_IDS)
def test_cli_convert_every_type(type_id, tmp_path):
    """`quiver convert`: pyarrow stream → file (zstd) → stream → JSON →
    stream, each step read back by pyarrow."""
    if S.cli_tool() is None:
        pytest.skip(f"quiver CLI not built at {S.build_dir() / 'tools' / 'quiver'}")
    table = S.random_table({"c": S.EVERY_TYPE[type_id], "i": pa.int32()}, 40, 2000 + TYPE_IDS.index(type_id),
                           batches=2)
    src = tmp_path / "in.arrows"
    S.write_pa(table, src, "stream", "lz4")
    f = tmp_path / "a.arrow"
    S.run_cli_convert(src, f, to="file", compression="zstd")
    S.assert_tables_equal(S.read_pa(f, "file")[0], table, context=f"CLI {type_id} stream->file")
    s = tmp_path / "b.arrows"
    S.run_cli_convert(f, s, to="stream")
    S.assert_tables_equal(S.read_pa(s, "stream")[0], table, context=f"CLI {type_id} file->stream")
    j = tmp_path / "c.json"
    S.run_cli_convert(s, j, to="json")
    s2 = tmp_path / "d.arrows"
    S.run_cli_convert(j, s2, to="stream")
    S.assert_tables_equal(S.read_pa(s2, "stream")[0], table, context=f"CLI {type_id} via JSON")


@pytest.mark.parametrize("type_id", TYPE_IDS)
def test_json_roundtrip_every_type(type_id, tmp_path):
    """quiver's integration JSON writer and reader on pyarrow's random
    tables: stream → JSON → stream reads back equal in pyarrow."""
    table = S.random_table({"c": S.EVERY_TYPE[type_id], "i": pa.int32()}, 40, 3000 + TYPE_IDS.index(type_id),
                           batches=2)
    src = tmp_path / "in.arrows"
    S.write_pa(table, src)
    js = tmp_path / "out.json.gz"
    S.run_quiver(src, js, to="json")
    out = tmp_path / "out.arrows"
    S.run_quiver(js, out, to="stream")
    S.assert_tables_equal(S.read_pa(out, "stream")[0], table, context=f"JSON {type_id}")
