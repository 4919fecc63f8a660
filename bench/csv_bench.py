"""CSV read and write: quiver against pyarrow.csv and polars in one run.

The file (issue 14's benchmark): 10 mixed columns (3 int64, 2 float64, a
timestamp, 2 short and 2 long strings), about 5 % empty fields, made with
pyarrow once per size and cached under build/bench/. Reads: quiver's
reader on 2 threads, pyarrow.csv.read_csv (use_threads, 2 CPUs) and
polars.read_csv; writes: quiver's writer, pyarrow.csv.write_csv. Prints
result lines `key|unit|implementation|value|label` (bench/bench_util.h);
nothing here asserts a duration.

    python bench/csv_bench.py [--mb 1000] [--runs 3]
"""
import argparse
import os
import statistics
import sys
import time

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

import quiver as qv
import quiver.csv  # noqa: F401  (submodule)


def make_table(rows, seed=7):
    rng = np.random.default_rng(seed)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))

    def strings(n, lo, hi):
        lens = rng.integers(lo, hi + 1, n)
        pool = "".join(rng.choice(letters, 1 << 16))
        starts = rng.integers(0, (1 << 16) - hi, n)
        return [pool[s : s + k] for s, k in zip(starts, lens)]

    def with_empty(arr):
        mask = rng.random(len(arr)) < 0.05
        return pa.array(arr, mask=mask)

    cols = {
        "id": pa.array(np.arange(rows, dtype=np.int64)),
        "qty": with_empty(rng.integers(-1000, 1000, rows)),
        "big": with_empty(rng.integers(-(1 << 60), 1 << 60, rows)),
        "price": with_empty(np.round(rng.random(rows) * 1000, 2)),
        "ratio": with_empty(rng.standard_normal(rows)),
        "ts": with_empty(
            (np.int64(1_600_000_000) + rng.integers(0, 100_000_000, rows)).astype("datetime64[s]")
        ),
        "code": with_empty(np.array(strings(rows, 2, 6), dtype=object)),
        "name": with_empty(np.array(strings(rows, 5, 12), dtype=object)),
        "text": with_empty(np.array(strings(rows, 30, 80), dtype=object)),
        "note": with_empty(np.array(strings(rows, 20, 60), dtype=object)),
    }
    return pa.table(cols)


def ensure_file(mb):
    os.makedirs("build/bench", exist_ok=True)
    path = f"build/bench/csv_{mb}mb.csv"
    if os.path.exists(path):
        return path
    per_row = 260  # bytes per row, roughly
    rows = mb * 1_000_000 // per_row
    t = make_table(rows)
    pacsv.write_csv(t, path + ".tmp")
    os.replace(path + ".tmp", path)
    return path


def best_of(fn, runs):
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def line(key, unit, impl, value, label):
    print(f"{key}|{unit}|{impl}|{value:.6g}|{label}", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    path = ensure_file(args.mb)
    size_mb = os.path.getsize(path) / 1e6
    label = f"read a {size_mb:.0f} MB CSV of 10 mixed columns (s)"
    try:
        import polars as pl
    except ImportError:
        pl = None
    pa.set_cpu_count(2)
    pa.set_io_thread_count(2)
    line("C1", "s", "quiver", best_of(lambda: qv.csv.read_csv(path), args.runs), "C1 " + label)
    line("C1", "s", "pyarrow", best_of(lambda: pacsv.read_csv(path), args.runs), "C1 " + label)
    if pl is not None:
        line("C1", "s", "polars", best_of(lambda: pl.read_csv(path), args.runs), "C1 " + label)
    t = pacsv.read_csv(path)
    q = qv.table(t)
    out = path + ".out"
    wlabel = f"write a {size_mb:.0f} MB CSV of 10 mixed columns (s)"
    line("C2", "s", "quiver", best_of(lambda: qv.csv.write_csv(q, out), args.runs), "C2 " + wlabel)
    line("C2", "s", "pyarrow", best_of(lambda: pacsv.write_csv(t, out), args.runs), "C2 " + wlabel)
    os.remove(out)


if __name__ == "__main__":
    sys.exit(main())
