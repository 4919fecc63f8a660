/* quiver csv: classifying 64 bytes at a time. One call finds, for a
 * window of 64 input bytes, which are the delimiter, which end a line (CR
 * or LF) and which are the quote character, as three 64-bit masks (bit i
 * for byte i). The typed reader (typed.c) walks fields by taking the next
 * set bit of a mask, so each byte is compared once instead of once per
 * scan that passes over it; the block cutter counts quotes with it.
 *
 * Three versions with the same results: AVX2 (two 32-byte compares per
 * byte class, chosen at run time when the CPU has it; libgcc fills in the
 * CPU facts before main, so asking from any thread only reads them), SSE2
 * (every x86-64 has it) and SWAR on 8-byte words for every other machine. Each is
 * exact on every byte (no borrow between bytes), which the tests check
 * against a byte loop on random windows, each version forced in turn.
 */
#include <string.h>

#include "csv/classify.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define QV__CSV_X86 1
#endif

/* The high bit of each byte of w that is zero, exactly (no borrows). */
static inline uint64_t zero_bytes(uint64_t w) {
  const uint64_t low7 = 0x7f7f7f7f7f7f7f7fULL;
  return ~(((w & low7) + low7) | w | low7);
}

/* The high bits of the 8 bytes of h (each 0x80 or 0) as 8 low bits. */
static inline uint64_t gather_high_bits(uint64_t h) { return ((h >> 7) * 0x0102040810204080ULL) >> 56; }

void qv__csv_classify_swar(const uint8_t *p, uint8_t delim, uint8_t quote, qv__csv_masks *m) {
  const uint64_t ones = 0x0101010101010101ULL;
  uint64_t d = 0, e = 0, q = 0;
  for (int k = 0; k < 8; k++) {
    uint64_t w;
    memcpy(&w, p + 8 * k, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    w = __builtin_bswap64(w); /* byte i of the window in the low byte i */
#endif
    d |= gather_high_bits(zero_bytes(w ^ (ones * delim))) << (8 * k);
    e |= gather_high_bits(zero_bytes(w ^ (ones * '\n')) | zero_bytes(w ^ (ones * '\r'))) << (8 * k);
    q |= gather_high_bits(zero_bytes(w ^ (ones * quote))) << (8 * k);
  }
  m->delim = d;
  m->eol = e;
  m->quote = q;
}

#if defined(QV__CSV_X86)
void qv__csv_classify_sse2(const uint8_t *p, uint8_t delim, uint8_t quote, qv__csv_masks *m) {
  const __m128i vd = _mm_set1_epi8((char)delim), vq = _mm_set1_epi8((char)quote), vn = _mm_set1_epi8('\n'),
                vr = _mm_set1_epi8('\r');
  uint64_t d = 0, e = 0, q = 0;
  for (int k = 0; k < 4; k++) {
    const __m128i w = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * k));
    d |= (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(w, vd)) << (16 * k);
    e |= (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(w, vn), _mm_cmpeq_epi8(w, vr)))
         << (16 * k);
    q |= (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(w, vq)) << (16 * k);
  }
  m->delim = d;
  m->eol = e;
  m->quote = q;
}

__attribute__((target("avx2"))) void qv__csv_classify_avx2(const uint8_t *p, uint8_t delim, uint8_t quote,
                                                              qv__csv_masks *m) {
  const __m256i vd = _mm256_set1_epi8((char)delim), vq = _mm256_set1_epi8((char)quote),
                vn = _mm256_set1_epi8('\n'), vr = _mm256_set1_epi8('\r');
  const __m256i lo = _mm256_loadu_si256((const __m256i *)(const void *)p);
  const __m256i hi = _mm256_loadu_si256((const __m256i *)(const void *)(p + 32));
#define QV__MASK(x) ((uint64_t)(uint32_t)_mm256_movemask_epi8(x))
  m->delim = QV__MASK(_mm256_cmpeq_epi8(lo, vd)) | QV__MASK(_mm256_cmpeq_epi8(hi, vd)) << 32;
  m->eol = QV__MASK(_mm256_or_si256(_mm256_cmpeq_epi8(lo, vn), _mm256_cmpeq_epi8(lo, vr))) |
           QV__MASK(_mm256_or_si256(_mm256_cmpeq_epi8(hi, vn), _mm256_cmpeq_epi8(hi, vr))) << 32;
  m->quote = QV__MASK(_mm256_cmpeq_epi8(lo, vq)) | QV__MASK(_mm256_cmpeq_epi8(hi, vq)) << 32;
#undef QV__MASK
}
#endif

/* ---- counting bytes of one or two values ---- */

static int64_t count_tail(const uint8_t *p, int64_t n, uint8_t a, uint8_t b) {
  int64_t count = 0;
  for (int64_t i = 0; i < n; i++) count += p[i] == a || p[i] == b;
  return count;
}

int64_t qv__csv_count_swar(const uint8_t *p, int64_t n, uint8_t a, uint8_t b) {
  const uint64_t ones = 0x0101010101010101ULL;
  int64_t count = 0, i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    memcpy(&w, p + i, 8);
    const uint64_t hits = (zero_bytes(w ^ (ones * a)) | zero_bytes(w ^ (ones * b))) >> 7; /* 0 or 1 a byte */
    count += (int64_t)((hits * ones) >> 56);                                                 /* their sum */
  }
  return count + count_tail(p + i, n - i, a, b);
}

#if defined(QV__CSV_X86)
int64_t qv__csv_count_sse2(const uint8_t *p, int64_t n, uint8_t a, uint8_t b) {
  const __m128i va = _mm_set1_epi8((char)a), vb = _mm_set1_epi8((char)b), zero = _mm_setzero_si128();
  int64_t count = 0, i = 0;
  while (i + 16 <= n) {
    /* Per-byte counters (each hit subtracts -1), summed before they can
     * wrap: at most 255 rounds. */
    __m128i acc = zero;
    for (int round = 0; round < 255 && i + 16 <= n; round++, i += 16) {
      const __m128i w = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
      acc = _mm_sub_epi8(acc, _mm_or_si128(_mm_cmpeq_epi8(w, va), _mm_cmpeq_epi8(w, vb)));
    }
    const __m128i sums = _mm_sad_epu8(acc, zero);
    count += _mm_cvtsi128_si64(sums) + _mm_cvtsi128_si64(_mm_unpackhi_epi64(sums, sums));
  }
  return count + count_tail(p + i, n - i, a, b);
}

__attribute__((target("avx2"))) int64_t qv__csv_count_avx2(const uint8_t *p, int64_t n, uint8_t a, uint8_t b) {
  const __m256i va = _mm256_set1_epi8((char)a), vb = _mm256_set1_epi8((char)b), zero = _mm256_setzero_si256();
  int64_t count = 0, i = 0;
  while (i + 32 <= n) {
    __m256i acc = zero;
    for (int round = 0; round < 255 && i + 32 <= n; round++, i += 32) {
      const __m256i w = _mm256_loadu_si256((const __m256i *)(const void *)(p + i));
      acc = _mm256_sub_epi8(acc, _mm256_or_si256(_mm256_cmpeq_epi8(w, va), _mm256_cmpeq_epi8(w, vb)));
    }
    const __m256i sums = _mm256_sad_epu8(acc, zero);
    count += _mm256_extract_epi64(sums, 0) + _mm256_extract_epi64(sums, 1) + _mm256_extract_epi64(sums, 2) +
             _mm256_extract_epi64(sums, 3);
  }
  return count + count_tail(p + i, n - i, a, b);
}
#endif

qv__csv_count_fn qv__csv_counter(qv__csv_isa isa) {
#if defined(QV__CSV_X86)
  if (isa == QV__CSV_ISA_BEST) {
    isa = __builtin_cpu_supports("avx2") ? QV__CSV_ISA_AVX2 : QV__CSV_ISA_SSE2;
  }
  if (isa == QV__CSV_ISA_AVX2) return __builtin_cpu_supports("avx2") ? qv__csv_count_avx2 : NULL;
  if (isa == QV__CSV_ISA_SSE2) return qv__csv_count_sse2;
#else
  if (isa == QV__CSV_ISA_BEST) isa = QV__CSV_ISA_SWAR;
#endif
  return isa == QV__CSV_ISA_SWAR ? qv__csv_count_swar : NULL;
}

qv__csv_classify_fn qv__csv_classifier(qv__csv_isa isa) {
#if defined(QV__CSV_X86)
  if (isa == QV__CSV_ISA_BEST) {
    isa = __builtin_cpu_supports("avx2") ? QV__CSV_ISA_AVX2 : QV__CSV_ISA_SSE2;
  }
  if (isa == QV__CSV_ISA_AVX2) return __builtin_cpu_supports("avx2") ? qv__csv_classify_avx2 : NULL;
  if (isa == QV__CSV_ISA_SSE2) return qv__csv_classify_sse2;
#else
  if (isa == QV__CSV_ISA_BEST) isa = QV__CSV_ISA_SWAR;
#endif
  return isa == QV__CSV_ISA_SWAR ? qv__csv_classify_swar : NULL;
}

void qv__csv_classify_tail(qv__csv_classify_fn fn, const uint8_t *p, int64_t n, uint8_t delim, uint8_t quote,
                           qv__csv_masks *m) {
  uint8_t window[64] = {0}; /* NUL is never the delimiter, the quote or a line end */
  memcpy(window, p, (size_t)n);
  fn(window, delim, quote, m);
}
