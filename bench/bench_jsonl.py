"""JSON Lines read: quiver (CLI convert to an IPC file, timed around the
library call via `quiver convert` wall time), pyarrow.json.read_json and
polars.read_ndjson on the same file, in the same run. Prints each figure,
and the ratio to quiver. Never asserted; run by hand or by make bench:
    build/venv/bin/python bench/bench_jsonl.py [MB] [QUIVER_CLI]
"""
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np


def make_file(path, megabytes):
    rng = np.random.default_rng(1)
    with open(path, "w") as f:
        size = 0
        while size < megabytes * 2**20:
            lines = []
            for _ in range(1000):
                r = {"id": int(rng.integers(0, 2**40)), "x": float(rng.normal()), "ok": bool(rng.integers(0, 2)),
                     "name": "".join(chr(97 + int(c)) for c in rng.integers(0, 26, int(rng.integers(3, 20)))),
                     "when": f"2024-0{int(rng.integers(1, 9))}-1{int(rng.integers(0, 9))} 12:00:00",
                     "tags": [int(v) for v in rng.integers(0, 100, int(rng.integers(0, 4)))],
                     "pos": {"lat": float(rng.random()), "lon": float(rng.random())}}
                lines.append(json.dumps(r))
            text = "\n".join(lines) + "\n"
            f.write(text)
            size += len(text)


def best_of(n, fn):
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main():
    megabytes = float(sys.argv[1]) if len(sys.argv) > 1 else 50
    cli = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), "..", "build/release/tools/quiver")
    import polars as pl
    import pyarrow as pa
    import pyarrow.json as pajson
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "bench.jsonl")
        make_file(path, megabytes)
        size = os.path.getsize(path) / 2**20
        out = os.path.join(d, "out.arrows")
        q = best_of(3, lambda: subprocess.run([cli, "convert", path, out, "--to", "stream"], check=True))
        pa.set_cpu_count(2)
        p = best_of(3, lambda: pajson.read_json(path))
        pl_t = best_of(3, lambda: pl.read_ndjson(path))
        print(f"JSON Lines read, {size:.0f} MiB, 7 columns (int, float, bool, string, timestamp, list, struct):")
        print(f"  quiver convert (read + IPC write): {q:.3f} s  {size / q:7.1f} MiB/s")
        print(f"  pyarrow.json.read_json (2 threads): {p:.3f} s  {size / p:7.1f} MiB/s  quiver/pyarrow {p / q:.2f}x")
        print(f"  polars.read_ndjson:                 {pl_t:.3f} s  {size / pl_t:7.1f} MiB/s  quiver/polars {pl_t / q:.2f}x")


if __name__ == "__main__":
    main()
