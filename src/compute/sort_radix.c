/* A stable LSD radix sort of (key, row) pairs on 64-bit unsigned keys: the
 * fast path of single-key sorts (sort_keys.c), where keys of integers,
 * floats and string prefixes are first mapped to uint64 so that unsigned
 * order is the wanted order.
 *
 * One pass over the keys counts all eight byte digits at once; a digit
 * every key shares is skipped (small-range integers sort in one or two
 * passes). Each remaining pass scatters the pairs by one byte, keeping the
 * order of equal digits, so the whole sort is stable.
 */
#include "compute/sort_radix.h"

#include "core/internal.h"

qv_status qv__radix_sort(qv__radix_pair *pairs, int64_t n, qv_error *err) {
  int64_t bytes;
  if (n < 2) return QV_OK;
  if (qv__mul_overflow_i64(n, (int64_t)sizeof *pairs, &bytes))
    return qv_error_set(err, QV_ERR_OVERFLOW, "sort: %lld rows overflow", (long long)n);
  int64_t(*counts)[256] = qv__calloc(8, sizeof *counts);
  qv__radix_pair *tmp = qv__malloc((size_t)bytes);
  if (counts == NULL || tmp == NULL) {
    qv__free(counts);
    qv__free(tmp);
    return qv_error_set(err, QV_ERR_NO_MEMORY, "sort: no memory for %lld rows", (long long)n);
  }
  for (int64_t i = 0; i < n; i++) {
    uint64_t k = pairs[i].key;
    for (int d = 0; d < 8; d++) counts[d][(k >> (8 * d)) & 0xff]++;
  }
  qv__radix_pair *src = pairs, *dst = tmp;
  for (int d = 0; d < 8; d++) {
    int64_t *c = counts[d];
    if (c[(src[0].key >> (8 * d)) & 0xff] == n) continue; /* every key has this digit */
    int64_t sum = 0;
    for (int b = 0; b < 256; b++) {
      int64_t here = c[b];
      c[b] = sum;
      sum += here;
    }
    for (int64_t i = 0; i < n; i++) dst[c[(src[i].key >> (8 * d)) & 0xff]++] = src[i];
    qv__radix_pair *swap = src;
    src = dst;
    dst = swap;
  }
  if (src != pairs) memcpy(pairs, src, (size_t)bytes);
  qv__free(counts);
  qv__free(tmp);
  return QV_OK;
}
