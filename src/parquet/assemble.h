/* Parquet: column chunks -> Arrow arrays (internal).
 *
 * qv__pq_dense_array turns the non-null values of a chunk into an Arrow
 * array of the leaf's type (narrowing INT32 to int8/int16, decimals from
 * big-endian bytes or integers, ...). qv__pq_assemble then builds the
 * array of a top-level node from its leaves' levels: structs take validity
 * from their first leaf, lists and maps their offsets, leaves spread their
 * values over the slots whose definition level is maximal. */
#ifndef QV_PARQUET_ASSEMBLE_H
#define QV_PARQUET_ASSEMBLE_H

#include "parquet/chunk.h"
#include "parquet/schema.h"
#include "quiver/array.h"

qv_status qv__pq_dense_array(const qv__pq_values *v, const qv__pq_schema_element *e, qv_type *type, qv_array **out,
                             qv_error *err);

/* chunks[i] is the chunk of leaf node->first_leaf + i. num_rows: the row
 * group's row count (every leaf must agree). */
qv_status qv__pq_assemble(const qv__pq_node *node, qv__pq_chunk *chunks, int64_t num_rows, qv_array **out,
                          qv_error *err);

#endif
