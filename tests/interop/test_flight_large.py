"""A 1 GiB Arrow Flight transfer with bounded memory on both sides.

`quiver serve` (one process) and the quiver CLI client (`quiver get`, then
`quiver put`; another process) move a 1 GiB IPC file (128 batches of
8 MiB) over loopback TCP. While each transfer runs, this test samples both
processes' anonymous and shared resident memory (RssAnon + RssShmem of
/proc/PID/status) and checks that neither grew by more than an eighth of
the data: a side that buffered the stream (a server racing ahead of a slow
reader, a client collecting the table) would grow by the whole gigabyte.
File-backed pages are left out on purpose: both sides map the files they
read and write, and those pages are page cache the kernel reclaims at will,
not memory the transfer holds.

Each transfer must finish within a bounded time (a subprocess timeout); no
duration is asserted. The received data is checked (row count and values
at both ends).
"""
import os
import pathlib
import subprocess
import sys
import threading
import time

import numpy as np
import pyarrow as pa
import pytest

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from test_flight import WAIT, _read_line, _stop, quiver_bin  # noqa: E402

GIB = 1 << 30
BATCH_ROWS = 1 << 20  # 8 MiB of int64 per batch
N_BATCHES = GIB // (BATCH_ROWS * 8)
TRANSFER_TIMEOUT = 600  # seconds for one 1 GiB transfer, on a loaded machine
LIMIT = GIB // 16  # 64 MiB; measured about 20-35 MiB


def _private_kib(pid):
    """RssAnon + RssShmem of pid in KiB (None once it has exited)."""
    try:
        with open("/proc/%d/status" % pid) as f:
            fields = dict(line.split(":", 1) for line in f if ":" in line)
    except (FileNotFoundError, ProcessLookupError):
        return None
    return sum(int(fields.get(k, "0 kB").split()[0]) for k in ("RssAnon", "RssShmem"))


class PeakSampler:
    """Samples _private_kib of some pids every 20 ms on a thread; peak per pid."""

    def __init__(self, pids):
        self.peak = {p: 0 for p in pids}
        self.stop_flag = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        deadline = time.monotonic() + TRANSFER_TIMEOUT + 60
        while not self.stop_flag.is_set() and time.monotonic() < deadline:
            for p in self.peak:
                kib = _private_kib(p)
                if kib is not None:
                    self.peak[p] = max(self.peak[p], kib)
            time.sleep(0.02)

    def add(self, pid):
        self.peak.setdefault(pid, 0)

    def stop(self):
        self.stop_flag.set()
        self.thread.join(timeout=10)
        return self.peak


@pytest.fixture(scope="module")
def big_file(tmp_path_factory):
    folder = tmp_path_factory.mktemp("large")
    path = folder / "big.arrow"
    schema = pa.schema([("i", pa.int64())])
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, schema) as w:
        for b in range(N_BATCHES):
            w.write_batch(pa.record_batch([pa.array(np.arange(b * BATCH_ROWS, (b + 1) * BATCH_ROWS))], schema=schema))
    yield folder, path
    path.unlink()


def _check_file(path):
    """The file holds 0 .. N-1 in order (checked at the ends of every batch)."""
    with pa.memory_map(str(path)) as src:
        r = pa.ipc.open_file(src)
        assert r.num_record_batches >= 1
        rows = 0
        for k in range(r.num_record_batches):
            col = r.get_batch(k).column(0)
            if len(col):
                assert col[0].as_py() == rows and col[len(col) - 1].as_py() == rows + len(col) - 1
            rows += len(col)
        assert rows == N_BATCHES * BATCH_ROWS


def _transfer(server_pid, args):
    """Runs `quiver ARGS` while sampling it and the server: (server growth, client peak) in bytes."""
    base = _private_kib(server_pid)
    sampler = PeakSampler([server_pid])
    client = subprocess.Popen([quiver_bin(), *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    sampler.add(client.pid)
    try:
        _, err = client.communicate(timeout=TRANSFER_TIMEOUT)
    except subprocess.TimeoutExpired:
        client.kill()
        client.wait()
        pytest.fail("quiver %s did not finish within %d s" % (args[0], TRANSFER_TIMEOUT))
    finally:
        peak = sampler.stop()
    assert client.returncode == 0, err.decode()
    return (peak[server_pid] - base) * 1024, peak[client.pid] * 1024


def test_1gib_doget_and_doput_bounded_memory(big_file, tmp_path):
    folder, path = big_file
    server = subprocess.Popen([quiver_bin(), "serve", str(folder), "--port", "0"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)
    try:
        uri = _read_line(server, "quiver serve: listening on ", "quiver serve")
        out = tmp_path / "got.arrow"
        server_growth, client_peak = _transfer(server.pid, ["get", uri, "big.arrow", "-o", str(out)])
        print("DoGet 1 GiB: server grew %.1f MiB, client peak %.1f MiB" % (server_growth / 2**20, client_peak / 2**20))
        assert server_growth < LIMIT, "the server grew by %d bytes serving 1 GiB" % server_growth
        assert client_peak < LIMIT, "the client held %d bytes reading 1 GiB" % client_peak
        _check_file(out)
        out.unlink()
        server_growth, client_peak = _transfer(server.pid, ["put", uri, "up.arrow", str(path)])
        print("DoPut 1 GiB: server grew %.1f MiB, client peak %.1f MiB" % (server_growth / 2**20, client_peak / 2**20))
        assert server_growth < LIMIT, "the server grew by %d bytes receiving 1 GiB" % server_growth
        assert client_peak < LIMIT, "the client held %d bytes sending 1 GiB" % client_peak
        _check_file(folder / "up.arrow")
        (folder / "up.arrow").unlink()
    finally:
        assert _stop(server) == 0
