/* quiver jsonl: the writer's driver and its nested values. One JSON object
 * per row, members in column order. Every batch is validated first; then
 * pieces of rows are formatted on every core (write_rows.c, through
 * core/table_text.c) and handed in row order to memory or to an atomic
 * file, written straight from each piece's buffer.
 *
 * Numbers and temporal values use print/'s leaf formatter (pyarrow's text
 * forms); temporal text is quoted, and float text JSON cannot spell (nan,
 * inf) becomes null. That formatter reads fixed-width slots without bounds
 * checks, so every batch is validated structurally first; variable-width,
 * list and dictionary slots go through the checked accessors, so offsets
 * that structural validation does not order give an error naming column and
 * row, never a read outside a buffer. Nesting is bounded by the type's
 * depth, which the schema bounds.
 */
#include <stdlib.h>
#include <string.h>

#include "core/atomic_file.h"
#include "core/checked_access.h"
#include "core/table_text.h"
#include "jsonl/internal.h"
#include "jsonl/write_internal.h"
#include "print/internal.h"
#include "validate/batches.h"

/* Which types have a JSON text: a switch on the logical type on purpose
 * (a text form is a property of the type, not of its layout). */
static bool writable(const qv_type *t) {
  switch (t->id) {
    case QV_TYPE_EXTENSION:
      return writable(t->storage_type);
    case QV_TYPE_DICTIONARY:
      return writable(t->value_type);
    case QV_TYPE_LIST:
    case QV_TYPE_LARGE_LIST:
    case QV_TYPE_LIST_VIEW:
    case QV_TYPE_LARGE_LIST_VIEW:
    case QV_TYPE_FIXED_SIZE_LIST:
      return writable(t->children[0]->type);
    case QV_TYPE_STRUCT:
      for (int32_t i = 0; i < t->n_children; i++)
        if (!writable(t->children[i]->type)) return false;
      return true;
    case QV_TYPE_BINARY:
    case QV_TYPE_LARGE_BINARY:
    case QV_TYPE_BINARY_VIEW:
    case QV_TYPE_FIXED_SIZE_BINARY:
    case QV_TYPE_MAP:
    case QV_TYPE_SPARSE_UNION:
    case QV_TYPE_DENSE_UNION:
    case QV_TYPE_RUN_END_ENCODED:
    case QV_TYPE_INTERVAL_MONTHS:
    case QV_TYPE_INTERVAL_DAY_TIME:
    case QV_TYPE_INTERVAL_MONTH_DAY_NANO:
      return false;
    default:
      return true;
  }
}

typedef struct wctx {
  qv_strbuf *sb;
  const char *column;
  int64_t row; /* table row, for messages */
  qv_error *err;
} wctx;

static qv_status unreadable(wctx *w) {
  return qv_error_set(w->err, QV_ERR_INVALID_DATA,
                      "column '%s', row %lld: the value lies outside the array's buffers (offsets or indices out "
                      "of range)",
                      w->column, (long long)w->row);
}

static qv_status write_value(wctx *w, const qv_array *a, int64_t i);

static qv_status write_leaf(wctx *w, const qv_array *a, int64_t i, qv_type_id id) {
  static const qv_print_options k_print = QV_PRINT_OPTIONS_DEFAULT;
  qv_strbuf *sb = w->sb;
  if (id == QV_TYPE_STRING || id == QV_TYPE_LARGE_STRING || id == QV_TYPE_STRING_VIEW) {
    const uint8_t *p;
    int64_t n;
    if (!qv__bytes_slot(a, i, &p, &n)) return unreadable(w);
    qv__jsonl_append_escaped(sb, p, n);
    return QV_OK;
  }
  const bool quoted = id == QV_TYPE_DATE32 || id == QV_TYPE_DATE64 || id == QV_TYPE_TIME32 ||
                      id == QV_TYPE_TIME64 || id == QV_TYPE_TIMESTAMP;
  const size_t at = sb->len;
  if (quoted) qv__strbuf_appendc(sb, '"');
  if (!qv__print_leaf(sb, a, i, &k_print)) return unreadable(w);
  if (quoted) {
    qv__strbuf_appendc(sb, '"');
  } else if (id == QV_TYPE_FLOAT16 || id == QV_TYPE_FLOAT32 || id == QV_TYPE_FLOAT64) {
    const char *text = qv__strbuf_cstr(sb) + at;
    if (text[0] == 'n' || text[0] == 'i' || (text[0] == '-' && text[1] == 'i')) { /* nan, inf, -inf */
      qv__strbuf_truncate(sb, at);
      qv__strbuf_append_n(sb, "null", 4);
    }
  }
  return QV_OK;
}

static qv_status write_list(wctx *w, const qv_array *a, int64_t i) {
  int64_t start, len;
  if (!qv__list_slot(a, i, &start, &len)) return unreadable(w);
  const qv_array *child = a->children[0];
  qv__strbuf_appendc(w->sb, '[');
  for (int64_t k = 0; k < len; k++) {
    if (k > 0) qv__strbuf_appendc(w->sb, ',');
    QV_RETURN_IF_ERROR(write_value(w, child, start + k));
  }
  qv__strbuf_appendc(w->sb, ']');
  return QV_OK;
}

static qv_status write_struct(wctx *w, const qv_array *a, int64_t i) {
  const qv_type *t = qv_type_storage(a->type);
  qv__strbuf_appendc(w->sb, '{');
  for (int32_t c = 0; c < t->n_children && c < a->n_children; c++) {
    if (c > 0) qv__strbuf_appendc(w->sb, ',');
    const char *name = t->children[c]->name;
    qv__jsonl_append_escaped(w->sb, (const uint8_t *)name, (int64_t)strlen(name));
    qv__strbuf_appendc(w->sb, ':');
    QV_RETURN_IF_ERROR(write_value(w, a->children[c], a->offset + i));
  }
  qv__strbuf_appendc(w->sb, '}');
  return QV_OK;
}

static qv_status write_value(wctx *w, const qv_array *a, int64_t i) {
  const qv_type *t = qv_type_storage(a->type);
  if (i < 0 || i >= a->length) return unreadable(w);
  if (t->id == QV_TYPE_NULL || !qv__bit_valid(a, i)) {
    qv__strbuf_append_n(w->sb, "null", 4);
    return QV_OK;
  }
  switch (t->id) {
    case QV_TYPE_DICTIONARY: {
      int64_t index;
      if (a->dictionary == NULL || !qv__dict_slot(a, i, &index)) return unreadable(w);
      return write_value(w, a->dictionary, index);
    }
    case QV_TYPE_LIST:
    case QV_TYPE_LARGE_LIST:
    case QV_TYPE_LIST_VIEW:
    case QV_TYPE_LARGE_LIST_VIEW:
    case QV_TYPE_FIXED_SIZE_LIST:
      return write_list(w, a, i);
    case QV_TYPE_STRUCT:
      return write_struct(w, a, i);
    default:
      return write_leaf(w, a, i, t->id);
  }
}

qv_status qv__jsonl_write_value(qv_strbuf *sb, const qv_array *a, int64_t i, const char *column, int64_t row,
                                qv_error *err) {
  wctx w = {sb, column, row, err};
  return write_value(&w, a, i);
}

/* ---- rows formatted in parallel, written in order (core/table_text.c) ---- */

#define PIECE_ROWS 16384

typedef struct write_ctx {
  const qv_table *table;
  const qv__jsonl_keys *keys;
  qv_strbuf *text;       /* the memory output */
  qv__atomic_file *file; /* or the file output */
} write_ctx;

/* `scratch`: the thread's columns, one per field. */
static qv_status format_rows(void *ctx, void *scratch, const qv_batch *batch, int64_t first, int64_t count,
                             int64_t row_base, qv_strbuf *text, qv_error *err) {
  write_ctx *w = ctx;
  qv__jsonl_column *cols = scratch;
  const size_t bound = qv__jsonl_columns_bind(cols, batch, w->table->schema, w->keys);
  return qv__jsonl_format_rows(cols, batch->n_columns, bound, first, count, row_base, text, err);
}

static qv_status emit_piece(void *ctx, const qv_strbuf *text, qv_error *err) {
  write_ctx *w = ctx;
  if (text->len == 0) return QV_OK;
  if (w->file != NULL) return qv__atomic_file_write(w->file, text->data, text->len, err);
  qv__strbuf_append_n(w->text, text->data, text->len);
  return qv__strbuf_status(w->text, err);
}

/* Writes every row into sb (memory) or `file` (when not NULL), after
 * checking every batch. */
static qv_status write_table(const qv_table *table, qv_strbuf *sb, qv__atomic_file *file, qv_error *err) {
  QV_RETURN_IF_ERROR(qv__strbuf_status(sb, err));
  const qv_schema *schema = table->schema;
  for (int32_t c = 0; c < schema->n_fields; c++)
    if (!writable(schema->fields[c]->type))
      return qv_error_set(err, QV_ERR_NOT_IMPLEMENTED,
                          "column '%s': JSON Lines has no text form for this type (binary, map, union, interval "
                          "or run-end encoded values)",
                          schema->fields[c]->name);
  QV_RETURN_IF_ERROR(qv__validate_table_batches(table, err));
  qv__jsonl_keys keys;
  write_ctx w = {table, &keys, sb, file};
  const size_t n_cols = (size_t)(schema->n_fields > 0 ? schema->n_fields : 1);
  qv_status st = qv__jsonl_keys_init(&keys, schema, err);
  /* one thread writing to memory formats straight into the result */
  if (st == QV_OK)
    st = qv__table_text_run(table, PIECE_ROWS, qv__table_text_default_threads(), n_cols * sizeof(qv__jsonl_column),
                            format_rows, emit_piece, &w, file == NULL ? sb : NULL, err);
  qv__jsonl_keys_free(&keys);
  return st;
}

qv_status qv_jsonl_write_table_memory(const qv_table *table, char **out, size_t *size, qv_error *err) {
  if (table == NULL || out == NULL || size == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_jsonl_write_table_memory: NULL argument");
  *out = NULL;
  *size = 0;
  qv_strbuf sb;
  qv__strbuf_init(&sb);
  qv__strbuf_append(&sb, ""); /* an empty table still gives a NUL-terminated text */
  qv_status st = write_table(table, &sb, NULL, err);
  if (st != QV_OK) {
    qv__strbuf_free(&sb);
    return st;
  }
  const size_t len = sb.len;
  char *text = qv__strbuf_take(&sb);
  QV_CHECK_ALLOC(text, err);
  *out = text;
  *size = len;
  return QV_OK;
}

qv_status qv_jsonl_write_table_path(const char *path, const qv_table *table, qv_error *err) {
  if (path == NULL || table == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_jsonl_write_table_path: NULL argument");
  qv__atomic_file file;
  QV_RETURN_IF_ERROR(qv__atomic_file_open(&file, path, err));
  qv_strbuf sb;
  qv__strbuf_init(&sb);
  qv_status st = write_table(table, &sb, &file, err);
  qv__strbuf_free(&sb);
  if (st == QV_OK) st = qv__atomic_file_commit(&file, err);
  qv__atomic_file_discard(&file);
  return st;
}

void qv_jsonl_free(void *p) { free(p); }
