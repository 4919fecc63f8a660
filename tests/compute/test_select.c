/* take and filter: literal expected arrays for fixed-width, bool, string,
 * list, struct and dictionary inputs, sliced inputs and masks, null indices
 * and null mask slots (drop and emit_null), out-of-range indices naming the
 * row, tables, and a hostile string array that passes structural
 * validation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "compute/compute_test_util.h"
#include "quiver/compute.h"
#include "quiver/table.h"

/* Checks got == want (logically), printing the first difference; releases both. */
static void expect_array(qv_array *got, qv_array *want) {
  qv_error why;
  assert_non_null(got);
  if (qv_array_diff(got, want, &why) != QV_OK) {
    fprintf(stderr, "arrays differ: %s\n", why.message);
    fail();
  }
  assert_int_equal(got->length, want->length);
  qv_array_release(got);
  qv_array_release(want);
}

static qv_array *take(qv_array *values, qv_array *indices) {
  qv_array *out = NULL;
  qv_error e;
  qv_status st = qv_compute_take(values, indices, &out, &e);
  if (st != QV_OK) fprintf(stderr, "take: %s\n", e.message);
  assert_int_equal(st, QV_OK);
  return out;
}

static qv_array *filter(qv_array *values, qv_array *mask, qv_filter_null_selection nulls) {
  qv_array *out = NULL;
  qv_error e;
  qv_status st = qv_compute_filter(values, mask, nulls, &out, &e);
  if (st != QV_OK) fprintf(stderr, "filter: %s\n", e.message);
  assert_int_equal(st, QV_OK);
  return out;
}

static void take_fixed_width_with_null_indices(void **state) {
  (void)state;
  qv_array *values = slice_of(PRIM(qv_type_int32(), int32_t, "11011", 9, 10, 11, 12, 13), 1, 4); /* 10 null 12 13 */
  qv_array *idx = PRIM(qv_type_int64(), int64_t, "11101", 3, 0, 2, 99, 1);
  expect_array(take(values, idx), PRIM(qv_type_int32(), int32_t, "11100", 13, 10, 12, 0, 0));
  qv_array_release(idx);

  qv_error e;
  qv_array *out = NULL;
  idx = PRIM(qv_type_int32(), int32_t, NULL, 0, 3, 4);
  assert_int_equal(qv_compute_take(values, idx, &out, &e), QV_ERR_OUT_OF_RANGE);
  assert_non_null(strstr(e.message, "row 2"));
  assert_non_null(strstr(e.message, "index 4"));
  assert_null(out);
  qv_array_release(idx);
  idx = PRIM(qv_type_int32(), int32_t, NULL, -1);
  assert_int_equal(qv_compute_take(values, idx, &out, &e), QV_ERR_OUT_OF_RANGE);
  assert_non_null(strstr(e.message, "row 0"));
  qv_array_release(idx);
  idx = PRIM(qv_type_uint8(), uint8_t, NULL, 0);
  assert_int_equal(qv_compute_take(values, idx, &out, &e), QV_ERR_TYPE);
  qv_array_release(idx);
  qv_array_release(values);

  /* 16-byte decimals take the memcpy path. */
  qv_type *dt = NULL;
  assert_int_equal(qv_type_decimal(128, 20, 2, &dt, NULL), QV_OK);
  values = prim(qv_type_retain(dt), (const int64_t[]){5, 0, -7, -1}, 2, 16, NULL); /* 5, -7 */
  idx = I32(1, 0, 1);
  expect_array(take(values, idx), prim(dt, (const int64_t[]){-7, -1, 5, 0, -7, -1}, 3, 16, NULL));
  qv_array_release(idx);
  qv_array_release(values);
}

static void take_and_filter_bools(void **state) {
  (void)state;
  qv_array *values = slice_of(bools("01101", "11110"), 1, 4); /* true true false null */
  qv_array *idx = I32(3, 2, 0, 0);
  expect_array(take(values, idx), bools("0011", "0111"));
  qv_array_release(idx);
  qv_array *mask = bools("1011", NULL);
  expect_array(filter(values, mask, QV_FILTER_DROP), bools("100", "110"));
  qv_array_release(mask);
  qv_array_release(values);
}

static void filter_null_selection(void **state) {
  (void)state;
  qv_array *values = I64(1, 2, 3, 4, 5);
  qv_array *mask = slice_of(bools("010011", "111011"), 1, 5); /* true false null true true */
  expect_array(filter(values, mask, QV_FILTER_DROP), I64(1, 4, 5));
  expect_array(filter(values, mask, QV_FILTER_EMIT_NULL), PRIM(qv_type_int64(), int64_t, "1011", 1, 0, 4, 5));
  qv_array_release(mask);

  qv_array *out = NULL;
  qv_error e;
  mask = bools("11", NULL);
  assert_int_equal(qv_compute_filter(values, mask, QV_FILTER_DROP, &out, &e), QV_ERR_INVALID_ARGUMENT);
  assert_non_null(strstr(e.message, "2 rows"));
  qv_array_release(mask);
  assert_int_equal(qv_compute_filter(values, values, QV_FILTER_DROP, &out, &e), QV_ERR_TYPE);
  mask = bools("00000", NULL);
  expect_array(filter(values, mask, QV_FILTER_DROP), I64());
  qv_array_release(mask);
  qv_array_release(values);
}

static void take_strings_runs_and_nulls(void **state) {
  (void)state;
  qv_array *values = STRS("a", "bb", NULL, "dddd", "e");
  qv_array *idx = PRIM(qv_type_int32(), int32_t, "111110", 1, 2, 3, 0, 0, 7);
  expect_array(take(values, idx), STRS("bb", NULL, "dddd", "a", "a", NULL));
  qv_array_release(idx);
  idx = I32();
  expect_array(take(values, idx), STRS());
  qv_array_release(idx);
  qv_array *mask = bools("10011", NULL);
  expect_array(filter(values, mask, QV_FILTER_DROP), STRS("a", "dddd", "e"));
  qv_array_release(mask);
  qv_array_release(values);
}

static void take_lists_structs_dictionaries(void **state) {
  (void)state;
  /* list<int32>: [[1, 2], [], [3, 4, 5]] */
  qv_array *lists = hand_array(hand_list(QV_TYPE_LIST, qv_type_int32()), 3, 0, 0, 2,
                               BUFS(NULL, BUFV(int32_t, 0, 2, 2, 5)), 1, KIDS(I32(1, 2, 3, 4, 5)), NULL);
  qv_array *idx = PRIM(qv_type_int32(), int32_t, "110", 2, 0, 0);
  expect_array(take(lists, idx), hand_array(hand_list(QV_TYPE_LIST, qv_type_int32()), 3, 0, 1, 2,
                                            BUFS(BUFV(uint8_t, 3), BUFV(int32_t, 0, 3, 5, 5)), 1,
                                            KIDS(I32(3, 4, 5, 1, 2)), NULL));
  qv_array_release(idx);
  qv_array_release(lists);

  qv_type *st = hand_struct(2, FIELDS(hand_field("a", qv_type_int32()), hand_field("b", qv_type_string())));
  qv_array *structs = hand_array(qv_type_retain(st), 3, 0, 0, 1, BUFS(NULL), 2, KIDS(I32(1, 2, 3), STRS("x", "y", "z")),
                                 NULL);
  qv_array *mask = bools("101", NULL);
  expect_array(filter(structs, mask, QV_FILTER_DROP),
               hand_array(st, 2, 0, 0, 1, BUFS(NULL), 2, KIDS(I32(1, 3), STRS("x", "z")), NULL));
  qv_array_release(mask);
  qv_array_release(structs);

  qv_array *dict = hand_array(hand_dict(qv_type_int8(), qv_type_string()), 3, 0, 1, 2,
                              BUFS(BUFV(uint8_t, 5), BUFV(int8_t, 1, 0, 0)), 0, NULL, STRS("a", "b"));
  idx = I64(2, 1, 0);
  qv_array *got = take(dict, idx);
  assert_ptr_equal(got->dictionary, dict->dictionary); /* shared, not copied */
  expect_array(got, hand_array(hand_dict(qv_type_int8(), qv_type_string()), 3, 0, 1, 2,
                               BUFS(BUFV(uint8_t, 5), BUFV(int8_t, 0, 0, 1)), 0, NULL, STRS("a", "b")));
  qv_array_release(idx);
  qv_array_release(dict);
}

/* Offsets 0, 2, 1, 3 pass structural validation (first and last are in
 * range) but row 1 runs backwards: taking it is an error, not a bad read. */
static void hostile_offsets_backwards(void **state) {
  (void)state;
  qv_array *values = hand_array(qv_type_string(), 3, 0, 0, 3, BUFS(NULL, BUFV(int32_t, 0, 2, 1, 3), BUFV(char, 'a', 'b', 'c')),
                                0, NULL, NULL);
  expect_valid(values, QV_VALIDATE_STRUCTURE);
  qv_array *idx = I32(1), *out = NULL;
  qv_error e;
  assert_int_equal(qv_compute_take(values, idx, &out, &e), QV_ERR_INVALID_DATA);
  assert_null(out);
  qv_array_release(idx);
  idx = I32(0);
  expect_array(take(values, idx), STRS("ab"));
  qv_array_release(idx);
  qv_array_release(values);
}

/* A view naming data buffer 1 of an array that has one: structurally
 * valid, and take or filter of its row is an error, not a read. */
static void hostile_view_buffer_index(void **state) {
  (void)state;
  qv_view v[2];
  memset(v, 0, sizeof v);
  v[0].inlined.size = 2;
  memcpy(v[0].inlined.data, "ok", 2);
  v[1].ref.size = 20;
  memcpy(v[1].ref.prefix, "hell", 4);
  v[1].ref.buffer_index = 1;
  qv_array *values = hand_array(qv_type_string_view(), 2, 0, 0, 3,
                                BUFS(NULL, hand_buf(v, sizeof v), hand_buf("hello world, this is long", 25)), 0, NULL,
                                NULL);
  expect_valid(values, QV_VALIDATE_STRUCTURE);
  qv_array *idx = I32(0, 1), *out = NULL, *mask = bools("01", NULL);
  qv_error e;
  assert_int_equal(qv_compute_take(values, idx, &out, &e), QV_ERR_INVALID_DATA);
  assert_null(out);
  assert_int_equal(qv_compute_filter(values, mask, QV_FILTER_DROP, &out, &e), QV_ERR_INVALID_DATA);
  assert_null(out);
  qv_array_release(idx);
  qv_array_release(mask);
  idx = I32(0);
  qv_array *want = hand_array(qv_type_string_view(), 1, 0, 0, 2, BUFS(NULL, hand_buf(v, 16)), 0, NULL, NULL);
  expect_array(take(values, idx), want);
  qv_array_release(idx);
  qv_array_release(values);
}

/* Run ends 3, 2, 4 (decreasing in the middle) pass structural validation. */
static void hostile_run_ends_unsorted(void **state) {
  (void)state;
  qv_array *values = hand_array(hand_ree(qv_type_int32(), qv_type_int64()), 4, 0, 0, 0, NULL, 2,
                                KIDS(I32(3, 2, 4), I64(7, 8, 9)), NULL);
  expect_valid(values, QV_VALIDATE_STRUCTURE);
  qv_array *idx = I32(3, 0), *out = NULL;
  qv_error e;
  assert_int_equal(qv_compute_take(values, idx, &out, &e), QV_ERR_INVALID_DATA);
  assert_null(out);
  qv_array_release(idx);
  qv_array_release(values);
}

static void tables_column_by_column(void **state) {
  (void)state;
  const char *names[] = {"n", "s"};
  qv_table *parts[2] = {NULL, NULL}, *t = NULL, *got = NULL, *want = NULL;
  qv_array *c1[] = {I32(1, 2), STRS("a", "b")}, *c2[] = {I32(3), STRS("c")};
  assert_int_equal(qv_table_from_arrays(names, c1, 2, &parts[0], NULL), QV_OK);
  assert_int_equal(qv_table_from_arrays(names, c2, 2, &parts[1], NULL), QV_OK);
  assert_int_equal(qv_table_concat(parts, 2, &t, NULL), QV_OK);
  assert_int_equal(t->n_batches, 2);

  qv_array *idx = I32(2, 0);
  qv_array *w[] = {I32(3, 1), STRS("c", "a")};
  assert_int_equal(qv_compute_take_table(t, idx, &got, NULL), QV_OK);
  assert_int_equal(qv_table_from_arrays(names, w, 2, &want, NULL), QV_OK);
  assert_true(qv_table_equals(got, want));
  qv_table_release(got);
  qv_table_release(want);

  qv_array *mask = bools("011", NULL);
  qv_array *w2[] = {I32(2, 3), STRS("b", "c")};
  assert_int_equal(qv_compute_filter_table(t, mask, QV_FILTER_DROP, &got, NULL), QV_OK);
  assert_int_equal(qv_table_from_arrays(names, w2, 2, &want, NULL), QV_OK);
  assert_true(qv_table_equals(got, want));
  qv_table_release(got);
  qv_table_release(want);

  qv_error e;
  qv_array *bad = I32(0, 3);
  assert_int_equal(qv_compute_take_table(t, bad, &got, &e), QV_ERR_OUT_OF_RANGE);
  assert_non_null(strstr(e.message, "column 0 (n)"));
  assert_non_null(strstr(e.message, "row 1"));

  qv_array_release(bad);
  qv_array_release(mask);
  qv_array_release(idx);
  for (int i = 0; i < 2; i++) {
    qv_array_release(c1[i]);
    qv_array_release(c2[i]);
    qv_array_release(w[i]);
    qv_array_release(w2[i]);
    qv_table_release(parts[i]);
  }
  qv_table_release(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(take_fixed_width_with_null_indices),
      cmocka_unit_test(take_and_filter_bools),
      cmocka_unit_test(filter_null_selection),
      cmocka_unit_test(take_strings_runs_and_nulls),
      cmocka_unit_test(take_lists_structs_dictionaries),
      cmocka_unit_test(hostile_offsets_backwards),
      cmocka_unit_test(hostile_view_buffer_index),
      cmocka_unit_test(hostile_run_ends_unsorted),
      cmocka_unit_test(tables_column_by_column),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
