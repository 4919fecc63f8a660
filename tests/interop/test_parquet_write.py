"""Parquet files written by quiver, read by pyarrow, duckdb and polars.

The oracle is pyarrow writing the same table: for every Arrow type (the
CASES of conftest.py, full, sliced and empty), quiver's file must read back
in pyarrow exactly as pyarrow's own file does (same Arrow schema, restored
from ARROW:schema, and same values), and duckdb and polars must read the
two files to equal results. Types pyarrow refuses to write (unions, run-end
encoded, intervals) must be refused by quiver too. Every codec, dictionary
on and off, data pages v1 and v2, small pages and small row groups are
exercised on one wide table; hostile arrays give an error naming the column
and the row.
"""
import decimal
import io
import os

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import quiver
from quiver._parquet_write import write_table

from conftest import CASES, variants

CODECS = ["none", "snappy", "gzip", "zstd", "lz4", "brotli"]


def _pyarrow_bytes(table, **kw):
    buf = io.BytesIO()
    pq.write_table(table, buf, **kw)
    return buf.getvalue()


def _quiver_bytes(table, **kw):
    buf = io.BytesIO()
    write_table(quiver.table(table), buf, **kw)
    return buf.getvalue()


def _read(data):
    return pq.read_table(io.BytesIO(data))


def _decoded(table):
    """Dictionary columns decoded: quiver builds its own dictionary (values in
    first-seen order), pyarrow keeps the Arrow one; the values must agree."""
    cols = [c.cast(c.type.value_type) if pa.types.is_dictionary(c.type) else c for c in table.columns]
    return pa.table(cols, names=table.column_names)


def _assert_same_read(mine, theirs):
    a, b = _read(mine), _read(theirs)
    assert a.schema == b.schema, "schema\n%s\nvs pyarrow's\n%s" % (a.schema, b.schema)
    assert _decoded(a).equals(_decoded(b)), "values\n%s\nvs pyarrow's\n%s" % (a, b)


def _writable_by_pyarrow(table):
    try:
        return _pyarrow_bytes(table)
    except (pa.ArrowNotImplementedError, pa.ArrowInvalid, pa.ArrowTypeError):
        return None


@pytest.mark.parametrize("variant", ["full", "empty", "sliced", "middle"])
def test_every_type_reads_back_as_pyarrow_reads_its_own(pa_case, variant):
    name, arr = pa_case
    arrays = dict(variants(arr))
    if variant not in arrays:
        pytest.skip("array too short for this variant")
    table = pa.table({"c": arrays[variant]})
    theirs = _writable_by_pyarrow(table)
    if theirs is None:
        with pytest.raises((NotImplementedError, ValueError)) as info:
            _quiver_bytes(table)
        assert "'c'" in str(info.value)
        return
    _assert_same_read(_quiver_bytes(table), theirs)


def wide_table(rows=3000, seed=7):
    """Every Parquet-writable type in one table, with nulls, nesting and
    enough rows for several pages when pages are small."""
    rng = np.random.default_rng(seed)
    null = rng.random(rows) < 0.2
    ints = rng.integers(-(2**40), 2**40, rows)
    words = np.array(["alpha", "beta", "gamma", "delta", "", "\u00e9t\u00e9"])
    strings = [None if m else str(words[k]) for m, k in zip(null, rng.integers(0, len(words), rows))]
    randstr = ["".join(chr(97 + c) for c in rng.integers(0, 26, int(rng.integers(0, 30)))) for _ in range(rows)]
    lists = [None if m else [int(x) for x in rng.integers(0, 100, int(rng.integers(0, 4)))] for m in null]
    cols = {
        "i8": pa.array(ints % 100, pa.int8(), mask=null),
        "u16": pa.array(np.abs(ints) % 60000, pa.uint16(), mask=null),
        "i32": pa.array(ints % 2**31, pa.int32()),
        "u32": pa.array(np.abs(ints) % 2**32, pa.uint32(), mask=null),
        "i64": pa.array(ints, pa.int64(), mask=null),
        "u64": pa.array(np.abs(ints).astype(np.uint64) * 1000003, pa.uint64()),
        "f32": pa.array(rng.standard_normal(rows).astype(np.float32), mask=null),
        "f64": pa.array(rng.standard_normal(rows)),
        "f16": pa.array(rng.standard_normal(rows).astype(np.float16), mask=null),
        "b": pa.array(rng.random(rows) < 0.5, mask=null),
        "s": pa.array(strings),
        "rs": pa.array(randstr, pa.large_string()),
        "sv": pa.array(randstr, pa.string_view()),
        "bin": pa.array([s.encode() for s in randstr], pa.binary()),
        "fsb": pa.array([bytes([k % 256] * 3) for k in range(rows)], pa.binary(3)),
        "dec": pa.array([None if m else int(x) for m, x in zip(null, ints % 10**9)], pa.int64()).cast(
            pa.decimal128(25, 3)),
        "d32": pa.array((ints % 30000).astype(np.int32)).view(pa.date32()),
        "ts": pa.array(ints, mask=null).view(pa.timestamp("us", tz="UTC")),
        "tns": pa.array(ints).view(pa.timestamp("ns")),
        "t64": pa.array(np.abs(ints) % 86400000000).view(pa.time64("us")),
        "dur": pa.array(ints, mask=null).view(pa.duration("ms")),
        "dict": pa.array(strings).dictionary_encode(),
        "l": pa.array(lists, pa.list_(pa.int32())),
        "ll": pa.array([None if x is None else [str(v) for v in x] for x in lists], pa.large_list(pa.string())),
        "st": pa.StructArray.from_arrays([pa.array(ints % 7, pa.int16()), pa.array(strings)], ["x", "y"],
                                         mask=pa.array(rng.random(rows) < 0.1)),
        "m": pa.array([None if x is None else [(str(v), v) for v in x] for x in lists],
                      pa.map_(pa.string(), pa.int64())),
    }
    return pa.table(cols)


@pytest.mark.parametrize("compression", CODECS)
@pytest.mark.parametrize("use_dictionary", [True, False])
@pytest.mark.parametrize("page_version", ["1.0", "2.0"])
def test_options_matrix(compression, use_dictionary, page_version):
    t = wide_table()
    kw = dict(compression=compression, use_dictionary=use_dictionary, data_page_version=page_version,
              data_page_size=2048, row_group_size=1000)
    mine = _quiver_bytes(t, **kw)
    theirs = _pyarrow_bytes(t, **kw)
    _assert_same_read(mine, theirs)
    meta = pq.ParquetFile(io.BytesIO(mine)).metadata
    assert meta.num_row_groups == 3
    codec = {"none": "UNCOMPRESSED", "lz4": "LZ4"}.get(compression, compression.upper())
    col = meta.row_group(0).column(0)
    assert col.compression == codec
    assert ("RLE_DICTIONARY" in col.encodings) == use_dictionary
    # small pages: the random-string column needs several data pages
    rs = pq.ParquetFile(io.BytesIO(mine)).metadata.row_group(0).column(t.schema.get_field_index("rs"))
    assert rs.total_uncompressed_size > 4 * 2048


def test_dictionary_falls_back_to_plain_past_the_limit():
    rows = 20000
    t = pa.table({"s": pa.array(["value-%06d" % k for k in range(rows)])})
    mine = _quiver_bytes(t, dictionary_pagesize_limit=4096, data_page_size=1024)
    col = pq.ParquetFile(io.BytesIO(mine)).metadata.row_group(0).column(0)
    assert "RLE_DICTIONARY" in col.encodings and "PLAIN" in col.encodings
    assert col.has_dictionary_page
    assert _read(mine).equals(t)


def test_statistics_match_pyarrow():
    t = wide_table(rows=500)
    mine = pq.ParquetFile(io.BytesIO(_quiver_bytes(t))).metadata.row_group(0)
    theirs = pq.ParquetFile(io.BytesIO(_pyarrow_bytes(t))).metadata.row_group(0)
    assert mine.num_columns == theirs.num_columns
    for i in range(mine.num_columns):
        a, b = mine.column(i), theirs.column(i)
        assert a.path_in_schema == b.path_in_schema
        sa, sb = a.statistics, b.statistics
        assert sa.null_count == sb.null_count, a.path_in_schema
        if sb.has_min_max and b.physical_type != "BOOLEAN":
            assert sa.has_min_max, a.path_in_schema
            assert (sa.min, sa.max) == (sb.min, sb.max), a.path_in_schema


def test_long_strings_get_truncated_statistics_bounds():
    long_a, long_z = "a" * 200 + "x", "z" * 150 + "\u00e9" * 10
    t = pa.table({"s": [long_a, "m", long_z]})
    st = pq.ParquetFile(io.BytesIO(_quiver_bytes(t))).metadata.row_group(0).column(0).statistics
    assert len(st.min) <= 64 and long_a.startswith(st.min)
    assert len(st.max.encode()) <= 64 and st.max > long_z[: len(st.max)] and st.max >= "z"
    assert _read(_quiver_bytes(t)).equals(t)


def test_multi_batch_table_row_groups_span_batches():
    t = wide_table(rows=900)
    batches = t.to_batches(max_chunksize=250)
    chunked = pa.Table.from_batches(batches + [batches[0].slice(0, 0)])
    mine = _quiver_bytes(chunked, row_group_size=400)
    meta = pq.ParquetFile(io.BytesIO(mine)).metadata
    assert [meta.row_group(g).num_rows for g in range(meta.num_row_groups)] == [400, 400, 100]
    _assert_same_read(mine, _pyarrow_bytes(chunked))


def test_empty_table_has_one_empty_row_group():
    t = wide_table(rows=10).slice(0, 0)
    mine = _quiver_bytes(t)
    assert pq.ParquetFile(io.BytesIO(mine)).metadata.num_row_groups == 1
    _assert_same_read(mine, _pyarrow_bytes(t))


def test_store_decimal_as_integer_matches_pyarrow():
    t = pa.table({name: CASES[name] for name in ["decimal32", "decimal64", "decimal128", "decimal256"]})
    small = [decimal.Decimal("0.01"), None, decimal.Decimal("-9999999999.99")]
    t = t.append_column("small128", pa.array(small, pa.decimal128(12, 2)))
    mine = _quiver_bytes(t, store_decimal_as_integer=True)
    theirs = _pyarrow_bytes(t, store_decimal_as_integer=True)
    _assert_same_read(mine, theirs)
    ours = pq.ParquetFile(io.BytesIO(mine)).schema
    pyas = pq.ParquetFile(io.BytesIO(theirs)).schema
    assert [c.physical_type for c in ours] == [c.physical_type for c in pyas]
    assert [c.physical_type for c in ours] == ["INT32", "INT64", "FIXED_LEN_BYTE_ARRAY", "FIXED_LEN_BYTE_ARRAY",
                                               "INT64"]


def test_schema_metadata_is_kept():
    t = pa.table({"a": [1, 2]}).replace_schema_metadata({"origin": "test"})
    back = _read(_quiver_bytes(t))
    assert back.schema.metadata[b"origin"] == b"test"


@pytest.mark.parametrize("compression", ["snappy", "zstd"])
def test_duckdb_reads_what_it_reads_from_pyarrow(tmp_path, compression):
    duckdb = pytest.importorskip("duckdb")
    t = wide_table(rows=2000).drop_columns(["f16", "sv"])  # types duckdb maps differently per file
    mine, theirs = tmp_path / "q.parquet", tmp_path / "p.parquet"
    write_table(quiver.table(t), str(mine), compression=compression, data_page_size=4096)
    pq.write_table(t, theirs, compression=compression, data_page_size=4096)
    def read(path):
        got = duckdb.connect().sql("SELECT * FROM read_parquet('%s')" % path).arrow()
        return got.read_all() if hasattr(got, "read_all") else got

    a, b = read(mine), read(theirs)
    assert a.schema == b.schema
    assert a.equals(b)


@pytest.mark.parametrize("page_version", ["1.0", "2.0"])
def test_polars_reads_what_it_reads_from_pyarrow(tmp_path, page_version):
    pl = pytest.importorskip("polars")
    t = wide_table(rows=2000).drop_columns(["f16", "u64", "dur", "fsb", "m"])
    mine, theirs = tmp_path / "q.parquet", tmp_path / "p.parquet"
    write_table(quiver.table(t), str(mine), data_page_version=page_version, data_page_size=4096)
    pq.write_table(t, theirs, data_page_version=page_version, data_page_size=4096)
    a, b = pl.read_parquet(mine), pl.read_parquet(theirs)
    assert a.schema == b.schema
    assert a.equals(b)


def test_path_output_is_atomic_and_leaves_no_debris(tmp_path):
    dest = tmp_path / "out.parquet"
    dest.write_bytes(b"old contents")
    bad = pa.table({"u": CASES["month_day_nano"]})
    with pytest.raises(NotImplementedError):
        write_table(quiver.table(bad), str(dest))
    assert dest.read_bytes() == b"old contents"
    assert sorted(os.listdir(tmp_path)) == ["out.parquet"]
    write_table(quiver.table(pa.table({"a": [1]})), str(dest))
    assert _read(dest.read_bytes()).column("a").to_pylist() == [1]
    assert sorted(os.listdir(tmp_path)) == ["out.parquet"]


def _hostile_list(offsets):
    values = pa.array([1, 2, 3], pa.int32())
    return pa.Array.from_buffers(pa.list_(pa.int32()), len(offsets) - 1,
                                     [None, pa.py_buffer(np.array(offsets, np.int32).tobytes())],
                                     children=[values])


def test_hostile_list_offsets_backwards_name_column_and_row():
    arr = _hostile_list([0, 2, 1, 3])
    with pytest.raises(ValueError, match=r"column 'c\.list\.element' row 1"):
        _quiver_bytes(pa.table({"c": arr}))


def test_hostile_list_offsets_past_child_name_column_and_row():
    arr = _hostile_list([0, 1, 9, 3])
    with pytest.raises(ValueError, match=r"row 1"):
        _quiver_bytes(pa.table({"c": arr}))


def test_hostile_string_offsets_name_column_and_row():
    data = pa.py_buffer(b"abcdef")
    offsets = pa.py_buffer(np.array([0, 3, 2, 6], np.int32).tobytes())
    arr = pa.Array.from_buffers(pa.string(), 3, [None, offsets, data])
    with pytest.raises(ValueError, match=r"column 's' row 1"):
        _quiver_bytes(pa.table({"s": arr}))


def test_hostile_dictionary_index_names_column_and_row():
    arr = pa.DictionaryArray.from_buffers(pa.dictionary(pa.int8(), pa.string()), 3,
                                          [None, pa.py_buffer(np.array([0, 5, 1], np.int8).tobytes())],
                                          dictionary=pa.array(["a", "b"]))
    with pytest.raises(ValueError, match=r"column 'd' row 1: dictionary index 5"):
        _quiver_bytes(pa.table({"d": arr}))
