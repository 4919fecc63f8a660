/* Internal to src/compute: the aggregates of group-by that fold block by
 * block (sum, mean, min, max, count, count_all), shared by group_by.c
 * (which defines them) and group_by_stream.c (which runs them over blocks
 * of rows on two threads).
 *
 * A folded aggregate's state is an accumulator of 8 bytes per group (a
 * uint64 or double sum, a min/max of the values' width, or a count) plus,
 * for sum, mean, min and max, a count of the values seen per group; both
 * start zeroed. Two states over disjoint rows merge into one.
 */
#ifndef QUIVER_SRC_COMPUTE_GROUP_BY_INTERNAL_H
#define QUIVER_SRC_COMPUTE_GROUP_BY_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "quiver/compute.h"

/* Whether `agg` over `values` (the keys for count_all) folds. */
bool qv__group_foldable(const qv_group_aggregate *agg, const qv_array *values);

/* Folds rows [begin, end) of `values`, row begin + i in group group_of[i],
 * into acc and count (room for every group those ids name). */
void qv__group_fold(const qv_group_aggregate *agg, const qv_array *values, const int32_t *group_of, int64_t begin,
                    int64_t end, void *acc, int64_t *count);

/* Folds the n1 groups of state 1 into state 0, group j of 1 being group
 * map[j] of 0. */
void qv__group_merge(const qv_group_aggregate *agg, const qv_array *values, void *acc0, int64_t *count0,
                     const void *acc1, const int64_t *count1, const int32_t *map, int64_t n1);

/* The result column of n_groups groups from a state (read, not taken). */
qv_status qv__group_finish(const qv_group_aggregate *agg, const qv_array *values, const void *acc,
                           const int64_t *count, int64_t n_groups, qv_array **out, qv_error *err);

/* Group-by when every aggregate folds (qv_compute_group_by's arguments,
 * already checked): rows in blocks, on two threads for large inputs. The
 * groups are those of `keys`; their key values are gathered from out_keys
 * (the same rows: the caller's columns before dictionary decoding). */
qv_status qv__group_by_folded(qv_array *const *keys, qv_array *const *out_keys, int32_t n_keys,
                              const qv_group_aggregate *aggs, int32_t n_aggs, qv_array **out, qv_error *err);

#endif
