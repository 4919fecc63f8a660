/* quiver csv: the streaming reader (qv_csv_reader). Reads its input a
 * round at a time: up to n_threads blocks of about block_size bytes, cut
 * at record boundaries, tokenized and built on every core (the same
 * passes as the whole-input reader, read.c), each block becoming one
 * batch handed out by _next. Only the bytes of the round in hand are
 * buffered, so memory is bounded by the round plus the longest record
 * (max_record_size), whatever the input's size.
 *
 * Types: the first round that holds data is inferred and merged as read.c
 * does; every later round is built with those kinds fixed, so a later
 * value that does not fit is an error naming line, column, value and type
 * (pyarrow's open_csv does the same), never a silently different type.
 * Later rounds read their blocks by the typed fast path (typed.c) with the
 * fixed kinds; a block it gives up on is tokenized and built the general
 * way, which reports what does not fit.
 *
 * Cuts: a block ends at the first line break outside quotes past
 * block_size, found from the parity of the quotes (fast, vectorized). The
 * parity is only a guess (quotes inside unquoted fields throw it off), but
 * a block that starts at a record boundary and tokenizes cleanly also ends
 * at one; so the blocks of a round are good up to the first that fails.
 * Its round ends there, and the next round cuts its first block by
 * walking the records exactly (qv__csv_record_end_exact); only when that
 * block fails too is the error real. A record that crosses the end of the
 * buffered bytes (a quoted line break, a long line) is completed by
 * reading more, up to max_record_size.
 *
 * Invariants: r->pos is a record boundary of the input and r->line the
 * 1-based line of the byte there; bytes before r->pos are never looked at
 * again (for fd and callback inputs they are dropped from the buffer at
 * the next round); after a failure every call returns the same error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/utf8.h"
#include "csv/read_internal.h"

struct qv_csv_reader {
  qv_csv_read_options opts; /* a copy; the lists it points to are borrowed */
  qv__csv_dialect dialect;
  qv__csv_read_ctx c; /* the blocks of the round in hand, the columns */
  int n_threads;
  int64_t block_size, max_record;

  /* Input: memory (data = the caller's bytes, eof from the start) or read
   * through `read` into buf. Bytes [pos, len) of data are unconsumed. */
  qv_csv_read_fn read;
  void *read_ctx;
  int fd; /* for the fd and path readers; -1 otherwise */
  bool own_fd;
  const uint8_t *data;
  uint8_t *buf;
  int64_t cap, len, pos;
  bool eof;
  int64_t line;     /* line of the byte at pos (1-based) */
  bool exact_first; /* cut the next round's first block exactly */
  int64_t consumed; /* bytes of input consumed (a BOM counts only at 0) */

  /* Columns and output. */
  bool have_columns;   /* the header (or the given names) is known */
  int64_t skip_left;   /* records still to skip before the header */
  bool header_pending; /* the header record is the next record */
  qv__csv_column_kind *kinds; /* n_cols final kinds, once inferred */
  qv_schema *schema;
  qv_batch **queue;
  int64_t n_queue, next_queue, queue_cap;
  int64_t rows, skipped;
  qv_status failed;
  qv_error error;

  /* The typed fast path (typed.c) for the rounds after the first with
   * data: their blocks are read straight into columns of the final kinds
   * when they can be, each worker with its scratch. */
  bool typed;
  qv__csv_scratch scratch[QV__CSV_MAX_THREADS];
};

/* ---- input ---- */

static qv_status fd_read(void *ctx, void *buf, size_t cap, size_t *got, qv_error *err) {
  const int fd = *(const int *)ctx;
  for (;;) {
    const ssize_t n = read(fd, buf, cap);
    if (n >= 0) {
      *got = (size_t)n;
      return QV_OK;
    }
    if (errno != EINTR) return qv_error_set(err, QV_ERR_IO, "reading CSV input: %s", strerror(errno));
  }
}

/* Makes at least `want` unconsumed bytes available, or all there are up
 * to the end of input. Consumed bytes are dropped first. */
static qv_status fill(qv_csv_reader *r, int64_t want, qv_error *err) {
  if (r->read == NULL || r->eof || r->len - r->pos >= want) return QV_OK;
  if (r->pos > 0) {
    memmove(r->buf, r->buf + r->pos, (size_t)(r->len - r->pos));
    r->len -= r->pos;
    r->pos = 0;
  }
  if (want > r->cap) {
    int64_t cap = r->cap ? r->cap : 1 << 16;
    while (cap < want) cap *= 2;
    uint8_t *more = realloc(r->buf, (size_t)cap);
    if (more == NULL)
      return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory buffering %lld bytes of CSV input", (long long)cap);
    r->buf = more;
    r->cap = cap;
  }
  r->data = r->buf;
  while (r->len < want) {
    size_t got = 0;
    QV_RETURN_IF_ERROR(r->read(r->read_ctx, r->buf + r->len, (size_t)(r->cap - r->len), &got, err));
    if (got == 0) {
      r->eof = true;
      break;
    }
    if (got > (size_t)(r->cap - r->len))
      return qv_error_set(err, QV_ERR_IO, "the CSV read callback returned more bytes than asked for");
    r->len += (int64_t)got;
  }
  return QV_OK;
}

/* ---- one round ---- */

typedef struct pass_ctx {
  qv_csv_reader *r;
  qv__csv_column_kind *kinds; /* [block * n_cols + col] */
  qv_array **arrays;          /* [block * n_cols + col] */
} pass_ctx;

/* Block i: read by the typed fast path when the kinds are final and it
 * can be, else tokenized for the general build. */
static void first_pass_task(void *ctx, int64_t i, int worker) {
  pass_ctx *p = ctx;
  qv_csv_reader *r = p->r;
  qv__csv_block *b = &r->c.blocks[i];
  if (r->typed) {
    const int32_t n_cols = r->c.n_cols;
    bool done = false;
    b->status = qv__csv_typed_block(&r->c, &r->dialect, b, r->kinds, true, &r->scratch[worker],
                                    &p->kinds[i * n_cols], &p->arrays[i * n_cols], &done, &b->error);
    if (done || b->status != QV_OK) return;
  }
  b->status = qv__csv_tokenize_block(b, &r->dialect, i == 0 ? r->line : 0, &b->error);
  if (b->status == QV_OK) b->utf8_valid = qv__utf8_valid_prefix(b->data, b->size) == b->size;
}

static void build_task(void *ctx, int64_t i) {
  pass_ctx *p = ctx;
  qv__csv_read_ctx *c = &p->r->c;
  qv__csv_block *b = &c->blocks[i];
  const int32_t n_cols = c->n_cols;
  b->status = QV_OK;
  b->error_line = INT64_MAX;
  if (b->typed) return; /* built already */
  for (int32_t col = 0; col < n_cols; col++) {
    qv__csv_column_kind *k = &p->kinds[i * n_cols + col];
    if (c->kinds_fixed) *k = p->r->kinds[col];
    qv_error e;
    b->cell_line = 0;
    const qv_status st = qv__csv_block_column(c, b, col, k, &p->arrays[i * n_cols + col], &e);
    if (st != QV_OK) qv__csv_block_keep_failure(b, st, &e, col);
  }
}

/* After the first round's merge: rebuilds the columns whose block kind is
 * not the merged one. */
static void rebuild_task(void *ctx, int64_t i) {
  pass_ctx *p = ctx;
  qv__csv_read_ctx *c = &p->r->c;
  qv__csv_block *b = &c->blocks[i];
  const int32_t n_cols = c->n_cols;
  b->status = QV_OK;
  b->error_line = INT64_MAX;
  for (int32_t col = 0; col < n_cols; col++) {
    const qv__csv_column_kind *mine = &p->kinds[i * n_cols + col], *final = &p->r->kinds[col];
    if (mine->kind == final->kind && mine->zoned == final->zoned && mine->nanos == final->nanos) continue;
    qv_array_release(p->arrays[i * n_cols + col]);
    p->arrays[i * n_cols + col] = NULL;
    qv_error e;
    b->cell_line = 0;
    const qv_status st = qv__csv_build_block_column(c, b, col, final, &p->arrays[i * n_cols + col], &e);
    if (st != QV_OK) qv__csv_block_keep_failure(b, st, &e, col);
  }
}

static qv_status first_failure(const qv__csv_read_ctx *c, qv_error *err) {
  for (int64_t i = 0; i < c->n_blocks; i++)
    if (c->blocks[i].status != QV_OK) {
      if (err) *err = c->blocks[i].error;
      return c->blocks[i].status;
    }
  return QV_OK;
}

static void drop_blocks(qv__csv_read_ctx *c, int64_t from) {
  for (int64_t i = from; i < c->n_blocks; i++) {
    qv__csv_block_free(&c->blocks[i]);
    memset(&c->blocks[i], 0, sizeof c->blocks[i]);
  }
  if (from < c->n_blocks) c->n_blocks = from;
}

/* Cuts the round's blocks from pos. The first block must be whole: when
 * its end is not among the buffered bytes, more are read (up to
 * max_record_size); the others stop at the buffered bytes. */
static qv_status cut_round(qv_csv_reader *r, qv_error *err) {
  qv__csv_read_ctx *c = &r->c;
  const qv__csv_dialect *d = &r->dialect;
  int64_t start = r->pos;
  int64_t end;
  for (;;) {
    const int64_t n = r->len;
    end = r->exact_first ? -1 : qv__csv_block_end(r->data, n, start, r->block_size, d, r->eof);
    if (end < 0) end = qv__csv_record_end_exact(r->data, n, start, r->block_size, d, r->eof);
    if (end >= 0) break;
    const int64_t have = r->len - r->pos;
    if (have >= r->max_record)
      return qv_error_set(err, QV_ERR_LIMIT,
                          "CSV line %lld: no record ends within %lld bytes (max_record_size): an unclosed quote, a "
                          "line longer than that, or not CSV at all",
                          (long long)r->line, (long long)r->max_record);
    int64_t want = have * 2 > r->max_record ? r->max_record : have * 2;
    if (want < r->block_size * 2) want = r->block_size * 2;
    QV_RETURN_IF_ERROR(fill(r, want, err));
    start = r->pos;
  }
  c->n_blocks = 0;
  while (c->n_blocks < r->n_threads) {
    qv__csv_block *b = &c->blocks[c->n_blocks++];
    memset(b, 0, sizeof *b);
    b->data = r->data + start;
    b->size = end - start;
    b->at_input_start = r->consumed == 0 && start == r->pos;
    start = end;
    if (start >= r->len) break;
    end = qv__csv_block_end(r->data, r->len, start, r->block_size, d, r->eof);
    if (end < 0) break;
  }
  return QV_OK;
}

/* Releases the arrays the fast path built for blocks [from, n_blocks). */
static void drop_arrays(pass_ctx *p, int64_t from) {
  const qv__csv_read_ctx *c = &p->r->c;
  for (int64_t i = from; p->arrays != NULL && i < c->n_blocks; i++)
    for (int32_t col = 0; col < c->n_cols; col++) {
      qv_array_release(p->arrays[i * c->n_cols + col]);
      p->arrays[i * c->n_cols + col] = NULL;
    }
}

/* Tokenizes the round (or reads its blocks by the fast path, into p's
 * tables); on return its blocks are the good ones (maybe fewer than cut),
 * or the error is real. *again: the round must be cut anew (its first
 * block failed on a guessed cut). */
static qv_status tokenize_round(qv_csv_reader *r, pass_ctx *p, bool *again, qv_error *err) {
  qv__csv_read_ctx *c = &r->c;
  qv__csv_parallel_for_workers(r->n_threads, c->n_blocks, first_pass_task, p);
  *again = false;
  int64_t bad = -1;
  for (int64_t i = 0; i < c->n_blocks && bad < 0; i++)
    if (c->blocks[i].status != QV_OK) bad = i;
  if (bad < 0) {
    r->exact_first = false;
    return QV_OK;
  }
  const qv__csv_block *b0 = &c->blocks[0];
  const bool first_is_exact = r->exact_first || (r->eof && b0->data + b0->size == r->data + r->len);
  drop_arrays(p, bad);
  if (bad == 0 && first_is_exact) {
    if (err) *err = c->blocks[0].error;
    const qv_status st = c->blocks[0].status;
    drop_blocks(c, 0);
    return st;
  }
  drop_blocks(c, bad);
  r->exact_first = true;
  *again = bad == 0;
  return QV_OK;
}

static void number_lines(qv_csv_reader *r) {
  int64_t line = r->line;
  for (int64_t i = 0; i < r->c.n_blocks; i++) {
    r->c.blocks[i].first_line = line;
    line += r->c.blocks[i].lines;
  }
}

/* The round's blocks are consumed: pos and line move past them. */
static void consume(qv_csv_reader *r) {
  qv__csv_read_ctx *c = &r->c;
  if (c->n_blocks == 0) return;
  const qv__csv_block *last = &c->blocks[c->n_blocks - 1];
  const int64_t end = (last->data + last->size) - r->data;
  r->consumed += end - r->pos;
  r->pos = end;
  for (int64_t i = 0; i < c->n_blocks; i++) r->line += c->blocks[i].lines;
}

/* Whether the round's blocks run to the end of the input. */
static bool round_reaches_end(const qv_csv_reader *r) {
  const qv__csv_read_ctx *c = &r->c;
  if (!r->eof) return false;
  if (c->n_blocks == 0) return r->pos >= r->len;
  const qv__csv_block *last = &c->blocks[c->n_blocks - 1];
  return last->data + last->size == r->data + r->len;
}

/* Finds the header among the round's records (after skip_rows) and sets
 * the columns once it is found, or at the end of input (then only given
 * column names make columns). *data_block, *data_rec: the first data
 * record of this round. */
static qv_status find_header(qv_csv_reader *r, int64_t *data_block, int64_t *data_rec, bool *has_header,
                             qv_error *err) {
  qv__csv_read_ctx *c = &r->c;
  int64_t hb = -1, hr = -1;
  for (int64_t i = 0; i < c->n_blocks && hb < 0; i++) {
    if (r->skip_left < c->blocks[i].n_rows) {
      hb = i;
      hr = r->skip_left;
      r->skip_left = 0;
    } else {
      r->skip_left -= c->blocks[i].n_rows;
    }
  }
  if (hb < 0 && !round_reaches_end(r)) return QV_OK;
  QV_RETURN_IF_ERROR(qv__csv_setup_columns(&r->opts, c, hb, hr, data_block, data_rec, has_header, err));
  r->have_columns = true;
  return QV_OK;
}

static qv_status queue_batch(qv_csv_reader *r, qv_batch *batch, qv_error *err) {
  if (r->n_queue == r->queue_cap) {
    const int64_t cap = r->queue_cap ? r->queue_cap * 2 : 8;
    qv_batch **more = realloc(r->queue, sizeof *more * (size_t)cap);
    if (more == NULL) {
      qv_batch_release(batch);
      return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory (CSV batch queue)");
    }
    r->queue = more;
    r->queue_cap = cap;
  }
  r->queue[r->n_queue++] = batch;
  return QV_OK;
}

/* Builds the round's columns (inferring them in the first round with
 * data; the blocks the fast path read are built already) and queues one
 * batch per block that has data rows. */
static qv_status build_round(qv_csv_reader *r, pass_ctx *p, qv_error *err) {
  qv__csv_read_ctx *c = &r->c;
  const int32_t n_cols = c->n_cols;
  qv_status st = QV_OK;
  qv_array **arrays = p->arrays;
  for (int64_t i = 0; i < c->n_blocks; i++) c->blocks[i].status = QV_OK;
  qv__csv_parallel_for(r->n_threads, c->n_blocks, build_task, p);
  QV_GOTO_IF_ERROR(st, first_failure(c, err), done);
  if (!c->kinds_fixed) {
    r->kinds = calloc((size_t)n_cols + 1, sizeof *r->kinds);
    QV_CHECK_ALLOC_GOTO(r->kinds, st, err, done);
    r->typed = !qv__csv_typed_off;
    for (int32_t col = 0; col < n_cols; col++) {
      qv__csv_merge_kinds(c, p->kinds, col, &r->kinds[col]);
      r->typed = r->typed && qv__csv_typed_supports(&r->kinds[col]);
    }
    qv__csv_parallel_for(r->n_threads, c->n_blocks, rebuild_task, p);
    QV_GOTO_IF_ERROR(st, first_failure(c, err), done);
    QV_GOTO_IF_ERROR(st, qv__csv_schema(c, r->kinds, &r->schema, err), done);
    c->kinds_fixed = true;
  }
  for (int64_t i = 0; i < c->n_blocks; i++) {
    if (c->blocks[i].n_data == 0) continue;
    qv_batch *batch = NULL;
    QV_GOTO_IF_ERROR(st, qv_batch_new(r->schema, c->blocks[i].n_data, arrays + i * n_cols, NULL, &batch, err), done);
    QV_GOTO_IF_ERROR(st, queue_batch(r, batch, err), done);
    r->rows += c->blocks[i].n_data;
  }
done:
  return st;
}

/* The round's tables of kinds and arrays (a row of n_cols per block), once
 * the columns are known. */
static qv_status alloc_tables(qv_csv_reader *r, pass_ctx *p, qv_error *err) {
  if (p->kinds != NULL) return QV_OK;
  const size_t cells = (size_t)r->n_threads * (size_t)r->c.n_cols + 1;
  p->kinds = calloc(cells, sizeof *p->kinds);
  p->arrays = calloc(cells, sizeof *p->arrays);
  if (p->kinds == NULL || p->arrays == NULL)
    return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory (CSV columns)");
  return QV_OK;
}

static void free_tables(qv_csv_reader *r, pass_ctx *p) {
  const size_t cells = (size_t)r->n_threads * (size_t)r->c.n_cols + 1;
  for (size_t k = 0; p->arrays != NULL && k < cells; k++) qv_array_release(p->arrays[k]);
  free(p->arrays);
  free(p->kinds);
}

/* The round after the input's end is known to be reached, or the blocks
 * cut, read and built (round_once). */
static qv_status round_blocks(qv_csv_reader *r, pass_ctx *p, qv_error *err) {
  qv__csv_read_ctx *c = &r->c;
  if (r->typed) QV_RETURN_IF_ERROR(alloc_tables(r, p, err));
  bool again = true;
  while (again) {
    QV_RETURN_IF_ERROR(cut_round(r, err));
    QV_RETURN_IF_ERROR(tokenize_round(r, p, &again, err));
  }
  number_lines(r);
  int64_t data_block = 0, data_rec = 0;
  bool has_header = false;
  if (!r->have_columns) {
    QV_RETURN_IF_ERROR(find_header(r, &data_block, &data_rec, &has_header, err));
    if (!r->have_columns) {
      consume(r);
      return QV_OK;
    }
    r->header_pending = has_header;
  }
  int64_t skipped = 0;
  QV_RETURN_IF_ERROR(
      qv__csv_choose_data(&r->opts, c, 0, c->n_blocks, data_block, data_rec, r->header_pending, &skipped, err));
  r->skipped += skipped;
  if (c->kinds_fixed || c->n_blocks > 0) {
    bool any_data = false;
    for (int64_t i = 0; i < c->n_blocks; i++) any_data = any_data || c->blocks[i].n_data > 0;
    /* Types are inferred from the first round with data (or, at the end of
     * input, from nothing: null columns). */
    if (any_data || c->kinds_fixed || round_reaches_end(r)) {
      QV_RETURN_IF_ERROR(alloc_tables(r, p, err));
      QV_RETURN_IF_ERROR(build_round(r, p, err));
    }
  }
  consume(r);
  return QV_OK;
}

/* Reads one round: cuts, tokenizes (or reads by the fast path), finds the
 * header if still needed, builds and queues the batches. At the end of
 * input leaves the queue as it is. */
static qv_status round_once(qv_csv_reader *r, qv_error *err) {
  qv__csv_read_ctx *c = &r->c;
  drop_blocks(c, 0);
  QV_RETURN_IF_ERROR(fill(r, r->block_size * r->n_threads + 1, err));
  if (r->pos >= r->len && r->eof) {
    if (!r->have_columns) {
      int64_t db = 0, dr = 0;
      bool hh = false;
      QV_RETURN_IF_ERROR(find_header(r, &db, &dr, &hh, err));
    }
    return QV_OK;
  }
  pass_ctx p = {r, NULL, NULL};
  const qv_status st = round_blocks(r, &p, err);
  free_tables(r, &p);
  return st;
}

static bool at_end(const qv_csv_reader *r) { return r->eof && r->pos >= r->len; }

/* Rounds until a batch is queued or the input ends; the schema is known
 * after the first call that returns OK. */
static qv_status advance(qv_csv_reader *r, qv_error *err) {
  while (r->next_queue == r->n_queue) {
    for (int64_t i = 0; i < r->n_queue; i++) qv_batch_release(r->queue[i]);
    r->n_queue = r->next_queue = 0;
    if (at_end(r) && r->schema != NULL) return QV_OK;
    const int64_t before = r->consumed;
    const bool had_schema = r->schema != NULL;
    QV_RETURN_IF_ERROR(round_once(r, err));
    if (r->schema == NULL && r->have_columns && at_end(r)) {
      /* No data at all: null columns (or the given types). */
      qv__csv_read_ctx *c = &r->c;
      r->kinds = calloc((size_t)c->n_cols + 1, sizeof *r->kinds);
      QV_CHECK_ALLOC(r->kinds, err);
      for (int32_t col = 0; col < c->n_cols; col++)
        if (c->given != NULL) r->kinds[col] = c->given[col];
      QV_RETURN_IF_ERROR(qv__csv_schema(c, r->kinds, &r->schema, err));
      c->kinds_fixed = true;
    }
    if (at_end(r) && r->next_queue == r->n_queue) return QV_OK;
    if (r->consumed == before && r->next_queue == r->n_queue && had_schema == (r->schema != NULL) && !at_end(r))
      return qv_error_set(err, QV_ERR_INVALID_DATA, "CSV reader made no progress at line %lld", (long long)r->line);
  }
  return QV_OK;
}

/* ---- public ---- */

static qv_status open_reader(const qv_csv_read_options *opts, qv_csv_reader **out, qv_csv_reader **made,
                             qv_error *err) {
  *made = NULL;
  if (out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_csv_reader_open: NULL argument");
  *out = NULL;
  qv_csv_reader *r = calloc(1, sizeof *r);
  QV_CHECK_ALLOC(r, err);
  *made = r;
  static const qv_csv_read_options k_defaults = QV_CSV_READ_OPTIONS_DEFAULT;
  r->opts = opts ? *opts : k_defaults;
  r->fd = -1;
  r->line = 1;
  if (r->opts.block_size < 0 || r->opts.n_threads < 0 || r->opts.max_record_size < 0)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT,
                        "CSV options: block_size, n_threads and max_record_size must not be negative");
  r->block_size = r->opts.block_size > 0 ? r->opts.block_size : QV_CSV_DEFAULT_BLOCK_SIZE;
  if (r->block_size > QV__CSV_MAX_BLOCK / 4) r->block_size = QV__CSV_MAX_BLOCK / 4;
  r->n_threads = r->opts.n_threads > 0 ? r->opts.n_threads : qv__csv_default_threads();
  if (r->n_threads > 8) r->n_threads = 8;
  r->max_record = r->opts.max_record_size > 0 ? r->opts.max_record_size : QV_CSV_DEFAULT_MAX_RECORD;
  if (r->max_record > QV__CSV_MAX_BLOCK) r->max_record = QV__CSV_MAX_BLOCK;
  r->skip_left = r->opts.skip_rows;
  r->c.blocks = calloc((size_t)r->n_threads, sizeof *r->c.blocks);
  QV_CHECK_ALLOC(r->c.blocks, err);
  return qv__csv_ctx_init(&r->opts, &r->dialect, &r->c, err);
}

/* Reads up to the schema; on failure frees the reader. */
static qv_status start(qv_csv_reader *r, qv_csv_reader **out, qv_error *err) {
  qv_status st = advance(r, err);
  if (st == QV_OK && r->schema == NULL)
    st = qv_error_set(err, QV_ERR_INVALID_DATA, "CSV input ended before its columns were known");
  if (st != QV_OK) {
    qv_csv_reader_free(r);
    return st;
  }
  *out = r;
  return QV_OK;
}

qv_status qv_csv_reader_open_memory(const void *data, size_t size, const qv_csv_read_options *opts,
                                    qv_csv_reader **out, qv_error *err) {
  if (data == NULL && size > 0) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_csv_reader_open_memory: NULL data");
  qv_csv_reader *r = NULL;
  qv_status st = open_reader(opts, out, &r, err);
  if (st != QV_OK) {
    qv_csv_reader_free(r);
    return st;
  }
  r->data = data ? data : (const uint8_t *)"";
  r->len = (int64_t)size;
  r->eof = true;
  return start(r, out, err);
}

qv_status qv_csv_reader_open_callback(qv_csv_read_fn read_fn, void *ctx, const qv_csv_read_options *opts,
                                      qv_csv_reader **out, qv_error *err) {
  if (read_fn == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_csv_reader_open_callback: NULL read");
  qv_csv_reader *r = NULL;
  qv_status st = open_reader(opts, out, &r, err);
  if (st != QV_OK) {
    qv_csv_reader_free(r);
    return st;
  }
  r->read = read_fn;
  r->read_ctx = ctx;
  r->data = (const uint8_t *)"";
  return start(r, out, err);
}

qv_status qv_csv_reader_open_fd(int fd, const qv_csv_read_options *opts, qv_csv_reader **out, qv_error *err) {
  if (fd < 0) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_csv_reader_open_fd: bad fd");
  qv_csv_reader *r = NULL;
  qv_status st = open_reader(opts, out, &r, err);
  if (st != QV_OK) {
    qv_csv_reader_free(r);
    return st;
  }
  r->fd = fd;
  r->read = fd_read;
  r->read_ctx = &r->fd;
  r->data = (const uint8_t *)"";
  return start(r, out, err);
}

qv_status qv_csv_reader_open_path(const char *path, const qv_csv_read_options *opts, qv_csv_reader **out,
                                  qv_error *err) {
  if (path == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_csv_reader_open_path: NULL path");
  qv_csv_reader *r = NULL;
  qv_status st = open_reader(opts, out, &r, err);
  if (st != QV_OK) {
    qv_csv_reader_free(r);
    return st;
  }
  r->fd = open(path, O_RDONLY | O_CLOEXEC);
  if (r->fd < 0) {
    st = qv_error_set(err, errno == ENOENT ? QV_ERR_NOT_FOUND : QV_ERR_IO, "cannot open '%s': %s", path,
                      strerror(errno));
    qv_csv_reader_free(r);
    return st;
  }
  r->own_fd = true;
  r->read = fd_read;
  r->read_ctx = &r->fd;
  r->data = (const uint8_t *)"";
  return start(r, out, err);
}

qv_schema *qv_csv_reader_schema(const qv_csv_reader *r) { return r ? r->schema : NULL; }

qv_status qv_csv_reader_next(qv_csv_reader *r, qv_batch **out, qv_error *err) {
  if (r == NULL || out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_csv_reader_next: NULL argument");
  *out = NULL;
  if (r->failed != QV_OK) {
    if (err) *err = r->error;
    return r->failed;
  }
  qv_status st = advance(r, &r->error);
  if (st != QV_OK) {
    r->failed = st;
    drop_blocks(&r->c, 0);
    if (err) *err = r->error;
    return st;
  }
  if (r->next_queue < r->n_queue) {
    *out = r->queue[r->next_queue];
    r->queue[r->next_queue++] = NULL;
  }
  return QV_OK;
}

void qv_csv_reader_stats(const qv_csv_reader *r, qv_csv_read_stats *out) {
  if (r == NULL || out == NULL) return;
  out->rows = r->rows;
  out->skipped_rows = r->skipped;
}

void qv_csv_reader_free(qv_csv_reader *r) {
  if (r == NULL) return;
  for (int64_t i = r->next_queue; i < r->n_queue; i++) qv_batch_release(r->queue[i]);
  free(r->queue);
  qv_schema_release(r->schema);
  free(r->kinds);
  if (r->c.blocks != NULL) qv__csv_ctx_free(&r->c);
  free(r->buf);
  for (int t = 0; t < QV__CSV_MAX_THREADS; t++) qv__csv_scratch_free(&r->scratch[t]);
  if (r->own_fd) close(r->fd);
  free(r);
}
