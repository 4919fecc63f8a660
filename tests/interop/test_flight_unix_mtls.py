"""Arrow Flight over grpc+unix (shared memory between quiver peers) and
mutual TLS, quiver against pyarrow.flight.

grpc+unix: `quiver serve DIR --unix PATH` and quiver's client move the
bodies of DoGet and DoPut through sealed memfds (the client's stats()
count them); a pyarrow client against that server, and quiver's client
against a pyarrow server on a Unix socket, fall back to gRPC bytes.

Mutual TLS: certificates made here with openssl (a CA, a server
certificate for 127.0.0.1/localhost, a client certificate, and a client
certificate from another CA). `quiver serve --tls-client-roots` accepts
quiver and pyarrow clients that show a certificate of its CA and refuses
those that show none or another CA's; quiver's client shows its
certificate to a pyarrow server that requires one. The CLI's client
commands (`quiver flights/get/put --tls-root-certs --tls-client-cert
--tls-client-key`) do the same from the command line.

Every wait is bounded; no test asserts a duration.
"""
import os
import pathlib
import signal
import subprocess
import sys

import pyarrow as pa
import pyarrow.feather as feather
import pyarrow.flight as fl
import pytest

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from test_flight import PEER, WAIT, _read_line, _stop, quiver_bin  # noqa: E402

quiver_flight = pytest.importorskip("quiver.flight")


def _tables():
    n = 300_000
    big = pa.table({"i": pa.array(range(n), pa.int64()), "s": pa.array(["v%d" % (k % 977) for k in range(n)])})
    small = pa.table({"a": pa.array([1, 2, None]), "b": pa.array(["x", None, "z"])})
    return big, small


class UnixServer:
    """`quiver serve DIR --unix PATH` (or a pyarrow server with pyarrow=True)."""

    def __init__(self, folder, sock, *extra, pyarrow=False):
        if pyarrow:
            cmd = [sys.executable, str(PEER), "--unix", str(sock)]
            prefix, what = "LISTENING ", "the pyarrow server"
        else:
            cmd = [quiver_bin(), "serve", str(folder), "--unix", str(sock), *extra]
            prefix, what = "quiver serve: listening on ", "quiver serve"
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        _read_line(self.proc, prefix, what)
        self.uri = "grpc+unix://%s" % sock

    def stop(self):
        _stop(self.proc)


@pytest.fixture
def unix_folder(tmp_path):
    folder = tmp_path / "served"
    folder.mkdir()
    big, small = _tables()
    feather.write_feather(big, folder / "big.arrow", chunksize=50_000, compression="uncompressed")
    feather.write_feather(small, folder / "small.arrow", compression="uncompressed")
    # a short socket path: sun_path holds 108 bytes and tmp_path can be long
    sock_dir = pathlib.Path("/tmp") / ("qvfl-%d-%s" % (os.getpid(), tmp_path.name[-12:]))
    sock_dir.mkdir(exist_ok=True)
    yield folder, sock_dir / "s.sock", big, small
    for p in sock_dir.iterdir():
        p.unlink()
    sock_dir.rmdir()


def test_quiver_peers_share_memory_over_unix(unix_folder):
    folder, sock, big, small = unix_folder
    server = UnixServer(folder, sock)
    try:
        assert pathlib.Path(str(sock) + ".qvshm").exists()
        c = quiver_flight.connect(server.uri, timeout=WAIT)
        assert pa.table(c.do_get(b"big.arrow")).equals(big)
        st = c.stats()
        assert st["bodies_shm_received"] >= 6  # six batches of 50,000 rows, each body > 64 KiB
        assert st["body_bytes_shm"] >= big.nbytes // 2
        # a small body goes as gRPC bytes on the same kind of call
        assert pa.table(c.do_get(b"small.arrow")).equals(small)
        assert c.stats()["bodies_shm_received"] == st["bodies_shm_received"]
        # DoPut: the client's bodies go the same way, and the file is right
        c.do_put("up.arrow", big)
        after = c.stats()
        assert after["bodies_shm_sent"] >= 1
        assert after["body_bytes_shm"] - st["body_bytes_shm"] >= big.nbytes // 2
        assert feather.read_table(folder / "up.arrow").equals(big)
        # shm=False: the same data as gRPC bytes
        plain = quiver_flight.connect(server.uri, timeout=WAIT, shm=False)
        assert pa.table(plain.do_get(b"big.arrow")).equals(big)
        assert plain.stats()["bodies_shm_received"] == 0
        assert plain.stats()["body_bytes_received"] >= big.nbytes // 2
    finally:
        server.stop()
    assert not pathlib.Path(str(sock) + ".qvshm").exists()


def test_pyarrow_client_against_quiver_unix_server_falls_back(unix_folder):
    folder, sock, big, _ = unix_folder
    server = UnixServer(folder, sock)
    try:
        client = fl.connect(server.uri)
        assert client.do_get(fl.Ticket(b"big.arrow")).read_all().equals(big)
        writer, reader = client.do_put(fl.FlightDescriptor.for_path("from_pyarrow.arrow"), big.schema)
        writer.write_table(big)
        writer.close()
        client.close()
        assert feather.read_table(folder / "from_pyarrow.arrow").equals(big)
        # and a quiver client after it still gets shared memory
        c = quiver_flight.connect(server.uri, timeout=WAIT)
        assert pa.table(c.do_get(b"from_pyarrow.arrow")).equals(big)
        assert c.stats()["bodies_shm_received"] >= 1
    finally:
        server.stop()


def test_unknown_or_malformed_shm_offer_falls_back(unix_folder):
    """A client naming a link the server never saw (or not a nonce at all)
    gets its data as gRPC bytes."""
    folder, sock, big, _ = unix_folder
    server = UnixServer(folder, sock)
    try:
        client = fl.connect(server.uri)
        for offer in (b"0" * 32, b"not hex at all", b"", b"f" * 4000):
            opts = fl.FlightCallOptions(headers=[(b"x-quiver-shm", offer)], timeout=WAIT)
            assert client.do_get(fl.Ticket(b"big.arrow"), opts).read_all().equals(big)
        client.close()
    finally:
        server.stop()


def test_quiver_client_against_pyarrow_unix_server_falls_back(unix_folder):
    folder, sock, _, _ = unix_folder
    sys.path.insert(0, str(HERE))
    import flight_peer_server

    expected = flight_peer_server.sample_tables()
    server = UnixServer(folder, sock, pyarrow=True)
    try:
        c = quiver_flight.connect(server.uri, timeout=WAIT)
        for name, t in expected.items():
            assert pa.table(c.do_get(name.encode())).equals(t), name
        c.do_put("copy", expected["ints"])
        back = fl.connect(server.uri).do_get(fl.Ticket(b"copy")).read_all()
        assert back.equals(expected["ints"])
        st = c.stats()
        assert st["bodies_shm_received"] == 0 and st["bodies_shm_sent"] == 0
        assert st["body_bytes_received"] > 0
    finally:
        server.stop()


# ---------------------------------------------------------------- mutual TLS


def _openssl(*args, cwd):
    r = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, timeout=WAIT)
    if r.returncode != 0:
        pytest.fail("openssl %s: %s" % (" ".join(args), r.stderr.decode()))


def _signed(d, name, ca, subject, ext):
    key = "%s.key" % name
    _openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key,
             "-out", "%s.csr" % name, "-subj", subject, cwd=d)
    (d / ("%s.ext" % name)).write_text(ext + "\n")
    _openssl("x509", "-req", "-in", "%s.csr" % name, "-CA", "%s.pem" % ca, "-CAkey", "%s.key" % ca,
             "-CAcreateserial", "-out", "%s.pem" % name, "-days", "1", "-extfile", "%s.ext" % name, cwd=d)
    return d / ("%s.pem" % name), d / key


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    """ca, server (127.0.0.1/localhost), client (from ca), stranger (from another CA)."""
    d = tmp_path_factory.mktemp("pki")
    for ca in ("ca", "other_ca"):
        _openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                 "-keyout", "%s.key" % ca, "-out", "%s.pem" % ca, "-days", "1", "-subj", "/CN=quiver test %s" % ca,
                 cwd=d)
    server = _signed(d, "server", "ca", "/CN=localhost",
                     "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth")
    client = _signed(d, "client", "ca", "/CN=quiver test client", "extendedKeyUsage=clientAuth")
    stranger = _signed(d, "stranger", "other_ca", "/CN=stranger", "extendedKeyUsage=clientAuth")
    return {"ca": d / "ca.pem", "server": server, "client": client, "stranger": stranger}


@pytest.fixture
def mtls_server(tmp_path, pki):
    folder = tmp_path / "mtls"
    folder.mkdir()
    t = pa.table({"a": pa.array(range(1000)), "s": pa.array([str(i) for i in range(1000)])})
    feather.write_feather(t, folder / "t.arrow")
    cert, key = pki["server"]
    proc = subprocess.Popen(
        [quiver_bin(), "serve", str(folder), "--port", "0", "--tls-cert", str(cert), "--tls-key", str(key),
         "--tls-client-roots", str(pki["ca"])],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    uri = _read_line(proc, "quiver serve: listening on ", "quiver serve")
    yield uri, t
    assert _stop(proc) == 0


def test_quiver_client_mtls(mtls_server, pki):
    uri, t = mtls_server
    assert uri.startswith("grpc+tls://127.0.0.1:")
    roots = pki["ca"].read_text()
    cert, key = pki["client"]
    c = quiver_flight.connect(uri, tls_root_certs=roots, cert_chain=cert.read_text(), private_key=key.read_text(),
                              timeout=WAIT)
    assert pa.table(c.do_get(b"t.arrow")).equals(t)
    # without a certificate, or with one of another CA: the handshake is refused
    for extra in ({}, {"cert_chain": pki["stranger"][0].read_text(), "private_key": pki["stranger"][1].read_text()}):
        bad = quiver_flight.connect(uri, tls_root_certs=roots, timeout=30, **extra)
        with pytest.raises(Exception) as e:
            bad.do_get(b"t.arrow")
        assert "UNAVAILABLE" in str(e.value)
    with pytest.raises(ValueError):
        quiver_flight.connect(uri, cert_chain=cert.read_text())


def _cli(*args):
    return subprocess.run([quiver_bin(), *map(str, args)], capture_output=True, timeout=WAIT)


def test_cli_client_certificates(mtls_server, pki, tmp_path):
    """quiver flights/get/put show a client certificate with --tls-client-cert
    and --tls-client-key; without one, or with one of another CA, the server
    refuses them (exit 1, UNAVAILABLE: the TLS handshake failed)."""
    uri, t = mtls_server
    cert, key = pki["client"]
    good = ["--tls-root-certs", pki["ca"], "--tls-client-cert", cert, "--tls-client-key", key, "--timeout", "30"]
    r = _cli("flights", uri, *good)
    assert r.returncode == 0, r.stderr
    assert b"t.arrow\t1000 rows" in r.stdout
    out = tmp_path / "got.arrow"
    r = _cli("get", uri, "t.arrow", "-o", out, *good)
    assert r.returncode == 0, r.stderr
    assert feather.read_table(out).equals(t)
    r = _cli("put", uri, "up.arrow", out, *good)
    assert r.returncode == 0, r.stderr
    back = tmp_path / "back.arrow"
    # --tls-roots is the older name of --tls-root-certs
    r = _cli("get", uri, "up.arrow", "-o", back, "--tls-roots", pki["ca"], *good[2:])
    assert r.returncode == 0, r.stderr
    assert feather.read_table(back).equals(t)
    s_cert, s_key = pki["stranger"]
    for extra in ([], ["--tls-client-cert", s_cert, "--tls-client-key", s_key]):
        r = _cli("get", uri, "t.arrow", "-o", tmp_path / "no.arrow", "--tls-root-certs", pki["ca"], "--timeout", "30",
                 *extra)
        assert r.returncode == 1
        assert b"UNAVAILABLE" in r.stderr, r.stderr
        assert not (tmp_path / "no.arrow").exists()
    # usage errors, and a missing key file, before anything is sent
    r = _cli("flights", uri, "--tls-root-certs", pki["ca"], "--tls-client-cert", cert)
    assert r.returncode == 2 and b"--tls-client-cert and --tls-client-key go together" in r.stderr
    r = _cli("flights", uri, "--tls-root-certs", pki["ca"], "--tls-roots", pki["ca"])
    assert r.returncode == 2 and b"give --tls-root-certs or --tls-roots, not both" in r.stderr
    r = _cli("flights", uri, *good[:4], "--tls-client-key", tmp_path / "missing.key")
    assert r.returncode == 1 and b"missing.key" in r.stderr


def test_pyarrow_client_mtls_against_quiver(mtls_server, pki):
    uri, t = mtls_server
    roots = pki["ca"].read_bytes()
    cert, key = pki["client"]
    c = fl.connect(uri, tls_root_certs=roots, cert_chain=cert.read_bytes(), private_key=key.read_bytes())
    assert c.do_get(fl.Ticket(b"t.arrow")).read_all().equals(t)
    c.close()
    opts = fl.FlightCallOptions(timeout=30)
    bare = fl.connect(uri, tls_root_certs=roots)
    with pytest.raises(fl.FlightError):
        bare.do_get(fl.Ticket(b"t.arrow"), opts).read_all()
    bare.close()
    s_cert, s_key = pki["stranger"]
    stranger = fl.connect(uri, tls_root_certs=roots, cert_chain=s_cert.read_bytes(), private_key=s_key.read_bytes())
    with pytest.raises(fl.FlightError):
        stranger.do_get(fl.Ticket(b"t.arrow"), opts).read_all()
    stranger.close()


def test_quiver_client_mtls_against_pyarrow(pki):
    sys.path.insert(0, str(HERE))
    import flight_peer_server

    cert, key = pki["server"]
    proc = subprocess.Popen(
        [sys.executable, str(PEER), "--tls-cert", str(cert), "--tls-key", str(key), "--tls-client-roots",
         str(pki["ca"])], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        port = int(_read_line(proc, "LISTENING ", "the pyarrow server"))
        uri = "grpc+tls://127.0.0.1:%d" % port
        roots = pki["ca"].read_text()
        c_cert, c_key = pki["client"]
        c = quiver_flight.connect(uri, tls_root_certs=roots, cert_chain=c_cert.read_text(),
                                  private_key=c_key.read_text(), timeout=WAIT)
        assert pa.table(c.do_get(b"ints")).equals(flight_peer_server.sample_tables()["ints"])
        bare = quiver_flight.connect(uri, tls_root_certs=roots, timeout=30)
        with pytest.raises(Exception) as e:
            bare.do_get(b"ints")
        assert "UNAVAILABLE" in str(e.value)
    finally:
        _stop(proc, signal.SIGKILL)
