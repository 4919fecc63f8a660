/* The quiver side of the Flight interop tests that `quiver serve` and the
 * CLI do not cover (tests/interop/test_flight_rpcs.py):
 *
 *   qv_flight_peer serve TABLE.arrow [TOKEN]
 *       a server on 127.0.0.1 (free port, printed "LISTENING <port>") with
 *       every RPC: ListFlights / GetFlightInfo / GetSchema / PollFlightInfo
 *       for the flight "t" (TABLE), DoGet "t", DoPut (kept, then served as
 *       DoGet of its joined path; app_metadata acknowledged), DoExchange
 *       (each batch and its app_metadata echoed), DoAction "echo",
 *       ListActions, Handshake (payload echoed, or the basic-auth answer
 *       with TOKEN for user alice / pw). Stops when stdin closes.
 *   qv_flight_peer exchange URI IN.arrow OUT.arrow
 *       DoExchange against URI: sends IN batch by batch, each with
 *       app_metadata "m<i>", and writes what comes back to OUT; prints
 *       "METADATA m0 m1 ..." for the app_metadata received.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quiver/quiver.h"

typedef struct state {
  qv_table *table;
  pthread_mutex_t lock;
  char put_name[256];
  qv_table *put;
} state;

static qv_status name_of(const qv_flight_descriptor *d, char *out, size_t cap, qv_error *err) {
  if (d == NULL || d->type != QV_FLIGHT_DESCRIPTOR_PATH || d->n_path == 0)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "a path descriptor is needed");
  size_t n = 0;
  for (size_t i = 0; i < d->n_path; i++) n += (size_t)snprintf(out + n, n < cap ? cap - n : 0, "%s%s", i ? "/" : "", d->path[i]);
  return QV_OK;
}

static qv_status info_of(state *s, const qv_flight_descriptor *d, qv_flight_info *out, qv_error *err) {
  char name[256];
  QV_RETURN_IF_ERROR(name_of(d, name, sizeof name, err));
  if (strcmp(name, "t") != 0) return qv_error_set(err, QV_ERR_NOT_FOUND, "no flight '%s'", name);
  QV_RETURN_IF_ERROR(qv_flight_descriptor_copy(&out->descriptor, d, err));
  out->schema = qv_schema_retain(s->table->schema);
  out->total_records = s->table->n_rows;
  out->ordered = true;
  QV_RETURN_IF_ERROR(qv_flight_bytes_set(&out->app_metadata, "info-md", 7, err));
  return qv_flight_info_add_endpoint(out, "t", 1, NULL, err);
}

static qv_status h_list(void *ctx, qv_flight_call *call, const qv_flight_bytes *criteria, qv_flight_info **out,
                        size_t *n, qv_error *err) {
  *out = calloc(1, sizeof **out);
  if (*out == NULL) return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory");
  qv_flight_info_init(*out);
  const char *p[] = {"t"};
  qv_flight_descriptor d;
  QV_RETURN_IF_ERROR(qv_flight_descriptor_init_path(&d, p, 1, err));
  qv_status st = info_of(ctx, &d, *out, err);
  qv_flight_descriptor_clear(&d);
  *n = st == QV_OK ? 1 : 0;
  return st;
}

static qv_status h_info(void *ctx, qv_flight_call *call, const qv_flight_descriptor *d, qv_flight_info *out,
                        qv_error *err) {
  return info_of(ctx, d, out, err);
}

static qv_status h_poll(void *ctx, qv_flight_call *call, const qv_flight_descriptor *d, qv_flight_poll_info *out,
                        qv_error *err) {
  out->has_info = true;
  out->has_progress = true;
  out->progress = 1.0;
  return info_of(ctx, d, &out->info, err);
}

static qv_status h_schema(void *ctx, qv_flight_call *call, const qv_flight_descriptor *d, qv_schema **out,
                          qv_error *err) {
  qv_flight_info info;
  qv_flight_info_init(&info);
  qv_status st = info_of(ctx, d, &info, err);
  if (st == QV_OK) *out = qv_schema_retain(info.schema);
  qv_flight_info_clear(&info);
  return st;
}

static qv_status h_get(void *ctx, qv_flight_call *call, const qv_flight_bytes *ticket, qv_flight_stream *out,
                       qv_error *err) {
  state *s = ctx;
  if (ticket->len == 1 && ticket->data[0] == 't') return qv_flight_stream_write_table(out, s->table, err);
  pthread_mutex_lock(&s->lock);
  qv_table *t = (s->put && strlen(s->put_name) == ticket->len && memcmp(s->put_name, ticket->data, ticket->len) == 0)
                    ? qv_table_retain(s->put)
                    : NULL;
  pthread_mutex_unlock(&s->lock);
  if (t == NULL) return qv_error_set(err, QV_ERR_NOT_FOUND, "unknown ticket");
  qv_status st = qv_flight_stream_write_table(out, t, err);
  qv_table_release(t);
  return st;
}

static qv_status h_put(void *ctx, qv_flight_call *call, qv_flight_stream *in, qv_error *err) {
  state *s = ctx;
  char name[256];
  QV_RETURN_IF_ERROR(name_of(qv_flight_stream_descriptor(in), name, sizeof name, err));
  qv_schema *schema;
  QV_RETURN_IF_ERROR(qv_flight_stream_schema(in, &schema, err));
  qv_batch **batches = NULL;
  size_t n = 0;
  qv_status st = QV_OK;
  for (int guard = 0; guard < 1000000; guard++) {
    qv_flight_chunk c;
    bool end;
    st = qv_flight_stream_next(in, &c, &end, err);
    if (st != QV_OK || end) break;
    if (c.app_metadata.len) st = qv_flight_stream_write_put_result(in, c.app_metadata.data, c.app_metadata.len, err);
    if (c.batch) {
      qv_batch **nb = realloc(batches, (n + 1) * sizeof *nb);
      if (nb == NULL) {
        qv_flight_chunk_clear(&c);
        st = qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory");
        break;
      }
      batches = nb;
      batches[n++] = c.batch;
      c.batch = NULL;
    }
    qv_flight_chunk_clear(&c);
    if (st != QV_OK) break;
  }
  qv_table *t = NULL;
  if (st == QV_OK) st = qv_table_new(schema, batches, (int64_t)n, &t, err);
  for (size_t i = 0; i < n; i++) qv_batch_release(batches[i]);
  free(batches);
  if (st == QV_OK) {
    pthread_mutex_lock(&s->lock);
    qv_table_release(s->put);
    s->put = t;
    snprintf(s->put_name, sizeof s->put_name, "%s", name);
    pthread_mutex_unlock(&s->lock);
  }
  return st;
}

static qv_status h_exchange(void *ctx, qv_flight_call *call, qv_flight_stream *st_, qv_error *err) {
  qv_schema *schema;
  QV_RETURN_IF_ERROR(qv_flight_stream_schema(st_, &schema, err));
  QV_RETURN_IF_ERROR(qv_flight_stream_begin(st_, schema, err));
  for (int guard = 0; guard < 1000000; guard++) {
    qv_flight_chunk c;
    bool end;
    QV_RETURN_IF_ERROR(qv_flight_stream_next(st_, &c, &end, err));
    if (end) return QV_OK;
    qv_status st = c.batch ? qv_flight_stream_write_batch(st_, c.batch, c.app_metadata.data, c.app_metadata.len, err)
                           : qv_flight_stream_write_metadata(st_, c.app_metadata.data, c.app_metadata.len, err);
    qv_flight_chunk_clear(&c);
    QV_RETURN_IF_ERROR(st);
  }
  return QV_OK;
}

static qv_status h_action(void *ctx, qv_flight_call *call, const char *type, const qv_flight_bytes *body,
                          qv_flight_bytes **out, size_t *n, qv_error *err) {
  if (strcmp(type, "echo") != 0) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "unknown action '%s'", type);
  *out = calloc(2, sizeof **out);
  if (*out == NULL) return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory");
  *n = 2;
  QV_RETURN_IF_ERROR(qv_flight_bytes_set(&(*out)[0], body->data, body->len, err));
  return qv_flight_bytes_set(&(*out)[1], "done", 4, err);
}

static qv_status h_actions(void *ctx, qv_flight_call *call, qv_flight_action_type **out, size_t *n, qv_error *err) {
  *out = calloc(1, sizeof **out);
  if (*out == NULL) return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory");
  (*out)[0].type = strdup("echo");
  (*out)[0].description = strdup("answers with the body, then done");
  *n = 1;
  return QV_OK;
}

static int serve(const char *table_path, const char *token) {
  state s;
  memset(&s, 0, sizeof s);
  pthread_mutex_init(&s.lock, NULL);
  qv_error err;
  if (qv_ipc_read_path(table_path, NULL, &s.table, &err) != QV_OK) {
    fprintf(stderr, "%s\n", err.message);
    return 1;
  }
  qv_flight_handlers h;
  memset(&h, 0, sizeof h);
  h.ctx = &s;
  h.list_flights = h_list;
  h.get_flight_info = h_info;
  h.poll_flight_info = h_poll;
  h.get_schema = h_schema;
  h.do_get = h_get;
  h.do_put = h_put;
  h.do_exchange = h_exchange;
  h.do_action = h_action;
  h.list_actions = h_actions;
  qv_flight_server_options o;
  memset(&o, 0, sizeof o);
  if (token) {
    o.token = token;
    o.basic_user = "alice";
    o.basic_password = "pw";
  }
  qv_flight_server *srv = NULL;
  if (qv_flight_server_start("grpc://127.0.0.1:0", &h, &o, &srv, &err) != QV_OK) {
    fprintf(stderr, "%s\n", err.message);
    return 1;
  }
  printf("LISTENING %d\n", qv_flight_server_port(srv));
  fflush(stdout);
  char buf[256];
  while (fread(buf, 1, sizeof buf, stdin) > 0) {
  }
  qv_flight_server_free(srv);
  qv_table_release(s.table);
  qv_table_release(s.put);
  pthread_mutex_destroy(&s.lock);
  return 0;
}

static int exchange(const char *uri, const char *in_path, const char *out_path) {
  qv_error err;
  qv_table *in = NULL;
  qv_flight_client *c = NULL;
  qv_flight_stream *s = NULL;
  qv_ipc_writer *w = NULL;
  qv_status st = qv_ipc_read_path(in_path, NULL, &in, &err);
  if (st == QV_OK) st = qv_flight_client_connect(uri, NULL, &c, &err);
  qv_flight_descriptor d;
  memset(&d, 0, sizeof d);
  if (st == QV_OK) st = qv_flight_descriptor_init_cmd(&d, "echo", 4, &err);
  if (st == QV_OK) st = qv_flight_client_do_exchange(c, &d, &s, &err);
  if (st == QV_OK) st = qv_flight_stream_begin(s, in->schema, &err);
  for (int64_t i = 0; st == QV_OK && i < in->n_batches; i++) {
    char md[32];
    snprintf(md, sizeof md, "m%lld", (long long)i);
    st = qv_flight_stream_write_batch(s, in->batches[i], md, strlen(md), &err);
  }
  if (st == QV_OK) st = qv_flight_stream_done_writing(s, &err);
  qv_schema *schema = NULL;
  if (st == QV_OK) st = qv_flight_stream_schema(s, &schema, &err);
  if (st == QV_OK) st = qv_ipc_writer_open_path(out_path, QV_IPC_FORMAT_FILE, schema, NULL, &w, &err);
  if (st == QV_OK) fputs("METADATA", stdout);
  for (int guard = 0; st == QV_OK && guard < 1000000; guard++) {
    qv_flight_chunk ch;
    bool end;
    st = qv_flight_stream_next(s, &ch, &end, &err);
    if (st != QV_OK || end) break;
    printf(" %.*s", (int)ch.app_metadata.len, (const char *)ch.app_metadata.data);
    if (ch.batch) st = qv_ipc_writer_write_batch(w, ch.batch, &err);
    qv_flight_chunk_clear(&ch);
  }
  if (st == QV_OK) st = qv_flight_stream_finish(s, &err);
  if (st == QV_OK) st = qv_ipc_writer_close(w, &err);
  putchar('\n');
  qv_ipc_writer_free(w);
  qv_flight_stream_free(s);
  qv_flight_descriptor_clear(&d);
  qv_flight_client_free(c);
  qv_table_release(in);
  if (st != QV_OK) {
    fprintf(stderr, "exchange: %s\n", err.message);
    return 1;
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 3 && strcmp(argv[1], "serve") == 0) return serve(argv[2], argc > 3 ? argv[3] : NULL);
  if (argc == 5 && strcmp(argv[1], "exchange") == 0) return exchange(argv[2], argv[3], argv[4]);
  fprintf(stderr, "usage: qv_flight_peer serve TABLE.arrow [TOKEN] | exchange URI IN.arrow OUT.arrow\n");
  return 2;
}
