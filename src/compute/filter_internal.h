/* Internal to the fixed-width filter (filter_fixed.c, filter_words.c,
 * filter_simd.c): the mask read as words, and the per-chunk copy kernels.
 *
 * The mask is consumed in chunks of QV__FILTER_CHUNK_SLOTS slots: its keep
 * bits (value AND validity) are first gathered into an array of aligned
 * 64-bit words on the stack, whatever the mask's offset, so every kernel
 * below reads plain words; word j of a chunk holds its slots 64j..64j+63,
 * and the bits past the chunk's length are zero.
 */
#ifndef QUIVER_SRC_COMPUTE_FILTER_INTERNAL_H
#define QUIVER_SRC_COMPUTE_FILTER_INTERNAL_H

#include <stdint.h>

#include "compute/bit_words.h"
#include "quiver/array.h"

#define QV__FILTER_CHUNK_WORDS 64
#define QV__FILTER_CHUNK_SLOTS (64 * QV__FILTER_CHUNK_WORDS)

/* Bytes a chunk kernel may write past its last value (the width of one
 * vector store); the caller calls a vector kernel only with that room. */
#define QV__FILTER_STORE_SLACK 64

/* filter_words.c: the keep words of slots [start, start + len) of a bool
 * mask (1 <= len <= QV__FILTER_CHUNK_SLOTS, within the mask's length).
 * Reads only the bytes those slots' bits live in. Returns the number of
 * words, (len + 63) / 64. */
int64_t qv__filter_keep_words(const qv_array *mask, int64_t start, int64_t len, uint64_t *words);

/* filter_simd.c (call only at the level simd.h says may run): the kept
 * values of one chunk, `width` 4 or 8 bytes, in order to dst; returns how
 * many. src is the chunk's slot 0; words[0..nw) its keep words. Both write
 * up to QV__FILTER_STORE_SLACK bytes past the last value.
 * The caller passes whole words of slots that exist. AVX2 reads every
 * slot of the nw words; `lanes` is the table qv__filter_avx2_lanes
 * filled. AVX-512 reads only the kept slots (masked loads). */
void qv__filter_avx2_lanes(uint32_t lanes[256], int32_t width);
int64_t qv__filter_chunk_avx2(const uint64_t *words, int64_t nw, const uint8_t *src, int32_t width, uint8_t *dst,
                              const uint32_t lanes[256]);
int64_t qv__filter_chunk_avx512(const uint64_t *words, int64_t nw, const uint8_t *src, int32_t width, uint8_t *dst);

/* filter_words.c / filter_simd.c: appends, for each of nw words, the bits
 * of valid[j] where keep[j] has ones (PEXT), to w. The BMI2 build runs
 * only when simd.h says AVX2 may. */
void qv__filter_chunk_validity(const uint64_t *keep, const uint64_t *valid, int64_t nw, qv__bit_writer *w);
void qv__filter_chunk_validity_bmi2(const uint64_t *keep, const uint64_t *valid, int64_t nw, qv__bit_writer *w);

#endif
