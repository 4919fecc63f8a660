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

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "quiver/memory.h"
#include "quiver/status.h"

/* Size of the uncompressed-length prefix. */
#define QV_CODEC_PREFIX 8

/* Batches whose codec input adds up to at least this many bytes are
 * (de)compressed on two threads. */
#define QV_CODEC_MT_MIN ((size_t)1 << 20)

/* One buffer to compress (see qv__codec_compress_jobs). */
typedef struct qv_codec_job {
  const uint8_t *src; /* input */
  size_t n;
  uint8_t *dst;       /* payload output (prefix NOT included), cap bytes */
  size_t cap;         /* >= qv__codec_compress_bound(codec, n) */
  size_t written;     /* out: payload size (0 when raw) */
  bool raw;           /* out: store src raw behind a -1 prefix */
} qv_codec_job;

/* One buffer to decompress (see qv__codec_decompress_many). */
typedef struct qv_codec_djob {
  int64_t offset, length; /* the IPC-compressed bytes in the body */
  const char *what;       /* names the buffer in error messages */
  qv_buffer *out;         /* out: as qv__codec_decompress's *out */
} qv_codec_djob;

/* Reusable codec contexts, created lazily on first use of each direction and
 * codec, so a writer or reader allocates them once, not once per buffer.
 * A context is used by one thread at a time; `helper` holds the contexts of
 * the second thread of two-thread batches. `jobs` is the writer's list of
 * pending buffers for the body being planned (body_write.c).
 * Zero-initialise (or qv__codec_ctx_init) before use. */
typedef struct qv_codec_ctx {
  void *lz4_c;  /* LZ4F_cctx* */
  void *lz4_d;  /* LZ4F_dctx* */
  void *zstd_c; /* ZSTD_CCtx* */
  void *zstd_d; /* ZSTD_DCtx* */
  struct qv_codec_ctx *helper;
  qv_codec_job *jobs;
  uint32_t n_jobs, cap_jobs;
  void *order; /* scratch: task order of the current batch */
  uint32_t cap_order;
  /* reader: buffers of one message decoded ahead (qv__codec_prefetch) */
  qv_codec_djob *pre;
  uint32_t n_pre, cap_pre, pre_next;
  qv_buffer *pre_body; /* retained while pre holds buffers */
} qv_codec_ctx;

struct qv_ipc_batch_header;

void qv__codec_ctx_init(qv_codec_ctx *ctx);
void qv__codec_ctx_free(qv_codec_ctx *ctx);

/* "LZ4_FRAME", "ZSTD" or "unknown". */
const char *qv__codec_name(int codec);

/* Largest compressed payload (prefix NOT included) for n input bytes;
 * 0 when n is 0 or the codec is unknown. */
size_t qv__codec_compress_bound(int codec, size_t n);

/* Compresses src[0, n) into dst (cap >= qv__codec_compress_bound) as one
 * frame; *written receives the payload size (no prefix). level 0 = the
 * codec's default (LZ4 fast, ZSTD 1). */
qv_status qv__codec_compress(qv_codec_ctx *ctx, int codec, int level, const uint8_t *src, size_t n,
                            uint8_t *dst, size_t cap, size_t *written, qv_error *err);

/* Compresses every job (n == 0 jobs produce nothing): job->written gets
 * the payload size, or job->raw is set when the bytes are better stored
 * raw (the payload would not be smaller, or for LZ4 a sample of a large
 * buffer does not shrink). Each job's output depends only on its input, so
 * the result is deterministic; when the inputs add up to QV_CODEC_MT_MIN
 * bytes or more, the jobs are spread over this thread and one helper
 * thread (largest first). On failure the first failing job's error is
 * returned. */
qv_status qv__codec_compress_jobs(qv_codec_ctx *ctx, int codec, int level, qv_codec_job *jobs, uint32_t n,
                                 qv_error *err);

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
qv_status qv__codec_decompress(qv_codec_ctx *ctx, int codec, qv_buffer *body, int64_t offset,
                              int64_t length, int64_t *budget, const char *what, qv_buffer **out,
                              qv_error *err);

/* qv__codec_decompress for a list of buffers of one message, on two threads
 * when their declared uncompressed sizes add up to QV_CODEC_MT_MIN or more.
 * Prefixes and the budget are checked (in list order) before any
 * decompression; on failure every job's out is released and NULL, and the
 * error names the failing buffer (`what`). Zero-length jobs give NULL. */
qv_status qv__codec_decompress_many(qv_codec_ctx *ctx, int codec, qv_buffer *body, qv_codec_djob *jobs, uint32_t n,
                                   int64_t *budget, qv_error *err);

/* Reader fast path: decodes every compressed buffer of one message (the
 * Buffers of h, in body[0, body_length)) ahead, on two threads, when they
 * add up to QV_CODEC_MT_MIN bytes or more; qv__codec_decompress then hands
 * these out (same body, offset and length, in Buffer order) instead of
 * decoding. Best effort: on any problem (bounds, prefixes, the budget,
 * corrupt data, memory) nothing is kept and qv__codec_decompress decodes
 * and reports as usual, so errors and budget accounting are unchanged.
 * Call qv__codec_prefetch_drop once the message is loaded (also on
 * failure): it releases what was not handed out. */
void qv__codec_prefetch(qv_codec_ctx *ctx, const struct qv_ipc_batch_header *h, qv_buffer *body,
                       int64_t body_length, int64_t budget);
void qv__codec_prefetch_drop(qv_codec_ctx *ctx);

#endif
