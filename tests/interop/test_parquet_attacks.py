"""quiver.parquet under hostile Python callers: sequences whose items'
__index__ changes the sequence while the binding reads it, a list changed
by another thread while a scan runs without the GIL, filters lists changed
while they are read, and sources that are not paths. Each case runs in a
child process where a crash would kill the interpreter."""
import io
import subprocess
import sys
import textwrap

import pyarrow as pa
import pyarrow.parquet as papq
import pytest

import quiver.parquet as qpq


@pytest.fixture
def small_file(tmp_path):
    path = str(tmp_path / "small.parquet")
    papq.write_table(pa.table({"x": list(range(40)), "label": [str(i % 3) for i in range(40)]}), path,
                     row_group_size=10)
    return path


def run_child(code, path):
    """Runs code in a fresh interpreter with PATH bound; returns (returncode, stdout, stderr)."""
    script = "import sys\nPATH = sys.argv[1]\n" + textwrap.dedent(code)
    p = subprocess.run([sys.executable, "-c", script, path], capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


def test_row_group_list_cleared_by_an_items_index(small_file):
    # __index__ of the first row group clears the list the binding is reading
    rc, out, err = run_child("""
        import quiver.parquet as qpq
        from quiver import _quiver
        class Clears:
            def __init__(self, target): self.target = target
            def __index__(self):
                self.target.clear()
                return 1
        pf = qpq.ParquetFile(PATH)
        groups = []
        groups.extend([Clears(groups), 0, 2, 3])
        t = _quiver._parquet_read(pf._cap, groups, None)
        print(t.num_rows, t.column("x").to_pylist()[:3])
    """, small_file)
    assert rc == 0, err
    assert out.split() == ["40", "[10,", "11,", "12]"]


def test_predicate_list_cleared_by_a_columns_index(small_file):
    rc, out, err = run_child("""
        import quiver.parquet as qpq
        from quiver import _quiver
        class Clears:
            def __init__(self, target): self.target = target
            def __index__(self):
                self.target.clear()
                return 0
        pf = qpq.ParquetFile(PATH)
        preds = []
        preds.extend([(Clears(preds), 0, 5), (0, 0, 15), (0, 0, 25)])
        print(_quiver._parquet_row_group_may_match(pf._cap, 0, preds))
    """, small_file)
    assert rc == 0, err
    assert out.strip() == "False"  # x = 5 and x = 15 rule row group 0 (x in 0..9) out


def test_read_dictionary_list_changed_by_another_thread(small_file):
    # a thread keeps replacing the list's strings while the open runs without the GIL
    rc, out, err = run_child("""
        import threading
        from quiver import _quiver
        import os
        paths = ["label"] * 64
        stop = False
        def churn():
            i = 0
            while not stop:
                paths[i % 64] = "".join(["lab", "el"])  # a new string object; the old one is freed
                i += 1
        th = threading.Thread(target=churn)
        th.start()
        try:
            for _ in range(200):
                _quiver._parquet_open(os.fsencode(PATH), False, False, paths, 0, False)
        finally:
            stop = True
            th.join()
        print("ok")
    """, small_file)
    assert rc == 0, err
    assert out.strip() == "ok"


def test_filters_list_changed_while_it_is_read(small_file):
    # an operator whose lower() appends to the filters being normalized
    filters = [("x", "<", 5)]

    class Growing(str):
        def lower(self):
            filters.append(("x", ">", 100))
            return "<="

    filters[0] = ("x", Growing("<="), 5)
    t = qpq.read_table(small_file, filters=filters)
    # read as it was when read: x <= 5 and the appended x > 100
    assert t.column("x").to_pylist() == []
    assert len(filters) == 2


def test_in_filter_given_a_generator(small_file):
    # the value set is read once: row groups are judged and rows filtered on the same values
    t = qpq.read_table(small_file, filters=[("x", "in", (v for v in [3, 15, 27]))])
    assert t.column("x").to_pylist() == [3, 15, 27]
    assert papq.read_table(small_file, filters=[("x", "in", [3, 15, 27])]).column("x").to_pylist() == [3, 15, 27]


class ShortReads(io.RawIOBase):
    """A file object whose read() returns one byte, then a str."""

    def __init__(self):
        self.calls = 0

    def readable(self):
        return True

    def read(self, n=-1):
        self.calls += 1
        return b"P" if self.calls == 1 else "AR1"


# quiver.parquet reads paths only (not buffers or file objects, unlike
# pyarrow): anything else is refused before a byte is read
@pytest.mark.parametrize("source", [b"PAR1\x00PAR1", bytearray(b"PAR1"), 3.5, None, io.BytesIO(b"PAR1"), ShortReads()])
def test_sources_that_are_not_paths_fail_cleanly(source):
    with pytest.raises((TypeError, ValueError, OSError)):
        qpq.read_table(source)
