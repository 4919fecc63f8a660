"""quiver's Parquet reader against pyarrow's, on every file of
parquet-testing and on tables written by pyarrow (many types and options),
duckdb and polars.

parquet-testing is found through $QV_PARQUET_TESTING (default
../shared/parquet-testing beside the repo). Every file under data/ is read
by both; the tables must be equal (types and values). A file quiver cannot
read yet is listed in EXPECTED_FAILURES with the reason; a file pyarrow
refuses must be refused by quiver too. Every file under bad_data/ must give
a clean error (or, where pyarrow reads it, the same table). The summary test
prints the counts.
"""
import os
import pathlib

import pyarrow as pa
import pyarrow.parquet as papq
import pytest

import quiver as qv
import quiver.parquet as qpq

REPO = pathlib.Path(__file__).resolve().parents[2]

# file name -> why quiver's table differs from pyarrow's (kept explicit: a
# file leaves this list the day it reads equal, and the test says so).
EXPECTED_FAILURES = {}

# Files both readers must refuse (pyarrow's reason, quiver must also raise).
REFUSED = {
    "datapage_v1-corrupt-checksum.parquet": "a page CRC does not match (pyarrow checks with page_checksum_verification)",
    "rle-dict-uncompressed-corrupt-checksum.parquet": "a page CRC does not match",
    "incorrect_map_schema.parquet": "a map key is optional (Arrow requires map keys)",
}


def parquet_testing():
    env = os.environ.get("QV_PARQUET_TESTING")
    path = pathlib.Path(env) if env else (REPO / ".." / "shared" / "parquet-testing").resolve()
    if not path.is_dir():
        if env:
            pytest.fail(f"QV_PARQUET_TESTING={env} is set but is not a directory")
        pytest.skip(f"parquet-testing not found at {path} (set QV_PARQUET_TESTING)")
    return path


def _files(sub):
    env = os.environ.get("QV_PARQUET_TESTING")
    root = pathlib.Path(env) if env else (REPO / ".." / "shared" / "parquet-testing").resolve()
    d = root / sub
    if not d.is_dir():
        return []
    return sorted(p.name for p in d.rglob("*") if p.is_file() and (p.suffix == ".parquet" or p.name.endswith(".parquet.encrypted")))


DATA_FILES = [f for f in _files("data")]
BAD_FILES = _files("bad_data")


def to_pyarrow(t):
    return pa.table(t)


def pyarrow_read(path):
    return papq.read_table(path, page_checksum_verification=True)


def assert_same(ours, theirs, what):
    ours = to_pyarrow(ours)
    assert ours.schema.equals(theirs.schema), f"{what}: schema\nquiver:\n{ours.schema}\npyarrow:\n{theirs.schema}"
    assert ours.num_rows == theirs.num_rows, what
    for name, a, b in zip(theirs.column_names, ours.columns, theirs.columns):
        a = a.combine_chunks() if a.num_chunks != 1 else a.chunk(0)
        b = b.combine_chunks() if b.num_chunks != 1 else b.chunk(0)
        if not a.equals(b):
            la, lb = a.to_pylist(), b.to_pylist()
            bad = next((i for i, (x, y) in enumerate(zip(la, lb)) if x != y and not (x != x and y != y)), None)
            if bad is None:
                continue  # equal up to NaN payloads
            raise AssertionError(f"{what}: column {name!r} row {bad}: quiver {la[bad]!r} pyarrow {lb[bad]!r}")


def _data_path(name):
    base = parquet_testing() / "data"
    hits = list(base.rglob(name))
    assert hits, name
    return hits[0]


@pytest.mark.parametrize("name", DATA_FILES)
def test_data_file(name):
    path = _data_path(name)
    try:
        theirs = pyarrow_read(path)
    except Exception as e:  # pyarrow refuses: quiver must refuse too
        with pytest.raises((qv.ArrowException, OSError)) as ours:
            qpq.read_table(path)
        if name.endswith(".encrypted"):
            assert "encryption is not supported" in str(ours.value), str(ours.value)
        assert name in REFUSED or name.endswith(".encrypted"), f"pyarrow refuses {name} ({e}): list it in REFUSED"
        return
    if name in EXPECTED_FAILURES:
        try:
            assert_same(qpq.read_table(path), theirs, name)
        except Exception:
            pytest.xfail(EXPECTED_FAILURES[name])
        pytest.fail(f"{name} now reads equal: remove it from EXPECTED_FAILURES")
    assert_same(qpq.read_table(path), theirs, name)


@pytest.mark.parametrize("name", BAD_FILES)
def test_bad_file(name):
    path = parquet_testing() / "bad_data" / name
    try:
        ours = qpq.read_table(path)
    except (qv.ArrowException, OSError) as e:
        assert str(e), name  # a message, not a bare status
        return
    theirs = pyarrow_read(path)  # quiver read it: pyarrow must agree
    assert_same(ours, theirs, name)


def test_summary(capsys):
    """Counts, for the report: data files read equal / refused with pyarrow /
    expected failures; bad files refused cleanly."""
    parquet_testing()
    equal = refused = xfail = 0
    for name in DATA_FILES:
        path = _data_path(name)
        try:
            theirs = pyarrow_read(path)
        except Exception:
            refused += 1
            continue
        try:
            assert_same(qpq.read_table(path), theirs, name)
            equal += 1
        except Exception:
            xfail += 1
    bad_refused = 0
    for name in BAD_FILES:
        try:
            qpq.read_table(parquet_testing() / "bad_data" / name)
        except (qv.ArrowException, OSError):
            bad_refused += 1
    with capsys.disabled():
        print(f"\nparquet-testing/data: {equal} read equal, {refused} refused by both, {xfail} differ "
              f"(of {len(DATA_FILES)}); bad_data: {bad_refused} refused, {len(BAD_FILES) - bad_refused} read equal "
              f"(of {len(BAD_FILES)})")
    assert xfail == len(EXPECTED_FAILURES)


# ---- tables written by pyarrow, duckdb and polars ----

from conftest import CASES  # noqa: E402

WRITE_OPTIONS = {
    "default": {},
    "no_dictionary": {"use_dictionary": False},
    "page_v2": {"data_page_version": "2.0"},
    "page_v2_uncompressed": {"data_page_version": "2.0", "compression": "none"},
    "snappy_small_pages": {"compression": "snappy", "data_page_size": 64, "write_batch_size": 7},
    "gzip": {"compression": "gzip"},
    "zstd": {"compression": "zstd"},
    "lz4": {"compression": "lz4"},
    "brotli": {"compression": "brotli"},
    "none": {"compression": "none"},
    "delta": {"use_dictionary": False, "column_encoding": "DELTA_BINARY_PACKED"},
    "byte_stream_split": {"use_dictionary": False, "use_byte_stream_split": True},
    "crc": {"write_page_checksum": True},
    "v1_format": {"version": "1.0"},
    "row_groups_of_3": {"row_group_size": 3},
}

# CASES pyarrow cannot write to Parquet at all, and why.
UNWRITABLE = {"month_interval", "day_time_interval", "month_day_nano_interval", "interval_months", "interval_day_time",
              "interval_month_day_nano", "dense_union", "sparse_union", "union", "run_end_encoded", "ree",
              "list_view", "large_list_view"}


def _table_of_cases():
    cols = {}
    for name, arr in sorted(CASES.items()):
        cols[name] = arr
    return cols


def _writable_cases(tmp_path):
    """(name, pyarrow array) for every CASE pyarrow can write and read back."""
    out = []
    for name, arr in sorted(CASES.items()):
        if name in UNWRITABLE:
            continue
        path = tmp_path / f"probe_{name}.parquet"
        try:
            papq.write_table(pa.table({"c": arr}), path)
            papq.read_table(path)
        except Exception:
            continue
        out.append((name, arr))
    return out


@pytest.mark.parametrize("option", sorted(WRITE_OPTIONS))
def test_pyarrow_written(tmp_path, option):
    cases = _writable_cases(tmp_path)
    assert len(cases) > 20
    kw = dict(WRITE_OPTIONS[option])
    failures = []
    for name, arr in cases:
        table = pa.table({"c": arr, "sliced": pa.concat_arrays([arr, arr]).slice(1, len(arr))})
        path = tmp_path / f"{option}_{name}.parquet"
        try:
            col_kw = dict(kw)
            if col_kw.get("column_encoding") == "DELTA_BINARY_PACKED" and not pa.types.is_integer(arr.type):
                col_kw.pop("column_encoding")
            papq.write_table(table, path, **col_kw)
        except Exception:
            continue  # this option does not apply to this type
        try:
            assert_same(qpq.read_table(path), papq.read_table(path), f"{option}/{name}")
        except Exception as e:
            failures.append(f"{name}: {e}")
    assert not failures, "\n".join(failures)


def test_pyarrow_empty_and_null_row_groups(tmp_path):
    t = pa.table({"a": pa.array([None] * 5, pa.int64()), "b": pa.array(["x", None, "y", None, "z"]),
                  "l": pa.array([[1, None], None, [], [2], None], pa.list_(pa.int32()))})
    path = tmp_path / "e.parquet"
    with papq.ParquetWriter(path, t.schema) as w:
        w.write_table(t.slice(0, 0))
        w.write_table(t)
        w.write_table(t.slice(2, 1))
    assert_same(qpq.read_table(path), papq.read_table(path), "empty row groups")


def test_nested_deep(tmp_path):
    ty = pa.list_(pa.struct([("a", pa.list_(pa.int32())), ("m", pa.map_(pa.string(), pa.list_(pa.string())))]))
    arr = pa.array([
        [{"a": [1, 2, None], "m": [("k", ["x", None]), ("j", None)]}, None, {"a": None, "m": None}],
        None, [], [{"a": [], "m": []}],
    ], ty)
    t = pa.table({"deep": arr, "s": pa.array([{"x": {"y": 1}}, None, {"x": None}, {"x": {"y": None}}],
                                              pa.struct([("x", pa.struct([("y", pa.int8())]))]))})
    for version in ("1.0", "2.0"):
        path = tmp_path / f"deep{version}.parquet"
        papq.write_table(t, path, data_page_version=version)
        assert_same(qpq.read_table(path), papq.read_table(path), "deep " + version)


def test_duckdb_written(tmp_path):
    duckdb = pytest.importorskip("duckdb")
    path = tmp_path / "duck.parquet"
    con = duckdb.connect()
    con.execute(f"""COPY (SELECT i AS id, i * 1.5 AS f, 'str' || (i % 7) AS s,
                    CASE WHEN i % 3 = 0 THEN NULL ELSE i END AS n,
                    DATE '2020-01-01' + i::INTEGER AS d, TIMESTAMP '2020-01-01' + INTERVAL (i) SECOND AS ts,
                    [i, i + 1] AS l, {{'a': i, 'b': 'x'}} AS st, i::DECIMAL(10, 2) AS dec,
                    MAP {{'k': i}} AS m
                    FROM range(5000) t(i)) TO '{path}' (FORMAT PARQUET)""")
    assert_same(qpq.read_table(path), papq.read_table(path), "duckdb")
    for codec in ("zstd", "gzip", "snappy", "uncompressed"):
        p2 = tmp_path / f"duck_{codec}.parquet"
        con.execute(f"COPY (SELECT i, 'v' || i AS s FROM range(3000) t(i)) TO '{p2}' (FORMAT PARQUET, CODEC '{codec}')")
        assert_same(qpq.read_table(p2), papq.read_table(p2), "duckdb " + codec)


def test_polars_written(tmp_path):
    pl = pytest.importorskip("polars")
    df = pl.DataFrame({"i": list(range(1000)), "s": [f"s{i % 13}" if i % 5 else None for i in range(1000)],
                       "f": [i / 3 for i in range(1000)], "l": [[i, None] for i in range(1000)],
                       "b": [i % 2 == 0 for i in range(1000)]})
    for codec in ("zstd", "snappy", "lz4", "gzip", "uncompressed", "brotli"):
        path = tmp_path / f"polars_{codec}.parquet"
        df.write_parquet(path, compression=codec)
        assert_same(qpq.read_table(path), papq.read_table(path), "polars " + codec)


def test_projection_and_row_groups(tmp_path):
    t = pa.table({"a": list(range(100)), "b": [str(i) for i in range(100)], "c": [[i] for i in range(100)]})
    path = tmp_path / "p.parquet"
    papq.write_table(t, path, row_group_size=30)
    f = qpq.ParquetFile(path)
    assert f.num_row_groups == 4
    assert f.metadata.num_rows == 100
    assert f.metadata.row_group(1).num_rows == 30
    st = f.metadata.row_group(0).column(0).statistics
    assert st["null_count"] == 0 and st["min"] == (0).to_bytes(8, "little") and st["max"] == (29).to_bytes(8, "little")
    got = pa.table(f.read(columns=["c", "a"]))
    assert got.column_names == ["c", "a"]
    assert got.equals(t.select(["c", "a"]))
    rg = pa.record_batch(f.read_row_group(2, columns=["b"]))
    assert rg.column(0).to_pylist() == [str(i) for i in range(60, 90)]
    batches = list(f.iter_batches(batch_size=20))
    assert sum(b.num_rows for b in batches) == 100
    assert pa.Table.from_batches([pa.record_batch(b) for b in batches]).equals(t)
    with pytest.raises(KeyError):
        f.read(columns=["nope"])
    with pytest.raises(IndexError):
        f.read_row_group(4)
    assert f.schema_arrow.names == ["a", "b", "c"]
