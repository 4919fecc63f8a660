/* quiver core: turning a table's rows into text on several threads, in
 * order (table_text.c). The text writers (CSV, JSON Lines) supply how a
 * piece of rows becomes text and where text goes. Not installed. */
#ifndef QUIVER_CORE_TABLE_TEXT_H
#define QUIVER_CORE_TABLE_TEXT_H

#include <stdint.h>

#include "core/internal.h"
#include "core/parallel.h"
#include "quiver/table.h"

#define QV__TABLE_TEXT_MAX_THREADS QV__PARALLEL_MAX_THREADS

/* Consecutive rows of a table: `rows` rows from row `row` of batch
 * `batch` on, continuing into the following batches (empty ones skipped). */
typedef struct qv__row_piece {
  int64_t batch, row;
  int64_t row_base; /* table row of that batch's row 0 */
  int64_t rows;
} qv__row_piece;

/* Appends the text of rows [first, first + count) of `batch` to `text`;
 * row_base is the table row of the batch's row 0 (for messages);
 * `scratch` is the calling thread's own zeroed scratch_bytes (see
 * qv__table_text_run), kept from one call to the next on that thread. A
 * piece spanning batches is handed over one batch at a time. */
typedef qv_status (*qv__rows_format_fn)(void *ctx, void *scratch, const qv_batch *batch, int64_t first, int64_t count,
                                        int64_t row_base, qv_strbuf *text, qv_error *err);
/* Hands a piece's text to the output; called for one piece at a time, in
 * row order. */
typedef qv_status (*qv__piece_emit_fn)(void *ctx, const qv_strbuf *text, qv_error *err);

/* The thread count an option value of 0 means: the online CPUs, at most
 * QV__TABLE_TEXT_MAX_THREADS. */
int qv__table_text_default_threads(void);

/* Formats every row of `table` in pieces of at most piece_rows rows on up
 * to n_threads threads (the caller's included, at most
 * QV__TABLE_TEXT_MAX_THREADS; a thread that cannot start only means fewer)
 * and emits the texts in row order, so the result is the same for any
 * thread count; memory holds one piece's text per thread. Each thread gets
 * scratch_bytes of zeroed scratch of its own (0: none), freed before the
 * return. When only one thread works and `direct` is not NULL, pieces are
 * formatted straight into `direct` and emit is not called. Returns the
 * first failure in row order (no text after it is emitted), or
 * QV_ERR_NO_MEMORY for the scratch (before any row). */
qv_status qv__table_text_run(const qv_table *table, int64_t piece_rows, int n_threads, size_t scratch_bytes,
                             qv__rows_format_fn format, qv__piece_emit_fn emit, void *ctx, qv_strbuf *direct,
                             qv_error *err);

#endif
