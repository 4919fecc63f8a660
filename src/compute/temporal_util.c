/* Calendar arithmetic and the TZif time-zone reader (see temporal_util.h).
 *
 * The TZif reader keeps only what lookups need: the version-2 (64-bit)
 * transition times, the UTC offset in force after each, the offset before
 * the first, and the POSIX footer rule parsed into two "Mm.w.d/time"
 * switches. Every count read from the file is checked against the bytes
 * that remain, so a truncated or hostile file is an error, never a bad read.
 */
#include "compute/temporal_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"

int64_t qv__unit_per_second(qv_time_unit unit) {
  static const int64_t per[4] = {1, 1000, 1000000, 1000000000};
  return (unsigned)unit < 4 ? per[unit] : 1;
}

int64_t qv__days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  int64_t era = qv__floor_div(y, 400);
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void qv__civil_from_days(int64_t days, int64_t *y, int *m, int *d) {
  int64_t z = days + 719468;
  int64_t era = qv__floor_div(z, 146097);
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

int qv__days_in_month(int64_t y, int m) {
  static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : days[(m - 1) % 12];
}

/* ---- zones ---- */

typedef struct rule_switch {
  int month, week, weekday; /* Mm.w.d */
  int32_t seconds;          /* local time of day of the switch */
} rule_switch;

struct qv__tz {
  bool utc;
  int32_t fixed;        /* offset when there are no transitions and no rule */
  int64_t n;            /* transitions */
  int64_t *times;       /* UTC instants, increasing */
  int32_t *offsets;     /* offset in force from times[i] on */
  int32_t before;       /* offset before the first transition */
  bool has_rule;        /* the footer's daylight-saving rule */
  int32_t std_off, dst_off;
  rule_switch start, end;
};

void qv__tz_free(qv__tz *tz) {
  if (tz == NULL) return;
  qv__free(tz->times);
  qv__free(tz->offsets);
  qv__free(tz);
}

bool qv__tz_is_utc(const qv__tz *tz) { return tz->utc; }

/* "+hh:mm", "-hhmm", "+hh": the offset in seconds; false otherwise. */
static bool parse_fixed(const char *s, int32_t *out) {
  size_t n = strlen(s);
  if (n < 3 || (s[0] != '+' && s[0] != '-')) return false;
  for (size_t i = 1; i < n; i++)
    if (!(s[i] >= '0' && s[i] <= '9') && !(i == 3 && s[i] == ':')) return false;
  int hh = (s[1] - '0') * 10 + (s[2] - '0'), mm = 0;
  if (n == 6 && s[3] == ':') mm = (s[4] - '0') * 10 + (s[5] - '0');
  else if (n == 5 && s[3] != ':') mm = (s[3] - '0') * 10 + (s[4] - '0');
  else if (n != 3) return false;
  if (hh > 23 || mm > 59) return false;
  *out = (s[0] == '-' ? -1 : 1) * (hh * 3600 + mm * 60);
  return true;
}

static uint32_t be32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }
static int64_t be64(const uint8_t *p) { return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4)); }

/* POSIX offset "[+-]hh[:mm[:ss]]" at *s (advanced); false if malformed. */
static bool posix_hms(const char **s, int32_t *out) {
  const char *p = *s;
  int sign = 1, parts[3] = {0, 0, 0}, k = 0;
  if (*p == '+' || *p == '-') sign = *p++ == '-' ? -1 : 1;
  for (;;) {
    if (!(*p >= '0' && *p <= '9')) return false;
    int v = 0;
    while (*p >= '0' && *p <= '9' && v < 1000) v = v * 10 + (*p++ - '0');
    parts[k++] = v;
    if (*p != ':' || k == 3) break;
    p++;
  }
  *s = p;
  *out = sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]);
  return true;
}

static bool posix_name(const char **s) {
  const char *p = *s;
  if (*p == '<') {
    while (*p && *p != '>') p++;
    if (*p != '>') return false;
    p++;
  } else {
    while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')) p++;
  }
  if (p - *s < 3) return false;
  *s = p;
  return true;
}

static bool posix_switch(const char **s, rule_switch *r) {
  const char *p = *s;
  if (*p++ != 'M') return false; /* only the Mm.w.d form; Jn and n fall back */
  int v[3] = {0, 0, 0};
  for (int k = 0; k < 3; k++) {
    if (!(*p >= '0' && *p <= '9')) return false;
    while (*p >= '0' && *p <= '9' && v[k] < 100) v[k] = v[k] * 10 + (*p++ - '0');
    if (k < 2 && *p++ != '.') return false;
  }
  if (v[0] < 1 || v[0] > 12 || v[1] < 1 || v[1] > 5 || v[2] > 6) return false;
  r->month = v[0];
  r->week = v[1];
  r->weekday = v[2];
  r->seconds = 2 * 3600;
  if (*p == '/') {
    p++;
    if (!posix_hms(&p, &r->seconds)) return false;
  }
  *s = p;
  return true;
}

/* "EST5EDT,M3.2.0,M11.1.0": fills the rule; false leaves has_rule unset. */
static void parse_footer(qv__tz *tz, const char *s) {
  int32_t std, dst;
  if (!posix_name(&s) || !posix_hms(&s, &std)) return;
  tz->fixed = -std;
  if (*s == '\0') return;
  if (!posix_name(&s)) return;
  dst = std - 3600;
  if (*s != ',' && !posix_hms(&s, &dst)) return;
  if (*s++ != ',' || !posix_switch(&s, &tz->start) || *s++ != ',' || !posix_switch(&s, &tz->end) || *s != '\0')
    return;
  tz->std_off = -std;
  tz->dst_off = -dst;
  tz->has_rule = true;
}

/* Reads the TZif body at p[0, n); false when malformed. */
static bool parse_tzif(qv__tz *tz, const uint8_t *p, int64_t n) {
  if (n < 44 || memcmp(p, "TZif", 4) != 0) return false;
  uint32_t c[6];
  for (int k = 0; k < 6; k++) c[k] = be32(p + 20 + 4 * k);
  bool v2 = p[4] >= '2';
  /* Skip the version-1 block when there is a 64-bit one. */
  int64_t v1 = (int64_t)c[3] * 5 + (int64_t)c[4] * 6 + c[5] + (int64_t)c[2] * 8 + c[1] + c[0];
  int tsize = 4;
  if (v2) {
    if (44 + v1 + 44 > n) return false;
    p += 44 + v1;
    n -= 44 + v1;
    if (memcmp(p, "TZif", 4) != 0) return false;
    for (int k = 0; k < 6; k++) c[k] = be32(p + 20 + 4 * k);
    tsize = 8;
  }
  uint32_t isut = c[0], isstd = c[1], leap = c[2], timecnt = c[3], typecnt = c[4], charcnt = c[5];
  if (typecnt == 0 || typecnt > 256 || timecnt > 100000) return false;
  int64_t need = 44 + (int64_t)timecnt * (tsize + 1) + (int64_t)typecnt * 6 + charcnt +
                 (int64_t)leap * (tsize + 4) + isstd + isut;
  if (need > n) return false;
  const uint8_t *times = p + 44, *idx = times + (int64_t)timecnt * tsize, *types = idx + timecnt;
  tz->times = qv__malloc(sizeof(int64_t) * (timecnt ? timecnt : 1));
  tz->offsets = qv__malloc(sizeof(int32_t) * (timecnt ? timecnt : 1));
  if (tz->times == NULL || tz->offsets == NULL) return false;
  for (uint32_t i = 0; i < timecnt; i++) {
    if (idx[i] >= typecnt) return false;
    tz->times[i] = tsize == 8 ? be64(times + 8 * i) : (int64_t)(int32_t)be32(times + 4 * i);
    tz->offsets[i] = (int32_t)be32(types + 6 * idx[i]);
    if (i > 0 && tz->times[i] <= tz->times[i - 1]) return false;
  }
  tz->n = timecnt;
  /* Before the first transition: the first standard-time type. */
  tz->before = (int32_t)be32(types);
  for (uint32_t t = 0; t < typecnt; t++)
    if (types[6 * t + 4] == 0) {
      tz->before = (int32_t)be32(types + 6 * t);
      break;
    }
  tz->fixed = timecnt ? tz->offsets[timecnt - 1] : tz->before;
  if (v2 && need < n && p[need] == '\n') {
    char footer[128];
    int64_t k = 0;
    for (int64_t i = need + 1; i < n && p[i] != '\n' && k < (int64_t)sizeof footer - 1; i++) footer[k++] = (char)p[i];
    footer[k] = '\0';
    int32_t keep = tz->fixed;
    parse_footer(tz, footer);
    if (!tz->has_rule && timecnt > 0) tz->fixed = keep;
  }
  return true;
}

static bool safe_zone_name(const char *name) {
  if (name[0] == '\0' || name[0] == '/' || strlen(name) > 200) return false;
  for (const char *p = name; *p; p++) {
    if (p[0] == '.' && p[1] == '.') return false;
    if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '/' ||
          *p == '_' || *p == '-' || *p == '+' || *p == '.'))
      return false;
  }
  return true;
}

qv_status qv__tz_load(const char *name, qv__tz **out, qv_error *err) {
  qv__tz *tz = qv__calloc(1, sizeof *tz);
  *out = NULL;
  QV_CHECK_ALLOC(tz, err);
  if (name == NULL || strcmp(name, "UTC") == 0 || strcmp(name, "Z") == 0 || strcmp(name, "Etc/UTC") == 0 ||
      strcmp(name, "+00:00") == 0) {
    tz->utc = true;
    *out = tz;
    return QV_OK;
  }
  if (parse_fixed(name, &tz->fixed)) {
    *out = tz;
    return QV_OK;
  }
  if (!safe_zone_name(name)) {
    qv__tz_free(tz);
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "unknown time zone '%.64s'", name);
  }
  const char *dir = getenv("TZDIR"); /* read only; never set */
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir && dir[0] ? dir : "/usr/share/zoneinfo", name);
  FILE *f = fopen(path, "rb");
  uint8_t *body = NULL;
  int64_t n = 0;
  bool ok = false;
  if (f != NULL) {
    body = qv__malloc(1 << 20);
    if (body != NULL) n = (int64_t)fread(body, 1, 1 << 20, f);
    fclose(f);
    ok = body != NULL && parse_tzif(tz, body, n);
  }
  qv__free(body);
  if (!ok) {
    qv__tz_free(tz);
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "unknown time zone '%.64s' (no readable TZif file %.200s)", name,
                        path);
  }
  *out = tz;
  return QV_OK;
}

/* UTC instant of a rule switch in year y, the switch's local time being in
 * the zone offset `off`. */
static int64_t switch_instant(const rule_switch *r, int64_t y, int32_t off) {
  int64_t first = qv__days_from_civil(y, r->month, 1);
  int dow = (int)qv__floor_mod(first + 4, 7); /* 1970-01-01 was a Thursday */
  int day = 1 + (r->weekday - dow + 7) % 7 + (r->week - 1) * 7;
  while (day > qv__days_in_month(y, r->month)) day -= 7;
  return (first + day - 1) * 86400 + r->seconds - off;
}

int32_t qv__tz_offset(const qv__tz *tz, int64_t utc) {
  if (tz->utc) return 0;
  if (tz->n > 0 && utc < tz->times[0]) return tz->before;
  if (tz->n > 0 && (utc < tz->times[tz->n - 1] || !tz->has_rule)) {
    int64_t lo = 0, hi = tz->n - 1; /* last transition <= utc */
    while (lo < hi) {
      int64_t mid = lo + (hi - lo + 1) / 2;
      if (tz->times[mid] <= utc) lo = mid;
      else hi = mid - 1;
    }
    return tz->offsets[lo];
  }
  if (!tz->has_rule) return tz->fixed;
  if (utc > ((int64_t)1 << 50) || utc < -((int64_t)1 << 50)) return tz->std_off; /* beyond any calendar use */
  int64_t y, days = qv__floor_div(utc + tz->std_off, 86400);
  int m, d;
  qv__civil_from_days(days, &y, &m, &d);
  int64_t start = switch_instant(&tz->start, y, tz->std_off), end = switch_instant(&tz->end, y, tz->dst_off);
  bool dst = start < end ? (utc >= start && utc < end) : !(utc >= end && utc < start);
  return dst ? tz->dst_off : tz->std_off;
}
