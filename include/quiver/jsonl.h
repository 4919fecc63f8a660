/* quiver: JSON Lines (newline-delimited JSON) reading and writing.
 *
 * The reader takes a sequence of JSON objects, one per row (rows are
 * normally one per line; white space, blank lines and CRLF between objects
 * are allowed), and returns a table (one batch; two when an input of
 * 1 MiB or more was read in two parts on two cores) whose columns are the
 * objects' members in order of first appearance. A member missing from a
 * row is null there. JSON objects become struct columns and arrays become
 * lists, nested up to max_depth (64 levels, the most any quiver type nests).
 *
 * Types are inferred from ALL rows the way pyarrow.json.read_json infers
 * them: null fits any type; true/false -> bool; numbers -> int64, promoted
 * to float64 once a number with a fraction or exponent (or past int64)
 * appears; strings -> timestamp[s] while every one is an ISO-8601
 * "YYYY-MM-DD[(T| )hh:mm[:ss]][Z|+hh:mm]" (an offset converted to UTC),
 * else string; arrays -> list of the unified item type; objects -> struct
 * of the unified members. Values of different JSON kinds in one column
 * (a number then a string, an object then an array) are an error naming the
 * column path and the line, as in pyarrow. NaN, Infinity and -Infinity are
 * read as floats (pyarrow does too).
 *
 * With an explicit schema, its columns come first, in its order, with its
 * types: integers of every width (range checked), floats, bool, string,
 * large_string, binary (the string's bytes), timestamp of any unit and zone
 * (from an ISO-8601 string, or a number in the unit), date32 (days, or
 * "YYYY-MM-DD"), null, list, large_list and struct. What happens to fields
 * the schema does not name is unexpected_fields (pyarrow's
 * unexpected_field_behavior): inferred and appended (default), ignored, or
 * an error.
 *
 * Errors name the line and column (1-based, counted in bytes) and what was
 * expected, e.g.
 *   "JSONL line 3, column 9: expected ',' or '}' after an object member, found 'x'"
 *   "JSONL line 2, column 6 (/a): the column changed from number to string"
 *   "JSONL line 5, column 1: the row is 70000000 bytes long, past max_line_length"
 *
 * The parser is hand-written: jansson (already a dependency for the
 * integration JSON) builds a tree of allocated nodes and a hash table per
 * object for every row, several times slower than appending to builders
 * straight from the text, and cannot report columns; simdjson is C++. See
 * src/jsonl/read.c for the design.
 */
#ifndef QUIVER_JSONL_H
#define QUIVER_JSONL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "quiver/schema.h"
#include "quiver/status.h"
#include "quiver/table.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Default caps: total input (1 GiB), one row's bytes (64 MiB), nesting. */
#define QV_JSONL_DEFAULT_MAX_INPUT ((int64_t)1 << 30)
#define QV_JSONL_DEFAULT_MAX_LINE ((int64_t)64 << 20)
#define QV_JSONL_DEFAULT_MAX_DEPTH 64
/* Largest max_depth accepted: arrays nest at most 64 levels in quiver (what
 * validation accepts for any type), and it bounds the parser's recursion. */
#define QV_JSONL_MAX_DEPTH_LIMIT 64

/* Fields an explicit schema does not name. */
typedef enum qv_jsonl_unexpected {
  QV_JSONL_UNEXPECTED_INFER = 0, /* inferred, appended after the schema's */
  QV_JSONL_UNEXPECTED_IGNORE,    /* dropped */
  QV_JSONL_UNEXPECTED_ERROR      /* QV_ERR_INVALID_DATA naming the field and line */
} qv_jsonl_unexpected;

/* Reading options. A zeroed struct (or NULL) means the defaults. */
typedef struct qv_jsonl_read_options {
  /* Columns and types to read (borrowed for the call); NULL = infer all. */
  const qv_schema *schema;
  qv_jsonl_unexpected unexpected_fields;
  /* Deepest nesting of arrays and objects inside a row (the row object is
   * depth 1): QV_ERR_LIMIT past it. 0 = default; at most
   * QV_JSONL_MAX_DEPTH_LIMIT (QV_ERR_INVALID_ARGUMENT). */
  int32_t max_depth;
  /* Most bytes of one row: QV_ERR_LIMIT past it (checked as bytes arrive
   * from an fd, so an endless line is refused without reading it all).
   * 0 = default. */
  int64_t max_line_length;
  /* Most bytes of input: QV_ERR_LIMIT past it. 0 = default. */
  int64_t max_input_size;
} qv_jsonl_read_options;

#define QV_JSONL_READ_OPTIONS_DEFAULT {0}

/* Reads JSON Lines from memory (not retained) into a table (*out, caller
 * owns; see above for its batches). Errors: QV_ERR_INVALID_DATA (malformed JSON, a row
 * that is not an object, invalid UTF-8, a duplicate key, a column whose
 * kinds conflict, a value that does not fit the schema's type, empty
 * input), QV_ERR_LIMIT (max_input_size, max_line_length, max_depth),
 * QV_ERR_NOT_IMPLEMENTED (a schema type with no JSON reading),
 * QV_ERR_INVALID_ARGUMENT, QV_ERR_NO_MEMORY. */
QV_API qv_status qv_jsonl_read_memory(const void *data, size_t size, const qv_jsonl_read_options *opts,
                                      qv_table **out, qv_error *err);
/* Same, from a file (QV_ERR_IO names the path and errno). */
QV_API qv_status qv_jsonl_read_path(const char *path, const qv_jsonl_read_options *opts, qv_table **out,
                                    qv_error *err);
/* Same, reading an open fd to its end (a pipe, stdin); the fd stays open. */
QV_API qv_status qv_jsonl_read_fd(int fd, const qv_jsonl_read_options *opts, qv_table **out, qv_error *err);

/* Writes `table` as JSON Lines: one object per row, members in column
 * order, "\n" after each row; nulls as null; integers as integers; floats
 * in the shortest text that reads back exactly (NaN and infinities, which
 * JSON cannot spell, as null); bool true/false; strings escaped (control
 * characters as \u00XX, '"' and '\\' escaped, other UTF-8 as is); dates
 * "YYYY-MM-DD", times "hh:mm:ss[.fraction]", timestamps
 * "YYYY-MM-DD hh:mm:ss[.fraction]" (with a time zone: the UTC instant and a
 * trailing "Z"), decimals and durations as numbers in text; lists as
 * arrays; structs as objects; dictionaries as their values. pyarrow's,
 * polars' and duckdb's JSON readers read the text back. Binary, map,
 * union and interval columns: QV_ERR_NOT_IMPLEMENTED naming the column.
 * Columns are validated structurally first and variable-width slots read
 * through bounds checks (QV_ERR_INVALID_DATA naming column and row). */
QV_API qv_status qv_jsonl_write_table_memory(const qv_table *table, char **out, size_t *size, qv_error *err);
/* Same, to a path, atomically (on error `path` is untouched). */
QV_API qv_status qv_jsonl_write_table_path(const char *path, const qv_table *table, qv_error *err);
/* Frees memory returned by qv_jsonl_write_table_memory (accepts NULL). */
QV_API void qv_jsonl_free(void *p);

#ifdef __cplusplus
}
#endif
#endif
