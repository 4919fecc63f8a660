/* quiver Parquet writer: value and level encodings.
 *
 *   - The RLE/bit-packed hybrid (Encodings.md), for levels and dictionary
 *     indices: runs of 8 or more equal values become RLE runs (a varint
 *     header count << 1 and the value in ceil(bit_width / 8) bytes); the
 *     rest is bit-packed in groups of 8 (header groups << 1 | 1, at most 63
 *     groups per header, values packed least significant bit first). A
 *     bit-packed section must hold whole groups unless it ends the data, so
 *     before a run starts the pending literals are topped up to a multiple
 *     of 8 with values taken from the run.
 *   - PLAIN: little-endian fixed-width values, booleans one bit each,
 *     byte arrays as a 4-byte length and the bytes.
 *   - The dictionary of a column chunk: an open-addressing hash table of
 *     entry numbers (entry + 1, 0 = empty), each entry's hash kept so the
 *     table grows without rehashing values; entries in first-seen order.
 */
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "core/unaligned.h"
#include "parquet/write_internal.h"

int qv__pqw_bit_width(uint64_t max_value) {
  int w = 0;
  while (max_value) {
    w++;
    max_value >>= 1;
  }
  return w;
}

/* Bit-packs groups of 8 values (n a multiple of 8, or the tail padded with
 * zeros) behind literal headers of at most 63 groups. */
#define DEFINE_RLE(NAME, T)                                                                    \
  static void literals_##NAME(qv__pq_buf *out, const T *v, int64_t n, int bw) {                \
    while (n > 0) {                                                                            \
      int64_t groups = (n + 7) / 8;                                                            \
      if (groups > 63) groups = 63;                                                            \
      int64_t take = groups * 8 < n ? groups * 8 : n;                                          \
      qv__tw_varint(out, (uint64_t)(groups << 1) | 1u);                                        \
      if (!qv__pq_buf_reserve(out, (size_t)(groups * bw) + 8)) return;                         \
      uint8_t *p = out->data + out->len;                                                       \
      uint64_t acc = 0;                                                                        \
      int bits = 0;                                                                            \
      for (int64_t k = 0; k < groups * 8; k++) {                                               \
        uint64_t x = k < take ? (uint64_t)(uint32_t)v[k] : 0;                                  \
        acc |= x << bits;                                                                      \
        bits += bw;                                                                            \
        while (bits >= 8) {                                                                    \
          *p++ = (uint8_t)acc;                                                                 \
          acc >>= 8;                                                                           \
          bits -= 8;                                                                           \
        }                                                                                      \
      }                                                                                        \
      out->len += (size_t)(groups * bw);                                                       \
      v += take;                                                                               \
      n -= take;                                                                               \
    }                                                                                          \
  }                                                                                            \
  void qv__pq_rle_encode_##NAME(qv__pq_buf *out, const T *v, int64_t n, int bw) {              \
    const int vbytes = (bw + 7) / 8;                                                           \
    int64_t lit = 0, i = 0;                                                                    \
    while (i < n) {                                                                            \
      int64_t j = i + 1;                                                                       \
      while (j < n && v[j] == v[i]) j++;                                                       \
      int64_t run = j - i;                                                                     \
      if (run >= 8) {                                                                          \
        int64_t pad = (8 - (i - lit) % 8) % 8;                                                 \
        if (run - pad >= 8) {                                                                  \
          literals_##NAME(out, v + lit, i + pad - lit, bw);                                    \
          qv__tw_varint(out, (uint64_t)(run - pad) << 1);                                      \
          uint32_t x = (uint32_t)v[i];                                                         \
          for (int b = 0; b < vbytes; b++) qv__pq_buf_byte(out, (uint8_t)(x >> (8 * b)));      \
          lit = j;                                                                             \
        }                                                                                      \
      }                                                                                        \
      i = j;                                                                                   \
    }                                                                                          \
    literals_##NAME(out, v + lit, n - lit, bw);                                                \
  }
DEFINE_RLE(u32, uint32_t)
DEFINE_RLE(i16, int16_t)
#undef DEFINE_RLE

void qv__pq_plain_encode(qv__pq_buf *out, const qv__pq_leaf *leaf, const qv__pqw_values *v, int64_t from, int64_t n) {
  if (n <= 0) return;
  if (leaf->physical == QV__PQ_BYTE_ARRAY) {
    int64_t total = 0;
    for (int64_t k = from; k < from + n; k++) total += 4 + v->bytes[k].len;
    if (!qv__pq_buf_reserve(out, (size_t)total)) return;
    uint8_t *p = out->data + out->len;
    for (int64_t k = from; k < from + n; k++) {
      uint32_t len = (uint32_t)v->bytes[k].len;
      p[0] = (uint8_t)len;
      p[1] = (uint8_t)(len >> 8);
      p[2] = (uint8_t)(len >> 16);
      p[3] = (uint8_t)(len >> 24);
      if (len) memcpy(p + 4, v->bytes[k].ptr, len);
      p += 4 + len;
    }
    out->len += (size_t)total;
    return;
  }
  const uint8_t *src = qv__pq_values_fixed(v);
  if (leaf->physical == QV__PQ_BOOLEAN) {
    size_t bytes = (size_t)((n + 7) / 8);
    if (!qv__pq_buf_reserve(out, bytes)) return;
    uint8_t *p = out->data + out->len;
    memset(p, 0, bytes);
    for (int64_t k = 0; k < n; k++) p[k >> 3] |= (uint8_t)((src[from + k] & 1) << (k & 7));
    out->len += bytes;
    return;
  }
  qv__pq_buf_append(out, src + from * leaf->width, (size_t)(n * leaf->width));
}

/* ---- dictionary ---- */

static inline uint64_t mix64(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}


/* The last 1..7 bytes as one word: two overlapping 4-byte loads, or three
 * single bytes below 4 (fixed-size loads, no memcpy call per value). */
static inline uint64_t tail_word(const uint8_t *p, int64_t n) {
  if (n >= 4) return (uint64_t)qv__load_uint(p, 4, 0) << 32 | qv__load_uint(p + n - 4, 4, 0);
  return (uint64_t)p[0] << 16 | (uint64_t)p[n >> 1] << 8 | p[n - 1];
}

static uint64_t hash_bytes(const uint8_t *p, int64_t n) {
  uint64_t h = 0x9E3779B97F4A7C15ULL ^ (uint64_t)n;
  int64_t k = 0;
  for (; k + 8 <= n; k += 8) h = (h ^ mix64(qv__load_uint(p + k, 8, 0))) * 0x100000001b3ULL;
  if (k < n) h ^= tail_word(p + k, n - k);
  return mix64(h);
}

/* Equality of two byte strings of length n, short ones without a call. */
static inline bool same_bytes(const uint8_t *a, const uint8_t *b, int64_t n) {
  if (n > 16) return memcmp(a, b, (size_t)n) == 0;
  if (n >= 8) return qv__load_uint(a, 8, 0) == qv__load_uint(b, 8, 0) &&
           qv__load_uint(a + n - 8, 8, 0) == qv__load_uint(b + n - 8, 8, 0);
  if (n >= 4) return qv__load_uint(a, 4, 0) == qv__load_uint(b, 4, 0) &&
           qv__load_uint(a + n - 4, 4, 0) == qv__load_uint(b + n - 4, 4, 0);
  for (int64_t i = 0; i < n; i++)
    if (a[i] != b[i]) return false;
  return true;
}

qv_status qv__pq_dict_init(qv__pq_dict *d, int32_t width, qv_error *err) {
  memset(d, 0, sizeof *d);
  d->width = width;
  d->mask = 1023;
  d->table = calloc(1024, sizeof *d->table);
  QV_CHECK_ALLOC(d->table, err);
  return QV_OK;
}

qv_status qv__pq_dict_reset(qv__pq_dict *d, int32_t width, qv_error *err) {
  if (d->table == NULL) return qv__pq_dict_init(d, width, err);
  /* The table keeps the size an earlier chunk grew it to: clearing it costs
   * less than faulting fresh memory in again for every chunk. */
  memset(d->table, 0, (size_t)(d->mask + 1) * sizeof *d->table);
  d->width = width;
  d->n = 0;
  d->plain_size = 0;
  d->fixed.len = 0;
  d->hashes.len = 0;
  return QV_OK;
}

void qv__pq_dict_free(qv__pq_dict *d) {
  free(d->table);
  qv__pq_buf_free(&d->fixed);
  free(d->bytes);
  qv__pq_buf_free((&d->hashes));
  memset(d, 0, sizeof *d);
}

static const uint64_t *dict_hashes(const qv__pq_dict *d) { return (const uint64_t *)(const void *)d->hashes.data; }

static bool dict_grow(qv__pq_dict *d) {
  uint64_t cap = (d->mask + 1) * 2;
  uint32_t *t = calloc((size_t)cap, sizeof *t);
  if (t == NULL) return false;
  const uint64_t *h = dict_hashes(d);
  for (uint32_t e = 0; e < d->n; e++) {
    uint64_t s = h[e] & (cap - 1);
    while (t[s]) s = (s + 1) & (cap - 1);
    t[s] = e + 1;
  }
  free(d->table);
  d->table = t;
  d->mask = cap - 1;
  return true;
}

static inline bool dict_add(qv__pq_dict *d, uint64_t slot, uint64_t h, const uint8_t *p, int64_t len) {
  if (d->width > 0) {
    qv__pq_buf_append(&d->fixed, p, (size_t)d->width);
    d->plain_size += d->width;
  } else {
    if (d->n == d->cap_bytes) {
      uint32_t cap = d->cap_bytes ? d->cap_bytes * 2 : 256;
      qv__pq_bytes *b = realloc(d->bytes, (size_t)cap * sizeof *b);
      if (b == NULL) return false;
      d->bytes = b;
      d->cap_bytes = cap;
    }
    d->bytes[d->n] = (qv__pq_bytes){p, len};
    d->plain_size += 4 + len;
  }
  qv__pq_buf_append((&d->hashes), &h, sizeof h);
  if (d->fixed.oom || (&d->hashes)->oom) return false;
  d->table[slot] = ++d->n;
  return true;
}

qv_status qv__pq_dict_put(qv__pq_dict *d, const qv__pqw_values *v, int64_t from, int64_t n, uint32_t *idx,
                          qv_error *err) {
  const int32_t w = d->width;
  const uint8_t *fixed = w > 0 ? qv__pq_values_fixed(v) : NULL;
  for (int64_t k = 0; k < n; k++) {
    if ((uint64_t)d->n * 2 >= d->mask + 1 && !dict_grow(d))
      return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory growing a Parquet dictionary");
    const uint8_t *p;
    int64_t len;
    uint64_t h;
    if (w > 0) {
      p = fixed + (from + k) * w;
      len = w;
      if (w == 8) {
        uint64_t x;
        memcpy(&x, p, 8);
        h = mix64(x);
      } else if (w == 4) {
        uint32_t x;
        memcpy(&x, p, 4);
        h = mix64(x);
      } else {
        h = hash_bytes(p, w);
      }
    } else {
      p = v->bytes[from + k].ptr;
      len = v->bytes[from + k].len;
      h = hash_bytes(p, len);
    }
    uint64_t s = h & d->mask;
    const uint64_t *hashes = dict_hashes(d);
    for (;;) {
      uint32_t e = d->table[s];
      if (e == 0) {
        if (!dict_add(d, s, h, p, len))
          return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory growing a Parquet dictionary");
        idx[k] = d->n - 1;
        break;
      }
      if (hashes[e - 1] == h) {
        bool eq = w > 0 ? same_bytes(d->fixed.data + (size_t)(e - 1) * (size_t)w, p, w)
                        : d->bytes[e - 1].len == len && same_bytes(d->bytes[e - 1].ptr, p, len);
        if (eq) {
          idx[k] = e - 1;
          break;
        }
      }
      s = (s + 1) & d->mask;
    }
  }
  return QV_OK;
}

void qv__pq_dict_plain(const qv__pq_dict *d, qv__pq_buf *out) {
  if (d->width > 0) {
    qv__pq_buf_append(out, d->fixed.data, (size_t)d->n * (size_t)d->width);
    return;
  }
  for (uint32_t e = 0; e < d->n; e++) {
    qv__pq_buf_u32le(out, (uint32_t)d->bytes[e].len);
    qv__pq_buf_append(out, d->bytes[e].ptr, (size_t)d->bytes[e].len);
  }
}
