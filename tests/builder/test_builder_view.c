/* Tests for src/builder/view.c: binary_view and string_view builders - inline
 * views (<= 12 bytes, zero-padded) vs referenced views (size, prefix,
 * buffer index, offset), null views all zero, variadic data buffers that
 * roll over at the block size without splitting values, oversize values in
 * a buffer of their own, empty arrays, reuse and allocation failures. */
#include "builder_test_util.h"

static const qv_view *views(const qv_array *a) { return (const qv_view *)(const void *)a->buffers[1]->data; }

static void test_inline_and_referenced(void **state) {
  (void)state;
  qv_builder *b = new_builder(qv_type_string_view());
  APPEND_OK(b, qv_builder_append_string(b, "short", -1));
  APPEND_OK(b, qv_builder_append_string(b, "exactly12byt", -1)); /* 12: inline */
  APPEND_OK(b, qv_builder_append_string(b, "thirteen byte", -1)); /* 13: referenced */
  APPEND_OK(b, qv_builder_append_null(b));
  APPEND_OK(b, qv_builder_append_string(b, "", -1));
  APPEND_OK(b, qv_builder_append_string(b, "another long value", -1));
  qv_array *a = finish_ok(b);
  assert_int_equal(a->length, 6);
  assert_int_equal(a->null_count, 1);
  assert_int_equal(a->n_buffers, 3); /* validity, views, one data buffer */
  assert_int_equal(a->buffers[1]->size, 6 * 16);
  const qv_view *v = views(a);
  /* inline: size then the bytes, zero padded */
  assert_int_equal(v[0].inlined.size, 5);
  assert_memory_equal(v[0].inlined.data, "short\0\0\0\0\0\0\0", 12);
  assert_int_equal(v[1].inlined.size, 12);
  assert_memory_equal(v[1].inlined.data, "exactly12byt", 12);
  /* referenced */
  assert_int_equal(v[2].ref.size, 13);
  assert_memory_equal(v[2].ref.prefix, "thir", 4);
  assert_int_equal(v[2].ref.buffer_index, 0);
  assert_int_equal(v[2].ref.offset, 0);
  assert_int_equal(v[5].ref.size, 18);
  assert_memory_equal(v[5].ref.prefix, "anot", 4);
  assert_int_equal(v[5].ref.buffer_index, 0);
  assert_int_equal(v[5].ref.offset, 13);
  /* null and empty views are all zero */
  const uint8_t zero[16] = {0};
  assert_memory_equal(&v[3], zero, 16);
  assert_memory_equal(&v[4], zero, 16);
  assert_int_equal(a->buffers[2]->size, 31);
  assert_memory_equal(a->buffers[2]->data, "thirteen byteanother long value", 31);
  int64_t len;
  const uint8_t *p = qv_array_view_value(a, 5, &len);
  assert_int_equal(len, 18);
  assert_memory_equal(p, "another long value", 18);
  qv_array_release(a);
  qv_builder_free(b);
}

static void test_all_inline_and_empty(void **state) {
  (void)state;
  qv_builder *b = new_builder(qv_type_binary_view());
  qv_array *a = finish_ok(b);
  assert_int_equal(a->length, 0);
  assert_int_equal(a->n_buffers, 2);
  assert_null(a->buffers[0]);
  assert_non_null(a->buffers[1]);
  qv_array_release(a);
  for (int i = 0; i < 100; i++) APPEND_OK(b, qv_builder_append_binary(b, "0123456789ab", i % 13));
  a = finish_ok(b);
  assert_int_equal(a->n_buffers, 2); /* no data buffer needed */
  assert_null(a->buffers[0]);
  for (int i = 0; i < 100; i++) {
    int64_t len;
    const uint8_t *p = qv_array_view_value(a, i, &len);
    assert_int_equal(len, i % 13);
    if (len) assert_memory_equal(p, "0123456789ab", (size_t)len);
    /* padding after the inline bytes is zero */
    for (int k = (int)len; k < 12; k++) assert_int_equal(views(a)[i].inlined.data[k], 0);
  }
  qv_array_release(a);
  qv_builder_free(b);
}

static void test_type_rules(void **state) {
  (void)state;
  qv_builder *b = new_builder(qv_type_binary_view());
  assert_int_equal(qv_builder_append_string(b, "text", -1), QV_ERR_TYPE);
  assert_int_equal(qv_builder_append_int32(b, 1), QV_ERR_TYPE);
  /* laundered so the compiler cannot see the 1-byte object behind it */
  static const char dummy_storage[1] = {0};
  static const char *volatile launder = dummy_storage;
  const char *dummy = launder;
  assert_int_equal(qv_builder_append_binary(b, dummy, (int64_t)INT32_MAX + 1), QV_ERR_OVERFLOW);
  assert_int_equal(qv_builder_length(b), 0);
  qv_builder_free(b);
}

static void test_block_rollover(void **state) {
  (void)state;
  enum { N = 3000, LEN = 1000 };
  char *val = malloc(LEN);
  qv_builder *b = new_builder(qv_type_binary_view());
  for (int i = 0; i < N; i++) {
    memset(val, 'a' + i % 26, LEN);
    memcpy(val, &i, sizeof i);
    APPEND_OK(b, qv_builder_append_binary(b, val, LEN));
  }
  /* a value longer than a block gets a buffer of its own */
  int64_t big_len = QV_VIEW_BLOCK_SIZE + 100;
  char *big = malloc((size_t)big_len);
  memset(big, 'Z', (size_t)big_len);
  APPEND_OK(b, qv_builder_append_binary(b, big, big_len));
  APPEND_OK(b, qv_builder_append_binary(b, val, LEN));
  qv_array *a = finish_ok(b);
  int32_t n_data = a->n_buffers - 2;
  assert_true(n_data >= 4); /* 3 MB of values at <= 1 MiB per buffer + the big one */
  for (int32_t k = 0; k < n_data; k++) {
    const qv_buffer *d = a->buffers[2 + k];
    assert_true(d->size <= QV_VIEW_BLOCK_SIZE || d->size == big_len);
  }
  const qv_view *v = views(a);
  int32_t prev_index = 0;
  for (int i = 0; i < N; i++) {
    assert_int_equal(v[i].ref.size, LEN);
    assert_true(v[i].ref.buffer_index >= prev_index);
    prev_index = v[i].ref.buffer_index;
    const qv_buffer *d = a->buffers[2 + v[i].ref.buffer_index];
    assert_true((int64_t)v[i].ref.offset + LEN <= d->size); /* never split */
    int64_t len;
    const uint8_t *p = qv_array_view_value(a, i, &len);
    int got;
    memcpy(&got, p, sizeof got);
    assert_int_equal(got, i);
    assert_int_equal(p[LEN - 1], 'a' + i % 26);
    assert_memory_equal(v[i].ref.prefix, p, 4);
  }
  const qv_view *vb = &v[N];
  assert_int_equal(vb->ref.size, big_len);
  assert_int_equal(vb->ref.offset, 0);
  assert_int_equal(a->buffers[2 + vb->ref.buffer_index]->size, big_len);
  assert_true(v[N + 1].ref.buffer_index > vb->ref.buffer_index);
  qv_array_release(a);
  qv_builder_free(b);
  free(val);
  free(big);
}

static void test_reuse_and_bulk(void **state) {
  (void)state;
  qv_builder *b = new_builder(qv_type_string_view());
  APPEND_OK(b, qv_builder_append_string(b, "a value longer than twelve", -1));
  qv_array *a1 = finish_ok(b);
  APPEND_OK(b, qv_builder_append_string(b, "second round, also long", -1));
  APPEND_OK(b, qv_builder_append_null(b));
  qv_array *a2 = finish_ok(b);
  assert_int_equal(a1->n_buffers, 3);
  assert_int_equal(a2->n_buffers, 3);
  assert_int_equal(views(a2)[0].ref.buffer_index, 0); /* indices restart */
  assert_int_equal(views(a2)[0].ref.offset, 0);
  int64_t len;
  assert_memory_equal(qv_array_view_value(a1, 0, &len), "a value longer than twelve", 26);
  assert_memory_equal(qv_array_view_value(a2, 0, &len), "second round, also long", 23);
  assert_int_equal(a2->null_count, 1);
  qv_array_release(a1);
  qv_array_release(a2);

  const int32_t off[4] = {0, 3, 20, 20};
  const char *data = "abcdefghijklmnopqrstuvw";
  qv_error err;
  assert_int_equal(qv_builder_append_binaries(b, off, data, 3, (const uint8_t[]){0x03}, &err), QV_OK);
  qv_array *a = finish_ok(b);
  assert_int_equal(a->null_count, 1);
  assert_int_equal(views(a)[0].inlined.size, 3);
  assert_int_equal(views(a)[1].ref.size, 17);
  assert_memory_equal(views(a)[1].ref.prefix, "defg", 4);
  qv_array_release(a);
  qv_builder_free(b);
}

static qv_status scenario_views(const qv_allocator *alloc) {
  qv_builder *b = NULL;
  qv_array *a = NULL;
  qv_status st = qv_builder_new(qv_type_string_view(), alloc, &b, NULL);
  static char big[5000];
  for (int i = 0; i < 300 && st == QV_OK; i++) {
    if (i % 10 == 3)
      st = qv_builder_append_null(b);
    else
      st = qv_builder_append_binary(b, big, (i * 37) % 200);
  }
  if (st == QV_OK) st = qv_builder_append_binary(b, big, 5000);
  if (st == QV_OK) st = qv_builder_finish(b, &a, NULL);
  if (st == QV_OK) assert_int_equal(a->length, 301);
  qv_array_release(a);
  qv_builder_free(b);
  return st;
}

static void test_allocation_failures(void **state) {
  (void)state;
  assert_true(run_alloc_failures(scenario_views) >= 3);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_inline_and_referenced),
      cmocka_unit_test(test_all_inline_and_empty),
      cmocka_unit_test(test_type_rules),
      cmocka_unit_test(test_block_rollover),
      cmocka_unit_test(test_reuse_and_bulk),
      cmocka_unit_test(test_allocation_failures),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
