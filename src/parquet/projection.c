/* Parquet: projections and reshaped types (see projection.h).
 *
 * Invariants: a pruned node copy keeps its leaves' column indices and
 * elements (so chunks are read from the right column) but renumbers
 * first_leaf from 0 within its top-level copy, which is all assembly needs
 * (it only uses first_leaf differences). A reshaped type has the same
 * structure as the pruned node it belongs to, so restoring an assembled
 * array to it walks the two in step as for a whole field. */
#include "parquet/projection.h"

#include <string.h>

#include "core/internal.h"
#include "quiver/parquet.h"

static bool any_kept(const qv__pq_node *n, const bool *keep) {
  if (keep == NULL) return true;
  for (int32_t k = n->first_leaf; k < n->first_leaf + n->n_leaves; k++)
    if (keep[k]) return true;
  return false;
}

static qv_status field_like(const qv_field *f, qv_type *type, qv_field **out, qv_error *err) {
  return qv_field_new(f->name, type, f->nullable, f->metadata, out, err);
}

static qv_status leaf_shape(const qv__pq_node *n, qv_type *target, const qv__pq_shape_rules *r, qv_type **out,
                            qv_error *err) {
  qv_type *t = target;
  if (r->binary_type == QV_PARQUET_BINARY_LARGE) {
    if (t->id == QV_TYPE_STRING) t = qv_type_large_string();
    else if (t->id == QV_TYPE_BINARY) t = qv_type_large_binary();
  } else if (r->binary_type == QV_PARQUET_BINARY_VIEW) {
    if (t->id == QV_TYPE_STRING) t = qv_type_string_view();
    else if (t->id == QV_TYPE_BINARY) t = qv_type_binary_view();
  }
  /* as Arrow C++: only string and binary (not their large or view forms) */
  if (r->dictionary != NULL && r->dictionary[n->column] && (t->id == QV_TYPE_STRING || t->id == QV_TYPE_BINARY))
    return qv_type_dictionary(qv_type_int32(), t, false, out, err);
  *out = qv_type_retain(t);
  return QV_OK;
}

/* The list-like type of `base`'s kind over a new child field. */
static qv_status relist(const qv_type *base, qv_field *item, qv_type **out, qv_error *err) {
  switch (base->id) {
    case QV_TYPE_LARGE_LIST: return qv_type_large_list(item, out, err);
    case QV_TYPE_LIST_VIEW: return qv_type_list_view(item, out, err);
    case QV_TYPE_LARGE_LIST_VIEW: return qv_type_large_list_view(item, out, err);
    case QV_TYPE_FIXED_SIZE_LIST: return qv_type_fixed_size_list(item, base->list_size, out, err);
    default: return qv_type_list(item, out, err);
  }
}

static bool listlike(qv_type_id id) {
  return id == QV_TYPE_LIST || id == QV_TYPE_LARGE_LIST || id == QV_TYPE_LIST_VIEW || id == QV_TYPE_LARGE_LIST_VIEW ||
         id == QV_TYPE_FIXED_SIZE_LIST;
}

static qv_status struct_shape(const qv__pq_node *n, qv_type *target, qv_type *base, const qv__pq_shape_rules *r,
                              qv_type **out, qv_error *err) {
  qv_type **kids = qv__calloc((size_t)n->n_children + 1, sizeof(qv_type *));
  qv_field **fs = qv__calloc((size_t)n->n_children + 1, sizeof(qv_field *));
  qv_status st = QV_OK;
  int32_t kept = 0;
  bool same = true;
  if (kids == NULL || fs == NULL) QV_FAIL_GOTO(st, done, err, QV_ERR_NO_MEMORY, "out of memory (Parquet projection)");
  for (int32_t i = 0; i < n->n_children; i++) {
    QV_GOTO_IF_ERROR(st, qv__pq_reshape_type(n->children[i], base->children[i]->type, r, &kids[i], err), done);
    if (kids[i] != base->children[i]->type) same = false;
  }
  if (same) {
    *out = qv_type_retain(target);
    goto done;
  }
  for (int32_t i = 0; i < n->n_children; i++) {
    if (kids[i] == NULL) continue;
    QV_GOTO_IF_ERROR(st, field_like(base->children[i], kids[i], &fs[kept], err), done);
    kept++;
  }
  if (kept == 0) {
    *out = NULL;
    goto done;
  }
  st = qv_type_struct(fs, kept, out, err);
done:
  for (int32_t i = 0; kids != NULL && i < n->n_children; i++) qv_type_release(kids[i]);
  for (int32_t i = 0; fs != NULL && i < kept; i++) qv_field_release(fs[i]);
  qv__free(kids);
  qv__free(fs);
  return st;
}

static qv_status list_shape(const qv__pq_node *n, qv_type *target, qv_type *base, const qv__pq_shape_rules *r,
                            qv_type **out, qv_error *err) {
  qv_type *kid = NULL;
  qv_field *item = NULL;
  const qv_field *child = base->children[0];
  QV_RETURN_IF_ERROR(qv__pq_reshape_type(n->children[0], child->type, r, &kid, err));
  qv_status st = QV_OK;
  if (kid == child->type) {
    *out = qv_type_retain(target);
  } else if (kid != NULL) {
    st = field_like(child, kid, &item, err);
    if (st == QV_OK && n->kind == QV__PQ_NODE_MAP && base->id == QV_TYPE_MAP) {
      /* a map keeps its kind only while its entries keep key and value */
      st = kid->n_children == 2 ? qv_type_map_from_entries(item, base->keys_sorted, out, err)
                                : qv_type_list(item, out, err);
    } else if (st == QV_OK) {
      st = relist(base, item, out, err);
    }
  }
  qv_field_release(item);
  qv_type_release(kid);
  return st;
}

qv_status qv__pq_reshape_type(const qv__pq_node *n, qv_type *target, const qv__pq_shape_rules *r, qv_type **out,
                              qv_error *err) {
  *out = NULL;
  if (!any_kept(n, r->keep)) return QV_OK;
  if (n->kind == QV__PQ_NODE_LEAF) return leaf_shape(n, target, r, out, err);
  qv_type *base = target->id == QV_TYPE_EXTENSION ? target->storage_type : target;
  /* the resolver only accepts stored types of the node's structure; the
   * node's own type stands in should that ever not hold */
  if (n->kind == QV__PQ_NODE_STRUCT) {
    if (base->id != QV_TYPE_STRUCT || base->n_children != n->n_children) base = target = n->field->type;
    return struct_shape(n, target, base, r, out, err);
  }
  bool fits = n->kind == QV__PQ_NODE_MAP ? base->id == QV_TYPE_MAP : listlike(base->id);
  if (!fits || base->n_children != 1) base = target = n->field->type;
  return list_shape(n, target, base, r, out, err);
}

/* ---- projections ---- */

static qv_status alloc_projection(int32_t n, qv__pq_projection *p, qv_error *err) {
  memset(p, 0, sizeof(*p));
  size_t k = (size_t)(n > 0 ? n : 1);
  p->top = qv__calloc(k, sizeof(int32_t));
  p->nodes = qv__calloc(k, sizeof(qv__pq_node *));
  p->owned = qv__calloc(k, sizeof(bool));
  p->leaves = qv__calloc(k, sizeof(qv__pq_node **));
  if (p->top == NULL || p->nodes == NULL || p->owned == NULL || p->leaves == NULL) {
    qv__pq_projection_free(p);
    return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory (Parquet projection)");
  }
  return QV_OK;
}

void qv__pq_projection_free(qv__pq_projection *p) {
  for (int32_t i = 0; p->owned != NULL && i < p->n; i++)
    if (p->owned[i]) {
      qv__pq_node_free(p->nodes[i]);
      qv__free(p->leaves[i]);
    }
  qv__free(p->top);
  qv__free(p->nodes);
  qv__free(p->owned);
  qv__free(p->leaves);
  qv_schema_release(p->schema);
  memset(p, 0, sizeof(*p));
}

static qv_status make_schema(qv__pq_projection *p, qv_field **fs, const qv_schema *resolved, qv_error *err) {
  return qv_schema_new(fs, p->n, resolved->metadata, &p->schema, err);
}

qv_status qv__pq_projection_fields(const qv__pq_schema *tree, const qv_schema *resolved, const int32_t *fields,
                                   int32_t n_fields, qv__pq_projection *out, qv_error *err) {
  int32_t n = fields ? n_fields : resolved->n_fields;
  if (n < 0) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "Parquet: negative field count %d", (int)n);
  QV_RETURN_IF_ERROR(alloc_projection(n, out, err));
  qv_field **fs = qv__calloc((size_t)(n > 0 ? n : 1), sizeof(qv_field *));
  if (fs == NULL) {
    qv__pq_projection_free(out);
    return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory (Parquet projection)");
  }
  qv_status st = QV_OK;
  for (int32_t i = 0; i < n; i++) {
    int32_t f = fields ? fields[i] : i;
    if (f < 0 || f >= resolved->n_fields)
      QV_FAIL_GOTO(st, done, err, QV_ERR_OUT_OF_RANGE, "Parquet: field index %d out of range (%d fields)", (int)f,
                   (int)resolved->n_fields);
    out->top[i] = f;
    out->nodes[i] = tree->fields[f];
    out->leaves[i] = tree->leaves + tree->fields[f]->first_leaf;
    fs[i] = resolved->fields[f];
    out->n = i + 1;
  }
  out->n = n;
  st = make_schema(out, fs, resolved, err);
done:
  qv__free(fs);
  if (st != QV_OK) qv__pq_projection_free(out);
  return st;
}

/* A copy of n holding only the kept leaves (NULL when none is kept);
 * leaves[] receives the copies' leaves in order, *next counts them. */
static qv_status prune(const qv__pq_node *n, const qv__pq_shape_rules *r, int32_t *next, qv__pq_node **leaves,
                       qv__pq_node **out, qv_error *err) {
  *out = NULL;
  if (!any_kept(n, r->keep)) return QV_OK;
  qv__pq_node *c = qv__calloc(1, sizeof(qv__pq_node));
  QV_CHECK_ALLOC(c, err);
  *c = *n;
  c->children = NULL;
  c->n_children = 0;
  c->field = NULL;
  c->first_leaf = *next;
  qv_status st = QV_OK;
  qv_type *t = NULL;
  if (n->kind == QV__PQ_NODE_LEAF) {
    leaves[(*next)++] = c;
  } else {
    c->children = qv__calloc((size_t)n->n_children, sizeof(qv__pq_node *));
    if (c->children == NULL) QV_FAIL_GOTO(st, fail, err, QV_ERR_NO_MEMORY, "out of memory (Parquet projection)");
    for (int32_t i = 0; i < n->n_children; i++) {
      qv__pq_node *k = NULL;
      QV_GOTO_IF_ERROR(st, prune(n->children[i], r, next, leaves, &k, err), fail);
      if (k != NULL) c->children[c->n_children++] = k;
    }
  }
  c->n_leaves = *next - c->first_leaf;
  QV_GOTO_IF_ERROR(st, qv__pq_reshape_type(n, n->field->type, r, &t, err), fail);
  st = field_like(n->field, t, &c->field, err);
  qv_type_release(t);
  if (st != QV_OK) goto fail;
  *out = c;
  return QV_OK;
fail:
  qv__pq_node_free(c);
  return st;
}

qv_status qv__pq_projection_columns(const qv__pq_schema *tree, const qv_schema *resolved, const int32_t *columns,
                                    int32_t n_columns, qv__pq_projection *out, qv_error *err) {
  if (n_columns < 0 || (columns == NULL && n_columns > 0))
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "Parquet: bad column list");
  bool *keep = qv__calloc((size_t)tree->n_leaves + 1, sizeof(bool));
  int32_t *order = qv__calloc((size_t)tree->n_fields + 1, sizeof(int32_t));
  qv_field **fs = qv__calloc((size_t)tree->n_fields + 1, sizeof(qv_field *));
  bool *owned_f = qv__calloc((size_t)tree->n_fields + 1, sizeof(bool));
  qv_status st = QV_OK;
  int32_t n = 0;
  memset(out, 0, sizeof(*out));
  if (keep == NULL || order == NULL || fs == NULL || owned_f == NULL)
    QV_FAIL_GOTO(st, done, err, QV_ERR_NO_MEMORY, "out of memory (Parquet projection)");
  for (int32_t i = 0; i < n_columns; i++) {
    int32_t c = columns[i];
    if (c < 0 || c >= tree->n_leaves)
      QV_FAIL_GOTO(st, done, err, QV_ERR_OUT_OF_RANGE, "Parquet: column index %d out of range (%d leaf columns)", (int)c,
                   (int)tree->n_leaves);
    keep[c] = true;
  }
  /* top-level fields in the order of their first selected leaf */
  for (int32_t i = 0; i < n_columns; i++)
    for (int32_t f = 0; f < tree->n_fields; f++) {
      const qv__pq_node *node = tree->fields[f];
      if (columns[i] < node->first_leaf || columns[i] >= node->first_leaf + node->n_leaves) continue;
      bool seen = false;
      for (int32_t j = 0; j < n; j++) seen |= order[j] == f;
      if (!seen) order[n++] = f;
    }
  QV_GOTO_IF_ERROR(st, alloc_projection(n, out, err), done);
  qv__pq_shape_rules rules = {.keep = keep};
  for (int32_t i = 0; i < n; i++) {
    const qv__pq_node *node = tree->fields[order[i]];
    int32_t kept = 0;
    for (int32_t k = node->first_leaf; k < node->first_leaf + node->n_leaves; k++) kept += keep[k];
    out->top[i] = order[i];
    out->n = i + 1;
    if (kept == node->n_leaves) {
      out->nodes[i] = tree->fields[order[i]];
      out->leaves[i] = tree->leaves + node->first_leaf;
      fs[i] = resolved->fields[order[i]];
      continue;
    }
    out->leaves[i] = qv__calloc((size_t)kept, sizeof(qv__pq_node *));
    out->owned[i] = true;
    if (out->leaves[i] == NULL) QV_FAIL_GOTO(st, done, err, QV_ERR_NO_MEMORY, "out of memory (Parquet projection)");
    int32_t next = 0;
    QV_GOTO_IF_ERROR(st, prune(node, &rules, &next, out->leaves[i], &out->nodes[i], err), done);
    qv_type *t = NULL;
    QV_GOTO_IF_ERROR(st, qv__pq_reshape_type(node, resolved->fields[order[i]]->type, &rules, &t, err), done);
    st = field_like(resolved->fields[order[i]], t, &fs[i], err);
    qv_type_release(t);
    if (st != QV_OK) goto done;
    owned_f[i] = true;
  }
  st = make_schema(out, fs, resolved, err);
done:
  for (int32_t i = 0; owned_f != NULL && i < n; i++)
    if (owned_f[i]) qv_field_release(fs[i]);
  qv__free(keep);
  qv__free(order);
  qv__free(fs);
  qv__free(owned_f);
  if (st != QV_OK) qv__pq_projection_free(out);
  return st;
}
