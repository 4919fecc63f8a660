"""JSON Lines read: quiver.json.read_json, pyarrow.json.read_json (2
threads) and polars.read_ndjson on the same file, in the same process and
run (best of 3 each), plus `quiver convert x.jsonl x.arrows` (the CLI:
process start, read and IPC write). JSON Lines write of the same table:
quiver.json.write_json against polars' write_ndjson (pyarrow has no JSON
writer), both to a path. Prints each figure and the ratio to
quiver, and issue 14's target (read >= pyarrow's read_json) checked on
those figures. Also prints result lines (`key|unit|implementation|value|label`,
J1 read, J2 write) for bench/report.py: `make bench` runs it
(scripts/run-bench.sh, QV_JSONL_BENCH_MB, default 50). Never asserted; by
hand (quiver's Python module installed, as scripts/run-pytest.sh does):
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
    """Best wall time of n runs (and the CPU time of that run, all threads:
    on a shared machine wall time includes waiting for a core)."""
    best = None
    for _ in range(n):
        w, c = time.perf_counter(), time.process_time()
        fn()
        run = (time.perf_counter() - w, time.process_time() - c)
        best = run if best is None or run[0] < best[0] else best
    return best


def line(key, unit, impl, value, label):
    print(f"{key}|{unit}|{impl}|{value:.6g}|{label}", flush=True)


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
        import quiver as qv
        q = best_of(3, lambda: qv.json.read_json(path))
        pa.set_cpu_count(2)
        p = best_of(3, lambda: pajson.read_json(path))
        pl_t = best_of(3, lambda: pl.read_ndjson(path))
        q_cli = best_of(3, lambda: subprocess.run([cli, "convert", path, out, "--to", "stream"], check=True))
        print(f"JSON Lines read, {size:.0f} MiB, 7 columns (int, float, bool, string, timestamp, list, struct);")
        print("best of 3 by wall time, with that run's CPU time (all threads):")
        for name, (w, c) in [("quiver.json.read_json (2 threads)", q), ("pyarrow.json.read_json (2 threads)", p),
                             ("polars.read_ndjson", pl_t)]:
            print(f"  {name:36s} wall {w:6.3f} s ({size / w:6.1f} MiB/s)  cpu {c:6.3f} s  "
                  f"quiver/peer wall {w / q[0]:.2f}x cpu {c / q[1]:.2f}x")
        print(f"  quiver convert x.jsonl x.arrows (CLI: start, read, IPC write): wall {q_cli[0]:.3f} s")
        ratio = p[0] / q[0]
        print(f"  target (issue 14): read >= pyarrow's read_json: {ratio:.2f}x {'met' if ratio >= 1 else 'MISSED'}")
        label = f"J1 read a {size:.0f} MiB JSON Lines file of 7 columns (s)"
        for impl, (w, _) in (("quiver", q), ("pyarrow", p), ("polars", pl_t)):
            line("J1", "s", impl, w, label)
        table = pajson.read_json(path)
        qt, df = qv.table(table), pl.from_arrow(table)
        wpath = os.path.join(d, "written.jsonl")
        qw = best_of(3, lambda: qv.json.write_json(qt, wpath))
        pw = best_of(3, lambda: df.write_ndjson(wpath))
        print(f"JSON Lines write of that table to a path (quiver's file is fsync'd, polars' is not):")
        for name, (w, c) in [("quiver.json.write_json", qw), ("polars write_ndjson", pw)]:
            print(f"  {name:36s} wall {w:6.3f} s  cpu {c:6.3f} s  quiver/peer wall {w / qw[0]:.2f}x cpu {c / qw[1]:.2f}x")
        label = f"J2 write that table as JSON Lines to a path (s)"
        for impl, (w, _) in (("quiver", qw), ("polars", pw)):
            line("J2", "s", impl, w, label)

if __name__ == "__main__":
    main()
