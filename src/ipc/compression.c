/* quiver IPC: LZ4_FRAME and ZSTD buffer codecs (liblz4, libzstd).
 *
 * Decompression treats its input as hostile (BAD_INPUTS 31-33): the prefix
 * is checked against the caller's per-message budget BEFORE the output is
 * allocated, the payload must be exactly one frame, it must decode to
 * exactly `prefix` bytes (never writing past the buffer), and no bytes may
 * follow the frame. Contexts are created lazily and reused, so the hot path
 * allocates only the output buffers; a context left in an error state is
 * reset before its next use.
 */
#include "ipc/compression.h"

#include <lz4frame.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "core/internal.h"
#include "ipc/flatbuf/fb_arrow.h"
#include "ipc/flatbuf/fb_endian.h"

void qv_codec_ctx_init(qv_codec_ctx *ctx) { memset(ctx, 0, sizeof *ctx); }

void qv_codec_ctx_free(qv_codec_ctx *ctx) {
  if (ctx == NULL) return;
  if (ctx->lz4_c) LZ4F_freeCompressionContext((LZ4F_cctx *)ctx->lz4_c);
  if (ctx->lz4_d) LZ4F_freeDecompressionContext((LZ4F_dctx *)ctx->lz4_d);
  if (ctx->zstd_c) ZSTD_freeCCtx((ZSTD_CCtx *)ctx->zstd_c);
  if (ctx->zstd_d) ZSTD_freeDCtx((ZSTD_DCtx *)ctx->zstd_d);
  memset(ctx, 0, sizeof *ctx);
}

const char *qv_codec_name(int codec) {
  switch (codec) {
    case FB_COMPRESSION_LZ4_FRAME: return "LZ4_FRAME";
    case FB_COMPRESSION_ZSTD: return "ZSTD";
    default: return "unknown";
  }
}

static void lz4_prefs(LZ4F_preferences_t *p, size_t n, int level) {
  memset(p, 0, sizeof *p);
  p->frameInfo.contentSize = (unsigned long long)n;
  p->compressionLevel = level;
}

size_t qv_codec_compress_bound(int codec, size_t n) {
  if (n == 0) return 0;
  if (codec == FB_COMPRESSION_LZ4_FRAME) {
    LZ4F_preferences_t p;
    lz4_prefs(&p, n, 0);
    return LZ4F_compressFrameBound(n, &p);
  }
  if (codec == FB_COMPRESSION_ZSTD) return ZSTD_compressBound(n);
  return 0;
}

static qv_status lz4_compress(qv_codec_ctx *ctx, int level, const uint8_t *src, size_t n, uint8_t *dst,
                              size_t cap, size_t *written, qv_error *err) {
  if (ctx->lz4_c == NULL) {
    LZ4F_cctx *c = NULL;
    if (LZ4F_isError(LZ4F_createCompressionContext(&c, LZ4F_VERSION)) || c == NULL)
      return qv_error_set(err, QV_ERR_NO_MEMORY, "cannot create an LZ4 compression context");
    ctx->lz4_c = c;
  }
  LZ4F_cctx *c = (LZ4F_cctx *)ctx->lz4_c;
  LZ4F_preferences_t p;
  lz4_prefs(&p, n, level);
  size_t pos = 0;
  size_t r = LZ4F_compressBegin(c, dst, cap, &p);
  if (!LZ4F_isError(r)) {
    pos += r;
    r = LZ4F_compressUpdate(c, dst + pos, cap - pos, src, n, NULL);
  }
  if (!LZ4F_isError(r)) {
    pos += r;
    r = LZ4F_compressEnd(c, dst + pos, cap - pos, NULL);
  }
  if (LZ4F_isError(r))
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "LZ4 compression of %zu bytes failed: %s", n,
                        LZ4F_getErrorName(r));
  *written = pos + r;
  return QV_OK;
}

static qv_status zstd_compress(qv_codec_ctx *ctx, int level, const uint8_t *src, size_t n, uint8_t *dst,
                               size_t cap, size_t *written, qv_error *err) {
  if (ctx->zstd_c == NULL) {
    ctx->zstd_c = ZSTD_createCCtx();
    if (ctx->zstd_c == NULL) return qv_error_set(err, QV_ERR_NO_MEMORY, "cannot create a ZSTD compression context");
  }
  size_t r = ZSTD_compressCCtx((ZSTD_CCtx *)ctx->zstd_c, dst, cap, src, n, level == 0 ? 1 : level);
  if (ZSTD_isError(r))
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "ZSTD compression of %zu bytes failed: %s", n,
                        ZSTD_getErrorName(r));
  *written = r;
  return QV_OK;
}

qv_status qv_codec_compress(qv_codec_ctx *ctx, int codec, int level, const uint8_t *src, size_t n,
                            uint8_t *dst, size_t cap, size_t *written, qv_error *err) {
  *written = 0;
  if (n == 0) return QV_OK;
  if (codec == FB_COMPRESSION_LZ4_FRAME) return lz4_compress(ctx, level, src, n, dst, cap, written, err);
  if (codec == FB_COMPRESSION_ZSTD) return zstd_compress(ctx, level, src, n, dst, cap, written, err);
  return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "unknown compression codec %d", codec);
}

/* Decodes one LZ4 frame of exactly `out_n` bytes from src[0, n). */
static qv_status lz4_decompress(qv_codec_ctx *ctx, const uint8_t *src, size_t n, uint8_t *out, size_t out_n,
                                const char *what, qv_error *err) {
  if (ctx->lz4_d == NULL) {
    LZ4F_dctx *d = NULL;
    if (LZ4F_isError(LZ4F_createDecompressionContext(&d, LZ4F_VERSION)) || d == NULL)
      return qv_error_set(err, QV_ERR_NO_MEMORY, "cannot create an LZ4 decompression context");
    ctx->lz4_d = d;
  }
  LZ4F_dctx *d = (LZ4F_dctx *)ctx->lz4_d;
  LZ4F_resetDecompressionContext(d);
  size_t in_pos = 0, out_pos = 0;
  uint8_t probe[64]; /* catches output past the prefix once `out` is full */
  for (;;) {
    bool probing = out_pos == out_n;
    uint8_t *dst = probing ? probe : out + out_pos;
    size_t o_n = probing ? sizeof probe : out_n - out_pos;
    size_t in_n = n - in_pos;
    size_t hint = LZ4F_decompress(d, dst, &o_n, src + in_pos, &in_n, NULL);
    if (LZ4F_isError(hint))
      return qv_error_set(err, QV_ERR_INVALID_DATA, "%s: corrupt LZ4 frame at compressed byte %zu: %s", what,
                          in_pos, LZ4F_getErrorName(hint));
    if (probing && o_n > 0)
      return qv_error_set(err, QV_ERR_INVALID_DATA,
                          "%s: LZ4 frame decodes to more than the %zu bytes its prefix declares", what, out_n);
    in_pos += in_n;
    if (!probing) out_pos += o_n;
    if (hint == 0) break; /* frame complete */
    if (in_n == 0 && o_n == 0)
      return qv_error_set(err, QV_ERR_INVALID_DATA,
                          "%s: LZ4 frame is truncated: %zu of %zu bytes decoded from %zu compressed bytes", what,
                          out_pos, out_n, n);
  }
  if (out_pos != out_n)
    return qv_error_set(err, QV_ERR_INVALID_DATA, "%s: LZ4 frame decodes to %zu bytes, prefix declares %zu", what,
                        out_pos, out_n);
  if (in_pos != n)
    return qv_error_set(err, QV_ERR_INVALID_DATA,
                        "%s: %zu trailing bytes after the LZ4 frame (extra frame or garbage)", what, n - in_pos);
  return QV_OK;
}

static qv_status zstd_decompress(qv_codec_ctx *ctx, const uint8_t *src, size_t n, uint8_t *out, size_t out_n,
                                 const char *what, qv_error *err) {
  if (ctx->zstd_d == NULL) {
    ctx->zstd_d = ZSTD_createDCtx();
    if (ctx->zstd_d == NULL) return qv_error_set(err, QV_ERR_NO_MEMORY, "cannot create a ZSTD decompression context");
  }
  size_t frame = ZSTD_findFrameCompressedSize(src, n);
  if (ZSTD_isError(frame))
    return qv_error_set(err, QV_ERR_INVALID_DATA, "%s: corrupt ZSTD frame: %s", what, ZSTD_getErrorName(frame));
  if (frame != n)
    return qv_error_set(err, QV_ERR_INVALID_DATA,
                        "%s: %zu trailing bytes after the ZSTD frame (extra frame or garbage)", what, n - frame);
  unsigned long long declared = ZSTD_getFrameContentSize(src, n);
  if (declared != ZSTD_CONTENTSIZE_UNKNOWN && declared != ZSTD_CONTENTSIZE_ERROR && declared != out_n)
    return qv_error_set(err, QV_ERR_INVALID_DATA, "%s: ZSTD frame declares %llu bytes, prefix declares %zu", what,
                        declared, out_n);
  ZSTD_DCtx_reset((ZSTD_DCtx *)ctx->zstd_d, ZSTD_reset_session_only);
  size_t r = ZSTD_decompressDCtx((ZSTD_DCtx *)ctx->zstd_d, out, out_n, src, n);
  if (ZSTD_isError(r)) {
    if (ZSTD_getErrorCode(r) == ZSTD_error_dstSize_tooSmall)
      return qv_error_set(err, QV_ERR_INVALID_DATA,
                          "%s: ZSTD frame decodes to more than the %zu bytes its prefix declares", what, out_n);
    return qv_error_set(err, QV_ERR_INVALID_DATA, "%s: corrupt ZSTD frame: %s", what, ZSTD_getErrorName(r));
  }
  if (r != out_n)
    return qv_error_set(err, QV_ERR_INVALID_DATA, "%s: ZSTD frame decodes to %zu bytes, prefix declares %zu", what, r,
                        out_n);
  return QV_OK;
}

qv_status qv_codec_decompress(qv_codec_ctx *ctx, int codec, qv_buffer *body, int64_t offset, int64_t length,
                              int64_t *budget, const char *what, qv_buffer **out, qv_error *err) {
  *out = NULL;
  if (length == 0) return QV_OK;
  if (codec != FB_COMPRESSION_LZ4_FRAME && codec != FB_COMPRESSION_ZSTD)
    return qv_error_set(err, QV_ERR_UNSUPPORTED, "%s: unknown compression codec %d", what, codec);
  if (length < QV_CODEC_PREFIX)
    return qv_error_set(err, QV_ERR_INVALID_DATA,
                        "%s: compressed buffer of %lld bytes is shorter than its 8-byte length prefix", what,
                        (long long)length);
  const uint8_t *src = body->data + offset;
  int64_t prefix = qv_fb_load_i64(src);
  if (prefix == -1) return qv_buffer_view(body, offset + QV_CODEC_PREFIX, length - QV_CODEC_PREFIX, out, err);
  if (prefix < -1)
    return qv_error_set(err, QV_ERR_INVALID_DATA, "%s: invalid uncompressed length %lld in compression prefix", what,
                        (long long)prefix);
  if (prefix > *budget)
    return qv_error_set(err, QV_ERR_LIMIT,
                        "%s: compression prefix claims %lld uncompressed bytes, above the remaining limit of %lld "
                        "bytes for this message (read option max_decompressed_size)",
                        what, (long long)prefix, (long long)*budget);
  if ((uint64_t)prefix > (uint64_t)SIZE_MAX / 2)
    return qv_error_set(err, QV_ERR_LIMIT, "%s: uncompressed length %lld too large", what, (long long)prefix);
  qv_buffer *buf = NULL;
  QV_RETURN_IF_ERROR(qv_buffer_allocate(NULL, prefix, false, &buf, err));
  const uint8_t *payload = src + QV_CODEC_PREFIX;
  size_t payload_n = (size_t)(length - QV_CODEC_PREFIX);
  qv_status st;
  if (prefix == 0 && payload_n == 0)
    st = QV_OK;
  else if (codec == FB_COMPRESSION_LZ4_FRAME)
    st = lz4_decompress(ctx, payload, payload_n, buf->data, (size_t)prefix, what, err);
  else
    st = zstd_decompress(ctx, payload, payload_n, buf->data, (size_t)prefix, what, err);
  if (st != QV_OK) {
    qv_buffer_release(buf);
    return st;
  }
  *budget -= prefix;
  *out = buf;
  return QV_OK;
}
