"""quiver's Parquet writer options, checked by other readers.

- column_encoding / use_byte_stream_split (pyarrow's names): every
  encoding, data pages v1 and v2, with and without compression, read back
  equal by pyarrow, duckdb and polars, and the footer lists the encoding;
- write_page_index: pyarrow sees a ColumnIndex and an OffsetIndex on every
  chunk; decoded here, the page locations cover the chunk's pages in order
  and each page's min/max/null count agree with the rows the OffsetIndex
  says the page holds;
- write_page_checksum: pyarrow verifies the CRCs (and catches a flipped byte);
- bloom_filter_options: duckdb's bloom probe never excludes a row group for a
  value written, and excludes it for most values not written; the filter has
  the size pyarrow gives the same ndv and fpp.
"""
import decimal
import io

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

import quiver
from quiver._parquet_write import write_table

ROWS = 5000


def _table(rows=ROWS):
    rng = np.random.default_rng(7)
    ints = rng.integers(-(2**40), 2**40, rows)
    ints[::97] = np.iinfo(np.int64).min
    ints[1::97] = np.iinfo(np.int64).max
    i32 = rng.integers(-(2**31), 2**31 - 1, rows, dtype=np.int32)
    mask = np.arange(rows) % 9 == 4
    words = ["prefix-%05d-%s" % (k // 3, "xyz"[k % 3]) for k in range(rows)]
    return pa.table({
        "i64": pa.array(ints, mask=mask),
        "i32": pa.array(i32),
        "ts": pa.array(np.arange(rows, dtype=np.int64) * 1_000_003, pa.timestamp("us", "UTC")),
        "f64": pa.array(rng.normal(size=rows), mask=mask),
        "f32": pa.array(rng.normal(size=rows).astype(np.float32)),
        "s": pa.array([None if k % 13 == 0 else w for k, w in enumerate(words)]),
        "bin": pa.array([w.encode()[: k % 17] for k, w in enumerate(words)], pa.binary()),
        "fsb": pa.array([bytes([k % 256, (k * 7) % 256, 3, 4]) for k in range(rows)], pa.binary(4)),
        "dec": pa.array([None if k % 5 == 0 else decimal.Decimal(k * 1001) / 100 for k in range(rows)], pa.decimal128(20, 2)),
        "b": pa.array([k % 3 == 0 or (k // 50) % 2 == 1 for k in range(rows)]),
        "l": pa.array([None if k % 11 == 0 else list(range(k % 4)) for k in range(rows)], pa.list_(pa.int32())),
    })


def _quiver(table, **kw):
    buf = io.BytesIO()
    write_table(quiver.table(table), buf, **kw)
    return buf.getvalue()


ENCODED = {
    "DELTA_BINARY_PACKED": ["i64", "i32", "ts", "l"],
    "BYTE_STREAM_SPLIT": ["f64", "f32", "i64", "i32", "fsb", "dec"],
    "DELTA_LENGTH_BYTE_ARRAY": ["s", "bin"],
    "DELTA_BYTE_ARRAY": ["s", "bin", "fsb", "dec"],
    "RLE": ["b"],
    "PLAIN": ["i64", "f64", "s", "b", "fsb"],
}


@pytest.mark.parametrize("encoding", sorted(ENCODED))
@pytest.mark.parametrize("page_version", ["1.0", "2.0"])
@pytest.mark.parametrize("compression", ["none", "zstd"])
def test_column_encoding_reads_back_equal(encoding, page_version, compression):
    t = _table()
    cols = ENCODED[encoding]
    data = _quiver(t, use_dictionary=False, column_encoding={c: encoding for c in cols},
                   data_page_version=page_version, compression=compression, data_page_size=2048)
    assert pq.read_table(io.BytesIO(data)).equals(t)
    meta = pq.ParquetFile(io.BytesIO(data)).metadata.row_group(0)
    paths = {meta.column(k).path_in_schema: meta.column(k) for k in range(meta.num_columns)}
    for c in cols:
        leaf = "l.list.element" if c == "l" else c
        assert encoding in paths[leaf].encodings, (c, paths[leaf].encodings)


@pytest.mark.parametrize("encoding", ["DELTA_BINARY_PACKED", "DELTA_BYTE_ARRAY", "BYTE_STREAM_SPLIT"])
def test_duckdb_and_polars_read_encoded_columns(tmp_path, encoding):
    duckdb = pytest.importorskip("duckdb")
    pl = pytest.importorskip("polars")
    # duckdb reads BYTE_STREAM_SPLIT for FLOAT, DOUBLE, INT32 and INT64 only
    cols = [c for c in ENCODED[encoding] if not (encoding == "BYTE_STREAM_SPLIT" and c in ("fsb", "dec"))]
    t = _table().select(cols)
    path = tmp_path / "enc.parquet"
    write_table(quiver.table(t), str(path), use_dictionary=False, column_encoding=encoding, data_page_size=2048)
    ref = tmp_path / "ref.parquet"
    pq.write_table(t, ref)
    got = duckdb.connect().sql("SELECT * FROM read_parquet('%s')" % path).arrow()
    want = duckdb.connect().sql("SELECT * FROM read_parquet('%s')" % ref).arrow()
    got = got.read_all() if hasattr(got, "read_all") else got
    want = want.read_all() if hasattr(want, "read_all") else want
    assert got.equals(want)
    # polars does not decode DELTA_BYTE_ARRAY for FIXED_LEN_BYTE_ARRAY
    flba = [c for c in ("fsb", "dec") if c in t.column_names]
    keep = [c for c in t.column_names if encoding != "DELTA_BYTE_ARRAY" or c not in flba]
    assert pl.read_parquet(path, columns=keep).equals(pl.read_parquet(ref, columns=keep))


def test_use_byte_stream_split_as_pyarrow():
    # (pyarrow refuses use_byte_stream_split=True on a table with strings;
    # quiver applies it to the columns that can take it)
    t = _table().select(["f64", "f32", "i64", "i32"])
    for option in (True, ["f64", "i64"]):
        data = _quiver(t, use_dictionary=False, use_byte_stream_split=option)
        assert pq.read_table(io.BytesIO(data)).equals(t)
        meta = pq.ParquetFile(io.BytesIO(data)).metadata.row_group(0)
        theirs = pq.ParquetFile(io.BytesIO(_pyarrow(t, use_dictionary=False, use_byte_stream_split=option)))
        for k in range(meta.num_columns):
            assert set(meta.column(k).encodings) == set(theirs.metadata.row_group(0).column(k).encodings)


def _pyarrow(table, **kw):
    buf = io.BytesIO()
    pq.write_table(table, buf, **kw)
    return buf.getvalue()


def test_column_encoding_refusals_match_pyarrow():
    t = _table().select(["i64", "s"])
    with pytest.raises(ValueError):
        _quiver(t, column_encoding="PLAIN")  # use_dictionary left on
    with pytest.raises(ValueError):
        _quiver(t, use_dictionary=False, column_encoding="PLAIN", use_byte_stream_split=True)
    with pytest.raises(ValueError, match="'s'"):
        _quiver(t, use_dictionary=False, column_encoding={"s": "DELTA_BINARY_PACKED"})
    with pytest.raises(ValueError):
        _quiver(t, use_dictionary=False, column_encoding={"i64": "NOT_AN_ENCODING"})


def test_use_dictionary_list_picks_columns():
    t = _table().select(["i64", "s"])
    data = _quiver(t, use_dictionary=["s"])
    meta = pq.ParquetFile(io.BytesIO(data)).metadata.row_group(0)
    assert "RLE_DICTIONARY" not in meta.column(0).encodings
    assert "RLE_DICTIONARY" in meta.column(1).encodings
    assert pq.read_table(io.BytesIO(data)).equals(t)


# ---- a minimal Thrift compact decoder, to look inside the page index ----

def _varint(b, i):
    shift = v = 0
    while True:
        x = b[i]
        i += 1
        v |= (x & 0x7F) << shift
        shift += 7
        if not x & 0x80:
            return v, i


def _zz(v):
    return (v >> 1) ^ -(v & 1)


def _value(b, i, t):
    if t in (1, 2):
        return t == 1, i
    if t == 3:
        return b[i], i + 1
    if t in (4, 5, 6):
        v, i = _varint(b, i)
        return _zz(v), i
    if t == 8:
        n, i = _varint(b, i)
        return bytes(b[i:i + n]), i + n
    if t == 9:
        h = b[i]
        i += 1
        n, et = h >> 4, h & 15
        if n == 15:
            n, i = _varint(b, i)
        out = []
        for _ in range(n):
            if et in (1, 2):  # booleans in lists: one byte each, 1 true
                out.append(b[i] == 1)
                i += 1
            else:
                v, i = _value(b, i, et)
                out.append(v)
        return out, i
    if t == 12:
        return _struct(b, i)
    raise AssertionError("thrift type %d" % t)


def _struct(b, i):
    fields, last = {}, 0
    while True:
        h = b[i]
        i += 1
        if h == 0:
            return fields, i
        delta, t = h >> 4, h & 15
        if delta:
            fid = last + delta
        else:
            v, i = _varint(b, i)
            fid = _zz(v)
        fields[fid], i = _value(b, i, t)
        last = fid


def _footer(data):
    n = int.from_bytes(data[-8:-4], "little")
    meta, _ = _struct(data, len(data) - 8 - n)
    return meta


def test_page_index_is_seen_and_describes_the_pages():
    t = _table()
    data = _quiver(t, write_page_index=True, data_page_size=4096, row_group_size=2000, use_dictionary=False)
    f = pq.ParquetFile(io.BytesIO(data))
    for g in range(f.metadata.num_row_groups):
        for k in range(f.metadata.num_columns):
            col = f.metadata.row_group(g).column(k)
            assert col.has_offset_index and col.has_column_index, (g, col.path_in_schema)
    assert pq.read_table(io.BytesIO(data)).equals(t)
    # Inside: the flat int64 column "i64" of each row group.
    meta = _footer(data)
    start = 0
    for rg in meta[4]:
        chunk = rg[1][0]
        assert chunk[3][3] == [b"i64"]
        oi, _ = _struct(data, chunk[4])
        ci, _ = _struct(data, chunk[6])
        locs = oi[1]
        assert len(locs) >= 2 or rg[3] < 2000, "several pages expected"
        assert locs[0][1] == chunk[3][9]  # the first data page
        assert [loc[3] for loc in locs] == sorted(loc[3] for loc in locs) and locs[0][3] == 0
        for p, loc in enumerate(locs):
            end = locs[p + 1][3] if p + 1 < len(locs) else rg[3]
            rows = t["i64"].slice(start + loc[3], end - loc[3])
            assert ci[5][p] == rows.null_count
            assert ci[1][p] == (rows.null_count == len(rows))
            lo, hi = pc.min_max(rows).values()
            assert int.from_bytes(ci[2][p], "little", signed=True) == lo.as_py()
            assert int.from_bytes(ci[3][p], "little", signed=True) == hi.as_py()
            if p + 1 < len(locs):
                assert loc[1] + loc[2] == locs[p + 1][1]  # contiguous pages
        start += rg[3]


def test_page_index_boundary_order_and_duckdb():
    duckdb = pytest.importorskip("duckdb")
    t = pa.table({"x": pa.array(np.arange(20000, dtype=np.int64)), "y": pa.array(np.arange(20000, 0, -1))})
    data = _quiver(t, write_page_index=True, data_page_size=4096)
    meta = _footer(data)
    chunks = meta[4][0][1]
    assert _struct(data, chunks[0][6])[0][4] == 1  # ASCENDING
    assert _struct(data, chunks[1][6])[0][4] == 2  # DESCENDING
    import tempfile, os
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, "pi.parquet")
        with open(p, "wb") as fh:
            fh.write(data)
        rows = duckdb.connect().sql(
            "SELECT column_index_offset, offset_index_offset FROM parquet_metadata('%s')" % p).fetchall()
        assert all(a is not None and b is not None for a, b in rows)
        assert duckdb.connect().sql("SELECT sum(x) FROM read_parquet('%s') WHERE x > 19990" % p).fetchall()[0][0] == \
            sum(range(19991, 20000))


@pytest.mark.parametrize("page_version", ["1.0", "2.0"])
def test_page_checksums_verified_by_pyarrow(page_version):
    t = _table().select(["i64", "s", "l"])
    data = _quiver(t, write_page_checksum=True, data_page_version=page_version, compression="none")
    back = pq.read_table(io.BytesIO(data), page_checksum_verification=True)
    assert back.equals(t)
    bad = bytearray(data)
    bad[200] ^= 0xFF
    with pytest.raises(OSError, match="CRC|checksum"):
        pq.read_table(io.BytesIO(bytes(bad)), page_checksum_verification=True)


def test_bloom_filters_probed_by_duckdb(tmp_path):
    duckdb = pytest.importorskip("duckdb")
    t = _table().select(["i64", "s", "f64"])
    path = tmp_path / "bf.parquet"
    opts = {"i64": True, "s": {"ndv": 3000, "fpp": 0.01}, "f64": {"fpp": 0.1}}
    write_table(quiver.table(t), str(path), bloom_filter_options=opts, row_group_size=2500)
    ref = tmp_path / "ref.parquet"
    pq.write_table(t, ref, bloom_filter_options=opts, row_group_size=2500)
    con = duckdb.connect()
    lengths = "SELECT path_in_schema, bloom_filter_length FROM parquet_metadata('%s') ORDER BY row_group_id, column_id"
    assert con.sql(lengths % path).fetchall() == con.sql(lengths % ref).fetchall()

    def excluded(column, value):
        q = "SELECT row_group_id, bloom_filter_excludes FROM parquet_bloom_probe('%s', '%s', %s)"
        return dict(con.sql(q % (path, column, value)).fetchall())

    for k in range(0, 2500, 97):
        v = t["i64"][k].as_py()
        if v is not None:
            assert excluded("i64", v)[0] is False
        s = t["s"][k].as_py()
        if s is not None:
            assert excluded("s", "'%s'" % s)[0] is False
    misses = sum(excluded("s", "'absent-%d'" % k)[0] for k in range(100))
    assert misses > 80
    assert pq.read_table(path).equals(t)
