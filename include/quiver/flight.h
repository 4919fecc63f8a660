/* quiver: Arrow Flight, the gRPC protocol for moving Arrow data between
 * processes and machines (client and server).
 *
 * Locations are URIs: grpc://HOST:PORT (also grpc+tcp://), grpc+tls://HOST:PORT
 * and grpc+unix:///path/to/socket. Record batches travel as FlightData
 * messages whose data_header is the IPC Message flatbuffer and data_body the
 * IPC body: on send the body goes to gRPC as slices that reference the
 * batch's own buffers (no copy); on receive a body lying in one received
 * slice at an 8-byte aligned address is used in place, any other is copied
 * once into an aligned buffer (counted: qv_flight_stream_stats) taken from
 * a pool of the client's or server's (at most 64 MiB of released blocks
 * kept for the next bodies).
 *
 * Over grpc+unix, a quiver client and a quiver server move the bodies of
 * DoGet, DoPut and DoExchange (those of 64 KiB or more) through sealed
 * memfds passed over a side socket next to the gRPC one (PATH.qvshm): the
 * reader maps them and no body byte crosses a socket. A body of a table
 * whose buffers already live in a sealed memfd (qv_shm_table_share, shm.h)
 * is passed as a place in it, without a copy; other bodies are copied once
 * into a memfd of their own. Both sides agree on it per call
 * (the x-quiver-shm header); a peer that does not speak it (pyarrow) gets
 * plain gRPC bytes. stats.bodies_shm_* count what went that way;
 * disable_shm in either side's options turns it off.
 *
 * Every call is synchronous. The calls of one client may run on several
 * threads at once; one qv_flight_stream is used by one thread at a time.
 *
 * Errors: a gRPC status other than OK becomes a qv_status (NOT_FOUND ->
 * QV_ERR_NOT_FOUND, INVALID_ARGUMENT -> QV_ERR_INVALID_ARGUMENT,
 * UNIMPLEMENTED -> QV_ERR_NOT_IMPLEMENTED, anything else -> QV_ERR_IO) and a
 * message that starts with the gRPC code name ("UNAUTHENTICATED: ...").
 *
 * Example (client):
 *   qv_flight_client *c;  qv_table *t;  qv_error err;
 *   qv_flight_client_connect("grpc://127.0.0.1:8815", NULL, &c, &err);
 *   qv_flight_client_do_get_table(c, "data.arrow", 10, &t, &err);
 *   qv_flight_client_free(c);
 */
#ifndef QUIVER_FLIGHT_H
#define QUIVER_FLIGHT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "quiver/batch.h"
#include "quiver/ipc.h"
#include "quiver/schema.h"
#include "quiver/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Values                                                               */
/* ------------------------------------------------------------------ */

/* Bytes owned by whatever holds the struct (malloc'd; data may be NULL when
 * len is 0). Free with qv_flight_bytes_clear. */
typedef struct qv_flight_bytes {
  uint8_t *data;
  size_t len;
} qv_flight_bytes;

QV_API qv_status qv_flight_bytes_set(qv_flight_bytes *b, const void *data, size_t len, qv_error *err);
QV_API void qv_flight_bytes_clear(qv_flight_bytes *b);

typedef enum qv_flight_descriptor_type {
  QV_FLIGHT_DESCRIPTOR_UNKNOWN = 0,
  QV_FLIGHT_DESCRIPTOR_PATH = 1, /* path[0, n_path) names a dataset */
  QV_FLIGHT_DESCRIPTOR_CMD = 2   /* cmd is an opaque command */
} qv_flight_descriptor_type;

/* Names a flight. Owns its members; zero-initialise, fill with an _init
 * function, free with qv_flight_descriptor_clear. */
typedef struct qv_flight_descriptor {
  qv_flight_descriptor_type type;
  qv_flight_bytes cmd;
  char **path;
  size_t n_path;
} qv_flight_descriptor;

QV_API qv_status qv_flight_descriptor_init_path(qv_flight_descriptor *d, const char *const *parts, size_t n,
                                                qv_error *err);
QV_API qv_status qv_flight_descriptor_init_cmd(qv_flight_descriptor *d, const void *cmd, size_t n,
                                               qv_error *err);
QV_API qv_status qv_flight_descriptor_copy(qv_flight_descriptor *dst, const qv_flight_descriptor *src,
                                           qv_error *err);
QV_API void qv_flight_descriptor_clear(qv_flight_descriptor *d);

/* Where and how to fetch one part of a flight. */
typedef struct qv_flight_endpoint {
  qv_flight_bytes ticket;
  char **locations; /* URIs; none: the server that answered */
  size_t n_locations;
  bool has_expiration;
  int64_t expiration_seconds; /* since the Unix epoch */
  int32_t expiration_nanos;
  qv_flight_bytes app_metadata;
} qv_flight_endpoint;

/* What a server says about a flight. Owns its members; free with
 * qv_flight_info_clear. */
typedef struct qv_flight_info {
  qv_schema *schema; /* owned reference; NULL when the server sent none */
  qv_flight_descriptor descriptor;
  qv_flight_endpoint *endpoints;
  size_t n_endpoints;
  int64_t total_records; /* -1: unknown */
  int64_t total_bytes;   /* -1: unknown */
  bool ordered;
  qv_flight_bytes app_metadata;
} qv_flight_info;

/* Zeroes *info and sets total_records and total_bytes to -1. */
QV_API void qv_flight_info_init(qv_flight_info *info);
/* Appends an endpoint with `ticket` and one location (NULL: none). */
QV_API qv_status qv_flight_info_add_endpoint(qv_flight_info *info, const void *ticket, size_t ticket_len,
                                             const char *location, qv_error *err);
QV_API void qv_flight_info_clear(qv_flight_info *info);
/* Frees an array of n infos (each cleared) returned by list_flights. */
QV_API void qv_flight_info_array_free(qv_flight_info *infos, size_t n);

/* The answer of PollFlightInfo. */
typedef struct qv_flight_poll_info {
  bool has_info;
  qv_flight_info info;
  bool has_next;                  /* false: the query is complete */
  qv_flight_descriptor next;      /* descriptor for the next poll */
  bool has_progress;
  double progress;                /* in [0, 1] */
  bool has_expiration;
  int64_t expiration_seconds;
  int32_t expiration_nanos;
} qv_flight_poll_info;

QV_API void qv_flight_poll_info_clear(qv_flight_poll_info *p);

typedef struct qv_flight_action_type {
  char *type;
  char *description;
} qv_flight_action_type;

QV_API void qv_flight_action_types_free(qv_flight_action_type *types, size_t n);
QV_API void qv_flight_bytes_array_free(qv_flight_bytes *items, size_t n);

/* ------------------------------------------------------------------ */
/* Streams of FlightData (both sides)                                   */
/* ------------------------------------------------------------------ */

/* One streaming call's data: DoGet (read on the client, write on the
 * server), DoPut (the client writes batches and reads PutResults, the
 * server the reverse), DoExchange (both ways on both sides). */
typedef struct qv_flight_stream qv_flight_stream;

/* One message read from a stream. */
typedef struct qv_flight_chunk {
  qv_batch *batch;              /* NULL for a metadata-only message; caller owns */
  qv_flight_bytes app_metadata; /* caller owns (qv_flight_chunk_clear) */
} qv_flight_chunk;

QV_API void qv_flight_chunk_clear(qv_flight_chunk *c);

typedef struct qv_flight_stream_stats {
  int64_t messages_sent;
  int64_t messages_received;
  int64_t body_bytes_sent;        /* body bytes handed to gRPC as references */
  int64_t body_bytes_received;
  int64_t bodies_in_place;        /* bodies used where gRPC received them */
  int64_t bodies_copied;          /* bodies copied (split across slices or misaligned) */
  int64_t body_bytes_copied;
  /* grpc+unix between quiver peers: bodies that travelled as sealed memfds
   * (mapped in place by the reader, no byte through the socket) */
  int64_t bodies_shm_sent;
  int64_t bodies_shm_received;
  int64_t body_bytes_shm;         /* bytes of those bodies, either way */
  /* of bodies_shm_sent: those whose bytes already lived in a sealed memfd
   * (a table made by qv_shm_table_share), passed as a place in it; the
   * others were copied once into a new memfd */
  int64_t bodies_shm_shared;
} qv_flight_stream_stats;

/* Starts the data: sends the Schema message (dictionaries follow with the
 * first batch that needs them). Retains `schema`. */
QV_API qv_status qv_flight_stream_begin(qv_flight_stream *s, qv_schema *schema, qv_error *err);
/* Sends one batch (its dictionaries first) with optional app_metadata. The
 * batch must have the begun schema; it may be released when this returns. */
QV_API qv_status qv_flight_stream_write_batch(qv_flight_stream *s, const qv_batch *batch,
                                              const void *app_metadata, size_t app_metadata_len,
                                              qv_error *err);
/* Every batch of a table (begins the stream with its schema if needed). */
QV_API qv_status qv_flight_stream_write_table(qv_flight_stream *s, const qv_table *table, qv_error *err);
/* A FlightData carrying only app_metadata. */
QV_API qv_status qv_flight_stream_write_metadata(qv_flight_stream *s, const void *app_metadata, size_t len,
                                                 qv_error *err);
/* Client side: no more data from this side (half-close). */
QV_API qv_status qv_flight_stream_done_writing(qv_flight_stream *s, qv_error *err);

/* Reads the Schema (waiting for the first message if needed): borrowed,
 * valid while the stream lives. QV_ERR_INVALID_DATA if the peer's first
 * data message is not a Schema. */
QV_API qv_status qv_flight_stream_schema(qv_flight_stream *s, qv_schema **out, qv_error *err);
/* The descriptor the peer sent with its first message (DoPut/DoExchange on
 * the server), or NULL (borrowed). Reads the first message if needed. */
QV_API const qv_flight_descriptor *qv_flight_stream_descriptor(qv_flight_stream *s);
/* Next batch or metadata-only message: *end is true (and *chunk empty) at
 * the end of the peer's data. */
QV_API qv_status qv_flight_stream_next(qv_flight_stream *s, qv_flight_chunk *chunk, bool *end, qv_error *err);
/* Every remaining batch as a table (app_metadata dropped). */
QV_API qv_status qv_flight_stream_read_all(qv_flight_stream *s, qv_table **out, qv_error *err);

/* DoPut: the server sends one PutResult; the client reads one (*end at the
 * end of the results). */
QV_API qv_status qv_flight_stream_write_put_result(qv_flight_stream *s, const void *app_metadata, size_t len,
                                                   qv_error *err);
QV_API qv_status qv_flight_stream_read_put_result(qv_flight_stream *s, qv_flight_bytes *out, bool *end,
                                                  qv_error *err);

/* Client side: ends the call (half-closes if not done, reads and drops
 * what the server still sends, waits for its status) and returns that
 * status. To stop reading early instead, free the stream (which cancels). */
QV_API qv_status qv_flight_stream_finish(qv_flight_stream *s, qv_error *err);
QV_API void qv_flight_stream_get_stats(const qv_flight_stream *s, qv_flight_stream_stats *out);
/* Client side: cancels the call if it is not finished, then frees. Accepts
 * NULL. Server-side streams belong to the server. */
QV_API void qv_flight_stream_free(qv_flight_stream *s);

/* ------------------------------------------------------------------ */
/* Client                                                               */
/* ------------------------------------------------------------------ */

typedef struct qv_flight_client qv_flight_client;

typedef struct qv_flight_client_options {
  const char *token;               /* sent as "authorization: Bearer <token>" (NULL: none) */
  const char *tls_root_certs_pem;  /* grpc+tls: trusted roots (NULL: the system's) */
  const char *tls_cert_chain_pem;  /* mutual TLS: the client's certificate and key */
  const char *tls_private_key_pem;
  const char *tls_override_hostname; /* name checked in the server certificate */
  int64_t timeout_ms;              /* deadline of every call; 0: none */
  qv_ipc_read_options read;        /* limits applied to received data */
  bool disable_shm;                /* grpc+unix: never move bodies through memfds */
} qv_flight_client_options;

QV_API qv_status qv_flight_client_connect(const char *uri, const qv_flight_client_options *opts,
                                          qv_flight_client **out, qv_error *err);
/* Frees the client; free its streams first. Accepts NULL. */
QV_API void qv_flight_client_free(qv_flight_client *c);
/* The counters of every stream of this client freed so far, summed (for
 * instance bodies_shm_received shows that DoGets took the memfd path). */
QV_API void qv_flight_client_get_stats(qv_flight_client *c, qv_flight_stream_stats *out);

/* The basic-auth handshake: sends "authorization: Basic base64(user:pass)"
 * on Handshake and keeps the bearer token the server answers with for
 * every later call. */
QV_API qv_status qv_flight_client_authenticate_basic(qv_flight_client *c, const char *user,
                                                     const char *password, qv_error *err);
/* One Handshake exchange with an opaque payload. */
QV_API qv_status qv_flight_client_handshake(qv_flight_client *c, const void *payload, size_t len,
                                            qv_flight_bytes *response, qv_error *err);

QV_API qv_status qv_flight_client_list_flights(qv_flight_client *c, const void *criteria, size_t len,
                                               qv_flight_info **out, size_t *n_out, qv_error *err);
QV_API qv_status qv_flight_client_get_flight_info(qv_flight_client *c, const qv_flight_descriptor *d,
                                                  qv_flight_info *out, qv_error *err);
QV_API qv_status qv_flight_client_poll_flight_info(qv_flight_client *c, const qv_flight_descriptor *d,
                                                   qv_flight_poll_info *out, qv_error *err);
QV_API qv_status qv_flight_client_get_schema(qv_flight_client *c, const qv_flight_descriptor *d,
                                             qv_schema **out, qv_error *err);

QV_API qv_status qv_flight_client_do_get(qv_flight_client *c, const void *ticket, size_t len,
                                         qv_flight_stream **out, qv_error *err);
/* DoGet, read to the end, finished. */
QV_API qv_status qv_flight_client_do_get_table(qv_flight_client *c, const void *ticket, size_t len,
                                               qv_table **out, qv_error *err);
/* DoPut: the descriptor travels with the Schema message. */
QV_API qv_status qv_flight_client_do_put(qv_flight_client *c, const qv_flight_descriptor *d,
                                         qv_flight_stream **out, qv_error *err);
/* DoPut of a whole table; the PutResults are dropped. */
QV_API qv_status qv_flight_client_do_put_table(qv_flight_client *c, const qv_flight_descriptor *d,
                                               const qv_table *table, qv_error *err);
/* DoExchange: the descriptor travels with the first message written. */
QV_API qv_status qv_flight_client_do_exchange(qv_flight_client *c, const qv_flight_descriptor *d,
                                              qv_flight_stream **out, qv_error *err);

/* DoAction: every Result body (caller frees with qv_flight_bytes_array_free). */
QV_API qv_status qv_flight_client_do_action(qv_flight_client *c, const char *type, const void *body,
                                            size_t len, qv_flight_bytes **out, size_t *n_out, qv_error *err);
QV_API qv_status qv_flight_client_list_actions(qv_flight_client *c, qv_flight_action_type **out, size_t *n_out,
                                               qv_error *err);

/* ------------------------------------------------------------------ */
/* Server                                                               */
/* ------------------------------------------------------------------ */

typedef struct qv_flight_server qv_flight_server;
/* One incoming call, as seen by a handler (borrowed for the handler's run). */
typedef struct qv_flight_call qv_flight_call;

/* The value of request header `key` (lower case), or NULL; *len bytes,
 * NOT NUL-terminated, valid during the handler's run. */
QV_API const char *qv_flight_call_header(const qv_flight_call *call, const char *key, size_t *len);
/* The peer's address as gRPC names it ("ipv4:127.0.0.1:4242"). */
QV_API const char *qv_flight_call_peer(const qv_flight_call *call);
/* True once the client cancelled the call, its deadline passed or its
 * connection went: a long handler polls it and gives up. (A handler that
 * sends or reads learns the same from the failing call.) */
QV_API bool qv_flight_call_cancelled(qv_flight_call *call);

/* Handlers: return QV_OK or an error (the client receives it as a gRPC
 * status: QV_ERR_NOT_FOUND -> NOT_FOUND, QV_ERR_INVALID_ARGUMENT and
 * QV_ERR_INVALID_DATA -> INVALID_ARGUMENT, QV_ERR_NOT_IMPLEMENTED ->
 * UNIMPLEMENTED, other -> INTERNAL, with err's message). A NULL handler
 * answers UNIMPLEMENTED. They run on the server's threads, several at once. */
typedef struct qv_flight_handlers {
  void *ctx;
  qv_status (*list_flights)(void *ctx, qv_flight_call *call, const qv_flight_bytes *criteria,
                            qv_flight_info **out, size_t *n_out, qv_error *err);
  qv_status (*get_flight_info)(void *ctx, qv_flight_call *call, const qv_flight_descriptor *d,
                               qv_flight_info *out, qv_error *err);
  qv_status (*poll_flight_info)(void *ctx, qv_flight_call *call, const qv_flight_descriptor *d,
                                qv_flight_poll_info *out, qv_error *err);
  qv_status (*get_schema)(void *ctx, qv_flight_call *call, const qv_flight_descriptor *d, qv_schema **out,
                          qv_error *err);
  qv_status (*do_get)(void *ctx, qv_flight_call *call, const qv_flight_bytes *ticket, qv_flight_stream *out,
                      qv_error *err);
  qv_status (*do_put)(void *ctx, qv_flight_call *call, qv_flight_stream *in, qv_error *err);
  qv_status (*do_exchange)(void *ctx, qv_flight_call *call, qv_flight_stream *s, qv_error *err);
  qv_status (*do_action)(void *ctx, qv_flight_call *call, const char *type, const qv_flight_bytes *body,
                         qv_flight_bytes **out, size_t *n_out, qv_error *err);
  qv_status (*list_actions)(void *ctx, qv_flight_call *call, qv_flight_action_type **out, size_t *n_out,
                            qv_error *err);
  /* Handshake with a payload (NULL: the response echoes the request). */
  qv_status (*handshake)(void *ctx, qv_flight_call *call, const qv_flight_bytes *request,
                         qv_flight_bytes *response, qv_error *err);
} qv_flight_handlers;

typedef struct qv_flight_server_options {
  int threads;                    /* calls served at once (0: 8) */
  const char *token;              /* required bearer token (NULL: no authentication) */
  const char *basic_user;         /* handshake credentials answered with `token` */
  const char *basic_password;
  const char *tls_cert_chain_pem; /* grpc+tls: the server's certificate and key */
  const char *tls_private_key_pem;
  const char *tls_client_roots_pem; /* mutual TLS: client certificates required, checked against these */
  qv_ipc_read_options read;       /* limits applied to received data */
  bool disable_shm;               /* grpc+unix: offer no memfd side socket */
} qv_flight_server_options;

/* Binds `uri` (grpc://HOST:PORT, PORT 0 picks a free one; grpc+tls://;
 * grpc+unix:///path) and starts serving. */
QV_API qv_status qv_flight_server_start(const char *uri, const qv_flight_handlers *handlers,
                                        const qv_flight_server_options *opts, qv_flight_server **out,
                                        qv_error *err);
/* The counters of every DoGet/DoPut/DoExchange stream served so far. */
QV_API void qv_flight_server_get_stats(qv_flight_server *s, qv_flight_stream_stats *out);
/* The TCP port bound (0 for Unix sockets). */
QV_API int qv_flight_server_port(const qv_flight_server *s);
/* Stops accepting calls, cancels those running, waits for the handlers to
 * return. Idempotent; safe from any thread but a handler's. */
QV_API void qv_flight_server_shutdown(qv_flight_server *s);
/* Shuts down (if not yet) and frees. Accepts NULL. */
QV_API void qv_flight_server_free(qv_flight_server *s);

#ifdef __cplusplus
}
#endif
#endif
