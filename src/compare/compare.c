/* quiver compare: public equality and diff entry points.
 *
 * Each entry point checks what is cheap first (NULLs, types or schemas,
 * lengths, structural validity of both sides) and then hands the windows
 * to qv__cmp_range. Tables are compared column by column over the rows,
 * walking both sides' batches with two cursors so that batch boundaries do
 * not matter: each step compares the overlap of the current batches.
 */
#include <stdio.h>

#include "compare/internal.h"
#include "core/internal.h"
#include "quiver/validate.h"

/* Formats the first difference found by qv__cmp_range at row `row`
 * (`base` is added for table rows). */
static qv_status report(const qv__cmp *c, const char *prefix, int64_t row, qv_error *why) {
  if (c->no_row) {
    const char *p = c->path[0] == '.' ? c->path + 1 : c->path;
    return qv_error_set(why, QV_ERR_INVALID_DATA, "%sarrays differ in %s: %s", prefix, p, c->detail);
  }
  return qv_error_set(why, QV_ERR_INVALID_DATA, "%s%s at row %lld, [%lld]%s: %s", prefix,
                      c->invalid ? "cannot compare" : "arrays differ", (long long)row, (long long)row, c->path,
                      c->detail);
}

/* Types, lengths and structure; QV_OK when the values must be compared. */
static qv_status precheck(const qv_array *a, const qv_array *b, const qv_equal_options *o, const char *prefix,
                          qv_error *why) {
  if (a == NULL || b == NULL) {
    if (a == b) return QV_OK;
    return qv_error_set(why, QV_ERR_INVALID_DATA, "%s%s array is NULL", prefix, a == NULL ? "left" : "right");
  }
  if (a->type == NULL || b->type == NULL || !qv_type_equals(a->type, b->type, o->check_metadata)) {
    char ta[160] = "(none)", tb[160] = "(none)";
    if (a->type) qv_type_format(a->type, ta, sizeof ta);
    if (b->type) qv_type_format(b->type, tb, sizeof tb);
    return qv_error_set(why, QV_ERR_INVALID_DATA, "%stypes differ: left %s, right %s", prefix, ta, tb);
  }
  if (a->length != b->length)
    return qv_error_set(why, QV_ERR_INVALID_DATA, "%slengths differ: left %lld, right %lld", prefix,
                        (long long)a->length, (long long)b->length);
  qv_error verr;
  if (qv_array_validate(a, QV_VALIDATE_STRUCTURE, &verr) != QV_OK)
    return qv_error_set(why, QV_ERR_INVALID_DATA, "%sleft array is invalid: %s", prefix, verr.message);
  if (qv_array_validate(b, QV_VALIDATE_STRUCTURE, &verr) != QV_OK)
    return qv_error_set(why, QV_ERR_INVALID_DATA, "%sright array is invalid: %s", prefix, verr.message);
  return QV_OK;
}

static qv_status diff_arrays(const qv_array *a, const qv_array *b, const qv_equal_options *opts, bool want_msg,
                             const char *prefix, qv_error *why) {
  static const qv_equal_options defaults = QV_EQUAL_OPTIONS_DEFAULT;
  const qv_equal_options *o = opts ? opts : &defaults;
  QV_RETURN_IF_ERROR(precheck(a, b, o, prefix, why));
  if (a == NULL) return QV_OK;
  qv__cmp c;
  qv__cmp_init(&c, o, want_msg);
  const int64_t k = qv__cmp_range(&c, a, 0, b, 0, a->length);
  if (k < 0) return QV_OK;
  return want_msg ? report(&c, prefix, k, why) : QV_ERR_INVALID_DATA;
}

bool qv_array_equals(const qv_array *a, const qv_array *b) { return qv_array_equals_opts(a, b, NULL); }

bool qv_array_equals_opts(const qv_array *a, const qv_array *b, const qv_equal_options *opts) {
  return diff_arrays(a, b, opts, false, "", NULL) == QV_OK;
}

qv_status qv_array_diff(const qv_array *a, const qv_array *b, qv_error *why) {
  return diff_arrays(a, b, NULL, why != NULL, "", why);
}

qv_status qv_array_diff_opts(const qv_array *a, const qv_array *b, const qv_equal_options *opts, qv_error *why) {
  return diff_arrays(a, b, opts, why != NULL, "", why);
}

/* ---- batches ---- */

static qv_status diff_schemas(const qv_schema *a, const qv_schema *b, const qv_equal_options *o, qv_error *why) {
  if (qv_schema_equals(a, b, o->check_metadata)) return QV_OK;
  qv_strbuf sa, sb;
  qv__strbuf_init(&sa);
  qv__strbuf_init(&sb);
  for (int32_t i = 0; i < a->n_fields; i++) {
    if (i) qv__strbuf_append(&sa, ", ");
    qv__field_append(&sa, a->fields[i]);
  }
  for (int32_t i = 0; i < b->n_fields; i++) {
    if (i) qv__strbuf_append(&sb, ", ");
    qv__field_append(&sb, b->fields[i]);
  }
  qv_status st = qv_error_set(why, QV_ERR_INVALID_DATA, "schemas differ: left {%s}, right {%s}%s",
                              qv__strbuf_cstr(&sa), qv__strbuf_cstr(&sb),
                              o->check_metadata ? " (metadata compared)" : "");
  qv__strbuf_free(&sa);
  qv__strbuf_free(&sb);
  return st;
}

static qv_status diff_batches(const qv_batch *a, const qv_batch *b, const qv_equal_options *opts, bool want_msg,
                              qv_error *why) {
  static const qv_equal_options defaults = QV_EQUAL_OPTIONS_DEFAULT;
  const qv_equal_options *o = opts ? opts : &defaults;
  if (a == NULL || b == NULL) {
    if (a == b) return QV_OK;
    return qv_error_set(why, QV_ERR_INVALID_DATA, "%s batch is NULL", a == NULL ? "left" : "right");
  }
  QV_RETURN_IF_ERROR(diff_schemas(a->schema, b->schema, o, why));
  if (a->length != b->length)
    return qv_error_set(why, QV_ERR_INVALID_DATA, "batch lengths differ: left %lld, right %lld",
                        (long long)a->length, (long long)b->length);
  if (o->check_metadata && !qv_metadata_equals(a->metadata, b->metadata))
    return qv_error_set(why, QV_ERR_INVALID_DATA, "batch metadata differs");
  for (int32_t i = 0; i < a->n_columns; i++) {
    char prefix[300];
    snprintf(prefix, sizeof prefix, "column '%s': ", a->schema->fields[i]->name);
    QV_RETURN_IF_ERROR(diff_arrays(a->columns[i], b->columns[i], o, want_msg, prefix, why));
  }
  return QV_OK;
}

bool qv_batch_equals(const qv_batch *a, const qv_batch *b) { return qv_batch_equals_opts(a, b, NULL); }

bool qv_batch_equals_opts(const qv_batch *a, const qv_batch *b, const qv_equal_options *opts) {
  return diff_batches(a, b, opts, false, NULL) == QV_OK;
}

qv_status qv_batch_diff(const qv_batch *a, const qv_batch *b, const qv_equal_options *opts, qv_error *why) {
  return diff_batches(a, b, opts, why != NULL, why);
}

/* ---- tables ---- */

static qv_status check_side(const qv_array *x, const char *side, const char *prefix, qv_error *why) {
  qv_error verr;
  if (x == NULL) return qv_error_set(why, QV_ERR_INVALID_DATA, "%s%s array is NULL", prefix, side);
  if (qv_array_validate(x, QV_VALIDATE_STRUCTURE, &verr) != QV_OK)
    return qv_error_set(why, QV_ERR_INVALID_DATA, "%s%s array is invalid: %s", prefix, side, verr.message);
  return QV_OK;
}

/* Column `col` of both tables, row by row across batch boundaries. */
static qv_status diff_column(const qv_table *a, const qv_table *b, int32_t col, const qv_equal_options *o,
                             bool want_msg, qv_error *why) {
  char prefix[300];
  snprintf(prefix, sizeof prefix, "column '%s': ", a->schema->fields[col]->name);
  int64_t ba = 0, bb = 0; /* current batch on each side */
  int64_t ra = 0, rb = 0; /* rows of that batch already compared */
  int64_t row = 0;        /* table row of the next comparison */
  qv__cmp c;
  while (ba < a->n_batches && bb < b->n_batches) {
    const qv_array *xa = a->batches[ba]->columns[col], *xb = b->batches[bb]->columns[col];
    if (ra == 0) QV_RETURN_IF_ERROR(check_side(xa, "left", prefix, why));
    if (rb == 0) QV_RETURN_IF_ERROR(check_side(xb, "right", prefix, why));
    const int64_t na = xa->length - ra, nb = xb->length - rb;
    const int64_t n = na < nb ? na : nb;
    if (n > 0) {
      qv__cmp_init(&c, o, want_msg);
      const int64_t k = qv__cmp_range(&c, xa, ra, xb, rb, n);
      if (k >= 0) return want_msg ? report(&c, prefix, row + k, why) : QV_ERR_INVALID_DATA;
    }
    row += n;
    ra += n;
    rb += n;
    if (ra >= xa->length) ba++, ra = 0;
    if (rb >= xb->length) bb++, rb = 0;
  }
  return QV_OK;
}

static qv_status diff_tables(const qv_table *a, const qv_table *b, const qv_equal_options *opts, bool want_msg,
                             qv_error *why) {
  static const qv_equal_options defaults = QV_EQUAL_OPTIONS_DEFAULT;
  const qv_equal_options *o = opts ? opts : &defaults;
  if (a == NULL || b == NULL) {
    if (a == b) return QV_OK;
    return qv_error_set(why, QV_ERR_INVALID_DATA, "%s table is NULL", a == NULL ? "left" : "right");
  }
  QV_RETURN_IF_ERROR(diff_schemas(a->schema, b->schema, o, why));
  if (a->n_rows != b->n_rows)
    return qv_error_set(why, QV_ERR_INVALID_DATA, "row counts differ: left %lld, right %lld", (long long)a->n_rows,
                        (long long)b->n_rows);
  for (int32_t i = 0; i < a->schema->n_fields; i++) QV_RETURN_IF_ERROR(diff_column(a, b, i, o, want_msg, why));
  return QV_OK;
}

bool qv_table_equals(const qv_table *a, const qv_table *b) { return qv_table_equals_opts(a, b, NULL); }

bool qv_table_equals_opts(const qv_table *a, const qv_table *b, const qv_equal_options *opts) {
  return diff_tables(a, b, opts, false, NULL) == QV_OK;
}

qv_status qv_table_diff(const qv_table *a, const qv_table *b, const qv_equal_options *opts, qv_error *why) {
  return diff_tables(a, b, opts, why != NULL, why);
}
