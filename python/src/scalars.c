/* quiver Python binding: scalar conversions between Arrow values and Python
 * objects that need more than a C cast - dates, times, timestamps,
 * durations, decimals, float16 and time zones.
 *
 * This is the only file that uses the datetime C API (its PyDateTimeAPI
 * capsule pointer is per translation unit). Conversions are exact or fail:
 * a value Python's datetime cannot represent (year outside 1..9999) raises
 * ValueError instead of wrapping, a Decimal that does not fit the type's
 * precision or scale raises ArrowInvalid instead of rounding.
 *
 * Nanoseconds (Python's datetime stops at microseconds) follow pyarrow's
 * as_py: timestamp[ns] and duration[ns] become pandas.Timestamp /
 * pandas.Timedelta when pandas can be imported (looked up once, on the
 * first nanosecond value); without pandas a value that is a whole number of
 * microseconds becomes datetime/timedelta and any other raises ValueError.
 * time64[ns] becomes datetime.time when it is a whole number of
 * microseconds and raises ValueError otherwise, with or without pandas
 * (pyarrow drops the nanoseconds there when pandas is present; quiver never
 * truncates silently).
 */
#include "qvpy.h"
#include "scalars.h"

#include <datetime.h>
#include <math.h>
#include <string.h>

PyObject *qvpy_decimal_cls;
PyObject *qvpy_utc;
static PyObject *zoneinfo_cls; /* zoneinfo.ZoneInfo, or NULL if unavailable */
static PyObject *tz_cache;     /* dict: tz string -> tzinfo */
static PyObject *uuid_cls;     /* uuid.UUID, imported on first use */
static PyObject *pandas_mod;   /* pandas, imported on the first nanosecond value */
static int pandas_state;       /* 0: not looked up yet, 1: imported, -1: not importable */

/* 1 with *pd borrowed when pandas can be imported, 0 when it cannot (an
 * ImportError), -1 with the exception importing it raised otherwise. */
static int pandas_module(PyObject **pd) {
  if (pandas_state == 0) {
    pandas_mod = PyImport_ImportModule("pandas");
    if (pandas_mod != NULL) {
      pandas_state = 1;
    } else if (PyErr_ExceptionMatches(PyExc_ImportError)) {
      PyErr_Clear();
      pandas_state = -1;
    } else {
      return -1;
    }
  }
  *pd = pandas_mod;
  return pandas_state > 0;
}

/* A nanosecond value Python's datetime types cannot hold exactly. */
static PyObject *raise_inexact_nanos(const char *what, int64_t v, const char *python_type, const char *pandas_type) {
  return PyErr_Format(PyExc_ValueError,
                      "%s value %lld is not a whole number of microseconds, so it does not convert to %s without "
                      "losing nanoseconds; install pandas to get %s, or read the integers through to_numpy()",
                      what, (long long)v, python_type, pandas_type);
}

int qvpy_scalars_init(void) {
  PyDateTime_IMPORT;
  if (PyDateTimeAPI == NULL) return -1;
  qvpy_utc = qvpy_newref(PyDateTime_TimeZone_UTC);
  PyObject *m = PyImport_ImportModule("decimal");
  if (m == NULL) return -1;
  qvpy_decimal_cls = PyObject_GetAttrString(m, "Decimal");
  Py_DECREF(m);
  if (qvpy_decimal_cls == NULL) return -1;
  m = PyImport_ImportModule("zoneinfo");
  if (m == NULL) {
    PyErr_Clear();
  } else {
    zoneinfo_cls = PyObject_GetAttrString(m, "ZoneInfo");
    Py_DECREF(m);
    if (zoneinfo_cls == NULL) PyErr_Clear();
  }
  tz_cache = PyDict_New();
  return tz_cache != NULL ? 0 : -1;
}

static int ensure_uuid(void);

/* ---- float16 ---- */

double qvpy_half_to_double(uint16_t h) {
  int sign = h >> 15, exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
  double v;
  if (exp == 0)
    v = ldexp((double)mant, -24);
  else if (exp == 31)
    v = mant ? NAN : INFINITY;
  else
    v = ldexp((double)(mant | 0x400), exp - 25);
  return sign ? -v : v;
}

uint16_t qvpy_double_to_half(double d) {
  uint16_t sign = signbit(d) ? 0x8000 : 0;
  if (isnan(d)) return (uint16_t)(sign | 0x7e00);
  double a = fabs(d);
  if (a >= 65520.0) return (uint16_t)(sign | 0x7c00); /* rounds to infinity */
  if (a < ldexp(1.0, -14)) {                           /* subnormal (or zero) */
    double m = nearbyint(a * ldexp(1.0, 24));          /* round half to even */
    return (uint16_t)(sign | (uint16_t)m);
  }
  int e;
  double f = frexp(a, &e);                      /* a = f * 2^e, f in [0.5, 1) */
  double m = nearbyint(ldexp(f, 11));           /* 11 significant bits */
  if (m >= 2048.0) {
    m /= 2;
    e++;
  }
  return (uint16_t)(sign | (uint16_t)((e + 14) << 10) | ((uint16_t)m & 0x3ff));
}

/* ---- civil dates (Howard Hinnant's algorithms, proleptic Gregorian) ---- */

int64_t qvpy_days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void qvpy_civil_from_days(int64_t z, int64_t *y, int *m, int *d) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

static int64_t floordiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/* value in `unit` -> microseconds (floor), -1 with OverflowError. */
static int to_micros(int64_t v, qv_time_unit unit, int64_t *us) {
  switch (unit) {
    case QV_UNIT_SECOND:
      if (__builtin_mul_overflow(v, (int64_t)1000000, us)) goto overflow;
      return 0;
    case QV_UNIT_MILLI:
      if (__builtin_mul_overflow(v, (int64_t)1000, us)) goto overflow;
      return 0;
    case QV_UNIT_MICRO: *us = v; return 0;
    default: *us = floordiv(v, 1000); return 0;
  }
overflow:
  PyErr_Format(PyExc_OverflowError, "value %lld does not fit in microseconds", (long long)v);
  return -1;
}

/* microseconds (+ extra nanoseconds) -> unit, -1 with OverflowError. */
static int from_micros(int64_t us, int64_t extra_ns, qv_time_unit unit, int64_t *out) {
  switch (unit) {
    case QV_UNIT_SECOND: *out = floordiv(us, 1000000); return 0;
    case QV_UNIT_MILLI: *out = floordiv(us, 1000); return 0;
    case QV_UNIT_MICRO: *out = us; return 0;
    default:
      /* us is floored, so near INT64_MIN us * 1000 alone may overflow while
       * us * 1000 + extra_ns (0..999) fits: then take one microsecond less. */
      if (extra_ns > 0 && us < 0 && __builtin_mul_overflow(us, (int64_t)1000, out)) {
        us += 1;
        extra_ns -= 1000;
      }
      if (__builtin_mul_overflow(us, (int64_t)1000, out) || __builtin_add_overflow(*out, extra_ns, out)) {
        PyErr_SetString(PyExc_OverflowError, "value out of range for a nanosecond timestamp/duration");
        return -1;
      }
      return 0;
  }
}

/* ---- Arrow -> Python ---- */

PyObject *qvpy_date_from_days(int64_t days) {
  int64_t y;
  int m, d;
  qvpy_civil_from_days(days, &y, &m, &d);
  if (y < 1 || y > 9999) return PyErr_Format(PyExc_ValueError, "date32 value %lld (year %lld) is out of range for Python's datetime.date", (long long)days, (long long)y);
  return PyDate_FromDate((int)y, m, d);
}

/* Microseconds -> whole days (floor) and the microseconds into the day,
 * without the overflow of days * 86400000000 near INT64_MIN. */
static void split_days(int64_t us, int64_t *days, int64_t *rem) {
  const int64_t day = INT64_C(86400000000);
  *days = us / day;
  *rem = us % day;
  if (*rem < 0) {
    *rem += day;
    *days -= 1;
  }
}

PyObject *qvpy_time_from_value(int64_t v, qv_time_unit unit) {
  if (unit == QV_UNIT_NANO && v % 1000 != 0)
    return PyErr_Format(PyExc_ValueError,
                        "time64[ns] value %lld is not a whole number of microseconds, so it does not convert to "
                        "datetime.time without losing nanoseconds; read the integers through to_numpy()",
                        (long long)v);
  int64_t us;
  if (to_micros(v, unit, &us) < 0) return NULL;
  if (us < 0 || us >= INT64_C(86400000000))
    return PyErr_Format(QvExc_ArrowInvalid, "time value %lld is outside one day", (long long)v);
  int64_t s = us / 1000000;
  return PyTime_FromTime((int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60), (int)(us % 1000000));
}

/* pandas.Timestamp(v, tz=zone, unit="ns"), as pyarrow's as_py builds it. */
static PyObject *pandas_timestamp(PyObject *pd, int64_t v, const char *tz) {
  PyObject *zone = tz != NULL && tz[0] != '\0' ? qvpy_tz_from_string(tz) : qvpy_newref(Py_None);
  if (zone == NULL) return NULL;
  PyObject *cls = PyObject_GetAttrString(pd, "Timestamp");
  PyObject *args = cls ? Py_BuildValue("(L)", (long long)v) : NULL;
  PyObject *kw = args ? Py_BuildValue("{sOss}", "tz", zone, "unit", "ns") : NULL;
  PyObject *r = kw ? PyObject_Call(cls, args, kw) : NULL;
  Py_XDECREF(kw);
  Py_XDECREF(args);
  Py_XDECREF(cls);
  Py_DECREF(zone);
  return r;
}

PyObject *qvpy_timestamp_from_value(int64_t v, qv_time_unit unit, const char *tz) {
  if (unit == QV_UNIT_NANO) {
    PyObject *pd;
    int have = pandas_module(&pd);
    if (have < 0) return NULL;
    if (have) return pandas_timestamp(pd, v, tz);
    if (v % 1000 != 0) return raise_inexact_nanos("timestamp[ns]", v, "datetime.datetime", "pandas.Timestamp");
  }
  int64_t us;
  if (to_micros(v, unit, &us) < 0) return NULL;
  int64_t days, rem;
  split_days(us, &days, &rem);
  int64_t y;
  int m, d;
  qvpy_civil_from_days(days, &y, &m, &d);
  if (y < 1 || y > 9999)
    return PyErr_Format(PyExc_ValueError, "timestamp value %lld is out of range for Python's datetime (year %lld)",
                        (long long)v, (long long)y);
  int64_t s = rem / 1000000;
  bool aware = tz != NULL && tz[0] != '\0';
  PyObject *dt = PyDateTimeAPI->DateTime_FromDateAndTime((int)y, m, d, (int)(s / 3600), (int)(s / 60 % 60),
                                                         (int)(s % 60), (int)(rem % 1000000),
                                                         aware ? qvpy_utc : Py_None, PyDateTimeAPI->DateTimeType);
  if (dt == NULL || !aware || strcmp(tz, "UTC") == 0) return dt;
  PyObject *zone = qvpy_tz_from_string(tz);
  if (zone == NULL) {
    Py_DECREF(dt);
    return NULL;
  }
  PyObject *local = PyObject_CallMethod(dt, "astimezone", "O", zone);
  Py_DECREF(zone);
  Py_DECREF(dt);
  return local;
}

PyObject *qvpy_duration_from_value(int64_t v, qv_time_unit unit) {
  if (unit == QV_UNIT_NANO) {
    PyObject *pd;
    int have = pandas_module(&pd);
    if (have < 0) return NULL;
    if (have) return PyObject_CallMethod(pd, "Timedelta", "Ls", (long long)v, "ns");
    if (v % 1000 != 0) return raise_inexact_nanos("duration[ns]", v, "datetime.timedelta", "pandas.Timedelta");
  }
  int64_t us;
  if (to_micros(v, unit, &us) < 0) return NULL;
  int64_t days, rem;
  split_days(us, &days, &rem);
  if (days > 999999999 || days < -999999999)
    return PyErr_Format(PyExc_OverflowError, "duration value %lld is out of range for Python's timedelta",
                        (long long)v);
  return PyDelta_FromDSU((int)days, (int)(rem / 1000000), (int)(rem % 1000000));
}

/* Python int from little-endian two's complement words (n = 1, 2 or 4). */
static PyObject *int_from_words(const uint64_t *w, int n) {
  bool fits64 = true;
  uint64_t ext = (w[0] >> 63) ? UINT64_MAX : 0;
  for (int k = 1; k < n; k++)
    if (w[k] != ext) fits64 = false;
  if (fits64) return PyLong_FromLongLong((long long)w[0]);
  uint8_t bytes[32];
  for (int k = 0; k < n; k++)
    for (int b = 0; b < 8; b++) bytes[k * 8 + b] = (uint8_t)(w[k] >> (8 * b));
  PyObject *raw = PyBytes_FromStringAndSize((const char *)bytes, n * 8);
  if (raw == NULL) return NULL;
  PyObject *args = Py_BuildValue("(Os)", raw, "little");
  Py_DECREF(raw);
  PyObject *kw = Py_BuildValue("{s:O}", "signed", Py_True);
  PyObject *from_bytes = PyObject_GetAttrString((PyObject *)&PyLong_Type, "from_bytes");
  PyObject *r = (args && kw && from_bytes) ? PyObject_Call(from_bytes, args, kw) : NULL;
  Py_XDECREF(args);
  Py_XDECREF(kw);
  Py_XDECREF(from_bytes);
  return r;
}

PyObject *qvpy_decimal_from_words(const uint64_t words[4], int n_words, int32_t scale) {
  PyObject *n = int_from_words(words, n_words);
  if (n == NULL) return NULL;
  PyObject *text = PyUnicode_FromFormat("%SE%d", n, (int)-scale);
  Py_DECREF(n);
  if (text == NULL) return NULL;
  PyObject *r = PyObject_CallOneArg(qvpy_decimal_cls, text);
  Py_DECREF(text);
  return r;
}

/* ---- canonical extensions ---- */

static int ensure_uuid(void) {
  if (uuid_cls != NULL) return 0;
  PyObject *m = PyImport_ImportModule("uuid");
  if (m == NULL) return -1;
  uuid_cls = PyObject_GetAttrString(m, "UUID");
  Py_DECREF(m);
  return uuid_cls != NULL ? 0 : -1;
}

PyObject *qvpy_uuid_from_bytes(const uint8_t *p) {
  if (ensure_uuid() < 0) return NULL;
  PyObject *b = PyBytes_FromStringAndSize((const char *)p, 16);
  if (b == NULL) return NULL;
  PyObject *kw = Py_BuildValue("{s:O}", "bytes", b);
  Py_DECREF(b);
  if (kw == NULL) return NULL;
  PyObject *empty = PyTuple_New(0);
  PyObject *r = empty ? PyObject_Call(uuid_cls, empty, kw) : NULL;
  Py_XDECREF(empty);
  Py_DECREF(kw);
  return r;
}

PyObject *qvpy_uuid_bytes(PyObject *o) {
  if (ensure_uuid() < 0) return NULL;
  int is_uuid = PyObject_IsInstance(o, uuid_cls);
  if (is_uuid < 0) return NULL;
  if (!is_uuid) return qvpy_newref(o);
  return PyObject_GetAttrString(o, "bytes");
}

/* ---- time zones ---- */

/* "+HH:MM", "-HHMM", "+HH" -> seconds east of UTC; false if not an offset. */
static bool parse_offset(const char *s, int *seconds) {
  if (s[0] != '+' && s[0] != '-') return false;
  int sign = s[0] == '-' ? -1 : 1;
  const char *p = s + 1;
  int digits[4], nd = 0;
  for (; *p && nd < 4; p++) {
    if (*p == ':') continue;
    if (*p < '0' || *p > '9') return false;
    digits[nd++] = *p - '0';
  }
  if (*p != '\0' || (nd != 2 && nd != 4)) return false;
  int h = digits[0] * 10 + digits[1], m = nd == 4 ? digits[2] * 10 + digits[3] : 0;
  if (h > 23 || m > 59) return false;
  *seconds = sign * (h * 3600 + m * 60);
  return true;
}

PyObject *qvpy_tz_from_string(const char *tz) {
  PyObject *cached = PyDict_GetItemString(tz_cache, tz);
  if (cached != NULL) return qvpy_newref(cached);
  PyObject *zone = NULL;
  int secs;
  if (strcmp(tz, "UTC") == 0 || strcmp(tz, "utc") == 0 || strcmp(tz, "Z") == 0 || strcmp(tz, "Etc/UTC") == 0) {
    zone = qvpy_newref(qvpy_utc);
  } else if (parse_offset(tz, &secs)) {
    PyObject *delta = PyDelta_FromDSU(0, secs, 0);
    if (delta == NULL) return NULL;
    zone = PyTimeZone_FromOffset(delta);
    Py_DECREF(delta);
  } else if (zoneinfo_cls != NULL) {
    zone = PyObject_CallFunction(zoneinfo_cls, "s", tz);
    if (zone == NULL) {
      PyErr_Clear();
      PyErr_Format(QvExc_ArrowInvalid, "unknown time zone '%s'", tz);
    }
  } else {
    PyErr_Format(QvExc_ArrowNotImplementedError, "time zone '%s' needs the zoneinfo module", tz);
  }
  if (zone != NULL && PyDict_SetItemString(tz_cache, tz, zone) < 0) Py_CLEAR(zone);
  return zone;
}

PyObject *qvpy_tzinfo_name(PyObject *tzinfo) {
  if (tzinfo == NULL || tzinfo == Py_None) return qvpy_newref(Py_None);
  if (tzinfo == qvpy_utc) return PyUnicode_FromString("UTC");
  /* zoneinfo.ZoneInfo has .key, pytz zones .zone */
  static const char *attrs[] = {"key", "zone"};
  for (int i = 0; i < 2; i++) {
    PyObject *name = PyObject_GetAttrString(tzinfo, attrs[i]);
    if (name != NULL && PyUnicode_Check(name)) return name;
    Py_XDECREF(name);
    PyErr_Clear();
  }
  PyObject *off = PyObject_CallMethod(tzinfo, "utcoffset", "O", Py_None);
  if (off == NULL) return NULL;
  if (!PyDelta_Check(off)) {
    Py_DECREF(off);
    return PyErr_Format(QvExc_ArrowInvalid, "cannot name time zone %R (utcoffset(None) is not fixed)", tzinfo);
  }
  int64_t secs = (int64_t)PyDateTime_DELTA_GET_DAYS(off) * 86400 + PyDateTime_DELTA_GET_SECONDS(off);
  Py_DECREF(off);
  if (secs == 0) return PyUnicode_FromString("UTC");
  char sign = secs < 0 ? '-' : '+';
  if (secs < 0) secs = -secs;
  return PyUnicode_FromFormat("%c%02d:%02d", sign, (int)(secs / 3600), (int)(secs / 60 % 60));
}

/* ---- Python -> Arrow ---- */

/* pyarrow.MonthDayNano (a named tuple type) */
static bool is_month_day_nano(PyObject *o) {
  const char *name = Py_TYPE(o)->tp_name;
  size_t n = strlen(name);
  return n >= 12 && strcmp(name + n - 12, "MonthDayNano") == 0;
}

static bool is_plain_tuple(PyObject *o) { return PyTuple_Check(o) && !is_month_day_nano(o); }

int qvpy_scalar_kind(PyObject *o) {
  if (o == Py_None) return QVPY_K_NONE;
  if (PyBool_Check(o)) return QVPY_K_BOOL;
  if (PyLong_Check(o)) return QVPY_K_INT;
  if (PyFloat_Check(o)) return QVPY_K_FLOAT;
  if (PyUnicode_Check(o)) return QVPY_K_STR;
  if (PyBytes_Check(o) || PyByteArray_Check(o) || PyMemoryView_Check(o)) return QVPY_K_BYTES;
  if (PyList_Check(o) || is_plain_tuple(o)) return QVPY_K_LIST;
  if (PyDict_Check(o)) return QVPY_K_DICT;
  if (PyDateTime_Check(o)) return QVPY_K_DATETIME;
  if (PyDate_Check(o)) return QVPY_K_DATE;
  if (PyTime_Check(o)) return QVPY_K_TIME;
  if (PyDelta_Check(o)) return QVPY_K_DELTA;
  if (PyObject_TypeCheck(o, (PyTypeObject *)qvpy_decimal_cls)) return QVPY_K_DECIMAL;
  PyTypeObject *t = Py_TYPE(o);
  if (PyTuple_Check(o)) return is_month_day_nano(o) ? QVPY_K_INTERVAL : QVPY_K_LIST;
  if (strcmp(t->tp_name, "UUID") == 0 && ensure_uuid() == 0 && PyObject_TypeCheck(o, (PyTypeObject *)uuid_cls))
    return QVPY_K_UUID;
  PyErr_Clear();
  /* numpy scalars and other number-likes */
  if (strcmp(t->tp_name, "numpy.bool") == 0 || strcmp(t->tp_name, "numpy.bool_") == 0) return QVPY_K_BOOL;
  if (t->tp_as_number != NULL && t->tp_as_number->nb_index != NULL) return QVPY_K_INT;
  if (t->tp_as_number != NULL && t->tp_as_number->nb_float != NULL) return QVPY_K_FLOAT;
  if (PySequence_Check(o) && !PyUnicode_Check(o)) return QVPY_K_LIST;
  if (PyMapping_Check(o) && PyObject_HasAttrString(o, "keys")) return QVPY_K_DICT;
  return QVPY_K_OTHER;
}

int qvpy_date_to_days(PyObject *o, int64_t *days) {
  if (!PyDate_Check(o)) {
    PyErr_Format(QvExc_ArrowTypeError, "expected a datetime.date, got %.100s", Py_TYPE(o)->tp_name);
    return -1;
  }
  *days = qvpy_days_from_civil(PyDateTime_GET_YEAR(o), PyDateTime_GET_MONTH(o), PyDateTime_GET_DAY(o));
  return 0;
}

int qvpy_time_to_value(PyObject *o, qv_time_unit unit, int64_t *out) {
  if (!PyTime_Check(o)) {
    PyErr_Format(QvExc_ArrowTypeError, "expected a datetime.time, got %.100s", Py_TYPE(o)->tp_name);
    return -1;
  }
  int64_t us = ((int64_t)PyDateTime_TIME_GET_HOUR(o) * 3600 + PyDateTime_TIME_GET_MINUTE(o) * 60 +
                PyDateTime_TIME_GET_SECOND(o)) * 1000000 + PyDateTime_TIME_GET_MICROSECOND(o);
  return from_micros(us, 0, unit, out);
}

/* Extra nanoseconds of a pandas.Timestamp / Timedelta (0 for others). */
static int64_t extra_nanos(PyObject *o, PyTypeObject *exact) {
  if (Py_TYPE(o) == exact) return 0;
  PyObject *ns = PyObject_GetAttrString(o, "nanoseconds");
  if (ns == NULL) {
    PyErr_Clear();
    ns = PyObject_GetAttrString(o, "nanosecond");
  }
  if (ns == NULL) {
    PyErr_Clear();
    return 0;
  }
  long long v = PyLong_Check(ns) ? PyLong_AsLongLong(ns) : 0;
  Py_DECREF(ns);
  if (v == -1 && PyErr_Occurred()) PyErr_Clear();
  return (v > 0 && v < 1000) ? v : 0;
}

int qvpy_datetime_to_value(PyObject *o, qv_time_unit unit, int64_t *out) {
  if (!PyDateTime_Check(o)) {
    if (PyDate_Check(o)) { /* a date is midnight of that day */
      int64_t days = qvpy_days_from_civil(PyDateTime_GET_YEAR(o), PyDateTime_GET_MONTH(o), PyDateTime_GET_DAY(o));
      return from_micros(days * INT64_C(86400000000), 0, unit, out);
    }
    PyErr_Format(QvExc_ArrowTypeError, "expected a datetime.datetime, got %.100s", Py_TYPE(o)->tp_name);
    return -1;
  }
  int64_t days = qvpy_days_from_civil(PyDateTime_GET_YEAR(o), PyDateTime_GET_MONTH(o), PyDateTime_GET_DAY(o));
  int64_t secs = days * 86400 + PyDateTime_DATE_GET_HOUR(o) * 3600 + PyDateTime_DATE_GET_MINUTE(o) * 60 +
                 PyDateTime_DATE_GET_SECOND(o);
  int64_t us = PyDateTime_DATE_GET_MICROSECOND(o);
  PyObject *tzinfo = PyObject_GetAttrString(o, "tzinfo");
  if (tzinfo == NULL) return -1;
  if (tzinfo != Py_None) {
    PyObject *off = PyObject_CallMethod(o, "utcoffset", NULL);
    if (off == NULL) {
      Py_DECREF(tzinfo);
      return -1;
    }
    if (PyDelta_Check(off)) {
      secs -= (int64_t)PyDateTime_DELTA_GET_DAYS(off) * 86400 + PyDateTime_DELTA_GET_SECONDS(off);
      us -= PyDateTime_DELTA_GET_MICROSECONDS(off);
    }
    Py_DECREF(off);
  }
  Py_DECREF(tzinfo);
  return from_micros(secs * 1000000 + us, extra_nanos(o, PyDateTimeAPI->DateTimeType), unit, out);
}

int qvpy_timedelta_to_value(PyObject *o, qv_time_unit unit, int64_t *out) {
  if (!PyDelta_Check(o)) {
    PyErr_Format(QvExc_ArrowTypeError, "expected a datetime.timedelta, got %.100s", Py_TYPE(o)->tp_name);
    return -1;
  }
  int64_t us = ((int64_t)PyDateTime_DELTA_GET_DAYS(o) * 86400 + PyDateTime_DELTA_GET_SECONDS(o)) * 1000000 +
               PyDateTime_DELTA_GET_MICROSECONDS(o);
  return from_micros(us, extra_nanos(o, PyDateTimeAPI->DeltaType), unit, out);
}

/* Writes Python int `n` as `width` little-endian two's complement bytes. */
static int int_to_le_bytes(PyObject *n, uint8_t *out, int width) {
  int overflow = 0;
  long long v = PyLong_AsLongLongAndOverflow(n, &overflow);
  if (v == -1 && PyErr_Occurred()) return -1;
  if (!overflow) {
    uint64_t u = (uint64_t)v;
    for (int b = 0; b < width; b++) out[b] = b < 8 ? (uint8_t)(u >> (8 * b)) : (v < 0 ? 0xff : 0);
    return 0;
  }
  PyObject *args = Py_BuildValue("(is)", width, "little");
  PyObject *kw = Py_BuildValue("{s:O}", "signed", Py_True);
  PyObject *meth = PyObject_GetAttrString(n, "to_bytes");
  PyObject *bytes = (args && kw && meth) ? PyObject_Call(meth, args, kw) : NULL;
  Py_XDECREF(args);
  Py_XDECREF(kw);
  Py_XDECREF(meth);
  if (bytes == NULL) {
    if (PyErr_ExceptionMatches(PyExc_OverflowError)) {
      PyErr_Clear();
      PyErr_Format(QvExc_ArrowInvalid, "decimal value %R does not fit in %d bytes", n, width);
    }
    return -1;
  }
  memcpy(out, PyBytes_AS_STRING(bytes), (size_t)width);
  Py_DECREF(bytes);
  return 0;
}

/* Digits and exponent of a finite Decimal; -1 with an exception. `digits`
 * is a new reference to the tuple of digits. */
static int decimal_parts(PyObject *o, int *negative, PyObject **digits, long *exponent) {
  PyObject *t = PyObject_CallMethod(o, "as_tuple", NULL);
  if (t == NULL) return -1;
  PyObject *sign = PyTuple_GetItem(t, 0), *dg = PyTuple_GetItem(t, 1), *ex = PyTuple_GetItem(t, 2);
  if (sign == NULL || dg == NULL || ex == NULL) {
    Py_DECREF(t);
    return -1;
  }
  if (!PyLong_Check(ex)) {
    Py_DECREF(t);
    PyErr_Format(QvExc_ArrowInvalid, "cannot store the non-finite Decimal %R in a decimal array", o);
    return -1;
  }
  *negative = PyObject_IsTrue(sign);
  *exponent = PyLong_AsLong(ex);
  *digits = qvpy_newref(dg);
  Py_DECREF(t);
  return 0;
}

int qvpy_decimal_infer(PyObject *o, int *int_digits, int *scale) {
  int neg;
  PyObject *digits;
  long e;
  if (decimal_parts(o, &neg, &digits, &e) < 0) return -1;
  Py_ssize_t n = PyTuple_GET_SIZE(digits);
  Py_DECREF(digits);
  if (e >= 0) {
    *scale = 0;
    *int_digits = (int)(n + e);
  } else {
    *scale = (int)-e;
    *int_digits = n + e > 0 ? (int)(n + e) : 0;
  }
  return 0;
}

int qvpy_decimal_to_bytes(PyObject *o, int32_t precision, int32_t scale, int32_t width, uint8_t *out) {
  int neg = 0;
  PyObject *digits = NULL;
  long e = 0;
  if (PyLong_Check(o) && !PyBool_Check(o)) {
    PyObject *text = PyObject_Str(o);
    if (text == NULL) return -1;
    PyObject *dec = PyObject_CallOneArg(qvpy_decimal_cls, text);
    Py_DECREF(text);
    if (dec == NULL) return -1;
    int r = decimal_parts(dec, &neg, &digits, &e);
    Py_DECREF(dec);
    if (r < 0) return -1;
  } else if (PyObject_TypeCheck(o, (PyTypeObject *)qvpy_decimal_cls)) {
    if (decimal_parts(o, &neg, &digits, &e) < 0) return -1;
  } else {
    PyErr_Format(QvExc_ArrowTypeError, "expected a decimal.Decimal or int, got %.100s", Py_TYPE(o)->tp_name);
    return -1;
  }
  /* unscaled = digits * 10^(e + scale) */
  Py_ssize_t n = PyTuple_GET_SIZE(digits);
  long shift = e + scale;
  Py_ssize_t keep = n;
  if (shift < 0) {
    for (Py_ssize_t k = n - 1; k >= 0 && k >= n + shift; k--) {
      if (PyLong_AsLong(PyTuple_GET_ITEM(digits, k)) != 0) {
        Py_DECREF(digits);
        PyErr_Format(QvExc_ArrowInvalid, "Decimal %R has more than %d digits after the point (decimal scale %d)", o,
                     (int)scale, (int)scale);
        return -1;
      }
    }
    keep = n + shift > 0 ? n + shift : 0;
    shift = 0;
  }
  /* significant digits of the unscaled value */
  Py_ssize_t first = 0;
  while (first < keep && PyLong_AsLong(PyTuple_GET_ITEM(digits, first)) == 0) first++;
  long total = (long)(keep - first) + (keep > first ? shift : 0);
  if (total > precision) {
    Py_DECREF(digits);
    PyErr_Format(QvExc_ArrowInvalid, "Decimal %R needs %ld digits at scale %d, more than precision %d", o, total,
                 (int)scale, (int)precision);
    return -1;
  }
  char buf[160];
  Py_ssize_t len = 0;
  buf[len++] = neg ? '-' : '+';
  for (Py_ssize_t k = first; k < keep; k++) buf[len++] = (char)('0' + PyLong_AsLong(PyTuple_GET_ITEM(digits, k)));
  if (keep > first)
    for (long k = 0; k < shift; k++) buf[len++] = '0';
  if (len == 1) buf[len++] = '0';
  buf[len] = '\0';
  Py_DECREF(digits);
  PyObject *num = PyLong_FromString(buf, NULL, 10);
  if (num == NULL) return -1;
  int r = int_to_le_bytes(num, out, width);
  Py_DECREF(num);
  return r;
}
