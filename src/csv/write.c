/* quiver csv: the writer's driver. Checks the options and the table
 * (every batch validated structurally before any row is written, since
 * the row formatter reads fixed-width slots without bounds checks), writes
 * the header, then has write_rows.c format the rows in pieces on several
 * threads and hands each piece's text to the sink (memory, or an atomic
 * file written with write(2) straight from the piece's buffer) in row
 * order, so the output is the same whatever the thread count.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/atomic_file.h"
#include "csv/internal.h"
#include "csv/write_internal.h"
#include "quiver/validate.h"

typedef struct sink {
  qv_strbuf text;
  qv__atomic_file *file; /* NULL: keep everything in text */
} sink;

static bool is_text(qv_type_id id) {
  return id == QV_TYPE_STRING || id == QV_TYPE_LARGE_STRING || id == QV_TYPE_STRING_VIEW;
}

/* Types whose CSV text is defined. A switch on the logical type: which
 * types have a text form is a property of the type, not of its layout. */
static bool writable(const qv_type *t) {
  switch (t->id) {
    case QV_TYPE_NULL:
    case QV_TYPE_BOOL:
    case QV_TYPE_INT8:
    case QV_TYPE_INT16:
    case QV_TYPE_INT32:
    case QV_TYPE_INT64:
    case QV_TYPE_UINT8:
    case QV_TYPE_UINT16:
    case QV_TYPE_UINT32:
    case QV_TYPE_UINT64:
    case QV_TYPE_FLOAT16:
    case QV_TYPE_FLOAT32:
    case QV_TYPE_FLOAT64:
    case QV_TYPE_DECIMAL32:
    case QV_TYPE_DECIMAL64:
    case QV_TYPE_DECIMAL128:
    case QV_TYPE_DECIMAL256:
    case QV_TYPE_DATE32:
    case QV_TYPE_DATE64:
    case QV_TYPE_TIME32:
    case QV_TYPE_TIME64:
    case QV_TYPE_TIMESTAMP:
    case QV_TYPE_DURATION:
      return true;
    default:
      return is_text(t->id);
  }
}

static qv_status flush(sink *out, qv_error *err) {
  QV_RETURN_IF_ERROR(qv__strbuf_status(&out->text, err));
  if (out->file == NULL || out->text.len == 0) return QV_OK;
  QV_RETURN_IF_ERROR(qv__atomic_file_write(out->file, out->text.data, out->text.len, err));
  qv__strbuf_truncate(&out->text, 0);
  return QV_OK;
}

/* ---- rows formatted in parallel, written in order ----
 *
 * The table's rows are cut into pieces of PIECE_ROWS rows (a piece may
 * span batches). Each thread takes the next piece, formats it into its own
 * text, waits for its turn (pieces are numbered as they are taken) and
 * hands the text to the sink, so the output equals a sequential write and
 * one thread's write(2) overlaps the others' formatting. Memory stays
 * bounded by one piece's text per thread. The first failure in row order
 * is the one reported; no piece after it is written. */

#define PIECE_ROWS 16384

typedef struct piece {
  int64_t batch, row; /* where it starts */
  int64_t row_base;   /* table row of that batch's row 0 */
  int64_t rows;
  int64_t ticket; /* its place in the output */
} piece;

typedef struct writer {
  const qv_table *table;
  const qv__csv_quoting *q;
  sink *out;
  pthread_mutex_t take_lock; /* guards the next_* fields */
  int64_t next_batch, next_row, next_row_base, next_ticket;
  pthread_mutex_t turn_lock; /* guards turn, status, error */
  pthread_cond_t turn_changed;
  int64_t turn;
  bool failed; /* atomic: read without turn_lock to stop taking pieces */
  qv_status status;
  qv_error error;
} writer;

/* One thread's scratch, kept across its pieces. */
typedef struct worker {
  writer *w;
  qv__csv_column *cols;
  qv_strbuf own;
  qv_strbuf *text; /* &own, or the sink's text itself (one thread writing to memory) */
} worker;

static bool take_piece(writer *w, piece *pc) {
  bool got = false;
  pthread_mutex_lock(&w->take_lock);
  const qv_table *t = w->table;
  /* skip empty batches so that a piece always has rows */
  while (w->next_batch < t->n_batches && w->next_row >= t->batches[w->next_batch]->length) {
    w->next_row_base += t->batches[w->next_batch]->length;
    w->next_batch++;
    w->next_row = 0;
  }
  if (!__atomic_load_n(&w->failed, __ATOMIC_ACQUIRE) && w->next_batch < t->n_batches) {
    pc->batch = w->next_batch;
    pc->row = w->next_row;
    pc->row_base = w->next_row_base;
    pc->ticket = w->next_ticket++;
    int64_t left = PIECE_ROWS;
    while (left > 0 && w->next_batch < t->n_batches) {
      const int64_t len = t->batches[w->next_batch]->length;
      const int64_t n = len - w->next_row < left ? len - w->next_row : left;
      w->next_row += n;
      left -= n;
      if (w->next_row >= len) {
        w->next_row_base += len;
        w->next_batch++;
        w->next_row = 0;
      }
    }
    pc->rows = PIECE_ROWS - left;
    got = true;
  }
  pthread_mutex_unlock(&w->take_lock);
  return got;
}

static qv_status format_piece(worker *wk, const piece *pc, qv_error *err) {
  const qv_table *t = wk->w->table;
  if (wk->text == &wk->own) qv__strbuf_truncate(&wk->own, 0);
  int64_t b = pc->batch, row = pc->row, base = pc->row_base, left = pc->rows;
  while (left > 0 && b < t->n_batches) {
    const qv_batch *batch = t->batches[b];
    const int64_t n = batch->length - row < left ? batch->length - row : left;
    if (n > 0) {
      const size_t bound = qv__csv_columns_bind(wk->cols, batch, t->schema);
      QV_RETURN_IF_ERROR(qv__csv_format_rows(wk->cols, batch->n_columns, bound, wk->w->q, row, n, base, wk->text, err));
      left -= n;
    }
    base += batch->length;
    b++;
    row = 0;
  }
  return QV_OK;
}

static qv_status emit(sink *out, const qv_strbuf *text, qv_error *err) {
  if (text == &out->text || text->len == 0) return QV_OK;
  if (out->file == NULL) {
    qv__strbuf_append_n(&out->text, text->data, text->len);
    return qv__strbuf_status(&out->text, err);
  }
  QV_RETURN_IF_ERROR(flush(out, err)); /* the header, before the first rows */
  return qv__atomic_file_write(out->file, text->data, text->len, err);
}

static void *run_worker(void *arg) {
  worker *wk = arg;
  writer *w = wk->w;
  piece pc;
  while (take_piece(w, &pc)) {
    qv_error perr;
    qv_status st = format_piece(wk, &pc, &perr);
    pthread_mutex_lock(&w->turn_lock);
    while (w->turn != pc.ticket) pthread_cond_wait(&w->turn_changed, &w->turn_lock);
    const bool failed = w->failed;
    pthread_mutex_unlock(&w->turn_lock);
    /* the turn is this thread's alone until it passes it on */
    if (!failed && st == QV_OK) st = emit(w->out, wk->text, &perr);
    pthread_mutex_lock(&w->turn_lock);
    if (!failed && st != QV_OK) {
      w->status = st;
      w->error = perr;
      __atomic_store_n(&w->failed, true, __ATOMIC_RELEASE);
    }
    w->turn++;
    pthread_cond_broadcast(&w->turn_changed);
    pthread_mutex_unlock(&w->turn_lock);
  }
  return NULL;
}

#define MAX_WRITE_THREADS 8

/* Formats and emits every row on up to n_threads threads (the caller's
 * included). A thread that cannot be started only means fewer workers. */
static qv_status write_rows(const qv_table *table, const qv__csv_quoting *q, int n_threads, sink *out,
                            qv_error *err) {
  int64_t rows = 0;
  for (int64_t b = 0; b < table->n_batches; b++) rows += table->batches[b]->length;
  const int64_t pieces = rows / PIECE_ROWS + 1;
  if (n_threads > MAX_WRITE_THREADS) n_threads = MAX_WRITE_THREADS;
  if (n_threads > pieces) n_threads = (int)pieces;
  if (n_threads < 1) n_threads = 1;
  writer w;
  memset(&w, 0, sizeof w);
  w.table = table;
  w.q = q;
  w.out = out;
  w.status = QV_OK;
  pthread_mutex_init(&w.take_lock, NULL);
  pthread_mutex_init(&w.turn_lock, NULL);
  pthread_cond_init(&w.turn_changed, NULL);
  worker workers[MAX_WRITE_THREADS];
  memset(workers, 0, sizeof workers);
  const size_t n_cols = (size_t)(table->schema->n_fields > 0 ? table->schema->n_fields : 1);
  qv_status st = QV_OK;
  for (int k = 0; k < n_threads; k++) {
    workers[k].w = &w;
    qv__strbuf_init(&workers[k].own);
    workers[k].text = &workers[k].own;
    workers[k].cols = (qv__csv_column *)qv__calloc(n_cols, sizeof(qv__csv_column));
    if (workers[k].cols == NULL) st = qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory for the CSV writer's columns");
  }
  /* one thread writing to memory formats straight into the result */
  if (n_threads == 1 && out->file == NULL) workers[0].text = &out->text;
  if (st == QV_OK) {
    pthread_t threads[MAX_WRITE_THREADS];
    int started = 0;
    for (int k = 1; k < n_threads; k++) {
      if (pthread_create(&threads[started], NULL, run_worker, &workers[k]) != 0) break;
      started++;
    }
    run_worker(&workers[0]);
    for (int k = 0; k < started; k++) pthread_join(threads[k], NULL);
    if (w.failed) {
      st = w.status;
      if (err) *err = w.error;
    }
  }
  for (int k = 0; k < n_threads; k++) {
    qv__strbuf_free(&workers[k].own);
    qv__free(workers[k].cols);
  }
  pthread_cond_destroy(&w.turn_changed);
  pthread_mutex_destroy(&w.turn_lock);
  pthread_mutex_destroy(&w.take_lock);
  return st;
}

static qv_status write_table(const qv_table *table, const qv_csv_write_options *opts, sink *out, qv_error *err) {
  static const qv_csv_write_options k_defaults = QV_CSV_WRITE_OPTIONS_DEFAULT;
  const qv_csv_write_options *o = opts ? opts : &k_defaults;
  const char delimiter = o->delimiter ? o->delimiter : ',';
  if (delimiter == '"' || delimiter == '\n' || delimiter == '\r')
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "CSV delimiter cannot be a quote or a line break");
  if (o->n_threads < 0) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "CSV options: n_threads must not be negative");
  const int n_threads = o->n_threads > 0 ? o->n_threads : qv__csv_default_threads();
  const qv_schema *schema = table->schema;
  for (int32_t c = 0; c < schema->n_fields; c++) {
    const qv_field *f = schema->fields[c];
    if (f->type->id == QV_TYPE_EXTENSION || !writable(f->type))
      return qv_error_set(err, QV_ERR_NOT_IMPLEMENTED,
                          "column '%s': CSV has no text form for this type (write it as a string column first)",
                          f->name);
  }
  qv__csv_quoting q;
  qv__csv_quoting_init(delimiter, &q);
  if (!o->no_header && schema->n_fields > 0) {
    for (int32_t c = 0; c < schema->n_fields; c++) {
      if (c > 0) qv__strbuf_appendc(&out->text, delimiter);
      const char *name = schema->fields[c]->name;
      qv__csv_append_field(&out->text, name, (int64_t)strlen(name), &q);
    }
    qv__strbuf_appendc(&out->text, '\n');
  }
  /* Every batch is checked before any row is written. */
  int64_t row_base = 0;
  for (int64_t b = 0; b < table->n_batches; b++) {
    const qv_batch *batch = table->batches[b];
    qv_error verr;
    if (qv_batch_validate(batch, QV_VALIDATE_STRUCTURE, &verr) != QV_OK)
      return qv_error_set(err, QV_ERR_INVALID_DATA, "batch %lld (rows from %lld): %s", (long long)b,
                          (long long)row_base, verr.message);
    if (batch->n_columns != schema->n_fields)
      return qv_error_set(err, QV_ERR_INVALID_DATA, "batch %lld has %d columns, the schema %d", (long long)b,
                          batch->n_columns, schema->n_fields);
    row_base += batch->length;
  }
  QV_RETURN_IF_ERROR(qv__strbuf_status(&out->text, err));
  QV_RETURN_IF_ERROR(write_rows(table, &q, n_threads, out, err));
  return flush(out, err);
}

qv_status qv_csv_write_table_memory(const qv_table *table, const qv_csv_write_options *opts, char **out,
                                    size_t *size, qv_error *err) {
  if (table == NULL || out == NULL || size == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_csv_write_table_memory: NULL argument");
  *out = NULL;
  *size = 0;
  sink s = {{0}, NULL};
  qv__strbuf_init(&s.text);
  qv__strbuf_append(&s.text, ""); /* an empty table still gives a NUL-terminated text */
  qv_status st = write_table(table, opts, &s, err);
  if (st != QV_OK) {
    qv__strbuf_free(&s.text);
    return st;
  }
  const size_t len = s.text.len;
  char *text = qv__strbuf_take(&s.text);
  QV_CHECK_ALLOC(text, err);
  *out = text;
  *size = len;
  return QV_OK;
}

qv_status qv_csv_write_table_path(const char *path, const qv_table *table, const qv_csv_write_options *opts,
                                  qv_error *err) {
  if (table == NULL || path == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_csv_write_table_path: NULL argument");
  qv__atomic_file file;
  QV_RETURN_IF_ERROR(qv__atomic_file_open(&file, path, err));
  sink s = {{0}, &file};
  qv__strbuf_init(&s.text);
  qv_status st = write_table(table, opts, &s, err);
  qv__strbuf_free(&s.text);
  if (st == QV_OK) st = qv__atomic_file_commit(&file, err);
  qv__atomic_file_discard(&file);
  return st;
}

void qv_csv_free(void *p) { free(p); }
