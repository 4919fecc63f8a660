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
