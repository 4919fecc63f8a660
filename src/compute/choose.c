/* Choosing each row's value from one of several arguments: if_else and
 * coalesce (fill_null is coalesce of two).
 *
 * Every type is accepted, nested and encoded ones included, by one
 * mechanism: the arguments are concatenated (concat.h) and each result row
 * becomes an index into that concatenation (or a null index), which take
 * then gathers (gather.c). Concatenation and take check offsets, views and
 * indices as they follow them, so a hostile argument gives an error, never
 * a bad read. An argument of length 1 broadcasts to every row (that is how
 * a scalar is passed); the others must all have the result's length. All
 * value arguments must have the same type (cast first).
 */
#include "compute/kernel_util.h"
#include "core/checked_access.h"
#include "core/layout.h"
#include "core/internal.h"
#include "quiver/compute.h"
#include "quiver/concat.h"

/* The result length of arguments where length 1 broadcasts, or -1 when two
 * lengths other than 1 disagree. */
static int64_t common_length(const qv_array *const *args, int64_t n) {
  int64_t len = 1;
  bool seen = false;
  for (int64_t k = 0; k < n; k++) {
    if (args[k]->length == 1) continue;
    if (seen && args[k]->length != len) return -1;
    len = args[k]->length;
    seen = true;
  }
  return len;
}

static inline bool slot_valid(const qv_array *a, const qv__layout *lay, int64_t i) {
  return lay->nulls == QV__NULLS_BITMAP ? qv__bit_valid(a, i) : qv__slot_valid(a, i);
}

/* Gathers indices (with validity) from the concatenation of values[0..n). */
static qv_status gather(const qv_array *const *values, int64_t n, qv_buffer *idx, qv_buffer *idx_valid,
                        int64_t length, qv_array **out, qv_error *err) {
  qv_array *all = NULL, *indices = NULL;
  int64_t nulls = qv__compute_count_nulls(idx_valid, length);
  qv_status st = qv_array_concat((qv_array *const *)values, n, &all, err);
  if (st == QV_OK)
    st = qv_array_new(qv_type_int64(), length, 0, nulls, 2, (qv_buffer *[]){nulls ? idx_valid : NULL, idx}, 0, NULL,
                      NULL, &indices, err);
  if (st == QV_OK) st = qv_compute_take(all, indices, out, err);
  qv_array_release(all);
  qv_array_release(indices);
  return st;
}

static qv_status same_types(const char *fn, const qv_array *const *values, int64_t n, qv_error *err) {
  for (int64_t k = 0; k < n; k++) {
    if (values[k] == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "%s: argument %lld is NULL", fn, (long long)k);
    if (!qv_type_equals(values[k]->type, values[0]->type, false)) {
      char a[64], b[64];
      qv_type_format(values[0]->type, a, sizeof a);
      qv_type_format(values[k]->type, b, sizeof b);
      return qv_error_set(err, QV_ERR_TYPE, "%s: argument %lld is %s, not %s (cast first)", fn, (long long)k, b, a);
    }
  }
  return QV_OK;
}

qv_status qv_compute_if_else(const qv_array *cond, const qv_array *left, const qv_array *right, qv_array **out,
                             qv_error *err) {
  qv_buffer *idx = NULL, *idx_valid = NULL;
  if (out == NULL || cond == NULL || left == NULL || right == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "if_else: NULL argument");
  *out = NULL;
  if (cond->type->id != QV_TYPE_BOOL && cond->type->id != QV_TYPE_NULL)
    return qv_error_set(err, QV_ERR_TYPE, "if_else: the condition must be bool, not %s", qv_type_id_name(cond->type->id));
  const qv_array *values[2] = {left, right};
  QV_RETURN_IF_ERROR(same_types("if_else", values, 2, err));
  const qv_array *all[3] = {cond, left, right};
  int64_t n = common_length(all, 3);
  if (n < 0) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "if_else: argument lengths differ");
  QV_RETURN_IF_ERROR(qv_buffer_allocate(NULL, n * 8, false, &idx, err));
  qv_status st = qv__compute_new_bitmap(n, &idx_valid, err);
  if (st != QV_OK) {
    qv_buffer_release(idx);
    return st;
  }
  int64_t *ix = (int64_t *)(void *)idx->data;
  const uint8_t *bits = qv__array_buffer_or_empty(cond, 1);
  bool cond_b = cond->length == 1, left_b = left->length == 1, right_b = right->length == 1;
  for (int64_t i = 0; i < n; i++) {
    int64_t c = cond_b ? 0 : i;
    ix[i] = 0;
    if (!qv_array_is_valid(cond, c) || cond->type->id == QV_TYPE_NULL) continue;
    ix[i] = qv_bit_get(bits, cond->offset + c) ? (left_b ? 0 : i) : left->length + (right_b ? 0 : i);
    qv_bit_set(idx_valid->data, i);
  }
  st = gather(values, 2, idx, idx_valid, n, out, err);
  qv_buffer_release(idx);
  qv_buffer_release(idx_valid);
  return st;
}

qv_status qv_compute_coalesce(const qv_array *const *values, int64_t n_values, qv_array **out, qv_error *err) {
  qv_buffer *idx = NULL, *idx_valid = NULL;
  if (out == NULL || values == NULL || n_values < 1)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "coalesce: needs at least one argument");
  *out = NULL;
  QV_RETURN_IF_ERROR(same_types("coalesce", values, n_values, err));
  int64_t n = common_length(values, n_values);
  if (n < 0) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "coalesce: argument lengths differ");
  QV_RETURN_IF_ERROR(qv_buffer_allocate(NULL, n * 8, true, &idx, err));
  qv_status st = qv__compute_new_bitmap(n, &idx_valid, err);
  if (st != QV_OK) {
    qv_buffer_release(idx);
    return st;
  }
  int64_t *ix = (int64_t *)(void *)idx->data;
  const qv__layout *lay = qv__layout_of(values[0]->type);
  for (int64_t i = 0; i < n; i++) {
    int64_t base = 0;
    for (int64_t k = 0; k < n_values; k++) {
      int64_t row = values[k]->length == 1 ? 0 : i;
      if (slot_valid(values[k], lay, row)) {
        ix[i] = base + row;
        qv_bit_set(idx_valid->data, i);
        break;
      }
      base += values[k]->length;
    }
  }
  st = gather(values, n_values, idx, idx_valid, n, out, err);
  qv_buffer_release(idx);
  qv_buffer_release(idx_valid);
  return st;
}

qv_status qv_compute_fill_null(const qv_array *values, const qv_array *fill, qv_array **out, qv_error *err) {
  if (values == NULL || fill == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "fill_null: NULL argument");
  const qv_array *args[2] = {values, fill};
  if (fill->length != 1 && fill->length != values->length)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "fill_null: the fill has %lld values for %lld rows",
                        (long long)fill->length, (long long)values->length);
  return qv_compute_coalesce(args, 2, out, err);
}
