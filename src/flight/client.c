/* quiver Flight: the client. One gRPC channel per client; each RPC creates
 * its call with its own completion queue (rpc.c) and the client's headers
 * (the bearer token). Unary and server-streaming RPCs run to completion
 * here; DoGet, DoPut and DoExchange hand back a qv_flight_stream. When a
 * call breaks, the error reported is the server's status (which says why),
 * not the transport's "cancelled".
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <grpc/grpc_security.h>
#include <grpc/support/time.h>

#include "core/internal.h"
#include "flight/internal.h"

struct qv_flight_client {
  grpc_channel *channel;
  pthread_mutex_t lock; /* guards token */
  char *token;
  int64_t timeout_ms;
  qv_ipc_read_options ro;
  char *shm_socket;             /* grpc+unix with shm allowed: the server's socket path, else NULL */
  pthread_mutex_t stats_lock;   /* guards totals */
  qv_flight_stream_stats totals; /* of every stream freed */
  qv__body_pool *pool;           /* memory for copied bodies (NULL: plain allocation) */
};

qv_status qv_flight_client_connect(const char *uri, const qv_flight_client_options *opts, qv_flight_client **out,
                                   qv_error *err) {
  *out = NULL;
  qv_flight_client_options o;
  memset(&o, 0, sizeof o);
  if (opts) o = *opts;
  qv__scheme scheme;
  char *target = NULL;
  QV_RETURN_IF_ERROR(qv__location_parse(uri, &scheme, &target, err));
  qv_flight_client *c = (qv_flight_client *)calloc(1, sizeof *c);
  if (c == NULL) {
    free(target);
    return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory (%s:%d)", __FILE__, __LINE__);
  }
  pthread_mutex_init(&c->lock, NULL);
  pthread_mutex_init(&c->stats_lock, NULL);
  c->timeout_ms = o.timeout_ms;
  if (scheme == QV__SCHEME_UNIX && !o.disable_shm) {
    c->shm_socket = qv__strndup(target + 5, strlen(target + 5)); /* "unix:/path" */
    if (c->shm_socket == NULL) {
      free(target);
      qv_flight_client_free(c);
      return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory (%s:%d)", __FILE__, __LINE__);
    }
  }
  c->ro = o.read;
  if (o.token) {
    c->token = qv__strndup(o.token, strlen(o.token));
    if (c->token == NULL) {
      free(target);
      qv_flight_client_free(c); /* also the shm socket path and the locks */
      return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory (%s:%d)", __FILE__, __LINE__);
    }
  }
  qv__flight_init();
  c->pool = qv__body_pool_new(QV__BODY_POOL_CAP);
  grpc_channel_credentials *creds;
  if (scheme == QV__SCHEME_TLS) {
    grpc_ssl_pem_key_cert_pair pair = {o.tls_private_key_pem, o.tls_cert_chain_pem};
    creds = grpc_ssl_credentials_create(o.tls_root_certs_pem, o.tls_cert_chain_pem ? &pair : NULL, NULL, NULL);
  } else {
    creds = grpc_insecure_credentials_create();
  }
  grpc_arg args[8];
  size_t n_args = 0;
  n_args += qv__flight_tuning_args(args);
  args[n_args].type = GRPC_ARG_INTEGER;
  args[n_args].key = (char *)GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH;
  args[n_args++].value.integer = -1;
  args[n_args].type = GRPC_ARG_INTEGER;
  args[n_args].key = (char *)GRPC_ARG_MAX_SEND_MESSAGE_LENGTH;
  args[n_args++].value.integer = -1;
  if (scheme == QV__SCHEME_TLS && o.tls_override_hostname) {
    args[n_args].type = GRPC_ARG_STRING;
    args[n_args].key = (char *)GRPC_SSL_TARGET_NAME_OVERRIDE_ARG;
    args[n_args++].value.string = (char *)o.tls_override_hostname;
  }
  grpc_channel_args ca = {n_args, args};
  c->channel = grpc_channel_create(target, creds, &ca);
  grpc_channel_credentials_release(creds);
  free(target);
  if (c->channel == NULL) {
    qv_flight_client_free(c);
    return qv_error_set(err, QV_ERR_IO, "flight: could not create a channel to '%s'", uri);
  }
  *out = c;
  return QV_OK;
}

void qv_flight_client_free(qv_flight_client *c) {
  if (c == NULL) return;
  if (c->channel) grpc_channel_destroy(c->channel);
  free(c->token);
  free(c->shm_socket);
  qv__body_pool_close(c->pool);
  pthread_mutex_destroy(&c->lock);
  pthread_mutex_destroy(&c->stats_lock);
  free(c);
  grpc_shutdown();
}

static void add_client_stats(void *ctx, const qv_flight_stream_stats *st) {
  qv_flight_client *c = (qv_flight_client *)ctx;
  pthread_mutex_lock(&c->stats_lock);
  qv__stats_add(&c->totals, st);
  pthread_mutex_unlock(&c->stats_lock);
}

void qv_flight_client_get_stats(qv_flight_client *c, qv_flight_stream_stats *out) {
  pthread_mutex_lock(&c->stats_lock);
  *out = c->totals;
  pthread_mutex_unlock(&c->stats_lock);
}

/* ---- calls ---- */

static qv_status start_call(qv_flight_client *c, const char *method, qv__rpc **out, qv_error *err) {
  *out = NULL;
  qv__rpc *r = (qv__rpc *)calloc(1, sizeof *r);
  QV_CHECK_ALLOC(r, err);
  grpc_metadata_array_init(&r->initial_md);
  r->cq = grpc_completion_queue_create_for_next(NULL);
  r->owns_cq = true;
  char path[128];
  snprintf(path, sizeof path, "%s%s", QV__FLIGHT_SERVICE, method);
  grpc_slice ps = grpc_slice_from_copied_string(path);
  gpr_timespec deadline = gpr_inf_future(GPR_CLOCK_REALTIME);
  if (c->timeout_ms > 0)
    deadline = gpr_time_add(gpr_now(GPR_CLOCK_MONOTONIC), gpr_time_from_millis(c->timeout_ms, GPR_TIMESPAN));
  r->call = grpc_channel_create_call(c->channel, NULL, GRPC_PROPAGATE_DEFAULTS, r->cq, ps, NULL, deadline, NULL);
  grpc_slice_unref(ps);
  if (r->call == NULL) {
    qv__rpc_free(r);
    free(r);
    return qv_error_set(err, QV_ERR_IO, "flight %s: could not create the call", method);
  }
  *out = r;
  return QV_OK;
}

static void end_call(qv__rpc *r) {
  if (r == NULL) return;
  qv__rpc_free(r);
  free(r);
}

/* Sends the headers (token, or `auth_value` as the authorization header),
 * then the request message if any, then half-closes if asked. Takes bb. */
static qv_status send_request_shm(qv_flight_client *c, qv__rpc *r, const char *auth_value, const char *shm_nonce,
                                  grpc_byte_buffer *bb, bool close, qv_error *err);

static qv_status send_request(qv_flight_client *c, qv__rpc *r, const char *auth_value, grpc_byte_buffer *bb,
                              bool close, qv_error *err) {
  return send_request_shm(c, r, auth_value, NULL, bb, close, err);
}

/* The same, with the x-quiver-shm header when shm_nonce is not NULL. */
static qv_status send_request_shm(qv_flight_client *c, qv__rpc *r, const char *auth_value, const char *shm_nonce,
                                  grpc_byte_buffer *bb, bool close, qv_error *err) {
  char *value = NULL;
  if (auth_value == NULL) {
    pthread_mutex_lock(&c->lock);
    if (c->token) {
      size_t n = strlen(c->token) + 8;
      value = (char *)malloc(n);
      if (value) snprintf(value, n, "Bearer %s", c->token);
    }
    pthread_mutex_unlock(&c->lock);
  } else {
    value = qv__strndup(auth_value, strlen(auth_value));
  }
  grpc_metadata md[2];
  memset(md, 0, sizeof md);
  size_t n_md = 0;
  if (value) {
    md[n_md].key = grpc_slice_from_static_string("authorization");
    md[n_md++].value = grpc_slice_from_copied_string(value);
  }
  if (shm_nonce) {
    md[n_md].key = grpc_slice_from_static_string(QV__SHM_HEADER);
    md[n_md++].value = grpc_slice_from_copied_string(shm_nonce);
  }
  grpc_op ops[3];
  memset(ops, 0, sizeof ops);
  size_t n = 0;
  ops[n].op = GRPC_OP_SEND_INITIAL_METADATA;
  ops[n].data.send_initial_metadata.count = n_md;
  ops[n].data.send_initial_metadata.metadata = n_md ? md : NULL;
  n++;
  if (bb) {
    ops[n].op = GRPC_OP_SEND_MESSAGE;
    ops[n].data.send_message.send_message = bb;
    n++;
  }
  if (close) {
    ops[n].op = GRPC_OP_SEND_CLOSE_FROM_CLIENT;
    n++;
    r->half_closed = true;
  }
  qv_status st = qv__rpc_run(r, ops, n, "send the request", err);
  if (bb) grpc_byte_buffer_destroy(bb);
  for (size_t i = 0; i < n_md; i++) grpc_slice_unref(md[i].value);
  free(value);
  return st;
}

/* After a failure inside a call: the server's status explains it better. */
static qv_status fail_with_status(qv__rpc *r, qv_status st, const char *method, qv_error *err) {
  qv_error status_err;
  qv_error_clear(&status_err);
  qv_status fin = qv__rpc_client_finish(r, &status_err);
  if (fin != QV_OK) {
    if (err) *err = status_err;
    st = fin;
  }
  qv_error_prefix(err, "flight %s: ", method);
  return st;
}

static qv_status finish_call(qv__rpc *r, const char *method, qv_error *err) {
  qv_status st = qv__rpc_client_finish(r, err);
  if (st != QV_OK) qv_error_prefix(err, "flight %s: ", method);
  return st;
}

/* Server-streaming RPC: on_message takes each response (and frees it). */
typedef qv_status (*on_message_fn)(void *ctx, grpc_byte_buffer *bb, qv_error *err);

static qv_status call_streaming(qv_flight_client *c, const char *method, grpc_byte_buffer *request,
                                on_message_fn on_message, void *ctx, qv_error *err) {
  qv__rpc *r = NULL;
  qv_status st = start_call(c, method, &r, err);
  if (st != QV_OK) {
    grpc_byte_buffer_destroy(request);
    return st;
  }
  st = send_request(c, r, NULL, request, true, err);
  while (st == QV_OK) {
    grpc_byte_buffer *bb = NULL;
    st = qv__rpc_recv(r, &bb, err);
    if (st != QV_OK || bb == NULL) break;
    st = on_message(ctx, bb, err);
    grpc_byte_buffer_destroy(bb);
    if (st != QV_OK) {
      qv_error_prefix(err, "flight %s: ", method);
      end_call(r);
      return st;
    }
  }
  st = st == QV_OK ? finish_call(r, method, err) : fail_with_status(r, st, method, err);
  end_call(r);
  return st;
}

static qv_status keep_one(void *ctx, grpc_byte_buffer *bb, qv_error *err) {
  grpc_byte_buffer **slot = (grpc_byte_buffer **)ctx;
  if (*slot) return qv_error_set(err, QV_ERR_INVALID_DATA, "a unary call answered with several messages");
  *slot = grpc_byte_buffer_copy(bb);
  return QV_OK;
}

static qv_status call_unary(qv_flight_client *c, const char *method, grpc_byte_buffer *request,
                            grpc_byte_buffer **response, qv_error *err) {
  *response = NULL;
  qv_status st = call_streaming(c, method, request, keep_one, response, err);
  if (st == QV_OK && *response == NULL)
    st = qv_error_set(err, QV_ERR_INVALID_DATA, "flight %s: the server answered with no message", method);
  if (st != QV_OK && *response) {
    grpc_byte_buffer_destroy(*response);
    *response = NULL;
  }
  return st;
}

/* ---- authentication ---- */

qv_status qv_flight_client_authenticate_basic(qv_flight_client *c, const char *user, const char *password,
                                              qv_error *err) {
  size_t ul = strlen(user), pl = strlen(password);
  char *plain = (char *)malloc(ul + pl + 2);
  QV_CHECK_ALLOC(plain, err);
  memcpy(plain, user, ul);
  plain[ul] = ':';
  memcpy(plain + ul + 1, password, pl + 1);
  char *b64 = qv__base64_encode((const uint8_t *)plain, ul + pl + 1);
  free(plain);
  QV_CHECK_ALLOC(b64, err);
  char *header = (char *)malloc(strlen(b64) + 7);
  if (header == NULL) {
    free(b64);
    return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory (%s:%d)", __FILE__, __LINE__);
  }
  sprintf(header, "Basic %s", b64);
  free(b64);
  qv__rpc *r = NULL;
  qv_status st = start_call(c, "Handshake", &r, err);
  if (st != QV_OK) {
    free(header);
    return st;
  }
  Arrow__Flight__Protocol__HandshakeRequest hr;
  arrow__flight__protocol__handshake_request__init(&hr);
  grpc_byte_buffer *bb = NULL;
  st = qv__pb_pack(&hr.base, &bb, err);
  if (st == QV_OK) st = send_request(c, r, header, bb, true, err);
  free(header);
  while (st == QV_OK) {
    grpc_byte_buffer *resp = NULL;
    st = qv__rpc_recv(r, &resp, err);
    if (st != QV_OK || resp == NULL) break;
    grpc_byte_buffer_destroy(resp);
  }
  st = st == QV_OK ? finish_call(r, "Handshake", err) : fail_with_status(r, st, "Handshake", err);
  char *token = NULL;
  for (size_t i = 0; st == QV_OK && i < r->initial_md.count; i++) {
    const grpc_metadata *m = &r->initial_md.metadata[i];
    if (!grpc_slice_str_cmp(m->key, "authorization")) {
      size_t n = GRPC_SLICE_LENGTH(m->value);
      const char *v = (const char *)GRPC_SLICE_START_PTR(m->value);
      if (n > 7 && strncasecmp(v, "Bearer ", 7) == 0) token = qv__strndup(v + 7, n - 7);
    }
  }
  end_call(r);
  if (st != QV_OK) return st;
  if (token == NULL)
    return qv_error_set(err, QV_ERR_IO, "flight Handshake: the server answered without a bearer token");
  pthread_mutex_lock(&c->lock);
  free(c->token);
  c->token = token;
  pthread_mutex_unlock(&c->lock);
  return QV_OK;
}

qv_status qv_flight_client_handshake(qv_flight_client *c, const void *payload, size_t len, qv_flight_bytes *response,
                                     qv_error *err) {
  memset(response, 0, sizeof *response);
  Arrow__Flight__Protocol__HandshakeRequest hr;
  arrow__flight__protocol__handshake_request__init(&hr);
  hr.payload.data = (uint8_t *)payload;
  hr.payload.len = len;
  grpc_byte_buffer *req = NULL, *resp = NULL;
  QV_RETURN_IF_ERROR(qv__pb_pack(&hr.base, &req, err));
  QV_RETURN_IF_ERROR(call_unary(c, "Handshake", req, &resp, err));
  ProtobufCMessage *m = NULL;
  qv_status st = qv__pb_unpack(&arrow__flight__protocol__handshake_response__descriptor, resp, &m, err);
  grpc_byte_buffer_destroy(resp);
  if (st != QV_OK) return st;
  const Arrow__Flight__Protocol__HandshakeResponse *h = (const Arrow__Flight__Protocol__HandshakeResponse *)m;
  st = qv_flight_bytes_set(response, h->payload.data, h->payload.len, err);
  protobuf_c_message_free_unpacked(m, NULL);
  return st;
}

/* ---- metadata RPCs ---- */

typedef struct info_list {
  qv_flight_client *c;
  qv_flight_info *items;
  size_t n, cap;
} info_list;

static qv_status add_info(void *ctx, grpc_byte_buffer *bb, qv_error *err) {
  info_list *l = (info_list *)ctx;
  if (l->n == l->cap) {
    size_t nc = l->cap ? l->cap * 2 : 8;
    qv_flight_info *ni = (qv_flight_info *)realloc(l->items, nc * sizeof *ni);
    QV_CHECK_ALLOC(ni, err);
    l->items = ni;
    l->cap = nc;
  }
  QV_RETURN_IF_ERROR(qv__info_unpack(bb, &l->c->ro, &l->items[l->n], err));
  l->n++;
  return QV_OK;
}

qv_status qv_flight_client_list_flights(qv_flight_client *c, const void *criteria, size_t len, qv_flight_info **out,
                                        size_t *n_out, qv_error *err) {
  *out = NULL;
  *n_out = 0;
  Arrow__Flight__Protocol__Criteria cr;
  arrow__flight__protocol__criteria__init(&cr);
  cr.expression.data = (uint8_t *)criteria;
  cr.expression.len = len;
  grpc_byte_buffer *req = NULL;
  QV_RETURN_IF_ERROR(qv__pb_pack(&cr.base, &req, err));
  info_list l = {c, NULL, 0, 0};
  qv_status st = call_streaming(c, "ListFlights", req, add_info, &l, err);
  if (st != QV_OK) {
    qv_flight_info_array_free(l.items, l.n);
    return st;
  }
  *out = l.items;
  *n_out = l.n;
  return QV_OK;
}

static qv_status descriptor_request(const qv_flight_descriptor *d, grpc_byte_buffer **out, qv_error *err) {
  Arrow__Flight__Protocol__FlightDescriptor pb;
  qv__descriptor_to_pb(d, &pb);
  return qv__pb_pack(&pb.base, out, err);
}

qv_status qv_flight_client_get_flight_info(qv_flight_client *c, const qv_flight_descriptor *d, qv_flight_info *out,
                                           qv_error *err) {
  qv_flight_info_init(out);
  grpc_byte_buffer *req = NULL, *resp = NULL;
  QV_RETURN_IF_ERROR(descriptor_request(d, &req, err));
  QV_RETURN_IF_ERROR(call_unary(c, "GetFlightInfo", req, &resp, err));
  qv_status st = qv__info_unpack(resp, &c->ro, out, err);
  grpc_byte_buffer_destroy(resp);
  return st;
}

qv_status qv_flight_client_poll_flight_info(qv_flight_client *c, const qv_flight_descriptor *d,
                                            qv_flight_poll_info *out, qv_error *err) {
  memset(out, 0, sizeof *out);
  grpc_byte_buffer *req = NULL, *resp = NULL;
  QV_RETURN_IF_ERROR(descriptor_request(d, &req, err));
  QV_RETURN_IF_ERROR(call_unary(c, "PollFlightInfo", req, &resp, err));
  qv_status st = qv__poll_unpack(resp, &c->ro, out, err);
  grpc_byte_buffer_destroy(resp);
  return st;
}

qv_status qv_flight_client_get_schema(qv_flight_client *c, const qv_flight_descriptor *d, qv_schema **out,
                                      qv_error *err) {
  *out = NULL;
  grpc_byte_buffer *req = NULL, *resp = NULL;
  QV_RETURN_IF_ERROR(descriptor_request(d, &req, err));
  QV_RETURN_IF_ERROR(call_unary(c, "GetSchema", req, &resp, err));
  ProtobufCMessage *m = NULL;
  qv_status st = qv__pb_unpack(&arrow__flight__protocol__schema_result__descriptor, resp, &m, err);
  grpc_byte_buffer_destroy(resp);
  if (st != QV_OK) return st;
  const Arrow__Flight__Protocol__SchemaResult *sr = (const Arrow__Flight__Protocol__SchemaResult *)m;
  st = qv__schema_deserialize(sr->schema.data, sr->schema.len, &c->ro, out, err);
  protobuf_c_message_free_unpacked(m, NULL);
  return st;
}

/* ---- actions ---- */

typedef struct bytes_list {
  qv_flight_bytes *items;
  size_t n, cap;
} bytes_list;

static qv_status add_result(void *ctx, grpc_byte_buffer *bb, qv_error *err) {
  bytes_list *l = (bytes_list *)ctx;
  ProtobufCMessage *m = NULL;
  QV_RETURN_IF_ERROR(qv__pb_unpack(&arrow__flight__protocol__result__descriptor, bb, &m, err));
  qv_status st = QV_OK;
  if (l->n == l->cap) {
    size_t nc = l->cap ? l->cap * 2 : 8;
    qv_flight_bytes *ni = (qv_flight_bytes *)realloc(l->items, nc * sizeof *ni);
    QV_CHECK_ALLOC_GOTO(ni, st, err, done);
    l->items = ni;
    l->cap = nc;
  }
  memset(&l->items[l->n], 0, sizeof l->items[l->n]);
  {
    const Arrow__Flight__Protocol__Result *r = (const Arrow__Flight__Protocol__Result *)m;
    QV_GOTO_IF_ERROR(st, qv_flight_bytes_set(&l->items[l->n], r->body.data, r->body.len, err), done);
  }
  l->n++;
done:
  protobuf_c_message_free_unpacked(m, NULL);
  return st;
}

qv_status qv_flight_client_do_action(qv_flight_client *c, const char *type, const void *body, size_t len,
                                     qv_flight_bytes **out, size_t *n_out, qv_error *err) {
  *out = NULL;
  *n_out = 0;
  Arrow__Flight__Protocol__Action a;
  arrow__flight__protocol__action__init(&a);
  a.type = (char *)type;
  a.body.data = (uint8_t *)body;
  a.body.len = len;
  grpc_byte_buffer *req = NULL;
  QV_RETURN_IF_ERROR(qv__pb_pack(&a.base, &req, err));
  bytes_list l = {NULL, 0, 0};
  qv_status st = call_streaming(c, "DoAction", req, add_result, &l, err);
  if (st != QV_OK) {
    qv_flight_bytes_array_free(l.items, l.n);
    return st;
  }
  *out = l.items;
  *n_out = l.n;
  return QV_OK;
}

typedef struct type_list {
  qv_flight_action_type *items;
  size_t n, cap;
} type_list;

static qv_status add_type(void *ctx, grpc_byte_buffer *bb, qv_error *err) {
  type_list *l = (type_list *)ctx;
  ProtobufCMessage *m = NULL;
  QV_RETURN_IF_ERROR(qv__pb_unpack(&arrow__flight__protocol__action_type__descriptor, bb, &m, err));
  qv_status st = QV_OK;
  if (l->n == l->cap) {
    size_t nc = l->cap ? l->cap * 2 : 8;
    qv_flight_action_type *ni = (qv_flight_action_type *)realloc(l->items, nc * sizeof *ni);
    QV_CHECK_ALLOC_GOTO(ni, st, err, done);
    l->items = ni;
    l->cap = nc;
  }
  {
    const Arrow__Flight__Protocol__ActionType *t = (const Arrow__Flight__Protocol__ActionType *)m;
    qv_flight_action_type *o = &l->items[l->n];
    o->type = qv__strndup(t->type ? t->type : "", t->type ? strlen(t->type) : 0);
    o->description = qv__strndup(t->description ? t->description : "", t->description ? strlen(t->description) : 0);
    if (o->type == NULL || o->description == NULL) {
      free(o->type);
      free(o->description);
      QV_FAIL_GOTO(st, done, err, QV_ERR_NO_MEMORY, "out of memory (%s:%d)", __FILE__, __LINE__);
    }
  }
  l->n++;
done:
  protobuf_c_message_free_unpacked(m, NULL);
  return st;
}

qv_status qv_flight_client_list_actions(qv_flight_client *c, qv_flight_action_type **out, size_t *n_out,
                                        qv_error *err) {
  *out = NULL;
  *n_out = 0;
  Arrow__Flight__Protocol__Empty e;
  arrow__flight__protocol__empty__init(&e);
  grpc_byte_buffer *req = NULL;
  QV_RETURN_IF_ERROR(qv__pb_pack(&e.base, &req, err));
  type_list l = {NULL, 0, 0};
  qv_status st = call_streaming(c, "ListActions", req, add_type, &l, err);
  if (st != QV_OK) {
    qv_flight_action_types_free(l.items, l.n);
    return st;
  }
  *out = l.items;
  *n_out = l.n;
  return QV_OK;
}

/* ---- data streams ---- */

static qv_status open_stream(qv_flight_client *c, const char *method, qv__stream_kind kind, grpc_byte_buffer *request,
                             const qv_flight_descriptor *d, qv_flight_stream **out, qv_error *err) {
  *out = NULL;
  qv__rpc *r = NULL;
  qv_status st = start_call(c, method, &r, err);
  if (st != QV_OK) {
    if (request) grpc_byte_buffer_destroy(request);
    return st;
  }
  /* grpc+unix: offer a memfd link (DoExchange: two, one each way, named
   * "up,down" in the header: client -> server, server -> client) */
  char offer[2 * QV__SHM_NONCE_HEX];
  qv__shm_link *link = NULL, *down = NULL;
  if (c->shm_socket) {
    link = qv__shm_link_connect(c->shm_socket, offer);
    if (link && kind == QV__STREAM_EXCHANGE) {
      offer[QV__SHM_NONCE_HEX - 1] = ',';
      down = qv__shm_link_connect(c->shm_socket, offer + QV__SHM_NONCE_HEX);
      if (down == NULL) {
        qv__shm_link_free(link);
        link = NULL;
      }
    }
  }
  st = send_request_shm(c, r, NULL, link ? offer : NULL, request, request != NULL, err);
  if (st == QV_OK && link) {
    /* a server holding the link answers at once; "on" makes it this call's */
    size_t n = 0;
    const char *v = NULL;
    if (qv__rpc_client_recv_initial_md(r, NULL) == QV_OK) v = qv__rpc_initial_md_value(r, QV__SHM_HEADER, &n);
    if (v == NULL || n != 2 || memcmp(v, "on", 2) != 0) {
      qv__shm_link_free(link);
      qv__shm_link_free(down);
      link = down = NULL;
    }
  }
  if (st != QV_OK) {
    qv__shm_link_free(link);
    qv__shm_link_free(down);
    st = fail_with_status(r, st, method, err);
    end_call(r);
    return st;
  }
  qv_flight_stream *s = NULL;
  st = qv__stream_new(r, true, true, kind, &c->ro, &s, err);
  if (st != QV_OK) {
    qv__shm_link_free(link);
    qv__shm_link_free(down);
    end_call(r);
    return st;
  }
  if (kind == QV__STREAM_EXCHANGE) qv__stream_set_shm_pair(s, link, down);
  else qv__stream_set_shm(s, link);
  qv__stream_set_stats_sink(s, add_client_stats, c);
  qv__stream_set_pool(s, c->pool);
  if (d && (st = qv__stream_set_descriptor(s, d, err)) != QV_OK) {
    qv_flight_stream_free(s);
    return st;
  }
  *out = s;
  return QV_OK;
}

qv_status qv_flight_client_do_get(qv_flight_client *c, const void *ticket, size_t len, qv_flight_stream **out,
                                  qv_error *err) {
  Arrow__Flight__Protocol__Ticket t;
  arrow__flight__protocol__ticket__init(&t);
  t.ticket.data = (uint8_t *)ticket;
  t.ticket.len = len;
  grpc_byte_buffer *req = NULL;
  QV_RETURN_IF_ERROR(qv__pb_pack(&t.base, &req, err));
  return open_stream(c, "DoGet", QV__STREAM_GET, req, NULL, out, err);
}

/* A stream operation failed: prefer the server's status when it has one. */
static qv_status stream_error(qv_flight_stream *s, qv_status st, const char *method, qv_error *err) {
  qv_error status_err;
  qv_error_clear(&status_err);
  qv_status fin = qv_flight_stream_finish(s, &status_err);
  if (fin != QV_OK) {
    if (err) *err = status_err;
    return fin;
  }
  qv_error_prefix(err, "flight %s: ", method);
  return st;
}

qv_status qv_flight_client_do_get_table(qv_flight_client *c, const void *ticket, size_t len, qv_table **out,
                                        qv_error *err) {
  *out = NULL;
  qv_flight_stream *s = NULL;
  QV_RETURN_IF_ERROR(qv_flight_client_do_get(c, ticket, len, &s, err));
  qv_status st = qv_flight_stream_read_all(s, out, err);
  if (st != QV_OK)
    st = stream_error(s, st, "DoGet", err);
  else
    st = qv_flight_stream_finish(s, err);
  qv_flight_stream_free(s);
  if (st != QV_OK) {
    qv_table_release(*out);
    *out = NULL;
  }
  return st;
}

qv_status qv_flight_client_do_put(qv_flight_client *c, const qv_flight_descriptor *d, qv_flight_stream **out,
                                  qv_error *err) {
  return open_stream(c, "DoPut", QV__STREAM_PUT, NULL, d, out, err);
}

qv_status qv_flight_client_do_put_table(qv_flight_client *c, const qv_flight_descriptor *d, const qv_table *table,
                                        qv_error *err) {
  qv_flight_stream *s = NULL;
  QV_RETURN_IF_ERROR(qv_flight_client_do_put(c, d, &s, err));
  qv_status st = qv_flight_stream_write_table(s, table, err);
  if (st == QV_OK) st = qv_flight_stream_done_writing(s, err);
  if (st != QV_OK)
    st = stream_error(s, st, "DoPut", err);
  else
    st = qv_flight_stream_finish(s, err);
  qv_flight_stream_free(s);
  return st;
}

qv_status qv_flight_client_do_exchange(qv_flight_client *c, const qv_flight_descriptor *d, qv_flight_stream **out,
                                       qv_error *err) {
  return open_stream(c, "DoExchange", QV__STREAM_EXCHANGE, NULL, d, out, err);
}
