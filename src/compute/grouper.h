/* Internal to src/compute: the hash table behind group-by, unique,
 * value_counts, count_distinct, is_in and index_in.
 *
 * A grouper numbers the distinct rows (tuples of key values) of one or more
 * key columns of equal length in order of first appearance: group g's first
 * row is first_row[g]. Null is a key value like any other (all nulls of a
 * column are one key), as pyarrow groups them.
 *
 * The table is open addressing with linear probing over a power-of-two
 * number of 16-byte slots (a 64-bit tag and a group id), kept at most half
 * full. A single key column of integers or other fixed-width values of up
 * to 8 bytes (not floats) is stored by value: the tag is the key itself and
 * a null key has its own group outside the table, so a probe is one
 * multiply, one load and one compare; while such keys span at most 65,536
 * values they are found without the table, by indexing an array of group
 * ids (direct mode; every group still enters the table, so a key far
 * outside the range just ends direct mode). Every other key set stores the
 * hash as the tag and compares a candidate's rows column by column on a tag
 * match. A grouper is used by one thread at a time; group-by's two halves
 * each have their own.
 */
#ifndef QUIVER_SRC_COMPUTE_GROUPER_H
#define QUIVER_SRC_COMPUTE_GROUPER_H

#include <stdbool.h>
#include <stdint.h>

#include "compute/hash_keys.h"

typedef struct qv__grouper qv__grouper;

/* A grouper over `keys` (n_keys >= 1, equal lengths; borrowed, they must
 * outlive it). `fn` names the calling function in errors. */
qv_status qv__grouper_new(const qv_array *const *keys, int32_t n_keys, const char *fn, qv__grouper **out,
                          qv_error *err);
void qv__grouper_free(qv__grouper *g); /* accepts NULL */

/* Numbers every row of the keys: group_of[r] (may be NULL when only the
 * groups are wanted) receives the group of row r. A slot whose offsets or
 * view are out of range is QV_ERR_INVALID_DATA naming the row; more than
 * INT32_MAX groups is QV_ERR_OVERFLOW. */
qv_status qv__grouper_assign(qv__grouper *g, int32_t *group_of, qv_error *err);

/* Numbers rows [begin, end) only (0 <= begin <= end <= length), as
 * qv__grouper_assign does: group_of[r - begin] receives the group of row
 * r. Calls over successive ranges number the groups in order of first
 * appearance over all the rows seen; a range may also be a single row of
 * any position, which finds or adds that row's key. */
qv_status qv__grouper_assign_range(qv__grouper *g, int64_t begin, int64_t end, int32_t *group_of, qv_error *err);

/* Finds or adds the keys of rows[0, n) (each in [0, length)), in that
 * order, as n one-row ranges would: group_of[j] receives the group of row
 * rows[j]. Faster than those calls on a large table. */
qv_status qv__grouper_assign_rows(qv__grouper *g, const int64_t *rows, int64_t n, int32_t *group_of, qv_error *err);

/* Groups found so far, and the first row of each. */
int64_t qv__grouper_n_groups(const qv__grouper *g);
const int64_t *qv__grouper_first_rows(const qv__grouper *g);

/* Looks up row `row` of `probe` (columns compatible with the grouper's, as
 * many): *group is its group or -1. -1 from the status-free return means
 * the probe slot's offsets are out of range. */
int qv__grouper_find(const qv__grouper *g, const qv__key_column *probe, int64_t row, int64_t *group);

/* The grouper's key columns (n_keys of them). */
const qv__key_column *qv__grouper_columns(const qv__grouper *g);

#endif
