/* quiver csv: the reader's context, shared by read.c (records, header,
 * options) and infer.c (types and columns). Not installed.
 */
#ifndef QUIVER_CSV_READ_INTERNAL_H
#define QUIVER_CSV_READ_INTERNAL_H

#include "csv/internal.h"
#include "quiver/array.h"

/* Inferred kinds, in the order inference tries them. */
typedef enum qv__csv_kind {
  QV__CSV_NULL = 0,
  QV__CSV_INT,
  QV__CSV_BOOL,
  QV__CSV_FLOAT,
  QV__CSV_DATE,
  QV__CSV_TIMESTAMP,
  QV__CSV_STRING
} qv__csv_kind;

typedef struct qv__csv_column_kind {
  qv__csv_kind kind;
  bool zoned; /* timestamp: values carried Z or an offset (tz "UTC") */
  bool nanos; /* timestamp: some value had a fraction (unit ns, else s) */
} qv__csv_column_kind;

/* The data records after the header and the ragged check: data record r is
 * grid record row_index[r]; every one has exactly n_cols fields. */
typedef struct qv__csv_read_ctx {
  const qv__csv_grid *grid;
  const int64_t *row_index;
  const int64_t *row_line; /* physical line of data record r */
  int64_t n_rows;
  int32_t n_cols;
  char **names; /* n_cols column names (NUL-terminated) */
  const char *const *null_values;
  int32_t n_null_values;
  const char *const *true_values;
  int32_t n_true_values;
  const char *const *false_values;
  int32_t n_false_values;
  /* strlen of each entry of the three lists above (every cell is checked
   * against them, so the lengths are measured once) */
  size_t *null_lens, *true_lens, *false_lens;
} qv__csv_read_ctx;

static inline void qv__csv_cell(const qv__csv_read_ctx *c, int64_t r, int32_t col, const char **s, int64_t *n) {
  const int64_t k = c->grid->row_first[c->row_index[r]] + col;
  const int64_t start = qv__csv_field_start(c->grid, k);
  *s = c->grid->text ? c->grid->text + start : "";
  *n = c->grid->ends[k] - start;
}

bool qv__csv_is_null(const qv__csv_read_ctx *c, const char *s, int64_t n);
void qv__csv_infer_column(const qv__csv_read_ctx *c, int32_t col, qv__csv_column_kind *out);
qv_status qv__csv_build_column(const qv__csv_read_ctx *c, int32_t col, const qv__csv_column_kind *k,
                               qv_array **out, qv_error *err);

#endif
