/* Float text (qv__print_float_text, which lays the shortest digits out in
 * place): for doubles and floats of every decimal exponent and digit count,
 * random bit patterns and the special values, the text equals a layout
 * built here from the digit string of qv__print_shortest_fast by the rules
 * Arrow C++'s formatter follows (plain notation for decimal exponents in
 * [-6, 10), else d.ddde+XX), and a few texts pyarrow prints are checked
 * literally. Bounded by count. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "print/internal.h"

static uint64_t rng = 0x2545F4914F6CDD1DULL;
static uint64_t rnd(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

/* The reference: digits[0, n) x 10^(exp10 - n + 1), laid out one rule at a
 * time with snprintf. */
static void reference(double v, bool single, char *out, size_t cap) {
  char d[24];
  int n, exp10;
  const bool ok = single ? qv__print_shortest_float_fast((float)v, d, &n, &exp10)
                         : qv__print_shortest_fast(v, d, &n, &exp10);
  assert_true(ok);
  const char *sign = signbit(v) ? "-" : "";
  if (exp10 >= 0 && exp10 < 10) {
    if (n <= exp10 + 1)
      snprintf(out, cap, "%s%s%.*s", sign, d, exp10 + 1 - n, "0000000000");
    else
      snprintf(out, cap, "%s%.*s.%s", sign, exp10 + 1, d, d + exp10 + 1);
  } else if (exp10 < 0 && exp10 >= -6) {
    snprintf(out, cap, "%s0.%.*s%s", sign, -exp10 - 1, "000000", d);
  } else if (n == 1) {
    snprintf(out, cap, "%s%ce%c%d", sign, d[0], exp10 < 0 ? '-' : '+', exp10 < 0 ? -exp10 : exp10);
  } else {
    snprintf(out, cap, "%s%c.%se%c%d", sign, d[0], d + 1, exp10 < 0 ? '-' : '+', exp10 < 0 ? -exp10 : exp10);
  }
}

static void check(double v, bool single) {
  char want[64], got[QV__PRINT_FLOAT_MAX + 1];
  reference(v, single, want, sizeof want);
  const int n = qv__print_float_text(v, single ? 32 : 64, got);
  assert_true(n > 0 && n <= QV__PRINT_FLOAT_MAX);
  got[n] = '\0';
  if (strcmp(got, want) != 0) fail_msg("%.17g (%s): got %s, want %s", v, single ? "float" : "double", got, want);
}

static void test_every_exponent_and_length(void **state) {
  (void)state;
  /* 1..17 significant digits at every decimal exponent a double has */
  for (int exp10 = -323; exp10 <= 308; exp10++) {
    for (int digits = 1; digits <= 17; digits++) {
      char text[64];
      snprintf(text, sizeof text, "%.*se%d", digits, "12345678901234567", exp10 - digits + 1);
      const double v = strtod(text, NULL);
      if (v == 0 || !isfinite(v)) continue;
      check(v, false);
      check(-v, false);
      const float f = (float)v;
      if (f != 0 && isfinite(f)) check(f, true);
    }
  }
}

static void test_random_bits(void **state) {
  (void)state;
  for (long k = 0; k < 300000; k++) {
    const uint64_t b = rnd();
    double v;
    memcpy(&v, &b, sizeof v);
    if (isfinite(v) && v != 0) check(v, false);
    const uint32_t b32 = (uint32_t)b;
    float f;
    memcpy(&f, &b32, sizeof f);
    if (isfinite(f) && f != 0) check(f, true);
    /* short decimals, the common case in real data */
    const double price = (double)(int64_t)(b % 2000000 - 1000000) / 100.0;
    if (price != 0) check(price, false);
  }
}

static void test_known_texts(void **state) {
  (void)state;
  struct {
    double v;
    int bits;
    const char *text;
  } cases[] = {{1e16, 64, "1e+16"}, {1e-7, 64, "1e-7"}, {0.1, 64, "0.1"}, {NAN, 64, "nan"}, {INFINITY, 64, "inf"},
               {-INFINITY, 64, "-inf"}, {-0.0, 64, "-0"}, {0.0, 64, "0"}, {1e21, 64, "1e+21"},
               {123456789.125, 64, "123456789.125"}, {1e10, 64, "1e+10"}, {9999999999.0, 64, "9999999999"},
               {1.5e-7, 64, "1.5e-7"}, {1e-6, 64, "0.000001"}, {5e-324, 64, "5e-324"},
               {DBL_MAX, 64, "1.7976931348623157e+308"}, {5.9604644775390625e-8, 64, "5.960464477539063e-8"},
               {1234567890123456789.0, 64, "1.2345678901234568e+18"}, {123456789.125, 32, "123456790"},
               {9999999999.0, 32, "1e+10"}, {5.9604644775390625e-8, 32, "5.9604645e-8"},
               {1234567890123456789.0, 32, "1.234568e+18"}, {-876.73, 64, "-876.73"}, {100.0, 64, "100"}};
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    char got[QV__PRINT_FLOAT_MAX + 1];
    const int n = qv__print_float_text(cases[k].v, cases[k].bits, got);
    got[n] = '\0';
    assert_string_equal(got, cases[k].text);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_exponent_and_length),
      cmocka_unit_test(test_random_bits),
      cmocka_unit_test(test_known_texts),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
