/* quiver csv: explicit column types (column_types, pyarrow's
 * ConvertOptions.column_types). Maps each given type onto the kind its
 * text is parsed as, and builds the types stored apart from that kind:
 * the narrower and the unsigned integers (range-checked: 300 is not an
 * int8, -1 not a uint8; uint64 takes its whole range), float32 (the
 * float64 value rounded once), date64 (a date32 in milliseconds), the
 * times of day in each unit (time32[s|ms], time64[us|ns]) and decimal128
 * (exact: a value that needs rounding or more digits than the precision
 * is an error).
 * Bool, date32, timestamps of every unit and zone, the string and binary
 * types and null are built by infer.c with the kind fixed.
 *
 * Invariant: a value that does not fit its given type is an error naming
 * line, column, value and type, never a wrapped or truncated number.
 */
#include <stdlib.h>
#include <string.h>

#include "csv/read_internal.h"
#include "quiver/bitmap.h"

/* The kind a given type's text is parsed as; false: no CSV text form. */
static bool kind_of(const qv_type *t, qv__csv_kind *kind) {
  switch (t->id) {
    case QV_TYPE_NULL:
      *kind = QV__CSV_NULL;
      return true;
    case QV_TYPE_BOOL:
      *kind = QV__CSV_BOOL;
      return true;
    case QV_TYPE_INT8:
    case QV_TYPE_INT16:
    case QV_TYPE_INT32:
    case QV_TYPE_INT64:
    case QV_TYPE_UINT8:
    case QV_TYPE_UINT16:
    case QV_TYPE_UINT32:
    case QV_TYPE_UINT64:
      *kind = QV__CSV_INT;
      return true;
    case QV_TYPE_FLOAT32:
    case QV_TYPE_FLOAT64:
      *kind = QV__CSV_FLOAT;
      return true;
    case QV_TYPE_DATE32:
    case QV_TYPE_DATE64:
      *kind = QV__CSV_DATE;
      return true;
    case QV_TYPE_TIMESTAMP:
      *kind = QV__CSV_TIMESTAMP;
      return true;
    case QV_TYPE_TIME32:
    case QV_TYPE_TIME64:
      *kind = QV__CSV_TIME;
      return true;
    case QV_TYPE_DECIMAL128: /* built here (given_converts); the kind only names a number */
      *kind = QV__CSV_FLOAT;
      return true;
    case QV_TYPE_STRING:
    case QV_TYPE_LARGE_STRING:
    case QV_TYPE_BINARY:
    case QV_TYPE_LARGE_BINARY:
      *kind = QV__CSV_STRING;
      return true;
    default:
      return false;
  }
}

qv_status qv__csv_resolve_given(const qv_csv_read_options *o, qv__csv_read_ctx *c, qv_error *err) {
  if (o->n_column_types == 0) return QV_OK;
  if (o->n_column_types < 0 || o->column_type_names == NULL || o->column_types == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT,
                        "CSV options: n_column_types needs column_type_names and column_types");
  c->given = calloc((size_t)c->n_cols + 1, sizeof *c->given);
  QV_CHECK_ALLOC(c->given, err);
  for (int32_t i = 0; i < o->n_column_types; i++) {
    const char *name = o->column_type_names[i];
    const qv_type *t = o->column_types[i];
    if (name == NULL || t == NULL)
      return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "CSV options: column type %d has a NULL name or type", i);
    for (int32_t col = 0; col < c->n_cols; col++) {
      if (strcmp(c->names[col], name) != 0) continue;
      qv__csv_column_kind *k = &c->given[col];
      if (!kind_of(t, &k->kind)) {
        char type[64];
        qv_type_format(t, type, sizeof type);
        return qv_error_set(err, QV_ERR_NOT_IMPLEMENTED,
                            "CSV column %d ('%s'): reading %s from CSV text is not supported (column_types)",
                            col + 1, name, type);
      }
      k->given = t;
      k->zoned = t->id == QV_TYPE_TIMESTAMP && t->timezone != NULL;
      k->nanos = t->id == QV_TYPE_TIMESTAMP && t->unit != QV_UNIT_SECOND;
    }
  }
  return QV_OK;
}

bool qv__csv_given_converts(const qv_type *t) {
  switch (t->id) {
    case QV_TYPE_INT8:
    case QV_TYPE_INT16:
    case QV_TYPE_INT32:
    case QV_TYPE_UINT8:
    case QV_TYPE_UINT16:
    case QV_TYPE_UINT32:
    case QV_TYPE_UINT64:
    case QV_TYPE_FLOAT32:
    case QV_TYPE_DATE64:
    case QV_TYPE_TIME32:
    case QV_TYPE_TIME64:
    case QV_TYPE_DECIMAL128:
      return true;
    default:
      return false;
  }
}

/* A decimal number "[+-]digits[.digits][(e|E)[+-]digits]" (a digit on at
 * least one side of the dot; spaces and tabs around it ignored) as the
 * unscaled value of a decimal of `precision` and `scale`: false when it is
 * not such a number, when scaling would drop a non-zero digit (1.555 at
 * scale 2), or when the value has more digits than the precision (never
 * wrapped, never rounded). pyarrow accepts values past the precision; they
 * are not valid decimals of the type, so quiver refuses them. */
static bool parse_decimal(const char *s, int64_t n, int32_t precision, int32_t scale, unsigned __int128 *magnitude,
                          bool *negative) {
  while (n > 0 && (s[0] == ' ' || s[0] == '\t')) s++, n--;
  while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
  const unsigned __int128 max = ~(unsigned __int128)0;
  int64_t i = 0;
  *negative = false;
  if (i < n && (s[i] == '+' || s[i] == '-')) *negative = s[i++] == '-';
  unsigned __int128 coef = 0;
  int64_t digits = 0, frac_digits = 0;
  bool dot = false;
  for (; i < n; i++) {
    if (s[i] == '.' && !dot) {
      dot = true;
      continue;
    }
    const unsigned d = (unsigned)(uint8_t)s[i] - '0';
    if (d > 9) break;
    if (coef > (max - d) / 10) return false; /* past 38 digits: no decimal128 holds it */
    coef = coef * 10 + d;
    digits++;
    if (dot) frac_digits++;
  }
  if (digits == 0) return false;
  int64_t exp10 = 0;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    i++;
    bool exp_neg = false;
    if (i < n && (s[i] == '+' || s[i] == '-')) exp_neg = s[i++] == '-';
    const int64_t first = i;
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
      if (exp10 < 100000) exp10 = exp10 * 10 + (s[i] - '0');
    if (i == first) return false;
    if (exp_neg) exp10 = -exp10;
  }
  if (i != n) return false;
  /* value = coef * 10^(exp10 - frac_digits); unscaled = value * 10^scale */
  const int64_t shift = exp10 - frac_digits + scale;
  for (int64_t k = 0; k < shift && coef != 0; k++) {
    if (coef > max / 10) return false;
    coef *= 10;
  }
  for (int64_t k = 0; k < -shift && coef != 0; k++) {
    if (coef % 10 != 0) return false; /* a digit finer than the scale */
    coef /= 10;
  }
  unsigned __int128 limit = 1; /* 10^precision */
  for (int32_t k = 0; k < precision; k++) limit *= 10;
  if (coef >= limit) return false;
  *magnitude = coef;
  return true;
}

/* A time of day in `unit`: the fraction must fit the unit exactly (a unit
 * of seconds takes no dot at all; "12:34:56." is 12:34:56 in the others),
 * as pyarrow reads them. */
static bool parse_time_in(const char *s, int64_t n, qv_time_unit unit, int64_t *out) {
  static const int k_digits[4] = {0, 3, 6, 9};
  static const int64_t k_per_second[4] = {1, 1000, 1000000, 1000000000};
  const int u = (int)unit & 3;
  qv__csv_time t;
  if (!qv__csv_parse_time(s, n, &t)) return false;
  if (t.fraction_digits >= 0 && (u == 0 || t.fraction_digits > k_digits[u])) return false;
  *out = (int64_t)t.seconds * k_per_second[u] + t.nanos / (1000000000 / k_per_second[u]);
  return true;
}

/* Digits only, up to UINT64_MAX (spaces and tabs around them ignored, as
 * for every number). */
static bool parse_uint64(const char *s, int64_t n, uint64_t *out) {
  while (n > 0 && (s[0] == ' ' || s[0] == '\t')) s++, n--;
  while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
  if (n == 0 || n > 20) return false;
  uint64_t v = 0;
  for (int64_t i = 0; i < n; i++) {
    const unsigned d = (unsigned)(s[i] - '0');
    if (d > 9) return false;
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  *out = v;
  return true;
}

/* Parses one value into slot r of `values` as type t; false when the text
 * is not such a value (or out of its range). */
static bool put(const qv_type *t, const char *s, int64_t n, uint8_t *values, int64_t r) {
  switch (t->id) {
    case QV_TYPE_UINT64: {
      uint64_t u;
      if (!parse_uint64(s, n, &u)) return false;
      memcpy(values + r * 8, &u, 8);
      return true;
    }
    case QV_TYPE_FLOAT32: {
      double d;
      if (!qv__csv_parse_float64(s, n, &d)) return false;
      const float f = (float)d;
      memcpy(values + r * 4, &f, 4);
      return true;
    }
    case QV_TYPE_DECIMAL128: {
      unsigned __int128 m;
      bool negative;
      if (!parse_decimal(s, n, t->precision, t->scale, &m, &negative)) return false;
      const unsigned __int128 v = negative ? (unsigned __int128)0 - m : m; /* two's complement */
      memcpy(values + r * 16, &v, 16); /* a native-endian 128-bit integer, as Arrow stores it */
      return true;
    }
    case QV_TYPE_TIME32: {
      int64_t v;
      if (!parse_time_in(s, n, t->unit, &v)) return false;
      const int32_t x = (int32_t)v; /* under a day in s or ms: fits */
      memcpy(values + r * 4, &x, 4);
      return true;
    }
    case QV_TYPE_TIME64: {
      int64_t v;
      if (!parse_time_in(s, n, t->unit, &v)) return false;
      memcpy(values + r * 8, &v, 8);
      return true;
    }
    case QV_TYPE_DATE64: {
      int32_t days;
      if (!qv__csv_parse_date32(s, n, &days)) return false;
      const int64_t ms = (int64_t)days * 86400000;
      memcpy(values + r * 8, &ms, 8);
      return true;
    }
    default:
      break;
  }
  /* The integers of 8 to 32 bits. */
  int64_t v;
  if (!qv__csv_parse_int64(s, n, &v)) return false;
  switch (t->id) {
    case QV_TYPE_INT8:
      if (v < INT8_MIN || v > INT8_MAX) return false;
      values[r] = (uint8_t)(int8_t)v;
      return true;
    case QV_TYPE_INT16: {
      if (v < INT16_MIN || v > INT16_MAX) return false;
      const int16_t x = (int16_t)v;
      memcpy(values + r * 2, &x, 2);
      return true;
    }
    case QV_TYPE_INT32: {
      if (v < INT32_MIN || v > INT32_MAX) return false;
      const int32_t x = (int32_t)v;
      memcpy(values + r * 4, &x, 4);
      return true;
    }
    case QV_TYPE_UINT8:
      if (v < 0 || v > UINT8_MAX) return false;
      values[r] = (uint8_t)v;
      return true;
    case QV_TYPE_UINT16: {
      if (v < 0 || v > UINT16_MAX) return false;
      const uint16_t x = (uint16_t)v;
      memcpy(values + r * 2, &x, 2);
      return true;
    }
    case QV_TYPE_UINT32: {
      if (v < 0 || v > (int64_t)UINT32_MAX) return false;
      const uint32_t x = (uint32_t)v;
      memcpy(values + r * 4, &x, 4);
      return true;
    }
    default:
      return false;
  }
}

qv_status qv__csv_build_given(const qv__csv_read_ctx *c, const qv__csv_block *b, int32_t col,
                              const qv__csv_column_kind *k, qv_array **out, qv_error *err) {
  const qv_type *t = k->given;
  const int64_t n = b->n_data;
  const int64_t width = t->bit_width / 8;
  qv_buffer *validity = NULL, *values = NULL;
  qv_status st = qv_buffer_allocate(NULL, qv_bitmap_bytes(n), true, &validity, err);
  if (st == QV_OK) st = qv_buffer_allocate(NULL, n * width, true, &values, err);
  int64_t nulls = 0;
  for (int64_t r = 0; st == QV_OK && r < n; r++) {
    const char *s;
    int64_t len;
    qv__csv_block_field(b, qv__csv_block_record(b, r), col, &s, &len);
    if (qv__csv_is_null(c, s, len)) {
      nulls++;
      continue;
    }
    if (!put(t, s, len, values->data, r)) {
      st = qv__csv_value_error(c, b, r, col, k, NULL, err);
      break;
    }
    validity->data[r >> 3] |= (uint8_t)(1u << (r & 7));
  }
  if (st == QV_OK) {
    qv_buffer *bufs[2] = {nulls > 0 ? validity : NULL, values};
    st = qv_array_new((qv_type *)t, n, 0, nulls, 2, bufs, 0, NULL, NULL, out, err);
  }
  qv_buffer_release(validity);
  qv_buffer_release(values);
  return st;
}
