/* quiver: compute kernels over arrays and chunked arrays.
 *
 * What exists today: scalar aggregations (sum, min, max, min_max, mean,
 * count, any, all) over one array or a chunked array, sliced or not; and
 * selection (take, filter) on arrays of every type and on tables; and
 * sort_indices of one array; element-wise comparisons and arithmetic
 * (add, subtract, multiply, wrapping or checked) on numeric arrays.
 *
 * ---- Aggregations ----
 *
 * Accepted inputs: int8..int64, uint8..uint64, float32, float64 and bool
 * (bool for sum, min, max, min_max, any, all, count); the null type (every
 * aggregation but count answers null); count takes any type. Anything else
 * is QV_ERR_TYPE naming the type.
 *
 * Semantics follow pyarrow.compute with its defaults (skip_nulls=True,
 * min_count=1): nulls are skipped, and an input with no valid value (empty
 * or all-null) gives a null scalar (kind QV_SCALAR_NULL, `type` set to the
 * result type).
 *   - sum: signed integers as int64, unsigned as uint64, floats as float64,
 *     bools as uint64 (the number of true values). An integer sum that does
 *     not fit its result type is QV_ERR_OVERFLOW naming the row where the
 *     running sum first left the range (the exact sum is computed, so an
 *     intermediate excursion that comes back is not an error).
 *   - mean: float64; integers are summed exactly before dividing.
 *   - min / max: the input's type. NaN is skipped; an input whose only valid
 *     values are NaN gives NaN. -0.0 and 0.0 compare equal: whichever comes
 *     first is kept.
 *   - any / all: over the valid values of a bool input.
 *   - count: valid values, null values or all values (never null).
 *
 * Result scalars: `kind` says which member holds the value; `type` is
 * borrowed, either a singleton (int64, uint64, float64, bool) or, for
 * min/max, the input's type, so the input must outlive the scalar's use.
 *
 * Safety: these kernels read only the validity bitmap and the values buffer
 * of the window [offset, offset + length), which structural validation
 * guarantees present and large enough; they are memory-safe on any array
 * that passed it. A dictionary, run-end encoded or nested input is rejected
 * with QV_ERR_TYPE, never followed.
 *
 * Example:
 *   qv_scalar total;
 *   if (qv_compute_sum(prices, &total, &err) == QV_OK && total.kind == QV_SCALAR_FLOAT)
 *     printf("%g\n", total.value.f);
 */
#ifndef QUIVER_COMPUTE_H
#define QUIVER_COMPUTE_H

#include <stdbool.h>
#include <stdint.h>

#include "quiver/array.h"
#include "quiver/batch.h"
#include "quiver/chunked.h"
#include "quiver/scalar.h"
#include "quiver/status.h"
#include "quiver/table.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Which slots qv_compute_count counts. */
typedef enum qv_count_mode {
  QV_COUNT_VALID = 0, /* non-null slots (pyarrow's mode="only_valid", the default) */
  QV_COUNT_NULL,      /* null slots ("only_null") */
  QV_COUNT_ALL        /* every slot ("all") */
} qv_count_mode;

/* ---- one array ---- */
QV_API qv_status qv_compute_sum(const qv_array *array, qv_scalar *out, qv_error *err);
QV_API qv_status qv_compute_mean(const qv_array *array, qv_scalar *out, qv_error *err);
QV_API qv_status qv_compute_min(const qv_array *array, qv_scalar *out, qv_error *err);
QV_API qv_status qv_compute_max(const qv_array *array, qv_scalar *out, qv_error *err);
QV_API qv_status qv_compute_min_max(const qv_array *array, qv_scalar *min, qv_scalar *max, qv_error *err);
QV_API qv_status qv_compute_any(const qv_array *array, qv_scalar *out, qv_error *err);
QV_API qv_status qv_compute_all(const qv_array *array, qv_scalar *out, qv_error *err);
QV_API qv_status qv_compute_count(const qv_array *array, qv_count_mode mode, int64_t *out, qv_error *err);

/* ---- chunked arrays: the same, over every chunk as one column ---- */
QV_API qv_status qv_compute_sum_chunked(const qv_chunked_array *column, qv_scalar *out, qv_error *err);
QV_API qv_status qv_compute_mean_chunked(const qv_chunked_array *column, qv_scalar *out, qv_error *err);
QV_API qv_status qv_compute_min_chunked(const qv_chunked_array *column, qv_scalar *out, qv_error *err);
QV_API qv_status qv_compute_max_chunked(const qv_chunked_array *column, qv_scalar *out, qv_error *err);
QV_API qv_status qv_compute_min_max_chunked(const qv_chunked_array *column, qv_scalar *min, qv_scalar *max,
                                            qv_error *err);
QV_API qv_status qv_compute_any_chunked(const qv_chunked_array *column, qv_scalar *out, qv_error *err);
QV_API qv_status qv_compute_all_chunked(const qv_chunked_array *column, qv_scalar *out, qv_error *err);
QV_API qv_status qv_compute_count_chunked(const qv_chunked_array *column, qv_count_mode mode, int64_t *out,
                                          qv_error *err);

/* ---- Selection ----
 *
 * take: slot k of the result is row indices[k] of `values`; a null index
 * gives a null slot. Indices are int32 or int64 (QV_ERR_TYPE otherwise); an
 * index outside [0, values->length) is QV_ERR_OUT_OF_RANGE naming the row
 * of the indices that holds it.
 *
 * filter: the rows of `values` where `mask` (bool, same length, else
 * QV_ERR_INVALID_ARGUMENT) is true; a null in the mask drops the row
 * (QV_FILTER_DROP, pyarrow's default) or gives a null slot
 * (QV_FILTER_EMIT_NULL).
 *
 * Every type is accepted, nested, views, unions, dictionaries and run-end
 * encoded included. Fixed-width layouts (numbers, temporal, decimals,
 * fixed_size_binary, bool, dictionary indices) are gathered slot by slot
 * into new buffers; a dictionary result shares the input's dictionary.
 * Other layouts are assembled from zero-copy slices of the runs of
 * consecutive rows, concatenated (see concat.h): offsets, views and run ends
 * are checked as they are followed, so a hostile input that passed
 * structural validation gives QV_ERR_INVALID_DATA, never a bad read.
 * Caller owns *out. */
typedef enum qv_filter_null_selection {
  QV_FILTER_DROP = 0,  /* a null mask slot drops the row */
  QV_FILTER_EMIT_NULL  /* a null mask slot gives a null row */
} qv_filter_null_selection;

QV_API qv_status qv_compute_take(qv_array *values, const qv_array *indices, qv_array **out, qv_error *err);
QV_API qv_status qv_compute_filter(qv_array *values, const qv_array *mask, qv_filter_null_selection nulls,
                                   qv_array **out, qv_error *err);

/* Tables: the same, applied to every column (its chunks combined first);
 * the result has the table's schema and one batch. A column's failure is
 * prefixed with its index and name. Caller owns *out. */
QV_API qv_status qv_compute_take_table(const qv_table *table, const qv_array *indices, qv_table **out,
                                       qv_error *err);
QV_API qv_status qv_compute_filter_table(const qv_table *table, const qv_array *mask,
                                         qv_filter_null_selection nulls, qv_table **out, qv_error *err);

/* ---- Sorting ----
 *
 * sort_indices: the uint64 row numbers that put `values` in order, stable
 * (equal values keep their input order, in both directions), as
 * pyarrow.compute.sort_indices. Keys: integers, float32/64, string, binary
 * (and their large and view forms); others are QV_ERR_TYPE. NaNs are placed
 * next to the nulls: [values][NaNs][nulls] with QV_NULLS_AT_END,
 * [nulls][NaNs][values] with QV_NULLS_AT_START. A string slot whose
 * offsets or view point outside the data is QV_ERR_INVALID_DATA naming the
 * row. Caller owns *out. */
typedef enum qv_sort_order { QV_SORT_ASCENDING = 0, QV_SORT_DESCENDING } qv_sort_order;
typedef enum qv_null_placement { QV_NULLS_AT_END = 0, QV_NULLS_AT_START } qv_null_placement;

QV_API qv_status qv_compute_sort_indices(const qv_array *values, qv_sort_order order, qv_null_placement nulls,
                                         qv_array **out, qv_error *err);

/* ---- Element-wise ----
 *
 * Comparisons give a bool array; arithmetic gives the input's type. Both
 * sides are numeric arrays of the same type (integers, float32, float64;
 * a mix is QV_ERR_TYPE: cast first), or an array and a scalar broadcast to
 * every row (a number that must fit the array's type: QV_ERR_OUT_OF_RANGE
 * otherwise; an integer scalar with a float array is converted). Nulls
 * propagate: a slot is null when either side is; a null scalar gives an
 * all-null result. Arrays of different lengths are QV_ERR_INVALID_ARGUMENT.
 *
 * Integer arithmetic wraps (two's complement) like pyarrow's add, subtract
 * and multiply; with `checked` true (pyarrow's *_checked) a valid slot whose
 * result overflows is QV_ERR_OVERFLOW naming the row. Floats follow IEEE 754
 * either way. Caller owns *out. */
typedef enum qv_compare_op {
  QV_CMP_EQUAL = 0,
  QV_CMP_NOT_EQUAL,
  QV_CMP_LESS,
  QV_CMP_LESS_EQUAL,
  QV_CMP_GREATER,
  QV_CMP_GREATER_EQUAL
} qv_compare_op;
typedef enum qv_arith_op {
  QV_ARITH_ADD = 0,
  QV_ARITH_SUBTRACT,
  QV_ARITH_MULTIPLY,
  QV_ARITH_DIVIDE, /* see "divide and power" below */
  QV_ARITH_POWER
} qv_arith_op;

QV_API qv_status qv_compute_compare(qv_compare_op op, const qv_array *left, const qv_array *right, qv_array **out,
                                    qv_error *err);
QV_API qv_status qv_compute_compare_scalar(qv_compare_op op, const qv_array *left, const qv_scalar *right,
                                           qv_array **out, qv_error *err);
QV_API qv_status qv_compute_arithmetic(qv_arith_op op, bool checked, const qv_array *left, const qv_array *right,
                                       qv_array **out, qv_error *err);
QV_API qv_status qv_compute_arithmetic_scalar(qv_arith_op op, bool checked, const qv_array *left,
                                              const qv_scalar *right, qv_array **out, qv_error *err);

/* ==== Relational kernels: hashing, grouping, multi-key sorting, more
 * aggregates (src/compute/grouper.c, hash_kernels.c, group_by.c,
 * group_by_table.c, sort_keys.c, aggregate_moments.c) ====
 *
 * Hashable types (keys of unique, value_counts, count_distinct, is_in,
 * index_in and group-by): integers, float32/64, bool, temporal, decimals,
 * intervals, fixed_size_binary, string/binary in every layout, and null.
 * Others are QV_ERR_TYPE. Floats compare by bits (0.0 and -0.0 are two
 * values, as pyarrow) except that every NaN is one value. A null is a value
 * like any other: unique lists it once, group-by gives it its own group.
 * Order of results: first appearance in the input (pyarrow's order). A
 * string slot whose offsets or view point outside its data is
 * QV_ERR_INVALID_DATA naming the row. Caller owns every *out array. */

/* The distinct values, in order of first appearance. */
QV_API qv_status qv_compute_unique(qv_array *values, qv_array **out, qv_error *err);
/* struct<values: T, counts: int64>, one row per distinct value. */
QV_API qv_status qv_compute_value_counts(qv_array *values, qv_array **out, qv_error *err);
/* Distinct valid values (QV_COUNT_VALID), whether there is a null
 * (QV_COUNT_NULL: 0 or 1), or both (QV_COUNT_ALL). */
QV_API qv_status qv_compute_count_distinct(const qv_array *values, qv_count_mode mode, int64_t *out, qv_error *err);
/* is_in: bool, never null: whether each value occurs in value_set (same
 * type, else QV_ERR_TYPE); a null matches a null of the set unless
 * skip_nulls. index_in: int32, the first row of value_set holding the value,
 * null when absent. */
QV_API qv_status qv_compute_is_in(const qv_array *values, const qv_array *value_set, bool skip_nulls, qv_array **out,
                                  qv_error *err);
QV_API qv_status qv_compute_index_in(const qv_array *values, const qv_array *value_set, bool skip_nulls,
                                     qv_array **out, qv_error *err);

/* ---- Group-by ----
 * Aggregates (pyarrow's hash_* names):
 *   sum   integers -> int64 (wrapping) / uint64, floats -> float64, bool -> uint64
 *   min, max   integers, floats (NaN skipped unless only NaN), temporal; the input type
 *   mean  float64;  count  int64 by `mode`;  count_all  rows per group (no values)
 *   count_distinct  int64 by `mode`;  first, last  first/last valid value, any type
 *   list  list<T> of every value of the group (nulls kept), any type
 *   distinct  list<T> of the distinct values by `mode`
 * sum/min/max/mean/first/last give null for a group without a valid value. */
typedef enum qv_group_op {
  QV_GROUP_SUM = 0,
  QV_GROUP_MIN,
  QV_GROUP_MAX,
  QV_GROUP_MEAN,
  QV_GROUP_COUNT,
  QV_GROUP_COUNT_ALL,
  QV_GROUP_COUNT_DISTINCT,
  QV_GROUP_FIRST,
  QV_GROUP_LAST,
  QV_GROUP_LIST,
  QV_GROUP_DISTINCT
} qv_group_op;

/* pyarrow's name of an aggregate ("sum", "count_distinct", ...). */
QV_API const char *qv_group_op_name(qv_group_op op);

typedef struct qv_group_aggregate {
  qv_array *values;    /* borrowed; same length as the keys; NULL for count_all */
  qv_group_op op;
  qv_count_mode mode;  /* count, count_distinct, distinct */
} qv_group_aggregate;

/* Groups the rows by the key columns (n_keys >= 1, equal lengths) and fills
 * out[0 .. n_keys + n_aggs): one row per group, the key columns first (each
 * group's key values), then one column per aggregate. Caller owns each. */
QV_API qv_status qv_compute_group_by(qv_array *const *keys, int32_t n_keys, const qv_group_aggregate *aggs,
                                     int32_t n_aggs, qv_array **out, qv_error *err);

typedef struct qv_table_aggregate {
  const char *column;  /* NULL for count_all */
  qv_group_op op;
  qv_count_mode mode;
} qv_table_aggregate;

/* The same over named columns of a table: a table of the key columns
 * (their names) then the aggregates, named "<column>_<op>" ("count_all"),
 * as pyarrow's TableGroupBy.aggregate. Unknown names are QV_ERR_NOT_FOUND. */
QV_API qv_status qv_compute_group_by_table(const qv_table *table, const char *const *keys, int32_t n_keys,
                                           const qv_table_aggregate *aggs, int32_t n_aggs, qv_table **out,
                                           qv_error *err);

/* ---- Sorting by several keys ----
 * Each key orders ascending or descending with its nulls at the start or
 * end; NaNs sit between the values and the nulls. Keys: numbers, bool,
 * temporal, decimals, strings and binaries of every layout, null. The
 * order is stable. Results are uint64 row numbers. */
typedef struct qv_sort_key {
  const qv_array *values; /* borrowed; all keys of equal length */
  qv_sort_order order;
  qv_null_placement nulls;
} qv_sort_key;

QV_API qv_status qv_compute_sort_indices_multi(const qv_sort_key *keys, int32_t n_keys, qv_array **out,
                                               qv_error *err);
/* The first k rows of that order (all rows when k < 0 or k >= length). */
QV_API qv_status qv_compute_select_k(const qv_sort_key *keys, int32_t n_keys, int64_t k, qv_array **out,
                                     qv_error *err);

typedef struct qv_table_sort_key {
  const char *column;
  qv_sort_order order;
  qv_null_placement nulls;
} qv_table_sort_key;

QV_API qv_status qv_compute_sort_indices_table(const qv_table *table, const qv_table_sort_key *keys, int32_t n_keys,
                                               qv_array **out, qv_error *err);
/* The table's rows in that order (one batch). */
QV_API qv_status qv_compute_sort_table(const qv_table *table, const qv_table_sort_key *keys, int32_t n_keys,
                                       qv_table **out, qv_error *err);

/* rank: uint64 ranks from 1, pyarrow's tiebreakers: the lowest (min) or
 * highest (max) rank of the tied run, input order (first), or consecutive
 * ranks counting each distinct value once (dense). */
typedef enum qv_rank_tiebreaker { QV_RANK_MIN = 0, QV_RANK_MAX, QV_RANK_FIRST, QV_RANK_DENSE } qv_rank_tiebreaker;
QV_API qv_status qv_compute_rank(const qv_array *values, qv_sort_order order, qv_null_placement nulls,
                                 qv_rank_tiebreaker tiebreaker, qv_array **out, qv_error *err);

/* ---- More scalar aggregations ----
 * min, max, min_max (above) also take temporal types (ordered as their
 * integers; the scalar keeps the temporal type), decimals (signed) and
 * strings/binaries/fixed_size_binary (bytewise, then length); those read
 * every valid slot through the checked scalar accessor and borrow the
 * result's bytes from the input.
 * product: integers -> int64/uint64 (wrapping), floats -> float64.
 * variance, stddev: float64 with `ddof` (>= 0); null when valid <= ddof.
 * first, last: the first/last valid value of any type (borrowed from the
 * array, which must outlive the scalar's use); null scalar when none. */
QV_API qv_status qv_compute_product(const qv_array *array, qv_scalar *out, qv_error *err);
QV_API qv_status qv_compute_variance(const qv_array *array, int32_t ddof, qv_scalar *out, qv_error *err);
QV_API qv_status qv_compute_stddev(const qv_array *array, int32_t ddof, qv_scalar *out, qv_error *err);
QV_API qv_status qv_compute_first(const qv_array *array, qv_scalar *out, qv_error *err);
QV_API qv_status qv_compute_last(const qv_array *array, qv_scalar *out, qv_error *err);

/* index (pyarrow's pc.index): *out is the row of the first valid slot of
 * `values` equal to `value` (as qv_compute_compare's equal decides; float16
 * compared as float), -1 when none is (always for a null value or NaN).
 * Types: those the comparisons take, and float16. min/max/min_max also take
 * float16 (the scalar's value.f holds it exactly). */
QV_API qv_status qv_compute_index(const qv_array *values, const qv_scalar *value, int64_t *out, qv_error *err);

/* ==================================================================
 * Element-wise family: casts, boolean and null functions, strings,
 * temporal fields. (Declared here; implemented in src/compute/cast*.c,
 * boolean.c, choose.c, strings*.c, temporal*.c.)
 * ================================================================== */

/* ---- Cast ----
 *
 * The values of `array` as type `to` (retained by the result). Supported:
 *   - every numeric type (int8..uint64, float32, float64) to every other,
 *     and to and from bool;
 *   - binary, string, their large and view forms and fixed_size_binary
 *     among themselves (to fixed_size_binary[w] every valid value must be w
 *     bytes); to a string type from a binary one each value is checked to
 *     be UTF-8;
 *   - string forms to numbers, bool, date32/date64 and timestamps (parsing),
 *     and numbers, bool and temporal types to string forms (formatting), with
 *     pyarrow's text rules (see docs/compute.md);
 *   - temporal types among themselves (units, time zones, date <-> timestamp,
 *     timestamp -> time of day) and to / from their storage integer;
 *   - decimals (32..256 bits) among themselves (rescale, precision, width)
 *     and to / from integers, float32/64 and string forms; float16 to / from
 *     the other numbers and string forms (docs/compute.md has the rules);
 *   - nested: list, large_list, list_view, large_list_view and
 *     fixed_size_list among themselves with an element cast (a
 *     fixed_size_list target needs every valid list to have its size),
 *     struct to struct by field name (missing nullable fields become null),
 *     map to map or list<struct> with the entries cast by position;
 *   - to dictionary<I, V> from any hashable type (encoded in order of first
 *     appearance, nulls as null indices) or from another dictionary;
 *   - a dictionary or run-end encoded input is decoded first (an index or
 *     run end that points nowhere is QV_ERR_INVALID_DATA or
 *     QV_ERR_OUT_OF_RANGE naming the row); the null type casts to anything.
 * A cast to the array's own type returns the array itself (retained).
 *
 * safe (pyarrow's default): a value that does not survive is
 * QV_ERR_INVALID_DATA naming the row and the value: an integer out of the
 * target's range, a float that is NaN, infinite, out of range or not whole
 * going to an integer, an integer beyond the exact range of the target float
 * (2^24 / 2^53), a timestamp that loses precision or leaves int64, invalid
 * UTF-8. !safe: integers wrap, floats saturate (NaN to 0), units truncate
 * toward zero, bytes are copied as they are. A string that does not parse is
 * an error either way. Unsupported pairs are QV_ERR_NOT_IMPLEMENTED.
 * Caller owns *out. */
QV_API qv_status qv_compute_cast(const qv_array *array, qv_type *to, bool safe, qv_array **out, qv_error *err);

/* ---- divide and power (QV_ARITH_DIVIDE / QV_ARITH_POWER through
 * qv_compute_arithmetic*), negate, abs ----
 *
 * As pyarrow: integer divide truncates toward zero; a zero divisor in a
 * valid row is QV_ERR_INVALID_DATA ("divide by zero") with or without
 * `checked`; MIN / -1 is 0 plain and an error checked. Float divide is IEEE
 * plain and fails on a zero divisor checked. Integer power fails on a
 * negative exponent, wraps plain and fails on overflow checked; float power
 * is pow(). negate and abs wrap (MIN stays MIN) and fail on that row
 * (QV_ERR_OVERFLOW) when checked; negate checked of an unsigned type is
 * QV_ERR_NOT_IMPLEMENTED. Caller owns *out. */
QV_API qv_status qv_compute_negate(const qv_array *array, bool checked, qv_array **out, qv_error *err);
QV_API qv_status qv_compute_abs(const qv_array *array, bool checked, qv_array **out, qv_error *err);

/* Comparisons (qv_compute_compare*) also accept temporal types (the same
 * unit; timestamps both zoned or both naive), strings and binaries of any
 * layout (bytewise), decimals of one precision and scale, and bools. */

/* ---- Boolean logic and null predicates ----
 *
 * Both sides bool (or the null type), of one length. The plain forms
 * (and, or, xor, and_not) give null where either side is null; the Kleene
 * forms give the answer whenever the known side decides it (false and null
 * = false; true or null = true), as pyarrow's and_kleene / or_kleene /
 * and_not_kleene. invert is pyarrow's invert (logical not). is_null /
 * is_valid never give null (unions and run-end encoded arrays answer from
 * their children); nan_is_null counts NaN as null. is_nan is null where the
 * input is null, false for integers. Caller owns *out. */
typedef enum qv_bool_op {
  QV_BOOL_AND = 0,
  QV_BOOL_OR,
  QV_BOOL_XOR,
  QV_BOOL_AND_NOT,
  QV_BOOL_AND_KLEENE,
  QV_BOOL_OR_KLEENE,
  QV_BOOL_AND_NOT_KLEENE
} qv_bool_op;

QV_API qv_status qv_compute_boolean(qv_bool_op op, const qv_array *left, const qv_array *right, qv_array **out,
                                    qv_error *err);
QV_API qv_status qv_compute_invert(const qv_array *array, qv_array **out, qv_error *err);
QV_API qv_status qv_compute_is_null(const qv_array *array, bool nan_is_null, qv_array **out, qv_error *err);
QV_API qv_status qv_compute_is_valid(const qv_array *array, qv_array **out, qv_error *err);
QV_API qv_status qv_compute_is_nan(const qv_array *array, qv_array **out, qv_error *err);

/* ---- Choosing values: if_else, coalesce, fill_null ----
 *
 * Any type (nested, views, dictionaries included); the value arguments must
 * share one type (QV_ERR_TYPE: cast first). An argument of length 1
 * broadcasts to every row (that is how a scalar is passed); the others must
 * share one length. if_else: row i is left[i] where cond[i] is true,
 * right[i] where false, null where cond is null. coalesce: the first valid
 * value among the arguments, null when none is. fill_null(values, fill) is
 * coalesce(values, fill). Caller owns *out. */
QV_API qv_status qv_compute_if_else(const qv_array *cond, const qv_array *left, const qv_array *right, qv_array **out,
                                    qv_error *err);
QV_API qv_status qv_compute_coalesce(const qv_array *const *values, int64_t n_values, qv_array **out, qv_error *err);
QV_API qv_status qv_compute_fill_null(const qv_array *values, const qv_array *fill, qv_array **out, qv_error *err);

/* ---- Strings ----
 *
 * Inputs: string, large_string, string_view (and the binary forms, byte
 * for byte). Nulls stay null; string offsets are checked once for the
 * window and views slot by slot (QV_ERR_INVALID_DATA naming the row).
 * String results have the input's type, except that views give string /
 * binary. Lengths and indices are int32, int64 for the large types.
 *   - utf8_length: code points; binary_length: bytes.
 *   - case: ascii_* changes ASCII letters only; utf8_* maps every code
 *     point by Unicode's simple (one-to-one) case mapping (utf8proc), as
 *     pyarrow. capitalize: the first code point upper, the rest lower;
 *     title: the first cased code point of each word upper (a word ends at
 *     an uncased character), the rest lower; swapcase: lower <-> upper.
 *   - predicates (bool): utf8_is_* / ascii_is_* as Python's str.is*
 *     methods, with Arrow's character classes (digit is Nd or No, numeric
 *     Nd, Nl or No); empty values are false except for
 *     printable; string_is_ascii: every byte below 0x80.
 *   - match: starts_with, ends_with, match_substring on plain bytes
 *     (ignore_case folds ASCII); match_like is SQL LIKE ('%', '_' = one code
 *     point, '\' escapes). find_substring: byte index of the first match,
 *     -1 if none.
 *   - replace_substring: up to max_replacements (< 0: all) occurrences;
 *     on string values the pattern and the replacement must be UTF-8
 *     (QV_ERR_INVALID_ARGUMENT), on binary values any bytes.
 *   - split_pattern: list<string> of the pieces between occurrences, at most
 *     max_splits splits (< 0: all); the pattern must not be empty.
 *   - utf8_trim: code points in `chars` (NULL: Unicode white space) from
 *     both ends or one.
 *   - utf8_slice_codeunits: code points [start, stop) by step, with Python
 *     slice semantics (negative positions count from the end; step != 0).
 * Caller owns *out. */
typedef enum qv_case_op {
  QV_CASE_UTF8_UPPER = 0,
  QV_CASE_UTF8_LOWER,
  QV_CASE_ASCII_UPPER,
  QV_CASE_ASCII_LOWER,
  QV_CASE_UTF8_CAPITALIZE,
  QV_CASE_UTF8_TITLE,
  QV_CASE_UTF8_SWAPCASE,
  QV_CASE_ASCII_CAPITALIZE,
  QV_CASE_ASCII_TITLE,
  QV_CASE_ASCII_SWAPCASE
} qv_case_op;
typedef enum qv_string_predicate {
  QV_IS_UTF8_ALNUM = 0,
  QV_IS_UTF8_ALPHA,
  QV_IS_UTF8_DECIMAL,
  QV_IS_UTF8_DIGIT,
  QV_IS_UTF8_LOWER,
  QV_IS_UTF8_NUMERIC,
  QV_IS_UTF8_PRINTABLE,
  QV_IS_UTF8_SPACE,
  QV_IS_UTF8_TITLE,
  QV_IS_UTF8_UPPER,
  QV_IS_ASCII_ALNUM,
  QV_IS_ASCII_ALPHA,
  QV_IS_ASCII_DECIMAL,
  QV_IS_ASCII_LOWER,
  QV_IS_ASCII_PRINTABLE,
  QV_IS_ASCII_SPACE,
  QV_IS_ASCII_TITLE,
  QV_IS_ASCII_UPPER,
  QV_IS_STRING_ASCII
} qv_string_predicate;
typedef enum qv_match_op { QV_MATCH_STARTS_WITH = 0, QV_MATCH_ENDS_WITH, QV_MATCH_SUBSTRING, QV_MATCH_LIKE } qv_match_op;
typedef enum qv_trim_side { QV_TRIM_BOTH = 0, QV_TRIM_LEFT, QV_TRIM_RIGHT } qv_trim_side;

QV_API qv_status qv_compute_utf8_length(const qv_array *array, qv_array **out, qv_error *err);
QV_API qv_status qv_compute_binary_length(const qv_array *array, qv_array **out, qv_error *err);
QV_API qv_status qv_compute_case(qv_case_op op, const qv_array *array, qv_array **out, qv_error *err);
QV_API qv_status qv_compute_string_predicate(qv_string_predicate predicate, const qv_array *array, qv_array **out,
                                             qv_error *err);
QV_API qv_status qv_compute_match(qv_match_op op, const qv_array *array, const uint8_t *pattern, int64_t n_pattern,
                                  bool ignore_case, qv_array **out, qv_error *err);
QV_API qv_status qv_compute_find_substring(const qv_array *array, const uint8_t *pattern, int64_t n_pattern,
                                           bool ignore_case, qv_array **out, qv_error *err);
QV_API qv_status qv_compute_replace_substring(const qv_array *array, const uint8_t *pattern, int64_t n_pattern,
                                              const uint8_t *replacement, int64_t n_replacement,
                                              int64_t max_replacements, qv_array **out, qv_error *err);
QV_API qv_status qv_compute_split_pattern(const qv_array *array, const uint8_t *pattern, int64_t n_pattern,
                                          int64_t max_splits, qv_array **out, qv_error *err);
QV_API qv_status qv_compute_utf8_trim(const qv_array *array, qv_trim_side side, const uint8_t *chars, int64_t n_chars,
                                      qv_array **out, qv_error *err);
QV_API qv_status qv_compute_utf8_slice_codeunits(const qv_array *array, int64_t start, int64_t stop, int64_t step,
                                                 qv_array **out, qv_error *err);

/* ---- Regular expressions ----
 *
 * The pattern syntax is PCRE2's (src/compute/strings_regex.c says why not
 * RE2), which accepts every RE2 pattern pyarrow accepts with the same
 * meaning ('$' only at the end, \d \w \s ASCII, '.' never a newline) and
 * more (back-references, look-around). String inputs match by code point,
 * binary inputs by byte. A pattern that does not compile is
 * QV_ERR_INVALID_ARGUMENT naming it; a match that backtracks past the work
 * limit (a hostile pattern) is QV_ERR_LIMIT naming the row.
 *   - match_regex: bool, does the value contain a match.
 *   - count_regex: the matches in the value (int32, int64 for the large
 *     types), each search starting after the last match (one byte on after
 *     an empty one), as pyarrow.
 *   - replace_regex: up to max_replacements (< 0: all) matches replaced by
 *     `replacement`, where \0..\9 insert a group and \\ a backslash (RE2's
 *     syntax; other escapes, or a group the pattern lacks, are
 *     QV_ERR_INVALID_ARGUMENT).
 *     On string values the replacement must be UTF-8.
 *   - extract_regex: a struct with one field per group, each named (an
 *     unnamed group is QV_ERR_INVALID_ARGUMENT), holding the group's text
 *     ("" when it took no part); null where the value does not match.
 *   - split_regex: list<string> of the pieces between matches, at most
 *     max_splits splits (< 0: all); an empty match does not split.
 * Caller owns *out. */
QV_API qv_status qv_compute_match_regex(const qv_array *array, const uint8_t *pattern, int64_t n_pattern,
                                        bool ignore_case, qv_array **out, qv_error *err);
QV_API qv_status qv_compute_count_regex(const qv_array *array, const uint8_t *pattern, int64_t n_pattern,
                                        bool ignore_case, qv_array **out, qv_error *err);
QV_API qv_status qv_compute_replace_regex(const qv_array *array, const uint8_t *pattern, int64_t n_pattern,
                                          const uint8_t *replacement, int64_t n_replacement,
                                          int64_t max_replacements, qv_array **out, qv_error *err);
QV_API qv_status qv_compute_extract_regex(const qv_array *array, const uint8_t *pattern, int64_t n_pattern,
                                          qv_array **out, qv_error *err);
QV_API qv_status qv_compute_split_regex(const qv_array *array, const uint8_t *pattern, int64_t n_pattern,
                                        int64_t max_splits, qv_array **out, qv_error *err);

/* ---- Temporal fields ----
 *
 * One int64 field per row, null where the input is null, as pyarrow:
 * timestamps give every field (the local wall-clock time of a zoned type:
 * its IANA zone is read from the system tz database, $TZDIR or
 * /usr/share/zoneinfo, by quiver's own TZif reader, never through the
 * process-global TZ; an unknown zone is QV_ERR_INVALID_ARGUMENT); dates give
 * the date fields and times the time fields (the other combinations are
 * QV_ERR_NOT_IMPLEMENTED). day_of_week: Monday = 0; day_of_year: 1-based;
 * millisecond / microsecond / nanosecond: 0..999 below the coarser unit.
 * Caller owns *out. */
typedef enum qv_temporal_field {
  QV_FIELD_YEAR = 0,
  QV_FIELD_QUARTER,
  QV_FIELD_MONTH,
  QV_FIELD_DAY,
  QV_FIELD_DAY_OF_WEEK,
  QV_FIELD_DAY_OF_YEAR,
  QV_FIELD_HOUR,
  QV_FIELD_MINUTE,
  QV_FIELD_SECOND,
  QV_FIELD_MILLISECOND,
  QV_FIELD_MICROSECOND,
  QV_FIELD_NANOSECOND
} qv_temporal_field;

QV_API qv_status qv_compute_temporal_field(qv_temporal_field field, const qv_array *array, qv_array **out,
                                           qv_error *err);

#ifdef __cplusplus
}
#endif
#endif
