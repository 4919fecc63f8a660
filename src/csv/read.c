/* quiver csv: the reader's entry points. Resolves the options, cuts the
 * input into blocks at record boundaries, and runs three passes over the
 * blocks on every core: tokenize (csv/tokenize.c), infer each block's
 * column kinds, build each block's columns (csv/infer.c). Between the
 * passes, one thread takes the header, checks that every data record has as
 * many fields as the header (or skips and counts the ones that do not, on
 * request) and merges the blocks' kinds into one type per column.
 *
 * The typed fast path (csv/typed.c): when the header is in the first block
 * and every given column type is one it builds, the first block is read
 * the general way first, alone, and its kinds guide the first pass over
 * the other blocks, which reads each straight into its columns; a block the
 * fast path gives up on is tokenized instead and goes the general way. A block read fast
 * has no field list: it is tokenized after all (detype) only when the merge
 * must look at its values again or one of its columns must be rebuilt.
 *
 * Invariants: no column is built before every record has been checked, so
 * a ragged record is reported with its line before any work is wasted;
 * errors are reported for the first failing block in input order, so a
 * parallel read fails with the same message as a sequential one; the
 * input is read at most max_input_size bytes, checked as the bytes arrive.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/utf8.h"
#include "csv/classify.h"
#include "csv/read_internal.h"
#include "quiver/table.h"

/* ---- the parallel passes ---- */

typedef struct pass_ctx {
  qv__csv_read_ctx *c;
  const qv__csv_dialect *d;
  qv__csv_column_kind *kinds; /* [block * n_cols + col]: each block's own kinds */
  const qv__csv_column_kind *final_kinds;
  qv_array **arrays; /* [block * n_cols + col] */
  /* The typed fast path: the guessed kinds (block 0's), or NULL when the
   * path is off; one scratch per worker. */
  const qv__csv_column_kind *guess;
  qv__csv_scratch scratch[QV__CSV_MAX_THREADS];
} pass_ctx;

static void tokenize_task(void *ctx, int64_t i) {
  pass_ctx *p = ctx;
  qv__csv_block *b = &p->c->blocks[i];
  b->status = qv__csv_tokenize_block(b, p->d, 0, &b->error);
  if (b->status == QV_OK) b->utf8_valid = qv__utf8_valid_prefix(b->data, b->size) == b->size;
}

/* Block i: read by the typed fast path when it can be (block 0, whose
 * kinds are the guess, is read before), else tokenized for the general
 * path. */
static void first_pass_task(void *ctx, int64_t i, int worker) {
  pass_ctx *p = ctx;
  qv__csv_block *b = &p->c->blocks[i];
  const int32_t n_cols = p->c->n_cols;
  if (p->guess != NULL) {
    if (i == 0) return; /* read already */
    bool done = false;
    b->status = qv__csv_typed_block(p->c, p->d, b, p->guess, false, &p->scratch[worker], &p->kinds[i * n_cols],
                                    &p->arrays[i * n_cols], &done, &b->error);
    if (done || b->status != QV_OK) return;
  }
  tokenize_task(ctx, i);
}

static void infer_build_task(void *ctx, int64_t i) {
  pass_ctx *p = ctx;
  qv__csv_block *b = &p->c->blocks[i];
  const int32_t n_cols = p->c->n_cols;
  if (b->typed || (p->guess != NULL && i == 0)) return; /* built already */
  b->status = QV_OK;
  b->error_line = INT64_MAX;
  for (int32_t col = 0; col < n_cols; col++) {
    qv_error e;
    b->cell_line = 0;
    const qv_status st =
        qv__csv_block_column(p->c, b, col, &p->kinds[i * n_cols + col], &p->arrays[i * n_cols + col], &e);
    if (st != QV_OK) qv__csv_block_keep_failure(b, st, &e, col);
  }
}

static bool same_kind(const qv__csv_column_kind *a, const qv__csv_column_kind *b) {
  return a->kind == b->kind && a->zoned == b->zoned && a->nanos == b->nanos;
}

/* Rebuilds the columns of block i whose own kind is not the column's
 * merged kind (a block of ints in a column that another block made float;
 * seconds where another block has fractions). */
static void rebuild_task(void *ctx, int64_t i) {
  pass_ctx *p = ctx;
  qv__csv_block *b = &p->c->blocks[i];
  const int32_t n_cols = p->c->n_cols;
  b->status = QV_OK;
  b->error_line = INT64_MAX;
  for (int32_t col = 0; col < n_cols; col++) {
    if (same_kind(&p->kinds[i * n_cols + col], &p->final_kinds[col])) continue;
    qv_array_release(p->arrays[i * n_cols + col]);
    p->arrays[i * n_cols + col] = NULL;
    qv_error e;
    b->cell_line = 0;
    const qv_status st =
        qv__csv_build_block_column(p->c, b, col, &p->final_kinds[col], &p->arrays[i * n_cols + col], &e);
    if (st != QV_OK) qv__csv_block_keep_failure(b, st, &e, col);
  }
}

/* Tokenizes a typed block after all, for the passes that look at its
 * values again (the merge of disagreeing kinds, a rebuild); its records
 * are all data and all of the right width (the fast path checked). */
static void detype_task(void *ctx, int64_t i) {
  pass_ctx *p = ctx;
  qv__csv_block *b = &p->c->blocks[i];
  if (!b->typed) return;
  const int64_t lines = b->lines;
  b->status = qv__csv_tokenize_block(b, p->d, 0, &b->error);
  b->lines = lines;
  b->data_first = 0;
  b->n_data = b->n_rows;
  b->typed = false;
}

/* The first failing block's error (input order), or QV_OK. */
static qv_status first_failure(const qv__csv_read_ctx *c, qv_error *err) {
  for (int64_t i = 0; i < c->n_blocks; i++) {
    if (c->blocks[i].status != QV_OK) {
      if (err) *err = c->blocks[i].error;
      return c->blocks[i].status;
    }
  }
  return QV_OK;
}

static void number_lines(qv__csv_read_ctx *c) {
  int64_t line = 1;
  for (int64_t i = 0; i < c->n_blocks; i++) {
    c->blocks[i].first_line = line;
    line += c->blocks[i].lines;
  }
}

/* Quote counts of the input's granules of GRANULE bytes, counted on
 * every core, so that cutting the blocks (one thread, in order) only
 * counts the bytes between a block's start or middle and a granule edge. */
#define GRANULE ((int64_t)1 << 16)
#define GRANULES_PER_TASK 16

typedef struct quote_counts {
  const uint8_t *data;
  int64_t size;
  uint8_t quote;
  int64_t *before; /* before[g]: quotes in data[0, g * GRANULE); n_granules + 1 entries */
  int64_t n_granules;
} quote_counts;

static void count_quotes_task(void *ctx, int64_t task) {
  quote_counts *q = ctx;
  const qv__csv_count_fn count = qv__csv_counter(QV__CSV_ISA_BEST);
  for (int64_t g = task * GRANULES_PER_TASK; g < (task + 1) * GRANULES_PER_TASK && g < q->n_granules; g++) {
    const int64_t from = g * GRANULE, len = q->size - from < GRANULE ? q->size - from : GRANULE;
    q->before[g + 1] = count(q->data + from, len, q->quote, q->quote);
  }
}

/* Quotes in data[0, at). */
static int64_t quotes_before(const quote_counts *q, int64_t at) {
  const int64_t g = at / GRANULE;
  return q->before[g] + qv__csv_counter(QV__CSV_ISA_BEST)(q->data + g * GRANULE, at - g * GRANULE, q->quote, q->quote);
}

/* Cuts data[0, size) into blocks of about block_size bytes: each ends at
 * the first line break past its start + block_size that lies outside
 * quotes by the parity of the quotes since its start (qv__csv_block_end,
 * with the quotes counted in parallel beforehand). */
static qv_status cut_blocks(const uint8_t *data, int64_t size, int64_t block_size, const qv__csv_dialect *d,
                            int n_threads, qv__csv_read_ctx *c, qv_error *err) {
  int64_t cap = size / block_size + 2;
  c->blocks = calloc((size_t)cap, sizeof *c->blocks);
  QV_CHECK_ALLOC(c->blocks, err);
  quote_counts q = {data, size, (uint8_t)d->quote, NULL, (size + GRANULE - 1) / GRANULE};
  if (d->quoting && size > 2 * block_size) {
    q.before = calloc((size_t)q.n_granules + 1, sizeof *q.before);
    QV_CHECK_ALLOC(q.before, err);
    qv__csv_parallel_for(n_threads, (q.n_granules + GRANULES_PER_TASK - 1) / GRANULES_PER_TASK, count_quotes_task,
                         &q);
    for (int64_t g = 0; g < q.n_granules; g++) q.before[g + 1] += q.before[g];
  }
  qv_status st = QV_OK;
  int64_t start = 0;
  do {
    int64_t end;
    if (q.before != NULL && size - start > block_size) {
      const int64_t mid = start + block_size;
      const bool inside = ((quotes_before(&q, mid) - quotes_before(&q, start)) & 1) != 0;
      end = qv__csv_block_end_from(data, size, mid, inside, d, true);
    } else {
      end = qv__csv_block_end(data, size, start, block_size, d, true);
    }
    if (c->n_blocks == cap) {
      qv__csv_block *more = realloc(c->blocks, sizeof *more * (size_t)(cap * 2));
      QV_CHECK_ALLOC_GOTO(more, st, err, done);
      memset(more + cap, 0, sizeof *more * (size_t)cap);
      c->blocks = more;
      cap *= 2;
    }
    qv__csv_block *b = &c->blocks[c->n_blocks++];
    b->data = data + start;
    b->size = end - start;
    b->at_input_start = start == 0;
    start = end;
  } while (start < size);
done:
  free(q.before);
  return st;
}

/* Releases the arrays of blocks [from, n_blocks). */
static void drop_arrays(pass_ctx *p, int64_t from) {
  const int32_t n_cols = p->c->n_cols;
  for (int64_t i = from; i < p->c->n_blocks; i++)
    for (int32_t col = 0; col < n_cols; col++) {
      qv_array_release(p->arrays[i * n_cols + col]);
      p->arrays[i * n_cols + col] = NULL;
    }
}

/* The first pass over every block (blocks past the first typed when
 * p->guess is set, else tokenized). A block that fails to tokenize may be
 * one whose cut fell inside a quoted field (the quote-parity guess is wrong
 * when quotes appear inside unquoted fields): the blocks before it are
 * right (each started at a record boundary and ended cleanly), so the rest
 * of the input is tokenized again as one block from there, sequentially,
 * with its true line numbers; if that fails too, the error is real. */
static qv_status first_pass(pass_ctx *p, int n_threads, const uint8_t *data, int64_t size, qv_error *err) {
  qv__csv_read_ctx *c = p->c;
  const int64_t from = p->guess != NULL ? 1 : 0; /* block 0 is read already */
  qv__csv_parallel_for_workers(n_threads, c->n_blocks, first_pass_task, p);
  int64_t bad = -1;
  for (int64_t i = from; i < c->n_blocks && bad < 0; i++)
    if (c->blocks[i].status != QV_OK) bad = i;
  if (bad < 0) {
    number_lines(c);
    return QV_OK;
  }
  if (c->blocks[bad].status == QV_ERR_NO_MEMORY) return first_failure(c, err);
  if (p->arrays != NULL) drop_arrays(p, bad);
  for (int64_t i = bad; i < c->n_blocks; i++) qv__csv_block_free(&c->blocks[i]);
  qv__csv_block *b = &c->blocks[bad];
  const int64_t start = b->data - data;
  memset(b, 0, sizeof *b);
  b->data = data + start;
  b->size = size - start;
  b->at_input_start = start == 0;
  c->n_blocks = bad + 1;
  number_lines(c);
  QV_RETURN_IF_ERROR(qv__csv_tokenize_block(b, p->d, b->first_line, err));
  b->utf8_valid = qv__utf8_valid_prefix(b->data, b->size) == b->size;
  return QV_OK;
}

/* Undoes qv__csv_setup_columns. */
static void forget_columns(qv__csv_read_ctx *c) {
  for (int32_t i = 0; c->names && i < c->n_cols; i++) free(c->names[i]);
  free(c->names);
  free(c->given);
  c->names = NULL;
  c->given = NULL;
  c->n_cols = 0;
}

static qv_status alloc_tables(pass_ctx *p, qv_error *err) {
  const size_t cells = (size_t)p->c->n_blocks * (size_t)p->c->n_cols + 1;
  p->kinds = calloc(cells, sizeof *p->kinds);
  p->final_kinds = calloc((size_t)p->c->n_cols + 1, sizeof *p->final_kinds);
  p->arrays = calloc(cells, sizeof *p->arrays);
  if (p->kinds == NULL || p->final_kinds == NULL || p->arrays == NULL)
    return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory (CSV columns)");
  return QV_OK;
}

static void free_tables(pass_ctx *p) {
  const size_t cells = (size_t)p->c->n_blocks * (size_t)p->c->n_cols + 1;
  for (size_t k = 0; p->arrays && k < cells; k++) qv_array_release(p->arrays[k]);
  free(p->arrays);
  free((void *)p->final_kinds);
  free(p->kinds);
  p->arrays = NULL;
  p->final_kinds = NULL;
  p->kinds = NULL;
}

/* Whether the fast path builds every column whose type was given. */
static bool given_supported(const qv__csv_read_ctx *c) {
  for (int32_t col = 0; c->given != NULL && col < c->n_cols; col++)
    if (!qv__csv_typed_supports(&c->given[col])) return false;
  return true;
}

/* The header and columns (into c), found in the first block, and that
 * block read the general way, serially, so that its kinds can guide the
 * typed fast path over the other blocks (p->guess). false, with all of it
 * undone, when the fast path is not for this input: a header past the
 * first block, a given column type the fast path does not build, or a
 * first block that fails (the general path then finds and reports the
 * same failure in input order). */
static bool read_first_block(const qv_csv_read_options *o, pass_ctx *p, int64_t *data_block, int64_t *data_rec,
                             bool *has_header, int64_t *skipped) {
  qv__csv_read_ctx *c = p->c;
  if (qv__csv_typed_off || c->n_blocks < 2) return false;
  qv__csv_block *b = &c->blocks[0];
  tokenize_task(p, 0);
  if (b->status != QV_OK || o->skip_rows >= b->n_rows) {
    qv__csv_block_free(b);
    b->status = QV_OK;
    return false;
  }
  number_lines(c); /* block 0's first line (later blocks are numbered after the first pass) */
  qv_error e;
  int64_t skipped0 = 0;
  if (qv__csv_setup_columns(o, c, 0, o->skip_rows, data_block, data_rec, has_header, &e) != QV_OK ||
      !given_supported(c) || c->n_cols == 0 ||
      qv__csv_choose_data(o, c, 0, 1, *data_block, *data_rec, *has_header, &skipped0, &e) != QV_OK ||
      alloc_tables(p, &e) != QV_OK) {
    free_tables(p);
    forget_columns(c);
    return false;
  }
  infer_build_task(p, 0);
  if (b->status != QV_OK) {
    b->status = QV_OK;
    free_tables(p);
    forget_columns(c);
    return false;
  }
  *skipped += skipped0;
  p->guess = p->kinds; /* block 0's row of the table */
  return true;
}

/* Whether the blocks' own kinds of some column disagree (the merge then
 * looks at the values of every block). */
static bool kinds_disagree(const pass_ctx *p) {
  const qv__csv_read_ctx *c = p->c;
  for (int32_t col = 0; col < c->n_cols; col++) {
    const qv__csv_column_kind *seen = NULL;
    for (int64_t i = 0; i < c->n_blocks; i++) {
      const qv__csv_column_kind *k = &p->kinds[i * c->n_cols + col];
      if (c->blocks[i].n_data == 0 || k->kind == QV__CSV_NULL) continue;
      if (seen != NULL && (k->kind != seen->kind || k->zoned != seen->zoned)) return true;
      seen = k;
    }
  }
  return false;
}

/* Tokenizes the typed blocks that a rebuild or merge must read again:
 * every one (all), or those with a column whose kind is not the final. */
static qv_status detype(pass_ctx *p, int n_threads, bool all, qv_error *err) {
  qv__csv_read_ctx *c = p->c;
  bool any = false;
  for (int64_t i = 0; i < c->n_blocks; i++) {
    qv__csv_block *b = &c->blocks[i];
    if (!b->typed) continue;
    bool need = all;
    for (int32_t col = 0; col < c->n_cols && !need; col++)
      need = !same_kind(&p->kinds[i * c->n_cols + col], &p->final_kinds[col]);
    if (need) any = true;
    else b->typed = false; /* kept as it is: marked so that detype_task skips it */
    b->status = QV_OK;
  }
  if (!any) return QV_OK;
  /* detype_task tokenizes the blocks still marked (the others were
   * unmarked above: their columns stay as they are and nothing after this
   * reads their records). */
  qv__csv_parallel_for(n_threads, c->n_blocks, detype_task, p);
  return first_failure(c, err);
}

static qv_status assemble(qv__csv_read_ctx *c, const qv__csv_column_kind *kinds, qv_array **arrays,
                          qv_table **out, qv_error *err) {
  const int32_t n_cols = c->n_cols;
  qv_status st = QV_OK;
  qv_batch **batches = calloc((size_t)c->n_blocks + 1, sizeof *batches);
  qv_schema *schema = NULL;
  int64_t n_batches = 0;
  QV_CHECK_ALLOC(batches, err);
  QV_GOTO_IF_ERROR(st, qv__csv_schema(c, kinds, &schema, err), done);
  for (int64_t i = 0; i < c->n_blocks; i++) {
    if (c->blocks[i].n_data == 0 && !(i == c->n_blocks - 1 && n_batches == 0)) continue;
    QV_GOTO_IF_ERROR(st,
                     qv_batch_new(schema, c->blocks[i].n_data, arrays + i * n_cols, NULL, &batches[n_batches], err),
                     done);
    n_batches++;
  }
  st = qv_table_new(schema, batches, n_batches, out, err);
done:
  for (int64_t i = 0; i < n_batches; i++) qv_batch_release(batches[i]);
  qv_schema_release(schema);
  free(batches);
  return st;
}

static qv_status read_blocks(const qv_csv_read_options *o, qv__csv_read_ctx *c, const qv__csv_dialect *d,
                             int n_threads, const uint8_t *data, int64_t size, qv_table **out,
                             qv_csv_read_stats *stats, qv_error *err) {
  pass_ctx *p = calloc(1, sizeof *p);
  QV_CHECK_ALLOC(p, err);
  p->c = c;
  p->d = d;
  qv_status st = QV_OK;
  int64_t data_block = 0, data_rec = 0, skipped = 0;
  bool has_header = false;
  const bool typed = read_first_block(o, p, &data_block, &data_rec, &has_header, &skipped);
  QV_GOTO_IF_ERROR(st, first_pass(p, n_threads, data, size, err), done);
  if (!typed) {
    /* The header: the first record after skip_rows, counted across blocks. */
    int64_t skip = o->skip_rows, hb = -1, hr = -1;
    for (int64_t i = 0; i < c->n_blocks && hb < 0; i++) {
      if (skip < c->blocks[i].n_rows) {
        hb = i;
        hr = skip;
      } else {
        skip -= c->blocks[i].n_rows;
      }
    }
    QV_GOTO_IF_ERROR(st, qv__csv_setup_columns(o, c, hb, hr, &data_block, &data_rec, &has_header, err), done);
  }
  QV_GOTO_IF_ERROR(st,
                   qv__csv_choose_data(o, c, typed ? 1 : 0, c->n_blocks, data_block, data_rec, has_header, &skipped,
                                       err),
                   done);
  if (!typed) QV_GOTO_IF_ERROR(st, alloc_tables(p, err), done);

  for (int64_t i = 0; i < c->n_blocks; i++) c->blocks[i].status = QV_OK;
  qv__csv_parallel_for(n_threads, c->n_blocks, infer_build_task, p);
  QV_GOTO_IF_ERROR(st, first_failure(c, err), done);
  if (typed && kinds_disagree(p)) QV_GOTO_IF_ERROR(st, detype(p, n_threads, true, err), done);
  qv__csv_column_kind *final_kinds = (qv__csv_column_kind *)p->final_kinds;
  for (int32_t col = 0; col < c->n_cols; col++) qv__csv_merge_kinds(c, p->kinds, col, &final_kinds[col]);
  if (typed) QV_GOTO_IF_ERROR(st, detype(p, n_threads, false, err), done);
  qv__csv_parallel_for(n_threads, c->n_blocks, rebuild_task, p);
  QV_GOTO_IF_ERROR(st, first_failure(c, err), done);
  QV_GOTO_IF_ERROR(st, assemble(c, p->final_kinds, p->arrays, out, err), done);
  if (stats) {
    stats->rows = 0;
    for (int64_t i = 0; i < c->n_blocks; i++) stats->rows += c->blocks[i].n_data;
    stats->skipped_rows = skipped;
  }
done:
  free_tables(p);
  for (int t = 0; t < QV__CSV_MAX_THREADS; t++) qv__csv_scratch_free(&p->scratch[t]);
  free(p);
  return st;
}

qv_status qv_csv_read_memory_ex(const void *data, size_t size, const qv_csv_read_options *opts, qv_table **out,
                                qv_csv_read_stats *stats, qv_error *err) {
  if (out == NULL || (data == NULL && size > 0))
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_csv_read_memory: NULL argument");
  *out = NULL;
  static const qv_csv_read_options k_defaults = QV_CSV_READ_OPTIONS_DEFAULT;
  const qv_csv_read_options *o = opts ? opts : &k_defaults;
  const int64_t max = o->max_input_size > 0 ? o->max_input_size : QV_CSV_DEFAULT_MAX_INPUT;
  if (size > (uint64_t)max)
    return qv_error_set(err, QV_ERR_LIMIT, "CSV input of %llu bytes is past the limit of %lld (max_input_size)",
                        (unsigned long long)size, (long long)max);
  if (o->block_size < 0 || o->n_threads < 0)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "CSV options: block_size and n_threads must not be negative");
  const int64_t block_size = o->block_size > 0 ? o->block_size : QV_CSV_DEFAULT_BLOCK_SIZE;
  const int n_threads = o->n_threads > 0 ? o->n_threads : qv__csv_default_threads();
  qv__csv_dialect d;
  qv__csv_read_ctx *c = calloc(1, sizeof *c);
  QV_CHECK_ALLOC(c, err);
  qv_status st = qv__csv_ctx_init(o, &d, c, err);
  if (st == QV_OK) st = cut_blocks((const uint8_t *)data, (int64_t)size, block_size, &d, n_threads, c, err);
  if (st == QV_OK) st = read_blocks(o, c, &d, n_threads, (const uint8_t *)data, (int64_t)size, out, stats, err);
  qv__csv_ctx_free(c);
  free(c);
  return st;
}

qv_status qv_csv_read_memory(const void *data, size_t size, const qv_csv_read_options *opts, qv_table **out,
                             qv_error *err) {
  return qv_csv_read_memory_ex(data, size, opts, out, NULL, err);
}

/* Reads fd to its end into a malloc'd buffer of at most `max` bytes. A
 * regular file's buffer is sized once from its length (no regrowth, no
 * copies; one byte more to see that the end was reached). */
static qv_status slurp(int fd, const char *what, int64_t max, char **out, size_t *size, qv_error *err) {
  size_t cap = 1 << 16, len = 0;
  struct stat sb;
  if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode)) {
    const off_t at = lseek(fd, 0, SEEK_CUR);
    const int64_t left = (int64_t)sb.st_size - (at > 0 ? (int64_t)at : 0);
    if (left > max)
      return qv_error_set(err, QV_ERR_LIMIT, "CSV input from %s is past the limit of %lld bytes (max_input_size)",
                          what, (long long)max);
    if (left >= 0) cap = (size_t)left + 1;
  }
  char *buf = malloc(cap);
  QV_CHECK_ALLOC(buf, err);
  for (;;) {
    if (len == cap) {
      char *next = realloc(buf, cap * 2);
      if (next == NULL) {
        free(buf);
        return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory reading CSV from %s", what);
      }
      buf = next;
      cap *= 2;
    }
    const ssize_t got = read(fd, buf + len, cap - len);
    if (got < 0) {
      if (errno == EINTR) continue;
      const int e = errno;
      free(buf);
      return qv_error_set(err, QV_ERR_IO, "reading CSV from %s: %s", what, strerror(e));
    }
    if (got == 0) break;
    len += (size_t)got;
    if ((int64_t)len > max) {
      free(buf);
      return qv_error_set(err, QV_ERR_LIMIT, "CSV input from %s is past the limit of %lld bytes (max_input_size)",
                          what, (long long)max);
    }
  }
  *out = buf;
  *size = len;
  return QV_OK;
}

/* A regular file read from its start is mapped instead of copied: the
 * copy and the zeroed pages it needs were a quarter of a read's time. The
 * pages are mapped as the passes first touch them, on every core
 * (MAP_POPULATE mapped them all on the calling thread first, a twentieth
 * of a read with the other cores idle). The table owns
 * no part of the input (values are parsed, strings copied), so the
 * mapping ends with the read. Like the IPC path readers, a file truncated
 * by another process during the read faults (SIGBUS). */
static bool map_file(int fd, int64_t max, const uint8_t **out, size_t *size) {
  struct stat sb;
  if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size <= 0 || (int64_t)sb.st_size > max) return false;
  if (lseek(fd, 0, SEEK_CUR) != 0) return false;
  void *p = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (p == MAP_FAILED) return false;
  *out = p;
  *size = (size_t)sb.st_size;
  return true;
}

static qv_status read_fd_named(int fd, const char *what, const qv_csv_read_options *opts, qv_table **out,
                               qv_error *err) {
  const int64_t max = (opts && opts->max_input_size > 0) ? opts->max_input_size : QV_CSV_DEFAULT_MAX_INPUT;
  const uint8_t *mapped = NULL;
  size_t size = 0;
  if (map_file(fd, max, &mapped, &size)) {
    qv_status st = qv_csv_read_memory(mapped, size, opts, out, err);
    munmap((void *)mapped, size);
    return st;
  }
  char *buf = NULL;
  QV_RETURN_IF_ERROR(slurp(fd, what, max, &buf, &size, err));
  qv_status st = qv_csv_read_memory(buf, size, opts, out, err);
  free(buf);
  return st;
}

qv_status qv_csv_read_fd(int fd, const qv_csv_read_options *opts, qv_table **out, qv_error *err) {
  if (out == NULL || fd < 0) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_csv_read_fd: bad argument");
  return read_fd_named(fd, "a file descriptor", opts, out, err);
}

qv_status qv_csv_read_path(const char *path, const qv_csv_read_options *opts, qv_table **out, qv_error *err) {
  if (path == NULL || out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_csv_read_path: NULL argument");
  const int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return qv_error_set(err, QV_ERR_IO, "cannot open '%s': %s", path, strerror(errno));
  qv_status st = read_fd_named(fd, path, opts, out, err);
  close(fd);
  return st;
}
