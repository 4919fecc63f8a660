/* quiver Parquet writer: the non-PLAIN value encodings a caller may ask for
 * (Encodings.md), and the dispatch from a leaf's encoding to its encoder.
 *
 *   - DELTA_BINARY_PACKED: a header (block size 128, 4 miniblocks of 32
 *     values, value count, first value as a zigzag varint), then per block
 *     the minimum delta (zigzag varint), one bit-width byte per miniblock
 *     and the miniblocks' (delta - min delta) bit-packed LSB first. The
 *     last miniblock is padded with zeros to 32 values; miniblocks after
 *     the last value get width 0 and no bytes. 4-byte values take their
 *     deltas in 32-bit wrapping arithmetic (what the readers undo), so a
 *     width never exceeds 32; 8-byte ones in 64-bit.
 *   - DELTA_LENGTH_BYTE_ARRAY: the lengths DELTA_BINARY_PACKED, then the
 *     bytes back to back.
 *   - DELTA_BYTE_ARRAY: the lengths of the prefixes shared with the
 *     previous value, then the lengths of the suffixes (both
 *     DELTA_BINARY_PACKED), then the suffixes back to back.
 *   - BYTE_STREAM_SPLIT: byte k of every value, for k = 0 .. width - 1.
 *
 * Lengths fit in 32 bits: the values gathered for a chunk come from Arrow
 * buffers whose byte strings the gather step bounded by INT32_MAX.
 */
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "core/unaligned.h"
#include "parquet/write_internal.h"

#define DBP_BLOCK 128
#define DBP_MINIBLOCKS 4
#define DBP_MINI (DBP_BLOCK / DBP_MINIBLOCKS)

static int width_of(uint64_t v) {
  int w = 0;
  while (v) {
    w++;
    v >>= 1;
  }
  return w;
}

/* Packs 32 values of `bw` bits, LSB first, into bw * 4 zeroed bytes. */
static void pack32(uint8_t *p, const uint64_t *x, int bw) {
  if (bw == 0) return;
  memset(p, 0, (size_t)bw * 4);
  for (int k = 0; k < DBP_MINI; k++) {
    uint64_t v = x[k];
    size_t bit = (size_t)k * (size_t)bw;
    int left = bw;
    while (left > 0) {
      int off = (int)(bit & 7), took = 8 - off;
      p[bit >> 3] |= (uint8_t)(v << off);
      v = took < 64 ? v >> took : 0;
      bit += (size_t)took;
      left -= took;
    }
  }
}

/* The encoder over values already widened to 64 bits; `wrap32` takes
 * deltas modulo 2^32. */
static void dbp_encode(qv__pq_buf *out, const uint64_t *x, int64_t n, bool wrap32) {
  qv__tw_varint(out, DBP_BLOCK);
  qv__tw_varint(out, DBP_MINIBLOCKS);
  qv__tw_varint(out, (uint64_t)n);
  qv__tw_varint(out, qv__tw_zigzag(n > 0 ? (wrap32 ? (int64_t)(int32_t)(uint32_t)x[0] : (int64_t)x[0]) : 0));
  uint64_t delta[DBP_BLOCK];
  for (int64_t at = 1; at < n; at += DBP_BLOCK) {
    int64_t m = n - at < DBP_BLOCK ? n - at : DBP_BLOCK;
    int64_t min = INT64_MAX;
    for (int64_t k = 0; k < m; k++) {
      uint64_t d = x[at + k] - x[at + k - 1];
      int64_t sd = wrap32 ? (int64_t)(int32_t)(uint32_t)d : (int64_t)d;
      delta[k] = (uint64_t)sd;
      if (sd < min) min = sd;
    }
    uint8_t widths[DBP_MINIBLOCKS] = {0};
    for (int64_t k = 0; k < DBP_BLOCK; k++) {
      uint64_t r = k < m ? delta[k] - (uint64_t)min : 0;
      if (wrap32) r &= 0xFFFFFFFFu;
      delta[k] = r;
      int w = width_of(r);
      if (w > widths[k / DBP_MINI]) widths[k / DBP_MINI] = (uint8_t)w;
    }
    qv__tw_varint(out, qv__tw_zigzag(min));
    int used = (int)((m + DBP_MINI - 1) / DBP_MINI);
    for (int b = used; b < DBP_MINIBLOCKS; b++) widths[b] = 0;
    qv__pq_buf_append(out, widths, DBP_MINIBLOCKS);
    size_t bytes = 0;
    for (int b = 0; b < used; b++) bytes += (size_t)widths[b] * 4;
    if (!qv__pq_buf_reserve(out, bytes + 16)) return;
    uint8_t *p = out->data + out->len;
    for (int b = 0; b < used; b++) {
      pack32(p, delta + b * DBP_MINI, widths[b]);
      p += widths[b] * 4;
    }
    out->len += bytes;
  }
}

void qv__pqw_delta_binary_packed(qv__pq_buf *out, const uint8_t *src, int32_t width, int64_t n) {
  /* Widening the whole input first keeps the block encoder single-typed;
   * it needs the values in one array, so widen into a heap copy. */
  uint64_t *x = calloc((size_t)(n > 0 ? n : 1), sizeof *x);
  if (x == NULL) {
    out->oom = true;
    return;
  }
  for (int64_t k = 0; k < n; k++) x[k] = qv__load_uint(src + k * width, width, 0);
  dbp_encode(out, x, n, width == 4);
  free(x);
}

static void dbp_lengths(qv__pq_buf *out, const uint64_t *len, int64_t n) { dbp_encode(out, len, n, true); }

void qv__pqw_delta_length_byte_array(qv__pq_buf *out, const qv__pq_bytes *b, int64_t n) {
  uint64_t *len = calloc((size_t)(n > 0 ? n : 1), sizeof *len);
  if (len == NULL) {
    out->oom = true;
    return;
  }
  size_t total = 0;
  for (int64_t k = 0; k < n; k++) {
    len[k] = (uint64_t)b[k].len;
    total += (size_t)b[k].len;
  }
  dbp_lengths(out, len, n);
  free(len);
  if (!qv__pq_buf_reserve(out, total)) return;
  for (int64_t k = 0; k < n; k++) qv__pq_buf_append(out, b[k].ptr, (size_t)b[k].len);
}

static int64_t common_prefix(const uint8_t *a, int64_t na, const uint8_t *b, int64_t nb) {
  int64_t n = na < nb ? na : nb, k = 0;
  while (k < n && a[k] == b[k]) k++;
  return k;
}

void qv__pqw_delta_byte_array(qv__pq_buf *out, const qv__pq_bytes *b, int64_t n) {
  uint64_t *pre = calloc((size_t)(n > 0 ? n : 1) * 2, sizeof *pre);
  if (pre == NULL) {
    out->oom = true;
    return;
  }
  uint64_t *suf = pre + (n > 0 ? n : 1);
  size_t total = 0;
  for (int64_t k = 0; k < n; k++) {
    int64_t p = k ? common_prefix(b[k - 1].ptr, b[k - 1].len, b[k].ptr, b[k].len) : 0;
    pre[k] = (uint64_t)p;
    suf[k] = (uint64_t)(b[k].len - p);
    total += (size_t)suf[k];
  }
  dbp_lengths(out, pre, n);
  dbp_lengths(out, suf, n);
  if (qv__pq_buf_reserve(out, total))
    for (int64_t k = 0; k < n; k++) qv__pq_buf_append(out, b[k].ptr + pre[k], (size_t)suf[k]);
  free(pre);
}

void qv__pqw_delta_byte_array_fixed(qv__pq_buf *out, const uint8_t *src, int32_t width, int64_t n) {
  qv__pq_bytes *b = malloc((size_t)(n > 0 ? n : 1) * sizeof *b);
  if (b == NULL) {
    out->oom = true;
    return;
  }
  for (int64_t k = 0; k < n; k++) b[k] = (qv__pq_bytes){src + k * width, width};
  qv__pqw_delta_byte_array(out, b, n);
  free(b);
}

void qv__pqw_byte_stream_split(qv__pq_buf *out, const uint8_t *src, int32_t width, int64_t n) {
  size_t bytes = (size_t)n * (size_t)width;
  if (!qv__pq_buf_reserve(out, bytes)) return;
  uint8_t *p = out->data + out->len;
  if (width == 8) {
    for (int64_t k = 0; k < n; k++)
      for (int s = 0; s < 8; s++) p[(size_t)s * (size_t)n + (size_t)k] = src[k * 8 + s];
  } else if (width == 4) {
    for (int64_t k = 0; k < n; k++)
      for (int s = 0; s < 4; s++) p[(size_t)s * (size_t)n + (size_t)k] = src[k * 4 + s];
  } else {
    for (int64_t k = 0; k < n; k++)
      for (int32_t s = 0; s < width; s++) p[(size_t)s * (size_t)n + (size_t)k] = src[k * width + s];
  }
  out->len += bytes;
}

/* RLE for booleans: a 4-byte length, then the hybrid encoding of width 1. */
static void rle_booleans(qv__pq_buf *out, const uint8_t *src, int64_t n) {
  size_t at = out->len;
  qv__pq_buf_u32le(out, 0);
  /* The hybrid encoder takes 32-bit values. */
  uint32_t *all = malloc((size_t)(n > 0 ? n : 1) * sizeof *all);
  if (all == NULL) {
    out->oom = true;
    return;
  }
  for (int64_t k = 0; k < n; k++) all[k] = src[k] & 1u;
  qv__pq_rle_encode_u32(out, all, n, 1);
  free(all);
  if (out->oom) return;
  uint32_t len = (uint32_t)(out->len - at - 4);
  uint8_t le[4] = {(uint8_t)len, (uint8_t)(len >> 8), (uint8_t)(len >> 16), (uint8_t)(len >> 24)};
  memcpy(out->data + at, le, 4);
}

void qv__pqw_encode_values(qv__pq_buf *out, const qv__pq_leaf *leaf, int32_t encoding, const qv__pqw_values *v,
                           int64_t from, int64_t n) {
  const bool byte_array = leaf->physical == QV__PQ_BYTE_ARRAY;
  const uint8_t *fixed = byte_array ? NULL : qv__pq_values_fixed(v) + from * leaf->width;
  switch (encoding) {
    case QV__PQ_ENC_DELTA_BINARY_PACKED: qv__pqw_delta_binary_packed(out, fixed, leaf->width, n); return;
    case QV__PQ_ENC_DELTA_LENGTH_BYTE_ARRAY: qv__pqw_delta_length_byte_array(out, v->bytes + from, n); return;
    case QV__PQ_ENC_DELTA_BYTE_ARRAY:
      if (byte_array) qv__pqw_delta_byte_array(out, v->bytes + from, n);
      else qv__pqw_delta_byte_array_fixed(out, fixed, leaf->width, n);
      return;
    case QV__PQ_ENC_BYTE_STREAM_SPLIT: qv__pqw_byte_stream_split(out, fixed, leaf->width, n); return;
    case QV__PQ_ENC_RLE: rle_booleans(out, fixed, n); return;
    default: qv__pq_plain_encode(out, leaf, v, from, n); return;
  }
}
