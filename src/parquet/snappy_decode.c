/* Parquet: a SNAPPY block decoder of our own.
 *
 * Why not libsnappy, which the writer still uses: on the pages Parquet
 * writers produce for numeric columns (8-byte values whose high bytes
 * repeat: short literals between short copies) Debian's libsnappy 1.1.9
 * spends about 9 instructions per output byte, most of a column's read.
 * This decoder copies in fixed 16-byte moves wherever the output has room
 * for them and the source is far enough back, which the compiler turns
 * into single vector loads and stores; only the last bytes of a page and
 * overlapping copies with offsets below 16 take the careful byte paths.
 *
 * Format (the snappy format description): a varint of the decompressed
 * length, then elements whose tag's low two bits say literal (length in the
 * tag, or in 1..4 following bytes), or copy with a 1-, 2- or 4-byte offset.
 * Invariants: every read of the input stays inside [src, src + n) and
 * every write inside [dst, dst + dst_len); a copy's offset must point into
 * bytes already produced; the stream must produce exactly dst_len bytes. A
 * hostile stream is refused with QV_ERR_INVALID_DATA, never read past. */
#include <string.h>

#include "core/internal.h"
#include "parquet/codec.h"

static inline uint32_t load_le(const uint8_t *p, int nbytes) {
  uint32_t v = 0;
  for (int i = 0; i < nbytes; i++) v |= (uint32_t)p[i] << (8 * i);
  return v;
}

static qv_status corrupt(qv_error *err, const char *what, size_t at) {
  return qv_error_set(err, QV_ERR_INVALID_DATA, "Parquet page: corrupt SNAPPY data (%s at input byte %zu)", what, at);
}

qv_status qv__pq_snappy_length(const uint8_t *src, size_t n, size_t *len, size_t *header) {
  uint64_t v = 0;
  for (size_t i = 0; i < 5 && i < n; i++) {
    v |= (uint64_t)(src[i] & 0x7f) << (7 * i);
    if ((src[i] & 0x80) == 0) {
      if (v > UINT32_MAX) return QV_ERR_INVALID_DATA;
      *len = (size_t)v;
      *header = i + 1;
      return QV_OK;
    }
  }
  return QV_ERR_INVALID_DATA;
}

qv_status qv__pq_snappy_decompress(const uint8_t *src, size_t n, uint8_t *dst, size_t dst_len, qv_error *err) {
  size_t want = 0, head = 0;
  if (qv__pq_snappy_length(src, n, &want, &head) != QV_OK)
    return qv_error_set(err, QV_ERR_INVALID_DATA, "Parquet page: corrupt SNAPPY data (no valid length preamble)");
  if (want != dst_len)
    return qv_error_set(err, QV_ERR_INVALID_DATA,
                        "Parquet page: SNAPPY data decompresses to %zu bytes, the page header announces %zu", want,
                        dst_len);
  const uint8_t *ip = src + head, *const iend = src + n;
  uint8_t *op = dst, *const oend = dst + dst_len;
  while (ip < iend) {
    /* The fast loop: with 21 input bytes left (a tag, its 4 extra bytes
     * and a 16-byte literal move) and 80 output bytes (a 64-byte copy
     * rounded up to 16-byte moves, plus slack) the short elements need no
     * bounds test beyond the copy offset's. */
    while (iend - ip >= 21 && oend - op >= 80) {
      const uint32_t tag = *ip++;
      size_t len, off;
      switch (tag & 3) {
        case 0:
          len = (tag >> 2) + 1;
          if (len <= 16) {
            memcpy(op, ip, 16); /* the bytes past len are rewritten by what follows */
            ip += len;
            op += len;
            continue;
          }
          if (len <= 60 && iend - ip >= 64) { /* 61..64: the length follows in 1..4 bytes */
            for (size_t i = 0; i < len; i += 16) memcpy(op + i, ip + i, 16);
            ip += len;
            op += len;
            continue;
          }
          ip--; /* a longer literal: the careful path below */
          goto careful;
        case 1:
          len = ((tag >> 2) & 7) + 4;
          off = ((size_t)(tag >> 5) << 8) | *ip++;
          break;
        case 2: {
          uint16_t o16;
          memcpy(&o16, ip, 2);
          len = (tag >> 2) + 1;
          off = o16; /* a little-endian host, as everywhere in src/parquet */
          ip += 2;
          break;
        }
        default: {
          uint32_t o32;
          memcpy(&o32, ip, 4);
          len = (tag >> 2) + 1;
          off = o32;
          ip += 4;
          break;
        }
      }
      if (off - 1 >= (size_t)(op - dst)) return corrupt(err, "copy offset outside the output", (size_t)(ip - src));
      const uint8_t *from = op - off;
      if (off >= 16) {
        /* up to four 16-byte moves, each reading bytes that are already
         * final (they end at least 16 bytes before what it writes) */
        memcpy(op, from, 16);
        for (size_t i = 16; i < len; i += 16) memcpy(op + i, from + i, 16);
      } else if (off >= 8) {
        for (size_t i = 0; i < len; i += 8) memcpy(op + i, from + i, 8);
      } else {
        for (size_t i = 0; i < len; i++) op[i] = from[i]; /* overlapping: a repeating pattern */
      }
      op += len;
    }
    if (ip >= iend) break;
  careful:;
    const uint32_t tag = *ip++;
    size_t len, off;
    if ((tag & 3) == 0) {
      len = (tag >> 2) + 1;
      if (len > 60) {
        const int nb = (int)len - 60;
        if (iend - ip < nb) return corrupt(err, "truncated literal length", (size_t)(ip - src));
        len = (size_t)load_le(ip, nb) + 1;
        ip += nb;
      }
      if (len > (size_t)(iend - ip)) return corrupt(err, "literal runs past the input", (size_t)(ip - src));
      if (len > (size_t)(oend - op)) return corrupt(err, "literal runs past the announced length", (size_t)(ip - src));
      memcpy(op, ip, len);
      ip += len;
      op += len;
      continue;
    }
    if ((tag & 3) == 1) {
      if (ip >= iend) return corrupt(err, "truncated copy", (size_t)(ip - src));
      len = ((tag >> 2) & 7) + 4;
      off = ((size_t)(tag >> 5) << 8) | *ip++;
    } else {
      const int nb = (tag & 3) == 2 ? 2 : 4;
      if (iend - ip < nb) return corrupt(err, "truncated copy", (size_t)(ip - src));
      len = (tag >> 2) + 1;
      off = load_le(ip, nb);
      ip += nb;
    }
    if (off == 0 || off > (size_t)(op - dst)) return corrupt(err, "copy offset outside the output", (size_t)(ip - src));
    if (len > (size_t)(oend - op)) return corrupt(err, "copy runs past the announced length", (size_t)(ip - src));
    const uint8_t *from = op - off;
    for (size_t i = 0; i < len; i++) op[i] = from[i]; /* may overlap: a repeating pattern */
    op += len;
  }
  if (op != oend)
    return qv_error_set(err, QV_ERR_INVALID_DATA,
                        "Parquet page: SNAPPY data decompresses to %zu bytes, the page header announces %zu",
                        (size_t)(op - dst), dst_len);
  return QV_OK;
}
