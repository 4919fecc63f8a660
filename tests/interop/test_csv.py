"""CSV conformance: quiver's CSV reader against pyarrow.csv.read_csv (the
oracle), and quiver's CSV writer read back by pyarrow, polars and duckdb.

quiver is driven through its command-line tool (`quiver convert x.csv
x.arrow`, `quiver convert x.arrow x.csv`): the Python module has no CSV API
yet. Inputs are seeded random tables written by pyarrow's CSV writer and by
pandas' to_csv, with values that stress the format: delimiters, quotes,
CR/LF line breaks, unicode and empty strings inside text, nulls in every
column, extreme integers and floats.
"""
import datetime
import io

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.ipc as ipc
import pytest

from ipc_support import cli_tool, describe_diff, run_cli_convert

SEEDS = range(6)
ROWS = 60
PIECES = ["a", "b", "Z", "0", "7", " ", ",", ";", "\t", '"', "'", "\n", "\r\n", "\u00e9", "\u4e2d",
          "\U0001F600", "x y", "--", "NA?"]


def _text(rng):
    n = int(rng.integers(0, 6))
    return "".join(PIECES[int(rng.integers(0, len(PIECES)))] for _ in range(n))


def random_table(seed, rows=ROWS, string_nulls=True):
    """A table of the types whose CSV text reads back to the same type."""
    rng = np.random.default_rng(seed)

    def mask(frac=0.15):
        return rng.random(rows) < frac

    def with_nulls(values, m):
        return [None if k else v for v, k in zip(values, m)]

    ints = [int(v) for v in rng.integers(-(2**63), 2**63 - 1, rows, dtype=np.int64, endpoint=True)]
    ints[0] = -(2**63)
    floats = [float(v) for v in rng.standard_normal(rows) * 10.0 ** rng.integers(-8, 300, rows)]
    floats[0] = 0.5  # never all integral: the column stays float64
    bools = [bool(v) for v in rng.integers(0, 2, rows)]
    epoch = datetime.date(1970, 1, 1)
    dates = [epoch + datetime.timedelta(days=int(d)) for d in rng.integers(-40000, 40000, rows)]
    stamps = [datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=int(s))
              for s in rng.integers(-2_000_000_000, 4_000_000_000, rows)]
    texts = [_text(rng) for _ in range(rows)]
    texts[0] = "plain, \"quoted\"\nline"  # never all-null, never all-empty
    return pa.table({
        "i": pa.array(with_nulls(ints, mask()), pa.int64()),
        "f": pa.array(with_nulls(floats, mask()), pa.float64()),
        "b": pa.array(with_nulls(bools, mask()), pa.bool_()),
        "d": pa.array(with_nulls(dates, mask()), pa.date32()),
        "ts": pa.array(with_nulls(stamps, mask()), pa.timestamp("s")),
        "s": pa.array(with_nulls(texts, mask() if string_nulls else np.zeros(rows, bool)), pa.string()),
        "n": pa.array([None] * rows, pa.null()),
    })


@pytest.fixture(scope="module")
def quiver_cli():
    exe = cli_tool()
    if exe is None:
        pytest.fail("the quiver command-line tool is not built (make build)")
    return exe


def quiver_read_csv(path, tmp_path):
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
def test_reads_pyarrow_written_csv_like_pyarrow(seed, tmp_path, quiver_cli):
    path = tmp_path / f"pyarrow-{seed}.csv"
    pacsv.write_csv(random_table(seed), path)
    assert_same(quiver_read_csv(path, tmp_path), pacsv.read_csv(path), f"seed {seed}, pyarrow's writer")


@pytest.mark.parametrize("seed", SEEDS)
def test_reads_pandas_written_csv_like_pyarrow(seed, tmp_path, quiver_cli):
    df = random_table(seed).drop_columns(["n"]).to_pandas()
    path = tmp_path / f"pandas-{seed}.csv"
    # pandas quotes only where needed, writes True/False, and ends lines as told.
    df.to_csv(path, index=False, lineterminator="\r\n" if seed % 2 else "\n")
    assert_same(quiver_read_csv(path, tmp_path), pacsv.read_csv(path), f"seed {seed}, pandas' to_csv")


def test_reads_tsv_and_bom_like_pyarrow(tmp_path, quiver_cli):
    table = random_table(99)
    buf = io.BytesIO()
    pacsv.write_csv(table, buf, pacsv.WriteOptions(delimiter="\t"))
    path = tmp_path / "bom.tsv"
    path.write_bytes(b"\xef\xbb\xbf" + buf.getvalue())
    want = pacsv.read_csv(path, parse_options=pacsv.ParseOptions(delimiter="\t"))
    assert_same(quiver_read_csv(path, tmp_path), want, "TSV with a BOM")


def test_inference_matches_pyarrow(tmp_path, quiver_cli):
    text = ("i,promoted,big,b,d,ts,tsf,tz,s,empty\n"
            "1,1,1,true,2020-01-01,2020-01-01 00:00:00,2020-01-01T00:00:00.123,2020-01-01T00:00:00Z,x,\n"
            ",2.5,9223372036854775808,False,,2020-01-01T10:20,,2020-01-01 03:00:00+02:00,NA,\n"
            "-3,NaN,-1,,1999-12-31,,2020-01-01 00:00:01,,,\n")
    path = tmp_path / "infer.csv"
    path.write_text(text)
    assert_same(quiver_read_csv(path, tmp_path), pacsv.read_csv(path), "inference")


# ------------------------------------------------------------ quiver writes

def _quiver_csv(table, tmp_path, name):
    src = tmp_path / f"{name}.arrow"
    with ipc.new_file(src, table.schema) as w:
        w.write_table(table)
    out = tmp_path / f"{name}.csv"
    run_cli_convert(src, out, to="csv")
    return out


def _strings_as_written(table):
    """CSV has one spelling for a null and an empty string: readers give ""."""
    s = table.column("s").fill_null("")
    return table.set_column(table.schema.get_field_index("s"), "s", s)


@pytest.mark.parametrize("seed", SEEDS[:3])
def test_pyarrow_reads_quiver_csv(seed, tmp_path, quiver_cli):
    table = random_table(seed).drop_columns(["n"])
    got = pacsv.read_csv(_quiver_csv(table, tmp_path, f"w{seed}"))
    assert_same(got, _strings_as_written(table), f"seed {seed}: pyarrow reading quiver's CSV")


@pytest.mark.parametrize("seed", SEEDS[:3])
def test_quiver_csv_matches_pyarrow_csv_text(seed, tmp_path, quiver_cli):
    """Numbers, dates, timestamps and booleans: the same text as pyarrow's
    writer (pyarrow quotes every string and the header; quiver only where
    needed, so compare the parsed fields)."""
    import csv
    table = random_table(seed).drop_columns(["s", "n"])
    ours = _quiver_csv(table, tmp_path, f"t{seed}").read_text()
    buf = io.BytesIO()
    pacsv.write_csv(table, buf)
    theirs = buf.getvalue().decode()
    assert list(csv.reader(io.StringIO(ours))) == list(csv.reader(io.StringIO(theirs)))


@pytest.mark.parametrize("seed", SEEDS[:3])
def test_polars_reads_quiver_csv(seed, tmp_path, quiver_cli):
    import polars as pl
    table = random_table(seed).drop_columns(["n"])
    df = pl.read_csv(_quiver_csv(table, tmp_path, f"p{seed}"), try_parse_dates=True, infer_schema_length=None)
    got = df.to_arrow()
    want = _strings_as_written(table)
    for name in want.column_names:
        g = got.column(name).cast(pa.large_string()) if name == "s" else got.column(name)
        w = want.column(name)
        if name == "s":
            g = pa.chunked_array([g.combine_chunks().fill_null("")])
            w = w.cast(pa.large_string())
        else:
            g = g.cast(w.type)
        assert g.combine_chunks().equals(w.combine_chunks()), f"seed {seed}: polars column {name} differs"


@pytest.mark.parametrize("seed", SEEDS[:3])
def test_duckdb_reads_quiver_csv(seed, tmp_path, quiver_cli):
    import duckdb
    table = random_table(seed).drop_columns(["n"])
    path = _quiver_csv(table, tmp_path, f"k{seed}")
    got = duckdb.sql(f"SELECT * FROM read_csv('{path}', header=true, sample_size=-1)").arrow()
    if isinstance(got, pa.RecordBatchReader):  # duckdb >= 1.4 hands out a reader
        got = got.read_all()
    want = _strings_as_written(table)
    for name in want.column_names:
        g = got.column(name)
        w = want.column(name)
        if name == "s":
            g = g.cast(pa.string()).fill_null("")
        else:
            g = g.cast(w.type)
        assert g.combine_chunks().equals(w.combine_chunks()), f"seed {seed}: duckdb column {name} differs"
