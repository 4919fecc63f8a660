"""nanoarrow's and arro3's side of quiver's IPC benchmarks (make bench).

    peer_python.py nanoarrow   the Python package nanoarrow: its IPC reader
                               and writer are nanoarrow's C library
                               (the reader copies each message body and
                               validates at its default level)
    peer_python.py arro3       arro3-core and arro3-io: arrow-rs's IPC
                               reader and writer from Python (the reader
                               runs arrow-rs's full validation, UTF-8
                               included)

Same shapes as bench/peer_pyarrow.py (whose table builders and timing loop
this reuses): P1 write the seed stream to memory, P2 read it back from
memory (1M and 100k rows), P3 the 1,280-column stream per column, P6 ZSTD
write and read. The input streams are written by pyarrow and handed over as
bytes; tables go to the peer through the Arrow PyCapsule interface once,
before timing. Prints result lines `key|unit|<peer>|value|label`
(bench/bench_util.h). Nothing here asserts a duration.
"""

import io
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy as np  # noqa: E402
import pyarrow as pa  # noqa: E402

from peer_pyarrow import SEED_ROWS, WIDE_COLS, WIDE_ROWS, bench_time, seed_table, write_stream  # noqa: E402


def line(impl, key, unit, value, label):
    print(f"{key}|{unit}|{impl}|{value:.6g}|{label}", flush=True)


def nanoarrow_peer():
    import nanoarrow as na
    import nanoarrow.ipc as nipc

    def read(b):
        rows = 0
        for arr in na.c_array_stream(nipc.InputStream.from_readable(b)):
            rows += arr.length
        return rows

    def write(table):
        out = io.BytesIO()
        w = nipc.StreamWriter.from_writable(out)
        w.write_stream(table)
        w.close()
        return out

    return "nanoarrow", read, write, None


def arro3_peer():
    import arro3.core as ac
    import arro3.io as aio

    def read(b):
        return aio.read_ipc_stream(b).read_all().num_rows

    def write(table, compression=None):
        out = io.BytesIO()
        aio.write_ipc_stream(table, out, compression=compression)
        return out

    return "arro3", read, write, ac.Table.from_arrow


def main(which):
    impl, read, write, convert = {"nanoarrow": nanoarrow_peer, "arro3": arro3_peer}[which]()
    conv = convert or (lambda t: t)
    say = lambda *a: line(impl, *a)  # noqa: E731

    seed = seed_table(SEED_ROWS)
    peer_seed = conv(seed)
    say("P1", "ms", bench_time(lambda: write(peer_seed)) * 1e3, "P1 write seed stream to memory")

    b = write_stream(seed).to_pybytes()
    say("P2", "us", bench_time(lambda: read(b)) * 1e6, "P2 read seed stream from memory (1M rows)")
    small = write_stream(seed_table(SEED_ROWS // 10)).to_pybytes()
    say("P2s", "us", bench_time(lambda: read(small)) * 1e6, "P2 same at 100k rows")

    values = pa.array(np.arange(WIDE_ROWS, dtype=np.float64) * 0.25)
    wide = pa.table([values] * WIDE_COLS, names=[f"c{i}" for i in range(WIDE_COLS)])
    wb = write_stream(wide).to_pybytes()
    say("P3", "us/col", bench_time(lambda: read(wb)) * 1e6 / WIDE_COLS, "P3 read 1,280 float64 cols x 1,024 rows stream")

    zb = write_stream(seed, pa.ipc.IpcWriteOptions(compression="zstd")).to_pybytes()
    if impl == "arro3":  # nanoarrow's writer has no compression
        say("P6-zstd-w", "ms", bench_time(lambda: write(peer_seed, "zstd")) * 1e3, "P6 write seed stream, ZSTD")
    try:
        read(zb)
    except Exception as e:  # a build without ZSTD: leave the figure out
        print(f"{impl}: cannot read a ZSTD stream: {e}", file=sys.stderr)
    else:
        say("P6-zstd-r", "ms", bench_time(lambda: read(zb)) * 1e3, "P6 read seed stream, ZSTD")


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in ("nanoarrow", "arro3"):
        sys.exit("usage: peer_python.py nanoarrow|arro3")
    main(sys.argv[1])
