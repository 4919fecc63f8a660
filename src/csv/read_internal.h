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

/* What inference and building need: the blocks (tokenized, with their data
 * records chosen), the column count and names, and the null and boolean
 * spellings. */
typedef struct qv__csv_read_ctx {
  qv__csv_block *blocks;
  int64_t n_blocks;
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
  /* null_short[len][first byte]: some null marker of that length (< 32)
   * starts with that byte; most cells are told apart from every marker by
   * this one lookup. */
  uint8_t null_short[32][256];
  bool null_long; /* some marker is 32 bytes or longer */
} qv__csv_read_ctx;

bool qv__csv_is_null(const qv__csv_read_ctx *c, const char *s, int64_t n);
/* Finds the first kind (from null) that every value of column `col` in
 * block `b` fits, into *k, and builds the block's column as that kind on
 * the way (each kind is tried by building it, so values are parsed once
 * when the first guess holds). */
qv_status qv__csv_infer_build_block_column(const qv__csv_read_ctx *c, const qv__csv_block *b, int32_t col,
                                           qv__csv_column_kind *k, qv_array **out, qv_error *err);
/* Whether every value of the column in block `b` fits `kind`; the
 * timestamp facts are merged into *k (zoned, nanos). */
bool qv__csv_block_column_fits(const qv__csv_read_ctx *c, const qv__csv_block *b, int32_t col, qv__csv_kind kind,
                               qv__csv_column_kind *k);
qv_status qv__csv_kind_type(const qv__csv_column_kind *k, qv_type **out, qv_error *err);
/* Builds block b's slice of column `col` as an array of kind k (every value
 * known to fit). Errors name the line and the column. */
qv_status qv__csv_build_block_column(const qv__csv_read_ctx *c, const qv__csv_block *b, int32_t col,
                                     const qv__csv_column_kind *k, qv_array **out, qv_error *err);

#endif
