"""Parquet write: quiver against pyarrow.parquet.write_table, same run.

A table of ROWS rows (default 10,000,000): int64 (random), float64 (random),
timestamp[us] (increasing with jitter), a low-cardinality string (16
distinct words) and a random 10-character [a-zA-Z0-9] string. Each codec
(SNAPPY, ZSTD) is written by quiver and by pyarrow with the same options
(dictionary on, pyarrow's defaults for page and row-group sizes), to files
under a temporary directory. Figures are medians of QV_BENCH_RUNS (default
3) samples after one warm-up; each line is `key|unit|implementation|value|label`
as bench/report.py reads them, then a summary with the ratios
(pyarrow time / quiver time, wall clock and CPU time of all threads:
above 1 means quiver is faster; quiver size / pyarrow size). quiver encodes
column chunks on two threads; pyarrow's writer uses one. Nothing here asserts a duration.

    build/venv/bin/python bench/bench_parquet_write.py [ROWS]

The quiver module must be importable (installed by scripts/run-pytest.sh, or
PYTHONPATH=python after an in-place build).
"""
import os
import statistics
import sys
import tempfile
import time

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

import quiver
from quiver._parquet_write import write_table

ALPHABET = np.frombuffer(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", dtype=np.uint8)
WORDS = ["north", "south", "east", "west", "red", "green", "blue", "amber", "alpha", "beta", "gamma", "delta",
         "small", "medium", "large", "huge"]


def runs():
    return max(1, min(20, int(os.environ.get("QV_BENCH_RUNS", "3"))))


def make_table(rows, seed=42):
    rng = np.random.default_rng(seed)
    ints = rng.integers(-(2**62), 2**62, rows, dtype=np.int64)
    floats = rng.standard_normal(rows)
    ts = (1_600_000_000_000_000 + np.arange(rows, dtype=np.int64) * 1000
          + rng.integers(0, 1000, rows, dtype=np.int64))
    low = pa.array(np.array(WORDS, dtype=object)[rng.integers(0, len(WORDS), rows)], pa.string())
    chars = ALPHABET[rng.integers(0, len(ALPHABET), rows * 10)]
    offsets = np.arange(0, rows * 10 + 1, 10, dtype=np.int32)
    rand = pa.Array.from_buffers(pa.string(), rows, [None, pa.py_buffer(offsets.tobytes()),
                                                     pa.py_buffer(chars.tobytes())])
    return pa.table({"i64": ints, "f64": floats, "ts": pa.array(ts).view(pa.timestamp("us")), "low": low,
                     "rand": rand})


def median_time(fn):
    """Median wall and CPU seconds (all threads of the process) per call."""
    fn()
    wall, cpu = [], []
    for _ in range(runs()):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return statistics.median(wall), statistics.median(cpu)


def main():
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
    t = make_table(rows)
    qt = quiver.table(t)
    lines = []
    with tempfile.TemporaryDirectory() as d:
        for codec in ["snappy", "zstd"]:
            mine, theirs = os.path.join(d, "q.parquet"), os.path.join(d, "p.parquet")
            tq, cq = median_time(lambda: write_table(qt, mine, compression=codec, use_dictionary=True))
            tp, cp = median_time(lambda: pq.write_table(t, theirs, compression=codec, use_dictionary=True))
            sq, sp = os.path.getsize(mine), os.path.getsize(theirs)
            assert pq.read_table(mine).equals(t), "quiver's file does not read back equal"
            key = "PQW-%s" % codec.upper()
            label = "write %d rows (int64, float64, timestamp, low-card string, random string), %s" % (rows, codec)
            lines += ["%s|s|quiver|%.4f|%s" % (key, tq, label), "%s|s|pyarrow|%.4f|%s" % (key, tp, label),
                      "%s-cpu|s|quiver|%.4f|%s CPU time" % (key, cq, codec),
                      "%s-cpu|s|pyarrow|%.4f|%s CPU time" % (key, cp, codec),
                      "%s-size|bytes|quiver|%d|%s file size" % (key, sq, codec),
                      "%s-size|bytes|pyarrow|%d|%s file size" % (key, sp, codec)]
            print("\n".join(lines[-6:]), flush=True)
            print("# %s: wall quiver %.3f s, pyarrow %.3f s: %.2fx (pyarrow/quiver); CPU quiver %.3f s, pyarrow %.3f s: "
                  "%.2fx; size %d vs %d bytes: %+.2f%%" % (codec, tq, tp, tp / tq, cq, cp, cp / cq, sq, sp,
                                                          100.0 * (sq - sp) / sp), flush=True)


if __name__ == "__main__":
    main()
