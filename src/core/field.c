/* quiver core: qv_field (name, type, nullability, metadata).
 *
 * A field owns a copy of its name (never NULL), a reference to its type and
 * a private copy of its metadata (NULL when none was given, or when an empty
 * set was given: "no metadata" has one spelling). Immutable once built;
 * refcounted atomically. Equality lives in type_equals.c, text in
 * type_string.c.
 */
#include "core/internal.h"

qv_status qv_field_new(const char *name, qv_type *type, bool nullable, const qv_metadata *metadata,
                       qv_field **out, qv_error *err) {
  if (out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_field_new: out is NULL");
  *out = NULL;
  if (type == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "field '%s': type is NULL", name ? name : "");
  qv_status st = QV_OK;
  /* One allocation: the name lives right after the struct (readers build
   * many fields; this halves their allocations). */
  if (name == NULL) name = "";
  size_t name_size = strlen(name) + 1;
  qv_field *f = (qv_field *)qv__calloc(1, sizeof *f + name_size);
  QV_CHECK_ALLOC(f, err);
  f->refcount_ = 1;
  f->nullable = nullable;
  f->name = (char *)(f + 1);
  memcpy(f->name, name, name_size);
  if (metadata != NULL && metadata->n > 0)
    QV_GOTO_IF_ERROR(st, qv_metadata_copy(metadata, &f->metadata, err), cleanup);
  f->type = qv_type_retain(type);
  *out = f;
  return QV_OK;
cleanup:
  qv_field_release(f);
  return st;
}

qv_field *qv_field_retain(qv_field *field) {
  if (field != NULL) __atomic_fetch_add(&field->refcount_, 1, __ATOMIC_RELAXED);
  return field;
}

void qv_field_release(qv_field *field) {
  if (field == NULL) return;
  if (__atomic_sub_fetch(&field->refcount_, 1, __ATOMIC_ACQ_REL) != 0) return;
  qv_type_release(field->type);
  qv_metadata_free(field->metadata);
  free(field);
}
