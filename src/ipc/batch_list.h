/* quiver IPC: a growable list of owned batch references, for readers that
 * collect a table. Internal header. */
#ifndef QV_IPC_BATCH_LIST_H
#define QV_IPC_BATCH_LIST_H

#include <stdint.h>

#include "core/internal.h"

/* A growable list of owned batch references. */
typedef struct qv_batch_list {
  qv_batch **items;
  int64_t n, cap;
} qv_batch_list;

static inline void qv_batch_list_init(qv_batch_list *l) {
  l->items = NULL;
  l->n = l->cap = 0;
}

/* Takes ownership of b (released on failure too). */
static inline qv_status qv_batch_list_push(qv_batch_list *l, qv_batch *b, qv_error *err) {
  if (l->n == l->cap) {
    int64_t cap = l->cap ? l->cap * 2 : 8;
    qv_batch **p = (qv_batch **)qv__realloc(l->items, (size_t)cap * sizeof *p);
    if (p == NULL) {
      qv_batch_release(b);
      return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory collecting batches");
    }
    l->items = p;
    l->cap = cap;
  }
  l->items[l->n++] = b;
  return QV_OK;
}

static inline void qv_batch_list_free(qv_batch_list *l) {
  for (int64_t i = 0; i < l->n; i++) qv_batch_release(l->items[i]);
  qv__free(l->items);
  qv_batch_list_init(l);
}

#endif
