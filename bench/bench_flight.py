"""Arrow Flight DoGet, quiver against pyarrow in the same run.

    build/venv/bin/python bench/bench_flight.py [BUILD_DIR] [--rows N] [--runs R] [--gib-runs R] [--no-gib]

Tables: the seed table (`quiver gen seed --rows N`, default 1,000,000) and,
unless --no-gib, a 1 GiB table (128 batches of 8 MiB of int64). For each:

  F1/F2  loopback TCP: quiver server -> quiver client against pyarrow
         server -> pyarrow client (plus the mixed pairs, for context);
  F3/F4  a Unix socket (grpc+unix): quiver server -> quiver client, whose
         bodies go through sealed memfds (shared memory), against pyarrow
         server -> pyarrow client on a Unix socket; quiver with shm=False
         (gRPC bytes over the same socket) for context.

Each figure is the median of R timed DoGets of the whole table (after one
warm-up; the pairs take turns round by round, so a slow spell of a shared
machine does not land on one pair only), each server in its own process.
Throughput = the table's buffer bytes / seconds. Prints a readable table and
result lines `key|MB/s|implementation|value|label` for scripts/run-bench.sh
(bench/report.py prints the ratio quiver/pyarrow). The memfd transport
between two processes without Flight (qv_shm, time independent of size) is
bench/bench_shm.c. Nothing here asserts a duration.
"""
import argparse
import os
import pathlib
import resource
import select
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import pyarrow as pa
import pyarrow.flight as fl

REPO = pathlib.Path(__file__).resolve().parents[1]

PYARROW_SERVER = r"""
import sys, pyarrow as pa, pyarrow.flight as fl
tables = {}
for path in sys.argv[2:]:
    name = path.rsplit("/", 1)[-1]
    tables[name.encode()] = pa.ipc.open_file(pa.memory_map(path)).read_all()
class S(fl.FlightServerBase):
    def do_get(self, context, ticket):
        return fl.RecordBatchStream(tables[ticket.ticket])
s = S(sys.argv[1])
print("LISTENING", s.port, flush=True)
s.serve()
"""


def read_line(proc, prefix):
    deadline = time.monotonic() + 120
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


def write_gib(path):
    schema = pa.schema([("i", pa.int64())])
    rows = 1 << 20
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, schema) as w:
        for b in range(128):
            w.write_batch(pa.record_batch([pa.array(np.arange(b * rows, (b + 1) * rows))], schema=schema))


def _cpu_of(pid):
    """Seconds of CPU (user + system) the process pid has used."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _self_cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def measure(pairs, runs):
    """{name: (median seconds, client CPU s per run, server CPU s per run)}
    over `runs` rounds in which every pair runs once. pairs: (name, fn,
    server pid). CPU time is less at the mercy of a loaded machine than
    wall time: it says where the work goes."""
    samples = {name: [] for name, _, _ in pairs}
    cpu = {name: [0.0, 0.0] for name, _, _ in pairs}
    for _, fn, _ in pairs:
        fn()
    for _ in range(runs):
        for name, fn, pid in pairs:
            c0, s0 = _self_cpu(), _cpu_of(pid)
            t0 = time.perf_counter()
            fn()
            samples[name].append(time.perf_counter() - t0)
            cpu[name][0] += _self_cpu() - c0
            cpu[name][1] += _cpu_of(pid) - s0
    return {name: (statistics.median(v), cpu[name][0] / runs, cpu[name][1] / runs) for name, v in samples.items()}


def report(key, title, nbytes, runs, results, quiver_pair, pyarrow_pair):
    print("%s: %s (%.1f MB of buffers), median of %d runs; CPU per DoGet (client, server)"
          % (key, title, nbytes / 1e6, runs))
    for name, (secs, ccpu, scpu) in results.items():
        print("  %-46s %9.1f ms  %8.0f MB/s   CPU %7.1f ms + %7.1f ms"
              % (name, secs * 1e3, nbytes / secs / 1e6, ccpu * 1e3, scpu * 1e3))
    results = {name: v[0] for name, v in results.items()}
    q, p = results[quiver_pair], results[pyarrow_pair]
    print("  ratio quiver/pyarrow (throughput): %.2fx" % (p / q))
    label = "%s %s (DoGet MB/s)" % (key, title)
    print("%s|MB/s|quiver|%.6g|%s" % (key, nbytes / q / 1e6, label))
    print("%s|MB/s|pyarrow|%.6g|%s" % (key, nbytes / p / 1e6, label))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build", nargs="?", default=str(REPO / "build" / "release"))
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--gib-runs", type=int, default=3)
    ap.add_argument("--no-gib", action="store_true")
    args = ap.parse_args()
    quiver_bin = pathlib.Path(args.build) / "tools" / "quiver"
    import quiver.flight

    with tempfile.TemporaryDirectory() as tmp:
        folder = pathlib.Path(tmp) / "served"
        folder.mkdir()
        seed = folder / "seed.arrow"
        subprocess.run([str(quiver_bin), "gen", "seed", "--rows", str(args.rows), str(seed)], check=True,
                       capture_output=True)
        files = [seed]
        if not args.no_gib:
            files.append(folder / "gib.arrow")
            write_gib(files[-1])
        sock_q = pathlib.Path(tmp) / "q.sock"
        sock_p = pathlib.Path(tmp) / "p.sock"
        procs = [
            subprocess.Popen([str(quiver_bin), "serve", str(folder), "--port", "0"], stdout=subprocess.PIPE),
            subprocess.Popen([str(quiver_bin), "serve", str(folder), "--unix", str(sock_q)], stdout=subprocess.PIPE),
            subprocess.Popen([sys.executable, "-c", PYARROW_SERVER, "grpc://127.0.0.1:0", *map(str, files)],
                             stdout=subprocess.PIPE),
            subprocess.Popen([sys.executable, "-c", PYARROW_SERVER, "grpc+unix://%s" % sock_p, *map(str, files)],
                             stdout=subprocess.PIPE),
        ]
        try:
            q_uri = read_line(procs[0], "quiver serve: listening on ")
            qu_uri = read_line(procs[1], "quiver serve: listening on ")
            p_uri = "grpc://127.0.0.1:%s" % read_line(procs[2], "LISTENING ")
            read_line(procs[3], "LISTENING ")
            pu_uri = "grpc+unix://%s" % sock_p
            qc_q, qc_p = quiver.flight.connect(q_uri), quiver.flight.connect(p_uri)
            pc_q, pc_p = fl.connect(q_uri), fl.connect(p_uri)
            qc_qu = quiver.flight.connect(qu_uri)
            qc_qu_plain = quiver.flight.connect(qu_uri, shm=False)
            pc_pu = fl.connect(pu_uri)
            load_before = os.getloadavg()
            for k, path in enumerate(files):
                ticket = path.name.encode()
                nbytes = pa.ipc.open_file(pa.memory_map(str(path))).read_all().nbytes
                runs = args.runs if k == 0 else args.gib_runs
                what = "the seed table (%d rows)" % args.rows if k == 0 else "a 1 GiB table (128 x 8 MiB)"
                assert pa.table(qc_q.do_get(ticket)).num_rows == pa.table(qc_qu.do_get(ticket)).num_rows
                qpid, qupid, ppid, pupid = (p.pid for p in procs)
                tcp = measure([
                    ("quiver server -> quiver client", lambda: qc_q.do_get(ticket), qpid),
                    ("pyarrow server -> pyarrow client", lambda: pc_p.do_get(fl.Ticket(ticket)).read_all(), ppid),
                    ("quiver server -> pyarrow client", lambda: pc_q.do_get(fl.Ticket(ticket)).read_all(), qpid),
                    ("pyarrow server -> quiver client", lambda: qc_p.do_get(ticket), ppid),
                ], runs)
                report("F%d" % (1 + k), "loopback TCP, %s" % what, nbytes, runs, tcp,
                       "quiver server -> quiver client", "pyarrow server -> pyarrow client")
                before = qc_qu.stats()["bodies_shm_received"]
                unix = measure([
                    ("quiver -> quiver, memfd bodies", lambda: qc_qu.do_get(ticket), qupid),
                    ("pyarrow server -> pyarrow client", lambda: pc_pu.do_get(fl.Ticket(ticket)).read_all(), pupid),
                    ("quiver -> quiver, gRPC bytes (shm=False)", lambda: qc_qu_plain.do_get(ticket), qupid),
                ], runs)
                assert qc_qu.stats()["bodies_shm_received"] > before, "the memfd path was not taken"
                report("F%d" % (3 + k), "grpc+unix, %s" % what, nbytes, runs, unix,
                       "quiver -> quiver, memfd bodies", "pyarrow server -> pyarrow client")
            print("load average before / after: %.1f / %.1f (%d cores)"
                  % (load_before[0], os.getloadavg()[0], os.cpu_count()))
        finally:
            for p in procs:
                p.terminate()
            for p in procs:
                try:
                    p.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    p.kill()


if __name__ == "__main__":
    main()
