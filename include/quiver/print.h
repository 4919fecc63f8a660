/* quiver: human-readable text for arrays, batches and tables.
 *
 * Arrays print like pyarrow's str(array):
 *
 *   [                [                       -- is_valid: all not null
 *     1,               [                     -- child 0 type: int64
 *     null,              1,                    [
 *     3                  2                       1,
 *   ]                  ],                        2
 *                      null                    ]
 *                    ]
 *
 * Values are type-aware: integers and durations as numbers; floats as the
 * shortest text that reads back to the same value ("1", "2.5", "1e+20",
 * "nan", "inf"; float16 decoded exactly and printed as a float32, as
 * Arrow C++ does); bool true/false; strings in double quotes
 * (bytes as stored, not escaped); binary and fixed_size_binary as uppercase
 * hex; decimals with their scale ("123.45", "-0.05"; E-notation for negative
 * scales, as pyarrow); date32/date64 "2020-01-01"; time "12:34:56.789" (as
 * many fraction digits as the unit has); timestamps
 * "2020-01-01 00:00:00.123" in UTC, with a "Z" suffix when the type has a
 * time zone; intervals "5M", "1d1000ms", "1M2d3000ns"; the null type as
 * "N nulls". Nested layouts follow pyarrow: lists and maps ("keys:" /
 * "values:") nest brackets; structs and unions print "-- is_valid:",
 * "-- type_ids:", "-- child N type: T" sections; dictionaries print
 * "-- dictionary:" and "-- indices:" sections (after pyarrow's leading
 * newline). Run-end encoded arrays print
 * their logical (decoded) values. Extension arrays print their storage.
 *
 * Arrays with more than 2 x max_rows + 1 slots print the first and last
 * max_rows slots with a "..." line between (pyarrow's "window"; like
 * pyarrow, a single hidden slot is printed instead). Arrays of
 * a list-like type (list, large_list, list_view, fixed_size_list), whose
 * every slot spans several lines, use max_container_rows for their own
 * slots instead (pyarrow's "container_window"); the items inside each list
 * again use max_rows.
 *
 * Batches and tables print a header, the schema, "----", then one line per
 * column with its values in a compact single-line form (this is quiver's
 * own format, close to pyarrow's Table repr):
 *
 *   quiver.RecordBatch              quiver.Table
 *   a: int64                        a: int64
 *   b: string                       ----
 *   ----                            a: [[1,2],[3]]      (one [...] per batch)
 *   a: [1,2,null]
 *   b: ["x","y","z"]
 *
 * In the compact form nested values are written logically: lists "[1,2]",
 * structs "{a: 1, b: "x"}", maps as lists of entries "[{key: "k", value: 1}]",
 * unions as the selected child value, dictionaries and run-end encoded
 * arrays as their decoded values.
 *
 * Arrays are validated structurally before printing (QV_ERR_INVALID_DATA
 * with the validation message if that fails), and every slot is bounds
 * checked while printing, so invalid data yields an error, never a crash.
 */
#ifndef QUIVER_PRINT_H
#define QUIVER_PRINT_H

#include <stdint.h>
#include <stdio.h>

#include "quiver/array.h"
#include "quiver/batch.h"
#include "quiver/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct qv_print_options {
  int64_t max_rows;           /* slots shown at each end of a long array (default 10); < 0: all */
  int64_t max_container_rows; /* the same for the slots of list-like arrays and for the
                                 batches of a table column (default 2); < 0: all */
  int indent;                 /* spaces per nesting level (default 2) */
  int64_t max_string_bytes;   /* longer strings/binaries are cut (at a UTF-8 character
                                 boundary for strings) and end with "..."; default -1: no limit */
  int single_line;            /* nonzero: qv_array_to_string writes the single-line form of
                                 batch and table columns ("[1,2,null]"; default 0) */
} qv_print_options;

/* The defaults listed above. */
#define QV_PRINT_OPTIONS_DEFAULT {10, 2, 2, -1, 0}
QV_API qv_print_options qv_print_options_default(void);

/* Formats `array` into a new NUL-terminated string (*out, caller frees it
 * with qv_free_string). opts may be NULL (defaults). On failure *out is NULL. */
QV_API qv_status qv_array_to_string(const qv_array *array, const qv_print_options *opts, char **out,
                                    qv_error *err);
QV_API qv_status qv_batch_to_string(const qv_batch *batch, const qv_print_options *opts, char **out,
                                    qv_error *err);
QV_API qv_status qv_table_to_string(const qv_table *table, const qv_print_options *opts, char **out,
                                    qv_error *err);


/* The compact text of slot i of `array` alone ("1", "null", "\"x\"",
 * "[1,2]", "{a: 1}"), for row-oriented displays, into a new string (*out,
 * qv_free_string). The array is NOT validated here (a display calls this
 * per cell): it must have passed structural validation, as every reader's
 * output has; slots are still bounds checked, so content that breaks the
 * rules gives QV_ERR_INVALID_DATA naming the slot, never a crash.
 * QV_ERR_OUT_OF_RANGE when i is not in [0, length). */
QV_API qv_status qv_array_value_to_string(const qv_array *array, int64_t i, const qv_print_options *opts,
                                          char **out, qv_error *err);

/* Writes the same text (plus a trailing newline) to `f`. QV_ERR_IO if the
 * write fails. */
QV_API qv_status qv_array_print(FILE *f, const qv_array *array, const qv_print_options *opts,
                                qv_error *err);
QV_API qv_status qv_batch_print(FILE *f, const qv_batch *batch, const qv_print_options *opts,
                                qv_error *err);
QV_API qv_status qv_table_print(FILE *f, const qv_table *table, const qv_print_options *opts,
                                qv_error *err);

#ifdef __cplusplus
}
#endif
#endif
