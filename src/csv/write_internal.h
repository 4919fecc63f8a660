/* quiver csv: the writer's row formatter (write_rows.c), shared with the
 * driver (write.c) that cuts a table into pieces, runs them on threads and
 * hands their text to the sink in order. Not installed. */
#ifndef QUIVER_CSV_WRITE_INTERNAL_H
#define QUIVER_CSV_WRITE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "core/internal.h"
#include "print/internal.h"

/* What decides quoting, built once per write: the special bytes as a
 * table (for the scan's tail) and as repeated words (for its body). */
typedef struct qv__csv_quoting {
  char delimiter;
  uint8_t special[256];
  uint64_t delim_word, quote_word, lf_word, cr_word;
} qv__csv_quoting;

void qv__csv_quoting_init(char delimiter, qv__csv_quoting *q);

/* Appends s[0, n) to sb, quoted when CSV needs it (see write_rows.c). */
void qv__csv_append_field(qv_strbuf *sb, const char *s, int64_t n, const qv__csv_quoting *q);

/* How one column's cells are formatted, chosen once per batch from the
 * column's logical type so that the row loop does no type dispatch beyond
 * one switch on `kind`. */
typedef enum qv__csv_cell_kind {
  QV__CSV_CELL_NONE, /* the null type: every cell is empty */
  QV__CSV_CELL_BOOL,
  QV__CSV_CELL_I8,
  QV__CSV_CELL_I16,
  QV__CSV_CELL_I32,
  QV__CSV_CELL_I64, /* also durations: their count of units */
  QV__CSV_CELL_U8,
  QV__CSV_CELL_U16,
  QV__CSV_CELL_U32,
  QV__CSV_CELL_U64,
  QV__CSV_CELL_F32,
  QV__CSV_CELL_F64,
  QV__CSV_CELL_DATE32,
  QV__CSV_CELL_TIMESTAMP,
  QV__CSV_CELL_STRING,       /* 32-bit offsets */
  QV__CSV_CELL_LARGE_STRING, /* 64-bit offsets */
  QV__CSV_CELL_VIEW,         /* string views, through the checked accessor */
  QV__CSV_CELL_OTHER         /* everything else: print/'s leaf formatter */
} qv__csv_cell_kind;

/* One column of the batch being formatted, as the row loop reads it. Each
 * thread keeps its own (the day cache changes as rows are written). */
typedef struct qv__csv_column {
  qv__csv_cell_kind kind;
  const qv_array *array;
  const char *name;        /* for messages (borrowed from the schema) */
  const uint8_t *validity; /* NULL: every slot valid */
  int64_t offset;          /* the array's slot offset */
  const uint8_t *values;   /* buffer 1: values or offsets */
  const uint8_t *data;     /* strings: the character data ("" when absent) */
  int64_t data_size;       /* bytes at data */
  qv_time_unit unit;       /* timestamps */
  bool zoned;              /* timestamps: print the "Z" of a UTC instant */
  qv__print_day_cache day; /* timestamps */
} qv__csv_column;

/* Fills cols[0, batch->n_columns) for `batch` (names from `schema`, whose
 * field count the caller has checked equals the batch's column count) and
 * returns the room a row's fixed-width cells, delimiters and line end can
 * take at most (string and "other" cells reserve their own). */
size_t qv__csv_columns_bind(qv__csv_column *cols, const qv_batch *batch, const qv_schema *schema);

/* Appends rows [first, first + count) of the bound batch to sb; row_base
 * is the table row of the batch's row 0, for messages. QV_ERR_INVALID_DATA
 * naming column and row when a value lies outside its buffers;
 * QV_ERR_NO_MEMORY when sb cannot grow. */
qv_status qv__csv_format_rows(qv__csv_column *cols, int32_t n_cols, size_t row_bound, const qv__csv_quoting *q,
                              int64_t first, int64_t count, int64_t row_base, qv_strbuf *sb, qv_error *err);

#endif
