"""Arrow Flight DoGet over loopback: quiver server -> quiver client against
pyarrow server -> pyarrow client, in the same run, on the same file (the
seed table, `quiver gen seed`). Also the two mixed pairs, for context.

    build/venv/bin/python bench/bench_flight.py [BUILD_DIR] [--rows N] [--runs R]

Each figure is the median of R timed DoGets (after one warm-up; the pairs
take turns) of the whole table, client and server on this machine, each server in its own process.
Prints MB/s (body bytes of the table / seconds) per pair and the ratio
quiver/pyarrow. Nothing here asserts a duration.
"""
import argparse
import os
import pathlib
import select
import statistics
import subprocess
import sys
import tempfile
import time

import pyarrow as pa
import pyarrow.flight as fl

REPO = pathlib.Path(__file__).resolve().parents[1]

PYARROW_SERVER = r"""
import sys, pyarrow as pa, pyarrow.flight as fl
table = pa.ipc.open_file(pa.memory_map(sys.argv[1])).read_all()
class S(fl.FlightServerBase):
    def do_get(self, context, ticket):
        return fl.RecordBatchStream(table)
s = S("grpc://127.0.0.1:0")
print("LISTENING", s.port, flush=True)
s.serve()
"""


def read_line(proc, prefix):
    deadline = time.monotonic() + 60
    buf = b""
    while time.monotonic() < deadline:
        r, _, _ = select.select([proc.stdout], [], [], 0.5)
        if r:
            chunk = os.read(proc.stdout.fileno(), 4096)
            if not chunk:
                break
            buf += chunk
            # whole lines only: a line may arrive in pieces
            for line in buf.decode(errors="replace").split("\n")[:-1]:
                if line.startswith(prefix):
                    return line[len(prefix):].strip()
    raise SystemExit("server did not start: %r" % buf)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build", nargs="?", default=str(REPO / "build" / "release"))
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    quiver_bin = pathlib.Path(args.build) / "tools" / "quiver"
    import quiver.flight

    with tempfile.TemporaryDirectory() as tmp:
        folder = pathlib.Path(tmp)
        seed = folder / "seed.arrow"
        subprocess.run([str(quiver_bin), "gen", "seed", "--rows", str(args.rows), str(seed)], check=True,
                       capture_output=True)
        table = pa.ipc.open_file(seed).read_all()
        nbytes = table.nbytes
        qs = subprocess.Popen([str(quiver_bin), "serve", str(folder), "--port", "0", *os.environ.get("QV_BENCH_SERVE_ARGS", "").split()], stdout=subprocess.PIPE)
        ps = subprocess.Popen([sys.executable, "-c", PYARROW_SERVER, str(seed)], stdout=subprocess.PIPE)
        try:
            q_uri = read_line(qs, "quiver serve: listening on ")
            p_uri = "grpc://127.0.0.1:%s" % read_line(ps, "LISTENING ")
            qc_q = quiver.flight.connect(q_uri)
            qc_p = quiver.flight.connect(p_uri)
            pc_q = fl.connect(q_uri)
            pc_p = fl.connect(p_uri)
            pairs = [
                ("quiver server -> quiver client", lambda: qc_q.do_get(b"seed.arrow")),
                ("pyarrow server -> pyarrow client", lambda: pc_p.do_get(fl.Ticket(b"seed.arrow")).read_all()),
                ("quiver server -> pyarrow client", lambda: pc_q.do_get(fl.Ticket(b"seed.arrow")).read_all()),
                ("pyarrow server -> quiver client", lambda: qc_p.do_get(b"seed.arrow")),
            ]
            assert pa.table(qc_q.do_get(b"seed.arrow")).equals(table)
            # rounds alternate the pairs, so a slow spell of a shared machine
            # does not land on one pair only; each pair warms up first
            samples = {name: [] for name, _ in pairs}
            for _, fn in pairs:
                fn()
            for _ in range(args.runs):
                for name, fn in pairs:
                    t0 = time.perf_counter()
                    fn()
                    samples[name].append(time.perf_counter() - t0)
            results = {name: statistics.median(v) for name, v in samples.items()}
        finally:
            qs.terminate()
            ps.kill()
            qs.wait(timeout=60)
            ps.wait(timeout=60)
    print("DoGet of the seed table (%d rows, %.1f MB of buffers), loopback, median of %d runs"
          % (args.rows, nbytes / 1e6, args.runs))
    for name, secs in results.items():
        print("  %-36s %8.1f ms  %8.0f MB/s" % (name, secs * 1e3, nbytes / secs / 1e6))
    q = results["quiver server -> quiver client"]
    p = results["pyarrow server -> pyarrow client"]
    print("  ratio quiver/pyarrow (throughput): %.2fx" % (p / q))


if __name__ == "__main__":
    main()
