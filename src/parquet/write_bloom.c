/* quiver Parquet writer: split-block bloom filters (BloomFilter.md).
 *
 * A filter is a bitset of 32-byte blocks (eight 32-bit words). A value's
 * hash is xxHash64 (seed 0) of its PLAIN bytes without the length prefix of
 * byte arrays; the upper 32 bits pick the block (multiply-shift by the
 * block count), the lower 32 bits, multiplied by eight fixed odd salts,
 * give one bit (the top 5 bits of each product) in each of the block's
 * words. The bitset size follows the spec's formula for `ndv` distinct
 * values at false-positive rate `fpp`, rounded up to a power of two
 * between 32 bytes and 128 MiB.
 *
 * ndv, when the caller gave none: the chunk's dictionary size when every
 * page was dictionary-encoded (exact), else its number of non-null values
 * (an upper bound: the filter is then larger than needed, never less
 * selective than asked). A caller's ndv is capped at the chunk's number of
 * non-null values, as Arrow C++ caps it, so small chunks get small filters.
 *
 * xxHash comes from libxxhash (the spec names that hash; a library
 * implementation is used rather than a second copy of it).
 *
 * The serialized filter is a BloomFilterHeader (numBytes, algorithm BLOCK,
 * hash XXHASH, compression UNCOMPRESSED: three unions of one empty struct)
 * followed by the bitset, little-endian words.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "core/internal.h"
#include "parquet/write_internal.h"

#define BLOOM_MIN_BYTES 32
#define BLOOM_MAX_BYTES ((int64_t)128 << 20)

static const uint32_t salt[8] = {0x47b6137bu, 0x44974d91u, 0x8824ad5bu, 0xa2b7289du,
                                 0x705495c7u, 0x2df1424bu, 0x9efc4947u, 0x5c6bfb31u};

int64_t qv__pqw_bloom_bytes(int64_t ndv, double fpp) {
  if (ndv < 1) ndv = 1;
  double bits = -8.0 * (double)ndv / log(1.0 - pow(fpp, 1.0 / 8.0));
  int64_t bytes = BLOOM_MIN_BYTES;
  while (bytes < BLOOM_MAX_BYTES && (double)bytes * 8.0 < bits) bytes *= 2;
  return bytes;
}

static void insert(uint32_t *words, uint64_t n_blocks, uint64_t h) {
  uint64_t block = ((h >> 32) * n_blocks) >> 32;
  uint32_t key = (uint32_t)h, *w = words + block * 8;
  for (int i = 0; i < 8; i++) w[i] |= 1u << ((key * salt[i]) >> 27);
}

qv_status qv__pqw_bloom_build(const qv__pq_leaf *leaf, const qv__pqw_values *v, int64_t num_values, int64_t dict_ndv,
                              qv__pq_buf *out, qv_error *err) {
  out->len = 0;
  int64_t ndv = dict_ndv > 0 ? dict_ndv : v->n;
  if (leaf->bloom_ndv > 0) ndv = leaf->bloom_ndv < v->n ? leaf->bloom_ndv : v->n;
  int64_t bytes = qv__pqw_bloom_bytes(ndv, leaf->bloom_fpp);
  uint32_t *words = calloc((size_t)bytes / 4, sizeof *words);
  if (words == NULL)
    return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory for a %lld-byte bloom filter of column '%s'",
                        (long long)bytes, leaf->dotted);
  const uint64_t n_blocks = (uint64_t)bytes / 32;
  if (leaf->physical == QV__PQ_BYTE_ARRAY) {
    for (int64_t k = 0; k < v->n; k++) insert(words, n_blocks, XXH64(v->bytes[k].ptr, (size_t)v->bytes[k].len, 0));
  } else {
    const uint8_t *src = qv__pq_values_fixed(v);
    const size_t w = (size_t)leaf->width;
    for (int64_t k = 0; k < v->n; k++) insert(words, n_blocks, XXH64(src + (size_t)k * w, w, 0));
  }
  qv__tw tw;
  qv__tw_init(&tw, out);
  qv__tw_i32(&tw, 1, (int32_t)bytes);
  for (int16_t id = 2; id <= 4; id++) { /* algorithm, hash, compression: member 1 of each union */
    qv__tw_struct_begin(&tw, id);
    qv__tw_struct_begin(&tw, 1);
    qv__tw_struct_end(&tw);
    qv__tw_struct_end(&tw);
  }
  qv_status st = qv__tw_finish(&tw, err);
  if (st == QV_OK && qv__pq_buf_reserve(out, (size_t)bytes)) {
    uint8_t *p = out->data + out->len;
    for (int64_t i = 0; i < bytes / 4; i++) {
      uint32_t x = words[i];
      p[4 * i] = (uint8_t)x;
      p[4 * i + 1] = (uint8_t)(x >> 8);
      p[4 * i + 2] = (uint8_t)(x >> 16);
      p[4 * i + 3] = (uint8_t)(x >> 24);
    }
    out->len += (size_t)bytes;
  }
  free(words);
  if (st == QV_OK) st = qv__pq_buf_status(out, "a bloom filter", err);
  return st;
}
