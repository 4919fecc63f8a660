/* Selection: take (rows by index) and filter (rows by a boolean mask), on
 * arrays and, column by column, on tables.
 *
 * Both turn their argument into a list of input rows (-1 for a null output
 * slot), checking every index against the input's length first, and hand
 * it to the gather (gather.c). An index out of range is an error naming the
 * row of the indices that holds it.
 */
#include "compute/gather_internal.h"

#include "core/internal.h"
#include "core/layout.h"
#include "quiver/batch.h"
#include "quiver/compute.h"
#include "quiver/concat.h"
#include "quiver/table.h"

static qv_status alloc_rows(int64_t n, const char *fn, int64_t **out, qv_error *err) {
  int64_t bytes = 0;
  if (qv__mul_overflow_i64(n, (int64_t)sizeof(int64_t), &bytes))
    return qv_error_set(err, QV_ERR_OVERFLOW, "%s: %lld rows overflow", fn, (long long)n);
  *out = qv__malloc((size_t)bytes);
  if (*out == NULL) return qv_error_set(err, QV_ERR_NO_MEMORY, "%s: no memory for %lld rows", fn, (long long)n);
  return QV_OK;
}

/* Rows of `values` the indices name, checked. */
static qv_status rows_from_indices(const qv_array *values, const qv_array *indices, int64_t *rows, qv_error *err) {
  bool wide = indices->type->id == QV_TYPE_INT64;
  const int32_t *i32 = wide ? NULL : qv_array_values_int32(indices);
  const int64_t *i64 = wide ? qv_array_values_int64(indices) : NULL;
  for (int64_t k = 0; k < indices->length; k++) {
    int64_t ix;
    if (!qv_array_is_valid(indices, k)) {
      rows[k] = -1;
      continue;
    }
    ix = wide ? i64[k] : (int64_t)i32[k];
    if (ix < 0 || ix >= values->length)
      return qv_error_set(err, QV_ERR_OUT_OF_RANGE,
                          "take: index %lld at row %lld of the indices is outside the %lld rows of the values",
                          (long long)ix, (long long)k, (long long)values->length);
    rows[k] = ix;
  }
  return QV_OK;
}

qv_status qv_compute_take(qv_array *values, const qv_array *indices, qv_array **out, qv_error *err) {
  int64_t *rows = NULL;
  qv_status st;
  if (values == NULL || indices == NULL || out == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "take: NULL argument");
  *out = NULL;
  if (indices->type->id != QV_TYPE_INT32 && indices->type->id != QV_TYPE_INT64) {
    char name[64];
    qv_type_format(indices->type, name, sizeof name);
    return qv_error_set(err, QV_ERR_TYPE, "take: indices must be int32 or int64, not %s", name);
  }
  if (qv__compute_take_fixed_applies(values, indices)) return qv__compute_take_fixed(values, indices, out, err);
  QV_RETURN_IF_ERROR(alloc_rows(indices->length, "take", &rows, err));
  st = rows_from_indices(values, indices, rows, err);
  if (st == QV_OK) st = qv__compute_gather(values, rows, indices->length, out, err);
  qv__free(rows);
  return st;
}

/* Rows a mask keeps; *n_out is how many. */
static qv_status rows_from_mask(const qv_array *values, const qv_array *mask, qv_filter_null_selection nulls,
                                int64_t **rows, int64_t *n_out, qv_error *err) {
  const uint8_t *bits = qv__array_buffer_or_empty(mask, 1);
  int64_t n = 0;
  if (mask->type->id != QV_TYPE_BOOL) {
    char name[64];
    qv_type_format(mask->type, name, sizeof name);
    return qv_error_set(err, QV_ERR_TYPE, "filter: the mask must be bool, not %s", name);
  }
  if (mask->length != values->length)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "filter: the mask has %lld rows, the values %lld",
                        (long long)mask->length, (long long)values->length);
  if (nulls != QV_FILTER_DROP && nulls != QV_FILTER_EMIT_NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "filter: unknown null selection %d", (int)nulls);
  QV_RETURN_IF_ERROR(alloc_rows(mask->length, "filter", rows, err));
  for (int64_t k = 0; k < mask->length; k++) {
    if (!qv_array_is_valid(mask, k)) {
      if (nulls == QV_FILTER_EMIT_NULL) (*rows)[n++] = -1;
    } else if (qv_bit_get(bits, mask->offset + k)) {
      (*rows)[n++] = k;
    }
  }
  *n_out = n;
  return QV_OK;
}

qv_status qv_compute_filter(qv_array *values, const qv_array *mask, qv_filter_null_selection nulls, qv_array **out,
                            qv_error *err) {
  int64_t *rows = NULL, n = 0;
  qv_status st;
  if (values == NULL || mask == NULL || out == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "filter: NULL argument");
  *out = NULL;
  if (mask->type->id == QV_TYPE_BOOL && mask->length == values->length &&
      (nulls == QV_FILTER_DROP || mask->validity_ == NULL) && qv__compute_filter_fixed_applies(values))
    return qv__compute_filter_fixed(values, mask, out, err);
  st = rows_from_mask(values, mask, nulls, &rows, &n, err);
  if (st == QV_OK) st = qv__compute_gather(values, rows, n, out, err);
  qv__free(rows);
  return st;
}

/* Applies take or filter to every column of `table` (its batches combined
 * first), giving a table of one batch with the same schema. */
static qv_status on_table(const qv_table *table, const qv_array *arg, bool is_take, qv_filter_null_selection nulls,
                          qv_table **out, qv_error *err) {
  int32_t n_cols = table->schema->n_fields;
  qv_array **cols = NULL;
  qv_batch *batch = NULL;
  qv_status st = QV_OK;
  int64_t length = -1;

  cols = qv__calloc((size_t)(n_cols > 0 ? n_cols : 1), sizeof *cols);
  if (cols == NULL) return qv_error_set(err, QV_ERR_NO_MEMORY, "%s: no memory", is_take ? "take" : "filter");
  for (int32_t c = 0; c < n_cols && st == QV_OK; c++) {
    qv_chunked_array *column = NULL;
    qv_array *whole = NULL;
    st = qv_table_column(table, c, &column, err);
    if (st == QV_OK) st = qv_chunked_array_combine(column, &whole, err);
    if (st == QV_OK)
      st = is_take ? qv_compute_take(whole, arg, &cols[c], err) : qv_compute_filter(whole, arg, nulls, &cols[c], err);
    if (st != QV_OK) qv_error_prefix(err, "column %d (%s): ", (int)c, table->schema->fields[c]->name);
    else length = cols[c]->length;
    qv_array_release(whole);
    qv_chunked_array_release(column);
  }
  if (st == QV_OK && n_cols == 0) { /* no column: the row count alone */
    if (is_take) length = arg->length;
    else {
      qv_array *empty = NULL;
      st = qv_array_new_null(qv_type_null(), table->n_rows, &empty, err);
      if (st == QV_OK) st = qv_compute_filter(empty, arg, nulls, &cols[0], err);
      if (st == QV_OK) length = cols[0]->length;
      qv_array_release(empty);
      qv_array_release(cols[0]);
      cols[0] = NULL;
    }
  }
  if (st == QV_OK) st = qv_batch_new(table->schema, length, cols, NULL, &batch, err);
  if (st == QV_OK) st = qv_table_new(table->schema, &batch, 1, out, err);
  qv_batch_release(batch);
  for (int32_t c = 0; c < n_cols; c++) qv_array_release(cols[c]);
  qv__free(cols);
  return st;
}

qv_status qv_compute_take_table(const qv_table *table, const qv_array *indices, qv_table **out, qv_error *err) {
  if (table == NULL || indices == NULL || out == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "take: NULL argument");
  *out = NULL;
  return on_table(table, indices, true, QV_FILTER_DROP, out, err);
}

qv_status qv_compute_filter_table(const qv_table *table, const qv_array *mask, qv_filter_null_selection nulls,
                                  qv_table **out, qv_error *err) {
  if (table == NULL || mask == NULL || out == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "filter: NULL argument");
  *out = NULL;
  return on_table(table, mask, false, nulls, out, err);
}
