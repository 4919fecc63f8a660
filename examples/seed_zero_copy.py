"""The seed's zero-copy experiment with quiver.

Builds the seed table (1M rows x 2 random 10-character strings) in quiver,
hands it to polars and to pyarrow through the Arrow PyCapsule protocol, and
prints how much memory each hand-off allocates (growth of the process RSS,
as the seed measured it), next to a copy of the same data for scale.

    build/venv/bin/python examples/seed_zero_copy.py [ROWS]
"""
import gc
import sys

import polars as pl
import pyarrow as pa

import quiver
from seed_data import seed_columns


def rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return 0.0


def measure(label, fn):
    gc.collect()
    before = rss_mb()
    result = fn()
    after = rss_mb()
    print(f"{label:<58} {after - before:8.2f} MB")
    return result


def main():
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    a, b = seed_columns(rows)
    data_mb = rows * 2 * (10 + 4) / 1e6
    print(f"seed table: {rows} rows x 2 columns of 10-character strings ({data_mb:.2f} MB of Arrow buffers)\n")
    print(f"{'operation':<58} {'RSS growth':>11}")
    t = measure("build the quiver table (string)", lambda: quiver.table({"a": a, "b": b}))
    tv = measure("build the quiver table (string_view)",
                 lambda: quiver.table({"a": quiver.array(a, type=quiver.string_view()),
                                       "b": quiver.array(b, type=quiver.string_view())}))
    del a, b
    # Warm up: the first pa.table() imports pandas and the first hand-off
    # loads code; neither is an allocation for the data.
    small = quiver.table({"a": ["x"], "b": ["y"]})
    pa.table(small)
    pl.DataFrame(small)
    gc.collect()

    pa_t = measure("pyarrow.table(quiver_table)         [zero-copy]", lambda: pa.table(t))
    same = all(pa_t.column(i).chunk(0).buffers()[2].address == t.column(i).chunk(0).buffer_address(2)
               for i in range(2))
    df_v = measure("polars.DataFrame(quiver string_view table) [zero-copy]", lambda: pl.DataFrame(tv))
    df_s = measure("polars.DataFrame(quiver string table) [polars converts]", lambda: pl.DataFrame(t))
    copy = measure("a copy for scale: the columns as Python lists",
                   lambda: {"a": t.column("a").to_pylist(), "b": t.column("b").to_pylist()})
    print()
    print(f"pyarrow's string buffers are quiver's (same addresses): {same}")
    print(f"polars sees {df_v.shape[0]} rows; first row {df_v.row(0)}")
    assert pa_t.num_rows == rows and df_s.shape == (rows, 2) and len(copy["a"]) == rows


if __name__ == "__main__":
    main()
