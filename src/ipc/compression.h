/* quiver IPC: body buffer compression (LZ4_FRAME, ZSTD) in the Arrow IPC
 * convention. Internal header.
 *
 * On the wire a compressed buffer is an int64 little-endian uncompressed
 * length followed by the codec's bytes; a length of -1 means the bytes that
 * follow are stored raw. Zero-length buffers stay empty, with no prefix.
 * Codec ids are the FlatBuffers CompressionType values (fb_arrow.h):
 * FB_COMPRESSION_LZ4_FRAME = 0, FB_COMPRESSION_ZSTD = 1.
 */
#ifndef QV_IPC_COMPRESSION_H
#define QV_IPC_COMPRESSION_H

#include <stddef.h>
#include <stdint.h>

#include "quiver/memory.h"
#include "quiver/status.h"

/* Size of the uncompressed-length prefix. */
#define QV_CODEC_PREFIX 8

/* Reusable codec contexts, created lazily on first use of each direction and
 * codec, so a writer or reader allocates them once, not once per buffer.
 * Zero-initialise (or qv_codec_ctx_init) before use. */
typedef struct qv_codec_ctx {
  void *lz4_c;  /* LZ4F_cctx* */
  void *lz4_d;  /* LZ4F_dctx* */
  void *zstd_c; /* ZSTD_CCtx* */
  void *zstd_d; /* ZSTD_DCtx* */
} qv_codec_ctx;

void qv_codec_ctx_init(qv_codec_ctx *ctx);
void qv_codec_ctx_free(qv_codec_ctx *ctx);

/* "LZ4_FRAME", "ZSTD" or "unknown". */
const char *qv_codec_name(int codec);

/* Largest compressed payload (prefix NOT included) for n input bytes;
 * 0 when n is 0 or the codec is unknown. */
size_t qv_codec_compress_bound(int codec, size_t n);

/* Compresses src[0, n) into dst (cap >= qv_codec_compress_bound) as one
 * frame; *written receives the payload size (no prefix). level 0 = the
 * codec's default (LZ4 fast, ZSTD 1). */
qv_status qv_codec_compress(qv_codec_ctx *ctx, int codec, int level, const uint8_t *src, size_t n,
                            uint8_t *dst, size_t cap, size_t *written, qv_error *err);

/* Decodes the IPC-compressed buffer body[offset, offset + length) into *out
 * (caller owns it; NULL for an empty buffer):
 *   - length 0: *out = NULL;
 *   - length < 8: QV_ERR_INVALID_DATA;
 *   - prefix -1: a zero-copy view of the raw bytes after the prefix;
 *   - prefix < -1: QV_ERR_INVALID_DATA;
 *   - prefix > *budget: QV_ERR_LIMIT, checked before allocating;
 *   - else a new aligned buffer of exactly `prefix` bytes; the payload must
 *     be exactly one frame that decodes to exactly `prefix` bytes (no
 *     trailing bytes, no second frame, no output past the prefix).
 * *budget (remaining decompressed bytes allowed for the message) is reduced
 * by the decompressed size. `what` names the buffer in error messages. */
qv_status qv_codec_decompress(qv_codec_ctx *ctx, int codec, qv_buffer *body, int64_t offset,
                              int64_t length, int64_t *budget, const char *what, qv_buffer **out,
                              qv_error *err);

#endif
