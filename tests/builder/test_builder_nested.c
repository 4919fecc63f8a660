/* Tests for src/builder/list.c and struct.c: list, large_list, list_view,
 * large_list_view, fixed_size_list, struct and map builders - exact offsets
 * and sizes, null and empty slots, child contents, element-closing errors
 * (fixed_size_list child count, struct child lengths, pending values),
 * int32 offset overflow, reuse, allocation failures; plus a builder for
 * every type in type.h (null, empty and reuse, fully validated). */
#include "builder_test_util.h"

static void test_list_int32(void **state) {
  (void)state;
  qv_builder *b = new_builder(list_of(QV_TYPE_LIST, qv_type_int32()));
  qv_type_release(qv_builder_type(b)); /* the builder holds its own reference */
  qv_builder *c = qv_builder_child(b, 0);
  assert_non_null(c);
  assert_int_equal(qv_builder_num_children(b), 1);
  /* [[1, 2], [], null, [3, null]] */
  APPEND_OK(c, qv_builder_append_int32(c, 1));
  APPEND_OK(c, qv_builder_append_int32(c, 2));
  APPEND_OK(b, qv_builder_finish_element(b));
  APPEND_OK(b, qv_builder_finish_element(b));
  APPEND_OK(b, qv_builder_append_null(b));
  APPEND_OK(c, qv_builder_append_int32(c, 3));
  APPEND_OK(c, qv_builder_append_null(c));
  APPEND_OK(b, qv_builder_finish_element(b));
  qv_array *a = finish_ok(b);
  assert_int_equal(a->length, 4);
  assert_int_equal(a->null_count, 1);
  assert_int_equal(a->n_buffers, 2);
  const int32_t want[5] = {0, 2, 2, 2, 4};
  assert_int_equal(a->buffers[1]->size, 20);
  assert_memory_equal(a->buffers[1]->data, want, sizeof want);
  assert_int_equal(a->buffers[0]->data[0], 0x0B);
  const qv_array *child = a->children[0];
  assert_int_equal(child->length, 4);
  assert_int_equal(child->null_count, 1);
  assert_int_equal(qv_array_int32_value(child, 2), 3);
  int64_t start, len;
  qv_array_list_range(a, 3, &start, &len);
  assert_int_equal(start, 2);
  assert_int_equal(len, 2);
  /* builder and child are empty again */
  assert_int_equal(qv_builder_length(c), 0);
  qv_array_release(a);
  qv_builder_free(b);
}

static void test_large_list_and_empty(void **state) {
  (void)state;
  qv_type *t = list_of(QV_TYPE_LARGE_LIST, qv_type_string());
  qv_builder *b = new_builder(t);
  qv_array *a = finish_ok(b);
  assert_int_equal(a->length, 0);
  assert_int_equal(a->buffers[1]->size, 8);
  assert_int_equal(a->children[0]->length, 0);
  qv_array_release(a);
  qv_builder *c = qv_builder_child(b, 0);
  APPEND_OK(c, qv_builder_append_string(c, "x", -1));
  APPEND_OK(b, qv_builder_finish_element(b));
  APPEND_OK(b, qv_builder_append_empty(b));
  APPEND_OK(b, qv_builder_append_nulls(b, 2));
  a = finish_ok(b);
  const int64_t want[5] = {0, 1, 1, 1, 1};
  assert_memory_equal(a->buffers[1]->data, want, sizeof want);
  assert_int_equal(a->null_count, 2);
  qv_array_release(a);
  qv_builder_free(b);
  qv_type_release(t);
}

static void test_list_views(void **state) {
  (void)state;
  for (int large = 0; large < 2; large++) {
    qv_type *t = list_of(large ? QV_TYPE_LARGE_LIST_VIEW : QV_TYPE_LIST_VIEW, qv_type_int16());
    qv_builder *b = new_builder(t);
    qv_builder *c = qv_builder_child(b, 0);
    APPEND_OK(c, qv_builder_append_int16(c, 10));
    APPEND_OK(c, qv_builder_append_int16(c, 11));
    APPEND_OK(c, qv_builder_append_int16(c, 12));
    APPEND_OK(b, qv_builder_finish_element(b)); /* [10, 11, 12] */
    APPEND_OK(b, qv_builder_append_null(b));
    APPEND_OK(c, qv_builder_append_int16(c, 13));
    APPEND_OK(b, qv_builder_finish_element(b)); /* [13] */
    APPEND_OK(b, qv_builder_append_empty(b));
    qv_array *a = finish_ok(b);
    assert_int_equal(a->n_buffers, 3);
    assert_int_equal(a->null_count, 1);
    const int64_t want_off[4] = {0, 0, 3, 0}, want_size[4] = {3, 0, 1, 0};
    for (int i = 0; i < 4; i++) {
      int64_t off = large ? ((const int64_t *)(const void *)a->buffers[1]->data)[i]
                          : ((const int32_t *)(const void *)a->buffers[1]->data)[i];
      int64_t size = large ? ((const int64_t *)(const void *)a->buffers[2]->data)[i]
                           : ((const int32_t *)(const void *)a->buffers[2]->data)[i];
      assert_int_equal(off, want_off[i]);
      assert_int_equal(size, want_size[i]);
    }
    assert_int_equal(a->buffers[1]->size, 4 * (large ? 8 : 4));
    int64_t start, len;
    qv_array_list_range(a, 2, &start, &len);
    assert_int_equal(start, 3);
    assert_int_equal(len, 1);
    qv_array_release(a);
    qv_builder_free(b);
    qv_type_release(t);
  }
}

static void test_fixed_size_list(void **state) {
  (void)state;
  qv_type *t = fsl_of(qv_type_float32(), 3);
  qv_builder *b = new_builder(t);
  qv_builder *c = qv_builder_child(b, 0);
  for (int i = 0; i < 3; i++) APPEND_OK(c, qv_builder_append_float32(c, (float)i));
  APPEND_OK(b, qv_builder_finish_element(b));
  APPEND_OK(b, qv_builder_append_null(b)); /* three child nulls */
  APPEND_OK(b, qv_builder_append_empty(b)); /* three child zeros */
  /* wrong child counts */
  APPEND_OK(c, qv_builder_append_float32(c, 9.0f));
  assert_int_equal(qv_builder_finish_element(b), QV_ERR_INVALID_ARGUMENT);
  assert_non_null(strstr(qv_builder_error(b)->message, "expected 12"));
  for (int i = 0; i < 3; i++) APPEND_OK(c, qv_builder_append_float32(c, 9.0f));
  assert_int_equal(qv_builder_finish_element(b), QV_ERR_INVALID_ARGUMENT);
  assert_non_null(strstr(qv_builder_error(b)->message, "4 appended"));
  /* pending values block nulls and finish */
  assert_int_equal(qv_builder_append_null(b), QV_ERR_INVALID_ARGUMENT);
  qv_array *a = NULL;
  qv_error err;
  assert_int_equal(qv_builder_finish(b, &a, &err), QV_ERR_INVALID_ARGUMENT);
  assert_null(a);
  assert_non_null(strstr(err.message, "not closed"));
  /* the builder is unchanged by the failed finish: drop it and rebuild */
  assert_int_equal(qv_builder_length(b), 3);
  qv_builder_reset(b);
  for (int i = 0; i < 3; i++) APPEND_OK(c, qv_builder_append_float32(c, (float)i));
  APPEND_OK(b, qv_builder_finish_element(b));
  for (int i = 3; i < 6; i++) APPEND_OK(c, qv_builder_append_float32(c, (float)i));
  APPEND_OK(b, qv_builder_finish_element(b));
  APPEND_OK(b, qv_builder_append_null(b));
  a = finish_ok(b);
  assert_int_equal(a->length, 3);
  assert_int_equal(a->n_buffers, 1);
  assert_int_equal(a->null_count, 1);
  assert_int_equal(a->children[0]->length, 9);
  assert_int_equal(a->children[0]->null_count, 3);
  assert_true(qv_array_values_float32(a->children[0])[4] == 4.0f);
  qv_array_release(a);
  qv_builder_free(b);
  qv_type_release(t);
}

static qv_type *point_type(void) {
  qv_field *f[2] = {fld("x", qv_type_int32(), false), fld("name", qv_type_string(), true)};
  return struct_of(f, 2);
}

static void test_struct(void **state) {
  (void)state;
  qv_type *t = point_type();
  qv_builder *b = new_builder(t);
  assert_int_equal(qv_builder_num_children(b), 2);
  qv_builder *x = qv_builder_child(b, 0), *name = qv_builder_child(b, 1);
  assert_null(qv_builder_child(b, 2));
  APPEND_OK(x, qv_builder_append_int32(x, 1));
  APPEND_OK(name, qv_builder_append_string(name, "one", -1));
  APPEND_OK(b, qv_builder_finish_element(b));
  APPEND_OK(b, qv_builder_append_null(b));
  APPEND_OK(x, qv_builder_append_int32(x, 3));
  APPEND_OK(name, qv_builder_append_null(name));
  APPEND_OK(b, qv_builder_finish_element(b));
  APPEND_OK(b, qv_builder_append_empty(b));
  /* mismatched children */
  APPEND_OK(x, qv_builder_append_int32(x, 5));
  assert_int_equal(qv_builder_finish_element(b), QV_ERR_INVALID_ARGUMENT);
  assert_non_null(strstr(qv_builder_error(b)->message, "'name'"));
  APPEND_OK(name, qv_builder_append_string(name, "five", -1));
  APPEND_OK(b, qv_builder_finish_element(b));
  qv_array *a = finish_ok(b);
  assert_int_equal(a->length, 5);
  assert_int_equal(a->n_buffers, 1);
  assert_int_equal(a->null_count, 1);
  assert_int_equal(a->buffers[0]->data[0], 0x1D);
  const qv_array *ax = a->children[0], *an = a->children[1];
  assert_int_equal(ax->length, 5);
  assert_int_equal(an->length, 5);
  assert_int_equal(ax->null_count, 1); /* the struct null put a null in every child */
  assert_int_equal(an->null_count, 2);
  const int32_t want_x[5] = {1, 0, 3, 0, 5};
  assert_memory_equal(ax->buffers[1]->data, want_x, sizeof want_x);
  assert_true(valid_bit(ax, 3)); /* empty: a valid default */
  int64_t len;
  assert_memory_equal(qv_array_binary_value(an, 4, &len), "five", 4);
  qv_array_release(a);

  /* empty struct array, then a struct with no fields */
  a = finish_ok(b);
  assert_int_equal(a->length, 0);
  assert_int_equal(a->children[0]->length, 0);
  qv_array_release(a);
  qv_builder_free(b);
  qv_type_release(t);

  t = struct_of(NULL, 0);
  b = new_builder(t);
  APPEND_OK(b, qv_builder_finish_element(b));
  APPEND_OK(b, qv_builder_append_null(b));
  a = finish_ok(b);
  assert_int_equal(a->length, 2);
  assert_int_equal(a->null_count, 1);
  qv_array_release(a);
  qv_builder_free(b);
  qv_type_release(t);
}

static void test_map(void **state) {
  (void)state;
  qv_type *t = NULL;
  assert_int_equal(qv_type_map(qv_type_string(), qv_type_int64(), false, &t, NULL), QV_OK);
  qv_builder *b = new_builder(t);
  qv_builder *entries = qv_builder_child(b, 0);
  qv_builder *k = qv_builder_child(entries, 0), *v = qv_builder_child(entries, 1);
  /* {"a": 1, "b": null}, null, {} , {"c": 3} */
  APPEND_OK(k, qv_builder_append_string(k, "a", -1));
  APPEND_OK(v, qv_builder_append_int64(v, 1));
  APPEND_OK(entries, qv_builder_finish_element(entries));
  APPEND_OK(k, qv_builder_append_string(k, "b", -1));
  APPEND_OK(v, qv_builder_append_null(v));
  APPEND_OK(entries, qv_builder_finish_element(entries));
  APPEND_OK(b, qv_builder_finish_element(b));
  APPEND_OK(b, qv_builder_append_null(b));
  APPEND_OK(b, qv_builder_finish_element(b));
  APPEND_OK(k, qv_builder_append_string(k, "c", -1));
  APPEND_OK(v, qv_builder_append_int64(v, 3));
  APPEND_OK(entries, qv_builder_finish_element(entries));
  APPEND_OK(b, qv_builder_finish_element(b));
  qv_array *a = finish_ok(b);
  const int32_t want[5] = {0, 2, 2, 2, 3};
  assert_memory_equal(a->buffers[1]->data, want, sizeof want);
  assert_int_equal(a->children[0]->length, 3);
  assert_int_equal(a->children[0]->null_count, 0);
  assert_null(a->children[0]->buffers[0]);
  assert_int_equal(a->children[0]->children[1]->null_count, 1);
  qv_array_release(a);
  qv_builder_free(b);
  qv_type_release(t);
}

static void test_nested_lists(void **state) {
  (void)state;
  qv_type *t = list_of(QV_TYPE_LIST, list_of(QV_TYPE_LIST, qv_type_string()));
  qv_builder *b = new_builder(t);
  qv_builder *inner = qv_builder_child(b, 0), *s = qv_builder_child(inner, 0);
  /* [["a", "b"], []], [null], [] */
  APPEND_OK(s, qv_builder_append_string(s, "a", -1));
  APPEND_OK(s, qv_builder_append_string(s, "b", -1));
  APPEND_OK(inner, qv_builder_finish_element(inner));
  APPEND_OK(inner, qv_builder_finish_element(inner));
  APPEND_OK(b, qv_builder_finish_element(b));
  APPEND_OK(inner, qv_builder_append_null(inner));
  APPEND_OK(b, qv_builder_finish_element(b));
  APPEND_OK(b, qv_builder_finish_element(b));
  /* pending grandchild values make the inner list (and so the finish) fail */
  APPEND_OK(s, qv_builder_append_string(s, "loose", -1));
  qv_array *a = NULL;
  qv_error err;
  assert_int_equal(qv_builder_finish(b, &a, &err), QV_ERR_INVALID_ARGUMENT);
  assert_non_null(strstr(err.message, "child 0 'item'"));
  APPEND_OK(inner, qv_builder_finish_element(inner));
  APPEND_OK(b, qv_builder_finish_element(b));
  a = finish_ok(b);
  assert_int_equal(a->length, 4);
  const int32_t want_outer[5] = {0, 2, 3, 3, 4};
  assert_memory_equal(a->buffers[1]->data, want_outer, sizeof want_outer);
  const qv_array *in = a->children[0];
  const int32_t want_inner[5] = {0, 2, 2, 2, 3};
  assert_memory_equal(in->buffers[1]->data, want_inner, sizeof want_inner);
  assert_int_equal(in->null_count, 1);
  assert_int_equal(in->children[0]->length, 3);
  qv_array_release(a);
  qv_builder_free(b);
  qv_type_release(t);
}

static void test_list_offset_overflow(void **state) {
  (void)state;
  /* a null child grows by 2^31 values in O(1), past the int32 offset range */
  qv_type *t = list_of(QV_TYPE_LIST, qv_type_null());
  qv_builder *b = new_builder(t);
  qv_builder *c = qv_builder_child(b, 0);
  APPEND_OK(c, qv_builder_append_nulls(c, 5));
  APPEND_OK(b, qv_builder_finish_element(b));
  APPEND_OK(c, qv_builder_append_nulls(c, INT32_MAX));
  assert_int_equal(qv_builder_finish_element(b), QV_ERR_OVERFLOW);
  assert_non_null(strstr(qv_builder_error(b)->message, "2147483652"));
  assert_int_equal(qv_builder_length(b), 1);
  qv_builder_free(b);
  qv_type_release(t);
  /* the same child under a large_list is fine */
  t = list_of(QV_TYPE_LARGE_LIST, qv_type_null());
  b = new_builder(t);
  c = qv_builder_child(b, 0);
  APPEND_OK(c, qv_builder_append_nulls(c, (int64_t)INT32_MAX + 10));
  APPEND_OK(b, qv_builder_finish_element(b));
  qv_array *a = NULL;
  assert_int_equal(qv_builder_finish(b, &a, NULL), QV_OK);
  assert_int_equal(((const int64_t *)(const void *)a->buffers[1]->data)[1], (int64_t)INT32_MAX + 10);
  qv_array_release(a);
  qv_builder_free(b);
  qv_type_release(t);
  /* list views check offset and size as well */
  t = list_of(QV_TYPE_LIST_VIEW, qv_type_null());
  b = new_builder(t);
  c = qv_builder_child(b, 0);
  APPEND_OK(c, qv_builder_append_nulls(c, (int64_t)INT32_MAX + 1));
  assert_int_equal(qv_builder_finish_element(b), QV_ERR_OVERFLOW);
  qv_builder_free(b);
  qv_type_release(t);
}

static qv_status scenario_nested(const qv_allocator *alloc) {
  qv_type *t = list_of(QV_TYPE_LIST, point_type());
  qv_builder *b = NULL;
  qv_array *a = NULL;
  qv_status st = qv_builder_new(t, alloc, &b, NULL);
  for (int i = 0; i < 50 && st == QV_OK; i++) {
    qv_builder *s = qv_builder_child(b, 0);
    for (int j = 0; j < i % 4 && st == QV_OK; j++) {
      st = qv_builder_append_int32(qv_builder_child(s, 0), j);
      if (st == QV_OK) st = qv_builder_append_string(qv_builder_child(s, 1), "name", -1);
      if (st == QV_OK) st = qv_builder_finish_element(s);
      if (st == QV_OK && j == 2) st = qv_builder_append_null(s);
    }
    if (st == QV_OK) st = (i % 4 == 0 && i % 3 == 0) ? qv_builder_append_null(b) : qv_builder_finish_element(b);
  }
  qv_error err;
  if (st == QV_OK) st = qv_builder_finish(b, &a, &err);
  if (st != QV_OK && st != QV_ERR_NO_MEMORY) print_message("finish: %s\n", err.message);
  if (st == QV_OK) assert_int_equal(a->length, 50);
  qv_array_release(a);
  qv_builder_free(b);
  qv_type_release(t);
  return st;
}

static void test_allocation_failures(void **state) {
  (void)state;
  assert_true(run_alloc_failures(scenario_nested) >= 5);
}

/* ---- every type in type.h ---- */

static qv_type *make_type(qv_type_id id) {
  qv_type *t = qv_type_from_id(id);
  if (t) return t;
  qv_field *f[2];
  switch (id) {
    case QV_TYPE_DECIMAL32: assert_int_equal(qv_type_decimal(32, 9, 2, &t, NULL), QV_OK); break;
    case QV_TYPE_DECIMAL64: assert_int_equal(qv_type_decimal(64, 18, 2, &t, NULL), QV_OK); break;
    case QV_TYPE_DECIMAL128: assert_int_equal(qv_type_decimal(128, 38, 2, &t, NULL), QV_OK); break;
    case QV_TYPE_DECIMAL256: assert_int_equal(qv_type_decimal(256, 76, 2, &t, NULL), QV_OK); break;
    case QV_TYPE_TIME32: assert_int_equal(qv_type_time32(QV_UNIT_SECOND, &t, NULL), QV_OK); break;
    case QV_TYPE_TIME64: assert_int_equal(qv_type_time64(QV_UNIT_MICRO, &t, NULL), QV_OK); break;
    case QV_TYPE_TIMESTAMP: assert_int_equal(qv_type_timestamp(QV_UNIT_MILLI, NULL, &t, NULL), QV_OK); break;
    case QV_TYPE_DURATION: assert_int_equal(qv_type_duration(QV_UNIT_NANO, &t, NULL), QV_OK); break;
    case QV_TYPE_FIXED_SIZE_BINARY: assert_int_equal(qv_type_fixed_size_binary(5, &t, NULL), QV_OK); break;
    case QV_TYPE_LIST:
    case QV_TYPE_LARGE_LIST:
    case QV_TYPE_LIST_VIEW:
    case QV_TYPE_LARGE_LIST_VIEW: t = list_of(id, qv_type_int32()); break;
    case QV_TYPE_FIXED_SIZE_LIST: t = fsl_of(qv_type_string(), 2); break;
    case QV_TYPE_STRUCT: t = point_type(); break;
    case QV_TYPE_MAP: assert_int_equal(qv_type_map(qv_type_int32(), qv_type_string(), true, &t, NULL), QV_OK); break;
    case QV_TYPE_SPARSE_UNION:
    case QV_TYPE_DENSE_UNION:
      f[0] = fld("i", qv_type_int32(), true);
      f[1] = fld("s", qv_type_string(), true);
      assert_int_equal(qv_type_union(id, f, 2, (const int8_t[]){3, 7}, &t, NULL), QV_OK);
      qv_field_release(f[0]);
      qv_field_release(f[1]);
      break;
    case QV_TYPE_DICTIONARY: t = dict_of(qv_type_int16(), qv_type_string()); break;
    case QV_TYPE_RUN_END_ENCODED:
      assert_int_equal(qv_type_run_end_encoded(qv_type_int32(), qv_type_float64(), &t, NULL), QV_OK);
      break;
    case QV_TYPE_EXTENSION:
      assert_int_equal(qv_type_extension("my.ext", "meta", 4, qv_type_large_string(), &t, NULL), QV_OK);
      break;
    default: fail_msg("no test type for id %d", (int)id);
  }
  return t;
}

static void test_every_type(void **state) {
  (void)state;
  for (int id = 0; id < QV_TYPE_ID_COUNT; id++) {
    qv_type *t = make_type((qv_type_id)id);
    qv_builder *b = new_builder(t);
    for (int round = 0; round < 2; round++) {
      APPEND_OK(b, qv_builder_append_null(b));
      APPEND_OK(b, qv_builder_append_empty(b));
      APPEND_OK(b, qv_builder_append_nulls(b, 3));
      APPEND_OK(b, qv_builder_append_empty(b));
      qv_array *a = finish_ok(b);
      assert_true(qv_type_equals(a->type, t, true));
      assert_int_equal(a->length, 6);
      bool no_bitmap = id == QV_TYPE_SPARSE_UNION || id == QV_TYPE_DENSE_UNION || id == QV_TYPE_RUN_END_ENCODED;
      int64_t want_nulls = id == QV_TYPE_NULL ? 6 : no_bitmap ? 0 : 4;
      assert_int_equal(a->null_count, want_nulls);
      for (int64_t i = 0; i < 6; i++) assert_true(qv_array_is_valid_any(a, i) == (id != QV_TYPE_NULL && (i == 1 || i == 5)));
      qv_array_release(a);
      a = finish_ok(b); /* and empty */
      assert_int_equal(a->length, 0);
      qv_array_release(a);
    }
    qv_builder_free(b);
    qv_type_release(t);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_list_int32),
      cmocka_unit_test(test_large_list_and_empty),
      cmocka_unit_test(test_list_views),
      cmocka_unit_test(test_fixed_size_list),
      cmocka_unit_test(test_struct),
      cmocka_unit_test(test_map),
      cmocka_unit_test(test_nested_lists),
      cmocka_unit_test(test_list_offset_overflow),
      cmocka_unit_test(test_allocation_failures),
      cmocka_unit_test(test_every_type),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
