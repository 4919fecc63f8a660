/* quiver Flight: a pool of memory for received bodies that must be copied.
 *
 * gRPC hands a large message over in many slices (HTTP/2 frames of 16
 * KiB), so a body of more than a slice is copied into memory of its own.
 * Fresh memory from the system must first be zeroed by the kernel, page by
 * page, and for 8 MiB bodies that zeroing was most of a DoGet client's CPU
 * (perf: clear_page_erms under the copy, about 60 % of the samples). The
 * pool keeps the blocks of bodies the application released and hands them
 * to the next bodies, so a reader that releases its batches as it goes
 * (a streaming consumer, the CLI's quiver get) copies into warm memory.
 *
 * Bounds: at most `cap` bytes of idle blocks are kept; a block is reused
 * only for a body of at least 3/4 of its size (a small body never pins a
 * large block). The pool belongs to a client or a server and is closed with
 * it: its idle blocks are freed then, and blocks still in use by the
 * application are freed when it releases them (each block holds a
 * reference to the pool, so the pool outlives its owner until the last
 * block goes). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "core/internal.h"
#include "flight/internal.h"

/* blocks are multiples of this (and the default allocator page-aligns them) */
#define BLOCK_GRAIN ((int64_t)1 << 16)
#define MAX_IDLE 64

typedef struct block {
  qv__body_pool *pool;
  uint8_t *data;
  int64_t cap;
} block;

struct qv__body_pool {
  atomic_long refs; /* the owner's, plus one per block handed out */
  pthread_mutex_t lock; /* guards idle, n_idle, idle_bytes, closed */
  block *idle[MAX_IDLE];
  size_t n_idle;
  int64_t idle_bytes, cap;
  bool closed;
};

static void pool_unref(qv__body_pool *p) {
  if (atomic_fetch_sub(&p->refs, 1) != 1) return;
  pthread_mutex_destroy(&p->lock);
  free(p);
}

static void block_free(block *b) {
  const qv_allocator *a = qv_default_allocator();
  a->free(a->ctx, b->data, (size_t)b->cap);
  free(b);
}

qv__body_pool *qv__body_pool_new(int64_t cap) {
  qv__body_pool *p = (qv__body_pool *)calloc(1, sizeof *p);
  if (p == NULL) return NULL;
  atomic_init(&p->refs, 1);
  pthread_mutex_init(&p->lock, NULL);
  p->cap = cap;
  return p;
}

void qv__body_pool_close(qv__body_pool *p) {
  if (p == NULL) return;
  pthread_mutex_lock(&p->lock);
  p->closed = true;
  size_t n = p->n_idle;
  block *idle[MAX_IDLE];
  for (size_t i = 0; i < n; i++) idle[i] = p->idle[i];
  p->n_idle = 0;
  p->idle_bytes = 0;
  pthread_mutex_unlock(&p->lock);
  for (size_t i = 0; i < n; i++) block_free(idle[i]);
  pool_unref(p);
}

/* The buffer's release: back to the pool if it has room, else freed. */
static void block_release(void *ctx, const uint8_t *data, int64_t size) {
  (void)data;
  (void)size;
  block *b = (block *)ctx;
  qv__body_pool *p = b->pool;
  pthread_mutex_lock(&p->lock);
  bool keep = !p->closed && p->n_idle < MAX_IDLE && b->cap <= p->cap - p->idle_bytes;
  if (keep) {
    p->idle[p->n_idle++] = b;
    p->idle_bytes += b->cap;
  }
  pthread_mutex_unlock(&p->lock);
  if (!keep) block_free(b);
  pool_unref(p);
}

qv_status qv__body_pool_allocate(qv__body_pool *p, int64_t size, qv_buffer **out, qv_error *err) {
  if (p == NULL || size <= 0 || size > p->cap) return qv_buffer_allocate(NULL, size, false, out, err);
  int64_t cap = (size + BLOCK_GRAIN - 1) / BLOCK_GRAIN * BLOCK_GRAIN;
  block *b = NULL;
  pthread_mutex_lock(&p->lock);
  size_t best = MAX_IDLE;
  for (size_t i = 0; i < p->n_idle; i++) {
    int64_t c = p->idle[i]->cap;
    if (c >= cap && c / 4 * 3 <= size && (best == MAX_IDLE || c < p->idle[best]->cap)) best = i;
  }
  if (best != MAX_IDLE) {
    b = p->idle[best];
    p->idle[best] = p->idle[--p->n_idle];
    p->idle_bytes -= b->cap;
  }
  pthread_mutex_unlock(&p->lock);
  if (b == NULL) {
    b = (block *)malloc(sizeof *b);
    QV_CHECK_ALLOC(b, err);
    const qv_allocator *a = qv_default_allocator();
    b->data = (uint8_t *)a->allocate(a->ctx, (size_t)cap, QV_ALIGNMENT);
    if (b->data == NULL) {
      free(b);
      return qv_error_set(err, QV_ERR_NO_MEMORY, "flight: out of memory for a body of %lld bytes", (long long)size);
    }
    b->cap = cap;
    b->pool = p;
  }
  atomic_fetch_add(&p->refs, 1);
  qv_status st = qv_buffer_wrap(b->data, size, block_release, b, out, err);
  if (st != QV_OK) {
    block_free(b);
    pool_unref(p);
  }
  return st;
}
