/* Zero-copy export of arrays and batches as ArrowArray trees.
 *
 * One allocation per exported tree: a block holds the child ArrowArray
 * structs, the buffer- and children-pointer arrays and the int64 variadic
 * size buffers of view arrays, plus ONE reference to the exported qv_array
 * (or qv_batch), which owns every buffer, child and dictionary below it. No
 * data is copied: buffer pointers are quiver's buffer data, `offset` and
 * `length` are the array's own. The consumer's root struct and every child
 * struct each hold a reference on the block (see schema_export.c for why), so
 * moved children outlive their parent safely and the quiver reference is
 * dropped when the last struct is released.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "cdata/internal.h"

typedef struct array_block {
  atomic_int_fast64_t refs;
  qv_array *array; /* owned reference (array export) */
  qv_batch *batch; /* owned reference (batch export) */
} array_block;

/* Offsets of an empty binary/list array may be absent in quiver; consumers
 * expect length+1 offsets, so point them here instead of at NULL. */
static const int64_t zero_offsets[2] = {0, 0};

static bool is_view(qv_type_id id) { return id == QV_TYPE_BINARY_VIEW || id == QV_TYPE_STRING_VIEW; }

static bool has_offsets(qv_type_id id) {
  switch (id) {
    case QV_TYPE_BINARY: case QV_TYPE_STRING: case QV_TYPE_LARGE_BINARY: case QV_TYPE_LARGE_STRING:
    case QV_TYPE_LIST: case QV_TYPE_LARGE_LIST: case QV_TYPE_MAP:
      return true;
    default:
      return false;
  }
}

typedef struct plan {
  int64_t nodes, ptrs, bufs, sizes;
} plan;

static void plan_array(const qv_array *a, plan *p) {
  qv_type_id id = qv_type_storage(a->type)->id;
  p->bufs += a->n_buffers;
  if (is_view(id)) {
    p->bufs += 1;
    p->sizes += a->n_buffers > 2 ? a->n_buffers - 2 : 0;
  }
  p->ptrs += a->n_children;
  p->nodes += a->n_children;
  for (int32_t i = 0; i < a->n_children; i++) plan_array(a->children[i], p);
  if (a->dictionary != NULL) {
    p->nodes++;
    plan_array(a->dictionary, p);
  }
}

typedef struct cursor {
  array_block *block;
  struct ArrowArray *nodes;
  struct ArrowArray **ptrs;
  const void **bufs;
  int64_t *sizes;
} cursor;

static void array_release(struct ArrowArray *a);

static void fill_array(struct ArrowArray *out, const qv_array *a, cursor *c) {
  const qv_type *st = qv_type_storage(a->type);
  out->length = a->length;
  out->offset = a->offset;
  if (st->id == QV_TYPE_NULL) out->null_count = a->length;
  else if (!qv_type_has_validity(st)) out->null_count = 0;
  else if (a->n_buffers > 0 && a->buffers[0] == NULL) out->null_count = 0;
  else out->null_count = __atomic_load_n(&a->null_count, __ATOMIC_RELAXED);

  int64_t nb = a->n_buffers + (is_view(st->id) ? 1 : 0);
  out->n_buffers = nb;
  out->buffers = NULL;
  if (nb > 0) {
    out->buffers = c->bufs;
    c->bufs += nb;
    for (int32_t i = 0; i < a->n_buffers; i++) out->buffers[i] = a->buffers[i] != NULL ? a->buffers[i]->data : NULL;
    if (has_offsets(st->id) && a->n_buffers > 1 && (a->buffers[1] == NULL || a->buffers[1]->size == 0)) {
      /* Only an empty array may elide its offsets (structural validation),
       * by an absent buffer or a 0-byte one; a consumer reads
       * offsets[offset] and offsets[offset + length], so the stand-in is
       * exported at offset 0, the same empty window. */
      out->buffers[1] = zero_offsets;
      out->offset = 0;
    }
    if (is_view(st->id)) {
      int64_t nvar = a->n_buffers > 2 ? a->n_buffers - 2 : 0;
      for (int64_t i = 0; i < nvar; i++) c->sizes[i] = a->buffers[2 + i] != NULL ? a->buffers[2 + i]->size : 0;
      out->buffers[nb - 1] = c->sizes;
      c->sizes += nvar;
    }
  }
  out->n_children = a->n_children;
  out->children = NULL;
  out->dictionary = NULL;
  out->release = array_release;
  out->private_data = c->block;
  if (a->n_children > 0) {
    out->children = c->ptrs;
    c->ptrs += a->n_children;
    struct ArrowArray *kids = c->nodes;
    c->nodes += a->n_children;
    for (int32_t i = 0; i < a->n_children; i++) out->children[i] = &kids[i];
    for (int32_t i = 0; i < a->n_children; i++) fill_array(&kids[i], a->children[i], c);
  }
  if (a->dictionary != NULL) {
    out->dictionary = c->nodes++;
    fill_array(out->dictionary, a->dictionary, c);
  }
}

static void array_release(struct ArrowArray *a) {
  if (a == NULL || a->release == NULL) return;
  for (int64_t i = 0; i < a->n_children; i++) {
    struct ArrowArray *child = a->children[i];
    if (child->release != NULL) child->release(child);
  }
  if (a->dictionary != NULL && a->dictionary->release != NULL) a->dictionary->release(a->dictionary);
  array_block *block = a->private_data;
  a->release = NULL;
  if (atomic_fetch_sub_explicit(&block->refs, 1, memory_order_acq_rel) == 1) {
    qv_array_release(block->array);
    qv_batch_release(block->batch);
    free(block);
  }
}

static qv_status alloc_block(const plan *p, cursor *c, qv_error *err) {
  size_t head = (sizeof(array_block) + 15) & ~(size_t)15;
  size_t total = head + (size_t)p->nodes * sizeof(struct ArrowArray) + (size_t)p->ptrs * sizeof(void *) +
                 (size_t)p->bufs * sizeof(void *) + (size_t)p->sizes * sizeof(int64_t);
  array_block *block = malloc(total);
  if (block == NULL) return qv_error_set(err, QV_ERR_NO_MEMORY, "exporting an array: out of memory (%zu bytes)", total);
  atomic_init(&block->refs, p->nodes + 1);
  block->array = NULL;
  block->batch = NULL;
  c->block = block;
  c->nodes = (struct ArrowArray *)(void *)((char *)block + head);
  c->ptrs = (struct ArrowArray **)(void *)(c->nodes + p->nodes);
  c->bufs = (const void **)(void *)(c->ptrs + p->ptrs);
  c->sizes = (int64_t *)(void *)(c->bufs + p->bufs);
  return QV_OK;
}

QV_API qv_status qv_array_export(qv_array *array, struct ArrowArray *out, qv_error *err) {
  if (out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_array_export: out is NULL");
  out->release = NULL;
  if (array == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_array_export: array is NULL");
  plan p = {0, 0, 0, 0};
  plan_array(array, &p);
  cursor c;
  QV_RETURN_IF_ERROR(alloc_block(&p, &c, err));
  c.block->array = qv_array_retain(array);
  fill_array(out, array, &c);
  return QV_OK;
}

QV_API qv_status qv_batch_export(qv_batch *batch, struct ArrowArray *out, qv_error *err) {
  if (out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_batch_export: out is NULL");
  out->release = NULL;
  if (batch == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_batch_export: batch is NULL");
  int32_t n = batch->n_columns;
  plan p = {n, n, 1, 0};
  for (int32_t i = 0; i < n; i++) plan_array(batch->columns[i], &p);
  cursor c;
  QV_RETURN_IF_ERROR(alloc_block(&p, &c, err));
  c.block->batch = qv_batch_retain(batch);
  out->length = batch->length;
  out->null_count = 0;
  out->offset = 0;
  out->n_buffers = 1;
  out->buffers = c.bufs;
  c.bufs[0] = NULL; /* a record batch has no top-level nulls */
  c.bufs += 1;
  out->n_children = n;
  out->children = NULL;
  out->dictionary = NULL;
  out->release = array_release;
  out->private_data = c.block;
  if (n > 0) {
    out->children = c.ptrs;
    c.ptrs += n;
    struct ArrowArray *kids = c.nodes;
    c.nodes += n;
    for (int32_t i = 0; i < n; i++) out->children[i] = &kids[i];
    for (int32_t i = 0; i < n; i++) fill_array(&kids[i], batch->columns[i], &c);
  }
  return QV_OK;
}
