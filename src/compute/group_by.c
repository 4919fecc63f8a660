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
#include "compute/group_by_internal.h"
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
  const int32_t *group_of; /* the group of row begin + i at i */
  int64_t begin, end;      /* the rows of a this pass reads */
  int64_t n_groups;
  int64_t *count; /* valid values per group */
} agg_ctx;

static inline bool row_valid(const qv_array *a, int64_t r) {
  return a->validity_ == NULL || qv_bit_get(a->validity_, a->offset + r);
}

/* Whether rows [begin, end) of a are all valid (no bitmap, or all its bits
 * set there: then the loops without a per-row test apply). */
static inline bool rows_valid(const qv_array *a, int64_t begin, int64_t end) {
  return a->validity_ == NULL || qv_bitmap_count_set(a->validity_, a->offset + begin, end - begin) == end - begin;
}

/* ---- sum / mean: ACC_T accumulators ---- */
#define DEFINE_SUM(NAME, CT, ACC_T)                                                              \
  static void sum_##NAME(const agg_ctx *c, ACC_T *acc) {                                         \
    const CT *v = (const CT *)(const void *)qv_array_buffer_data(c->a, 1) + c->a->offset + c->begin; \
    const int32_t *g = c->group_of;                                                              \
    int64_t n = c->end - c->begin;                                                               \
    if (rows_valid(c->a, c->begin, c->end)) {                                                    \
      for (int64_t r = 0; r < n; r++) {                                                          \
        acc[g[r]] += (ACC_T)v[r];                                                                \
        c->count[g[r]]++;                                                                        \
      }                                                                                          \
    } else {                                                                                     \
      for (int64_t r = 0; r < n; r++)                                                            \
        if (row_valid(c->a, c->begin + r)) {                                                     \
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
  for (int64_t r = c->begin; r < c->end; r++)
    if (row_valid(c->a, r)) {
      acc[c->group_of[r - c->begin]] += qv_bit_get(bits, c->a->offset + r);
      c->count[c->group_of[r - c->begin]]++;
    }
}

/* ---- min / max: result of the input's width ---- */
/* Folds x into group g's accumulator, whose count is *seen (pyarrow's
 * rule for floats: NaN only when every value is NaN). */
#define MINMAX_STEP(acc, g, x, seen, IS_FLOAT, want_max)                                        \
  do {                                                                                           \
    if ((seen)++ == 0) { acc[g] = x; break; }                                                    \
    if (IS_FLOAT && x != x) break;                                                               \
    if (IS_FLOAT && acc[g] != acc[g]) acc[g] = x;                                                \
    else if (want_max ? x > acc[g] : x < acc[g]) acc[g] = x;                                     \
  } while (0)
#define DEFINE_MINMAX(NAME, CT, IS_FLOAT)                                                        \
  static void minmax_##NAME(const agg_ctx *c, CT *acc, bool want_max) {                          \
    const CT *v = (const CT *)(const void *)qv_array_buffer_data(c->a, 1) + c->a->offset;        \
    for (int64_t r = c->begin; r < c->end; r++) {                                                \
      if (!row_valid(c->a, r)) continue;                                                         \
      int32_t g = c->group_of[r - c->begin];                                                     \
      CT x = v[r];                                                                               \
      MINMAX_STEP(acc, g, x, c->count[g], IS_FLOAT, want_max);                                   \
    }                                                                                            \
  }                                                                                              \
  /* Folds the n1 groups of (acc1, count1) into the groups map[] of acc0. */                     \
  static void merge_minmax_##NAME(CT *acc0, int64_t *count0, const CT *acc1, const int64_t *count1, \
                                  const int32_t *map, int64_t n1, bool want_max) {               \
    for (int64_t j = 0; j < n1; j++) {                                                           \
      if (count1[j] == 0) continue;                                                              \
      int32_t g = map[j];                                                                        \
      CT x = acc1[j];                                                                            \
      int64_t seen = count0[g];                                                                  \
      MINMAX_STEP(acc0, g, x, seen, IS_FLOAT, want_max);                                         \
      count0[g] += count1[j];                                                                    \
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

/* The sum's accumulator kind: 'u' (uint64, wrapping), 'f' (double), or 0
 * when the type does not add up. */
static char sum_kind(qv_type_id id) {
  switch (id) { /* logical: how this type adds up */
    case QV_TYPE_INT8: case QV_TYPE_INT16: case QV_TYPE_INT32: case QV_TYPE_INT64:
    case QV_TYPE_UINT8: case QV_TYPE_UINT16: case QV_TYPE_UINT32: case QV_TYPE_UINT64: case QV_TYPE_BOOL: return 'u';
    case QV_TYPE_FLOAT32: case QV_TYPE_FLOAT64: return 'f';
    default: return 0;
  }
}

static void update_sum(const agg_ctx *c, void *acc) {
  uint64_t *u = acc;
  double *d = acc;
  switch (qv_type_storage(c->a->type)->id) { /* logical: how this type adds up */
    case QV_TYPE_INT8: sum_i8(c, u); break;
    case QV_TYPE_INT16: sum_i16(c, u); break;
    case QV_TYPE_INT32: sum_i32(c, u); break;
    case QV_TYPE_INT64: sum_i64(c, u); break;
    case QV_TYPE_UINT8: sum_u8(c, u); break;
    case QV_TYPE_UINT16: sum_u16(c, u); break;
    case QV_TYPE_UINT32: sum_u32(c, u); break;
    case QV_TYPE_UINT64: sum_u64(c, u); break;
    case QV_TYPE_BOOL: sum_bool(c, u); break;
    case QV_TYPE_FLOAT32: sum_f32(c, d); break;
    case QV_TYPE_FLOAT64: sum_f64(c, d); break;
    default: break;
  }
}

/* Sums (or means) from accumulators of n_groups * 8 bytes (taken). */
static qv_status finish_sum_mean(qv_type_id id, qv_group_op op, qv_buffer *buf, const int64_t *count, int64_t n_groups,
                                 qv_array **out, qv_error *err) {
  uint64_t *u = (uint64_t *)(void *)buf->data;
  double *d = (double *)(void *)buf->data;
  bool is_float = sum_kind(id) == 'f';
  bool is_signed = id == QV_TYPE_INT8 || id == QV_TYPE_INT16 || id == QV_TYPE_INT32 || id == QV_TYPE_INT64;
  qv_type *result = is_float ? qv_type_float64() : is_signed ? qv_type_int64() : qv_type_uint64();
  if (op == QV_GROUP_MEAN) {
    for (int64_t g = 0; g < n_groups; g++) {
      double total = is_float ? d[g] : is_signed ? (double)(int64_t)u[g] : (double)u[g];
      d[g] = count[g] > 0 ? total / (double)count[g] : 0.0;
    }
    result = qv_type_float64();
  }
  return finish_fixed(result, n_groups, buf, count, out, err);
}

/* The width of a min/max accumulator: the values' width, 0 when the type
 * has no order here. */
static int32_t minmax_width(const qv_type *type) {
  const qv__layout *lay = qv__layout_of(type);
  qv_type_id id = physical_id(qv_type_storage(type)->id);
  bool ordered = (id >= QV_TYPE_INT8 && id <= QV_TYPE_UINT64) || id == QV_TYPE_FLOAT32 || id == QV_TYPE_FLOAT64;
  int32_t width = lay->n_buffers == 2 && lay->buffers[1].role == QV__BUF_VALUES && lay->arity == QV__CHILDREN_NONE
                      ? qv__layout_width(&lay->buffers[1], qv_type_storage(type))
                      : 0;
  return ordered && width <= 8 ? width : 0;
}

static void update_min_max(const agg_ctx *c, bool mx, void *acc) {
  switch (physical_id(qv_type_storage(c->a->type)->id)) { /* logical: how this type orders */
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
    default: break;
  }
}

static void merge_min_max(const qv_type *type, bool mx, void *acc0, int64_t *count0, const void *acc1,
                          const int64_t *count1, const int32_t *map, int64_t n1) {
  switch (physical_id(qv_type_storage(type)->id)) { /* logical: how this type orders */
    case QV_TYPE_INT8: merge_minmax_i8(acc0, count0, acc1, count1, map, n1, mx); break;
    case QV_TYPE_INT16: merge_minmax_i16(acc0, count0, acc1, count1, map, n1, mx); break;
    case QV_TYPE_INT32: merge_minmax_i32(acc0, count0, acc1, count1, map, n1, mx); break;
    case QV_TYPE_INT64: merge_minmax_i64(acc0, count0, acc1, count1, map, n1, mx); break;
    case QV_TYPE_UINT8: merge_minmax_u8(acc0, count0, acc1, count1, map, n1, mx); break;
    case QV_TYPE_UINT16: merge_minmax_u16(acc0, count0, acc1, count1, map, n1, mx); break;
    case QV_TYPE_UINT32: merge_minmax_u32(acc0, count0, acc1, count1, map, n1, mx); break;
    case QV_TYPE_UINT64: merge_minmax_u64(acc0, count0, acc1, count1, map, n1, mx); break;
    case QV_TYPE_FLOAT32: merge_minmax_f32(acc0, count0, acc1, count1, map, n1, mx); break;
    case QV_TYPE_FLOAT64: merge_minmax_f64(acc0, count0, acc1, count1, map, n1, mx); break;
    default: break;
  }
}

/* Whether slot r of `a` is valid, for every layout. */
static inline bool any_valid(const qv_array *a, const qv__layout *lay, int64_t r) {
  if (lay->nulls == QV__NULLS_BITMAP) return row_valid(a, r);
  return qv_array_is_valid_any(a, r);
}

static void update_count(const agg_ctx *c, qv_group_op op, qv_count_mode mode, int64_t *cnt) {
  const int32_t *g = c->group_of;
  int64_t n = c->end - c->begin;
  if (op == QV_GROUP_COUNT_ALL || mode == QV_COUNT_ALL) {
    for (int64_t r = 0; r < n; r++) cnt[g[r]]++;
  } else {
    const qv__layout *lay = qv__layout_of(c->a->type);
    bool want_valid = mode == QV_COUNT_VALID;
    for (int64_t r = 0; r < n; r++) cnt[g[r]] += any_valid(c->a, lay, c->begin + r) == want_valid;
  }
}

/* ---- the aggregates that fold block by block (group_by_internal.h) ---- */

bool qv__group_foldable(const qv_group_aggregate *agg, const qv_array *values) {
  switch (agg->op) {
    case QV_GROUP_SUM:
    case QV_GROUP_MEAN: return sum_kind(qv_type_storage(values->type)->id) != 0;
    case QV_GROUP_MIN:
    case QV_GROUP_MAX: return minmax_width(values->type) != 0;
    case QV_GROUP_COUNT:
    case QV_GROUP_COUNT_ALL: return true;
    default: return false;
  }
}

void qv__group_fold(const qv_group_aggregate *agg, const qv_array *values, const int32_t *group_of, int64_t begin,
                    int64_t end, void *acc, int64_t *count) {
  agg_ctx c = {values, group_of, begin, end, 0, count};
  switch (agg->op) {
    case QV_GROUP_SUM:
    case QV_GROUP_MEAN: update_sum(&c, acc); break;
    case QV_GROUP_MIN:
    case QV_GROUP_MAX: update_min_max(&c, agg->op == QV_GROUP_MAX, acc); break;
    case QV_GROUP_COUNT:
    case QV_GROUP_COUNT_ALL: update_count(&c, agg->op, agg->mode, acc); break;
    default: break;
  }
}

void qv__group_merge(const qv_group_aggregate *agg, const qv_array *values, void *acc0, int64_t *count0,
                     const void *acc1, const int64_t *count1, const int32_t *map, int64_t n1) {
  if (agg->op == QV_GROUP_MIN || agg->op == QV_GROUP_MAX) {
    merge_min_max(values->type, agg->op == QV_GROUP_MAX, acc0, count0, acc1, count1, map, n1);
    return;
  }
  if (agg->op == QV_GROUP_COUNT || agg->op == QV_GROUP_COUNT_ALL) {
    int64_t *c0 = acc0;
    const int64_t *c1 = acc1;
    for (int64_t j = 0; j < n1; j++) c0[map[j]] += c1[j];
    return;
  }
  if (sum_kind(qv_type_storage(values->type)->id) == 'f') {
    double *d0 = acc0;
    const double *d1 = acc1;
    for (int64_t j = 0; j < n1; j++) d0[map[j]] += d1[j];
  } else {
    uint64_t *u0 = acc0;
    const uint64_t *u1 = acc1;
    for (int64_t j = 0; j < n1; j++) u0[map[j]] += u1[j];
  }
  for (int64_t j = 0; j < n1; j++) count0[map[j]] += count1[j];
}

qv_status qv__group_finish(const qv_group_aggregate *agg, const qv_array *values, const void *acc,
                           const int64_t *count, int64_t n_groups, qv_array **out, qv_error *err) {
  int32_t width = agg->op == QV_GROUP_MIN || agg->op == QV_GROUP_MAX ? minmax_width(values->type) : 8;
  qv_buffer *buf = NULL;
  QV_RETURN_IF_ERROR(qv_buffer_allocate(NULL, n_groups * width, false, &buf, err));
  if (n_groups > 0) memcpy(buf->data, acc, (size_t)(n_groups * width));
  switch (agg->op) {
    case QV_GROUP_SUM:
    case QV_GROUP_MEAN: return finish_sum_mean(qv_type_storage(values->type)->id, agg->op, buf, count, n_groups, out, err);
    case QV_GROUP_MIN:
    case QV_GROUP_MAX: return finish_fixed(values->type, n_groups, buf, count, out, err);
    default: return finish_fixed(qv_type_int64(), n_groups, buf, NULL, out, err);
  }
}

/* A foldable aggregate over all rows at once. */
static qv_status agg_folded(const agg_ctx *c, const qv_group_aggregate *agg, qv_array **out, qv_error *err) {
  if (!qv__group_foldable(agg, c->a)) return type_error(agg->op, c->a->type, err);
  void *acc = qv__calloc((size_t)(c->n_groups > 0 ? c->n_groups : 1), 8);
  if (acc == NULL) return qv_error_set(err, QV_ERR_NO_MEMORY, "group_by: no memory for %lld groups", (long long)c->n_groups);
  qv__group_fold(agg, c->a, c->group_of, c->begin, c->end, acc, c->count);
  qv_status st = qv__group_finish(agg, c->a, acc, c->count, c->n_groups, out, err);
  qv__free(acc);
  return st;
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
    case QV_GROUP_MEAN:
    case QV_GROUP_MIN:
    case QV_GROUP_MAX:
    case QV_GROUP_COUNT:
    case QV_GROUP_COUNT_ALL: return agg_folded(c, agg, out, err);
    case QV_GROUP_FIRST: return agg_first_last(c, false, out, err);
    case QV_GROUP_LAST: return agg_first_last(c, true, out, err);
    case QV_GROUP_LIST: return agg_list(c, out, err);
    case QV_GROUP_COUNT_DISTINCT:
    case QV_GROUP_DISTINCT: return agg_distinct(c, agg->op, agg->mode, out, err);
    default: return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "group_by: unknown aggregate %d", (int)agg->op);
  }
}

/* Groups by `keys` (dictionary keys already decoded) and gathers each
 * group's key values from `out_keys` (the caller's key columns). */
static qv_status group_by_keys(qv_array *const *keys, qv_array *const *out_keys, int32_t n_keys,
                               const qv_group_aggregate *aggs, int32_t n_aggs, qv_array **out, qv_error *err) {
  qv__grouper *g = NULL;
  int32_t *group_of = NULL;
  int64_t *count = NULL;
  int64_t n_rows = keys[0]->length;
  qv_status st = QV_OK;
  bool all_fold = true;
  for (int32_t a = 0; a < n_aggs && all_fold; a++)
    all_fold = qv__group_foldable(&aggs[a], aggs[a].values != NULL ? aggs[a].values : keys[0]);
  if (all_fold) {
    st = qv__group_by_folded(keys, out_keys, n_keys, aggs, n_aggs, out, err);
    goto done;
  }
  QV_RETURN_IF_ERROR(qv__grouper_new((const qv_array *const *)keys, n_keys, "group_by", &g, err));
  int64_t id_bytes;
  if (qv__mul_overflow_i64(n_rows > 0 ? n_rows : 1, (int64_t)sizeof *group_of, &id_bytes)) {
    st = qv_error_set(err, QV_ERR_OVERFLOW, "group_by: %lld rows: their group ids overflow", (long long)n_rows);
    goto done;
  }
  group_of = qv__malloc((size_t)id_bytes);
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
    st = qv__compute_gather(out_keys[k], qv__grouper_first_rows(g), n_groups, &out[k], err);
  for (int32_t a = 0; a < n_aggs && st == QV_OK; a++) {
    agg_ctx c = {aggs[a].values != NULL ? aggs[a].values : keys[0], group_of, 0, n_rows, n_groups, count};
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

qv_status qv_compute_group_by(qv_array *const *keys, int32_t n_keys, const qv_group_aggregate *aggs, int32_t n_aggs,
                              qv_array **out, qv_error *err) {
  int64_t n_rows;
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
  /* Dictionary keys group by their values (two indices may name equal
   * values, and a null may be an index or a value); the result's key
   * column keeps the dictionary type, as pyarrow's does. */
  qv_array **decoded = qv__calloc((size_t)n_keys, sizeof *decoded);
  if (decoded == NULL) return qv_error_set(err, QV_ERR_NO_MEMORY, "group_by: no memory");
  qv_status st = QV_OK;
  for (int32_t k = 0; k < n_keys && st == QV_OK; k++) {
    const qv_type *t = keys[k] != NULL ? qv_type_storage(keys[k]->type) : NULL;
    if (t != NULL && t->id == QV_TYPE_DICTIONARY) {
      st = qv_compute_cast(keys[k], t->value_type, true, &decoded[k], err);
      if (st != QV_OK) qv_error_prefix(err, "group_by: key %d: ", (int)k);
    } else {
      decoded[k] = keys[k] != NULL ? qv_array_retain(keys[k]) : NULL;
    }
  }
  if (st == QV_OK) st = group_by_keys(decoded, keys, n_keys, aggs, n_aggs, out, err);
  for (int32_t k = 0; k < n_keys; k++) qv_array_release(decoded[k]);
  qv__free(decoded);
  return st;
}
