"""quiver tables in polars, duckdb and pandas (and back), via the PyCapsule
protocol: the values each engine sees equal the values of the same data
coming from pyarrow.
"""
import datetime
import decimal

import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import quiver as qv


def _sample():
    return {
        "i": [1, None, 3, -4],
        "f": [1.5, 2.5, None, float("inf")],
        "s": ["a", "bb", None, "\u00e9"],
        "b": [True, None, False, True],
        "l": [[1, 2], [], None, [3]],
        "st": [{"x": 1, "y": "p"}, None, {"x": None, "y": "q"}, {"x": 4, "y": None}],
        "d": [datetime.date(2020, 1, 1), None, datetime.date(1999, 12, 31), datetime.date(2000, 2, 29)],
        "ts": [datetime.datetime(2020, 1, 1, 1, 2, 3), None, datetime.datetime(1970, 1, 1),
               datetime.datetime(2038, 1, 19)],
        "dec": [decimal.Decimal("1.25"), None, decimal.Decimal("-3.50"), decimal.Decimal("0.01")],
    }


@pytest.fixture
def tables():
    data = _sample()
    return qv.table(data), pa.table(data)


def test_polars_dataframe_from_quiver_table(tables):
    qt, pt = tables
    df = pl.DataFrame(qt)
    assert df.equals(pl.DataFrame(pt))
    assert df.to_dict(as_series=False) == pl.DataFrame(pt).to_dict(as_series=False)
    assert df.columns == qt.column_names


def test_polars_from_arrow(tables):
    qt, pt = tables
    # polars turns any non-pyarrow PyCapsule object into a Series: a table
    # arrives as a struct Series whose fields are the columns
    s = pl.from_arrow(qt)
    assert isinstance(s, pl.Series)
    assert s.struct.unnest().equals(pl.from_arrow(pt))
    arr = qv.array([1, None, 3])
    assert pl.from_arrow(arr).to_list() == [1, None, 3]
    assert pl.Series(arr).to_list() == [1, None, 3]


def test_polars_to_quiver():
    df = pl.DataFrame({"a": [1, 2, None], "s": ["x", None, "zz"], "l": [[1], None, []]})
    qt = qv.table(df)
    qt.validate(full=True)
    assert qt.to_pydict() == df.to_dict(as_series=False)
    qb = qv.record_batch(df)
    assert qb.to_pydict() == df.to_dict(as_series=False)
    s = qv.array(df["s"])
    assert s.to_pylist() == ["x", None, "zz"]
    assert str(s.type) in ("string_view", "large_string", "string")
    chunked = qv.chunked_array(pl.concat([df, df], rechunk=False)["a"])
    assert chunked.to_pylist() == [1, 2, None, 1, 2, None]


def test_duckdb_queries_a_quiver_table(tables):
    qt, pt = tables
    t = qt  # duckdb finds `t` by name and reads it through __arrow_c_stream__
    rows = duckdb.sql("select i, f, s, b, l, st, d, ts, dec from t").fetchall()
    t = pt
    expected = duckdb.sql("select i, f, s, b, l, st, d, ts, dec from t").fetchall()
    assert rows == expected
    t = qt
    assert duckdb.sql("select sum(i), count(s), max(len(l)) from t").fetchall() == [(0, 3, 2)]
    assert duckdb.sql("select s from t where i > 0 order by i").fetchall() == [("a",), (None,)]


def test_duckdb_results_to_quiver():
    rel = duckdb.sql("select range as x, 'v' || range::varchar as y, [range, range + 1] as z from range(5)")
    qt = qv.table(rel)
    qt.validate(full=True)
    assert qt.to_pydict() == {"x": list(range(5)), "y": ["v%d" % i for i in range(5)],
                              "z": [[i, i + 1] for i in range(5)]}
    assert qv.table(duckdb.sql("select 1 as a where false")).num_rows == 0


def test_pandas_through_pyarrow_arrow_dtypes(tables):
    qt, pt = tables
    got = pa.table(qt).to_pandas(types_mapper=pd.ArrowDtype)
    want = pt.to_pandas(types_mapper=pd.ArrowDtype)
    pd.testing.assert_frame_equal(got, want)
    assert got["s"].tolist()[:2] == ["a", "bb"]


def test_pandas_to_quiver():
    df = pd.DataFrame({"a": [1, 2, 3], "s": ["x", "y", None]})
    qt = qv.table(pa.Table.from_pandas(df, preserve_index=False))
    assert qt.to_pydict() == {"a": [1, 2, 3], "s": ["x", "y", None]}
    if hasattr(df, "__arrow_c_stream__"):
        direct = qv.table(df)
        assert direct.column("a").to_pylist() == [1, 2, 3]


def test_nanoarrow():
    # scripts/deps.sh installs nanoarrow: a missing module is a failure, not a skip.
    import nanoarrow as na

    q = qv.array([1, None, 3])
    n = na.Array(q)
    assert n.to_pylist() == [1, None, 3]
    assert qv.array(n).to_pylist() == [1, None, 3]
