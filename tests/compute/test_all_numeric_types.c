/* Every compute kernel over every numeric type, with nulls and a slice:
 * sort_indices in its four orders, the aggregations, the six comparisons
 * (array-array and array-scalar) and the three arithmetic operations
 * (wrapping and checked), each result checked slot by slot against the same
 * computation done here in double precision on the values read back through
 * qv_array_get_scalar. The values are small, so no operation overflows. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "quiver/quiver.h"

#define N 40

static qv_type *type_of(int k) {
  qv_type *(*ctor[])(void) = {qv_type_int8,   qv_type_int16,  qv_type_int32,   qv_type_int64,
                              qv_type_uint8,  qv_type_uint16, qv_type_uint32,  qv_type_uint64,
                              qv_type_float32, qv_type_float64};
  return ctor[k]();
}
#define N_TYPES 10

/* Row i of the test column: every 7th null; values 0..11 (so products fit
 * int8), with a few repeats for stable sorting. */
static bool row_valid(int64_t i) { return i % 7 != 3; }
static double row_value(int64_t i, int salt) { return (double)((i * 5 + salt) % 12); }

static qv_array *column(int k, int salt) {
  qv_type *t = type_of(k);
  const int32_t w = t->bit_width / 8;
  uint8_t bytes[N * 8];
  uint8_t bits[(N + 7) / 8];
  memset(bits, 0, sizeof bits);
  for (int64_t i = 0; i < N; i++) {
    double v = row_value(i, salt);
    if (row_valid(i)) bits[i / 8] |= (uint8_t)(1u << (i % 8));
    if (k == 8) { float f = (float)v; memcpy(bytes + i * 4, &f, 4); }
    else if (k == 9) memcpy(bytes + i * 8, &v, 8);
    else { uint64_t u = (uint64_t)v; memcpy(bytes + i * w, &u, (size_t)w); } /* little-endian */
  }
  qv_builder *b;
  qv_array *a;
  assert_int_equal(qv_builder_new(t, NULL, &b, NULL), QV_OK);
  assert_int_equal(qv_builder_append_values(b, bytes, N, bits, NULL), QV_OK);
  assert_int_equal(qv_builder_finish(b, &a, NULL), QV_OK);
  qv_builder_free(b);
  /* A slice, so every kernel honours the offset. */
  qv_array *s;
  assert_int_equal(qv_array_slice(a, 3, N - 5, &s, NULL), QV_OK);
  qv_array_release(a);
  return s;
}

static bool get(const qv_array *a, int64_t i, double *v) {
  qv_scalar s;
  assert_int_equal(qv_array_get_scalar(a, i, &s, NULL), QV_OK);
  switch (s.kind) {
    case QV_SCALAR_NULL: return false;
    case QV_SCALAR_INT: *v = (double)s.value.i; return true;
    case QV_SCALAR_UINT: *v = (double)s.value.u; return true;
    case QV_SCALAR_FLOAT: *v = s.value.f; return true;
    case QV_SCALAR_BOOL: *v = s.value.b; return true;
    default: fail_msg("unexpected scalar kind %d", (int)s.kind); return false;
  }
}

static void sort_every_type(void **state) {
  (void)state;
  for (int k = 0; k < N_TYPES; k++) {
    qv_array *a = column(k, 1);
    for (int order = 0; order < 2; order++)
      for (int nulls = 0; nulls < 2; nulls++) {
        qv_array *idx;
        assert_int_equal(qv_compute_sort_indices(a, (qv_sort_order)order, (qv_null_placement)nulls, &idx, NULL), QV_OK);
        assert_int_equal(idx->length, a->length);
        double prev = 0;
        int64_t prev_row = -1;
        bool seen_value = false, seen_null = false;
        for (int64_t j = 0; j < idx->length; j++) {
          int64_t r = qv_array_int64_value(idx, j);
          double v;
          if (!get(a, r, &v)) {
            if (nulls == QV_NULLS_AT_END) seen_null = true;
            else assert_false(seen_value);
            continue;
          }
          assert_false(nulls == QV_NULLS_AT_END && seen_null); /* values come before the nulls */
          if (seen_value) {
            assert_true(order == QV_SORT_ASCENDING ? prev <= v : prev >= v);
            if (prev == v) assert_true(prev_row < r); /* stable */
          }
          seen_value = true;
          prev = v;
          prev_row = r;
        }
        qv_array_release(idx);
      }
    qv_array_release(a);
  }
}

static void aggregates_every_type(void **state) {
  (void)state;
  for (int k = 0; k < N_TYPES; k++) {
    qv_array *a = column(k, 2);
    double sum = 0, mn = INFINITY, mx = -INFINITY;
    int64_t valid = 0;
    for (int64_t i = 0; i < a->length; i++) {
      double v;
      if (!get(a, i, &v)) continue;
      sum += v, valid++;
      mn = fmin(mn, v), mx = fmax(mx, v);
    }
    qv_scalar s, lo, hi;
    double got;
    assert_int_equal(qv_compute_sum(a, &s, NULL), QV_OK);
    got = s.kind == QV_SCALAR_INT ? (double)s.value.i : s.kind == QV_SCALAR_UINT ? (double)s.value.u : s.value.f;
    assert_true(got == sum);
    assert_int_equal(qv_compute_mean(a, &s, NULL), QV_OK);
    assert_true(fabs(s.value.f - sum / (double)valid) < 1e-9);
    assert_int_equal(qv_compute_min_max(a, &lo, &hi, NULL), QV_OK);
    assert_int_equal(qv_compute_min(a, &s, NULL), QV_OK);
    got = s.kind == QV_SCALAR_INT ? (double)s.value.i : s.kind == QV_SCALAR_UINT ? (double)s.value.u : s.value.f;
    assert_true(got == mn);
    assert_int_equal(qv_compute_max(a, &s, NULL), QV_OK);
    got = s.kind == QV_SCALAR_INT ? (double)s.value.i : s.kind == QV_SCALAR_UINT ? (double)s.value.u : s.value.f;
    assert_true(got == mx);
    int64_t c;
    assert_int_equal(qv_compute_count(a, QV_COUNT_VALID, &c, NULL), QV_OK);
    assert_int_equal(c, valid);
    assert_int_equal(qv_compute_count(a, QV_COUNT_NULL, &c, NULL), QV_OK);
    assert_int_equal(c, a->length - valid);
    qv_array_release(a);
  }
}

static bool expect_cmp(qv_compare_op op, double x, double y) {
  switch (op) {
    case QV_CMP_EQUAL: return x == y;
    case QV_CMP_NOT_EQUAL: return x != y;
    case QV_CMP_LESS: return x < y;
    case QV_CMP_LESS_EQUAL: return x <= y;
    case QV_CMP_GREATER: return x > y;
    default: return x >= y;
  }
}

static void comparisons_every_type(void **state) {
  (void)state;
  for (int k = 0; k < N_TYPES; k++) {
    qv_array *a = column(k, 3), *b = column(k, 5);
    qv_scalar five = {.kind = k >= 8 ? QV_SCALAR_FLOAT : (k >= 4 ? QV_SCALAR_UINT : QV_SCALAR_INT), .type = a->type};
    if (k >= 8) five.value.f = 5; else if (k >= 4) five.value.u = 5; else five.value.i = 5;
    for (int op = QV_CMP_EQUAL; op <= QV_CMP_GREATER_EQUAL; op++) {
      qv_array *r1, *r2;
      assert_int_equal(qv_compute_compare((qv_compare_op)op, a, b, &r1, NULL), QV_OK);
      assert_int_equal(qv_compute_compare_scalar((qv_compare_op)op, a, &five, &r2, NULL), QV_OK);
      for (int64_t i = 0; i < a->length; i++) {
        double x, y, got;
        bool va = get(a, i, &x), vb = get(b, i, &y);
        if (va && vb) {
          assert_true(get(r1, i, &got));
          assert_int_equal((int)got, (int)expect_cmp((qv_compare_op)op, x, y));
        } else {
          assert_false(get(r1, i, &got));
        }
        if (va) {
          assert_true(get(r2, i, &got));
          assert_int_equal((int)got, (int)expect_cmp((qv_compare_op)op, x, 5));
        } else {
          assert_false(get(r2, i, &got));
        }
      }
      qv_array_release(r1);
      qv_array_release(r2);
    }
    qv_array_release(a);
    qv_array_release(b);
  }
}

static void arithmetic_every_type(void **state) {
  (void)state;
  for (int k = 0; k < N_TYPES; k++) {
    qv_array *a = column(k, 7), *b = column(k, 7); /* equal, so a - b never goes below 0 for unsigned */
    qv_scalar two = {.kind = k >= 8 ? QV_SCALAR_FLOAT : (k >= 4 ? QV_SCALAR_UINT : QV_SCALAR_INT), .type = a->type};
    if (k >= 8) two.value.f = 2; else if (k >= 4) two.value.u = 2; else two.value.i = 2;
    for (int op = QV_ARITH_ADD; op <= QV_ARITH_MULTIPLY; op++)
      for (int checked = 0; checked < 2; checked++) {
        qv_array *r1, *r2;
        assert_int_equal(qv_compute_arithmetic((qv_arith_op)op, checked, a, b, &r1, NULL), QV_OK);
        bool scalar_ok = !(op == QV_ARITH_SUBTRACT && k >= 4 && k < 8); /* x - 2 may go below 0 */
        if (scalar_ok)
          assert_int_equal(qv_compute_arithmetic_scalar((qv_arith_op)op, checked, a, &two, &r2, NULL), QV_OK);
        for (int64_t i = 0; i < a->length; i++) {
          double x, y, got;
          bool va = get(a, i, &x);
          get(b, i, &y);
          double want = op == QV_ARITH_ADD ? x + y : op == QV_ARITH_SUBTRACT ? x - y : x * y;
          if (va) {
            assert_true(get(r1, i, &got));
            assert_true(got == want);
          } else {
            assert_false(get(r1, i, &got));
          }
          if (scalar_ok) {
            double want2 = op == QV_ARITH_ADD ? x + 2 : op == QV_ARITH_SUBTRACT ? x - 2 : x * 2;
            if (va) {
              assert_true(get(r2, i, &got));
              assert_true(got == want2);
            } else {
              assert_false(get(r2, i, &got));
            }
          }
        }
        qv_array_release(r1);
        if (scalar_ok) qv_array_release(r2);
      }
    qv_array_release(a);
    qv_array_release(b);
  }
}

/* take, filter (both null selections) and the chunked aggregations over
 * every numeric type, checked slot by slot. */
static void selection_and_chunked_every_type(void **state) {
  (void)state;
  for (int k = 0; k < N_TYPES; k++) {
    qv_array *a = column(k, 9);
    /* indices: every row backwards, with a null index in the middle */
    qv_builder *ib;
    qv_array *idx, *mask, *taken, *kept, *kept_nulls;
    assert_int_equal(qv_builder_new(qv_type_int64(), NULL, &ib, NULL), QV_OK);
    for (int64_t i = a->length - 1; i >= 0; i--) {
      if (i == a->length / 2) assert_int_equal(qv_builder_append_null(ib), QV_OK);
      else assert_int_equal(qv_builder_append_int64(ib, i), QV_OK);
    }
    assert_int_equal(qv_builder_finish(ib, &idx, NULL), QV_OK);
    qv_builder_free(ib);
    assert_int_equal(qv_builder_new(qv_type_bool(), NULL, &ib, NULL), QV_OK);
    for (int64_t i = 0; i < a->length; i++) {
      if (i % 5 == 4) assert_int_equal(qv_builder_append_null(ib), QV_OK);
      else assert_int_equal(qv_builder_append_bool(ib, i % 2 == 0), QV_OK);
    }
    assert_int_equal(qv_builder_finish(ib, &mask, NULL), QV_OK);
    qv_builder_free(ib);
    assert_int_equal(qv_compute_take(a, idx, &taken, NULL), QV_OK);
    assert_int_equal(qv_compute_filter(a, mask, QV_FILTER_DROP, &kept, NULL), QV_OK);
    assert_int_equal(qv_compute_filter(a, mask, QV_FILTER_EMIT_NULL, &kept_nulls, NULL), QV_OK);
    for (int64_t j = 0; j < idx->length; j++) {
      double x, y;
      int64_t r = a->length - 1 - j;
      if (j == a->length - 1 - a->length / 2) {
        assert_false(get(taken, j, &x));
        continue;
      }
      bool v = get(a, r, &y);
      assert_int_equal(get(taken, j, &x), v);
      if (v) assert_true(x == y);
    }
    int64_t out = 0, out_nulls = 0;
    for (int64_t i = 0; i < a->length; i++) {
      double x, y;
      if (i % 5 == 4) {
        assert_false(get(kept_nulls, out_nulls++, &x));
        continue;
      }
      if (i % 2 != 0) continue;
      bool v = get(a, i, &y);
      assert_int_equal(get(kept, out++, &x), v);
      if (v) assert_true(x == y);
      assert_int_equal(get(kept_nulls, out_nulls++, &x), v);
    }
    assert_int_equal(kept->length, out);
    assert_int_equal(kept_nulls->length, out_nulls);
    /* The same column in two chunks gives the same aggregates. */
    qv_array *lo, *hi;
    assert_int_equal(qv_array_slice(a, 0, 11, &lo, NULL), QV_OK);
    assert_int_equal(qv_array_slice(a, 11, a->length - 11, &hi, NULL), QV_OK);
    qv_array *parts[] = {lo, hi};
    qv_chunked_array *c;
    assert_int_equal(qv_chunked_array_new(NULL, parts, 2, &c, NULL), QV_OK);
    qv_scalar s1, s2, lo1, hi1, lo2, hi2;
    assert_int_equal(qv_compute_sum(a, &s1, NULL), QV_OK);
    assert_int_equal(qv_compute_sum_chunked(c, &s2, NULL), QV_OK);
    assert_int_equal(s1.kind, s2.kind);
    assert_memory_equal(&s1.value, &s2.value, sizeof(double));
    assert_int_equal(qv_compute_min_max(a, &lo1, &hi1, NULL), QV_OK);
    assert_int_equal(qv_compute_min_max_chunked(c, &lo2, &hi2, NULL), QV_OK);
    assert_memory_equal(&lo1.value, &lo2.value, sizeof(double));
    assert_memory_equal(&hi1.value, &hi2.value, sizeof(double));
    assert_int_equal(qv_compute_mean_chunked(c, &s2, NULL), QV_OK);
    assert_int_equal(qv_compute_mean(a, &s1, NULL), QV_OK);
    assert_true(fabs(s1.value.f - s2.value.f) < 1e-9);
    int64_t n1, n2;
    assert_int_equal(qv_compute_count(a, QV_COUNT_ALL, &n1, NULL), QV_OK);
    assert_int_equal(qv_compute_count_chunked(c, QV_COUNT_ALL, &n2, NULL), QV_OK);
    assert_int_equal(n1, n2);
    qv_chunked_array_release(c);
    qv_array_release(lo);
    qv_array_release(hi);
    qv_array_release(kept_nulls);
    qv_array_release(kept);
    qv_array_release(taken);
    qv_array_release(mask);
    qv_array_release(idx);
    qv_array_release(a);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(sort_every_type),
      cmocka_unit_test(aggregates_every_type),
      cmocka_unit_test(comparisons_every_type),
      cmocka_unit_test(arithmetic_every_type),
      cmocka_unit_test(selection_and_chunked_every_type),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
