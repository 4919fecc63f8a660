/* quiver core: qv_buffer, the one ownership mechanism.
 *
 * Five kinds share one struct:
 *   owned   - data from `allocator_`; 64-byte aligned; capacity a multiple
 *             of 64 (at least 64, so data is never NULL) with the padding
 *             [size, capacity) zeroed; freed at the last release;
 *   foreign - memory lent by someone else; `release_` runs exactly once at
 *             the last release (views keep the wrapper alive, so it runs
 *             after the last view is gone too); capacity == size;
 *   view    - a window into `parent_`, which it retains; views of views
 *             point at the root parent so chains never grow;
 *   static  - constant memory with refcount_ < 0; retain/release no-ops;
 *   block view - a view whose struct lives in a qv__view_block (one
 *             allocation for many views over one root, e.g. every buffer of
 *             an IPC message body); each view is still retained and
 *             released on its own, and the block (with its reference to the
 *             root) goes when its creator and every view are done with it.
 *             parent_ points at the root (held by the block, not the view)
 *             and release_ctx_ at the block. Private to this file.
 * Refcounts are atomic (__atomic builtins): retain is relaxed, release is
 * acq_rel so the thread that frees sees every other thread's writes.
 * The qv_buffer struct itself comes from malloc; only data uses the allocator.
 */
#include <assert.h>

#include "core/internal.h"
#include "core/view_block.h"

/* The block-view kind; no other file inspects kind_. */
#define QV__BUFFER_BLOCK_VIEW 4

struct qv__view_block {
  int64_t refcount_; /* atomic: the creator's reference + one per live view or arena piece */
  qv_buffer *root;   /* retained; never a view; NULL: no parent (arena only) */
  int64_t base;      /* offset of the parent's first byte in root */
  int64_t size;      /* the parent's size: views must lie inside it */
  int32_t cap, used;
  uint8_t *arena;    /* after the views: arena_cap bytes, arena_used taken */
  size_t arena_cap, arena_used;
  qv_buffer views[]; /* cap structs, then the arena */
};

static qv_status buffer_new_struct(qv_buffer **out, qv_error *err) {
  qv_buffer *b = (qv_buffer *)qv__calloc(1, sizeof *b);
  QV_CHECK_ALLOC(b, err);
  b->refcount_ = 1;
  *out = b;
  return QV_OK;
}

qv_status qv_buffer_allocate(const qv_allocator *allocator, int64_t size, bool zeroed, qv_buffer **out,
                             qv_error *err) {
  if (out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_buffer_allocate: out is NULL");
  *out = NULL;
  if (size < 0)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_buffer_allocate: negative size %lld",
                        (long long)size);
  if (allocator == NULL) allocator = qv_default_allocator();
  int64_t cap = qv_round_up_64(size);
  if (cap < 0 || (uint64_t)cap > (uint64_t)SIZE_MAX)
    return qv_error_set(err, QV_ERR_OVERFLOW, "qv_buffer_allocate: size %lld too large", (long long)size);
  if (cap == 0) cap = QV_ALIGNMENT;
  qv_buffer *b = NULL;
  QV_RETURN_IF_ERROR(buffer_new_struct(&b, err));
  size_t zero_from = (size_t)cap;
  b->data = (uint8_t *)qv__allocator_allocate(allocator, (size_t)cap, QV_ALIGNMENT, &zero_from);
  if (b->data == NULL) {
    qv__free(b);
    return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory allocating a %lld-byte buffer",
                        (long long)cap);
  }
  /* Bytes from zero_from on are zero already (a fresh mapping); a reused
   * or heap block is zeroed where the caller or the padding needs it. */
  int64_t dirty_end = zero_from < (size_t)cap ? (int64_t)zero_from : cap;
  int64_t zero_start = zeroed ? 0 : size;
  if (dirty_end > zero_start) memset(b->data + zero_start, 0, (size_t)(dirty_end - zero_start));
  b->size = size;
  b->capacity = cap;
  b->kind_ = QV__BUFFER_OWNED;
  b->allocator_ = allocator;
  *out = b;
  return QV_OK;
}

qv_status qv_buffer_copy_from(const qv_allocator *allocator, const void *src, int64_t size, qv_buffer **out,
                              qv_error *err) {
  if (size > 0 && src == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_buffer_copy_from: src is NULL with size %lld",
                        (long long)size);
  QV_RETURN_IF_ERROR(qv_buffer_allocate(allocator, size, false, out, err));
  if (size > 0) memcpy((*out)->data, src, (size_t)size);
  return QV_OK;
}

qv_status qv_buffer_wrap(const void *data, int64_t size, qv_buffer_release_fn release, void *release_ctx,
                         qv_buffer **out, qv_error *err) {
  if (out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_buffer_wrap: out is NULL");
  *out = NULL;
  if (size < 0)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_buffer_wrap: negative size %lld", (long long)size);
  if (size > 0 && data == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_buffer_wrap: data is NULL with size %lld",
                        (long long)size);
  qv_buffer *b = NULL;
  QV_RETURN_IF_ERROR(buffer_new_struct(&b, err));
  b->data = (uint8_t *)(uintptr_t)data;
  b->size = size;
  b->capacity = size;
  b->kind_ = QV__BUFFER_FOREIGN;
  b->release_ = release;
  b->release_ctx_ = release_ctx;
  *out = b;
  return QV_OK;
}

/* Where a view of parent[offset, offset + size) points: bounds checked,
 * and a view of a view refers to the root buffer (views never chain). */
static qv_status view_place(qv_buffer *parent, int64_t offset, int64_t size, qv_buffer **root, uint8_t **data,
                            qv_error *err) {
  int64_t end;
  if (offset < 0 || size < 0 || qv__add_overflow_i64(offset, size, &end) || end > parent->size)
    return qv_error_set(err, QV_ERR_OUT_OF_RANGE,
                        "buffer view [%lld, %lld + %lld) is outside the %lld-byte parent buffer",
                        (long long)offset, (long long)offset, (long long)size, (long long)parent->size);
  qv_buffer *r = parent;
  int64_t root_offset = offset;
  if (parent->kind_ == QV__BUFFER_VIEW || parent->kind_ == QV__BUFFER_BLOCK_VIEW) {
    r = parent->parent_;
    if (r->data != NULL) root_offset += (int64_t)(parent->data - r->data);
  }
  *root = r;
  *data = r->data ? r->data + root_offset : NULL;
  return QV_OK;
}

qv_status qv_buffer_view(qv_buffer *parent, int64_t offset, int64_t size, qv_buffer **out, qv_error *err) {
  if (out == NULL || parent == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_buffer_view: %s is NULL",
                        parent == NULL ? "parent" : "out");
  *out = NULL;
  qv_buffer *root;
  uint8_t *data;
  QV_RETURN_IF_ERROR(view_place(parent, offset, size, &root, &data, err));
  qv_buffer *b = NULL;
  QV_RETURN_IF_ERROR(buffer_new_struct(&b, err));
  b->data = data;
  b->size = size;
  b->capacity = size;
  b->kind_ = QV__BUFFER_VIEW;
  b->parent_ = qv_buffer_retain(root);
  *out = b;
  return QV_OK;
}

qv_status qv__buffer_view_borrow(qv_buffer *out, qv_buffer *parent, int64_t offset, int64_t size, qv_error *err) {
  qv_buffer *root;
  uint8_t *data;
  QV_RETURN_IF_ERROR(view_place(parent, offset, size, &root, &data, err));
  memset(out, 0, sizeof *out);
  out->data = data;
  out->size = size;
  out->capacity = size;
  out->refcount_ = 1; /* the borrower's; never released to 0 (it would release the unretained root) */
  out->kind_ = QV__BUFFER_VIEW;
  out->parent_ = root; /* NOT retained: see internal.h */
  return QV_OK;
}

void qv__buffer_borrow_end(qv_buffer *view) {
  if (view == NULL) return;
  assert(view->kind_ == QV__BUFFER_VIEW && __atomic_load_n(&view->refcount_, __ATOMIC_RELAXED) == 1);
  (void)view;
}

qv_status qv_buffer_reserve(qv_buffer *buf, int64_t min_capacity, qv_error *err) {
  if (buf == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_buffer_reserve: buffer is NULL");
  if (buf->kind_ != QV__BUFFER_OWNED)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_buffer_reserve: buffer is not owned by quiver");
  if (qv_buffer_refcount(buf) != 1)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT,
                        "qv_buffer_reserve: buffer is shared (refcount %lld)", (long long)qv_buffer_refcount(buf));
  if (min_capacity <= buf->capacity) return QV_OK;
  int64_t want = qv_round_up_64(min_capacity);
  if (want < 0 || (uint64_t)want > (uint64_t)SIZE_MAX)
    return qv_error_set(err, QV_ERR_OVERFLOW, "qv_buffer_reserve: capacity %lld too large",
                        (long long)min_capacity);
  int64_t doubled = buf->capacity <= INT64_MAX / 2 ? buf->capacity * 2 : INT64_MAX;
  int64_t cap = want > doubled ? want : qv_round_up_64(doubled);
  if (cap < 0) cap = want;
  const qv_allocator *a = buf->allocator_;
  size_t zero_from = (size_t)cap;
  uint8_t *p = (uint8_t *)qv__allocator_reallocate(a, buf->data, (size_t)buf->capacity, (size_t)cap, QV_ALIGNMENT,
                                                   &zero_from);
  if (p == NULL && cap > want) {
    cap = want; /* the geometric step failed; try the minimum */
    p = (uint8_t *)qv__allocator_reallocate(a, buf->data, (size_t)buf->capacity, (size_t)cap, QV_ALIGNMENT,
                                            &zero_from);
  }
  if (p == NULL)
    return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory growing a buffer from %lld to %lld bytes",
                        (long long)buf->capacity, (long long)cap);
  /* [size, old capacity) held padding; past it the bytes are new, and
   * zero from zero_from on. */
  int64_t dirty_end = zero_from < (size_t)cap ? (int64_t)zero_from : cap;
  if (dirty_end > buf->size) memset(p + buf->size, 0, (size_t)(dirty_end - buf->size));
  buf->data = p;
  buf->capacity = cap;
  return QV_OK;
}

void qv_buffer_set_size(qv_buffer *buf, int64_t size) {
  if (buf == NULL || size < 0 || size > buf->capacity) return;
  buf->size = size;
  if (buf->kind_ == QV__BUFFER_OWNED && buf->capacity > size)
    memset(buf->data + size, 0, (size_t)(buf->capacity - size));
}

qv_buffer *qv_buffer_retain(qv_buffer *buf) {
  if (buf != NULL && __atomic_load_n(&buf->refcount_, __ATOMIC_RELAXED) >= 0)
    __atomic_fetch_add(&buf->refcount_, 1, __ATOMIC_RELAXED);
  return buf;
}

void qv_buffer_release(qv_buffer *buf) {
  if (buf == NULL || __atomic_load_n(&buf->refcount_, __ATOMIC_RELAXED) < 0) return;
  if (__atomic_sub_fetch(&buf->refcount_, 1, __ATOMIC_ACQ_REL) != 0) return;
  switch (buf->kind_) {
    case QV__BUFFER_OWNED:
      buf->allocator_->free(buf->allocator_->ctx, buf->data, (size_t)buf->capacity);
      break;
    case QV__BUFFER_FOREIGN:
      if (buf->release_) buf->release_(buf->release_ctx_, buf->data, buf->size);
      break;
    case QV__BUFFER_VIEW:
      qv_buffer_release(buf->parent_);
      break;
    case QV__BUFFER_BLOCK_VIEW:
      qv__view_block_release((qv__view_block *)buf->release_ctx_); /* the struct is the block's */
      return;
    default:
      break;
  }
  qv__free(buf);
}

int64_t qv_buffer_refcount(const qv_buffer *buf) {
  if (buf == NULL) return 0;
  return __atomic_load_n(&buf->refcount_, __ATOMIC_RELAXED);
}

void qv__buffer_init_static(qv_buffer *buf, const void *data, int64_t size) {
  memset(buf, 0, sizeof *buf);
  buf->data = (uint8_t *)(uintptr_t)data;
  buf->size = size;
  buf->capacity = size;
  buf->refcount_ = -1;
  buf->kind_ = QV__BUFFER_STATIC;
}

qv_status qv__view_block_new(qv_buffer *parent, int32_t cap, size_t arena, qv__view_block **out, qv_error *err) {
  *out = NULL;
  if (parent == NULL) cap = 0;
  else if (cap < 1) cap = 1;
  arena = (arena + 7) & ~(size_t)7;
  size_t head = sizeof(qv__view_block) + (size_t)cap * sizeof(qv_buffer);
  if (arena > SIZE_MAX - head) return qv_error_set(err, QV_ERR_OVERFLOW, "view block of %zu bytes", arena);
  qv__view_block *b = (qv__view_block *)qv__malloc(head + arena);
  QV_CHECK_ALLOC(b, err);
  qv_buffer *root = parent;
  int64_t base = 0;
  if (parent != NULL && (parent->kind_ == QV__BUFFER_VIEW || parent->kind_ == QV__BUFFER_BLOCK_VIEW)) {
    root = parent->parent_;
    if (root->data != NULL) base = (int64_t)(parent->data - root->data);
  }
  b->refcount_ = 1;
  b->root = qv_buffer_retain(root);
  b->base = base;
  b->size = parent ? parent->size : 0;
  b->cap = cap;
  b->used = 0;
  b->arena = (uint8_t *)b + head;
  b->arena_cap = arena;
  b->arena_used = 0;
  *out = b;
  return QV_OK;
}

void *qv__view_block_alloc_raw(qv__view_block *b, size_t n) {
  n = (n + 7) & ~(size_t)7;
  if (b == NULL || n > b->arena_cap - b->arena_used) return NULL;
  void *p = b->arena + b->arena_used;
  b->arena_used += n;
  __atomic_fetch_add(&b->refcount_, 1, __ATOMIC_RELAXED);
  return p;
}

void *qv__view_block_alloc(qv__view_block *b, size_t n) {
  void *p = qv__view_block_alloc_raw(b, n);
  if (p != NULL) memset(p, 0, (n + 7) & ~(size_t)7);
  return p;
}

qv_status qv__view_block_take(qv__view_block *b, int64_t offset, int64_t size, qv_buffer **out, qv_error *err) {
  *out = NULL;
  int64_t end;
  if (offset < 0 || size < 0 || qv__add_overflow_i64(offset, size, &end) || end > b->size)
    return qv_error_set(err, QV_ERR_OUT_OF_RANGE,
                        "buffer view [%lld, %lld + %lld) is outside the %lld-byte parent buffer",
                        (long long)offset, (long long)offset, (long long)size, (long long)b->size);
  if (b->used == b->cap) {
    if (b->root == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "view of a block without a parent");
    return qv_buffer_view(b->root, b->base + offset, size, out, err);
  }
  qv_buffer *v = &b->views[b->used++];
  /* Every field written (no memset: one view per buffer of every read). */
  v->data = b->root->data ? b->root->data + b->base + offset : NULL;
  v->size = size;
  v->capacity = size;
  v->refcount_ = 1;
  v->kind_ = QV__BUFFER_BLOCK_VIEW;
  v->allocator_ = NULL;
  v->parent_ = b->root;
  v->release_ = NULL;
  v->release_ctx_ = b;
  __atomic_fetch_add(&b->refcount_, 1, __ATOMIC_RELAXED);
  *out = v;
  return QV_OK;
}

bool qv__view_block_full(const qv__view_block *b) { return b->used == b->cap; }

int32_t qv__view_block_room(const qv__view_block *b) { return b->cap - b->used; }

qv__view_block *qv__view_block_retain(qv__view_block *b) {
  if (b != NULL) __atomic_fetch_add(&b->refcount_, 1, __ATOMIC_RELAXED);
  return b;
}

void qv__view_block_release(qv__view_block *b) {
  if (b == NULL) return;
  if (__atomic_sub_fetch(&b->refcount_, 1, __ATOMIC_ACQ_REL) != 0) return;
  qv_buffer_release(b->root);
  qv__free(b);
}
