/* quiver validate: public entry points and the recursion over children.
 *
 * Order per node: its own structure (layout.c), then each child and the
 * dictionary recursively, then the O(1) checks that read children's
 * buffers (links), then - at FULL level - the node's content (content.c,
 * strings.c, values.c). So content checks may rely on every descendant
 * being structurally sound. Depth is bounded by QV_VALIDATE_MAX_DEPTH, so
 * the recursion cannot exhaust the stack on hostile input.
 */
#include <stdio.h>

#include "core/internal.h"
#include "validate/batches.h"
#include "validate/internal.h"

qv_status qv__vfail(qv__vctx *c, const qv_array *a, qv_status code, const char *fmt, ...) {
  if (c->err == NULL) return code;
  char msg[QV_ERROR_MESSAGE_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  const char *tname = (a && a->type) ? qv_type_id_name(qv__storage(a->type)->id) : "untyped";
  if (c->path_len > 0)
    return qv_error_set(c->err, code, "%s: %s array: %s", c->path, tname, msg);
  return qv_error_set(c->err, code, "%s array: %s", tname, msg);
}

size_t qv__vpath_push(qv__vctx *c, const char *fmt, ...) {
  const size_t old = c->path_len;
  const size_t room = sizeof c->path - old;
  size_t n = 0;
  if (old > 0 && room > 1) {
    c->path[old] = '.';
    c->path[old + 1] = '\0';
    n = 1;
  }
  va_list ap;
  va_start(ap, fmt);
  int w = room > n ? vsnprintf(c->path + old + n, room - n, fmt, ap) : 0;
  va_end(ap);
  n += w > 0 ? (size_t)w : 0;
  c->path_len = old + n < sizeof c->path ? old + n : sizeof c->path - 1;
  return old;
}

void qv__vpath_pop(qv__vctx *c, size_t len) {
  c->path_len = len;
  c->path[len] = '\0';
}

static qv_status validate_node(qv__vctx *c, const qv_array *a);

static qv_status validate_child(qv__vctx *c, const qv_array *child, const char *name) {
  const size_t saved = qv__vpath_push(c, "%s", name);
  c->depth++;
  qv_status st = validate_node(c, child);
  c->depth--;
  if (st == QV_OK) qv__vpath_pop(c, saved);
  return st;
}

static qv_status validate_node(qv__vctx *c, const qv_array *a) {
  if (a == NULL) return qv__vfail(c, NULL, QV_ERR_INVALID_DATA, "array is NULL");
  if (a->type == NULL) return qv__vfail(c, NULL, QV_ERR_INVALID_DATA, "array has no type");
  if (c->depth > QV_VALIDATE_MAX_DEPTH)
    return qv__vfail(c, a, QV_ERR_LIMIT, "nesting depth exceeds %d", QV_VALIDATE_MAX_DEPTH);
  QV_RETURN_IF_ERROR(qv__validate_layout(c, a));
  const qv_type *t = qv__storage(a->type);
  for (int32_t k = 0; k < a->n_children; k++)
    QV_RETURN_IF_ERROR(validate_child(c, a->children[k], t->children[k]->name));
  if (a->dictionary != NULL) QV_RETURN_IF_ERROR(validate_child(c, a->dictionary, "<dictionary>"));
  QV_RETURN_IF_ERROR(qv__validate_links(c, a));
  if (c->level == QV_VALIDATE_FULL) {
    QV_RETURN_IF_ERROR(qv__validate_content(c, a));
    QV_RETURN_IF_ERROR(qv__validate_utf8(c, a));
    QV_RETURN_IF_ERROR(qv__validate_values(c, a));
  }
  return QV_OK;
}

static void ctx_init(qv__vctx *c, qv_validate_level level, qv_error *err) {
  c->level = level;
  c->err = err;
  c->depth = 0;
  c->path_len = 0;
  c->path[0] = '\0';
}

static qv_status check_level(qv_validate_level level, qv_error *err) {
  if (level != QV_VALIDATE_STRUCTURE && level != QV_VALIDATE_FULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "unknown validation level %d", (int)level);
  return QV_OK;
}

qv_status qv_array_validate(const qv_array *array, qv_validate_level level, qv_error *err) {
  if (array == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_array_validate: array is NULL");
  QV_RETURN_IF_ERROR(check_level(level, err));
  qv__vctx c;
  ctx_init(&c, level, err);
  return validate_node(&c, array);
}

/* Validates a batch's columns; `prefix` (may be "") starts every message. */
static qv_status validate_batch(const qv_batch *b, qv_validate_level level, const char *prefix, qv_error *err) {
  if (b->schema == NULL) return qv_error_set(err, QV_ERR_INVALID_DATA, "%sbatch has no schema", prefix);
  if (b->n_columns != b->schema->n_fields)
    return qv_error_set(err, QV_ERR_INVALID_DATA, "%sbatch has %d columns but its schema %d fields", prefix,
                        b->n_columns, b->schema->n_fields);
  if (b->length < 0) return qv_error_set(err, QV_ERR_INVALID_DATA, "%snegative batch length %lld", prefix, (long long)b->length);
  if (b->n_columns > 0 && b->columns == NULL)
    return qv_error_set(err, QV_ERR_INVALID_DATA, "%sbatch columns array is NULL", prefix);
  qv__vctx c;
  for (int32_t i = 0; i < b->n_columns; i++) {
    const qv_field *f = b->schema->fields[i];
    const qv_array *col = b->columns[i];
    if (col == NULL) return qv_error_set(err, QV_ERR_INVALID_DATA, "%scolumn '%s' is NULL", prefix, f->name);
    if (col->type == NULL || !qv_type_equals(col->type, f->type, false)) {
      char have[128] = "(none)", expect[128];
      if (col->type) qv_type_format(col->type, have, sizeof have);
      qv_type_format(f->type, expect, sizeof expect);
      return qv_error_set(err, QV_ERR_INVALID_DATA, "%scolumn '%s' has type %s, the schema says %s", prefix,
                          f->name, have, expect);
    }
    if (col->length != b->length)
      return qv_error_set(err, QV_ERR_INVALID_DATA, "%scolumn '%s' has length %lld, the batch %lld", prefix,
                          f->name, (long long)col->length, (long long)b->length);
    ctx_init(&c, level, err);
    qv__vpath_push(&c, "%scolumn '%s'", prefix, f->name);
    QV_RETURN_IF_ERROR(validate_node(&c, col));
  }
  return QV_OK;
}

qv_status qv_batch_validate(const qv_batch *batch, qv_validate_level level, qv_error *err) {
  if (batch == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_batch_validate: batch is NULL");
  QV_RETURN_IF_ERROR(check_level(level, err));
  return validate_batch(batch, level, "", err);
}

qv_status qv_table_validate(const qv_table *table, qv_validate_level level, qv_error *err) {
  if (table == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_table_validate: table is NULL");
  QV_RETURN_IF_ERROR(check_level(level, err));
  if (table->schema == NULL) return qv_error_set(err, QV_ERR_INVALID_DATA, "table has no schema");
  if (table->n_batches > 0 && table->batches == NULL)
    return qv_error_set(err, QV_ERR_INVALID_DATA, "table batches array is NULL");
  int64_t rows = 0;
  for (int64_t i = 0; i < table->n_batches; i++) {
    const qv_batch *b = table->batches[i];
    char prefix[48];
    snprintf(prefix, sizeof prefix, "batch %lld: ", (long long)i);
    if (b == NULL) return qv_error_set(err, QV_ERR_INVALID_DATA, "%sbatch is NULL", prefix);
    if (b->schema == NULL || !qv_schema_equals(b->schema, table->schema, false))
      return qv_error_set(err, QV_ERR_INVALID_DATA, "%sschema differs from the table schema", prefix);
    QV_RETURN_IF_ERROR(validate_batch(b, level, prefix, err));
    if (qv__add_overflow_i64(rows, b->length, &rows))
      return qv_error_set(err, QV_ERR_OVERFLOW, "%stotal row count overflows int64", prefix);
  }
  if (rows != table->n_rows)
    return qv_error_set(err, QV_ERR_INVALID_DATA, "table n_rows is %lld but its batches hold %lld rows",
                        (long long)table->n_rows, (long long)rows);
  return QV_OK;
}

qv_status qv__validate_table_batches(const qv_table *table, qv_error *err) {
  const qv_schema *schema = table->schema;
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
    if (qv__add_overflow_i64(row_base, batch->length, &row_base)) row_base = INT64_MAX;
  }
  return QV_OK;
}
