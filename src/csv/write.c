/* quiver csv: the writer. Formats a table row by row into text, batch by
 * batch, and hands each batch's text to a sink (memory, or an atomic file).
 *
 * Numbers and temporal values use print/'s leaf formatter, which already
 * formats them the way pyarrow does (its CSV writer casts to string with
 * the same formatters as its printer). That formatter reads fixed-width
 * slots without bounds checks, so every column is validated structurally
 * first; string slots go through the bounds-checked qv__bytes_slot, which
 * also guards against offsets that structural validation does not order.
 */
#include <stdlib.h>
#include <string.h>

#include "core/atomic_file.h"
#include "core/checked_access.h"
#include "csv/internal.h"
#include "csv/scan.h"
#include "print/internal.h"
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

static bool starts_with_bom(const char *s, int64_t n) {
  return n >= 3 && (uint8_t)s[0] == 0xEF && (uint8_t)s[1] == 0xBB && (uint8_t)s[2] == 0xBF;
}

/* What decides quoting, built once per write: the special bytes as a
 * table (for the scan's tail) and as repeated words (for its body). */
typedef struct quoting {
  char delimiter;
  uint8_t special[256];
  uint64_t delim_word, quote_word, lf_word, cr_word;
} quoting;

static void make_quoting(char delimiter, quoting *q) {
  memset(q, 0, sizeof *q);
  q->delimiter = delimiter;
  q->special[(uint8_t)delimiter] = q->special['"'] = q->special['\n'] = q->special['\r'] = 1;
  q->delim_word = QV__CSV_ONES * (uint8_t)delimiter;
  q->quote_word = QV__CSV_ONES * (uint8_t)'"';
  q->lf_word = QV__CSV_ONES * (uint8_t)'\n';
  q->cr_word = QV__CSV_ONES * (uint8_t)'\r';
}

/* A value is quoted when it holds the delimiter, a quote or a line break,
 * when it is empty, and when it begins with a byte-order mark (at the start
 * of the output a reader would take it for the file's BOM and drop it). */
static void append_quoted_if_needed(qv_strbuf *sb, const char *s, int64_t n, const quoting *q) {
  const bool needs = n == 0 || starts_with_bom(s, n) ||
                     qv__csv_scan((const uint8_t *)s, 0, n, q->special, q->delim_word, q->quote_word, q->lf_word,
                                  q->cr_word) < n;
  if (!needs) {
    qv__strbuf_append_n(sb, s, (size_t)n);
    return;
  }
  qv__strbuf_appendc(sb, '"');
  int64_t from = 0;
  for (int64_t k = 0; k < n; k++) {
    if (s[k] == '"') {
      qv__strbuf_append_n(sb, s + from, (size_t)(k + 1 - from));
      qv__strbuf_appendc(sb, '"');
      from = k + 1;
    }
  }
  qv__strbuf_append_n(sb, s + from, (size_t)(n - from));
  qv__strbuf_appendc(sb, '"');
}

static qv_status flush(sink *out, qv_error *err) {
  QV_RETURN_IF_ERROR(qv__strbuf_status(&out->text, err));
  if (out->file == NULL || out->text.len == 0) return QV_OK;
  QV_RETURN_IF_ERROR(qv__atomic_file_write(out->file, out->text.data, out->text.len, err));
  qv__strbuf_truncate(&out->text, 0);
  return QV_OK;
}

static qv_status write_cell(qv_strbuf *sb, const qv_array *a, const char *name, int64_t row_base, int64_t i,
                            const quoting *q, qv_error *err) {
  const qv_type *t = qv_type_storage(a->type);
  if (t->id == QV_TYPE_NULL || !qv__bit_valid(a, i)) return QV_OK;
  static const qv_print_options k_print = QV_PRINT_OPTIONS_DEFAULT;
  if (is_text(t->id)) {
    const uint8_t *p;
    int64_t n;
    if (!qv__bytes_slot(a, i, &p, &n))
      return qv_error_set(err, QV_ERR_INVALID_DATA,
                          "column '%s', row %lld: the string's bytes lie outside the array's buffers", name,
                          (long long)(row_base + i));
    append_quoted_if_needed(sb, (const char *)p, n, q);
    return QV_OK;
  }
  if (!qv__print_leaf(sb, a, i, &k_print))
    return qv_error_set(err, QV_ERR_INVALID_DATA, "column '%s', row %lld: the value cannot be read", name,
                        (long long)(row_base + i));
  return QV_OK;
}

/* ---- rows formatted in parallel ----
 *
 * The rows are cut into pieces of at most PIECE_ROWS rows of one batch;
 * each round formats up to ROUND_PIECES pieces on every thread into their
 * own text, then hands the texts to the sink in order (so memory stays
 * bounded by a round, and the output is the same as a sequential write). */

#define PIECE_ROWS 16384
#define ROUND_PIECES 16

typedef struct piece {
  const qv_batch *batch;
  int64_t first, count, row_base;
  qv_strbuf text;
  qv_status status;
  qv_error error;
} piece;

typedef struct round_ctx {
  const qv_schema *schema;
  const quoting *q;
  piece *pieces;
} round_ctx;

static void format_piece(void *ctx, int64_t k) {
  round_ctx *r = ctx;
  piece *pc = &r->pieces[k];
  const qv_batch *batch = pc->batch;
  const char delimiter = r->q->delimiter;
  qv_strbuf *sb = &pc->text;
  pc->status = QV_OK;
  for (int64_t i = pc->first; i < pc->first + pc->count; i++) {
    const size_t row_start = sb->len;
    for (int32_t c = 0; c < batch->n_columns; c++) {
      if (c > 0) qv__strbuf_appendc(sb, delimiter);
      pc->status = write_cell(sb, batch->columns[c], r->schema->fields[c]->name, pc->row_base - pc->first, i, r->q,
                              &pc->error);
      if (pc->status != QV_OK) return;
    }
    /* An empty line is no record to a reader (blank lines are skipped):
     * a lone empty field is written quoted so the row survives. */
    if (batch->n_columns == 1 && sb->len == row_start) qv__strbuf_append(sb, "\"\"");
    qv__strbuf_appendc(sb, '\n');
  }
  pc->status = qv__strbuf_status(sb, &pc->error);
}

/* Formats and emits pieces[0, n) (see above). */
static qv_status run_round(round_ctx *r, int64_t n, int n_threads, sink *out, qv_error *err) {
  qv__csv_parallel_for(n_threads, n, format_piece, r);
  qv_status st = QV_OK;
  for (int64_t k = 0; k < n; k++) {
    piece *pc = &r->pieces[k];
    if (st == QV_OK && pc->status != QV_OK) {
      if (err) *err = pc->error;
      st = pc->status;
    }
    if (st == QV_OK && pc->text.len > 0) {
      if (out->file != NULL) {
        st = flush(out, err);
        if (st == QV_OK) st = qv__atomic_file_write(out->file, pc->text.data, pc->text.len, err);
      } else {
        qv__strbuf_append_n(&out->text, pc->text.data, pc->text.len);
      }
    }
    /* kept for the next round: regrowing it from empty cost a copy and
     * fresh pages per piece */
    qv__strbuf_truncate(&pc->text, 0);
  }
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
  quoting q;
  make_quoting(delimiter, &q);
  if (!o->no_header && schema->n_fields > 0) {
    for (int32_t c = 0; c < schema->n_fields; c++) {
      if (c > 0) qv__strbuf_appendc(&out->text, delimiter);
      const char *name = schema->fields[c]->name;
      append_quoted_if_needed(&out->text, name, (int64_t)strlen(name), &q);
    }
    qv__strbuf_appendc(&out->text, '\n');
  }
  /* Every batch is checked before any row is written. */
  int64_t row_base = 0;
  for (int64_t b = 0; b < table->n_batches; b++) {
    qv_error verr;
    if (qv_batch_validate(table->batches[b], QV_VALIDATE_STRUCTURE, &verr) != QV_OK)
      return qv_error_set(err, QV_ERR_INVALID_DATA, "batch %lld (rows from %lld): %s", (long long)b,
                          (long long)row_base, verr.message);
    row_base += table->batches[b]->length;
  }
  piece pieces[ROUND_PIECES];
  memset(pieces, 0, sizeof pieces);
  for (int k = 0; k < ROUND_PIECES; k++) qv__strbuf_init(&pieces[k].text);
  round_ctx r = {schema, &q, pieces};
  qv_status st = QV_OK;
  int64_t n = 0;
  row_base = 0;
  for (int64_t b = 0; b < table->n_batches && st == QV_OK; b++) {
    const qv_batch *batch = table->batches[b];
    for (int64_t first = 0; first < batch->length && st == QV_OK; first += PIECE_ROWS) {
      piece *pc = &pieces[n++];
      pc->batch = batch;
      pc->first = first;
      pc->count = batch->length - first < PIECE_ROWS ? batch->length - first : PIECE_ROWS;
      pc->row_base = row_base + first;
      if (n == ROUND_PIECES) {
        st = run_round(&r, n, n_threads, out, err);
        n = 0;
      }
    }
    row_base += batch->length;
  }
  if (st == QV_OK && n > 0) st = run_round(&r, n, n_threads, out, err);
  for (int k = 0; k < ROUND_PIECES; k++) qv__strbuf_free(&pieces[k].text);
  if (st != QV_OK) return st;
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
