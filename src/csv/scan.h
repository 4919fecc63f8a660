/* quiver csv: finding the next special byte (delimiter, quote, line break)
 * fast, for the tokenizer and the writer's quoting check. Not installed. */
#ifndef QUIVER_CSV_SCAN_H
#define QUIVER_CSV_SCAN_H

#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define QV__CSV_ONES 0x0101010101010101ULL
#define QV__CSV_HIGHS 0x8080808080808080ULL


/* The high bit of each byte of w equal to the byte `c` (repeated in
 * `pattern`). Bytes above the first match may be flagged wrongly (a
 * borrow), but the lowest flag is exact, and so is the lowest flag of an OR
 * of such masks, which is all the scans below use. */
static inline uint64_t qv__csv_match_bytes(uint64_t w, uint64_t pattern) {
  const uint64_t x = w ^ pattern;
  return (x - QV__CSV_ONES) & ~x & QV__CSV_HIGHS;
}

/* The first i >= from with table[p[i]] set, or n. a, b, c, d are the
 * bytes of the table (at most four; repeat one for fewer), each repeated
 * in a word. SSE2 (every x86-64 has it) compares 16 bytes at a time;
 * elsewhere words of 8 bytes. */
static inline int64_t qv__csv_scan(const uint8_t *p, int64_t from, int64_t n, const uint8_t *table, uint64_t a,
                                   uint64_t b, uint64_t c, uint64_t d) {
  int64_t i = from;
#if defined(__SSE2__)
  const __m128i va = _mm_set1_epi8((char)(a & 0xff)), vb = _mm_set1_epi8((char)(b & 0xff)),
                vc = _mm_set1_epi8((char)(c & 0xff)), vd = _mm_set1_epi8((char)(d & 0xff));
  while (i + 16 <= n) {
    const __m128i w = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
    const __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(w, va), _mm_cmpeq_epi8(w, vb)),
                                   _mm_or_si128(_mm_cmpeq_epi8(w, vc), _mm_cmpeq_epi8(w, vd)));
    const unsigned bits = (unsigned)_mm_movemask_epi8(m);
    if (bits) return i + __builtin_ctz(bits);
    i += 16;
  }
#endif
  while (i + 8 <= n) {
    uint64_t w;
    memcpy(&w, p + i, 8);
    const uint64_t m = qv__csv_match_bytes(w, a) | qv__csv_match_bytes(w, b) | qv__csv_match_bytes(w, c) |
                       qv__csv_match_bytes(w, d);
    if (m) return i + (__builtin_ctzll(m) >> 3);
    i += 8;
  }
  while (i < n && !table[p[i]]) i++;
  return i;
}

#endif
