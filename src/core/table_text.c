/* quiver core: a table's rows turned into text on several threads and
 * handed to an output in order, for the CSV and JSON Lines writers.
 *
 * The rows are cut into pieces of piece_rows rows (a piece may span
 * batches, so a table of many small batches still makes few pieces). Each
 * thread takes the next piece under a lock, which also numbers it, formats
 * it into its own text without any lock, then waits for its number's turn
 * and emits the text; the turn passes on after the emit. So the output is
 * the one a single thread gives, one thread's emit (a write(2)) overlaps
 * the others' formatting, and memory holds one piece's text per thread.
 * The threads are core's (parallel.c): one task per worker loop, the
 * worker's number naming its text and its scratch.
 *
 * Failures: the first failure in row order wins. A thread whose piece
 * failed still waits for its turn, records the failure if no earlier piece
 * failed, and passes the turn on, so nobody waits forever; once a failure
 * is recorded no more pieces are taken and no later text is emitted.
 */
#include "core/table_text.h"

#include <pthread.h>
#include <string.h>

#include "core/parallel.h"

typedef struct run {
  const qv_table *table;
  int64_t piece_rows;
  qv__rows_format_fn format;
  qv__piece_emit_fn emit;
  void *ctx;
  pthread_mutex_t take_lock; /* guards the next_* fields */
  int64_t next_batch, next_row, next_row_base, next_ticket;
  pthread_mutex_t turn_lock; /* guards turn, status, error */
  pthread_cond_t turn_changed;
  int64_t turn;
  bool failed; /* also read (atomically) without turn_lock, to stop taking pieces */
  qv_status status;
  qv_error error;
} run;

typedef struct worker {
  run *r;
  void *scratch; /* the format callback's, zeroed; NULL when none was asked for */
  qv_strbuf own;
  qv_strbuf *text; /* &own, or the caller's direct text */
} worker;

int qv__table_text_default_threads(void) {
  const int cpus = qv__parallel_cpus();
  return cpus > QV__TABLE_TEXT_MAX_THREADS ? QV__TABLE_TEXT_MAX_THREADS : cpus;
}

/* The text of one piece: its rows, batch by batch. */
static qv_status format_piece(const run *r, void *scratch, const qv__row_piece *pc, qv_strbuf *text, qv_error *err) {
  const qv_table *t = r->table;
  int64_t b = pc->batch, row = pc->row, base = pc->row_base, left = pc->rows;
  while (left > 0 && b < t->n_batches) {
    const qv_batch *batch = t->batches[b];
    const int64_t n = batch->length - row < left ? batch->length - row : left;
    if (n > 0) {
      QV_RETURN_IF_ERROR(r->format(r->ctx, scratch, batch, row, n, base, text, err));
      left -= n;
    }
    base += batch->length;
    b++;
    row = 0;
  }
  return QV_OK;
}

static bool take_piece(run *r, qv__row_piece *pc, int64_t *ticket) {
  bool got = false;
  pthread_mutex_lock(&r->take_lock);
  const qv_table *t = r->table;
  /* empty batches are skipped, so a piece always has rows */
  while (r->next_batch < t->n_batches && r->next_row >= t->batches[r->next_batch]->length) {
    r->next_row_base += t->batches[r->next_batch]->length;
    r->next_batch++;
    r->next_row = 0;
  }
  if (!__atomic_load_n(&r->failed, __ATOMIC_ACQUIRE) && r->next_batch < t->n_batches) {
    pc->batch = r->next_batch;
    pc->row = r->next_row;
    pc->row_base = r->next_row_base;
    *ticket = r->next_ticket++;
    int64_t left = r->piece_rows;
    while (left > 0 && r->next_batch < t->n_batches) {
      const int64_t len = t->batches[r->next_batch]->length;
      const int64_t n = len - r->next_row < left ? len - r->next_row : left;
      r->next_row += n;
      left -= n;
      if (r->next_row >= len) {
        r->next_row_base += len;
        r->next_batch++;
        r->next_row = 0;
      }
    }
    pc->rows = r->piece_rows - left;
    got = true;
  }
  pthread_mutex_unlock(&r->take_lock);
  return got;
}

/* Worker `index`'s loop, as one task of qv__parallel_run: pieces until
 * none is left or one failed. Its failure is the run's, in row order. */
static qv_status run_worker(void *arg, int64_t index, int thread, qv_error *err) {
  worker *wk = (worker *)arg + index;
  run *r = wk->r;
  qv__row_piece pc;
  int64_t ticket;
  while (take_piece(r, &pc, &ticket)) {
    qv_error perr;
    if (wk->text == &wk->own) qv__strbuf_truncate(&wk->own, 0);
    qv_status st = format_piece(r, wk->scratch, &pc, wk->text, &perr);
    if (st == QV_OK) st = qv__strbuf_status(wk->text, &perr);
    pthread_mutex_lock(&r->turn_lock);
    while (r->turn != ticket) pthread_cond_wait(&r->turn_changed, &r->turn_lock);
    const bool failed_before = r->failed;
    pthread_mutex_unlock(&r->turn_lock);
    /* the turn is this thread's alone until it passes it on */
    if (!failed_before && st == QV_OK && wk->text == &wk->own) st = r->emit(r->ctx, wk->text, &perr);
    pthread_mutex_lock(&r->turn_lock);
    if (!failed_before && st != QV_OK) {
      r->status = st;
      r->error = perr;
      __atomic_store_n(&r->failed, true, __ATOMIC_RELEASE);
    }
    r->turn++;
    pthread_cond_broadcast(&r->turn_changed);
    pthread_mutex_unlock(&r->turn_lock);
  }
  return QV_OK;
}

qv_status qv__table_text_run(const qv_table *table, int64_t piece_rows, int n_threads, size_t scratch_bytes,
                             qv__rows_format_fn format, qv__piece_emit_fn emit, void *ctx, qv_strbuf *direct,
                             qv_error *err) {
  if (piece_rows < 1) piece_rows = 1;
  int64_t rows = 0;
  for (int64_t b = 0; b < table->n_batches; b++)
    if (qv__add_overflow_i64(rows, table->batches[b]->length, &rows)) rows = INT64_MAX; /* null-type columns */
  const int64_t pieces = rows / piece_rows + 1;
  if (n_threads > QV__TABLE_TEXT_MAX_THREADS) n_threads = QV__TABLE_TEXT_MAX_THREADS;
  if (n_threads > pieces) n_threads = (int)pieces;
  if (n_threads < 1) n_threads = 1;
  run r;
  memset(&r, 0, sizeof r);
  r.table = table;
  r.piece_rows = piece_rows;
  r.format = format;
  r.emit = emit;
  r.ctx = ctx;
  r.status = QV_OK;
  pthread_mutex_init(&r.take_lock, NULL);
  pthread_mutex_init(&r.turn_lock, NULL);
  pthread_cond_init(&r.turn_changed, NULL);
  worker workers[QV__TABLE_TEXT_MAX_THREADS];
  bool have_scratch = true;
  for (int k = 0; k < n_threads; k++) {
    workers[k].r = &r;
    workers[k].scratch = scratch_bytes > 0 ? qv__calloc(1, scratch_bytes) : NULL;
    if (scratch_bytes > 0 && workers[k].scratch == NULL) have_scratch = false;
    qv__strbuf_init(&workers[k].own);
    workers[k].text = &workers[k].own;
  }
  if (n_threads == 1 && direct != NULL) workers[0].text = direct;
  /* one task per worker: a worker waits only for pieces that running
   * workers hold, so a thread that cannot start leaves its share to the
   * others and never blocks them */
  if (have_scratch) (void)qv__parallel_run(n_threads, n_threads, run_worker, workers, NULL);
  for (int k = 0; k < n_threads; k++) {
    qv__strbuf_free(&workers[k].own);
    qv__free(workers[k].scratch);
  }
  pthread_cond_destroy(&r.turn_changed);
  pthread_mutex_destroy(&r.turn_lock);
  pthread_mutex_destroy(&r.take_lock);
  if (!have_scratch)
    return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory for %d threads' scratch of %zu bytes", n_threads,
                        scratch_bytes);
  if (r.failed) {
    if (err) *err = r.error;
    return r.status;
  }
  return QV_OK;
}
