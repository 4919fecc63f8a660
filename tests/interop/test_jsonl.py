"""JSON Lines conformance: quiver's reader against pyarrow.json.read_json
(the oracle), and quiver's writer read back by pyarrow, polars
(pl.read_ndjson) and duckdb (read_json).

quiver is driven through its command-line tool (`quiver convert x.jsonl
x.arrow`, `quiver convert x.arrow x.jsonl`): the Python module has no JSON
Lines API yet. Inputs are seeded random tables (ints, floats, bools,
strings with quotes, backslashes, control characters and unicode,
timestamps, nested lists and structs, nulls everywhere) written by
pandas' to_json(orient="records", lines=True) and by quiver itself;
malformed inputs must give a clear error naming the line.
"""
import io
import json
import subprocess

import numpy as np
import pyarrow as pa
import pyarrow.ipc as ipc
import pyarrow.json as pajson
import pytest

from ipc_support import cli_tool, describe_diff, run_cli_convert

SEEDS = range(6)
ROWS = 80
PIECES = ["a", "Z", "0", " ", ",", '"', "\\", "\n", "\t", "\x01", "/", "\u00e9", "\u4e2d", "\U0001F600", "{", "]"]


@pytest.fixture(scope="module")
def quiver_cli():
    exe = cli_tool()
    if exe is None:
        pytest.fail("the quiver command-line tool is not built (make build)")
    return exe


def _text(rng):
    return "".join(PIECES[int(rng.integers(0, len(PIECES)))] for _ in range(int(rng.integers(0, 6))))


def random_rows(seed, rows=ROWS):
    """Python rows whose JSON types pyarrow infers unambiguously."""
    rng = np.random.default_rng(seed)

    def maybe(v, frac=0.15):
        return None if rng.random() < frac else v

    out = []
    for _ in range(rows):
        r = {
            "i": maybe(int(rng.integers(-2**62, 2**62))),
            "f": maybe(float(rng.normal() * 10 ** int(rng.integers(-5, 15)))),
            "b": maybe(bool(rng.integers(0, 2))),
            "s": maybe(_text(rng)),
            "t": maybe(f"20{int(rng.integers(0, 99)):02d}-0{int(rng.integers(1, 9))}-1{int(rng.integers(0, 9))} "
                       f"1{int(rng.integers(0, 9))}:3{int(rng.integers(0, 9))}:0{int(rng.integers(0, 9))}"),
            "l": maybe([maybe(int(rng.integers(-100, 100)), 0.1) for _ in range(int(rng.integers(0, 4)))]),
            "o": maybe({"x": maybe(float(rng.integers(0, 10)) / 4), "y": maybe(_text(rng))}),
        }
        out.append(r)
    return out


def quiver_read(path, tmp_path):
    out = tmp_path / (path.name + ".arrow")
    run_cli_convert(path, out, to="file")
    with ipc.open_file(out) as f:
        return f.read_all()


def assert_same(got, want, context):
    got = got.combine_chunks()
    want = want.combine_chunks()
    assert got.schema == want.schema, f"{context}: schema\n{got.schema}\nvs pyarrow's\n{want.schema}"
    if not got.equals(want):
        pytest.fail(f"{context}: {describe_diff(got, want)}")


@pytest.mark.parametrize("seed", SEEDS)
def test_reads_json_module_lines_like_pyarrow(seed, tmp_path, quiver_cli):
    path = tmp_path / f"rows-{seed}.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in random_rows(seed)), encoding="utf-8")
    assert_same(quiver_read(path, tmp_path), pajson.read_json(path), f"seed {seed}, json.dumps lines")


@pytest.mark.parametrize("seed", SEEDS)
def test_reads_pandas_written_jsonl_like_pyarrow(seed, tmp_path, quiver_cli):
    import pandas as pd
    rows = random_rows(seed)
    for r in rows:  # pandas writes NaN for missing floats in object columns: keep the flat columns
        del r["l"], r["o"]
    df = pd.DataFrame(rows)
    path = tmp_path / f"pandas-{seed}.jsonl"
    df.to_json(path, orient="records", lines=True, force_ascii=bool(seed % 2))
    assert_same(quiver_read(path, tmp_path), pajson.read_json(path), f"seed {seed}, pandas to_json")


def quiver_write(seed, tmp_path):
    src = tmp_path / f"src-{seed}.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in random_rows(seed)), encoding="utf-8")
    table = pajson.read_json(src)
    arrow = tmp_path / f"t-{seed}.arrow"
    with ipc.new_file(arrow, table.schema) as w:
        w.write_table(table)
    out = tmp_path / f"q-{seed}.jsonl"
    run_cli_convert(arrow, out, to="jsonl")
    return table, out


@pytest.mark.parametrize("seed", SEEDS)
def test_pyarrow_reads_quiver_jsonl(seed, tmp_path, quiver_cli):
    table, out = quiver_write(seed, tmp_path)
    assert_same(pajson.read_json(out), table, f"seed {seed}: pyarrow reading quiver's JSON Lines")


@pytest.mark.parametrize("seed", SEEDS)
def test_polars_reads_quiver_jsonl(seed, tmp_path, quiver_cli):
    import polars as pl
    table, out = quiver_write(seed, tmp_path)
    got = pl.read_ndjson(out)
    # The same values polars reads from Python's own JSON text of the table
    # (timestamps as "YYYY-MM-DD hh:mm:ss", as quiver writes them).
    text = "".join(json.dumps(r, default=str) + "\n" for r in table.to_pylist())
    want = pl.read_ndjson(io.BytesIO(text.encode()))
    assert got.columns == want.columns
    assert got.equals(want), f"seed {seed}: polars reads other values"


@pytest.mark.parametrize("seed", SEEDS)
def test_duckdb_reads_quiver_jsonl(seed, tmp_path, quiver_cli):
    import duckdb
    table, out = quiver_write(seed, tmp_path)
    got = duckdb.sql(f"SELECT i, f, b, s, l FROM read_json('{out}', format='newline_delimited')").arrow()
    if isinstance(got, pa.RecordBatchReader):  # duckdb >= 1.4 hands out a reader
        got = got.read_all()
    for name in ["i", "f", "b", "s"]:
        assert got.column(name).to_pylist() == table.column(name).to_pylist(), f"seed {seed}: duckdb column {name}"
    assert got.column("l").to_pylist() == table.column("l").to_pylist()


MALFORMED = [
    ("unterminated string", b'{"a":1}\n{"a":"never closed}\n', "JSONL line 2, column 6 (/a): the string that opens here"),
    ("bad nesting", b'{"a":[1,2}\n', "JSONL line 1, column 10 (/a): expected ',' or ']'"),
    ("invalid UTF-8", b'{"a":"ok"}\n{"a":"bad\xc3("}\n', "JSONL line 2, column 10 (/a): invalid UTF-8"),
    ("binary file", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "JSONL line 1, column 1: expected a JSON object"),
    ("kind change", b'{"a":1}\n{"a":"x"}\n', "the column changed from number to string"),
]


@pytest.mark.parametrize("name,data,message", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_inputs_give_clear_errors(name, data, message, tmp_path, quiver_cli):
    path = tmp_path / "bad.jsonl"
    path.write_bytes(data)
    proc = run_cli_convert(path, tmp_path / "out.arrow", to="file", expect_ok=False)
    assert proc.returncode == 1, proc.stderr
    assert message in proc.stderr
    if name == "invalid UTF-8":
        return  # pyarrow 26 reads the bytes into a string column unchecked; quiver refuses them
    with pytest.raises(pa.ArrowInvalid):  # pyarrow refuses them too
        pajson.read_json(path)


def test_very_long_line_is_refused_in_bounded_memory(quiver_cli):
    # 200 MiB of one line from a pipe: refused once it passes the 64 MiB line
    # cap, without reading the rest (the producer gets SIGPIPE/EPIPE).
    proc = subprocess.run(
        ["bash", "-c", f"(printf '{{\"a\":\"'; head -c 209715200 /dev/zero | tr '\\0' x) | "
                       f"'{quiver_cli}' convert - /dev/null --from jsonl --to stream"],
        capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert "JSONL line 1, column 1: the line is longer than 67108864 bytes (max_line_length)" in proc.stderr
