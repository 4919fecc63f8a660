/* Internal to src/compute: building an array from chosen rows of another.
 *
 * `rows` lists, for each output slot, the input row it copies, or -1 for a
 * null slot. The caller has checked every row against the input's length;
 * the gather itself then reads only slots the structural validation of the
 * input guarantees, and follows offsets, views and children only through
 * qv_array_slice + qv_array_concat, which check them as they go.
 */
#ifndef QUIVER_SRC_COMPUTE_GATHER_INTERNAL_H
#define QUIVER_SRC_COMPUTE_GATHER_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "compute/aggregate_internal.h" /* qv__bits_word */
#include "quiver/array.h"
#include "quiver/status.h"

/* Caller owns *out (offset 0 for the fixed-width layouts; the other layouts
 * get what qv_array_concat makes of the row ranges). */
qv_status qv__compute_gather(qv_array *input, const int64_t *rows, int64_t n, qv_array **out, qv_error *err);

/* filter_fixed.c: filter of a fixed-width layout (values buffer, bitmap,
 * no children) by a bool mask of the same length whose null slots drop
 * their rows, without a row list. The caller has checked the mask's type
 * and length. Caller owns *out (offset 0; shares the dictionary). */
bool qv__compute_filter_fixed_applies(const qv_array *values);
qv_status qv__compute_filter_fixed(qv_array *values, const qv_array *mask, qv_array **out, qv_error *err);

/* Bits [start, start + n) (1 <= n <= 64) of a bool mask that keep their
 * row: value AND valid. */
static inline uint64_t qv__filter_keep_word(const qv_array *mask, int64_t start, int64_t n) {
  uint64_t w = qv__bits_word(qv_array_buffer_data(mask, 1), mask->offset + start, n);
  if (mask->validity_ != NULL) w &= qv__bits_word(mask->validity_, mask->offset + start, n);
  return w;
}

/* filter_simd.c (AVX2; call only when qv__simd_avx2()): copies the kept
 * values of `width` (4 or 8) bytes from src (slot 0 of the window) to dst,
 * 64-slot block by block from block 0, while whole blocks remain and dst
 * has room for a whole block more (kept is dst's capacity in values).
 * Returns the first slot not done; *o is how many values were written. */
int64_t qv__filter_compact_avx2(const qv_array *mask, const uint8_t *src, int32_t width, int64_t n, uint8_t *dst,
                                int64_t kept, int64_t *o);
/* The rows a mask of n slots keeps (AVX2 + POPCNT build of the count). */
int64_t qv__filter_count_avx2(const qv_array *mask, int64_t n);

#endif
