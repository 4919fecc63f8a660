/* quiver csv: type inference and column building, one block at a time.
 *
 * A column's type is the first kind in pyarrow's order (null, int64, bool,
 * float64, date32, timestamp, string) that EVERY value of the column fits.
 * Within a block, when a value does not fit the current kind the scan
 * restarts at the block's first row with the next kind, so earlier values
 * are re-checked; across blocks the reader takes the widest block kind and
 * re-checks the other blocks against it (read.c). A column is therefore
 * never built with a type some value does not have (the promotion int64 ->
 * float64 -> string). Null markers count as fitting every kind but string.
 *
 * Columns are built straight into their buffers (no builder): values,
 * a validity bitmap kept only when there are nulls, and for strings the
 * offsets and bytes, copied once from the input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "csv/read_internal.h"
#include "quiver/bitmap.h"

static bool in_list(const char *s, int64_t n, const char *const *list, const size_t *lens, int32_t count) {
  for (int32_t k = 0; k < count; k++)
    if ((size_t)n == lens[k] && memcmp(s, list[k], lens[k]) == 0) return true;
  return false;
}

bool qv__csv_is_null(const qv__csv_read_ctx *c, const char *s, int64_t n) {
  if (n < 32) {
    if (!c->null_short[n][n ? (uint8_t)s[0] : 0]) return false;
  } else if (!c->null_long) {
    return false;
  }
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

bool qv__csv_block_column_fits(const qv__csv_read_ctx *c, const qv__csv_block *b, int32_t col, qv__csv_kind kind,
                               qv__csv_column_kind *k) {
  if (kind == QV__CSV_STRING) return true;
  ts_facts ts = {k->zoned, false, k->nanos};
  if (kind == QV__CSV_TIMESTAMP && k->zoned) ts.any_zone = true;
  for (int64_t r = 0; r < b->n_data; r++) {
    const char *s;
    int64_t n;
    qv__csv_block_field(b, qv__csv_block_record(b, r), col, &s, &n);
    if (!qv__csv_is_null(c, s, n) && !fits(c, kind, s, n, &ts)) return false;
  }
  if (kind == QV__CSV_TIMESTAMP) {
    k->zoned = ts.any_zone;
    k->nanos = ts.any_fraction;
  }
  return true;
}

qv_status qv__csv_kind_type(const qv__csv_column_kind *k, qv_type **out, qv_error *err) {
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
      return qv_type_timestamp(k->nanos ? QV_UNIT_NANO : QV_UNIT_SECOND, k->zoned ? "UTC" : NULL, out, err);
    case QV__CSV_STRING:
      *out = qv_type_string();
      return QV_OK;
  }
  return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "unknown CSV column kind");
}

static qv_status cell_error(const qv__csv_read_ctx *c, const qv__csv_block *b, int64_t r, int32_t col,
                            qv_error *err, const char *what) {
  const int64_t line = b->first_line + b->row_line[qv__csv_block_record(b, r)];
  return qv_error_set(err, QV_ERR_INVALID_DATA, "CSV line %lld, column %d ('%s'): %s", (long long)line, col + 1,
                      c->names[col], what);
}

/* An array of `type` from a values buffer and a validity bitmap (dropped
 * when nothing is null). Takes the buffers. */
static qv_status finish_fixed(qv_type *type, int64_t n, qv_buffer *validity, int64_t nulls, qv_buffer *values,
                              qv_array **out, qv_error *err) {
  qv_buffer *bufs[2] = {nulls > 0 ? validity : NULL, values};
  qv_status st = qv_array_new(type, n, 0, nulls, 2, bufs, 0, NULL, NULL, out, err);
  qv_buffer_release(validity);
  qv_buffer_release(values);
  return st;
}

/* Builds block b's column `col` as kind k->kind. With `infer`, a value
 * that does not fit sets *fits = false and returns QV_OK (the caller tries
 * the next kind), and the timestamp facts are found here (zoned, nanos);
 * without it, k is final and such a value is an error naming its line. */
static qv_status build_fixed(const qv__csv_read_ctx *c, const qv__csv_block *b, int32_t col, qv__csv_column_kind *k,
                             bool infer, qv_array **out, bool *fits, qv_error *err) {
  const int64_t n = b->n_data;
  const qv__csv_kind kind = k->kind;
  const int64_t width = kind == QV__CSV_DATE ? 4 : kind == QV__CSV_BOOL ? 0 : 8;
  const int64_t bitmap_bytes = qv_bitmap_bytes(n);
  qv_buffer *validity = NULL, *values = NULL;
  int32_t *nanos = NULL; /* timestamps: each value's fraction, once some value has one */
  ts_facts ts = {false, false, false};
  qv_status st = qv_buffer_allocate(NULL, bitmap_bytes, true, &validity, err);
  if (st == QV_OK) st = qv_buffer_allocate(NULL, width ? n * width : bitmap_bytes, true, &values, err);
  if (st != QV_OK) goto fail;
  uint8_t *valid = validity->data;
  uint8_t *v = values->data;
  int64_t nulls = 0;
  *fits = true;
  for (int64_t r = 0; r < n; r++) {
    const char *s;
    int64_t len;
    qv__csv_block_field(b, qv__csv_block_record(b, r), col, &s, &len);
    if (qv__csv_is_null(c, s, len)) {
      nulls++;
      continue;
    }
    bool ok = false;
    switch (kind) {
      case QV__CSV_INT:
        ok = qv__csv_parse_int64(s, len, (int64_t *)v + r);
        break;
      case QV__CSV_FLOAT:
        ok = qv__csv_parse_float64(s, len, (double *)v + r);
        break;
      case QV__CSV_DATE:
        ok = qv__csv_parse_date32(s, len, (int32_t *)v + r);
        break;
      case QV__CSV_BOOL: {
        bool x;
        if ((ok = parse_bool(c, s, len, &x)) && x) v[r >> 3] |= (uint8_t)(1u << (r & 7));
        break;
      }
      case QV__CSV_TIMESTAMP: {
        qv__csv_timestamp t = {0, 0, false, false};
        ok = qv__csv_parse_timestamp(s, len, &t);
        if (!ok) break;
        ((int64_t *)v)[r] = t.seconds;
        if (t.has_zone) ts.any_zone = true;
        else ts.any_naive = true;
        ok = !(ts.any_zone && ts.any_naive); /* one column, one kind of time */
        if (t.has_fraction) {
          ts.any_fraction = true;
          if (nanos == NULL && (nanos = calloc((size_t)n + 1, sizeof *nanos)) == NULL) {
            st = qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory (CSV timestamps)");
            goto fail;
          }
        }
        if (nanos != NULL) nanos[r] = t.nanos;
        break;
      }
      default:
        break;
    }
    if (!ok) {
      if (infer) {
        *fits = false;
        goto fail;
      }
      st = cell_error(c, b, r, col, err, "the value does not fit the column's inferred type");
      goto fail;
    }
    valid[r >> 3] |= (uint8_t)(1u << (r & 7));
  }
  if (kind == QV__CSV_TIMESTAMP) {
    if (infer) {
      k->zoned = ts.any_zone;
      k->nanos = ts.any_fraction;
    }
    if (k->nanos) { /* seconds and fractions into nanoseconds, each checked */
      int64_t *x = (int64_t *)v;
      for (int64_t r = 0; r < n; r++) {
        if (!(valid[r >> 3] & (1u << (r & 7)))) continue;
        if (qv__mul_overflow_i64(x[r], 1000000000, &x[r]) || qv__add_overflow_i64(x[r], nanos ? nanos[r] : 0, &x[r])) {
          if (infer) {
            *fits = false;
            goto fail;
          }
          st = cell_error(c, b, r, col, err, "the timestamp is outside the range of timestamp[ns]");
          goto fail;
        }
      }
    }
  }
  free(nanos);
  qv_type *type = NULL;
  st = qv__csv_kind_type(k, &type, err);
  if (st != QV_OK) goto fail;
  st = finish_fixed(type, n, validity, nulls, values, out, err);
  qv_type_release(type);
  return st;
fail:
  free(nanos);
  qv_buffer_release(validity);
  qv_buffer_release(values);
  return st;
}

static qv_status build_string(const qv__csv_read_ctx *c, const qv__csv_block *b, int32_t col, qv_array **out,
                              qv_error *err) {
  const int64_t n = b->n_data;
  int64_t total = 0;
  for (int64_t r = 0; r < n; r++) {
    const char *s;
    int64_t len;
    qv__csv_block_field(b, qv__csv_block_record(b, r), col, &s, &len);
    if (!b->utf8_valid) {
      const int64_t valid = qv__utf8_valid_prefix((const uint8_t *)s, len);
      if (valid != len) {
        char why[96], what[192];
        qv__utf8_describe((const uint8_t *)s, len, valid, why, sizeof why);
        snprintf(what, sizeof what, "invalid UTF-8 at byte %lld of the value: %s; expected UTF-8 text",
                 (long long)valid, why);
        return cell_error(c, b, r, col, err, what);
      }
    }
    total += len; /* a block is < 2 GiB, so the sum fits int32 offsets */
  }
  qv_buffer *offsets = NULL, *data = NULL;
  QV_RETURN_IF_ERROR(qv_buffer_allocate(NULL, (n + 1) * 4, false, &offsets, err));
  qv_status st = qv_buffer_allocate(NULL, total, false, &data, err);
  if (st != QV_OK) {
    qv_buffer_release(offsets);
    return st;
  }
  int32_t *o = (int32_t *)offsets->data;
  int64_t at = 0;
  o[0] = 0;
  for (int64_t r = 0; r < n; r++) {
    const char *s;
    int64_t len;
    qv__csv_block_field(b, qv__csv_block_record(b, r), col, &s, &len);
    if (len > 0) memcpy(data->data + at, s, (size_t)len);
    at += len;
    o[r + 1] = (int32_t)at;
  }
  qv_buffer *bufs[3] = {NULL, offsets, data};
  qv_type *type = qv_type_string();
  st = qv_array_new(type, n, 0, 0, 3, bufs, 0, NULL, NULL, out, err);
  qv_type_release(type);
  qv_buffer_release(offsets);
  qv_buffer_release(data);
  return st;
}

static bool all_null(const qv__csv_read_ctx *c, const qv__csv_block *b, int32_t col) {
  for (int64_t r = 0; r < b->n_data; r++) {
    const char *s;
    int64_t n;
    qv__csv_block_field(b, qv__csv_block_record(b, r), col, &s, &n);
    if (!qv__csv_is_null(c, s, n)) return false;
  }
  return true;
}

static qv_status build_null(const qv__csv_block *b, qv_array **out, qv_error *err) {
  qv_type *type = qv_type_null();
  qv_status st = qv_array_new_null(type, b->n_data, out, err);
  qv_type_release(type);
  return st;
}

qv_status qv__csv_build_block_column(const qv__csv_read_ctx *c, const qv__csv_block *b, int32_t col,
                                     const qv__csv_column_kind *k, qv_array **out, qv_error *err) {
  qv__csv_column_kind kind = *k;
  bool fits = true;
  switch (k->kind) {
    case QV__CSV_NULL:
      return build_null(b, out, err);
    case QV__CSV_STRING:
      return build_string(c, b, col, out, err);
    default:
      return build_fixed(c, b, col, &kind, false, out, &fits, err);
  }
}

qv_status qv__csv_infer_build_block_column(const qv__csv_read_ctx *c, const qv__csv_block *b, int32_t col,
                                           qv__csv_column_kind *k, qv_array **out, qv_error *err) {
  memset(k, 0, sizeof *k);
  if (all_null(c, b, col)) {
    k->kind = QV__CSV_NULL;
    return build_null(b, out, err);
  }
  /* The first value that is not a null marker rules out the kinds it does
   * not fit before any column is built for them. */
  const char *first = NULL;
  int64_t first_len = 0;
  for (int64_t r = 0; r < b->n_data && first == NULL; r++) {
    qv__csv_block_field(b, qv__csv_block_record(b, r), col, &first, &first_len);
    if (qv__csv_is_null(c, first, first_len)) first = NULL;
  }
  for (qv__csv_kind kind = QV__CSV_INT; kind < QV__CSV_STRING; kind = (qv__csv_kind)(kind + 1)) {
    ts_facts ts = {false, false, false};
    if (first != NULL && !fits(c, kind, first, first_len, &ts)) continue;
    k->kind = kind;
    k->zoned = k->nanos = false;
    bool fits = false;
    QV_RETURN_IF_ERROR(build_fixed(c, b, col, k, true, out, &fits, err));
    if (fits) return QV_OK;
  }
  k->kind = QV__CSV_STRING;
  k->zoned = k->nanos = false;
  return build_string(c, b, col, out, err);
}
