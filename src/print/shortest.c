/* quiver print: the shortest round-trip digits of a double or a float.
 *
 * Writing a CSV or JSON Lines file of floats spends its time here, so the
 * digits are found with integer arithmetic by the method of R. Giulietti's
 * "The Schubfach way to render doubles" (2020), chosen over Ryu (Adams,
 * 2018) because it needs one small table (one 128-bit power of ten per
 * decimal exponent) and no loop removing digits one at a time:
 *
 * A finite v = c * 2^q reads back from every decimal in its rounding
 * interval R: (c -+ 1/2) * 2^q, the lower half-width 1/4 when c is the
 * least significand of its binade (then the gap below is half as wide),
 * closed when c is even (strtod rounds ties to even). With k =
 * floor(log10 |R|), R holds at least one multiple of 10^k and at most one
 * of 10^(k+1). So, with u = v / 10^k and s = floor(u): if exactly one of
 * the multiples of ten around s lies in R / 10^k, it is the shortest
 * decimal; otherwise s or s + 1 is, whichever lies in R (the nearer to u
 * when both do, the even one at a tie, as strtod's own rounding and
 * Python's repr choose).
 *
 * All bounds are scaled by 4 (cb = 4c, cbl = 4c - 2 or - 1, cbr = 4c + 2)
 * so they are integers, and x = cb * 2^q * 10^-k is computed rounded to
 * odd: floor(x), its last bit set when x is no integer. Comparisons of a
 * value rounded to odd with an even integer (4s, 4s + 2, 40t) are exact,
 * which is all the choice above needs. 10^-k comes from a table of 128-bit
 * significands (print/pow10_table.h, written by scripts/gen_pow10_table.py)
 * that are exact for 10^0..10^55 and rounded up otherwise; a rounded-up
 * product exceeds x by less than 2^-69, so its fraction decides x's
 * integrality except when the fraction is below 2^-64: then x is an
 * integer exactly when number theory says so (5^k divides cb), and
 * otherwise this gives up (qv__print_shortest_* return false, the caller's
 * slow exact path answers). Giulietti proves such near-integers do not
 * occur for doubles; the tests count the give-ups (none in millions).
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "print/digits.h"
#include "print/internal.h"
#include "print/pow10_table.h"

const char qv__print_digit_pairs[200] = {
#define QV__PAIRS_ROW(t) t, '0', t, '1', t, '2', t, '3', t, '4', t, '5', t, '6', t, '7', t, '8', t, '9'
    QV__PAIRS_ROW('0'), QV__PAIRS_ROW('1'), QV__PAIRS_ROW('2'), QV__PAIRS_ROW('3'), QV__PAIRS_ROW('4'),
    QV__PAIRS_ROW('5'), QV__PAIRS_ROW('6'), QV__PAIRS_ROW('7'), QV__PAIRS_ROW('8'), QV__PAIRS_ROW('9')
#undef QV__PAIRS_ROW
};

/* The high and low halves of a * b. */
static inline uint64_t mul_64x64(uint64_t a, uint64_t b, uint64_t *lo) {
#if defined(__SIZEOF_INT128__)
  __extension__ const unsigned __int128 p = (unsigned __int128)a * b;
  *lo = (uint64_t)p;
  return (uint64_t)(p >> 64);
#else
  const uint64_t a0 = (uint32_t)a, a1 = a >> 32, b0 = (uint32_t)b, b1 = b >> 32;
  const uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const uint64_t mid = (p00 >> 32) + (uint32_t)p01 + (uint32_t)p10;
  *lo = (mid << 32) | (uint32_t)p00;
  return p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
#endif
}

/* 5^0 .. 5^23: the powers of five that can divide a 4c + 2 below 2^55. */
static const uint64_t k_pow5[24] = {1ull,
                                    5ull,
                                    25ull,
                                    125ull,
                                    625ull,
                                    3125ull,
                                    15625ull,
                                    78125ull,
                                    390625ull,
                                    1953125ull,
                                    9765625ull,
                                    48828125ull,
                                    244140625ull,
                                    1220703125ull,
                                    6103515625ull,
                                    30517578125ull,
                                    152587890625ull,
                                    762939453125ull,
                                    3814697265625ull,
                                    19073486328125ull,
                                    95367431640625ull,
                                    476837158203125ull,
                                    2384185791015625ull,
                                    11920928955078125ull};

/* The power of ten 10^-k scaled for the products below. */
typedef struct scale {
  uint64_t hi, lo; /* 10^-k = (hi * 2^64 + lo) * 2^(beta - 127) */
  int shift;       /* cb << shift times g, over 2^128, is cb * 2^q * 10^-k */
  int k;
  bool exact; /* the table entry is 10^-k exactly */
} scale;

/* x = cb * 2^q * 10^-k rounded to odd into *out; false when the rounded-up
 * power of ten leaves it undecided whether x is just below an integer. */
static inline bool round_to_odd(uint64_t cb, const scale *sc, uint64_t *out) {
  const uint64_t cp = cb << sc->shift; /* below 2^59 */
  uint64_t lo_lo;
  const uint64_t lo_hi = mul_64x64(cp, sc->lo, &lo_lo);
  uint64_t hi_lo;
  const uint64_t hi_hi = mul_64x64(cp, sc->hi, &hi_lo);
  /* cp * g = integer * 2^128 + frac_hi * 2^64 + lo_lo */
  const uint64_t frac_hi = hi_lo + lo_hi;
  const uint64_t integer = hi_hi + (frac_hi < hi_lo);
  if (frac_hi != 0) { /* a fraction of at least 2^-64, more than the table's error */
    *out = integer | 1;
    return true;
  }
  if (sc->exact) {
    *out = integer | (lo_lo != 0);
    return true;
  }
  /* x lies within 2^-64 of `integer`, above or below it: it is that integer
   * only if 10^k divides cb * 2^q (k > 0; for k < 0, 2^q has too many
   * factors of two in its denominator) */
  if (sc->k > 0 && sc->k < 24 && cb % k_pow5[sc->k] == 0) {
    *out = integer;
    return true;
  }
  return false;
}

/* The shortest decimal d * 10^e in the rounding interval of c * 2^q
 * (asymmetric: c is its binade's least significand above the smallest
 * binade). false when undecided (see the opening comment). */
static bool shortest_decimal(uint64_t c, int q, bool asymmetric, uint64_t *d, int *e) {
  /* floor((q * MUL - offset) / 2^SHIFT), shifted clear of negative numbers
   * (whose right shift C leaves to the implementation) */
  const int32_t bias = 512;
  const int k = (int)(((int32_t)q * QV__LOG10_POW2_MUL - (asymmetric ? QV__LOG10_POW2_ASYM_OFFSET : 0) +
                       (bias << QV__LOG10_POW2_SHIFT)) >>
                      QV__LOG10_POW2_SHIFT) -
                bias;
  const int index = -k - QV__POW10_E_MIN;
  scale sc;
  sc.hi = k_pow10_table[index].hi;
  sc.lo = k_pow10_table[index].lo;
  sc.shift = 1 + q + k_pow10_table[index].beta; /* 128 - (127 - q - beta), in [1, 4] */
  sc.k = k;
  sc.exact = -k >= 0 && -k <= 55;
  const uint64_t cb = c << 2;
  const uint64_t cbl = cb - (asymmetric ? 1 : 2), cbr = cb + 2;
  uint64_t vb, vbl, vbr;
  if (!round_to_odd(cb, &sc, &vb) || !round_to_odd(cbl, &sc, &vbl) || !round_to_odd(cbr, &sc, &vbr)) return false;
  /* closed interval (c even): a bound itself reads back */
  const uint64_t open = c & 1;
  const uint64_t s = vb >> 2;
  /* the multiples of ten around s: 10t and 10(t + 1) */
  const uint64_t t = s / 10;
  const bool low_ten_in = vbl + open <= 40 * t;
  const bool high_ten_in = 40 * (t + 1) + open <= vbr;
  if (low_ten_in != high_ten_in) {
    *d = low_ten_in ? t : t + 1;
    *e = k + 1;
    return true;
  }
  const bool s_in = vbl + open <= 4 * s;
  const bool s1_in = 4 * (s + 1) + open <= vbr;
  if (s_in != s1_in) {
    *d = s_in ? s : s + 1;
  } else if (s_in) { /* both: the nearer to u = vb / 4, the even one at a tie */
    const uint64_t mid = 4 * s + 2;
    *d = vb < mid || (vb == mid && (s & 1) == 0) ? s : s + 1;
  } else {
    return false; /* cannot happen: R / 10^k is at least 1 wide */
  }
  *e = k;
  return true;
}

/* Writes d's digits (trailing zeros dropped) and the decimal exponent of
 * the first for d * 10^e. */
static void emit(uint64_t d, int e, char *digits, int *n_digits, int *exp10) {
  int n = qv__print_u64_text(d, digits);
  *exp10 = n - 1 + e;
  while (n > 1 && digits[n - 1] == '0') n--;
  digits[n] = '\0';
  *n_digits = n;
}

/* c * 2^q of a finite non-zero double or float; false for zeros, NaN and
 * infinities. */
static bool decode(double v, int bits, uint64_t *c, int *q, bool *asymmetric) {
  if (bits == 64) {
    uint64_t w;
    memcpy(&w, &v, sizeof w);
    const uint64_t fraction = w & ((UINT64_C(1) << 52) - 1);
    const int biased = (int)((w >> 52) & 0x7ff);
    if (biased == 0x7ff || (biased == 0 && fraction == 0)) return false;
    *c = biased > 0 ? fraction | UINT64_C(1) << 52 : fraction;
    *q = biased > 0 ? biased - 1075 : -1074;
    *asymmetric = fraction == 0 && biased > 1;
    return true;
  }
  const float f = (float)v;
  uint32_t w;
  memcpy(&w, &f, sizeof w);
  const uint32_t fraction = w & ((UINT32_C(1) << 23) - 1);
  const int biased = (int)((w >> 23) & 0xff);
  if (biased == 0xff || (biased == 0 && fraction == 0)) return false;
  *c = biased > 0 ? fraction | UINT32_C(1) << 23 : fraction;
  *q = biased > 0 ? biased - 150 : -149;
  *asymmetric = fraction == 0 && biased > 1;
  return true;
}

bool qv__print_shortest_decimal(double v, int bits, uint64_t *d, int *e) {
  uint64_t c;
  int q;
  bool asymmetric;
  if (!decode(v, bits, &c, &q, &asymmetric) || !shortest_decimal(c, q, asymmetric, d, e)) return false;
  while (*d % 10 == 0) { /* d > 0: v is not zero */
    *d /= 10;
    ++*e;
  }
  return true;
}

bool qv__print_shortest_fast(double v, char *digits, int *n_digits, int *exp10) {
  uint64_t d;
  int e;
  if (!qv__print_shortest_decimal(v, 64, &d, &e)) return false;
  emit(d, e, digits, n_digits, exp10);
  return true;
}

bool qv__print_shortest_float_fast(float v, char *digits, int *n_digits, int *exp10) {
  uint64_t d;
  int e;
  if (!qv__print_shortest_decimal(v, 32, &d, &e)) return false;
  emit(d, e, digits, n_digits, exp10);
  return true;
}
