/* quiver csv: type inference and column building, one block at a time.
 *
 * A column's type is the first kind in pyarrow's order (null, int64, bool,
 * float64, date32, time32[s], timestamp, string) that EVERY value of the
 * column fits.
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
    if (!c->null_short[n][n ? (uint8_t)s[0] : 0] || !c->null_last[n][n ? (uint8_t)s[n - 1] : 0]) return false;
  } else if (!c->null_long) {
    return false;
  }
  return in_list(s, n, c->null_values, c->null_lens, c->n_null_values);
}

bool qv__csv_parse_bool(const qv__csv_read_ctx *c, const char *s, int64_t n, bool *out) {
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
      return qv__csv_parse_bool(c, s, n, &v);
    }
    case QV__CSV_FLOAT: {
      double v;
      return qv__csv_parse_float64(s, n, &v);
    }
    case QV__CSV_DATE: {
      int32_t v;
      return qv__csv_parse_date32(s, n, &v);
    }
    case QV__CSV_TIME: {
      qv__csv_time t;
      return qv__csv_parse_time(s, n, &t) && t.fraction_digits < 0;
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
  if (k->given != NULL) {
    *out = qv_type_retain((qv_type *)k->given);
    return QV_OK;
  }
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
    case QV__CSV_TIME:
      return qv_type_time32(QV_UNIT_SECOND, out, err);
    case QV__CSV_TIMESTAMP:
      return qv_type_timestamp(k->nanos ? QV_UNIT_NANO : QV_UNIT_SECOND, k->zoned ? "UTC" : NULL, out, err);
    case QV__CSV_STRING:
      *out = qv_type_string();
      return QV_OK;
  }
  return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "unknown CSV column kind");
}

qv_status qv__csv_cell_error(const qv__csv_read_ctx *c, const qv__csv_block *b, int64_t r, int32_t col,
                             qv_error *err, const char *what) {
  const int64_t line = b->first_line + b->row_line[qv__csv_block_record(b, r)];
  /* Bookkeeping of the pass, not data: the block object itself is never
   * const (only the builders' view of it is). */
  ((qv__csv_block *)b)->cell_line = line;
  return qv_error_set(err, QV_ERR_INVALID_DATA, "CSV line %lld, column %d ('%s'): %s", (long long)line, col + 1,
                      c->names[col], what);
}

qv_status qv__csv_value_error(const qv__csv_read_ctx *c, const qv__csv_block *b, int64_t r, int32_t col,
                              const qv__csv_column_kind *k, const char *why, qv_error *err) {
  const char *s;
  int64_t n;
  qv__csv_block_field(b, qv__csv_block_record(b, r), col, &s, &n);
  /* The value as text: at most 40 bytes, control and non-ASCII bytes as \xNN. */
  char shown[200];
  size_t at = 0;
  for (int64_t i = 0; i < n && i < 40; i++) {
    const unsigned char ch = (unsigned char)s[i];
    if (ch >= 0x20 && ch < 0x7f && ch != '\'') shown[at++] = (char)ch;
    else at += (size_t)snprintf(shown + at, sizeof shown - at, "\\x%02x", ch);
  }
  if (n > 40) at += (size_t)snprintf(shown + at, sizeof shown - at, "...");
  shown[at] = '\0';
  char type[64] = "?";
  qv_type *t = NULL;
  qv_error ignored;
  if (qv__csv_kind_type(k, &t, &ignored) == QV_OK) {
    qv_type_format(t, type, sizeof type);
    qv_type_release(t);
  }
  char what[400];
  snprintf(what, sizeof what, "the value '%s' is not of type %s%s%s%s", shown, type, why ? " (" : "", why ? why : "",
           why ? ")" : "");
  if (k->given == NULL && c->kinds_fixed) {
    const size_t len = strlen(what);
    snprintf(what + len, sizeof what - len,
             "; the type was inferred from the first rows: give the column's type (column_types) or a larger "
             "block_size");
  }
  return qv__csv_cell_error(c, b, r, col, err, what);
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
  const int64_t width = kind == QV__CSV_DATE || kind == QV__CSV_TIME ? 4 : kind == QV__CSV_BOOL ? 0 : 8;
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
  const char *why = NULL; /* what was expected, when a value does not fit */
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
      case QV__CSV_TIME: {
        qv__csv_time t;
        ok = qv__csv_parse_time(s, len, &t) && t.fraction_digits < 0;
        if (ok) ((int32_t *)v)[r] = t.seconds;
        else why = "expected hh:mm or hh:mm:ss";
        break;
      }
      case QV__CSV_BOOL: {
        bool x;
        if ((ok = qv__csv_parse_bool(c, s, len, &x)) && x) v[r >> 3] |= (uint8_t)(1u << (r & 7));
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
        if (!infer && t.has_zone != k->zoned) {
          ok = false;
          why = t.has_zone ? "expected no zone offset" : "expected a zone offset, Z or +hh:mm";
        }
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
      st = qv__csv_value_error(c, b, r, col, k, why, err);
      goto fail;
    }
    valid[r >> 3] |= (uint8_t)(1u << (r & 7));
  }
  if (kind == QV__CSV_TIMESTAMP) {
    if (infer) {
      k->zoned = ts.any_zone;
      k->nanos = ts.any_fraction;
    }
    /* Seconds and fractions into the unit, each checked: an inferred
     * column is in ns once a value has a fraction, else in s; a given one
     * in its type's unit, which must hold every fraction exactly. */
    static const int64_t k_per_second[4] = {1, 1000, 1000000, 1000000000};
    const int64_t per_second = k->given ? k_per_second[k->given->unit & 3] : k->nanos ? 1000000000 : 1;
    const int64_t step = 1000000000 / per_second;
    int64_t *x = (int64_t *)v;
    for (int64_t r = 0; (per_second > 1 || nanos != NULL) && r < n; r++) {
      if (!(valid[r >> 3] & (1u << (r & 7)))) continue;
      const int64_t frac = nanos ? nanos[r] : 0;
      if (frac % step != 0) { /* never when inferring: a fraction makes the column ns */
        st = qv__csv_value_error(c, b, r, col, k, "the fraction is finer than the unit", err);
        goto fail;
      }
      if (qv__mul_overflow_i64(x[r], per_second, &x[r]) || qv__add_overflow_i64(x[r], frac / step, &x[r])) {
        if (infer) {
          *fits = false;
          goto fail;
        }
        st = qv__csv_value_error(c, b, r, col, k, "outside the range of the unit", err);
        goto fail;
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

/* A string-like column: utf8 (string, large_string) checks every value;
 * `wide` gives 64-bit offsets (large_string, large_binary). */
static qv_status build_string(const qv__csv_read_ctx *c, const qv__csv_block *b, int32_t col, qv_type_id id,
                              qv_array **out, qv_error *err) {
  const bool utf8 = id == QV_TYPE_STRING || id == QV_TYPE_LARGE_STRING;
  const bool wide = id == QV_TYPE_LARGE_STRING || id == QV_TYPE_LARGE_BINARY;
  const int64_t n = b->n_data;
  int64_t total = 0;
  for (int64_t r = 0; r < n; r++) {
    const char *s;
    int64_t len;
    qv__csv_block_field(b, qv__csv_block_record(b, r), col, &s, &len);
    if (utf8 && !b->utf8_valid) {
      const int64_t valid = qv__utf8_valid_prefix((const uint8_t *)s, len);
      if (valid != len) {
        char why[96], what[192];
        qv__utf8_describe((const uint8_t *)s, len, valid, why, sizeof why);
        snprintf(what, sizeof what, "invalid UTF-8 at byte %lld of the value: %s; expected UTF-8 text",
                 (long long)valid, why);
        return qv__csv_cell_error(c, b, r, col, err, what);
      }
    }
    total += len; /* a block is < 2 GiB, so the sum fits int32 offsets */
  }
  qv_buffer *offsets = NULL, *data = NULL;
  QV_RETURN_IF_ERROR(qv_buffer_allocate(NULL, (n + 1) * (wide ? 8 : 4), false, &offsets, err));
  qv_status st = qv_buffer_allocate(NULL, total, false, &data, err);
  if (st != QV_OK) {
    qv_buffer_release(offsets);
    return st;
  }
  int32_t *o = (int32_t *)offsets->data;
  int64_t *o64 = (int64_t *)offsets->data;
  int64_t at = 0;
  if (wide) o64[0] = 0;
  else o[0] = 0;
  for (int64_t r = 0; r < n; r++) {
    const char *s;
    int64_t len;
    qv__csv_block_field(b, qv__csv_block_record(b, r), col, &s, &len);
    if (len > 0) memcpy(data->data + at, s, (size_t)len);
    at += len;
    if (wide) o64[r + 1] = at;
    else o[r + 1] = (int32_t)at;
  }
  qv_buffer *bufs[3] = {NULL, offsets, data};
  qv_type *type = qv_type_from_id(id);
  st = type ? qv_array_new(type, n, 0, 0, 3, bufs, 0, NULL, NULL, out, err)
            : qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory (CSV column type)");
  qv_type_release(type);
  qv_buffer_release(offsets);
  qv_buffer_release(data);
  return st;
}

/* The first record of block b whose value in `col` is not a null marker,
 * or -1. */
static int64_t first_value(const qv__csv_read_ctx *c, const qv__csv_block *b, int32_t col) {
  for (int64_t r = 0; r < b->n_data; r++) {
    const char *s;
    int64_t n;
    qv__csv_block_field(b, qv__csv_block_record(b, r), col, &s, &n);
    if (!qv__csv_is_null(c, s, n)) return r;
  }
  return -1;
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
    case QV__CSV_NULL: {
      /* Every value must be a null marker (a null column of an earlier
       * block, or a given null type). */
      const int64_t r = first_value(c, b, col);
      if (r >= 0) return qv__csv_value_error(c, b, r, col, k, NULL, err);
      return build_null(b, out, err);
    }
    case QV__CSV_STRING:
      return build_string(c, b, col, k->given ? k->given->id : QV_TYPE_STRING, out, err);
    default:
      return build_fixed(c, b, col, &kind, false, out, &fits, err);
  }
}

qv_status qv__csv_infer_build_block_column(const qv__csv_read_ctx *c, const qv__csv_block *b, int32_t col,
                                           qv__csv_column_kind *k, qv_array **out, qv_error *err) {
  memset(k, 0, sizeof *k);
  const int64_t first_row = first_value(c, b, col);
  if (first_row < 0) {
    k->kind = QV__CSV_NULL;
    return build_null(b, out, err);
  }
  /* The first value that is not a null marker rules out the kinds it does
   * not fit before any column is built for them. */
  const char *first = NULL;
  int64_t first_len = 0;
  qv__csv_block_field(b, qv__csv_block_record(b, first_row), col, &first, &first_len);
  for (qv__csv_kind kind = QV__CSV_INT; kind < QV__CSV_STRING; kind = (qv__csv_kind)(kind + 1)) {
    ts_facts ts = {false, false, false};
    if (!fits(c, kind, first, first_len, &ts)) continue;
    k->kind = kind;
    k->zoned = k->nanos = false;
    bool fits = false;
    QV_RETURN_IF_ERROR(build_fixed(c, b, col, k, true, out, &fits, err));
    if (fits) return QV_OK;
  }
  k->kind = QV__CSV_STRING;
  k->zoned = k->nanos = false;
  return build_string(c, b, col, QV_TYPE_STRING, out, err);
}

qv_status qv__csv_block_column(const qv__csv_read_ctx *c, const qv__csv_block *b, int32_t col,
                               qv__csv_column_kind *k, qv_array **out, qv_error *err) {
  if (c->given != NULL && c->given[col].given != NULL) {
    *k = c->given[col];
    if (qv__csv_given_converts(k->given)) return qv__csv_build_given(c, b, col, k, out, err);
    return qv__csv_build_block_column(c, b, col, k, out, err);
  }
  if (c->kinds_fixed) return qv__csv_build_block_column(c, b, col, k, out, err);
  return qv__csv_infer_build_block_column(c, b, col, k, out, err);
}
