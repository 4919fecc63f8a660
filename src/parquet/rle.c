/* Parquet: the RLE / bit-packed hybrid encoding (levels, dictionary
 * indices, RLE booleans).
 *
 * Runs are read lazily. A bit-packed run's header announces groups of 8
 * values; when the page ends early (writers may drop the padding of the last
 * group), only the values whose bits are present are available and asking
 * for more is an error. Values are read with at most 8-byte loads that stay
 * inside the run's bytes. */
#include <string.h>

#include "core/internal.h"
#include "parquet/decode.h"

int32_t qv__pq_bit_width(uint32_t max) {
  int32_t w = 0;
  while (max != 0) {
    w++;
    max >>= 1;
  }
  return w;
}

void qv__pq_rle_init(qv__pq_rle *r, const uint8_t *data, size_t len, int32_t bit_width) {
  static const uint8_t empty[1] = {0};
  memset(r, 0, sizeof(*r));
  r->p = data != NULL ? data : empty;
  r->end = r->p + (data != NULL ? len : 0);
  r->bit_width = bit_width;
}

static bool read_uvarint(const uint8_t **p, const uint8_t *end, uint64_t *out) {
  uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (*p >= end) return false;
    uint8_t b = *(*p)++;
    v |= (uint64_t)(b & 0x7f) << shift;
    if ((b & 0x80) == 0) {
      *out = v;
      return true;
    }
  }
  return false;
}

static qv_status next_run(qv__pq_rle *r, qv_error *err) {
  uint64_t h = 0;
  if (r->p >= r->end)
    return qv_error_set(err, QV_ERR_INVALID_DATA, "Parquet RLE data ends before all values were read");
  if (!read_uvarint(&r->p, r->end, &h))
    return qv_error_set(err, QV_ERR_INVALID_DATA, "Parquet RLE data: truncated run header");
  int64_t bytes_per_value = (r->bit_width + 7) / 8;
  if (h & 1) {
    uint64_t groups = h >> 1;
    if (groups == 0 || groups > ((uint64_t)1 << 40))
      return qv_error_set(err, QV_ERR_INVALID_DATA, "Parquet RLE data: bit-packed run of %llu groups",
                          (unsigned long long)groups);
    int64_t avail_bytes = r->end - r->p;
    int64_t want_bytes = (int64_t)groups * r->bit_width;
    int64_t bytes = want_bytes < avail_bytes ? want_bytes : avail_bytes;
    r->literal = true;
    r->lit = r->p;
    r->lit_pos = 0;
    r->run_left = (int64_t)groups * 8;
    r->lit_avail = r->bit_width == 0 ? r->run_left : (bytes * 8) / r->bit_width;
    r->p += bytes;
  } else {
    uint64_t count = h >> 1;
    if (count == 0) return qv_error_set(err, QV_ERR_INVALID_DATA, "Parquet RLE data: a run of length 0");
    if (count > ((uint64_t)1 << 40)) return qv_error_set(err, QV_ERR_INVALID_DATA, "Parquet RLE data: run too long");
    if (r->end - r->p < bytes_per_value)
      return qv_error_set(err, QV_ERR_INVALID_DATA, "Parquet RLE data: truncated run value");
    uint32_t v = 0;
    for (int64_t i = 0; i < bytes_per_value; i++) v |= (uint32_t)r->p[i] << (8 * i);
    r->p += bytes_per_value;
    if (r->bit_width < 32 && (v >> r->bit_width) != 0)
      return qv_error_set(err, QV_ERR_INVALID_DATA, "Parquet RLE data: run value %u wider than %d bits", v,
                          (int)r->bit_width);
    r->literal = false;
    r->run_value = v;
    r->run_left = (int64_t)count;
  }
  return QV_OK;
}

bool qv__pq_rle_is_run_of(const uint8_t *data, size_t len, int32_t bit_width, uint32_t value, int64_t n) {
  if (n <= 0) return true;
  qv__pq_rle r;
  qv__pq_rle_init(&r, data, len, bit_width);
  if (next_run(&r, NULL) != QV_OK) return false;
  return !r.literal && r.run_value == value && r.run_left >= n;
}

static inline uint32_t unpack_one(const uint8_t *base, int64_t nbytes, int64_t idx, int32_t bw) {
  int64_t bit = idx * bw;
  int64_t byte = bit >> 3;
  int shift = (int)(bit & 7);
  uint64_t w = 0;
  if (byte + 8 <= nbytes) {
    memcpy(&w, base + byte, 8);
  } else {
    for (int64_t i = 0; i < 8 && byte + i < nbytes; i++) w |= (uint64_t)base[byte + i] << (8 * i);
  }
  return (uint32_t)((w >> shift) & (bw == 32 ? 0xffffffffu : ((1u << bw) - 1)));
}

#define QV__RLE_READ(NAME, T)                                                                          \
  qv_status NAME(qv__pq_rle *r, T *out, int64_t n, qv_error *err) {                                   \
    int64_t done = 0;                                                                                 \
    while (done < n) {                                                                                \
      if (r->run_left == 0) QV_RETURN_IF_ERROR(next_run(r, err));                                     \
      int64_t take = r->run_left < n - done ? r->run_left : n - done;                                 \
      if (!r->literal) {                                                                              \
        T v = (T)r->run_value;                                                                        \
        for (int64_t i = 0; i < take; i++) out[done + i] = v;                                         \
      } else {                                                                                        \
        if (r->lit_pos + take > r->lit_avail)                                                         \
          return qv_error_set(err, QV_ERR_INVALID_DATA, "Parquet RLE data: a bit-packed run is truncated"); \
        int32_t bw = r->bit_width;                                                                    \
        int64_t nbytes = (r->lit_avail * bw + 7) / 8;                                                 \
        if (bw == 0) {                                                                                \
          for (int64_t i = 0; i < take; i++) out[done + i] = 0;                                       \
        } else {                                                                                      \
          /* values whose 8-byte load stays inside the run: no bounds test each */                   \
          const int64_t fast_end = nbytes >= 8 ? ((nbytes - 8) * 8) / bw + 1 : 0;                     \
          const uint64_t mask = bw == 32 ? 0xffffffffu : ((1u << bw) - 1);                            \
          int64_t fast = fast_end - r->lit_pos;                                                       \
          fast = fast < 0 ? 0 : fast > take ? take : fast;                                            \
          int64_t i = 0;                                                                              \
          for (; i < fast; i++) {                                                                     \
            int64_t bit = (r->lit_pos + i) * bw;                                                      \
            uint64_t w;                                                                               \
            memcpy(&w, r->lit + (bit >> 3), 8);                                                       \
            out[done + i] = (T)((w >> (bit & 7)) & mask);                                             \
          }                                                                                           \
          for (; i < take; i++) out[done + i] = (T)unpack_one(r->lit, nbytes, r->lit_pos + i, bw);    \
        }                                                                                             \
        r->lit_pos += take;                                                                           \
      }                                                                                               \
      r->run_left -= take;                                                                            \
      done += take;                                                                                   \
    }                                                                                                 \
    return QV_OK;                                                                                     \
  }

QV__RLE_READ(qv__pq_rle_read_u32, uint32_t)
QV__RLE_READ(qv__pq_rle_read_i16, int16_t)
