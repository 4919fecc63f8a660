"""polars reads what quiver writes.

For every type polars can read, a random table (written by pyarrow) goes
through quiver (stream or file, compressed or not, sliced or not); polars
reads quiver's output with `pl.read_ipc` / `pl.read_ipc_stream` and must
get the same frame as `pl.from_arrow` of what pyarrow reads from the same
bytes, and the same values as the original table.

The types polars supports are decided per type by letting polars read
pyarrow's own output first; REQUIRED lists the types every polars release
of the last years reads, which must never be skipped.
"""
import os
import sys

import polars as pl
import polars.testing
import pyarrow as pa
import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ipc_support as S  # noqa: E402

N = 47

REQUIRED = {
    "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float32", "float64",
    "decimal128", "date32", "time64ns", "ts_ms_utc", "ts_us_ny", "dur_ms", "dur_us", "dur_ns",
    "binary", "string", "large_binary", "large_string", "string_view", "binary_view",
    "list", "large_list", "list_list", "fixed_size_list", "struct", "dict_string", "null",
}
# Types polars is not expected to read at all (no polars dtype).
NOT_POLARS = {"sparse_union", "dense_union", "dense_union_codes", "interval_mdn"}
CANDIDATES = sorted(t for t in S.EVERY_TYPE if t not in NOT_POLARS)

VARIANTS = [
    ("stream", dict(to="stream"), None),
    ("file", dict(to="file"), None),
    ("stream-zstd", dict(to="stream", compression="zstd"), None),
    ("file-lz4", dict(to="file", compression="lz4"), None),
    ("file-sliced", dict(to="file"), (4, 30)),
    ("stream-lz4-sliced", dict(to="stream", compression="lz4"), (9, 33)),
]


def _polars_read(path, fmt):
    if fmt == "file":
        return pl.read_ipc(path)
    return pl.read_ipc_stream(path)


def _polars_supports(type_id, table, tmp_path):
    """Whether polars reads pyarrow's own stream of `table` (a polars
    limitation otherwise, not a quiver failure)."""
    ref = tmp_path / "pyarrow-ref.arrows"
    S.write_pa(table, ref)
    try:
        _polars_read(ref, "stream")
        return True
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as e:  # polars raises several classes; a Rust panic is a BaseException
        if type_id in REQUIRED:
            raise AssertionError(f"polars {pl.__version__} cannot read pyarrow's {type_id}: {e}")
        return False


@pytest.mark.parametrize("variant", VARIANTS, ids=[v[0] for v in VARIANTS])
@pytest.mark.parametrize("type_id", CANDIDATES)
def test_polars_reads_quiver(type_id, variant, tmp_path):
    vid, qv_opts, qv_slice = variant
    table = S.random_table({"c": S.EVERY_TYPE[type_id], "k": pa.int64()}, N, 500 + CANDIDATES.index(type_id),
                           batches=2, metadata=False)
    if not _polars_supports(type_id, table, tmp_path):
        pytest.skip(f"polars {pl.__version__} does not read {S.EVERY_TYPE[type_id]}")
    src = tmp_path / "in.arrows"
    S.write_pa(table, src)
    fmt = qv_opts["to"]
    out = tmp_path / ("out.arrow" if fmt == "file" else "out.arrows")
    S.run_quiver(src, out, slice_=qv_slice, **qv_opts)
    want = table.slice(*qv_slice) if qv_slice else table

    got_pl = _polars_read(out, fmt)
    got_pa, _ = S.read_pa(out, fmt)
    assert got_pa.equals(want), S.describe_diff(got_pa, want)
    assert got_pl.height == want.num_rows and got_pl.columns == ["c", "k"]
    # Same frame as polars builds from pyarrow's reading of the same bytes...
    polars.testing.assert_frame_equal(got_pl, pl.from_arrow(got_pa))
    # ...and as polars' reading of pyarrow's own stream of the same values.
    ref = tmp_path / "ref.arrows"
    S.write_pa(want, ref)
    polars.testing.assert_frame_equal(got_pl, _polars_read(ref, "stream"))


@pytest.mark.parametrize("fmt", ["stream", "file"])
def test_polars_wide_table(fmt, tmp_path):
    """All required types in one table of several batches, compressed."""
    types = {t: S.EVERY_TYPE[t] for t in sorted(REQUIRED)}
    table = S.random_table(types, 300, 77, batches=4, metadata=False)
    src = tmp_path / "in.arrow"
    S.write_pa(table, src, "file", "lz4")
    out = tmp_path / ("out.arrow" if fmt == "file" else "out.arrows")
    S.run_quiver(src, out, to=fmt, compression="zstd")
    got_pl = _polars_read(out, fmt)
    # polars reading pyarrow's own stream of the table is the reference
    # (pl.from_arrow of sliced fixed-size lists fails in polars 2.1).
    ref = tmp_path / "ref.arrows"
    S.write_pa(table, ref)
    polars.testing.assert_frame_equal(got_pl, _polars_read(ref, "stream"))
    assert got_pl.height == 300


def test_polars_dictionary_replacements(tmp_path):
    """A dictionary that grows and then changes: quiver's stream written
    with replacements only (--no-deltas; polars reads no delta dictionary
    batches, from pyarrow either) reads as the same strings in polars."""
    schema = pa.schema([("d", pa.dictionary(pa.int32(), pa.string()))])
    batches = []
    for i, d in enumerate([["a", "b"], ["a", "b", "c"], ["a", "b", "c", "d", "e"], ["x", "y"]]):
        idx = pa.array([j % len(d) for j in range(i, i + 7)], pa.int32(), mask=[j == 3 for j in range(7)])
        batches.append(pa.record_batch([pa.DictionaryArray.from_arrays(idx, pa.array(d))], schema=schema))
    src = tmp_path / "in.arrows"
    S.write_pa(None, src, "stream", deltas=True, batches=batches)
    want = pa.Table.from_batches(batches).column("d").cast(pa.string()).to_pylist()
    out = tmp_path / "out.arrows"
    S.run_quiver(src, out, to="stream", no_deltas=True)
    _, st = S.read_pa(out, "stream")
    assert (st.num_dictionary_deltas, st.num_replaced_dictionaries) == (0, 3), st
    got = _polars_read(out, "stream")["d"].cast(pl.String).to_list()
    assert got == want
