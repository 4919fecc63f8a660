/* quiver csv: type inference and column building. A column's type is the
 * first kind in pyarrow's order (null, int64, bool, float64, date32,
 * timestamp, string) that EVERY value of the column fits; when a value does
 * not fit the current kind, the scan restarts at the first row with the next
 * kind, so earlier values are re-checked and a column is never built with a
 * type some value does not have (this is the promotion int64 -> float64 ->
 * string). Null markers count as fitting every kind but string.
 */
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "csv/read_internal.h"
#include "quiver/builder.h"

static bool in_list(const char *s, int64_t n, const char *const *list, const size_t *lens, int32_t count) {
  for (int32_t k = 0; k < count; k++)
    if ((size_t)n == lens[k] && memcmp(s, list[k], lens[k]) == 0) return true;
  return false;
}

bool qv__csv_is_null(const qv__csv_read_ctx *c, const char *s, int64_t n) {
  return in_list(s, n, c->null_values, c->null_lens, c->n_null_values);
}

static bool parse_bool(const qv__csv_read_ctx *c, const char *s, int64_t n, bool *out) {
  if (in_list(s, n, c->true_values, c->true_lens, c->n_true_values)) {
    *out = true;
    return true;
  }
  if (in_list(s, n, c->false_values, c->false_lens, c->n_false_values)) {
    *out = false;
    return true;
  }
  return false;
}

/* Column facts gathered while checking the timestamp kind. */
typedef struct ts_facts {
  bool any_zone, any_naive, any_fraction;
} ts_facts;

static bool fits(const qv__csv_read_ctx *c, qv__csv_kind kind, const char *s, int64_t n, ts_facts *ts) {
  switch (kind) {
    case QV__CSV_NULL:
      return false; /* only null markers, checked by the caller */
    case QV__CSV_INT: {
      int64_t v;
      return qv__csv_parse_int64(s, n, &v);
    }
    case QV__CSV_BOOL: {
      bool v;
      return parse_bool(c, s, n, &v);
    }
    case QV__CSV_FLOAT: {
      double v;
      return qv__csv_parse_float64(s, n, &v);
    }
    case QV__CSV_DATE: {
      int32_t v;
      return qv__csv_parse_date32(s, n, &v);
    }
    case QV__CSV_TIMESTAMP: {
      qv__csv_timestamp t;
      if (!qv__csv_parse_timestamp(s, n, &t)) return false;
      if (t.has_zone) ts->any_zone = true;
      else ts->any_naive = true;
      if (t.has_fraction) ts->any_fraction = true;
      /* A column mixing zoned and naive times has no one timestamp type. */
      return !(ts->any_zone && ts->any_naive);
    }
    case QV__CSV_STRING:
      return true;
  }
  return false;
}

void qv__csv_infer_column(const qv__csv_read_ctx *c, int32_t col, qv__csv_column_kind *out) {
  qv__csv_kind kind = QV__CSV_NULL;
  ts_facts ts = {false, false, false};
  int64_t r = 0;
  while (r < c->n_rows && kind != QV__CSV_STRING) {
    const char *s;
    int64_t n;
    qv__csv_cell(c, r, col, &s, &n);
    if (qv__csv_is_null(c, s, n) || fits(c, kind, s, n, &ts)) {
      r++;
      continue;
    }
    kind = (qv__csv_kind)(kind + 1);
    memset(&ts, 0, sizeof ts);
    r = 0;
  }
  out->kind = kind;
  out->zoned = ts.any_zone;
  out->nanos = ts.any_fraction;
}

static qv_status make_type(const qv__csv_column_kind *k, qv_type **out, qv_error *err) {
  switch (k->kind) {
    case QV__CSV_NULL:
      *out = qv_type_null();
      return QV_OK;
    case QV__CSV_INT:
      *out = qv_type_int64();
      return QV_OK;
    case QV__CSV_BOOL:
      *out = qv_type_bool();
      return QV_OK;
    case QV__CSV_FLOAT:
      *out = qv_type_float64();
      return QV_OK;
    case QV__CSV_DATE:
      *out = qv_type_date32();
      return QV_OK;
    case QV__CSV_TIMESTAMP:
      return qv_type_timestamp(k->nanos ? QV_UNIT_NANO : QV_UNIT_SECOND, k->zoned ? "UTC" : NULL, out,
                               err);
    case QV__CSV_STRING:
      *out = qv_type_string();
      return QV_OK;
  }
  return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "unknown CSV column kind");
}

/* Appends cell (r, col), already known to fit k (the inference checked). */
static qv_status append_cell(const qv__csv_read_ctx *c, const qv__csv_column_kind *k, int64_t r, int32_t col,
                             qv_builder *b, qv_error *err) {
  const char *s;
  int64_t n;
  qv__csv_cell(c, r, col, &s, &n);
  if (k->kind == QV__CSV_STRING) {
    const int64_t valid = qv__utf8_valid_prefix((const uint8_t *)s, n);
    if (valid != n) {
      char why[96];
      qv__utf8_describe((const uint8_t *)s, n, valid, why, sizeof why);
      return qv_error_set(err, QV_ERR_INVALID_DATA,
                          "CSV line %lld, column %d ('%s'): invalid UTF-8 at byte %lld of the value: %s; "
                          "expected UTF-8 text",
                          (long long)c->row_line[r], col + 1, c->names[col], (long long)valid, why);
    }
    /* An empty value goes through append_empty: the inline append would
     * add 0 to the builder's still-NULL data pointer (UB clang's UBSan
     * reports) when the column starts with empty strings. */
    if (n == 0) return qv_builder_append_empty(b);
    return qv_builder_append_string(b, s, n);
  }
  if (qv__csv_is_null(c, s, n)) return qv_builder_append_null(b);
  bool ok = false;
  qv_status st = QV_OK;
  switch (k->kind) {
    case QV__CSV_INT: {
      int64_t v;
      if ((ok = qv__csv_parse_int64(s, n, &v))) st = qv_builder_append_int64(b, v);
      break;
    }
    case QV__CSV_BOOL: {
      bool v;
      if ((ok = parse_bool(c, s, n, &v))) st = qv_builder_append_bool(b, v);
      break;
    }
    case QV__CSV_FLOAT: {
      double v;
      if ((ok = qv__csv_parse_float64(s, n, &v))) st = qv_builder_append_float64(b, v);
      break;
    }
    case QV__CSV_DATE: {
      int32_t v;
      if ((ok = qv__csv_parse_date32(s, n, &v))) st = qv_builder_append_int32(b, v);
      break;
    }
    case QV__CSV_TIMESTAMP: {
      qv__csv_timestamp t;
      int64_t v = 0;
      ok = qv__csv_parse_timestamp(s, n, &t);
      if (ok && k->nanos)
        ok = !qv__mul_overflow_i64(t.seconds, 1000000000, &v) && !qv__add_overflow_i64(v, t.nanos, &v);
      else
        v = t.seconds;
      if (ok) st = qv_builder_append_int64(b, v);
      break;
    }
    default:
      break;
  }
  if (!ok)
    return qv_error_set(err, QV_ERR_INVALID_DATA,
                        "CSV line %lld, column %d ('%s'): the value does not fit the column's inferred type",
                        (long long)c->row_line[r], col + 1, c->names[col]);
  if (st != QV_OK) return qv_error_set(err, st, "%s", qv_builder_error(b)->message);
  return QV_OK;
}

qv_status qv__csv_build_column(const qv__csv_read_ctx *c, int32_t col, const qv__csv_column_kind *k,
                               qv_array **out, qv_error *err) {
  qv_type *type = NULL;
  QV_RETURN_IF_ERROR(make_type(k, &type, err));
  if (k->kind == QV__CSV_NULL) {
    qv_status st = qv_array_new_null(type, c->n_rows, out, err);
    qv_type_release(type);
    return st;
  }
  qv_builder *b = NULL;
  qv_status st = qv_builder_new(type, NULL, &b, err);
  qv_type_release(type);
  if (st != QV_OK) return st;
  QV_GOTO_IF_ERROR(st, qv_builder_reserve(b, c->n_rows, err), done);
  for (int64_t r = 0; r < c->n_rows; r++) QV_GOTO_IF_ERROR(st, append_cell(c, k, r, col, b, err), done);
  st = qv_builder_finish(b, out, err);
done:
  qv_builder_free(b);
  return st;
}
