/* quiver IPC: LZ4_FRAME and ZSTD buffer codecs (liblz4, libzstd).
 *
 * Decompression treats its input as hostile (docs/robustness.md, classes 31-33): the prefix
 * is checked against the caller's per-message budget BEFORE the output is
 * allocated, the payload must be exactly one frame, it must decode to
 * exactly `prefix` bytes (never writing past the buffer), and no bytes may
 * follow the frame. Contexts are created lazily and reused, so the hot path
 * allocates only the output buffers; a context left in an error state is
 * reset before its next use.
 *
 * Batches (qv__codec_compress_jobs, qv__codec_decompress_many) of at least
 * QV_CODEC_MT_MIN bytes run on this thread plus one short-lived helper
 * thread that takes tasks from a shared atomic cursor (largest first); the
 * helper uses ctx->helper's contexts, so no context is ever used by two
 * threads at once, and nothing global is shared. Each task writes only its
 * own output region, so results do not depend on the scheduling.
 *
 * Writing LZ4, a large buffer whose three 16 KiB samples do not shrink is
 * stored raw (-1 prefix) without compressing the rest: LZ4 cannot shrink
 * such data (e.g. random text), and the spec lets the writer store raw.
 * Reading, qv__codec_prefetch decodes a message's buffers ahead on two
 * threads; qv__codec_decompress hands them out, falling back to its usual
 * checks and messages whenever the prefetch did not cover a buffer.
 * Decoded buffers come from the C heap (qv__heap_allocator), not from the
 * default allocator's fresh mappings: a reader decoding batch after batch
 * gets the memory of released batches back instead of faulting in (and the
 * kernel zeroing) every page of every output again, which cost a quarter
 * of a ZSTD read's CPU time.
 */
#include "ipc/compression.h"

#include <lz4.h>
#include <lz4frame.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "core/internal.h"
#include "ipc/flatbuf/fb_arrow.h"
#include "ipc/flatbuf/fb_endian.h"
#include "ipc/metadata.h"

void qv__codec_ctx_init(qv_codec_ctx *ctx) { memset(ctx, 0, sizeof *ctx); }

void qv__codec_ctx_free(qv_codec_ctx *ctx) {
  if (ctx == NULL) return;
  /* A reader of uncompressed input never made anything: every read of one
   * pays this check instead of the frees below. */
  if (ctx->lz4_c == NULL && ctx->lz4_d == NULL && ctx->zstd_c == NULL && ctx->zstd_d == NULL && ctx->helper == NULL &&
      ctx->jobs == NULL && ctx->order == NULL && ctx->pre == NULL && ctx->pre_body == NULL)
    return;
  if (ctx->helper) {
    qv__codec_ctx_free(ctx->helper);
    qv__free(ctx->helper);
  }
  qv__codec_prefetch_drop(ctx);
  qv__free(ctx->pre);
  qv__free(ctx->jobs);
  qv__free(ctx->order);
  if (ctx->lz4_c) LZ4F_freeCompressionContext((LZ4F_cctx *)ctx->lz4_c);
  if (ctx->lz4_d) LZ4F_freeDecompressionContext((LZ4F_dctx *)ctx->lz4_d);
  if (ctx->zstd_c) ZSTD_freeCCtx((ZSTD_CCtx *)ctx->zstd_c);
  if (ctx->zstd_d) ZSTD_freeDCtx((ZSTD_DCtx *)ctx->zstd_d);
  memset(ctx, 0, sizeof *ctx);
}

const char *qv__codec_name(int codec) {
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

size_t qv__codec_compress_bound(int codec, size_t n) {
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

qv_status qv__codec_compress(qv_codec_ctx *ctx, int codec, int level, const uint8_t *src, size_t n,
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

/* Checks the prefix of body[offset, offset + length) against *budget and
 * prepares *out: NULL (empty), a view (raw, *need_decode false) or a fresh
 * buffer of `prefix` bytes to decode into (*need_decode true). */
static qv_status decompress_prepare(int codec, qv_buffer *body, int64_t offset, int64_t length, int64_t *budget,
                                    const char *what, qv_buffer **out, bool *need_decode, qv_error *err) {
  *out = NULL;
  *need_decode = false;
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
  QV_RETURN_IF_ERROR(qv_buffer_allocate(qv__heap_allocator(), prefix, false, out, err));
  *budget -= prefix;
  *need_decode = true;
  return QV_OK;
}

/* Decodes the payload of body[offset, offset + length) into buf (sized by
 * decompress_prepare). */
static qv_status decompress_run(qv_codec_ctx *ctx, int codec, const qv_buffer *body, int64_t offset, int64_t length,
                                const char *what, qv_buffer *buf, qv_error *err) {
  const uint8_t *payload = body->data + offset + QV_CODEC_PREFIX;
  size_t payload_n = (size_t)(length - QV_CODEC_PREFIX);
  if (buf->size == 0 && payload_n == 0) return QV_OK;
  if (codec == FB_COMPRESSION_LZ4_FRAME)
    return lz4_decompress(ctx, payload, payload_n, buf->data, (size_t)buf->size, what, err);
  return zstd_decompress(ctx, payload, payload_n, buf->data, (size_t)buf->size, what, err);
}

qv_status qv__codec_decompress(qv_codec_ctx *ctx, int codec, qv_buffer *body, int64_t offset, int64_t length,
                              int64_t *budget, const char *what, qv_buffer **out, qv_error *err) {
  if (ctx->n_pre > 0 && body == ctx->pre_body) { /* decoded ahead? */
    for (uint32_t k = ctx->pre_next; k < ctx->n_pre; k++) {
      qv_codec_djob *j = &ctx->pre[k];
      if (j->offset != offset || j->length != length) continue;
      bool raw = qv_fb_load_i64(body->data + offset) == -1;
      int64_t cost = raw || j->out == NULL ? 0 : j->out->size;
      if (cost > *budget) break; /* the usual path reports it */
      *out = j->out;
      j->out = NULL;
      *budget -= cost;
      ctx->pre_next = k + 1;
      return QV_OK;
    }
  }
  bool decode = false;
  int64_t left = *budget;
  QV_RETURN_IF_ERROR(decompress_prepare(codec, body, offset, length, &left, what, out, &decode, err));
  if (decode) {
    qv_status st = decompress_run(ctx, codec, body, offset, length, what, *out, err);
    if (st != QV_OK) {
      qv_buffer_release(*out);
      *out = NULL;
      return st;
    }
  }
  *budget = left;
  return QV_OK;
}

/* ---- two-thread batches ---- */

typedef qv_status (*task_fn)(qv_codec_ctx *c, void *arg, uint32_t i, qv_error *err);

typedef struct {
  size_t weight;
  uint32_t index;
} task_order;

typedef struct {
  task_fn fn;
  void *arg;
  const task_order *order;
  uint32_t n;
  atomic_uint next;
} task_pool;

typedef struct {
  task_pool *pool;
  qv_codec_ctx *ctx;
  uint32_t fail_i; /* index of the first failing task seen, n if none */
  qv_status st;
  qv_error err;
} task_worker;

static void work(task_worker *w) {
  task_pool *pl = w->pool;
  for (;;) {
    unsigned k = atomic_fetch_add(&pl->next, 1u);
    if (k >= pl->n) break;
    uint32_t i = pl->order[k].index;
    qv_status st = pl->fn(w->ctx, pl->arg, i, &w->err);
    if (st != QV_OK) {
      w->st = st;
      w->fail_i = i;
      atomic_store(&pl->next, pl->n); /* stop handing out tasks */
      break;
    }
  }
}

static void *work_thread(void *arg) {
  work((task_worker *)arg);
  return NULL;
}

static int by_weight_desc(const void *a, const void *b) {
  const task_order *x = (const task_order *)a, *y = (const task_order *)b;
  if (x->weight != y->weight) return x->weight > y->weight ? -1 : 1;
  return x->index < y->index ? -1 : (x->index > y->index ? 1 : 0);
}

/* Runs fn over the tasks with weight[i] > 0 (ctx->order must hold them,
 * n of them), heaviest first, on this thread and, when total >=
 * QV_CODEC_MT_MIN and there are two or more, a helper thread. */
static qv_status run_tasks(qv_codec_ctx *ctx, task_fn fn, void *arg, uint32_t n, size_t total, qv_error *err) {
  task_order *order = (task_order *)ctx->order;
  bool threaded = n >= 2 && total >= QV_CODEC_MT_MIN;
  if (!threaded) {
    for (uint32_t k = 0; k < n; k++) QV_RETURN_IF_ERROR(fn(ctx, arg, order[k].index, err));
    return QV_OK;
  }
  if (ctx->helper == NULL) {
    ctx->helper = (qv_codec_ctx *)qv__calloc(1, sizeof *ctx->helper);
    QV_CHECK_ALLOC(ctx->helper, err);
  }
  qsort(order, n, sizeof *order, by_weight_desc);
  task_pool pool = {.fn = fn, .arg = arg, .order = order, .n = n};
  atomic_init(&pool.next, 0u);
  task_worker ws[2];
  for (int t = 0; t < 2; t++) {
    ws[t].pool = &pool;
    ws[t].ctx = t == 0 ? ctx : ctx->helper;
    ws[t].fail_i = n;
    ws[t].st = QV_OK;
    qv_error_clear(&ws[t].err);
  }
  pthread_t th;
  bool started = pthread_create(&th, NULL, work_thread, &ws[1]) == 0;
  work(&ws[0]);
  if (started) pthread_join(th, NULL);
  int bad = -1;
  for (int t = 0; t < 2; t++)
    if (ws[t].st != QV_OK && (bad < 0 || ws[t].fail_i < ws[bad].fail_i)) bad = t;
  if (bad < 0) return QV_OK;
  if (err) *err = ws[bad].err;
  return ws[bad].st;
}

/* Makes room for n task_order entries in ctx->order. */
static qv_status order_reserve(qv_codec_ctx *ctx, uint32_t n, qv_error *err) {
  if (n <= ctx->cap_order) return QV_OK;
  uint32_t cap = ctx->cap_order ? ctx->cap_order : 16;
  while (cap < n) cap = cap > UINT32_MAX / 2 ? n : cap * 2;
  void *q = qv__realloc(ctx->order, (size_t)cap * sizeof(task_order));
  QV_CHECK_ALLOC(q, err);
  ctx->order = q;
  ctx->cap_order = cap;
  return QV_OK;
}

/* ---- compressing a batch ---- */

#define LZ4_SAMPLE_MIN ((size_t)256 << 10) /* buffers this large are sampled first */
#define LZ4_SAMPLE ((size_t)16 << 10)      /* bytes per sample, three samples */

/* True when three LZ4 block samples (start, middle, end) of src all fail
 * to shrink by 1/32: the whole buffer is then stored raw. scratch holds
 * LZ4_compressBound(LZ4_SAMPLE) bytes. */
static bool lz4_incompressible(const uint8_t *src, size_t n, uint8_t *scratch, size_t scratch_n) {
  size_t at[3] = {0, n / 2 - LZ4_SAMPLE / 2, n - LZ4_SAMPLE};
  for (int k = 0; k < 3; k++) {
    int r = LZ4_compress_default((const char *)src + at[k], (char *)scratch, (int)LZ4_SAMPLE, (int)scratch_n);
    if (r <= 0 || (size_t)r < LZ4_SAMPLE - LZ4_SAMPLE / 32) return false;
  }
  return true;
}

typedef struct {
  int codec, level;
  qv_codec_job *jobs;
} compress_batch;

static qv_status compress_task(qv_codec_ctx *c, void *arg, uint32_t i, qv_error *err) {
  compress_batch *b = (compress_batch *)arg;
  qv_codec_job *j = &b->jobs[i];
  j->written = 0;
  j->raw = false;
  if (j->n == 0) return QV_OK;
  if (b->codec == FB_COMPRESSION_LZ4_FRAME && j->n >= LZ4_SAMPLE_MIN &&
      j->cap >= (size_t)LZ4_COMPRESSBOUND(LZ4_SAMPLE) &&
      lz4_incompressible(j->src, j->n, j->dst, j->cap)) {
    j->raw = true;
    return QV_OK;
  }
  QV_RETURN_IF_ERROR(qv__codec_compress(c, b->codec, b->level, j->src, j->n, j->dst, j->cap, &j->written, err));
  if (j->written >= j->n) {
    j->written = 0;
    j->raw = true;
  }
  return QV_OK;
}

qv_status qv__codec_compress_jobs(qv_codec_ctx *ctx, int codec, int level, qv_codec_job *jobs, uint32_t n,
                                 qv_error *err) {
  if (codec != FB_COMPRESSION_LZ4_FRAME && codec != FB_COMPRESSION_ZSTD)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "unknown compression codec %d", codec);
  QV_RETURN_IF_ERROR(order_reserve(ctx, n, err));
  task_order *order = (task_order *)ctx->order;
  uint32_t m = 0;
  size_t total = 0;
  for (uint32_t i = 0; i < n; i++) {
    jobs[i].written = 0;
    jobs[i].raw = false;
    if (jobs[i].n == 0) continue;
    order[m].weight = jobs[i].n;
    order[m].index = i;
    m++;
    total += jobs[i].n;
  }
  compress_batch b = {.codec = codec, .level = level, .jobs = jobs};
  return run_tasks(ctx, compress_task, &b, m, total, err);
}

/* ---- decompressing a batch ---- */

typedef struct {
  int codec;
  qv_buffer *body;
  qv_codec_djob *jobs;
} decompress_batch;

static qv_status decompress_task(qv_codec_ctx *c, void *arg, uint32_t i, qv_error *err) {
  decompress_batch *b = (decompress_batch *)arg;
  qv_codec_djob *j = &b->jobs[i];
  return decompress_run(c, b->codec, b->body, j->offset, j->length, j->what, j->out, err);
}

qv_status qv__codec_decompress_many(qv_codec_ctx *ctx, int codec, qv_buffer *body, qv_codec_djob *jobs, uint32_t n,
                                   int64_t *budget, qv_error *err) {
  for (uint32_t i = 0; i < n; i++) jobs[i].out = NULL;
  int64_t left = *budget;
  size_t total = 0;
  uint32_t m = 0;
  qv_status st = order_reserve(ctx, n, err);
  for (uint32_t i = 0; i < n && st == QV_OK; i++) {
    bool decode = false;
    st = decompress_prepare(codec, body, jobs[i].offset, jobs[i].length, &left, jobs[i].what, &jobs[i].out, &decode,
                            err);
    if (st == QV_OK && decode) {
      task_order *order = (task_order *)ctx->order;
      order[m].weight = (size_t)jobs[i].out->size + 1;
      order[m].index = i;
      m++;
      total += (size_t)jobs[i].out->size;
    }
  }
  if (st == QV_OK) {
    decompress_batch b = {.codec = codec, .body = body, .jobs = jobs};
    st = run_tasks(ctx, decompress_task, &b, m, total, err);
  }
  if (st != QV_OK) {
    for (uint32_t i = 0; i < n; i++) {
      qv_buffer_release(jobs[i].out);
      jobs[i].out = NULL;
    }
    return st;
  }
  *budget = left;
  return QV_OK;
}

/* ---- reading ahead ---- */

void qv__codec_prefetch_drop(qv_codec_ctx *ctx) {
  for (uint32_t k = 0; k < ctx->n_pre; k++) {
    qv_buffer_release(ctx->pre[k].out);
    ctx->pre[k].out = NULL;
  }
  ctx->n_pre = ctx->pre_next = 0;
  qv_buffer_release(ctx->pre_body);
  ctx->pre_body = NULL;
}

void qv__codec_prefetch(qv_codec_ctx *ctx, const qv_ipc_batch_header *h, qv_buffer *body, int64_t body_length,
                       int64_t budget) {
  qv__codec_prefetch_drop(ctx);
  if (body == NULL || (h->codec != FB_COMPRESSION_LZ4_FRAME && h->codec != FB_COMPRESSION_ZSTD)) return;
  if (body_length > body->size) body_length = body->size;
  uint32_t m = 0;
  uint64_t total = 0;
  for (uint32_t i = 0; i < h->n_buffers; i++) {
    qv_ipc_buffer_loc loc = qv_ipc_batch_buffer(h, i);
    if (loc.length == 0) continue;
    if (loc.offset < 0 || loc.length < QV_CODEC_PREFIX || loc.offset > body_length ||
        loc.length > body_length - loc.offset)
      return; /* leave it to the usual path */
    int64_t prefix = qv_fb_load_i64(body->data + loc.offset);
    if (prefix < -1 || prefix > budget) return;
    if (prefix > 0) total += (uint64_t)prefix;
    m++;
  }
  if (m < 2 || total < QV_CODEC_MT_MIN) return;
  if (m > ctx->cap_pre) {
    qv_codec_djob *q = (qv_codec_djob *)qv__realloc(ctx->pre, (size_t)m * sizeof *q);
    if (q == NULL) return;
    ctx->pre = q;
    ctx->cap_pre = m;
  }
  uint32_t k = 0;
  for (uint32_t i = 0; i < h->n_buffers; i++) {
    qv_ipc_buffer_loc loc = qv_ipc_batch_buffer(h, i);
    if (loc.length == 0) continue;
    ctx->pre[k].offset = loc.offset;
    ctx->pre[k].length = loc.length;
    ctx->pre[k].what = "buffer";
    ctx->pre[k].out = NULL;
    k++;
  }
  int64_t left = budget;
  if (qv__codec_decompress_many(ctx, h->codec, body, ctx->pre, m, &left, NULL) != QV_OK) return;
  ctx->n_pre = m;
  ctx->pre_next = 0;
  ctx->pre_body = qv_buffer_retain(body);
}
