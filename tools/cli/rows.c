/* quiver CLI: rows out. How `quiver cat` shows a table as rows: an aligned
 * text table with a header (the default on a terminal), CSV or JSON Lines
 * (the default into a pipe: CSV when every column has a CSV text, else
 * JSON Lines, which has one for nested columns too).
 *
 * CSV and JSON Lines stream: each batch is formatted and written as it
 * comes (the CSV header once). The table needs every column's width before
 * its first line, so it keeps the rows it shows: the first `window` and,
 * in a queue, the last `window` (or all of them when window < 0); a line
 * "... N more rows ..." stands for the rest. Memory is bounded by the
 * shown rows' batches.
 *
 * Cells are the compact value text (print.h), strings without their outer
 * quotes, cut to MAX_CELL characters; the text goes through escape.c when
 * stdout is a terminal, so values cannot drive it.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define MAX_CELL 40

bool cli_parse_rows_format(const char *s, cli_rows_format *out) {
  if (strcmp(s, "table") == 0) *out = CLI_ROWS_TABLE;
  else if (strcmp(s, "csv") == 0) *out = CLI_ROWS_CSV;
  else if (strcmp(s, "jsonl") == 0 || strcmp(s, "ndjson") == 0) *out = CLI_ROWS_JSONL;
  else if (strcmp(s, "arrow") == 0) *out = CLI_ROWS_ARROW;
  else return false;
  return true;
}

/* Types the CSV writer has a text for (see include/quiver/csv.h). */
static bool csv_text(const qv_type *t) {
  switch (t->id) {
    case QV_TYPE_STRUCT:
    case QV_TYPE_LIST:
    case QV_TYPE_LARGE_LIST:
    case QV_TYPE_LIST_VIEW:
    case QV_TYPE_LARGE_LIST_VIEW:
    case QV_TYPE_FIXED_SIZE_LIST:
    case QV_TYPE_MAP:
    case QV_TYPE_SPARSE_UNION:
    case QV_TYPE_DENSE_UNION:
    case QV_TYPE_DICTIONARY:
    case QV_TYPE_RUN_END_ENCODED:
    case QV_TYPE_EXTENSION:
    case QV_TYPE_BINARY:
    case QV_TYPE_LARGE_BINARY:
    case QV_TYPE_BINARY_VIEW:
    case QV_TYPE_FIXED_SIZE_BINARY:
    case QV_TYPE_INTERVAL_MONTHS:
    case QV_TYPE_INTERVAL_DAY_TIME:
    case QV_TYPE_INTERVAL_MONTH_DAY_NANO:
      return false;
    default:
      return true;
  }
}

cli_rows_format cli_rows_default_format(const qv_schema *schema) {
  if (isatty(STDOUT_FILENO)) return CLI_ROWS_TABLE;
  for (int32_t i = 0; i < schema->n_fields; i++)
    if (!csv_text(schema->fields[i]->type)) return CLI_ROWS_JSONL;
  return CLI_ROWS_CSV;
}

/* ---- a queue of the last rows ---- */

qv_status cli_row_queue_push(cli_row_queue *q, qv_batch *batch, qv_error *err) {
  if (q->n == q->cap) {
    const int64_t cap = q->cap ? 2 * q->cap : 16;
    qv_batch **grown = realloc(q->b, (size_t)cap * sizeof *grown);
    if (grown == NULL) {
      qv_batch_release(batch);
      return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory keeping rows");
    }
    q->b = grown;
    q->cap = cap;
  }
  q->b[q->n++] = batch;
  q->rows += batch->length;
  /* Drop whole batches from the front while the rest still holds `keep`. */
  int64_t drop = 0;
  while (q->keep >= 0 && drop < q->n - 1 && q->rows - q->b[drop]->length >= q->keep) {
    q->rows -= q->b[drop]->length;
    q->dropped += q->b[drop]->length;
    qv_batch_release(q->b[drop]);
    drop++;
  }
  if (drop > 0) {
    memmove(q->b, q->b + drop, (size_t)(q->n - drop) * sizeof *q->b);
    q->n -= drop;
  }
  return QV_OK;
}

/* The queue's last `keep` rows as batches (the first one sliced). */
qv_status cli_row_queue_trim(cli_row_queue *q, qv_error *err) {
  if (q->keep < 0 || q->n == 0 || q->rows <= q->keep) return QV_OK;
  const int64_t extra = q->rows - q->keep;
  qv_batch *cut = NULL;
  QV_RETURN_IF_ERROR(qv_batch_slice(q->b[0], extra, q->b[0]->length - extra, &cut, err));
  qv_batch_release(q->b[0]);
  q->b[0] = cut;
  q->rows -= extra;
  q->dropped += extra;
  return QV_OK;
}

void cli_row_queue_free(cli_row_queue *q) {
  for (int64_t i = 0; i < q->n; i++) qv_batch_release(q->b[i]);
  free(q->b);
  memset(q, 0, sizeof *q);
}

/* ---- writer ---- */

struct cli_rows_writer {
  FILE *out;
  cli_rows_format format;
  qv_schema *schema;
  bool wrote_header;
  int64_t window;     /* table: rows shown at each end; < 0: all */
  cli_row_queue head; /* table: the first rows (keep < 0, filled up to window) */
  int64_t head_rows;
  cli_row_queue tail; /* table: the last rows */
  int64_t total;      /* rows offered */
};

qv_status cli_rows_open(FILE *out, cli_rows_format format, qv_schema *schema, int64_t window, cli_rows_writer **w,
                        qv_error *err) {
  cli_rows_writer *r = calloc(1, sizeof *r);
  if (r == NULL) return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory");
  r->out = out;
  r->format = format;
  r->schema = qv_schema_retain(schema);
  r->window = window;
  r->head.keep = -1;
  r->tail.keep = window;
  *w = r;
  return QV_OK;
}

static qv_status put(cli_rows_writer *w, const char *text, size_t n, qv_error *err) {
  if (n > 0 && fwrite(text, 1, n, w->out) != n) return qv_error_set(err, QV_ERR_IO, "writing to stdout failed");
  return QV_OK;
}

static qv_status write_text_batch(cli_rows_writer *w, qv_batch *batch, qv_error *err) {
  qv_table *t = NULL;
  QV_RETURN_IF_ERROR(qv_table_new(w->schema, &batch, 1, &t, err));
  char *text = NULL;
  size_t size = 0;
  qv_status st;
  if (w->format == CLI_ROWS_CSV) {
    qv_csv_write_options o = QV_CSV_WRITE_OPTIONS_DEFAULT;
    o.no_header = w->wrote_header;
    st = qv_csv_write_table_memory(t, &o, &text, &size, err);
    w->wrote_header = true;
  } else {
    st = qv_jsonl_write_table_memory(t, &text, &size, err);
  }
  if (st == QV_OK) st = put(w, text, size, err);
  free(text);
  qv_table_release(t);
  return st;
}

qv_status cli_rows_write(cli_rows_writer *w, qv_batch *batch, qv_error *err) {
  w->total += batch->length;
  if (w->format != CLI_ROWS_TABLE) return write_text_batch(w, batch, err);
  if (w->window < 0 || w->head_rows < w->window) {
    const int64_t room = w->window < 0 ? batch->length : w->window - w->head_rows;
    if (batch->length <= room) {
      w->head_rows += batch->length;
      return cli_row_queue_push(&w->head, qv_batch_retain(batch), err);
    }
    qv_batch *first = NULL, *rest = NULL;
    QV_RETURN_IF_ERROR(qv_batch_slice(batch, 0, room, &first, err));
    w->head_rows += room;
    QV_RETURN_IF_ERROR(cli_row_queue_push(&w->head, first, err));
    QV_RETURN_IF_ERROR(qv_batch_slice(batch, room, batch->length - room, &rest, err));
    return cli_row_queue_push(&w->tail, rest, err);
  }
  return cli_row_queue_push(&w->tail, qv_batch_retain(batch), err);
}

/* ---- the aligned table ---- */

typedef struct cells {
  char **text; /* rows x cols, row-major */
  int64_t rows;
  int32_t cols;
} cells;

/* Display width: UTF-8 characters (continuation bytes do not count). */
static size_t width_of(const char *s) {
  size_t n = 0;
  for (; *s; s++) n += ((unsigned char)*s & 0xC0) != 0x80;
  return n;
}

/* Cuts s to at most MAX_CELL characters (the last three "..."). */
static void cut_cell(char *s) {
  if (width_of(s) <= MAX_CELL) return;
  size_t chars = 0, k = 0;
  for (; s[k]; k++) {
    if (((unsigned char)s[k] & 0xC0) != 0x80) {
      if (chars == MAX_CELL - 3) break;
      chars++;
    }
  }
  memcpy(s + k, "...", 4);
}

static bool is_text_type(const qv_type *t) {
  return t->id == QV_TYPE_STRING || t->id == QV_TYPE_LARGE_STRING || t->id == QV_TYPE_STRING_VIEW;
}

static bool is_number_type(const qv_type *t) {
  return qv_type_is_integer(t->id) || t->id == QV_TYPE_FLOAT16 || t->id == QV_TYPE_FLOAT32 ||
         t->id == QV_TYPE_FLOAT64 || t->id == QV_TYPE_DECIMAL32 || t->id == QV_TYPE_DECIMAL64 ||
         t->id == QV_TYPE_DECIMAL128 || t->id == QV_TYPE_DECIMAL256;
}

static qv_status fill_cells(cli_rows_writer *w, const cli_row_queue *q, cells *c, int64_t *row, qv_error *err) {
  static const qv_print_options k_opts = {10, 5, 2, 200, 0};
  for (int64_t b = 0; b < q->n; b++) {
    const qv_batch *batch = q->b[b];
    QV_RETURN_IF_ERROR(qv_batch_validate(batch, QV_VALIDATE_STRUCTURE, err));
    for (int64_t i = 0; i < batch->length; i++, (*row)++) {
      for (int32_t col = 0; col < c->cols; col++) {
        char *text = NULL;
        qv_error e;
        if (qv_array_value_to_string(batch->columns[col], i, &k_opts, &text, &e) != QV_OK)
          return qv_error_set(err, QV_ERR_INVALID_DATA, "column '%s', row %lld: %s", w->schema->fields[col]->name,
                              (long long)*row, e.message);
        size_t n = strlen(text);
        if (is_text_type(w->schema->fields[col]->type) && n >= 2 && text[0] == '"' && text[n - 1] == '"') {
          memmove(text, text + 1, n - 2);
          text[n - 2] = '\0';
        }
        cut_cell(text);
        c->text[(*row) * c->cols + col] = text;
      }
    }
  }
  return QV_OK;
}

static void pad(FILE *f, size_t n) {
  for (size_t k = 0; k < n; k++) fputc(' ', f);
}

static void print_line(FILE *f, char *const *texts, const size_t *widths, const bool *right, int32_t cols) {
  for (int32_t col = 0; col < cols; col++) {
    const size_t w = width_of(texts[col]);
    if (col > 0) fputs("  ", f);
    if (right[col]) pad(f, widths[col] - w);
    fputs(texts[col], f);
    if (!right[col] && col + 1 < cols) pad(f, widths[col] - w);
  }
  fputc('\n', f);
}

static qv_status print_table(cli_rows_writer *w, qv_error *err) {
  QV_RETURN_IF_ERROR(cli_row_queue_trim(&w->tail, err));
  const int32_t cols = w->schema->n_fields;
  const int64_t shown = w->head_rows + w->tail.rows;
  const int64_t skipped = w->total - shown;
  cells c = {calloc((size_t)(shown * (cols ? cols : 1)) + 1, sizeof(char *)), shown, cols};
  size_t *widths = calloc((size_t)cols + 1, sizeof *widths);
  bool *right = calloc((size_t)cols + 1, sizeof *right);
  char **names = calloc((size_t)cols + 1, sizeof *names);
  qv_status st = QV_OK;
  if (c.text == NULL || widths == NULL || right == NULL || names == NULL) {
    st = qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory laying out %lld rows", (long long)shown);
    goto done;
  }
  int64_t row = 0;
  st = fill_cells(w, &w->head, &c, &row, err);
  if (st == QV_OK) st = fill_cells(w, &w->tail, &c, &row, err);
  if (st != QV_OK) goto done;
  for (int32_t col = 0; col < cols; col++) {
    names[col] = w->schema->fields[col]->name;
    widths[col] = width_of(names[col]);
    right[col] = is_number_type(w->schema->fields[col]->type);
    for (int64_t r = 0; r < shown; r++) {
      const size_t cw = width_of(c.text[r * cols + col]);
      if (cw > widths[col]) widths[col] = cw;
    }
  }
  if (cols > 0) {
    print_line(w->out, names, widths, right, cols);
    for (int32_t col = 0; col < cols; col++) {
      if (col > 0) fputs("  ", w->out);
      for (size_t k = 0; k < widths[col]; k++) fputc('-', w->out);
    }
    fputc('\n', w->out);
  }
  for (int64_t r = 0; r < shown; r++) {
    if (r == w->head_rows && skipped > 0) fprintf(w->out, "... %lld more rows ...\n", (long long)skipped);
    print_line(w->out, c.text + r * cols, widths, right, cols);
  }
  if (shown == w->head_rows && skipped > 0) fprintf(w->out, "... %lld more rows ...\n", (long long)skipped);
  fprintf(w->out, "(%lld row%s)\n", (long long)w->total, w->total == 1 ? "" : "s");
done:
  for (int64_t k = 0; c.text && k < shown * cols; k++) qv_free_string(c.text[k]);
  free(c.text);
  free(widths);
  free(right);
  free(names);
  return st;
}

qv_status cli_rows_close(cli_rows_writer *w, qv_error *err) {
  if (w->format == CLI_ROWS_TABLE) return print_table(w, err);
  /* CSV of a table with no rows: still the header. */
  if (w->format == CLI_ROWS_CSV && !w->wrote_header) {
    qv_table *t = NULL;
    QV_RETURN_IF_ERROR(qv_table_new(w->schema, NULL, 0, &t, err));
    char *text = NULL;
    size_t size = 0;
    qv_status st = qv_csv_write_table_memory(t, NULL, &text, &size, err);
    if (st == QV_OK) st = put(w, text, size, err);
    free(text);
    qv_table_release(t);
    return st;
  }
  return QV_OK;
}

void cli_rows_free(cli_rows_writer *w) {
  if (w == NULL) return;
  cli_row_queue_free(&w->head);
  cli_row_queue_free(&w->tail);
  qv_schema_release(w->schema);
  free(w);
}
