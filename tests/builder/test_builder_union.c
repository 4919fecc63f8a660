/* Tests for src/builder/union.c: sparse and dense union builders - type ids
 * (default and explicit codes), dense offsets, sparse children kept at the
 * union's length with empty values, null slots, closing errors (unknown
 * code, child not grown or grown twice, pending values at finish), empty
 * arrays, reuse and allocation failures. */
#include "builder_test_util.h"

static qv_type *union_type(qv_type_id id, const int8_t *codes) {
  qv_field *f[2] = {fld("i", qv_type_int32(), true), fld("s", qv_type_string(), true)};
  qv_type *t = NULL;
  assert_int_equal(qv_type_union(id, f, 2, codes, &t, NULL), QV_OK);
  qv_field_release(f[0]);
  qv_field_release(f[1]);
  return t;
}

static void test_sparse(void **state) {
  (void)state;
  qv_type *t = union_type(QV_TYPE_SPARSE_UNION, NULL);
  qv_builder *b = new_builder(t);
  qv_builder *ci = qv_builder_child(b, 0), *cs = qv_builder_child(b, 1);
  /* 5, "ab", null, 7, "" */
  APPEND_OK(ci, qv_builder_append_int32(ci, 5));
  APPEND_OK(b, qv_builder_finish_union_element(b, 0));
  APPEND_OK(cs, qv_builder_append_string(cs, "ab", -1));
  APPEND_OK(b, qv_builder_finish_union_element(b, 1));
  APPEND_OK(b, qv_builder_append_null(b));
  APPEND_OK(ci, qv_builder_append_int32(ci, 7));
  APPEND_OK(b, qv_builder_finish_union_element(b, 0));
  APPEND_OK(cs, qv_builder_append_string(cs, "", -1));
  APPEND_OK(b, qv_builder_finish_union_element(b, 1));
  assert_int_equal(qv_builder_null_count(b), 0);
  qv_array *a = finish_ok(b);
  assert_int_equal(a->length, 5);
  assert_int_equal(a->null_count, 0);
  assert_int_equal(a->n_buffers, 1);
  const int8_t want_ids[5] = {0, 1, 0, 0, 1};
  assert_int_equal(a->buffers[0]->size, 5);
  assert_memory_equal(a->buffers[0]->data, want_ids, 5);
  /* every child has the union's length; the other children got empties */
  const qv_array *ai = a->children[0], *as = a->children[1];
  assert_int_equal(ai->length, 5);
  assert_int_equal(as->length, 5);
  const int32_t want_i[5] = {5, 0, 0, 7, 0};
  assert_memory_equal(ai->buffers[1]->data, want_i, sizeof want_i);
  assert_int_equal(ai->null_count, 1); /* the union null lives in child 0 */
  assert_false(valid_bit(ai, 2));
  assert_int_equal(as->null_count, 0);
  const int32_t want_off[6] = {0, 0, 2, 2, 2, 2};
  assert_memory_equal(as->buffers[1]->data, want_off, sizeof want_off);
  assert_int_equal(qv_array_union_type_code(a, 1), 1);
  assert_int_equal(qv_array_union_child_offset(a, 3), 3);
  assert_false(qv_array_is_valid_any(a, 2));
  assert_true(qv_array_is_valid_any(a, 4));
  qv_array_release(a);
  qv_builder_free(b);
  qv_type_release(t);
}

static void test_dense_with_codes(void **state) {
  (void)state;
  const int8_t codes[2] = {5, 10};
  qv_type *t = union_type(QV_TYPE_DENSE_UNION, codes);
  qv_builder *b = new_builder(t);
  qv_builder *ci = qv_builder_child(b, 0), *cs = qv_builder_child(b, 1);
  APPEND_OK(cs, qv_builder_append_string(cs, "x", -1));
  APPEND_OK(b, qv_builder_finish_union_element(b, 10));
  APPEND_OK(ci, qv_builder_append_int32(ci, 1));
  APPEND_OK(b, qv_builder_finish_union_element(b, 5));
  APPEND_OK(cs, qv_builder_append_string(cs, "yy", -1));
  APPEND_OK(b, qv_builder_finish_union_element(b, 10));
  APPEND_OK(b, qv_builder_append_nulls(b, 2));
  APPEND_OK(b, qv_builder_append_empty(b));
  APPEND_OK(ci, qv_builder_append_int32(ci, 2));
  APPEND_OK(b, qv_builder_finish_union_element(b, 5));
  qv_array *a = finish_ok(b);
  assert_int_equal(a->length, 7);
  assert_int_equal(a->n_buffers, 2);
  const int8_t want_ids[7] = {10, 5, 10, 5, 5, 5, 5};
  const int32_t want_off[7] = {0, 0, 1, 1, 2, 3, 4};
  assert_memory_equal(a->buffers[0]->data, want_ids, 7);
  assert_int_equal(a->buffers[1]->size, 28);
  assert_memory_equal(a->buffers[1]->data, want_off, sizeof want_off);
  assert_int_equal(a->children[0]->length, 5);
  assert_int_equal(a->children[0]->null_count, 2);
  assert_int_equal(a->children[1]->length, 2);
  assert_int_equal(qv_array_union_type_code(a, 2), 10);
  assert_int_equal(qv_array_union_child_offset(a, 2), 1);
  qv_array_release(a);

  /* empty, then reuse restarts the per-child offsets */
  a = finish_ok(b);
  assert_int_equal(a->length, 0);
  qv_array_release(a);
  APPEND_OK(cs, qv_builder_append_string(cs, "z", -1));
  APPEND_OK(b, qv_builder_finish_union_element(b, 10));
  a = finish_ok(b);
  assert_int_equal(((const int32_t *)(const void *)a->buffers[1]->data)[0], 0);
  qv_array_release(a);
  qv_builder_free(b);
  qv_type_release(t);
}

static void test_closing_errors(void **state) {
  (void)state;
  for (int dense = 0; dense < 2; dense++) {
    qv_type *t = union_type(dense ? QV_TYPE_DENSE_UNION : QV_TYPE_SPARSE_UNION, NULL);
    qv_builder *b = new_builder(t);
    qv_builder *ci = qv_builder_child(b, 0), *cs = qv_builder_child(b, 1);
    /* nothing appended to the child of the code */
    assert_int_equal(qv_builder_finish_union_element(b, 0), QV_ERR_INVALID_ARGUMENT);
    assert_non_null(strstr(qv_builder_error(b)->message, "child 0 'i' has 0 values, expected 1"));
    /* unknown codes */
    APPEND_OK(ci, qv_builder_append_int32(ci, 1));
    assert_int_equal(qv_builder_finish_union_element(b, 2), QV_ERR_INVALID_ARGUMENT);
    assert_non_null(strstr(qv_builder_error(b)->message, "type code 2"));
    assert_int_equal(qv_builder_finish_union_element(b, -1), QV_ERR_INVALID_ARGUMENT);
    /* two children grew */
    APPEND_OK(cs, qv_builder_append_string(cs, "s", -1));
    assert_int_equal(qv_builder_finish_union_element(b, 0), QV_ERR_INVALID_ARGUMENT);
    /* pending values block nulls and finish */
    assert_int_equal(qv_builder_append_null(b), QV_ERR_INVALID_ARGUMENT);
    qv_array *a = NULL;
    qv_error err;
    assert_int_equal(qv_builder_finish(b, &a, &err), QV_ERR_INVALID_ARGUMENT);
    assert_non_null(strstr(err.message, "finish_union_element"));
    assert_int_equal(qv_builder_length(b), 0);
    assert_int_equal(qv_builder_finish_element(b), QV_ERR_TYPE);
    qv_builder_free(b);
    qv_type_release(t);
  }
  /* a union with no children has no null slot */
  qv_type *t = NULL;
  assert_int_equal(qv_type_union(QV_TYPE_SPARSE_UNION, NULL, 0, NULL, &t, NULL), QV_OK);
  qv_builder *b = new_builder(t);
  assert_int_equal(qv_builder_append_null(b), QV_ERR_INVALID_ARGUMENT);
  qv_array *a = finish_ok(b);
  assert_int_equal(a->length, 0);
  qv_array_release(a);
  qv_builder_free(b);
  qv_type_release(t);
}

static void test_nested_union_child(void **state) {
  (void)state;
  /* sparse union of a list and a struct: the empties are an empty list and
   * a struct of empty values */
  qv_field *sf[1] = {fld("v", qv_type_float64(), true)};
  qv_field *f[2] = {fld("l", list_of(QV_TYPE_LIST, qv_type_int8()), true), fld("st", struct_of(sf, 1), true)};
  qv_type *t = NULL;
  assert_int_equal(qv_type_union(QV_TYPE_SPARSE_UNION, f, 2, NULL, &t, NULL), QV_OK);
  qv_field_release(f[0]);
  qv_field_release(f[1]);
  qv_builder *b = new_builder(t);
  qv_builder *l = qv_builder_child(b, 0), *st = qv_builder_child(b, 1);
  APPEND_OK(qv_builder_child(l, 0), qv_builder_append_int8(qv_builder_child(l, 0), 4));
  APPEND_OK(l, qv_builder_finish_element(l));
  APPEND_OK(b, qv_builder_finish_union_element(b, 0));
  APPEND_OK(qv_builder_child(st, 0), qv_builder_append_float64(qv_builder_child(st, 0), 2.5));
  APPEND_OK(st, qv_builder_finish_element(st));
  APPEND_OK(b, qv_builder_finish_union_element(b, 1));
  qv_array *a = finish_ok(b);
  assert_int_equal(a->children[0]->length, 2);
  assert_int_equal(a->children[1]->length, 2);
  const int32_t want_off[3] = {0, 1, 1};
  assert_memory_equal(a->children[0]->buffers[1]->data, want_off, sizeof want_off);
  assert_true(qv_array_float64_value(a->children[1]->children[0], 1) == 2.5);
  qv_array_release(a);
  qv_builder_free(b);
  qv_type_release(t);
}

static qv_status scenario_union(const qv_allocator *alloc) {
  qv_type *t = union_type(QV_TYPE_DENSE_UNION, NULL);
  qv_builder *b = NULL;
  qv_array *a = NULL;
  qv_status st = qv_builder_new(t, alloc, &b, NULL);
  for (int i = 0; i < 100 && st == QV_OK; i++) {
    if (i % 3 == 0) {
      st = qv_builder_append_int32(qv_builder_child(b, 0), i);
      if (st == QV_OK) st = qv_builder_finish_union_element(b, 0);
    } else if (i % 3 == 1) {
      st = qv_builder_append_string(qv_builder_child(b, 1), "str", -1);
      if (st == QV_OK) st = qv_builder_finish_union_element(b, 1);
    } else {
      st = qv_builder_append_null(b);
    }
  }
  if (st == QV_OK) st = qv_builder_finish(b, &a, NULL);
  if (st == QV_OK) assert_int_equal(a->length, 100);
  qv_array_release(a);
  qv_builder_free(b);
  qv_type_release(t);
  return st;
}

static void test_allocation_failures(void **state) {
  (void)state;
  assert_true(run_alloc_failures(scenario_union) >= 4);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sparse),
      cmocka_unit_test(test_dense_with_codes),
      cmocka_unit_test(test_closing_errors),
      cmocka_unit_test(test_nested_union_child),
      cmocka_unit_test(test_allocation_failures),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
