"""Arrow Flight client over quiver's C client (libquiver's src/flight).

    import quiver.flight
    client = quiver.flight.connect("grpc://127.0.0.1:8815", token="s3cret")
    for info in client.list_flights():
        print(info.descriptor, info.total_records)
    table = client.do_get(info.endpoints[0].ticket)      # a quiver.Table
    client.do_put("copy.arrow", table)

Descriptors: a str names a flight by path ("sub/data.arrow" is the path
["sub", "data.arrow"]), a list or tuple of str gives the parts, bytes is a
command. Errors raise quiver's Arrow exceptions (KeyError-like for
NOT_FOUND, OSError-like for transport and authentication failures) with
the gRPC code in the message.
"""
from . import _quiver

__all__ = ["connect", "Client", "FlightInfo", "FlightEndpoint"]


def _descriptor(d):
    if isinstance(d, bytes):
        return d
    if isinstance(d, str):
        parts = [p for p in d.split("/") if p]
        if not parts:
            raise ValueError("an empty flight path")
        return parts
    if isinstance(d, (list, tuple)) and all(isinstance(p, str) for p in d):
        return list(d)
    raise TypeError("a flight descriptor is a path (str, or a list of str) or a command (bytes)")


class FlightEndpoint:
    """Where to fetch one part of a flight: `ticket` (bytes) and `locations`
    (URIs; empty means the server that answered)."""

    __slots__ = ("ticket", "locations", "app_metadata")

    def __init__(self, ticket, locations, app_metadata=b""):
        self.ticket = ticket
        self.locations = locations
        self.app_metadata = app_metadata

    def __repr__(self):
        return "FlightEndpoint(ticket=%r, locations=%r)" % (self.ticket, self.locations)


class FlightInfo:
    """What a server says about a flight."""

    __slots__ = ("descriptor", "schema", "total_records", "total_bytes", "ordered", "endpoints", "app_metadata")

    def __init__(self, raw):
        desc, self.schema, self.total_records, self.total_bytes, self.ordered, eps, self.app_metadata = raw
        # a path descriptor comes back as a list of parts, a command as bytes
        self.descriptor = tuple(desc) if isinstance(desc, list) else desc
        self.endpoints = [FlightEndpoint(*e) for e in eps]

    @property
    def path(self):
        """The path parts joined with '/', or None for a command descriptor."""
        return "/".join(self.descriptor) if isinstance(self.descriptor, tuple) else None

    def __repr__(self):
        return "FlightInfo(descriptor=%r, total_records=%d, endpoints=%d)" % (
            self.descriptor,
            self.total_records,
            len(self.endpoints),
        )


class Client:
    """A connection to one Flight server (see connect)."""

    def __init__(self, uri, token=None, user=None, password=None, timeout=None, tls_root_certs=None,
                 cert_chain=None, private_key=None, override_hostname=None, shm=True):
        timeout_ms = 0 if timeout is None else max(1, int(timeout * 1000))

        def text(pem):
            return pem.decode() if isinstance(pem, bytes) else pem

        self._c = _quiver._flight_connect(uri, token, timeout_ms, text(tls_root_certs), text(cert_chain),
                                          text(private_key), override_hostname, bool(shm))
        self.uri = uri
        if user is not None or password is not None:
            if user is None or password is None:
                raise ValueError("user and password go together")
            _quiver._flight_authenticate_basic(self._c, user, password)

    def list_flights(self, criteria=b""):
        return [FlightInfo(r) for r in _quiver._flight_list_flights(self._c, criteria)]

    def get_flight_info(self, descriptor):
        return FlightInfo(_quiver._flight_get_flight_info(self._c, _descriptor(descriptor)))

    def get_schema(self, descriptor):
        return _quiver._flight_get_schema(self._c, _descriptor(descriptor))

    def do_get(self, ticket):
        """The whole stream of `ticket` (bytes or str, or a FlightEndpoint) as a quiver.Table."""
        if isinstance(ticket, FlightEndpoint):
            ticket = ticket.ticket
        if isinstance(ticket, str):
            ticket = ticket.encode()
        return _quiver._flight_do_get(self._c, bytes(ticket))

    def read(self, descriptor):
        """GetFlightInfo, then DoGet of every endpoint, concatenated."""
        from . import concat_tables

        info = self.get_flight_info(descriptor)
        parts = [self.do_get(e.ticket) for e in info.endpoints]
        if not parts:
            raise KeyError("the flight has no endpoint")
        return parts[0] if len(parts) == 1 else concat_tables(parts)

    def do_put(self, descriptor, data):
        """Uploads `data` (a quiver.Table or RecordBatch, or anything quiver.table accepts)."""
        from .ipc import _as_table

        _quiver._flight_do_put(self._c, _descriptor(descriptor), _as_table(data))

    def do_action(self, action_type, body=b""):
        return _quiver._flight_do_action(self._c, action_type, bytes(body))

    def list_actions(self):
        return _quiver._flight_list_actions(self._c)

    def stats(self):
        """Counters summed over this client's finished DoGet/DoPut streams:
        messages and body bytes each way, bodies used in place or copied,
        and bodies_shm_sent / bodies_shm_received / body_bytes_shm for those
        that went through shared memory (grpc+unix, quiver server)."""
        return _quiver._flight_stats(self._c)

    def close(self):
        self._c = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def connect(uri, token=None, user=None, password=None, timeout=None, tls_root_certs=None, cert_chain=None,
            private_key=None, override_hostname=None, shm=True):
    """A Client for the Flight server at `uri` (grpc://HOST:PORT, grpc+tls://,
    grpc+unix:///path). token: bearer token for every call; user and
    password: the basic-auth handshake (the server's token is then used);
    timeout: seconds per call; tls_root_certs: PEM text trusted for TLS;
    cert_chain and private_key: PEM of the client certificate for mutual
    TLS; override_hostname: the name checked in the server's certificate;
    shm: over grpc+unix, let a quiver server pass bodies as shared memory
    (False: always gRPC bytes)."""
    return Client(uri, token=token, user=user, password=password, timeout=timeout, tls_root_certs=tls_root_certs,
                  cert_chain=cert_chain, private_key=private_key, override_hostname=override_hostname, shm=shm)
