/* quiver: validity and boolean bitmaps (LSB bit numbering, as Arrow). */
#ifndef QUIVER_BITMAP_H
#define QUIVER_BITMAP_H

#include <stdbool.h>
#include <stdint.h>

#include "quiver/status.h"

#ifdef __cplusplus
extern "C" {
#endif

static inline bool qv_bit_get(const uint8_t *bits, int64_t i) {
  return (bits[i >> 3] >> (i & 7)) & 1;
}
static inline void qv_bit_set(uint8_t *bits, int64_t i) { bits[i >> 3] |= (uint8_t)(1u << (i & 7)); }
static inline void qv_bit_clear(uint8_t *bits, int64_t i) { bits[i >> 3] &= (uint8_t)~(1u << (i & 7)); }
static inline void qv_bit_set_to(uint8_t *bits, int64_t i, bool v) {
  bits[i >> 3] = (uint8_t)((bits[i >> 3] & ~(1u << (i & 7))) | ((unsigned)v << (i & 7)));
}
/* Bytes holding n_bits bits; written without n_bits + 7 so that lengths
 * near INT64_MAX do not overflow. */
static inline int64_t qv_bitmap_bytes(int64_t n_bits) { return n_bits / 8 + (n_bits % 8 > 0); }

/* Number of set bits in bits[offset, offset+length). */
QV_API int64_t qv_bitmap_count_set(const uint8_t *bits, int64_t offset, int64_t length);

/* Sets bits [offset, offset+length) of dst to `value`. */
QV_API void qv_bitmap_set_range(uint8_t *dst, int64_t offset, int64_t length, bool value);

/* Copies src[src_offset, +length) to dst[dst_offset, +length) (any bit offsets). */
QV_API void qv_bitmap_copy(uint8_t *dst, int64_t dst_offset, const uint8_t *src, int64_t src_offset,
                           int64_t length);

/* True when the two bit ranges hold equal bits. */
QV_API bool qv_bitmap_equal(const uint8_t *a, int64_t a_offset, const uint8_t *b, int64_t b_offset,
                            int64_t length);

#ifdef __cplusplus
}
#endif
#endif
