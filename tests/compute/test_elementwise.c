/* Element-wise comparisons and arithmetic: literal results for array-array
 * and array-scalar forms, null propagation, slices, NaN and signed zero,
 * wrapping at INT64_MIN/MAX and the checked forms naming the row, type and
 * length errors. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "compute/compute_test_util.h"
#include "quiver/compute.h"

static void expect_array(qv_array *got, qv_array *want) {
  qv_error why;
  assert_non_null(got);
  if (qv_array_diff(got, want, &why) != QV_OK) {
    fprintf(stderr, "arrays differ: %s\n", why.message);
    fail();
  }
  qv_array_release(got);
  qv_array_release(want);
}

static qv_array *cmp(qv_compare_op op, const qv_array *a, const qv_array *b) {
  qv_array *out = NULL;
  assert_int_equal(qv_compute_compare(op, a, b, &out, NULL), QV_OK);
  return out;
}

static qv_array *arith(qv_arith_op op, bool checked, const qv_array *a, const qv_array *b) {
  qv_array *out = NULL;
  qv_error e;
  qv_status st = qv_compute_arithmetic(op, checked, a, b, &out, &e);
  if (st != QV_OK) fprintf(stderr, "%s\n", e.message);
  assert_int_equal(st, QV_OK);
  return out;
}

static void comparisons_with_nulls_and_slices(void **state) {
  (void)state;
  qv_array *a = slice_of(PRIM(qv_type_int32(), int32_t, "11101", 0, 1, 2, 3, 4), 1, 4); /* 1 2 null 4 */
  qv_array *b = PRIM(qv_type_int32(), int32_t, "1110", 1, 3, 0, 4);                     /* 1 3 0 null */
  expect_array(cmp(QV_CMP_EQUAL, a, b), bools("1000", "1100"));
  expect_array(cmp(QV_CMP_NOT_EQUAL, a, b), bools("0100", "1100"));
  expect_array(cmp(QV_CMP_LESS, a, b), bools("0100", "1100"));
  expect_array(cmp(QV_CMP_LESS_EQUAL, a, b), bools("1100", "1100"));
  expect_array(cmp(QV_CMP_GREATER, a, b), bools("0000", "1100"));
  expect_array(cmp(QV_CMP_GREATER_EQUAL, a, b), bools("1000", "1100"));

  qv_scalar two = {.kind = QV_SCALAR_INT, .value.i = 2}, none = {.kind = QV_SCALAR_NULL};
  qv_array *out = NULL;
  assert_int_equal(qv_compute_compare_scalar(QV_CMP_GREATER_EQUAL, a, &two, &out, NULL), QV_OK);
  expect_array(out, bools("0101", "1101"));
  assert_int_equal(qv_compute_compare_scalar(QV_CMP_EQUAL, a, &none, &out, NULL), QV_OK);
  expect_array(out, bools("0000", "0000"));
  qv_array_release(a);
  qv_array_release(b);

  /* 70 rows: a second bitmap word. */
  uint8_t x[70], y[70];
  char want[71];
  for (int i = 0; i < 70; i++) {
    x[i] = (uint8_t)(i * 37);
    y[i] = (uint8_t)(i * 11);
    want[i] = x[i] < y[i] ? '1' : '0';
  }
  want[70] = '\0';
  a = prim(qv_type_uint8(), x, 70, 1, NULL);
  b = prim(qv_type_uint8(), y, 70, 1, NULL);
  expect_array(cmp(QV_CMP_LESS, a, b), bools(want, NULL));
  qv_array_release(a);
  qv_array_release(b);
}

static void float_comparisons_nan_and_zero(void **state) {
  (void)state;
  qv_array *a = PRIM(qv_type_float64(), double, NULL, NAN, -0.0, 1.0);
  qv_array *b = PRIM(qv_type_float64(), double, NULL, NAN, 0.0, INFINITY);
  expect_array(cmp(QV_CMP_EQUAL, a, b), bools("010", NULL));
  expect_array(cmp(QV_CMP_NOT_EQUAL, a, b), bools("101", NULL));
  expect_array(cmp(QV_CMP_LESS, a, b), bools("001", NULL));
  qv_array_release(a);
  qv_array_release(b);
}

static void arithmetic_wraps_and_checked_names_row(void **state) {
  (void)state;
  qv_array *a = PRIM(qv_type_int64(), int64_t, "1111", INT64_MAX, INT64_MIN, -3, 7);
  qv_array *b = PRIM(qv_type_int64(), int64_t, "1110", 1, 1, 4, 0);
  expect_array(arith(QV_ARITH_ADD, false, a, b), PRIM(qv_type_int64(), int64_t, "1110", INT64_MIN, INT64_MIN + 1, 1, 0));
  expect_array(arith(QV_ARITH_SUBTRACT, false, a, b), PRIM(qv_type_int64(), int64_t, "1110", INT64_MAX - 1, INT64_MAX, -7, 0));
  expect_array(arith(QV_ARITH_MULTIPLY, false, a, b), PRIM(qv_type_int64(), int64_t, "1110", INT64_MAX, INT64_MIN, -12, 0));

  qv_array *out = NULL;
  qv_error e;
  assert_int_equal(qv_compute_arithmetic(QV_ARITH_ADD, true, a, b, &out, &e), QV_ERR_OVERFLOW);
  assert_non_null(strstr(e.message, "add_checked"));
  assert_non_null(strstr(e.message, "row 0"));
  assert_null(out);
  assert_int_equal(qv_compute_arithmetic(QV_ARITH_SUBTRACT, true, a, b, &out, &e), QV_ERR_OVERFLOW);
  assert_non_null(strstr(e.message, "row 1"));
  qv_array_release(a);
  qv_array_release(b);

  /* An overflow under a null slot is not an error. */
  a = PRIM(qv_type_int8(), int8_t, "01", 127, 5);
  b = PRIM(qv_type_int8(), int8_t, NULL, 127, -6);
  expect_array(arith(QV_ARITH_MULTIPLY, true, a, b), PRIM(qv_type_int8(), int8_t, "01", 0, -30));
  qv_array_release(a);
  qv_array_release(b);

  /* uint16 * uint16 must not overflow int (the C promotion) when wrapping. */
  a = PRIM(qv_type_uint16(), uint16_t, NULL, 65535);
  expect_array(arith(QV_ARITH_MULTIPLY, false, a, a), PRIM(qv_type_uint16(), uint16_t, NULL, 1));
  qv_scalar s = {.kind = QV_SCALAR_INT, .value.i = 1};
  assert_int_equal(qv_compute_arithmetic_scalar(QV_ARITH_ADD, true, a, &s, &out, &e), QV_ERR_OVERFLOW);
  assert_non_null(strstr(e.message, "row 0"));
  s.value.i = -1;
  assert_int_equal(qv_compute_arithmetic_scalar(QV_ARITH_ADD, false, a, &s, &out, &e), QV_ERR_OUT_OF_RANGE);
  qv_array_release(a);
}

static void scalar_broadcast_and_floats(void **state) {
  (void)state;
  qv_array *a = slice_of(PRIM(qv_type_float32(), float, "1101", 9.0f, 1.5f, -2.0f, 4.0f), 1, 3); /* 1.5 null 4 */
  qv_scalar s = {.kind = QV_SCALAR_FLOAT, .value.f = 0.5};
  qv_array *out = NULL;
  assert_int_equal(qv_compute_arithmetic_scalar(QV_ARITH_MULTIPLY, true, a, &s, &out, NULL), QV_OK);
  expect_array(out, PRIM(qv_type_float32(), float, "101", 0.75f, 0.0f, 2.0f));
  qv_scalar i = {.kind = QV_SCALAR_INT, .value.i = 2};
  assert_int_equal(qv_compute_arithmetic_scalar(QV_ARITH_SUBTRACT, false, a, &i, &out, NULL), QV_OK);
  expect_array(out, PRIM(qv_type_float32(), float, "101", -0.5f, 0.0f, 2.0f));
  qv_array_release(a);

  qv_array *e0 = hand_array(qv_type_int32(), 0, 0, 0, 2, BUFS(NULL, NULL), 0, NULL, NULL);
  assert_int_equal(qv_compute_arithmetic(QV_ARITH_ADD, true, e0, e0, &out, NULL), QV_OK);
  assert_int_equal(out->length, 0);
  qv_array_release(out);
  qv_array_release(e0);
}

static void argument_errors(void **state) {
  (void)state;
  qv_array *a = I32(1, 2), *b = I64(1, 2), *c = I32(1), *s = STRS("x", "y"), *out = NULL;
  qv_error e;
  assert_int_equal(qv_compute_compare(QV_CMP_EQUAL, a, b, &out, &e), QV_ERR_TYPE);
  assert_non_null(strstr(e.message, "int64"));
  assert_int_equal(qv_compute_compare(QV_CMP_EQUAL, a, c, &out, &e), QV_ERR_INVALID_ARGUMENT);
  assert_int_equal(qv_compute_arithmetic(QV_ARITH_ADD, false, s, s, &out, &e), QV_ERR_TYPE);
  assert_int_equal(qv_compute_compare(QV_CMP_EQUAL, a, NULL, &out, &e), QV_ERR_INVALID_ARGUMENT);
  assert_int_equal(qv_compute_compare((qv_compare_op)9, a, a, &out, &e), QV_ERR_INVALID_ARGUMENT);
  qv_scalar f = {.kind = QV_SCALAR_FLOAT, .value.f = 1.5};
  assert_int_equal(qv_compute_compare_scalar(QV_CMP_EQUAL, a, &f, &out, &e), QV_ERR_TYPE);
  qv_array_release(a);
  qv_array_release(b);
  qv_array_release(c);
  qv_array_release(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(comparisons_with_nulls_and_slices),
      cmocka_unit_test(float_comparisons_nan_and_zero),
      cmocka_unit_test(arithmetic_wraps_and_checked_names_row),
      cmocka_unit_test(scalar_broadcast_and_floats),
      cmocka_unit_test(argument_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
