/* quiver Flight: what the flight files share. Internal header.
 *
 *   rpc.c      one gRPC call driven synchronously over the core surface API
 *              (a batch of ops, then wait for its tag on the call's queue);
 *              status codes both ways;
 *   wire.c     FlightData <-> gRPC byte buffers by hand (the body as slices
 *              of quiver's buffers on send, in place or copied once on
 *              receive);
 *   proto.c    the other messages through protobuf-c (flight.pb-c.h);
 *   values.c   descriptors, infos, bytes: the public value types;
 *   stream.c   qv_flight_stream: IPC messages over FlightData;
 *   client.c, server.c, location.c.
 */
#ifndef QV_FLIGHT_INTERNAL_H
#define QV_FLIGHT_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <grpc/byte_buffer.h>
#include <grpc/grpc.h>
#include <grpc/slice.h>

#include "flight.pb-c.h"
#include "ipc/read_message.h"
#include "quiver/flight.h"

#define QV__FLIGHT_SERVICE "/arrow.flight.protocol.FlightService/"

typedef struct qv__shm_link qv__shm_link;         /* shm_link.c */
typedef struct qv__shm_listener qv__shm_listener;

/* ---- rpc.c ---- */

/* grpc_init, and once per process: gRPC's log silenced. Pair with
 * grpc_shutdown. */
void qv__flight_init(void);

/* Channel and server arguments that bound what gRPC buffers (flow
 * control); writes at most 4 into args and returns how many. */
size_t qv__flight_tuning_args(grpc_arg *args);
#ifndef QV__FLIGHT_WINDOW
#define QV__FLIGHT_WINDOW (8 << 20)
#endif

typedef struct qv__rpc {
  grpc_call *call;
  grpc_completion_queue *cq; /* GRPC_CQ_NEXT; only this call's ops */
  bool server;
  bool owns_cq;
  /* client */
  bool initial_md_received;
  grpc_metadata_array initial_md;
  bool half_closed;
  bool finished;
  /* server */
  bool initial_md_sent;
  grpc_metadata *extra_initial_md; /* sent with the initial metadata (borrowed) */
  size_t n_extra_initial_md;
  bool close_started;  /* RECV_CLOSE_ON_SERVER pending */
  bool close_done;
  int cancelled;
  bool status_sent;
} qv__rpc;

/* Runs ops[0, n) and waits for them. QV_ERR_IO when gRPC reports the batch
 * failed (the call is cancelled or broken). */
qv_status qv__rpc_run(qv__rpc *r, const grpc_op *ops, size_t n, const char *what, qv_error *err);
/* Sends one message (the byte buffer is destroyed here, whatever happens). */
qv_status qv__rpc_send(qv__rpc *r, grpc_byte_buffer *bb, qv_error *err);
/* Receives one message; *out is NULL at the end of the peer's messages. */
qv_status qv__rpc_recv(qv__rpc *r, grpc_byte_buffer **out, qv_error *err);
/* Server: sends the initial metadata now (with extra_initial_md), once. */
qv_status qv__rpc_server_send_initial_md(qv__rpc *r, qv_error *err);
/* Client: waits for the server's initial metadata (once). */
qv_status qv__rpc_client_recv_initial_md(qv__rpc *r, qv_error *err);
/* Client: a header of the received initial metadata, or NULL. */
const char *qv__rpc_initial_md_value(const qv__rpc *r, const char *key, size_t *len);
/* Client: SEND_CLOSE_FROM_CLIENT (once). */
qv_status qv__rpc_half_close(qv__rpc *r, qv_error *err);
/* Client: waits for the status and turns it into a qv_status. */
qv_status qv__rpc_client_finish(qv__rpc *r, qv_error *err);
/* Server: starts RECV_CLOSE_ON_SERVER (completes when the client goes). */
qv_status qv__rpc_server_begin(qv__rpc *r, qv_error *err);
/* Server, between batches: true once the client cancelled the call (or it
 * passed its deadline, or the connection went). */
bool qv__rpc_server_cancelled(qv__rpc *r);
/* Server: sends the status (with initial metadata if not sent yet). */
void qv__rpc_server_finish(qv__rpc *r, grpc_status_code code, const char *message);
/* Frees the call (cancelling it if unfinished) and the queue when owned. */
void qv__rpc_free(qv__rpc *r);

grpc_status_code qv__flight_status_to_grpc(qv_status st);
qv_status qv__flight_status_from_grpc(grpc_status_code code);
const char *qv__flight_grpc_code_name(grpc_status_code code);

/* ---- body_pool.c: warm memory for received bodies that are copied ---- */

typedef struct qv__body_pool qv__body_pool;
/* A pool keeping at most `cap` bytes of released blocks; NULL when out of
 * memory (callers then allocate plainly). */
qv__body_pool *qv__body_pool_new(int64_t cap);
/* The owner is done: idle blocks are freed, blocks in use when released. */
void qv__body_pool_close(qv__body_pool *p);
/* A buffer of `size` bytes (contents undefined) from the pool, or plainly
 * allocated when p is NULL or the size is beyond the pool's cap. */
qv_status qv__body_pool_allocate(qv__body_pool *p, int64_t size, qv_buffer **out, qv_error *err);
/* What a client or server keeps idle at most. */
#define QV__BODY_POOL_CAP ((int64_t)64 << 20)

/* ---- wire.c ---- */

/* A received FlightData. */
typedef struct qv__flight_data {
  bool has_descriptor;
  qv_flight_descriptor descriptor;
  uint8_t *header; /* malloc'd copy of data_header (8-aligned) */
  size_t header_len;
  qv_flight_bytes app_metadata;
  qv_buffer *body; /* NULL when empty */
  int64_t body_len;
  bool body_copied;
} qv__flight_data;

void qv__flight_data_clear(qv__flight_data *d);
/* Parses a FlightData message. Unknown fields are skipped; every length is
 * checked against what remains. A body that must be copied goes into
 * memory from `pool` (may be NULL). */
qv_status qv__flight_data_decode(grpc_byte_buffer *bb, qv__body_pool *pool, qv__flight_data *out, qv_error *err);
/* The same over plain bytes (tests, fuzzing). */
qv_status qv__flight_data_decode_bytes(const uint8_t *p, size_t n, qv__flight_data *out, qv_error *err);

/* A FlightData being assembled for sending: the small fields are encoded
 * into `head`, the body is a list of slices. */
typedef struct qv__flight_out {
  uint8_t *head;
  size_t head_len, head_cap;
  grpc_slice *slices;
  size_t n_slices, cap_slices;
  int64_t body_len;
} qv__flight_out;

/* Starts a message: descriptor (may be NULL), data_header, app_metadata,
 * and the data_body length (its bytes follow with qv__flight_out_body). */
qv_status qv__flight_out_start(qv__flight_out *o, const qv_flight_descriptor *d, const uint8_t *header,
                              size_t header_len, const void *app_md, size_t app_len, int64_t body_len,
                              qv_error *err);
/* Appends a slice of the body (ownership of the slice's ref moves in). */
qv_status qv__flight_out_body(qv__flight_out *o, grpc_slice s, qv_error *err);
/* The whole message as a byte buffer (the slices move into it). */
qv_status qv__flight_out_finish(qv__flight_out *o, grpc_byte_buffer **out, qv_error *err);
void qv__flight_out_free(qv__flight_out *o);

/* ---- proto.c ---- */

qv_status qv__pb_pack(const ProtobufCMessage *m, grpc_byte_buffer **out, qv_error *err);
/* Unpacks bb as `desc`; *out is freed with protobuf_c_message_free_unpacked. */
qv_status qv__pb_unpack(const ProtobufCMessageDescriptor *desc, grpc_byte_buffer *bb, ProtobufCMessage **out,
                        qv_error *err);

/* Descriptor <-> protobuf. to_pb fills *pb borrowing d's memory. */
void qv__descriptor_to_pb(const qv_flight_descriptor *d, Arrow__Flight__Protocol__FlightDescriptor *pb);
qv_status qv__descriptor_from_pb(const Arrow__Flight__Protocol__FlightDescriptor *pb, qv_flight_descriptor *d,
                                qv_error *err);
/* Descriptor as protobuf bytes (malloc'd). */
qv_status qv__descriptor_pack(const qv_flight_descriptor *d, uint8_t **out, size_t *len, qv_error *err);
qv_status qv__descriptor_unpack(const uint8_t *p, size_t n, qv_flight_descriptor *d, qv_error *err);

/* FlightInfo / PollInfo <-> byte buffers. */
qv_status qv__info_pack(const qv_flight_info *info, grpc_byte_buffer **out, qv_error *err);
qv_status qv__info_unpack(grpc_byte_buffer *bb, const qv_ipc_read_options *ro, qv_flight_info *out,
                          qv_error *err);
qv_status qv__poll_pack(const qv_flight_poll_info *p, grpc_byte_buffer **out, qv_error *err);
qv_status qv__poll_unpack(grpc_byte_buffer *bb, const qv_ipc_read_options *ro, qv_flight_poll_info *out,
                          qv_error *err);

/* A schema as the encapsulated IPC Schema message (malloc'd bytes). */
qv_status qv__schema_serialize(qv_schema *schema, uint8_t **out, size_t *len, qv_error *err);
/* And back (*out: new reference). */
qv_status qv__schema_deserialize(const uint8_t *p, size_t n, const qv_ipc_read_options *ro, qv_schema **out,
                                 qv_error *err);

/* ---- stream.c ---- */

typedef enum qv__stream_kind { QV__STREAM_GET, QV__STREAM_PUT, QV__STREAM_EXCHANGE } qv__stream_kind;

/* Wraps an rpc (owned on the client side, borrowed on the server side). */
qv_status qv__stream_new(qv__rpc *rpc, bool client, bool owns_rpc, qv__stream_kind kind,
                         const qv_ipc_read_options *ro, qv_flight_stream **out, qv_error *err);
/* Client DoPut/DoExchange: the descriptor to send with the first message. */
qv_status qv__stream_set_descriptor(qv_flight_stream *s, const qv_flight_descriptor *d, qv_error *err);
/* The stream carries large bodies over `link` (taken; freed with the stream). */
void qv__stream_set_shm(qv_flight_stream *s, qv__shm_link *link);
/* DoExchange: this side's bodies go out over `out`, the peer's come in over
 * `in` (both taken; either may be NULL). */
void qv__stream_set_shm_pair(qv_flight_stream *s, qv__shm_link *out, qv__shm_link *in);
/* Copied bodies come from `pool` (borrowed: its owner outlives the stream). */
void qv__stream_set_pool(qv_flight_stream *s, qv__body_pool *pool);
/* Called with the stream's stats when it is freed (client and server totals). */
void qv__stream_set_stats_sink(qv_flight_stream *s, void (*sink)(void *ctx, const qv_flight_stream_stats *st),
                               void *ctx);
/* Adds b's counters into a. */
void qv__stats_add(qv_flight_stream_stats *a, const qv_flight_stream_stats *b);
/* Server: the stream's writer state is flushed; releases what it holds
 * (the rpc is the server's). */
void qv__stream_free_server(qv_flight_stream *s);

/* ---- shm_link.c: bodies in sealed memfds for grpc+unix peers ---- */

#define QV__SHM_LINK_SUFFIX ".qvshm" /* the side socket: the gRPC socket's path + this */
#define QV__SHM_HEADER "x-quiver-shm" /* request: the link's nonce (DoExchange: "up,down"); response: on/off */
#define QV__SHM_NONCE_HEX 33          /* 16 bytes as hex, NUL */
/* Bodies smaller than this travel as gRPC bytes even over a link: a memfd
 * costs a few system calls, a copy of a few pages costs less. */
#define QV__SHM_MIN_BODY 65536


/* Client: connects to sock_path's side socket and says hello; NULL when
 * there is none or it does not answer (the call then goes without). */
qv__shm_link *qv__shm_link_connect(const char *sock_path, char nonce_hex[QV__SHM_NONCE_HEX]);
void qv__shm_link_free(qv__shm_link *l);
/* A link over a connected Unix socket (taken; closed with the link), with
 * no handshake: for tests. NULL when out of memory (fd closed). */
qv__shm_link *qv__shm_link_from_socket(int fd);
/* Server: binds sock_path's side socket and accepts on a thread of its
 * own; NULL when it cannot (the server then runs without). */
qv__shm_listener *qv__shm_listener_start(const char *sock_path);
/* The link a client announced with this nonce (hex, len bytes), or NULL. */
qv__shm_link *qv__shm_listener_claim(qv__shm_listener *l, const char *nonce_hex, size_t len);
/* Stops the thread, closes what is pending, removes the side socket. */
void qv__shm_listener_stop(qv__shm_listener *l);
/* Sends a body (iov[0, n), total bytes) through shared memory, after
 * waiting for the reader to acknowledge enough earlier ones; `cancelled`
 * (may be NULL) is polled while waiting. When the body's bytes already lie
 * in a sealed memfd of this process (qv_shm_table_share) the link names
 * that place (*shared = true); otherwise they are copied into a new memfd. */
struct iovec;
qv_status qv__shm_link_send_body(qv__shm_link *l, const struct iovec *iov, size_t n, int64_t total,
                                 bool (*cancelled)(void *), void *ctx, bool *shared, qv_error *err);
/* Receives the next body, which must be `expected` bytes, mapped read-only
 * (each region is mapped once per link and bodies are views of it). */
qv_status qv__shm_link_recv_body(qv__shm_link *l, int64_t expected, qv_buffer **out, qv_error *err);

/* ---- location.c ---- */

typedef enum qv__scheme { QV__SCHEME_TCP, QV__SCHEME_TLS, QV__SCHEME_UNIX } qv__scheme;
/* Parses a Flight URI into a gRPC target ("127.0.0.1:8815",
 * "unix:/path"); *target is malloc'd. */
qv_status qv__location_parse(const char *uri, qv__scheme *scheme, char **target, qv_error *err);

/* ---- base64 (auth) ---- */
char *qv__base64_encode(const uint8_t *p, size_t n);
/* NULL on bad input. */
uint8_t *qv__base64_decode(const char *s, size_t n, size_t *out_len);

#endif
