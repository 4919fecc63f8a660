/* quiver: record batches and tables.
 *
 * A qv_batch is a schema plus one array per field, all of the same length
 * (enforced at construction, with a message naming the column). A qv_table
 * is a schema plus a sequence of batches sharing it. Both are immutable and
 * refcounted.
 */
#ifndef QUIVER_BATCH_H
#define QUIVER_BATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "quiver/array.h"
#include "quiver/metadata.h"
#include "quiver/schema.h"
#include "quiver/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct qv_batch {
  qv_schema *schema;     /* owned reference */
  int64_t length;        /* rows */
  int32_t n_columns;     /* == schema->n_fields */
  qv_array **columns;    /* owned references */
  qv_metadata *metadata; /* batch-level custom metadata (IPC message metadata), NULL if none */
  int64_t refcount_;     /* private */
  void *block_;          /* private: the shared block holding this struct (IPC reads), else NULL */
} qv_batch;

/* Retains schema and columns. Every column's type must equal its field's
 * type and every length must equal `length` (QV_ERR_INVALID_ARGUMENT naming
 * the column otherwise). length -1 means "take it from column 0" (0 if none). */
QV_API qv_status qv_batch_new(qv_schema *schema, int64_t length, qv_array *const *columns,
                              const qv_metadata *metadata, qv_batch **out, qv_error *err);
QV_API qv_batch *qv_batch_retain(qv_batch *batch);
QV_API void qv_batch_release(qv_batch *batch); /* accepts NULL */
/* Zero-copy slice of every column. */
QV_API qv_status qv_batch_slice(qv_batch *batch, int64_t offset, int64_t length, qv_batch **out,
                                qv_error *err);
/* Column by name (borrowed pointer), or NULL. */
QV_API qv_array *qv_batch_column_by_name(const qv_batch *batch, const char *name);

typedef struct qv_table {
  qv_schema *schema;   /* owned reference */
  int64_t n_batches;
  qv_batch **batches;  /* owned references; each batch's schema equals `schema` */
  int64_t n_rows;      /* sum of batch lengths */
  int64_t refcount_;   /* private */
  void *block_;        /* private: the shared block holding this struct (IPC reads), else NULL */
} qv_table;

/* Retains schema and batches; every batch schema must equal `schema`
 * (metadata ignored). n_batches may be 0. */
QV_API qv_status qv_table_new(qv_schema *schema, qv_batch *const *batches, int64_t n_batches,
                              qv_table **out, qv_error *err);
QV_API qv_table *qv_table_retain(qv_table *table);
QV_API void qv_table_release(qv_table *table); /* accepts NULL */

#ifdef __cplusplus
}
#endif
#endif
