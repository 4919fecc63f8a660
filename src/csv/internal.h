/* quiver csv: internals shared by the tokenizer, the value parsers, the
 * reader and the writer. Not installed.
 */
#ifndef QUIVER_CSV_INTERNAL_H
#define QUIVER_CSV_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "core/internal.h"
#include "core/iso8601.h"
#include "quiver/csv.h"

/* One field of a block: its bytes are block->data[start, start + len), or,
 * when len has QV__CSV_FIELD_UNESCAPED set, block->side[start, ...): a
 * quoted field with doubled quotes, unescaped there. Quoted fields without
 * doubled quotes point into the input between their quotes (no copy). */
typedef struct qv__csv_field {
  uint32_t start;
  uint32_t len;
} qv__csv_field;

#define QV__CSV_FIELD_UNESCAPED 0x80000000u
/* Largest block (and so largest record) the tokenizer accepts: offsets
 * within a block are 32-bit, with the top bit of a length taken. */
#define QV__CSV_MAX_BLOCK ((int64_t)0x7fffffff)

/* A block: a run of whole records of the input, tokenized on its own so
 * that blocks can be tokenized, inferred and built on several cores.
 * Record r holds fields [row_first[r], row_first[r + 1]) and starts on line
 * first_line + row_line[r]. */
typedef struct qv__csv_block {
  const uint8_t *data; /* the block's bytes (borrowed from the input) */
  int64_t size;
  bool at_input_start; /* a leading UTF-8 BOM is skipped */
  char *side;          /* unescaped quoted fields */
  int64_t side_len, side_cap;
  qv__csv_field *fields;
  int64_t n_fields, fields_cap;
  uint32_t *row_first; /* n_rows + 1 entries once tokenized */
  uint32_t *row_line;  /* line of each record, relative to first_line */
  int64_t n_rows, rows_cap;
  int64_t lines;      /* line breaks in the block (its records' lines span) */
  int64_t first_line; /* 1-based line of the block's first byte (set once earlier blocks are counted) */
  bool utf8_valid;    /* the whole block is valid UTF-8 (then so is every field) */
  /* The data records: records data_first .. n_rows - 1, less the ragged
   * ones when data_rows lists the kept records (n_data of them). */
  int64_t data_first;
  int64_t *data_rows;
  int64_t n_data;
  /* Read by the typed fast path (typed.c): its columns are built, but
   * its records were never tokenized (fields, row_first, row_line unset). */
  bool typed;
  qv_status status; /* a parallel pass's failure for this block */
  qv_error error;
  /* Where `error` happened when it names a cell (line, 0-based column),
   * so that of several failing columns the earliest cell is reported
   * whatever the block size; cell_line is written by the cell error of
   * the column being built (0: the error names no cell). */
  int64_t error_line, cell_line;
  int32_t error_col;
} qv__csv_block;

/* The dialect the tokenizer needs. */
typedef struct qv__csv_dialect {
  char delimiter;
  char quote;
  bool quoting;
} qv__csv_dialect;

/* The end of the block that starts at `start`: just past the first line
 * break at or after start + target that lies outside quotes (a line break
 * inside a quoted field belongs to the value), or n when at_eof. Quote
 * state is a guess from the parity of quote characters since `start`,
 * which must be a record boundary (quotes inside unquoted fields throw it
 * off; the tokenizer then fails and the caller recuts exactly). -1 when
 * the end is not within p[0, n) and more input may follow (!at_eof),
 * including a CR at n - 1 that may be the first half of a CRLF. */
int64_t qv__csv_block_end(const uint8_t *p, int64_t n, int64_t start, int64_t target, const qv__csv_dialect *d,
                          bool at_eof);
/* The second half of qv__csv_block_end: the end from mid on, given
 * whether mid is (guessed to be) inside quotes. */
int64_t qv__csv_block_end_from(const uint8_t *p, int64_t n, int64_t mid, bool inside, const qv__csv_dialect *d,
                               bool at_eof);
/* The same cut found by walking the records exactly as the tokenizer reads
 * them (a quote opens a quoted field only at a field's start): sequential,
 * so used only where the guess failed or found no cut. When the input
 * runs out first (!at_eof): the end of the last whole record seen, so a
 * long record is left for the next block, or -1 when there is none. */
int64_t qv__csv_record_end_exact(const uint8_t *p, int64_t n, int64_t start, int64_t target,
                                 const qv__csv_dialect *d, bool at_eof);

/* Splits block->data[0, size) into records and fields (blank lines are
 * ignored). Lines in messages count from line_base. QV_ERR_INVALID_DATA for
 * an unclosed quote or text after a closing quote, naming line and column;
 * QV_ERR_NO_MEMORY, QV_ERR_LIMIT. On error the block's arrays are freed. */
qv_status qv__csv_tokenize_block(qv__csv_block *b, const qv__csv_dialect *d, int64_t line_base, qv_error *err);
void qv__csv_block_free(qv__csv_block *b);

static inline int64_t qv__csv_block_record(const qv__csv_block *b, int64_t r) {
  return b->data_rows ? b->data_rows[r] : b->data_first + r;
}

/* Field `col` of record `rec`. */
static inline void qv__csv_block_field(const qv__csv_block *b, int64_t rec, int32_t col, const char **s, int64_t *n) {
  const qv__csv_field f = b->fields[b->row_first[rec] + (uint32_t)col];
  const uint32_t len = f.len & ~QV__CSV_FIELD_UNESCAPED;
  *s = (f.len & QV__CSV_FIELD_UNESCAPED) ? b->side + f.start : (const char *)b->data + f.start;
  *n = len;
}

static inline int64_t qv__csv_record_width(const qv__csv_block *b, int64_t rec) {
  return (int64_t)b->row_first[rec + 1] - (int64_t)b->row_first[rec];
}

/* Runs fn(ctx, i) for every i in [0, n) on up to n_threads threads (the
 * caller's included); returns when all are done. Tasks report failures
 * through their own state (each block keeps its status). */
typedef void (*qv__csv_task_fn)(void *ctx, int64_t i);
void qv__csv_parallel_for(int n_threads, int64_t n, qv__csv_task_fn fn, void *ctx);
/* The same, also telling each task which worker (0 .. n_threads - 1, one
 * task at a time per worker) runs it, so that tasks can reuse per-worker
 * scratch memory. */
typedef void (*qv__csv_worker_task_fn)(void *ctx, int64_t i, int worker);
void qv__csv_parallel_for_workers(int n_threads, int64_t n, qv__csv_worker_task_fn fn, void *ctx);
/* Most threads the loops above run (a larger n_threads is capped). */
#define QV__CSV_MAX_THREADS 8
/* The thread count an option value of 0 means: the online CPUs, at most 8. */
int qv__csv_default_threads(void);

/* ---- value parsers (values.c): true when the whole text is a value of
 * the kind, with the value in *out ---- */
bool qv__csv_parse_int64(const char *s, int64_t n, int64_t *out);
bool qv__csv_parse_float64(const char *s, int64_t n, double *out);
bool qv__csv_parse_date32(const char *s, int64_t n, int32_t *out);
/* A time of day "hh:mm", "hh:mm:ss" or "hh:mm:ss.f" (up to 9 fraction
 * digits, possibly none after the dot): seconds since midnight, the
 * fraction in ns, and how many fraction digits were written (-1: no dot).
 * Which of them a column accepts depends on its unit (infer.c, given.c). */
typedef struct qv__csv_time {
  int32_t seconds;
  int32_t nanos;
  int32_t fraction_digits;
} qv__csv_time;
bool qv__csv_parse_time(const char *s, int64_t n, qv__csv_time *out);

/* ISO-8601 timestamps (core/iso8601.h): seconds since the epoch, the
 * fraction in nanoseconds, whether a fraction and a zone were written. */
typedef qv__iso_timestamp qv__csv_timestamp;
bool qv__csv_parse_timestamp(const char *s, int64_t n, qv__csv_timestamp *out);

#endif
