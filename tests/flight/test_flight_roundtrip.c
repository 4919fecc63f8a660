/* Flight client against Flight server, in one process over loopback: every
 * RPC (Handshake, ListFlights, GetFlightInfo, PollFlightInfo, GetSchema,
 * DoGet, DoPut with app_metadata and PutResults, DoExchange, DoAction,
 * ListActions) with a table of every type quiver supports (dictionaries
 * included); bearer tokens and the basic-auth handshake; UNAUTHENTICATED
 * without them; handler errors as gRPC statuses; several clients at once;
 * a grpc+unix location; shutdown with a stream still open. */
#include "ipc/ipc_test_util.h"

#include <pthread.h>
#include <unistd.h>

#include "quiver/flight.h"
#include "quiver/shm.h"

typedef struct fixture {
  qv_table *table;   /* served as ticket "t" and flight path ["t"] */
  pthread_mutex_t lock;
  qv_table *uploaded; /* the last DoPut */
  char uploaded_path[64];
} fixture;

static qv_status h_list(void *ctx, qv_flight_call *call, const qv_flight_bytes *criteria, qv_flight_info **out,
                        size_t *n, qv_error *err) {
  fixture *f = ctx;
  qv_flight_info *infos = calloc(1, sizeof *infos);
  qv_flight_info_init(&infos[0]);
  const char *path[] = {"t"};
  qv_flight_descriptor_init_path(&infos[0].descriptor, path, 1, err);
  infos[0].schema = qv_schema_retain(f->table->schema);
  infos[0].total_records = f->table->n_rows;
  qv_flight_info_add_endpoint(&infos[0], "t", 1, "grpc://127.0.0.1:1", err);
  *out = infos;
  *n = 1;
  return QV_OK;
}

static qv_status h_info(void *ctx, qv_flight_call *call, const qv_flight_descriptor *d, qv_flight_info *out,
                        qv_error *err) {
  fixture *f = ctx;
  if (d->type != QV_FLIGHT_DESCRIPTOR_PATH || d->n_path != 1 || strcmp(d->path[0], "t") != 0)
    return qv_error_set(err, QV_ERR_NOT_FOUND, "no flight here");
  QV_RETURN_IF_ERROR(qv_flight_descriptor_copy(&out->descriptor, d, err));
  out->schema = qv_schema_retain(f->table->schema);
  out->total_records = f->table->n_rows;
  out->ordered = true;
  QV_RETURN_IF_ERROR(qv_flight_bytes_set(&out->app_metadata, "meta", 4, err));
  return qv_flight_info_add_endpoint(out, "t", 1, NULL, err);
}

static qv_status h_poll(void *ctx, qv_flight_call *call, const qv_flight_descriptor *d, qv_flight_poll_info *out,
                        qv_error *err) {
  out->has_progress = true;
  out->progress = 0.5;
  out->has_next = true;
  QV_RETURN_IF_ERROR(qv_flight_descriptor_init_cmd(&out->next, "again", 5, err));
  out->has_info = true;
  return h_info(ctx, call, d, &out->info, err);
}

static qv_status h_schema(void *ctx, qv_flight_call *call, const qv_flight_descriptor *d, qv_schema **out,
                          qv_error *err) {
  fixture *f = ctx;
  *out = qv_schema_retain(f->table->schema);
  return QV_OK;
}

static qv_status h_get(void *ctx, qv_flight_call *call, const qv_flight_bytes *ticket, qv_flight_stream *s,
                       qv_error *err) {
  fixture *f = ctx;
  if (ticket->len != 1 || ticket->data[0] != 't') return qv_error_set(err, QV_ERR_NOT_FOUND, "unknown ticket");
  return qv_flight_stream_write_table(s, f->table, err);
}

static qv_status h_put(void *ctx, qv_flight_call *call, qv_flight_stream *s, qv_error *err) {
  fixture *f = ctx;
  const qv_flight_descriptor *d = qv_flight_stream_descriptor(s);
  if (d == NULL || d->type != QV_FLIGHT_DESCRIPTOR_PATH || d->n_path != 1)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "DoPut needs a one-part path");
  qv_schema *schema;
  QV_RETURN_IF_ERROR(qv_flight_stream_schema(s, &schema, err));
  qv_batch *batches[64];
  int n = 0;
  qv_status st = QV_OK;
  for (;;) {
    qv_flight_chunk c;
    bool end;
    st = qv_flight_stream_next(s, &c, &end, err);
    if (st != QV_OK || end) break;
    /* acknowledge each message with its app_metadata */
    st = qv_flight_stream_write_put_result(s, c.app_metadata.data, c.app_metadata.len, err);
    if (c.batch && n < 64) batches[n++] = c.batch;
    else qv_batch_release(c.batch);
    qv_flight_bytes_clear(&c.app_metadata);
    if (st != QV_OK) break;
  }
  qv_table *t = NULL;
  if (st == QV_OK) st = qv_table_new(schema, batches, n, &t, err);
  for (int i = 0; i < n; i++) qv_batch_release(batches[i]);
  if (st == QV_OK) {
    pthread_mutex_lock(&f->lock);
    qv_table_release(f->uploaded);
    f->uploaded = t;
    snprintf(f->uploaded_path, sizeof f->uploaded_path, "%s", d->path[0]);
    pthread_mutex_unlock(&f->lock);
  }
  return st;
}

static qv_status h_exchange(void *ctx, qv_flight_call *call, qv_flight_stream *s, qv_error *err) {
  qv_schema *schema;
  QV_RETURN_IF_ERROR(qv_flight_stream_schema(s, &schema, err));
  QV_RETURN_IF_ERROR(qv_flight_stream_begin(s, schema, err));
  for (;;) {
    qv_flight_chunk c;
    bool end;
    QV_RETURN_IF_ERROR(qv_flight_stream_next(s, &c, &end, err));
    if (end) return QV_OK;
    qv_status st = c.batch ? qv_flight_stream_write_batch(s, c.batch, c.app_metadata.data, c.app_metadata.len, err)
                           : qv_flight_stream_write_metadata(s, c.app_metadata.data, c.app_metadata.len, err);
    qv_flight_chunk_clear(&c);
    QV_RETURN_IF_ERROR(st);
  }
}

static qv_status h_action(void *ctx, qv_flight_call *call, const char *type, const qv_flight_bytes *body,
                          qv_flight_bytes **out, size_t *n, qv_error *err) {
  if (strcmp(type, "echo") != 0) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "unknown action '%s'", type);
  *out = calloc(2, sizeof **out);
  qv_flight_bytes_set(&(*out)[0], body->data, body->len, err);
  qv_flight_bytes_set(&(*out)[1], "done", 4, err);
  *n = 2;
  return QV_OK;
}

static qv_status h_actions(void *ctx, qv_flight_call *call, qv_flight_action_type **out, size_t *n, qv_error *err) {
  *out = calloc(1, sizeof **out);
  (*out)[0].type = strdup("echo");
  (*out)[0].description = strdup("answers with the body, then 'done'");
  *n = 1;
  return QV_OK;
}

static qv_flight_handlers handlers_for(fixture *f) {
  qv_flight_handlers h;
  memset(&h, 0, sizeof h);
  h.ctx = f;
  h.list_flights = h_list;
  h.get_flight_info = h_info;
  h.poll_flight_info = h_poll;
  h.get_schema = h_schema;
  h.do_get = h_get;
  h.do_put = h_put;
  h.do_exchange = h_exchange;
  h.do_action = h_action;
  h.list_actions = h_actions;
  return h;
}

static fixture *fixture_new(void) {
  fixture *f = calloc(1, sizeof *f);
  pthread_mutex_init(&f->lock, NULL);
  qv_schema *s = tu_all_types_schema();
  const int64_t lengths[] = {5, 0, 17};
  f->table = tu_table(s, lengths, 3, true);
  qv_schema_release(s);
  return f;
}

static void fixture_free(fixture *f) {
  qv_table_release(f->table);
  qv_table_release(f->uploaded);
  pthread_mutex_destroy(&f->lock);
  free(f);
}

static qv_flight_server *start(fixture *f, const qv_flight_server_options *o, char *uri, size_t cap) {
  qv_flight_handlers h = handlers_for(f);
  qv_flight_server *srv = NULL;
  OK(qv_flight_server_start("grpc://127.0.0.1:0", &h, o, &srv, err));
  assert_true(qv_flight_server_port(srv) > 0);
  snprintf(uri, cap, "grpc://127.0.0.1:%d", qv_flight_server_port(srv));
  return srv;
}

static void test_every_rpc(void **state) {
  fixture *f = fixture_new();
  char uri[64];
  qv_flight_server *srv = start(f, NULL, uri, sizeof uri);
  qv_flight_client *c = NULL;
  OK(qv_flight_client_connect(uri, NULL, &c, err));

  /* ListFlights */
  qv_flight_info *infos = NULL;
  size_t n = 0;
  OK(qv_flight_client_list_flights(c, NULL, 0, &infos, &n, err));
  assert_int_equal(n, 1);
  assert_true(qv_schema_equals(infos[0].schema, f->table->schema, false));
  assert_int_equal(infos[0].total_records, f->table->n_rows);
  assert_int_equal(infos[0].n_endpoints, 1);
  assert_string_equal(infos[0].endpoints[0].locations[0], "grpc://127.0.0.1:1");
  qv_flight_info_array_free(infos, n);

  /* GetFlightInfo: path form; unknown path -> NOT_FOUND with the message */
  qv_flight_descriptor d;
  const char *path[] = {"t"};
  OK(qv_flight_descriptor_init_path(&d, path, 1, err));
  qv_flight_info info;
  OK(qv_flight_client_get_flight_info(c, &d, &info, err));
  assert_true(info.ordered);
  assert_int_equal(info.app_metadata.len, 4);
  assert_int_equal(info.descriptor.type, QV_FLIGHT_DESCRIPTOR_PATH);
  assert_string_equal(info.descriptor.path[0], "t");
  assert_memory_equal(info.endpoints[0].ticket.data, "t", 1);
  qv_flight_info_clear(&info);
  qv_flight_descriptor missing;
  const char *nope[] = {"nope"};
  OK(qv_flight_descriptor_init_path(&missing, nope, 1, err));
  qv_error e;
  assert_int_equal(qv_flight_client_get_flight_info(c, &missing, &info, &e), QV_ERR_NOT_FOUND);
  assert_non_null(strstr(e.message, "NOT_FOUND: no flight here"));
  qv_flight_descriptor_clear(&missing);

  /* PollFlightInfo */
  qv_flight_poll_info poll;
  OK(qv_flight_client_poll_flight_info(c, &d, &poll, err));
  assert_true(poll.has_progress);
  assert_true(poll.progress == 0.5);
  assert_true(poll.has_next);
  assert_int_equal(poll.next.type, QV_FLIGHT_DESCRIPTOR_CMD);
  assert_memory_equal(poll.next.cmd.data, "again", 5);
  assert_true(poll.has_info);
  qv_flight_poll_info_clear(&poll);

  /* GetSchema */
  qv_schema *schema = NULL;
  OK(qv_flight_client_get_schema(c, &d, &schema, err));
  assert_true(qv_schema_equals(schema, f->table->schema, true));
  qv_schema_release(schema);

  /* DoGet: the table of every type comes back equal */
  qv_table *got = NULL;
  OK(qv_flight_client_do_get_table(c, "t", 1, &got, err));
  tu_assert_tables_equal(f->table, got, "DoGet");
  qv_table_release(got);
  assert_int_equal(qv_flight_client_do_get_table(c, "x", 1, &got, &e), QV_ERR_NOT_FOUND);
  assert_non_null(strstr(e.message, "unknown ticket"));

  /* DoPut with app_metadata, one PutResult per message */
  qv_flight_stream *s = NULL;
  const char *up[] = {"uploaded"};
  qv_flight_descriptor upd;
  OK(qv_flight_descriptor_init_path(&upd, up, 1, err));
  OK(qv_flight_client_do_put(c, &upd, &s, err));
  OK(qv_flight_stream_begin(s, f->table->schema, err));
  for (int64_t i = 0; i < f->table->n_batches; i++) {
    char md[16];
    snprintf(md, sizeof md, "batch %d", (int)i);
    OK(qv_flight_stream_write_batch(s, f->table->batches[i], md, strlen(md), err));
    qv_flight_bytes ack;
    bool end;
    OK(qv_flight_stream_read_put_result(s, &ack, &end, err));
    assert_false(end);
    assert_int_equal(ack.len, strlen(md));
    assert_memory_equal(ack.data, md, ack.len);
    qv_flight_bytes_clear(&ack);
  }
  OK(qv_flight_stream_write_metadata(s, "tail", 4, err));
  OK(qv_flight_stream_done_writing(s, err));
  qv_flight_bytes ack;
  bool end;
  OK(qv_flight_stream_read_put_result(s, &ack, &end, err));
  assert_false(end);
  assert_memory_equal(ack.data, "tail", 4);
  qv_flight_bytes_clear(&ack);
  OK(qv_flight_stream_read_put_result(s, &ack, &end, err));
  assert_true(end);
  OK(qv_flight_stream_finish(s, err));
  qv_flight_stream_stats stats;
  qv_flight_stream_get_stats(s, &stats);
  assert_true(stats.messages_sent >= 1 + f->table->n_batches);
  qv_flight_stream_free(s);
  /* under the lock: the handler wrote them on a server thread, and TSan
   * cannot see the order gRPC's (uninstrumented) socket gives */
  pthread_mutex_lock(&f->lock);
  tu_assert_tables_equal(f->table, f->uploaded, "DoPut");
  assert_string_equal(f->uploaded_path, "uploaded");
  pthread_mutex_unlock(&f->lock);
  qv_flight_descriptor_clear(&upd);

  /* DoExchange: the server echoes every batch and its metadata */
  qv_flight_descriptor cmd;
  OK(qv_flight_descriptor_init_cmd(&cmd, "echo", 4, err));
  OK(qv_flight_client_do_exchange(c, &cmd, &s, err));
  OK(qv_flight_stream_begin(s, f->table->schema, err));
  for (int64_t i = 0; i < f->table->n_batches; i++) {
    OK(qv_flight_stream_write_batch(s, f->table->batches[i], "x", 1, err));
    qv_flight_chunk ch;
    OK(qv_flight_stream_next(s, &ch, &end, err));
    assert_false(end);
    assert_non_null(ch.batch);
    assert_true(qv_batch_equals(ch.batch, f->table->batches[i]));
    assert_int_equal(ch.app_metadata.len, 1);
    qv_flight_chunk_clear(&ch);
  }
  OK(qv_flight_stream_done_writing(s, err));
  qv_flight_chunk ch;
  OK(qv_flight_stream_next(s, &ch, &end, err));
  assert_true(end);
  OK(qv_flight_stream_finish(s, err));
  qv_flight_stream_free(s);
  qv_flight_descriptor_clear(&cmd);

  /* DoAction, ListActions */
  qv_flight_bytes *results = NULL;
  OK(qv_flight_client_do_action(c, "echo", "hi", 2, &results, &n, err));
  assert_int_equal(n, 2);
  assert_memory_equal(results[0].data, "hi", 2);
  assert_memory_equal(results[1].data, "done", 4);
  qv_flight_bytes_array_free(results, n);
  assert_int_equal(qv_flight_client_do_action(c, "other", NULL, 0, &results, &n, &e), QV_ERR_INVALID_ARGUMENT);
  assert_non_null(strstr(e.message, "unknown action 'other'"));
  qv_flight_action_type *types = NULL;
  OK(qv_flight_client_list_actions(c, &types, &n, err));
  assert_int_equal(n, 1);
  assert_string_equal(types[0].type, "echo");
  qv_flight_action_types_free(types, n);

  /* Handshake without auth configured echoes the payload */
  qv_flight_bytes resp;
  OK(qv_flight_client_handshake(c, "ping", 4, &resp, err));
  assert_int_equal(resp.len, 4);
  assert_memory_equal(resp.data, "ping", 4);
  qv_flight_bytes_clear(&resp);

  qv_flight_descriptor_clear(&d);
  qv_flight_client_free(c);
  qv_flight_server_free(srv);
  fixture_free(f);
}

static void test_unimplemented(void **state) {
  fixture *f = fixture_new();
  qv_flight_handlers h;
  memset(&h, 0, sizeof h);
  qv_flight_server *srv = NULL;
  OK(qv_flight_server_start("grpc://127.0.0.1:0", &h, NULL, &srv, err));
  char uri[64];
  snprintf(uri, sizeof uri, "grpc://127.0.0.1:%d", qv_flight_server_port(srv));
  qv_flight_client *c = NULL;
  OK(qv_flight_client_connect(uri, NULL, &c, err));
  qv_table *t = NULL;
  qv_error e;
  assert_int_equal(qv_flight_client_do_get_table(c, "t", 1, &t, &e), QV_ERR_NOT_IMPLEMENTED);
  assert_non_null(strstr(e.message, "UNIMPLEMENTED"));
  assert_non_null(strstr(e.message, "DoGet"));
  qv_flight_client_free(c);
  qv_flight_server_free(srv);
  fixture_free(f);
}

static void test_auth(void **state) {
  fixture *f = fixture_new();
  qv_flight_server_options o;
  memset(&o, 0, sizeof o);
  o.token = "s3cret";
  o.basic_user = "alice";
  o.basic_password = "pw";
  char uri[64];
  qv_flight_server *srv = start(f, &o, uri, sizeof uri);
  qv_error e;
  qv_table *t = NULL;

  /* no token: refused */
  qv_flight_client *c = NULL;
  OK(qv_flight_client_connect(uri, NULL, &c, err));
  assert_int_equal(qv_flight_client_do_get_table(c, "t", 1, &t, &e), QV_ERR_IO);
  assert_non_null(strstr(e.message, "UNAUTHENTICATED"));
  qv_flight_info *infos = NULL;
  size_t n = 0;
  assert_int_equal(qv_flight_client_list_flights(c, NULL, 0, &infos, &n, &e), QV_ERR_IO);
  assert_non_null(strstr(e.message, "UNAUTHENTICATED"));
  /* wrong basic credentials: refused; right ones: the token, then calls work */
  assert_int_equal(qv_flight_client_authenticate_basic(c, "alice", "nope", &e), QV_ERR_IO);
  assert_non_null(strstr(e.message, "UNAUTHENTICATED"));
  OK(qv_flight_client_authenticate_basic(c, "alice", "pw", err));
  OK(qv_flight_client_do_get_table(c, "t", 1, &t, err));
  tu_assert_tables_equal(f->table, t, "after basic auth");
  qv_table_release(t);
  qv_flight_client_free(c);

  /* a wrong bearer token is refused, the right one accepted */
  qv_flight_client_options co;
  memset(&co, 0, sizeof co);
  co.token = "wrong";
  OK(qv_flight_client_connect(uri, &co, &c, err));
  assert_int_equal(qv_flight_client_do_get_table(c, "t", 1, &t, &e), QV_ERR_IO);
  assert_non_null(strstr(e.message, "UNAUTHENTICATED"));
  qv_flight_client_free(c);
  co.token = "s3cret";
  OK(qv_flight_client_connect(uri, &co, &c, err));
  OK(qv_flight_client_do_get_table(c, "t", 1, &t, err));
  qv_table_release(t);
  qv_flight_client_free(c);

  qv_flight_server_free(srv);
  fixture_free(f);
}

typedef struct client_job {
  const char *uri;
  const qv_table *expect;
  qv_flight_client *shared; /* NULL: the thread connects its own client */
  int ok;
} client_job;

static void *client_thread(void *arg) {
  client_job *j = arg;
  qv_flight_client *c = j->shared;
  qv_error e;
  if (c == NULL && qv_flight_client_connect(j->uri, NULL, &c, &e) != QV_OK) return NULL;
  for (int i = 0; i < 5; i++) {
    qv_table *t = NULL;
    if (qv_flight_client_do_get_table(c, "t", 1, &t, &e) != QV_OK) break;
    bool same = qv_table_equals(t, j->expect);
    qv_table_release(t);
    if (!same) break;
    j->ok++;
  }
  if (j->shared == NULL) qv_flight_client_free(c);
  return NULL;
}

static void test_many_clients(void **state) {
  fixture *f = fixture_new();
  qv_flight_server_options o;
  memset(&o, 0, sizeof o);
  o.threads = 3;
  char uri[64];
  qv_flight_server *srv = start(f, &o, uri, sizeof uri);
  /* half the threads share one client (calls of one client run at once) */
  qv_flight_client *shared = NULL;
  OK(qv_flight_client_connect(uri, NULL, &shared, err));
  enum { N = 6 };
  pthread_t th[N];
  client_job jobs[N];
  for (int i = 0; i < N; i++) {
    jobs[i] = (client_job){uri, f->table, i % 2 ? shared : NULL, 0};
    assert_int_equal(pthread_create(&th[i], NULL, client_thread, &jobs[i]), 0);
  }
  for (int i = 0; i < N; i++) {
    pthread_join(th[i], NULL);
    assert_int_equal(jobs[i].ok, 5);
  }
  qv_flight_client_free(shared);
  qv_flight_server_free(srv);
  fixture_free(f);
}

static void test_unix_socket(void **state) {
  fixture *f = fixture_new();
  char sock[64], uri[96];
  snprintf(sock, sizeof sock, "/tmp/qv_flight_test_%d.sock", (int)getpid());
  unlink(sock);
  snprintf(uri, sizeof uri, "grpc+unix://%s", sock);
  qv_flight_handlers h = handlers_for(f);
  qv_flight_server *srv = NULL;
  OK(qv_flight_server_start(uri, &h, NULL, &srv, err));
  assert_int_equal(qv_flight_server_port(srv), 0);
  qv_flight_client *c = NULL;
  OK(qv_flight_client_connect(uri, NULL, &c, err));
  qv_table *t = NULL;
  OK(qv_flight_client_do_get_table(c, "t", 1, &t, err));
  tu_assert_tables_equal(f->table, t, "unix socket");
  qv_table_release(t);
  qv_flight_client_free(c);
  qv_flight_server_free(srv);
  unlink(sock);
  fixture_free(f);
}

/* grpc+unix between quiver peers: large bodies travel as sealed memfds
 * both ways (DoGet: server -> client, DoPut: client -> server), small ones
 * as gRPC bytes in the same stream; a client with disable_shm, and a
 * server with it, get the same tables with every body as gRPC bytes. */
static void shm_round(fixture *f, const char *uri, bool client_shm, bool expect_shm) {
  qv_flight_client_options co;
  memset(&co, 0, sizeof co);
  co.disable_shm = !client_shm;
  qv_flight_client *c = NULL;
  OK(qv_flight_client_connect(uri, &co, &c, err));
  qv_table *t = NULL;
  OK(qv_flight_client_do_get_table(c, "t", 1, &t, err));
  tu_assert_tables_equal(f->table, t, "DoGet over grpc+unix");
  qv_flight_stream_stats st;
  qv_flight_client_get_stats(c, &st);
  if (expect_shm) {
    assert_true(st.bodies_shm_received >= 1);
    assert_true(st.body_bytes_shm >= 65536);
    /* the 5-row batch is small: it went as gRPC bytes, in the same stream */
    assert_true(st.bodies_in_place + st.bodies_copied >= 1);
  } else {
    assert_int_equal(st.bodies_shm_received, 0);
    assert_int_equal(st.body_bytes_shm, 0);
  }
  qv_flight_descriptor d;
  memset(&d, 0, sizeof d);
  const char *path[] = {"up"};
  OK(qv_flight_descriptor_init_path(&d, path, 1, err));
  OK(qv_flight_client_do_put_table(c, &d, t, err));
  qv_flight_descriptor_clear(&d);
  qv_flight_client_get_stats(c, &st);
  if (expect_shm) assert_true(st.bodies_shm_sent >= 1);
  else assert_int_equal(st.bodies_shm_sent, 0);
  /* t arrived in memory mapped from the server's memfds, which this process
   * did not make: its bodies are copied into memfds of their own */
  assert_int_equal(st.bodies_shm_shared, 0);
  pthread_mutex_lock(&f->lock);
  tu_assert_tables_equal(f->table, f->uploaded, "DoPut over grpc+unix");
  pthread_mutex_unlock(&f->lock);
  qv_table_release(t);
  qv_flight_client_free(c);
}

/* DoExchange over grpc+unix: the client's bodies go up one memfd link, the
 * server's echo comes down the other (expect_shm), or both as gRPC bytes. */
static void shm_exchange(fixture *f, const char *uri, bool expect_shm) {
  qv_flight_client *c = NULL;
  OK(qv_flight_client_connect(uri, NULL, &c, err));
  qv_flight_stream *s = NULL;
  qv_flight_descriptor cmd;
  OK(qv_flight_descriptor_init_cmd(&cmd, "echo", 4, err));
  OK(qv_flight_client_do_exchange(c, &cmd, &s, err));
  OK(qv_flight_stream_begin(s, f->table->schema, err));
  bool end = false;
  for (int64_t i = 0; i < f->table->n_batches; i++) {
    OK(qv_flight_stream_write_batch(s, f->table->batches[i], NULL, 0, err));
    qv_flight_chunk ch;
    OK(qv_flight_stream_next(s, &ch, &end, err));
    assert_false(end);
    assert_non_null(ch.batch);
    assert_true(qv_batch_equals(ch.batch, f->table->batches[i]));
    qv_flight_chunk_clear(&ch);
  }
  OK(qv_flight_stream_done_writing(s, err));
  OK(qv_flight_stream_finish(s, err));
  qv_flight_stream_stats st;
  qv_flight_stream_get_stats(s, &st);
  qv_flight_stream_free(s);
  qv_flight_descriptor_clear(&cmd);
  if (expect_shm) {
    assert_true(st.bodies_shm_sent >= 8);
    assert_int_equal(st.bodies_shm_received, st.bodies_shm_sent);
  } else {
    assert_int_equal(st.bodies_shm_sent + st.bodies_shm_received, 0);
  }
  qv_flight_client_free(c);
}

/* A DoGet reader that stops after the first batch and finishes: the rest
 * is drained (the bodies waiting on the link included, or the server would
 * wait for their acknowledgements forever) and the status is OK. */
static void shm_finish_early(const char *uri) {
  qv_flight_client_options co;
  memset(&co, 0, sizeof co);
  co.timeout_ms = 60000; /* a hang fails the test instead of blocking it */
  qv_flight_client *c = NULL;
  OK(qv_flight_client_connect(uri, &co, &c, err));
  qv_flight_stream *s = NULL;
  OK(qv_flight_client_do_get(c, "t", 1, &s, err));
  qv_flight_chunk chunk;
  bool end = false;
  OK(qv_flight_stream_next(s, &chunk, &end, err));
  assert_false(end);
  qv_flight_chunk_clear(&chunk);
  OK(qv_flight_stream_finish(s, err));
  qv_flight_stream_free(s);
  qv_flight_stream_stats st;
  qv_flight_client_get_stats(c, &st);
  assert_true(st.bodies_shm_received >= 1);
  qv_flight_client_free(c);
}

static void test_unix_socket_shm(void **state) {
  fixture *f = calloc(1, sizeof *f);
  pthread_mutex_init(&f->lock, NULL);
  qv_schema *schema = tu_all_types_schema();
  /* under 16384 rows: the f16 values stay numbers; more large batches than
   * the link's window of four */
  const int64_t lengths[] = {5, 2000, 0, 2000, 2000, 2000, 2000, 2000, 2000, 2000};
  f->table = tu_table(schema, lengths, 10, true);
  qv_schema_release(schema);
  char sock[64], uri[96], side[80];
  snprintf(sock, sizeof sock, "/tmp/qv_flight_shm_%d.sock", (int)getpid());
  snprintf(side, sizeof side, "%s.qvshm", sock);
  unlink(sock);
  snprintf(uri, sizeof uri, "grpc+unix://%s", sock);
  qv_flight_handlers h = handlers_for(f);
  qv_flight_server *srv = NULL;
  OK(qv_flight_server_start(uri, &h, NULL, &srv, err));
  assert_int_equal(access(side, F_OK), 0);
  shm_round(f, uri, true, true);
  shm_round(f, uri, false, false);
  shm_exchange(f, uri, true);
  shm_finish_early(uri);
  qv_flight_stream_stats st;
  qv_flight_server_get_stats(srv, &st);
  assert_true(st.bodies_shm_sent >= 1);
  assert_true(st.bodies_shm_received >= 1);
  /* a table in private memory: each body was copied into a memfd */
  assert_int_equal(st.bodies_shm_shared, 0);
  /* the same table moved into shared memory: every large body of a DoGet
   * (and of the client's DoPut) is named as a place in that memfd */
  qv_table *shared = NULL;
  OK(qv_shm_table_share(f->table, &shared, err));
  tu_assert_tables_equal(f->table, shared, "qv_shm_table_share");
  qv_table_release(f->table);
  f->table = shared;
  qv_flight_stream_stats before = st;
  shm_round(f, uri, true, true);
  qv_flight_server_get_stats(srv, &st);
  assert_true(st.bodies_shm_sent > before.bodies_shm_sent);
  assert_int_equal(st.bodies_shm_shared - before.bodies_shm_shared, st.bodies_shm_sent - before.bodies_shm_sent);
  {
    /* a client's DoPut of a shared table names places too */
    qv_flight_client *c = NULL;
    OK(qv_flight_client_connect(uri, NULL, &c, err));
    qv_flight_descriptor d;
    const char *path[] = {"up"};
    OK(qv_flight_descriptor_init_path(&d, path, 1, err));
    OK(qv_flight_client_do_put_table(c, &d, f->table, err));
    qv_flight_descriptor_clear(&d);
    qv_flight_stream_stats cs;
    qv_flight_client_get_stats(c, &cs);
    assert_true(cs.bodies_shm_sent >= 1);
    assert_int_equal(cs.bodies_shm_shared, cs.bodies_shm_sent);
    pthread_mutex_lock(&f->lock);
    tu_assert_tables_equal(f->table, f->uploaded, "DoPut of a shared table");
    pthread_mutex_unlock(&f->lock);
    qv_flight_client_free(c);
  }
  qv_flight_server_free(srv);
  assert_int_not_equal(access(side, F_OK), 0); /* the side socket goes with the server */
  unlink(sock);
  /* a server with shm disabled has no side socket: quiver clients fall back */
  qv_flight_server_options so;
  memset(&so, 0, sizeof so);
  so.disable_shm = true;
  OK(qv_flight_server_start(uri, &h, &so, &srv, err));
  assert_int_not_equal(access(side, F_OK), 0);
  shm_round(f, uri, true, false);
  shm_exchange(f, uri, false);
  qv_flight_server_free(srv);
  unlink(sock);
  fixture_free(f);
}

/* The server shuts down while a client holds a DoGet stream half read: the
 * client's next read fails (no hang) and shutdown returns. */
static void test_shutdown_mid_stream(void **state) {
  fixture *f = fixture_new();
  char uri[64];
  qv_flight_server *srv = start(f, NULL, uri, sizeof uri);
  qv_flight_client *c = NULL;
  OK(qv_flight_client_connect(uri, NULL, &c, err));
  qv_flight_stream *s = NULL;
  OK(qv_flight_client_do_get(c, "t", 1, &s, err));
  qv_schema *schema;
  OK(qv_flight_stream_schema(s, &schema, err));
  qv_flight_server_shutdown(srv);
  qv_status st = QV_OK;
  qv_error e;
  for (int i = 0; i < 100 && st == QV_OK; i++) {
    qv_flight_chunk ch;
    bool end;
    st = qv_flight_stream_next(s, &ch, &end, &e);
    qv_flight_chunk_clear(&ch);
    if (end) break;
  }
  /* either the data was already buffered and the stream ended, or it failed;
   * finish reports the cancellation either way unless all data had arrived */
  qv_status fin = qv_flight_stream_finish(s, &e);
  assert_true(st != QV_OK || fin == QV_OK || fin == QV_ERR_IO);
  qv_flight_stream_free(s);
  qv_flight_client_free(c);
  qv_flight_server_free(srv);
  fixture_free(f);
}

/* An action that waits (bounded: 400 x 25 ms) until the client gives up. */
static int waited_and_saw_cancel;
static qv_status h_wait(void *ctx, qv_flight_call *call, const char *type, const qv_flight_bytes *body,
                        qv_flight_bytes **out, size_t *n, qv_error *err) {
  for (int i = 0; i < 400; i++) {
    if (qv_flight_call_cancelled(call)) {
      waited_and_saw_cancel = 1;
      return qv_error_set(err, QV_ERR_IO, "the client went away");
    }
    usleep(25 * 1000);
  }
  return qv_error_set(err, QV_ERR_IO, "never cancelled");
}

/* The client's deadline passes while the handler works: the client gets
 * DEADLINE_EXCEEDED and the handler sees the call cancelled. */
static void test_deadline_and_cancellation(void **state) {
  qv_flight_handlers h;
  memset(&h, 0, sizeof h);
  h.do_action = h_wait;
  qv_flight_server *srv = NULL;
  OK(qv_flight_server_start("grpc://127.0.0.1:0", &h, NULL, &srv, err));
  char uri[64];
  snprintf(uri, sizeof uri, "grpc://127.0.0.1:%d", qv_flight_server_port(srv));
  qv_flight_client_options co;
  memset(&co, 0, sizeof co);
  co.timeout_ms = 300;
  qv_flight_client *c = NULL;
  OK(qv_flight_client_connect(uri, &co, &c, err));
  qv_flight_bytes *results = NULL;
  size_t n = 0;
  qv_error e;
  waited_and_saw_cancel = 0;
  assert_int_equal(qv_flight_client_do_action(c, "wait", NULL, 0, &results, &n, &e), QV_ERR_IO);
  assert_non_null(strstr(e.message, "DEADLINE_EXCEEDED"));
  qv_flight_client_free(c);
  qv_flight_server_free(srv); /* waits for the handler: it has returned by now */
  assert_int_equal(waited_and_saw_cancel, 1);
}

static void test_bad_locations(void **state) {
  qv_flight_client *c = NULL;
  qv_error e;
  assert_int_equal(qv_flight_client_connect("http://x:1", NULL, &c, &e), QV_ERR_INVALID_ARGUMENT);
  assert_non_null(strstr(e.message, "expected grpc://"));
  assert_int_equal(qv_flight_client_connect("grpc://host", NULL, &c, &e), QV_ERR_INVALID_ARGUMENT);
  assert_int_equal(qv_flight_client_connect("grpc://host:x1", NULL, &c, &e), QV_ERR_INVALID_ARGUMENT);
  assert_int_equal(qv_flight_client_connect("grpc+unix://relative", NULL, &c, &e), QV_ERR_INVALID_ARGUMENT);
  qv_flight_server *srv = NULL;
  qv_flight_handlers h;
  memset(&h, 0, sizeof h);
  assert_int_equal(qv_flight_server_start("grpc+tls://127.0.0.1:0", &h, NULL, &srv, &e), QV_ERR_INVALID_ARGUMENT);
  assert_non_null(strstr(e.message, "certificate"));
  /* a port taken by another server */
  OK(qv_flight_server_start("grpc://127.0.0.1:0", &h, NULL, &srv, err));
  char uri[64];
  snprintf(uri, sizeof uri, "grpc://127.0.0.1:%d", qv_flight_server_port(srv));
  qv_flight_server *again = NULL;
  assert_int_equal(qv_flight_server_start(uri, &h, NULL, &again, &e), QV_ERR_IO);
  qv_flight_server_free(srv);
  /* nobody listens: the call fails with UNAVAILABLE, within the deadline */
  qv_flight_client_options co;
  memset(&co, 0, sizeof co);
  co.timeout_ms = 5000;
  OK(qv_flight_client_connect(uri, &co, &c, err));
  qv_table *t = NULL;
  assert_int_equal(qv_flight_client_do_get_table(c, "t", 1, &t, &e), QV_ERR_IO);
  assert_true(strstr(e.message, "UNAVAILABLE") || strstr(e.message, "DEADLINE_EXCEEDED"));
  qv_flight_client_free(c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_rpc),       cmocka_unit_test(test_unimplemented),
      cmocka_unit_test(test_auth),            cmocka_unit_test(test_many_clients),
      cmocka_unit_test(test_unix_socket),     cmocka_unit_test(test_shutdown_mid_stream),
      cmocka_unit_test(test_unix_socket_shm),
      cmocka_unit_test(test_bad_locations),   cmocka_unit_test(test_deadline_and_cancellation),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
