/* Parquet: physical values -> the Arrow storage of the leaf's type.
 *
 * Where the bytes already are the Arrow layout (INT32 as int32/date32/time32,
 * INT64 as int64/timestamp/time64, floats, BYTE_ARRAY as binary/string, FLBA
 * as fixed_size_binary/float16) the decoded buffers are shared as they are.
 * Narrower integers and decimals are converted into new buffers. */
#include <string.h>

#include "core/internal.h"
#include "parquet/assemble.h"
#include "parquet/format.h"

static qv_status wrap(qv_type *type, int64_t n, qv_buffer *b1, qv_buffer *b2, qv_array **out, qv_error *err) {
  qv_buffer *bufs[3] = {NULL, b1, b2};
  return qv_array_new(type, n, 0, 0, b2 ? 3 : 2, bufs, 0, NULL, NULL, out, err);
}

/* Big-endian two's complement bytes -> little-endian words of `words`
 * 64-bit words, sign-extended. */
static bool be_to_decimal(const uint8_t *src, int32_t len, uint8_t *dst, int32_t out_bytes) {
  if (len > out_bytes) return false;
  uint8_t fill = (len > 0 && (src[0] & 0x80)) ? 0xff : 0x00;
  memset(dst, fill, (size_t)out_bytes);
  for (int32_t i = 0; i < len; i++) dst[i] = src[len - 1 - i];
  return true;
}

static qv_status to_decimal(const qv__pq_values *v, qv_type *type, qv_array **out, qv_error *err) {
  int32_t ob = type->bit_width / 8;
  int64_t n = v->count, bytes;
  if (qv__mul_overflow_i64(n, ob, &bytes)) return qv_error_set(err, QV_ERR_OVERFLOW, "Parquet: decimal column too large");
  qv_buffer *b = NULL;
  QV_RETURN_IF_ERROR(qv_buffer_allocate(NULL, bytes, false, &b, err));
  uint8_t *d = b->data;
  for (int64_t i = 0; i < n; i++) {
    uint8_t *slot = d + i * ob;
    if (v->physical == QV__PQ_INT32 || v->physical == QV__PQ_INT64) {
      int64_t x;
      if (v->physical == QV__PQ_INT32) {
        int32_t y;
        memcpy(&y, v->data->data + 4 * i, 4);
        x = y;
      } else {
        memcpy(&x, v->data->data + 8 * i, 8);
      }
      memset(slot, x < 0 ? 0xff : 0, (size_t)ob);
      memcpy(slot, &x, 8);
    } else {
      const uint8_t *s;
      int32_t len;
      if (v->physical == QV__PQ_BYTE_ARRAY) {
        s = qv__pq_values_bytes(v, i, &len);
      } else {
        len = v->width;
        s = v->data->data + (int64_t)len * i;
      }
      if (!be_to_decimal(s, len, slot, ob)) {
        qv_buffer_release(b);
        return qv_error_set(err, QV_ERR_INVALID_DATA, "Parquet: decimal value %lld has %d bytes, more than %d",
                            (long long)i, (int)len, (int)ob);
      }
    }
  }
  qv_status st = wrap(type, n, b, NULL, out, err);
  qv_buffer_release(b);
  return st;
}

static qv_status narrow_int(const qv__pq_values *v, qv_type *type, qv_array **out, qv_error *err) {
  int32_t w = type->bit_width / 8;
  int64_t n = v->count;
  qv_buffer *b = NULL;
  QV_RETURN_IF_ERROR(qv_buffer_allocate(NULL, n * w, false, &b, err));
  const int32_t *src = (const int32_t *)(const void *)v->data->data;
  if (w == 1) {
    for (int64_t i = 0; i < n; i++) b->data[i] = (uint8_t)src[i];
  } else {
    uint16_t *d = (uint16_t *)(void *)b->data;
    for (int64_t i = 0; i < n; i++) d[i] = (uint16_t)src[i];
  }
  qv_status st = wrap(type, n, b, NULL, out, err);
  qv_buffer_release(b);
  return st;
}

/* The values as a buffer of exactly len bytes. A chunk's buffer was
 * reserved from the footer's sizes and may end far past its values
 * (strings, growth by doubling); zeroing that tail, as setting an owned
 * buffer's size does, would touch megabytes of fresh pages that nothing
 * reads. So past 64 KiB of tail the array gets a view of [0, len) of the
 * reader's private buffer instead, and the tail is reachable by no one. */
static qv_status exact_values(qv_buffer *b, int64_t len, qv_buffer **out, qv_error *err) {
  if (b->kind_ != QV__BUFFER_OWNED || b->capacity - len <= ((int64_t)64 << 10)) {
    qv_buffer_set_size(b, len);
    *out = qv_buffer_retain(b);
    return QV_OK;
  }
  memset(b->data + len, 0, 64); /* what 16-byte moves may have written past the end, and Arrow's padding */
  b->size = len;
  return qv_buffer_view(b, 0, len, out, err);
}

qv_status qv__pq_dense_array(const qv__pq_values *v, const qv__pq_schema_element *e, qv_type *type, qv_array **out,
                             qv_error *err) {
  const qv_type *st = qv_type_storage(type);
  int64_t n = v->count;
  qv_buffer *data = NULL;
  QV_RETURN_IF_ERROR(exact_values(v->data, v->data_len, &data, err));
  qv_status s = QV_OK;
  switch (st->id) {
    case QV_TYPE_NULL: s = qv_array_new_null(type, n, out, err); goto done;
    case QV_TYPE_DECIMAL128:
    case QV_TYPE_DECIMAL256: s = to_decimal(v, type, out, err); goto done;
    case QV_TYPE_INT8:
    case QV_TYPE_UINT8:
    case QV_TYPE_INT16:
    case QV_TYPE_UINT16:
      if (v->physical == QV__PQ_INT32) {
        s = narrow_int(v, type, out, err);
        goto done;
      }
      break;
    case QV_TYPE_BINARY:
    case QV_TYPE_STRING:
      if (v->physical == QV__PQ_BYTE_ARRAY) {
        if (n == 0) ((int32_t *)(void *)v->offsets->data)[0] = 0;
        qv_buffer_set_size(v->offsets, (n + 1) * 4);
        s = wrap(type, n, v->offsets, data, out, err);
        goto done;
      }
      break;
    default: break;
  }
  /* the decoded bytes are the Arrow layout: check the width agrees */
  int32_t want = st->bit_width;
  int32_t have = v->physical == QV__PQ_BOOLEAN ? 1 : v->width * 8;
  if (want == 0 || want != have)
    s = qv_error_set(err, QV_ERR_NOT_IMPLEMENTED, "Parquet: column '%s' of physical type %d cannot be read as %s",
                     e->name, (int)v->physical, qv_type_id_name(st->id));
  else
    s = wrap(type, n, data, NULL, out, err);
done:
  qv_buffer_release(data);
  return s;
}
