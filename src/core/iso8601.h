/* quiver core: ISO-8601 date and timestamp text (internal).
 *
 * Shared by the text formats (CSV, JSON Lines) so both read dates and
 * times the same way. Each parser accepts exactly the whole text or
 * nothing (no surrounding spaces, no partial values); impossible dates
 * (2021-02-29, month 13) are rejected, not wrapped.
 */
#ifndef QUIVER_CORE_ISO8601_H
#define QUIVER_CORE_ISO8601_H

#include <stdbool.h>
#include <stdint.h>

/* Days since 1970-01-01 of year y (0..9999), month m, day d; false for a
 * date that does not exist. */
bool qv__iso_civil_days(int y, int m, int d, int64_t *days);

/* "YYYY-MM-DD" -> days since 1970-01-01. */
bool qv__iso_parse_date(const char *s, int64_t n, int32_t *days);

/* An ISO-8601 timestamp "YYYY-MM-DD[(T| )hh:mm[:ss[.fraction]]][Z|(+|-)hh[:]mm]":
 * seconds since the epoch (UTC when has_zone, the offset applied; else wall
 * clock), the fraction in nanoseconds (up to 9 digits), whether a fraction
 * and whether a time of day or a zone were written. A bare date is accepted
 * (midnight). */
typedef struct qv__iso_timestamp {
  int64_t seconds;
  int32_t nanos;
  bool has_fraction;
  bool has_zone;
} qv__iso_timestamp;
bool qv__iso_parse_timestamp(const char *s, int64_t n, qv__iso_timestamp *out);

#endif
