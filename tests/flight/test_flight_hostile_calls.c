/* The Flight server against hostile clients, over real calls on loopback:
 * request messages that are not protobuf (or claim lengths far past their
 * bytes) sent to every RPC, a method the service lacks, raw bytes that are
 * not HTTP/2 on the port, connections that open and say nothing, and a
 * DoGet client that stops reading. Each call must end with an error status
 * (never a crash, a hang or a handler fed garbage), the server must keep
 * answering well-formed calls afterwards, a stalled reader must hold back
 * the handler (flow control, not buffering) and shutdown must not wait for
 * clients that went quiet. Loops are bounded in count and time. */
#include "ipc/ipc_test_util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <grpc/grpc.h>
#include <grpc/grpc_security.h>

#include "flight/internal.h"
#include "quiver/flight.h"
#include "quiver/table.h"

/* ---- a server with every handler ---- */

static int64_t batches_sent; /* by h_get, atomically */
static int get_ended;        /* h_get returned (1: by an error) */

enum { GET_BATCHES = 512, GET_ROWS = 1 << 17 }; /* 1 MiB of int64 a batch, 512 MiB in all */
static qv_batch *g_batch;                         /* what h_get sends, GET_BATCHES times */

static qv_status h_get(void *ctx, qv_flight_call *call, const qv_flight_bytes *ticket, qv_flight_stream *out,
                       qv_error *err) {
  (void)ctx;
  (void)call;
  if (ticket->len != 3 || memcmp(ticket->data, "big", 3) != 0)
    return qv_error_set(err, QV_ERR_NOT_FOUND, "no such ticket");
  const qv_batch *b = g_batch;
  qv_status st = QV_OK;
  st = qv_flight_stream_begin(out, b->schema, err);
  for (int i = 0; st == QV_OK && i < GET_BATCHES; i++) {
    st = qv_flight_stream_write_batch(out, b, NULL, 0, err);
    if (st == QV_OK) __atomic_fetch_add(&batches_sent, 1, __ATOMIC_SEQ_CST);
  }
  __atomic_store_n(&get_ended, st == QV_OK ? 2 : 1, __ATOMIC_SEQ_CST);
  return st;
}

static qv_status h_put(void *ctx, qv_flight_call *call, qv_flight_stream *s, qv_error *err) {
  (void)ctx;
  (void)call;
  qv_table *t = NULL;
  QV_RETURN_IF_ERROR(qv_flight_stream_read_all(s, &t, err));
  qv_table_release(t);
  return QV_OK;
}

static qv_status h_info(void *ctx, qv_flight_call *call, const qv_flight_descriptor *d, qv_flight_info *out,
                        qv_error *err) {
  (void)ctx;
  (void)call;
  (void)d;
  (void)out;
  return qv_error_set(err, QV_ERR_NOT_FOUND, "no flights here");
}

static qv_status h_schema(void *ctx, qv_flight_call *call, const qv_flight_descriptor *d, qv_schema **out,
                          qv_error *err) {
  (void)ctx;
  (void)call;
  (void)d;
  (void)out;
  return qv_error_set(err, QV_ERR_NOT_FOUND, "no flights here");
}

static qv_status h_list(void *ctx, qv_flight_call *call, const qv_flight_bytes *criteria, qv_flight_info **out,
                        size_t *n, qv_error *err) {
  (void)ctx;
  (void)call;
  (void)criteria;
  (void)err;
  *out = NULL;
  *n = 0;
  return QV_OK;
}

static qv_status h_action(void *ctx, qv_flight_call *call, const char *type, const qv_flight_bytes *body,
                          qv_flight_bytes **out, size_t *n, qv_error *err) {
  (void)ctx;
  (void)call;
  (void)type;
  (void)body;
  (void)out;
  (void)n;
  return qv_error_set(err, QV_ERR_NOT_FOUND, "no actions here");
}

static qv_status h_poll(void *ctx, qv_flight_call *call, const qv_flight_descriptor *d, qv_flight_poll_info *out,
                        qv_error *err) {
  (void)ctx;
  (void)call;
  (void)d;
  (void)out;
  return qv_error_set(err, QV_ERR_NOT_FOUND, "no flights here");
}

static qv_status h_list_actions(void *ctx, qv_flight_call *call, qv_flight_action_type **out, size_t *n,
                                qv_error *err) {
  (void)ctx;
  (void)call;
  (void)err;
  *out = NULL;
  *n = 0;
  return QV_OK;
}

static qv_flight_server *start_server(int *port) {
  qv_flight_handlers h;
  memset(&h, 0, sizeof h);
  h.do_get = h_get;
  h.do_put = h_put;
  h.do_exchange = h_put;
  h.get_flight_info = h_info;
  h.get_schema = h_schema;
  h.list_flights = h_list;
  h.do_action = h_action;
  h.poll_flight_info = h_poll;
  h.list_actions = h_list_actions;
  qv_flight_server_options o;
  memset(&o, 0, sizeof o);
  o.threads = 4;
  qv_flight_server *srv = NULL;
  OK(qv_flight_server_start("grpc://127.0.0.1:0", &h, &o, &srv, err));
  *port = qv_flight_server_port(srv);
  return srv;
}

/* ListFlights through the real client: the server still answers. */
static void expect_server_answers(int port) {
  char uri[64];
  snprintf(uri, sizeof uri, "grpc://127.0.0.1:%d", port);
  qv_flight_client_options co;
  memset(&co, 0, sizeof co);
  co.timeout_ms = 20000;
  qv_flight_client *c = NULL;
  OK(qv_flight_client_connect(uri, &co, &c, err));
  qv_flight_info *infos = NULL;
  size_t n = 7;
  OK(qv_flight_client_list_flights(c, NULL, 0, &infos, &n, err));
  assert_int_equal(n, 0);
  qv_flight_client_free(c);
}

/* ---- raw calls: bytes chosen here, framed by gRPC ---- */

typedef struct raw_call {
  grpc_channel *ch;
  qv__rpc rpc;
} raw_call;

static void raw_open(raw_call *r, int port, const char *method, int deadline_ms) {
  char target[64];
  snprintf(target, sizeof target, "127.0.0.1:%d", port);
  grpc_channel_credentials *creds = grpc_insecure_credentials_create();
  r->ch = grpc_channel_create(target, creds, NULL);
  grpc_channel_credentials_release(creds);
  memset(&r->rpc, 0, sizeof r->rpc);
  grpc_metadata_array_init(&r->rpc.initial_md);
  r->rpc.cq = grpc_completion_queue_create_for_next(NULL);
  r->rpc.owns_cq = true;
  char path[128];
  snprintf(path, sizeof path, "%s%s", QV__FLIGHT_SERVICE, method);
  grpc_slice m = grpc_slice_from_copied_string(path);
  gpr_timespec deadline =
      gpr_time_add(gpr_now(GPR_CLOCK_REALTIME), gpr_time_from_millis(deadline_ms, GPR_TIMESPAN));
  r->rpc.call = grpc_channel_create_call(r->ch, NULL, GRPC_PROPAGATE_DEFAULTS, r->rpc.cq, m, NULL, deadline, NULL);
  grpc_slice_unref(m);
  grpc_op op;
  memset(&op, 0, sizeof op);
  op.op = GRPC_OP_SEND_INITIAL_METADATA;
  OK(qv__rpc_run(&r->rpc, &op, 1, "start", err));
}

static void raw_close(raw_call *r) {
  qv__rpc_free(&r->rpc);
  grpc_channel_destroy(r->ch);
}

/* Sends `msg` as the one request message of `method`, half-closes, drains
 * the answers (bounded) and returns the call's status. */
static qv_status raw_unary(int port, const char *method, const uint8_t *msg, size_t len, qv_error *e) {
  raw_call r;
  raw_open(&r, port, method, 20000);
  grpc_slice s = grpc_slice_from_copied_buffer((const char *)msg, len);
  grpc_byte_buffer *bb = grpc_raw_byte_buffer_create(&s, 1);
  grpc_slice_unref(s);
  qv__rpc_send(&r.rpc, bb, e);
  qv__rpc_half_close(&r.rpc, e);
  for (int i = 0; i < 16; i++) {
    grpc_byte_buffer *got = NULL;
    if (qv__rpc_recv(&r.rpc, &got, e) != QV_OK || got == NULL) break;
    grpc_byte_buffer_destroy(got);
  }
  qv_status st = qv__rpc_client_finish(&r.rpc, e);
  raw_close(&r);
  return st;
}

static const char *const k_methods[] = {"Handshake", "ListFlights", "GetFlightInfo", "PollFlightInfo",
                                        "GetSchema", "DoGet",       "DoPut",         "DoExchange",
                                        "DoAction",  "ListActions"};

/* Messages that are not protobuf, or whose fields claim more bytes than
 * they have: a truncated varint, a key with field number 0, a length
 * of 2^62 for field 1, a length one past the end, a group wire type,
 * and 4 KiB of 0xff. */
static void test_garbage_request_messages_on_every_rpc(void **state) {
  (void)state;
  int port;
  qv_flight_server *srv = start_server(&port);
  static uint8_t ff[4096];
  memset(ff, 0xff, sizeof ff);
  const uint8_t truncated[] = {0x0a, 0x80};
  const uint8_t field_zero[] = {0x00, 0x01};
  const uint8_t huge_len[] = {0x0a, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40, 'x'};
  const uint8_t one_past[] = {0x0a, 0x05, 'a', 'b', 'c', 'd'};
  const uint8_t group[] = {0x0b, 0x0c};
  const struct {
    const uint8_t *p;
    size_t n;
    const char *what;
  } bad[] = {{truncated, sizeof truncated, "truncated"}, {field_zero, sizeof field_zero, "field 0"},
             {huge_len, sizeof huge_len, "length 2^62"}, {one_past, sizeof one_past, "one past"},
             {group, sizeof group, "group"},             {ff, sizeof ff, "0xff x 4096"}};
  for (size_t m = 0; m < sizeof k_methods / sizeof *k_methods; m++) {
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
      qv_error e;
      memset(&e, 0, sizeof e);
      const qv_status st = raw_unary(port, k_methods[m], bad[k].p, bad[k].n, &e);
      if (st == QV_OK) fail_msg("%s with a %s message answered OK", k_methods[m], bad[k].what);
      /* refused as the client's fault, saying what was wrong */
      if (strstr(e.message, "INVALID_ARGUMENT") == NULL ||
          (strstr(e.message, "not valid protobuf") == NULL && strstr(e.message, "FlightData:") == NULL))
        fail_msg("%s with a %s message: %s", k_methods[m], bad[k].what, e.message);
    }
  }
  /* A method the service does not have. */
  qv_error e;
  assert_int_not_equal(raw_unary(port, "DoSomethingElse", one_past, sizeof one_past, &e), QV_OK);
  assert_non_null(strstr(e.message, "UNIMPLEMENTED"));
  expect_server_answers(port);
  qv_flight_server_free(srv);
}

/* Bytes that are not HTTP/2 (random, a half preface, an HTTP/1 request)
 * written straight to the port, and connections that open and send
 * nothing: the server drops them and answers the next client; shutdown
 * does not wait for the silent ones. */
static void test_raw_bytes_and_silent_connections(void **state) {
  (void)state;
  int port;
  qv_flight_server *srv = start_server(&port);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons((uint16_t)port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  uint8_t junk[65536];
  uint64_t x = 0x9e3779b97f4a7c15ull;
  for (size_t i = 0; i < sizeof junk; i++) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    junk[i] = (uint8_t)x;
  }
  const char *texts[] = {"PRI * HTTP/2.0\r\n\r\nSM", "GET / HTTP/1.1\r\nHost: x\r\n\r\n", NULL};
  for (int k = 0; k < 3; k++) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    if (texts[k]) {
      assert_true(write(fd, texts[k], strlen(texts[k])) > 0);
    } else {
      /* the peer may close while we write: ignore EPIPE (MSG_NOSIGNAL) */
      (void)send(fd, junk, sizeof junk, MSG_NOSIGNAL);
    }
    close(fd);
  }
  int silent[8];
  for (int k = 0; k < 8; k++) {
    silent[k] = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(silent[k] >= 0);
    assert_int_equal(connect(silent[k], (struct sockaddr *)&a, sizeof a), 0);
  }
  expect_server_answers(port);
  qv_flight_server_free(srv); /* the silent connections are still open */
  for (int k = 0; k < 8; k++) close(silent[k]);
}

/* A DoGet client that reads a few messages, then stops reading: the
 * handler is held back by flow control (it cannot have sent the 512 MiB
 * into buffers), and when the client goes the handler ends with an error
 * and the server shuts down. */
static void test_client_that_stops_reading(void **state) {
  (void)state;
  int port;
  qv_flight_server *srv = start_server(&port);
  __atomic_store_n(&batches_sent, 0, __ATOMIC_SEQ_CST);
  __atomic_store_n(&get_ended, 0, __ATOMIC_SEQ_CST);
  qv_array *column = tu_column(qv_type_int64(), 0, GET_ROWS, false);
  const char *name = "x";
  OK(qv_batch_from_arrays(&name, &column, 1, &g_batch, err));
  qv_array_release(column);
  raw_call r;
  raw_open(&r, port, "DoGet", 60000);
  /* Ticket{ticket = "big"} */
  const uint8_t ticket[] = {0x0a, 0x03, 'b', 'i', 'g'};
  grpc_slice s = grpc_slice_from_copied_buffer((const char *)ticket, sizeof ticket);
  grpc_byte_buffer *bb = grpc_raw_byte_buffer_create(&s, 1);
  grpc_slice_unref(s);
  OK(qv__rpc_send(&r.rpc, bb, err));
  OK(qv__rpc_half_close(&r.rpc, err));
  for (int i = 0; i < 3; i++) { /* the schema and two batches */
    grpc_byte_buffer *got = NULL;
    OK(qv__rpc_recv(&r.rpc, &got, err));
    assert_non_null(got);
    grpc_byte_buffer_destroy(got);
  }
  /* Stop reading; give the handler time to run ahead if it could (at most
   * 3 s, and done as soon as it has stopped advancing for 500 ms). */
  int64_t last = -1;
  for (int i = 0; i < 30; i++) {
    usleep(100 * 1000);
    const int64_t now = __atomic_load_n(&batches_sent, __ATOMIC_SEQ_CST);
    if (now == last && i >= 5) break;
    last = now;
  }
  const int64_t ahead = __atomic_load_n(&batches_sent, __ATOMIC_SEQ_CST);
  /* gRPC's windows and the socket buffers hold some MiB, never the stream. */
  if (ahead >= GET_BATCHES / 4)
    fail_msg("the handler sent %lld of %d batches to a client that stopped reading", (long long)ahead,
             GET_BATCHES);
  assert_int_equal(__atomic_load_n(&get_ended, __ATOMIC_SEQ_CST), 0);
  /* The client goes away without reading the rest. */
  grpc_call_cancel(r.rpc.call, NULL);
  raw_close(&r);
  for (int i = 0; i < 200 && __atomic_load_n(&get_ended, __ATOMIC_SEQ_CST) == 0; i++) usleep(50 * 1000);
  assert_int_equal(__atomic_load_n(&get_ended, __ATOMIC_SEQ_CST), 1);
  expect_server_answers(port);
  qv_flight_server_free(srv);
  qv_batch_release(g_batch);
  g_batch = NULL;
}

int main(void) {
  qv__flight_init();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_garbage_request_messages_on_every_rpc),
      cmocka_unit_test(test_raw_bytes_and_silent_connections),
      cmocka_unit_test(test_client_that_stops_reading),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  grpc_shutdown();
  return rc;
}
