"""Parquet read benchmark: quiver.parquet.read_table against pyarrow's
read_table and polars' read_parquet, in the same run, on one 10M-row file
per codec (SNAPPY and ZSTD, pyarrow's default page sizes and dictionary
settings): int64, float64, timestamp[us], a low-cardinality string (100
values) and a random 10-character string. Also one projected column.

    build/venv/bin/python bench/bench_parquet.py [ROWS] [RUNS]

Prints the median of RUNS (default 5) wall-clock reads per reader and the
ratio (peer time / quiver time: above 1 means quiver is faster). pyarrow and
polars may use 2 threads (the machine has 2 cores); quiver reads on one.
The files are cached in build/bench/ (remade when ROWS changes). Nothing
here asserts a duration.
"""
import os
import pathlib
import statistics
import sys
import time

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

ROOT = pathlib.Path(__file__).resolve().parents[1]
OUT = ROOT / "build" / "bench"


def make_table(rows):
    rng = np.random.default_rng(42)
    letters = np.frombuffer(b"abcdefghijklmnopqrstuvwxyz0123456789", dtype=np.uint8)
    rand = letters[rng.integers(0, len(letters), size=rows * 10)]
    random_str = pa.FixedSizeBinaryArray.from_buffers(pa.binary(10), rows, [None, pa.py_buffer(rand.tobytes())])
    random_str = random_str.cast(pa.binary()).cast(pa.string())
    cats = pa.array([f"category_{i:03d}" for i in range(100)])
    low_card = cats.take(pa.array(rng.integers(0, 100, size=rows)))
    ts = pa.array(1_600_000_000_000_000 + rng.integers(0, 10**12, size=rows), pa.timestamp("us"))
    return pa.table({
        "i64": pa.array(rng.integers(-10**12, 10**12, size=rows)),
        "f64": pa.array(rng.standard_normal(rows)),
        "ts": ts,
        "low_card": low_card,
        "random_str": random_str,
    })


def ensure_file(rows, codec):
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"parquet_{rows}_{codec}.parquet"
    if not path.exists():
        pq.write_table(make_table(rows), path, compression=codec)
    return path


def median_time(fn, runs):
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        r = fn()
        times.append(time.perf_counter() - t0)
        del r
    return statistics.median(times)


def main():
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    pa.set_cpu_count(2)
    pa.set_io_thread_count(2)
    import quiver.parquet as qpq
    try:
        import polars as pl
    except ImportError:
        pl = None
    print(f"rows={rows} runs={runs} (median seconds; ratio = peer / quiver)")
    for codec in ("snappy", "zstd"):
        path = ensure_file(rows, codec)
        size = os.path.getsize(path)
        # warm the page cache and check the readers agree
        q = pa.table(qpq.read_table(path))
        p = pq.read_table(path)
        assert q.equals(p), "quiver and pyarrow disagree"
        results = {
            "quiver": median_time(lambda: qpq.read_table(path), runs),
            "pyarrow": median_time(lambda: pq.read_table(path, use_threads=True), runs),
        }
        if pl is not None:
            results["polars"] = median_time(lambda: pl.read_parquet(path), runs)
        one = {
            "quiver": median_time(lambda: qpq.read_table(path, columns=["i64"]), runs),
            "pyarrow": median_time(lambda: pq.read_table(path, columns=["i64"]), runs),
        }
        print(f"\n{codec.upper()} file, {size / 2**20:.0f} MiB")
        for name, t in results.items():
            ratio = "" if name == "quiver" else f"  ratio {t / results['quiver']:.2f}"
            print(f"  read_table all columns  {name:8s} {t:7.3f} s{ratio}")
        for name, t in one.items():
            ratio = "" if name == "quiver" else f"  ratio {t / one['quiver']:.2f}"
            print(f"  read_table column i64   {name:8s} {t:7.3f} s{ratio}")


if __name__ == "__main__":
    main()
