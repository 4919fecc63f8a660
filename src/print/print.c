/* quiver print: public entry points (arrays, batches, tables; to a string
 * or a FILE).
 *
 * Every array is validated structurally first (O(buffers)), which is the
 * precondition of the bounds-checked accessors the printers use; content
 * problems met while printing (an offset outside the data, run ends out of
 * order...) abort with QV_ERR_INVALID_DATA instead of printing garbage; the
 * message then names the column and row (from full validation of that
 * column, run on the error path only). The text is built in a
 * growable qv_strbuf and handed to the caller, who frees it with
 * qv_free_string.
 */
#include <errno.h>
#include <stdio.h>

#include "print/internal.h"
#include "quiver/validate.h"

qv_print_options qv_print_options_default(void) {
  qv_print_options o = QV_PRINT_OPTIONS_DEFAULT;
  return o;
}


static qv_status check_array(const qv_array *a, const char *what, qv_error *err) {
  if (a == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "cannot print: %s is NULL", what);
  return qv_array_validate(a, QV_VALIDATE_STRUCTURE, err);
}

/* Hands the text over, or reports why there is none. The printers stop at
 * the first slot whose content they cannot use but do not say where; on
 * that error path the column `bad` (named `column`, may be NULL) is fully
 * validated to name the path and row of the first broken rule. */
static qv_status finish(qv_strbuf *sb, bool ok, const char *what, const qv_array *bad, const char *column,
                        char **out, qv_error *err) {
  if (!ok) {
    qv__strbuf_free(sb);
    qv_error why;
    qv_error_clear(&why);
    const char *sep = column ? "column '" : "";
    const char *end = column ? "': " : "";
    if (bad != NULL && qv_array_validate(bad, QV_VALIDATE_FULL, &why) != QV_OK)
      return qv_error_set(err, QV_ERR_INVALID_DATA, "cannot print %s: %s%s%s%s", what, sep, column ? column : "",
                          end, why.message);
    return qv_error_set(err, QV_ERR_INVALID_DATA,
                        "cannot print %s: %s%s%sa slot refers outside its data or run ends are out of order", what,
                        sep, column ? column : "", end);
  }
  qv_status st = qv__strbuf_status(sb, err);
  if (st != QV_OK) {
    qv__strbuf_free(sb);
    return st;
  }
  char *text = qv__strbuf_take(sb);
  if (text == NULL) text = (char *)calloc(1, 1); /* nothing was appended */
  if (text == NULL) return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory formatting %s", what);
  *out = text;
  return QV_OK;
}

qv_status qv_array_to_string(const qv_array *array, const qv_print_options *opts, char **out, qv_error *err) {
  if (out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_array_to_string: out is NULL");
  *out = NULL;
  QV_RETURN_IF_ERROR(check_array(array, "array", err));
  const qv_print_options o = opts ? *opts : qv_print_options_default();
  qv_strbuf sb;
  qv__strbuf_init(&sb);
  const bool ok = o.single_line ? qv__print_compact_array(&sb, array, 0, array->length, &o)
                                : qv__print_pretty(&sb, array, 0, array->length, 0, &o);
  return finish(&sb, ok, "array", array, NULL, out, err);
}

/* Header line, one "name: type" line per field, "----". */
static void header(qv_strbuf *sb, const char *title, const qv_schema *schema) {
  qv__strbuf_append(sb, title);
  for (int32_t i = 0; i < schema->n_fields; i++) {
    qv__strbuf_appendc(sb, '\n');
    qv__field_append(sb, schema->fields[i]);
  }
  qv__strbuf_append(sb, "\n----");
}

qv_status qv_batch_to_string(const qv_batch *batch, const qv_print_options *opts, char **out, qv_error *err) {
  if (out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_batch_to_string: out is NULL");
  *out = NULL;
  if (batch == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "cannot print: batch is NULL");
  QV_RETURN_IF_ERROR(qv_batch_validate(batch, QV_VALIDATE_STRUCTURE, err));
  const qv_print_options o = opts ? *opts : qv_print_options_default();
  qv_strbuf sb;
  qv__strbuf_init(&sb);
  header(&sb, "quiver.RecordBatch", batch->schema);
  bool ok = true;
  const qv_array *col = NULL;
  const char *name = NULL;
  for (int32_t i = 0; ok && i < batch->n_columns; i++) {
    name = batch->schema->fields[i]->name;
    qv__strbuf_appendf(&sb, "\n%s: ", name);
    col = batch->columns[i];
    ok = qv__print_compact_array(&sb, col, 0, col->length, &o);
  }
  return finish(&sb, ok, "batch", col, name, out, err);
}

qv_status qv_table_to_string(const qv_table *table, const qv_print_options *opts, char **out, qv_error *err) {
  if (out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_table_to_string: out is NULL");
  *out = NULL;
  if (table == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "cannot print: table is NULL");
  QV_RETURN_IF_ERROR(qv_table_validate(table, QV_VALIDATE_STRUCTURE, err));
  const qv_print_options o = opts ? *opts : qv_print_options_default();
  const int64_t window = o.max_container_rows;
  const int64_t n = table->n_batches;
  qv_strbuf sb;
  qv__strbuf_init(&sb);
  header(&sb, "quiver.Table", table->schema);
  bool ok = true;
  const qv_array *col = NULL;
  const char *name = NULL;
  for (int32_t i = 0; ok && i < table->schema->n_fields; i++) {
    name = table->schema->fields[i]->name;
    qv__strbuf_appendf(&sb, "\n%s: [", name);
    for (int64_t b = 0; ok && b < n; b++) {
      if (b > 0) qv__strbuf_appendc(&sb, ',');
      if (window >= 0 && b >= window && b < n - window) {
        qv__strbuf_append(&sb, "...");
        b = n - window - 1;
        continue;
      }
      col = table->batches[b]->columns[i];
      ok = qv__print_compact_array(&sb, col, 0, col->length, &o);
    }
    qv__strbuf_appendc(&sb, ']');
  }
  return finish(&sb, ok, "table", col, name, out, err);
}

static qv_status write_text(FILE *f, qv_status st, char *text, qv_error *err) {
  if (st != QV_OK) return st;
  const int failed = fputs(text, f) < 0 || fputc('\n', f) == EOF;
  const int saved = errno;
  qv_free_string(text);
  if (failed) return qv_error_set(err, QV_ERR_IO, "writing the text failed: %s", strerror(saved));
  return QV_OK;
}

qv_status qv_array_print(FILE *f, const qv_array *array, const qv_print_options *opts, qv_error *err) {
  if (f == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_array_print: FILE is NULL");
  char *text = NULL;
  qv_status st = qv_array_to_string(array, opts, &text, err);
  return write_text(f, st, text, err);
}

qv_status qv_batch_print(FILE *f, const qv_batch *batch, const qv_print_options *opts, qv_error *err) {
  if (f == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_batch_print: FILE is NULL");
  char *text = NULL;
  qv_status st = qv_batch_to_string(batch, opts, &text, err);
  return write_text(f, st, text, err);
}

qv_status qv_table_print(FILE *f, const qv_table *table, const qv_print_options *opts, qv_error *err) {
  if (f == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_table_print: FILE is NULL");
  char *text = NULL;
  qv_status st = qv_table_to_string(table, opts, &text, err);
  return write_text(f, st, text, err);
}
