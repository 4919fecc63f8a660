"""Slices of view, list-view and dense-union columns, written by quiver, read
by pyarrow (issue 9, defect 13: output amplification).

quiver writes a slice with only the bytes and child slots it references
(views rewritten into compact data buffers, list-view and union offsets
rewritten); pyarrow must read each result equal to the same slice of its
own table, with full validation, and the output must stay proportional to
the slice: a 1-row slice of a multi-megabyte column is a few KB, and a
column cut into 1,000-row batches is about as big as the column.
"""
import random

import pyarrow as pa
import pytest

from ipc_support import read_pa, run_quiver, write_pa

ROWS = 30000


def _views(t):
    rng = random.Random(1)
    return pa.array([None if i % 9 == 4 else ("v%d" % i if i % 4 == 0 else "x" * rng.randint(13, 90) + str(i))
                     for i in range(ROWS)], t)


def _scattered_list_view(large):
    rng = random.Random(2)
    child = pa.array(["c" * rng.randint(0, 40) + str(i) for i in range(3 * ROWS)], pa.string_view())
    it = pa.int64() if large else pa.int32()
    offsets = pa.array([rng.randrange(0, 3 * ROWS - 6) for _ in range(ROWS)], it)
    sizes = pa.array([rng.randint(0, 5) for _ in range(ROWS)], it)
    cls = pa.LargeListViewArray if large else pa.ListViewArray
    return cls.from_arrays(offsets, sizes, child, mask=pa.array([i % 11 == 3 for i in range(ROWS)]))


def _dense_union():
    rng = random.Random(3)
    ids = [i % 3 for i in range(ROWS)]
    n1, n2 = ids.count(1), ids.count(2)
    # offsets increase per child (the spec asks it) but skip most slots
    k1, k2 = iter(sorted(rng.sample(range(4 * ROWS), n1))), iter(sorted(rng.sample(range(4 * ROWS), n2)))
    offsets = [i // 3 if c == 0 else next(k1) if c == 1 else next(k2) for i, c in enumerate(ids)]
    return pa.UnionArray.from_dense(
        pa.array(ids, pa.int8()), pa.array(offsets, pa.int32()),
        [pa.array(range(ROWS), pa.int32()),
         pa.array(["s" * (i % 50) for i in range(4 * ROWS)], pa.string()),
         pa.array([float(i) for i in range(4 * ROWS)])])


COLUMNS = {
    "string_view": lambda: _views(pa.string_view()),
    "binary_view": lambda: _views(pa.binary_view()),
    "list_view_of_string_view": lambda: _scattered_list_view(False),
    "large_list_view_of_string_view": lambda: _scattered_list_view(True),
    "dense_union": _dense_union,
    "struct_of_string_view": lambda: pa.StructArray.from_arrays([_views(pa.string_view())], names=["v"]),
}


@pytest.fixture(scope="module", params=sorted(COLUMNS))
def source(request, tmp_path_factory):
    table = pa.table({"c": COLUMNS[request.param]()})
    table.validate(full=True)
    path = tmp_path_factory.mktemp("compaction") / f"{request.param}.arrows"
    write_pa(table, path)
    return table, path


def _read_back(path, want):
    got, _ = read_pa(path, "stream")
    for batch in got.to_batches():
        batch.validate(full=True)
    assert got.combine_chunks().equals(want.combine_chunks())
    return got


@pytest.mark.parametrize("offset", [0, 7, ROWS // 2, ROWS - 1])
def test_one_row_slice_is_small_and_equal(source, tmp_path, offset):
    table, path = source
    out = tmp_path / "slice.arrows"
    run_quiver(path, out, slice_=(offset, 1))
    size = out.stat().st_size
    assert size < 8 * 1024, f"1-row slice wrote {size} bytes (source {path.stat().st_size})"
    _read_back(out, table.slice(offset, 1))


@pytest.mark.parametrize("compression", [None, "zstd"])
def test_many_slices_stay_proportional(source, tmp_path, compression):
    table, path = source
    out = tmp_path / "chunked.arrows"
    run_quiver(path, out, chunk=1000, compression=compression)
    size, whole = out.stat().st_size, path.stat().st_size
    assert size < whole * 3 // 2 + 64 * 1024, f"1,000-row batches wrote {size} bytes for a {whole}-byte source"
    got = _read_back(out, table)
    assert got.num_rows == ROWS


def test_middle_slice_equal(source, tmp_path):
    table, path = source
    out = tmp_path / "middle.arrows"
    run_quiver(path, out, slice_=(1234, 5000), chunk=333)
    _read_back(out, table.slice(1234, 5000))
