/* quiver csv: the writer's row formatter (write_rows.c), shared with the
 * driver (write.c) that cuts a table into pieces, runs them on threads and
 * hands their text to the sink in order. Not installed. */
#ifndef QUIVER_CSV_WRITE_INTERNAL_H
#define QUIVER_CSV_WRITE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "core/internal.h"
#include "print/cells.h"
#include "print/internal.h"

/* What decides quoting, built once per write: the special bytes as a
 * table (for the scan's tail) and as repeated words (for its body). */
typedef struct qv__csv_quoting {
  char delimiter;
  uint8_t special[256];
  uint64_t delim_word, quote_word, lf_word, cr_word;
  const char *null_text; /* written for a null (borrowed; none when null_len is 0) */
  size_t null_len;
} qv__csv_quoting;

void qv__csv_quoting_init(char delimiter, qv__csv_quoting *q);

/* Appends s[0, n) to sb, quoted when CSV needs it (see write_rows.c). */
void qv__csv_append_field(qv_strbuf *sb, const char *s, int64_t n, const qv__csv_quoting *q);

/* One column of the batch being formatted (print/cells.h: the kind chosen
 * once per batch, the slots as the row loop reads them). */
typedef qv__cell_column qv__csv_column;

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
