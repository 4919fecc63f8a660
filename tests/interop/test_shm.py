"""quiver.shm: tables shared between processes through sealed memfds.

pyarrow is the oracle for values; zero-copy is checked by address (the
received column's buffer lies inside the memfd mapping in /proc/self/maps),
and a second process reading a 1 GiB table must grow its resident memory
by less than 1 % of the data. A table moved into shared memory once
(share_table) is sent as that same memfd: the reader maps the producer's
very file (same inode), with flat memory again. Hostile peers (no
descriptor, a pipe, an unsealed memfd) get ArrowInvalid, never a crash.
"""
import json
import os
import socket
import struct
import subprocess
import sys
import textwrap

import numpy as np
import pyarrow as pa
import pytest

import quiver as qv
from conftest import CASES, variants

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="memfd sealing is Linux-only")


def _pair():
    return socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_type_round_trips(name):
    for label, arr in variants(CASES[name]):
        t = pa.table({"c": arr})
        a, b = _pair()
        with a, b:
            qv.shm.send_table(a, qv.table(t))
            got = qv.shm.receive_table(b, full_validation=True)
        assert pa.table(got).equals(t), (name, label)


def _in_memfd_mapping(address):
    with open("/proc/self/maps") as f:
        for line in f:
            lo, hi = (int(x, 16) for x in line.split()[0].split("-"))
            if lo <= address < hi:
                return "memfd:quiver-table" in line
    return False


def test_received_table_is_a_view_of_shared_memory():
    values = np.arange(1 << 16, dtype=np.int64)
    a, b = _pair()
    with a, b:
        qv.shm.send_table(a, qv.table({"x": values}))
        got = qv.shm.receive_table(b)
    view = got.column("x").to_numpy()
    assert _in_memfd_mapping(view.ctypes.data)
    assert np.array_equal(view, values)


def test_socket_given_as_descriptor_and_table_as_dict():
    a, b = _pair()
    with a, b:
        qv.shm.send_table(a.fileno(), {"s": ["x", None, "zz"]})
        got = qv.shm.receive_table(b.fileno())
    assert got.to_pydict() == {"s": ["x", None, "zz"]}


_CHILD = textwrap.dedent(
    """
    import json, socket, sys
    import quiver as qv

    def rss_kib():
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])

    sock = socket.socket(fileno=int(sys.argv[1]))
    before = rss_kib()
    t = qv.shm.receive_table(sock)
    grown = rss_kib() - before
    col = t.column("big")
    n = len(col)
    samples = [col[i].as_py() for i in (0, 1 << 20, n - 1)]  # indexing gives Scalars, as pyarrow
    print(json.dumps({"rows": n, "grown_kib": grown, "samples": samples}))
    """
)


def test_other_process_reads_1gib_table_in_place():
    n = 1 << 27  # 128 Mi int64 = 1 GiB
    values = np.zeros(n, dtype=np.int64)
    values[1 << 20] = 42
    values[-1] = -7
    a, b = _pair()
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(b.fileno())], pass_fds=[b.fileno()], stdout=subprocess.PIPE, text=True
    )
    b.close()
    with a:
        qv.shm.send_table(a, qv.table({"big": values}))
    del values
    out, _ = child.communicate(timeout=120)
    assert child.returncode == 0
    report = json.loads(out)
    assert report["rows"] == n
    assert report["samples"] == [0, 42, -7]
    assert report["grown_kib"] * 1024 < (n * 8) // 100, report


def _send_header(sock, size, fds=()):
    header = b"QVSHM\0" + struct.pack("<H", 1) + struct.pack("<q", size)
    socket.send_fds(sock, [header], list(fds))


def test_hostile_peer_without_descriptor():
    a, b = _pair()
    with a, b:
        _send_header(a, 100)
        with pytest.raises(qv.ArrowInvalid, match="exactly one descriptor"):
            qv.shm.receive_table(b)


def test_hostile_peer_sends_a_pipe():
    r, w = os.pipe()
    a, b = _pair()
    with a, b:
        _send_header(a, 0, [r])
        with pytest.raises(qv.ArrowInvalid, match="not a memfd"):
            qv.shm.receive_table(b)
    os.close(r)
    os.close(w)


def test_hostile_peer_sends_an_unsealed_memfd():
    data = bytes(qv.ipc.write_stream(qv.table({"x": [1, 2, 3]})))
    fd = os.memfd_create("evil", os.MFD_CLOEXEC | os.MFD_ALLOW_SEALING)
    os.write(fd, data)
    a, b = _pair()
    with a, b:
        _send_header(a, len(data), [fd])
        with pytest.raises(qv.ArrowInvalid, match="not sealed"):
            qv.shm.receive_table(b)
    os.close(fd)


def test_peer_closed_before_sending():
    a, b = _pair()
    a.close()
    with b, pytest.raises(qv.ArrowException, match="closed the socket"):
        qv.shm.receive_table(b)


# ---- share_table: a table moved into shared memory once, sent without copies ----


def _mapping_of(address):
    """(inode, name) of the mapping of this process holding address."""
    with open("/proc/self/maps") as f:
        for line in f:
            parts = line.split()
            lo, hi = (int(x, 16) for x in parts[0].split("-"))
            if lo <= address < hi:
                return int(parts[4]), (parts[5] if len(parts) > 5 else "")
    return None, ""


def _received_inode(sock):
    """Receives one segment by hand and returns the inode of its memfd."""
    _, fds, _, _ = socket.recv_fds(sock, 16, 4)
    assert len(fds) == 1
    try:
        return os.fstat(fds[0]).st_ino
    finally:
        os.close(fds[0])


@pytest.mark.parametrize("name", sorted(CASES))
def test_share_table_every_type(name):
    for label, arr in variants(CASES[name]):
        t = pa.table({"c": arr})
        shared = qv.shm.share_table(t)
        assert pa.table(shared).equals(t), (name, label)
        a, b = _pair()
        with a, b:
            qv.shm.send_table(a, shared)
            got = qv.shm.receive_table(b, full_validation=True)
        assert pa.table(got).equals(t), (name, label)


def test_shared_table_lives_in_a_memfd_and_is_sent_as_itself():
    values = np.arange(1 << 16, dtype=np.int64)
    shared = qv.shm.share_table({"x": values})
    view = shared.column("x").to_numpy()
    home, name = _mapping_of(view.ctypes.data)
    assert "memfd:quiver-table" in name
    assert np.array_equal(view, values)
    for _ in range(2):  # every send passes the same memfd
        a, b = _pair()
        with a, b:
            qv.shm.send_table(a, shared)
            assert _received_inode(b) == home
    # a part of it is not the stream in the memfd: copied into a new one
    a, b = _pair()
    with a, b:
        qv.shm.send_table(a, shared.slice(10, 100))
        got = qv.shm.receive_table(b)
    assert got.column("x").to_pylist() == list(range(10, 110))
    assert _mapping_of(got.column("x").to_numpy().ctypes.data)[0] != home
    # compression asked for: written anew
    a, b = _pair()
    with a, b:
        qv.shm.send_table(a, shared, compression="zstd")
        got = qv.shm.receive_table(b)
    assert np.array_equal(got.column("x").to_numpy(), values)


_SHARE_CHILD = textwrap.dedent(
    """
    import json, socket, sys
    import quiver as qv

    def rss_kib():
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])

    def inode_of(address):
        with open("/proc/self/maps") as f:
            for line in f:
                parts = line.split()
                lo, hi = (int(x, 16) for x in parts[0].split("-"))
                if lo <= address < hi:
                    return int(parts[4])

    sock = socket.socket(fileno=int(sys.argv[1]))
    before = rss_kib()
    t = qv.shm.receive_table(sock)
    grown = rss_kib() - before
    col = t.column("big")
    n = len(col)
    samples = [col[i].as_py() for i in (0, 1 << 20, n - 1)]
    inode = inode_of(col.to_numpy().ctypes.data)
    print(json.dumps({"rows": n, "grown_kib": grown, "samples": samples, "inode": inode}))
    """
)


def test_other_process_reads_a_shared_table_in_the_same_memory():
    """A table shared once (share_table) and sent to another process: the
    reader maps the very memfd the producer's table lives in (same inode:
    no copy on either side) and its resident memory grows by less than 1 %
    of the 256 MiB of data."""
    n = 1 << 25  # 32 Mi int64 = 256 MiB
    values = np.zeros(n, dtype=np.int64)
    values[1 << 20] = 42
    values[-1] = -7
    shared = qv.shm.share_table({"big": values})
    del values
    home, name = _mapping_of(shared.column("big").to_numpy().ctypes.data)
    assert "memfd:quiver-table" in name
    a, b = _pair()
    child = subprocess.Popen(
        [sys.executable, "-c", _SHARE_CHILD, str(b.fileno())], pass_fds=[b.fileno()], stdout=subprocess.PIPE, text=True
    )
    b.close()
    try:
        with a:
            qv.shm.send_table(a, shared)
        out, _ = child.communicate(timeout=120)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=30)
    assert child.returncode == 0
    report = json.loads(out)
    assert report["rows"] == n
    assert report["samples"] == [0, 42, -7]
    assert report["inode"] == home
    assert report["grown_kib"] * 1024 < (n * 8) // 100, report
