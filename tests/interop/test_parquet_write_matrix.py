"""The conformance matrix of quiver's Parquet writer against duckdb and polars.

For every codec x dictionary on/off x data page v1/v2 (small pages, small
row groups), the wide table of test_parquet_write.py (every common type
with nulls, nesting, a dictionary column) is written by quiver and by
pyarrow with the same options; duckdb and polars must read the two files to
equal results (pyarrow's own reading of quiver's files across this matrix is
test_parquet_write.py's test_options_matrix). Then tables assembled from
slices and empty batches, written in several row groups, read back equal by
pyarrow, duckdb and polars, and read back equal by quiver itself.
"""
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import quiver
import quiver.parquet as qpq
from quiver._parquet_write import write_table

from test_parquet_write import CODECS, _decoded, wide_table

duckdb = pytest.importorskip("duckdb")
pl = pytest.importorskip("polars")

# Columns each peer maps differently per file or cannot read: left out of its comparison.
DUCKDB_SKIP = ["f16", "sv"]
POLARS_SKIP = ["f16", "u64", "dur", "fsb", "m"]


def _duck(path, columns):
    rel = duckdb.connect().sql("SELECT %s FROM read_parquet('%s')" % (", ".join('"%s"' % c for c in columns), path))
    got = rel.arrow()
    return got.read_all() if hasattr(got, "read_all") else got


@pytest.fixture(scope="module")
def table():
    return wide_table(rows=1500)


@pytest.mark.parametrize("compression", CODECS)
@pytest.mark.parametrize("use_dictionary", [True, False])
@pytest.mark.parametrize("page_version", ["1.0", "2.0"])
def test_duckdb_and_polars_read_quiver_as_pyarrow(tmp_path, table, compression, use_dictionary, page_version):
    kw = dict(compression=compression, use_dictionary=use_dictionary, data_page_version=page_version,
              data_page_size=1024, row_group_size=600)
    mine, theirs = tmp_path / "q.parquet", tmp_path / "p.parquet"
    write_table(quiver.table(table), str(mine), **kw)
    pq.write_table(table, theirs, **kw)
    cols = [c for c in table.column_names if c not in DUCKDB_SKIP]
    a, b = _duck(mine, cols), _duck(theirs, cols)
    assert a.schema == b.schema
    assert a.equals(b)
    cols = [c for c in table.column_names if c not in POLARS_SKIP]
    pa_, pb = pl.read_parquet(mine, columns=cols), pl.read_parquet(theirs, columns=cols)
    assert pa_.schema == pb.schema
    assert pa_.equals(pb)


def test_slices_and_empty_batches_in_row_groups(tmp_path, table):
    # batches: a middle slice, an empty one, the head, another empty one, the tail
    parts = [table.slice(700, 300), table.slice(0, 0), table.slice(0, 450), table.slice(5, 0), table.slice(1200)]
    whole = pa.concat_tables(parts)
    batches = [quiver.record_batch(b) for p in parts for b in p.to_batches()]
    empty = table.slice(0, 1).to_batches()[0].slice(0, 0)
    batches.insert(1, quiver.record_batch(empty))  # an empty batch between slices
    q = quiver.Table.from_batches(batches, schema=table.schema)
    assert q.num_rows == whole.num_rows
    path = tmp_path / "parts.parquet"
    write_table(q, str(path), row_group_size=250, data_page_size=2048)
    meta = pq.ParquetFile(path).metadata
    assert meta.num_rows == whole.num_rows and meta.num_row_groups == -(-whole.num_rows // 250)
    # (dictionary columns compared decoded: each row group has its own dictionary)
    assert _decoded(pq.read_table(path)).equals(_decoded(whole))
    assert _decoded(pa.table(qpq.read_table(path))).equals(_decoded(whole))
    cols = [c for c in table.column_names if c not in DUCKDB_SKIP]
    assert _duck(path, cols).equals(_duck(_pyarrow_file(tmp_path, whole), cols))
    cols = [c for c in table.column_names if c not in POLARS_SKIP]
    assert pl.read_parquet(path, columns=cols).equals(pl.read_parquet(_pyarrow_file(tmp_path, whole), columns=cols))


def _pyarrow_file(tmp_path, t):
    p = tmp_path / "ref.parquet"
    if not p.exists():
        pq.write_table(t, p, row_group_size=250)
    return p


def test_empty_table_reads_as_empty_everywhere(tmp_path, table):
    empty = table.slice(0, 0)
    path = tmp_path / "empty.parquet"
    write_table(quiver.table(empty), str(path))
    assert pq.read_table(path).equals(empty)
    cols = [c for c in table.column_names if c not in DUCKDB_SKIP]
    assert _duck(path, cols).num_rows == 0
    assert pl.read_parquet(path, columns=[c for c in table.column_names if c not in POLARS_SKIP]).height == 0
