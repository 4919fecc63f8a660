/* quiver csv: explicit column types (column_types, pyarrow's
 * ConvertOptions.column_types). Maps each given type onto the kind its
 * text is parsed as, and builds the types stored apart from that kind:
 * the narrower and the unsigned integers (range-checked: 300 is not an
 * int8, -1 not a uint8; uint64 takes its whole range), float32 (the
 * float64 value rounded once) and date64 (a date32 in milliseconds).
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
      return true;
    default:
      return false;
  }
}

/* Digits only, up to UINT64_MAX. */
static bool parse_uint64(const char *s, int64_t n, uint64_t *out) {
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
