"""Arrow Flight interop for every RPC, beyond what `quiver serve` offers:
a pyarrow.flight client against tests/interop/qv_flight_peer.c (a quiver
server with every RPC), and the quiver client's DoExchange against
pyarrow's server (tests/interop/flight_peer_server.py).

Each Arrow type of CASES goes pyarrow -> quiver by DoPut, back by DoGet,
and through DoExchange both ways, and must come back equal.
PollFlightInfo has no pyarrow Python API; it is covered quiver to quiver
(tests/flight/test_flight_roundtrip.c).
"""
import subprocess
import sys

import pyarrow as pa
import pyarrow.feather as feather
import pyarrow.flight as fl
import pytest

from conftest import CASES
from ipc_support import build_dir
from test_flight import WAIT, PyarrowServer, _read_line

import flight_peer_server


def peer_bin():
    exe = build_dir() / "qv_flight_peer"
    if not exe.exists():
        pytest.fail(f"{exe} not found: build quiver first (make build) or set QV_BUILD_DIR")
    return str(exe)


class QuiverPeer:
    def __init__(self, table_path, token=None):
        args = [peer_bin(), "serve", str(table_path)] + ([token] if token else [])
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.uri = "grpc://127.0.0.1:%s" % _read_line(self.proc, "LISTENING ", "qv_flight_peer")

    def stop(self):
        self.proc.stdin.close()  # the peer shuts down cleanly when stdin closes
        rc = self.proc.wait(timeout=WAIT)
        assert rc == 0, self.proc.stderr.read()


@pytest.fixture
def quiver_peer(tmp_path):
    t = flight_peer_server.sample_tables()["mixed"]
    path = tmp_path / "t.arrow"
    feather.write_feather(t, path, chunksize=300, compression="uncompressed")
    p = QuiverPeer(path)
    yield p, t
    p.stop()


def test_pyarrow_client_every_rpc(quiver_peer):
    peer, t = quiver_peer
    c = fl.connect(peer.uri)
    infos = list(c.list_flights())
    assert len(infos) == 1 and infos[0].descriptor.path == [b"t"] and infos[0].schema == t.schema
    info = c.get_flight_info(fl.FlightDescriptor.for_path("t"))
    assert info.total_records == t.num_rows and info.ordered
    assert c.get_schema(fl.FlightDescriptor.for_path("t")).schema == t.schema
    assert c.do_get(info.endpoints[0].ticket).read_all().equals(t)
    with pytest.raises(KeyError, match="no flight 'x'"):
        c.get_flight_info(fl.FlightDescriptor.for_path("x"))
    # actions
    assert [r.body.to_pybytes() for r in c.do_action(fl.Action("echo", b"hi"))] == [b"hi", b"done"]
    assert [(a.type, a.description) for a in c.list_actions()] == [("echo", "answers with the body, then done")]
    with pytest.raises(pa.ArrowInvalid, match="unknown action 'zap'"):
        list(c.do_action(fl.Action("zap", b"")))
    # DoExchange: batches and app_metadata echoed, then a metadata-only message
    w, r = c.do_exchange(fl.FlightDescriptor.for_command(b"echo"))
    w.begin(t.schema)
    for i, b in enumerate(t.to_batches(max_chunksize=250)):
        w.write_with_metadata(b, b"md%d" % i)
        chunk = r.read_chunk()
        assert chunk.data.equals(b) and chunk.app_metadata.to_pybytes() == b"md%d" % i
    w.write_metadata(b"only metadata")
    chunk = r.read_chunk()
    assert chunk.data is None and chunk.app_metadata.to_pybytes() == b"only metadata"
    w.done_writing()
    with pytest.raises(StopIteration):
        r.read_chunk()
    w.close()
    c.close()


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_type_put_get_exchange(quiver_peer, name):
    peer, _ = quiver_peer
    t = pa.table({"c": CASES[name]})
    c = fl.connect(peer.uri)
    w, acks = c.do_put(fl.FlightDescriptor.for_path("up", name), t.schema)
    w.write_with_metadata(t.to_batches()[0] if t.num_rows else pa.record_batch([CASES[name]], names=["c"]), b"a")
    assert acks.read().to_pybytes() == b"a"
    w.close()
    got = c.do_get(fl.Ticket(("up/" + name).encode())).read_all()
    assert got.equals(t), name
    got.validate(full=True)
    w, r = c.do_exchange(fl.FlightDescriptor.for_command(b"echo"))
    w.begin(t.schema)
    w.write_table(t)
    w.done_writing()
    assert r.read_all().equals(t), name
    w.close()
    c.close()


def test_pyarrow_client_auth_against_quiver_peer(tmp_path):
    t = pa.table({"a": [1, 2]})
    feather.write_feather(t, tmp_path / "t.arrow")
    p = QuiverPeer(tmp_path / "t.arrow", token="tok")
    try:
        c = fl.connect(p.uri)
        with pytest.raises(fl.FlightUnauthenticatedError):
            list(c.do_action(fl.Action("echo", b"")))
        with pytest.raises(fl.FlightUnauthenticatedError):
            w, r = c.do_exchange(fl.FlightDescriptor.for_command(b"echo"))
            r.read_all()
        opts = fl.FlightCallOptions(headers=[c.authenticate_basic_token("alice", "pw")])
        assert [r.body.to_pybytes() for r in c.do_action(fl.Action("echo", b"x"), opts)] == [b"x", b"done"]
        assert c.do_get(fl.Ticket(b"t"), opts).read_all().equals(t)
        c.close()
    finally:
        p.stop()


def test_quiver_exchange_against_pyarrow_server(peer_server, tmp_path):
    t = flight_peer_server.sample_tables()["mixed"]
    src = tmp_path / "in.arrow"
    feather.write_feather(t, src, chunksize=400, compression="uncompressed")
    out = tmp_path / "out.arrow"
    r = subprocess.run([peer_bin(), "exchange", peer_server.uri, str(src), str(out)], capture_output=True,
                       timeout=WAIT)
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode().split() == ["METADATA", "m0", "m1", "m2"]
    assert pa.ipc.open_file(out).read_all().equals(t)


@pytest.fixture
def peer_server():
    s = PyarrowServer()
    yield s
    s.stop()
