"""Cast throughput, quiver against pyarrow in the same process and run.

    build/venv/bin/python bench/bench_cast.py [ROWS]

Casts int64 -> float64 (safe: every value checked against 2^53) and
string -> int64 (parsing) on the same data, once through quiver.compute.cast
and once through pyarrow.compute.cast. Both sides see the same memory: the
quiver array is imported zero-copy from the pyarrow one, so neither pays a
conversion. Prints one line per case: the median seconds of each side over
QV_BENCH_RUNS (default 7) runs and quiver's speed relative to pyarrow's
(> 1 means quiver is faster). Nothing here asserts a duration.
"""
import os
import statistics
import sys
import time

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

import quiver as qv
import quiver.compute as qc


def median_seconds(fn, runs):
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples)


def main():
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
    runs = int(os.environ.get("QV_BENCH_RUNS", "7"))
    rng = np.random.default_rng(42)
    ints = rng.integers(-(2**40), 2**40, rows, dtype=np.int64)
    nulls = rng.random(rows) < 0.05
    pa_ints = pa.array(ints, mask=nulls)
    pa_text = pc.cast(pa_ints, pa.string())
    cases = [
        ("cast int64->float64", pa_ints, pa.float64(), qv.float64()),
        ("cast string->int64", pa_text, pa.int64(), qv.int64()),
    ]
    print(f"rows={rows:,} runs={runs} (median seconds; ratio = pyarrow time / quiver time)")
    for name, src, pa_type, qv_type in cases:
        qv_src = qv.array(src)
        want = pc.cast(src, pa_type)
        got = qc.cast(qv_src, qv_type)
        assert pa.array(got).equals(want), name  # same answer before timing
        t_pa = median_seconds(lambda: pc.cast(src, pa_type), runs)
        t_qv = median_seconds(lambda: qc.cast(qv_src, qv_type), runs)
        mb = src.nbytes / 1e6
        print(f"{name:24s} quiver {t_qv:.4f} s ({mb / t_qv:8.0f} MB/s)   pyarrow {t_pa:.4f} s "
              f"({mb / t_pa:8.0f} MB/s)   ratio {t_pa / t_qv:.2f}x")


if __name__ == "__main__":
    main()
