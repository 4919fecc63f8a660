/* Hash group-by: the groups of one or more key columns (grouper.h) and, for
 * each, aggregates of value columns, shaped as pyarrow's
 * TableGroupBy.aggregate (groups in order of first appearance, a null key
 * its own group).
 *
 * The grouper gives every row its group id once; each aggregate is then a
 * single pass over its values indexed by that id, one typed loop per value
 * type (instantiated by macros; the type is looked at once per aggregate).
 * first/last/list/distinct produce row numbers and let the gather build
 * the values, so they take every type. Nulls are skipped by sum, min, max,
 * mean, first and last; a group with no valid value gives null.
 */
#include <math.h>

#include "compute/gather_internal.h"
#include "compute/grouper.h"
#include "core/internal.h"
#include "core/layout.h"
#include "quiver/compute.h"
#include "quiver/field.h"

static const char *const op_names[] = {"sum",   "min",  "max",  "mean", "count",   "count_all",
                                       "count_distinct", "first", "last", "list", "distinct"};

const char *qv_group_op_name(qv_group_op op) {
  return (unsigned)op < sizeof op_names / sizeof op_names[0] ? op_names[op] : "?";
}

/* The integer type a temporal type is stored as (a logical question: which
 * values order like which integers). */
static qv_type_id physical_id(qv_type_id id) {
  switch (id) {
    case QV_TYPE_DATE32: case QV_TYPE_TIME32: case QV_TYPE_INTERVAL_MONTHS: return QV_TYPE_INT32;
    case QV_TYPE_DATE64: case QV_TYPE_TIME64: case QV_TYPE_TIMESTAMP: case QV_TYPE_DURATION: return QV_TYPE_INT64;
    default: return id;
  }
}

typedef struct agg_ctx {
  const qv_array *a;
  const int32_t *group_of;
  int64_t n_groups;
  int64_t *count; /* valid values per group */
} agg_ctx;

static inline bool row_valid(const qv_array *a, int64_t r) {
  return a->validity_ == NULL || qv_bit_get(a->validity_, a->offset + r);
}

/* ---- sum / mean: ACC_T accumulators ---- */
#define DEFINE_SUM(NAME, CT, ACC_T)                                                              \
  static void sum_##NAME(const agg_ctx *c, ACC_T *acc) {                                         \
    const CT *v = (const CT *)(const void *)qv_array_buffer_data(c->a, 1) + c->a->offset;        \
    const int32_t *g = c->group_of;                                                              \
    int64_t n = c->a->length;                                                                    \
    if (c->a->validity_ == NULL) {                                                               \
      for (int64_t r = 0; r < n; r++) {                                                          \
        acc[g[r]] += (ACC_T)v[r];                                                                \
        c->count[g[r]]++;                                                                        \
      }                                                                                          \
    } else {                                                                                     \
      for (int64_t r = 0; r < n; r++)                                                            \
        if (row_valid(c->a, r)) {                                                                \
          acc[g[r]] += (ACC_T)v[r];                                                              \
          c->count[g[r]]++;                                                                      \
        }                                                                                        \
    }                                                                                            \
  }
/* Signed sums wrap (two's complement) like pyarrow's unchecked hash_sum:
 * added as uint64. */
DEFINE_SUM(i8, int8_t, uint64_t)
DEFINE_SUM(i16, int16_t, uint64_t)
DEFINE_SUM(i32, int32_t, uint64_t)
DEFINE_SUM(i64, int64_t, uint64_t)
DEFINE_SUM(u8, uint8_t, uint64_t)
DEFINE_SUM(u16, uint16_t, uint64_t)
DEFINE_SUM(u32, uint32_t, uint64_t)
DEFINE_SUM(u64, uint64_t, uint64_t)
DEFINE_SUM(f32, float, double)
DEFINE_SUM(f64, double, double)

static void sum_bool(const agg_ctx *c, uint64_t *acc) {
  const uint8_t *bits = qv_array_buffer_data(c->a, 1);
  for (int64_t r = 0; r < c->a->length; r++)
    if (row_valid(c->a, r)) {
      acc[c->group_of[r]] += qv_bit_get(bits, c->a->offset + r);
      c->count[c->group_of[r]]++;
    }
}

/* ---- min / max: result of the input's width ---- */
#define DEFINE_MINMAX(NAME, CT, IS_FLOAT)                                                        \
  static void minmax_##NAME(const agg_ctx *c, CT *acc, bool want_max) {                          \
    const CT *v = (const CT *)(const void *)qv_array_buffer_data(c->a, 1) + c->a->offset;        \
    for (int64_t r = 0; r < c->a->length; r++) {                                                 \
      if (!row_valid(c->a, r)) continue;                                                         \
      int32_t g = c->group_of[r];                                                                \
      CT x = v[r];                                                                               \
      if (c->count[g]++ == 0) { acc[g] = x; continue; }                                          \
      if (IS_FLOAT && x != x) continue;                                                          \
      if (IS_FLOAT && acc[g] != acc[g]) acc[g] = x;                                              \
      else if (want_max ? x > acc[g] : x < acc[g]) acc[g] = x;                                   \
    }                                                                                            \
  }
DEFINE_MINMAX(i8, int8_t, 0)
DEFINE_MINMAX(i16, int16_t, 0)
DEFINE_MINMAX(i32, int32_t, 0)
DEFINE_MINMAX(i64, int64_t, 0)
DEFINE_MINMAX(u8, uint8_t, 0)
DEFINE_MINMAX(u16, uint16_t, 0)
DEFINE_MINMAX(u32, uint32_t, 0)
DEFINE_MINMAX(u64, uint64_t, 0)
DEFINE_MINMAX(f32, float, 1)
DEFINE_MINMAX(f64, double, 1)

static qv_status type_error(qv_group_op op, const qv_type *t, qv_error *err) {
  char name[96];
  qv_type_format(t, name, sizeof name);
  return qv_error_set(err, QV_ERR_TYPE, "hash_%s: values of type %s are not supported", qv_group_op_name(op), name);
}

/* An array of n slots of `type` over `values` (width bytes each, taken),
 * valid where count[g] > 0. */
static qv_status finish_fixed(qv_type *type, int64_t n, qv_buffer *values, const int64_t *count, qv_array **out,
                              qv_error *err) {
  qv_buffer *validity = NULL;
  int64_t nulls = 0;
  qv_status st = qv_buffer_allocate(NULL, qv_bitmap_bytes(n), true, &validity, err);
  if (st == QV_OK) {
    for (int64_t g = 0; g < n; g++) {
      if (count == NULL || count[g] > 0) qv_bit_set(validity->data, g);
      else nulls++;
    }
    st = qv_array_new(type, n, 0, nulls, 2, (qv_buffer *[]){nulls ? validity : NULL, values}, 0, NULL, NULL, out,
                      err);
  }
  qv_buffer_release(validity);
  qv_buffer_release(values);
  return st;
}

static qv_status agg_sum_mean(const agg_ctx *c, qv_group_op op, qv_array **out, qv_error *err) {
  qv_type_id id = qv_type_storage(c->a->type)->id;
  qv_buffer *buf = NULL;
  QV_RETURN_IF_ERROR(qv_buffer_allocate(NULL, c->n_groups * 8, true, &buf, err));
  uint64_t *u = (uint64_t *)(void *)buf->data;
  double *d = (double *)(void *)buf->data;
  qv_type *result;
  bool is_float = false;
  switch (id) { /* logical: how this type adds up */
    case QV_TYPE_INT8: sum_i8(c, u); result = qv_type_int64(); break;
    case QV_TYPE_INT16: sum_i16(c, u); result = qv_type_int64(); break;
    case QV_TYPE_INT32: sum_i32(c, u); result = qv_type_int64(); break;
    case QV_TYPE_INT64: sum_i64(c, u); result = qv_type_int64(); break;
    case QV_TYPE_UINT8: sum_u8(c, u); result = qv_type_uint64(); break;
    case QV_TYPE_UINT16: sum_u16(c, u); result = qv_type_uint64(); break;
    case QV_TYPE_UINT32: sum_u32(c, u); result = qv_type_uint64(); break;
    case QV_TYPE_UINT64: sum_u64(c, u); result = qv_type_uint64(); break;
    case QV_TYPE_BOOL: sum_bool(c, u); result = qv_type_uint64(); break;
    case QV_TYPE_FLOAT32: sum_f32(c, d); result = qv_type_float64(); is_float = true; break;
    case QV_TYPE_FLOAT64: sum_f64(c, d); result = qv_type_float64(); is_float = true; break;
    default: qv_buffer_release(buf); return type_error(op, c->a->type, err);
  }
  if (op == QV_GROUP_MEAN) {
    bool is_signed = result == qv_type_int64();
    for (int64_t g = 0; g < c->n_groups; g++) {
      double total = is_float ? d[g] : is_signed ? (double)(int64_t)u[g] : (double)u[g];
      d[g] = c->count[g] > 0 ? total / (double)c->count[g] : 0.0;
    }
    result = qv_type_float64();
  }
  return finish_fixed(result, c->n_groups, buf, c->count, out, err);
}

static qv_status agg_min_max(const agg_ctx *c, qv_group_op op, qv_array **out, qv_error *err) {
  qv_type_id id = physical_id(qv_type_storage(c->a->type)->id);
  const qv__layout *lay = qv__layout_of(c->a->type);
  int32_t width = lay->n_buffers == 2 && lay->buffers[1].role == QV__BUF_VALUES && lay->arity == QV__CHILDREN_NONE
                      ? qv__layout_width(&lay->buffers[1], qv_type_storage(c->a->type))
                      : 0;
  bool mx = op == QV_GROUP_MAX;
  qv_buffer *buf = NULL;
  if (width == 0 || width > 8) return type_error(op, c->a->type, err);
  QV_RETURN_IF_ERROR(qv_buffer_allocate(NULL, c->n_groups * width, true, &buf, err));
  void *acc = buf->data;
  switch (id) { /* logical: how this type orders */
    case QV_TYPE_INT8: minmax_i8(c, acc, mx); break;
    case QV_TYPE_INT16: minmax_i16(c, acc, mx); break;
    case QV_TYPE_INT32: minmax_i32(c, acc, mx); break;
    case QV_TYPE_INT64: minmax_i64(c, acc, mx); break;
    case QV_TYPE_UINT8: minmax_u8(c, acc, mx); break;
    case QV_TYPE_UINT16: minmax_u16(c, acc, mx); break;
    case QV_TYPE_UINT32: minmax_u32(c, acc, mx); break;
    case QV_TYPE_UINT64: minmax_u64(c, acc, mx); break;
    case QV_TYPE_FLOAT32: minmax_f32(c, acc, mx); break;
    case QV_TYPE_FLOAT64: minmax_f64(c, acc, mx); break;
    default: qv_buffer_release(buf); return type_error(op, c->a->type, err);
  }
  return finish_fixed(c->a->type, c->n_groups, buf, c->count, out, err);
}

/* Whether slot r of `a` is valid, for every layout. */
static inline bool any_valid(const qv_array *a, const qv__layout *lay, int64_t r) {
  if (lay->nulls == QV__NULLS_BITMAP) return row_valid(a, r);
  return qv_array_is_valid_any(a, r);
}

static qv_status agg_count(const agg_ctx *c, qv_group_op op, qv_count_mode mode, qv_array **out, qv_error *err) {
  qv_buffer *buf = NULL;
  QV_RETURN_IF_ERROR(qv_buffer_allocate(NULL, c->n_groups * 8, true, &buf, err));
  int64_t *cnt = (int64_t *)(void *)buf->data;
  if (op == QV_GROUP_COUNT_ALL || mode == QV_COUNT_ALL) {
    for (int64_t r = 0; r < c->a->length; r++) cnt[c->group_of[r]]++;
  } else {
    const qv__layout *lay = qv__layout_of(c->a->type);
    bool want_valid = mode == QV_COUNT_VALID;
    for (int64_t r = 0; r < c->a->length; r++) cnt[c->group_of[r]] += any_valid(c->a, lay, r) == want_valid;
  }
  return finish_fixed(qv_type_int64(), c->n_groups, buf, NULL, out, err);
}

/* first/last: the first (last) valid row of each group, -1 if none. */
static qv_status agg_first_last(const agg_ctx *c, bool last, qv_array **out, qv_error *err) {
  int64_t *rows = qv__malloc((size_t)(c->n_groups > 0 ? c->n_groups : 1) * sizeof *rows);
  const qv__layout *lay = qv__layout_of(c->a->type);
  if (rows == NULL) return qv_error_set(err, QV_ERR_NO_MEMORY, "hash_first: no memory");
  for (int64_t g = 0; g < c->n_groups; g++) rows[g] = -1;
  for (int64_t r = 0; r < c->a->length; r++) {
    int32_t g = c->group_of[r];
    if ((last || rows[g] < 0) && any_valid(c->a, lay, r)) rows[g] = r;
  }
  qv_status st = qv__compute_gather((qv_array *)c->a, rows, c->n_groups, out, err);
  qv__free(rows);
  return st;
}

/* Rows grouped: rows[] lists `n_rows` rows, group_of_row[k] their groups;
 * builds list<values> with one list per group holding those rows in order
 * (a stable counting sort by group). */
static qv_status lists_of_rows(const agg_ctx *c, const int64_t *rows, int64_t n_rows, const int32_t *group_of_row,
                               qv_array **out, qv_error *err) {
  qv_buffer *offsets = NULL;
  int64_t *sorted = NULL, *fill = NULL;
  qv_array *child = NULL;
  qv_type *list_type = NULL;
  qv_status st;
  if (n_rows > INT32_MAX)
    return qv_error_set(err, QV_ERR_OVERFLOW, "hash_list: %lld values do not fit a list's int32 offsets",
                        (long long)n_rows);
  st = qv_buffer_allocate(NULL, (c->n_groups + 1) * 4, true, &offsets, err);
  if (st != QV_OK) return st;
  sorted = qv__malloc((size_t)(n_rows > 0 ? n_rows : 1) * sizeof *sorted);
  fill = qv__calloc((size_t)c->n_groups + 1, sizeof *fill);
  if (sorted == NULL || fill == NULL) {
    st = qv_error_set(err, QV_ERR_NO_MEMORY, "hash_list: no memory for %lld rows", (long long)n_rows);
    goto done;
  }
  for (int64_t k = 0; k < n_rows; k++) fill[group_of_row[k] + 1]++;
  int32_t *off = (int32_t *)(void *)offsets->data;
  for (int64_t g = 0; g < c->n_groups; g++) {
    fill[g + 1] += fill[g];
    off[g + 1] = (int32_t)fill[g + 1];
  }
  for (int64_t k = 0; k < n_rows; k++) sorted[fill[group_of_row[k]]++] = rows[k];
  st = qv__compute_gather((qv_array *)c->a, sorted, n_rows, &child, err);
  if (st == QV_OK) st = qv_type_list_of(QV_TYPE_LIST, c->a->type, &list_type, err);
  if (st == QV_OK)
    st = qv_array_new(list_type, c->n_groups, 0, 0, 2, (qv_buffer *[]){NULL, offsets}, 1, &child, NULL, out, err);
done:
  qv_type_release(list_type);
  qv_array_release(child);
  qv_buffer_release(offsets);
  qv__free(sorted);
  qv__free(fill);
  return st;
}

static qv_status agg_list(const agg_ctx *c, qv_array **out, qv_error *err) {
  int64_t n = c->a->length;
  int64_t *rows = qv__malloc((size_t)(n > 0 ? n : 1) * sizeof *rows);
  if (rows == NULL) return qv_error_set(err, QV_ERR_NO_MEMORY, "hash_list: no memory for %lld rows", (long long)n);
  for (int64_t r = 0; r < n; r++) rows[r] = r;
  qv_status st = lists_of_rows(c, rows, n, c->group_of, out, err);
  qv__free(rows);
  return st;
}

static void no_release(void *ctx, const uint8_t *data, int64_t size) {
  (void)ctx;
  (void)data;
  (void)size;
}

/* The distinct (group, value) pairs: a grouper over the group ids (as an
 * int32 array borrowing group_of) and the values. */
static qv_status distinct_pairs(const agg_ctx *c, qv__grouper **pairs, qv_array **id_out, qv_error *err) {
  qv_buffer *ids = NULL;
  qv_array *id_array = NULL;
  qv_status st = qv_buffer_wrap(c->group_of, c->a->length * 4, no_release, NULL, &ids, err);
  if (st == QV_OK)
    st = qv_array_new(qv_type_int32(), c->a->length, 0, 0, 2, (qv_buffer *[]){NULL, ids}, 0, NULL, NULL, &id_array,
                      err);
  qv_buffer_release(ids);
  if (st != QV_OK) return st;
  const qv_array *keys[2] = {id_array, c->a};
  st = qv__grouper_new(keys, 2, "hash_distinct", pairs, err);
  if (st == QV_OK) st = qv__grouper_assign(*pairs, NULL, err);
  if (st != QV_OK) {
    qv__grouper_free(*pairs);
    *pairs = NULL;
  }
  if (st == QV_OK) *id_out = id_array; /* the grouper borrows it: the caller releases it after the grouper */
  else qv_array_release(id_array);
  return st;
}

static qv_status agg_distinct(const agg_ctx *c, qv_group_op op, qv_count_mode mode, qv_array **out, qv_error *err) {
  qv__grouper *pairs = NULL;
  int64_t *rows = NULL;
  int32_t *groups = NULL;
  qv_array *id_array = NULL;
  int64_t n_kept = 0;
  qv_status st = distinct_pairs(c, &pairs, &id_array, err);
  if (st != QV_OK) return st;
  int64_t n_pairs = qv__grouper_n_groups(pairs);
  const int64_t *first = qv__grouper_first_rows(pairs);
  const qv__layout *lay = qv__layout_of(c->a->type);
  rows = qv__malloc((size_t)(n_pairs > 0 ? n_pairs : 1) * sizeof *rows);
  groups = qv__malloc((size_t)(n_pairs > 0 ? n_pairs : 1) * sizeof *groups);
  if (rows == NULL || groups == NULL) {
    st = qv_error_set(err, QV_ERR_NO_MEMORY, "hash_%s: no memory", qv_group_op_name(op));
    goto done;
  }
  for (int64_t p = 0; p < n_pairs; p++) {
    bool valid = any_valid(c->a, lay, first[p]);
    if (mode == QV_COUNT_ALL || valid == (mode == QV_COUNT_VALID)) {
      rows[n_kept] = first[p];
      groups[n_kept++] = c->group_of[first[p]];
    }
  }
  if (op == QV_GROUP_DISTINCT) {
    st = lists_of_rows(c, rows, n_kept, groups, out, err);
  } else {
    qv_buffer *buf = NULL;
    st = qv_buffer_allocate(NULL, c->n_groups * 8, true, &buf, err);
    if (st == QV_OK) {
      int64_t *cnt = (int64_t *)(void *)buf->data;
      for (int64_t k = 0; k < n_kept; k++) cnt[groups[k]]++;
      st = finish_fixed(qv_type_int64(), c->n_groups, buf, NULL, out, err);
    }
  }
done:
  qv__free(rows);
  qv__free(groups);
  qv__grouper_free(pairs);
  qv_array_release(id_array);
  return st;
}

static qv_status one_aggregate(const agg_ctx *c, const qv_group_aggregate *agg, qv_array **out, qv_error *err) {
  switch (agg->op) {
    case QV_GROUP_SUM:
    case QV_GROUP_MEAN: return agg_sum_mean(c, agg->op, out, err);
    case QV_GROUP_MIN:
    case QV_GROUP_MAX: return agg_min_max(c, agg->op, out, err);
    case QV_GROUP_COUNT:
    case QV_GROUP_COUNT_ALL: return agg_count(c, agg->op, agg->mode, out, err);
    case QV_GROUP_FIRST: return agg_first_last(c, false, out, err);
    case QV_GROUP_LAST: return agg_first_last(c, true, out, err);
    case QV_GROUP_LIST: return agg_list(c, out, err);
    case QV_GROUP_COUNT_DISTINCT:
    case QV_GROUP_DISTINCT: return agg_distinct(c, agg->op, agg->mode, out, err);
    default: return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "group_by: unknown aggregate %d", (int)agg->op);
  }
}

qv_status qv_compute_group_by(qv_array *const *keys, int32_t n_keys, const qv_group_aggregate *aggs, int32_t n_aggs,
                              qv_array **out, qv_error *err) {
  qv__grouper *g = NULL;
  int32_t *group_of = NULL;
  int64_t *count = NULL;
  int64_t n_rows;
  qv_status st = QV_OK;
  if (keys == NULL || out == NULL || (aggs == NULL && n_aggs > 0) || n_keys < 1 || n_aggs < 0)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "group_by: NULL argument or no key");
  for (int32_t k = 0; k < n_keys + n_aggs; k++) out[k] = NULL;
  if (keys[0] == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "group_by: key 0 is NULL");
  n_rows = keys[0]->length;
  for (int32_t a = 0; a < n_aggs; a++) {
    if (aggs[a].values == NULL && aggs[a].op != QV_GROUP_COUNT_ALL)
      return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "group_by: aggregate %d (%s) has no values", (int)a,
                          qv_group_op_name(aggs[a].op));
    if (aggs[a].values != NULL && aggs[a].values->length != n_rows)
      return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "group_by: aggregate %d has %lld rows, the keys %lld", (int)a,
                          (long long)aggs[a].values->length, (long long)n_rows);
  }
  QV_RETURN_IF_ERROR(qv__grouper_new((const qv_array *const *)keys, n_keys, "group_by", &g, err));
  group_of = qv__malloc((size_t)(n_rows > 0 ? n_rows : 1) * sizeof *group_of);
  if (group_of == NULL) {
    st = qv_error_set(err, QV_ERR_NO_MEMORY, "group_by: no memory for %lld rows", (long long)n_rows);
    goto done;
  }
  st = qv__grouper_assign(g, group_of, err);
  if (st != QV_OK) {
    qv_error_prefix(err, "group_by: keys: ");
    goto done;
  }
  int64_t n_groups = qv__grouper_n_groups(g);
  count = qv__malloc((size_t)(n_groups > 0 ? n_groups : 1) * sizeof *count);
  if (count == NULL) {
    st = qv_error_set(err, QV_ERR_NO_MEMORY, "group_by: no memory for %lld groups", (long long)n_groups);
    goto done;
  }
  for (int32_t k = 0; k < n_keys && st == QV_OK; k++)
    st = qv__compute_gather(keys[k], qv__grouper_first_rows(g), n_groups, &out[k], err);
  for (int32_t a = 0; a < n_aggs && st == QV_OK; a++) {
    agg_ctx c = {aggs[a].values != NULL ? aggs[a].values : keys[0], group_of, n_groups, count};
    memset(count, 0, (size_t)(n_groups > 0 ? n_groups : 1) * sizeof *count);
    st = one_aggregate(&c, &aggs[a], &out[n_keys + a], err);
    if (st != QV_OK) qv_error_prefix(err, "group_by: aggregate %d: ", (int)a);
  }
done:
  if (st != QV_OK)
    for (int32_t k = 0; k < n_keys + n_aggs; k++) {
      qv_array_release(out[k]);
      out[k] = NULL;
    }
  qv__free(count);
  qv__free(group_of);
  qv__grouper_free(g);
  return st;
}
