/* Parquet: the Thrift compact protocol's wire primitives, bounded.
 *
 * Written here rather than taken from Debian's Thrift (GLib-based, heavy,
 * unbounded on hostile input): see thrift_read.h for the bounds kept. Every
 * read checks the bytes left first; the first failure sticks in r->status. */
#include "parquet/thrift_read.h"

#include <string.h>

#include "core/internal.h"
#include "parquet/format.h"

void qv__thrift_reader_init(qv__thrift_reader *r, const uint8_t *data, size_t size, const char *what,
                            qv_error *err) {
  static const uint8_t empty[1] = {0};
  r->start = data != NULL ? data : empty;
  r->p = r->start;
  r->end = r->start + (data != NULL ? size : 0);
  r->depth = 0;
  r->max_depth = QV__THRIFT_DEFAULT_MAX_DEPTH;
  r->max_list = QV__THRIFT_DEFAULT_MAX_LIST;
  r->what = what;
  r->status = QV_OK;
  r->err = err;
}

qv_status qv__thrift_fail(qv__thrift_reader *r, qv_status code, const char *why) {
  if (r->status != QV_OK) return r->status;
  r->status = qv_error_set(r->err, code, "Parquet %s: %s at byte %zu of %zu", r->what, why,
                           qv__thrift_consumed(r), (size_t)(r->end - r->start));
  return r->status;
}

qv_status qv__thrift_varint(qv__thrift_reader *r, uint64_t *out) {
  if (r->status != QV_OK) return r->status;
  uint64_t v = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    if (r->p >= r->end) return qv__thrift_fail(r, QV_ERR_TRUNCATED, "the input ends inside a varint");
    uint8_t b = *r->p++;
    if (shift == 63 && (b & 0x7e) != 0) return qv__thrift_fail(r, QV_ERR_INVALID_DATA, "varint longer than 64 bits");
    v |= (uint64_t)(b & 0x7f) << shift;
    if ((b & 0x80) == 0) {
      *out = v;
      return QV_OK;
    }
  }
  return qv__thrift_fail(r, QV_ERR_INVALID_DATA, "varint longer than 10 bytes");
}

qv_status qv__thrift_i64(qv__thrift_reader *r, int64_t *out) {
  uint64_t u = 0;
  QV_RETURN_IF_ERROR(qv__thrift_varint(r, &u));
  *out = (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
  return QV_OK;
}

qv_status qv__thrift_i32(qv__thrift_reader *r, int32_t *out) {
  int64_t v = 0;
  QV_RETURN_IF_ERROR(qv__thrift_i64(r, &v));
  if (v < INT32_MIN || v > INT32_MAX) return qv__thrift_fail(r, QV_ERR_INVALID_DATA, "i32 value out of range");
  *out = (int32_t)v;
  return QV_OK;
}

qv_status qv__thrift_int_field(qv__thrift_reader *r, uint8_t type, int32_t *out) {
  if (r->status != QV_OK) return r->status;
  if (type == QV__TC_I8) {
    if (r->p >= r->end) return qv__thrift_fail(r, QV_ERR_TRUNCATED, "the input ends inside an i8");
    *out = (int8_t)*r->p++;
    return QV_OK;
  }
  if (type == QV__TC_I16 || type == QV__TC_I32) {
    QV_RETURN_IF_ERROR(qv__thrift_i32(r, out));
    if (type == QV__TC_I16 && (*out < INT16_MIN || *out > INT16_MAX))
      return qv__thrift_fail(r, QV_ERR_INVALID_DATA, "i16 value out of range");
    return QV_OK;
  }
  return qv__thrift_fail(r, QV_ERR_INVALID_DATA, "expected an integer");
}

qv_status qv__thrift_binary(qv__thrift_reader *r, const uint8_t **data, int32_t *len) {
  uint64_t n = 0;
  QV_RETURN_IF_ERROR(qv__thrift_varint(r, &n));
  if (n > (uint64_t)(r->end - r->p))
    return qv__thrift_fail(r, QV_ERR_INVALID_DATA, "a string is longer than the bytes that remain");
  if (n > INT32_MAX) return qv__thrift_fail(r, QV_ERR_LIMIT, "a string is longer than 2 GiB");
  *data = r->p;
  *len = (int32_t)n;
  r->p += n;
  return QV_OK;
}

qv_status qv__thrift_list_bool(qv__thrift_reader *r, bool *out) {
  if (r->status != QV_OK) return r->status;
  if (r->p >= r->end) return qv__thrift_fail(r, QV_ERR_TRUNCATED, "the input ends inside a bool");
  *out = *r->p++ == QV__TC_BOOL_TRUE;
  return QV_OK;
}

qv_status qv__thrift_struct_begin(qv__thrift_reader *r) {
  if (r->status != QV_OK) return r->status;
  if (r->depth >= r->max_depth) return qv__thrift_fail(r, QV_ERR_LIMIT, "structs nested too deep");
  r->depth++;
  return QV_OK;
}

void qv__thrift_struct_end(qv__thrift_reader *r) {
  if (r->depth > 0) r->depth--;
}

qv_status qv__thrift_field(qv__thrift_reader *r, int16_t *last_id, int16_t *id, uint8_t *type) {
  if (r->status != QV_OK) return r->status;
  if (r->p >= r->end) return qv__thrift_fail(r, QV_ERR_TRUNCATED, "the input ends inside a struct");
  uint8_t b = *r->p++;
  *type = b & 0x0f;
  if (*type == QV__TC_STOP) {
    *id = 0;
    return QV_OK;
  }
  if (*type > QV__TC_STRUCT) return qv__thrift_fail(r, QV_ERR_INVALID_DATA, "unknown compact type in a field header");
  int delta = b >> 4;
  if (delta != 0) {
    int32_t next = (int32_t)*last_id + delta;
    if (next > INT16_MAX) return qv__thrift_fail(r, QV_ERR_INVALID_DATA, "field id out of range");
    *id = (int16_t)next;
  } else {
    int32_t v = 0;
    QV_RETURN_IF_ERROR(qv__thrift_int_field(r, QV__TC_I16, &v));
    *id = (int16_t)v;
  }
  *last_id = *id;
  return QV_OK;
}

qv_status qv__thrift_list_begin(qv__thrift_reader *r, uint8_t *elem_type, int64_t *count) {
  if (r->status != QV_OK) return r->status;
  if (r->p >= r->end) return qv__thrift_fail(r, QV_ERR_TRUNCATED, "the input ends inside a list header");
  uint8_t b = *r->p++;
  *elem_type = b & 0x0f;
  uint64_t n = b >> 4;
  if (n == 15) QV_RETURN_IF_ERROR(qv__thrift_varint(r, &n));
  if (*elem_type == QV__TC_STOP || *elem_type > QV__TC_STRUCT)
    return qv__thrift_fail(r, QV_ERR_INVALID_DATA, "unknown element type in a list header");
  if (n > (uint64_t)r->max_list) return qv__thrift_fail(r, QV_ERR_LIMIT, "a list announces too many elements");
  if (n > (uint64_t)(r->end - r->p))
    return qv__thrift_fail(r, QV_ERR_INVALID_DATA, "a list announces more elements than the bytes that remain");
  QV_RETURN_IF_ERROR(qv__thrift_struct_begin(r));
  *count = (int64_t)n;
  return QV_OK;
}

static qv_status skip_bytes(qv__thrift_reader *r, size_t n) {
  if (n > (size_t)(r->end - r->p)) return qv__thrift_fail(r, QV_ERR_TRUNCATED, "the input ends inside a value");
  r->p += n;
  return QV_OK;
}

qv_status qv__thrift_skip(qv__thrift_reader *r, uint8_t type) {
  if (r->status != QV_OK) return r->status;
  uint64_t u = 0;
  switch (type) {
    case QV__TC_BOOL_TRUE:
    case QV__TC_BOOL_FALSE:
      return QV_OK; /* in a field header, the value is the type; list bools are read by the list loop */
    case QV__TC_I8:
      return skip_bytes(r, 1);
    case QV__TC_I16:
    case QV__TC_I32:
    case QV__TC_I64:
      return qv__thrift_varint(r, &u);
    case QV__TC_DOUBLE:
      return skip_bytes(r, 8);
    case QV__TC_BINARY: {
      const uint8_t *d;
      int32_t n;
      return qv__thrift_binary(r, &d, &n);
    }
    case QV__TC_LIST:
    case QV__TC_SET: {
      uint8_t et;
      int64_t n;
      QV_RETURN_IF_ERROR(qv__thrift_list_begin(r, &et, &n));
      for (int64_t i = 0; i < n; i++) {
        if (et == QV__TC_BOOL_TRUE || et == QV__TC_BOOL_FALSE) {
          QV_RETURN_IF_ERROR(skip_bytes(r, 1));
        } else {
          QV_RETURN_IF_ERROR(qv__thrift_skip(r, et));
        }
      }
      qv__thrift_struct_end(r);
      return QV_OK;
    }
    case QV__TC_MAP: {
      QV_RETURN_IF_ERROR(qv__thrift_varint(r, &u));
      if (u == 0) return QV_OK;
      if (u > (uint64_t)r->max_list || u > (uint64_t)(r->end - r->p))
        return qv__thrift_fail(r, QV_ERR_LIMIT, "a map announces too many entries");
      if (r->p >= r->end) return qv__thrift_fail(r, QV_ERR_TRUNCATED, "the input ends inside a map header");
      uint8_t kv = *r->p++;
      uint8_t kt = kv >> 4, vt = kv & 0x0f;
      if (kt == QV__TC_STOP || kt > QV__TC_STRUCT || vt == QV__TC_STOP || vt > QV__TC_STRUCT)
        return qv__thrift_fail(r, QV_ERR_INVALID_DATA, "unknown type in a map header");
      QV_RETURN_IF_ERROR(qv__thrift_struct_begin(r));
      for (uint64_t i = 0; i < u; i++) {
        for (int k = 0; k < 2; k++) {
          uint8_t t = k == 0 ? kt : vt;
          if (t == QV__TC_BOOL_TRUE || t == QV__TC_BOOL_FALSE) {
            QV_RETURN_IF_ERROR(skip_bytes(r, 1));
          } else {
            QV_RETURN_IF_ERROR(qv__thrift_skip(r, t));
          }
        }
      }
      qv__thrift_struct_end(r);
      return QV_OK;
    }
    case QV__TC_STRUCT: {
      QV_RETURN_IF_ERROR(qv__thrift_struct_begin(r));
      int16_t last = 0, id;
      uint8_t t;
      for (;;) {
        QV_RETURN_IF_ERROR(qv__thrift_field(r, &last, &id, &t));
        if (t == QV__TC_STOP) break;
        QV_RETURN_IF_ERROR(qv__thrift_skip(r, t));
      }
      qv__thrift_struct_end(r);
      return QV_OK;
    }
    default:
      return qv__thrift_fail(r, QV_ERR_INVALID_DATA, "unknown compact type");
  }
}
