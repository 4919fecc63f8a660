/* quiver core: ISO-8601 dates and timestamps as text (see iso8601.h).
 * Dates are proleptic Gregorian, years 0000..9999, converted with era
 * arithmetic so no table or loop over years is needed.
 */
#include "core/iso8601.h"

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static bool fixed_digits(const char *s, int count, int *out) {
  int v = 0;
  for (int k = 0; k < count; k++) {
    if (!is_digit(s[k])) return false;
    v = v * 10 + (s[k] - '0');
  }
  *out = v;
  return true;
}

static bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/* Days since 1970-01-01 of a proleptic Gregorian date (era arithmetic). */
static int64_t days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

bool qv__iso_civil_days(int y, int m, int d, int64_t *days) {
  static const int month_days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 0 || y > 9999 || m < 1 || m > 12 || d < 1 || d > month_days[m - 1] + (m == 2 && is_leap(y))) return false;
  *days = days_from_civil(y, m, d);
  return true;
}

/* "YYYY-MM-DD" at s (exactly 10 bytes available) -> days. */
static bool parse_ymd(const char *s, int64_t *days) {
  int y, m, d;
  if (!fixed_digits(s, 4, &y) || s[4] != '-' || !fixed_digits(s + 5, 2, &m) || s[7] != '-' ||
      !fixed_digits(s + 8, 2, &d))
    return false;
  return qv__iso_civil_days(y, m, d, days);
}

bool qv__iso_parse_date(const char *s, int64_t n, int32_t *out) {
  int64_t days;
  if (n != 10 || !parse_ymd(s, &days)) return false;
  *out = (int32_t)days; /* years 0000..9999 are well inside int32 days */
  return true;
}

bool qv__iso_parse_timestamp(const char *s, int64_t n, qv__iso_timestamp *out) {
  int64_t days;
  if (n < 10 || !parse_ymd(s, &days)) return false;
  qv__iso_timestamp t = {days * 86400, 0, false, false};
  int64_t i = 10;
  if (i == n) {
    *out = t;
    return true;
  }
  if (s[i] != 'T' && s[i] != ' ') return false;
  i++;
  int hh, mm, ss = 0;
  if (n - i < 5 || !fixed_digits(s + i, 2, &hh) || s[i + 2] != ':' || !fixed_digits(s + i + 3, 2, &mm)) return false;
  i += 5;
  if (i < n && s[i] == ':') {
    if (n - i < 3 || !fixed_digits(s + i + 1, 2, &ss)) return false;
    i += 3;
    if (i < n && s[i] == '.') {
      i++;
      int digits = 0;
      int32_t nanos = 0;
      while (i < n && is_digit(s[i])) {
        if (++digits > 9) return false;
        nanos = nanos * 10 + (s[i] - '0');
        i++;
      }
      if (digits == 0) return false;
      for (int k = digits; k < 9; k++) nanos *= 10;
      t.nanos = nanos;
      t.has_fraction = true;
    }
  }
  if (hh > 23 || mm > 59 || ss > 59) return false;
  t.seconds += hh * 3600 + mm * 60 + ss;
  if (i < n && s[i] == 'Z') {
    t.has_zone = true;
    i++;
  } else if (i < n && (s[i] == '+' || s[i] == '-')) {
    const int sign = s[i] == '+' ? 1 : -1;
    int oh, om = 0;
    i++;
    if (n - i < 2 || !fixed_digits(s + i, 2, &oh)) return false;
    i += 2;
    if (i < n && s[i] == ':') i++;
    if (i < n) {
      if (n - i < 2 || !fixed_digits(s + i, 2, &om)) return false;
      i += 2;
    }
    if (oh > 23 || om > 59) return false;
    /* local = UTC + offset, so UTC = local - offset */
    t.seconds -= sign * (oh * 3600 + om * 60);
    t.has_zone = true;
  }
  if (i != n) return false;
  *out = t;
  return true;
}
