/* Boolean logic (plain and Kleene truth tables over every null/true/false
 * pair, sliced at odd offsets), null predicates (bitmap, union and run-end
 * layouts, nan_is_null), if_else / coalesce / fill_null (broadcast, strings,
 * type and length errors, a hostile dictionary), and divide, power, negate,
 * abs, and the comparisons of strings, decimals, bools and temporal types. */
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

/* The result in *out once `st` (the call, evaluated before) is QV_OK. */
static qv_array *ok(qv_status st, qv_array *const *out, const qv_error *e) {
  if (st != QV_OK) fprintf(stderr, "failed: %s\n", e->message);
  assert_int_equal(st, QV_OK);
  return *out;
}
#define OK(call) (qv_error_clear(&e), out = NULL, ok((call), &out, &e))

/* left: n n n t t t f f f / right: n t f n t f n t f, behind a 3-slot prefix. */
static qv_array *left_side(void) { return slice_of(bools("000000111000", "000000111111"), 3, 9); }
static qv_array *right_side(void) { return slice_of(bools("101010010010", "101011011011"), 3, 9); }

static void truth_tables(void **state) {
  (void)state;
  qv_error e;
  qv_array *out, *l = left_side(), *r = right_side();
  /* rows:                          nn nt nf tn tt tf fn ft ff */
  expect_array(OK(qv_compute_boolean(QV_BOOL_AND, l, r, &out, &e)), bools("000010000", "000011011"));
  expect_array(OK(qv_compute_boolean(QV_BOOL_OR, l, r, &out, &e)), bools("000011010", "000011011"));
  expect_array(OK(qv_compute_boolean(QV_BOOL_XOR, l, r, &out, &e)), bools("000001010", "000011011"));
  expect_array(OK(qv_compute_boolean(QV_BOOL_AND_NOT, l, r, &out, &e)), bools("000001000", "000011011"));
  expect_array(OK(qv_compute_boolean(QV_BOOL_AND_KLEENE, l, r, &out, &e)), bools("000010000", "001011111"));
  expect_array(OK(qv_compute_boolean(QV_BOOL_OR_KLEENE, l, r, &out, &e)), bools("010111010", "010111011"));
  expect_array(OK(qv_compute_boolean(QV_BOOL_AND_NOT_KLEENE, l, r, &out, &e)), bools("000001000", "010011111"));
  expect_array(OK(qv_compute_invert(l, &out, &e)), bools("000000111", "000111111"));
  qv_error_clear(&e);
  qv_array *ints = I64(1);
  hand_expect(qv_compute_boolean(QV_BOOL_AND, l, ints, &out, &e), &e, QV_ERR_TYPE, "expected bool, got int64");
  qv_array_release(ints);
  qv_array *short_one = bools("1", NULL);
  hand_expect(qv_compute_boolean(QV_BOOL_OR, l, short_one, &out, &e), &e, QV_ERR_INVALID_ARGUMENT, "lengths differ");
  hand_expect(qv_compute_boolean((qv_bool_op)99, l, r, &out, &e), &e, QV_ERR_INVALID_ARGUMENT, "bad operation");
  qv_array_release(short_one);
  qv_array_release(l);
  qv_array_release(r);
}

static void long_words_match_slot_by_slot(void **state) {
  (void)state;
  /* 200 rows at offset 5: every word path, checked against the slot rule. */
  char vals[206], valid[206];
  for (int i = 0; i < 205; i++) {
    vals[i] = (char)('0' + (i * 7 % 3 == 0));
    valid[i] = (char)('0' + (i % 5 != 0));
  }
  vals[205] = valid[205] = '\0';
  qv_array *a = slice_of(bools(vals, valid), 5, 200), *b = slice_of(bools(valid, vals), 3, 200), *out = NULL;
  qv_error e;
  assert_int_equal(qv_compute_boolean(QV_BOOL_OR_KLEENE, a, b, &out, &e), QV_OK);
  for (int64_t i = 0; i < 200; i++) {
    bool av = qv_array_is_valid(a, i), bv = qv_array_is_valid(b, i);
    bool at = av && qv_array_bool_value(a, i), bt = bv && qv_array_bool_value(b, i);
    bool known = at || bt || (av && bv);
    assert_int_equal(qv_array_is_valid(out, i), known);
    if (known) assert_int_equal(qv_array_bool_value(out, i), at || bt);
  }
  qv_array_release(out);
  qv_array_release(a);
  qv_array_release(b);
}

static void null_predicates(void **state) {
  (void)state;
  qv_error e;
  qv_array *out;
  qv_array *f = slice_of(PRIM(qv_type_float64(), double, "10110", 0, 0, NAN, 1, -0.0), 1, 4);
  expect_array(OK(qv_compute_is_null(f, false, &out, &e)), bools("1001", NULL));
  expect_array(OK(qv_compute_is_null(f, true, &out, &e)), bools("1101", NULL));
  expect_array(OK(qv_compute_is_valid(f, &out, &e)), bools("0110", NULL));
  expect_array(OK(qv_compute_is_nan(f, &out, &e)), bools("0100", "0110"));
  qv_array_release(f);
  qv_array *i = PRIM(qv_type_int32(), int32_t, "01", 1, 2);
  expect_array(OK(qv_compute_is_nan(i, &out, &e)), bools("00", "01"));
  qv_array_release(i);
  qv_array *s = STRS("a", NULL);
  qv_error_clear(&e);
  hand_expect(qv_compute_is_nan(s, &out, &e), &e, QV_ERR_TYPE, "is_nan: expected a number");
  qv_array_release(s);
  /* Run-end encoded: nulls live in the values child. */
  qv_array *ree = hand_array(hand_ree(qv_type_int32(), qv_type_int64()), 4, 0, 0, 0, NULL, 2,
                             KIDS(I32(1, 4), PRIM(qv_type_int64(), int64_t, "01", 0, 9)), NULL);
  expect_array(OK(qv_compute_is_null(ree, false, &out, &e)), bools("1000", NULL));
  qv_array_release(ree);
  qv_array *n = NULL;
  assert_int_equal(qv_array_new_null(qv_type_null(), 2, &n, NULL), QV_OK);
  expect_array(OK(qv_compute_is_valid(n, &out, &e)), bools("00", NULL));
  qv_array_release(n);
}

static void if_else_and_coalesce(void **state) {
  (void)state;
  qv_error e;
  qv_array *out;
  qv_array *cond = slice_of(bools("0101", "1110"), 1, 3); /* t f null */
  qv_array *l = STRS("a", "b", "c"), *r = STRS("x", NULL, "z"), *one = STRS("s");
  expect_array(OK(qv_compute_if_else(cond, l, r, &out, &e)), STRS("a", NULL, NULL));
  expect_array(OK(qv_compute_if_else(cond, one, l, &out, &e)), STRS("s", "b", NULL));
  const qv_array *args[] = {r, l};
  expect_array(OK(qv_compute_coalesce(args, 2, &out, &e)), STRS("x", "b", "z"));
  expect_array(OK(qv_compute_fill_null(r, one, &out, &e)), STRS("x", "s", "z"));
  qv_error_clear(&e);
  qv_array *ints = I64(1, 2, 3);
  hand_expect(qv_compute_if_else(cond, l, ints, &out, &e), &e, QV_ERR_TYPE, "argument 1 is int64, not string");
  hand_expect(qv_compute_if_else(ints, l, r, &out, &e), &e, QV_ERR_TYPE, "condition must be bool");
  qv_array *two = STRS("a", "b");
  hand_expect(qv_compute_if_else(cond, l, two, &out, &e), &e, QV_ERR_INVALID_ARGUMENT, "lengths differ");
  hand_expect(qv_compute_fill_null(l, two, &out, &e), &e, QV_ERR_INVALID_ARGUMENT, "the fill has 2 values");
  hand_expect(qv_compute_coalesce(args, 0, &out, &e), &e, QV_ERR_INVALID_ARGUMENT, "at least one");
  /* A dictionary whose valid slot points past its values: the indices are
   * moved, never followed, so the result keeps the bad index (full
   * validation still flags it) and nothing is read out of bounds. */
  qv_array *evil = hand_array(hand_dict(qv_type_int32(), qv_type_string()), 3, 0, 0, 2,
                              BUFS(NULL, BUFV(int32_t, 0, 7, 0)), 0, NULL, STRS("v"));
  const qv_array *eargs[] = {evil, evil};
  out = NULL;
  qv_status st = qv_compute_coalesce(eargs, 2, &out, &e);
  if (st == QV_OK) {
    expect_invalid(out, QV_VALIDATE_FULL, QV_ERR_INVALID_DATA, "");
    qv_array_release(out);
  }
  qv_array_release(evil);
  qv_array_release(two);
  qv_array_release(ints);
  qv_array_release(cond);
  qv_array_release(l);
  qv_array_release(r);
  qv_array_release(one);
}

static void divide_power_negate_abs(void **state) {
  (void)state;
  qv_error e;
  qv_array *out;
  qv_array *a = PRIM(qv_type_int64(), int64_t, "1110", 7, -7, INT64_MIN, 5);
  qv_array *b = PRIM(qv_type_int64(), int64_t, NULL, 2, 2, -1, 0); /* zero only under a null */
  expect_array(OK(qv_compute_arithmetic(QV_ARITH_DIVIDE, false, a, b, &out, &e)),
               PRIM(qv_type_int64(), int64_t, "1110", 3, -3, 0, 0));
  qv_error_clear(&e);
  hand_expect(qv_compute_arithmetic(QV_ARITH_DIVIDE, true, a, b, &out, &e), &e, QV_ERR_INVALID_DATA, "row 2: overflow");
  qv_array *zero = PRIM(qv_type_int64(), int64_t, NULL, 1, 0, 1, 1);
  hand_expect(qv_compute_arithmetic(QV_ARITH_DIVIDE, false, a, zero, &out, &e), &e, QV_ERR_INVALID_DATA,
              "row 1: divide by zero");
  qv_array_release(zero);
  qv_array *p = PRIM(qv_type_int64(), int64_t, NULL, 2, 3, 2, 0);
  qv_array *x = PRIM(qv_type_int64(), int64_t, NULL, 63, 2, 10, 0);
  expect_array(OK(qv_compute_arithmetic(QV_ARITH_POWER, false, p, x, &out, &e)),
               PRIM(qv_type_int64(), int64_t, NULL, INT64_MIN, 9, 1024, 1));
  qv_error_clear(&e);
  hand_expect(qv_compute_arithmetic(QV_ARITH_POWER, true, p, x, &out, &e), &e, QV_ERR_INVALID_DATA, "row 0: overflow");
  qv_scalar minus = {.kind = QV_SCALAR_INT, .value.i = -1};
  hand_expect(qv_compute_arithmetic_scalar(QV_ARITH_POWER, false, p, &minus, &out, &e), &e, QV_ERR_INVALID_DATA,
              "negative integer powers");
  qv_array_release(p);
  qv_array_release(x);
  expect_array(OK(qv_compute_negate(a, false, &out, &e)), PRIM(qv_type_int64(), int64_t, "1110", -7, 7, INT64_MIN, 0));
  expect_array(OK(qv_compute_abs(a, false, &out, &e)), PRIM(qv_type_int64(), int64_t, "1110", 7, 7, INT64_MIN, 0));
  qv_error_clear(&e);
  hand_expect(qv_compute_abs(a, true, &out, &e), &e, QV_ERR_OVERFLOW, "overflow at row 2");
  hand_expect(qv_compute_negate(a, true, &out, &e), &e, QV_ERR_OVERFLOW, "overflow at row 2");
  qv_array *u = PRIM(qv_type_uint8(), uint8_t, NULL, 5);
  expect_array(OK(qv_compute_negate(u, false, &out, &e)), PRIM(qv_type_uint8(), uint8_t, NULL, 251));
  qv_error_clear(&e);
  hand_expect(qv_compute_negate(u, true, &out, &e), &e, QV_ERR_NOT_IMPLEMENTED, "unsigned");
  qv_array_release(u);
  qv_array *f = PRIM(qv_type_float64(), double, NULL, 1.0, -0.0);
  qv_array *fz = PRIM(qv_type_float64(), double, NULL, 0.0, 2.0);
  out = NULL;
  assert_int_equal(qv_compute_arithmetic(QV_ARITH_DIVIDE, false, f, fz, &out, &e), QV_OK);
  assert_true(isinf(qv_array_values_float64(out)[0]));
  qv_array_release(out);
  hand_expect(qv_compute_arithmetic(QV_ARITH_DIVIDE, true, f, fz, &out, &e), &e, QV_ERR_INVALID_DATA, "divide by zero");
  expect_array(OK(qv_compute_abs(f, true, &out, &e)), PRIM(qv_type_float64(), double, NULL, 1.0, 0.0));
  qv_array_release(f);
  qv_array_release(fz);
  qv_array *s = STRS("a");
  hand_expect(qv_compute_abs(s, false, &out, &e), &e, QV_ERR_TYPE, "not supported");
  qv_array_release(s);
  qv_array_release(a);
  qv_array_release(b);
}

static void compare_strings_decimals_bools_temporal(void **state) {
  (void)state;
  qv_error e;
  qv_array *out;
  qv_array *a = slice_of(STRS("z", "a", "ab", NULL, "b"), 1, 4), *b = STRS("ab", "a", "x", "a");
  expect_array(OK(qv_compute_compare(QV_CMP_LESS, a, b, &out, &e)), bools("1000", "1101"));
  qv_array *view = NULL;
  assert_int_equal(qv_compute_cast(a, qv_type_string_view(), true, &view, NULL), QV_OK);
  expect_array(OK(qv_compute_compare(QV_CMP_EQUAL, a, view, &out, &e)), bools("1101", "1101"));
  qv_array_release(view);
  qv_scalar s = {.kind = QV_SCALAR_BYTES, .value.bytes = {(const uint8_t *)"ab", 2}};
  expect_array(OK(qv_compute_compare_scalar(QV_CMP_GREATER_EQUAL, a, &s, &out, &e)), bools("0101", "1101"));
  qv_scalar num = {.kind = QV_SCALAR_INT, .value.i = 1};
  qv_error_clear(&e);
  hand_expect(qv_compute_compare_scalar(QV_CMP_EQUAL, a, &num, &out, &e), &e, QV_ERR_TYPE, "scalar does not match");
  qv_array *i = I64(1, 2, 3, 4);
  hand_expect(qv_compute_compare(QV_CMP_EQUAL, a, i, &out, &e), &e, QV_ERR_TYPE, "differ");
  qv_array_release(i);
  qv_array *bad = hand_array(qv_type_string(), 4, 0, 0, 3, BUFS(NULL, BUFV(int32_t, 0, 1, 0, 1, 1), hand_buf("a", 1)),
                             0, NULL, NULL);
  hand_expect(qv_compute_compare(QV_CMP_EQUAL, a, bad, &out, &e), &e, QV_ERR_INVALID_DATA, "goes backwards");
  qv_array_release(bad);
  qv_array_release(a);
  qv_array_release(b);

  qv_array *d1 = prim(hand_decimal(128, 10, 2), (const int64_t[]){-5, -1, 100, 0}, 2, 16, NULL);
  qv_array *d2 = prim(hand_decimal(128, 10, 2), (const int64_t[]){-1, -1, 100, 0}, 2, 16, NULL);
  expect_array(OK(qv_compute_compare(QV_CMP_LESS, d1, d2, &out, &e)), bools("10", NULL));
  qv_array_release(d1);
  qv_array_release(d2);

  qv_array *t = bools("10", NULL), *f = bools("00", NULL);
  expect_array(OK(qv_compute_compare(QV_CMP_GREATER, t, f, &out, &e)), bools("10", NULL));
  qv_array_release(t);
  qv_array_release(f);

  qv_array *ts = PRIM(hand_ts(QV_UNIT_MILLI, "UTC"), int64_t, NULL, 1, 5);
  qv_array *ts2 = PRIM(hand_ts(QV_UNIT_MILLI, "Europe/Paris"), int64_t, NULL, 2, 5);
  qv_array *naive = PRIM(hand_ts(QV_UNIT_MILLI, NULL), int64_t, NULL, 2, 5);
  expect_array(OK(qv_compute_compare(QV_CMP_LESS, ts, ts2, &out, &e)), bools("10", NULL));
  qv_error_clear(&e);
  hand_expect(qv_compute_compare(QV_CMP_LESS, ts, naive, &out, &e), &e, QV_ERR_TYPE, "differ");
  qv_scalar two = {.kind = QV_SCALAR_INT, .value.i = 2};
  expect_array(OK(qv_compute_compare_scalar(QV_CMP_EQUAL, naive, &two, &out, &e)), bools("10", NULL));
  qv_array_release(ts);
  qv_array_release(ts2);
  qv_array_release(naive);
  qv_array *d = PRIM(qv_type_date32(), int32_t, "01", 1, 2);
  expect_array(OK(qv_compute_compare_scalar(QV_CMP_EQUAL, d, &two, &out, &e)), bools("01", "01"));
  qv_array_release(d);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(truth_tables),
      cmocka_unit_test(long_words_match_slot_by_slot),
      cmocka_unit_test(null_predicates),
      cmocka_unit_test(if_else_and_coalesce),
      cmocka_unit_test(divide_power_negate_abs),
      cmocka_unit_test(compare_strings_decimals_bools_temporal),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
