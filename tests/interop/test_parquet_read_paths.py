"""The fast paths of quiver's Parquet reader against pyarrow's reading of
the same files: column chunks of many pages (v1 and v2, every codec) where
nulls start mid-chunk or stop mid-chunk (definition levels kept lazily),
PLAIN pages decompressed straight into the column (the first page of a
chunk and the pages after it), a dictionary that falls back to PLAIN
mid-chunk, required columns, struct children, single-column reads split
across threads, and row-group selections of sliced tables.
"""
import numpy as np
import pyarrow as pa
import pyarrow.parquet as papq
import pytest

import quiver.parquet as qpq

CODECS = ["snappy", "zstd", "gzip", "lz4", "brotli", "none"]
PAGE_VERSIONS = ["1.0", "2.0"]


def _assert_equal(ours, theirs, what):
    ours = pa.table(ours)
    assert ours.schema.equals(theirs.schema), f"{what}: schema {ours.schema} vs {theirs.schema}"
    assert ours.num_rows == theirs.num_rows, what
    for name in theirs.column_names:
        a = ours.column(name).combine_chunks()
        b = theirs.column(name).combine_chunks()
        assert a.equals(b), f"{what}: column {name!r} differs"


def _table(rows, seed=7):
    rng = np.random.default_rng(seed)
    i64 = rng.integers(-10**12, 10**12, size=rows)
    f64 = rng.standard_normal(rows)
    i32 = rng.integers(-10**6, 10**6, size=rows).astype(np.int32)
    f32 = rng.standard_normal(rows).astype(np.float32)
    strs = ["s%d" % v for v in rng.integers(0, 10**9, size=rows)]
    # nulls only in the middle third: the first pages have none (levels
    # kept lazily), the last pages have none again
    mask = np.zeros(rows, dtype=bool)
    third = rows // 3
    mask[third:2 * third] = rng.random(2 * third - third) < 0.3
    return pa.table({
        "i64": pa.array(i64, mask=mask),
        "f64": pa.array(f64, mask=mask),
        "i32": pa.array(i32, mask=mask),
        "f32": pa.array(f32, mask=mask),
        "ts": pa.array(i64 // 1000, pa.timestamp("us"), mask=mask),
        "str": pa.array(strs, mask=mask),
        "no_nulls": pa.array(i64),
        "late_nulls": pa.array(i64, mask=np.arange(rows) >= rows - 5),
        "first_null": pa.array(i64, mask=np.arange(rows) == 0),
    })


@pytest.mark.parametrize("codec", CODECS)
@pytest.mark.parametrize("version", PAGE_VERSIONS)
@pytest.mark.parametrize("dictionary", [False, True])
def test_multi_page_chunks_with_nulls_mid_chunk(tmp_path, codec, version, dictionary):
    t = _table(30000)
    path = tmp_path / "t.parquet"
    papq.write_table(t, path, compression=codec, data_page_version=version, data_page_size=4096,
                     use_dictionary=dictionary, row_group_size=20000)
    assert papq.ParquetFile(path).metadata.row_group(0).column(0).num_values == 20000
    _assert_equal(qpq.read_table(path), papq.read_table(path), f"{codec}/{version}/dict={dictionary}")
    for col in ("i64", "str", "late_nulls", "first_null"):
        _assert_equal(qpq.read_table(path, columns=[col]), papq.read_table(path, columns=[col]), col)


@pytest.mark.parametrize("codec", ["snappy", "zstd", "none"])
@pytest.mark.parametrize("version", PAGE_VERSIONS)
def test_dictionary_fallback_mid_chunk(tmp_path, codec, version):
    # a dictionary page limit of 2 KiB: the first pages are dictionary
    # indices, the rest PLAIN, in the same column chunk
    t = _table(20000, seed=11)
    path = tmp_path / "fb.parquet"
    papq.write_table(t, path, compression=codec, data_page_version=version, dictionary_pagesize_limit=2048,
                     data_page_size=8192)
    encodings = papq.ParquetFile(path).metadata.row_group(0).column(0).encodings
    assert "PLAIN" in encodings and "RLE_DICTIONARY" in encodings
    _assert_equal(qpq.read_table(path), papq.read_table(path), f"fallback {codec}/{version}")


@pytest.mark.parametrize("version", PAGE_VERSIONS)
def test_required_and_struct_columns(tmp_path, version):
    rows = 12000
    rng = np.random.default_rng(3)
    vals = rng.integers(-10**12, 10**12, size=rows)
    schema = pa.schema([
        pa.field("req", pa.int64(), nullable=False),
        pa.field("req_f", pa.float64(), nullable=False),
        pa.field("s", pa.struct([pa.field("x", pa.int64()), pa.field("y", pa.float64(), nullable=False)])),
    ])
    struct_mask = np.zeros(rows, dtype=bool)
    struct_mask[5000:5100] = True
    s = pa.StructArray.from_arrays(
        [pa.array(vals, mask=np.arange(rows) % 97 == 5), pa.array(vals.astype(np.float64))], names=["x", "y"],
        mask=pa.array(struct_mask))
    t = pa.table([pa.array(vals), pa.array(vals * 0.5), s], schema=schema)
    path = tmp_path / "req.parquet"
    papq.write_table(t, path, compression="snappy", data_page_version=version, data_page_size=2048,
                     use_dictionary=False)
    _assert_equal(qpq.read_table(path), papq.read_table(path), f"required/struct {version}")


def test_one_column_and_row_group_selections(tmp_path):
    # a sliced table (offset 7) in row groups of 3000; single columns and
    # selections of row groups read alone, in any order
    t = _table(20000, seed=5).slice(7, 17000)
    path = tmp_path / "sel.parquet"
    papq.write_table(t, path, compression="zstd", row_group_size=3000, data_page_size=1024)
    f = qpq.ParquetFile(path)
    ref = papq.ParquetFile(path)
    assert f.num_row_groups == 6
    for groups in ([0], [5], [2, 4], [4, 1, 3]):
        ours = f.read_row_groups(groups, columns=["i64", "str"])
        theirs = ref.read_row_groups(groups, columns=["i64", "str"])
        _assert_equal(ours, theirs, f"row groups {groups}")
    for g in range(6):
        _assert_equal(f.read_row_group(g, columns=["f64"]), ref.read_row_group(g, columns=["f64"]), f"group {g}")
    _assert_equal(qpq.read_table(path, columns=["late_nulls"]), papq.read_table(path, columns=["late_nulls"]), "one")


def test_one_row_group_of_many_pages_read_alone(tmp_path):
    # a single row group whose column chunk has hundreds of pages: read as
    # one column (pages split between the threads) with nulls in between
    t = _table(200000, seed=9)
    path = tmp_path / "one_rg.parquet"
    papq.write_table(t, path, compression="snappy", data_page_size=8192, row_group_size=200000)
    assert papq.ParquetFile(path).metadata.num_row_groups == 1
    for col in ("i64", "f32", "str", "first_null"):
        _assert_equal(qpq.read_table(path, columns=[col]), papq.read_table(path, columns=[col]), col)
    _assert_equal(qpq.read_table(path), papq.read_table(path), "all")
