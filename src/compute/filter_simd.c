/* The AVX2 path of filter for 4- and 8-byte values without a bitmap
 * (filter_fixed.c calls it when simd.h says AVX2 may run).
 *
 * Each byte of the mask's keep word selects among 8 values (a nibble among
 * 4 for 8-byte values): one unaligned 32-byte load, one lane permute that
 * moves the kept values to the front, one 32-byte store, and the output
 * position advances by the byte's popcount. The permute's lane indices for
 * each byte come from a 256-entry table of packed 3-bit indices, built on
 * the stack per call (a few microseconds; no global state to race on).
 *
 * A word with few kept values (<= SPARSE_WORD) is copied value by value
 * instead, which is faster at low selectivity.
 *
 * Bounds: only whole 64-slot blocks are read (32 bytes at a time inside
 * the block), and a block is started only while the output has room for
 * 64 more values, so each 32-byte store ends within the output's `kept`
 * values; the caller's portable loop finishes the rest.
 */
#include "compute/gather_internal.h"
#include "compute/simd.h"

#if QV__HAVE_AVX2_TARGET
#include <immintrin.h>

/* Words with at most this many kept values are copied value by value. */
#define SPARSE_WORD 6

/* The number of set bits of the keep words of every slot (the size of the
 * output), with the POPCNT instruction every AVX2 CPU has (the baseline
 * build calls a library routine per word instead). */
__attribute__((target("avx2,popcnt"))) int64_t qv__filter_count_avx2(const qv_array *mask, int64_t n) {
  int64_t kept = 0;
  for (int64_t i = 0; i < n; i += 64) kept += __builtin_popcountll(qv__filter_keep_word(mask, i, n - i < 64 ? n - i : 64));
  return kept;
}

/* packed[b]: the positions of b's set bits, 3 bits each, lowest first. */
static void build_table(uint32_t packed[256], bool pairs) {
  for (uint32_t b = 0; b < (pairs ? 16u : 256u); b++) {
    uint32_t p = 0, k = 0;
    for (uint32_t j = 0; j < (pairs ? 4u : 8u); j++) {
      if (!((b >> j) & 1)) continue;
      if (pairs) { /* an 8-byte value is two 32-bit lanes */
        p |= (2 * j) << (3 * k++);
        p |= (2 * j + 1) << (3 * k++);
      } else {
        p |= j << (3 * k++);
      }
    }
    packed[b] = p;
  }
}

__attribute__((target("avx2,popcnt"))) static inline __m256i lanes_of(uint32_t packed) {
  const __m256i shifts = _mm256_setr_epi32(0, 3, 6, 9, 12, 15, 18, 21);
  return _mm256_and_si256(_mm256_srlv_epi32(_mm256_set1_epi32((int)packed), shifts), _mm256_set1_epi32(7));
}

/* A sparse word's few values, one by one (a permute per byte would be
 * mostly wasted on empty bytes). */
__attribute__((target("avx2,popcnt"))) static inline int64_t copy_bits(uint64_t w, const uint8_t *block, int32_t width,
                                                                      uint8_t *dst, int64_t o) {
  while (w != 0) {
    int k = __builtin_ctzll(w);
    w &= w - 1;
    memcpy(dst + o * width, block + k * width, width == 8 ? 8 : 4);
    o++;
  }
  return o;
}

__attribute__((target("avx2,popcnt"))) int64_t qv__filter_compact_avx2(const qv_array *mask, const uint8_t *src,
                                                                int32_t width, int64_t n, uint8_t *dst,
                                                                int64_t kept, int64_t *o_out) {
  uint32_t packed[256];
  const bool pairs = width == 8;
  const int per_step = pairs ? 4 : 8; /* values per 32-byte step */
  int64_t i = 0, o = 0;
  build_table(packed, pairs);
  for (; i + 64 <= n && o + 64 <= kept; i += 64) {
    uint64_t w = qv__filter_keep_word(mask, i, 64);
    const uint8_t *block = src + i * width;
    if (w == 0) continue;
    if (w == ~(uint64_t)0) {
      memcpy(dst + o * width, block, (size_t)(64 * width));
      o += 64;
      continue;
    }
    if (__builtin_popcountll(w) <= SPARSE_WORD) {
      o = copy_bits(w, block, width, dst, o);
      continue;
    }
    for (int s = 0; s < 64; s += per_step) {
      uint32_t sel = (uint32_t)(w >> s) & (pairs ? 0xFu : 0xFFu);
      if (sel == 0) continue;
      __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)(block + s * width));
      _mm256_storeu_si256((__m256i *)(void *)(dst + o * width), _mm256_permutevar8x32_epi32(v, lanes_of(packed[sel])));
      o += __builtin_popcount(sel);
    }
  }
  *o_out = o;
  return i;
}
#else
typedef int qv__filter_simd_not_built; /* keeps the translation unit non-empty */
#endif
