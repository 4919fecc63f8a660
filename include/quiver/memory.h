/* quiver: allocators and refcounted buffers.
 *
 * A qv_buffer is the one ownership mechanism of quiver: memory quiver
 * allocated, memory a foreign producer lent us (C Data import, Python
 * buffers), an mmap'd file, and views into any of those (IPC body slices) are
 * all qv_buffers with an atomic refcount. The last qv_buffer_release frees the
 * memory or runs the foreign release callback, exactly once.
 */
#ifndef QUIVER_MEMORY_H
#define QUIVER_MEMORY_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include "quiver/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One ownership rule for text: every *_to_string function of quiver
 * returns a new NUL-terminated string that the caller releases with
 * qv_free_string (NULL accepted); the *_format functions write into the
 * caller's buffer with snprintf semantics instead. */
QV_API void qv_free_string(char *s);

/* Buffers quiver allocates are aligned to, and padded to a multiple of, this. */
#define QV_ALIGNMENT 64

/* Pluggable allocator. `allocate` returns memory aligned to `alignment` (a
 * power of two, at most 4096) or NULL. `reallocate` may move the block and
 * keeps the first min(old,new) bytes; NULL on failure (old block untouched).
 * `free` receives the size given at allocation. All take `ctx`. */
typedef struct qv_allocator {
  void *(*allocate)(void *ctx, size_t size, size_t alignment);
  void *(*reallocate)(void *ctx, void *ptr, size_t old_size, size_t new_size, size_t alignment);
  void (*free)(void *ctx, void *ptr, size_t size);
  void *ctx;
} qv_allocator;

/* The process-wide default. Never NULL. Small blocks come from
 * posix_memalign; large ones are anonymous mappings (page-aligned, asked for
 * transparent huge pages) grown with mremap, so growing never copies. */
QV_API const qv_allocator *qv_default_allocator(void);

/* Rounds n up to a multiple of QV_ALIGNMENT (saturates on overflow to -1). */
static inline int64_t qv_round_up_64(int64_t n) {
  return (n > INT64_MAX - (QV_ALIGNMENT - 1)) ? -1 : ((n + (QV_ALIGNMENT - 1)) & ~(int64_t)(QV_ALIGNMENT - 1));
}

/* Release callback for wrapped foreign memory: called once with the wrapped
 * pointer, its size and the ctx given to qv_buffer_wrap. */
typedef void (*qv_buffer_release_fn)(void *ctx, const uint8_t *data, int64_t size);

/* A refcounted, immutable-once-shared byte region.
 * Public fields are read-only for users; trailing `_` fields are private. */
typedef struct qv_buffer {
  uint8_t *data;    /* first byte; 64-byte aligned when quiver allocated it; may be NULL when size == 0 */
  int64_t size;     /* bytes in use */
  int64_t capacity; /* bytes reserved at data (>= size); padding [size, capacity) is zeroed for owned buffers */

  int64_t refcount_;                 /* atomic */
  int32_t kind_;                     /* owned / foreign / view / static */
  const qv_allocator *allocator_;    /* owned: who frees */
  struct qv_buffer *parent_;         /* view: the buffer whose memory we point into (retained) */
  qv_buffer_release_fn release_;     /* foreign: called once at last release */
  void *release_ctx_;
} qv_buffer;

/* Allocates a buffer of `size` bytes (capacity rounded up to 64, 64-aligned,
 * padding zeroed; the first `size` bytes are NOT zeroed unless `zeroed`).
 * allocator may be NULL (default). Caller owns the returned reference. */
QV_API qv_status qv_buffer_allocate(const qv_allocator *allocator, int64_t size, bool zeroed,
                                    qv_buffer **out, qv_error *err);

/* Copies `size` bytes from `src` into a new owned buffer. */
QV_API qv_status qv_buffer_copy_from(const qv_allocator *allocator, const void *src, int64_t size,
                                     qv_buffer **out, qv_error *err);

/* Wraps foreign memory without copying. `release` (may be NULL) runs exactly
 * once, when the last reference (including views) is released. On failure
 * `release` is NOT called; the caller still owns the memory. */
QV_API qv_status qv_buffer_wrap(const void *data, int64_t size, qv_buffer_release_fn release,
                                void *release_ctx, qv_buffer **out, qv_error *err);

/* A zero-copy view of parent[offset, offset+size); retains parent.
 * Fails with QV_ERR_OUT_OF_RANGE if the range is outside parent. */
QV_API qv_status qv_buffer_view(qv_buffer *parent, int64_t offset, int64_t size,
                                qv_buffer **out, qv_error *err);

/* Grows an owned, unshared (refcount 1) buffer to hold at least
 * `min_capacity` bytes (geometric growth), keeping contents; padding past
 * `size` is zeroed. For builders. QV_ERR_INVALID_ARGUMENT if shared/foreign. */
QV_API qv_status qv_buffer_reserve(qv_buffer *buf, int64_t min_capacity, qv_error *err);

/* Sets size (<= capacity) and zeroes [size, capacity). */
QV_API void qv_buffer_set_size(qv_buffer *buf, int64_t size);

/* Reference counting. retain returns its argument. release accepts NULL. */
QV_API qv_buffer *qv_buffer_retain(qv_buffer *buf);
QV_API void qv_buffer_release(qv_buffer *buf);

/* Current refcount (for tests and diagnostics). */
QV_API int64_t qv_buffer_refcount(const qv_buffer *buf);

#ifdef __cplusplus
}
#endif
#endif
