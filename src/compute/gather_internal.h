/* Internal to src/compute: building an array from chosen rows of another.
 *
 * `rows` lists, for each output slot, the input row it copies, or -1 for a
 * null slot. The caller has checked every row against the input's length;
 * the gather itself then reads only slots the structural validation of the
 * input guarantees, and follows offsets, views and children only through
 * qv_array_slice + qv_array_concat, which check them as they go.
 */
#ifndef QUIVER_SRC_COMPUTE_GATHER_INTERNAL_H
#define QUIVER_SRC_COMPUTE_GATHER_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "quiver/array.h"
#include "quiver/status.h"

/* Caller owns *out (offset 0 for the fixed-width layouts; the other layouts
 * get what qv_array_concat makes of the row ranges). */
qv_status qv__compute_gather(qv_array *input, const int64_t *rows, int64_t n, qv_array **out, qv_error *err);

/* filter_fixed.c: filter of a fixed-width layout (values buffer, bitmap,
 * no children) by a bool mask of the same length whose null slots drop
 * their rows, without a row list. The caller has checked the mask's type
 * and length. Caller owns *out (offset 0; shares the dictionary). */
bool qv__compute_filter_fixed_applies(const qv_array *values);
qv_status qv__compute_filter_fixed(qv_array *values, const qv_array *mask, qv_array **out, qv_error *err);

/* take_fixed.c: take of fixed-width values of 1, 2, 4 or 8 bytes by int32
 * or int64 indices (nulls allowed in both; the caller has checked the
 * indices' type), without a row list. An index out of range is
 * QV_ERR_OUT_OF_RANGE naming its row. Caller owns *out (offset 0; shares
 * the dictionary). */
bool qv__compute_take_fixed_applies(const qv_array *values, const qv_array *indices);
qv_status qv__compute_take_fixed(qv_array *values, const qv_array *indices, qv_array **out, qv_error *err);

#endif
