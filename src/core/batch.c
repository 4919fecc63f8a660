/* quiver core: record batches and tables.
 *
 * A batch holds its schema, one column per field (type equal to the field's
 * type, metadata ignored; every length equal to the batch length) and an
 * optional metadata copy; a table holds a schema and batches whose schemas
 * equal it (metadata ignored), with n_rows their summed length. Both are
 * immutable and refcounted; construction errors name the offending column
 * or batch.
 */
#include "core/internal.h"
#include "core/view_block.h"

size_t qv__batch_bytes(int32_t n_columns) {
  return (sizeof(qv_batch) + (size_t)n_columns * sizeof(qv_array *) + 7) & ~(size_t)7;
}

static qv_status batch_new(qv__view_block *block, qv_schema *schema, int64_t length, qv_array *const *columns,
                           const qv_metadata *metadata, bool take, qv_batch **out, qv_error *err) {
  if (out == NULL || schema == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_batch_new: %s is NULL", schema ? "out" : "schema");
  *out = NULL;
  int32_t n = schema->n_fields;
  if (n > 0 && columns == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "record batch: columns is NULL for a %d-field schema", n);
  if (length < -1)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "record batch: bad length %lld", (long long)length);
  for (int32_t i = 0; i < n; i++)
    if (columns[i] == NULL)
      return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "record batch: column %d ('%s') is NULL", i,
                          schema->fields[i]->name);
  if (length == -1) length = n > 0 ? columns[0]->length : 0;
  for (int32_t i = 0; i < n; i++) {
    const qv_field *f = schema->fields[i];
    if (!qv_type_equals(columns[i]->type, f->type, false)) {
      char want[256], got[256];
      qv_type_format(f->type, want, sizeof want);
      qv_type_format(columns[i]->type, got, sizeof got);
      return qv_error_set(err, QV_ERR_INVALID_ARGUMENT,
                          "record batch: column %d ('%s') has type %s, but the schema field has type %s", i, f->name,
                          got, want);
    }
    if (columns[i]->length != length)
      return qv_error_set(err, QV_ERR_INVALID_ARGUMENT,
                          "record batch: column %d ('%s') has length %lld, expected %lld", i, f->name,
                          (long long)columns[i]->length, (long long)length);
  }
  qv_status st = QV_OK;
  /* One allocation (or arena piece): the column pointers follow the struct. */
  qv_batch *b = (qv_batch *)qv__view_block_alloc(block, qv__batch_bytes(n));
  if (b != NULL) {
    b->block_ = block;
  } else {
    b = (qv_batch *)qv__calloc(1, sizeof *b + (size_t)n * sizeof(qv_array *));
    QV_CHECK_ALLOC(b, err);
  }
  b->refcount_ = 1;
  b->columns = (qv_array **)(void *)(b + 1);
  if (metadata != NULL && metadata->n > 0) QV_GOTO_IF_ERROR(st, qv_metadata_copy(metadata, &b->metadata, err), fail);
  b->schema = qv_schema_retain(schema);
  b->length = length;
  b->n_columns = n;
  for (int32_t i = 0; i < n; i++) b->columns[i] = take ? columns[i] : qv_array_retain(columns[i]);
  *out = b;
  return QV_OK;
fail:
  qv_batch_release(b);
  return st;
}

qv_status qv_batch_new(qv_schema *schema, int64_t length, qv_array *const *columns, const qv_metadata *metadata,
                       qv_batch **out, qv_error *err) {
  return batch_new(NULL, schema, length, columns, metadata, false, out, err);
}

qv_status qv__batch_new_take(qv_schema *schema, int64_t length, qv_array *const *columns,
                             const qv_metadata *metadata, qv_batch **out, qv_error *err) {
  return batch_new(NULL, schema, length, columns, metadata, true, out, err);
}

qv_status qv__batch_new_take_in(qv__view_block *block, qv_schema *schema, int64_t length, qv_array *const *columns,
                                const qv_metadata *metadata, qv_batch **out, qv_error *err) {
  return batch_new(block, schema, length, columns, metadata, true, out, err);
}

qv_batch *qv_batch_retain(qv_batch *batch) {
  if (batch != NULL) __atomic_fetch_add(&batch->refcount_, 1, __ATOMIC_RELAXED);
  return batch;
}

void qv_batch_release(qv_batch *batch) {
  if (batch == NULL) return;
  if (__atomic_sub_fetch(&batch->refcount_, 1, __ATOMIC_ACQ_REL) != 0) return;
  for (int32_t i = 0; i < batch->n_columns; i++) qv_array_release(batch->columns[i]);
  qv_schema_release(batch->schema);
  qv_metadata_free(batch->metadata);
  if (batch->block_ != NULL)
    qv__view_block_release((qv__view_block *)batch->block_); /* the struct is the block's */
  else
    free(batch);
}

qv_status qv_batch_slice(qv_batch *batch, int64_t offset, int64_t length, qv_batch **out, qv_error *err) {
  if (out == NULL || batch == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_batch_slice: %s is NULL", batch ? "out" : "batch");
  *out = NULL;
  int64_t end;
  if (offset < 0 || length < 0 || qv__add_overflow_i64(offset, length, &end) || end > batch->length)
    return qv_error_set(err, QV_ERR_OUT_OF_RANGE, "batch slice [%lld, %lld + %lld) is outside a batch of %lld rows",
                        (long long)offset, (long long)offset, (long long)length, (long long)batch->length);
  qv_status st = QV_OK;
  int32_t n = batch->n_columns;
  qv_array **cols = (qv_array **)qv__calloc((size_t)n, sizeof(qv_array *));
  QV_CHECK_ALLOC(cols, err);
  for (int32_t i = 0; i < n; i++) {
    st = qv_array_slice(batch->columns[i], offset, length, &cols[i], err);
    if (st != QV_OK) {
      qv_error_prefix(err, "column %d ('%s'): ", i, batch->schema->fields[i]->name);
      goto cleanup;
    }
  }
  st = qv_batch_new(batch->schema, length, cols, batch->metadata, out, err);
cleanup:
  for (int32_t i = 0; i < n; i++) qv_array_release(cols[i]);
  free(cols);
  return st;
}

qv_array *qv_batch_column_by_name(const qv_batch *batch, const char *name) {
  if (batch == NULL) return NULL;
  int32_t i = qv_schema_field_index(batch->schema, name);
  return i < 0 ? NULL : batch->columns[i];
}

size_t qv__table_bytes(int64_t n_batches) {
  return (sizeof(qv_table) + (size_t)n_batches * sizeof(qv_batch *) + 7) & ~(size_t)7;
}

static qv_status table_new(qv__view_block *block, qv_schema *schema, qv_batch *const *batches, int64_t n_batches,
                           bool take, qv_table **out, qv_error *err) {
  if (out == NULL || schema == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_table_new: %s is NULL", schema ? "out" : "schema");
  *out = NULL;
  if (n_batches < 0 || (n_batches > 0 && batches == NULL))
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "table: bad batches (%lld, %p)", (long long)n_batches,
                        (const void *)batches);
  if ((uint64_t)n_batches > SIZE_MAX / sizeof(qv_batch *))
    return qv_error_set(err, QV_ERR_OVERFLOW, "table: %lld batches", (long long)n_batches);
  int64_t rows = 0;
  for (int64_t i = 0; i < n_batches; i++) {
    if (batches[i] == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "table: batch %lld is NULL", (long long)i);
    if (!qv_schema_equals(batches[i]->schema, schema, false))
      return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "table: batch %lld has a schema different from the table's",
                          (long long)i);
    if (qv__add_overflow_i64(rows, batches[i]->length, &rows))
      return qv_error_set(err, QV_ERR_OVERFLOW, "table: row count overflows at batch %lld", (long long)i);
  }
  /* One allocation: the batch pointers follow the struct. */
  if ((uint64_t)n_batches > (SIZE_MAX - sizeof(qv_table)) / sizeof(qv_batch *))
    return qv_error_set(err, QV_ERR_OVERFLOW, "table: %lld batches", (long long)n_batches);
  qv_table *t = (qv_table *)qv__view_block_alloc(block, qv__table_bytes(n_batches));
  if (t != NULL) {
    t->block_ = block;
  } else {
    t = (qv_table *)qv__calloc(1, sizeof *t + (size_t)n_batches * sizeof(qv_batch *));
    if (t == NULL)
      return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory allocating a table of %lld batches",
                          (long long)n_batches);
  }
  t->batches = (qv_batch **)(void *)(t + 1);
  t->refcount_ = 1;
  t->schema = qv_schema_retain(schema);
  t->n_batches = n_batches;
  for (int64_t i = 0; i < n_batches; i++) t->batches[i] = take ? batches[i] : qv_batch_retain(batches[i]);
  t->n_rows = rows;
  *out = t;
  return QV_OK;
}

qv_status qv_table_new(qv_schema *schema, qv_batch *const *batches, int64_t n_batches, qv_table **out,
                       qv_error *err) {
  return table_new(NULL, schema, batches, n_batches, false, out, err);
}

qv_status qv__table_new_take(qv_schema *schema, qv_batch *const *batches, int64_t n_batches, qv_table **out,
                             qv_error *err) {
  return table_new(NULL, schema, batches, n_batches, true, out, err);
}

qv_status qv__table_new_take_one(qv_schema *schema, qv_batch *batch, qv_table **out, qv_error *err) {
  return table_new(batch ? (qv__view_block *)batch->block_ : NULL, schema, &batch, 1, true, out, err);
}

qv_table *qv_table_retain(qv_table *table) {
  if (table != NULL) __atomic_fetch_add(&table->refcount_, 1, __ATOMIC_RELAXED);
  return table;
}

void qv_table_release(qv_table *table) {
  if (table == NULL) return;
  if (__atomic_sub_fetch(&table->refcount_, 1, __ATOMIC_ACQ_REL) != 0) return;
  for (int64_t i = 0; i < table->n_batches; i++) qv_batch_release(table->batches[i]);
  qv_schema_release(table->schema);
  if (table->block_ != NULL)
    qv__view_block_release((qv__view_block *)table->block_); /* the struct is the block's */
  else
    free(table);
}
