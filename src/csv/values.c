/* quiver csv: parsers for the text forms of the inferred types. Each
 * accepts exactly the whole text or nothing (no surrounding spaces, no
 * partial numbers), so a value is never read as something it is not;
 * out-of-range numbers and impossible dates are rejected, not wrapped.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/float_text.h"
#include "csv/internal.h"

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* Spaces and tabs around a number, date or time are ignored, as pyarrow
 * ignores them (not around booleans and timestamps, as pyarrow). */
static inline void trim(const char **s, int64_t *n) {
  const char *p = *s;
  int64_t k = *n;
  if (k > 0 && (uint8_t)p[0] > ' ' && (uint8_t)p[k - 1] > ' ') return; /* the usual case: nothing to trim */
  while (k > 0 && (p[0] == ' ' || p[0] == '\t')) p++, k--;
  while (k > 0 && (p[k - 1] == ' ' || p[k - 1] == '\t')) k--;
  *s = p;
  *n = k;
}

bool qv__csv_parse_int64(const char *s, int64_t n, int64_t *out) {
  trim(&s, &n);
  int64_t i = 0;
  bool neg = false;
  if (n > 0 && s[0] == '-') {
    neg = true;
    i = 1;
  }
  if (i >= n) return false;
  if (n - i <= 19) { /* 19 digits fit uint64: no checks per digit, one range check at the end */
    uint64_t u = 0, eight;
    for (; n - i >= 8 && qv__eight_digits(s + i, &eight); i += 8) u = u * 100000000 + eight;
    for (; i < n; i++) {
      const unsigned d = (unsigned)(s[i] - '0');
      if (d > 9) return false;
      u = u * 10 + d;
    }
    if (u > (uint64_t)INT64_MAX + (neg ? 1u : 0u)) return false;
    *out = neg ? (int64_t)(0 - u) : (int64_t)u;
    return true;
  }
  /* Accumulate negatively so INT64_MIN parses. */
  int64_t v = 0;
  for (; i < n; i++) {
    if (!is_digit(s[i])) return false;
    if (qv__mul_overflow_i64(v, 10, &v) || qv__sub_overflow_i64(v, s[i] - '0', &v)) return false;
  }
  if (!neg) {
    if (v == INT64_MIN) return false;
    v = -v;
  }
  *out = v;
  return true;
}

static bool equals_nocase(const char *s, int64_t n, const char *word) {
  const size_t w = strlen(word);
  if ((size_t)n != w) return false;
  for (size_t i = 0; i < w; i++) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
    if (c != word[i]) return false;
  }
  return true;
}

bool qv__csv_parse_float64(const char *s, int64_t n, double *out) {
  trim(&s, &n);
  int64_t i = 0;
  bool neg = false;
  if (n > 0 && s[0] == '-') {
    neg = true;
    i = 1;
  }
  const char *r = s + i;
  const int64_t rn = n - i;
  if (rn > 0 && (r[0] | 0x20) == 'i' && (equals_nocase(r, rn, "inf") || equals_nocase(r, rn, "infinity"))) {
    *out = neg ? -INFINITY : INFINITY;
    return true;
  }
  if (rn > 0 && (r[0] | 0x20) == 'n' && equals_nocase(r, rn, "nan")) {
    *out = neg ? -NAN : NAN;
    return true;
  }
  /* digits [. digits] [e [+-] digits], at least one mantissa digit. Up to
   * 19 digits (leading zeros included) are gathered into `mantissa` for the
   * exact fast paths below; longer ones go to strtod. */
  int64_t int_digits = 0, frac_digits = 0;
  uint64_t mantissa = 0, eight;
  /* (mantissa * 10^8 + eight wraps past 19 digits exactly as 8 single steps would) */
  for (; n - i >= 8 && qv__eight_digits(s + i, &eight); i += 8, int_digits += 8)
    mantissa = mantissa * 100000000 + eight;
  while (i < n && is_digit(s[i])) {
    mantissa = mantissa * 10 + (uint64_t)(s[i] - '0'); /* wraps past 19 digits; unused then */
    i++, int_digits++;
  }
  if (i < n && s[i] == '.') {
    i++;
    for (; n - i >= 8 && qv__eight_digits(s + i, &eight); i += 8, frac_digits += 8)
      mantissa = mantissa * 100000000 + eight;
    while (i < n && is_digit(s[i])) {
      mantissa = mantissa * 10 + (uint64_t)(s[i] - '0');
      i++, frac_digits++;
    }
  }
  const int64_t mantissa_digits = int_digits + frac_digits;
  const int64_t dropped = mantissa_digits > 19;
  if (mantissa_digits == 0) return false;
  int64_t exp10 = 0;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    i++;
    bool exp_neg = false;
    if (i < n && (s[i] == '+' || s[i] == '-')) exp_neg = s[i++] == '-';
    int64_t exp_digits = 0;
    while (i < n && is_digit(s[i])) {
      if (exp10 < 100000) exp10 = exp10 * 10 + (s[i] - '0');
      i++, exp_digits++;
    }
    if (exp_digits == 0) return false;
    if (exp_neg) exp10 = -exp10;
  }
  if (i != n) return false;
  if (dropped == 0 && qv__float_from_decimal(mantissa, exp10 - frac_digits, neg, out)) return true;
  /* strtod needs a terminator; the syntax was checked above, so strtod
   * sees only a decimal number (no hex, no locale-dependent text). */
  char small[64];
  char *buf = small;
  if (n >= (int64_t)sizeof small) {
    buf = malloc((size_t)n + 1);
    if (buf == NULL) return false; /* treated as "not a float": the column becomes string, not wrong */
  }
  memcpy(buf, s, (size_t)n);
  buf[n] = '\0';
  *out = strtod(buf, NULL);
  if (buf != small) free(buf);
  return true;
}

bool qv__csv_parse_date32(const char *s, int64_t n, int32_t *out) {
  trim(&s, &n);
  return qv__iso_parse_date(s, n, out);
}

bool qv__csv_parse_time(const char *s, int64_t n, qv__csv_time *out) {
  trim(&s, &n);
  /* hh:mm[:ss[.fraction]], two digits each, hh < 24, mm and ss < 60 */
  if (n < 5 || s[2] != ':') return false;
  unsigned d[6] = {0, 0, 0, 0, 0, 0};
  const int pairs = n >= 8 && s[5] == ':' ? 3 : 2;
  if (pairs == 2 && n != 5) return false;
  for (int k = 0; k < pairs * 2; k++) {
    d[k] = (unsigned)(uint8_t)s[k + k / 2] - '0';
    if (d[k] > 9) return false;
  }
  const unsigned hh = d[0] * 10 + d[1], mm = d[2] * 10 + d[3], ss = d[4] * 10 + d[5];
  if (hh > 23 || mm > 59 || ss > 59) return false;
  out->seconds = (int32_t)(hh * 3600 + mm * 60 + ss);
  out->nanos = 0;
  out->fraction_digits = -1;
  int64_t i = pairs == 3 ? 8 : 5;
  if (i < n) {
    if (pairs != 3 || s[i] != '.') return false;
    i++;
    int digits = 0;
    int32_t nanos = 0;
    for (; i < n; i++, digits++) {
      const unsigned digit = (unsigned)(uint8_t)s[i] - '0';
      if (digit > 9 || digits == 9) return false;
      nanos = nanos * 10 + (int32_t)digit;
    }
    for (int k = digits; k < 9; k++) nanos *= 10;
    out->nanos = nanos;
    out->fraction_digits = digits;
  }
  return true;
}

/* Whether the bytes of w that `digits` selects (0xFF each) are decimal
 * digits: high nibble 3, and adding 6 does not carry out of it. A carry
 * out of some byte (only from one of 0xFA..0xFF, which fails its own test
 * or its separator's) cannot make the whole test pass. */
static inline bool digits_at(uint64_t w, uint64_t digits) {
  const uint64_t highs = 0xF0F0F0F0F0F0F0F0ULL & digits, zeros = 0x3030303030303030ULL & digits;
  return (w & highs) == zeros && ((w + 0x0606060606060606ULL) & highs) == zeros;
}

/* Byte k of w as a number (its digit, once w - '0' in every byte). */
#define BYTE(w, k) ((unsigned)((w) >> (8 * (k))) & 0xFF)

/* The one form most timestamps are written in, "YYYY-MM-DD hh:mm:ss" (or
 * with a T), read as two 8-byte words and three bytes, every digit and
 * separator checked at once; every other form goes to the general
 * ISO-8601 parser, which accepts this one too, with the same result. */
static bool parse_plain_timestamp(const char *s, qv__csv_timestamp *out) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  uint64_t a, b; /* "YYYY-MM-" and "DD hh:mm", byte 0 in the low byte */
  memcpy(&a, s, 8);
  memcpy(&b, s + 8, 8);
  const uint64_t a_digits = 0x00FFFF00FFFFFFFFULL, b_digits = 0xFFFF00FFFF00FFFFULL;
  if ((a & ~a_digits) != 0x2D00002D00000000ULL || !digits_at(a, a_digits)) return false; /* '-' at 4 and 7 */
  const unsigned t = BYTE(b, 2);
  if ((t != ' ' && t != 'T') || BYTE(b, 5) != ':' || !digits_at(b, b_digits) || s[16] != ':') return false;
  const unsigned s1 = (unsigned)(uint8_t)s[17] - '0', s2 = (unsigned)(uint8_t)s[18] - '0';
  if (s1 > 9 || s2 > 9) return false;
  a = (a & a_digits) - (0x3030303030303030ULL & a_digits); /* digits only: no borrow from a separator */
  b = (b & b_digits) - (0x3030303030303030ULL & b_digits);
  const int year = (int)(BYTE(a, 0) * 1000 + BYTE(a, 1) * 100 + BYTE(a, 2) * 10 + BYTE(a, 3));
  const int month = (int)(BYTE(a, 5) * 10 + BYTE(a, 6)), day = (int)(BYTE(b, 0) * 10 + BYTE(b, 1));
  const int hh = (int)(BYTE(b, 3) * 10 + BYTE(b, 4)), mm = (int)(BYTE(b, 6) * 10 + BYTE(b, 7));
  const int ss = (int)(s1 * 10 + s2);
#else
  if (s[4] != '-' || s[7] != '-' || (s[10] != ' ' && s[10] != 'T') || s[13] != ':' || s[16] != ':') return false;
  static const uint8_t k_digit_at[14] = {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18};
  unsigned d[14], bad = 0;
  for (int k = 0; k < 14; k++) {
    d[k] = (unsigned)(uint8_t)s[k_digit_at[k]] - '0';
    bad |= d[k] > 9;
  }
  if (bad) return false;
  const int year = (int)(d[0] * 1000 + d[1] * 100 + d[2] * 10 + d[3]);
  const int month = (int)(d[4] * 10 + d[5]), day = (int)(d[6] * 10 + d[7]);
  const int hh = (int)(d[8] * 10 + d[9]), mm = (int)(d[10] * 10 + d[11]), ss = (int)(d[12] * 10 + d[13]);
#endif
  int64_t days;
  if (!qv__iso_civil_days(year, month, day, &days)) return false;
  if (hh > 23 || mm > 59 || ss > 59) return false;
  out->seconds = days * 86400 + hh * 3600 + mm * 60 + ss;
  out->nanos = 0;
  out->has_fraction = false;
  out->has_zone = false;
  return true;
}

#undef BYTE

bool qv__csv_parse_timestamp(const char *s, int64_t n, qv__csv_timestamp *out) {
  if (n == 19 && parse_plain_timestamp(s, out)) return true;
  return qv__iso_parse_timestamp(s, n, out);
}
