/* The vector kernels of filter for 4- and 8-byte values (filter_fixed.c
 * calls them per chunk when simd.h says their level may run), and PEXT for
 * the output validity.
 *
 * AVX-512: each 16 (8) slots of a keep word are one masked load, which
 * touches only the kept slots' memory, one COMPRESS that moves the kept
 * values to the front, one 64-byte store; the output position advances by
 * the popcount. No branch depends on the data.
 *
 * AVX2: each byte of a keep word selects among 8 values (a nibble among 4
 * for 8-byte values): one unaligned 32-byte load, one lane permute whose
 * indices come from a 256-entry table of packed 3-bit lane numbers (built
 * by the caller once per call: no global state to race on), one 32-byte
 * store. A word with few kept values (<= SPARSE_WORD) is copied value by
 * value instead.
 *
 * Bounds: both kernels take whole 64-slot words whose slots exist; both write at most QV__FILTER_STORE_SLACK bytes
 * past the last value, which the caller has room for.
 */
#include <string.h>

#include "compute/filter_internal.h"
#include "compute/simd.h"

#if QV__HAVE_AVX2_TARGET
#include <immintrin.h>

/* Words with at most this many kept values are copied value by value. */
#define SPARSE_WORD 6

void qv__filter_avx2_lanes(uint32_t lanes[256], int32_t width) {
  const int pairs = width == 8; /* an 8-byte value is two 32-bit lanes */
  for (uint32_t b = 0; b < 256u; b++) {
    uint32_t p = 0, k = 0;
    for (uint32_t j = 0; j < (pairs ? 4u : 8u); j++) {
      if (!((b >> j) & 1)) continue;
      if (pairs) {
        p |= (2 * j) << (3 * k++);
        p |= (2 * j + 1) << (3 * k++);
      } else {
        p |= j << (3 * k++);
      }
    }
    lanes[b] = p;
  }
}

QV__TARGET_AVX2 static inline __m256i lanes_of(uint32_t packed) {
  const __m256i shifts = _mm256_setr_epi32(0, 3, 6, 9, 12, 15, 18, 21);
  return _mm256_and_si256(_mm256_srlv_epi32(_mm256_set1_epi32((int)packed), shifts), _mm256_set1_epi32(7));
}

QV__TARGET_AVX2 int64_t qv__filter_chunk_avx2(const uint64_t *words, int64_t nw, const uint8_t *src, int32_t width,
                                              uint8_t *dst, const uint32_t lanes[256]) {
  const int pairs = width == 8;
  const int per_step = pairs ? 4 : 8; /* values per 32-byte step */
  int64_t o = 0;
  for (int64_t j = 0; j < nw; j++) {
    uint64_t w = words[j];
    const uint8_t *block = src + j * 64 * width;
    if (w == 0) continue;
    if (w == ~(uint64_t)0) {
      memcpy(dst + o * width, block, (size_t)(64 * width));
      o += 64;
      continue;
    }
    if (__builtin_popcountll(w) <= SPARSE_WORD) {
      while (w != 0) {
        int k = __builtin_ctzll(w);
        w &= w - 1;
        memcpy(dst + o * width, block + k * width, pairs ? 8 : 4);
        o++;
      }
      continue;
    }
    for (int s = 0; s < 64; s += per_step) {
      uint32_t sel = (uint32_t)(w >> s) & (pairs ? 0xFu : 0xFFu);
      __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)(block + s * width));
      _mm256_storeu_si256((__m256i *)(void *)(dst + o * width), _mm256_permutevar8x32_epi32(v, lanes_of(lanes[sel])));
      o += __builtin_popcount(sel);
    }
  }
  return o;
}

QV__TARGET_AVX512 int64_t qv__filter_chunk_avx512(const uint64_t *words, int64_t nw, const uint8_t *src,
                                                  int32_t width, uint8_t *dst) {
  int64_t o = 0;
  if (width == 4) {
    for (int64_t j = 0; j < nw; j++) {
      const uint64_t w = words[j];
      const int32_t *block = (const int32_t *)(const void *)src + j * 64;
      for (int s = 0; s < 64; s += 16) {
        const __mmask16 k = (__mmask16)(w >> s);
        const __m512i v = _mm512_maskz_loadu_epi32(k, block + s);
        _mm512_storeu_si512((void *)(dst + o * 4), _mm512_maskz_compress_epi32(k, v));
        o += __builtin_popcount(k);
      }
    }
  } else {
    for (int64_t j = 0; j < nw; j++) {
      const uint64_t w = words[j];
      const int64_t *block = (const int64_t *)(const void *)src + j * 64;
      for (int s = 0; s < 64; s += 8) {
        const __mmask8 k = (__mmask8)(w >> s);
        const __m512i v = _mm512_maskz_loadu_epi64(k, block + s);
        _mm512_storeu_si512((void *)(dst + o * 8), _mm512_maskz_compress_epi64(k, v));
        o += __builtin_popcount(k);
      }
    }
  }
  return o;
}

QV__TARGET_AVX2 void qv__filter_chunk_validity_bmi2(const uint64_t *keep, const uint64_t *valid, int64_t nw,
                                                    qv__bit_writer *w) {
  for (int64_t j = 0; j < nw; j++)
    if (keep[j] != 0) qv__bit_writer_put(w, _pext_u64(valid[j], keep[j]), __builtin_popcountll(keep[j]));
}
#else
typedef int qv__filter_simd_not_built; /* keeps the translation unit non-empty */
#endif
