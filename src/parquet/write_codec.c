/* quiver Parquet writer: page compression with Debian's codec libraries.
 *
 * Parquet's codecs as its Compression.md defines them: SNAPPY raw blocks
 * (libsnappy's C API), GZIP as a gzip stream (zlib with the gzip wrapper),
 * ZSTD frames, LZ4_RAW as one LZ4 block (no frame), BROTLI streams. Each
 * page is compressed alone. Default levels follow Arrow C++ (ZSTD 1,
 * BROTLI 8) and zlib (6), so sizes compare with pyarrow's.
 * The ZSTD context is created once per writer and reused for every page.
 */
#include <brotli/encode.h>
#include <lz4.h>
#include <lz4hc.h>
#include <snappy-c.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "core/internal.h"
#include "parquet/write_internal.h"

qv_status qv__pq_codec_init(qv__pq_compressor *c, qv_parquet_compression codec, int level, qv_error *err) {
  memset(c, 0, sizeof *c);
  c->codec = codec;
  c->level = level;
  switch (codec) {
    case QV_PARQUET_UNCOMPRESSED:
    case QV_PARQUET_SNAPPY: return QV_OK;
    case QV_PARQUET_GZIP:
      if (level == 0) c->level = 6;
      if (c->level < 1 || c->level > 9)
        return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "GZIP compression level %d is outside 1..9", level);
      return QV_OK;
    case QV_PARQUET_BROTLI:
      if (level == 0) c->level = 8;
      if (c->level < 0 || c->level > 11)
        return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "BROTLI compression level %d is outside 0..11", level);
      return QV_OK;
    case QV_PARQUET_ZSTD:
      if (level == 0) c->level = 1;
      if (c->level < ZSTD_minCLevel() || c->level > ZSTD_maxCLevel())
        return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "ZSTD compression level %d is outside %d..%d", level,
                            ZSTD_minCLevel(), ZSTD_maxCLevel());
      return QV_OK;
    case QV_PARQUET_LZ4_RAW:
      if (level < 0 || level > LZ4HC_CLEVEL_MAX)
        return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "LZ4_RAW compression level %d is outside 0..%d", level,
                            LZ4HC_CLEVEL_MAX);
      return QV_OK;
  }
  return qv_error_set(err, QV_ERR_INVALID_ARGUMENT,
                      "Parquet compression %d is not one of UNCOMPRESSED, SNAPPY, GZIP, BROTLI, ZSTD, LZ4_RAW",
                      (int)codec);
}

void qv__pq_codec_free(qv__pq_compressor *c) {
  if (c->zstd) ZSTD_freeCCtx(c->zstd);
  c->zstd = NULL;
}

static qv_status gzip_compress(int level, const uint8_t *src, size_t n, qv__pq_buf *out, qv_error *err) {
  z_stream zs;
  memset(&zs, 0, sizeof zs);
  if (deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    return qv_error_set(err, QV_ERR_NO_MEMORY, "GZIP: deflateInit2 failed");
  size_t bound = deflateBound(&zs, (uLong)n);
  if (!qv__pq_buf_reserve(out, bound)) {
    deflateEnd(&zs);
    return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory compressing a page (GZIP)");
  }
  zs.next_in = (Bytef *)(uintptr_t)src;
  zs.avail_in = (uInt)n;
  zs.next_out = out->data + out->len;
  zs.avail_out = (uInt)bound;
  int rc = deflate(&zs, Z_FINISH);
  size_t written = bound - zs.avail_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) return qv_error_set(err, QV_ERR_IO, "GZIP: deflate failed (%d)", rc);
  out->len += written;
  return QV_OK;
}

qv_status qv__pq_codec_compress(qv__pq_compressor *c, const uint8_t *src, size_t n, qv__pq_buf *out, qv_error *err) {
  static const uint8_t empty[1] = {0};
  if (src == NULL) src = empty;
  if (n > (size_t)INT32_MAX)
    return qv_error_set(err, QV_ERR_LIMIT, "a Parquet page of %zu bytes is larger than 2 GiB", n);
  switch (c->codec) {
    case QV_PARQUET_UNCOMPRESSED: qv__pq_buf_append(out, src, n); break;
    case QV_PARQUET_SNAPPY: {
      size_t cap = snappy_max_compressed_length(n);
      if (!qv__pq_buf_reserve(out, cap)) break;
      if (snappy_compress((const char *)src, n, (char *)out->data + out->len, &cap) != SNAPPY_OK)
        return qv_error_set(err, QV_ERR_IO, "SNAPPY compression of a %zu-byte page failed", n);
      out->len += cap;
      break;
    }
    case QV_PARQUET_GZIP: return gzip_compress(c->level, src, n, out, err);
    case QV_PARQUET_ZSTD: {
      if (c->zstd == NULL) {
        c->zstd = ZSTD_createCCtx();
        if (c->zstd == NULL) return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory creating a ZSTD context");
      }
      size_t cap = ZSTD_compressBound(n);
      if (!qv__pq_buf_reserve(out, cap)) break;
      size_t r = ZSTD_compressCCtx(c->zstd, out->data + out->len, cap, src, n, c->level);
      if (ZSTD_isError(r)) return qv_error_set(err, QV_ERR_IO, "ZSTD compression failed: %s", ZSTD_getErrorName(r));
      out->len += r;
      break;
    }
    case QV_PARQUET_LZ4_RAW: {
      int cap = LZ4_compressBound((int)n);
      if (!qv__pq_buf_reserve(out, (size_t)cap)) break;
      int r = c->level > 1 ? LZ4_compress_HC((const char *)src, (char *)out->data + out->len, (int)n, cap, c->level)
                           : LZ4_compress_default((const char *)src, (char *)out->data + out->len, (int)n, cap);
      if (r <= 0 && n > 0) return qv_error_set(err, QV_ERR_IO, "LZ4_RAW compression of a %zu-byte page failed", n);
      out->len += (size_t)r;
      break;
    }
    case QV_PARQUET_BROTLI: {
      size_t cap = BrotliEncoderMaxCompressedSize(n);
      if (cap == 0) cap = n + 1024;
      if (!qv__pq_buf_reserve(out, cap)) break;
      if (!BrotliEncoderCompress(c->level, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_GENERIC, n, src, &cap,
                                 out->data + out->len))
        return qv_error_set(err, QV_ERR_IO, "BROTLI compression of a %zu-byte page failed", n);
      out->len += cap;
      break;
    }
  }
  return qv__pq_buf_status(out, "a compressed page", err);
}
