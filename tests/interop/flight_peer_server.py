"""A pyarrow.flight server for the interop tests (tests/interop/test_flight.py).

Serves in-memory tables by name on 127.0.0.1 (free port, printed as
"LISTENING <port>" once ready): ListFlights, GetFlightInfo, GetSchema,
DoGet (ticket = name), DoPut (stores under the descriptor's joined path and
acknowledges app_metadata with a PutResult), DoExchange (echo), DoAction
("echo": the body, then b"done"), ListActions, and, with --token, bearer
auth plus the basic-auth handshake (user "alice", password "pw") through
pyarrow's server middleware; --tls-client-roots requires client
certificates (mutual TLS); --unix PATH listens on a Unix socket. With --slow-get, DoGet yields a long stream
slowly (for the test that kills the server mid-stream).
"""
import argparse
import base64
import sys
import time

import pyarrow as pa
import pyarrow.flight as fl


def sample_tables():
    n = 1000
    return {
        "ints": pa.table({"i": pa.array(range(n), pa.int64()), "f": pa.array([x / 3 for x in range(n)])}),
        "mixed": pa.table(
            {
                "s": pa.array([None if x % 7 == 0 else "v%d" % x for x in range(n)]),
                "b": pa.array([x % 2 == 0 for x in range(n)]),
                "d": pa.array(["red", "green", "blue", "red"] * (n // 4)).dictionary_encode(),
                "l": pa.array([[x, x + 1] if x % 5 else None for x in range(n)], pa.list_(pa.int32())),
                "t": pa.array(range(n), pa.timestamp("us", tz="UTC")),
                "dec": pa.array([x * 10 for x in range(n)], pa.decimal128(12, 2)),
                "st": pa.array([{"x": x, "y": str(x)} for x in range(n)]),
            }
        ),
    }


class BearerFactory(fl.ServerMiddlewareFactory):
    def __init__(self, token):
        self.token = token

    def start_call(self, info, headers):
        auth = headers.get("authorization") or headers.get("Authorization") or []
        value = auth[0] if auth else ""
        if info.method == fl.FlightMethod.HANDSHAKE:
            if value.startswith("Basic "):
                user, _, pw = base64.b64decode(value[6:]).decode().partition(":")
                if (user, pw) == ("alice", "pw"):
                    return BearerMiddleware(self.token)
            raise fl.FlightUnauthenticatedError("wrong user name or password")
        if value != "Bearer " + self.token:
            raise fl.FlightUnauthenticatedError("a valid bearer token is required")
        return None


class BearerMiddleware(fl.ServerMiddleware):
    def __init__(self, token):
        self.token = token

    def sending_headers(self):
        return {"authorization": "Bearer " + self.token}


class NoOpAuth(fl.ServerAuthHandler):
    def authenticate(self, outgoing, incoming):
        pass

    def is_valid(self, token):
        return ""


class Peer(fl.FlightServerBase):
    def __init__(self, location, slow_get=False, **kw):
        super().__init__(location, **kw)
        self.tables = sample_tables()
        self.slow_get = slow_get

    def _info(self, name):
        t = self.tables[name]
        d = fl.FlightDescriptor.for_path(name)
        return fl.FlightInfo(t.schema, d, [fl.FlightEndpoint(name.encode(), [])], t.num_rows, -1)

    def list_flights(self, context, criteria):
        for name in sorted(self.tables):
            yield self._info(name)

    def get_flight_info(self, context, descriptor):
        name = "/".join(p.decode() for p in descriptor.path)
        if self.slow_get and name == "slow":
            d = fl.FlightDescriptor.for_path(name)
            return fl.FlightInfo(pa.schema([("i", pa.int64())]), d, [fl.FlightEndpoint(b"slow", [])], -1, -1)
        if name not in self.tables:
            raise KeyError(name)
        return self._info(name)

    def get_schema(self, context, descriptor):
        name = "/".join(p.decode() for p in descriptor.path)
        return fl.SchemaResult(self.tables[name].schema)

    def do_get(self, context, ticket):
        name = ticket.ticket.decode()
        if self.slow_get and name == "slow":
            schema = pa.schema([("i", pa.int64())])

            def gen():
                for k in range(100000):
                    time.sleep(0.01)
                    yield pa.record_batch([pa.array(range(k * 1000, (k + 1) * 1000), pa.int64())], schema=schema)

            return fl.GeneratorStream(schema, gen())
        if name not in self.tables:
            raise fl.FlightServerError("unknown ticket " + name)
        return fl.RecordBatchStream(self.tables[name])

    def do_put(self, context, descriptor, reader, writer):
        name = "/".join(p.decode() for p in descriptor.path)
        batches = []
        while True:
            try:
                chunk = reader.read_chunk()
            except StopIteration:
                break
            if chunk.data is not None:
                batches.append(chunk.data)
            if chunk.app_metadata is not None:
                writer.write(chunk.app_metadata)
        self.tables[name] = pa.Table.from_batches(batches, reader.schema)

    def do_exchange(self, context, descriptor, reader, writer):
        writer.begin(reader.schema)
        for chunk in reader:
            if chunk.data is not None:
                writer.write_with_metadata(chunk.data, chunk.app_metadata or b"")
            elif chunk.app_metadata is not None:
                writer.write_metadata(chunk.app_metadata)

    def list_actions(self, context):
        return [("echo", "answers with the body, then done")]

    def do_action(self, context, action):
        if action.type != "echo":
            raise KeyError(action.type)
        yield fl.Result(action.body.to_pybytes())
        yield fl.Result(b"done")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--token")
    ap.add_argument("--slow-get", action="store_true")
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    ap.add_argument("--tls-client-roots", help="mutual TLS: require client certificates signed by these")
    ap.add_argument("--unix", help="listen on this Unix socket instead of a loopback port")
    args = ap.parse_args()
    kw = {}
    scheme = "grpc"
    if args.tls_cert:
        scheme = "grpc+tls"
        with open(args.tls_cert, "rb") as c, open(args.tls_key, "rb") as k:
            kw["tls_certificates"] = [(c.read(), k.read())]
        if args.tls_client_roots:
            with open(args.tls_client_roots, "rb") as r:
                kw["root_certificates"] = r.read()
            kw["verify_client"] = True
    if args.token:
        kw["middleware"] = {"auth": BearerFactory(args.token)}
        kw["auth_handler"] = NoOpAuth()  # lets Handshake reach the middleware
    location = "grpc+unix://" + args.unix if args.unix else scheme + "://127.0.0.1:0"
    server = Peer(location, slow_get=args.slow_get, **kw)
    print("LISTENING %d" % server.port, flush=True)
    server.serve()


if __name__ == "__main__":
    main()
