/* Malformed-flatbuffer tests for the verifier: each bad-input class (root
 * offset, vtable, table size, field offsets, alignment, strings, vectors,
 * unions, depth and DAG limits) is its own test, built by corrupting a valid
 * message at a location found with the reader, and checks both the status
 * code and the message. A mutation sweep at the end checks that no single
 * corrupt byte or truncation crashes the verifier or, once verified, the
 * accessors (run under ASan+UBSan). */
#include "ipc/test_flatbuf_util.h"

typedef struct fixture {
  uint8_t *buf; /* exact-size heap copy */
  size_t len;
  qv_fb_table msg; /* the Message root of the valid buffer */
  qv_fb_table hdr; /* its header table */
} fixture;

static fixture schema_fixture(void) {
  qv_fb_builder b;
  const uint8_t *data;
  fixture f;
  qv__fb_builder_init(&b);
  tf_schema_message(&b, &data, &f.len);
  f.buf = tf_dup(data, f.len);
  qv__fb_builder_free(&b);
  OKB(qv__fb_verify_message(f.buf, f.len, &f.msg, NULL));
  assert_int_equal(qv_fb_table_get_union(&f.msg, FB_MESSAGE_HEADER_TYPE, &f.hdr), FB_HEADER_SCHEMA);
  return f;
}

static fixture record_batch_fixture(void) {
  qv_fb_builder b;
  const uint8_t *data;
  fixture f;
  qv__fb_builder_init(&b);
  tf_record_batch_message(&b, &data, &f.len);
  f.buf = tf_dup(data, f.len);
  qv__fb_builder_free(&b);
  OKB(qv__fb_verify_message(f.buf, f.len, &f.msg, NULL));
  assert_int_equal(qv_fb_table_get_union(&f.msg, FB_MESSAGE_HEADER_TYPE, &f.hdr),
                   FB_HEADER_RECORD_BATCH);
  return f;
}

/* Verifies buf as a Message (through an exact-size copy) expecting `code`
 * and a message containing each of the NULL-terminated needles. */
static void expect_opts(const uint8_t *buf, size_t len, const qv_fb_verify_opts *opts,
                        qv_status code, ...) {
  qv_error err;
  qv_fb_table root;
  memset(&err, 0, sizeof err);
  uint8_t *copy = tf_dup(buf, len);
  qv_status st = qv__fb_verify(copy, len, &qv__fb_desc_message, opts, &root, &err);
  free(copy);
  if (st != code) {
    fail_msg("expected status %d, got %d (%s)", (int)code, (int)st, err.message);
  }
  if (code == QV_OK) return;
  assert_int_equal(err.code, code);
  assert_false(qv_fb_table_present(&root));
  va_list ap;
  va_start(ap, code);
  for (const char *needle = va_arg(ap, const char *); needle != NULL;
       needle = va_arg(ap, const char *)) {
    assert_contains(err.message, needle);
  }
  va_end(ap);
}

#define EXPECT(f, code, ...) expect_opts((f).buf, (f).len, NULL, code, __VA_ARGS__, (const char *)NULL)

/* Byte position of the value of `slot` in table t (must be present). */
static uint32_t slot_pos(const qv_fb_table *t, unsigned slot) {
  uint16_t o = qv_fb_field_offset(t, slot);
  assert_int_not_equal(o, 0);
  return t->pos + o;
}

static uint32_t vt_entry_pos(const qv_fb_table *t, unsigned slot) { return t->vt + 4 + 2 * slot; }

/* ---- buffer and root ---- */

static void test_buffer_too_small(void **state) {
  (void)state;
  static const uint8_t three[3] = {4, 0, 0};
  qv_error err;
  assert_int_equal(qv__fb_verify_message(three, 3, NULL, &err), QV_ERR_INVALID_DATA);
  assert_contains(err.message, "Message metadata of 3 bytes is too small");
  assert_int_equal(qv__fb_verify_message(NULL, 0, NULL, &err), QV_ERR_INVALID_DATA);
}

static void test_buffer_over_2gib(void **state) {
  (void)state;
  static const uint8_t small[8] = {0};
  qv_error err;
  /* The size check comes before any read: the bytes past 8 are never touched. */
  assert_int_equal(qv__fb_verify_message(small, (size_t)1 << 31, NULL, &err), QV_ERR_LIMIT);
  assert_contains(err.message, "exceeds the 2 GiB limit");
}

static void test_root_offset_out_of_range(void **state) {
  (void)state;
  fixture f = schema_fixture();
  qv_fb_store_u32(f.buf, (uint32_t)f.len);
  EXPECT(f, QV_ERR_INVALID_DATA, "root table offset", "is outside the Message metadata");
  qv_fb_store_u32(f.buf, 0xffff0000u);
  EXPECT(f, QV_ERR_INVALID_DATA, "root table offset 4294901760 is outside");
  qv_fb_store_u32(f.buf, 0);
  EXPECT(f, QV_ERR_INVALID_DATA, "root table offset of the Message metadata is 0");
  qv_fb_store_u32(f.buf, f.msg.pos + 2);
  EXPECT(f, QV_ERR_INVALID_DATA, "Message table at byte", "is not 4-byte aligned");
  free(f.buf);
}

/* ---- vtables and tables ---- */

static void test_vtable_out_of_range(void **state) {
  (void)state;
  fixture f = schema_fixture();
  qv_fb_store_i32(f.buf + f.msg.pos, (int32_t)f.msg.pos + 64); /* vtable before byte 0 */
  EXPECT(f, QV_ERR_INVALID_DATA, "Message table at byte", "has its vtable at byte -64",
         "outside the metadata");
  qv_fb_store_i32(f.buf + f.msg.pos, -(int32_t)f.len); /* past the end */
  EXPECT(f, QV_ERR_INVALID_DATA, "outside the metadata (len");
  qv_fb_store_i32(f.buf + f.msg.pos, (int32_t)(f.msg.pos - f.msg.vt) + 1);
  EXPECT(f, QV_ERR_INVALID_DATA, "has its vtable at odd byte");
  free(f.buf);
}

static void test_vtable_odd_size(void **state) {
  (void)state;
  fixture f = schema_fixture();
  qv_fb_store_u16(f.buf + f.msg.vt, 11);
  EXPECT(f, QV_ERR_INVALID_DATA, "Message vtable at byte", "has invalid size 11");
  qv_fb_store_u16(f.buf + f.msg.vt, 2);
  EXPECT(f, QV_ERR_INVALID_DATA, "has invalid size 2 (must be even and >= 4)");
  qv_fb_store_u16(f.buf + f.msg.vt, 0xfffe);
  EXPECT(f, QV_ERR_INVALID_DATA, "(size 65534) extends past end of metadata");
  free(f.buf);
}

static void test_table_size_invalid(void **state) {
  (void)state;
  fixture f = schema_fixture();
  qv_fb_store_u16(f.buf + f.msg.vt + 2, 3);
  EXPECT(f, QV_ERR_INVALID_DATA, "Message table at byte", "invalid inline size 3");
  qv_fb_store_u16(f.buf + f.msg.vt + 2, 0xffff);
  EXPECT(f, QV_ERR_INVALID_DATA, "(inline size 65535) extends past end of metadata");
  free(f.buf);
}

static void test_field_offset_beyond_table(void **state) {
  (void)state;
  fixture f = record_batch_fixture();
  uint32_t e = vt_entry_pos(&f.msg, FB_MESSAGE_BODY_LENGTH);
  qv_fb_store_u16(f.buf + e, f.msg.size);
  EXPECT(f, QV_ERR_INVALID_DATA, "Message.bodyLength (slot 3) has field offset",
         "outside the Message table");
  qv_fb_store_u16(f.buf + e, 2); /* inside the soffset */
  EXPECT(f, QV_ERR_INVALID_DATA, "Message.bodyLength (slot 3) has field offset 2");
  /* inside the table, but the 8-byte scalar does not fit */
  qv_fb_store_u16(f.buf + e, (uint16_t)(f.msg.size - 4));
  EXPECT(f, QV_ERR_INVALID_DATA, "Message.bodyLength (8-byte scalar)",
         "extends past the table's");
  free(f.buf);
}

static void test_unknown_slot_offset_beyond_table(void **state) {
  (void)state;
  /* A slot no descriptor knows (a newer schema) is still bounds-checked. */
  qv_fb_builder b;
  const uint8_t *data;
  size_t len;
  qv_fb_ref r;
  qv__fb_builder_init(&b);
  OKB(qv__fb_start_table(&b));
  OKB(qv__fb_add_int16(&b, FB_MESSAGE_VERSION, FB_METADATA_V5, 0));
  OKB(qv__fb_add_int32(&b, 9, 7, 0)); /* slot 9: unknown to Message */
  OKB(qv__fb_end_table(&b, &r));
  OKB(qv__fb_builder_finish(&b, r, &data, &len, NULL));
  expect_opts(data, len, NULL, QV_OK, (const char *)NULL);
  uint8_t *buf = tf_dup(data, len);
  qv_fb_table t = qv_fb_root(buf);
  qv_fb_store_u16(buf + vt_entry_pos(&t, 9), 0xfff0);
  expect_opts(buf, len, NULL, QV_ERR_INVALID_DATA, "Message.(unknown field) (slot 9)",
              (const char *)NULL);
  free(buf);
  qv__fb_builder_free(&b);
}

/* ---- alignment ---- */

static void test_misaligned_scalar(void **state) {
  (void)state;
  fixture f = schema_fixture();
  qv_fb_store_u16(f.buf + vt_entry_pos(&f.msg, FB_MESSAGE_VERSION), 5);
  EXPECT(f, QV_ERR_INVALID_DATA, "Message.version at byte", "is not 2-byte aligned");
  free(f.buf);
}

static void test_misaligned_vector(void **state) {
  (void)state;
  fixture f = schema_fixture();
  uint32_t at = slot_pos(&f.hdr, FB_SCHEMA_FIELDS);
  qv_fb_store_u32(f.buf + at, qv_fb_load_u32(f.buf + at) + 2);
  EXPECT(f, QV_ERR_INVALID_DATA, "Schema.fields vector at byte", "is not 4-byte aligned");
  free(f.buf);
}

static void test_misaligned_offset_field(void **state) {
  (void)state;
  fixture f = schema_fixture();
  uint32_t e = vt_entry_pos(&f.hdr, FB_SCHEMA_FIELDS);
  qv_fb_store_u16(f.buf + e, (uint16_t)(qv_fb_load_u16(f.buf + e) + 1));
  EXPECT(f, QV_ERR_INVALID_DATA, "Schema.fields offset at byte");
  free(f.buf);
}

/* A RecordBatch whose nodes and variadicBufferCounts data are 4- but not
 * 8-aligned (a 4-byte object is created first to shift them). */
static void build_underaligned_batch(const uint8_t **data, size_t *len, qv_fb_builder *b,
                                     bool underalign_counts) {
  qv_fb_ref dummy, nodes, counts, rb;
  uint8_t *p;
  static const int64_t vc[1] = {3};
  OKB(qv__fb_create_vector(b, NULL, 0, 4, 4, &dummy)); /* 4 bytes: just a length */
  OKB(qv__fb_start_vector(b, 3, FB_FIELD_NODE_SIZE, 4, &p));
  for (int i = 0; i < 3; i++) qv_fb_store_i64(p + 16 * i, 7);
  OKB(qv__fb_end_vector(b, &nodes));
  if (underalign_counts) {
    OKB(qv__fb_create_vector(b, NULL, 0, 4, 4, &dummy));
    OKB(qv__fb_create_vector(b, vc, 1, 8, 4, &counts));
  } else {
    OKB(qv__fb_create_vector_int64(b, vc, 1, &counts));
  }
  OKB(qv__fb_start_table(b));
  OKB(qv__fb_add_int64(b, FB_RECORD_BATCH_LENGTH, 7, 0));
  OKB(qv__fb_add_offset(b, FB_RECORD_BATCH_NODES, nodes));
  OKB(qv__fb_add_offset(b, FB_RECORD_BATCH_VARIADIC_BUFFER_COUNTS, counts));
  OKB(qv__fb_end_table(b, &rb));
  tf_message(b, FB_HEADER_RECORD_BATCH, rb, 0, data, len);
}

static void test_struct_vector_alignment(void **state) {
  (void)state;
  qv_fb_builder b;
  const uint8_t *data;
  size_t len;
  qv_fb_table msg, rb;
  qv_fb_vector v;
  qv__fb_builder_init(&b);
  build_underaligned_batch(&data, &len, &b, false);
  uint8_t *buf = tf_dup(data, len);
  OKB(qv__fb_verify_message(buf, len, &msg, NULL));
  qv_fb_table_get_union(&msg, FB_MESSAGE_HEADER_TYPE, &rb);
  assert_true(qv_fb_table_get_vector(&rb, FB_RECORD_BATCH_NODES, &v));
  assert_int_equal(v.pos % 8, 4); /* the fixture is what it claims */
  /* Default: accepted (arrow-rs wrote such files) and read via memcpy. */
  assert_int_equal(qv_fb_load_i64(qv_fb_vector_get_struct(&v, 2, 16)), 7);
  qv_fb_verify_opts strict = {0, 0, true};
  expect_opts(buf, len, &strict, QV_ERR_INVALID_DATA, "RecordBatch.nodes vector at byte",
              "that are not 8-byte aligned", (const char *)NULL);
  free(buf);

  /* Vectors of 8-byte scalars must be 8-aligned in every mode. */
  qv__fb_builder_reset(&b);
  build_underaligned_batch(&data, &len, &b, true);
  expect_opts(data, len, NULL, QV_ERR_INVALID_DATA, "RecordBatch.variadicBufferCounts vector",
              "not 8-byte aligned", (const char *)NULL);
  qv__fb_builder_free(&b);
}

/* ---- strings ---- */

static void test_string_without_nul(void **state) {
  (void)state;
  fixture f = schema_fixture();
  qv_fb_vector fields;
  qv_fb_table field;
  const char *s;
  size_t n;
  assert_true(qv_fb_table_get_vector(&f.hdr, FB_SCHEMA_FIELDS, &fields));
  assert_true(qv_fb_vector_get_table(&fields, 0, &field));
  assert_true(qv_fb_table_get_string(&field, FB_FIELD_NAME, &s, &n));
  f.buf[(const uint8_t *)s - f.buf + n] = 'X';
  EXPECT(f, QV_ERR_INVALID_DATA, "Field.name string at byte", "is not NUL-terminated");
  free(f.buf);
}

static void test_string_past_end(void **state) {
  (void)state;
  fixture f = schema_fixture();
  qv_fb_vector fields;
  qv_fb_table field;
  const char *s;
  size_t n;
  assert_true(qv_fb_table_get_vector(&f.hdr, FB_SCHEMA_FIELDS, &fields));
  assert_true(qv_fb_vector_get_table(&fields, 3, &field));
  assert_true(qv_fb_table_get_string(&field, FB_FIELD_NAME, &s, &n));
  qv_fb_store_u32((uint8_t *)s - 4, 0xfffffff0u);
  EXPECT(f, QV_ERR_INVALID_DATA, "Field.name string at byte", "(length 4294967280) extends past end");
  free(f.buf);
}

/* ---- offsets and vectors ---- */

static void test_offset_past_end(void **state) {
  (void)state;
  fixture f = schema_fixture();
  uint32_t at = slot_pos(&f.hdr, FB_SCHEMA_FIELDS);
  qv_fb_store_u32(f.buf + at, 0x7ffffff0u);
  EXPECT(f, QV_ERR_INVALID_DATA, "Schema.fields offset at byte", "past end of metadata");
  qv_fb_store_u32(f.buf + at, 0x80000000u); /* would be a negative soffset */
  EXPECT(f, QV_ERR_INVALID_DATA, "Schema.fields offset at byte", "is invalid (2147483648)");
  qv_fb_store_u32(f.buf + at, 0);
  EXPECT(f, QV_ERR_INVALID_DATA, "is invalid (0)");
  free(f.buf);
}

static void test_vector_length_overflow(void **state) {
  (void)state;
  fixture f = record_batch_fixture();
  qv_fb_vector nodes;
  assert_true(qv_fb_table_get_vector(&f.hdr, FB_RECORD_BATCH_NODES, &nodes));
  /* 0xffffffff * 16 needs 36 bits */
  qv_fb_store_u32(f.buf + nodes.pos - 4, 0xffffffffu);
  EXPECT(f, QV_ERR_INVALID_DATA, "RecordBatch.nodes vector at byte",
         "(4294967295 elements of 16 bytes) extends past end of metadata");
  /* 0x10000001 * 16 wraps to 16 in 32-bit arithmetic */
  qv_fb_store_u32(f.buf + nodes.pos - 4, 0x10000001u);
  EXPECT(f, QV_ERR_INVALID_DATA, "(268435457 elements of 16 bytes) extends past end");
  free(f.buf);
}

static void test_vector_of_tables_bad_element(void **state) {
  (void)state;
  fixture f = schema_fixture();
  qv_fb_vector fields;
  assert_true(qv_fb_table_get_vector(&f.hdr, FB_SCHEMA_FIELDS, &fields));
  qv_fb_store_u32(f.buf + fields.pos + 4 * 5, 0x7fff0000u);
  EXPECT(f, QV_ERR_INVALID_DATA, "Schema.fields offset at byte", "past end of metadata");
  qv_fb_store_u32(f.buf + fields.pos + 4 * 5, 2); /* a Field at a misaligned byte */
  EXPECT(f, QV_ERR_INVALID_DATA, "Field table at byte", "is not 4-byte aligned");
  free(f.buf);
}

/* ---- unions ---- */

static void test_union_value_without_tag(void **state) {
  (void)state;
  fixture f = schema_fixture();
  f.buf[slot_pos(&f.msg, FB_MESSAGE_HEADER_TYPE)] = 0;
  EXPECT(f, QV_ERR_INVALID_DATA, "header is present but its tag header_type is NONE");
  free(f.buf);
}

static void test_union_tag_without_value(void **state) {
  (void)state;
  fixture f = schema_fixture();
  qv_fb_store_u16(f.buf + vt_entry_pos(&f.msg, FB_MESSAGE_HEADER), 0);
  EXPECT(f, QV_ERR_INVALID_DATA, "header_type is 1 but header is missing");
  free(f.buf);
}

static void test_union_tag_selects_descriptor(void **state) {
  (void)state;
  fixture f = schema_fixture();
  qv_fb_vector fields;
  qv_fb_table field, ty;
  assert_true(qv_fb_table_get_vector(&f.hdr, FB_SCHEMA_FIELDS, &fields));
  assert_true(qv_fb_vector_get_table(&fields, FB_TYPE_INT - 1, &field));
  assert_int_equal(qv_fb_table_get_union(&field, FB_FIELD_TYPE_TYPE, &ty), FB_TYPE_INT);
  uint32_t tag = slot_pos(&field, FB_FIELD_TYPE_TYPE);
  /* Int's is_signed byte read as Union.typeIds (an offset) is misaligned. */
  f.buf[tag] = FB_TYPE_UNION;
  EXPECT(f, QV_ERR_INVALID_DATA, "Union.typeIds offset at byte");
  /* A tag from a newer Arrow is verified as an opaque table and accepted;
   * the decoder rejects it by name. */
  f.buf[tag] = 200;
  expect_opts(f.buf, f.len, NULL, QV_OK, (const char *)NULL);
  free(f.buf);
}

/* ---- limits ---- */

/* Message > Schema > `nfields` Fields each the only child of the previous. */
static void build_nested(qv_fb_builder *b, int nfields, const uint8_t **data, size_t *len) {
  qv_fb_ref child = 0, r, kids;
  for (int i = 0; i < nfields; i++) {
    kids = 0;
    if (child != 0) OKB(qv__fb_create_vector_refs(b, &child, 1, &kids));
    OKB(qv__fb_start_table(b));
    OKB(qv__fb_add_offset(b, FB_FIELD_CHILDREN, kids));
    OKB(qv__fb_end_table(b, &child));
  }
  OKB(qv__fb_create_vector_refs(b, &child, 1, &kids));
  OKB(qv__fb_start_table(b));
  OKB(qv__fb_add_offset(b, FB_SCHEMA_FIELDS, kids));
  OKB(qv__fb_end_table(b, &r));
  tf_message(b, FB_HEADER_SCHEMA, r, 0, data, len);
}

static void test_depth_limit(void **state) {
  (void)state;
  qv_fb_builder b;
  const uint8_t *data;
  size_t len;
  qv__fb_builder_init(&b);
  build_nested(&b, 62, &data, &len); /* 64 tables deep: the limit */
  expect_opts(data, len, NULL, QV_OK, (const char *)NULL);
  qv__fb_builder_reset(&b);
  build_nested(&b, 63, &data, &len);
  expect_opts(data, len, NULL, QV_ERR_LIMIT, "Field table at byte",
              "is nested more than 64 tables deep", (const char *)NULL);
  qv__fb_builder_reset(&b);
  build_nested(&b, 1000, &data, &len); /* far beyond: rejected before recursing */
  expect_opts(data, len, NULL, QV_ERR_LIMIT, "nested more than 64", (const char *)NULL);
  qv_fb_verify_opts deep = {2000, 0, false};
  expect_opts(data, len, &deep, QV_OK, (const char *)NULL);
  qv__fb_builder_free(&b);
}

static void test_table_count_explosion(void **state) {
  (void)state;
  /* Level k holds children [level k-1, level k-1]: 40 levels fit in a few
   * hundred bytes but would take 2^40 table visits to walk. */
  qv_fb_builder b;
  const uint8_t *data;
  size_t len;
  qv_fb_ref child = 0, pair[2], kids, r;
  qv__fb_builder_init(&b);
  for (int level = 0; level < 40; level++) {
    kids = 0;
    if (child != 0) {
      pair[0] = pair[1] = child;
      OKB(qv__fb_create_vector_refs(&b, pair, 2, &kids));
    }
    OKB(qv__fb_start_table(&b));
    OKB(qv__fb_add_offset(&b, FB_FIELD_CHILDREN, kids));
    OKB(qv__fb_end_table(&b, &child));
  }
  OKB(qv__fb_create_vector_refs(&b, &child, 1, &kids));
  OKB(qv__fb_start_table(&b));
  OKB(qv__fb_add_offset(&b, FB_SCHEMA_FIELDS, kids));
  OKB(qv__fb_end_table(&b, &r));
  tf_message(&b, FB_HEADER_SCHEMA, r, 0, &data, &len);
  assert_true(len < 2000);
  expect_opts(data, len, NULL, QV_ERR_LIMIT, "more than 1000000 tables visited",
              (const char *)NULL);
  qv_fb_verify_opts small = {0, 100, false};
  expect_opts(data, len, &small, QV_ERR_LIMIT, "more than 100 tables visited", (const char *)NULL);
  qv__fb_builder_free(&b);
}

static void test_table_limit_on_valid_schema(void **state) {
  (void)state;
  fixture f = schema_fixture();
  qv_fb_verify_opts small = {0, 10, false};
  expect_opts(f.buf, f.len, &small, QV_ERR_LIMIT, "more than 10 tables visited", (const char *)NULL);
  free(f.buf);
}

/* ---- robustness sweep ---- */

/* Every truncation and a set of corruptions of every byte: the verifier
 * must answer OK, INVALID_DATA or LIMIT, and whatever it accepts must be
 * walkable by the accessors without an out-of-bounds read. */
static void sweep(const uint8_t *orig, size_t len) {
  static const uint8_t xors[] = {0x01, 0x02, 0x04, 0x80, 0xff};
  qv_fb_table root;
  for (size_t cut = 0; cut < len; cut++) {
    uint8_t *p = tf_dup(orig, cut);
    qv_status st = qv__fb_verify_message(p, cut, &root, NULL);
    assert_true(st == QV_OK || st == QV_ERR_INVALID_DATA || st == QV_ERR_LIMIT);
    if (st == QV_OK) tf_walk_table(&root, &qv__fb_desc_message);
    free(p);
  }
  uint8_t *p = tf_dup(orig, len);
  for (size_t i = 0; i < len; i++) {
    for (size_t k = 0; k < sizeof xors; k++) {
      p[i] = orig[i] ^ xors[k];
      qv_status st = qv__fb_verify_message(p, len, &root, NULL);
      assert_true(st == QV_OK || st == QV_ERR_INVALID_DATA || st == QV_ERR_LIMIT);
      if (st == QV_OK) tf_walk_table(&root, &qv__fb_desc_message);
    }
    p[i] = orig[i];
  }
  free(p);
}

static void test_mutation_sweep(void **state) {
  (void)state;
  fixture f = schema_fixture();
  sweep(f.buf, f.len);
  free(f.buf);
  f = record_batch_fixture();
  sweep(f.buf, f.len);
  free(f.buf);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_buffer_too_small),
      cmocka_unit_test(test_buffer_over_2gib),
      cmocka_unit_test(test_root_offset_out_of_range),
      cmocka_unit_test(test_vtable_out_of_range),
      cmocka_unit_test(test_vtable_odd_size),
      cmocka_unit_test(test_table_size_invalid),
      cmocka_unit_test(test_field_offset_beyond_table),
      cmocka_unit_test(test_unknown_slot_offset_beyond_table),
      cmocka_unit_test(test_misaligned_scalar),
      cmocka_unit_test(test_misaligned_vector),
      cmocka_unit_test(test_misaligned_offset_field),
      cmocka_unit_test(test_struct_vector_alignment),
      cmocka_unit_test(test_string_without_nul),
      cmocka_unit_test(test_string_past_end),
      cmocka_unit_test(test_offset_past_end),
      cmocka_unit_test(test_vector_length_overflow),
      cmocka_unit_test(test_vector_of_tables_bad_element),
      cmocka_unit_test(test_union_value_without_tag),
      cmocka_unit_test(test_union_tag_without_value),
      cmocka_unit_test(test_union_tag_selects_descriptor),
      cmocka_unit_test(test_depth_limit),
      cmocka_unit_test(test_table_count_explosion),
      cmocka_unit_test(test_table_limit_on_valid_schema),
      cmocka_unit_test(test_mutation_sweep),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
