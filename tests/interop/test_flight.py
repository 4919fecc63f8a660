"""Arrow Flight interop: quiver against pyarrow.flight, both ways.

pyarrow client -> quiver server (`quiver serve` on a free loopback port):
ListFlights, GetFlightInfo, GetSchema, DoGet of a file per Arrow type,
DoPut with app_metadata and PutResult acks, errors as Flight errors, bearer
token and basic-auth handshake, and a client killed mid-stream (the server
keeps serving).

quiver client -> pyarrow server (tests/interop/flight_peer_server.py): the
CLI (`quiver flights/get/put`) and quiver.flight.connect (ListFlights,
GetFlightInfo, GetSchema, DoGet, DoPut, DoAction, ListActions), with token
and basic auth, and a server killed mid-stream (the client gets an error,
not a hang).

The RPCs `quiver serve` does not offer (DoExchange, PollFlightInfo,
DoAction, ListActions) are covered by tests/interop/qv_flight_peer.c: a
quiver server with every RPC against a pyarrow client, and the quiver
client's DoExchange against pyarrow's server.

Every wait is bounded (a deadline per process, a count per loop); no test
asserts a duration.
"""
import base64
import os
import pathlib
import select
import signal
import subprocess
import sys
import time

import pyarrow as pa
import pyarrow.feather as feather
import pyarrow.flight as fl
import pytest

from conftest import CASES
from ipc_support import build_dir

HERE = pathlib.Path(__file__).resolve().parent
PEER = HERE / "flight_peer_server.py"
sys.path.insert(0, str(HERE))
import flight_peer_server  # noqa: E402

WAIT = 60  # seconds any one process may take to start or stop


def quiver_bin():
    exe = build_dir() / "tools" / "quiver"
    if not exe.exists():
        pytest.fail(f"{exe} not found: build quiver first (make build) or set QV_BUILD_DIR")
    return str(exe)


def _read_line(proc, prefix, what):
    """The first stdout line of proc that starts with prefix (bounded wait)."""
    deadline = time.monotonic() + WAIT
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
        if proc.poll() is not None:
            break
    proc.kill()
    pytest.fail(f"{what} did not start: {buf!r} {proc.stderr.read()!r}")


def _stop(proc, sig=signal.SIGTERM):
    if proc.poll() is None:
        proc.send_signal(sig)
    try:
        return proc.wait(timeout=WAIT)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail("the server did not stop on %s" % sig)


def _table_of_every_type():
    """{name: one-column table} for every Arrow type of CASES."""
    return {name.replace("/", "_").replace(" ", "_"): pa.table({"c": arr}) for name, arr in CASES.items()}


class QuiverServer:
    def __init__(self, folder, *extra):
        self.folder = folder
        self.proc = subprocess.Popen(
            [quiver_bin(), "serve", str(folder), "--port", "0", *extra],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.uri = _read_line(self.proc, "quiver serve: listening on ", "quiver serve")

    def stop(self):
        rc = _stop(self.proc)
        assert rc == 0, self.proc.stderr.read()


@pytest.fixture
def served(tmp_path):
    folder = tmp_path / "served"
    (folder / "types").mkdir(parents=True)
    tables = _table_of_every_type()
    for name, t in tables.items():
        feather.write_feather(t, folder / "types" / (name + ".arrow"), compression="uncompressed")
    big = pa.table({"i": pa.array(range(200_000), pa.int64()), "s": pa.array([str(i) for i in range(200_000)])})
    feather.write_feather(big, folder / "big.arrow", chunksize=10_000, compression="uncompressed")
    (folder / "notes.txt").write_text("not arrow\x00\x01")
    server = QuiverServer(folder)
    yield server, tables, big
    server.stop()


# ---------------------------------------------------------------- pyarrow -> quiver


def test_pyarrow_client_lists_and_reads_every_type(served):
    server, tables, big = served
    client = fl.connect(server.uri)
    infos = {"/".join(p.decode() for p in i.descriptor.path): i for i in client.list_flights()}
    assert "notes.txt" not in infos  # not something quiver reads: not a flight
    assert infos["big.arrow"].total_records == big.num_rows
    for name, expected in tables.items():
        info = infos["types/%s.arrow" % name]
        assert info.schema == expected.schema, name
        assert info.total_records == expected.num_rows
        got = client.do_get(info.endpoints[0].ticket).read_all()
        assert got.equals(expected), name
        got.validate(full=True)
    client.close()


def test_pyarrow_client_rpcs(served):
    server, tables, big = served
    client = fl.connect(server.uri)
    d = fl.FlightDescriptor.for_path("big.arrow")
    info = client.get_flight_info(d)
    assert info.schema == big.schema
    assert info.total_records == big.num_rows
    assert [e.ticket.ticket for e in info.endpoints] == [b"big.arrow"]
    assert [l.uri.decode() for l in info.endpoints[0].locations] == [server.uri]
    assert client.get_schema(d).schema == big.schema
    reader = client.do_get(info.endpoints[0].ticket)
    assert reader.read_all().equals(big)

    # DoPut: app_metadata acknowledged with PutResults; the upload lands atomically
    up = pa.table({"x": pa.array([1, None, 3], pa.int32()), "d": pa.array(["a", "b", "a"]).dictionary_encode()})
    writer, acks = client.do_put(fl.FlightDescriptor.for_path("uploads.arrows"), up.schema)
    for i, b in enumerate(up.to_batches(max_chunksize=1)):
        writer.write_with_metadata(b, b"ack %d" % i)
        assert acks.read().to_pybytes() == b"ack %d" % i
    writer.close()
    assert (server.folder / "uploads.arrows").exists()
    assert client.do_get(fl.Ticket(b"uploads.arrows")).read_all().equals(up)
    assert pa.ipc.open_stream(server.folder / "uploads.arrows").read_all().equals(up)

    # errors with the server's message (NOT_FOUND is pyarrow's ArrowKeyError)
    with pytest.raises(KeyError, match="no flight named 'nope.arrow'"):
        client.get_flight_info(fl.FlightDescriptor.for_path("nope.arrow"))
    with pytest.raises(pa.ArrowInvalid, match="not a file or folder name"):
        client.do_get(fl.Ticket(b"../etc/passwd")).read_all()
    with pytest.raises(pa.ArrowInvalid, match="path descriptors"):
        client.get_flight_info(fl.FlightDescriptor.for_command(b"select 1"))
    with pytest.raises(pa.ArrowException):
        client.do_get(fl.Ticket(b"notes.txt")).read_all()
    with pytest.raises(NotImplementedError, match="DoExchange is not implemented"):
        w, r = client.do_exchange(fl.FlightDescriptor.for_command(b"x"))
        r.read_all()
    client.close()
    # an upload whose client dies half way leaves nothing behind
    p = subprocess.Popen([sys.executable, "-c", BROKEN_UPLOAD, server.uri], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _read_line(p, "SENT", "the uploading client")
    p.kill()
    p.wait(timeout=WAIT)
    client = fl.connect(server.uri)
    for _ in range(100):  # until the server has seen the call end (bounded)
        if not [q for q in server.folder.iterdir() if q.name.startswith(".")]:
            break
        time.sleep(0.05)
    assert client.do_get(fl.Ticket(b"big.arrow")).read_all().num_rows == big.num_rows
    assert not (server.folder / "broken.arrow").exists()
    assert [q.name for q in server.folder.iterdir() if q.name.startswith(".")] == []
    client.close()


BROKEN_UPLOAD = r"""
import sys, pyarrow as pa, pyarrow.flight as fl
w, _ = fl.connect(sys.argv[1]).do_put(fl.FlightDescriptor.for_path("broken.arrow"), pa.schema([("x", pa.int64())]))
w.write_batch(pa.record_batch([pa.array([1, 2])], names=["x"]))
print("SENT", flush=True)
sys.stdin.read()
"""


def test_pyarrow_client_auth(tmp_path):
    folder = tmp_path / "auth"
    folder.mkdir()
    t = pa.table({"a": [1, 2, 3]})
    feather.write_feather(t, folder / "t.arrow")
    server = QuiverServer(folder, "--token", "s3cret", "--user", "alice", "--password", "pw")
    try:
        client = fl.connect(server.uri)
        with pytest.raises(fl.FlightUnauthenticatedError):
            list(client.list_flights())
        with pytest.raises(fl.FlightUnauthenticatedError):
            client.do_get(fl.Ticket(b"t.arrow")).read_all()
        bad = fl.FlightCallOptions(headers=[(b"authorization", b"Bearer wrong")])
        with pytest.raises(fl.FlightUnauthenticatedError):
            client.do_get(fl.Ticket(b"t.arrow"), bad).read_all()
        with pytest.raises(fl.FlightUnauthenticatedError):
            client.authenticate_basic_token("alice", "nope")
        header = client.authenticate_basic_token("alice", "pw")
        assert header == (b"authorization", b"Bearer s3cret")
        opts = fl.FlightCallOptions(headers=[header])
        assert client.do_get(fl.Ticket(b"t.arrow"), opts).read_all().equals(t)
        assert len(list(client.list_flights(options=opts))) == 1
        client.close()
    finally:
        server.stop()


KILLED_CLIENT = r"""
import sys, pyarrow.flight as fl
r = fl.connect(sys.argv[1]).do_get(fl.Ticket(b"big.arrow"))
r.read_chunk()
print("GOT", flush=True)
sys.stdin.read()
"""


def test_client_killed_mid_stream(served):
    server, tables, big = served
    for _ in range(3):
        p = subprocess.Popen([sys.executable, "-c", KILLED_CLIENT, server.uri], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        _read_line(p, "GOT", "the client")
        p.kill()
        p.wait(timeout=WAIT)
    # the server is up, serves the whole table again, and stops cleanly (fixture)
    client = fl.connect(server.uri)
    assert client.do_get(fl.Ticket(b"big.arrow")).read_all().equals(big)
    client.close()


# ---------------------------------------------------------------- quiver -> pyarrow


class PyarrowServer:
    def __init__(self, *extra):
        self.proc = subprocess.Popen([sys.executable, str(PEER), *extra], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        self.port = int(_read_line(self.proc, "LISTENING ", "the pyarrow server"))
        self.uri = "grpc://127.0.0.1:%d" % self.port

    def stop(self):
        _stop(self.proc, signal.SIGKILL)


@pytest.fixture
def peer():
    s = PyarrowServer()
    yield s
    s.stop()


def _run(*args, check=True):
    r = subprocess.run([quiver_bin(), *args], capture_output=True, timeout=WAIT)
    if check and r.returncode != 0:
        pytest.fail("quiver %s: exit %d: %s" % (" ".join(args), r.returncode, r.stderr.decode()))
    return r


def test_quiver_cli_against_pyarrow_server(peer, tmp_path):
    expected = flight_peer_server.sample_tables()
    out = _run("flights", peer.uri).stdout.decode().splitlines()
    assert [line.split("\t")[0] for line in out] == sorted(expected)
    assert all("\t1000 rows\t" in line for line in out)
    for name, t in expected.items():
        path = tmp_path / (name + ".arrow")
        _run("get", peer.uri, name, "-o", str(path))
        got = pa.ipc.open_file(path).read_all()
        assert got.equals(t), name
    # put: what pyarrow's server stored is what we sent
    _run("put", peer.uri, "copy/of/mixed", str(tmp_path / "mixed.arrow"))
    back = fl.connect(peer.uri).do_get(fl.Ticket(b"copy/of/mixed")).read_all()
    assert back.equals(expected["mixed"])
    r = _run("get", peer.uri, "missing", "-o", str(tmp_path / "x.arrow"), check=False)
    assert r.returncode == 1
    assert b"flight GetFlightInfo" in r.stderr
    assert not (tmp_path / "x.arrow").exists()


def test_quiver_python_client_against_pyarrow_server(peer):
    import quiver
    import quiver.flight

    expected = flight_peer_server.sample_tables()
    c = quiver.flight.connect(peer.uri)
    infos = c.list_flights()
    assert sorted(i.path for i in infos) == sorted(expected)
    info = c.get_flight_info("mixed")
    assert info.total_records == 1000
    assert info.schema.equals(quiver.schema(expected["mixed"].schema))
    assert c.get_schema("ints").equals(quiver.schema(expected["ints"].schema))
    t = c.do_get(info.endpoints[0])
    assert isinstance(t, quiver.Table)
    assert pa.table(t).equals(expected["mixed"])
    c.do_put("from/quiver", t)
    assert fl.connect(peer.uri).do_get(fl.Ticket(b"from/quiver")).read_all().equals(expected["mixed"])
    assert c.do_action("echo", b"hi") == [b"hi", b"done"]
    assert c.list_actions() == [("echo", "answers with the body, then done")]
    with pytest.raises(Exception, match="unknown ticket"):
        c.do_get(b"nope")


def test_quiver_clients_auth_against_pyarrow_server(tmp_path):
    import quiver.flight

    s = PyarrowServer("--token", "tok")
    try:
        with pytest.raises(OSError, match="UNAUTHENTICATED"):
            quiver.flight.connect(s.uri).list_flights()
        assert len(quiver.flight.connect(s.uri, token="tok").list_flights()) == 2
        assert len(quiver.flight.connect(s.uri, user="alice", password="pw").list_flights()) == 2
        with pytest.raises(OSError, match="UNAUTHENTICATED"):
            quiver.flight.connect(s.uri, user="alice", password="bad")
        r = _run("flights", s.uri, check=False)
        assert r.returncode == 1 and b"UNAUTHENTICATED" in r.stderr
        _run("get", s.uri, "ints", "-o", str(tmp_path / "i.arrow"), "--user", "alice", "--password", "pw")
        _run("get", s.uri, "ints", "-o", str(tmp_path / "j.arrow"), "--token", "tok")
        assert pa.ipc.open_file(tmp_path / "j.arrow").read_all().equals(flight_peer_server.sample_tables()["ints"])
    finally:
        s.stop()


SLOW_READER = r"""
import sys, quiver.flight
try:
    quiver.flight.connect(sys.argv[1]).do_get(b"slow")
except Exception as e:
    print("ERROR", type(e).__name__, e, flush=True)
    sys.exit(3)
print("NO ERROR", flush=True)
"""


def test_server_killed_mid_stream(tmp_path):
    s = PyarrowServer("--slow-get")
    reader = subprocess.Popen([sys.executable, "-c", SLOW_READER, s.uri], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)
    try:
        # let the stream start (a bounded wait), then kill the server under it
        time.sleep(1.0)
        s.stop()
        out, err = reader.communicate(timeout=WAIT)
    finally:
        if reader.poll() is None:
            reader.kill()
    assert reader.returncode == 3, (out, err)
    assert b"ERROR" in out and (b"UNAVAILABLE" in out or b"cancelled or broken" in out or b"INTERNAL" in out), out
    # the CLI's get too: exit 1 with the transport's error, and no output file
    s = PyarrowServer("--slow-get")
    out = tmp_path / "slow.arrow"
    p = subprocess.Popen([quiver_bin(), "get", s.uri, "slow", "-o", str(out)], stderr=subprocess.PIPE)
    try:
        time.sleep(1.0)
        s.stop()
        _, err = p.communicate(timeout=WAIT)
    finally:
        if p.poll() is None:
            p.kill()
    assert p.returncode == 1, err
    assert b"flight DoGet: UNAVAILABLE" in err
    assert not out.exists()


# ---------------------------------------------------------------- TLS


@pytest.fixture
def certificate(tmp_path):
    """A self-signed certificate for 127.0.0.1 and localhost, made with openssl."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    r = subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        capture_output=True, timeout=WAIT)
    if r.returncode != 0:
        pytest.fail("openssl: %s" % r.stderr.decode())
    return cert, key


def test_tls_both_ways(tmp_path, certificate):
    import quiver.flight

    cert, key = certificate
    folder = tmp_path / "tls"
    folder.mkdir()
    t = pa.table({"a": pa.array(range(1000)), "s": pa.array([str(i) for i in range(1000)])})
    feather.write_feather(t, folder / "t.arrow")
    server = QuiverServer(folder, "--tls-cert", str(cert), "--tls-key", str(key), "--token", "tok")
    try:
        assert server.uri.startswith("grpc+tls://127.0.0.1:")
        # pyarrow client -> quiver server over TLS
        c = fl.connect(server.uri, tls_root_certs=cert.read_bytes())
        opts = fl.FlightCallOptions(headers=[(b"authorization", b"Bearer tok")])
        assert c.do_get(fl.Ticket(b"t.arrow"), opts).read_all().equals(t)
        c.close()
        # quiver client: trusted roots given -> works; not given -> the handshake fails
        q = quiver.flight.connect(server.uri, token="tok", tls_root_certs=cert.read_text())
        assert pa.table(q.do_get(b"t.arrow")).equals(t)
        r = _run("flights", server.uri, "--token", "tok", "--timeout", "30", check=False)
        assert r.returncode == 1 and b"UNAVAILABLE" in r.stderr
        out = _run("flights", server.uri, "--token", "tok", "--tls-roots", str(cert)).stdout
        assert out.startswith(b"t.arrow\t1000 rows")
    finally:
        server.stop()
    # quiver client -> pyarrow server over TLS
    s = PyarrowServer("--tls-cert", str(cert), "--tls-key", str(key))
    try:
        uri = "grpc+tls://127.0.0.1:%d" % s.port
        _run("get", uri, "ints", "-o", str(tmp_path / "ints.arrow"), "--tls-roots", str(cert))
        assert pa.ipc.open_file(tmp_path / "ints.arrow").read_all().equals(flight_peer_server.sample_tables()["ints"])
    finally:
        s.stop()
