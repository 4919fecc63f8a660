/* quiver: concatenating arrays, chunked arrays and table columns.
 *
 * The result is a new array (offset 0) whose buffers are rebuilt: offsets
 * rebased, bitmaps re-packed, run ends shifted; only the variadic data
 * buffers of view arrays are shared. Inputs may be slices. Inputs need only
 * have passed structural validation: offsets, run ends and view indices are
 * checked as they are used, and bad ones are an error naming the input and
 * row (QV_ERR_INVALID_DATA), never a wrong result.
 *
 * Example:
 *   qv_array *parts[] = {a, b, c}, *all;
 *   if (qv_array_concat(parts, 3, &all, &err) != QV_OK) puts(err.message);
 */
#ifndef QUIVER_CONCAT_H
#define QUIVER_CONCAT_H

#include <stdint.h>

#include "quiver/array.h"
#include "quiver/batch.h"
#include "quiver/chunked.h"
#include "quiver/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One array from n >= 1 arrays of equal type (QV_ERR_TYPE naming the first
 * that differs). n == 1 returns a new reference to arrays[0]. Caller owns
 * *out. */
QV_API qv_status qv_array_concat(qv_array *const *arrays, int64_t n, qv_array **out, qv_error *err);

/* The chunks of `c` as one array (an empty array of its type when it has
 * no chunks). Caller owns *out. */
QV_API qv_status qv_chunked_array_combine(const qv_chunked_array *c, qv_array **out, qv_error *err);

/* A table with the same schema and rows in a single batch (no batch at all
 * when the table is empty of batches). Caller owns *out. */
QV_API qv_status qv_table_combine_chunks(const qv_table *table, qv_table **out, qv_error *err);

#ifdef __cplusplus
}
#endif
#endif
