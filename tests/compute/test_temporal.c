/* Temporal fields: naive and zoned timestamps (New York around its 2021
 * DST changes, a fixed offset, a date past the zone's transition table that
 * the POSIX rule decides), dates, times, nulls and slices, the type errors,
 * an unknown zone, and values at the int64 edges (no overflow, no UB). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "compute/compute_test_util.h"
#include "quiver/compute.h"

static void expect_field(qv_temporal_field f, const qv_array *a, const int64_t *want, const char *valid) {
  qv_array *out = NULL;
  qv_error e;
  qv_status st = qv_compute_temporal_field(f, a, &out, &e);
  if (st != QV_OK) fprintf(stderr, "failed: %s\n", e.message);
  assert_int_equal(st, QV_OK);
  for (int64_t i = 0; i < a->length; i++) {
    bool v = valid == NULL || valid[i] == '1';
    assert_int_equal(qv_array_is_valid(out, i), v);
    if (v) {
      if (qv_array_int64_value(out, i) != want[i])
        fprintf(stderr, "field %d row %lld: got %lld want %lld\n", (int)f, (long long)i,
                (long long)qv_array_int64_value(out, i), (long long)want[i]);
      assert_int_equal(qv_array_int64_value(out, i), want[i]);
    }
  }
  qv_array_release(out);
}
#define FIELD(F, A, VALID, ...) expect_field(F, A, (const int64_t[]){__VA_ARGS__}, VALID)

static void zoned_timestamps_across_dst(void **state) {
  (void)state;
  /* 2021-03-14 06:59:59Z (01:59:59 EST), 07:00:00Z (03:00:00 EDT), a null,
   * 2021-11-07 05:59:59Z (01:59:59 EDT), 06:00:00Z (01:00:00 EST). */
  qv_array *ny = slice_of(PRIM(hand_ts(QV_UNIT_SECOND, "America/New_York"), int64_t, "111011", 0, 1615705199,
                               1615705200, 0, 1636264799, 1636264800),
                          1, 5);
  FIELD(QV_FIELD_HOUR, ny, "11011", 1, 3, 0, 1, 1);
  FIELD(QV_FIELD_DAY, ny, "11011", 14, 14, 0, 7, 7);
  FIELD(QV_FIELD_DAY_OF_WEEK, ny, "11011", 6, 6, 0, 6, 6); /* Sundays */
  FIELD(QV_FIELD_DAY_OF_YEAR, ny, "11011", 73, 73, 0, 311, 311);
  qv_array_release(ny);
  /* 2077-07-19 22:09:02Z: past the transition table, the rule says EDT. */
  qv_array *far = PRIM(hand_ts(QV_UNIT_MICRO, "America/New_York"), int64_t, NULL, 3393958142000000LL);
  FIELD(QV_FIELD_HOUR, far, NULL, 18);
  qv_array_release(far);
  qv_array *fixed = PRIM(hand_ts(QV_UNIT_NANO, "+05:45"), int64_t, NULL, -1);
  FIELD(QV_FIELD_YEAR, fixed, NULL, 1970);
  FIELD(QV_FIELD_HOUR, fixed, NULL, 5);
  FIELD(QV_FIELD_MINUTE, fixed, NULL, 44);
  FIELD(QV_FIELD_MILLISECOND, fixed, NULL, 999);
  FIELD(QV_FIELD_MICROSECOND, fixed, NULL, 999);
  FIELD(QV_FIELD_NANOSECOND, fixed, NULL, 999);
  qv_array_release(fixed);
}

static void naive_dates_and_times(void **state) {
  (void)state;
  /* 2020-02-29 12:34:56.789 and 1969-12-31 23:59:59.999 */
  qv_array *ts = PRIM(hand_ts(QV_UNIT_MILLI, NULL), int64_t, NULL, 1582979696789LL, -1);
  FIELD(QV_FIELD_YEAR, ts, NULL, 2020, 1969);
  FIELD(QV_FIELD_QUARTER, ts, NULL, 1, 4);
  FIELD(QV_FIELD_MONTH, ts, NULL, 2, 12);
  FIELD(QV_FIELD_DAY_OF_YEAR, ts, NULL, 60, 365);
  FIELD(QV_FIELD_SECOND, ts, NULL, 56, 59);
  FIELD(QV_FIELD_MILLISECOND, ts, NULL, 789, 999);
  qv_array_release(ts);
  qv_array *d = PRIM(qv_type_date32(), int32_t, "101", 0, 5, -1);
  FIELD(QV_FIELD_DAY_OF_WEEK, d, "101", 3, 0, 2);
  FIELD(QV_FIELD_YEAR, d, "101", 1970, 0, 1969);
  qv_array *out = NULL;
  qv_error e;
  qv_error_clear(&e);
  hand_expect(qv_compute_temporal_field(QV_FIELD_HOUR, d, &out, &e), &e, QV_ERR_NOT_IMPLEMENTED, "hour: has no kernel");
  qv_array_release(d);
  qv_array *d64 = PRIM(qv_type_date64(), int64_t, NULL, -1);
  FIELD(QV_FIELD_DAY, d64, NULL, 31);
  qv_array_release(d64);
  qv_array *t = PRIM(hand_time(32, QV_UNIT_MILLI), int32_t, NULL, 3723004);
  FIELD(QV_FIELD_HOUR, t, NULL, 1);
  FIELD(QV_FIELD_MILLISECOND, t, NULL, 4);
  hand_expect(qv_compute_temporal_field(QV_FIELD_YEAR, t, &out, &e), &e, QV_ERR_NOT_IMPLEMENTED, "year");
  qv_array_release(t);
  qv_array *s = STRS("x");
  hand_expect(qv_compute_temporal_field(QV_FIELD_YEAR, s, &out, &e), &e, QV_ERR_TYPE, "has no kernel for string");
  hand_expect(qv_compute_temporal_field((qv_temporal_field)77, s, &out, &e), &e, QV_ERR_INVALID_ARGUMENT, "bad");
  qv_array_release(s);
}

static void zones_and_edges(void **state) {
  (void)state;
  qv_array *out = NULL;
  qv_error e;
  qv_array *bad = PRIM(hand_ts(QV_UNIT_SECOND, "Mars/Olympus_Mons"), int64_t, NULL, 0);
  qv_error_clear(&e);
  hand_expect(qv_compute_temporal_field(QV_FIELD_YEAR, bad, &out, &e), &e, QV_ERR_INVALID_ARGUMENT,
              "unknown time zone 'Mars/Olympus_Mons'");
  qv_array_release(bad);
  /* Extreme instants: answers, no overflow (UBSan watches). */
  qv_array *edge = PRIM(hand_ts(QV_UNIT_SECOND, "Asia/Tokyo"), int64_t, NULL, INT64_MAX, INT64_MIN);
  for (int f = QV_FIELD_YEAR; f <= QV_FIELD_NANOSECOND; f++) {
    assert_int_equal(qv_compute_temporal_field((qv_temporal_field)f, edge, &out, &e), QV_OK);
    qv_array_release(out);
  }
  qv_array_release(edge);
  qv_array *ns = PRIM(hand_ts(QV_UNIT_NANO, NULL), int64_t, NULL, INT64_MIN);
  FIELD(QV_FIELD_YEAR, ns, NULL, 1677);
  qv_array_release(ns);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(zoned_timestamps_across_dst),
      cmocka_unit_test(naive_dates_and_times),
      cmocka_unit_test(zones_and_edges),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
