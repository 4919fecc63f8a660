"""Parquet read benchmark: quiver.parquet.read_table against pyarrow's
read_table, polars' read_parquet and arrow-rs (the Rust peer's `parquet`
crate), in the same run, on one file per codec (SNAPPY and ZSTD, written
by pyarrow with its default page sizes and dictionary settings) of ROWS
rows (default 10,000,000): int64, float64, timestamp[us], a
low-cardinality string (100 values) and a random 10-character string;
then the column i64 alone (projection).

    build/venv/bin/python bench/bench_parquet.py [ROWS]

Every reader gets the machine's 2 cores: pyarrow with set_cpu_count(2),
polars with POLARS_MAX_THREADS=2, arrow-rs with the row groups split
between two threads (bench/peers/rust/src/parquet_read.rs), quiver with its
default (a row group's columns on two threads). The arrow-rs peer is
build/rust-peer/release/quiver-bench-peer (or $QV_RUST_PEER) when built;
else its figures are left out. Figures are medians of QV_BENCH_RUNS
(default 5) reads after a warm-up read that also checks quiver's table
equals pyarrow's. Output: result lines `key|unit|implementation|value|label`
(keys PQR-SNAPPY, PQR-ZSTD and their -i64 projections) for
scripts/run-bench.sh and bench/report.py, then one summary line per codec
with the ratios (peer time / quiver time: above 1 means quiver is faster).
Files are cached in build/bench/ (remade when ROWS changes). Nothing here
asserts a duration.
"""
import os
import pathlib
import statistics
import subprocess
import sys
import time

os.environ.setdefault("POLARS_MAX_THREADS", "2")  # before polars is imported

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


def runs():
    return max(1, min(20, int(os.environ.get("QV_BENCH_RUNS", "5"))))


def median_time(fn):
    times = []
    for _ in range(runs()):
        t0 = time.perf_counter()
        r = fn()
        times.append(time.perf_counter() - t0)
        del r
    return statistics.median(times)


def rust_peer():
    path = os.environ.get("QV_RUST_PEER") or str(ROOT / "build" / "rust-peer" / "release" / "quiver-bench-peer")
    return path if os.access(path, os.X_OK) else None


def main():
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
    pa.set_cpu_count(2)
    pa.set_io_thread_count(2)
    import quiver.parquet as qpq
    try:
        import polars as pl
    except ImportError:
        pl = None
    peer = rust_peer()
    for codec in ("snappy", "zstd"):
        path = ensure_file(rows, codec)
        size = os.path.getsize(path)
        key = "PQR-%s" % codec.upper()
        label = "read %d rows (int64, float64, timestamp, low-card string, random string), %s, %.0f MiB" % (
            rows, codec, size / 2**20)
        # warm the page cache and check the readers agree
        assert pa.table(qpq.read_table(path)).equals(pq.read_table(path)), "quiver and pyarrow disagree"
        full = {
            "quiver": median_time(lambda: qpq.read_table(path)),
            "pyarrow": median_time(lambda: pq.read_table(path, use_threads=True)),
        }
        one = {
            "quiver": median_time(lambda: qpq.read_table(path, columns=["i64"])),
            "pyarrow": median_time(lambda: pq.read_table(path, columns=["i64"], use_threads=True)),
        }
        if pl is not None:
            full["polars"] = median_time(lambda: pl.read_parquet(path))
            one["polars"] = median_time(lambda: pl.read_parquet(path, columns=["i64"]))
        lines = []
        for name, t in full.items():
            lines.append("%s|s|%s|%.4f|%s" % (key, name, t, label))
        for name, t in one.items():
            lines.append("%s-i64|s|%s|%.4f|%s, column i64 only" % (key, name, t, label))
        if peer is not None:
            out = subprocess.run([peer, "--parquet", key, str(path)], capture_output=True, text=True,
                                 env=dict(os.environ, QV_BENCH_RUNS=str(runs())))
            if out.returncode == 0:
                for ln in out.stdout.splitlines():
                    parts = ln.split("|", 4)
                    if len(parts) != 5 or parts[0] not in (key, key + "-i64"):
                        continue  # an older peer without --parquet runs its IPC benchmarks: not ours
                    k, unit, impl, value, _ = parts
                    (full if k == key else one)[impl] = float(value)
                    lines.append("%s|%s|%s|%s|%s" % (k, unit, impl, value, label + ("" if k == key else ", column i64 only")))
            else:
                print("# arrow-rs peer failed: %s" % out.stderr.strip()[-300:], flush=True)
        print("\n".join(lines), flush=True)
        ratios = ", ".join("%s %.2fx" % (n, t / full["quiver"]) for n, t in full.items() if n != "quiver")
        ratios1 = ", ".join("%s %.2fx" % (n, t / one["quiver"]) for n, t in one.items() if n != "quiver")
        print("# %s: quiver %.3f s (all columns), peers/quiver: %s; column i64: quiver %.3f s, %s" % (
            codec, full["quiver"], ratios, one["quiver"], ratios1), flush=True)


if __name__ == "__main__":
    main()
