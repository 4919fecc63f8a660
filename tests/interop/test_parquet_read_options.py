"""quiver.parquet's reading options against pyarrow.parquet's: read_dictionary,
binary_type, filters (row groups skipped by statistics, rows filtered as a
pyarrow dataset filter), nested-path projection, row-group selection, and
the streaming reader's peak memory on a file four times larger than the
bound it promises (one row group's column chunks at a time)."""
import os
import subprocess
import sys
import textwrap

import numpy as np
import pyarrow as pa
import pyarrow.parquet as papq
import pytest

import quiver.parquet as qpq


def same_values(ours, theirs, what):
    ours = pa.table(ours)
    assert ours.schema.equals(theirs.schema), f"{what}: schema\nquiver:\n{ours.schema}\npyarrow:\n{theirs.schema}"
    assert ours.num_rows == theirs.num_rows, what
    for name in theirs.column_names:
        assert ours.column(name).to_pylist() == theirs.column(name).to_pylist(), f"{what}: column {name}"


@pytest.fixture
def sample(tmp_path):
    n = 1000
    t = pa.table({
        "i": pa.array(range(n), pa.int64()),
        "f": pa.array([i / 4 for i in range(n)], pa.float64()),
        "s": pa.array([None if i % 97 == 0 else "k%03d" % (i // 100) for i in range(n)]),
        "u": pa.array([i % 7 for i in range(n)], pa.uint32()),
        "a": pa.array([{"b": i * 2, "c": "c%d" % (i % 3)} for i in range(n)]),
        "l": pa.array([[{"x": i, "y": -i}] for i in range(n)]),
        "m": pa.array([[("k%d" % (i % 5), i)] for i in range(n)], pa.map_(pa.string(), pa.int64())),
        "d": pa.array([(i // 100) for i in range(n)], pa.date32()),
    })
    paths = {}
    for stored in (True, False):
        p = tmp_path / ("stored.parquet" if stored else "plain.parquet")
        papq.write_table(t, p, row_group_size=100, store_schema=stored)
        paths[stored] = p
    return t, paths


@pytest.mark.parametrize("stored", [True, False])
def test_read_dictionary(sample, stored):
    _, paths = sample
    cols = ["s", "a.c", "m.key_value.key"]
    ours = qpq.read_table(paths[stored], read_dictionary=cols)
    theirs = papq.read_table(paths[stored], read_dictionary=cols)
    same_values(ours, theirs, "read_dictionary")
    assert pa.table(ours).schema.field("s").type == pa.dictionary(pa.int32(), pa.string())
    # the dictionary of a row group holds its distinct values once
    chunk = pa.table(ours).column("s").chunk(1)
    assert chunk.dictionary.to_pylist() == ["k001"]
    with pytest.raises(KeyError):
        qpq.read_table(paths[stored], read_dictionary=["nope"])


@pytest.mark.parametrize("kind", ["binary_view", "large_binary"])
@pytest.mark.parametrize("stored", [True, False])
def test_binary_type(sample, kind, stored):
    _, paths = sample
    ours = qpq.read_table(paths[stored], binary_type=kind)
    theirs = papq.read_table(paths[stored], binary_type=getattr(pa, kind)())
    same_values(ours, theirs, "binary_type " + kind)


FILTERS = [
    [("i", ">", 550)],
    [("i", ">=", 100), ("i", "<", 300)],
    [("i", "==", 42)],
    [[("i", "<", 50)], [("i", ">", 950)]],
    [("s", "==", "k003")],
    [("s", "in", ["k001", "k007"])],
    [("s", "not in", ["k001"])],
    [("f", "<=", 10.0)],
    [("u", "=", 3), ("i", "<", 200)],
    [("i", "!=", 5)],
    [("d", "<", __import__("datetime").date(1970, 1, 3))],
]


@pytest.mark.parametrize("filters", FILTERS, ids=[str(f) for f in FILTERS])
def test_filters_equal_pyarrow(sample, filters):
    _, paths = sample
    ours = qpq.read_table(paths[True], filters=filters)
    theirs = papq.read_table(paths[True], filters=filters)
    same_values(ours, theirs, "filters %r" % (filters,))
    ours = qpq.read_table(paths[True], columns=["f", "a"], filters=filters)
    theirs = papq.read_table(paths[True], columns=["f", "a"], filters=filters)
    same_values(ours, theirs, "filters %r with columns" % (filters,))


@pytest.mark.parametrize("filters, kept", [
    ([("i", ">", 550)], [5, 6, 7, 8, 9]),
    ([("i", "==", 42)], [0]),
    ([[("i", "<", 50)], [("i", ">", 950)]], [0, 9]),
    ([("s", "==", "k003")], [3]),
    ([("s", "in", ["k001", "k007"])], [1, 7]),
    ([("u", "=", 3)], list(range(10))),
    ([("u", "=", 9)], []),
    ([("d", ">=", __import__("datetime").date(1970, 1, 9))], [8, 9]),
])
def test_filters_skip_row_groups(sample, filters, kept):
    _, paths = sample
    pf = qpq.ParquetFile(paths[True])
    assert pf.row_groups_matching(filters) == kept
    t = pf.read(filters=filters)
    assert pf.last_row_groups_skipped == 10 - len(kept)
    assert t.num_rows == papq.read_table(paths[True], filters=filters).num_rows


def test_filter_on_a_missing_column_is_refused(sample):
    _, paths = sample
    with pytest.raises(KeyError):
        qpq.read_table(paths[True], filters=[("nope", "=", 1)])
    with pytest.raises(ValueError):
        qpq.read_table(paths[True], filters=[("i", "~", 1)])


@pytest.mark.parametrize("columns", [["a.b"], ["a.c", "s"], ["s", "a.b"], ["l.list.element.y"],
                                     ["l.list.element"], ["m.key_value.key"], ["a.b", "a"], ["a"]])
def test_nested_projection_as_parquetfile(sample, columns):
    _, paths = sample
    ours = qpq.ParquetFile(paths[True]).read(columns=columns)
    theirs = papq.ParquetFile(paths[True]).read(columns=columns)
    same_values(ours, theirs, "ParquetFile.read(%r)" % (columns,))
    ours = qpq.ParquetFile(paths[True]).read_row_group(3, columns=columns)
    theirs = papq.ParquetFile(paths[True]).read_row_group(3, columns=columns)
    same_values(pa.Table.from_batches([pa.record_batch(ours)]), theirs, "read_row_group(%r)" % (columns,))


@pytest.mark.parametrize("columns", [["a.b"], ["a.c", "s"], ["s", "a.b"], ["a.b", "a"]])
def test_nested_projection_as_read_table(sample, columns):
    _, paths = sample
    same_values(qpq.read_table(paths[True], columns=columns), papq.read_table(paths[True], columns=columns),
                "read_table(%r)" % (columns,))


def test_row_group_selection_and_batches(sample):
    t, paths = sample
    pf = qpq.ParquetFile(paths[True])
    got = pa.table(pf.read_row_groups([7, 2], columns=["i", "a.c"]))
    want = papq.ParquetFile(paths[True]).read_row_groups([7, 2], columns=["i", "a.c"])
    assert got.equals(want)
    batches = list(pf.iter_batches(columns=["a.b"], filters=[("i", ">=", 800)]))
    assert [b.num_rows for b in batches] == [100, 100]
    assert pa.record_batch(batches[0]).column(0).to_pylist()[0] == {"b": 1600}


MEMORY_PROBE = textwrap.dedent("""
    import sys
    import quiver.parquet as qpq

    def hwm_kib():
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))

    pf = qpq.ParquetFile(sys.argv[1], use_pread=sys.argv[2] == "pread")
    # the import's own high-water mark is forgotten: the peak from here on
    # is what reading adds
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    base = hwm_kib()
    rows = 0
    if sys.argv[3] == "table":
        t = pf.read()
        rows = t.num_rows
    else:
        for b in pf.iter_batches():
            rows += b.num_rows
            del b
    print(rows, base, hwm_kib())
""")


def test_streaming_reader_peak_memory_is_bounded(tmp_path):
    """A 256 MiB file of 16 row groups (16 MiB each) read batch by batch in
    pread mode, and through the mapping (whose decoded chunks' pages leave
    the page tables): the process's peak RSS (VmHWM, reset after the import
    and the open) grows by less than 64 MiB, a quarter of the file. The same
    probe over a read of the whole table at once grows by more, which shows
    it measures."""
    rows_per_group = 1 << 19  # 4 int64 columns: 16 MiB per row group
    path = tmp_path / "big.parquet"
    rng = np.random.default_rng(7)
    with papq.ParquetWriter(path, pa.schema([(c, pa.int64()) for c in "abcd"]), compression="none",
                            use_dictionary=False) as w:
        for _ in range(16):
            cols = {c: pa.array(rng.integers(-2**62, 2**62, rows_per_group)) for c in "abcd"}
            w.write_table(pa.table(cols), row_group_size=rows_per_group)
    size = os.path.getsize(path)
    assert size >= 256 << 20
    bound_kib = 64 << 10
    env = dict(os.environ)
    if not os.access("/proc/self/clear_refs", os.W_OK):
        pytest.skip("no /proc/self/clear_refs to reset the peak RSS")
    assert size >= 4 * (bound_kib << 10)
    for mode in ("pread", "mmap"):
        out = subprocess.run([sys.executable, "-c", MEMORY_PROBE, str(path), mode, "batches"], capture_output=True,
                             text=True, env=env, timeout=600)
        assert out.returncode == 0, out.stderr
        rows, base, peak = map(int, out.stdout.split())
        assert rows == 16 * rows_per_group
        assert peak - base < bound_kib, f"{mode}: peak RSS grew by {(peak - base) >> 10} MiB reading a {size >> 20} MiB file"
    # the probe can see the difference: the whole table held at once
    out = subprocess.run([sys.executable, "-c", MEMORY_PROBE, str(path), "pread", "table"], capture_output=True,
                         text=True, env=env, timeout=600)
    assert out.returncode == 0, out.stderr
    rows, base, peak = map(int, out.stdout.split())
    assert rows == 16 * rows_per_group
    assert peak - base > bound_kib
