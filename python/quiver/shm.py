"""Zero-copy sharing of tables between processes on one host.

``send_table`` writes a table once into sealed shared memory (a Linux memfd)
and passes its file descriptor over a Unix domain socket; ``receive_table``
in the other process maps it read-only and reads the table in place, so no
data byte crosses the socket and the receiver's memory grows only by the
pages it reads. The memfd is sealed against writing, shrinking and growing
before it is sent, and receivers refuse descriptors without those seals::

    import socket, quiver as qv
    a, b = socket.socketpair()                  # or any AF_UNIX socket
    qv.shm.send_table(a, table)                 # producer
    t = qv.shm.receive_table(b)                 # consumer: zero-copy view

A table shared by many receivers is best moved into shared memory once:
``share_table`` returns a copy of it whose buffers live in one sealed memfd,
and ``send_table`` then passes that memfd itself, so each send costs a
descriptor, not a copy::

    shared = qv.shm.share_table(table)          # one copy, now
    qv.shm.send_table(a, shared)                # no copy, to each receiver

``sock`` is a socket object (anything with ``fileno()``) or a descriptor.
Received bytes are untrusted: the table is structurally validated like any
IPC input (``full_validation=True`` also checks every value up front).
Errors raise ArrowIOError (socket failures) or ArrowInvalid (a peer that
sends no descriptor, an unsealed one, or bytes that are not a table).
"""
from . import _quiver

__all__ = ["share_table", "send_table", "receive_table"]


def _fd_of(sock):
    return sock if isinstance(sock, int) else sock.fileno()


def share_table(table):
    """share_table(table) -> Table

    A copy of ``table`` (a quiver Table, or anything ``quiver.table()``
    accepts) whose buffers all live in one new sealed memfd of this process.
    Costs one copy now and saves one on every later share: ``send_table``
    passes the memfd itself (the whole table, unchanged, without
    compression; a slice or a subset is copied as usual), and a Flight
    client or server sends its batches to ``grpc+unix`` quiver peers as
    places in it. The memory lives while any of its arrays does.
    """
    from .ipc import _as_table

    return _quiver._shm_share_table(_as_table(table))


def send_table(sock, table, compression=None, compression_level=0):
    """send_table(sock, table, compression=None, compression_level=0)

    Writes ``table`` (a quiver Table, or anything ``quiver.table()``
    accepts) into a new sealed memfd and sends the descriptor over ``sock``.
    Leave compression off for zero-copy: a receiver must decompress into its
    own memory. A table made by ``share_table`` is sent as the memfd it
    already lives in (no copy) unless compression is asked for.
    """
    from .ipc import _as_table

    _quiver._shm_send_table(_fd_of(sock), _as_table(table), compression, compression_level)


def receive_table(sock, full_validation=False):
    """receive_table(sock, full_validation=False) -> Table

    Receives one table sent by ``send_table`` and reads it in place.
    """
    return _quiver._shm_receive_table(_fd_of(sock), full_validation)
