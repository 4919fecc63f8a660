/* Parquet: the codecs of CompressionCodec, through Debian's libraries
 * (snappy's C API, zlib, libzstd, liblz4, libbrotlidec).
 *
 * Every function decodes into a caller buffer of exactly the announced size
 * and fails when the output would be larger or smaller: the announced size
 * was bounded before the buffer was allocated, so a hostile page cannot make
 * quiver allocate more than its limit. */
#include "parquet/codec.h"

#include <brotli/decode.h>
#include <lz4.h>
#include <snappy-c.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "core/internal.h"
#include "parquet/format.h"

const char *qv__pq_codec_name(int32_t codec, char buf[16]) {
  static const char *const names[] = {"UNCOMPRESSED", "SNAPPY", "GZIP", "LZO", "BROTLI", "LZ4", "ZSTD", "LZ4_RAW"};
  if (codec >= 0 && codec < 8) return names[codec];
  snprintf(buf, 16, "codec %d", (int)codec);
  return buf;
}

static qv_status size_mismatch(qv_error *err, const char *codec, size_t got, size_t want) {
  return qv_error_set(err, QV_ERR_INVALID_DATA,
                      "Parquet page: %s data decompresses to %zu bytes, the page header announces %zu", codec, got,
                      want);
}

/* SNAPPY through libsnappy (the project takes compression from well-kept
 * libraries; a faster hand-written decoder was measured, 0.57x the
 * instructions, and not kept: a decompressor is attack surface). */
static qv_status decode_snappy(const uint8_t *src, size_t n, uint8_t *dst, size_t dst_len, qv_error *err) {
  size_t want = 0;
  if (snappy_uncompressed_length((const char *)src, n, &want) != SNAPPY_OK)
    return qv_error_set(err, QV_ERR_INVALID_DATA, "Parquet page: corrupt SNAPPY data (no valid length preamble)");
  if (want != dst_len) return size_mismatch(err, "SNAPPY", want, dst_len);
  size_t out_len = dst_len;
  if (dst_len == 0) return QV_OK;
  if (snappy_uncompress((const char *)src, n, (char *)dst, &out_len) != SNAPPY_OK || out_len != dst_len)
    return qv_error_set(err, QV_ERR_INVALID_DATA, "Parquet page: corrupt SNAPPY data");
  return QV_OK;
}

/* GZIP: one or more concatenated gzip members (some writers emit several),
 * or a zlib stream (windowBits 15 + 32 detects either header). */
static qv_status decode_gzip(const uint8_t *src, size_t n, uint8_t *dst, size_t dst_len, qv_error *err) {
  z_stream z;
  memset(&z, 0, sizeof(z));
  if (inflateInit2(&z, 15 + 32) != Z_OK) return qv_error_set(err, QV_ERR_NO_MEMORY, "Parquet page: zlib init failed");
  qv_status st = QV_OK;
  size_t in_pos = 0, out_pos = 0;
  for (;;) {
    z.next_in = (Bytef *)(uintptr_t)(src + in_pos);
    z.avail_in = (uInt)((n - in_pos) > UINT32_MAX ? UINT32_MAX : (n - in_pos));
    z.next_out = dst + out_pos;
    z.avail_out = (uInt)((dst_len - out_pos) > UINT32_MAX ? UINT32_MAX : (dst_len - out_pos));
    size_t in_before = z.avail_in, out_before = z.avail_out;
    int rc = inflate(&z, Z_FINISH);
    in_pos += in_before - z.avail_in;
    out_pos += out_before - z.avail_out;
    if (rc == Z_STREAM_END) {
      if (in_pos >= n) break;
      /* another member follows; trailing zero padding ends the data too */
      bool all_zero = true;
      for (size_t i = in_pos; i < n && all_zero; i++) all_zero = src[i] == 0;
      if (all_zero) break;
      if (inflateReset(&z) != Z_OK) {
        st = qv_error_set(err, QV_ERR_INVALID_DATA, "Parquet page: corrupt GZIP data");
        goto done;
      }
      continue;
    }
    if (rc == Z_BUF_ERROR && out_pos == dst_len && z.avail_in > 0) {
      st = qv_error_set(err, QV_ERR_INVALID_DATA,
                        "Parquet page: GZIP data decompresses to more than the %zu bytes the page header announces",
                        dst_len);
      goto done;
    }
    if (rc != Z_OK) {
      st = qv_error_set(err, QV_ERR_INVALID_DATA, "Parquet page: corrupt GZIP data (%s)", z.msg ? z.msg : "zlib error");
      goto done;
    }
  }
  if (out_pos != dst_len) st = size_mismatch(err, "GZIP", out_pos, dst_len);
done:
  inflateEnd(&z);
  return st;
}

static qv_status decode_zstd(const uint8_t *src, size_t n, uint8_t *dst, size_t dst_len, qv_error *err) {
  size_t got = ZSTD_decompress(dst, dst_len, src, n);
  if (ZSTD_isError(got))
    return qv_error_set(err, QV_ERR_INVALID_DATA, "Parquet page: corrupt ZSTD data (%s)", ZSTD_getErrorName(got));
  if (got != dst_len) return size_mismatch(err, "ZSTD", got, dst_len);
  return QV_OK;
}

static qv_status decode_lz4_raw(const uint8_t *src, size_t n, uint8_t *dst, size_t dst_len, qv_error *err) {
  if (n > INT32_MAX || dst_len > INT32_MAX)
    return qv_error_set(err, QV_ERR_LIMIT, "Parquet page: LZ4 block larger than 2 GiB");
  int got = LZ4_decompress_safe((const char *)src, (char *)dst, (int)n, (int)dst_len);
  if (got < 0) return qv_error_set(err, QV_ERR_INVALID_DATA, "Parquet page: corrupt LZ4 data");
  if ((size_t)got != dst_len) return size_mismatch(err, "LZ4", (size_t)got, dst_len);
  return QV_OK;
}

static uint32_t load_be32(const uint8_t *p) {
  return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* Hadoop's framing: blocks of [u32 BE decompressed size][u32 BE compressed
 * size][LZ4 block]. Returns false (without an error) when the input is not
 * in that framing, so the caller can try a bare LZ4 block, as Arrow C++
 * does for codec LZ4. */
static bool decode_lz4_hadoop(const uint8_t *src, size_t n, uint8_t *dst, size_t dst_len) {
  size_t in = 0, out = 0;
  while (in < n) {
    if (n - in < 8) return false;
    uint32_t raw = load_be32(src + in), packed = load_be32(src + in + 4);
    in += 8;
    if (packed > n - in || raw > dst_len - out || packed > INT32_MAX || raw > INT32_MAX) return false;
    int got = LZ4_decompress_safe((const char *)src + in, (char *)dst + out, (int)packed, (int)raw);
    if (got < 0 || (uint32_t)got != raw) return false;
    in += packed;
    out += raw;
  }
  return out == dst_len;
}

static qv_status decode_brotli(const uint8_t *src, size_t n, uint8_t *dst, size_t dst_len, qv_error *err) {
  size_t got = dst_len;
  if (BrotliDecoderDecompress(n, src, &got, dst) != BROTLI_DECODER_RESULT_SUCCESS)
    return qv_error_set(err, QV_ERR_INVALID_DATA,
                        "Parquet page: corrupt BROTLI data (or it decompresses to more than the %zu bytes announced)",
                        dst_len);
  if (got != dst_len) return size_mismatch(err, "BROTLI", got, dst_len);
  return QV_OK;
}

qv_status qv__pq_decompress(int32_t codec, const uint8_t *src, size_t src_len, uint8_t *dst, size_t dst_len,
                            qv_error *err) {
  static const uint8_t empty[1] = {0};
  if (src == NULL) src = empty;
  switch (codec) {
    case QV__PQ_CODEC_UNCOMPRESSED:
      if (src_len != dst_len) return size_mismatch(err, "UNCOMPRESSED", src_len, dst_len);
      if (dst_len > 0) memcpy(dst, src, dst_len);
      return QV_OK;
    case QV__PQ_CODEC_SNAPPY: return decode_snappy(src, src_len, dst, dst_len, err);
    case QV__PQ_CODEC_GZIP: return decode_gzip(src, src_len, dst, dst_len, err);
    case QV__PQ_CODEC_ZSTD: return decode_zstd(src, src_len, dst, dst_len, err);
    case QV__PQ_CODEC_LZ4_RAW: return decode_lz4_raw(src, src_len, dst, dst_len, err);
    case QV__PQ_CODEC_LZ4:
      if (decode_lz4_hadoop(src, src_len, dst, dst_len)) return QV_OK;
      return decode_lz4_raw(src, src_len, dst, dst_len, err);
    case QV__PQ_CODEC_BROTLI: return decode_brotli(src, src_len, dst, dst_len, err);
    default: {
      char buf[16];
      return qv_error_set(err, QV_ERR_UNSUPPORTED, "Parquet: compression %s is not supported",
                          qv__pq_codec_name(codec, buf));
    }
  }
}
