/* quiver core: selecting, dropping, renaming, adding, replacing and
 * removing columns of batches and tables (table.h).
 *
 * Every edit is first turned into a plan that does not depend on the data:
 * the output fields, and for each output column the input column it comes
 * from (or -1: the inserted column). The same plan then edits the schema
 * and every batch, so a table keeps its batch boundaries and metadata
 * unless a column with other chunk boundaries is inserted, in which case
 * the table is re-cut where any column's chunk ends (qv__table_from_aligned).
 */
#include "core/internal.h"
#include "core/table_internal.h"
#include "quiver/table.h"

typedef struct edit_plan {
  int32_t n;
  int32_t *source;   /* per output column: input index, or -1 for the inserted column */
  qv_field **fields; /* per output column: owned reference */
} edit_plan;

static void plan_free(edit_plan *p) {
  for (int32_t k = 0; p->fields != NULL && k < p->n; k++) qv_field_release(p->fields[k]);
  qv__free(p->fields);
  qv__free(p->source);
}

static qv_status plan_alloc(edit_plan *p, int32_t n, qv_error *err) {
  p->n = n;
  p->source = (int32_t *)qv__calloc((size_t)n, sizeof(int32_t));
  p->fields = (qv_field **)qv__calloc((size_t)n, sizeof(qv_field *));
  if (p->source == NULL || p->fields == NULL) {
    plan_free(p);
    return qv_error_set(err, QV_ERR_NO_MEMORY, "column edit: out of memory for %d columns", n);
  }
  return QV_OK;
}

static void plan_take(edit_plan *p, int32_t k, const qv_schema *s, int32_t from) {
  p->source[k] = from;
  p->fields[k] = qv_field_retain(s->fields[from]);
}

static qv_status check_index(const qv_schema *s, int32_t i, int32_t limit, const char *what, qv_error *err) {
  if (i < 0 || i >= limit)
    return qv_error_set(err, QV_ERR_OUT_OF_RANGE, "%s: column index %d is outside 0..%d", what, i, limit - 1);
  (void)s;
  return QV_OK;
}

static qv_status plan_select(const qv_schema *s, const int32_t *idx, int32_t n, edit_plan *p, qv_error *err) {
  if (n < 0 || (n > 0 && idx == NULL))
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "select: bad index list (%d entries)", n);
  for (int32_t k = 0; k < n; k++) QV_RETURN_IF_ERROR(check_index(s, idx[k], s->n_fields, "select", err));
  QV_RETURN_IF_ERROR(plan_alloc(p, n, err));
  for (int32_t k = 0; k < n; k++) plan_take(p, k, s, idx[k]);
  return QV_OK;
}

static qv_status plan_drop(const qv_schema *s, const char *const *names, int32_t n, edit_plan *p, qv_error *err) {
  if (n < 0 || (n > 0 && names == NULL))
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "drop_columns: bad name list (%d entries)", n);
  bool *gone = (bool *)qv__calloc((size_t)s->n_fields, sizeof(bool));
  QV_CHECK_ALLOC(gone, err);
  qv_status st = QV_OK;
  int32_t kept = s->n_fields;
  for (int32_t j = 0; j < n && st == QV_OK; j++) {
    bool found = false;
    for (int32_t i = 0; names[j] != NULL && i < s->n_fields; i++)
      if (strcmp(s->fields[i]->name, names[j]) == 0) {
        found = true;
        if (!gone[i]) kept--;
        gone[i] = true;
      }
    if (!found)
      st = qv_error_set(err, QV_ERR_NOT_FOUND, "drop_columns: there is no column named '%s'",
                        names[j] ? names[j] : "(null)");
  }
  if (st == QV_OK) st = plan_alloc(p, kept, err);
  if (st == QV_OK)
    for (int32_t i = 0, k = 0; i < s->n_fields; i++)
      if (!gone[i]) plan_take(p, k++, s, i);
  qv__free(gone);
  return st;
}

static qv_status plan_rename(const qv_schema *s, const char *const *names, int32_t n, edit_plan *p, qv_error *err) {
  if (n != s->n_fields || (n > 0 && names == NULL))
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "rename_columns: %d names given for %d columns", n,
                        s->n_fields);
  QV_RETURN_IF_ERROR(plan_alloc(p, n, err));
  for (int32_t k = 0; k < n; k++) {
    const qv_field *f = s->fields[k];
    p->source[k] = k;
    qv_status st = qv_field_new(names[k], f->type, f->nullable, f->metadata, &p->fields[k], err);
    if (st != QV_OK) {
      plan_free(p);
      return st;
    }
  }
  return QV_OK;
}

/* Insert (replace == false) at i in 0..n, or replace column i. */
static qv_status plan_put(const qv_schema *s, int32_t i, qv_field *field, const qv_type *column_type, bool replace,
                          edit_plan *p, qv_error *err) {
  const char *what = replace ? "set_column" : "add_column";
  QV_RETURN_IF_ERROR(check_index(s, i, s->n_fields + (replace ? 0 : 1), what, err));
  if (field == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "%s: field is NULL", what);
  if (!qv_type_equals(field->type, column_type, false)) {
    char want[256], got[256];
    qv_type_format(field->type, want, sizeof want);
    qv_type_format(column_type, got, sizeof got);
    return qv_error_set(err, QV_ERR_TYPE, "%s: column '%s' has type %s but its field says %s", what, field->name,
                        got, want);
  }
  QV_RETURN_IF_ERROR(plan_alloc(p, s->n_fields + (replace ? 0 : 1), err));
  for (int32_t k = 0, from = 0; k < p->n; k++) {
    if (k == i) {
      p->source[k] = -1;
      p->fields[k] = qv_field_retain(field);
      if (replace) from++;
    } else {
      plan_take(p, k, s, from++);
    }
  }
  return QV_OK;
}

static qv_status plan_remove(const qv_schema *s, int32_t i, edit_plan *p, qv_error *err) {
  QV_RETURN_IF_ERROR(check_index(s, i, s->n_fields, "remove_column", err));
  QV_RETURN_IF_ERROR(plan_alloc(p, s->n_fields - 1, err));
  for (int32_t k = 0, from = 0; k < p->n; k++, from++) {
    if (from == i) from++;
    plan_take(p, k, s, from);
  }
  return QV_OK;
}

/* ---- applying a plan ---- */

static qv_status plan_schema(const edit_plan *p, const qv_schema *in, qv_schema **out, qv_error *err) {
  return qv_schema_new(p->fields, p->n, in->metadata, out, err);
}

static qv_status apply_to_batch(const edit_plan *p, qv_schema *schema, const qv_batch *in, qv_array *inserted,
                                qv_batch **out, qv_error *err) {
  qv_array **cols = (qv_array **)qv__calloc((size_t)p->n, sizeof(qv_array *));
  QV_CHECK_ALLOC(cols, err);
  for (int32_t k = 0; k < p->n; k++) cols[k] = p->source[k] >= 0 ? in->columns[p->source[k]] : inserted;
  qv_status st = qv_batch_new(schema, in->length, cols, in->metadata, out, err);
  qv__free(cols);
  return st;
}

static qv_status edit_batch(const qv_batch *in, edit_plan *p, qv_array *inserted, qv_batch **out, qv_error *err) {
  qv_schema *schema = NULL;
  qv_status st = plan_schema(p, in->schema, &schema, err);
  if (st == QV_OK) st = apply_to_batch(p, schema, in, inserted, out, err);
  qv_schema_release(schema);
  plan_free(p);
  return st;
}

/* Tables: batch by batch, unless a chunked column is inserted whose chunks
 * do not line up with the batches; then every output column becomes a
 * chunked array and the table is re-cut. */
static bool chunks_line_up(const qv_table *t, const qv_chunked_array *c) {
  if (c->n_chunks != t->n_batches) return false;
  for (int64_t j = 0; j < t->n_batches; j++)
    if (c->chunks[j]->length != t->batches[j]->length) return false;
  return true;
}

static qv_status edit_table_recut(const qv_table *in, const edit_plan *p, qv_schema *schema,
                                  qv_chunked_array *inserted, qv_table **out, qv_error *err) {
  qv_chunked_array **cols = (qv_chunked_array **)qv__calloc((size_t)p->n, sizeof(qv_chunked_array *));
  QV_CHECK_ALLOC(cols, err);
  qv_status st = QV_OK;
  for (int32_t k = 0; k < p->n && st == QV_OK; k++)
    st = p->source[k] >= 0 ? qv_table_column(in, p->source[k], &cols[k], err)
                           : (cols[k] = qv_chunked_array_retain(inserted), QV_OK);
  if (st == QV_OK) st = qv__table_from_aligned(schema, cols, out, err);
  for (int32_t k = 0; k < p->n; k++) qv_chunked_array_release(cols[k]);
  qv__free(cols);
  return st;
}

static qv_status edit_table(const qv_table *in, edit_plan *p, qv_chunked_array *inserted, qv_table **out,
                            qv_error *err) {
  qv_schema *schema = NULL;
  qv_batch **batches = NULL;
  int64_t done = 0;
  qv_status st = plan_schema(p, in->schema, &schema, err);
  if (st != QV_OK) goto finish;
  if (inserted != NULL && !chunks_line_up(in, inserted)) {
    st = edit_table_recut(in, p, schema, inserted, out, err);
    goto finish;
  }
  batches = (qv_batch **)qv__calloc((size_t)in->n_batches, sizeof(qv_batch *));
  QV_CHECK_ALLOC_GOTO(batches, st, err, finish);
  for (; done < in->n_batches; done++) {
    qv_array *chunk = inserted != NULL ? inserted->chunks[done] : NULL;
    st = apply_to_batch(p, schema, in->batches[done], chunk, &batches[done], err);
    if (st != QV_OK) goto finish;
  }
  st = qv_table_new(schema, batches, in->n_batches, out, err);
finish:
  for (int64_t j = 0; j < done; j++) qv_batch_release(batches[j]);
  qv__free(batches);
  qv_schema_release(schema);
  plan_free(p);
  return st;
}

/* ---- public entry points ---- */

#define CHECK_ARGS(in, out, fn)                                                                  \
  do {                                                                                           \
    if ((out) == NULL || (in) == NULL)                                                           \
      return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, fn ": %s is NULL", (in) ? "out" : "input"); \
    *(out) = NULL;                                                                               \
  } while (0)

qv_status qv_batch_select(const qv_batch *b, const int32_t *indices, int32_t n, qv_batch **out, qv_error *err) {
  CHECK_ARGS(b, out, "qv_batch_select");
  edit_plan p = {0};
  QV_RETURN_IF_ERROR(plan_select(b->schema, indices, n, &p, err));
  return edit_batch(b, &p, NULL, out, err);
}

qv_status qv_table_select(const qv_table *t, const int32_t *indices, int32_t n, qv_table **out, qv_error *err) {
  CHECK_ARGS(t, out, "qv_table_select");
  edit_plan p = {0};
  QV_RETURN_IF_ERROR(plan_select(t->schema, indices, n, &p, err));
  return edit_table(t, &p, NULL, out, err);
}

qv_status qv_batch_drop_columns(const qv_batch *b, const char *const *names, int32_t n, qv_batch **out,
                                qv_error *err) {
  CHECK_ARGS(b, out, "qv_batch_drop_columns");
  edit_plan p = {0};
  QV_RETURN_IF_ERROR(plan_drop(b->schema, names, n, &p, err));
  return edit_batch(b, &p, NULL, out, err);
}

qv_status qv_table_drop_columns(const qv_table *t, const char *const *names, int32_t n, qv_table **out,
                                qv_error *err) {
  CHECK_ARGS(t, out, "qv_table_drop_columns");
  edit_plan p = {0};
  QV_RETURN_IF_ERROR(plan_drop(t->schema, names, n, &p, err));
  return edit_table(t, &p, NULL, out, err);
}

qv_status qv_batch_rename_columns(const qv_batch *b, const char *const *names, int32_t n, qv_batch **out,
                                  qv_error *err) {
  CHECK_ARGS(b, out, "qv_batch_rename_columns");
  edit_plan p = {0};
  QV_RETURN_IF_ERROR(plan_rename(b->schema, names, n, &p, err));
  return edit_batch(b, &p, NULL, out, err);
}

qv_status qv_table_rename_columns(const qv_table *t, const char *const *names, int32_t n, qv_table **out,
                                  qv_error *err) {
  CHECK_ARGS(t, out, "qv_table_rename_columns");
  edit_plan p = {0};
  QV_RETURN_IF_ERROR(plan_rename(t->schema, names, n, &p, err));
  return edit_table(t, &p, NULL, out, err);
}

static qv_status batch_put(const qv_batch *b, int32_t i, qv_field *field, qv_array *column, bool replace,
                           qv_batch **out, qv_error *err) {
  if (column == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "column is NULL");
  if (column->length != b->length)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "column '%s' has %lld rows, the batch has %lld",
                        field ? field->name : "", (long long)column->length, (long long)b->length);
  edit_plan p = {0};
  QV_RETURN_IF_ERROR(plan_put(b->schema, i, field, column->type, replace, &p, err));
  return edit_batch(b, &p, column, out, err);
}

static qv_status table_put(const qv_table *t, int32_t i, qv_field *field, qv_chunked_array *column, bool replace,
                           qv_table **out, qv_error *err) {
  if (column == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "column is NULL");
  if (column->length != t->n_rows)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "column '%s' has %lld rows, the table has %lld",
                        field ? field->name : "", (long long)column->length, (long long)t->n_rows);
  edit_plan p = {0};
  QV_RETURN_IF_ERROR(plan_put(t->schema, i, field, column->type, replace, &p, err));
  return edit_table(t, &p, column, out, err);
}

qv_status qv_batch_add_column(const qv_batch *b, int32_t i, qv_field *field, qv_array *column, qv_batch **out,
                              qv_error *err) {
  CHECK_ARGS(b, out, "qv_batch_add_column");
  return batch_put(b, i, field, column, false, out, err);
}

qv_status qv_table_add_column(const qv_table *t, int32_t i, qv_field *field, qv_chunked_array *column,
                              qv_table **out, qv_error *err) {
  CHECK_ARGS(t, out, "qv_table_add_column");
  return table_put(t, i, field, column, false, out, err);
}

qv_status qv_batch_set_column(const qv_batch *b, int32_t i, qv_field *field, qv_array *column, qv_batch **out,
                              qv_error *err) {
  CHECK_ARGS(b, out, "qv_batch_set_column");
  return batch_put(b, i, field, column, true, out, err);
}

qv_status qv_table_set_column(const qv_table *t, int32_t i, qv_field *field, qv_chunked_array *column,
                              qv_table **out, qv_error *err) {
  CHECK_ARGS(t, out, "qv_table_set_column");
  return table_put(t, i, field, column, true, out, err);
}

qv_status qv_batch_remove_column(const qv_batch *b, int32_t i, qv_batch **out, qv_error *err) {
  CHECK_ARGS(b, out, "qv_batch_remove_column");
  edit_plan p = {0};
  QV_RETURN_IF_ERROR(plan_remove(b->schema, i, &p, err));
  return edit_batch(b, &p, NULL, out, err);
}

qv_status qv_table_remove_column(const qv_table *t, int32_t i, qv_table **out, qv_error *err) {
  CHECK_ARGS(t, out, "qv_table_remove_column");
  edit_plan p = {0};
  QV_RETURN_IF_ERROR(plan_remove(t->schema, i, &p, err));
  return edit_table(t, &p, NULL, out, err);
}
