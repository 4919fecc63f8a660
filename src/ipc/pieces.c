/* quiver IPC: a message (or a whole stream) as a list of pieces that
 * reference the arrays' own buffers, for callers that send it on with
 * writev or as gRPC slices without copying the body.
 *
 * Invariants:
 *   - a piece either points into a chunk the object owns (copied bytes) or
 *     into a qv_buffer the object has retained; so every piece stays valid
 *     until qv_ipc_pieces_free, whatever happens to the writer or arrays;
 *   - chunks never move (a run that does not fit starts a new chunk), and
 *     copied bytes that follow each other share one piece;
 *   - a range is referenced only when it lies entirely inside one buffer's
 *     [data, data + size); anything else (the writer's scratch, static
 *     padding, a range straddling buffers) is copied.
 */
#include "ipc/pieces.h"

#include <stddef.h>
#include <stdlib.h>

#include "core/internal.h"

/* The public header promises struct iovec's layout (writev takes the list). */
_Static_assert(sizeof(qv_ipc_piece) == sizeof(struct iovec) &&
                   offsetof(qv_ipc_piece, data) == offsetof(struct iovec, iov_base) &&
                   offsetof(qv_ipc_piece, len) == offsetof(struct iovec, iov_len),
               "qv_ipc_piece must have the layout of struct iovec");

struct qv_buffer_range {
  uintptr_t start, end; /* [start, end) */
  qv_buffer *buf;
};

#define CHUNK_MIN 4096

typedef struct chunk {
  struct chunk *next;
  size_t cap, used;
  /* bytes follow */
} chunk;

struct qv_ipc_pieces {
  qv_ipc_piece *items;
  size_t n, cap;
  int64_t size;
  qv_buffer **refs;
  size_t n_refs, cap_refs;
  chunk *chunks; /* newest first */
  bool last_copied; /* the last piece is the tail of chunks' newest bytes */
};

/* ---- the buffer index ---- */

static qv_status index_push(qv_buffer_index *ix, qv_buffer *b, qv_error *err) {
  if (b == NULL || b->size <= 0 || b->data == NULL) return QV_OK;
  if (ix->n == ix->cap) {
    size_t cap = ix->cap ? ix->cap * 2 : 16;
    struct qv_buffer_range *p = (struct qv_buffer_range *)qv__realloc(ix->items, cap * sizeof *p);
    QV_CHECK_ALLOC(p, err);
    ix->items = p;
    ix->cap = cap;
  }
  ix->items[ix->n++] = (struct qv_buffer_range){(uintptr_t)b->data, (uintptr_t)b->data + (uintptr_t)b->size, b};
  return QV_OK;
}

static qv_status index_add(qv_buffer_index *ix, const qv_array *a, int depth, qv_error *err) {
  if (a == NULL) return QV_OK;
  if (depth > 256) return QV_OK; /* deeper buffers are simply copied */
  for (int32_t i = 0; i < a->n_buffers; i++) QV_RETURN_IF_ERROR(index_push(ix, a->buffers[i], err));
  for (int32_t i = 0; i < a->n_children; i++) QV_RETURN_IF_ERROR(index_add(ix, a->children[i], depth + 1, err));
  return index_add(ix, a->dictionary, depth + 1, err);
}

static int range_cmp(const void *x, const void *y) {
  const struct qv_buffer_range *a = x, *b = y;
  return (a->start > b->start) - (a->start < b->start);
}

qv_status qv__buffer_index_build(qv_buffer_index *ix, const qv_array *const *arrays, int32_t n, qv_error *err) {
  ix->n = 0;
  for (int32_t i = 0; i < n; i++) QV_RETURN_IF_ERROR(index_add(ix, arrays[i], 0, err));
  if (ix->n > 1) qsort(ix->items, ix->n, sizeof *ix->items, range_cmp);
  return QV_OK;
}

void qv__buffer_index_free(qv_buffer_index *ix) {
  qv__free(ix->items);
  ix->items = NULL;
  ix->n = ix->cap = 0;
}

/* The buffer holding [p, p + len) entirely, or NULL. Buffers may overlap
 * (views of one region): any one that holds the range will do, and the
 * candidates are the ranges starting at or before p; scanning back from
 * the last of them finds one when it exists among the nearest. */
static qv_buffer *index_find(const qv_buffer_index *ix, uintptr_t p, size_t len) {
  if (ix == NULL || ix->n == 0) return NULL;
  size_t lo = 0, hi = ix->n; /* first range with start > p */
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (ix->items[mid].start <= p)
      lo = mid + 1;
    else
      hi = mid;
  }
  for (size_t k = lo; k > 0 && lo - k < 64; k--) {
    const struct qv_buffer_range *r = &ix->items[k - 1];
    if (p + len <= r->end) return r->buf;
  }
  return NULL;
}

/* ---- the pieces object ---- */

qv_status qv__pieces_new(qv_ipc_pieces **out, qv_error *err) {
  qv_ipc_pieces *p = (qv_ipc_pieces *)qv__calloc(1, sizeof *p);
  QV_CHECK_ALLOC(p, err);
  *out = p;
  return QV_OK;
}

void qv_ipc_pieces_free(qv_ipc_pieces *p) {
  if (p == NULL) return;
  for (size_t i = 0; i < p->n_refs; i++) qv_buffer_release(p->refs[i]);
  qv__free(p->refs);
  qv__free(p->items);
  while (p->chunks) {
    chunk *c = p->chunks;
    p->chunks = c->next;
    qv__free(c);
  }
  qv__free(p);
}

size_t qv_ipc_pieces_count(const qv_ipc_pieces *p) { return p ? p->n : 0; }
const qv_ipc_piece *qv_ipc_pieces_items(const qv_ipc_pieces *p) { return p ? p->items : NULL; }
int64_t qv_ipc_pieces_size(const qv_ipc_pieces *p) { return p ? p->size : 0; }

static qv_status push_piece(qv_ipc_pieces *p, const void *data, size_t len, qv_error *err) {
  if (p->n == p->cap) {
    size_t cap = p->cap ? p->cap * 2 : 16;
    qv_ipc_piece *q = (qv_ipc_piece *)qv__realloc(p->items, cap * sizeof *q);
    QV_CHECK_ALLOC(q, err);
    p->items = q;
    p->cap = cap;
  }
  p->items[p->n++] = (qv_ipc_piece){data, len};
  return QV_OK;
}

static qv_status copy_bytes(qv_ipc_pieces *p, const void *src, size_t len, qv_error *err) {
  chunk *c = p->chunks;
  if (c == NULL || c->cap - c->used < len) {
    size_t cap = len > CHUNK_MIN ? len : CHUNK_MIN;
    if (cap > SIZE_MAX - sizeof(chunk)) return qv_error_set(err, QV_ERR_OVERFLOW, "pieces: %zu bytes", len);
    c = (chunk *)qv__malloc(sizeof(chunk) + cap);
    QV_CHECK_ALLOC(c, err);
    c->next = p->chunks;
    c->cap = cap;
    c->used = 0;
    p->chunks = c;
    p->last_copied = false; /* a new chunk: the last piece cannot grow into it */
  }
  uint8_t *dst = (uint8_t *)(c + 1) + c->used;
  memcpy(dst, src, len);
  c->used += len;
  if (p->last_copied) {
    p->items[p->n - 1].len += len; /* contiguous with the previous copied bytes */
    return QV_OK;
  }
  QV_RETURN_IF_ERROR(push_piece(p, dst, len, err));
  p->last_copied = true;
  return QV_OK;
}

static qv_status ref_bytes(qv_ipc_pieces *p, qv_buffer *buf, const void *data, size_t len, qv_error *err) {
  if (p->n_refs == 0 || p->refs[p->n_refs - 1] != buf) {
    if (p->n_refs == p->cap_refs) {
      size_t cap = p->cap_refs ? p->cap_refs * 2 : 16;
      qv_buffer **q = (qv_buffer **)qv__realloc(p->refs, cap * sizeof *q);
      QV_CHECK_ALLOC(q, err);
      p->refs = q;
      p->cap_refs = cap;
    }
    p->refs[p->n_refs++] = qv_buffer_retain(buf);
  }
  QV_RETURN_IF_ERROR(push_piece(p, data, len, err));
  p->last_copied = false;
  return QV_OK;
}

qv_status qv__pieces_append(qv_ipc_pieces *p, const struct iovec *iov, int n, const qv_buffer_index *ix,
                            qv_error *err) {
  for (int i = 0; i < n; i++) {
    size_t len = iov[i].iov_len;
    if (len == 0) continue;
    if ((uint64_t)len > (uint64_t)(INT64_MAX - p->size))
      return qv_error_set(err, QV_ERR_OVERFLOW, "pieces: output exceeds INT64_MAX bytes");
    qv_buffer *buf = index_find(ix, (uintptr_t)iov[i].iov_base, len);
    if (buf != NULL)
      QV_RETURN_IF_ERROR(ref_bytes(p, buf, iov[i].iov_base, len, err));
    else
      QV_RETURN_IF_ERROR(copy_bytes(p, iov[i].iov_base, len, err));
    p->size += (int64_t)len;
  }
  return QV_OK;
}
