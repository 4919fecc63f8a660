/* Tests for src/builder/ree.c: run-end encoded builders - run ends and values
 * for int16/32/64 run ends, null runs (merged), empty runs, logical length
 * and null_count 0, the physical-index accessor, errors (run without a
 * value, two values for one run, run length < 1, run end past the run_ends
 * type), reuse and allocation failures. */
#include "builder_test_util.h"

static qv_type *ree_of(qv_type *run_ends, qv_type *values) {
  qv_type *t = NULL;
  assert_int_equal(qv_type_run_end_encoded(run_ends, values, &t, NULL), QV_OK);
  qv_type_release(values);
  return t;
}

static void test_runs(void **state) {
  (void)state;
  qv_type *t = ree_of(qv_type_int32(), qv_type_string());
  qv_builder *b = new_builder(t);
  assert_int_equal(qv_builder_num_children(b), 2);
  qv_builder *v = qv_builder_child(b, 1);
  /* "a" x3, "b" x2, null x4, "c" x1 */
  APPEND_OK(v, qv_builder_append_string(v, "a", -1));
  APPEND_OK(b, qv_builder_append_run(b, 3));
  APPEND_OK(v, qv_builder_append_string(v, "b", -1));
  APPEND_OK(b, qv_builder_append_run(b, 2));
  APPEND_OK(b, qv_builder_append_nulls(b, 3));
  APPEND_OK(b, qv_builder_append_null(b)); /* merged into the null run */
  APPEND_OK(v, qv_builder_append_string(v, "c", -1));
  APPEND_OK(b, qv_builder_append_run(b, 1));
  assert_int_equal(qv_builder_length(b), 10);
  qv_array *a = finish_ok(b);
  assert_int_equal(a->length, 10);
  assert_int_equal(a->null_count, 0);
  assert_int_equal(a->n_buffers, 0);
  assert_int_equal(a->n_children, 2);
  const qv_array *ends = a->children[0], *vals = a->children[1];
  assert_int_equal(ends->length, 4);
  assert_null(ends->buffers[0]);
  const int32_t want_ends[4] = {3, 5, 9, 10};
  assert_memory_equal(ends->buffers[1]->data, want_ends, sizeof want_ends);
  assert_int_equal(vals->length, 4);
  assert_int_equal(vals->null_count, 1);
  assert_false(valid_bit(vals, 2));
  assert_int_equal(qv_array_ree_physical_index(a, 0), 0);
  assert_int_equal(qv_array_ree_physical_index(a, 4), 1);
  assert_int_equal(qv_array_ree_physical_index(a, 8), 2);
  assert_int_equal(qv_array_ree_physical_index(a, 9), 3);
  assert_false(qv_array_is_valid_any(a, 6));
  assert_true(qv_array_is_valid_any(a, 9));
  qv_array_release(a);

  /* reuse: empty, then a fresh run list */
  a = finish_ok(b);
  assert_int_equal(a->length, 0);
  assert_int_equal(a->children[0]->length, 0);
  qv_array_release(a);
  APPEND_OK(b, qv_builder_append_null(b));
  APPEND_OK(b, qv_builder_append_empty(b));
  APPEND_OK(b, qv_builder_append_null(b)); /* not merged: the previous run is "" */
  a = finish_ok(b);
  const int32_t want2[3] = {1, 2, 3};
  assert_memory_equal(a->children[0]->buffers[1]->data, want2, sizeof want2);
  assert_int_equal(a->children[1]->null_count, 2);
  qv_array_release(a);
  qv_builder_free(b);
  qv_type_release(t);
}

static void test_run_end_widths(void **state) {
  (void)state;
  qv_type *t = ree_of(qv_type_int16(), qv_type_float64());
  qv_builder *b = new_builder(t);
  qv_builder *v = qv_builder_child(b, 1);
  APPEND_OK(v, qv_builder_append_float64(v, 1.0));
  APPEND_OK(b, qv_builder_append_run(b, 30000));
  APPEND_OK(v, qv_builder_append_float64(v, 2.0));
  assert_int_equal(qv_builder_append_run(b, 2768), QV_ERR_OVERFLOW); /* 32768 > INT16_MAX */
  assert_non_null(strstr(qv_builder_error(b)->message, "int16"));
  APPEND_OK(b, qv_builder_append_run(b, 2767));
  assert_int_equal(qv_builder_append_nulls(b, 1), QV_ERR_OVERFLOW);
  qv_array *a = finish_ok(b);
  assert_int_equal(a->length, INT16_MAX);
  const int16_t want[2] = {30000, INT16_MAX};
  assert_memory_equal(a->children[0]->buffers[1]->data, want, sizeof want);
  qv_array_release(a);
  qv_builder_free(b);
  qv_type_release(t);

  t = ree_of(qv_type_int64(), qv_type_int8());
  b = new_builder(t);
  v = qv_builder_child(b, 1);
  APPEND_OK(v, qv_builder_append_int8(v, 7));
  APPEND_OK(b, qv_builder_append_run(b, (int64_t)INT32_MAX + 5));
  a = finish_ok(b);
  assert_int_equal(a->length, (int64_t)INT32_MAX + 5);
  assert_int_equal(((const int64_t *)(const void *)a->children[0]->buffers[1]->data)[0], (int64_t)INT32_MAX + 5);
  qv_array_release(a);
  qv_builder_free(b);
  qv_type_release(t);
}

static void test_errors(void **state) {
  (void)state;
  qv_type *t = ree_of(qv_type_int32(), qv_type_int32());
  qv_builder *b = new_builder(t);
  qv_builder *v = qv_builder_child(b, 1);
  assert_int_equal(qv_builder_append_run(b, 2), QV_ERR_INVALID_ARGUMENT); /* no value */
  assert_non_null(strstr(qv_builder_error(b)->message, "exactly one value"));
  APPEND_OK(v, qv_builder_append_int32(v, 1));
  assert_int_equal(qv_builder_append_run(b, 0), QV_ERR_INVALID_ARGUMENT);
  assert_int_equal(qv_builder_append_run(b, -4), QV_ERR_INVALID_ARGUMENT);
  APPEND_OK(v, qv_builder_append_int32(v, 2));
  assert_int_equal(qv_builder_append_run(b, 1), QV_ERR_INVALID_ARGUMENT); /* two values */
  assert_int_equal(qv_builder_append_null(b), QV_ERR_INVALID_ARGUMENT);
  assert_int_equal(qv_builder_append_int32(b, 1), QV_ERR_TYPE); /* values go to child 1 */
  qv_array *a = NULL;
  qv_error err;
  assert_int_equal(qv_builder_finish(b, &a, &err), QV_ERR_INVALID_ARGUMENT);
  assert_null(a);
  qv_builder_reset(b);
  a = finish_ok(b);
  assert_int_equal(a->length, 0);
  qv_array_release(a);
  qv_builder_free(b);
  qv_type_release(t);
}

static qv_status scenario_ree(const qv_allocator *alloc) {
  qv_type *t = ree_of(qv_type_int32(), qv_type_string());
  qv_builder *b = NULL;
  qv_array *a = NULL;
  qv_status st = qv_builder_new(t, alloc, &b, NULL);
  for (int i = 0; i < 100 && st == QV_OK; i++) {
    if (i % 4 == 3) {
      st = qv_builder_append_nulls(b, 2);
    } else {
      st = qv_builder_append_string(qv_builder_child(b, 1), "run value", i % 9);
      if (st == QV_OK) st = qv_builder_append_run(b, 1 + i % 5);
    }
  }
  if (st == QV_OK) st = qv_builder_finish(b, &a, NULL);
  if (st == QV_OK) assert_int_equal(a->children[0]->length, 100);
  qv_array_release(a);
  qv_builder_free(b);
  qv_type_release(t);
  return st;
}

static void test_allocation_failures(void **state) {
  (void)state;
  assert_true(run_alloc_failures(scenario_ree) >= 3);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_runs),
      cmocka_unit_test(test_run_end_widths),
      cmocka_unit_test(test_errors),
      cmocka_unit_test(test_allocation_failures),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
