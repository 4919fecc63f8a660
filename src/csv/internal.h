/* quiver csv: internals shared by the tokenizer, the value parsers, the
 * reader and the writer. Not installed.
 */
#ifndef QUIVER_CSV_INTERNAL_H
#define QUIVER_CSV_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "core/internal.h"
#include "quiver/csv.h"

/* Every record of a CSV text, split into unescaped fields. Field k's text
 * is text[k ? ends[k - 1] : 0, ends[k]); record r holds the fields
 * [row_first[r], row_first[r + 1]) (row_first has n_rows + 1 entries once
 * tokenizing is done) and starts on physical line row_line[r]. */
typedef struct qv__csv_grid {
  char *text;
  int64_t text_len, text_cap;
  int64_t *ends;
  int64_t n_fields, fields_cap;
  int64_t *row_first;
  int64_t *row_line;
  int64_t n_rows, rows_cap;
} qv__csv_grid;

/* The dialect the tokenizer needs. */
typedef struct qv__csv_dialect {
  char delimiter;
  char quote;
  bool quoting;
} qv__csv_dialect;

/* Splits data[0, size) into records and fields (a leading UTF-8 BOM is
 * skipped, blank lines are ignored). QV_ERR_INVALID_DATA for an unclosed
 * quote or text after a closing quote, naming the line and column;
 * QV_ERR_NO_MEMORY, QV_ERR_OVERFLOW. The grid is freed on error too. */
qv_status qv__csv_tokenize(const uint8_t *data, int64_t size, const qv__csv_dialect *d, qv__csv_grid *grid,
                           qv_error *err);
void qv__csv_grid_free(qv__csv_grid *grid);

static inline int64_t qv__csv_field_start(const qv__csv_grid *g, int64_t k) { return k ? g->ends[k - 1] : 0; }

/* ---- value parsers (values.c): true when the whole text is a value of
 * the kind, with the value in *out ---- */
bool qv__csv_parse_int64(const char *s, int64_t n, int64_t *out);
bool qv__csv_parse_float64(const char *s, int64_t n, double *out);
bool qv__csv_parse_date32(const char *s, int64_t n, int32_t *out);

/* An ISO-8601 timestamp: seconds since the epoch (UTC when has_zone, else
 * wall clock), the fraction in nanoseconds, whether a fraction was written
 * and whether a zone (Z or an offset) was. A bare date is accepted. */
typedef struct qv__csv_timestamp {
  int64_t seconds;
  int32_t nanos;
  bool has_fraction;
  bool has_zone;
} qv__csv_timestamp;
bool qv__csv_parse_timestamp(const char *s, int64_t n, qv__csv_timestamp *out);

#endif
