/* Tests for src/ipc/metadata_decode.c, bad input: each class of
 * structurally valid but semantically wrong metadata (missing required
 * tables, bad type parameters and child counts, union codes, unknown types,
 * versions and header kinds, negative or out-of-body sizes, unknown codecs,
 * nesting) is rejected with its own status code and a message that names
 * the field path or node/buffer index. */
#include "ipc/metadata.h"
#include "ipc/test_flatbuf_util.h"

/* A Schema message with one Field built by `mk` (which adds fields to an
 * open Field table after building what it needs). */
typedef void (*field_maker)(qv_fb_builder *b);

static void expect_schema_error(field_maker mk, qv_status code, const char *needle) {
  qv_fb_builder b;
  const uint8_t *data;
  size_t len;
  qv_fb_ref fields, schema;
  qv_error err;
  qv_ipc_message msg;
  qv_ipc_schema_info info;
  qv__fb_builder_init(&b);
  mk(&b); /* leaves one Field ref on the ref stack */
  OKB(qv__fb_create_vector_from_stack(&b, 1, &fields));
  OKB(qv__fb_start_table(&b));
  OKB(qv__fb_add_offset(&b, FB_SCHEMA_FIELDS, fields));
  OKB(qv__fb_end_table(&b, &schema));
  tf_message(&b, FB_HEADER_SCHEMA, schema, 0, &data, &len);
  uint8_t *copy = tf_dup(data, len);
  OKB(qv__ipc_message_decode(copy, len, &msg, &err));
  qv_status st = qv__ipc_schema_decode(&msg.header, &info, &err);
  if (st != code) fail_msg("expected %d, got %d: %s", (int)code, (int)st, st ? err.message : "");
  assert_int_equal(err.code, code);
  assert_contains(err.message, needle);
  assert_null(info.schema);
  free(copy);
  qv__fb_builder_free(&b);
}

/* Field "x" of type `tag` built by tf_type, with `nkids` Int children. */
static void push_field(qv_fb_builder *b, uint8_t tag, int nkids, qv_fb_ref type_override) {
  qv_fb_ref kids = 0, r;
  for (int i = 0; i < nkids; i++) OKB(qv__fb_push_ref(b, tf_field(b, "k", true, FB_TYPE_INT)));
  OKB(qv__fb_create_vector_from_stack(b, (size_t)nkids, &kids));
  qv_fb_ref name = tf_string(b, "x");
  qv_fb_ref ty = type_override ? type_override : (tag ? tf_type(b, tag) : 0);
  OKB(qv__fb_start_table(b));
  OKB(qv__fb_add_offset(b, FB_FIELD_NAME, name));
  OKB(qv__fb_add_union(b, FB_FIELD_TYPE_TYPE, tag, ty));
  OKB(qv__fb_add_offset(b, FB_FIELD_CHILDREN, kids));
  OKB(qv__fb_end_table(b, &r));
  OKB(qv__fb_push_ref(b, r));
}

static void mk_no_type(qv_fb_builder *b) { push_field(b, FB_TYPE_NONE, 0, 0); }
static void mk_bad_int(qv_fb_builder *b) {
  qv_fb_ref t;
  OKB(qv__fb_start_table(b));
  OKB(qv__fb_add_int32(b, FB_INT_BIT_WIDTH, 12, 0));
  OKB(qv__fb_end_table(b, &t));
  push_field(b, FB_TYPE_INT, 0, t);
}
static void mk_list_two_kids(qv_fb_builder *b) { push_field(b, FB_TYPE_LIST, 2, 0); }
static void mk_int_with_kids(qv_fb_builder *b) { push_field(b, FB_TYPE_INT, 1, 0); }
static void mk_union_count(qv_fb_builder *b) { push_field(b, FB_TYPE_UNION, 3, 0); } /* typeIds has 2 */
static void mk_union_code(qv_fb_builder *b) {
  static const int32_t ids[2] = {1, 200};
  qv_fb_ref v, t;
  OKB(qv__fb_create_vector_int32(b, ids, 2, &v));
  OKB(qv__fb_start_table(b));
  OKB(qv__fb_add_offset(b, FB_UNION_TYPE_IDS, v));
  OKB(qv__fb_end_table(b, &t));
  push_field(b, FB_TYPE_UNION, 2, t);
}
static void mk_unknown_type(qv_fb_builder *b) {
  qv_fb_ref t;
  OKB(qv__fb_start_table(b));
  OKB(qv__fb_end_table(b, &t));
  push_field(b, 27, 0, t);
}
static void mk_bad_precision(qv_fb_builder *b) {
  qv_fb_ref t;
  OKB(qv__fb_start_table(b));
  OKB(qv__fb_add_int16(b, FB_FLOATING_POINT_PRECISION, 9, 0));
  OKB(qv__fb_end_table(b, &t));
  push_field(b, FB_TYPE_FLOATING_POINT, 0, t);
}
static void mk_negative_fsb(qv_fb_builder *b) {
  qv_fb_ref t;
  OKB(qv__fb_start_table(b));
  OKB(qv__fb_add_int32(b, FB_FIXED_SIZE_BINARY_BYTE_WIDTH, -4, 0));
  OKB(qv__fb_end_table(b, &t));
  push_field(b, FB_TYPE_FIXED_SIZE_BINARY, 0, t);
}
static void mk_time_mismatch(qv_fb_builder *b) {
  qv_fb_ref t;
  OKB(qv__fb_start_table(b));
  OKB(qv__fb_add_int16(b, FB_TIME_UNIT, FB_TIMEUNIT_NANOSECOND, 1));
  OKB(qv__fb_end_table(b, &t)); /* bitWidth defaults to 32 */
  push_field(b, FB_TYPE_TIME, 0, t);
}
static void mk_decimal_precision(qv_fb_builder *b) {
  qv_fb_ref t;
  OKB(qv__fb_start_table(b));
  OKB(qv__fb_add_int32(b, FB_DECIMAL_PRECISION, 50, 0));
  OKB(qv__fb_end_table(b, &t)); /* decimal128 allows 38 */
  push_field(b, FB_TYPE_DECIMAL, 0, t);
}

static void test_bad_field_types(void **state) {
  (void)state;
  expect_schema_error(mk_no_type, QV_ERR_INVALID_DATA, "field 'x': Field.type is missing");
  expect_schema_error(mk_bad_int, QV_ERR_INVALID_DATA, "field 'x': Int bitWidth 12 is not 8, 16, 32 or 64");
  expect_schema_error(mk_list_two_kids, QV_ERR_INVALID_DATA, "field 'x': a List field must have 1 child, it has 2");
  expect_schema_error(mk_int_with_kids, QV_ERR_INVALID_DATA, "field 'x': a Int field must have 0 children, it has 1");
  expect_schema_error(mk_union_count, QV_ERR_INVALID_DATA, "Union typeIds has 2 entries for 3 children");
  expect_schema_error(mk_union_code, QV_ERR_INVALID_DATA, "Union type id 200 of child 1 is outside 0..127");
  expect_schema_error(mk_unknown_type, QV_ERR_UNSUPPORTED, "field 'x': Type 27 is not supported");
  expect_schema_error(mk_bad_precision, QV_ERR_INVALID_DATA, "FloatingPoint precision 9 is unknown");
  expect_schema_error(mk_negative_fsb, QV_ERR_INVALID_DATA, "field 'x': fixed_size_binary byte width -4");
  expect_schema_error(mk_time_mismatch, QV_ERR_INVALID_DATA, "Time with unit 3 needs bitWidth 64, not 32");
  expect_schema_error(mk_decimal_precision, QV_ERR_INVALID_DATA, "field 'x': decimal128 precision 50");
}

static void test_nested_field_path_in_message(void **state) {
  (void)state;
  /* struct "outer" > struct "mid" > Int(12) "x": the path names all three */
  qv_fb_builder b;
  const uint8_t *data;
  size_t len;
  qv_fb_ref t, r, kids, fields, schema;
  qv_error err;
  qv_ipc_message msg;
  qv_ipc_schema_info info;
  qv__fb_builder_init(&b);
  OKB(qv__fb_start_table(&b));
  OKB(qv__fb_add_int32(&b, FB_INT_BIT_WIDTH, 12, 0));
  OKB(qv__fb_end_table(&b, &t));
  qv_fb_ref nm = tf_string(&b, "x");
  OKB(qv__fb_start_table(&b));
  OKB(qv__fb_add_offset(&b, FB_FIELD_NAME, nm));
  OKB(qv__fb_add_union(&b, FB_FIELD_TYPE_TYPE, FB_TYPE_INT, t));
  OKB(qv__fb_end_table(&b, &r));
  const char *names[2] = {"mid", "outer"};
  for (int i = 0; i < 2; i++) {
    OKB(qv__fb_create_vector_refs(&b, &r, 1, &kids));
    nm = tf_string(&b, names[i]);
    qv_fb_ref st = tf_type(&b, FB_TYPE_STRUCT);
    OKB(qv__fb_start_table(&b));
    OKB(qv__fb_add_offset(&b, FB_FIELD_NAME, nm));
    OKB(qv__fb_add_union(&b, FB_FIELD_TYPE_TYPE, FB_TYPE_STRUCT, st));
    OKB(qv__fb_add_offset(&b, FB_FIELD_CHILDREN, kids));
    OKB(qv__fb_end_table(&b, &r));
  }
  OKB(qv__fb_create_vector_refs(&b, &r, 1, &fields));
  OKB(qv__fb_start_table(&b));
  OKB(qv__fb_add_offset(&b, FB_SCHEMA_FIELDS, fields));
  OKB(qv__fb_end_table(&b, &schema));
  tf_message(&b, FB_HEADER_SCHEMA, schema, 0, &data, &len);
  OKB(qv__ipc_message_decode(data, len, &msg, &err));
  assert_int_equal(qv__ipc_schema_decode(&msg.header, &info, &err), QV_ERR_INVALID_DATA);
  assert_contains(err.message, "field 'outer.mid.x': Int bitWidth 12");
  qv__fb_builder_free(&b);
}

static void test_field_depth_limit(void **state) {
  (void)state;
  /* 70 nested structs: past the verifier's default depth, so verify with a
   * deeper limit and let the schema decoder's own limit fire. */
  qv_fb_builder b;
  const uint8_t *data;
  size_t len;
  qv_fb_ref r = 0, kids, fields, schema, msg;
  qv_error err;
  qv_fb_table root, hdr;
  qv_ipc_schema_info info;
  qv__fb_builder_init(&b);
  for (int i = 0; i < 70; i++) {
    kids = 0;
    if (r) OKB(qv__fb_create_vector_refs(&b, &r, 1, &kids));
    qv_fb_ref st = tf_type(&b, i == 0 ? FB_TYPE_NULL : FB_TYPE_STRUCT);
    OKB(qv__fb_start_table(&b));
    OKB(qv__fb_add_union(&b, FB_FIELD_TYPE_TYPE, i == 0 ? FB_TYPE_NULL : FB_TYPE_STRUCT, st));
    OKB(qv__fb_add_offset(&b, FB_FIELD_CHILDREN, kids));
    OKB(qv__fb_end_table(&b, &r));
  }
  OKB(qv__fb_create_vector_refs(&b, &r, 1, &fields));
  OKB(qv__fb_start_table(&b));
  OKB(qv__fb_add_offset(&b, FB_SCHEMA_FIELDS, fields));
  OKB(qv__fb_end_table(&b, &schema));
  OKB(qv__fb_start_table(&b));
  OKB(qv__fb_add_int16(&b, FB_MESSAGE_VERSION, FB_METADATA_V5, 0));
  OKB(qv__fb_add_union(&b, FB_MESSAGE_HEADER_TYPE, FB_HEADER_SCHEMA, schema));
  OKB(qv__fb_end_table(&b, &msg));
  OKB(qv__fb_builder_finish(&b, msg, &data, &len, NULL));
  qv_ipc_message m;
  assert_int_equal(qv__ipc_message_decode(data, len, &m, &err), QV_ERR_LIMIT);
  qv_fb_verify_opts deep = {200, 0, false};
  OKB(qv__fb_verify(data, len, &qv__fb_desc_message, &deep, &root, &err));
  qv_fb_table_get_union(&root, FB_MESSAGE_HEADER_TYPE, &hdr);
  assert_int_equal(qv__ipc_schema_decode(&hdr, &info, &err), QV_ERR_LIMIT);
  assert_contains(err.message, "fields nested more than 64 levels deep");
  qv__fb_builder_free(&b);
}

/* Message-level checks, built directly. */
static void message_with(qv_fb_builder *b, int16_t version, uint8_t htype, qv_fb_ref header,
                         int64_t body, const uint8_t **data, size_t *len) {
  qv_fb_ref m;
  OKB(qv__fb_start_table(b));
  OKB(qv__fb_add_int16(b, FB_MESSAGE_VERSION, version, -1));
  if (htype != 0) OKB(qv__fb_add_union(b, FB_MESSAGE_HEADER_TYPE, htype, header));
  OKB(qv__fb_add_int64(b, FB_MESSAGE_BODY_LENGTH, body, 0));
  OKB(qv__fb_end_table(b, &m));
  OKB(qv__fb_builder_finish(b, m, data, len, NULL));
}

static void expect_message(int16_t version, uint8_t htype, int64_t body, qv_status code, const char *needle) {
  qv_fb_builder b;
  const uint8_t *data;
  size_t len;
  qv_ipc_message msg;
  qv_error err;
  qv__fb_builder_init(&b);
  qv_fb_ref h = 0;
  if (htype == FB_HEADER_SCHEMA) {
    qv_fb_ref f;
    OKB(qv__fb_create_vector_refs(&b, NULL, 0, &f));
    OKB(qv__fb_start_table(&b));
    OKB(qv__fb_add_offset(&b, FB_SCHEMA_FIELDS, f));
    OKB(qv__fb_end_table(&b, &h));
  } else if (htype != 0) {
    OKB(qv__fb_start_table(&b));
    OKB(qv__fb_end_table(&b, &h));
  }
  message_with(&b, version, htype, h, body, &data, &len);
  qv_status st = qv__ipc_message_decode(data, len, &msg, &err);
  if (st != code) fail_msg("expected %d got %d (%s)", (int)code, (int)st, st ? err.message : "");
  if (code != QV_OK) assert_contains(err.message, needle);
  qv__fb_builder_free(&b);
}

static void test_bad_messages(void **state) {
  (void)state;
  expect_message(FB_METADATA_V5, FB_HEADER_SCHEMA, 0, QV_OK, NULL);
  expect_message(FB_METADATA_V4, FB_HEADER_SCHEMA, 0, QV_OK, NULL);
  expect_message(FB_METADATA_V3, FB_HEADER_SCHEMA, 0, QV_ERR_UNSUPPORTED, "version 2 (V3) is not supported");
  expect_message(5, FB_HEADER_SCHEMA, 0, QV_ERR_UNSUPPORTED, "version 5 (V6)");
  expect_message(FB_METADATA_V5, 0, 0, QV_ERR_INVALID_DATA, "Message has no header");
  expect_message(FB_METADATA_V5, FB_HEADER_TENSOR, 0, QV_ERR_UNSUPPORTED, "Message header Tensor (4) is not supported");
  expect_message(FB_METADATA_V5, 9, 0, QV_ERR_UNSUPPORTED, "Message header unknown (9)");
  expect_message(FB_METADATA_V5, FB_HEADER_RECORD_BATCH, -8, QV_ERR_INVALID_DATA, "bodyLength -8 is negative");
  expect_message(FB_METADATA_V5, FB_HEADER_SCHEMA, 16, QV_ERR_INVALID_DATA, "Schema message has a body of 16 bytes");
}

static void test_missing_required_tables(void **state) {
  (void)state;
  qv_fb_builder b;
  const uint8_t *data;
  size_t len;
  qv_fb_ref h, v, rb;
  qv_ipc_message msg;
  qv_ipc_schema_info info;
  qv_ipc_batch_header bh;
  qv_ipc_dict_batch_header dh;
  qv_ipc_footer f;
  qv_error err;
  qv__fb_builder_init(&b);
  /* Schema without fields */
  OKB(qv__fb_start_table(&b));
  OKB(qv__fb_end_table(&b, &h));
  message_with(&b, FB_METADATA_V5, FB_HEADER_SCHEMA, h, 0, &data, &len);
  OKB(qv__ipc_message_decode(data, len, &msg, &err));
  assert_int_equal(qv__ipc_schema_decode(&msg.header, &info, &err), QV_ERR_INVALID_DATA);
  assert_contains(err.message, "Schema.fields is missing");
  /* RecordBatch without nodes, then without buffers */
  assert_int_equal(qv__ipc_batch_decode(&msg.header, 0, &bh, &err), QV_ERR_INVALID_DATA);
  assert_contains(err.message, "RecordBatch.nodes is missing");
  qv__fb_builder_reset(&b);
  OKB(qv__fb_create_vector(&b, NULL, 0, 16, 8, &v));
  OKB(qv__fb_start_table(&b));
  OKB(qv__fb_add_offset(&b, FB_RECORD_BATCH_NODES, v));
  OKB(qv__fb_end_table(&b, &rb));
  message_with(&b, FB_METADATA_V5, FB_HEADER_RECORD_BATCH, rb, 0, &data, &len);
  OKB(qv__ipc_message_decode(data, len, &msg, &err));
  assert_int_equal(qv__ipc_batch_decode(&msg.header, 0, &bh, &err), QV_ERR_INVALID_DATA);
  assert_contains(err.message, "RecordBatch.buffers is missing");
  /* DictionaryBatch without data */
  qv__fb_builder_reset(&b);
  OKB(qv__fb_start_table(&b));
  OKB(qv__fb_add_int64(&b, FB_DICTIONARY_BATCH_ID, 5, 0));
  OKB(qv__fb_end_table(&b, &h));
  message_with(&b, FB_METADATA_V5, FB_HEADER_DICTIONARY_BATCH, h, 0, &data, &len);
  OKB(qv__ipc_message_decode(data, len, &msg, &err));
  assert_int_equal(qv__ipc_dict_batch_decode(&msg.header, 0, &dh, &err), QV_ERR_INVALID_DATA);
  assert_contains(err.message, "DictionaryBatch 5: data is missing");
  /* Footer without schema */
  qv__fb_builder_reset(&b);
  OKB(qv__fb_start_table(&b));
  OKB(qv__fb_add_int16(&b, FB_FOOTER_VERSION, FB_METADATA_V5, 0));
  OKB(qv__fb_end_table(&b, &h));
  OKB(qv__fb_builder_finish(&b, h, &data, &len, NULL));
  assert_int_equal(qv__ipc_footer_decode(data, len, &f, &err), QV_ERR_INVALID_DATA);
  assert_contains(err.message, "Footer.schema is missing");
  qv__fb_builder_free(&b);
}

static void expect_batch(const qv_ipc_batch_desc *d, int64_t body, const char *needle) {
  qv_fb_builder b;
  const uint8_t *data;
  size_t len;
  qv_ipc_message msg;
  qv_ipc_batch_header h;
  qv_error err;
  qv__fb_builder_init(&b);
  OKB(qv__ipc_batch_message_encode(&b, d, body, &data, &len, &err));
  OKB(qv__ipc_message_decode(data, len, &msg, &err));
  assert_int_equal(qv__ipc_batch_decode(&msg.header, msg.body_length, &h, &err), QV_ERR_INVALID_DATA);
  assert_contains(err.message, needle);
  qv__fb_builder_free(&b);
}

static void test_bad_batch_headers(void **state) {
  (void)state;
  qv_ipc_field_node nodes[2] = {{4, 0}, {4, 0}};
  qv_ipc_buffer_loc bufs[2] = {{0, 8}, {8, 8}};
  int64_t vc[1] = {-1};
  qv_ipc_batch_desc d = {4, nodes, 2, bufs, 2, NULL, 0, QV_IPC_NO_COMPRESSION};
  d.length = -1;
  expect_batch(&d, 16, "RecordBatch.length -1 is negative");
  d.length = 4;
  nodes[1].length = -3;
  expect_batch(&d, 16, "RecordBatch node 1: length -3 is negative");
  nodes[1] = (qv_ipc_field_node){4, 5};
  expect_batch(&d, 16, "RecordBatch node 1: null_count 5 is outside [0, length 4]");
  nodes[1] = (qv_ipc_field_node){4, -1};
  expect_batch(&d, 16, "null_count -1 is outside");
  nodes[1] = (qv_ipc_field_node){4, 0};
  bufs[0].offset = -8;
  expect_batch(&d, 16, "RecordBatch buffer 0: offset -8 or length 8 is negative");
  bufs[0] = (qv_ipc_buffer_loc){INT64_MAX - 4, 8}; /* offset + length overflows */
  expect_batch(&d, 16, "RecordBatch buffer 0 [offset 9223372036854775803, length 8] extends past the body");
  bufs[0] = (qv_ipc_buffer_loc){0, 8};
  expect_batch(&d, 8, "RecordBatch buffer 1 [offset 8, length 8] extends past the body (8 bytes)");
  d.variadic_counts = vc;
  d.n_variadic = 1;
  expect_batch(&d, 16, "RecordBatch.variadicBufferCounts[0] = -1 is negative");

  /* unknown codec / method, written by hand */
  for (int which = 0; which < 2; which++) {
    qv_fb_builder b;
    const uint8_t *data;
    size_t len;
    qv_fb_ref nv, bv, comp, rb;
    qv_ipc_message msg;
    qv_ipc_batch_header h;
    qv_error err;
    qv__fb_builder_init(&b);
    OKB(qv__fb_create_vector(&b, NULL, 0, 16, 8, &nv));
    OKB(qv__fb_create_vector(&b, NULL, 0, 16, 8, &bv));
    OKB(qv__fb_start_table(&b));
    OKB(qv__fb_add_int8(&b, which == 0 ? FB_BODY_COMPRESSION_CODEC : FB_BODY_COMPRESSION_METHOD, 7, 0));
    OKB(qv__fb_end_table(&b, &comp));
    OKB(qv__fb_start_table(&b));
    OKB(qv__fb_add_offset(&b, FB_RECORD_BATCH_NODES, nv));
    OKB(qv__fb_add_offset(&b, FB_RECORD_BATCH_BUFFERS, bv));
    OKB(qv__fb_add_offset(&b, FB_RECORD_BATCH_COMPRESSION, comp));
    OKB(qv__fb_end_table(&b, &rb));
    message_with(&b, FB_METADATA_V5, FB_HEADER_RECORD_BATCH, rb, 0, &data, &len);
    OKB(qv__ipc_message_decode(data, len, &msg, &err));
    assert_int_equal(qv__ipc_batch_decode(&msg.header, 0, &h, &err), QV_ERR_INVALID_DATA);
    assert_contains(err.message, which == 0 ? "compression codec 7 is unknown" : "compression method 7 is unknown");
    qv__fb_builder_free(&b);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_bad_field_types),
      cmocka_unit_test(test_nested_field_path_in_message),
      cmocka_unit_test(test_field_depth_limit),
      cmocka_unit_test(test_bad_messages),
      cmocka_unit_test(test_missing_required_tables),
      cmocka_unit_test(test_bad_batch_headers),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
