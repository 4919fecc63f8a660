/* quiver IPC: arrays -> a body plan (FieldNodes, Buffers, iovecs).
 *
 * Each array is visited over an explicit window (absolute start in its own
 * buffers, length), so slices are written without materialising sliced
 * child arrays. Invariants:
 *   - nothing the array's content says is trusted (arrays passed structural
 *     validation only): every offset of a written window is checked
 *     monotonic and within the data or child before it is used, and every
 *     run end of a run-end encoded column increasing (once per run_ends
 *     child); a failure is QV_ERR_INVALID_DATA naming the row, and the
 *     writer prefixes the column path;
 *   - every Buffer starts at a multiple of the plan's alignment (8 or 64)
 *     from the body start, and the padding after it is zeros; Buffer.length
 *     is the unpadded size (compressed: prefix + payload);
 *   - with compression, push_buffer only records a job per buffer (its
 *     input and an arena region for the prefix and payload);
 *     qv__body_plan_compress then compresses them all (two threads for
 *     large bodies) and lays out the iovecs and Buffer offsets in order;
 *   - bytes that can go out as they are (values, offsets already starting
 *     at 0, byte-aligned bitmaps, string data) are referenced, never
 *     copied; rewritten bytes (rebased offsets, shifted bitmaps, run ends
 *     of a slice, compressed buffers and their prefixes) live in the
 *     plan's arena, whose blocks survive resets so steady-state writing
 *     allocates nothing;
 *   - no byte the caller never initialised reaches the output (Arrow's
 *     CVE-2019-12408/12410 class): padding is zeros; bitmaps are zero past
 *     their last bit; value slots under nulls go out as zeros (fixed-width
 *     values, dictionary indices, list-view offsets and sizes, whole views,
 *     boolean bits), null binary/string slots own no bytes, and inline
 *     views are zero after their inline bytes. Buffers that already obey
 *     this (what the builders and the readers produce) are still sent
 *     zero-copy: a buffer is copied into the arena and cleaned only when a
 *     scan of its null slots (O(nulls), full words of valid bits skipped)
 *     finds a non-zero byte;
 *   - children are written as they are: bytes under a null parent (struct,
 *     fixed-size list) are the child's own slots, cleaned by the child's
 *     own validity.
 * Windows whose bytes are not one contiguous range of the parent (view
 * data buffers, list-view and dense-union children) are reduced to what
 * the window references by body_compact.c, so a slice costs bytes in
 * proportion to the slice; a whole array as built or read still goes out
 * zero-copy.
 */
#include "core/internal.h"
#include "ipc/body.h"
#include "ipc/body_compact.h"
#include "ipc/flatbuf/fb_endian.h"
#include "ipc/writer.h"
#include "core/checked_access.h"

static const uint8_t k_zeros[64];

#define ARENA_MIN ((size_t)1 << 16)

void qv__body_plan_init(qv_body_plan *p, int32_t alignment, int codec, int level, qv_codec_ctx *ctx) {
  memset(p, 0, sizeof *p);
  p->alignment = alignment == 8 ? 8 : 64;
  p->codec = codec;
  p->level = level;
  p->codec_ctx = ctx;
}

void qv__body_plan_reset(qv_body_plan *p) {
  p->n_nodes = p->n_buffers = p->n_variadic = 0;
  p->n_iov = 0;
  p->body_length = 0;
  if (p->codec_ctx) p->codec_ctx->n_jobs = 0;
  for (qv_arena_block *b = p->arena; b; b = b->next) b->used = 0;
}

void qv__body_plan_free(qv_body_plan *p) {
  if (p == NULL) return;
  qv__free(p->nodes);
  qv__free(p->buffers);
  qv__free(p->variadic);
  qv__free(p->iov);
  for (int i = 0; i < 8; i++) qv_array_release(p->ree_checked[i]);
  qv_arena_block *b = p->arena;
  while (b) {
    qv_arena_block *n = b->next;
    qv__free(b);
    b = n;
  }
  memset(p, 0, sizeof *p);
}

static inline uint8_t *block_data(qv_arena_block *b) { return (uint8_t *)b + 64; }

/* n bytes of scratch, 8-aligned, valid until the next reset. */
static qv_status arena_alloc(qv_body_plan *p, size_t n, uint8_t **out, qv_error *err) {
  n = (n + 7) & ~(size_t)7;
  qv_arena_block *last = NULL;
  for (qv_arena_block *b = p->arena; b; b = b->next) {
    if (b->cap - b->used >= n) {
      *out = block_data(b) + b->used;
      b->used += n;
      return QV_OK;
    }
    last = b;
  }
  size_t cap = last ? last->cap * 2 : ARENA_MIN;
  if (cap < n) cap = n;
  qv_arena_block *b = (qv_arena_block *)aligned_alloc(64, ((64 + cap) + 63) & ~(size_t)63);
  QV_CHECK_ALLOC(b, err);
  b->next = NULL;
  b->cap = cap;
  b->used = n;
  if (last)
    last->next = b;
  else
    p->arena = b;
  *out = block_data(b);
  return QV_OK;
}

#define GROW(ptr, n, cap, extra, err)                                            \
  do {                                                                           \
    if ((size_t)(n) + (extra) > (size_t)(cap)) {                                 \
      size_t c_ = (cap) ? (size_t)(cap) * 2 : 16;                                \
      while (c_ < (size_t)(n) + (extra)) c_ *= 2;                                \
      void *q_ = qv__realloc((ptr), c_ * sizeof *(ptr));                         \
      QV_CHECK_ALLOC(q_, err);                                                   \
      (ptr) = q_;                                                                \
      (cap) = (__typeof__(cap))c_;                                               \
    }                                                                            \
  } while (0)

static qv_status push_iov(qv_body_plan *p, const void *data, size_t n, qv_error *err) {
  if (n == 0) return QV_OK;
  GROW(p->iov, (size_t)p->n_iov, p->cap_iov, 1, err);
  p->iov[p->n_iov].iov_base = (void *)(uintptr_t)data;
  p->iov[p->n_iov].iov_len = n;
  p->n_iov++;
  p->body_length += (int64_t)n;
  return QV_OK;
}

static qv_status push_node(qv_body_plan *p, int64_t length, int64_t null_count, qv_error *err) {
  GROW(p->nodes, p->n_nodes, p->cap_nodes, 1, err);
  p->nodes[p->n_nodes].length = length;
  p->nodes[p->n_nodes].null_count = null_count;
  p->n_nodes++;
  return QV_OK;
}

/* Appends one buffer of n bytes at data (with compression: a job, laid
 * out by qv__body_plan_compress). */
static qv_status push_buffer(qv_body_plan *p, const void *data, int64_t n, qv_error *err) {
  GROW(p->buffers, p->n_buffers, p->cap_buffers, 1, err);
  if (p->codec != QV_IPC_NO_COMPRESSION) {
    qv_codec_ctx *c = p->codec_ctx;
    GROW(c->jobs, c->n_jobs, c->cap_jobs, 1, err);
    qv_codec_job *j = &c->jobs[c->n_jobs];
    memset(j, 0, sizeof *j);
    if (n > 0) {
      size_t bound = qv__codec_compress_bound(p->codec, (size_t)n);
      uint8_t *dst = NULL;
      QV_RETURN_IF_ERROR(arena_alloc(p, QV_CODEC_PREFIX + bound, &dst, err));
      j->src = (const uint8_t *)data;
      j->n = (size_t)n;
      j->dst = dst + QV_CODEC_PREFIX;
      j->cap = bound;
    }
    c->n_jobs++;
    p->buffers[p->n_buffers].offset = 0;
    p->buffers[p->n_buffers].length = 0;
    p->n_buffers++;
    return QV_OK;
  }
  int64_t start = p->body_length;
  QV_RETURN_IF_ERROR(push_iov(p, data, (size_t)n, err));
  int64_t pad = (p->alignment - (p->body_length % p->alignment)) % p->alignment;
  QV_RETURN_IF_ERROR(push_iov(p, k_zeros, (size_t)pad, err));
  p->buffers[p->n_buffers].offset = start;
  p->buffers[p->n_buffers].length = n;
  p->n_buffers++;
  return QV_OK;
}

qv_status qv__body_plan_compress(qv_body_plan *p, qv_error *err) {
  if (p->codec == QV_IPC_NO_COMPRESSION) return QV_OK;
  qv_codec_ctx *c = p->codec_ctx;
  if (c->n_jobs != p->n_buffers)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "body plan has %u buffers but %u compression jobs",
                        p->n_buffers, c->n_jobs);
  QV_RETURN_IF_ERROR(qv__codec_compress_jobs(c, p->codec, p->level, c->jobs, c->n_jobs, err));
  p->n_iov = 0;
  p->body_length = 0;
  for (uint32_t i = 0; i < c->n_jobs; i++) {
    const qv_codec_job *j = &c->jobs[i];
    int64_t start = p->body_length;
    int64_t written = 0;
    if (j->n > 0) {
      uint8_t *prefix = j->dst - QV_CODEC_PREFIX;
      if (j->raw) { /* does not shrink: raw bytes behind a -1 prefix */
        qv_fb_store_i64(prefix, -1);
        QV_RETURN_IF_ERROR(push_iov(p, prefix, QV_CODEC_PREFIX, err));
        QV_RETURN_IF_ERROR(push_iov(p, j->src, j->n, err));
        written = QV_CODEC_PREFIX + (int64_t)j->n;
      } else {
        qv_fb_store_i64(prefix, (int64_t)j->n);
        QV_RETURN_IF_ERROR(push_iov(p, prefix, QV_CODEC_PREFIX + j->written, err));
        written = QV_CODEC_PREFIX + (int64_t)j->written;
      }
    }
    int64_t pad = (p->alignment - (p->body_length % p->alignment)) % p->alignment;
    QV_RETURN_IF_ERROR(push_iov(p, k_zeros, (size_t)pad, err));
    p->buffers[i].offset = start;
    p->buffers[i].length = written;
  }
  return QV_OK;
}

/* Bits [off, off+len) of a bitmap, rewritten to start at bit 0 in fresh
 * arena bytes that are zero past the last bit. */
static qv_status copy_bits(qv_body_plan *p, const uint8_t *bits, int64_t off, int64_t len, uint8_t **out,
                           qv_error *err) {
  int64_t nbytes = qv_bitmap_bytes(len);
  QV_RETURN_IF_ERROR(arena_alloc(p, (size_t)nbytes, out, err));
  memset(*out, 0, (size_t)nbytes);
  qv_bitmap_copy(*out, 0, bits, off, len);
  return QV_OK;
}

/* Bits [off, off+len) of a bitmap as a buffer starting at bit 0: the
 * caller's bytes when they start on a byte and the bits after the last one
 * are already zero, else a rewritten copy. */
static qv_status push_bits(qv_body_plan *p, const uint8_t *bits, int64_t off, int64_t len, qv_error *err) {
  int64_t nbytes = qv_bitmap_bytes(len);
  if (len == 0 || bits == NULL) return push_buffer(p, NULL, 0, err);
  if (off % 8 == 0 && (len % 8 == 0 || (bits[(off + len) / 8] & (uint8_t)(0xFFu << (len % 8))) == 0))
    return push_buffer(p, bits + off / 8, nbytes, err);
  uint8_t *dst = NULL;
  QV_RETURN_IF_ERROR(copy_bits(p, bits, off, len, &dst, err));
  return push_buffer(p, dst, nbytes, err);
}

/* ---- null slots: found by scanning the validity bitmap ---- */

/* Null slots are visited 64 at a time: a word of inverted validity bits,
 * then one step per set bit (ctz), so runs of valid slots cost nothing and
 * dense nulls cost one load each. */

/* Bits [pos, pos+n) of bitmap v (1 <= n <= 64) as a word, bit 0 = pos.
 * Reads only the bytes those bits live in. */
static inline uint64_t load_bits(const uint8_t *v, int64_t pos, int n) {
  const uint8_t *q = v + (pos >> 3);
  int shift = (int)(pos & 7);
  int nbytes = (shift + n + 7) >> 3;
  uint64_t word;
  if (shift == 0 && nbytes == 8) {
    memcpy(&word, q, 8);
    return word;
  }
  uint8_t tmp[16] = {0};
  memcpy(tmp, q, (size_t)nbytes);
  memcpy(&word, tmp, 8);
  if (shift) word = (word >> shift) | ((uint64_t)tmp[8] << (64 - shift));
  return word;
}

/* Null slots among [blk, min(blk + 64, end)) as bits (bit k = slot blk+k). */
static inline uint64_t null_bits(const uint8_t *v, int64_t blk, int64_t end) {
  int n = end - blk < 64 ? (int)(end - blk) : 64;
  uint64_t m = ~load_bits(v, blk, n);
  return n < 64 ? m & (((uint64_t)1 << n) - 1) : m;
}

static bool all_zero(const uint8_t *p, int64_t n) {
  for (int64_t i = 0; i < n; i++)
    if (p[i]) return false;
  return true;
}

/* True when the w bytes at p are not all zero. */
static inline bool slot_set(const uint8_t *p, int64_t w) {
  uint64_t x, y;
  uint32_t u;
  uint16_t h;
  switch (w) {
    case 1: return p[0] != 0;
    case 2: memcpy(&h, p, 2); return h != 0;
    case 4: memcpy(&u, p, 4); return u != 0;
    case 8: memcpy(&x, p, 8); return x != 0;
    case 16: memcpy(&x, p, 8); memcpy(&y, p + 8, 8); return (x | y) != 0;
    default: return !all_zero(p, w);
  }
}

/* Fixed-width slots [off, off+len) of buffer `bufi` (w bytes each), with
 * every slot under a null zeroed: referenced as they are when those slots
 * are zero already, else copied into the arena and cleaned. */
static qv_status push_slots(qv_body_plan *p, const qv_array *a, int32_t bufi, int64_t w, int64_t off, int64_t len,
                            int64_t nulls, qv_error *err) {
  const qv_buffer *b = a->buffers[bufi];
  if (len <= 0 || w <= 0 || b == NULL) return push_buffer(p, NULL, 0, err);
  const uint8_t *src = b->data + off * w;
  const uint8_t *v = a->validity_;
  int64_t end = off + len;
  bool dirty = false;
  if (nulls > 0 && v != NULL) {
    for (int64_t blk = off; blk < end && !dirty; blk += 64)
      for (uint64_t m = null_bits(v, blk, end); m != 0 && !dirty; m &= m - 1)
        dirty = slot_set(b->data + (blk + __builtin_ctzll(m)) * w, w);
  }
  if (!dirty) return push_buffer(p, src, len * w, err);
  size_t nbytes = (size_t)len * (size_t)w;
  uint8_t *dst = NULL;
  QV_RETURN_IF_ERROR(arena_alloc(p, nbytes, &dst, err));
  memcpy(dst, src, nbytes);
  for (int64_t blk = off; blk < end; blk += 64)
    for (uint64_t m = null_bits(v, blk, end); m != 0; m &= m - 1)
      memset(dst + (blk - off + __builtin_ctzll(m)) * w, 0, (size_t)w);
  return push_buffer(p, dst, len * w, err);
}

/* Boolean values: bits under nulls cleared (value AND validity). */
static qv_status push_bool_values(qv_body_plan *p, const qv_array *a, int64_t off, int64_t len, int64_t nulls,
                                  qv_error *err) {
  const uint8_t *bits = a->buffers[1] ? a->buffers[1]->data : NULL;
  if (nulls == 0 || a->validity_ == NULL || bits == NULL || len == 0) return push_bits(p, bits, off, len, err);
  int64_t nbytes = qv_bitmap_bytes(len);
  uint8_t *vals = NULL, *valid = NULL;
  QV_RETURN_IF_ERROR(copy_bits(p, bits, off, len, &vals, err));
  QV_RETURN_IF_ERROR(copy_bits(p, a->validity_, off, len, &valid, err));
  for (int64_t k = 0; k < nbytes; k++) vals[k] &= valid[k];
  return push_buffer(p, vals, nbytes, err);
}

/* Counted from the bitmap even for the whole array: a cached null count
 * that lies (foreign or hostile data) would otherwise drop the bitmap and
 * turn the bytes under null slots into values. */
static int64_t range_nulls(const qv_array *a, int64_t off, int64_t len) {
  if (a->validity_ == NULL) return a->null_layout_ ? len : 0;
  return len - qv_bitmap_count_set(a->validity_, off, len);
}

/* Validity: empty when there are no nulls. */
static qv_status push_validity(qv_body_plan *p, const qv_array *a, int64_t off, int64_t len, int64_t nulls,
                               qv_error *err) {
  if (nulls == 0) return push_buffer(p, NULL, 0, err);
  return push_bits(p, a->validity_, off, len, err);
}

static int64_t load_off(const uint8_t *base, int w, int64_t i) {
  if (w == 4) {
    int32_t v;
    memcpy(&v, base + i * 4, 4);
    return v;
  }
  int64_t v;
  memcpy(&v, base + i * 8, 8);
  return v;
}

/* Checks what every use of the window's offsets below relies on (null-slot
 * compaction, rebasing, the data or child range they select): monotonic and
 * within [0, limit], where limit is the data size or the child length.
 * Structural validation checks only the first and last offset of the whole
 * array, so a slice's ends and every middle offset are checked here. */
static qv_status check_offsets(const qv_array *a, int w, int64_t off, int64_t len, int64_t limit, qv_error *err) {
  const qv_buffer *b = a->buffers[1];
  int64_t need;
  if (len == 0) return QV_OK;
  if (b == NULL || qv__add_overflow_i64(off, len + 1, &need) || qv__mul_overflow_i64(need, w, &need) ||
      b->size < need)
    return qv_error_set(err, QV_ERR_INVALID_DATA, "offsets buffer does not cover rows 0..%lld", (long long)len);
  int64_t row, found;
  if (!qv__offsets_window_ok(b->data, w == 8, off, len, limit, &row, &found))
    return qv_error_set(err, QV_ERR_INVALID_DATA,
                        "offset %lld at row %lld goes backwards or outside [0, %lld]", (long long)found,
                        (long long)row, (long long)limit);
  return QV_OK;
}

/* Offsets [off, off+len] rebased to start at 0; first and last receive the
 * original first and last offsets. check_offsets passed, so the rebased
 * values lie in [0, last - first] and cannot overflow. */
static qv_status push_offsets(qv_body_plan *p, const qv_array *a, int32_t bufi, int w, int64_t off, int64_t len,
                              int64_t *first, int64_t *last, qv_error *err) {
  const qv_buffer *b = a->buffers[bufi];
  if (len == 0 || b == NULL) { /* empty window, maybe without offsets */
    *first = *last = 0;
    return push_buffer(p, k_zeros, w, err);
  }
  const uint8_t *base = b->data;
  *first = load_off(base, w, off);
  *last = load_off(base, w, off + len);
  if (*first == 0) return push_buffer(p, base + off * w, (len + 1) * w, err);
  uint8_t *dst = NULL;
  QV_RETURN_IF_ERROR(arena_alloc(p, (size_t)((len + 1) * w), &dst, err));
  int64_t f = *first;
  if (w == 4) {
    const int32_t *src = (const int32_t *)(const void *)base + off;
    int32_t *o = (int32_t *)(void *)dst;
    int32_t f32 = (int32_t)f;
    for (int64_t i = 0; i <= len; i++) o[i] = src[i] - f32;
  } else {
    const int64_t *src = (const int64_t *)(const void *)base + off;
    int64_t *o = (int64_t *)(void *)dst;
    for (int64_t i = 0; i <= len; i++) o[i] = src[i] - f;
  }
  return push_buffer(p, dst, (len + 1) * w, err);
}

/* True when a null slot of [off, off+len) owns a non-empty byte range
 * (allowed by the spec, but those bytes may be anything). */
static bool null_owns_bytes(const qv_array *a, int w, int64_t off, int64_t len) {
  const qv_buffer *b = a->buffers[1];
  const uint8_t *v = a->validity_;
  if (v == NULL || b == NULL || b->size < (off + len + 1) * w) return false;
  int64_t end = off + len;
  for (int64_t blk = off; blk < end; blk += 64)
    for (uint64_t m = null_bits(v, blk, end); m != 0; m &= m - 1) {
      int64_t i = blk + __builtin_ctzll(m);
      if (load_off(b->data, w, i) != load_off(b->data, w, i + 1)) return true;
    }
  return false;
}

static void store_off(uint8_t *base, int w, int64_t i, int64_t v) {
  if (w == 4) {
    int32_t t = (int32_t)v;
    memcpy(base + i * 4, &t, 4);
  } else {
    memcpy(base + i * 8, &v, 8);
  }
}

/* Binary/string window whose null slots own bytes: offsets rebuilt so that
 * nulls are empty, and only the valid slots' bytes gathered. */
static qv_status push_binary_compacted(qv_body_plan *p, const qv_array *a, int w, int64_t off, int64_t len,
                                       qv_error *err) {
  const uint8_t *offs = a->buffers[1]->data;
  const uint8_t *data = a->buffers[2] ? a->buffers[2]->data : NULL;
  int64_t total = 0;
  for (int64_t i = 0; i < len; i++)
    if (qv_bit_get(a->validity_, off + i)) total += load_off(offs, w, off + i + 1) - load_off(offs, w, off + i);
  uint8_t *o = NULL, *d = NULL;
  QV_RETURN_IF_ERROR(arena_alloc(p, (size_t)((len + 1) * w), &o, err));
  if (total > 0) QV_RETURN_IF_ERROR(arena_alloc(p, (size_t)total, &d, err));
  int64_t pos = 0;
  store_off(o, w, 0, 0);
  for (int64_t i = 0; i < len; i++) {
    if (qv_bit_get(a->validity_, off + i)) {
      int64_t s0 = load_off(offs, w, off + i), n = load_off(offs, w, off + i + 1) - s0;
      if (n > 0) memcpy(d + pos, data + s0, (size_t)n);
      pos += n;
    }
    store_off(o, w, i + 1, pos);
  }
  QV_RETURN_IF_ERROR(push_buffer(p, o, (len + 1) * w, err));
  return push_buffer(p, d, total, err);
}

/* True when view `v` (16 bytes) must be rewritten: under a null, any
 * non-zero byte; inline, any non-zero byte after its inline bytes. */
static bool view_dirty(const uint8_t *v, bool valid) {
  if (!valid) return !all_zero(v, QV_VIEW_SIZE);
  int32_t size;
  memcpy(&size, v, 4);
  if (size < 0 || size > QV_VIEW_INLINE_MAX) return false;
  return !all_zero(v + 4 + size, QV_VIEW_INLINE_MAX - size);
}

/* Views of [off, off+len): zero views under nulls, zero padding after the
 * inline bytes; zero-copy when already so. */
static qv_status push_views(qv_body_plan *p, const qv_array *a, int64_t off, int64_t len, int64_t nulls,
                            qv_error *err) {
  const qv_buffer *b = a->buffers[1];
  if (len <= 0 || b == NULL) return push_buffer(p, NULL, 0, err);
  const uint8_t *src = b->data + off * QV_VIEW_SIZE;
  const uint8_t *v = nulls > 0 ? a->validity_ : NULL;
  int64_t i = 0;
  while (i < len && !view_dirty(src + i * QV_VIEW_SIZE, v == NULL || qv_bit_get(v, off + i))) i++;
  if (i == len) return push_buffer(p, src, len * QV_VIEW_SIZE, err);
  size_t nbytes = (size_t)len * QV_VIEW_SIZE;
  uint8_t *dst = NULL;
  QV_RETURN_IF_ERROR(arena_alloc(p, nbytes, &dst, err));
  memcpy(dst, src, nbytes);
  for (; i < len; i++) {
    uint8_t *view = dst + i * QV_VIEW_SIZE;
    if (v != NULL && !qv_bit_get(v, off + i)) {
      memset(view, 0, QV_VIEW_SIZE);
      continue;
    }
    int32_t size;
    memcpy(&size, view, 4);
    if (size >= 0 && size <= QV_VIEW_INLINE_MAX) memset(view + 4 + size, 0, (size_t)(QV_VIEW_INLINE_MAX - size));
  }
  return push_buffer(p, dst, len * QV_VIEW_SIZE, err);
}

static qv_status add_range(qv_body_plan *p, const qv_array *a, int64_t off, int64_t len, qv_error *err);

static qv_status add_child(qv_body_plan *p, const qv_array *c, int64_t start, int64_t len, qv_error *err) {
  return add_range(p, c, c->offset + start, len, err);
}

/* add_child for child `i` of `parent`; an error gets the child's field name
 * in front, so a message names the path down to the bad row. */
static qv_status add_named_child(qv_body_plan *p, const qv_array *parent, int32_t i, int64_t start, int64_t len,
                                 qv_error *err) {
  qv_status st = add_child(p, parent->children[i], start, len, err);
  if (st != QV_OK) qv_error_prefix(err, "%s: ", qv_type_storage(parent->type)->children[i]->name);
  return st;
}

static qv_status fixed_values(qv_body_plan *p, const qv_array *a, int32_t bufi, int64_t w, int64_t off, int64_t len,
                              qv_error *err) {
  const qv_buffer *b = a->buffers[bufi];
  if (len == 0 || b == NULL) return push_buffer(p, NULL, 0, err);
  return push_buffer(p, b->data + off * w, len * w, err);
}

/* A slice's rows may also be claimed by runs outside its window when the
 * run ends are not increasing, so the whole run_ends child is checked, once
 * per child (see ree_checked). */
static qv_status check_run_ends(qv_body_plan *p, const qv_array *a, qv_error *err) {
  qv_array *re = a->children[0];
  for (int i = 0; i < 8; i++)
    if (p->ree_checked[i] == re) return QV_OK;
  int64_t bad_run;
  if (!qv__ree_runs_increasing(a, &bad_run))
    return qv_error_set(err, QV_ERR_INVALID_DATA, "run_end_encoded: run end %lld is not above the one before it",
                        (long long)bad_run);
  uint32_t slot = p->ree_checked_next++ % 8;
  qv_array_release(p->ree_checked[slot]);
  p->ree_checked[slot] = qv_array_retain(re);
  return QV_OK;
}

/* Run-end encoded window: rewritten run ends, values sliced to the runs. */
static qv_status add_ree(qv_body_plan *p, const qv_array *a, int64_t off, int64_t len, qv_error *err) {
  const qv_array *re = a->children[0], *vals = a->children[1];
  int w = qv_type_storage(re->type)->bit_width / 8;
  /* no pointer arithmetic on a run-ends buffer without data (0 runs) */
  const uint8_t *base = re->buffers[1] && re->buffers[1]->data ? re->buffers[1]->data + re->offset * w : NULL;
  if (len == 0 || base == NULL || re->length == 0) {
    QV_RETURN_IF_ERROR(add_child(p, re, 0, 0, err));
    return add_child(p, vals, 0, 0, err);
  }
  int64_t p0, p1, row;
  QV_RETURN_IF_ERROR(check_run_ends(p, a, err));
  if (!qv__ree_window(a, off - a->offset, len, &p0, &p1, &row))
    return qv_error_set(err, QV_ERR_INVALID_DATA,
                        "run_end_encoded: run ends not strictly increasing or not covering row %lld",
                        (long long)row);
  int64_t n = p1 - p0;
  uint8_t *dst = NULL;
  QV_RETURN_IF_ERROR(arena_alloc(p, (size_t)(n * w), &dst, err));
  for (int64_t i = 0; i < n; i++) {
    int64_t e = w == 2 ? (int16_t)qv_fb_load_u16(base + (p0 + i) * 2) : load_off(base, w, p0 + i);
    e -= off; /* in (0, ...]: the window's run ends were checked increasing past off */
    if (e > len) e = len;
    if (w == 2) {
      int16_t t = (int16_t)e;
      memcpy(dst + i * 2, &t, 2);
    } else if (w == 4) {
      int32_t t = (int32_t)e;
      memcpy(dst + i * 4, &t, 4);
    } else {
      memcpy(dst + i * 8, &e, 8);
    }
  }
  QV_RETURN_IF_ERROR(push_node(p, n, 0, err));
  QV_RETURN_IF_ERROR(push_buffer(p, NULL, 0, err)); /* run_ends validity */
  QV_RETURN_IF_ERROR(push_buffer(p, dst, n * w, err));
  return add_named_child(p, a, 1, p0, n, err);
}

/* Plans the window [off, off + len) of `a`: its node, then its buffers and
 * children as its layout (core/layout.h) says. Arrays with children are
 * told apart by how the window maps onto them; leaves by the buffer after
 * the validity bitmap. */
static qv_status add_range(qv_body_plan *p, const qv_array *a, int64_t off, int64_t len, qv_error *err) {
  const qv_type *s = qv__storage(a->type);
  const qv__layout *lay = qv__layout_of(s);
  if (lay->nulls == QV__NULLS_ALL) return push_node(p, len, len, err);
  const int64_t nulls = lay->nulls == QV__NULLS_IN_CHILDREN ? 0 : range_nulls(a, off, len);
  QV_RETURN_IF_ERROR(push_node(p, len, nulls, err));
  int64_t first, last;
  switch (lay->window) {
    case QV__WINDOW_RUN_ENDS:
      return add_ree(p, a, off, len, err);
    case QV__WINDOW_OFFSETS: { /* list, large_list, map */
      const int w = lay->buffers[1].width;
      QV_RETURN_IF_ERROR(check_offsets(a, w, off, len, a->children[0]->length, err));
      QV_RETURN_IF_ERROR(push_validity(p, a, off, len, nulls, err));
      QV_RETURN_IF_ERROR(push_offsets(p, a, 1, w, off, len, &first, &last, err));
      return add_named_child(p, a, 0, first, last - first, err);
    }
    case QV__WINDOW_PER_SLOT: { /* list views */
      int64_t start = off - a->offset;
      qv__windows win = {.n = len > 0, .start = &start, .length = &len, .total = len};
      QV_RETURN_IF_ERROR(push_validity(p, a, off, len, nulls, err));
      return qv__body_write_list_view(p, a, &win, err);
    }
    case QV__WINDOW_LIST_SIZE: {
      int64_t k = s->list_size;
      QV_RETURN_IF_ERROR(push_validity(p, a, off, len, nulls, err));
      return add_child(p, a->children[0], off * k, len * k, err);
    }
    case QV__WINDOW_SAME: /* struct (validity), sparse union (type ids) */
      if (lay->buffers[0].role == QV__BUF_TYPE_IDS)
        QV_RETURN_IF_ERROR(fixed_values(p, a, 0, 1, off, len, err));
      else
        QV_RETURN_IF_ERROR(push_validity(p, a, off, len, nulls, err));
      for (int32_t i = 0; i < a->n_children; i++) QV_RETURN_IF_ERROR(add_child(p, a->children[i], off, len, err));
      return QV_OK;
    case QV__WINDOW_UNION_OFFSETS: { /* dense union */
      int64_t start = off - a->offset;
      qv__windows win = {.n = len > 0, .start = &start, .length = &len, .total = len};
      return qv__body_write_dense_union(p, a, &win, err);
    }
    case QV__WINDOW_NONE:
      break;
  }
  const qv__buffer_layout *vals = &lay->buffers[1];
  switch (vals->role) {
    case QV__BUF_BITS: /* bool */
      QV_RETURN_IF_ERROR(push_validity(p, a, off, len, nulls, err));
      return push_bool_values(p, a, off, len, nulls, err);
    case QV__BUF_OFFSETS: { /* binary, string and their large forms */
      const int w = vals->width;
      QV_RETURN_IF_ERROR(check_offsets(a, w, off, len, a->buffers[2] ? a->buffers[2]->size : 0, err));
      QV_RETURN_IF_ERROR(push_validity(p, a, off, len, nulls, err));
      if (nulls > 0 && null_owns_bytes(a, w, off, len)) return push_binary_compacted(p, a, w, off, len, err);
      QV_RETURN_IF_ERROR(push_offsets(p, a, 1, w, off, len, &first, &last, err));
      const qv_buffer *d = a->buffers[2];
      if (d == NULL || last <= first) return push_buffer(p, NULL, 0, err);
      return push_buffer(p, d->data + first, last - first, err);
    }
    case QV__BUF_VIEWS:
      QV_RETURN_IF_ERROR(push_validity(p, a, off, len, nulls, err));
      return qv__body_write_views(p, a, off, len, nulls, err);
    default: { /* fixed-width values, dictionary indices */
      const int32_t w = vals->role == QV__BUF_VALUES ? qv__layout_width(vals, s) : 0;
      /* fixed_size_binary(0) is a legal type whose values take no bytes */
      if (w <= 0 && s->id != QV_TYPE_FIXED_SIZE_BINARY)
        return qv_error_set(err, QV_ERR_NOT_IMPLEMENTED, "cannot write arrays of type %s", qv_type_id_name(s->id));
      QV_RETURN_IF_ERROR(push_validity(p, a, off, len, nulls, err));
      if (w == 0) return push_buffer(p, NULL, 0, err);
      return push_slots(p, a, 1, w, off, len, nulls, err);
    }
  }
}

/* ---- the plan's primitives, for body_compact.c and body_gather.c ---- */

qv_status qv__body_plan_scratch(qv_body_plan *p, size_t n, uint8_t **out, qv_error *err) {
  return arena_alloc(p, n, out, err);
}

qv_status qv__body_plan_push_node(qv_body_plan *p, int64_t length, int64_t null_count, qv_error *err) {
  return push_node(p, length, null_count, err);
}

qv_status qv__body_plan_push_buffer(qv_body_plan *p, const void *data, int64_t n, qv_error *err) {
  return push_buffer(p, data, n, err);
}

qv_status qv__body_plan_push_variadic(qv_body_plan *p, int64_t count, qv_error *err) {
  GROW(p->variadic, p->n_variadic, p->cap_variadic, 1, err);
  p->variadic[p->n_variadic++] = count;
  return QV_OK;
}

qv_status qv__body_plan_push_views(qv_body_plan *p, const qv_array *a, int64_t off, int64_t len, int64_t nulls,
                                   qv_error *err) {
  return push_views(p, a, off, len, nulls, err);
}

qv_status qv__body_plan_check_run_ends(qv_body_plan *p, const qv_array *a, qv_error *err) {
  return check_run_ends(p, a, err);
}

qv_status qv__body_plan_add_window(qv_body_plan *p, const qv_array *a, int64_t off, int64_t len, qv_error *err) {
  return add_range(p, a, off, len, err);
}

qv_status qv__body_plan_add(qv_body_plan *p, const qv_array *array, qv_error *err) {
  return add_range(p, array, array->offset, array->length, err);
}

qv_status qv__body_plan_add_range(qv_body_plan *p, const qv_array *array, int64_t start, int64_t length,
                                 qv_error *err) {
  return add_range(p, array, array->offset + start, length, err);
}

void qv__body_plan_desc(const qv_body_plan *p, int64_t length, qv_ipc_batch_desc *out) {
  memset(out, 0, sizeof *out);
  out->length = length;
  out->nodes = p->nodes;
  out->n_nodes = p->n_nodes;
  out->buffers = p->buffers;
  out->n_buffers = p->n_buffers;
  out->variadic_counts = p->n_variadic ? p->variadic : NULL;
  out->n_variadic = p->n_variadic;
  out->codec = p->codec;
}
