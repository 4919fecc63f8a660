/* FlightData framing (src/flight/wire.c) and the IPC messages it carries
 * (src/flight/stream.c) against hostile input: every parse error branch by
 * name (truncated varints, lengths past the end, huge lengths, wrong wire
 * types, field number 0, groups, overlong varints, a bad descriptor),
 * unknown fields skipped, agreement with protobuf-c's own encoding, large
 * bodies spread over many slices copied whole (by two threads); and,
 * over a real call, FlightData whose data_header is not an IPC message,
 * whose body is shorter than its header says, or that sends a batch before
 * its schema: each refused with INVALID_ARGUMENT and a message naming it. */
#include "ipc/ipc_test_util.h"

#include <grpc/grpc.h>
#include <grpc/grpc_security.h>

#include "flight/internal.h"

static void expect_decode_error(const uint8_t *p, size_t n, qv_status code, const char *needle) {
  qv__flight_data fd;
  qv_error e;
  assert_int_equal(qv__flight_data_decode_bytes(p, n, &fd, &e), code);
  if (strstr(e.message, needle) == NULL) fail_msg("expected '%s' in '%s'", needle, e.message);
}

static void test_agrees_with_protobuf_c(void **state) {
  Arrow__Flight__Protocol__FlightData pb;
  arrow__flight__protocol__flight_data__init(&pb);
  Arrow__Flight__Protocol__FlightDescriptor d;
  arrow__flight__protocol__flight_descriptor__init(&d);
  char *path[] = {"a", "b"};
  d.type = ARROW__FLIGHT__PROTOCOL__FLIGHT_DESCRIPTOR__DESCRIPTOR_TYPE__PATH;
  d.path = path;
  d.n_path = 2;
  pb.flight_descriptor = &d;
  uint8_t header[16] = {1, 2, 3}, body[40] = {9, 8, 7};
  pb.data_header.data = header;
  pb.data_header.len = sizeof header;
  pb.app_metadata.data = (uint8_t *)"md";
  pb.app_metadata.len = 2;
  pb.data_body.data = body;
  pb.data_body.len = sizeof body;
  size_t n = arrow__flight__protocol__flight_data__get_packed_size(&pb);
  uint8_t *buf = malloc(n);
  arrow__flight__protocol__flight_data__pack(&pb, buf);
  qv__flight_data fd;
  OK(qv__flight_data_decode_bytes(buf, n, &fd, err));
  assert_true(fd.has_descriptor);
  assert_int_equal(fd.descriptor.n_path, 2);
  assert_string_equal(fd.descriptor.path[1], "b");
  assert_int_equal(fd.header_len, sizeof header);
  assert_memory_equal(fd.header, header, sizeof header);
  assert_int_equal(fd.app_metadata.len, 2);
  assert_int_equal(fd.body_len, sizeof body);
  assert_memory_equal(fd.body->data, body, sizeof body);
  qv__flight_data_clear(&fd);

  /* our encoder's bytes are what protobuf-c reads */
  qv_flight_descriptor qd;
  const char *parts[] = {"a", "b"};
  OK(qv_flight_descriptor_init_path(&qd, parts, 2, err));
  qv__flight_out o;
  OK(qv__flight_out_start(&o, &qd, header, sizeof header, "md", 2, sizeof body, err));
  OK(qv__flight_out_body(&o, grpc_slice_from_copied_buffer((const char *)body, 10), err));
  OK(qv__flight_out_body(&o, grpc_slice_from_copied_buffer((const char *)body + 10, sizeof body - 10), err));
  grpc_byte_buffer *bb = NULL;
  OK(qv__flight_out_finish(&o, &bb, err));
  ProtobufCMessage *m = NULL;
  OK(qv__pb_unpack(&arrow__flight__protocol__flight_data__descriptor, bb, &m, err));
  Arrow__Flight__Protocol__FlightData *back = (Arrow__Flight__Protocol__FlightData *)m;
  assert_int_equal(back->data_body.len, sizeof body);
  assert_memory_equal(back->data_body.data, body, sizeof body);
  assert_int_equal(back->flight_descriptor->n_path, 2);
  protobuf_c_message_free_unpacked(m, NULL);
  /* and ours: a body split across slices is copied (and says so) */
  OK(qv__flight_data_decode(bb, NULL, &fd, err));
  assert_int_equal(fd.body_len, sizeof body);
  assert_true(fd.body_copied);
  assert_memory_equal(fd.body->data, body, sizeof body);
  qv__flight_data_clear(&fd);
  grpc_byte_buffer_destroy(bb);
  qv_flight_descriptor_clear(&qd);
  free(buf);
}

/* A body of n bytes (byte i = i * 31 + 7) inside a FlightData whose bytes
 * arrive as slices of the given sizes (repeated), decoded with `pool`
 * (may be NULL): the body is copied whole and right, whichever thread
 * copies which chunk (bodies from 4 MiB on are shared with a helper, 1 MiB
 * at a time). */
static void check_sliced_body(size_t n, const size_t *sizes, size_t n_sizes, qv__body_pool *pool) {
  uint8_t header[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  qv__flight_out o;
  OK(qv__flight_out_start(&o, NULL, header, sizeof header, NULL, 0, (int64_t)n, err));
  uint8_t *body = malloc(n);
  assert_non_null(body);
  for (size_t i = 0; i < n; i++) body[i] = (uint8_t)(i * 31 + 7);
  for (size_t at = 0, k = 0; at < n; k++) {
    size_t take = sizes[k % n_sizes];
    if (take > n - at) take = n - at;
    OK(qv__flight_out_body(&o, grpc_slice_from_copied_buffer((const char *)body + at, take), err));
    at += take;
  }
  grpc_byte_buffer *bb = NULL;
  OK(qv__flight_out_finish(&o, &bb, err));
  qv__flight_data fd;
  OK(qv__flight_data_decode(bb, pool, &fd, err));
  assert_int_equal(fd.body_len, (int64_t)n);
  assert_true(fd.body_copied);
  assert_int_equal(fd.header_len, sizeof header);
  assert_true(memcmp(fd.body->data, body, n) == 0);
  qv__flight_data_clear(&fd);
  grpc_byte_buffer_destroy(bb);
  free(body);
}

static void test_large_body_across_many_slices(void **state) {
  (void)state;
  const size_t even[] = {65536};
  const size_t odd[] = {65536, 1, 16384, 777, 40000};
  check_sliced_body((size_t)6 << 20, even, 1, NULL);            /* chunks start on slice boundaries */
  check_sliced_body(((size_t)6 << 20) + 12345, odd, 5, NULL);   /* and inside slices, the last one short */
  check_sliced_body(((size_t)4 << 20) - 1, odd, 5, NULL);       /* just below the split: one thread */
  qv__body_pool *pool = qv__body_pool_new(QV__BODY_POOL_CAP);
  assert_non_null(pool);
  for (int round = 0; round < 2; round++) check_sliced_body(((size_t)5 << 20) + 3, odd, 5, pool); /* warm block */
  qv__body_pool_close(pool);
}

static void test_unknown_fields_skipped(void **state) {
  /* field 5 varint, field 6 fixed64, field 7 fixed32, field 8 bytes, then app_metadata */
  const uint8_t msg[] = {0x28, 0x96, 0x01, 0x31, 1, 2, 3, 4, 5, 6, 7, 8, 0x3d, 1, 2, 3, 4,
                         0x42, 2,    'x',  'y', 0x1a, 1, 'z'};
  qv__flight_data fd;
  OK(qv__flight_data_decode_bytes(msg, sizeof msg, &fd, err));
  assert_int_equal(fd.app_metadata.len, 1);
  assert_int_equal(fd.app_metadata.data[0], 'z');
  assert_null(fd.body);
  qv__flight_data_clear(&fd);
}

static void test_truncated_varint(void **state) {
  const uint8_t msg[] = {0x12, 0x80};
  expect_decode_error(msg, sizeof msg, QV_ERR_TRUNCATED, "ends inside a varint");
}

static void test_length_past_end(void **state) {
  const uint8_t msg[] = {0x12, 0x05, 'a', 'b'};
  expect_decode_error(msg, sizeof msg, QV_ERR_TRUNCATED, "data_header at byte 0 declares 5 bytes but only 2 remain");
}

static void test_huge_body_length(void **state) {
  /* data_body (field 1000) declaring 2^62 bytes */
  const uint8_t msg[] = {0xc2, 0x3e, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40, 0};
  expect_decode_error(msg, sizeof msg, QV_ERR_TRUNCATED, "data_body");
}

static void test_overlong_varint(void **state) {
  uint8_t msg[12];
  msg[0] = 0x12;
  memset(msg + 1, 0xff, 11);
  expect_decode_error(msg, sizeof msg, QV_ERR_INVALID_DATA, "longer than 10 bytes");
}

static void test_wrong_wire_type(void **state) {
  const uint8_t msg[] = {0x10, 0x01}; /* data_header as a varint */
  expect_decode_error(msg, sizeof msg, QV_ERR_INVALID_DATA, "wire type 0, expected 2");
}

static void test_group_wire_type(void **state) {
  const uint8_t msg[] = {0x2b, 0x2c}; /* field 5, start group */
  expect_decode_error(msg, sizeof msg, QV_ERR_INVALID_DATA, "wire type 3");
}

static void test_field_zero(void **state) {
  const uint8_t msg[] = {0x02, 0x00};
  expect_decode_error(msg, sizeof msg, QV_ERR_INVALID_DATA, "field number 0");
}

static void test_truncated_fixed(void **state) {
  const uint8_t msg[] = {0x31, 1, 2};
  expect_decode_error(msg, sizeof msg, QV_ERR_TRUNCATED, "ends inside field 6");
}

static void test_bad_descriptor(void **state) {
  const uint8_t msg[] = {0x0a, 0x02, 0x1a, 0x09}; /* descriptor whose path string runs past its end */
  expect_decode_error(msg, sizeof msg, QV_ERR_INVALID_DATA, "FlightDescriptor");
}

/* ---- hostile IPC inside FlightData, over a real DoPut ---- */

static qv_status h_put(void *ctx, qv_flight_call *call, qv_flight_stream *s, qv_error *err) {
  qv_table *t = NULL;
  QV_RETURN_IF_ERROR(qv_flight_stream_read_all(s, &t, err));
  qv_table_release(t);
  return QV_OK;
}

typedef struct raw_put {
  grpc_channel *ch;
  qv__rpc rpc;
} raw_put;

static void raw_open(raw_put *r, int port) {
  char target[64];
  snprintf(target, sizeof target, "127.0.0.1:%d", port);
  grpc_channel_credentials *creds = grpc_insecure_credentials_create();
  r->ch = grpc_channel_create(target, creds, NULL);
  grpc_channel_credentials_release(creds);
  memset(&r->rpc, 0, sizeof r->rpc);
  grpc_metadata_array_init(&r->rpc.initial_md);
  r->rpc.cq = grpc_completion_queue_create_for_next(NULL);
  r->rpc.owns_cq = true;
  grpc_slice method = grpc_slice_from_static_string(QV__FLIGHT_SERVICE "DoPut");
  r->rpc.call = grpc_channel_create_call(r->ch, NULL, GRPC_PROPAGATE_DEFAULTS, r->rpc.cq, method, NULL,
                                         gpr_inf_future(GPR_CLOCK_REALTIME), NULL);
  grpc_op op;
  memset(&op, 0, sizeof op);
  op.op = GRPC_OP_SEND_INITIAL_METADATA;
  OK(qv__rpc_run(&r->rpc, &op, 1, "start", err));
}

/* Sends FlightData(header, body) and returns the call's status. */
static qv_status raw_send(int port, const uint8_t *header, size_t header_len, const uint8_t *body, size_t body_len,
                          int repeat, qv_error *e) {
  raw_put r;
  raw_open(&r, port);
  for (int i = 0; i < repeat; i++) {
    qv__flight_out o;
    OK(qv__flight_out_start(&o, NULL, header, header_len, NULL, 0, (int64_t)body_len, err));
    if (body_len) OK(qv__flight_out_body(&o, grpc_slice_from_copied_buffer((const char *)body, body_len), err));
    grpc_byte_buffer *bb = NULL;
    OK(qv__flight_out_finish(&o, &bb, err));
    if (qv__rpc_send(&r.rpc, bb, e) != QV_OK) break;
  }
  qv__rpc_half_close(&r.rpc, e);
  for (int i = 0; i < 16; i++) {
    grpc_byte_buffer *bb = NULL;
    if (qv__rpc_recv(&r.rpc, &bb, e) != QV_OK || bb == NULL) break;
    grpc_byte_buffer_destroy(bb);
  }
  qv_status st = qv__rpc_client_finish(&r.rpc, e);
  qv__rpc_free(&r.rpc);
  grpc_channel_destroy(r.ch);
  return st;
}

/* The Schema message and a RecordBatch message of a small table, as an
 * IPC stream (prefix + metadata + body). */
static qv_buffer *small_stream(void) {
  qv_schema *s = tu_all_types_schema();
  const int64_t lengths[] = {3};
  qv_table *t = tu_table(s, lengths, 1, true);
  qv_schema_release(s);
  qv_buffer *buf = NULL;
  OK(qv_ipc_write_stream_buffer(t, NULL, &buf, err));
  qv_table_release(t);
  return buf;
}

static void test_hostile_messages_over_do_put(void **state) {
  qv_flight_handlers h;
  memset(&h, 0, sizeof h);
  h.do_put = h_put;
  qv_flight_server *srv = NULL;
  OK(qv_flight_server_start("grpc://127.0.0.1:0", &h, NULL, &srv, err));
  int port = qv_flight_server_port(srv);
  qv_error e;

  /* a data_header that is not a flatbuffer Message */
  const uint8_t junk[16] = {0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  assert_int_equal(raw_send(port, junk, sizeof junk, NULL, 0, 1, &e), QV_ERR_INVALID_ARGUMENT);
  assert_non_null(strstr(e.message, "flight message 1"));

  /* the schema, then a RecordBatch whose body is cut short */
  qv_buffer *stream = small_stream();
  const uint8_t *p = stream->data;
  int32_t meta_len;
  memcpy(&meta_len, p + 4, 4);
  const uint8_t *schema_meta = p + 8;
  const uint8_t *batch = schema_meta + meta_len;
  int32_t batch_meta_len;
  memcpy(&batch_meta_len, batch + 4, 4);
  const uint8_t *batch_meta = batch + 8;
  const uint8_t *batch_body = batch_meta + batch_meta_len;
  raw_put r;
  raw_open(&r, port);
  qv__flight_out o;
  grpc_byte_buffer *bb = NULL;
  OK(qv__flight_out_start(&o, NULL, schema_meta, (size_t)meta_len, NULL, 0, 0, err));
  OK(qv__flight_out_finish(&o, &bb, err));
  OK(qv__rpc_send(&r.rpc, bb, err));
  OK(qv__flight_out_start(&o, NULL, batch_meta, (size_t)batch_meta_len, NULL, 0, 8, err));
  OK(qv__flight_out_body(&o, grpc_slice_from_copied_buffer((const char *)batch_body, 8), err));
  OK(qv__flight_out_finish(&o, &bb, err));
  qv__rpc_send(&r.rpc, bb, &e);
  qv__rpc_half_close(&r.rpc, &e);
  assert_int_equal(qv__rpc_client_finish(&r.rpc, &e), QV_ERR_INVALID_ARGUMENT);
  assert_non_null(strstr(e.message, "data_body has 8 bytes but the message's bodyLength is"));
  qv__rpc_free(&r.rpc);
  grpc_channel_destroy(r.ch);

  /* a RecordBatch before any Schema */
  assert_int_equal(raw_send(port, batch_meta, (size_t)batch_meta_len, batch_body, 64, 1, &e), QV_ERR_INVALID_ARGUMENT);
  if (strstr(e.message, "before the Schema") == NULL && strstr(e.message, "bodyLength") == NULL)
    fail_msg("unexpected: %s", e.message);

  /* two Schema messages */
  assert_int_equal(raw_send(port, schema_meta, (size_t)meta_len, NULL, 0, 2, &e), QV_ERR_INVALID_ARGUMENT);
  assert_non_null(strstr(e.message, "a second Schema message"));

  /* the server is still up and well after all that */
  qv_flight_client *c = NULL;
  char uri[64];
  snprintf(uri, sizeof uri, "grpc://127.0.0.1:%d", port);
  OK(qv_flight_client_connect(uri, NULL, &c, err));
  qv_table *t = NULL;
  assert_int_equal(qv_flight_client_do_get_table(c, "x", 1, &t, &e), QV_ERR_NOT_IMPLEMENTED);
  qv_flight_client_free(c);

  qv_buffer_release(stream);
  qv_flight_server_free(srv);
}

int main(void) {
  grpc_init();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_agrees_with_protobuf_c),
      cmocka_unit_test(test_unknown_fields_skipped),
      cmocka_unit_test(test_truncated_varint),
      cmocka_unit_test(test_length_past_end),
      cmocka_unit_test(test_huge_body_length),
      cmocka_unit_test(test_overlong_varint),
      cmocka_unit_test(test_wrong_wire_type),
      cmocka_unit_test(test_group_wire_type),
      cmocka_unit_test(test_field_zero),
      cmocka_unit_test(test_truncated_fixed),
      cmocka_unit_test(test_bad_descriptor),
      cmocka_unit_test(test_large_body_across_many_slices),
      cmocka_unit_test(test_hostile_messages_over_do_put),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  grpc_shutdown();
  return rc;
}
