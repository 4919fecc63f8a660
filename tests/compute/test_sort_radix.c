/* The radix path of single-key sort_indices (src/compute/sort_radix.c) on
 * inputs large enough for its two threads and its bucket passes: every
 * result must equal the stable merge sort's (a second, all-null key sends
 * the same sort down the merge path), in both directions and both null
 * placements, with threads and without (core/parallel.h's limit on thread starts). Inputs:
 * int64 over the whole range (the column read in place as keys), int64
 * with many duplicates and nulls, a skewed int64 column (one huge bucket),
 * all-equal keys, float64 with NaN, -0.0, infinities and nulls, negative
 * int32, uint64 above INT64_MAX, a sliced int64 window and strings sharing
 * long prefixes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>

#include "compute/compute_test_util.h"
#include "compute/split.h"
#include "core/parallel.h"
#include "quiver/builder.h"
#include "quiver/compute.h"

enum { N = 140000 }; /* above QV__PARALLEL_MIN_ROWS */

static uint64_t rng_state = 0x853c49e6748fea9bull;
static uint64_t next_random(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

/* A fixed-width array of n values; every `null_every`-th row null (0: no
 * bitmap). */
static qv_array *big_array(qv_type *t, const void *values, int64_t n, int width, int null_every) {
  uint8_t *bits = NULL;
  int64_t nulls = 0;
  if (null_every > 0) {
    bits = calloc((size_t)(n + 7) / 8, 1);
    assert_non_null(bits);
    for (int64_t i = 0; i < n; i++) {
      if (i % null_every == 3) nulls++;
      else bits[i / 8] |= (uint8_t)(1u << (i % 8));
    }
  }
  qv_array *a = hand_array(t, n, 0, nulls, 2, BUFS(bits ? exact_buf(bits, (n + 7) / 8) : NULL,
                                                    exact_buf(values, n * width)), 0, NULL, NULL);
  free(bits);
  return a;
}

/* The radix order of `a` equals the merge sort's, in every order and
 * placement, with and without threads. */
static void expect_merge_order(qv_array *a) {
  int64_t n = a->length;
  qv_array *zeros = NULL;
  assert_int_equal(qv_array_new_null(qv_type_null(), n, &zeros, NULL), QV_OK);
  for (int desc = 0; desc < 2; desc++)
    for (int at_start = 0; at_start < 2; at_start++) {
      qv_sort_key k = {a, desc ? QV_SORT_DESCENDING : QV_SORT_ASCENDING, at_start ? QV_NULLS_AT_START : QV_NULLS_AT_END};
      qv_sort_key two[2] = {k, {zeros, QV_SORT_ASCENDING, QV_NULLS_AT_END}};
      qv_array *radix = NULL, *serial = NULL, *merged = NULL;
      qv_error e;
      qv_status st = qv_compute_sort_indices_multi(&k, 1, &radix, &e);
      if (st != QV_OK) fprintf(stderr, "%s\n", e.message);
      assert_int_equal(st, QV_OK);
      qv__parallel_limit_thread_starts(0);
      assert_int_equal(qv_compute_sort_indices_multi(&k, 1, &serial, NULL), QV_OK);
      qv__parallel_limit_thread_starts(-1);
      assert_int_equal(qv_compute_sort_indices_multi(two, 2, &merged, NULL), QV_OK);
      assert_int_equal(radix->length, n);
      assert_memory_equal(qv_array_values_uint64(radix), qv_array_values_uint64(merged), (size_t)n * 8);
      assert_memory_equal(qv_array_values_uint64(serial), qv_array_values_uint64(merged), (size_t)n * 8);
      qv_array_release(radix);
      qv_array_release(serial);
      qv_array_release(merged);
    }
  qv_array_release(zeros);
  qv_array_release(a);
}

static void int64_whole_range(void **state) {
  (void)state;
  int64_t *v = malloc(N * sizeof *v);
  assert_non_null(v);
  for (int64_t i = 0; i < N; i++) v[i] = (int64_t)next_random();
  v[5] = INT64_MIN;
  v[6] = INT64_MAX;
  v[7] = -1;
  v[8] = 0;
  expect_merge_order(big_array(qv_type_int64(), v, N, 8, 0));
  free(v);
}

static void int64_duplicates_and_nulls(void **state) {
  (void)state;
  int64_t *v = malloc(N * sizeof *v);
  assert_non_null(v);
  for (int64_t i = 0; i < N; i++) v[i] = (int64_t)(next_random() % 1000) - 500;
  expect_merge_order(big_array(qv_type_int64(), v, N, 8, 17));
  free(v);
}

static void int64_skewed_and_all_equal(void **state) {
  (void)state;
  int64_t *v = malloc(N * sizeof *v);
  assert_non_null(v);
  for (int64_t i = 0; i < N; i++) v[i] = i % 10 == 0 ? (int64_t)next_random() : 42; /* one bucket holds 90% */
  expect_merge_order(big_array(qv_type_int64(), v, N, 8, 0));
  for (int64_t i = 0; i < N; i++) v[i] = -7;
  expect_merge_order(big_array(qv_type_int64(), v, N, 8, 0));
  expect_merge_order(big_array(qv_type_int64(), v, N, 8, 5));
  free(v);
}

static void floats_with_nan_and_nulls(void **state) {
  (void)state;
  double *v = malloc(N * sizeof *v);
  assert_non_null(v);
  const double specials[] = {NAN, -0.0, 0.0, INFINITY, -INFINITY, 1e-300, -1e300};
  for (int64_t i = 0; i < N; i++)
    v[i] = i % 9 == 0 ? specials[(i / 9) % 7] : (double)(int64_t)(next_random() % 100000) / 7.0 - 5000.0;
  expect_merge_order(big_array(qv_type_float64(), v, N, 8, 23));
  free(v);
}

static void other_widths(void **state) {
  (void)state;
  int32_t *i32 = malloc(N * sizeof *i32);
  uint64_t *u64 = malloc(N * sizeof *u64);
  assert_non_null(i32);
  assert_non_null(u64);
  for (int64_t i = 0; i < N; i++) {
    i32[i] = (int32_t)(next_random() % 200001) - 100000;
    u64[i] = next_random() | (i % 2 ? (uint64_t)1 << 63 : 0);
  }
  expect_merge_order(big_array(qv_type_int32(), i32, N, 4, 0));
  expect_merge_order(big_array(qv_type_uint64(), u64, N, 8, 31));
  free(i32);
  free(u64);
}

static void sliced_window(void **state) {
  (void)state;
  int64_t *v = malloc(N * sizeof *v);
  assert_non_null(v);
  for (int64_t i = 0; i < N; i++) v[i] = (int64_t)(next_random() >> 3) - ((int64_t)1 << 59);
  expect_merge_order(slice_of(big_array(qv_type_int64(), v, N, 8, 0), 7, N - 20));
  expect_merge_order(slice_of(big_array(qv_type_int64(), v, N, 8, 13), 9, N - 30));
  free(v);
}

static void strings_sharing_prefixes(void **state) {
  (void)state;
  qv_builder *b = NULL;
  assert_int_equal(qv_builder_new(qv_type_string(), NULL, &b, NULL), QV_OK);
  for (int64_t i = 0; i < N; i++) {
    char word[32];
    uint64_t r = next_random();
    int len = snprintf(word, sizeof word, "%s%llu", r % 3 == 0 ? "common_prefix_" : "", (unsigned long long)(r % 5000));
    if (i % 19 == 4) assert_int_equal(qv_builder_append_null(b), QV_OK);
    else assert_int_equal(qv_builder_append_string(b, word, len), QV_OK);
  }
  qv_array *s = NULL;
  assert_int_equal(qv_builder_finish(b, &s, NULL), QV_OK);
  qv_builder_free(b);
  expect_merge_order(s);
}

int main(void) {
  qv__compute_set_parallel(0, 2); /* two halves on two threads, whatever the machine or QV_COMPUTE_THREADS */
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(int64_whole_range),
      cmocka_unit_test(int64_duplicates_and_nulls),
      cmocka_unit_test(int64_skewed_and_all_equal),
      cmocka_unit_test(floats_with_nan_and_nulls),
      cmocka_unit_test(other_widths),
      cmocka_unit_test(sliced_window),
      cmocka_unit_test(strings_sharing_prefixes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
