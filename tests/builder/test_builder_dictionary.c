/* Tests for src/builder/dictionary.c: deduplication and indices for string,
 * view, large, fixed-width and fixed_size_binary values; null indices; typed
 * appends forwarded to the dictionary; index overflow (int8 with 200
 * distinct values, uint8 holding 256); a fresh dictionary after finish;
 * many values against a reference; unsupported value types; allocation
 * failures. */
#include "builder_test_util.h"

static void test_string_dictionary(void **state) {
  (void)state;
  qv_type *t = dict_of(qv_type_int32(), qv_type_string());
  qv_builder *b = new_builder(t);
  assert_null(qv_builder_child(b, 0));
  APPEND_OK(b, qv_builder_append_dictionary_value(b, "apple", -1));
  APPEND_OK(b, qv_builder_append_string(b, "kiwi", -1)); /* forwarded */
  APPEND_OK(b, qv_builder_append_dictionary_value(b, "apple", 5));
  APPEND_OK(b, qv_builder_append_null(b));
  APPEND_OK(b, qv_builder_append_binary(b, "fig", 3)); /* forwarded */
  APPEND_OK(b, qv_builder_append_string(b, "kiwi", -1));
  APPEND_OK(b, qv_builder_append_dictionary_value(b, "", 0));
  APPEND_OK(b, qv_builder_append_empty(b)); /* "" again */
  assert_int_equal(qv_builder_dictionary_size(b), 4);
  assert_int_equal(qv_builder_append_int32(b, 1), QV_ERR_TYPE);
  assert_int_equal(qv_builder_append_fixed(b, "abcd"), QV_ERR_TYPE);
  qv_array *a = finish_ok(b);
  assert_int_equal(a->length, 8);
  assert_int_equal(a->null_count, 1);
  assert_int_equal(a->n_buffers, 2);
  const int32_t want_idx[8] = {0, 1, 0, 0, 2, 1, 3, 3};
  assert_int_equal(a->buffers[1]->size, 32);
  assert_memory_equal(a->buffers[1]->data, want_idx, sizeof want_idx);
  assert_false(valid_bit(a, 3));
  const qv_array *d = a->dictionary;
  assert_non_null(d);
  assert_int_equal(d->length, 4);
  assert_int_equal(d->null_count, 0);
  const char *want_dict[4] = {"apple", "kiwi", "fig", ""};
  for (int i = 0; i < 4; i++) {
    int64_t len;
    const uint8_t *p = qv_array_binary_value(d, i, &len);
    assert_int_equal(len, (int64_t)strlen(want_dict[i]));
    assert_memory_equal(p, want_dict[i], (size_t)len);
  }
  assert_int_equal(qv_array_dictionary_index(a, 5), 1);
  qv_array_release(a);

  /* a fresh dictionary after finish */
  assert_int_equal(qv_builder_dictionary_size(b), 0);
  APPEND_OK(b, qv_builder_append_string(b, "fig", -1));
  a = finish_ok(b);
  assert_int_equal(a->dictionary->length, 1);
  assert_int_equal(qv_array_dictionary_index(a, 0), 0);
  qv_array_release(a);
  a = finish_ok(b);
  assert_int_equal(a->length, 0);
  assert_non_null(a->dictionary);
  assert_int_equal(a->dictionary->length, 0);
  qv_array_release(a);
  qv_builder_free(b);
  qv_type_release(t);
}

static void test_int8_index_overflow(void **state) {
  (void)state;
  qv_type *t = dict_of(qv_type_int8(), qv_type_int32());
  qv_builder *b = new_builder(t);
  int i = 0;
  for (; i < 200; i++) {
    qv_status st = qv_builder_append_int32(b, i * 10);
    if (st != QV_OK) {
      assert_int_equal(st, QV_ERR_OVERFLOW);
      break;
    }
  }
  assert_int_equal(i, 128); /* indices 0..127 */
  assert_non_null(strstr(qv_builder_error(b)->message, "int8"));
  assert_non_null(strstr(qv_builder_error(b)->message, "128 distinct"));
  assert_int_equal(qv_builder_length(b), 128);
  assert_int_equal(qv_builder_dictionary_size(b), 128);
  /* existing values still encode */
  APPEND_OK(b, qv_builder_append_int32(b, 1270));
  APPEND_OK(b, qv_builder_append_dictionary_value(b, &(int32_t){0}, 4));
  assert_int_equal(qv_builder_append_dictionary_value(b, &(int32_t){0}, 3), QV_ERR_INVALID_ARGUMENT);
  qv_array *a = finish_ok(b);
  assert_int_equal(a->length, 130);
  assert_int_equal(qv_array_dictionary_index(a, 127), 127);
  assert_int_equal(qv_array_dictionary_index(a, 128), 127);
  assert_int_equal(qv_array_dictionary_index(a, 129), 0);
  assert_int_equal(a->dictionary->length, 128);
  qv_array_release(a);
  qv_builder_free(b);
  qv_type_release(t);

  /* uint8 holds 256 distinct values */
  t = dict_of(qv_type_uint8(), qv_type_int64());
  b = new_builder(t);
  for (int64_t v = 0; v < 256; v++) APPEND_OK(b, qv_builder_append_int64(b, v * v));
  assert_int_equal(qv_builder_append_int64(b, -1), QV_ERR_OVERFLOW);
  a = finish_ok(b);
  assert_int_equal(a->buffers[1]->size, 256);
  assert_int_equal(a->buffers[1]->data[255], 255);
  qv_array_release(a);
  qv_builder_free(b);
  qv_type_release(t);
}

static void test_value_types(void **state) {
  (void)state;
  /* views (inline and referenced), large strings, fixed_size_binary, float */
  qv_type *value_types[3] = {qv_type_string_view(), qv_type_large_binary(), NULL};
  assert_int_equal(qv_type_fixed_size_binary(4, &value_types[2], NULL), QV_OK);
  for (int k = 0; k < 3; k++) {
    qv_type *t = dict_of(qv_type_int16(), qv_type_retain(value_types[k]));
    qv_builder *b = new_builder(t);
    const char *vals[6] = {"abcd", "a long value past 12", "abcd", "wxyz", "a long value past 12", "wxyz"};
    const char *fixed_vals[4] = {"abcd", "abcd", "wxyz", "wxyz"};
    for (int i = 0; i < (k == 2 ? 4 : 6); i++) {
      if (k == 2)
        APPEND_OK(b, qv_builder_append_fixed(b, fixed_vals[i]));
      else
        APPEND_OK(b, qv_builder_append_dictionary_value(b, vals[i], -1));
    }
    qv_array *a = finish_ok(b);
    int64_t want_dict = k == 2 ? 2 : 3;
    assert_int_equal(a->dictionary->length, want_dict);
    const int16_t *idx = (const int16_t *)(const void *)a->buffers[1]->data;
    if (k < 2) {
      const int16_t want[6] = {0, 1, 0, 2, 1, 2};
      assert_memory_equal(idx, want, sizeof want);
    } else {
      const int16_t want[4] = {0, 0, 1, 1};
      assert_memory_equal(idx, want, 4 * sizeof(int16_t));
    }
    qv_array_release(a);
    qv_builder_free(b);
    qv_type_release(t);
    qv_type_release(value_types[k]);
  }
  qv_type *t = dict_of(qv_type_int32(), qv_type_float64());
  qv_builder *b = new_builder(t);
  APPEND_OK(b, qv_builder_append_float64(b, 1.5));
  APPEND_OK(b, qv_builder_append_float64(b, 1.5));
  APPEND_OK(b, qv_builder_append_float64(b, -0.0));
  APPEND_OK(b, qv_builder_append_float64(b, 0.0));
  assert_int_equal(qv_builder_dictionary_size(b), 3); /* compared by bytes */
  assert_int_equal(qv_builder_append_string(b, "x", -1), QV_ERR_TYPE);
  qv_array *a = finish_ok(b);
  qv_array_release(a);
  qv_builder_free(b);
  qv_type_release(t);

  /* decimals through append_decimal_i64 */
  qv_type *dec = NULL;
  assert_int_equal(qv_type_decimal(128, 10, 2, &dec, NULL), QV_OK);
  t = dict_of(qv_type_int32(), dec);
  b = new_builder(t);
  APPEND_OK(b, qv_builder_append_decimal_i64(b, 150));
  APPEND_OK(b, qv_builder_append_decimal_i64(b, 150));
  APPEND_OK(b, qv_builder_append_decimal_i64(b, -3));
  assert_int_equal(qv_builder_dictionary_size(b), 2);
  a = finish_ok(b);
  qv_array_release(a);
  qv_builder_free(b);
  qv_type_release(t);
}

static void test_unsupported_values(void **state) {
  (void)state;
  qv_type *t = dict_of(qv_type_int32(), qv_type_bool());
  qv_builder *b = NULL;
  qv_error err;
  assert_int_equal(qv_builder_new(t, NULL, &b, &err), QV_ERR_NOT_IMPLEMENTED);
  assert_null(b);
  assert_non_null(strstr(err.message, "bool"));
  qv_type_release(t);
  t = dict_of(qv_type_int32(), list_of(QV_TYPE_LIST, qv_type_int32()));
  assert_int_equal(qv_builder_new(t, NULL, &b, &err), QV_ERR_NOT_IMPLEMENTED);
  qv_type_release(t);
}

static void test_many_values(void **state) {
  (void)state;
  qv_type *t = dict_of(qv_type_int32(), qv_type_string());
  qv_builder *b = new_builder(t);
  char buf[32];
  enum { N = 100000, DISTINCT = 1000 };
  for (int i = 0; i < N; i++) {
    int v = (int)(((uint32_t)i * 2654435761u) % DISTINCT);
    if (i % 17 == 0) {
      APPEND_OK(b, qv_builder_append_null(b));
      continue;
    }
    int n = snprintf(buf, sizeof buf, "key-%d", v);
    APPEND_OK(b, qv_builder_append_string(b, buf, n));
  }
  assert_int_equal(qv_builder_dictionary_size(b), DISTINCT);
  qv_array *a = finish_ok(b);
  assert_int_equal(a->dictionary->length, DISTINCT);
  for (int i = 0; i < N; i++) {
    if (i % 17 == 0) {
      assert_false(valid_bit(a, i));
      assert_int_equal(qv_array_dictionary_index(a, i), 0);
      continue;
    }
    int v = (int)(((uint32_t)i * 2654435761u) % DISTINCT);
    int n = snprintf(buf, sizeof buf, "key-%d", v);
    int64_t len;
    const uint8_t *p = qv_array_binary_value(a->dictionary, qv_array_dictionary_index(a, i), &len);
    assert_int_equal(len, n);
    assert_memory_equal(p, buf, (size_t)n);
  }
  qv_array_release(a);
  qv_builder_free(b);
  qv_type_release(t);
}

static qv_status scenario_dict(const qv_allocator *alloc) {
  qv_type *t = dict_of(qv_type_int16(), qv_type_string());
  qv_builder *b = NULL;
  qv_array *a = NULL;
  char buf[16];
  qv_status st = qv_builder_new(t, alloc, &b, NULL);
  for (int i = 0; i < 300 && st == QV_OK; i++) {
    int n = snprintf(buf, sizeof buf, "v%d", i % 70);
    st = (i % 13 == 5) ? qv_builder_append_null(b) : qv_builder_append_string(b, buf, n);
  }
  if (st == QV_OK) st = qv_builder_finish(b, &a, NULL);
  if (st == QV_OK) assert_int_equal(a->dictionary->length, 70);
  qv_array_release(a);
  qv_builder_free(b);
  qv_type_release(t);
  return st;
}

static void test_allocation_failures(void **state) {
  (void)state;
  assert_true(run_alloc_failures(scenario_dict) >= 3);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_string_dictionary),
      cmocka_unit_test(test_int8_index_overflow),
      cmocka_unit_test(test_value_types),
      cmocka_unit_test(test_unsupported_values),
      cmocka_unit_test(test_many_values),
      cmocka_unit_test(test_allocation_failures),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
