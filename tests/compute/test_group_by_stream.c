/* Group-by when every aggregate folds (src/compute/group_by_stream.c):
 * rows in blocks, two halves on two threads merged in order of first
 * appearance, direct-indexed small-range integer keys and the string-key
 * fast loop (src/compute/grouper.c). Each result is compared with the
 * row-by-row path, which an extra `first` aggregate (it does not fold)
 * selects for the same call, and with no thread starting (the halves then
 * run in turn on the caller, as when thread creation fails). Inputs are large
 * enough to be split: int64 keys of a small range with negatives and
 * nulls, keys that leave the small range half way, a range that widens
 * block after block, int8/int16/int32 keys, strings with and without
 * nulls, large strings, two key columns, NaN among float values, sliced
 * windows, an all-null key column, one group and no rows; and hostile
 * string offsets in either half, whose error must name the lowest bad row. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>

#include "compute/compute_test_util.h"
#include "compute/split.h"
#include "core/parallel.h"
#include "quiver/builder.h"
#include "quiver/compare.h"
#include "quiver/compute.h"

enum { N = 140000 }; /* above QV__PARALLEL_MIN_ROWS */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t next_random(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

/* n fixed-width values; rows with i % null_every == 3 null (0: no bitmap). */
static qv_array *big_array(qv_type *t, const void *values, int64_t n, int width, int null_every) {
  uint8_t *bits = NULL;
  int64_t nulls = 0;
  if (null_every > 0) {
    bits = calloc((size_t)(n + 7) / 8 + 1, 1);
    assert_non_null(bits);
    for (int64_t i = 0; i < n; i++) {
      if (i % null_every == 3) nulls++;
      else bits[i / 8] |= (uint8_t)(1u << (i % 8));
    }
  }
  qv_array *a = hand_array(t, n, 0, nulls, 2,
                           BUFS(bits ? exact_buf(bits, (n + 7) / 8) : NULL, n > 0 ? exact_buf(values, n * width) : NULL),
                           0, NULL, NULL);
  free(bits);
  return a;
}

static qv_array *int64_values(int64_t n, int null_every) {
  int64_t *v = malloc((size_t)(n > 0 ? n : 1) * sizeof *v);
  assert_non_null(v);
  for (int64_t i = 0; i < n; i++) v[i] = (int64_t)(next_random() % 2001) - 1000;
  qv_array *a = big_array(qv_type_int64(), v, n, 8, null_every);
  free(v);
  return a;
}

/* Whole numbers (sums exact in any order) with an infinity, and NaN
 * mixed in when asked (for min/max: the sign of a NaN sum depends on the
 * order of the additions). */
static qv_array *float_values(int64_t n, bool nan) {
  double *v = malloc((size_t)(n > 0 ? n : 1) * sizeof *v);
  assert_non_null(v);
  for (int64_t i = 0; i < n; i++) v[i] = nan && i % 101 == 7 ? NAN : (double)(int64_t)(next_random() % 1000) - 500.0;
  if (n > 50) v[50] = INFINITY;
  qv_array *a = big_array(qv_type_float64(), v, n, 8, 29);
  free(v);
  return a;
}

static qv_array *strings(int64_t n, int distinct, int null_every, bool large) {
  qv_builder *b = NULL;
  assert_int_equal(qv_builder_new(large ? qv_type_large_string() : qv_type_string(), NULL, &b, NULL), QV_OK);
  for (int64_t i = 0; i < n; i++) {
    char word[40];
    uint64_t r = next_random() % (uint64_t)distinct;
    int len = snprintf(word, sizeof word, r % 4 == 0 ? "a_rather_long_key_of_more_than_16_%llu" : "k%llu",
                       (unsigned long long)r);
    if (null_every > 0 && i % null_every == 3) assert_int_equal(qv_builder_append_null(b), QV_OK);
    else assert_int_equal(qv_builder_append_string(b, word, len), QV_OK);
  }
  qv_array *s = NULL;
  assert_int_equal(qv_builder_finish(b, &s, NULL), QV_OK);
  qv_builder_free(b);
  return s;
}

static void release_pair(qv_array **a) {
  qv_array_release(a[0]);
  qv_array_release(a[1]);
  a[0] = a[1] = NULL;
}

static void expect_same(qv_array *got, qv_array *want, const char *what) {
  qv_error why;
  qv_equal_options opts = {true, false}; /* NaN equals NaN: the payload of a NaN min is not specified */
  if (qv_array_diff_opts(got, want, &opts, &why) != QV_OK) {
    fprintf(stderr, "%s: arrays differ: %s\n", what, why.message);
    fail();
  }
}

/* Every foldable aggregate over `values` (and `floats`), grouped by
 * keys: the folded result (threads on and off) equals the row-by-row one. */
static void expect_folded_matches(qv_array **keys, int32_t n_keys, qv_array *values, qv_array *floats,
                                  qv_array *nans) {
  qv_group_aggregate aggs[] = {
      {values, QV_GROUP_SUM, QV_COUNT_VALID},  {values, QV_GROUP_COUNT, QV_COUNT_VALID},
      {values, QV_GROUP_COUNT, QV_COUNT_NULL}, {NULL, QV_GROUP_COUNT_ALL, QV_COUNT_ALL},
      {values, QV_GROUP_MIN, QV_COUNT_VALID},  {values, QV_GROUP_MAX, QV_COUNT_VALID},
      {values, QV_GROUP_MEAN, QV_COUNT_VALID}, {floats, QV_GROUP_SUM, QV_COUNT_VALID},
      {nans, QV_GROUP_MIN, QV_COUNT_VALID},    {nans, QV_GROUP_MAX, QV_COUNT_VALID},
      {values, QV_GROUP_FIRST, QV_COUNT_VALID}, /* last: only in the row-by-row call */
  };
  enum { NA = sizeof aggs / sizeof aggs[0] };
  int32_t n_out = n_keys + NA;
  qv_array *folded[2 + NA], *serial[2 + NA], *rows[2 + NA];
  qv_error e;
  qv_status st = qv_compute_group_by(keys, n_keys, aggs, NA - 1, folded, &e);
  if (st != QV_OK) fprintf(stderr, "%s\n", e.message);
  assert_int_equal(st, QV_OK);
  qv__parallel_limit_thread_starts(0);
  assert_int_equal(qv_compute_group_by(keys, n_keys, aggs, NA - 1, serial, NULL), QV_OK);
  qv__parallel_limit_thread_starts(-1);
  assert_int_equal(qv_compute_group_by(keys, n_keys, aggs, NA, rows, NULL), QV_OK);
  for (int32_t c = 0; c < n_out - 1; c++) {
    char what[48];
    snprintf(what, sizeof what, "column %d", (int)c);
    expect_same(folded[c], rows[c], what);
    expect_same(serial[c], rows[c], what);
  }
  for (int32_t c = 0; c < n_out - 1; c++) {
    qv_array_release(folded[c]);
    qv_array_release(serial[c]);
  }
  for (int32_t c = 0; c < n_out; c++) qv_array_release(rows[c]);
}

static void run_case(qv_array **keys, int32_t n_keys) {
  int64_t n = keys[0]->length;
  qv_array *values = int64_values(n, 11), *floats = float_values(n, false), *nans = float_values(n, true);
  expect_folded_matches(keys, n_keys, values, floats, nans);
  qv_array_release(values);
  qv_array_release(floats);
  qv_array_release(nans);
  for (int32_t k = 0; k < n_keys; k++) qv_array_release(keys[k]);
}

static void small_range_integer_keys(void **state) {
  (void)state;
  int64_t *v = malloc(N * sizeof *v);
  assert_non_null(v);
  for (int64_t i = 0; i < N; i++) v[i] = (int64_t)(next_random() % 1000) - 300;
  qv_array *k = big_array(qv_type_int64(), v, N, 8, 13);
  run_case(&k, 1);
  k = big_array(qv_type_int64(), v, N, 8, N + 1); /* one null, in the first block */
  run_case(&k, 1);
  qv_array *one_null = int64_values(N, N + 1), *floats = float_values(N, false), *nans = float_values(N, true);
  k = big_array(qv_type_int64(), v, N, 8, 0);
  expect_folded_matches(&k, 1, one_null, floats, nans); /* values with a bitmap, mostly all valid */
  qv_array_release(k);
  qv_array_release(one_null);
  qv_array_release(floats);
  qv_array_release(nans);
  k = big_array(qv_type_int64(), v, N, 8, 0);
  run_case(&k, 1);
  /* a far key in the second quarter leaves direct indexing for good */
  v[N / 3] = (int64_t)1 << 40;
  v[N / 3 + 1] = INT64_MIN;
  k = big_array(qv_type_int64(), v, N, 8, 0);
  run_case(&k, 1);
  /* a range that widens block after block, past what direct indexing takes */
  for (int64_t i = 0; i < N; i++) v[i] = i / 2 + (int64_t)(next_random() % 5);
  k = big_array(qv_type_int64(), v, N, 8, 0);
  run_case(&k, 1);
  free(v);
}

static void narrow_integer_keys(void **state) {
  (void)state;
  int8_t *i8 = malloc(N);
  int16_t *i16 = malloc(N * sizeof *i16);
  int32_t *i32 = malloc(N * sizeof *i32);
  assert_non_null(i8);
  assert_non_null(i16);
  assert_non_null(i32);
  for (int64_t i = 0; i < N; i++) {
    uint64_t r = next_random();
    i8[i] = (int8_t)(r & 0xff);
    i16[i] = (int16_t)((r >> 8) % 3000) - 1500;
    i32[i] = i < N / 2 ? (int32_t)((r >> 24) % 100) - 50 : (int32_t)(r >> 32);
  }
  qv_array *k = big_array(qv_type_int8(), i8, N, 1, 7);
  run_case(&k, 1);
  k = big_array(qv_type_int16(), i16, N, 2, 0);
  run_case(&k, 1);
  k = big_array(qv_type_int32(), i32, N, 4, 0);
  run_case(&k, 1);
  free(i8);
  free(i16);
  free(i32);
}

static void string_keys(void **state) {
  (void)state;
  qv_array *k = strings(N, 1000, 0, false);
  run_case(&k, 1);
  k = strings(N, 1000, 17, false);
  run_case(&k, 1);
  k = strings(N, 1000, N + 1, false); /* a bitmap with one null (row 3): the other blocks take the no-null loop */
  run_case(&k, 1);
  k = strings(N, 50000, 0, true);
  run_case(&k, 1);
  qv_array *two[2] = {strings(N, 30, 0, false), NULL};
  int64_t *v = malloc(N * sizeof *v);
  assert_non_null(v);
  for (int64_t i = 0; i < N; i++) v[i] = (int64_t)(next_random() % 40);
  two[1] = big_array(qv_type_int64(), v, N, 8, 19);
  free(v);
  run_case(two, 2);
}

static void sliced_null_and_tiny_inputs(void **state) {
  (void)state;
  qv_array *k = slice_of(strings(N + 100, 700, 23, false), 37, N);
  qv_array *values = slice_of(int64_values(N + 100, 11), 37, N), *floats = slice_of(float_values(N + 90, false), 11, N);
  qv_array *nans = slice_of(float_values(N + 3, true), 3, N);
  expect_folded_matches(&k, 1, values, floats, nans);
  qv_array_release(k);
  qv_array_release(values);
  qv_array_release(floats);
  qv_array_release(nans);
  int64_t *v = malloc(N * sizeof *v);
  assert_non_null(v);
  for (int64_t i = 0; i < N; i++) v[i] = (int64_t)(next_random() % 100);
  k = slice_of(big_array(qv_type_int64(), v, N, 8, 9), 5, N - 10);
  run_case(&k, 1);
  for (int64_t i = 0; i < N; i++) v[i] = 12345; /* one group */
  k = big_array(qv_type_int64(), v, N, 8, 0);
  run_case(&k, 1);
  free(v);
  assert_int_equal(qv_array_new_null(qv_type_null(), N, &k, NULL), QV_OK); /* every key null */
  run_case(&k, 1);
  k = big_array(qv_type_int64(), NULL, 0, 8, 0); /* no rows */
  run_case(&k, 1);
}

/* String keys whose offsets point outside the data at the given rows. */
static qv_array *hostile_strings(int64_t n, int64_t bad1, int64_t bad2) {
  int32_t *off = malloc((size_t)(n + 1) * sizeof *off);
  assert_non_null(off);
  for (int64_t i = 0; i <= n; i++) off[i] = (int32_t)(i < 8 ? i : 8);
  /* the bad rows end past the 8 data bytes */
  off[bad1 + 1] = 1000;
  if (bad2 >= 0) off[bad2 + 1] = 2000;
  qv_array *a = hand_array(qv_type_string(), n, 0, 0, 3,
                           BUFS(NULL, exact_buf(off, (n + 1) * 4), exact_buf("abcdefgh", 8)), 0, NULL, NULL);
  free(off);
  return a;
}

static void hostile_offsets_name_the_lowest_row(void **state) {
  (void)state;
  const int64_t cases[][2] = {{N - 5, -1}, {10, N - 5}, {N / 2 - 1, N / 2 + 1}};
  for (int c = 0; c < 3; c++) {
    qv_array *k = hostile_strings(N, cases[c][0], cases[c][1]);
    qv_array *values = int64_values(N, 0), *out[2] = {NULL, NULL};
    qv_group_aggregate sum = {values, QV_GROUP_SUM, QV_COUNT_VALID};
    qv_error e;
    char want[48];
    snprintf(want, sizeof want, "row %lld:", (long long)cases[c][0]);
    for (int threads = 0; threads < 2; threads++) {
      qv__parallel_limit_thread_starts(threads == 1 ? -1 : 0);
      assert_int_equal(qv_compute_group_by(&k, 1, &sum, 1, out, &e), QV_ERR_INVALID_DATA);
      if (strstr(e.message, want) == NULL) fprintf(stderr, "want %s in: %s\n", want, e.message);
      assert_non_null(strstr(e.message, want));
      assert_null(out[0]);
      assert_null(out[1]);
    }
    qv__parallel_limit_thread_starts(-1);
    qv_array_release(k);
    qv_array_release(values);
  }
}

/* Dictionary keys group by their values: a dictionary naming one value
 * twice, a null value in the dictionary and null indices; the key column
 * keeps the dictionary type; a hostile index is an error naming its row. */
static void dictionary_keys(void **state) {
  (void)state;
  qv_array *dict = hand_array(qv_type_string(), 4, 0, 1, 3,
                              BUFS(bits_from("1101", 4), BUFV(int32_t, 0, 1, 2, 2, 3), BUFV(char, 'a', 'b', 'a')), 0,
                              NULL, NULL); /* ["a", "b", null, "a"] */
  int8_t *idx = malloc(N);
  uint8_t *bits = malloc((N + 7) / 8);
  assert_non_null(idx);
  assert_non_null(bits);
  memset(bits, 0xff, (N + 7) / 8);
  int64_t nulls = 0;
  for (int64_t i = 0; i < N; i++) {
    idx[i] = (int8_t)(next_random() % 4);
    if (i % 10 == 4) {
      bits[i / 8] &= (uint8_t)~(1u << (i % 8));
      nulls++;
    }
  }
  qv_array *keys = hand_array(hand_dict(qv_type_int8(), qv_type_string()), N, 0, nulls, 2,
                              BUFS(exact_buf(bits, (N + 7) / 8), exact_buf(idx, N)), 0, NULL, qv_array_retain(dict));
  qv_array *values = int64_values(N, 0), *out[2] = {NULL, NULL}, *plain[2] = {NULL, NULL}, *decoded = NULL;
  qv_group_aggregate sum = {values, QV_GROUP_SUM, QV_COUNT_VALID};
  assert_int_equal(qv_compute_group_by(&keys, 1, &sum, 1, out, NULL), QV_OK);
  assert_int_equal(qv_compute_cast(keys, qv_type_string(), true, &decoded, NULL), QV_OK);
  assert_int_equal(qv_compute_group_by(&decoded, 1, &sum, 1, plain, NULL), QV_OK);
  assert_int_equal(out[0]->length, 3); /* "a", "b", null (index or value) */
  assert_int_equal(qv_type_storage(out[0]->type)->id, QV_TYPE_DICTIONARY);
  qv_array *out_keys = NULL;
  assert_int_equal(qv_compute_cast(out[0], qv_type_string(), true, &out_keys, NULL), QV_OK);
  expect_same(out_keys, plain[0], "keys");
  expect_same(out[1], plain[1], "sums");
  qv_array_release(out_keys);
  release_pair(out);
  release_pair(plain);
  qv_array_release(decoded);
  qv_array_release(keys);
  idx[N - 2] = 9; /* points past the dictionary */
  keys = hand_array(hand_dict(qv_type_int8(), qv_type_string()), N, 0, 0, 2, BUFS(NULL, exact_buf(idx, N)), 0, NULL,
                    qv_array_retain(dict));
  qv_error e;
  assert_int_not_equal(qv_compute_group_by(&keys, 1, &sum, 1, out, &e), QV_OK);
  char want[32];
  snprintf(want, sizeof want, "%lld", (long long)(N - 2));
  assert_non_null(strstr(e.message, want));
  assert_null(out[0]);
  qv_array_release(keys);
  qv_array_release(values);
  qv_array_release(dict);
  free(idx);
  free(bits);
}

/* Null-type keys and counted columns of 2^62 rows (no buffers back that
 * length): one group, the counts from the length, no pass over the rows. */
static void huge_null_columns_counted_without_a_pass(void **state) {
  (void)state;
  int64_t n = (int64_t)1 << 62;
  qv_array *k = NULL, *v = NULL, *out[4] = {NULL, NULL, NULL, NULL};
  assert_int_equal(qv_array_new_null(qv_type_null(), n, &k, NULL), QV_OK);
  assert_int_equal(qv_array_new_null(qv_type_null(), n, &v, NULL), QV_OK);
  qv_group_aggregate aggs[] = {{NULL, QV_GROUP_COUNT_ALL, QV_COUNT_ALL},
                               {v, QV_GROUP_COUNT, QV_COUNT_VALID},
                               {v, QV_GROUP_COUNT, QV_COUNT_NULL}};
  assert_int_equal(qv_compute_group_by(&k, 1, aggs, 3, out, NULL), QV_OK);
  assert_int_equal(out[0]->length, 1);
  assert_int_equal(qv_array_values_int64(out[1])[0], n);
  assert_int_equal(qv_array_values_int64(out[2])[0], 0);
  assert_int_equal(qv_array_values_int64(out[3])[0], n);
  for (int i = 0; i < 4; i++) qv_array_release(out[i]);
  /* the same shape on a few rows agrees with the row-by-row path */
  qv_array *small = NULL, *sv = NULL, *rows[5] = {NULL, NULL, NULL, NULL, NULL};
  assert_int_equal(qv_array_new_null(qv_type_null(), 9, &small, NULL), QV_OK);
  assert_int_equal(qv_array_new_null(qv_type_null(), 9, &sv, NULL), QV_OK);
  qv_group_aggregate small_aggs[] = {{NULL, QV_GROUP_COUNT_ALL, QV_COUNT_ALL},
                                     {sv, QV_GROUP_COUNT, QV_COUNT_VALID},
                                     {sv, QV_GROUP_COUNT, QV_COUNT_NULL},
                                     {sv, QV_GROUP_FIRST, QV_COUNT_VALID}};
  assert_int_equal(qv_compute_group_by(&small, 1, small_aggs, 3, out, NULL), QV_OK);
  assert_int_equal(qv_compute_group_by(&small, 1, small_aggs, 4, rows, NULL), QV_OK);
  for (int i = 0; i < 4; i++) expect_same(out[i], rows[i], "null columns");
  for (int i = 0; i < 4; i++) qv_array_release(out[i]);
  for (int i = 0; i < 5; i++) qv_array_release(rows[i]);
  qv_array_release(small);
  qv_array_release(sv);
  qv_array_release(k);
  qv_array_release(v);
}

int main(void) {
  qv__compute_set_parallel(0, 2); /* two halves on two threads, whatever the machine or QV_COMPUTE_THREADS */
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(small_range_integer_keys),
      cmocka_unit_test(narrow_integer_keys),
      cmocka_unit_test(string_keys),
      cmocka_unit_test(sliced_null_and_tiny_inputs),
      cmocka_unit_test(hostile_offsets_name_the_lowest_row),
      cmocka_unit_test(dictionary_keys),
      cmocka_unit_test(huge_null_columns_counted_without_a_pass),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
