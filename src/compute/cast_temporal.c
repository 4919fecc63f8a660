/* Casts among temporal types, and between a temporal type and the integer
 * type it is stored as (int32 for date32 and time32, int64 for the others;
 * pyarrow allows no other integer, and neither does this).
 *
 * Supported, as pyarrow: timestamp <-> timestamp and duration <-> duration
 * (any units; time zones only relabel the same instants), time32/time64
 * among themselves, date32 <-> date64, timestamp -> date32/date64 and ->
 * time32/time64 (the local date or time of day for a zoned timestamp),
 * date32/date64 -> timestamp (midnight UTC).
 *
 * A change to a finer unit multiplies: with `safe`, a product that leaves
 * int64 (or int32 for the 32-bit targets) is an error naming the row;
 * unsafe, it wraps. A change to a coarser unit divides: with `safe`, a
 * remainder (lost precision) is an error naming the row; unsafe, it
 * truncates toward zero, as pyarrow. Dates taken from timestamps are
 * floored (never an error).
 */
#include "compute/cast_internal.h"
#include "compute/kernel_util.h"
#include "compute/temporal_util.h"
#include "core/internal.h"

bool qv__cast_is_temporal(qv_type_id id) {
  return id == QV_TYPE_DATE32 || id == QV_TYPE_DATE64 || id == QV_TYPE_TIME32 || id == QV_TYPE_TIME64 ||
         id == QV_TYPE_TIMESTAMP || id == QV_TYPE_DURATION;
}

static qv_type_id storage_int(qv_type_id id) {
  return id == QV_TYPE_DATE32 || id == QV_TYPE_TIME32 ? QV_TYPE_INT32 : QV_TYPE_INT64;
}

/* Ticks per second of a temporal type (dates: per day for date32, ms for
 * date64, handled by the callers). */
static int64_t per_second(const qv_type *t) { return qv__unit_per_second(t->unit); }

typedef enum step { STEP_SCALE, STEP_TO_DATE, STEP_TO_TIME } step;

typedef struct plan {
  step kind;
  int64_t mul, div;    /* value * mul / div (one of them is 1) */
  int64_t day_ticks;   /* STEP_TO_DATE / TIME: source ticks per day */
  int64_t date_mul;    /* STEP_TO_DATE: 1 for date32, 86400000 for date64 */
  bool target32;
  const qv__tz *tz;    /* zoned timestamp source */
  int64_t src_per_sec; /* for the tz offset lookup */
} plan;

static void ratio(int64_t from, int64_t to, plan *p) {
  p->mul = to >= from ? to / from : 1;
  p->div = to >= from ? 1 : from / to;
}

static qv_status not_supported(const qv_array *a, const qv_type *to, qv_error *err) {
  char from[64], into[64];
  qv_type_format(a->type, from, sizeof from);
  qv_type_format(to, into, sizeof into);
  return qv_error_set(err, QV_ERR_NOT_IMPLEMENTED, "cast: from %s to %s is not supported", from, into);
}

/* One value through the plan; false when `safe` forbids the result. */
static inline bool apply(const plan *p, int64_t v, bool safe, int64_t *out) {
  if (p->kind == STEP_TO_DATE || p->kind == STEP_TO_TIME) {
    if (p->tz != NULL) {
      int64_t secs = qv__floor_div(v, p->src_per_sec);
      int64_t off = (int64_t)qv__tz_offset(p->tz, secs) * p->src_per_sec;
      if (__builtin_add_overflow(v, off, &v)) return false;
    }
    if (p->kind == STEP_TO_DATE) {
      *out = qv__floor_div(v, p->day_ticks) * p->date_mul;
      return !p->target32 || (*out >= INT32_MIN && *out <= INT32_MAX) || !safe;
    }
    v = qv__floor_mod(v, p->day_ticks); /* then scale the time of day */
  }
  int64_t r;
  if (p->mul > 1) {
    if (__builtin_mul_overflow(v, p->mul, &r)) {
      if (safe) return false;
      r = (int64_t)((uint64_t)v * (uint64_t)p->mul);
    }
  } else {
    if (safe && v % p->div != 0) return false;
    r = v / p->div;
  }
  if (safe && p->target32 && (r < INT32_MIN || r > INT32_MAX)) return false;
  *out = r;
  return true;
}

qv_status qv__cast_temporal(const qv_array *a, qv_type *to, bool safe, qv_array **out, qv_error *err) {
  const qv_type *from = a->type;
  qv_type_id f = from->id, t = to->id;
  plan p = {STEP_SCALE, 1, 1, 1, 1, false, NULL, 1};
  qv__tz *tz = NULL;
  qv_status st;
  /* Integer <-> temporal: only the storage integer, as a relabelling. */
  if (!qv__cast_is_temporal(f) || !qv__cast_is_temporal(t)) {
    qv_type_id temporal = qv__cast_is_temporal(f) ? f : t, other = qv__cast_is_temporal(f) ? t : f;
    if (storage_int(temporal) != other) return not_supported(a, to, err);
    return qv__cast_reinterpret(a, to, out, err);
  }
  bool f_time = f == QV_TYPE_TIME32 || f == QV_TYPE_TIME64, t_time = t == QV_TYPE_TIME32 || t == QV_TYPE_TIME64;
  bool f_date = f == QV_TYPE_DATE32 || f == QV_TYPE_DATE64, t_date = t == QV_TYPE_DATE32 || t == QV_TYPE_DATE64;
  int64_t f_day = f == QV_TYPE_DATE32 ? 1 : 86400000, t_day = t == QV_TYPE_DATE32 ? 1 : 86400000;
  if ((f == QV_TYPE_TIMESTAMP && t == QV_TYPE_TIMESTAMP) || (f == QV_TYPE_DURATION && t == QV_TYPE_DURATION) ||
      (f_time && t_time)) {
    ratio(per_second(from), per_second(to), &p);
  } else if (f_date && t_date) {
    ratio(f_day, t_day, &p);
  } else if (f_date && t == QV_TYPE_TIMESTAMP) {
    /* days (or ms) to the target unit */
    if (f == QV_TYPE_DATE32) p.mul = 86400 * per_second(to);
    else ratio(1000, per_second(to), &p);
  } else if (f == QV_TYPE_TIMESTAMP && (t_date || t_time)) {
    p.kind = t_date ? STEP_TO_DATE : STEP_TO_TIME;
    p.day_ticks = 86400 * per_second(from);
    p.date_mul = t == QV_TYPE_DATE64 ? 86400000 : 1;
    p.src_per_sec = per_second(from);
    if (t_time) ratio(per_second(from), per_second(to), &p);
    if (from->timezone != NULL && from->timezone[0] != '\0') {
      QV_RETURN_IF_ERROR(qv__tz_load(from->timezone, &tz, err));
      p.tz = tz;
    }
  } else {
    return not_supported(a, to, err);
  }
  p.target32 = to->bit_width == 32;
  bool src32 = from->bit_width == 32;
  qv_buffer *validity = NULL, *values = NULL;
  int64_t nulls, n = a->length;
  st = qv__compute_copy_validity(a, &validity, &nulls, err);
  if (st == QV_OK) st = qv_buffer_allocate(NULL, n * (p.target32 ? 4 : 8), true, &values, err);
  const uint8_t *base = qv_array_buffer_data(a, 1);
  for (int64_t i = 0; st == QV_OK && i < n; i++) {
    if (!qv_array_is_valid(a, i)) continue;
    int64_t v = src32 ? ((const int32_t *)(const void *)base)[a->offset + i]
                      : ((const int64_t *)(const void *)base)[a->offset + i];
    int64_t r = 0;
    if (!apply(&p, v, safe, &r)) {
      char fname[64], tname[64];
      qv_type_format(from, fname, sizeof fname);
      qv_type_format(to, tname, sizeof tname);
      st = qv_error_set(err, QV_ERR_INVALID_DATA, "cast: row %lld: casting %lld from %s to %s would %s",
                        (long long)i, (long long)v, fname, tname,
                        p.mul > 1 || p.kind == STEP_TO_DATE ? "leave the target's range" : "lose data");
      break;
    }
    if (p.target32) ((int32_t *)(void *)values->data)[i] = (int32_t)(uint32_t)(uint64_t)r;
    else ((int64_t *)(void *)values->data)[i] = r;
  }
  qv__tz_free(tz);
  if (st != QV_OK) {
    qv_buffer_release(validity);
    qv_buffer_release(values);
    return st;
  }
  return qv__compute_finish_fixed(to, n, validity, values, out, err);
}
