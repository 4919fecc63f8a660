/* quiver print: the shortest round-trip digits of a double, fast.
 *
 * qv__print_float finds the shortest digits with snprintf and strtod, a
 * few thousand instructions per value; writing a CSV of floats spent most
 * of its time there. This finds the same digits with x87 extended
 * arithmetic (64-bit significands) for the usual range of values:
 *
 * For p significant digits, m = round(|v| * 10^j) with j = p - 1 - e (e
 * the decimal exponent of v) is the nearest p-digit decimal; it reads back
 * as v when m / 10^j, rounded to double, is v. Up to 19 digits and 10^27
 * are exact in 64 bits, so the product and the quotient are rounded once
 * to 64 bits and once more to 53; that second rounding can only err when
 * the 64-bit result lies exactly halfway between two doubles (low 11 bits
 * 0x400), and then, as when m itself is uncertain (a true tie), this gives
 * up and the caller takes the slow exact path. As
 * in qv__print_float, the nearest p-digit decimal reading back is monotone
 * in p for every double but powers of two (whose rounding interval is
 * lopsided); at most three candidates (15, 16, 17 digits) settle it, see
 * qv__print_shortest_fast. Powers of two that need more than 15 digits
 * are left to the slow path.
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "print/internal.h"

int qv__print_digits_backwards(uint64_t v, char *end) {
  static const char k_pairs[201] =
      "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
      "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
      "8081828384858687888990919293949596979899";
  char *p = end;
  while (v >= 100) {
    const unsigned pair = (unsigned)(v % 100) * 2;
    v /= 100;
    *--p = k_pairs[pair + 1];
    *--p = k_pairs[pair];
  }
  if (v >= 10) {
    *--p = k_pairs[v * 2 + 1];
    *--p = k_pairs[v * 2];
  } else {
    *--p = (char)('0' + v);
  }
  return (int)(end - p);
}

#if defined(__x86_64__) && LDBL_MANT_DIG == 64

static const long double k_pow10l[28] = {1e0L,  1e1L,  1e2L,  1e3L,  1e4L,  1e5L,  1e6L,  1e7L,  1e8L,  1e9L,
                                         1e10L, 1e11L, 1e12L, 1e13L, 1e14L, 1e15L, 1e16L, 1e17L, 1e18L, 1e19L,
                                         1e20L, 1e21L, 1e22L, 1e23L, 1e24L, 1e25L, 1e26L, 1e27L};

/* m * 10^-j rounded to double, exactly as strtod would; false when the
 * double rounding could differ from a single one. */
static bool decimal_to_double(uint64_t m, int j, double *out) {
  const long double x = j >= 0 ? (long double)m / k_pow10l[j] : (long double)m * k_pow10l[-j];
  uint64_t bits;
  memcpy(&bits, &x, sizeof bits); /* the explicit 64-bit significand */
  if ((bits & 0x7ff) == 0x400) return false;
  *out = (double)x;
  return true;
}

/* 1: the nearest p-digit decimal to a reads back as a (its digits in *m,
 * scaled by 10^-j), 0: it does not, -1: cannot tell here.
 *
 * x = a * 10^j rounded to 64 bits is within half an ulp of the true
 * product, and its fraction is a multiple of that ulp, so unless the
 * fraction is exactly one half the true product lies on the same side of
 * the half and floor(x) or floor(x) + 1 is the nearest integer. At exactly
 * one half, the rounding error (exact, by an FMA) says which side;
 * at a true tie the answer is clear when one side reads back or neither
 * does; two that both read back are left to the slow path. */
static int nearest_round_trips(double a, int e, int p, uint64_t *m, int *j_out) {
  const int j = p - 1 - e;
  if (j > 27 || j < -27) return -1;
  const long double x = j >= 0 ? (long double)a * k_pow10l[j] : (long double)a / k_pow10l[-j];
  if (!(x < 0x1p63L)) return -1;
  const long double floor_x = floorl(x);
  const long double frac = x - floor_x; /* exact */
  bool up = frac > 0.5L;
  if (frac == 0.5L) {
    /* which side of x the true product (or quotient) lies: a * 10^j - x,
     * or a - x * 10^-j, both exact by an FMA */
    const long double error = j >= 0 ? fmal((long double)a, k_pow10l[j], -x) : fmal(-x, k_pow10l[-j], (long double)a);
    if (error == 0) { /* a true tie: fine when just one side reads back, or neither does */
      double below, above;
      const uint64_t f = (uint64_t)floor_x;
      if (!decimal_to_double(f, j, &below) || !decimal_to_double(f + 1, j, &above)) return -1;
      if ((below == a) == (above == a)) return below == a ? -1 : 0;
      *m = below == a ? f : f + 1;
      *j_out = j;
      return 1;
    }
    up = error > 0;
  }
  const uint64_t n = (uint64_t)floor_x + (up ? 1u : 0u);
  double back;
  if (!decimal_to_double(n, j, &back)) return -1;
  *m = n;
  *j_out = j;
  return back == a ? 1 : 0;
}

static const uint64_t k_pow10u[20] = {1ull,
                                      10ull,
                                      100ull,
                                      1000ull,
                                      10000ull,
                                      100000ull,
                                      1000000ull,
                                      10000000ull,
                                      100000000ull,
                                      1000000000ull,
                                      10000000000ull,
                                      100000000000ull,
                                      1000000000000ull,
                                      10000000000000ull,
                                      100000000000000ull,
                                      1000000000000000ull,
                                      10000000000000000ull,
                                      100000000000000000ull,
                                      1000000000000000000ull,
                                      10000000000000000000ull};

/* Writes m's digits (trailing zeros dropped) and the exponent of the first
 * for the decimal m * 10^-j. */
static void emit(uint64_t m, int j, char *digits, int *n_digits, int *exp10) {
  char tmp[24];
  int n = qv__print_digits_backwards(m, tmp + sizeof tmp);
  memcpy(digits, tmp + sizeof tmp - n, (size_t)n);
  *exp10 = n - 1 - j;
  while (n > 1 && digits[n - 1] == '0') n--;
  digits[n] = '\0';
  *n_digits = n;
}

bool qv__print_shortest_fast(double v, char *digits, int *n_digits, int *exp10) {
  const double a = fabs(v);
  if (!(a >= 1e-11 && a < 1e26)) return false; /* also NaN and infinities */
  if (a < 0x1p53 && a == floor(a)) { /* an integer: its own digits are the shortest */
    emit((uint64_t)a, 0, digits, n_digits, exp10);
    return true;
  }
  int e2;
  const bool power_of_two = frexp(a, &e2) == 0.5;
  /* decimal exponent: log10(2) * (e2 - 1) is within one of it; the 15-digit
   * candidate's own digit count corrects it below */
  int e = (int)floor((e2 - 1) * 0.30102999566398120);
  /* If the shortest decimal that reads back has p <= 15 digits, padded to 15
   * digits it is the nearest 15-digit decimal (it is within half an ulp of
   * v, less than half a unit of the 15th digit), and no shorter decimal can
   * be anything but that one with more zeros dropped: so the nearest
   * 15-digit decimal reading back, stripped of trailing zeros, is the
   * answer. Otherwise it is the nearest 16-digit one, else the nearest
   * 17-digit one (17 digits always suffice). */
  for (int p = 15; p <= 17; p++) {
    uint64_t m = 0;
    int j = 0;
    int r = nearest_round_trips(a, e, p, &m, &j);
    for (int tries = 0; r >= 0 && tries < 2; tries++) { /* fix e by the candidate's digit count */
      if (m >= k_pow10u[p] && m != k_pow10u[p]) e++;
      else if (m < k_pow10u[p - 1]) e--;
      else break;
      r = nearest_round_trips(a, e, p, &m, &j);
    }
    if (r < 0 || m > k_pow10u[p] || m < k_pow10u[p - 1]) return false;
    if (r == 1) {
      emit(m, j, digits, n_digits, exp10);
      return true;
    }
    /* a power of two's lopsided interval may favour the decimal on the far
     * side: the exact path decides */
    if (power_of_two) return false;
  }
  return false;
}

#else

bool qv__print_shortest_fast(double v, char *digits, int *n_digits, int *exp10) {
  (void)v, (void)digits, (void)n_digits, (void)exp10;
  return false;
}

#endif
