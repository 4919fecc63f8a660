/* quiver core: qv_schema (ordered fields plus schema-level metadata).
 *
 * Holds a reference to each field and a private metadata copy (NULL when
 * none). Text follows pyarrow's Schema.__str__: one "name: type" line per
 * field, field metadata under "  -- field metadata --", schema metadata
 * under "-- schema metadata --".
 */
#include "core/internal.h"

qv_status qv_schema_new(qv_field *const *fields, int32_t n_fields, const qv_metadata *metadata,
                        qv_schema **out, qv_error *err) {
  if (out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_schema_new: out is NULL");
  *out = NULL;
  if (n_fields < 0)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "schema: negative number of fields %d", n_fields);
  if (n_fields > 0 && fields == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "schema: fields is NULL with %d fields", n_fields);
  for (int32_t i = 0; i < n_fields; i++)
    if (fields[i] == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "schema: field %d is NULL", i);
  qv_status st = QV_OK;
  /* One allocation: the field pointers follow the struct. */
  qv_schema *s = (qv_schema *)qv__calloc(1, sizeof *s + (size_t)n_fields * sizeof(qv_field *));
  QV_CHECK_ALLOC(s, err);
  s->refcount_ = 1;
  s->fields = (qv_field **)(void *)(s + 1);
  if (metadata != NULL && metadata->n > 0)
    QV_GOTO_IF_ERROR(st, qv_metadata_copy(metadata, &s->metadata, err), cleanup);
  for (int32_t i = 0; i < n_fields; i++) s->fields[i] = qv_field_retain(fields[i]);
  s->n_fields = n_fields;
  *out = s;
  return QV_OK;
cleanup:
  qv_schema_release(s);
  return st;
}

qv_schema *qv_schema_retain(qv_schema *schema) {
  if (schema != NULL) __atomic_fetch_add(&schema->refcount_, 1, __ATOMIC_RELAXED);
  return schema;
}

void qv_schema_release(qv_schema *schema) {
  if (schema == NULL) return;
  if (__atomic_sub_fetch(&schema->refcount_, 1, __ATOMIC_ACQ_REL) != 0) return;
  for (int32_t i = 0; i < schema->n_fields; i++) qv_field_release(schema->fields[i]);
  qv_metadata_free(schema->metadata);
  free(schema);
}

int32_t qv_schema_field_index(const qv_schema *schema, const char *name) {
  if (schema == NULL || name == NULL) return -1;
  for (int32_t i = 0; i < schema->n_fields; i++)
    if (strcmp(schema->fields[i]->name, name) == 0) return i;
  return -1;
}

bool qv_schema_equals(const qv_schema *a, const qv_schema *b, bool check_metadata) {
  if (a == b) return true;
  if (a == NULL || b == NULL || a->n_fields != b->n_fields) return false;
  if (check_metadata && !qv_metadata_equals(a->metadata, b->metadata)) return false;
  for (int32_t i = 0; i < a->n_fields; i++)
    if (!qv_field_equals(a->fields[i], b->fields[i], check_metadata)) return false;
  return true;
}

int64_t qv_schema_format(const qv_schema *schema, char *buf, size_t cap) {
  qv_strbuf sb;
  qv__strbuf_init_fixed(&sb, buf, cap);
  if (schema != NULL) {
    for (int32_t i = 0; i < schema->n_fields; i++) {
      const qv_field *f = schema->fields[i];
      if (i > 0) qv__strbuf_appendc(&sb, '\n');
      qv__field_append(&sb, f);
      if (f->metadata != NULL && f->metadata->n > 0) {
        qv__strbuf_append(&sb, "\n  -- field metadata --");
        qv__metadata_append(&sb, f->metadata, 2);
      }
    }
    if (schema->metadata != NULL && schema->metadata->n > 0) {
      if (schema->n_fields > 0) qv__strbuf_appendc(&sb, '\n');
      qv__strbuf_append(&sb, "-- schema metadata --");
      qv__metadata_append(&sb, schema->metadata, 0);
    }
  }
  return (int64_t)sb.len;
}
