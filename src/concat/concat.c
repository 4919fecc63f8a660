/* quiver concat: n arrays into one (concat.h), chunked arrays and tables.
 *
 * Built on the pairwise step (concat_pair.c), merged as a balanced tree:
 * n inputs take ceil(log2 n) rounds, each of which copies every byte once,
 * so the cost stays O(bytes x log n) instead of the O(bytes x n) of a
 * left-to-right fold.
 */
#include "concat/internal.h"
#include "core/internal.h"
#include "quiver/concat.h"

qv_status qv_array_concat(qv_array *const *arrays, int64_t n, qv_array **out, qv_error *err) {
  if (out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_array_concat: out is NULL");
  *out = NULL;
  if (n < 1 || arrays == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_array_concat: at least one array is needed");
  for (int64_t i = 0; i < n; i++) {
    if (arrays[i] == NULL)
      return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_array_concat: array %lld is NULL", (long long)i);
    if (!qv_type_equals(arrays[i]->type, arrays[0]->type, false)) {
      char want[256], got[256];
      qv_type_format(arrays[0]->type, want, sizeof want);
      qv_type_format(arrays[i]->type, got, sizeof got);
      return qv_error_set(err, QV_ERR_TYPE, "qv_array_concat: array %lld has type %s, array 0 has %s",
                          (long long)i, got, want);
    }
  }
  if (n == 1) {
    *out = qv_array_retain(arrays[0]);
    return QV_OK;
  }
  qv_array **level = (qv_array **)qv__calloc((size_t)n, sizeof(qv_array *));
  QV_CHECK_ALLOC(level, err);
  for (int64_t i = 0; i < n; i++) level[i] = qv_array_retain(arrays[i]);
  qv_status st = QV_OK;
  int64_t m = n;
  while (m > 1 && st == QV_OK) {
    int64_t k = 0;
    for (int64_t i = 0; i < m; i += 2) {
      if (i + 1 == m) {
        level[k++] = level[i];
        continue;
      }
      qv_array *joined = NULL;
      if (st == QV_OK) st = qv__array_concat2(level[i], level[i + 1], &joined, err);
      qv_array_release(level[i]);
      qv_array_release(level[i + 1]);
      level[k++] = joined; /* NULL after a failure; released below */
    }
    m = k;
  }
  if (st == QV_OK) {
    *out = level[0];
  } else {
    for (int64_t i = 0; i < m; i++) qv_array_release(level[i]);
  }
  qv__free(level);
  return st;
}

qv_status qv_chunked_array_combine(const qv_chunked_array *c, qv_array **out, qv_error *err) {
  if (out == NULL || c == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_chunked_array_combine: %s is NULL", c ? "out" : "array");
  *out = NULL;
  if (c->n_chunks == 0) return qv_array_new_null(c->type, 0, out, err);
  return qv_array_concat(c->chunks, c->n_chunks, out, err);
}

qv_status qv_table_combine_chunks(const qv_table *table, qv_table **out, qv_error *err) {
  if (out == NULL || table == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_table_combine_chunks: %s is NULL",
                        table ? "out" : "table");
  *out = NULL;
  if (table->n_batches <= 1) return qv_table_new(table->schema, table->batches, table->n_batches, out, err);
  int32_t n = table->schema->n_fields;
  qv_array **cols = (qv_array **)qv__calloc((size_t)n, sizeof(qv_array *));
  qv_array **chunks = (qv_array **)qv__calloc((size_t)table->n_batches, sizeof(qv_array *));
  qv_status st = QV_OK;
  qv_batch *one = NULL;
  if (cols == NULL || chunks == NULL) {
    st = qv_error_set(err, QV_ERR_NO_MEMORY, "combine_chunks: out of memory for %d columns", n);
    goto done;
  }
  for (int32_t i = 0; i < n && st == QV_OK; i++) {
    for (int64_t j = 0; j < table->n_batches; j++) chunks[j] = table->batches[j]->columns[i];
    st = qv_array_concat(chunks, table->n_batches, &cols[i], err);
    if (st != QV_OK)
      qv_error_set(err, st, "combine_chunks: column %d ('%s'): %s", i, table->schema->fields[i]->name,
                   err ? err->message : "");
  }
  if (st == QV_OK) st = qv_batch_new(table->schema, table->n_rows, cols, NULL, &one, err);
  if (st == QV_OK) st = qv_table_new(table->schema, &one, 1, out, err);
done:
  qv_batch_release(one);
  for (int32_t i = 0; cols != NULL && i < n; i++) qv_array_release(cols[i]);
  qv__free(cols);
  qv__free(chunks);
  return st;
}
