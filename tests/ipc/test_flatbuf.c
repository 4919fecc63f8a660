/* Tests for the FlatBuffers builder and reader: Arrow messages built with
 * fb_builder, verified with the Arrow descriptors and read back field by
 * field; builder reuse, default elision, vtable sharing, allocation failure
 * and misuse. Malformed input lives in test_flatbuf_verify.c, real Arrow C++
 * files in test_flatbuf_gold.c. */
#include "ipc/test_flatbuf_util.h"

static void check_field_children(const qv_fb_table *f, uint8_t tag) {
  qv_fb_vector kids;
  qv_fb_table c, ty;
  const char *s;
  size_t n;
  int nk = tf_nchildren(tag);
  assert_int_equal(qv_fb_table_get_vector(f, FB_FIELD_CHILDREN, &kids), nk > 0);
  assert_int_equal(qv_fb_vector_len(&kids), nk);
  for (int i = 0; i < nk; i++) {
    assert_true(qv_fb_vector_get_table(&kids, (uint32_t)i, &c));
    assert_true(qv_fb_table_get_string(&c, FB_FIELD_NAME, &s, &n));
    if (tag == FB_TYPE_MAP) {
      assert_string_equal(s, "entries");
      assert_false(qv_fb_table_has(&c, FB_FIELD_NULLABLE)); /* false is the default */
      assert_false(qv_fb_table_get_bool(&c, FB_FIELD_NULLABLE, false));
      assert_int_equal(qv_fb_table_get_union(&c, FB_FIELD_TYPE_TYPE, &ty), FB_TYPE_STRUCT);
      check_field_children(&c, FB_TYPE_STRUCT);
    } else {
      assert_string_equal(s, i == 0 ? "c0" : "c1");
      assert_int_equal(qv_fb_table_get_union(&c, FB_FIELD_TYPE_TYPE, &ty), FB_TYPE_INT);
      tf_check_type(FB_TYPE_INT, &ty);
    }
  }
}

static void check_schema(const qv_fb_table *schema) {
  qv_fb_vector fields, meta, feat;
  qv_fb_table f, ty, kv, dict, idx;
  const char *s;
  size_t n;
  char name[16];

  assert_false(qv_fb_table_has(schema, FB_SCHEMA_ENDIANNESS)); /* default elided */
  assert_int_equal(qv_fb_table_get_int16(schema, FB_SCHEMA_ENDIANNESS, FB_ENDIANNESS_LITTLE),
                   FB_ENDIANNESS_LITTLE);
  assert_true(qv_fb_table_get_vector(schema, FB_SCHEMA_FIELDS, &fields));
  assert_int_equal(qv_fb_vector_len(&fields), TF_NFIELDS);
  for (int tag = 1; tag < FB_TYPE_COUNT; tag++) {
    assert_true(qv_fb_vector_get_table(&fields, (uint32_t)(tag - 1), &f));
    snprintf(name, sizeof name, "f%d", tag);
    assert_true(qv_fb_table_get_string(&f, FB_FIELD_NAME, &s, &n));
    assert_int_equal(n, strlen(name));
    assert_true(qv__fb_string_eq(s, n, name));
    assert_int_equal(qv_fb_table_get_bool(&f, FB_FIELD_NULLABLE, false), tag % 2 == 0);
    assert_int_equal(qv_fb_table_get_union(&f, FB_FIELD_TYPE_TYPE, &ty), tag);
    tf_check_type((uint8_t)tag, &ty);
    assert_false(qv_fb_table_has(&f, FB_FIELD_DICTIONARY));
    assert_false(qv_fb_table_get_table(&f, FB_FIELD_DICTIONARY, &dict));
    assert_false(qv_fb_table_present(&dict));
    check_field_children(&f, (uint8_t)tag);
  }
  /* the dictionary-encoded field */
  assert_true(qv_fb_vector_get_table(&fields, TF_NFIELDS - 1, &f));
  assert_true(qv_fb_table_get_string(&f, FB_FIELD_NAME, &s, &n));
  assert_string_equal(s, "dict");
  assert_int_equal(qv_fb_table_get_union(&f, FB_FIELD_TYPE_TYPE, &ty), FB_TYPE_UTF8);
  assert_true(qv_fb_table_get_table(&f, FB_FIELD_DICTIONARY, &dict));
  assert_int_equal(qv_fb_table_get_int64(&dict, FB_DICTIONARY_ENCODING_ID, -1), 42);
  assert_true(qv_fb_table_get_bool(&dict, FB_DICTIONARY_ENCODING_IS_ORDERED, false));
  assert_int_equal(qv_fb_table_get_int16(&dict, FB_DICTIONARY_ENCODING_KIND, -1),
                   -1); /* absent: caller's default */
  assert_true(qv_fb_table_get_table(&dict, FB_DICTIONARY_ENCODING_INDEX_TYPE, &idx));
  assert_int_equal(qv_fb_table_get_int32(&idx, FB_INT_BIT_WIDTH, 0), 8);
  assert_true(qv_fb_table_get_bool(&idx, FB_INT_IS_SIGNED, false));
  assert_true(qv_fb_table_get_vector(&f, FB_FIELD_CUSTOM_METADATA, &meta));
  assert_int_equal(qv_fb_vector_len(&meta), 1);
  assert_true(qv_fb_vector_get_table(&meta, 0, &kv));
  assert_true(qv_fb_table_get_string(&kv, FB_KEY_VALUE_KEY, &s, &n));
  assert_string_equal(s, "ARROW:extension:name");
  assert_true(qv_fb_table_get_string(&kv, FB_KEY_VALUE_VALUE, &s, &n));
  assert_string_equal(s, "arrow.json");
  assert_false(qv_fb_table_get_vector(&f, FB_FIELD_CHILDREN, &fields) && fields.len != 0);

  /* schema metadata, including an empty value */
  assert_true(qv_fb_table_get_vector(schema, FB_SCHEMA_CUSTOM_METADATA, &meta));
  assert_int_equal(qv_fb_vector_len(&meta), 2);
  assert_true(qv_fb_vector_get_table(&meta, 1, &kv));
  assert_true(qv_fb_table_get_string(&kv, FB_KEY_VALUE_KEY, &s, &n));
  assert_string_equal(s, "empty");
  assert_true(qv_fb_table_get_string(&kv, FB_KEY_VALUE_VALUE, &s, &n));
  assert_int_equal(n, 0);
  assert_string_equal(s, "");
  assert_true(qv_fb_table_get_vector(schema, FB_SCHEMA_FEATURES, &feat));
  assert_int_equal(qv_fb_vector_len(&feat), 2);
  assert_int_equal(qv_fb_vector_get_int64(&feat, 0), FB_FEATURE_DICTIONARY_REPLACEMENT);
  assert_int_equal(qv_fb_vector_get_int64(&feat, 1), FB_FEATURE_COMPRESSED_BODY);
  assert_int_equal(qv_fb_vector_get_int64(&feat, 2), 0); /* out of range reads 0 */
}

static void test_schema_message_roundtrip(void **state) {
  (void)state;
  qv_fb_builder b;
  const uint8_t *data;
  size_t len;
  qv_fb_table msg, schema;
  qv_error err;
  qv__fb_builder_init(&b);
  tf_schema_message(&b, &data, &len);
  assert_int_equal(len % 8, 0);
  uint8_t *copy = tf_dup(data, len);
  assert_int_equal(qv__fb_verify_message(copy, len, &msg, &err), QV_OK);
  assert_int_equal(qv_fb_table_get_int16(&msg, FB_MESSAGE_VERSION, 0), FB_METADATA_V5);
  assert_int_equal(qv_fb_table_get_int64(&msg, FB_MESSAGE_BODY_LENGTH, 0), 0);
  assert_false(qv_fb_table_has(&msg, FB_MESSAGE_BODY_LENGTH));
  assert_false(qv_fb_table_has(&msg, FB_MESSAGE_CUSTOM_METADATA));
  assert_int_equal(qv_fb_table_get_union(&msg, FB_MESSAGE_HEADER_TYPE, &schema), FB_HEADER_SCHEMA);
  check_schema(&schema);
  tf_walk_table(&msg, &qv__fb_desc_message);
  free(copy);
  qv__fb_builder_free(&b);
}

static void check_record_batch(const qv_fb_table *rb) {
  qv_fb_vector nodes, buffers, counts;
  qv_fb_table comp;
  assert_int_equal(qv_fb_table_get_int64(rb, FB_RECORD_BATCH_LENGTH, -1), 100);
  assert_true(qv_fb_table_get_vector(rb, FB_RECORD_BATCH_NODES, &nodes));
  assert_int_equal(qv_fb_vector_len(&nodes), 3);
  for (uint32_t i = 0; i < 3; i++) {
    const uint8_t *p = qv_fb_vector_get_struct(&nodes, i, FB_FIELD_NODE_SIZE);
    assert_int_equal(qv_fb_load_i64(p + FB_FIELD_NODE_LENGTH), 100);
    assert_int_equal(qv_fb_load_i64(p + FB_FIELD_NODE_NULL_COUNT), i);
  }
  assert_null(qv_fb_vector_get_struct(&nodes, 3, FB_FIELD_NODE_SIZE));
  assert_true(qv_fb_table_get_vector(rb, FB_RECORD_BATCH_BUFFERS, &buffers));
  assert_int_equal(qv_fb_vector_len(&buffers), 5);
  for (uint32_t i = 0; i < 5; i++) {
    const uint8_t *p = qv_fb_vector_get_struct(&buffers, i, FB_BUFFER_SIZE);
    assert_int_equal(qv_fb_load_i64(p + FB_BUFFER_OFFSET), 64 * i);
    assert_int_equal(qv_fb_load_i64(p + FB_BUFFER_LENGTH), 10 * i);
    assert_int_equal((uintptr_t)(p - rb->buf) % 8, 0);
  }
  assert_true(qv_fb_table_get_table(rb, FB_RECORD_BATCH_COMPRESSION, &comp));
  assert_int_equal(qv_fb_table_get_int8(&comp, FB_BODY_COMPRESSION_CODEC, 0), FB_COMPRESSION_ZSTD);
  assert_false(qv_fb_table_has(&comp, FB_BODY_COMPRESSION_METHOD));
  assert_int_equal(qv_fb_table_get_int8(&comp, FB_BODY_COMPRESSION_METHOD, 0),
                   FB_COMPRESSION_METHOD_BUFFER);
  assert_true(qv_fb_table_get_vector(rb, FB_RECORD_BATCH_VARIADIC_BUFFER_COUNTS, &counts));
  assert_int_equal(qv_fb_vector_len(&counts), 2);
  assert_int_equal(qv_fb_vector_get_int64(&counts, 0), 2);
  assert_int_equal(qv_fb_vector_get_int64(&counts, 1), 0);
}

static void test_record_batch_message_roundtrip(void **state) {
  (void)state;
  qv_fb_builder b;
  const uint8_t *data;
  size_t len;
  qv_fb_table msg, rb;
  qv_error err;
  qv__fb_builder_init(&b);
  tf_record_batch_message(&b, &data, &len);
  uint8_t *copy = tf_dup(data, len);
  assert_int_equal(qv__fb_verify_message(copy, len, &msg, &err), QV_OK);
  assert_int_equal(qv_fb_table_get_int64(&msg, FB_MESSAGE_BODY_LENGTH, -1), 4096);
  assert_int_equal(qv_fb_table_get_union(&msg, FB_MESSAGE_HEADER_TYPE, &rb), FB_HEADER_RECORD_BATCH);
  check_record_batch(&rb);
  free(copy);
  qv__fb_builder_free(&b);
}

static void test_dictionary_batch_message_roundtrip(void **state) {
  (void)state;
  qv_fb_builder b;
  const uint8_t *data;
  size_t len;
  qv_fb_ref rb, db;
  qv_fb_table msg, dbt, rbt;
  qv_error err;
  qv__fb_builder_init(&b);
  rb = tf_record_batch(&b);
  OKB(qv__fb_start_table(&b));
  OKB(qv__fb_add_int64(&b, FB_DICTIONARY_BATCH_ID, 42, 0));
  OKB(qv__fb_add_offset(&b, FB_DICTIONARY_BATCH_DATA, rb));
  OKB(qv__fb_add_bool(&b, FB_DICTIONARY_BATCH_IS_DELTA, true, false));
  OKB(qv__fb_end_table(&b, &db));
  tf_message(&b, FB_HEADER_DICTIONARY_BATCH, db, 4096, &data, &len);
  uint8_t *copy = tf_dup(data, len);
  assert_int_equal(qv__fb_verify_message(copy, len, &msg, &err), QV_OK);
  assert_int_equal(qv_fb_table_get_union(&msg, FB_MESSAGE_HEADER_TYPE, &dbt),
                   FB_HEADER_DICTIONARY_BATCH);
  assert_int_equal(qv_fb_table_get_int64(&dbt, FB_DICTIONARY_BATCH_ID, 0), 42);
  assert_true(qv_fb_table_get_bool(&dbt, FB_DICTIONARY_BATCH_IS_DELTA, false));
  assert_true(qv_fb_table_get_table(&dbt, FB_DICTIONARY_BATCH_DATA, &rbt));
  check_record_batch(&rbt);
  free(copy);
  qv__fb_builder_free(&b);
}

static void test_footer_roundtrip(void **state) {
  (void)state;
  qv_fb_builder b;
  const uint8_t *data;
  size_t len;
  qv_fb_ref schema, dicts, batches, footer;
  qv_fb_table ft, st;
  qv_fb_vector v;
  qv_error err;
  uint8_t *p;
  qv__fb_builder_init(&b);
  schema = tf_schema(&b);
  OKB(qv__fb_start_vector(&b, 1, FB_BLOCK_SIZE, 8, &p));
  qv_fb_store_i64(p + FB_BLOCK_OFFSET, 8);
  qv_fb_store_i32(p + FB_BLOCK_META_DATA_LENGTH, 200);
  qv_fb_store_i64(p + FB_BLOCK_BODY_LENGTH, 64);
  OKB(qv__fb_end_vector(&b, &dicts));
  OKB(qv__fb_start_vector(&b, 2, FB_BLOCK_SIZE, 8, &p));
  for (int i = 0; i < 2; i++) {
    qv_fb_store_i64(p + FB_BLOCK_SIZE * i + FB_BLOCK_OFFSET, 1000 + 500 * i);
    qv_fb_store_i32(p + FB_BLOCK_SIZE * i + FB_BLOCK_META_DATA_LENGTH, 256);
    qv_fb_store_i64(p + FB_BLOCK_SIZE * i + FB_BLOCK_BODY_LENGTH, (int64_t)1 << 40);
  }
  OKB(qv__fb_end_vector(&b, &batches));
  OKB(qv__fb_start_table(&b));
  OKB(qv__fb_add_int16(&b, FB_FOOTER_VERSION, FB_METADATA_V5, 0));
  OKB(qv__fb_add_offset(&b, FB_FOOTER_SCHEMA, schema));
  OKB(qv__fb_add_offset(&b, FB_FOOTER_DICTIONARIES, dicts));
  OKB(qv__fb_add_offset(&b, FB_FOOTER_RECORD_BATCHES, batches));
  OKB(qv__fb_end_table(&b, &footer));
  OKB(qv__fb_builder_finish(&b, footer, &data, &len, &err));
  uint8_t *copy = tf_dup(data, len);
  assert_int_equal(qv__fb_verify_footer(copy, len, &ft, &err), QV_OK);
  assert_int_equal(qv_fb_table_get_int16(&ft, FB_FOOTER_VERSION, 0), FB_METADATA_V5);
  assert_true(qv_fb_table_get_table(&ft, FB_FOOTER_SCHEMA, &st));
  check_schema(&st);
  assert_true(qv_fb_table_get_vector(&ft, FB_FOOTER_DICTIONARIES, &v));
  assert_int_equal(qv_fb_vector_len(&v), 1);
  p = (uint8_t *)qv_fb_vector_get_struct(&v, 0, FB_BLOCK_SIZE);
  assert_int_equal(qv_fb_load_i64(p + FB_BLOCK_OFFSET), 8);
  assert_int_equal(qv_fb_load_i32(p + FB_BLOCK_META_DATA_LENGTH), 200);
  assert_int_equal(qv_fb_load_i64(p + FB_BLOCK_BODY_LENGTH), 64);
  assert_true(qv_fb_table_get_vector(&ft, FB_FOOTER_RECORD_BATCHES, &v));
  assert_int_equal(qv_fb_vector_len(&v), 2);
  p = (uint8_t *)qv_fb_vector_get_struct(&v, 1, FB_BLOCK_SIZE);
  assert_int_equal(qv_fb_load_i64(p + FB_BLOCK_OFFSET), 1500);
  assert_int_equal(qv_fb_load_i64(p + FB_BLOCK_BODY_LENGTH), (int64_t)1 << 40);
  free(copy);
  qv__fb_builder_free(&b);
}

static void test_default_elision(void **state) {
  (void)state;
  qv_fb_builder b;
  const uint8_t *data;
  size_t len;
  qv_fb_ref t1, t2;
  qv__fb_builder_init(&b);
  OKB(qv__fb_start_table(&b));
  OKB(qv__fb_add_int32(&b, FB_DECIMAL_PRECISION, 10, 0));
  OKB(qv__fb_add_int32(&b, FB_DECIMAL_SCALE, 0, 0));
  OKB(qv__fb_add_int32(&b, FB_DECIMAL_BIT_WIDTH, 128, FB_DECIMAL_DEFAULT_BIT_WIDTH));
  OKB(qv__fb_end_table(&b, &t1));
  qv__fb_builder_force_defaults(&b, true);
  OKB(qv__fb_start_table(&b));
  OKB(qv__fb_add_int32(&b, FB_DECIMAL_PRECISION, 10, 0));
  OKB(qv__fb_add_int32(&b, FB_DECIMAL_SCALE, 0, 0));
  OKB(qv__fb_add_int32(&b, FB_DECIMAL_BIT_WIDTH, 128, FB_DECIMAL_DEFAULT_BIT_WIDTH));
  OKB(qv__fb_end_table(&b, &t2));
  OKB(qv__fb_builder_finish(&b, t2, &data, &len, NULL));
  /* Both tables are in the buffer; read them by their final positions. */
  qv_fb_table a = qv_fb_table_at(data, (uint32_t)(len - t1));
  qv_fb_table c = qv_fb_table_at(data, (uint32_t)(len - t2));
  assert_true(qv_fb_table_has(&a, FB_DECIMAL_PRECISION));
  assert_false(qv_fb_table_has(&a, FB_DECIMAL_SCALE));
  assert_false(qv_fb_table_has(&a, FB_DECIMAL_BIT_WIDTH));
  assert_int_equal(qv_fb_table_get_int32(&a, FB_DECIMAL_BIT_WIDTH, FB_DECIMAL_DEFAULT_BIT_WIDTH), 128);
  assert_true(qv_fb_table_has(&c, FB_DECIMAL_SCALE));
  assert_true(qv_fb_table_has(&c, FB_DECIMAL_BIT_WIDTH));
  assert_int_equal(qv_fb_table_get_int32(&c, FB_DECIMAL_BIT_WIDTH, 0), 128);
  qv__fb_builder_free(&b);
}

static void test_vtable_dedup(void **state) {
  (void)state;
  qv_fb_builder b;
  const uint8_t *data;
  size_t len;
  qv_fb_ref i1, i2, i3;
  qv__fb_builder_init(&b);
  i1 = tf_int_type(&b, 32, true);
  i2 = tf_int_type(&b, 64, true);
  i3 = tf_int_type(&b, 64, false); /* is_signed elided: different vtable */
  OKB(qv__fb_builder_finish(&b, i3, &data, &len, NULL));
  qv_fb_table a = qv_fb_table_at(data, (uint32_t)(len - i1));
  qv_fb_table c = qv_fb_table_at(data, (uint32_t)(len - i2));
  qv_fb_table d = qv_fb_table_at(data, (uint32_t)(len - i3));
  assert_int_equal(a.vt, c.vt);
  assert_true(c.vt > c.pos); /* shared vtable lies above: negative soffset */
  assert_int_not_equal(a.vt, d.vt);
  assert_int_equal(qv_fb_table_get_int32(&a, FB_INT_BIT_WIDTH, 0), 32);
  assert_int_equal(qv_fb_table_get_int32(&c, FB_INT_BIT_WIDTH, 0), 64);
  assert_false(qv_fb_table_get_bool(&d, FB_INT_IS_SIGNED, false));
  qv__fb_builder_free(&b);
}

/* Counting allocator; fails once `budget` successful calls are used up. */
typedef struct counting {
  int calls;
  int budget;
} counting;

static void *counting_realloc(void *ctx, void *ptr, size_t size) {
  counting *c = ctx;
  if (size == 0) {
    free(ptr);
    return NULL;
  }
  if (c->budget >= 0 && c->calls >= c->budget) return NULL;
  c->calls++;
  return realloc(ptr, size);
}

static void test_builder_reuse_allocates_nothing(void **state) {
  (void)state;
  qv_fb_builder b;
  counting c = {0, -1};
  const uint8_t *data;
  size_t len, len1;
  qv__fb_builder_init(&b);
  qv__fb_builder_set_allocator(&b, counting_realloc, &c);
  tf_schema_message(&b, &data, &len1);
  uint8_t *first = tf_dup(data, len1);
  int warm = c.calls;
  assert_true(warm > 0);
  for (int round = 0; round < 3; round++) {
    qv__fb_builder_reset(&b);
    tf_record_batch_message(&b, &data, &len);
    qv__fb_builder_reset(&b);
    tf_schema_message(&b, &data, &len);
    assert_int_equal(len, len1);
    assert_memory_equal(data, first, len); /* deterministic output */
  }
  assert_int_equal(c.calls, warm);
  free(first);
  qv__fb_builder_free(&b);
}

static void test_builder_no_memory(void **state) {
  (void)state;
  qv_fb_builder b;
  counting c = {0, 0};
  qv_fb_ref r;
  const uint8_t *data;
  size_t len;
  qv_error err;
  qv__fb_builder_init(&b);
  qv__fb_builder_set_allocator(&b, counting_realloc, &c);
  assert_int_equal(qv__fb_create_string(&b, "x", 1, &r), QV_ERR_NO_MEMORY);
  assert_int_equal(r, 0);
  /* sticky: later calls fail the same way and do nothing */
  assert_int_equal(qv__fb_start_table(&b), QV_ERR_NO_MEMORY);
  assert_int_equal(qv__fb_builder_finish(&b, 4, &data, &len, &err), QV_ERR_NO_MEMORY);
  assert_int_equal(err.code, QV_ERR_NO_MEMORY);
  assert_contains(err.message, "out of memory");
  assert_null(data);

  qv__fb_builder_free(&b);
}

/* Failure while growing an existing buffer (not the first allocation). */
static void test_builder_no_memory_midway(void **state) {
  (void)state;
  qv_fb_builder b;
  counting c = {0, 1};
  qv_fb_ref r = 1;
  const uint8_t *data;
  size_t len;
  qv_error err;
  char big[300];
  memset(big, 'a', sizeof big);
  qv__fb_builder_init(&b);
  qv__fb_builder_set_allocator(&b, counting_realloc, &c);
  OKB(qv__fb_create_string(&b, big, 10, &r)); /* first block of 256 bytes */
  qv_status st = QV_OK;
  for (int i = 0; i < 10 && st == QV_OK; i++) st = qv__fb_create_string(&b, big, sizeof big, &r);
  assert_int_equal(st, QV_ERR_NO_MEMORY);
  assert_int_equal(qv__fb_builder_status(&b), QV_ERR_NO_MEMORY);
  assert_int_equal(qv__fb_builder_finish(&b, 4, &data, &len, &err), QV_ERR_NO_MEMORY);
  assert_contains(err.message, "flatbuffer builder: out of memory growing the buffer to");
  /* reset clears the error; the builder works again with memory */
  qv__fb_builder_reset(&b);
  c.budget = -1;
  OKB(qv__fb_create_string(&b, big, sizeof big, &r));
  qv__fb_builder_free(&b);
}

static void test_builder_misuse(void **state) {
  (void)state;
  qv_fb_builder b;
  qv_fb_ref r;
  const uint8_t *data;
  size_t len;
  qv_error err;
  qv__fb_builder_init(&b);
  OKB(qv__fb_start_table(&b));
  assert_int_equal(qv__fb_create_string(&b, "x", 1, &r), QV_ERR_INVALID_ARGUMENT);
  assert_int_equal(qv__fb_builder_finish(&b, 4, &data, &len, &err), QV_ERR_INVALID_ARGUMENT);
  assert_contains(err.message, "cannot create a string while a table is open");

  qv__fb_builder_reset(&b);
  assert_int_equal(qv__fb_add_int32(&b, 0, 1, 0), QV_ERR_INVALID_ARGUMENT);
  qv__fb_builder_reset(&b);
  OKB(qv__fb_start_table(&b));
  assert_int_equal(qv__fb_add_int32(&b, QV_FB_MAX_SLOTS, 1, 0), QV_ERR_INVALID_ARGUMENT);
  qv__fb_builder_reset(&b);
  assert_int_equal(qv__fb_end_table(&b, &r), QV_ERR_INVALID_ARGUMENT);
  qv__fb_builder_reset(&b);
  OKB(qv__fb_start_table(&b));
  OKB(qv__fb_end_table(&b, &r));
  assert_int_equal(qv__fb_builder_finish(&b, r + 100, &data, &len, &err), QV_ERR_INVALID_ARGUMENT);
  qv__fb_builder_reset(&b);
  qv_fb_ref bad = 12345;
  assert_int_equal(qv__fb_create_vector_refs(&b, &bad, 1, &r), QV_ERR_INVALID_ARGUMENT);
  qv__fb_builder_reset(&b);
  assert_int_equal(qv__fb_create_vector_from_stack(&b, 1, &r), QV_ERR_INVALID_ARGUMENT);
  qv__fb_builder_free(&b);
}

static void test_builder_size_limit(void **state) {
  (void)state;
  qv_fb_builder b;
  qv_fb_ref r;
  const uint8_t *data;
  size_t len;
  qv_error err;
  char big[1000] = {0};
  qv__fb_builder_init(&b);
  b.max_size = 512;
  assert_int_equal(qv__fb_create_string(&b, big, sizeof big, &r), QV_ERR_LIMIT);
  assert_int_equal(qv__fb_builder_finish(&b, 4, &data, &len, &err), QV_ERR_LIMIT);
  assert_contains(err.message, "exceed");
  qv__fb_builder_free(&b);
}

static void test_ref_stack_and_empty_objects(void **state) {
  (void)state;
  qv_fb_builder b;
  qv_fb_ref r, name, kids, empty_meta, empty_name;
  const uint8_t *data;
  size_t len;
  qv_fb_table msg, schema, f;
  qv_fb_vector v;
  const char *s;
  size_t n;
  qv__fb_builder_init(&b);
  /* 100 fields pushed on the ref stack (forces stack growth). */
  for (int i = 0; i < 100; i++) {
    char nm[8];
    snprintf(nm, sizeof nm, "x%d", i);
    name = tf_string(&b, nm);
    OKB(qv__fb_create_vector_refs(&b, NULL, 0, &kids));
    OKB(qv__fb_start_table(&b));
    OKB(qv__fb_add_offset(&b, FB_FIELD_NAME, name));
    OKB(qv__fb_add_offset(&b, FB_FIELD_CHILDREN, kids));
    OKB(qv__fb_end_table(&b, &r));
    OKB(qv__fb_push_ref(&b, r));
  }
  OKB(qv__fb_create_vector_from_stack(&b, 100, &kids));
  OKB(qv__fb_create_vector(&b, NULL, 0, FB_FIELD_NODE_SIZE, 8, &empty_meta));
  OKB(qv__fb_create_string(&b, "", 0, &empty_name));
  (void)empty_name;
  OKB(qv__fb_start_table(&b));
  OKB(qv__fb_add_offset(&b, FB_SCHEMA_FIELDS, kids));
  OKB(qv__fb_end_table(&b, &r));
  tf_message(&b, FB_HEADER_SCHEMA, r, 0, &data, &len);
  uint8_t *copy = tf_dup(data, len);
  OKB(qv__fb_verify_message(copy, len, &msg, NULL));
  assert_int_equal(qv_fb_table_get_union(&msg, FB_MESSAGE_HEADER_TYPE, &schema), FB_HEADER_SCHEMA);
  assert_true(qv_fb_table_get_vector(&schema, FB_SCHEMA_FIELDS, &v));
  assert_int_equal(v.len, 100);
  assert_true(qv_fb_vector_get_table(&v, 99, &f));
  assert_true(qv_fb_table_get_string(&f, FB_FIELD_NAME, &s, &n));
  assert_string_equal(s, "x99");
  assert_true(qv_fb_table_get_vector(&f, FB_FIELD_CHILDREN, &v)); /* present, empty */
  assert_int_equal(v.len, 0);
  assert_false(qv_fb_vector_get_table(&v, 0, &f));
  assert_false(qv_fb_table_present(&f));
  /* Field without a type: union reads as NONE */
  assert_int_equal(qv_fb_table_get_union(&f, FB_FIELD_TYPE_TYPE, &schema), FB_TYPE_NONE);
  free(copy);
  qv__fb_builder_free(&b);
}

/* Verification checks alignment relative to the buffer start, and loads go
 * through memcpy: a message copied to an odd address still verifies and
 * reads (UBSan would flag a misaligned typed load). */
static void test_buffer_at_odd_address(void **state) {
  (void)state;
  qv_fb_builder b;
  const uint8_t *data;
  size_t len;
  qv_fb_table msg, rb;
  qv__fb_builder_init(&b);
  tf_record_batch_message(&b, &data, &len);
  uint8_t *raw = malloc(len + 1);
  assert_non_null(raw);
  memcpy(raw + 1, data, len);
  OKB(qv__fb_verify_message(raw + 1, len, &msg, NULL));
  assert_int_equal(qv_fb_table_get_union(&msg, FB_MESSAGE_HEADER_TYPE, &rb), FB_HEADER_RECORD_BATCH);
  check_record_batch(&rb);
  free(raw);
  qv__fb_builder_free(&b);
}

/* The slot constants of fb_arrow.h and the descriptors of fb_arrow.c must
 * agree: check names by slot. */
static void expect_slot(const qv_fb_table_desc *d, unsigned slot, const char *name) {
  if (slot >= d->nslots) fail_msg("%s has no slot %u (%s)", d->name, slot, name);
  if (strcmp(d->slots[slot].name, name) != 0) {
    fail_msg("%s slot %u is %s, expected %s", d->name, slot, d->slots[slot].name, name);
  }
}

static void test_slot_constants_match_descriptors(void **state) {
  (void)state;
  const qv_fb_table_desc *m = &qv__fb_desc_message, *s = &qv__fb_desc_schema, *ft = &qv__fb_desc_footer;
  expect_slot(m, FB_MESSAGE_VERSION, "version");
  expect_slot(m, FB_MESSAGE_HEADER_TYPE, "header_type");
  expect_slot(m, FB_MESSAGE_HEADER, "header");
  expect_slot(m, FB_MESSAGE_BODY_LENGTH, "bodyLength");
  expect_slot(m, FB_MESSAGE_CUSTOM_METADATA, "custom_metadata");
  assert_int_equal(m->nslots, 5);
  const qv_fb_union_desc *hu = m->slots[FB_MESSAGE_HEADER].uni;
  assert_ptr_equal(hu->members[FB_HEADER_SCHEMA], s);
  const qv_fb_table_desc *rb = hu->members[FB_HEADER_RECORD_BATCH];
  const qv_fb_table_desc *db = hu->members[FB_HEADER_DICTIONARY_BATCH];
  assert_string_equal(rb->name, "RecordBatch");
  expect_slot(rb, FB_RECORD_BATCH_LENGTH, "length");
  expect_slot(rb, FB_RECORD_BATCH_NODES, "nodes");
  expect_slot(rb, FB_RECORD_BATCH_BUFFERS, "buffers");
  expect_slot(rb, FB_RECORD_BATCH_COMPRESSION, "compression");
  expect_slot(rb, FB_RECORD_BATCH_VARIADIC_BUFFER_COUNTS, "variadicBufferCounts");
  const qv_fb_table_desc *bc = rb->slots[FB_RECORD_BATCH_COMPRESSION].table;
  expect_slot(bc, FB_BODY_COMPRESSION_CODEC, "codec");
  expect_slot(bc, FB_BODY_COMPRESSION_METHOD, "method");
  assert_string_equal(db->name, "DictionaryBatch");
  expect_slot(db, FB_DICTIONARY_BATCH_ID, "id");
  expect_slot(db, FB_DICTIONARY_BATCH_DATA, "data");
  expect_slot(db, FB_DICTIONARY_BATCH_IS_DELTA, "isDelta");

  expect_slot(s, FB_SCHEMA_ENDIANNESS, "endianness");
  expect_slot(s, FB_SCHEMA_FIELDS, "fields");
  expect_slot(s, FB_SCHEMA_CUSTOM_METADATA, "custom_metadata");
  expect_slot(s, FB_SCHEMA_FEATURES, "features");
  const qv_fb_table_desc *f = s->slots[FB_SCHEMA_FIELDS].table;
  expect_slot(f, FB_FIELD_NAME, "name");
  expect_slot(f, FB_FIELD_NULLABLE, "nullable");
  expect_slot(f, FB_FIELD_TYPE_TYPE, "type_type");
  expect_slot(f, FB_FIELD_TYPE, "type");
  expect_slot(f, FB_FIELD_DICTIONARY, "dictionary");
  expect_slot(f, FB_FIELD_CHILDREN, "children");
  expect_slot(f, FB_FIELD_CUSTOM_METADATA, "custom_metadata");
  const qv_fb_table_desc *kv = f->slots[FB_FIELD_CUSTOM_METADATA].table;
  expect_slot(kv, FB_KEY_VALUE_KEY, "key");
  expect_slot(kv, FB_KEY_VALUE_VALUE, "value");
  const qv_fb_table_desc *de = f->slots[FB_FIELD_DICTIONARY].table;
  expect_slot(de, FB_DICTIONARY_ENCODING_ID, "id");
  expect_slot(de, FB_DICTIONARY_ENCODING_INDEX_TYPE, "indexType");
  expect_slot(de, FB_DICTIONARY_ENCODING_IS_ORDERED, "isOrdered");
  expect_slot(de, FB_DICTIONARY_ENCODING_KIND, "dictionaryKind");

  const qv_fb_union_desc *tu = f->slots[FB_FIELD_TYPE].uni;
  static const char *const names[FB_TYPE_COUNT] = {
      NULL, "Null", "Int", "FloatingPoint", "Binary", "Utf8", "Bool", "Decimal", "Date", "Time",
      "Timestamp", "Interval", "List", "Struct_", "Union", "FixedSizeBinary", "FixedSizeList",
      "Map", "Duration", "LargeBinary", "LargeUtf8", "LargeList", "RunEndEncoded", "BinaryView",
      "Utf8View", "ListView", "LargeListView"};
  assert_int_equal(tu->nmembers, FB_TYPE_COUNT);
  for (int tag = 1; tag < FB_TYPE_COUNT; tag++) {
    assert_string_equal(tu->members[tag]->name, names[tag]);
    assert_string_equal(qv__fb_type_name((uint8_t)tag), names[tag]);
  }
  assert_string_equal(qv__fb_type_name(200), "unknown");
  assert_string_equal(qv__fb_header_name(FB_HEADER_RECORD_BATCH), "RecordBatch");
  expect_slot(tu->members[FB_TYPE_INT], FB_INT_BIT_WIDTH, "bitWidth");
  expect_slot(tu->members[FB_TYPE_INT], FB_INT_IS_SIGNED, "is_signed");
  expect_slot(tu->members[FB_TYPE_FLOATING_POINT], FB_FLOATING_POINT_PRECISION, "precision");
  expect_slot(tu->members[FB_TYPE_DECIMAL], FB_DECIMAL_PRECISION, "precision");
  expect_slot(tu->members[FB_TYPE_DECIMAL], FB_DECIMAL_SCALE, "scale");
  expect_slot(tu->members[FB_TYPE_DECIMAL], FB_DECIMAL_BIT_WIDTH, "bitWidth");
  expect_slot(tu->members[FB_TYPE_DATE], FB_DATE_UNIT, "unit");
  expect_slot(tu->members[FB_TYPE_TIME], FB_TIME_UNIT, "unit");
  expect_slot(tu->members[FB_TYPE_TIME], FB_TIME_BIT_WIDTH, "bitWidth");
  expect_slot(tu->members[FB_TYPE_TIMESTAMP], FB_TIMESTAMP_UNIT, "unit");
  expect_slot(tu->members[FB_TYPE_TIMESTAMP], FB_TIMESTAMP_TIMEZONE, "timezone");
  expect_slot(tu->members[FB_TYPE_INTERVAL], FB_INTERVAL_UNIT, "unit");
  expect_slot(tu->members[FB_TYPE_DURATION], FB_DURATION_UNIT, "unit");
  expect_slot(tu->members[FB_TYPE_UNION], FB_UNION_MODE, "mode");
  expect_slot(tu->members[FB_TYPE_UNION], FB_UNION_TYPE_IDS, "typeIds");
  expect_slot(tu->members[FB_TYPE_FIXED_SIZE_BINARY], FB_FIXED_SIZE_BINARY_BYTE_WIDTH, "byteWidth");
  expect_slot(tu->members[FB_TYPE_FIXED_SIZE_LIST], FB_FIXED_SIZE_LIST_LIST_SIZE, "listSize");
  expect_slot(tu->members[FB_TYPE_MAP], FB_MAP_KEYS_SORTED, "keysSorted");

  expect_slot(ft, FB_FOOTER_VERSION, "version");
  expect_slot(ft, FB_FOOTER_SCHEMA, "schema");
  expect_slot(ft, FB_FOOTER_DICTIONARIES, "dictionaries");
  expect_slot(ft, FB_FOOTER_RECORD_BATCHES, "recordBatches");
  assert_ptr_equal(ft->slots[FB_FOOTER_SCHEMA].table, s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_schema_message_roundtrip),
      cmocka_unit_test(test_record_batch_message_roundtrip),
      cmocka_unit_test(test_dictionary_batch_message_roundtrip),
      cmocka_unit_test(test_footer_roundtrip),
      cmocka_unit_test(test_default_elision),
      cmocka_unit_test(test_vtable_dedup),
      cmocka_unit_test(test_builder_reuse_allocates_nothing),
      cmocka_unit_test(test_builder_no_memory),
      cmocka_unit_test(test_builder_no_memory_midway),
      cmocka_unit_test(test_builder_misuse),
      cmocka_unit_test(test_builder_size_limit),
      cmocka_unit_test(test_ref_stack_and_empty_objects),
      cmocka_unit_test(test_buffer_at_odd_address),
      cmocka_unit_test(test_slot_constants_match_descriptors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
