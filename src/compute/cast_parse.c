/* Casts from string, large_string and string_view to numbers, bool, dates
 * and timestamps, accepting what pyarrow's cast accepts:
 *   - integers: decimal digits with an optional '-' (signed targets only),
 *     leading zeros allowed, or "0x"/"0X" and at most two hex digits per
 *     byte of the target, read as the target's bit pattern ("0xff" is -1 as
 *     int8); no '+', no spaces, nothing out of range;
 *   - floats: decimal or exponent notation, "nan", "inf", "infinity" in any
 *     case, with an optional sign; no spaces, no hex floats;
 *   - bool: "true" / "false" in any case, "1", "0";
 *   - date32 / date64: exactly "YYYY-MM-DD";
 *   - timestamp: "YYYY-MM-DD", then optionally 'T' or ' ' and "hh",
 *     "hh:mm", "hh:mm:ss" or "hh:mm:ss.f" (1 to 9 fraction digits, no more
 *     than the unit holds), then for a zoned target a zone "Z", "+hh",
 *     "+hhmm" or "+hh:mm" (required), and for a naive one none.
 * Parsing ignores the safe flag (a string that is not a value is always an
 * error), naming the row and the text. Null slots are never read.
 *
 * One loop per target type (generated for the integers), over a reader that
 * checked the string offsets once for the whole window.
 */
#include <math.h>
#include <stdlib.h>

#include "compute/cast_internal.h"
#include "compute/kernel_util.h"
#include "compute/temporal_util.h"
#include "core/internal.h"

static qv_status parse_error(int64_t row, const uint8_t *p, int64_t len, const qv_type *to, const char *why,
                             qv_error *err) {
  char name[64];
  qv_type_format(to, name, sizeof name);
  return qv_error_set(err, QV_ERR_INVALID_DATA, "cast: row %lld: failed to parse '%.*s%s' as %s%s%s", (long long)row,
                      (int)(len > 48 ? 48 : len), (const char *)p, len > 48 ? "..." : "", name, why ? ": " : "",
                      why ? why : "");
}

/* Digits of an integer: magnitude, sign, and whether it was hex. */
static inline bool parse_integer(const uint8_t *p, int64_t n, int hex_digits, uint64_t *mag, bool *neg, bool *hex) {
  *neg = *hex = false;
  *mag = 0;
  if (n >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
    if (n == 2 || n - 2 > hex_digits) return false;
    uint64_t v = 0;
    for (int64_t i = 2; i < n; i++) {
      uint8_t c = p[i];
      unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0') : (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (unsigned)((c | 0x20) - 'a' + 10) : 99u;
      if (d > 15) return false;
      v = v << 4 | d;
    }
    *mag = v;
    *hex = true;
    return true;
  }
  int64_t i = 0;
  if (n > 0 && p[0] == '-') {
    *neg = true;
    i = 1;
  }
  if (i == n) return false;
  uint64_t v = 0;
  if (n - i <= 19) { /* up to 19 digits cannot overflow uint64: no per-digit check */
    unsigned bad = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (n - i >= 8) { /* eight digits at once (SWAR): check all are digits, then fold pairwise */
      uint64_t chunk;
      memcpy(&chunk, p + i, 8);
      if ((chunk & 0xF0F0F0F0F0F0F0F0ULL) != 0x3030303030303030ULL ||
          ((chunk + 0x0606060606060606ULL) & 0xF0F0F0F0F0F0F0F0ULL) != 0x3030303030303030ULL)
        return false;
      chunk -= 0x3030303030303030ULL;
      chunk = chunk * 10 + (chunk >> 8);
      chunk = (((chunk & 0x000000FF000000FFULL) * (100 + (1000000ULL << 32))) +
               (((chunk >> 16) & 0x000000FF000000FFULL) * (1 + (10000ULL << 32)))) >> 32;
      v = chunk;
      i += 8;
    }
#endif
    for (; i < n; i++) {
      unsigned d = (unsigned)p[i] - '0';
      bad |= d > 9;
      v = v * 10 + d;
    }
    *mag = v;
    return bad == 0;
  }
  for (; i < n; i++) {
    unsigned d = (unsigned)p[i] - '0';
    if (d > 9 || __builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, d, &v)) return false;
  }
  *mag = v;
  return true;
}

#define DEFINE_PARSE_SIGNED(NAME, T, BITS)                                                              \
  static int64_t parse_##NAME(const qv__bytes_reader *r, void *outv, int64_t n) {                      \
    T *out = outv;                                                                                      \
    const uint64_t lim = (uint64_t)1 << (BITS - 1);                                                     \
    for (int64_t i = 0; i < n; i++) {                                                                   \
      const uint8_t *p;                                                                                 \
      int64_t len;                                                                                      \
      uint64_t mag;                                                                                     \
      bool neg, hex;                                                                                    \
      if (!qv_array_is_valid(r->a, i)) {                                                                \
        out[i] = 0;                                                                                     \
        continue;                                                                                       \
      }                                                                                                 \
      if (!qv__bytes_reader_get(r, i, &p, &len) || !parse_integer(p, len, BITS / 4, &mag, &neg, &hex)) \
        return i;                                                                                       \
      if (hex) out[i] = (T)mag;                                                                         \
      else if (neg ? mag > lim : mag >= lim) return i;                                                  \
      else out[i] = neg ? (T)(0 - mag) : (T)mag;                                                        \
    }                                                                                                   \
    return -1;                                                                                          \
  }
#define DEFINE_PARSE_UNSIGNED(NAME, T, BITS)                                                            \
  static int64_t parse_##NAME(const qv__bytes_reader *r, void *outv, int64_t n) {                      \
    T *out = outv;                                                                                      \
    const uint64_t max = BITS == 64 ? UINT64_MAX : ((uint64_t)1 << (BITS % 64)) - 1;                    \
    for (int64_t i = 0; i < n; i++) {                                                                   \
      const uint8_t *p;                                                                                 \
      int64_t len;                                                                                      \
      uint64_t mag;                                                                                     \
      bool neg, hex;                                                                                    \
      if (!qv_array_is_valid(r->a, i)) {                                                                \
        out[i] = 0;                                                                                     \
        continue;                                                                                       \
      }                                                                                                 \
      if (!qv__bytes_reader_get(r, i, &p, &len) || !parse_integer(p, len, BITS / 4, &mag, &neg, &hex) || \
          neg || mag > max)                                                                             \
        return i;                                                                                       \
      out[i] = (T)mag;                                                                                  \
    }                                                                                                   \
    return -1;                                                                                          \
  }
DEFINE_PARSE_SIGNED(int8, int8_t, 8)
DEFINE_PARSE_SIGNED(int16, int16_t, 16)
DEFINE_PARSE_SIGNED(int32, int32_t, 32)
DEFINE_PARSE_SIGNED(int64, int64_t, 64)
DEFINE_PARSE_UNSIGNED(uint8, uint8_t, 8)
DEFINE_PARSE_UNSIGNED(uint16, uint16_t, 16)
DEFINE_PARSE_UNSIGNED(uint32, uint32_t, 32)
DEFINE_PARSE_UNSIGNED(uint64, uint64_t, 64)

/* A float in p[0, n): strtod on a NUL-terminated copy, after rejecting
 * what strtod would accept but pyarrow does not (spaces, hex, "nan(...)"). */
static bool parse_double(const uint8_t *p, int64_t n, double *out) {
  char buf[128];
  if (n == 0 || n >= (int64_t)sizeof buf) return false;
  for (int64_t i = 0; i < n; i++) {
    uint8_t c = p[i];
    bool ok = (c >= '0' && c <= '9') || c == '.' || c == '+' || c == '-' || c == 'e' || c == 'E' ||
              ((c | 0x20) >= 'a' && (c | 0x20) <= 'z' && (c | 0x20) != 'x');
    if (!ok) return false;
  }
  memcpy(buf, p, (size_t)n);
  buf[n] = '\0';
  char *end = NULL;
  *out = strtod(buf, &end);
  return end == buf + n;
}

static int64_t parse_float64(const qv__bytes_reader *r, void *outv, int64_t n) {
  double *out = outv;
  for (int64_t i = 0; i < n; i++) {
    const uint8_t *p;
    int64_t len;
    out[i] = 0;
    if (!qv_array_is_valid(r->a, i)) continue;
    if (!qv__bytes_reader_get(r, i, &p, &len) || !parse_double(p, len, &out[i])) return i;
  }
  return -1;
}
static int64_t parse_float32(const qv__bytes_reader *r, void *outv, int64_t n) {
  float *out = outv;
  for (int64_t i = 0; i < n; i++) {
    const uint8_t *p;
    int64_t len;
    double d = 0;
    if (qv_array_is_valid(r->a, i) && (!qv__bytes_reader_get(r, i, &p, &len) || !parse_double(p, len, &d))) return i;
    out[i] = (float)d;
  }
  return -1;
}

static bool parse_bool(const uint8_t *p, int64_t n, bool *out) {
  if (n == 1 && (p[0] == '0' || p[0] == '1')) {
    *out = p[0] == '1';
    return true;
  }
  const char *words[2] = {"false", "true"};
  for (int w = 0; w < 2; w++) {
    int64_t k = (int64_t)strlen(words[w]);
    if (n != k) continue;
    bool same = true;
    for (int64_t i = 0; i < n; i++) same &= (p[i] | 0x20) == words[w][i];
    if (same) {
      *out = w == 1;
      return true;
    }
  }
  return false;
}

static inline bool digits(const uint8_t *p, int count, int *out) {
  int v = 0;
  for (int i = 0; i < count; i++) {
    unsigned d = (unsigned)p[i] - '0';
    if (d > 9) return false;
    v = v * 10 + (int)d;
  }
  *out = v;
  return true;
}

/* "YYYY-MM-DD" at p (exactly 10 bytes) as a day number. */
static bool parse_date(const uint8_t *p, int64_t n, int64_t *days) {
  int y, m, d;
  if (n != 10 || p[4] != '-' || p[7] != '-' || !digits(p, 4, &y) || !digits(p + 5, 2, &m) || !digits(p + 8, 2, &d))
    return false;
  if (m < 1 || m > 12 || d < 1 || d > qv__days_in_month(y, m)) return false;
  *days = qv__days_from_civil(y, m, d);
  return true;
}

/* A timestamp (see the file comment) in ticks of `per_second`; `zoned`:
 * the target has a time zone, so a zone is required (else forbidden).
 * *why says what was wrong with the zone. */
static bool parse_timestamp(const uint8_t *p, int64_t n, int64_t per_second, bool zoned, int64_t *out,
                            const char **why) {
  int64_t days, secs = 0, frac = 0;
  int hh = 0, mm = 0, ss = 0;
  *why = NULL;
  if (n < 10 || !parse_date(p, 10, &days)) return false;
  int64_t i = 10;
  if (i < n && (p[i] == 'T' || p[i] == ' ')) {
    if (n < i + 3 || !digits(p + i + 1, 2, &hh) || hh > 23) return false;
    i += 3;
    if (i < n && p[i] == ':') {
      if (n < i + 3 || !digits(p + i + 1, 2, &mm) || mm > 59) return false;
      i += 3;
      if (i < n && p[i] == ':') {
        if (n < i + 3 || !digits(p + i + 1, 2, &ss) || ss > 59) return false;
        i += 3;
        if (i < n && p[i] == '.') {
          int64_t start = ++i, scale = per_second;
          while (i < n && p[i] >= '0' && p[i] <= '9') {
            if (scale <= 1) return false; /* more digits than the unit holds */
            scale /= 10;
            frac += (p[i] - '0') * scale;
            i++;
          }
          if (i == start) return false;
        }
      }
    }
  }
  int32_t zone = 0;
  bool has_zone = i < n;
  if (has_zone) {
    if (p[i] == 'Z' && i + 1 == n) {
      zone = 0;
    } else if (p[i] == '+' || p[i] == '-') {
      int zh, zm = 0;
      int64_t rest = n - i - 1;
      const uint8_t *z = p + i + 1;
      bool ok = (rest == 2 && digits(z, 2, &zh)) || (rest == 4 && digits(z, 2, &zh) && digits(z + 2, 2, &zm)) ||
                (rest == 5 && z[2] == ':' && digits(z, 2, &zh) && digits(z + 3, 2, &zm));
      if (!ok || zh > 23 || zm > 59) return false;
      zone = (p[i] == '-' ? -1 : 1) * (zh * 3600 + zm * 60);
    } else {
      return false;
    }
  }
  if (has_zone != zoned) {
    *why = zoned ? "expected a zone offset (cast to a naive timestamp, then assume a zone)" : "expected no zone offset";
    return false;
  }
  secs = days * 86400 + hh * 3600 + mm * 60 + ss - zone;
  if (__builtin_mul_overflow(secs, per_second, out) || __builtin_add_overflow(*out, frac, out)) return false;
  return true;
}

typedef int64_t (*parse_fn)(const qv__bytes_reader *, void *, int64_t);

qv_status qv__cast_parse(const qv_array *a, qv_type *to, bool safe, qv_array **out, qv_error *err) {
  qv__bytes_reader r;
  qv_buffer *validity = NULL, *values = NULL;
  int64_t nulls, n = a->length, bad = -1, width = to->bit_width / 8;
  qv_status st;
  (void)safe;
  QV_RETURN_IF_ERROR(qv__bytes_reader_init(&r, a, "cast", err));
  qv_type_id id = to->id;
  if (id == QV_TYPE_TIME32 || id == QV_TYPE_TIME64 || id == QV_TYPE_DURATION || id == QV_TYPE_INTERVAL_MONTHS ||
      id == QV_TYPE_INTERVAL_DAY_TIME || id == QV_TYPE_INTERVAL_MONTH_DAY_NANO) {
    char name[64];
    qv_type_format(to, name, sizeof name);
    return qv_error_set(err, QV_ERR_NOT_IMPLEMENTED, "cast: from string to %s is not supported", name);
  }
  QV_RETURN_IF_ERROR(qv__compute_copy_validity(a, &validity, &nulls, err));
  /* The typed number loops write every slot (0 under nulls); the others
   * leave slots unwritten, so start from zeros. */
  st = id == QV_TYPE_BOOL ? qv__compute_new_bitmap(n, &values, err)
                          : qv_buffer_allocate(NULL, n * width, qv__cast_numeric_index(id) < 0, &values, err);
  if (st != QV_OK) goto fail;
  const char *why = NULL;
  const uint8_t *p = NULL;
  int64_t len = 0;
  static const parse_fn ints[10] = {parse_int8,  parse_int16,  parse_int32,  parse_int64,   parse_uint8,
                                    parse_uint16, parse_uint32, parse_uint64, parse_float32, parse_float64};
  int k = qv__cast_numeric_index(id);
  if (k >= 0) {
    bad = ints[k](&r, values->data, n);
  } else {
    int64_t per_second = id == QV_TYPE_TIMESTAMP ? qv__unit_per_second(to->unit) : 1;
    bool zoned = id == QV_TYPE_TIMESTAMP && to->timezone != NULL && to->timezone[0] != '\0';
    for (int64_t i = 0; i < n && bad < 0; i++) {
      if (!qv_array_is_valid(a, i)) continue;
      if (!qv__bytes_reader_get(&r, i, &p, &len)) {
        bad = i;
        break;
      }
      bool b = false;
      int64_t v = 0;
      bool ok;
      switch (id) { /* the logical target: once per row, but these are slow parses anyway */
        case QV_TYPE_BOOL:
          ok = parse_bool(p, len, &b);
          if (b) qv_bit_set(values->data, i);
          break;
        case QV_TYPE_DATE32:
          ok = parse_date(p, len, &v) && v >= INT32_MIN && v <= INT32_MAX;
          if (ok) ((int32_t *)(void *)values->data)[i] = (int32_t)v;
          break;
        case QV_TYPE_DATE64:
          ok = parse_date(p, len, &v);
          if (ok) ((int64_t *)(void *)values->data)[i] = v * 86400000;
          break;
        case QV_TYPE_TIMESTAMP:
          ok = parse_timestamp(p, len, per_second, zoned, &v, &why);
          if (ok) ((int64_t *)(void *)values->data)[i] = v;
          break;
        default: {
          char name[64];
          qv_type_format(to, name, sizeof name);
          st = qv_error_set(err, QV_ERR_NOT_IMPLEMENTED, "cast: from string to %s is not supported", name);
          goto fail;
        }
      }
      if (!ok) bad = i;
    }
  }
  if (bad >= 0) {
    if (!qv__bytes_reader_get(&r, bad, &p, &len)) {
      st = qv_error_set(err, QV_ERR_INVALID_DATA, "cast: row %lld: the string view points outside its buffers",
                        (long long)bad);
    } else {
      st = parse_error(bad, p, len, to, why, err);
    }
    goto fail;
  }
  return qv__compute_finish_fixed(to, n, validity, values, out, err);
fail:
  qv_buffer_release(validity);
  qv_buffer_release(values);
  return st;
}
