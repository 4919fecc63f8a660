/* quiver Flight: the server.
 *
 * A fixed pool of worker threads, each with its own completion queue
 * registered with the gRPC server, in a leader/followers pattern: one
 * worker at a time (the leader) asks gRPC for the next call on its queue;
 * when one arrives it hands the leadership to an idle follower and serves
 * the call to the end on its own thread and queue (the handler runs
 * synchronously, rpc.c), sends the status, and goes back to following. So
 * `threads` calls run at once, further clients wait in gRPC's queue, and
 * at most one idle thread waits inside gRPC. Why not every idle worker
 * asking for calls at once: every thread waiting inside gRPC takes part in
 * polling, and seven idle pollers kept taking the I/O of the one busy call
 * and handing each completion over to its thread (a thread switch per
 * message; DoGet throughput halved on loopback, measured). Authentication is checked before a
 * handler runs: with a token configured every RPC but Handshake must carry
 * "authorization: Bearer <token>", else UNAUTHENTICATED; Handshake answers
 * a correct "authorization: Basic ..." with that bearer token in its
 * headers. Shutdown stops accepting, cancels running calls (their ops fail,
 * so handlers return), and joins the workers.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <grpc/grpc_security.h>
#include <grpc/support/alloc.h>

#include "core/internal.h"
#include "flight/internal.h"

typedef struct worker {
  struct qv_flight_server *server;
  grpc_completion_queue *cq;
  pthread_t thread;
  bool started;
} worker;

struct qv_flight_server {
  grpc_server *server;
  qv_flight_handlers h;
  char *token, *basic_user, *basic_password;
  qv_ipc_read_options ro;
  int port;
  int n_workers;
  worker *workers;
  grpc_completion_queue *shutdown_cq;
  pthread_mutex_t q_lock;    /* guards have_leader, stopping */
  pthread_cond_t q_leaderless; /* the leader took a call, or stopping */
  bool have_leader;          /* a worker is asking gRPC for the next call */
  bool stopping;
  pthread_mutex_t lock; /* guards shut_down, totals */
  qv_flight_stream_stats totals; /* of every data stream served */
  qv__shm_listener *shm;         /* grpc+unix: the memfd side socket, or NULL */
  qv__body_pool *pool;           /* memory for copied DoPut/DoExchange bodies (NULL: plain) */
  bool running; /* grpc_server_start was called */
  bool shut_down;
};

struct qv_flight_call {
  qv_flight_server *server;
  qv__rpc *rpc;
  grpc_call_details *details;
  grpc_metadata_array *md;
  char *peer;
};

const char *qv_flight_call_header(const qv_flight_call *call, const char *key, size_t *len) {
  for (size_t i = 0; i < call->md->count; i++) {
    const grpc_metadata *m = &call->md->metadata[i];
    if (grpc_slice_str_cmp(m->key, key) == 0) {
      if (len) *len = GRPC_SLICE_LENGTH(m->value);
      return (const char *)GRPC_SLICE_START_PTR(m->value);
    }
  }
  if (len) *len = 0;
  return NULL;
}

const char *qv_flight_call_peer(const qv_flight_call *call) { return call->peer ? call->peer : ""; }

bool qv_flight_call_cancelled(qv_flight_call *call) { return qv__rpc_server_cancelled(call->rpc); }

/* ---- one call ---- */

typedef struct served {
  qv__rpc rpc;
  qv_flight_call call;
  qv_error err;
  grpc_status_code code;
} served;

static bool fail(served *sv, grpc_status_code code, const char *fmt, const char *arg) {
  sv->code = code;
  /* the message may already be in sv->err (a callee's): keep it as it is */
  if (arg != sv->err.message) snprintf(sv->err.message, sizeof sv->err.message, fmt, arg);
  return false;
}

static bool handler_result(served *sv, qv_status st) {
  if (st == QV_OK) return true;
  sv->code = qv__flight_status_to_grpc(st);
  return false;
}

/* Reads the single request message of a unary-request RPC. */
static bool recv_request(served *sv, const ProtobufCMessageDescriptor *desc, ProtobufCMessage **out) {
  grpc_byte_buffer *bb = NULL;
  if (qv__rpc_recv(&sv->rpc, &bb, &sv->err) != QV_OK) return fail(sv, GRPC_STATUS_CANCELLED, "%s", sv->err.message);
  if (bb == NULL) return fail(sv, GRPC_STATUS_INVALID_ARGUMENT, "the %s request message is missing", desc->short_name);
  qv_status st = qv__pb_unpack(desc, bb, out, &sv->err);
  grpc_byte_buffer_destroy(bb);
  if (st != QV_OK) return fail(sv, GRPC_STATUS_INVALID_ARGUMENT, "%s", sv->err.message);
  return true;
}

static bool send_pb(served *sv, const ProtobufCMessage *m) {
  grpc_byte_buffer *bb = NULL;
  if (qv__pb_pack(m, &bb, &sv->err) != QV_OK) return fail(sv, GRPC_STATUS_INTERNAL, "%s", sv->err.message);
  if (qv__rpc_send(&sv->rpc, bb, &sv->err) != QV_OK) return fail(sv, GRPC_STATUS_CANCELLED, "%s", sv->err.message);
  return true;
}

static bool recv_descriptor(served *sv, qv_flight_descriptor *d) {
  ProtobufCMessage *m = NULL;
  if (!recv_request(sv, &arrow__flight__protocol__flight_descriptor__descriptor, &m)) return false;
  qv_status st = qv__descriptor_from_pb((const Arrow__Flight__Protocol__FlightDescriptor *)m, d, &sv->err);
  protobuf_c_message_free_unpacked(m, NULL);
  if (st != QV_OK) return fail(sv, GRPC_STATUS_INTERNAL, "%s", sv->err.message);
  return true;
}

#define NEED_HANDLER(sv, fn, name)                                                            \
  do {                                                                                        \
    if ((sv)->call.server->h.fn == NULL)                                                      \
      return fail((sv), GRPC_STATUS_UNIMPLEMENTED, "%s is not implemented by this server", name); \
  } while (0)

static bool serve_list_flights(served *sv) {
  NEED_HANDLER(sv, list_flights, "ListFlights");
  qv_flight_server *s = sv->call.server;
  ProtobufCMessage *m = NULL;
  if (!recv_request(sv, &arrow__flight__protocol__criteria__descriptor, &m)) return false;
  const Arrow__Flight__Protocol__Criteria *cr = (const Arrow__Flight__Protocol__Criteria *)m;
  qv_flight_bytes criteria = {cr->expression.data, cr->expression.len};
  qv_flight_info *infos = NULL;
  size_t n = 0;
  bool ok = handler_result(sv, s->h.list_flights(s->h.ctx, &sv->call, &criteria, &infos, &n, &sv->err));
  protobuf_c_message_free_unpacked(m, NULL);
  for (size_t i = 0; ok && i < n; i++) {
    grpc_byte_buffer *bb = NULL;
    if (qv__info_pack(&infos[i], &bb, &sv->err) != QV_OK) ok = fail(sv, GRPC_STATUS_INTERNAL, "%s", sv->err.message);
    else if (qv__rpc_send(&sv->rpc, bb, &sv->err) != QV_OK) ok = fail(sv, GRPC_STATUS_CANCELLED, "%s", sv->err.message);
  }
  qv_flight_info_array_free(infos, n);
  return ok;
}

static bool serve_get_flight_info(served *sv, bool poll) {
  qv_flight_server *s = sv->call.server;
  if (poll) NEED_HANDLER(sv, poll_flight_info, "PollFlightInfo");
  else NEED_HANDLER(sv, get_flight_info, "GetFlightInfo");
  qv_flight_descriptor d;
  if (!recv_descriptor(sv, &d)) return false;
  bool ok;
  grpc_byte_buffer *bb = NULL;
  qv_status st;
  if (poll) {
    qv_flight_poll_info p;
    memset(&p, 0, sizeof p);
    qv_flight_info_init(&p.info);
    ok = handler_result(sv, s->h.poll_flight_info(s->h.ctx, &sv->call, &d, &p, &sv->err));
    st = ok ? qv__poll_pack(&p, &bb, &sv->err) : QV_OK;
    qv_flight_poll_info_clear(&p);
  } else {
    qv_flight_info info;
    qv_flight_info_init(&info);
    ok = handler_result(sv, s->h.get_flight_info(s->h.ctx, &sv->call, &d, &info, &sv->err));
    st = ok ? qv__info_pack(&info, &bb, &sv->err) : QV_OK;
    qv_flight_info_clear(&info);
  }
  qv_flight_descriptor_clear(&d);
  if (!ok) return false;
  if (st != QV_OK) return fail(sv, GRPC_STATUS_INTERNAL, "%s", sv->err.message);
  if (qv__rpc_send(&sv->rpc, bb, &sv->err) != QV_OK) return fail(sv, GRPC_STATUS_CANCELLED, "%s", sv->err.message);
  return true;
}

static bool serve_get_schema(served *sv) {
  NEED_HANDLER(sv, get_schema, "GetSchema");
  qv_flight_server *s = sv->call.server;
  qv_flight_descriptor d;
  if (!recv_descriptor(sv, &d)) return false;
  qv_schema *schema = NULL;
  bool ok = handler_result(sv, s->h.get_schema(s->h.ctx, &sv->call, &d, &schema, &sv->err));
  qv_flight_descriptor_clear(&d);
  uint8_t *bytes = NULL;
  size_t n = 0;
  if (ok && schema == NULL) ok = fail(sv, GRPC_STATUS_INTERNAL, "%s", "the GetSchema handler returned no schema");
  if (ok && qv__schema_serialize(schema, &bytes, &n, &sv->err) != QV_OK)
    ok = fail(sv, GRPC_STATUS_INTERNAL, "%s", sv->err.message);
  qv_schema_release(schema);
  if (ok) {
    Arrow__Flight__Protocol__SchemaResult sr;
    arrow__flight__protocol__schema_result__init(&sr);
    sr.schema.data = bytes;
    sr.schema.len = n;
    ok = send_pb(sv, &sr.base);
  }
  free(bytes);
  return ok;
}

static void add_server_stats(void *ctx, const qv_flight_stream_stats *st) {
  qv_flight_server *s = (qv_flight_server *)ctx;
  pthread_mutex_lock(&s->lock);
  qv__stats_add(&s->totals, st);
  pthread_mutex_unlock(&s->lock);
}

void qv_flight_server_get_stats(qv_flight_server *s, qv_flight_stream_stats *out) {
  pthread_mutex_lock(&s->lock);
  *out = s->totals;
  pthread_mutex_unlock(&s->lock);
}

/* A grpc+unix client that opened a memfd link names it in x-quiver-shm
 * (DoExchange: two links, "up,down"): claim it and answer "on" (or "off" without one) in the initial
 * metadata, sent now: a DoPut client waits for it before its first batch. */
static void negotiate_shm(served *sv, qv_flight_stream *st, qv__stream_kind st_kind) {
  qv_flight_server *s = sv->call.server;
  qv__stream_set_stats_sink(st, add_server_stats, s);
  qv__stream_set_pool(st, s->pool);
  size_t n = 0;
  const char *nonce = qv_flight_call_header(&sv->call, QV__SHM_HEADER, &n);
  if (nonce == NULL) return;
  /* DoExchange: "up,down", a link each way; the others: one nonce */
  const char *comma = memchr(nonce, ',', n);
  bool exchange = st_kind == QV__STREAM_EXCHANGE;
  qv__shm_link *link = NULL, *down = NULL;
  if (exchange && comma) {
    link = qv__shm_listener_claim(s->shm, nonce, (size_t)(comma - nonce));
    down = link ? qv__shm_listener_claim(s->shm, comma + 1, n - (size_t)(comma - nonce) - 1) : NULL;
    if (down == NULL) {
      qv__shm_link_free(link);
      link = NULL;
    }
  } else if (!exchange && comma == NULL) {
    link = qv__shm_listener_claim(s->shm, nonce, n);
  }
  grpc_metadata md;
  memset(&md, 0, sizeof md);
  md.key = grpc_slice_from_static_string(QV__SHM_HEADER);
  md.value = grpc_slice_from_static_string(link ? "on" : "off");
  sv->rpc.extra_initial_md = &md;
  sv->rpc.n_extra_initial_md = 1;
  qv_error ignored;
  if (qv__rpc_server_send_initial_md(&sv->rpc, &ignored) != QV_OK) {
    qv__shm_link_free(link); /* the call broke: its next op says so */
    qv__shm_link_free(down);
    link = down = NULL;
  }
  sv->rpc.extra_initial_md = NULL;
  sv->rpc.n_extra_initial_md = 0;
  if (exchange) qv__stream_set_shm_pair(st, down, link); /* the server sends down, receives up */
  else qv__stream_set_shm(st, link);
}

static bool serve_do_get(served *sv) {
  NEED_HANDLER(sv, do_get, "DoGet");
  qv_flight_server *s = sv->call.server;
  ProtobufCMessage *m = NULL;
  if (!recv_request(sv, &arrow__flight__protocol__ticket__descriptor, &m)) return false;
  const Arrow__Flight__Protocol__Ticket *t = (const Arrow__Flight__Protocol__Ticket *)m;
  qv_flight_bytes ticket = {t->ticket.data, t->ticket.len};
  qv_flight_stream *st = NULL;
  bool ok = handler_result(sv, qv__stream_new(&sv->rpc, false, false, QV__STREAM_GET, &s->ro, &st, &sv->err));
  if (ok) negotiate_shm(sv, st, QV__STREAM_GET);
  if (ok) ok = handler_result(sv, s->h.do_get(s->h.ctx, &sv->call, &ticket, st, &sv->err));
  qv__stream_free_server(st);
  protobuf_c_message_free_unpacked(m, NULL);
  return ok;
}

static bool serve_data_stream(served *sv, qv__stream_kind kind) {
  qv_flight_server *s = sv->call.server;
  if (kind == QV__STREAM_PUT) NEED_HANDLER(sv, do_put, "DoPut");
  else NEED_HANDLER(sv, do_exchange, "DoExchange");
  qv_flight_stream *st = NULL;
  bool ok = handler_result(sv, qv__stream_new(&sv->rpc, false, false, kind, &s->ro, &st, &sv->err));
  if (ok) negotiate_shm(sv, st, kind);
  if (ok && kind == QV__STREAM_PUT) ok = handler_result(sv, s->h.do_put(s->h.ctx, &sv->call, st, &sv->err));
  if (ok && kind == QV__STREAM_EXCHANGE) ok = handler_result(sv, s->h.do_exchange(s->h.ctx, &sv->call, st, &sv->err));
  qv__stream_free_server(st);
  return ok;
}

static bool serve_do_action(served *sv) {
  NEED_HANDLER(sv, do_action, "DoAction");
  qv_flight_server *s = sv->call.server;
  ProtobufCMessage *m = NULL;
  if (!recv_request(sv, &arrow__flight__protocol__action__descriptor, &m)) return false;
  const Arrow__Flight__Protocol__Action *a = (const Arrow__Flight__Protocol__Action *)m;
  qv_flight_bytes body = {a->body.data, a->body.len};
  qv_flight_bytes *results = NULL;
  size_t n = 0;
  bool ok = handler_result(sv, s->h.do_action(s->h.ctx, &sv->call, a->type ? a->type : "", &body, &results, &n, &sv->err));
  protobuf_c_message_free_unpacked(m, NULL);
  for (size_t i = 0; ok && i < n; i++) {
    Arrow__Flight__Protocol__Result r;
    arrow__flight__protocol__result__init(&r);
    r.body.data = results[i].data;
    r.body.len = results[i].len;
    ok = send_pb(sv, &r.base);
  }
  qv_flight_bytes_array_free(results, n);
  return ok;
}

static bool serve_list_actions(served *sv) {
  NEED_HANDLER(sv, list_actions, "ListActions");
  qv_flight_server *s = sv->call.server;
  ProtobufCMessage *m = NULL;
  if (!recv_request(sv, &arrow__flight__protocol__empty__descriptor, &m)) return false;
  protobuf_c_message_free_unpacked(m, NULL);
  qv_flight_action_type *types = NULL;
  size_t n = 0;
  bool ok = handler_result(sv, s->h.list_actions(s->h.ctx, &sv->call, &types, &n, &sv->err));
  for (size_t i = 0; ok && i < n; i++) {
    Arrow__Flight__Protocol__ActionType t;
    arrow__flight__protocol__action_type__init(&t);
    t.type = types[i].type;
    t.description = types[i].description;
    ok = send_pb(sv, &t.base);
  }
  qv_flight_action_types_free(types, n);
  return ok;
}

/* "Basic base64(user:password)" against the configured credentials. */
static bool basic_matches(const qv_flight_server *s, const char *v, size_t n) {
  if (n < 6 || strncasecmp(v, "Basic ", 6) != 0 || s->basic_user == NULL) return false;
  size_t plain_len = 0;
  uint8_t *plain = qv__base64_decode(v + 6, n - 6, &plain_len);
  if (plain == NULL) return false;
  size_t ul = strlen(s->basic_user), pl = strlen(s->basic_password ? s->basic_password : "");
  bool ok = plain_len == ul + 1 + pl && memcmp(plain, s->basic_user, ul) == 0 && plain[ul] == ':' &&
            memcmp(plain + ul + 1, s->basic_password ? s->basic_password : "", pl) == 0;
  free(plain);
  return ok;
}

static bool serve_handshake(served *sv, grpc_metadata *reply_md, char **bearer) {
  qv_flight_server *s = sv->call.server;
  size_t n = 0;
  const char *auth = qv_flight_call_header(&sv->call, "authorization", &n);
  bool basic = auth && n >= 6 && strncasecmp(auth, "Basic ", 6) == 0;
  if (basic) {
    if (!basic_matches(s, auth, n) || s->token == NULL)
      return fail(sv, GRPC_STATUS_UNAUTHENTICATED, "%s", "wrong user name or password");
    size_t tl = strlen(s->token) + 8;
    *bearer = (char *)malloc(tl);
    if (*bearer == NULL) return fail(sv, GRPC_STATUS_RESOURCE_EXHAUSTED, "%s", "out of memory");
    snprintf(*bearer, tl, "Bearer %s", s->token);
    reply_md->key = grpc_slice_from_static_string("authorization");
    reply_md->value = grpc_slice_from_static_string(*bearer);
    sv->rpc.extra_initial_md = reply_md;
    sv->rpc.n_extra_initial_md = 1;
  }
  /* every request message gets a response: the handler's, or an echo */
  for (;;) {
    grpc_byte_buffer *bb = NULL;
    if (qv__rpc_recv(&sv->rpc, &bb, &sv->err) != QV_OK) return fail(sv, GRPC_STATUS_CANCELLED, "%s", sv->err.message);
    if (bb == NULL) return true;
    ProtobufCMessage *m = NULL;
    qv_status st = qv__pb_unpack(&arrow__flight__protocol__handshake_request__descriptor, bb, &m, &sv->err);
    grpc_byte_buffer_destroy(bb);
    if (st != QV_OK) return fail(sv, GRPC_STATUS_INVALID_ARGUMENT, "%s", sv->err.message);
    const Arrow__Flight__Protocol__HandshakeRequest *req = (const Arrow__Flight__Protocol__HandshakeRequest *)m;
    qv_flight_bytes in = {req->payload.data, req->payload.len}, out = {NULL, 0};
    bool ok = true;
    if (s->h.handshake && !basic)
      ok = handler_result(sv, s->h.handshake(s->h.ctx, &sv->call, &in, &out, &sv->err));
    else
      ok = handler_result(sv, qv_flight_bytes_set(&out, in.data, in.len, &sv->err));
    Arrow__Flight__Protocol__HandshakeResponse resp;
    arrow__flight__protocol__handshake_response__init(&resp);
    resp.protocol_version = req->protocol_version;
    resp.payload.data = out.data;
    resp.payload.len = out.len;
    if (ok) ok = send_pb(sv, &resp.base);
    qv_flight_bytes_clear(&out);
    protobuf_c_message_free_unpacked(m, NULL);
    if (!ok) return false;
  }
}

static bool token_ok(const qv_flight_server *s, const qv_flight_call *call) {
  if (s->token == NULL) return true;
  size_t n = 0;
  const char *v = qv_flight_call_header(call, "authorization", &n);
  size_t tl = strlen(s->token);
  return v && n == tl + 7 && strncasecmp(v, "Bearer ", 7) == 0 && memcmp(v + 7, s->token, tl) == 0;
}

static void serve_call(qv_flight_server *s, grpc_completion_queue *cq, grpc_call *call, grpc_call_details *details,
                       grpc_metadata_array *md) {
  served sv;
  memset(&sv, 0, sizeof sv);
  sv.rpc.call = call;
  sv.rpc.cq = cq;
  sv.rpc.server = true;
  grpc_metadata_array_init(&sv.rpc.initial_md);
  sv.call.server = s;
  sv.call.rpc = &sv.rpc;
  sv.call.details = details;
  sv.call.md = md;
  sv.call.peer = grpc_call_get_peer(call);
  sv.code = GRPC_STATUS_OK;
  grpc_metadata reply_md;
  memset(&reply_md, 0, sizeof reply_md);
  char *bearer = NULL;
  if (qv__rpc_server_begin(&sv.rpc, &sv.err) != QV_OK) {
    grpc_call_unref(call);
    gpr_free(sv.call.peer);
    return;
  }
  char method[96];
  size_t ml = GRPC_SLICE_LENGTH(details->method);
  size_t pl = strlen(QV__FLIGHT_SERVICE);
  method[0] = 0;
  if (ml > pl && ml - pl < sizeof method &&
      memcmp(GRPC_SLICE_START_PTR(details->method), QV__FLIGHT_SERVICE, pl) == 0) {
    memcpy(method, GRPC_SLICE_START_PTR(details->method) + pl, ml - pl);
    method[ml - pl] = 0;
  }
  if (strcmp(method, "Handshake") == 0) serve_handshake(&sv, &reply_md, &bearer);
  else if (!token_ok(s, &sv.call)) fail(&sv, GRPC_STATUS_UNAUTHENTICATED, "%s", "a valid bearer token is required");
  else if (strcmp(method, "ListFlights") == 0) serve_list_flights(&sv);
  else if (strcmp(method, "GetFlightInfo") == 0) serve_get_flight_info(&sv, false);
  else if (strcmp(method, "PollFlightInfo") == 0) serve_get_flight_info(&sv, true);
  else if (strcmp(method, "GetSchema") == 0) serve_get_schema(&sv);
  else if (strcmp(method, "DoGet") == 0) serve_do_get(&sv);
  else if (strcmp(method, "DoPut") == 0) serve_data_stream(&sv, QV__STREAM_PUT);
  else if (strcmp(method, "DoExchange") == 0) serve_data_stream(&sv, QV__STREAM_EXCHANGE);
  else if (strcmp(method, "DoAction") == 0) serve_do_action(&sv);
  else if (strcmp(method, "ListActions") == 0) serve_list_actions(&sv);
  else fail(&sv, GRPC_STATUS_UNIMPLEMENTED, "unknown method %s", method);
  qv__rpc_server_finish(&sv.rpc, sv.code, sv.code == GRPC_STATUS_OK ? "" : sv.err.message);
  qv__rpc_free(&sv.rpc);
  free(bearer);
  gpr_free(sv.call.peer);
}

static void stop_pool(qv_flight_server *s) {
  pthread_mutex_lock(&s->q_lock);
  s->stopping = true;
  pthread_cond_broadcast(&s->q_leaderless);
  pthread_mutex_unlock(&s->q_lock);
}

static void *worker_main(void *arg) {
  worker *w = (worker *)arg;
  qv_flight_server *s = w->server;
  for (;;) {
    pthread_mutex_lock(&s->q_lock);
    while (s->have_leader && !s->stopping) pthread_cond_wait(&s->q_leaderless, &s->q_lock);
    bool stopping = s->stopping;
    if (!stopping) s->have_leader = true;
    pthread_mutex_unlock(&s->q_lock);
    if (stopping) break;
    grpc_call *call = NULL;
    grpc_call_details details;
    grpc_metadata_array md;
    grpc_call_details_init(&details);
    grpc_metadata_array_init(&md);
    int tag = 0;
    bool got = false;
    if (grpc_server_request_call(s->server, &call, &details, &md, w->cq, w->cq, &tag) == GRPC_CALL_OK) {
      grpc_event ev = grpc_completion_queue_next(w->cq, gpr_inf_future(GPR_CLOCK_REALTIME), NULL);
      got = ev.type == GRPC_OP_COMPLETE && ev.success && call;
    }
    /* a follower leads from here (or, when gRPC refused, learns that the
     * server is shutting down the same way) */
    pthread_mutex_lock(&s->q_lock);
    s->have_leader = false;
    pthread_cond_signal(&s->q_leaderless);
    pthread_mutex_unlock(&s->q_lock);
    if (got) serve_call(s, w->cq, call, &details, &md);
    grpc_call_details_destroy(&details);
    grpc_metadata_array_destroy(&md);
    if (!got) break;
  }
  return NULL;
}

/* ---- lifecycle ---- */

static char *dup_or_null(const char *s) { return s ? qv__strndup(s, strlen(s)) : NULL; }

qv_status qv_flight_server_start(const char *uri, const qv_flight_handlers *handlers,
                                 const qv_flight_server_options *opts, qv_flight_server **out, qv_error *err) {
  *out = NULL;
  qv_flight_server_options o;
  memset(&o, 0, sizeof o);
  if (opts) o = *opts;
  if ((o.basic_user != NULL) && o.token == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "flight server: basic credentials need a token to hand out");
  qv__scheme scheme;
  char *target = NULL;
  QV_RETURN_IF_ERROR(qv__location_parse(uri, &scheme, &target, err));
  if (scheme == QV__SCHEME_TLS && (o.tls_cert_chain_pem == NULL || o.tls_private_key_pem == NULL)) {
    free(target);
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "flight server '%s': grpc+tls needs a certificate and a key", uri);
  }
  qv_flight_server *s = (qv_flight_server *)calloc(1, sizeof *s);
  if (s != NULL) s->pool = qv__body_pool_new(QV__BODY_POOL_CAP);
  if (s == NULL) {
    free(target);
    return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory (%s:%d)", __FILE__, __LINE__);
  }
  qv__flight_init();
  pthread_mutex_init(&s->lock, NULL);
  pthread_mutex_init(&s->q_lock, NULL);
  pthread_cond_init(&s->q_leaderless, NULL);
  if (handlers) s->h = *handlers;
  s->ro = o.read;
  s->token = dup_or_null(o.token);
  s->basic_user = dup_or_null(o.basic_user);
  s->basic_password = dup_or_null(o.basic_password);
  s->n_workers = o.threads > 0 ? o.threads : 8;
  s->workers = (worker *)calloc((size_t)s->n_workers, sizeof *s->workers);
  qv_status st = QV_OK;
  if (s->workers == NULL || (o.token && !s->token) || (o.basic_user && !s->basic_user) ||
      (o.basic_password && !s->basic_password)) {
    st = qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory (%s:%d)", __FILE__, __LINE__);
    goto fail;
  }
  /* gRPC binds with SO_REUSEPORT by default, so a second server on a port
   * in use would silently share it: refuse instead */
  grpc_arg args[8];
  args[2].type = GRPC_ARG_INTEGER;
  args[2].key = (char *)GRPC_ARG_ALLOW_REUSEPORT;
  args[2].value.integer = 0;
  args[0].type = GRPC_ARG_INTEGER;
  args[0].key = (char *)GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH;
  args[0].value.integer = -1;
  args[1].type = GRPC_ARG_INTEGER;
  args[1].key = (char *)GRPC_ARG_MAX_SEND_MESSAGE_LENGTH;
  args[1].value.integer = -1;
  grpc_channel_args ca = {3 + qv__flight_tuning_args(args + 3), args};
  s->server = grpc_server_create(&ca, NULL);
  for (int i = 0; i < s->n_workers; i++) {
    s->workers[i].server = s;
    s->workers[i].cq = grpc_completion_queue_create_for_next(NULL);
    grpc_server_register_completion_queue(s->server, s->workers[i].cq, NULL);
  }
  s->shutdown_cq = grpc_completion_queue_create_for_next(NULL);
  grpc_server_register_completion_queue(s->server, s->shutdown_cq, NULL);
  grpc_server_credentials *creds;
  if (scheme == QV__SCHEME_TLS) {
    grpc_ssl_pem_key_cert_pair pair = {o.tls_private_key_pem, o.tls_cert_chain_pem};
    creds = grpc_ssl_server_credentials_create_ex(
        o.tls_client_roots_pem, &pair, 1,
        o.tls_client_roots_pem ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
                               : GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE,
        NULL);
  } else {
    creds = grpc_insecure_server_credentials_create();
  }
  int port = grpc_server_add_http2_port(s->server, target, creds);
  grpc_server_credentials_release(creds);
  if (port == 0) {
    st = qv_error_set(err, QV_ERR_IO, "flight server: could not listen on '%s' (address in use or not local?)", uri);
    goto fail;
  }
  s->port = scheme == QV__SCHEME_UNIX ? 0 : port;
  /* after the gRPC socket is bound, so that PATH.qvshm never outlives a
   * server that failed to start */
  if (scheme == QV__SCHEME_UNIX && !o.disable_shm) s->shm = qv__shm_listener_start(target + 5);
  grpc_server_start(s->server);
  s->running = true;
  for (int i = 0; i < s->n_workers; i++) {
    if (pthread_create(&s->workers[i].thread, NULL, worker_main, &s->workers[i]) != 0) {
      qv_flight_server_free(s);
      free(target);
      return qv_error_set(err, QV_ERR_IO, "flight server: could not start worker thread %d", i);
    }
    s->workers[i].started = true;
  }

  free(target);
  *out = s;
  return QV_OK;
fail:
  free(target);
  qv_flight_server_free(s);
  return st;
}

int qv_flight_server_port(const qv_flight_server *s) { return s->port; }

void qv_flight_server_shutdown(qv_flight_server *s) {
  if (s == NULL) return;
  pthread_mutex_lock(&s->lock);
  bool already = s->shut_down;
  s->shut_down = true;
  pthread_mutex_unlock(&s->lock);
  if (already || s->server == NULL || !s->running) return;
  int tag = 0;
  grpc_server_shutdown_and_notify(s->server, s->shutdown_cq, &tag);
  grpc_server_cancel_all_calls(s->server);
  for (;;) {
    grpc_event ev = grpc_completion_queue_next(s->shutdown_cq, gpr_inf_future(GPR_CLOCK_REALTIME), NULL);
    if (ev.type != GRPC_OP_COMPLETE || ev.tag == &tag) break;
  }
  stop_pool(s);
  for (int i = 0; i < s->n_workers; i++)
    if (s->workers[i].started) {
      pthread_join(s->workers[i].thread, NULL);
      s->workers[i].started = false;
    }
  qv__shm_listener_stop(s->shm);
  s->shm = NULL;
}

static void drain_destroy(grpc_completion_queue *cq) {
  if (cq == NULL) return;
  grpc_completion_queue_shutdown(cq);
  while (grpc_completion_queue_next(cq, gpr_inf_future(GPR_CLOCK_REALTIME), NULL).type != GRPC_QUEUE_SHUTDOWN) {
  }
  grpc_completion_queue_destroy(cq);
}

void qv_flight_server_free(qv_flight_server *s) {
  if (s == NULL) return;
  if (s->server) {
    qv_flight_server_shutdown(s);
    grpc_server_destroy(s->server);
  }
  qv__shm_listener_stop(s->shm); /* started, but the server never ran */
  qv__body_pool_close(s->pool);
  for (int i = 0; s->workers && i < s->n_workers; i++) drain_destroy(s->workers[i].cq);
  drain_destroy(s->shutdown_cq);
  free(s->workers);
  free(s->token);
  free(s->basic_user);
  free(s->basic_password);
  pthread_mutex_destroy(&s->lock);
  pthread_mutex_destroy(&s->q_lock);
  pthread_cond_destroy(&s->q_leaderless);
  free(s);
  grpc_shutdown();
}
