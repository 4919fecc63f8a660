/* Tests for src/print: exact text for every kind of value (numbers,
 * floats, decimals, temporal with and without time zone, intervals,
 * binary, strings), nulls, truncation, nested layouts in pyarrow's
 * multi-line form, batches and tables, FILE output, and errors for
 * invalid arrays.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>

#include "quiver/builder.h"
#include "support/hand.h"

/* Prints `a` (taken) with `opts` and compares with `want`. */
static void expect_text(qv_array *a, const qv_print_options *opts, const char *want) {
  char *s = NULL;
  qv_error e;
  qv_status st = qv_array_to_string(a, opts, &s, &e);
  if (st != QV_OK) {
    fprintf(stderr, "to_string failed: %s\n", e.message);
    fail();
  }
  if (strcmp(s, want) != 0) fprintf(stderr, "--- got:\n%s\n--- want:\n%s\n", s, want);
  assert_string_equal(s, want);
  qv_free_string(s);
  qv_array_release(a);
}

/* One-value arrays: the value's text inside the brackets. */
#define ONE(text) "[\n  " text "\n]"

static qv_array *one_i64(qv_type *t, int64_t v) {
  return hand_array(t, 1, 0, 0, 2, BUFS(NULL, hand_buf(&v, 8)), 0, NULL, NULL);
}
static qv_array *one_i32(qv_type *t, int32_t v) {
  return hand_array(t, 1, 0, 0, 2, BUFS(NULL, hand_buf(&v, 4)), 0, NULL, NULL);
}
static qv_array *one_f64(double v) {
  return hand_array(qv_type_float64(), 1, 0, 0, 2, BUFS(NULL, hand_buf(&v, 8)), 0, NULL, NULL);
}
static qv_array *one_f32(float v) {
  return hand_array(qv_type_float32(), 1, 0, 0, 2, BUFS(NULL, hand_buf(&v, 4)), 0, NULL, NULL);
}
static qv_array *one_f16(uint16_t v) {
  return hand_array(qv_type_float16(), 1, 0, 0, 2, BUFS(NULL, hand_buf(&v, 2)), 0, NULL, NULL);
}

static void test_integers_and_nulls(void **state) {
  (void)state;
  expect_text(hand_array(qv_type_int32(), 3, 0, 1, 2, BUFS(BUFV(uint8_t, 5), BUFV(int32_t, 1, 99, 3)), 0, NULL, NULL),
              NULL, "[\n  1,\n  null,\n  3\n]");
  expect_text(hand_array(qv_type_int32(), 0, 0, 0, 2, BUFS(NULL, NULL), 0, NULL, NULL), NULL, "[]");
  expect_text(hand_array(qv_type_int8(), 2, 0, 0, 2, BUFS(NULL, BUFV(int8_t, -128, 127)), 0, NULL, NULL), NULL,
              "[\n  -128,\n  127\n]");
  expect_text(hand_array(qv_type_uint64(), 1, 0, 0, 2, BUFS(NULL, BUFV(uint64_t, UINT64_MAX)), 0, NULL, NULL), NULL,
              ONE("18446744073709551615"));
  expect_text(hand_array(qv_type_uint8(), 1, 0, 0, 2, BUFS(NULL, BUFV(uint8_t, 200)), 0, NULL, NULL), NULL, ONE("200"));
  expect_text(one_i64(qv_type_int64(), INT64_MIN), NULL, ONE("-9223372036854775808"));
  expect_text(hand_array(qv_type_bool(), 3, 0, 1, 2, BUFS(BUFV(uint8_t, 3), BUFV(uint8_t, 1)), 0, NULL, NULL), NULL,
              "[\n  true,\n  false,\n  null\n]");
  expect_text(hand_array(qv_type_null(), 3, 0, 3, 0, NULL, 0, NULL, NULL), NULL, "3 nulls");
  /* a slice prints its own window */
  qv_array *a = I32(10, 11, 12, 13), *s = NULL;
  assert_int_equal(qv_array_slice(a, 1, 2, &s, NULL), QV_OK);
  qv_array_release(a);
  expect_text(s, NULL, "[\n  11,\n  12\n]");
}

static void test_floats(void **state) {
  (void)state;
  expect_text(one_f64(1.0), NULL, ONE("1"));
  expect_text(one_f64(2.5), NULL, ONE("2.5"));
  expect_text(one_f64(0.1), NULL, ONE("0.1"));
  expect_text(one_f64(-123.456), NULL, ONE("-123.456"));
  expect_text(one_f64(123456789.0), NULL, ONE("123456789"));
  expect_text(one_f64(1e10), NULL, ONE("1e+10"));
  expect_text(one_f64(1e20), NULL, ONE("1e+20"));
  expect_text(one_f64(0.000001), NULL, ONE("0.000001"));
  expect_text(one_f64(1.5e-7), NULL, ONE("1.5e-7"));
  expect_text(one_f64(1.0 / 3.0), NULL, ONE("0.3333333333333333"));
  expect_text(one_f64(5e-324), NULL, ONE("5e-324"));
  expect_text(one_f64(-0.0), NULL, ONE("-0"));
  expect_text(one_f64(NAN), NULL, ONE("nan"));
  expect_text(one_f64(-INFINITY), NULL, ONE("-inf"));
  expect_text(one_f32(0.1f), NULL, ONE("0.1"));
  expect_text(one_f32(3.4028235e38f), NULL, ONE("3.4028235e+38"));
  expect_text(one_f32(16777216.0f), NULL, ONE("16777216"));
  expect_text(one_f16(0x3C00), NULL, ONE("1"));
  expect_text(one_f16(0x3555), NULL, ONE("0.333251953125"));
  expect_text(one_f16(0x7BFF), NULL, ONE("65504"));
  expect_text(one_f16(0x0001), NULL, ONE("5.960464477539063e-8"));
  expect_text(one_f16(0xC500), NULL, ONE("-5"));
  expect_text(one_f16(0x2E66), NULL, ONE("0.0999755859375"));
  expect_text(one_f16(0x00A8), NULL, ONE("0.000010013580322265625"));
  expect_text(one_f16(0x7C00), NULL, ONE("inf"));
  expect_text(one_f16(0x7E00), NULL, ONE("nan"));
}

static qv_array *one_dec(int bits, int precision, int scale, int64_t lo, int64_t hi) {
  int64_t words[4] = {lo, hi, hi < 0 ? -1 : 0, hi < 0 ? -1 : 0};
  if (bits <= 64) words[0] = lo;
  return hand_array(hand_decimal(bits, precision, scale), 1, 0, 0, 2, BUFS(NULL, hand_buf(words, bits / 8)), 0, NULL,
                    NULL);
}

static void test_decimals(void **state) {
  (void)state;
  expect_text(one_dec(128, 5, 2, 12345, 0), NULL, ONE("123.45"));
  expect_text(one_dec(128, 5, 2, -5, -1), NULL, ONE("-0.05"));
  expect_text(one_dec(128, 5, 2, 0, 0), NULL, ONE("0.00"));
  expect_text(one_dec(128, 5, 0, 42, 0), NULL, ONE("42"));
  expect_text(one_dec(128, 5, -2, 123, 0), NULL, ONE("1.23E+4"));
  expect_text(one_dec(128, 38, 10, 1, 0), NULL, ONE("1E-10"));
  expect_text(one_dec(32, 9, 3, -1234567, -1), NULL, ONE("-1234.567"));
  expect_text(one_dec(64, 18, 4, 10000, 0), NULL, ONE("1.0000"));
  /* -2^127 as decimal128(38, 0) and a 256-bit value */
  expect_text(one_dec(128, 38, 0, 0, INT64_MIN), NULL, ONE("-170141183460469231731687303715884105728"));
  int64_t big[4] = {0, 0, 0, 1}; /* 2^192 */
  expect_text(hand_array(hand_decimal(256, 76, 6), 1, 0, 0, 2, BUFS(NULL, hand_buf(big, 32)), 0, NULL, NULL), NULL,
              ONE("6277101735386680763835789423207666416102355444464034.512896"));
}

static void test_temporal(void **state) {
  (void)state;
  expect_text(one_i32(qv_type_date32(), 18262), NULL, ONE("2020-01-01"));
  expect_text(one_i32(qv_type_date32(), -1), NULL, ONE("1969-12-31"));
  expect_text(one_i32(qv_type_date32(), 11016), NULL, ONE("2000-02-29"));
  expect_text(one_i64(qv_type_date64(), INT64_C(951782400000)), NULL, ONE("2000-02-29"));
  expect_text(one_i32(hand_time(32, QV_UNIT_MILLI), 45296789), NULL, ONE("12:34:56.789"));
  expect_text(one_i32(hand_time(32, QV_UNIT_SECOND), 86399), NULL, ONE("23:59:59"));
  expect_text(one_i32(hand_time(32, QV_UNIT_SECOND), 86400), NULL, ONE("<value out of range: 86400>"));
  expect_text(one_i64(hand_time(64, QV_UNIT_MICRO), INT64_C(45296000001)), NULL, ONE("12:34:56.000001"));
  expect_text(one_i64(hand_time(64, QV_UNIT_NANO), INT64_C(1)), NULL, ONE("00:00:00.000000001"));
  expect_text(one_i64(hand_ts(QV_UNIT_MILLI, NULL), INT64_C(1577836800123)), NULL, ONE("2020-01-01 00:00:00.123"));
  expect_text(one_i64(hand_ts(QV_UNIT_MILLI, "UTC"), INT64_C(1577836800123)), NULL, ONE("2020-01-01 00:00:00.123Z"));
  expect_text(one_i64(hand_ts(QV_UNIT_SECOND, "Europe/Paris"), 0), NULL, ONE("1970-01-01 00:00:00Z"));
  expect_text(one_i64(hand_ts(QV_UNIT_MICRO, ""), -1), NULL, ONE("1969-12-31 23:59:59.999999"));
  expect_text(one_i64(hand_ts(QV_UNIT_NANO, NULL), INT64_MIN), NULL, ONE("1677-09-21 00:12:43.145224192"));
  expect_text(one_i64(hand_ts(QV_UNIT_SECOND, NULL), INT64_C(253402300799)), NULL, ONE("9999-12-31 23:59:59"));
  qv_type *dur = NULL;
  assert_int_equal(qv_type_duration(QV_UNIT_NANO, &dur, NULL), QV_OK);
  expect_text(one_i64(dur, -5), NULL, ONE("-5"));
  expect_text(one_i32(qv_type_interval_months(), -3), NULL, ONE("-3M"));
  expect_text(hand_array(qv_type_interval_day_time(), 1, 0, 0, 2, BUFS(NULL, BUFV(int32_t, 1, 1000)), 0, NULL, NULL),
              NULL, ONE("1d1000ms"));
  struct {
    int32_t m, d;
    int64_t ns;
  } mdn = {1, 2, 3000};
  expect_text(hand_array(qv_type_interval_month_day_nano(), 1, 0, 0, 2, BUFS(NULL, hand_buf(&mdn, 16)), 0, NULL, NULL),
              NULL, ONE("1M2d3000ns"));
}

static void test_strings_and_binary(void **state) {
  (void)state;
  expect_text(STRS("a", NULL, "h\xC3\xA9llo"), NULL, "[\n  \"a\",\n  null,\n  \"h\xC3\xA9llo\"\n]");
  expect_text(hand_array(qv_type_large_string(), 2, 0, 0, 3, BUFS(NULL, BUFV(int64_t, 0, 0, 2), hand_buf("ok", 2)), 0,
                         NULL, NULL),
              NULL, "[\n  \"\",\n  \"ok\"\n]");
  expect_text(hand_strings(qv_type_binary(), 2, (const char *const[]){"\x01\xAB", "z"}), NULL, "[\n  01AB,\n  7A\n]");
  qv_type *fsb = NULL;
  assert_int_equal(qv_type_fixed_size_binary(2, &fsb, NULL), QV_OK);
  expect_text(hand_array(fsb, 2, 0, 0, 2, BUFS(NULL, BUFV(uint8_t, 0xDE, 0xAD, 0xBE, 0xEF)), 0, NULL, NULL), NULL,
              "[\n  DEAD,\n  BEEF\n]");
  /* views: inline and out-of-line */
  qv_builder *b = NULL;
  assert_int_equal(qv_builder_new(qv_type_string_view(), NULL, &b, NULL), QV_OK);
  assert_int_equal(qv_builder_append_string(b, "tiny", -1), QV_OK);
  assert_int_equal(qv_builder_append_string(b, "this one is longer than twelve", -1), QV_OK);
  qv_array *v = NULL;
  assert_int_equal(qv_builder_finish(b, &v, NULL), QV_OK);
  qv_builder_free(b);
  expect_text(v, NULL, "[\n  \"tiny\",\n  \"this one is longer than twelve\"\n]");
  /* max_string_bytes cuts at a character boundary */
  qv_print_options o = qv_print_options_default();
  o.max_string_bytes = 4;
  expect_text(STRS("h\xC3\xA9llo world", "abc"), &o, "[\n  \"h\xC3\xA9l...\",\n  \"abc\"\n]");
  o.max_string_bytes = 2;
  expect_text(STRS("h\xC3\xA9llo"), &o, ONE("\"h...\""));
  expect_text(hand_strings(qv_type_binary(), 1, (const char *const[]){"\x01\x02\x03"}), &o, ONE("0102..."));
}

static void test_truncation(void **state) {
  (void)state;
  int32_t v[30];
  for (int i = 0; i < 30; i++) v[i] = i;
  qv_array *a = hand_array(qv_type_int32(), 30, 0, 0, 2, BUFS(NULL, hand_buf(v, 120)), 0, NULL, NULL);
  qv_print_options o = qv_print_options_default();
  o.max_rows = 2;
  expect_text(qv_array_retain(a), &o, "[\n  0,\n  1,\n  ...\n  28,\n  29\n]");
  /* default window of 10 */
  char want[512] = "[\n";
  for (int i = 0; i < 30; i++) {
    char line[16];
    if (i >= 10 && i < 20) {
      if (i == 10) strcat(want, "  ...\n");
      continue;
    }
    snprintf(line, sizeof line, "  %d%s\n", i, i == 29 ? "" : ",");
    strcat(want, line);
  }
  strcat(want, "]");
  expect_text(qv_array_retain(a), NULL, want);
  o.max_rows = -1;
  char *s = NULL;
  assert_int_equal(qv_array_to_string(a, &o, &s, NULL), QV_OK);
  assert_non_null(strstr(s, "  15,\n"));
  assert_null(strstr(s, "..."));
  qv_free_string(s);
  qv_array_release(a);
  /* exactly 2 x max_rows values: no "..." */
  o.max_rows = 2;
  expect_text(I32(1, 2, 3, 4), &o, "[\n  1,\n  2,\n  3,\n  4\n]");
}

/* pyarrow hides the middle only when more than 2 x window + 1 slots are
 * there: one hidden slot would print as "..." no shorter than the slot. */
static void test_one_hidden_slot_is_printed(void **state) {
  (void)state;
  qv_print_options o = qv_print_options_default();
  o.max_rows = 2;
  expect_text(I32(1, 2, 3, 4, 5), &o, "[\n  1,\n  2,\n  3,\n  4,\n  5\n]");
  expect_text(I32(1, 2, 3, 4, 5, 6), &o, "[\n  1,\n  2,\n  ...\n  5,\n  6\n]");
  /* list slots: the container window of 2, 5 lists all shown */
  qv_array *lists = hand_array(hand_list(QV_TYPE_LIST, qv_type_int32()), 5, 0, 0, 2,
                               BUFS(NULL, BUFV(int32_t, 0, 1, 2, 3, 4, 5)), 1, KIDS(I32(0, 1, 2, 3, 4)), NULL);
  o = qv_print_options_default();
  o.single_line = 1;
  expect_text(qv_array_retain(lists), &o, "[[0],[1],[2],[3],[4]]");
  o.single_line = 0;
  expect_text(lists, &o, "[\n  [\n    0\n  ],\n  [\n    1\n  ],\n  [\n    2\n  ],\n  [\n    3\n  ],\n  [\n    4\n  ]\n]");
  /* the single-line form hides the middle the same way */
  o.single_line = 1;
  o.max_rows = 1;
  expect_text(I32(1, 2, 3), &o, "[1,2,3]");
  expect_text(I32(1, 2, 3, 4), &o, "[1,...,4]");
  /* a window no length can exceed: everything, no overflow */
  o.max_rows = INT64_MAX;
  expect_text(I32(1, 2, 3, 4), &o, "[1,2,3,4]");
}

static void test_nested_lists(void **state) {
  (void)state;
  qv_array *a = hand_array(hand_list(QV_TYPE_LIST, qv_type_int32()), 3, 0, 1, 2,
                           BUFS(BUFV(uint8_t, 5), BUFV(int32_t, 0, 2, 2, 2)), 1, KIDS(I32(1, 2)), NULL);
  expect_text(a, NULL, "[\n  [\n    1,\n    2\n  ],\n  null,\n  []\n]");
  /* list<list<int64>> */
  qv_array *inner = hand_array(hand_list(QV_TYPE_LIST, qv_type_int64()), 2, 0, 0, 2, BUFS(NULL, BUFV(int32_t, 0, 1, 3)),
                               1, KIDS(I64(7, 8, 9)), NULL);
  qv_array *outer = hand_array(hand_list(QV_TYPE_LIST, hand_list(QV_TYPE_LIST, qv_type_int64())), 1, 0, 0, 2,
                               BUFS(NULL, BUFV(int32_t, 0, 2)), 1, KIDS(inner), NULL);
  expect_text(outer, NULL, "[\n  [\n    [\n      7\n    ],\n    [\n      8,\n      9\n    ]\n  ]\n]");
  /* list slots use the container window (2 at each end) */
  a = hand_array(hand_list(QV_TYPE_LARGE_LIST, qv_type_int32()), 6, 0, 0, 2,
                 BUFS(NULL, BUFV(int64_t, 0, 1, 2, 3, 4, 5, 6)), 1, KIDS(I32(0, 1, 2, 3, 4, 5)), NULL);
  expect_text(a, NULL, "[\n  [\n    0\n  ],\n  [\n    1\n  ],\n  ...\n  [\n    4\n  ],\n  [\n    5\n  ]\n]");
  /* fixed size list */
  a = hand_array(hand_fsl(qv_type_int32(), 2), 2, 0, 0, 1, BUFS(NULL), 1, KIDS(I32(1, 2, 3, 4)), NULL);
  expect_text(a, NULL, "[\n  [\n    1,\n    2\n  ],\n  [\n    3,\n    4\n  ]\n]");
}

static void test_struct_union_dictionary(void **state) {
  (void)state;
  qv_type *st = hand_struct(2, FIELDS(hand_field("a", qv_type_int32()), hand_field("b", qv_type_string())));
  expect_text(hand_array(qv_type_retain(st), 2, 0, 0, 1, BUFS(NULL), 2, KIDS(I32(1, 2), STRS("x", NULL)), NULL), NULL,
              "-- is_valid: all not null\n"
              "-- child 0 type: int32\n  [\n    1,\n    2\n  ]\n"
              "-- child 1 type: string\n  [\n    \"x\",\n    null\n  ]");
  expect_text(hand_array(st, 2, 0, 1, 1, BUFS(BUFV(uint8_t, 1)), 2, KIDS(I32(1, 2), STRS("x", "y")), NULL), NULL,
              "-- is_valid:\n  [\n    true,\n    false\n  ]\n"
              "-- child 0 type: int32\n  [\n    1,\n    2\n  ]\n"
              "-- child 1 type: string\n  [\n    \"x\",\n    \"y\"\n  ]");
  expect_text(hand_array(hand_dict(qv_type_int8(), qv_type_string()), 3, 0, 1, 2,
                         BUFS(BUFV(uint8_t, 5), BUFV(int8_t, 1, 0, 0)), 0, NULL, STRS("a", "b")),
              NULL,
              "\n-- dictionary:\n  [\n    \"a\",\n    \"b\"\n  ]\n-- indices:\n  [\n    1,\n    null,\n    0\n  ]");
  qv_type *du = hand_union(QV_TYPE_DENSE_UNION, 2, FIELDS(hand_field("i", qv_type_int32()), hand_field("s", qv_type_string())),
                           NULL);
  expect_text(hand_array(du, 2, 0, 0, 2, BUFS(BUFV(int8_t, 0, 1), BUFV(int32_t, 0, 0)), 2, KIDS(I32(1), STRS("a")), NULL),
              NULL,
              "-- is_valid: all not null\n"
              "-- type_ids:   [\n    0,\n    1\n  ]\n"
              "-- value_offsets:   [\n    0,\n    0\n  ]\n"
              "-- child 0 type: int32\n  [\n    1\n  ]\n"
              "-- child 1 type: string\n  [\n    \"a\"\n  ]");
  qv_type *su = hand_union(QV_TYPE_SPARSE_UNION, 1, FIELDS(hand_field("i", qv_type_int32())), NULL);
  expect_text(hand_array(su, 2, 0, 0, 1, BUFS(BUFV(int8_t, 0, 0)), 1, KIDS(I32(4, 5)), NULL), NULL,
              "-- is_valid: all not null\n-- type_ids:   [\n    0,\n    0\n  ]\n-- child 0 type: int32\n  [\n    4,\n    5\n  ]");
}

static void test_map_ree_extension(void **state) {
  (void)state;
  qv_builder *b = NULL;
  qv_type *mt = hand_map(qv_type_string(), qv_type_int32());
  assert_int_equal(qv_builder_new(mt, NULL, &b, NULL), QV_OK);
  qv_type_release(mt);
  qv_builder *en = qv_builder_child(b, 0);
  assert_int_equal(qv_builder_append_string(qv_builder_child(en, 0), "k", -1), QV_OK);
  assert_int_equal(qv_builder_append_int32(qv_builder_child(en, 1), 1), QV_OK);
  assert_int_equal(qv_builder_finish_element(en), QV_OK);
  assert_int_equal(qv_builder_finish_element(b), QV_OK);
  assert_int_equal(qv_builder_append_null(b), QV_OK);
  qv_array *m = NULL;
  assert_int_equal(qv_builder_finish(b, &m, NULL), QV_OK);
  qv_builder_free(b);
  expect_text(m, NULL, "[\n  keys:\n  [\n    \"k\"\n  ]\n  values:\n  [\n    1\n  ],\n  null\n]");

  /* run-end encoded arrays print their decoded values */
  qv_array *vals = hand_array(qv_type_float64(), 2, 0, 1, 2, BUFS(BUFV(uint8_t, 1), BUFV(double, 1.5, 0)), 0, NULL, NULL);
  expect_text(hand_array(hand_ree(qv_type_int32(), qv_type_float64()), 3, 1, 0, 0, NULL, 2, KIDS(I32(2, 4), vals), NULL),
              NULL, "[\n  1.5,\n  null,\n  null\n]");

  /* extension arrays print their storage */
  qv_type *storage = NULL, *uuid = NULL;
  assert_int_equal(qv_type_fixed_size_binary(16, &storage, NULL), QV_OK);
  assert_int_equal(qv_type_extension("arrow.uuid", "", 0, storage, &uuid, NULL), QV_OK);
  qv_type_release(storage);
  expect_text(hand_array(uuid, 1, 0, 0, 2, BUFS(NULL, hand_buf("\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xAA\xBB\xCC\xDD\xEE\xFF", 16)),
                         0, NULL, NULL),
              NULL, ONE("00112233445566778899AABBCCDDEEFF"));
}

static qv_schema *schema_of(int32_t n, qv_field **fields) {
  qv_schema *s = NULL;
  assert_int_equal(qv_schema_new(fields, n, NULL, &s, NULL), QV_OK);
  for (int32_t i = 0; i < n; i++) qv_field_release(fields[i]);
  return s;
}

static void test_batch_and_table(void **state) {
  (void)state;
  qv_type *st = hand_struct(2, FIELDS(hand_field("x", qv_type_int32()), hand_field("y", qv_type_string())));
  qv_schema *schema = schema_of(4, FIELDS(hand_field("a", qv_type_int32()), hand_field("b", qv_type_string()),
                                          hand_field("l", hand_list(QV_TYPE_LIST, qv_type_int32())),
                                          hand_field("s", qv_type_retain(st))));
  qv_array *cols[4] = {
      hand_array(qv_type_int32(), 3, 0, 1, 2, BUFS(BUFV(uint8_t, 5), BUFV(int32_t, 1, 0, 3)), 0, NULL, NULL),
      STRS("x", "y", "z"),
      hand_array(hand_list(QV_TYPE_LIST, qv_type_int32()), 3, 0, 1, 2, BUFS(BUFV(uint8_t, 5), BUFV(int32_t, 0, 2, 2, 3)),
                 1, KIDS(I32(1, 2, 3)), NULL),
      hand_array(st, 3, 0, 0, 1, BUFS(NULL), 2, KIDS(I32(1, 2, 3), STRS("p", NULL, "r")), NULL),
  };
  qv_batch *batch = NULL;
  assert_int_equal(qv_batch_new(schema, 3, cols, NULL, &batch, NULL), QV_OK);
  char *s = NULL;
  assert_int_equal(qv_batch_to_string(batch, NULL, &s, NULL), QV_OK);
  assert_string_equal(s,
                      "quiver.RecordBatch\n"
                      "a: int32\n"
                      "b: string\n"
                      "l: list<item: int32>\n"
                      "s: struct<x: int32, y: string>\n"
                      "----\n"
                      "a: [1,null,3]\n"
                      "b: [\"x\",\"y\",\"z\"]\n"
                      "l: [[1,2],null,[3]]\n"
                      "s: [{x: 1, y: \"p\"},{x: 2, y: null},{x: 3, y: \"r\"}]");
  qv_free_string(s);

  /* a table of two batches (the second a slice) */
  qv_batch *tail = NULL;
  assert_int_equal(qv_batch_slice(batch, 2, 1, &tail, NULL), QV_OK);
  qv_table *table = NULL;
  assert_int_equal(qv_table_new(schema, (qv_batch *[]){batch, tail}, 2, &table, NULL), QV_OK);
  assert_int_equal(qv_table_to_string(table, NULL, &s, NULL), QV_OK);
  assert_string_equal(s,
                      "quiver.Table\n"
                      "a: int32\n"
                      "b: string\n"
                      "l: list<item: int32>\n"
                      "s: struct<x: int32, y: string>\n"
                      "----\n"
                      "a: [[1,null,3],[3]]\n"
                      "b: [[\"x\",\"y\",\"z\"],[\"z\"]]\n"
                      "l: [[[1,2],null,[3]],[[3]]]\n"
                      "s: [[{x: 1, y: \"p\"},{x: 2, y: null},{x: 3, y: \"r\"}],[{x: 3, y: \"r\"}]]");
  qv_free_string(s);
  qv_print_options o = qv_print_options_default();
  o.max_rows = 1; /* 3 = 2 x 1 + 1 rows: nothing hidden (pyarrow's rule) */
  assert_int_equal(qv_batch_to_string(batch, &o, &s, NULL), QV_OK);
  assert_non_null(strstr(s, "\na: [1,null,3]\n"));
  qv_free_string(s);

  /* FILE output adds a newline */
  FILE *f = tmpfile();
  assert_non_null(f);
  assert_int_equal(qv_table_print(f, table, &o, NULL), QV_OK);
  assert_int_equal(qv_array_print(f, cols[0], NULL, NULL), QV_OK);
  rewind(f);
  char text[1024] = {0};
  size_t n = fread(text, 1, sizeof text - 1, f);
  fclose(f);
  assert_true(n > 0);
  assert_non_null(strstr(text, "a: [[1,null,3],[3]]\n"));
  assert_non_null(strstr(text, "----\n"));
  assert_non_null(strstr(text, "\n[\n  1,\n  null,\n  3\n]\n"));

  qv_table_release(table);
  qv_batch_release(tail);
  qv_batch_release(batch);
  for (int i = 0; i < 4; i++) qv_array_release(cols[i]);
  qv_schema_release(schema);
}

static void test_dictionary_and_union_compact(void **state) {
  (void)state;
  qv_type *du = hand_union(QV_TYPE_DENSE_UNION, 2, FIELDS(hand_field("i", qv_type_int32()), hand_field("s", qv_type_string())),
                           NULL);
  qv_type *dt = hand_dict(qv_type_int8(), qv_type_string());
  qv_schema *schema = schema_of(2, FIELDS(hand_field("u", qv_type_retain(du)), hand_field("d", qv_type_retain(dt))));
  qv_array *cols[2] = {
      hand_array(du, 3, 0, 0, 2, BUFS(BUFV(int8_t, 0, 1, 1), BUFV(int32_t, 0, 0, 1)), 2, KIDS(I32(1), STRS("a", NULL)),
                 NULL),
      hand_array(dt, 3, 0, 1, 2, BUFS(BUFV(uint8_t, 3), BUFV(int8_t, 1, 0, 0)), 0, NULL, STRS("red", "green")),
  };
  qv_batch *batch = NULL;
  assert_int_equal(qv_batch_new(schema, 3, cols, NULL, &batch, NULL), QV_OK);
  char *s = NULL;
  assert_int_equal(qv_batch_to_string(batch, NULL, &s, NULL), QV_OK);
  assert_non_null(strstr(s, "\nu: [1,\"a\",null]\nd: [\"green\",\"red\",null]"));
  qv_free_string(s);
  qv_batch_release(batch);
  for (int i = 0; i < 2; i++) qv_array_release(cols[i]);
  qv_schema_release(schema);
}

static void test_invalid_arrays(void **state) {
  (void)state;
  char *s = (char *)1;
  qv_error e;
  /* structurally invalid: the validation message */
  qv_array *a = hand_array(qv_type_int32(), 4, 0, 0, 2, BUFS(NULL, BUFV(int32_t, 1)), 0, NULL, NULL);
  hand_expect(qv_array_to_string(a, NULL, &s, &e), &e, QV_ERR_INVALID_DATA, "values buffer too small");
  assert_null(s);
  qv_array_release(a);
  /* content that points outside the data: an error, not a crash */
  a = hand_array(qv_type_string(), 3, 0, 0, 3, BUFS(NULL, BUFV(int32_t, 0, 50, 1, 2), hand_buf("ab", 2)), 0, NULL, NULL);
  hand_expect(qv_array_to_string(a, NULL, &s, &e), &e, QV_ERR_INVALID_DATA, "cannot print array");
  qv_array_release(a);
  qv_type *su = hand_union(QV_TYPE_SPARSE_UNION, 1, FIELDS(hand_field("i", qv_type_int32())), NULL);
  a = hand_array(su, 1, 0, 0, 1, BUFS(BUFV(int8_t, 9)), 1, KIDS(I32(4)), NULL);
  qv_field *f = hand_field("u", qv_type_retain(a->type));
  qv_schema *schema = schema_of(1, &f);
  qv_batch *batch = NULL;
  assert_int_equal(qv_batch_new(schema, 1, &a, NULL, &batch, NULL), QV_OK);
  hand_expect(qv_batch_to_string(batch, NULL, &s, &e), &e, QV_ERR_INVALID_DATA, "cannot print batch");
  qv_batch_release(batch);
  qv_schema_release(schema);
  qv_array_release(a);
  assert_int_equal(qv_array_to_string(NULL, NULL, &s, &e), QV_ERR_INVALID_ARGUMENT);
  assert_int_equal(qv_array_print(NULL, NULL, NULL, &e), QV_ERR_INVALID_ARGUMENT);
  qv_free_string(NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_integers_and_nulls),
      cmocka_unit_test(test_floats),
      cmocka_unit_test(test_decimals),
      cmocka_unit_test(test_temporal),
      cmocka_unit_test(test_strings_and_binary),
      cmocka_unit_test(test_truncation),
      cmocka_unit_test(test_one_hidden_slot_is_printed),
      cmocka_unit_test(test_nested_lists),
      cmocka_unit_test(test_struct_union_dictionary),
      cmocka_unit_test(test_map_ree_extension),
      cmocka_unit_test(test_batch_and_table),
      cmocka_unit_test(test_dictionary_and_union_compact),
      cmocka_unit_test(test_invalid_arrays),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
