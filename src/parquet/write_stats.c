/* quiver Parquet writer: column chunk statistics.
 *
 * min_value / max_value follow the column's sort order (parquet.thrift's
 * ColumnOrder, TYPE_ORDER): signed or unsigned integers as the INTEGER
 * annotation says, floats by value with NaN left out (a zero minimum is
 * written as -0.0 and a zero maximum as +0.0, as the format asks), FLOAT16
 * by its value, decimals as signed big-endian integers, other byte strings
 * unsigned byte-wise. Byte strings longer than the truncation length are
 * shortened as the format allows: the minimum to a prefix (still a lower
 * bound), the maximum to a prefix whose last byte is incremented (still an
 * upper bound; for UTF-8 columns only an ASCII byte is incremented, so the
 * bound stays valid text), with is_*_exact false.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/half.h"
#include "core/internal.h"
#include "parquet/write_internal.h"

void qv__pq_stats_free(qv__pq_stats *st) {
  qv__pq_buf_free(&st->min);
  qv__pq_buf_free(&st->max);
  memset(st, 0, sizeof *st);
}

static int cmp_bytes(const uint8_t *a, int64_t na, const uint8_t *b, int64_t nb) {
  int64_t n = na < nb ? na : nb;
  if (n > 0 && a[0] != b[0]) return a[0] < b[0] ? -1 : 1; /* most pairs differ at once: no call */
  int c = n ? memcmp(a, b, (size_t)n) : 0;
  if (c) return c;
  return na < nb ? -1 : na > nb ? 1 : 0;
}

/* Signed big-endian two's complement of equal widths. */
static int cmp_decimal(const uint8_t *a, const uint8_t *b, int32_t w) {
  if (a[0] != b[0]) return (int8_t)a[0] < (int8_t)b[0] ? -1 : 1;
  int c = memcmp(a + 1, b + 1, (size_t)(w - 1));
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

#define MINMAX_INT(T)                                                 \
  do {                                                                \
    const T *x = (const T *)(const void *)src;                        \
    T lo = x[0], hi = x[0];                                           \
    for (int64_t k = 1; k < n; k++) {                                 \
      if (x[k] < lo) lo = x[k];                                       \
      if (x[k] > hi) hi = x[k];                                       \
    }                                                                 \
    qv__pq_buf_append(&st->min, &lo, sizeof lo);                      \
    qv__pq_buf_append(&st->max, &hi, sizeof hi);                      \
    st->has_minmax = true;                                            \
  } while (0)

#define MINMAX_FLOAT(T)                                               \
  do {                                                                \
    const T *x = (const T *)(const void *)src;                        \
    bool any = false;                                                 \
    T lo = 0, hi = 0;                                                 \
    for (int64_t k = 0; k < n; k++) {                                 \
      T y = x[k];                                                     \
      if (isnan(y)) continue;                                         \
      if (!any) {                                                     \
        lo = hi = y;                                                  \
        any = true;                                                   \
      }                                                               \
      if (y < lo) lo = y;                                             \
      if (y > hi) hi = y;                                             \
    }                                                                 \
    if (any) {                                                        \
      if (lo == 0) lo = -(T)0.0;                                      \
      if (hi == 0) hi = (T)0.0;                                       \
      qv__pq_buf_append(&st->min, &lo, sizeof lo);                    \
      qv__pq_buf_append(&st->max, &hi, sizeof hi);                    \
      st->has_minmax = true;                                          \
    }                                                                 \
  } while (0)

static void minmax_half(const uint8_t *src, int64_t n, qv__pq_stats *st) {
  bool any = false;
  float lo = 0, hi = 0;
  uint16_t lo_bits = 0, hi_bits = 0;
  for (int64_t k = 0; k < n; k++) {
    uint16_t h = (uint16_t)(src[2 * k] | (src[2 * k + 1] << 8));
    float y = qv__half_to_float(h);
    if (isnan(y)) continue;
    if (!any || y < lo) {
      lo = y;
      lo_bits = h;
    }
    if (!any || y > hi) {
      hi = y;
      hi_bits = h;
    }
    any = true;
  }
  if (!any) return;
  if (lo == 0) lo_bits = 0x8000;
  if (hi == 0) hi_bits = 0x0000;
  uint8_t lb[2] = {(uint8_t)lo_bits, (uint8_t)(lo_bits >> 8)}, hb[2] = {(uint8_t)hi_bits, (uint8_t)(hi_bits >> 8)};
  qv__pq_buf_append(&st->min, lb, 2);
  qv__pq_buf_append(&st->max, hb, 2);
  st->has_minmax = true;
}

/* The upper bound of a prefix of `len` bytes of `p`: the prefix with its last
 * incrementable byte incremented; false when none is. */
static bool upper_bound(const uint8_t *p, int64_t len, bool utf8, qv__pq_buf *out) {
  int64_t n = len;
  while (n > 0) {
    uint8_t b = p[n - 1];
    bool ok = utf8 ? b < 0x7F : b < 0xFF;
    if (ok) {
      /* for UTF-8 the raised byte is ASCII, so the prefix before it ends on a character boundary */
      qv__pq_buf_append(out, p, (size_t)(n - 1));
      qv__pq_buf_byte(out, (uint8_t)(b + 1));
      return true;
    }
    n--;
  }
  return false;
}

/* Longest prefix of at most `limit` bytes ending on a UTF-8 boundary. */
static int64_t utf8_prefix(const uint8_t *p, int64_t len, int64_t limit) {
  if (len <= limit) return len;
  int64_t n = limit;
  while (n > 0 && (p[n] & 0xC0) == 0x80) n--;
  return n;
}

/* The first 8 bytes of a string as a big-endian number (zero-padded): two
 * strings whose keys differ compare as their keys do; equal keys need the
 * full comparison (one may be a prefix of the other). */
static inline uint64_t prefix_key(const uint8_t *p, int64_t n) {
  uint64_t k = 0;
  if (n >= 8) {
    memcpy(&k, p, 8);
    return __builtin_bswap64(k);
  }
  for (int64_t i = 0; i < n; i++) k |= (uint64_t)p[i] << (56 - 8 * i);
  return k;
}

static void minmax_bytes(const qv__pq_leaf *leaf, const qv__pq_bytes *b, int64_t n_values, int32_t truncate,
                         qv__pq_stats *st) {
  int64_t lo = 0, hi = 0;
  uint64_t lo_key = prefix_key(b[0].ptr, b[0].len), hi_key = lo_key;
  for (int64_t k = 1; k < n_values; k++) {
    const uint64_t key = prefix_key(b[k].ptr, b[k].len);
    /* lo <= hi: a value below the minimum cannot be above the maximum */
    if (key < lo_key || (key == lo_key && cmp_bytes(b[k].ptr, b[k].len, b[lo].ptr, b[lo].len) < 0)) {
      lo = k;
      lo_key = key;
    } else if (key > hi_key || (key == hi_key && cmp_bytes(b[k].ptr, b[k].len, b[hi].ptr, b[hi].len) > 0)) {
      hi = k;
      hi_key = key;
    }
  }
  const bool utf8 = leaf->utf8;
  st->has_minmax = true;
  st->min_exact = st->max_exact = true;
  if (truncate > 0 && b[lo].len > truncate) {
    int64_t n = utf8 ? utf8_prefix(b[lo].ptr, b[lo].len, truncate) : truncate;
    qv__pq_buf_append(&st->min, b[lo].ptr, (size_t)n);
    st->min_exact = false;
  } else {
    qv__pq_buf_append(&st->min, b[lo].ptr, (size_t)b[lo].len);
  }
  if (truncate > 0 && b[hi].len > truncate) {
    int64_t n = utf8 ? utf8_prefix(b[hi].ptr, b[hi].len, truncate) : truncate;
    if (upper_bound(b[hi].ptr, n, utf8, &st->max)) {
      st->max_exact = false;
      return;
    }
    st->max.len = 0;
  }
  qv__pq_buf_append(&st->max, b[hi].ptr, (size_t)b[hi].len);
}

qv_status qv__pq_stats_compute(const qv__pq_leaf *leaf, const qv__pqw_values *v, int32_t truncate, qv__pq_stats *st,
                               qv_error *err) {
  return qv__pqw_stats_range(leaf, v, 0, v->n, truncate, st, err);
}

qv_status qv__pqw_stats_range(const qv__pq_leaf *leaf, const qv__pqw_values *v, int64_t from, int64_t n,
                              int32_t truncate, qv__pq_stats *st, qv_error *err) {
  st->has_minmax = false;
  st->min.len = st->max.len = 0;
  st->min_exact = st->max_exact = true;
  if (n <= 0) return QV_OK;
  if (leaf->physical == QV__PQ_BYTE_ARRAY) {
    minmax_bytes(leaf, v->bytes + from, n, truncate, st);
  } else {
    const uint8_t *src = qv__pq_values_fixed(v) + from * leaf->width;
    switch (leaf->physical) {
      case QV__PQ_BOOLEAN: MINMAX_INT(uint8_t); break;
      case QV__PQ_INT32:
        if (leaf->sort_unsigned) MINMAX_INT(uint32_t);
        else MINMAX_INT(int32_t);
        break;
      case QV__PQ_INT64:
        if (leaf->sort_unsigned) MINMAX_INT(uint64_t);
        else MINMAX_INT(int64_t);
        break;
      case QV__PQ_FLOAT: MINMAX_FLOAT(float); break;
      case QV__PQ_DOUBLE: MINMAX_FLOAT(double); break;
      case QV__PQ_FIXED_LEN_BYTE_ARRAY: {
        const int32_t w = leaf->width;
        if (leaf->sort_float16) {
          minmax_half(src, n, st);
          break;
        }
        int64_t lo = 0, hi = 0;
        for (int64_t k = 1; k < n; k++) {
          const uint8_t *x = src + k * w;
          if (leaf->sort_decimal) {
            if (cmp_decimal(x, src + lo * w, w) < 0) lo = k;
            if (cmp_decimal(x, src + hi * w, w) > 0) hi = k;
          } else {
            if (memcmp(x, src + lo * w, (size_t)w) < 0) lo = k;
            if (memcmp(x, src + hi * w, (size_t)w) > 0) hi = k;
          }
        }
        qv__pq_buf_append(&st->min, src + lo * w, (size_t)w);
        qv__pq_buf_append(&st->max, src + hi * w, (size_t)w);
        st->has_minmax = true;
        break;
      }
      default: break;
    }
  }
  if (st->min.oom || st->max.oom)
    return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory computing statistics of column '%s'", leaf->dotted);
  return QV_OK;
}

static float half_value(const uint8_t *p) { return qv__half_to_float((uint16_t)(p[0] | (p[1] << 8))); }

#define CMP_AS(T)                 \
  do {                            \
    T x, y;                       \
    memcpy(&x, a, sizeof x);      \
    memcpy(&y, b, sizeof y);      \
    return x < y ? -1 : x > y;    \
  } while (0)

int qv__pqw_stats_compare(const qv__pq_leaf *leaf, const uint8_t *a, size_t na, const uint8_t *b, size_t nb) {
  switch (leaf->physical) {
    case QV__PQ_BOOLEAN: CMP_AS(uint8_t);
    case QV__PQ_INT32:
      if (leaf->sort_unsigned) CMP_AS(uint32_t);
      CMP_AS(int32_t);
    case QV__PQ_INT64:
      if (leaf->sort_unsigned) CMP_AS(uint64_t);
      CMP_AS(int64_t);
    case QV__PQ_FLOAT: CMP_AS(float);
    case QV__PQ_DOUBLE: CMP_AS(double);
    case QV__PQ_FIXED_LEN_BYTE_ARRAY:
      if (leaf->sort_float16) {
        float x = half_value(a), y = half_value(b);
        return x < y ? -1 : x > y;
      }
      if (leaf->sort_decimal) return cmp_decimal(a, b, leaf->width);
      return cmp_bytes(a, (int64_t)na, b, (int64_t)nb);
    default: return cmp_bytes(a, (int64_t)na, b, (int64_t)nb);
  }
}
