/* Internal to src/compute: the divide and power kernels (arith_divpow.c)
 * that elementwise.c's arithmetic calls, and the comparison of
 * non-numeric types (compare_other.c). */
#ifndef QUIVER_SRC_COMPUTE_ARITH_INTERNAL_H
#define QUIVER_SRC_COMPUTE_ARITH_INTERNAL_H

#include "quiver/compute.h"

/* Returns -1, or the first valid row that fails with *why set. `valid` is
 * the result's validity (NULL: all valid). */
typedef int64_t (*qv__divpow_fn)(qv_arith_op op, bool checked, const void *a, const void *b, int b_step, int64_t n,
                                 void *out, const uint8_t *valid, const char **why);
qv__divpow_fn qv__compute_divpow_kernel(qv_type_id id);

/* Strings/binaries (any layout), decimals and bools. */
bool qv__compare_other_accepts(qv_type_id id);
qv_status qv__compare_other(qv_compare_op op, const qv_array *left, const qv_array *right, const qv_scalar *scalar,
                            qv_array **out, qv_error *err);

#endif
