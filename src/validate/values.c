/* quiver validate: value-range checks of fixed-width types (full level).
 *
 * Decimals: |unscaled value| < 10^precision, all four widths through one
 * 256-bit path (decimal.c). date64: a whole number of days in ms. time32 /
 * time64: 0 <= value < one day in the type's unit. Only valid slots are
 * checked (bytes under nulls are unspecified).
 */
#include <stdio.h>

#include "core/decimal.h"
#include "validate/internal.h"

#define MS_PER_DAY INT64_C(86400000)

static qv_status decimals(qv__vctx *c, const qv_array *a, const qv_type *t) {
  const uint8_t *d = qv__buf_data(a, 1);
  const int64_t w = t->bit_width / 8;
  int64_t pos = 0, s, e;
  while (qv__next_valid_run(qv__buf_data(a, 0), a->offset, a->length, &pos, &s, &e)) {
    for (int64_t i = s; i < e; i++) {
      uint64_t v[4];
      qv__decimal_load(d + (a->offset + i) * w, t->bit_width, v);
      if (!qv__decimal_fits(v, t->precision)) {
        uint64_t mag[4];
        char digits[80];
        const bool neg = qv__decimal_abs(v, mag);
        qv__decimal_digits(mag, digits);
        return qv__vfail(c, a, QV_ERR_INVALID_DATA,
                         "value at row %lld has more digits than precision %d: %s%s (unscaled)", (long long)i,
                         t->precision, neg ? "-" : "", digits);
      }
    }
  }
  return QV_OK;
}

static qv_status int_range(qv__vctx *c, const qv_array *a, int bytes, int64_t limit, bool whole_days) {
  const uint8_t *d = qv__buf_data(a, 1);
  int64_t pos = 0, s, e;
  while (qv__next_valid_run(qv__buf_data(a, 0), a->offset, a->length, &pos, &s, &e)) {
    for (int64_t i = s; i < e; i++) {
      const int64_t v = qv__load_int(d, bytes, a->offset + i);
      if (whole_days) {
        if (v % MS_PER_DAY != 0)
          return qv__vfail(c, a, QV_ERR_INVALID_DATA,
                           "value at row %lld is not a whole number of days: %lld ms (remainder %lld)", (long long)i,
                           (long long)v, (long long)(v % MS_PER_DAY));
      } else if (v < 0 || v >= limit) {
        return qv__vfail(c, a, QV_ERR_INVALID_DATA, "time of day at row %lld is outside [0, %lld): %lld",
                         (long long)i, (long long)limit, (long long)v);
      }
    }
  }
  return QV_OK;
}

static int64_t per_day(qv_time_unit unit) {
  switch (unit) {
    case QV_UNIT_SECOND: return INT64_C(86400);
    case QV_UNIT_MILLI: return MS_PER_DAY;
    case QV_UNIT_MICRO: return MS_PER_DAY * 1000;
    default: return MS_PER_DAY * 1000000;
  }
}

qv_status qv__validate_values(qv__vctx *c, const qv_array *a) {
  const qv_type *t = qv_type_storage(a->type);
  switch (t->id) {
    case QV_TYPE_DECIMAL32:
    case QV_TYPE_DECIMAL64:
    case QV_TYPE_DECIMAL128:
    case QV_TYPE_DECIMAL256:
      return decimals(c, a, t);
    case QV_TYPE_DATE64:
      return int_range(c, a, 8, 0, true);
    case QV_TYPE_TIME32:
      return int_range(c, a, 4, per_day(t->unit), false);
    case QV_TYPE_TIME64:
      return int_range(c, a, 8, per_day(t->unit), false);
    default:
      return QV_OK;
  }
}
