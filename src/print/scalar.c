/* quiver print: text of one leaf value, type-aware, matching pyarrow.
 *
 * Numbers: integers in decimal; floats as the shortest round-trip digits
 * (print/shortest.c finds them with integer arithmetic; snprintf/strtod,
 * slow but exact, remain as the fallback it never needed in testing) laid out by the rules of
 * Arrow C++'s formatter (double-conversion ToShortest with exponent window
 * [-6, 10), "e+NN" exponents). float16 is decoded exactly and printed as
 * the double it equals, shortest round-trip for a double, which is what
 * pyarrow prints (0.333251953125 and 65504, not the float32-shortest
 * 0.33325195 or the half-shortest 65500); tests/interop checks every one of
 * the 65536 float16 values against pyarrow.
 * Decimals: the Java BigDecimal.toString
 * convention Arrow uses. Dates and times: proleptic Gregorian calendar with
 * floor division, so negative values print correct pre-1970 instants.
 * Bytes are printed raw inside quotes for strings, uppercase hex for binary.
 * Every read goes through the bounds-checked accessors of validate/access.h.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "print/digits.h"
#include "print/internal.h"
#include "core/checked_access.h"
#include "core/half.h"
#include "core/decimal.h"

/* ---- digits without printf (printing millions of values is the CSV and
 * JSON writers' hot path; vsnprintf cost ~1,000 instructions a call) ---- */

static void append_u64(qv_strbuf *sb, uint64_t v) {
  char text[QV__PRINT_U64_MAX];
  qv__strbuf_append_n(sb, text, (size_t)qv__print_u64_text(v, text));
}

static void append_i64(qv_strbuf *sb, int64_t v) {
  char text[QV__PRINT_U64_MAX];
  qv__strbuf_append_n(sb, text, (size_t)qv__print_i64_text(v, text));
}

bool qv__print_is_leaf(const qv_type *t) {
  switch (t->id) {
    case QV_TYPE_NULL:
    case QV_TYPE_LIST:
    case QV_TYPE_LARGE_LIST:
    case QV_TYPE_LIST_VIEW:
    case QV_TYPE_LARGE_LIST_VIEW:
    case QV_TYPE_FIXED_SIZE_LIST:
    case QV_TYPE_STRUCT:
    case QV_TYPE_MAP:
    case QV_TYPE_SPARSE_UNION:
    case QV_TYPE_DENSE_UNION:
    case QV_TYPE_DICTIONARY:
    case QV_TYPE_RUN_END_ENCODED:
    case QV_TYPE_EXTENSION:
      return false;
    default:
      return true;
  }
}

/* ---- floats ---- */

static bool round_trips(const char *text, double v, int bits) {
  const double r = strtod(text, NULL);
  return bits == 64 ? r == v : (float)r == (float)v;
}

/* The decimal with as many digits as `text` ("[-]d.ddde[+-]XX", from
 * %.*e) one unit in the last digit away from it, larger in magnitude for
 * dir > 0, smaller for dir < 0, in the same form. false if there is none
 * (a zero mantissa going down). */
static bool adjacent_decimal(const char *text, int dir, char *out, size_t cap) {
  const bool neg = text[0] == '-';
  const char *p = text + (neg ? 1 : 0);
  char d[24];
  int n = 0;
  for (; *p && *p != 'e' && n < (int)sizeof d - 1; p++)
    if (*p >= '0' && *p <= '9') d[n++] = *p;
  if (*p != 'e' || n == 0) return false;
  int e = atoi(p + 1);
  int k = n - 1;
  if (dir > 0) {
    while (k >= 0 && d[k] == '9') d[k--] = '0';
    if (k < 0) { /* 9.99e4 -> 1.000e5 */
      d[0] = '1';
      e++;
    } else {
      d[k]++;
    }
  } else {
    while (k >= 0 && d[k] == '0') d[k--] = '9';
    if (k < 0) return false;
    d[k]--;
    if (d[0] == '0') { /* 1.000e5 -> 9.999e4 */
      if (n == 1) return false;
      memmove(d, d + 1, (size_t)(n - 1));
      d[n - 1] = '9';
      e--;
    }
  }
  d[n] = '\0';
  int w = snprintf(out, cap, "%s%c%s%se%+d", neg ? "-" : "", d[0], n > 1 ? "." : "", d + 1, e);
  return w > 0 && (size_t)w < cap;
}

static void shortest_slow(double v, int bits, char *digits, int *n_out, int *exp_out);

static int layout_decimal(char *out, bool neg, const char *digits, int n, int exp10);
static int layout_integer(char *out, bool neg, uint64_t d, int e);

int qv__print_float_text(double v, int bits, char *out) {
  if (isnan(v)) return (int)(memcpy(out, "nan", 3), 3);
  if (isinf(v)) return v < 0 ? (int)(memcpy(out, "-inf", 4), 4) : (int)(memcpy(out, "inf", 3), 3);
  if (v == 0) return signbit(v) ? (int)(memcpy(out, "-0", 2), 2) : (int)(memcpy(out, "0", 1), 1);
  uint64_t d;
  int e;
  if (qv__print_shortest_decimal(v, bits, &d, &e)) return layout_integer(out, v < 0, d, e);
  char digits[24];
  int n = 0, exp10 = 0;
  shortest_slow(v, bits, digits, &n, &exp10);
  return layout_decimal(out, v < 0, digits, n, exp10);
}

void qv__print_float(qv_strbuf *sb, double v, int bits) {
  char text[QV__PRINT_FLOAT_MAX];
  qv__strbuf_append_n(sb, text, (size_t)qv__print_float_text(v, bits, text));
}

/* The shortest digits of v that read back as v (as a float when bits is
 * 32), by snprintf and strtod: exact for every value, powers of two
 * included, but thousands of instructions per value. */
static void shortest_slow(double v, int bits, char *digits, int *n_out, int *exp_out) {
  char text[40];
  const int max_digits = bits == 64 ? 17 : 9;
  int first = 1;
  int exp2;
  const bool power_of_two = bits == 64 ? frexp(v, &exp2) == 0.5 || frexp(v, &exp2) == -0.5
                                       : frexpf((float)v, &exp2) == 0.5f || frexpf((float)v, &exp2) == -0.5f;
  if (!power_of_two) {
    /* Every value but a power of two rounds from an interval symmetric
     * around it, so if the nearest p-digit decimal reads back, so does the
     * nearest (p+1)-digit one, and an adjacent decimal never reads back
     * where the nearest does not. A binary search then finds the shortest
     * precision in about 4 conversions instead of up to 17 (the loop below
     * confirms it at once); powers of two keep the full walk. */
    int lo = 1, hi = max_digits;
    while (lo < hi) {
      const int mid = (lo + hi) / 2;
      snprintf(text, sizeof text, "%.*e", mid - 1, v);
      if (round_trips(text, v, bits)) hi = mid;
      else lo = mid + 1;
    }
    first = lo;
  }
  for (int prec = first; prec <= max_digits; prec++) {
    snprintf(text, sizeof text, "%.*e", prec - 1, v);
    if (round_trips(text, v, bits)) break;
    /* v's nearest prec-digit decimal may miss while the decimal on v's
     * other side round-trips (a tie rounded to even, or v a power of two,
     * whose lower neighbour is closer): 2^-24 prints 5.960464477539063e-8,
     * the shortest, as pyarrow does, not 5.9604644775390625e-8. */
    char other[40];
    if (adjacent_decimal(text, 1, other, sizeof other) && round_trips(other, v, bits)) {
      memcpy(text, other, sizeof text);
      break;
    }
    if (adjacent_decimal(text, -1, other, sizeof other) && round_trips(other, v, bits)) {
      memcpy(text, other, sizeof text);
      break;
    }
  }
  /* text = [-]d[.ddd]e[+-]XX */
  int n = 0;
  const char *p = text;
  if (*p == '-') p++;
  for (; *p && *p != 'e'; p++)
    if (*p >= '0' && *p <= '9') digits[n++] = *p;
  *exp_out = atoi(p + 1);
  while (n > 1 && digits[n - 1] == '0') n--;
  digits[n] = '\0';
  *n_out = n;
}

/* Lays out [-]digits x 10^exp10 as Arrow C++'s formatter does: plain
 * notation for exponents in [-6, 10), else d.ddde+XX. At most a sign, 17
 * digits, "0." and 5 zeros or a point, "e-324": within
 * QV__PRINT_FLOAT_MAX. */
static int layout_decimal(char *text, bool neg, const char *digits, int n, int exp10) {
  int len = 0;
  if (neg) text[len++] = '-';
  if (exp10 >= 0 && exp10 < 10) {
    for (int k = 0; k <= exp10; k++) text[len++] = k < n ? digits[k] : '0';
    if (n > exp10 + 1) {
      text[len++] = '.';
      memcpy(text + len, digits + exp10 + 1, (size_t)(n - exp10 - 1));
      len += n - exp10 - 1;
    }
  } else if (exp10 < 0 && exp10 >= -6) {
    text[len++] = '0';
    text[len++] = '.';
    for (int k = 0; k < -exp10 - 1; k++) text[len++] = '0';
    memcpy(text + len, digits, (size_t)n);
    len += n;
  } else {
    text[len++] = digits[0];
    if (n > 1) {
      text[len++] = '.';
      memcpy(text + len, digits + 1, (size_t)(n - 1));
      len += n - 1;
    }
    text[len++] = 'e';
    text[len++] = exp10 < 0 ? '-' : '+';
    len += qv__print_u64_text((uint64_t)(exp10 < 0 ? -exp10 : exp10), text + len);
  }
  return len;
}

/* layout_decimal's text for [-]d x 10^e (d > 0 without trailing zeros),
 * with the digits written in place instead of copied from a string: this
 * is the path every float of a CSV or JSON Lines file takes. */
static int layout_integer(char *out, bool neg, uint64_t d, int e) {
  char *p = out;
  if (neg) *p++ = '-';
  const int n = qv__print_u64_len(d);
  const int exp10 = n - 1 + e;
  if (exp10 >= 0 && exp10 < 10) {
    if (e >= 0) { /* an integer: the digits, then e zeros */
      qv__print_u64_backwards(d, p + n);
      p += n;
      for (int k = 0; k < e; k++) *p++ = '0';
      return (int)(p - out);
    }
    /* the digits one place right, then the integer part back left of the point */
    qv__print_u64_backwards(d, p + 1 + n);
    for (int k = 0; k <= exp10; k++) p[k] = p[k + 1];
    p[exp10 + 1] = '.';
    return (int)(p + n + 1 - out);
  }
  if (exp10 < 0 && exp10 >= -6) {
    memcpy(p, "0.000000", 8);
    p += 2 + (-exp10 - 1);
    qv__print_u64_backwards(d, p + n);
    return (int)(p + n - out);
  }
  qv__print_u64_backwards(d, p + 1 + n);
  p[0] = p[1];
  if (n > 1) {
    p[1] = '.';
    p += n + 1;
  } else {
    p += 1;
  }
  *p++ = 'e';
  *p++ = exp10 < 0 ? '-' : '+';
  p += qv__print_u64_text((uint64_t)(exp10 < 0 ? -exp10 : exp10), p);
  return (int)(p - out);
}

/* ---- decimals ---- */

static void print_decimal(qv_strbuf *sb, const uint8_t *p, int32_t bit_width, int32_t scale) {
  uint64_t w[4], mag[4];
  char d[80];
  qv__decimal_load(p, bit_width, w);
  const bool neg = qv__decimal_abs(w, mag);
  const int n = qv__decimal_digits(mag, d);
  if (neg) qv__strbuf_appendc(sb, '-');
  if (scale == 0) {
    qv__strbuf_append(sb, d);
    return;
  }
  const int64_t adjusted = (int64_t)n - 1 - scale;
  if (scale < 0 || adjusted < -6) {
    qv__strbuf_appendc(sb, d[0]);
    if (n > 1) {
      qv__strbuf_appendc(sb, '.');
      qv__strbuf_append(sb, d + 1);
    }
    qv__strbuf_appendf(sb, "E%s%lld", adjusted >= 0 ? "+" : "", (long long)adjusted);
  } else if (n > scale) {
    qv__strbuf_append_n(sb, d, (size_t)(n - scale));
    qv__strbuf_appendc(sb, '.');
    qv__strbuf_append(sb, d + n - scale);
  } else {
    qv__strbuf_append(sb, "0.");
    qv__strbuf_append_repeat(sb, '0', (size_t)(scale - n));
    qv__strbuf_append(sb, d);
  }
}

/* ---- dates and times ---- */

static inline int64_t floor_div(int64_t a, int64_t b, int64_t *rem) {
  int64_t q = a / b, r = a % b;
  if (r < 0) {
    r += b;
    q -= 1;
  }
  *rem = r;
  return q;
}

/* Days since 1970-01-01 -> civil date (proleptic Gregorian). */
static void civil_from_days(int64_t z, int64_t *y, int *m, int *d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

int qv__print_date_text(int64_t days, char *out) {
  if (days > INT64_C(100000000000000) || days < -INT64_C(100000000000000))
    return snprintf(out, QV__PRINT_DATE_MAX, "<value out of range: %lld>", (long long)days);
  int64_t y;
  int m, d;
  civil_from_days(days, &y, &m, &d);
  int len;
  if (y >= 0 && y <= 9999) { /* four digits, zero-padded */
    qv__print_2_digits((uint32_t)(y / 100), out);
    qv__print_2_digits((uint32_t)(y % 100), out + 2);
    len = 4;
  } else {
    len = qv__print_i64_text(y, out);
  }
  out[len] = '-';
  qv__print_2_digits((uint32_t)m, out + len + 1);
  out[len + 3] = '-';
  qv__print_2_digits((uint32_t)d, out + len + 4);
  return len + 6;
}

static void print_date(qv_strbuf *sb, int64_t days) {
  char text[QV__PRINT_DATE_MAX];
  qv__strbuf_append_n(sb, text, (size_t)qv__print_date_text(days, text));
}

static int64_t unit_per_second(qv_time_unit u) {
  return u == QV_UNIT_SECOND ? 1 : u == QV_UNIT_MILLI ? 1000 : u == QV_UNIT_MICRO ? 1000000 : 1000000000;
}
static int unit_digits(qv_time_unit u) {
  return u == QV_UNIT_SECOND ? 0 : u == QV_UNIT_MILLI ? 3 : u == QV_UNIT_MICRO ? 6 : 9;
}

/* hh:mm:ss[.fraction] of `secs` (< 86400) seconds and `frac` units (below
 * one second) into the day; returns the length (at most 18). */
static int hms_text(int64_t secs, int64_t frac, qv_time_unit u, char *out) {
  qv__print_2_digits((uint32_t)(secs / 3600), out);
  out[2] = ':';
  qv__print_2_digits((uint32_t)(secs / 60 % 60), out + 3);
  out[5] = ':';
  qv__print_2_digits((uint32_t)(secs % 60), out + 6);
  if (u == QV_UNIT_SECOND) return 8;
  out[8] = '.';
  /* the fraction zero-padded to the unit's digits: the low digits of 10^9 + frac */
  char ten[10];
  qv__print_u64_backwards(UINT64_C(1000000000) + (uint64_t)frac, ten + sizeof ten);
  const int digits = unit_digits(u);
  memcpy(out + 9, ten + sizeof ten - digits, (size_t)digits);
  return 9 + digits;
}

static void print_time(qv_strbuf *sb, int64_t v, qv_time_unit u) {
  const int64_t per = unit_per_second(u);
  if (v < 0 || v >= 86400 * per) {
    qv__strbuf_appendf(sb, "<value out of range: %lld>", (long long)v);
    return;
  }
  char text[24];
  qv__strbuf_append_n(sb, text, (size_t)hms_text(v / per, v % per, u, text));
}

int qv__print_timestamp_text(int64_t v, qv_time_unit unit, bool zoned, qv__print_day_cache *cache, char *out) {
  int64_t frac = 0, sod, secs;
  switch (unit) { /* constant divisors: a multiplication each, not a division */
    case QV_UNIT_SECOND: secs = v; break;
    case QV_UNIT_MILLI: secs = floor_div(v, 1000, &frac); break;
    case QV_UNIT_MICRO: secs = floor_div(v, 1000000, &frac); break;
    default: secs = floor_div(v, 1000000000, &frac); break;
  }
  const int64_t days = floor_div(secs, 86400, &sod);
  if (!cache->valid || cache->day != days) {
    cache->len = qv__print_date_text(days, cache->text);
    cache->text[cache->len++] = ' ';
    cache->day = days;
    cache->valid = true;
  }
  memcpy(out, cache->text, (size_t)cache->len);
  int len = cache->len;
  len += hms_text(sod, frac, unit, out + len);
  if (zoned) out[len++] = 'Z';
  return len;
}

static void print_timestamp(qv_strbuf *sb, int64_t v, const qv_type *t) {
  char text[QV__PRINT_TIMESTAMP_MAX];
  qv__print_day_cache cache = {0};
  const bool zoned = t->timezone != NULL && t->timezone[0] != '\0';
  qv__strbuf_append_n(sb, text, (size_t)qv__print_timestamp_text(v, t->unit, zoned, &cache, text));
}

/* ---- bytes ---- */

static void print_bytes(qv_strbuf *sb, const uint8_t *p, int64_t n, bool text, const qv_print_options *o) {
  int64_t shown = n;
  const bool cut = o->max_string_bytes >= 0 && n > o->max_string_bytes;
  if (cut) {
    shown = o->max_string_bytes;
    if (text)
      while (shown > 0 && (p[shown] & 0xC0) == 0x80) shown--; /* keep whole characters */
  }
  if (text) {
    qv__strbuf_appendc(sb, '"');
    qv__strbuf_append_n(sb, (const char *)p, (size_t)shown);
    if (cut) qv__strbuf_append(sb, "...");
    qv__strbuf_appendc(sb, '"');
    return;
  }
  static const char hex[] = "0123456789ABCDEF";
  for (int64_t k = 0; k < shown; k++) {
    qv__strbuf_appendc(sb, hex[p[k] >> 4]);
    qv__strbuf_appendc(sb, hex[p[k] & 15]);
  }
  if (cut) qv__strbuf_append(sb, "...");
}

/* ---- dispatch ---- */

bool qv__print_leaf(qv_strbuf *sb, const qv_array *a, int64_t i, const qv_print_options *o) {
  const qv_type *t = qv_type_storage(a->type);
  const uint8_t *d = qv__buf_data(a, 1);
  const int64_t j = a->offset + i;
  switch (t->id) {
    case QV_TYPE_BOOL:
      qv__strbuf_append(sb, qv_bit_get(d, j) ? "true" : "false");
      return true;
    case QV_TYPE_INT8:
    case QV_TYPE_INT16:
    case QV_TYPE_INT32:
    case QV_TYPE_INT64:
    case QV_TYPE_DURATION:
      append_i64(sb, qv__load_int(d, t->bit_width / 8, j));
      return true;
    case QV_TYPE_UINT8:
    case QV_TYPE_UINT16:
    case QV_TYPE_UINT32:
    case QV_TYPE_UINT64: {
      const int bytes = t->bit_width / 8;
      uint64_t v = (uint64_t)qv__load_int(d, bytes, j);
      if (bytes < 8) v &= (UINT64_C(1) << (bytes * 8)) - 1;
      append_u64(sb, v);
      return true;
    }
    case QV_TYPE_FLOAT16: {
      uint16_t h;
      memcpy(&h, d + j * 2, 2);
      qv__print_float(sb, (double)qv__half_to_float(h), 64); /* exact: every half is a double */
      return true;
    }
    case QV_TYPE_FLOAT32: {
      float f;
      memcpy(&f, d + j * 4, 4);
      qv__print_float(sb, f, 32);
      return true;
    }
    case QV_TYPE_FLOAT64: {
      double f;
      memcpy(&f, d + j * 8, 8);
      qv__print_float(sb, f, 64);
      return true;
    }
    case QV_TYPE_DECIMAL32:
    case QV_TYPE_DECIMAL64:
    case QV_TYPE_DECIMAL128:
    case QV_TYPE_DECIMAL256:
      print_decimal(sb, d + j * (t->bit_width / 8), t->bit_width, t->scale);
      return true;
    case QV_TYPE_DATE32:
      print_date(sb, qv__load_int(d, 4, j));
      return true;
    case QV_TYPE_DATE64: {
      int64_t rem;
      print_date(sb, floor_div(qv__load_int(d, 8, j), INT64_C(86400000), &rem));
      return true;
    }
    case QV_TYPE_TIME32:
      print_time(sb, qv__load_int(d, 4, j), t->unit);
      return true;
    case QV_TYPE_TIME64:
      print_time(sb, qv__load_int(d, 8, j), t->unit);
      return true;
    case QV_TYPE_TIMESTAMP:
      print_timestamp(sb, qv__load_int(d, 8, j), t);
      return true;
    case QV_TYPE_INTERVAL_MONTHS:
      qv__strbuf_appendf(sb, "%dM", (int)qv__load_int(d, 4, j));
      return true;
    case QV_TYPE_INTERVAL_DAY_TIME:
      qv__strbuf_appendf(sb, "%dd%dms", (int)qv__load_int(d, 4, 2 * j), (int)qv__load_int(d, 4, 2 * j + 1));
      return true;
    case QV_TYPE_INTERVAL_MONTH_DAY_NANO:
      qv__strbuf_appendf(sb, "%dM%dd%lldns", (int)qv__load_int(d, 4, 4 * j), (int)qv__load_int(d, 4, 4 * j + 1),
                        (long long)qv__load_int(d, 8, 2 * j + 1));
      return true;
    case QV_TYPE_BINARY:
    case QV_TYPE_STRING:
    case QV_TYPE_LARGE_BINARY:
    case QV_TYPE_LARGE_STRING:
    case QV_TYPE_BINARY_VIEW:
    case QV_TYPE_STRING_VIEW:
    case QV_TYPE_FIXED_SIZE_BINARY: {
      const uint8_t *p;
      int64_t n;
      if (!qv__bytes_slot(a, i, &p, &n)) return false;
      const bool text = t->id == QV_TYPE_STRING || t->id == QV_TYPE_LARGE_STRING || t->id == QV_TYPE_STRING_VIEW;
      print_bytes(sb, p, n, text, o);
      return true;
    }
    default:
      return false;
  }
}
