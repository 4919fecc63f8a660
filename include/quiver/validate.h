/* quiver: array, batch and table validation.
 *
 * Two levels, as in arrow-rs (`validate` / `validate_full`) and Arrow C++
 * (`Validate` / `ValidateFull`):
 *
 *   QV_VALIDATE_STRUCTURE  O(number of buffers and children): everything
 *     needed to read any slot's *bytes* without going out of bounds, except
 *     what needs a look at every value. Buffer and child counts per layout;
 *     buffer sizes against (offset + length) x width with checked
 *     arithmetic; offsets buffers holding offset + length + 1 entries; the
 *     first and last offset within the data or child (O(1)); child lengths
 *     (struct and sparse-union children >= offset + length, fixed-size-list
 *     child >= (offset + length) x list_size, run-end-encoded run_ends no
 *     longer than values and covering offset + length); child types equal
 *     the declared field types; null_count in [0, length] or unknown (-1),
 *     > 0 only with a validity bitmap, == length for the null type and 0 for
 *     unions and run-end encoded; dictionary present with the declared value
 *     type. Nesting deeper than QV_VALIDATE_MAX_DEPTH fails with QV_ERR_LIMIT.
 *
 *   QV_VALIDATE_FULL  O(number of values): the structural checks plus
 *     offsets monotonic and within the data/child for every slot; UTF-8 of
 *     every valid utf8 / large_utf8 / utf8_view value (overlongs, surrogates,
 *     code points > U+10FFFF and truncated sequences are rejected); binary
 *     views (size >= 0; out-of-line views: buffer index < number of variadic
 *     buffers, offset >= 0, offset + size within that buffer, prefix equal to
 *     the first 4 data bytes; the zero padding of inline views is not
 *     checked); list-view offsets and sizes within the child for every slot
 *     (null slots included); union type ids declared and dense-union offsets
 *     in [0, child length) (like Arrow C++, the per-child ordering the spec
 *     asks of dense offsets is NOT checked: C++ kernels produce unordered
 *     offsets and C++ accepts them); dictionary indices in
 *     [0, dictionary length) for valid slots; run ends >= 1, strictly
 *     increasing and non-null; map entries and keys non-null; null_count
 *     equal to the bitmap's count of zero bits; decimals within their
 *     precision; date64 a whole number of days; time32/time64 within one
 *     day. Children and dictionaries are validated recursively.
 *
 * Failures return QV_ERR_INVALID_DATA (QV_ERR_OVERFLOW when a size or
 * offset + length overflows int64, QV_ERR_LIMIT for nesting) with a message
 * that names the field path, the row (a slot index of the array at that
 * path, counted from its logical start) and what was expected vs found, e.g.
 *   "column 'a'.item: string array: invalid UTF-8 at row 3, byte 2 (0xC3 followed by 0x28)"
 *   "offsets not monotonic at row 7: 12 > 9"
 * Validation never reads outside a buffer, never allocates and never
 * modifies the array (the cached null count is not filled in).
 *
 * What each level is for. STRUCTURE is what memory safety rests on: every
 * quiver consumer (IPC and JSON writers, printers, comparison, concatenation,
 * C Data export, the CLI, the Python methods) is memory-safe and free of
 * undefined behaviour on an array that passed it, whatever its offsets, run
 * ends, indices, type ids or views hold, and reports content it cannot use
 * as QV_ERR_INVALID_DATA naming the column and row instead of reading past
 * a buffer or making a value up. FULL adds meaning, not safety: after it,
 * every slot has one well-defined value, which is what the unchecked value
 * accessors of quiver/array.h assume. See docs/robustness.md, "The safety
 * contract".
 */
#ifndef QUIVER_VALIDATE_H
#define QUIVER_VALIDATE_H

#include "quiver/array.h"
#include "quiver/batch.h"
#include "quiver/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Deepest nesting of child arrays (and dictionaries) accepted. */
#define QV_VALIDATE_MAX_DEPTH 64

typedef enum qv_validate_level {
  QV_VALIDATE_STRUCTURE = 0, /* O(buffers): safe to access every slot's bytes */
  QV_VALIDATE_FULL = 1       /* O(values): every value checked against the spec */
} qv_validate_level;

/* Validates `array` (and, recursively, its children and dictionary).
 * QV_ERR_INVALID_ARGUMENT if array is NULL or level unknown. */
QV_API qv_status qv_array_validate(const qv_array *array, qv_validate_level level, qv_error *err);

/* Validates every column of `batch` (messages start with "column 'name'"),
 * plus: one column per schema field, column types equal to the field types,
 * column lengths equal to the batch length. */
QV_API qv_status qv_batch_validate(const qv_batch *batch, qv_validate_level level, qv_error *err);

/* Validates every batch of `table` (messages start with "batch N: "), plus:
 * batch schemas equal the table schema and n_rows is the sum of lengths. */
QV_API qv_status qv_table_validate(const qv_table *table, qv_validate_level level, qv_error *err);

#ifdef __cplusplus
}
#endif
#endif
