"""quiver writes every type; pyarrow reads it.

Source of "every type": the gold integration files of arrow-testing
(data/arrow-ipc-stream/integration/<dir>/generated_<case>.*). quiver reads
the `.json.gz` (or the gold `.stream` / `.arrow_file`) and writes a stream
or a file, compressed or not, sliced or not; pyarrow reads quiver's output
and must find it equal (`Table.equals`, schema and field metadata included)
to what pyarrow reads from the gold `.arrow_file`, and valid in full.
"""
import os
import sys

import pyarrow as pa
import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ipc_support as S  # noqa: E402

CASES = S.gold_cases()

# (id, source, writer options, slice (offset, length) or None, chunk)
VARIANTS = [
    ("json-stream", "json", dict(to="stream"), None, None),
    ("json-file", "json", dict(to="file"), None, None),
    ("json-stream-lz4", "json", dict(to="stream", compression="lz4"), None, None),
    ("json-file-zstd", "json", dict(to="file", compression="zstd"), None, None),
    ("json-stream-zstd-align8", "json", dict(to="stream", compression="zstd", alignment=8), None, None),
    ("json-file-align8", "json", dict(to="file", alignment=8), None, None),
    ("json-stream-slice1", "json", dict(to="stream"), (1, 1 << 40), None),
    ("json-file-lz4-slice2-5", "json", dict(to="file", compression="lz4"), (2, 5), None),
    ("json-stream-chunk3", "json", dict(to="stream"), None, 3),
    ("json-file-zstd-slice3-chunk4", "json", dict(to="file", compression="zstd"), (3, 11), 4),
    ("stream-stream", "stream", dict(to="stream"), None, None),
    ("stream-file-lz4", "stream", dict(to="file", compression="lz4"), None, None),
    ("file-stream-zstd", "file", dict(to="stream", compression="zstd"), None, None),
    ("file-file-slice1", "file", dict(to="file"), (1, 1 << 40), None),
]


def _gold_table(paths):
    table, _ = S.read_pa(paths["file"], "file")
    return table


def _full_valid(table):
    try:
        table.validate(full=True)
        return True
    except pa.ArrowInvalid:
        return False


def test_gold_data_present():
    root = S.arrow_testing()
    assert CASES, f"no gold cases found under {root / S.GOLD_SUBDIR}"
    dirs = {d for d, _ in CASES}
    assert "cpp-21.0.0" in dirs, f"cpp-21.0.0 gold files missing (found {sorted(dirs)})"


@pytest.mark.parametrize("variant", VARIANTS, ids=[v[0] for v in VARIANTS])
@pytest.mark.parametrize("case", CASES, ids=[f"{d}/{c}" for d, c in CASES])
def test_gold_roundtrip(case, variant, tmp_path):
    dirname, name = case
    vid, source, wopts, slice_, chunk = variant
    paths = S.gold_paths(dirname, name)
    want = _gold_table(paths)
    if slice_ is not None:
        want = want.slice(slice_[0], slice_[1])
    out = tmp_path / ("out.arrow" if wopts["to"] == "file" else "out.arrows")
    S.run_quiver(paths[source], out, slice_=slice_, chunk=chunk, **wopts)
    assert S.sniff_format(out) == wopts["to"]
    got, _ = S.read_pa(out, wopts["to"])
    ctx = f"gold {dirname}/{name}, variant {vid}"
    if _full_valid(want):
        got.validate(full=True)
    else:
        # Old gold files hold decimals wider than their precision (archery's
        # `no_decimal_validate` quirk); pyarrow rejects the gold file too.
        got.validate()
    assert got.schema.equals(want.schema, check_metadata=True), (
        f"{ctx}\nschema differs:\n got  {got.schema}\n want {want.schema}")
    assert got.equals(want), f"{ctx}\n{S.describe_diff(got, want)}"
    if slice_ is None and chunk is None:
        # Batch boundaries are kept when nothing is re-sliced.
        gold_rows = [b.num_rows for b in want.to_batches()]
        got_rows = [b.num_rows for b in got.to_batches()]
        assert got_rows == gold_rows, f"{ctx}: batch lengths {got_rows}, gold {gold_rows}"


@pytest.mark.parametrize("case", CASES, ids=[f"{d}/{c}" for d, c in CASES])
def test_gold_json_roundtrip(case, tmp_path):
    """JSON → quiver → JSON → quiver → stream: the integration JSON quiver
    writes reads back to the same data."""
    dirname, name = case
    paths = S.gold_paths(dirname, name)
    want = _gold_table(paths)
    js = tmp_path / "out.json"
    out = tmp_path / "out.arrows"
    S.run_quiver(paths["json"], js, to="json")
    S.run_quiver(js, out, to="stream")
    got, _ = S.read_pa(out, "stream")
    assert got.schema.equals(want.schema, check_metadata=True), (
        f"gold {dirname}/{name} via JSON\n got  {got.schema}\n want {want.schema}")
    assert got.equals(want), f"gold {dirname}/{name} via JSON\n{S.describe_diff(got, want)}"


@pytest.mark.parametrize("fmt", ["stream", "file"])
@pytest.mark.parametrize("case", CASES, ids=[f"{d}/{c}" for d, c in CASES])
def test_gold_cli_convert(case, fmt, tmp_path):
    """`quiver convert` (the command-line tool) on the gold JSON."""
    if S.cli_tool() is None:
        pytest.skip(f"quiver CLI not built at {S.build_dir() / 'tools' / 'quiver'}")
    dirname, name = case
    paths = S.gold_paths(dirname, name)
    want = _gold_table(paths)
    out = tmp_path / ("out.arrow" if fmt == "file" else "out.arrows")
    S.run_cli_convert(paths["json"], out, to=fmt, compression="zstd" if fmt == "file" else None)
    got, _ = S.read_pa(out, fmt)
    assert got.schema.equals(want.schema, check_metadata=True)
    assert got.equals(want), S.describe_diff(got, want)
