/* quiver jsonl: the writer's parts (write.c: the driver and nested values;
 * write_rows.c: the row formatter with typed fast paths). Not installed. */
#ifndef QUIVER_JSONL_WRITE_INTERNAL_H
#define QUIVER_JSONL_WRITE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "core/internal.h"
#include "print/cells.h"
#include "print/internal.h"

/* Appends the JSON text of slot i of `a` (any writable type, nested ones
 * included; "null" for a null slot). `column` and `row` name the place in
 * messages: QV_ERR_INVALID_DATA when the value lies outside its buffers. */
qv_status qv__jsonl_write_value(qv_strbuf *sb, const qv_array *a, int64_t i, const char *column, int64_t row,
                                qv_error *err);

/* Appends s[0, n) as a JSON string (quotes, escapes). */
void qv__jsonl_append_escaped(qv_strbuf *sb, const uint8_t *s, int64_t n);

/* One top-level column as the row loop reads it (one per thread: the day
 * cache changes as rows are written): print/cells.h's column (views and
 * strings without offsets are written as kind OTHER, through
 * qv__jsonl_write_value) and the member key written before its value. */
typedef struct qv__jsonl_column {
  qv__cell_column cell;
  const char *key; /* '{' or ',' then the escaped name and ':' (borrowed) */
  size_t key_len;
} qv__jsonl_column;

/* The member keys of every column, built once per write: key c is
 * text[starts[c], starts[c + 1]). */
typedef struct qv__jsonl_keys {
  qv_strbuf text;
  size_t *starts;
} qv__jsonl_keys;

qv_status qv__jsonl_keys_init(qv__jsonl_keys *keys, const qv_schema *schema, qv_error *err);
void qv__jsonl_keys_free(qv__jsonl_keys *keys);

/* Fills cols for `batch` (whose column count equals the schema's) and
 * returns the room a row's keys, fixed-width values and braces take at
 * most. */
size_t qv__jsonl_columns_bind(qv__jsonl_column *cols, const qv_batch *batch, const qv_schema *schema,
                              const qv__jsonl_keys *keys);

/* Appends rows [first, first + count) of the bound batch, one object and
 * "\n" each; row_base is the table row of the batch's row 0. */
qv_status qv__jsonl_format_rows(qv__jsonl_column *cols, int32_t n_cols, size_t row_bound, int64_t first,
                                int64_t count, int64_t row_base, qv_strbuf *sb, qv_error *err);

#endif
