/* quiver Parquet writer: repetition and definition levels ("shredding").
 *
 * For one leaf column, each top-level slot is followed down the leaf's
 * steps (write_schema.c): a null at an OPTIONAL step ends the walk with the
 * definition level reached so far; an empty list ends it with the list's
 * own level; every element of a list continues one level deeper, the first
 * with the repetition level the list was entered with and the others with
 * the list's own. A value reached at the leaf records its slot in the leaf
 * array, so values are gathered afterwards in one pass (write_values.c).
 * Flat columns (a leaf at the top) take a loop over the validity bitmap.
 *
 * Safety: list ranges come from offsets that may be hostile; each one is
 * checked against the child's length before the child is entered, and
 * dictionary indices against the dictionary, so a bad array gives an error
 * naming the column and the row, never an out-of-bounds read.
 */
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "parquet/write_internal.h"

void qv__pq_shred_reset(qv__pq_shred *sh) {
  sh->implicit = true;
  sh->n_levels = 0;
  sh->n_slots = 0;
  sh->n_rows = 0;
  sh->n_nulls = 0;
  sh->all_slots = false;
}

void qv__pq_shred_free(qv__pq_shred *sh) {
  free(sh->def);
  free(sh->rep);
  free(sh->slots);
  memset(sh, 0, sizeof *sh);
}

static bool grow_levels(qv__pq_shred *sh, int64_t need) {
  if (need <= sh->cap_levels) return true;
  int64_t cap = sh->cap_levels ? sh->cap_levels : 1024;
  while (cap < need) cap *= 2;
  int16_t *d = realloc(sh->def, (size_t)cap * sizeof *d);
  if (d == NULL) return false;
  sh->def = d;
  int16_t *r = realloc(sh->rep, (size_t)cap * sizeof *r);
  if (r == NULL) return false;
  sh->rep = r;
  sh->cap_levels = cap;
  return true;
}

static bool grow_slots(qv__pq_shred *sh, int64_t need) {
  if (need <= sh->cap_slots) return true;
  int64_t cap = sh->cap_slots ? sh->cap_slots : 1024;
  while (cap < need) cap *= 2;
  int64_t *p = realloc(sh->slots, (size_t)cap * sizeof *p);
  if (p == NULL) return false;
  sh->slots = p;
  sh->cap_slots = cap;
  return true;
}

/* Stores the implicit levels [0, n_levels) (all max_def, rep 0) before
 * levels that differ are appended. */
static bool materialize(qv__pq_shred *sh, int16_t max_def) {
  if (!sh->implicit) return true;
  if (!grow_levels(sh, sh->n_levels > 0 ? sh->n_levels : 1)) return false;
  for (int64_t i = 0; i < sh->n_levels; i++) sh->def[i] = max_def;
  memset(sh->rep, 0, (size_t)sh->n_levels * sizeof *sh->rep);
  sh->implicit = false;
  return true;
}

typedef struct shred_ctx {
  const qv__pq_leaf *leaf;
  qv__pq_shred *sh;
  int64_t row; /* output row of the slot being walked, for messages */
  const qv_array *leaf_array;
  qv_error *err;
} shred_ctx;

static qv_status emit(shred_ctx *c, int16_t def, int16_t rep) {
  qv__pq_shred *sh = c->sh;
  if (sh->n_levels >= sh->cap_levels && !grow_levels(sh, sh->n_levels + 1))
    return qv_error_set(c->err, QV_ERR_NO_MEMORY, "out of memory shredding column '%s'", c->leaf->dotted);
  sh->def[sh->n_levels] = def;
  sh->rep[sh->n_levels] = rep;
  sh->n_levels++;
  if (def < c->leaf->max_def) sh->n_nulls++;
  return QV_OK;
}

static qv_status emit_value(shred_ctx *c, int16_t def, int16_t rep, const qv_array *a, int64_t slot) {
  qv__pq_shred *sh = c->sh;
  if (c->leaf_array != NULL && c->leaf_array != a)
    return qv_error_set(c->err, QV_ERR_INVALID_DATA, "column '%s' row %lld: the leaf values change array mid-column",
                        c->leaf->dotted, (long long)c->row);
  c->leaf_array = a;
  if (sh->n_slots == sh->cap_slots && !grow_slots(sh, sh->n_slots + 1))
    return qv_error_set(c->err, QV_ERR_NO_MEMORY, "out of memory shredding column '%s'", c->leaf->dotted);
  sh->slots[sh->n_slots++] = slot;
  return emit(c, def, rep);
}

/* The child range of list-like slot i of `a`, checked against the child. */
static qv_status list_range(shred_ctx *c, const qv_array *a, int64_t i, int64_t *start, int64_t *len) {
  const qv_type *t = qv_type_storage(a->type);
  const qv_array *child = a->children[0];
  int64_t s = 0, n = 0, j = a->offset + i;
  switch (t->id) { /* the offsets' width and meaning depend on the list kind */
    case QV_TYPE_FIXED_SIZE_LIST:
      n = t->list_size;
      if (qv__mul_overflow_i64(j, n, &s)) s = -1;
      break;
    case QV_TYPE_LIST:
    case QV_TYPE_MAP: {
      const int32_t *off = (const int32_t *)(const void *)qv__array_buffer_or_empty(a, 1);
      if (qv_array_buffer_data(a, 1) == NULL) break;
      s = off[j];
      n = (int64_t)off[j + 1] - off[j];
      break;
    }
    case QV_TYPE_LARGE_LIST: {
      const int64_t *off = (const int64_t *)(const void *)qv__array_buffer_or_empty(a, 1);
      if (qv_array_buffer_data(a, 1) == NULL) break;
      s = off[j];
      if (qv__sub_overflow_i64(off[j + 1], off[j], &n)) n = -1;
      break;
    }
    case QV_TYPE_LIST_VIEW: {
      if (qv_array_buffer_data(a, 1) == NULL || qv_array_buffer_data(a, 2) == NULL) break;
      s = ((const int32_t *)(const void *)a->buffers[1]->data)[j];
      n = ((const int32_t *)(const void *)a->buffers[2]->data)[j];
      break;
    }
    case QV_TYPE_LARGE_LIST_VIEW: {
      if (qv_array_buffer_data(a, 1) == NULL || qv_array_buffer_data(a, 2) == NULL) break;
      s = ((const int64_t *)(const void *)a->buffers[1]->data)[j];
      n = ((const int64_t *)(const void *)a->buffers[2]->data)[j];
      break;
    }
    default:
      return qv_error_set(c->err, QV_ERR_INVALID_ARGUMENT, "column '%s': %s array where a list was expected",
                          c->leaf->dotted, qv_type_id_name(t->id));
  }
  int64_t end;
  if (s < 0 || n < 0 || qv__add_overflow_i64(s, n, &end) || end > child->length)
    return qv_error_set(c->err, QV_ERR_INVALID_DATA,
                        "column '%s' row %lld: list range [%lld, +%lld) is outside its child of %lld values "
                        "(offsets backwards or out of range)",
                        c->leaf->dotted, (long long)c->row, (long long)s, (long long)n, (long long)child->length);
  *start = s;
  *len = n;
  return QV_OK;
}

/* Dictionary slot i: the slot of its value in the dictionary, or -1 when
 * the value is null. */
static qv_status dict_lookup(shred_ctx *c, const qv_array *a, int64_t i, int64_t *slot) {
  const qv_array *d = a->dictionary;
  int64_t k = qv_array_dictionary_index(a, i);
  if (d == NULL || k < 0 || k >= d->length)
    return qv_error_set(c->err, QV_ERR_INVALID_DATA,
                        "column '%s' row %lld: dictionary index %lld is outside the dictionary of %lld values",
                        c->leaf->dotted, (long long)c->row, (long long)k, (long long)(d ? d->length : 0));
  *slot = qv_array_is_valid(d, k) ? k : -1;
  return QV_OK;
}

static qv_status walk(shred_ctx *c, int32_t k, const qv_array *a, int64_t i, int16_t def_base, int16_t rep) {
  const qv__pq_step *step = &c->leaf->steps[k];
  if (step->nullable && !qv_array_is_valid(a, i)) return emit(c, def_base, rep);
  switch (step->kind) {
    case QV__STEP_LEAF: {
      if (qv_type_storage(a->type)->id == QV_TYPE_DICTIONARY) {
        int64_t slot;
        QV_RETURN_IF_ERROR(dict_lookup(c, a, i, &slot));
        if (slot < 0) return emit(c, def_base, rep);
        return emit_value(c, step->def_present, rep, a->dictionary, slot);
      }
      return emit_value(c, step->def_present, rep, a, i);
    }
    case QV__STEP_STRUCT: {
      const qv_array *child = a->children[step->child];
      int64_t j = a->offset + i;
      if (j >= child->length)
        return qv_error_set(c->err, QV_ERR_INVALID_DATA, "column '%s' row %lld: struct child is shorter than its parent",
                            c->leaf->dotted, (long long)c->row);
      return walk(c, k + 1, child, j, step->def_present, rep);
    }
    case QV__STEP_LIST: {
      int64_t start = 0, len = 0;
      QV_RETURN_IF_ERROR(list_range(c, a, i, &start, &len));
      if (len == 0) return emit(c, step->def_present, rep);
      const qv_array *child = a->children[0];
      for (int64_t j = 0; j < len; j++)
        QV_RETURN_IF_ERROR(walk(c, k + 1, child, start + j, (int16_t)(step->def_present + 1), j == 0 ? rep : step->rep));
      return QV_OK;
    }
  }
  return QV_OK;
}

/* A leaf at the top level and not a dictionary: levels from the bitmap. */
static qv_status shred_flat(shred_ctx *c, const qv_array *a) {
  qv__pq_shred *sh = c->sh;
  const int64_t n = a->length;
  const bool optional = c->leaf->max_def > 0;
  c->leaf_array = a;
  const bool has_nulls = optional && a->validity_ != NULL && qv_array_null_count(a) != 0;
  const bool all_null = optional && a->null_layout_;
  if (optional && (has_nulls || all_null || !sh->implicit)) {
    /* Flat: repetition levels are never read (max_rep is 0), only definition levels are stored. */
    if (!materialize(sh, c->leaf->max_def) || !grow_levels(sh, sh->n_levels + n))
      return qv_error_set(c->err, QV_ERR_NO_MEMORY, "out of memory shredding column '%s'", c->leaf->dotted);
    int16_t *def = sh->def + sh->n_levels;
    if (all_null) {
      memset(def, 0, (size_t)n * sizeof *def);
      sh->n_nulls += n;
    } else if (!has_nulls) {
      for (int64_t i = 0; i < n; i++) def[i] = 1;
    } else {
      for (int64_t i = 0; i < n; i++) {
        int16_t v = qv_array_is_valid(a, i) ? 1 : 0;
        def[i] = v;
      }
    }
  }
  sh->n_levels += n;
  if (all_null) return QV_OK;
  if (!has_nulls) {
    sh->all_slots = true;
    sh->n_slots = n;
    return QV_OK;
  }
  if (!grow_slots(sh, sh->n_slots + n))
    return qv_error_set(c->err, QV_ERR_NO_MEMORY, "out of memory shredding column '%s'", c->leaf->dotted);
  const int16_t *def = sh->def + sh->n_levels - n;
  int64_t *out = sh->slots + sh->n_slots, m = 0;
  for (int64_t i = 0; i < n; i++) {
    out[m] = i;
    m += def[i];
  }
  sh->n_slots += m;
  sh->n_nulls += n - m;
  return QV_OK;
}

qv_status qv__pq_shred_piece(const qv__pq_leaf *leaf, const qv_array *array, int64_t row_base, qv__pq_shred *sh,
                             const qv_array **leaf_array, qv_error *err) {
  shred_ctx c = {leaf, sh, row_base, NULL, err};
  sh->all_slots = false;
  sh->n_slots = 0;
  sh->n_rows += array->length;
  *leaf_array = NULL;
  if (leaf->n_steps == 1 && qv_type_storage(array->type)->id != QV_TYPE_DICTIONARY) {
    QV_RETURN_IF_ERROR(shred_flat(&c, array));
    *leaf_array = c.leaf_array;
    return QV_OK;
  }
  if (!materialize(sh, leaf->max_def))
    return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory shredding column '%s'", leaf->dotted);
  for (int64_t i = 0; i < array->length; i++) {
    c.row = row_base + i;
    QV_RETURN_IF_ERROR(walk(&c, 0, array, i, 0, 0));
  }
  *leaf_array = c.leaf_array;
  return QV_OK;
}
