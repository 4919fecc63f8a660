/* qv_compute_index (pyarrow's pc.index) and the float16 min/max it pairs
 * with in `quiver stats`: first match, no match, null and NaN values never
 * found, sliced inputs, strings, and float16 by value (NaN skipped by
 * min/max; only NaN gives NaN). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "compute/compute_test_util.h"
#include "quiver/compute.h"

static int64_t index_of(const qv_array *a, const qv_scalar *v) {
  int64_t at = -2;
  qv_error e;
  qv_status st = qv_compute_index(a, v, &at, &e);
  if (st != QV_OK) fprintf(stderr, "index: %s\n", e.message);
  assert_int_equal(st, QV_OK);
  return at;
}

static qv_scalar int_scalar(const qv_type *t, int64_t v) {
  qv_scalar s;
  memset(&s, 0, sizeof s);
  s.kind = QV_SCALAR_INT;
  s.type = t;
  s.value.i = v;
  return s;
}

static void index_of_numbers_and_slices(void **state) {
  (void)state;
  qv_array *a = PRIM(qv_type_int32(), int32_t, "1011", 5, 7, 7, 5); /* 5 null 7 5 */
  qv_scalar five = int_scalar(a->type, 5), seven = int_scalar(a->type, 7), nine = int_scalar(a->type, 9);
  assert_int_equal(index_of(a, &five), 0);
  assert_int_equal(index_of(a, &seven), 2); /* row 1 holds 7 but is null */
  assert_int_equal(index_of(a, &nine), -1);
  qv_scalar null_value;
  memset(&null_value, 0, sizeof null_value);
  null_value.kind = QV_SCALAR_NULL;
  null_value.type = a->type;
  assert_int_equal(index_of(a, &null_value), -1);
  qv_array *s = slice_of(a, 1, 3); /* null 7 5 */
  assert_int_equal(index_of(s, &five), 2);
  qv_array_release(s);
}

static void index_of_strings(void **state) {
  (void)state;
  qv_array *a = STRS("x", NULL, "b", "b");
  qv_scalar b;
  memset(&b, 0, sizeof b);
  b.kind = QV_SCALAR_BYTES;
  b.type = a->type;
  b.value.bytes.data = (const uint8_t *)"b";
  b.value.bytes.size = 1;
  assert_int_equal(index_of(a, &b), 2);
  b.value.bytes.data = (const uint8_t *)"bb";
  b.value.bytes.size = 2;
  assert_int_equal(index_of(a, &b), -1);
  qv_array_release(a);
}

static void float16_min_max_and_index(void **state) {
  (void)state;
  /* 1.5, NaN, -2.0, null(0.0), 65504 */
  qv_array *a = PRIM(qv_type_float16(), uint16_t, "11101", 0x3E00, 0x7E00, 0xC000, 0x0000, 0x7BFF);
  qv_scalar lo, hi;
  assert_int_equal(qv_compute_min_max(a, &lo, &hi, NULL), QV_OK);
  assert_int_equal(lo.kind, QV_SCALAR_FLOAT);
  assert_true(lo.value.f == -2.0);
  assert_true(hi.value.f == 65504.0);
  assert_int_equal(index_of(a, &lo), 2);
  assert_int_equal(index_of(a, &hi), 4);
  qv_scalar zero = lo;
  zero.value.f = 0.0;
  assert_int_equal(index_of(a, &zero), -1); /* the 0.0 slot is null */
  qv_array_release(a);

  qv_array *nan_only = PRIM(qv_type_float16(), uint16_t, NULL, 0x7E00, 0xFE00);
  assert_int_equal(qv_compute_min(nan_only, &lo, NULL), QV_OK);
  assert_int_equal(lo.kind, QV_SCALAR_FLOAT);
  assert_true(isnan(lo.value.f));
  assert_int_equal(index_of(nan_only, &lo), -1); /* NaN equals nothing */
  qv_array_release(nan_only);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(index_of_numbers_and_slices),
      cmocka_unit_test(index_of_strings),
      cmocka_unit_test(float16_min_max_and_index),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
