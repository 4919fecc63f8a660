/* quiver: building batches and tables from arrays, looking columns up, and
 * editing columns.
 *
 * Every function here returns a NEW batch or table that shares its arrays'
 * buffers with the input (nothing is copied); inputs are never modified.
 * Caller owns *out. Column indices are checked (QV_ERR_OUT_OF_RANGE), names
 * that do not exist are QV_ERR_NOT_FOUND, and every message names the column.
 *
 * Example (a table from names and arrays, then a new table without "tmp"):
 *   const char *names[] = {"id", "tmp"};
 *   qv_array *cols[] = {ids, scratch};
 *   qv_table *t, *clean;
 *   qv_table_from_arrays(names, cols, 2, &t, &err);
 *   const char *drop[] = {"tmp"};
 *   qv_table_drop_columns(t, drop, 1, &clean, &err);
 *
 * (examples/c/table_editing.c is a complete program that make test runs.)
 */
#ifndef QUIVER_TABLE_H
#define QUIVER_TABLE_H

#include <stdint.h>

#include "quiver/array.h"
#include "quiver/batch.h"
#include "quiver/chunked.h"
#include "quiver/field.h"
#include "quiver/schema.h"
#include "quiver/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- construction ---- */

/* A batch from column names and arrays of equal length; every field is
 * nullable and takes its array's type. */
QV_API qv_status qv_batch_from_arrays(const char *const *names, qv_array *const *arrays, int32_t n,
                                      qv_batch **out, qv_error *err);
/* A one-batch table from column names and arrays of equal length. */
QV_API qv_status qv_table_from_arrays(const char *const *names, qv_array *const *arrays, int32_t n,
                                      qv_table **out, qv_error *err);
/* A table from a schema and one chunked array per field (equal lengths,
 * types equal to the fields'). Chunk boundaries may differ between columns:
 * the batches follow the first column's chunks and the others are sliced to
 * match (zero-copy). */
QV_API qv_status qv_table_from_columns(qv_schema *schema, qv_chunked_array *const *columns, qv_table **out,
                                       qv_error *err);
/* A table of `n` (>= 1) batches that share one schema (the first batch's). */
QV_API qv_status qv_table_from_batches(qv_batch *const *batches, int64_t n, qv_table **out, qv_error *err);

/* ---- lookup ---- */

/* Column i of a batch (borrowed), or NULL when i is out of range. */
QV_API qv_array *qv_batch_column(const qv_batch *batch, int32_t i);
/* Column i of a table as a chunked array (one chunk per batch). */
QV_API qv_status qv_table_column(const qv_table *table, int32_t i, qv_chunked_array **out, qv_error *err);
/* The same by name (the first field with that name). */
QV_API qv_status qv_table_column_by_name(const qv_table *table, const char *name, qv_chunked_array **out,
                                         qv_error *err);

/* ---- rows ---- */

/* Rows [offset, offset + length) of a table: the batches they touch, sliced. */
QV_API qv_status qv_table_slice(qv_table *table, int64_t offset, int64_t length, qv_table **out,
                                qv_error *err);
/* The batches of every table, in order; every schema must equal the first
 * (metadata ignored). n >= 1. */
QV_API qv_status qv_table_concat(qv_table *const *tables, int64_t n, qv_table **out, qv_error *err);

/* ---- column editing (batches take arrays, tables chunked arrays) ---- */

/* Only the columns at `indices`, in that order (repeats allowed). */
QV_API qv_status qv_batch_select(const qv_batch *batch, const int32_t *indices, int32_t n, qv_batch **out,
                                 qv_error *err);
QV_API qv_status qv_table_select(const qv_table *table, const int32_t *indices, int32_t n, qv_table **out,
                                 qv_error *err);
/* Without the named columns (every name must exist). */
QV_API qv_status qv_batch_drop_columns(const qv_batch *batch, const char *const *names, int32_t n,
                                       qv_batch **out, qv_error *err);
QV_API qv_status qv_table_drop_columns(const qv_table *table, const char *const *names, int32_t n,
                                       qv_table **out, qv_error *err);
/* Every column renamed: `names` has one entry per column. */
QV_API qv_status qv_batch_rename_columns(const qv_batch *batch, const char *const *names, int32_t n,
                                         qv_batch **out, qv_error *err);
QV_API qv_status qv_table_rename_columns(const qv_table *table, const char *const *names, int32_t n,
                                         qv_table **out, qv_error *err);
/* Column `column` inserted at position i (0..n_columns) under `field`
 * (whose type must equal the column's). */
QV_API qv_status qv_batch_add_column(const qv_batch *batch, int32_t i, qv_field *field, qv_array *column,
                                     qv_batch **out, qv_error *err);
QV_API qv_status qv_table_add_column(const qv_table *table, int32_t i, qv_field *field,
                                     qv_chunked_array *column, qv_table **out, qv_error *err);
/* Column i replaced by `column` under `field`. */
QV_API qv_status qv_batch_set_column(const qv_batch *batch, int32_t i, qv_field *field, qv_array *column,
                                     qv_batch **out, qv_error *err);
QV_API qv_status qv_table_set_column(const qv_table *table, int32_t i, qv_field *field,
                                     qv_chunked_array *column, qv_table **out, qv_error *err);
/* Column i removed. */
QV_API qv_status qv_batch_remove_column(const qv_batch *batch, int32_t i, qv_batch **out, qv_error *err);
QV_API qv_status qv_table_remove_column(const qv_table *table, int32_t i, qv_table **out, qv_error *err);

#ifdef __cplusplus
}
#endif
#endif
