/* quiver Flight: qv_flight_stream, Arrow IPC messages carried as FlightData.
 *
 * Sending: an IPC pieces writer (ipc.h) turns the schema and each batch
 * into messages whose bodies reference the batch's buffers; this file walks
 * those pieces message by message (prefix, metadata, body), copies the
 * metadata into data_header and hands each body piece to gRPC as a slice
 * that keeps the pieces object alive (a refcount shared by the slices), so
 * no body byte is copied on the way out. One message is in flight at a
 * time (rpc.c waits for each send), which bounds what a slow reader makes
 * us hold.
 *
 * Receiving: each FlightData's data_header is decoded as an IPC Message
 * and given, with the body (wire.c), to the same read core the IPC readers
 * use: schema, dictionaries (applied, not returned) and record batches,
 * validated structurally like any IPC input.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "core/internal.h"
#include "flight/internal.h"

struct qv_flight_stream {
  qv__rpc *rpc;
  bool client;
  bool owns_rpc;
  qv__stream_kind kind;
  qv_ipc_read_options ro;
  /* writing */
  qv_ipc_writer *writer;
  qv_flight_descriptor send_desc;
  bool desc_pending;
  bool done_writing;
  /* reading */
  qv_read_core core;
  bool first_received;
  bool has_peer_desc;
  qv_flight_descriptor peer_desc;
  bool has_queued;
  qv_flight_chunk queued;
  bool ended;
  qv_flight_stream_stats stats;
  /* memfd links (NULL: bodies travel as gRPC bytes): the one this side's
   * bodies go out on and the one the peer's come in on; the same link for
   * DoGet and DoPut (one direction carries bodies), two for DoExchange */
  qv__shm_link *shm_out, *shm_in;
  qv__body_pool *pool; /* the client's or server's (borrowed; may be NULL) */
  void (*stats_sink)(void *ctx, const qv_flight_stream_stats *st);
  void *stats_ctx;
};

static void free_links(qv_flight_stream *s) {
  if (s->shm_in != s->shm_out) qv__shm_link_free(s->shm_in);
  qv__shm_link_free(s->shm_out);
  s->shm_in = s->shm_out = NULL;
}

void qv__stream_set_shm(qv_flight_stream *s, qv__shm_link *link) {
  free_links(s);
  s->shm_in = s->shm_out = link;
}

void qv__stream_set_shm_pair(qv_flight_stream *s, qv__shm_link *out, qv__shm_link *in) {
  free_links(s);
  s->shm_out = out;
  s->shm_in = in;
}

/* The incoming link misbehaved: bodies stop coming that way (the sender
 * then fails its next body at once rather than waiting). */
static void drop_link_in(qv_flight_stream *s) {
  if (s->shm_in == s->shm_out) {
    free_links(s);
  } else {
    qv__shm_link_free(s->shm_in);
    s->shm_in = NULL;
  }
}

void qv__stream_set_pool(qv_flight_stream *s, qv__body_pool *pool) { s->pool = pool; }

void qv__stream_set_stats_sink(qv_flight_stream *s, void (*sink)(void *ctx, const qv_flight_stream_stats *st),
                               void *ctx) {
  s->stats_sink = sink;
  s->stats_ctx = ctx;
}

void qv__stats_add(qv_flight_stream_stats *a, const qv_flight_stream_stats *b) {
  a->messages_sent += b->messages_sent;
  a->messages_received += b->messages_received;
  a->body_bytes_sent += b->body_bytes_sent;
  a->body_bytes_received += b->body_bytes_received;
  a->bodies_in_place += b->bodies_in_place;
  a->bodies_copied += b->bodies_copied;
  a->body_bytes_copied += b->body_bytes_copied;
  a->bodies_shm_sent += b->bodies_shm_sent;
  a->bodies_shm_received += b->bodies_shm_received;
  a->body_bytes_shm += b->body_bytes_shm;
  a->bodies_shm_shared += b->bodies_shm_shared;
}

qv_status qv__stream_new(qv__rpc *rpc, bool client, bool owns_rpc, qv__stream_kind kind,
                         const qv_ipc_read_options *ro, qv_flight_stream **out, qv_error *err) {
  qv_flight_stream *s = (qv_flight_stream *)calloc(1, sizeof *s);
  QV_CHECK_ALLOC(s, err);
  s->rpc = rpc;
  s->client = client;
  s->owns_rpc = owns_rpc;
  s->kind = kind;
  if (ro) s->ro = *ro;
  qv__read_core_init(&s->core, ro, false);
  *out = s;
  return QV_OK;
}

qv_status qv__stream_set_descriptor(qv_flight_stream *s, const qv_flight_descriptor *d, qv_error *err) {
  QV_RETURN_IF_ERROR(qv_flight_descriptor_copy(&s->send_desc, d, err));
  s->desc_pending = true;
  return QV_OK;
}

static void release_all(qv_flight_stream *s) {
  if (s->stats_sink) s->stats_sink(s->stats_ctx, &s->stats);
  free_links(s);
  qv_ipc_writer_free(s->writer);
  qv_flight_descriptor_clear(&s->send_desc);
  qv__read_core_free(&s->core);
  qv_flight_descriptor_clear(&s->peer_desc);
  qv_flight_chunk_clear(&s->queued);
}

void qv__stream_free_server(qv_flight_stream *s) {
  if (s == NULL) return;
  release_all(s);
  free(s);
}

void qv_flight_stream_free(qv_flight_stream *s) {
  if (s == NULL) return;
  if (!s->client) return; /* the server frees its own streams */
  release_all(s);
  if (s->owns_rpc && s->rpc) {
    qv__rpc_free(s->rpc);
    free(s->rpc);
  }
  free(s);
}

void qv_flight_stream_get_stats(const qv_flight_stream *s, qv_flight_stream_stats *out) { *out = s->stats; }

/* ------------------------------------------------------------------ */
/* Sending                                                              */
/* ------------------------------------------------------------------ */

/* The pieces of one take, shared by the slices that reference them. */
typedef struct shared_pieces {
  atomic_long refs;
  qv_ipc_pieces *pieces;
} shared_pieces;

static void shared_unref(void *p) {
  shared_pieces *sp = (shared_pieces *)p;
  if (atomic_fetch_sub(&sp->refs, 1) == 1) {
    qv_ipc_pieces_free(sp->pieces);
    free(sp);
  }
}

/* Pieces shorter than this are copied into their own slice (a slice that
 * references memory costs an allocation of its own). */
#define COPY_BELOW 512

typedef struct piece_cursor {
  const qv_ipc_piece *items;
  size_t n, i, off;
  shared_pieces *shared;
} piece_cursor;

static int64_t pc_left(const piece_cursor *pc) {
  int64_t left = 0;
  for (size_t i = pc->i; i < pc->n; i++) left += (int64_t)pc->items[i].len - (i == pc->i ? (int64_t)pc->off : 0);
  return left;
}

static void pc_copy(piece_cursor *pc, uint8_t *dst, size_t n) {
  while (n > 0) {
    size_t take = pc->items[pc->i].len - pc->off;
    if (take > n) take = n;
    memcpy(dst, (const uint8_t *)pc->items[pc->i].data + pc->off, take);
    dst += take;
    n -= take;
    pc->off += take;
    if (pc->off == pc->items[pc->i].len) {
      pc->i++;
      pc->off = 0;
    }
  }
}

static qv_status pc_slices(piece_cursor *pc, int64_t n, qv__flight_out *o, qv_error *err) {
  while (n > 0) {
    size_t take = pc->items[pc->i].len - pc->off;
    if ((int64_t)take > n) take = (size_t)n;
    const uint8_t *p = (const uint8_t *)pc->items[pc->i].data + pc->off;
    grpc_slice sl;
    if (take < COPY_BELOW) {
      sl = grpc_slice_from_copied_buffer((const char *)p, take);
    } else {
      atomic_fetch_add(&pc->shared->refs, 1);
      sl = grpc_slice_new_with_user_data((void *)p, take, shared_unref, pc->shared);
    }
    QV_RETURN_IF_ERROR(qv__flight_out_body(o, sl, err));
    n -= (int64_t)take;
    pc->off += take;
    if (pc->off == pc->items[pc->i].len) {
      pc->i++;
      pc->off = 0;
    }
  }
  return QV_OK;
}

/* The next n body bytes as iovecs (malloc'd array in *out). */
static qv_status pc_iov(piece_cursor *pc, int64_t n, struct iovec **out, size_t *n_out, qv_error *err) {
  size_t cap = pc->n - pc->i, k = 0;
  struct iovec *v = (struct iovec *)malloc((cap ? cap : 1) * sizeof *v);
  QV_CHECK_ALLOC(v, err);
  while (n > 0) {
    size_t take = pc->items[pc->i].len - pc->off;
    if ((int64_t)take > n) take = (size_t)n;
    v[k].iov_base = (uint8_t *)pc->items[pc->i].data + pc->off;
    v[k].iov_len = take;
    k++;
    n -= (int64_t)take;
    pc->off += take;
    if (pc->off == pc->items[pc->i].len) {
      pc->i++;
      pc->off = 0;
    }
  }
  *out = v;
  *n_out = k;
  return QV_OK;
}

static bool server_call_cancelled(void *rpc) { return qv__rpc_server_cancelled((qv__rpc *)rpc); }

/* The body goes into a sealed memfd over the link; the FlightData that
 * follows carries the header and no data_body. */
static qv_status send_body_shm(qv_flight_stream *s, piece_cursor *pc, int64_t body_len, qv_error *err) {
  struct iovec *iov = NULL;
  size_t n = 0;
  QV_RETURN_IF_ERROR(pc_iov(pc, body_len, &iov, &n, err));
  bool shared = false;
  qv_status st = qv__shm_link_send_body(s->shm_out, iov, n, body_len, s->client ? NULL : server_call_cancelled,
                                        s->rpc, &shared, err);
  free(iov);
  if (st == QV_OK) {
    s->stats.bodies_shm_sent++;
    s->stats.bodies_shm_shared += shared;
    s->stats.body_bytes_shm += body_len;
  }
  return st;
}

static qv_status send_flight_data(qv_flight_stream *s, qv__flight_out *o, qv_error *err) {
  grpc_byte_buffer *bb = NULL;
  QV_RETURN_IF_ERROR(qv__flight_out_finish(o, &bb, err));
  s->stats.messages_sent++;
  return qv__rpc_send(s->rpc, bb, err);
}

/* Sends every message of `pieces`; app_metadata goes with the last one. */
static qv_status send_pieces(qv_flight_stream *s, qv_ipc_pieces *pieces, const void *app_md, size_t app_len,
                             qv_error *err) {
  shared_pieces *sp = (shared_pieces *)malloc(sizeof *sp);
  if (sp == NULL) {
    qv_ipc_pieces_free(pieces);
    return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory (%s:%d)", __FILE__, __LINE__);
  }
  atomic_init(&sp->refs, 1);
  sp->pieces = pieces;
  piece_cursor pc = {qv_ipc_pieces_items(pieces), qv_ipc_pieces_count(pieces), 0, 0, sp};
  qv_status st = QV_OK;
  uint8_t *meta = NULL;
  while (st == QV_OK && pc_left(&pc) >= 8) {
    uint8_t prefix[8];
    pc_copy(&pc, prefix, 8);
    int32_t meta_len;
    memcpy(&meta_len, prefix + 4, 4);
    if (meta_len == 0) continue; /* end-of-stream marker: Flight ends streams with the call */
    if (meta_len < 0 || pc_left(&pc) < meta_len)
      QV_FAIL_GOTO(st, done, err, QV_ERR_INVALID_DATA, "flight: the IPC writer produced a malformed message");
    free(meta);
    meta = (uint8_t *)malloc((size_t)meta_len);
    QV_CHECK_ALLOC_GOTO(meta, st, err, done);
    pc_copy(&pc, meta, (size_t)meta_len);
    qv_ipc_message msg;
    QV_GOTO_IF_ERROR(st, qv__ipc_message_decode(meta, (size_t)meta_len, &msg, err), done);
    if (pc_left(&pc) < msg.body_length)
      QV_FAIL_GOTO(st, done, err, QV_ERR_INVALID_DATA, "flight: the IPC writer produced a short body");
    bool last = pc_left(&pc) == msg.body_length;
    bool shm = s->shm_out != NULL && msg.body_length >= QV__SHM_MIN_BODY;
    if (shm) QV_GOTO_IF_ERROR(st, send_body_shm(s, &pc, msg.body_length, err), done);
    qv__flight_out o;
    QV_GOTO_IF_ERROR(st,
                     qv__flight_out_start(&o, s->desc_pending ? &s->send_desc : NULL, meta, (size_t)meta_len,
                                          last ? app_md : NULL, last ? app_len : 0, shm ? 0 : msg.body_length, err),
                     done);
    if (!shm) st = pc_slices(&pc, msg.body_length, &o, err);
    if (st != QV_OK) {
      qv__flight_out_free(&o);
      goto done;
    }
    s->desc_pending = false;
    s->stats.body_bytes_sent += msg.body_length;
    QV_GOTO_IF_ERROR(st, send_flight_data(s, &o, err), done);
  }
done:
  free(meta);
  shared_unref(sp);
  return st;
}

static qv_status check_can_write(qv_flight_stream *s, qv_error *err) {
  if (s->done_writing) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "flight stream: writing after done_writing");
  if (s->client && s->kind == QV__STREAM_GET)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "flight stream: a DoGet client only reads");
  if (!s->client && s->kind == QV__STREAM_PUT)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "flight stream: a DoPut server sends PutResults, not data");
  return QV_OK;
}

qv_status qv_flight_stream_begin(qv_flight_stream *s, qv_schema *schema, qv_error *err) {
  QV_RETURN_IF_ERROR(check_can_write(s, err));
  if (s->writer) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "flight stream: begin called twice");
  QV_RETURN_IF_ERROR(qv_ipc_writer_open_pieces(QV_IPC_FORMAT_STREAM, schema, NULL, &s->writer, err));
  qv_ipc_pieces *p = NULL;
  QV_RETURN_IF_ERROR(qv_ipc_writer_take_pieces(s->writer, &p, err));
  return send_pieces(s, p, NULL, 0, err);
}

qv_status qv_flight_stream_write_batch(qv_flight_stream *s, const qv_batch *batch, const void *app_metadata,
                                       size_t app_metadata_len, qv_error *err) {
  QV_RETURN_IF_ERROR(check_can_write(s, err));
  if (s->writer == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "flight stream: write_batch before begin");
  QV_RETURN_IF_ERROR(qv_ipc_writer_write_batch(s->writer, batch, err));
  qv_ipc_pieces *p = NULL;
  QV_RETURN_IF_ERROR(qv_ipc_writer_take_pieces(s->writer, &p, err));
  return send_pieces(s, p, app_metadata, app_metadata_len, err);
}

qv_status qv_flight_stream_write_table(qv_flight_stream *s, const qv_table *table, qv_error *err) {
  if (s->writer == NULL) QV_RETURN_IF_ERROR(qv_flight_stream_begin(s, table->schema, err));
  for (int64_t i = 0; i < table->n_batches; i++)
    QV_RETURN_IF_ERROR(qv_flight_stream_write_batch(s, table->batches[i], NULL, 0, err));
  return QV_OK;
}

qv_status qv_flight_stream_write_metadata(qv_flight_stream *s, const void *app_metadata, size_t len, qv_error *err) {
  QV_RETURN_IF_ERROR(check_can_write(s, err));
  qv__flight_out o;
  QV_RETURN_IF_ERROR(
      qv__flight_out_start(&o, s->desc_pending ? &s->send_desc : NULL, NULL, 0, app_metadata, len, 0, err));
  s->desc_pending = false;
  return send_flight_data(s, &o, err);
}

qv_status qv_flight_stream_done_writing(qv_flight_stream *s, qv_error *err) {
  if (s->done_writing) return QV_OK;
  s->done_writing = true;
  if (!s->client) return QV_OK;
  /* a DoPut/DoExchange that wrote nothing still names its descriptor */
  if (s->desc_pending) {
    qv__flight_out o;
    QV_RETURN_IF_ERROR(qv__flight_out_start(&o, &s->send_desc, NULL, 0, NULL, 0, 0, err));
    s->desc_pending = false;
    QV_RETURN_IF_ERROR(send_flight_data(s, &o, err));
  }
  return qv__rpc_half_close(s->rpc, err);
}

qv_status qv_flight_stream_write_put_result(qv_flight_stream *s, const void *app_metadata, size_t len,
                                            qv_error *err) {
  if (s->client || s->kind != QV__STREAM_PUT)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "flight stream: PutResults are sent by a DoPut server");
  Arrow__Flight__Protocol__PutResult pr;
  arrow__flight__protocol__put_result__init(&pr);
  pr.app_metadata.data = (uint8_t *)app_metadata;
  pr.app_metadata.len = len;
  grpc_byte_buffer *bb = NULL;
  QV_RETURN_IF_ERROR(qv__pb_pack(&pr.base, &bb, err));
  s->stats.messages_sent++;
  return qv__rpc_send(s->rpc, bb, err);
}

qv_status qv_flight_stream_read_put_result(qv_flight_stream *s, qv_flight_bytes *out, bool *end, qv_error *err) {
  memset(out, 0, sizeof *out);
  *end = false;
  if (!s->client || s->kind != QV__STREAM_PUT)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "flight stream: PutResults are read by a DoPut client");
  grpc_byte_buffer *bb = NULL;
  QV_RETURN_IF_ERROR(qv__rpc_recv(s->rpc, &bb, err));
  if (bb == NULL) {
    *end = true;
    return QV_OK;
  }
  s->stats.messages_received++;
  ProtobufCMessage *m = NULL;
  qv_status st = qv__pb_unpack(&arrow__flight__protocol__put_result__descriptor, bb, &m, err);
  grpc_byte_buffer_destroy(bb);
  if (st != QV_OK) return st;
  const Arrow__Flight__Protocol__PutResult *pr = (const Arrow__Flight__Protocol__PutResult *)m;
  st = qv_flight_bytes_set(out, pr->app_metadata.data, pr->app_metadata.len, err);
  protobuf_c_message_free_unpacked(m, NULL);
  return st;
}

/* ------------------------------------------------------------------ */
/* Receiving                                                            */
/* ------------------------------------------------------------------ */

/* What one FlightData was: the end, the Schema, something applied or empty
 * (a dictionary, a descriptor-only message: nothing to hand out), or a chunk. */
typedef enum got_kind { GOT_END, GOT_SCHEMA, GOT_DICTIONARY, GOT_CHUNK } got_kind;

static qv_status check_can_read(qv_flight_stream *s, qv_error *err) {
  if (!s->client && s->kind == QV__STREAM_GET)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "flight stream: a DoGet server only writes");
  if (s->client && s->kind == QV__STREAM_PUT)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "flight stream: a DoPut client reads PutResults");
  return QV_OK;
}

/* Processes one IPC message carried by a FlightData. */
static qv_status apply_message(qv_flight_stream *s, qv__flight_data *fd, got_kind *got, qv_flight_chunk *chunk,
                               qv_error *err) {
  qv_ipc_message msg;
  QV_RETURN_IF_ERROR(qv__ipc_message_decode(fd->header, fd->header_len, &msg, err));
  qv_buffer *body = NULL;
  if (msg.body_length > 0 && fd->body == NULL && s->shm_in != NULL) {
    /* a body announced and not sent: it waits on the link as a memfd */
    QV_RETURN_IF_ERROR(qv__shm_link_recv_body(s->shm_in, msg.body_length, &body, err));
    s->stats.bodies_shm_received++;
    s->stats.body_bytes_shm += msg.body_length;
  } else if (fd->body_len < msg.body_length) {
    return qv_error_set(err, QV_ERR_TRUNCATED, "data_body has %lld bytes but the message's bodyLength is %lld",
                        (long long)fd->body_len, (long long)msg.body_length);
  } else if (msg.body_length > 0) {
    if (fd->body_len == msg.body_length)
      body = qv_buffer_retain(fd->body);
    else
      QV_RETURN_IF_ERROR(qv_buffer_view(fd->body, 0, msg.body_length, &body, err));
  }
  qv_status st = QV_OK;
  if (msg.type == FB_HEADER_SCHEMA) {
    if (s->core.have_schema)
      st = qv_error_set(err, QV_ERR_INVALID_DATA, "a second Schema message");
    else
      st = qv__read_core_set_schema(&s->core, &msg.header, err);
    *got = GOT_SCHEMA;
  } else if (!s->core.have_schema) {
    st = qv_error_set(err, QV_ERR_INVALID_DATA, "a data message before the Schema");
  } else if (msg.type == FB_HEADER_DICTIONARY_BATCH) {
    int64_t id;
    bool delta;
    st = qv__read_core_dictionary(&s->core, &msg, body, &id, &delta, err);
    *got = GOT_DICTIONARY;
  } else if (msg.type == FB_HEADER_RECORD_BATCH) {
    st = qv__read_core_batch(&s->core, &msg, body, &chunk->batch, err);
    *got = GOT_CHUNK;
  } else {
    st = qv_error_set(err, QV_ERR_UNSUPPORTED, "IPC message type %d is not supported over Flight", (int)msg.type);
  }
  qv_buffer_release(body);
  return st;
}

static qv_status recv_one(qv_flight_stream *s, got_kind *got, qv_flight_chunk *chunk, qv_error *err) {
  memset(chunk, 0, sizeof *chunk);
  *got = GOT_END;
  if (s->ended) return QV_OK;
  grpc_byte_buffer *bb = NULL;
  QV_RETURN_IF_ERROR(qv__rpc_recv(s->rpc, &bb, err));
  if (bb == NULL) {
    s->ended = true;
    return QV_OK;
  }
  qv__flight_data fd;
  qv_status st = qv__flight_data_decode(bb, s->pool, &fd, err);
  grpc_byte_buffer_destroy(bb);
  if (st != QV_OK) {
    qv_error_prefix(err, "flight message %lld: ", (long long)s->stats.messages_received + 1);
    return st;
  }
  s->stats.messages_received++;
  s->stats.body_bytes_received += fd.body_len;
  if (fd.body) {
    if (fd.body_copied) {
      s->stats.bodies_copied++;
      s->stats.body_bytes_copied += fd.body_len;
    } else {
      s->stats.bodies_in_place++;
    }
  }
  if (!s->first_received && fd.has_descriptor) {
    s->peer_desc = fd.descriptor;
    memset(&fd.descriptor, 0, sizeof fd.descriptor);
    s->has_peer_desc = true;
  }
  s->first_received = true;
  if (fd.header_len == 0) {
    /* a FlightData with neither IPC message nor app_metadata (a DoPut or
     * DoExchange client's descriptor-only opening) carries nothing to read */
    *got = fd.app_metadata.len > 0 ? GOT_CHUNK : GOT_DICTIONARY;
  } else {
    st = apply_message(s, &fd, got, chunk, err);
    if (st != QV_OK) qv_error_prefix(err, "flight message %lld: ", (long long)s->stats.messages_received);
  }
  if (st == QV_OK && *got == GOT_CHUNK) {
    chunk->app_metadata = fd.app_metadata;
    memset(&fd.app_metadata, 0, sizeof fd.app_metadata);
  }
  qv__flight_data_clear(&fd);
  return st;
}

static qv_status queue_chunk(qv_flight_stream *s, qv_flight_chunk *c, qv_error *err) {
  if (s->has_queued) {
    qv_flight_chunk_clear(c);
    return qv_error_set(err, QV_ERR_INVALID_DATA, "flight stream: data arrived before the Schema message");
  }
  s->queued = *c;
  s->has_queued = true;
  return QV_OK;
}

qv_status qv_flight_stream_schema(qv_flight_stream *s, qv_schema **out, qv_error *err) {
  *out = NULL;
  QV_RETURN_IF_ERROR(check_can_read(s, err));
  while (!s->core.have_schema) {
    got_kind got;
    qv_flight_chunk c;
    QV_RETURN_IF_ERROR(recv_one(s, &got, &c, err));
    if (got == GOT_END) return qv_error_set(err, QV_ERR_TRUNCATED, "flight stream: ended before its Schema message");
    if (got == GOT_CHUNK) QV_RETURN_IF_ERROR(queue_chunk(s, &c, err));
  }
  *out = s->core.schema.schema;
  return QV_OK;
}

const qv_flight_descriptor *qv_flight_stream_descriptor(qv_flight_stream *s) {
  if (!s->first_received && !s->ended) {
    got_kind got;
    qv_flight_chunk c;
    if (recv_one(s, &got, &c, NULL) == QV_OK && got == GOT_CHUNK && queue_chunk(s, &c, NULL) != QV_OK) return NULL;
  }
  return s->has_peer_desc ? &s->peer_desc : NULL;
}

qv_status qv_flight_stream_next(qv_flight_stream *s, qv_flight_chunk *chunk, bool *end, qv_error *err) {
  memset(chunk, 0, sizeof *chunk);
  *end = false;
  QV_RETURN_IF_ERROR(check_can_read(s, err));
  if (s->has_queued) {
    *chunk = s->queued;
    memset(&s->queued, 0, sizeof s->queued);
    s->has_queued = false;
    return QV_OK;
  }
  for (;;) {
    got_kind got;
    QV_RETURN_IF_ERROR(recv_one(s, &got, chunk, err));
    if (got == GOT_END) {
      *end = true;
      return QV_OK;
    }
    if (got == GOT_CHUNK) return QV_OK;
  }
}

qv_status qv_flight_stream_read_all(qv_flight_stream *s, qv_table **out, qv_error *err) {
  *out = NULL;
  qv_schema *schema = NULL;
  QV_RETURN_IF_ERROR(qv_flight_stream_schema(s, &schema, err));
  qv_batch **batches = NULL;
  size_t n = 0, cap = 0;
  qv_status st = QV_OK;
  for (;;) {
    qv_flight_chunk c;
    bool end;
    QV_GOTO_IF_ERROR(st, qv_flight_stream_next(s, &c, &end, err), done);
    if (end) break;
    qv_flight_bytes_clear(&c.app_metadata);
    if (c.batch == NULL) continue;
    if (n == cap) {
      size_t nc = cap ? cap * 2 : 16;
      qv_batch **nb = (qv_batch **)realloc(batches, nc * sizeof *nb);
      if (nb == NULL) {
        qv_batch_release(c.batch);
        QV_FAIL_GOTO(st, done, err, QV_ERR_NO_MEMORY, "out of memory (%s:%d)", __FILE__, __LINE__);
      }
      batches = nb;
      cap = nc;
    }
    batches[n++] = c.batch;
  }
  st = qv_table_new(schema, batches, (int64_t)n, out, err);
done:
  for (size_t i = 0; i < n; i++) qv_batch_release(batches[i]);
  free(batches);
  return st;
}

/* A drained FlightData whose body waits on the link: take it (which
 * acknowledges it), or the sender would wait for that acknowledgement
 * instead of sending its status. On any trouble the link is dropped: the
 * sender then fails its next body at once rather than waiting. */
static void drop_link_body(qv_flight_stream *s, grpc_byte_buffer *bb) {
  qv__flight_data fd;
  if (qv__flight_data_decode(bb, s->pool, &fd, NULL) != QV_OK) {
    drop_link_in(s);
    return;
  }
  qv_ipc_message msg;
  if (fd.header_len > 0 && fd.body == NULL) {
    qv_buffer *body = NULL;
    if (qv__ipc_message_decode(fd.header, fd.header_len, &msg, NULL) != QV_OK ||
        (msg.body_length > 0 && qv__shm_link_recv_body(s->shm_in, msg.body_length, &body, NULL) != QV_OK))
      drop_link_in(s);
    if (body) {
      s->stats.bodies_shm_received++;
      s->stats.body_bytes_shm += msg.body_length;
    }
    qv_buffer_release(body);
  }
  qv__flight_data_clear(&fd);
}

qv_status qv_flight_stream_finish(qv_flight_stream *s, qv_error *err) {
  if (!s->client) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "flight stream: finish is for client streams");
  if (s->rpc->finished) return QV_OK;
  qv_status st = QV_OK;
  if (!s->done_writing && s->kind != QV__STREAM_GET) st = qv_flight_stream_done_writing(s, err);
  /* drain what the server still sends, so that its status can arrive */
  while (st == QV_OK && !s->ended) {
    grpc_byte_buffer *bb = NULL;
    qv_error drain_err;
    if (qv__rpc_recv(s->rpc, &bb, &drain_err) != QV_OK) break;
    if (bb == NULL) break;
    if (s->shm_in) drop_link_body(s, bb);
    grpc_byte_buffer_destroy(bb);
  }
  s->ended = true;
  qv_status fin = qv__rpc_client_finish(s->rpc, st == QV_OK ? err : NULL);
  return st != QV_OK ? st : fin;
}
