/* quiver jsonl: the writer's parts (write.c: the driver and nested values;
 * write_rows.c: the row formatter with typed fast paths). Not installed. */
#ifndef QUIVER_JSONL_WRITE_INTERNAL_H
#define QUIVER_JSONL_WRITE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "core/internal.h"
#include "print/internal.h"

/* Appends the JSON text of slot i of `a` (any writable type, nested ones
 * included; "null" for a null slot). `column` and `row` name the place in
 * messages: QV_ERR_INVALID_DATA when the value lies outside its buffers. */
qv_status qv__jsonl_write_value(qv_strbuf *sb, const qv_array *a, int64_t i, const char *column, int64_t row,
                                qv_error *err);

/* Appends s[0, n) as a JSON string (quotes, escapes). */
void qv__jsonl_append_escaped(qv_strbuf *sb, const uint8_t *s, int64_t n);

/* How one top-level column's values are written, chosen once per batch. */
typedef enum qv__jsonl_cell_kind {
  QV__JSONL_CELL_NONE, /* the null type */
  QV__JSONL_CELL_BOOL,
  QV__JSONL_CELL_I8,
  QV__JSONL_CELL_I16,
  QV__JSONL_CELL_I32,
  QV__JSONL_CELL_I64, /* also durations */
  QV__JSONL_CELL_U8,
  QV__JSONL_CELL_U16,
  QV__JSONL_CELL_U32,
  QV__JSONL_CELL_U64,
  QV__JSONL_CELL_F32,
  QV__JSONL_CELL_F64,
  QV__JSONL_CELL_DATE32,
  QV__JSONL_CELL_TIMESTAMP,
  QV__JSONL_CELL_STRING,       /* 32-bit offsets */
  QV__JSONL_CELL_LARGE_STRING, /* 64-bit offsets */
  QV__JSONL_CELL_OTHER         /* nested, views, decimals, times...: qv__jsonl_write_value */
} qv__jsonl_cell_kind;

/* One top-level column as the row loop reads it (one per thread: the day
 * cache changes as rows are written). */
typedef struct qv__jsonl_column {
  qv__jsonl_cell_kind kind;
  const qv_array *array;
  const char *name;        /* for messages (borrowed from the schema) */
  const char *key;         /* '{' or ',' then the escaped name and ':' (borrowed) */
  size_t key_len;
  const uint8_t *validity; /* NULL: every slot valid */
  int64_t offset;
  const uint8_t *values;
  const uint8_t *data; /* strings: the characters ("" when absent) */
  int64_t data_size;
  qv_time_unit unit;
  bool zoned;
  qv__print_day_cache day;
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
