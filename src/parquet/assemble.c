/* Parquet: record assembly from repetition and definition levels.
 *
 * A "slot" of a node is one position of its Arrow array; for each leaf
 * below the node, the slots are the indices of the leaf's level entries
 * where a slot starts. Top-level slots are the entries with repetition
 * level 0. A list's child slots are, for each non-empty list slot s, s
 * itself and every following entry whose repetition level equals the
 * list's element level (deeper levels belong to nested lists). Each leaf
 * keeps its own slot indices, so siblings with different nesting below
 * them never mix; a node's own validity and offsets come from its first
 * leaf. Levels were range-checked when decoded. */
#include <string.h>

#include "core/internal.h"
#include "parquet/assemble.h"

typedef struct slots {
  int64_t *idx; /* NULL: the identity 0..n-1 */
  int64_t n;
} slots;

static inline int64_t slot_at(const slots *s, int64_t i) { return s->idx ? s->idx[i] : i; }

static void slots_free(slots *s, int32_t n) {
  if (s == NULL) return;
  for (int32_t i = 0; i < n; i++) qv__free(s[i].idx);
  qv__free(s);
}

static qv_status bitmap_new(int64_t n, qv_buffer **out, qv_error *err) {
  return qv_buffer_allocate(NULL, (n + 7) / 8, true, out, err);
}

/* Spreads a dense array over n slots (valid bits given); dense->length
 * equals the number of valid slots. */
static qv_status spread(qv_array *dense, const uint8_t *valid, int64_t n, int64_t nulls, qv_buffer *bitmap,
                        qv_array **out, qv_error *err) {
  const qv_type *st = qv_type_storage(dense->type);
  qv_buffer *vals = NULL, *offs = NULL;
  qv_status s = QV_OK;
  if (st->id == QV_TYPE_NULL) return qv_array_new_null(dense->type, n, out, err);
  if (st->id == QV_TYPE_BINARY || st->id == QV_TYPE_STRING) {
    QV_RETURN_IF_ERROR(qv_buffer_allocate(NULL, (n + 1) * 4, false, &offs, err));
    int32_t *o = (int32_t *)(void *)offs->data;
    const int32_t *src = (const int32_t *)(const void *)qv__array_buffer_or_empty(dense, 1);
    int64_t k = 0;
    o[0] = dense->length > 0 ? src[0] : 0;
    for (int64_t i = 0; i < n; i++) {
      if (qv_bit_get(valid, i)) k++;
      o[i + 1] = dense->length > 0 ? src[k] : 0;
    }
    qv_buffer *bufs[3] = {bitmap, offs, dense->buffers[2]};
    s = qv_array_new(dense->type, n, 0, nulls, 3, bufs, 0, NULL, NULL, out, err);
    qv_buffer_release(offs);
    return s;
  }
  int32_t bw = st->bit_width;
  if (bw == 1) {
    QV_RETURN_IF_ERROR(bitmap_new(n, &vals, err));
    const uint8_t *src = qv__array_buffer_or_empty(dense, 1);
    int64_t k = 0;
    for (int64_t i = 0; i < n; i++)
      if (qv_bit_get(valid, i)) {
        if (qv_bit_get(src, k)) vals->data[i >> 3] |= (uint8_t)(1u << (i & 7));
        k++;
      }
  } else {
    int64_t w = bw / 8;
    QV_RETURN_IF_ERROR(qv_buffer_allocate(NULL, n * w, true, &vals, err));
    const uint8_t *src = qv__array_buffer_or_empty(dense, 1);
    int64_t k = 0;
    if (w == 8) {
      for (int64_t i = 0; i < n; i++)
        if (qv_bit_get(valid, i)) memcpy(vals->data + 8 * i, src + 8 * k++, 8);
    } else if (w == 4) {
      for (int64_t i = 0; i < n; i++)
        if (qv_bit_get(valid, i)) memcpy(vals->data + 4 * i, src + 4 * k++, 4);
    } else {
      for (int64_t i = 0; i < n; i++)
        if (qv_bit_get(valid, i)) memcpy(vals->data + w * i, src + w * k++, (size_t)w);
    }
  }
  qv_buffer *bufs[2] = {bitmap, vals};
  s = qv_array_new(dense->type, n, 0, nulls, 2, bufs, 0, NULL, NULL, out, err);
  qv_buffer_release(vals);
  return s;
}

/* Validity of slots: def >= level. Sets *bitmap NULL when all are valid. */
static qv_status validity(const qv__pq_chunk *c, const slots *s, int16_t level, qv_buffer **bitmap, int64_t *nulls,
                          qv_error *err) {
  *bitmap = NULL;
  *nulls = 0;
  if (c->def == NULL || level == 0) return QV_OK;
  int64_t bad = 0;
  const int16_t *def = c->def;
  if (s->idx == NULL) {
    /* The identity slots of a flat column: straight loops the compiler
     * vectorizes (most columns have no null at all, and stop after the count). */
    for (int64_t i = 0; i < s->n; i++) bad += def[i] < level;
  } else {
    for (int64_t i = 0; i < s->n; i++) bad += def[s->idx[i]] < level;
  }
  if (bad == 0) return QV_OK;
  QV_RETURN_IF_ERROR(bitmap_new(s->n, bitmap, err));
  uint8_t *b = (*bitmap)->data;
  int64_t i = 0;
  if (s->idx == NULL)
    for (; i + 8 <= s->n; i += 8) {
      unsigned byte = 0;
      for (int k = 0; k < 8; k++) byte |= (unsigned)(def[i + k] >= level) << k;
      b[i >> 3] = (uint8_t)byte;
    }
  for (; i < s->n; i++)
    if (def[slot_at(s, i)] >= level) b[i >> 3] |= (uint8_t)(1u << (i & 7));
  *nulls = bad;
  return QV_OK;
}

static qv_status build(const qv__pq_node *node, qv__pq_chunk *chunks, slots *ls, qv_array **out, qv_error *err);

static qv_status build_leaf(const qv__pq_node *node, qv__pq_chunk *c, const slots *s, qv_array **out, qv_error *err) {
  qv_array *dense = NULL;
  qv_buffer *bitmap = NULL;
  int64_t nulls = 0;
  QV_RETURN_IF_ERROR(qv__pq_dense_array(&c->values, node->elem, node->field->type, &dense, err));
  qv_status st = validity(c, s, node->def_level, &bitmap, &nulls, err);
  if (st != QV_OK) goto done;
  if (s->n - nulls != dense->length) {
    st = qv_error_set(err, QV_ERR_INVALID_DATA, "Parquet column '%s': %lld values for %lld present slots",
                      node->elem->name, (long long)dense->length, (long long)(s->n - nulls));
    goto done;
  }
  if (bitmap == NULL) {
    *out = qv_array_retain(dense);
  } else {
    st = spread(dense, bitmap->data, s->n, nulls, bitmap, out, err);
  }
done:
  qv_buffer_release(bitmap);
  qv_array_release(dense);
  return st;
}

/* Child slots of a list for one leaf; also counts per parent slot into
 * offsets when offsets != NULL. */
static qv_status child_slots(const qv__pq_node *node, const qv__pq_chunk *c, const slots *s, slots *out,
                             int32_t *offsets, qv_error *err) {
  out->idx = NULL;
  out->n = 0;
  int64_t cap = 0;
  for (int64_t i = 0; i < s->n; i++) {
    int64_t e = slot_at(s, i);
    if (offsets) offsets[i] = (int32_t)out->n;
    if (c->def == NULL || c->def[e] < node->elem_def) continue;
    int64_t j = e;
    do {
      if (j == e || c->rep[j] == node->elem_rep) {
        if (out->n == cap) {
          cap = cap ? cap * 2 : 64;
          int64_t *ni = qv__realloc(out->idx, (size_t)cap * sizeof(int64_t));
          if (ni == NULL) {
            qv__free(out->idx);
            out->idx = NULL;
            return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory (Parquet list assembly)");
          }
          out->idx = ni;
        }
        out->idx[out->n++] = j;
        if (out->n > INT32_MAX) {
          qv__free(out->idx);
          out->idx = NULL;
          return qv_error_set(err, QV_ERR_LIMIT, "Parquet list: more than 2^31 elements in one row group");
        }
      }
      j++;
    } while (j < c->n_levels && c->rep[j] >= node->elem_rep);
  }
  if (offsets) offsets[s->n] = (int32_t)out->n;
  if (out->idx == NULL) {
    out->idx = qv__malloc(sizeof(int64_t));
    if (out->idx == NULL) return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory (Parquet list assembly)");
  }
  return QV_OK;
}

static qv_status build_list(const qv__pq_node *node, qv__pq_chunk *chunks, slots *ls, qv_array **out, qv_error *err) {
  int32_t nl = node->n_leaves;
  qv__pq_chunk *c0 = &chunks[0];
  qv_buffer *offs = NULL, *bitmap = NULL;
  qv_array *child = NULL;
  int64_t nulls = 0;
  slots *cs = qv__calloc((size_t)nl, sizeof(slots));
  QV_CHECK_ALLOC(cs, err);
  qv_status st = QV_OK;
  QV_GOTO_IF_ERROR(st, qv_buffer_allocate(NULL, (ls[0].n + 1) * 4, false, &offs, err), done);
  for (int32_t i = 0; i < nl; i++) {
    QV_GOTO_IF_ERROR(st, child_slots(node, &chunks[i], &ls[i], &cs[i], i == 0 ? (int32_t *)(void *)offs->data : NULL, err),
                     done);
    if (cs[i].n != cs[0].n)
      QV_FAIL_GOTO(st, done, err, QV_ERR_INVALID_DATA, "Parquet list '%s': its columns disagree on the element count",
                   node->field->name);
  }
  QV_GOTO_IF_ERROR(st, build(node->children[0], chunks, cs, &child, err), done);
  QV_GOTO_IF_ERROR(st, validity(c0, &ls[0], node->def_level, &bitmap, &nulls, err), done);
  qv_buffer *bufs[2] = {bitmap, offs};
  st = qv_array_new(node->field->type, ls[0].n, 0, nulls, 2, bufs, 1, &child, NULL, out, err);
done:
  slots_free(cs, nl);
  qv_array_release(child);
  qv_buffer_release(offs);
  qv_buffer_release(bitmap);
  return st;
}

static qv_status build_struct(const qv__pq_node *node, qv__pq_chunk *chunks, slots *ls, qv_array **out, qv_error *err) {
  qv_status st = QV_OK;
  qv_buffer *bitmap = NULL;
  int64_t nulls = 0;
  qv_array **kids = qv__calloc((size_t)node->n_children, sizeof(qv_array *));
  QV_CHECK_ALLOC(kids, err);
  for (int32_t i = 0; i < node->n_children; i++) {
    const qv__pq_node *k = node->children[i];
    int32_t off = k->first_leaf - node->first_leaf;
    QV_GOTO_IF_ERROR(st, build(k, chunks + off, ls + off, &kids[i], err), done);
  }
  if (node->nullable) QV_GOTO_IF_ERROR(st, validity(&chunks[0], &ls[0], node->def_level, &bitmap, &nulls, err), done);
  qv_buffer *bufs[1] = {bitmap};
  st = qv_array_new(node->field->type, ls[0].n, 0, nulls, 1, bufs, node->n_children, kids, NULL, out, err);
done:
  for (int32_t i = 0; i < node->n_children; i++) qv_array_release(kids[i]);
  qv__free(kids);
  qv_buffer_release(bitmap);
  return st;
}

static qv_status build(const qv__pq_node *node, qv__pq_chunk *chunks, slots *ls, qv_array **out, qv_error *err) {
  switch (node->kind) {
    case QV__PQ_NODE_LEAF: return build_leaf(node, &chunks[0], &ls[0], out, err);
    case QV__PQ_NODE_STRUCT: return build_struct(node, chunks, ls, out, err);
    default: return build_list(node, chunks, ls, out, err);
  }
}

qv_status qv__pq_assemble(const qv__pq_node *node, qv__pq_chunk *chunks, int64_t num_rows, qv_array **out,
                          qv_error *err) {
  int32_t nl = node->n_leaves;
  slots *ls = qv__calloc((size_t)nl, sizeof(slots));
  QV_CHECK_ALLOC(ls, err);
  qv_status st = QV_OK;
  for (int32_t i = 0; i < nl; i++) {
    qv__pq_chunk *c = &chunks[i];
    if (c->rep == NULL) {
      ls[i].n = c->n_levels;
    } else {
      int64_t k = 0;
      for (int64_t j = 0; j < c->n_levels; j++) k += c->rep[j] == 0;
      ls[i].idx = qv__malloc((size_t)(k ? k : 1) * sizeof(int64_t));
      if (ls[i].idx == NULL) QV_FAIL_GOTO(st, done, err, QV_ERR_NO_MEMORY, "out of memory (Parquet assembly)");
      for (int64_t j = 0; j < c->n_levels; j++)
        if (c->rep[j] == 0) ls[i].idx[ls[i].n++] = j;
    }
    if (ls[i].n != num_rows)
      QV_FAIL_GOTO(st, done, err, QV_ERR_INVALID_DATA, "Parquet column %d of field '%s' holds %lld rows, the row group %lld",
                   (int)(node->first_leaf + i), node->field->name, (long long)ls[i].n, (long long)num_rows);
  }
  st = build(node, chunks, ls, out, err);
done:
  slots_free(ls, nl);
  return st;
}
