/* qv_compute_cast: every family (numeric, bool, parse, format, bytes,
 * temporal, encodings) with literal expected results, the safe errors
 * naming the row, null slots holding out-of-range bytes that must not fail,
 * slices, and hostile inputs (offsets backwards, dictionary indices out of
 * range, run ends out of order) that must give an error, never a bad read. */
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

static qv_array *cast(const qv_array *a, qv_type *to, bool safe) {
  qv_array *out = NULL;
  qv_error e;
  qv_status st = qv_compute_cast(a, to, safe, &out, &e);
  if (st != QV_OK) fprintf(stderr, "cast failed: %s\n", e.message);
  assert_int_equal(st, QV_OK);
  qv_type_release(to); /* the helpers take the target type (a no-op for singletons) */
  return out;
}

/* cast, then release the input (for inline slices). */
static qv_array *cast_owned(qv_array *a, qv_type *to, bool safe) {
  qv_array *out = cast(a, to, safe);
  qv_array_release(a);
  return out;
}

static void expect_cast_error(const qv_array *a, qv_type *to, bool safe, qv_status code, const char *needle) {
  qv_array *out = NULL;
  qv_error e;
  qv_error_clear(&e);
  hand_expect(qv_compute_cast(a, to, safe, &out, &e), &e, code, needle);
  assert_null(out);
  qv_type_release(to);
}

static qv_array *strs_of(qv_type *t, int64_t n, const char *const *v) { return hand_strings(t, n, v); }

/* ---- numeric ---- */

static void int64_to_float64_sliced_with_nulls(void **state) {
  (void)state;
  qv_array *a = slice_of(PRIM(qv_type_int64(), int64_t, "10111", 7, INT64_MAX, -3, 1 << 20, 0), 1, 4);
  expect_array(cast(a, qv_type_float64(), false), PRIM(qv_type_float64(), double, "0111", 0, -3, 1 << 20, 0));
  /* Safe: the null slot holds INT64_MAX (beyond 2^53) and must not fail. */
  expect_array(cast(a, qv_type_float64(), true), PRIM(qv_type_float64(), double, "0111", 0, -3, 1 << 20, 0));
  qv_array_release(a);
}

static void integer_overflow_names_the_row(void **state) {
  (void)state;
  qv_array *a = PRIM(qv_type_int64(), int64_t, NULL, 1, 127, 128, -129);
  expect_cast_error(a, qv_type_int8(), true, QV_ERR_INVALID_DATA, "row 2: value 128 does not fit int8");
  expect_array(cast(a, qv_type_int8(), false), PRIM(qv_type_int8(), int8_t, NULL, 1, 127, -128, 127));
  expect_cast_error(a, qv_type_uint64(), true, QV_ERR_INVALID_DATA, "row 3: value -129");
  qv_array_release(a);
  qv_array *big = PRIM(qv_type_int64(), int64_t, NULL, (int64_t)1 << 53, ((int64_t)1 << 53) + 1);
  expect_cast_error(big, qv_type_float64(), true, QV_ERR_INVALID_DATA, "row 1: value 9007199254740993");
  qv_array_release(big);
  qv_array *u = PRIM(qv_type_uint64(), uint64_t, NULL, 5, UINT64_MAX);
  expect_cast_error(u, qv_type_int64(), true, QV_ERR_INVALID_DATA, "row 1: value 18446744073709551615");
  expect_array(cast(u, qv_type_int64(), false), PRIM(qv_type_int64(), int64_t, NULL, 5, -1));
  qv_array_release(u);
}

static void float_to_int_truncation_nan_and_saturation(void **state) {
  (void)state;
  qv_array *a = PRIM(qv_type_float64(), double, "1110111", 1.0, -2.0, 1.5, 99.5, NAN, 1e300, -1e300);
  expect_cast_error(a, qv_type_int32(), true, QV_ERR_INVALID_DATA, "row 2: value 1.5");
  expect_array(cast(a, qv_type_int32(), false),
               PRIM(qv_type_int32(), int32_t, "1110111", 1, -2, 1, 0, 0, INT32_MAX, INT32_MIN));
  expect_array(cast(a, qv_type_uint8(), false), PRIM(qv_type_uint8(), uint8_t, "1110111", 1, 0, 1, 0, 0, 255, 0));
  qv_array_release(a);
  qv_array *nan = PRIM(qv_type_float32(), float, NULL, NAN);
  expect_cast_error(nan, qv_type_int64(), true, QV_ERR_INVALID_DATA, "row 0");
  qv_array *wide = cast(nan, qv_type_float64(), true);
  assert_true(isnan(qv_array_values_float64(wide)[0]));
  qv_array_release(wide);
  qv_array_release(nan);
}

static void bool_to_and_from_numbers(void **state) {
  (void)state;
  qv_array *b = slice_of(bools("01101", "11011"), 1, 4);
  expect_array(cast(b, qv_type_int16(), true), PRIM(qv_type_int16(), int16_t, "1011", 1, 0, 0, 1));
  expect_array(cast(b, qv_type_float32(), true), PRIM(qv_type_float32(), float, "1011", 1, 0, 0, 1));
  qv_array_release(b);
  qv_array *f = PRIM(qv_type_float64(), double, "1101", 0.0, -0.0, 7, NAN);
  expect_array(cast(f, qv_type_bool(), true), bools("0001", "1101"));
  qv_array_release(f);
}

/* ---- strings ---- */

static void parse_integers(void **state) {
  (void)state;
  qv_array *s = STRS("12", "-0", NULL, "0xff", "0x7FFFFFFFFFFFFFFF", "-9223372036854775808", "007");
  expect_array(cast(s, qv_type_int64(), true),
               PRIM(qv_type_int64(), int64_t, "1101111", 12, 0, 0, 255, INT64_MAX, INT64_MIN, 7));
  expect_array(cast_owned(slice_of(qv_array_retain(s), 3, 1), qv_type_int8(), true),
               PRIM(qv_type_int8(), int8_t, NULL, -1));
  expect_cast_error(s, qv_type_uint8(), true, QV_ERR_INVALID_DATA, "row 1: failed to parse '-0' as uint8");
  qv_array_release(s);
  const char *bad[] = {"", "+1", " 1", "1 ", "-", "0x", "0x100", "9223372036854775808", "1.0", "99999999999999999999"};
  for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
    qv_array *one = strs_of(qv_type_string(), 1, &bad[k]);
    expect_cast_error(one, k == 6 ? qv_type_int8() : qv_type_int64(), true, QV_ERR_INVALID_DATA, "row 0: failed to parse");
    qv_array_release(one);
  }
}

static void parse_floats_bools_dates_timestamps(void **state) {
  (void)state;
  qv_array *f = STRS("1.5", "-inf", "NaN", ".5", "1e3", NULL);
  qv_array *got = cast(f, qv_type_float64(), true);
  const double *v = qv_array_values_float64(got);
  assert_true(v[0] == 1.5 && isinf(v[1]) && v[1] < 0 && isnan(v[2]) && v[3] == 0.5 && v[4] == 1000.0);
  assert_int_equal(qv_array_null_count(got), 1);
  qv_array_release(got);
  qv_array_release(f);
  const char *bad_floats[] = {" 1", "0x1p3", "1_0", "nan(1)"};
  for (int k = 0; k < 4; k++) {
    qv_array *one = strs_of(qv_type_string(), 1, &bad_floats[k]);
    expect_cast_error(one, qv_type_float32(), true, QV_ERR_INVALID_DATA, "failed to parse");
    qv_array_release(one);
  }
  qv_array *b = STRS("TRUE", "false", "1", "0", NULL, "yes");
  expect_cast_error(b, qv_type_bool(), true, QV_ERR_INVALID_DATA, "row 5: failed to parse 'yes' as bool");
  expect_array(cast_owned(slice_of(qv_array_retain(b), 0, 5), qv_type_bool(), true), bools("10100", "11110"));
  qv_array_release(b);
  qv_array *d = STRS("1970-01-02", "2000-02-29", "1969-12-31");
  expect_array(cast(d, qv_type_date32(), true), PRIM(qv_type_date32(), int32_t, NULL, 1, 11016, -1));
  expect_array(cast(d, qv_type_date64(), true),
               PRIM(qv_type_date64(), int64_t, NULL, 86400000, 11016LL * 86400000, -86400000));
  qv_array_release(d);
  qv_array *bad_day = STRS("2001-02-29");
  expect_cast_error(bad_day, qv_type_date32(), true, QV_ERR_INVALID_DATA, "row 0");
  qv_array_release(bad_day);
  qv_array *ts = STRS("1970-01-01T00:00:01.5", "1970-01-01 01", "1969-12-31T23:59:59.999");
  expect_array(cast(ts, hand_ts(QV_UNIT_MILLI, NULL), true),
               PRIM(hand_ts(QV_UNIT_MILLI, NULL), int64_t, NULL, 1500, 3600000, -1));
  expect_cast_error(ts, hand_ts(QV_UNIT_SECOND, NULL), true, QV_ERR_INVALID_DATA, "row 0");
  expect_cast_error(ts, hand_ts(QV_UNIT_MILLI, "UTC"), true, QV_ERR_INVALID_DATA, "expected a zone offset");
  qv_array_release(ts);
  qv_array *zoned = STRS("1970-01-01T01:00:00+01:00", "1970-01-01T00:00:00Z", "1970-01-01T00:00:00-0130");
  expect_array(cast(zoned, hand_ts(QV_UNIT_SECOND, "UTC"), true),
               PRIM(hand_ts(QV_UNIT_SECOND, "UTC"), int64_t, NULL, 0, 0, 5400));
  expect_cast_error(zoned, hand_ts(QV_UNIT_SECOND, NULL), true, QV_ERR_INVALID_DATA, "expected no zone offset");
  qv_array_release(zoned);
  qv_array *x = STRS("1");
  expect_cast_error(x, hand_time(32, QV_UNIT_SECOND), true, QV_ERR_NOT_IMPLEMENTED, "not supported");
  qv_array_release(x);
}

static void format_numbers_and_times(void **state) {
  (void)state;
  qv_array *i = PRIM(qv_type_int64(), int64_t, "1101", INT64_MIN, 0, 5, 42);
  expect_array(cast(i, qv_type_string(), true), STRS("-9223372036854775808", "0", NULL, "42"));
  qv_array_release(i);
  qv_array *f = PRIM(qv_type_float64(), double, NULL, 1.0, 0.1, 1e20, 1e-7, -0.0, NAN, -INFINITY, 1e9, 1e10, 1.5e-6);
  qv_array *large = cast(f, qv_type_large_string(), true);
  expect_array(cast(large, qv_type_string(), true),
               hand_strings(qv_type_string(), 10,
                            (const char *const[]){"1", "0.1", "1e+20", "1e-7", "-0", "nan", "-inf", "1000000000",
                                                  "1e+10", "0.0000015"}));
  qv_array_release(large);
  qv_array_release(f);
  qv_array *f32 = PRIM(qv_type_float32(), float, NULL, 0.1f, 3.4028235e38f);
  expect_array(cast(f32, qv_type_string(), true), STRS("0.1", "3.4028235e+38"));
  qv_array_release(f32);
  qv_array *b = bools("10", NULL);
  qv_array *view = cast(b, qv_type_string_view(), true);
  expect_array(cast(view, qv_type_string(), true), STRS("true", "false"));
  qv_array_release(view);
  qv_array_release(b);
  qv_array *ts = PRIM(hand_ts(QV_UNIT_MILLI, NULL), int64_t, NULL, -1500, 0);
  expect_array(cast(ts, qv_type_string(), true), STRS("1969-12-31 23:59:58.500", "1970-01-01 00:00:00.000"));
  qv_array_release(ts);
  qv_array *utc = PRIM(hand_ts(QV_UNIT_SECOND, "UTC"), int64_t, NULL, 86399);
  expect_array(cast(utc, qv_type_string(), true), STRS("1970-01-01 23:59:59Z"));
  qv_array_release(utc);
  qv_array *fixed = PRIM(hand_ts(QV_UNIT_MICRO, "-05:30"), int64_t, NULL, 1);
  expect_array(cast(fixed, qv_type_string(), true), STRS("1969-12-31 18:30:00.000001-0530"));
  qv_array_release(fixed);
  qv_array *d = PRIM(qv_type_date32(), int32_t, NULL, -1, 11016);
  expect_array(cast(d, qv_type_string(), true), STRS("1969-12-31", "2000-02-29"));
  qv_array_release(d);
  qv_array *t = PRIM(hand_time(32, QV_UNIT_MILLI), int32_t, NULL, 3723004);
  expect_array(cast(t, qv_type_string(), true), STRS("01:02:03.004"));
  qv_array_release(t);
}

static void bytes_forms_and_utf8(void **state) {
  (void)state;
  qv_array *s = slice_of(STRS("a", "a long string past twelve", NULL, ""), 1, 3);
  qv_array *view = cast(s, qv_type_string_view(), true);
  qv_array *large = cast(view, qv_type_large_binary(), true);
  qv_array *back = cast(large, qv_type_string(), true);
  expect_array(back, qv_array_retain(s));
  qv_array_release(view);
  qv_array_release(large);
  qv_array_release(s);
  const char *bad[] = {"ok", "\xC3\x28"};
  qv_array *bin = hand_strings(qv_type_binary(), 2, bad);
  expect_cast_error(bin, qv_type_string(), true, QV_ERR_INVALID_DATA, "row 1: invalid UTF-8");
  qv_array *raw = cast(bin, qv_type_string(), false);
  assert_int_equal(raw->length, 2);
  qv_array_release(raw);
  qv_array_release(bin);
}

/* ---- temporal ---- */

static void temporal_units_dates_and_zones(void **state) {
  (void)state;
  qv_array *ms = PRIM(hand_ts(QV_UNIT_MILLI, NULL), int64_t, "101", 1500, 7, -1500);
  expect_cast_error(ms, hand_ts(QV_UNIT_SECOND, NULL), true, QV_ERR_INVALID_DATA, "row 0: casting 1500");
  expect_array(cast(ms, hand_ts(QV_UNIT_SECOND, NULL), false), PRIM(hand_ts(QV_UNIT_SECOND, NULL), int64_t, "101", 1, 0, -1));
  expect_array(cast(ms, qv_type_date32(), true), PRIM(qv_type_date32(), int32_t, "101", 0, 0, -1));
  expect_array(cast(ms, hand_time(64, QV_UNIT_MICRO), true),
               PRIM(hand_time(64, QV_UNIT_MICRO), int64_t, "101", 1500000, 0, 86398500000LL));
  qv_array_release(ms);
  qv_array *big = PRIM(hand_ts(QV_UNIT_SECOND, NULL), int64_t, NULL, (int64_t)1 << 62);
  expect_cast_error(big, hand_ts(QV_UNIT_NANO, NULL), true, QV_ERR_INVALID_DATA, "leave the target's range");
  qv_array_release(big);
  /* New York: UTC-5 in January, UTC-4 in July (DST); the local date. */
  qv_array *ny = PRIM(hand_ts(QV_UNIT_SECOND, "America/New_York"), int64_t, NULL, 1577854800 - 1, 1593561600 + 3 * 3600);
  expect_array(cast(ny, qv_type_date32(), true), PRIM(qv_type_date32(), int32_t, NULL, 18261, 18443));
  expect_array(cast(ny, qv_type_string(), true), STRS("2019-12-31 23:59:59-0500", "2020-06-30 23:00:00-0400"));
  qv_array_release(ny);
  qv_array *nowhere = PRIM(hand_ts(QV_UNIT_SECOND, "Not/AZone"), int64_t, NULL, 0);
  expect_cast_error(nowhere, qv_type_date32(), true, QV_ERR_INVALID_ARGUMENT, "unknown time zone 'Not/AZone'");
  qv_array_release(nowhere);
  qv_array *evil = PRIM(hand_ts(QV_UNIT_SECOND, "../../etc/passwd"), int64_t, NULL, 0);
  expect_cast_error(evil, qv_type_string(), true, QV_ERR_INVALID_ARGUMENT, "unknown time zone");
  qv_array_release(evil);
  qv_array *d64 = PRIM(qv_type_date64(), int64_t, NULL, 86400000, 86400001);
  expect_cast_error(d64, qv_type_date32(), true, QV_ERR_INVALID_DATA, "row 1");
  expect_array(cast(d64, qv_type_date32(), false), PRIM(qv_type_date32(), int32_t, NULL, 1, 1));
  expect_array(cast(d64, hand_ts(QV_UNIT_SECOND, NULL), false),
               PRIM(hand_ts(QV_UNIT_SECOND, NULL), int64_t, NULL, 86400, 86400));
  qv_array_release(d64);
  qv_array *d32 = PRIM(qv_type_date32(), int32_t, NULL, 1);
  expect_array(cast(d32, hand_ts(QV_UNIT_MILLI, "UTC"), true), PRIM(hand_ts(QV_UNIT_MILLI, "UTC"), int64_t, NULL, 86400000));
  expect_array(cast(d32, qv_type_int32(), true), PRIM(qv_type_int32(), int32_t, NULL, 1));
  expect_cast_error(d32, qv_type_int64(), true, QV_ERR_NOT_IMPLEMENTED, "not supported");
  qv_array_release(d32);
  qv_array *i = PRIM(qv_type_int64(), int64_t, NULL, 5);
  expect_array(cast(i, hand_ts(QV_UNIT_SECOND, NULL), true), PRIM(hand_ts(QV_UNIT_SECOND, NULL), int64_t, NULL, 5));
  qv_array_release(i);
}

/* ---- encodings and hostile inputs ---- */

static void dictionary_and_run_end_inputs(void **state) {
  (void)state;
  qv_array *dict = STRS("10", "20");
  qv_array *d = hand_array(hand_dict(qv_type_int8(), qv_type_string()), 4, 0, 1, 2,
                           BUFS(bits_from("1011", 4), BUFV(int8_t, 1, 9, 0, 1)), 0, NULL, qv_array_retain(dict));
  expect_array(cast(d, qv_type_int64(), true), PRIM(qv_type_int64(), int64_t, "1011", 20, 0, 10, 20));
  qv_array_release(d);
  /* Index 9 in a valid slot: an error naming the row, not a read past the dictionary. */
  qv_array *evil = hand_array(hand_dict(qv_type_int8(), qv_type_string()), 2, 0, 0, 2,
                              BUFS(NULL, BUFV(int8_t, 0, 9)), 0, NULL, dict);
  qv_array *out = NULL;
  qv_error e;
  qv_status st = qv_compute_cast(evil, qv_type_string(), true, &out, &e);
  assert_int_not_equal(st, QV_OK);
  assert_non_null(strstr(e.message, "1"));
  qv_array_release(evil);

  qv_array *ree = hand_array(hand_ree(qv_type_int32(), qv_type_int64()), 5, 0, 0, 0, NULL, 2,
                             KIDS(I32(2, 5), I64(7, 8)), NULL);
  expect_array(cast_owned(slice_of(qv_array_retain(ree), 1, 3), qv_type_float64(), true),
               PRIM(qv_type_float64(), double, NULL, 7, 8, 8));
  qv_array_release(ree);
  qv_array *bad_ree = hand_array(hand_ree(qv_type_int32(), qv_type_int64()), 5, 0, 0, 0, NULL, 2,
                                 KIDS(I32(3, 2, 5), I64(7, 8, 9)), NULL);
  expect_cast_error(bad_ree, qv_type_float64(), true, QV_ERR_INVALID_DATA, "run end 1");
  qv_array_release(bad_ree);
}

static void offsets_backwards_are_an_error(void **state) {
  (void)state;
  qv_array *s = hand_array(qv_type_string(), 3, 0, 0, 3, BUFS(NULL, BUFV(int32_t, 0, 2, 1, 3), hand_buf("abc", 3)),
                           0, NULL, NULL);
  expect_cast_error(s, qv_type_int64(), true, QV_ERR_INVALID_DATA, "row 1: offset 1 goes backwards");
  expect_cast_error(s, qv_type_large_string(), true, QV_ERR_INVALID_DATA, "row 1");
  qv_array_release(s);
  qv_array *past = hand_array(qv_type_string(), 1, 0, 0, 3, BUFS(NULL, BUFV(int32_t, 0, 99), hand_buf("abc", 3)), 0,
                              NULL, NULL);
  expect_cast_error(past, qv_type_float64(), true, QV_ERR_INVALID_DATA, "past the 3 bytes");
  qv_array_release(past);
}

static void identity_null_and_unsupported(void **state) {
  (void)state;
  qv_array *a = I64(1, 2);
  qv_array *same = cast(a, qv_type_int64(), true);
  assert_ptr_equal(same, a);
  qv_array_release(same);
  qv_array *n = NULL;
  assert_int_equal(qv_array_new_null(qv_type_null(), 3, &n, NULL), QV_OK);
  qv_array *as_str = cast(n, qv_type_string(), true);
  assert_int_equal(qv_array_null_count(as_str), 3);
  qv_array_release(as_str);
  /* pyarrow builds no all-null union, run-end encoded or list view: neither does cast */
  qv_field *member = hand_field("a", qv_type_int32());
  qv_type *sparse = NULL, *ree = NULL;
  qv_error e;
  hand_check(qv_type_union(QV_TYPE_SPARSE_UNION, &member, 1, NULL, &sparse, &e), &e, "union");
  hand_check(qv_type_run_end_encoded(qv_type_int32(), qv_type_int8(), &ree, &e), &e, "ree");
  qv_field_release(member);
  expect_cast_error(n, sparse, true, QV_ERR_NOT_IMPLEMENTED, "from null to sparse_union");
  expect_cast_error(n, ree, true, QV_ERR_NOT_IMPLEMENTED, "from null to run_end_encoded");
  expect_cast_error(n, hand_list(QV_TYPE_LIST_VIEW, qv_type_int8()), true, QV_ERR_NOT_IMPLEMENTED,
                    "from null to list_view");
  qv_array_release(n);
  expect_cast_error(a, hand_list(QV_TYPE_LIST, qv_type_int64()), true, QV_ERR_NOT_IMPLEMENTED,
                    "from int64 to list");
  expect_cast_error(NULL, qv_type_int64(), true, QV_ERR_INVALID_ARGUMENT, "NULL");
  qv_array *empty = slice_of(qv_array_retain(a), 2, 0);
  qv_array *e2 = cast(empty, qv_type_string(), true);
  assert_int_equal(e2->length, 0);
  qv_array_release(e2);
  qv_array_release(empty);
  qv_array_release(a);
}

/* To fixed_size_binary[w]: every valid value must be w bytes (pyarrow's rule). */
static void bytes_to_fixed_size_binary(void **state) {
  (void)state;
  qv_type *fsb2 = NULL;
  qv_error e;
  hand_check(qv_type_fixed_size_binary(2, &fsb2, &e), &e, "fsb type");
  qv_array *s = slice_of(STRS("skip", "ab", NULL, "cd"), 1, 3);
  qv_array *f = cast(s, qv_type_retain(fsb2), true);
  assert_int_equal(f->type->id, QV_TYPE_FIXED_SIZE_BINARY);
  assert_int_equal(f->null_count, 1);
  expect_array(cast(f, qv_type_string(), true), STRS("ab", NULL, "cd"));
  qv_array_release(f);
  qv_array *odd = STRS("ab", "xyz");
  expect_cast_error(odd, qv_type_retain(fsb2), true, QV_ERR_INVALID_DATA, "row 1: a value of 3 bytes");
  qv_array_release(odd);
  qv_array_release(s);
  qv_type_release(fsb2);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(int64_to_float64_sliced_with_nulls),
      cmocka_unit_test(integer_overflow_names_the_row),
      cmocka_unit_test(float_to_int_truncation_nan_and_saturation),
      cmocka_unit_test(bool_to_and_from_numbers),
      cmocka_unit_test(parse_integers),
      cmocka_unit_test(parse_floats_bools_dates_timestamps),
      cmocka_unit_test(format_numbers_and_times),
      cmocka_unit_test(bytes_forms_and_utf8),
      cmocka_unit_test(temporal_units_dates_and_zones),
      cmocka_unit_test(dictionary_and_run_end_inputs),
      cmocka_unit_test(offsets_backwards_are_an_error),
      cmocka_unit_test(identity_null_and_unsupported),
      cmocka_unit_test(bytes_to_fixed_size_binary),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
