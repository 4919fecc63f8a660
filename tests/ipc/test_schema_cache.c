/* The process-wide cache of decoded Schema messages (ipc/schema_cache.h):
 * a stream read twice shares one decoded schema, on the in-place and the
 * copying path alike; a message that differs by any byte is verified and
 * decoded afresh (a corrupted copy of a remembered message fails exactly as
 * without the cache); schemas with dictionaries are not kept; the cache
 * holds at most QV__SCHEMA_CACHE_SLOTS entries; a cached first Schema still
 * makes a second one an error. */
#include "ipc/schema_cache_test_util.h"

static qv_table *read_stream(qv_buffer *b) {
  qv_table *t = NULL;
  OK(qv_ipc_read_stream_buffer(b, NULL, &t, err));
  return t;
}

static void test_second_read_shares_the_schema(void **state) {
  (void)state;
  qv__schema_cache_clear();
  qv_table *src = sc_table(0);
  qv_buffer *b = sc_stream(src);
  qv_table *a = read_stream(b);
  assert_int_equal(qv__schema_cache_size(), 1);
  qv_table *c = read_stream(b);
  assert_ptr_equal(a->schema, c->schema); /* found, not decoded again */
  assert_int_equal(qv__schema_cache_size(), 1);
  tu_assert_tables_equal(src, a, "first read");
  tu_assert_tables_equal(src, c, "second read");
  qv_table_release(a);
  /* the schema outlives the tables that used it, and the cache */
  qv_schema *kept = qv_schema_retain(c->schema);
  qv_table_release(c);
  qv__schema_cache_clear();
  assert_int_equal(qv__schema_cache_size(), 0);
  assert_string_equal(kept->fields[0]->name, "n0");
  qv_schema_release(kept);
  qv_buffer_release(b);
  qv_table_release(src);
}

/* The push decoder fed a few bytes at a time collects the Schema message
 * in its scratch: the cache is consulted there too. */
static void test_copying_path_uses_the_cache(void **state) {
  (void)state;
  qv__schema_cache_clear();
  qv_table *src = sc_table(1);
  qv_buffer *b = sc_stream(src);
  qv_table *first = read_stream(b);
  qv_ipc_decoder *d = NULL;
  OK(qv_ipc_decoder_new(NULL, &d, err));
  for (int64_t pos = 0; pos < b->size; pos += 5) {
    int64_t n = b->size - pos < 5 ? b->size - pos : 5;
    OK(qv_ipc_decoder_feed(d, b->data + pos, (size_t)n, err));
  }
  OK(qv_ipc_decoder_finish(d, err));
  assert_ptr_equal(qv_ipc_decoder_schema(d), first->schema);
  qv_ipc_decoder_free(d);
  qv_table_release(first);
  qv_buffer_release(b);
  qv_table_release(src);
  qv__schema_cache_clear();
}

/* The bytes after the 8-byte prefix of the first message, and their length. */
static const uint8_t *schema_meta(const qv_buffer *b, int32_t *len) {
  assert_true(b->size > 8);
  memcpy(len, b->data + 4, 4);
  return b->data + 8;
}

/* A copy of a remembered Schema message with its root offset broken must
 * fail as it does with the cache empty (the verifier runs: the bytes
 * differ), and a field renamed to another name of the same length must
 * give that name (decoded afresh). */
static void test_changed_bytes_are_verified_and_decoded(void **state) {
  (void)state;
  qv_table *src = sc_table(2);
  qv_buffer *b = sc_stream(src);
  qv_buffer *bad = NULL;
  OK(qv_buffer_allocate(NULL, b->size, false, &bad, err));
  memcpy(bad->data, b->data, (size_t)b->size);
  int32_t len = 0;
  schema_meta(b, &len);
  uint32_t root = 0xFFFFFF00u;
  memcpy(bad->data + 8, &root, 4);

  qv__schema_cache_clear();
  qv_error cold, warm;
  qv_table *t = NULL;
  qv_status st_cold = qv_ipc_read_stream_buffer(bad, NULL, &t, &cold);
  assert_null(t);
  qv_table_release(read_stream(b)); /* remembers the good message */
  assert_int_equal(qv__schema_cache_size(), 1);
  qv_status st_warm = qv_ipc_read_stream_buffer(bad, NULL, &t, &warm);
  assert_null(t);
  assert_int_equal(st_cold, QV_ERR_INVALID_DATA);
  assert_int_equal(st_warm, st_cold);
  assert_string_equal(warm.message, cold.message);
  assert_int_equal(qv__schema_cache_size(), 1); /* a failed message is not remembered */

  /* "n2" -> "m2": same length, another schema */
  memcpy(bad->data, b->data, (size_t)b->size);
  const uint8_t *meta = schema_meta(bad, &len);
  uint8_t *at = memmem(meta, (size_t)len, "n2", 3);
  assert_non_null(at);
  at[0] = 'm';
  qv_table *renamed = read_stream(bad);
  assert_string_equal(renamed->schema->fields[0]->name, "m2");
  assert_int_equal(qv__schema_cache_size(), 2);
  qv_table *again = read_stream(b);
  assert_string_equal(again->schema->fields[0]->name, "n2");
  qv_table_release(again);
  qv_table_release(renamed);
  qv_buffer_release(bad);
  qv_buffer_release(b);
  qv_table_release(src);
  qv__schema_cache_clear();
}

static void test_dictionary_schemas_are_not_kept(void **state) {
  (void)state;
  qv__schema_cache_clear();
  qv_field *f = tu_field("d", tu_dict(qv_type_int32(), qv_type_string()), true);
  qv_schema *schema = NULL;
  OK(qv_schema_new(&f, 1, NULL, &schema, err));
  qv_field_release(f);
  static const int64_t lengths[1] = {4};
  qv_table *src = tu_table(schema, lengths, 1, true);
  qv_buffer *b = sc_stream(src);
  qv_table *a = read_stream(b);
  qv_table *c = read_stream(b);
  assert_int_equal(qv__schema_cache_size(), 0);
  assert_ptr_not_equal(a->schema, c->schema);
  tu_assert_tables_equal(src, c, "dictionary stream");
  qv_table_release(a);
  qv_table_release(c);
  qv_buffer_release(b);
  qv_table_release(src);
  qv_schema_release(schema);
}

static void test_at_most_slots_entries(void **state) {
  (void)state;
  qv__schema_cache_clear();
  enum { N = QV__SCHEMA_CACHE_SLOTS + 3 };
  for (int round = 0; round < 2; round++) {
    for (int k = 0; k < N; k++) {
      qv_table *src = sc_table(10 + k);
      qv_buffer *b = sc_stream(src);
      qv_table *t = read_stream(b);
      tu_assert_tables_equal(src, t, "one of many schemas");
      assert_true(qv__schema_cache_size() <= QV__SCHEMA_CACHE_SLOTS);
      qv_table_release(t);
      qv_buffer_release(b);
      qv_table_release(src);
    }
  }
  assert_int_equal(qv__schema_cache_size(), QV__SCHEMA_CACHE_SLOTS);
  qv__schema_cache_clear();
}

/* Schema message, the same Schema message again, then the rest. */
static void test_second_schema_still_rejected(void **state) {
  (void)state;
  qv_table *src = sc_table(3);
  qv_buffer *b = sc_stream(src);
  int32_t len = 0;
  schema_meta(b, &len);
  int64_t first = 8 + (int64_t)len;
  qv_buffer *two = NULL;
  OK(qv_buffer_allocate(NULL, b->size + first, false, &two, err));
  memcpy(two->data, b->data, (size_t)first);
  memcpy(two->data + first, b->data, (size_t)b->size);
  qv__schema_cache_clear();
  qv_table_release(read_stream(b));
  for (int warm = 0; warm < 2; warm++) {
    qv_table *t = NULL;
    qv_error e;
    assert_int_equal(qv_ipc_read_stream_buffer(two, NULL, &t, &e), QV_ERR_INVALID_DATA);
    assert_null(t);
    assert_non_null(strstr(e.message, "a second Schema message"));
    qv__schema_cache_clear();
  }
  qv_buffer_release(two);
  qv_buffer_release(b);
  qv_table_release(src);
}

/* Too large to remember: decoded every time, nothing kept. */
static void test_large_schema_not_kept(void **state) {
  (void)state;
  qv__schema_cache_clear();
  assert_false(qv__schema_cache_known((const uint8_t *)"", 0));
  static uint8_t big[QV__SCHEMA_CACHE_MAX_BYTES + 8];
  assert_false(qv__schema_cache_known(big, sizeof big));
  qv_ipc_schema_info info;
  memset(&info, 0, sizeof info);
  assert_false(qv__schema_cache_get(big, sizeof big, &info));
  assert_null(info.schema);
  qv_table *src = sc_table(4);
  info.schema = src->schema;
  qv__schema_cache_put(big, sizeof big, &info);
  assert_int_equal(qv__schema_cache_size(), 0);
  info.n_dicts = 1;
  qv__schema_cache_put(big, 16, &info);
  assert_int_equal(qv__schema_cache_size(), 0);
  qv_table_release(src);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_second_read_shares_the_schema),
      cmocka_unit_test(test_copying_path_uses_the_cache),
      cmocka_unit_test(test_changed_bytes_are_verified_and_decoded),
      cmocka_unit_test(test_dictionary_schemas_are_not_kept),
      cmocka_unit_test(test_at_most_slots_entries),
      cmocka_unit_test(test_second_schema_still_rejected),
      cmocka_unit_test(test_large_schema_not_kept),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
