/* The fast shortest-digits path (print/shortest.c) against the exact one:
 * for random doubles of every kind (random bit patterns, short decimals,
 * 17-digit values, halves, integers, powers of two), whenever the fast path
 * answers, its digits and exponent are the shortest that read back, and
 * among equally short ones the nearest, as %.*e and strtod find them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

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

/* The nearest p-digit decimal that reads back, for the least p. */
static void exact_shortest(double v, char *digits, int *exp10) {
  char t[64];
  for (int p = 1; p <= 17; p++) {
    snprintf(t, sizeof t, "%.*e", p - 1, v);
    if (strtod(t, NULL) == v) break;
  }
  int n = 0;
  const char *q = t + (t[0] == '-');
  for (; *q && *q != 'e'; q++)
    if (*q >= '0' && *q <= '9') digits[n++] = *q;
  while (n > 1 && digits[n - 1] == '0') n--;
  digits[n] = '\0';
  *exp10 = atoi(q + 1);
}

static void check(double v, long *answered) {
  char fast[24], exact[24];
  int n, e_fast, e_exact;
  if (!qv__print_shortest_fast(v, fast, &n, &e_fast)) return;
  (*answered)++;
  assert_int_equal((int)strlen(fast), n);
  exact_shortest(v, exact, &e_exact);
  if (strcmp(fast, exact) != 0 || e_fast != e_exact)
    fail_msg("%.17g: fast %se%d, exact %se%d", v, fast, e_fast, exact, e_exact);
}

static void test_fast_path_matches_exact_shortest(void **state) {
  (void)state;
  long answered = 0, tried = 0;
  for (int k = 0; k < 300000; k++) {
    double v;
    const uint64_t r = rnd();
    switch (k % 6) {
      case 0:
        memcpy(&v, &r, sizeof v);
        if (v != v) continue;
        break;
      case 1:
        v = (double)(r % 100000000) / 100.0; /* prices */
        break;
      case 2:
        v = ((double)(r >> 11) / 9007199254740992.0 - 0.5) * 8; /* 17-digit values */
        break;
      case 3:
        v = (double)(r % 2000000) / 2.0 + 0.5 * (double)(r % 2); /* halves and integers */
        break;
      case 4:
        v = ldexp(1.0, (int)(r % 120) - 60); /* powers of two */
        break;
      default:
        v = (double)(int64_t)(r % 2000001) * pow(10.0, (double)((int)(r % 40) - 20)); /* decimals at every scale */
        break;
    }
    tried++;
    check(v, &answered);
    check(-v, &answered);
  }
  /* The fast path must carry the bulk of ordinary values. */
  assert_true(answered > tried);
}

static void test_fast_path_declines_what_it_cannot_do(void **state) {
  (void)state;
  char d[24];
  int n, e;
  assert_false(qv__print_shortest_fast(NAN, d, &n, &e));
  assert_false(qv__print_shortest_fast(INFINITY, d, &n, &e));
  assert_false(qv__print_shortest_fast(0.0, d, &n, &e));
  assert_false(qv__print_shortest_fast(1e-300, d, &n, &e));
  assert_false(qv__print_shortest_fast(1e300, d, &n, &e));
  assert_true(qv__print_shortest_fast(876.73, d, &n, &e));
  assert_string_equal(d, "87673");
  assert_int_equal(e, 2);
  assert_true(qv__print_shortest_fast(-1200.0, d, &n, &e));
  assert_string_equal(d, "12");
  assert_int_equal(e, 3);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_fast_path_matches_exact_shortest),
      cmocka_unit_test(test_fast_path_declines_what_it_cannot_do),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
