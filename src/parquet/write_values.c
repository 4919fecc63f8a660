/* quiver Parquet writer: leaf values in their Parquet physical form.
 *
 * The slots the shredder recorded are read from the leaf array and turned
 * into what a page stores: fixed-width little-endian values (int8/int16
 * widened to int32, date64 to int32 days, seconds scaled to milliseconds,
 * decimals to big-endian bytes of the schema's length, booleans to one
 * byte each) or, for BYTE_ARRAY, pointers into the Arrow data buffers.
 * A single null-free piece whose bytes already are the Parquet form is not
 * copied at all (`borrowed`).
 *
 * Safety: binary offsets and views are checked against their data buffer
 * before any pointer is formed, so hostile arrays give an error naming the
 * column and row.
 */
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "parquet/write_internal.h"

void qv__pq_values_reset(qv__pqw_values *v) {
  v->n = 0;
  v->fixed.len = 0;
  v->fixed.oom = false;
  v->borrowed = NULL;
}

void qv__pqw_values_free(qv__pqw_values *v) {
  qv__pq_buf_free(&v->fixed);
  free(v->bytes);
  memset(v, 0, sizeof *v);
}

typedef struct gather_ctx {
  const qv__pq_leaf *leaf;
  const qv_array *a;
  int64_t row_base;
  bool flat;
  qv_error *err;
} gather_ctx;

static qv_status bad_slot(const gather_ctx *c, int64_t slot, const char *what) {
  if (c->flat)
    return qv_error_set(c->err, QV_ERR_INVALID_DATA, "column '%s' row %lld: %s", c->leaf->dotted,
                        (long long)(c->row_base + slot), what);
  return qv_error_set(c->err, QV_ERR_INVALID_DATA, "column '%s' (a row from %lld on), value slot %lld: %s",
                      c->leaf->dotted, (long long)c->row_base, (long long)slot, what);
}

static inline int64_t slot_at(const int64_t *slots, int64_t k) { return slots ? slots[k] : k; }

static qv_status gather_bytes(const gather_ctx *c, const int64_t *slots, int64_t n, qv__pqw_values *v) {
  const qv_array *a = c->a;
  int64_t need = v->n + n;
  if (need > v->cap_bytes) {
    int64_t cap = v->cap_bytes ? v->cap_bytes : 1024;
    while (cap < need) cap *= 2;
    qv__pq_bytes *p = realloc(v->bytes, (size_t)cap * sizeof *p);
    if (p == NULL) return qv_error_set(c->err, QV_ERR_NO_MEMORY, "out of memory gathering column '%s'", c->leaf->dotted);
    v->bytes = p;
    v->cap_bytes = cap;
  }
  qv__pq_bytes *out = v->bytes + v->n;
  const qv_type *t = qv_type_storage(a->type);
  const uint8_t *data = qv__array_buffer_or_empty(a, 2);
  switch (c->leaf->conv) {
    case QV__CONV_BINARY32: {
      const int64_t size = a->buffers[2] ? a->buffers[2]->size : 0;
      const int32_t *off = (const int32_t *)(const void *)qv__array_buffer_or_empty(a, 1) + a->offset;
      if (qv_array_buffer_data(a, 1) == NULL && n > 0) return bad_slot(c, slot_at(slots, 0), "offsets buffer is absent");
      for (int64_t k = 0; k < n; k++) {
        int64_t s = slot_at(slots, k);
        int64_t b = off[s], e = off[s + 1];
        if (b < 0 || e < b || e > size) return bad_slot(c, s, "string offsets go backwards or past the data buffer");
        out[k].ptr = data + b;
        out[k].len = e - b;
      }
      break;
    }
    case QV__CONV_BINARY64: {
      const int64_t size = a->buffers[2] ? a->buffers[2]->size : 0;
      const int64_t *off = (const int64_t *)(const void *)qv__array_buffer_or_empty(a, 1) + a->offset;
      if (qv_array_buffer_data(a, 1) == NULL && n > 0) return bad_slot(c, slot_at(slots, 0), "offsets buffer is absent");
      for (int64_t k = 0; k < n; k++) {
        int64_t s = slot_at(slots, k);
        int64_t b = off[s], e = off[s + 1];
        if (b < 0 || e < b || e > size) return bad_slot(c, s, "string offsets go backwards or past the data buffer");
        out[k].ptr = data + b;
        out[k].len = e - b;
      }
      break;
    }
    case QV__CONV_VIEW: {
      const qv_view *views = (const qv_view *)(const void *)qv__array_buffer_or_empty(a, 1) + a->offset;
      const int32_t n_data = a->n_buffers - 2;
      for (int64_t k = 0; k < n; k++) {
        int64_t s = slot_at(slots, k);
        const qv_view *w = &views[s];
        int32_t len = w->inlined.size;
        if (len < 0) return bad_slot(c, s, "view has a negative length");
        if (len <= QV_VIEW_INLINE_MAX) {
          out[k].ptr = w->inlined.data;
          out[k].len = len;
          continue;
        }
        int32_t bi = w->ref.buffer_index, bo = w->ref.offset;
        if (bi < 0 || bi >= n_data || a->buffers[2 + bi] == NULL || bo < 0 ||
            (int64_t)bo + len > a->buffers[2 + bi]->size)
          return bad_slot(c, s, "view points outside its data buffers");
        out[k].ptr = a->buffers[2 + bi]->data + bo;
        out[k].len = len;
      }
      break;
    }
    default:
      return qv_error_set(c->err, QV_ERR_INVALID_ARGUMENT, "column '%s': %s values for a BYTE_ARRAY column",
                          c->leaf->dotted, qv_type_id_name(t->id));
  }
  v->n += n;
  return QV_OK;
}

/* Typed copy loops: one per conversion, no per-value switch. */
#define GATHER_LOOP(SRC_T, DST_T, EXPR)                                   \
  do {                                                                    \
    const SRC_T *src = (const SRC_T *)(const void *)qv__array_buffer_or_empty(a, 1) + a->offset; \
    DST_T *dst = (DST_T *)(void *)out;                                    \
    if (slots == NULL) {                                                  \
      for (int64_t k = 0; k < n; k++) {                                   \
        SRC_T x = src[k];                                                 \
        dst[k] = (EXPR);                                                  \
      }                                                                   \
    } else {                                                              \
      for (int64_t k = 0; k < n; k++) {                                   \
        SRC_T x = src[slots[k]];                                          \
        dst[k] = (EXPR);                                                  \
      }                                                                   \
    }                                                                     \
  } while (0)

static int32_t floor_days(int64_t ms) {
  int64_t d = ms / 86400000;
  if (ms % 86400000 < 0) d--;
  return (int32_t)(uint32_t)(uint64_t)d;
}

qv_status qv__pq_values_gather(const qv__pq_leaf *leaf, const qv_array *a, const int64_t *slots, int64_t n,
                               int64_t row_base, bool single_piece, qv__pqw_values *v, qv_error *err) {
  gather_ctx c = {leaf, a, row_base, leaf->n_steps == 1, err};
  if (n == 0 || leaf->conv == QV__CONV_NULL) return QV_OK;
  if (leaf->physical == QV__PQ_BYTE_ARRAY) return gather_bytes(&c, slots, n, v);
  const int32_t w = leaf->width;
  /* A null-free single piece already in Parquet form is used in place. */
  if (leaf->conv == QV__CONV_COPY && slots == NULL && single_piece && v->n == 0 &&
      leaf->physical != QV__PQ_FIXED_LEN_BYTE_ARRAY && qv_array_buffer_data(a, 1) != NULL) {
    v->borrowed = a->buffers[1]->data + a->offset * (int64_t)w;
    v->n = n;
    return QV_OK;
  }
  if (v->borrowed != NULL) { /* a second piece: copy the first one over */
    const uint8_t *first = v->borrowed;
    v->borrowed = NULL;
    v->fixed.len = 0;
    qv__pq_buf_append(&v->fixed, first, (size_t)(v->n * w));
  }
  int64_t bytes;
  if (qv__mul_overflow_i64(n, w, &bytes) || !qv__pq_buf_reserve(&v->fixed, (size_t)bytes))
    return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory gathering column '%s'", leaf->dotted);
  uint8_t *out = v->fixed.data + v->fixed.len;
  switch (leaf->conv) {
    case QV__CONV_BOOL: {
      const uint8_t *bits = qv__array_buffer_or_empty(a, 1);
      for (int64_t k = 0; k < n; k++) out[k] = qv_bit_get(bits, a->offset + slot_at(slots, k)) ? 1 : 0;
      break;
    }
    case QV__CONV_COPY:
      if (w == 4) GATHER_LOOP(uint32_t, uint32_t, x);
      else if (w == 8) GATHER_LOOP(uint64_t, uint64_t, x);
      else if (w == 2) GATHER_LOOP(uint16_t, uint16_t, x);
      else {
        const uint8_t *src = qv__array_buffer_or_empty(a, 1) + a->offset * (int64_t)w;
        for (int64_t k = 0; k < n; k++) memcpy(out + k * w, src + slot_at(slots, k) * w, (size_t)w);
      }
      break;
    case QV__CONV_SEXT8: GATHER_LOOP(int8_t, int32_t, (int32_t)x); break;
    case QV__CONV_SEXT16: GATHER_LOOP(int16_t, int32_t, (int32_t)x); break;
    case QV__CONV_ZEXT8: GATHER_LOOP(uint8_t, int32_t, (int32_t)x); break;
    case QV__CONV_ZEXT16: GATHER_LOOP(uint16_t, int32_t, (int32_t)x); break;
    case QV__CONV_DATE64: GATHER_LOOP(int64_t, int32_t, floor_days(x)); break;
    case QV__CONV_SCALE32: GATHER_LOOP(int32_t, int32_t, (int32_t)(uint32_t)((uint64_t)(int64_t)x * 1000u)); break;
    case QV__CONV_SCALE64: {
      const int64_t *src = (const int64_t *)(const void *)qv__array_buffer_or_empty(a, 1) + a->offset;
      int64_t *dst = (int64_t *)(void *)out;
      for (int64_t k = 0; k < n; k++) {
        int64_t s = slot_at(slots, k);
        if (qv__mul_overflow_i64(src[s], leaf->scale, &dst[k]))
          return bad_slot(&c, s, "timestamp in seconds overflows int64 as milliseconds");
      }
      break;
    }
    case QV__CONV_DECIMAL: {
      const int32_t sw = leaf->src_width;
      const uint8_t *src = qv__array_buffer_or_empty(a, 1) + a->offset * (int64_t)sw;
      for (int64_t k = 0; k < n; k++) {
        const uint8_t *x = src + slot_at(slots, k) * sw;
        uint8_t sign = (x[sw - 1] & 0x80) ? 0xFF : 0x00;
        uint8_t *d = out + k * w;
        /* big-endian: byte j of the output is little-endian byte w-1-j */
        for (int32_t j = 0; j < w; j++) {
          int32_t le = w - 1 - j;
          d[j] = le < sw ? x[le] : sign;
        }
      }
      break;
    }
    case QV__CONV_DECIMAL_INT: {
      /* The value fits its precision, so its low bytes are the whole value
       * (little-endian on both sides); a value out of its precision is cut. */
      const int32_t sw = leaf->src_width;
      const uint8_t *src = qv__array_buffer_or_empty(a, 1) + a->offset * (int64_t)sw;
      for (int64_t k = 0; k < n; k++) {
        const uint8_t *x = src + slot_at(slots, k) * sw;
        uint8_t sign = (x[sw - 1] & 0x80) ? 0xFF : 0x00;
        for (int32_t j = 0; j < w; j++) out[k * w + j] = j < sw ? x[j] : sign;
      }
      break;
    }
    default:
      return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "column '%s': no fixed-width conversion", leaf->dotted);
  }
  v->fixed.len += (size_t)bytes;
  v->n += n;
  return QV_OK;
}
