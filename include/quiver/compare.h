/* quiver: logical equality of arrays, batches and tables.
 *
 * Two arrays are equal when their types are equal (qv_type_equals; child
 * field metadata only with check_metadata), their lengths are equal, the
 * same slots are null, and every valid slot holds an equal value. What does
 * NOT matter: offsets and slicing, buffer identity, padding, bytes under
 * null slots, how views spread their data over variadic buffers, whether a
 * validity bitmap is present or all-ones.
 *
 * Per layout:
 *   - floats (float16 included): by value; +0 == -0; NaN != NaN unless
 *     nans_equal;
 *   - binary-like and views: by bytes; lists: by length then items;
 *     struct: each field; map: as a list of entries;
 *   - unions: same type code, then equal child values;
 *   - dictionary: like Arrow C++'s Equals: equal index values in valid slots
 *     AND equal dictionaries (two different encodings of the same logical
 *     values are NOT equal);
 *   - run-end encoded: logical values (different run boundaries, e.g. two
 *     adjacent runs of the same value vs one run, are equal);
 *   - extension: its storage (the types already matched).
 *
 * Arrays are validated structurally first (cheap); an array that fails
 * never equals anything. Content errors met while comparing (an offset
 * outside the data, an undeclared union code...) also make the arrays
 * unequal, and qv_*_diff reports them as such.
 */
#ifndef QUIVER_COMPARE_H
#define QUIVER_COMPARE_H

#include <stdbool.h>

#include "quiver/array.h"
#include "quiver/batch.h"
#include "quiver/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct qv_equal_options {
  bool nans_equal;     /* NaN equals NaN (any payload); default false */
  bool check_metadata; /* field (and, for batches/tables, schema) metadata must match; default false */
} qv_equal_options;

#define QV_EQUAL_OPTIONS_DEFAULT {false, false}

/* Logical equality with default options. NULL equals only NULL. */
QV_API bool qv_array_equals(const qv_array *a, const qv_array *b);
/* opts may be NULL (defaults). */
QV_API bool qv_array_equals_opts(const qv_array *a, const qv_array *b, const qv_equal_options *opts);

/* QV_OK when equal; otherwise QV_ERR_INVALID_DATA with a message describing
 * the first difference: the row, the path inside the row and both values,
 * e.g. "arrays differ at row 2, [2][1].b: left 5, right 6" or
 * "lengths differ: left 3, right 4" or "types differ: left int32, right int64".
 * An invalid input array gives QV_ERR_INVALID_DATA naming which side. */
QV_API qv_status qv_array_diff(const qv_array *a, const qv_array *b, qv_error *why);
QV_API qv_status qv_array_diff_opts(const qv_array *a, const qv_array *b, const qv_equal_options *opts,
                                    qv_error *why);

/* Batches: equal schemas (metadata only with check_metadata), lengths and
 * columns. Batch-level custom metadata is compared only with check_metadata. */
QV_API bool qv_batch_equals(const qv_batch *a, const qv_batch *b);
QV_API bool qv_batch_equals_opts(const qv_batch *a, const qv_batch *b, const qv_equal_options *opts);
/* Messages start with "column 'name': ". */
QV_API qv_status qv_batch_diff(const qv_batch *a, const qv_batch *b, const qv_equal_options *opts,
                               qv_error *why);

/* Tables: equal schemas and the same rows, regardless of how the rows are
 * split into batches. Rows in messages are table rows. */
QV_API bool qv_table_equals(const qv_table *a, const qv_table *b);
QV_API bool qv_table_equals_opts(const qv_table *a, const qv_table *b, const qv_equal_options *opts);
QV_API qv_status qv_table_diff(const qv_table *a, const qv_table *b, const qv_equal_options *opts,
                               qv_error *why);

#ifdef __cplusplus
}
#endif
#endif
