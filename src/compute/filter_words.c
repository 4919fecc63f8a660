/* A bool mask read as 64-bit keep words (filter_internal.h): the value bits
 * ANDed with the validity bits, word j starting at slot start + 64j
 * whatever the array's offset; and the portable filter of the values'
 * validity by those words.
 */
#include "compute/filter_internal.h"

int64_t qv__filter_keep_words(const qv_array *mask, int64_t start, int64_t len, uint64_t *words) {
  qv__bitmap_words(qv_array_buffer_data(mask, 1), mask->offset + start, len, words, false);
  if (mask->validity_ != NULL) qv__bitmap_words(mask->validity_, mask->offset + start, len, words, true);
  return (len + 63) / 64;
}

void qv__filter_chunk_validity(const uint64_t *keep, const uint64_t *valid, int64_t nw, qv__bit_writer *w) {
  for (int64_t j = 0; j < nw; j++) {
    uint64_t k = keep[j], packed = 0;
    int cnt = 0;
    if (k == ~(uint64_t)0) {
      qv__bit_writer_put(w, valid[j], 64);
      continue;
    }
    while (k != 0) {
      packed |= ((valid[j] >> __builtin_ctzll(k)) & 1) << cnt++;
      k &= k - 1;
    }
    qv__bit_writer_put(w, packed, cnt);
  }
}
