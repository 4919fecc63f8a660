/* Casts to and from the decimal types (decimal32/64/128/256): decimal to
 * decimal (rescale, precision, width), decimal <-> integers, decimal <->
 * float32/64, decimal <-> string forms, with pyarrow's rules.
 *
 * Every value is widened to 256 bits (core/decimal.h) and worked on as a
 * sign and a magnitude of four 64-bit words; results are stored in the
 * target's width (two's complement, low bytes).
 *   - rescale: more fractional digits multiply by a power of ten; fewer
 *     divide, truncating toward zero. safe: dropping a non-zero digit, or
 *     a result with more digits than the target precision, is an error
 *     naming the row and the value. !safe: digits are dropped and results
 *     wrap to the target width, as pyarrow's.
 *   - integer -> decimal: the target must hold every value of the source
 *     type (precision - scale >= the type's digits, scale >= 0), else
 *     QV_ERR_INVALID_ARGUMENT before any row, as pyarrow.
 *   - decimal -> integer: truncates toward zero; safe fails on a dropped
 *     digit or a value out of range, !safe wraps.
 *   - float -> decimal: the float's exact binary value rounded half to even
 *     at the target scale (glibc's printf is exact, so it does the
 *     rounding); NaN, infinities and values beyond the precision fail when
 *     safe and give 0 when not (pyarrow's behaviour).
 *   - decimal -> float: Arrow's algorithm (the words summed, times the
 *     float nearest 10^-scale), so values agree with pyarrow bit for bit;
 *     within an ulp of the exact value.
 *   - string -> decimal: [+-]digits[.digits][e[+-]digits], then rescaled
 *     as above; decimal -> string: pyarrow's text (exponent form for a
 *     negative scale or a tiny value, "1.5E-7").
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "compute/cast_internal.h"
#include "compute/kernel_util.h"
#include "core/decimal.h"
#include "core/internal.h"

/* ---- 256-bit magnitudes ---- */

/* w *= m; returns true when the product leaves 256 bits (w keeps the low bits). */
static bool mul_small(uint64_t w[4], uint64_t m) {
  unsigned __int128 carry = 0;
  for (int k = 0; k < 4; k++) {
    unsigned __int128 v = (unsigned __int128)w[k] * m + carry;
    w[k] = (uint64_t)v;
    carry = v >> 64;
  }
  return carry != 0;
}

/* w /= d; returns the remainder. */
static uint64_t div_small(uint64_t w[4], uint64_t d) {
  unsigned __int128 rem = 0;
  for (int k = 3; k >= 0; k--) {
    unsigned __int128 cur = rem << 64 | w[k];
    w[k] = (uint64_t)(cur / d);
    rem = cur % d;
  }
  return (uint64_t)rem;
}

/* w += v; true on overflow past 256 bits. */
static bool add_small(uint64_t w[4], uint64_t v) {
  for (int k = 0; k < 4 && v; k++) {
    w[k] += v;
    v = w[k] < v;
  }
  return v != 0;
}

/* out = a - b (a >= b). */
static void sub(const uint64_t a[4], const uint64_t b[4], uint64_t out[4]) {
  unsigned borrow = 0;
  for (int k = 0; k < 4; k++) {
    uint64_t d = a[k] - b[k] - borrow;
    borrow = a[k] < b[k] || (a[k] == b[k] && borrow);
    out[k] = d;
  }
}

static int compare(const uint64_t a[4], const uint64_t b[4]) {
  for (int k = 3; k >= 0; k--)
    if (a[k] != b[k]) return a[k] < b[k] ? -1 : 1;
  return 0;
}

static bool is_zero(const uint64_t w[4]) { return (w[0] | w[1] | w[2] | w[3]) == 0; }

static const uint64_t POW10_19 = 10000000000000000000ull;

static uint64_t pow10_u64(int k) {
  uint64_t p = 1;
  while (k-- > 0) p *= 10;
  return p;
}

/* mag *= 10^k; true on overflow past 256 bits. */
static bool scale_up(uint64_t mag[4], int64_t k) {
  bool over = false;
  if (k > 80) return !is_zero(mag);
  while (k > 0) {
    int step = k > 19 ? 19 : (int)k;
    over |= mul_small(mag, step == 19 ? POW10_19 : pow10_u64(step));
    k -= step;
  }
  return over;
}

/* mag /= 10^k truncating; true when a non-zero digit was dropped. */
static bool scale_down(uint64_t mag[4], int64_t k) {
  bool lost = false;
  if (k > 80) {
    lost = !is_zero(mag);
    memset(mag, 0, 32);
    return lost;
  }
  while (k > 0) {
    int step = k > 19 ? 19 : (int)k;
    lost |= div_small(mag, step == 19 ? POW10_19 : pow10_u64(step)) != 0;
    k -= step;
  }
  return lost;
}

static void negate(uint64_t w[4]) {
  unsigned carry = 1;
  for (int k = 0; k < 4; k++) {
    w[k] = ~w[k] + carry;
    carry = carry && w[k] == 0;
  }
}

/* Signed 256-bit value from a sign and a magnitude (wrapping). */
static void signed_of(bool neg, const uint64_t mag[4], uint64_t w[4]) {
  memcpy(w, mag, 32);
  if (neg) negate(w);
}

/* Text of a decimal value as pyarrow writes it (out: >= 200 bytes). */
static int decimal_text(bool neg, const uint64_t mag[4], int32_t scale, char *out) {
  char d[80];
  int n = qv__decimal_digits(mag, d), w = 0;
  if (neg) out[w++] = '-';
  if (scale == 0) return w + sprintf(out + w, "%s", d);
  int64_t adjusted = (int64_t)n - 1 - scale;
  if (scale < 0 || adjusted < -6) {
    out[w++] = d[0];
    if (n > 1) w += sprintf(out + w, ".%s", d + 1);
    return w + sprintf(out + w, "E%s%lld", adjusted >= 0 ? "+" : "", (long long)adjusted);
  }
  if (n > scale) return w + sprintf(out + w, "%.*s.%s", n - scale, d, d + n - scale);
  w += sprintf(out + w, "0.");
  for (int64_t z = 0; z < scale - n; z++) out[w++] = '0';
  return w + sprintf(out + w, "%s", d);
}

/* ---- reading the source ---- */

static bool is_decimal(qv_type_id id) {
  return id == QV_TYPE_DECIMAL32 || id == QV_TYPE_DECIMAL64 || id == QV_TYPE_DECIMAL128 || id == QV_TYPE_DECIMAL256;
}

/* Sign and magnitude of decimal row i. */
static bool load_row(const qv_array *a, int64_t i, uint64_t mag[4]) {
  uint64_t w[4];
  int32_t bytes = a->type->bit_width / 8;
  qv__decimal_load(qv_array_buffer_data(a, 1) + (a->offset + i) * bytes, a->type->bit_width, w);
  return qv__decimal_abs(w, mag);
}

static void store(uint8_t *dst, int32_t bit_width, const uint64_t w[4]) { memcpy(dst, w, (size_t)(bit_width / 8)); }

static qv_status value_error(int64_t row, bool neg, const uint64_t mag[4], int32_t scale, const qv_type *to,
                             const char *why, qv_error *err) {
  char text[200], name[64];
  decimal_text(neg, mag, scale, text);
  qv_type_format(to, name, sizeof name);
  return qv_error_set(err, QV_ERR_INVALID_DATA, "cast: row %lld: value %s %s %s (pass safe=false to %s)",
                      (long long)row, text, why, name, strstr(why, "digits") ? "truncate" : "wrap");
}

/* ---- decimal -> decimal ---- */

/* Rescales sign/mag from scale `from` to `to_scale`; sets *lost / *over. */
static void rescale(uint64_t mag[4], int32_t from, int32_t to_scale, bool *lost, bool *over) {
  *lost = *over = false;
  if (to_scale > from) *over = scale_up(mag, (int64_t)to_scale - from);
  else if (to_scale < from) *lost = scale_down(mag, (int64_t)from - to_scale);
}

static qv_status to_decimal_from_decimal(const qv_array *a, qv_type *to, bool safe, uint8_t *dst, qv_error *err) {
  for (int64_t i = 0; i < a->length; i++) {
    if (!qv_array_is_valid(a, i)) continue;
    uint64_t mag[4], orig[4], w[4];
    bool neg = load_row(a, i, mag), lost, over;
    memcpy(orig, mag, 32);
    rescale(mag, a->type->scale, to->scale, &lost, &over);
    if (safe && lost) return value_error(i, neg, orig, a->type->scale, to, "loses digits going to", err);
    signed_of(neg, mag, w);
    if (safe && (over || !qv__decimal_fits(w, to->precision)))
      return value_error(i, neg, orig, a->type->scale, to, "does not fit the precision of", err);
    store(dst + i * (to->bit_width / 8), to->bit_width, w);
  }
  return QV_OK;
}

/* ---- integers ---- */

static int integer_digits(qv_type_id id) {
  switch (id) { /* digits of the widest value of each integer type */
    case QV_TYPE_INT8:
    case QV_TYPE_UINT8: return 3;
    case QV_TYPE_INT16:
    case QV_TYPE_UINT16: return 5;
    case QV_TYPE_INT32:
    case QV_TYPE_UINT32: return 10;
    case QV_TYPE_INT64: return 19;
    default: return 20;
  }
}

static qv_status to_decimal_from_integer(const qv_array *a, qv_type *to, uint8_t *dst, qv_error *err) {
  int width = a->type->bit_width / 8;
  bool is_signed = qv_type_is_signed_integer(a->type->id);
  const uint8_t *src = qv_array_buffer_data(a, 1);
  for (int64_t i = 0; i < a->length; i++) {
    if (!qv_array_is_valid(a, i)) continue;
    uint64_t raw = 0, mag[4] = {0}, w[4];
    memcpy(&raw, src + (a->offset + i) * width, (size_t)width);
    bool neg = false;
    if (is_signed) {
      int shift = 64 - 8 * width;
      int64_t v = (int64_t)(raw << shift) >> shift;
      neg = v < 0;
      raw = neg ? 0 - (uint64_t)v : (uint64_t)v;
    }
    mag[0] = raw;
    scale_up(mag, to->scale); /* cannot overflow: checked against the type's digits */
    signed_of(neg, mag, w);
    store(dst + i * (to->bit_width / 8), to->bit_width, w);
  }
  (void)err;
  return QV_OK;
}

static qv_status from_decimal_to_integer(const qv_array *a, qv_type *to, bool safe, uint8_t *dst, qv_error *err) {
  int width = to->bit_width / 8, bits = to->bit_width;
  bool is_signed = qv_type_is_signed_integer(to->id);
  for (int64_t i = 0; i < a->length; i++) {
    if (!qv_array_is_valid(a, i)) continue;
    uint64_t mag[4], orig[4], w[4];
    bool neg = load_row(a, i, mag), lost = false, over = false;
    memcpy(orig, mag, 32);
    rescale(mag, a->type->scale, 0, &lost, &over);
    if (safe && lost) return value_error(i, neg, orig, a->type->scale, to, "loses digits going to", err);
    if (safe) {
      /* In range: magnitude below 2^(bits-1) (signed; one more when negative) or 2^bits. */
      bool high = over || mag[1] != 0 || mag[2] != 0 || mag[3] != 0;
      uint64_t lim = is_signed ? (bits == 64 ? (uint64_t)INT64_MAX : ((uint64_t)1 << (bits - 1)) - 1)
                               : (bits == 64 ? UINT64_MAX : ((uint64_t)1 << bits) - 1);
      bool bad = high || (neg ? (!is_signed ? !is_zero(mag) : mag[0] > lim + 1) : mag[0] > lim);
      if (bad) return value_error(i, neg, orig, a->type->scale, to, "is out of the range of", err);
    }
    signed_of(neg, mag, w);
    memcpy(dst + i * width, w, (size_t)width);
  }
  return QV_OK;
}

/* ---- floats ---- */

static qv_status to_decimal_from_float(const qv_array *a, qv_type *to, bool safe, uint8_t *dst, qv_error *err) {
  bool f32 = a->type->id == QV_TYPE_FLOAT32;
  const uint8_t *src = qv_array_buffer_data(a, 1);
  char text[512];
  for (int64_t i = 0; i < a->length; i++) {
    if (!qv_array_is_valid(a, i)) continue;
    double x;
    if (f32) {
      float f;
      memcpy(&f, src + (a->offset + i) * 4, 4);
      x = f;
    } else {
      memcpy(&x, src + (a->offset + i) * 8, 8);
    }
    uint64_t mag[4] = {0}, w[4];
    bool neg = signbit(x) != 0, bad = !isfinite(x);
    double ax = fabs(x);
    if (!bad && ax >= 1e77) bad = true; /* beyond every precision */
    if (!bad && to->scale >= 0) {
      /* The exact value rounded half to even at `scale` digits. */
      snprintf(text, sizeof text, "%.*f", (int)to->scale, ax);
      for (const char *c = text; *c && !bad; c++)
        if (*c != '.') bad = mul_small(mag, 10) || add_small(mag, (uint64_t)(*c - '0'));
    } else if (!bad) {
      /* Negative scale: ax / 10^k rounded half to even, from the whole part
       * (printed exactly) and whether a fraction remains. */
      int64_t k = -(int64_t)to->scale;
      if (k > 78) k = 78; /* 10^78 / 2 exceeds every finite value < 1e77: the result is 0 either way */
      double whole = floor(ax);
      bool frac = ax > whole;
      snprintf(text, sizeof text, "%.0f", whole);
      for (const char *c = text; *c && !bad; c++) bad = mul_small(mag, 10) || add_small(mag, (uint64_t)(*c - '0'));
      uint64_t kept[4], dropped[4], half[4] = {5, 0, 0, 0};
      memcpy(kept, mag, 32);
      scale_down(kept, k);
      memcpy(dropped, kept, 32);
      scale_up(dropped, k);
      sub(mag, dropped, dropped); /* dropped = mag - kept * 10^k */
      scale_up(half, k - 1);
      int cmp = compare(dropped, half);
      if (cmp > 0 || (cmp == 0 && (frac || (kept[0] & 1)))) add_small(kept, 1);
      memcpy(mag, kept, 32);
    }
    signed_of(neg, mag, w);
    if (!bad && !qv__decimal_fits(w, to->precision)) bad = true;
    if (bad) {
      if (safe) {
        char name[64];
        qv_type_format(to, name, sizeof name);
        return qv_error_set(err, QV_ERR_INVALID_DATA, "cast: row %lld: value %.17g does not fit %s (pass safe=false "
                            "for 0)", (long long)i, x, name);
      }
      memset(w, 0, 32);
    }
    store(dst + i * (to->bit_width / 8), to->bit_width, w);
  }
  return QV_OK;
}

/* Decimal -> float the way Arrow does it, so the values agree bit for bit:
 * the magnitude's words summed in the float type (high word first), times
 * the float nearest 10^-scale; a magnitude beyond the float's exact
 * integers with a positive scale is split into whole and fraction first.
 * The result is within an ulp of the exact value (docs/compute.md). */
static double words_times(const uint64_t w[4], double p10, bool f32) {
  if (f32) {
    float x = 0; /* zero high words are skipped: 0 * 2^192 would be 0 * inf in float */
    if (w[3]) x += (float)w[3] * 0x1p64f * 0x1p64f * 0x1p64f;
    if (w[2]) x += (float)w[2] * 0x1p64f * 0x1p64f;
    if (w[1]) x += (float)w[1] * 0x1p64f;
    x += (float)w[0];
    x *= (float)p10;
    return x;
  }
  double x = 0;
  x += (double)w[3] * 0x1p192;
  x += (double)w[2] * 0x1p128;
  x += (double)w[1] * 0x1p64;
  x += (double)w[0];
  return x * p10;
}

static qv_status from_decimal_to_float(const qv_array *a, qv_type *to, uint8_t *dst) {
  bool f32 = to->id == QV_TYPE_FLOAT32;
  int32_t scale = a->type->scale;
  char text[16];
  snprintf(text, sizeof text, "1e%d", -scale);
  double p10 = f32 ? (double)strtof(text, NULL) : strtod(text, NULL); /* nearest to 10^-scale in the float type */
  uint64_t precise = f32 ? (uint64_t)1 << 24 : (uint64_t)1 << 53;
  for (int64_t i = 0; i < a->length; i++) {
    if (!qv_array_is_valid(a, i)) continue;
    uint64_t mag[4];
    bool neg = load_row(a, i, mag);
    double x;
    if (scale <= 0 || (mag[1] == 0 && mag[2] == 0 && mag[3] == 0 && mag[0] <= precise)) {
      x = words_times(mag, p10, f32);
    } else {
      uint64_t whole[4], back[4], frac[4];
      memcpy(whole, mag, 32);
      scale_down(whole, scale);
      memcpy(back, whole, 32);
      scale_up(back, scale);
      sub(mag, back, frac);
      double w = words_times(whole, 1.0, f32), f = words_times(frac, p10, f32);
      x = f32 ? (double)((float)w + (float)f) : w + f;
    }
    if (f32) {
      float f = neg ? -(float)x : (float)x;
      memcpy(dst + i * 4, &f, 4);
    } else {
      x = neg ? -x : x;
      memcpy(dst + i * 8, &x, 8);
    }
  }
  return QV_OK;
}

/* ---- strings ---- */

/* Parses [+-]digits[.digits][(e|E)[+-]digits] into sign, magnitude and the
 * power of ten it is scaled by (value = mag * 10^exp10). */
static bool parse_decimal(const uint8_t *p, int64_t n, bool *neg, uint64_t mag[4], int64_t *exp10, bool *too_big) {
  int64_t i = 0, frac = 0, digits = 0;
  bool dot = false;
  memset(mag, 0, 32);
  *neg = false;
  *too_big = false;
  if (i < n && (p[i] == '+' || p[i] == '-')) *neg = p[i++] == '-';
  for (; i < n; i++) {
    if (p[i] == '.' && !dot) {
      dot = true;
      continue;
    }
    if (p[i] < '0' || p[i] > '9') break;
    digits++;
    if (dot) frac++;
    if (mul_small(mag, 10) || add_small(mag, (uint64_t)(p[i] - '0'))) *too_big = true;
  }
  if (digits == 0) return false;
  int64_t e = 0;
  if (i < n && (p[i] == 'e' || p[i] == 'E')) {
    bool eneg = false;
    i++;
    if (i < n && (p[i] == '+' || p[i] == '-')) eneg = p[i++] == '-';
    if (i == n) return false;
    for (; i < n; i++) {
      if (p[i] < '0' || p[i] > '9') return false;
      if (e < 100000) e = e * 10 + (p[i] - '0');
    }
    e = eneg ? -e : e;
  }
  if (i != n) return false;
  *exp10 = e - frac;
  return true;
}

static qv_status to_decimal_from_string(const qv_array *a, qv_type *to, bool safe, uint8_t *dst, qv_error *err) {
  qv__bytes_reader r;
  char name[64];
  qv_type_format(to, name, sizeof name);
  QV_RETURN_IF_ERROR(qv__bytes_reader_init(&r, a, "cast", err));
  for (int64_t i = 0; i < a->length; i++) {
    const uint8_t *p;
    int64_t n, e = 0;
    if (!qv_array_is_valid(a, i)) continue;
    if (!qv__bytes_reader_get(&r, i, &p, &n))
      return qv_error_set(err, QV_ERR_INVALID_DATA, "cast: row %lld: the string view points outside its buffers",
                          (long long)i);
    uint64_t mag[4], w[4];
    bool neg, too_big, lost = false, over = false;
    if (!parse_decimal(p, n, &neg, mag, &e, &too_big))
      return qv_error_set(err, QV_ERR_INVALID_DATA, "cast: row %lld: failed to parse '%.*s%s' as %s", (long long)i,
                          (int)(n > 48 ? 48 : n), (const char *)p, n > 48 ? "..." : "", name);
    int64_t shift = (int64_t)to->scale + e;
    if (!too_big) {
      if (shift > 0) over = scale_up(mag, shift);
      else if (shift < 0) lost = scale_down(mag, -shift);
    }
    signed_of(neg, mag, w);
    if (too_big || over || (e > 0 && shift > 80 && !is_zero(mag)))
      return qv_error_set(err, QV_ERR_INVALID_DATA, "cast: row %lld: '%.*s%s' cannot be represented as %s",
                          (long long)i, (int)(n > 48 ? 48 : n), (const char *)p, n > 48 ? "..." : "", name);
    if (safe && lost)
      return qv_error_set(err, QV_ERR_INVALID_DATA, "cast: row %lld: '%.*s%s' loses digits going to %s (pass "
                          "safe=false to truncate)", (long long)i, (int)(n > 48 ? 48 : n), (const char *)p,
                          n > 48 ? "..." : "", name);
    if (safe && !qv__decimal_fits(w, to->precision))
      return qv_error_set(err, QV_ERR_INVALID_DATA, "cast: row %lld: '%.*s%s' does not fit the precision of %s",
                          (long long)i, (int)(n > 48 ? 48 : n), (const char *)p, n > 48 ? "..." : "", name);
    store(dst + i * (to->bit_width / 8), to->bit_width, w);
  }
  return QV_OK;
}

static qv_status from_decimal_to_string(const qv_array *a, qv_type *to, qv_array **out, qv_error *err) {
  qv__bytes_sink sink;
  qv_buffer *validity = NULL;
  int64_t nulls;
  QV_RETURN_IF_ERROR(qv__compute_copy_validity(a, &validity, &nulls, err));
  qv_status st = qv__sink_init(&sink, a->length, a->length * 8, err);
  if (st != QV_OK) {
    qv_buffer_release(validity);
    return st;
  }
  for (int64_t i = 0; i < a->length; i++) {
    if (!qv_array_is_valid(a, i)) {
      qv__sink_commit(&sink, 0);
      continue;
    }
    uint8_t *dst = qv__sink_reserve(&sink, 200);
    if (dst == NULL) break;
    uint64_t mag[4];
    bool neg = load_row(a, i, mag);
    qv__sink_commit(&sink, decimal_text(neg, mag, a->type->scale, (char *)dst));
  }
  st = qv__sink_finish(&sink, to, validity, out, err);
  qv_buffer_release(validity);
  return st;
}

/* ---- dispatch ---- */

static qv_status fixed_result(const qv_array *a, qv_type *to, bool safe, qv_array **out, qv_error *err) {
  qv_buffer *validity = NULL, *values = NULL;
  int64_t nulls, bytes;
  qv_type_id from = a->type->id;
  if (qv__mul_overflow_i64(a->length, to->bit_width / 8, &bytes))
    return qv_error_set(err, QV_ERR_OVERFLOW, "cast: %lld values overflow", (long long)a->length);
  QV_RETURN_IF_ERROR(qv__compute_copy_validity(a, &validity, &nulls, err));
  qv_status st = qv_buffer_allocate(NULL, bytes, true, &values, err);
  if (st == QV_OK) {
    uint8_t *dst = values->data;
    if (is_decimal(from) && is_decimal(to->id)) st = to_decimal_from_decimal(a, to, safe, dst, err);
    else if (is_decimal(from) && qv_type_is_integer(to->id)) st = from_decimal_to_integer(a, to, safe, dst, err);
    else if (is_decimal(from)) st = from_decimal_to_float(a, to, dst);
    else if (qv_type_is_integer(from)) st = to_decimal_from_integer(a, to, dst, err);
    else if (from == QV_TYPE_FLOAT32 || from == QV_TYPE_FLOAT64) st = to_decimal_from_float(a, to, safe, dst, err);
    else st = to_decimal_from_string(a, to, safe, dst, err);
  }
  if (st != QV_OK) {
    qv_buffer_release(validity);
    qv_buffer_release(values);
    return st;
  }
  return qv__compute_finish_fixed(to, a->length, validity, values, out, err);
}

bool qv__cast_is_decimal(qv_type_id id) { return is_decimal(id); }

qv_status qv__cast_decimal(const qv_array *a, qv_type *to, bool safe, qv_array **out, qv_error *err) {
  qv_type_id from = a->type->id, into = to->id;
  char name[64];
  qv_type_format(to, name, sizeof name);
  if (is_decimal(from) && qv__is_string_id(into)) return from_decimal_to_string(a, to, out, err);
  bool numeric_other = qv_type_is_integer(from) || from == QV_TYPE_FLOAT32 || from == QV_TYPE_FLOAT64 ||
                       qv__is_string_id(from);
  bool ok = (is_decimal(from) && (is_decimal(into) || qv_type_is_integer(into) || into == QV_TYPE_FLOAT32 ||
                                  into == QV_TYPE_FLOAT64)) ||
            (is_decimal(into) && numeric_other);
  if (!ok) {
    char src[64];
    qv_type_format(a->type, src, sizeof src);
    return qv_error_set(err, QV_ERR_NOT_IMPLEMENTED, "cast: from %s to %s is not supported", src, name);
  }
  if (is_decimal(into) && qv_type_is_integer(from) && a->length > 0) { /* once, before any row, as pyarrow */
    if (to->scale < 0)
      return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "cast: from %s to %s: the scale must not be negative",
                          qv_type_id_name(from), name);
    if ((int64_t)to->precision - to->scale < integer_digits(from))
      return qv_error_set(err, QV_ERR_INVALID_ARGUMENT,
                          "cast: from %s to %s: the precision is too small; it must be at least %lld",
                          qv_type_id_name(from), name, (long long)integer_digits(from) + to->scale);
  }
  return fixed_result(a, to, safe, out, err);
}
