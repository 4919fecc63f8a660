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
  QV__CSV_TIME, /* time of day: time32[s] when inferred (no fractions, as pyarrow) */
  QV__CSV_TIMESTAMP,
  QV__CSV_STRING
} qv__csv_kind;

typedef struct qv__csv_column_kind {
  qv__csv_kind kind;
  bool zoned; /* timestamp: values carried Z or an offset (tz "UTC") */
  bool nanos; /* timestamp: some value had a fraction (unit ns, else s) */
  /* A type the caller chose (column_types; borrowed from the options):
   * the column is parsed as `kind` and stored as this type, never
   * inferred. NULL for inferred columns. */
  const qv_type *given;
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
  /* null_last[len][last byte]: the same for the last byte (numbers that
   * start like a marker, "-123" like "-nan", rarely end like one). */
  uint8_t null_last[32][256];
  bool null_long;  /* some marker is 32 bytes or longer */
  bool null_empty; /* the empty text is a null marker */
  /* n_cols entries once the names are known: the kind of each column
   * whose type was given (given != NULL), else zeroed; NULL when no
   * column types were given. */
  qv__csv_column_kind *given;
  /* Blocks after the first round of a streaming read are built with the
   * kinds inferred before: a value that does not fit is reported as such
   * (the message says the type was inferred from earlier rows). */
  bool kinds_fixed;
} qv__csv_read_ctx;

/* Resolves the options into the dialect and the context's lists (the
 * context must be zeroed); qv__csv_ctx_free releases what it holds. */
qv_status qv__csv_ctx_init(const qv_csv_read_options *o, qv__csv_dialect *d, qv__csv_read_ctx *c, qv_error *err);
void qv__csv_ctx_free(qv__csv_read_ctx *c);
/* The column names and count from the header record (block hb, record hr;
 * hb < 0: no record at all) and the options; fills c->n_cols, c->names and
 * c->given, and the first data record (*data_block, *data_rec) and whether
 * a header was read. */
qv_status qv__csv_setup_columns(const qv_csv_read_options *o, qv__csv_read_ctx *c, int64_t hb, int64_t hr,
                                int64_t *data_block, int64_t *data_rec, bool *has_header, qv_error *err);
/* Chooses the data records of blocks [from, to) (typed blocks have theirs
 * already): records before (first_block, first_rec) are not data; ragged
 * records are an error or, with skip_invalid_rows, skipped and counted
 * into *skipped. */
qv_status qv__csv_choose_data(const qv_csv_read_options *o, qv__csv_read_ctx *c, int64_t from, int64_t to,
                              int64_t first_block, int64_t first_rec, bool has_header, int64_t *skipped,
                              qv_error *err);
/* Merges the kinds of column `col` over blocks [0, c->n_blocks) (kinds
 * laid out [block * n_cols + col]) into the first kind every value fits. */
void qv__csv_merge_kinds(const qv__csv_read_ctx *c, const qv__csv_column_kind *kinds, int32_t col,
                         qv__csv_column_kind *out);
/* The schema of the final kinds and the column names. */
qv_status qv__csv_schema(const qv__csv_read_ctx *c, const qv__csv_column_kind *kinds, qv_schema **out,
                         qv_error *err);
/* Maps column_types onto the columns (by name) into c->given; a type that
 * has no CSV parser is QV_ERR_NOT_IMPLEMENTED naming the column. */
qv_status qv__csv_resolve_given(const qv_csv_read_options *o, qv__csv_read_ctx *c, qv_error *err);

bool qv__csv_is_null(const qv__csv_read_ctx *c, const char *s, int64_t n);
/* A true or false spelling (c's lists) into *out. */
bool qv__csv_parse_bool(const qv__csv_read_ctx *c, const char *s, int64_t n, bool *out);
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
/* Builds block b's column `col`: as the given type (c->given), else by
 * inference (qv__csv_infer_build_block_column), else, once c->kinds_fixed,
 * as kinds[col] with values that do not fit reported. */
qv_status qv__csv_block_column(const qv__csv_read_ctx *c, const qv__csv_block *b, int32_t col,
                               qv__csv_column_kind *k, qv_array **out, qv_error *err);
/* Builds block b's slice of column `col` as an array of kind k (every value
 * known to fit). Errors name the line and the column. */
qv_status qv__csv_build_block_column(const qv__csv_read_ctx *c, const qv__csv_block *b, int32_t col,
                                     const qv__csv_column_kind *k, qv_array **out, qv_error *err);
/* Keeps a column's failure (st, e) as block b's error unless an earlier
 * cell's (by line, then column) is kept already. Reset b->status and
 * b->error_line (INT64_MAX) before the pass, b->cell_line (0) before each
 * column. */
void qv__csv_block_keep_failure(qv__csv_block *b, qv_status st, const qv_error *e, int32_t col);
/* "CSV line L, column C ('name'): <what>" for data record r of block b;
 * records the line in b->cell_line. */
qv_status qv__csv_cell_error(const qv__csv_read_ctx *c, const qv__csv_block *b, int64_t r, int32_t col,
                             qv_error *err, const char *what);
/* The value of record r that is not a `k` (why: what was expected, or
 * NULL), naming line, column, the value and the type. */
qv_status qv__csv_value_error(const qv__csv_read_ctx *c, const qv__csv_block *b, int64_t r, int32_t col,
                              const qv__csv_column_kind *k, const char *why, qv_error *err);
/* Given types stored apart from the kind they parse as (given.c): the
 * narrower and unsigned integers, float32, date64. */
bool qv__csv_given_converts(const qv_type *t);
qv_status qv__csv_build_given(const qv__csv_read_ctx *c, const qv__csv_block *b, int32_t col,
                              const qv__csv_column_kind *k, qv_array **out, qv_error *err);

/* ---- the typed fast path (typed.c) ---- */

/* A worker's scratch memory for one column of a block, reused from block
 * to block (grown, never shrunk). */
typedef struct qv__csv_scratch_col {
  uint8_t *values; /* 8 bytes a row (4 for dates; a bitmap for bools) */
  uint8_t *valid;  /* validity bitmap */
  int32_t *nanos;  /* timestamps: each value's fraction in ns */
  int32_t *offsets;
  uint8_t *data; /* strings: offsets and bytes */
  int64_t values_cap, valid_cap, nanos_cap, offsets_cap, data_cap; /* in bytes */
  int64_t data_len, nulls;
  bool fraction; /* timestamps: some value had a fraction */
} qv__csv_scratch_col;

typedef struct qv__csv_scratch {
  qv__csv_scratch_col *cols;
  int32_t n_cols;
  int64_t rows_cap; /* rows every column has room for */
  /* The worker's output arena: the finished columns' buffers are views
   * of it, carved one after another (typed.c says why); NULL until the
   * first block. arena_used: bytes handed out. */
  qv_buffer *arena;
  int64_t arena_used;
} qv__csv_scratch;

void qv__csv_scratch_free(qv__csv_scratch *s);

/* Reads block b (data records only: no header, no BOM) straight into its
 * columns with the kinds `guess` (the first block's kinds, given types
 * among them; or, with `fixed`, the final kinds of a streaming read): on
 * success *done is set, arrays_out[0 .. n_cols) and kinds_out hold the
 * columns and their kinds, and b's counts (n_rows, n_data, lines) and
 * b->typed are set. Without `fixed` an inferred timestamp column's unit is
 * the block's own (ns when some value had a fraction); with it, the
 * guess's. *done stays false (and QV_OK is returned) when the block holds
 * anything the fast path does not read exactly like the general path:
 * then nothing is kept and the caller reads the block the general way.
 * Every kind of guess must pass qv__csv_typed_supports. Errors:
 * QV_ERR_NO_MEMORY only. */
qv_status qv__csv_typed_block(const qv__csv_read_ctx *c, const qv__csv_dialect *d, qv__csv_block *b,
                              const qv__csv_column_kind *guess, bool fixed, qv__csv_scratch *s,
                              qv__csv_column_kind *kinds_out, qv_array **arrays_out, bool *done, qv_error *err);
/* Whether the fast path builds column kind k (every inferred kind; of the
 * given types, those stored as their kind parses them or converted from
 * it exactly: not uint64, the times finer than seconds, decimals). */
bool qv__csv_typed_supports(const qv__csv_column_kind *k);
/* Test hooks: true sends every block down the general path; the count of
 * blocks the fast path has read (atomic). */
extern bool qv__csv_typed_off;
extern int64_t qv__csv_typed_blocks_read;

#endif
