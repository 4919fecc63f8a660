/* Casts to string, large_string and string_view from numbers, bool and
 * temporal types, writing what pyarrow's cast writes:
 *   - integers in decimal; bool as "true" / "false";
 *   - floats as the shortest digits that read back to the same value, in
 *     fixed notation when the decimal exponent is in [-6, 9] ("0.000001",
 *     "1000000000") and as "1e+10", "1.5e-7" otherwise; "nan", "inf",
 *     "-inf", "-0";
 *   - date32 and date64 as "YYYY-MM-DD" (date64 days truncated toward zero,
 *     as pyarrow does);
 *   - time32 / time64 as "hh:mm:ss" plus the unit's fraction digits;
 *   - timestamps as "YYYY-MM-DD hh:mm:ss" plus the unit's fraction digits;
 *     a zoned one in local time with "Z" (UTC) or "+hhmm" after it;
 *   - durations as the integer count of their unit.
 * Null slots stay null and are never read.
 */
#include <stdio.h>

#include "compute/cast_internal.h"
#include "compute/kernel_util.h"
#include "compute/temporal_util.h"
#include "core/internal.h"
#include "print/internal.h"

static int format_u64(uint64_t v, char *out) {
  char tmp[24];
  int n = 0;
  do {
    tmp[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  for (int i = 0; i < n; i++) out[i] = tmp[n - 1 - i];
  return n;
}
static int format_i64(int64_t v, char *out) {
  if (v >= 0) return format_u64((uint64_t)v, out);
  out[0] = '-';
  return 1 + format_u64(0 - (uint64_t)v, out + 1);
}

/* Floats: print/'s formatter (Schubfach shortest digits), whose text is
 * pyarrow's cast text too; float32 values get the digits that read back as
 * a float32. */
static int format_double(double v, bool single, char *out) { return qv__print_float_text(v, single ? 32 : 64, out); }

static int format_fraction(int64_t ticks, int64_t per_second, char *out) {
  int width = per_second == 1000 ? 3 : per_second == 1000000 ? 6 : per_second == 1000000000 ? 9 : 0;
  if (width == 0) return 0;
  out[0] = '.';
  for (int i = width; i >= 1; i--) {
    out[i] = (char)('0' + ticks % 10);
    ticks /= 10;
  }
  return width + 1;
}

static int format_date(int64_t days, char *out) {
  int64_t y;
  int m, d;
  qv__civil_from_days(days, &y, &m, &d);
  return snprintf(out, 32, "%04lld-%02d-%02d", (long long)y, m, d);
}

static int format_time_of_day(int64_t secs, char *out) {
  return snprintf(out, 16, "%02d:%02d:%02d", (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
}

/* One value of `a` at row i (valid) as text into out (>= 64 bytes). */
static int format_row(const qv_array *a, int64_t i, const qv__tz *tz, char *out) {
  const uint8_t *base = qv_array_buffer_data(a, 1);
  const qv_type *t = a->type;
  int64_t row = a->offset + i;
  switch (t->id) { /* the logical type decides the text */
    case QV_TYPE_BOOL: {
      bool b = qv_bit_get(base, row);
      memcpy(out, b ? "true" : "false", b ? 4 : 5);
      return b ? 4 : 5;
    }
    case QV_TYPE_INT8: return format_i64(((const int8_t *)base)[row], out);
    case QV_TYPE_INT16: return format_i64(((const int16_t *)(const void *)base)[row], out);
    case QV_TYPE_INT32: return format_i64(((const int32_t *)(const void *)base)[row], out);
    case QV_TYPE_INT64:
    case QV_TYPE_DURATION: return format_i64(((const int64_t *)(const void *)base)[row], out);
    case QV_TYPE_UINT8: return format_u64(base[row], out);
    case QV_TYPE_UINT16: return format_u64(((const uint16_t *)(const void *)base)[row], out);
    case QV_TYPE_UINT32: return format_u64(((const uint32_t *)(const void *)base)[row], out);
    case QV_TYPE_UINT64: return format_u64(((const uint64_t *)(const void *)base)[row], out);
    case QV_TYPE_FLOAT32: return format_double(((const float *)(const void *)base)[row], true, out);
    case QV_TYPE_FLOAT64: return format_double(((const double *)(const void *)base)[row], false, out);
    case QV_TYPE_DATE32: return format_date(((const int32_t *)(const void *)base)[row], out);
    case QV_TYPE_DATE64: return format_date(((const int64_t *)(const void *)base)[row] / 86400000, out);
    case QV_TYPE_TIME32:
    case QV_TYPE_TIME64: {
      int64_t v = t->id == QV_TYPE_TIME32 ? ((const int32_t *)(const void *)base)[row]
                                          : ((const int64_t *)(const void *)base)[row];
      int64_t per = qv__unit_per_second(t->unit);
      int n = format_time_of_day(qv__floor_mod(qv__floor_div(v, per), 86400), out);
      return n + format_fraction(qv__floor_mod(v, per), per, out + n);
    }
    case QV_TYPE_TIMESTAMP: {
      int64_t v = ((const int64_t *)(const void *)base)[row];
      int64_t per = qv__unit_per_second(t->unit), secs = qv__floor_div(v, per);
      int32_t off = tz ? qv__tz_offset(tz, secs) : 0;
      int64_t local = secs + off;
      int n = format_date(qv__floor_div(local, 86400), out);
      out[n++] = ' ';
      n += format_time_of_day(qv__floor_mod(local, 86400), out + n);
      n += format_fraction(qv__floor_mod(v, per), per, out + n);
      if (tz != NULL) {
        if (qv__tz_is_utc(tz)) {
          out[n++] = 'Z';
        } else {
          int32_t m = off < 0 ? -off : off;
          n += snprintf(out + n, 8, "%c%02d%02d", off < 0 ? '-' : '+', (int)(m / 3600), (int)(m / 60 % 60));
        }
      }
      return n;
    }
    default: return -1;
  }
}

qv_status qv__cast_format(const qv_array *a, qv_type *to, qv_array **out, qv_error *err) {
  qv__bytes_sink sink;
  qv_buffer *validity = NULL;
  qv__tz *tz = NULL;
  int64_t nulls, n = a->length;
  qv_status st;
  qv_type_id id = a->type->id;
  if (id == QV_TYPE_INTERVAL_MONTHS || id == QV_TYPE_INTERVAL_DAY_TIME || id == QV_TYPE_INTERVAL_MONTH_DAY_NANO ||
      id == QV_TYPE_FLOAT16) {
    char name[64];
    qv_type_format(a->type, name, sizeof name);
    return qv_error_set(err, QV_ERR_NOT_IMPLEMENTED, "cast: from %s to string is not supported", name);
  }
  if (id == QV_TYPE_TIMESTAMP && a->type->timezone != NULL && a->type->timezone[0] != '\0')
    QV_RETURN_IF_ERROR(qv__tz_load(a->type->timezone, &tz, err));
  st = qv__compute_copy_validity(a, &validity, &nulls, err);
  if (st == QV_OK) st = qv__sink_init(&sink, n, n * 8, err);
  if (st != QV_OK) {
    qv__tz_free(tz);
    qv_buffer_release(validity);
    return st;
  }
  for (int64_t i = 0; i < n; i++) {
    if (!qv_array_is_valid(a, i)) {
      qv__sink_commit(&sink, 0);
      continue;
    }
    uint8_t *dst = qv__sink_reserve(&sink, 64);
    if (dst == NULL) break;
    int written = format_row(a, i, tz, (char *)dst);
    qv__sink_commit(&sink, written < 0 ? 0 : written);
  }
  qv__tz_free(tz);
  st = qv__sink_finish(&sink, to, validity, out, err);
  qv_buffer_release(validity);
  return st;
}
