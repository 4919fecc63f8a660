/* Internal to src/compute: calendar arithmetic and time zones shared by
 * the temporal casts, the string formatting/parsing of temporal values and
 * the field extraction kernels.
 *
 * Calendar: the proleptic Gregorian calendar over int64 day numbers (day 0
 * is 1970-01-01), by the days-from-civil method, exact for every int64
 * timestamp.
 *
 * Time zones: a qv__tz is a fixed offset ("UTC", "+05:30", "-0800") or an
 * IANA zone read from the system's compiled tz database (TZif files under
 * $TZDIR or /usr/share/zoneinfo). The TZif file is parsed by hand (no
 * registry package reads TZif in C, and the C library's localtime_r works
 * through the process-global TZ variable, which a library must not touch
 * from arbitrary threads). Each lookup is a binary search over the zone's
 * transitions; instants after the last transition use the zone's POSIX
 * footer rule when it has the usual "Mm.w.d" daylight-saving form, else the
 * last transition's offset. A qv__tz is immutable once loaded, so it may be
 * shared between threads.
 */
#ifndef QUIVER_SRC_COMPUTE_TEMPORAL_UTIL_H
#define QUIVER_SRC_COMPUTE_TEMPORAL_UTIL_H

#include <stdbool.h>
#include <stdint.h>

#include "quiver/status.h"
#include "quiver/type.h"

/* Floor division and its remainder (b > 0). */
static inline int64_t qv__floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}
static inline int64_t qv__floor_mod(int64_t a, int64_t b) {
  int64_t r = a % b;
  return r < 0 ? r + b : r;
}

/* Ticks of `unit` in one second: 1, 1e3, 1e6, 1e9. */
int64_t qv__unit_per_second(qv_time_unit unit);

/* Day number of a civil date, and back. Month 1..12, day 1..31. */
int64_t qv__days_from_civil(int64_t y, int m, int d);
void qv__civil_from_days(int64_t days, int64_t *y, int *m, int *d);
/* Days in month m of year y. */
int qv__days_in_month(int64_t y, int m);

/* A loaded time zone. */
typedef struct qv__tz qv__tz;

/* Loads zone `name`; QV_ERR_INVALID_ARGUMENT naming it when it is neither a
 * fixed offset nor a readable, well-formed TZif file. Caller frees with
 * qv__tz_free. */
qv_status qv__tz_load(const char *name, qv__tz **out, qv_error *err);
void qv__tz_free(qv__tz *tz);
/* Seconds to add to UTC instant `utc` (seconds since the epoch) for local
 * wall-clock time in the zone. */
int32_t qv__tz_offset(const qv__tz *tz, int64_t utc);
/* True when the zone is UTC (prints as "Z"). */
bool qv__tz_is_utc(const qv__tz *tz);

#endif
