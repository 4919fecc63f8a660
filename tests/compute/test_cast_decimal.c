/* Decimal and float16 casts: literal expected results (pyarrow's, checked
 * by hand against it), the safe errors naming the row and the value, null
 * slots holding values that would fail and must not, slices, and the
 * unsupported pairs pyarrow refuses too. Hostile decimal inputs that pass
 * structural validation: values far beyond the precision (the extreme
 * 128- and 256-bit patterns), extreme scales, string sources with offsets
 * backwards or past the data and absurd exponents, dictionary indices out
 * of range, and lengths near INT64_MAX (refused by structure, or, where
 * the structure holds them, refused by the cast without a bad read). */
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
  qv_type_release(to);
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

static qv_type *dec(int32_t bits, int32_t precision, int32_t scale) {
  qv_type *t = NULL;
  qv_error e;
  hand_check(qv_type_decimal(bits, precision, scale, &t, &e), &e, "decimal type");
  return t;
}

/* A decimal128 array of unscaled int64 values (sign-extended). Takes t. */
static qv_array *dec128(qv_type *t, const char *valid, int64_t n, const int64_t *v) {
  int64_t words[64];
  for (int64_t i = 0; i < n; i++) {
    words[2 * i] = v[i];
    words[2 * i + 1] = v[i] < 0 ? -1 : 0;
  }
  return prim(t, words, n, 16, valid);
}
#define DEC128(T, VALID, ...) \
  dec128(T, VALID, (int64_t)(sizeof((const int64_t[]){__VA_ARGS__}) / 8), (const int64_t[]){__VA_ARGS__})

static void decimal_rescale_and_precision(void **state) {
  (void)state;
  /* 1.25, -3.75, null (holding 999999999), 12345.00 as decimal128(10, 2), behind one skipped slot. */
  qv_array *d = slice_of(DEC128(dec(128, 10, 2), "11101", 7, 125, -375, 999999999, 1234500), 1, 4);
  expect_array(cast(d, dec(128, 20, 4), true), DEC128(dec(128, 20, 4), "1101", 12500, -37500, 0, 123450000));
  expect_array(cast(d, dec(128, 10, 1), false), DEC128(dec(128, 10, 1), "1101", 12, -37, 0, 123450));
  expect_cast_error(d, dec(128, 10, 1), true, QV_ERR_INVALID_DATA, "row 0: value 1.25 loses digits");
  expect_cast_error(d, dec(128, 6, 2), true, QV_ERR_INVALID_DATA, "row 3: value 12345.00 does not fit the precision");
  expect_array(cast(d, dec(128, 6, 2), false), DEC128(dec(128, 6, 2), "1101", 125, -375, 0, 1234500));
  /* Down to decimal64 and up to decimal256, and back. */
  qv_array *d64 = cast(d, dec(64, 12, 2), true);
  qv_array *d256 = cast(d64, dec(256, 40, 3), true);
  expect_array(cast(d256, dec(128, 10, 2), true), DEC128(dec(128, 10, 2), "1101", 125, -375, 0, 1234500));
  qv_array_release(d64);
  qv_array_release(d256);
  qv_array_release(d);
}

static void decimal_to_and_from_integers(void **state) {
  (void)state;
  qv_array *d = DEC128(dec(128, 10, 2), "1101", 125, -375, 999999999, 1234500);
  expect_cast_error(d, qv_type_int32(), true, QV_ERR_INVALID_DATA, "row 0: value 1.25 loses digits");
  expect_array(cast(d, qv_type_int32(), false), PRIM(qv_type_int32(), int32_t, "1101", 1, -3, 0, 12345));
  expect_array(cast(d, qv_type_int8(), false), PRIM(qv_type_int8(), int8_t, "1101", 1, -3, 0, 57));
  expect_array(cast(d, qv_type_uint8(), false), PRIM(qv_type_uint8(), uint8_t, "1101", 1, 253, 0, 57));
  qv_array *whole = DEC128(dec(128, 10, 0), "111", 300, -1, 127);
  expect_cast_error(whole, qv_type_int8(), true, QV_ERR_INVALID_DATA, "row 0: value 300 is out of the range of int8");
  expect_cast_error(whole, qv_type_uint64(), true, QV_ERR_INVALID_DATA, "row 1: value -1 is out of the range");
  qv_array_release(whole);
  qv_array_release(d);

  qv_array *i = PRIM(qv_type_int64(), int64_t, "1101", 1, -128, INT64_MAX, -5);
  expect_array(cast(i, dec(128, 21, 2), true), dec128(dec(128, 21, 2), "1101", 4, (const int64_t[]){100, -12800, 0, -500}));
  expect_cast_error(i, dec(128, 20, 2), true, QV_ERR_INVALID_ARGUMENT, "at least 21");
  expect_cast_error(i, dec(128, 38, -2), false, QV_ERR_INVALID_ARGUMENT, "scale must not be negative");
  qv_array *u = PRIM(qv_type_uint8(), uint8_t, "11", 255, 0);
  expect_array(cast(u, dec(32, 3, 0), true), PRIM(dec(32, 3, 0), int32_t, "11", 255, 0));
  qv_array_release(u);
  qv_array_release(i);
}

static void decimal_floats_and_strings(void **state) {
  (void)state;
  qv_array *f = PRIM(qv_type_float64(), double, "1111101", 1.005, -2.345, 0.125, 150.0, 1e30, NAN, INFINITY);
  /* Rounded half to even from the exact binary value: 1.005 is 1.00499..., 0.125 a true tie. */
  expect_array(cast(f, dec(128, 30, 2), false),
               dec128(dec(128, 30, 2), "1111101", 7, (const int64_t[]){100, -235, 12, 15000, 0, 0, 0}));
  expect_cast_error(f, dec(128, 30, 2), true, QV_ERR_INVALID_DATA, "row 4: value 1e+30 does not fit");
  qv_array *inf = slice_of(qv_array_retain(f), 5, 2);
  expect_cast_error(inf, dec(128, 30, 2), true, QV_ERR_INVALID_DATA, "row 1: value inf");
  qv_array_release(inf);
  expect_array(cast(f, dec(128, 10, -2), false),
               dec128(dec(128, 10, -2), "1111101", 7, (const int64_t[]){0, 0, 0, 2, 0, 0, 0}));
  qv_array_release(f);

  qv_array *d = DEC128(dec(128, 38, 37), "11", 11, -15);
  expect_array(cast(d, qv_type_float64(), true), PRIM(qv_type_float64(), double, "11", 1.1000000000000001e-36, -1.5e-36));
  expect_array(cast(d, qv_type_string(), true), STRS("1.1E-36", "-1.5E-36"));
  qv_array_release(d);
  d = DEC128(dec(128, 6, 3), "1111", 1, -10, 0, 123456);
  expect_array(cast(d, qv_type_string(), true), STRS("0.001", "-0.010", "0.000", "123.456"));
  expect_array(cast(d, qv_type_float32(), true), PRIM(qv_type_float32(), float, "1111", 0.001f, -0.010000000707805157f, 0.0f, 123.45600891113281f));
  /* Arrow's arithmetic (10 * 0.001f, not the float nearest -0.01), which pyarrow gives bit for bit. */
  qv_array_release(d);

  qv_array *s = STRS("1.5", "-2.345", NULL, "1e3", "+5", ".5", "5.", "-0");
  expect_array(cast(s, dec(128, 38, 3), true),
               dec128(dec(128, 38, 3), "11011111", 8, (const int64_t[]){1500, -2345, 0, 1000000, 5000, 500, 5000, 0}));
  expect_cast_error(s, dec(128, 10, 2), true, QV_ERR_INVALID_DATA, "row 1: '-2.345' loses digits");
  expect_array(cast(s, dec(128, 10, 2), false),
               dec128(dec(128, 10, 2), "11011111", 8, (const int64_t[]){150, -234, 0, 100000, 500, 50, 500, 0}));
  qv_array_release(s);
  const char *bad[] = {"", " 1", "1e", "e3", "1.2.3", "--1", "0x10", "nan", "1_0"};
  for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
    qv_array *one = STRS(bad[k]);
    expect_cast_error(one, dec(128, 20, 2), false, QV_ERR_INVALID_DATA, "row 0: failed to parse");
    qv_array_release(one);
  }
  qv_array *huge = STRS("1E400");
  expect_cast_error(huge, dec(128, 20, 2), true, QV_ERR_INVALID_DATA, "cannot be represented");
  qv_array_release(huge);
  qv_array *b = STRS("1");
  qv_array *bin = cast(b, qv_type_binary(), true);
  expect_cast_error(bin, dec(128, 20, 2), true, QV_ERR_NOT_IMPLEMENTED, "not supported");
  qv_array_release(bin);
  qv_array_release(b);
}

static void half_floats(void **state) {
  (void)state;
  /* 1.5, -0.0, inf, NaN, 65504, 2^-24, 300, 2.0 as float16 bits */
  qv_array *h = PRIM(qv_type_float16(), uint16_t, "11111111", 0x3E00, 0x8000, 0x7C00, 0x7E00, 0x7BFF, 0x0001, 0x5CB0,
                     0x4000);
  qv_array *f = cast(h, qv_type_float64(), true);
  const double *fv = (const double *)(const void *)qv_array_buffer_data(f, 1);
  const double want[] = {1.5, -0.0, INFINITY, NAN, 65504.0, 0x1p-24, 300.0, 2.0};
  for (int k = 0; k < 8; k++) {
    if (k == 3) assert_true(isnan(fv[k]));
    else assert_true(fv[k] == want[k] && signbit(fv[k]) == signbit(want[k]));
  }
  expect_cast_error(h, qv_type_int32(), true, QV_ERR_INVALID_DATA, "row 0");
  qv_array *whole = slice_of(qv_array_retain(h), 6, 2);
  expect_array(cast(whole, qv_type_int16(), true), PRIM(qv_type_int16(), int16_t, "11", 300, 2));
  expect_array(cast(whole, qv_type_string(), true), STRS("300", "2"));
  qv_array_release(whole);
  /* Back: rounds to nearest even, overflow to infinity. */
  qv_array *back = cast(f, qv_type_float16(), true);
  assert_memory_equal(qv_array_buffer_data(back, 1), qv_array_buffer_data(h, 1), 16); /* NaN too: compared by bits */
  qv_array_release(back);
  qv_array_release(f);
  qv_array *d = PRIM(qv_type_float64(), double, "111111", 65519.0, 65520.0, 3.14159, 2049.0, 1e-8, -2050.0);
  expect_array(cast(d, qv_type_float16(), true),
               PRIM(qv_type_float16(), uint16_t, "111111", 0x7BFF, 0x7C00, 0x4248, 0x6800, 0x0000, 0xE801));
  qv_array_release(d);
  qv_array *i = PRIM(qv_type_int32(), int32_t, "101", 2048, 70000, -5);
  expect_array(cast(i, qv_type_float16(), false), PRIM(qv_type_float16(), uint16_t, "101", 0x6800, 0, 0xC500));
  qv_array_release(i);
  i = PRIM(qv_type_int32(), int32_t, "11", 2049, 1);
  expect_cast_error(i, qv_type_float16(), true, QV_ERR_INVALID_DATA, "row 0: value 2049");
  expect_array(cast(i, qv_type_float16(), false), PRIM(qv_type_float16(), uint16_t, "11", 0x6800, 0x3C00));
  qv_array_release(i);
  qv_array *s = STRS("1.5", "70000");
  expect_array(cast(s, qv_type_float16(), true), PRIM(qv_type_float16(), uint16_t, "11", 0x3E00, 0x7C00));
  qv_array_release(s);
  expect_cast_error(h, qv_type_bool(), true, QV_ERR_NOT_IMPLEMENTED, "not supported");
  qv_array_release(h);
}

/* ---- hostile inputs ---- */

/* A decimal array of n values of `bits` bits given as little-endian 64-bit
 * words (bits / 64 per value; decimal32/64 take the low bytes of one). */
static qv_array *dec_words(int32_t bits, int32_t precision, int32_t scale, const uint64_t *words, int64_t n) {
  int width = bits / 8;
  uint8_t raw[16 * 32];
  int per = bits >= 64 ? bits / 64 : 1;
  assert_true(n * width <= (int64_t)sizeof raw);
  for (int64_t i = 0; i < n; i++) memcpy(raw + i * width, words + i * per, (size_t)width);
  return prim(dec(bits, precision, scale), raw, n, width, NULL);
}

static void expect_text(const qv_array *a, int64_t row, const char *want) {
  qv_array *s = cast(a, qv_type_string(), true);
  const int32_t *offs = (const int32_t *)(const void *)qv_array_buffer_data(s, 1);
  const char *data = (const char *)qv_array_buffer_data(s, 2);
  int64_t n = offs[s->offset + row + 1] - offs[s->offset + row];
  if (n != (int64_t)strlen(want) || memcmp(data + offs[s->offset + row], want, (size_t)n) != 0)
    fail_msg("row %lld: got '%.*s', expected '%s'", (long long)row, (int)n, data + offs[s->offset + row], want);
  qv_array_release(s);
}

/* Values no decimal128(10, 2) may hold, but stored bits are not checked by
 * validation: the extreme 128-bit patterns. Safe casts name the row; unsafe
 * ones wrap; text and floats are exact; nothing overflows (UBSan). */
static void hostile_decimal128_values_beyond_precision(void **state) {
  (void)state;
  const uint64_t w[] = {0, 0x8000000000000000ull,  /* -2^127 */
                        UINT64_MAX, INT64_MAX,     /* 2^127 - 1 */
                        UINT64_MAX, UINT64_MAX,    /* -1 */
                        0, 0};
  qv_array *d = dec_words(128, 10, 2, w, 4);
  expect_valid(d, QV_VALIDATE_STRUCTURE); /* full validation checks the precision: */
  expect_invalid(d, QV_VALIDATE_FULL, QV_ERR_INVALID_DATA, "row 0");
  expect_text(d, 0, "-1701411834604692317316873037158841057.28");
  expect_text(d, 1, "1701411834604692317316873037158841057.27");
  expect_text(d, 2, "-0.01");
  expect_cast_error(d, dec(128, 38, 2), true, QV_ERR_INVALID_DATA, "row 0");
  expect_cast_error(d, dec(128, 38, 4), true, QV_ERR_INVALID_DATA, "row 0");
  expect_cast_error(d, dec(32, 9, 2), true, QV_ERR_INVALID_DATA, "row 0");
  expect_cast_error(d, qv_type_int64(), true, QV_ERR_INVALID_DATA, "row 0");
  expect_cast_error(d, qv_type_uint8(), true, QV_ERR_INVALID_DATA, "row 0");
  qv_array *wide = cast(d, dec(256, 76, 10), true);
  expect_text(wide, 0, "-1701411834604692317316873037158841057.2800000000");
  expect_text(wide, 1, "1701411834604692317316873037158841057.2700000000");
  qv_array_release(wide);
  qv_array *wrapped = cast(d, dec(128, 38, 40), false); /* x 10^38: past 128 bits, wraps */
  assert_int_equal(wrapped->length, 4);
  qv_array_release(wrapped);
  qv_array *i = cast(d, qv_type_int64(), false);
  assert_int_equal(((const int64_t *)(const void *)qv_array_buffer_data(i, 1))[2], 0); /* -0.01 truncates to 0 */
  qv_array_release(i);
  qv_array *f = cast(d, qv_type_float64(), true);
  const double *fv = (const double *)(const void *)qv_array_buffer_data(f, 1);
  assert_true(fv[0] == -0x1p127 / 100.0 * (1 + 0 * fv[0]) || fabs(fv[0] / (-0x1p127 / 100.0) - 1) < 1e-15);
  assert_true(fv[2] == -0.01 && fv[3] == 0.0);
  qv_array_release(f);
  qv_array_release(d);
}

/* decimal256: the most negative value (its magnitude does not fit the
 * signed range), the largest, and the extreme scales. */
static void hostile_decimal256_extremes_and_scales(void **state) {
  (void)state;
  const uint64_t w[] = {0, 0, 0, 0x8000000000000000ull, UINT64_MAX, UINT64_MAX, UINT64_MAX, INT64_MAX, 5, 0, 0, 0};
  qv_array *d = dec_words(256, 76, 0, w, 3);
  expect_text(d, 0, "-57896044618658097711785492504343953926634992332820282019728792003956564819968");
  expect_text(d, 1, "57896044618658097711785492504343953926634992332820282019728792003956564819967");
  expect_cast_error(d, dec(256, 75, 0), true, QV_ERR_INVALID_DATA, "row 0");
  expect_cast_error(d, dec(256, 76, 40), true, QV_ERR_INVALID_DATA, "row 0");
  expect_cast_error(d, dec(128, 38, 0), true, QV_ERR_INVALID_DATA, "row 0");
  expect_cast_error(d, qv_type_int64(), true, QV_ERR_INVALID_DATA, "row 0");
  qv_array *up = cast(d, dec(256, 76, 76), false); /* x 10^76 wraps past 256 bits */
  assert_int_equal(up->length, 3);
  qv_array_release(up);
  qv_array *f = cast(d, qv_type_float32(), true); /* beyond float32: infinities, not UB */
  const float *fv = (const float *)(const void *)qv_array_buffer_data(f, 1);
  assert_true(isinf(fv[0]) && fv[0] < 0 && isinf(fv[1]) && fv[1] > 0 && fv[2] == 5.0f);
  qv_array_release(f);
  qv_array_release(d);
  /* The extreme scales the type allows, in both directions. */
  const uint64_t one[] = {1, 0, 0, 0};
  qv_array *tiny = dec_words(256, 76, 76, one, 1);
  expect_text(tiny, 0, "1E-76");
  expect_cast_error(tiny, dec(256, 76, 0), true, QV_ERR_INVALID_DATA, "row 0: value 1E-76 loses digits");
  expect_cast_error(tiny, dec(256, 76, -76), true, QV_ERR_INVALID_DATA, "row 0");
  qv_array *zero = cast(tiny, dec(256, 76, -76), false);
  qv_array_release(zero);
  qv_array_release(tiny);
  qv_array *huge = dec_words(256, 76, -76, one, 1);
  expect_text(huge, 0, "1E+76");
  expect_cast_error(huge, dec(256, 76, 76), true, QV_ERR_INVALID_DATA, "row 0");
  expect_cast_error(huge, qv_type_int64(), true, QV_ERR_INVALID_DATA, "row 0");
  qv_array *hf = cast(huge, qv_type_float64(), true);
  assert_true(fabs(((const double *)(const void *)qv_array_buffer_data(hf, 1))[0] / 1e76 - 1) < 1e-15);
  qv_array_release(hf);
  qv_array_release(huge);
}

/* String sources: offsets backwards or past the data are errors naming
 * the row; absurd exponents and digit runs are errors, never overflow. */
static void hostile_strings_to_decimal(void **state) {
  (void)state;
  qv_array *back = hand_array(qv_type_string(), 3, 0, 0, 3, BUFS(NULL, BUFV(int32_t, 0, 2, 1, 3), hand_buf("123", 3)),
                              0, NULL, NULL);
  expect_valid(back, QV_VALIDATE_STRUCTURE);
  expect_cast_error(back, dec(128, 10, 2), true, QV_ERR_INVALID_DATA, "row 1");
  expect_cast_error(back, dec(128, 10, 2), false, QV_ERR_INVALID_DATA, "row 1");
  qv_array_release(back);
  qv_array *past = hand_array(qv_type_string(), 2, 0, 0, 3, BUFS(NULL, BUFV(int32_t, 0, 1, 99), hand_buf("123", 3)), 0,
                              NULL, NULL);
  expect_cast_error(past, dec(64, 18, 0), true, QV_ERR_INVALID_DATA, "row 1");
  qv_array_release(past);
  qv_array *absurd = STRS("1e999999999999999999", "1e-999999999999999999", "-0e99999999",
                          "99999999999999999999999999999999999999999999999999999999999999999999999999999999999999",
                          "1.00000000000000000000000000000000000000000000000000000000000000000000000000000000000001");
  expect_cast_error(absurd, dec(256, 76, 0), true, QV_ERR_INVALID_DATA, "row 0");
  qv_array *rows = slice_of(qv_array_retain(absurd), 1, 2);
  expect_cast_error(rows, dec(256, 76, 0), true, QV_ERR_INVALID_DATA, "row 0: '1e-999999999999999999' loses digits");
  expect_array(cast(rows, dec(256, 76, 0), false), dec_words(256, 76, 0, (const uint64_t[]){0, 0, 0, 0, 0, 0, 0, 0}, 2));
  qv_array_release(rows);
  rows = slice_of(qv_array_retain(absurd), 3, 2);
  expect_cast_error(rows, dec(256, 76, 0), false, QV_ERR_INVALID_DATA, "row 0");
  qv_array_release(rows);
  rows = slice_of(qv_array_retain(absurd), 4, 1);
  expect_cast_error(rows, dec(128, 38, 2), true, QV_ERR_INVALID_DATA, "row 0");
  qv_array_release(rows);
  qv_array_release(absurd);
}

/* A dictionary of decimals whose index leaves the dictionary. */
static void hostile_dictionary_of_decimals(void **state) {
  (void)state;
  qv_array *values = DEC128(dec(128, 10, 2), "11", 125, -375);
  qv_array *d = hand_array(hand_dict(qv_type_int8(), dec(128, 10, 2)), 3, 0, 0, 2, BUFS(NULL, BUFV(int8_t, 1, 0, 7)), 0,
                           NULL, values);
  expect_valid(d, QV_VALIDATE_STRUCTURE);
  expect_cast_error(d, dec(128, 12, 2), true, QV_ERR_OUT_OF_RANGE, "row 2");
  expect_cast_error(d, qv_type_float64(), true, QV_ERR_OUT_OF_RANGE, "row 2");
  expect_cast_error(d, qv_type_string(), true, QV_ERR_OUT_OF_RANGE, "row 2");
  qv_array_release(d);
}

/* Lengths near INT64_MAX: a decimal array claiming them over a few bytes
 * fails structure (its size arithmetic must not wrap), and arrays whose
 * structure does hold them (the null type, run-end encoding) are refused
 * by the cast before it allocates or reads. */
static void hostile_lengths_near_int64_max(void **state) {
  (void)state;
  const int64_t n = INT64_MAX - 6;
  const uint64_t two[] = {1, 0, 2, 0};
  qv_array *claim = hand_array(dec(128, 10, 2), n, 0, 0, 2, BUFS(NULL, exact_buf(two, 32)), 0, NULL, NULL);
  expect_invalid(claim, QV_VALIDATE_STRUCTURE, QV_ERR_OVERFLOW, "");
  qv_array_release(claim);
  claim = hand_array(dec(256, 76, 0), 1, INT64_MAX / 32, 0, 2, BUFS(NULL, exact_buf(two, 32)), 0, NULL, NULL);
  expect_invalid(claim, QV_VALIDATE_STRUCTURE, QV_ERR_OVERFLOW, "");
  qv_array_release(claim);

  qv_array *nulls = NULL, *out = NULL;
  qv_error e;
  hand_check(qv_array_new_null(qv_type_null(), n, &nulls, &e), &e, "null array");
  expect_valid(nulls, QV_VALIDATE_STRUCTURE);
  qv_error_clear(&e);
  qv_type *d128 = dec(128, 10, 2);
  qv_status st = qv_compute_cast(nulls, d128, true, &out, &e);
  qv_type_release(d128);
  assert_int_not_equal(st, QV_OK);
  assert_int_equal(e.code, st);
  assert_true(e.message[0] != '\0');
  assert_null(out);
  qv_array_release(nulls);

  qv_array *ree = hand_array(hand_ree(qv_type_int64(), dec(128, 10, 2)), n, 0, 0, 0, NULL, 2,
                             KIDS(I64(n), DEC128(dec(128, 10, 2), "1", 125)), NULL);
  expect_valid(ree, QV_VALIDATE_STRUCTURE);
  qv_type *targets[4] = {dec(128, 12, 2), dec(256, 40, 4), qv_type_float64(), qv_type_string()};
  for (int k = 0; k < 4; k++) {
    qv_error_clear(&e);
    st = qv_compute_cast(ree, targets[k], true, &out, &e);
    assert_int_not_equal(st, QV_OK);
    assert_int_equal(e.code, st);
    assert_true(e.message[0] != '\0');
    assert_null(out);
    qv_type_release(targets[k]);
  }
  qv_array_release(ree);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(decimal_rescale_and_precision),
      cmocka_unit_test(decimal_to_and_from_integers),
      cmocka_unit_test(decimal_floats_and_strings),
      cmocka_unit_test(half_floats),
      cmocka_unit_test(hostile_decimal128_values_beyond_precision),
      cmocka_unit_test(hostile_decimal256_extremes_and_scales),
      cmocka_unit_test(hostile_strings_to_decimal),
      cmocka_unit_test(hostile_dictionary_of_decimals),
      cmocka_unit_test(hostile_lengths_near_int64_max),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
