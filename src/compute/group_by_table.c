/* Group-by over named table columns: resolves the names, combines each
 * column's chunks into one array, runs qv_compute_group_by and names the
 * result columns as pyarrow's TableGroupBy.aggregate does (the keys by
 * their names, then "<column>_<op>", or "count_all").
 */
#include <stdio.h>

#include "core/internal.h"
#include "quiver/compute.h"
#include "quiver/concat.h"
#include "quiver/table.h"

static qv_status whole_column(const qv_table *t, const char *name, qv_array **out, qv_error *err) {
  qv_chunked_array *col = NULL;
  qv_status st = qv_table_column_by_name(t, name, &col, err);
  if (st == QV_OK) st = qv_chunked_array_combine(col, out, err);
  qv_chunked_array_release(col);
  return st;
}

qv_status qv_compute_group_by_table(const qv_table *table, const char *const *keys, int32_t n_keys,
                                    const qv_table_aggregate *aggs, int32_t n_aggs, qv_table **out, qv_error *err) {
  if (table == NULL || keys == NULL || out == NULL || n_keys < 1 || n_aggs < 0 || (aggs == NULL && n_aggs > 0))
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "group_by: NULL argument or no key");
  *out = NULL;
  int32_t n_out = n_keys + n_aggs;
  qv_array **key_arrays = qv__calloc((size_t)n_keys, sizeof *key_arrays);
  qv_group_aggregate *resolved = qv__calloc((size_t)(n_aggs > 0 ? n_aggs : 1), sizeof *resolved);
  qv_array **cols = qv__calloc((size_t)n_out, sizeof *cols);
  char **names = qv__calloc((size_t)n_out, sizeof *names);
  qv_status st = QV_OK;
  if (key_arrays == NULL || resolved == NULL || cols == NULL || names == NULL) {
    st = qv_error_set(err, QV_ERR_NO_MEMORY, "group_by: no memory");
    goto done;
  }
  for (int32_t k = 0; k < n_keys && st == QV_OK; k++) {
    if (keys[k] == NULL) st = qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "group_by: key %d names no column", (int)k);
    else st = whole_column(table, keys[k], &key_arrays[k], err);
  }
  for (int32_t a = 0; a < n_aggs && st == QV_OK; a++) {
    resolved[a].op = aggs[a].op;
    resolved[a].mode = aggs[a].mode;
    if (aggs[a].column != NULL) st = whole_column(table, aggs[a].column, &resolved[a].values, err);
    else if (aggs[a].op != QV_GROUP_COUNT_ALL)
      st = qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "group_by: aggregate %d (%s) names no column", (int)a,
                        qv_group_op_name(aggs[a].op));
  }
  for (int32_t c = 0; c < n_out && st == QV_OK; c++) {
    const char *base = c < n_keys ? keys[c] : aggs[c - n_keys].column;
    const char *op = c < n_keys ? NULL : qv_group_op_name(aggs[c - n_keys].op);
    size_t len = (base ? strlen(base) : 0) + (op ? strlen(op) : 0) + 2;
    names[c] = qv__malloc(len);
    if (names[c] == NULL) st = qv_error_set(err, QV_ERR_NO_MEMORY, "group_by: no memory");
    else if (op == NULL) snprintf(names[c], len, "%s", base);
    else if (base == NULL) snprintf(names[c], len, "%s", op);
    else snprintf(names[c], len, "%s_%s", base, op);
  }
  if (st == QV_OK) st = qv_compute_group_by(key_arrays, n_keys, resolved, n_aggs, cols, err);
  if (st == QV_OK) st = qv_table_from_arrays((const char *const *)names, cols, n_out, out, err);
done:
  for (int32_t k = 0; key_arrays != NULL && k < n_keys; k++) qv_array_release(key_arrays[k]);
  for (int32_t a = 0; resolved != NULL && a < n_aggs; a++) qv_array_release(resolved[a].values);
  for (int32_t c = 0; c < n_out && cols != NULL; c++) qv_array_release(cols[c]);
  for (int32_t c = 0; c < n_out && names != NULL; c++) qv__free(names[c]);
  qv__free(key_arrays);
  qv__free(resolved);
  qv__free(cols);
  qv__free(names);
  return st;
}
