/* quiver shm: recognising a table that already lives whole in a segment.
 *
 * qv_shm_table_share gives a table read in place from a sealed memfd of
 * this process. Sending that table with qv_shm_send_table need not copy it
 * into a second memfd: the receiver can map the first one, provided the
 * stream in it is exactly the table being sent. That is proved, not
 * assumed: every buffer of the table must lie in one registered region,
 * and the region's stream, read again in place (metadata only: O(batches x
 * columns), no data page touched but the offsets' ends), must give the
 * same schema, the same batches and, array by array, the same type,
 * length, offset and buffers at the same addresses. A slice, a subset of
 * batches or columns, or a table rebuilt around other buffers fails the
 * proof and is copied as before.
 *
 * Memory safety: the caller's table holds references into the region, so
 * the mapping (and the registry entry with its descriptor) stays alive
 * while this runs; the re-read table is released before returning.
 */
#include <string.h>

#include "core/internal.h"
#include "shm/internal.h"

/* Deeper nesting than this is never written by the IPC writer's readers. */
#define MAX_DEPTH 64

static bool same_buffer(const qv_buffer *a, const qv_buffer *b) {
  if (a == NULL || b == NULL) return a == b;
  return a->data == b->data && a->size == b->size;
}

static bool same_array(const qv_array *a, const qv_array *b, int depth) {
  if (a == NULL || b == NULL) return a == b;
  if (depth > MAX_DEPTH) return false;
  if (a->length != b->length || a->offset != b->offset || a->n_buffers != b->n_buffers ||
      a->n_children != b->n_children || !qv_type_equals(a->type, b->type, true))
    return false;
  for (int32_t i = 0; i < a->n_buffers; i++)
    if (!same_buffer(a->buffers[i], b->buffers[i])) return false;
  for (int32_t i = 0; i < a->n_children; i++)
    if (!same_array(a->children[i], b->children[i], depth + 1)) return false;
  return same_array(a->dictionary, b->dictionary, depth + 1);
}

static bool same_table(const qv_table *a, const qv_table *b) {
  if (a->n_batches != b->n_batches || !qv_schema_equals(a->schema, b->schema, true)) return false;
  for (int64_t i = 0; i < a->n_batches; i++) {
    const qv_batch *x = a->batches[i], *y = b->batches[i];
    if (x->length != y->length || x->n_columns != y->n_columns || !qv_metadata_equals(x->metadata, y->metadata))
      return false;
    for (int32_t c = 0; c < x->n_columns; c++)
      if (!same_array(x->columns[c], y->columns[c], 0)) return false;
  }
  return true;
}

/* Walks every buffer of `a`: the first non-empty one picks the region
 * (*found), every later one must lie inside it. */
static bool array_in_region(const qv_array *a, qv__shm_region *r, bool *found, int depth) {
  if (a == NULL) return true;
  if (depth > MAX_DEPTH) return false;
  for (int32_t i = 0; i < a->n_buffers; i++) {
    const qv_buffer *b = a->buffers[i];
    if (b == NULL || b->size == 0) continue;
    if (!*found) {
      if (!qv__shm_registry_find(b->data, (size_t)b->size, r)) return false;
      *found = true;
    } else {
      uintptr_t p = (uintptr_t)b->data, base = (uintptr_t)r->base;
      if (p < base || p - base > (uint64_t)r->size || (uint64_t)b->size > (uint64_t)r->size - (p - base))
        return false;
    }
  }
  for (int32_t i = 0; i < a->n_children; i++)
    if (!array_in_region(a->children[i], r, found, depth + 1)) return false;
  return array_in_region(a->dictionary, r, found, depth + 1);
}

static void no_release(void *ctx, const uint8_t *data, int64_t size) {
  (void)ctx;
  (void)data;
  (void)size;
}

bool qv__shm_table_region(const qv_table *table, qv__shm_region *out) {
  qv__shm_region r;
  bool found = false;
  for (int64_t i = 0; i < table->n_batches; i++)
    for (int32_t c = 0; c < table->batches[i]->n_columns; c++)
      if (!array_in_region(table->batches[i]->columns[c], &r, &found, 0)) return false;
  if (!found) return false; /* no data at all: nothing to gain */
  /* the caller's table keeps the mapping alive: a borrowed wrapper will do */
  qv_buffer *whole = NULL;
  if (qv_buffer_wrap(r.base, r.size, no_release, NULL, &whole, NULL) != QV_OK) return false;
  qv_table *again = NULL;
  bool same = qv_ipc_read_stream_buffer(whole, NULL, &again, NULL) == QV_OK && same_table(table, again);
  qv_table_release(again);
  qv_buffer_release(whole);
  if (same) *out = r;
  return same;
}
