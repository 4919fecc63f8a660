"""pyarrow's side of quiver's IPC benchmarks (make bench).

Builds the same shapes as bench/bench_ipc.c and bench/bench_mmap.c and prints
result lines `key|unit|pyarrow|value|label` (see bench/bench_util.h) that
scripts/run-bench.sh merges with quiver's. Figures are medians of
QV_BENCH_RUNS (default 7) samples; calls under 20 ms are repeated inside a
sample, as bench_util.h's bench_time does.

    peer_pyarrow.py            P1, P2, P3, P6
    peer_pyarrow.py --p4 PATH [KEY]
                               P4 (own process, so the peak-RSS figure is
                               this side's alone); KEY P4s for the file of
                               100,000 small batches

The seed strings are random 10-character [a-zA-Z0-9] strings like quiver's
(numpy's generator instead of xorshift: same shape, not the same bytes).
Nothing here asserts a duration.
"""

import math
import os
import statistics
import sys
import time

import numpy as np
import pyarrow as pa

SEED_ROWS = 1_000_000
WIDE_COLS, WIDE_ROWS = 1280, 1024
ALPHABET = np.frombuffer(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", dtype=np.uint8)


def runs():
    return max(1, min(64, int(os.environ.get("QV_BENCH_RUNS", "7"))))


def bench_time(fn):
    """Median seconds per call of fn(), after one warm-up call."""
    t0 = time.perf_counter()
    fn()
    once = time.perf_counter() - t0
    inner = 1 if once >= 0.02 else min(1_000_000, math.ceil(0.02 / max(once, 1e-8)))
    samples = []
    for _ in range(runs()):
        t0 = time.perf_counter()
        for _ in range(inner):
            fn()
        samples.append((time.perf_counter() - t0) / inner)
    return statistics.median(samples)


def line(key, unit, value, label):
    print(f"{key}|{unit}|pyarrow|{value:.6g}|{label}", flush=True)


def seed_table(rows, seed=0x9E3779B9):
    rng = np.random.default_rng(seed)
    cols = []
    for _ in range(2):
        data = ALPHABET[rng.integers(0, 62, size=rows * 10, dtype=np.uint8)]
        offsets = np.arange(0, rows * 10 + 1, 10, dtype=np.int32)
        cols.append(pa.StringArray.from_buffers(rows, pa.py_buffer(offsets), pa.py_buffer(data)))
    return pa.table(cols, names=["a", "b"])


def write_stream(table, options=None):
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema, options=options) as w:
        w.write_table(table)
    return sink.getvalue()


def read_stream(buf):
    return pa.ipc.open_stream(buf).read_all()


def main_mem():
    seed = seed_table(SEED_ROWS)
    line("P1", "ms", bench_time(lambda: write_stream(seed)) * 1e3, "P1 write seed stream to memory")

    buf = write_stream(seed)
    line("P2", "us", bench_time(lambda: read_stream(buf)) * 1e6, "P2 read seed stream from memory (1M rows)")
    small = write_stream(seed_table(SEED_ROWS // 10))
    line("P2s", "us", bench_time(lambda: read_stream(small)) * 1e6, "P2 same at 100k rows")

    values = pa.array(np.arange(WIDE_ROWS, dtype=np.float64) * 0.25)
    wide = pa.table([values] * WIDE_COLS, names=[f"c{i}" for i in range(WIDE_COLS)])
    wbuf = write_stream(wide)
    line("P3", "us/col", bench_time(lambda: read_stream(wbuf)) * 1e6 / WIDE_COLS,
         "P3 read 1,280 float64 cols x 1,024 rows stream")

    for codec, name, key in (("lz4", "LZ4", "P6-lz4"), ("zstd", "ZSTD", "P6-zstd")):
        opts = pa.ipc.IpcWriteOptions(compression=codec)
        line(f"{key}-w", "ms", bench_time(lambda: write_stream(seed, opts)) * 1e3, f"P6 write seed stream, {name}")
        cbuf = write_stream(seed, opts)
        line(f"{key}-r", "ms", bench_time(lambda: read_stream(cbuf)) * 1e3, f"P6 read seed stream, {name}")
        line(f"{key}-size", "MB", cbuf.size / 1e6, f"P6 {name} stream size")


def status_kib(field):
    with open("/proc/self/status") as f:
        for l in f:
            if l.startswith(field + ":"):
                return int(l.split()[1])
    return -1


def main_p4(path, key="P4"):
    # Batch by batch, each dropped before the next, as bench_mmap.c does.
    def read_all():
        with pa.memory_map(path) as src:
            r = pa.ipc.open_file(src)
            rows = 0
            for i in range(r.num_record_batches):
                rows += r.get_batch(i).num_rows
            assert rows > 0

    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass
    rss0 = status_kib("VmRSS")
    t = bench_time(read_all)
    hwm = status_kib("VmHWM")
    size = os.path.getsize(path)
    line(key, "ms", t * 1e3, f"{key} open 1 GiB file by mmap, read every batch")
    line(f"{key}-rss", "MiB", (hwm - rss0) / 1024, f"{key} peak RSS growth (1% of file = {size / 100 / 2**20:.1f} MiB)")


if __name__ == "__main__":
    if len(sys.argv) in (3, 4) and sys.argv[1] == "--p4":
        main_p4(*sys.argv[2:])
    else:
        main_mem()
