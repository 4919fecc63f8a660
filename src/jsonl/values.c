/* quiver jsonl: one JSON scalar into a builder of the column's type. The
 * switches are over the logical type id on purpose: which JSON values a
 * type accepts (a string for a timestamp, a number for a date) is a
 * property of the logical type, not of its layout.
 *
 * Every conversion checks range (an int8 column refuses 300, a timestamp
 * in ns refuses a year past 2262), so a value is never wrapped or
 * truncated; the message goes to `why` and the parser adds the position.
 */
#include <math.h>
#include <stdio.h>

#include "core/iso8601.h"
#include "jsonl/internal.h"

#define DATA QV_ERR_INVALID_DATA

static qv_status refuse(const qv_type *t, const char *found, char *why, size_t cap) {
  char type[96];
  qv_type_format(t, type, sizeof type);
  snprintf(why, cap, "expected a value of type %s, found %s", type, found);
  return DATA;
}

static qv_status out_of_range(const qv_type *t, const qv__jsonl_number *n, char *why, size_t cap) {
  char type[96];
  qv_type_format(t, type, sizeof type);
  if (n->is_int) snprintf(why, cap, "%lld is out of range for %s", (long long)n->i, type);
  else snprintf(why, cap, "%.17g is not a %s (an integer in range is expected)", n->d, type);
  return DATA;
}

static qv_status builder_status(qv_builder *b, qv_status st, char *why, size_t cap) {
  if (st != QV_OK) snprintf(why, cap, "%s", qv_builder_error(b)->message);
  return st;
}

static int64_t units_per_second(qv_time_unit unit) {
  switch (unit) {
    case QV_UNIT_SECOND:
      return 1;
    case QV_UNIT_MILLI:
      return 1000;
    case QV_UNIT_MICRO:
      return 1000000;
    case QV_UNIT_NANO:
      return 1000000000;
  }
  return 1;
}

qv_status qv__jsonl_append_number(qv_builder *b, const qv_type *t, const qv__jsonl_number *n, char *why,
                                  size_t cap) {
  const int64_t i = n->i;
  qv_status st;
  switch (t->id) {
    case QV_TYPE_FLOAT64:
      st = qv_builder_append_float64(b, n->is_int ? (double)i : n->d);
      return builder_status(b, st, why, cap);
    case QV_TYPE_FLOAT32:
      st = qv_builder_append_float32(b, (float)(n->is_int ? (double)i : n->d));
      return builder_status(b, st, why, cap);
    default:
      break;
  }
  if (!n->is_int) {
    switch (t->id) {
      case QV_TYPE_INT8: case QV_TYPE_INT16: case QV_TYPE_INT32: case QV_TYPE_INT64:
      case QV_TYPE_UINT8: case QV_TYPE_UINT16: case QV_TYPE_UINT32: case QV_TYPE_UINT64:
      case QV_TYPE_TIMESTAMP: case QV_TYPE_DATE32:
        return out_of_range(t, n, why, cap);
      default:
        return refuse(t, "a number", why, cap);
    }
  }
  switch (t->id) {
    case QV_TYPE_INT8:
      if (i < INT8_MIN || i > INT8_MAX) return out_of_range(t, n, why, cap);
      return builder_status(b, qv_builder_append_int8(b, (int8_t)i), why, cap);
    case QV_TYPE_INT16:
      if (i < INT16_MIN || i > INT16_MAX) return out_of_range(t, n, why, cap);
      return builder_status(b, qv_builder_append_int16(b, (int16_t)i), why, cap);
    case QV_TYPE_INT32:
    case QV_TYPE_DATE32:
      if (i < INT32_MIN || i > INT32_MAX) return out_of_range(t, n, why, cap);
      return builder_status(b, qv_builder_append_int32(b, (int32_t)i), why, cap);
    case QV_TYPE_INT64:
    case QV_TYPE_TIMESTAMP:
      return builder_status(b, qv_builder_append_int64(b, i), why, cap);
    case QV_TYPE_UINT8:
      if (i < 0 || i > UINT8_MAX) return out_of_range(t, n, why, cap);
      return builder_status(b, qv_builder_append_uint8(b, (uint8_t)i), why, cap);
    case QV_TYPE_UINT16:
      if (i < 0 || i > UINT16_MAX) return out_of_range(t, n, why, cap);
      return builder_status(b, qv_builder_append_uint16(b, (uint16_t)i), why, cap);
    case QV_TYPE_UINT32:
      if (i < 0 || i > (int64_t)UINT32_MAX) return out_of_range(t, n, why, cap);
      return builder_status(b, qv_builder_append_uint32(b, (uint32_t)i), why, cap);
    case QV_TYPE_UINT64:
      if (i < 0) return out_of_range(t, n, why, cap);
      return builder_status(b, qv_builder_append_uint64(b, (uint64_t)i), why, cap);
    default:
      return refuse(t, "a number", why, cap);
  }
}

static qv_status append_timestamp(qv_builder *b, const qv_type *t, const char *s, int64_t n, char *why, size_t cap) {
  qv__iso_timestamp ts;
  if (!qv__iso_parse_timestamp(s, n, &ts)) {
    snprintf(why, cap, "'%.*s' is not an ISO-8601 timestamp (YYYY-MM-DD[Thh:mm[:ss[.f]]][Z|+hh:mm])",
             (int)(n > 40 ? 40 : n), s);
    return DATA;
  }
  const int64_t per_second = units_per_second(t->unit);
  const int32_t nanos_per_unit = (int32_t)(1000000000 / per_second);
  if (ts.nanos % nanos_per_unit != 0) {
    snprintf(why, cap, "'%.*s' has digits finer than the column's unit", (int)(n > 40 ? 40 : n), s);
    return DATA;
  }
  int64_t v;
  if (qv__mul_overflow_i64(ts.seconds, per_second, &v) || qv__add_overflow_i64(v, ts.nanos / nanos_per_unit, &v)) {
    snprintf(why, cap, "'%.*s' is out of range for the column's unit", (int)(n > 40 ? 40 : n), s);
    return DATA;
  }
  return builder_status(b, qv_builder_append_int64(b, v), why, cap);
}

qv_status qv__jsonl_append_string(qv_builder *b, const qv_type *t, const char *s, int64_t n, char *why,
                                  size_t cap) {
  switch (t->id) {
    case QV_TYPE_STRING:
    case QV_TYPE_LARGE_STRING:
    case QV_TYPE_STRING_VIEW:
    case QV_TYPE_BINARY:
    case QV_TYPE_LARGE_BINARY:
      /* An empty value goes through append_empty: the inline append would
       * add 0 to the builder's still-NULL data pointer. */
      if (n == 0) return builder_status(b, qv_builder_append_empty(b), why, cap);
      return builder_status(b, qv_builder_append_binary(b, s, n), why, cap);
    case QV_TYPE_TIMESTAMP:
      return append_timestamp(b, t, s, n, why, cap);
    case QV_TYPE_DATE32: {
      int32_t days;
      if (!qv__iso_parse_date(s, n, &days)) {
        snprintf(why, cap, "'%.*s' is not a date (YYYY-MM-DD)", (int)(n > 40 ? 40 : n), s);
        return DATA;
      }
      return builder_status(b, qv_builder_append_int32(b, days), why, cap);
    }
    default:
      return refuse(t, "a string", why, cap);
  }
}

qv_status qv__jsonl_append_bool(qv_builder *b, const qv_type *t, bool v, char *why, size_t cap) {
  if (t->id != QV_TYPE_BOOL) return refuse(t, v ? "true" : "false", why, cap);
  return builder_status(b, qv_builder_append_bool(b, v), why, cap);
}
