/* Scalar aggregations (qv_compute_sum ... count): literal expected values
 * for every integer width, floats with NaN, infinities and signed zeros,
 * bools, slices whose offsets are not multiples of 8 or 64, empty and
 * all-null inputs, chunked columns, integer overflow naming the row, type
 * errors, and hostile arrays that pass structural validation. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "compute/compute_test_util.h"
#include "quiver/chunked.h"
#include "quiver/compute.h"

static void expect_int(qv_status st, const qv_scalar *s, int64_t v) {
  assert_int_equal(st, QV_OK);
  assert_int_equal(s->kind, QV_SCALAR_INT);
  assert_true(s->value.i == v);
}
static void expect_uint(qv_status st, const qv_scalar *s, uint64_t v) {
  assert_int_equal(st, QV_OK);
  assert_int_equal(s->kind, QV_SCALAR_UINT);
  assert_true(s->value.u == v);
}
static void expect_float(qv_status st, const qv_scalar *s, double v) {
  assert_int_equal(st, QV_OK);
  assert_int_equal(s->kind, QV_SCALAR_FLOAT);
  if (isnan(v)) assert_true(isnan(s->value.f));
  else assert_true(s->value.f == v);
}
static void expect_bool(qv_status st, const qv_scalar *s, bool v) {
  assert_int_equal(st, QV_OK);
  assert_int_equal(s->kind, QV_SCALAR_BOOL);
  assert_int_equal(s->value.b, v);
}
static void expect_null(qv_status st, const qv_scalar *s, qv_type_id result_type) {
  assert_int_equal(st, QV_OK);
  assert_int_equal(s->kind, QV_SCALAR_NULL);
  assert_non_null(s->type);
  assert_int_equal(s->type->id, result_type);
}

static void sum_small_ints_with_nulls(void **state) {
  (void)state;
  qv_scalar s;
  qv_array *a = PRIM(qv_type_int8(), int8_t, "1011", 100, 100, 100, -128);
  expect_int(qv_compute_sum(a, &s, NULL), &s, 100 + 100 - 128);
  assert_ptr_equal(s.type, qv_type_int64());
  expect_int(qv_compute_min(a, &s, NULL), &s, -128);
  expect_int(qv_compute_max(a, &s, NULL), &s, 100);
  expect_float(qv_compute_mean(a, &s, NULL), &s, 72.0 / 3.0);
  qv_array_release(a);

  a = PRIM(qv_type_uint16(), uint16_t, NULL, 65535, 65535, 1);
  expect_uint(qv_compute_sum(a, &s, NULL), &s, 131071);
  assert_ptr_equal(s.type, qv_type_uint64());
  expect_uint(qv_compute_max(a, &s, NULL), &s, 65535);
  expect_uint(qv_compute_min(a, &s, NULL), &s, 1);
  assert_ptr_equal(s.type, a->type);
  qv_array_release(a);

  a = PRIM(qv_type_int32(), int32_t, "0110", INT32_MIN, INT32_MAX, INT32_MAX, INT32_MIN);
  expect_int(qv_compute_sum(a, &s, NULL), &s, 2 * (int64_t)INT32_MAX);
  qv_array_release(a);

  a = PRIM(qv_type_uint32(), uint32_t, "01", 0, UINT32_MAX);
  qv_scalar mn, mx;
  assert_int_equal(qv_compute_min_max(a, &mn, &mx, NULL), QV_OK);
  expect_uint(QV_OK, &mn, UINT32_MAX);
  expect_uint(QV_OK, &mx, UINT32_MAX);
  qv_array_release(a);
}

/* The extreme values are nulls: the identities must not leak into the answer. */
static void min_max_skip_null_extremes(void **state) {
  (void)state;
  qv_scalar mn, mx;
  qv_array *a = PRIM(qv_type_int16(), int16_t, "0110", INT16_MIN, 5, -3, INT16_MAX);
  assert_int_equal(qv_compute_min_max(a, &mn, &mx, NULL), QV_OK);
  expect_int(QV_OK, &mn, -3);
  expect_int(QV_OK, &mx, 5);
  qv_array_release(a);
  a = PRIM(qv_type_uint64(), uint64_t, "10", 7, 0);
  assert_int_equal(qv_compute_min_max(a, &mn, &mx, NULL), QV_OK);
  expect_uint(QV_OK, &mn, 7);
  expect_uint(QV_OK, &mx, 7);
  qv_array_release(a);
}

/* 300 values, every 7th null, sliced at 13 (not a multiple of 8 or 64): the
 * block walk, the unaligned bitmap read and the partial last block. */
static void sliced_window_matches_plain_loop(void **state) {
  (void)state;
  int64_t v[300];
  char valid[301];
  for (int i = 0; i < 300; i++) {
    v[i] = (i % 3 == 0 ? -1 : 1) * (int64_t)i * 1000003;
    valid[i] = i % 7 == 0 ? '0' : '1';
  }
  valid[300] = '\0';
  qv_array *a = slice_of(prim(qv_type_int64(), v, 300, 8, valid), 13, 250);
  int64_t sum = 0, mn = INT64_MAX, mx = INT64_MIN, n = 0;
  for (int i = 13; i < 263; i++) {
    if (valid[i] == '0') continue;
    sum += v[i];
    n++;
    if (v[i] < mn) mn = v[i];
    if (v[i] > mx) mx = v[i];
  }
  qv_scalar s;
  int64_t count = 0;
  expect_int(qv_compute_sum(a, &s, NULL), &s, sum);
  expect_int(qv_compute_min(a, &s, NULL), &s, mn);
  expect_int(qv_compute_max(a, &s, NULL), &s, mx);
  assert_int_equal(qv_compute_count(a, QV_COUNT_VALID, &count, NULL), QV_OK);
  assert_int_equal(count, n);
  assert_int_equal(qv_compute_count(a, QV_COUNT_NULL, &count, NULL), QV_OK);
  assert_int_equal(count, 250 - n);
  assert_int_equal(qv_compute_count(a, QV_COUNT_ALL, &count, NULL), QV_OK);
  assert_int_equal(count, 250);
  qv_array_release(a);
}

static void int64_sum_overflow_names_row(void **state) {
  (void)state;
  qv_scalar s;
  qv_error e;
  qv_array *a = I64(5, INT64_MAX - 10, 6, 1);
  assert_int_equal(qv_compute_sum(a, &s, &e), QV_ERR_OVERFLOW);
  assert_non_null(strstr(e.message, "row 2"));
  qv_array_release(a);

  a = I64(INT64_MIN, -1);
  assert_int_equal(qv_compute_sum(a, &s, &e), QV_ERR_OVERFLOW);
  assert_non_null(strstr(e.message, "row 1"));
  qv_array_release(a);

  /* An excursion past INT64_MAX that comes back is the exact, fitting sum. */
  a = I64(INT64_MAX, 1, -1);
  expect_int(qv_compute_sum(a, &s, NULL), &s, INT64_MAX);
  expect_float(qv_compute_mean(a, &s, NULL), &s, (double)INT64_MAX / 3.0);
  qv_array_release(a);
  a = I64(INT64_MIN);
  expect_int(qv_compute_sum(a, &s, NULL), &s, INT64_MIN);
  qv_array_release(a);
  /* Mean of values whose sum does not fit int64 is still exact. */
  a = I64(INT64_MAX, INT64_MAX);
  expect_float(qv_compute_mean(a, &s, NULL), &s, (double)INT64_MAX);
  qv_array_release(a);
}

static void uint64_sum_overflow_names_row(void **state) {
  (void)state;
  qv_scalar s;
  qv_error e;
  qv_array *a = PRIM(qv_type_uint64(), uint64_t, NULL, UINT64_MAX, 0);
  expect_uint(qv_compute_sum(a, &s, NULL), &s, UINT64_MAX);
  qv_array_release(a);
  a = PRIM(qv_type_uint64(), uint64_t, "101", UINT64_MAX, 9, 1);
  assert_int_equal(qv_compute_sum(a, &s, &e), QV_ERR_OVERFLOW);
  assert_non_null(strstr(e.message, "row 2"));
  assert_non_null(strstr(e.message, "uint64"));
  qv_array_release(a);
}

/* The overflow row counts over the whole column, across chunks. */
static void chunked_sum_and_overflow_row(void **state) {
  (void)state;
  qv_scalar s;
  qv_error e;
  qv_array *parts[3] = {I64(1, 2), I64(), I64(INT64_MAX, 3)};
  qv_chunked_array *c = NULL;
  assert_int_equal(qv_chunked_array_new(NULL, parts, 3, &c, NULL), QV_OK);
  assert_int_equal(qv_compute_sum_chunked(c, &s, &e), QV_ERR_OVERFLOW);
  assert_non_null(strstr(e.message, "row 2"));
  expect_int(qv_compute_min_chunked(c, &s, NULL), &s, 1);
  expect_int(qv_compute_max_chunked(c, &s, NULL), &s, INT64_MAX);
  int64_t count = 0;
  assert_int_equal(qv_compute_count_chunked(c, QV_COUNT_ALL, &count, NULL), QV_OK);
  assert_int_equal(count, 4);
  qv_chunked_array_release(c);
  for (int i = 0; i < 3; i++) qv_array_release(parts[i]);

  qv_array *f[2] = {PRIM(qv_type_float64(), double, "01", 1e300, 0.5), PRIM(qv_type_float64(), double, NULL, 0.25)};
  assert_int_equal(qv_chunked_array_new(NULL, f, 2, &c, NULL), QV_OK);
  expect_float(qv_compute_sum_chunked(c, &s, NULL), &s, 0.75);
  expect_float(qv_compute_mean_chunked(c, &s, NULL), &s, 0.375);
  qv_scalar mn, mx;
  assert_int_equal(qv_compute_min_max_chunked(c, &mn, &mx, NULL), QV_OK);
  expect_float(QV_OK, &mn, 0.25);
  expect_float(QV_OK, &mx, 0.5);
  qv_chunked_array_release(c);
  for (int i = 0; i < 2; i++) qv_array_release(f[i]);

  /* No chunks at all: a null answer of the declared type. */
  assert_int_equal(qv_chunked_array_new(qv_type_int32(), NULL, 0, &c, NULL), QV_OK);
  expect_null(qv_compute_sum_chunked(c, &s, NULL), &s, QV_TYPE_INT64);
  expect_null(qv_compute_max_chunked(c, &s, NULL), &s, QV_TYPE_INT32);
  qv_chunked_array_release(c);
}

static void empty_and_all_null_give_null(void **state) {
  (void)state;
  qv_scalar s, s2;
  int64_t count = -1;
  qv_array *a = hand_array(qv_type_float32(), 0, 0, 0, 2, BUFS(NULL, NULL), 0, NULL, NULL);
  expect_null(qv_compute_sum(a, &s, NULL), &s, QV_TYPE_FLOAT64);
  expect_null(qv_compute_mean(a, &s, NULL), &s, QV_TYPE_FLOAT64);
  expect_null(qv_compute_min(a, &s, NULL), &s, QV_TYPE_FLOAT32);
  assert_int_equal(qv_compute_count(a, QV_COUNT_VALID, &count, NULL), QV_OK);
  assert_int_equal(count, 0);
  qv_array_release(a);

  a = PRIM(qv_type_int32(), int32_t, "000", 1, 2, 3);
  expect_null(qv_compute_sum(a, &s, NULL), &s, QV_TYPE_INT64);
  assert_int_equal(qv_compute_min_max(a, &s, &s2, NULL), QV_OK);
  expect_null(QV_OK, &s, QV_TYPE_INT32);
  expect_null(QV_OK, &s2, QV_TYPE_INT32);
  assert_int_equal(qv_compute_count(a, QV_COUNT_NULL, &count, NULL), QV_OK);
  assert_int_equal(count, 3);
  qv_array_release(a);

  a = bools("11", "00");
  expect_null(qv_compute_any(a, &s, NULL), &s, QV_TYPE_BOOL);
  expect_null(qv_compute_all(a, &s, NULL), &s, QV_TYPE_BOOL);
  expect_null(qv_compute_sum(a, &s, NULL), &s, QV_TYPE_UINT64);
  qv_array_release(a);

  qv_array *nulls = NULL;
  assert_int_equal(qv_array_new_null(qv_type_null(), 5, &nulls, NULL), QV_OK);
  expect_null(qv_compute_sum(nulls, &s, NULL), &s, QV_TYPE_INT64);
  expect_null(qv_compute_max(nulls, &s, NULL), &s, QV_TYPE_NULL);
  assert_int_equal(qv_compute_count(nulls, QV_COUNT_NULL, &count, NULL), QV_OK);
  assert_int_equal(count, 5);
  qv_array_release(nulls);
}

static void floats_nan_inf_and_signed_zero(void **state) {
  (void)state;
  qv_scalar s, mn, mx;
  qv_array *a = PRIM(qv_type_float64(), double, NULL, 1.0, NAN, -2.0);
  expect_float(qv_compute_sum(a, &s, NULL), &s, NAN);
  expect_float(qv_compute_min(a, &s, NULL), &s, -2.0);
  expect_float(qv_compute_max(a, &s, NULL), &s, 1.0);
  qv_array_release(a);

  a = PRIM(qv_type_float32(), float, "101", NAN, 3.0f, NAN);
  assert_int_equal(qv_compute_min_max(a, &mn, &mx, NULL), QV_OK);
  expect_float(QV_OK, &mn, NAN);
  expect_float(QV_OK, &mx, NAN);
  qv_array_release(a);

  a = PRIM(qv_type_float64(), double, NULL, INFINITY, -INFINITY);
  assert_int_equal(qv_compute_min_max(a, &mn, &mx, NULL), QV_OK);
  expect_float(QV_OK, &mn, -INFINITY);
  expect_float(QV_OK, &mx, INFINITY);
  expect_float(qv_compute_sum(a, &s, NULL), &s, NAN);
  qv_array_release(a);

  a = PRIM(qv_type_float64(), double, NULL, -0.0, 0.0);
  assert_int_equal(qv_compute_min_max(a, &mn, &mx, NULL), QV_OK);
  expect_float(QV_OK, &mn, 0.0); /* -0.0 == 0.0 */
  expect_float(QV_OK, &mx, 0.0);
  expect_float(qv_compute_sum(a, &s, NULL), &s, 0.0);
  qv_array_release(a);

  /* float32 sums in double: 2^24 + 1 is not a float32 but is a double. */
  a = PRIM(qv_type_float32(), float, NULL, 16777216.0f, 1.0f);
  expect_float(qv_compute_sum(a, &s, NULL), &s, 16777217.0);
  qv_array_release(a);
}

static void bools_any_all_sum_min_max(void **state) {
  (void)state;
  qv_scalar s, mn, mx;
  qv_array *a = bools("1001", "1101");
  expect_bool(qv_compute_any(a, &s, NULL), &s, true);
  expect_bool(qv_compute_all(a, &s, NULL), &s, false);
  expect_uint(qv_compute_sum(a, &s, NULL), &s, 2);
  expect_float(qv_compute_mean(a, &s, NULL), &s, 2.0 / 3.0);
  assert_int_equal(qv_compute_min_max(a, &mn, &mx, NULL), QV_OK);
  expect_bool(QV_OK, &mn, false);
  expect_bool(QV_OK, &mx, true);
  qv_array_release(a);

  /* The only false is null: all is true. Sliced at an odd bit offset. */
  a = slice_of(bools("0101111111", "1101111111"), 1, 9);
  expect_bool(qv_compute_all(a, &s, NULL), &s, true);
  expect_uint(qv_compute_sum(a, &s, NULL), &s, 8);
  qv_array_release(a);
  a = bools("000", NULL);
  expect_bool(qv_compute_any(a, &s, NULL), &s, false);
  qv_array_release(a);
}

static void unsupported_types_are_type_errors(void **state) {
  (void)state;
  qv_scalar s;
  qv_error e;
  qv_array *a = STRS("a", "b");
  assert_int_equal(qv_compute_sum(a, &s, &e), QV_ERR_TYPE);
  assert_non_null(strstr(e.message, "sum"));
  assert_non_null(strstr(e.message, "string"));
  int64_t count = 0;
  assert_int_equal(qv_compute_count(a, QV_COUNT_ALL, &count, NULL), QV_OK);
  assert_int_equal(count, 2);
  qv_array_release(a);
  a = I32(1);
  assert_int_equal(qv_compute_any(a, &s, &e), QV_ERR_TYPE);
  assert_non_null(strstr(e.message, "bool"));
  assert_int_equal(qv_compute_sum(NULL, &s, &e), QV_ERR_INVALID_ARGUMENT);
  assert_int_equal(qv_compute_min_max(a, &s, NULL, &e), QV_ERR_INVALID_ARGUMENT);
  assert_int_equal(qv_compute_count(a, (qv_count_mode)7, &count, &e), QV_ERR_INVALID_ARGUMENT);
  qv_array_release(a);
}

/* A stored null count that disagrees with the bitmap passes structural
 * validation; the kernels go by the bitmap. */
static void hostile_null_count_disagrees_with_bitmap(void **state) {
  (void)state;
  qv_scalar s;
  int64_t count = 0;
  qv_array *a = hand_array(qv_type_int32(), 3, 0, 0, 2,
                           BUFS(bits_from("101", 3), exact_buf((const int32_t[]){1, 1000, 2}, 12)), 0, NULL, NULL);
  expect_valid(a, QV_VALIDATE_STRUCTURE);
  expect_int(qv_compute_sum(a, &s, NULL), &s, 3);
  assert_int_equal(qv_compute_count(a, QV_COUNT_NULL, &count, NULL), QV_OK);
  assert_int_equal(count, 1);
  qv_array_release(a);
}

/* Buffers of exactly the window's size, the window ending on the last bit
 * and value: a read past it is an ASan failure. 71 slots at offset 6 (the
 * bitmap window spans 10 bytes). */
static void hostile_exact_buffers_no_overread(void **state) {
  (void)state;
  double v[77];
  char valid[78];
  double want = 0;
  for (int i = 0; i < 77; i++) {
    v[i] = i;
    valid[i] = i % 5 == 4 ? '0' : '1';
    if (i >= 6 && valid[i] == '1') want += i;
  }
  valid[77] = '\0';
  qv_array *a = slice_of(prim(qv_type_float64(), v, 77, 8, valid), 6, 71);
  expect_valid(a, QV_VALIDATE_STRUCTURE);
  qv_scalar s;
  expect_float(qv_compute_sum(a, &s, NULL), &s, want);
  expect_float(qv_compute_max(a, &s, NULL), &s, 76.0);
  qv_array_release(a);
  qv_array *b = slice_of(bools("1111111111111111111111111111111111111111111111111111111111111111111111111", NULL), 9, 64);
  expect_uint(qv_compute_sum(b, &s, NULL), &s, 64);
  qv_array_release(b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(sum_small_ints_with_nulls),
      cmocka_unit_test(min_max_skip_null_extremes),
      cmocka_unit_test(sliced_window_matches_plain_loop),
      cmocka_unit_test(int64_sum_overflow_names_row),
      cmocka_unit_test(uint64_sum_overflow_names_row),
      cmocka_unit_test(chunked_sum_and_overflow_row),
      cmocka_unit_test(empty_and_all_null_give_null),
      cmocka_unit_test(floats_nan_inf_and_signed_zero),
      cmocka_unit_test(bools_any_all_sum_min_max),
      cmocka_unit_test(unsupported_types_are_type_errors),
      cmocka_unit_test(hostile_null_count_disagrees_with_bitmap),
      cmocka_unit_test(hostile_exact_buffers_no_overread),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
