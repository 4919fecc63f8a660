/* Temporal field extraction: year, quarter, month, day, day_of_week,
 * day_of_year, hour, minute, second, millisecond, microsecond, nanosecond
 * (int64 results, nulls kept), as pyarrow.compute:
 *   - timestamps: the fields of the local wall-clock time for a zoned
 *     type (the zone's UTC offset at that instant, temporal_util.c), of the
 *     stored value for a naive one;
 *   - date32 / date64: the date fields only (time fields are
 *     QV_ERR_NOT_IMPLEMENTED, as pyarrow);
 *   - time32 / time64: the time fields only.
 * millisecond / microsecond / nanosecond are the 0..999 parts below the
 * next coarser unit. day_of_week counts Monday = 0 (pyarrow's defaults
 * count_from_zero=True, week_start=1).
 *
 * The zone is loaded once per call; each row is one offset lookup (a
 * binary search) and the calendar arithmetic of temporal_util.c.
 */
#include "compute/kernel_util.h"
#include "compute/temporal_util.h"
#include "core/internal.h"
#include "quiver/compute.h"

static const char *const field_names[] = {"year",   "quarter", "month",  "day",         "day_of_week",
                                          "day_of_year", "hour", "minute", "second", "millisecond",
                                          "microsecond", "nanosecond"};

static int64_t date_field(qv_temporal_field f, int64_t days) {
  int64_t y;
  int m, d;
  qv__civil_from_days(days, &y, &m, &d);
  switch (f) {
    case QV_FIELD_YEAR: return y;
    case QV_FIELD_QUARTER: return (m - 1) / 3 + 1;
    case QV_FIELD_MONTH: return m;
    case QV_FIELD_DAY: return d;
    case QV_FIELD_DAY_OF_WEEK: return qv__floor_mod(days + 3, 7); /* 1970-01-01 was a Thursday (3) */
    default: return days - qv__days_from_civil(y, 1, 1) + 1;  /* day_of_year */
  }
}

/* A time field from nanoseconds since midnight (0 <= ns < 86400e9). */
static int64_t time_field(qv_temporal_field f, int64_t ns) {
  switch (f) {
    case QV_FIELD_HOUR: return ns / 3600000000000LL;
    case QV_FIELD_MINUTE: return ns / 60000000000LL % 60;
    case QV_FIELD_SECOND: return ns / 1000000000LL % 60;
    case QV_FIELD_MILLISECOND: return ns / 1000000 % 1000;
    case QV_FIELD_MICROSECOND: return ns / 1000 % 1000;
    default: return ns % 1000;
  }
}

qv_status qv_compute_temporal_field(qv_temporal_field field, const qv_array *a, qv_array **out, qv_error *err) {
  qv_buffer *validity = NULL, *values = NULL;
  qv__tz *tz = NULL;
  int64_t nulls;
  if (out == NULL || a == NULL || (unsigned)field > QV_FIELD_NANOSECOND)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "temporal field: bad arguments");
  *out = NULL;
  const char *fn = field_names[field];
  const qv_type *t = a->type;
  bool is_time_field = field >= QV_FIELD_HOUR;
  bool date = t->id == QV_TYPE_DATE32 || t->id == QV_TYPE_DATE64, time = t->id == QV_TYPE_TIME32 || t->id == QV_TYPE_TIME64;
  if (!(t->id == QV_TYPE_TIMESTAMP || date || time) || (date && is_time_field) || (time && !is_time_field)) {
    char name[64];
    qv_type_format(t, name, sizeof name);
    return qv_error_set(err, t->id == QV_TYPE_TIMESTAMP || date || time ? QV_ERR_NOT_IMPLEMENTED : QV_ERR_TYPE,
                        "%s: has no kernel for %s", fn, name);
  }
  if (t->id == QV_TYPE_TIMESTAMP && t->timezone != NULL && t->timezone[0] != '\0')
    QV_RETURN_IF_ERROR(qv__tz_load(t->timezone, &tz, err));
  qv_status st = qv__compute_copy_validity(a, &validity, &nulls, err);
  if (st == QV_OK) st = qv_buffer_allocate(NULL, a->length * 8, true, &values, err);
  if (st != QV_OK) {
    qv__tz_free(tz);
    qv_buffer_release(validity);
    return st;
  }
  int64_t *o = (int64_t *)(void *)values->data;
  const uint8_t *base = qv_array_buffer_data(a, 1);
  bool narrow = t->bit_width == 32;
  int64_t per = date ? 1 : qv__unit_per_second(t->unit), ns_per_tick = 1000000000 / per;
  for (int64_t i = 0; i < a->length; i++) {
    if (!qv_array_is_valid(a, i)) continue;
    int64_t v = narrow ? ((const int32_t *)(const void *)base)[a->offset + i]
                       : ((const int64_t *)(const void *)base)[a->offset + i];
    if (date) {
      o[i] = date_field(field, t->id == QV_TYPE_DATE64 ? qv__floor_div(v, 86400000) : v);
      continue;
    }
    int64_t secs = qv__floor_div(v, per), sub = qv__floor_mod(v, per);
    if (tz != NULL && __builtin_add_overflow(secs, (int64_t)qv__tz_offset(tz, secs), &secs))
      secs = qv__floor_div(v, per); /* at the edge of int64: no zone shift rather than a wrapped one */
    int64_t days = qv__floor_div(secs, 86400), sod = qv__floor_mod(secs, 86400);
    o[i] = is_time_field ? time_field(field, sod * 1000000000 + sub * ns_per_tick) : date_field(field, days);
  }
  qv__tz_free(tz);
  return qv__compute_finish_fixed(qv_type_int64(), a->length, validity, values, out, err);
}
