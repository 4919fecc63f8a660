/* The shortest round-trip digits (print/shortest.c) against an exact
 * oracle built on snprintf and strtod/strtof: for seeded random bit
 * patterns of every exponent, subnormals, powers of two, binade
 * boundaries and the classic hard cases, the digits read back as the same
 * value, no decimal with one digit fewer does (neither the nearest nor
 * its neighbours: nothing shorter reads back), and among decimals of the
 * same length they are the nearest (%.*e rounds exactly, ties to even).
 * Also that the fast path never gives up on these values, so the slow
 * fallback is never what a user waits for. Bounded by count. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "print/internal.h"

static uint64_t rng = 0x9E3779B97F4A7C15ULL;
static uint64_t rnd(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

/* Whether digits[0..n) x 10^(exp10 - n + 1) reads back as v (as a float
 * when single). */
static bool reads_back(const char *digits, int n, int exp10, double v, bool single) {
  char text[64];
  snprintf(text, sizeof text, "%.*se%d", n, digits, exp10 - n + 1);
  return single ? strtof(text, NULL) == fabsf((float)v) : strtod(text, NULL) == fabs(v);
}

/* The nearest decimal of p digits to v ("%.*e": exact, ties to even), as
 * digits (trailing zeros kept) and its exponent. */
static void nearest(double v, int p, char *digits, int *exp10) {
  char t[64];
  snprintf(t, sizeof t, "%.*e", p - 1, fabs(v));
  int n = 0;
  const char *q = t;
  for (; *q && *q != 'e'; q++)
    if (*q >= '0' && *q <= '9') digits[n++] = *q;
  digits[n] = '\0';
  *exp10 = atoi(q + 1);
}

/* d +- one unit in its last digit, same length; false when there is none. */
static bool step(char *d, int n, int *exp10, int dir) {
  int k = n - 1;
  if (dir > 0) {
    while (k >= 0 && d[k] == '9') d[k--] = '0';
    if (k < 0) {
      d[0] = '1';
      ++*exp10;
    } else {
      d[k]++;
    }
    return true;
  }
  while (k >= 0 && d[k] == '0') d[k--] = '9';
  if (k < 0) return false;
  d[k]--;
  if (d[0] == '0') {
    if (n == 1) return false;
    memmove(d, d + 1, (size_t)(n - 1));
    d[n - 1] = '9';
    --*exp10;
  }
  return true;
}

static void check(double v, bool single, long *gave_up) {
  char d[24];
  int n = 0, e = 0;
  const bool ok = single ? qv__print_shortest_float_fast((float)v, d, &n, &e) : qv__print_shortest_fast(v, d, &n, &e);
  if (!ok) {
    ++*gave_up;
    return;
  }
  assert_int_equal((int)strlen(d), n);
  assert_true(n >= 1 && n <= (single ? 9 : 17));
  assert_true(d[0] >= '1' && d[0] <= '9');
  assert_true(n == 1 || d[n - 1] != '0');
  if (!reads_back(d, n, e, v, single)) fail_msg("%.17g%s: %se%d does not read back", v, single ? "f" : "", d, e);
  if (n > 1) { /* nothing with n - 1 digits reads back */
    char s[24];
    int se;
    nearest(v, n - 1, s, &se);
    for (int dir = -1; dir <= 1; dir++) {
      char c[24];
      int ce = se;
      memcpy(c, s, sizeof c);
      if ((dir == 0 || step(c, n - 1, &ce, dir)) && reads_back(c, n - 1, ce, v, single))
        fail_msg("%.17g%s: %se%d is longer than %se%d", v, single ? "f" : "", d, e, c, ce);
    }
  }
  char near[24];
  int ne;
  nearest(v, n, near, &ne);
  if (reads_back(near, n, ne, v, single)) { /* then it is the answer: the nearest */
    int nn = n;
    while (nn > 1 && near[nn - 1] == '0') nn--;
    near[nn] = '\0';
    if (strcmp(near, d) != 0 || ne != e)
      fail_msg("%.17g%s: %se%d, but the nearest of that length is %se%d", v, single ? "f" : "", d, e, near, ne);
  }
}

static void check_both_signs(double v, long *gave_up) {
  check(v, false, gave_up);
  check(-v, false, gave_up);
}

static double from_bits(uint64_t b) {
  double v;
  memcpy(&v, &b, sizeof v);
  return v;
}

static float float_from_bits(uint32_t b) {
  float v;
  memcpy(&v, &b, sizeof v);
  return v;
}

static void test_random_doubles_of_every_exponent(void **state) {
  (void)state;
  long gave_up = 0;
  for (long k = 0; k < 2000000; k++) {
    const double v = from_bits(rnd());
    if (!isfinite(v) || v == 0) continue;
    check(v, false, &gave_up);
  }
  assert_int_equal(gave_up, 0);
}

static void test_doubles_of_every_kind(void **state) {
  (void)state;
  long gave_up = 0;
  /* short decimals at every scale, prices, halves: most real data */
  for (int k = 0; k < 200000; k++) {
    const uint64_t r = rnd();
    check_both_signs((double)(r % 100000000) / 100.0 + 0.01, &gave_up);
    check_both_signs((double)(int64_t)(r % 2000001 + 1) * pow(10.0, (double)((int)(r % 600) - 300)), &gave_up);
    check_both_signs((double)(r % 2000000) / 2.0 + 0.5, &gave_up);
  }
  /* every power of two, and both ends of every binade */
  for (int e2 = -1074; e2 <= 1023; e2++) check_both_signs(ldexp(1.0, e2), &gave_up);
  for (uint64_t biased = 1; biased < 0x7ff; biased++) {
    check_both_signs(from_bits(biased << 52), &gave_up);
    check_both_signs(from_bits((biased << 52) | ((UINT64_C(1) << 52) - 1)), &gave_up);
    check_both_signs(from_bits((biased << 52) | 1), &gave_up);
  }
  /* the smallest subnormals one by one, and the largest */
  for (uint64_t c = 1; c < 5000; c++) {
    check_both_signs(from_bits(c), &gave_up);
    check_both_signs(from_bits((UINT64_C(1) << 52) - c), &gave_up);
  }
  const double hard[] = {DBL_MAX, DBL_MIN, DBL_TRUE_MIN, 5e-324, 1e23, 9007199254740993.0, 9007199254740992.0,
                         0.1, 0.3, 2.0 / 3.0, 1e-7, 1e21, 1e22, 5e-310, 2.2250738585072011e-308,
                         1.7976931348623157e308, 123456789012345680.0, 4.35, 0.5, 1.5, 2.5, 1e15, 1e16, 1e17,
                         9.999999999999999e22, 5.960464477539063e-8, 1.9531250000000001e-3, 6.103515625e-5};
  for (size_t i = 0; i < sizeof hard / sizeof hard[0]; i++) check_both_signs(hard[i], &gave_up);
  assert_int_equal(gave_up, 0);
}

static void test_floats(void **state) {
  (void)state;
  long gave_up = 0;
  for (long k = 0; k < 1000000; k++) {
    const float f = float_from_bits((uint32_t)rnd());
    if (!isfinite(f) || f == 0) continue;
    check(f, true, &gave_up);
  }
  for (uint32_t biased = 1; biased < 0xff; biased++) {
    check(float_from_bits(biased << 23), true, &gave_up);
    check(float_from_bits((biased << 23) | ((1u << 23) - 1)), true, &gave_up);
    check(float_from_bits((biased << 23) | 1), true, &gave_up);
  }
  for (uint32_t c = 1; c < 5000; c++) check(float_from_bits(c), true, &gave_up);
  const float hard[] = {FLT_MAX, FLT_MIN, 1e-45f, 0.1f, 0.3f, 1.0f / 3.0f, 16777217.0f, 3.4e38f, 1e10f, 7e-45f};
  for (size_t i = 0; i < sizeof hard / sizeof hard[0]; i++) check(hard[i], true, &gave_up);
  assert_int_equal(gave_up, 0);
}

static void test_known_digits(void **state) {
  (void)state;
  char d[24];
  int n, e;
  assert_false(qv__print_shortest_fast(NAN, d, &n, &e));
  assert_false(qv__print_shortest_fast(INFINITY, d, &n, &e));
  assert_false(qv__print_shortest_fast(0.0, d, &n, &e));
  assert_false(qv__print_shortest_float_fast(-0.0f, d, &n, &e));
  struct {
    double v;
    const char *digits;
    int exp10;
  } cases[] = {{876.73, "87673", 2},      {-1200.0, "12", 3},   {5e-324, "5", -324},
               {1e23, "1", 23},           {DBL_MAX, "17976931348623157", 308},
               {9007199254740993.0, "9007199254740992", 15}, /* reads as 2^53 */
               {ldexp(1.0, -24), "5960464477539063", -8},    /* a power of two: not the nearest 16 digits */
               {2.5, "25", 0}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    assert_true(qv__print_shortest_fast(cases[i].v, d, &n, &e));
    assert_string_equal(d, cases[i].digits);
    assert_int_equal(e, cases[i].exp10);
  }
  assert_true(qv__print_shortest_float_fast(0.1f, d, &n, &e));
  assert_string_equal(d, "1");
  assert_int_equal(e, -1);
  assert_true(qv__print_shortest_float_fast(16777216.0f, d, &n, &e));
  assert_string_equal(d, "16777216");
  assert_true(qv__print_shortest_float_fast(1e-45f, d, &n, &e));
  assert_string_equal(d, "1");
  assert_int_equal(e, -45);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_random_doubles_of_every_exponent),
      cmocka_unit_test(test_doubles_of_every_kind),
      cmocka_unit_test(test_floats),
      cmocka_unit_test(test_known_digits),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
