/* quiver core: batches and tables from arrays, column lookup, row slices and
 * concatenation (table.h).
 *
 * A qv_table is a list of batches, so a table built from chunked columns
 * whose chunk boundaries differ must be cut where ANY column's chunk ends:
 * qv__table_from_aligned walks one cursor per column and emits a batch per
 * segment, each column a zero-copy slice of its current chunk. Nothing here
 * copies values.
 */
#include "core/internal.h"
#include "core/table_internal.h"
#include "quiver/table.h"

static qv_status fields_for_arrays(const char *const *names, qv_array *const *arrays, int32_t n,
                                   qv_schema **out, qv_error *err) {
  *out = NULL;
  if (n < 0 || (n > 0 && (names == NULL || arrays == NULL)))
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "from_arrays: names and arrays are required for %d columns", n);
  qv_field **fields = (qv_field **)qv__calloc((size_t)n, sizeof(qv_field *));
  QV_CHECK_ALLOC(fields, err);
  qv_status st = QV_OK;
  for (int32_t i = 0; i < n && st == QV_OK; i++) {
    if (arrays[i] == NULL || names[i] == NULL) {
      st = qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "from_arrays: column %d has no %s", i,
                        arrays[i] == NULL ? "array" : "name");
      break;
    }
    st = qv_field_new(names[i], arrays[i]->type, true, NULL, &fields[i], err);
  }
  if (st == QV_OK) st = qv_schema_new(fields, n, NULL, out, err);
  for (int32_t i = 0; i < n; i++) qv_field_release(fields[i]);
  qv__free(fields);
  return st;
}

qv_status qv_batch_from_arrays(const char *const *names, qv_array *const *arrays, int32_t n, qv_batch **out,
                               qv_error *err) {
  if (out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_batch_from_arrays: out is NULL");
  *out = NULL;
  qv_schema *schema;
  QV_RETURN_IF_ERROR(fields_for_arrays(names, arrays, n, &schema, err));
  qv_status st = qv_batch_new(schema, -1, arrays, NULL, out, err);
  qv_schema_release(schema);
  return st;
}

qv_status qv_table_from_arrays(const char *const *names, qv_array *const *arrays, int32_t n, qv_table **out,
                               qv_error *err) {
  if (out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_table_from_arrays: out is NULL");
  *out = NULL;
  qv_batch *batch;
  QV_RETURN_IF_ERROR(qv_batch_from_arrays(names, arrays, n, &batch, err));
  qv_status st = qv_table_new(batch->schema, &batch, 1, out, err);
  qv_batch_release(batch);
  return st;
}

qv_status qv_table_from_batches(qv_batch *const *batches, int64_t n, qv_table **out, qv_error *err) {
  if (out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_table_from_batches: out is NULL");
  *out = NULL;
  if (n < 1 || batches == NULL || batches[0] == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT,
                        "qv_table_from_batches: at least one batch is needed to know the schema");
  return qv_table_new(batches[0]->schema, batches, n, out, err);
}

/* One cursor per column: the chunk it is in and the rows of it consumed. */
typedef struct column_cursor {
  int64_t chunk;
  int64_t used;
} column_cursor;

qv_status qv__table_from_aligned(qv_schema *schema, qv_chunked_array *const *columns, qv_table **out, qv_error *err) {
  int32_t n = schema->n_fields;
  int64_t rows = n > 0 && columns[0] != NULL ? columns[0]->length : 0; /* a NULL column is reported below */
  for (int32_t i = 0; i < n; i++) {
    if (columns[i] == NULL)
      return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "table: column %d ('%s') is NULL", i,
                          schema->fields[i]->name);
    if (!qv_type_equals(columns[i]->type, schema->fields[i]->type, false)) {
      char want[256], got[256];
      qv_type_format(schema->fields[i]->type, want, sizeof want);
      qv_type_format(columns[i]->type, got, sizeof got);
      return qv_error_set(err, QV_ERR_TYPE, "table: column %d ('%s') has type %s, but its field has type %s", i,
                          schema->fields[i]->name, got, want);
    }
    if (columns[i]->length != rows)
      return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "table: column %d ('%s') has %lld rows, column 0 has %lld",
                          i, schema->fields[i]->name, (long long)columns[i]->length, (long long)rows);
  }
  qv_status st = QV_OK;
  column_cursor *cur = (column_cursor *)qv__calloc((size_t)n, sizeof *cur);
  qv_array **row = (qv_array **)qv__calloc((size_t)n, sizeof(qv_array *));
  /* Segments are at most the sum of every column's chunk count. */
  int64_t max_batches = 1;
  for (int32_t i = 0; i < n; i++) max_batches += columns[i]->n_chunks;
  qv_batch **batches = (qv_batch **)qv__calloc((size_t)max_batches, sizeof(qv_batch *));
  int64_t n_batches = 0;
  if (cur == NULL || row == NULL || batches == NULL) {
    st = qv_error_set(err, QV_ERR_NO_MEMORY, "table: out of memory aligning %d columns", n);
    goto done;
  }
  for (int64_t done_rows = 0; done_rows < rows;) {
    int64_t seg = rows - done_rows;
    for (int32_t i = 0; i < n; i++) {
      /* Skip exhausted (or empty) chunks; lengths sum to `rows`, so a chunk
       * with rows left always exists while done_rows < rows. */
      while (columns[i]->chunks[cur[i].chunk]->length == cur[i].used) {
        cur[i].chunk++;
        cur[i].used = 0;
      }
      int64_t left = columns[i]->chunks[cur[i].chunk]->length - cur[i].used;
      if (left < seg) seg = left;
    }
    for (int32_t i = 0; i < n && st == QV_OK; i++)
      st = qv_array_slice(columns[i]->chunks[cur[i].chunk], cur[i].used, seg, &row[i], err);
    if (st == QV_OK) st = qv_batch_new(schema, seg, row, NULL, &batches[n_batches], err);
    for (int32_t i = 0; i < n; i++) {
      qv_array_release(row[i]);
      row[i] = NULL;
      cur[i].used += seg;
    }
    if (st != QV_OK) goto done;
    n_batches++;
    done_rows += seg;
  }
  st = qv_table_new(schema, batches, n_batches, out, err);
done:
  for (int64_t j = 0; batches != NULL && j < n_batches; j++) qv_batch_release(batches[j]);
  qv__free(batches);
  qv__free(row);
  qv__free(cur);
  return st;
}

qv_status qv_table_from_columns(qv_schema *schema, qv_chunked_array *const *columns, qv_table **out,
                                qv_error *err) {
  if (out == NULL || schema == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_table_from_columns: %s is NULL",
                        schema ? "out" : "schema");
  *out = NULL;
  if (schema->n_fields > 0 && columns == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_table_from_columns: columns is NULL");
  return qv__table_from_aligned(schema, columns, out, err);
}

qv_array *qv_batch_column(const qv_batch *batch, int32_t i) {
  if (batch == NULL || i < 0 || i >= batch->n_columns) return NULL;
  return batch->columns[i];
}

qv_status qv_table_column(const qv_table *table, int32_t i, qv_chunked_array **out, qv_error *err) {
  if (out == NULL || table == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_table_column: %s is NULL", table ? "out" : "table");
  *out = NULL;
  if (i < 0 || i >= table->schema->n_fields)
    return qv_error_set(err, QV_ERR_OUT_OF_RANGE, "column index %d is outside the table's %d columns", i,
                        table->schema->n_fields);
  qv_array **chunks = (qv_array **)qv__calloc((size_t)table->n_batches, sizeof(qv_array *));
  QV_CHECK_ALLOC(chunks, err);
  for (int64_t j = 0; j < table->n_batches; j++) chunks[j] = table->batches[j]->columns[i];
  qv_status st = qv_chunked_array_new(table->schema->fields[i]->type, chunks, table->n_batches, out, err);
  qv__free(chunks);
  return st;
}

qv_status qv_table_column_by_name(const qv_table *table, const char *name, qv_chunked_array **out,
                                  qv_error *err) {
  if (out == NULL || table == NULL || name == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_table_column_by_name: an argument is NULL");
  *out = NULL;
  int32_t i = qv_schema_field_index(table->schema, name);
  if (i < 0) return qv_error_set(err, QV_ERR_NOT_FOUND, "the table has no column named '%s'", name);
  return qv_table_column(table, i, out, err);
}

qv_status qv_table_slice(qv_table *table, int64_t offset, int64_t length, qv_table **out, qv_error *err) {
  if (out == NULL || table == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_table_slice: %s is NULL", table ? "out" : "table");
  *out = NULL;
  int64_t end;
  if (offset < 0 || length < 0 || qv__add_overflow_i64(offset, length, &end) || end > table->n_rows)
    return qv_error_set(err, QV_ERR_OUT_OF_RANGE, "table slice [%lld, +%lld) is outside its %lld rows",
                        (long long)offset, (long long)length, (long long)table->n_rows);
  qv_batch **parts = (qv_batch **)qv__calloc((size_t)table->n_batches, sizeof(qv_batch *));
  QV_CHECK_ALLOC(parts, err);
  qv_status st = QV_OK;
  int64_t n_parts = 0, start = 0;
  for (int64_t j = 0; j < table->n_batches && start < end; j++) {
    qv_batch *b = table->batches[j];
    int64_t lo, hi;
    const bool touched = qv__window_part(start, b->length, offset, end, &lo, &hi);
    start += b->length;
    if (!touched) continue;
    st = qv_batch_slice(b, lo, hi - lo, &parts[n_parts], err);
    if (st != QV_OK) goto done;
    n_parts++;
  }
  st = qv_table_new(table->schema, parts, n_parts, out, err);
done:
  for (int64_t j = 0; j < n_parts; j++) qv_batch_release(parts[j]);
  qv__free(parts);
  return st;
}

qv_status qv_table_concat(qv_table *const *tables, int64_t n, qv_table **out, qv_error *err) {
  if (out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_table_concat: out is NULL");
  *out = NULL;
  if (n < 1 || tables == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_table_concat: at least one table is needed");
  int64_t total = 0;
  for (int64_t t = 0; t < n; t++) {
    if (tables[t] == NULL)
      return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_table_concat: table %lld is NULL", (long long)t);
    if (!qv_schema_equals(tables[t]->schema, tables[0]->schema, false))
      return qv_error_set(err, QV_ERR_TYPE, "qv_table_concat: table %lld's schema differs from table 0's",
                          (long long)t);
    if (qv__add_overflow_i64(total, tables[t]->n_batches, &total))
      return qv_error_set(err, QV_ERR_OVERFLOW, "qv_table_concat: too many batches");
  }
  qv_batch **all = (qv_batch **)qv__calloc((size_t)total, sizeof(qv_batch *));
  QV_CHECK_ALLOC(all, err);
  int64_t k = 0;
  for (int64_t t = 0; t < n; t++)
    for (int64_t j = 0; j < tables[t]->n_batches; j++) all[k++] = tables[t]->batches[j];
  qv_status st = qv_table_new(tables[0]->schema, all, total, out, err);
  qv__free(all);
  return st;
}
