/* quiver csv: the writer's driver. Checks the options and the table
 * (every batch validated structurally before any row is written, since
 * the row formatter reads fixed-width slots without bounds checks), writes
 * the header, then has write_rows.c format the rows in pieces on several
 * threads and hands each piece's text to the sink (memory, or an atomic
 * file written with write(2) straight from the piece's buffer) in row
 * order, so the output is the same whatever the thread count.
 */
#include <stdlib.h>
#include <string.h>

#include "core/atomic_file.h"
#include "core/table_text.h"
#include "quiver/csv.h"
#include "csv/write_internal.h"
#include "validate/batches.h"

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

/* ---- rows formatted in parallel, written in order (core/table_text.c) ---- */

#define PIECE_ROWS 16384

typedef struct write_ctx {
  const qv_table *table;
  const qv__csv_quoting *q;
  sink *out;
} write_ctx;

/* `scratch`: the thread's columns, one per field. */
static qv_status format_rows(void *ctx, void *scratch, const qv_batch *batch, int64_t first, int64_t count,
                             int64_t row_base, qv_strbuf *text, qv_error *err) {
  write_ctx *w = ctx;
  qv__csv_column *cols = scratch;
  const size_t bound = qv__csv_columns_bind(cols, batch, w->table->schema);
  return qv__csv_format_rows(cols, batch->n_columns, bound, w->q, first, count, row_base, text, err);
}

static qv_status emit_piece(void *ctx, const qv_strbuf *text, qv_error *err) {
  sink *out = ((write_ctx *)ctx)->out;
  if (text->len == 0) return QV_OK;
  if (out->file == NULL) {
    qv__strbuf_append_n(&out->text, text->data, text->len);
    return qv__strbuf_status(&out->text, err);
  }
  QV_RETURN_IF_ERROR(flush(out, err)); /* the header, before the first rows */
  return qv__atomic_file_write(out->file, text->data, text->len, err);
}

static qv_status write_rows(const qv_table *table, const qv__csv_quoting *q, int n_threads, sink *out,
                            qv_error *err) {
  write_ctx w = {table, q, out};
  const size_t n_cols = (size_t)(table->schema->n_fields > 0 ? table->schema->n_fields : 1);
  /* one thread writing to memory formats straight into the result */
  return qv__table_text_run(table, PIECE_ROWS, n_threads, n_cols * sizeof(qv__csv_column), format_rows, emit_piece,
                            &w, out->file == NULL ? &out->text : NULL, err);
}

static qv_status write_table(const qv_table *table, const qv_csv_write_options *opts, sink *out, qv_error *err) {
  static const qv_csv_write_options k_defaults = QV_CSV_WRITE_OPTIONS_DEFAULT;
  const qv_csv_write_options *o = opts ? opts : &k_defaults;
  const char delimiter = o->delimiter ? o->delimiter : ',';
  if (delimiter == '"' || delimiter == '\n' || delimiter == '\r')
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "CSV delimiter cannot be a quote or a line break");
  if (o->n_threads < 0) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "CSV options: n_threads must not be negative");
  if (o->null_string != NULL && strpbrk(o->null_string, "\"\r\n") != NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "CSV null_string cannot hold a quote or a line break");
  if (o->null_string != NULL && strchr(o->null_string, delimiter) != NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "CSV null_string cannot hold the delimiter '%c'", delimiter);
  const int n_threads = o->n_threads > 0 ? o->n_threads : qv__table_text_default_threads();
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
  if (o->null_string != NULL) {
    q.null_text = o->null_string;
    q.null_len = strlen(o->null_string);
  }
  if (!o->no_header && schema->n_fields > 0) {
    for (int32_t c = 0; c < schema->n_fields; c++) {
      if (c > 0) qv__strbuf_appendc(&out->text, delimiter);
      const char *name = schema->fields[c]->name;
      qv__csv_append_field(&out->text, name, (int64_t)strlen(name), &q);
    }
    qv__strbuf_appendc(&out->text, '\n');
  }
  /* Every batch is checked before any row is written. */
  QV_RETURN_IF_ERROR(qv__validate_table_batches(table, err));
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
