/* sort_indices: literal permutations for integers at their extremes,
 * floats with NaN, infinities and signed zeros, strings, both orders and
 * both null placements, stability, slices, and a hostile string array. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "compute/compute_test_util.h"
#include "quiver/compute.h"

static void expect_perm(const qv_array *values, qv_sort_order order, qv_null_placement nulls, const uint64_t *want,
                        int64_t n) {
  qv_array *perm = NULL;
  qv_error e;
  qv_status st = qv_compute_sort_indices(values, order, nulls, &perm, &e);
  if (st != QV_OK) fprintf(stderr, "sort_indices: %s\n", e.message);
  assert_int_equal(st, QV_OK);
  assert_int_equal(perm->type->id, QV_TYPE_UINT64);
  assert_int_equal(perm->length, n);
  for (int64_t i = 0; i < n; i++) {
    if (qv_array_values_uint64(perm)[i] != want[i])
      fprintf(stderr, "slot %lld: got %llu want %llu\n", (long long)i,
              (unsigned long long)qv_array_values_uint64(perm)[i], (unsigned long long)want[i]);
    assert_true(qv_array_values_uint64(perm)[i] == want[i]);
  }
  qv_array_release(perm);
}
#define PERM(...) (const uint64_t[]){__VA_ARGS__}, (int64_t)(sizeof((const uint64_t[]){__VA_ARGS__}) / 8)

static void integers_extremes_stable_and_nulls(void **state) {
  (void)state;
  /* rows: 0:5 1:MIN 2:null 3:5 4:MAX 5:-1 */
  qv_array *a = PRIM(qv_type_int64(), int64_t, "110111", 5, INT64_MIN, 0, 5, INT64_MAX, -1);
  expect_perm(a, QV_SORT_ASCENDING, QV_NULLS_AT_END, PERM(1, 5, 0, 3, 4, 2));
  expect_perm(a, QV_SORT_DESCENDING, QV_NULLS_AT_END, PERM(4, 0, 3, 5, 1, 2)); /* 0 before 3: stable */
  expect_perm(a, QV_SORT_ASCENDING, QV_NULLS_AT_START, PERM(2, 1, 5, 0, 3, 4));
  qv_array_release(a);

  a = PRIM(qv_type_uint8(), uint8_t, NULL, 255, 0, 7);
  expect_perm(a, QV_SORT_ASCENDING, QV_NULLS_AT_END, PERM(1, 2, 0));
  qv_array_release(a);

  /* A slice: rows of the window, not of the buffer. */
  a = slice_of(I32(9, 3, 1, 2), 1, 3);
  expect_perm(a, QV_SORT_DESCENDING, QV_NULLS_AT_END, PERM(0, 2, 1));
  qv_array_release(a);

  a = I32();
  expect_perm(a, QV_SORT_ASCENDING, QV_NULLS_AT_END, NULL, 0);
  qv_array_release(a);
}

/* Enough rows for several merge passes, with many equal keys: stable. */
static void long_input_is_sorted_and_stable(void **state) {
  (void)state;
  int16_t v[1000];
  for (int i = 0; i < 1000; i++) v[i] = (int16_t)((i * 7919) % 13);
  qv_array *a = prim(qv_type_int16(), v, 1000, 2, NULL), *perm = NULL;
  assert_int_equal(qv_compute_sort_indices(a, QV_SORT_ASCENDING, QV_NULLS_AT_END, &perm, NULL), QV_OK);
  const uint64_t *p = qv_array_values_uint64(perm);
  for (int i = 1; i < 1000; i++) {
    assert_true(v[p[i - 1]] <= v[p[i]]);
    if (v[p[i - 1]] == v[p[i]]) assert_true(p[i - 1] < p[i]);
  }
  qv_array_release(perm);
  qv_array_release(a);
}

static void floats_nan_between_values_and_nulls(void **state) {
  (void)state;
  /* rows: 0:NaN 1:1.5 2:null 3:-inf 4:-0.0 5:0.0 6:NaN */
  qv_array *a = PRIM(qv_type_float64(), double, "1101111", NAN, 1.5, 0, -INFINITY, -0.0, 0.0, NAN);
  expect_perm(a, QV_SORT_ASCENDING, QV_NULLS_AT_END, PERM(3, 4, 5, 1, 0, 6, 2));
  expect_perm(a, QV_SORT_DESCENDING, QV_NULLS_AT_END, PERM(1, 4, 5, 3, 0, 6, 2));
  expect_perm(a, QV_SORT_DESCENDING, QV_NULLS_AT_START, PERM(2, 0, 6, 1, 4, 5, 3));
  qv_array_release(a);
}

static void strings_bytewise_prefix_first(void **state) {
  (void)state;
  qv_array *a = STRS("b", "ab", NULL, "", "a", "é", "ab");
  expect_perm(a, QV_SORT_ASCENDING, QV_NULLS_AT_END, PERM(3, 4, 1, 6, 0, 5, 2));
  expect_perm(a, QV_SORT_DESCENDING, QV_NULLS_AT_START, PERM(2, 5, 0, 1, 6, 4, 3));
  qv_array_release(a);
}

static void errors(void **state) {
  (void)state;
  qv_array *perm = NULL;
  qv_error e;
  /* Offsets 0, 2, 1, 3 pass structural validation; row 1 runs backwards. */
  qv_array *a = hand_array(qv_type_string(), 3, 0, 0, 3, BUFS(NULL, BUFV(int32_t, 0, 2, 1, 3), BUFV(char, 'a', 'b', 'c')),
                           0, NULL, NULL);
  expect_valid(a, QV_VALIDATE_STRUCTURE);
  assert_int_equal(qv_compute_sort_indices(a, QV_SORT_ASCENDING, QV_NULLS_AT_END, &perm, &e), QV_ERR_INVALID_DATA);
  assert_non_null(strstr(e.message, "row 1"));
  assert_null(perm);
  qv_array_release(a);
  /* A view naming a data buffer the array does not have. */
  qv_view v[2];
  memset(v, 0, sizeof v);
  v[0].inlined.size = 1;
  v[1].ref.size = 20;
  v[1].ref.buffer_index = 3;
  a = hand_array(qv_type_string_view(), 2, 0, 0, 3, BUFS(NULL, hand_buf(v, sizeof v), hand_buf("0123456789012345678901", 22)),
                 0, NULL, NULL);
  expect_valid(a, QV_VALIDATE_STRUCTURE);
  assert_int_equal(qv_compute_sort_indices(a, QV_SORT_DESCENDING, QV_NULLS_AT_END, &perm, &e), QV_ERR_INVALID_DATA);
  assert_non_null(strstr(e.message, "row 1"));
  qv_array_release(a);
  a = bools("10", NULL);
  assert_int_equal(qv_compute_sort_indices(a, QV_SORT_ASCENDING, QV_NULLS_AT_END, &perm, &e), QV_ERR_TYPE);
  assert_int_equal(qv_compute_sort_indices(a, (qv_sort_order)5, QV_NULLS_AT_END, &perm, &e), QV_ERR_INVALID_ARGUMENT);
  qv_array_release(a);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(integers_extremes_stable_and_nulls),
      cmocka_unit_test(long_input_is_sorted_and_stable),
      cmocka_unit_test(floats_nan_between_values_and_nulls),
      cmocka_unit_test(strings_bytewise_prefix_first),
      cmocka_unit_test(errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
