/* quiver json: FieldData buffers -> qv_buffers.
 *
 * One decoder per buffer kind: VALIDITY (0/1 or booleans -> bitmap, dropped
 * when every slot is valid), DATA of fixed-width types (one tight loop per
 * value kind, the type switch is outside the loop), integer lists (OFFSET,
 * SIZE, TYPE_ID), variable-size binary/utf8 (DATA + OFFSET, checked
 * against each other and rebased to start at 0) and views (VIEWS +
 * VARIADIC_DATA_BUFFERS). Every list must hold exactly the number of
 * entries the column's count implies. The JSON path is only extended when a
 * value is rejected, so the common path does no formatting.
 *
 * Accepted value spellings: integers as JSON integers or strings of digits
 * (whatever the width); booleans as true/false or 1/0; floats as JSON
 * numbers or the strings "NaN", "Infinity", "-Infinity"; decimals as strings
 * (or integers); binary as hex of either case; utf8 as JSON strings.
 * Views of binary types give INLINED as hex, of utf8 types as text.
 */
#include <math.h>

#include "json/internal.h"

#include "core/unaligned.h"

/* Fails with "<path>.<key>[i]: <message>". */
static qv_status elem_fail(qv_json_rctx *c, const char *key, int64_t i, qv_status code, const char *fmt, ...)
    QV_PRINTF(5, 6);
static qv_status elem_fail(qv_json_rctx *c, const char *key, int64_t i, qv_status code, const char *fmt, ...) {
  char msg[QV_ERROR_MESSAGE_MAX / 2];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  size_t saved = qv__json_path_key(c, key);
  qv__json_path_index(c, i);
  qv_status st = qv__json_fail(c, code, "%s", msg);
  qv_json_path_pop(c, saved);
  return st;
}

/* Integer element: fast for JSON integers and digit strings; on rejection
 * the slow accessor names the element. */
static qv_status elem_int(qv_json_rctx *c, const char *key, int64_t i, const json_t *v, int64_t min, int64_t max,
                          int64_t *out) {
  int64_t x;
  if (json_is_integer(v)) {
    x = (int64_t)json_integer_value(v);
    if (x >= min && x <= max) {
      *out = x;
      return QV_OK;
    }
  } else if (json_is_string(v) && qv__json_parse_i64(json_string_value(v), json_string_length(v), &x) == 0 &&
             x >= min && x <= max) {
    *out = x;
    return QV_OK;
  }
  size_t saved = qv__json_path_key(c, key);
  qv__json_path_index(c, i);
  qv_status st = qv__json_get_int(c, v, min, max, out);
  qv_json_path_pop(c, saved);
  return st;
}

static qv_status elem_uint64(qv_json_rctx *c, const char *key, int64_t i, const json_t *v, uint64_t *out) {
  size_t saved = qv__json_path_key(c, key);
  qv__json_path_index(c, i);
  qv_status st = qv__json_get_uint64(c, v, out);
  qv_json_path_pop(c, saved);
  return st;
}

static qv_status elem_bool(qv_json_rctx *c, const char *key, int64_t i, const json_t *v, bool *out) {
  if (json_is_boolean(v)) {
    *out = json_is_true(v);
    return QV_OK;
  }
  if (json_is_integer(v) && (json_integer_value(v) == 0 || json_integer_value(v) == 1)) {
    *out = json_integer_value(v) == 1;
    return QV_OK;
  }
  return elem_fail(c, key, i, QV_ERR_INVALID_DATA, "expected 0, 1, true or false, found %s", qv__json_kind(v));
}

static qv_status elem_double(qv_json_rctx *c, int64_t i, const json_t *v, double *out) {
  if (json_is_number(v)) {
    *out = json_number_value(v);
    return QV_OK;
  }
  if (json_is_string(v)) {
    const char *s = json_string_value(v);
    if (strcmp(s, "NaN") == 0 || strcmp(s, "nan") == 0) {
      *out = NAN;
      return QV_OK;
    }
    if (strcmp(s, "Infinity") == 0 || strcmp(s, "Inf") == 0 || strcmp(s, "inf") == 0) {
      *out = INFINITY;
      return QV_OK;
    }
    if (strcmp(s, "-Infinity") == 0 || strcmp(s, "-Inf") == 0 || strcmp(s, "-inf") == 0) {
      *out = -INFINITY;
      return QV_OK;
    }
  }
  return elem_fail(c, "DATA", i, QV_ERR_INVALID_DATA, "expected a number, found %s", qv__json_kind(v));
}

/* The list under `key`, which must hold n entries. */
static qv_status get_list(qv_json_rctx *c, const json_t *jcol, const char *key, int64_t n, const json_t **out) {
  QV_RETURN_IF_ERROR(qv__json_member(c, jcol, key, JSON_ARRAY, true, out));
  size_t got = json_array_size(*out);
  if ((int64_t)got != n) {
    size_t saved = qv__json_path_key(c, key);
    qv_status st = qv__json_fail(c, QV_ERR_INVALID_DATA, "expected %lld entries (from count), found %zu", (long long)n,
                                got);
    qv_json_path_pop(c, saved);
    return st;
  }
  return QV_OK;
}

static qv_status alloc(qv_json_rctx *c, int64_t bytes, qv_buffer **out) {
  return qv__json_wrap(c, qv_buffer_allocate(NULL, bytes, true, out, c->err));
}

qv_status qv__json_read_validity(qv_json_rctx *c, const json_t *jcol, int64_t count, qv_buffer **out,
                                int64_t *null_count) {
  const json_t *jv;
  *out = NULL;
  *null_count = 0;
  QV_RETURN_IF_ERROR(qv__json_member(c, jcol, "VALIDITY", JSON_ARRAY, false, &jv));
  if (jv == NULL) return QV_OK; /* tolerated: every slot valid */
  QV_RETURN_IF_ERROR(get_list(c, jcol, "VALIDITY", count, &jv));
  qv_buffer *buf = NULL;
  QV_RETURN_IF_ERROR(alloc(c, qv_bitmap_bytes(count), &buf));
  int64_t nulls = 0;
  for (int64_t i = 0; i < count; i++) {
    bool valid;
    qv_status st = elem_bool(c, "VALIDITY", i, json_array_get(jv, (size_t)i), &valid);
    if (st != QV_OK) {
      qv_buffer_release(buf);
      return st;
    }
    if (valid) {
      qv_bit_set(buf->data, i);
    } else {
      nulls++;
    }
  }
  if (nulls == 0) {
    qv_buffer_release(buf);
    buf = NULL;
  }
  *out = buf;
  *null_count = nulls;
  return QV_OK;
}

/* Range of an integer storage type of byte width w. */
static void int_range(qv_type_id id, int64_t *min, int64_t *max) {
  switch (id) {
    case QV_TYPE_INT8: *min = INT8_MIN, *max = INT8_MAX; break;
    case QV_TYPE_INT16: *min = INT16_MIN, *max = INT16_MAX; break;
    case QV_TYPE_UINT8: *min = 0, *max = UINT8_MAX; break;
    case QV_TYPE_UINT16: *min = 0, *max = UINT16_MAX; break;
    case QV_TYPE_UINT32: *min = 0, *max = UINT32_MAX; break;
    case QV_TYPE_INT32:
    case QV_TYPE_DATE32:
    case QV_TYPE_TIME32:
    case QV_TYPE_INTERVAL_MONTHS: *min = INT32_MIN, *max = INT32_MAX; break;
    default: *min = INT64_MIN, *max = INT64_MAX; break;
  }
}

static qv_status read_ints_into(qv_json_rctx *c, const char *key, const json_t *list, int64_t n, int width,
                                int64_t min, int64_t max, uint8_t *dst) {
  for (int64_t i = 0; i < n; i++) {
    int64_t v;
    QV_RETURN_IF_ERROR(elem_int(c, key, i, json_array_get(list, (size_t)i), min, max, &v));
    qv__store_int(dst, width, i, v);
  }
  return QV_OK;
}

/* Member `key` of object v as an int in [min, max]; path names element i of DATA. */
static qv_status obj_int(qv_json_rctx *c, int64_t i, const json_t *v, const char *key, int64_t min, int64_t max,
                         int64_t *out) {
  const json_t *m = json_is_object(v) ? json_object_get(v, key) : NULL;
  if (m == NULL) {
    return elem_fail(c, "DATA", i, QV_ERR_INVALID_DATA, "expected an object with \"%s\", found %s", key,
                     qv__json_kind(v));
  }
  size_t saved = qv__json_path_key(c, "DATA");
  qv__json_path_index(c, i);
  qv__json_path_key(c, key);
  qv_status st = qv__json_get_int(c, m, min, max, out);
  qv_json_path_pop(c, saved);
  return st;
}

static qv_status read_intervals(qv_json_rctx *c, qv_type_id id, const json_t *list, int64_t n, uint8_t *dst) {
  for (int64_t i = 0; i < n; i++) {
    const json_t *v = json_array_get(list, (size_t)i);
    int64_t a, b, ns = 0;
    if (id == QV_TYPE_INTERVAL_DAY_TIME) {
      QV_RETURN_IF_ERROR(obj_int(c, i, v, "days", INT32_MIN, INT32_MAX, &a));
      QV_RETURN_IF_ERROR(obj_int(c, i, v, "milliseconds", INT32_MIN, INT32_MAX, &b));
      qv__store_int(dst + i * 8, 4, 0, a);
      qv__store_int(dst + i * 8, 4, 1, b);
    } else {
      QV_RETURN_IF_ERROR(obj_int(c, i, v, "months", INT32_MIN, INT32_MAX, &a));
      QV_RETURN_IF_ERROR(obj_int(c, i, v, "days", INT32_MIN, INT32_MAX, &b));
      QV_RETURN_IF_ERROR(obj_int(c, i, v, "nanoseconds", INT64_MIN, INT64_MAX, &ns));
      qv__store_int(dst + i * 16, 4, 0, a);
      qv__store_int(dst + i * 16, 4, 1, b);
      qv__store_int(dst + i * 16, 8, 1, ns);
    }
  }
  return QV_OK;
}

static qv_status read_decimals(qv_json_rctx *c, int bit_width, const json_t *list, int64_t n, uint8_t *dst) {
  int w = bit_width / 8;
  for (int64_t i = 0; i < n; i++) {
    const json_t *v = json_array_get(list, (size_t)i);
    char tmp[32];
    const char *s;
    size_t len;
    if (json_is_string(v)) {
      s = json_string_value(v);
      len = json_string_length(v);
    } else if (json_is_integer(v)) {
      len = (size_t)snprintf(tmp, sizeof tmp, "%lld", (long long)json_integer_value(v));
      s = tmp;
    } else {
      return elem_fail(c, "DATA", i, QV_ERR_INVALID_DATA, "expected a string of digits, found %s", qv__json_kind(v));
    }
    int rc = qv__json_decimal_parse(s, len, bit_width, dst + i * w);
    if (rc == -1) {
      return elem_fail(c, "DATA", i, QV_ERR_INVALID_DATA, "expected a string of digits, found \"%.40s\"", s);
    }
    if (rc == -2) {
      return elem_fail(c, "DATA", i, QV_ERR_INVALID_DATA, "value \"%.80s\" does not fit in %d bits", s, bit_width);
    }
  }
  return QV_OK;
}

static qv_status read_fixed_binary(qv_json_rctx *c, int32_t width, const json_t *list, int64_t n, uint8_t *dst) {
  for (int64_t i = 0; i < n; i++) {
    const json_t *v = json_array_get(list, (size_t)i);
    if (!json_is_string(v)) {
      return elem_fail(c, "DATA", i, QV_ERR_INVALID_DATA, "expected a hex string, found %s", qv__json_kind(v));
    }
    size_t len = json_string_length(v);
    if (len != (size_t)width * 2) {
      return elem_fail(c, "DATA", i, QV_ERR_INVALID_DATA, "expected %d hex digits (%d bytes), found %zu", width * 2,
                       width, len);
    }
    if (width > 0 && !qv__json_hex_decode(json_string_value(v), len, dst + i * width)) {
      return elem_fail(c, "DATA", i, QV_ERR_INVALID_DATA, "invalid hex string \"%.40s\"", json_string_value(v));
    }
  }
  return QV_OK;
}

qv_status qv__json_read_fixed(qv_json_rctx *c, const qv_type *s, const json_t *jcol, int64_t count,
                             qv_buffer **out) {
  const json_t *list;
  qv_buffer *buf = NULL;
  qv_status st = QV_OK;
  int64_t bytes, width = s->bit_width / 8;
  *out = NULL;
  QV_RETURN_IF_ERROR(get_list(c, jcol, "DATA", count, &list));
  if (s->id == QV_TYPE_BOOL) {
    bytes = qv_bitmap_bytes(count);
  } else if (qv__mul_overflow_i64(count, width, &bytes)) { /* width is 0 only for fixed_size_binary(0) */
    return qv__json_fail(c, QV_ERR_INVALID_DATA, "cannot hold %lld values of %lld bytes", (long long)count,
                        (long long)width);
  }
  QV_RETURN_IF_ERROR(alloc(c, bytes, &buf));
  uint8_t *dst = buf->data;
  int64_t min, max;
  switch (s->id) {
    case QV_TYPE_BOOL:
      for (int64_t i = 0; i < count && st == QV_OK; i++) {
        bool b = false;
        st = elem_bool(c, "DATA", i, json_array_get(list, (size_t)i), &b);
        if (b) qv_bit_set(dst, i);
      }
      break;
    case QV_TYPE_UINT64:
      for (int64_t i = 0; i < count && st == QV_OK; i++) {
        uint64_t v = 0;
        st = elem_uint64(c, "DATA", i, json_array_get(list, (size_t)i), &v);
        memcpy(dst + i * 8, &v, 8);
      }
      break;
    case QV_TYPE_FLOAT16:
    case QV_TYPE_FLOAT32:
    case QV_TYPE_FLOAT64:
      for (int64_t i = 0; i < count && st == QV_OK; i++) {
        double d = 0;
        st = elem_double(c, i, json_array_get(list, (size_t)i), &d);
        if (s->id == QV_TYPE_FLOAT16) {
          uint16_t h = qv__json_half_from_double(d);
          memcpy(dst + i * 2, &h, 2);
        } else if (s->id == QV_TYPE_FLOAT32) {
          float f = (float)d;
          memcpy(dst + i * 4, &f, 4);
        } else {
          memcpy(dst + i * 8, &d, 8);
        }
      }
      break;
    case QV_TYPE_DECIMAL32:
    case QV_TYPE_DECIMAL64:
    case QV_TYPE_DECIMAL128:
    case QV_TYPE_DECIMAL256:
      st = read_decimals(c, s->bit_width, list, count, dst);
      break;
    case QV_TYPE_INTERVAL_DAY_TIME:
    case QV_TYPE_INTERVAL_MONTH_DAY_NANO:
      st = read_intervals(c, s->id, list, count, dst);
      break;
    case QV_TYPE_FIXED_SIZE_BINARY:
      st = read_fixed_binary(c, s->byte_width, list, count, dst);
      break;
    default:
      if (!qv_type_is_integer(s->id) && s->id != QV_TYPE_DATE32 && s->id != QV_TYPE_DATE64 &&
          s->id != QV_TYPE_TIME32 && s->id != QV_TYPE_TIME64 && s->id != QV_TYPE_TIMESTAMP &&
          s->id != QV_TYPE_DURATION && s->id != QV_TYPE_INTERVAL_MONTHS) {
        st = qv__json_fail(c, QV_ERR_NOT_IMPLEMENTED, "no DATA decoder for type %s", qv_type_id_name(s->id));
        break;
      }
      int_range(s->id, &min, &max);
      st = read_ints_into(c, "DATA", list, count, (int)width, min, max, dst);
      break;
  }
  if (st != QV_OK) {
    qv_buffer_release(buf);
    return st;
  }
  *out = buf;
  return QV_OK;
}

qv_status qv__json_read_ints(qv_json_rctx *c, const json_t *jcol, const char *key, int64_t n, int width,
                            int64_t min, int64_t max, qv_buffer **out) {
  const json_t *list;
  int64_t bytes;
  *out = NULL;
  QV_RETURN_IF_ERROR(qv__json_member(c, jcol, key, JSON_ARRAY, true, &list));
  if (n == 1 && json_array_size(list) == 0) return alloc(c, width, out); /* offsets of an empty column */
  QV_RETURN_IF_ERROR(get_list(c, jcol, key, n, &list));
  if (qv__mul_overflow_i64(n, width, &bytes)) {
    return qv__json_fail(c, QV_ERR_INVALID_DATA, "%lld entries overflow", (long long)n);
  }
  QV_RETURN_IF_ERROR(alloc(c, bytes, out));
  qv_status st = read_ints_into(c, key, list, n, width, min, max, (*out)->data);
  if (st != QV_OK) {
    qv_buffer_release(*out);
    *out = NULL;
  }
  return st;
}

/* Byte length of DATA[i] of a binary (hex) or utf8 (text) column. */
static qv_status binary_len(qv_json_rctx *c, bool text, int64_t i, const json_t *v, int64_t *len) {
  if (!json_is_string(v)) {
    return elem_fail(c, "DATA", i, QV_ERR_INVALID_DATA, "expected %s, found %s", text ? "a string" : "a hex string",
                     qv__json_kind(v));
  }
  size_t n = json_string_length(v);
  if (!text && n % 2 != 0) {
    return elem_fail(c, "DATA", i, QV_ERR_INVALID_DATA, "odd number of hex digits (%zu)", n);
  }
  *len = (int64_t)(text ? n : n / 2);
  return QV_OK;
}

qv_status qv__json_read_binary(qv_json_rctx *c, const qv_type *s, const json_t *jcol, int64_t count,
                              qv_buffer **offsets, qv_buffer **data) {
  qv_status st = QV_OK;
  const json_t *list, *joff;
  bool large = s->id == QV_TYPE_LARGE_BINARY || s->id == QV_TYPE_LARGE_STRING;
  bool text = s->id == QV_TYPE_STRING || s->id == QV_TYPE_LARGE_STRING;
  int w = large ? 8 : 4;
  int64_t limit = large ? INT64_MAX : INT32_MAX, total = 0, prev = 0;
  *offsets = *data = NULL;
  QV_RETURN_IF_ERROR(get_list(c, jcol, "DATA", count, &list));
  QV_RETURN_IF_ERROR(qv__json_member(c, jcol, "OFFSET", JSON_ARRAY, false, &joff));
  if (joff != NULL && !(count == 0 && json_array_size(joff) == 0)) {
    QV_RETURN_IF_ERROR(get_list(c, jcol, "OFFSET", count + 1, &joff));
    QV_RETURN_IF_ERROR(elem_int(c, "OFFSET", 0, json_array_get(joff, 0), 0, limit, &prev));
  } else {
    joff = NULL;
  }
  QV_RETURN_IF_ERROR(alloc(c, (count + 1) * (int64_t)w, offsets));
  uint8_t *off = (*offsets)->data;
  /* Pass 1: lengths, checked against OFFSET, accumulated into offsets from 0. */
  for (int64_t i = 0; i < count; i++) {
    int64_t len = 0, next = 0;
    QV_GOTO_IF_ERROR(st, binary_len(c, text, i, json_array_get(list, (size_t)i), &len), fail);
    if (joff != NULL) {
      QV_GOTO_IF_ERROR(st, elem_int(c, "OFFSET", i + 1, json_array_get(joff, (size_t)i + 1), 0, limit, &next), fail);
      if (next - prev != len) {
        st = elem_fail(c, "OFFSET", i + 1, QV_ERR_INVALID_DATA,
                       "offsets %lld..%lld span %lld bytes but DATA[%lld] holds %lld", (long long)prev,
                       (long long)next, (long long)(next - prev), (long long)i, (long long)len);
        goto fail;
      }
      prev = next;
    }
    if (total > limit - len) {
      st = qv__json_fail(c, QV_ERR_INVALID_DATA, "DATA holds more than %lld bytes", (long long)limit);
      goto fail;
    }
    total += len;
    qv__store_int(off, w, i + 1, total);
  }
  QV_GOTO_IF_ERROR(st, alloc(c, total, data), fail);
  /* Pass 2: bytes. */
  for (int64_t i = 0; i < count; i++) {
    const json_t *v = json_array_get(list, (size_t)i);
    int64_t start = qv__load_int(off, w, i);
    if (text) {
      memcpy((*data)->data + start, json_string_value(v), json_string_length(v));
    } else if (!qv__json_hex_decode(json_string_value(v), json_string_length(v), (*data)->data + start)) {
      st = elem_fail(c, "DATA", i, QV_ERR_INVALID_DATA, "invalid hex string \"%.40s\"", json_string_value(v));
      goto fail;
    }
  }
  return QV_OK;
fail:
  qv_buffer_release(*offsets);
  qv_buffer_release(*data);
  *offsets = *data = NULL;
  return st;
}

/* Member of view i; path names VIEWS[i].key on failure. */
static qv_status view_int(qv_json_rctx *c, int64_t i, const json_t *v, const char *key, int64_t min, int64_t max,
                          int64_t *out) {
  const json_t *m = json_object_get(v, key);
  size_t saved = qv__json_path_key(c, "VIEWS");
  qv__json_path_index(c, i);
  qv_status st;
  if (m == NULL) {
    st = qv__json_fail(c, QV_ERR_INVALID_DATA, "missing member \"%s\"", key);
  } else {
    qv__json_path_key(c, key);
    st = qv__json_get_int(c, m, min, max, out);
  }
  qv_json_path_pop(c, saved);
  return st;
}

static qv_status read_view(qv_json_rctx *c, bool text, int64_t i, const json_t *v, qv_buffer *const *vars,
                           int64_t nvar, qv_view *out) {
  int64_t size, index, offset;
  if (!json_is_object(v)) return elem_fail(c, "VIEWS", i, QV_ERR_INVALID_DATA, "expected an object, found %s", qv__json_kind(v));
  QV_RETURN_IF_ERROR(view_int(c, i, v, "SIZE", 0, INT32_MAX, &size));
  out->inlined.size = (int32_t)size;
  if (size <= QV_VIEW_INLINE_MAX) {
    const json_t *in = json_object_get(v, "INLINED");
    if (!json_is_string(in)) return elem_fail(c, "VIEWS", i, QV_ERR_INVALID_DATA, "INLINED must be a string (SIZE %lld)", (long long)size);
    size_t n = json_string_length(in);
    if ((int64_t)(text ? n : n / 2) != size || (!text && n % 2 != 0)) {
      return elem_fail(c, "VIEWS", i, QV_ERR_INVALID_DATA, "INLINED \"%.40s\" does not hold SIZE %lld bytes",
                       json_string_value(in), (long long)size);
    }
    if (text) {
      memcpy(out->inlined.data, json_string_value(in), n);
    } else if (!qv__json_hex_decode(json_string_value(in), n, out->inlined.data)) {
      return elem_fail(c, "VIEWS", i, QV_ERR_INVALID_DATA, "INLINED \"%.40s\" is not hex", json_string_value(in));
    }
    return QV_OK;
  }
  const json_t *prefix = json_object_get(v, "PREFIX_HEX");
  if (!json_is_string(prefix) || json_string_length(prefix) != 8 ||
      !qv__json_hex_decode(json_string_value(prefix), 8, out->ref.prefix)) {
    return elem_fail(c, "VIEWS", i, QV_ERR_INVALID_DATA, "PREFIX_HEX must be 8 hex digits (SIZE %lld > 12)",
                     (long long)size);
  }
  QV_RETURN_IF_ERROR(view_int(c, i, v, "BUFFER_INDEX", 0, INT32_MAX, &index));
  QV_RETURN_IF_ERROR(view_int(c, i, v, "OFFSET", 0, INT32_MAX, &offset));
  if (index >= nvar) {
    return elem_fail(c, "VIEWS", i, QV_ERR_INVALID_DATA, "BUFFER_INDEX %lld is past the %lld VARIADIC_DATA_BUFFERS",
                     (long long)index, (long long)nvar);
  }
  if (offset + size > vars[index]->size) {
    return elem_fail(c, "VIEWS", i, QV_ERR_INVALID_DATA, "OFFSET + SIZE = %lld is past the end of variadic buffer %lld (%lld bytes)",
                     (long long)(offset + size), (long long)index, (long long)vars[index]->size);
  }
  out->ref.buffer_index = (int32_t)index;
  out->ref.offset = (int32_t)offset;
  return QV_OK;
}

qv_status qv__json_read_views(qv_json_rctx *c, const qv_type *s, const json_t *jcol, int64_t count,
                             qv_buffer ***bufs_out, int32_t *n_out) {
  qv_status st = QV_OK;
  const json_t *jviews, *jvars;
  qv_buffer **bufs = NULL;
  size_t nvar = 0;
  bool text = s->id == QV_TYPE_STRING_VIEW;
  *bufs_out = NULL;
  *n_out = 0;
  QV_RETURN_IF_ERROR(get_list(c, jcol, "VIEWS", count, &jviews));
  QV_RETURN_IF_ERROR(qv__json_member(c, jcol, "VARIADIC_DATA_BUFFERS", JSON_ARRAY, false, &jvars));
  nvar = jvars ? json_array_size(jvars) : 0;
  if (nvar > (size_t)INT32_MAX - 2) return qv__json_fail(c, QV_ERR_LIMIT, "too many variadic buffers");
  bufs = qv__calloc(nvar + 2, sizeof *bufs);
  QV_CHECK_ALLOC(bufs, c->err);
  for (size_t k = 0; k < nvar; k++) {
    const json_t *v = json_array_get(jvars, k);
    size_t n = json_is_string(v) ? json_string_length(v) : 1;
    if (!json_is_string(v) || n % 2 != 0) {
      st = elem_fail(c, "VARIADIC_DATA_BUFFERS", (int64_t)k, QV_ERR_INVALID_DATA, "expected a hex string, found %s",
                     json_is_string(v) ? "an odd number of digits" : qv__json_kind(v));
      goto fail;
    }
    QV_GOTO_IF_ERROR(st, alloc(c, (int64_t)(n / 2), &bufs[2 + k]), fail);
    if (!qv__json_hex_decode(json_string_value(v), n, bufs[2 + k]->data)) {
      st = elem_fail(c, "VARIADIC_DATA_BUFFERS", (int64_t)k, QV_ERR_INVALID_DATA, "invalid hex string");
      goto fail;
    }
  }
  int64_t bytes;
  if (qv__mul_overflow_i64(count, QV_VIEW_SIZE, &bytes)) {
    QV_FAIL_GOTO(st, fail, c->err, QV_ERR_OVERFLOW, "%s: %lld views overflow", c->path, (long long)count);
  }
  QV_GOTO_IF_ERROR(st, alloc(c, bytes, &bufs[1]), fail);
  qv_view *views = (qv_view *)(void *)bufs[1]->data;
  for (int64_t i = 0; i < count; i++) {
    QV_GOTO_IF_ERROR(st, read_view(c, text, i, json_array_get(jviews, (size_t)i), bufs + 2, (int64_t)nvar, &views[i]),
                     fail);
  }
  *bufs_out = bufs;
  *n_out = (int32_t)(nvar + 2);
  return QV_OK;
fail:
  for (size_t k = 0; k < nvar + 2; k++) qv_buffer_release(bufs[k]);
  free(bufs);
  return st;
}
